// SPDX-License-Identifier: Apache-2.0
// npe_zynq_top (Verilog-2001: Vivado takes only Verilog or VHDL as a
// block-design module reference): the engine for a Zynq-7020 board (PYNQ-Z2, xc7z020clg400-1),
// as a Vivado block-design module reference between the processing system's
// AXI ports (fpga/zynq/build.tcl wires it):
//
//   PS M_AXI_GP0 (AXI3, 32-bit) -> interconnect -> s_axil_*  engine CSRs, 4 KiB
//   m_axi_* (AXI4, 64-bit data)  -> interconnect -> PS S_AXI_HP0 (AXI3, 64-bit)
//   irq_o (level, high)          -> PS IRQ_F2P[0]
//
// Linux reaches the CSRs through generic-uio and the engine's memory through
// a u-dma-buf buffer: libnpe's `uio:` transport (docs/LINK.md, "Zynq").
//
// What this wrapper fixes, and why:
// * Rows 2 x Cols 2 PEs (every format): with the default 4 x 2 the engine
//   needs about 72,700 LUTs by Yosys's synth_xilinx, the 7020 has 53,200;
//   2 x 2 needs about 42,500 (80 %; make zynq-synth, BENCHMARKS.md).
// * AddrBits 32: the HP ports address 4 GiB; the upper address bits of
//   npe_top's 64-bit ports are zero and not brought out.
// * MaxBurstBeats 16: the HP ports speak AXI3, whose bursts end at 16 beats;
//   with them the interconnect only converts IDs (no burst splitting).
// * MaxReadsInFlight 8: with 16-beat bursts, 4 reads in flight cover only
//   64 beats of a ~100-cycle memory latency (the demo matmul took 22 % more
//   cycles); the HP port queues 8 read commands (Zynq-7000 TRM, UG585,
//   "AXI_HP Interfaces").
// * BBankWords 4096: 64 KiB per B buffer (the default 512 KiB buffers need
//   8 Mbit of block RAM, the 7020 has 4.9 Mbit; make zynq-synth).
// * CSR addresses: the interconnect gives 32-bit addresses; the engine
//   decodes the low 12 bits (its map is 4 KiB; build.tcl maps 4 KiB).
//
// The X_INTERFACE_* attributes let Vivado infer the two AXI interfaces, the
// clock (FCLK_CLK0, 100 MHz), the active-low reset and the interrupt.
module npe_zynq_top #(
  parameter integer Rows             = 2,
  parameter integer Cols             = 2,
  parameter integer ABankWords       = 1024,
  parameter integer BBankWords       = 4096,
  parameter integer OutGroups        = 32,
  parameter [5:0]   FormatMask       = 6'h3f,
  parameter integer MaxBurstBeats    = 16,
  parameter integer MaxReadsInFlight = 8,
  parameter         HasNlu           = 1'b1,
  parameter         HasXbar          = 1'b1,
  parameter         HasRecur         = 1'b1
) (
  (* X_INTERFACE_INFO = "xilinx.com:signal:clock:1.0 clk_i CLK" *)
  (* X_INTERFACE_PARAMETER = "ASSOCIATED_BUSIF s_axil:m_axi, ASSOCIATED_RESET rst_ni, FREQ_HZ 100000000" *)
  input  wire         clk_i,
  (* X_INTERFACE_INFO = "xilinx.com:signal:reset:1.0 rst_ni RST" *)
  (* X_INTERFACE_PARAMETER = "POLARITY ACTIVE_LOW" *)
  input  wire         rst_ni,

  // AXI4-Lite slave: the CSRs (from the PS's M_AXI_GP0)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWADDR" *)
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 32" *)
  input  wire  [31:0] s_axil_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWPROT" *)
  input  wire  [2:0]  s_axil_awprot,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWVALID" *)
  input  wire         s_axil_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWREADY" *)
  output logic        s_axil_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WDATA" *)
  input  wire  [31:0] s_axil_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WSTRB" *)
  input  wire  [3:0]  s_axil_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WVALID" *)
  input  wire         s_axil_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WREADY" *)
  output logic        s_axil_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil BRESP" *)
  output logic [1:0]  s_axil_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil BVALID" *)
  output logic        s_axil_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil BREADY" *)
  input  wire         s_axil_bready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARADDR" *)
  input  wire  [31:0] s_axil_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARPROT" *)
  input  wire  [2:0]  s_axil_arprot,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARVALID" *)
  input  wire         s_axil_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARREADY" *)
  output logic        s_axil_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RDATA" *)
  output logic [31:0] s_axil_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RRESP" *)
  output logic [1:0]  s_axil_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RVALID" *)
  output logic        s_axil_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RREADY" *)
  input  wire         s_axil_rready,

  // AXI4 master: the DMA (to the PS's S_AXI_HP0, DDR)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARID" *)
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4, DATA_WIDTH 64, ADDR_WIDTH 32, ID_WIDTH 4, MAX_BURST_LENGTH 16, NUM_READ_OUTSTANDING 4, NUM_WRITE_OUTSTANDING 4" *)
  output logic [3:0]  m_axi_arid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARADDR" *)
  output logic [31:0] m_axi_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARLEN" *)
  output logic [7:0]  m_axi_arlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARSIZE" *)
  output logic [2:0]  m_axi_arsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARBURST" *)
  output logic [1:0]  m_axi_arburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARLOCK" *)
  output logic        m_axi_arlock,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARCACHE" *)
  output logic [3:0]  m_axi_arcache,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARPROT" *)
  output logic [2:0]  m_axi_arprot,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARQOS" *)
  output logic [3:0]  m_axi_arqos,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARVALID" *)
  output logic        m_axi_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARREADY" *)
  input  wire         m_axi_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RID" *)
  input  wire  [3:0]  m_axi_rid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RDATA" *)
  input  wire  [63:0] m_axi_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RRESP" *)
  input  wire  [1:0]  m_axi_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RLAST" *)
  input  wire         m_axi_rlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RVALID" *)
  input  wire         m_axi_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RREADY" *)
  output logic        m_axi_rready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWID" *)
  output logic [3:0]  m_axi_awid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWADDR" *)
  output logic [31:0] m_axi_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWLEN" *)
  output logic [7:0]  m_axi_awlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWSIZE" *)
  output logic [2:0]  m_axi_awsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWBURST" *)
  output logic [1:0]  m_axi_awburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWLOCK" *)
  output logic        m_axi_awlock,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWCACHE" *)
  output logic [3:0]  m_axi_awcache,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWPROT" *)
  output logic [2:0]  m_axi_awprot,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWQOS" *)
  output logic [3:0]  m_axi_awqos,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWVALID" *)
  output logic        m_axi_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi AWREADY" *)
  input  wire         m_axi_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi WDATA" *)
  output logic [63:0] m_axi_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi WSTRB" *)
  output logic [7:0]  m_axi_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi WLAST" *)
  output logic        m_axi_wlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi WVALID" *)
  output logic        m_axi_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi WREADY" *)
  input  wire         m_axi_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi BID" *)
  input  wire  [3:0]  m_axi_bid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi BRESP" *)
  input  wire  [1:0]  m_axi_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi BVALID" *)
  input  wire         m_axi_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi BREADY" *)
  output logic        m_axi_bready,

  (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 irq_o INTERRUPT" *)
  (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
  output logic        irq_o
);

  wire [63:0] araddr64, awaddr64;
  wire [39:0] unused_csr_addr;  // above the engine's 4 KiB map
  wire [63:0] unused_dma_addr;  // zero: AddrBits 32

  assign unused_csr_addr = {s_axil_awaddr[31:12], s_axil_araddr[31:12]};
  assign unused_dma_addr = {araddr64[63:32], awaddr64[63:32]};
  assign m_axi_araddr = araddr64[31:0];
  assign m_axi_awaddr = awaddr64[31:0];

  npe_top #(
    .Rows (Rows), .Cols (Cols), .ABankWords (ABankWords), .BBankWords (BBankWords),
    .OutGroups (OutGroups), .FormatMask (FormatMask), .MaxBurstBeats (MaxBurstBeats),
    .MaxReadsInFlight (MaxReadsInFlight),
    .AddrBits (32), .HasNlu (HasNlu), .HasXbar (HasXbar), .HasRecur (HasRecur)
  ) u_npe (
    .clk_i (clk_i), .rst_ni (rst_ni), .s_axil_awaddr (s_axil_awaddr[11:0]),
    .s_axil_awprot (s_axil_awprot), .s_axil_awvalid (s_axil_awvalid),
    .s_axil_awready (s_axil_awready), .s_axil_wdata (s_axil_wdata), .s_axil_wstrb (s_axil_wstrb),
    .s_axil_wvalid (s_axil_wvalid), .s_axil_wready (s_axil_wready), .s_axil_bresp (s_axil_bresp),
    .s_axil_bvalid (s_axil_bvalid), .s_axil_bready (s_axil_bready),
    .s_axil_araddr (s_axil_araddr[11:0]), .s_axil_arprot (s_axil_arprot),
    .s_axil_arvalid (s_axil_arvalid), .s_axil_arready (s_axil_arready),
    .s_axil_rdata (s_axil_rdata), .s_axil_rresp (s_axil_rresp), .s_axil_rvalid (s_axil_rvalid),
    .s_axil_rready (s_axil_rready), .m_axi_arid (m_axi_arid), .m_axi_araddr (araddr64),
    .m_axi_arlen (m_axi_arlen), .m_axi_arsize (m_axi_arsize), .m_axi_arburst (m_axi_arburst),
    .m_axi_arlock (m_axi_arlock), .m_axi_arcache (m_axi_arcache), .m_axi_arprot (m_axi_arprot),
    .m_axi_arqos (m_axi_arqos), .m_axi_arvalid (m_axi_arvalid), .m_axi_arready (m_axi_arready),
    .m_axi_rid (m_axi_rid), .m_axi_rdata (m_axi_rdata), .m_axi_rresp (m_axi_rresp),
    .m_axi_rlast (m_axi_rlast), .m_axi_rvalid (m_axi_rvalid), .m_axi_rready (m_axi_rready),
    .m_axi_awid (m_axi_awid), .m_axi_awaddr (awaddr64), .m_axi_awlen (m_axi_awlen),
    .m_axi_awsize (m_axi_awsize), .m_axi_awburst (m_axi_awburst), .m_axi_awlock (m_axi_awlock),
    .m_axi_awcache (m_axi_awcache), .m_axi_awprot (m_axi_awprot), .m_axi_awqos (m_axi_awqos),
    .m_axi_awvalid (m_axi_awvalid), .m_axi_awready (m_axi_awready), .m_axi_wdata (m_axi_wdata),
    .m_axi_wstrb (m_axi_wstrb), .m_axi_wlast (m_axi_wlast), .m_axi_wvalid (m_axi_wvalid),
    .m_axi_wready (m_axi_wready), .m_axi_bid (m_axi_bid), .m_axi_bresp (m_axi_bresp),
    .m_axi_bvalid (m_axi_bvalid), .m_axi_bready (m_axi_bready), .irq_o (irq_o)
  );

endmodule
