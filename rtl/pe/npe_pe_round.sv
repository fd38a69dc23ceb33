// SPDX-License-Identifier: Apache-2.0
// npe_pe_round: read-out stages 3 and 4: rounds the normalised quire value
// once to IEEE binary32 and once to the requested operand format (RNE),
// applies the NaR / overflow / zero rules of npe_quire_to_f32 and
// npe_quire_to_fmt, and registers the result. It does not normalise
// (npe_pe_norm does).
// Stage 3: binary32, posit magnitude, integer quotient; stage 4: signs,
// saturation, special cases, output registers.
module npe_pe_round
#(
  parameter logic [5:0] FormatMask = 6'h3f,
  parameter bit         ClockGates = 1'b0  // gated clocks on the data registers (npe_clk_gate)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // Normalised value from npe_pe_norm
  input  logic        valid_i,
  input  logic        sign_i,
  input  logic        zero_i,
  input  logic        nar_i,
  input  logic        ovf_i,
  input  logic [2:0] fmt_i,  // npe_pkg::npe_fmt_e code
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

  // Stage 3 (binary32, integer quotient, FP4 magnitude) is computed inside
  // its registers' load enable below, in m_comb: the same logic as separate
  // assigns, but a simulator then evaluates it only in the cycles of a
  // read-out, not in every cycle of a dot product (docs/ARCHITECTURE.md,
  // "Simulation speed").
  logic        is_fp4, is_i8, is_tern, is_posit;

  assign is_fp4   = FormatMask[npe_pkg::FmtFp4]     && (fmt_i == npe_pkg::FmtFp4);
  assign is_i8    = FormatMask[npe_pkg::FmtInt8]    && (fmt_i == npe_pkg::FmtInt8);
  assign is_tern  = FormatMask[npe_pkg::FmtTernary] && (fmt_i == npe_pkg::FmtTernary);
  assign is_posit = (FormatMask[npe_pkg::FmtPosit4]  && (fmt_i == npe_pkg::FmtPosit4)) ||
                    (FormatMask[npe_pkg::FmtPosit8]  && (fmt_i == npe_pkg::FmtPosit8)) ||
                    (FormatMask[npe_pkg::FmtPosit16] && (fmt_i == npe_pkg::FmtPosit16));

  // --------------------------------------------------------------------------
  // Posits
  // --------------------------------------------------------------------------
  logic [14:0] posit_body;

  npe_pe_posit_enc #(
    .FormatMask(FormatMask)
  ) u_posit_enc (
    .fmt_i    (fmt_i),
    .sign_i   (sign_i),
    .exp_i    (exp_i),
    .sig_i    (sig_i),
    .sticky_i (sticky_i),
    .body_o   (posit_body)
  );

  // --------------------------------------------------------------------------
  // Stage-3 registers (loaded on a request)
  // --------------------------------------------------------------------------
  logic        m_valid_q;
  logic        m_sign_q, m_sign_d, m_zero_q, m_zero_d, m_nar_q, m_nar_d;
  logic        m_ovf_q, m_ovf_d, m_qsat_q, m_qsat_d;
  logic        m_posit_q, m_posit_d, m_fp4_q, m_fp4_d, m_i8_q, m_i8_d, m_tern_q, m_tern_d;
  logic [2:0]  m_fmt_q, m_fmt_d, m_fp4m_q, m_fp4m_d;
  logic [8:0]  m_quo_q, m_quo_d;
  logic [14:0] m_body_q, m_body_d;
  logic [31:0] m_f32_q, m_f32_d;

  // The hidden bit of the rounded significand, and quotient bits above any
  // format's range, are not needed.
  logic unused_round;

  always_comb begin : m_comb
    logic [24:0] m25;
    logic [7:0]  biased;
    logic [31:0] f32;
    logic        qsat, qzero, qg, qr;
    logic [4:0]  sh, halves;
    logic [52:0] qt;
    logic [25:0] q0;
    logic [8:0]  q;
    logic [2:0]  fp4_mag;
    {m25, biased, f32, qsat, qzero, qg, qr, sh, halves, qt, q0, q, fp4_mag} = '0;
    unused_round = 1'b0;
    m_sign_d  = m_sign_q;
    m_zero_d  = m_zero_q;
    m_nar_d   = m_nar_q;
    m_ovf_d   = m_ovf_q;
    m_qsat_d  = m_qsat_q;
    m_posit_d = m_posit_q;
    m_fp4_d   = m_fp4_q;
    m_i8_d    = m_i8_q;
    m_tern_d  = m_tern_q;
    m_fmt_d   = m_fmt_q;
    m_fp4m_d  = m_fp4m_q;
    m_quo_d   = m_quo_q;
    m_body_d  = m_body_q;
    m_f32_d   = m_f32_q;
    if (valid_i || ClockGates) begin
      // Binary32: always a normal number (2^-56 <= |q| < 2^71)
      m25    = {1'b0, sig_i[25:2]} +
               {24'd0, sig_i[1] & (sig_i[0] | sticky_i | sig_i[2])};
      biased = exp_i + 8'd127 + {7'd0, m25[24]};
      if (nar_i)       f32 = 32'h7fc0_0000;
      else if (ovf_i)  f32 = {sign_i, 8'hff, 23'd0};
      else if (zero_i) f32 = 32'd0;
      else             f32 = {sign_i, biased, m25[24] ? 23'd0 : m25[22:0]};

      // Integer-quantum rounding shared by INT8, ternary and FP4:
      // q = RNE(|v| / 2^qe) = RNE(sig / 2^sh)
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
      // out of range when qsat / qzero, which override q (no clamp: it would
      // put the compares in front of the shifter)

      // One right shift gives the quotient, the guard bit and the rest.
      qt = {sig_i, 27'd0} >> sh;
      q0 = qt[52:27];
      qg = qt[26];
      qr = (|qt[25:0]) | sticky_i;
      q  = qzero ? 9'd0 : (9'(q0) + {8'd0, qg & (qr | q0[0])});

      // FP4 pattern from the count of halves
      halves = (e >= 8'sd0) ? (5'(q) << exp_i[1:0]) : 5'(q);
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

      unused_round = ^{m25[23], q0[25:9]};
      m_sign_d  = sign_i;
      m_zero_d  = zero_i;
      m_nar_d   = nar_i;
      m_ovf_d   = ovf_i;
      m_qsat_d  = qsat;
      m_posit_d = is_posit;
      m_fp4_d   = is_fp4;
      m_i8_d    = is_i8;
      m_tern_d  = is_tern;
      m_fmt_d   = fmt_i;
      m_fp4m_d  = fp4_mag;
      m_quo_d   = q;
      m_body_d  = posit_body;
      m_f32_d   = f32;
    end
  end

  // --------------------------------------------------------------------------
  // Stage 4: signs, saturation and special cases
  // --------------------------------------------------------------------------
  // (inside the output registers' load enable, as stage 3)
  logic        valid_q;
  logic [31:0] f32_q, f32_d;
  logic [15:0] fmt_q, fmt_d;
  logic [1:0]  flags_q, flags_d;

  always_comb begin : out_comb
    logic [15:0] nar_bits, posit_bits, posit_mask, fmt_bits;
    {nar_bits, posit_bits, posit_mask, fmt_bits} = '0;
    f32_d   = f32_q;
    fmt_d   = fmt_q;
    flags_d = flags_q;
    if (m_valid_q || ClockGates) begin
      case (m_fmt_q)
        npe_pkg::FmtPosit16: begin nar_bits = 16'h8000; posit_mask = 16'hffff; end
        npe_pkg::FmtPosit8:  begin nar_bits = 16'h0080; posit_mask = 16'h00ff; end
        default:             begin nar_bits = 16'h0008; posit_mask = 16'h000f; end
      endcase

      posit_bits = (m_sign_q ? (16'd0 - {1'b0, m_body_q}) : {1'b0, m_body_q}) & posit_mask;

      // Operand-format result
      fmt_bits = '0;
      if (m_posit_q) begin
        if (m_nar_q || m_ovf_q) fmt_bits = nar_bits;
        else if (!m_zero_q)     fmt_bits = posit_bits;
      end else if (m_fp4_q) begin
        if (m_ovf_q && !m_nar_q)        fmt_bits = {12'd0, m_sign_q, 3'd7};
        else if (!m_nar_q && !m_zero_q) fmt_bits = {12'd0, m_sign_q, m_fp4m_q};
      end else if (m_i8_q) begin
        if (m_nar_q || m_zero_q) begin
          fmt_bits = '0;
        end else if (m_ovf_q || m_qsat_q || m_quo_q > 9'd127) begin
          fmt_bits = m_sign_q ? 16'h0080 : 16'h007f;
        end else begin
          fmt_bits = {8'd0, m_sign_q ? 8'(9'd0 - m_quo_q) : m_quo_q[7:0]};
        end
      end else if (m_tern_q) begin
        if (m_nar_q || m_zero_q)                        fmt_bits = '0;
        else if (m_ovf_q || m_qsat_q || m_quo_q != '0)  fmt_bits = m_sign_q ? 16'h0003 : 16'h0001;
      end

      f32_d   = m_f32_q;
      fmt_d   = fmt_bits;
      flags_d = {m_ovf_q, m_nar_q};
    end
  end

  // --------------------------------------------------------------------------
  // Output registers
  // --------------------------------------------------------------------------
  logic clk_m, clk_out;
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_m   (.clk_i, .en_i(valid_i),   .clk_o(clk_m));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_out (.clk_i, .en_i(m_valid_q), .clk_o(clk_out));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      m_valid_q <= 1'b0;
      valid_q   <= 1'b0;
    end else begin
      m_valid_q <= valid_i;
      valid_q   <= m_valid_q;
    end
  end

  // The result registers hold data read only with valid_o: no reset (a reset
  // flop is 1.8x a plain one in the OSU cells).
  always_ff @(posedge clk_out) begin
    f32_q   <= f32_d;
    fmt_q   <= fmt_d;
    flags_q <= flags_d;
  end

  always_ff @(posedge clk_m) begin
    m_sign_q  <= m_sign_d;
    m_zero_q  <= m_zero_d;
    m_nar_q   <= m_nar_d;
    m_ovf_q   <= m_ovf_d;
    m_qsat_q  <= m_qsat_d;
    m_posit_q <= m_posit_d;
    m_fp4_q   <= m_fp4_d;
    m_i8_q    <= m_i8_d;
    m_tern_q  <= m_tern_d;
    m_fmt_q   <= m_fmt_d;
    m_fp4m_q  <= m_fp4m_d;
    m_quo_q   <= m_quo_d;
    m_body_q  <= m_body_d;
    m_f32_q   <= m_f32_d;
  end

  assign res_valid_o = valid_q;
  assign res_f32_o   = f32_q;
  assign res_fmt_o   = fmt_q;
  assign res_flags_o = flags_q;

endmodule
