// SPDX-License-Identifier: Apache-2.0
// npe_soc: the RV32IM core (npe_rv32_core), the on-chip RAM (npe_soc_ram) for
// the firmware and its data, the engine (npe_top) and the host mailbox
// (npe_soc_mailbox) (docs/SOC.md). Memory map, the same for the core and the
// host (the host reaches the RAM and the mailbox only):
//
//   0x0000_0000 .. RamBytes-1   on-chip RAM (the firmware's image at 0x1_0000)
//   0x4000_0000 .. 0x4000_0fff  the engine's CSRs (core only; AXI4-Lite)
//   0x4001_0000 .. 0x4001_0fff  the mailbox
//
// Anything else reads 0 and ignores writes (counted in bus_err_o's pulses).
// The engine's DMA reaches the RAM through its second port (npe_soc_axi_ram)
// at the same addresses. The core is held in reset until the host sets
// CORE_CTRL.CORE_RUN, so the host loads the firmware through its port first.
module npe_soc #(
  parameter int          RamBytes         = 131072,  // power of 2, >= 128 KiB (image at 64 KiB)
  // the engine (npe_top) parameters: a small all-format array by default
  parameter int          Rows             = 2,
  parameter int          Cols             = 2,
  parameter int          ABankWords       = 256,
  parameter int          BBankWords       = 512,
  parameter int          OutGroups        = 4,
  parameter logic [5:0]  FormatMask       = 6'h3f,
  parameter int          MaxReadsInFlight = 2,
  parameter int          DescFifoDepth    = 2,
  parameter int          CounterBits      = 32,
  parameter bit          LitePe           = 1'b0,
  parameter bit          HasSherry        = 1'b1,    // (npe_top's default)
  parameter int          PerfMask         = 'h7fff,  // (npe_top's default)
  // the recurrence unit (RECUR: DIAG, and GRU / LSTM with W_hh in a B buffer)
  parameter bit          HasRecur         = 1'b1,
  parameter int          RecurStateWords  = 256
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  // Host port (the protocol of the core's memory port: request held until ready)
  input  logic        h_req_i,
  input  logic        h_we_i,
  input  logic [31:0] h_addr_i,
  input  logic [31:0] h_wdata_i,
  input  logic [3:0]  h_wstrb_i,
  output logic [31:0] h_rdata_o,
  output logic        h_ready_o,
  output logic        host_irq_o,    // the mailbox's DONE (when enabled)

  // Firmware console (mailbox CONSOLE writes) and bus errors, for benches
  output logic        cons_valid_o,
  output logic [7:0]  cons_data_o,
  output logic        bus_err_o,     // an access to nothing or an engine CSR error
  // The core's retire trace (for benches: CPI, profiles)
  output logic        retire_valid_o,
  output logic [31:0] retire_pc_o
);
  localparam int RamWords = RamBytes / 8;
  localparam int RamAW    = $clog2(RamBytes);  // byte address bits of the RAM
  localparam int AddrBits = RamAW;             // the engine's DMA address bits

  // ---------------------------------------------------------------------------
  // The core
  // ---------------------------------------------------------------------------
  logic        core_run, core_rst_n, core_irq;
  logic        c_req, c_we, c_ready;
  logic [31:0] c_addr, c_wdata, c_rdata;
  logic [3:0]  c_wstrb;
  logic        ret_valid, ret_trap;
  logic [31:0] ret_pc, ret_insn, ret_wdata;
  logic [4:0]  ret_rd;

  assign core_rst_n = rst_ni && core_run;

  npe_rv32_core u_core (
    .clk_i (clk_i), .rst_ni (core_rst_n),
    .mem_req_o (c_req), .mem_we_o (c_we), .mem_addr_o (c_addr), .mem_wdata_o (c_wdata),
    .mem_wstrb_o (c_wstrb), .mem_rdata_i (c_rdata), .mem_ready_i (c_ready),
    .irq_i (core_irq),
    .retire_valid_o (ret_valid), .retire_pc_o (ret_pc), .retire_insn_o (ret_insn),
    .retire_trap_o (ret_trap), .retire_rd_o (ret_rd), .retire_rd_wdata_o (ret_wdata)
  );

  // ---------------------------------------------------------------------------
  // Address decode (core and host)
  // ---------------------------------------------------------------------------
  logic c_sel_ram, c_sel_eng, c_sel_mbox, c_sel_none;
  logic h_sel_ram, h_sel_mbox, h_sel_none;
  assign c_sel_ram  = c_addr[31:RamAW] == '0;
  assign c_sel_eng  = c_addr[31:12] == 20'h4_0000;
  assign c_sel_mbox = c_addr[31:12] == 20'h4_0010;
  assign c_sel_none = !c_sel_ram && !c_sel_eng && !c_sel_mbox;
  assign h_sel_ram  = h_addr_i[31:RamAW] == '0;
  assign h_sel_mbox = h_addr_i[31:12] == 20'h4_0010;
  assign h_sel_none = !h_sel_ram && !h_sel_mbox;

  // RAM port A: the core and the host
  logic        ra_c_ready, ra_h_ready;
  logic [31:0] ra_c_rdata, ra_h_rdata;
  logic        ram_a_en, ram_b_en;
  logic [7:0]  ram_a_we, ram_b_we;
  logic [$clog2(RamWords)-1:0] ram_a_addr, ram_b_addr;
  logic [63:0] ram_a_wdata, ram_a_rdata, ram_b_wdata, ram_b_rdata;

  npe_soc_ram_arb #(.Words (RamWords)) u_ram_arb (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .p0_req_i (c_req && c_sel_ram), .p0_we_i (c_we), .p0_addr_i (c_addr),
    .p0_wdata_i (c_wdata), .p0_wstrb_i (c_wstrb), .p0_rdata_o (ra_c_rdata),
    .p0_ready_o (ra_c_ready),
    .p1_req_i (h_req_i && h_sel_ram), .p1_we_i (h_we_i), .p1_addr_i (h_addr_i),
    .p1_wdata_i (h_wdata_i), .p1_wstrb_i (h_wstrb_i), .p1_rdata_o (ra_h_rdata),
    .p1_ready_o (ra_h_ready),
    .ram_en_o (ram_a_en), .ram_we_o (ram_a_we), .ram_addr_o (ram_a_addr),
    .ram_wdata_o (ram_a_wdata), .ram_rdata_i (ram_a_rdata)
  );

  npe_soc_ram #(.Words (RamWords)) u_ram (
    .clk_i (clk_i),
    .a_en_i (ram_a_en), .a_we_i (ram_a_we), .a_addr_i (ram_a_addr),
    .a_wdata_i (ram_a_wdata), .a_rdata_o (ram_a_rdata),
    .b_en_i (ram_b_en), .b_we_i (ram_b_we), .b_addr_i (ram_b_addr),
    .b_wdata_i (ram_b_wdata), .b_rdata_o (ram_b_rdata)
  );

  // The mailbox; the engine's interrupt reaches the core through it (its
  // FLAGS.ENG_IRQ, ORed with the doorbell into the core's irq_i)
  logic        mb_c_ready, mb_h_ready;
  logic        eng_irq, eng_irq_to_core;
`ifdef NPE_PLANT_BUG_SOC_NO_ENG_IRQ
  // planted bug (make soc-plant-irq-test): the engine's interrupt is not wired
  assign eng_irq_to_core = 1'b0;
`else
  assign eng_irq_to_core = eng_irq;
`endif
  logic [31:0] mb_c_rdata, mb_h_rdata;

  npe_soc_mailbox u_mbox (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .c_req_i (c_req && c_sel_mbox), .c_we_i (c_we), .c_addr_i (c_addr[11:0]),
    .c_wdata_i (c_wdata), .c_wstrb_i (c_wstrb), .c_rdata_o (mb_c_rdata),
    .c_ready_o (mb_c_ready),
    .h_req_i (h_req_i && h_sel_mbox), .h_we_i (h_we_i), .h_addr_i (h_addr_i[11:0]),
    .h_wdata_i (h_wdata_i), .h_wstrb_i (h_wstrb_i), .h_rdata_o (mb_h_rdata),
    .h_ready_o (mb_h_ready),
    .eng_irq_i (eng_irq_to_core), .core_irq_o (core_irq), .core_run_o (core_run),
    .host_irq_o (host_irq_o),
    .cons_valid_o (cons_valid_o), .cons_data_o (cons_data_o)
  );

  // The engine's CSRs through the AXI4-Lite master
  logic        eg_ready, eg_err;
  logic [31:0] eg_rdata;
  logic [11:0] axil_awaddr, axil_araddr;
  logic [2:0]  axil_awprot, axil_arprot;
  logic        axil_awvalid, axil_awready, axil_wvalid, axil_wready, axil_bvalid, axil_bready;
  logic        axil_arvalid, axil_arready, axil_rvalid, axil_rready;
  logic [31:0] axil_wdata, axil_rdata;
  logic [3:0]  axil_wstrb;
  logic [1:0]  axil_bresp, axil_rresp;

  npe_soc_axil_master #(.AddrWidth (12)) u_axil (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .req_i (c_req && c_sel_eng), .we_i (c_we), .addr_i (c_addr[11:0]), .wdata_i (c_wdata),
    .wstrb_i (c_wstrb), .rdata_o (eg_rdata), .ready_o (eg_ready), .err_o (eg_err),
    .m_axil_awaddr (axil_awaddr), .m_axil_awprot (axil_awprot), .m_axil_awvalid (axil_awvalid),
    .m_axil_awready (axil_awready), .m_axil_wdata (axil_wdata), .m_axil_wstrb (axil_wstrb),
    .m_axil_wvalid (axil_wvalid), .m_axil_wready (axil_wready), .m_axil_bresp (axil_bresp),
    .m_axil_bvalid (axil_bvalid), .m_axil_bready (axil_bready), .m_axil_araddr (axil_araddr),
    .m_axil_arprot (axil_arprot), .m_axil_arvalid (axil_arvalid),
    .m_axil_arready (axil_arready), .m_axil_rdata (axil_rdata), .m_axil_rresp (axil_rresp),
    .m_axil_rvalid (axil_rvalid), .m_axil_rready (axil_rready)
  );

  // Nothing there: ready in the next cycle, reads 0
  logic c_none_ready_q, h_none_ready_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_none_ready_q <= 1'b0;
      h_none_ready_q <= 1'b0;
    end else begin
      c_none_ready_q <= c_req && c_sel_none && !c_none_ready_q;
      h_none_ready_q <= h_req_i && h_sel_none && !h_none_ready_q;
    end
  end

  assign c_ready = ra_c_ready || mb_c_ready || eg_ready || c_none_ready_q;
  assign c_rdata = c_sel_ram ? ra_c_rdata : c_sel_mbox ? mb_c_rdata : c_sel_eng ? eg_rdata : 32'd0;
  assign h_ready_o = ra_h_ready || mb_h_ready || h_none_ready_q;
  assign h_rdata_o = h_sel_ram ? ra_h_rdata : h_sel_mbox ? mb_h_rdata : 32'd0;
  assign bus_err_o = c_none_ready_q || h_none_ready_q || eg_err;

  // ---------------------------------------------------------------------------
  // The engine, its DMA on RAM port B
  // ---------------------------------------------------------------------------
  logic [3:0]  arid, rid, awid, bid;
  logic [63:0] araddr, awaddr, rdata, wdata;
  logic [7:0]  arlen, awlen, wstrb;
  logic [2:0]  arsize, awsize, arprot, awprot;
  logic [1:0]  arburst, awburst, rresp, bresp;
  logic        arlock, awlock;
  logic [3:0]  arcache, awcache, arqos, awqos;
  logic        arvalid, arready, rlast, rvalid, rready;
  logic        awvalid, awready, wlast, wvalid, wready, bvalid, bready;

  npe_top #(
    .Rows (Rows), .Cols (Cols), .ABankWords (ABankWords), .BBankWords (BBankWords),
    .OutGroups (OutGroups), .FormatMask (FormatMask), .MaxReadsInFlight (MaxReadsInFlight),
    .DescFifoDepth (DescFifoDepth), .CounterBits (CounterBits), .AddrBits (AddrBits),
    .HasNlu (1'b0), .HasXbar (1'b0), .HasRecur (HasRecur),
    .RecurStateWords (RecurStateWords), .LitePe (LitePe),
    .HasDirectDesc (1'b0),
    .HasSherry (HasSherry), .PerfMask (PerfMask)
  ) u_engine (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .s_axil_awaddr (axil_awaddr), .s_axil_awprot (axil_awprot),
    .s_axil_awvalid (axil_awvalid), .s_axil_awready (axil_awready),
    .s_axil_wdata (axil_wdata), .s_axil_wstrb (axil_wstrb), .s_axil_wvalid (axil_wvalid),
    .s_axil_wready (axil_wready), .s_axil_bresp (axil_bresp), .s_axil_bvalid (axil_bvalid),
    .s_axil_bready (axil_bready), .s_axil_araddr (axil_araddr), .s_axil_arprot (axil_arprot),
    .s_axil_arvalid (axil_arvalid), .s_axil_arready (axil_arready),
    .s_axil_rdata (axil_rdata), .s_axil_rresp (axil_rresp), .s_axil_rvalid (axil_rvalid),
    .s_axil_rready (axil_rready),
    .m_axi_arid (arid), .m_axi_araddr (araddr), .m_axi_arlen (arlen), .m_axi_arsize (arsize),
    .m_axi_arburst (arburst), .m_axi_arlock (arlock), .m_axi_arcache (arcache),
    .m_axi_arprot (arprot), .m_axi_arqos (arqos), .m_axi_arvalid (arvalid),
    .m_axi_arready (arready), .m_axi_rid (rid), .m_axi_rdata (rdata), .m_axi_rresp (rresp),
    .m_axi_rlast (rlast), .m_axi_rvalid (rvalid), .m_axi_rready (rready),
    .m_axi_awid (awid), .m_axi_awaddr (awaddr), .m_axi_awlen (awlen), .m_axi_awsize (awsize),
    .m_axi_awburst (awburst), .m_axi_awlock (awlock), .m_axi_awcache (awcache),
    .m_axi_awprot (awprot), .m_axi_awqos (awqos), .m_axi_awvalid (awvalid),
    .m_axi_awready (awready), .m_axi_wdata (wdata), .m_axi_wstrb (wstrb),
    .m_axi_wlast (wlast), .m_axi_wvalid (wvalid), .m_axi_wready (wready),
    .m_axi_bid (bid), .m_axi_bresp (bresp), .m_axi_bvalid (bvalid), .m_axi_bready (bready),
    .irq_o (eng_irq)
  );

  npe_soc_axi_ram #(.Words (RamWords)) u_axi_ram (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .s_axi_arid (arid), .s_axi_araddr (araddr[31:0]), .s_axi_arlen (arlen),
    .s_axi_arsize (arsize), .s_axi_arburst (arburst), .s_axi_arvalid (arvalid),
    .s_axi_arready (arready), .s_axi_rid (rid), .s_axi_rdata (rdata), .s_axi_rresp (rresp),
    .s_axi_rlast (rlast), .s_axi_rvalid (rvalid), .s_axi_rready (rready),
    .s_axi_awid (awid), .s_axi_awaddr (awaddr[31:0]), .s_axi_awlen (awlen),
    .s_axi_awsize (awsize), .s_axi_awburst (awburst), .s_axi_awvalid (awvalid),
    .s_axi_awready (awready), .s_axi_wdata (wdata), .s_axi_wstrb (wstrb),
    .s_axi_wlast (wlast), .s_axi_wvalid (wvalid), .s_axi_wready (wready),
    .s_axi_bid (bid), .s_axi_bresp (bresp), .s_axi_bvalid (bvalid), .s_axi_bready (bready),
    .ram_en_o (ram_b_en), .ram_we_o (ram_b_we), .ram_addr_o (ram_b_addr),
    .ram_wdata_o (ram_b_wdata), .ram_rdata_i (ram_b_rdata)
  );

  assign retire_valid_o = ret_valid;
  assign retire_pc_o    = ret_pc;

  // Not needed: the engine's fixed AXI attributes, address bits above the
  // RAM (its DMA window keeps them zero) and the rest of the core's retire
  // trace (and, with the planted bug, the engine's interrupt).
  logic unused;
  assign unused = ^{araddr[63:32], awaddr[63:32], arlock, awlock, arcache, awcache, arprot,
                    awprot, arqos, awqos, eng_irq, ret_trap, ret_insn,
                    ret_rd, ret_wdata, c_addr[1:0], h_addr_i[1:0]};

`ifdef NPE_ASSERT
  SocCoreOneTarget: assert property (@(posedge clk_i) disable iff (!rst_ni)
    $onehot0({ra_c_ready, mb_c_ready, eg_ready, c_none_ready_q}));
  SocHostOneTarget: assert property (@(posedge clk_i) disable iff (!rst_ni)
    $onehot0({ra_h_ready, mb_h_ready, h_none_ready_q}));
`endif
endmodule
