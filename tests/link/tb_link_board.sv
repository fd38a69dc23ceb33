// SPDX-License-Identifier: Apache-2.0
// tb_link_board: the iCEBreaker's host link as the board has it (the UART
// receiver and transmitter on the serial lines, npe_uart_bridge behind
// them) with the bridge's CSR master and memory port brought out, for
// tests/link/board_sim.cpp, which serves them from the simulated engine.
// Not the engine, not the SPRAM.
module tb_link_board #(
  parameter int ClkDiv     = 4,       // clocks per bit: 12 MHz / 4 = 3 Mbaud
  parameter int MemBytes   = 131072,
  parameter int MaxWords   = 1024,
  parameter int IdleCycles = 4095
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // serial lines
  input  logic        rx_i,
  output logic        tx_o,
  // AXI4-Lite master
  output logic [11:0] m_axil_awaddr,
  output logic        m_axil_awvalid,
  input  logic        m_axil_awready,
  output logic [31:0] m_axil_wdata,
  output logic        m_axil_wvalid,
  input  logic        m_axil_wready,
  input  logic [1:0]  m_axil_bresp,
  input  logic        m_axil_bvalid,
  output logic        m_axil_bready,
  output logic [11:0] m_axil_araddr,
  output logic        m_axil_arvalid,
  input  logic        m_axil_arready,
  input  logic [31:0] m_axil_rdata,
  input  logic [1:0]  m_axil_rresp,
  input  logic        m_axil_rvalid,
  output logic        m_axil_rready,
  // memory word port
  output logic        mem_req_o,
  output logic        mem_we_o,
  output logic [23:0] mem_addr_o,
  output logic [31:0] mem_wdata_o,
  input  logic        mem_ack_i,
  input  logic [31:0] mem_rdata_i
);

  logic       rx_valid, tx_valid, tx_ready;
  logic [7:0] rx_byte, tx_byte;
  logic [3:0] wstrb;

  npe_uart_rx #(.ClkDiv(ClkDiv)) u_rx (
    .clk_i (clk_i), .rst_ni (rst_ni), .rx_i (rx_i), .byte_valid_o (rx_valid), .byte_o (rx_byte)
  );
  npe_uart_tx #(.ClkDiv(ClkDiv)) u_tx (
    .clk_i (clk_i), .rst_ni (rst_ni), .byte_valid_i (tx_valid), .byte_ready_o (tx_ready),
    .byte_i (tx_byte), .tx_o (tx_o)
  );
  npe_uart_bridge #(.MemBytes(MemBytes), .MaxWords(MaxWords), .IdleCycles(IdleCycles)) u_bridge (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .rx_valid_i (rx_valid), .rx_byte_i (rx_byte),
    .tx_valid_o (tx_valid), .tx_ready_i (tx_ready), .tx_byte_o (tx_byte),
    .m_axil_awaddr (m_axil_awaddr), .m_axil_awvalid (m_axil_awvalid),
    .m_axil_awready (m_axil_awready), .m_axil_wdata (m_axil_wdata), .m_axil_wstrb (wstrb),
    .m_axil_wvalid (m_axil_wvalid), .m_axil_wready (m_axil_wready),
    .m_axil_bresp (m_axil_bresp), .m_axil_bvalid (m_axil_bvalid),
    .m_axil_bready (m_axil_bready), .m_axil_araddr (m_axil_araddr),
    .m_axil_arvalid (m_axil_arvalid), .m_axil_arready (m_axil_arready),
    .m_axil_rdata (m_axil_rdata), .m_axil_rresp (m_axil_rresp),
    .m_axil_rvalid (m_axil_rvalid), .m_axil_rready (m_axil_rready),
    .mem_req_o (mem_req_o), .mem_we_o (mem_we_o), .mem_addr_o (mem_addr_o),
    .mem_wdata_o (mem_wdata_o), .mem_ack_i (mem_ack_i), .mem_rdata_i (mem_rdata_i)
  );

  // the bridge writes whole words
  logic unused_wstrb;
  assign unused_wstrb = ^wstrb;

endmodule
