// SPDX-License-Identifier: Apache-2.0
// npe_pe_lite: the small-FPGA processing element: the ports and results of
// npe_pe for INT8 and INT8 x ternary only, with an integer accumulator of
// AccBits bits instead of the 128-bit quire. The integer formats put every
// product on the quire's integer grid, so an accumulator wide enough for
// the longest dot product the engine can issue holds the same exact sum;
// npe_top sizes AccBits from its A scratchpad (npe_pe's quire and binary32
// read-out alone are about 2,000 iCE40 LUTs, this PE a fraction of that).
//
// Lanes as npe_pe: lane 0 = a_i[7:0] x b_i[7:0] (ternary: b_i[1:0]),
// lane 1 = a_i[15:8] x b_i[15:8] (ternary: b_i[3:2]); ternary 00 = 0,
// 01 = +1, 11 = -1, the invalid code 10 contributes zero.
// Pipeline: S0 input registers, S1 lane products, S2 accumulate; read-out
// R1 (magnitude, leading one), R2 (round to nearest even, encode). A result
// leaves res_* 5 cycles after its last word; one result per cycle at most,
// in order, as npe_pe (the array counts results, not cycles).
module npe_pe_lite
#(
  parameter logic [5:0] FormatMask       = 6'h10,  // INT8 (bit 4) and/or ternary (bit 5) only
  parameter int         AccBits          = 32,     // accumulator bits (two's complement), 18..64
  parameter int         CounterWidthBits = 48,
  // its own activity counters (the PE testbenches read them); the engine
  // counts in one block (npe_perf) and builds its PEs without them
  parameter bit         HasCounters      = 1'b1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic                        valid_i,
  input  logic [15:0]                 a_i,
  input  logic [15:0]                 b_i,
  input  npe_pkg::npe_fmt_e           fmt_i,
  input  logic                        clear_i,
  input  logic                        last_i,
  input  logic                        read_i,
  input  npe_pkg::npe_fmt_e           rd_fmt_i,
  output logic                        res_valid_o,
  output logic [31:0]                 res_f32_o,
  output logic [15:0]                 res_fmt_o,
  output logic [1:0]                  res_flags_o,  // {OVF, NaR}: never set (exact, no NaR)
  input  logic                        cnt_clear_i,
  input  logic [3:0]                  cnt_sel_i,
  output logic [CounterWidthBits-1:0] cnt_o
);

  localparam int NormBits = AccBits < 26 ? 26 : AccBits;  // room for guard and sticky bits
  localparam int MsbBits  = $clog2(NormBits);

  // --------------------------------------------------------------------------
  // S0: input registers
  // --------------------------------------------------------------------------
  logic        in_valid_q, in_clr_q, in_rd_q, in_tern_q;
  logic [15:0] in_a_q, in_b_q;
  logic [2:0]  in_fmt_q, in_rdf_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_valid_q <= 1'b0;
      in_clr_q   <= 1'b0;
      in_rd_q    <= 1'b0;
      in_tern_q  <= 1'b0;
      in_a_q     <= '0;
      in_b_q     <= '0;
      in_fmt_q   <= 3'(npe_pkg::FmtInt8);
      in_rdf_q   <= 3'(npe_pkg::FmtInt8);
    end else begin
      in_valid_q <= valid_i;
      in_clr_q   <= clear_i;
      in_rd_q    <= (valid_i && last_i) || read_i;
      if (valid_i) begin
        in_a_q    <= a_i;
        in_b_q    <= b_i;
        in_fmt_q  <= fmt_i;
        in_tern_q <= FormatMask[npe_pkg::FmtTernary] && fmt_i == npe_pkg::FmtTernary;
      end
      if ((valid_i && last_i) || read_i) in_rdf_q <= rd_fmt_i;
    end
  end

  // --------------------------------------------------------------------------
  // S1: lane products (a word not presented adds zero)
  // --------------------------------------------------------------------------
  function automatic logic signed [8:0] weight(logic [7:0] b, logic tern);
    if (!tern)               weight = 9'($signed(b));
    else if (b[1:0] == 2'b01) weight = 9'sd1;
    else if (b[1:0] == 2'b11) weight = -9'sd1;
    else                     weight = 9'sd0;
  endfunction

  logic signed [8:0]  w0, w1;
  logic signed [16:0] p0, p1;
  logic signed [17:0] word_sum;
  assign w0       = weight(in_b_q[7:0], in_tern_q);
  assign w1       = weight(in_tern_q ? {6'd0, in_b_q[3:2]} : in_b_q[15:8], in_tern_q);
  assign p0       = 17'($signed(in_a_q[7:0])) * 17'(w0);
  assign p1       = 17'($signed(in_a_q[15:8])) * 17'(w1);
  assign word_sum = 18'(p0) + 18'(p1);

  logic              mul_valid_q, mul_clr_q, mul_rd_q;
  logic [17:0]       mul_sum_q;
  logic [2:0]        mul_rdf_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mul_valid_q <= 1'b0;
      mul_clr_q   <= 1'b0;
      mul_rd_q    <= 1'b0;
      mul_sum_q   <= '0;
      mul_rdf_q   <= 3'(npe_pkg::FmtInt8);
    end else begin
      mul_valid_q <= in_valid_q;
      mul_clr_q   <= in_clr_q;
      mul_rd_q    <= in_rd_q;
      mul_sum_q   <= in_valid_q ? word_sum : 18'd0;
      mul_rdf_q   <= in_rdf_q;
    end
  end

  // --------------------------------------------------------------------------
  // S2: accumulate; a read takes the sum including this cycle's word
  // --------------------------------------------------------------------------
  logic [AccBits-1:0] acc_q, acc_d;
  assign acc_d = (mul_clr_q ? AccBits'(0) : acc_q) + AccBits'($signed(mul_sum_q));

  logic               sum_valid_q;
  logic [AccBits-1:0] sum_q;
  logic [2:0]         sum_rdf_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q       <= '0;
      sum_valid_q <= 1'b0;
      sum_q       <= '0;
      sum_rdf_q   <= 3'(npe_pkg::FmtInt8);
    end else begin
      if (mul_valid_q || mul_clr_q) acc_q <= acc_d;
      sum_valid_q <= mul_rd_q;
      if (mul_rd_q) begin
        sum_q     <= acc_d;
        sum_rdf_q <= mul_rdf_q;
      end
    end
  end

  // --------------------------------------------------------------------------
  // R1: sign, magnitude, leading one, left-aligned magnitude
  // --------------------------------------------------------------------------
  function automatic logic [MsbBits-1:0] lead_one(logic [NormBits-1:0] v);
    lead_one = '0;
    for (int i = 0; i < NormBits; i++) if (v[i]) lead_one = MsbBits'(i);
  endfunction

  logic                sgn;
  logic [NormBits-1:0] mag;
  logic [MsbBits-1:0]  msb;
  assign sgn = sum_q[AccBits-1];
  assign mag = NormBits'(sgn ? AccBits'(0) - sum_q : sum_q);
  assign msb = lead_one(mag);

  logic                n_valid_q, n_sgn_q, n_zero_q, n_pos_big_q, n_neg_big_q;
  logic [NormBits-1:0] n_norm_q;
  logic [MsbBits-1:0]  n_msb_q;
  logic [7:0]          n_low_q;
  logic [2:0]          n_rdf_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      n_valid_q   <= 1'b0;
      n_sgn_q     <= 1'b0;
      n_zero_q    <= 1'b1;
      n_pos_big_q <= 1'b0;
      n_neg_big_q <= 1'b0;
      n_norm_q    <= '0;
      n_msb_q     <= '0;
      n_low_q     <= '0;
      n_rdf_q     <= 3'(npe_pkg::FmtInt8);
    end else begin
      n_valid_q <= sum_valid_q;
      if (sum_valid_q) begin
        n_sgn_q     <= sgn;
        n_zero_q    <= mag == '0;
        // INT8 saturation bounds: above 127, below -128
        n_pos_big_q <= !sgn && mag > NormBits'(127);
        n_neg_big_q <= sgn && mag > NormBits'(128);
        n_norm_q    <= mag << (MsbBits'(NormBits - 1) - msb);
        n_msb_q     <= msb;
        n_low_q     <= sum_q[7:0];
        n_rdf_q     <= sum_rdf_q;
      end
    end
  end

  // --------------------------------------------------------------------------
  // R2: binary32 round to nearest, ties to even; operand-format encodings
  // --------------------------------------------------------------------------
  logic [23:0] sig;
  logic        guard, sticky, up;
  logic [24:0] sig_r;
  logic [7:0]  expo;
  logic [31:0] f32;
  logic [15:0] fmt_bits;

  assign sig    = n_norm_q[NormBits-1 -: 24];
  assign guard  = n_norm_q[NormBits-25];
  assign sticky = |n_norm_q[NormBits-26:0];
  assign up     = guard && (sticky || sig[0]);
  assign sig_r  = {1'b0, sig} + 25'(up);
  assign expo   = 8'(8'd127 + 8'(n_msb_q) + 8'(sig_r[24]));
  // sig_r[23] is the hidden one (or, with a carry out, zero like the rest).
  assign f32    = n_zero_q ? 32'd0
                           : {n_sgn_q, expo, sig_r[24] ? 23'd0 : sig_r[22:0]};
  logic unused_hidden;
  assign unused_hidden = sig_r[23];

  always_comb begin
    fmt_bits = '0;
    if (FormatMask[npe_pkg::FmtInt8] && n_rdf_q == 3'(npe_pkg::FmtInt8)) begin
      fmt_bits = n_pos_big_q ? 16'h007f : n_neg_big_q ? 16'h0080 : {8'd0, n_low_q};
    end else if (FormatMask[npe_pkg::FmtTernary] && n_rdf_q == 3'(npe_pkg::FmtTernary)) begin
      fmt_bits = n_zero_q ? 16'h0000 : n_sgn_q ? 16'h0003 : 16'h0001;
    end
  end

  logic        valid_q;
  logic [31:0] f32_q;
  logic [15:0] fmt_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      f32_q   <= '0;
      fmt_q   <= '0;
    end else begin
      valid_q <= n_valid_q;
      if (n_valid_q) begin
        f32_q <= f32;
        fmt_q <= fmt_bits;
      end
    end
  end

  assign res_valid_o = valid_q;
  assign res_f32_o   = f32_q;
  assign res_fmt_o   = fmt_q;
  assign res_flags_o = 2'b00;

  // --------------------------------------------------------------------------
  // Counters: the same as npe_pe's (two lanes)
  // --------------------------------------------------------------------------
  npe_pe_cnt #(
    .FormatMask       (FormatMask),
    .NumLanes         (2),
    .CounterWidthBits (CounterWidthBits),
    .Build            (HasCounters)
  ) u_cnt (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (cnt_clear_i),
    .valid_i (in_valid_q),
    .fmt_i   (in_fmt_q),
    .sel_i   (cnt_sel_i),
    .cnt_o   (cnt_o)
  );

endmodule
