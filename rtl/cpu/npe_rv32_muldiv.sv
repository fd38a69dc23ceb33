// SPDX-License-Identifier: Apache-2.0
// npe_rv32_muldiv: the M extension of npe_rv32_core, iterative: one bit per
// cycle (shift-and-add multiply, restoring divide) on the operands' magnitudes,
// signs fixed at the end; 34 cycles from start_i to done_o. Small rather
// than fast: it uses no DSP block and no 32x32 array.
module npe_rv32_muldiv (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,   // one cycle; a_i, b_i, funct3_i valid then
  input  logic [2:0]  funct3_i,  // MUL MULH MULHSU MULHU DIV DIVU REM REMU
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic        done_o,    // one cycle, result_o valid then
  output logic [31:0] result_o
);
  typedef enum logic [1:0] {StIdle, StBusy, StDone} state_e;
  state_e state_q, state_d;

  logic [63:0] acc_q, acc_d;     // multiply: {product high, multiplier}; divide: {remainder, quotient}
  logic [31:0] opb_q, opb_d;     // |multiplicand| or |divisor|
  logic [4:0]  cnt_q, cnt_d;
  logic [2:0]  op_q, op_d;
  logic        neg_q, neg_d;     // negate the product / quotient at the end
  logic        negr_q, negr_d;   // negate the remainder (dividend negative)
  logic        divz_q, divz_d;   // divide by zero
  logic [31:0] a_q, a_d;         // the dividend, for x / 0

  // Operand signs: MULH and DIV/REM signed both, MULHSU signed a only
  logic a_signed, b_signed, is_div;
  assign is_div   = funct3_i[2];
  assign a_signed = (funct3_i == 3'b001) || (funct3_i == 3'b010) || (funct3_i == 3'b100) ||
                    (funct3_i == 3'b110);
  assign b_signed = (funct3_i == 3'b001) || (funct3_i == 3'b100) || (funct3_i == 3'b110);

  logic a_neg, b_neg;
  logic [31:0] a_mag, b_mag;
  assign a_neg = a_signed && a_i[31];
  assign b_neg = b_signed && b_i[31];
  assign a_mag = a_neg ? 32'(-a_i) : a_i;
  assign b_mag = b_neg ? 32'(-b_i) : b_i;

  // One step of each algorithm
  logic [32:0] mul_sum;
  logic [32:0] div_rem;          // the partial remainder shifted left one bit
  logic [32:0] div_diff;
  assign mul_sum  = {1'b0, acc_q[63:32]} + (acc_q[0] ? {1'b0, opb_q} : 33'd0);
  assign div_rem  = {acc_q[63:31]};
  assign div_diff = div_rem - {1'b0, opb_q};

  always_comb begin
    state_d = state_q;
    acc_d   = acc_q;
    opb_d   = opb_q;
    cnt_d   = cnt_q;
    op_d    = op_q;
    neg_d   = neg_q;
    negr_d  = negr_q;
    divz_d  = divz_q;
    a_d     = a_q;
    case (state_q)
      // StIdle: take the operands' magnitudes and signs
      StIdle: begin
        if (start_i) begin
          state_d = StBusy;
          op_d    = funct3_i;
          cnt_d   = 5'd0;
          opb_d   = is_div ? b_mag : a_mag;
          acc_d   = is_div ? {32'd0, a_mag} : {32'd0, b_mag};
          neg_d   = a_neg ^ b_neg;
          negr_d  = a_neg;
          divz_d  = b_i == 32'd0;
          a_d     = a_i;
        end
      end
      // StBusy: 32 steps, one bit each
      StBusy: begin
        if (op_q[2]) begin
          if (!div_diff[32]) acc_d = {div_diff[31:0], acc_q[30:0], 1'b1};
          else               acc_d = {div_rem[31:0], acc_q[30:0], 1'b0};
        end else begin
          acc_d = {mul_sum, acc_q[31:1]};
        end
        cnt_d = cnt_q + 5'd1;
        if (cnt_q == 5'd31) state_d = StDone;
      end
      // StDone: result_o valid for one cycle
      StDone: state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      acc_q   <= '0;
      opb_q   <= '0;
      cnt_q   <= '0;
      op_q    <= '0;
      neg_q   <= 1'b0;
      negr_q  <= 1'b0;
      divz_q  <= 1'b0;
      a_q     <= '0;
    end else begin
      state_q <= state_d;
      acc_q   <= acc_d;
      opb_q   <= opb_d;
      cnt_q   <= cnt_d;
      op_q    <= op_d;
      neg_q   <= neg_d;
      negr_q  <= negr_d;
      divz_q  <= divz_d;
      a_q     <= a_d;
    end
  end

  // Result: sign fix-ups and the division-by-zero values of the spec
  logic [63:0] prod;
  logic [31:0] quot, rem;
  assign prod = neg_q ? 64'(-acc_q) : acc_q;
  assign quot = divz_q ? 32'hffff_ffff : (neg_q ? 32'(-acc_q[31:0]) : acc_q[31:0]);
  assign rem  = divz_q ? a_q : (negr_q ? 32'(-acc_q[63:32]) : acc_q[63:32]);

  always_comb begin
    case (op_q)
      3'b000:  result_o = prod[31:0];   // MUL
      3'b001,
      3'b010,
      3'b011:  result_o = prod[63:32];  // MULH MULHSU MULHU
      3'b100,
      3'b101:  result_o = quot;         // DIV DIVU
      default: result_o = rem;          // REM REMU
    endcase
  end
  assign done_o = state_q == StDone;

`ifdef NPE_ASSERT
  MuldivStartWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      start_i |-> state_q == StIdle);
`endif
endmodule
