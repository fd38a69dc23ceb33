// SPDX-License-Identifier: Apache-2.0
// npe_obuf: the double-buffered output buffer between the MAC array and the
// storer: one 32-bit result (binary32, or a format pattern zero-extended) per
// output element. The array writes a whole column group at once; the storer
// reads one element at a time, registered (block RAM on an FPGA). No
// arbitration: npe_cmd keeps writers and readers of a buffer apart, so a
// read never meets a write of the same entry (hence no_rw_check).
module npe_obuf #(
  parameter int          Rows      = 4,
  parameter int          Cols      = 2,
  parameter int          OutGroups = 32,
  parameter bit          GroupRead = 1'b1   // the group read port (the NLU's) is used
) (
  input  logic                          clk_i,
  // Write: column group grp_i of buffer wbuf_i, PE (r, c) at 32*(r*Cols+c)
  input  logic                          we_i,
  input  logic                          wbuf_i,
  input  logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0]  grp_i,
  input  logic [Rows*Cols*32-1:0]       wdata_i,
  // Read: element (row_i, col_i) of buffer rbuf_i, on rdata_o the next cycle
  input  logic                          rbuf_i,
  input  logic [$clog2(Rows > 1 ? Rows : 2)-1:0]       row_i,
  input  logic [15:0]                   col_i,
  output logic [31:0]                   rdata_o,
  // Group read (the NLU): column group ggrp_i of buffer gbuf_i, combinational
  input  logic                          gbuf_i,
  input  logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0]  ggrp_i,
  output logic [Rows*Cols*32-1:0]       gdata_o
);

  localparam int Entries = 2 * OutGroups;
  localparam int GrpBits = $clog2(OutGroups > 1 ? OutGroups : 2);

  logic [15:0] grp_r;
  logic [15:0] col_r;
  logic [31:0] rdata_q;

  assign grp_r   = col_i / 16'(Cols);
  assign col_r   = col_i % 16'(Cols);
  assign rdata_o = rdata_q;

  if (!GroupRead && Rows * Cols == 1) begin : gen_bram
    // One PE and no group port: one 32-bit element per entry, a block RAM
    // (an iCE40 maps so small a memory to flip-flops unless told).
    (* no_rw_check, ram_style = "block" *) logic [31:0] mem_q [Entries];
    always_ff @(posedge clk_i) begin
      if (we_i) mem_q[{wbuf_i, grp_i}] <= wdata_i;
      rdata_q <= mem_q[{rbuf_i, grp_r[GrpBits-1:0]}];
    end
    assign gdata_o = '0;
    logic unused_g;
    assign unused_g = ^{gbuf_i, ggrp_i, row_i, col_r};
  end else begin : gen_regs
    logic [Rows*Cols*32-1:0] mem_q [Entries];
    always_ff @(posedge clk_i) begin
      if (we_i) mem_q[{wbuf_i, grp_i}] <= wdata_i;
      rdata_q <= mem_q[{rbuf_i, grp_r[GrpBits-1:0]}][32 * (32'(row_i) * Cols + 32'(col_r)) +: 32];
    end
    assign gdata_o = mem_q[{gbuf_i, ggrp_i}];
  end

  logic unused_grp;
  assign unused_grp = ^grp_r[15:GrpBits];

endmodule
