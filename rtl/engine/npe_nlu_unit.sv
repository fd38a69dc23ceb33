// SPDX-License-Identifier: Apache-2.0
// npe_nlu_unit: runs the NLU opcode. It reads the Rows x Cols binary32
// results of Groups column groups of one output buffer, converts them to the
// NLU's fixed-point input code (npe_f32_to_fix), converts all of them in
// parallel in one ramp of the ADC (rtl/nlu/npe_nlu: 2^B cycles, one column
// per value) and writes the B-bit codes back over the same elements,
// zero-extended, so a following STORE in 16-bit mode writes them out. The threshold table is written
// through the NLU_TBL CSRs while the unit is idle.
module npe_nlu_unit #(
  parameter int Rows      = 4,
  parameter int Cols      = 2,
  parameter int OutGroups = 32,
  parameter int Groups    = 8,   // column groups converted per ramp, 1..min(15, OutGroups)
  parameter int AddrBits  = 64   // width of the dispatch port's addresses (unused here)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  // Dispatch port (npe_cmd; docs/ARCHITECTURE.md, "The dispatch interface")
  input  logic                          job_valid_i,  // take job_desc_i; start next cycle
  input  logic [npe_pkg::DescBits-1:0]  job_desc_i,   // the descriptor npe_cmd presents
  input  logic                          job_chk_en_i, // check job_desc_i now (else chk_*, claim_o 0)
  input  logic                          abort_i,      // SOFT_RESET: finish soon, then stop
  output logic [7:0]                    chk_code_o,   // this unit's check of job_desc_i
  output logic [AddrBits-1:0]           chk_addr_o,   // faulting address of that check
  output logic [npe_pkg::NumRes-1:0]    claim_o,      // resources job_desc_i needs here
  output logic                          busy_o,       // from the cycle after job_valid_i
  output logic                          done_o,       // one-cycle pulse
  output logic                          next_o,       // with done_o: the next step follows
  output logic [7:0]                    err_o,        // with done_o
  output logic [AddrBits-1:0]           err_addr_o,   // with done_o
  output logic [3:0]                   conv_groups_o, // a ramp ended: column groups it converted (else 0)
  // Threshold table
  input  logic                         tbl_we_i,
  input  logic [8:0]                   tbl_addr_i,  // {segment, step j}
  input  logic [16:0]                  tbl_wdata_i,
  // Output buffer ob_buf_o: whole-group read and write
  output logic                         ob_buf_o,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_rgrp_o,  // group read
  input  logic [Rows*Cols*32-1:0]      ob_rdata_i,
  output logic [$clog2(OutGroups > 1 ? OutGroups : 2)-1:0] ob_wgrp_o,  // group written
  output logic                         ob_we_o,
  input  logic                         ob_wait_i,   // the array writes the buffer port this cycle
  output logic [Rows*Cols*32-1:0]      ob_wdata_o
);

  // ---------------------------------------------------------------------------
  // Dispatch port: NLU descriptors, and the NLU step of an XBAR run
  // (docs/REGMAP.md, opcodes NLU and XBAR)
  // ---------------------------------------------------------------------------
  // The job's fields, registered on job_valid_i
  logic [7:0]  d_op, d_spad;
  logic [15:0] d_n;
  logic [31:0] d_aux;
  logic        d_is_nlu, d_buf;
  assign d_op     = job_desc_i[npe_pkg::DescOpcodeLsb +: npe_pkg::DescOpcodeBits];
  assign d_spad   = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
  assign d_n      = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
  assign d_aux    = job_desc_i[npe_pkg::DescAuxLsb +: npe_pkg::DescAuxBits];
  assign d_is_nlu = d_op == 8'(npe_pkg::OpNlu);
  assign d_buf    = d_is_nlu ? d_spad[7] : d_spad[2];

  // The check and claim, inside job_chk_en_i (npe_cmd asks in a head's
  // first cycle; docs/ARCHITECTURE.md, "Simulation speed"): 0 otherwise, so
  // the Verilator model skips them in the other cycles. Own copies of the fields: the
  // d_* above feed the job's registers on job_valid_i, which depends on
  // claim_o.
  logic [7:0]  c_op, c_spad;
  logic [15:0] c_m, c_n;
  logic [31:0] c_aux;
  logic        c_is_nlu, c_is_xbar_run, c_aux_bad;
  always_comb begin
    if (job_chk_en_i) begin
      c_op   = job_desc_i[npe_pkg::DescOpcodeLsb +: npe_pkg::DescOpcodeBits];
      c_spad = job_desc_i[npe_pkg::DescSpadLsb +: npe_pkg::DescSpadBits];
      c_m    = job_desc_i[npe_pkg::DescMLsb +: npe_pkg::DescMBits];
      c_n    = job_desc_i[npe_pkg::DescNLsb +: npe_pkg::DescNBits];
      c_aux  = job_desc_i[npe_pkg::DescAuxLsb +: npe_pkg::DescAuxBits];
      c_is_nlu      = c_op == 8'(npe_pkg::OpNlu);
      c_is_xbar_run = c_op == 8'(npe_pkg::OpXbar) && !job_desc_i[npe_pkg::DescFlagsLsb + npe_pkg::DescFlagProgramBit];
      // AUX: B not 1..8, F above 14, or reserved bits set
      c_aux_bad = c_aux[3:0] == 4'd0 || c_aux[3:0] > 4'd8 || c_aux[7:4] > 4'd14 ||
                  c_aux[11:9] != 3'd0;
      // An NLU descriptor is checked whole here; of an XBAR run only AUX (the
      // crossbar checks the rest first); nothing else is this unit's.
      chk_code_o =
          !c_is_nlu && !c_is_xbar_run                      ? 8'(npe_pkg::ErrNone) :
          c_is_xbar_run ? (c_aux_bad ? 8'(npe_pkg::ErrBadAux) : 8'(npe_pkg::ErrNone)) :
          c_spad[6:0] != 7'd2                              ? 8'(npe_pkg::ErrSpadRange) :
          c_m == 16'd0 || 32'(c_m) > Rows || c_n == 16'd0 ||
          32'(c_n) > Cols * OutGroups                      ? 8'(npe_pkg::ErrBadDims) :
          c_aux_bad                                        ? 8'(npe_pkg::ErrBadAux) :
                                                             8'(npe_pkg::ErrNone);
      // The NLU, and the output buffer it converts in place.
      claim_o = (c_is_nlu || c_is_xbar_run)
                ? (npe_pkg::NumRes'(1) << npe_pkg::UnitNlu) |
                  (npe_pkg::NumRes'(1) << (npe_pkg::ResOut0 + (c_is_nlu ? 32'(c_spad[7]) : 32'(c_spad[2]))))
                : '0;
    end else begin
      c_op = '0; c_spad = '0; c_m = '0; c_n = '0; c_aux = '0;
      c_is_nlu = 1'b0; c_is_xbar_run = 1'b0; c_aux_bad = 1'b0;
      chk_code_o = 8'(npe_pkg::ErrNone);
      claim_o    = '0;
    end
  end
  assign chk_addr_o = '0;
  logic unused_fields;  // the bits the check and the job do not read
  assign unused_fields = ^{d_spad[6:3], d_spad[1:0], d_aux[11:9], c_aux[31:12], c_aux[8]};
  assign next_o     = 1'b0;
  assign err_o      = 8'd0;
  assign err_addr_o = '0;

  // The job, registered at dispatch and held until done_o.
  logic        job_go_q, job_buf_q, job_two_seg_q;
  logic [15:0] job_groups_q, job_split_q;
  logic [3:0]  job_bits_q, job_frac_q, job_shr_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      job_go_q <= 1'b0; job_buf_q <= 1'b0; job_two_seg_q <= 1'b0; job_groups_q <= '0;
      job_split_q <= '0; job_bits_q <= '0; job_frac_q <= '0; job_shr_q <= '0;
    end else begin
      job_go_q <= job_valid_i;
      if (job_valid_i) begin
        job_buf_q <= d_buf; job_two_seg_q <= d_aux[8];
        job_groups_q <= 16'((32'(d_n) + Cols - 1) / Cols); job_split_q <= d_aux[31:16];
        job_bits_q <= d_aux[3:0]; job_frac_q <= d_aux[7:4]; job_shr_q <= d_aux[15:12];
      end
    end
  end

  localparam int N     = Rows * Cols;
  localparam int P     = Groups;               // column groups per ramp
  localparam int PBits = P > 1 ? $clog2(P) : 1;
  localparam int NBits = $clog2(P + 1);        // 0..P groups

  // Three stages run at once, one batch of up to P column groups each:
  //   gather   reads a batch's groups from the output buffer, one per cycle,
  //            into the input stage (converted to input codes);
  //   ramp     npe_nlu converts the whole stage, P x Rows x Cols columns, in
  //            2^B cycles (one ramp, one table, as an ADC per column would);
  //   scatter  writes the codes back, one group per cycle, whenever the
  //            array is not writing the buffer.
  // So a batch costs max(2^B, P) cycles once the pipe is full.
  logic [15:0]        rd_g_q, rd_g_d;       // next group to gather
  logic [PBits-1:0]   rd_p_q, rd_p_d;       // its slot in the input stage
  logic               stage_full_q, stage_full_d;
  logic [15:0]        stage_base_q, stage_base_d;
  logic [NBits-1:0]   stage_n_q, stage_n_d; // groups in the staged batch
  logic [15:0]        ramp_base_q, ramp_base_d;
  logic [NBits-1:0]   ramp_n_q, ramp_n_d;
  logic               out_busy_q, out_busy_d;
  logic [15:0]        out_base_q, out_base_d;
  logic [NBits-1:0]   out_n_q, out_n_d;
  logic [PBits-1:0]   out_p_q, out_p_d;
  logic [15:0]        written_q, written_d; // groups written back
  logic               run_q, run_d, abort_q, abort_d;

  logic [N*16-1:0]    rd_codes;
  logic [P*N*16-1:0]  stage_q;
  logic [P*N*8-1:0]   adc_codes, out_q;
  logic               gather, accept, adc_in_ready, adc_out_valid, take, wr_now;
  logic               adc_busy, adc_conv, all_read, job_end;

  for (genvar i = 0; i < N; i++) begin : gen_cvt
    npe_f32_to_fix u_cvt (
`ifdef NPE_PLANT_BUG_SIM_ENABLE
      // Test only (sim-enable-plant-test): the enable misses every slot but
      // the first of a batch, whose codes then enter the ramp as 0.
      .en_i   (gather && rd_p_q == '0),
`else
      .en_i   (gather),  // stage_q takes rd_codes only then
`endif
      .f_i    (ob_rdata_i[32*i +: 32]),
      .frac_i (job_frac_q),
      .shr_i  (job_shr_q),
      .x_o    (rd_codes[16*i +: 16])
    );
    assign ob_wdata_o[32*i +: 32] = {24'd0, out_q[8*(N*32'(out_p_q) + i) +: 8]};
  end

  npe_nlu #(.NumCols(P * N), .InWidthBits(16), .MaxBits(8)) u_nlu (
    .clk_i, .rst_ni,
    .cfg_bits_i    (job_bits_q),
    .cfg_two_seg_i (job_two_seg_q),
    .cfg_split_i   (job_split_q),
    .tbl_we_i      (tbl_we_i && !busy_o),
    .tbl_addr_i    (tbl_addr_i),
    .tbl_wdata_i   (tbl_wdata_i),
    .in_valid_i    (stage_full_q),
    .in_ready_o    (adc_in_ready),
    .in_data_i     (stage_q),
    .out_valid_o   (adc_out_valid),
    .out_ready_i   (!out_busy_q),
    .out_code_o    (adc_codes),
    .busy_o        (adc_busy),
    .conv_done_o   (adc_conv)
  );

  // Outputs from the state (no default-then-override glitch, see npe_cmd).
  assign all_read  = rd_g_q >= job_groups_q || abort_q;
  assign gather    = run_q && !stage_full_q && !all_read;
  assign accept    = stage_full_q && adc_in_ready;
  assign take      = adc_out_valid && !out_busy_q;
  assign wr_now    = out_busy_q && !ob_wait_i && !abort_q;
  assign ob_buf_o  = job_buf_q;
  assign ob_rgrp_o = $bits(ob_rgrp_o)'(rd_g_q);
  assign ob_wgrp_o = $bits(ob_wgrp_o)'(out_base_q + 16'(out_p_q));
  assign ob_we_o   = wr_now;
  // Every group written, or (abort) nothing staged, ramping or writing.
  assign job_end   = run_q && ((written_q >= job_groups_q) ||
                     (abort_q && !stage_full_q && !adc_busy && !out_busy_q));
  assign done_o    = job_end;
  assign busy_o    = job_go_q || run_q;
  assign conv_groups_o = adc_conv ? 4'(ramp_n_q) : 4'd0;

  always_comb begin
    rd_g_d       = rd_g_q;
    rd_p_d       = rd_p_q;
    stage_full_d = stage_full_q;
    stage_base_d = stage_base_q;
    stage_n_d    = stage_n_q;
    ramp_base_d  = ramp_base_q;
    ramp_n_d     = ramp_n_q;
    out_busy_d   = out_busy_q;
    out_base_d   = out_base_q;
    out_n_d      = out_n_q;
    out_p_d      = out_p_q;
    written_d    = written_q;
    run_d        = run_q;
    abort_d      = abort_q | (run_q && abort_i);
    if (job_go_q) begin
      run_d        = 1'b1;
      abort_d      = abort_i;
      rd_g_d       = 16'd0;
      rd_p_d       = '0;
      stage_full_d = 1'b0;
      stage_base_d = 16'd0;
      written_d    = 16'd0;
    end
    // Gather: one group per cycle into the next slot; a batch is complete
    // with P groups or the job's last.
    if (gather) begin
      rd_g_d = rd_g_q + 16'd1;
      if (32'(rd_p_q) == P - 1 || rd_g_q + 16'd1 >= job_groups_q) begin
        stage_full_d = 1'b1;
        stage_n_d    = NBits'(rd_p_q) + NBits'(1);
        rd_p_d       = '0;
      end else begin
        rd_p_d = rd_p_q + 1'b1;
      end
    end
    // Ramp: the ADC takes the staged batch (in the cycle it gives up the
    // previous one's codes, if it holds any).
    if (accept) begin
      stage_full_d = 1'b0;
      stage_base_d = rd_g_q;
      ramp_base_d  = stage_base_q;
      ramp_n_d     = stage_n_q;
    end
    // Scatter: the codes of the ramp that ended, one group per cycle.
    if (take) begin
      out_busy_d = 1'b1;
      out_base_d = ramp_base_q;
      out_n_d    = ramp_n_q;
      out_p_d    = '0;
    end else if (out_busy_q && (abort_q || (wr_now && 32'(out_p_q) + 1 == 32'(out_n_q)))) begin
      out_busy_d = 1'b0;
    end
    if (wr_now) begin
      out_p_d   = out_p_q + 1'b1;
      written_d = written_q + 16'd1;
    end
    if (job_end) run_d = 1'b0;
  end

  always_ff @(posedge clk_i) begin
    if (gather) stage_q[N*16*32'(rd_p_q) +: N*16] <= rd_codes;
    if (take)   out_q <= adc_codes;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_g_q       <= '0;
      rd_p_q       <= '0;
      stage_full_q <= 1'b0;
      stage_base_q <= '0;
      stage_n_q    <= '0;
      ramp_base_q  <= '0;
      ramp_n_q     <= '0;
      out_busy_q   <= 1'b0;
      out_base_q   <= '0;
      out_n_q      <= '0;
      out_p_q      <= '0;
      written_q    <= '0;
      run_q        <= 1'b0;
      abort_q      <= 1'b0;
    end else begin
      rd_g_q       <= rd_g_d;
      rd_p_q       <= rd_p_d;
      stage_full_q <= stage_full_d;
      stage_base_q <= stage_base_d;
      stage_n_q    <= stage_n_d;
      ramp_base_q  <= ramp_base_d;
      ramp_n_q     <= ramp_n_d;
      out_busy_q   <= out_busy_d;
      out_base_q   <= out_base_d;
      out_n_q      <= out_n_d;
      out_p_q      <= out_p_d;
      written_q    <= written_d;
      run_q        <= run_d;
      abort_q      <= abort_d;
    end
  end

  logic unused_nlu;
  assign unused_nlu = ^job_desc_i;

`ifdef NPE_ASSERT
  // A batch is written back only to the groups it was read from, and every
  // group of the job once.
  NluUnitWriteInJob: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_now |-> out_base_q + 16'(out_p_q) < job_groups_q && 32'(out_p_q) < 32'(out_n_q));
  NluUnitGatherInJob: assert property (@(posedge clk_i) disable iff (!rst_ni)
      gather |-> rd_g_q < job_groups_q);
  NluUnitNoTakeWhileWriting: assert property (@(posedge clk_i) disable iff (!rst_ni)
      take |-> !out_busy_q);
`endif

endmodule
