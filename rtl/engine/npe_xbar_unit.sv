// SPDX-License-Identifier: Apache-2.0
// npe_xbar_unit: the exact digital equivalent of the analog crossbar tile
// (docs/NLU.md, sim/xbar): a TileN x TileK store of INT8 weights that XBAR
// with FLAGS.PROGRAM fills from a B scratchpad buffer, and the mat-vec
// y[r][j] = sum_i W[j][i] x[r][i] for the M <= Rows input vectors of an A
// buffer, written as binary32 column values into an output buffer, where the
// command processor then runs the NLU over them (the tile's ramp ADC).
//
// In the Verilator build (NPE_XBAR_DPI defined) libnpesim can put the
// analog tile model behind the same opcode: the unit then hands the weight
// and input words to sim/xbar through DPI, waits the model's programming and
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
  parameter int OutGroups     = 32
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  // Job (held stable from start_i until done_o)
  input  logic                           start_i,
  input  logic                           abort_i,
  input  logic                           prog_i,     // 1: program, 0: run
  input  logic [15:0]                    n_i,        // outputs, 1..TileN
  input  logic [15:0]                    kw_i,       // K / 8, 1..TileK/8
  input  logic [7:0]                     m_i,        // run: input vectors, 1..Rows
  input  logic [3:0]                     bits_i,     // run: the NLU's B (analog model)
  input  logic [3:0]                     shr_i,      // run: the NLU's S (analog model)
  output logic                           busy_o,
  output logic                           done_o,
  output logic                           codes_o,    // with done_o: codes written, skip the NLU
  // Scratchpad reads (address within the buffer npe_cmd chose)
  output logic                           a_re_o,
  output logic [ABankAddrBits-1:0]       a_raddr_o,
  input  logic [Rows*64-1:0]             a_rdata_i,
  output logic                           b_re_o,
  output logic [BBankAddrBits-1:0]       b_raddr_o,
  input  logic [Cols*64-1:0]             b_rdata_i,
  // Output buffer group write: PE-slot (r, c) at 32*(r*Cols+c)
  output logic                           ob_we_o,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_grp_o,
  output logic [Rows*Cols*32-1:0]        ob_wdata_o
);

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
  assign last_w = w_q + 16'd1 == kw_i;
  // An analog run streams the input words once (row j = 0 only).
  assign last_j = j_q + 16'd1 == n_i || abort_q || abort_i || (ana_q && !prog_q);

  // Stage 0: reads. A and B answer one cycle later; the tile word too.
  assign a_re_o    = issue && !prog_q;
  assign a_raddr_o = ABankAddrBits'(w_q);
  assign b_re_o    = issue && prog_q;
  assign b_raddr_o = BBankAddrBits'(slot_q + w_q);

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

  for (genvar r = 0; r < Rows; r++) begin : gen_row
    assign sum[r] = (s1_first_q ? 32'd0 : acc_q[r]) + dot8(a_rdata_i[64*r +: 64], s1_tword_q);
    npe_int_to_f32 u_cvt (.x_i (sum[r]), .f_o (sum_f[r]));
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) acc_q[r] <= '0;
      else if (s1_valid_q && !s1_prog_q) acc_q[r] <= sum[r];
    end
    for (genvar c = 0; c < Cols; c++) begin : gen_col
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) res_q[r * Cols + c] <= '0;
        else if (state_q == UnitCodes) begin
`ifdef NPE_XBAR_DPI
          if (r < 32'(m_i) && 32'(cg_q) * Cols + c < 32'(n_i))
            res_q[r * Cols + c] <= 32'(npe_xbar_dpi_code(r, 32'(cg_q) * Cols + c));
          else
`endif
            res_q[r * Cols + c] <= '0;
        end
        else if (s1_valid_q && !s1_prog_q && s1_last_q && 32'(s1_jc_q) == c)
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
  assign groups_left = 32'(cg_q) + 1 < (32'(n_i) + Cols - 1) / Cols;
  // The last code group is written the cycle after UnitCodes.
  logic codes_last_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) codes_last_q <= 1'b0;
    else         codes_last_q <= state_q == UnitCodes && !groups_left;
  end
  assign busy_o  = state_q != UnitIdle || codes_last_q;
  assign done_o  = (state_q == UnitDrain && drained && !ana_q) ||
                   (state_q == UnitWait && wait_started_q && wait_q == 32'd0 &&
                    (prog_q || abort_q)) ||
                   codes_last_q;
  assign codes_o = ana_q && !prog_q && !abort_q;

  // The analog model's cycles, asked for when the words are through.
  logic [31:0] model_cycles;
`ifdef NPE_XBAR_DPI
  always_ff @(posedge clk_i) begin
    if (state_q == UnitDrain && drained && ana_q) begin
      if (prog_q) model_cycles <= 32'(npe_xbar_dpi_program(32'(n_i), 32'(kw_i)));
      else if (!abort_q) model_cycles <= 32'(npe_xbar_dpi_run(32'(m_i), 32'(n_i), 32'(kw_i),
                                                                32'(bits_i), 32'(shr_i)));
      else model_cycles <= 32'd0;
    end
  end
`else
  assign model_cycles = 32'd0;
  logic unused_model;  // only the analog model uses these
  assign unused_model = ^{m_i, bits_i, shr_i, s1_w_q};
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
      UnitIdle: if (start_i) begin
        state_d = UnitIssue;
        j_d = '0; w_d = '0; jc_d = '0; slot_d = '0; t_d = '0;
        prog_d  = prog_i;
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
            slot_d = slot_q + kw_i;
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
          wait_d = model_cycles > 32'(kw_i) ? model_cycles - 32'(kw_i) : 32'd0;
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
