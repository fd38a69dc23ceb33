// SPDX-License-Identifier: Apache-2.0
// npe_array: the Rows x Cols MAC array and its sequencer for one MATMUL.
// PE (r, c) computes the dot product of A row r with B row g*Cols + c (B is
// stored transposed, one row per output column) for every column group g;
// A words are broadcast along a row, B words along a column. Results of a
// group leave together on res_*. With FLAGS.MATVEC (M = 1, Rows <= 4) the
// one A row goes to every PE row and PE (r, c) takes B row g*Rows*Cols +
// r*Cols + c, sub-word r of B bank c's words, so a mat-vec uses every PE
// instead of one row of them. With KSplit, FLAGS.KEEP saves each PE's quire
// in its column group's slot (and writes no results), FLAGS.ACCUM starts
// from the slot: a dot product over several MATMULs (K tiles), rounded once.
// SPAD_OFF (CAP_FORMATS.B_OFFSET) is the B word where column group 0 starts,
// so the n-blocks of a B loaded once are read in place (the tiler's
// resident-B stream).
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
  parameter int          LiteAccBits   = 32,
  // FLAGS.ACCUM / KEEP: OutGroups saved quires per PE (full PEs only)
  parameter bit          KSplit        = 1'b0,
  // full PEs with clock gates (an ASIC build; npe_clk_gate). Never on
  // an FPGA: its clock nets must not come from logic
  parameter bit          ClockGates    = 1'b0,
  parameter int          AddrBits      = 64,  // width of the dispatch port's addresses (unused here)
  parameter int          ABankWords    = 1 << ABankAddrBits,  // derived
  parameter int          BBankWords    = 1 << BBankAddrBits   // derived
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,

  // Dispatch port (npe_cmd; docs/ARCHITECTURE.md, "The dispatch interface")
  input  logic                          job_valid_i,  // take job_desc_i; start next cycle
  input  logic [npe_pkg::DescBits-1:0]  job_desc_i,   // the descriptor npe_cmd presents
  input  logic                          job_chk_en_i, // check job_desc_i now (else chk_*, claim_o 0)
  input  logic                          abort_i,      // SOFT_RESET: finish soon, then stop
  output logic [7:0]                    chk_code_o,   // this unit's check of job_desc_i
  output logic [AddrBits-1:0]           chk_addr_o,   // faulting address of that check
  output logic [npe_pkg::NumRes-1:0]    claim_o,      // resources job_desc_i needs here
  output logic                          busy_o,       // from the cycle after job_valid_i
  output logic                          done_o,       // one-cycle pulse
  output logic                          next_o,       // with done_o: the next step follows
  output logic [7:0]                    err_o,        // with done_o
  output logic [AddrBits-1:0]           err_addr_o,   // with done_o
  output logic [2:0]                    fmt_o,        // PE mode of the job (MAC counters)

  // Sequencer port: mat-vecs of a unit that claimed the array (the recurrence
  // unit's steps). Same descriptor, already checked by that unit; B is read
  // from word seq_b_off_i of the buffer. Not seen by npe_cmd: done_o, busy_o
  // stay low for these jobs, seq_done_o pulses instead.
  input  logic                          seq_valid_i,
  input  logic [npe_pkg::DescBits-1:0]  seq_desc_i,
  input  logic [BBankAddrBits-1:0]      seq_b_off_i,
  output logic                          seq_done_o,

  // Scratchpad reads (one address for every bank of a scratchpad; the
  // buffer is the address's top bit)
  output logic                           a_re_o,
  output logic [ABankAddrBits:0]         a_raddr_o,
  input  logic [Rows*64-1:0]             a_rdata_i,
  output logic                           b_re_o,
  output logic [BBankAddrBits:0]         b_raddr_o,
  input  logic [Cols*64-1:0]             b_rdata_i,

  // Results of one column group into output buffer res_buf_o: PE (r, c)
  // in bits 32*(r*Cols+c) +: 32
  output logic                           res_we_o,
  output logic                           res_buf_o,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0]   res_group_o,
  output logic [Rows*Cols*32-1:0]        res_data_o,

  // Activity of this cycle, for the performance counters
  output logic                           issue_o,     // a word entered the PEs
  output logic [15:0]                    issue_macs_o,// MACs it carries (active PEs x elements)
  output logic [15:0]                    issue_lanes_o// lanes it occupies (active PEs x lanes)
);

  // ---------------------------------------------------------------------------
  // Dispatch port: MATMUL descriptors (docs/REGMAP.md, opcode MATMUL)
  // ---------------------------------------------------------------------------
  // B word offset (SPAD_OFF): 32 bits in the descriptor, checked in full below
  logic [31:0] d_off;
  assign d_off   = job_desc_i[npe_pkg::DescSpadOffLsb +: npe_pkg::DescSpadOffBits];

  // The check and claim, inside job_chk_en_i (npe_cmd asks in a head's
  // first cycle; docs/ARCHITECTURE.md, "Simulation speed"): 0 otherwise, so
  // the Verilator model skips them in the other cycles. A dispatched job is decoded
  // below (j_*), not from these.
  // MATVEC needs 2..4 rows (a B word holds 4 PE words; one row gains
  // nothing, so a 1-row build leaves the logic out)
  localparam bit Matvec = Rows >= 2 && Rows <= 4;
  localparam bit BuildKSplit = KSplit && !LitePe;
  logic [7:0]  d_flags, d_fa, d_fb, d_fo, d_spad;
  logic [15:0] d_m, d_n, d_k;
  logic        d_ternary, d_fmt_ok, d_out_ok, d_matvec;
  logic [2:0]  d_fmt;               // PE mode: npe_pkg::npe_fmt_e code
  logic [2:0]  d_lanes;
  logic [15:0] d_words, d_pitch_a, d_pitch_b, d_groups;
  always_comb begin
    if (job_chk_en_i) begin
      d_flags = job_desc_i[npe_pkg::DescFlagsLsb +: npe_pkg::DescFlagsBits];
      d_fa    = job_desc_i[npe_pkg::DescFmtALsb +: npe_pkg::DescFmtABits];
      d_fb    = job_desc_i[npe_pkg::DescFmtBLsb +: npe_pkg::DescFmtBBits];
      d_fo    = job_desc_i[npe_pkg::DescFmtOutLsb +: npe_pkg::DescFmtOutBits];
      d_spad  = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
      d_m     = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
      d_n     = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
      d_k     = job_desc_i[npe_pkg::DescKLsb +: npe_pkg::DescKBits];
      d_ternary = d_fa == 8'(npe_pkg::FmtInt8) && d_fb == 8'(npe_pkg::FmtTernary);
      d_fmt     = d_ternary ? npe_pkg::FmtTernary : d_fa[2:0];
      d_fmt_ok  = (d_ternary || (d_fa == d_fb && d_fa < 8'(npe_pkg::NumFormats) &&
                                 d_fa != 8'(npe_pkg::FmtTernary))) && FormatMask[d_fmt];
      d_out_ok  = d_flags[npe_pkg::DescFlagOutFp32Bit] ||
                  (d_fo < 8'(npe_pkg::NumFormats) && FormatMask[d_fo[2:0]]);
      d_lanes   = npe_pkg::fmt_lanes(d_fmt);
      // lanes is 1, 2 or 4: a shift, not a divider
      d_words   = d_lanes == 3'd4 ? 16'((32'(d_k) + 3) >> 2) :
                  d_lanes == 3'd2 ? 16'((32'(d_k) + 1) >> 1) : d_k;
      d_matvec  = d_flags[npe_pkg::DescFlagMatvecBit];
      d_pitch_a = 16'((32'(d_words) + 3) / 4);
      // B bank words per column group: 4 PE words per bank word (16 ternary
      // ones); a mat-vec group holds Rows B rows side by side in each word.
      d_pitch_b = d_matvec ? (d_ternary ? 16'((32'(d_words) + 3) / 4) : d_words) :
                  d_ternary ? 16'((32'(d_words) + 15) / 16) : d_pitch_a;
      d_groups  = d_matvec ? 16'((32'(d_n) + Rows * Cols - 1) / (Rows * Cols))
                           : 16'((32'(d_n) + Cols - 1) / Cols);
      chk_code_o =
          !BuildKSplit && (d_flags[npe_pkg::DescFlagAccumBit] || d_flags[npe_pkg::DescFlagKeepBit])
                                                 ? 8'(npe_pkg::ErrBadOpcode) :
          !d_fmt_ok || !d_out_ok                 ? 8'(npe_pkg::ErrBadFormat) :
          d_m == 16'd0 || 32'(d_m) > Rows || d_n == 16'd0 ||
          32'(d_groups) > OutGroups || (d_matvec && (d_m != 16'd1 || !Matvec)) ||
          d_k == 16'd0 || 32'(d_pitch_a) > ABankWords ||
          32'(d_groups) * 32'(d_pitch_b) > BBankWords ||
          // the rows from SPAD_OFF must end within the bank (33 bits: no wrap)
          33'(d_off) + 33'(32'(d_groups) * 32'(d_pitch_b)) > 33'(BBankWords)
                                                 ? 8'(npe_pkg::ErrBadDims) :
                                                   8'(npe_pkg::ErrNone);
      // The array, the banks' read ports, and its three buffers.
      claim_o = (npe_pkg::NumRes'(1) << npe_pkg::UnitArray) |
                (npe_pkg::NumRes'(1) << npe_pkg::ResRdPorts) |
                (npe_pkg::NumRes'(1) << (npe_pkg::ResSpadA0 + 32'(d_spad[0]))) |
                (npe_pkg::NumRes'(1) << (npe_pkg::ResSpadB0 + 32'(d_spad[1]))) |
                (npe_pkg::NumRes'(1) << (npe_pkg::ResOut0 + 32'(d_spad[2])));
    end else begin
      d_flags = '0; d_fa = '0; d_fb = '0; d_fo = '0; d_spad = '0; d_m = '0; d_n = '0; d_k = '0;
      d_ternary = 1'b0; d_fmt_ok = 1'b0; d_out_ok = 1'b0; d_matvec = 1'b0; d_fmt = '0;
      d_lanes = '0; d_words = '0; d_pitch_a = '0; d_pitch_b = '0; d_groups = '0;
      chk_code_o = 8'(npe_pkg::ErrNone);
      claim_o    = '0;
    end
  end
  assign chk_addr_o = '0;
  assign next_o     = 1'b0;
  assign err_o      = 8'd0;
  assign err_addr_o = '0;

  // The job, registered at dispatch (or from the sequencer port) and held
  // until done. A sequencer job is decoded here again, not through d_*:
  // npe_cmd reads chk_code_o of its own head descriptor in every cycle.
  logic        j_valid;
  logic [npe_pkg::DescBits-1:0] j_desc;
  logic [7:0]  j_flags, j_fa, j_fb, j_fo, j_spad;
  logic [15:0] j_n, j_k, j_m, j_words, j_pitch_b;
  logic        j_ternary, j_matvec;
  logic [2:0]  j_fmt, j_lanes, j_last_lanes;
  assign j_valid = job_valid_i || seq_valid_i;
  // (Not inside an always_comb on j_valid: Icarus loops on that block at
  // time 0.)
  assign j_desc  = seq_valid_i ? seq_desc_i : job_desc_i;
  assign j_flags = j_desc[npe_pkg::DescFlagsLsb +: npe_pkg::DescFlagsBits];
  assign j_fa    = j_desc[npe_pkg::DescFmtALsb +: npe_pkg::DescFmtABits];
  assign j_fb    = j_desc[npe_pkg::DescFmtBLsb +: npe_pkg::DescFmtBBits];
  assign j_fo    = j_desc[npe_pkg::DescFmtOutLsb +: npe_pkg::DescFmtOutBits];
  assign j_spad  = j_desc[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
  assign j_m     = j_desc[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
  assign j_n     = j_desc[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
  assign j_k     = j_desc[npe_pkg::DescKLsb +: npe_pkg::DescKBits];
  assign j_ternary = j_fa == 8'(npe_pkg::FmtInt8) && j_fb == 8'(npe_pkg::FmtTernary);
  assign j_fmt     = j_ternary ? npe_pkg::FmtTernary : j_fa[2:0];
  assign j_lanes   = npe_pkg::fmt_lanes(j_fmt);
  assign j_matvec  = j_flags[npe_pkg::DescFlagMatvecBit];
  assign j_words   = j_lanes == 3'd4 ? 16'((32'(j_k) + 3) >> 2) :
                     j_lanes == 3'd2 ? 16'((32'(j_k) + 1) >> 1) : j_k;
  assign j_last_lanes = j_lanes == 3'd4 ? (j_k[1:0] == 2'd0 ? 3'd4 : {1'b0, j_k[1:0]}) :
                        j_lanes == 3'd2 ? (j_k[0] ? 3'd1 : 3'd2) : 3'd1;
  assign j_pitch_b = j_matvec ? (j_ternary ? 16'((32'(j_words) + 3) / 4) : j_words) :
                     j_ternary ? 16'((32'(j_words) + 15) / 16) : 16'((32'(j_words) + 3) / 4);

  // A dispatched MATMUL's B offset (checked: it fits BBankAddrBits)
  logic [BBankAddrBits-1:0] j_b_off;
`ifdef NPE_PLANT_BUG_B_OFFSET
  // Test only (b-offset-plant-test): the offset's low bit is dropped, so
  // every odd n-block offset reads the rows one word early.
  assign j_b_off = BBankAddrBits'(d_off) & ~BBankAddrBits'(1);
`else
  assign j_b_off = BBankAddrBits'(d_off);
`endif
  logic unused_off;  // bits above the bank address: zero once the check passed
  assign unused_off = ^d_off;

  logic        job_go_q, job_out_fp32_q, job_a_buf_q, job_b_buf_q, job_o_buf_q, job_matvec_q;
  logic        job_seq_q, job_accum_q, job_keep_q;
  logic [BBankAddrBits-1:0] job_b_off_q;
  logic [2:0]  job_fmt_q, job_out_fmt_q, job_last_lanes_q;
  logic [7:0]  job_m_q;
  logic [15:0] job_n_q, job_words_q, job_pitch_b_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_out_fp32_q <= 1'b0; job_a_buf_q <= 1'b0; job_b_buf_q <= 1'b0;
      job_o_buf_q <= 1'b0; job_matvec_q <= 1'b0; job_fmt_q <= npe_pkg::FmtFp4; job_out_fmt_q <= npe_pkg::FmtFp4;
      job_last_lanes_q <= '0; job_m_q <= '0; job_n_q <= '0; job_words_q <= '0;
      job_pitch_b_q <= '0; job_seq_q <= 1'b0; job_b_off_q <= '0;
      job_accum_q <= 1'b0; job_keep_q <= 1'b0;
    end else begin
      job_go_q <= j_valid;
      if (j_valid) begin
        job_fmt_q <= j_fmt; job_out_fmt_q <= j_fo[2:0];
        job_out_fp32_q <= j_flags[npe_pkg::DescFlagOutFp32Bit];
        job_a_buf_q <= j_spad[0]; job_b_buf_q <= j_spad[1]; job_o_buf_q <= j_spad[2];
        job_matvec_q <= j_matvec && Matvec;
        job_m_q <= j_m[7:0]; job_n_q <= j_n; job_words_q <= j_words;
        job_pitch_b_q <= j_pitch_b; job_last_lanes_q <= j_last_lanes;
        job_seq_q <= seq_valid_i;
        job_accum_q <= BuildKSplit && j_flags[npe_pkg::DescFlagAccumBit];
        job_keep_q  <= BuildKSplit && j_flags[npe_pkg::DescFlagKeepBit];
        job_b_off_q <= seq_valid_i ? seq_b_off_i : j_b_off;
      end
    end
  end
  assign fmt_o     = job_fmt_q;
  logic unused_spad;
  assign unused_spad = ^d_spad[7:3];
  assign res_buf_o = job_o_buf_q;

  typedef enum logic [1:0] {StIdle, StRun, StDrain} state_e;

  state_e      state_q, state_d;
  // Counters as wide as the job can need (npe_cmd checks job_words_q <= 4 x
  // ABankWords and job_n_q <= Cols x OutGroups), not 16 bits.
  localparam int WBits = ABankAddrBits + 3;
  localparam int GBits = $clog2(OutGroups + 1);
  localparam int SlotBits = $clog2(OutGroups);  // (OutGroups >= 2)
  logic [WBits-1:0] k_q, k_d;         // word within the dot product
  logic [WBits-1:0] words;
  logic [GBits-1:0] g_q, g_d;         // column group being issued
  logic [GBits-1:0] groups;           // column groups in the job
  logic [BBankAddrBits-1:0] b_base_q, b_base_d;
  logic [GBits-1:0] res_g_q, res_g_d;  // next group to come out of the PEs
  logic        ternary;
  logic        issue;

  assign ternary = job_fmt_q == npe_pkg::FmtTernary;
  assign groups  = job_matvec_q ? GBits'((32'(job_n_q) + Rows * Cols - 1) / (Rows * Cols))
                                : GBits'((32'(job_n_q) + Cols - 1) / Cols);
  assign words   = WBits'(job_words_q);

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
        if (job_go_q) begin
          state_d  = StRun;
          k_d      = '0;
          g_d      = '0;
          b_base_d = job_b_off_q;
        end
      end
      // Issuing words.
      StRun: begin
        if (k_q + 1'b1 == words) begin
          k_d      = '0;
          g_d      = g_q + 1'b1;
          b_base_d = b_base_q + BBankAddrBits'(job_pitch_b_q);
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
  logic job_done;
  assign job_done   = state_q == StDrain && res_g_q == g_q;
  assign done_o     = job_done && !job_seq_q;
  assign seq_done_o = job_done && job_seq_q;
  assign busy_o     = (job_go_q || state_q != StIdle) && !job_seq_q;
  assign a_re_o    = issue;
  assign a_raddr_o = {job_a_buf_q, ABankAddrBits'(k_q >> 2)};
  assign b_re_o    = issue;
  logic [WBits-1:0] b_kword;          // B word of k_q within the group
  assign b_kword   = job_matvec_q ? (ternary ? (k_q >> 2) : k_q)
                                  : (ternary ? (k_q >> 4) : (k_q >> 2));
  assign b_raddr_o = {job_b_buf_q, b_base_q + BBankAddrBits'(b_kword)};
  logic unused_bk;  // (a build with fewer B words than K words never reads past them)
  assign unused_bk = ^b_kword;

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

  logic [15:0] s1_cols_left, s1_outs_left, s1_active_mv;
  assign s1_cols_left   = job_n_q - 16'(32'(s1_g_q) * Cols);
  assign s1_active_cols = s1_cols_left > 16'(Cols) ? 16'(Cols) : s1_cols_left;
  // MATVEC: outputs of this group, Rows x Cols at most
  assign s1_outs_left   = job_n_q - 16'(32'(s1_g_q) * Rows * Cols);
  assign s1_active_mv   = s1_outs_left > 16'(Rows * Cols) ? 16'(Rows * Cols) : s1_outs_left;

  // ---------------------------------------------------------------------------
  // PEs; rows and columns outside the job get no valid (their lanes idle)
  // ---------------------------------------------------------------------------
  logic pe_load;  // ACCUM: each group starts from its slot
`ifdef NPE_PLANT_BUG_KSPLIT
  // Test only (ksplit-plant-test): ACCUM starts from zero, so a K-tiled dot
  // product keeps only its last tile.
  assign pe_load = 1'b0;
`else
  assign pe_load = job_accum_q;
`endif

  logic [Rows*Cols-1:0] pe_res_valid;
  logic [Rows*Cols*32-1:0] pe_f32, pe_fmt;
  logic [Rows*Cols*2-1:0]  pe_flags;

  for (genvar r = 0; r < Rows; r++) begin : gen_row
    logic [15:0] a_word;
    // MATVEC: every row takes A row 0
    assign a_word = job_matvec_q ? a_rdata_i[16*s1_sub_q[1:0] +: 16]
                                 : a_rdata_i[64*r + 16*s1_sub_q[1:0] +: 16];
    for (genvar c = 0; c < Cols; c++) begin : gen_col
      logic [15:0] b_word;
      logic        pe_valid;
      logic [15:0] res_fmt;
      logic [47:0] unused_cnt;
      // MATVEC: row r's B word is sub-word r (ternary: nibble 4 (k mod 4) + r)
      localparam int MvSub = r < 4 ? r : 0;  // (rows beyond 4 never run a mat-vec)
      assign b_word   = job_matvec_q
          ? (ternary ? {12'd0, b_rdata_i[64*c + 16*s1_sub_q[1:0] + 4*MvSub +: 4]}
                     : b_rdata_i[64*c + 16*MvSub +: 16])
          : (ternary ? {12'd0, b_rdata_i[64*c + 4*s1_sub_q +: 4]}
                     : b_rdata_i[64*c + 16*s1_sub_q[1:0] +: 16]);
      assign pe_valid = s1_valid_q &&
          (job_matvec_q ? (r * Cols + c < 32'(s1_active_mv))
                        : ((r < 32'(job_m_q)) && (c < 32'(s1_active_cols))));
      // The engine carries formats as 3-bit npe_pkg::npe_fmt_e codes (Icarus
      // 11 has no enum casts); they enter the PE's enum ports unchanged.
      if (LitePe) begin : gen_lite
        npe_pe_lite #(.FormatMask(FormatMask), .AccBits(LiteAccBits), .HasCounters(1'b0)) u_pe (
          .clk_i       (clk_i),
          .rst_ni      (rst_ni),
          .valid_i     (pe_valid),
          .a_i         (a_word),
          .b_i         (b_word),
          .fmt_i       (job_fmt_q),
          .clear_i     (s1_valid_q && s1_clear_q),
          .last_i      (pe_valid && s1_last_q),
          .read_i      (s1_valid_q && s1_last_q && !pe_valid),
          .rd_fmt_i    (job_out_fmt_q),
          .res_valid_o (pe_res_valid[r*Cols+c]),
          .res_f32_o   (pe_f32[32*(r*Cols+c) +: 32]),
          .res_fmt_o   (res_fmt),
          .res_flags_o (pe_flags[2*(r*Cols+c) +: 2]),
          .cnt_clear_i (1'b0),
          .cnt_sel_i   (4'd0),
          .cnt_o       (unused_cnt)
        );
      end else begin : gen_full
        npe_pe #(.FormatMask(FormatMask), .QuireSlots(BuildKSplit ? OutGroups : 0),
                 .SlotBits(SlotBits), .HasCounters(1'b0), .ClockGates(ClockGates)) u_pe (
          .clk_i       (clk_i),
          .rst_ni      (rst_ni),
          .valid_i     (pe_valid),
          .a_i         (a_word),
          .b_i         (b_word),
          .fmt_i       (job_fmt_q),
          .clear_i     (s1_valid_q && s1_clear_q),
          .last_i      (pe_valid && s1_last_q),
          .read_i      (s1_valid_q && s1_last_q && !pe_valid),
          .rd_fmt_i    (job_out_fmt_q),
          .load_i      (pe_load),
          .save_i      (job_keep_q),
          .slot_i      (SlotBits'(s1_g_q)),
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
  // group arrive together; PE (0, 0) is always active and times them. A KEEP
  // job's results are partial sums: they time the job but are not written.
  assign res_we_o    = pe_res_valid[0] && !job_keep_q;
  assign res_group_o = $clog2(OutGroups > 1 ? OutGroups : 2)'(res_g_q);
  assign res_data_o  = job_out_fp32_q ? pe_f32 : pe_fmt;
  assign res_g_d     = (state_q == StIdle && job_go_q) ? '0
                     : res_g_q + GBits'(pe_res_valid[0]);

  // ---------------------------------------------------------------------------
  // Activity: MACs of the word entering the PEs this cycle
  // ---------------------------------------------------------------------------
  logic [2:0] lanes;
  assign lanes = npe_pkg::fmt_lanes(job_fmt_q);
  assign issue_o      = s1_valid_q;
  // The last word of a dot product may be padded: its padded lanes work on
  // zeros (they occupy the lane, so they are not gated) but are no MACs.
  logic [2:0] word_elems;
  assign word_elems    = s1_last_q ? job_last_lanes_q : lanes;
  // job_m_q <= Rows and the active columns <= Cols (npe_cmd checks them): the
  // products are as narrow as the array, not 16 x 16 bits.
  localparam int MBits = $clog2(Rows + 1);
  localparam int CBits = $clog2(Cols + 1);
  logic [MBits-1:0] m_narrow;
  logic [CBits-1:0] cols_narrow;
  logic [MBits+CBits-1:0] pes_active;
  assign m_narrow      = MBits'(job_m_q);
  assign cols_narrow   = CBits'(s1_active_cols);
  assign pes_active    = job_matvec_q ? (MBits+CBits)'(s1_active_mv)
                                     : (MBits+CBits)'(m_narrow) * (MBits+CBits)'(cols_narrow);
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

`ifdef NPE_ASSERT
  // A sequencer job only while the array is idle, never beside a dispatch.
  ArraySeqWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      seq_valid_i |-> !job_valid_i && !job_go_q && state_q == StIdle);
  ArrayDispatchWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_valid_i |-> !job_go_q && state_q == StIdle);
`endif

  logic unused_flags;
  assign unused_flags = job_accum_q ^ pe_load ^ ^j_m[15:8] ^ ^j_spad[7:3] ^ ^j_fo[7:3] ^ ^pe_flags ^ ^pe_res_valid ^ ^job_pitch_b_q ^ ^job_words_q ^ ^job_desc_i ^ ^j_desc;

endmodule
