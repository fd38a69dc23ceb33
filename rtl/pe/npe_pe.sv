// SPDX-License-Identifier: Apache-2.0
// npe_pe: the SIMD MAC processing element: one packed operand word pair per
// cycle, all sub-word products summed exactly into one quire (a dot product
// along K), read out rounded once to binary32 and to an operand format. It
// does not fetch, tile or store; the array around it does.
//
// Lanes (physical lane L = bits 4L+3..4L of a word; docs/PE.md has the map):
//   posit16 1 | posit8, int8, ternary 2 | fp4, posit4 4 MACs per cycle.
// Ternary: b_i[1:0], b_i[3:2] are 2-bit weights, a_i two INT8 activations.
// Pipeline: S0 input regs, S1 decode + exponent add, S2 multiply, S3 align +
// lane sum, S4 quire; read-out R1, R2 (npe_pe_norm), R3, R4 (npe_pe_round).
// Clock gates (ClockGates = 1, ASIC): besides one gate per pipeline stage,
// registers a word's format does not use sit on gates of their own (lane
// fields of lanes 1..3, operand and product bits that are zero or unread in
// the 4-bit formats, the addend's and the quire's bits below 2^-22 that only
// posit16 reaches and below 2^-2 that only the posit formats reach, the
// read-out format's shift register): docs/PE.md, "Clock gating and counters".
// A word's product is in the quire 5 cycles after it is presented; a result
// leaves res_* 9 cycles after its last word (or read request).
// K tiles (QuireSlots > 0): save_i with a read-out also saves the quire in
// slot slot_i (npe_pe_qslots); load_i with clear_i starts from that slot's
// quire instead of zero, so a dot product split over several MATMULs is
// still summed exactly and rounded once.
module npe_pe
#(
  parameter logic [5:0]  FormatMask       = 6'h3f,  // bit f builds format code f
  parameter int CounterWidthBits = 48,
  // its own activity counters (the PE testbenches read them); the engine
  // counts in one block (npe_perf) and builds its PEs without them
  parameter bit HasCounters      = 1'b1,
  // real clock gates on the pipeline's data registers (ASIC; npe_clk_gate);
  // 0: clock enables instead (FPGA, Verilator)
  parameter bit ClockGates       = 1'b0,
  parameter int QuireSlots       = 0,   // saved quires (column groups); 0: none
  parameter int SlotBits         = QuireSlots > 1 ? $clog2(QuireSlots) : 1  // derived
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // Operand words
  input  logic                        valid_i,   // a_i/b_i/fmt_i hold a word
  input  logic [15:0]                 a_i,       // activations
  input  logic [15:0]                 b_i,       // weights
  input  npe_pkg::npe_fmt_e                    fmt_i,
  input  logic                        clear_i,   // zero the quire first (word or not)
  input  logic                        last_i,    // read out after this word
  // Read-out request without a word, and the result's operand format
  input  logic                        read_i,
  input  npe_pkg::npe_fmt_e                    rd_fmt_i,  // with last_i / read_i
  // Saved quires (QuireSlots > 0; else ignored: load_i starts from zero)
  input  logic                        load_i,    // with clear_i: start from slot slot_i
  input  logic                        save_i,    // with last_i / read_i: save into slot slot_i
  input  logic [SlotBits-1:0]         slot_i,    // with clear_i, last_i, read_i
  // Result
  output logic                        res_valid_o,
  output logic [31:0]                 res_f32_o,
  output logic [15:0]                 res_fmt_o,
  output logic [1:0]                  res_flags_o,  // {OVF, NaR}
  // Activity counters (npe_pe_cnt)
  input  logic                        cnt_clear_i,
  input  logic [3:0]                  cnt_sel_i,
  output logic [CounterWidthBits-1:0] cnt_o
);

  // (a width-exact constant first: Icarus 11 cannot cast a function call)
  localparam logic [2:0] NumLanesBits3 = npe_pkg::fmt_max_lanes(FormatMask);
  localparam int NumLanes = {29'd0, NumLanesBits3};
  // Quire (and addend) bits below the window of npe_pe_align (quire bit 34,
  // 2^-22): only posit16 products reach them
  localparam int LoBits = 34;
  // ... and quire bits 53..34 (2^-3 and below): only posit16, posit8 and
  // posit4 products reach them (FP4's smallest is 2^-2, INT8 / ternary are
  // integers)
  localparam int MidBits = 54;

  // --------------------------------------------------------------------------
  // S0: input registers
  // --------------------------------------------------------------------------
  logic        in_valid_q, in_clr_q, in_rd_q;
  logic [15:0] in_a_q, in_a_d, in_b_q, in_b_d;
  logic [2:0] in_fmt_q, in_fmt_d, in_rdf_q, in_rdf_d;

  // Clock gates (npe_clk_gate): with ClockGates a stage's data registers
  // run on a gated clock and load unconditionally; without, they hold by
  // their enable on clk_i. Same values on the same cycles either way.
  logic clk_s0, clk_s1, clk_s2, clk_s3;
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s0 (.clk_i, .en_i(valid_i),     .clk_o(clk_s0));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s1 (.clk_i, .en_i(in_valid_q),  .clk_o(clk_s1));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s2 (.clk_i, .en_i(dec_valid_q), .clk_o(clk_s2));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s3 (.clk_i, .en_i(mul_valid_q), .clk_o(clk_s3));

  assign in_a_d   = (valid_i || ClockGates) ? a_i : in_a_q;
  assign in_b_d   = (valid_i || ClockGates) ? b_i : in_b_q;
  assign in_fmt_d = (valid_i || ClockGates) ? fmt_i : in_fmt_q;
  assign in_rdf_d = ((valid_i && last_i) || read_i) ? rd_fmt_i : in_rdf_q;

  // --------------------------------------------------------------------------
  // S1: decode and exponent add (npe_pe_front)
  // --------------------------------------------------------------------------
  logic        m_p16, m_byte, m_nib, f_nar;
  logic [3:0]  lane_act, f_sign;
  logic [15:0] mul_a, mul_b;
  logic [6:0]  sh0;
  logic [4:0]  sh1, sh2, sh3;

  npe_pe_front #(.FormatMask(FormatMask)) u_front (
    .a_i         (in_a_q),
    .b_i         (in_b_q),
    .fmt_i       (in_fmt_q),
    .mode_p16_o  (m_p16),
    .mode_byte_o (m_byte),
    .mode_nib_o  (m_nib),
    .lane_act_o  (lane_act),
    .mul_a_o     (mul_a),
    .mul_b_o     (mul_b),
    .sign_o      (f_sign),
    .nar_o       (f_nar),
    .sh0_o       (sh0),
    .sh1_o       (sh1),
    .sh2_o       (sh2),
    .sh3_o       (sh3)
  );

  // S1 registers; per-lane fields are clock-enabled by their lane.
  logic        dec_valid_q, dec_clr_q, dec_rd_q, dec_nar_q, dec_nar_d;
  logic        dec_p16_q, dec_p16_d, dec_byte_q, dec_byte_d, dec_nib_q, dec_nib_d;
  logic        dec_fine_q, dec_fine_d, f_fine;  // a posit format (products below 2^-2)
  logic [3:0]  dec_act_q, dec_act_d, dec_sign_q, dec_sign_d;
  logic [15:0] dec_a_q, dec_a_d, dec_b_q, dec_b_d;  // (assembled from gated groups below)
  logic [6:0]  dec_sh0_q, dec_sh0_d;
  logic [4:0]  dec_sh1_q, dec_sh1_d, dec_sh2_q, dec_sh2_d, dec_sh3_q, dec_sh3_d;
  logic [2:0] dec_rdf_q;

  always_comb begin
    // (the lane-wide fields load under the stage's enable in their flops;
    // a lane's own fields hold here while the lane is idle)
    {dec_nar_d, dec_p16_d, dec_fine_d, dec_byte_d, dec_nib_d, dec_act_d, dec_a_d, dec_b_d} = '0;
    dec_sign_d = dec_sign_q;
    dec_sh0_d  = dec_sh0_q;
    dec_sh1_d  = dec_sh1_q;
    dec_sh2_d  = dec_sh2_q;
    dec_sh3_d  = dec_sh3_q;
    if (in_valid_q || ClockGates) begin
      dec_nar_d  = f_nar;
      dec_p16_d  = m_p16;
      dec_fine_d = f_fine;
      dec_byte_d = m_byte;
      dec_nib_d  = m_nib;
      dec_act_d  = lane_act;
      dec_a_d    = mul_a;
      dec_b_d    = mul_b;
      // lanes 1..3 have gates of their own under ClockGates (clk_s1_l13, _l2)
      for (int l = 0; l < 4; l++) begin
        if (lane_act[l] || (ClockGates && l > 0)) dec_sign_d[l] = f_sign[l];
      end
      if (lane_act[0]) dec_sh0_d = sh0;
      if (lane_act[1] || ClockGates) dec_sh1_d = sh1;
      if (lane_act[2] || ClockGates) dec_sh2_d = sh2;
      if (lane_act[3] || ClockGates) dec_sh3_d = sh3;
    end
  end

  // --------------------------------------------------------------------------
  // S2: reconfigurable multiplier
  // --------------------------------------------------------------------------
  logic [31:0] prod;

  npe_pe_mul u_mul (
    .a_i         (dec_a_q),
    .b_i         (dec_b_q),
    .mode_p16_i  (dec_p16_q),
    .mode_byte_i (dec_byte_q),
    .mode_nib_i  (dec_nib_q),
    .p_o         (prod)
  );

  logic        mul_valid_q, mul_clr_q, mul_rd_q, mul_nar_q, mul_nar_d;
  logic        mul_p16_q, mul_p16_d, mul_byte_q, mul_byte_d, mul_nib_q, mul_nib_d;
  logic        mul_fine_q, mul_fine_d;
  logic [3:0]  mul_act_q, mul_act_d, mul_sign_q, mul_sign_d;
  logic [31:0] mul_p_q, mul_p_d;
  logic [6:0]  mul_sh0_q, mul_sh0_d;
  logic [4:0]  mul_sh1_q, mul_sh1_d, mul_sh2_q, mul_sh2_d, mul_sh3_q, mul_sh3_d;
  logic [2:0] mul_rdf_q;

  always_comb begin
    {mul_nar_d, mul_p16_d, mul_fine_d, mul_byte_d, mul_nib_d, mul_act_d, mul_p_d} = '0;  // (as S1)
    mul_sign_d = mul_sign_q;
    mul_sh0_d  = mul_sh0_q;
    mul_sh1_d  = mul_sh1_q;
    mul_sh2_d  = mul_sh2_q;
    mul_sh3_d  = mul_sh3_q;
    if (dec_valid_q || ClockGates) begin
      mul_nar_d  = dec_nar_q;
      mul_p16_d  = dec_p16_q;
      mul_fine_d = dec_fine_q;
      mul_byte_d = dec_byte_q;
      mul_nib_d  = dec_nib_q;
      mul_act_d  = dec_act_q;
      mul_p_d    = prod;
      for (int l = 0; l < 4; l++) begin
        if (dec_act_q[l] || (ClockGates && l > 0)) mul_sign_d[l] = dec_sign_q[l];
      end
      if (dec_act_q[0]) mul_sh0_d = dec_sh0_q;
      if (dec_act_q[1] || ClockGates) mul_sh1_d = dec_sh1_q;
      if (dec_act_q[2] || ClockGates) mul_sh2_d = dec_sh2_q;
      if (dec_act_q[3] || ClockGates) mul_sh3_d = dec_sh3_q;
    end
  end

  // --------------------------------------------------------------------------
  // S3: align and sum the lanes
  // --------------------------------------------------------------------------
  logic [115:0] addend;

  npe_pe_align u_align (
    .p_i         (mul_p_q),
    .mode_p16_i  (mul_p16_q),
    .mode_byte_i (mul_byte_q),
    .mode_nib_i  (mul_nib_q),
    .lane_act_i  (mul_act_q),
    .sign_i      (mul_sign_q),
    .sh0_i       (mul_sh0_q),
    .sh1_i       (mul_sh1_q),
    .sh2_i       (mul_sh2_q),
    .sh3_i       (mul_sh3_q),
    .addend_o    (addend)
  );

  logic         add_valid_q, add_clr_q, add_rd_q, add_nar_q, add_nar_d, add_wide_q, add_wide_d;
  logic         add_fine_q, add_fine_d;
  logic [115:0] add_x_q, add_x_d;
  logic [2:0]  add_rdf_q;

  // (loaded under mul_valid_q in their flops)
  assign add_x_d   = addend;
  assign add_nar_d = mul_nar_q;
  // a posit16 product with bits below quire bit LoBits: lane 0's LSB is at
  // quire bit sh0 - 24 (npe_pe_align)
  logic s3_wide;
  assign s3_wide    = mul_p16_q && (mul_sh0_q < 7'(LoBits + 24));
  assign add_wide_d = s3_wide;
  assign add_fine_d = mul_fine_q;

  // --------------------------------------------------------------------------
  // S4: quire
  // --------------------------------------------------------------------------
  logic [npe_pkg::QuireWidthBits-1:0] quire, ld_quire;
  logic                      q_nar, q_ovf, ld_nar, ld_ovf;
  // The slot travels with its word (or read request); the load is read from
  // the slots while the clearing word is in S3, the save written when the
  // read-out sees the quire.
  logic                      in_ld_q, dec_ld_q, mul_ld_q, add_ld_q;
  logic                      in_sv_q, dec_sv_q, mul_sv_q, add_sv_q, rdq_sv_q;
  logic [SlotBits-1:0]       in_slot_q, dec_slot_q, mul_slot_q, add_slot_q, rdq_slot_q;

  npe_pe_quire #(.AddendBits(116), .ClockGates(ClockGates), .LoBits(LoBits), .MidBits(MidBits)) u_quire (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .clr_i    (add_clr_q),
    .wide_i   (add_wide_q),
    .fine_i   (add_fine_q),
    .ld_i     (add_ld_q),
    .ld_quire_i (ld_quire),
    .ld_nar_i (ld_nar),
    .ld_ovf_i (ld_ovf),
    .acc_i    (add_valid_q),
    .addend_i (add_x_q),
    .nar_i    (add_nar_q),
    .quire_o  (quire),
    .nar_o    (q_nar),
    .ovf_o    (q_ovf)
  );

  // The read-out sees the quire the cycle after its request's word was added.
  logic     rdq_valid_q;
  logic [2:0] rdq_fmt_q;

  if (QuireSlots > 0) begin : gen_slots
    logic [npe_pkg::QuireWidthBits+1:0] slot_rdata;
    npe_pe_qslots #(.Slots(QuireSlots)) u_slots (
      .clk_i   (clk_i),
      .we_i    (rdq_valid_q && rdq_sv_q),
      .waddr_i (rdq_slot_q),
      .wdata_i ({q_ovf, q_nar, quire}),
      .re_i    (mul_clr_q && mul_ld_q),
      .raddr_i (mul_slot_q),
      .rdata_o (slot_rdata)
    );
    assign {ld_ovf, ld_nar, ld_quire} = slot_rdata;
`ifdef NPE_ASSERT
    // A group's save and the next group's load never meet in one slot (they
    // are one cycle apart and the groups differ), so the read never races
    // the write. (An immediate assertion in a clocked process, not a
    // concurrent one: the same check on the same cycles, without the
    // sampled copies of its six signals Verilator keeps for a concurrent
    // assertion in every eval().)
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        // nothing to check in reset
      end else begin
        PeSlotNoReadDuringWrite: assert (!(rdq_valid_q && rdq_sv_q && mul_clr_q && mul_ld_q &&
                                           rdq_slot_q == mul_slot_q))
          else $error("pe: a quire slot read and written in one cycle");
      end
    end
`endif
  end else begin : gen_no_slots
    assign {ld_ovf, ld_nar, ld_quire} = '0;
    logic unused_slot;
    assign unused_slot = ^{mul_slot_q, rdq_slot_q, rdq_sv_q};
  end

  // --------------------------------------------------------------------------
  // R1..R4: read-out
  // --------------------------------------------------------------------------
  logic        nrm_valid, nrm_sign, nrm_zero, nrm_nar, nrm_ovf, nrm_st;
  logic [2:0] nrm_fmt;
  logic [7:0]  nrm_exp;
  logic [25:0] nrm_sig;

  npe_pe_norm #(.ClockGates(ClockGates)) u_norm (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .valid_i  (rdq_valid_q),
    .quire_i  (quire),
    .nar_i    (q_nar),
    .ovf_i    (q_ovf),
    .fmt_i    (rdq_fmt_q),
    .valid_o  (nrm_valid),
    .sign_o   (nrm_sign),
    .zero_o   (nrm_zero),
    .nar_o    (nrm_nar),
    .ovf_o    (nrm_ovf),
    .fmt_o    (nrm_fmt),
    .exp_o    (nrm_exp),
    .sig_o    (nrm_sig),
    .sticky_o (nrm_st)
  );

  npe_pe_round #(.FormatMask(FormatMask), .ClockGates(ClockGates)) u_round (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .valid_i     (nrm_valid),
    .sign_i      (nrm_sign),
    .zero_i      (nrm_zero),
    .nar_i       (nrm_nar),
    .ovf_i       (nrm_ovf),
    .fmt_i       (nrm_fmt),
    .exp_i       (nrm_exp),
    .sig_i       (nrm_sig),
    .sticky_i    (nrm_st),
    .res_valid_o (res_valid_o),
    .res_f32_o   (res_f32_o),
    .res_fmt_o   (res_fmt_o),
    .res_flags_o (res_flags_o)
  );

  // --------------------------------------------------------------------------
  // Counters
  // --------------------------------------------------------------------------
  npe_pe_cnt #(
    .FormatMask       (FormatMask),
    .NumLanes         (NumLanes),
    .CounterWidthBits (CounterWidthBits),
    .Build            (HasCounters)
  ) u_cnt (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (cnt_clear_i),
    .valid_i (in_valid_q),
    .fmt_i   (in_fmt_q),
    .sel_i   (cnt_sel_i),
    .cnt_o   (cnt_o)
  );

  // --------------------------------------------------------------------------
  // Registers: pipeline control (reset) and data (clock-enabled, no reset)
  // --------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_valid_q  <= 1'b0;
      in_clr_q    <= 1'b0;
      in_rd_q     <= 1'b0;
      dec_valid_q <= 1'b0;
      dec_clr_q   <= 1'b0;
      dec_rd_q    <= 1'b0;
      mul_valid_q <= 1'b0;
      mul_clr_q   <= 1'b0;
      mul_rd_q    <= 1'b0;
      add_valid_q <= 1'b0;
      add_clr_q   <= 1'b0;
      add_rd_q    <= 1'b0;
      rdq_valid_q <= 1'b0;
      in_ld_q <= 1'b0; dec_ld_q <= 1'b0; mul_ld_q <= 1'b0; add_ld_q <= 1'b0;
      in_sv_q <= 1'b0; dec_sv_q <= 1'b0; mul_sv_q <= 1'b0; add_sv_q <= 1'b0;
      rdq_sv_q <= 1'b0;
    end else begin
      in_valid_q  <= valid_i;
      in_clr_q    <= clear_i;
      in_rd_q     <= (valid_i && last_i) || read_i;
      dec_valid_q <= in_valid_q;
      dec_clr_q   <= in_clr_q;
      dec_rd_q    <= in_rd_q;
      mul_valid_q <= dec_valid_q;
      mul_clr_q   <= dec_clr_q;
      mul_rd_q    <= dec_rd_q;
      add_valid_q <= mul_valid_q;
      add_clr_q   <= mul_clr_q;
      add_rd_q    <= mul_rd_q;
      rdq_valid_q <= add_rd_q;
      in_ld_q  <= clear_i && load_i;
      dec_ld_q <= in_ld_q;
      mul_ld_q <= dec_ld_q;
      add_ld_q <= mul_ld_q;
      in_sv_q  <= ((valid_i && last_i) || read_i) && save_i;
      dec_sv_q <= in_sv_q;
      mul_sv_q <= dec_sv_q;
      add_sv_q <= mul_sv_q;
      rdq_sv_q <= add_sv_q;
    end
  end

  always_ff @(posedge clk_s0) begin
    in_a_q     <= in_a_d;
    in_b_q     <= in_b_d;
    in_fmt_q   <= in_fmt_d;
  end

  // The stages' lane-wide fields load under the stage's valid here, not
  // through a hold in their _d (with ClockGates the condition is constant
  // and the gated clock does it): a simulator copies nothing in the cycles
  // without a word (docs/ARCHITECTURE.md, "Simulation speed").
  always_ff @(posedge clk_s1) begin
    if (in_valid_q || ClockGates) begin
      dec_nar_q  <= dec_nar_d;
      dec_p16_q  <= dec_p16_d;
      dec_fine_q <= dec_fine_d;
      dec_byte_q <= dec_byte_d;
      dec_nib_q  <= dec_nib_d;
      dec_act_q  <= dec_act_d;
    end
    dec_sg0_q  <= dec_sign_d[0];
    dec_sh0_q  <= dec_sh0_d;
  end

  always_ff @(posedge clk_s2) begin
    if (dec_valid_q || ClockGates) begin
      mul_nar_q  <= mul_nar_d;
      mul_p16_q  <= mul_p16_d;
      mul_fine_q <= mul_fine_d;
      mul_byte_q <= mul_byte_d;
      mul_nib_q  <= mul_nib_d;
      mul_act_q  <= mul_act_d;
    end
    mul_sg0_q  <= mul_sign_d[0];
    mul_sh0_q  <= mul_sh0_d;
  end

  always_ff @(posedge clk_s3) begin
    if (mul_valid_q || ClockGates) begin
      add_nar_q  <= add_nar_d;
      add_wide_q <= add_wide_d;
      add_fine_q <= add_fine_d;
    end
  end

  // --------------------------------------------------------------------------
  // Format and lane clock gates (ClockGates; else clk_s1..clk_s3 and the
  // enables above, as before). Each group below loads at its stage's valid
  // only when the word's format uses it, so its clock pins, not only its
  // data, rest in the formats that do not:
  //   lanes 1 and 3 (fields of the 4-bit formats), lane 2 (4- and 8-bit);
  //   the operand bits 4L+3..4L+2 of mul_a / mul_b (zero in the 4-bit
  //   formats, whose fields are 2 bits wide: loaded once more after a wider
  //   format, so they hold zero, the multiplier masks nothing else);
  //   the product nibbles 1, 3, 5, 7 (npe_pe_align reads nibbles 0, 2, 4, 6
  //   only in the 4-bit formats);
  //   the addend's bits 33..0 (quire bits below 2^-22: zero in every format
  //   but posit16, loaded once more after a posit16 word, so they hold zero)
  //   and bits 53..34 (below 2^-2: zero in FP4, INT8 and ternary, likewise).
  // --------------------------------------------------------------------------
  logic clk_s1_l13, clk_s1_l2, clk_s2_l13, clk_s2_l2, clk_s1_nz, clk_s2_nz, clk_s3_lo, clk_s3_mid;
  logic en_s2_l2, nz_dirty_q, lo_dirty_q, mid_dirty_q;  // the zero groups may hold a wider format's bits

  assign f_fine = (FormatMask[npe_pkg::FmtPosit16] && in_fmt_q == npe_pkg::FmtPosit16) ||
                  (FormatMask[npe_pkg::FmtPosit8] && in_fmt_q == npe_pkg::FmtPosit8) ||
                  (FormatMask[npe_pkg::FmtPosit4] && in_fmt_q == npe_pkg::FmtPosit4);
  logic dec_sg0_q, dec_sg2_q, mul_sg0_q, mul_sg2_q;   // the lanes' signs, by gate
  logic [1:0] dec_sg13_q, mul_sg13_q;
  assign dec_sign_q = {dec_sg13_q[1], dec_sg2_q, dec_sg13_q[0], dec_sg0_q};
  assign mul_sign_q = {mul_sg13_q[1], mul_sg2_q, mul_sg13_q[0], mul_sg0_q};

`ifndef NPE_PLANT_BUG_PE_LANE_GATE
  assign en_s2_l2 = dec_valid_q && dec_act_q[2];
`else
  assign en_s2_l2 = dec_valid_q && dec_act_q[1];  // planted: lane 2 of the 8-bit formats unclocked
`endif
  // (lane_act[3] == lane_act[1] in every format: one gate for both)
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s1_l13 (.clk_i, .en_i(in_valid_q && lane_act[1]), .clk_o(clk_s1_l13));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s1_l2  (.clk_i, .en_i(in_valid_q && lane_act[2]), .clk_o(clk_s1_l2));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s2_l13 (.clk_i, .en_i(dec_valid_q && dec_act_q[1]), .clk_o(clk_s2_l13));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s2_l2  (.clk_i, .en_i(en_s2_l2), .clk_o(clk_s2_l2));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s1_nz  (.clk_i, .en_i(in_valid_q && (!m_nib || nz_dirty_q)),
                                                   .clk_o(clk_s1_nz));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s2_nz  (.clk_i, .en_i(dec_valid_q && !dec_nib_q), .clk_o(clk_s2_nz));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s3_lo  (.clk_i, .en_i(mul_valid_q && (s3_wide || lo_dirty_q)),
                                                   .clk_o(clk_s3_lo));
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_s3_mid (.clk_i, .en_i(mul_valid_q && (mul_fine_q || mid_dirty_q)),
                                                   .clk_o(clk_s3_mid));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      nz_dirty_q <= 1'b1;   // unknown after reset: load once
      lo_dirty_q <= 1'b1;
      mid_dirty_q <= 1'b1;
    end else begin
`ifndef NPE_PLANT_BUG_PE_NZ_GATE
      if (in_valid_q)  nz_dirty_q <= !m_nib;
`else
      if (in_valid_q)  nz_dirty_q <= 1'b0;   // planted: wider formats' operand bits left in place
`endif
`ifndef NPE_PLANT_BUG_PE_LO_GATE
      if (mul_valid_q) lo_dirty_q <= s3_wide;
`else
      if (mul_valid_q) lo_dirty_q <= 1'b0;   // planted: a posit16 addend's low bits left in place
`endif
`ifndef NPE_PLANT_BUG_PE_MID_GATE
      if (mul_valid_q) mid_dirty_q <= mul_fine_q;
`else
      if (mul_valid_q) mid_dirty_q <= 1'b0;  // planted: a posit addend's bits 53..34 left in place
`endif
    end
  end

  always_ff @(posedge clk_s1_l13) begin
    dec_sg13_q    <= {dec_sign_d[3], dec_sign_d[1]};
    dec_sh1_q     <= dec_sh1_d;
    dec_sh3_q     <= dec_sh3_d;
  end

  always_ff @(posedge clk_s1_l2) begin
    dec_sg2_q     <= dec_sign_d[2];
    dec_sh2_q     <= dec_sh2_d;
  end

  always_ff @(posedge clk_s2_l13) begin
    mul_sg13_q    <= {mul_sign_d[3], mul_sign_d[1]};
    mul_sh1_q     <= mul_sh1_d;
    mul_sh3_q     <= mul_sh3_d;
  end

  always_ff @(posedge clk_s2_l2) begin
    mul_sg2_q     <= mul_sign_d[2];
    mul_sh2_q     <= mul_sh2_d;
  end

  // Without ClockGates every group below is on clk_i: one register per
  // signal then, not slices a simulator would reassemble every cycle
  // (docs/ARCHITECTURE.md, "Simulation speed"); the same values either way.
  if (ClockGates) begin : gen_gated_regs
    // operands: 2-bit slices, the odd ones zero in the 4-bit formats
    for (genvar k = 0; k < 8; k++) begin : gen_dec_ab
      logic [1:0] a_q, b_q;
      if (k % 2 == 1) begin : g_nz
        always_ff @(posedge clk_s1_nz) begin
          a_q <= dec_a_d[2*k +: 2];
          b_q <= dec_b_d[2*k +: 2];
        end
      end else begin : g_main
        always_ff @(posedge clk_s1) begin
          a_q <= dec_a_d[2*k +: 2];
          b_q <= dec_b_d[2*k +: 2];
        end
      end
      assign dec_a_q[2*k +: 2] = a_q;
      assign dec_b_q[2*k +: 2] = b_q;
    end

    // product: nibbles, the odd ones unread in the 4-bit formats
    for (genvar k = 0; k < 8; k++) begin : gen_mul_p
      logic [3:0] p_q;
      if (k % 2 == 1) begin : g_nz
        always_ff @(posedge clk_s2_nz) p_q <= mul_p_d[4*k +: 4];
      end else begin : g_main
        always_ff @(posedge clk_s2) p_q <= mul_p_d[4*k +: 4];
      end
      assign mul_p_q[4*k +: 4] = p_q;
    end

    // addend: bits LoBits-1..0 only posit16 reaches, bits MidBits-1..LoBits
    // only the posit formats
    logic [LoBits-1:0]      add_xl_q;
    logic [MidBits-1:LoBits] add_xm_q;
    logic [115:MidBits]     add_xh_q;
    always_ff @(posedge clk_s3_lo)  add_xl_q <= add_x_d[LoBits-1:0];
    always_ff @(posedge clk_s3_mid) add_xm_q <= add_x_d[MidBits-1:LoBits];
    always_ff @(posedge clk_s3)     add_xh_q <= add_x_d[115:MidBits];
    assign add_x_q = {add_xh_q, add_xm_q, add_xl_q};
  end else begin : gen_plain_regs
    // (clk_s1_nz, clk_s2_nz, clk_s3_lo and clk_s3_mid are clk_i here)
    always_ff @(posedge clk_s1) begin
      if (in_valid_q) begin
        dec_a_q <= dec_a_d;
        dec_b_q <= dec_b_d;
      end
    end
    always_ff @(posedge clk_s2) if (dec_valid_q) mul_p_q <= mul_p_d;
`ifndef NPE_PLANT_BUG_PE_STAGE_EN
    always_ff @(posedge clk_s3) if (mul_valid_q) add_x_q <= add_x_d;
`else
    always_ff @(posedge clk_s3) if (dec_valid_q) add_x_q <= add_x_d;  // planted: a stage early
`endif
    logic unused_gates;
    assign unused_gates = ^{clk_s1_nz, clk_s2_nz, clk_s3_lo, clk_s3_mid};
  end

  // the read-out's format travels with its request: with ClockGates its
  // shift register behind S0 is clocked only while a request is on its way
  // (it is read only beside one); the gate's enable comes from registers
  logic clk_rd, rd_any;
`ifndef NPE_PLANT_BUG_PE_RDF_GATE
  assign rd_any = in_rd_q || dec_rd_q || mul_rd_q || add_rd_q;
`else
  assign rd_any = in_rd_q || dec_rd_q || mul_rd_q;  // planted: the last step missing
`endif
  npe_clk_gate #(.Enabled(ClockGates)) u_cg_rd (.clk_i, .en_i(rd_any), .clk_o(clk_rd));

  always_ff @(posedge clk_i) begin
    in_rdf_q   <= in_rdf_d;
  end

  always_ff @(posedge clk_rd) begin
    dec_rdf_q  <= in_rdf_q;
    mul_rdf_q  <= dec_rdf_q;
    add_rdf_q  <= mul_rdf_q;
    rdq_fmt_q  <= add_rdf_q;
  end

  // every cycle: the slot travels with the pipeline (with a clear or a read)
  always_ff @(posedge clk_i) begin
    in_slot_q  <= slot_i;
    dec_slot_q <= in_slot_q;
    mul_slot_q <= dec_slot_q;
    add_slot_q <= mul_slot_q;
    rdq_slot_q <= add_slot_q;
  end

endmodule
