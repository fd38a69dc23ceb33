// SPDX-License-Identifier: Apache-2.0
// npe_nlu: the nonlinear unit, a digital ramp ADC with a programmable ramp:
// NumCols inputs are converted in parallel against one threshold table, and
// each output code is the number of ramp steps before that column's
// comparator flips, i.e. the staircase of f (driver/include/npe_nlu.h,
// docs/NLU.md). A B-bit conversion takes 2^B cycles: the sample cycle, then
// steps j = 1 .. 2^B - 1 against t_j. It is a plain valid/ready core with a
// table write port; CSRs, DMA and the XBAR/NLU opcodes live in the engine.
//
// Timing: an input accepted at cycle c gives out_valid_o at cycle c + 2^B.
// The next input is accepted in the cycle the output is taken, so the unit
// sustains NumCols codes per 2^B cycles.
module npe_nlu #(
  parameter int NumCols     = 8,   // columns converted in parallel, >= 1
  parameter int InWidthBits = 16,  // input code width, bits (signed), >= 2
  parameter int MaxBits     = 8    // largest resolution B, bits, 1..15
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  // Configuration: sampled when an input is accepted
  input  logic [3:0]                     cfg_bits_i,     // B; 0 or > MaxBits means MaxBits
  input  logic                           cfg_two_seg_i,  // use bank B below the split
  input  logic [InWidthBits-1:0]         cfg_split_i,    // split input code (signed)
  // Threshold table write port (only while busy_o is low)
  input  logic                           tbl_we_i,
  input  logic [MaxBits:0]               tbl_addr_i,     // {bank, step j}, j = 1 .. 2^B - 1
  input  logic [InWidthBits:0]           tbl_wdata_i,    // t_j, signed, InWidthBits + 1 bits
  // Input stream: NumCols codes, column i at bits i*InWidthBits +: InWidthBits
  input  logic                           in_valid_i,
  output logic                           in_ready_o,
  input  logic [NumCols*InWidthBits-1:0] in_data_i,
  // Output stream: NumCols codes, column i at bits i*MaxBits +: MaxBits
  output logic                           out_valid_o,
  input  logic                           out_ready_i,
  output logic [NumCols*MaxBits-1:0]     out_code_o,
  // Status
  output logic                           busy_o,         // a conversion is in progress or waiting
  output logic                           conv_done_o     // one cycle per finished conversion
);

  typedef enum logic [1:0] {
    StIdle = 2'd0,  // waiting for an input
    StRamp = 2'd1,  // stepping the ramp
    StDone = 2'd2   // codes valid, waiting for out_ready_i
  } state_e;

  state_e             state_q, state_d;
  logic [MaxBits-1:0] step_q, step_d;   // current ramp step j
  logic [3:0]         bits_q, bits_d;   // B of the conversion in progress

  logic               accept;
  logic               ramp_step;  // a ramp step this cycle
  logic               last;
  logic [MaxBits-1:0] last_step;
  logic [MaxBits-1:0] raddr;
  logic [3:0]         cfg_bits;
  logic [InWidthBits:0] thr_a, thr_b;

  // ---------------------------------------------------------------------------
  // Sequencer
  // ---------------------------------------------------------------------------
  assign cfg_bits  = (cfg_bits_i == 4'd0 || cfg_bits_i > 4'(MaxBits)) ? 4'(MaxBits)
                                                                       : cfg_bits_i;
  assign last_step = ~({MaxBits{1'b1}} << bits_q);  // 2^B - 1
  assign last      = step_q == last_step;

  assign in_ready_o  = (state_q == StIdle) || (state_q == StDone && out_ready_i);
  assign accept      = in_valid_i && in_ready_o;
  assign out_valid_o = state_q == StDone;
  assign busy_o      = state_q != StIdle;
  assign conv_done_o = state_q == StRamp && last;
  assign ramp_step   = state_q == StRamp;

  always_comb begin
    state_d = state_q;
    step_d  = step_q;
    bits_d  = bits_q;
    raddr   = MaxBits'(1);
    case (state_q)
      // Idle: sample the inputs (the ramp's step 0) when they arrive.
      StIdle: begin
        if (accept) begin
          state_d = StRamp;
          step_d  = MaxBits'(1);
          bits_d  = cfg_bits;
        end
      end
      // Ramp: step j compares every column with t_j; fetch t_{j+1}.
      StRamp: begin
        raddr = step_q + 1'b1;
        if (last) state_d = StDone;
        else      step_d  = step_q + 1'b1;
      end
      // Done: hold the codes; take the next input in the same cycle.
      StDone: begin
        if (out_ready_i) begin
          if (accept) begin
            state_d = StRamp;
            step_d  = MaxBits'(1);
            bits_d  = cfg_bits;
          end else begin
            state_d = StIdle;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      step_q  <= '0;
      bits_q  <= 4'(MaxBits);
    end else begin
      state_q <= state_d;
      step_q  <= step_d;
      bits_q  <= bits_d;
    end
  end

  // ---------------------------------------------------------------------------
  // Threshold table (the ramp)
  // ---------------------------------------------------------------------------
  npe_nlu_table #(
    .MaxBits      (MaxBits),
    .ThrWidthBits (InWidthBits + 1)
  ) u_table (
    .clk_i     (clk_i),
    .we_i      (tbl_we_i),
    .waddr_i   (tbl_addr_i),
    .wdata_i   (tbl_wdata_i),
    .raddr_i   (raddr),
    .rdata_a_o (thr_a),
    .rdata_b_o (thr_b)
  );

  // ---------------------------------------------------------------------------
  // Columns
  // ---------------------------------------------------------------------------
  for (genvar i = 0; i < NumCols; i++) begin : gen_col
    npe_nlu_col #(
      .InWidthBits (InWidthBits),
      .MaxBits     (MaxBits)
    ) u_col (
      .clk_i     (clk_i),
      .rst_ni    (rst_ni),
      .load_i    (accept),
      .x_i       (in_data_i[i*InWidthBits +: InWidthBits]),
      .two_seg_i (cfg_two_seg_i),
      .split_i   (cfg_split_i),
      .step_i    (ramp_step),
      .thr_a_i   (thr_a),
      .thr_b_i   (thr_b),
      .code_o    (out_code_o[i*MaxBits +: MaxBits])
    );
  end

  // ---------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------
`ifdef NPE_ASSERT
  NluTblWriteIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
    tbl_we_i |-> !busy_o);
  NluOutValidStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
    out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_code_o));
  NluStepInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
    state_q == StRamp |-> step_q != '0 || bits_q == 4'(MaxBits));
`endif

endmodule
