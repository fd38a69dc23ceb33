// SPDX-License-Identifier: Apache-2.0
// npe_soc_ram_up5k: the SoC's 128 KiB RAM (npe_soc_ram's ports) on the
// iCE40UP5K's four single-port SPRAMs (SB_SPRAM256KA, 16K x 16 bits each,
// side by side for a 64-bit word), FOR THE FIT MEASUREMENT ONLY
// (make soc-ice40-size, mk/fpga_soc.mk reads it in npe_soc_ram's place).
//
// npe_soc_ram has two independent ports; the SPRAMs have one, and nothing
// else on the UP5K could hold a second copy (its 30 block RAMs hold 15 KiB
// and the engine and the core use most of them). So the two ports share the
// SPRAMs: port B (the engine's DMA) when it asks, else port A. Each port's
// read data is kept in its own register so it holds until the port's next
// read, as npe_soc_ram's does. What a working design would need on top, and
// this stub leaves out: wait states for port A when both ask (npe_soc_ram_arb
// and npe_soc_axi_ram take the RAM's answer a fixed cycle later), so this is
// the least logic the shared RAM costs. It is never simulated.
module npe_soc_ram_up5k #(
  parameter int Words = 16384  // must be 16384: 128 KiB, the four SPRAMs
) (
  input  logic                     clk_i,

  input  logic                     a_en_i,
  input  logic [7:0]               a_we_i,
  input  logic [$clog2(Words)-1:0] a_addr_i,
  input  logic [63:0]              a_wdata_i,
  output logic [63:0]              a_rdata_o,

  input  logic                     b_en_i,
  input  logic [7:0]               b_we_i,
  input  logic [$clog2(Words)-1:0] b_addr_i,
  input  logic [63:0]              b_wdata_i,
  output logic [63:0]              b_rdata_o
);
  if (Words != 16384) begin : g_words_check
    $error("npe_soc_ram_up5k: Words must be 16384 (the UP5K's 128 KiB of SPRAM)");
  end

  logic        sel_b, cs, we;
  logic [13:0] addr;
  logic [63:0] wdata, rdata;
  logic [7:0]  strb;
  logic        a_rd_q, b_rd_q;
  logic [63:0] a_hold_q, b_hold_q;

  assign sel_b = b_en_i;
  assign cs    = a_en_i || b_en_i;
  assign strb  = sel_b ? b_we_i : a_we_i;
  assign we    = strb != 8'h00;
  assign addr  = sel_b ? b_addr_i : a_addr_i;
  assign wdata = sel_b ? b_wdata_i : a_wdata_i;

  for (genvar i = 0; i < 4; i++) begin : g_spram
    SB_SPRAM256KA u_spram (
      .ADDRESS    (addr),
      .DATAIN     (wdata[16*i +: 16]),
      .MASKWREN   ({strb[2*i+1], strb[2*i+1], strb[2*i], strb[2*i]}),
      .WREN       (we),
      .CHIPSELECT (cs),
      .CLOCK      (clk_i),
      .STANDBY    (1'b0),
      .SLEEP      (1'b0),
      .POWEROFF   (1'b1),
      .DATAOUT    (rdata[16*i +: 16])
    );
  end

  always_ff @(posedge clk_i) begin
    a_rd_q <= a_en_i && !sel_b && a_we_i == 8'h00;
    b_rd_q <= b_en_i && b_we_i == 8'h00;
    if (a_rd_q) a_hold_q <= rdata;
    if (b_rd_q) b_hold_q <= rdata;
  end

  assign a_rdata_o = a_rd_q ? rdata : a_hold_q;
  assign b_rdata_o = b_rd_q ? rdata : b_hold_q;
endmodule
