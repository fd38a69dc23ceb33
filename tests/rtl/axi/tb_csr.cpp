// SPDX-License-Identifier: Apache-2.0
// tb_csr.cpp - Verilator testbench for npe_axil_slave + npe_csr (top
// tests/rtl/axi/tb_axil_csr.sv). The register list comes from the generated
// include/npe_regs.h, so the C header and the RTL are checked against
// each other: every register read and written, reserved offsets and writes
// to read-only registers answer SLVERR and change nothing, w1c and pulse
// fields, the error latch, the counter snapshot, random AW/W ordering and
// random back-pressure on B and R, all against a reference model.
//
// Usage: tb_csr [+seed=N] [+ops=N]. Exit 0 only if every check passed.
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>

#include "Vtb_axil_csr.h"
#include "npe_regs.h"
#include "verilated.h"

namespace {

struct Reg {
  const char *name;
  uint32_t off;
  int acc;
  uint32_t resval, rw, w1c, wo;
  int hwin;
};

#define X(n, off, acc, res, rw, w1c, wo, hw) {#n, off, acc, res, rw, w1c, wo, hw},
const Reg kRegs[] = {NPE_REG_LIST(X)};
#undef X
const unsigned kNumRegs = sizeof kRegs / sizeof kRegs[0];

const uint8_t kOkay = 0, kSlvErr = 2;

class CsrBench {
 public:
  CsrBench(uint64_t seed, int argc, char **argv) : rng_(seed) {
    ctx_.reset(new VerilatedContext);
    ctx_->commandArgs(argc, argv);
    ctx_->randReset(2);
    top_.reset(new Vtb_axil_csr{ctx_.get(), "top"});
  }
  ~CsrBench() { top_->final(); }
  int run(unsigned ops);

 private:
  void fail(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
  bool chance(unsigned pct) { return rng_() % 100 < pct; }
  void cycle();
  uint8_t write(uint32_t addr, uint32_t data, uint8_t strb);
  uint8_t read(uint32_t addr, uint32_t *data);
  const Reg *find(uint32_t off) const;
  // Reference model.
  void model_reset();
  uint32_t expect_read(uint32_t off);  // also applies read side effects
  uint8_t model_write(uint32_t off, uint32_t data, uint8_t strb);
  void check_read(uint32_t off);
  void check_write(uint32_t off, uint32_t data, uint8_t strb);
  void check_outputs();
  void set_perf(unsigned i, uint64_t v);
  uint64_t perf(unsigned i) const { return perf_[i]; }
  void hw_event(bool done, bool desc, bool err, uint8_t code, uint16_t idx, uint64_t addr);

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vtb_axil_csr> top_;
  std::mt19937_64 rng_;
  int failures_ = 0;
  uint64_t cycles_ = 0;
  // Slave-side protocol check state.
  bool b_wait_ = false, r_wait_ = false;
  uint8_t b_resp_ = 0, r_resp_ = 0;
  uint32_t r_data_ = 0;
  // Pulses seen and expected.
  unsigned seen_start_ = 0, seen_srst_ = 0, seen_pclr_ = 0, seen_bell_ = 0;
  unsigned exp_start_ = 0, exp_srst_ = 0, exp_pclr_ = 0, exp_bell_ = 0;
  // Model state.
  std::map<uint32_t, uint32_t> val_;  // rw and w1c bits by offset
  uint64_t perf_[NPE_PERF_COUNT] = {};
  bool snap_valid_ = false;
  unsigned snap_idx_ = 0;
  uint32_t snap_hi_ = 0;
  uint8_t err_code_ = 0;
  uint16_t err_idx_ = 0;
  uint64_t err_addr_ = 0;
  uint16_t ring_head_ = 0;
  bool busy_ = false;
  bool nlu_busy_ = false;  // an NLU descriptor runs: table writes are refused
};

void CsrBench::fail(const char *fmt, ...) {
  if (failures_++ < 20) {
    va_list ap;
    va_start(ap, fmt);
    std::printf("FAIL cycle %" PRIu64 ": ", cycles_);
    std::vprintf(fmt, ap);
    std::printf("\n");
    va_end(ap);
  }
}

// One clock: settle, check the slave's B/R rules, count pulses, edge.
void CsrBench::cycle() {
  Vtb_axil_csr *t = top_.get();
  t->clk_i = 0;
  t->eval();
  if (b_wait_ && (!t->s_axil_bvalid || t->s_axil_bresp != b_resp_))
    fail("BVALID dropped or BRESP changed before BREADY");
  if (r_wait_ && (!t->s_axil_rvalid || t->s_axil_rresp != r_resp_ || t->s_axil_rdata != r_data_))
    fail("RVALID dropped or R payload changed before RREADY");
  b_wait_ = t->rst_ni && t->s_axil_bvalid && !t->s_axil_bready;
  b_resp_ = t->s_axil_bresp;
  r_wait_ = t->rst_ni && t->s_axil_rvalid && !t->s_axil_rready;
  r_resp_ = t->s_axil_rresp;
  r_data_ = t->s_axil_rdata;
  seen_start_ += t->start_o;
  seen_srst_ += t->soft_reset_o;
  seen_pclr_ += t->perf_clear_o;
  seen_bell_ += t->doorbell_o;
  t->clk_i = 1;
  t->eval();
  ctx_->timeInc(1);
  cycles_++;
}

// AXI4-Lite write with a random order of AW and W, random gaps and random
// BREADY. Returns BRESP.
uint8_t CsrBench::write(uint32_t addr, uint32_t data, uint8_t strb) {
  Vtb_axil_csr *t = top_.get();
  int aw_delay = rng_() % 4, w_delay = rng_() % 4;
  bool aw_done = false, w_done = false;
  t->s_axil_awaddr = addr;
  t->s_axil_awprot = 0;
  t->s_axil_wdata = data;
  t->s_axil_wstrb = strb;
  for (int n = 0; n < 2000; n++) {
    t->s_axil_awvalid = !aw_done && aw_delay-- <= 0;
    t->s_axil_wvalid = !w_done && w_delay-- <= 0;
    t->s_axil_bready = chance(60);
    t->clk_i = 0;
    t->eval();
    bool aw_hs = t->s_axil_awvalid && t->s_axil_awready;
    bool w_hs = t->s_axil_wvalid && t->s_axil_wready;
    bool b_hs = t->s_axil_bvalid && t->s_axil_bready;
    uint8_t resp = t->s_axil_bresp;
    if (b_hs && !(aw_done && w_done)) fail("B before both AW and W were accepted");
    cycle();
    aw_done |= aw_hs;
    w_done |= w_hs;
    if (b_hs) {
      t->s_axil_awvalid = t->s_axil_wvalid = t->s_axil_bready = 0;
      return resp;
    }
  }
  fail("write 0x%03x hung", addr);
  return 0xFF;
}

// AXI4-Lite read with random RREADY. Returns RRESP; *data gets RDATA.
uint8_t CsrBench::read(uint32_t addr, uint32_t *data) {
  Vtb_axil_csr *t = top_.get();
  int ar_delay = rng_() % 3;
  bool ar_done = false;
  t->s_axil_araddr = addr;
  t->s_axil_arprot = 0;
  for (int n = 0; n < 2000; n++) {
    t->s_axil_arvalid = !ar_done && ar_delay-- <= 0;
    t->s_axil_rready = chance(60);
    t->clk_i = 0;
    t->eval();
    bool ar_hs = t->s_axil_arvalid && t->s_axil_arready;
    bool r_hs = t->s_axil_rvalid && t->s_axil_rready;
    uint8_t resp = t->s_axil_rresp;
    *data = t->s_axil_rdata;
    cycle();
    ar_done |= ar_hs;
    if (r_hs) {
      t->s_axil_arvalid = t->s_axil_rready = 0;
      return resp;
    }
  }
  fail("read 0x%03x hung", addr);
  return 0xFF;
}

const Reg *CsrBench::find(uint32_t off) const {
  for (const Reg &r : kRegs)
    if (r.off == (off & ~3u)) return &r;
  return nullptr;
}

void CsrBench::set_perf(unsigned i, uint64_t v) {
  perf_[i] = v;
  top_->perf_i[2 * i] = static_cast<uint32_t>(v);
  top_->perf_i[2 * i + 1] = static_cast<uint32_t>(v >> 32);
}

void CsrBench::model_reset() {
  val_.clear();
  for (const Reg &r : kRegs) val_[r.off] = r.resval & (r.rw | r.w1c);
  snap_valid_ = false;
  err_code_ = 0;
  err_idx_ = 0;
  err_addr_ = 0;
}

uint32_t CsrBench::expect_read(uint32_t off) {
  const Reg *r = find(off);
  off &= ~3u;
  if (off >= NPE_PERF_REG_OFFSET(0) && off < NPE_PERF_REG_OFFSET(NPE_PERF_COUNT)) {
    unsigned i = (off - NPE_PERF_REG_OFFSET(0)) / 8;
    if (!(off & 4)) {
      snap_valid_ = true;
      snap_idx_ = i;
      snap_hi_ = perf(i) >> 32;
      return static_cast<uint32_t>(perf(i));
    }
    uint32_t v = (snap_valid_ && snap_idx_ == i) ? snap_hi_ : static_cast<uint32_t>(perf(i) >> 32);
    snap_valid_ = false;
    return v;
  }
  switch (off) {
    case NPE_STATUS_REG_OFFSET:
      return (busy_ ? 1u << NPE_STATUS_BUSY_BIT : 0) |
             (uint32_t)err_code_ << NPE_STATUS_ERR_OFFSET |
             (uint32_t)err_idx_ << NPE_STATUS_ERR_IDX_OFFSET;
    case NPE_ERR_ADDR_LO_REG_OFFSET: return static_cast<uint32_t>(err_addr_);
    case NPE_ERR_ADDR_HI_REG_OFFSET: return static_cast<uint32_t>(err_addr_ >> 32);
    case NPE_RING_HEAD_REG_OFFSET: return ring_head_;
    default: break;
  }
  if (r->acc == NPE_ACC_RO) return r->resval;  // constants and capability parameters
  return val_[off];
}

// Applies a write to the model; returns the response the DUT must give.
uint8_t CsrBench::model_write(uint32_t off, uint32_t data, uint8_t strb) {
  const Reg *r = find(off);
  if (!r || r->acc == NPE_ACC_RO) return kSlvErr;
  off &= ~3u;
  if (off == NPE_NLU_TBL_DATA_REG_OFFSET) {
    if (nlu_busy_) return kSlvErr;
    uint32_t &a = val_[NPE_NLU_TBL_ADDR_REG_OFFSET];
    a = (a + 1) & (NPE_NLU_TBL_ADDR_INDEX_MASK << NPE_NLU_TBL_ADDR_INDEX_OFFSET);
  }
  uint32_t be = 0;
  for (int i = 0; i < 4; i++)
    if (strb >> i & 1) be |= 0xFFu << (8 * i);
  uint32_t ones = data & be;
  val_[off] = (val_[off] & ~(be & r->rw)) | (data & be & r->rw);
  val_[off] &= ~(ones & r->w1c);
  if (off == NPE_INTR_TEST_REG_OFFSET) val_[NPE_INTR_STATE_REG_OFFSET] |= ones & r->wo;
  if (off == NPE_CTRL_REG_OFFSET) {
    exp_start_ += ones >> NPE_CTRL_START_BIT & 1;
    exp_pclr_ += ones >> NPE_CTRL_PERF_CLEAR_BIT & 1;
    if (ones >> NPE_CTRL_SOFT_RESET_BIT & 1) {
      exp_srst_++;
      err_code_ = 0;
      err_idx_ = 0;
      err_addr_ = 0;
      val_[NPE_INTR_STATE_REG_OFFSET] = 0;
    }
  }
  if (off == NPE_DOORBELL_REG_OFFSET) exp_bell_ += ones >> NPE_DOORBELL_RUN_BIT & 1;
  return kOkay;
}

void CsrBench::check_read(uint32_t off) {
  uint32_t got = 0;
  uint8_t resp = read(off, &got);
  const Reg *r = find(off);
  if (!r) {
    if (resp != kSlvErr || got != 0) fail("read of reserved 0x%03x: resp %u data %08x", off, resp, got);
    return;
  }
  uint32_t want = expect_read(off);
  if (resp != kOkay || got != want)
    fail("read %s (0x%03x): resp %u data %08x, want %08x", r->name, off, resp, got, want);
}

void CsrBench::check_write(uint32_t off, uint32_t data, uint8_t strb) {
  uint8_t want = model_write(off, data, strb);
  uint8_t resp = write(off, data, strb);
  if (resp != want) {
    const Reg *r = find(off);
    fail("write %s (0x%03x) = %08x/%x: resp %u, want %u", r ? r->name : "reserved", off, data,
         strb, resp, want);
  }
  check_outputs();
}

void CsrBench::check_outputs() {
  Vtb_axil_csr *t = top_.get();
  auto pair = [&](uint32_t lo) { return (uint64_t)val_[lo + 4] << 32 | val_[lo]; };
  if (t->ring_base_o != pair(NPE_RING_BASE_LO_REG_OFFSET)) fail("ring_base_o");
  if (t->dma_win_base_o != pair(NPE_DMA_WIN_BASE_LO_REG_OFFSET)) fail("dma_win_base_o");
  if (t->dma_win_limit_o != pair(NPE_DMA_WIN_LIMIT_LO_REG_OFFSET)) fail("dma_win_limit_o");
  if (t->ring_log2_o != val_[NPE_RING_SIZE_REG_OFFSET]) fail("ring_log2_o");
  if (t->ring_tail_o != val_[NPE_RING_TAIL_REG_OFFSET]) fail("ring_tail_o");
  for (int i = 0; i < 16; i++)
    if (t->desc_o[i] != val_[NPE_DESC_0_REG_OFFSET + 4 * i]) fail("desc_o word %d", i);
  uint32_t ctrl = val_[NPE_CTRL_REG_OFFSET];
  if (t->perf_en_o != (ctrl >> NPE_CTRL_PERF_EN_BIT & 1)) fail("perf_en_o");
  if (t->stop_on_err_o != (ctrl >> NPE_CTRL_STOP_ON_ERR_BIT & 1)) fail("stop_on_err_o");
  bool irq = val_[NPE_INTR_STATE_REG_OFFSET] & val_[NPE_INTR_ENABLE_REG_OFFSET];
  if (t->irq_o != irq) fail("irq_o is %d, want %d", t->irq_o, irq);
  if (seen_start_ != exp_start_ || seen_srst_ != exp_srst_ || seen_pclr_ != exp_pclr_ ||
      seen_bell_ != exp_bell_)
    fail("pulses start %u/%u soft_reset %u/%u perf_clear %u/%u doorbell %u/%u", seen_start_,
         exp_start_, seen_srst_, exp_srst_, seen_pclr_, exp_pclr_, seen_bell_, exp_bell_);
}

// One cycle of hardware events on the register file's inputs.
void CsrBench::hw_event(bool done, bool desc, bool err, uint8_t code, uint16_t idx, uint64_t addr) {
  Vtb_axil_csr *t = top_.get();
  t->done_i = done;
  t->desc_irq_i = desc;
  t->err_valid_i = err;
  t->err_code_i = code;
  t->err_idx_i = idx;
  t->err_addr_i = addr;
  cycle();
  t->done_i = t->desc_irq_i = t->err_valid_i = 0;
  uint32_t &st = val_[NPE_INTR_STATE_REG_OFFSET];
  if (done) st |= 1u << NPE_INTR_STATE_DONE_BIT;
  if (desc) st |= 1u << NPE_INTR_STATE_DESC_BIT;
  if (err && code) {
    st |= 1u << NPE_INTR_STATE_ERROR_BIT;
    if (!err_code_) {
      err_code_ = code;
      err_idx_ = idx;
      err_addr_ = addr;
    }
  }
}

int CsrBench::run(unsigned ops) {
  Vtb_axil_csr *t = top_.get();
  // Reset with every input defined.
  t->rst_ni = 0;
  t->s_axil_awvalid = t->s_axil_wvalid = t->s_axil_arvalid = 0;
  t->s_axil_bready = t->s_axil_rready = 0;
  t->busy_i = t->err_valid_i = t->done_i = t->desc_irq_i = 0;
  t->nlu_busy_i = 0;
  t->err_code_i = 0;
  t->err_idx_i = 0;
  t->err_addr_i = 0;
  t->ring_head_i = 0;
  for (unsigned i = 0; i < NPE_PERF_COUNT; i++) set_perf(i, 0);
  for (int i = 0; i < 4; i++) cycle();
  t->rst_ni = 1;
  cycle();
  // Outputs before the first edge are random (randReset): count from here.
  seen_start_ = seen_srst_ = seen_pclr_ = seen_bell_ = 0;
  b_wait_ = r_wait_ = false;
  model_reset();
  check_outputs();

  // 1. Every register after reset, with the hardware inputs at known values.
  for (unsigned i = 0; i < NPE_PERF_COUNT; i++) set_perf(i, rng_());
  ring_head_ = t->ring_head_i = rng_();
  for (const Reg &r : kRegs) check_read(r.off);

  // 2. Every register written (random data, all strobes), then read back.
  for (const Reg &r : kRegs) {
    if (r.off == NPE_CTRL_REG_OFFSET) continue;  // pulses covered below
    check_write(r.off, rng_(), 0xF);
    check_read(r.off);
  }
  for (const Reg &r : kRegs) check_read(r.off);

  // 3. Byte strobes on rw registers.
  for (int n = 0; n < 64; n++) {
    const Reg &r = kRegs[rng_() % kNumRegs];
    if (r.acc != NPE_ACC_RW) continue;
    check_write(r.off, rng_(), rng_() % 16);
    check_read(r.off);
  }

  // 4. Reserved offsets: SLVERR on read and write, nothing changes.
  unsigned reserved = 0;
  for (uint32_t off = 0; off < 0x1000; off += 4) {
    if (find(off)) continue;
    reserved++;
    check_write(off, rng_(), 0xF);
    check_read(off);
  }
  for (const Reg &r : kRegs) check_read(r.off);

  // 5. Read-only registers: a write is a SLVERR and changes nothing.
  for (const Reg &r : kRegs) {
    if (r.acc != NPE_ACC_RO) continue;
    check_write(r.off, rng_(), 0xF);
    check_read(r.off);
  }

  // 6. Interrupts: events set, w1c clears, an event beats a clear, irq_o.
  check_write(NPE_INTR_ENABLE_REG_OFFSET, 0x7, 0xF);
  check_write(NPE_INTR_STATE_REG_OFFSET, 0x7, 0xF);
  hw_event(true, false, false, 0, 0, 0);
  check_outputs();
  check_read(NPE_INTR_STATE_REG_OFFSET);
  check_write(NPE_INTR_STATE_REG_OFFSET, 0x0, 0xF);  // writing 0 clears nothing
  check_read(NPE_INTR_STATE_REG_OFFSET);
  check_write(NPE_INTR_STATE_REG_OFFSET, 1u << NPE_INTR_STATE_DONE_BIT, 0xF);
  check_read(NPE_INTR_STATE_REG_OFFSET);
  hw_event(false, true, false, 0, 0, 0);
  check_write(NPE_INTR_ENABLE_REG_OFFSET, 1u << NPE_INTR_STATE_DONE_BIT, 0xF);  // DESC masked
  check_read(NPE_INTR_STATE_REG_OFFSET);
  {
    // A clear and an event in the same cycle: the event wins.
    t->s_axil_awaddr = NPE_INTR_STATE_REG_OFFSET;
    t->s_axil_wdata = 0x7;
    t->s_axil_wstrb = 0xF;
    t->s_axil_awvalid = t->s_axil_wvalid = 1;
    t->s_axil_bready = 0;
    cycle();  // AW and W captured
    t->s_axil_awvalid = t->s_axil_wvalid = 0;
    model_write(NPE_INTR_STATE_REG_OFFSET, 0x7, 0xF);
    hw_event(true, false, false, 0, 0, 0);  // the register write happens in this cycle
    t->s_axil_bready = 1;
    cycle();
    t->s_axil_bready = 0;
    check_read(NPE_INTR_STATE_REG_OFFSET);
    check_outputs();
  }

  // 6b. A read is served while half of a write (AW only, then W only) waits.
  for (int half = 0; half < 2; half++) {
    uint32_t v = rng_();
    t->s_axil_awaddr = NPE_RING_TAIL_REG_OFFSET;
    t->s_axil_wdata = v;
    t->s_axil_wstrb = 0xF;
    t->s_axil_awvalid = half == 0;
    t->s_axil_wvalid = half == 1;
    cycle();
    t->s_axil_awvalid = t->s_axil_wvalid = 0;
    check_read(NPE_ID_REG_OFFSET);
    check_read(NPE_RING_TAIL_REG_OFFSET);  // not written yet
    model_write(NPE_RING_TAIL_REG_OFFSET, v, 0xF);
    t->s_axil_awvalid = half == 1;
    t->s_axil_wvalid = half == 0;
    t->s_axil_bready = 0;
    bool b = false;
    for (int n = 0; n < 20 && !b; n++) {
      t->s_axil_bready = n > 5;
      t->clk_i = 0;
      t->eval();
      bool aw_hs = t->s_axil_awvalid && t->s_axil_awready;
      bool w_hs = t->s_axil_wvalid && t->s_axil_wready;
      b = t->s_axil_bvalid && t->s_axil_bready;
      if (b && t->s_axil_bresp != kOkay) fail("split write: BRESP %u", t->s_axil_bresp);
      cycle();
      if (aw_hs) t->s_axil_awvalid = 0;
      if (w_hs) t->s_axil_wvalid = 0;
    }
    t->s_axil_awvalid = t->s_axil_wvalid = t->s_axil_bready = 0;
    if (!b) fail("split write never answered");
    check_read(NPE_RING_TAIL_REG_OFFSET);
  }

  // 7. Error latch: the first non-zero code is kept, SOFT_RESET clears it.
  hw_event(false, false, true, 0, 5, 0x1234);  // code 0 is not an error
  check_read(NPE_STATUS_REG_OFFSET);
  hw_event(false, false, true, NPE_HW_ERR_DMA_SLVERR, 0x00AB, 0xFEDCBA9876543210ull);
  hw_event(false, false, true, NPE_HW_ERR_BAD_OPCODE, 0x0001, 0x1111);
  t->busy_i = 1;
  busy_ = true;
  check_read(NPE_STATUS_REG_OFFSET);
  check_read(NPE_ERR_ADDR_LO_REG_OFFSET);
  check_read(NPE_ERR_ADDR_HI_REG_OFFSET);
  check_read(NPE_INTR_STATE_REG_OFFSET);
  check_outputs();
  check_write(NPE_CTRL_REG_OFFSET, 1u << NPE_CTRL_SOFT_RESET_BIT | 1u << NPE_CTRL_PERF_EN_BIT, 0xF);
  check_read(NPE_STATUS_REG_OFFSET);
  check_read(NPE_ERR_ADDR_HI_REG_OFFSET);
  check_read(NPE_INTR_STATE_REG_OFFSET);
  t->busy_i = 0;
  busy_ = false;

  // 8. CTRL pulses and levels, alone and together, with strobes.
  check_write(NPE_CTRL_REG_OFFSET, 1u << NPE_CTRL_START_BIT, 0xF);
  check_write(NPE_CTRL_REG_OFFSET, 1u << NPE_CTRL_PERF_CLEAR_BIT, 0xF);
  check_write(NPE_CTRL_REG_OFFSET, 0x7, 0xE);  // pulse byte not strobed: nothing
  check_write(NPE_CTRL_REG_OFFSET, 0x0, 0x2);  // clears PERF_EN and STOP_ON_ERR
  check_read(NPE_CTRL_REG_OFFSET);
  check_write(NPE_DOORBELL_REG_OFFSET, 1, 0xF);
  check_read(NPE_DOORBELL_REG_OFFSET);

  // 9. Counter snapshot: LO then HI is one consistent 64-bit value.
  for (unsigned i = 0; i < NPE_PERF_COUNT; i++) {
    set_perf(i, rng_());
    check_read(NPE_PERF_REG_OFFSET(i));
    set_perf(i, perf(i) + 0x100000000ull * (1 + rng_() % 7));  // high word moves
    check_read(NPE_PERF_REG_OFFSET(i) + 4);  // the captured value
    check_read(NPE_PERF_REG_OFFSET(i) + 4);  // live again
  }

  // 10. Random operations on random offsets, inputs changing underneath.
  for (unsigned n = 0; n < ops; n++) {
    uint32_t off = (rng_() % 3) ? kRegs[rng_() % kNumRegs].off : (rng_() % 0x1000) & ~3u;
    if (off == NPE_CTRL_REG_OFFSET && chance(80)) off = NPE_RING_TAIL_REG_OFFSET;
    if (chance(10)) off |= rng_() % 4;  // unaligned: same register
    if (chance(20)) set_perf(rng_() % NPE_PERF_COUNT, rng_());
    if (chance(10)) ring_head_ = t->ring_head_i = rng_();
    if (chance(10)) t->busy_i = busy_ = rng_() & 1;
    if (chance(10)) t->nlu_busy_i = nlu_busy_ = rng_() & 1;
    if (chance(5)) hw_event(chance(50), chance(50), chance(30), rng_() % 11, rng_(), rng_());
    if (chance(50)) check_write(off, rng_(), rng_() % 16);
    else check_read(off);
  }
  for (const Reg &r : kRegs) check_read(r.off);
  check_outputs();

  std::printf("tb_csr: %s: %u registers, %u reserved offsets, %u random ops, %" PRIu64
              " cycles, %d failures\n",
              failures_ ? "FAIL" : "PASS", kNumRegs, reserved, ops, cycles_, failures_);
  return failures_;
}

}  // namespace

int main(int argc, char **argv) {
  uint64_t seed = 1;
  unsigned ops = 4000;
  for (int i = 1; i < argc; i++) {
    if (!std::strncmp(argv[i], "+seed=", 6)) seed = std::strtoull(argv[i] + 6, nullptr, 0);
    if (!std::strncmp(argv[i], "+ops=", 5)) ops = std::strtoul(argv[i] + 5, nullptr, 0);
  }
  CsrBench b(seed, argc, argv);
  return b.run(ops) ? 1 : 0;
}
