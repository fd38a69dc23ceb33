// SPDX-License-Identifier: Apache-2.0
// npe_recur_unit: executes RECUR descriptors (docs/RECUR.md). MODE DIAG runs
// T timesteps of h_t[i] = sat32(RNE(a * h_{t-1}[i] / 2^30) + b) over a state
// of N int32 elements kept in the unit (StateWords of them), so a whole
// sequence is one descriptor with no host round trip per step.
//
// Three parts run at once, joined by valid/ready:
//   reader    DMA read commands of at most CmdBytes: first the initial state
//             (INIT = LOAD, N int32 at ADDR_B), then the T x N 8-byte records
//             {a, b} at ADDR_A, one record per 64-bit beat;
//   consumer  one element per cycle: loads h_0, or steps one record through
//             npe_recur_diag against the state, or (OUT_LAST) reads the final
//             state out; two int32 results make one beat of a small FIFO;
//   writer    DMA write commands of at most CmdBytes at ADDR_C, fed from the
//             FIFO.
// The record stream is the roofline: one element per read beat. On an error
// (a refused or failed DMA command) or SOFT_RESET the unit issues no new
// command, lets the ones under way finish (discarding read beats; a write
// command already accepted gets zero beats for the data it will not have),
// and reports the first error with done_o.
module npe_recur_unit #(
  parameter int StateWords = 1024,   // largest N (CAP_RECUR.STATE_WORDS), 1..65535
  parameter int AddrBits   = 64,     // DMA address bits (addresses wrap at 2^AddrBits)
  parameter int CmdBytes   = 32768,  // longest DMA command, a multiple of 8
  parameter int FifoBeats  = 4       // result beats buffered ahead of the writer, >= 2
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // Dispatch port (npe_cmd; docs/ARCHITECTURE.md, "The dispatch interface")
  input  logic                          job_valid_i,  // take job_desc_i; start next cycle
  input  logic [npe_pkg::DescBits-1:0]  job_desc_i,   // the descriptor npe_cmd presents
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
  input  logic [AddrBits-1:0]           wr_err_addr_i
);

  localparam int IBits = $clog2(StateWords + 1);  // element index and N
  localparam int SBits = StateWords > 1 ? $clog2(StateWords) : 1;  // state memory address
  localparam int FBits = $clog2(FifoBeats);
  localparam logic [31:0] CmdLen = 32'(CmdBytes);

  // ---------------------------------------------------------------------------
  // Dispatch port: RECUR descriptors (docs/REGMAP.md, opcode RECUR)
  // ---------------------------------------------------------------------------
  localparam logic [63:0] AddrHiMask = AddrBits >= 64 ? 64'd0 : ~64'd0 << AddrBits;
  localparam logic [31:0] AuxKnown =
      ((32'd1 << npe_pkg::RecurAuxModeBits) - 1) << npe_pkg::RecurAuxModeLsb |
      ((32'd1 << npe_pkg::RecurAuxInitBits) - 1) << npe_pkg::RecurAuxInitLsb |
      32'd1 << npe_pkg::RecurAuxOutLastBit;
  localparam logic [1:0] InitZero = 2'(npe_pkg::RecurInitZero);
  localparam logic [1:0] InitKeep = 2'(npe_pkg::RecurInitKeep);
  localparam logic [1:0] InitLoad = 2'(npe_pkg::RecurInitLoad);

  logic        d_mine, d_out_last, d_load;
  logic [15:0] d_n, d_t;
  logic [31:0] d_aux;
  logic [3:0]  d_mode;
  logic [1:0]  d_init;
  logic [63:0] d_addr_a, d_addr_b, d_addr_c;
  logic [63:0] bad_align_addr, bad_win_addr;
  logic        bad_align, bad_win;

  assign d_mine     = npe_pkg::desc_opcode(job_desc_i) == 8'(npe_pkg::OpRecur);
  assign d_n        = npe_pkg::desc_n(job_desc_i);
  assign d_t        = npe_pkg::desc_t(job_desc_i);
  assign d_aux      = npe_pkg::desc_aux(job_desc_i);
  assign d_mode     = d_aux[npe_pkg::RecurAuxModeLsb +: 4];
  assign d_init     = d_aux[npe_pkg::RecurAuxInitLsb +: 2];
  assign d_out_last = d_aux[npe_pkg::RecurAuxOutLastBit];
  assign d_load     = d_init == InitLoad;
  assign d_addr_a   = npe_pkg::desc_addr_a(job_desc_i);
  assign d_addr_b   = npe_pkg::desc_addr_b(job_desc_i);
  assign d_addr_c   = npe_pkg::desc_addr_c(job_desc_i);

  // The first misaligned / out-of-range address, in the order A, B, C (B only
  // when the descriptor reads it).
  assign bad_align = d_addr_a[2:0] != 3'd0 || (d_load && d_addr_b[2:0] != 3'd0) ||
                     d_addr_c[2:0] != 3'd0;
  assign bad_align_addr = d_addr_a[2:0] != 3'd0              ? d_addr_a :
                          (d_load && d_addr_b[2:0] != 3'd0)  ? d_addr_b : d_addr_c;
  assign bad_win = (d_addr_a & AddrHiMask) != 64'd0 ||
                   (d_load && (d_addr_b & AddrHiMask) != 64'd0) ||
                   (d_addr_c & AddrHiMask) != 64'd0;
  assign bad_win_addr = (d_addr_a & AddrHiMask) != 64'd0             ? d_addr_a :
                        (d_load && (d_addr_b & AddrHiMask) != 64'd0) ? d_addr_b : d_addr_c;

  assign chk_code_o =
      !d_mine                                                  ? 8'(npe_pkg::ErrNone) :
      (d_aux & ~AuxKnown) != 32'd0 || d_mode != 4'(npe_pkg::RecurModeDiag) ||
      d_init == 2'd3                                           ? 8'(npe_pkg::ErrBadAux) :
      d_n == 16'd0 || 32'(d_n) > StateWords || d_t == 16'd0    ? 8'(npe_pkg::ErrBadDims) :
      bad_align                                                ? 8'(npe_pkg::ErrAlign) :
      bad_win                                                  ? 8'(npe_pkg::ErrDmaWindow) :
                                                                 8'(npe_pkg::ErrNone);
  assign chk_addr_o = AddrBits'(bad_align ? bad_align_addr : bad_win_addr);
  // The unit and the DMA's write channel (the storer's too).
  assign claim_o = (npe_pkg::NumRes'(1) << npe_pkg::UnitRecur) |
                   (npe_pkg::NumRes'(1) << npe_pkg::ResDmaWr);
  assign next_o  = 1'b0;

  // The job, registered at dispatch and held until done_o.
  logic                job_go_q, job_out_last_q;
  logic [1:0]          job_init_q;
  logic [IBits-1:0]    job_n_q;
  logic [15:0]         job_t_q;
  logic [AddrBits-1:0] job_addr_a_q, job_addr_b_q, job_addr_c_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_out_last_q <= 1'b0; job_init_q <= '0; job_n_q <= '0;
      job_t_q <= '0; job_addr_a_q <= '0; job_addr_b_q <= '0; job_addr_c_q <= '0;
    end else begin
      job_go_q <= job_valid_i;
      if (job_valid_i) begin
        job_out_last_q <= d_out_last; job_init_q <= d_init; job_n_q <= IBits'(d_n);
        job_t_q <= d_t; job_addr_a_q <= AddrBits'(d_addr_a);
        job_addr_b_q <= AddrBits'(d_addr_b); job_addr_c_q <= AddrBits'(d_addr_c);
      end
    end
  end

  // Byte counts of the job's three streams (T x N x 8 < 2^30).
  logic [31:0] rec_bytes, h0_bytes, out_bytes;
  assign rec_bytes = 32'(job_t_q) * 32'(job_n_q) * 32'd8;
  assign h0_bytes  = 32'(job_n_q) * 32'd4;
  assign out_bytes = job_out_last_q ? h0_bytes : rec_bytes / 32'd2;

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
  typedef enum logic [2:0] {CsIdle, CsLoad, CsStep, CsDrain, CsEnd} cs_state_e;
  cs_state_e        cs_state_q, cs_state_d;
  logic [IBits-1:0] idx_q, idx_d;        // element
  logic [15:0]      t_q, t_d;            // timestep
  logic             half_q, half_d;      // CsLoad: upper word of the beat
  logic [IBits-1:0] keep_n_q, keep_n_d;  // N of the last RECUR that completed cleanly

  logic [31:0]      state_mem [2**SBits];
  logic [SBits-1:0] st_addr;
  logic             st_we;
  logic [31:0] st_wdata, st_rdata, h_prev, h_next;
  logic        h_from_zero;

  assign st_addr  = SBits'(idx_q);  // idx_q < N <= StateWords
  assign st_rdata = state_mem[st_addr];
  always_ff @(posedge clk_i) begin
    if (st_we) state_mem[st_addr] <= st_wdata;
  end

  // h_{t-1} at t = 0: zero for INIT = ZERO, and for KEEP beyond what the last
  // clean RECUR left.
  assign h_from_zero = t_q == 16'd0 &&
                       (job_init_q == InitZero || (job_init_q == InitKeep && idx_q >= keep_n_q));
  assign h_prev = h_from_zero ? 32'd0 : st_rdata;

  npe_recur_diag u_diag (
    .a_i (rd_data_i[63:32]), .b_i (rd_data_i[31:0]), .h_i (h_prev), .h_o (h_next)
  );

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

  // The consumer takes an element when its input is there and the packer
  // can take the result (a free FIFO slot).
  assign load_fire  = cs_state_q == CsLoad && rd_data_valid_i && !stop_q;
  assign step_fire  = cs_state_q == CsStep && rd_data_valid_i && !stop_q &&
                      (job_out_last_q || !fifo_full);
  assign drain_fire = cs_state_q == CsDrain && !stop_q && !fifo_full;
  assign rec_last   = idx_q + 1'b1 == job_n_q && t_q + 16'd1 == job_t_q;

  // Read beats: taken by the consumer, or discarded after a stop (so the
  // command under way runs out) and whenever no job wants them.
  always_comb begin
    unique case (cs_state_q)
      CsLoad:  rd_data_ready_o = stop_q || (half_q || idx_q + 1'b1 == job_n_q);
      CsStep:  rd_data_ready_o = stop_q || step_fire;
      default: rd_data_ready_o = 1'b1;
    endcase
  end

  assign st_we    = load_fire || step_fire;
  assign st_wdata = cs_state_q == CsLoad ? (half_q ? rd_data_i[63:32] : rd_data_i[31:0]) : h_next;

  assign pk_push = (step_fire && !job_out_last_q) || drain_fire;
  assign pk_word = cs_state_q == CsDrain ? st_rdata : h_next;
  assign pk_last = out_cnt_q == 32'd1;

  always_comb begin
    cs_state_d = cs_state_q;
    idx_d      = idx_q;
    t_d        = t_q;
    half_d     = half_q;
    unique case (cs_state_q)
      CsIdle: begin
        if (job_go_q) begin
          if (job_init_q == InitLoad) cs_state_d = CsLoad;
          else                        cs_state_d = CsStep;
          idx_d      = '0;
          t_d        = '0;
          half_d     = 1'b0;
        end
      end
      // h_0 from the beats of ADDR_B, low word first.
      CsLoad: begin
        if (load_fire) begin
          half_d = !half_q;
          if (idx_q + 1'b1 == job_n_q) begin
            cs_state_d = CsStep;
            idx_d      = '0;
            half_d     = 1'b0;
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
      // OUT_LAST: the final state, read out in order.
      CsDrain: begin
        if (drain_fire) begin
          if (idx_q + 1'b1 == job_n_q) cs_state_d = CsEnd;
          else                         idx_d = idx_q + 1'b1;
        end
      end
      CsEnd: ;
      default: cs_state_d = CsIdle;
    endcase
    if (stop_q && cs_state_q != CsIdle) cs_state_d = CsEnd;
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
  assign job_end = job_state_q == JobRun && !job_go_q && rd_state_q == RdIdle &&
                   wr_state_q == WrIdle && (cs_state_q == CsEnd || stop_q);

  always_comb begin
    job_state_d = job_state_q;
    stop_d      = stop_q;
    err_d       = err_q;
    err_addr_d  = err_addr_q;
    keep_n_d    = keep_n_q;
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
      end
    end
    if (abort_i && job_state_q == JobIdle && !job_go_q) keep_n_d = '0;
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
  RecurReadBeatsOnlyInCommand: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (rd_data_valid_i && rd_data_ready_o && job_state_q == JobRun && !stop_q) |->
      rd_state_q == RdRun);
`endif

endmodule
