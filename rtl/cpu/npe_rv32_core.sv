// SPDX-License-Identifier: Apache-2.0
// npe_rv32_core: a small multi-cycle RV32IM core (machine mode only) with one
// memory port for instruction fetch and data, an external interrupt and the
// minimal machine CSRs (docs/CPU.md). It executes one instruction at a time:
// fetch, execute, then a memory access or a multiply/divide if needed. It has
// no caches, no privilege modes below M, no PMP and no debug module.
module npe_rv32_core #(
  parameter logic [31:0] BootAddr   = 32'h0001_0000,  // the first fetch
  parameter logic [31:0] MtvecReset = 32'h0000_0100   // mtvec after reset (direct mode)
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  // Memory port: one request at a time, held until ready (docs/CPU.md)
  output logic        mem_req_o,
  output logic        mem_we_o,
  output logic [31:0] mem_addr_o,   // byte address; words at addr[31:2]
  output logic [31:0] mem_wdata_o,  // the store data in its byte lanes
  output logic [3:0]  mem_wstrb_o,
  input  logic [31:0] mem_rdata_i,  // valid with mem_ready_i (reads)
  input  logic        mem_ready_i,

  // Machine external interrupt (level, mip.MEIP)
  input  logic        irq_i,

  // Retire trace: one pulse per instruction completed or trapped
  output logic        retire_valid_o,
  output logic [31:0] retire_pc_o,
  output logic [31:0] retire_insn_o,
  output logic        retire_trap_o,      // it raised an exception (not retired)
  output logic [4:0]  retire_rd_o,        // register written, 0 for none
  output logic [31:0] retire_rd_wdata_o
);
  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------
  typedef enum logic [1:0] {StFetch, StExec, StMem, StMulDiv} state_e;
  state_e state_q, state_d;

  logic [31:0] pc_q, pc_d;
  logic [31:0] ir_q, ir_d;

  // CSRs
  localparam logic [11:0] CsrMstatus = 12'h300, CsrMisa = 12'h301, CsrMie = 12'h304,
                          CsrMtvec = 12'h305, CsrMscratch = 12'h340, CsrMepc = 12'h341,
                          CsrMcause = 12'h342, CsrMtval = 12'h343, CsrMip = 12'h344,
                          CsrCycle = 12'hc00, CsrInstret = 12'hc02, CsrCycleh = 12'hc80,
                          CsrInstreth = 12'hc82, CsrMvendorid = 12'hf11, CsrMarchid = 12'hf12,
                          CsrMimpid = 12'hf13, CsrMhartid = 12'hf14;
  localparam logic [31:0] MisaRv32im = 32'h4000_1100;

  logic        mstatus_mie_q, mstatus_mie_d;
  logic        mstatus_mpie_q, mstatus_mpie_d;
  logic        mie_meie_q, mie_meie_d;
  logic [31:0] mtvec_q, mtvec_d;
  logic [31:0] mscratch_q, mscratch_d;
  logic [31:0] mepc_q, mepc_d;
  logic [31:0] mcause_q, mcause_d;
  logic [63:0] cycle_q, cycle_d;
  logic [63:0] instret_q, instret_d;

  // ---------------------------------------------------------------------------
  // Decode
  // ---------------------------------------------------------------------------
  logic is_lui, is_auipc, is_jal, is_jalr, is_branch, is_load, is_store, is_op_imm, is_op;
  logic is_muldiv, is_fence, is_ecall, is_ebreak, is_mret, is_csr, is_illegal;
  logic [31:0] imm;

  npe_rv32_decoder u_decoder (
    .insn_i    (ir_q),
    .lui_o     (is_lui),
    .auipc_o   (is_auipc),
    .jal_o     (is_jal),
    .jalr_o    (is_jalr),
    .branch_o  (is_branch),
    .load_o    (is_load),
    .store_o   (is_store),
    .op_imm_o  (is_op_imm),
    .op_o      (is_op),
    .muldiv_o  (is_muldiv),
    .fence_o   (is_fence),
    .ecall_o   (is_ecall),
    .ebreak_o  (is_ebreak),
    .mret_o    (is_mret),
    .csr_o     (is_csr),
    .illegal_o (is_illegal),
    .imm_o     (imm)
  );

  logic [4:0] rd;
  logic [2:0] funct3;
  assign rd     = ir_q[11:7];
  assign funct3 = ir_q[14:12];

  // ---------------------------------------------------------------------------
  // Register file: read at the end of the fetch, written at retirement
  // ---------------------------------------------------------------------------
  logic        fetch_done;
  logic [31:0] rs1, rs2;
  logic        wb_en;
  logic [31:0] wb_data;
  assign fetch_done = state_q == StFetch && mem_ready_i;

  npe_rv32_regfile u_regfile (
    .clk_i     (clk_i),
    .re_i      (fetch_done),
    .raddr_a_i (mem_rdata_i[19:15]),
    .raddr_b_i (mem_rdata_i[24:20]),
    .rdata_a_o (rs1),
    .rdata_b_o (rs2),
    .we_i      (wb_en),
    .waddr_i   (rd),
    .wdata_i   (wb_data)
  );

  // ---------------------------------------------------------------------------
  // Execute: ALU, branch compare, next PC
  // ---------------------------------------------------------------------------
  logic [31:0] alu_b, alu_res;
  logic        alu_alt;
  assign alu_b   = is_op ? rs2 : imm;
  assign alu_alt = ir_q[30] && (is_op || funct3 == 3'b101);

  npe_rv32_alu u_alu (
    .a_i      (rs1),
    .b_i      (alu_b),
    .funct3_i (funct3),
    .alt_i    (alu_alt),
    .result_o (alu_res)
  );

  logic br_cond, br_taken;
  always_comb begin
    case (funct3)
      3'b000:  br_cond = rs1 == rs2;                    // BEQ
      3'b001:  br_cond = rs1 != rs2;                    // BNE
      3'b100:  br_cond = $signed(rs1) < $signed(rs2);   // BLT
      3'b101:  br_cond = $signed(rs1) >= $signed(rs2);  // BGE
      3'b110:  br_cond = rs1 < rs2;                     // BLTU
      default: br_cond = rs1 >= rs2;                    // BGEU
    endcase
  end
  assign br_taken = is_branch && br_cond;

  logic [31:0] pc_seq, jump_target, npc;
  logic        jumps;
  assign pc_seq      = pc_q + 32'd4;
  assign jump_target = is_jalr ? ((rs1 + imm) & ~32'd1) : pc_q + imm;
  assign jumps       = is_jal || is_jalr || br_taken;
  assign npc         = is_mret ? mepc_q : (jumps ? jump_target : pc_seq);

  // ---------------------------------------------------------------------------
  // Load / store
  // ---------------------------------------------------------------------------
  logic [31:0] ls_addr;
  logic [1:0]  ls_off;
  logic        ls_misaligned;
  assign ls_addr = rs1 + imm;
  assign ls_off  = ls_addr[1:0];
  assign ls_misaligned = (funct3[1:0] == 2'b01 && ls_off[0]) ||
                         (funct3[1:0] == 2'b10 && ls_off != 2'b00);

  logic [31:0] load_shifted, load_data, store_data;
  logic [3:0]  store_strb;
  assign load_shifted = mem_rdata_i >> {ls_off, 3'b000};
  always_comb begin
    case (funct3)
      3'b000:  load_data = {{24{load_shifted[7]}}, load_shifted[7:0]};     // LB
      3'b001:  load_data = {{16{load_shifted[15]}}, load_shifted[15:0]};   // LH
      3'b100:  load_data = {24'd0, load_shifted[7:0]};                     // LBU
      3'b101:  load_data = {16'd0, load_shifted[15:0]};                    // LHU
      default: load_data = load_shifted;  // LW (offset 0: the whole word)
    endcase
  end
  always_comb begin
    case (funct3[1:0])
      2'b00:   begin store_data = {4{rs2[7:0]}};  store_strb = 4'b0001 << ls_off; end   // SB
      2'b01:   begin store_data = {2{rs2[15:0]}}; store_strb = 4'b0011 << ls_off; end   // SH
      default: begin store_data = rs2;            store_strb = 4'b1111;           end   // SW
    endcase
  end

  // ---------------------------------------------------------------------------
  // Multiply / divide
  // ---------------------------------------------------------------------------
  logic        md_start, md_done;
  logic [31:0] md_result;
  assign md_start = state_q == StExec && is_muldiv;

  npe_rv32_muldiv u_muldiv (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .start_i  (md_start),
    .funct3_i (funct3),
    .a_i      (rs1),
    .b_i      (rs2),
    .done_o   (md_done),
    .result_o (md_result)
  );

  // ---------------------------------------------------------------------------
  // CSR access
  // ---------------------------------------------------------------------------
  logic [11:0] csr_addr;
  logic [31:0] csr_src, csr_rdata, csr_wdata;
  logic        csr_exists, csr_writes, csr_ro, csr_we;
  assign csr_addr   = ir_q[31:20];
  assign csr_src    = funct3[2] ? {27'd0, ir_q[19:15]} : rs1;
  // CSRRW always writes; CSRRS/C only with a non-zero source register/immediate
  assign csr_writes = funct3[1:0] == 2'b01 || ir_q[19:15] != 5'd0;
  assign csr_ro     = csr_addr[11:10] == 2'b11;

  always_comb begin
    csr_exists = 1'b1;
    case (csr_addr)
      CsrMstatus:  csr_rdata = {19'd0, 2'b11, 3'd0, mstatus_mpie_q, 3'd0, mstatus_mie_q, 3'd0};
      CsrMisa:     csr_rdata = MisaRv32im;
      CsrMie:      csr_rdata = {20'd0, mie_meie_q, 11'd0};
      CsrMtvec:    csr_rdata = mtvec_q;
      CsrMscratch: csr_rdata = mscratch_q;
      CsrMepc:     csr_rdata = mepc_q;
      CsrMcause:   csr_rdata = mcause_q;
      CsrMtval:    csr_rdata = 32'd0;
      CsrMip:      csr_rdata = {20'd0, irq_i, 11'd0};
      CsrCycle:    csr_rdata = cycle_q[31:0];
      CsrCycleh:   csr_rdata = cycle_q[63:32];
      CsrInstret:  csr_rdata = instret_q[31:0];
      CsrInstreth: csr_rdata = instret_q[63:32];
      CsrMvendorid, CsrMarchid, CsrMimpid, CsrMhartid: csr_rdata = 32'd0;
      default: begin
        csr_rdata  = 32'd0;
        csr_exists = 1'b0;
      end
    endcase
  end
  always_comb begin
    case (funct3[1:0])
      2'b01:   csr_wdata = csr_src;               // CSRRW
      2'b10:   csr_wdata = csr_rdata | csr_src;   // CSRRS
      default: csr_wdata = csr_rdata & ~csr_src;  // CSRRC
    endcase
  end

  // ---------------------------------------------------------------------------
  // Exceptions and interrupts
  // ---------------------------------------------------------------------------
  logic        in_exec, exc_valid, irq_take, trap_enter, retire;
  logic [31:0] exc_cause;
  assign in_exec = state_q == StExec;

  always_comb begin
    exc_cause = 32'd0;
    if (is_illegal || (is_csr && (!csr_exists || (csr_ro && csr_writes))))
                                                exc_cause = 32'd2;   // illegal instruction
    else if (is_ebreak)                         exc_cause = 32'd3;   // breakpoint
    else if (is_load && ls_misaligned)          exc_cause = 32'd4;   // load address misaligned
    else if (is_store && ls_misaligned)         exc_cause = 32'd6;   // store address misaligned
    else if (is_ecall)                          exc_cause = 32'd11;  // ECALL from M-mode
    else if (jumps && jump_target[1])           exc_cause = 32'd0;   // fetch misaligned
  end
  assign exc_valid = in_exec && (is_illegal || is_ebreak || is_ecall ||
                     (is_csr && (!csr_exists || (csr_ro && csr_writes))) ||
                     ((is_load || is_store) && ls_misaligned) || (jumps && jump_target[1]));

  // An instruction completes here: in StExec unless it goes on to memory or
  // the divider, else when that finishes.
  assign retire = (in_exec && (exc_valid || !(is_load || is_store || is_muldiv))) ||
                  (state_q == StMem && mem_ready_i) || (state_q == StMulDiv && md_done);
  // The interrupt is taken after any instruction but a SYSTEM one (so the
  // enables it reads are those the instruction leaves); mepc = the next PC.
  assign irq_take   = retire && !exc_valid && irq_i && mie_meie_q && mstatus_mie_q &&
                      !(is_csr || is_mret || is_ecall || is_ebreak);
  assign trap_enter = exc_valid || irq_take;
  assign csr_we     = in_exec && is_csr && csr_writes && !exc_valid;

  // ---------------------------------------------------------------------------
  // Write-back
  // ---------------------------------------------------------------------------
  always_comb begin
    case (state_q)
      StMem:    wb_data = load_data;
      StMulDiv: wb_data = md_result;
      default: begin
        if (is_lui)                   wb_data = imm;
        else if (is_auipc)            wb_data = pc_q + imm;
        else if (is_jal || is_jalr)   wb_data = pc_seq;
        else if (is_csr)              wb_data = csr_rdata;
        else                          wb_data = alu_res;
      end
    endcase
  end
  assign wb_en = retire && !exc_valid && rd != 5'd0 &&
                 (is_lui || is_auipc || is_jal || is_jalr || is_op || is_op_imm || is_csr ||
                  is_load || is_muldiv);

  // ---------------------------------------------------------------------------
  // Memory port (continuous from the state: held until ready)
  // ---------------------------------------------------------------------------
  assign mem_req_o   = state_q == StFetch || state_q == StMem;
  assign mem_we_o    = state_q == StMem && is_store;
  assign mem_addr_o  = state_q == StFetch ? pc_q : ls_addr;
  assign mem_wdata_o = store_data;
  assign mem_wstrb_o = state_q == StMem && is_store ? store_strb : 4'b0000;

  // ---------------------------------------------------------------------------
  // Control FSM
  // ---------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    ir_d    = ir_q;
    case (state_q)
      // StFetch: the instruction at pc_q; the register file reads its sources
      StFetch: begin
        if (mem_ready_i) begin
          ir_d    = mem_rdata_i;
          state_d = StExec;
        end
      end
      // StExec: finish here, or go on to memory / the divider
      StExec: begin
        if (exc_valid)                  state_d = StFetch;
        else if (is_load || is_store)   state_d = StMem;
        else if (is_muldiv)             state_d = StMulDiv;
        else                            state_d = StFetch;
      end
      // StMem: the load or store, held until ready
      StMem:    if (mem_ready_i) state_d = StFetch;
      // StMulDiv: wait for the iterative unit
      StMulDiv: if (md_done) state_d = StFetch;
      default:  state_d = StFetch;
    endcase
  end

  assign pc_d = !retire ? pc_q : (trap_enter ? {mtvec_q[31:2], 2'b00} : npc);

  // CSR next values: trap entry, MRET, then CSR instructions
  always_comb begin
    mstatus_mie_d  = mstatus_mie_q;
    mstatus_mpie_d = mstatus_mpie_q;
    if (trap_enter) begin
      mstatus_mpie_d = mstatus_mie_q;
      mstatus_mie_d  = 1'b0;
    end else if (in_exec && is_mret) begin
      mstatus_mie_d  = mstatus_mpie_q;
      mstatus_mpie_d = 1'b1;
    end else if (csr_we && csr_addr == CsrMstatus) begin
      mstatus_mie_d  = csr_wdata[3];
      mstatus_mpie_d = csr_wdata[7];
    end
  end
  assign mie_meie_d = csr_we && csr_addr == CsrMie      ? csr_wdata[11] : mie_meie_q;
  assign mtvec_d    = csr_we && csr_addr == CsrMtvec    ? {csr_wdata[31:2], 2'b00} : mtvec_q;
  assign mscratch_d = csr_we && csr_addr == CsrMscratch ? csr_wdata : mscratch_q;
  assign mepc_d     = trap_enter ? (exc_valid ? pc_q : npc) :
                      (csr_we && csr_addr == CsrMepc ? {csr_wdata[31:2], 2'b00} : mepc_q);
  assign mcause_d   = exc_valid ? exc_cause : irq_take ? 32'h8000_000b :
                      (csr_we && csr_addr == CsrMcause ? csr_wdata : mcause_q);
  assign cycle_d    = cycle_q + 64'd1;
  assign instret_d  = instret_q + ((retire && !exc_valid) ? 64'd1 : 64'd0);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= StFetch;
      pc_q           <= BootAddr;
      ir_q           <= 32'h0000_0013;  // NOP
      mstatus_mie_q  <= 1'b0;
      mstatus_mpie_q <= 1'b0;
      mie_meie_q     <= 1'b0;
      mtvec_q        <= MtvecReset;
      mscratch_q     <= '0;
      mepc_q         <= '0;
      mcause_q       <= '0;
      cycle_q        <= '0;
      instret_q      <= '0;
    end else begin
      state_q        <= state_d;
      pc_q           <= pc_d;
      ir_q           <= ir_d;
      mstatus_mie_q  <= mstatus_mie_d;
      mstatus_mpie_q <= mstatus_mpie_d;
      mie_meie_q     <= mie_meie_d;
      mtvec_q        <= mtvec_d;
      mscratch_q     <= mscratch_d;
      mepc_q         <= mepc_d;
      mcause_q       <= mcause_d;
      cycle_q        <= cycle_d;
      instret_q      <= instret_d;
    end
  end

  // ---------------------------------------------------------------------------
  // Retire trace
  // ---------------------------------------------------------------------------
  assign retire_valid_o    = retire;
  assign retire_pc_o       = pc_q;
  assign retire_insn_o     = ir_q;
  assign retire_trap_o     = exc_valid;
  assign retire_rd_o       = wb_en ? rd : 5'd0;
  assign retire_rd_wdata_o = wb_en ? wb_data : 32'd0;

  // Deliberately unused: the fence class (a no-op on this core)
  logic unused_fence;
  assign unused_fence = is_fence;

  // ---------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------
`ifdef NPE_ASSERT
  // A request stays up, unchanged, until ready.
  CoreMemReqHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (mem_req_o && !mem_ready_i) |=> mem_req_o && $stable(mem_addr_o) && $stable(mem_we_o) &&
      $stable(mem_wdata_o) && $stable(mem_wstrb_o));
  // Data accesses are naturally aligned; fetches are word-aligned.
  CoreMemAligned: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_req_o |-> (state_q == StFetch ? mem_addr_o[1:0] == 2'b00 : !ls_misaligned));
  // The PC is always word-aligned (no C extension).
  CorePcAligned: assert property (@(posedge clk_i) disable iff (!rst_ni) pc_q[1:0] == 2'b00);
  // x0 is never written.
  CoreNoWriteX0: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wb_en |-> rd != 5'd0);
  // The divider only finishes while the core waits for it.
  CoreMulDivDoneWaited: assert property (@(posedge clk_i) disable iff (!rst_ni)
      md_done |-> state_q == StMulDiv);
`endif
endmodule
