// SPDX-License-Identifier: Apache-2.0
// npe_array: the Rows x Cols MAC array and its sequencer for one MATMUL.
// PE (r, c) computes the dot product of A row r with B row g*Cols + c (B is
// stored transposed, one row per output column) for every column group g;
// A words are broadcast along a row, B words along a column. Results of a
// group leave together on res_*. It does not fetch from memory or validate
// the job (npe_cmd does).
module npe_array #(
  parameter int          Rows          = 4,
  parameter int          Cols          = 2,
  parameter int          ABankAddrBits = 10,
  parameter int          BBankAddrBits = 11,
  parameter int          OutGroups     = 32,     // column groups an output buffer holds
  parameter logic [5:0]  FormatMask    = 6'h3f,
  // npe_pe_lite PEs (FormatMask INT8 / ternary only) with LiteAccBits-bit
  // accumulators instead of npe_pe: the small-FPGA build
  parameter bit          LitePe        = 1'b0,
  parameter int          LiteAccBits   = 32
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,

  // Job (held stable from start_i until done_o)
  input  logic                           start_i,
  input  logic                           abort_i,     // stop issuing, drain, finish
  input  logic [2:0]                     fmt_i,       // PE mode: npe_pkg::npe_fmt_e code of the
                                                      // operands (ternary = INT8 x ternary)
  input  logic [2:0]                     out_fmt_i,   // npe_pkg::npe_fmt_e code results round to
  input  logic                           out_fp32_i,  // store binary32 instead of out_fmt_i
  input  logic [7:0]                     m_i,         // active rows, 1..Rows
  input  logic [15:0]                    n_i,         // output columns, 1..Cols*OutGroups
  input  logic [15:0]                    words_i,     // PE words per dot product, >= 1
  input  logic [2:0]                     last_lanes_i,// elements in the last word, 1..lanes
  input  logic [15:0]                    pitch_b_i,   // 64-bit words per B row in a bank
  output logic                           busy_o,
  output logic                           done_o,

  // Scratchpad reads (one address for every bank of a scratchpad)
  output logic                           a_re_o,
  output logic [ABankAddrBits-1:0]       a_raddr_o,
  input  logic [Rows*64-1:0]             a_rdata_i,
  output logic                           b_re_o,
  output logic [BBankAddrBits-1:0]       b_raddr_o,
  input  logic [Cols*64-1:0]             b_rdata_i,

  // Results of one column group: PE (r, c) in bits 32*(r*Cols+c) +: 32
  output logic                           res_we_o,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0]   res_group_o,
  output logic [Rows*Cols*32-1:0]        res_data_o,

  // Activity of this cycle, for the performance counters
  output logic                           issue_o,     // a word entered the PEs
  output logic [15:0]                    issue_macs_o,// MACs it carries (active PEs x elements)
  output logic [15:0]                    issue_lanes_o// lanes it occupies (active PEs x lanes)
);

  typedef enum logic [1:0] {StIdle, StRun, StDrain} state_e;

  state_e      state_q, state_d;
  // Counters as wide as the job can need (npe_cmd checks words_i <= 4 x
  // ABankWords and n_i <= Cols x OutGroups), not 16 bits.
  localparam int WBits = ABankAddrBits + 3;
  localparam int GBits = $clog2(OutGroups + 1);
  logic [WBits-1:0] k_q, k_d;         // word within the dot product
  logic [WBits-1:0] words;
  logic [GBits-1:0] g_q, g_d;         // column group being issued
  logic [GBits-1:0] groups;           // column groups in the job
  logic [BBankAddrBits-1:0] b_base_q, b_base_d;
  logic [GBits-1:0] res_g_q, res_g_d;  // next group to come out of the PEs
  logic        ternary;
  logic        issue;

  assign ternary = fmt_i == npe_pkg::FmtTernary;
  assign groups  = GBits'((32'(n_i) + Cols - 1) / Cols);
  assign words   = WBits'(words_i);

  // ---------------------------------------------------------------------------
  // Sequencer: one word per cycle, groups back to back (clear on the first
  // word of a dot product, last on its final word, so no bubbles)
  // ---------------------------------------------------------------------------
  always_comb begin
    state_d  = state_q;
    k_d      = k_q;
    g_d      = g_q;
    b_base_d = b_base_q;
    unique case (state_q)
      // Waiting for a job.
      StIdle: begin
        if (start_i) begin
          state_d  = StRun;
          k_d      = '0;
          g_d      = '0;
          b_base_d = '0;
        end
      end
      // Issuing words.
      StRun: begin
        if (k_q + 1'b1 == words) begin
          k_d      = '0;
          g_d      = g_q + 1'b1;
          b_base_d = b_base_q + BBankAddrBits'(pitch_b_i);
          if (g_q + 1'b1 == groups || abort_i) state_d = StDrain;
        end else begin
          k_d = k_q + 1'b1;
        end
      end
      // Waiting for the last results.
      StDrain: begin
        if (res_g_q == g_q) state_d = StIdle;
      end
      default: state_d = StIdle;
    endcase
  end

  // Outputs from the state (no default-then-override glitch for Icarus).
  assign issue     = state_q == StRun;
  assign done_o    = state_q == StDrain && res_g_q == g_q;
  assign busy_o    = state_q != StIdle;
  assign a_re_o    = issue;
  assign a_raddr_o = ABankAddrBits'(k_q >> 2);
  assign b_re_o    = issue;
  assign b_raddr_o = b_base_q + BBankAddrBits'(ternary ? (k_q >> 4) : (k_q >> 2));

  // ---------------------------------------------------------------------------
  // Operand stage: the banks answer one cycle after the read
  // ---------------------------------------------------------------------------
  logic        s1_valid_q, s1_clear_q, s1_last_q;
  logic [3:0]  s1_sub_q;              // sub-word index (nibble index for ternary B)
  logic [GBits-1:0] s1_g_q;
  logic [15:0] s1_active_cols;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s1_clear_q <= 1'b0;
      s1_last_q  <= 1'b0;
      s1_sub_q   <= '0;
      s1_g_q     <= '0;
    end else begin
      s1_valid_q <= issue;
      s1_clear_q <= issue && k_q == '0;
      s1_last_q  <= issue && k_q + 1'b1 == words;
      s1_sub_q   <= k_q[3:0];
      s1_g_q     <= g_q;
    end
  end

  logic [15:0] s1_cols_left;
  assign s1_cols_left   = n_i - 16'(32'(s1_g_q) * Cols);
  assign s1_active_cols = s1_cols_left > 16'(Cols) ? 16'(Cols) : s1_cols_left;

  // ---------------------------------------------------------------------------
  // PEs; rows and columns outside the job get no valid (their lanes idle)
  // ---------------------------------------------------------------------------
  logic [Rows*Cols-1:0] pe_res_valid;
  logic [Rows*Cols*32-1:0] pe_f32, pe_fmt;
  logic [Rows*Cols*2-1:0]  pe_flags;

  for (genvar r = 0; r < Rows; r++) begin : gen_row
    logic [15:0] a_word;
    assign a_word = a_rdata_i[64*r + 16*s1_sub_q[1:0] +: 16];
    for (genvar c = 0; c < Cols; c++) begin : gen_col
      logic [15:0] b_word;
      logic        pe_valid;
      logic [15:0] res_fmt;
      logic [47:0] unused_cnt;
      assign b_word   = ternary ? {12'd0, b_rdata_i[64*c + 4*s1_sub_q +: 4]}
                                : b_rdata_i[64*c + 16*s1_sub_q[1:0] +: 16];
      assign pe_valid = s1_valid_q && (r < 32'(m_i)) && (c < 32'(s1_active_cols));
      // The engine carries formats as 3-bit npe_pkg::npe_fmt_e codes (Icarus
      // 11 has no enum casts); they enter the PE's enum ports unchanged.
      if (LitePe) begin : gen_lite
        npe_pe_lite #(.FormatMask(FormatMask), .AccBits(LiteAccBits)) u_pe (
          .clk_i       (clk_i),
          .rst_ni      (rst_ni),
          .valid_i     (pe_valid),
          .a_i         (a_word),
          .b_i         (b_word),
          .fmt_i       (fmt_i),
          .clear_i     (s1_valid_q && s1_clear_q),
          .last_i      (pe_valid && s1_last_q),
          .read_i      (s1_valid_q && s1_last_q && !pe_valid),
          .rd_fmt_i    (out_fmt_i),
          .res_valid_o (pe_res_valid[r*Cols+c]),
          .res_f32_o   (pe_f32[32*(r*Cols+c) +: 32]),
          .res_fmt_o   (res_fmt),
          .res_flags_o (pe_flags[2*(r*Cols+c) +: 2]),
          .cnt_clear_i (1'b0),
          .cnt_sel_i   (4'd0),
          .cnt_o       (unused_cnt)
        );
      end else begin : gen_full
        npe_pe #(.FormatMask(FormatMask)) u_pe (
          .clk_i       (clk_i),
          .rst_ni      (rst_ni),
          .valid_i     (pe_valid),
          .a_i         (a_word),
          .b_i         (b_word),
          .fmt_i       (fmt_i),
          .clear_i     (s1_valid_q && s1_clear_q),
          .last_i      (pe_valid && s1_last_q),
          .read_i      (s1_valid_q && s1_last_q && !pe_valid),
          .rd_fmt_i    (out_fmt_i),
          .res_valid_o (pe_res_valid[r*Cols+c]),
          .res_f32_o   (pe_f32[32*(r*Cols+c) +: 32]),
          .res_fmt_o   (res_fmt),
          .res_flags_o (pe_flags[2*(r*Cols+c) +: 2]),
          .cnt_clear_i (1'b0),
          .cnt_sel_i   (4'd0),
          .cnt_o       (unused_cnt)
        );
      end
      assign pe_fmt[32*(r*Cols+c) +: 32] = {16'd0, res_fmt};
      logic unused_pe;
      assign unused_pe = ^unused_cnt;
    end
  end

  // Every PE gets last_i or read_i at the same cycle, so all results of a
  // group arrive together; PE (0, 0) is always active and times them.
  assign res_we_o    = pe_res_valid[0];
  assign res_group_o = $clog2(OutGroups > 1 ? OutGroups : 2)'(res_g_q);
  assign res_data_o  = out_fp32_i ? pe_f32 : pe_fmt;
  assign res_g_d     = (state_q == StIdle && start_i) ? '0
                     : res_g_q + GBits'(pe_res_valid[0]);

  // ---------------------------------------------------------------------------
  // Activity: MACs of the word entering the PEs this cycle
  // ---------------------------------------------------------------------------
  logic [2:0] lanes;
  always_comb begin
    unique case (fmt_i)
      npe_pkg::FmtFp4, npe_pkg::FmtPosit4:                        lanes = 3'd4;
      npe_pkg::FmtPosit8, npe_pkg::FmtInt8, npe_pkg::FmtTernary:  lanes = 3'd2;
      default:                                                    lanes = 3'd1;
    endcase
  end
  assign issue_o      = s1_valid_q;
  // The last word of a dot product may be padded: its padded lanes work on
  // zeros (they occupy the lane, so they are not gated) but are no MACs.
  logic [2:0] word_elems;
  assign word_elems    = s1_last_q ? last_lanes_i : lanes;
  // m_i <= Rows and the active columns <= Cols (npe_cmd checks them): the
  // products are as narrow as the array, not 16 x 16 bits.
  localparam int MBits = $clog2(Rows + 1);
  localparam int CBits = $clog2(Cols + 1);
  logic [MBits-1:0] m_narrow;
  logic [CBits-1:0] cols_narrow;
  logic [MBits+CBits-1:0] pes_active;
  assign m_narrow      = MBits'(m_i);
  assign cols_narrow   = CBits'(s1_active_cols);
  assign pes_active    = (MBits+CBits)'(m_narrow) * (MBits+CBits)'(cols_narrow);
  assign issue_macs_o  = s1_valid_q ? 16'(word_elems) * 16'(pes_active) : 16'd0;
  assign issue_lanes_o = s1_valid_q ? 16'(lanes) * 16'(pes_active) : 16'd0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= StIdle;
      k_q      <= '0;
      g_q      <= '0;
      b_base_q <= '0;
      res_g_q  <= '0;
    end else begin
      state_q  <= state_d;
      k_q      <= k_d;
      g_q      <= g_d;
      b_base_q <= b_base_d;
      res_g_q  <= res_g_d;
    end
  end

  logic unused_flags;
  assign unused_flags = ^pe_flags ^ ^pe_res_valid ^ ^pitch_b_i ^ ^words_i;

endmodule
