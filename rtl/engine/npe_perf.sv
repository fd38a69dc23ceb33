// SPDX-License-Identifier: Apache-2.0
// npe_perf: the engine's performance counters (PERF_* in docs/REGMAP.md),
// one per event, each CounterBits wide (they wrap; the bits above read 0).
// Counters outside PerfMask, and those that cannot move in the build (MACs
// of a format not built, ADC conversions without the NLU), are not built and
// read 0; CapPerf (the CAP_PERF register) says which are.
module npe_perf #(
  parameter int          Rows        = 4,
  parameter int          Cols        = 2,
  parameter int          Lanes       = 4,   // lanes per PE (CAP_ARRAY.LANES)
  parameter int          CounterBits = 64,
  parameter logic [31:0] CapPerf     = '1   // counters built (bit = PERF_ index)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        clear_i,        // PERF_CLEAR
  input  logic        en_i,           // PERF_EN

  // Events of this cycle
  input  logic        busy_i,         // the engine is busy (STATUS.BUSY)
  input  logic        issue_i,        // a word entered the PEs ...
  input  logic [2:0]  issue_fmt_i,    // ... in this PE mode ...
  input  logic [15:0] issue_macs_i,   // ... carrying these MACs ...
  input  logic [15:0] issue_lanes_i,  // ... on these lanes
  input  logic        ld_wait_i,      // the loader waits for read data
  input  logic        stall_spad_i,   // the head descriptor waits: unit or scratchpad
  input  logic        stall_out_i,    // ... an output buffer
  input  logic        stall_fence_i,  // ... a FENCE
  input  logic        rd_beat_i,      // a DMA read beat (8 bytes)
  input  logic        wr_beat_i,      // a DMA write beat (8 bytes)
  input  logic [3:0]  adc_conv_groups_i, // the NLU finished a ramp over this many column groups

  output logic [npe_pkg::NumPerfCounters*64-1:0] perf_o  // counter i at 64*i
);

  localparam logic [15:0] AllLanes = 16'(Lanes * Rows * Cols);
  logic [63:0] cnt_inc [npe_pkg::NumPerfCounters];

  // One continuous assignment per counter (an always_comb that writes an
  // element twice re-triggers itself in Icarus).
  logic [63:0] mac_inc;
  assign mac_inc = issue_i ? 64'(issue_macs_i) : 64'd0;
  for (genvar i = 0; i < npe_pkg::NumPerfCounters; i++) begin : gen_cnt_inc
    if (i == npe_pkg::PerfBusyCycles) begin : gen_busy
      assign cnt_inc[i] = {63'd0, busy_i};
    end else if (i >= npe_pkg::PerfMacsFp4 && i < npe_pkg::PerfMacsFp4 + npe_pkg::NumFormats)
    begin : gen_macs
      assign cnt_inc[i] = (32'(issue_fmt_i) == i - npe_pkg::PerfMacsFp4) ? mac_inc : 64'd0;
    end else if (i == npe_pkg::PerfGatedLaneCyc) begin : gen_gated
      assign cnt_inc[i] = busy_i ? 64'(AllLanes) - 64'(issue_lanes_i) : 64'd0;
    end else if (i == npe_pkg::PerfStallDma) begin : gen_stall_dma
      assign cnt_inc[i] = {63'd0, ld_wait_i};
    end else if (i == npe_pkg::PerfStallSpad) begin : gen_stall_spad
      assign cnt_inc[i] = {63'd0, stall_spad_i};
    end else if (i == npe_pkg::PerfStallOut) begin : gen_stall_out
      assign cnt_inc[i] = {63'd0, stall_out_i};
    end else if (i == npe_pkg::PerfStallFence) begin : gen_stall_fence
      assign cnt_inc[i] = {63'd0, stall_fence_i};
    end else if (i == npe_pkg::PerfDmaRdBytes) begin : gen_dma_rd
      assign cnt_inc[i] = rd_beat_i ? 64'd8 : 64'd0;
    end else if (i == npe_pkg::PerfDmaWrBytes) begin : gen_dma_wr
      assign cnt_inc[i] = wr_beat_i ? 64'd8 : 64'd0;
    end else begin : gen_adc  // ADC conversions: one per column per NLU ramp
      assign cnt_inc[i] = 64'(adc_conv_groups_i) * 64'(Rows * Cols);
    end
  end

  for (genvar i = 0; i < npe_pkg::NumPerfCounters; i++) begin : gen_perf
    if (CapPerf[i]) begin : gen_on
      logic [CounterBits-1:0] q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni)      q <= '0;
        else if (clear_i) q <= '0;
        else if (en_i)    q <= q + cnt_inc[i][CounterBits-1:0];
      end
      assign perf_o[64*i +: 64] = 64'(q);
    end else begin : gen_off
      assign perf_o[64*i +: 64] = 64'd0;
      logic unused_inc;
      assign unused_inc = ^cnt_inc[i];
    end
  end

endmodule
