/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The uio: transport's SoC mode ("uio:0?soc=1", the SoC of docs/SOC.md on
 * the PYNQ-Z2: fpga/zynq/npe_soc_zynq_top.v) against a fake UIO device: the
 * 256 KiB host window's 32-bit accesses go to an NPESIM_BUILD_SOC
 * simulator's host port (window offset 0x0_0000.. = the SoC's RAM, 0x2_0000..
 * = its mailbox at 0x4001_0000, anything else DECERR, counted), created
 * with soc_no_boot so the SoC comes out of reset as on a board and the
 * transport's own ELF loader boots it through the window; the interrupt
 * follows the UIO protocol on the simulator's host_irq_o. Checks, through
 * npe.h: matmuls in several format pairs, a DIAG and a GRU sequence,
 * bit-identical to the same jobs on "sim:?build=soc" and to the golden
 * model; a running firmware kept, firmware= reloading it. Through the
 * transport itself: accesses outside the window, partial words, the CSRs.
 * Errors: bad URIs, a missing / non-ELF / wrong-machine / truncated /
 * out-of-range ELF (the running firmware untouched), a firmware that never
 * reports READY, a map too small, no mailbox, no device.
 *
 * Built with -DNPE_PLANT_UIO_SOC_MBOX, _LOADER or _RMW (make
 * uio-soc-plant-test) the transport has a planted bug; it must fail.
 */
#define _GNU_SOURCE
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npe.h"
#include "npe_internal.h"
#include "npe_soc.h"
#include "npe_transport_uio.h"
#include "fake_uio.h"
#include "npesim.h"
#include "test_rand.h"

#define FAKE_FD 1000
#define FW NPESIM_SOC_FIRMWARE_DEFAULT

typedef struct fake {
  npesim *sim;
  uint32_t win[NPE_UIO_SOC_WIN_BYTES / 4]; /* the "mapping": only its addresses matter */
  fake_uio_irq irq;                        /* the UIO interrupt protocol */
  unsigned decerr;                         /* accesses outside RAM and mailbox */
  unsigned fw_writes;                      /* writes into the firmware's RAM */
  int uio_errno, small_map, dead, maps;
} fake;

static fake F;
static npe_uio_ops OPS;

static int f_open(void *h, const char *path) {
  fake *f = h;
  if (!strcmp(path, "/dev/uio0")) return f->uio_errno ? -f->uio_errno : FAKE_FD;
  return -ENOENT;
}
static void f_close(void *h, int fd) {
  (void)h;
  ck_assert_int_eq(fd, FAKE_FD);
}
static void *f_map(void *h, int fd, size_t len, uint64_t off) {
  fake *f = h;
  if (fd != FAKE_FD || off != 0 || len > sizeof f->win) {
    errno = EINVAL;
    return NULL;
  }
  f->maps++;
  return f->win;
}
static void f_unmap(void *h, void *p, size_t len) {
  fake *f = h;
  ck_assert_ptr_eq(p, f->win);
  ck_assert_uint_eq(len, sizeof f->win);
  f->maps--;
}
/* the SoC address of a window offset (npe_soc_host_axil's decode), or 0 for DECERR */
static uint32_t soc_addr(uint32_t off, int *ok) {
  *ok = 1;
  if (off < NPE_SOC_RAM_BYTES) return off;
  if (off >= NPE_UIO_SOC_MBOX_OFF && off < NPE_UIO_SOC_MBOX_OFF + NPE_UIO_SOC_MBOX_BYTES)
    return NPE_SOC_MBOX_BASE + (off - NPE_UIO_SOC_MBOX_OFF);
  *ok = 0;
  return 0;
}
static uint32_t f_rd32(void *h, volatile uint32_t *p) {
  fake *f = h;
  uint32_t off = (uint32_t)((const uint32_t *)p - f->win) * 4, v = 0;
  int ok;
  uint32_t a = soc_addr(off, &ok);
  if (!ok) {
    f->decerr++;
    return 0;
  }
  if (!f->dead) ck_assert_int_eq(npesim_mem_read(f->sim, a, &v, 4), 0);
  return v;
}
static void f_wr32(void *h, volatile uint32_t *p, uint32_t v) {
  fake *f = h;
  uint32_t off = (uint32_t)((const uint32_t *)p - f->win) * 4;
  int ok;
  uint32_t a = soc_addr(off, &ok);
  if (!ok) {
    f->decerr++;
    return;
  }
  if (a >= NPE_SOC_FW_BASE && a < NPE_SOC_RAM_BYTES) f->fw_writes++;
  if (!f->dead) ck_assert_int_eq(npesim_mem_write(f->sim, a, &v, 4), 0);
}
static int f_irq_enable(void *h, int fd) {
  return fake_uio_irq_enable(&((fake *)h)->irq, fd, FAKE_FD);
}
static int f_irq_wait(void *h, int fd, uint64_t timeout_us) {
  fake *f = h;
  return fake_uio_irq_wait(&f->irq, f->sim, fd, FAKE_FD, timeout_us);
}
static int f_read_file(void *h, const char *path, char *buf, size_t cap) {
  fake *f = h;
  if (strcmp(path, "/sys/class/uio/uio0/maps/map0/size")) return -ENOENT;
  snprintf(buf, cap, "%s", f->small_map ? "0x00001000\n" : "0x00040000\n");
  return (int)strlen(buf);
}
static uint64_t f_now_us(void *h) { return fake_uio_now_us(((fake *)h)->sim); }

/* A fresh SoC as out of reset (no firmware), or @p booted: the simulator
 * loaded and started the firmware itself. */
static void fake_up(int booted) {
  memset(&F, 0, sizeof F);
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.build = NPESIM_BUILD_SOC;
  c.soc_no_boot = !booted;
  ck_assert_int_eq(npesim_create(&c, &F.sim), 0);
  npe_uio_ops o = {&F, f_open, f_close, f_map, f_unmap, f_rd32, f_wr32, f_irq_enable,
                   f_irq_wait, f_read_file, f_now_us};
  OPS = o;
}

static void fake_down(void) {
  ck_assert_uint_eq(F.decerr, 0); /* nothing outside the window's RAM and mailbox */
  ck_assert_int_eq(F.maps, 0);    /* the transport unmapped what it mapped */
  char msg[200];
  size_t n = npesim_axi_errors(F.sim, msg, sizeof msg);
  ck_assert_msg(n == 0, "SoC bus errors: %zu", n);
  npesim_destroy(F.sim);
}

static uint32_t mbox(uint32_t r) {
  uint32_t v = 0;
  ck_assert_int_eq(npesim_mem_read(F.sim, NPE_SOC_MBOX_BASE + r, &v, 4), 0);
  return v;
}

static int open_uio(const char *uri, npe_dev **d, char *msg, size_t cap) {
  return fake_uio_open(&OPS, uri, d, msg, cap);
}

static npe_dev *must_open(const char *uri) {
  npe_dev *d = NULL;
  char msg[256];
  int rc = open_uio(uri, &d, msg, sizeof msg);
  ck_assert_msg(rc == NPE_OK, "%s: %d %s", uri, rc, msg);
  return d;
}

/* One matmul on both devices and the golden model: the same bits. */
static void matmul3(npe_dev *u, npe_dev *s, npe_fmt fa, npe_fmt fb, uint32_t m, uint32_t n,
                    uint32_t k, uint64_t *rs) {
  int wide = fa == NPE_FMT_POSIT16;
  uint8_t *a8 = malloc((size_t)m * k), *b8 = malloc((size_t)n * k);
  uint16_t *a16 = malloc((size_t)m * k * 2), *b16 = malloc((size_t)n * k * 2);
  float *cu = malloc((size_t)m * n * 4), *cs = malloc((size_t)m * n * 4),
        *g = malloc((size_t)m * n * 4);
  ck_assert(a8 && b8 && a16 && b16 && cu && cs && g);
  for (size_t i = 0; i < (size_t)m * k; i++) {
    uint32_t v = rand_pattern(fa, rs);
    a8[i] = (uint8_t)v, a16[i] = (uint16_t)v;
  }
  for (size_t i = 0; i < (size_t)n * k; i++) {
    uint32_t v = rand_pattern(fb, rs);
    b8[i] = (uint8_t)v, b16[i] = (uint16_t)v;
  }
  npe_pats pa = wide ? npe_pats_u16(fa, a16) : npe_pats_u8(fa, a8);
  npe_pats pb = wide ? npe_pats_u16(fb, b16) : npe_pats_u8(fb, b8);
  npe_tensor ta = {pa, m, k, 0, 0.25f}, tb = {pb, n, k, 0, 0};
  npe_output ou = {cu, {NPE_FMT_FP4, NULL, NULL}, 0, 0}, os = {cs, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
  int rc = npe_matmul(u, &ta, &tb, &ou);
  ck_assert_msg(rc == NPE_OK, "uio-soc %s x %s: %d %s", npe_fmt_name(fa), npe_fmt_name(fb), rc,
                npe_last_error(u));
  ck_assert_int_eq(npe_matmul(s, &ta, &tb, &os), NPE_OK);
  ck_assert_int_eq(npe_golden_matmul_f32(pa, k, pb, k, m, n, k, 0.25f, g, n), NPE_OK);
  for (size_t i = 0; i < (size_t)m * n; i++)
    if (memcmp(&cu[i], &g[i], 4) || memcmp(&cs[i], &g[i], 4)) {
      printf("MISMATCH: %s x %s %ux%ux%u: C[%zu] uio-soc %a sim-soc %a golden %a\n",
             npe_fmt_name(fa), npe_fmt_name(fb), m, n, k, i, (double)cu[i], (double)cs[i],
             (double)g[i]);
      fflush(stdout);
      ck_abort();
    }
  free(a8), free(b8), free(a16), free(b16), free(cu), free(cs), free(g);
}

START_TEST(jobs_like_sim_soc) {
  fake_up(0);
  ck_assert_uint_ne(mbox(NPE_MBOX_RSP(7)), NPE_SOC_FW_READY); /* nothing runs yet */
  npe_dev *u = must_open("uio:/dev/uio0?soc=1&timeout=50");
  ck_assert_uint_gt(F.fw_writes, 1000); /* the transport loaded it */
  ck_assert_uint_eq(mbox(NPE_MBOX_RSP(7)), NPE_SOC_FW_READY);
  ck_assert_uint_eq(mbox(NPE_MBOX_HOST_IRQ_EN), 1);
  npe_dev *s = NULL;
  ck_assert_int_eq(npe_open("sim:?build=soc", &s), NPE_OK);
  npe_info iu, is;
  ck_assert_int_eq(npe_get_info(u, &iu), NPE_OK);
  ck_assert_int_eq(npe_get_info(s, &is), NPE_OK);
  ck_assert_str_eq(iu.transport, "uio-soc");
  ck_assert_uint_eq(iu.rows, is.rows);
  ck_assert_uint_eq(iu.formats, is.formats);
  ck_assert_uint_eq(iu.mem_size, is.mem_size);
  uint64_t rs = 16;
  /* odd byte counts: partial words at both ends */
  matmul3(u, s, NPE_FMT_INT8, NPE_FMT_INT8, 5, 7, 13, &rs);
  matmul3(u, s, NPE_FMT_INT8, NPE_FMT_TERNARY, 3, 9, 33, &rs);
  matmul3(u, s, NPE_FMT_FP4, NPE_FMT_FP4, 6, 5, 40, &rs);
  matmul3(u, s, NPE_FMT_POSIT8, NPE_FMT_POSIT8, 4, 4, 21, &rs);
  matmul3(u, s, NPE_FMT_POSIT16, NPE_FMT_POSIT16, 3, 5, 11, &rs);
  ck_assert_uint_gt(F.irq.count, 0); /* completions came as UIO interrupts */
  /* a DIAG sequence */
  enum { T = 6, H = 9 };
  int32_t a[T * H], b[T * H], hu[T * H], hs[T * H], gh[T * H], st[H];
  for (int i = 0; i < T * H; i++) {
    a[i] = (int32_t)(rng(&rs) % (2u << 30)) - (1 << 30);
    b[i] = (int32_t)(rng(&rs) >> 40) - (1 << 23);
  }
  npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = T, .hidden = H, .a = a, .b = b, .h = hu};
  ck_assert_int_eq(npe_rnn(u, &q), NPE_OK);
  q.h = hs;
  ck_assert_int_eq(npe_rnn(s, &q), NPE_OK);
  memset(st, 0, sizeof st);
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, st, gh), NPE_OK);
  ck_assert_int_eq(memcmp(hu, gh, sizeof gh), 0);
  ck_assert_int_eq(memcmp(hs, gh, sizeof gh), 0);
  /* a GRU sequence, INT8 weights */
  enum { GT = 3, GH = 4 };
  uint8_t w[3 * GH * GH];
  uint32_t wp[3 * GH * GH];
  int32_t x[GT * GH * 4], h0[GH], gu[GT * GH], gs[GT * GH], want[GT * GH], g0[GH];
  for (size_t i = 0; i < sizeof w; i++) w[i] = (uint8_t)rand_pattern(NPE_FMT_INT8, &rs), wp[i] = w[i];
  for (size_t i = 0; i < GT * GH * 4; i++) x[i] = (int32_t)(rng(&rs) % (16u << 16)) - (8 << 16);
  for (int i = 0; i < GH; i++) g0[i] = h0[i] = (int32_t)(rng(&rs) % (4u << 16)) - (2 << 16);
  npe_recur_gated g = {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_INT8, 12, 6, GH, GT, wp, x, NULL, 0};
  ck_assert_int_eq(npe_recur_gated_seq(&g, g0, NULL, want), NPE_OK);
  npe_rnn_seq r;
  memset(&r, 0, sizeof r);
  r.cell = NPE_RNN_GRU, r.steps = GT, r.hidden = GH, r.x = x;
  r.w_hh = npe_pats_u8(NPE_FMT_INT8, w), r.fmt_h = NPE_FMT_INT8, r.hshift = 12, r.acc_shift = 6;
  r.h0 = h0, r.h = gu;
  int rc = npe_rnn(u, &r);
  ck_assert_msg(rc == NPE_OK, "GRU: %s", npe_last_error(u));
  r.h = gs;
  ck_assert_int_eq(npe_rnn(s, &r), NPE_OK);
  ck_assert_int_eq(memcmp(gu, want, sizeof want), 0);
  ck_assert_int_eq(memcmp(gs, want, sizeof want), 0);
  npe_close(u);
  /* a firmware that runs is kept (nothing loaded), and serves */
  unsigned w0 = F.fw_writes;
  u = must_open("uio:0?soc=1");
  ck_assert_uint_eq(F.fw_writes, w0);
  matmul3(u, s, NPE_FMT_INT8, NPE_FMT_INT8, 2, 3, 5, &rs);
  npe_close(u);
  /* firmware= reloads it over the running one (whose READY stays set) */
  u = must_open("uio:uio0?soc=1&firmware=" FW "&timeout=50&clk=100");
  ck_assert_uint_gt(F.fw_writes, w0 + 1000);
  matmul3(u, s, NPE_FMT_INT8, NPE_FMT_TERNARY, 4, 2, 9, &rs);
  npe_close(u);
  npe_close(s);
  fake_down();
}
END_TEST

/* The transport itself: the window's bounds, partial words, the CSRs */
START_TEST(window_accesses) {
  fake_up(1);
  npe_uio_config c;
  char buf[256], msg[256];
  ck_assert_int_eq(npe_uio_parse("0?soc=1", &c, buf, sizeof buf), NPE_OK);
  ck_assert_int_eq(c.soc, 1);
  npe_transport t;
  uint64_t base, size;
  ck_assert_int_eq(npe_transport_uio_open(&c, &OPS, &t, &base, &size, msg, sizeof msg), NPE_OK);
  ck_assert_int_eq(t.offload, 1);
  uint32_t v;
  ck_assert_int_eq(t.csr_read(t.ctx, 0, &v), NPE_ERR_UNSUPPORTED);
  ck_assert_int_eq(t.csr_write(t.ctx, 0, 1), NPE_ERR_UNSUPPORTED);
  /* partial words: read-modify-write around them */
  uint8_t pat[16], got[16];
  for (int i = 0; i < 16; i++) pat[i] = (uint8_t)(0xa0 + i);
  ck_assert_int_eq(npesim_mem_write(F.sim, 0x200, pat, 16), 0);
  const uint8_t in[6] = {1, 2, 3, 4, 5, 6};
  ck_assert_int_eq(t.mem_write(t.ctx, 0x203, in, 6), NPE_OK);
  ck_assert_int_eq(npesim_mem_read(F.sim, 0x200, got, 16), 0);
  memcpy(pat + 3, in, 6);
  ck_assert_int_eq(memcmp(got, pat, 16), 0);
  memset(got, 0, sizeof got);
  ck_assert_int_eq(t.mem_read(t.ctx, 0x201, got, 7), NPE_OK);
  ck_assert_int_eq(memcmp(got, pat + 1, 7), 0);
  ck_assert_int_eq(t.mem_read(t.ctx, NPE_SOC_RAM_BYTES - 4, got, 4), NPE_OK); /* the last word */
  ck_assert_int_eq(t.mem_read(t.ctx, NPE_SOC_MBOX_BASE, got, 4), NPE_OK);
  ck_assert_uint_eq(got[0] | got[1] << 8 | got[2] << 16 | (uint32_t)got[3] << 24, NPE_MBOX_ID_VALUE);
  ck_assert_int_eq(t.mem_read(t.ctx, NPE_SOC_MBOX_BASE + 0xffc, got, 4), NPE_OK);
  /* outside the RAM and the mailbox, or across their ends */
  static const struct { uint64_t a; size_t n; } out[] = {
      {NPE_SOC_RAM_BYTES, 4},         {NPE_SOC_RAM_BYTES - 2, 4},   {0x30000, 4},
      {NPE_SOC_MBOX_BASE - 4, 4},     {NPE_SOC_MBOX_BASE + 0x1000, 4},
      {NPE_SOC_MBOX_BASE + 0xffc, 8}, {NPE_SOC_ENGINE_BASE, 4},     {1ull << 32, 4},
      {UINT64_MAX - 1, 4}};
  for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
    ck_assert_int_eq(t.mem_read(t.ctx, out[i].a, got, out[i].n), NPE_ERR_INVALID_ARG);
    ck_assert_int_eq(t.mem_write(t.ctx, out[i].a, got, out[i].n), NPE_ERR_INVALID_ARG);
  }
  ck_assert_msg(strstr(t.error(t.ctx), "outside its RAM"), "%s", t.error(t.ctx));
  /* the mailbox: whole aligned words only */
  ck_assert_int_eq(t.mem_write(t.ctx, NPE_SOC_MBOX_BASE + NPE_MBOX_REQ(0) + 1, in, 2),
                   NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(t.mem_read(t.ctx, NPE_SOC_MBOX_BASE + NPE_MBOX_RSP(0), got, 3),
                   NPE_ERR_INVALID_ARG);
  ck_assert_msg(strstr(t.error(t.ctx), "whole aligned words"), "%s", t.error(t.ctx));
  t.close(t.ctx);
  fake_down();
}
END_TEST

/* Writes an ELF32 file: one PT_LOAD of @p nw words at @p paddr (memsz
 * @p memsz), machine @p mach, entry @p entry; @p cut > 0 truncates the file
 * to that many bytes. */
static void write_elf(const char *path, unsigned mach, uint32_t entry, uint32_t paddr,
                      const uint32_t *words, unsigned nw, uint32_t memsz, size_t cut) {
  uint8_t img[512];
  memset(img, 0, sizeof img);
  Elf32_Ehdr eh;
  memset(&eh, 0, sizeof eh);
  memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS32, eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC, eh.e_machine = (Elf32_Half)mach, eh.e_version = EV_CURRENT;
  eh.e_entry = entry, eh.e_phoff = sizeof eh, eh.e_ehsize = sizeof eh;
  eh.e_phentsize = sizeof(Elf32_Phdr), eh.e_phnum = 1;
  Elf32_Phdr ph;
  memset(&ph, 0, sizeof ph);
  ph.p_type = PT_LOAD, ph.p_offset = 128, ph.p_vaddr = ph.p_paddr = paddr;
  ph.p_filesz = nw * 4, ph.p_memsz = memsz, ph.p_flags = PF_R | PF_X, ph.p_align = 4;
  memcpy(img, &eh, sizeof eh);
  memcpy(img + sizeof eh, &ph, sizeof ph);
  ck_assert_uint_le(128 + nw * 4, sizeof img);
  memcpy(img + 128, words, nw * 4);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(img, 1, cut ? cut : 128 + nw * 4, f), cut ? cut : 128 + nw * 4);
  fclose(f);
}

static void expect_fail(const char *uri, int want, const char *words) {
  fake_uio_expect_fail(&OPS, uri, want, words);
}

START_TEST(errors) {
  static const char *bad[] = {"uio:0?soc=1&mem=/dev/udmabuf0", "uio:0?soc=1&phys=0x38000000",
                              "uio:0?soc=1&size=65536", "uio:0?soc=1&phys=0",
                              "uio:0?mem=/dev/mem&firmware=/fw.elf", "uio:0?firmware=x.elf",
                              "uio:0?soc=2", "uio:0?soc=1&firmware=", "uio:0?soc=yes",
                              "uio:0?soc=1&mem=/dev/mem&phys=0x38000000&size=65536"};
  npe_uio_config c;
  char buf[256];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    npe_dev *d = NULL;
    ck_assert_msg(npe_open(bad[i], &d) == NPE_ERR_INVALID_ARG, "%s accepted", bad[i]);
    ck_assert_ptr_null(d);
  }
  ck_assert_int_eq(npe_uio_parse("0?soc=0", &c, buf, sizeof buf), NPE_OK); /* the engine's */
  ck_assert_int_eq(c.soc, 0);

  /* firmware files: a running firmware stays untouched by every refusal */
  fake_up(1);
  const unsigned w0 = F.fw_writes;
  char path[64], uri[160];
  snprintf(path, sizeof path, "/tmp/npe_uio_soc_XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "not an elf\n", 11), 11);
  close(fd);
  snprintf(uri, sizeof uri, "uio:0?soc=1&firmware=%s", path);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "is not an ELF file");
  expect_fail("uio:0?soc=1&firmware=/nonexistent/fw.elf", NPE_ERR_IO,
              "cannot read the SoC firmware /nonexistent/fw.elf");
  const uint32_t spin[2] = {0x0000006fu, 0x0000006fu}; /* j . */
  write_elf(path, EM_ARM, NPE_SOC_FW_BASE, NPE_SOC_FW_BASE, spin, 2, 8, 0);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "no RV32 executable");
  write_elf(path, EM_RISCV, NPE_SOC_FW_BASE, NPE_SOC_FW_BASE, spin, 2, 8, 40);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "truncated (40 bytes, no ELF header)");
  write_elf(path, EM_RISCV, NPE_SOC_FW_BASE, NPE_SOC_FW_BASE, spin, 2, 8, 70);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "truncated or has bad program headers");
  write_elf(path, EM_RISCV, NPE_SOC_FW_BASE, NPE_SOC_FW_BASE, spin, 2, 8, 130);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "truncated (segment 0");
  write_elf(path, EM_RISCV, NPE_SOC_FW_BASE, 0x8000, spin, 2, 8, 0);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "outside the firmware's RAM");
  write_elf(path, EM_RISCV, NPE_SOC_FW_BASE, NPE_SOC_RAM_BYTES - 4, spin, 2, 8, 0);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "outside the firmware's RAM");
  write_elf(path, EM_RISCV, NPE_SOC_FW_BASE, NPE_SOC_FW_BASE, spin, 2, 0x10004, 0);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "outside the firmware's RAM");
  write_elf(path, EM_RISCV, 0x10100, NPE_SOC_FW_BASE, spin, 2, 8, 0);
  expect_fail(uri, NPE_ERR_INVALID_ARG, "not the core's boot address");
  ck_assert_uint_eq(F.fw_writes, w0);
  npe_dev *d = must_open("uio:0?soc=1"); /* still up */
  npe_close(d);
  /* a firmware that never reports READY: the time-out, the core left spinning */
  write_elf(path, EM_RISCV, NPE_SOC_FW_BASE, NPE_SOC_FW_BASE, spin, 2, 8, 0);
  snprintf(uri, sizeof uri, "uio:0?soc=1&timeout=2&firmware=%s", path);
  uint64_t c0 = npesim_cycles(F.sim);
  expect_fail(uri, NPE_ERR_TIMEOUT, "did not come up within 2 ms");
  ck_assert_uint_ge(npesim_cycles(F.sim) - c0, 200000); /* 2 ms at 100 MHz */
  ck_assert_uint_eq(mbox(NPE_MBOX_CORE_CTRL), 1);
  /* (the earlier firmware's READY, which the core's reset keeps, did not
   * count: the boot's PING went unanswered) */
  ck_assert_uint_eq(mbox(NPE_MBOX_RSP(7)), NPE_SOC_FW_READY);
  fake_down();

  /* on a fresh SoC (RSP_7 0) the spinning image times out too */
  fake_up(0);
  expect_fail(uri, NPE_ERR_TIMEOUT, "RSP_7 00000000");
  fake_down();
  unlink(path);

  /* the device: missing, inaccessible, the engine's bitstream (4 KiB map),
   * nothing answering in the window */
  fake_up(0);
  F.uio_errno = ENOENT;
  expect_fail("uio:0?soc=1", NPE_ERR_IO, "no such device /dev/uio0 (is the SoC's bitstream");
  F.uio_errno = EACCES;
  expect_fail("uio:0?soc=1", NPE_ERR_IO, "permission denied opening /dev/uio0");
  F.uio_errno = 0;
  F.small_map = 1;
  expect_fail("uio:0?soc=1", NPE_ERR_IO, "the SoC's host window is 262144");
  F.small_map = 0;
  F.dead = 1;
  expect_fail("uio:0?soc=1", NPE_ERR_DEVICE, "no SoC mailbox");
  F.dead = 0;
  expect_fail("uio:0?soc=1&firmware=/nonexistent/fw.elf", NPE_ERR_IO, "firmware=PATH");
  fake_down();
}
END_TEST

int main(void) {
  Suite *s = suite_create("uio_soc");
  TCase *tc = tcase_create("uio_soc");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, jobs_like_sim_soc);
  tcase_add_test(tc, window_accesses);
  tcase_add_test(tc, errors);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
