// SPDX-License-Identifier: Apache-2.0
// npe_spad_bank: one scratchpad bank, a simple dual-port RAM of 64-bit words
// (one write port for the DMA side, one synchronous read port for the array).
// It has no reset and no arbitration; the command processor keeps readers and
// writers of a buffer apart.
module npe_spad_bank #(
  parameter int          Words = 1024  // 64-bit words, a power of two >= 2
) (
  input  logic                     clk_i,
  // Write port
  input  logic                     we_i,
  input  logic [$clog2(Words)-1:0] waddr_i,
  input  logic [63:0]              wdata_i,
  // Read port: data the cycle after re_i
  input  logic                     re_i,
  input  logic [$clog2(Words)-1:0] raddr_i,
  output logic [63:0]              rdata_o
);

  // The command processor never reads a buffer while it is written, so a
  // read-during-write needs no bypass logic (no_rw_check).
  (* no_rw_check *) logic [63:0] mem_q [Words];
  logic [63:0] rdata_q;

  // RAM inference pattern: the array is state, written and read by address.
  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

endmodule
