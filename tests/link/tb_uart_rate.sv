// SPDX-License-Identifier: Apache-2.0
// tb_uart_rate: which line rates npe_uart_rx / npe_uart_tx hold at the
// iCEBreaker's 12 MHz. For ClkDiv 2, 3, 4 and 8 (6, 4, 3 and 1.5 Mbaud) a
// host whose bit time is 2 % short or 2 % long (the FT2232H's rates are
// exact; 2 % is margin for the board's oscillator and the sampling) sends
// 400 random bytes back to back to the receiver, from a random phase of
// the board clock, and receives 400 bytes the transmitter sends back to
// back, sampling each bit in its middle by its own clock. Prints one line
// per rate, with the largest mismatch (2, 4, 6, 8 %) it still holds: the
// margin left for jitter, edges and sampling; PASS if ClkDiv 4, the board's
// (mk/link.mk LINK_CLK_DIV), holds at 2 %.
`timescale 1ns / 1ps
module tb_uart_rate;

  localparam real ClkNs = 1000.0 / 12.0;  // 12 MHz
  localparam int  NumBytes = 400;

  logic clk = 1'b0;
  always #(ClkNs / 2.0) clk = ~clk;
  logic rst_n = 1'b0;
  initial #(10 * ClkNs) rst_n = 1'b1;

  int rx_bad [4], tx_bad [4], margin [4];
  function automatic int div_of(input int g);
    return g == 0 ? 2 : g == 1 ? 3 : g == 2 ? 4 : 8;
  endfunction

  for (genvar g = 0; g < 4; g++) begin : gen_rate
    localparam int D = div_of(g);
    logic       rx_line = 1'b1, rx_valid, tx_line, tx_ready;
    logic [7:0] rx_byte;
    logic       tx_valid = 1'b0;
    logic [7:0] tx_byte = 8'h00;
    npe_uart_rx #(.ClkDiv(D)) u_rx (
      .clk_i (clk), .rst_ni (rst_n), .rx_i (rx_line), .byte_valid_o (rx_valid), .byte_o (rx_byte)
    );
    npe_uart_tx #(.ClkDiv(D)) u_tx (
      .clk_i (clk), .rst_ni (rst_n), .byte_valid_i (tx_valid), .byte_ready_o (tx_ready),
      .byte_i (tx_byte), .tx_o (tx_line)
    );

    logic [7:0] sent [NumBytes];
    int         got = 0;
    always @(posedge clk) if (rx_valid) begin
      if (got < NumBytes && rx_byte != sent[got]) rx_bad[g]++;
      got++;
    end

    // Host to board, then board to host, for a host bit time of (1 + e) D clocks.
    task automatic run(input real e);
      real bit_ns;
      bit_ns = D * ClkNs * (1.0 + e);
      // host transmitter
      got = 0;
      for (int i = 0; i < NumBytes; i++) sent[i] = 8'($urandom);
      #($urandom_range(0, 1000) / 1000.0 * ClkNs);
      for (int i = 0; i < NumBytes; i++) begin
        rx_line = 1'b0;
        #(bit_ns);
        for (int b = 0; b < 8; b++) begin
          rx_line = sent[i][b];
          #(bit_ns);
        end
        rx_line = 1'b1;
        #(bit_ns);
      end
      #(20 * bit_ns);
      if (got != NumBytes) rx_bad[g] += NumBytes - got;
      // host receiver against the transmitter sending back to back
      fork
        begin
          for (int i = 0; i < NumBytes; i++) begin
            @(posedge clk);
            while (!tx_ready) @(posedge clk);
            tx_byte  <= sent[i];
            tx_valid <= 1'b1;
            @(posedge clk);
            tx_valid <= 1'b0;
          end
        end
        begin
          int lost;
          lost = 0;
          for (int i = 0; i < NumBytes && !lost; i++) begin
            logic [7:0] v;
            int waited;
            // the next start bit (a host that lost step gives up after 20 bits)
            waited = 0;
            while (tx_line === 1'b0 && waited < 80) begin
              #(ClkNs / 4.0);
              waited++;
            end
            while (tx_line === 1'b1 && waited < 80) begin
              #(ClkNs / 4.0);
              waited++;
            end
            if (waited >= 80) begin
              tx_bad[g] += NumBytes - i;
              lost = 1;
            end
            if (!lost) begin
              #(bit_ns * 1.5);
              for (int b = 0; b < 8; b++) begin
                v[b] = tx_line;
                #(bit_ns);
              end
              if (v != sent[i] || tx_line !== 1'b1) tx_bad[g]++;
              #(bit_ns * 0.4);  // to just before the stop bit's end
            end
          end
        end
      join
    endtask
  end

  initial begin
    int pass;
    for (int g = 0; g < 4; g++) begin
      rx_bad[g] = 0;
      tx_bad[g] = 0;
    end
    #(20 * ClkNs);
    // each rate at -2 % and +2 %, then wider while it holds
    for (int g = 0; g < 4; g++) margin[g] = 0;
    pass = 0;
    for (int pct = 2; pct <= 8; pct += 2) begin
      fork
        begin gen_rate[0].run(-pct / 100.0); gen_rate[0].run(pct / 100.0); end
        begin gen_rate[1].run(-pct / 100.0); gen_rate[1].run(pct / 100.0); end
        begin gen_rate[2].run(-pct / 100.0); gen_rate[2].run(pct / 100.0); end
        begin gen_rate[3].run(-pct / 100.0); gen_rate[3].run(pct / 100.0); end
      join
      for (int g = 0; g < 4; g++) begin
        if (pct == 2)
          $display("tb_uart_rate: ClkDiv %0d (%0d baud): %0d of %0d bytes wrong to the board, %0d of %0d from it (host 2 %% slow and 2 %% fast)",
                   div_of(g), 12000000 / div_of(g), rx_bad[g], 2 * NumBytes, tx_bad[g], 2 * NumBytes);
        if (rx_bad[g] == 0 && tx_bad[g] == 0 && margin[g] == pct - 2) margin[g] = pct;
      end
      if (pct == 2) pass = rx_bad[2] == 0 && tx_bad[2] == 0;
      for (int g = 0; g < 4; g++) begin
        rx_bad[g] = 0;
        tx_bad[g] = 0;
      end
    end
    for (int g = 0; g < 4; g++)
      $display("tb_uart_rate: ClkDiv %0d holds a host bit time off by up to %0d %% (of 2, 4, 6, 8)",
               div_of(g), margin[g]);
    if (pass) $display("tb_uart_rate: PASS: ClkDiv 4 (3 Mbaud, the board's) holds at 2 %%");
    else $display("tb_uart_rate: FAIL: ClkDiv 4 (3 Mbaud, the board's) does not hold at 2 %%");
    $finish;
  end

endmodule
