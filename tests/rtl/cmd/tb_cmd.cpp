// SPDX-License-Identifier: Apache-2.0
// tb_cmd.cpp - Verilator testbench for npe_cmd alone: the command processor
// against fake units and a fake descriptor memory, checked by a reference
// model written here from the dispatch rules of docs/ARCHITECTURE.md:
//
//  * every descriptor with a unit is dispatched once, in ring order, to the
//    unit npe_pkg::op_unit names (NOP and FENCE to none);
//  * no two running jobs (nor a job and a descriptor's pending next step)
//    ever hold one resource;
//  * nothing waits without a reason: when the next descriptor has been
//    fetched, its unit is idle, its claims are free and no FENCE or next
//    step is in the way, it goes that very cycle;
//  * a FENCE waits for every earlier job; an XBAR run's NLU step goes to the
//    NLU in the cycle the crossbar finishes, with the same descriptor;
//  * a check error stops the ring at that descriptor (STATUS code, index,
//    address), a unit's run-time error at its done; nothing after either is
//    dispatched; every IRQ descriptor raises desc_irq once.
//
// The fake units take their behaviour from the descriptor (fields chosen
// for the test, not their engine meaning): M = id, K = run cycles, N = next
// step run cycles, AUX[11:0] = resources the unit claims, AUX[27:16] = those
// its next unit claims, FMT_OUT / FMT_B = check codes of the unit / next
// unit, FMT_A = run-time error code at done, ADDR_A = check address.
//
// Usage: tb_cmd [+seed=N] [+jobs=N]. Exit 0 only if every check passed.
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vnpe_cmd.h"
#include "npe_regs.h"
#include "verilated.h"

namespace {

// The dispatch interface as generated (npe_pkg::NumUnits, Unit*, NumRes)
constexpr int kUnits = NPE_NUM_UNITS;
constexpr int kLoader = NPE_UNIT_LOADER, kArray = NPE_UNIT_ARRAY, kStorer = NPE_UNIT_STORER,
              kNlu = NPE_UNIT_NLU, kXbar = NPE_UNIT_XBAR, kRecur = NPE_UNIT_RECUR;
constexpr int kRes = NPE_NUM_RES;
constexpr uint32_t kResMask = (1u << kRes) - 1;
static_assert(kRes <= 16 && kUnits * 8 <= 64, "claims in AUX halves, checks in 64 bits");
constexpr uint64_t kRingBase = 0x1000;
constexpr unsigned kRingLog2 = 6;         // 64 entries

int unit_of(unsigned op) {
  switch (op) {
    case NPE_OP_LOAD: return kLoader;
    case NPE_OP_MATMUL: return kArray;
    case NPE_OP_STORE: return kStorer;
    case NPE_OP_NLU: return kNlu;
    case NPE_OP_XBAR: return kXbar;
    case NPE_OP_RECUR: return kRecur;
    default: return -1;
  }
}

struct Desc {
  uint8_t b[64];
  unsigned op() const { return npe_desc_get_opcode(b); }
  unsigned id() const { return npe_desc_get_m(b); }
  unsigned run() const { return npe_desc_get_k(b); }
  unsigned next_run() const { return npe_desc_get_n(b); }
  uint32_t claim() const { return npe_desc_get_aux(b) & kResMask; }
  uint32_t next_claim() const { return (npe_desc_get_aux(b) >> 16) & kResMask; }
  unsigned chk() const { return npe_desc_get_fmt_out(b); }
  unsigned next_chk() const { return npe_desc_get_fmt_b(b); }
  unsigned err() const { return npe_desc_get_fmt_a(b); }
  bool irq() const { return npe_desc_get_flag_irq(b); }
  bool prog() const { return npe_desc_get_flag_program(b); }
  // The next step exists when the next unit claims something (as the NLU
  // does for an XBAR run and not for a PROGRAM).
  bool has_next() const { return op() == NPE_OP_XBAR && !prog(); }
  // What a fake unit answers for this descriptor.
  uint32_t claim_of(int u) const {
    if (unit_of(op()) == u) return claim() | (1u << u);
    if (u == kNlu && has_next()) return next_claim() | (1u << kNlu);
    return 0;
  }
  unsigned chk_of(int u) const {
    if (unit_of(op()) == u) return chk();
    if (u == kNlu && has_next()) return next_chk();
    return 0;
  }
};

struct Job {        // a fake unit's job
  bool busy = false;
  uint64_t done_at = 0;
  Desc d{};
  bool next = false;   // raise next_o at done
  unsigned err = 0;
};

class CmdBench {
 public:
  CmdBench(uint64_t seed, int argc, char **argv) : rng_(seed), seed_(seed) {
    ctx_.reset(new VerilatedContext);
    ctx_->commandArgs(argc, argv);
    ctx_->randReset(2);
    top_.reset(new Vnpe_cmd{ctx_.get(), "top"});
  }
  ~CmdBench() { top_->final(); }
  int run(unsigned scenarios);

 private:
  void fail(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
  bool chance(unsigned pct) { return rng_() % 100 < pct; }
  void reset();
  void settle();
  void cycle();
  void scenario(unsigned n);
  Desc random_desc(unsigned id, bool allow_errors);

  // The bus as npe_cmd shows it.
  Desc job_desc() const {
    Desc d;
    for (int w = 0; w < 16; w++) {
      uint32_t v = top_->job_desc_o[w];
      memcpy(d.b + 4 * w, &v, 4);
    }
    return d;
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vnpe_cmd> top_;
  std::mt19937_64 rng_;
  uint64_t seed_;
  uint64_t now_ = 0;
  unsigned errors_ = 0;

  // Fake descriptor memory: the ring, and one fetch in flight.
  std::vector<Desc> ring_;
  bool fetch_busy_ = false;
  unsigned fetch_beats_ = 0, fetch_wait_ = 0;
  uint64_t fetch_addr_ = 0;
  bool fetch_done_pending_ = false;

  Job job_[kUnits];
  // Reference state.
  unsigned next_dispatch_ = 0;     // ring index expected next (first steps)
  std::vector<uint64_t> fetched_at_;  // cycle each ring index's fetch completed
  bool step_active_ = false;       // an XBAR run's next step still to come or running
  uint32_t step_claim_ = 0;
  unsigned irqs_expected_ = 0, irqs_seen_ = 0;
  bool stopped_ = false;           // an error stopped the ring
  int expect_err_idx_ = -1;
  unsigned expect_err_code_ = 0;
};

void CmdBench::fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "tb_cmd: FAIL (seed %" PRIu64 ", cycle %" PRIu64 "): ", seed_, now_);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  if (++errors_ > 10) exit(1);
}

void CmdBench::reset() {
  top_->clk_i = 0;
  top_->rst_ni = 0;
  top_->start_i = 0;
  top_->soft_reset_i = 0;
  top_->doorbell_i = 0;
  top_->ring_base_i = kRingBase;
  top_->ring_log2_i = kRingLog2;
  top_->ring_tail_i = 0;
  top_->rd_cmd_ready_i = 0;
  top_->rd_data_valid_i = 0;
  top_->rd_done_i = 0;
  top_->rd_err_i = 0;
  top_->unit_busy_i = 0;
  top_->unit_done_i = 0;
  top_->unit_next_i = 0;
  settle();
  top_->clk_i = 1;
  top_->eval();
  top_->clk_i = 0;
  top_->rst_ni = 1;
  top_->eval();
  for (auto &j : job_) j = Job{};
  fetch_busy_ = false;
  fetch_done_pending_ = false;
}

// The units' combinational answers (check, claim) depend on the descriptor
// npe_cmd presents, which depends on what they answered before: evaluate
// until the bus stops changing.
void CmdBench::settle() {
  for (int i = 0; i < 4; i++) {
    top_->eval();
    Desc d = job_desc();
    uint64_t chk = 0;
    uint32_t claim[(kUnits * kRes + 31) / 32] = {0};
    for (int u = 0; u < kUnits; u++) {
      chk |= (uint64_t)d.chk_of(u) << (8 * u);
      for (int r = 0; r < kRes; r++)
        if (d.claim_of(u) >> r & 1) claim[(kRes * u + r) / 32] |= 1u << ((kRes * u + r) % 32);
    }
    top_->unit_chk_i = chk;
    for (unsigned w = 0; w < sizeof claim / sizeof claim[0]; w++) top_->unit_claim_i[w] = claim[w];
    for (int u = 0; u < kUnits; u++) {
      uint64_t a = d.chk_of(u) ? npe_desc_get_addr_a(d.b) : 0;
      top_->unit_chk_addr_i[2 * u] = (uint32_t)a;
      top_->unit_chk_addr_i[2 * u + 1] = (uint32_t)(a >> 32);
    }
  }
  top_->eval();
}

void CmdBench::cycle() {
  // Registered outputs of the fake units and the memory for this cycle.
  uint32_t busy = 0, done = 0, next = 0;
  uint64_t err = 0;
  for (int u = 0; u < kUnits; u++) {
    if (!job_[u].busy) continue;
    busy |= 1u << u;
    if (job_[u].done_at == now_) {
      done |= 1u << u;
      if (job_[u].next) next |= 1u << u;
      err |= (uint64_t)job_[u].err << (8 * u);
    }
  }
  top_->unit_busy_i = busy;
  top_->unit_done_i = done;
  top_->unit_next_i = next;
  top_->unit_err_i = err;
  for (int w = 0; w < 2 * kUnits; w++) top_->unit_err_addr_i[w] = 0;

  // Descriptor memory: a few cycles of latency, 8 beats, then done.
  top_->rd_cmd_ready_i = chance(70);
  top_->rd_data_valid_i = 0;
  top_->rd_done_i = 0;
  if (fetch_busy_ && fetch_wait_ > 0) {
    fetch_wait_--;
  } else if (fetch_busy_ && fetch_beats_ < 8) {
    if (chance(80)) {
      unsigned idx = (unsigned)((fetch_addr_ - kRingBase) / 64);
      uint64_t beat = 0;
      memcpy(&beat, ring_[idx].b + 8 * fetch_beats_, 8);
      top_->rd_data_valid_i = 1;
      top_->rd_data_i = beat;
      fetch_beats_++;
    }
  } else if (fetch_busy_) {
    top_->rd_done_i = 1;
    fetch_done_pending_ = true;
  }
  settle();

  // Sample and check this cycle.
  const uint32_t valid = top_->job_valid_o;
  const Desc bus = job_desc();
  if (valid & (valid - 1)) fail("job_valid_o 0x%x is not one-hot", valid);
  if (valid & busy) fail("job_valid_o 0x%x to a busy unit (busy 0x%x)", valid, busy);

  // The step that goes this cycle, if the crossbar finishes with next_o.
  const bool step_go = (done & next & (1u << kXbar)) && step_active_;
  if (step_go) {
    if (valid != (1u << kNlu)) fail("XBAR finished with next_o, NLU step not dispatched");
    else if (bus.id() != job_[kXbar].d.id()) fail("NLU step carries id %u, not the XBAR's %u",
                                                   bus.id(), job_[kXbar].d.id());
  }

  // Held resources this cycle (the reference scoreboard): the running jobs'
  // claims, pairwise disjoint, and a pending next step's.
  uint32_t held = 0, twice = 0;
  for (int u = 0; u < kUnits; u++) {
    if (!job_[u].busy) continue;
    uint32_t c = job_[u].d.claim_of(u);
    twice |= held & c;
    held |= c;
  }
  if (step_active_) held |= step_claim_;
  if (twice) fail("two running jobs hold resources 0x%x", twice);

  // The head in the reference model: the next ring descriptor, eligible
  // from the cycle after its fetch completed.
  const unsigned tail = (unsigned)ring_.size();
  bool head_ready = !stopped_ && next_dispatch_ < tail && fetched_at_[next_dispatch_] < now_;
  if (!step_go && valid) {
    if (!head_ready) fail("dispatch 0x%x with no fetched head", valid);
    else {
      const Desc &h = ring_[next_dispatch_];
      int u = unit_of(h.op());
      if (u < 0 || valid != (1u << u))
        fail("ring %u (op %u) went to units 0x%x", next_dispatch_, h.op(), valid);
      if (bus.id() != h.id()) fail("bus carries id %u, head is %u", bus.id(), h.id());
    }
  }
  // Should the head go now? Then it must.
  bool must = false;
  if (head_ready && !step_go) {
    const Desc &h = ring_[next_dispatch_];
    int u = unit_of(h.op());
    uint32_t want = u >= 0 ? h.claim_of(u) | (h.has_next() ? h.claim_of(kNlu) : 0) : 0;
    bool known = u >= 0 || h.op() == NPE_OP_NOP || h.op() == NPE_OP_FENCE;
    bool checks = known && (u < 0 || h.chk() == 0) && (!h.has_next() || h.next_chk() == 0);
    bool fence_wait = h.op() == NPE_OP_FENCE && (busy || step_active_);
    must = checks && !(want & held) && !fence_wait;
    if (valid && u >= 0 && (want & held))
      fail("ring %u dispatched while 0x%x of its claims are held", next_dispatch_, want & held);
    if (valid && !checks) fail("ring %u dispatched although its check fails", next_dispatch_);
    if (h.op() == NPE_OP_FENCE && valid) fail("FENCE dispatched to a unit");
    if (must && u >= 0 && !valid) fail("ring %u (op %u) could go and waits", next_dispatch_, h.op());
    if (!checks && !stopped_) {
      if (!top_->err_valid_o) fail("ring %u (op %u chk %u next_chk %u) fails its check and no "
                                   "error is reported (bus op %u id %u)", next_dispatch_, h.op(),
                                   h.chk(), h.next_chk(), bus.op(), bus.id());
      else {
        unsigned code = !known ? NPE_HW_ERR_BAD_OPCODE : h.chk() ? h.chk() : h.next_chk();
        if (top_->err_code_o != code || top_->err_idx_o != next_dispatch_)
          fail("error code %u idx %u, expected %u idx %u", top_->err_code_o,
               top_->err_idx_o, code, next_dispatch_);
        uint64_t a = (uint64_t)top_->err_addr_o;
        if (known && h.chk() && a != npe_desc_get_addr_a(h.b))
          fail("ERR_ADDR 0x%" PRIx64 ", expected the check's 0x%" PRIx64, a,
               npe_desc_get_addr_a(h.b));
        stopped_ = true;
      }
    }
  }
  // NOP / FENCE leave the FIFO without a unit when they go.
  bool unitless_went = false;
  if (must && head_ready && unit_of(ring_[next_dispatch_].op()) < 0) unitless_went = true;

  // A unit's run-time error.
  for (int u = 0; u < kUnits; u++) {
    if ((done >> u & 1) && job_[u].err && !stopped_) {
      if (!top_->err_valid_o || top_->err_code_o != job_[u].err)
        fail("unit %d finished with error %u, STATUS shows valid %d code %u", u, job_[u].err,
             top_->err_valid_o, top_->err_code_o);
      stopped_ = true;
    }
  }
  if (top_->desc_irq_o) irqs_seen_++;
  for (int u = 0; u < kUnits; u++)
    if ((done >> u & 1) && !(next >> u & 1) && job_[u].d.irq()) irqs_expected_++;
  if (unitless_went && ring_[next_dispatch_].irq()) irqs_expected_++;

  // Rising edge: the fake units take their jobs, the step moves on.
  bool cmd_taken = top_->rd_cmd_valid_o && top_->rd_cmd_ready_i;
  uint64_t cmd_addr = top_->rd_cmd_addr_o;
  top_->clk_i = 1;
  top_->eval();
  top_->clk_i = 0;
  top_->eval();

  if (fetch_done_pending_) {
    unsigned idx = (unsigned)((fetch_addr_ - kRingBase) / 64);
    if (idx < fetched_at_.size() && fetched_at_[idx] == UINT64_MAX) fetched_at_[idx] = now_;
    fetch_busy_ = false;
    fetch_done_pending_ = false;
  }
  if (cmd_taken) {
    if (fetch_busy_) fail("second fetch command while one is in flight");
    fetch_busy_ = true;
    fetch_beats_ = 0;
    fetch_wait_ = (unsigned)(rng_() % 6);
    fetch_addr_ = cmd_addr;
  }
  for (int u = 0; u < kUnits; u++) {
    if (job_[u].busy && (done >> u & 1)) {
      if (u == kXbar && (next >> u & 1)) { /* the NLU step takes over */ }
      else if (u == kNlu && job_[u].d.op() == NPE_OP_XBAR) step_active_ = false;
      else if (u == kXbar) step_active_ = false;
      job_[u].busy = false;
    }
  }
  for (int u = 0; u < kUnits; u++) {
    if (!(valid >> u & 1)) continue;
    Job &j = job_[u];
    j.busy = true;
    j.d = bus;
    bool is_step = step_go && u == kNlu;
    unsigned run = is_step ? bus.next_run() : bus.run();
    j.done_at = now_ + (run ? run : 1);
    j.next = u == kXbar && bus.has_next();
    j.err = is_step ? 0 : bus.err();
    if (!is_step) {
      next_dispatch_++;
      if (u == kXbar && bus.has_next()) {
        step_active_ = true;
        step_claim_ = bus.next_claim() | (1u << kNlu) | (1u << kXbar);
      }
    }
  }
  if (unitless_went) next_dispatch_++;
  now_++;
}

Desc CmdBench::random_desc(unsigned id, bool allow_errors) {
  static const unsigned ops[] = {NPE_OP_LOAD, NPE_OP_LOAD, NPE_OP_MATMUL, NPE_OP_MATMUL,
                                 NPE_OP_STORE, NPE_OP_STORE, NPE_OP_NLU, NPE_OP_XBAR,
                                 NPE_OP_XBAR, NPE_OP_RECUR, NPE_OP_NOP, NPE_OP_FENCE};
  Desc d{};
  unsigned op = ops[rng_() % (sizeof ops / sizeof ops[0])];
  npe_desc_set_opcode(d.b, (uint8_t)op);
  npe_desc_set_m(d.b, (uint16_t)id);
  npe_desc_set_k(d.b, (uint16_t)(1 + rng_() % (chance(20) ? 40 : 6)));
  npe_desc_set_n(d.b, (uint16_t)(1 + rng_() % 8));
  // Claims among the shared resources (the unit's own bit is implied).
  uint32_t shared = kResMask & ~((1u << kUnits) - 1);  // RD_PORTS .. DMA_WR
  npe_desc_set_aux(d.b, (uint32_t)((rng_() & shared & rng_()) |
                                   (((rng_() & shared & rng_())) << 16)));
  if (op == NPE_OP_XBAR && chance(30)) npe_desc_set_flag_program(d.b, 1);
  if (chance(20)) npe_desc_set_flag_irq(d.b, 1);
  npe_desc_set_addr_a(d.b, 0x100000u + 8u * id);
  if (allow_errors) {
    unsigned r = (unsigned)(rng_() % 100);
    if (r < 3) npe_desc_set_fmt_out(d.b, (uint8_t)(1 + rng_() % 12));
    else if (r < 5 && op == NPE_OP_XBAR) npe_desc_set_fmt_b(d.b, NPE_HW_ERR_BAD_AUX);
    else if (r < 7 && (op == NPE_OP_LOAD || op == NPE_OP_STORE))
      npe_desc_set_fmt_a(d.b, NPE_HW_ERR_DMA_SLVERR);
    else if (r < 8) npe_desc_set_opcode(d.b, 8 + rng_() % 8);  // no such opcode: BAD_OPCODE
  }
  return d;
}

void CmdBench::scenario(unsigned n) {
  reset();
  ring_.clear();
  bool errors = chance(40);
  for (unsigned i = 0; i < n; i++) ring_.push_back(random_desc(i, errors));
  fetched_at_.assign(n, UINT64_MAX);
  next_dispatch_ = 0;
  step_active_ = false;
  stopped_ = false;
  irqs_expected_ = irqs_seen_ = 0;
  top_->ring_tail_i = (uint16_t)n;
  top_->start_i = 1;
  cycle();
  top_->start_i = 0;
  uint64_t limit = now_ + 400ull * n + 1000;
  while (now_ < limit) {
    cycle();
    bool units_idle = true;
    for (auto &j : job_) units_idle = units_idle && !j.busy;
    if (!top_->busy_o && units_idle && !fetch_busy_) break;
  }
  if (now_ >= limit) fail("scenario of %u descriptors did not finish", n);
  if (!stopped_ && next_dispatch_ != n)
    fail("%u of %u descriptors dispatched without an error", next_dispatch_, n);
  if (irqs_seen_ != irqs_expected_)
    fail("%u desc_irq pulses, expected %u", irqs_seen_, irqs_expected_);
  if (!stopped_ && top_->ring_head_o != n % (1u << kRingLog2))
    fail("HEAD %u after the ring, expected %u", top_->ring_head_o, n);
}

int CmdBench::run(unsigned scenarios) {
  unsigned descs = 0;
  for (unsigned s = 0; s < scenarios && !errors_; s++) {
    unsigned n = 1 + (unsigned)(rng_() % 40);
    scenario(n);
    descs += n;
  }
  if (errors_) return 1;
  printf("tb_cmd: PASS %u scenarios, %u descriptors, %" PRIu64 " cycles\n", scenarios, descs,
         now_);
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  uint64_t seed = 1;
  unsigned scenarios = 300;
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "+seed=", 6)) seed = strtoull(argv[i] + 6, nullptr, 0);
    else if (!strncmp(argv[i], "+scenarios=", 11)) scenarios = (unsigned)strtoul(argv[i] + 11, nullptr, 0);
  }
  CmdBench b(seed, argc, argv);
  return b.run(scenarios);
}
