// SPDX-License-Identifier: Apache-2.0
// npe_loader: executes LOAD descriptors: reads rows of a tensor from device
// memory through the DMA and writes them into the banks of one scratchpad
// buffer. Row i goes to bank (i mod NumBanks) at word (i div NumBanks) *
// (row bytes / 8). It checks a LOAD descriptor and names the buffer it
// writes when npe_cmd asks (the dispatch port); npe_cmd decides when it runs.
// A LOAD with FLAGS.SHERRY (HasSherry builds) reads Sherry 1.25-bit ternary
// rows and unpacks them on the way (npe_sherry_unpack): the scratchpad gets
// the same words, the DMA moves 5/8 of the bytes, and the read data is
// held back (rd_data_ready_o) while the unpacker's buffer is full.
module npe_loader #(
  parameter int          Rows         = 4,    // A banks
  parameter int          Cols         = 2,    // B banks
  parameter int          ABankWords   = 1024, // 64-bit words per A bank per buffer
  parameter int          BBankWords   = 2048, // 64-bit words per B bank per buffer
  parameter int          AddrBits     = 64,   // DMA address bits (addresses wrap at 2^AddrBits)
  parameter bit          HasSherry    = 1'b1, // build the Sherry unpacker (LOAD FLAGS.SHERRY)
  parameter bit          UnitClockGates = 1'b0, // the unpacker on a gated clock (npe_top's; never on an FPGA)
  // derived (leave at their defaults)
  parameter int          MaxBanks     = Rows > Cols ? Rows : Cols,
  parameter int          BankAddrBits = $clog2(ABankWords > BBankWords ? ABankWords : BBankWords)
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

  // DMA read command and data
  output logic                          rd_cmd_valid_o,
  input  logic                          rd_cmd_ready_i,
  output logic [AddrBits-1:0]           rd_cmd_addr_o,
  output logic [31:0]                   rd_cmd_len_o,
  input  logic                          rd_data_valid_i,
  output logic                          rd_data_ready_o, // low: hold the beat (Sherry unpacker full)
  input  logic [63:0]                   rd_data_i,
  input  logic                          rd_done_i,
  input  logic [7:0]                    rd_err_i,
  input  logic [AddrBits-1:0]           rd_err_addr_i,
  output logic                          rd_wait_o,    // a job waits for read data (PERF_STALL_DMA)

  // Scratchpad write (buffer is_b_o ? B : A, buffer buf_o of it)
  output logic                          is_b_o,
  output logic                          buf_o,
  output logic                          sp_we_o,
  output logic [$clog2(MaxBanks > 1 ? MaxBanks : 2)-1:0]   sp_bank_o,
  output logic [BankAddrBits-1:0]       sp_addr_o,
  output logic [63:0]                   sp_wdata_o
);

  // ---------------------------------------------------------------------------
  // Dispatch port: LOAD descriptors (docs/REGMAP.md, opcode LOAD)
  // ---------------------------------------------------------------------------
  // Descriptor addresses at or above 2^AddrBits are outside every DMA window.
  localparam logic [63:0] AddrHiMask = AddrBits >= 64 ? 64'd0 : ~64'd0 << AddrBits;
  logic [7:0]  d_spad;
  logic [15:0] d_m, d_k;
  logic [63:0] d_addr;
  logic [31:0] d_stride;
  logic        d_is_b;
  assign d_spad   = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
  assign d_m      = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
  assign d_k      = job_desc_i[npe_pkg::DescKLsb +: npe_pkg::DescKBits];
  assign d_addr   = job_desc_i[npe_pkg::DescAddrALsb +: npe_pkg::DescAddrABits];
  assign d_stride = job_desc_i[npe_pkg::DescStrideALsb +: npe_pkg::DescStrideABits];
  assign d_is_b   = d_spad[6:0] == 7'd1;

  // Sherry source rows: K / 8 scratchpad words of G groups of 5 bits (G = 8,
  // or 2 x Rows in the mat-vec layout), each row from its own 8-byte
  // aligned address.
  localparam int MvRows = Rows > 4 ? 4 : Rows;
  logic        d_sherry, d_mv;
  logic [31:0] d_src_bits;
  assign d_sherry   = job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagSherryBit];
  assign d_mv       = job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagMatvecBit];
  assign d_src_bits = d_mv ? 32'(d_k[15:3]) * 32'(10 * MvRows) : 32'(d_k[15:3]) * 32'd40;

  // The check and claim, inside job_chk_en_i (npe_cmd asks in a head's
  // first cycle; docs/ARCHITECTURE.md, "Simulation speed"): 0 otherwise, so
  // the Verilator model skips them in the other cycles. Own copies of the fields: the
  // d_* above feed the job's registers on job_valid_i, which depends on
  // claim_o.
  logic [7:0]  c_spad;
  logic [15:0] c_m, c_k, c_rows_per_bank;
  logic [63:0] c_addr;
  logic [31:0] c_stride, c_need_words, c_cap_words;
  logic        c_is_b, c_sherry, c_mv;
  always_comb begin
    if (job_chk_en_i) begin
      c_spad   = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
      c_m      = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
      c_k      = job_desc_i[npe_pkg::DescKLsb +: npe_pkg::DescKBits];
      c_addr   = job_desc_i[npe_pkg::DescAddrALsb +: npe_pkg::DescAddrABits];
      c_stride = job_desc_i[npe_pkg::DescStrideALsb +: npe_pkg::DescStrideABits];
      c_sherry = job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagSherryBit];
      c_mv     = job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagMatvecBit];
      c_is_b   = c_spad[6:0] == 7'd1;
      // Divisions by the constant bank counts, not by a mux of them: a
      // divider by a variable is a large circuit, one by a power of two is
      // wiring.
      c_rows_per_bank = c_is_b ? 16'((32'(c_m) + Cols - 1) / Cols)
                               : 16'((32'(c_m) + Rows - 1) / Rows);
      c_need_words    = 32'(c_rows_per_bank) * 32'(c_k[15:3]);
      c_cap_words     = c_is_b ? BBankWords : ABankWords;
      chk_code_o =
          c_spad[6:0] > 7'd1                    ? 8'(npe_pkg::ErrSpadRange) :
          c_sherry && !HasSherry                ? 8'(npe_pkg::ErrBadOpcode) :
          c_sherry && (!c_is_b || job_desc_i[npe_pkg::DescFmtBLsb +: npe_pkg::DescFmtBBits] != 8'(npe_pkg::FmtTernary))
                                                ? 8'(npe_pkg::ErrBadFormat) :
          c_sherry && c_mv && (Rows < 2 || Rows > 4) ? 8'(npe_pkg::ErrBadDims) :
          c_m == 16'd0 || c_k == 16'd0          ? 8'(npe_pkg::ErrBadDims) :
          c_k[2:0] != 3'd0 || c_addr[2:0] != 3'd0 ||
          (c_m > 16'd1 && c_stride[2:0] != 3'd0) ? 8'(npe_pkg::ErrAlign) :
          (c_addr & AddrHiMask) != 64'd0        ? 8'(npe_pkg::ErrDmaWindow) :
          c_need_words > c_cap_words            ? 8'(npe_pkg::ErrSpadRange) :
                                                  8'(npe_pkg::ErrNone);
      chk_addr_o = AddrBits'(c_addr);
      // The loader, and the buffer it writes.
      claim_o = (npe_pkg::NumRes'(1) << npe_pkg::UnitLoader) |
                (npe_pkg::NumRes'(1) << ((c_is_b ? npe_pkg::ResSpadB0 : npe_pkg::ResSpadA0) +
                                         32'(c_spad[7])));
    end else begin
      c_spad = '0; c_m = '0; c_k = '0; c_addr = '0; c_stride = '0; c_is_b = 1'b0;
      c_rows_per_bank = '0; c_need_words = '0; c_cap_words = '0; c_sherry = 1'b0; c_mv = 1'b0;
      chk_code_o = 8'(npe_pkg::ErrNone);
      chk_addr_o = '0;
      claim_o    = '0;
    end
  end
  logic unused_fields;  // the bits the check and the job do not read
  assign unused_fields = ^c_stride[31:3] ^ ^d_addr;
  assign next_o  = 1'b0;

  // The job, registered at dispatch and held until done_o.
  logic                job_go_q, job_is_b_q, job_buf_q;
  logic [15:0]         job_rows_q, job_row_words_q;
  logic [AddrBits-1:0] job_addr_q;
  logic [31:0]         job_stride_q;
  logic                job_sherry_q, job_mv_q;
  logic [31:0]         job_src_bytes_q;  // Sherry: source bytes per row
  logic [15:0]         job_src_beats_q;  // Sherry: DMA beats per row
  logic [$clog2(MaxBanks+1)-1:0] job_banks;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_is_b_q <= 1'b0; job_buf_q <= 1'b0; job_rows_q <= '0;
      job_row_words_q <= '0; job_addr_q <= '0; job_stride_q <= '0;
      job_sherry_q <= 1'b0; job_mv_q <= 1'b0; job_src_bytes_q <= '0; job_src_beats_q <= '0;
    end else begin
      job_go_q <= job_valid_i;
      if (job_valid_i) begin
        job_is_b_q <= d_is_b; job_buf_q <= d_spad[7]; job_rows_q <= d_m;
        job_row_words_q <= d_k >> 3; job_addr_q <= AddrBits'(d_addr); job_stride_q <= d_stride;
        job_sherry_q <= HasSherry && d_sherry; job_mv_q <= d_mv;
        job_src_bytes_q <= (d_src_bits + 32'd7) >> 3;
        job_src_beats_q <= 16'((d_src_bits + 32'd63) >> 6);
      end
    end
  end
  assign job_banks = $clog2(MaxBanks+1)'(job_is_b_q ? Cols : Rows);
  assign is_b_o    = job_is_b_q;
  assign buf_o     = job_buf_q;

  typedef enum logic [1:0] {StIdle, StCmd, StWait, StDrain} state_e;

  state_e      state_q, state_d;
  logic        contiguous;
  logic [15:0] cmd_row_q, cmd_row_d;          // next row to request
  logic [AddrBits-1:0] cmd_addr_q, cmd_addr_d;
  logic [7:0]  err_q, err_d;
  logic [AddrBits-1:0] err_addr_q, err_addr_d;
  logic        abort_q, abort_d;
  logic        abort_now;      // abort asked, this job (read by the FSM; not abort_d)
  // write position of the next data beat
  logic [15:0] word_q, word_d;                 // word within the row
  logic [$clog2(MaxBanks > 1 ? MaxBanks : 2)-1:0] bank_q, bank_d;
  logic [BankAddrBits-1:0]     slot_base_q, slot_base_d;

  // Rows packed back to back in memory load with one DMA command (Sherry
  // rows: each padded to whole beats).
  assign contiguous = (job_stride_q == (job_sherry_q ? 32'({job_src_beats_q, 3'b000})
                                                     : 32'({job_row_words_q, 3'b000}))) ||
                      (job_rows_q == 16'd1);

  assign abort_now = abort_q | abort_i;

  // ---------------------------------------------------------------------------
  // Command FSM
  // ---------------------------------------------------------------------------
  // Outputs come from the state, not from the block below: an output given a
  // default and then overridden glitches in event-driven simulators (Icarus),
  // and the DMA's reply to that glitch would loop back in zero time.
  logic last_done;
  logic unp_idle;   // the Sherry unpacker has no row in progress
  assign last_done = cmd_row_q == job_rows_q || rd_err_i != 8'd0 || err_q != 8'd0 || abort_now;
  assign rd_cmd_valid_o = state_q == StCmd;
  assign rd_cmd_addr_o  = cmd_addr_q;
  assign rd_cmd_len_o   = job_sherry_q ?
      (contiguous ? (32'(job_rows_q) - 32'd1) * 32'({job_src_beats_q, 3'b000}) + job_src_bytes_q
                  : job_src_bytes_q) :
      (contiguous ? 32'(job_rows_q) * 32'({job_row_words_q, 3'b000})
                  : 32'({job_row_words_q, 3'b000}));
  // A Sherry LOAD ends when the unpacker has written its last word.
  assign done_o         = (state_q == StWait && rd_done_i && last_done && !job_sherry_q) ||
                          (state_q == StDrain && unp_idle);

  always_comb begin
    state_d        = state_q;
    cmd_row_d      = cmd_row_q;
    cmd_addr_d     = cmd_addr_q;
    err_d          = err_q;
    err_addr_d     = err_addr_q;
    abort_d        = abort_now;
    unique case (state_q)
      // Waiting for a job.
      StIdle: begin
        if (job_go_q) begin
          state_d    = StCmd;
          cmd_row_d  = 16'd0;
          cmd_addr_d = job_addr_q;
          err_d      = 8'd0;
          err_addr_d = '0;
          abort_d    = abort_i;
        end
      end
      // Requesting the DMA read of one row (or of all rows at once).
      StCmd: begin
        if (rd_cmd_ready_i) begin
          state_d    = StWait;
          cmd_row_d  = contiguous ? job_rows_q : cmd_row_q + 16'd1;
          cmd_addr_d = cmd_addr_q + AddrBits'(job_stride_q);
        end
      end
      // Waiting for the DMA to finish that command.
      StWait: begin
        if (rd_done_i) begin
          if (rd_err_i != 8'd0 && err_q == 8'd0) begin
            err_d      = rd_err_i;
            err_addr_d = rd_err_addr_i;
          end
          if (last_done && job_sherry_q) begin
            state_d = StDrain;
          end else if (last_done) begin
            state_d = StIdle;
          end else begin
            state_d = StCmd;
          end
        end
      end
      // Sherry: every beat is in; the unpacker writes its last words.
      StDrain: begin
        if (unp_idle) state_d = StIdle;
      end
      default: state_d = StIdle;
    endcase
  end

  assign err_o      = (rd_done_i && rd_err_i != 8'd0 && err_q == 8'd0) ? rd_err_i : err_q;
  assign err_addr_o = (rd_done_i && rd_err_i != 8'd0 && err_q == 8'd0) ? rd_err_addr_i
                                                                       : err_addr_q;
  assign busy_o     = job_go_q || state_q != StIdle;
  assign rd_wait_o  = (state_q == StCmd || state_q == StWait) && !rd_data_valid_i;

  // ---------------------------------------------------------------------------
  // Data beats to the scratchpad
  // ---------------------------------------------------------------------------
  logic        unp_in_ready, unp_out_valid;
  logic [63:0] unp_out_data;
  if (HasSherry) begin : gen_sherry
    // Its clock (npe_top, "Unit clock gates") ticks at a LOAD's start (it
    // takes the row shape), through a Sherry LOAD (its beats), while it
    // holds a row, in reset, and one cycle after each: nothing else moves
    // its registers.
    logic unp_start, unp_wake, unp_wake_q, unp_en, clk_unp;
    assign unp_start = state_q == StIdle && job_go_q;
    assign unp_wake  = !rst_ni || unp_start || (job_sherry_q && state_q != StIdle) || !unp_idle;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) unp_wake_q <= 1'b1;
      else         unp_wake_q <= unp_wake;
    end
    assign unp_en = unp_wake || unp_wake_q;
    npe_clk_gate #(.Enabled (UnitClockGates)) u_cg (.clk_i, .en_i (unp_en), .clk_o (clk_unp));
    npe_sherry_unpack #(.Rows (Rows)) u_unpack (
      .clk_i (clk_unp), .rst_ni,
      .start_i     (unp_start),
      .matvec_i    (job_mv_q),
      .row_beats_i (job_src_beats_q),
      .row_words_i (job_row_words_q[12:0]),
      .in_valid_i  (rd_data_valid_i && state_q != StIdle && job_sherry_q),
      .in_ready_o  (unp_in_ready),
      .in_data_i   (rd_data_i),
      .out_valid_o (unp_out_valid),
      .out_data_o  (unp_out_data),
      .idle_o      (unp_idle)
    );
  end else begin : gen_no_sherry
    assign unp_in_ready  = 1'b1;
    assign unp_out_valid = 1'b0;
    assign unp_out_data  = '0;
    assign unp_idle      = 1'b1;
  end

  // (In StIdle no beat comes; the unpacker takes its configuration the
  // cycle the job starts.)
  assign rd_data_ready_o = !job_sherry_q || state_q == StIdle || unp_in_ready;
  assign sp_we_o    = job_sherry_q ? unp_out_valid : rd_data_valid_i && state_q != StIdle;
  assign sp_bank_o  = bank_q;
  assign sp_addr_o  = slot_base_q + BankAddrBits'(word_q);
  assign sp_wdata_o = job_sherry_q ? unp_out_data : rd_data_i;

  always_comb begin
    word_d      = word_q;
    bank_d      = bank_q;
    slot_base_d = slot_base_q;
    if (state_q == StIdle && job_go_q) begin
      word_d      = 16'd0;
      bank_d      = '0;
      slot_base_d = '0;
    end else if (sp_we_o) begin
      if (word_q + 16'd1 == job_row_words_q) begin
        word_d = 16'd0;
        if (32'(bank_q) + 32'd1 == 32'(job_banks)) begin
          bank_d      = '0;
          slot_base_d = slot_base_q + BankAddrBits'(job_row_words_q);
        end else begin
          bank_d = bank_q + 1'b1;
        end
      end else begin
        word_d = word_q + 16'd1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      cmd_row_q   <= '0;
      cmd_addr_q  <= '0;
      err_q       <= '0;
      err_addr_q  <= '0;
      abort_q     <= 1'b0;
      word_q      <= '0;
      bank_q      <= '0;
      slot_base_q <= '0;
    end else begin
      state_q     <= state_d;
      cmd_row_q   <= cmd_row_d;
      cmd_addr_q  <= cmd_addr_d;
      err_q       <= err_d;
      err_addr_q  <= err_addr_d;
      abort_q     <= abort_d;
      word_q      <= word_d;
      bank_q      <= bank_d;
      slot_base_q <= slot_base_d;
    end
  end

  // With AddrBits < 32 the stride's upper bits only matter through the
  // contiguity test (addresses wrap at 2^AddrBits).
  logic unused_stride;
  assign unused_stride = ^{job_stride_q, job_desc_i, job_row_words_q[15:13], job_mv_q};

`ifdef NPE_ASSERT
  // Beats are only held back for a Sherry LOAD.
  LoaderReadyOnlySherry: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !rd_data_ready_o |-> job_sherry_q && state_q != StIdle);
  // A Sherry LOAD that ended left the unpacker empty.
  LoaderSherryDoneDrained: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (done_o && job_sherry_q) |-> unp_idle);
  // Every beat of a LOAD belongs to a job.
  LoaderBeatInJob: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rd_data_valid_i |-> state_q == StCmd || state_q == StWait);
  // The unpacker's clock runs whenever it takes a start or a beat, or
  // gives a word (its wake condition, checked from the events).
  if (HasSherry) begin : gen_unp_awake
    LoaderUnpackAwake: assert property (@(posedge clk_i) disable iff (!rst_ni)
        (gen_sherry.unp_start || (rd_data_valid_i && job_sherry_q) || unp_out_valid) |->
        gen_sherry.unp_en);
  end
`endif

endmodule
