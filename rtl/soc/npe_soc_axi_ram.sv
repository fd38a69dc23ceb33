// SPDX-License-Identifier: Apache-2.0
// npe_soc_axi_ram: an AXI4 slave (64-bit data, INCR bursts of 8-byte beats,
// as npe_axi_dma issues them) onto one port of npe_soc_ram, so the engine's
// DMA reads operands from and writes results to the on-chip RAM. One burst
// at a time; when a read and a write burst both wait they take turns. A read
// burst streams one beat per cycle (the next word is read when a beat is
// taken; the RAM holds its output while rready is low); a write burst takes
// one beat per cycle. Addresses wrap at the RAM's size (the engine's DMA
// window, set by the firmware, keeps them inside). Responses are OKAY.
module npe_soc_axi_ram #(
  parameter int Words = 16384  // RAM words (64-bit)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  input  logic [3:0]               s_axi_arid,
  input  logic [31:0]              s_axi_araddr,
  input  logic [7:0]               s_axi_arlen,
  input  logic [2:0]               s_axi_arsize,
  input  logic [1:0]               s_axi_arburst,
  input  logic                     s_axi_arvalid,
  output logic                     s_axi_arready,
  output logic [3:0]               s_axi_rid,
  output logic [63:0]              s_axi_rdata,
  output logic [1:0]               s_axi_rresp,
  output logic                     s_axi_rlast,
  output logic                     s_axi_rvalid,
  input  logic                     s_axi_rready,
  input  logic [3:0]               s_axi_awid,
  input  logic [31:0]              s_axi_awaddr,
  input  logic [7:0]               s_axi_awlen,
  input  logic [2:0]               s_axi_awsize,
  input  logic [1:0]               s_axi_awburst,
  input  logic                     s_axi_awvalid,
  output logic                     s_axi_awready,
  input  logic [63:0]              s_axi_wdata,
  input  logic [7:0]               s_axi_wstrb,
  input  logic                     s_axi_wlast,
  input  logic                     s_axi_wvalid,
  output logic                     s_axi_wready,
  output logic [3:0]               s_axi_bid,
  output logic [1:0]               s_axi_bresp,
  output logic                     s_axi_bvalid,
  input  logic                     s_axi_bready,

  output logic                     ram_en_o,
  output logic [7:0]               ram_we_o,
  output logic [$clog2(Words)-1:0] ram_addr_o,
  output logic [63:0]              ram_wdata_o,
  input  logic [63:0]              ram_rdata_i
);
  localparam int AW = $clog2(Words);

  typedef enum logic [1:0] {StIdle, StRead, StWrite, StWrResp} state_e;
  state_e         state_q, state_d;
  logic [AW-1:0]  addr_q, addr_d;    // word of the next beat (read: of the next RAM read)
  logic [7:0]     left_q, left_d;    // beats after the one in flight
  logic [3:0]     id_q, id_d;
  logic           last_wr_q, last_wr_d;  // the last burst was a write (turns)

  logic take_ar, take_aw, r_beat, w_beat;

  assign take_aw = (state_q == StIdle) && s_axi_awvalid && (!s_axi_arvalid || !last_wr_q);
  assign take_ar = (state_q == StIdle) && s_axi_arvalid && !take_aw;
  assign r_beat  = (state_q == StRead) && s_axi_rready;
  assign w_beat  = (state_q == StWrite) && s_axi_wvalid;

  assign s_axi_arready = take_ar;
  assign s_axi_awready = take_aw;

  // RAM: the first word of a read burst when AR is taken, the next one as
  // each beat but the last is taken; write beats as they come.
  assign ram_en_o    = take_ar || (r_beat && left_q != 8'd0) || w_beat;
  assign ram_addr_o  = take_ar ? s_axi_araddr[AW+2:3] : addr_q;
`ifdef NPE_PLANT_BUG_SOC_STRB
  // planted bug (make soc-plant-rtl-test): byte lane 7's strobe dropped
  assign ram_we_o    = w_beat ? (s_axi_wstrb & 8'h7f) : 8'h00;
`else
  assign ram_we_o    = w_beat ? s_axi_wstrb : 8'h00;
`endif
  assign ram_wdata_o = s_axi_wdata;

  always_comb begin
    state_d   = state_q;
    addr_d    = addr_q;
    left_d    = left_q;
    id_d      = id_q;
    last_wr_d = last_wr_q;
    case (state_q)
      StIdle: begin
        if (take_aw) begin
          state_d   = StWrite;
          addr_d    = s_axi_awaddr[AW+2:3];
          left_d    = s_axi_awlen;
          id_d      = s_axi_awid;
          last_wr_d = 1'b1;
        end else if (take_ar) begin
          state_d   = StRead;
          addr_d    = s_axi_araddr[AW+2:3] + AW'(1);
          left_d    = s_axi_arlen;
          id_d      = s_axi_arid;
          last_wr_d = 1'b0;
        end
      end
      StRead: begin
        if (r_beat) begin
          if (left_q == 8'd0) state_d = StIdle;
          else begin
            addr_d = addr_q + AW'(1);
            left_d = left_q - 8'd1;
          end
        end
      end
      StWrite: begin
        if (w_beat) begin
          addr_d = addr_q + AW'(1);
          left_d = left_q - 8'd1;
          if (s_axi_wlast) state_d = StWrResp;
        end
      end
      StWrResp: if (s_axi_bready) state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      addr_q    <= '0;
      left_q    <= 8'd0;
      id_q      <= 4'd0;
      last_wr_q <= 1'b0;
    end else begin
      state_q   <= state_d;
      addr_q    <= addr_d;
      left_q    <= left_d;
      id_q      <= id_d;
      last_wr_q <= last_wr_d;
    end
  end

  assign s_axi_rvalid = state_q == StRead;
  assign s_axi_rdata  = ram_rdata_i;
  assign s_axi_rlast  = left_q == 8'd0;
  assign s_axi_rid    = id_q;
  assign s_axi_rresp  = 2'b00;
  assign s_axi_wready = state_q == StWrite;
  assign s_axi_bvalid = state_q == StWrResp;
  assign s_axi_bid    = id_q;
  assign s_axi_bresp  = 2'b00;

  // (addresses wrap at the RAM's size; beats are 8-byte aligned; size and
  // burst type are fixed by the DMA, asserted below)
  logic unused;
  assign unused = ^{s_axi_araddr[31:AW+3], s_axi_awaddr[31:AW+3], s_axi_araddr[2:0],
                    s_axi_awaddr[2:0], s_axi_arsize, s_axi_awsize, s_axi_arburst, s_axi_awburst};

`ifdef NPE_ASSERT
  AxiRamReadIncr64: assert property (@(posedge clk_i) disable iff (!rst_ni)
    take_ar |-> (s_axi_arsize == 3'd3 && s_axi_arburst == 2'b01));
  AxiRamWriteIncr64: assert property (@(posedge clk_i) disable iff (!rst_ni)
    take_aw |-> (s_axi_awsize == 3'd3 && s_axi_awburst == 2'b01));
  AxiRamWlastOnLastBeat: assert property (@(posedge clk_i) disable iff (!rst_ni)
    w_beat |-> (s_axi_wlast == (left_q == 8'd0)));
`endif
endmodule
