// SPDX-License-Identifier: Apache-2.0
// tb_icebreaker: npe_icebreaker_top under Icarus with Yosys's model of the
// UP5K's SPRAM: the host's side of the board link (protocol v2,
// docs/LINK.md: SEQ, CRC-16, bursts) checks HELLO, CSR and memory frames,
// refusals, then runs one gen_engine_job matmul (image put into the SPRAMs
// directly, CSRs and results over the UART, C in one burst) and compares C
// bit-exactly with the golden model.
// Plusargs: as tb_npe_top_icarus (from gen_engine_job --base=0 --mem=131072).
// Last line: "tb_icebreaker: PASS ..." or "tb_icebreaker: FAIL ...".
module tb_icebreaker;

  localparam int ClkDiv = 4;  // clocks per UART bit (the board's too: 3 Mbaud at 12 MHz)

  logic clk = 1'b0;
  always #5 clk = ~clk;

  logic rx = 1'b1, tx, ledr_n, ledg_n;
  logic btn_n = 1'b1;

  npe_icebreaker_top #(.ClkDiv(ClkDiv)) u_dut (
    .CLK (clk), .BTN_N (btn_n), .RX (rx), .TX (tx), .LEDR_N (ledr_n), .LEDG_N (ledg_n)
  );

  // ---------------------------------------------------------------------------
  // UART, host side
  // ---------------------------------------------------------------------------
  logic [7:0] rx_fifo [256];
  int         rx_head = 0, rx_tail = 0;

  // Receiver: samples the middle of every bit of each byte on TX.
  initial begin
    forever begin
      logic [7:0] b;
      @(negedge tx);
      repeat (ClkDiv / 2) @(posedge clk);
      for (int i = 0; i < 8; i++) begin
        repeat (ClkDiv) @(posedge clk);
        b[i] = tx;
      end
      repeat (ClkDiv) @(posedge clk);  // stop bit
      rx_fifo[rx_tail % 256] = b;
      rx_tail++;
    end
  end

  task automatic send_byte(input logic [7:0] b);
    @(posedge clk);
    rx = 1'b0;
    repeat (ClkDiv) @(posedge clk);
    for (int i = 0; i < 8; i++) begin
      rx = b[i];
      repeat (ClkDiv) @(posedge clk);
    end
    rx = 1'b1;
    repeat (ClkDiv) @(posedge clk);
  endtask

  task automatic get_byte(output logic [7:0] b);
    int waited = 0;
    while (rx_head == rx_tail && waited < 100000) begin
      @(posedge clk);
      waited++;
    end
    b = rx_head == rx_tail ? 8'hee : rx_fifo[rx_head % 256];
    if (rx_head != rx_tail) rx_head++;
  endtask

  function automatic logic [15:0] crc16(input logic [15:0] c, input logic [7:0] b);
    logic [15:0] x;
    x = c ^ {b, 8'h00};
    for (int i = 0; i < 8; i++) x = x[15] ? ((x << 1) ^ 16'h1021) : (x << 1);
    return x;
  endfunction

  logic [7:0]  seq = 8'd0;
  logic [31:0] rwords [256];

  task automatic send_crc(input logic [7:0] b, inout logic [15:0] crc);
    send_byte(b);
    crc = crc16(crc, b);
  endtask

  // One request (COUNT words; write data from wdata, one word), the reply's
  // status and words (into rwords; rdata = the first).
  task automatic frame_n(input logic [7:0] op, input logic [23:0] addr, input int count,
                         input logic [31:0] data, output logic [7:0] status,
                         output logic [31:0] rdata);
    logic [7:0]  b;
    logic [15:0] crc, n;
    crc = 16'hffff;
    send_byte(npe_link_pkg::SofReq);
    send_crc(seq, crc);
    send_crc(op, crc);
    send_crc(8'(count), crc);
    send_crc(8'(count >> 8), crc);
    for (int i = 0; i < 3; i++) send_crc(addr[8*i +: 8], crc);
    if (op == npe_link_pkg::OpCsrWrite || op == npe_link_pkg::OpMemWrite)
      for (int i = 0; i < 4; i++) send_crc(data[8*i +: 8], crc);
    send_byte(crc[15:8]);
    send_byte(crc[7:0]);
    seq = seq + 8'd1;
    // the reply: SOF SEQ STATUS COUNT data CRC
    b = 8'h00;
    for (int i = 0; i < 16 && b != npe_link_pkg::SofRep; i++) get_byte(b);
    crc = 16'hffff;
    get_byte(b);
    crc = crc16(crc, b);
    get_byte(status);
    crc = crc16(crc, status);
    get_byte(b);
    crc = crc16(crc, b);
    n[7:0] = b;
    get_byte(b);
    crc = crc16(crc, b);
    n[15:8] = b;
    for (int w = 0; w < int'(n); w++)
      for (int i = 0; i < 4; i++) begin
        get_byte(b);
        crc = crc16(crc, b);
        if (w < 256) rwords[w][8*i +: 8] = b;
      end
    get_byte(b);
    crc = crc16(crc, b);
    get_byte(b);
    crc = crc16(crc, b);
    if (crc != 16'd0) status = 8'hcc;  // the reply's CRC is wrong
    rdata = n != 16'd0 ? rwords[0] : 32'd0;
  endtask

  task automatic frame(input logic [7:0] op, input logic [23:0] addr, input logic [31:0] data,
                       output logic [7:0] status, output logic [31:0] rdata);
    frame_n(op, addr, op == npe_link_pkg::OpHello ? 0 : 1, data, status, rdata);
  endtask

  int errors = 0;

  task automatic expect_frame(input string what, input logic [7:0] op, input logic [23:0] addr,
                              input logic [31:0] data, input logic [7:0] want_status,
                              output logic [31:0] rdata);
    logic [7:0] st;
    frame(op, addr, data, st, rdata);
    if (st != want_status) begin
      $display("tb_icebreaker: %s: status %h, expected %h", what, st, want_status);
      errors++;
    end
  endtask

  // ---------------------------------------------------------------------------
  // The job
  // ---------------------------------------------------------------------------
  localparam int MemWords = 16384;  // 64-bit words of SPRAM
  logic [63:0] img [MemWords];
  logic [63:0] expv [MemWords];
  string       f_mem, f_exp;
  int          mem_words, ring_log2, ndesc, c_word, c_words, mismatches;
  logic [31:0] v, head, status, lo, hi, busy;
  longint      t0;

  initial begin
    if (!$value$plusargs("mem=%s", f_mem) || !$value$plusargs("exp=%s", f_exp) ||
        !$value$plusargs("mem_words=%d", mem_words) ||
        !$value$plusargs("ring_log2=%d", ring_log2) || !$value$plusargs("ndesc=%d", ndesc) ||
        !$value$plusargs("c_word=%d", c_word) || !$value$plusargs("c_words=%d", c_words)) begin
      $display("tb_icebreaker: FAIL: missing plusargs");
      $finish;
    end
    $readmemh(f_mem, img, 0, mem_words - 1);
    $readmemh(f_exp, expv, 0, c_words - 1);
    repeat (40) @(posedge clk);

    // Bridge and CSRs: HELLO, ID, a refused CSR write, memory words, refusals.
    expect_frame("HELLO", 8'h00, 24'd0, 32'd0, 8'h00, v);
    if (v != npe_link_pkg::Magic || rwords[1] != 32'd1024 || rwords[2] != 32'h20000) begin
      $display("tb_icebreaker: HELLO %h %h %h", v, rwords[1], rwords[2]);
      errors++;
    end
    expect_frame("ID read", 8'h02, 24'(npe_pkg::RegIdOffset), 32'd0, 8'h00, v);
    if (v != npe_pkg::RegIdResetVal) begin
      $display("tb_icebreaker: ID %h", v);
      errors++;
    end
    expect_frame("write to read-only ID", 8'h01, 24'(npe_pkg::RegIdOffset), 32'h1, 8'h02, v);
    expect_frame("memory write", 8'h03, 24'h01fffc, 32'hdeadbeef, 8'h00, v);
    expect_frame("memory write", 8'h03, 24'h000104, 32'h01234567, 8'h00, v);
    expect_frame("memory read", 8'h04, 24'h01fffc, 32'd0, 8'h00, v);
    if (v != 32'hdeadbeef) begin
      $display("tb_icebreaker: memory word 0x1fffc reads %h", v);
      errors++;
    end
    expect_frame("memory read", 8'h04, 24'h000104, 32'd0, 8'h00, v);
    if (v != 32'h01234567) begin
      $display("tb_icebreaker: memory word 0x104 reads %h", v);
      errors++;
    end
    expect_frame("memory beyond 128 KiB", 8'h03, 24'h020000, 32'h0, 8'h02, v);
    expect_frame("unaligned memory word", 8'h04, 24'h000102, 32'h0, 8'h02, v);
    expect_frame("unknown op", 8'h07, 24'h0, 32'h0, 8'h03, v);

    // The image into the SPRAMs (16 bits each), then the job over the UART.
    for (int w = 0; w < mem_words; w++) begin
      u_dut.u_mem.gen_spram[0].u_spram.mem[w] = img[w][15:0];
      u_dut.u_mem.gen_spram[1].u_spram.mem[w] = img[w][31:16];
      u_dut.u_mem.gen_spram[2].u_spram.mem[w] = img[w][47:32];
      u_dut.u_mem.gen_spram[3].u_spram.mem[w] = img[w][63:48];
    end
    expect_frame("window base", 8'h01, 24'(npe_pkg::RegDmaWinBaseLoOffset), 32'd0, 8'h00, v);
    expect_frame("window limit", 8'h01, 24'(npe_pkg::RegDmaWinLimitLoOffset), 32'h20000, 8'h00, v);
    expect_frame("ring base", 8'h01, 24'(npe_pkg::RegRingBaseLoOffset), 32'd0, 8'h00, v);
    expect_frame("ring size", 8'h01, 24'(npe_pkg::RegRingSizeOffset), 32'(ring_log2), 8'h00, v);
    expect_frame("ring head", 8'h02, 24'(npe_pkg::RegRingHeadOffset), 32'd0, 8'h00, head);
    expect_frame("ring tail", 8'h01, 24'(npe_pkg::RegRingTailOffset), head, 8'h00, v);
    expect_frame("start", 8'h01, 24'(npe_pkg::RegCtrlOffset),
                 (32'd1 << npe_pkg::RegCtrlPerfEnBit) | (32'd1 << npe_pkg::RegCtrlStartBit), 8'h00, v);
    t0 = $time;
    expect_frame("publish", 8'h01, 24'(npe_pkg::RegRingTailOffset), head + 32'(ndesc), 8'h00, v);
    status = 32'd1;
    for (int i = 0; i < 2000 && status[npe_pkg::RegStatusBusyBit]; i++)
      expect_frame("status", 8'h02, 24'(npe_pkg::RegStatusOffset), 32'd0, 8'h00, status);
    expect_frame("busy cycles", 8'h02, 24'(npe_pkg::RegPerfBusyCyclesLoOffset), 32'd0, 8'h00, busy);

    // C in one burst of 2 c_words words
    mismatches = 0;
    begin
      logic [7:0] st;
      frame_n(8'h04, 24'(8 * c_word), 2 * c_words, 32'd0, st, v);
      if (st != 8'h00 || c_words > 128) begin
        $display("tb_icebreaker: C burst: status %h (%0d words)", st, 2 * c_words);
        errors++;
      end
    end
    for (int i = 0; i < c_words; i++) begin
      lo = rwords[2 * i];
      hi = rwords[2 * i + 1];
      if ({hi, lo} !== expv[i]) begin
        if (mismatches == 0)
          $display("tb_icebreaker: C word %0d = %h, golden %h", i, {hi, lo}, expv[i]);
        mismatches++;
      end
    end

    if (errors != 0 || mismatches != 0 || status[npe_pkg::RegStatusBusyBit] ||
        status[15:8] != 8'd0 || ledr_n !== 1'b1 || ledg_n !== 1'b0) begin
      $display("tb_icebreaker: FAIL: %0d frame errors, %0d C words wrong, status %h", errors,
               mismatches, status);
    end else begin
      $display({"tb_icebreaker: PASS: frames and refusals as specified; matmul of %0d ",
                "descriptors (%0d busy cycles) bit-exact (%0d C words)"}, ndesc, busy, c_words);
    end
    $finish;
  end

endmodule
