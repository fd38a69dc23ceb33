// SPDX-License-Identifier: Apache-2.0
// npe_pe_norm: read-out stages 1 and 2: takes the quire's magnitude and
// normalises it (leading one to the top), keeping 26 significant bits and a
// sticky bit: exactly what every rounding of the read-out needs. It does not
// round (npe_pe_round does).
//
// Stage 1: sign, 128-bit magnitude, coarse shift by 64/32/16.
// Stage 2: fine shift by 8/4/2/1. The value is sig_o * 2^(exp_o - 25) with
// sig_o[25] = 1 (unless zero_o), plus sticky_o for anything below.
module npe_pe_norm
  import npe_pkg::*;
(
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // From the quire: read-out request and its value
  input  logic                      valid_i,
  input  logic [QuireWidthBits-1:0] quire_i,
  input  logic                      nar_i,
  input  logic                      ovf_i,
  input  npe_fmt_e                  fmt_i,     // format of res_fmt_o
  // Normalised value, two cycles later
  output logic                      valid_o,
  output logic                      sign_o,
  output logic                      zero_o,
  output logic                      nar_o,
  output logic                      ovf_o,
  output npe_fmt_e                  fmt_o,
  output logic [7:0]                exp_o,     // two's complement, -56..71
  output logic [25:0]               sig_o,
  output logic                      sticky_o
);

  localparam int unsigned QW = QuireWidthBits;

  // --------------------------------------------------------------------------
  // Stage 1: magnitude and coarse normalisation
  // --------------------------------------------------------------------------
  logic [QW-1:0] mag, c1, c2, c3;
  logic [2:0]    lzh;

  assign mag    = quire_i[QW-1] ? (~quire_i + 1'b1) : quire_i;
  assign lzh[2] = (mag[127:64] == '0);
  assign c1     = lzh[2] ? (mag << 64) : mag;
  assign lzh[1] = (c1[127:96] == '0);
  assign c2     = lzh[1] ? (c1 << 32) : c1;
  assign lzh[0] = (c2[127:112] == '0);
  assign c3     = lzh[0] ? (c2 << 16) : c2;

  // Stage-1 registers: control with reset, data loaded only on a request.
  logic        s1_valid_q;
  logic        s1_sign_q, s1_sign_d, s1_zero_q, s1_zero_d, s1_nar_q, s1_nar_d;
  logic        s1_ovf_q, s1_ovf_d, s1_st_q, s1_st_d;
  npe_fmt_e    s1_fmt_q, s1_fmt_d;
  logic [2:0]  s1_lzh_q, s1_lzh_d;
  logic [41:0] s1_top_q, s1_top_d;

  always_comb begin
    s1_sign_d = s1_sign_q;
    s1_zero_d = s1_zero_q;
    s1_nar_d  = s1_nar_q;
    s1_ovf_d  = s1_ovf_q;
    s1_st_d   = s1_st_q;
    s1_fmt_d  = s1_fmt_q;
    s1_lzh_d  = s1_lzh_q;
    s1_top_d  = s1_top_q;
    if (valid_i) begin
      s1_sign_d = quire_i[QW-1];
      s1_zero_d = (quire_i == '0);
      s1_nar_d  = nar_i;
      s1_ovf_d  = ovf_i;
      s1_st_d   = |c3[85:0];
      s1_fmt_d  = fmt_i;
      s1_lzh_d  = lzh;
      s1_top_d  = c3[127:86];
    end
  end

  // --------------------------------------------------------------------------
  // Stage 2: fine normalisation
  // --------------------------------------------------------------------------
  logic [41:0] f1, f2, f3, f4;
  logic [3:0]  lzl;

  assign lzl[3] = (s1_top_q[41:34] == '0);
  assign f1     = lzl[3] ? (s1_top_q << 8) : s1_top_q;
  assign lzl[2] = (f1[41:38] == '0);
  assign f2     = lzl[2] ? (f1 << 4) : f1;
  assign lzl[1] = (f2[41:40] == '0);
  assign f3     = lzl[1] ? (f2 << 2) : f2;
  assign lzl[0] = !f3[41];
  assign f4     = lzl[0] ? (f3 << 1) : f3;

  logic        s2_valid_q;
  logic        s2_sign_q, s2_sign_d, s2_zero_q, s2_zero_d, s2_nar_q, s2_nar_d;
  logic        s2_ovf_q, s2_ovf_d, s2_st_q, s2_st_d;
  npe_fmt_e    s2_fmt_q, s2_fmt_d;
  logic [7:0]  s2_exp_q, s2_exp_d;
  logic [25:0] s2_sig_q, s2_sig_d;

  always_comb begin
    s2_sign_d = s2_sign_q;
    s2_zero_d = s2_zero_q;
    s2_nar_d  = s2_nar_q;
    s2_ovf_d  = s2_ovf_q;
    s2_st_d   = s2_st_q;
    s2_fmt_d  = s2_fmt_q;
    s2_exp_d  = s2_exp_q;
    s2_sig_d  = s2_sig_q;
    if (s1_valid_q) begin
      s2_sign_d = s1_sign_q;
      s2_zero_d = s1_zero_q;
      s2_nar_d  = s1_nar_q;
      s2_ovf_d  = s1_ovf_q;
      s2_st_d   = s1_st_q | (|f4[15:0]);
      s2_fmt_d  = s1_fmt_q;
      s2_exp_d  = 8'd71 - {1'b0, s1_lzh_q, lzl};
      s2_sig_d  = f4[41:16];
    end
  end

  // --------------------------------------------------------------------------
  // Registers
  // --------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
    end else begin
      s1_valid_q <= valid_i;
      s2_valid_q <= s1_valid_q;
    end
  end

  always_ff @(posedge clk_i) begin
    s1_sign_q <= s1_sign_d;
    s1_zero_q <= s1_zero_d;
    s1_nar_q  <= s1_nar_d;
    s1_ovf_q  <= s1_ovf_d;
    s1_st_q   <= s1_st_d;
    s1_fmt_q  <= s1_fmt_d;
    s1_lzh_q  <= s1_lzh_d;
    s1_top_q  <= s1_top_d;
    s2_sign_q <= s2_sign_d;
    s2_zero_q <= s2_zero_d;
    s2_nar_q  <= s2_nar_d;
    s2_ovf_q  <= s2_ovf_d;
    s2_st_q   <= s2_st_d;
    s2_fmt_q  <= s2_fmt_d;
    s2_exp_q  <= s2_exp_d;
    s2_sig_q  <= s2_sig_d;
  end

  assign valid_o  = s2_valid_q;
  assign sign_o   = s2_sign_q;
  assign zero_o   = s2_zero_q;
  assign nar_o    = s2_nar_q;
  assign ovf_o    = s2_ovf_q;
  assign fmt_o    = s2_fmt_q;
  assign exp_o    = s2_exp_q;
  assign sig_o    = s2_sig_q;
  assign sticky_o = s2_st_q;

endmodule
