// SPDX-License-Identifier: Apache-2.0
// npe_soc_host_axil_formal: bounded proof harness for npe_soc_host_axil (the
// PYNQ-Z2 board top's AXI4-Lite slave onto npe_soc's host port; Yosys
// read_verilog -sv -formal, ABC, yosys-smtbmc; mk/formal.mk). Immediate
// assume/assert in always blocks, as npe_axil_slave_formal. Every input is
// free except for the AXI rules a master keeps and the host port's: ready
// only for a request. The smallest window (RamBytes 8 KiB, 14 address bits)
// keeps the model small; the decode is the same expression at any size.
//
// Proved: B and R held until taken with a stable payload; one response at a
// time, none without a request; a held AW or W not replaced before use; the
// host port's request held with stable fields until ready, only one at a
// time and only while no response waits; a host write carries the captured
// address (translated: the RAM at its offset, the mailbox at 0x4001_0000),
// data and strobes, only for an address in the window with strobes; a host
// read only for an address in the window, the taken one; DECERR (data 0)
// exactly for the addresses outside, OKAY with the host's read data
// otherwise; every write and read answered within a bound when the master
// takes responses within MaxStall + 1 cycles and the host port answers
// within HostMax.
module npe_soc_host_axil_formal (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [13:0] s_axil_awaddr,
  input  logic [2:0]  s_axil_awprot,
  input  logic        s_axil_awvalid,
  input  logic [31:0] s_axil_wdata,
  input  logic [3:0]  s_axil_wstrb,
  input  logic        s_axil_wvalid,
  input  logic        s_axil_bready,
  input  logic [13:0] s_axil_araddr,
  input  logic [2:0]  s_axil_arprot,
  input  logic        s_axil_arvalid,
  input  logic        s_axil_rready,
  input  logic [31:0] h_rdata_i,
  input  logic        h_ready_i
);
  localparam int MaxStall = 2;   // the master leaves BREADY/RREADY low at most this long
  localparam int HostMax  = 3;   // the host port answers within this many cycles
  localparam int Bound    = 16;  // cycles within which a request is taken / answered
  // (a read may wait for the response before it and a whole write: the
  // turns alternate)

  logic        s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
  logic [1:0]  s_axil_bresp, s_axil_rresp;
  logic [31:0] s_axil_rdata;
  logic        h_req_o, h_we_o;
  logic [31:0] h_addr_o, h_wdata_o;
  logic [3:0]  h_wstrb_o;

  npe_soc_host_axil #(.RamBytes(8192), .AddrWidth(14)) dut (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot),
    .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
    .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
    .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
    .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid),
    .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
    .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
    .h_req_o(h_req_o), .h_we_o(h_we_o), .h_addr_o(h_addr_o), .h_wdata_o(h_wdata_o),
    .h_wstrb_o(h_wstrb_o), .h_rdata_i(h_rdata_i), .h_ready_i(h_ready_i)
  );

  // the decode this harness expects (the window of docs/SOC.md, "On a board")
  function automatic logic in_win(input logic [13:0] a);
    in_win = !a[13] || !a[12];
  endfunction
  function automatic logic [31:0] haddr(input logic [13:0] a);
    haddr = a[13] ? (32'h4001_0000 | {20'd0, a[11:2], 2'b00}) : {19'd0, a[12:2], 2'b00};
  endfunction

  // ------------------------------------------------------------------
  // Reset in the first cycle only
  // ------------------------------------------------------------------
  logic init_q, past_q;
  initial init_q = 1'b1;
  initial past_q = 1'b0;
  always @(posedge clk_i) begin
    init_q <= 1'b0;
    past_q <= 1'b1;
  end
  always @* assume(rst_ni == !init_q);

  // ------------------------------------------------------------------
  // The master (VALID held with a stable payload, responses taken within
  // MaxStall + 1 cycles) and the host port (ready only for a request,
  // within HostMax cycles)
  // ------------------------------------------------------------------
  logic [3:0] bstall_q, rstall_q, hwait_q;
  initial {bstall_q, rstall_q, hwait_q} = '0;
  always @(posedge clk_i) begin
    bstall_q <= (s_axil_bvalid && !s_axil_bready) ? bstall_q + 4'd1 : 4'd0;
    rstall_q <= (s_axil_rvalid && !s_axil_rready) ? rstall_q + 4'd1 : 4'd0;
    hwait_q  <= (h_req_o && !h_ready_i) ? hwait_q + 4'd1 : 4'd0;
  end
  always @* begin
    assume(bstall_q <= MaxStall);
    assume(rstall_q <= MaxStall);
    assume(hwait_q < HostMax);
    if (h_ready_i) assume(h_req_o);
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
  // Book-keeping
  // ------------------------------------------------------------------
  // pend_aw_q / pend_w_q: AW / W taken and not yet used (values in pend_*).
  // A write starts (wr_start) in the cycle its held AW is released: AWREADY
  // rises again, the same cycle as its host request or its B. wr_q / rd_q:
  // a write started / a read address taken, the response not yet taken;
  // cur_*: that transaction; host_done_q: its host access answered, with
  // the data in exp_rdata_q. *_now: the same including this cycle's start.
  logic        pend_aw_q, pend_w_q, wr_q, rd_q;
  logic [13:0] pend_awaddr_q, cur_addr_q;
  logic [31:0] pend_wdata_q, cur_wdata_q, exp_rdata_q;
  logic [3:0]  pend_wstrb_q, cur_wstrb_q;
  logic        host_done_q;
  logic [4:0]  start_wait_q, ar_wait_q, wr_busy_q, rd_busy_q;
  initial {pend_aw_q, pend_w_q, wr_q, rd_q, host_done_q} = '0;
  initial {start_wait_q, ar_wait_q, wr_busy_q, rd_busy_q} = '0;

  logic aw_hs, w_hs, b_hs, ar_hs, r_hs, wr_start, h_done;
  assign aw_hs    = s_axil_awvalid && s_axil_awready;
  assign w_hs     = s_axil_wvalid && s_axil_wready;
  assign b_hs     = s_axil_bvalid && s_axil_bready;
  assign ar_hs    = s_axil_arvalid && s_axil_arready;
  assign r_hs     = s_axil_rvalid && s_axil_rready;
  assign h_done   = h_req_o && h_ready_i;
  assign wr_start = pend_aw_q && pend_w_q && !wr_q && !rd_q && s_axil_awready;

  logic        wr_now, hd_now;
  logic [13:0] addr_now;
  logic [31:0] wdata_now;
  logic [3:0]  wstrb_now;
  assign wr_now    = wr_q || wr_start;
  assign hd_now    = wr_start ? 1'b0 : host_done_q;
  assign addr_now  = wr_start ? pend_awaddr_q : cur_addr_q;
  assign wdata_now = wr_start ? pend_wdata_q : cur_wdata_q;
  assign wstrb_now = wr_start ? pend_wstrb_q : cur_wstrb_q;

  always @(posedge clk_i) if (rst_ni) begin
    if (aw_hs) begin
      pend_aw_q     <= 1'b1;
      pend_awaddr_q <= s_axil_awaddr;
    end else if (wr_start) pend_aw_q <= 1'b0;
    if (w_hs) begin
      pend_w_q     <= 1'b1;
      pend_wdata_q <= s_axil_wdata;
      pend_wstrb_q <= s_axil_wstrb;
    end else if (wr_start) pend_w_q <= 1'b0;
    if (wr_start) begin
      cur_addr_q  <= pend_awaddr_q;
      cur_wdata_q <= pend_wdata_q;
      cur_wstrb_q <= pend_wstrb_q;
    end
    wr_q <= wr_now && !b_hs;
    if (ar_hs) begin
      rd_q       <= 1'b1;
      cur_addr_q <= s_axil_araddr;
    end else if (r_hs) rd_q <= 1'b0;
    if (h_done) begin
      host_done_q <= 1'b1;
      exp_rdata_q <= h_rdata_i;
    end else if (wr_start || ar_hs) host_done_q <= 1'b0;
    // cycles a whole write waits to start, a read address to be taken, and
    // a started write or a taken read to be answered
    start_wait_q <= (pend_aw_q && pend_w_q && !wr_start) ? start_wait_q + 5'd1 : 5'd0;
    ar_wait_q    <= (s_axil_arvalid && !s_axil_arready) ? ar_wait_q + 5'd1 : 5'd0;
    wr_busy_q    <= (wr_now && !b_hs) ? wr_busy_q + 5'd1 : 5'd0;
    rd_busy_q    <= (rd_q && !r_hs) ? rd_busy_q + 5'd1 : 5'd0;
  end

  // ------------------------------------------------------------------
  // Properties
  // ------------------------------------------------------------------
  always @(posedge clk_i) if (past_q && rst_ni && $past(rst_ni)) begin
    // B and R held until taken, their payload stable
    if ($past(s_axil_bvalid && !s_axil_bready))
      assert(s_axil_bvalid && s_axil_bresp == $past(s_axil_bresp));
    if ($past(s_axil_rvalid && !s_axil_rready))
      assert(s_axil_rvalid && s_axil_rdata == $past(s_axil_rdata) &&
             s_axil_rresp == $past(s_axil_rresp));
    // the host port's request held, its fields stable, until ready
    if ($past(h_req_o && !h_ready_i))
      assert(h_req_o && h_we_o == $past(h_we_o) && h_addr_o == $past(h_addr_o) &&
             (!h_we_o || (h_wdata_o == $past(h_wdata_o) && h_wstrb_o == $past(h_wstrb_o))));
    // one host access per transaction
    if ($past(h_done)) assert(!h_req_o);
  end
  always @* if (rst_ni && !init_q) begin
    // one transaction at a time; responses only for one
    assert(!(wr_now && rd_q));
    assert(!(s_axil_bvalid && s_axil_rvalid));
    if (s_axil_bvalid) assert(wr_now);
    if (s_axil_rvalid) assert(rd_q);
    // a held AW or W is not replaced before it is used
    if (aw_hs && pend_aw_q) assert(wr_start);
    if (w_hs && pend_w_q) assert(wr_start);
    // the host port: only inside a transaction, once, not while its
    // response waits
    if (h_req_o) assert((wr_now || rd_q) && !hd_now && !s_axil_bvalid && !s_axil_rvalid);
    // a write: the captured address (translated), data and strobes, only
    // inside the window and with strobes
    if (h_req_o && wr_now)
      assert(h_we_o && in_win(addr_now) && wstrb_now != 4'h0 &&
             h_addr_o == haddr(addr_now) && h_wdata_o == wdata_now && h_wstrb_o == wstrb_now);
    // a read: the taken address (translated), only inside the window
    if (h_req_o && rd_q) assert(!h_we_o && in_win(addr_now) && h_addr_o == haddr(addr_now));
    // the responses: DECERR exactly outside the window; a write inside with
    // strobes answered after its host access, others without one; a read
    // inside with the host's data
    if (s_axil_bvalid)
      assert(s_axil_bresp == (in_win(addr_now) ? 2'b00 : 2'b11) &&
             hd_now == (in_win(addr_now) && wstrb_now != 4'h0));
    if (s_axil_rvalid)
      assert(in_win(addr_now) ? (s_axil_rresp == 2'b00 && hd_now && s_axil_rdata == exp_rdata_q)
                              : (s_axil_rresp == 2'b11 && !hd_now && s_axil_rdata == 32'd0));
    // bounded progress under a fair master and host port
    assert(start_wait_q < Bound);
    assert(ar_wait_q < Bound);
    assert(wr_busy_q < Bound);
    assert(rd_busy_q < Bound);
  end
endmodule
