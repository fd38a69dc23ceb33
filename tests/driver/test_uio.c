/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The uio: transport against a fake UIO device: the CSR map's 32-bit
 * accesses are forwarded to the simulated engine, the device memory is a
 * real shared file mapping that the simulator's memory model serves
 * (npesim_config.mem_ext) and that the transport maps again with mmap(2),
 * the interrupt follows the UIO protocol (write 1 to enable, poll, read the
 * count) on the simulator's IRQ line, and sysfs answers from a table. Only
 * the system calls themselves are faked (npe_uio_ops); everything above them
 * runs as on a board, and the engine is the Zynq board top's model
 * (NPESIM_BUILD_ZYNQ, fpga/zynq/npe_zynq_top.v). Checks: matmuls in every format pair and a DIAG
 * sequence bit-exact against the golden model; the bytes really live in
 * the file; the DMA window set to the buffer; URIs; every open failure with
 * its message.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "npe.h"
#include "npe_internal.h"
#include "npe_regs.h"
#include "npe_transport_uio.h"
#include "fake_uio.h"
#include "npesim.h"
#include "test_rand.h"

#define PHYS 0x38000000ull
#define MEM_SIZE (4ull << 20)
#define FAKE_FD 1000

typedef struct fake {
  npesim *sim;
  char path[64];            /* the temp file standing in for /dev/udmabuf0 */
  uint8_t *sim_view;        /* the simulator's mapping of it */
  uint32_t csr_page[1024];  /* the "mapping" of the UIO map: only its addresses matter */
  fake_uio_irq irq;         /* the UIO interrupt protocol */
  int uio_errno, mem_errno; /* open(2) failures to inject */
  int no_sysfs, small_map, fail_map, dead_engine;
  int mapped_mem;           /* mappings of the memory file alive */
} fake;

static int f_open(void *h, const char *path) {
  fake *f = h;
  if (!strcmp(path, "/dev/uio0")) return f->uio_errno ? -f->uio_errno : FAKE_FD;
  if (!strcmp(path, "/dev/udmabuf0") || !strcmp(path, "/dev/mem")) {
    if (f->mem_errno) return -f->mem_errno;
    int fd = open(f->path, O_RDWR | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
  }
  return -ENOENT;
}
static void f_close(void *h, int fd) {
  (void)h;
  if (fd != FAKE_FD) close(fd);
}
static void *f_map(void *h, int fd, size_t len, uint64_t off) {
  fake *f = h;
  if (f->fail_map) {
    errno = ENOMEM;
    return NULL;
  }
  if (fd == FAKE_FD) return len <= sizeof f->csr_page && off == 0 ? f->csr_page : NULL;
  /* /dev/mem maps at the physical address, a u-dma-buf at 0: both the file's start */
  if (off != 0 && off != PHYS) return NULL;
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return NULL;
  f->mapped_mem++;
  return p;
}
static void f_unmap(void *h, void *p, size_t len) {
  fake *f = h;
  if (p == f->csr_page) return;
  munmap(p, len);
  f->mapped_mem--;
}
static uint32_t f_rd32(void *h, volatile uint32_t *p) {
  fake *f = h;
  uint32_t v = 0;
  if (!f->dead_engine) npesim_csr_read(f->sim, (uint32_t)((p - f->csr_page) * 4), &v);
  return v;
}
static void f_wr32(void *h, volatile uint32_t *p, uint32_t v) {
  fake *f = h;
  if (!f->dead_engine) npesim_csr_write(f->sim, (uint32_t)((p - f->csr_page) * 4), v);
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
  const char *v = NULL;
  if (!strcmp(path, "/sys/class/uio/uio0/maps/map0/size")) v = f->small_map ? "0x100\n" : "0x00001000\n";
  if (!f->no_sysfs && !strcmp(path, "/sys/class/u-dma-buf/udmabuf0/phys_addr")) v = "0x38000000\n";
  if (!f->no_sysfs && !strcmp(path, "/sys/class/u-dma-buf/udmabuf0/size")) v = "4194304\n";
  if (!v) return -ENOENT;
  snprintf(buf, cap, "%s", v);
  return (int)strlen(buf);
}
static uint64_t f_now_us(void *h) { return fake_uio_now_us(((fake *)h)->sim); }

static fake F;
static npe_uio_ops OPS;

static void fake_up(void) {
  memset(&F, 0, sizeof F);
  snprintf(F.path, sizeof F.path, "/tmp/npe_uio_mem_XXXXXX");
  int fd = mkstemp(F.path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(ftruncate(fd, (off_t)MEM_SIZE), 0);
  F.sim_view = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ck_assert(F.sim_view != MAP_FAILED);
  close(fd);
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.mem_base = PHYS;
  c.mem_size = MEM_SIZE;
  c.mem_ext = F.sim_view;
  c.read_latency = 60;
  c.build = NPESIM_BUILD_ZYNQ; /* the board top the uio: transport is for */
  ck_assert_int_eq(npesim_create(&c, &F.sim), 0);
  npe_uio_ops o = {&F, f_open, f_close, f_map, f_unmap, f_rd32, f_wr32, f_irq_enable,
                   f_irq_wait, f_read_file, f_now_us};
  OPS = o;
}

static void fake_down(void) {
  char msg[200];
  size_t n = npesim_axi_errors(F.sim, msg, sizeof msg); /* 16-beat bursts included */
  ck_assert_msg(n == 0, "AXI protocol violations: %zu, first: %s", n, msg);
  npesim_destroy(F.sim);
  munmap(F.sim_view, MEM_SIZE);
  unlink(F.path);
  ck_assert_int_eq(F.mapped_mem, 0); /* the transport unmapped what it mapped */
}

static int open_uio(const char *uri, npe_dev **d, char *msg, size_t cap) {
  return fake_uio_open(&OPS, uri, d, msg, cap);
}

START_TEST(matmuls_and_a_sequence) {
  fake_up();
  npe_dev *d = NULL;
  char msg[256];
  ck_assert_msg(open_uio("uio:/dev/uio0?mem=/dev/udmabuf0", &d, msg, sizeof msg) == NPE_OK, "%s",
                msg);
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_str_eq(in.transport, "uio");
  ck_assert_uint_eq(in.mem_size, MEM_SIZE);
  /* the DMA window is the buffer, from sysfs */
  uint32_t lo, hi;
  npesim_csr_read(F.sim, NPE_DMA_WIN_BASE_LO_REG_OFFSET, &lo);
  npesim_csr_read(F.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, &hi);
  ck_assert_uint_eq(lo, (uint32_t)PHYS);
  ck_assert_uint_eq(hi, (uint32_t)(PHYS + MEM_SIZE));
  static const npe_fmt pairs[6][2] = {
      {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};
  uint64_t s = 77;
  for (int p = 0; p < 6; p++) {
    uint32_t m = 9 + (uint32_t)p, n = 20, k = 70;
    uint8_t *a8 = malloc((size_t)m * k), *b8 = malloc((size_t)n * k);
    uint16_t *a16 = malloc((size_t)m * k * 2), *b16 = malloc((size_t)n * k * 2);
    float *c = malloc((size_t)m * n * 4), *g = malloc((size_t)m * n * 4);
    ck_assert(a8 && b8 && a16 && b16 && c && g);
    int wide = pairs[p][0] == NPE_FMT_POSIT16;
    for (size_t i = 0; i < (size_t)m * k; i++) {
      uint32_t v = rand_pattern(pairs[p][0], &s);
      a8[i] = (uint8_t)v, a16[i] = (uint16_t)v;
    }
    for (size_t i = 0; i < (size_t)n * k; i++) {
      uint32_t v = rand_pattern(pairs[p][1], &s);
      b8[i] = (uint8_t)v, b16[i] = (uint16_t)v;
    }
    npe_pats pa = wide ? npe_pats_u16(pairs[p][0], a16) : npe_pats_u8(pairs[p][0], a8);
    npe_pats pb = wide ? npe_pats_u16(pairs[p][1], b16) : npe_pats_u8(pairs[p][1], b8);
    npe_tensor ta = {pa, m, k, 0, 0.5f}, tb = {pb, n, k, 0, 0};
    npe_output out = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
    ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out), NPE_OK);
    ck_assert_int_eq(npe_golden_matmul_f32(pa, k, pb, k, m, n, k, 0.5f, g, n), NPE_OK);
    ck_assert_msg(memcmp(c, g, (size_t)m * n * 4) == 0, "pair %d: not the golden result", p);
    free(a8), free(b8), free(a16), free(b16), free(c), free(g);
  }
  ck_assert_uint_gt(F.irq.count, 0); /* completions came as interrupts */
  /* a DIAG sequence */
  enum { T = 50, H = 40 };
  int32_t a[T * H], b[T * H], h[T * H], gh[T * H], st[H];
  for (int i = 0; i < T * H; i++) {
    a[i] = (int32_t)(rng(&s) % (2u << 30)) - (1 << 30);
    b[i] = (int32_t)(rng(&s) >> 40) - (1 << 23);
  }
  npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = T, .hidden = H, .a = a, .b = b, .h = h};
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  memset(st, 0, sizeof st);
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, st, gh), NPE_OK);
  ck_assert_int_eq(memcmp(h, gh, sizeof h), 0);
  /* the bytes the driver writes are in the file */
  npe_buf *buf;
  const char hello[] = "written through uio:";
  ck_assert_int_eq(npe_buf_alloc(d, 64, &buf), NPE_OK);
  ck_assert_int_eq(npe_buf_write(d, buf, 0, hello, sizeof hello), NPE_OK);
  ck_assert_int_eq(memcmp(F.sim_view + (buf->addr - PHYS), hello, sizeof hello), 0);
  npe_buf_free(d, buf);
  npe_close(d);
  fake_down();
}
END_TEST

/* /dev/mem with a reserved region named in the URI, and the map index */
START_TEST(dev_mem_region) {
  fake_up();
  F.no_sysfs = 1;
  npe_dev *d = NULL;
  char msg[256];
  ck_assert_msg(open_uio("uio:uio0?mem=/dev/mem&phys=0x38000000&size=4194304&timeout=50&clk=100",
                         &d, msg, sizeof msg) == NPE_OK, "%s", msg);
  uint8_t a[64], b[64];
  float c[16];
  for (int i = 0; i < 64; i++) a[i] = (uint8_t)(i * 3), b[i] = (uint8_t)(100 - i);
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), 4, 16, 0, 0}, tb = {npe_pats_u8(NPE_FMT_INT8, b), 4, 16, 0, 0};
  npe_output out = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out), NPE_OK);
  float g[16];
  npe_golden_matmul_f32(ta.data, 16, tb.data, 16, 4, 4, 16, 1.0f, g, 4);
  ck_assert_int_eq(memcmp(c, g, sizeof c), 0);
  npe_close(d);
  fake_down();
}
END_TEST

static void expect_fail(const char *uri, int want, const char *words) {
  fake_uio_expect_fail(&OPS, uri, want, words);
}

START_TEST(open_failures) {
  fake_up();
  const char *good = "uio:/dev/uio0?mem=/dev/udmabuf0";
  F.uio_errno = ENOENT;
  expect_fail(good, NPE_ERR_IO, "no such device /dev/uio0");
  F.uio_errno = EACCES;
  expect_fail(good, NPE_ERR_IO, "permission denied opening /dev/uio0");
  expect_fail(good, NPE_ERR_IO, "SUBSYSTEM==\"uio\"");
  F.uio_errno = 0;
  F.mem_errno = EACCES;
  expect_fail(good, NPE_ERR_IO, "permission denied opening /dev/udmabuf0");
  F.mem_errno = ENOENT;
  expect_fail(good, NPE_ERR_IO, "u-dma-buf module");
  F.mem_errno = 0;
  expect_fail("uio:/dev/uio0", NPE_ERR_IO, "name the device memory");
  expect_fail("uio:0?mem=/dev/mem", NPE_ERR_IO, "give phys=ADDR and size=BYTES");
  F.no_sysfs = 1;
  expect_fail(good, NPE_ERR_IO, "cannot read /sys/class/u-dma-buf/udmabuf0/phys_addr");
  F.no_sysfs = 0;
  F.small_map = 1;
  expect_fail(good, NPE_ERR_IO, "map 0 is 256 bytes");
  F.small_map = 0;
  F.fail_map = 1;
  expect_fail(good, NPE_ERR_IO, "cannot map /dev/uio0");
  F.fail_map = 0;
  F.dead_engine = 1; /* nothing answers in the logic: ID reads 0 */
  expect_fail(good, NPE_ERR_DEVICE, "does not identify itself");
  F.dead_engine = 0;
  ck_assert_int_eq(F.mapped_mem, 0);
  /* bad URIs */
  static const char *bad[] = {"uio:", "uio:?mem=/dev/udmabuf0", "uio:dev0?mem=/dev/mem",
                              "uio:0?mem=dev/udmabuf0", "uio:0?mem=/dev/mem&phys=0x123&size=65536",
                              "uio:0?mem=/dev/mem&phys=0x10000&size=4096", "uio:0?map=9",
                              "uio:0?timeout=0", "uio:0?clk=0", "uio:0?colour=red", "uio:0?mem",
                              "uio:0?phys=-1", "uio:0?size=0x10000x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    npe_dev *d = NULL;
    ck_assert_msg(open_uio(bad[i], &d, NULL, 0) == NPE_ERR_INVALID_ARG, "%s accepted", bad[i]);
  }
  fake_down();
  /* the real system calls: no such node here */
  npe_dev *d = NULL;
  char msg[256];
  ck_assert_int_eq(npe_open_msg("uio:/dev/uio97?mem=/dev/mem&phys=0x10000000&size=65536", &d, msg,
                                sizeof msg),
                   NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "no such device /dev/uio97"), "%s", msg);
}
END_TEST

int main(void) {
  Suite *s = suite_create("uio");
  TCase *tc = tcase_create("uio");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, matmuls_and_a_sequence);
  tcase_add_test(tc, dev_mem_region);
  tcase_add_test(tc, open_failures);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
