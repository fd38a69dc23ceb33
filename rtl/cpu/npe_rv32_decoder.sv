// SPDX-License-Identifier: Apache-2.0
// npe_rv32_decoder: classifies one RV32IM instruction word for npe_rv32_core
// (which class, which immediate, whether it is legal). Combinational; it
// reads no state, so it cannot say whether a CSR exists (the core does).
module npe_rv32_decoder (
  input  logic [31:0] insn_i,
  // Classes (at most one set; none when illegal_o)
  output logic        lui_o,
  output logic        auipc_o,
  output logic        jal_o,
  output logic        jalr_o,
  output logic        branch_o,
  output logic        load_o,
  output logic        store_o,
  output logic        op_imm_o,
  output logic        op_o,       // register-register RV32I
  output logic        muldiv_o,   // register-register M extension
  output logic        fence_o,    // FENCE, FENCE.I, WFI: no operation here
  output logic        ecall_o,
  output logic        ebreak_o,
  output logic        mret_o,
  output logic        csr_o,      // CSRRW/S/C and their immediate forms
  output logic        illegal_o,
  // The instruction's immediate, sign-extended (I, S, B, U or J format)
  output logic [31:0] imm_o
);
  logic [6:0] opcode, funct7;
  logic [2:0] funct3;
  assign opcode = insn_i[6:0];
  assign funct3 = insn_i[14:12];
  assign funct7 = insn_i[31:25];

  logic [31:0] imm_i, imm_s, imm_b, imm_u, imm_j;
  assign imm_i = {{20{insn_i[31]}}, insn_i[31:20]};
  assign imm_s = {{20{insn_i[31]}}, insn_i[31:25], insn_i[11:7]};
  assign imm_b = {{19{insn_i[31]}}, insn_i[31], insn_i[7], insn_i[30:25], insn_i[11:8], 1'b0};
  assign imm_u = {insn_i[31:12], 12'b0};
  assign imm_j = {{11{insn_i[31]}}, insn_i[31], insn_i[19:12], insn_i[20], insn_i[30:21], 1'b0};

  // Opcodes
  localparam logic [6:0] OpLui = 7'b0110111, OpAuipc = 7'b0010111, OpJal = 7'b1101111,
                         OpJalr = 7'b1100111, OpBranch = 7'b1100011, OpLoad = 7'b0000011,
                         OpStore = 7'b0100011, OpImm = 7'b0010011, OpReg = 7'b0110011,
                         OpMiscMem = 7'b0001111, OpSystem = 7'b1110011;

  logic shift_imm_ok, op_ok;
  // SLLI needs funct7 0; SRLI/SRAI 0 or 0100000; the rest take any immediate
  assign shift_imm_ok = (funct3 == 3'b001) ? (funct7 == 7'b0) :
                        (funct3 == 3'b101) ? (funct7 == 7'b0 || funct7 == 7'b0100000) : 1'b1;
  assign op_ok = (funct7 == 7'b0) ||
                 (funct7 == 7'b0100000 && (funct3 == 3'b000 || funct3 == 3'b101));

  assign lui_o    = opcode == OpLui;
  assign auipc_o  = opcode == OpAuipc;
  assign jal_o    = opcode == OpJal;
  assign jalr_o   = opcode == OpJalr && funct3 == 3'b000;
  assign branch_o = opcode == OpBranch && funct3[2:1] != 2'b01;
  assign load_o   = opcode == OpLoad && (funct3 == 3'b000 || funct3 == 3'b001 ||
                    funct3 == 3'b010 || funct3 == 3'b100 || funct3 == 3'b101);
  assign store_o  = opcode == OpStore && funct3[2] == 1'b0 && funct3[1:0] != 2'b11;
  assign op_imm_o = opcode == OpImm && shift_imm_ok;
  assign op_o     = opcode == OpReg && op_ok;
  assign muldiv_o = opcode == OpReg && funct7 == 7'b0000001;
  assign fence_o  = (opcode == OpMiscMem && funct3[2:1] == 2'b00) ||
                    insn_i == 32'h1050_0073;  // WFI: the core does not sleep
  assign ecall_o  = insn_i == 32'h0000_0073;
  assign ebreak_o = insn_i == 32'h0010_0073;
  assign mret_o   = insn_i == 32'h3020_0073;
  assign csr_o    = opcode == OpSystem && funct3[1:0] != 2'b00;
  assign illegal_o = !(lui_o || auipc_o || jal_o || jalr_o || branch_o || load_o || store_o ||
                       op_imm_o || op_o || muldiv_o || fence_o || ecall_o || ebreak_o ||
                       mret_o || csr_o);

  always_comb begin
    case (opcode)
      OpLui, OpAuipc: imm_o = imm_u;
      OpJal:          imm_o = imm_j;
      OpBranch:       imm_o = imm_b;
      OpStore:        imm_o = imm_s;
      default:        imm_o = imm_i;
    endcase
  end
endmodule
