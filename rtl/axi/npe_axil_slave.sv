// SPDX-License-Identifier: Apache-2.0
// npe_axil_slave: AXI4-Lite slave that turns s_axil_* into a one-cycle register
// request port; it decodes nothing itself (the register file answers error_i).
//
// One transaction at a time. AW and W are accepted independently and held
// until both have arrived; a read waits while a write is being answered and
// vice versa, and a pending write and read alternate so neither starves. The
// register port is answered combinationally in the cycle of reg_req_o.
module npe_axil_slave #(
  parameter int AddrWidth = 12  // byte address bits seen by the register file, 3..32
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // AXI4-Lite slave: write address
  input  logic [AddrWidth-1:0] s_axil_awaddr,
  input  logic [2:0]           s_axil_awprot,
  input  logic                 s_axil_awvalid,
  output logic                 s_axil_awready,
  // AXI4-Lite slave: write data
  input  logic [31:0]          s_axil_wdata,
  input  logic [3:0]           s_axil_wstrb,
  input  logic                 s_axil_wvalid,
  output logic                 s_axil_wready,
  // AXI4-Lite slave: write response
  output logic [1:0]           s_axil_bresp,
  output logic                 s_axil_bvalid,
  input  logic                 s_axil_bready,
  // AXI4-Lite slave: read address
  input  logic [AddrWidth-1:0] s_axil_araddr,
  input  logic [2:0]           s_axil_arprot,
  input  logic                 s_axil_arvalid,
  output logic                 s_axil_arready,
  // AXI4-Lite slave: read data
  output logic [31:0]          s_axil_rdata,
  output logic [1:0]           s_axil_rresp,
  output logic                 s_axil_rvalid,
  input  logic                 s_axil_rready,

  // Register request port (to npe_csr)
  output logic                 reg_req_o,
  output logic                 reg_we_o,
  output logic [AddrWidth-1:0] reg_addr_o,
  output logic [31:0]          reg_wdata_o,
  output logic [3:0]           reg_wstrb_o,
  input  logic [31:0]          reg_rdata_i,
  input  logic                 reg_error_i
);

  localparam logic [1:0] RespOkay   = 2'b00;
  localparam logic [1:0] RespSlverr = 2'b10;

  typedef enum logic [1:0] {
    StIdle,   // waiting for a complete write or a read address
    StBResp,  // write answered, holding B until bready
    StRResp   // read answered, holding R until rready
  } state_e;

  state_e               state_q, state_d;
  logic                 aw_held_q, aw_held_d;
  logic [AddrWidth-1:0] awaddr_q, awaddr_d;
  logic                 w_held_q, w_held_d;
  logic [31:0]          wdata_q, wdata_d;
  logic [3:0]           wstrb_q, wstrb_d;
  logic                 prefer_rd_q, prefer_rd_d;
  logic [31:0]          rdata_q, rdata_d;
  logic                 err_q, err_d;

  logic                 aw_hs, w_hs, wr_go, rd_go;

  // ------------------------------------------------------------------
  // Write address and data capture: each channel is taken as it comes
  // ------------------------------------------------------------------
  assign s_axil_awready = !aw_held_q;
  assign s_axil_wready  = !w_held_q;
  assign aw_hs = s_axil_awvalid && s_axil_awready;
  assign w_hs  = s_axil_wvalid && s_axil_wready;

  // A held write goes first unless a read is waiting and it is the read's turn.
  assign wr_go = (state_q == StIdle) && aw_held_q && w_held_q &&
                 !(s_axil_arvalid && prefer_rd_q);
  assign rd_go = (state_q == StIdle) && !wr_go && s_axil_arvalid;
  assign s_axil_arready = rd_go;

  always_comb begin
    aw_held_d = aw_held_q;
    awaddr_d  = awaddr_q;
    w_held_d  = w_held_q;
    wdata_d   = wdata_q;
    wstrb_d   = wstrb_q;
    if (aw_hs) begin
      aw_held_d = 1'b1;
      awaddr_d  = s_axil_awaddr;
    end
    if (w_hs) begin
      w_held_d = 1'b1;
      wdata_d  = s_axil_wdata;
      wstrb_d  = s_axil_wstrb;
    end
    if (wr_go) begin
      aw_held_d = 1'b0;
      w_held_d  = 1'b0;
    end
  end

  // ------------------------------------------------------------------
  // Register port
  // ------------------------------------------------------------------
  assign reg_req_o   = wr_go || rd_go;
  assign reg_we_o    = wr_go;
  assign reg_addr_o  = wr_go ? awaddr_q : s_axil_araddr;
  assign reg_wdata_o = wdata_q;
  assign reg_wstrb_o = wstrb_q;

  // ------------------------------------------------------------------
  // Response FSM
  // ------------------------------------------------------------------
  always_comb begin
    state_d     = state_q;
    prefer_rd_d = prefer_rd_q;
    rdata_d     = rdata_q;
    err_d       = err_q;
    case (state_q)
      // StIdle: answer a complete write or a read in this cycle.
      StIdle: begin
        if (wr_go) begin
          err_d       = reg_error_i;
          prefer_rd_d = 1'b1;
          state_d     = StBResp;
        end else if (rd_go) begin
          err_d       = reg_error_i;
          rdata_d     = reg_error_i ? 32'h0 : reg_rdata_i;
          prefer_rd_d = 1'b0;
          state_d     = StRResp;
        end
      end
      // StBResp: hold the write response until the master takes it.
      StBResp: if (s_axil_bready) state_d = StIdle;
      // StRResp: hold the read data until the master takes it.
      StRResp: if (s_axil_rready) state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  assign s_axil_bvalid = (state_q == StBResp);
  assign s_axil_bresp  = err_q ? RespSlverr : RespOkay;
  assign s_axil_rvalid = (state_q == StRResp);
  assign s_axil_rresp  = err_q ? RespSlverr : RespOkay;
  assign s_axil_rdata  = rdata_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      aw_held_q   <= 1'b0;
      awaddr_q    <= '0;
      w_held_q    <= 1'b0;
      wdata_q     <= '0;
      wstrb_q     <= '0;
      prefer_rd_q <= 1'b0;
      rdata_q     <= '0;
      err_q       <= 1'b0;
    end else begin
      state_q     <= state_d;
      aw_held_q   <= aw_held_d;
      awaddr_q    <= awaddr_d;
      w_held_q    <= w_held_d;
      wdata_q     <= wdata_d;
      wstrb_q     <= wstrb_d;
      prefer_rd_q <= prefer_rd_d;
      rdata_q     <= rdata_d;
      err_q       <= err_d;
    end
  end

  // Protection bits carry no meaning for these registers.
  logic unused_prot;
  assign unused_prot = ^{s_axil_awprot, s_axil_arprot};

  // ------------------------------------------------------------------
  // Assertions
  // ------------------------------------------------------------------
`ifdef NPE_ASSERT
  AxilBValidStable: assert property (@(posedge clk_i)
    rst_ni && $past(rst_ni && s_axil_bvalid && !s_axil_bready)
    |-> s_axil_bvalid && $stable(s_axil_bresp));
  AxilRValidStable: assert property (@(posedge clk_i)
    rst_ni && $past(rst_ni && s_axil_rvalid && !s_axil_rready)
    |-> s_axil_rvalid && $stable(s_axil_rdata));
  AxilOneAtATime: assert property (@(posedge clk_i)
    rst_ni |-> !(s_axil_bvalid && s_axil_rvalid));
`endif

endmodule
