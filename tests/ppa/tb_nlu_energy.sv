// SPDX-License-Identifier: Apache-2.0
// tb_nlu_energy: drives the mapped netlist of the nonlinear unit
// (npe_nlu_net, written by tools/ppa/synth.py with the threshold table cut
// out as an SRAM macro) and its RTL side by side, for gate-level activity (a
// VCD of the netlist's nets) that tools/ppa/energy.py turns into energy. The
// netlist's cut-out table reads are answered with the RTL table's registered
// read data (the two run in lockstep, so the addresses agree; a check says
// so). Every output code and valid must match the RTL cycle for cycle, so
// the activity is that of a correct run. Not a functional test of the NLU
// (tests/rtl/nlu is).
//
// The run: reset, load an ascending random table of 2^B - 1 thresholds
// (outside the measured window), then Convs conversions of NumCols random
// inputs back to back with out_ready_i high: the unit takes the next input
// in the cycle its codes are taken, so the window is Convs x 2^B cycles of
// ramp steps.
//
// Plusargs: +vcd=FILE (dump the netlist's nets, scope tb_nlu_energy.dut),
// +seed=N. Prints: tb_nlu_energy: PASS|FAIL ... t0_ns= t1_ns= cycles=
// convs= : the measured window is (t0, t1].
`timescale 1ns / 10ps
module tb_nlu_energy;

  parameter int NumCols = 64;   // as the netlist was built
  parameter int Bits    = 8;    // B of every conversion (1 .. 8)
  parameter int Convs   = 8;    // measured conversions

  localparam int InW = 16, MaxBits = 8, Steps = 1 << Bits;

  logic                      clk_i = 1'b0, rst_ni = 1'b0;
  logic                      tbl_we_i = 1'b0;
  logic [MaxBits:0]          tbl_addr_i = '0;
  logic [InW:0]              tbl_wdata_i = '0;
  logic                      in_valid_i = 1'b0, out_ready_i = 1'b1;
  logic [NumCols*InW-1:0]    in_data_i = '0;
  logic [3:0]                cfg_bits_i = 4'(Bits);

  logic                      ref_in_ready, net_in_ready, ref_valid, net_valid;
  logic                      ref_busy, net_busy, ref_done, net_done;
  logic [NumCols*MaxBits-1:0] ref_code, net_code;
  logic [MaxBits-1:0]        net_raddr;

  npe_nlu #(.NumCols (NumCols), .InWidthBits (InW), .MaxBits (MaxBits)) u_ref (
    .clk_i, .rst_ni, .cfg_bits_i, .cfg_two_seg_i (1'b0), .cfg_split_i (16'd0),
    .tbl_we_i, .tbl_addr_i, .tbl_wdata_i, .in_valid_i, .in_ready_o (ref_in_ready), .in_data_i,
    .out_valid_o (ref_valid), .out_ready_i, .out_code_o (ref_code), .busy_o (ref_busy),
    .conv_done_o (ref_done)
  );

  // tools/ppa/nlu_energy.py renames the cut-out memory ports u_table.x to
  // u_table_x (a dot is not a plain Verilog identifier character).
  npe_nlu_net dut (
    .clk_i, .rst_ni, .cfg_bits_i, .cfg_two_seg_i (1'b0), .cfg_split_i (16'd0),
    .tbl_we_i, .tbl_addr_i, .tbl_wdata_i, .in_valid_i, .in_ready_o (net_in_ready), .in_data_i,
    .out_valid_o (net_valid), .out_ready_i, .out_code_o (net_code), .busy_o (net_busy),
    .conv_done_o (net_done),
    .u_table_raddr_i (net_raddr),
    .u_table_rdata_a_q (u_ref.u_table.rdata_a_q),
    .u_table_rdata_b_q (u_ref.u_table.rdata_b_q)
  );

  always #5 clk_i = ~clk_i;  // 10 ns clock (the energy is per cycle, not per ns)

  integer seed, errors, convs_out, t0, t1, measuring;
  string  vcd;

  // Outputs compared at every negedge, after reset; the table read address
  // at every cycle the ramp runs.
  always @(negedge clk_i) begin
    if (rst_ni) begin
      if (net_valid !== ref_valid || net_in_ready !== ref_in_ready || net_busy !== ref_busy ||
          net_done !== ref_done || (ref_valid && net_code !== ref_code) ||
          (ref_busy && net_raddr !== u_ref.raddr)) begin
        errors = errors + 1;
        if (errors <= 5)
          $display("  mismatch at %0t: valid %b/%b ready %b/%b raddr %0d/%0d", $time,
                   net_valid, ref_valid, net_in_ready, ref_in_ready, net_raddr, u_ref.raddr);
      end
      if (ref_valid && out_ready_i && measuring) convs_out = convs_out + 1;
    end
  end

  task automatic random_inputs();
    for (int c = 0; c < NumCols; c++) in_data_i[c*InW +: InW] = 16'($random(seed));
  endtask

  initial begin
    logic signed [InW:0] t;
    errors = 0;
    convs_out = 0;
    measuring = 0;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    if ($value$plusargs("vcd=%s", vcd)) begin
      $dumpfile(vcd);
      $dumpvars(1, dut);
    end
    repeat (3) @(negedge clk_i);
    rst_ni = 1'b1;
    // An ascending table over the input range (a staircase of some monotone f).
    t = -17'sd32768;
    for (int j = 1; j < Steps; j++) begin
      t = t + 17'($unsigned($random(seed)) % (2 * 65536 / Steps)) + 17'sd1;
      tbl_we_i = 1'b1;
      tbl_addr_i = 9'(j);
      tbl_wdata_i = t;
      @(negedge clk_i);
    end
    tbl_we_i = 1'b0;
    @(negedge clk_i);
    // Conversions back to back: a new input whenever the unit takes one.
    random_inputs();
    in_valid_i = 1'b1;
    t0 = $time;
    measuring = 1;
    for (int n = 0; n < Convs; n++) begin
      // ready seen at a negedge: the unit takes the input at the next posedge
      while (!ref_in_ready) @(negedge clk_i);
      @(negedge clk_i);
      random_inputs();
      if (n == Convs - 1) in_valid_i = 1'b0;
    end
    // The last conversion's codes.
    do @(negedge clk_i); while (!ref_valid);
    @(negedge clk_i);
    t1 = $time;
    measuring = 0;
    repeat (4) @(negedge clk_i);
    if (convs_out != Convs) errors = errors + 1;
    $display("tb_nlu_energy: %s cols=%0d bits=%0d t0_ns=%0d t1_ns=%0d cycles=%0d convs=%0d mismatches=%0d",
             errors ? "FAIL" : "PASS", NumCols, Bits, t0, t1, (t1 - t0) / 10, convs_out, errors);
    $finish;
  end

endmodule
