// SPDX-License-Identifier: Apache-2.0
// npe_pe_datapath: area-bench wrapper only (not part of the engine): the PE's
// multiply path alone, front end (decoders, exponent adder) -> multiplier ->
// aligner, combinational, so the sharing ratio can also be measured without
// the quire, read-out, counters and pipeline registers every build carries.
module npe_pe_datapath #(
  parameter logic [5:0] FormatMask = 6'h3f
) (
  input  logic [15:0]  a_i,
  input  logic [15:0]  b_i,
  input  logic [2:0]   fmt_i,
  output logic [115:0] addend_o,
  output logic         nar_o
);

  logic        m_p16, m_byte, m_nib;
  logic [3:0]  lane_act, sign;
  logic [15:0] mul_a, mul_b;
  logic [31:0] prod;
  logic [6:0]  sh0;
  logic [4:0]  sh1, sh2, sh3;

  npe_pe_front #(.FormatMask(FormatMask)) u_front (
    .a_i(a_i), .b_i(b_i), .fmt_i(fmt_i), .mode_p16_o(m_p16), .mode_byte_o(m_byte),
    .mode_nib_o(m_nib), .lane_act_o(lane_act), .mul_a_o(mul_a), .mul_b_o(mul_b),
    .sign_o(sign), .nar_o(nar_o), .sh0_o(sh0), .sh1_o(sh1), .sh2_o(sh2), .sh3_o(sh3));

  npe_pe_mul u_mul (
    .a_i(mul_a), .b_i(mul_b), .mode_p16_i(m_p16), .mode_byte_i(m_byte),
    .mode_nib_i(m_nib), .p_o(prod));

  npe_pe_align u_align (
    .p_i(prod), .mode_p16_i(m_p16), .mode_byte_i(m_byte), .mode_nib_i(m_nib),
    .lane_act_i(lane_act), .sign_i(sign), .sh0_i(sh0), .sh1_i(sh1), .sh2_i(sh2),
    .sh3_i(sh3), .addend_o(addend_o));

endmodule
