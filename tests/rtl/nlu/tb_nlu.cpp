// SPDX-License-Identifier: Apache-2.0
// tb_nlu: Verilator testbench of rtl/nlu/npe_nlu against the golden staircase
// (npe_nlu_table_eval). For every built-in function and B in {4, 6, 8} it
// loads the generated table through the write port and converts every 16-bit
// input code, with random input gaps and output back-pressure, checking each
// code bit-exactly; it also checks latency (2^B cycles) and back-to-back
// throughput (NumCols codes per 2^B cycles).
//
// Usage: tb_nlu [--bench] [--seed N] [+trace is not supported]
//   --bench  print BENCH lines (throughput, latency) instead of the full sweep
// Exit status: 0 all matched, 1 a mismatch or timing error.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "Vnpe_nlu.h"
#include "verilated.h"

extern "C" {
#include "npe_nlu.h"
}

namespace {

constexpr int kNumCols = 8;   // matches the build's -GNumCols
constexpr int kInBits = 16;
constexpr int kMaxBits = 8;

struct Rng {  // xorshift64*, seeded
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed ? seed : 1) {}
  uint32_t next() {
    s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
    return (uint32_t)((s * 0x2545F4914F6CDD1DULL) >> 32);
  }
};

class Tb {
 public:
  explicit Tb(VerilatedContext *ctx) : ctx_(ctx), dut_(new Vnpe_nlu{ctx}) {
    dut_->clk_i = 0;
    dut_->rst_ni = 0;
    dut_->tbl_we_i = 0;
    dut_->in_valid_i = 0;
    dut_->out_ready_i = 0;
    dut_->cfg_bits_i = kMaxBits;
    dut_->cfg_two_seg_i = 0;
    dut_->cfg_split_i = 0;
    dut_->eval();
    for (int i = 0; i < 3; i++) tick();
    dut_->rst_ni = 1;
    tick();
  }
  ~Tb() { dut_->final(); }

  void tick() {
    dut_->clk_i = 0;
    dut_->eval();
    ctx_->timeInc(1);
    dut_->clk_i = 1;
    dut_->eval();
    ctx_->timeInc(1);
    cycles_++;
  }

  void load(const npe_nlu_table &tab) {
    unsigned n = (1u << tab.bits) - 1u;
    for (unsigned s = 0; s < tab.nseg; s++) {
      for (unsigned j = 1; j <= n; j++) {
        dut_->tbl_we_i = 1;
        dut_->tbl_addr_i = (s << kMaxBits) | j;
        dut_->tbl_wdata_i = (uint32_t)tab.seg_t[s][j - 1] & 0x1ffffu;
        tick();
      }
    }
    dut_->tbl_we_i = 0;
    dut_->cfg_bits_i = tab.bits;
    dut_->cfg_two_seg_i = tab.nseg == 2;
    dut_->cfg_split_i = (uint16_t)tab.split;
  }

  void set_inputs(const int32_t *x) {
    for (int i = 0; i < kNumCols; i++) {
      uint32_t v = (uint16_t)x[i];
      int bit = i * kInBits;
      dut_->in_data_i[bit / 32] &= ~(0xffffu << (bit % 32));
      dut_->in_data_i[bit / 32] |= v << (bit % 32);
    }
  }
  unsigned code(int i) const {
    uint64_t word = dut_->out_code_o;
    return (unsigned)((word >> (i * kMaxBits)) & 0xffu);
  }

  Vnpe_nlu *dut() { return dut_.get(); }
  uint64_t cycles() const { return cycles_; }

 private:
  VerilatedContext *ctx_;
  std::unique_ptr<Vnpe_nlu> dut_;
  uint64_t cycles_ = 0;
};

// Converts all 65536 input codes with table tab; returns mismatches.
long sweep(Tb &tb, const npe_nlu_table &tab, Rng &rng, bool stall, long *first_lat) {
  Vnpe_nlu *d = tb.dut();
  long bad = 0;
  const long total = 65536;
  long sent = 0, got = 0;
  int32_t pending[2][kNumCols];  // in flight: at most one conversion + one waiting
  int npend = 0;
  uint64_t t_accept = 0;
  *first_lat = -1;
  uint64_t guard = tb.cycles() + (uint64_t)(total / kNumCols + 4) * ((2u << tab.bits) + 8) * 4;
  int32_t next[kNumCols];
  for (int i = 0; i < kNumCols; i++) next[i] = (int32_t)(sent + i) - 32768;
  while (got < total) {
    bool offer = sent < total && (!stall || (rng.next() & 3) != 0);
    bool ready = !stall || (rng.next() & 3) != 0;
    d->in_valid_i = offer;
    if (offer) tb.set_inputs(next);
    d->out_ready_i = ready;
    d->eval();
    bool acc = offer && d->in_ready_o;
    bool out = d->out_valid_o && ready;
    if (out) {
      if (npend == 0) { std::fprintf(stderr, "output without input\n"); return bad + 1; }
      if (*first_lat < 0) *first_lat = (long)(tb.cycles() - t_accept);
      for (int i = 0; i < kNumCols; i++) {
        unsigned want = 0;
        npe_nlu_table_eval(&tab, pending[0][i], &want);
        if (tb.code(i) != want) {
          if (bad < 10)
            std::fprintf(stderr, "mismatch: B=%u x=%d rtl=%u golden=%u\n", tab.bits,
                         pending[0][i], tb.code(i), want);
          bad++;
        }
      }
      std::memcpy(pending[0], pending[1], sizeof pending[0]);
      npend--;
      got += kNumCols;
    }
    if (acc) {
      if (sent == 0) t_accept = tb.cycles();
      std::memcpy(pending[npend++], next, sizeof next);
      sent += kNumCols;
      for (int i = 0; i < kNumCols; i++) next[i] = (int32_t)(sent + i) - 32768;
    }
    tb.tick();
    if (tb.cycles() > guard) { std::fprintf(stderr, "timeout\n"); return bad + 1; }
  }
  d->in_valid_i = 0;
  d->out_ready_i = 0;
  return bad;
}

// Back-to-back conversions: cycles per conversion and first-output latency.
int bench(Tb &tb, unsigned bits) {
  npe_nlu_spec spec;
  npe_nlu_table tab;
  if (npe_nlu_spec_default(NPE_NLU_SIGMOID, bits, &spec) != NPE_OK ||
      npe_nlu_table_gen(&spec, &tab) != NPE_OK)
    return 1;
  tb.load(tab);
  tb.tick();
  Vnpe_nlu *d = tb.dut();
  int32_t x[kNumCols] = {0};
  tb.set_inputs(x);
  const int kConv = 64;
  int accepted = 0, done = 0;
  uint64_t t0 = 0, t_first = 0, t_last = 0;
  d->out_ready_i = 1;
  while (done < kConv) {
    d->in_valid_i = accepted < kConv;
    d->eval();
    if (d->in_valid_i && d->in_ready_o) {
      if (accepted == 0) t0 = tb.cycles();
      accepted++;
    }
    if (d->out_valid_o) {
      if (done == 0) t_first = tb.cycles();
      t_last = tb.cycles();
      done++;
    }
    tb.tick();
  }
  d->in_valid_i = 0;
  tb.tick();
  tb.tick();
  double per_conv = (double)(t_last - t_first) / (kConv - 1);
  std::printf("BENCH nlu_throughput_b%u %.4f act/cycle\n", bits, kNumCols / per_conv);
  std::printf("BENCH nlu_latency_b%u %llu cycles\n", bits, (unsigned long long)(t_first - t0));
  return (t_first - t0 == (1ull << bits) && per_conv == (double)(1u << bits)) ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv) {
  bool do_bench = false;
  uint64_t seed = 1;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--bench")) do_bench = true;
    else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 0);
  }
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->randReset(2);
  ctx->commandArgs(argc, argv);
  Tb tb(ctx.get());

  if (do_bench) {
    int rc = 0;
    for (unsigned b = 4; b <= 8; b++) rc |= bench(tb, b);
    return rc;
  }

  Rng rng(seed);
  long bad = 0;
  int runs = 0;
  const unsigned bit_list[] = {4, 6, 8};
  for (unsigned f = 0; f < NPE_NLU_FUNC_COUNT; f++) {
    for (unsigned b : bit_list) {
      npe_nlu_spec spec;
      npe_nlu_table tab;
      if (npe_nlu_spec_default((npe_nlu_func)f, b, &spec) != NPE_OK ||
          npe_nlu_table_gen(&spec, &tab) != NPE_OK) {
        std::fprintf(stderr, "table generation failed\n");
        return 1;
      }
      tb.load(tab);
      long lat = 0;
      // Stall on half of the runs so both paths are covered.
      long n = sweep(tb, tab, rng, (runs & 1) != 0, &lat);
      if (!(runs & 1) && lat != (1L << b)) {
        std::fprintf(stderr, "latency %ld != 2^%u\n", lat, b);
        n++;
      }
      std::printf("tb_nlu: %-11s B=%u nseg=%u 65536 codes, %ld mismatches\n",
                  npe_nlu_func_name((npe_nlu_func)f), b, tab.nseg, n);
      bad += n;
      runs++;
    }
  }
  std::printf("tb_nlu: %s (%llu cycles)\n", bad ? "FAIL" : "PASS",
              (unsigned long long)tb.cycles());
  return bad ? 1 : 0;
}
