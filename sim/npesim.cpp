// SPDX-License-Identifier: Apache-2.0
// npesim.cpp - libnpesim: a Verilated npe_top + AXI memory model behind the C
// API of npesim.h. Each build (npesim_build) is its own Verilated model
// (Vnpe_top, Vnpe_top_small, Vnpe_zynq_top); the harness exists once, as a
// template over the model class, and the C handle reaches it through a few
// virtual calls. One VerilatedContext per instance (no global state). The
// SoC (Vnpe_soc, NPESIM_BUILD_SOC) has no AXI ports (its memory is inside),
// so it has its own small harness: the host port, the host interrupt and the
// firmware's boot.
#include "npesim.h"

#include <elf.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "Vnpe_top.h"
#include "Vnpe_top_small.h"
#include "Vnpe_soc.h"
#include "Vnpe_zynq_top.h"
#include "axi_mem.h"
#include "npe_soc.h"
#include "npesim_xbar.h"
#include "verilated.h"
#include "verilated_fst_c.h"

// The small build's shape: the ENGINE_LITE parameters, given on the command
// line by mk/sim_lib.mk (NPESIM_SMALL_ROWS, _COLS, _A_BANK_WORDS,
// _B_BANK_WORDS, _OUT_GROUPS).
#ifndef NPESIM_SMALL_ROWS
#error "build npesim.cpp with the ENGINE_LITE shape (-DNPESIM_SMALL_ROWS=...)"
#endif

namespace {
constexpr uint32_t kStatusOffset = 0x024;  // STATUS; BUSY is bit 0

// The default build's shape: npe_top's parameter defaults.
constexpr npesim_info kFullShape = {4, 2, 1024, 32768, 32};  // (test_engine checks CAP_SPAD)
constexpr npesim_info kSmallShape = {NPESIM_SMALL_ROWS, NPESIM_SMALL_COLS,
                                     NPESIM_SMALL_A_BANK_WORDS, NPESIM_SMALL_B_BANK_WORDS,
                                     NPESIM_SMALL_OUT_GROUPS};
// The Zynq board top's shape (fpga/zynq/npe_zynq_top.v's defaults) and its
// HP port's longest burst (AXI3).
constexpr npesim_info kZynqShape = {2, 2, 1024, 4096, 32};
constexpr unsigned kZynqMaxBurst = 16;
// The SoC's engine (rtl/soc/npe_soc.sv's parameter defaults)
constexpr npesim_info kSocShape = {2, 2, 256, 512, 4};
// Host-port cycles the SoC may take for one access, and for the firmware's
// boot (about 1,300 cycles after CORE_RUN; docs/SOC.md), before giving up
constexpr int kSocPortPatience = 1000;
constexpr uint64_t kSocBootCycles = 2000000;

// Whether a model was Verilated with --trace-fst (it then has trace()): the
// default builds are not, for speed (docs/ARCHITECTURE.md, "Simulation speed"); `make TRACE=1`
// builds every model with tracing (mk/sim_lib.mk).
template <class T, class = void>
struct HasTrace : std::false_type {};
template <class T>
struct HasTrace<T, std::void_t<decltype(std::declval<T &>().trace(
                       static_cast<VerilatedFstC *>(nullptr), 0))>> : std::true_type {};
}  // namespace

// What every build shares: context, memory, trace, crossbar model, counts.
// The model is reached through the calls below (Harness<Top> implements
// them).
struct npesim {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<npe::AxiMem> mem;
  std::unique_ptr<VerilatedFstC> trace;
  NpesimXbar xb;  // the analog crossbar behind XBAR, when asked for
  npesim_info shape{};
  uint64_t cycles = 0;
  uint64_t mem_lo = 0, mem_hi = 0;

  // (the model is gone by now, the context goes next: leave the thread on
  // Verilator's default context, not on a freed one)
  virtual ~npesim() { Verilated::threadContextp(nullptr); }
  // Makes this simulator's context the thread's current one. Verilator's
  // runtime (a model's scopes erased at destruction, random reset values,
  // assertion failures) uses Verilated::threadContextp(), which is otherwise
  // the context made last: with two simulators, maybe one already freed.
  void use() const { Verilated::threadContextp(ctx.get()); }
  virtual void cycle() = 0;  // one full clock cycle
  virtual int csr_write(uint32_t off, uint32_t val) = 0;
  virtual int csr_read(uint32_t off, uint32_t *val) = 0;
  virtual bool irq() const = 0;
  virtual void final() = 0;  // the model's final blocks
  // The SoC's host port (NPESIM_BUILD_SOC only: the others have mem and
  // never get here); 0, or -1 outside the RAM and the mailbox or no answer
  bool soc = false;
  virtual int port_write(uint64_t, const uint8_t *, size_t) { return -1; }
  virtual int port_read(uint64_t, uint8_t *, size_t) { return -1; }
  virtual size_t port_errors() const { return 0; }
};

namespace {

template <class Top>
struct Harness final : npesim {
  std::unique_ptr<Top> top;

  ~Harness() override {
    use();
    top.reset();  // before the context (a base member), in its own context
  }

  // One full clock cycle: inputs from the memory model, settle, let the
  // model sample the master, rising edge.
  void cycle() override {
    use();
    const npe::AxiSlaveSignals &o = mem->out();
    top->m_axi_arready = o.arready;
    top->m_axi_rvalid = o.rvalid;
    top->m_axi_rid = o.rid;
    top->m_axi_rdata = o.rdata;
    top->m_axi_rresp = o.rresp;
    top->m_axi_rlast = o.rlast;
    top->m_axi_awready = o.awready;
    top->m_axi_wready = o.wready;
    top->m_axi_bvalid = o.bvalid;
    top->m_axi_bid = o.bid;
    top->m_axi_bresp = o.bresp;
    npesim_xbar_select(&xb);
    top->clk_i = 0;
    top->eval();
    if (trace) trace->dump(ctx->time());
    ctx->timeInc(1);
    npe::AxiMasterSignals m;
    m.arvalid = top->m_axi_arvalid;
    m.arid = top->m_axi_arid;
    m.araddr = top->m_axi_araddr;
    m.arlen = top->m_axi_arlen;
    m.arsize = top->m_axi_arsize;
    m.arburst = top->m_axi_arburst;
    m.rready = top->m_axi_rready;
    m.awvalid = top->m_axi_awvalid;
    m.awid = top->m_axi_awid;
    m.awaddr = top->m_axi_awaddr;
    m.awlen = top->m_axi_awlen;
    m.awsize = top->m_axi_awsize;
    m.awburst = top->m_axi_awburst;
    m.wvalid = top->m_axi_wvalid;
    m.wdata = top->m_axi_wdata;
    m.wstrb = top->m_axi_wstrb;
    m.wlast = top->m_axi_wlast;
    m.bready = top->m_axi_bready;
    // In reset the master's outputs are not yet defined (random start):
    // the bus is idle by definition.
    mem->tick(top->rst_ni ? m : npe::AxiMasterSignals());
    top->clk_i = 1;
    top->eval();
    if (trace) trace->dump(ctx->time());
    ctx->timeInc(1);
    cycles++;
  }

  int csr_write(uint32_t off, uint32_t val) override {
    if (off > 0xfff) return -1;
    use();
    Top *t = top.get();
    t->s_axil_awaddr = off;
    t->s_axil_awprot = 0;
    t->s_axil_wdata = val;
    t->s_axil_wstrb = 0xf;
    t->s_axil_awvalid = 1;
    t->s_axil_wvalid = 1;
    t->s_axil_bready = 1;
    bool aw_done = false, w_done = false;
    int resp = -1;
    for (int i = 0; i < 10000 && resp < 0; i++) {
      t->clk_i = 0;
      t->eval();
      bool aw = t->s_axil_awvalid && t->s_axil_awready;
      bool w = t->s_axil_wvalid && t->s_axil_wready;
      bool b = t->s_axil_bvalid;
      uint8_t bresp = t->s_axil_bresp;
      cycle();
      if (aw) aw_done = true, t->s_axil_awvalid = 0;
      if (w) w_done = true, t->s_axil_wvalid = 0;
      if (b && aw_done && w_done) resp = bresp;
    }
    t->s_axil_awvalid = t->s_axil_wvalid = 0;
    t->s_axil_bready = 0;
    if (resp == 0) xb.csr_written(off & ~3u, val);
    return resp == 0 ? 0 : 1;
  }

  int csr_read(uint32_t off, uint32_t *val) override {
    if (!val || off > 0xfff) return -1;
    use();
    Top *t = top.get();
    t->s_axil_araddr = off;
    t->s_axil_arprot = 0;
    t->s_axil_arvalid = 1;
    t->s_axil_rready = 1;
    bool ar_done = false;
    int resp = -1;
    uint32_t data = 0;
    for (int i = 0; i < 10000 && resp < 0; i++) {
      t->clk_i = 0;
      t->eval();
      bool ar = t->s_axil_arvalid && t->s_axil_arready;
      bool r = t->s_axil_rvalid;
      uint8_t rresp = t->s_axil_rresp;
      uint32_t rdata = t->s_axil_rdata;
      cycle();
      if (ar) ar_done = true, t->s_axil_arvalid = 0;
      if (r && ar_done) resp = rresp, data = rdata;
    }
    t->s_axil_arvalid = 0;
    t->s_axil_rready = 0;
    if (resp != 0) return 1;
    *val = data;
    return 0;
  }

  bool irq() const override { return top->irq_o; }
  void final() override {
    use();
    top->final();
  }
};

// A simulator of the build whose model is Top, with that build's shape.
template <class Top>
int create(const npesim_config *cfg, const npesim_info &shape, npesim **out,
           unsigned max_burst = 256) {
  auto s = std::make_unique<Harness<Top>>();
  s->shape = shape;
  if (cfg->xbar_analog) {
    npe_xbar_cfg c = *cfg->xbar_analog;
    c.rows = c.cols = 64, c.g_levels = 129, c.dac_bits = 9;  // as the jobs will set them
    if (npe_xbar_cfg_check(&c) != NPE_OK) return -1;
    s->xb.analog = true;
    s->xb.cfg = *cfg->xbar_analog;
  }
  s->ctx = std::make_unique<VerilatedContext>();
  s->ctx->randReset(cfg->random_reset ? 2 : 0);
  s->ctx->randSeed(static_cast<int>(cfg->seed & 0x7fffffff));
  if (cfg->trace_path) s->ctx->traceEverOn(true);
  s->top = std::make_unique<Top>(s->ctx.get(), "npe_top");
  npe::AxiMemConfig mc;
  mc.read_latency = cfg->read_latency ? cfg->read_latency : 100;
  mc.write_latency = cfg->write_latency ? cfg->write_latency : 20;
  mc.ready_pct = cfg->ready_pct ? cfg->ready_pct : 100;
  mc.valid_pct = cfg->valid_pct ? cfg->valid_pct : 100;
  mc.seed = cfg->seed ? cfg->seed : 1;
  mc.max_burst = max_burst;
  uint64_t size = cfg->mem_size ? cfg->mem_size : (256ull << 20);
  if (cfg->mem_ext) {
    if (!cfg->mem_size || cfg->mem_size % 8) return -1;
    mc.ext = static_cast<uint8_t *>(cfg->mem_ext);
    mc.ext_base = cfg->mem_base;
    mc.ext_size = cfg->mem_size;
  }
  s->mem = std::make_unique<npe::AxiMem>(mc);
  s->mem_lo = cfg->mem_base;
  s->mem_hi = cfg->mem_base + size;
  if (s->mem_hi < s->mem_lo) return -1;
  // Outside the memory: DECERR, like an interconnect with nothing there.
  if (s->mem_lo > 0) s->mem->add_error_range(0, s->mem_lo, npe::kAxiDecErr);
  if (s->mem_hi != 0) s->mem->add_error_range(s->mem_hi, ~0ull, npe::kAxiDecErr);
  if (cfg->trace_path) {
    if constexpr (HasTrace<Top>::value) {
      s->trace = std::make_unique<VerilatedFstC>();
      s->top->trace(s->trace.get(), 99);
      s->trace->open(cfg->trace_path);
      if (!s->trace->isOpen()) return -1;
    } else {
      std::fprintf(stderr,
                   "npesim: trace=%s: this libnpesim was built without waveform tracing "
                   "(rebuild with make TRACE=1)\n",
                   cfg->trace_path);
      return -1;
    }
  }
  // Reset: a few cycles low, then high.
  Top *t = s->top.get();
  t->rst_ni = 0;
  t->s_axil_awvalid = t->s_axil_wvalid = t->s_axil_arvalid = 0;
  t->s_axil_bready = t->s_axil_rready = 0;
  for (int i = 0; i < 4; i++) s->cycle();
  t->rst_ni = 1;
  s->cycle();
  *out = s.release();
  return 0;
}


// The SoC: one clock, the host port (the core's memory-port protocol: the
// request held until ready and through the ready cycle, as tb_soc drives it)
// and the host interrupt.
struct SocHarness final : npesim {
  std::unique_ptr<Vnpe_soc> top;
  uint64_t bus_errs = 0;

  ~SocHarness() override {
    use();
    top.reset();
  }

  void cycle() override {
    use();
    top->clk_i = 0;
    top->eval();
    if (trace) trace->dump(ctx->time());
    ctx->timeInc(1);
    top->clk_i = 1;
    top->eval();
    if (trace) trace->dump(ctx->time());
    ctx->timeInc(1);
    if (top->bus_err_o) bus_errs++;
    cycles++;
  }
  int csr_write(uint32_t, uint32_t) override { return -1; }  // the core's alone
  int csr_read(uint32_t, uint32_t *) override { return -1; }
  bool irq() const override { return top->host_irq_o; }
  void final() override {
    use();
    top->final();
  }

  // One word access on the host port; false when the SoC does not answer.
  bool access(bool we, uint32_t addr, uint32_t wdata, uint32_t strb, uint32_t *rdata) {
    top->h_req_i = 1;
    top->h_we_i = we;
    top->h_addr_i = addr;
    top->h_wdata_i = wdata;
    top->h_wstrb_i = we ? strb : 0;
    for (int n = 0;; n++) {
      cycle();
      if (top->h_ready_o) break;
      if (n > kSocPortPatience) {
        top->h_req_i = 0;
        return false;
      }
    }
    if (rdata) *rdata = top->h_rdata_o;
    cycle();
    top->h_req_i = 0;
    return true;
  }
  static bool mapped(uint64_t addr, size_t len) {
    auto inside = [&](uint64_t lo, uint64_t hi) {
      return addr >= lo && addr <= hi && len <= hi - addr;
    };
    return inside(NPE_SOC_RAM_BASE, NPE_SOC_RAM_BASE + (uint64_t)NPE_SOC_RAM_BYTES) ||
           inside(NPE_SOC_MBOX_BASE, NPE_SOC_MBOX_BASE + 0x1000ull);
  }
  // whole words; a partial first or last word with byte strobes
  int port_write(uint64_t addr, const uint8_t *p, size_t n) override {
    if (!mapped(addr, n)) return -1;
    for (size_t i = 0; i < n;) {
      uint32_t a = (uint32_t)(addr + i), v = 0, strb = 0;
      for (uint32_t b = a & 3u; b < 4 && i < n; b++, i++) {
        v |= (uint32_t)p[i] << (8 * b);
        strb |= 1u << b;
      }
      if (!access(true, a & ~3u, v, strb, nullptr)) return -1;
    }
    return 0;
  }
  int port_read(uint64_t addr, uint8_t *p, size_t n) override {
    if (!mapped(addr, n)) return -1;
    for (size_t i = 0; i < n;) {
      uint32_t a = (uint32_t)(addr + i), w;
      if (!access(false, a & ~3u, 0, 0, &w)) return -1;
      for (uint32_t b = a & 3u; b < 4 && i < n; b++, i++) p[i] = (uint8_t)(w >> (8 * b));
    }
    return 0;
  }
  size_t port_errors() const override { return bus_errs; }

  uint32_t rd(uint32_t a) {
    uint32_t v = 0;
    return access(false, a, 0, 0, &v) ? v : 0;
  }
  bool wr(uint32_t a, uint32_t v) { return access(true, a, v, 0xf, nullptr); }

  // The ELF's loadable segments through the host port (as tb_soc loads it)
  bool load_elf(const char *path) {
    FILE *f = std::fopen(path, "rb");
    if (!f) return false;
    std::string img;
    char buf[65536];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) img.append(buf, got);
    std::fclose(f);
    Elf32_Ehdr eh;
    if (img.size() < sizeof eh) return false;
    std::memcpy(&eh, img.data(), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS32 ||
        eh.e_machine != EM_RISCV)
      return false;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
      Elf32_Phdr ph;
      uint64_t at = eh.e_phoff + (uint64_t)i * eh.e_phentsize;
      if (at + sizeof ph > img.size()) return false;
      std::memcpy(&ph, img.data() + at, sizeof ph);
      if (ph.p_type != PT_LOAD || !ph.p_filesz) continue;
      if ((uint64_t)ph.p_paddr + ph.p_memsz > NPE_SOC_RAM_BYTES || ph.p_paddr < NPE_SOC_FW_BASE ||
          (uint64_t)ph.p_offset + ph.p_filesz > img.size())
        return false;
      if (port_write(ph.p_paddr, reinterpret_cast<const uint8_t *>(img.data()) + ph.p_offset,
                     ph.p_filesz))
        return false;
    }
    return true;
  }
};

// (a template, so that the trace branch of a model without trace() is
// discarded)
template <class Top>
int create_soc(const npesim_config *cfg, npesim **out) {
  auto s = std::make_unique<SocHarness>();
  s->soc = true;
  s->shape = kSocShape;
  s->ctx = std::make_unique<VerilatedContext>();
  s->ctx->randReset(cfg->random_reset ? 2 : 0);
  s->ctx->randSeed(static_cast<int>(cfg->seed & 0x7fffffff));
  if (cfg->trace_path) s->ctx->traceEverOn(true);
  s->top = std::make_unique<Vnpe_soc>(s->ctx.get(), "npe_soc");
  if (cfg->trace_path) {
    if constexpr (HasTrace<Top>::value) {
      s->trace = std::make_unique<VerilatedFstC>();
      Top *tp = s->top.get();  // (dependent: checked only when Top has trace())
      tp->trace(s->trace.get(), 99);
      s->trace->open(cfg->trace_path);
      if (!s->trace->isOpen()) return -1;
    } else {
      std::fprintf(stderr,
                   "npesim: trace=%s: this libnpesim's SoC model was built without waveform "
                   "tracing\n",
                   cfg->trace_path);
      return -1;
    }
  }
  Vnpe_soc *t = s->top.get();
  t->rst_ni = 0;
  t->h_req_i = 0;
  for (int i = 0; i < 5; i++) s->cycle();
  t->rst_ni = 1;
  s->cycle();
  const uint32_t mb = NPE_SOC_MBOX_BASE;
  if (s->rd(mb + NPE_MBOX_ID) != NPE_MBOX_ID_VALUE) return -1;
  if (cfg->soc_no_boot) {  // the caller boots it through the host port
    *out = s.release();
    return 0;
  }
  if (!s->load_elf(cfg->firmware ? cfg->firmware : NPESIM_SOC_FIRMWARE_DEFAULT)) {
    std::fprintf(stderr, "npesim: cannot load the SoC firmware %s (make firmware builds it)\n",
                 cfg->firmware ? cfg->firmware : NPESIM_SOC_FIRMWARE_DEFAULT);
    return -1;
  }
  if (!s->wr(mb + NPE_MBOX_HOST_IRQ_EN, 1) || !s->wr(mb + NPE_MBOX_CORE_CTRL, 1)) return -1;
  const uint64_t t0 = s->cycles;
  while (s->rd(mb + NPE_MBOX_RSP(7)) != NPE_SOC_FW_READY) {
    if (s->cycles - t0 > kSocBootCycles) {
      std::fprintf(stderr, "npesim: the SoC firmware did not come up\n");
      return -1;
    }
    for (int i = 0; i < 64; i++) s->cycle();
  }
  *out = s.release();
  return 0;
}

}  // namespace

extern "C" {

int npesim_create(const npesim_config *cfg, npesim **out) {
  if (!cfg || !out) return -1;
  if (cfg->ready_pct > 100 || cfg->valid_pct > 100) return -1;
  switch (cfg->build) {
    case NPESIM_BUILD_FULL: return create<Vnpe_top>(cfg, kFullShape, out);
    case NPESIM_BUILD_SMALL: return create<Vnpe_top_small>(cfg, kSmallShape, out);
    case NPESIM_BUILD_ZYNQ: return create<Vnpe_zynq_top>(cfg, kZynqShape, out, kZynqMaxBurst);
    case NPESIM_BUILD_SOC: return create_soc<Vnpe_soc>(cfg, out);
  }
  return -1;
}

void npesim_destroy(npesim *s) {
  if (!s) return;
  s->use();  // the trace and the model go in their own context (npesim::use)
  if (s->trace) s->trace->close();
  s->final();
  delete s;
}

int npesim_csr_write(npesim *s, uint32_t off, uint32_t val) {
  return s ? s->csr_write(off, val) : -1;
}

int npesim_csr_read(npesim *s, uint32_t off, uint32_t *val) {
  return s ? s->csr_read(off, val) : -1;
}

static bool in_mem(const npesim *s, uint64_t addr, size_t len) {
  if (s->soc) return false;
  return addr >= s->mem_lo && len <= s->mem_hi - s->mem_lo &&
         addr - s->mem_lo <= s->mem_hi - s->mem_lo - len;
}

int npesim_mem_write(npesim *s, uint64_t addr, const void *src, size_t len) {
  if (s && s->soc) return (len && !src) ? -1 : s->port_write(addr, static_cast<const uint8_t *>(src), len);
  if (!s || (len && !src) || !in_mem(s, addr, len)) return -1;
  const uint8_t *p = static_cast<const uint8_t *>(src);
  size_t i = 0;
  while (i < len) {
    uint64_t a = addr + i, base = a & ~7ull;
    unsigned lo = static_cast<unsigned>(a - base);
    if (lo == 0 && len - i >= 8) {
      uint64_t v;
      std::memcpy(&v, p + i, 8);
      s->mem->poke64(base, v);
      i += 8;
      continue;
    }
    uint64_t w = s->mem->peek64(base);
    for (unsigned b = lo; b < 8 && i < len; b++, i++) {
      w &= ~(0xffull << (8 * b));
      w |= static_cast<uint64_t>(p[i]) << (8 * b);
    }
    s->mem->poke64(base, w);
  }
  return 0;
}

int npesim_mem_read(npesim *s, uint64_t addr, void *dst, size_t len) {
  if (s && s->soc) return (len && !dst) ? -1 : s->port_read(addr, static_cast<uint8_t *>(dst), len);
  if (!s || (len && !dst) || !in_mem(s, addr, len)) return -1;
  uint8_t *p = static_cast<uint8_t *>(dst);
  for (size_t i = 0; i < len; i++) p[i] = s->mem->peek8(addr + i);
  return 0;
}

void npesim_step(npesim *s, uint64_t cycles) {
  if (!s) return;
  for (uint64_t i = 0; i < cycles; i++) s->cycle();
}

int npesim_run_until_idle(npesim *s, uint64_t max_cycles) {
  if (!s || s->soc) return -1;
  uint64_t start = s->cycles;
  for (;;) {
    uint32_t st = 0;
    if (npesim_csr_read(s, kStatusOffset, &st) == 0 && !(st & 1u)) return 0;
    if (s->cycles - start >= max_cycles) return 1;
    npesim_step(s, 64);
  }
}

int npesim_wait_irq(npesim *s, uint64_t max_cycles) {
  if (!s) return -1;
  for (uint64_t i = 0; i < max_cycles; i++) {
    if (s->irq()) return 0;
    s->cycle();
  }
  return s->irq() ? 0 : 1;
}

int npesim_irq(const npesim *s) { return s && s->irq(); }

uint64_t npesim_cycles(const npesim *s) { return s ? s->cycles : 0; }

size_t npesim_axi_errors(const npesim *s, char *buf, size_t cap) {
  if (!s) return 0;
  if (s->soc) {
    size_t n = s->port_errors();
    if (buf && cap)
      std::snprintf(buf, cap, "%s", n ? "an access to an unmapped SoC address (bus_err_o)" : "");
    return n;
  }
  const auto &e = s->mem->errors();
  if (buf && cap) {
    std::string first = e.empty() ? std::string() : e.front();
    std::snprintf(buf, cap, "%s", first.c_str());
  }
  return e.size();
}

int npesim_inject_error(npesim *s, uint64_t lo, uint64_t hi, unsigned resp) {
  if (!s || s->soc || hi <= lo || (resp != 2 && resp != 3)) return -1;
  s->mem->add_error_range(lo, hi, static_cast<uint8_t>(resp));
  return 0;
}

void npesim_get_info(const npesim *s, npesim_info *info) {
  if (!s || !info) return;
  *info = s->shape;
}

}  // extern "C"
