// SPDX-License-Identifier: Apache-2.0
// npe_axil_slave_formal: bounded proof harness for npe_axil_slave (Yosys
// read_verilog -sv -formal, yosys-smtbmc, z3; mk/formal.mk). Immediate
// assume/assert in always blocks, so the RTL stays as it is and the
// simulators never see this file. Not a testbench: every input is free
// except for the AXI rules a master must keep, stated as assumptions.
//
// Proved: BVALID/RVALID held until BREADY/RREADY with a stable payload; one
// response at a time; no response without a request; every write and read
// answered within a bound when the master takes responses within
// MaxStall + 1 cycles; the register port sees the right address and data
// once per request, and the response carries its error and read data.
module npe_axil_slave_formal (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [11:0] s_axil_awaddr,
  input  logic [2:0]  s_axil_awprot,
  input  logic        s_axil_awvalid,
  input  logic [31:0] s_axil_wdata,
  input  logic [3:0]  s_axil_wstrb,
  input  logic        s_axil_wvalid,
  input  logic        s_axil_bready,
  input  logic [11:0] s_axil_araddr,
  input  logic [2:0]  s_axil_arprot,
  input  logic        s_axil_arvalid,
  input  logic        s_axil_rready,
  input  logic [31:0] reg_rdata_i,
  input  logic        reg_error_i
);
  localparam int MaxStall = 2;   // the master leaves BREADY/RREADY low at most this long
  localparam int Bound    = 10;  // cycles within which a request is answered

  logic        s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
  logic [1:0]  s_axil_bresp, s_axil_rresp;
  logic [31:0] s_axil_rdata;
  logic        reg_req_o, reg_we_o;
  logic [11:0] reg_addr_o;
  logic [31:0] reg_wdata_o;
  logic [3:0]  reg_wstrb_o;

  npe_axil_slave #(.AddrWidth(12)) dut (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .s_axil_awaddr(s_axil_awaddr),
    .s_axil_awprot(s_axil_awprot),
    .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready),
    .s_axil_wdata(s_axil_wdata),
    .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid),
    .s_axil_wready(s_axil_wready),
    .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid),
    .s_axil_bready(s_axil_bready),
    .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot),
    .s_axil_arvalid(s_axil_arvalid),
    .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata),
    .s_axil_rresp(s_axil_rresp),
    .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .reg_req_o(reg_req_o),
    .reg_we_o(reg_we_o),
    .reg_addr_o(reg_addr_o),
    .reg_wdata_o(reg_wdata_o),
    .reg_wstrb_o(reg_wstrb_o),
    .reg_rdata_i(reg_rdata_i),
    .reg_error_i(reg_error_i)
  );

  // ------------------------------------------------------------------
  // Reset in the first cycle only
  // ------------------------------------------------------------------
  // (initial blocks, not declaration initialisers: Yosys 0.23 keeps only
  // the former as initial values in -sv mode)
  logic init_q, past_q;
  initial init_q = 1'b1;
  initial past_q = 1'b0;
  always @(posedge clk_i) begin
    init_q <= 1'b0;
    past_q <= 1'b1;
  end
  always @* assume(rst_ni == !init_q);

  // ------------------------------------------------------------------
  // The master: VALID held until READY with a stable payload, responses
  // taken within MaxStall + 1 cycles
  // ------------------------------------------------------------------
  logic [3:0] bstall_q, rstall_q;
  initial bstall_q = '0;
  initial rstall_q = '0;
  always @(posedge clk_i) begin
    bstall_q <= (s_axil_bvalid && !s_axil_bready) ? bstall_q + 4'd1 : 4'd0;
    rstall_q <= (s_axil_rvalid && !s_axil_rready) ? rstall_q + 4'd1 : 4'd0;
  end
  always @* begin
    assume(bstall_q <= MaxStall);
    assume(rstall_q <= MaxStall);
  end
  always @(posedge clk_i) if (past_q && $past(rst_ni)) begin
    if ($past(s_axil_awvalid && !s_axil_awready))
      assume(s_axil_awvalid && s_axil_awaddr == $past(s_axil_awaddr));
    if ($past(s_axil_wvalid && !s_axil_wready))
      assume(s_axil_wvalid && s_axil_wdata == $past(s_axil_wdata) &&
             s_axil_wstrb == $past(s_axil_wstrb));
    if ($past(s_axil_arvalid && !s_axil_arready))
      assume(s_axil_arvalid && s_axil_araddr == $past(s_axil_araddr));
  end

  // ------------------------------------------------------------------
  // Book-keeping: requests, register accesses and responses so far
  // ------------------------------------------------------------------
  // pend_aw_q / pend_w_q: a write address / data taken and not yet written to
  // the register port (their values in pend_*); wr_unans_q: register writes
  // not yet answered on B; ar_unans_q: reads taken, R not yet given.
  // (The slave may take the next AW and W while a B is still waiting.)
  logic        pend_aw_q, pend_w_q;
  logic [1:0]  wr_unans_q, ar_unans_q;
  initial {pend_aw_q, pend_w_q} = '0;
  initial {wr_unans_q, ar_unans_q} = '0;
  logic [11:0] pend_awaddr_q;
  logic [31:0] pend_wdata_q, rdata_exp_q;
  logic [3:0]  pend_wstrb_q;
  logic        err_exp_q;
  logic [3:0]  wr_wait_q, ar_wait_q;
  initial {wr_wait_q, ar_wait_q} = '0;
  logic        aw_hs, w_hs, b_hs, ar_hs, r_hs, reg_wr;
  assign aw_hs  = s_axil_awvalid && s_axil_awready;
  assign w_hs   = s_axil_wvalid && s_axil_wready;
  assign b_hs   = s_axil_bvalid && s_axil_bready;
  assign ar_hs  = s_axil_arvalid && s_axil_arready;
  assign r_hs   = s_axil_rvalid && s_axil_rready;
  assign reg_wr = reg_req_o && reg_we_o;

  always @(posedge clk_i) if (rst_ni) begin
    if (aw_hs) begin
      pend_aw_q     <= 1'b1;
      pend_awaddr_q <= s_axil_awaddr;
    end else if (reg_wr) pend_aw_q <= 1'b0;
    if (w_hs) begin
      pend_w_q     <= 1'b1;
      pend_wdata_q <= s_axil_wdata;
      pend_wstrb_q <= s_axil_wstrb;
    end else if (reg_wr) pend_w_q <= 1'b0;
    wr_unans_q <= wr_unans_q + 2'(reg_wr) - 2'(b_hs);
    ar_unans_q <= ar_unans_q + 2'(ar_hs) - 2'(r_hs);
    if (reg_req_o) begin
      err_exp_q   <= reg_error_i;
      rdata_exp_q <= reg_error_i ? 32'h0 : reg_rdata_i;
    end
    // cycles a complete write waits for its register access / a read
    // address waits to be taken
    wr_wait_q <= (pend_aw_q && pend_w_q && !reg_wr) ? wr_wait_q + 4'd1 : 4'd0;
    ar_wait_q <= (s_axil_arvalid && !s_axil_arready) ? ar_wait_q + 4'd1 : 4'd0;
  end

  // ------------------------------------------------------------------
  // Properties
  // ------------------------------------------------------------------
  always @(posedge clk_i) if (past_q && rst_ni && $past(rst_ni)) begin
    // AxilBValidStable, AxilRValidStable: held until taken, payload stable
    if ($past(s_axil_bvalid && !s_axil_bready))
      assert(s_axil_bvalid && s_axil_bresp == $past(s_axil_bresp));
    if ($past(s_axil_rvalid && !s_axil_rready))
      assert(s_axil_rvalid && s_axil_rdata == $past(s_axil_rdata) &&
             s_axil_rresp == $past(s_axil_rresp));
  end
  always @* if (rst_ni && !init_q) begin
    // AxilOneAtATime: one response at a time, one request per response
    assert(!(s_axil_bvalid && s_axil_rvalid));
    assert(wr_unans_q <= 2'd1 && ar_unans_q <= 2'd1);
    // AxilNoSpuriousResponse: a B only for a written register, an R only
    // for a taken read address
    if (s_axil_bvalid) assert(wr_unans_q == 2'd1);
    if (s_axil_rvalid) assert(ar_unans_q == 2'd1);
    // AxilNoOverwrite: a held AW or W is not replaced before it is used
    if (pend_aw_q) assert(!s_axil_awready);
    if (pend_w_q) assert(!s_axil_wready);
    // AxilWriteAnswered, AxilReadAccepted: bounded wait under a fair master
    assert(wr_wait_q < Bound);
    assert(ar_wait_q < Bound);
    // AxilRegWrite: the register port writes the captured address, data and
    // strobes, once per write, and not while the previous B waits
    if (reg_wr)
      assert(pend_aw_q && pend_w_q && wr_unans_q == 2'd0 && ar_unans_q == 2'd0 &&
             reg_addr_o == pend_awaddr_q && reg_wdata_o == pend_wdata_q &&
             reg_wstrb_o == pend_wstrb_q);
    // AxilRegRead: a read accesses the register in the cycle its address is taken
    if (reg_req_o && !reg_we_o)
      assert(ar_hs && reg_addr_o == s_axil_araddr && wr_unans_q == 2'd0 &&
             ar_unans_q == 2'd0);
    if (ar_hs) assert(reg_req_o && !reg_we_o);
    // AxilRespMatchesReg: the response carries the register's error and data
    if (s_axil_bvalid) assert(s_axil_bresp == (err_exp_q ? 2'b10 : 2'b00));
    if (s_axil_rvalid)
      assert(s_axil_rresp == (err_exp_q ? 2'b10 : 2'b00) && s_axil_rdata == rdata_exp_q);
  end
endmodule
