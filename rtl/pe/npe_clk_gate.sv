// SPDX-License-Identifier: Apache-2.0
// npe_clk_gate: a clock gate for a group of registers that load together.
//
// Enabled (parameter Enabled = 1, the ASIC build the PPA flow measures): a
// flop on the falling edge holds en_i for the high phase, ANDed with clk_i,
// so clk_o never glitches; a register on clk_o loads at a rising edge of
// clk_i exactly when en_i was 1 before the falling edge in front of it. (The
// textbook gate has a latch open while clk_i is low, which also accepts an
// en_i that settles in the low phase. Every enable here comes straight from
// a register or a port, so half a cycle is plenty; and the flop, unlike the
// latch, has no race against the rising edge in a zero-delay gate-level
// simulation, which the energy flow runs: the latch version lost results
// there.) The register's own hold multiplexer goes away: the owner writes
// its next value unconditionally (see npe_pe, `ClockGates`).
//
// Disabled (the default: FPGAs, whose clock nets must not be driven from
// logic, and Verilator): clk_o is clk_i and en_i is unused; the owner keeps
// the enable in its registers, so both builds load the same values on the
// same cycles.
module npe_clk_gate
#(
  parameter bit Enabled = 1'b0
) (
  input  logic clk_i,
  input  logic en_i,
  output logic clk_o
);

  if (Enabled) begin : g_gate
    logic en_q;
    always_ff @(negedge clk_i) begin
      en_q <= en_i;
    end
    assign clk_o = clk_i & en_q;
  end else begin : g_pass
    assign clk_o = clk_i;
    logic unused_en;
    assign unused_en = en_i;
  end

endmodule
