// SPDX-License-Identifier: Apache-2.0
// npe_nlu_table: the NLU's threshold table (the "extra memristor column" of
// the analog ramp ADC, held here in flops): two banks of signed thresholds,
// one write port, one registered read port returning step j of both banks.
// It is not the ramp sequencer (npe_nlu) and has no reset: load it before use.
//
// Entry j (1 .. 2^MaxBits - 1) of bank A (waddr_i[MaxBits] = 0) is t_j of the
// ascending segment; bank B (waddr_i[MaxBits] = 1) holds the table used on the
// negated input of a two-segment (non-monotone) function. Entry 0 is storage
// that the ramp never reads.
module npe_nlu_table #(
  parameter int MaxBits      = 8,  // largest resolution B, bits (table depth 2^MaxBits)
  parameter int ThrWidthBits = 17  // threshold width, bits (signed)
) (
  input  logic                    clk_i,
  // Write port
  input  logic                    we_i,
  input  logic [MaxBits:0]        waddr_i,   // {bank, step j}
  input  logic [ThrWidthBits-1:0] wdata_i,
  // Read port: data the cycle after the address
  input  logic [MaxBits-1:0]      raddr_i,   // step j
  output logic [ThrWidthBits-1:0] rdata_a_o,
  output logic [ThrWidthBits-1:0] rdata_b_o
);

  localparam int Depth = 2 ** MaxBits;

  logic [ThrWidthBits-1:0] mem_a_q [Depth];
  logic [ThrWidthBits-1:0] mem_b_q [Depth];
  logic [ThrWidthBits-1:0] rdata_a_q, rdata_b_q;
  logic                    we_a, we_b;

  assign we_a = we_i & ~waddr_i[MaxBits];
  assign we_b = we_i &  waddr_i[MaxBits];

  // Storage: written only through the port, never reset (a table is loaded
  // before the first conversion; docs/NLU.md).
  always_ff @(posedge clk_i) begin
    if (we_a) mem_a_q[waddr_i[MaxBits-1:0]] <= wdata_i;
    if (we_b) mem_b_q[waddr_i[MaxBits-1:0]] <= wdata_i;
    rdata_a_q <= mem_a_q[raddr_i];
    rdata_b_q <= mem_b_q[raddr_i];
  end

  assign rdata_a_o = rdata_a_q;
  assign rdata_b_o = rdata_b_q;

endmodule
