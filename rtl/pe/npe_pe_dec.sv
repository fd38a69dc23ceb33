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
  // the fraction left-aligned in 15 bits and the magnitude in 16, so that
  // the fields below are fixed slices whatever Width is
  localparam int FracPad = 16 - Width;
  localparam int MagPad  = 16 - Width;

  // One process, one arm per format: the posit regime decoder (the run
  // length, two shifts) is computed only for a posit word, the negator only
  // for a posit or INT8 word. The same logic as one assign per signal
  // (intermediates default to zero where unused; the outputs select as
  // before); a simulator then evaluates only the arm of the word's format
  // (docs/ARCHITECTURE.md, "Simulation speed").
  // Fraction bits below the widest format's, and the INT8 field's low bits,
  // are never needed.
  logic unused_dec;

  always_comb begin : dec_comb
    logic [Width-1:0] y, mag;
    logic             neg, y_zero, y_nar;
    logic [Width-2:0] body, inv, rest, frac_la;
    logic             rbit, es1, ebit;
    logic [4:0]       run;       // run length of the regime, 1..Width-1
    logic [5:0]       k, pscale;
    logic [14:0]      frac15;    // frac_la left-aligned
    logic [15:0]      mag16;     // mag left-aligned
    logic [1:0]       fp4_e;
    {y, mag, neg, y_zero, y_nar, body, inv, rest, frac_la, rbit, es1, ebit, run, k, pscale,
     frac15, mag16, fp4_e} = '0;
    sign_o  = 1'b0;
    sig_o   = '0;
    scale_o = '0;
    nar_o   = 1'b0;
`ifndef NPE_PLANT_BUG_PE_DEC_ARM
    if (is_p16 || is_p8 || is_p4 || is_i8) begin
`else
    if (is_p16 || is_p8 || is_i8) begin   // planted: posit4 words take no arm
`endif
      // Left-align and take the magnitude (posits and INT8 share the negator)
      if (is_p16)              y = x_i;
      else if (is_p8 || is_i8) y = x_i << Sh8;
      else                     y = x_i << Sh4;
      neg   = y[Width-1];
      mag   = neg ? (~y + 1'b1) : y;
      if (is_i8) begin
        mag16   = 16'(mag) << MagPad;
        sign_o  = neg;
        sig_o   = SigW'(mag16[15:8]);
      end else begin
        // Posit regime, exponent and fraction
        y_zero = (y == '0);
        y_nar  = (y == {1'b1, {(Width-1){1'b0}}});
        body   = mag[Width-2:0];
        rbit   = body[Width-2];
        inv    = rbit ? ~body : body;
        es1    = !is_p8;        // Posit(8,0) is the only es = 0 format
        run    = 5'(Width - 1);
        for (int i = 0; i < Width - 1; i++) begin
          if (inv[i]) run = 5'(Width - 2 - i);
        end
        rest    = (body << run) << 1;
        ebit    = es1 & rest[Width-2];
        frac_la = es1 ? (rest << 1) : rest;
        k       = rbit ? (6'(run) - 6'd1) : (6'd0 - 6'(run));
        pscale  = es1 ? ((k << 1) | {5'd0, ebit}) : k;
        frac15  = 15'(frac_la) << FracPad;
        nar_o   = y_nar;
        sign_o  = neg;
        scale_o = pscale;
        if (!y_zero && !y_nar) begin
          if (is_p16)     sig_o = SigW'({1'b1, frac15[14:3]});
          else if (is_p8) sig_o = SigW'({1'b1, frac15[14:10]});
          else            sig_o = SigW'(1);
        end
      end
    end else if (is_fp4) begin
      fp4_e   = x_i[2:1];
      sign_o  = x_i[3];
      sig_o   = SigW'({fp4_e != 2'd0, x_i[0]});
      scale_o = (fp4_e == 2'd0) ? 6'd0 : 6'({4'd0, fp4_e} - 6'd1);
    end else if (is_tern) begin
      // 00 = 0, 01 = +1, 11 = -1; the invalid code 10 contributes zero.
      sign_o  = x_i[1] & x_i[0];
      sig_o   = SigW'(x_i[0]);
    end
    unused_dec = ^{frac15[2:0], mag16[7:0]};
  end

endmodule
