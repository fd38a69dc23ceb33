// SPDX-License-Identifier: Apache-2.0
// npe_pe_cnt: the PE's activity counters for the energy model: MACs done per
// format, lane-cycles clock-gated per format, and lane-cycles gated while idle;
// read one at a time through a select. It does not gate anything itself.
//
// cnt_sel_i: 0..5  MACs of format code f (lanes used per accepted word)
//            8..13 gated lane-cycles while format f ran (NumLanes - lanes(f))
//            15    idle lane-cycles (NumLanes per cycle without a word)
//            other reads 0.
// Build 0: no counters, cnt_o reads 0 (the engine's PEs: npe_perf counts).
module npe_pe_cnt
#(
  parameter logic [5:0]  FormatMask       = 6'h3f,
  parameter int NumLanes         = 4,
  parameter int CounterWidthBits = 48,
  parameter bit Build            = 1'b1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic                        clear_i,   // zero every counter
  input  logic                        valid_i,   // a word entered the PE
  input  logic [2:0]                  fmt_i,     // npe_pkg::npe_fmt_e code
  input  logic [3:0]                  sel_i,
  output logic [CounterWidthBits-1:0] cnt_o
);

  if (Build) begin : gen_cnt
    localparam int CW = CounterWidthBits;

    logic [6*CW-1:0] mac_all, gate_all;   // format f at bits f*CW +: CW
    logic [5:0]      hit;                  // a word of format f this cycle
    logic [CW-1:0]   idle_q, idle_d;

    for (genvar f = 0; f < 6; f++) begin : gen_fmt
      if (FormatMask[f]) begin : gen_on
        localparam logic [2:0] Code  = f;
        localparam logic [2:0] Lanes = npe_pkg::fmt_lanes(Code);
        logic [CW-1:0] mac_q, mac_d, gate_q, gate_d;
        assign hit[f] = valid_i && (fmt_i == Code);
        assign mac_d  = clear_i ? '0 : (hit[f] ? mac_q + CW'(Lanes) : mac_q);
        assign gate_d = clear_i ? '0 : (hit[f] ? gate_q + CW'(NumLanes) - CW'(Lanes) : gate_q);
        always_ff @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            mac_q  <= '0;
            gate_q <= '0;
          end else begin
            mac_q  <= mac_d;
            gate_q <= gate_d;
          end
        end
        assign mac_all[f*CW +: CW]  = mac_q;
        assign gate_all[f*CW +: CW] = gate_q;
      end else begin : gen_off
        assign hit[f]               = 1'b0;
        assign mac_all[f*CW +: CW]  = '0;
        assign gate_all[f*CW +: CW] = '0;
      end
    end

    assign idle_d = clear_i ? '0 : ((|hit) ? idle_q : idle_q + CW'(NumLanes));

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) idle_q <= '0;
      else         idle_q <= idle_d;
    end

    // Read select
    always_comb begin
      cnt_o = '0;
      if (sel_i == 4'd15) begin
        cnt_o = idle_q;
      end else if (sel_i[2:0] < 3'd6) begin
        cnt_o = sel_i[3] ? gate_all[32'(sel_i[2:0])*CW +: CW] : mac_all[32'(sel_i[2:0])*CW +: CW];
      end
    end
  end else begin : gen_none
    assign cnt_o = '0;
    logic unused_in;
    assign unused_in = clk_i ^ rst_ni ^ clear_i ^ valid_i ^ ^fmt_i ^ ^sel_i;
  end

endmodule
