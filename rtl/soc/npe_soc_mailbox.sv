// SPDX-License-Identifier: Apache-2.0
// npe_soc_mailbox: the host <-> firmware mailbox (docs/SOC.md). Two simple
// memory ports (request held until ready; ready and the read data in the
// cycle after the request), one for the core and one for the host, onto one
// register block:
//
//   0x000 ID          ro   0x4e50_4d42 ("NPMB")
//   0x004 FLAGS       ro   bit 0 REQ (doorbell pending), 1 DONE, 2 CORE_RUN,
//                          3 ENG_IRQ (the engine's irq_o, eng_irq_i, as it is now)
//   0x008 DOORBELL    host write: REQ = 1 (the core's interrupt)
//   0x00c REQ_ACK     core write: REQ = 0
//   0x010 DONE        core write: DONE = 1; host write: DONE = 0
//   0x014 HOST_IRQ_EN host rw, bit 0: host_irq_o = DONE & this
//   0x018 CORE_CTRL   host rw, bit 0 CORE_RUN: the core leaves reset (reset 0)
//   0x01c CONSOLE     core write: bits 7:0 to cons_data_o (cons_valid_o)
//   0x040..0x05c REQ_0..7  host rw, core ro: the request
//   0x060..0x07c RSP_0..7  core rw, host ro: the response
//   0x080..0x09c RSP_8..15 core rw, host ro: the response's counters
//
// The core's interrupt (core_irq_o, level) is REQ | ENG_IRQ: the doorbell and
// the engine's interrupt share the core's one external interrupt; the trap
// handler tells them apart by FLAGS. Other offsets read 0 and ignore writes.
// A set and a clear of one flag in the same cycle: the set wins.
module npe_soc_mailbox (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic        c_req_i,
  input  logic        c_we_i,
  input  logic [11:0] c_addr_i,
  input  logic [31:0] c_wdata_i,
  input  logic [3:0]  c_wstrb_i,
  output logic [31:0] c_rdata_o,
  output logic        c_ready_o,

  input  logic        h_req_i,
  input  logic        h_we_i,
  input  logic [11:0] h_addr_i,
  input  logic [31:0] h_wdata_i,
  input  logic [3:0]  h_wstrb_i,
  output logic [31:0] h_rdata_o,
  output logic        h_ready_o,

  input  logic        eng_irq_i,    // the engine's irq_o
  output logic        core_irq_o,   // REQ | eng_irq_i
  output logic        core_run_o,   // CORE_CTRL.CORE_RUN
  output logic        host_irq_o,   // DONE & HOST_IRQ_EN
  output logic        cons_valid_o, // one pulse per CONSOLE write
  output logic [7:0]  cons_data_o
);
  localparam logic [31:0] MboxId = 32'h4e50_4d42;
  localparam logic [11:0] OffId = 12'h000, OffFlags = 12'h004, OffDoorbell = 12'h008,
                          OffReqAck = 12'h00c, OffDone = 12'h010, OffHostIrqEn = 12'h014,
                          OffCoreCtrl = 12'h018, OffConsole = 12'h01c;

  logic        req_q, req_d, done_q, done_d, irq_en_q, irq_en_d, run_q, run_d;
  logic [31:0] reqw_q [8];
  logic [31:0] rspw_q [16];
  logic [31:0] c_rdata_q, c_rdata_d, h_rdata_q, h_rdata_d;
  logic        c_ready_q, h_ready_q;
  logic        cons_valid_q, cons_valid_d;
  logic [7:0]  cons_data_q, cons_data_d;

  // an access is done in the first cycle of its request
  logic c_acc, h_acc, c_wr, h_wr;
  assign c_acc = c_req_i && !c_ready_q;
  assign h_acc = h_req_i && !h_ready_q;
  assign c_wr  = c_acc && c_we_i;
  assign h_wr  = h_acc && h_we_i;

  function automatic logic [31:0] merge(logic [31:0] old, logic [31:0] wdata, logic [3:0] strb);
    for (int i = 0; i < 4; i++) merge[8*i +: 8] = strb[i] ? wdata[8*i +: 8] : old[8*i +: 8];
  endfunction

  function automatic logic [31:0] rd(logic [11:0] a, logic rq, logic dn, logic en, logic run,
                                     logic ei, logic [31:0] rqw, logic [31:0] rsw,
                                     logic [31:0] rsw_hi);
    rd = 32'd0;
    if (a[11:7] == 5'd0 && a[6] && !a[5]) rd = rqw;
    else if (a[11:7] == 5'd0 && a[6] && a[5]) rd = rsw;
    else if (a[11:5] == 7'b0000100) rd = rsw_hi;
    else case (a)
      OffId:        rd = MboxId;
      OffFlags:     rd = {28'd0, ei, run, dn, rq};
      OffHostIrqEn: rd = {31'd0, en};
      OffCoreCtrl:  rd = {31'd0, run};
      default:      rd = 32'd0;
    endcase
  endfunction

  always_comb begin
    req_d    = req_q;
    done_d   = done_q;
    irq_en_d = irq_en_q;
    run_d    = run_q;
    cons_valid_d = 1'b0;
    cons_data_d  = cons_data_q;
    // clears first, sets after: a set in the same cycle wins
    if (c_wr && c_addr_i == OffReqAck) req_d = 1'b0;
    if (h_wr && h_addr_i == OffDone) done_d = 1'b0;
    if (h_wr && h_addr_i == OffDoorbell) req_d = 1'b1;
    if (c_wr && c_addr_i == OffDone) done_d = 1'b1;
    if (h_wr && h_addr_i == OffHostIrqEn) irq_en_d = h_wdata_i[0];
    if (h_wr && h_addr_i == OffCoreCtrl) run_d = h_wdata_i[0];
    if (c_wr && c_addr_i == OffConsole) begin
      cons_valid_d = 1'b1;
      cons_data_d  = c_wdata_i[7:0];
    end
    c_rdata_d = c_acc ? rd(c_addr_i, req_q, done_q, irq_en_q, run_q, eng_irq_i,
                           reqw_q[c_addr_i[4:2]], rspw_q[{1'b0, c_addr_i[4:2]}],
                           rspw_q[{1'b1, c_addr_i[4:2]}]) : c_rdata_q;
    h_rdata_d = h_acc ? rd(h_addr_i, req_q, done_q, irq_en_q, run_q, eng_irq_i,
                           reqw_q[h_addr_i[4:2]], rspw_q[{1'b0, h_addr_i[4:2]}],
                           rspw_q[{1'b1, h_addr_i[4:2]}]) : h_rdata_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      req_q        <= 1'b0;
      done_q       <= 1'b0;
      irq_en_q     <= 1'b0;
      run_q        <= 1'b0;
      c_rdata_q    <= 32'd0;
      h_rdata_q    <= 32'd0;
      c_ready_q    <= 1'b0;
      h_ready_q    <= 1'b0;
      cons_valid_q <= 1'b0;
      cons_data_q  <= 8'd0;
      for (int i = 0; i < 8; i++) reqw_q[i] <= 32'd0;
      for (int i = 0; i < 16; i++) rspw_q[i] <= 32'd0;
    end else begin
      req_q        <= req_d;
      done_q       <= done_d;
      irq_en_q     <= irq_en_d;
      run_q        <= run_d;
      c_rdata_q    <= c_rdata_d;
      h_rdata_q    <= h_rdata_d;
      c_ready_q    <= c_acc;
      h_ready_q    <= h_acc;
      cons_valid_q <= cons_valid_d;
      cons_data_q  <= cons_data_d;
      if (h_wr && h_addr_i[11:5] == 7'b0000010)
        reqw_q[h_addr_i[4:2]] <= merge(reqw_q[h_addr_i[4:2]], h_wdata_i, h_wstrb_i);
      if (c_wr && c_addr_i[11:5] == 7'b0000011)
        rspw_q[{1'b0, c_addr_i[4:2]}] <= merge(rspw_q[{1'b0, c_addr_i[4:2]}], c_wdata_i, c_wstrb_i);
      if (c_wr && c_addr_i[11:5] == 7'b0000100)
        rspw_q[{1'b1, c_addr_i[4:2]}] <= merge(rspw_q[{1'b1, c_addr_i[4:2]}], c_wdata_i, c_wstrb_i);
    end
  end

  assign c_rdata_o    = c_rdata_q;
  assign c_ready_o    = c_ready_q;
  assign h_rdata_o    = h_rdata_q;
  assign h_ready_o    = h_ready_q;
  assign core_irq_o   = req_q || eng_irq_i;
  assign core_run_o   = run_q;
  assign host_irq_o   = done_q && irq_en_q;
  assign cons_valid_o = cons_valid_q;
  assign cons_data_o  = cons_data_q;

`ifdef NPE_ASSERT
  MboxCoreReqHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
    c_ready_q |-> c_req_i);
  MboxHostReqHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
    h_ready_q |-> h_req_i);
`endif
endmodule
