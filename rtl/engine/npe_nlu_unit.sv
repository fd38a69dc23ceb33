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
  parameter int OutGroups = 32
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  // Job (held stable from start_i until done_o)
  input  logic                         start_i,
  input  logic                         abort_i,
  input  logic                         buf_i,       // output buffer
  input  logic [15:0]                  groups_i,    // column groups, 1..OutGroups
  input  logic [3:0]                   bits_i,      // B, 1..8
  input  logic [3:0]                   frac_i,      // F, 0..14
  input  logic [3:0]                   shr_i,       // S, 0..15: input code = RNE(v * 2^(F-S))
  input  logic                         two_seg_i,
  input  logic [15:0]                  split_i,     // input code where segment A starts
  output logic                         busy_o,
  output logic                         done_o,
  output logic                         conv_o,      // a conversion of Rows x Cols inputs ended
  // Threshold table
  input  logic                         tbl_we_i,
  input  logic [8:0]                   tbl_addr_i,  // {segment, step j}
  input  logic [16:0]                  tbl_wdata_i,
  // Output buffer: whole-group read and write
  output logic                         ob_buf_o,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_rgrp_o,  // group read
  input  logic [Rows*Cols*32-1:0]      ob_rdata_i,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_wgrp_o,  // group written
  output logic                         ob_we_o,
  input  logic                         ob_wait_i,   // the array writes the buffer port this cycle
  output logic [Rows*Cols*32-1:0]      ob_wdata_o
);

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
      .frac_i (frac_i),
      .shr_i  (shr_i),
      .x_o    (in_codes[16*i +: 16])
    );
    assign ob_wdata_o[32*i +: 32] = {24'd0, out_codes[8*i +: 8]};
  end

  npe_nlu #(.NumCols(N), .InWidthBits(16), .MaxBits(8)) u_nlu (
    .clk_i, .rst_ni,
    .cfg_bits_i    (bits_i),
    .cfg_two_seg_i (two_seg_i),
    .cfg_split_i   (split_i),
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
  assign last_group = g_q + 16'd1 >= groups_i || abort_q || abort_i;
  assign busy_o     = state_q != UnitIdle;
  assign ob_buf_o   = buf_i;
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
      UnitIdle: if (start_i) begin
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
  assign unused_adc = adc_busy;

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
