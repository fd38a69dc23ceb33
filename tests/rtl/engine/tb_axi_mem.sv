// SPDX-License-Identifier: Apache-2.0
// tb_axi_mem: behavioural AXI4 slave memory for simulation testbenches
// (Icarus): 64-bit data, INCR bursts of 8-byte beats, every read burst's
// first beat ReadLatency cycles after its AR, then one beat per cycle, in
// order; a write's B WriteLatency cycles after its last W beat. It times
// requests like sim/axi_mem.cpp (libnpesim's model) at full readiness. Not
// synthesisable and not a protocol checker: it counts only what it cannot
// serve (bad size or burst type, beats outside the memory) in errors_o.
module tb_axi_mem #(
  parameter int          MemWords     = 1 << 17,       // 64-bit words
  parameter logic [63:0] MemBase      = 64'h8000_0000, // device address of word 0
  parameter int          ReadLatency  = 100,           // AR accepted to first R beat, cycles
  parameter int          WriteLatency = 20,            // last W beat to B, cycles
  parameter int          QueueDepth   = 16             // bursts held per direction
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  // Read address
  input  logic [3:0]  s_axi_arid,
  input  logic [63:0] s_axi_araddr,
  input  logic [7:0]  s_axi_arlen,
  input  logic [2:0]  s_axi_arsize,
  input  logic [1:0]  s_axi_arburst,
  input  logic        s_axi_arvalid,
  output logic        s_axi_arready,
  // Read data
  output logic [3:0]  s_axi_rid,
  output logic [63:0] s_axi_rdata,
  output logic [1:0]  s_axi_rresp,
  output logic        s_axi_rlast,
  output logic        s_axi_rvalid,
  input  logic        s_axi_rready,
  // Write address
  input  logic [3:0]  s_axi_awid,
  input  logic [63:0] s_axi_awaddr,
  input  logic [7:0]  s_axi_awlen,
  input  logic [2:0]  s_axi_awsize,
  input  logic [1:0]  s_axi_awburst,
  input  logic        s_axi_awvalid,
  output logic        s_axi_awready,
  // Write data
  input  logic [63:0] s_axi_wdata,
  input  logic [7:0]  s_axi_wstrb,
  input  logic        s_axi_wlast,
  input  logic        s_axi_wvalid,
  output logic        s_axi_wready,
  // Write response
  output logic [3:0]  s_axi_bid,
  output logic [1:0]  s_axi_bresp,
  output logic        s_axi_bvalid,
  input  logic        s_axi_bready,

  output int          errors_o
);

  localparam int WBeatDepth = 1024;  // W beats that may run ahead of their AW

  // The memory; testbenches load and dump it with $readmemh / $writememh.
  logic [63:0] mem_q [MemWords];

  // Queues, as rings: head index and count. State is only touched in the
  // clocked block below (blocking assignments); outputs change with <=.
  logic [63:0] rq_addr [QueueDepth];
  logic [7:0]  rq_len [QueueDepth];
  logic [3:0]  rq_id [QueueDepth];
  longint      rq_due [QueueDepth];
  int          rq_head, rq_cnt, r_beat;

  logic [63:0] wq_addr [QueueDepth];
  logic [7:0]  wq_len [QueueDepth];
  logic [3:0]  wq_id [QueueDepth];
  int          wq_head, wq_cnt, w_beat;

  logic [63:0] wb_data [WBeatDepth];
  logic [7:0]  wb_strb [WBeatDepth];
  int          wb_head, wb_cnt;

  logic [3:0]  bq_id [QueueDepth];
  longint      bq_due [QueueDepth];
  int          bq_head, bq_cnt;

  longint      cycles;
  int          errors = 0;

  assign errors_o = errors;

  function automatic int word_of(logic [63:0] addr);
    logic [63:0] off;
    off = (addr - MemBase) >> 3;
    if (addr < MemBase || off >= 64'(MemWords)) return -1;
    return int'(off);
  endfunction

  task automatic check_burst(string ch, logic [2:0] size, logic [1:0] burst);
    if (size != 3'd3 || burst != 2'b01) begin
      errors++;
      $display("tb_axi_mem: %s burst with size %0d, type %0d not served", ch, size, burst);
    end
  endtask

  // One write beat from the W queue into the oldest write burst.
  task automatic drain_writes;
    int w, i;
    logic [63:0] old, mask, addr;
    while (wq_cnt > 0 && wb_cnt > 0) begin
      addr = wq_addr[wq_head] + 64'(8 * w_beat);
      w = word_of(addr);
      mask = '0;
      for (i = 0; i < 8; i++) if (wb_strb[wb_head][i]) mask[8*i +: 8] = 8'hff;
      if (w < 0) begin
        errors++;
        $display("tb_axi_mem: write to %h outside the memory", addr);
      end else begin
        old = mem_q[w];
        mem_q[w] = (old & ~mask) | (wb_data[wb_head] & mask);
      end
      wb_head = (wb_head + 1) % WBeatDepth;
      wb_cnt--;
      if (w_beat == int'(wq_len[wq_head])) begin
        bq_id[(bq_head + bq_cnt) % QueueDepth]  = wq_id[wq_head];
        bq_due[(bq_head + bq_cnt) % QueueDepth] = cycles + WriteLatency;
        bq_cnt++;
        wq_head = (wq_head + 1) % QueueDepth;
        wq_cnt--;
        w_beat = 0;
      end else begin
        w_beat++;
      end
    end
  endtask

  always @(posedge clk_i or negedge rst_ni) begin : tick
    logic ar_hs, aw_hs, w_hs, r_hs, b_hs;
    int   t, w;
    if (!rst_ni) begin
      rq_head = 0; rq_cnt = 0; r_beat = 0;
      wq_head = 0; wq_cnt = 0; w_beat = 0;
      wb_head = 0; wb_cnt = 0;
      bq_head = 0; bq_cnt = 0;
      cycles  = 0;
      s_axi_arready <= 1'b0;
      s_axi_awready <= 1'b0;
      s_axi_wready  <= 1'b0;
      s_axi_rvalid  <= 1'b0;
      s_axi_rid     <= '0;
      s_axi_rdata   <= '0;
      s_axi_rresp   <= '0;
      s_axi_rlast   <= 1'b0;
      s_axi_bvalid  <= 1'b0;
      s_axi_bid     <= '0;
      s_axi_bresp   <= '0;
    end else begin
      // Handshakes of the cycle that ends at this edge.
      ar_hs = s_axi_arvalid && s_axi_arready;
      aw_hs = s_axi_awvalid && s_axi_awready;
      w_hs  = s_axi_wvalid && s_axi_wready;
      r_hs  = s_axi_rvalid && s_axi_rready;
      b_hs  = s_axi_bvalid && s_axi_bready;

      if (ar_hs) begin
        check_burst("AR", s_axi_arsize, s_axi_arburst);
        t = (rq_head + rq_cnt) % QueueDepth;
        rq_addr[t] = s_axi_araddr;
        rq_len[t]  = s_axi_arlen;
        rq_id[t]   = s_axi_arid;
        rq_due[t]  = cycles + ReadLatency;
        rq_cnt++;
      end
      if (aw_hs) begin
        check_burst("AW", s_axi_awsize, s_axi_awburst);
        t = (wq_head + wq_cnt) % QueueDepth;
        wq_addr[t] = s_axi_awaddr;
        wq_len[t]  = s_axi_awlen;
        wq_id[t]   = s_axi_awid;
        wq_cnt++;
      end
      if (w_hs) begin
        t = (wb_head + wb_cnt) % WBeatDepth;
        wb_data[t] = s_axi_wdata;
        wb_strb[t] = s_axi_wstrb;
        wb_cnt++;
      end
      drain_writes;

      if (r_hs) begin
        if (r_beat == int'(rq_len[rq_head])) begin
          rq_head = (rq_head + 1) % QueueDepth;
          rq_cnt--;
          r_beat = 0;
        end else begin
          r_beat++;
        end
      end
      if (b_hs) begin
        bq_head = (bq_head + 1) % QueueDepth;
        bq_cnt--;
      end

      cycles++;

      // Next outputs; a VALID not yet taken stays as it is.
      if (!s_axi_rvalid || r_hs) begin
        s_axi_rvalid <= 1'b0;
        if (rq_cnt > 0 && rq_due[rq_head] <= cycles) begin
          w = word_of(rq_addr[rq_head] + 64'(8 * r_beat));
          if (w < 0) begin
            errors++;
            $display("tb_axi_mem: read of %h outside the memory",
                     rq_addr[rq_head] + 64'(8 * r_beat));
          end
          s_axi_rvalid <= 1'b1;
          s_axi_rid    <= rq_id[rq_head];
          s_axi_rdata  <= w < 0 ? 64'hbadc_0ffe_e0dd_f00d : mem_q[w];
          s_axi_rresp  <= 2'b00;
          s_axi_rlast  <= r_beat == int'(rq_len[rq_head]);
        end
      end
      if (!s_axi_bvalid || b_hs) begin
        s_axi_bvalid <= 1'b0;
        if (bq_cnt > 0 && bq_due[bq_head] <= cycles) begin
          s_axi_bvalid <= 1'b1;
          s_axi_bid    <= bq_id[bq_head];
          s_axi_bresp  <= 2'b00;
        end
      end
      s_axi_arready <= rq_cnt < QueueDepth;
      s_axi_awready <= wq_cnt < QueueDepth;
      s_axi_wready  <= wb_cnt < WBeatDepth - 1;
    end
  end

endmodule
