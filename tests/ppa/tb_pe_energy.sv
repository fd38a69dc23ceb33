// SPDX-License-Identifier: Apache-2.0
// tb_pe_energy: drives the mapped netlist of a PE (npe_pe_net or
// npe_pe_lite_net, written by tools/ppa/synth.py) and its RTL side by side
// with random dot products of one format, for gate-level activity (a VCD of
// the netlist's nets) that tools/ppa/energy.py turns into energy. Every
// result and (when built) the format's MAC counter must match the RTL cycle for cycle, so
// the activity is that of a correct run. Not a functional test of the PE
// (tests/rtl/pe is).
//
// Plusargs: +vcd=FILE (dump the netlist's nets: scope tb_pe_energy.gen_lite.dut
// or tb_pe_energy.gen_full.dut), +seed=N.
// Prints: tb_pe_energy: PASS|FAIL ... t0_ns= t1_ns= cycles= macs= : the
// measured window is (t0, t1], Words cycles of back-to-back words (Idle:
// Words idle cycles, macs=0).
`timescale 1ns / 10ps
module tb_pe_energy;
  import npe_pkg::*;  // Icarus 11 crashes on a package-qualified enum type here

  parameter logic [5:0] FormatMask = 6'h3f;  // the formats the netlist was built with
  parameter bit         Lite       = 1'b0;   // npe_pe_lite instead of npe_pe
  parameter int         Fmt        = 4;      // format code driven
  parameter int         Words      = 256;    // measured cycles, one word each
  parameter int         DotLen     = 16;     // words per dot product
  parameter bit         HasCounters = 1'b1;  // as the netlist was built (0: cnt_o is 0)
  parameter bit         ClockGates  = 1'b0;  // as the netlist was built (the reference too)
  // Idle: one dot product of Fmt before the window, then Words cycles with
  // valid_i low and the operands held (an idle PE beside busy ones): the
  // energy of an idle cycle, what the clock gates save (macs=0)
  parameter bit         Idle        = 1'b0;

  localparam int Lanes = (Fmt <= 1) ? 4 : (Fmt == 3) ? 1 : 2;

  logic        clk_i = 1'b0, rst_ni = 1'b0;
  logic        valid_i = 1'b0, clear_i = 1'b0, last_i = 1'b0, read_i = 1'b0, cnt_clear_i = 1'b0;
  logic [15:0] a_i = '0, b_i = '0;
  logic [2:0]  fmt_raw = 3'(Fmt);
  // Warm-up: one dot product in a 4-lane format before the measured window,
  // so every lane's registers hold a value (a lane the measured format does
  // not use would otherwise stay X in the gate-level netlist, and X-pessimism
  // of the cells spreads it into the sum; real hardware has no X).
  localparam int WarmFmt = FormatMask[0] ? 0 : FormatMask[1] ? 1 : -1;
  localparam int WarmResults = (WarmFmt >= 0 && !Lite) ? 1 : 0;
  logic [3:0]  cnt_sel_i = 4'(Fmt);   // the MAC counter of this format
  npe_fmt_e    fmt_e;

  logic        ref_valid, net_valid;
  logic [31:0] ref_f32, net_f32;
  logic [15:0] ref_fmt, net_fmt;
  logic [1:0]  ref_flags, net_flags;
  logic [47:0] ref_cnt, net_cnt;

  // Format code to the enum (no enum casts in Icarus 11).
  always_comb begin
    case (fmt_raw)
      3'd0:    fmt_e = FmtFp4;
      3'd1:    fmt_e = FmtPosit4;
      3'd2:    fmt_e = FmtPosit8;
      3'd3:    fmt_e = FmtPosit16;
      3'd4:    fmt_e = FmtInt8;
      default: fmt_e = FmtTernary;
    endcase
  end

  if (Lite) begin : gen_lite
    npe_pe_lite #(.FormatMask (FormatMask), .HasCounters (HasCounters)) u_ref (
      .clk_i, .rst_ni, .valid_i, .a_i, .b_i, .fmt_i (fmt_e), .clear_i, .last_i,
      .read_i, .rd_fmt_i (fmt_e), .res_valid_o (ref_valid), .res_f32_o (ref_f32),
      .res_fmt_o (ref_fmt), .res_flags_o (ref_flags), .cnt_clear_i, .cnt_sel_i, .cnt_o (ref_cnt)
    );
    npe_pe_lite_net dut (
      .clk_i, .rst_ni, .valid_i, .a_i, .b_i, .fmt_i (fmt_raw), .clear_i, .last_i,
      .read_i, .rd_fmt_i (fmt_raw), .res_valid_o (net_valid), .res_f32_o (net_f32),
      .res_fmt_o (net_fmt), .res_flags_o (net_flags), .cnt_clear_i, .cnt_sel_i, .cnt_o (net_cnt)
    );
  end else begin : gen_full
    npe_pe #(.FormatMask (FormatMask), .HasCounters (HasCounters),
             .ClockGates (ClockGates)) u_ref (
      .clk_i, .rst_ni, .valid_i, .a_i, .b_i, .fmt_i (fmt_e), .clear_i, .last_i,
      .read_i, .rd_fmt_i (fmt_e), .res_valid_o (ref_valid), .res_f32_o (ref_f32),
      .res_fmt_o (ref_fmt), .res_flags_o (ref_flags), .cnt_clear_i, .cnt_sel_i, .cnt_o (ref_cnt)
    );
    npe_pe_net dut (
      .clk_i, .rst_ni, .valid_i, .a_i, .b_i, .fmt_i (fmt_raw), .clear_i, .last_i,
      .read_i, .rd_fmt_i (fmt_raw), .res_valid_o (net_valid), .res_f32_o (net_f32),
      .res_fmt_o (net_fmt), .res_flags_o (net_flags), .cnt_clear_i, .cnt_sel_i, .cnt_o (net_cnt)
    );
  end

  always #5 clk_i = ~clk_i;  // 10 ns clock (the energy is per cycle, not per ns)

  // A random operand word with no NaR patterns (posits) and no invalid
  // ternary code 10b, so no dot product freezes in NaR.
  function automatic logic [15:0] operand(input logic [15:0] r, input bit is_b);
    logic [15:0] w;
    w = r;
    case (Fmt)
      1: for (int l = 0; l < 4; l++) if (w[4*l +: 4] == 4'h8) w[4*l +: 4] = 4'h9;
      2: for (int l = 0; l < 2; l++) if (w[8*l +: 8] == 8'h80) w[8*l +: 8] = 8'h81;
      3: if (w == 16'h8000) w = 16'h8001;
      5: if (is_b) for (int l = 0; l < 8; l++) if (w[2*l +: 2] == 2'b10) w[2*l +: 2] = 2'b00;
      default: ;
    endcase
    operand = w;
  endfunction

  integer seed, errors, results, t0, t1;
  string  vcd;

  // `words` random words back to back as dot products of DotLen (raw: any
  // pattern, else operand()'s), one a cycle, inputs 1 ns after the edge
  task automatic stream(input int words, input bit raw);
    for (int w = 0; w < words; w++) begin
      valid_i = 1'b1;
      clear_i = (w % DotLen) == 0;
      last_i  = (w % DotLen) == DotLen - 1;
      a_i = raw ? 16'($random(seed)) : operand(16'($random(seed)), 1'b0);
      b_i = raw ? 16'($random(seed)) : operand(16'($random(seed)), 1'b1);
      @(posedge clk_i);
      #1;
    end
  endtask

  // valid low until the last result is out
  task automatic drain();
    {valid_i, clear_i, last_i} = '0;
    repeat (12) @(posedge clk_i);
    #1;
  endtask

  // Inputs change 1 ns after a rising edge, as a register's output would
  // (the clock gates sample their enables at the falling edge); outputs
  // are compared at every negedge, after reset.
  always @(negedge clk_i) begin
    if (rst_ni) begin
      if (net_valid !== ref_valid || net_cnt !== ref_cnt ||
          (ref_valid && {net_flags, net_fmt, net_f32} !== {ref_flags, ref_fmt, ref_f32})) begin
        errors = errors + 1;
        if (errors <= 5)
          $display("  mismatch at %0t: valid %b/%b result %x %x %x / %x %x %x cnt %0d/%0d",
                   $time, net_valid, ref_valid, net_flags, net_fmt, net_f32,
                   ref_flags, ref_fmt, ref_f32, net_cnt, ref_cnt);
      end
      if (ref_valid) results = results + 1;
    end
  end

  initial begin
    errors = 0;
    results = 0;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    if ($value$plusargs("vcd=%s", vcd)) begin
      $dumpfile(vcd);
      if (Lite) $dumpvars(1, gen_lite.dut);
      else      $dumpvars(1, gen_full.dut);
    end
    repeat (3) @(posedge clk_i);
    #1;
    rst_ni = 1'b1;
    @(posedge clk_i);
      #1;
    if (WarmResults > 0) begin
      fmt_raw = 3'(WarmFmt);
      stream(DotLen, 1'b1);  // every 4-bit pattern is an FP4 / posit4 value
      drain();
      fmt_raw = 3'(Fmt);
    end
    if (Idle) begin
      stream(DotLen, 1'b0);
      drain();
    end
    cnt_clear_i = 1'b1;
    @(posedge clk_i);
      #1;
    cnt_clear_i = 1'b0;
    t0 = $time;
    for (int w = 0; w < Words && Idle; w++) begin
      @(posedge clk_i);
      #1;
    end
    if (!Idle) stream(Words, 1'b0);
    t1 = $time;
    {valid_i, clear_i, last_i} = '0;
    repeat (12) @(posedge clk_i);
    if (results != (Idle ? 1 : Words / DotLen) + WarmResults) errors = errors + 1;
    $display("tb_pe_energy: %s fmt=%0d mask=%02x t0_ns=%0d t1_ns=%0d cycles=%0d macs=%0d results=%0d mismatches=%0d",
             errors ? "FAIL" : "PASS", Fmt, FormatMask, t0, t1, Words, Idle ? 0 : Words * Lanes, results,
             errors);
    $finish;
  end

endmodule
