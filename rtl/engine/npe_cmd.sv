// SPDX-License-Identifier: Apache-2.0
// npe_cmd: the command processor. It fetches 64-byte descriptors from the
// ring in device memory (or takes one from the DESC CSRs on a doorbell),
// checks them, and dispatches them in order to the loader, the MAC array and
// the storer, which then run concurrently. A descriptor waits only while a
// unit it needs is busy or a buffer it touches is in use (double buffering:
// a LOAD into one buffer overlaps a MATMUL on the other). The first error
// stops the ring and is reported with the descriptor's index. It does not
// move data itself.
module npe_cmd #(
  parameter int          Rows       = 4,
  parameter int          Cols       = 2,
  parameter int          ABankWords = 1024,  // 64-bit words per A bank per buffer
  parameter int          BBankWords = 2048,  // 64-bit words per B bank per buffer
  parameter int          OutGroups  = 32,    // column groups per output buffer
  parameter logic [5:0]  FormatMask = 6'h3f,
  parameter int          FifoDepth  = 4,     // descriptors fetched ahead, 1..16
  parameter int          XbarK      = 64,    // crossbar tile inputs, multiple of 8
  parameter int          XbarN      = 64,    // crossbar tile outputs
  parameter int          AddrBits   = 64,    // DMA address bits, 13..64
  parameter bit          HasNlu     = 1'b1,  // NLU built (else NLU is a bad opcode)
  parameter bit          HasXbar    = 1'b1,  // crossbar built (else XBAR is a bad opcode)
  parameter bit          HasDirectDesc = 1'b1 // doorbell_i / desc_i used (else ring only)
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,

  // From / to the CSRs
  input  logic                       start_i,       // run the ring
  input  logic                       soft_reset_i,  // abort: drop pending work, clear the halt
  input  logic                       doorbell_i,    // run desc_i once
  input  logic [npe_pkg::DescSizeBytes*8-1:0] desc_i,
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
  output logic [AddrBits-1:0]        err_addr_o,  // faulting address (its low AddrBits bits)

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

  // Loader
  output logic                       ld_start_o,
  output logic                       ld_is_b_o,
  output logic                       ld_buf_o,
  output logic [15:0]                ld_rows_o,
  output logic [15:0]                ld_row_words_o,
  output logic [AddrBits-1:0]        ld_addr_o,
  output logic [31:0]                ld_stride_o,
  input  logic                       ld_busy_i,
  input  logic                       ld_done_i,
  input  logic [7:0]                 ld_err_i,
  input  logic [AddrBits-1:0]        ld_err_addr_i,

  // MAC array
  output logic                       ar_start_o,
  output logic [2:0]                 ar_fmt_o,      // npe_pkg::npe_fmt_e code
  output logic [2:0]                 ar_out_fmt_o,  // npe_pkg::npe_fmt_e code
  output logic                       ar_out_fp32_o,
  output logic [7:0]                 ar_m_o,
  output logic [15:0]                ar_n_o,
  output logic [15:0]                ar_words_o,
  output logic [2:0]                 ar_last_lanes_o, // elements in a dot product's last word
  output logic [15:0]                ar_pitch_b_o,
  output logic                       ar_a_buf_o,
  output logic                       ar_b_buf_o,
  output logic                       ar_o_buf_o,
  input  logic                       ar_busy_i,
  input  logic                       ar_done_i,

  // Storer
  output logic                       st_start_o,
  output logic                       st_buf_o,
  output logic [7:0]                 st_m_o,
  output logic [15:0]                st_n_o,
  output logic                       st_fp32_o,
  output logic [AddrBits-1:0]        st_addr_o,
  output logic [31:0]                st_stride_o,
  input  logic                       st_busy_i,
  input  logic                       st_done_i,
  input  logic [7:0]                 st_err_i,
  input  logic [AddrBits-1:0]        st_err_addr_i,

  // Nonlinear unit
  output logic                       nl_start_o,
  output logic                       nl_buf_o,
  output logic [15:0]                nl_groups_o,
  output logic [3:0]                 nl_bits_o,
  output logic [3:0]                 nl_frac_o,
  output logic [3:0]                 nl_shr_o,
  output logic                       nl_two_seg_o,
  output logic [15:0]                nl_split_o,
  input  logic                       nl_busy_i,
  input  logic                       nl_done_i,

  // Crossbar tile (its run's NLU phase goes through the nl_* port above)
  output logic                       xb_start_o,
  output logic                       xb_prog_o,
  output logic                       xb_a_buf_o,
  output logic                       xb_b_buf_o,
  output logic                       xb_o_buf_o,
  output logic [15:0]                xb_n_o,
  output logic [15:0]                xb_kw_o,
  output logic [7:0]                 xb_m_o,
  input  logic                       xb_busy_i,
  input  logic                       xb_done_i,
  input  logic                       xb_codes_i,  // the analog model wrote codes: no NLU phase

  // Abort of every unit (soft reset)
  output logic                       abort_o,

  // Why the head descriptor waits this cycle (performance counters)
  output logic                       stall_spad_o,
  output logic                       stall_out_o,
  output logic                       stall_fence_o
);

  // Descriptor addresses at or above 2^AddrBits are outside every DMA window.
  localparam logic [63:0] AddrHiMask = AddrBits >= 64 ? 64'd0 : ~64'd0 << AddrBits;

  localparam int CntBits = $clog2(FifoDepth + 1);
  localparam int PtrBits = $clog2(FifoDepth > 1 ? FifoDepth : 2);
  localparam logic [15:0] DirectIdx = 16'hffff;
  localparam int DescBits = npe_pkg::DescSizeBytes * 8;

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
  logic        ring_en_q, ring_en_d;
  logic [15:0] fetch_idx_q, fetch_idx_d;
  logic [15:0] head_q, head_d;
  logic        fetching_q, fetching_d;    // a fetch is in flight
  logic        cmd_sent_q, cmd_sent_d;    // its DMA command was accepted
  logic        drop_q, drop_d;            // discard it (soft reset or error)
  logic [2:0]  beat_q, beat_d;
  logic [DescBits-1:0] fetch_buf_q, fetch_buf_d;
  logic [15:0] ring_mask;
  logic        ring_cfg_bad;
  logic        fetch_err;

  assign ring_mask    = 16'((32'd1 << ring_log2_i) - 1);
  assign ring_cfg_bad = ring_base_i[5:0] != 6'd0;

  assign rd_cmd_valid_o = fetching_q && !cmd_sent_q;
  assign rd_cmd_addr_o  = ring_base_i + AddrBits'({fetch_idx_q & ring_mask, 6'd0});
  assign rd_cmd_len_o   = 32'(npe_pkg::DescSizeBytes);
  assign fetch_err      = rd_done_i && rd_err_i != 8'd0 && !drop_q;

  // The beat lands in the descriptor buffer by mask, not by a part-select
  // write: a block that writes a vector twice re-triggers itself in Icarus.
  logic             fetch_beat;
  logic [DescBits-1:0] beat_mask, beat_data;
  assign fetch_beat  = fetching_q && rd_data_valid_i;
  assign beat_mask   = {{(DescBits-64){1'b0}}, {64{1'b1}}} << (64 * beat_q);
  assign beat_data   = {{(DescBits-64){1'b0}}, rd_data_i} << (64 * beat_q);
  assign fetch_buf_d = fetch_beat ? ((fetch_buf_q & ~beat_mask) | beat_data) : fetch_buf_q;

  // With AddrBits < 64 a fetched ADDR_A / ADDR_C keeps its low AddrBits bits
  // and, in bit AddrBits, whether any bit above was set: enough for the
  // range check (ERR_ADDR reports the low bits), and the rest need no
  // flip-flops.
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

  always_comb begin
    beat_d      = beat_q;
    fetching_d  = fetching_q;
    cmd_sent_d  = cmd_sent_q || (rd_cmd_valid_o && rd_cmd_ready_i);
    drop_d      = drop_q;
    if (fetch_beat) beat_d = beat_q + 3'd1;
    if (fetching_q && rd_done_i) begin
      fetching_d = 1'b0;
      cmd_sent_d = 1'b0;
      drop_d     = 1'b0;
    end else if (!fetching_q && ring_en_q && fetch_idx_q != ring_tail_i &&
                 32'(fifo_cnt_q) + 32'(db_pend_q) < FifoDepth && !flush) begin
      fetching_d = 1'b1;
      beat_d     = 3'd0;
    end
  end

  // ---------------------------------------------------------------------------
  // Decode of the head descriptor
  // ---------------------------------------------------------------------------
  logic [DescBits-1:0] d;
  logic [15:0] d_idx;
  logic [7:0]  d_op, d_flags, d_fa, d_fb, d_fo, d_spad;
  logic [15:0] d_m, d_n, d_k;
  logic [63:0] d_addr_a, d_addr_c;
  logic [31:0] d_stride_a, d_stride_c, d_aux;
  logic        d_valid;

  assign d_valid    = fifo_cnt_q != '0;
  assign d          = fifo_head;
  assign d_idx      = fifo_idx_q[fifo_rd_q];
  assign d_op       = d[npe_pkg::DescOpcodeLsb +: 8];
  assign d_flags    = d[npe_pkg::DescFlagsLsb +: 8];
  assign d_fa       = d[npe_pkg::DescFmtALsb +: 8];
  assign d_fb       = d[npe_pkg::DescFmtBLsb +: 8];
  assign d_fo       = d[npe_pkg::DescFmtOutLsb +: 8];
  assign d_spad     = d[npe_pkg::DescSpadLsb +: 8];
  assign d_m        = d[npe_pkg::DescMLsb +: 16];
  assign d_n        = d[npe_pkg::DescNLsb +: 16];
  assign d_k        = d[npe_pkg::DescKLsb +: 16];
  assign d_addr_a   = d[npe_pkg::DescAddrALsb +: 64];
  assign d_addr_c   = d[npe_pkg::DescAddrCLsb +: 64];
  assign d_stride_a = d[npe_pkg::DescStrideALsb +: 32];
  assign d_stride_c = d[npe_pkg::DescStrideCLsb +: 32];
  assign d_aux      = d[npe_pkg::DescAuxLsb +: 32];

  // NLU parameters in AUX (docs/REGMAP.md, opcode NLU)
  logic [3:0] nl_bits, nl_frac;
  assign nl_bits = d_aux[3:0];
  assign nl_frac = d_aux[7:4];
  logic nl_aux_bad;  // B not 1..8, F above 14, or reserved bits set
  assign nl_aux_bad = nl_bits == 4'd0 || nl_bits > 4'd8 || nl_frac > 4'd14 || d_aux[11:9] != 3'd0;

  // LOAD geometry
  logic        ld_is_b;
  logic [15:0] ld_row_words, ld_rows_per_bank;
  logic [31:0] ld_need_words, ld_cap_words;
  assign ld_is_b          = d_spad[6:0] == 7'd1;
  assign ld_row_words     = d_k >> 3;
  // Divisions by the constant bank counts, not by a mux of them: a divider
  // by a variable is a large circuit, one by a power of two is wiring.
  assign ld_rows_per_bank = ld_is_b ? 16'((32'(d_m) + Cols - 1) / Cols)
                                    : 16'((32'(d_m) + Rows - 1) / Rows);
  assign ld_need_words    = 32'(ld_rows_per_bank) * 32'(ld_row_words);
  assign ld_cap_words     = ld_is_b ? BBankWords : ABankWords;

  // MATMUL geometry
  logic        mm_ternary, mm_fmt_ok, mm_out_ok;
  logic [2:0]  mm_lanes;
  logic [15:0] mm_words, mm_pitch_a, mm_pitch_b, mm_groups;
  logic [2:0]  mm_fmt;               // npe_pkg::npe_fmt_e code
  assign mm_ternary = d_fa == 8'(npe_pkg::FmtInt8) && d_fb == 8'(npe_pkg::FmtTernary);
  assign mm_fmt     = mm_ternary ? npe_pkg::FmtTernary : d_fa[2:0];
  assign mm_fmt_ok  = (mm_ternary || (d_fa == d_fb && d_fa < 8'(npe_pkg::NumFormats) &&
                                      d_fa != 8'(npe_pkg::FmtTernary))) && FormatMask[mm_fmt];
  assign mm_out_ok  = d_flags[npe_pkg::DescFlagOutFp32Bit] ||
                      (d_fo < 8'(npe_pkg::NumFormats) && FormatMask[d_fo[2:0]]);
  always_comb begin
    unique case (mm_fmt)
      npe_pkg::FmtFp4, npe_pkg::FmtPosit4:                        mm_lanes = 3'd4;
      npe_pkg::FmtPosit8, npe_pkg::FmtInt8, npe_pkg::FmtTernary:  mm_lanes = 3'd2;
      default:                                                    mm_lanes = 3'd1;
    endcase
  end
  // lanes is 1, 2 or 4: a shift, not a divider
  assign mm_words   = mm_lanes == 3'd4 ? 16'((32'(d_k) + 3) >> 2) :
                      mm_lanes == 3'd2 ? 16'((32'(d_k) + 1) >> 1) : d_k;
  // K mod lanes, or a full word (lanes is 1, 2 or 4)
  logic [2:0] mm_last_lanes;
  assign mm_last_lanes = mm_lanes == 3'd4 ? (d_k[1:0] == 2'd0 ? 3'd4 : {1'b0, d_k[1:0]}) :
                         mm_lanes == 3'd2 ? (d_k[0] ? 3'd1 : 3'd2) : 3'd1;
  assign mm_pitch_a = 16'((32'(mm_words) + 3) / 4);
  assign mm_pitch_b = mm_ternary ? 16'((32'(mm_words) + 15) / 16) : mm_pitch_a;
  assign mm_groups  = 16'((32'(d_n) + Cols - 1) / Cols);

  // ---------------------------------------------------------------------------
  // Check, hazards and dispatch
  // ---------------------------------------------------------------------------
  // A unit is busy from the cycle after its dispatch (its go pulse) on.
  logic ld_go_q, ar_go_q, st_go_q, nl_go_q, xb_go_q;
  logic nl_buf_q;  // output buffer of the NLU job (hazards below)
  // The crossbar: xb_busy while it reads scratchpads or writes the output
  // buffer; xb_out from an XBAR run's dispatch until its NLU phase is done
  // (it owns output buffer xb_o_buf_q and the NLU until then).
  logic xb_busy, xb_out_q, xb_prog_q, xb_a_buf_q, xb_b_buf_q, xb_o_buf_q, xb_irq_q;
  logic tile_ok_q;
  logic [15:0] tile_n_q, tile_kw_q, xb_n_q, xb_kw_q;
  logic [7:0]  xb_m_q;
  assign xb_busy = xb_busy_i || xb_go_q;
  logic ld_busy, ar_busy, st_busy, nl_busy;
  assign ld_busy = ld_busy_i || ld_go_q;
  assign ar_busy = ar_busy_i || ar_go_q;
  assign st_busy = st_busy_i || st_go_q;
  assign nl_busy = nl_busy_i || nl_go_q;

  logic       chk_err;
  logic [7:0] chk_code;
  logic [AddrBits-1:0] chk_addr;
  logic       hz_spad, hz_out, hz_fence, hz_unit;

  always_comb begin
    chk_code = npe_pkg::ErrNone;
    chk_addr = '0;
    hz_spad  = 1'b0;
    hz_out   = 1'b0;
    hz_fence = 1'b0;
    hz_unit  = 1'b0;
    unique case (d_op)
      8'(npe_pkg::OpNop): ;
      8'(npe_pkg::OpLoad): begin
        if (d_spad[6:0] > 7'd1) chk_code = npe_pkg::ErrSpadRange;
        else if (d_m == 16'd0 || d_k == 16'd0) chk_code = npe_pkg::ErrBadDims;
        else if (d_k[2:0] != 3'd0 || d_addr_a[2:0] != 3'd0 ||
                 (d_m > 16'd1 && d_stride_a[2:0] != 3'd0)) begin
          chk_code = npe_pkg::ErrAlign;
          chk_addr = AddrBits'(d_addr_a);
        end else if ((d_addr_a & AddrHiMask) != 64'd0) begin
          chk_code = npe_pkg::ErrDmaWindow;
          chk_addr = AddrBits'(d_addr_a);
        end else if (ld_need_words > ld_cap_words) chk_code = npe_pkg::ErrSpadRange;
        hz_unit = ld_busy;
        hz_spad = (ar_busy && (ld_is_b ? ar_b_buf_o == d_spad[7] : ar_a_buf_o == d_spad[7])) ||
                  (xb_busy && (ld_is_b ? xb_prog_q && xb_b_buf_q == d_spad[7]
                                       : !xb_prog_q && xb_a_buf_q == d_spad[7]));
      end
      8'(npe_pkg::OpMatmul): begin
        if (d_flags[npe_pkg::DescFlagAccumBit] || d_flags[npe_pkg::DescFlagKeepBit]) begin
          chk_code = npe_pkg::ErrBadOpcode;
        end
        else if (!mm_fmt_ok || !mm_out_ok) chk_code = npe_pkg::ErrBadFormat;
        else if (d_m == 16'd0 || 32'(d_m) > Rows || d_n == 16'd0 ||
                 32'(d_n) > Cols * OutGroups || d_k == 16'd0 ||
                 32'(mm_pitch_a) > ABankWords ||
                 32'(mm_groups) * 32'(mm_pitch_b) > BBankWords) chk_code = npe_pkg::ErrBadDims;
        hz_unit = ar_busy || xb_busy;  // the crossbar borrows the banks' read ports
        hz_spad = ld_busy && ((ld_is_b_o && ld_buf_o == d_spad[1]) ||
                                (!ld_is_b_o && ld_buf_o == d_spad[0]));
        hz_out  = (st_busy && st_buf_o == d_spad[2]) || (nl_busy && nl_buf_q == d_spad[2]) ||
                  (xb_out_q && xb_o_buf_q == d_spad[2]);
      end
      8'(npe_pkg::OpStore): begin
        if (d_spad[6:0] != 7'd2) chk_code = npe_pkg::ErrSpadRange;
        else if (d_m == 16'd0 || 32'(d_m) > Rows || d_n == 16'd0 ||
                 32'(d_n) > Cols * OutGroups) chk_code = npe_pkg::ErrBadDims;
        else if (d_addr_c[2:0] != 3'd0 || (d_m > 16'd1 && d_stride_c[2:0] != 3'd0)) begin
          chk_code = npe_pkg::ErrAlign;
          chk_addr = AddrBits'(d_addr_c);
        end else if ((d_addr_c & AddrHiMask) != 64'd0) begin
          chk_code = npe_pkg::ErrDmaWindow;
          chk_addr = AddrBits'(d_addr_c);
        end
        hz_unit = st_busy;
        hz_out  = (ar_busy && ar_o_buf_o == d_spad[7]) || (nl_busy && nl_buf_q == d_spad[7]) ||
                  (xb_out_q && xb_o_buf_q == d_spad[7]);
      end
      // The NLU reads and writes one output buffer: it waits for the array
      // and the storer to leave that buffer, and they wait for it; work on
      // the other buffer and loads overlap it.
      8'(npe_pkg::OpNlu): begin
        if (!HasNlu) chk_code = npe_pkg::ErrBadOpcode;
        else if (d_spad[6:0] != 7'd2) chk_code = npe_pkg::ErrSpadRange;
        else if (d_m == 16'd0 || 32'(d_m) > Rows || d_n == 16'd0 ||
                 32'(d_n) > Cols * OutGroups) chk_code = npe_pkg::ErrBadDims;
        else if (nl_aux_bad)
          chk_code = npe_pkg::ErrBadAux;
        hz_unit = nl_busy || xb_out_q;
        hz_out  = (ar_busy && ar_o_buf_o == d_spad[7]) || (st_busy && st_buf_o == d_spad[7]);
      end
      8'(npe_pkg::OpXbar): begin
        if (!HasXbar) chk_code = npe_pkg::ErrBadOpcode;
        else if (d_fa != 8'(npe_pkg::FmtInt8) || d_fb != 8'(npe_pkg::FmtInt8) ||
            !FormatMask[npe_pkg::FmtInt8]) chk_code = npe_pkg::ErrBadFormat;
        else if (d_flags[npe_pkg::DescFlagProgramBit]) begin
          if (d_spad[6:0] > 7'd7) chk_code = npe_pkg::ErrSpadRange;
          else if (d_n == 16'd0 || 32'(d_n) > XbarN || 32'(d_n) > Cols * OutGroups ||
                   d_k == 16'd0 || d_k[2:0] != 3'd0 || 32'(d_k) > XbarK)
            chk_code = npe_pkg::ErrBadDims;
        end else begin
          if (d_spad[6:0] > 7'd7) chk_code = npe_pkg::ErrSpadRange;
          else if (d_m == 16'd0 || 32'(d_m) > Rows) chk_code = npe_pkg::ErrBadDims;
          else if (!tile_ok_q || d_n != tile_n_q || (d_k >> 3) != tile_kw_q ||
                   d_k[2:0] != 3'd0) chk_code = npe_pkg::ErrXbarState;
          else if (nl_aux_bad)
            chk_code = npe_pkg::ErrBadAux;
        end
        // one tile, the banks' read ports (the array's), its buffers, the NLU
        hz_unit = xb_busy || xb_out_q || ar_busy;
        hz_spad = ld_busy && ((ld_is_b_o && ld_buf_o == d_spad[1]) ||
                                (!ld_is_b_o && ld_buf_o == d_spad[0]));
        hz_out  = !d_flags[npe_pkg::DescFlagProgramBit] &&
                  ((st_busy && st_buf_o == d_spad[2]) || nl_busy);
      end
      8'(npe_pkg::OpFence): hz_fence = ld_busy || ar_busy || st_busy || nl_busy || xb_busy ||
                                       xb_out_q;
      default: chk_code = npe_pkg::ErrBadOpcode;
    endcase
  end

  logic dispatch;
  assign chk_err  = d_valid && chk_code != npe_pkg::ErrNone;
  assign dispatch = d_valid && !chk_err && !hz_spad && !hz_out && !hz_fence && !hz_unit &&
                    !soft_reset_i;

  assign stall_spad_o  = d_valid && !chk_err && (hz_spad || hz_unit);
  assign stall_out_o   = d_valid && !chk_err && hz_out && !hz_spad;
  assign stall_fence_o = d_valid && hz_fence;

  // Unit job registers, loaded at dispatch and held while the unit runs.
  logic        ld_is_b_q, ld_buf_q, ld_irq_q;
  logic [15:0] ld_rows_q, ld_row_words_q, ld_idx_q;
  logic [AddrBits-1:0] ld_addr_q;
  logic [31:0] ld_stride_q;
  logic [2:0]  ar_fmt_q, ar_out_fmt_q;  // npe_pkg::npe_fmt_e codes
  logic        ar_out_fp32_q, ar_a_buf_q, ar_b_buf_q, ar_o_buf_q, ar_irq_q;
  logic [7:0]  ar_m_q;
  logic [15:0] ar_n_q, ar_words_q, ar_pitch_b_q;
  logic [2:0]  ar_last_lanes_q;
  logic        st_buf_q, st_fp32_q, st_irq_q;
  logic        nl_two_seg_q, nl_irq_q;
  logic [15:0] nl_groups_q, nl_split_q;
  logic [3:0]  nl_bits_q, nl_frac_q, nl_shr_q;
  logic [7:0]  st_m_q;
  logic [15:0] st_n_q, st_idx_q;
  logic [AddrBits-1:0] st_addr_q;
  logic [31:0] st_stride_q;

  logic is_ld, is_mm, is_st, is_nl, is_xb, is_xb_run;
  assign is_nl = HasNlu && dispatch && d_op == 8'(npe_pkg::OpNlu);
  assign is_xb = HasXbar && dispatch && d_op == 8'(npe_pkg::OpXbar);
  assign is_xb_run = is_xb && !d_flags[npe_pkg::DescFlagProgramBit];

  // The run's NLU phase starts when its mat-vec is done (not after a soft
  // reset: that clears xb_out_q first).
  logic xb_nl_start;
  assign xb_nl_start = xb_done_i && xb_out_q && !xb_prog_q && !xb_codes_i;
  assign is_ld = dispatch && d_op == 8'(npe_pkg::OpLoad);
  assign is_mm = dispatch && d_op == 8'(npe_pkg::OpMatmul);
  assign is_st = dispatch && d_op == 8'(npe_pkg::OpStore);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_is_b_q <= 1'b0; ld_buf_q <= 1'b0; ld_irq_q <= 1'b0; ld_rows_q <= '0;
      ld_row_words_q <= '0; ld_idx_q <= '0; ld_addr_q <= '0; ld_stride_q <= '0;
      ar_fmt_q <= npe_pkg::FmtFp4; ar_out_fmt_q <= npe_pkg::FmtFp4; ar_out_fp32_q <= 1'b0;
      ar_a_buf_q <= 1'b0; ar_b_buf_q <= 1'b0; ar_o_buf_q <= 1'b0; ar_irq_q <= 1'b0;
      ar_m_q <= '0; ar_n_q <= '0; ar_words_q <= '0; ar_pitch_b_q <= '0; ar_last_lanes_q <= '0;
      st_buf_q <= 1'b0; st_fp32_q <= 1'b0; st_irq_q <= 1'b0; st_m_q <= '0; st_n_q <= '0;
      st_idx_q <= '0; st_addr_q <= '0; st_stride_q <= '0;
      nl_buf_q <= 1'b0; nl_two_seg_q <= 1'b0; nl_irq_q <= 1'b0; nl_groups_q <= '0;
      nl_split_q <= '0; nl_bits_q <= '0; nl_frac_q <= '0; nl_shr_q <= '0;
    end else begin
      // An NLU job, or an XBAR run's NLU phase (started later by xb_nl_start,
      // on the run's output buffer, raising no interrupt of its own).
      if (is_nl || is_xb_run) begin
        nl_buf_q <= is_nl ? d_spad[7] : d_spad[2]; nl_two_seg_q <= d_aux[8];
        nl_irq_q <= is_nl && d_flags[npe_pkg::DescFlagIrqBit];
        nl_groups_q <= mm_groups; nl_split_q <= d_aux[31:16];
        nl_bits_q <= nl_bits; nl_frac_q <= nl_frac; nl_shr_q <= d_aux[15:12];
      end
      if (is_ld) begin
        ld_is_b_q <= ld_is_b; ld_buf_q <= d_spad[7]; ld_irq_q <= d_flags[npe_pkg::DescFlagIrqBit];
        ld_rows_q <= d_m; ld_row_words_q <= ld_row_words; ld_idx_q <= d_idx;
        ld_addr_q <= AddrBits'(d_addr_a); ld_stride_q <= d_stride_a;
      end
      if (is_mm) begin
        ar_fmt_q <= mm_fmt; ar_out_fmt_q <= d_fo[2:0];
        ar_out_fp32_q <= d_flags[npe_pkg::DescFlagOutFp32Bit];
        ar_a_buf_q <= d_spad[0]; ar_b_buf_q <= d_spad[1]; ar_o_buf_q <= d_spad[2];
        ar_irq_q <= d_flags[npe_pkg::DescFlagIrqBit]; ar_m_q <= d_m[7:0]; ar_n_q <= d_n;
        ar_words_q <= mm_words; ar_pitch_b_q <= mm_pitch_b; ar_last_lanes_q <= mm_last_lanes;
      end
      if (is_st) begin
        st_buf_q <= d_spad[7]; st_fp32_q <= d_flags[npe_pkg::DescFlagOutFp32Bit];
        st_irq_q <= d_flags[npe_pkg::DescFlagIrqBit]; st_m_q <= d_m[7:0]; st_n_q <= d_n;
        st_idx_q <= d_idx; st_addr_q <= AddrBits'(d_addr_c); st_stride_q <= d_stride_c;
      end
    end
  end

  // Units start the cycle after dispatch, from the registered job.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_go_q <= 1'b0; ar_go_q <= 1'b0; st_go_q <= 1'b0; nl_go_q <= 1'b0; xb_go_q <= 1'b0;
    end else begin
      ld_go_q <= is_ld; ar_go_q <= is_mm; st_go_q <= is_st; nl_go_q <= is_nl || xb_nl_start;
      xb_go_q <= is_xb;
    end
  end

  assign ld_start_o     = ld_go_q;
  assign ld_is_b_o      = ld_is_b_q;
  assign ld_buf_o       = ld_buf_q;
  assign ld_rows_o      = ld_rows_q;
  assign ld_row_words_o = ld_row_words_q;
  assign ld_addr_o      = ld_addr_q;
  assign ld_stride_o    = ld_stride_q;
  assign ar_start_o     = ar_go_q;
  assign ar_fmt_o       = ar_fmt_q;
  assign ar_out_fmt_o   = ar_out_fmt_q;
  assign ar_out_fp32_o  = ar_out_fp32_q;
  assign ar_m_o         = ar_m_q;
  assign ar_n_o         = ar_n_q;
  assign ar_words_o     = ar_words_q;
  assign ar_last_lanes_o = ar_last_lanes_q;
  assign ar_pitch_b_o   = ar_pitch_b_q;
  assign ar_a_buf_o     = ar_a_buf_q;
  assign ar_b_buf_o     = ar_b_buf_q;
  assign ar_o_buf_o     = ar_o_buf_q;
  assign st_start_o     = st_go_q;
  assign st_buf_o       = st_buf_q;
  assign st_m_o         = st_m_q;
  assign st_n_o         = st_n_q;
  assign st_fp32_o      = st_fp32_q;
  assign st_addr_o      = st_addr_q;
  assign st_stride_o    = st_stride_q;
  assign nl_start_o     = nl_go_q;
  assign nl_buf_o       = nl_buf_q;
  assign nl_groups_o    = nl_groups_q;
  assign nl_bits_o      = nl_bits_q;
  assign nl_frac_o      = nl_frac_q;
  assign nl_shr_o       = nl_shr_q;

  // Crossbar job and tile state. The tile keeps what was programmed until
  // the next PROGRAM; SOFT_RESET forgets it (a program may have been cut).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      xb_prog_q <= 1'b0; xb_a_buf_q <= 1'b0; xb_b_buf_q <= 1'b0; xb_o_buf_q <= 1'b0;
      xb_irq_q <= 1'b0; xb_n_q <= '0; xb_kw_q <= '0; xb_m_q <= '0; xb_out_q <= 1'b0;
      tile_ok_q <= 1'b0; tile_n_q <= '0; tile_kw_q <= '0;
    end else begin
      if (is_xb) begin
        xb_prog_q  <= d_flags[npe_pkg::DescFlagProgramBit];
        xb_a_buf_q <= d_spad[0]; xb_b_buf_q <= d_spad[1]; xb_o_buf_q <= d_spad[2];
        xb_irq_q   <= d_flags[npe_pkg::DescFlagIrqBit];
        xb_n_q     <= d_n; xb_kw_q <= d_k >> 3; xb_m_q <= d_m[7:0];
      end
      if (is_xb && d_flags[npe_pkg::DescFlagProgramBit]) begin
        tile_ok_q <= 1'b1; tile_n_q <= d_n; tile_kw_q <= d_k >> 3;
      end
      if (soft_reset_i) begin
        xb_out_q  <= 1'b0;
        tile_ok_q <= 1'b0;
      end else if (is_xb_run) xb_out_q <= 1'b1;
      else if (xb_out_q && !xb_busy && !nl_go_q && nl_done_i) xb_out_q <= 1'b0;
      else if (xb_out_q && xb_done_i && xb_codes_i) xb_out_q <= 1'b0;  // analog: no NLU phase
    end
  end

  assign xb_start_o = xb_go_q;
  assign xb_prog_o  = xb_prog_q;
  assign xb_a_buf_o = xb_a_buf_q;
  assign xb_b_buf_o = xb_b_buf_q;
  assign xb_o_buf_o = xb_o_buf_q;
  assign xb_n_o     = xb_n_q;
  assign xb_kw_o    = xb_kw_q;
  assign xb_m_o     = xb_m_q;
  assign nl_two_seg_o   = nl_two_seg_q;
  assign nl_split_o     = nl_split_q;

  // ---------------------------------------------------------------------------
  // Errors, ring state, FIFO traffic
  // ---------------------------------------------------------------------------
  logic ld_err, st_err, start_bad;
  assign ld_err    = ld_done_i && ld_err_i != 8'd0;
  assign st_err    = st_done_i && st_err_i != 8'd0;
  assign start_bad = start_i && ring_cfg_bad;

  // The first error source in priority order. Written as one assignment per
  // output: a default-then-override block glitches in Icarus, and the flush
  // it drives feeds back into this module's decode.
  logic chk_err_live;
  assign chk_err_live = chk_err && !soft_reset_i;
  assign err_valid_o  = start_bad || fetch_err || ld_err || st_err || chk_err_live;
  assign err_code_o   = start_bad ? 8'(npe_pkg::ErrRingCfg) :
                        fetch_err ? rd_err_i :
                        ld_err    ? ld_err_i :
                        st_err    ? st_err_i :
                        chk_err_live ? chk_code : 8'(npe_pkg::ErrNone);
  assign err_idx_o    = start_bad ? DirectIdx :
                        fetch_err ? fetch_idx_q :
                        ld_err    ? ld_idx_q :
                        st_err    ? st_idx_q :
                        chk_err_live ? d_idx : 16'd0;
  assign err_addr_o   = start_bad ? ring_base_i :
                        fetch_err ? rd_err_addr_i :
                        ld_err    ? ld_err_addr_i :
                        st_err    ? st_err_addr_i :
                        chk_err_live ? chk_addr : '0;

  // An error or a soft reset drops everything not yet dispatched.
  assign flush     = err_valid_o || soft_reset_i;
  assign pop       = dispatch;
  // A doorbell is captured and queued as soon as the FIFO has a slot that
  // an in-flight ring fetch has not reserved, so it is never lost to a full
  // FIFO or to a fetch completing in the same cycle. A second doorbell while
  // one is still waiting is ignored (STATUS.BUSY tells software to wait).
  logic [DescBits-1:0] db_desc_q;
  assign fetch_push = fetching_q && rd_done_i && rd_err_i == 8'd0 && !drop_q && !flush;
  assign db_push    = db_pend_q && !(fetching_q && rd_done_i) && !flush &&
                      32'(fifo_cnt_q) + 32'(fetching_q) < FifoDepth;
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
    if (fetching_q && rd_done_i && !drop_q && !flush) fetch_idx_d = (fetch_idx_q + 16'd1) & ring_mask;
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
  assign drop_set = flush && fetching_q && !rd_done_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ring_en_q   <= 1'b0;
      fetch_idx_q <= '0;
      head_q      <= '0;
      fetching_q  <= 1'b0;
      cmd_sent_q  <= 1'b0;
      drop_q      <= 1'b0;
      beat_q      <= '0;
      fetch_buf_q <= '0;
    end else begin
      ring_en_q   <= ring_en_d;
      fetch_idx_q <= fetch_idx_d;
      head_q      <= head_d;
      fetching_q  <= fetching_d;
      cmd_sent_q  <= cmd_sent_d;
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
                  fetching_q || ld_busy_i || ar_busy_i || st_busy_i || nl_busy_i ||
                  xb_busy_i || xb_out_q || ld_go_q || ar_go_q || st_go_q || nl_go_q || xb_go_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) busy_q <= 1'b0;
    else         busy_q <= busy_o;
  end
  assign done_o     = busy_q && !busy_o;
  assign desc_irq_o = (ld_done_i && ld_irq_q) || (ar_done_i && ar_irq_q) ||
                      (st_done_i && st_irq_q) || (nl_done_i && nl_irq_q) ||
                      (xb_irq_q && ((xb_done_i && (xb_prog_q || xb_codes_i)) ||
                                    (nl_done_i && xb_out_q && !xb_busy))) ||
                      (dispatch && d_flags[npe_pkg::DescFlagIrqBit] &&
                       (d_op == 8'(npe_pkg::OpNop) || d_op == 8'(npe_pkg::OpFence)));

  logic unused_desc;
  // STRIDE_B, SPAD_OFF, SCALE, AUX, ADDR_B, T and reserved bits are not used
  // by these opcodes.
  assign unused_desc = ^{d[479:416], d[383:352], d[255:192], d[127:112], d[63:48]};

endmodule
