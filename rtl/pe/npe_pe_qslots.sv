// SPDX-License-Identifier: Apache-2.0
// npe_pe_qslots: a PE's saved quires, one slot per column group, so a dot
// product can run over several MATMULs (K tiles): MATMUL FLAGS.KEEP saves
// each group's quire and its NaR / OVF flags here instead of only rounding
// it out, FLAGS.ACCUM starts each group from its slot instead of from zero.
// One write port and one synchronous read port: a small register file (on
// silicon an SRAM macro, on an FPGA distributed or block RAM). It holds
// state only; the PE decides when to read and write.
module npe_pe_qslots
#(
  parameter int Slots = 32,                    // >= 2
  parameter int Width = npe_pkg::QuireWidthBits + 2,
  parameter int SlotBits = $clog2(Slots)       // derived
) (
  input  logic                clk_i,
  input  logic                we_i,
  input  logic [SlotBits-1:0] waddr_i,
  input  logic [Width-1:0]    wdata_i,
  input  logic                re_i,
  input  logic [SlotBits-1:0] raddr_i,
  output logic [Width-1:0]    rdata_o      // slot raddr_i, the cycle after re_i
);

  // No reset: a slot is read only by an ACCUM MATMUL, which software issues
  // after the KEEP MATMUL that wrote it (docs/REGMAP.md, FLAGS.ACCUM).
  logic [Width-1:0] mem_q [Slots];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

endmodule
