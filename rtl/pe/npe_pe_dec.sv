// SPDX-License-Identifier: Apache-2.0
// npe_pe_dec: one lane's operand decoder, shared by every format (posit with
// es 0/1, FP4 E2M1, INT8, ternary) -> sign, significand, scale, NaR. It is
// purely combinational and does not multiply or align.
//
// A posit(n, es) pattern left-aligned in a Width-bit field (zeros appended)
// has the same value as the n-bit pattern, so one Width-bit posit decoder with
// a run-time es serves Posit(16,1), Posit(8,0) and Posit(4,1). INT8 shares the
// same left-align and two's complement negation. The significand leaves
// LSB-aligned with a fixed number of fraction bits F per format:
//   posit16 13 bits (F=12), posit8 6 (F=5), posit4 1 (F=0), fp4 2 (F=1),
//   int8 8 (F=0, magnitude 0..128), ternary 1 (F=0).
// value = (-1)^sign_o * sig_o * 2^(scale_o - F). Zero and NaR give sig_o = 0.
module npe_pe_dec
#(
  parameter int Width      = 16,       // 16, 8 or 4 bits of lane field
  parameter logic [5:0]  FormatMask = 6'h3f,    // bit f: format code f decoded
  // Significand width, derived from Width (Icarus 11 takes no localparam
  // here): leave at its default.
  parameter int SigW       = (Width >= 16) ? 13 : ((Width >= 8) ? 8 : 2)
) (
  input  logic [Width-1:0] x_i,    // the lane's field, pattern in the low bits
  input  logic [2:0]      fmt_i,  // operand format (npe_pkg::FmtTernary = 2-bit weight)
  output logic             sign_o,
  output logic [SigW-1:0]  sig_o,
  output logic [5:0]       scale_o,  // two's complement, -28..28
  output logic             nar_o
);

  // Formats this instance can see: built in (FormatMask) and fitting Width.
  logic is_p16, is_p8, is_p4, is_fp4, is_i8, is_tern;
  assign is_p16  = FormatMask[npe_pkg::FmtPosit16]  && (Width >= 16) && (fmt_i == npe_pkg::FmtPosit16);
  assign is_p8   = FormatMask[npe_pkg::FmtPosit8]   && (Width >= 8)  && (fmt_i == npe_pkg::FmtPosit8);
  assign is_p4   = FormatMask[npe_pkg::FmtPosit4]   && (fmt_i == npe_pkg::FmtPosit4);
  assign is_fp4  = FormatMask[npe_pkg::FmtFp4]      && (fmt_i == npe_pkg::FmtFp4);
  assign is_i8   = FormatMask[npe_pkg::FmtInt8]     && (Width >= 8)  && (fmt_i == npe_pkg::FmtInt8);
  assign is_tern = FormatMask[npe_pkg::FmtTernary]  && (fmt_i == npe_pkg::FmtTernary);

  localparam int Sh8 = (Width >= 8) ? Width - 8 : 0;
  localparam int Sh4 = Width - 4;

  // --------------------------------------------------------------------------
  // Left-align and take the magnitude (posits and INT8 share the negator)
  // --------------------------------------------------------------------------
  logic [Width-1:0] y, mag;
  logic             neg, y_zero, y_nar;

  always_comb begin
    if (is_p16)             y = x_i;
    else if (is_p8 || is_i8) y = x_i << Sh8;
    else                    y = x_i << Sh4;
  end

  assign neg    = y[Width-1];
  assign mag    = neg ? (~y + 1'b1) : y;
  assign y_zero = (y == '0);
  assign y_nar  = (y == {1'b1, {(Width-1){1'b0}}});

  // --------------------------------------------------------------------------
  // Posit regime, exponent and fraction
  // --------------------------------------------------------------------------
  logic [Width-2:0] body, inv, rest, frac_la;
  logic             rbit, es1, ebit;
  logic [4:0]       run;       // run length of the regime, 1..Width-1
  logic [5:0]       k, pscale;

  assign body = mag[Width-2:0];
  assign rbit = body[Width-2];
  assign inv  = rbit ? ~body : body;
  assign es1  = !is_p8;        // Posit(8,0) is the only es = 0 format

  always_comb begin
    run = 5'(Width - 1);
    for (int i = 0; i < Width - 1; i++) begin
      if (inv[i]) run = 5'(Width - 2 - i);
    end
  end

  assign rest    = (body << run) << 1;
  assign ebit    = es1 & rest[Width-2];
  assign frac_la = es1 ? (rest << 1) : rest;
  assign k       = rbit ? (6'(run) - 6'd1) : (6'd0 - 6'(run));
  assign pscale  = es1 ? ((k << 1) | {5'd0, ebit}) : k;

  // Fraction and INT8 magnitude fields, only where the lane is wide enough.
  logic [11:0] frac12;
  logic [4:0]  frac5;
  logic [7:0]  mag8;
  if (Width >= 16) begin : gen_w16
    assign frac12 = frac_la[Width-2 -: 12];
  end else begin : gen_no_w16
    assign frac12 = '0;
  end
  if (Width >= 8) begin : gen_w8
    assign frac5 = frac_la[Width-2 -: 5];
    assign mag8  = mag[Width-1 -: 8];
  end else begin : gen_no_w8
    assign frac5 = '0;
    assign mag8  = '0;
  end

  // --------------------------------------------------------------------------
  // Per-format outputs
  // --------------------------------------------------------------------------
  logic [1:0] fp4_e;
  assign fp4_e = x_i[2:1];

  always_comb begin
    sign_o  = 1'b0;
    sig_o   = '0;
    scale_o = '0;
    nar_o   = 1'b0;
    if (is_p16 || is_p8 || is_p4) begin
      nar_o   = y_nar;
      sign_o  = neg;
      scale_o = pscale;
      if (!y_zero && !y_nar) begin
        if (is_p16)     sig_o = SigW'({1'b1, frac12});
        else if (is_p8) sig_o = SigW'({1'b1, frac5});
        else            sig_o = SigW'(1);
      end
    end else if (is_fp4) begin
      sign_o  = x_i[3];
      sig_o   = SigW'({fp4_e != 2'd0, x_i[0]});
      scale_o = (fp4_e == 2'd0) ? 6'd0 : 6'({4'd0, fp4_e} - 6'd1);
    end else if (is_i8) begin
      sign_o  = neg;
      sig_o   = SigW'(mag8);
    end else if (is_tern) begin
      // 00 = 0, 01 = +1, 11 = -1; the invalid code 10 contributes zero.
      sign_o  = x_i[1] & x_i[0];
      sig_o   = SigW'(x_i[0]);
    end
  end

  // Fraction bits below the widest format's, and the INT8 field of a narrow
  // lane, are never needed.
  logic unused_dec;
  assign unused_dec = ^{frac_la, mag, mag8};

endmodule
