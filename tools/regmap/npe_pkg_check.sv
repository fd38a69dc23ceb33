// SPDX-License-Identifier: Apache-2.0
// npe_pkg_check: uses the generated package's descriptor accessors, reserved
// mask and format table on a live descriptor, so `make regmap-check` can
// compile it in Verilator, Icarus and Yosys and find generated code one of
// them refuses or evaluates wrongly. Not part of the engine.
//
// ok_o is 1 for every desc_i: for the probe record (byte i holds i) it says
// the accessors read the right bytes; Yosys proves it for all inputs, the
// Icarus testbench npe_pkg_check_tb drives the probe.
module npe_pkg_check (
  input  logic [npe_pkg::DescBits-1:0] desc_i,
  output logic [15:0]                  m_o,
  output logic [63:0]                  addr_a_o,
  output logic                         irq_o,
  output logic                         rsvd_o,    // a reserved bit is set
  output logic [2:0]                   lanes_o,   // of FMT_A
  output logic [4:0]                   bits_o,    // of FMT_A
  output logic [1:0]                   host_bytes_o,
  output logic                         ok_o
);

  logic [7:0] fmt_a;
  logic [npe_pkg::DescBits-1:0] unused_fields;  // SCALE, STRIDE_B
  assign unused_fields = desc_i & npe_pkg::DescUnusedMask & ~npe_pkg::DescReservedMask;
  logic       probe, fields_ok, table_ok;

  assign fmt_a        = npe_pkg::desc_fmt_a(desc_i);
  assign m_o          = npe_pkg::desc_m(desc_i);
  assign addr_a_o     = npe_pkg::desc_addr_a(desc_i);
  assign irq_o        = npe_pkg::desc_flag_irq(desc_i);
  assign rsvd_o       = |(desc_i & npe_pkg::DescReservedMask);
  assign lanes_o      = npe_pkg::fmt_lanes(fmt_a[2:0]);
  assign bits_o       = npe_pkg::fmt_bits(fmt_a[2:0]);
  assign host_bytes_o = npe_pkg::fmt_host_bytes(fmt_a[2:0]);

  // The probe: byte i of the record holds i.
  logic [npe_pkg::DescBits-1:0] probe_desc;
  for (genvar i = 0; i < npe_pkg::DescSizeBytes; i++) begin : gen_probe
    assign probe_desc[8*i +: 8] = 8'(i);
  end
  assign probe = desc_i == probe_desc;

  assign fields_ok = npe_pkg::desc_opcode(desc_i) == 8'h00 &&
                     npe_pkg::desc_flags(desc_i) == 8'h01 && irq_o && fmt_a == 8'h02 &&
                     !npe_pkg::desc_flag_accum(desc_i) &&
                     npe_pkg::desc_rsvd0(desc_i) == 16'h0706 && m_o == 16'h0908 &&
                     npe_pkg::desc_k(desc_i) == 16'h0d0c &&
                     addr_a_o == 64'h17161514_13121110 &&
                     npe_pkg::desc_addr_c(desc_i) == 64'h27262524_23222120 &&
                     npe_pkg::desc_stride_c(desc_i) == 32'h33323130 &&
                     npe_pkg::desc_aux(desc_i) == 32'h3f3e3d3c && rsvd_o &&
                     unused_fields == {32'd0, 32'h3b3a3938, 64'd0, 32'h2f2e2d2c, 96'd0,
                                       64'd0, 64'd0, 16'd0, 112'd0};
  // FMT_A 2 is POSIT8; posit16 and an unused code from constants
  assign table_ok  = lanes_o == 3'd2 && bits_o == 5'd8 && host_bytes_o == 2'd1 &&
                     npe_pkg::fmt_lanes_log2(fmt_a[2:0]) == 2'd1 &&
                     npe_pkg::fmt_lanes(3'd3) == 3'd1 && npe_pkg::fmt_bits(3'd3) == 5'd16 &&
                     npe_pkg::fmt_host_bytes(3'd3) == 2'd2 &&
                     npe_pkg::fmt_lanes(3'd0) == 3'(npe_pkg::FmtMaxLanes) &&
                     npe_pkg::fmt_lanes(3'd7) == 3'd0;
  assign ok_o = !probe || (fields_ok && table_ok);

endmodule
