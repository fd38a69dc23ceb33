// SPDX-License-Identifier: Apache-2.0
// npe_link_buf: the bridge's frame buffer, a simple dual-port RAM of 32-bit
// words (block RAM on an FPGA) that holds a write frame's data until its CRC
// has been checked. No reset, no bypass: the bridge never reads a word in
// the cycle it writes it.
module npe_link_buf #(
  parameter int Words = 256  // a power of two >= 2
) (
  input  logic                     clk_i,
  // Write port
  input  logic                     we_i,
  input  logic [$clog2(Words)-1:0] waddr_i,
  input  logic [31:0]              wdata_i,
  // Read port: data the cycle after the address
  input  logic [$clog2(Words)-1:0] raddr_i,
  output logic [31:0]              rdata_o
);

  (* no_rw_check *) logic [31:0] mem_q [Words];
  logic [31:0] rdata_q;

  // RAM inference pattern: the array is state, written and read by address.
  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

endmodule
