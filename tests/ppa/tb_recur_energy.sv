// SPDX-License-Identifier: Apache-2.0
// tb_recur_energy: drives the mapped netlist of the recurrence unit
// (npe_recur_unit_net, written by tools/ppa/synth.py with its state
// memories and sigmoid ROMs cut out as SRAM macros; tools/ppa/recur_energy.py
// wraps it with models of those, recur_net_wrap) and its RTL side by side,
// for gate-level activity (a VCD of the netlist's nets) that
// tools/ppa/energy.py turns into energy. Not a functional test of the unit
// (tests of RECUR in make test are).
//
// One RECUR job per run, Mode 0 DIAG, 1 GRU, 2 LSTM (INT8 h codes and
// weights, HSHIFT 6, ACC_SHIFT 2, INIT = LOAD, every h_t written), or 3:
// idle (no job; the unit after reset with its inputs held). The testbench
// is the unit's DMA (a memory from mem.hex: one read beat per cycle, write
// beats taken every cycle) and, for GRU / LSTM, the array: a mat-vec issued
// on the sequencer port returns its rows Lat cycles later, one column
// group (8 rows) per cycle, from mv.hex (W_hh times the codes of h_{t-1},
// made by tests/ppa/gen_recur_energy.c from the golden model), then
// seq_done.
//
// Checks (any failure prints FAIL): every output of the netlist equals the
// RTL's at every negedge (data only where its valid says so); every h_t the
// netlist wrote equals the golden model's (exp.hex); for GRU / LSTM every
// A-buffer word of h codes it wrote equals the golden's (code.hex); the job
// ends with done and no error.
//
// Plusargs: +vcd=FILE (the netlist's nets, scope tb_recur_energy.u_net.dut),
// +dir=DIR (the generator's files). Prints: tb_recur_energy: PASS|FAIL ...
// t0_ns= t1_ns= cycles= elems= : the measured window is (t0, t1], from the
// cycle the job is dispatched to the cycle after done (idle: IdleCycles).
`timescale 1ns / 10ps
module tb_recur_energy;

  parameter int Mode       = 0;    // 0 DIAG, 1 GRU, 2 LSTM, 3 idle
  parameter int N          = 32;   // elements
  parameter int T          = 8;    // steps
  parameter int Lat        = 8;    // cycles from a mat-vec's issue to its first row group
  parameter int IdleCycles = 128;

  localparam int  AddrBits = 64, Rows = 4, Cols = 2;
  localparam int  G        = Mode == 2 ? 4 : 3;
  localparam int  MemWords = 'h5000 / 8;
  localparam logic [63:0] RecAddr = 64'h0, H0Addr = 64'h4000, OutAddr = 64'h8000;
  localparam int  OutWords = T * N / 2;
  localparam int  CodeWords = (T + 1) * N / 8;

  logic clk_i = 1'b0, rst_ni = 1'b0;
  always #5 clk_i = ~clk_i;  // 10 ns clock (the energy is per cycle, not per ns)

  // Inputs (the testbench's registers, changed 1 ns after a rising edge)
  logic                        job_valid_i = 1'b0, abort_i = 1'b0;
  logic [npe_pkg::DescBits-1:0] job_desc_i = '0;
  logic                        rd_cmd_ready_i = 1'b0, rd_data_valid_i = 1'b0, rd_done_i = 1'b0;
  logic [63:0]                 rd_data_i = '0;
  logic                        wr_cmd_ready_i = 1'b0, wr_data_ready_i = 1'b0, wr_done_i = 1'b0;
  logic                        seq_done_i = 1'b0, res_we_i = 1'b0;
  logic [Rows*Cols*32-1:0]     res_data_i = '0;

  // Outputs, RTL (r_) and netlist (n_)
  logic [7:0]          r_chk_code, n_chk_code, r_err, n_err;
  logic [AddrBits-1:0] r_chk_addr, n_chk_addr, r_err_addr, n_err_addr;
  logic [npe_pkg::NumRes-1:0] r_claim, n_claim;
  logic                r_busy, n_busy, r_done, n_done, r_next, n_next;
  logic                r_rd_cmd_valid, n_rd_cmd_valid, r_rd_data_ready, n_rd_data_ready;
  logic [AddrBits-1:0] r_rd_cmd_addr, n_rd_cmd_addr, r_wr_cmd_addr, n_wr_cmd_addr;
  logic [31:0]         r_rd_cmd_len, n_rd_cmd_len, r_wr_cmd_len, n_wr_cmd_len;
  logic                r_wr_cmd_valid, n_wr_cmd_valid, r_wr_data_valid, n_wr_data_valid;
  logic [63:0]         r_wr_data, n_wr_data, r_a_wdata, n_a_wdata;
  logic                r_seq_valid, n_seq_valid, r_a_we, n_a_we;
  logic [npe_pkg::DescBits-1:0] r_seq_desc, n_seq_desc;
  logic [10:0]         r_seq_b_off, n_seq_b_off;
  logic [10:0]         r_a_waddr, n_a_waddr;

  npe_recur_unit u_ref (
    .clk_i, .rst_ni, .job_valid_i, .job_desc_i, .abort_i,
    .chk_code_o (r_chk_code), .chk_addr_o (r_chk_addr), .claim_o (r_claim), .busy_o (r_busy),
    .done_o (r_done), .next_o (r_next), .err_o (r_err), .err_addr_o (r_err_addr),
    .rd_cmd_valid_o (r_rd_cmd_valid), .rd_cmd_ready_i, .rd_cmd_addr_o (r_rd_cmd_addr),
    .rd_cmd_len_o (r_rd_cmd_len), .rd_data_valid_i, .rd_data_ready_o (r_rd_data_ready),
    .rd_data_i, .rd_done_i, .rd_err_i (8'd0), .rd_err_addr_i (64'd0),
    .wr_cmd_valid_o (r_wr_cmd_valid), .wr_cmd_ready_i, .wr_cmd_addr_o (r_wr_cmd_addr),
    .wr_cmd_len_o (r_wr_cmd_len), .wr_data_valid_o (r_wr_data_valid), .wr_data_ready_i,
    .wr_data_o (r_wr_data), .wr_done_i, .wr_err_i (8'd0), .wr_err_addr_i (64'd0),
    .seq_valid_o (r_seq_valid), .seq_desc_o (r_seq_desc), .seq_b_off_o (r_seq_b_off),
    .seq_done_i, .res_we_i, .res_data_i, .a_we_o (r_a_we), .a_waddr_o (r_a_waddr),
    .a_wdata_o (r_a_wdata)
  );

  recur_net_wrap u_net (
    .clk_i, .rst_ni, .job_valid_i, .job_desc_i, .abort_i,
    .chk_code_o (n_chk_code), .chk_addr_o (n_chk_addr), .claim_o (n_claim), .busy_o (n_busy),
    .done_o (n_done), .next_o (n_next), .err_o (n_err), .err_addr_o (n_err_addr),
    .rd_cmd_valid_o (n_rd_cmd_valid), .rd_cmd_ready_i, .rd_cmd_addr_o (n_rd_cmd_addr),
    .rd_cmd_len_o (n_rd_cmd_len), .rd_data_valid_i, .rd_data_ready_o (n_rd_data_ready),
    .rd_data_i, .rd_done_i, .rd_err_i (8'd0), .rd_err_addr_i (64'd0),
    .wr_cmd_valid_o (n_wr_cmd_valid), .wr_cmd_ready_i, .wr_cmd_addr_o (n_wr_cmd_addr),
    .wr_cmd_len_o (n_wr_cmd_len), .wr_data_valid_o (n_wr_data_valid), .wr_data_ready_i,
    .wr_data_o (n_wr_data), .wr_done_i, .wr_err_i (8'd0), .wr_err_addr_i (64'd0),
    .seq_valid_o (n_seq_valid), .seq_desc_o (n_seq_desc), .seq_b_off_o (n_seq_b_off),
    .seq_done_i, .res_we_i, .res_data_i, .a_we_o (n_a_we), .a_waddr_o (n_a_waddr),
    .a_wdata_o (n_a_wdata)
  );

  // The generator's files
  logic [63:0] mem      [MemWords];
  logic [31:0] exp_h    [T * N];
  logic [31:0] mv       [T * G * N];
  logic [63:0] exp_code [CodeWords];
  logic [63:0] out_mem  [OutWords];
  string dir, vcd;
  integer errors, t0, t1, cycles, a_words, mv_steps, wr_beats;

  task automatic fail(input string what);
    errors = errors + 1;
    if (errors <= 8) $display("  FAIL at %0t: %s", $time, what);
  endtask

  // ---------------------------------------------------------------------------
  // The netlist against the RTL, every negedge (data where its valid says so)
  // ---------------------------------------------------------------------------
  always @(negedge clk_i) begin
    if (rst_ni) begin
      if ({n_busy, n_done, n_next, n_rd_cmd_valid, n_rd_data_ready, n_wr_cmd_valid,
           n_wr_data_valid, n_seq_valid, n_a_we} !==
          {r_busy, r_done, r_next, r_rd_cmd_valid, r_rd_data_ready, r_wr_cmd_valid,
           r_wr_data_valid, r_seq_valid, r_a_we})
        fail($sformatf("control: netlist %b, RTL %b",
                       {n_busy, n_done, n_next, n_rd_cmd_valid, n_rd_data_ready, n_wr_cmd_valid,
                        n_wr_data_valid, n_seq_valid, n_a_we},
                       {r_busy, r_done, r_next, r_rd_cmd_valid, r_rd_data_ready, r_wr_cmd_valid,
                        r_wr_data_valid, r_seq_valid, r_a_we}));
      if (r_done && {n_err, n_err_addr} !== {r_err, r_err_addr}) fail("err");
      if (r_rd_cmd_valid && {n_rd_cmd_addr, n_rd_cmd_len} !== {r_rd_cmd_addr, r_rd_cmd_len})
        fail("read command");
      if (r_wr_cmd_valid && {n_wr_cmd_addr, n_wr_cmd_len} !== {r_wr_cmd_addr, r_wr_cmd_len})
        fail("write command");
      if (r_wr_data_valid && n_wr_data !== r_wr_data)
        fail($sformatf("write data %h, RTL %h", n_wr_data, r_wr_data));
      if (r_seq_valid && {n_seq_desc, n_seq_b_off} !== {r_seq_desc, r_seq_b_off}) fail("mat-vec");
      if (r_a_we && {n_a_waddr, n_a_wdata} !== {r_a_waddr, r_a_wdata})
        fail($sformatf("A word %h, RTL %h", n_a_wdata, r_a_wdata));
      if (job_valid_i && {n_chk_code, n_claim} !== {r_chk_code, r_claim}) fail("check");
    end
  end

  // ---------------------------------------------------------------------------
  // The DMA and the array, driven by the netlist's outputs: handshakes seen
  // at a negedge happen at the next rising edge; the testbench's registers
  // change 1 ns after it.
  // ---------------------------------------------------------------------------
  logic [63:0] rd_addr = '0, wr_addr = '0;
  integer      rd_beats = 0, wr_left = 0, mv_wait = -1, mv_group = 0, mv_groups = 0;
  logic        rd_busy = 1'b0, wr_busy = 1'b0;

  always @(negedge clk_i) begin
    logic rd_cmd, rd_beat, wr_cmd, wr_beat, seq, a_we;
    logic [63:0] a_data, rc_addr, wc_addr;
    logic [31:0] rc_len, wc_len;
    rc_addr = n_rd_cmd_addr;
    rc_len  = n_rd_cmd_len;
    wc_addr = n_wr_cmd_addr;
    wc_len  = n_wr_cmd_len;
    rd_cmd  = n_rd_cmd_valid === 1'b1 && rd_cmd_ready_i;
    rd_beat = rd_data_valid_i && n_rd_data_ready === 1'b1;
    wr_cmd  = n_wr_cmd_valid === 1'b1 && wr_cmd_ready_i;
    wr_beat = n_wr_data_valid === 1'b1 && wr_data_ready_i;
    seq     = n_seq_valid === 1'b1;
    a_we    = n_a_we === 1'b1;
    a_data  = n_a_wdata;
    if (wr_beat) begin
      if (wr_addr < OutAddr || (wr_addr - OutAddr) / 8 >= OutWords) fail("write outside C");
      else out_mem[(wr_addr - OutAddr) / 8] = n_wr_data;
      wr_beats = wr_beats + 1;
    end
    if (a_we) begin
      if (a_words >= CodeWords) fail("more A words than codes");
      else if (a_data !== exp_code[a_words])
        fail($sformatf("A word %0d: %h, golden %h", a_words, a_data, exp_code[a_words]));
      a_words = a_words + 1;
    end
    if (rd_cmd && (n_rd_cmd_addr[2:0] != 3'd0 || n_rd_cmd_len[2:0] != 3'd0 ||
                   n_rd_cmd_addr / 8 + n_rd_cmd_len / 8 > MemWords))
      fail("read command outside the memory");
    if (wr_cmd && (n_wr_cmd_addr[2:0] != 3'd0)) fail("write command misaligned");
    @(posedge clk_i);
    #1;
    rd_done_i = 1'b0;
    wr_done_i = 1'b0;
    // read channel: a command, its beats back to back, then done
    if (rd_cmd) begin
      rd_busy  = 1'b1;
      rd_addr  = rc_addr;
      rd_beats = rc_len / 8;
    end else if (rd_beat) begin
      rd_addr  = rd_addr + 64'd8;
      rd_beats = rd_beats - 1;
      if (rd_beats == 0) begin
        rd_busy   = 1'b0;
        rd_done_i = 1'b1;
      end
    end
    rd_cmd_ready_i  = !rd_busy && !rd_done_i;
    rd_data_valid_i = rd_busy && rd_beats > 0;
    rd_data_i       = rd_data_valid_i ? mem[rd_addr / 8] : 64'd0;
    // write channel
    if (wr_cmd) begin
      wr_busy = 1'b1;
      wr_addr = wc_addr;
      wr_left = (wc_len + 7) / 8;
    end else if (wr_beat) begin
      wr_addr = wr_addr + 64'd8;
      wr_left = wr_left - 1;
      if (wr_left == 0) begin
        wr_busy   = 1'b0;
        wr_done_i = 1'b1;
      end
    end
    wr_cmd_ready_i  = !wr_busy && !wr_done_i;
    wr_data_ready_i = wr_busy && wr_left > 0;
    // the array: Lat cycles, then one group of 8 rows a cycle, then done
    res_we_i   = 1'b0;
    seq_done_i = 1'b0;
    if (seq) begin
      if (mv_wait >= 0) fail("a mat-vec issued while one runs");
      mv_wait   = Lat;
      mv_group  = 0;
      mv_groups = (G * N + Rows * Cols - 1) / (Rows * Cols);
    end else if (mv_wait > 0) begin
      mv_wait = mv_wait - 1;
    end else if (mv_wait == 0) begin
      if (mv_group < mv_groups) begin
        res_we_i = 1'b1;
        for (int k = 0; k < Rows * Cols; k++)
          res_data_i[32*k +: 32] = mv[mv_steps * G * N + mv_group * Rows * Cols + k];
        mv_group = mv_group + 1;
      end else begin
        seq_done_i = 1'b1;
        mv_wait    = -1;
        mv_steps   = mv_steps + 1;
      end
    end
  end

  function automatic logic [npe_pkg::DescBits-1:0] recur_desc();
    logic [npe_pkg::DescBits-1:0] d;
    logic [31:0] aux;
    d   = '0;
    aux = 32'(Mode) << npe_pkg::RecurAuxModeLsb |
          32'(npe_pkg::RecurInitLoad) << npe_pkg::RecurAuxInitLsb;
    if (Mode != 0) aux = aux | 32'd6 << npe_pkg::RecurAuxHShiftLsb |
                         32'd2 << npe_pkg::RecurAuxAccShiftLsb;
    d[npe_pkg::DescOpcodeLsb +: 8] = 8'(npe_pkg::OpRecur);
    d[npe_pkg::DescFmtALsb +: 8]   = Mode != 0 ? 8'(npe_pkg::FmtInt8) : 8'd0;
    d[npe_pkg::DescFmtBLsb +: 8]   = Mode != 0 ? 8'(npe_pkg::FmtInt8) : 8'd0;
    d[npe_pkg::DescNLsb +: 16]     = 16'(N);
    d[npe_pkg::DescTLsb +: 16]     = 16'(T);
    d[npe_pkg::DescAddrALsb +: 64] = RecAddr;
    d[npe_pkg::DescAddrBLsb +: 64] = H0Addr;
    d[npe_pkg::DescAddrCLsb +: 64] = OutAddr;
    d[npe_pkg::DescAuxLsb +: 32]   = aux;
    return d;
  endfunction

  initial begin
    errors = 0;
    a_words = 0;
    mv_steps = 0;
    wr_beats = 0;
    if (!$value$plusargs("dir=%s", dir)) dir = ".";
    if (Mode != 3) begin
      $readmemh({dir, "/mem.hex"}, mem);
      $readmemh({dir, "/exp.hex"}, exp_h);
    end
    if (Mode == 1 || Mode == 2) begin
      $readmemh({dir, "/mv.hex"}, mv);
      $readmemh({dir, "/code.hex"}, exp_code);
    end
    for (int k = 0; k < OutWords; k++) out_mem[k] = 'x;
    if ($value$plusargs("vcd=%s", vcd)) begin
      $dumpfile(vcd);
      $dumpvars(1, u_net.dut);
    end
    repeat (3) @(negedge clk_i);
    rst_ni = 1'b1;
    repeat (4) @(posedge clk_i);
    if (Mode == 3) begin
      @(posedge clk_i);
      t0 = $time;
      repeat (IdleCycles) @(posedge clk_i);
      t1 = $time;
    end else begin
      t0 = $time;   // the rising edge before the one that dispatches the job
      #1;
      job_desc_i  = recur_desc();
      job_valid_i = 1'b1;
      @(posedge clk_i);
      #1;
      job_valid_i = 1'b0;
      // done_o seen at a negedge: the job ends at the next rising edge
      do @(negedge clk_i);
      while (r_done !== 1'b1 && n_done !== 1'b1 && $time - t0 <= 200000);
      if (r_done !== 1'b1 && n_done !== 1'b1) fail("no done in 20000 cycles");
      @(posedge clk_i);
      t1 = $time;
      if (n_err !== 8'd0 || r_err !== 8'd0) fail($sformatf("job error %h / %h", n_err, r_err));
      repeat (2) @(posedge clk_i);
      for (int k = 0; k < T * N; k++)
        if (out_mem[k / 2][32*(k % 2) +: 32] !== exp_h[k])
          fail($sformatf("h[t=%0d][i=%0d] = %h, golden %h", k / N, k % N,
                         out_mem[k / 2][32*(k % 2) +: 32], exp_h[k]));
      if (Mode != 0 && (a_words != CodeWords || mv_steps != T))
        fail($sformatf("%0d A words (want %0d), %0d mat-vecs (want %0d)", a_words, CodeWords,
                       mv_steps, T));
    end
    cycles = (t1 - t0) / 10;
    $display("tb_recur_energy: %s mode=%0d n=%0d t=%0d t0_ns=%0d t1_ns=%0d cycles=%0d elems=%0d a_words=%0d wr_beats=%0d errors=%0d",
             errors ? "FAIL" : "PASS", Mode, N, T, t0, t1, cycles, Mode == 3 ? 0 : T * N,
             a_words, wr_beats, errors);
    $finish;
  end

endmodule
