// SPDX-License-Identifier: Apache-2.0
// npe_recur_cell: the GRU / LSTM / HGRN element update of the recurrence
// unit in Q15.16 (docs/RECUR.md, "GRU and LSTM" and "HGRN"; torch.nn.GRU /
// nn.LSTM equations, tools/lm/models.py's HGRN), one row per call, in gate
// order, so each row's gate is evaluated as the row arrives and the last
// row finishes the element:
//   GRU   row 0: r = sigma(x0 + P_r)            row 1: z = sigma(x1 + P_z)
//         row 2: n = tanh(x2 + r (P_n + b_hn)), h' = n + z (h - n)
//   LSTM  row 0: i = sigma(x0 + P_i)            row 1: f = sigma(x1 + P_f)
//         row 2: g = tanh(x2 + P_g), c' = f c + i g
//         row 3: o = sigma(x3 + P_o), h' = o tanh(c')
//   HGRN  row 0 (za, zc): a = tanh(za), c = (1 - |a|) tanh(zc)
//         row 1 (zg):     g = sigma(zg), h' = a h + c, y = g h'
// add / sub saturate to int32; mul(a, b) = sat32(RNE(a b / 2^16)). HGRN
// has no mat-vec (p_i is not read) and reuses the GRU / LSTM hardware: its
// tables (tanh(zc) in the table LSTM uses for tanh(c')), its products
// (c in the product of LSTM's i g, a h in GRU's z (h - n), g h' in LSTM's
// o tanh(c')) and the c' register (HGRN's c between its two rows). The
// longest path is one table evaluation between a few adds and products.
// act_i: evaluate the row, else the results are 0 (a simulation-speed
// enable, docs/ARCHITECTURE.md, "Simulation speed"); it covers en_i and
// every cycle whose h_o, c_o or y_o the owner takes.
module npe_recur_cell (
  input  logic        clk_i,
  input  logic        en_i,     // a row is taken this cycle
  input  logic        act_i,    // the outputs are taken (en_i, or HGRN's row 1); else 0
  input  logic        lstm_i,   // 0: GRU (or HGRN), 1: LSTM
  input  logic        hgrn_i,   // 1: HGRN (lstm_i is 0)
  input  logic [1:0]  row_i,    // its gate: 0 .. 2 (GRU), 0 .. 3 (LSTM), 0 .. 1 (HGRN)
  input  logic [31:0] p_i,      // the row's mat-vec value (W_hh h_{t-1})
  input  logic [31:0] x_i,      // the row's record value (HGRN: za, then zg)
  input  logic [31:0] zc_i,     // HGRN: zc, at row 0
  input  logic [31:0] bhn_i,    // GRU: b_hn (record value 3), at row 2
  input  logic [31:0] h_i,      // h_{t-1}
  input  logic [31:0] c_i,      // c_{t-1} (LSTM)
  output logic [31:0] h_o,      // at the element's last row
  output logic [31:0] c_o,
  output logic [31:0] y_o       // HGRN: y = g h', with h_o at row 1
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

  logic [31:0] g0_q, g1_q, c_q;   // r / i / a, z / f, and the LSTM's c' / HGRN's c
  logic        gru_n, hg0;
  logic [31:0] arg, zc_arg, y, tc, abs_y, om, c_next, hm, hsum, ym;

  // The row's gate: GRU's n takes r (P_n + b_hn); rows 2 are tanh, and
  // HGRN's row 0 (a = tanh(za)); HGRN reads no mat-vec value.
  assign gru_n = !lstm_i && !hgrn_i && row_i == 2'd2;
  assign hg0   = hgrn_i && row_i == 2'd0;
  // The row's arithmetic sits in ifs on act_i (the owner's cycles that
  // take a result), 0 otherwise, so Verilator skips it on the others
  // (docs/ARCHITECTURE.md, "Simulation speed").
  always_comb begin
    arg = '0; zc_arg = '0;
    if (act_i) begin
      arg    = hgrn_i ? x_i : add(x_i, gru_n ? mul(g0_q, add(p_i, bhn_i)) : p_i);
      zc_arg = hgrn_i ? zc_i : c_q;
    end
  end
  npe_recur_sigmoid u_gate (.en_i (act_i), .tanh_i (row_i == 2'd2 || hg0), .x_i (arg), .y_o (y));
  // LSTM row 3: tanh of the c' row 2 left; HGRN row 0: tanh(zc)
  npe_recur_sigmoid u_tanh_c (.en_i (act_i), .tanh_i (1'b1), .x_i (zc_arg), .y_o (tc));

  always_comb begin
    abs_y = '0; om = '0; c_next = '0; hm = '0; hsum = '0; ym = '0;
    if (act_i) begin
      // HGRN's 1 - |a| (a = y at row 0; |a| <= 65492, so om is in [44, 2^16]).
      abs_y = y[31] ? 32'd0 - y : y;
`ifndef NPE_PLANT_BUG_RECUR_HGRN
      om    = 32'h0001_0000 - abs_y;
`else
      // Test-only bug (mk/engine_test.mk, recur-hgrn-plant-test): 1 - a, not 1 - |a|.
      om    = 32'h0001_0000 - y;
`endif
      // LSTM row 2: c' = f c + i g; HGRN row 0: c = 0 + (1 - |a|) tanh(zc).
      // The operands are muxed, not the products: one multiplier each.
      c_next = add(mul(hgrn_i ? 32'd0 : g1_q, c_i), mul(hgrn_i ? om : g0_q, hgrn_i ? tc : y));
      // GRU row 2: z (h - n); HGRN row 1: a h.
      hm     = mul(hgrn_i ? g0_q : g1_q, hgrn_i ? h_i : sub(h_i, y));
      // GRU: h' = n + z (h - n); HGRN: h' = a h + c.
      hsum   = add(hgrn_i ? c_q : y, hm);
      // LSTM row 3: h' = o tanh(c'); HGRN row 1: y = g h'.
      ym     = mul(y, hgrn_i ? hsum : tc);
    end
  end

  always_ff @(posedge clk_i) begin
    if (en_i && row_i == 2'd0) g0_q <= y;
    if (en_i && row_i == 2'd1) g1_q <= y;
    if (en_i && ((row_i == 2'd2 && lstm_i) || hg0)) c_q <= c_next;
  end

  assign h_o = lstm_i ? ym : hsum;
  assign c_o = c_q;
  assign y_o = ym;
endmodule
