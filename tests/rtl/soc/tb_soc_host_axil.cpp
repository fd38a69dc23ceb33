// SPDX-License-Identifier: Apache-2.0
// tb_soc_host_axil.cpp - Verilator testbench for npe_soc_host_axil (the
// AXI4-Lite slave in front of npe_soc's host port on the Zynq board top,
// fpga/zynq/npe_soc_zynq_top.v). The bench is the AXI master on one side
// and a model of the SoC's host port on the other (a RAM of RamBytes and
// the mailbox's 4 KiB at 0x4001_0000, answering after a random number of
// cycles and checking that a request and its fields hold until ready).
//
// Random writes (random strobes, zero included) and reads over the whole
// 256 KiB window and edges: the RAM, the mailbox, the hole above it; AW and
// W at random distances from each other; a write and a read outstanding at
// once; random back-pressure on B and R. Checked against a reference of the
// window kept here: every read's data bit for bit, every response (OKAY;
// DECERR with data 0 outside the window), the host port's accesses (none
// for a bad address or a write with no strobes; none outside the RAM and
// the mailbox; the mailbox's offsets moved to 0x4001_0000), B and R held
// with stable payload until taken, no transaction left unanswered for
// kHangCycles, and at the end the host model's memory equal to the
// reference word for word.
//
// Usage: tb_soc_host_axil [+seed=N] [+ops=N]. Exit 0 only if every check
// passed.
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "Vnpe_soc_host_axil.h"
#include "verilated.h"

namespace {

const uint32_t kRamBytes = 131072;           // the adapter's RamBytes (default)
const uint32_t kWindow = 2 * kRamBytes;      // AddrWidth 18
const uint32_t kMboxOff = kRamBytes;         // the mailbox in the window
const uint32_t kMboxHost = 0x40010000u;      // ... and on the host port
const uint8_t kOkay = 0, kDecErr = 3;
const unsigned kHangCycles = 400;            // far above the longest answer

struct Txn {
  bool active = false;
  uint32_t addr = 0, data = 0;
  uint8_t strb = 0;
  unsigned aw_delay = 0, w_delay = 0;  // cycles before AW / W are driven
  bool aw_done = false, w_done = false, addr_done = false;
  unsigned age = 0;
};

class Bench {
 public:
  Bench(uint64_t seed, int argc, char **argv) : rng_(seed) {
    ctx_.reset(new VerilatedContext);
    ctx_->commandArgs(argc, argv);
    ctx_->randReset(2);
    top_.reset(new Vnpe_soc_host_axil{ctx_.get(), "top"});
    ram_.assign(kRamBytes / 4, 0);
    mbox_.assign(1024, 0);
    ref_ram_.assign(kRamBytes / 4, 0);
    ref_mbox_.assign(1024, 0);
  }
  ~Bench() { top_->final(); }
  int run(unsigned ops);

 private:
  void fail(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
  bool chance(unsigned pct) { return rng_() % 100 < pct; }
  uint32_t pick_addr();
  bool in_window(uint32_t a) const { return a < kRamBytes || (a >= kMboxOff && a < kMboxOff + 4096); }
  uint32_t *ref_word(uint32_t a) {
    return a < kRamBytes ? &ref_ram_[a / 4] : &ref_mbox_[(a - kMboxOff) / 4];
  }
  bool same_word(uint32_t a, uint32_t b) const { return (a >> 2) == (b >> 2); }
  void host_model_comb();
  void host_model_edge();
  void cycle();
  void new_write();
  void new_read();

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vnpe_soc_host_axil> top_;
  std::mt19937_64 rng_;
  int failures_ = 0;
  uint64_t cycles_ = 0;

  // the host port model
  std::vector<uint32_t> ram_, mbox_;
  bool h_busy_ = false;
  unsigned h_wait_ = 0;
  bool h_we_ = false;
  uint32_t h_addr_ = 0, h_wdata_ = 0;
  uint8_t h_wstrb_ = 0;
  uint64_t h_accesses_ = 0;

  // the reference and the master
  std::vector<uint32_t> ref_ram_, ref_mbox_;
  Txn wr_, rd_;
  unsigned rd_delay_ = 0;
  uint64_t expect_accesses_ = 0;
  bool b_wait_ = false, r_wait_ = false;  // B / R seen valid and not taken
  uint8_t b_resp_ = 0, r_resp_ = 0;
  uint32_t r_data_ = 0;
  unsigned writes_ = 0, reads_ = 0, bad_ = 0, nostrb_ = 0, mbox_ops_ = 0, overlap_ = 0;
  unsigned max_h_wait_ = 1;
};

void Bench::fail(const char *fmt, ...) {
  if (failures_ < 20) {
    va_list ap;
    va_start(ap, fmt);
    std::fprintf(stderr, "tb_soc_host_axil: FAIL (cycle %" PRIu64 "): ", cycles_);
    std::vfprintf(stderr, fmt, ap);
    std::fputc('\n', stderr);
    va_end(ap);
  }
  failures_++;
}

uint32_t Bench::pick_addr() {
  static const uint32_t edges[] = {0, 4, kRamBytes - 4, kRamBytes - 1, kMboxOff, kMboxOff + 3,
                                   kMboxOff + 4092, kMboxOff + 4096, kMboxOff + 8192,
                                   kWindow - 4, kWindow - 1};
  unsigned k = rng_() % 100;
  if (k < 8) return edges[rng_() % (sizeof edges / sizeof edges[0])];
  if (k < 28) return kMboxOff + (rng_() % 4096);                 // the mailbox
  if (k < 40) return kMboxOff + 4096 + rng_() % (kWindow - kMboxOff - 4096);  // the hole
  if (k < 70) return (rng_() % 64) * 4 + (rng_() % 4);           // a few busy words
  return rng_() % kRamBytes;
}

// The host port's answer for this cycle (before the clock edge).
void Bench::host_model_comb() {
  top_->h_ready_i = 0;
  top_->h_rdata_i = static_cast<uint32_t>(rng_());  // garbage unless ready
  if (!top_->h_req_o) {
    h_busy_ = false;
    return;
  }
  if (!h_busy_) {
    // a new request: its fields must stay as they are until ready
    h_busy_ = true;
    h_we_ = top_->h_we_o;
    h_addr_ = top_->h_addr_o;
    h_wdata_ = top_->h_wdata_o;
    h_wstrb_ = top_->h_wstrb_o;
    unsigned k = rng_() % 100;
    h_wait_ = k < 60 ? 1 + rng_() % 2 : k < 95 ? 1 + rng_() % 8 : 20 + rng_() % 40;
    if (h_wait_ > max_h_wait_) max_h_wait_ = h_wait_;
    bool ram = h_addr_ < kRamBytes, mb = (h_addr_ & ~0xfffu) == kMboxHost;
    if (!ram && !mb) fail("host port request outside the RAM and the mailbox: 0x%08x", h_addr_);
    if (h_addr_ & 3) fail("host port address 0x%08x not word-aligned", h_addr_);
    if (h_we_ && h_wstrb_ == 0) fail("host port write with no strobes at 0x%08x", h_addr_);
    h_accesses_++;
  } else if (top_->h_we_o != h_we_ || top_->h_addr_o != h_addr_ ||
             (h_we_ && (top_->h_wdata_o != h_wdata_ || top_->h_wstrb_o != h_wstrb_))) {
    fail("host port request changed before ready (addr 0x%08x -> 0x%08x)", h_addr_,
         top_->h_addr_o);
  }
  if (--h_wait_ == 0) {
    top_->h_ready_i = 1;
    uint32_t *w = nullptr;
    if (h_addr_ < kRamBytes) w = &ram_[h_addr_ / 4];
    else if ((h_addr_ & ~0xfffu) == kMboxHost) w = &mbox_[(h_addr_ & 0xfff) / 4];
    top_->h_rdata_i = (w && !h_we_) ? *w : 0;
  }
}

// The write, at the clock edge of ready.
void Bench::host_model_edge() {
  if (!(h_busy_ && top_->h_ready_i)) return;
  h_busy_ = false;
  if (!h_we_) return;
  uint32_t *w = nullptr;
  if (h_addr_ < kRamBytes) w = &ram_[h_addr_ / 4];
  else if ((h_addr_ & ~0xfffu) == kMboxHost) w = &mbox_[(h_addr_ & 0xfff) / 4];
  if (!w) return;
  for (int i = 0; i < 4; i++)
    if (h_wstrb_ >> i & 1) *w = (*w & ~(0xffu << 8 * i)) | (h_wdata_ & (0xffu << 8 * i));
}

void Bench::new_write() {
  wr_ = Txn();
  wr_.active = true;
  do {
    wr_.addr = pick_addr();
  } while (rd_.active && same_word(wr_.addr, rd_.addr));
  wr_.data = static_cast<uint32_t>(rng_());
  wr_.strb = chance(8) ? 0 : rng_() % 16;
  wr_.aw_delay = chance(50) ? 0 : rng_() % 12;
  wr_.w_delay = chance(50) ? 0 : rng_() % 12;
  if (in_window(wr_.addr) && wr_.strb) expect_accesses_++;
  if (!in_window(wr_.addr)) bad_++;
  else if (!wr_.strb) nostrb_++;
  if (wr_.addr >= kMboxOff) mbox_ops_++;
  if (rd_.active) overlap_++;
  writes_++;
}

void Bench::new_read() {
  rd_ = Txn();
  rd_.active = true;
  do {
    rd_.addr = pick_addr();
  } while (wr_.active && same_word(wr_.addr, rd_.addr));
  rd_delay_ = chance(50) ? 0 : rng_() % 12;
  if (in_window(rd_.addr)) expect_accesses_++;
  else bad_++;
  if (rd_.addr >= kMboxOff) mbox_ops_++;
  if (wr_.active) overlap_++;
  reads_++;
}

void Bench::cycle() {
  // the master's drive for this cycle
  top_->s_axil_awvalid = wr_.active && !wr_.aw_done && wr_.aw_delay == 0;
  top_->s_axil_awaddr = wr_.addr;
  top_->s_axil_awprot = rng_() % 8;
  top_->s_axil_wvalid = wr_.active && !wr_.w_done && wr_.w_delay == 0;
  top_->s_axil_wdata = wr_.data;
  top_->s_axil_wstrb = wr_.strb;
  top_->s_axil_arvalid = rd_.active && !rd_.addr_done && rd_delay_ == 0;
  top_->s_axil_araddr = rd_.addr;
  top_->s_axil_arprot = rng_() % 8;
  top_->s_axil_bready = chance(60);
  top_->s_axil_rready = chance(60);
  // values on the bus while not valid are don't-cares: scramble them
  if (!top_->s_axil_awvalid) top_->s_axil_awaddr = static_cast<uint32_t>(rng_()) & (kWindow - 1);
  if (!top_->s_axil_wvalid) {
    top_->s_axil_wdata = static_cast<uint32_t>(rng_());
    top_->s_axil_wstrb = rng_() % 16;
  }
  if (!top_->s_axil_arvalid) top_->s_axil_araddr = static_cast<uint32_t>(rng_()) & (kWindow - 1);

  top_->clk_i = 0;
  top_->eval();
  host_model_comb();
  top_->eval();

  // handshakes and responses seen in this cycle
  bool aw_hs = top_->s_axil_awvalid && top_->s_axil_awready;
  bool w_hs = top_->s_axil_wvalid && top_->s_axil_wready;
  bool ar_hs = top_->s_axil_arvalid && top_->s_axil_arready;
  bool b_hs = top_->s_axil_bvalid && top_->s_axil_bready;
  bool r_hs = top_->s_axil_rvalid && top_->s_axil_rready;
  if (b_wait_ && (!top_->s_axil_bvalid || top_->s_axil_bresp != b_resp_))
    fail("B dropped or changed before bready");
  if (r_wait_ && (!top_->s_axil_rvalid || top_->s_axil_rresp != r_resp_ ||
                  top_->s_axil_rdata != r_data_))
    fail("R dropped or changed before rready");
  b_wait_ = top_->s_axil_bvalid && !top_->s_axil_bready;
  b_resp_ = top_->s_axil_bresp;
  r_wait_ = top_->s_axil_rvalid && !top_->s_axil_rready;
  r_resp_ = top_->s_axil_rresp;
  r_data_ = top_->s_axil_rdata;
  if (top_->s_axil_bvalid && !(wr_.active && wr_.aw_done && wr_.w_done))
    fail("B without a whole write outstanding");
  if (top_->s_axil_rvalid && !(rd_.active && rd_.addr_done)) fail("R without a read outstanding");

  if (aw_hs) wr_.aw_done = true;
  if (w_hs) wr_.w_done = true;
  if (ar_hs) rd_.addr_done = true;
  if (b_hs && wr_.active && wr_.aw_done && wr_.w_done) {
    bool ok = in_window(wr_.addr);
    uint8_t want = ok ? kOkay : kDecErr;
    if (top_->s_axil_bresp != want)
      fail("write 0x%05x strb %x: BRESP %u, want %u", wr_.addr, wr_.strb, top_->s_axil_bresp, want);
    if (ok) {
      uint32_t *w = ref_word(wr_.addr);
      for (int i = 0; i < 4; i++)
        if (wr_.strb >> i & 1) *w = (*w & ~(0xffu << 8 * i)) | (wr_.data & (0xffu << 8 * i));
    }
    wr_.active = false;
  }
  if (r_hs && rd_.active && rd_.addr_done) {
    bool ok = in_window(rd_.addr);
    uint8_t want = ok ? kOkay : kDecErr;
    uint32_t wd = ok ? *ref_word(rd_.addr) : 0;
    if (top_->s_axil_rresp != want || top_->s_axil_rdata != wd)
      fail("read 0x%05x: RRESP %u data 0x%08x, want %u 0x%08x", rd_.addr, top_->s_axil_rresp,
           top_->s_axil_rdata, want, wd);
    rd_.active = false;
  }

  top_->clk_i = 1;
  top_->eval();
  host_model_edge();
  cycles_++;

  if (wr_.active) {
    if (wr_.aw_delay) wr_.aw_delay--;
    if (wr_.w_delay) wr_.w_delay--;
    if (++wr_.age > kHangCycles) {
      fail("write 0x%05x unanswered after %u cycles (hang)", wr_.addr, kHangCycles);
      wr_.active = false;
    }
  }
  if (rd_.active) {
    if (rd_delay_) rd_delay_--;
    if (++rd_.age > kHangCycles) {
      fail("read 0x%05x unanswered after %u cycles (hang)", rd_.addr, kHangCycles);
      rd_.active = false;
    }
  }
}

int Bench::run(unsigned ops) {
  top_->clk_i = 0;
  top_->rst_ni = 0;
  top_->s_axil_awvalid = top_->s_axil_wvalid = top_->s_axil_arvalid = 0;
  top_->s_axil_bready = top_->s_axil_rready = 0;
  top_->h_ready_i = 0;
  top_->h_rdata_i = 0;
  for (int i = 0; i < 4; i++) {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }
  top_->rst_ni = 1;

  unsigned issued = 0;
  while ((issued < ops || wr_.active || rd_.active) && failures_ < 20) {
    if (issued < ops && !wr_.active && chance(40)) {
      new_write();
      issued++;
    }
    if (issued < ops && !rd_.active && chance(40)) {
      new_read();
      issued++;
    }
    cycle();
  }
  for (int i = 0; i < 8; i++) cycle();  // idle: nothing more on the host port
  if (top_->h_req_o) fail("host port request left after the last transaction");

  // the host model's memory is the reference's, word for word
  for (uint32_t i = 0; i < kRamBytes / 4; i++)
    if (ram_[i] != ref_ram_[i]) {
      fail("RAM word 0x%05x: host side 0x%08x, reference 0x%08x", i * 4, ram_[i], ref_ram_[i]);
      break;
    }
  for (uint32_t i = 0; i < 1024; i++)
    if (mbox_[i] != ref_mbox_[i]) {
      fail("mailbox word 0x%03x: host side 0x%08x, reference 0x%08x", i * 4, mbox_[i],
           ref_mbox_[i]);
      break;
    }
  if (h_accesses_ != expect_accesses_)
    fail("host port accesses %" PRIu64 ", expected %" PRIu64, h_accesses_, expect_accesses_);

  std::printf("tb_soc_host_axil: %u writes, %u reads (%u outside the window, %u without "
              "strobes, %u on the mailbox, %u with the other outstanding), %" PRIu64
              " host accesses, longest host wait %u, %" PRIu64 " cycles\n",
              writes_, reads_, bad_, nostrb_, mbox_ops_, overlap_, h_accesses_, max_h_wait_,
              cycles_);
  if (failures_) {
    std::printf("tb_soc_host_axil: FAIL (%d failures)\n", failures_);
    return 1;
  }
  std::printf("tb_soc_host_axil: PASS\n");
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  uint64_t seed = 1;
  unsigned ops = 20000;
  for (int i = 1; i < argc; i++) {
    if (!std::strncmp(argv[i], "+seed=", 6)) seed = std::strtoull(argv[i] + 6, nullptr, 0);
    else if (!std::strncmp(argv[i], "+ops=", 5)) ops = std::strtoul(argv[i] + 5, nullptr, 0);
    else if (argv[i][0] == '+') {
      std::fprintf(stderr, "tb_soc_host_axil: unknown option %s (+seed=N +ops=N)\n", argv[i]);
      return 2;
    }
  }
  Bench b(seed, argc, argv);
  return b.run(ops);
}
