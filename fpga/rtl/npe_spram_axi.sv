// SPDX-License-Identifier: Apache-2.0
// npe_spram_axi: the iCE40UP5K's four 16K x 16 single-port RAMs
// (SB_SPRAM256KA) as one 128 KiB memory of 64-bit words: an AXI4 slave for
// the engine's DMA (INCR bursts of 8-byte beats, one burst at a time, any
// back-pressure) and a 32-bit word port for the host bridge, served
// between bursts. Addresses wrap at 128 KiB (the engine's DMA window keeps
// inside it).
module npe_spram_axi #(
  parameter int IdBits = 4
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // AXI4 slave (64-bit data; the address bits above 16 are ignored)
  input  logic [IdBits-1:0] s_axi_arid,
  input  logic [16:0]       s_axi_araddr,
  input  logic [7:0]        s_axi_arlen,
  input  logic              s_axi_arvalid,
  output logic              s_axi_arready,
  output logic [IdBits-1:0] s_axi_rid,
  output logic [63:0]       s_axi_rdata,
  output logic [1:0]        s_axi_rresp,
  output logic              s_axi_rlast,
  output logic              s_axi_rvalid,
  input  logic              s_axi_rready,
  input  logic [IdBits-1:0] s_axi_awid,
  input  logic [16:0]       s_axi_awaddr,
  input  logic              s_axi_awvalid,
  output logic              s_axi_awready,
  input  logic [63:0]       s_axi_wdata,
  input  logic [7:0]        s_axi_wstrb,
  input  logic              s_axi_wlast,
  input  logic              s_axi_wvalid,
  output logic              s_axi_wready,
  output logic [IdBits-1:0] s_axi_bid,
  output logic [1:0]        s_axi_bresp,
  output logic              s_axi_bvalid,
  input  logic              s_axi_bready,
  // Word port: held until ack_o (read data with it)
  input  logic              req_i,
  input  logic              we_i,
  input  logic [16:2]       addr_i,
  input  logic [31:0]       wdata_i,
  output logic              ack_o,
  output logic [31:0]       rdata_o
);

  typedef enum logic [2:0] {StIdle, StRead, StWrite, StResp, StWord} state_e;

  state_e            state_q, state_d;
  logic [IdBits-1:0] id_q, id_d;
  logic [13:0]       word_q, word_d;       // next 64-bit word of the burst
  logic [8:0]        left_q, left_d;       // read beats not yet fetched
  logic              rvalid_q, rvalid_d;   // the RAMs' output holds a beat
  logic              rlast_q, rlast_d;
  logic              half_q, half_d;       // word port: upper 32 bits

  // RAM port of this cycle
  logic        ram_cs, ram_we;
  logic [13:0] ram_addr;
  logic [63:0] ram_wdata, ram_rdata;
  logic [7:0]  ram_strb;

  logic fetch;  // read the next beat of a burst now
  assign fetch = state_q == StRead && left_q != 9'd0 && (!rvalid_q || s_axi_rready);

  always_comb begin
    state_d   = state_q;
    id_d      = id_q;
    word_d    = word_q;
    left_d    = left_q;
    rvalid_d  = rvalid_q;
    rlast_d   = rlast_q;
    half_d    = half_q;
    ram_cs    = 1'b0;
    ram_we    = 1'b0;
    ram_addr  = word_q;
    ram_wdata = s_axi_wdata;
    ram_strb  = s_axi_wstrb;
    unique case (state_q)
      // Between bursts: a read burst first, then a write burst, then a word.
      StIdle: begin
        if (s_axi_arvalid) begin
          state_d  = StRead;
          id_d     = s_axi_arid;
          word_d   = s_axi_araddr[16:3];
          left_d   = {1'b0, s_axi_arlen} + 9'd1;
          rvalid_d = 1'b0;
        end else if (s_axi_awvalid) begin
          state_d = StWrite;
          id_d    = s_axi_awid;
          word_d  = s_axi_awaddr[16:3];
        end else if (req_i) begin
          ram_cs    = 1'b1;
          ram_we    = we_i;
          ram_addr  = addr_i[16:3];
          ram_wdata = {wdata_i, wdata_i};
          ram_strb  = addr_i[2] ? 8'hf0 : 8'h0f;
          half_d    = addr_i[2];
          state_d   = StWord;
        end
      end
      // Read burst: a beat is fetched when the last one is taken (or none
      // is waiting), so the RAMs' output holds a beat until it is taken.
      StRead: begin
        if (fetch) begin
          ram_cs   = 1'b1;
          word_d   = word_q + 14'd1;
          left_d   = left_q - 9'd1;
          rvalid_d = 1'b1;
          rlast_d  = left_q == 9'd1;
        end else if (rvalid_q && s_axi_rready) begin
          rvalid_d = 1'b0;
          if (rlast_q) state_d = StIdle;
        end
      end
      // Write burst: every beat straight into the RAMs.
      StWrite: begin
        if (s_axi_wvalid) begin
          ram_cs = 1'b1;
          ram_we = 1'b1;
          word_d = word_q + 14'd1;
          if (s_axi_wlast) state_d = StResp;
        end
      end
      StResp: begin
        if (s_axi_bready) state_d = StIdle;
      end
      // Word port: written, or read data out of the RAMs now.
      StWord: state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= StIdle;
      id_q     <= '0;
      word_q   <= '0;
      left_q   <= '0;
      rvalid_q <= 1'b0;
      rlast_q  <= 1'b0;
      half_q   <= 1'b0;
    end else begin
      state_q  <= state_d;
      id_q     <= id_d;
      word_q   <= word_d;
      left_q   <= left_d;
      rvalid_q <= rvalid_d;
      rlast_q  <= rlast_d;
      half_q   <= half_d;
    end
  end

  // Four RAMs side by side, 16 bits each; a byte strobe enables two nibbles.
  for (genvar i = 0; i < 4; i++) begin : gen_spram
    SB_SPRAM256KA u_spram (
      .ADDRESS    (ram_addr),
      .DATAIN     (ram_wdata[16*i +: 16]),
      .MASKWREN   ({ram_strb[2*i+1], ram_strb[2*i+1], ram_strb[2*i], ram_strb[2*i]}),
      .WREN       (ram_we),
      .CHIPSELECT (ram_cs),
      .CLOCK      (clk_i),
      .STANDBY    (1'b0),
      .SLEEP      (1'b0),
      .POWEROFF   (1'b1),
      .DATAOUT    (ram_rdata[16*i +: 16])
    );
  end

  assign s_axi_arready = state_q == StIdle;
  assign s_axi_rid     = id_q;
  assign s_axi_rdata   = ram_rdata;
  assign s_axi_rresp   = 2'b00;
  assign s_axi_rlast   = rlast_q;
  assign s_axi_rvalid  = state_q == StRead && rvalid_q;
  assign s_axi_awready = state_q == StIdle && !s_axi_arvalid;
  assign s_axi_wready  = state_q == StWrite;
  assign s_axi_bid     = id_q;
  assign s_axi_bresp   = 2'b00;
  assign s_axi_bvalid  = state_q == StResp;
  assign ack_o         = (state_q == StWord);
  assign rdata_o       = half_q ? ram_rdata[63:32] : ram_rdata[31:0];

  // Beats are 8 bytes and bursts start on a beat (the engine's DMA).
  logic unused_low;
  assign unused_low = ^{s_axi_araddr[2:0], s_axi_awaddr[2:0]};

endmodule
