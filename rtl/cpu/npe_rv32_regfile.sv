// SPDX-License-Identifier: Apache-2.0
// npe_rv32_regfile: the 31 general registers of npe_rv32_core, two
// synchronous read ports (read when re_i, held otherwise) and one write port,
// so Yosys maps it to block RAM. x0 reads as zero; it holds no reset.
module npe_rv32_regfile (
  input  logic        clk_i,
  // Read: addresses sampled when re_i, data valid from the next cycle on
  input  logic        re_i,
  input  logic [4:0]  raddr_a_i,
  input  logic [4:0]  raddr_b_i,
  output logic [31:0] rdata_a_o,
  output logic [31:0] rdata_b_o,
  // Write
  input  logic        we_i,
  input  logic [4:0]  waddr_i,
  input  logic [31:0] wdata_i
);
  // A memory, not flops: written and read in one always_ff without reset
  // (the block-RAM template); x0 is never written and masked on read.
  logic [31:0] mem_q [32];
  logic [31:0] rdata_a_q, rdata_b_q;
  logic        zero_a_q, zero_b_q;

  always_ff @(posedge clk_i) begin
    if (we_i && waddr_i != 5'd0) mem_q[waddr_i] <= wdata_i;
    if (re_i) begin
      rdata_a_q <= mem_q[raddr_a_i];
      rdata_b_q <= mem_q[raddr_b_i];
      zero_a_q  <= raddr_a_i == 5'd0;
      zero_b_q  <= raddr_b_i == 5'd0;
    end
  end

  assign rdata_a_o = zero_a_q ? 32'd0 : rdata_a_q;
  assign rdata_b_o = zero_b_q ? 32'd0 : rdata_b_q;

`ifdef NPE_ASSERT
  // The core never reads and writes in one cycle (reads happen at fetch).
  RegfileNoReadDuringWrite: assert property (@(posedge clk_i) !(re_i && we_i));
`endif
endmodule
