// SPDX-License-Identifier: Apache-2.0
// npe_soc_axil_master: the core's simple memory port (request held until
// ready) as an AXI4-Lite master, for the engine's CSRs. One transaction at a
// time: a write drives AW and W together (each dropped once taken) and waits
// for B; a read drives AR and waits for R. ready pulses in the cycle after
// the response with the read data; a SLVERR/DECERR response reads as
// 0xffff_ffff and sets err_o for that cycle (the SoC counts them).
module npe_soc_axil_master #(
  parameter int AddrWidth = 12
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 req_i,
  input  logic                 we_i,
  input  logic [AddrWidth-1:0] addr_i,
  input  logic [31:0]          wdata_i,
  input  logic [3:0]           wstrb_i,
  output logic [31:0]          rdata_o,
  output logic                 ready_o,
  output logic                 err_o,

  output logic [AddrWidth-1:0] m_axil_awaddr,
  output logic [2:0]           m_axil_awprot,
  output logic                 m_axil_awvalid,
  input  logic                 m_axil_awready,
  output logic [31:0]          m_axil_wdata,
  output logic [3:0]           m_axil_wstrb,
  output logic                 m_axil_wvalid,
  input  logic                 m_axil_wready,
  input  logic [1:0]           m_axil_bresp,
  input  logic                 m_axil_bvalid,
  output logic                 m_axil_bready,
  output logic [AddrWidth-1:0] m_axil_araddr,
  output logic [2:0]           m_axil_arprot,
  output logic                 m_axil_arvalid,
  input  logic                 m_axil_arready,
  input  logic [31:0]          m_axil_rdata,
  input  logic [1:0]           m_axil_rresp,
  input  logic                 m_axil_rvalid,
  output logic                 m_axil_rready
);
  typedef enum logic [2:0] {StIdle, StWrite, StRead, StDone} state_e;
  state_e      state_q, state_d;
  logic        aw_done_q, aw_done_d, w_done_q, w_done_d;  // AW (or AR) / W taken
  logic [31:0] rdata_q, rdata_d;
  logic        err_q, err_d;

  always_comb begin
    state_d   = state_q;
    aw_done_d = aw_done_q;
    w_done_d  = w_done_q;
    rdata_d   = rdata_q;
    err_d     = err_q;
    case (state_q)
      StIdle: begin
        if (req_i) begin
          if (we_i) state_d = StWrite;
          else state_d = StRead;
          aw_done_d = 1'b0;
          w_done_d  = 1'b0;
          err_d     = 1'b0;
        end
      end
      StWrite: begin
        if (m_axil_awvalid && m_axil_awready) aw_done_d = 1'b1;
        if (m_axil_wvalid && m_axil_wready)   w_done_d  = 1'b1;
        if (m_axil_bvalid) begin
          state_d = StDone;
          rdata_d = 32'd0;
          err_d   = m_axil_bresp[1];
        end
      end
      StRead: begin
        if (m_axil_arvalid && m_axil_arready) aw_done_d = 1'b1;  // (AR taken)
        if (m_axil_rvalid) begin
          state_d = StDone;
          err_d   = m_axil_rresp[1];
          rdata_d = m_axil_rresp[1] ? 32'hffff_ffff : m_axil_rdata;
        end
      end
      StDone: state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      aw_done_q <= 1'b0;
      w_done_q  <= 1'b0;
      rdata_q   <= 32'd0;
      err_q     <= 1'b0;
    end else begin
      state_q   <= state_d;
      aw_done_q <= aw_done_d;
      w_done_q  <= w_done_d;
      rdata_q   <= rdata_d;
      err_q     <= err_d;
    end
  end

  // The request is held until ready, so the address and data come straight
  // from it.
  assign m_axil_awaddr  = addr_i;
  assign m_axil_awprot  = 3'b000;
  assign m_axil_awvalid = (state_q == StWrite) && !aw_done_q;
  assign m_axil_wdata   = wdata_i;
  assign m_axil_wstrb   = wstrb_i;
  assign m_axil_wvalid  = (state_q == StWrite) && !w_done_q;
  assign m_axil_bready  = state_q == StWrite;
  assign m_axil_araddr  = addr_i;
  assign m_axil_arprot  = 3'b000;
  assign m_axil_arvalid = (state_q == StRead) && !aw_done_q;
  assign m_axil_rready  = state_q == StRead;

  assign ready_o = state_q == StDone;
  assign rdata_o = rdata_q;
  assign err_o   = (state_q == StDone) && err_q;

  // (bit 0 of a response tells SLVERR from DECERR: either is an error here)
  logic unused;
  assign unused = ^{m_axil_bresp[0], m_axil_rresp[0]};

`ifdef NPE_ASSERT
  AxilMasterReqHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
    state_q != StIdle |-> req_i);
  AxilMasterBAfterAwW: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (state_q == StWrite && m_axil_bvalid) |-> (aw_done_q || m_axil_awready) && (w_done_q || m_axil_wready));
`endif
endmodule
