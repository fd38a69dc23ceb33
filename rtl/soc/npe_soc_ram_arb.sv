// SPDX-License-Identifier: Apache-2.0
// npe_soc_ram_arb: two simple memory ports (the core's and the host's, the
// protocol of npe_rv32_core's mem_* port: request held until ready, 32-bit
// data in its byte lanes) onto one 64-bit RAM port. One access at a time:
// the granted request goes to the RAM in the cycle it is seen, ready (with
// the read data of the addressed half word) follows in the next cycle. When
// both ask, they take turns (the one not served last goes first).
module npe_soc_ram_arb #(
  parameter int Words = 16384  // RAM words (64-bit)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  // port 0 (the core)
  input  logic                     p0_req_i,
  input  logic                     p0_we_i,
  input  logic [31:0]              p0_addr_i,   // byte address inside the RAM
  input  logic [31:0]              p0_wdata_i,
  input  logic [3:0]               p0_wstrb_i,
  output logic [31:0]              p0_rdata_o,
  output logic                     p0_ready_o,

  // port 1 (the host)
  input  logic                     p1_req_i,
  input  logic                     p1_we_i,
  input  logic [31:0]              p1_addr_i,
  input  logic [31:0]              p1_wdata_i,
  input  logic [3:0]               p1_wstrb_i,
  output logic [31:0]              p1_rdata_o,
  output logic                     p1_ready_o,

  // the RAM's port
  output logic                     ram_en_o,
  output logic [7:0]               ram_we_o,
  output logic [$clog2(Words)-1:0] ram_addr_o,
  output logic [63:0]              ram_wdata_o,
  input  logic [63:0]              ram_rdata_i
);
  localparam int AW = $clog2(Words);

  typedef enum logic [1:0] {StIdle, StResp0, StResp1} state_e;
  state_e state_q, state_d;
  logic   last1_q, last1_d;  // port 1 was served last
  logic   hi_q, hi_d;        // the served access is to the upper half word

  logic grant0, grant1, sel_we;
  logic [31:0] sel_addr, sel_wdata;
  logic [3:0]  sel_wstrb;

  // Grant in StIdle only; port 1 when it asks alone or port 0 went last.
  assign grant1 = (state_q == StIdle) && p1_req_i && (!p0_req_i || !last1_q);
  assign grant0 = (state_q == StIdle) && p0_req_i && !grant1;

  assign sel_we    = grant1 ? p1_we_i    : p0_we_i;
  assign sel_addr  = grant1 ? p1_addr_i  : p0_addr_i;
  assign sel_wdata = grant1 ? p1_wdata_i : p0_wdata_i;
  assign sel_wstrb = grant1 ? p1_wstrb_i : p0_wstrb_i;

  assign ram_en_o    = grant0 || grant1;
  assign ram_addr_o  = sel_addr[AW+2:3];
  assign ram_wdata_o = {sel_wdata, sel_wdata};
  assign ram_we_o    = !sel_we ? 8'h00 : sel_addr[2] ? {sel_wstrb, 4'h0} : {4'h0, sel_wstrb};

  always_comb begin
    state_d = state_q;
    last1_d = last1_q;
    hi_d    = hi_q;
    case (state_q)
      StIdle: begin
        if (grant1) begin
          state_d = StResp1;
          last1_d = 1'b1;
          hi_d    = p1_addr_i[2];
        end else if (grant0) begin
          state_d = StResp0;
          last1_d = 1'b0;
          hi_d    = p0_addr_i[2];
        end
      end
      default: state_d = StIdle;  // the response cycle
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      last1_q <= 1'b0;
      hi_q    <= 1'b0;
    end else begin
      state_q <= state_d;
      last1_q <= last1_d;
      hi_q    <= hi_d;
    end
  end

  assign p0_ready_o = state_q == StResp0;
  assign p1_ready_o = state_q == StResp1;
  assign p0_rdata_o = hi_q ? ram_rdata_i[63:32] : ram_rdata_i[31:0];
  assign p1_rdata_o = p0_rdata_o;

  // (the decode outside picked the RAM; bits 1:0 are in the strobes)
  logic unused;
  assign unused = ^{sel_addr[31:AW+3], sel_addr[1:0]};

`ifdef NPE_ASSERT
  RamArbOneGrant: assert property (@(posedge clk_i) disable iff (!rst_ni) !(grant0 && grant1));
  RamArbP0Held: assert property (@(posedge clk_i) disable iff (!rst_ni)
    state_q == StResp0 |-> p0_req_i);
  RamArbP1Held: assert property (@(posedge clk_i) disable iff (!rst_ni)
    state_q == StResp1 |-> p1_req_i);
`endif
endmodule
