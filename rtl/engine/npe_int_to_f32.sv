// SPDX-License-Identifier: Apache-2.0
// npe_int_to_f32: a signed integer below 2^24 in magnitude to IEEE binary32,
// exactly (every such integer is representable). Combinational. The
// crossbar unit's column sums stay below 2^21 (TileK <= 128 INT8 products).
module npe_int_to_f32 (
  input  logic [31:0] x_i,   // two's complement, |x| < 2^24
  output logic [31:0] f_o
);

  logic        sign;
  logic [23:0] mag;
  logic [4:0]  msb;          // position of the leading one
  logic [23:0] norm;

  assign sign = x_i[31];
  assign mag  = sign ? 24'(32'd0 - x_i) : x_i[23:0];

  // A function, so the one assignment of msb does not glitch (Icarus).
  function automatic logic [4:0] lead_one(logic [23:0] v);
    lead_one = 5'd0;
    for (int i = 0; i < 24; i++) if (v[i]) lead_one = 5'(i);
  endfunction
  assign msb = lead_one(mag);

  assign norm = mag << (5'd23 - msb);
  assign f_o  = (mag == 24'd0) ? 32'd0 : {sign, 8'(8'd127 + {3'd0, msb}), norm[22:0]};

  logic unused_hi;
  assign unused_hi = ^x_i[30:24] ^ norm[23];

endmodule
