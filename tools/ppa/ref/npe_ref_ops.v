// SPDX-License-Identifier: Apache-2.0
// npe_ref_ops.v - reference operators for calibrating the PPA flow against
// Horowitz, ISSCC 2014 (tools/ppa/calib.py, docs/PPA.md): a W-bit adder
// (W-bit sum, as in an integer ALU) and a W x W -> 2W-bit multiplier,
// purely combinational, so the energy per operation is the operator's alone.
module npe_ref_add #(parameter int W = 8) (
  input  logic [W-1:0] a,
  input  logic [W-1:0] b,
  output logic [W-1:0] y
);
  assign y = a + b;
endmodule

module npe_ref_mul #(parameter int W = 8) (
  input  logic [W-1:0]   a,
  input  logic [W-1:0]   b,
  output logic [2*W-1:0] y
);
  assign y = a * b;
endmodule
