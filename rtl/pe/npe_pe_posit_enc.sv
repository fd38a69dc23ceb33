// SPDX-License-Identifier: Apache-2.0
// npe_pe_posit_enc: rounds a normalised non-zero value once to Posit(16,1),
// Posit(8,0) or Posit(4,1), chosen at run time; one encoder for all three.
// Combinational. Zero, NaR and overflow are the caller's (npe_pe_round).
//
// Rounding is to nearest on the unbounded bit string, ties to the even
// pattern, never to 0 or NaR: scales at or above maxscale give maxpos, below
// -maxscale give minpos (npe_quire_to_fmt). The string regime|exponent|
// fraction is built once in a 44-bit field and cut after n-1 bits. The
// result is the magnitude; npe_pe_round applies the sign a stage later.
module npe_pe_posit_enc
#(
  parameter logic [5:0] FormatMask = 6'h3f
) (
  input  logic [2:0] fmt_i,     // npe_pkg::FmtPosit4, npe_pkg::FmtPosit8 or npe_pkg::FmtPosit16
  input  logic        sign_i,
  input  logic [7:0]  exp_i,     // two's complement scale of the leading one
  input  logic [25:0] sig_i,     // sig_i[25] = 1
  input  logic        sticky_i,
  output logic [14:0] body_o     // |pattern| without its sign bit, right-justified
);

  logic is16, is8, es1;
  assign is16 = FormatMask[npe_pkg::FmtPosit16] && (fmt_i == npe_pkg::FmtPosit16);
  assign is8  = FormatMask[npe_pkg::FmtPosit8]  && (fmt_i == npe_pkg::FmtPosit8);
  assign es1  = !is8;

  // --------------------------------------------------------------------------
  // Regime, exponent, fraction string
  // --------------------------------------------------------------------------
  logic signed [7:0] e, k, maxscale;
  logic              ex, fill;
  logic [3:0]        shamt;
  logic [43:0]       base, s;

  assign e        = $signed(exp_i);
  assign maxscale = is16 ? 8'sd28 : (is8 ? 8'sd6 : 8'sd4);
  assign k        = es1 ? (e >>> 1) : e;
  assign ex       = es1 & e[0];
  assign fill     = !k[7];          // k >= 0: a run of ones ended by a zero
  assign shamt    = fill ? k[3:0] : ~k[3:0];   // k or -k-1
  assign base     = es1 ? {fill, !fill, ex, sig_i[24:0], 16'd0}
                        : {fill, !fill, sig_i[24:0], 17'd0};
  assign s        = fill ? ~((~base) >> shamt) : (base >> shamt);

  // --------------------------------------------------------------------------
  // Cut after n-1 bits, round, clamp
  // --------------------------------------------------------------------------
  logic [14:0] body, maxpos, p;
  logic        guard, rest;
  logic [3:0]  n;

  always_comb begin
    if (is16) begin
      n     = 4'd15;
      body  = s[43:29];
      guard = s[28];
      rest  = |s[27:0];
    end else if (is8) begin
      n     = 4'd7;
      body  = {8'd0, s[43:37]};
      guard = s[36];
      rest  = |s[35:0];
    end else begin
      n     = 4'd3;
      body  = {12'd0, s[43:41]};
      guard = s[40];
      rest  = |s[39:0];
    end
  end

  assign maxpos = 15'h7fff >> (4'd15 - n);

  always_comb begin
    if (e >= maxscale)       p = maxpos;
    else if (e < -maxscale)  p = 15'd1;
    else                     p = body + {14'd0, guard & (rest | sticky_i | body[0])};
  end

  // The caller negates (two's complement of the n-bit pattern) for sign_i.
  assign body_o = p;

  logic unused_sig;
  assign unused_sig = ^{sig_i[25], k[6:4], sign_i};

endmodule
