// SPDX-License-Identifier: Apache-2.0
// tiny.v - two inverters and a flip-flop in tests/ppa/tiny.lib's cells, in the
// form Yosys writes a netlist (escaped split nets, vector ports).
module tiny(clk, a, y);
  input clk;
  wire clk;
  input [1:0] a;
  wire [1:0] a;
  output y;
  wire y;
  wire \n1[0] ;
  wire n2;
  INV _0_ (
    .A(a[0]),
    .Y(\n1[0] )
  );
  INV _1_ (
    .A(\n1[0] ),
    .Y(n2)
  );
  DFF _2_ (
    .CLK(clk),
    .D(n2),
    .Q(y)
  );
endmodule
