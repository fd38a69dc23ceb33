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

  logic signed [InWidthBits:0] op_q, op_d;   // operand: x, or -x in segment B
  logic                        seg_q, seg_d; // 1: segment B
  logic                        flip_q, flip_d;
  logic [MaxBits-1:0]          count_q, count_d;

  logic signed [InWidthBits:0] x_ext;
  logic signed [InWidthBits:0] thr;
  logic                        below_split;
  logic                        pass;

  // Comparator
  assign x_ext       = {x_i[InWidthBits-1], x_i};
  assign below_split = $signed(x_i) < $signed(split_i);
  assign thr         = seg_q ? thr_b_i : thr_a_i;
  assign pass        = $signed(op_q) >= $signed(thr);  // ties pass: x == t_j counts step j

  // Counter: counts passed steps until the first failing one (the flip)
  always_comb begin
    op_d    = op_q;
    seg_d   = seg_q;
    flip_d  = flip_q;
    count_d = count_q;
    if (load_i) begin
      seg_d   = two_seg_i & below_split;
      op_d    = (two_seg_i & below_split) ? -x_ext : x_ext;
      flip_d  = 1'b0;
      count_d = '0;
    end else if (step_i && !flip_q) begin
      if (pass) count_d = count_q + 1'b1;
      else      flip_d  = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      op_q    <= '0;
      seg_q   <= 1'b0;
      flip_q  <= 1'b0;
      count_q <= '0;
    end else begin
      op_q    <= op_d;
      seg_q   <= seg_d;
      flip_q  <= flip_d;
      count_q <= count_d;
    end
  end

  assign code_o = count_q;

endmodule
