// SPDX-License-Identifier: Apache-2.0
// npe_axi_dma: AXI4 master that moves byte ranges between device memory and
// 64-bit valid/ready streams, one read and one write command at a time; it
// does not know about tensors, strides or scratchpads.
//
// A command (address, length in bytes) is checked before anything is issued:
// the address must be 8-byte aligned and [addr, addr + len rounded up to 8)
// must lie inside [win_base_i, win_limit_i); otherwise it completes at once
// with ErrAlign or ErrDmaWindow and no AXI traffic. An accepted command is cut
// into INCR bursts of at most MaxBurstBeats beats that never cross a 4 KiB
// boundary and runs to the end even after an error response; the first SLVERR
// or DECERR is reported with its address (the beat's for reads, the burst's
// for writes) in the completion. A read returns ceil(len/8) beats; a write
// takes ceil(len/8) beats and strobes off the bytes past len in the last one.
// The data streams pass straight to the R and W channels, so the write data
// producer must keep wr_data_valid_i and wr_data_i steady until accepted.
module npe_axi_dma #(
  parameter int          AddrWidth         = 64,  // address bits, 13..64
  // window limit bits: one more than the addresses (a window may end at
  // 2^AddrWidth), 64 at most (the CSRs hold 64)
  parameter int          LimWidth          = AddrWidth < 64 ? AddrWidth + 1 : 64,
  parameter int          LenWidth          = 32,  // command length bits (bytes), 11..AddrWidth
  parameter int          IdWidth           = 4,   // AXI ID bits, 1..16
  parameter int          AxiId             = 0,   // ID on every AR and AW, 0..2^IdWidth-1
  parameter int          MaxBurstBeats     = 256, // longest burst, 1..256
  parameter int          MaxReadsInFlight  = 4,   // read bursts outstanding, 1..16
  parameter int          MaxWritesInFlight = 4    // write bursts outstanding, 1..16
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // DMA window: addresses in [win_base_i, win_limit_i) may be touched
  input  logic [AddrWidth-1:0] win_base_i,
  input  logic [LimWidth-1:0]  win_limit_i,  // exclusive; may be 2^AddrWidth

  // Read command
  input  logic                 rd_cmd_valid_i,
  output logic                 rd_cmd_ready_o,
  input  logic [AddrWidth-1:0] rd_cmd_addr_i,
  input  logic [LenWidth-1:0]  rd_cmd_len_i,
  // Read data stream
  output logic                 rd_data_valid_o,
  input  logic                 rd_data_ready_i,
  output logic [63:0]          rd_data_o,
  output logic                 rd_data_last_o,
  // Read completion: rd_done_o pulses; code and address hold until the next command
  output logic                 rd_done_o,
  output logic [7:0]           rd_err_o,
  output logic [AddrWidth-1:0] rd_err_addr_o,

  // Write command
  input  logic                 wr_cmd_valid_i,
  output logic                 wr_cmd_ready_o,
  input  logic [AddrWidth-1:0] wr_cmd_addr_i,
  input  logic [LenWidth-1:0]  wr_cmd_len_i,
  // Write data stream
  input  logic                 wr_data_valid_i,
  output logic                 wr_data_ready_o,
  input  logic [63:0]          wr_data_i,
  // Write completion: wr_done_o pulses; code and address hold until the next command
  output logic                 wr_done_o,
  output logic [7:0]           wr_err_o,
  output logic [AddrWidth-1:0] wr_err_addr_o,

  // AXI4 master: read address
  output logic [IdWidth-1:0]   m_axi_arid,
  output logic [AddrWidth-1:0] m_axi_araddr,
  output logic [7:0]           m_axi_arlen,
  output logic [2:0]           m_axi_arsize,
  output logic [1:0]           m_axi_arburst,
  output logic                 m_axi_arlock,
  output logic [3:0]           m_axi_arcache,
  output logic [2:0]           m_axi_arprot,
  output logic [3:0]           m_axi_arqos,
  output logic                 m_axi_arvalid,
  input  logic                 m_axi_arready,
  // AXI4 master: read data
  input  logic [IdWidth-1:0]   m_axi_rid,
  input  logic [63:0]          m_axi_rdata,
  input  logic [1:0]           m_axi_rresp,
  input  logic                 m_axi_rlast,
  input  logic                 m_axi_rvalid,
  output logic                 m_axi_rready,
  // AXI4 master: write address
  output logic [IdWidth-1:0]   m_axi_awid,
  output logic [AddrWidth-1:0] m_axi_awaddr,
  output logic [7:0]           m_axi_awlen,
  output logic [2:0]           m_axi_awsize,
  output logic [1:0]           m_axi_awburst,
  output logic                 m_axi_awlock,
  output logic [3:0]           m_axi_awcache,
  output logic [2:0]           m_axi_awprot,
  output logic [3:0]           m_axi_awqos,
  output logic                 m_axi_awvalid,
  input  logic                 m_axi_awready,
  // AXI4 master: write data
  output logic [63:0]          m_axi_wdata,
  output logic [7:0]           m_axi_wstrb,
  output logic                 m_axi_wlast,
  output logic                 m_axi_wvalid,
  input  logic                 m_axi_wready,
  // AXI4 master: write response
  input  logic [IdWidth-1:0]   m_axi_bid,
  input  logic [1:0]           m_axi_bresp,
  input  logic                 m_axi_bvalid,
  output logic                 m_axi_bready
);

  localparam int BeatsWidth = LenWidth - 2;  // ceil(len / 8) fits
  localparam int OutWidth   = 5;             // counts 0..16 bursts in flight
  localparam logic [7:0] ErrNone   = 8'(npe_pkg::ErrNone);
  localparam logic [7:0] ErrAlign  = 8'(npe_pkg::ErrAlign);
  localparam logic [7:0] ErrWindow = 8'(npe_pkg::ErrDmaWindow);
  localparam logic [7:0] ErrSlverr = 8'(npe_pkg::ErrDmaSlverr);
  localparam logic [7:0] ErrDecerr = 8'(npe_pkg::ErrDmaDecerr);

  typedef enum logic [1:0] {
    StIdle,  // waiting for a command
    StRun,   // bursts being issued and answered
    StDone   // completion pulse
  } state_e;

  // ------------------------------------------------------------------
  // Shared helpers
  // ------------------------------------------------------------------
  // Beats in the next burst from addr with left beats to go: as many as
  // possible without passing MaxBurstBeats or the next 4 KiB boundary.
  function automatic logic [8:0] burst_beats(logic [8:0] beat_in_page, logic [BeatsWidth-1:0] left);
    logic [9:0] to_page;
    logic [8:0] cap;
    to_page = 10'd512 - {1'b0, beat_in_page};
    cap = (to_page < 10'(MaxBurstBeats)) ? to_page[8:0] : 9'(MaxBurstBeats);
    burst_beats = (left < BeatsWidth'(cap)) ? left[8:0] : cap;
  endfunction

  function automatic logic [BeatsWidth-1:0] len_beats(logic [LenWidth-1:0] len);
    len_beats = BeatsWidth'(({1'b0, len} + (LenWidth+1)'(7)) >> 3);
  endfunction

  // Completion code of a command before it is issued.
  function automatic logic [7:0] check_cmd(logic [AddrWidth-1:0] addr, logic [LenWidth-1:0] len,
                                           logic [AddrWidth-1:0] base, logic [LimWidth-1:0] limit);
    logic [AddrWidth:0] last;
    last = {1'b0, addr} + ((AddrWidth+1)'(len_beats(len)) << 3);
    // (a limit above 2^AddrWidth counts as 2^AddrWidth: a range past the top
    // would wrap to address 0, below the window)
    if (addr[2:0] != 3'b000) check_cmd = ErrAlign;
    else if (addr < base || last > (AddrWidth+1)'(limit) || (last[AddrWidth] && last[AddrWidth-1:0] != '0))
      check_cmd = ErrWindow;
    else check_cmd = ErrNone;
  endfunction

  function automatic logic [7:0] resp_err(logic [1:0] resp);
    resp_err = (resp == 2'b10) ? ErrSlverr : (resp == 2'b11) ? ErrDecerr : ErrNone;
  endfunction

  // ------------------------------------------------------------------
  // Read channel
  // ------------------------------------------------------------------
  state_e                 rd_state_q, rd_state_d;
  logic [AddrWidth-1:0]   ar_addr_q, ar_addr_d;     // next AR address
  logic [BeatsWidth-1:0]  ar_beats_q, ar_beats_d;   // beats not yet requested
  logic [OutWidth-1:0]    rd_out_q, rd_out_d;       // bursts in flight
  logic [AddrWidth-1:0]   r_addr_q, r_addr_d;       // address of the next R beat
  logic [BeatsWidth-1:0]  r_beats_q, r_beats_d;     // beats not yet received
  logic [7:0]             rd_err_q, rd_err_d;
  logic [AddrWidth-1:0]   rd_err_addr_q, rd_err_addr_d;
  logic [8:0]             ar_burst;
  logic                   ar_hs, r_hs;
  logic [7:0]             rd_check;

  // One window check serves both channels: a read command goes first, a
  // write command offered in the same cycle is taken the cycle after.
  logic                 rd_take, wr_take;
  logic [AddrWidth-1:0] chk_addr;
  logic [LenWidth-1:0]  chk_len;
  logic [7:0]           cmd_check;
  assign rd_take   = rd_state_q == StIdle && rd_cmd_valid_i;
  assign chk_addr  = rd_take ? rd_cmd_addr_i : wr_cmd_addr_i;
  assign chk_len   = rd_take ? rd_cmd_len_i : wr_cmd_len_i;
  assign cmd_check = check_cmd(chk_addr, chk_len, win_base_i, win_limit_i);

  assign ar_burst = burst_beats(ar_addr_q[11:3], ar_beats_q);
  assign rd_check = cmd_check;

  assign m_axi_arvalid = (rd_state_q == StRun) && (ar_beats_q != '0) &&
                         (rd_out_q < OutWidth'(MaxReadsInFlight));
  assign m_axi_araddr  = ar_addr_q;
  assign m_axi_arlen   = 8'(ar_burst - 9'd1);
  assign ar_hs = m_axi_arvalid && m_axi_arready;

  assign m_axi_rready    = (rd_state_q == StRun) && rd_data_ready_i;
  assign rd_data_valid_o = (rd_state_q == StRun) && m_axi_rvalid;
  assign rd_data_o       = m_axi_rdata;
  assign rd_data_last_o  = (r_beats_q == BeatsWidth'(1));
  assign r_hs = m_axi_rvalid && m_axi_rready;
  assign rd_cmd_ready_o  = (rd_state_q == StIdle);

  always_comb begin
    rd_state_d    = rd_state_q;
    ar_addr_d     = ar_addr_q;
    ar_beats_d    = ar_beats_q;
    rd_out_d      = rd_out_q;
    r_addr_d      = r_addr_q;
    r_beats_d     = r_beats_q;
    rd_err_d      = rd_err_q;
    rd_err_addr_d = rd_err_addr_q;
    case (rd_state_q)
      // StIdle: check a new command; refuse it here or start it.
      StIdle: begin
        if (rd_cmd_valid_i) begin
          rd_err_d      = rd_check;
          rd_err_addr_d = (rd_check == ErrNone) ? '0 : rd_cmd_addr_i;
          ar_addr_d     = rd_cmd_addr_i;
          r_addr_d      = rd_cmd_addr_i;
          ar_beats_d    = len_beats(rd_cmd_len_i);
          r_beats_d     = len_beats(rd_cmd_len_i);
          if (rd_check != ErrNone || rd_cmd_len_i == '0) rd_state_d = StDone;
          else rd_state_d = StRun;
        end
      end
      // StRun: issue ARs while allowed, count R beats until the last one.
      StRun: begin
        if (ar_hs) begin
          ar_addr_d  = ar_addr_q + AddrWidth'({ar_burst, 3'b000});
          ar_beats_d = ar_beats_q - BeatsWidth'(ar_burst);
        end
        rd_out_d = rd_out_q + OutWidth'(ar_hs) - OutWidth'(r_hs && m_axi_rlast);
        if (r_hs) begin
          r_addr_d  = r_addr_q + AddrWidth'(8);
          r_beats_d = r_beats_q - BeatsWidth'(1);
          if (rd_err_q == ErrNone && resp_err(m_axi_rresp) != ErrNone) begin
            rd_err_d      = resp_err(m_axi_rresp);
            rd_err_addr_d = r_addr_q;
          end
          if (r_beats_q == BeatsWidth'(1)) rd_state_d = StDone;
        end
      end
      // StDone: one-cycle completion pulse.
      StDone: begin
        rd_out_d   = '0;
        rd_state_d = StIdle;
      end
      default: rd_state_d = StIdle;
    endcase
  end

  // Completion pulses come from the state, not from the blocks above: an
  // output set to a default and then overridden glitches in event-driven
  // simulators (Icarus), and a consumer whose reply feeds this block back
  // would then loop forever in zero time.
  assign rd_done_o     = rd_state_q == StDone;
  assign rd_err_o      = rd_err_q;
  assign rd_err_addr_o = rd_err_addr_q;

  // ------------------------------------------------------------------
  // Write channel
  // ------------------------------------------------------------------
  state_e                 wr_state_q, wr_state_d;
  logic [AddrWidth-1:0]   aw_addr_q, aw_addr_d;     // next AW address
  logic [BeatsWidth-1:0]  aw_beats_q, aw_beats_d;   // beats not yet addressed
  logic [OutWidth-1:0]    wr_out_q, wr_out_d;       // AWs without a B yet
  logic [OutWidth-1:0]    w_credit_q, w_credit_d;   // AWs whose data has not started
  logic [AddrWidth-1:0]   w_addr_q, w_addr_d;       // address of the next W beat
  logic [BeatsWidth-1:0]  w_beats_q, w_beats_d;     // beats not yet sent
  logic [8:0]             w_left_q, w_left_d;       // beats left in this burst, 0 = between bursts
  logic [2:0]             w_tail_q, w_tail_d;       // len mod 8 (bytes in a partial last beat)
  logic [AddrWidth-1:0]   b_addr_q, b_addr_d;       // start address of the next B's burst
  logic [BeatsWidth-1:0]  b_beats_q, b_beats_d;     // beats whose B has not come
  logic [7:0]             wr_err_q, wr_err_d;
  logic [AddrWidth-1:0]   wr_err_addr_q, wr_err_addr_d;
  logic [8:0]             aw_burst, w_burst, b_burst;
  logic                   aw_hs, w_hs, b_hs, w_active;
  logic [7:0]             wr_check;

  assign aw_burst = burst_beats(aw_addr_q[11:3], aw_beats_q);
  assign w_burst  = (w_left_q != 9'd0) ? w_left_q : burst_beats(w_addr_q[11:3], w_beats_q);
  assign b_burst  = burst_beats(b_addr_q[11:3], b_beats_q);
  assign wr_check = cmd_check;
  assign wr_take  = wr_state_q == StIdle && wr_cmd_valid_i && !rd_take;

  assign m_axi_awvalid = (wr_state_q == StRun) && (aw_beats_q != '0) &&
                         (wr_out_q < OutWidth'(MaxWritesInFlight));
  assign m_axi_awaddr  = aw_addr_q;
  assign m_axi_awlen   = 8'(aw_burst - 9'd1);
  assign aw_hs = m_axi_awvalid && m_axi_awready;

  // W follows AW: a burst's data starts only after its address was sent.
  assign w_active        = (wr_state_q == StRun) && (w_beats_q != '0) &&
                           ((w_left_q != 9'd0) || (w_credit_q != '0));
  assign m_axi_wvalid    = w_active && wr_data_valid_i;
  assign wr_data_ready_o = w_active && m_axi_wready;
  assign m_axi_wdata     = wr_data_i;
  assign m_axi_wlast     = (w_burst == 9'd1);
  assign m_axi_wstrb     = (w_beats_q == BeatsWidth'(1) && w_tail_q != 3'd0) ?
                           8'((9'd1 << w_tail_q) - 9'd1) : 8'hff;
  assign w_hs = m_axi_wvalid && m_axi_wready;

  assign m_axi_bready   = (wr_state_q == StRun);
  assign b_hs = m_axi_bvalid && m_axi_bready;
  assign wr_cmd_ready_o = (wr_state_q == StIdle) && !rd_take;

  always_comb begin
    wr_state_d    = wr_state_q;
    aw_addr_d     = aw_addr_q;
    aw_beats_d    = aw_beats_q;
    wr_out_d      = wr_out_q;
    w_credit_d    = w_credit_q;
    w_addr_d      = w_addr_q;
    w_beats_d     = w_beats_q;
    w_left_d      = w_left_q;
    w_tail_d      = w_tail_q;
    b_addr_d      = b_addr_q;
    b_beats_d     = b_beats_q;
    wr_err_d      = wr_err_q;
    wr_err_addr_d = wr_err_addr_q;
    case (wr_state_q)
      // StIdle: check a new command; refuse it here or start it.
      StIdle: begin
        if (wr_take) begin
          wr_err_d      = wr_check;
          wr_err_addr_d = (wr_check == ErrNone) ? '0 : wr_cmd_addr_i;
          aw_addr_d     = wr_cmd_addr_i;
          w_addr_d      = wr_cmd_addr_i;
          b_addr_d      = wr_cmd_addr_i;
          aw_beats_d    = len_beats(wr_cmd_len_i);
          w_beats_d     = len_beats(wr_cmd_len_i);
          b_beats_d     = len_beats(wr_cmd_len_i);
          w_left_d      = 9'd0;
          w_tail_d      = wr_cmd_len_i[2:0];
          if (wr_check != ErrNone || wr_cmd_len_i == '0) wr_state_d = StDone;
          else wr_state_d = StRun;
        end
      end
      // StRun: issue AWs, pass W beats, count Bs until the last burst's.
      StRun: begin
        if (aw_hs) begin
          aw_addr_d  = aw_addr_q + AddrWidth'({aw_burst, 3'b000});
          aw_beats_d = aw_beats_q - BeatsWidth'(aw_burst);
        end
        w_credit_d = w_credit_q + OutWidth'(aw_hs) -
                     OutWidth'(w_hs && w_left_q == 9'd0);
        wr_out_d   = wr_out_q + OutWidth'(aw_hs) - OutWidth'(b_hs);
        if (w_hs) begin
          w_addr_d  = w_addr_q + AddrWidth'(8);
          w_beats_d = w_beats_q - BeatsWidth'(1);
          w_left_d  = w_burst - 9'd1;
        end
        if (b_hs) begin
          b_addr_d  = b_addr_q + AddrWidth'({b_burst, 3'b000});
          b_beats_d = b_beats_q - BeatsWidth'(b_burst);
          if (wr_err_q == ErrNone && resp_err(m_axi_bresp) != ErrNone) begin
            wr_err_d      = resp_err(m_axi_bresp);
            wr_err_addr_d = b_addr_q;
          end
          if (b_beats_q == BeatsWidth'(b_burst)) wr_state_d = StDone;
        end
      end
      // StDone: one-cycle completion pulse.
      StDone: begin
        wr_out_d   = '0;
        w_credit_d = '0;
        wr_state_d = StIdle;
      end
      default: wr_state_d = StIdle;
    endcase
  end

  assign wr_done_o     = wr_state_q == StDone;
  assign wr_err_o      = wr_err_q;
  assign wr_err_addr_o = wr_err_addr_q;

  // ------------------------------------------------------------------
  // Fixed AXI attributes: one ID, 8-byte INCR beats, normal non-cacheable
  // bufferable memory, unprivileged secure data access.
  // ------------------------------------------------------------------
  assign m_axi_arid    = IdWidth'(AxiId);
  assign m_axi_arsize  = 3'd3;
  assign m_axi_arburst = 2'b01;
  assign m_axi_arlock  = 1'b0;
  assign m_axi_arcache = 4'b0011;
  assign m_axi_arprot  = 3'b000;
  assign m_axi_arqos   = 4'h0;
  assign m_axi_awid    = IdWidth'(AxiId);
  assign m_axi_awsize  = 3'd3;
  assign m_axi_awburst = 2'b01;
  assign m_axi_awlock  = 1'b0;
  assign m_axi_awcache = 4'b0011;
  assign m_axi_awprot  = 3'b000;
  assign m_axi_awqos   = 4'h0;

  // ------------------------------------------------------------------
  // Flops
  // ------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_state_q    <= StIdle;
      ar_addr_q     <= '0;
      ar_beats_q    <= '0;
      rd_out_q      <= '0;
      r_addr_q      <= '0;
      r_beats_q     <= '0;
      rd_err_q      <= '0;
      rd_err_addr_q <= '0;
      wr_state_q    <= StIdle;
      aw_addr_q     <= '0;
      aw_beats_q    <= '0;
      wr_out_q      <= '0;
      w_credit_q    <= '0;
      w_addr_q      <= '0;
      w_beats_q     <= '0;
      w_left_q      <= '0;
      w_tail_q      <= '0;
      b_addr_q      <= '0;
      b_beats_q     <= '0;
      wr_err_q      <= '0;
      wr_err_addr_q <= '0;
    end else begin
      rd_state_q    <= rd_state_d;
      ar_addr_q     <= ar_addr_d;
      ar_beats_q    <= ar_beats_d;
      rd_out_q      <= rd_out_d;
      r_addr_q      <= r_addr_d;
      r_beats_q     <= r_beats_d;
      rd_err_q      <= rd_err_d;
      rd_err_addr_q <= rd_err_addr_d;
      wr_state_q    <= wr_state_d;
      aw_addr_q     <= aw_addr_d;
      aw_beats_q    <= aw_beats_d;
      wr_out_q      <= wr_out_d;
      w_credit_q    <= w_credit_d;
      w_addr_q      <= w_addr_d;
      w_beats_q     <= w_beats_d;
      w_left_q      <= w_left_d;
      w_tail_q      <= w_tail_d;
      b_addr_q      <= b_addr_d;
      b_beats_q     <= b_beats_d;
      wr_err_q      <= wr_err_d;
      wr_err_addr_q <= wr_err_addr_d;
    end
  end

  // The single ID is not checked on the way back; the upper address bits of
  // the W beat counter only matter for the 4 KiB position.
  logic unused_ids;
  assign unused_ids = ^{m_axi_rid, m_axi_bid, w_addr_q[AddrWidth-1:12]};

  // ------------------------------------------------------------------
  // Assertions
  // ------------------------------------------------------------------
`ifdef NPE_ASSERT
  AxiArNo4kCross: assert property (@(posedge clk_i)
    rst_ni && m_axi_arvalid |-> ({1'b0, m_axi_araddr[11:3]} + {2'b0, m_axi_arlen}) < 10'd512);
  AxiAwNo4kCross: assert property (@(posedge clk_i)
    rst_ni && m_axi_awvalid |-> ({1'b0, m_axi_awaddr[11:3]} + {2'b0, m_axi_awlen}) < 10'd512);
  AxiArValidStable: assert property (@(posedge clk_i)
    rst_ni && $past(rst_ni && m_axi_arvalid && !m_axi_arready)
    |-> m_axi_arvalid && $stable(m_axi_araddr) && $stable(m_axi_arlen));
  AxiAwValidStable: assert property (@(posedge clk_i)
    rst_ni && $past(rst_ni && m_axi_awvalid && !m_axi_awready)
    |-> m_axi_awvalid && $stable(m_axi_awaddr) && $stable(m_axi_awlen));
  DmaReadInFlightBound: assert property (@(posedge clk_i)
    rst_ni |-> rd_out_q <= OutWidth'(MaxReadsInFlight));
  DmaWriteInFlightBound: assert property (@(posedge clk_i)
    rst_ni |-> wr_out_q <= OutWidth'(MaxWritesInFlight));
`endif

endmodule
