// SPDX-License-Identifier: Apache-2.0
// axi_mem.h - cycle-level AXI4 slave memory model with a protocol checker,
// for Verilator harnesses (tests/rtl/axi, libnpesim).
//
// The model is independent of any Verilated class: each cycle the harness
// copies the model's outputs (out()) into the DUT, evaluates, copies the
// DUT's master outputs into an AxiMasterSignals and calls tick() before the
// rising clock edge. 64-bit data, one beat size (8 bytes), INCR bursts.
//
// What it checks on the master: VALID held until READY with a stable
// payload (AR, AW, W), AxSIZE = 8 bytes, AxBURST = INCR, 8-byte aligned
// addresses, no burst crossing a 4 KiB boundary, WLAST exactly on the last
// beat of each burst, every beat inside the allowed ranges. Violations are
// collected in errors(); the model never aborts.
//
// Memory is sparse: a word never written reads as fill(addr), a fixed hash of
// its address, so any 64-bit address can be read. Not thread-safe; one
// instance per simulated bus.
#ifndef NPE_SIM_AXI_MEM_H
#define NPE_SIM_AXI_MEM_H

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace npe {

/** What the master drives (the model samples it in tick()). */
struct AxiMasterSignals {
  bool arvalid = false;
  uint32_t arid = 0;
  uint64_t araddr = 0;
  uint8_t arlen = 0, arsize = 0, arburst = 0;
  bool rready = false;
  bool awvalid = false;
  uint32_t awid = 0;
  uint64_t awaddr = 0;
  uint8_t awlen = 0, awsize = 0, awburst = 0;
  bool wvalid = false;
  uint64_t wdata = 0;
  uint8_t wstrb = 0;
  bool wlast = false;
  bool bready = false;
};

/** What the model drives (apply to the DUT before evaluating). */
struct AxiSlaveSignals {
  bool arready = false;
  bool rvalid = false;
  uint32_t rid = 0;
  uint64_t rdata = 0;
  uint8_t rresp = 0;
  bool rlast = false;
  bool awready = false;
  bool wready = false;
  bool bvalid = false;
  uint32_t bid = 0;
  uint8_t bresp = 0;
};

/** Timing and back-pressure. Percentages are per cycle, 1..100. */
struct AxiMemConfig {
  unsigned read_latency = 4;   /**< cycles from AR accepted to its first beat */
  unsigned write_latency = 2;  /**< cycles from a burst's last W beat to its B */
  unsigned ready_pct = 100;    /**< chance ARREADY/AWREADY/WREADY is high */
  unsigned valid_pct = 100;    /**< chance a ready R beat or B is offered */
  unsigned max_reads = 0;      /**< ARs accepted and unanswered, 0 = no limit */
  uint64_t seed = 1;           /**< seeds the back-pressure pattern */
  /** Storage of [ext_base, ext_base + ext_size) in the caller's buffer (e.g. a
   *  shared file mapping) instead of the model's own; nullptr: none. */
  uint8_t *ext = nullptr;
  uint64_t ext_base = 0, ext_size = 0;
  unsigned max_burst = 256;  /**< longest legal burst in beats (16: an AXI3 slave) */
};

/** Response codes. */
enum : uint8_t { kAxiOkay = 0, kAxiExOkay = 1, kAxiSlvErr = 2, kAxiDecErr = 3 };

class AxiMem {
 public:
  explicit AxiMem(const AxiMemConfig &cfg);

  /** Outputs for the current cycle. */
  const AxiSlaveSignals &out() const { return out_; }
  /** Samples the master for this cycle, checks it, advances one clock. */
  void tick(const AxiMasterSignals &m);

  /** Memory access outside the bus (no checks, no timing). */
  uint64_t peek64(uint64_t addr) const;  // addr rounded down to 8
  void poke64(uint64_t addr, uint64_t value);
  uint8_t peek8(uint64_t addr) const;
  /** Value of a never-written word. */
  static uint64_t fill(uint64_t addr);

  /** Beats in [lo, hi) answer @p resp (kAxiSlvErr or kAxiDecErr); writes there
   *  are dropped. */
  void add_error_range(uint64_t lo, uint64_t hi, uint8_t resp);
  void clear_error_ranges() { err_ranges_.clear(); }
  /** Beats outside [lo, hi) are protocol violations (default: anywhere). */
  void set_read_allowed(uint64_t lo, uint64_t hi) { rd_lo_ = lo; rd_hi_ = hi; }
  void set_write_allowed(uint64_t lo, uint64_t hi) { wr_lo_ = lo; wr_hi_ = hi; }

  /** Protocol violations seen so far, in order (empty = clean). */
  const std::vector<std::string> &errors() const { return errors_; }
  /** True when no transaction is queued or in flight. */
  bool idle() const;

  // Counters for reports.
  uint64_t cycles = 0, ar_count = 0, aw_count = 0, r_beats = 0, w_beats = 0;
  unsigned max_reads_in_flight = 0, max_writes_in_flight = 0;

 private:
  struct Burst {
    uint64_t addr;
    unsigned len;  // beats - 1
    uint32_t id;
    uint64_t ready_cycle;
    unsigned beat = 0;
    uint8_t resp = kAxiOkay;
  };
  struct WBeat {
    uint64_t data;
    uint8_t strb;
    bool last;
  };
  struct BResp {
    uint32_t id;
    uint8_t resp;
    uint64_t ready_cycle;
  };

  uint8_t *ext_word(uint64_t addr) const;
  bool chance(unsigned pct);
  uint8_t resp_at(uint64_t addr) const;
  void violation(const std::string &what);
  void check_addr(const char *ch, uint64_t addr, unsigned len, uint8_t size, uint8_t burst);
  void drain_writes();

  AxiMemConfig cfg_;
  std::mt19937_64 rng_;
  AxiSlaveSignals out_;
  AxiMasterSignals prev_;  // master signals of the previous cycle
  bool prev_ar_wait_ = false, prev_aw_wait_ = false, prev_w_wait_ = false;
  std::unordered_map<uint64_t, uint64_t> mem_;
  std::deque<Burst> reads_, writes_;
  std::deque<WBeat> wbeats_;
  std::deque<BResp> bresps_;
  struct Range {
    uint64_t lo, hi;
    uint8_t resp;
  };
  std::vector<Range> err_ranges_;
  uint64_t rd_lo_ = 0, rd_hi_ = ~0ull, wr_lo_ = 0, wr_hi_ = ~0ull;
  std::vector<std::string> errors_;
};

}  // namespace npe

#endif  // NPE_SIM_AXI_MEM_H
