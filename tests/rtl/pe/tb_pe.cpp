// SPDX-License-Identifier: Apache-2.0
// tb_pe.cpp - Verilator testbench of npe_pe: drives every suite of pe_stim
// and compares each result (binary32, operand format, flags) and the
// activity counters bit for bit with the golden library.
//
// Usage: tb_pe [+seed=N] [+scale=N]  (seed 1, scale 1 by default;
// +scale divides the sizes of the random suites)
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "Vnpe_pe.h"
#include "pe_stim.h"
#include "verilated.h"

namespace {

struct Sim {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vnpe_pe> top;
  uint64_t extra_idle = 0;  // idle cycles outside pe_stim lists
  size_t mismatches = 0;
  size_t checked = 0;
};

void tick(Sim &sim) {
  sim.top->clk_i = 0;
  sim.top->eval();
  sim.ctx->timeInc(1);
  sim.top->clk_i = 1;
  sim.top->eval();
  sim.ctx->timeInc(1);
}

const char *fmt_name(unsigned f) {
  const char *n = npe_fmt_name(static_cast<npe_fmt>(f));
  return n ? n : "?";
}

// Runs the cycles of s on the model and compares the results in order.
void run(Sim &sim, pe_stim &s, const char *name) {
  Vnpe_pe &t = *sim.top;
  size_t next = 0, bad_here = 0, words = 0;
  for (size_t i = 0; i < s.ncyc + 16; i++) {
    pe_cycle c{};
    if (i < s.ncyc) c = s.cyc[i];
    else sim.extra_idle++;
    words += c.valid;
    t.valid_i = c.valid, t.a_i = c.a, t.b_i = c.b, t.fmt_i = c.fmt;
    t.clear_i = c.clear, t.last_i = c.last, t.read_i = c.read, t.rd_fmt_i = c.rd_fmt;
    tick(sim);
    if (!t.res_valid_o) continue;
    if (next >= s.nres) {
      if (bad_here++ < 5) std::printf("  %s: unexpected result at cycle %zu\n", name, i);
      continue;
    }
    const pe_result &r = s.res[next++];
    sim.checked++;
    if (t.res_f32_o != r.f32 || t.res_fmt_o != r.bits || t.res_flags_o != r.flags) {
      if (bad_here < 10)
        std::printf("  %s: result %zu (%u words, rd %s, quire %016" PRIx64 "%016" PRIx64
                    "): got f32 %08x fmt %04x flags %x, want %08x %04x %x\n",
                    name, next - 1, r.words, fmt_name(r.rd_fmt), r.q_hi, r.q_lo,
                    t.res_f32_o, t.res_fmt_o, t.res_flags_o, r.f32, r.bits, r.flags);
      bad_here++;
    }
  }
  if (next != s.nres) {
    std::printf("  %s: %zu results missing\n", name, s.nres - next);
    bad_here += s.nres - next;
  }
  sim.mismatches += bad_here;
  std::printf("suite %-20s words %9zu results %8zu mismatches %zu\n", name, words, s.nres,
              bad_here);
  std::fflush(stdout);
  pe_stim_reset_lists(&s);
}

// Compares the activity counters with the totals pe_stim expects.
void check_counters(Sim &sim, pe_stim &s) {
  Vnpe_pe &t = *sim.top;
  t.valid_i = 0, t.clear_i = 0, t.read_i = 0;
  tick(sim);  // the cycle before reaches the counters; this one does not
  size_t bad = 0;
  auto rd = [&](unsigned sel) {
    t.cnt_sel_i = sel;
    t.eval();
    return static_cast<uint64_t>(t.cnt_o);
  };
  for (unsigned f = 0; f < NPE_FMT_COUNT; f++) {
    uint64_t m = rd(f), g = rd(8 + f);
    if (m != s.macs[f] || g != s.gated[f]) {
      std::printf("  counters %s: macs %" PRIu64 " gated %" PRIu64 ", want %" PRIu64
                  " %" PRIu64 "\n", fmt_name(f), m, g, s.macs[f], s.gated[f]);
      bad++;
    }
  }
  // Idle lane-cycles: pe_stim's idle cycles plus the harness's drain cycles.
  uint64_t idle = rd(15), want = s.idle + s.num_lanes * sim.extra_idle;
  if (idle != want) {
    std::printf("  counters idle: %" PRIu64 ", want %" PRIu64 "\n", idle, want);
    bad++;
  }
  std::printf("counters: %s\n", bad ? "MISMATCH" : "ok");
  sim.mismatches += bad;
}

}  // namespace

int main(int argc, char **argv) {
  Sim sim;
  sim.ctx = std::make_unique<VerilatedContext>();
  sim.ctx->randReset(2);
  sim.ctx->commandArgs(argc, argv);
  sim.top = std::make_unique<Vnpe_pe>(sim.ctx.get(), "npe_pe");

  uint64_t seed = 1;
  unsigned scale = 1;
  const char *arg = sim.ctx->commandArgsPlusMatch("seed=");
  if (arg && *arg) seed = std::strtoull(arg + 6, nullptr, 0);
  arg = sim.ctx->commandArgsPlusMatch("scale=");
  if (arg && *arg) scale = static_cast<unsigned>(std::strtoul(arg + 7, nullptr, 0));
  if (scale == 0) scale = 1;
  std::printf("tb_pe: seed %" PRIu64 " scale %u\n", seed, scale);

  // Reset; the counters start at zero with the first stimulus cycle.
  Vnpe_pe &t = *sim.top;
  t.rst_ni = 0, t.valid_i = 0, t.clear_i = 0, t.last_i = 0, t.read_i = 0;
  t.cnt_clear_i = 0, t.cnt_sel_i = 0;
  for (int i = 0; i < 4; i++) tick(sim);
  t.rst_ni = 1;
  tick(sim);

  pe_stim s;
  pe_stim_init(&s, seed, 0x3f);
  t.cnt_clear_i = 1;  // with the first stimulus cycle
  pe_idle(&s, 1);
  run(sim, s, "warmup");
  t.cnt_clear_i = 0;
  // the warm-up cycle cleared the counters as it entered: restart the totals
  std::memset(s.macs, 0, sizeof s.macs);
  std::memset(s.gated, 0, sizeof s.gated);
  s.idle = 0;
  // The counters lag the inputs by a cycle: the warm-up's last drain cycle is
  // the first one counted.
  sim.extra_idle = 1;

  suite_exhaustive_small(&s, NPE_FMT_FP4);
  run(sim, s, "fp4_all_pairs");
  suite_exhaustive_small(&s, NPE_FMT_POSIT4);
  run(sim, s, "posit4_all_pairs");
  suite_exhaustive_byte(&s, NPE_FMT_POSIT8);
  run(sim, s, "posit8_all_pairs");
  suite_exhaustive_byte(&s, NPE_FMT_INT8);
  run(sim, s, "int8_all_pairs");
  suite_exhaustive_ternary(&s);
  run(sim, s, "ternary_all_pairs");
  for (unsigned i = 0; i < 4; i++) {  // 4 x 262144 = 1048576 posit16 pairs
    suite_random_words(&s, NPE_FMT_POSIT16, 262144 / scale);
    run(sim, s, "posit16_random");
  }
  suite_random_words(&s, NPE_FMT_INT8, 100000 / scale);
  run(sim, s, "int8_random");
  suite_random_words(&s, NPE_FMT_TERNARY, 100000 / scale);
  run(sim, s, "ternary_random");
  suite_edges(&s);
  run(sim, s, "edges");
  suite_overflow(&s);
  run(sim, s, "overflow");
  suite_invalid_ternary(&s);
  run(sim, s, "ternary_invalid_code");
  for (unsigned i = 0; i < 16; i++) {  // 6400 dot products of length 1..4096
    suite_dots(&s, 400 / scale, 4096);
    run(sim, s, "dot_products");
  }
  check_counters(sim, s);

  if (s.bad) {
    std::printf("tb_pe: a golden-library call failed (testbench bug)\n");
    sim.mismatches++;
  }
  sim.top->final();
  std::printf("tb_pe: %s: %zu results checked, %zu mismatches\n",
              sim.mismatches ? "FAIL" : "PASS", sim.checked, sim.mismatches);
  pe_stim_free(&s);
  return sim.mismatches ? 1 : 0;
}
