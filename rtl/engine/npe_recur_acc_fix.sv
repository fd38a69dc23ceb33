// SPDX-License-Identifier: Apache-2.0
// npe_recur_acc_fix: a mat-vec result (IEEE binary32) to the recurrence
// unit's Q15.16: sat32(RNE(v * 2^shift)), ties to even; NaN gives 0,
// infinities saturate (docs/RECUR.md, "GRU and LSTM"). Combinational.
module npe_recur_acc_fix (
  input  logic [31:0] f_i,      // binary32 bits
  input  logic [5:0]  shift_i,  // two's complement, -32..31
  output logic [31:0] x_o
);
  logic        sign, is_nan, is_inf;
  logic [7:0]  e;
  logic [23:0] mant;
  logic signed [9:0] pos;       // value = mant * 2^pos
  logic [4:0]  rsh;
  logic [31:0] q, rem, half;
  logic        up, sat, zero;
  logic [31:0] mag;             // |result| before saturation, < 2^31 + 1

  assign sign   = f_i[31];
  assign e      = f_i[30:23];
  assign is_nan = e == 8'hff && f_i[22:0] != 23'd0;
  assign is_inf = e == 8'hff && f_i[22:0] == 23'd0;
  assign mant   = {e != 8'd0, f_i[22:0]};
  // subnormals weigh 2^(1 - 150) per unit
  assign pos    = $signed({2'b00, (e == 8'd0 ? 8'd1 : e)}) - 10'sd150 +
                  $signed({{4{shift_i[5]}}, shift_i});
  // A left shift of 8 or more exceeds 2^31 for a normal number; a subnormal
  // has pos <= -118, so never shifts left.
  assign sat  = is_inf || (!pos[9] && pos >= 10'sd8) ||
                (!pos[9] && ({8'd0, mant} << pos[2:0]) > (sign ? 32'h8000_0000 : 32'h7fff_ffff));
  // Right shifts of 25 or more leave less than half.
  assign zero = is_nan || mant == 24'd0 || (pos[9] && pos < -10'sd25);
  assign rsh  = 5'(-pos);
  assign q    = {8'd0, mant} >> rsh;
  assign rem  = {8'd0, mant} & ((32'd1 << rsh) - 32'd1);
  assign half = 32'd1 << (rsh - 5'd1);
  assign up   = rem > half || (rem == half && q[0]);
  assign mag  = !pos[9] ? ({8'd0, mant} << pos[2:0]) : q + 32'(up);
  assign x_o  = zero ? 32'd0 :
                sat  ? (sign ? 32'h8000_0000 : 32'h7fff_ffff) :
                sign ? 32'd0 - mag : mag;
endmodule
