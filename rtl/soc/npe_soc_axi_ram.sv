// SPDX-License-Identifier: Apache-2.0
// npe_soc_axi_ram: an AXI4 slave (64-bit data, INCR bursts of 8-byte beats,
// as npe_axi_dma issues them) onto one port of npe_soc_ram, so the engine's
// DMA reads operands from and writes results to the on-chip RAM. One read
// and one write burst at a time, independently (a write burst waiting for
// its data does not hold reads back); they share the RAM port, a write beat
// first. A read burst streams one beat per cycle when the port is free (the
// next word is read when a beat is taken; the RAM holds its output while
// rready is low); a write burst takes one beat per cycle. Addresses wrap at the RAM's size (the engine's DMA
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

  // The read and the write channel each have their own state, so a write
  // burst waiting for its data never holds a read back (the recurrence
  // unit makes its output beats from the records it reads). They share the
  // RAM port: a write beat has it first, a read fetch takes any other cycle.
  typedef enum logic [0:0] {RdIdle, RdBurst} rd_state_e;
  typedef enum logic [1:0] {WrIdle, WrBurst, WrResp} wr_state_e;
  rd_state_e      rd_state_q, rd_state_d;
  wr_state_e      wr_state_q, wr_state_d;
  logic [AW-1:0]  rd_addr_q, rd_addr_d;  // word of the current read beat
  logic [7:0]     rd_left_q, rd_left_d;  // read beats after the current one
  logic           rd_have_q, rd_have_d;  // the RAM's output holds the current beat's word
  logic [3:0]     rd_id_q, rd_id_d;
  logic [AW-1:0]  wr_addr_q, wr_addr_d;  // word of the next write beat
  logic [7:0]     wr_left_q, wr_left_d;
  logic [3:0]     wr_id_q, wr_id_d;

  logic take_ar, take_aw, r_beat, w_beat, w_ram, rd_want, rd_fetch;

  assign take_ar = (rd_state_q == RdIdle) && s_axi_arvalid;
  assign take_aw = (wr_state_q == WrIdle) && s_axi_awvalid;
  assign r_beat  = (rd_state_q == RdBurst) && rd_have_q && s_axi_rready;
  assign w_beat  = (wr_state_q == WrBurst) && s_axi_wvalid;
  // a beat with no strobe writes nothing and leaves the port to the reads
  // (an enable with no write would be a read, replacing the held word)
  assign w_ram   = w_beat && (s_axi_wstrb != 8'h00);
  // the current beat's word, or the next one as the current beat is taken
  assign rd_want  = (rd_state_q == RdBurst) && (!rd_have_q || (r_beat && rd_left_q != 8'd0));
  assign rd_fetch = rd_want && !w_ram;

  assign s_axi_arready = take_ar;
  assign s_axi_awready = take_aw;

  assign ram_en_o    = w_ram || rd_fetch;
  assign ram_addr_o  = w_ram ? wr_addr_q : (rd_have_q ? rd_addr_q + AW'(1) : rd_addr_q);
`ifdef NPE_PLANT_BUG_SOC_STRB
  // planted bug (make soc-plant-rtl-test): byte lane 7's strobe dropped
  assign ram_we_o    = w_ram ? (s_axi_wstrb & 8'h7f) : 8'h00;
`else
  assign ram_we_o    = w_ram ? s_axi_wstrb : 8'h00;
`endif
  assign ram_wdata_o = s_axi_wdata;

  always_comb begin
    rd_state_d = rd_state_q;
    rd_addr_d  = rd_addr_q;
    rd_left_d  = rd_left_q;
    rd_have_d  = rd_have_q;
    rd_id_d    = rd_id_q;
    case (rd_state_q)
      RdIdle: if (take_ar) begin
        rd_state_d = RdBurst;
        rd_addr_d  = s_axi_araddr[AW+2:3];
        rd_left_d  = s_axi_arlen;
        rd_have_d  = 1'b0;
        rd_id_d    = s_axi_arid;
      end
      RdBurst: begin
        if (r_beat) begin
          if (rd_left_q == 8'd0) begin
            rd_state_d = RdIdle;
            rd_have_d  = 1'b0;
          end else begin
            rd_addr_d = rd_addr_q + AW'(1);
            rd_left_d = rd_left_q - 8'd1;
            rd_have_d = rd_fetch;
          end
        end else if (rd_fetch) begin
          rd_have_d = 1'b1;
        end
      end
      default: rd_state_d = RdIdle;
    endcase
  end

  always_comb begin
    wr_state_d = wr_state_q;
    wr_addr_d  = wr_addr_q;
    wr_left_d  = wr_left_q;
    wr_id_d    = wr_id_q;
    case (wr_state_q)
      WrIdle: if (take_aw) begin
        wr_state_d = WrBurst;
        wr_addr_d  = s_axi_awaddr[AW+2:3];
        wr_left_d  = s_axi_awlen;
        wr_id_d    = s_axi_awid;
      end
      WrBurst: if (w_beat) begin
        wr_addr_d = wr_addr_q + AW'(1);
        wr_left_d = wr_left_q - 8'd1;
        if (s_axi_wlast) wr_state_d = WrResp;
      end
      WrResp: if (s_axi_bready) wr_state_d = WrIdle;
      default: wr_state_d = WrIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_state_q <= RdIdle;
      rd_addr_q  <= '0;
      rd_left_q  <= 8'd0;
      rd_have_q  <= 1'b0;
      rd_id_q    <= 4'd0;
      wr_state_q <= WrIdle;
      wr_addr_q  <= '0;
      wr_left_q  <= 8'd0;
      wr_id_q    <= 4'd0;
    end else begin
      rd_state_q <= rd_state_d;
      rd_addr_q  <= rd_addr_d;
      rd_left_q  <= rd_left_d;
      rd_have_q  <= rd_have_d;
      rd_id_q    <= rd_id_d;
      wr_state_q <= wr_state_d;
      wr_addr_q  <= wr_addr_d;
      wr_left_q  <= wr_left_d;
      wr_id_q    <= wr_id_d;
    end
  end

  assign s_axi_rvalid = (rd_state_q == RdBurst) && rd_have_q;
  assign s_axi_rdata  = ram_rdata_i;
  assign s_axi_rlast  = rd_left_q == 8'd0;
  assign s_axi_rid    = rd_id_q;
  assign s_axi_rresp  = 2'b00;
  assign s_axi_wready = wr_state_q == WrBurst;
  assign s_axi_bvalid = wr_state_q == WrResp;
  assign s_axi_bid    = wr_id_q;
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
    w_beat |-> (s_axi_wlast == (wr_left_q == 8'd0)));
  AxiRamOnePortUser: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !(w_ram && rd_fetch));
`endif
endmodule
