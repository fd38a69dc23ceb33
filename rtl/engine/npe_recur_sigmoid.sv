// SPDX-License-Identifier: Apache-2.0
// npe_recur_sigmoid: sigma(x) or tanh(x) on Q15.16 int32, the recurrence
// unit's gate nonlinearity (docs/RECUR.md, "GRU and LSTM"): the 257-entry
// table npe_recur_sig_pkg::sig_tab over [-8, 8) in steps of 1/16, linear
// interpolation rounded half up; tanh(x) = 2 sigma(sat32(2x)) - 2^16.
// Combinational. en_i: evaluate, else y_o is 0; the cell enables it only on
// the cycles that take y_o, and the evaluation sits in one if, so a
// cycle-based simulator (Verilator) skips it on the others
// (docs/ARCHITECTURE.md, "Simulation speed").
module npe_recur_sigmoid (
  input  logic        en_i,     // evaluate; else y_o is 0
  input  logic        tanh_i,   // 1: tanh, 0: sigma
  input  logic [31:0] x_i,      // Q15.16
  output logic [31:0] y_o       // Q15.16: sigma in [0, 1], tanh in [-1, 1]
);
  logic signed [31:0] x;
  logic signed [32:0] x2;
  logic signed [31:0] xs;       // sigma's argument
  logic [19:0]        u;        // clamp(xs, -2^19, 2^19 - 1) + 2^19
  logic [8:0]         j;
  logic [11:0]        f;
  logic [16:0]        s0, s1;
  logic signed [31:0] d, fs, prod;
  logic signed [31:0] sig;

  always_comb begin
    x = '0; x2 = '0; xs = '0; u = '0; j = '0; f = '0; s0 = '0; s1 = '0;
    d = '0; fs = '0; prod = '0; sig = '0; y_o = '0;
    if (en_i) begin
      x  = $signed(x_i);
      x2 = {x, 1'b0};
      // sat32(2x)
      xs = !tanh_i ? x :
           (x2 > 33'sh0_7fff_ffff) ? 32'sh7fff_ffff :
           (x2 < -33'sh0_8000_0000) ? -32'sh8000_0000 : x2[31:0];
      u  = (xs >= 32'sh0008_0000) ? 20'hf_ffff :
           (xs < -32'sh0008_0000) ? 20'h0_0000 : 20'(xs + 32'sh0008_0000);
      j  = {1'b0, u[19:12]};
      f  = u[11:0];
      s0 = npe_recur_sig_pkg::sig_tab(j);
      s1 = npe_recur_sig_pkg::sig_tab(j + 9'd1);
      d  = $signed({15'd0, s1}) - $signed({15'd0, s0});
      fs = $signed({20'd0, f});
`ifdef NPE_PLANT_BUG_RECUR_SIGMOID
      // Planted bug (mk/engine_test.mk, recur-cell-plant-test): ties round down.
      prod = d * fs + 32'sd2047;
`else
      prod = d * fs + 32'sd2048;
`endif
      sig = $signed({15'd0, s0}) + (prod >>> 12);
      y_o = tanh_i ? 32'((sig <<< 1) - 32'sd65536) : sig;
    end
  end
endmodule
