// SPDX-License-Identifier: Apache-2.0
// npe_cmd: the command processor. It fetches 64-byte descriptors from the
// ring in device memory (or takes one from the DESC CSRs on a doorbell) and
// dispatches them, in order, to the engine's units through one generic
// dispatch interface (docs/ARCHITECTURE.md, "The dispatch interface"):
//
//   job_desc_o   the head descriptor, broadcast to every unit;
//   unit_chk_i   each unit's check of it, unit_claim_i the resources
//                (units, buffers, the banks' read ports) it would need;
//   job_valid_o  one-hot: the unit that takes it this cycle;
//   unit_busy_i / unit_done_i / unit_err_i  back from the units.
//
// Which unit runs an opcode, and which runs its next step (an XBAR run's
// NLU step), comes from the register map (npe_pkg::op_unit, op_next_unit).
// npe_cmd keeps the order, the hazards (a resource scoreboard: a descriptor
// waits while a resource it claims is held by a busy unit) and the errors
// (the first stops the ring and is reported with the descriptor's index).
// It decodes no unit's fields and moves no data.
module npe_cmd #(
  parameter int          FifoDepth     = 4,     // descriptors fetched ahead, 1..16
  parameter int          AddrBits      = 64,    // DMA address bits, 13..64
  parameter bit          HasDirectDesc = 1'b1,  // doorbell_i / desc_i used (else ring only)
  parameter bit          CheckOnce     = 1'b0,  // units check a head once, results kept here (Verilator)
  parameter logic [npe_pkg::NumUnits-1:0] UnitMask = '1  // units built (others: BAD_OPCODE)
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,

  // From / to the CSRs
  input  logic                       start_i,       // run the ring
  input  logic                       soft_reset_i,  // abort: drop pending work, clear the halt
  input  logic                       doorbell_i,    // run desc_i once
  input  logic [npe_pkg::DescBits-1:0] desc_i,
  input  logic [AddrBits-1:0]        ring_base_i,
  input  logic [3:0]                 ring_log2_i,
  input  logic [15:0]                ring_tail_i,
  output logic [15:0]                ring_head_o,
  output logic                       busy_o,
  output logic                       done_o,        // busy fell (pulse)
  output logic                       desc_irq_o,    // a descriptor with FLAGS.IRQ completed (pulse)
  output logic                       err_valid_o,   // pulse with the three below
  output logic [7:0]                 err_code_o,
  output logic [15:0]                err_idx_o,     // ring index, 0xffff for a direct descriptor
  output logic [AddrBits-1:0]        err_addr_o,    // faulting address (its low AddrBits bits)

  // DMA read port for descriptor fetches
  output logic                       rd_cmd_valid_o,
  input  logic                       rd_cmd_ready_i,
  output logic [AddrBits-1:0]        rd_cmd_addr_o,
  output logic [31:0]                rd_cmd_len_o,
  input  logic                       rd_data_valid_i,
  input  logic [63:0]                rd_data_i,
  input  logic                       rd_done_i,
  input  logic [7:0]                 rd_err_i,
  input  logic [AddrBits-1:0]        rd_err_addr_i,

  // Dispatch interface: unit u's signals at [u], [8u +: 8], ...
  output logic [npe_pkg::DescBits-1:0]                   job_desc_o,
  output logic [npe_pkg::NumUnits-1:0]                   job_valid_o,
  output logic                                           job_chk_en_o, // units: check job_desc_o now
  output logic                                           abort_o,  // every unit (soft reset)
  input  logic [npe_pkg::NumUnits*8-1:0]                 unit_chk_i,
  input  logic [npe_pkg::NumUnits*AddrBits-1:0]          unit_chk_addr_i,
  input  logic [npe_pkg::NumUnits*npe_pkg::NumRes-1:0]   unit_claim_i,
  input  logic [npe_pkg::NumUnits-1:0]                   unit_busy_i,
  input  logic [npe_pkg::NumUnits-1:0]                   unit_done_i,
  input  logic [npe_pkg::NumUnits-1:0]                   unit_next_i,
  input  logic [npe_pkg::NumUnits*8-1:0]                 unit_err_i,
  input  logic [npe_pkg::NumUnits*AddrBits-1:0]          unit_err_addr_i,

  // Why the head descriptor waits this cycle (performance counters)
  output logic                       stall_spad_o,
  output logic                       stall_out_o,
  output logic                       stall_fence_o
);

  localparam int NU       = npe_pkg::NumUnits;
  localparam int NR       = npe_pkg::NumRes;
  localparam int DescBits = npe_pkg::DescBits;
  localparam int CntBits  = $clog2(FifoDepth + 1);
  localparam int PtrBits  = $clog2(FifoDepth > 1 ? FifoDepth : 2);
  localparam logic [15:0] DirectIdx = 16'hffff;
  // Resource classes, for the stall counters: the units and the banks' read
  // ports, the scratchpad buffers, the output buffers.
  localparam logic [NR-1:0] ResUnits = NR'((1 << NU) - 1) | (NR'(1) << npe_pkg::ResRdPorts);
  localparam logic [NR-1:0] ResSpad  = NR'(4'hf) << npe_pkg::ResSpadA0;
  localparam logic [NR-1:0] ResOut   = NR'(2'h3) << npe_pkg::ResOut0;

  // ---------------------------------------------------------------------------
  // Descriptor FIFO
  // ---------------------------------------------------------------------------
  // With one FIFO entry and no doorbell, the fetch buffer is the entry: a
  // fetch starts only when the FIFO is empty, and its descriptor waits in
  // the buffer until dispatched (a second 512-bit copy saved).
  localparam bit FetchIsFifo = FifoDepth == 1 && !HasDirectDesc;
  logic [DescBits-1:0]        fifo_head;  // the descriptor at the FIFO's head
  logic [15:0]                fifo_idx_q  [FifoDepth];
  logic [PtrBits-1:0]         fifo_rd_q, fifo_wr_q;
  logic [CntBits-1:0]         fifo_cnt_q, fifo_cnt_d;
  logic                       push, pop, flush;
  logic                       db_pend_q, db_pend_d, db_push, fetch_push; // doorbell queue
  logic [DescBits-1:0]        push_desc;
  logic [15:0]                push_idx;

  always_ff @(posedge clk_i) begin
    if (push) fifo_idx_q[fifo_wr_q] <= push_idx;
  end

  always_comb begin
    fifo_cnt_d = fifo_cnt_q;
    if (flush)          fifo_cnt_d = '0;
    else if (push && !pop) fifo_cnt_d = fifo_cnt_q + 1'b1;
    else if (pop && !push) fifo_cnt_d = fifo_cnt_q - 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fifo_rd_q  <= '0;
      fifo_wr_q  <= '0;
      fifo_cnt_q <= '0;
    end else if (flush) begin
      fifo_rd_q  <= '0;
      fifo_wr_q  <= '0;
      fifo_cnt_q <= '0;
    end else begin
      fifo_cnt_q <= fifo_cnt_d;
      if (push) fifo_wr_q <= PtrBits'((32'(fifo_wr_q) + 1) % FifoDepth);
      if (pop)  fifo_rd_q <= PtrBits'((32'(fifo_rd_q) + 1) % FifoDepth);
    end
  end

  // ---------------------------------------------------------------------------
  // Ring fetcher: one descriptor per DMA read, ahead of dispatch
  // ---------------------------------------------------------------------------
  // FetchIdle: nothing in flight; FetchReq: asking the DMA for the read;
  // FetchData: command taken, beats arriving until the DMA's done. A fetch
  // in flight when the ring is flushed is completed, then dropped (drop_q).
  typedef enum logic [1:0] {FetchIdle, FetchReq, FetchData} fetch_e;
  fetch_e      fetch_q, fetch_d;
  logic        ring_en_q, ring_en_d;
  logic [15:0] fetch_idx_q, fetch_idx_d;
  logic [15:0] head_q, head_d;
  logic        fetching;                  // a fetch is in flight
  logic        drop_q, drop_d;            // discard it (soft reset or error)
  logic [2:0]  beat_q, beat_d;
  logic [DescBits-1:0] fetch_buf_q, fetch_buf_d;
  logic [15:0] ring_mask;
  logic        ring_cfg_bad;
  logic        fetch_err;

  assign fetching     = fetch_q != FetchIdle;
  assign ring_mask    = 16'((32'd1 << ring_log2_i) - 1);
  assign ring_cfg_bad = ring_base_i[5:0] != 6'd0;

  assign rd_cmd_valid_o = fetch_q == FetchReq;
  assign rd_cmd_addr_o  = ring_base_i + AddrBits'({fetch_idx_q & ring_mask, 6'd0});
  assign rd_cmd_len_o   = 32'(npe_pkg::DescSizeBytes);
  assign fetch_err      = rd_done_i && rd_err_i != 8'd0 && !drop_q;

  // The beat lands in the descriptor buffer by mask, not by a part-select
  // write: a block that writes a vector twice re-triggers itself in Icarus.
  logic             fetch_beat;
  logic [DescBits-1:0] beat_mask, beat_data;
  assign fetch_beat  = fetching && rd_data_valid_i;
  assign beat_mask   = {{(DescBits-64){1'b0}}, {64{1'b1}}} << (64 * beat_q);
  assign beat_data   = {{(DescBits-64){1'b0}}, rd_data_i} << (64 * beat_q);
  assign fetch_buf_d = fetch_beat ? ((fetch_buf_q & ~beat_mask) | beat_data) : fetch_buf_q;

  // With AddrBits < 64 a fetched ADDR_A / ADDR_C keeps its low AddrBits bits
  // and, in bit AddrBits, whether any bit above was set: enough for the
  // units' range checks (ERR_ADDR reports the low bits), and the rest need
  // no flip-flops.
  logic [DescBits-1:0] fetch_buf_f;
  if (AddrBits < 64) begin : gen_fold
    localparam logic [DescBits-1:0] HiA =
        DescBits'({(64 - AddrBits){1'b1}}) << (npe_pkg::DescAddrALsb + AddrBits);
    localparam logic [DescBits-1:0] HiC =
        DescBits'({(64 - AddrBits){1'b1}}) << (npe_pkg::DescAddrCLsb + AddrBits);
    assign fetch_buf_f = (fetch_buf_d & ~(HiA | HiC)) |
                         (DescBits'(|(fetch_buf_d & HiA)) << (npe_pkg::DescAddrALsb + AddrBits)) |
                         (DescBits'(|(fetch_buf_d & HiC)) << (npe_pkg::DescAddrCLsb + AddrBits));
  end else begin : gen_no_fold
    assign fetch_buf_f = fetch_buf_d;
  end

  if (FetchIsFifo) begin : gen_fifo_in_fetch_buf
    assign fifo_head = fetch_buf_q;
    logic unused_push;
    assign unused_push = ^push_desc;
  end else begin : gen_fifo_store
    logic [DescBits-1:0] fifo_desc_q [FifoDepth];
    always_ff @(posedge clk_i) begin
      if (push) fifo_desc_q[fifo_wr_q] <= push_desc;
    end
    assign fifo_head = fifo_desc_q[fifo_rd_q];
  end

  logic fetch_room;  // a FIFO slot no fetch or doorbell has taken
  assign fetch_room = 32'(fifo_cnt_q) + 32'(db_pend_q) < FifoDepth;

  always_comb begin
    fetch_d = fetch_q;
    beat_d  = beat_q;
    drop_d  = drop_q;
    if (fetch_beat) beat_d = beat_q + 3'd1;
    unique case (fetch_q)
      FetchIdle: begin
        if (ring_en_q && fetch_idx_q != ring_tail_i && fetch_room && !flush) begin
          fetch_d = FetchReq;
          beat_d  = 3'd0;
        end
      end
      FetchReq: begin
        if (rd_done_i) begin
          fetch_d = FetchIdle;
          drop_d  = 1'b0;
        end else if (rd_cmd_ready_i) begin
          fetch_d = FetchData;
        end
      end
      FetchData: begin
        if (rd_done_i) begin
          fetch_d = FetchIdle;
          drop_d  = 1'b0;
        end
      end
      default: fetch_d = FetchIdle;
    endcase
  end

  // ---------------------------------------------------------------------------
  // The head descriptor
  // ---------------------------------------------------------------------------
  logic [DescBits-1:0] d;
  logic [15:0] d_idx;
  logic [7:0]  d_op;
  logic        d_valid, d_irq, d_nop, d_fence, d_known;
  logic [NU-1:0] d_unit, d_next;      // its unit, and its next step's (one-hot or 0)

  assign d_valid = fifo_cnt_q != '0;
  assign d       = fifo_head;
  assign d_idx   = fifo_idx_q[fifo_rd_q];
  assign d_op    = d[npe_pkg::DescOpcodeLsb +: npe_pkg::DescOpcodeBits];
  assign d_irq   = d[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagIrqBit];
  assign d_nop   = d_op == 8'(npe_pkg::OpNop);
  assign d_fence = d_op == 8'(npe_pkg::OpFence);
  assign d_unit  = npe_pkg::op_unit(d_op) & UnitMask;
  assign d_next  = npe_pkg::op_next_unit(d_op) & UnitMask;
  assign d_known = d_nop || d_fence || d_unit != '0;

  // ---------------------------------------------------------------------------
  // Next steps: when a unit finishes with next_o, the descriptor's next step
  // goes to the next unit (an XBAR run's NLU step). The step holds what both
  // steps claimed from the first step's dispatch to the last step's end.
  // ---------------------------------------------------------------------------
  logic                step_q;            // a descriptor has a step to come or running
  logic                step_sent_q;       // its next step was dispatched
  logic [DescBits-1:0] step_desc_q;
  logic [NU-1:0]       step_from_q, step_to_q;
  logic [NR-1:0]       step_claim_q;
  logic                step_go;           // dispatch the next step this cycle
  logic                step_end;
  assign step_go  = step_q && !step_sent_q && |(unit_done_i & unit_next_i & step_from_q);
  assign step_end = step_q && (step_sent_q ? |(unit_done_i & step_to_q)
                                           : |(unit_done_i & ~unit_next_i & step_from_q));

  // The bus carries the next step's descriptor when one goes, else the head.
  assign job_desc_o = step_go ? step_desc_q : d;

  // ---------------------------------------------------------------------------
  // Check and hazards of the head (through the units' view of job_desc_o)
  // ---------------------------------------------------------------------------
  logic [7:0]          first_chk, next_chk, chk_code;
  logic [AddrBits-1:0] chk_addr;
  logic [NR-1:0]       claim, next_claim, held;
  logic                chk_err;

  // One-hot selects and OR-reductions over the units (functions: an
  // always_comb that reads what it writes re-triggers itself in Icarus).
  function automatic logic [7:0] sel8(input logic [NU-1:0] sel, input logic [NU*8-1:0] v);
    logic [7:0] r;
    r = '0;
    for (int u = 0; u < NU; u++) if (sel[u]) r = r | v[8*u +: 8];
    sel8 = r;
  endfunction
  function automatic logic [15:0] sel16(input logic [NU-1:0] sel, input logic [NU*16-1:0] v);
    logic [15:0] r;
    r = '0;
    for (int u = 0; u < NU; u++) if (sel[u]) r = r | v[16*u +: 16];
    sel16 = r;
  endfunction
  function automatic logic [AddrBits-1:0] sel_addr(input logic [NU-1:0] sel,
                                                   input logic [NU*AddrBits-1:0] v);
    logic [AddrBits-1:0] r;
    r = '0;
    for (int u = 0; u < NU; u++) if (sel[u]) r = r | v[AddrBits*u +: AddrBits];
    sel_addr = r;
  endfunction
  function automatic logic [NR-1:0] sel_res(input logic [NU-1:0] sel, input logic [NU*NR-1:0] v);
    logic [NR-1:0] r;
    r = '0;
    for (int u = 0; u < NU; u++) if (sel[u]) r = r | v[NR*u +: NR];
    sel_res = r;
  endfunction

  logic [NU*NR-1:0] claims_q;   // what each unit holds while busy (unit u at NR*u)
  logic [7:0]          first_chk_live, next_chk_live;  // the units' results this cycle
  logic [AddrBits-1:0] chk_addr_live;
  logic [NR-1:0]       claim_live, next_claim_live;

  // CheckOnce (the Verilator model; docs/ARCHITECTURE.md, "Simulation
  // speed"): a head descriptor is checked by the units in its first cycle
  // only (job_chk_en_o) and the results are kept here while it waits;
  // the Verilator model then skips the units' check logic in the other cycles (it
  // evaluates every block every cycle otherwise). The results depend on
  // the descriptor, the build and state that changes only at a dispatch
  // or a soft reset (the crossbar's programmed tile), and the head changes
  // only at a pop (a dispatch, NOPs and FENCEs too) or a flush, so the kept
  // results are the ones the units would give. A next step's dispatch
  // (step_go) shows its own descriptor: checked then too (its unit's claim
  // is recorded below), the head's results kept. Without CheckOnce (every
  // synthesised build) the units check every cycle, as before.
  if (CheckOnce) begin : gen_check_once
    logic                hd_ok_q;   // the kept results are the present head's
    logic                chk_new;   // the head shows for the first time
    logic                hd_drop;   // the head leaves after this cycle
    logic [7:0]          first_chk_q, next_chk_q;
    logic [AddrBits-1:0] chk_addr_q;
    logic [NR-1:0]       claim_q, next_claim_q;
`ifdef NPE_PLANT_BUG_SIM_ENABLE
    // Test only (sim-enable-plant-test): a NOP's or FENCE's pop is missed,
    // so the descriptor behind it keeps their (empty) results.
    assign hd_drop = (pop && job_valid_o != '0) || flush;
`else
    assign hd_drop = pop || flush;
`endif
    assign chk_new      = d_valid && !hd_ok_q;
    assign job_chk_en_o = chk_new || step_go;
    // The units' results are read in the head's first cycle only (a loop
    // in a block: this branch is built by Verilator alone, which has no
    // Icarus re-trigger to fear; the functions below copy their wide
    // arguments in every evaluation).
    always_comb begin
      first_chk_live  = '0;
      next_chk_live   = '0;
      chk_addr_live   = '0;
      claim_live      = '0;
      next_claim_live = '0;
      if (chk_new) begin
        for (int u = 0; u < NU; u++) begin
          if (d_unit[u]) begin
            first_chk_live = first_chk_live | unit_chk_i[8*u +: 8];
            chk_addr_live  = chk_addr_live | unit_chk_addr_i[AddrBits*u +: AddrBits];
            claim_live     = claim_live | unit_claim_i[NR*u +: NR];
          end
          if (d_next[u]) begin
            next_chk_live   = next_chk_live | unit_chk_i[8*u +: 8];
            next_claim_live = next_claim_live | unit_claim_i[NR*u +: NR];
          end
        end
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        hd_ok_q      <= 1'b0;
        first_chk_q  <= '0;
        next_chk_q   <= '0;
        chk_addr_q   <= '0;
        claim_q      <= '0;
        next_claim_q <= '0;
      end else begin
        hd_ok_q <= d_valid && !hd_drop && (hd_ok_q || !step_go);
        if (chk_new && !step_go) begin
          first_chk_q  <= first_chk_live;
          next_chk_q   <= next_chk_live;
          chk_addr_q   <= chk_addr_live;
          claim_q      <= claim_live;
          next_claim_q <= next_claim_live;
        end
      end
    end
    assign first_chk  = hd_ok_q ? first_chk_q  : first_chk_live;
    assign next_chk   = hd_ok_q ? next_chk_q   : next_chk_live;
    assign chk_addr   = hd_ok_q ? chk_addr_q   : chk_addr_live;
    assign claim      = hd_ok_q ? claim_q      : claim_live;
    assign next_claim = hd_ok_q ? next_claim_q : next_claim_live;
  end else begin : gen_check_always
    assign job_chk_en_o    = 1'b1;
    assign first_chk_live  = sel8(d_unit, unit_chk_i);
    assign next_chk_live   = sel8(d_next, unit_chk_i);
    assign chk_addr_live   = sel_addr(d_unit, unit_chk_addr_i);
    assign claim_live      = sel_res(d_unit, unit_claim_i);
    assign next_claim_live = sel_res(d_next, unit_claim_i);
    assign first_chk    = first_chk_live;
    assign next_chk     = next_chk_live;
    assign chk_addr     = chk_addr_live;
    assign claim        = claim_live;
    assign next_claim   = next_claim_live;
  end
  assign held       = sel_res(unit_busy_i, claims_q) | (step_q ? step_claim_q : '0);

  // The first step's check, then the next step's (of the fields it reads).
  assign chk_code = !d_known                   ? 8'(npe_pkg::ErrBadOpcode) :
                    first_chk != 8'(npe_pkg::ErrNone) ? first_chk : next_chk;
  assign chk_err  = d_valid && !step_go && chk_code != 8'(npe_pkg::ErrNone);

  logic [NR-1:0] want, conflict;
  logic          hz_fence, dispatch;
  assign want     = claim | next_claim;
`ifdef NPE_PLANT_BUG_SCOREBOARD
  // Test only (cmd-test, engine-assert-test): forgets the output buffers.
  assign conflict = want & held & ~ResOut;
`else
  assign conflict = want & held;
`endif
  assign hz_fence = d_fence && (unit_busy_i != '0 || step_q);
  assign dispatch = d_valid && !chk_err && conflict == '0 && !hz_fence && !soft_reset_i &&
                    !step_go;

  assign job_valid_o = step_go ? step_to_q : (dispatch ? d_unit : '0);

  assign stall_spad_o  = d_valid && !step_go && !chk_err && (conflict & (ResUnits | ResSpad)) != '0;
  assign stall_out_o   = d_valid && !step_go && !chk_err && (conflict & ResOut) != '0 &&
                         (conflict & ResSpad) == '0;
  assign stall_fence_o = d_valid && !step_go && hz_fence;

  // ---------------------------------------------------------------------------
  // The scoreboard and per-unit job records
  // ---------------------------------------------------------------------------
  logic [NU*16-1:0] idxs_q;   // ring index of each unit's job (error reports)
  logic [NU-1:0]    irq_q;    // its FLAGS.IRQ
  logic             d_has_next;
  assign d_has_next = dispatch && next_claim != '0;

  for (genvar u = 0; u < NU; u++) begin : gen_job
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        claims_q[NR*u +: NR] <= '0;
        idxs_q[16*u +: 16]   <= '0;
        irq_q[u]             <= 1'b0;
      end else if (job_valid_o[u]) begin
        // the head's claim (kept, with CheckOnce), or the next step's
        claims_q[NR*u +: NR] <= step_go ? unit_claim_i[NR*u +: NR] : claim;
        idxs_q[16*u +: 16]   <= step_go ? 16'd0 : d_idx;
        irq_q[u]             <= job_desc_o[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagIrqBit];
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      step_q       <= 1'b0;
      step_sent_q  <= 1'b0;
      step_desc_q  <= '0;
      step_from_q  <= '0;
      step_to_q    <= '0;
      step_claim_q <= '0;
    end else if (soft_reset_i) begin
      step_q      <= 1'b0;
      step_sent_q <= 1'b0;
    end else if (d_has_next) begin
      step_q       <= 1'b1;
      step_sent_q  <= 1'b0;
      step_desc_q  <= d;
      step_from_q  <= d_unit;
      step_to_q    <= d_next;
      step_claim_q <= next_claim | NR'(d_unit);  // the first unit's bit: one descriptor at a time
    end else begin
      if (step_go)  step_sent_q <= 1'b1;
      if (step_end) step_q      <= 1'b0;
    end
  end

  // ---------------------------------------------------------------------------
  // Errors, ring state, FIFO traffic
  // ---------------------------------------------------------------------------
  // A unit's error comes with its done; the lowest unit index first.
  logic [NU-1:0]       err_here, err_first;
  logic                unit_err;
  logic [7:0]          unit_err_code;
  logic [15:0]         unit_err_idx;
  logic [AddrBits-1:0] unit_err_addr;
  for (genvar u = 0; u < NU; u++) begin : gen_err
    assign err_here[u] = unit_done_i[u] && unit_err_i[8*u +: 8] != 8'd0;
  end
  assign err_first     = err_here & ~(err_here - NU'(1));  // lowest set bit
  assign unit_err      = err_here != '0;
  assign unit_err_code = sel8(err_first, unit_err_i);
  assign unit_err_idx  = sel16(err_first, idxs_q);
  assign unit_err_addr = sel_addr(err_first, unit_err_addr_i);

  logic start_bad;
  assign start_bad = start_i && ring_cfg_bad;

  // The first error source in priority order. Written as one assignment per
  // output: a default-then-override block glitches in Icarus, and the flush
  // it drives feeds back into this module's decode.
  logic chk_err_live;
  assign chk_err_live = chk_err && !soft_reset_i;
  assign err_valid_o  = start_bad || fetch_err || unit_err || chk_err_live;
  assign err_code_o   = start_bad ? 8'(npe_pkg::ErrRingCfg) :
                        fetch_err ? rd_err_i :
                        unit_err  ? unit_err_code :
                        chk_err_live ? chk_code : 8'(npe_pkg::ErrNone);
  assign err_idx_o    = start_bad ? DirectIdx :
                        fetch_err ? fetch_idx_q :
                        unit_err  ? unit_err_idx :
                        chk_err_live ? d_idx : 16'd0;
  assign err_addr_o   = start_bad ? ring_base_i :
                        fetch_err ? rd_err_addr_i :
                        unit_err  ? unit_err_addr :
                        chk_err_live ? chk_addr : '0;

  // An error or a soft reset drops everything not yet dispatched.
  assign flush     = err_valid_o || soft_reset_i;
  assign pop       = dispatch;
  // A doorbell is captured and queued as soon as the FIFO has a slot that
  // an in-flight ring fetch has not reserved, so it is never lost to a full
  // FIFO or to a fetch completing in the same cycle. A second doorbell while
  // one is still waiting is ignored (STATUS.BUSY tells software to wait).
  logic [DescBits-1:0] db_desc_q;
  assign fetch_push = fetching && rd_done_i && rd_err_i == 8'd0 && !drop_q && !flush;
  assign db_push    = db_pend_q && !(fetching && rd_done_i) && !flush &&
                      32'(fifo_cnt_q) + 32'(fetching) < FifoDepth;
  assign db_pend_d  = HasDirectDesc && !flush && (db_push ? 1'b0 : (db_pend_q || doorbell_i));

  always_ff @(posedge clk_i) begin
    if (doorbell_i && !db_pend_q) db_desc_q <= desc_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) db_pend_q <= 1'b0;
    else         db_pend_q <= db_pend_d;
  end

  assign push      = fetch_push || db_push;
  assign push_desc = (fetch_push || !HasDirectDesc) ? fetch_buf_f : db_desc_q;
  assign push_idx  = fetch_push ? fetch_idx_q : DirectIdx;

  // HEAD after this cycle's dispatch. Computed outside the block below: a
  // block must not read what it writes (Icarus would re-trigger it forever).
  logic [15:0] head_adv;
  assign head_adv = (dispatch && d_idx != DirectIdx) ? ((d_idx + 16'd1) & ring_mask) : head_q;

  always_comb begin
    ring_en_d   = ring_en_q;
    fetch_idx_d = fetch_idx_q;
    head_d      = head_adv;
    if (start_i && !ring_cfg_bad) ring_en_d = 1'b1;
    if (fetching && rd_done_i && !drop_q && !flush) fetch_idx_d = (fetch_idx_q + 16'd1) & ring_mask;
    if (flush) begin
      ring_en_d   = 1'b0;
      // discard what was fetched but not dispatched: the ring resumes at head
      fetch_idx_d = (chk_err && d_idx != DirectIdx) ? d_idx : head_adv;
      if (soft_reset_i) begin
        fetch_idx_d = ring_tail_i;
        head_d      = ring_tail_i;
      end
    end
  end

  // A fetch in flight during a flush is still completed by the DMA, then dropped.
  logic drop_set;
  assign drop_set = flush && fetching && !rd_done_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ring_en_q   <= 1'b0;
      fetch_idx_q <= '0;
      head_q      <= '0;
      fetch_q     <= FetchIdle;
      drop_q      <= 1'b0;
      beat_q      <= '0;
      fetch_buf_q <= '0;
    end else begin
      ring_en_q   <= ring_en_d;
      fetch_idx_q <= fetch_idx_d;
      head_q      <= head_d;
      fetch_q     <= fetch_d;
      drop_q      <= drop_d | drop_set;
      beat_q      <= beat_d;
      fetch_buf_q <= fetch_buf_f;
    end
  end

  assign ring_head_o = head_q;
  assign abort_o     = soft_reset_i;

  // ---------------------------------------------------------------------------
  // Completion events
  // ---------------------------------------------------------------------------
  logic busy_q;
  assign busy_o = (ring_en_q && fetch_idx_q != ring_tail_i) || fifo_cnt_q != '0 || db_pend_q ||
                  fetching || unit_busy_i != '0 || step_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) busy_q <= 1'b0;
    else         busy_q <= busy_o;
  end
  assign done_o     = busy_q && !busy_o;
  // A unit's job completes at its done, unless a next step follows.
  assign desc_irq_o = (unit_done_i & ~unit_next_i & irq_q) != '0 ||
                      (dispatch && d_irq && (d_nop || d_fence));

  // ---------------------------------------------------------------------------
  // Assertions (on in every simulation build: NPE_ASSERT)
  // ---------------------------------------------------------------------------
`ifdef NPE_ASSERT
  // No two busy units hold one resource.
  logic [NR-1:0] held_acc, held_twice;
  always_comb begin
    held_acc   = '0;
    held_twice = '0;
    for (int u = 0; u < NU; u++) begin
      if (unit_busy_i[u]) begin
        held_twice = held_twice | (held_acc & claims_q[NR*u +: NR]);
        held_acc   = held_acc | claims_q[NR*u +: NR];
      end
    end
  end
  CmdDispatchOneHot: assert property (@(posedge clk_i) disable iff (!rst_ni)
      $onehot0(job_valid_o));
  CmdDispatchToIdleUnit: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (job_valid_o & unit_busy_i) == '0);
  CmdNoSharedResource: assert property (@(posedge clk_i) disable iff (!rst_ni)
      held_twice == '0);
  CmdDispatchNoConflict: assert property (@(posedge clk_i) disable iff (!rst_ni)
      dispatch |-> (want & held) == '0);
  CmdFifoCountInDepth: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(fifo_cnt_q) <= FifoDepth);
  CmdFifoNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (push && !pop && !flush) |-> 32'(fifo_cnt_q) < FifoDepth);
  CmdDoneOnlyWhenBusy: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (unit_done_i & ~unit_busy_i) == '0);
  CmdFetchDataAfterCmd: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rd_data_valid_i |-> fetch_q == FetchData);
`endif

endmodule
