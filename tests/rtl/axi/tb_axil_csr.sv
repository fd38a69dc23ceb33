// SPDX-License-Identifier: Apache-2.0
// tb_axil_csr: test top joining npe_axil_slave and npe_csr so the C++ bench
// drives AXI4-Lite on one side and the register file's hardware ports on the
// other. Not part of the engine.
module tb_axil_csr (
  input  logic        clk_i,
  input  logic        rst_ni,

  // AXI4-Lite slave
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

  // Register file hardware side
  output logic        start_o,
  output logic        soft_reset_o,
  output logic        perf_clear_o,
  output logic        perf_en_o,
  output logic        stop_on_err_o,
  output logic        doorbell_o,
  input  logic        busy_i,
  input  logic        err_valid_i,
  input  logic [7:0]  err_code_i,
  input  logic [15:0] err_idx_i,
  input  logic [63:0] err_addr_i,
  input  logic        done_i,
  input  logic        desc_irq_i,
  output logic        irq_o,
  output logic [63:0] ring_base_o,
  output logic [3:0]  ring_log2_o,
  output logic [15:0] ring_tail_o,
  input  logic [15:0] ring_head_i,
  output logic [63:0] dma_win_base_o,
  output logic [63:0] dma_win_limit_o,
  output logic [511:0] desc_o,
  input  logic [959:0] perf_i,
  input  logic         nlu_busy_i,
  output logic         nlu_tbl_we_o,
  output logic [8:0]   nlu_tbl_addr_o,
  output logic [16:0]  nlu_tbl_wdata_o
);

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
    .reg_req_o(reg_req), .reg_we_o(reg_we), .reg_addr_o(reg_addr),
    .reg_wdata_o(reg_wdata), .reg_wstrb_o(reg_wstrb),
    .reg_rdata_i(reg_rdata), .reg_error_i(reg_error)
  );

  npe_csr u_csr (
    .clk_i, .rst_ni,
    .reg_req_i(reg_req), .reg_we_i(reg_we), .reg_addr_i(reg_addr),
    .reg_wdata_i(reg_wdata), .reg_wstrb_i(reg_wstrb),
    .reg_rdata_o(reg_rdata), .reg_error_o(reg_error),
    .start_o, .soft_reset_o, .perf_clear_o, .perf_en_o, .stop_on_err_o, .doorbell_o,
    .busy_i, .err_valid_i, .err_code_i, .err_idx_i, .err_addr_i,
    .done_i, .desc_irq_i, .irq_o,
    .ring_base_o, .ring_log2_o, .ring_tail_o, .ring_head_i,
    .dma_win_base_o, .dma_win_limit_o,
    .desc_o, .perf_i,
    .nlu_busy_i, .nlu_tbl_we_o, .nlu_tbl_addr_o, .nlu_tbl_wdata_o
  );

endmodule
