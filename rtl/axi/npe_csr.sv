// SPDX-License-Identifier: Apache-2.0
// npe_csr: the NPE register file behind npe_axil_slave, written against the
// offsets and fields in npe_pkg (generated from tools/regmap/npe_regmap.pyl).
//
// It holds configuration, interrupt state and the first error; it does not
// count anything (counters arrive on perf_i) and does not run jobs. A request
// is answered in its own cycle: reg_error_o is 1 for an unmapped offset or a
// write to a read-only register, and such a request changes no state.
module npe_csr #(
  parameter logic [31:0] CapFormats = npe_pkg::RegCapFormatsResetVal,  // value read from CAP_FORMATS
  parameter logic [31:0] CapArray   = npe_pkg::RegCapArrayResetVal,    // value read from CAP_ARRAY
  parameter logic [31:0] CapSpad    = npe_pkg::RegCapSpadResetVal,     // value read from CAP_SPAD
  parameter logic [31:0] CapPerf    = npe_pkg::RegCapPerfResetVal,     // value read from CAP_PERF
  parameter logic [31:0] CapRecur   = npe_pkg::RegCapRecurResetVal,    // value read from CAP_RECUR
  // Address bits the DMA has, 13..64: the ring base and the window keep
  // that many; a write that sets a bit above them is refused (SLVERR).
  parameter int          AddrBits   = 64,
  parameter int          LimBits    = AddrBits < 64 ? AddrBits + 1 : 64,  // DMA_WIN_LIMIT bits
  parameter bit          HasNlu     = 1'b1,  // NLU_TBL_* exist (else SLVERR)
  parameter bit          HasDirectDesc = 1'b1 // DESC_0..15 and DOORBELL exist (else SLVERR)
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  // Register request port (from npe_axil_slave)
  input  logic                        reg_req_i,
  input  logic                        reg_we_i,
  input  logic [npe_pkg::CsrAddrWidth-1:0]     reg_addr_i,
  input  logic [31:0]                 reg_wdata_i,
  input  logic [3:0]                  reg_wstrb_i,
  output logic [31:0]                 reg_rdata_o,
  output logic                        reg_error_o,

  // Control: one-cycle pulses and levels
  output logic                        start_o,        // CTRL.START written 1
  output logic                        soft_reset_o,   // CTRL.SOFT_RESET written 1
  output logic                        perf_clear_o,   // CTRL.PERF_CLEAR written 1
  output logic                        perf_en_o,      // CTRL.PERF_EN
  output logic                        stop_on_err_o,  // CTRL.STOP_ON_ERR
  output logic                        doorbell_o,     // DOORBELL.RUN written 1

  // Status and error report; the first error with a non-zero code is kept
  input  logic                        busy_i,
  input  logic                        err_valid_i,
  input  logic [7:0]                  err_code_i,
  input  logic [15:0]                 err_idx_i,
  input  logic [AddrBits-1:0]         err_addr_i,

  // Interrupts: events in, level out
  input  logic                        done_i,
  input  logic                        desc_irq_i,
  output logic                        irq_o,

  // Command ring
  output logic [AddrBits-1:0]         ring_base_o,
  output logic [3:0]                  ring_log2_o,
  output logic [15:0]                 ring_tail_o,
  input  logic [15:0]                 ring_head_i,

  // DMA window [base, limit)
  output logic [AddrBits-1:0]         dma_win_base_o,
  output logic [LimBits-1:0]          dma_win_limit_o,  // exclusive, up to 2^AddrBits

  // Direct descriptor, DESC_0 in bits 31:0
  output logic [npe_pkg::DescSizeBytes*8-1:0]  desc_o,

  // Performance counters, counter i in bits 64*i +: 64
  input  logic [npe_pkg::NumPerfCounters*64-1:0] perf_i,

  // NLU threshold table: a write of NLU_TBL_DATA (refused while busy)
  input  logic                        nlu_busy_i,
  output logic                        nlu_tbl_we_o,
  output logic [8:0]                  nlu_tbl_addr_o,
  output logic [16:0]                 nlu_tbl_wdata_o
);

  localparam int PerfIdxWidth = $clog2(npe_pkg::NumPerfCounters);
  localparam logic [npe_pkg::CsrAddrWidth-1:0] PerfEndOffset =
      npe_pkg::PerfBaseOffset + npe_pkg::CsrAddrWidth'(8 * npe_pkg::NumPerfCounters);
  localparam logic [npe_pkg::CsrAddrWidth-1:0] DescEndOffset =
      npe_pkg::RegDesc0Offset + npe_pkg::CsrAddrWidth'(npe_pkg::DescSizeBytes);

  // ------------------------------------------------------------------
  // State
  // ------------------------------------------------------------------
  logic        perf_en_q, perf_en_d;
  logic        stop_on_err_q, stop_on_err_d;
  logic        start_q, start_d;
  logic        soft_reset_q, soft_reset_d;
  logic        perf_clear_q, perf_clear_d;
  logic        doorbell_q, doorbell_d;
  logic [7:0]  err_code_q, err_code_d;
  logic [15:0] err_idx_q, err_idx_d;
  logic [AddrBits-1:0] err_addr_q, err_addr_d;
  logic [63:0] err_addr_w;  // as 64 bits (bits from AddrBits up read 0)
  assign err_addr_w = 64'(err_addr_q);
  logic [2:0]  intr_state_q, intr_state_d;
  logic [2:0]  intr_enable_q, intr_enable_d;
  logic [AddrBits-1:0] ring_base_q, ring_base_d;
  logic [3:0]  ring_log2_q, ring_log2_d;
  logic [15:0] ring_tail_q, ring_tail_d;
  logic [AddrBits-1:0] win_base_q, win_base_d;
  logic [LimBits-1:0]  win_limit_q, win_limit_d;
  // The address registers as 64-bit values (bits from AddrBits up read 0).
  logic [63:0] ring_base_w, win_base_w, win_limit_w;
  assign ring_base_w = 64'(ring_base_q);
  assign win_base_w  = 64'(win_base_q);
  assign win_limit_w = 64'(win_limit_q);
  localparam logic [63:0] AddrHiMask = AddrBits >= 64 ? 64'd0 : ~64'd0 << AddrBits;
  localparam logic [63:0] LimHiMask  = LimBits >= 64 ? 64'd0 : ~64'd0 << LimBits;
  localparam int DescWords = npe_pkg::DescSizeBytes / 4;
  logic [31:0] desc_w [DescWords];
  logic [8:0]  nlu_addr_q, nlu_addr_d;
  logic [31:0] snap_hi_q, snap_hi_d;
  logic [PerfIdxWidth-1:0] snap_idx_q, snap_idx_d;
  logic        snap_valid_q, snap_valid_d;

  // ------------------------------------------------------------------
  // Decode
  // ------------------------------------------------------------------
  logic [npe_pkg::CsrAddrWidth-1:0] addr;
  logic [31:0]             be;       // byte enables as a bit mask
  logic                    in_desc, in_perf;
  logic [3:0]              desc_word;
  logic [PerfIdxWidth-1:0] perf_idx;
  logic                    perf_hi;
  logic [63:0]             perf_val;
  logic                    legal, read_only;
  logic [31:0]             rdata;
  logic                    wr, rd;

  assign addr      = {reg_addr_i[npe_pkg::CsrAddrWidth-1:2], 2'b00};
  assign be        = {{8{reg_wstrb_i[3]}}, {8{reg_wstrb_i[2]}},
                      {8{reg_wstrb_i[1]}}, {8{reg_wstrb_i[0]}}};
  assign in_desc   = (addr >= npe_pkg::RegDesc0Offset) && (addr < DescEndOffset);
  assign in_perf   = (addr >= npe_pkg::PerfBaseOffset) && (addr < PerfEndOffset);
  assign desc_word = 4'(addr[5:2] - npe_pkg::RegDesc0Offset[5:2]);
  assign perf_idx  = PerfIdxWidth'((addr - npe_pkg::PerfBaseOffset) >> 3);
  assign perf_hi   = addr[2];
  // Indexed arrays, not variable part-selects of the flat vectors: those
  // build wide shifters (hundreds of LUTs on an FPGA) for what is a mux.
  logic [63:0] perf_w [npe_pkg::NumPerfCounters];
  for (genvar i = 0; i < npe_pkg::NumPerfCounters; i++) begin : gen_perf_w
    assign perf_w[i] = perf_i[64*i +: 64];
  end

  // Read values of the registers with several fields.
  logic [31:0] ctrl_rd, status_rd, ring_size_rd;
  assign ctrl_rd = (32'(perf_en_q) << npe_pkg::RegCtrlPerfEnBit) |
                   (32'(stop_on_err_q) << npe_pkg::RegCtrlStopOnErrBit);
  assign status_rd = (32'(busy_i) << npe_pkg::RegStatusBusyBit) |
                     (32'(err_code_q) << npe_pkg::RegStatusErrLsb) |
                     (32'(err_idx_q) << npe_pkg::RegStatusErrIdxLsb);
  assign ring_size_rd = 32'(ring_log2_q) << npe_pkg::RegRingSizeLog2EntriesLsb;

  // The decode is looked at only with a request (reg_error_o, and the
  // slave takes reg_rdata_o only then): it sits in an if on reg_req_i, so
  // a cycle-based simulator (Verilator) skips it on the other cycles, which
  // are nearly all of them (docs/ARCHITECTURE.md, "Simulation speed").
  always_comb begin
    legal     = 1'b1;
    read_only = 1'b0;
    rdata     = '0;
    perf_val  = 64'd0;
    if (!reg_req_i) begin
      // no request: nothing to decode
    end else if (in_desc) begin
      legal = HasDirectDesc;
      rdata = desc_w[desc_word];
    end else if (in_perf) begin
      read_only = 1'b1;
      perf_val  = 32'(perf_idx) < npe_pkg::NumPerfCounters ? perf_w[perf_idx] : 64'd0;
      if (!perf_hi) rdata = perf_val[31:0];
      else if (snap_valid_q && snap_idx_q == perf_idx) rdata = snap_hi_q;
      else rdata = perf_val[63:32];
    end else begin
      case (addr)
        npe_pkg::RegIdOffset:          begin read_only = 1'b1; rdata = npe_pkg::RegIdResetVal; end
        npe_pkg::RegVersionOffset:     begin read_only = 1'b1; rdata = npe_pkg::RegVersionResetVal; end
        npe_pkg::RegCapFormatsOffset:  begin read_only = 1'b1; rdata = CapFormats; end
        npe_pkg::RegCapArrayOffset:    begin read_only = 1'b1; rdata = CapArray; end
        npe_pkg::RegCapSpadOffset:     begin read_only = 1'b1; rdata = CapSpad; end
        npe_pkg::RegCapPerfOffset:     begin read_only = 1'b1; rdata = CapPerf; end
        npe_pkg::RegCapRecurOffset:    begin read_only = 1'b1; rdata = CapRecur; end
        npe_pkg::RegCtrlOffset:       rdata = ctrl_rd;
        npe_pkg::RegStatusOffset:     begin read_only = 1'b1; rdata = status_rd; end
        npe_pkg::RegErrAddrLoOffset:   begin read_only = 1'b1; rdata = err_addr_w[31:0]; end
        npe_pkg::RegErrAddrHiOffset:   begin read_only = 1'b1; rdata = err_addr_w[63:32]; end
        npe_pkg::RegIntrStateOffset:   rdata[2:0] = intr_state_q;
        npe_pkg::RegIntrEnableOffset:  rdata[2:0] = intr_enable_q;
        npe_pkg::RegIntrTestOffset:    rdata = '0;
        npe_pkg::RegRingBaseLoOffset:  rdata = ring_base_w[31:0];
        npe_pkg::RegRingBaseHiOffset:  rdata = ring_base_w[63:32];
        npe_pkg::RegRingSizeOffset:    rdata = ring_size_rd;
        npe_pkg::RegRingHeadOffset:    begin read_only = 1'b1; rdata[15:0] = ring_head_i; end
        npe_pkg::RegRingTailOffset:    rdata[15:0] = ring_tail_q;
        npe_pkg::RegDmaWinBaseLoOffset:  rdata = win_base_w[31:0];
        npe_pkg::RegDmaWinBaseHiOffset:  rdata = win_base_w[63:32];
        npe_pkg::RegDmaWinLimitLoOffset: rdata = win_limit_w[31:0];
        npe_pkg::RegDmaWinLimitHiOffset: rdata = win_limit_w[63:32];
        npe_pkg::RegDoorbellOffset:    begin legal = HasDirectDesc; rdata = '0; end
        npe_pkg::RegNluTblAddrOffset:  begin legal = HasNlu; rdata[8:0] = nlu_addr_q; end
        npe_pkg::RegNluTblDataOffset:  begin legal = HasNlu; rdata = '0; end
        default:              legal = 1'b0;
      endcase
    end
  end

  // A write to an address register: the 64-bit value it would take (below,
  // after merge()); with AddrBits < 64 a value with bits above is refused.
  logic [63:0] addr_wr_val;
  logic        addr_wr_bad;

  // A table write while an NLU descriptor runs would change its ramp.
  logic tbl_busy;
  assign tbl_busy    = reg_we_i && addr == npe_pkg::RegNluTblDataOffset && nlu_busy_i;
  assign reg_error_o = reg_req_i && (!legal || (reg_we_i && read_only) || tbl_busy ||
                                     addr_wr_bad);
  assign reg_rdata_o = reg_error_o ? 32'h0 : rdata;
  assign wr = reg_req_i && reg_we_i && !reg_error_o;
  assign rd = reg_req_i && !reg_we_i && !reg_error_o;

  // ------------------------------------------------------------------
  // Register updates
  // ------------------------------------------------------------------
  // Merge the strobed bytes of the write data into a 32-bit slice.
  function automatic logic [31:0] merge(logic [31:0] old, logic [31:0] wdata, logic [31:0] mask);
    merge = (old & ~mask) | (wdata & mask);
  endfunction

  always_comb begin
    addr_wr_val = '0;
    // (only a write looks at it; skipped otherwise, as the decode above)
    if (reg_req_i && reg_we_i) case (addr)
      npe_pkg::RegRingBaseLoOffset:
        addr_wr_val = {ring_base_w[63:32], merge(ring_base_w[31:0], reg_wdata_i, be)};
      npe_pkg::RegRingBaseHiOffset:
        addr_wr_val = {merge(ring_base_w[63:32], reg_wdata_i, be), ring_base_w[31:0]};
      npe_pkg::RegDmaWinBaseLoOffset:
        addr_wr_val = {win_base_w[63:32], merge(win_base_w[31:0], reg_wdata_i, be)};
      npe_pkg::RegDmaWinBaseHiOffset:
        addr_wr_val = {merge(win_base_w[63:32], reg_wdata_i, be), win_base_w[31:0]};
      npe_pkg::RegDmaWinLimitLoOffset:
        addr_wr_val = {win_limit_w[63:32], merge(win_limit_w[31:0], reg_wdata_i, be)};
      npe_pkg::RegDmaWinLimitHiOffset:
        addr_wr_val = {merge(win_limit_w[63:32], reg_wdata_i, be), win_limit_w[31:0]};
      default: ;
    endcase
  end
  // DMA_WIN_LIMIT may be 2^AddrBits (one bit more); the others stay below.
  logic limit_reg;
  assign limit_reg   = addr == npe_pkg::RegDmaWinLimitLoOffset ||
                       addr == npe_pkg::RegDmaWinLimitHiOffset;
  assign addr_wr_bad = reg_we_i && (addr_wr_val & (limit_reg ? LimHiMask : AddrHiMask)) != 64'd0;

  logic [31:0] wbits;  // written ones, for pulse and w1c fields
  logic        wr_ctrl, wr_intr_state, wr_intr_test, wr_doorbell;
  logic [2:0]  intr_set, intr_clr, intr_hw;
  logic        new_err;

  assign wbits         = reg_wdata_i & be;
  assign wr_ctrl       = wr && (addr == npe_pkg::RegCtrlOffset);
  assign wr_intr_state = wr && (addr == npe_pkg::RegIntrStateOffset);
  assign wr_intr_test  = wr && (addr == npe_pkg::RegIntrTestOffset);
  assign wr_doorbell   = wr && (addr == npe_pkg::RegDoorbellOffset);

  // Pulse fields: a written 1 acts for one cycle (registered).
  assign start_d      = wr_ctrl && wbits[npe_pkg::RegCtrlStartBit];
  assign soft_reset_d = wr_ctrl && wbits[npe_pkg::RegCtrlSoftResetBit];
  assign perf_clear_d = wr_ctrl && wbits[npe_pkg::RegCtrlPerfClearBit];
  assign doorbell_d   = wr_doorbell && wbits[npe_pkg::RegDoorbellRunBit];

  // NLU table: the data write goes straight to the table at the current
  // address, which then advances; writing the address register sets it.
  logic wr_nlu_addr, wr_nlu_data;
  assign wr_nlu_addr     = wr && addr == npe_pkg::RegNluTblAddrOffset;
  assign wr_nlu_data     = wr && addr == npe_pkg::RegNluTblDataOffset;
  assign nlu_addr_d      = wr_nlu_addr ? 9'(merge({23'd0, nlu_addr_q}, reg_wdata_i, be)) :
                           wr_nlu_data ? nlu_addr_q + 9'd1 : nlu_addr_q;
  assign nlu_tbl_we_o    = wr_nlu_data;
  assign nlu_tbl_addr_o  = nlu_addr_q;
  assign nlu_tbl_wdata_o = reg_wdata_i[16:0] & be[16:0];
  assign perf_en_d     = (wr_ctrl && be[npe_pkg::RegCtrlPerfEnBit]) ?
                         reg_wdata_i[npe_pkg::RegCtrlPerfEnBit] : perf_en_q;
  assign stop_on_err_d = (wr_ctrl && be[npe_pkg::RegCtrlStopOnErrBit]) ?
                         reg_wdata_i[npe_pkg::RegCtrlStopOnErrBit] : stop_on_err_q;

  // Plain read/write registers.
  always_comb begin
    intr_enable_d = intr_enable_q;
    ring_base_d   = ring_base_q;
    ring_log2_d   = ring_log2_q;
    ring_tail_d   = ring_tail_q;
    win_base_d    = win_base_q;
    win_limit_d   = win_limit_q;
    if (wr) begin
      case (addr)
        npe_pkg::RegIntrEnableOffset:
          intr_enable_d = 3'(merge({29'b0, intr_enable_q}, reg_wdata_i, be));
        npe_pkg::RegRingBaseLoOffset, npe_pkg::RegRingBaseHiOffset:
          ring_base_d = AddrBits'(addr_wr_val);
        npe_pkg::RegRingSizeOffset:
          ring_log2_d = 4'(merge({28'b0, ring_log2_q}, reg_wdata_i, be));
        npe_pkg::RegRingTailOffset:
          ring_tail_d = 16'(merge({16'b0, ring_tail_q}, reg_wdata_i, be));
        npe_pkg::RegDmaWinBaseLoOffset, npe_pkg::RegDmaWinBaseHiOffset:
          win_base_d = AddrBits'(addr_wr_val);
        npe_pkg::RegDmaWinLimitLoOffset, npe_pkg::RegDmaWinLimitHiOffset:
          win_limit_d = LimBits'(addr_wr_val);
        default: ;
      endcase
    end
  end

  // DESC words: one write enable per byte, so the 512 bits need no
  // merge multiplexers (flip-flops with enables only). One process per
  // word with the byte strobes inside: a simulator tests one condition
  // per word and cycle, not one per byte (docs/ARCHITECTURE.md,
  // "Simulation speed").
  for (genvar w = 0; w < DescWords; w++) begin : gen_desc
    if (HasDirectDesc) begin : gen_on
      logic [31:0] word_q;  // a strobed byte has its own enable
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) word_q <= '0;
        else if (wr && in_desc && desc_word == 4'(w))
          for (int b = 0; b < 4; b++)
            if (reg_wstrb_i[b]) word_q[8*b +: 8] <= reg_wdata_i[8*b +: 8];
      end
      assign desc_w[w] = word_q;
    end else begin : gen_off
      assign desc_w[w] = '0;
    end
    assign desc_o[32*w +: 32] = desc_w[w];
  end

  // Error latch and interrupt state: hardware events win over a clear in
  // the same cycle, so no event is lost; SOFT_RESET clears both.
  assign new_err = err_valid_i && (err_code_i != 8'(npe_pkg::ErrNone));

  always_comb begin
    err_code_d = err_code_q;
    err_idx_d  = err_idx_q;
    err_addr_d = err_addr_q;
    if (soft_reset_q) begin
      err_code_d = '0;
      err_idx_d  = '0;
      err_addr_d = '0;
    end else if (new_err && err_code_q == 8'(npe_pkg::ErrNone)) begin
      err_code_d = err_code_i;
      err_idx_d  = err_idx_i;
      err_addr_d = err_addr_i;
    end
  end

  assign intr_clr = wr_intr_state ? wbits[2:0] : 3'b000;
  assign intr_set = wr_intr_test ? wbits[2:0] : 3'b000;
  assign intr_hw  = (3'(done_i) << npe_pkg::RegIntrStateDoneBit) |
                    (3'(new_err) << npe_pkg::RegIntrStateErrorBit) |
                    (3'(desc_irq_i) << npe_pkg::RegIntrStateDescBit);
  assign intr_state_d = (soft_reset_q ? 3'b000 : (intr_state_q & ~intr_clr)) | intr_set | intr_hw;

  // Counter snapshot: reading PERF_x_LO captures PERF_x_HI for the next read.
  always_comb begin
    snap_hi_d    = snap_hi_q;
    snap_idx_d   = snap_idx_q;
    snap_valid_d = snap_valid_q;
    if (rd && in_perf && !perf_hi) begin
      snap_hi_d    = perf_val[63:32];
      snap_idx_d   = perf_idx;
      snap_valid_d = 1'b1;
    end else if (rd && in_perf && perf_hi) begin
      snap_valid_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      perf_en_q     <= npe_pkg::RegCtrlResetVal[npe_pkg::RegCtrlPerfEnBit];
      stop_on_err_q <= npe_pkg::RegCtrlResetVal[npe_pkg::RegCtrlStopOnErrBit];
      start_q       <= 1'b0;
      soft_reset_q  <= 1'b0;
      perf_clear_q  <= 1'b0;
      doorbell_q    <= 1'b0;
      err_code_q    <= '0;
      err_idx_q     <= '0;
      err_addr_q    <= '0;
      intr_state_q  <= '0;
      intr_enable_q <= '0;
      ring_base_q   <= '0;
      ring_log2_q   <= '0;
      ring_tail_q   <= '0;
      win_base_q    <= '0;
      win_limit_q   <= '0;
      snap_hi_q     <= '0;
      nlu_addr_q    <= '0;
      snap_idx_q    <= '0;
      snap_valid_q  <= 1'b0;
    end else begin
      perf_en_q     <= perf_en_d;
      stop_on_err_q <= stop_on_err_d;
      start_q       <= start_d;
      soft_reset_q  <= soft_reset_d;
      perf_clear_q  <= perf_clear_d;
      doorbell_q    <= doorbell_d;
      err_code_q    <= err_code_d;
      err_idx_q     <= err_idx_d;
      err_addr_q    <= err_addr_d;
      intr_state_q  <= intr_state_d;
      intr_enable_q <= intr_enable_d;
      ring_base_q   <= ring_base_d;
      ring_log2_q   <= ring_log2_d;
      ring_tail_q   <= ring_tail_d;
      win_base_q    <= win_base_d;
      win_limit_q   <= win_limit_d;
      snap_hi_q     <= snap_hi_d;
      nlu_addr_q    <= nlu_addr_d;
      snap_idx_q    <= snap_idx_d;
      snap_valid_q  <= snap_valid_d;
    end
  end

  // ------------------------------------------------------------------
  // Outputs
  // ------------------------------------------------------------------
  assign start_o         = start_q;
  assign soft_reset_o    = soft_reset_q;
  assign perf_clear_o    = perf_clear_q;
  assign perf_en_o       = perf_en_q;
  assign stop_on_err_o   = stop_on_err_q;
  assign doorbell_o      = doorbell_q;
  assign irq_o           = |(intr_state_q & intr_enable_q);
  assign ring_base_o     = ring_base_q;
  assign ring_log2_o     = ring_log2_q;
  assign ring_tail_o     = ring_tail_q;
  assign dma_win_base_o  = win_base_q;
  assign dma_win_limit_o = win_limit_q;

  // ------------------------------------------------------------------
  // Assertions
  // ------------------------------------------------------------------
  // Offsets are word addresses; the byte lanes come from reg_wstrb_i.
  logic unused_addr;
  assign unused_addr = ^reg_addr_i[1:0];

`ifdef NPE_ASSERT
  CsrNoStateChangeOnError: assert property (@(posedge clk_i)
    rst_ni && reg_error_o |-> !wr);
`endif

endmodule
