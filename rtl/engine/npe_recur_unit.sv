// SPDX-License-Identifier: Apache-2.0
// npe_recur_unit: executes RECUR descriptors (docs/RECUR.md), T timesteps
// over a state of N elements kept in the unit, so a whole sequence is one
// descriptor with no host round trip per step.
//   MODE DIAG: h_t[i] = sat32(RNE(a * h_{t-1}[i] / 2^30) + b) on int32.
//   MODE HGRN: per element two record beats {zc, za}, {x3, zg} through the
//   GRU / LSTM cell's tables and products (npe_recur_cell): a = tanh(za),
//   c = (1 - |a|) tanh(zc), h_t = a h_{t-1} + c, out y_t = sigma(zg) h_t.
//   MODE GRU / LSTM: per step a mat-vec of the weights resident in a B
//   buffer on h_{t-1} (the unit writes h's codes into an A buffer and runs
//   the MAC array through its sequencer port), then the gates of every
//   element (npe_recur_cell) from the mat-vec rows and a record.
//
// Three parts run at once, joined by valid/ready:
//   reader    DMA read commands of at most CmdBytes: first the initial state
//             (INIT = LOAD: N int32 at ADDR_B, LSTM 2N), then the records at
//             ADDR_A (DIAG: one 8-byte record per element, one beat; GRU /
//             LSTM / HGRN: 16 bytes, two beats; with AUX.ROWSCALE 32 bytes, four
//             beats: the row scales s0..s3, then x0..x3);
//   consumer  DIAG: one element per cycle: loads h_0, or steps one record
//             through npe_recur_diag, or (OUT_LAST) reads the final state
//             out. HGRN: the same, one element per two beats (row 0 of the
//             cell with the first, row 1 and the result with the second). GRU / LSTM: writes h_0's codes into an A buffer (prime),
//             then per step issues the mat-vec in chunks of at most
//             Rows x Cols x OutGroups rows, takes its results (a FIFO of
//             column groups, one row per cycle; with ROWSCALE each row's P
//             times its scale, sat32(RNE(P s / 2^30)), the element's two
//             scale beats taken before its first row, while the unit waits
//             for the mat-vec anyway), and after an element's G rows
//             updates it, writes h_t out and h_t's code into the other
//             A buffer (npe_pe_round encodes it, a packer fills bank words);
//             two int32 results make one beat of a small FIFO;
//   writer    DMA write commands of at most CmdBytes at ADDR_C, fed from the
//             FIFO.
// The record stream is DIAG's roofline (one element per read beat); the
// mat-vec is GRU's and LSTM's. On an error (a refused or failed DMA command)
// or SOFT_RESET the unit issues no new command, lets the ones under way
// finish (discarding read beats; a write command already accepted gets
// zero beats for the data it will not have; a mat-vec runs out), and
// reports the first error with done_o.
module npe_recur_unit #(
  parameter int StateWords = 1024,   // largest N (CAP_RECUR.STATE_WORDS), 1..65535
  parameter int AddrBits   = 64,     // DMA address bits (addresses wrap at 2^AddrBits)
  parameter int CmdBytes   = 32768,  // longest DMA command, a multiple of 8
  parameter int FifoBeats  = 4,      // result beats buffered ahead of the writer, >= 2
  // The array it drives in GRU / LSTM (npe_array's parameters)
  parameter bit         HasGated      = 1'b1,  // build GRU / LSTM (needs Rows 2..4)
  parameter int         Rows          = 4,
  parameter int         Cols          = 2,
  parameter int         OutGroups     = 32,
  parameter int         ABankAddrBits = 10,
  parameter int         BBankAddrBits = 11,
  parameter logic [5:0] FormatMask    = 6'h3f
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

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

  // DMA read command and data (through npe_dma_rd_arb)
  output logic                          rd_cmd_valid_o,
  input  logic                          rd_cmd_ready_i,
  output logic [AddrBits-1:0]           rd_cmd_addr_o,
  output logic [31:0]                   rd_cmd_len_o,
  input  logic                          rd_data_valid_i,
  output logic                          rd_data_ready_o,
  input  logic [63:0]                   rd_data_i,
  input  logic                          rd_done_i,
  input  logic [7:0]                    rd_err_i,
  input  logic [AddrBits-1:0]           rd_err_addr_i,

  // DMA write command and data (shared with the storer: resource DMA_WR)
  output logic                          wr_cmd_valid_o,
  input  logic                          wr_cmd_ready_i,
  output logic [AddrBits-1:0]           wr_cmd_addr_o,
  output logic [31:0]                   wr_cmd_len_o,
  output logic                          wr_data_valid_o,
  input  logic                          wr_data_ready_i,
  output logic [63:0]                   wr_data_o,
  input  logic                          wr_done_i,
  input  logic [7:0]                    wr_err_i,
  input  logic [AddrBits-1:0]           wr_err_addr_i,

  // GRU / LSTM: the array's sequencer port and results (npe_array), and
  // the write port of A bank 0 (the mat-vec's vector; the unit claims both
  // A buffers, so the loader does not write them meanwhile)
  output logic                          seq_valid_o,
  output logic [npe_pkg::DescBits-1:0]  seq_desc_o,
  output logic [BBankAddrBits-1:0]      seq_b_off_o,
  input  logic                          seq_done_i,
  input  logic                          res_we_i,
  input  logic [Rows*Cols*32-1:0]       res_data_i,
  output logic                          a_we_o,
  output logic [ABankAddrBits:0]        a_waddr_o,   // {buffer, word}
  output logic [63:0]                   a_wdata_o
);

  localparam int IBits = $clog2(StateWords + 1);  // element index and N
  localparam int SBits = StateWords > 1 ? $clog2(StateWords) : 1;  // state memory address
  localparam int FBits = $clog2(FifoBeats);
  localparam logic [31:0] CmdLen = 32'(CmdBytes);

  // ---------------------------------------------------------------------------
  // Dispatch port: RECUR descriptors (docs/REGMAP.md, opcode RECUR)
  // ---------------------------------------------------------------------------
  localparam logic [63:0] AddrHiMask = AddrBits >= 64 ? 64'd0 : ~64'd0 << AddrBits;
  localparam logic [31:0] AuxDiag =
      ((32'd1 << npe_pkg::RecurAuxModeBits) - 1) << npe_pkg::RecurAuxModeLsb |
      ((32'd1 << npe_pkg::RecurAuxInitBits) - 1) << npe_pkg::RecurAuxInitLsb |
      32'd1 << npe_pkg::RecurAuxOutLastBit;
  localparam logic [31:0] AuxGated = AuxDiag |
      ((32'd1 << npe_pkg::RecurAuxHShiftBits) - 1) << npe_pkg::RecurAuxHShiftLsb |
      ((32'd1 << npe_pkg::RecurAuxAccShiftBits) - 1) << npe_pkg::RecurAuxAccShiftLsb |
      32'd1 << npe_pkg::RecurAuxRowScaleBit;
  localparam logic [1:0] InitZero = 2'(npe_pkg::RecurInitZero);
  localparam logic [1:0] InitKeep = 2'(npe_pkg::RecurInitKeep);
  localparam logic [1:0] InitLoad = 2'(npe_pkg::RecurInitLoad);
  localparam logic [3:0] ModeDiag = 4'(npe_pkg::RecurModeDiag);
  localparam logic [3:0] ModeGru  = 4'(npe_pkg::RecurModeGru);
  localparam logic [3:0] ModeLstm = 4'(npe_pkg::RecurModeLstm);
  localparam logic [3:0] ModeHgrn = 4'(npe_pkg::RecurModeHgrn);
  // The mat-vec needs 2..4 rows (npe_array's MATVEC).
  localparam bit Gated = HasGated && Rows >= 2 && Rows <= 4;
  localparam int MvOuts = Rows * Cols * OutGroups;  // rows of one mat-vec chunk
  localparam int ABankWords = 1 << ABankAddrBits;
  localparam int BBankWords = 1 << BBankAddrBits;

  // The job's fields, registered on job_valid_i
  logic        d_out_last, d_gated, d_lstm, d_hgrn, d_ternary;
  logic [15:0] d_n, d_t;
  logic [31:0] d_aux;
  logic [3:0]  d_mode;
  logic [1:0]  d_init;
  logic [7:0]  d_fa, d_fb, d_spad;
  logic [2:0]  d_pe_fmt;
  logic [63:0] d_addr_a, d_addr_b, d_addr_c;
  assign d_n        = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
  assign d_t        = job_desc_i[npe_pkg::DescTLsb +: npe_pkg::DescTBits];
  assign d_aux      = job_desc_i[npe_pkg::DescAuxLsb +: npe_pkg::DescAuxBits];
  assign d_mode     = d_aux[npe_pkg::RecurAuxModeLsb +: 4];
  assign d_init     = d_aux[npe_pkg::RecurAuxInitLsb +: 2];
  assign d_out_last = d_aux[npe_pkg::RecurAuxOutLastBit];
  assign d_gated    = Gated && (d_mode == ModeGru || d_mode == ModeLstm);
  assign d_lstm     = d_mode == ModeLstm;
  assign d_hgrn     = d_mode == ModeHgrn;
  assign d_addr_a   = job_desc_i[npe_pkg::DescAddrALsb +: npe_pkg::DescAddrABits];
  assign d_addr_b   = job_desc_i[npe_pkg::DescAddrBLsb +: npe_pkg::DescAddrBBits];
  assign d_addr_c   = job_desc_i[npe_pkg::DescAddrCLsb +: npe_pkg::DescAddrCBits];
  assign d_fa       = job_desc_i[npe_pkg::DescFmtALsb +: npe_pkg::DescFmtABits];
  assign d_fb       = job_desc_i[npe_pkg::DescFmtBLsb +: npe_pkg::DescFmtBBits];
  assign d_spad     = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
  // The format pair, as npe_array takes it for a MATMUL.
  assign d_ternary  = d_fa == 8'(npe_pkg::FmtInt8) && d_fb == 8'(npe_pkg::FmtTernary);
  assign d_pe_fmt   = d_ternary ? npe_pkg::FmtTernary : d_fa[2:0];

  // The check and claim, inside job_chk_en_i (npe_cmd asks in a head's
  // first cycle; docs/ARCHITECTURE.md, "Simulation speed"): 0 otherwise, so
  // the Verilator model skips them in the other cycles. Own copies of the fields: the
  // d_* above feed the job's registers on job_valid_i, which depends on
  // claim_o.
  logic        c_mine, c_load, c_gated, c_lstm, c_hgrn, c_ternary, c_fmt_ok;
  logic [15:0] c_n, c_t;
  logic [31:0] c_aux;
  logic [3:0]  c_mode;
  logic [1:0]  c_init;
  logic [7:0]  c_fa, c_fb, c_spad;
  logic [2:0]  c_pe_fmt, c_lanes;
  logic [31:0] c_words, c_pitch_b, c_groups;
  logic [63:0] c_addr_a, c_addr_b, c_addr_c;
  logic [63:0] bad_align_addr, bad_win_addr;
  logic        bad_align, bad_win, bad_aux, bad_dims;
  always_comb begin
    if (job_chk_en_i) begin
      c_mine    = job_desc_i[npe_pkg::DescOpcodeLsb +: npe_pkg::DescOpcodeBits] == 8'(npe_pkg::OpRecur);
      c_n       = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
      c_t       = job_desc_i[npe_pkg::DescTLsb +: npe_pkg::DescTBits];
      c_aux     = job_desc_i[npe_pkg::DescAuxLsb +: npe_pkg::DescAuxBits];
      c_mode    = c_aux[npe_pkg::RecurAuxModeLsb +: 4];
      c_init    = c_aux[npe_pkg::RecurAuxInitLsb +: 2];
      c_load    = c_init == InitLoad;
      c_gated   = Gated && (c_mode == ModeGru || c_mode == ModeLstm);
      c_lstm    = c_mode == ModeLstm;
      c_hgrn    = c_mode == ModeHgrn;
      c_addr_a  = job_desc_i[npe_pkg::DescAddrALsb +: npe_pkg::DescAddrABits];
      c_addr_b  = job_desc_i[npe_pkg::DescAddrBLsb +: npe_pkg::DescAddrBBits];
      c_addr_c  = job_desc_i[npe_pkg::DescAddrCLsb +: npe_pkg::DescAddrCBits];
      c_fa      = job_desc_i[npe_pkg::DescFmtALsb +: npe_pkg::DescFmtABits];
      c_fb      = job_desc_i[npe_pkg::DescFmtBLsb +: npe_pkg::DescFmtBBits];
      c_spad    = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
      // The format pair, as npe_array takes it for a MATMUL.
      c_ternary = c_fa == 8'(npe_pkg::FmtInt8) && c_fb == 8'(npe_pkg::FmtTernary);
      c_pe_fmt  = c_ternary ? npe_pkg::FmtTernary : c_fa[2:0];
      c_fmt_ok  = (c_ternary || (c_fa == c_fb && c_fa < 8'(npe_pkg::NumFormats) &&
                                 c_fa != 8'(npe_pkg::FmtTernary))) && FormatMask[c_pe_fmt];
      c_lanes   = npe_pkg::fmt_lanes(c_pe_fmt);
      c_words   = (32'(c_n) + 32'(c_lanes) - 1) >> npe_pkg::fmt_lanes_log2(c_pe_fmt);
      c_pitch_b = c_ternary ? (c_words + 32'd3) >> 2 : c_words;
      c_groups  = ((c_lstm ? 32'd4 : 32'd3) * 32'(c_n) + Rows * Cols - 1) / (Rows * Cols);
      // The first misaligned / out-of-range address, in the order A, B, C
      // (B only when the descriptor reads it).
      bad_align = c_addr_a[2:0] != 3'd0 || (c_load && c_addr_b[2:0] != 3'd0) ||
                  c_addr_c[2:0] != 3'd0;
      bad_align_addr = c_addr_a[2:0] != 3'd0              ? c_addr_a :
                       (c_load && c_addr_b[2:0] != 3'd0)  ? c_addr_b : c_addr_c;
      bad_win = (c_addr_a & AddrHiMask) != 64'd0 ||
                (c_load && (c_addr_b & AddrHiMask) != 64'd0) ||
                (c_addr_c & AddrHiMask) != 64'd0;
      bad_win_addr = (c_addr_a & AddrHiMask) != 64'd0             ? c_addr_a :
                     (c_load && (c_addr_b & AddrHiMask) != 64'd0) ? c_addr_b : c_addr_c;
      bad_aux  = c_init == 2'd3 ||
                 (c_mode == ModeDiag || c_hgrn ? (c_aux & ~AuxDiag) != 32'd0 :
                  !c_gated || (c_aux & ~AuxGated) != 32'd0);
      // GRU / LSTM: the vector in one A buffer (4 PE words per bank word),
      // the weights in one B buffer.
      bad_dims = c_n == 16'd0 || 32'(c_n) > StateWords || c_t == 16'd0 ||
                 (c_gated && (c_words > 32'(4 * ABankWords) ||
                              c_groups * c_pitch_b > 32'(BBankWords)));
      chk_code_o =
          !c_mine                    ? 8'(npe_pkg::ErrNone) :
          bad_aux                    ? 8'(npe_pkg::ErrBadAux) :
          c_gated && !c_fmt_ok       ? 8'(npe_pkg::ErrBadFormat) :
          bad_dims                   ? 8'(npe_pkg::ErrBadDims) :
          bad_align                  ? 8'(npe_pkg::ErrAlign) :
          bad_win                    ? 8'(npe_pkg::ErrDmaWindow) :
                                       8'(npe_pkg::ErrNone);
      chk_addr_o = AddrBits'(bad_align ? bad_align_addr : bad_win_addr);
      // The unit and the DMA's write channel (the storer's too); GRU / LSTM
      // also the array, the banks' read ports, both A buffers, the weights'
      // B buffer and the output buffer the array writes.
      claim_o = (npe_pkg::NumRes'(1) << npe_pkg::UnitRecur) |
                (npe_pkg::NumRes'(1) << npe_pkg::ResDmaWr) |
                (c_gated ? ((npe_pkg::NumRes'(1) << npe_pkg::UnitArray) |
                            (npe_pkg::NumRes'(1) << npe_pkg::ResRdPorts) |
                            (npe_pkg::NumRes'(1) << npe_pkg::ResSpadA0) |
                            (npe_pkg::NumRes'(1) << (npe_pkg::ResSpadA0 + 1)) |
                            (npe_pkg::NumRes'(1) << (npe_pkg::ResSpadB0 + 32'(c_spad[1]))) |
                            (npe_pkg::NumRes'(1) << (npe_pkg::ResOut0 + 32'(c_spad[2]))))
                         : '0);
    end else begin
      c_mine = 1'b0; c_load = 1'b0; c_gated = 1'b0; c_lstm = 1'b0; c_hgrn = 1'b0;
      c_ternary = 1'b0; c_fmt_ok = 1'b0; c_n = '0; c_t = '0; c_aux = '0; c_mode = '0;
      c_init = '0; c_fa = '0; c_fb = '0; c_spad = '0; c_pe_fmt = '0; c_lanes = '0;
      c_words = '0; c_pitch_b = '0; c_groups = '0; c_addr_a = '0; c_addr_b = '0;
      c_addr_c = '0; bad_align_addr = '0; bad_win_addr = '0; bad_align = 1'b0;
      bad_win = 1'b0; bad_aux = 1'b0; bad_dims = 1'b0;
      chk_code_o = 8'(npe_pkg::ErrNone);
      chk_addr_o = '0;
      claim_o    = '0;
    end
  end
  assign next_o  = 1'b0;
  logic unused_d_spad;
  assign unused_d_spad = ^d_spad[7:3] ^ d_spad[0] ^ ^c_spad[7:3] ^ c_spad[0] ^ ^d_n ^ ^job_desc_i ^
                         ^d_addr_a ^ ^d_addr_b ^ ^d_addr_c;

  // The job, registered at dispatch and held until done_o.
  logic                job_go_q, job_out_last_q, job_gated_q, job_lstm_q, job_ternary_q;
  logic                job_rowscale_q;   // GRU / LSTM: records carry row scales
  logic                job_hgrn_q;       // HGRN: two-beat records, no mat-vec
  logic                job_bbuf_q, job_obuf_q;
  logic [1:0]          job_init_q;
  logic [IBits-1:0]    job_n_q;
  logic [15:0]         job_t_q;
  logic [2:0]          job_fa_q, job_pe_fmt_q;
  logic [3:0]          job_hshift_q;
  logic [5:0]          job_accshift_q;
  logic [AddrBits-1:0] job_addr_a_q, job_addr_b_q, job_addr_c_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_out_last_q <= 1'b0; job_init_q <= '0; job_n_q <= '0;
      job_t_q <= '0; job_addr_a_q <= '0; job_addr_b_q <= '0; job_addr_c_q <= '0;
      job_gated_q <= 1'b0; job_lstm_q <= 1'b0; job_ternary_q <= 1'b0; job_bbuf_q <= 1'b0;
      job_obuf_q <= 1'b0; job_fa_q <= '0; job_pe_fmt_q <= '0; job_hshift_q <= '0;
      job_accshift_q <= '0; job_rowscale_q <= 1'b0; job_hgrn_q <= 1'b0;
    end else begin
      job_go_q <= job_valid_i;
      if (job_valid_i) begin
        job_out_last_q <= d_out_last; job_init_q <= d_init; job_n_q <= IBits'(d_n);
        job_t_q <= d_t; job_addr_a_q <= AddrBits'(d_addr_a);
        job_addr_b_q <= AddrBits'(d_addr_b); job_addr_c_q <= AddrBits'(d_addr_c);
        job_gated_q <= d_gated; job_lstm_q <= d_gated && d_lstm; job_ternary_q <= d_ternary;
        job_bbuf_q <= d_spad[1]; job_obuf_q <= d_spad[2];
        job_fa_q <= d_fa[2:0]; job_pe_fmt_q <= d_pe_fmt;
        job_hshift_q <= d_aux[npe_pkg::RecurAuxHShiftLsb +: 4];
        job_accshift_q <= d_aux[npe_pkg::RecurAuxAccShiftLsb +: 6];
        job_rowscale_q <= d_gated && d_aux[npe_pkg::RecurAuxRowScaleBit];
        job_hgrn_q <= d_hgrn;
      end
    end
  end

  // Byte counts of the job's three streams (T x N x 32 < 2^32 while N <=
  // 2048: GRU / LSTM with ROWSCALE need StateWords <= 2048, 4096 without;
  // the default is 1024). LOAD and OUT_LAST carry h, and for LSTM c after it.
  // OUT_LAST writes h_T and, for LSTM, c_T after it, for HGRN y_T (its
  // output, kept in the cell memory) after it.
  logic [31:0] rec_bytes, h0_bytes, out_bytes, st_words, last_words;
  assign st_words  = job_lstm_q ? 32'(job_n_q) * 32'd2 : 32'(job_n_q);
  assign last_words = job_lstm_q || job_hgrn_q ? 32'(job_n_q) * 32'd2 : 32'(job_n_q);
  assign rec_bytes = 32'(job_t_q) * 32'(job_n_q) *
                     (job_rowscale_q ? 32'd32 : job_gated_q || job_hgrn_q ? 32'd16 : 32'd8);
  assign h0_bytes  = st_words * 32'd4;
  assign out_bytes = job_out_last_q ? last_words * 32'd4 : 32'(job_t_q) * 32'(job_n_q) * 32'd4;

  // stop: an error or an abort; no new DMA command after it.
  logic       stop_q, stop_d;
  logic [7:0] err_q, err_d;
  logic [AddrBits-1:0] err_addr_q, err_addr_d;

  // ---------------------------------------------------------------------------
  // Reader: the initial state (INIT = LOAD), then the records
  // ---------------------------------------------------------------------------
  typedef enum logic [1:0] {RdIdle, RdCmd, RdRun} rd_state_e;
  rd_state_e           rd_state_q, rd_state_d;
  logic                rd_seg_h0_q, rd_seg_h0_d;   // reading the initial state
  logic [AddrBits-1:0] rd_addr_q, rd_addr_d;
  logic [31:0]         rd_left_q, rd_left_d;       // bytes of the segment not yet asked for
  logic [31:0]         rd_len;

  assign rd_len         = rd_left_q > CmdLen ? CmdLen : rd_left_q;
  assign rd_cmd_valid_o = rd_state_q == RdCmd && !stop_q;
  assign rd_cmd_addr_o  = rd_addr_q;
  assign rd_cmd_len_o   = rd_len;

  always_comb begin
    rd_state_d  = rd_state_q;
    rd_seg_h0_d = rd_seg_h0_q;
    rd_addr_d   = rd_addr_q;
    rd_left_d   = rd_left_q;
    unique case (rd_state_q)
      RdIdle: begin
        if (job_go_q) begin
          rd_state_d  = RdCmd;
          rd_seg_h0_d = job_init_q == InitLoad;
          rd_addr_d   = job_init_q == InitLoad ? job_addr_b_q : job_addr_a_q;
          rd_left_d   = job_init_q == InitLoad ? h0_bytes : rec_bytes;
        end
      end
      // Offering one command (withdrawn on stop: the DMA takes a command only
      // in the cycle it sees it, so nothing was issued).
      RdCmd: begin
        if (stop_q) begin
          rd_state_d = RdIdle;
        end else if (rd_cmd_ready_i) begin
          rd_state_d = RdRun;
          rd_addr_d  = rd_addr_q + AddrBits'(rd_len);
          rd_left_d  = rd_left_q - rd_len;
        end
      end
      // The command runs until the DMA's done.
      RdRun: begin
        if (rd_done_i) begin
          if (stop_q || rd_err_i != 8'd0) begin
            rd_state_d = RdIdle;
          end else if (rd_left_q != 32'd0) begin
            rd_state_d = RdCmd;
          end else if (rd_seg_h0_q) begin
            rd_state_d  = RdCmd;
            rd_seg_h0_d = 1'b0;
            rd_addr_d   = job_addr_a_q;
            rd_left_d   = rec_bytes;
          end else begin
            rd_state_d = RdIdle;
          end
        end
      end
      default: rd_state_d = RdIdle;
    endcase
  end

  // ---------------------------------------------------------------------------
  // State memory and the consumer
  // ---------------------------------------------------------------------------
  typedef enum logic [2:0] {
    CsIdle,     // no job
    CsLoad,     // h_0 (and LSTM c_0) from the beats of ADDR_B
    CsStep,     // DIAG: one record, one element, per cycle (HGRN: per two)
    CsPrime,    // GRU / LSTM: h_0's codes into the step's A buffer
    CsCell,     // GRU / LSTM: the step's mat-vec rows and records, element by element
    CsStepEnd,  // GRU / LSTM: the last codes written, the mat-vec run out
    CsDrain,    // OUT_LAST: the final state (h, then LSTM c / HGRN y), read out in order
    CsEnd       // done, or stopped
  } cs_state_e;
  cs_state_e        cs_state_q, cs_state_d;
  logic [IBits-1:0] idx_q, idx_d;        // element
  logic             hi_q, hi_d;          // CsLoad / CsDrain: in c's half (LSTM)
  logic [15:0]      t_q, t_d;            // timestep
  logic             half_q, half_d;      // CsLoad: upper word of the beat
  logic [IBits-1:0] keep_n_q, keep_n_d;  // N of the last RECUR that completed cleanly
  logic [IBits-1:0] keep_c_q, keep_c_d;  // N of the last clean LSTM RECUR (0: c is zero)

  logic [31:0]      state_mem [2**SBits];
  logic [31:0]      cell_mem  [2**SBits];
  logic [SBits-1:0] st_addr;
  logic             st_we, ce_we;
  logic [31:0] st_wdata, ce_wdata, st_rdata, ce_rdata, h_prev, c_prev, h_next;
  logic        h_from_zero, c_from_zero;

  assign st_addr  = SBits'(idx_q);  // idx_q < N <= StateWords
  assign st_rdata = state_mem[st_addr];
  assign ce_rdata = cell_mem[st_addr];
  always_ff @(posedge clk_i) begin
    if (st_we) state_mem[st_addr] <= st_wdata;
    if (ce_we) cell_mem[st_addr]  <= ce_wdata;
  end

  // h_{t-1} at t = 0: zero for INIT = ZERO, and for KEEP beyond what the last
  // clean RECUR left (c: the last clean LSTM RECUR).
  assign h_from_zero = t_q == 16'd0 &&
                       (job_init_q == InitZero || (job_init_q == InitKeep && idx_q >= keep_n_q));
  assign c_from_zero = t_q == 16'd0 &&
                       (job_init_q == InitZero || (job_init_q == InitKeep && idx_q >= keep_c_q));
  assign h_prev = h_from_zero ? 32'd0 : st_rdata;
  assign c_prev = c_from_zero ? 32'd0 : ce_rdata;

  // DIAG's step; GRU / LSTM with ROWSCALE use the same product for a row's
  // scale (b = 0: sat32(RNE(P s / 2^30))), so the unit has one multiplier.
  logic [31:0] diag_a, diag_b, diag_h;
  logic        rec_en;   // a record beat or a cell row is taken (below)
  npe_recur_diag u_diag (.en_i (rec_en), .a_i (diag_a), .b_i (diag_b), .h_i (diag_h),
                         .h_o (h_next));

  // Result beats: a packer of two int32, then a FIFO for the writer.
  logic              pk_push, pk_last, pk_half_q, pk_half_d;
  logic [31:0]       pk_word, pk_lo_q, pk_lo_d;
  logic              fifo_push, fifo_pop, fifo_full, fifo_empty;
  logic [63:0]       fifo_wdata;
  logic [63:0]       fifo_mem [FifoBeats];
  logic [FBits-1:0]  fifo_rd_q, fifo_wr_q;
  logic [FBits:0]    fifo_cnt_q;
  logic [31:0]       out_cnt_q, out_cnt_d;    // results still to produce
  logic              rec_last, step_fire, load_fire, drain_fire;

  assign fifo_full  = fifo_cnt_q == (FBits + 1)'(FifoBeats);
  assign fifo_empty = fifo_cnt_q == '0;

  // ---------------------------------------------------------------------------
  // GRU / LSTM: the mat-vec (issuer and result FIFO)
  // ---------------------------------------------------------------------------
  localparam int RfDepth = OutGroups;   // a whole chunk of column groups
  localparam int RfBits  = $clog2(RfDepth > 1 ? RfDepth : 2);
  localparam int PBits   = $clog2(Rows * Cols > 1 ? Rows * Cols : 2);
  localparam int OBits   = $clog2(4 * StateWords + 1);  // rows of a step's mat-vec
  logic [OBits-1:0]  mv_rows;            // G N
  logic [OBits-1:0]  mv_issued_q, mv_issued_d;  // rows issued this step
  logic [OBits-1:0]  mv_chunk;           // rows of the next chunk
  logic [31:0]       mv_chunk_groups;
  logic              mv_busy_q, mv_busy_d, mv_issue;
  logic [RfBits:0]   rf_cnt_q, mv_out_q, mv_out_d; // FIFO groups; groups the array still owes
  logic [31:0]       mv_words, mv_pitch_b, mv_b_off_q, mv_b_off_d;
  logic              abuf_q, abuf_d;     // A buffer the step's mat-vec reads
  logic [Rows*Cols*32-1:0] rf_mem [RfDepth];
  logic [RfBits-1:0] rf_rd_q, rf_wr_q;
  logic              rf_push, rf_pop;
  logic [PBits-1:0]  rf_sub_q, rf_sub_d; // row within the head group
  logic [OBits-1:0]  rf_rows_q, rf_rows_d; // rows of the step taken from the FIFO
  logic [31:0]       rf_f32, rf_fix;

  assign mv_rows    = OBits'((job_lstm_q ? 32'd4 : 32'd3) * 32'(job_n_q));
  assign mv_chunk   = (mv_rows - mv_issued_q) > OBits'(MvOuts) ? OBits'(MvOuts)
                                                               : mv_rows - mv_issued_q;
  assign mv_chunk_groups = (32'(mv_chunk) + Rows * Cols - 1) / (Rows * Cols);
  // (concatenations, not casts, of the function results: Icarus 11)
  logic [2:0] job_lanes;
  assign job_lanes  = npe_pkg::fmt_lanes(job_pe_fmt_q);
  assign mv_words   = (32'(job_n_q) + {29'd0, job_lanes} - 32'd1) >>
                      npe_pkg::fmt_lanes_log2(job_pe_fmt_q);
  assign mv_pitch_b = job_ternary_q ? (mv_words + 32'd3) >> 2 : mv_words;
  // A chunk goes when the array is free, and its groups fit in the FIFO
  // beside those there and those still coming (the array cannot wait).
  assign mv_issue = Gated && (cs_state_q == CsCell) && !stop_q && !mv_busy_q &&
                    mv_issued_q != mv_rows &&
                    32'(rf_cnt_q) + 32'(mv_out_q) + mv_chunk_groups <= RfDepth;

  always_comb begin
    seq_desc_o = '0;
    seq_desc_o[npe_pkg::DescOpcodeLsb +: 8] = 8'(npe_pkg::OpMatmul);
    seq_desc_o[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagMatvecBit]  = 1'b1;
    seq_desc_o[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagOutFp32Bit] = 1'b1;
    seq_desc_o[npe_pkg::DescFmtALsb +: 8] = job_ternary_q ? 8'(npe_pkg::FmtInt8) : 8'(job_fa_q);
    seq_desc_o[npe_pkg::DescFmtBLsb +: 8] = job_ternary_q ? 8'(npe_pkg::FmtTernary)
                                                          : 8'(job_fa_q);
    seq_desc_o[npe_pkg::DescSpadLsb +: 8] = {5'd0, job_obuf_q, job_bbuf_q, abuf_q};
    seq_desc_o[npe_pkg::DescMLsb +: 16]   = 16'd1;
    seq_desc_o[npe_pkg::DescNLsb +: 16]   = 16'(mv_chunk);
    seq_desc_o[npe_pkg::DescKLsb +: 16]   = 16'(job_n_q);
  end
  assign seq_valid_o = mv_issue;
  assign seq_b_off_o = BBankAddrBits'(mv_b_off_q);

  always_comb begin
    mv_issued_d = mv_issued_q;
    mv_busy_d   = mv_busy_q;
    mv_out_d    = mv_out_q;
    mv_b_off_d  = mv_b_off_q;
    if (mv_issue) begin
      mv_issued_d = mv_issued_q + mv_chunk;
      mv_busy_d   = 1'b1;
      mv_out_d    = mv_out_d + (RfBits + 1)'(mv_chunk_groups);
      mv_b_off_d  = mv_b_off_q + 32'(OutGroups) * mv_pitch_b;
    end
    if (seq_done_i) mv_busy_d = 1'b0;
    if (rf_push)    mv_out_d  = mv_out_d - 1'b1;
  end

  // Column groups from the array while the unit drives it; the FIFO's head
  // gives one row per cycle: row r_sub of the group is output 8 g + r_sub.
  assign rf_push = Gated && res_we_i && mv_busy_q;
  assign rf_f32  = rf_mem[rf_rd_q][32*rf_sub_q +: 32];
  npe_recur_acc_fix u_acc_fix (.f_i (rf_f32), .shift_i (job_accshift_q), .x_o (rf_fix));

  // ---------------------------------------------------------------------------
  // GRU / LSTM: an element's G rows and its record, then the cell
  // ---------------------------------------------------------------------------
  logic [1:0]  gate_q, gate_d;          // row of the element being taken
  logic [1:0]  gate_last;
  logic [31:0] x1_q;                   // the record's x1 (row 0's beat)
  logic [63:0] x23_q;                  // x2, x3 (row 1's beat)
  logic        cell_fire, cell_take, cell_need_beat, cell_last;
  logic [31:0] cell_x, cell_h, cell_c, cell_p;
  // ROWSCALE: the element's scale beats, {s1, s0} and {s3, s2}, taken ahead
  // of its rows (sc_take) while the unit waits for the mat-vec's groups.
  logic [1:0]  sc_cnt_q;               // scale beats of the element taken, 0..2
  logic [63:0] sc01_q, sc23_q;
  logic        sc_take;
  logic [31:0] sc_row, p_scaled;

  assign gate_last      = job_lstm_q ? 2'd3 : 2'd2;
  assign cell_need_beat = gate_q < 2'd2;
  assign cell_last      = gate_q == gate_last;
  // A row is taken when there is one, with its beat for rows 0 and 1, and
  // for the last row when its result has a place (the writer's FIFO).
  assign cell_take = cs_state_q == CsCell && !stop_q && rf_cnt_q != '0 &&
                     (!job_rowscale_q || sc_cnt_q == 2'd2) &&
                     (!cell_need_beat || rd_data_valid_i);
  // The scale beats come first in a ROWSCALE record; they are taken before
  // the element's first row (never with a row: sc_cnt_q is 2 for all of them).
  assign sc_take   = cs_state_q == CsCell && !stop_q && job_rowscale_q && sc_cnt_q != 2'd2 &&
                     rd_data_valid_i;
  assign cell_fire = cell_take && (!cell_last || job_out_last_q || !fifo_full);
  assign rf_pop    = cell_fire && (32'(rf_sub_q) == Rows * Cols - 1 ||
                                   rf_rows_q + 1'b1 == mv_rows);
  assign rf_sub_d  = rf_pop ? '0 : rf_sub_q + PBits'(cell_fire);

  // The record's value for the row: x0 comes with row 0's beat, x2 and x3
  // with row 1's.
  always_comb begin
    unique case (gate_q)
      2'd0:    cell_x = rd_data_i[31:0];
      2'd1:    cell_x = x1_q;
      2'd2:    cell_x = x23_q[31:0];
      default: cell_x = x23_q[63:32];
    endcase
  end

  // The row's scale (GRU's rows 0..2 use s0..s2; s3 is not read) and the
  // scaled row: DIAG's product (u_diag, idle in GRU / LSTM) with b = 0,
  // sat32(RNE(P s / 2^30)), ties to even. In series with the cell: the
  // scaled rows take no extra cycle.
  always_comb begin
`ifndef NPE_PLANT_BUG_RECUR_ROWSCALE
    unique case (gate_q)
`else
    // Test-only bug (mk/engine_test.mk, recur-rowscale-plant-test): rows 0
    // and 1 (and 2 and 3) swap their scales.
    unique case (gate_q ^ 2'd1)
`endif
      2'd0:    sc_row = sc01_q[31:0];
      2'd1:    sc_row = sc01_q[63:32];
      2'd2:    sc_row = sc23_q[31:0];
      default: sc_row = sc23_q[63:32];
    endcase
  end
  assign diag_a   = job_gated_q ? sc_row : rd_data_i[63:32];
  assign diag_b   = job_gated_q ? 32'd0  : rd_data_i[31:0];
  assign diag_h   = job_gated_q ? rf_fix : h_prev;
  assign p_scaled = h_next;
  assign cell_p   = job_rowscale_q ? p_scaled : rf_fix;

  // HGRN: the cell's row 0 with the element's first beat {zc, za} (x_i is
  // rd_data_i[31:0]: gate_q stays 0 outside CsCell), row 1 with its second
  // {x3, zg} (step_fire).
  logic        hg_beat_q;              // HGRN: the element's first beat is taken
  logic        hg_take0;               // HGRN: the first beat goes into row 0
  logic [31:0] cell_y;
  npe_recur_cell u_cell (
    .clk_i, .en_i (cell_fire || hg_take0), .act_i (rec_en), .lstm_i (job_lstm_q),
    .hgrn_i (job_hgrn_q),
    .row_i (job_hgrn_q ? {1'b0, hg_beat_q} : gate_q),
    .p_i (cell_p), .x_i (cell_x), .zc_i (rd_data_i[63:32]), .bhn_i (x23_q[63:32]),
    .h_i (h_prev), .c_i (c_prev), .h_o (cell_h), .c_o (cell_c), .y_o (cell_y)
  );

  always_ff @(posedge clk_i) begin
    if (cell_fire && gate_q == 2'd0) x1_q  <= rd_data_i[63:32];
    if (cell_fire && gate_q == 2'd1) x23_q <= rd_data_i;
    if (sc_take && sc_cnt_q == 2'd0) sc01_q <= rd_data_i;
    if (sc_take && sc_cnt_q == 2'd1) sc23_q <= rd_data_i;
  end
  // A new job, or the element's last row: the next element's scales.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                      sc_cnt_q <= '0;
    else if (job_go_q)                sc_cnt_q <= '0;
    else if (cell_fire && cell_last)  sc_cnt_q <= '0;
    else if (sc_take)                 sc_cnt_q <= sc_cnt_q + 2'd1;
  end
  assign gate_d = !cell_fire ? gate_q : cell_last ? 2'd0 : gate_q + 2'd1;

  // ---------------------------------------------------------------------------
  // GRU / LSTM: h's codes into an A buffer (npe_pe_round, then a packer)
  // ---------------------------------------------------------------------------
  logic        q_in, q_last, q_sign, q_zero;
  logic        q_valid_q, q_last_q;     // the h registered in front of the encoder
  logic [31:0] q_h_q;
  logic [23:0] q_mag;
  logic [4:0]  q_msb;
  logic [7:0]  q_exp;
  logic [25:0] q_sig;
  logic        qo_valid;
  logic [31:0] qo_f32_unused;
  logic [15:0] qo_code;
  logic [1:0]  qo_flags_unused;
  logic [1:0]  q_last_pipe_q;
  logic        q_dst_q;                 // A buffer the codes go to
  logic        pa_busy;                 // codes in the encoder or the packer

  // Prime: h_0 of element idx; a cell: the new h. Registered first, so the
  // cell and the encoder are not one path.
  assign q_in    = (cs_state_q == CsPrime && !stop_q) || (cell_fire && cell_last);
  assign q_last  = idx_q + 1'b1 == job_n_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      q_valid_q <= 1'b0;
      q_last_q  <= 1'b0;
      q_h_q     <= '0;
    end else begin
      q_valid_q <= q_in;
      q_last_q  <= q_in && q_last;
      if (q_in) q_h_q <= cs_state_q == CsPrime ? h_prev : cell_h;
    end
  end
  // clamp to +-(2^24 - 1), then the leading one's scale, HSHIFT - 16 on
  assign q_sign  = q_h_q[31];
  assign q_mag   = ($signed(q_h_q) > 32'sh00ff_ffff) ? 24'hff_ffff :
                   ($signed(q_h_q) < -32'sh00ff_ffff) ? 24'hff_ffff :
                   q_sign ? 24'(32'd0 - q_h_q) : q_h_q[23:0];
  assign q_zero  = q_mag == 24'd0;
  function automatic logic [4:0] lead_one(logic [23:0] v);
    lead_one = 5'd0;
    for (int i = 0; i < 24; i++) if (v[i]) lead_one = 5'(i);
  endfunction
  assign q_msb = lead_one(q_mag);
  assign q_exp = 8'(q_msb) - 8'd16 + 8'(job_hshift_q);
  assign q_sig = 26'({2'b00, q_mag} << (5'd25 - q_msb));

  npe_pe_round #(.FormatMask(FormatMask)) u_hcode (
    .clk_i, .rst_ni,
    .valid_i (q_valid_q), .sign_i (q_sign), .zero_i (q_zero), .nar_i (1'b0), .ovf_i (1'b0),
    .fmt_i (job_fa_q == npe_pkg::FmtTernary ? npe_pkg::FmtInt8 : job_fa_q),
    .exp_i (q_exp), .sig_i (q_sig), .sticky_i (1'b0),
    .res_valid_o (qo_valid), .res_f32_o (qo_f32_unused), .res_fmt_o (qo_code),
    .res_flags_o (qo_flags_unused)
  );

  // The packer: codes of (64 / bits) elements per bank word, element 0 in the
  // low bits (as a LOAD of the packed vector puts them); the last word of the
  // vector padded with zeros.
  logic [63:0]            pa_word_q, pa_word_d;
  logic [4:0]             pa_pos_q, pa_pos_d;     // element within the word
  logic [ABankAddrBits:0] pa_addr_q, pa_addr_d;   // word within the buffer (+ carry)
  logic [4:0]             pa_epw;                 // elements per word
  logic [4:0]             pa_bits;
  logic [63:0]            pa_code;
  logic                   pa_write;
  assign pa_epw   = {job_lanes, 2'b00};
  assign pa_bits  = 5'(16 >> npe_pkg::fmt_lanes_log2(job_pe_fmt_q));
  logic [15:0] pa_masked;
  assign pa_masked = qo_code & ((16'd1 << pa_bits) - 16'd1);
  assign pa_code  = {48'd0, pa_masked} << (7'(pa_pos_q) * 7'(pa_bits));
  assign pa_write = qo_valid && (pa_pos_q + 5'd1 == pa_epw || q_last_pipe_q[1]);
  assign a_we_o    = pa_write;
  assign a_waddr_o = {q_dst_q, pa_addr_q[ABankAddrBits-1:0]};
  assign a_wdata_o = pa_word_q | pa_code;
  always_comb begin
    pa_word_d = pa_word_q;
    pa_pos_d  = pa_pos_q;
    pa_addr_d = pa_addr_q;
    if (qo_valid) begin
      if (pa_write) begin
        pa_word_d = '0;
        pa_pos_d  = '0;
        pa_addr_d = q_last_pipe_q[1] ? '0 : pa_addr_q + 1'b1;
      end else begin
        pa_word_d = pa_word_q | pa_code;
        pa_pos_d  = pa_pos_q + 5'd1;
      end
    end
  end
  assign pa_busy = q_in || q_valid_q || q_last_pipe_q != 2'd0 || qo_valid || pa_pos_q != '0;

  // ---------------------------------------------------------------------------
  // The consumer
  // ---------------------------------------------------------------------------
  // The consumer takes an element when its input is there and the packer
  // can take the result (a free FIFO slot).
  assign load_fire  = cs_state_q == CsLoad && rd_data_valid_i && !stop_q;
  assign step_fire  = cs_state_q == CsStep && rd_data_valid_i && !stop_q &&
                      (!job_hgrn_q || hg_beat_q) && (job_out_last_q || !fifo_full);
  assign hg_take0   = cs_state_q == CsStep && job_hgrn_q && !hg_beat_q && rd_data_valid_i &&
                      !stop_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)       hg_beat_q <= 1'b0;
    else if (job_go_q) hg_beat_q <= 1'b0;
    else if (hg_take0) hg_beat_q <= 1'b1;
    else if (step_fire) hg_beat_q <= 1'b0;
  end
  // The record path (DIAG's step, the cell's row) computes only on the
  // cycles that take its results: h_next at a DIAG step (step_fire) and as
  // a ROWSCALE row's scaled value (cell_fire); the cell's outputs at an
  // element's last row (cell_fire), HGRN's row 0 (hg_take0) and row 1
  // (step_fire). Else both give 0, and Verilator skips them: they are fed
  // by the DMA's read data, so evaluated in both eval()s of every cycle
  // (docs/ARCHITECTURE.md, "Simulation speed").
`ifndef NPE_PLANT_BUG_SIM_ENABLE
  assign rec_en = step_fire || cell_fire || hg_take0;
`else
  // Test-only bug (mk/engine_test.mk, sim-enable-plant-test): the enable
  // misses the DIAG steps (not HGRN's row 1: recur-hgrn-plant-test needs
  // HGRN to fail on its own bug only); the recur test's DIAG cases must
  // fail on a result.
  assign rec_en = cell_fire || hg_take0 || (step_fire && job_hgrn_q);
`endif
  assign drain_fire = cs_state_q == CsDrain && !stop_q && !fifo_full;
  assign rec_last   = idx_q + 1'b1 == job_n_q && t_q + 16'd1 == job_t_q;

  // Read beats: taken by the consumer, or discarded after a stop (so the
  // command under way runs out) and whenever no job wants them.
  always_comb begin
    unique case (cs_state_q)
      CsLoad:    rd_data_ready_o = stop_q || (half_q || (idx_q + 1'b1 == job_n_q &&
                                                         (!job_lstm_q || hi_q)));
      CsStep:    rd_data_ready_o = stop_q || step_fire || hg_take0;
      CsCell:    rd_data_ready_o = stop_q || (cell_fire && cell_need_beat) || sc_take;
      CsPrime, CsStepEnd: rd_data_ready_o = stop_q;
      default:   rd_data_ready_o = 1'b1;
    endcase
  end

  // A load word, a DIAG step, or an element's last row.
  assign st_we    = (load_fire && !hi_q) || step_fire || (cell_fire && cell_last);
  assign st_wdata = cs_state_q == CsLoad ? (half_q ? rd_data_i[63:32] : rd_data_i[31:0]) :
                    cs_state_q == CsCell || job_hgrn_q ? cell_h : h_next;
  // LSTM's c; HGRN's y (read only by OUT_LAST's drain, for y_T).
  assign ce_we    = (load_fire && hi_q) || (cell_fire && cell_last && job_lstm_q) ||
                    (step_fire && job_hgrn_q);
  assign ce_wdata = cs_state_q == CsLoad ? (half_q ? rd_data_i[63:32] : rd_data_i[31:0]) :
                    job_hgrn_q           ? cell_y : cell_c;

  assign pk_push = (step_fire && !job_out_last_q) ||
                   (cell_fire && cell_last && !job_out_last_q) || drain_fire;
  assign pk_word = cs_state_q == CsDrain ? (hi_q ? ce_rdata : st_rdata) :
                   cs_state_q == CsCell  ? cell_h :
                   job_hgrn_q            ? cell_y : h_next;   // HGRN writes y_t
  assign pk_last = out_cnt_q == 32'd1;

  logic step_end;   // CsStepEnd: everything of the prime or step is through
  logic mv_step_q, mv_step_d;
  assign step_end = !pa_busy &&
                    (!mv_step_q || (!mv_busy_q && mv_issued_q == mv_rows && rf_cnt_q == '0));

  always_comb begin
    cs_state_d = cs_state_q;
    idx_d      = idx_q;
    hi_d       = hi_q;
    t_d        = t_q;
    half_d     = half_q;
    abuf_d     = abuf_q;
    rf_rows_d  = rf_rows_q;
    unique case (cs_state_q)
      CsIdle: begin
        if (job_go_q) begin
          if (job_init_q == InitLoad) cs_state_d = CsLoad;
          else if (job_gated_q)       cs_state_d = CsPrime;
          else                        cs_state_d = CsStep;
          idx_d      = '0;
          hi_d       = 1'b0;
          t_d        = '0;
          half_d     = 1'b0;
          abuf_d     = 1'b0;
        end
      end
      // h_0, then (LSTM) c_0, from the beats of ADDR_B, low word first.
      CsLoad: begin
        if (load_fire) begin
          half_d = !half_q;
          if (idx_q + 1'b1 == job_n_q) begin
            idx_d = '0;
            if (job_lstm_q && !hi_q) begin
              hi_d = 1'b1;
            end else begin
              if (job_gated_q) cs_state_d = CsPrime;
              else             cs_state_d = CsStep;
              hi_d       = 1'b0;
              half_d     = 1'b0;
            end
          end else begin
            idx_d = idx_q + 1'b1;
          end
        end
      end
      // One record, one element, per cycle.
      CsStep: begin
        if (step_fire) begin
          if (rec_last) begin
            if (job_out_last_q) cs_state_d = CsDrain;
            else                cs_state_d = CsEnd;
            idx_d      = '0;
          end else if (idx_q + 1'b1 == job_n_q) begin
            idx_d = '0;
            t_d   = t_q + 16'd1;
          end else begin
            idx_d = idx_q + 1'b1;
          end
        end
      end
      // CsPrime: h_0's codes, one element per cycle, into buffer abuf.
      // CsCell: an element per G rows; its h_t goes out and into the other
      // buffer. Either way an element is done with its code (q_in).
      CsPrime, CsCell: begin
        if (cell_fire) rf_rows_d = rf_rows_q + 1'b1;
        if (q_in) begin
          if (q_last) begin
            cs_state_d = CsStepEnd;
            idx_d      = '0;
          end else begin
            idx_d = idx_q + 1'b1;
          end
        end
      end
      // Prime or step done: the next step reads the buffer just written.
      CsStepEnd: begin
        if (step_end) begin
          rf_rows_d = '0;
          if (!mv_step_q) begin
            cs_state_d = CsCell;             // after the prime: step 0
          end else begin
            abuf_d = !abuf_q;
            if (t_q + 16'd1 == job_t_q) begin
              if (job_out_last_q) cs_state_d = CsDrain;
              else                cs_state_d = CsEnd;
            end else begin
              cs_state_d = CsCell;
              t_d        = t_q + 16'd1;
            end
          end
        end
      end
      // OUT_LAST: the final state, read out in order (h, then LSTM c).
      CsDrain: begin
        if (drain_fire) begin
          if (idx_q + 1'b1 == job_n_q) begin
            idx_d = '0;
            if ((job_lstm_q || job_hgrn_q) && !hi_q) hi_d = 1'b1;
            else                     cs_state_d = CsEnd;
          end else begin
            idx_d = idx_q + 1'b1;
          end
        end
      end
      CsEnd: ;
      default: cs_state_d = CsIdle;
    endcase
    if (stop_q && cs_state_q != CsIdle) cs_state_d = CsEnd;
  end

  // mv_step_q: the step's mat-vec has begun (tells CsStepEnd after the prime
  // from CsStepEnd after a step).
  assign mv_step_d = cs_state_q == CsIdle ? 1'b0 :
                     (cs_state_q == CsCell) ? 1'b1 :
                     (cs_state_q == CsStepEnd && step_end) ? 1'b0 : mv_step_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mv_issued_q   <= '0;
      mv_busy_q     <= 1'b0;
      mv_out_q      <= '0;
      mv_b_off_q    <= '0;
      mv_step_q     <= 1'b0;
      abuf_q        <= 1'b0;
      rf_rd_q       <= '0;
      rf_wr_q       <= '0;
      rf_cnt_q      <= '0;
      rf_sub_q      <= '0;
      rf_rows_q     <= '0;
      gate_q        <= '0;
      q_last_pipe_q <= '0;
      q_dst_q       <= 1'b0;
      pa_word_q     <= '0;
      pa_pos_q      <= '0;
      pa_addr_q     <= '0;
      hi_q          <= 1'b0;
      keep_c_q      <= '0;
    end else begin
      // A new step (or a new job) starts its mat-vec from the first chunk.
      if (cs_state_q == CsStepEnd && step_end) begin
        mv_issued_q <= '0;
        mv_b_off_q  <= '0;
      end else begin
        mv_issued_q <= job_go_q ? '0 : mv_issued_d;
        mv_b_off_q  <= job_go_q ? '0 : mv_b_off_d;
      end
      mv_busy_q     <= mv_busy_d;
      mv_out_q      <= mv_out_d;
      mv_step_q     <= mv_step_d;
      abuf_q        <= abuf_d;
      // A new job starts the FIFO empty (after a stop it may hold groups).
      if (job_go_q) begin
        rf_rd_q   <= '0;
        rf_wr_q   <= '0;
        rf_cnt_q  <= '0;
        rf_sub_q  <= '0;
        rf_rows_q <= '0;
      end else begin
        if (rf_push) rf_wr_q <= rf_wr_q + 1'b1;
        if (rf_pop)  rf_rd_q <= rf_rd_q + 1'b1;
        rf_cnt_q  <= rf_cnt_q + (RfBits + 1)'(rf_push) - (RfBits + 1)'(rf_pop);
        rf_sub_q  <= rf_sub_d;
        rf_rows_q <= rf_rows_d;
      end
      gate_q        <= job_go_q ? '0 : gate_d;
      q_last_pipe_q <= {q_last_pipe_q[0], q_valid_q && q_last_q};
      // Prime codes go to the buffer step 0 reads; a step's to the other.
      if (q_in) q_dst_q <= cs_state_q == CsPrime ? abuf_q : !abuf_q;
      pa_word_q     <= job_go_q ? '0 : pa_word_d;
      pa_pos_q      <= job_go_q ? '0 : pa_pos_d;
      pa_addr_q     <= job_go_q ? '0 : pa_addr_d;
      hi_q          <= hi_d;
      keep_c_q      <= keep_c_d;
    end
  end
  always_ff @(posedge clk_i) begin
    if (rf_push) rf_mem[rf_wr_q] <= res_data_i;
  end

  always_comb begin
    pk_half_d  = pk_half_q;
    pk_lo_d    = pk_lo_q;
    out_cnt_d  = out_cnt_q;
    fifo_push  = 1'b0;
    fifo_wdata = {pk_word, pk_lo_q};
    if (job_go_q) begin
      pk_half_d = 1'b0;
      out_cnt_d = out_bytes / 32'd4;
    end else if (pk_push) begin
      out_cnt_d = out_cnt_q - 32'd1;
      if (pk_half_q) begin
        fifo_push = 1'b1;
        pk_half_d = 1'b0;
      end else if (pk_last) begin
        fifo_push  = 1'b1;
        fifo_wdata = {32'd0, pk_word};
      end else begin
        pk_half_d = 1'b1;
        pk_lo_d   = pk_word;
      end
    end
  end

  // ---------------------------------------------------------------------------
  // Writer
  // ---------------------------------------------------------------------------
  typedef enum logic [1:0] {WrIdle, WrCmd, WrData, WrWait} wr_state_e;
  wr_state_e           wr_state_q, wr_state_d;
  logic [AddrBits-1:0] wr_addr_q, wr_addr_d;
  logic [31:0]         wr_left_q, wr_left_d;   // bytes not yet asked for
  logic [31:0]         wr_beats_q, wr_beats_d; // beats of the command not yet given
  logic [31:0]         wr_len;
  logic                wr_done_here;

  assign wr_len          = wr_left_q > CmdLen ? CmdLen : wr_left_q;
  assign wr_cmd_valid_o  = wr_state_q == WrCmd && !stop_q;
  assign wr_cmd_addr_o   = wr_addr_q;
  assign wr_cmd_len_o    = wr_len;
  // After a stop, a command under way gets zero beats for the results it
  // will not have (the DMA runs every accepted command to its end).
  assign wr_data_valid_o = wr_state_q == WrData && !wr_done_i && (!fifo_empty || stop_q);
  assign wr_data_o       = fifo_empty ? 64'd0 : fifo_mem[fifo_rd_q];
  assign fifo_pop        = wr_data_valid_o && wr_data_ready_i && !fifo_empty;
  // A command completes after its last beat (WrWait), or at once when the
  // DMA refuses it (window, alignment: WrData, no beat taken).
  assign wr_done_here    = wr_done_i && (wr_state_q == WrData || wr_state_q == WrWait);

  always_comb begin
    wr_state_d = wr_state_q;
    wr_addr_d  = wr_addr_q;
    wr_left_d  = wr_left_q;
    wr_beats_d = wr_beats_q;
    unique case (wr_state_q)
      WrIdle: begin
        if (job_go_q) begin
          wr_state_d = WrCmd;
          wr_addr_d  = job_addr_c_q;
          wr_left_d  = out_bytes;
        end
      end
      WrCmd: begin
        if (stop_q) begin
          wr_state_d = WrIdle;
        end else if (wr_cmd_ready_i) begin
          wr_state_d = WrData;
          wr_addr_d  = wr_addr_q + AddrBits'(wr_len);
          wr_left_d  = wr_left_q - wr_len;
          wr_beats_d = (wr_len + 32'd7) / 32'd8;
        end
      end
      WrData: begin
        if (wr_data_valid_o && wr_data_ready_i) begin
          wr_beats_d = wr_beats_q - 32'd1;
          if (wr_beats_q == 32'd1) wr_state_d = WrWait;
        end
      end
      WrWait: ;
      default: wr_state_d = WrIdle;
    endcase
    if (wr_done_here) begin
      if (stop_q || wr_err_i != 8'd0 || wr_left_q == 32'd0) wr_state_d = WrIdle;
      else                                                   wr_state_d = WrCmd;
    end
  end

  // ---------------------------------------------------------------------------
  // Job completion and errors
  // ---------------------------------------------------------------------------
  typedef enum logic {JobIdle, JobRun} job_state_e;
  job_state_e job_state_q, job_state_d;
  logic       job_end;

  // Every part finished: reader and writer idle, consumer at its end (or
  // stopped, when it ends as soon as the reader has run out).
  // A mat-vec under way runs out first (the array is the unit's until then).
  assign job_end = job_state_q == JobRun && !job_go_q && rd_state_q == RdIdle &&
                   wr_state_q == WrIdle && (cs_state_q == CsEnd || stop_q) && !mv_busy_q;

  always_comb begin
    job_state_d = job_state_q;
    stop_d      = stop_q;
    err_d       = err_q;
    err_addr_d  = err_addr_q;
    keep_n_d    = keep_n_q;
    keep_c_d    = keep_c_q;
    if (job_go_q) begin
      job_state_d = JobRun;
      stop_d      = abort_i;
      err_d       = 8'd0;
      err_addr_d  = '0;
    end else if (job_state_q == JobRun) begin
      if (abort_i) stop_d = 1'b1;
      // The first DMA error, read or write; reads first in a tie.
      if (err_q == 8'd0 && rd_done_i && rd_state_q == RdRun && rd_err_i != 8'd0) begin
        err_d      = rd_err_i;
        err_addr_d = rd_err_addr_i;
        stop_d     = 1'b1;
      end else if (err_q == 8'd0 && wr_done_here && wr_err_i != 8'd0) begin
        err_d      = wr_err_i;
        err_addr_d = wr_err_addr_i;
        stop_d     = 1'b1;
      end
      if (job_end) begin
        job_state_d = JobIdle;
        // KEEP continues only a state that a whole sequence produced.
        keep_n_d    = stop_q ? '0 : job_n_q;
        keep_c_d    = stop_q || !job_lstm_q ? '0 : job_n_q;
      end
    end
    if (abort_i && job_state_q == JobIdle && !job_go_q) begin
      keep_n_d = '0;
      keep_c_d = '0;
    end
  end

  assign done_o     = job_end;
  assign err_o      = err_q;
  assign err_addr_o = err_addr_q;
  assign busy_o     = job_go_q || job_state_q == JobRun;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_state_q  <= RdIdle;
      rd_seg_h0_q <= 1'b0;
      rd_addr_q   <= '0;
      rd_left_q   <= '0;
      cs_state_q  <= CsIdle;
      idx_q       <= '0;
      t_q         <= '0;
      half_q      <= 1'b0;
      keep_n_q    <= '0;
      pk_half_q   <= 1'b0;
      pk_lo_q     <= '0;
      out_cnt_q   <= '0;
      wr_state_q  <= WrIdle;
      wr_addr_q   <= '0;
      wr_left_q   <= '0;
      wr_beats_q  <= '0;
      job_state_q <= JobIdle;
      stop_q      <= 1'b0;
      err_q       <= '0;
      err_addr_q  <= '0;
    end else begin
      rd_state_q  <= rd_state_d;
      rd_seg_h0_q <= rd_seg_h0_d;
      rd_addr_q   <= rd_addr_d;
      rd_left_q   <= rd_left_d;
      cs_state_q  <= job_end ? CsIdle : cs_state_d;
      idx_q       <= idx_d;
      t_q         <= t_d;
      half_q      <= half_d;
      keep_n_q    <= keep_n_d;
      pk_half_q   <= pk_half_d;
      pk_lo_q     <= pk_lo_d;
      out_cnt_q   <= out_cnt_d;
      wr_state_q  <= wr_state_d;
      wr_addr_q   <= wr_addr_d;
      wr_left_q   <= wr_left_d;
      wr_beats_q  <= wr_beats_d;
      job_state_q <= job_state_d;
      stop_q      <= job_end ? 1'b0 : stop_d;
      err_q       <= err_d;
      err_addr_q  <= err_addr_d;
    end
  end

  // The FIFO of result beats (a new job starts it empty: the last job's
  // writer took every beat, or stopped).
  always_ff @(posedge clk_i) begin
    if (fifo_push) fifo_mem[fifo_wr_q] <= fifo_wdata;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fifo_rd_q  <= '0;
      fifo_wr_q  <= '0;
      fifo_cnt_q <= '0;
    end else if (job_go_q) begin
      fifo_rd_q  <= '0;
      fifo_wr_q  <= '0;
      fifo_cnt_q <= '0;
    end else begin
      if (fifo_push) fifo_wr_q <= fifo_wr_q + 1'b1;
      if (fifo_pop)  fifo_rd_q <= fifo_rd_q + 1'b1;
      fifo_cnt_q <= fifo_cnt_q + (FBits + 1)'(fifo_push) - (FBits + 1)'(fifo_pop);
    end
  end

`ifdef NPE_ASSERT
  // Named invariants (docs/RECUR.md).
  RecurFifoNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      fifo_push |-> (!fifo_full || fifo_pop));
  RecurFifoNoUnderflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      fifo_pop |-> !fifo_empty);
  RecurIndexInState: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (cs_state_q == CsLoad || cs_state_q == CsStep || cs_state_q == CsDrain) |->
      32'(idx_q) < StateWords && idx_q < job_n_q);
  RecurNoJobWhileBusy: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_valid_i |-> job_state_q == JobIdle && !job_go_q);
  RecurDoneOnlyWhenRunning: assert property (@(posedge clk_i) disable iff (!rst_ni)
      done_o |-> job_state_q == JobRun);
  // A clean job wrote exactly what it owed: every result went out.
  RecurCleanEndAllWritten: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (done_o && !stop_q) |-> out_cnt_q == 32'd0 && fifo_empty && !pk_half_q &&
      wr_left_q == 32'd0 && rd_left_q == 32'd0);
  // ROWSCALE: a row never goes without its element's two scale beats, and
  // a scale beat is never taken in the middle of an element.
  RecurRowScaleBeforeRow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (cell_fire && job_rowscale_q) |-> sc_cnt_q == 2'd2);
  RecurRowScaleAtElementStart: assert property (@(posedge clk_i) disable iff (!rst_ni)
      sc_take |-> gate_q == 2'd0 && !cell_fire);
  RecurReadBeatsOnlyInCommand: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (rd_data_valid_i && rd_data_ready_o && job_state_q == JobRun && !stop_q) |->
      rd_state_q == RdRun);
`endif

endmodule
