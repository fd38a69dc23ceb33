// SPDX-License-Identifier: Apache-2.0
// npe_f32_to_fix: binary32 to the NLU's signed 16-bit fixed-point input
// code: round(v * 2^(F - S)) to nearest, ties to even, saturated to
// [-32768, 32767]. F is the code's fraction bits, S a right shift that
// folds the operands' power-of-two scales in. Infinities saturate; a NaN gives 0 (the
// golden npe_nlu_from_double() refuses NaN; the engine cannot stop per
// element, so it documents this choice). Combinational.
module npe_f32_to_fix (
  input  logic [31:0] f_i,     // IEEE binary32 bits
  input  logic [3:0]  frac_i,  // F, 0..14
  input  logic [3:0]  shr_i,   // S, 0..15
  output logic [15:0] x_o      // two's complement code
);

  logic        sign, is_nan, is_inf, big;
  logic [7:0]  e;
  logic [23:0] mant;
  logic [9:0]  sh;             // e - 150 + F - S, signed
  logic [4:0]  rsh;            // right shift, 1..31
  logic [31:0] q, rem, half, mag_r, mag;
  logic        round_up, tiny;

  assign sign   = f_i[31];
  assign e      = f_i[30:23];
  assign is_nan = e == 8'hff && f_i[22:0] != 23'd0;
  assign is_inf = e == 8'hff && f_i[22:0] == 23'd0;
  // Subnormals (e == 0) are below 2^-126: times 2^14 they still round to 0.
  // A left shift sh of 0..7 is exact; sh >= 8 saturates (see big).
  assign mant   = {e != 8'd0, f_i[22:0]};
  assign sh     = 10'({2'b00, e}) - 10'd150 + 10'({6'd0, frac_i}) - 10'({6'd0, shr_i});

  // Left shifts of 8 or more exceed 2^31 > 32768: saturate. Right shifts of
  // 32 or more leave nothing (mant < 2^24 is below half of 2^32).
  assign big  = !sh[9] && sh >= 10'd8;
  assign tiny = sh[9] && (10'd0 - sh) > 10'd31;
  assign rsh  = 5'(10'd0 - sh);
  assign q        = {8'd0, mant} >> rsh;
  assign rem      = {8'd0, mant} & ((32'd1 << rsh) - 32'd1);
  assign half     = 32'd1 << (rsh - 5'd1);
  assign round_up = rem > half || (rem == half && q[0]);
  assign mag_r    = q + {31'd0, round_up};
  assign mag      = (e == 8'd0 || tiny) ? 32'd0 :
                    sh[9] ? mag_r : ({8'd0, mant} << sh[2:0]);

  always_comb begin
    if (is_nan)                    x_o = 16'h0000;
    else if (is_inf || big)        x_o = sign ? 16'h8000 : 16'h7fff;
    else if (sign && mag > 32'd32768)  x_o = 16'h8000;
    else if (!sign && mag > 32'd32767) x_o = 16'h7fff;
    else                           x_o = sign ? 16'(32'd0 - mag) : mag[15:0];
  end

endmodule
