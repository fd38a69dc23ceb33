// SPDX-License-Identifier: Apache-2.0
// npe_pe_mul: the reconfigurable 16x16 significand multiplier shared by every
// format. Combinational; it knows nothing of signs, scales or formats, only
// of the three lane splits below.
//
// Partial product bit (i, j) = a_i[j] & b_i[i] is kept only if bits i and j
// belong to the same lane; with the cross-lane bits forced to zero the
// ordinary shift-and-add sum puts each lane's product in its own field:
//   mode_p16_i  one lane:  a[12:0] x b[12:0]            -> p_o[25:0]
//   mode_byte_i two lanes: a[7:0] x b[7:0]              -> p_o[15:0]
//                          a[15:8] x b[15:8]            -> p_o[31:16]
//   mode_nib_i  four lanes: a[4k+3:4k] x b[4k+3:4k]     -> p_o[8k+7:8k]
// A mode input tied to 0 (format not built) removes its partial products.
module npe_pe_mul (
  input  logic [15:0] a_i,
  input  logic [15:0] b_i,
  input  logic        mode_p16_i,
  input  logic        mode_byte_i,
  input  logic        mode_nib_i,
  output logic [31:0] p_o
);

  // Partial-product rows, cross-lane bits masked: row i keeps the columns of
  // its own byte (byte mode) or nibble (nibble mode). One 16-bit expression
  // per row, not 256 one-bit ones: the same gates, and Verilator evaluates
  // it as a word (about a quarter of the simulator's time went to the bits).
  logic [15:0] row [16];

  for (genvar i = 0; i < 16; i++) begin : gen_row
    localparam logic [15:0] ByteMask = (i < 8) ? 16'h00ff : 16'hff00;
    localparam logic [15:0] NibMask  = 16'h000f << (4 * (i / 4));
    assign row[i] = a_i & {16{b_i[i]}} &
                    ({16{mode_p16_i}} | ({16{mode_byte_i}} & ByteMask) |
                     ({16{mode_nib_i}} & NibMask));
  end

  // Shift-and-add of the rows as a balanced adder tree (continuous
  // assignments: Icarus re-evaluates an always_comb that reads its own output)
  logic [31:0] lvl1 [8];
  logic [31:0] lvl2 [4];
  logic [31:0] lvl3 [2];

  for (genvar i = 0; i < 8; i++) begin : gen_lvl1
    assign lvl1[i] = (32'(row[2*i]) << (2*i)) + (32'(row[2*i+1]) << (2*i+1));
  end
  for (genvar i = 0; i < 4; i++) begin : gen_lvl2
    assign lvl2[i] = lvl1[2*i] + lvl1[2*i+1];
  end
  for (genvar i = 0; i < 2; i++) begin : gen_lvl3
    assign lvl3[i] = lvl2[2*i] + lvl2[2*i+1];
  end
  assign p_o = lvl3[0] + lvl3[1];

endmodule
