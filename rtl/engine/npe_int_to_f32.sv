// SPDX-License-Identifier: Apache-2.0
// npe_int_to_f32: a signed integer below 2^24 in magnitude to IEEE binary32,
// exactly (every such integer is representable). Combinational. The
// crossbar unit's column sums stay below 2^21 (TileK <= 128 INT8 products).
// en_i: convert, else f_o is 0; the owner enables it only on the cycles
// that take f_o, and the conversion sits in one if, so a cycle-based
// simulator (Verilator) skips it on the others (docs/ARCHITECTURE.md,
// "Simulation speed").
module npe_int_to_f32 (
  input  logic        en_i,  // convert; else f_o is 0
  input  logic [31:0] x_i,   // two's complement, |x| < 2^24
  output logic [31:0] f_o
);

  logic        sign;
  logic [23:0] mag;
  logic [4:0]  msb;          // position of the leading one
  logic [23:0] norm;

  // A function, so the one assignment of msb does not glitch (Icarus).
  function automatic logic [4:0] lead_one(logic [23:0] v);
    lead_one = 5'd0;
    for (int i = 0; i < 24; i++) if (v[i]) lead_one = 5'(i);
  endfunction

  always_comb begin
    sign = 1'b0; mag = 24'd0; msb = 5'd0; norm = 24'd0; f_o = 32'd0;
    if (en_i) begin
      sign = x_i[31];
      mag  = sign ? 24'(32'd0 - x_i) : x_i[23:0];
      msb  = lead_one(mag);
      norm = mag << (5'd23 - msb);
      f_o  = (mag == 24'd0) ? 32'd0 : {sign, 8'(8'd127 + {3'd0, msb}), norm[22:0]};
    end
  end

  logic unused_hi;
  assign unused_hi = ^x_i[30:24] ^ norm[23];

endmodule
