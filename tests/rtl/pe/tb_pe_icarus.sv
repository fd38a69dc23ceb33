// SPDX-License-Identifier: Apache-2.0
// tb_pe_icarus: portable testbench of npe_pe for Icarus Verilog: replays
// the cycles of a gen_pe_vectors stimulus file and compares every result and
// the activity counters with the golden values in the expected-results files.
// Plusargs: +stim= +exp= +cnt= files, +ncyc= +nres= their lengths.
module tb_pe_icarus;
  import npe_pkg::*;

  parameter logic [5:0] FormatMask = 6'h3f;
  parameter bit         Lite       = 1'b0;  // npe_pe_lite (INT8 / ternary masks) instead of npe_pe
  parameter bit         ClockGates = 1'b0;  // npe_pe with its latch clock gates (the ASIC build)
  localparam int MaxCyc = 1 << 18;
  localparam int MaxRes = 1 << 16;

  logic        clk_i = 1'b0, rst_ni = 1'b0;
  logic        valid_i, clear_i, last_i, read_i, cnt_clear_i;
  logic [15:0] a_i, b_i;
  logic [2:0]  fmt_raw, rdf_raw;
  npe_fmt_e    fmt_i, rd_fmt_i;
  logic [3:0]  cnt_sel_i;
  logic        res_valid_o;
  logic [31:0] res_f32_o;
  logic [15:0] res_fmt_o;
  logic [1:0]  res_flags_o;
  logic [47:0] cnt_o;

  if (Lite) begin : gen_lite
    // 29 accumulator bits: the longest suite_edges dot product (4096 words
    // of -128 x -128 in both lanes) sums to 2^27.
    npe_pe_lite #(
      .FormatMask       (FormatMask),
      .AccBits          (29),
      .CounterWidthBits (48)
    ) u_dut (
      .clk_i, .rst_ni,
      .valid_i, .a_i, .b_i, .fmt_i, .clear_i, .last_i,
      .read_i, .rd_fmt_i,
      .res_valid_o, .res_f32_o, .res_fmt_o, .res_flags_o,
      .cnt_clear_i, .cnt_sel_i, .cnt_o
    );
  end else begin : gen_full
    npe_pe #(
      .FormatMask       (FormatMask),
      .CounterWidthBits (48),
      .ClockGates       (ClockGates)
    ) u_dut (
      .clk_i, .rst_ni,
      .valid_i, .a_i, .b_i, .fmt_i, .clear_i, .last_i,
      .read_i, .rd_fmt_i,
      .load_i (1'b0), .save_i (1'b0), .slot_i (1'b0),  // (K tiles: the engine tests)
      .res_valid_o, .res_f32_o, .res_fmt_o, .res_flags_o,
      .cnt_clear_i, .cnt_sel_i, .cnt_o
    );
  end

  logic clk_run = 1'b1;   // stopped to read the counters
  always #5 if (clk_run) clk_i = ~clk_i;

  // Format codes to the enum (no enum casts in Icarus 11).
  function automatic npe_fmt_e to_fmt(logic [2:0] c);
    case (c)
      3'd0:    return FmtFp4;
      3'd1:    return FmtPosit4;
      3'd2:    return FmtPosit8;
      3'd3:    return FmtPosit16;
      3'd4:    return FmtInt8;
      default: return FmtTernary;
    endcase
  endfunction

  assign fmt_i    = to_fmt(fmt_raw);
  assign rd_fmt_i = to_fmt(rdf_raw);

  logic [41:0] stim [MaxCyc];
  logic [49:0] expv [MaxRes];
  logic [47:0] cnt_exp [16];
  string       f_stim, f_exp, f_cnt;
  int          ncyc, nres, next, errors;

  initial begin
    if (!$value$plusargs("stim=%s", f_stim) || !$value$plusargs("exp=%s", f_exp) ||
        !$value$plusargs("cnt=%s", f_cnt) || !$value$plusargs("ncyc=%d", ncyc) ||
        !$value$plusargs("nres=%d", nres)) begin
      $display("tb_pe_icarus: FAIL: missing plusargs");
      $finish;
    end
    $readmemh(f_stim, stim, 0, ncyc - 1);
    if (nres > 0) $readmemh(f_exp, expv, 0, nres - 1);
    $readmemh(f_cnt, cnt_exp, 0, 15);
    next = 0;
    errors = 0;
    {valid_i, clear_i, last_i, read_i, fmt_raw, rdf_raw, a_i, b_i} = '0;
    cnt_clear_i = 1'b0;
    cnt_sel_i   = 4'd0;
    repeat (3) @(negedge clk_i);
    rst_ni = 1'b1;
    for (int i = 0; i <= ncyc; i++) begin
      @(negedge clk_i);
      if (i < ncyc) {valid_i, clear_i, last_i, read_i, fmt_raw, rdf_raw, a_i, b_i} = stim[i];
      else          {valid_i, clear_i, last_i, read_i} = '0;
      cnt_clear_i = (i == 0);
      @(posedge clk_i);
      #1;
      if (res_valid_o) begin
        if (next >= nres) begin
          errors++;
          if (errors <= 10) $display("  unexpected result at cycle %0d", i);
        end else if ({res_flags_o, res_fmt_o, res_f32_o} !== expv[next]) begin
          errors++;
          if (errors <= 10)
            $display("  result %0d: got %01x %04x %08x, want %013x", next, res_flags_o,
                     res_fmt_o, res_f32_o, expv[next]);
        end
        next++;
      end
    end
    if (next != nres) begin
      $display("  %0d results missing", nres - next);
      errors++;
    end
    // Counters: every stimulus cycle has reached them now; stop the clock.
    @(negedge clk_i);
    clk_run = 1'b0;
    for (int sel = 0; sel < 16; sel++) begin
      cnt_sel_i = 4'(sel);
      #1;
      if (cnt_o !== cnt_exp[sel]) begin
        errors++;
        $display("  counter %0d: got %0d, want %0d", sel, cnt_o, cnt_exp[sel]);
      end
    end
    $display("tb_pe_icarus: %s: FormatMask %02x, %0d cycles, %0d results, %0d mismatches",
             errors ? "FAIL" : "PASS", FormatMask, ncyc, nres, errors);
    $finish;
  end

endmodule
