// SPDX-License-Identifier: Apache-2.0
// axi_mem.cpp - cycle-level AXI4 slave memory model; see axi_mem.h.
#include "axi_mem.h"

#include <cstring>

#include <cstdio>

namespace npe {

AxiMem::AxiMem(const AxiMemConfig &cfg) : cfg_(cfg), rng_(cfg.seed) {
  if (cfg_.ready_pct == 0) cfg_.ready_pct = 1;
  if (cfg_.valid_pct == 0) cfg_.valid_pct = 1;
}

uint64_t AxiMem::fill(uint64_t addr) {
  // splitmix64 of the word address
  uint64_t z = (addr >> 3) + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The caller's buffer holds the 8-byte word at @p addr (rounded down), or null.
uint8_t *AxiMem::ext_word(uint64_t addr) const {
  uint64_t a = addr & ~7ull;
  if (!cfg_.ext || a < cfg_.ext_base || a - cfg_.ext_base > cfg_.ext_size - 8 || cfg_.ext_size < 8)
    return nullptr;
  return cfg_.ext + (a - cfg_.ext_base);
}

uint64_t AxiMem::peek64(uint64_t addr) const {
  if (const uint8_t *w = ext_word(addr)) {
    uint64_t v;
    std::memcpy(&v, w, 8);
    return v;
  }
  auto it = mem_.find(addr >> 3);
  return it == mem_.end() ? fill(addr & ~7ull) : it->second;
}

void AxiMem::poke64(uint64_t addr, uint64_t value) {
  if (uint8_t *w = ext_word(addr)) {
    std::memcpy(w, &value, 8);
    return;
  }
  mem_[addr >> 3] = value;
}

uint8_t AxiMem::peek8(uint64_t addr) const {
  return static_cast<uint8_t>(peek64(addr) >> (8 * (addr & 7)));
}

void AxiMem::add_error_range(uint64_t lo, uint64_t hi, uint8_t resp) {
  err_ranges_.push_back({lo, hi, resp});
}

bool AxiMem::idle() const {
  return reads_.empty() && writes_.empty() && wbeats_.empty() && bresps_.empty() &&
         !out_.rvalid && !out_.bvalid;
}

bool AxiMem::chance(unsigned pct) {
  return pct >= 100 || static_cast<unsigned>(rng_() % 100) < pct;
}

uint8_t AxiMem::resp_at(uint64_t addr) const {
  for (const Range &r : err_ranges_)
    if (addr >= r.lo && addr < r.hi) return r.resp;
  return kAxiOkay;
}

void AxiMem::violation(const std::string &what) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "cycle %llu: ", static_cast<unsigned long long>(cycles));
  if (errors_.size() < 100) errors_.push_back(buf + what);
}

void AxiMem::check_addr(const char *ch, uint64_t addr, unsigned len, uint8_t size,
                        uint8_t burst) {
  char buf[160];
  uint64_t bytes = 8ull * (len + 1);
  if (size != 3) {
    std::snprintf(buf, sizeof buf, "%s: size %u, expected 3 (8 bytes)", ch, size);
    violation(buf);
  }
  if (len + 1u > cfg_.max_burst) {
    std::snprintf(buf, sizeof buf, "%s: burst of %u beats, the slave takes at most %u", ch, len + 1u,
                  cfg_.max_burst);
    violation(buf);
  }
  if (burst != 1) {
    std::snprintf(buf, sizeof buf, "%s: burst type %u, expected INCR", ch, burst);
    violation(buf);
  }
  if (addr & 7) {
    std::snprintf(buf, sizeof buf, "%s: address 0x%llx not 8-byte aligned", ch,
                  static_cast<unsigned long long>(addr));
    violation(buf);
  }
  if ((addr & 0xFFF) + bytes > 0x1000) {
    std::snprintf(buf, sizeof buf, "%s: burst 0x%llx + %llu bytes crosses 4 KiB", ch,
                  static_cast<unsigned long long>(addr), static_cast<unsigned long long>(bytes));
    violation(buf);
  }
  bool rd = ch[0] == 'A' && ch[1] == 'R';
  uint64_t lo = rd ? rd_lo_ : wr_lo_, hi = rd ? rd_hi_ : wr_hi_;
  if (addr < lo || addr + bytes > hi || addr + bytes < addr) {
    std::snprintf(buf, sizeof buf, "%s: burst [0x%llx, +%llu) outside allowed [0x%llx, 0x%llx)",
                  ch, static_cast<unsigned long long>(addr),
                  static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(lo),
                  static_cast<unsigned long long>(hi));
    violation(buf);
  }
}

void AxiMem::drain_writes() {
  // Apply buffered W beats to the oldest addressed burst (W may lead AW).
  while (!writes_.empty() && !wbeats_.empty()) {
    Burst &b = writes_.front();
    WBeat w = wbeats_.front();
    wbeats_.pop_front();
    uint64_t addr = b.addr + 8ull * b.beat;
    if (w.last != (b.beat == b.len)) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "W: WLAST=%d on beat %u of a %u-beat burst", w.last ? 1 : 0,
                    b.beat, b.len + 1);
      violation(buf);
    }
    uint8_t resp = resp_at(addr);
    if (resp == kAxiOkay) {
      uint64_t old = peek64(addr), mask = 0;
      for (int i = 0; i < 8; i++)
        if (w.strb >> i & 1) mask |= 0xFFull << (8 * i);
      poke64(addr, (old & ~mask) | (w.data & mask));
    } else if (b.resp == kAxiOkay) {
      b.resp = resp;
    }
    w_beats++;
    if (b.beat++ == b.len) {
      bresps_.push_back({b.id, b.resp, cycles + cfg_.write_latency});
      writes_.pop_front();
    }
  }
}

void AxiMem::tick(const AxiMasterSignals &m) {
  // Rule: a VALID seen without READY stays up with the same payload.
  if (prev_ar_wait_ && (!m.arvalid || m.araddr != prev_.araddr || m.arlen != prev_.arlen ||
                        m.arid != prev_.arid || m.arsize != prev_.arsize))
    violation("AR: ARVALID dropped or payload changed before ARREADY");
  if (prev_aw_wait_ && (!m.awvalid || m.awaddr != prev_.awaddr || m.awlen != prev_.awlen ||
                        m.awid != prev_.awid || m.awsize != prev_.awsize))
    violation("AW: AWVALID dropped or payload changed before AWREADY");
  if (prev_w_wait_ && (!m.wvalid || m.wdata != prev_.wdata || m.wstrb != prev_.wstrb ||
                       m.wlast != prev_.wlast))
    violation("W: WVALID dropped or payload changed before WREADY");

  bool ar_hs = m.arvalid && out_.arready;
  bool aw_hs = m.awvalid && out_.awready;
  bool w_hs = m.wvalid && out_.wready;
  bool r_hs = out_.rvalid && m.rready;
  bool b_hs = out_.bvalid && m.bready;
  prev_ar_wait_ = m.arvalid && !out_.arready;
  prev_aw_wait_ = m.awvalid && !out_.awready;
  prev_w_wait_ = m.wvalid && !out_.wready;
  prev_ = m;

  if (ar_hs) {
    check_addr("AR", m.araddr, m.arlen, m.arsize, m.arburst);
    reads_.push_back({m.araddr, m.arlen, m.arid, cycles + cfg_.read_latency});
    ar_count++;
    if (reads_.size() > max_reads_in_flight) max_reads_in_flight = reads_.size();
  }
  if (aw_hs) {
    check_addr("AW", m.awaddr, m.awlen, m.awsize, m.awburst);
    writes_.push_back({m.awaddr, m.awlen, m.awid, 0});
    aw_count++;
  }
  if (w_hs) wbeats_.push_back({m.wdata, m.wstrb, m.wlast});
  drain_writes();
  unsigned wr_in_flight = writes_.size() + bresps_.size();
  if (wr_in_flight > max_writes_in_flight) max_writes_in_flight = wr_in_flight;

  // R: retire the beat taken this cycle.
  if (r_hs) {
    Burst &b = reads_.front();
    r_beats++;
    if (b.beat++ == b.len) reads_.pop_front();
  }
  if (b_hs) bresps_.pop_front();

  cycles++;

  // Next outputs. A VALID offered and not taken stays (already in out_).
  if (!out_.rvalid || r_hs) {
    out_.rvalid = false;
    if (!reads_.empty() && reads_.front().ready_cycle <= cycles && chance(cfg_.valid_pct)) {
      const Burst &b = reads_.front();
      uint64_t addr = b.addr + 8ull * b.beat;
      out_.rvalid = true;
      out_.rid = b.id;
      out_.rresp = resp_at(addr);
      out_.rdata = out_.rresp == kAxiOkay ? peek64(addr) : 0xBADC0FFEE0DDF00Dull;
      out_.rlast = b.beat == b.len;
    }
  }
  if (!out_.bvalid || b_hs) {
    out_.bvalid = false;
    if (!bresps_.empty() && bresps_.front().ready_cycle <= cycles && chance(cfg_.valid_pct)) {
      out_.bvalid = true;
      out_.bid = bresps_.front().id;
      out_.bresp = bresps_.front().resp;
    }
  }
  bool room = cfg_.max_reads == 0 || reads_.size() < cfg_.max_reads;
  out_.arready = room && chance(cfg_.ready_pct);
  out_.awready = chance(cfg_.ready_pct);
  out_.wready = chance(cfg_.ready_pct);
}

}  // namespace npe
