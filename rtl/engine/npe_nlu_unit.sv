// SPDX-License-Identifier: Apache-2.0
// npe_nlu_unit: runs the NLU opcode. For each column group of one output
// buffer it reads the Rows x Cols binary32 results, converts them to the
// NLU's fixed-point input code (npe_f32_to_fix), converts all of them in
// parallel in the ramp ADC (rtl/nlu/npe_nlu: 2^B cycles) and writes the
// B-bit codes back over the same elements, zero-extended, so a following
// STORE in 16-bit mode writes them out. The threshold table is written
// through the NLU_TBL CSRs while the unit is idle.
module npe_nlu_unit #(
  parameter int Rows      = 4,
  parameter int Cols      = 2,
  parameter int OutGroups = 32,
  parameter int AddrBits  = 64   // width of the dispatch port's addresses (unused here)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
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
  output logic                         conv_o,      // a conversion of Rows x Cols inputs ended
  // Threshold table
  input  logic                         tbl_we_i,
  input  logic [8:0]                   tbl_addr_i,  // {segment, step j}
  input  logic [16:0]                  tbl_wdata_i,
  // Output buffer ob_buf_o: whole-group read and write
  output logic                         ob_buf_o,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_rgrp_o,  // group read
  input  logic [Rows*Cols*32-1:0]      ob_rdata_i,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_wgrp_o,  // group written
  output logic                         ob_we_o,
  input  logic                         ob_wait_i,   // the array writes the buffer port this cycle
  output logic [Rows*Cols*32-1:0]      ob_wdata_o
);

  // ---------------------------------------------------------------------------
  // Dispatch port: NLU descriptors, and the NLU step of an XBAR run
  // (docs/REGMAP.md, opcodes NLU and XBAR)
  // ---------------------------------------------------------------------------
  logic [7:0]  d_op, d_spad;
  logic [15:0] d_m, d_n;
  logic [31:0] d_aux;
  logic        d_is_nlu, d_is_xbar_run, d_aux_bad;
  assign d_op   = npe_pkg::desc_opcode(job_desc_i);
  assign d_spad = npe_pkg::desc_spad(job_desc_i);
  assign d_m    = npe_pkg::desc_m(job_desc_i);
  assign d_n    = npe_pkg::desc_n(job_desc_i);
  assign d_aux  = npe_pkg::desc_aux(job_desc_i);
  assign d_is_nlu      = d_op == 8'(npe_pkg::OpNlu);
  assign d_is_xbar_run = d_op == 8'(npe_pkg::OpXbar) && !npe_pkg::desc_flag_program(job_desc_i);
  // AUX: B not 1..8, F above 14, or reserved bits set
  assign d_aux_bad = d_aux[3:0] == 4'd0 || d_aux[3:0] > 4'd8 || d_aux[7:4] > 4'd14 ||
                     d_aux[11:9] != 3'd0;

  // An NLU descriptor is checked whole here; of an XBAR run only AUX (the
  // crossbar checks the rest first); nothing else is this unit's.
  assign chk_code_o =
      !d_is_nlu && !d_is_xbar_run                      ? 8'(npe_pkg::ErrNone) :
      d_is_xbar_run ? (d_aux_bad ? 8'(npe_pkg::ErrBadAux) : 8'(npe_pkg::ErrNone)) :
      d_spad[6:0] != 7'd2                              ? 8'(npe_pkg::ErrSpadRange) :
      d_m == 16'd0 || 32'(d_m) > Rows || d_n == 16'd0 ||
      32'(d_n) > Cols * OutGroups                      ? 8'(npe_pkg::ErrBadDims) :
      d_aux_bad                                        ? 8'(npe_pkg::ErrBadAux) :
                                                         8'(npe_pkg::ErrNone);
  assign chk_addr_o = '0;
  // The NLU, and the output buffer it converts in place.
  logic d_buf;
  assign d_buf   = d_is_nlu ? d_spad[7] : d_spad[2];
  assign claim_o = (d_is_nlu || d_is_xbar_run)
                   ? (npe_pkg::NumRes'(1) << npe_pkg::UnitNlu) |
                     (npe_pkg::NumRes'(1) << (npe_pkg::ResOut0 + 32'(d_buf)))
                   : '0;
  assign next_o     = 1'b0;
  assign err_o      = 8'd0;
  assign err_addr_o = '0;

  // The job, registered at dispatch and held until done_o.
  logic        job_go_q, job_buf_q, job_two_seg_q;
  logic [15:0] job_groups_q, job_split_q;
  logic [3:0]  job_bits_q, job_frac_q, job_shr_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_buf_q <= 1'b0; job_two_seg_q <= 1'b0; job_groups_q <= '0;
      job_split_q <= '0; job_bits_q <= '0; job_frac_q <= '0; job_shr_q <= '0;
    end else begin
      job_go_q <= job_valid_i;
      if (job_valid_i) begin
        job_buf_q <= d_buf; job_two_seg_q <= d_aux[8];
        job_groups_q <= 16'((32'(d_n) + Cols - 1) / Cols); job_split_q <= d_aux[31:16];
        job_bits_q <= d_aux[3:0]; job_frac_q <= d_aux[7:4]; job_shr_q <= d_aux[15:12];
      end
    end
  end

  localparam int N = Rows * Cols;

  // UnitIdle: waiting for a job; UnitIn: offering one group's inputs to the
  // ADC; UnitWait: ramp running, codes are written back when they come.
  // Plain constants, not an enum: Icarus 11 refuses assignments of this
  // module's enum (it confuses it with the child npe_nlu's).
  localparam logic [1:0] UnitIdle = 2'd0, UnitIn = 2'd1, UnitWait = 2'd2;

  logic [1:0]  state_q, state_d;
  logic [15:0] g_q, g_d;
  logic        abort_q, abort_d;

  logic [N*16-1:0] in_codes;
  logic [N*8-1:0]  out_codes;
  logic            in_ready, out_valid, last_group, next_in;
  logic            adc_busy;  // the sequencer's state says the same

  for (genvar i = 0; i < N; i++) begin : gen_cvt
    npe_f32_to_fix u_cvt (
      .f_i    (ob_rdata_i[32*i +: 32]),
      .frac_i (job_frac_q),
      .shr_i  (job_shr_q),
      .x_o    (in_codes[16*i +: 16])
    );
    assign ob_wdata_o[32*i +: 32] = {24'd0, out_codes[8*i +: 8]};
  end

  npe_nlu #(.NumCols(N), .InWidthBits(16), .MaxBits(8)) u_nlu (
    .clk_i, .rst_ni,
    .cfg_bits_i    (job_bits_q),
    .cfg_two_seg_i (job_two_seg_q),
    .cfg_split_i   (job_split_q),
    .tbl_we_i      (tbl_we_i && state_q == UnitIdle),
    .tbl_addr_i    (tbl_addr_i),
    .tbl_wdata_i   (tbl_wdata_i),
    .in_valid_i    (state_q == UnitIn || next_in),
    .in_ready_o    (in_ready),
    .in_data_i     (in_codes),
    .out_valid_o   (out_valid),
    .out_ready_i   (state_q == UnitWait && !ob_wait_i),
    .out_code_o    (out_codes),
    .busy_o        (adc_busy),
    .conv_done_o   (conv_o)
  );

  // Outputs from the state (no default-then-override glitch, see npe_cmd).
  assign last_group = g_q + 16'd1 >= job_groups_q || abort_q || abort_i;
  assign busy_o     = job_go_q || state_q != UnitIdle;
  assign ob_buf_o   = job_buf_q;
  // The array owns the write port when it writes (its results cannot
  // wait); the codes then stay in the ADC one more cycle. In the cycle a
  // group's codes are written, the next group is sampled (the ADC takes a
  // new input in the cycle its output is taken): one group per 2^B cycles.
  logic wr_now;
  assign wr_now     = state_q == UnitWait && out_valid && !ob_wait_i;
  assign next_in    = wr_now && !last_group;
  assign ob_we_o    = wr_now;
  assign ob_wgrp_o  = $bits(ob_wgrp_o)'(g_q);
  assign ob_rgrp_o  = $bits(ob_rgrp_o)'(next_in ? g_q + 16'd1 : g_q);
  assign done_o     = wr_now && last_group;

  always_comb begin
    state_d = state_q;
    g_d     = g_q;
    abort_d = abort_q | abort_i;
    unique case (state_q)
      UnitIdle: if (job_go_q) begin
        state_d = UnitIn;
        g_d     = 16'd0;
        abort_d = abort_i;
      end
      UnitIn: if (in_ready) state_d = UnitWait;
      UnitWait: if (wr_now) begin
        if (last_group) state_d = UnitIdle;
        else g_d = g_q + 16'd1;  // next_in: the ADC took the next group
      end
      default: state_d = UnitIdle;
    endcase
  end

  logic unused_adc;
  assign unused_adc = adc_busy ^ ^job_desc_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= UnitIdle;
      g_q     <= '0;
      abort_q <= 1'b0;
    end else begin
      state_q <= state_d;
      g_q     <= g_d;
      abort_q <= abort_d;
    end
  end

endmodule
