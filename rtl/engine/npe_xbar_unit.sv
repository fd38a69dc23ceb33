// SPDX-License-Identifier: Apache-2.0
// npe_xbar_unit: the exact digital equivalent of the analog crossbar tile
// (docs/NLU.md, models/xbar): a TileN x TileK store of INT8 weights that XBAR
// with FLAGS.PROGRAM fills from a B scratchpad buffer, and the mat-vec
// y[r][j] = sum_i W[j][i] x[r][i] for the M <= Rows input vectors of an A
// buffer, written as binary32 column values into an output buffer, where the
// command processor then runs the NLU over them (the tile's ramp ADC).
//
// In the Verilator build (NPE_XBAR_DPI defined) libnpesim can put the
// analog tile model behind the same opcode: the unit then hands the weight
// and input words to models/xbar through DPI, waits the model's programming and
// conversion cycles, and writes the model's codes itself (codes_o: no NLU
// phase). Every other build, and the simulator by default, runs the digital
// path below.
//
// Programming copies one 64-bit word (8 weights) per cycle: N x K/8 cycles.
// A run takes N x K/8 cycles: each cycle one weight word meets the same
// input word of every row (8 x Rows MACs). Weights row j of the tile are B
// row j (bank j mod Cols, word (j div Cols) x K/8 + w, as LOAD places it);
// input vector r is A row r (bank r, word w).
module npe_xbar_unit #(
  parameter int Rows          = 4,
  parameter int Cols          = 2,
  parameter int TileK         = 64,   // inputs (word lines), multiple of 8, <= 128
  parameter int TileN         = 64,   // outputs (columns)
  parameter int ABankAddrBits = 10,   // word address within one A buffer
  parameter int BBankAddrBits = 11,   // word address within one B buffer
  parameter int OutGroups     = 32,
  parameter int AddrBits      = 64    // width of the dispatch port's addresses (unused here)
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
  output logic                           codes_o,    // with done_o: the analog model wrote codes

  // Scratchpad reads (the buffer is the address's top bit)
  output logic                           a_re_o,
  output logic [ABankAddrBits:0]         a_raddr_o,
  input  logic [Rows*64-1:0]             a_rdata_i,
  output logic                           b_re_o,
  output logic [BBankAddrBits:0]         b_raddr_o,
  input  logic [Cols*64-1:0]             b_rdata_i,
  // Output buffer ob_buf_o, group write: PE-slot (r, c) at 32*(r*Cols+c)
  output logic                           ob_we_o,
  output logic                           ob_buf_o,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_grp_o,
  output logic [Rows*Cols*32-1:0]        ob_wdata_o
);

  // ---------------------------------------------------------------------------
  // Dispatch port: XBAR descriptors (docs/REGMAP.md, opcode XBAR). A run's
  // NLU step follows it (next_o): npe_cmd dispatches it to the NLU, which
  // checks AUX and claims the output buffer and itself for the whole run.
  // ---------------------------------------------------------------------------
  logic [7:0]  d_spad;
  logic [15:0] d_m, d_n, d_k;
  logic [31:0] d_aux;
  logic        d_prog;
  assign d_spad = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
  assign d_m    = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
  assign d_n    = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
  assign d_k    = job_desc_i[npe_pkg::DescKLsb +: npe_pkg::DescKBits];
  assign d_aux  = job_desc_i[npe_pkg::DescAuxLsb +: npe_pkg::DescAuxBits];
  assign d_prog = job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagProgramBit];

  // The tile keeps what was programmed until the next PROGRAM; SOFT_RESET
  // forgets it (a program may have been cut).
  logic        tile_ok_q;
  logic [15:0] tile_n_q, tile_kw_q;

  // The check and claim, inside job_chk_en_i (npe_cmd asks in a head's
  // first cycle and keeps the results: the tile state read here changes
  // only at a dispatch or a soft reset, after which npe_cmd asks again;
  // docs/ARCHITECTURE.md, "Simulation speed"): 0 otherwise, so Verilator
  // skips them in the other cycles. Own copies of the fields: the d_* above
  // feed the job's registers on job_valid_i, which depends on claim_o.
  logic [7:0]  c_fa, c_fb, c_spad;
  logic [15:0] c_m, c_n, c_k;
  logic        c_prog;
  always_comb begin
    if (job_chk_en_i) begin
      c_fa   = job_desc_i[npe_pkg::DescFmtALsb +: npe_pkg::DescFmtABits];
      c_fb   = job_desc_i[npe_pkg::DescFmtBLsb +: npe_pkg::DescFmtBBits];
      c_spad = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
      c_m    = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
      c_n    = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
      c_k    = job_desc_i[npe_pkg::DescKLsb +: npe_pkg::DescKBits];
      c_prog = job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagProgramBit];
      chk_code_o =
          c_fa != 8'(npe_pkg::FmtInt8) || c_fb != 8'(npe_pkg::FmtInt8) ? 8'(npe_pkg::ErrBadFormat) :
          c_spad[6:0] > 7'd7                                           ? 8'(npe_pkg::ErrSpadRange) :
          c_prog ? ((c_n == 16'd0 || 32'(c_n) > TileN || 32'(c_n) > Cols * OutGroups ||
                     c_k == 16'd0 || c_k[2:0] != 3'd0 || 32'(c_k) > TileK)
                    ? 8'(npe_pkg::ErrBadDims) : 8'(npe_pkg::ErrNone)) :
          c_m == 16'd0 || 32'(c_m) > Rows                              ? 8'(npe_pkg::ErrBadDims) :
          !tile_ok_q || c_n != tile_n_q || (c_k >> 3) != tile_kw_q ||
          c_k[2:0] != 3'd0                                             ? 8'(npe_pkg::ErrXbarState) :
                                                                         8'(npe_pkg::ErrNone);
      // The tile, the banks' read ports, and the buffer it reads: B to
      // program, A to run.
      claim_o = (npe_pkg::NumRes'(1) << npe_pkg::UnitXbar) |
                (npe_pkg::NumRes'(1) << npe_pkg::ResRdPorts) |
                (c_prog ? npe_pkg::NumRes'(1) << (npe_pkg::ResSpadB0 + 32'(c_spad[1]))
                        : npe_pkg::NumRes'(1) << (npe_pkg::ResSpadA0 + 32'(c_spad[0])));
    end else begin
      c_fa = '0; c_fb = '0; c_spad = '0; c_m = '0; c_n = '0; c_k = '0; c_prog = 1'b0;
      chk_code_o = 8'(npe_pkg::ErrNone);
      claim_o    = '0;
    end
  end
  assign chk_addr_o = '0;
  assign err_o      = 8'd0;
  assign err_addr_o = '0;

  // The job, registered at dispatch and held until done_o.
  logic        job_go_q, job_prog_q, job_a_buf_q, job_b_buf_q, job_o_buf_q;
  logic [15:0] job_n_q, job_kw_q;
  logic [7:0]  job_m_q;
  logic [3:0]  job_bits_q, job_shr_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_prog_q <= 1'b0; job_a_buf_q <= 1'b0; job_b_buf_q <= 1'b0;
      job_o_buf_q <= 1'b0; job_n_q <= '0; job_kw_q <= '0; job_m_q <= '0; job_bits_q <= '0;
      job_shr_q <= '0; tile_ok_q <= 1'b0; tile_n_q <= '0; tile_kw_q <= '0;
    end else begin
      job_go_q <= job_valid_i;
      if (job_valid_i) begin
        job_prog_q <= d_prog; job_a_buf_q <= d_spad[0]; job_b_buf_q <= d_spad[1];
        job_o_buf_q <= d_spad[2]; job_n_q <= d_n; job_kw_q <= d_k >> 3; job_m_q <= d_m[7:0];
        job_bits_q <= d_aux[3:0]; job_shr_q <= d_aux[15:12];
      end
      if (job_valid_i && d_prog) begin
        tile_ok_q <= 1'b1; tile_n_q <= d_n; tile_kw_q <= d_k >> 3;
      end
      if (abort_i) tile_ok_q <= 1'b0;
    end
  end
  assign ob_buf_o = job_o_buf_q;
  logic unused_desc;  // the fields above are all this unit reads
  assign unused_desc = ^{job_desc_i, d_spad[7:3], d_m[15:8], c_spad[7], d_aux[31:16], d_aux[11:4]};

  localparam int TileWords = TileN * TileK / 8;
  localparam int TBits     = $clog2(TileWords);
  localparam int CBits     = $clog2(Cols > 1 ? Cols : 2);
  localparam int GBits     = $clog2(OutGroups > 1 ? OutGroups : 2);

  // UnitIdle, UnitIssue (one word per cycle), UnitDrain (last word in flight,
  // last group written); analog model only: UnitWait (the model's cycles),
  // UnitCodes (one group of codes per cycle). Plain constants, not an enum
  // (Icarus, see npe_nlu_unit).
  localparam logic [2:0] UnitIdle = 3'd0, UnitIssue = 3'd1, UnitDrain = 3'd2,
                         UnitWait = 3'd3, UnitCodes = 3'd4;

`ifdef NPE_XBAR_DPI
  import "DPI-C" function int  npe_xbar_dpi_analog();
  import "DPI-C" function void npe_xbar_dpi_weight(input int t, input longint word);
  import "DPI-C" function int  npe_xbar_dpi_program(input int n, input int kw);
  import "DPI-C" function void npe_xbar_dpi_input(input int r, input int w, input longint word);
  import "DPI-C" function int  npe_xbar_dpi_run(input int m, input int n, input int kw,
                                                input int bits, input int shr);
  import "DPI-C" function int  npe_xbar_dpi_code(input int r, input int j);
`endif

  logic [2:0]  state_q, state_d;
  logic        ana_q, ana_d;          // this job runs on the analog model
  logic [31:0] wait_q, wait_d;        // model cycles left
  logic [15:0] cg_q, cg_d;            // code group being written
  logic        wait_started_q;         // UnitWait has loaded wait_q
  logic        prog_q, abort_q;
  logic [15:0] j_q, w_q;              // output row, word within it
  logic [CBits-1:0] jc_q;             // j mod Cols
  logic [15:0] slot_q;                // (j div Cols) x kw: B slot of row j
  logic [TBits-1:0] t_q;              // j x kw + w: tile word

  logic [63:0] tmem [TileWords];

  logic issue, last_w, last_j;
  assign issue  = state_q == UnitIssue;
  assign last_w = w_q + 16'd1 == job_kw_q;
  // An analog run streams the input words once (row j = 0 only).
  assign last_j = j_q + 16'd1 == job_n_q || abort_q || abort_i || (ana_q && !prog_q);

  // Stage 0: reads. A and B answer one cycle later; the tile word too.
  assign a_re_o    = issue && !prog_q;
  assign a_raddr_o = {job_a_buf_q, ABankAddrBits'(w_q)};
  assign b_re_o    = issue && prog_q;
  assign b_raddr_o = {job_b_buf_q, BBankAddrBits'(slot_q + w_q)};

  logic             s1_valid_q, s1_prog_q, s1_first_q, s1_last_q, s1_lastj_q;
  logic [CBits-1:0] s1_jc_q;
  logic [GBits-1:0] s1_grp_q;
  logic [TBits-1:0] s1_t_q;
  logic [63:0]      s1_tword_q;
  logic [15:0]      s1_w_q;

  always_ff @(posedge clk_i) begin
    if (issue && !prog_q) s1_tword_q <= tmem[t_q];
    if (s1_valid_q && s1_prog_q) tmem[s1_t_q] <= b_rdata_i[64*s1_jc_q +: 64];
    s1_w_q <= w_q;
`ifdef NPE_XBAR_DPI
    if (s1_valid_q && ana_q && s1_prog_q)
      npe_xbar_dpi_weight(32'(s1_t_q), b_rdata_i[64*s1_jc_q +: 64]);
    if (s1_valid_q && ana_q && !s1_prog_q)
      for (int r = 0; r < Rows; r++) npe_xbar_dpi_input(r, 32'(s1_w_q), a_rdata_i[64*r +: 64]);
`endif
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0; s1_prog_q <= 1'b0; s1_first_q <= 1'b0; s1_last_q <= 1'b0;
      s1_lastj_q <= 1'b0; s1_jc_q <= '0; s1_grp_q <= '0; s1_t_q <= '0;
    end else begin
      s1_valid_q <= issue;
      s1_prog_q  <= prog_q;
      s1_first_q <= w_q == 16'd0;
      s1_last_q  <= last_w;
      s1_lastj_q <= last_j;
      s1_jc_q    <= jc_q;
      s1_grp_q   <= GBits'(j_q / 16'(Cols));
      s1_t_q     <= t_q;
    end
  end

  // Stage 1: accumulate one word per row; at the row's last word the sum
  // becomes the binary32 value of column (r, j mod Cols).
  logic [31:0] acc_q [Rows];
  logic [31:0] res_q [Rows * Cols];
  logic [31:0] sum   [Rows];
  logic [31:0] sum_f [Rows];

  function automatic logic [31:0] dot8(logic [63:0] a, logic [63:0] b);
    logic [31:0] s;
    s = '0;
    for (int i = 0; i < 8; i++)
      s = s + 32'($signed(a[8*i +: 8]) * $signed(b[8*i +: 8]));
    dot8 = s;
  endfunction

  // sum and sum_f are taken only on a stage-1 word (s1_acc) and its row's
  // last word; they are computed inside an if on exactly those cycles (0
  // otherwise), so a cycle-based simulator skips the dot products and the
  // conversions while the unit does not look (docs/ARCHITECTURE.md,
  // "Simulation speed").
  logic s1_acc;
  assign s1_acc = s1_valid_q && !s1_prog_q;

  for (genvar r = 0; r < Rows; r++) begin : gen_row
    logic [31:0] sum_r;
    always_comb begin
      sum_r = 32'd0;
      if (s1_acc) sum_r = (s1_first_q ? 32'd0 : acc_q[r]) + dot8(a_rdata_i[64*r +: 64], s1_tword_q);
    end
    assign sum[r] = sum_r;
`ifdef NPE_PLANT_BUG_SIM_ENABLE
    // Test only (sim-enable-plant-test): row 0's conversion only.
    npe_int_to_f32 u_cvt (.en_i (s1_acc && s1_last_q && r == 0), .x_i (sum[r]), .f_o (sum_f[r]));
`else
    npe_int_to_f32 u_cvt (.en_i (s1_acc && s1_last_q), .x_i (sum[r]), .f_o (sum_f[r]));
`endif
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) acc_q[r] <= '0;
      else if (s1_acc) acc_q[r] <= sum[r];
    end
    for (genvar c = 0; c < Cols; c++) begin : gen_col
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) res_q[r * Cols + c] <= '0;
        else if (state_q == UnitCodes) begin
`ifdef NPE_XBAR_DPI
          if (r < 32'(job_m_q) && 32'(cg_q) * Cols + c < 32'(job_n_q))
            res_q[r * Cols + c] <= 32'(npe_xbar_dpi_code(r, 32'(cg_q) * Cols + c));
          else
`endif
            res_q[r * Cols + c] <= '0;
        end
        else if (s1_acc && s1_last_q && 32'(s1_jc_q) == c)
          res_q[r * Cols + c] <= sum_f[r];
        else if (ob_we_o) res_q[r * Cols + c] <= '0;  // a fresh group starts at zero
      end
      assign ob_wdata_o[32 * (r * Cols + c) +: 32] = res_q[r * Cols + c];
    end
  end

  // Stage 2: a group is written when its last column (or the last output)
  // has been summed.
  logic             wr_q;
  logic [GBits-1:0] wgrp_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_q   <= 1'b0;
      wgrp_q <= '0;
    end else begin
      wr_q   <= (s1_valid_q && !s1_prog_q && !ana_q && s1_last_q &&
                 (32'(s1_jc_q) == Cols - 1 || s1_lastj_q)) || state_q == UnitCodes;
      wgrp_q <= state_q == UnitCodes ? GBits'(cg_q) : s1_grp_q;
    end
  end
  assign ob_we_o  = wr_q;
  assign ob_grp_o = wgrp_q;

  // Sequencer
  logic drained, groups_left;
  assign drained     = !s1_valid_q && !wr_q;
  assign groups_left = 32'(cg_q) + 1 < (32'(job_n_q) + Cols - 1) / Cols;
  // The last code group is written the cycle after UnitCodes.
  logic codes_last_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) codes_last_q <= 1'b0;
    else         codes_last_q <= state_q == UnitCodes && !groups_left;
  end
  assign busy_o  = job_go_q || state_q != UnitIdle || codes_last_q;
  assign done_o  = (state_q == UnitDrain && drained && !ana_q) ||
                   (state_q == UnitWait && wait_started_q && wait_q == 32'd0 &&
                    (prog_q || abort_q)) ||
                   codes_last_q;
  assign codes_o = ana_q && !prog_q && !abort_q;
  assign next_o  = !prog_q && !codes_o;  // a run's NLU step

  // The analog model's cycles, asked for when the words are through.
  logic [31:0] model_cycles;
`ifdef NPE_XBAR_DPI
  always_ff @(posedge clk_i) begin
    if (state_q == UnitDrain && drained && ana_q) begin
      if (prog_q) model_cycles <= 32'(npe_xbar_dpi_program(32'(job_n_q), 32'(job_kw_q)));
      else if (!abort_q) model_cycles <= 32'(npe_xbar_dpi_run(32'(job_m_q), 32'(job_n_q), 32'(job_kw_q),
                                                                32'(job_bits_q), 32'(job_shr_q)));
      else model_cycles <= 32'd0;
    end
  end
`else
  assign model_cycles = 32'd0;
  logic unused_model;  // only the analog model uses these
  assign unused_model = ^{job_m_q, job_bits_q, job_shr_q, s1_w_q};
`endif

  logic [15:0]      j_d, w_d, slot_d;
  logic [CBits-1:0] jc_d;
  logic [TBits-1:0] t_d;
  logic             prog_d, abort_d;
  logic [31:0]      ana_start;
`ifdef NPE_XBAR_DPI
  assign ana_start = 32'(npe_xbar_dpi_analog());
`else
  assign ana_start = 32'd0;
`endif

  always_comb begin
    state_d = state_q;
    j_d     = j_q;
    w_d     = w_q;
    jc_d    = jc_q;
    slot_d  = slot_q;
    t_d     = t_q;
    prog_d  = prog_q;
    abort_d = abort_q | abort_i;
    ana_d   = ana_q;
    wait_d  = wait_q;
    cg_d    = cg_q;
    unique case (state_q)
      UnitIdle: if (job_go_q) begin
        state_d = UnitIssue;
        j_d = '0; w_d = '0; jc_d = '0; slot_d = '0; t_d = '0;
        prog_d  = job_prog_q;
        abort_d = abort_i;
        ana_d   = ana_start != 32'd0;
        cg_d    = '0;
      end
      UnitIssue: begin
        t_d = t_q + 1'b1;
        if (!last_w) w_d = w_q + 16'd1;
        else if (last_j) state_d = UnitDrain;
        else begin
          w_d = '0;
          j_d = j_q + 16'd1;
          if (32'(jc_q) == Cols - 1) begin
            jc_d   = '0;
            slot_d = slot_q + job_kw_q;
          end else begin
            jc_d = jc_q + 1'b1;
          end
        end
      end
      UnitDrain: if (drained) begin
        if (!ana_q) state_d = UnitIdle;
        else state_d = UnitWait;  // model_cycles arrive in this cycle's edge
      end
      UnitWait: begin
        // the model's cycles beyond the K/8 words already spent
        /* verilator lint_off UNSIGNED */  // model_cycles is 0 without the model
        if (!wait_started_q)
          wait_d = model_cycles > 32'(job_kw_q) ? model_cycles - 32'(job_kw_q) : 32'd0;
        /* verilator lint_on UNSIGNED */
        else if (wait_q != 32'd0) wait_d = wait_q - 32'd1;
        else if (prog_q || abort_q) state_d = UnitIdle;
        else state_d = UnitCodes;
      end
      UnitCodes: begin
        if (groups_left) cg_d = cg_q + 16'd1;
        else state_d = UnitIdle;
      end
      default: state_d = UnitIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= UnitIdle;
      j_q <= '0; w_q <= '0; jc_q <= '0; slot_q <= '0; t_q <= '0;
      prog_q <= 1'b0; abort_q <= 1'b0;
      ana_q <= 1'b0; wait_q <= '0; cg_q <= '0; wait_started_q <= 1'b0;
    end else begin
      ana_q <= ana_d; wait_q <= wait_d; cg_q <= cg_d;
      wait_started_q <= state_q == UnitWait;
      state_q <= state_d;
      j_q <= j_d; w_q <= w_d; jc_q <= jc_d; slot_q <= slot_d; t_q <= t_d;
      prog_q <= prog_d; abort_q <= abort_d;
    end
  end

endmodule
