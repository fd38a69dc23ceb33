// SPDX-License-Identifier: Apache-2.0
// tb_dma.cpp - Verilator testbench for npe_axi_dma against the AXI memory
// model in sim/axi_mem: random reads and writes run concurrently under
// several latency / back-pressure settings; data, completion codes, fault
// addresses and every AXI rule the model checks are verified.
//
// Usage: tb_dma [+seed=N] [+cmds=N]. Exit 0 only if every check passed.
// Build-time: -DTB_MAX_BURST=<MaxBurstBeats of the model> (default 256),
// -DTB_ADDR_BITS=<AddrWidth> (default 64).
#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vnpe_axi_dma.h"
#include "axi_mem.h"
#include "npe_regs.h"
#include "verilated.h"

#ifndef TB_MAX_BURST
#define TB_MAX_BURST 256
#endif
#ifndef TB_ADDR_BITS
#define TB_ADDR_BITS 64
#endif

namespace {

const uint64_t kWinBase = 0x0000007F00000000ull;  // fits a 40-bit build too
const uint64_t kWinSize = 0x100000;                // 1 MiB window
const uint64_t kRdLo = kWinBase, kRdHi = kWinBase + kWinSize / 2;
const uint64_t kWrLo = kRdHi, kWrHi = kWinBase + kWinSize;

struct TbConfig {
  const char *name;
  npe::AxiMemConfig mem;
  unsigned rd_ready_pct;  // chance rd_data_ready_i is high
  unsigned wr_valid_pct;  // chance a new write beat is offered
  bool errors;            // inject SLVERR / DECERR ranges
};

struct Cmd {
  uint64_t addr = 0;
  uint32_t len = 0;
  uint8_t exp_err = 0;
  uint64_t exp_err_addr = 0;
  uint64_t beats = 0;  // beats the stream must carry
};

struct Totals {
  uint64_t reads = 0, writes = 0, rd_bytes = 0, wr_bytes = 0, refused = 0, axi_err = 0;
  uint64_t cycles = 0;
  unsigned max_rd_flight = 0, max_wr_flight = 0;
};

uint64_t round8(uint64_t x) { return (x + 7) & ~7ull; }

class DmaBench {
 public:
  DmaBench(const TbConfig &cfg, uint64_t seed, unsigned ncmds, int argc, char **argv)
      : cfg_(cfg), mem_(cfg.mem), rng_(seed), ncmds_(ncmds) {
    ctx_.reset(new VerilatedContext);
    ctx_->commandArgs(argc, argv);
    ctx_->randReset(2);
    top_.reset(new Vnpe_axi_dma{ctx_.get(), "top"});
    if (cfg.errors) {
      mem_.add_error_range(kRdLo + 0x20000, kRdLo + 0x20000 + 0x300, npe::kAxiSlvErr);
      mem_.add_error_range(kRdLo + 0x50008, kRdLo + 0x50010, npe::kAxiDecErr);
      mem_.add_error_range(kWrLo + 0x30000, kWrLo + 0x30000 + 0x1000, npe::kAxiSlvErr);
      mem_.add_error_range(kWrLo + 0x60ff8, kWrLo + 0x61000, npe::kAxiDecErr);
    }
  }
  ~DmaBench() { top_->final(); }

  int run(Totals *tot);

 private:
  bool chance(unsigned pct) { return pct >= 100 || rng_() % 100 < pct; }
  uint64_t urand(uint64_t lo, uint64_t hi) { return lo + rng_() % (hi - lo + 1); }
  void fail(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
  Cmd make_cmd(bool is_read);
  void expect(Cmd *c, bool is_read);
  void step();

  TbConfig cfg_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vnpe_axi_dma> top_;
  npe::AxiMem mem_;
  std::mt19937_64 rng_;
  unsigned ncmds_;
  int failures_ = 0;
  Totals tot_;

  // Read side
  unsigned rd_issued_ = 0;
  bool rd_busy_ = false, rd_cmd_valid_ = false;
  Cmd rd_;
  std::vector<uint64_t> rd_expect_;
  uint64_t rd_got_ = 0, rd_started_ = 0;
  // Write side
  unsigned wr_issued_ = 0;
  bool wr_busy_ = false, wr_cmd_valid_ = false, wr_data_valid_ = false;
  Cmd wr_;
  std::vector<uint64_t> wr_data_;
  std::vector<uint8_t> wr_before_;
  uint64_t wr_sent_ = 0, wr_started_ = 0;
};

void DmaBench::fail(const char *fmt, ...) {
  if (failures_++ < 20) {
    va_list ap;
    va_start(ap, fmt);
    std::printf("FAIL [%s] cycle %" PRIu64 ": ", cfg_.name, mem_.cycles);
    std::vprintf(fmt, ap);
    std::printf("\n");
    va_end(ap);
  }
}

// A random command: mostly valid ones in this side's region, some that end
// exactly at a window edge, cross a 4 KiB boundary, are misaligned, empty,
// or straddle the window.
Cmd DmaBench::make_cmd(bool is_read) {
  uint64_t lo = is_read ? kRdLo : kWrLo, hi = is_read ? kRdHi : kWrHi;
  Cmd c;
  unsigned kind = rng_() % 100;
  unsigned sz = rng_() % 10;
  c.len = sz < 4 ? urand(1, 64) : sz < 7 ? urand(65, 2048) : sz < 9 ? urand(2049, 8192)
                                                               : urand(8193, 40000);
  uint64_t span = round8(c.len);
  c.addr = lo + 8 * urand(0, (hi - lo - span) / 8);
  if (kind < 25) {  // start just below a 4 KiB boundary
    uint64_t page = (c.addr & ~0xFFFull) + 0x1000;
    if (page - 8 * 40 >= lo && page + span <= hi) c.addr = page - 8 * urand(1, 40);
  } else if (kind < 29) {  // hug the window edge: last byte at limit-1, or first at base
    c.addr = is_read ? kWinBase : kWinBase + kWinSize - span;
  } else if (kind < 33) {  // straddle the window edge
    c.addr = is_read ? kWinBase - 8 * urand(1, 64) : kWinBase + kWinSize - span + 8 * urand(1, 64);
  } else if (kind < 36) {  // misaligned
    c.addr += urand(1, 7);
  } else if (kind < 38) {  // empty
    c.len = 0;
  } else if (kind < 40) {  // far outside
    c.addr = (rng_() % 2) ? 0x1000 : kWinBase + 0x40000000;
    if (TB_ADDR_BITS == 64 && rng_() % 2) c.addr = ~0ull - 0xFFF;  // end wraps past 2^64
  }
  if (cfg_.errors && kind >= 90) {  // aim at an error range
    c.addr = is_read ? (rng_() % 2 ? kRdLo + 0x20000 - 8 * urand(0, 300) : kRdLo + 0x50000)
                     : (rng_() % 2 ? kWrLo + 0x30000 - 8 * urand(0, 300) : kWrLo + 0x60000);
  }
  expect(&c, is_read);
  return c;
}

// The reference: what the DMA must answer, computed independently.
void DmaBench::expect(Cmd *c, bool is_read) {
  uint64_t last = c->addr + round8(c->len);
  if (c->addr & 7) {
    c->exp_err = NPE_HW_ERR_ALIGN;
  } else if (c->addr < kWinBase || last > kWinBase + kWinSize || last < c->addr) {
    c->exp_err = NPE_HW_ERR_DMA_WINDOW;
  } else {
    c->exp_err = NPE_HW_ERR_NONE;
  }
  if (c->exp_err != NPE_HW_ERR_NONE) {
    c->exp_err_addr = c->addr;
    c->beats = 0;
    return;
  }
  c->beats = round8(c->len) / 8;
  // First error response: per beat for reads, per burst for writes.
  uint64_t a = c->addr, left = c->beats;
  while (left && c->exp_err == NPE_HW_ERR_NONE) {
    uint64_t n = std::min<uint64_t>({left, TB_MAX_BURST, (0x1000 - (a & 0xFFF)) / 8});
    for (uint64_t i = 0; i < n; i++) {
      uint64_t ba = a + 8 * i;
      uint8_t resp = 0;
      // Same ranges as the model.
      if (cfg_.errors) {
        if ((ba >= kRdLo + 0x20000 && ba < kRdLo + 0x20300) ||
            (ba >= kWrLo + 0x30000 && ba < kWrLo + 0x31000))
          resp = npe::kAxiSlvErr;
        if ((ba >= kRdLo + 0x50008 && ba < kRdLo + 0x50010) ||
            (ba >= kWrLo + 0x60ff8 && ba < kWrLo + 0x61000))
          resp = npe::kAxiDecErr;
      }
      if (resp) {
        c->exp_err = resp == npe::kAxiSlvErr ? NPE_HW_ERR_DMA_SLVERR : NPE_HW_ERR_DMA_DECERR;
        c->exp_err_addr = is_read ? ba : a;
        break;
      }
    }
    a += 8 * n;
    left -= n;
  }
}

void DmaBench::step() {
  const npe::AxiSlaveSignals &s = mem_.out();
  Vnpe_axi_dma *t = top_.get();
  t->m_axi_arready = s.arready;
  t->m_axi_rvalid = s.rvalid;
  t->m_axi_rid = s.rid;
  t->m_axi_rdata = s.rdata;
  t->m_axi_rresp = s.rresp;
  t->m_axi_rlast = s.rlast;
  t->m_axi_awready = s.awready;
  t->m_axi_wready = s.wready;
  t->m_axi_bvalid = s.bvalid;
  t->m_axi_bid = s.bid;
  t->m_axi_bresp = s.bresp;
  t->rd_cmd_valid_i = rd_cmd_valid_;
  t->rd_cmd_addr_i = rd_.addr;
  t->rd_cmd_len_i = rd_.len;
  t->rd_data_ready_i = chance(cfg_.rd_ready_pct);
  t->wr_cmd_valid_i = wr_cmd_valid_;
  t->wr_cmd_addr_i = wr_.addr;
  t->wr_cmd_len_i = wr_.len;
  t->wr_data_valid_i = wr_data_valid_;
  t->wr_data_i = wr_sent_ < wr_data_.size() ? wr_data_[wr_sent_] : 0;
  t->clk_i = 0;
  t->eval();

  npe::AxiMasterSignals m;
  m.arvalid = t->m_axi_arvalid;
  m.arid = t->m_axi_arid;
  m.araddr = t->m_axi_araddr;
  m.arlen = t->m_axi_arlen;
  m.arsize = t->m_axi_arsize;
  m.arburst = t->m_axi_arburst;
  m.rready = t->m_axi_rready;
  m.awvalid = t->m_axi_awvalid;
  m.awid = t->m_axi_awid;
  m.awaddr = t->m_axi_awaddr;
  m.awlen = t->m_axi_awlen;
  m.awsize = t->m_axi_awsize;
  m.awburst = t->m_axi_awburst;
  m.wvalid = t->m_axi_wvalid;
  m.wdata = t->m_axi_wdata;
  m.wstrb = t->m_axi_wstrb;
  m.wlast = t->m_axi_wlast;
  m.bready = t->m_axi_bready;
  if (s.rvalid && s.rid != m.arid) fail("R ID %u differs from AR ID %u", s.rid, m.arid);

  bool rd_cmd_hs = t->rd_cmd_valid_i && t->rd_cmd_ready_o;
  bool rd_data_hs = t->rd_data_valid_o && t->rd_data_ready_i;
  bool wr_cmd_hs = t->wr_cmd_valid_i && t->wr_cmd_ready_o;
  bool wr_data_hs = t->wr_data_valid_i && t->wr_data_ready_o;

  // Read data and completion.
  if (rd_data_hs) {
    if (!rd_busy_ || rd_got_ >= rd_.beats) {
      fail("read beat beyond the %" PRIu64 " expected", rd_.beats);
    } else {
      uint64_t ba = rd_.addr + 8 * rd_got_;
      bool in_err = rd_.exp_err != NPE_HW_ERR_NONE && ba >= rd_.exp_err_addr;
      if (!in_err && t->rd_data_o != rd_expect_[rd_got_])
        fail("read 0x%" PRIx64 ": got %016" PRIx64 " want %016" PRIx64, ba,
             (uint64_t)t->rd_data_o, rd_expect_[rd_got_]);
      if (t->rd_data_last_o != (rd_got_ + 1 == rd_.beats)) fail("rd_data_last_o wrong");
    }
    rd_got_++;
  }
  bool rd_done = t->rd_done_o, wr_done = t->wr_done_o;
  uint8_t rd_err = t->rd_err_o, wr_err = t->wr_err_o;
  uint64_t rd_err_addr = t->rd_err_addr_o, wr_err_addr = t->wr_err_addr_o;
  // Write data.
  if (wr_data_hs) {
    if (!wr_busy_ || wr_sent_ >= wr_.beats) fail("write beat beyond the %" PRIu64, wr_.beats);
    wr_sent_++;
  }

  mem_.tick(m);
  t->clk_i = 1;
  t->eval();
  ctx_->timeInc(1);

  if (rd_done) {
    if (!rd_busy_) fail("rd_done_o without a command");
    if (rd_got_ != rd_.beats) fail("read gave %" PRIu64 " beats, want %" PRIu64, rd_got_, rd_.beats);
    if (rd_err != rd_.exp_err || (rd_.exp_err && rd_err_addr != rd_.exp_err_addr))
      fail("read 0x%" PRIx64 "+%u: err %u @0x%" PRIx64 ", want %u @0x%" PRIx64, rd_.addr,
           rd_.len, rd_err, rd_err_addr, rd_.exp_err, rd_.exp_err_addr);
    tot_.reads++;
    tot_.rd_bytes += rd_.beats ? rd_.len : 0;
    tot_.refused += rd_.beats == 0 && rd_.len;
    tot_.axi_err += rd_.exp_err >= NPE_HW_ERR_DMA_SLVERR;
    rd_busy_ = false;
  }
  if (wr_done) {
    if (!wr_busy_) fail("wr_done_o without a command");
    if (wr_sent_ != wr_.beats) fail("write took %" PRIu64 " beats, want %" PRIu64, wr_sent_, wr_.beats);
    if (wr_err != wr_.exp_err || (wr_.exp_err && wr_err_addr != wr_.exp_err_addr))
      fail("write 0x%" PRIx64 "+%u: err %u @0x%" PRIx64 ", want %u @0x%" PRIx64, wr_.addr,
           wr_.len, wr_err, wr_err_addr, wr_.exp_err, wr_.exp_err_addr);
    if (wr_.exp_err == NPE_HW_ERR_NONE) {
      for (uint64_t i = 0; i < wr_before_.size(); i++) {
        uint8_t want = i < wr_.len ? (uint8_t)(wr_data_[i / 8] >> (8 * (i % 8))) : wr_before_[i];
        uint8_t got = mem_.peek8(wr_.addr + i);
        if (got != want) {
          fail("write 0x%" PRIx64 "+%u: byte %" PRIu64 " is %02x, want %02x", wr_.addr, wr_.len,
               i, got, want);
          break;
        }
      }
    }
    tot_.writes++;
    tot_.wr_bytes += wr_.beats ? wr_.len : 0;
    tot_.refused += wr_.beats == 0 && wr_.len;
    tot_.axi_err += wr_.exp_err >= NPE_HW_ERR_DMA_SLVERR;
    wr_busy_ = false;
  }
  if (rd_cmd_hs) rd_cmd_valid_ = false;
  if (wr_cmd_hs) wr_cmd_valid_ = false;
  if (wr_data_hs) wr_data_valid_ = false;

  // Next stimulus.
  if (!rd_busy_ && rd_issued_ < ncmds_ && chance(50)) {
    rd_ = make_cmd(true);
    rd_expect_.clear();
    for (uint64_t i = 0; i < rd_.beats; i++) rd_expect_.push_back(mem_.peek64(rd_.addr + 8 * i));
    mem_.set_read_allowed(rd_.beats ? rd_.addr : 0, rd_.beats ? rd_.addr + 8 * rd_.beats : 0);
    rd_got_ = 0;
    rd_started_ = mem_.cycles;
    rd_busy_ = rd_cmd_valid_ = true;
    rd_issued_++;
  }
  if (!wr_busy_ && wr_issued_ < ncmds_ && chance(50)) {
    wr_ = make_cmd(false);
    wr_data_.clear();
    for (uint64_t i = 0; i < round8(wr_.len) / 8; i++) wr_data_.push_back(rng_());
    wr_before_.clear();
    if (wr_.beats)
      for (uint64_t i = 0; i < 8 * wr_.beats; i++) wr_before_.push_back(mem_.peek8(wr_.addr + i));
    mem_.set_write_allowed(wr_.beats ? wr_.addr : 0, wr_.beats ? wr_.addr + 8 * wr_.beats : 0);
    wr_sent_ = 0;
    wr_started_ = mem_.cycles;
    wr_busy_ = wr_cmd_valid_ = true;
    wr_issued_++;
  }
  // A write beat, once offered, stays offered (with the same data) until taken.
  if (wr_busy_ && !wr_data_valid_ && wr_sent_ < wr_.beats && chance(cfg_.wr_valid_pct))
    wr_data_valid_ = true;
}

int DmaBench::run(Totals *tot) {
  Vnpe_axi_dma *t = top_.get();
  t->win_base_i = kWinBase;
  t->win_limit_i = kWinBase + kWinSize;
  t->clk_i = 0;
  t->rst_ni = 0;
  t->eval();
  for (int i = 0; i < 4; i++) {
    t->clk_i = 1;
    t->eval();
    t->clk_i = 0;
    t->eval();
  }
  t->rst_ni = 1;
  while (rd_issued_ < ncmds_ || wr_issued_ < ncmds_ || rd_busy_ || wr_busy_) {
    step();
    if ((rd_busy_ && mem_.cycles - rd_started_ > 400000) ||
        (wr_busy_ && mem_.cycles - wr_started_ > 400000)) {
      fail("command did not complete (hang): rd %d wr %d", rd_busy_, wr_busy_);
      break;
    }
    if (failures_ > 20) break;
  }
  for (int i = 0; i < 50; i++) step();  // nothing may trail a completion
  if (!mem_.idle()) fail("AXI traffic left after the last completion");
  for (const std::string &e : mem_.errors()) fail("AXI rule: %s", e.c_str());
  tot_.cycles = mem_.cycles;
  tot_.max_rd_flight = mem_.max_reads_in_flight;
  tot_.max_wr_flight = mem_.max_writes_in_flight;
  *tot = tot_;
  return failures_;
}

}  // namespace

int main(int argc, char **argv) {
  uint64_t seed = 1;
  unsigned ncmds = 300;
  for (int i = 1; i < argc; i++) {
    if (!std::strncmp(argv[i], "+seed=", 6)) seed = std::strtoull(argv[i] + 6, nullptr, 0);
    if (!std::strncmp(argv[i], "+cmds=", 6)) ncmds = std::strtoul(argv[i] + 6, nullptr, 0);
  }
  // name, {read_latency, write_latency, ready%, valid%, max_reads, seed}, rd_ready%, wr_valid%, errors
  const TbConfig configs[] = {
      {"ideal", {1, 1, 100, 100, 0, seed}, 100, 100, false},
      {"slow-memory", {40, 25, 100, 100, 0, seed + 1}, 100, 100, false},
      {"random-bp", {3, 2, 50, 60, 0, seed + 2}, 70, 70, true},
      {"heavy-bp", {8, 5, 20, 30, 0, seed + 3}, 30, 30, false},
      {"one-read-slot", {6, 3, 80, 90, 1, seed + 4}, 90, 90, true},
      {"errors", {4, 2, 70, 70, 0, seed + 5}, 80, 80, true},
  };
  int failures = 0;
  // The memory model's burst-length rule, on its own: with max_burst 16 (an
  // AXI3 slave) a 17-beat AR is a violation and a 16-beat one is not.
  for (unsigned len : {15u, 16u}) {
    npe::AxiMemConfig mc;
    mc.max_burst = 16;
    npe::AxiMem m(mc);
    npe::AxiMasterSignals ar;
    ar.arvalid = true, ar.araddr = 0x1000, ar.arlen = static_cast<uint8_t>(len), ar.arsize = 3;
    ar.arburst = 1;
    for (int i = 0; i < 4 && m.ar_count == 0; i++) m.tick(ar);
    if (m.errors().size() != (len == 16u ? 1u : 0u)) {
      std::printf("tb_dma: FAIL: memory model, %u-beat burst against max 16: %zu violations\n",
                  len + 1, m.errors().size());
      failures++;
    }
  }
  Totals all;
  for (const TbConfig &cfg : configs) {
    TbConfig c = cfg;
    c.mem.max_burst = TB_MAX_BURST;  // the model flags any longer burst
    Totals t;
    DmaBench b(c, seed * 1000 + (&cfg - configs), ncmds, argc, argv);
    int f = b.run(&t);
    std::printf("tb_dma [%-13s] %s: %4" PRIu64 " reads %8" PRIu64 " B, %4" PRIu64 " writes %8" PRIu64
                " B, %3" PRIu64 " refused, %3" PRIu64 " AXI errors, in flight rd %u wr %u, %" PRIu64
                " cycles\n",
                c.name, f ? "FAIL" : "ok", t.reads, t.rd_bytes, t.writes, t.wr_bytes, t.refused,
                t.axi_err, t.max_rd_flight, t.max_wr_flight, t.cycles);
    failures += f;
    all.reads += t.reads;
    all.writes += t.writes;
    all.rd_bytes += t.rd_bytes;
    all.wr_bytes += t.wr_bytes;
    all.cycles += t.cycles;
  }
  std::printf("tb_dma: %s (max burst %d, seed %" PRIu64 "): %" PRIu64 " reads, %" PRIu64
              " writes, %" PRIu64 " bytes, %" PRIu64 " cycles, %d failures\n",
              failures ? "FAIL" : "PASS", TB_MAX_BURST, seed, all.reads, all.writes,
              all.rd_bytes + all.wr_bytes, all.cycles, failures);
  return failures ? 1 : 0;
}
