// SPDX-License-Identifier: Apache-2.0
// npe_rv32_alu: the RV32I integer ALU of npe_rv32_core (add/sub, shifts,
// compares, logic), one result per cycle, purely combinational. It does not
// compare for branches (the core does) and does not multiply (npe_rv32_muldiv).
module npe_rv32_alu (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  input  logic [2:0]  funct3_i,  // the instruction's funct3
  input  logic        alt_i,     // SUB instead of ADD, SRA instead of SRL (instr[30])
  output logic [31:0] result_o
);
  logic [4:0]  shamt;
  logic [31:0] sra_res;
  assign shamt = b_i[4:0];
`ifdef NPE_PLANT_BUG_SRA
  // Planted bug (make cpu-planted-test): SRA shifts in zeros like SRL.
  assign sra_res = a_i >> shamt;
`else
  assign sra_res = 32'($signed(a_i) >>> shamt);
`endif

  always_comb begin
    case (funct3_i)
      3'b000:  result_o = alt_i ? a_i - b_i : a_i + b_i;          // ADD / SUB
      3'b001:  result_o = a_i << shamt;                           // SLL
      3'b010:  result_o = {31'b0, $signed(a_i) < $signed(b_i)};   // SLT
      3'b011:  result_o = {31'b0, a_i < b_i};                     // SLTU
      3'b100:  result_o = a_i ^ b_i;                              // XOR
      3'b101:  result_o = alt_i ? sra_res : a_i >> shamt;         // SRL / SRA
      3'b110:  result_o = a_i | b_i;                              // OR
      default: result_o = a_i & b_i;                              // AND
    endcase
  end
endmodule
