// SPDX-License-Identifier: Apache-2.0
// npe_storer: executes STORE descriptors: writes the rows of one output
// buffer to device memory through the DMA, one DMA command per row, packing
// elements little-endian into 64-bit beats (binary32: 2 per beat; format
// patterns as 16-bit words: 4 per beat). It checks a STORE descriptor when
// npe_cmd asks (the dispatch port); npe_cmd decides when it runs.
module npe_storer #(
  parameter int          Rows      = 4,
  parameter int          Cols      = 2,
  parameter int          OutGroups = 32,
  parameter int          AddrBits  = 64,  // DMA address bits (addresses wrap at 2^AddrBits)
  parameter int          MaxCols   = Cols * OutGroups  // derived: the largest N
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

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

  // Output-buffer read (buffer buf_o)
  output logic                     buf_o,
  output logic [$clog2(Rows > 1 ? Rows : 2)-1:0]  ob_row_o,
  output logic [15:0]              ob_col_o,
  input  logic [31:0]              ob_data_i,

  // DMA write command and data
  output logic                     wr_cmd_valid_o,
  input  logic                     wr_cmd_ready_i,
  output logic [AddrBits-1:0]      wr_cmd_addr_o,
  output logic [31:0]              wr_cmd_len_o,
  output logic                     wr_data_valid_o,
  input  logic                     wr_data_ready_i,
  output logic [63:0]              wr_data_o,
  input  logic                     wr_done_i,
  input  logic [7:0]               wr_err_i,
  input  logic [AddrBits-1:0]      wr_err_addr_i
);

  // ---------------------------------------------------------------------------
  // Dispatch port: STORE descriptors (docs/REGMAP.md, opcode STORE)
  // ---------------------------------------------------------------------------
  // Descriptor addresses at or above 2^AddrBits are outside every DMA window.
  localparam logic [63:0] AddrHiMask = AddrBits >= 64 ? 64'd0 : ~64'd0 << AddrBits;
  logic [7:0]  d_spad;
  logic [15:0] d_m, d_n;
  logic [63:0] d_addr;
  logic [31:0] d_stride;
  assign d_spad   = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
  assign d_m      = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
  assign d_n      = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
  assign d_addr   = job_desc_i[npe_pkg::DescAddrCLsb +: npe_pkg::DescAddrCBits];
  assign d_stride = job_desc_i[npe_pkg::DescStrideCLsb +: npe_pkg::DescStrideCBits];

  // The check and claim, inside job_chk_en_i (npe_cmd asks in a head's
  // first cycle; docs/ARCHITECTURE.md, "Simulation speed"): 0 otherwise, so
  // the Verilator model skips them in the other cycles. Own copies of the fields: the
  // d_* above feed the job's registers on job_valid_i, which depends on
  // claim_o.
  logic [7:0]  c_spad;
  logic [15:0] c_m, c_n;
  logic [63:0] c_addr;
  logic [31:0] c_stride;
  always_comb begin
    if (job_chk_en_i) begin
      c_spad   = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
      c_m      = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
      c_n      = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
      c_addr   = job_desc_i[npe_pkg::DescAddrCLsb +: npe_pkg::DescAddrCBits];
      c_stride = job_desc_i[npe_pkg::DescStrideCLsb +: npe_pkg::DescStrideCBits];
      chk_code_o =
          c_spad[6:0] != 7'd2                                   ? 8'(npe_pkg::ErrSpadRange) :
          c_m == 16'd0 || 32'(c_m) > Rows || c_n == 16'd0 ||
          32'(c_n) > MaxCols                                    ? 8'(npe_pkg::ErrBadDims) :
          c_addr[2:0] != 3'd0 || (c_m > 16'd1 && c_stride[2:0] != 3'd0)
                                                                ? 8'(npe_pkg::ErrAlign) :
          (c_addr & AddrHiMask) != 64'd0                        ? 8'(npe_pkg::ErrDmaWindow) :
                                                                  8'(npe_pkg::ErrNone);
      chk_addr_o = AddrBits'(c_addr);
      // The storer, the output buffer it reads, and the DMA's write channel
      // (which the recurrence unit also uses).
      claim_o = (npe_pkg::NumRes'(1) << npe_pkg::UnitStorer) |
                (npe_pkg::NumRes'(1) << (npe_pkg::ResOut0 + 32'(c_spad[7]))) |
                (npe_pkg::NumRes'(1) << npe_pkg::ResDmaWr);
    end else begin
      c_spad = '0; c_m = '0; c_n = '0; c_addr = '0; c_stride = '0;
      chk_code_o = 8'(npe_pkg::ErrNone);
      chk_addr_o = '0;
      claim_o    = '0;
    end
  end
  logic unused_fields;  // the bits the check and the job do not read
  assign unused_fields = ^{d_spad[6:0], d_m[15:8], c_stride[31:3], d_addr};
  assign next_o  = 1'b0;

  // The job, registered at dispatch and held until done_o.
  logic                job_go_q, job_buf_q, job_fp32_q;
  logic [7:0]          job_m_q;
  logic [15:0]         job_n_q;
  logic [AddrBits-1:0] job_addr_q;
  logic [31:0]         job_stride_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_buf_q <= 1'b0; job_fp32_q <= 1'b0; job_m_q <= '0; job_n_q <= '0;
      job_addr_q <= '0; job_stride_q <= '0;
    end else begin
      job_go_q <= job_valid_i;
      if (job_valid_i) begin
        job_buf_q <= d_spad[7]; job_fp32_q <= job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagOutFp32Bit];
        job_m_q <= d_m[7:0]; job_n_q <= d_n; job_addr_q <= AddrBits'(d_addr);
        job_stride_q <= d_stride;
      end
    end
  end
  assign buf_o = job_buf_q;

  typedef enum logic [2:0] {StIdle, StCmd, StFill, StBeat, StWait} state_e;

  state_e      state_q, state_d;
  // Row and column counters as wide as the job can need (job_m_q <= Rows,
  // job_n_q <= MaxCols), and at least two column bits (beat position)
  localparam int RBits   = $clog2(Rows + 1);
  localparam int CBitsRaw = $clog2(MaxCols + 1);
  localparam int CBits   = CBitsRaw < 2 ? 2 : CBitsRaw;
  logic [RBits-1:0] row_q, row_d;
  logic [CBits-1:0] col_q, col_d;
  logic [AddrBits-1:0] addr_q, addr_d;
  logic [63:0] beat_q, beat_d;
  logic [7:0]  err_q, err_d;
  logic [AddrBits-1:0] err_addr_q, err_addr_d;
  logic        abort_q, abort_d;
  logic        abort_now;      // abort asked, this job (read by the FSM; not abort_d)
  logic        beat_full, row_end;

  // The next element merged into the beat (by mask: see npe_cmd on why).
  logic [63:0] beat_ins;
  assign beat_ins = job_fp32_q
      ? ((beat_q & ~(64'hffff_ffff << (32 * col_q[0]))) | ({32'd0, ob_data_i} << (32 * col_q[0])))
      : ((beat_q & ~(64'hffff << (16 * col_q[1:0]))) | ({48'd0, ob_data_i[15:0]} << (16 * col_q[1:0])));

  assign abort_now = abort_q | abort_i;
  // The output buffer's read is registered (block RAM): it gets next cycle's
  // element, so ob_data_i is element (row_q, col_q) when it is merged.
  assign ob_row_o = $clog2(Rows > 1 ? Rows : 2)'(row_d);
  assign ob_col_o = 16'(col_d);
  assign row_end  = col_q + 1'b1 == CBits'(job_n_q);
  assign beat_full = job_fp32_q ? col_q[0] : (col_q[1:0] == 2'd3);

  // Outputs come from the state, not from the block below: an output given a
  // default and then overridden glitches in event-driven simulators (Icarus),
  // and the DMA's reply to that glitch would loop back in zero time.
  logic row_done, last_row;
  assign row_done = wr_done_i && (state_q == StFill || state_q == StBeat || state_q == StWait);
  assign last_row = row_q + 1'b1 == RBits'(job_m_q) || wr_err_i != 8'd0 || err_q != 8'd0 || abort_now;
  assign wr_cmd_valid_o  = state_q == StCmd;
  assign wr_cmd_addr_o   = addr_q;
  assign wr_cmd_len_o    = job_fp32_q ? {14'd0, job_n_q, 2'b00} : {15'd0, job_n_q, 1'b0};
  assign wr_data_valid_o = state_q == StBeat && !row_done;
  assign done_o          = row_done && last_row;

  always_comb begin
    state_d         = state_q;
    row_d           = row_q;
    col_d           = col_q;
    addr_d          = addr_q;
    beat_d          = beat_q;
    err_d           = err_q;
    err_addr_d      = err_addr_q;
    abort_d         = abort_now;
    unique case (state_q)
      // Waiting for a job.
      StIdle: begin
        if (job_go_q) begin
          state_d    = StCmd;
          row_d      = '0;
          addr_d     = job_addr_q;
          err_d      = 8'd0;
          err_addr_d = '0;
          abort_d    = abort_i;
        end
      end
      // Requesting the DMA write of one row.
      StCmd: begin
        if (wr_cmd_ready_i) begin
          state_d = StFill;
          col_d   = '0;
          beat_d  = '0;
        end
      end
      // Gathering one element per cycle into the beat.
      StFill: begin
        beat_d = beat_ins;
        if (beat_full || row_end) state_d = StBeat;
        else col_d = col_q + 1'b1;
      end
      // Offering the beat until the DMA takes it.
      StBeat: begin
        if (wr_data_ready_i) begin
          beat_d = '0;
          if (row_end) begin
            state_d = StWait;
          end else begin
            state_d = StFill;
            col_d   = col_q + 1'b1;
          end
        end
      end
      // Waiting for the write response of the row.
      StWait: ;
      default: state_d = StIdle;
    endcase
    // The row's completion: normally in StWait after the last beat, but a
    // refused command (window, alignment) completes at once, before any data.
    if (row_done) begin
      if (wr_err_i != 8'd0 && err_q == 8'd0) begin
        err_d      = wr_err_i;
        err_addr_d = wr_err_addr_i;
      end
      if (last_row) begin
        state_d = StIdle;
      end else begin
        state_d = StCmd;
        row_d   = row_q + 1'b1;
        addr_d  = addr_q + AddrBits'(job_stride_q);
      end
    end
  end

  assign wr_data_o  = beat_q;
  assign busy_o     = job_go_q || state_q != StIdle;
  assign err_o      = err_d;
  assign err_addr_o = err_addr_d;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      row_q      <= '0;
      col_q      <= '0;
      addr_q     <= '0;
      beat_q     <= '0;
      err_q      <= '0;
      err_addr_q <= '0;
      abort_q    <= 1'b0;
    end else begin
      state_q    <= state_d;
      row_q      <= row_d;
      col_q      <= col_d;
      addr_q     <= addr_d;
      beat_q     <= beat_d;
      err_q      <= err_d;
      err_addr_q <= err_addr_d;
      abort_q    <= abort_d;
    end
  end

  // job_m_q <= Rows (npe_cmd checks it): only its low RBits bits count.
  logic unused_m;
  assign unused_m = ^job_m_q ^ ^job_stride_q ^ ^job_desc_i;  // (stride bits above AddrBits: addresses wrap)

endmodule
