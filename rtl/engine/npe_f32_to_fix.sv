// SPDX-License-Identifier: Apache-2.0
// npe_f32_to_fix: binary32 to the NLU's signed 16-bit fixed-point input
// code: round(v * 2^(F - S)) to nearest, ties to even, saturated to
// [-32768, 32767]. F is the code's fraction bits, S a right shift that
// folds the operands' power-of-two scales in. Infinities saturate; a NaN gives 0 (the
// golden npe_nlu_from_double() refuses NaN; the engine cannot stop per
// element, so it documents this choice). Combinational.
//
// en_i: convert, else x_o is 0. Its owner enables it only on the cycles
// that take x_o; the whole conversion sits in one if, so a cycle-based
// simulator (Verilator) skips it while the owner does not look (its input
// comes from another clock domain, so a gated clock alone would not skip
// it: docs/ARCHITECTURE.md, "Simulation speed").
module npe_f32_to_fix (
  input  logic        en_i,    // convert; else x_o is 0
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

  always_comb begin
    sign = 1'b0; e = 8'd0; is_nan = 1'b0; is_inf = 1'b0; mant = 24'd0; sh = 10'd0;
    big = 1'b0; tiny = 1'b0; rsh = 5'd0; q = 32'd0; rem = 32'd0; half = 32'd0;
    round_up = 1'b0; mag_r = 32'd0; mag = 32'd0;
    x_o = 16'h0000;
    if (en_i) begin
      sign   = f_i[31];
      e      = f_i[30:23];
      is_nan = e == 8'hff && f_i[22:0] != 23'd0;
      is_inf = e == 8'hff && f_i[22:0] == 23'd0;
      // Subnormals (e == 0) are below 2^-126: times 2^14 they still round
      // to 0. A left shift sh of 0..7 is exact; sh >= 8 saturates (big).
      mant   = {e != 8'd0, f_i[22:0]};
      sh     = 10'({2'b00, e}) - 10'd150 + 10'({6'd0, frac_i}) - 10'({6'd0, shr_i});
      // Left shifts of 8 or more exceed 2^31 > 32768: saturate. Right shifts
      // of 32 or more leave nothing (mant < 2^24 is below half of 2^32).
      big      = !sh[9] && sh >= 10'd8;
      tiny     = sh[9] && (10'd0 - sh) > 10'd31;
      rsh      = 5'(10'd0 - sh);
      q        = {8'd0, mant} >> rsh;
      rem      = {8'd0, mant} & ((32'd1 << rsh) - 32'd1);
      half     = 32'd1 << (rsh - 5'd1);
      round_up = rem > half || (rem == half && q[0]);
      mag_r    = q + {31'd0, round_up};
      mag      = (e == 8'd0 || tiny) ? 32'd0 :
                 sh[9] ? mag_r : ({8'd0, mant} << sh[2:0]);
      if (is_nan)                        x_o = 16'h0000;
      else if (is_inf || big)            x_o = sign ? 16'h8000 : 16'h7fff;
      else if (sign && mag > 32'd32768)  x_o = 16'h8000;
      else if (!sign && mag > 32'd32767) x_o = 16'h7fff;
      else                               x_o = sign ? 16'(32'd0 - mag) : mag[15:0];
    end
  end

endmodule
