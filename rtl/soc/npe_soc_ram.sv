// SPDX-License-Identifier: Apache-2.0
// npe_soc_ram: the SoC's on-chip RAM, 64-bit words with byte enables and two
// independent synchronous ports (true dual port, block RAM). A read's data
// appears the cycle after en with we == 0 and then holds until the port's
// next read, so a consumer may take it late. Port A serves the core and the
// host (npe_soc_ram_arb), port B the engine's DMA (npe_soc_axi_ram). Both
// ports writing one word in one cycle is not defined (asserted).
module npe_soc_ram #(
  parameter int Words = 16384  // 64-bit words (128 KiB), power of 2
) (
  input  logic                     clk_i,

  input  logic                     a_en_i,
  input  logic [7:0]               a_we_i,     // byte write enables (0: read)
  input  logic [$clog2(Words)-1:0] a_addr_i,   // word address
  input  logic [63:0]              a_wdata_i,
  output logic [63:0]              a_rdata_o,

  input  logic                     b_en_i,
  input  logic [7:0]               b_we_i,
  input  logic [$clog2(Words)-1:0] b_addr_i,
  input  logic [63:0]              b_wdata_i,
  output logic [63:0]              b_rdata_o
);
  logic [63:0] mem_q [Words];
  logic [63:0] a_rdata_q, b_rdata_q;

  always_ff @(posedge clk_i) begin
    if (a_en_i) begin
      for (int i = 0; i < 8; i++)
        if (a_we_i[i]) mem_q[a_addr_i][8*i +: 8] <= a_wdata_i[8*i +: 8];
      if (a_we_i == 8'h00) a_rdata_q <= mem_q[a_addr_i];
    end
  end

  always_ff @(posedge clk_i) begin
    if (b_en_i) begin
      for (int i = 0; i < 8; i++)
        if (b_we_i[i]) mem_q[b_addr_i][8*i +: 8] <= b_wdata_i[8*i +: 8];
      if (b_we_i == 8'h00) b_rdata_q <= mem_q[b_addr_i];
    end
  end

  assign a_rdata_o = a_rdata_q;
  assign b_rdata_o = b_rdata_q;

`ifdef NPE_ASSERT
  RamNoWriteCollision: assert property (@(posedge clk_i)
    !(a_en_i && b_en_i && a_we_i != 8'h00 && b_we_i != 8'h00 && a_addr_i == b_addr_i));
`endif
endmodule
