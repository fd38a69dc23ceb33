// SPDX-License-Identifier: Apache-2.0
// tb_soc: the Verilated SoC (rtl/soc/npe_soc.sv) running the real firmware
// ELF (firmware/npe_fw_main.c), driven as the host would drive it: the ELF
// written into the on-chip RAM through the host port, the core released
// (CORE_CTRL), then requests through the mailbox (include/npe_soc.h) with
// the doorbell, the answer awaited on the host interrupt. Checks:
//   * PING answers with the engine's CAP registers;
//   * random matmuls in every format pair the engine takes (M = 1 mat-vecs
//     among them), binary32 and 16-bit outputs, each C bit-exact against the
//     golden model (npe_golden_matmul_f32 / _fmt), nothing written outside C;
//   * matmuls whose K is 2 to 3 times the scratchpads' limit (K tiles in
//     the firmware, FLAGS.KEEP / ACCUM), every format pair, M = 1, ternary
//     B as Sherry codes and as 2-bit codes, each bit-exact against the
//     golden model, with the plan the firmware reports (RSP_10: K tiles,
//     Sherry, mat-vec) checked against this bench's own arithmetic;
//   * malformed requests (opcode, formats, pairs, dims, addresses outside the
//     host window or misaligned, an arena overflow, bad patterns) answered
//     with their status, and a good request after each one still runs
//     (nothing hangs).
// Usage: tb_soc [+seed=S] [+n=N] [+quiet] [+no_bad] [+no_ktile] [+no_recur] [+no_contend] [+profile]
//               [+bench] [+poll] [+stop_first] FIRMWARE.elf
// (+stop_first: end the run, exit 1, at the first job after a mismatch)
// (+poll: the firmware polls the engine, NPE_FW_POLL: no interrupts expected)
// (+no_contend: the host only waits while the firmware works; by default it
// reads RAM and the mailbox during half the requests)
// (+profile writes tb_soc_profile.txt: per PC, the instructions retired there
// and the cycles since the previous retirement, summed)
// Exit 0 when everything matched; a mismatch prints "MISMATCH ...".
// Built with -DTB_SOC_ZYNQ (make zynq-soc-test) the model is the PYNQ-Z2
// board top (fpga/zynq/npe_soc_zynq_top.v) and every host access goes
// through its AXI4-Lite slave (the RAM at window offset 0, the mailbox at
// 0x2_0000; any response but OKAY fails); bus errors are its sticky LED,
// and the board top has no console or retire trace.
#include <elf.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#ifdef TB_SOC_ZYNQ
#include "Vnpe_soc_zynq_top.h"
typedef Vnpe_soc_zynq_top Top;
#else
#include "Vnpe_soc.h"
typedef Vnpe_soc Top;
#endif
#include "npe_format.h"
#include "npe_recur.h"
#include "npe_soc.h"
#include "verilated.h"

namespace {

Top *top;
uint64_t cycles;
uint64_t bus_errs;
bool quiet;
bool contend = true;
std::string console;
uint64_t instret;
bool profile;
std::map<uint32_t, uint64_t> pc_hist;    // retirements per PC
std::map<uint32_t, uint64_t> pc_cycles;  // cycles up to each retirement, per PC
#ifndef TB_SOC_ZYNQ
uint64_t since_retire;  // (the board top has no retire trace)
#endif

void tick() {
  top->clk_i = 0;
  top->eval();
  top->clk_i = 1;
  top->eval();
  cycles++;
#ifndef TB_SOC_ZYNQ
  if (top->cons_valid_o) {
    console.push_back((char)top->cons_data_o);
    if (top->cons_data_o == '\n') {
      if (!quiet) printf("firmware: %s", console.c_str());
      console.clear();
    }
  }
  if (top->bus_err_o) bus_errs++;
  since_retire++;
  if (top->retire_valid_o) {
    instret++;
    if (profile) {
      pc_hist[top->retire_pc_o]++;
      pc_cycles[top->retire_pc_o] += since_retire;
    }
    since_retire = 0;
  }
#endif
}

[[noreturn]] void fail(const char *what) {
  printf("tb_soc: FAIL: %s (cycle %llu)\n", what, (unsigned long long)cycles);
  exit(1);
}

// One access on the host port: the request held until ready, and through
// the ready cycle (the port's protocol, the core's).
#ifdef TB_SOC_ZYNQ
// The same access through the board top's AXI4-Lite slave: AW and W
// together (each dropped once taken), B; or AR, R. The window: the RAM at
// its own address, the mailbox at 0x2_0000.
uint32_t host_access(bool we, uint32_t addr, uint32_t wdata, uint32_t strb) {
  uint32_t off = (addr & 0xffff0000u) == NPE_SOC_MBOX_BASE ? 0x20000u | (addr & 0xfffu) : addr;
  bool a_done = false, w_done = !we;
  uint32_t r = 0;
  top->s_axil_awaddr = off;
  top->s_axil_araddr = off;
  top->s_axil_wdata = wdata;
  top->s_axil_wstrb = strb;
  top->s_axil_awvalid = we;
  top->s_axil_wvalid = we;
  top->s_axil_arvalid = !we;
  top->s_axil_bready = 1;
  top->s_axil_rready = 1;
  for (int n = 0;; n++) {
    top->eval();
    bool a_hs = we ? top->s_axil_awvalid && top->s_axil_awready
                   : top->s_axil_arvalid && top->s_axil_arready;
    bool w_hs = top->s_axil_wvalid && top->s_axil_wready;
    bool resp = we ? top->s_axil_bvalid : top->s_axil_rvalid;
    unsigned code = we ? top->s_axil_bresp : top->s_axil_rresp;
    r = top->s_axil_rdata;
    tick();
    if (a_hs) {
      a_done = true;
      top->s_axil_awvalid = 0;
      top->s_axil_arvalid = 0;
    }
    if (w_hs) {
      w_done = true;
      top->s_axil_wvalid = 0;
    }
    if (resp) {
      if (!a_done || !w_done) fail("an AXI response before its request was taken");
      if (code != 0) fail("an AXI error response from the host window");
      break;
    }
    if (n > 1000) fail("the AXI4-Lite slave does not answer");
  }
  top->s_axil_bready = 0;
  top->s_axil_rready = 0;
  return r;
}
#else
uint32_t host_access(bool we, uint32_t addr, uint32_t wdata, uint32_t strb) {
  top->h_req_i = 1;
  top->h_we_i = we;
  top->h_addr_i = addr;
  top->h_wdata_i = wdata;
  top->h_wstrb_i = we ? strb : 0;
  for (int n = 0;; n++) {
    tick();
    if (top->h_ready_o) break;
    if (n > 1000) fail("the host port does not answer");
  }
  uint32_t r = top->h_rdata_o;
  tick();
  top->h_req_i = 0;
  return r;
}
#endif
uint32_t rd(uint32_t a) { return host_access(false, a, 0, 0); }
void wr(uint32_t a, uint32_t v) { host_access(true, a, v, 0xf); }

void write_bytes(uint32_t addr, const uint8_t *p, size_t n) {
  // whole words; a partial first or last word with byte strobes
  size_t i = 0;
  while (i < n) {
    uint32_t a = (uint32_t)(addr + i), w = a & ~3u, v = 0, strb = 0;
    for (uint32_t b = a & 3u; b < 4 && i < n; b++, i++) {
      v |= (uint32_t)p[i] << (8 * b);
      strb |= 1u << b;
    }
    host_access(true, w, v, strb);
  }
}
void read_bytes(uint32_t addr, uint8_t *p, size_t n) {
  for (size_t i = 0; i < n;) {
    uint32_t a = (uint32_t)(addr + i), w = rd(a & ~3u);
    for (uint32_t b = a & 3u; b < 4 && i < n; b++, i++) p[i] = (uint8_t)(w >> (8 * b));
  }
}

void load_elf(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) fail("cannot open the ELF");
  std::vector<uint8_t> img;
  uint8_t buf[65536];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0) img.insert(img.end(), buf, buf + got);
  fclose(f);
  if (img.size() < sizeof(Elf32_Ehdr)) fail("not an ELF");
  Elf32_Ehdr eh;
  memcpy(&eh, img.data(), sizeof eh);
  if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS32 ||
      eh.e_machine != EM_RISCV)
    fail("not an RV32 ELF");
  for (int i = 0; i < eh.e_phnum; i++) {
    Elf32_Phdr ph;
    memcpy(&ph, img.data() + eh.e_phoff + (size_t)i * eh.e_phentsize, sizeof ph);
    if (ph.p_type != PT_LOAD || !ph.p_filesz) continue;
    if (ph.p_paddr + ph.p_memsz > NPE_SOC_RAM_BYTES || ph.p_paddr < NPE_SOC_FW_BASE)
      fail("the ELF does not fit the firmware's RAM");
    write_bytes(ph.p_paddr, img.data() + ph.p_offset, ph.p_filesz);
  }
}

uint64_t rng_state;
uint64_t rng() {
  rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
  return rng_state;
}
uint32_t rnd(uint32_t lo, uint32_t hi) { return lo + (uint32_t)(rng() % (hi - lo + 1)); }

uint32_t random_pattern(npe_fmt f) {
  uint32_t w = npe_fmt_bits(f);
  for (;;) {
    uint32_t p = (uint32_t)(rng() >> 20) & ((1u << w) - 1u);
    double v;
    if (npe_decode(f, p, &v) == NPE_OK) return p;
  }
}

struct Rsp {
  uint32_t w[11];  // RSP_0..10 (8: engine interrupts taken, 9: AXI4-Lite reads, 10: the plan)
  uint64_t host_cycles;  // doorbell to the host interrupt
};

Rsp request(const uint32_t req[8], uint64_t max_cycles = 50000000) {
  for (uint32_t i = 0; i < 8; i++) wr(NPE_SOC_MBOX_BASE + NPE_MBOX_REQ(i), req[i]);
  wr(NPE_SOC_MBOX_BASE + NPE_MBOX_DOORBELL, 1);
  uint64_t t0 = cycles;
  // Half the requests: the host keeps the RAM and mailbox busy while the
  // firmware works (reads of the host window, the firmware's image and the
  // FLAGS), so the core meets the arbiter's turns on every access.
  // (its own random stream: the jobs depend on the seed alone, not on how
  // many reads fit into a run)
  static uint64_t cs = 0x2545f4914f6cdd1dull;
  auto crng = [] { cs ^= cs << 13, cs ^= cs >> 7, cs ^= cs << 17; return cs; };
  bool busy_host = contend && (crng() & 1);
  while (!top->host_irq_o) {
    if (busy_host) {
      uint32_t sel = (uint32_t)(crng() % 4);
      if (sel == 0) (void)rd(NPE_SOC_MBOX_BASE + NPE_MBOX_FLAGS);
      else (void)rd((uint32_t)(crng() % NPE_SOC_RAM_BYTES) & ~3u);
    } else {
      tick();
    }
    if (cycles - t0 > max_cycles) fail("no answer to a request (the firmware hangs)");
  }
  Rsp r;
  r.host_cycles = cycles - t0;
  for (uint32_t i = 0; i < 11; i++) r.w[i] = rd(NPE_SOC_MBOX_BASE + NPE_MBOX_RSP(i));
  wr(NPE_SOC_MBOX_BASE + NPE_MBOX_DONE, 0);
  if (rd(NPE_SOC_MBOX_BASE + NPE_MBOX_FLAGS) & NPE_MBOX_FLAG_DONE) fail("DONE did not clear");
  if (r.w[1] != req[7]) fail("the response's tag is not the request's");
  return r;
}

const npe_fmt kPairs[][2] = {
  {NPE_FMT_FP4, NPE_FMT_FP4},         {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
  {NPE_FMT_POSIT8, NPE_FMT_POSIT8},   {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
  {NPE_FMT_INT8, NPE_FMT_INT8},       {NPE_FMT_INT8, NPE_FMT_TERNARY},
};
const unsigned kNumPairs = sizeof kPairs / sizeof kPairs[0];

uint32_t tag_counter = 0x100;
unsigned bad_checks, bad_fails;
struct RecurStats { uint64_t reqs, elems, descs, busy, fw_cycles, irqs; } rstats;
uint32_t recur_mismatches;
uint32_t one_recur[4];  // +recur=T,H,H0,ALL: that one sequence instead of the list
uint32_t run_recur(uint32_t T, uint32_t H, bool h0, bool all);
Rsp last_rsp;
uint32_t mismatches;
// +stop_first: the planted-bug runs (soc_must_mismatch in mk/soc.mk) need
// one mismatch, not all of them: the next job after one ends the run.
bool stop_first;

void stop_if_failed() {
  if (!stop_first || !(mismatches || recur_mismatches)) return;
  printf("tb_soc: +stop_first: stopping after the first mismatch\n");
  exit(1);
}

struct Stats {
  uint64_t reqs, macs, fw_cycles, eng_busy, host_cycles, descs, irqs, axil_reads;
} stats;
bool poll_fw;  // +poll: the firmware polls (NPE_FW_POLL), so it takes no engine interrupt

// Writes pattern arrays to the host window and runs C = A x B^T through the
// firmware; checks C bit-exact against the golden model. Returns the status.
// sparse_b: ternary B 3:4 sparse (exactly one zero in every group of 4
// along K, none in a last partial group), so it can travel as Sherry codes;
// req_bits: ORed into REQ_0 (NPE_SOC_MM_NO_SHERRY).
uint32_t run_matmul(npe_fmt fa, npe_fmt fb, npe_fmt fo, bool fp32, uint32_t m, uint32_t n,
                    uint32_t k, bool check = true, bool sparse_b = false,
                    uint32_t req_bits = 0) {
  stop_if_failed();
  size_t eba = npe_fmt_elem_bytes(fa), ebb = npe_fmt_elem_bytes(fb), ebc = fp32 ? 4 : 2;
  std::vector<uint8_t> a(m * k * eba), b(n * k * ebb);
  npe_pats_out pa = eba == 2 ? npe_pats_out_u16(fa, (uint16_t *)a.data()) : npe_pats_out_u8(fa, a.data());
  npe_pats_out pb = ebb == 2 ? npe_pats_out_u16(fb, (uint16_t *)b.data()) : npe_pats_out_u8(fb, b.data());
  for (size_t i = 0; i < (size_t)m * k; i++) npe_pats_set(pa, i, random_pattern(fa));
  for (size_t i = 0; i < (size_t)n * k; i++) npe_pats_set(pb, i, random_pattern(fb));
  if (sparse_b && fb == NPE_FMT_TERNARY)
    for (size_t r = 0; r < n; r++)
      for (size_t g = 0; g + 4 <= k; g += 4) {
        uint32_t z = rnd(0, 3);
        for (uint32_t i = 0; i < 4; i++)
          b[r * k + g + i] = i == z ? 0 : (rng() & 1) ? 1 : 3; // 0, +1, -1 (0b11)
      }
  if (sparse_b && fb == NPE_FMT_TERNARY) // a last partial group: no zero (the padding has it)
    for (size_t r = 0; r < n; r++)
      for (size_t i = k / 4 * 4; i < k; i++) b[r * k + i] = (rng() & 1) ? 1 : 3;
  uint32_t addr_a = NPE_SOC_HOST_WIN_BASE + 8 * rnd(0, 4);
  uint32_t addr_b = (uint32_t)((addr_a + a.size() + 7) & ~7u) + 8 * rnd(0, 4);
  uint32_t addr_c = (uint32_t)((addr_b + b.size() + 7) & ~7u) + 8 * rnd(1, 4);
  size_t c_bytes = (size_t)m * n * ebc;
  if (addr_c + c_bytes + 16 > NPE_SOC_HOST_WIN_END) fail("test job too large for the host window");
  write_bytes(addr_a, a.data(), a.size());
  write_bytes(addr_b, b.data(), b.size());
  // C and 8 bytes either side filled with a marker: nothing outside C may change
  std::vector<uint8_t> fill(c_bytes + 16, 0xa5);
  write_bytes(addr_c - 8, fill.data(), fill.size());
  uint32_t req[8] = {NPE_SOC_REQ0(NPE_SOC_OP_MATMUL, fa, fb, fo, fp32) | req_bits, m, n, k,
                     addr_a, addr_b, addr_c, tag_counter++};
  Rsp r = request(req);
  last_rsp = r;
  if (r.w[0] != NPE_SOC_ST_OK || !check) return r.w[0];
  stats.reqs++;
  stats.macs += (uint64_t)m * n * k;
  stats.fw_cycles += r.w[3];
  stats.eng_busy += r.w[2];
  stats.host_cycles += r.host_cycles;
  stats.descs += r.w[4];
  stats.irqs += r.w[8];
  stats.axil_reads += r.w[9];
  std::vector<uint8_t> got(c_bytes + 16);
  read_bytes(addr_c - 8, got.data(), got.size());
  for (int i = 0; i < 8; i++)
    if (got[i] != 0xa5 || got[c_bytes + 8 + i] != 0xa5) {
      printf("MISMATCH: a byte beside C changed (%s x %s M=%u N=%u K=%u)\n", npe_fmt_name(fa),
             npe_fmt_name(fb), m, n, k);
      mismatches++;
      return r.w[0];
    }
  std::vector<float> gf;
  std::vector<uint16_t> gp;
  npe_pats ca = npe_pats_of(pa), cb = npe_pats_of(pb);
  int rc;
  if (fp32) {
    gf.resize((size_t)m * n);
    rc = npe_golden_matmul_f32(ca, k, cb, k, m, n, k, 1.0f, gf.data(), n);
  } else {
    gp.resize((size_t)m * n);
    npe_pats_out go = npe_fmt_elem_bytes(fo) == 2 ? npe_pats_out_u16(fo, gp.data())
                                                 : npe_pats_out_u8(fo, (uint8_t *)nullptr);
    // 16-bit patterns of any output format: compute into u8 or u16 as the format needs
    std::vector<uint8_t> g8;
    if (npe_fmt_elem_bytes(fo) == 1) {
      g8.resize((size_t)m * n);
      go = npe_pats_out_u8(fo, g8.data());
    }
    rc = npe_golden_matmul_fmt(ca, k, cb, k, m, n, k, go, n);
    if (!g8.empty())
      for (size_t i = 0; i < g8.size(); i++) gp[i] = g8[i];
  }
  if (rc != NPE_OK) fail("the golden model refused the job");
  unsigned bad = 0;
  for (uint32_t i = 0; i < m; i++)
    for (uint32_t j = 0; j < n; j++) {
      const uint8_t *cell = &got[8 + ((size_t)i * n + j) * ebc];
      uint32_t g = fp32 ? (uint32_t)cell[0] | cell[1] << 8 | cell[2] << 16 | (uint32_t)cell[3] << 24
                        : (uint32_t)(cell[0] | cell[1] << 8);
      uint32_t want;
      if (fp32) memcpy(&want, &gf[(size_t)i * n + j], 4);
      else want = gp[(size_t)i * n + j];
      if (g != want && bad++ < 3)
        printf("MISMATCH: %s x %s -> %s M=%u N=%u K=%u: C[%u][%u] = %08x, golden %08x\n",
               npe_fmt_name(fa), npe_fmt_name(fb), fp32 ? "f32" : npe_fmt_name(fo), m, n, k, i,
               j, g, want);
    }
  if (bad) mismatches++;
  else if (!quiet)
    printf("ok   %-7s x %-7s -> %-7s M=%-3u N=%-3u K=%-4u  descs %-4u engine busy %-7u "
           "firmware %-8u cycles (run at %u, gather at %u)\n",
           npe_fmt_name(fa), npe_fmt_name(fb), fp32 ? "f32" : npe_fmt_name(fo), m, n, k, r.w[4],
           r.w[2], r.w[3], r.w[5], r.w[6]);
  return r.w[0];
}

// The largest K one MATMUL takes on this SoC's engine (2 x 2 PEs, A banks
// of 256 and B banks of 512 64-bit words, from PING's CAP_SPAD): a bank's
// bits over the element's bits, the smaller of A's and B's; this bench's
// own arithmetic, to check the firmware's K tiles against.
uint32_t soc_max_k(npe_fmt fa, npe_fmt fb) {
  auto bits = [](npe_fmt f) -> uint32_t {
    return f == NPE_FMT_TERNARY ? 2 : f == NPE_FMT_POSIT16 ? 16 : f == NPE_FMT_INT8 || f == NPE_FMT_POSIT8 ? 8 : 4;
  };
  uint32_t ka = 256 * 64 / bits(fa), kb = 512 * 64 / bits(fb);
  return ka < kb ? ka : kb;
}

struct KtileStats { uint32_t jobs, sherry, matvec, tiles; } kstats;

// One K-tiled matmul: bit-exact (run_matmul), and the firmware's plan
// (RSP_10) as expected: ceil(K / max_k) K tiles, Sherry B or not, a mat-vec
// or not (want_matvec -1: either).
void run_ktile(npe_fmt fa, npe_fmt fb, npe_fmt fo, bool fp32, uint32_t m, uint32_t n, uint32_t k,
               bool sparse_b, uint32_t req_bits, bool want_sherry, int want_matvec) {
  uint32_t before = mismatches;
  uint32_t st = run_matmul(fa, fb, fo, fp32, m, n, k, true, sparse_b, req_bits);
  const char *fon = fp32 ? "f32" : npe_fmt_name(fo);
  if (st != NPE_SOC_ST_OK) {
    printf("MISMATCH: K tiles %s x %s -> %s M=%u N=%u K=%u: status %u (RSP_5 %08x)\n",
           npe_fmt_name(fa), npe_fmt_name(fb), fon, m, n, k, st, last_rsp.w[5]);
    mismatches++;
    return;
  }
  uint32_t plan = last_rsp.w[10], mk = soc_max_k(fa, fb);
  uint32_t want_tiles = (k + mk - 1) / mk;
  bool sh = plan & NPE_SOC_PLAN_SHERRY, mv = plan & NPE_SOC_PLAN_MATVEC;
  if (NPE_SOC_PLAN_K_TILES(plan) != want_tiles || sh != want_sherry ||
      (want_matvec >= 0 && mv != (want_matvec != 0))) {
    printf("MISMATCH: K tiles %s x %s -> %s M=%u N=%u K=%u: plan %u K tiles%s%s, expected %u%s%s\n",
           npe_fmt_name(fa), npe_fmt_name(fb), fon, m, n, k, NPE_SOC_PLAN_K_TILES(plan),
           sh ? " Sherry" : "", mv ? " mat-vec" : "", want_tiles, want_sherry ? " Sherry" : "",
           want_matvec > 0 ? " mat-vec" : "");
    mismatches++;
    return;
  }
  if (mismatches != before) return;
  kstats.jobs++;
  kstats.sherry += sh;
  kstats.matvec += mv;
  kstats.tiles += want_tiles;
  if (!quiet)
    printf("ok   K tiles %-7s x %-7s -> %-7s M=%u N=%u K=%-5u (%.2f x max %u): %u K tiles%s%s, "
           "descs %u, firmware %u cycles\n",
           npe_fmt_name(fa), npe_fmt_name(fb), fon, m, n, k, (double)k / mk, mk, want_tiles,
           sh ? ", Sherry B" : "", mv ? ", mat-vec" : "", last_rsp.w[4], last_rsp.w[3]);
}

// K 2 to 3 times the scratchpads' limit, in every format pair (the host
// window of 32,512 bytes bounds (M + N) K): fixed cases, then one random
// shape per pair.
void ktile_jobs(unsigned n_random) {
  const npe_fmt I8 = NPE_FMT_INT8, TE = NPE_FMT_TERNARY, F4 = NPE_FMT_FP4, P4 = NPE_FMT_POSIT4,
                P8 = NPE_FMT_POSIT8, P16 = NPE_FMT_POSIT16;
  // int8: 2x, plain rows (M = 2)
  run_ktile(I8, I8, I8, true, 2, 2, 4096, false, 0, false, 0);
  // int8, M = 1, 3x: the mat-vec's B rows (a 64-bit word per PE word) do
  // not fit a B bank, so the plain plan
  run_ktile(I8, I8, P8, false, 1, 2, 6144, false, 0, false, 0);
  // fp4 2x, posit4 2x + 8, posit8 2x + 5 (three tiles), posit16 3x
  run_ktile(F4, F4, F4, true, 1, 1, 8192, false, 0, false, 0);
  run_ktile(P4, P4, P16, false, 1, 1, 8200, false, 0, false, 0);
  run_ktile(P8, P8, P8, true, 2, 2, 4101, false, 0, false, 0);
  run_ktile(P16, P16, P16, true, 1, 2, 3072, false, 0, false, 0);
  // int8 x ternary, 2x + 4: 2-bit B (random, not 3:4 sparse: the Sherry
  // packing fails, the firmware plans again); 3:4-sparse B as Sherry codes
  // (three K tiles of 1,367 rounded up to 1,368, a multiple of 4); the
  // same B with NO_SHERRY
  run_ktile(I8, TE, I8, true, 2, 3, 4100, false, 0, false, 0);
  run_ktile(I8, TE, I8, true, 2, 3, 4100, true, 0, true, 0);
  run_ktile(I8, TE, P16, false, 2, 3, 4100, true, NPE_SOC_MM_NO_SHERRY, false, 0);
  // M = 1 ternary: a mat-vec with K tiles (its B rows hold a quarter of a
  // word per PE word), 2-bit at 2x and Sherry at 3x + 2
  run_ktile(I8, TE, I8, true, 1, 4, 4096, false, 0, false, 1);
  run_ktile(I8, TE, F4, false, 1, 2, 6146, true, 0, true, 1);
  // random shapes: M, N 1..3, K from just above the limit to 3x, (M + N) K
  // bytes at most 24 KiB
  for (unsigned j = 0; j < n_random; j++) {
    unsigned pi = j % kNumPairs;
    npe_fmt fa = kPairs[pi][0], fb = kPairs[pi][1];
    uint32_t mk = soc_max_k(fa, fb), m = rnd(1, 3), n = rnd(1, 3);
    uint32_t kmax = 24576 / ((m + n) * (uint32_t)npe_fmt_elem_bytes(fa));
    if (kmax > 3 * mk) kmax = 3 * mk;
    if (kmax <= mk) m = n = 1, kmax = 2 * mk;
    uint32_t k = rnd(mk + 1, kmax);
    bool fp32 = rng() & 1;
    npe_fmt fo = (npe_fmt)rnd(0, NPE_FMT_COUNT - 1);
    bool sparse = fb == NPE_FMT_TERNARY && (rng() & 1);
    // (M = 1: a mat-vec where its B rows fit the arena, else plain rows;
    // the fixed cases above check which)
    run_ktile(fa, fb, fo, fp32, m, n, k, sparse, 0, sparse, m == 1 ? -1 : 0);
  }
  printf("tb_soc: %u K-tiled matmuls (%u K tiles in all; %u with Sherry B, %u mat-vecs), "
         "bit-exact\n", kstats.jobs, kstats.tiles, kstats.sherry, kstats.matvec);
}

// +bench: fixed shapes, BENCH lines (make soc-bench, BENCHMARKS.md). The
// host-link bytes are what crosses the host port: the unpacked operands, the
// request, the doorbell, the response and C; a host-driven run would also
// write every descriptor (64 bytes each) and poll the engine's CSRs.
void bench() {
  struct Shape { const char *name; npe_fmt fa, fb; bool fp32; uint32_t m, n, k; };
  const Shape shapes[] = {
    {"int8_64x64x64_f32", NPE_FMT_INT8, NPE_FMT_INT8, true, 64, 64, 64},
    {"int8_16x16x64_f32", NPE_FMT_INT8, NPE_FMT_INT8, true, 16, 16, 64},
    {"posit8_16x16x64_f32", NPE_FMT_POSIT8, NPE_FMT_POSIT8, true, 16, 16, 64},
    {"int8_1x32x256_f32", NPE_FMT_INT8, NPE_FMT_INT8, true, 1, 32, 256},
    // K tiles: K twice the scratchpads' limit (2,048 int8)
    {"int8_2x2x4096_f32", NPE_FMT_INT8, NPE_FMT_INT8, true, 2, 2, 4096},
  };
  for (const Shape &s : shapes) {
    Stats before = stats;
    uint32_t st = run_matmul(s.fa, s.fb, s.fa, s.fp32, s.m, s.n, s.k);
    if (st != NPE_SOC_ST_OK || mismatches) {
      printf("tb_soc: bench job %s: status %u (%08x %08x)\n", s.name, st, last_rsp.w[5],
             last_rsp.w[6]);
      fail("bench job");
    }
    uint64_t host_bytes = (uint64_t)s.m * s.k * npe_fmt_elem_bytes(s.fa) +
                          (uint64_t)s.n * s.k * npe_fmt_elem_bytes(s.fb) +
                          (uint64_t)s.m * s.n * (s.fp32 ? 4 : 2) + 32 + 4 + 32;
    // (the polling firmware's lines: soc_poll_...)
    std::string full = std::string(poll_fw ? "poll_" : "") + s.name;
    const char *nm = full.c_str();
    printf("BENCH soc_%s_total_cycles %llu cycles\n", nm,
           (unsigned long long)(stats.host_cycles - before.host_cycles));
    printf("BENCH soc_%s_firmware_cycles %llu cycles\n", nm,
           (unsigned long long)(stats.fw_cycles - before.fw_cycles));
    printf("BENCH soc_%s_engine_busy_cycles %llu cycles\n", nm,
           (unsigned long long)(stats.eng_busy - before.eng_busy));
    printf("BENCH soc_%s_descriptors %llu descriptors\n", nm,
           (unsigned long long)(stats.descs - before.descs));
    printf("BENCH soc_%s_host_link_bytes %llu bytes\n", nm, (unsigned long long)host_bytes);
    printf("BENCH soc_%s_descriptor_bytes_saved %llu bytes\n", nm,
           (unsigned long long)(64 * (stats.descs - before.descs)));
    printf("BENCH soc_%s_engine_irqs %llu interrupts\n", nm,
           (unsigned long long)(stats.irqs - before.irqs));
    printf("BENCH soc_%s_axil_reads %llu reads\n", nm,
           (unsigned long long)(stats.axil_reads - before.axil_reads));
  }
  // DIAG sequences through the firmware: cycles per element step
  struct RShape { const char *name; uint32_t T, H; };
  const RShape rshapes[] = {{"diag_t40_h64", 40, 64}, {"diag_t2700_h1", 2700, 1}, {"diag_t3_h600", 3, 600}};
  for (const RShape &r : rshapes) {
    RecurStats before = rstats;
    uint64_t c0 = cycles;
    if (run_recur(r.T, r.H, true, true) != NPE_SOC_ST_OK || recur_mismatches) fail("bench sequence");
    std::string full = std::string(poll_fw ? "poll_" : "") + r.name;
    const char *nm = full.c_str();
    printf("BENCH soc_%s_total_cycles %llu cycles\n", nm, (unsigned long long)(cycles - c0));
    printf("BENCH soc_%s_firmware_cycles %llu cycles\n", nm,
           (unsigned long long)(rstats.fw_cycles - before.fw_cycles));
    printf("BENCH soc_%s_engine_busy_cycles %llu cycles\n", nm,
           (unsigned long long)(rstats.busy - before.busy));
    printf("BENCH soc_%s_descriptors %llu descriptors\n", nm,
           (unsigned long long)(rstats.descs - before.descs));
    printf("BENCH soc_%s_firmware_cycles_per_elem %.1f cycles\n", nm,
           (double)(rstats.fw_cycles - before.fw_cycles) / ((double)r.T * r.H));
  }
}

// A DIAG recurrence through the firmware (NPE_SOC_OP_RECUR): random gates
// (mostly |a| < 1, some anywhere in [-2, 2)), inputs and h_0 (some near the
// int32 limits, so saturation happens), checked element for element against
// npe_recur_diag_seq. Returns the status.

uint32_t run_recur(uint32_t T, uint32_t H, bool h0, bool all) {
  stop_if_failed();
  size_t n = (size_t)T * H;
  std::vector<int32_t> a(n), b(n), hz(H), out(all ? n : H);
  for (size_t i = 0; i < n; i++) {
    uint32_t sel = (uint32_t)(rng() % 8);
    a[i] = sel == 0 ? (int32_t)(uint32_t)rng() : (int32_t)((int64_t)(rng() % (2u << 30)) - (1 << 30));
    b[i] = sel == 1 ? (int32_t)(uint32_t)rng() : (int32_t)((int64_t)(rng() % 200001) - 100000);
  }
  for (uint32_t i = 0; i < H; i++) hz[i] = (int32_t)(uint32_t)rng() >> (rng() % 16);
  uint32_t addr_a = NPE_SOC_HOST_WIN_BASE + 8 * rnd(0, 2);
  uint32_t addr_b = (uint32_t)(addr_a + n * 4 + 4 * rnd(0, 2));
  uint32_t addr_h = (uint32_t)(addr_b + n * 4 + 4 * rnd(0, 2));
  uint32_t addr_o = addr_h + (h0 ? H * 4 : 0) + 8;
  size_t ob = out.size() * 4;
  if (addr_o + ob + 8 > NPE_SOC_HOST_WIN_END) fail("recurrence test job too large for the host window");
  write_bytes(addr_a, (const uint8_t *)a.data(), n * 4);
  write_bytes(addr_b, (const uint8_t *)b.data(), n * 4);
  if (h0) write_bytes(addr_h, (const uint8_t *)hz.data(), H * 4);
  std::vector<uint8_t> fill(ob + 16, 0x5a);
  write_bytes(addr_o - 8, fill.data(), fill.size());
  uint32_t req[8] = {NPE_SOC_OP_RECUR | NPE_SOC_CELL_DIAG << 8 | (h0 ? NPE_SOC_RECUR_H0 : 0u) |
                         (all ? NPE_SOC_RECUR_OUT_ALL : 0u),
                     T, H, addr_a, addr_b, addr_h, addr_o, tag_counter++};
  Rsp r = request(req);
  last_rsp = r;
  if (r.w[0] != NPE_SOC_ST_OK) return r.w[0];
  rstats.reqs++;
  rstats.elems += n;
  rstats.descs += r.w[4];
  rstats.busy += r.w[2];
  rstats.fw_cycles += r.w[3];
  rstats.irqs += r.w[8];
  std::vector<uint8_t> got(ob + 16);
  read_bytes(addr_o - 8, got.data(), got.size());
  std::vector<int32_t> st(H, 0), want(n);
  if (h0) st = hz;
  if (npe_recur_diag_seq(T, H, a.data(), b.data(), st.data(), want.data()) != NPE_OK)
    fail("the golden model refused the sequence");
  unsigned bad = 0;
  for (int i = 0; i < 8; i++)
    if (got[i] != 0x5a || got[ob + 8 + i] != 0x5a) bad++;
  if (bad) printf("MISMATCH: recur T=%u H=%u: a byte beside the output changed\n", T, H);
  for (size_t i = 0; i < out.size(); i++) {
    int32_t g;
    memcpy(&g, &got[8 + 4 * i], 4);
    int32_t w = all ? want[i] : st[i];
    if (g != w && bad++ < 3)
      printf("MISMATCH: recur DIAG T=%u H=%u h0=%d all=%d: h[%zu][%zu] = %d, golden %d\n", T,
             H, h0, all, all ? i / H : (size_t)T - 1, i % H, g, w);
  }
  if (bad) recur_mismatches++;
  else if (!quiet)
    printf("ok   recur DIAG T=%-5u H=%-4u h0=%d all=%d  descs %-3u slices %-2u engine busy %-7u "
           "firmware %-8u cycles, %u engine interrupts\n", T, H, h0, all, r.w[4], r.w[5], r.w[2],
           r.w[3], r.w[8]);
  return r.w[0];
}

// A GRU or LSTM sequence through the firmware: random W_hh patterns of fb,
// random records (Q15.16, within +-8), h_0 (and c_0) within +-2, checked
// against npe_recur_gated_seq element for element (every h_t or h_T, and
// LSTM's c_T).
uint32_t run_gated(uint32_t cell, npe_fmt fb, uint32_t T, uint32_t H, bool h0, bool all,
                   uint32_t hshift, int acc_shift) {
  stop_if_failed();
  bool lstm = cell == NPE_SOC_CELL_LSTM;
  uint32_t G = lstm ? 4 : 3, sn = lstm ? 2 : 1;
  npe_fmt fa = fb == NPE_FMT_TERNARY ? NPE_FMT_INT8 : fb;
  size_t eb = npe_fmt_elem_bytes(fb), nw = (size_t)G * H * H, n = (size_t)T * H;
  std::vector<uint32_t> w(nw);
  std::vector<uint8_t> wbytes(nw * eb);
  for (size_t i = 0; i < nw; i++) {
    w[i] = random_pattern(fb);
    for (size_t k = 0; k < eb; k++) wbytes[i * eb + k] = (uint8_t)(w[i] >> (8 * k));
  }
  std::vector<int32_t> x(n * 4), st((size_t)sn * H, 0);
  for (auto &v : x) v = (int32_t)(rng() % (16u << 16)) - (8 << 16);
  if (h0)
    for (auto &v : st) v = (int32_t)(rng() % (4u << 16)) - (2 << 16);
  size_t outw = (all ? n : H) + (lstm ? H : 0);
  uint32_t addr_x = NPE_SOC_HOST_WIN_BASE + 8 * rnd(0, 2);
  uint32_t addr_w = (uint32_t)(addr_x + n * 16 + 8 * rnd(0, 2));
  uint32_t addr_h = (uint32_t)((addr_w + wbytes.size() + 7) & ~7u) + 8;
  uint32_t addr_o = (uint32_t)(addr_h + st.size() * 4 + 8);
  if (addr_o + outw * 4 + 8 > NPE_SOC_HOST_WIN_END) fail("gated test job too large for the host window");
  write_bytes(addr_x, (const uint8_t *)x.data(), n * 16);
  write_bytes(addr_w, wbytes.data(), wbytes.size());
  write_bytes(addr_h, (const uint8_t *)st.data(), st.size() * 4);
  std::vector<uint8_t> fill(outw * 4 + 16, 0x5a);
  write_bytes(addr_o - 8, fill.data(), fill.size());
  uint32_t req[8] = {NPE_SOC_OP_RECUR | NPE_SOC_RECUR_GATED(cell, fb, hshift, acc_shift) |
                         (h0 ? NPE_SOC_RECUR_H0 : 0u) | (all ? NPE_SOC_RECUR_OUT_ALL : 0u),
                     T, H, addr_x, addr_w, addr_h, addr_o, tag_counter++};
  Rsp r = request(req);
  last_rsp = r;
  if (r.w[0] != NPE_SOC_ST_OK) return r.w[0];
  rstats.reqs++;
  rstats.elems += n;
  rstats.descs += r.w[4];
  rstats.busy += r.w[2];
  rstats.fw_cycles += r.w[3];
  rstats.irqs += r.w[8];
  std::vector<uint8_t> got(outw * 4 + 16);
  read_bytes(addr_o - 8, got.data(), got.size());
  npe_recur_gated g = {lstm ? NPE_RECUR_LSTM : NPE_RECUR_GRU, fa, fb, hshift, acc_shift, H, T,
                       w.data(), x.data(), nullptr, 0};
  std::vector<int32_t> hh(st.begin(), st.begin() + H), cc(lstm ? H : 0), want(n);
  if (lstm) std::copy(st.begin() + H, st.end(), cc.begin());
  if (npe_recur_gated_seq(&g, hh.data(), lstm ? cc.data() : nullptr, want.data()) != NPE_OK)
    fail("the golden model refused the gated sequence");
  std::vector<int32_t> exp(outw);
  if (all) std::copy(want.begin(), want.end(), exp.begin());
  else std::copy(hh.begin(), hh.end(), exp.begin());
  if (lstm) std::copy(cc.begin(), cc.end(), exp.begin() + (all ? n : H));
  unsigned bad = 0;
  for (int i = 0; i < 8; i++)
    if (got[i] != 0x5a || got[outw * 4 + 8 + i] != 0x5a) bad++;
  if (bad) printf("MISMATCH: %s T=%u H=%u: a byte beside the output changed\n", lstm ? "lstm" : "gru", T, H);
  for (size_t i = 0; i < outw; i++) {
    int32_t v;
    memcpy(&v, &got[8 + 4 * i], 4);
    if (v != exp[i] && bad++ < 3)
      printf("MISMATCH: recur %s %s T=%u H=%u h0=%d all=%d: out[%zu] = %d, golden %d\n",
             lstm ? "LSTM" : "GRU", npe_fmt_name(fb), T, H, h0, all, i, v, exp[i]);
  }
  if (bad) recur_mismatches++;
  else if (!quiet)
    printf("ok   recur %-4s %-7s T=%-4u H=%-3u h0=%d all=%d  descs %-2u engine busy %-7u "
           "firmware %-8u cycles\n", lstm ? "LSTM" : "GRU", npe_fmt_name(fb), T, H, h0, all,
           r.w[4], r.w[2], r.w[3]);
  return r.w[0];
}

// The recurrence requests: several T and H (several slices: H above the
// unit's 256 state words; chunks chained with KEEP: T x H above the arena),
// h_0 given or zero, every h_t or h_T only; malformed ones refused and a
// good one after each.
void recurrences(bool with_bad) {
  struct Case { uint32_t T, H; bool h0, all; };
  const Case cases[] = {
    {1, 1, false, true},   {7, 3, true, true},    {40, 64, true, true},   {3, 300, true, true},
    {2700, 1, true, true}, {3, 600, false, true}, {100, 8, false, false}, {5, 513, true, false},
    {1000, 1, true, false}, {2, 256, true, true},
  };
  std::vector<Case> list(cases, cases + sizeof cases / sizeof cases[0]);
  if (one_recur[1]) list = {{one_recur[0], one_recur[1], one_recur[2] != 0, one_recur[3] != 0}};
  for (const Case &c : list) {
    uint32_t st = run_recur(c.T, c.H, c.h0, c.all);
    if (st != NPE_SOC_ST_OK) {
      printf("MISMATCH: recur T=%u H=%u: status %u (%08x %08x)\n", c.T, c.H, st, last_rsp.w[5],
             last_rsp.w[6]);
      recur_mismatches++;
    }
  }
  // GRU and LSTM in every weight format the cells take, several T and H
  const npe_fmt wf[] = {NPE_FMT_FP4, NPE_FMT_POSIT4, NPE_FMT_POSIT8, NPE_FMT_POSIT16,
                        NPE_FMT_INT8, NPE_FMT_TERNARY};
  if (!one_recur[1])
    for (unsigned k = 0; k < 12; k++) {
      uint32_t cell = k % 2 ? NPE_SOC_CELL_LSTM : NPE_SOC_CELL_GRU;
      npe_fmt fb = wf[k / 2];
      uint32_t T = k % 3 == 0 ? 1 : k % 3 == 1 ? 6 : 12, H = k % 4 == 3 ? 16 : (k % 4) * 4 + 4;
      bool h0 = k % 5 != 2, all = k % 4 != 1;
      uint32_t hs = fb == NPE_FMT_INT8 || fb == NPE_FMT_TERNARY ? 12 : 14;
      uint32_t st = run_gated(cell, fb, T, H, h0, all, hs, fb == NPE_FMT_INT8 ? 6 : 12);
      if (st != NPE_SOC_ST_OK) {
        printf("MISMATCH: recur %s %s T=%u H=%u: status %u (%08x %08x)\n",
               cell == NPE_SOC_CELL_LSTM ? "LSTM" : "GRU", npe_fmt_name(fb), T, H, st,
               last_rsp.w[5], last_rsp.w[6]);
        recur_mismatches++;
      }
    }
  if (!with_bad) return;
  const uint32_t op = NPE_SOC_OP_RECUR | NPE_SOC_RECUR_H0 | NPE_SOC_RECUR_OUT_ALL;
  struct Bad { const char *what; uint32_t req[8]; uint32_t st; };
  const Bad bads[] = {
    {"recur: reserved bit 20", {op | 1u << 20, 4, 4, 0x100, 0x200, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_OP},
    {"recur: GRU weights format 7", {op | NPE_SOC_RECUR_GATED(1, 7, 12, 4), 4, 4, 0x100, 0x800, 0x900, 0xa00, 0}, NPE_SOC_ST_BAD_FORMAT},
    {"recur: LSTM reserved bit 30", {op | NPE_SOC_RECUR_GATED(2, 5, 12, 4) | 1u << 30, 4, 4, 0x100, 0x800, 0x900, 0xa00, 0}, NPE_SOC_ST_BAD_OP},
    {"recur: GRU H = 60, W_hh above the B buffer", {op | NPE_SOC_RECUR_GATED(1, 4, 12, 4), 1, 60, 0x100, 0x800, 0x3400, 0x3800, 0}, NPE_SOC_ST_TOO_BIG},
    {"recur: GRU W_hh past the window", {op | NPE_SOC_RECUR_GATED(1, 4, 12, 4), 2, 40, 0x100, 0x7000, 0x900, 0xa00, 0}, NPE_SOC_ST_BAD_ADDR},
    {"recur: cell 9", {op | 9u << 8, 4, 4, 0x100, 0x200, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_FORMAT},
    {"recur: T = 0", {op, 0, 4, 0x100, 0x200, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_DIMS},
    {"recur: H = 0", {op, 4, 0, 0x100, 0x200, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_DIMS},
    {"recur: H = 70000", {op, 1, 70000, 0x100, 0x200, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_DIMS},
    {"recur: a misaligned", {op, 4, 4, 0x102, 0x200, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_ADDR},
    {"recur: b in the arena", {op, 4, 4, 0x100, NPE_SOC_ARENA_BASE, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_ADDR},
    {"recur: h0 at 0", {op, 4, 4, 0x100, 0x200, 0, 0x400, 0}, NPE_SOC_ST_BAD_ADDR},
    {"recur: out past the window", {op, 100, 100, 0x100, 0x200, 0x300, 0x7f00, 0}, NPE_SOC_ST_BAD_ADDR},
    {"recur: T x H overflows", {op, 65535, 65535, 0x100, 0x200, 0x300, 0x400, 0}, NPE_SOC_ST_BAD_ADDR},
  };
  for (const Bad &c : bads) {
    uint32_t q[8];
    memcpy(q, c.req, sizeof q);
    q[7] = tag_counter++;
    Rsp r = request(q);
    bad_checks++;
    if (r.w[0] != c.st) {
      printf("MISMATCH: malformed request '%s': status %u, expected %u\n", c.what, r.w[0], c.st);
      bad_fails++;
    } else if (!quiet) {
      printf("ok   refused: %-44s status %u\n", c.what, r.w[0]);
    }
    if (run_recur(5, 6, true, true) != NPE_SOC_ST_OK) {
      printf("MISMATCH: a good sequence after '%s' failed\n", c.what);
      bad_fails++;
    }
  }
}

void write_profile() {
  if (!profile) return;
  FILE *f = fopen("tb_soc_profile.txt", "w");
  if (!f) return;
  for (auto &e : pc_hist)
    fprintf(f, "%08x %llu %llu\n", e.first, (unsigned long long)e.second,
            (unsigned long long)pc_cycles[e.first]);
  fclose(f);
}

void expect_status(const char *what, const uint32_t req[8], uint32_t want) {
  uint32_t q[8];
  memcpy(q, req, sizeof q);
  q[7] = tag_counter++;
  Rsp r = request(q);
  bad_checks++;
  if (r.w[0] != want) {
    printf("MISMATCH: malformed request '%s': status %u, expected %u\n", what, r.w[0], want);
    bad_fails++;
  } else if (!quiet) {
    printf("ok   refused: %-44s status %u\n", what, r.w[0]);
  }
  // still responsive: a small good request right after
  if (run_matmul(NPE_FMT_INT8, NPE_FMT_INT8, NPE_FMT_INT8, true, 2, 3, 8) != NPE_SOC_ST_OK) {
    printf("MISMATCH: a good request after '%s' failed\n", what);
    bad_fails++;
  }
}

void malformed() {
  const uint32_t mm = NPE_SOC_OP_MATMUL;
  auto R = [](uint32_t r0, uint32_t m, uint32_t n, uint32_t k, uint32_t a, uint32_t b,
              uint32_t c) { return std::vector<uint32_t>{r0, m, n, k, a, b, c, 0}; };
  const uint32_t i8 = NPE_SOC_REQ0(mm, NPE_FMT_INT8, NPE_FMT_INT8, NPE_FMT_INT8, 1);
  struct Case { const char *what; std::vector<uint32_t> req; uint32_t st; };
  std::vector<Case> cases = {
    {"unknown opcode 7", R(7, 2, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_OP},
    {"reserved bit 30 set", R(i8 | 1u << 30, 2, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_OP},
    {"format A 6 (none)", R(NPE_SOC_REQ0(mm, 6, 6, 4, 1), 2, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_FORMAT},
    {"format 15", R(NPE_SOC_REQ0(mm, 15, 4, 4, 1), 2, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_FORMAT},
    {"pair int8 x posit8", R(NPE_SOC_REQ0(mm, NPE_FMT_INT8, NPE_FMT_POSIT8, 4, 1), 2, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_FORMAT},
    {"pair ternary x ternary", R(NPE_SOC_REQ0(mm, NPE_FMT_TERNARY, NPE_FMT_TERNARY, 4, 1), 2, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_FORMAT},
    {"output format 7", R(NPE_SOC_REQ0(mm, 4, 4, 7, 0), 2, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_FORMAT},
    {"M = 0", R(i8, 0, 2, 2, 256, 320, 384), NPE_SOC_ST_BAD_DIMS},
    {"N = 0", R(i8, 2, 0, 2, 256, 320, 384), NPE_SOC_ST_BAD_DIMS},
    {"K = 70000", R(i8, 1, 1, 70000, 256, 320, 384), NPE_SOC_ST_BAD_DIMS},
    {"A runs past the host window", R(i8, 4, 2, 64, 0x7f08, 0x100, 0x200), NPE_SOC_ST_BAD_ADDR},
    {"A at 0, below the host window", R(i8, 2, 2, 8, 0, 0x140, 0x200), NPE_SOC_ST_BAD_ADDR},
    {"B in the arena", R(i8, 2, 2, 8, 0x100, NPE_SOC_ARENA_BASE, 0x200), NPE_SOC_ST_BAD_ADDR},
    {"C over the firmware", R(i8, 2, 2, 8, 0x100, 0x140, NPE_SOC_FW_BASE + 0x100), NPE_SOC_ST_BAD_ADDR},
    {"C at 0xffffff00 (wraps)", R(i8, 2, 2, 8, 0x100, 0x140, 0xffffff00u), NPE_SOC_ST_BAD_ADDR},
    {"binary32 C not 4-byte aligned", R(i8, 2, 2, 8, 0x100, 0x140, 0x182), NPE_SOC_ST_BAD_ADDR},
    {"posit16 A not 2-byte aligned", R(NPE_SOC_REQ0(mm, 3, 3, 3, 1), 2, 2, 8, 0x101, 0x140, 0x180), NPE_SOC_ST_BAD_ADDR},
    {"huge M x K (overflow)", R(i8, 65535, 1, 65535, 0x100, 0x140, 0x180), NPE_SOC_ST_BAD_ADDR},
    {"K 16000: the packed rows exceed the arena", R(i8, 1, 1, 16000, 0x100, 16256, 32264), NPE_SOC_ST_TOO_BIG},
    {"packed operands exceed the arena", R(NPE_SOC_REQ0(mm, 4, 4, 4, 0), 2000, 1, 1, 0x100, 0x900, 0x1000), NPE_SOC_ST_TOO_BIG},
  };
  for (auto &c : cases) expect_status(c.what, c.req.data(), c.st);
  // an engine error mid-request (the firmware's test hook): DMA_WINDOW on the
  // second descriptor, reported with STATUS and ERR_ADDR; the engine reset
  {
    std::vector<uint8_t> ops(256, 1);
    write_bytes(0x1000, ops.data(), ops.size());
    uint32_t q[8] = {NPE_SOC_REQ0(NPE_SOC_OP_MATMUL_FAULT, NPE_FMT_INT8, NPE_FMT_INT8, 4, 1),
                     8, 8, 16, 0x1000, 0x1000, 0x2000, tag_counter++};
    Rsp r = request(q);
    uint32_t err = (r.w[5] >> 8) & 0xff;
    bad_checks++;
    if (r.w[0] != NPE_SOC_ST_ENGINE || err != 5 /* NPE_HW_ERR_DMA_WINDOW */ || r.w[6] != 0) {
      printf("MISMATCH: engine fault: status %u STATUS %08x ERR_ADDR %08x\n", r.w[0], r.w[5],
             r.w[6]);
      bad_fails++;
    } else if (!quiet) {
      printf("ok   engine error mid-request: status %u, STATUS %08x (DMA_WINDOW, ERR_IDX "
             "%u), ERR_ADDR %08x\n", r.w[0], r.w[5], r.w[5] >> 16, r.w[6]);
    }
    for (int i = 0; i < 3; i++)
      if (run_matmul(NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, true, 9, 7, 33) != NPE_SOC_ST_OK) {
        printf("MISMATCH: a good request after the engine error failed\n");
        bad_fails++;
      }
  }
  // a time-out with the engine busy (the other test hook): TIMEOUT, the
  // engine soft-reset in the middle of a job, and the requests after it run
  {
    std::vector<uint8_t> ops(4096, 1);
    write_bytes(0x1000, ops.data(), ops.size());
    uint32_t q[8] = {NPE_SOC_REQ0(NPE_SOC_OP_MATMUL_TIMEOUT, NPE_FMT_INT8, NPE_FMT_INT8, 4, 1),
                     16, 16, 128, 0x1000, 0x1800, 0x3000, tag_counter++};
    Rsp r = request(q);
    bad_checks++;
    if (r.w[0] != NPE_SOC_ST_TIMEOUT || !(r.w[5] & 1u)) {
      printf("MISMATCH: engine time-out: status %u STATUS %08x\n", r.w[0], r.w[5]);
      bad_fails++;
    } else if (!quiet) {
      printf("ok   engine time-out: status %u, STATUS %08x (busy), engine reset\n", r.w[0], r.w[5]);
    }
    for (int i = 0; i < 3; i++)
      if (run_matmul(NPE_FMT_POSIT8, NPE_FMT_POSIT8, NPE_FMT_POSIT8, i & 1, 9, 7, 33) !=
          NPE_SOC_ST_OK) {
        printf("MISMATCH: a good request after the time-out failed\n");
        bad_fails++;
      }
  }
  // bad patterns: a ternary weight 0b10, an int8 "pattern" above 8 bits is
  // impossible in bytes, so an fp4 byte above 4 bits
  std::vector<uint8_t> ones(64, 1), tern(64, 1);
  tern[13] = 2;
  write_bytes(0x1000, ones.data(), ones.size());
  write_bytes(0x2000, tern.data(), tern.size());
  uint32_t r1[8] = {NPE_SOC_REQ0(mm, NPE_FMT_INT8, NPE_FMT_TERNARY, 4, 1), 2, 4, 16, 0x1000, 0x2000, 0x3000, 0};
  expect_status("ternary weight 0b10", r1, NPE_SOC_ST_BAD_PATTERN);
  std::vector<uint8_t> fp4(64, 3);
  fp4[5] = 0x13;
  write_bytes(0x2000, fp4.data(), fp4.size());
  uint32_t r2[8] = {NPE_SOC_REQ0(mm, NPE_FMT_FP4, NPE_FMT_FP4, 0, 1), 2, 4, 16, 0x1000, 0x2000, 0x3000, 0};
  expect_status("fp4 element 0x13", r2, NPE_SOC_ST_BAD_PATTERN);
}

}  // namespace

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  const char *elf = nullptr;
  uint64_t seed = 1;
  unsigned n_jobs = 60;
  bool do_bad = true, do_bench = false, do_recur = true, do_ktile = true;
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "+seed=", 6)) seed = strtoull(argv[i] + 6, nullptr, 0);
    else if (!strncmp(argv[i], "+n=", 3)) n_jobs = (unsigned)strtoul(argv[i] + 3, nullptr, 0);
    else if (!strcmp(argv[i], "+quiet")) quiet = true;
    else if (!strcmp(argv[i], "+no_bad")) do_bad = false;
    else if (!strcmp(argv[i], "+profile")) profile = true;
    else if (!strcmp(argv[i], "+bench")) do_bench = quiet = true, contend = false;
    else if (!strcmp(argv[i], "+no_contend")) contend = false;
    else if (!strcmp(argv[i], "+poll")) poll_fw = true;
    else if (!strcmp(argv[i], "+no_recur")) do_recur = false;
    else if (!strcmp(argv[i], "+no_ktile")) do_ktile = false;
    else if (!strcmp(argv[i], "+stop_first")) stop_first = true;
    else if (!strncmp(argv[i], "+recur=", 7))
      sscanf(argv[i] + 7, "%u,%u,%u,%u", &one_recur[0], &one_recur[1], &one_recur[2], &one_recur[3]);
    else if (argv[i][0] != '+') elf = argv[i];
  }
  if (!elf) {
    fprintf(stderr, "usage: tb_soc [+seed=S] [+n=N] [+quiet] [+no_bad] FIRMWARE.elf\n");
    return 2;
  }
  rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
  top = new Top;
  top->rst_ni = 0;
  for (int i = 0; i < 5; i++) tick();
  top->rst_ni = 1;
  tick();
  if (rd(NPE_SOC_MBOX_BASE + NPE_MBOX_ID) != NPE_MBOX_ID_VALUE) fail("mailbox ID");
  load_elf(elf);
  uint64_t t_load = cycles;
  wr(NPE_SOC_MBOX_BASE + NPE_MBOX_HOST_IRQ_EN, 1);
  wr(NPE_SOC_MBOX_BASE + NPE_MBOX_CORE_CTRL, 1);
  while (rd(NPE_SOC_MBOX_BASE + NPE_MBOX_RSP(7)) != NPE_SOC_FW_READY)
    if (cycles - t_load > 2000000) fail("the firmware did not come up");
  printf("tb_soc: firmware up %llu cycles after the release (load took %llu)\n",
         (unsigned long long)(cycles - t_load), (unsigned long long)t_load);

  uint32_t ping[8] = {NPE_SOC_OP_PING, 0, 0, 0, 0, 0, 0, 0x55};
  Rsp p = request(ping);
  // the SoC's engine: 2 x 2 PEs, 2 lanes, 4 column groups; A 4 KiB, B 8 KiB,
  // C 2 x 2 x 4 x 4 bytes per buffer (npe_soc's parameters)
  if (p.w[0] != NPE_SOC_ST_OK || (p.w[4] & 0x3f) != 0x3f || (p.w[2] & 0xffff) != 0x0202 ||
      (p.w[5] & 0xfffff) != (4u | 8u << 10))
    fail("PING");
  // the recurrence unit: 256 state words, DIAG among its modes
  if (!(p.w[4] >> 9 & 1u) || (p.w[6] & 0xffff) != 256 || !(p.w[6] >> 16 & 1u))
    fail("PING: no recurrence unit with 256 state words and DIAG (CAP_RECUR)");
  printf("tb_soc: PING: CAP_ARRAY %08x CAP_SPAD %08x formats %02x\n", p.w[2], p.w[5], p.w[4]);

  if (do_bench) {
    bench();
    printf("BENCH soc_core_cpi %.2f cycles/instr\n", (double)cycles / (double)instret);
    write_profile();
    top->final();
    delete top;
    return 0;
  }
  unsigned pair_runs[kNumPairs] = {};
  for (unsigned j = 0; j < n_jobs; j++) {
    unsigned pi = j % kNumPairs;
    npe_fmt fa = kPairs[pi][0], fb = kPairs[pi][1];
    bool fp32 = rng() & 1;
    npe_fmt fo = (npe_fmt)rnd(0, NPE_FMT_COUNT - 1);
    uint32_t m = (j % 7 == 3) ? 1 : rnd(1, 20), n = rnd(1, 24);
    uint32_t k = rnd(1, j % 5 == 0 ? 200 : 48);
    uint32_t st = run_matmul(fa, fb, fo, fp32, m, n, k);
    if (st != NPE_SOC_ST_OK) {
      printf("MISMATCH: %s x %s -> %s M=%u N=%u K=%u: status %u (engine status %08x)\n",
             npe_fmt_name(fa), npe_fmt_name(fb), fp32 ? "f32" : npe_fmt_name(fo), m, n, k, st,
             last_rsp.w[5]);
      mismatches++;
    }
    pair_runs[pi]++;
  }
  if (do_ktile) ktile_jobs(n_jobs / 30);
  if (do_bad) malformed();
#ifdef TB_SOC_ZYNQ
  if (top->led_err_o) bus_errs++;  // (sticky: at least one)
#endif
  if (do_recur) recurrences(do_bad);
  if (rstats.reqs)
    printf("tb_soc: %llu recurrence requests (%llu element steps, %llu RECUR descriptors, %llu "
           "engine busy cycles, %llu firmware cycles, %llu engine interrupts)\n",
           (unsigned long long)rstats.reqs, (unsigned long long)rstats.elems,
           (unsigned long long)rstats.descs, (unsigned long long)rstats.busy,
           (unsigned long long)rstats.fw_cycles, (unsigned long long)rstats.irqs);
  mismatches += recur_mismatches;
  if (bus_errs) printf("tb_soc: %llu bus errors\n", (unsigned long long)bus_errs);
  printf("tb_soc: %llu matmuls (%llu MACs, %llu descriptors) in %llu cycles of the firmware, "
         "%llu of the engine busy, %llu host cycles doorbell to interrupt; %u malformed "
         "requests checked; %u mismatches; %llu cycles in all\n",
         (unsigned long long)stats.reqs, (unsigned long long)stats.macs,
         (unsigned long long)stats.descs, (unsigned long long)stats.fw_cycles,
         (unsigned long long)stats.eng_busy, (unsigned long long)stats.host_cycles, bad_checks,
         mismatches + bad_fails, (unsigned long long)cycles);
  printf("tb_soc: the firmware took %llu engine interrupts and made %llu AXI4-Lite reads "
         "(%.1f a matmul)\n", (unsigned long long)stats.irqs,
         (unsigned long long)stats.axil_reads,
         stats.reqs ? (double)stats.axil_reads / (double)stats.reqs : 0.0);
  // the firmware sleeps until the engine's interrupt when the engine is
  // still busy after the last descriptor (nearly always; a tiny matmul may
  // finish before the firmware looks): fewer interrupts than half the
  // matmuls means the interrupt is not reaching the core
  if (!poll_fw && stats.reqs && 2 * stats.irqs < stats.reqs) {
    printf("MISMATCH: %llu engine interrupts for %llu matmuls (the engine's interrupt does "
           "not reach the core)\n", (unsigned long long)stats.irqs, (unsigned long long)stats.reqs);
    mismatches++;
  }
#ifndef TB_SOC_ZYNQ
  printf("tb_soc: the core retired %llu instructions in %llu cycles (CPI %.2f, all of it "
         "including the idle loop)\n", (unsigned long long)instret, (unsigned long long)cycles,
         instret ? (double)cycles / (double)instret : 0.0);
#endif
  write_profile();
  top->final();
  delete top;
  if (mismatches || bad_fails || bus_errs) {
    printf("tb_soc: FAIL\n");
    return 1;
  }
  printf("tb_soc: PASS\n");
  return 0;
}
