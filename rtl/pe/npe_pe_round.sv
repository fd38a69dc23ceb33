// SPDX-License-Identifier: Apache-2.0
// npe_pe_round: read-out stage 3: rounds the normalised quire value once to
// IEEE binary32 and once to the requested operand format (RNE), applies the
// NaR / overflow / zero rules of npe_quire_to_f32 and npe_quire_to_fmt, and
// registers the result. It does not normalise (npe_pe_norm does).
module npe_pe_round
  import npe_pkg::*;
#(
  parameter logic [5:0] FormatMask = 6'h3f
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // Normalised value from npe_pe_norm
  input  logic        valid_i,
  input  logic        sign_i,
  input  logic        zero_i,
  input  logic        nar_i,
  input  logic        ovf_i,
  input  npe_fmt_e    fmt_i,
  input  logic [7:0]  exp_i,
  input  logic [25:0] sig_i,
  input  logic        sticky_i,
  // Result
  output logic        res_valid_o,
  output logic [31:0] res_f32_o,
  output logic [15:0] res_fmt_o,
  output logic [1:0]  res_flags_o   // {OVF, NaR}, as npe_quire.flags
);

  logic signed [7:0] e;
  assign e = $signed(exp_i);

  // --------------------------------------------------------------------------
  // Binary32: always a normal number (2^-56 <= |q| < 2^71)
  // --------------------------------------------------------------------------
  logic [24:0] m25;
  logic [7:0]  biased;
  logic [31:0] f32;

  assign m25    = {1'b0, sig_i[25:2]} +
                  {24'd0, sig_i[1] & (sig_i[0] | sticky_i | sig_i[2])};
  assign biased = exp_i + 8'd127 + {7'd0, m25[24]};

  always_comb begin
    if (nar_i)       f32 = 32'h7fc0_0000;
    else if (ovf_i)  f32 = {sign_i, 8'hff, 23'd0};
    else if (zero_i) f32 = 32'd0;
    else             f32 = {sign_i, biased, m25[24] ? 23'd0 : m25[22:0]};
  end

  // --------------------------------------------------------------------------
  // Integer-quantum rounding shared by INT8, ternary and FP4:
  // q = RNE(|v| / 2^qe) = RNE(sig / 2^sh)
  // --------------------------------------------------------------------------
  logic        is_fp4, is_i8, is_tern, is_posit, qsat, qzero;
  logic [4:0]  sh;
  logic [25:0] q0, lowmask;
  logic [8:0]  q;
  logic        qg, qr;

  assign is_fp4   = FormatMask[FmtFp4]     && (fmt_i == FmtFp4);
  assign is_i8    = FormatMask[FmtInt8]    && (fmt_i == FmtInt8);
  assign is_tern  = FormatMask[FmtTernary] && (fmt_i == FmtTernary);
  assign is_posit = (FormatMask[FmtPosit4]  && (fmt_i == FmtPosit4)) ||
                    (FormatMask[FmtPosit8]  && (fmt_i == FmtPosit8)) ||
                    (FormatMask[FmtPosit16] && (fmt_i == FmtPosit16));

  always_comb begin
    if (is_fp4) begin
      // quantum 2^(e-1) for e >= 0, 2^-1 below
      qsat  = (e >= 8'sd3);
      qzero = (e <= -8'sd3);
      sh    = (e >= 8'sd0) ? 5'd24 : 5'(8'sd24 - e);
    end else begin
      // quantum 1
      qsat  = (e >= 8'sd8);
      qzero = (e <= -8'sd2);
      sh    = 5'(8'sd25 - e);
    end
    if (qsat || qzero) sh = 5'd24;   // keep the shifter in range; unused
  end

  assign q0      = sig_i >> sh;
  assign qg      = sig_i[sh - 5'd1];
  assign lowmask = (26'd1 << (sh - 5'd1)) - 26'd1;
  assign qr      = (|(sig_i & lowmask)) | sticky_i;
  assign q       = qzero ? 9'd0 : (9'(q0) + {8'd0, qg & (qr | q0[0])});

  // FP4 pattern from the count of halves
  logic [4:0] halves;
  logic [2:0] fp4_mag;

  assign halves = (e >= 8'sd0) ? (5'(q) << exp_i[1:0]) : 5'(q);

  always_comb begin
    case (halves)
      5'd0:    fp4_mag = 3'd0;
      5'd1:    fp4_mag = 3'd1;
      5'd2:    fp4_mag = 3'd2;
      5'd3:    fp4_mag = 3'd3;
      5'd4:    fp4_mag = 3'd4;
      5'd6:    fp4_mag = 3'd5;
      5'd8:    fp4_mag = 3'd6;
      default: fp4_mag = 3'd7;   // 12, and above 12: saturate to 6
    endcase
    if (qsat) fp4_mag = 3'd7;
  end

  // --------------------------------------------------------------------------
  // Posits
  // --------------------------------------------------------------------------
  logic [15:0] posit_bits, nar_bits;

  npe_pe_posit_enc #(
    .FormatMask(FormatMask)
  ) u_posit_enc (
    .fmt_i    (fmt_i),
    .sign_i   (sign_i),
    .exp_i    (exp_i),
    .sig_i    (sig_i),
    .sticky_i (sticky_i),
    .bits_o   (posit_bits)
  );

  always_comb begin
    case (fmt_i)
      FmtPosit16: nar_bits = 16'h8000;
      FmtPosit8:  nar_bits = 16'h0080;
      default:    nar_bits = 16'h0008;
    endcase
  end

  // --------------------------------------------------------------------------
  // Operand-format result
  // --------------------------------------------------------------------------
  logic [15:0] fmt_bits;

  always_comb begin
    fmt_bits = '0;
    if (is_posit) begin
      if (nar_i || ovf_i) fmt_bits = nar_bits;
      else if (!zero_i)   fmt_bits = posit_bits;
    end else if (is_fp4) begin
      if (ovf_i && !nar_i)        fmt_bits = {12'd0, sign_i, 3'd7};
      else if (!nar_i && !zero_i) fmt_bits = {12'd0, sign_i, fp4_mag};
    end else if (is_i8) begin
      if (nar_i || zero_i)                      fmt_bits = '0;
      else if (ovf_i || qsat || q > 9'd127)     fmt_bits = sign_i ? 16'h0080 : 16'h007f;
      else                                      fmt_bits = {8'd0, sign_i ? 8'(9'd0 - q) : q[7:0]};
    end else if (is_tern) begin
      if (nar_i || zero_i)                      fmt_bits = '0;
      else if (ovf_i || qsat || q != 9'd0)      fmt_bits = sign_i ? 16'h0003 : 16'h0001;
    end
  end

  // --------------------------------------------------------------------------
  // Output registers
  // --------------------------------------------------------------------------
  logic        valid_q;
  logic [31:0] f32_q, f32_d;
  logic [15:0] fmt_q, fmt_d;
  logic [1:0]  flags_q, flags_d;

  assign f32_d   = valid_i ? f32 : f32_q;
  assign fmt_d   = valid_i ? fmt_bits : fmt_q;
  assign flags_d = valid_i ? {ovf_i, nar_i} : flags_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      f32_q   <= '0;
      fmt_q   <= '0;
      flags_q <= '0;
    end else begin
      valid_q <= valid_i;
      f32_q   <= f32_d;
      fmt_q   <= fmt_d;
      flags_q <= flags_d;
    end
  end

  assign res_valid_o = valid_q;
  assign res_f32_o   = f32_q;
  assign res_fmt_o   = fmt_q;
  assign res_flags_o = flags_q;

endmodule
