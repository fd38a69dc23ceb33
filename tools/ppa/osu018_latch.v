// SPDX-License-Identifier: Apache-2.0
// osu018_latch.v - Yosys techmap: latches onto the OSU 0.18 um LATCH cell.
// Yosys 0.23's dfflibmap maps flip-flops only; a latch would stay
// behavioural and unmeasured. (No block has one today: the PEs' clock gates
// use a falling-edge flop, rtl/pe/npe_clk_gate.sv.) LATCH is transparent
// while its CLK pin is high.
module \$_DLATCH_N_ (input E, input D, output Q);
  wire en;
  INVX1 u_inv (.A(E), .Y(en));
  LATCH u_lat (.CLK(en), .D(D), .Q(Q));
endmodule

module \$_DLATCH_P_ (input E, input D, output Q);
  LATCH u_lat (.CLK(E), .D(D), .Q(Q));
endmodule
