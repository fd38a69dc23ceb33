// SPDX-License-Identifier: Apache-2.0
// npe_top: the NPE engine: AXI4-Lite CSRs, the command processor, the DMA
// (AXI4 master), double-buffered scratchpads, the MAC array, the output
// buffer and the performance counters. This file only wires the units
// together and keeps the counters; each unit lives in its own module.
module npe_top #(
  parameter int          Rows       = 4,     // PE rows (A rows per MATMUL), 1..16
  parameter int          Cols       = 2,     // PE columns, 1..16
  parameter int          ABankWords = 1024,  // 64-bit words per A bank per buffer (power of 2)
  parameter int          BBankWords = 2048,  // 64-bit words per B bank per buffer (power of 2)
  parameter int          OutGroups  = 32,    // column groups per output buffer (power of 2, >= 2)
  parameter logic [5:0]  FormatMask = 6'h3f, // formats built (bit = format code)
  parameter int          MaxReadsInFlight = 4,
  parameter int          DescFifoDepth    = 4,  // descriptors fetched ahead, 1..16
  parameter int          CounterBits      = 64, // performance counter width, 16..64 (wraps)
  parameter int          XbarK            = 64, // crossbar tile inputs, multiple of 8, <= 128
  parameter int          XbarN            = 64, // crossbar tile outputs, <= Cols x OutGroups
  // Small-FPGA options (docs/ARCHITECTURE.md, "The small build"):
  parameter int          AddrBits         = 64, // DMA address bits, 13..64
  parameter bit          HasNlu           = 1'b1, // build the NLU (NLU opcode, NLU_TBL_*)
  parameter bit          HasXbar          = 1'b1, // build the crossbar unit (XBAR opcode; needs HasNlu)
  parameter bit          LitePe           = 1'b0, // npe_pe_lite PEs (FormatMask INT8 / ternary only)
  parameter bit          HasDirectDesc    = 1'b1, // DESC_0..15 + DOORBELL (else ring only)
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
  localparam bit HasNibFmt = FormatMask[npe_pkg::FmtFp4] | FormatMask[npe_pkg::FmtPosit4];
  localparam bit HasByteFmt = FormatMask[npe_pkg::FmtPosit8] | FormatMask[npe_pkg::FmtInt8] |
                              FormatMask[npe_pkg::FmtTernary];
  localparam int MaxLanes = HasNibFmt ? 4 : (HasByteFmt ? 2 : 1);
  localparam logic [31:0] CapArray = (32'($clog2(OutGroups)) << npe_pkg::RegCapArrayGroupsLog2Lsb) |
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

  logic        nlu_busy, nlu_tbl_we;
  logic [8:0]  nlu_tbl_addr;
  logic [16:0] nlu_tbl_wdata;

  // CAP_FORMATS: the formats built, bit 8: the NLU, bit 10: the crossbar.
  localparam bit          BuildXbar  = HasXbar && HasNlu && FormatMask[npe_pkg::FmtInt8];
  localparam logic [31:0] CapFormats =
      32'(FormatMask) | (32'(HasNlu) << npe_pkg::RegCapFormatsNluBit) |
      (32'(BuildXbar) << npe_pkg::RegCapFormatsXbarBit) |
      (32'(HasDirectDesc) << npe_pkg::RegCapFormatsDirectBit) |
      (32'(AddrBits) << npe_pkg::RegCapFormatsAddrBitsLsb);
  // CAP_PERF: the counters built (the MAC counters are PERF_MACS_FP4 + format code).
  localparam logic [31:0] PerfAll    = (32'd1 << npe_pkg::NumPerfCounters) - 32'd1;
  localparam logic [31:0] PerfFixed  = PerfAll & ~(32'h3f << npe_pkg::PerfMacsFp4) &
                                       ~(32'd1 << npe_pkg::PerfAdcConv);
  localparam logic [31:0] CapPerf    = 32'(PerfMask) &
      (PerfFixed | (32'(FormatMask) << npe_pkg::PerfMacsFp4) |
       (32'(HasNlu) << npe_pkg::PerfAdcConv));
  // npe_pe_lite accumulator: a dot product has at most 4 x ABankWords
  // words of two products of magnitude <= 2^14 each, so |sum| <= 2^(17 +
  // log2 ABankWords), plus a sign bit.
  localparam int          LiteAccBits = 18 + ABits;

  npe_csr #(
    .CapFormats (CapFormats), .CapArray (CapArray), .CapSpad (CapSpad), .CapPerf (CapPerf),
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
  // Command processor
  // ---------------------------------------------------------------------------
  logic        cf_valid, cf_ready, cf_data_valid, cf_done;
  logic [AddrBits-1:0] cf_addr;
  logic [31:0] cf_len;
  logic        ld_start, ld_is_b, ld_buf, ld_busy, ld_done;
  logic [15:0] ld_rows, ld_row_words;
  logic [AddrBits-1:0] ld_addr, ld_err_addr;
  logic [31:0] ld_stride;
  logic [7:0]  ld_err;
  logic        ar_start, ar_out_fp32, ar_a_buf, ar_b_buf, ar_o_buf, ar_busy, ar_done;
  logic [2:0]  ar_fmt, ar_out_fmt;   // npe_pkg::npe_fmt_e codes
  logic [7:0]  ar_m;
  logic [15:0] ar_n, ar_words, ar_pitch_b;
  logic [2:0]  ar_last_lanes;
  logic        st_start, st_buf, st_fp32, st_busy, st_done;
  logic [7:0]  st_m, st_err;
  logic [15:0] st_n;
  logic [AddrBits-1:0] st_addr, st_err_addr;
  logic [31:0] st_stride;
  logic        abort, stall_spad, stall_out, stall_fence;
  logic        nl_start, nl_buf, nl_two_seg, nl_done;
  logic [15:0] nl_groups, nl_split;
  logic [3:0]  nl_bits, nl_frac, nl_shr;
  logic        xb_start, xb_prog, xb_a_buf, xb_b_buf, xb_o_buf, xb_busy, xb_done, xb_codes;
  logic [7:0]  xb_m;
  logic [15:0] xb_n, xb_kw;
  logic        rd_done;
  logic [7:0]  rd_err;
  logic [AddrBits-1:0] rd_err_addr;
  logic [63:0] rd_data;

  npe_cmd #(
    .Rows (Rows), .Cols (Cols), .ABankWords (ABankWords), .BBankWords (BBankWords),
    .OutGroups (OutGroups), .FormatMask (FormatMask), .FifoDepth (DescFifoDepth),
    .XbarK (XbarK), .XbarN (XbarN), .AddrBits (AddrBits), .HasNlu (HasNlu),
    .HasXbar (BuildXbar), .HasDirectDesc (HasDirectDesc)
  ) u_cmd (
    .clk_i, .rst_ni,
    .start_i (start), .soft_reset_i (soft_reset), .doorbell_i (doorbell), .desc_i (desc),
    .ring_base_i (ring_base), .ring_log2_i (ring_log2), .ring_tail_i (ring_tail),
    .ring_head_o (ring_head), .busy_o (busy), .done_o (done), .desc_irq_o (desc_irq),
    .err_valid_o (err_valid), .err_code_o (err_code), .err_idx_o (err_idx),
    .err_addr_o (err_addr),
    .rd_cmd_valid_o (cf_valid), .rd_cmd_ready_i (cf_ready), .rd_cmd_addr_o (cf_addr),
    .rd_cmd_len_o (cf_len), .rd_data_valid_i (cf_data_valid), .rd_data_i (rd_data),
    .rd_done_i (cf_done), .rd_err_i (rd_err), .rd_err_addr_i (rd_err_addr),
    .ld_start_o (ld_start), .ld_is_b_o (ld_is_b), .ld_buf_o (ld_buf), .ld_rows_o (ld_rows),
    .ld_row_words_o (ld_row_words), .ld_addr_o (ld_addr), .ld_stride_o (ld_stride),
    .ld_busy_i (ld_busy), .ld_done_i (ld_done), .ld_err_i (ld_err),
    .ld_err_addr_i (ld_err_addr),
    .ar_start_o (ar_start), .ar_fmt_o (ar_fmt), .ar_out_fmt_o (ar_out_fmt),
    .ar_out_fp32_o (ar_out_fp32), .ar_m_o (ar_m), .ar_n_o (ar_n), .ar_words_o (ar_words),
    .ar_last_lanes_o (ar_last_lanes),
    .ar_pitch_b_o (ar_pitch_b), .ar_a_buf_o (ar_a_buf), .ar_b_buf_o (ar_b_buf),
    .ar_o_buf_o (ar_o_buf), .ar_busy_i (ar_busy), .ar_done_i (ar_done),
    .st_start_o (st_start), .st_buf_o (st_buf), .st_m_o (st_m), .st_n_o (st_n),
    .st_fp32_o (st_fp32), .st_addr_o (st_addr), .st_stride_o (st_stride),
    .st_busy_i (st_busy), .st_done_i (st_done), .st_err_i (st_err),
    .st_err_addr_i (st_err_addr),
    .nl_start_o (nl_start), .nl_buf_o (nl_buf), .nl_groups_o (nl_groups),
    .nl_bits_o (nl_bits), .nl_frac_o (nl_frac), .nl_shr_o (nl_shr), .nl_two_seg_o (nl_two_seg),
    .nl_split_o (nl_split), .nl_busy_i (nlu_busy), .nl_done_i (nl_done),
    .xb_start_o (xb_start), .xb_prog_o (xb_prog), .xb_a_buf_o (xb_a_buf),
    .xb_b_buf_o (xb_b_buf), .xb_o_buf_o (xb_o_buf), .xb_n_o (xb_n), .xb_kw_o (xb_kw),
    .xb_m_o (xb_m), .xb_busy_i (xb_busy), .xb_done_i (xb_done), .xb_codes_i (xb_codes),
    .abort_o (abort), .stall_spad_o (stall_spad), .stall_out_o (stall_out),
    .stall_fence_o (stall_fence)
  );

  // ---------------------------------------------------------------------------
  // DMA read port: shared by descriptor fetch and the loader. The first to
  // ask owns it until its command completes, so a command never switches
  // under a pending valid.
  // ---------------------------------------------------------------------------
  typedef enum logic [1:0] {OwnNone, OwnCmd, OwnLd} owner_e;
  owner_e      owner_q, owner_d;
  logic        lr_valid, dma_rd_valid, dma_rd_ready, dma_rd_data_valid;
  // Named here, not written in the loader's port list: Icarus 11 mistypes
  // an enum compare in a port expression.
  logic        lr_data_valid, lr_done;
  logic [AddrBits-1:0] lr_addr;
  logic [31:0] lr_len;
  logic        grant_ld, grant_cmd;

  assign grant_ld  = owner_q == OwnLd  || (owner_q == OwnNone && lr_valid);
  assign grant_cmd = owner_q == OwnCmd || (owner_q == OwnNone && !lr_valid && cf_valid);

  always_comb begin
    owner_d = owner_q;
    if (owner_q == OwnNone) begin
      if (lr_valid)      owner_d = OwnLd;
      else if (cf_valid) owner_d = OwnCmd;
    end else if (rd_done) begin
      owner_d = OwnNone;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) owner_q <= OwnNone;
    else         owner_q <= owner_d;
  end

  logic [AddrBits-1:0] dma_rd_addr;
  logic [31:0] dma_rd_len;
  assign dma_rd_valid  = grant_ld ? lr_valid : (grant_cmd && cf_valid);
  assign dma_rd_addr   = grant_ld ? lr_addr : cf_addr;
  assign dma_rd_len    = grant_ld ? lr_len : cf_len;
  assign cf_ready      = grant_cmd && dma_rd_ready;
  assign cf_data_valid = owner_q == OwnCmd && dma_rd_data_valid;
  assign cf_done       = owner_q == OwnCmd && rd_done;
  assign lr_data_valid = owner_q == OwnLd && dma_rd_data_valid;
  assign lr_done       = owner_q == OwnLd && rd_done;

  logic        wr_cmd_valid, wr_cmd_ready, wr_data_valid, wr_data_ready, wr_done;
  logic [AddrBits-1:0] wr_cmd_addr, wr_err_addr, dma_araddr, dma_awaddr;
  logic [63:0] wr_data;
  logic [31:0] wr_cmd_len;
  logic [7:0]  wr_err;
  logic        unused_last;

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
    .MaxReadsInFlight (MaxReadsInFlight)
  ) u_dma (
    .clk_i, .rst_ni,
    .win_base_i (win_base), .win_limit_i (win_limit),
    .rd_cmd_valid_i (dma_rd_valid), .rd_cmd_ready_o (dma_rd_ready),
    .rd_cmd_addr_i (dma_rd_addr), .rd_cmd_len_i (LenBits'(dma_rd_len)),
    .rd_data_valid_o (dma_rd_data_valid), .rd_data_ready_i (1'b1), .rd_data_o (rd_data),
    .rd_data_last_o (unused_last),
    .rd_done_o (rd_done), .rd_err_o (rd_err), .rd_err_addr_o (rd_err_addr),
    .wr_cmd_valid_i (wr_cmd_valid), .wr_cmd_ready_o (wr_cmd_ready),
    .wr_cmd_addr_i (wr_cmd_addr), .wr_cmd_len_i (LenBits'(wr_cmd_len)),
    .wr_data_valid_i (wr_data_valid), .wr_data_ready_o (wr_data_ready), .wr_data_i (wr_data),
    .wr_done_o (wr_done), .wr_err_o (wr_err), .wr_err_addr_o (wr_err_addr),
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
  logic                         sp_we;
  logic [$clog2(MaxBanks > 1 ? MaxBanks : 2)-1:0]  sp_bank;
  logic [LdBits-1:0]            sp_addr;
  logic [63:0]                  sp_wdata;

  npe_loader #(.MaxBanks(MaxBanks), .BankAddrBits(LdBits), .AddrBits(AddrBits)) u_loader (
    .clk_i, .rst_ni,
    .start_i (ld_start), .abort_i (abort),
    .banks_i ($clog2(MaxBanks+1)'(ld_is_b ? Cols : Rows)),
    .rows_i (ld_rows), .row_words_i (ld_row_words), .addr_i (ld_addr),
    .stride_i (ld_stride), .busy_o (ld_busy), .done_o (ld_done), .err_o (ld_err),
    .err_addr_o (ld_err_addr),
    .rd_cmd_valid_o (lr_valid), .rd_cmd_ready_i (grant_ld && dma_rd_ready),
    .rd_cmd_addr_o (lr_addr), .rd_cmd_len_o (lr_len),
    .rd_data_valid_i (lr_data_valid), .rd_data_i (rd_data),
    .rd_done_i (lr_done), .rd_err_i (rd_err),
    .rd_err_addr_i (rd_err_addr),
    .sp_we_o (sp_we), .sp_bank_o (sp_bank), .sp_addr_o (sp_addr), .sp_wdata_o (sp_wdata)
  );

  logic              a_re, b_re;
  logic [ABits-1:0]  a_raddr;
  logic [BBits-1:0]  b_raddr;
  // The banks' read ports: the array's, or the crossbar's while it works
  // (npe_cmd never runs both).
  logic              xb_a_re, xb_b_re, bank_a_re, bank_b_re;
  logic [ABits-1:0]  xb_a_raddr;
  logic [BBits-1:0]  xb_b_raddr;
  logic [ABits:0]    bank_a_raddr;
  logic [BBits:0]    bank_b_raddr;
  assign bank_a_re    = a_re || xb_a_re;
  assign bank_b_re    = b_re || xb_b_re;
  assign bank_a_raddr = xb_busy ? {xb_a_buf, xb_a_raddr} : {ar_a_buf, a_raddr};
  assign bank_b_raddr = xb_busy ? {xb_b_buf, xb_b_raddr} : {ar_b_buf, b_raddr};
  logic [Rows*64-1:0] a_rdata;
  logic [Cols*64-1:0] b_rdata;

  for (genvar r = 0; r < Rows; r++) begin : gen_a_bank
    // Decoded here, not in the port list: Icarus 11 loses the genvar of a
    // port expression that holds a cast.
    logic we;
    assign we = sp_we && !ld_is_b && 32'(sp_bank) == r;
    npe_spad_bank #(.Words(2 * ABankWords)) u_bank (
      .clk_i,
      .we_i    (we),
      .waddr_i ({ld_buf, sp_addr[ABits-1:0]}),
      .wdata_i (sp_wdata),
      .re_i    (bank_a_re),
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
      .re_i    (bank_b_re),
      .raddr_i (bank_b_raddr),
      .rdata_o (b_rdata[64*c +: 64])
    );
  end

  // ---------------------------------------------------------------------------
  // MAC array, output buffer, storer
  // ---------------------------------------------------------------------------
  logic                          res_we, issue;
  logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0]  res_group;
  logic [Rows*Cols*32-1:0]       res_data;
  logic [15:0]                   issue_macs, issue_lanes;

  npe_array #(
    .Rows (Rows), .Cols (Cols), .ABankAddrBits (ABits), .BBankAddrBits (BBits),
    .OutGroups (OutGroups), .FormatMask (FormatMask), .LitePe (LitePe),
    .LiteAccBits (LiteAccBits)
  ) u_array (
    .clk_i, .rst_ni,
    .start_i (ar_start), .abort_i (abort), .fmt_i (ar_fmt), .out_fmt_i (ar_out_fmt),
    .out_fp32_i (ar_out_fp32), .m_i (ar_m), .n_i (ar_n), .words_i (ar_words),
    .pitch_b_i (ar_pitch_b), .last_lanes_i (ar_last_lanes), .busy_o (ar_busy),
    .done_o (ar_done),
    .a_re_o (a_re), .a_raddr_o (a_raddr), .a_rdata_i (a_rdata),
    .b_re_o (b_re), .b_raddr_o (b_raddr), .b_rdata_i (b_rdata),
    .res_we_o (res_we), .res_group_o (res_group), .res_data_o (res_data),
    .issue_o (issue), .issue_macs_o (issue_macs), .issue_lanes_o (issue_lanes)
  );

  logic [$clog2(Rows > 1 ? Rows : 2)-1:0] ob_row;
  logic [15:0]             ob_col;
  logic [31:0]             ob_data;

  // The output buffer's write port: the array's results first (they cannot
  // wait), the NLU's codes when the array does not write (npe_cmd keeps the
  // two on different buffers).
  localparam int GrpBits = $clog2(OutGroups > 1 ? OutGroups : 2);
  logic                     nl_ob_buf, nl_ob_we, nl_conv;
  logic [GrpBits-1:0]       nl_ob_rgrp, nl_ob_wgrp;
  logic [Rows*Cols*32-1:0]  nl_ob_rdata, nl_ob_wdata;
  logic                     ob_we, ob_wbuf;
  logic [GrpBits-1:0]       ob_wgrp;
  logic [Rows*Cols*32-1:0]  ob_wdata;
  // The crossbar writes only while the array and the NLU leave the port
  // alone (npe_cmd: it runs with the array idle and before its NLU phase).
  logic                     xb_ob_we;
  logic [GrpBits-1:0]       xb_ob_grp;
  logic [Rows*Cols*32-1:0]  xb_ob_wdata;
  assign ob_we    = res_we || nl_ob_we || xb_ob_we;
  assign ob_wbuf  = res_we ? ar_o_buf : xb_ob_we ? xb_o_buf : nl_ob_buf;
  assign ob_wgrp  = res_we ? res_group : xb_ob_we ? xb_ob_grp : nl_ob_wgrp;
  assign ob_wdata = res_we ? res_data : xb_ob_we ? xb_ob_wdata : nl_ob_wdata;

  npe_obuf #(.Rows(Rows), .Cols(Cols), .OutGroups(OutGroups), .GroupRead(HasNlu)) u_obuf (
    .clk_i,
    .we_i (ob_we), .wbuf_i (ob_wbuf), .grp_i (ob_wgrp), .wdata_i (ob_wdata),
    .rbuf_i (st_buf), .row_i (ob_row), .col_i (ob_col), .rdata_o (ob_data),
    .gbuf_i (nl_ob_buf), .ggrp_i (nl_ob_rgrp), .gdata_o (nl_ob_rdata)
  );

  if (BuildXbar) begin : gen_xbar
    npe_xbar_unit #(
      .Rows (Rows), .Cols (Cols), .TileK (XbarK), .TileN (XbarN), .ABankAddrBits (ABits),
      .BBankAddrBits (BBits), .OutGroups (OutGroups)
    ) u_xbar (
      .clk_i, .rst_ni,
      .start_i (xb_start), .abort_i (abort), .prog_i (xb_prog), .n_i (xb_n), .kw_i (xb_kw),
      .m_i (xb_m), .bits_i (nl_bits), .shr_i (nl_shr),
      .busy_o (xb_busy), .done_o (xb_done), .codes_o (xb_codes),
      .a_re_o (xb_a_re), .a_raddr_o (xb_a_raddr), .a_rdata_i (a_rdata),
      .b_re_o (xb_b_re), .b_raddr_o (xb_b_raddr), .b_rdata_i (b_rdata),
      .ob_we_o (xb_ob_we), .ob_grp_o (xb_ob_grp), .ob_wdata_o (xb_ob_wdata)
    );
  end else begin : gen_no_xbar
    assign xb_busy     = 1'b0;
    assign xb_done     = 1'b0;
    assign xb_codes    = 1'b0;
    assign xb_a_re     = 1'b0;
    assign xb_a_raddr  = '0;
    assign xb_b_re     = 1'b0;
    assign xb_b_raddr  = '0;
    assign xb_ob_we    = 1'b0;
    assign xb_ob_grp   = '0;
    assign xb_ob_wdata = '0;
    logic unused_xb;
    assign unused_xb = ^{xb_start, xb_prog, xb_n, xb_kw, xb_m};
  end

  if (HasNlu) begin : gen_nlu
    npe_nlu_unit #(.Rows(Rows), .Cols(Cols), .OutGroups(OutGroups)) u_nlu (
      .clk_i, .rst_ni,
      .start_i (nl_start), .abort_i (abort), .buf_i (nl_buf), .groups_i (nl_groups),
      .bits_i (nl_bits), .frac_i (nl_frac), .shr_i (nl_shr), .two_seg_i (nl_two_seg), .split_i (nl_split),
      .busy_o (nlu_busy), .done_o (nl_done), .conv_o (nl_conv),
      .tbl_we_i (nlu_tbl_we), .tbl_addr_i (nlu_tbl_addr), .tbl_wdata_i (nlu_tbl_wdata),
      .ob_buf_o (nl_ob_buf), .ob_rgrp_o (nl_ob_rgrp), .ob_rdata_i (nl_ob_rdata),
      .ob_wgrp_o (nl_ob_wgrp),
      .ob_we_o (nl_ob_we), .ob_wait_i (res_we), .ob_wdata_o (nl_ob_wdata)
    );
  end else begin : gen_no_nlu
    assign nlu_busy    = 1'b0;
    assign nl_done     = 1'b0;
    assign nl_conv     = 1'b0;
    assign nl_ob_buf   = 1'b0;
    assign nl_ob_rgrp  = '0;
    assign nl_ob_wgrp  = '0;
    assign nl_ob_we    = 1'b0;
    assign nl_ob_wdata = '0;
    logic unused_nl;
    assign unused_nl = ^{nl_start, nl_buf, nl_groups, nl_bits, nl_frac, nl_shr, nl_two_seg,
                         nl_split, nlu_tbl_we, nlu_tbl_addr, nlu_tbl_wdata, nl_ob_rdata};
  end

  npe_storer #(.Rows(Rows), .MaxCols(Cols * OutGroups), .AddrBits(AddrBits)) u_storer (
    .clk_i, .rst_ni,
    .start_i (st_start), .abort_i (abort), .m_i (st_m), .n_i (st_n), .fp32_i (st_fp32),
    .addr_i (st_addr), .stride_i (st_stride), .busy_o (st_busy), .done_o (st_done),
    .err_o (st_err), .err_addr_o (st_err_addr),
    .ob_row_o (ob_row), .ob_col_o (ob_col), .ob_data_i (ob_data),
    .wr_cmd_valid_o (wr_cmd_valid), .wr_cmd_ready_i (wr_cmd_ready),
    .wr_cmd_addr_o (wr_cmd_addr), .wr_cmd_len_o (wr_cmd_len),
    .wr_data_valid_o (wr_data_valid), .wr_data_ready_i (wr_data_ready),
    .wr_data_o (wr_data), .wr_done_i (wr_done), .wr_err_i (wr_err),
    .wr_err_addr_i (wr_err_addr)
  );

  // ---------------------------------------------------------------------------
  // Performance counters
  // ---------------------------------------------------------------------------
  localparam logic [15:0] AllLanes = 16'(4 * Rows * Cols);
  // CounterBits below 64 saves flip-flops and adders on small FPGAs; the
  // counters then wrap at 2^CounterBits and the bits above read as zero.
  logic [63:0] cnt_inc [npe_pkg::NumPerfCounters];

  // One continuous assignment per counter (an always_comb that writes an
  // element twice re-triggers itself in Icarus).
  logic [63:0] mac_inc;
  assign mac_inc = issue ? 64'(issue_macs) : 64'd0;
  for (genvar i = 0; i < npe_pkg::NumPerfCounters; i++) begin : gen_cnt_inc
    if (i == npe_pkg::PerfBusyCycles) begin : gen_busy
      assign cnt_inc[i] = {63'd0, busy};
    end else if (i >= npe_pkg::PerfMacsFp4 && i < npe_pkg::PerfMacsFp4 + npe_pkg::NumFormats)
    begin : gen_macs
      assign cnt_inc[i] = (32'(ar_fmt) == i - npe_pkg::PerfMacsFp4) ? mac_inc : 64'd0;
    end else if (i == npe_pkg::PerfGatedLaneCyc) begin : gen_gated
      assign cnt_inc[i] = busy ? 64'(AllLanes) - 64'(issue_lanes) : 64'd0;
    end else if (i == npe_pkg::PerfStallDma) begin : gen_stall_dma
      assign cnt_inc[i] = {63'd0, ld_busy && !lr_data_valid};
    end else if (i == npe_pkg::PerfStallSpad) begin : gen_stall_spad
      assign cnt_inc[i] = {63'd0, stall_spad};
    end else if (i == npe_pkg::PerfStallOut) begin : gen_stall_out
      assign cnt_inc[i] = {63'd0, stall_out};
    end else if (i == npe_pkg::PerfStallFence) begin : gen_stall_fence
      assign cnt_inc[i] = {63'd0, stall_fence};
    end else if (i == npe_pkg::PerfDmaRdBytes) begin : gen_dma_rd
      assign cnt_inc[i] = dma_rd_data_valid ? 64'd8 : 64'd0;
    end else if (i == npe_pkg::PerfDmaWrBytes) begin : gen_dma_wr
      assign cnt_inc[i] = (wr_data_valid && wr_data_ready) ? 64'd8 : 64'd0;
    end else begin : gen_adc  // ADC conversions: one per column per NLU conversion
      assign cnt_inc[i] = nl_conv ? 64'(Rows * Cols) : 64'd0;
    end
  end

  // Counters outside PerfMask, and those that cannot move in this build
  // (MACs of a format not built, ADC conversions without the NLU), are not
  // built and read 0; CAP_PERF says which are.
  for (genvar i = 0; i < npe_pkg::NumPerfCounters; i++) begin : gen_perf
    if (CapPerf[i]) begin : gen_on
      logic [CounterBits-1:0] q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni)        q <= '0;
        else if (perf_clear) q <= '0;
        else if (perf_en)    q <= q + cnt_inc[i][CounterBits-1:0];
      end
      assign perf[64*i +: 64] = 64'(q);
    end else begin : gen_off
      assign perf[64*i +: 64] = 64'd0;
      logic unused_inc;
      assign unused_inc = ^cnt_inc[i];
    end
  end

  logic unused_top;
  assign unused_top = stop_on_err ^ unused_last ^ ^sp_addr ^ ^dma_rd_len ^ ^wr_cmd_len;

endmodule
