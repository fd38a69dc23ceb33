// SPDX-License-Identifier: Apache-2.0
// npe_nlu_col: one column of the NLU: holds its sampled input, compares it
// with the shared ramp threshold each step, and counts the steps before its
// comparator flips; the count is the output code. It does not sequence the
// ramp or read the table (npe_nlu does).
//
// A two-segment table (non-monotone f) sends inputs below the split to bank B
// with the input negated, so both segments count up an ascending ramp.
module npe_nlu_col #(
  parameter int InWidthBits = 16,  // input code width, bits (signed)
  parameter int MaxBits     = 8    // largest resolution B, bits
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // Sample: starts a conversion
  input  logic                   load_i,
  input  logic [InWidthBits-1:0] x_i,        // input code, two's complement
  input  logic                   two_seg_i,  // table has two segments
  input  logic [InWidthBits-1:0] split_i,    // first input code of segment A
  // Ramp step: the threshold t_j of both banks
  input  logic                   step_i,
  input  logic [InWidthBits:0]   thr_a_i,
  input  logic [InWidthBits:0]   thr_b_i,
  // Result
  output logic [MaxBits-1:0]     code_o
);

  logic signed [InWidthBits:0] op_q;     // operand: x, or -x in segment B
  logic                        seg_q;    // 1: segment B
  logic                        flip_q;
  logic [MaxBits-1:0]          count_q;

  // Sample, then count passed steps until the first failing one (the flip).
  // The comparators sit inside the flip-flops' enables (the same logic as
  // separate assigns): a simulator then evaluates them only in the cycles
  // that use them, and the NLU's columns stop costing every cycle
  // (docs/ARCHITECTURE.md, "Simulation speed").
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      op_q    <= '0;
      seg_q   <= 1'b0;
      flip_q  <= 1'b0;
      count_q <= '0;
    end else if (load_i) begin
      // below the split of a two-segment table: segment B, input negated
      seg_q   <= two_seg_i && $signed(x_i) < $signed(split_i);
      op_q    <= (two_seg_i && $signed(x_i) < $signed(split_i))
                 ? -{x_i[InWidthBits-1], x_i} : {x_i[InWidthBits-1], x_i};
      flip_q  <= 1'b0;
      count_q <= '0;
    end else if (step_i && !flip_q) begin
      // ties pass: x == t_j counts step j
      if ($signed(op_q) >= $signed(seg_q ? thr_b_i : thr_a_i)) count_q <= count_q + 1'b1;
      else                                                      flip_q  <= 1'b1;
    end
  end

  assign code_o = count_q;

endmodule
