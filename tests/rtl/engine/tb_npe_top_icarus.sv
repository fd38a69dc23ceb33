// SPDX-License-Identifier: Apache-2.0
// tb_npe_top_icarus: runs one gen_engine_job matmul on npe_top (default
// parameters) under Icarus Verilog and checks the result bit-exactly. The
// memory (tb_axi_mem) is loaded from the job's image, the ring is started
// through AXI4-Lite CSR writes in the driver's order (driver/src/npe_ring.c),
// STATUS is polled until BUSY falls, and the C region is dumped and compared
// with the golden one. Not a protocol checker: tests/engine does that.
//
// Plusargs (gen_engine_job prints them): +mem= +exp= +cout= files,
// +mem_words= +ring_log2= +ndesc= +c_word= +c_words=, and +m= +n= +k= for
// the summary. Last line: "tb_npe_top_icarus: PASS ..." or "... FAIL ...".
module tb_npe_top_icarus #(
  // npe_top's configuration (iverilog -P); the defaults are npe_top's
  parameter int         Rows             = 4,
  parameter int         Cols             = 2,
  parameter int         ABankWords       = 1024,
  parameter int         BBankWords       = 2048,
  parameter int         OutGroups        = 32,
  parameter logic [5:0] FormatMask       = 6'h3f,
  parameter int         MaxReadsInFlight = 4,
  parameter int         DescFifoDepth    = 4,
  parameter int         CounterBits      = 64,
  parameter int         AddrBits         = 64,
  parameter bit         HasNlu           = 1'b1,
  parameter bit         HasXbar          = 1'b1,
  parameter bit         HasRecur         = 1'b1,
  parameter bit         LitePe           = 1'b0,
  parameter bit         HasDirectDesc    = 1'b1,
  parameter int         PerfMask         = 'h7fff,
  parameter bit         UnitClockGates   = 1'b0,
  // As in job_layout.h (or gen_engine_job --base/--mem): device address of
  // memory word 0, memory size in 64-bit words
  parameter logic [63:0] MemBase         = 64'h8000_0000,
  parameter int         MemWords         = 1 << 17
);

  localparam longint      MaxCycles = 64'd50_000_000;

  logic clk_i = 1'b0;
  logic rst_ni = 1'b0;
  always #5 clk_i = ~clk_i;

  // Clock cycles since time 0 (the first rising edge is cycle 1).
  longint cycle_q = 0;
  always @(posedge clk_i) cycle_q <= cycle_q + 1;

  // ---------------------------------------------------------------------------
  // DUT and memory
  // ---------------------------------------------------------------------------
  logic [11:0] s_axil_awaddr, s_axil_araddr;
  logic [2:0]  s_axil_awprot, s_axil_arprot;
  logic        s_axil_awvalid, s_axil_awready, s_axil_wvalid, s_axil_wready;
  logic [31:0] s_axil_wdata, s_axil_rdata;
  logic [3:0]  s_axil_wstrb;
  logic [1:0]  s_axil_bresp, s_axil_rresp;
  logic        s_axil_bvalid, s_axil_bready, s_axil_arvalid, s_axil_arready;
  logic        s_axil_rvalid, s_axil_rready;

  logic [3:0]  m_axi_arid, m_axi_rid, m_axi_awid, m_axi_bid;
  logic [63:0] m_axi_araddr, m_axi_rdata, m_axi_awaddr, m_axi_wdata;
  logic [7:0]  m_axi_arlen, m_axi_awlen, m_axi_wstrb;
  logic [2:0]  m_axi_arsize, m_axi_arprot, m_axi_awsize, m_axi_awprot;
  logic [1:0]  m_axi_arburst, m_axi_rresp, m_axi_awburst, m_axi_bresp;
  logic [3:0]  m_axi_arcache, m_axi_arqos, m_axi_awcache, m_axi_awqos;
  logic        m_axi_arlock, m_axi_arvalid, m_axi_arready, m_axi_rlast, m_axi_rvalid;
  logic        m_axi_rready, m_axi_awlock, m_axi_awvalid, m_axi_awready, m_axi_wlast;
  logic        m_axi_wvalid, m_axi_wready, m_axi_bvalid, m_axi_bready;
  logic        irq_o;
  int          mem_errors;

  npe_top #(
    .Rows (Rows), .Cols (Cols), .ABankWords (ABankWords), .BBankWords (BBankWords),
    .OutGroups (OutGroups), .FormatMask (FormatMask), .MaxReadsInFlight (MaxReadsInFlight),
    .DescFifoDepth (DescFifoDepth), .CounterBits (CounterBits), .AddrBits (AddrBits),
    .HasNlu (HasNlu), .HasXbar (HasXbar), .HasRecur (HasRecur), .LitePe (LitePe), .HasDirectDesc (HasDirectDesc),
    .PerfMask (PerfMask), .UnitClockGates (UnitClockGates)
  ) u_dut (
    .clk_i, .rst_ni,
    .s_axil_awaddr, .s_axil_awprot, .s_axil_awvalid, .s_axil_awready,
    .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid, .s_axil_wready,
    .s_axil_bresp, .s_axil_bvalid, .s_axil_bready,
    .s_axil_araddr, .s_axil_arprot, .s_axil_arvalid, .s_axil_arready,
    .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready,
    .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize, .m_axi_arburst,
    .m_axi_arlock, .m_axi_arcache, .m_axi_arprot, .m_axi_arqos, .m_axi_arvalid,
    .m_axi_arready, .m_axi_rid, .m_axi_rdata, .m_axi_rresp, .m_axi_rlast, .m_axi_rvalid,
    .m_axi_rready, .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize,
    .m_axi_awburst, .m_axi_awlock, .m_axi_awcache, .m_axi_awprot, .m_axi_awqos,
    .m_axi_awvalid, .m_axi_awready, .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast,
    .m_axi_wvalid, .m_axi_wready, .m_axi_bid, .m_axi_bresp, .m_axi_bvalid, .m_axi_bready,
    .irq_o
  );

  tb_axi_mem #(
    .MemWords     (MemWords),
    .MemBase      (MemBase),
    .ReadLatency  (100),
    .WriteLatency (20)
  ) u_mem (
    .clk_i, .rst_ni,
    .s_axi_arid (m_axi_arid), .s_axi_araddr (m_axi_araddr), .s_axi_arlen (m_axi_arlen),
    .s_axi_arsize (m_axi_arsize), .s_axi_arburst (m_axi_arburst),
    .s_axi_arvalid (m_axi_arvalid), .s_axi_arready (m_axi_arready),
    .s_axi_rid (m_axi_rid), .s_axi_rdata (m_axi_rdata), .s_axi_rresp (m_axi_rresp),
    .s_axi_rlast (m_axi_rlast), .s_axi_rvalid (m_axi_rvalid), .s_axi_rready (m_axi_rready),
    .s_axi_awid (m_axi_awid), .s_axi_awaddr (m_axi_awaddr), .s_axi_awlen (m_axi_awlen),
    .s_axi_awsize (m_axi_awsize), .s_axi_awburst (m_axi_awburst),
    .s_axi_awvalid (m_axi_awvalid), .s_axi_awready (m_axi_awready),
    .s_axi_wdata (m_axi_wdata), .s_axi_wstrb (m_axi_wstrb), .s_axi_wlast (m_axi_wlast),
    .s_axi_wvalid (m_axi_wvalid), .s_axi_wready (m_axi_wready),
    .s_axi_bid (m_axi_bid), .s_axi_bresp (m_axi_bresp), .s_axi_bvalid (m_axi_bvalid),
    .s_axi_bready (m_axi_bready),
    .errors_o (mem_errors)
  );

  // ---------------------------------------------------------------------------
  // AXI4-Lite master. Inputs change just after a falling edge; a handshake
  // is judged from the signals just before the rising edge that takes it.
  // ---------------------------------------------------------------------------
  int csr_errors = 0;

  task automatic csr_write(input logic [11:0] addr, input logic [31:0] data);
    logic aw_done, w_done, aw_fire, w_fire;
    @(negedge clk_i);
    s_axil_awaddr  = addr;
    s_axil_awvalid = 1'b1;
    s_axil_wdata   = data;
    s_axil_wstrb   = 4'hf;
    s_axil_wvalid  = 1'b1;
    aw_done = 1'b0;
    w_done  = 1'b0;
    while (!(aw_done && w_done)) begin
      #1;
      aw_fire = s_axil_awvalid && s_axil_awready;
      w_fire  = s_axil_wvalid && s_axil_wready;
      @(negedge clk_i);
      if (aw_fire) begin s_axil_awvalid = 1'b0; aw_done = 1'b1; end
      if (w_fire)  begin s_axil_wvalid  = 1'b0; w_done  = 1'b1; end
    end
    s_axil_bready = 1'b1;
    #1;
    while (!s_axil_bvalid) begin
      @(negedge clk_i);
      #1;
    end
    if (s_axil_bresp != 2'b00) csr_errors++;
    @(negedge clk_i);
    s_axil_bready = 1'b0;
  endtask

  // A write the engine must refuse: SLVERR expected (else counted as an error).
  task automatic csr_write_refused(input logic [11:0] addr, input logic [31:0] data);
    int n_err;
    n_err = csr_errors;
    csr_write(addr, data);
    if (csr_errors == n_err + 1) csr_errors = n_err;
    else begin
      $display("tb_npe_top_icarus: write of %h to CSR %h was not refused", data, addr);
      csr_errors = n_err + 1;
    end
  endtask

  task automatic csr_read(input logic [11:0] addr, output logic [31:0] data);
    logic ar_fire;
    @(negedge clk_i);
    s_axil_araddr  = addr;
    s_axil_arvalid = 1'b1;
    ar_fire = 1'b0;
    while (!ar_fire) begin
      #1;
      ar_fire = s_axil_arready;
      @(negedge clk_i);
    end
    s_axil_arvalid = 1'b0;
    s_axil_rready  = 1'b1;
    #1;
    while (!s_axil_rvalid) begin
      @(negedge clk_i);
      #1;
    end
    data = s_axil_rdata;
    if (s_axil_rresp != 2'b00) csr_errors++;
    @(negedge clk_i);
    s_axil_rready = 1'b0;
  endtask

  // ---------------------------------------------------------------------------
  // The job
  // ---------------------------------------------------------------------------
  logic [63:0] expv [MemWords];
  string       f_mem, f_exp, f_cout, fmt_name, f_tbl, act_name;
  int          tbl_n;
  logic [31:0] tbl [512];
  int          mem_words, ring_log2, ndesc, c_word, c_words, m, n, k;
  int          mismatches, first_bad;
  logic [31:0] head, ctrl, status;
  logic [63:0] win_limit;
  longint      t_start, t_end;
  logic        timeout;
  logic [npe_pkg::DescSizeBytes*8-1:0] bad_desc;
  logic [31:0] bad_status, bad_lo, bad_hi;
  logic        bad_addr_ok;

  initial begin
    if (!$value$plusargs("mem=%s", f_mem) || !$value$plusargs("exp=%s", f_exp) ||
        !$value$plusargs("cout=%s", f_cout) || !$value$plusargs("mem_words=%d", mem_words) ||
        !$value$plusargs("ring_log2=%d", ring_log2) || !$value$plusargs("ndesc=%d", ndesc) ||
        !$value$plusargs("c_word=%d", c_word) || !$value$plusargs("c_words=%d", c_words)) begin
      $display("tb_npe_top_icarus: FAIL: missing plusargs");
      $finish;
    end
    if (!$value$plusargs("fmt=%s", fmt_name)) fmt_name = "int8";
    if (!$value$plusargs("tbl_n=%d", tbl_n)) tbl_n = 0;
    if (!$value$plusargs("act=%s", act_name)) act_name = "none";
    if (tbl_n > 0) begin
      if (!$value$plusargs("tbl=%s", f_tbl)) begin
        $display("tb_npe_top_icarus: FAIL: +tbl_n without +tbl");
        $finish;
      end
      $readmemh(f_tbl, tbl, 0, tbl_n - 1);
    end
    if (!$value$plusargs("m=%d", m)) m = 0;
    if (!$value$plusargs("n=%d", n)) n = 0;
    if (!$value$plusargs("k=%d", k)) k = 0;
    if (mem_words > MemWords || c_word + c_words > mem_words) begin
      $display("tb_npe_top_icarus: FAIL: the job does not fit %0d memory words", MemWords);
      $finish;
    end
    $readmemh(f_mem, u_mem.mem_q, 0, mem_words - 1);
    $readmemh(f_exp, expv, 0, c_words - 1);

    {s_axil_awaddr, s_axil_awprot, s_axil_awvalid, s_axil_wdata, s_axil_wstrb,
     s_axil_wvalid, s_axil_bready, s_axil_araddr, s_axil_arprot, s_axil_arvalid,
     s_axil_rready} = '0;
    // Reset: four cycles low, as libnpesim does.
    repeat (4) @(negedge clk_i);
    rst_ni = 1'b1;

    // The NLU table (word: NLU_TBL_ADDR index << 17 | threshold).
    for (int i = 0; i < tbl_n; i++) begin
      csr_write(npe_pkg::RegNluTblAddrOffset, 32'(tbl[i][25:17]));
      csr_write(npe_pkg::RegNluTblDataOffset, 32'(tbl[i][16:0]));
    end

    // The build's options as CAP_FORMATS reports them, and what a build
    // without them refuses.
    csr_read(npe_pkg::RegCapFormatsOffset, status);
    if (status[7:0] != 8'(FormatMask) || status[npe_pkg::RegCapFormatsNluBit] != HasNlu ||
        status[npe_pkg::RegCapFormatsDirectBit] != HasDirectDesc ||
        32'(status[npe_pkg::RegCapFormatsAddrBitsLsb +: npe_pkg::RegCapFormatsAddrBitsWidth])
          != AddrBits) begin
      $display("tb_npe_top_icarus: CAP_FORMATS %h does not describe the build", status);
      csr_errors++;
    end
    csr_read(npe_pkg::RegCapPerfOffset, status);
    if ((status & ~32'(PerfMask)) != 32'd0 || !status[npe_pkg::PerfBusyCycles] ||
        !status[npe_pkg::PerfMacsInt8] != !FormatMask[npe_pkg::FmtInt8]) begin
      $display("tb_npe_top_icarus: CAP_PERF %h does not describe the build", status);
      csr_errors++;
    end
    if (!HasDirectDesc) begin
      csr_write_refused(npe_pkg::RegDesc0Offset, 32'h1);
      csr_write_refused(npe_pkg::RegDoorbellOffset, 32'h1);
    end
    if (!HasNlu) csr_write_refused(npe_pkg::RegNluTblAddrOffset, 32'h1);
    if (AddrBits < 64) begin
      csr_write_refused(npe_pkg::RegRingBaseHiOffset, 32'h1 << (AddrBits % 32));
      if (AddrBits < 32) csr_write_refused(npe_pkg::RegDmaWinBaseLoOffset, 32'h1 << AddrBits);
      csr_read(npe_pkg::RegRingBaseHiOffset, status);
      if (status != 32'd0) begin
        $display("tb_npe_top_icarus: a refused RING_BASE_HI write changed it");
        csr_errors++;
      end
    end

    // DMA window = the memory; ring at its base; start; publish the ring.
    win_limit = MemBase + 64'(MemWords) * 64'd8;
    csr_write(npe_pkg::RegDmaWinBaseLoOffset, MemBase[31:0]);
    csr_write(npe_pkg::RegDmaWinBaseHiOffset, MemBase[63:32]);
    csr_write(npe_pkg::RegDmaWinLimitLoOffset, win_limit[31:0]);
    csr_write(npe_pkg::RegDmaWinLimitHiOffset, win_limit[63:32]);
    csr_write(npe_pkg::RegRingBaseLoOffset, MemBase[31:0]);
    csr_write(npe_pkg::RegRingBaseHiOffset, MemBase[63:32]);
    csr_write(npe_pkg::RegRingSizeOffset, 32'(ring_log2));
    csr_read(npe_pkg::RegRingHeadOffset, head);
    csr_write(npe_pkg::RegRingTailOffset, head);
    csr_read(npe_pkg::RegCtrlOffset, ctrl);
    csr_write(npe_pkg::RegCtrlOffset, ctrl | (32'd1 << npe_pkg::RegCtrlStartBit));
    t_start = cycle_q;
    csr_write(npe_pkg::RegRingTailOffset, head + 32'(ndesc));

    // Poll STATUS every 64 cycles, as npesim_run_until_idle() does.
    timeout = 1'b0;
    csr_read(npe_pkg::RegStatusOffset, status);
    while (status[npe_pkg::RegStatusBusyBit] && !timeout) begin
      repeat (64) @(posedge clk_i);
      csr_read(npe_pkg::RegStatusOffset, status);
      timeout = cycle_q - t_start > MaxCycles;
    end
    t_end = cycle_q;
    csr_read(npe_pkg::RegRingHeadOffset, head);

    // A build with AddrBits < 64: one more descriptor, a LOAD from above
    // 2^AddrBits, must stop with DMA_WINDOW and report the address's low
    // AddrBits bits (nothing is read).
    bad_addr_ok = 1'b1;
    if (AddrBits < 64 && !timeout && status[15:8] == 8'd0) begin
      bad_desc = '0;
      bad_desc[npe_pkg::DescOpcodeLsb +: 8]  = 8'(npe_pkg::OpLoad);
      bad_desc[npe_pkg::DescMLsb +: 16]      = 16'd1;
      bad_desc[npe_pkg::DescKLsb +: 16]      = 16'd8;
      bad_desc[npe_pkg::DescAddrALsb +: 64]  = (64'd1 << AddrBits) | MemBase;
      bad_desc[npe_pkg::DescStrideALsb +: 32] = 32'd8;
      for (int w = 0; w < 8; w++)
        u_mem.mem_q[((ndesc % (1 << ring_log2)) * 8) + w] = bad_desc[64 * w +: 64];
      csr_write(npe_pkg::RegRingTailOffset, head + 32'd1);
      csr_read(npe_pkg::RegStatusOffset, bad_status);
      while (bad_status[npe_pkg::RegStatusBusyBit]) begin
        repeat (64) @(posedge clk_i);
        csr_read(npe_pkg::RegStatusOffset, bad_status);
      end
      csr_read(npe_pkg::RegErrAddrLoOffset, bad_lo);
      csr_read(npe_pkg::RegErrAddrHiOffset, bad_hi);
      bad_addr_ok = bad_status[15:8] == 8'(npe_pkg::ErrDmaWindow) &&
                    {bad_hi, bad_lo} == 64'(MemBase[AddrBits-1:0]);
      if (!bad_addr_ok)
        $display("tb_npe_top_icarus: LOAD above 2^%0d: status %h, ERR_ADDR %h_%h", AddrBits,
                 bad_status, bad_hi, bad_lo);
    end

    $writememh(f_cout, u_mem.mem_q, c_word, c_word + c_words - 1);
    mismatches = 0;
    first_bad  = -1;
    for (int i = 0; i < c_words; i++) begin
      if (u_mem.mem_q[c_word + i] !== expv[i]) begin
        if (first_bad < 0) first_bad = i;
        mismatches++;
      end
    end

    if (timeout || status[15:8] != 8'd0 || head != 32'(ndesc) || mismatches != 0 ||
        csr_errors != 0 || mem_errors != 0 || !bad_addr_ok) begin
      if (first_bad >= 0)
        $display("tb_npe_top_icarus: C word %0d = %h, golden %h", first_bad,
                 u_mem.mem_q[c_word + first_bad], expv[first_bad]);
      $display("tb_npe_top_icarus: FAIL M=%0d N=%0d K=%0d timeout=%0d status=%h head=%0d/%0d",
               m, n, k, timeout, status, head, ndesc);
      $display("tb_npe_top_icarus: FAIL mismatched words=%0d csr errors=%0d memory errors=%0d",
               mismatches, csr_errors, mem_errors);
    end else begin
      $display({"tb_npe_top_icarus: PASS %s act=%s M=%0d N=%0d K=%0d descs=%0d job_cycles=%0d ",
                "cycles=%0d, C (%0d words) bit-exact with the golden model"},
               fmt_name, act_name, m, n, k, ndesc, t_end - t_start, cycle_q, c_words);
    end
    $finish;
  end

endmodule
