// SPDX-License-Identifier: Apache-2.0
// npe_recur_diag: one step of the diagonal gated linear recurrence, exactly
// as docs/RECUR.md defines it (and golden/src/npe_recur.c computes it):
//
//   h' = sat32( RNE(a * h / 2^30) + b )
//
// a is an int32 in Q2.30 (a in [-2, 2): +-1.0 exactly is +-2^30), b and h are
// int32 in the same fixed point, whatever it is. The product is exact (62
// bits and a sign), rounded once to nearest, ties to even, then b is added
// exactly and the sum saturated to int32. Combinational: the recurrence unit
// registers around it. en_i: compute, else h_o is 0; the unit enables it
// only on the cycles that take h_o, and the step sits in one if, so a
// cycle-based simulator (Verilator) skips it on the others
// (docs/ARCHITECTURE.md, "Simulation speed").
module npe_recur_diag (
  input  logic        en_i,  // compute; else h_o is 0
  input  logic [31:0] a_i,   // gate, Q2.30
  input  logic [31:0] b_i,   // input, same fixed point as h
  input  logic [31:0] h_i,   // state h_{t-1}
  output logic [31:0] h_o    // state h_t
);

  localparam int Frac = npe_pkg::RecurGateFracBits;

  logic signed [63:0] prod;
  logic signed [33:0] quot, rounded;  // |a * h| <= 2^62, so |quot| <= 2^32
  logic        [Frac-1:0] rem;
  logic               round_up;
  logic signed [34:0] sum;

  always_comb begin
    prod = '0; quot = '0; rem = '0; round_up = 1'b0; rounded = '0; sum = '0; h_o = '0;
    if (en_i) begin
      prod = $signed(a_i) * $signed(h_i);
      // floor(prod / 2^30) and the remainder below it (>= 0)
      quot = prod[63:Frac];
      rem  = prod[Frac-1:0];
      // Ties to even: above half, or exactly half with an odd quotient.
`ifndef NPE_PLANT_BUG_RECUR_ROUND
      round_up = rem[Frac-1] && (rem[Frac-2:0] != '0 || quot[0]);
`else
      // Test-only bug (mk/engine_test.mk, recur-plant-test): ties round up.
      round_up = rem[Frac-1];
`endif
      rounded = quot + 34'(round_up);
      sum     = 35'(rounded) + 35'($signed(b_i));
      h_o = sum > 35'sh0_7fff_ffff  ? 32'h7fff_ffff :
            sum < -35'sh0_8000_0000 ? 32'h8000_0000 : sum[31:0];
    end
  end

endmodule
