// SPDX-License-Identifier: Apache-2.0
// npe_pe_align: places each lane's product at its binary point in the quire
// and sums the lanes into one two's complement addend. Combinational; it does
// not accumulate (npe_pe_quire does).
//
// Quire bit 0 weighs 2^-56. The exponent adder (npe_pe) gives each lane the
// shift of its product's LSB:
//   lane 0: sh0_i = bit position + 24, 0..112: the only wide shifter, used by
//           every format (posit16 needs positions -24..88; the bits that fall
//           below quire bit 0 are zero because posit products are multiples
//           of 2^-56);
//   lanes 1..3: shN_i = bit position - 34, 0..30, inside a 38-bit window at
//           quire bits 34..71 (posit8 34..58, posit4 48..64, fp4 54..58,
//           int8/ternary 56: every small-format product lies in it).
// The lane sum is exact; |addend_o| < 2^114.
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

  localparam int unsigned WinLsb  = 34;  // quire bit of window bit 0
  localparam int unsigned WinBits = 38;

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
    if (!lane_act_i[2])   p2 = '0;
  end

  assign p1 = lane_act_i[1] ? p_i[11:8]  : 4'd0;
  assign p3 = lane_act_i[3] ? p_i[27:24] : 4'd0;

  // --------------------------------------------------------------------------
  // Lane 0: wide shifter
  // --------------------------------------------------------------------------
  logic [137:0] t0;
  logic [113:0] al0;

  assign t0  = 138'(p0) << sh0_i;
  assign al0 = t0[137:24];

  // --------------------------------------------------------------------------
  // Lanes 1..3: narrow window, signed sum
  // --------------------------------------------------------------------------
  logic [WinBits-1:0] w1, w2, w3;
  logic [WinBits+2:0] win_sum;   // signed, 3 lanes + carry-in of lane 0

  assign w1 = WinBits'(p1) << sh1_i;
  assign w2 = WinBits'(p2) << sh2_i;
  assign w3 = WinBits'(p3) << sh3_i;

  always_comb begin
    win_sum = '0;
    win_sum = sign_i[1] ? win_sum - (WinBits+3)'(w1) : win_sum + (WinBits+3)'(w1);
    win_sum = sign_i[2] ? win_sum - (WinBits+3)'(w2) : win_sum + (WinBits+3)'(w2);
    win_sum = sign_i[3] ? win_sum - (WinBits+3)'(w3) : win_sum + (WinBits+3)'(w3);
  end

  // --------------------------------------------------------------------------
  // Addend: lane 0 negated as one's complement plus the +1 in bit 0, which the
  // window (it starts at bit 34) leaves free; one wide adder.
  // --------------------------------------------------------------------------
  logic         neg0;
  logic [115:0] lane0_x, win_x;

  assign neg0    = sign_i[0] & lane_act_i[0];
  assign lane0_x = {2'b00, al0} ^ {116{neg0}};
  assign win_x   = {{(116 - WinLsb - WinBits - 3){win_sum[WinBits+2]}}, win_sum,
                    {(WinLsb - 1){1'b0}}, neg0};
  assign addend_o = lane0_x + win_x;

  // Bits 23..0 of t0 lie below quire bit 0 and are zero for every product
  // (see the header); the assertion in npe_pe checks it.
  logic unused_t0;
  assign unused_t0 = ^t0[23:0];

endmodule
