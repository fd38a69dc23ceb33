// SPDX-License-Identifier: Apache-2.0
// npe_pe_align: places each lane's product at its binary point in the quire
// and sums the lanes into one two's complement addend. Combinational; it does
// not accumulate (npe_pe_quire does).
//
// Quire bit 0 weighs 2^-56. The exponent adder (npe_pe_front) gives each lane the
// shift of its product's LSB:
//   lane 0: sh0_i = bit position + 24, 0..112: the only wide shifter, used by
//           every format (posit16 needs positions -24..88; the bits that fall
//           below quire bit 0 are zero because posit products are multiples
//           of 2^-56);
//   lanes 1..3: shN_i = bit position - 34, 0..30, inside a 38-bit window at
//           quire bits 34..71 (posit8 34..58, posit4 48..64, fp4 54..58,
//           int8/ternary 56: every small-format product lies in it).
// Lane 0's product is negated while still 26 bits wide and shifted with sign
// fill. Posit16 (one lane) takes that as the addend; every other format sums
// its lanes (lane 0 included, sliced from the same shifter) in the window, so
// no 116-bit adder sits behind the shifter. The sum is exact; |addend_o| <
// 2^114.
module npe_pe_align (
  input  logic [31:0]  p_i,          // npe_pe_mul output
  input  logic         mode_p16_i,
  input  logic         mode_byte_i,
  input  logic         mode_nib_i,
  input  logic [3:0]   lane_act_i,   // lanes that hold a product this cycle
  input  logic [3:0]   sign_i,       // product sign per lane
  input  logic [6:0]   sh0_i,
  input  logic [4:0]   sh1_i,
  input  logic [4:0]   sh2_i,
  input  logic [4:0]   sh3_i,
  output logic [115:0] addend_o      // two's complement, quire bits 115..0
);

  localparam int WinLsb  = 34;  // quire bit of window bit 0
  localparam int WinBits = 38;

  // --------------------------------------------------------------------------
  // Lane products out of the multiplier's fields
  // --------------------------------------------------------------------------
  logic [25:0] p0;
  logic [15:0] p2;
  logic [3:0]  p1, p3;

  always_comb begin
    p0 = '0;
    p2 = '0;
    if (mode_p16_i)       p0 = p_i[25:0];
    else if (mode_byte_i) p0 = {10'd0, p_i[15:0]};
    else if (mode_nib_i)  p0 = {22'd0, p_i[3:0]};
    if (mode_byte_i)      p2 = p_i[31:16];
    else if (mode_nib_i)  p2 = {12'd0, p_i[19:16]};
    if (!lane_act_i[0])   p0 = '0;
  end

  assign p1 = p_i[11:8];
  assign p3 = p_i[27:24];

  // --------------------------------------------------------------------------
  // Lane 0: negate the narrow product, then the wide (sign-filling) shifter
  // --------------------------------------------------------------------------
  logic         neg0;
  logic [26:0]  p0s;
  logic [137:0] t0;
  logic [113:0] al0;   // two's complement, quire bits 113..0

  assign neg0 = sign_i[0] & lane_act_i[0];
  assign p0s  = neg0 ? (27'd0 - {1'b0, p0}) : {1'b0, p0};
  assign t0   = lane_act_i[0] ? ({{111{p0s[26]}}, p0s} << sh0_i) : '0;
  assign al0  = t0[137:24];

  // --------------------------------------------------------------------------
  // Window (every format but posit16): lanes 0..3, signed, 41 bits
  // --------------------------------------------------------------------------
  logic [WinBits-1:0] w1, w2, w3;
  logic [WinBits+2:0] win_sum;   // quire bits 74..34

  // An idle lane's shift register is clock-gated and may never have been
  // loaded: select zero rather than shift zero by an unknown amount.
  assign w1 = lane_act_i[1] ? (WinBits'(p1) << sh1_i) : '0;
  assign w2 = lane_act_i[2] ? (WinBits'(p2) << sh2_i) : '0;
  assign w3 = lane_act_i[3] ? (WinBits'(p3) << sh3_i) : '0;

  logic [WinBits+2:0] x1, x2, x3, v1, v2, v3;
  assign x1      = {3'b000, w1};
  assign x2      = {3'b000, w2};
  assign x3      = {3'b000, w3};
  assign v1      = sign_i[1] ? -x1 : x1;
  assign v2      = sign_i[2] ? -x2 : x2;
  assign v3      = sign_i[3] ? -x3 : x3;
  // lane 0 of a small format lies in the window: its slice of al0 is exact
  assign win_sum = al0[WinLsb+WinBits+2:WinLsb] + v1 + v2 + v3;

  // --------------------------------------------------------------------------
  // Addend: posit16 takes the wide lane 0, the others the window; no wide adder
  // --------------------------------------------------------------------------
  assign addend_o = mode_p16_i ? {{2{al0[113]}}, al0}
                               : {{(116 - WinLsb - WinBits - 3){win_sum[WinBits+2]}}, win_sum,
                                  {WinLsb{1'b0}}};

  // Bits 23..0 of t0 lie below quire bit 0 and are zero for every product
  // (see the header; the bit-exact tests would fail otherwise). Outside
  // posit16, al0's bits outside the window are zero or sign.
  logic unused_t0;
  assign unused_t0 = ^t0[23:0];

endmodule
