// SPDX-License-Identifier: Apache-2.0
// npe_sherry_unpack: the load path's Sherry gearbox (arXiv 2601.07892;
// golden npe_sherry_pack / npe_sherry_unpack). Takes 64-bit DMA beats of
// 5-bit group codes (code g at stream bits 5g..5g+4, beats little-endian)
// and gives the 64-bit scratchpad words of 2-bit ternary codes that a plain
// LOAD of the unpacked weights would write: each output word holds
// GroupsPerWord groups (8; 2 x Rows in the mat-vec layout), so it takes
// 40 bits of input and a beat yields 1.6 words. Rows are independent: a
// row is row_beats_i beats in and row_words_i words out, and the bits of
// its last beat after its last group are dropped, so a row's Sherry length
// need not end on a beat. Input back-pressure (in_ready_o) holds the DMA
// read data while the buffer is full; the output is one word per cycle at
// most and is never stalled (the scratchpad write port is the loader's).
module npe_sherry_unpack #(
  parameter int Rows = 4  // PE rows: the mat-vec layout's sub-words per PE word (2..4 used)
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  // Configuration, taken at start_i (a LOAD begins): buffer cleared
  input  logic        start_i,
  input  logic        matvec_i,      // mat-vec layout (LOAD FLAGS.MATVEC)
  input  logic [15:0] row_beats_i,   // 64-bit input beats per row (>= 1)
  input  logic [12:0] row_words_i,   // 64-bit output words per row (>= 1)

  // Sherry beats in (the DMA read stream)
  input  logic        in_valid_i,
  output logic        in_ready_o,
  input  logic [63:0] in_data_i,

  // Scratchpad words out
  output logic        out_valid_o,
  output logic [63:0] out_data_o,

  output logic        idle_o         // no row in progress (every word taken out)
);

  localparam int BufBits = 128;  // holds up to 64 + 63 unread bits
  localparam int MvRows  = Rows > 4 ? 4 : Rows;  // the mat-vec layout's rows (the loader refuses others)

  // ---------------------------------------------------------------------------
  // One 5-bit group code to four 2-bit ternary codes (00 0, 01 +1, 11 -1):
  // code = neg<<4 | zpos<<2 | s1<<1 | s2; zpos is the zero's index, the
  // first non-zero is +1 before negation, s1 / s2 flip the second / third.
  // ---------------------------------------------------------------------------
  // Weight i is the zero when i == zpos, else non-zero number i - (i > zpos).
  // (Written out: Yosys 0.23 takes neither `return` nor a counter in a loop.)
  function automatic logic [7:0] sherry_decode(input logic [4:0] code);
    logic       neg;
    logic [1:0] zpos;
    logic [2:0] sgn;
    logic [3:0] s;                                // sign of weight i, if non-zero
    neg  = code[4];
    zpos = code[3:2];
    sgn  = {neg ^ code[0], neg ^ code[1], neg};  // sign of non-zero 0, 1, 2 (bit 0 first)
`ifdef NPE_PLANT_BUG_SHERRY
    // Planted bug (sherry-plant-test): the third non-zero takes s1, not s2.
    sgn[2] = neg ^ code[1];
`endif
    s[0] = sgn[0];
    s[1] = zpos == 2'd0 ? sgn[0] : sgn[1];
    s[2] = zpos <= 2'd1 ? sgn[1] : sgn[2];
    s[3] = sgn[2];
    for (int i = 0; i < 4; i++) begin
      sherry_decode[2*i +: 2] = 2'(i) == zpos ? 2'b00 : s[i] ? 2'b11 : 2'b01;
    end
  endfunction

  // The configuration of the running LOAD.
  logic        mv_q;
  logic [15:0] beats_q;
  logic [12:0] words_q;
  // Row progress and the bit buffer (bit 0 = the next unread stream bit).
  logic [BufBits-1:0] buf_q, buf_d;
  logic [7:0]  cnt_q, cnt_d;          // valid bits in buf_q, 0..128
  logic [15:0] in_left_q, in_left_d;  // beats of the row still to come
  logic [12:0] out_left_q, out_left_d;
  logic        open_q, open_d;        // a row has started (a beat taken) and not ended

  logic [6:0]  need;                  // input bits per output word
  logic        emit, take, row_end;
  logic [7:0]  cnt_rest;              // bits left after this cycle's word
  assign need     = mv_q ? 7'(10 * MvRows) : 7'd40;
  assign emit     = out_left_q != 13'd0 && cnt_q >= 8'(need);
  assign cnt_rest = emit ? cnt_q - 8'(need) : cnt_q;
  assign in_ready_o = in_left_q != 16'd0 && cnt_rest <= 8'd64;
  assign take     = in_valid_i && in_ready_o;
  assign row_end  = emit && out_left_q == 13'd1;

  // The output word: normal layout, group q (0..7) to bits 8q..8q+7; mat-vec
  // layout, group 2r + h (row r < Rows, half h) to PE words 2h and 2h + 1
  // at sub-word r (weights 0, 1 at bits 16 (2h) + 4r, weights 2, 3 at
  // 16 (2h + 1) + 4r), the sub-words of rows >= Rows zero.
  logic [63:0] word_norm, word_mv;
  logic [7:0]  grp;
  always_comb begin
    word_norm = '0;
    word_mv   = '0;
    grp       = '0;
    for (int q = 0; q < 8; q++) begin
      word_norm[8*q +: 8] = sherry_decode(buf_q[5*q +: 5]);
    end
    for (int r = 0; r < 4; r++) begin
      for (int h = 0; h < 2; h++) begin
        if (r < MvRows) begin
          grp = sherry_decode(buf_q[5*(2*r + h) +: 5]);
          word_mv[32*h + 4*r +: 4]      = grp[3:0];
          word_mv[32*h + 16 + 4*r +: 4] = grp[7:4];
        end
      end
    end
  end
  assign out_valid_o = emit;
  assign out_data_o  = mv_q ? word_mv : word_norm;
  assign idle_o      = !open_q;

  always_comb begin
    buf_d      = buf_q;
    cnt_d      = cnt_q;
    in_left_d  = in_left_q;
    out_left_d = out_left_q;
    open_d     = open_q;
    if (emit) begin
      buf_d      = buf_q >> need;
      out_left_d = out_left_q - 13'd1;
    end
    cnt_d = cnt_rest;
    if (take) begin
      buf_d     = buf_d | (BufBits'(in_data_i) << cnt_rest);
      cnt_d     = cnt_rest + 8'd64;
      in_left_d = in_left_q - 16'd1;
      open_d    = 1'b1;
    end
    if (row_end) begin
      // The row's last group is out: the rest of its last beat is padding.
      // (Its last beat came before: the last word needs bits of it.)
      buf_d = '0;
      cnt_d = 8'd0;
      in_left_d  = beats_q;
      out_left_d = words_q;
      open_d     = 1'b0;
    end
    if (start_i) begin
      buf_d      = '0;
      cnt_d      = 8'd0;
      in_left_d  = row_beats_i;
      out_left_d = row_words_i;
      open_d     = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mv_q       <= 1'b0;
      beats_q    <= '0;
      words_q    <= '0;
      buf_q      <= '0;
      cnt_q      <= '0;
      in_left_q  <= '0;
      out_left_q <= '0;
      open_q     <= 1'b0;
    end else begin
      if (start_i) begin
        mv_q    <= matvec_i;
        beats_q <= row_beats_i;
        words_q <= row_words_i;
      end
      buf_q      <= buf_d;
      cnt_q      <= cnt_d;
      in_left_q  <= in_left_d;
      out_left_q <= out_left_d;
      open_q     <= open_d;
    end
  end

`ifdef NPE_ASSERT
  // The buffer never overflows; a row's last word comes after its last beat.
  SherryBufBound: assert property (@(posedge clk_i) disable iff (!rst_ni) cnt_q <= 8'(BufBits));
  SherryRowEndAfterLastBeat: assert property (@(posedge clk_i) disable iff (!rst_ni)
      row_end |-> in_left_q == 16'd0);
  // A beat offered while not ready is held (the DMA's valid/ready rule).
  SherryInHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (in_valid_i && !in_ready_o && !start_i) |=> in_valid_i && $stable(in_data_i));
  // A word is given only for a row that still has words to give.
  SherryWordInRow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o |-> out_left_q != 13'd0 && cnt_q >= 8'(need));
  // A job starts with the buffer empty (the last LOAD drained).
  SherryStartIdle: assert property (@(posedge clk_i) disable iff (!rst_ni) start_i |-> !open_q);
`endif

endmodule
