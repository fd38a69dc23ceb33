// SPDX-License-Identifier: Apache-2.0
// npe_soc_up5k_fit: the SoC (npe_soc: the RV32IM core, the RAM, the engine,
// the mailbox) with the small iCE40 engine of the iCEBreaker build (the
// ENGINE_LITE parameters, mk/sim_lib.mk: one lite INT8 / ternary PE,
// 256-word banks, one descriptor fetched ahead, 32-bit counters, seven of
// them, no Sherry unpacker), for the UP5K fit measurement only
// (make soc-ice40-size, mk/fpga_soc.mk). Its ports are npe_soc's, left
// unconstrained (nextpnr --pack-only): a board top would put a link in front
// of the host port. The parameters npe_soc fixes itself (HasNlu, HasXbar,
// HasRecur, HasDirectDesc all 0; AddrBits 17 from RamBytes) are the
// ENGINE_LITE values too; make soc-ice40-lint checks every one.
module npe_soc_up5k_fit (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        h_req_i,
  input  logic        h_we_i,
  input  logic [31:0] h_addr_i,
  input  logic [31:0] h_wdata_i,
  input  logic [3:0]  h_wstrb_i,
  output logic [31:0] h_rdata_o,
  output logic        h_ready_o,
  output logic        host_irq_o,
  output logic        cons_valid_o,
  output logic [7:0]  cons_data_o,
  output logic        bus_err_o
);
  logic        retire_valid;
  logic [31:0] retire_pc;

  npe_soc #(
    .RamBytes (131072),
    .Rows (1), .Cols (1), .ABankWords (256), .BBankWords (256), .OutGroups (4),
    .FormatMask (6'd48), .MaxReadsInFlight (2), .DescFifoDepth (1), .CounterBits (32),
    .LitePe (1'b1), .HasSherry (1'b0), .PerfMask (29183), .HasRecur (1'b0)
  ) u_soc (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .h_req_i (h_req_i), .h_we_i (h_we_i), .h_addr_i (h_addr_i), .h_wdata_i (h_wdata_i),
    .h_wstrb_i (h_wstrb_i), .h_rdata_o (h_rdata_o), .h_ready_o (h_ready_o),
    .host_irq_o (host_irq_o), .cons_valid_o (cons_valid_o), .cons_data_o (cons_data_o),
    .bus_err_o (bus_err_o), .retire_valid_o (retire_valid), .retire_pc_o (retire_pc)
  );

  // the retire trace is for benches
  logic unused;
  assign unused = ^{retire_valid, retire_pc};
endmodule
