// SPDX-License-Identifier: Apache-2.0
// npe_top: the NPE engine: AXI4-Lite CSRs, the command processor, the DMA
// (AXI4 master) and its read arbiter, double-buffered scratchpads, the MAC
// array, the output buffer, the NLU and crossbar units and the performance
// counters, the recurrence unit. This file only wires them together: every unit hangs on the
// command processor's dispatch interface (slot npe_pkg::Unit*).
module npe_top #(
  parameter int          Rows       = 4,     // PE rows (A rows per MATMUL), 1..16
  parameter int          Cols       = 2,     // PE columns, 1..16
  parameter int          ABankWords = 1024,  // 64-bit words per A bank per buffer (power of 2)
  parameter int          BBankWords = 32768, // 64-bit words per B bank per buffer (power of 2): 512 KiB a buffer, so a GRU or LSTM layer of H = 256 keeps W_hh resident in every format
  parameter int          OutGroups  = 32,    // column groups per output buffer (power of 2, >= 2)
  parameter logic [5:0]  FormatMask = 6'h3f, // formats built (bit = format code)
  parameter int          MaxReadsInFlight = 4,
  parameter int          MaxBurstBeats    = 256, // longest DMA burst, 1..256 (16 on AXI3 ports: Zynq-7000 HP)
  parameter int          DescFifoDepth    = 4,  // descriptors fetched ahead, 1..16
  parameter int          CounterBits      = 64, // performance counter width, 16..64 (wraps)
  parameter int          XbarK            = 64, // crossbar tile inputs, multiple of 8, <= 128
  parameter int          XbarN            = 64, // crossbar tile outputs, <= Cols x OutGroups
  // Small-FPGA options (docs/ARCHITECTURE.md, "The small build"):
  parameter int          AddrBits         = 64, // DMA address bits, 13..64
  parameter bit          HasNlu           = 1'b1, // build the NLU (NLU opcode, NLU_TBL_*)
  parameter int          NluGroups        = 8,    // column groups the NLU converts per ramp, 1..min(15, OutGroups)
  parameter bit          HasXbar          = 1'b1, // build the crossbar unit (XBAR opcode; needs HasNlu)
  parameter bit          HasRecur         = 1'b1, // build the recurrence unit (RECUR opcode)
  parameter int          RecurStateWords  = 1024, // its state elements (largest N), 1..65535
  parameter bit          LitePe           = 1'b0, // npe_pe_lite PEs (FormatMask INT8 / ternary only)
  parameter bit          KSplit           = 1'b1, // MATMUL FLAGS.ACCUM / KEEP: OutGroups saved quires per PE (not with LitePe)
  parameter bit          HasSherry        = 1'b1, // LOAD FLAGS.SHERRY: the Sherry 1.25-bit ternary unpacker on the load path
  parameter bit          HasDirectDesc    = 1'b1, // DESC_0..15 + DOORBELL (else ring only)
  parameter bit          ClockGates       = 1'b0, // the PEs' clock gates (ASIC builds; never on an FPGA)
  parameter bit          UnitClockGates   = 1'b0, // idle units' clock gates (Verilator and ASIC builds; never on an FPGA)
  parameter bit          CheckOnce        = 1'b0, // units check a head descriptor once, npe_cmd keeps it (Verilator model)
  parameter int          PerfMask         = 'h7fff // performance counters built (bit = PERF_ index)
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  // AXI4-Lite slave: CSRs
  input  logic [11:0] s_axil_awaddr,
  input  logic [2:0]  s_axil_awprot,
  input  logic        s_axil_awvalid,
  output logic        s_axil_awready,
  input  logic [31:0] s_axil_wdata,
  input  logic [3:0]  s_axil_wstrb,
  input  logic        s_axil_wvalid,
  output logic        s_axil_wready,
  output logic [1:0]  s_axil_bresp,
  output logic        s_axil_bvalid,
  input  logic        s_axil_bready,
  input  logic [11:0] s_axil_araddr,
  input  logic [2:0]  s_axil_arprot,
  input  logic        s_axil_arvalid,
  output logic        s_axil_arready,
  output logic [31:0] s_axil_rdata,
  output logic [1:0]  s_axil_rresp,
  output logic        s_axil_rvalid,
  input  logic        s_axil_rready,

  // AXI4 master: DMA
  output logic [3:0]  m_axi_arid,
  output logic [63:0] m_axi_araddr,
  output logic [7:0]  m_axi_arlen,
  output logic [2:0]  m_axi_arsize,
  output logic [1:0]  m_axi_arburst,
  output logic        m_axi_arlock,
  output logic [3:0]  m_axi_arcache,
  output logic [2:0]  m_axi_arprot,
  output logic [3:0]  m_axi_arqos,
  output logic        m_axi_arvalid,
  input  logic        m_axi_arready,
  input  logic [3:0]  m_axi_rid,
  input  logic [63:0] m_axi_rdata,
  input  logic [1:0]  m_axi_rresp,
  input  logic        m_axi_rlast,
  input  logic        m_axi_rvalid,
  output logic        m_axi_rready,
  output logic [3:0]  m_axi_awid,
  output logic [63:0] m_axi_awaddr,
  output logic [7:0]  m_axi_awlen,
  output logic [2:0]  m_axi_awsize,
  output logic [1:0]  m_axi_awburst,
  output logic        m_axi_awlock,
  output logic [3:0]  m_axi_awcache,
  output logic [2:0]  m_axi_awprot,
  output logic [3:0]  m_axi_awqos,
  output logic        m_axi_awvalid,
  input  logic        m_axi_awready,
  output logic [63:0] m_axi_wdata,
  output logic [7:0]  m_axi_wstrb,
  output logic        m_axi_wlast,
  output logic        m_axi_wvalid,
  input  logic        m_axi_wready,
  input  logic [3:0]  m_axi_bid,
  input  logic [1:0]  m_axi_bresp,
  input  logic        m_axi_bvalid,
  output logic        m_axi_bready,

  // Interrupt (level)
  output logic        irq_o
);

  localparam int ABits    = $clog2(ABankWords);
  localparam int BBits    = $clog2(BBankWords);
  localparam int MaxBanks = Rows > Cols ? Rows : Cols;
  localparam int LdBits   = ABits > BBits ? ABits : BBits;
  // (a width-exact constant first: Icarus 11 cannot cast a function call)
  localparam logic [2:0] MaxLanesBits3 = npe_pkg::fmt_max_lanes(FormatMask);
  localparam int MaxLanes = {29'd0, MaxLanesBits3};  // lanes per PE
  localparam logic [31:0] CapArray = (32'(HasNlu ? NluGroups : 0) << npe_pkg::RegCapArrayNluGroupsLsb) |
                                     (32'($clog2(OutGroups)) << npe_pkg::RegCapArrayGroupsLog2Lsb) |
                                     32'(MaxLanes << 16) | 32'(Cols << 8) | 32'(Rows);
  localparam logic [31:0] CapSpad  =
      32'(((Rows * ABankWords * 8 + 1023) / 1024) |
          (((Cols * BBankWords * 8 + 1023) / 1024) << 10) |
          (((Rows * Cols * OutGroups * 4 + 1023) / 1024) << 20));

  // ---------------------------------------------------------------------------
  // CSRs
  // ---------------------------------------------------------------------------
  logic        reg_req, reg_we, reg_error;
  logic [11:0] reg_addr;
  logic [31:0] reg_wdata, reg_rdata;
  logic [3:0]  reg_wstrb;

  npe_axil_slave #(.AddrWidth(12)) u_axil (
    .clk_i, .rst_ni,
    .s_axil_awaddr, .s_axil_awprot, .s_axil_awvalid, .s_axil_awready,
    .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid, .s_axil_wready,
    .s_axil_bresp, .s_axil_bvalid, .s_axil_bready,
    .s_axil_araddr, .s_axil_arprot, .s_axil_arvalid, .s_axil_arready,
    .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready,
    .reg_req_o (reg_req), .reg_we_o (reg_we), .reg_addr_o (reg_addr),
    .reg_wdata_o (reg_wdata), .reg_wstrb_o (reg_wstrb),
    .reg_rdata_i (reg_rdata), .reg_error_i (reg_error)
  );

  logic        start, soft_reset, perf_clear, perf_en, stop_on_err, doorbell;
  logic        busy, done, desc_irq, err_valid;
  logic [7:0]  err_code;
  logic [15:0] err_idx, ring_tail, ring_head;
  logic [AddrBits-1:0] err_addr;
  localparam int LimBits = AddrBits < 64 ? AddrBits + 1 : 64;  // a window may end at 2^AddrBits
  logic [AddrBits-1:0] ring_base, win_base;
  logic [LimBits-1:0]  win_limit;
  logic [3:0]  ring_log2;
  logic [npe_pkg::DescSizeBytes*8-1:0] desc;
  logic [npe_pkg::NumPerfCounters*64-1:0] perf;

  logic        nlu_tbl_we;
  logic [8:0]  nlu_tbl_addr;
  logic [16:0] nlu_tbl_wdata;

  // CAP_FORMATS: the formats built, bit 8: the NLU, bit 10: the crossbar.
  localparam bit          BuildXbar  = HasXbar && HasNlu && FormatMask[npe_pkg::FmtInt8];
  localparam logic [31:0] CapFormats =
      32'(FormatMask) | (32'(HasNlu) << npe_pkg::RegCapFormatsNluBit) |
      (32'(BuildXbar) << npe_pkg::RegCapFormatsXbarBit) |
      (32'(HasRecur) << npe_pkg::RegCapFormatsRecurBit) |
      (32'(HasDirectDesc) << npe_pkg::RegCapFormatsDirectBit) |
      (32'(KSplit && !LitePe) << npe_pkg::RegCapFormatsKsplitBit) |
      (32'(HasSherry) << npe_pkg::RegCapFormatsSherryBit) |
      (32'd1 << npe_pkg::RegCapFormatsBOffsetBit) |  // npe_array: MATMUL SPAD_OFF
      (32'(AddrBits) << npe_pkg::RegCapFormatsAddrBitsLsb);
  // CAP_PERF: the counters built (the MAC counters are PERF_MACS_FP4 + format code).
  localparam logic [31:0] PerfAll    = (32'd1 << npe_pkg::NumPerfCounters) - 32'd1;
  localparam logic [31:0] PerfFixed  = PerfAll & ~(32'h3f << npe_pkg::PerfMacsFp4) &
                                       ~(32'd1 << npe_pkg::PerfAdcConv);
  // CAP_RECUR: the state size and the modes built (DIAG, HGRN), or zero.
  // GRU / LSTM run their mat-vecs on the array (MATVEC: 2..4 rows); HGRN
  // has none (the cell's tables and products only).
  localparam bit          RecurGated = HasRecur && Rows >= 2 && Rows <= 4;
  localparam logic [31:0] CapRecur   = HasRecur ?
      ((32'(RecurStateWords) << npe_pkg::RegCapRecurStateWordsLsb) |
       (32'd1 << (npe_pkg::RegCapRecurModesLsb + npe_pkg::RecurModeDiag)) |
       (32'(RecurGated) << (npe_pkg::RegCapRecurModesLsb + npe_pkg::RecurModeGru)) |
       (32'(RecurGated) << (npe_pkg::RegCapRecurModesLsb + npe_pkg::RecurModeLstm)) |
       (32'd1 << (npe_pkg::RegCapRecurModesLsb + npe_pkg::RecurModeHgrn))) : 32'd0;
  localparam logic [31:0] CapPerf    = 32'(PerfMask) &
      (PerfFixed | (32'(FormatMask) << npe_pkg::PerfMacsFp4) |
       (32'(HasNlu) << npe_pkg::PerfAdcConv));
  // npe_pe_lite accumulator: a dot product has at most 4 x ABankWords
  // words of two products of magnitude <= 2^14 each, so |sum| <= 2^(17 +
  // log2 ABankWords), plus a sign bit.
  localparam int          LiteAccBits = 18 + ABits;

  npe_csr #(
    .CapFormats (CapFormats), .CapArray (CapArray), .CapSpad (CapSpad), .CapPerf (CapPerf),
    .CapRecur (CapRecur),
    .AddrBits (AddrBits), .HasNlu (HasNlu), .HasDirectDesc (HasDirectDesc)
  ) u_csr (
    .clk_i, .rst_ni,
    .reg_req_i (reg_req), .reg_we_i (reg_we), .reg_addr_i (reg_addr),
    .reg_wdata_i (reg_wdata), .reg_wstrb_i (reg_wstrb),
    .reg_rdata_o (reg_rdata), .reg_error_o (reg_error),
    .start_o (start), .soft_reset_o (soft_reset), .perf_clear_o (perf_clear),
    .perf_en_o (perf_en), .stop_on_err_o (stop_on_err), .doorbell_o (doorbell),
    .busy_i (busy), .err_valid_i (err_valid), .err_code_i (err_code),
    .err_idx_i (err_idx), .err_addr_i (err_addr),
    .done_i (done), .desc_irq_i (desc_irq), .irq_o,
    .ring_base_o (ring_base), .ring_log2_o (ring_log2), .ring_tail_o (ring_tail),
    .ring_head_i (ring_head),
    .dma_win_base_o (win_base), .dma_win_limit_o (win_limit),
    .desc_o (desc), .perf_i (perf),
    // Table writes wait for an idle engine, so no queued NLU job sees a
    // half-written table.
    .nlu_busy_i (busy), .nlu_tbl_we_o (nlu_tbl_we), .nlu_tbl_addr_o (nlu_tbl_addr),
    .nlu_tbl_wdata_o (nlu_tbl_wdata)
  );

  // ---------------------------------------------------------------------------
  // Command processor and the dispatch interface
  // ---------------------------------------------------------------------------
  // Unit u drives slot u of each vector below (npe_pkg::Unit*); the slot of
  // a unit not built is tied off below (and its opcode is BAD_OPCODE:
  // UnitMask).
  localparam int NU = npe_pkg::NumUnits;
  localparam int NR = npe_pkg::NumRes;
  localparam logic [NU-1:0] UnitMask =
      (NU'(1) << npe_pkg::UnitLoader) | (NU'(1) << npe_pkg::UnitArray) |
      (NU'(1) << npe_pkg::UnitStorer) | (NU'(HasNlu) << npe_pkg::UnitNlu) |
      (NU'(BuildXbar) << npe_pkg::UnitXbar) | (NU'(HasRecur) << npe_pkg::UnitRecur);

  logic [npe_pkg::DescBits-1:0] job_desc;
  logic                         job_chk_en;  // the units check job_desc this cycle
  logic [NU-1:0]                job_valid, unit_busy, unit_done, unit_next;
  logic [NU*8-1:0]              unit_chk, unit_err;
  logic [NU*AddrBits-1:0]       unit_chk_addr, unit_err_addr;
  logic [NU*NR-1:0]             unit_claim;
  logic                         abort, stall_spad, stall_out, stall_fence;

  // A slot whose unit this build leaves out answers nothing: no check, no
  // claim, never busy (its opcode is BAD_OPCODE through UnitMask).
  for (genvar u = 0; u < NU; u++) begin : gen_slot
    if (!UnitMask[u]) begin : gen_empty
      assign unit_chk[8*u +: 8]                    = 8'd0;
      assign unit_chk_addr[AddrBits*u +: AddrBits] = '0;
      assign unit_claim[NR*u +: NR]                = '0;
      assign unit_busy[u]                          = 1'b0;
      assign unit_done[u]                          = 1'b0;
      assign unit_next[u]                          = 1'b0;
      assign unit_err[8*u +: 8]                    = 8'd0;
      assign unit_err_addr[AddrBits*u +: AddrBits] = '0;
    end
  end

  // Descriptor fetches, the loader and the recurrence unit share the DMA's
  // read channel.
  logic                cf_valid, cf_ready, cf_data_valid, cf_done;
  logic [AddrBits-1:0] cf_addr;
  logic [31:0]         cf_len;
  logic                lr_valid, lr_ready, lr_data_valid, lr_data_ready, lr_done;
  logic [AddrBits-1:0] lr_addr;
  logic [31:0]         lr_len;
  logic                rc_valid, rc_ready, rc_data_valid, rc_data_ready, rc_done;
  logic [AddrBits-1:0] rc_addr;
  logic [31:0]         rc_len;
  logic                dma_rd_data_ready;
  logic                dma_rd_valid, dma_rd_ready, dma_rd_data_valid, dma_rd_done;
  logic [AddrBits-1:0] dma_rd_addr, dma_rd_err_addr;
  logic [31:0]         dma_rd_len;
  logic [7:0]          dma_rd_err;
  logic [63:0]         dma_rd_data;

  npe_cmd #(
    .FifoDepth (DescFifoDepth), .AddrBits (AddrBits), .HasDirectDesc (HasDirectDesc),
    .UnitMask (UnitMask), .CheckOnce (CheckOnce)
  ) u_cmd (
    .clk_i, .rst_ni,
    .start_i (start), .soft_reset_i (soft_reset), .doorbell_i (doorbell), .desc_i (desc),
    .ring_base_i (ring_base), .ring_log2_i (ring_log2), .ring_tail_i (ring_tail),
    .ring_head_o (ring_head), .busy_o (busy), .done_o (done), .desc_irq_o (desc_irq),
    .err_valid_o (err_valid), .err_code_o (err_code), .err_idx_o (err_idx),
    .err_addr_o (err_addr),
    .rd_cmd_valid_o (cf_valid), .rd_cmd_ready_i (cf_ready), .rd_cmd_addr_o (cf_addr),
    .rd_cmd_len_o (cf_len), .rd_data_valid_i (cf_data_valid), .rd_data_i (dma_rd_data),
    .rd_done_i (cf_done), .rd_err_i (dma_rd_err), .rd_err_addr_i (dma_rd_err_addr),
    .job_desc_o (job_desc), .job_valid_o (job_valid), .job_chk_en_o (job_chk_en), .abort_o (abort),
    .unit_chk_i (unit_chk), .unit_chk_addr_i (unit_chk_addr), .unit_claim_i (unit_claim),
    .unit_busy_i (unit_busy), .unit_done_i (unit_done), .unit_next_i (unit_next),
    .unit_err_i (unit_err), .unit_err_addr_i (unit_err_addr),
    .stall_spad_o (stall_spad), .stall_out_o (stall_out), .stall_fence_o (stall_fence)
  );

  npe_dma_rd_arb #(.AddrBits (AddrBits)) u_rd_arb (
    .clk_i, .rst_ni,
    .cmd_valid_i (cf_valid), .cmd_ready_o (cf_ready), .cmd_addr_i (cf_addr),
    .cmd_len_i (cf_len), .cmd_data_valid_o (cf_data_valid), .cmd_done_o (cf_done),
    .ld_valid_i (lr_valid), .ld_ready_o (lr_ready), .ld_addr_i (lr_addr),
    .ld_len_i (lr_len), .ld_data_valid_o (lr_data_valid), .ld_data_ready_i (lr_data_ready),
    .ld_done_o (lr_done),
    .rc_valid_i (rc_valid), .rc_ready_o (rc_ready), .rc_addr_i (rc_addr), .rc_len_i (rc_len),
    .rc_data_valid_o (rc_data_valid), .rc_data_ready_i (rc_data_ready), .rc_done_o (rc_done),
    .rd_cmd_valid_o (dma_rd_valid), .rd_cmd_ready_i (dma_rd_ready),
    .rd_cmd_addr_o (dma_rd_addr), .rd_cmd_len_o (dma_rd_len),
    .rd_data_valid_i (dma_rd_data_valid), .rd_data_ready_o (dma_rd_data_ready),
    .rd_done_i (dma_rd_done)
  );

  // ---------------------------------------------------------------------------
  // DMA
  // ---------------------------------------------------------------------------
  logic                dma_wr_valid, dma_wr_ready, dma_wr_data_valid, dma_wr_data_ready;
  logic                dma_wr_done;
  logic [AddrBits-1:0] dma_wr_addr, dma_wr_err_addr, dma_araddr, dma_awaddr;
  logic [63:0]         dma_wr_data;
  logic [31:0]         dma_wr_len;
  logic [7:0]          dma_wr_err;
  logic                unused_last;

  // The AXI address ports stay 64 bits wide; with AddrBits < 64 the bits
  // above are zero.
  assign m_axi_araddr = 64'(dma_araddr);
  assign m_axi_awaddr = 64'(dma_awaddr);

  // DMA command lengths: a LOAD moves at most the larger scratchpad (its
  // descriptor is checked against it), a STORE row at most Cols x OutGroups
  // binary32 results, a ring fetch 64 bytes.
  localparam int LdBytesMax = MaxBanks * (ABankWords > BBankWords ? ABankWords : BBankWords) * 8;
  localparam int StBytesMax = Cols * OutGroups * 4;
  localparam int LenBitsRaw = $clog2((LdBytesMax > StBytesMax ? LdBytesMax : StBytesMax) + 1);
  localparam int LenBits    = LenBitsRaw < 8 ? 8 : LenBitsRaw;

  npe_axi_dma #(
    .AddrWidth (AddrBits), .LenWidth (LenBits), .IdWidth (4),
    .MaxBurstBeats (MaxBurstBeats), .MaxReadsInFlight (MaxReadsInFlight)
  ) u_dma (
    .clk_i, .rst_ni,
    .win_base_i (win_base), .win_limit_i (win_limit),
    .rd_cmd_valid_i (dma_rd_valid), .rd_cmd_ready_o (dma_rd_ready),
    .rd_cmd_addr_i (dma_rd_addr), .rd_cmd_len_i (LenBits'(dma_rd_len)),
    .rd_data_valid_o (dma_rd_data_valid), .rd_data_ready_i (dma_rd_data_ready), .rd_data_o (dma_rd_data),
    .rd_data_last_o (unused_last),
    .rd_done_o (dma_rd_done), .rd_err_o (dma_rd_err), .rd_err_addr_o (dma_rd_err_addr),
    .wr_cmd_valid_i (dma_wr_valid), .wr_cmd_ready_o (dma_wr_ready),
    .wr_cmd_addr_i (dma_wr_addr), .wr_cmd_len_i (LenBits'(dma_wr_len)),
    .wr_data_valid_i (dma_wr_data_valid), .wr_data_ready_o (dma_wr_data_ready),
    .wr_data_i (dma_wr_data),
    .wr_done_o (dma_wr_done), .wr_err_o (dma_wr_err), .wr_err_addr_o (dma_wr_err_addr),
    .m_axi_arid, .m_axi_araddr (dma_araddr), .m_axi_arlen, .m_axi_arsize, .m_axi_arburst,
    .m_axi_arlock, .m_axi_arcache, .m_axi_arprot, .m_axi_arqos, .m_axi_arvalid,
    .m_axi_arready, .m_axi_rid, .m_axi_rdata, .m_axi_rresp, .m_axi_rlast, .m_axi_rvalid,
    .m_axi_rready, .m_axi_awid, .m_axi_awaddr (dma_awaddr), .m_axi_awlen, .m_axi_awsize,
    .m_axi_awburst, .m_axi_awlock, .m_axi_awcache, .m_axi_awprot, .m_axi_awqos,
    .m_axi_awvalid, .m_axi_awready, .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast,
    .m_axi_wvalid, .m_axi_wready, .m_axi_bid, .m_axi_bresp, .m_axi_bvalid, .m_axi_bready
  );

  // ---------------------------------------------------------------------------
  // Loader and scratchpads (buffer select = top address bit of each bank)
  // ---------------------------------------------------------------------------
  localparam int UL = npe_pkg::UnitLoader;
  logic                         ld_is_b, ld_buf, ld_rd_wait, sp_we;
  logic [$clog2(MaxBanks > 1 ? MaxBanks : 2)-1:0]  sp_bank;
  logic [LdBits-1:0]            sp_addr;
  logic [63:0]                  sp_wdata;

  npe_loader #(
    .Rows (Rows), .Cols (Cols), .ABankWords (ABankWords), .BBankWords (BBankWords),
    .AddrBits (AddrBits), .HasSherry (HasSherry), .UnitClockGates (UnitClockGates)
  ) u_loader (
    .clk_i, .rst_ni,
    .job_valid_i (job_valid[UL]), .job_desc_i (job_desc), .job_chk_en_i (job_chk_en), .abort_i (abort),
    .chk_code_o (unit_chk[8*UL +: 8]), .chk_addr_o (unit_chk_addr[AddrBits*UL +: AddrBits]),
    .claim_o (unit_claim[NR*UL +: NR]), .busy_o (unit_busy[UL]), .done_o (unit_done[UL]),
    .next_o (unit_next[UL]), .err_o (unit_err[8*UL +: 8]),
    .err_addr_o (unit_err_addr[AddrBits*UL +: AddrBits]),
    .rd_cmd_valid_o (lr_valid), .rd_cmd_ready_i (lr_ready),
    .rd_cmd_addr_o (lr_addr), .rd_cmd_len_o (lr_len),
    .rd_data_valid_i (lr_data_valid), .rd_data_ready_o (lr_data_ready), .rd_data_i (dma_rd_data),
    .rd_done_i (lr_done), .rd_err_i (dma_rd_err), .rd_err_addr_i (dma_rd_err_addr),
    .rd_wait_o (ld_rd_wait),
    .is_b_o (ld_is_b), .buf_o (ld_buf),
    .sp_we_o (sp_we), .sp_bank_o (sp_bank), .sp_addr_o (sp_addr), .sp_wdata_o (sp_wdata)
  );

  // The banks' read ports: the array's, or the crossbar's while it works
  // (both claim ResRdPorts, so never at once). The buffer is the top bit.
  logic              arr_a_re, arr_b_re, xb_a_re, xb_b_re, xb_busy;
  logic [ABits:0]    arr_a_raddr, xb_a_raddr, bank_a_raddr;
  logic [BBits:0]    arr_b_raddr, xb_b_raddr, bank_b_raddr;
  assign bank_a_raddr = xb_busy ? xb_a_raddr : arr_a_raddr;
  assign bank_b_raddr = xb_busy ? xb_b_raddr : arr_b_raddr;
  logic [Rows*64-1:0] a_rdata;
  logic [Cols*64-1:0] b_rdata;

  for (genvar r = 0; r < Rows; r++) begin : gen_a_bank
    // Decoded here, not in the port list: Icarus 11 loses the genvar of a
    // port expression that holds a cast.
    // Bank 0 also takes the recurrence unit's codes (it claims both A
    // buffers, so never while the loader writes them).
    logic we, rc_we;
    assign rc_we = r == 0 && rc_a_we;
    assign we = (sp_we && !ld_is_b && 32'(sp_bank) == r) || rc_we;
    npe_spad_bank #(.Words(2 * ABankWords)) u_bank (
      .clk_i,
      .we_i    (we),
      .waddr_i (rc_we ? rc_a_waddr : {ld_buf, sp_addr[ABits-1:0]}),
      .wdata_i (rc_we ? rc_a_wdata : sp_wdata),
      .re_i    (arr_a_re || xb_a_re),
      .raddr_i (bank_a_raddr),
      .rdata_o (a_rdata[64*r +: 64])
    );
  end

  for (genvar c = 0; c < Cols; c++) begin : gen_b_bank
    // Decoded here, not in the port list: Icarus 11 loses the genvar of a
    // port expression that holds a cast.
    logic we;
    assign we = sp_we && ld_is_b && 32'(sp_bank) == c;
    npe_spad_bank #(.Words(2 * BBankWords)) u_bank (
      .clk_i,
      .we_i    (we),
      .waddr_i ({ld_buf, sp_addr[BBits-1:0]}),
      .wdata_i (sp_wdata),
      .re_i    (arr_b_re || xb_b_re),
      .raddr_i (bank_b_raddr),
      .rdata_o (b_rdata[64*c +: 64])
    );
  end

  // ---------------------------------------------------------------------------
  // MAC array
  // ---------------------------------------------------------------------------
  localparam int UA = npe_pkg::UnitArray;
  localparam int GrpBits = $clog2(OutGroups > 1 ? OutGroups : 2);
  logic                     arr_res_we, arr_res_buf, arr_issue;
  logic [GrpBits-1:0]       arr_res_grp;
  logic [Rows*Cols*32-1:0]  arr_res_data;
  logic [15:0]              arr_issue_macs, arr_issue_lanes;
  logic [2:0]               arr_fmt;
  // The recurrence unit's mat-vecs (its sequencer port on the array) and its
  // writes of h's codes into A bank 0.
  logic                         rc_seq_valid, arr_seq_done, rc_a_we;
  logic [npe_pkg::DescBits-1:0] rc_seq_desc;
  logic [BBits-1:0]             rc_seq_b_off;
  logic [ABits:0]               rc_a_waddr;
  logic [63:0]                  rc_a_wdata;

  npe_array #(
    .Rows (Rows), .Cols (Cols), .ABankAddrBits (ABits), .BBankAddrBits (BBits),
    .OutGroups (OutGroups), .FormatMask (FormatMask), .LitePe (LitePe),
    .LiteAccBits (LiteAccBits), .AddrBits (AddrBits), .KSplit (KSplit),
    .ClockGates (ClockGates)
  ) u_array (
    .clk_i, .rst_ni,
    .job_valid_i (job_valid[UA]), .job_desc_i (job_desc), .job_chk_en_i (job_chk_en), .abort_i (abort),
    .chk_code_o (unit_chk[8*UA +: 8]), .chk_addr_o (unit_chk_addr[AddrBits*UA +: AddrBits]),
    .claim_o (unit_claim[NR*UA +: NR]), .busy_o (unit_busy[UA]), .done_o (unit_done[UA]),
    .next_o (unit_next[UA]), .err_o (unit_err[8*UA +: 8]),
    .err_addr_o (unit_err_addr[AddrBits*UA +: AddrBits]),
    .fmt_o (arr_fmt),
    .seq_valid_i (rc_seq_valid), .seq_desc_i (rc_seq_desc), .seq_b_off_i (rc_seq_b_off),
    .seq_done_o (arr_seq_done),
    .a_re_o (arr_a_re), .a_raddr_o (arr_a_raddr), .a_rdata_i (a_rdata),
    .b_re_o (arr_b_re), .b_raddr_o (arr_b_raddr), .b_rdata_i (b_rdata),
    .res_we_o (arr_res_we), .res_buf_o (arr_res_buf), .res_group_o (arr_res_grp),
    .res_data_o (arr_res_data),
    .issue_o (arr_issue), .issue_macs_o (arr_issue_macs), .issue_lanes_o (arr_issue_lanes)
  );

  // ---------------------------------------------------------------------------
  // Output buffer: its write port takes the array's results first (they
  // cannot wait), then the crossbar's sums, then the NLU's codes (the
  // scoreboard keeps writers of one buffer apart; the NLU waits a cycle
  // when the array writes the other).
  // ---------------------------------------------------------------------------
  logic [$clog2(Rows > 1 ? Rows : 2)-1:0] st_ob_row;
  logic [15:0]              st_ob_col;
  logic [31:0]              st_ob_data;
  logic                     st_buf;
  logic                     nl_ob_buf, nl_ob_we;
  logic [3:0]               nl_conv_groups;
  logic [GrpBits-1:0]       nl_ob_rgrp, nl_ob_wgrp;
  logic [Rows*Cols*32-1:0]  nl_ob_rdata, nl_ob_wdata;
  logic                     xb_ob_we, xb_ob_buf;
  logic [GrpBits-1:0]       xb_ob_grp;
  logic [Rows*Cols*32-1:0]  xb_ob_wdata;
  logic                     ob_we, ob_wbuf;
  logic [GrpBits-1:0]       ob_wgrp;
  logic [Rows*Cols*32-1:0]  ob_wdata;
  assign ob_we    = arr_res_we || nl_ob_we || xb_ob_we;
  assign ob_wbuf  = arr_res_we ? arr_res_buf : xb_ob_we ? xb_ob_buf : nl_ob_buf;
  assign ob_wgrp  = arr_res_we ? arr_res_grp : xb_ob_we ? xb_ob_grp : nl_ob_wgrp;
  assign ob_wdata = arr_res_we ? arr_res_data : xb_ob_we ? xb_ob_wdata : nl_ob_wdata;

  npe_obuf #(.Rows(Rows), .Cols(Cols), .OutGroups(OutGroups), .GroupRead(HasNlu)) u_obuf (
    .clk_i,
    .we_i (ob_we), .wbuf_i (ob_wbuf), .grp_i (ob_wgrp), .wdata_i (ob_wdata),
    .rbuf_i (st_buf), .row_i (st_ob_row), .col_i (st_ob_col), .rdata_o (st_ob_data),
    .gbuf_i (nl_ob_buf), .ggrp_i (nl_ob_rgrp), .gdata_o (nl_ob_rdata)
  );

  // ---------------------------------------------------------------------------
  // Unit clock gates (UnitClockGates; docs/ARCHITECTURE.md, "Unit clock
  // gates"). The recurrence unit, the NLU and the crossbar sit idle
  // through most jobs; each runs on its own gated clock (npe_clk_gate),
  // which ticks while the unit has or may receive work: its dispatch
  // (job_valid, the cycle before busy rises), its busy (which covers its
  // DMA and array handshakes: it only gets them for commands it issued),
  // SOFT_RESET (abort: the recurrence unit forgets its KEEP state, the
  // crossbar its tile while idle), the NLU's table writes, and reset; plus
  // one trailing cycle after each (ug_wake_q), so a register that copies
  // another a cycle late (the NLU table's read register after a write)
  // settles before the clock stops. The gate samples its enable at the
  // falling edge in front of the rising edge it opens: every term here is
  // a register or settles from registers and ports within the high phase.
  // Without the gates (UnitClockGates = 0, every FPGA build) the clocks
  // are clk_i and the enables are unused: the same registers load the same
  // values on the same cycles, gated or not; gated, an idle unit's logic
  // does not run, which saves its clock power on silicon and its
  // evaluation in Verilator.
  // ---------------------------------------------------------------------------
  logic [NU-1:0] ug_wake, ug_wake_q, ug_en;
  always_comb begin
    ug_wake = job_valid | unit_busy | {NU{abort || !rst_ni}};
`ifndef NPE_PLANT_BUG_UNIT_GATE
    // Planted bug (unit-gate-plant-test) when defined: the NLU sleeps
    // through a table write.
    ug_wake[npe_pkg::UnitNlu] = ug_wake[npe_pkg::UnitNlu] || nlu_tbl_we;
`endif
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ug_wake_q <= '1;
    else         ug_wake_q <= ug_wake;
  end
  assign ug_en = ug_wake | ug_wake_q;

  // ---------------------------------------------------------------------------
  // Crossbar tile
  // ---------------------------------------------------------------------------
  localparam int UX = npe_pkg::UnitXbar;
  if (BuildXbar) begin : gen_xbar
    logic unused_codes, clk_xb;
    npe_clk_gate #(.Enabled (UnitClockGates)) u_cg (.clk_i, .en_i (ug_en[UX]), .clk_o (clk_xb));
    npe_xbar_unit #(
      .Rows (Rows), .Cols (Cols), .TileK (XbarK), .TileN (XbarN), .ABankAddrBits (ABits),
      .BBankAddrBits (BBits), .OutGroups (OutGroups), .AddrBits (AddrBits)
    ) u_xbar (
      .clk_i (clk_xb), .rst_ni,
      .job_valid_i (job_valid[UX]), .job_desc_i (job_desc), .job_chk_en_i (job_chk_en), .abort_i (abort),
      .chk_code_o (unit_chk[8*UX +: 8]), .chk_addr_o (unit_chk_addr[AddrBits*UX +: AddrBits]),
      .claim_o (unit_claim[NR*UX +: NR]), .busy_o (unit_busy[UX]), .done_o (unit_done[UX]),
      .next_o (unit_next[UX]), .err_o (unit_err[8*UX +: 8]),
      .err_addr_o (unit_err_addr[AddrBits*UX +: AddrBits]),
      .codes_o (unused_codes),
      .a_re_o (xb_a_re), .a_raddr_o (xb_a_raddr), .a_rdata_i (a_rdata),
      .b_re_o (xb_b_re), .b_raddr_o (xb_b_raddr), .b_rdata_i (b_rdata),
      .ob_we_o (xb_ob_we), .ob_buf_o (xb_ob_buf), .ob_grp_o (xb_ob_grp),
      .ob_wdata_o (xb_ob_wdata)
    );
  end else begin : gen_no_xbar
    assign xb_a_re     = 1'b0;
    assign xb_a_raddr  = '0;
    assign xb_b_re     = 1'b0;
    assign xb_b_raddr  = '0;
    assign xb_ob_we    = 1'b0;
    assign xb_ob_buf   = 1'b0;
    assign xb_ob_grp   = '0;
    assign xb_ob_wdata = '0;
  end
  assign xb_busy = unit_busy[UX];

  // ---------------------------------------------------------------------------
  // Nonlinear unit
  // ---------------------------------------------------------------------------
  localparam int UN = npe_pkg::UnitNlu;
  if (HasNlu) begin : gen_nlu
    logic clk_nl;
    npe_clk_gate #(.Enabled (UnitClockGates)) u_cg (.clk_i, .en_i (ug_en[UN]), .clk_o (clk_nl));
    npe_nlu_unit #(
      .Rows (Rows), .Cols (Cols), .OutGroups (OutGroups), .Groups (NluGroups), .AddrBits (AddrBits)
    ) u_nlu (
      .clk_i (clk_nl), .rst_ni,
      .job_valid_i (job_valid[UN]), .job_desc_i (job_desc), .job_chk_en_i (job_chk_en), .abort_i (abort),
      .chk_code_o (unit_chk[8*UN +: 8]), .chk_addr_o (unit_chk_addr[AddrBits*UN +: AddrBits]),
      .claim_o (unit_claim[NR*UN +: NR]), .busy_o (unit_busy[UN]), .done_o (unit_done[UN]),
      .next_o (unit_next[UN]), .err_o (unit_err[8*UN +: 8]),
      .err_addr_o (unit_err_addr[AddrBits*UN +: AddrBits]),
      .conv_groups_o (nl_conv_groups),
      .tbl_we_i (nlu_tbl_we), .tbl_addr_i (nlu_tbl_addr), .tbl_wdata_i (nlu_tbl_wdata),
      .ob_buf_o (nl_ob_buf), .ob_rgrp_o (nl_ob_rgrp), .ob_rdata_i (nl_ob_rdata),
      .ob_wgrp_o (nl_ob_wgrp),
      .ob_we_o (nl_ob_we), .ob_wait_i (arr_res_we), .ob_wdata_o (nl_ob_wdata)
    );
  end else begin : gen_no_nlu
    assign nl_conv_groups = 4'd0;
    assign nl_ob_buf   = 1'b0;
    assign nl_ob_rgrp  = '0;
    assign nl_ob_wgrp  = '0;
    assign nl_ob_we    = 1'b0;
    assign nl_ob_wdata = '0;
    logic unused_nl;
    assign unused_nl = ^{nlu_tbl_we, nlu_tbl_addr, nlu_tbl_wdata, nl_ob_rdata};
  end

  // ---------------------------------------------------------------------------
  // Storer
  // ---------------------------------------------------------------------------
  localparam int US = npe_pkg::UnitStorer;
  // The storer's DMA write channel, and whether the recurrence unit has it
  // (below).
  logic                sw_valid, sw_data_valid, rc_owns_wr;
  logic [AddrBits-1:0] sw_addr;
  logic [31:0]         sw_len;
  logic [63:0]         sw_data;
  npe_storer #(.Rows(Rows), .Cols(Cols), .OutGroups(OutGroups), .AddrBits(AddrBits)) u_storer (
    .clk_i, .rst_ni,
    .job_valid_i (job_valid[US]), .job_desc_i (job_desc), .job_chk_en_i (job_chk_en), .abort_i (abort),
    .chk_code_o (unit_chk[8*US +: 8]), .chk_addr_o (unit_chk_addr[AddrBits*US +: AddrBits]),
    .claim_o (unit_claim[NR*US +: NR]), .busy_o (unit_busy[US]), .done_o (unit_done[US]),
    .next_o (unit_next[US]), .err_o (unit_err[8*US +: 8]),
    .err_addr_o (unit_err_addr[AddrBits*US +: AddrBits]),
    .buf_o (st_buf), .ob_row_o (st_ob_row), .ob_col_o (st_ob_col), .ob_data_i (st_ob_data),
    .wr_cmd_valid_o (sw_valid), .wr_cmd_ready_i (dma_wr_ready && !rc_owns_wr),
    .wr_cmd_addr_o (sw_addr), .wr_cmd_len_o (sw_len),
    .wr_data_valid_o (sw_data_valid), .wr_data_ready_i (dma_wr_data_ready && !rc_owns_wr),
    .wr_data_o (sw_data), .wr_done_i (dma_wr_done && !rc_owns_wr), .wr_err_i (dma_wr_err),
    .wr_err_addr_i (dma_wr_err_addr)
  );

  // ---------------------------------------------------------------------------
  // Recurrence unit
  // ---------------------------------------------------------------------------
  // The storer and the recurrence unit share the DMA's write channel; both
  // claim DMA_WR, so npe_cmd never runs them at once and the busy one owns it.
  localparam int UR = npe_pkg::UnitRecur;
  // Its DMA commands: at most 32 KiB, and no longer than a LOAD's.
  localparam int RecurCmdBytes = LdBytesMax < 32768 ? LdBytesMax : 32768;
  logic                rw_valid, rw_data_valid;
  logic [AddrBits-1:0] rw_addr;
  logic [31:0]         rw_len;
  logic [63:0]         rw_data;
  if (HasRecur) begin : gen_recur
    logic clk_rc;
    npe_clk_gate #(.Enabled (UnitClockGates)) u_cg (.clk_i, .en_i (ug_en[UR]), .clk_o (clk_rc));
    npe_recur_unit #(
      .StateWords (RecurStateWords), .AddrBits (AddrBits), .CmdBytes (RecurCmdBytes),
      .HasGated (RecurGated), .Rows (Rows), .Cols (Cols), .OutGroups (OutGroups),
      .ABankAddrBits (ABits), .BBankAddrBits (BBits), .FormatMask (FormatMask)
    ) u_recur (
      .clk_i (clk_rc), .rst_ni,
      .job_valid_i (job_valid[UR]), .job_desc_i (job_desc), .job_chk_en_i (job_chk_en), .abort_i (abort),
      .chk_code_o (unit_chk[8*UR +: 8]), .chk_addr_o (unit_chk_addr[AddrBits*UR +: AddrBits]),
      .claim_o (unit_claim[NR*UR +: NR]), .busy_o (unit_busy[UR]), .done_o (unit_done[UR]),
      .next_o (unit_next[UR]), .err_o (unit_err[8*UR +: 8]),
      .err_addr_o (unit_err_addr[AddrBits*UR +: AddrBits]),
      .rd_cmd_valid_o (rc_valid), .rd_cmd_ready_i (rc_ready), .rd_cmd_addr_o (rc_addr),
      .rd_cmd_len_o (rc_len), .rd_data_valid_i (rc_data_valid),
      .rd_data_ready_o (rc_data_ready), .rd_data_i (dma_rd_data), .rd_done_i (rc_done),
      .rd_err_i (dma_rd_err), .rd_err_addr_i (dma_rd_err_addr),
      .wr_cmd_valid_o (rw_valid), .wr_cmd_ready_i (dma_wr_ready && rc_owns_wr),
      .wr_cmd_addr_o (rw_addr), .wr_cmd_len_o (rw_len),
      .wr_data_valid_o (rw_data_valid), .wr_data_ready_i (dma_wr_data_ready && rc_owns_wr),
      .wr_data_o (rw_data), .wr_done_i (dma_wr_done && rc_owns_wr), .wr_err_i (dma_wr_err),
      .wr_err_addr_i (dma_wr_err_addr),
      .seq_valid_o (rc_seq_valid), .seq_desc_o (rc_seq_desc), .seq_b_off_o (rc_seq_b_off),
      .seq_done_i (arr_seq_done), .res_we_i (arr_res_we), .res_data_i (arr_res_data),
      .a_we_o (rc_a_we), .a_waddr_o (rc_a_waddr), .a_wdata_o (rc_a_wdata)
    );
  end else begin : gen_no_recur
    assign rc_valid      = 1'b0;
    assign rc_addr       = '0;
    assign rc_len        = '0;
    assign rc_data_ready = 1'b1;
    assign rw_valid      = 1'b0;
    assign rw_addr       = '0;
    assign rw_len        = '0;
    assign rw_data_valid = 1'b0;
    assign rw_data       = '0;
    assign rc_seq_valid  = 1'b0;
    assign rc_seq_desc   = '0;
    assign rc_seq_b_off  = '0;
    assign rc_a_we       = 1'b0;
    assign rc_a_waddr    = '0;
    assign rc_a_wdata    = '0;
    logic unused_rc;
    assign unused_rc = rc_ready ^ rc_data_valid ^ rc_done ^ arr_seq_done;
  end
  assign rc_owns_wr        = unit_busy[UR];
  assign dma_wr_valid      = rc_owns_wr ? rw_valid : sw_valid;
  assign dma_wr_addr       = rc_owns_wr ? rw_addr : sw_addr;
  assign dma_wr_len        = rc_owns_wr ? rw_len : sw_len;
  assign dma_wr_data_valid = rc_owns_wr ? rw_data_valid : sw_data_valid;
  assign dma_wr_data       = rc_owns_wr ? rw_data : sw_data;

  // ---------------------------------------------------------------------------
  // Performance counters
  // ---------------------------------------------------------------------------
  npe_perf #(
    .Rows (Rows), .Cols (Cols), .Lanes (MaxLanes), .CounterBits (CounterBits), .CapPerf (CapPerf)
  ) u_perf (
    .clk_i, .rst_ni, .clear_i (perf_clear), .en_i (perf_en),
    .busy_i (busy), .issue_i (arr_issue), .issue_fmt_i (arr_fmt),
    .issue_macs_i (arr_issue_macs), .issue_lanes_i (arr_issue_lanes),
    .ld_wait_i (ld_rd_wait),
    .stall_spad_i (stall_spad), .stall_out_i (stall_out), .stall_fence_i (stall_fence),
    .rd_beat_i (dma_rd_data_valid && dma_rd_data_ready), .wr_beat_i (dma_wr_data_valid && dma_wr_data_ready),
    .adc_conv_groups_i (nl_conv_groups),
    .perf_o (perf)
  );

  logic unused_top;
  assign unused_top = stop_on_err ^ unused_last ^ ^sp_addr ^ ^dma_rd_len ^ ^dma_wr_len ^
                      ^ug_en;

`ifdef NPE_ASSERT
  // The unit clock gates' wake conditions, written out again from the
  // events each unit takes (independently of ug_wake): a unit never gets a
  // dispatch, an abort, a table write or a handshake of its DMA commands
  // or mat-vecs while its clock is off, and a unit whose clock is off
  // wants nothing from the rest of the engine (no command, no write, no
  // busy). Checked in every build (ug_en is what the gates would sample).
  TopUnitGateRecurAwake: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (job_valid[UR] || abort || rc_data_valid || rc_done || arr_seq_done ||
       (rc_owns_wr && (dma_wr_ready || dma_wr_data_ready || dma_wr_done))) |-> ug_en[UR]);
  TopUnitGateRecurQuiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !ug_en[UR] |-> !unit_busy[UR] && !unit_done[UR] && !rc_valid && !rw_valid &&
                     !rc_seq_valid && !rc_a_we);
  TopUnitGateNluAwake: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (job_valid[UN] || abort || nlu_tbl_we) |-> ug_en[UN]);
  TopUnitGateNluQuiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !ug_en[UN] |-> !unit_busy[UN] && !unit_done[UN] && !nl_ob_we);
  TopUnitGateXbarAwake: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (job_valid[UX] || abort) |-> ug_en[UX]);
  TopUnitGateXbarQuiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !ug_en[UX] |-> !unit_busy[UX] && !unit_done[UX] && !xb_a_re && !xb_b_re && !xb_ob_we);
`endif

endmodule
