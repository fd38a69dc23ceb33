// SPDX-License-Identifier: Apache-2.0
// npe_axi_dma_formal: bounded proof harness for npe_axi_dma (Yosys
// read_verilog -sv -formal, yosys-smtbmc, z3; mk/formal.mk). Immediate
// assume/assert in always blocks, so the RTL stays as it is and the
// simulators never see this file. Every input is free except for what the
// environment must keep, stated as assumptions: an AXI slave that answers
// AR/AW in order with the right number of beats and RLAST, B only after a
// burst's last W beat, responses held until taken; a write data producer
// that holds wr_data_valid_i and its data until taken (as npe_axi_dma asks);
// a DMA window that does not change. With FORMAL_FAIR defined, every
// channel also answers within MaxStall + 1 cycles, and progress is asserted.
//
// Parameters are chosen by mk/formal.mk (narrow addresses and lengths keep
// the solver fast; the RTL is the same for every width).
module npe_axi_dma_formal #(
  parameter int AddrWidth     = 16,
  parameter int LenWidth      = 12,
  parameter int MaxBurstBeats = 4,
  parameter int MaxInFlight   = 2,
  parameter int MaxStall      = 2,  // FORMAL_FAIR: longest wait of any handshake partner
  parameter int Progress      = 6   // FORMAL_FAIR: a running command moves within this many cycles
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic [AddrWidth-1:0] win_base_i,
  input  logic [AddrWidth:0]   win_limit_i,
  input  logic                 rd_cmd_valid_i,
  input  logic [AddrWidth-1:0] rd_cmd_addr_i,
  input  logic [LenWidth-1:0]  rd_cmd_len_i,
  input  logic                 rd_data_ready_i,
  input  logic                 wr_cmd_valid_i,
  input  logic [AddrWidth-1:0] wr_cmd_addr_i,
  input  logic [LenWidth-1:0]  wr_cmd_len_i,
  input  logic                 wr_data_valid_i,
  input  logic [63:0]          wr_data_i,
  input  logic                 m_axi_arready,
  input  logic [63:0]          m_axi_rdata,
  input  logic [1:0]           m_axi_rresp,
  input  logic                 m_axi_rlast,
  input  logic                 m_axi_rvalid,
  input  logic                 m_axi_awready,
  input  logic                 m_axi_wready,
  input  logic [1:0]           m_axi_bresp,
  input  logic                 m_axi_bvalid
);
  localparam int AW = AddrWidth;
  localparam int BW = LenWidth - 2;  // beats of a command
  localparam int XW = AddrWidth + 2; // wide enough for any end address

  logic                 rd_cmd_ready_o, rd_data_valid_o, rd_data_last_o, rd_done_o;
  logic [63:0]          rd_data_o;
  logic [7:0]           rd_err_o, wr_err_o;
  logic [AW-1:0]        rd_err_addr_o, wr_err_addr_o;
  logic                 wr_cmd_ready_o, wr_data_ready_o, wr_done_o;
  logic [0:0]           m_axi_arid, m_axi_awid;
  logic [AW-1:0]        m_axi_araddr, m_axi_awaddr;
  logic [7:0]           m_axi_arlen, m_axi_awlen, m_axi_wstrb;
  logic [2:0]           m_axi_arsize, m_axi_awsize, m_axi_arprot, m_axi_awprot;
  logic [1:0]           m_axi_arburst, m_axi_awburst;
  logic                 m_axi_arlock, m_axi_awlock;
  logic [3:0]           m_axi_arcache, m_axi_awcache, m_axi_arqos, m_axi_awqos;
  logic                 m_axi_arvalid, m_axi_rready, m_axi_awvalid, m_axi_wlast, m_axi_wvalid;
  logic                 m_axi_bready;
  logic [63:0]          m_axi_wdata;

  npe_axi_dma #(
    .AddrWidth(AddrWidth), .LenWidth(LenWidth), .IdWidth(1), .AxiId(1),
    .MaxBurstBeats(MaxBurstBeats), .MaxReadsInFlight(MaxInFlight),
    .MaxWritesInFlight(MaxInFlight)
  ) dut (
    .clk_i, .rst_ni, .win_base_i, .win_limit_i,
    .rd_cmd_valid_i, .rd_cmd_ready_o, .rd_cmd_addr_i, .rd_cmd_len_i,
    .rd_data_valid_o, .rd_data_ready_i, .rd_data_o, .rd_data_last_o,
    .rd_done_o, .rd_err_o, .rd_err_addr_o,
    .wr_cmd_valid_i, .wr_cmd_ready_o, .wr_cmd_addr_i, .wr_cmd_len_i,
    .wr_data_valid_i, .wr_data_ready_o, .wr_data_i,
    .wr_done_o, .wr_err_o, .wr_err_addr_o,
    .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize, .m_axi_arburst, .m_axi_arlock,
    .m_axi_arcache, .m_axi_arprot, .m_axi_arqos, .m_axi_arvalid, .m_axi_arready,
    .m_axi_rid(1'b1), .m_axi_rdata, .m_axi_rresp, .m_axi_rlast, .m_axi_rvalid, .m_axi_rready,
    .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize, .m_axi_awburst, .m_axi_awlock,
    .m_axi_awcache, .m_axi_awprot, .m_axi_awqos, .m_axi_awvalid, .m_axi_awready,
    .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast, .m_axi_wvalid, .m_axi_wready,
    .m_axi_bid(1'b1), .m_axi_bresp, .m_axi_bvalid, .m_axi_bready
  );

  // ------------------------------------------------------------------
  // Reset in the first cycle only
  // ------------------------------------------------------------------
  logic init_q;
  initial init_q = 1'b1;
  always @(posedge clk_i) init_q <= 1'b0;
  always @* assume(rst_ni == !init_q);
  logic live;  // a cycle after reset
  assign live = rst_ni && !init_q;

  // ------------------------------------------------------------------
  // Handshakes
  // ------------------------------------------------------------------
  logic ar_hs, r_hs, aw_hs, w_hs, b_hs, rd_take, wr_take;
  assign ar_hs   = m_axi_arvalid && m_axi_arready;
  assign r_hs    = m_axi_rvalid && m_axi_rready;
  assign aw_hs   = m_axi_awvalid && m_axi_awready;
  assign w_hs    = m_axi_wvalid && m_axi_wready;
  assign b_hs    = m_axi_bvalid && m_axi_bready;
  assign rd_take = rd_cmd_valid_i && rd_cmd_ready_o;
  assign wr_take = wr_cmd_valid_i && wr_cmd_ready_o;

  // ------------------------------------------------------------------
  // Reference of a command: beats, window check, expected completion code
  // ------------------------------------------------------------------
  function automatic logic [BW-1:0] beats_of(logic [LenWidth-1:0] len);
    beats_of = BW'((LenWidth+1)'(len) + (LenWidth+1)'(7) >> 3);
  endfunction
  function automatic logic [7:0] refusal(logic [AW-1:0] addr, logic [LenWidth-1:0] len);
    logic [XW-1:0] last;
    last = XW'(addr) + (XW'(beats_of(len)) << 3);
    if (addr[2:0] != 3'd0) refusal = 8'd4;                         // ErrAlign
    else if (addr < win_base_i || last > XW'(win_limit_i) || last > (XW'(1) << AW))
      refusal = 8'd5;  // ErrDmaWindow (nothing past the top of the address space)
    else refusal = 8'd0;
  endfunction
  function automatic logic [7:0] resp_code(logic [1:0] resp);
    resp_code = resp == 2'b10 ? 8'd6 : resp == 2'b11 ? 8'd7 : 8'd0;
  endfunction

  // ------------------------------------------------------------------
  // Read side book-keeping
  // ------------------------------------------------------------------
  // rbusy_q: a read command taken and not completed; rcmd_*: its address,
  // beats, expected refusal; ar_next_q: where the next AR must start;
  // ar_left_q: beats not yet requested; r_left_q: beats not yet received;
  // r_addr_q: address of the next R beat; rerr_*: first error seen.
  // The slave's view: a FIFO of outstanding AR bursts (len), r_beat_q the
  // beat number in the head burst.
  logic                 rbusy_q;
  logic [AW-1:0]        rcmd_addr_q, ar_next_q, r_addr_q, rerr_addr_q;
  logic [BW-1:0]        rcmd_beats_q, ar_left_q, r_left_q;
  logic [7:0]           rcmd_ref_q, rerr_q;
  logic [4:0]           rd_out_q;
  logic [1:0]           rq_head_q, rq_tail_q;
  logic [31:0]          rq_len_q;      // 4 x 8-bit arlen
  logic [7:0]           r_beat_q;
  initial begin
    rbusy_q = 1'b0; rd_out_q = '0; rq_head_q = '0; rq_tail_q = '0; r_beat_q = '0;
  end
  logic [7:0] rq_head_len;
  assign rq_head_len = rq_len_q[{rq_head_q, 3'b000} +: 8];

  always @(posedge clk_i) if (rst_ni) begin
    if (rd_take) begin
      rbusy_q      <= 1'b1;
      rcmd_addr_q  <= rd_cmd_addr_i;
      rcmd_beats_q <= beats_of(rd_cmd_len_i);
      rcmd_ref_q   <= refusal(rd_cmd_addr_i, rd_cmd_len_i);
      ar_next_q    <= rd_cmd_addr_i;
      ar_left_q    <= beats_of(rd_cmd_len_i);
      r_left_q     <= beats_of(rd_cmd_len_i);
      r_addr_q     <= rd_cmd_addr_i;
      rerr_q       <= 8'd0;
      rerr_addr_q  <= '0;
    end else if (rd_done_o) rbusy_q <= 1'b0;
    if (ar_hs) begin
      ar_next_q <= ar_next_q + AW'(({1'b0, m_axi_arlen} + 9'd1) << 3);
      ar_left_q <= ar_left_q - BW'({1'b0, m_axi_arlen} + 9'd1);
      rq_len_q[{rq_tail_q, 3'b000} +: 8] <= m_axi_arlen;
      rq_tail_q <= rq_tail_q + 2'd1;
    end
    rd_out_q <= rd_out_q + 5'(ar_hs) - 5'(r_hs && m_axi_rlast);
    if (r_hs) begin
      r_left_q <= r_left_q - BW'(1);
      r_addr_q <= r_addr_q + AW'(8);
      if (rerr_q == 8'd0 && resp_code(m_axi_rresp) != 8'd0) begin
        rerr_q      <= resp_code(m_axi_rresp);
        rerr_addr_q <= r_addr_q;
      end
      if (m_axi_rlast) begin
        r_beat_q  <= 8'd0;
        rq_head_q <= rq_head_q + 2'd1;
      end else r_beat_q <= r_beat_q + 8'd1;
    end
  end

  // ------------------------------------------------------------------
  // Write side book-keeping
  // ------------------------------------------------------------------
  // As for reads; the slave's view is a FIFO of AW bursts (address, len)
  // with two heads: wq_whead_q the burst receiving W beats (w_beat_q its
  // beat number), wq_bhead_q the oldest burst without a B.
  logic                 wbusy_q;
  logic [AW-1:0]        wcmd_addr_q, aw_next_q, werr_addr_q;
  logic [BW-1:0]        wcmd_beats_q, aw_left_q, w_left_q, b_left_q;
  logic [2:0]           wcmd_tail_q;
  logic [7:0]           wcmd_ref_q, werr_q;
  logic [4:0]           wr_out_q;
  logic [1:0]           wq_whead_q, wq_bhead_q, wq_tail_q;
  logic [31:0]          wq_len_q;
  logic [AW-1:0]        wq_addr0_q, wq_addr1_q, wq_addr2_q, wq_addr3_q;
  logic [7:0]           w_beat_q;
  initial begin
    wbusy_q = 1'b0; wr_out_q = '0; wq_whead_q = '0; wq_bhead_q = '0; wq_tail_q = '0;
    w_beat_q = '0;
  end
  logic [7:0]    wq_whead_len, wq_bhead_len;
  logic [AW-1:0] wq_bhead_addr;
  assign wq_whead_len  = wq_len_q[{wq_whead_q, 3'b000} +: 8];
  assign wq_bhead_len  = wq_len_q[{wq_bhead_q, 3'b000} +: 8];
  always @* case (wq_bhead_q)
    2'd0: wq_bhead_addr = wq_addr0_q;
    2'd1: wq_bhead_addr = wq_addr1_q;
    2'd2: wq_bhead_addr = wq_addr2_q;
    default: wq_bhead_addr = wq_addr3_q;
  endcase

  always @(posedge clk_i) if (rst_ni) begin
    if (wr_take) begin
      wbusy_q      <= 1'b1;
      wcmd_addr_q  <= wr_cmd_addr_i;
      wcmd_beats_q <= beats_of(wr_cmd_len_i);
      wcmd_tail_q  <= wr_cmd_len_i[2:0];
      wcmd_ref_q   <= refusal(wr_cmd_addr_i, wr_cmd_len_i);
      aw_next_q    <= wr_cmd_addr_i;
      aw_left_q    <= beats_of(wr_cmd_len_i);
      w_left_q     <= beats_of(wr_cmd_len_i);
      b_left_q     <= beats_of(wr_cmd_len_i);
      werr_q       <= 8'd0;
      werr_addr_q  <= '0;
    end else if (wr_done_o) wbusy_q <= 1'b0;
    if (aw_hs) begin
      aw_next_q <= aw_next_q + AW'(({1'b0, m_axi_awlen} + 9'd1) << 3);
      aw_left_q <= aw_left_q - BW'({1'b0, m_axi_awlen} + 9'd1);
      wq_len_q[{wq_tail_q, 3'b000} +: 8]   <= m_axi_awlen;
      case (wq_tail_q)
        2'd0: wq_addr0_q <= m_axi_awaddr;
        2'd1: wq_addr1_q <= m_axi_awaddr;
        2'd2: wq_addr2_q <= m_axi_awaddr;
        default: wq_addr3_q <= m_axi_awaddr;
      endcase
      wq_tail_q <= wq_tail_q + 2'd1;
    end
    wr_out_q <= wr_out_q + 5'(aw_hs) - 5'(b_hs);
    if (w_hs) begin
      w_left_q <= w_left_q - BW'(1);
      if (m_axi_wlast) begin
        w_beat_q   <= 8'd0;
        wq_whead_q <= wq_whead_q + 2'd1;
      end else w_beat_q <= w_beat_q + 8'd1;
    end
    if (b_hs) begin
      b_left_q   <= b_left_q - BW'({1'b0, wq_bhead_len} + 9'd1);
      wq_bhead_q <= wq_bhead_q + 2'd1;
      if (werr_q == 8'd0 && resp_code(m_axi_bresp) != 8'd0) begin
        werr_q      <= resp_code(m_axi_bresp);
        werr_addr_q <= wq_bhead_addr;
      end
    end
  end

  // ------------------------------------------------------------------
  // Environment
  // ------------------------------------------------------------------
  always @* if (live) begin
    // the slave answers only what was asked, in order, RLAST on the last beat
    if (m_axi_rvalid) assume(rq_head_q != rq_tail_q && m_axi_rlast == (r_beat_q == rq_head_len));
    // B only for a burst whose address and last data beat were sent
    if (m_axi_bvalid) assume(wq_bhead_q != wq_whead_q);
  end
  // Last cycle's values, for the rules below. (Explicit registers and
  // combinational assume/assert throughout: Yosys registers the checks of a
  // clocked immediate assertion, which would check clocked assumptions one
  // step later than the combinational assertions.)
  logic                 p_live_q;
  initial p_live_q = 1'b0;
  logic [AW-1:0]        p_base_q, p_araddr_q, p_awaddr_q;
  logic [AW:0]          p_limit_q;
  logic                 p_rstall_q, p_bstall_q, p_wdstall_q, p_arstall_q, p_awstall_q, p_wstall_q;
  logic [63:0]          p_rdata_q, p_wdata_i_q, p_wdata_q;
  logic [1:0]           p_rresp_q, p_bresp_q;
  logic                 p_rlast_q, p_wlast_q;
  logic [7:0]           p_arlen_q, p_awlen_q, p_wstrb_q;
  always @(posedge clk_i) begin
    p_live_q    <= live;
    p_base_q    <= win_base_i;
    p_limit_q   <= win_limit_i;
    p_rstall_q  <= m_axi_rvalid && !m_axi_rready;
    p_rdata_q   <= m_axi_rdata;
    p_rresp_q   <= m_axi_rresp;
    p_rlast_q   <= m_axi_rlast;
    p_bstall_q  <= m_axi_bvalid && !m_axi_bready;
    p_bresp_q   <= m_axi_bresp;
    p_wdstall_q <= wr_data_valid_i && !wr_data_ready_o;
    p_wdata_i_q <= wr_data_i;
    p_arstall_q <= m_axi_arvalid && !m_axi_arready;
    p_araddr_q  <= m_axi_araddr;
    p_arlen_q   <= m_axi_arlen;
    p_awstall_q <= m_axi_awvalid && !m_axi_awready;
    p_awaddr_q  <= m_axi_awaddr;
    p_awlen_q   <= m_axi_awlen;
    p_wstall_q  <= m_axi_wvalid && !m_axi_wready;
    p_wdata_q   <= m_axi_wdata;
    p_wstrb_q   <= m_axi_wstrb;
    p_wlast_q   <= m_axi_wlast;
  end
  always @* if (live && p_live_q) begin
    // the DMA window is a register: it does not change
    assume(win_base_i == p_base_q && win_limit_i == p_limit_q);
    // AXI: a slave holds RVALID and BVALID with their payload until taken
    if (p_rstall_q)
      assume(m_axi_rvalid && m_axi_rdata == p_rdata_q && m_axi_rresp == p_rresp_q &&
             m_axi_rlast == p_rlast_q);
    if (p_bstall_q) assume(m_axi_bvalid && m_axi_bresp == p_bresp_q);
    // the write data producer holds its beat until taken (npe_axi_dma's rule)
    if (p_wdstall_q) assume(wr_data_valid_i && wr_data_i == p_wdata_i_q);
  end

`ifdef FORMAL_FAIR
  // Fair environment: nobody keeps a partner waiting more than MaxStall cycles.
  logic [3:0] st_ar_q, st_r_q, st_rd_q, st_aw_q, st_w_q, st_wd_q, st_b_q;
  initial {st_ar_q, st_r_q, st_rd_q, st_aw_q, st_w_q, st_wd_q, st_b_q} = '0;
  always @(posedge clk_i) begin
    st_ar_q <= (m_axi_arvalid && !m_axi_arready) ? st_ar_q + 4'd1 : 4'd0;
    st_r_q  <= (rq_head_q != rq_tail_q && !m_axi_rvalid) ? st_r_q + 4'd1 : 4'd0;
    st_rd_q <= (rd_data_valid_o && !rd_data_ready_i) ? st_rd_q + 4'd1 : 4'd0;
    st_aw_q <= (m_axi_awvalid && !m_axi_awready) ? st_aw_q + 4'd1 : 4'd0;
    st_w_q  <= (m_axi_wvalid && !m_axi_wready) ? st_w_q + 4'd1 : 4'd0;
    st_wd_q <= !wr_data_valid_i ? st_wd_q + 4'd1 : 4'd0;
    st_b_q  <= (wq_bhead_q != wq_whead_q && !m_axi_bvalid) ? st_b_q + 4'd1 : 4'd0;
  end
  always @* begin
    assume(st_ar_q <= MaxStall && st_r_q <= MaxStall && st_rd_q <= MaxStall);
    assume(st_aw_q <= MaxStall && st_w_q <= MaxStall && st_wd_q <= MaxStall);
    assume(st_b_q <= MaxStall);
  end
  // Progress: a running command sees a handshake or completes within
  // Progress cycles (with the counts below, every command completes).
  logic [4:0] rd_idle_q, wr_idle_q;
  initial {rd_idle_q, wr_idle_q} = '0;
  always @(posedge clk_i) if (rst_ni) begin
    rd_idle_q <= (rbusy_q && !(ar_hs || r_hs || rd_done_o)) ? rd_idle_q + 5'd1 : 5'd0;
    wr_idle_q <= (wbusy_q && !(aw_hs || w_hs || b_hs || wr_done_o)) ? wr_idle_q + 5'd1 : 5'd0;
  end
  always @* if (live) begin
    assert(rd_idle_q < Progress);   // DmaReadProgress
    assert(wr_idle_q < Progress);   // DmaWriteProgress
  end
`endif

  // ------------------------------------------------------------------
  // Properties
  // ------------------------------------------------------------------
  logic [XW-1:0] ar_end, aw_end;
  assign ar_end = XW'(m_axi_araddr) + ((XW'(m_axi_arlen) + XW'(1)) << 3);
  assign aw_end = XW'(m_axi_awaddr) + ((XW'(m_axi_awlen) + XW'(1)) << 3);

  always @* if (live && p_live_q) begin
    // DmaArStable, DmaAwStable, DmaWStable: VALID held until READY, payload stable
    if (p_arstall_q)
      assert(m_axi_arvalid && m_axi_araddr == p_araddr_q && m_axi_arlen == p_arlen_q);
    if (p_awstall_q)
      assert(m_axi_awvalid && m_axi_awaddr == p_awaddr_q && m_axi_awlen == p_awlen_q);
    if (p_wstall_q)
      assert(m_axi_wvalid && m_axi_wdata == p_wdata_q && m_axi_wstrb == p_wstrb_q &&
             m_axi_wlast == p_wlast_q);
  end

  always @* if (live) begin
    // DmaAxiAttrs: one ID, 8-byte INCR beats
    assert(m_axi_arid == 1'b1 && m_axi_arsize == 3'd3 && m_axi_arburst == 2'b01);
    assert(m_axi_awid == 1'b1 && m_axi_awsize == 3'd3 && m_axi_awburst == 2'b01);

    // --- reads ---
    if (m_axi_arvalid) begin
      // DmaArNo4kCross, DmaArMaxBurst
      assert(XW'(m_axi_araddr[11:0]) + ((XW'(m_axi_arlen) + XW'(1)) << 3) <= XW'(4096));
      assert(32'(m_axi_arlen) < MaxBurstBeats);
      // DmaArInCommand: only for an accepted command, contiguous, within
      // its range and so within the DMA window
      assert(rbusy_q && rcmd_ref_q == 8'd0);
      assert(m_axi_araddr == ar_next_q && 32'(m_axi_arlen) < 32'(ar_left_q));
      assert(m_axi_araddr >= win_base_i && ar_end <= XW'(win_limit_i));
      // DmaReadInFlight
      assert(rd_out_q < MaxInFlight);
    end
    assert(rd_out_q <= MaxInFlight);
    // DmaRNoStray: R beats taken only while a command expects them
    if (m_axi_rready) assert(rbusy_q);
    if (r_hs) assert(r_left_q != '0);
    // DmaRdStream: the data stream is R, last on the command's last beat
    if (rd_data_valid_o)
      assert(m_axi_rvalid && rd_data_o == m_axi_rdata && m_axi_rready == rd_data_ready_i &&
             rd_data_last_o == (r_left_q == BW'(1)));
    if (m_axi_rvalid && rbusy_q && rcmd_ref_q == 8'd0 && r_left_q != '0) assert(rd_data_valid_o);
    // DmaRdDone: a refused command completes at once, an accepted one after
    // its last beat, with the expected code and address
    if (rd_done_o) begin
      assert(rbusy_q);
      if (rcmd_ref_q != 8'd0)
        assert(rd_err_o == rcmd_ref_q && rd_err_addr_o == rcmd_addr_q &&
               ar_left_q == rcmd_beats_q);
      else
        assert(r_left_q == '0 && ar_left_q == '0 && rd_err_o == rerr_q &&
               rd_err_addr_o == rerr_addr_q);
    end
    if (rbusy_q && !rd_done_o) assert(!rd_cmd_ready_o);

    // --- writes ---
    if (m_axi_awvalid) begin
      assert(XW'(m_axi_awaddr[11:0]) + ((XW'(m_axi_awlen) + XW'(1)) << 3) <= XW'(4096));
      assert(32'(m_axi_awlen) < MaxBurstBeats);
      assert(wbusy_q && wcmd_ref_q == 8'd0);
      assert(m_axi_awaddr == aw_next_q && 32'(m_axi_awlen) < 32'(aw_left_q));
      assert(m_axi_awaddr >= win_base_i && aw_end <= XW'(win_limit_i));
      assert(wr_out_q < MaxInFlight);
    end
    assert(wr_out_q <= MaxInFlight);
    // DmaWFollowsAw, DmaWlast: a W beat only for an addressed burst, WLAST on
    // its last beat exactly, the command's beats only
    if (m_axi_wvalid) begin
      assert(wq_whead_q != wq_tail_q && wbusy_q && w_left_q != '0);
      assert(m_axi_wlast == (w_beat_q == wq_whead_len));
      // DmaWstrb: all bytes but those past the length in the last beat
      assert(m_axi_wstrb == ((w_left_q == BW'(1) && wcmd_tail_q != 3'd0) ?
                             8'((9'd1 << wcmd_tail_q) - 9'd1) : 8'hff));
      assert(m_axi_wdata == wr_data_i && wr_data_valid_i);
    end
    if (wr_data_ready_o) assert(m_axi_wvalid == wr_data_valid_i && m_axi_wready);
    if (m_axi_bready) assert(wbusy_q);
    // DmaWrDone
    if (wr_done_o) begin
      assert(wbusy_q);
      if (wcmd_ref_q != 8'd0)
        assert(wr_err_o == wcmd_ref_q && wr_err_addr_o == wcmd_addr_q &&
               aw_left_q == wcmd_beats_q);
      else
        assert(b_left_q == '0 && w_left_q == '0 && wr_err_o == werr_q &&
               wr_err_addr_o == werr_addr_q);
    end
    if (wbusy_q && !wr_done_o) assert(!wr_cmd_ready_o);
    // a read and a write command are never taken in the same cycle (one
    // window check serves both)
    assert(!(rd_take && wr_take));
  end
endmodule
