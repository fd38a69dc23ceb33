// SPDX-License-Identifier: Apache-2.0
// npe_recur_cell: one GRU or LSTM element update in Q15.16 (docs/RECUR.md,
// "GRU and LSTM"; torch.nn.GRU / nn.LSTM equations). p_i are the element's
// mat-vec rows (W_hh h_{t-1}, gate order r z n or i f g o), x_i its record.
// add / sub saturate to int32; mul(a, b) = sat32(RNE(a b / 2^16)).
// Combinational: one element per call, the unit registers around it.
module npe_recur_cell (
  input  logic        lstm_i,   // 0: GRU, 1: LSTM
  input  logic [31:0] p0_i, p1_i, p2_i, p3_i,
  input  logic [31:0] x0_i, x1_i, x2_i, x3_i,
  input  logic [31:0] h_i,      // h_{t-1}
  input  logic [31:0] c_i,      // c_{t-1} (LSTM)
  output logic [31:0] h_o,
  output logic [31:0] c_o
);
  function automatic logic [31:0] sat32(input logic signed [33:0] v);
    if (v > 34'sh0_7fff_ffff)       sat32 = 32'h7fff_ffff;
    else if (v < -34'sh0_8000_0000) sat32 = 32'h8000_0000;
    else                            sat32 = v[31:0];
  endfunction
  function automatic logic [31:0] add(input logic [31:0] a, input logic [31:0] b);
    add = sat32(34'($signed(a)) + 34'($signed(b)));
  endfunction
  function automatic logic [31:0] sub(input logic [31:0] a, input logic [31:0] b);
    sub = sat32(34'($signed(a)) - 34'($signed(b)));
  endfunction
  function automatic logic [31:0] mul(input logic [31:0] a, input logic [31:0] b);
    logic signed [63:0] p, q;
    logic [15:0] rem;
    p   = 64'($signed(a)) * 64'($signed(b));
    q   = p >>> 16;
    rem = p[15:0];
    if (rem > 16'h8000 || (rem == 16'h8000 && q[0])) q = q + 64'sd1;
    if (q > 64'sh7fff_ffff)        mul = 32'h7fff_ffff;
    else if (q < -64'sh8000_0000)  mul = 32'h8000_0000;
    else                           mul = q[31:0];
  endfunction

  // Gate arguments and their nonlinearities: four sigmoid/tanh evaluators
  // for the gates, a fifth for the LSTM's tanh(c').
  logic [31:0] a0, a1, a2, a3, g0, g1, g2, g3, c_new, tc;
  assign a0 = add(x0_i, p0_i);
  assign a1 = add(x1_i, p1_i);
  // GRU: n = tanh(x_n + r (W_hn h + b_hn)), with r = g0
  assign a2 = lstm_i ? add(x2_i, p2_i) : add(x2_i, mul(g0, add(p2_i, x3_i)));
  assign a3 = add(x3_i, p3_i);

  npe_recur_sigmoid u_g0 (.tanh_i (1'b0), .x_i (a0), .y_o (g0));
  npe_recur_sigmoid u_g1 (.tanh_i (1'b0), .x_i (a1), .y_o (g1));
  npe_recur_sigmoid u_g2 (.tanh_i (1'b1), .x_i (a2), .y_o (g2));
  npe_recur_sigmoid u_g3 (.tanh_i (1'b0), .x_i (a3), .y_o (g3));

  // LSTM: c' = f c + i g, h' = o tanh(c')
  assign c_new = add(mul(g1, c_i), mul(g0, g2));
  npe_recur_sigmoid u_tc (.tanh_i (1'b1), .x_i (c_new), .y_o (tc));

  // GRU: h' = n + z (h - n)
  assign h_o = lstm_i ? mul(g3, tc) : add(g2, mul(g1, sub(h_i, g2)));
  assign c_o = lstm_i ? c_new : c_i;
endmodule
