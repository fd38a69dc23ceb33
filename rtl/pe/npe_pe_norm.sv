// SPDX-License-Identifier: Apache-2.0
// npe_pe_norm: read-out stages 1 and 2: takes the quire's magnitude and
// normalises it (leading one to the top), keeping 26 significant bits and a
// sticky bit: exactly what every rounding of the read-out needs. It does not
// round (npe_pe_round does).
//
// No 128-bit negation: a negative quire q is normalised as its one's
// complement x = ~q with ones shifted in from below, so that (x << s) + 1 =
// |q| << s exactly; the +1 is added after the cut, where it is a 26-bit
// increment that only carries in when every bit below the cut is one.
// Stage 1: x, coarse shift by 64/32/16, top 42 bits kept, the rest folded to
//          one bit (any one for q >= 0, all ones for q < 0).
// Stage 2: fine shift by 8/4/2/1, the +1, sticky. The value is
//          sig_o * 2^(exp_o - 25) with sig_o[25] = 1 (unless zero_o), plus
//          sticky_o for anything below.
module npe_pe_norm
#(
  parameter bit ClockGates = 1'b0  // gated clocks on the data registers (npe_clk_gate)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // From the quire: read-out request and its value
  input  logic                      valid_i,
  input  logic [npe_pkg::QuireWidthBits-1:0] quire_i,
  input  logic                      nar_i,
  input  logic                      ovf_i,
  input  logic [2:0]               fmt_i,     // format of res_fmt_o
  // Normalised value, two cycles later
  output logic                      valid_o,
  output logic                      sign_o,
  output logic                      zero_o,
  output logic                      nar_o,
  output logic                      ovf_o,
  output logic [2:0]               fmt_o,  // npe_pkg::npe_fmt_e code
  output logic [7:0]                exp_o,     // two's complement, -56..71
  output logic [25:0]               sig_o,
  output logic                      sticky_o
);

  localparam int QW = npe_pkg::QuireWidthBits;

  // --------------------------------------------------------------------------
  // Stage 1: magnitude and coarse normalisation
  // --------------------------------------------------------------------------
  // Stage-1 registers: control with reset, data loaded only on a request.
  logic        s1_valid_q;
  logic        s1_sign_q, s1_sign_d, s1_zero_q, s1_zero_d, s1_nar_q, s1_nar_d;
  logic        s1_ovf_q, s1_ovf_d, s1_st_q, s1_st_d;
  logic [2:0] s1_fmt_q, s1_fmt_d;
  logic [2:0]  s1_lzh_q, s1_lzh_d;
  logic [41:0] s1_top_q, s1_top_d;

  // The shifts sit inside the load enable (the same logic as separate
  // assigns): a simulator evaluates the 128-bit datapath only in the cycles
  // of a read-out, not in every cycle of a dot product
  // (docs/ARCHITECTURE.md, "Simulation speed").
  always_comb begin : s1_comb
    logic [QW-1:0] x, c1, c2, c3;
    logic          neg, lz64, lz32, lz16;
    {x, c1, c2, c3, neg, lz64, lz32, lz16} = '0;  // (no latches: used below only)
    {s1_sign_d, s1_zero_d, s1_nar_d, s1_ovf_d, s1_st_d, s1_fmt_d, s1_lzh_d, s1_top_d} = '0;  // (registers loaded under the enable below)
    if (valid_i || ClockGates) begin
      neg  = quire_i[QW-1];
      x    = quire_i ^ {QW{neg}};
      lz64 = (x[127:64] == '0);
      c1   = lz64 ? {x[63:0], {64{neg}}} : x;
      lz32 = (c1[127:96] == '0);
      c2   = lz32 ? {c1[95:0], {32{neg}}} : c1;
      lz16 = (c2[127:112] == '0);
      c3   = lz16 ? {c2[111:0], {16{neg}}} : c2;
      s1_sign_d = quire_i[QW-1];
      // an overflowed quire holds a wrapped sum below its sign (npe_pe_quire);
      // its frozen value is never zero (one addend cannot overflow zero)
      s1_zero_d = (quire_i == '0) && !ovf_i;
      s1_nar_d  = nar_i;
      s1_ovf_d  = ovf_i;
      s1_st_d   = neg ? (&c3[85:0]) : (|c3[85:0]);   // all ones / any one
      s1_fmt_d  = fmt_i;
      s1_lzh_d  = {lz64, lz32, lz16};
      s1_top_d  = c3[127:86];
    end
  end

  // --------------------------------------------------------------------------
  // Stage 2: fine normalisation (inside the load enable too)
  // --------------------------------------------------------------------------
  logic        s2_valid_q;
  logic        s2_sign_q, s2_sign_d, s2_zero_q, s2_zero_d, s2_nar_q, s2_nar_d;
  logic        s2_ovf_q, s2_ovf_d, s2_st_q, s2_st_d;
  logic [2:0] s2_fmt_q, s2_fmt_d;
  logic [7:0]  s2_exp_q, s2_exp_d;
  logic [25:0] s2_sig_q, s2_sig_d;

  always_comb begin : s2_comb
    logic [41:0] f1, f2, f3, f4;
    logic        lz8, lz4, lz2, lz1, fill, carry, sticky;
    logic [26:0] inc;
    logic [7:0]  e;
    {f1, f2, f3, f4, lz8, lz4, lz2, lz1, fill, carry, sticky, inc, e} = '0;
    {s2_sign_d, s2_zero_d, s2_nar_d, s2_ovf_d, s2_st_d, s2_fmt_d, s2_exp_d, s2_sig_d} = '0;  // (registers loaded under the enable below)
    if (s1_valid_q || ClockGates) begin
      fill = s1_sign_q;
      lz8  = (s1_top_q[41:34] == '0);
      f1   = lz8 ? {s1_top_q[33:0], {8{fill}}} : s1_top_q;
      lz4  = (f1[41:38] == '0);
      f2   = lz4 ? {f1[37:0], {4{fill}}} : f1;
      lz2  = (f2[41:40] == '0);
      f3   = lz2 ? {f2[39:0], {2{fill}}} : f2;
      lz1  = !f3[41];
      f4   = lz1 ? {f3[40:0], fill} : f3;
      // q < 0: add the one; it reaches the kept bits only through all ones.
      carry  = fill & s1_st_q & (&f4[15:0]);
      sticky = fill ? !carry : (s1_st_q | (|f4[15:0]));
      inc    = {1'b0, f4[41:16]} + {26'd0, carry};
      e      = 8'd71 - {1'b0, s1_lzh_q, lz8, lz4, lz2, lz1};
      s2_sign_d = s1_sign_q;
      s2_zero_d = s1_zero_q;
      s2_nar_d  = s1_nar_q;
      s2_ovf_d  = s1_ovf_q;
      s2_st_d   = sticky;
      s2_fmt_d  = s1_fmt_q;
      s2_exp_d  = inc[26] ? e + 8'd1 : e;          // |q| = 2^(e+1) exactly
      s2_sig_d  = inc[26] ? inc[26:1] : inc[25:0];
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

  logic clk_s1, clk_s2;
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s1 (.clk_i, .en_i(valid_i),    .clk_o(clk_s1));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s2 (.clk_i, .en_i(s1_valid_q), .clk_o(clk_s2));

  // The enables sit in the flops (constant with ClockGates, whose gated
  // clocks do the same): a simulator then copies nothing in the cycles
  // without a read-out (docs/ARCHITECTURE.md, "Simulation speed").
  always_ff @(posedge clk_s1) begin
    if (valid_i || ClockGates) begin
      s1_sign_q <= s1_sign_d;
      s1_zero_q <= s1_zero_d;
      s1_nar_q  <= s1_nar_d;
      s1_ovf_q  <= s1_ovf_d;
      s1_st_q   <= s1_st_d;
      s1_fmt_q  <= s1_fmt_d;
      s1_lzh_q  <= s1_lzh_d;
      s1_top_q  <= s1_top_d;
    end
  end

  always_ff @(posedge clk_s2) begin
    if (s1_valid_q || ClockGates) begin
      s2_sign_q <= s2_sign_d;
      s2_zero_q <= s2_zero_d;
      s2_nar_q  <= s2_nar_d;
      s2_ovf_q  <= s2_ovf_d;
      s2_st_q   <= s2_st_d;
      s2_fmt_q  <= s2_fmt_d;
      s2_exp_q  <= s2_exp_d;
      s2_sig_q  <= s2_sig_d;
    end
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

  // --------------------------------------------------------------------------
  // Assertions (Verilator only, see npe_pe_quire)
  // --------------------------------------------------------------------------
`ifdef VERILATOR
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      // nothing to check in reset
    end else if (s1_valid_q && !s1_zero_q && !s1_ovf_q) begin
      NormLeadingOne: assert (s2_sig_d[25])
        else $error("norm: significand not normalised");
    end
  end
`endif

endmodule
