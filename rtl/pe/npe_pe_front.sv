// SPDX-License-Identifier: Apache-2.0
// npe_pe_front: the PE's shared front end (stage S1): eight lane decoders
// (npe_pe_dec), the multiplier operand packing and the exponent adder.
// Combinational; it does not multiply (npe_pe_mul) or align (npe_pe_align).
//
// Lane L reads bits 4L+3..4L (nibble formats), lanes 0 and 2 read bytes 0
// and 1 (posit8, int8; ternary weights b[1:0], b[3:2]), lane 0 the whole word
// (posit16). Each lane's significand goes to the same field of the
// multiplier operands (mul_a_o / mul_b_o), the field npe_pe_mul keeps apart.
module npe_pe_front
#(
  parameter logic [5:0] FormatMask = 6'h3f
) (
  input  logic [15:0] a_i,
  input  logic [15:0] b_i,
  input  logic [2:0] fmt_i,  // npe_pkg::npe_fmt_e code
  output logic        mode_p16_o,
  output logic        mode_byte_o,
  output logic        mode_nib_o,
  output logic [3:0]  lane_act_o,   // lanes holding a product
  output logic [15:0] mul_a_o,
  output logic [15:0] mul_b_o,
  output logic [3:0]  sign_o,       // product sign per lane
  output logic        nar_o,        // a NaR operand in an active lane
  output logic [6:0]  sh0_o,        // npe_pe_align shifts
  output logic [4:0]  sh1_o,
  output logic [4:0]  sh2_o,
  output logic [4:0]  sh3_o
);

  // Decoder masks: ternary activations are INT8; lanes 1 and 3 only ever see
  // the 4-bit formats.
  localparam logic [5:0] MaskA   = FormatMask | {1'b0, FormatMask[npe_pkg::FmtTernary], 4'b0};
  localparam logic [5:0] MaskB   = FormatMask;
  localparam logic [5:0] MaskNib = FormatMask & 6'b000011;

  // --------------------------------------------------------------------------
  // Lane split of this format
  // --------------------------------------------------------------------------
  logic [2:0] fmt_a;

  assign mode_p16_o  = FormatMask[npe_pkg::FmtPosit16] && (fmt_i == npe_pkg::FmtPosit16);
  assign mode_byte_o = (FormatMask[npe_pkg::FmtPosit8] && (fmt_i == npe_pkg::FmtPosit8)) ||
                       (FormatMask[npe_pkg::FmtInt8] && (fmt_i == npe_pkg::FmtInt8)) ||
                       (FormatMask[npe_pkg::FmtTernary] && (fmt_i == npe_pkg::FmtTernary));
  assign mode_nib_o  = (FormatMask[npe_pkg::FmtFp4] && (fmt_i == npe_pkg::FmtFp4)) ||
                       (FormatMask[npe_pkg::FmtPosit4] && (fmt_i == npe_pkg::FmtPosit4));
  assign lane_act_o  = mode_nib_o  ? 4'b1111 :
                       mode_byte_o ? 4'b0101 :
                       mode_p16_o  ? 4'b0001 : 4'b0000;
  assign fmt_a       = (fmt_i == npe_pkg::FmtTernary) ? npe_pkg::FmtInt8 : fmt_i;

  // --------------------------------------------------------------------------
  // Decoders: a (activation) and b (weight) of each lane
  // --------------------------------------------------------------------------

  logic [3:0]  sa, sb, nara, narb;
  logic [5:0]  ea [4];
  logic [5:0]  eb [4];
  logic [12:0] siga0, sigb0;
  logic [7:0]  siga2, sigb2, xb2;
  logic [1:0]  siga1, sigb1, siga3, sigb3;

  assign xb2 = (fmt_i == npe_pkg::FmtTernary) ? {6'd0, b_i[3:2]} : b_i[15:8];

  npe_pe_dec #(.Width(16), .FormatMask(MaskA)) u_dec_a0 (
    .x_i(a_i), .fmt_i(fmt_a), .sign_o(sa[0]), .sig_o(siga0), .scale_o(ea[0]), .nar_o(nara[0]));
  npe_pe_dec #(.Width(16), .FormatMask(MaskB)) u_dec_b0 (
    .x_i(b_i), .fmt_i(fmt_i), .sign_o(sb[0]), .sig_o(sigb0), .scale_o(eb[0]), .nar_o(narb[0]));
  npe_pe_dec #(.Width(4), .FormatMask(MaskNib)) u_dec_a1 (
    .x_i(a_i[7:4]), .fmt_i(fmt_a), .sign_o(sa[1]), .sig_o(siga1), .scale_o(ea[1]), .nar_o(nara[1]));
  npe_pe_dec #(.Width(4), .FormatMask(MaskNib)) u_dec_b1 (
    .x_i(b_i[7:4]), .fmt_i(fmt_i), .sign_o(sb[1]), .sig_o(sigb1), .scale_o(eb[1]), .nar_o(narb[1]));
  npe_pe_dec #(.Width(8), .FormatMask(MaskA)) u_dec_a2 (
    .x_i(a_i[15:8]), .fmt_i(fmt_a), .sign_o(sa[2]), .sig_o(siga2), .scale_o(ea[2]), .nar_o(nara[2]));
  npe_pe_dec #(.Width(8), .FormatMask(MaskB)) u_dec_b2 (
    .x_i(xb2), .fmt_i(fmt_i), .sign_o(sb[2]), .sig_o(sigb2), .scale_o(eb[2]), .nar_o(narb[2]));
  npe_pe_dec #(.Width(4), .FormatMask(MaskNib)) u_dec_a3 (
    .x_i(a_i[15:12]), .fmt_i(fmt_a), .sign_o(sa[3]), .sig_o(siga3), .scale_o(ea[3]), .nar_o(nara[3]));
  npe_pe_dec #(.Width(4), .FormatMask(MaskNib)) u_dec_b3 (
    .x_i(b_i[15:12]), .fmt_i(fmt_i), .sign_o(sb[3]), .sig_o(sigb3), .scale_o(eb[3]), .nar_o(narb[3]));

  // --------------------------------------------------------------------------
  // Multiplier operands and exponent adder
  // --------------------------------------------------------------------------
  // Multiplier operands: each lane's significand in its field (docs/PE.md).
  assign mul_a_o = (lane_act_o[0] ? 16'(siga0) : 16'd0) |
                   (lane_act_o[1] ? {8'd0, 2'd0, siga1, 4'd0} : 16'd0) |
                   (lane_act_o[2] ? {siga2, 8'd0} : 16'd0) |
                   (lane_act_o[3] ? {2'd0, siga3, 12'd0} : 16'd0);
  assign mul_b_o = (lane_act_o[0] ? 16'(sigb0) : 16'd0) |
                   (lane_act_o[1] ? {8'd0, 2'd0, sigb1, 4'd0} : 16'd0) |
                   (lane_act_o[2] ? {sigb2, 8'd0} : 16'd0) |
                   (lane_act_o[3] ? {2'd0, sigb3, 12'd0} : 16'd0);

  // Exponent adder: the quire bit of each product's LSB, as a shift.
  // sum of scales - 2 * fraction bits + 56, then +24 (lane 0) or -34 (1..3).
  logic [7:0] off0, off1;
  always_comb begin
    case (fmt_i)
      npe_pkg::FmtPosit16: begin off0 = 8'd56; off1 = 8'd0;  end
      npe_pkg::FmtPosit8:  begin off0 = 8'd70; off1 = 8'd12; end
      npe_pkg::FmtPosit4:  begin off0 = 8'd80; off1 = 8'd22; end
      npe_pkg::FmtFp4:     begin off0 = 8'd78; off1 = 8'd20; end
      default:    begin off0 = 8'd80; off1 = 8'd22; end   // int8, ternary
    endcase
  end

  logic [7:0] esum [4];
  for (genvar l = 0; l < 4; l++) begin : gen_esum
    assign esum[l] = {{2{ea[l][5]}}, ea[l]} + {{2{eb[l][5]}}, eb[l]};
  end

  assign sh0_o = 7'(esum[0] + off0);
  assign sh1_o = 5'(esum[1] + off1);
  assign sh2_o = 5'(esum[2] + off1);
  assign sh3_o = 5'(esum[3] + off1);


  assign sign_o = sa ^ sb;
  assign nar_o  = |(lane_act_o & (nara | narb));

endmodule
