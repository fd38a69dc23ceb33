// SPDX-License-Identifier: Apache-2.0
// npe_soc_zynq_top (Verilog-2001: Vivado takes only Verilog or VHDL as a
// block-design module reference): the SoC (rtl/soc/npe_soc.sv: the RV32IM
// core, 128 KiB of on-chip RAM, the engine, the mailbox; docs/SOC.md) for a
// Zynq-7020 board (PYNQ-Z2, xc7z020clg400-1), the processing system (PS) as
// its host (fpga/zynq/build_soc.tcl wires it):
//
//   PS M_AXI_GP0 (AXI3, 32-bit) -> interconnect -> s_axil_*  the SoC's host
//        window, 256 KiB at 0x43C0_0000 (npe_soc_host_axil):
//        +0x0_0000 .. +0x1_ffff  the SoC's RAM (the firmware image at +0x1_0000)
//        +0x2_0000 .. +0x2_0fff  the mailbox
//        anything else           DECERR
//   host_irq_o (level, high)    -> PS IRQ_F2P[0] and LED LD0: the mailbox's
//                                  DONE (with HOST_IRQ_EN)
//   led_err_o                   -> LED LD1: a bus error seen since reset
//                                  (bus_err_o: an access to nothing, an
//                                  engine CSR error)
//
// The SoC is npe_soc's default build, the one the firmware and libnpe's
// sim:?build=soc are tested on: 2 x 2 PEs in every format, 256-word A and
// 512-word B banks, no NLU, crossbar or recurrence unit. Its RAM
// (npe_soc_ram, true dual port) maps onto block RAM; its engine's DMA stays
// on chip (no HP port). The host loads the firmware's segments through the
// window, sets CORE_CTRL.CORE_RUN and then talks to the mailbox as
// tests/rtl/soc/tb_soc.cpp does (docs/SOC.md, "Boot").
module npe_soc_zynq_top (
  (* X_INTERFACE_INFO = "xilinx.com:signal:clock:1.0 clk_i CLK" *)
  (* X_INTERFACE_PARAMETER = "ASSOCIATED_BUSIF s_axil, ASSOCIATED_RESET rst_ni, FREQ_HZ 50000000" *)
  input  wire         clk_i,
  (* X_INTERFACE_INFO = "xilinx.com:signal:reset:1.0 rst_ni RST" *)
  (* X_INTERFACE_PARAMETER = "POLARITY ACTIVE_LOW" *)
  input  wire         rst_ni,

  // AXI4-Lite slave: the host window (from the PS's M_AXI_GP0)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWADDR" *)
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 32" *)
  input  wire  [31:0] s_axil_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWPROT" *)
  input  wire  [2:0]  s_axil_awprot,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWVALID" *)
  input  wire         s_axil_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil AWREADY" *)
  output wire         s_axil_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WDATA" *)
  input  wire  [31:0] s_axil_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WSTRB" *)
  input  wire  [3:0]  s_axil_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WVALID" *)
  input  wire         s_axil_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil WREADY" *)
  output wire         s_axil_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil BRESP" *)
  output wire  [1:0]  s_axil_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil BVALID" *)
  output wire         s_axil_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil BREADY" *)
  input  wire         s_axil_bready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARADDR" *)
  input  wire  [31:0] s_axil_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARPROT" *)
  input  wire  [2:0]  s_axil_arprot,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARVALID" *)
  input  wire         s_axil_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil ARREADY" *)
  output wire         s_axil_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RDATA" *)
  output wire  [31:0] s_axil_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RRESP" *)
  output wire  [1:0]  s_axil_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RVALID" *)
  output wire         s_axil_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axil RREADY" *)
  input  wire         s_axil_rready,

  (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 host_irq_o INTERRUPT" *)
  (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
  output wire         host_irq_o,
  output wire         led_err_o
);
  localparam integer RamBytes = 131072;
  localparam integer WinBits  = 18;  // the window: 2 x RamBytes

  wire        h_req, h_we, h_ready;
  wire [31:0] h_addr, h_wdata, h_rdata;
  wire [3:0]  h_wstrb;
  wire        cons_valid, bus_err, retire_valid;
  wire [7:0]  cons_data;
  wire [31:0] retire_pc;
  reg         err_seen_q;

  npe_soc_host_axil #(.RamBytes (RamBytes), .AddrWidth (WinBits)) u_host (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .s_axil_awaddr (s_axil_awaddr[WinBits-1:0]), .s_axil_awprot (s_axil_awprot),
    .s_axil_awvalid (s_axil_awvalid), .s_axil_awready (s_axil_awready),
    .s_axil_wdata (s_axil_wdata), .s_axil_wstrb (s_axil_wstrb), .s_axil_wvalid (s_axil_wvalid),
    .s_axil_wready (s_axil_wready), .s_axil_bresp (s_axil_bresp), .s_axil_bvalid (s_axil_bvalid),
    .s_axil_bready (s_axil_bready), .s_axil_araddr (s_axil_araddr[WinBits-1:0]),
    .s_axil_arprot (s_axil_arprot), .s_axil_arvalid (s_axil_arvalid),
    .s_axil_arready (s_axil_arready), .s_axil_rdata (s_axil_rdata), .s_axil_rresp (s_axil_rresp),
    .s_axil_rvalid (s_axil_rvalid), .s_axil_rready (s_axil_rready),
    .h_req_o (h_req), .h_we_o (h_we), .h_addr_o (h_addr), .h_wdata_o (h_wdata),
    .h_wstrb_o (h_wstrb), .h_rdata_i (h_rdata), .h_ready_i (h_ready)
  );

  npe_soc #(.RamBytes (RamBytes)) u_soc (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .h_req_i (h_req), .h_we_i (h_we), .h_addr_i (h_addr), .h_wdata_i (h_wdata),
    .h_wstrb_i (h_wstrb), .h_rdata_o (h_rdata), .h_ready_o (h_ready),
    .host_irq_o (host_irq_o), .cons_valid_o (cons_valid), .cons_data_o (cons_data),
    .bus_err_o (bus_err), .retire_valid_o (retire_valid), .retire_pc_o (retire_pc)
  );

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)      err_seen_q <= 1'b0;
    else if (bus_err) err_seen_q <= 1'b1;
  end
  assign led_err_o = err_seen_q;

  // Above the window (the interconnect's base), the console and the retire
  // trace (for benches) are not used on the board.
  wire unused;
  assign unused = ^{s_axil_awaddr[31:WinBits], s_axil_araddr[31:WinBits], cons_valid,
                    cons_data, retire_valid, retire_pc};
endmodule
