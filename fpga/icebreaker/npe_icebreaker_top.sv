// SPDX-License-Identifier: Apache-2.0
// npe_icebreaker_top: the small engine build on an iCEBreaker board
// (iCE40UP5K-SG48): npe_top with the small-FPGA parameters (one INT8 /
// ternary PE, 256-word banks, 17-bit DMA addresses), its DMA on the chip's
// 128 KiB of SPRAM (npe_spram_axi), its CSRs and that memory reachable from
// the host over the board's FTDI UART (channel B of the FT2232H) at
// 3 Mbaud, through npe_uart_bridge (the board link, protocol v2:
// docs/LINK.md). Runs on the 12 MHz board clock. LEDs (active low): red = the engine's interrupt line, green
// = out of reset.
module npe_icebreaker_top #(
  parameter int ClkDiv     = 4,     // 12 MHz / 3 Mbaud (make link-rate-test: the UART holds at 4)
  parameter int IdleCycles = 4095   // 341 us (about 100 bytes at 3 Mbaud) of quiet line end a broken frame
) (
  input  logic CLK,     // 12 MHz
  input  logic BTN_N,   // user button: reset while pressed
  input  logic RX,      // from the host (FTDI channel B)
  output logic TX,
  output logic LEDR_N,
  output logic LEDG_N
);

  // ---------------------------------------------------------------------------
  // Reset: held for 15 cycles after configuration (flip-flops start at 0)
  // and while the button is pressed, released synchronously.
  // ---------------------------------------------------------------------------
  logic [3:0] por_q = 4'd0;
  logic [1:0] btn_q = 2'b00;
  logic       rst_n;
  always_ff @(posedge CLK) begin
    btn_q <= {btn_q[0], BTN_N};
    if (!btn_q[1])          por_q <= 4'd0;
    else if (por_q != 4'hf) por_q <= por_q + 4'd1;
  end
  assign rst_n = por_q == 4'hf;

  // ---------------------------------------------------------------------------
  // Host side: UART and bridge
  // ---------------------------------------------------------------------------
  logic       rx_valid, tx_valid, tx_ready;
  logic [7:0] rx_byte, tx_byte;

  npe_uart_rx #(.ClkDiv(ClkDiv)) u_rx (
    .clk_i (CLK), .rst_ni (rst_n), .rx_i (RX), .byte_valid_o (rx_valid), .byte_o (rx_byte)
  );
  npe_uart_tx #(.ClkDiv(ClkDiv)) u_tx (
    .clk_i (CLK), .rst_ni (rst_n), .byte_valid_i (tx_valid), .byte_ready_o (tx_ready),
    .byte_i (tx_byte), .tx_o (TX)
  );

  logic [11:0] axil_awaddr, axil_araddr;
  logic        axil_awvalid, axil_awready, axil_wvalid, axil_wready, axil_bvalid, axil_bready;
  logic        axil_arvalid, axil_arready, axil_rvalid, axil_rready;
  logic [31:0] axil_wdata, axil_rdata;
  logic [3:0]  axil_wstrb;
  logic [1:0]  axil_bresp, axil_rresp;
  logic        mem_req, mem_we, mem_ack;
  logic [23:0] mem_addr;
  logic [31:0] mem_wdata, mem_rdata;

  npe_uart_bridge #(.MemBytes(131072), .MaxWords(1024), .IdleCycles(IdleCycles)) u_bridge (
    .clk_i (CLK), .rst_ni (rst_n),
    .rx_valid_i (rx_valid), .rx_byte_i (rx_byte),
    .tx_valid_o (tx_valid), .tx_ready_i (tx_ready), .tx_byte_o (tx_byte),
    .m_axil_awaddr (axil_awaddr), .m_axil_awvalid (axil_awvalid), .m_axil_awready (axil_awready),
    .m_axil_wdata (axil_wdata), .m_axil_wstrb (axil_wstrb), .m_axil_wvalid (axil_wvalid),
    .m_axil_wready (axil_wready), .m_axil_bresp (axil_bresp), .m_axil_bvalid (axil_bvalid),
    .m_axil_bready (axil_bready), .m_axil_araddr (axil_araddr), .m_axil_arvalid (axil_arvalid),
    .m_axil_arready (axil_arready), .m_axil_rdata (axil_rdata), .m_axil_rresp (axil_rresp),
    .m_axil_rvalid (axil_rvalid), .m_axil_rready (axil_rready),
    .mem_req_o (mem_req), .mem_we_o (mem_we), .mem_addr_o (mem_addr), .mem_wdata_o (mem_wdata),
    .mem_ack_i (mem_ack), .mem_rdata_i (mem_rdata)
  );

  // ---------------------------------------------------------------------------
  // The engine: the parameters of ENGINE_LITE (mk/sim_lib.mk), in decimal, as
  // make fpga-lint checks them against that list
  // ---------------------------------------------------------------------------
  logic [3:0]  arid, rid, awid, bid;
  logic [63:0] araddr, awaddr, rdata, wdata;
  logic [7:0]  arlen, awlen, wstrb;
  logic [2:0]  arsize, awsize, arprot, awprot;
  logic [1:0]  arburst, awburst, rresp, bresp;
  logic [3:0]  arcache, awcache, arqos, awqos;
  logic        arlock, awlock, arvalid, arready, rlast, rvalid, rready;
  logic        awvalid, awready, wlast, wvalid, wready, bvalid, bready, irq;

  npe_top #(
    .Rows (1), .Cols (1), .FormatMask (6'd48), .ABankWords (256), .BBankWords (256),
    .OutGroups (4), .DescFifoDepth (1), .CounterBits (32), .MaxReadsInFlight (2),
    .AddrBits (17), .HasNlu (1'b0), .HasXbar (1'b0), .HasRecur (1'b0), .LitePe (1'b1), .HasDirectDesc (1'b0),
    .HasSherry (1'b0), // the Sherry unpacker left out: the UP5K is full
    .PerfMask (29183)
  ) u_npe (
    .clk_i (CLK), .rst_ni (rst_n),
    .s_axil_awaddr (axil_awaddr), .s_axil_awprot (3'b000), .s_axil_awvalid (axil_awvalid),
    .s_axil_awready (axil_awready), .s_axil_wdata (axil_wdata), .s_axil_wstrb (axil_wstrb),
    .s_axil_wvalid (axil_wvalid), .s_axil_wready (axil_wready), .s_axil_bresp (axil_bresp),
    .s_axil_bvalid (axil_bvalid), .s_axil_bready (axil_bready), .s_axil_araddr (axil_araddr),
    .s_axil_arprot (3'b000), .s_axil_arvalid (axil_arvalid), .s_axil_arready (axil_arready),
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
    .m_axi_awready (awready), .m_axi_wdata (wdata), .m_axi_wstrb (wstrb), .m_axi_wlast (wlast),
    .m_axi_wvalid (wvalid), .m_axi_wready (wready), .m_axi_bid (bid), .m_axi_bresp (bresp),
    .m_axi_bvalid (bvalid), .m_axi_bready (bready),
    .irq_o (irq)
  );

  npe_spram_axi #(.IdBits(4)) u_mem (
    .clk_i (CLK), .rst_ni (rst_n),
    .s_axi_arid (arid), .s_axi_araddr (araddr[16:0]), .s_axi_arlen (arlen),
    .s_axi_arvalid (arvalid), .s_axi_arready (arready),
    .s_axi_rid (rid), .s_axi_rdata (rdata), .s_axi_rresp (rresp), .s_axi_rlast (rlast),
    .s_axi_rvalid (rvalid), .s_axi_rready (rready),
    .s_axi_awid (awid), .s_axi_awaddr (awaddr[16:0]), .s_axi_awvalid (awvalid),
    .s_axi_awready (awready), .s_axi_wdata (wdata), .s_axi_wstrb (wstrb), .s_axi_wlast (wlast),
    .s_axi_wvalid (wvalid), .s_axi_wready (wready),
    .s_axi_bid (bid), .s_axi_bresp (bresp), .s_axi_bvalid (bvalid), .s_axi_bready (bready),
    .req_i (mem_req), .we_i (mem_we), .addr_i (mem_addr[16:2]), .wdata_i (mem_wdata),
    .ack_o (mem_ack), .rdata_o (mem_rdata)
  );

  assign LEDR_N = !irq;
  assign LEDG_N = !rst_n;

  // Fixed by the engine (one ID, 8-byte INCR beats); the memory needs none
  // of them, nor the address bits above 128 KiB.
  logic unused_axi;
  assign unused_axi = ^{araddr[63:17], awaddr[63:17], arsize, awsize, arburst, awburst, arlock,
                        awlock, arcache, awcache, arprot, awprot, arqos, awqos, awlen,
                        mem_addr[23:17], mem_addr[1:0]};

endmodule
