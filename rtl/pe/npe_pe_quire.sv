// SPDX-License-Identifier: Apache-2.0
// npe_pe_quire: the exact accumulator, 128-bit two's complement Q71.56, with
// sticky NaR and overflow flags. It adds one pre-summed addend per cycle; it
// does not round or read out (npe_pe_norm / npe_pe_round do).
//
// Order within a cycle: clear (or load a saved quire), then add. Overflow rule (as npe_quire_add_product):
// if q + addend leaves the signed 128-bit range, OVF is set and q's sign
// keeps its value from before that addition; while OVF is set every addition
// is ignored, until a clear. NaR is ORed in and does not stop accumulation.
// Only the sign of an overflowed quire is ever read (read-out gives +-Inf,
// NaR or the saturated code by it; a KEEP slot carries OVF with it, and an
// ACCUM of it stays frozen), so the other 127 bits take the wrapped sum: the
// wide register's load enable then does not wait for the overflow test, which
// needs the full carry chain (about 0.6 ns of the 180 nm cycle: it fanned out
// to 128 multiplexers). The golden model keeps all 128 bits; no output can
// tell the two apart.
// The addend is the sum of one cycle's lane products; for posit16 (one lane)
// that is one product, so the rule matches the golden model term for term.
module npe_pe_quire
#(
  parameter int AddendBits = 116,
  parameter bit ClockGates = 1'b0, // gated clocks on the 128 data bits (npe_clk_gate)
  // With ClockGates, bits LoBits-1..0 have a gate of their own, open only on a
  // clear or a wide addition (0: no such split)
  parameter int LoBits     = 0,
  // ... and bits MidBits-1..LoBits one open only on a clear or a fine
  // addition (MidBits <= LoBits: no such split)
  parameter int MidBits    = 0
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      clr_i,     // start from zero, no flags
  // the addend may have bits below LoBits (posit16); else they are zero, so
  // an addition leaves the quire's bits LoBits-1..0 as they are
  input  logic                      wide_i,
  // the addend may have bits below MidBits (the posit formats; implied by wide_i)
  input  logic                      fine_i,
  // with clr_i: start from ld_quire_i and its flags instead (a quire saved
  // by a MATMUL with FLAGS.KEEP, continued by FLAGS.ACCUM)
  input  logic                      ld_i,
  input  logic [npe_pkg::QuireWidthBits-1:0] ld_quire_i,
  input  logic                      ld_nar_i,
  input  logic                      ld_ovf_i,
  input  logic                      acc_i,     // add addend_i this cycle
  input  logic [AddendBits-1:0]     addend_i,  // two's complement
  input  logic                      nar_i,     // a NaR operand this cycle
  output logic [npe_pkg::QuireWidthBits-1:0] quire_o,
  output logic                      nar_o,
  output logic                      ovf_o
);

  localparam int QW = npe_pkg::QuireWidthBits;

  logic [QW-1:0] quire_q, quire_d, base, sum;
  logic          nar_q, nar_d, ovf_q, ovf_d, ovf_base, add_ovf, sum_sign;

  logic nar_base;
  assign base     = clr_i ? (ld_i ? ld_quire_i : '0) : quire_q;
  assign ovf_base = clr_i ? (ld_i && ld_ovf_i) : ovf_q;
  assign nar_base = clr_i ? (ld_i && ld_nar_i) : nar_q;
  assign sum      = base + {{(QW - AddendBits){addend_i[AddendBits-1]}}, addend_i};
  // Signed overflow: operands of one sign, result of the other.
  assign add_ovf  = (base[QW-1] == addend_i[AddendBits-1]) && (sum[QW-1] != base[QW-1]);
  // The sign after this addition: operands of one sign keep it (sum or
  // overflow alike); of different signs the sum cannot overflow.
  assign sum_sign = (base[QW-1] == addend_i[AddendBits-1]) ? base[QW-1] : sum[QW-1];

  always_comb begin
    quire_d = base;
    ovf_d   = ovf_base;
    nar_d   = nar_base | (acc_i & nar_i);
    if (acc_i && !ovf_base) begin
      ovf_d   = add_ovf;
      quire_d = {sum_sign, sum[QW-2:0]};
    end
  end

  // The flags reset; the 128 data bits do not (a clear starts every dot
  // product, and a reset flop is 1.8x the area of a plain one in the OSU
  // cells: 10,400 um^2 over the quire).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      nar_q   <= 1'b0;
      ovf_q   <= 1'b0;
    end else begin
      nar_q   <= nar_d;
      ovf_q   <= ovf_d;
    end
  end

  // quire_d differs from quire_q only on a clear or an addition, and its
  // bits below LoBits only on a clear or a wide addition
  logic clk_q, clk_lo, en_lo, en_mid;
  assign en_mid = clr_i | (acc_i & (fine_i | wide_i));
`ifndef NPE_PLANT_BUG_PE_QUIRE_LO
  assign en_lo = clr_i | (acc_i & wide_i);
`else
  assign en_lo = acc_i & wide_i;   // planted: a clear leaves the low bits
`endif
  npe_clk_gate #(.Enabled(ClockGates)) u_cg (.clk_i, .en_i(clr_i | acc_i), .clk_o(clk_q));

  // Without ClockGates the groups would share clk_i: one register then, not
  // slices a simulator reassembles every cycle (docs/ARCHITECTURE.md,
  // "Simulation speed"). LoBits and MidBits still name the bits the
  // assertions below check.
  if (ClockGates && LoBits > 0) begin : gen_lo
    npe_clk_gate #(.Enabled(ClockGates)) u_cg_lo (.clk_i, .en_i(en_lo), .clk_o(clk_lo));
    logic [LoBits-1:0] lo_q;
    always_ff @(posedge clk_lo) lo_q <= quire_d[LoBits-1:0];
    if (MidBits > LoBits) begin : gen_mid
      logic clk_mid;
      npe_clk_gate #(.Enabled(ClockGates)) u_cg_mid (.clk_i, .en_i(en_mid), .clk_o(clk_mid));
      logic [MidBits-1:LoBits] mid_q;
      logic [QW-1:MidBits]     hi_q;
      always_ff @(posedge clk_mid) mid_q <= quire_d[MidBits-1:LoBits];
      always_ff @(posedge clk_q)   hi_q  <= quire_d[QW-1:MidBits];
      assign quire_q = {hi_q, mid_q, lo_q};
    end else begin : gen_no_mid
      logic [QW-1:LoBits] hi_q;
      logic unused_mid;
      assign unused_mid = ^{en_mid, fine_i};
      always_ff @(posedge clk_q)  hi_q <= quire_d[QW-1:LoBits];
      assign quire_q = {hi_q, lo_q};
    end
  end else begin : gen_no_lo
    assign clk_lo = 1'b0;
    logic unused_lo;
    assign unused_lo = ^{en_lo, clk_lo, en_mid, fine_i};
    always_ff @(posedge clk_q) begin
      quire_q <= quire_d;
    end
  end

  assign quire_o = quire_q;
  assign nar_o   = nar_q;
  assign ovf_o   = ovf_q;

  // --------------------------------------------------------------------------
  // Assertions (Verilator only: Icarus 11 and Yosys 0.23 parse no labelled
  // assert ... else)
  // --------------------------------------------------------------------------
`ifdef VERILATOR
  // the exact 129-bit sum, computed only where the check needs it (a wire
  // would be a second wide addition in every simulated cycle)
  function automatic logic [QW:0] exact_sum(logic [QW-1:0] b, logic [AddendBits-1:0] x);
    return {b[QW-1], b} + {{(QW + 1 - AddendBits){x[AddendBits-1]}}, x};
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      // nothing to check in reset
    end else begin
      if (acc_i && !ovf_base) begin
        QuireNoSilentOverflow: assert (ovf_d || (exact_sum(base, addend_i) == {quire_d[QW-1], quire_d}))
          else $error("quire: sum left the 128-bit range without OVF");
        QuireSignKeptOnOverflow: assert (!ovf_d || quire_d[QW-1] == base[QW-1])
          else $error("quire: an overflowing addition changed the sign");
      end
      if (LoBits > 0 && acc_i && !wide_i) begin
        QuireNarrowAddendLowZero: assert (addend_i[(LoBits > 0 ? LoBits : 1)-1:0] == '0)
          else $error("quire: a narrow addend has bits below LoBits");
      end
      if (MidBits > LoBits && acc_i && !wide_i && !fine_i) begin
        QuireCoarseAddendMidZero: assert (addend_i[(MidBits > LoBits ? MidBits : 2)-1:(MidBits > LoBits ? LoBits : 1)] == '0)
          else $error("quire: an integer or FP4 addend has bits below MidBits");
      end
      if (ovf_q && !clr_i) begin
        QuireFrozenOnOverflow: assert (quire_d == quire_q && ovf_d)
          else $error("quire: changed while OVF was set");
      end
    end
  end
`endif

endmodule
