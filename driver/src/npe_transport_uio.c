/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_uio.c - the uio: transport (npe_transport_uio.h). */
#define _GNU_SOURCE
#include "npe_transport_uio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "npe_format.h"
#include "npe_regs.h"

#define CSR_BYTES 4096u /* the engine's CSR space: 12-bit addresses */

/* ---- URI ------------------------------------------------------------------ */

/* Copies @p n bytes of @p s into buf at *used as a string. */
static const char *keep(const char *s, size_t n, char *buf, size_t cap, size_t *used) {
  if (*used + n + 1 > cap) return NULL;
  char *d = buf + *used;
  memcpy(d, s, n);
  d[n] = 0;
  *used += n + 1;
  return d;
}

static int parse_u64(const char *v, uint64_t *out) {
  char *end;
  if (!*v || *v == '-') return -1;
  errno = 0;
  unsigned long long x = strtoull(v, &end, 0);
  if (*end || errno) return -1;
  *out = x;
  return 0;
}

int npe_uio_parse(const char *rest, npe_uio_config *c, char *buf, size_t cap) {
  if (!rest || !c || !buf) return NPE_ERR_INVALID_ARG;
  memset(c, 0, sizeof *c);
  c->timeout_ms = 1000;
  c->clk_mhz = 100;
  size_t used = 0, n = strcspn(rest, "?");
  if (n == 0) return NPE_ERR_INVALID_ARG;
  char dev[64];
  if (n >= sizeof dev - 5) return NPE_ERR_INVALID_ARG;
  /* "N" and "uioN" name /dev/uioN; anything else is a path */
  if (strspn(rest, "0123456789") == n)
    snprintf(dev, sizeof dev, "/dev/uio%.*s", (int)n, rest);
  else if (!strncmp(rest, "uio", 3) && n > 3 && strspn(rest + 3, "0123456789") == n - 3)
    snprintf(dev, sizeof dev, "/dev/%.*s", (int)n, rest);
  else if (rest[0] == '/')
    snprintf(dev, sizeof dev, "%.*s", (int)n, rest);
  else
    return NPE_ERR_INVALID_ARG;
  if (!(c->dev = keep(dev, strlen(dev), buf, cap, &used))) return NPE_ERR_INVALID_ARG;
  const char *p = rest + n;
  if (*p == '?') p++;
  while (*p) {
    size_t len = strcspn(p, "&"), klen = strcspn(p, "=");
    if (klen >= len || klen == 0 || klen + 1 == len) return NPE_ERR_INVALID_ARG;
    char key[16], val[256];
    if (klen >= sizeof key || len - klen - 1 >= sizeof val) return NPE_ERR_INVALID_ARG;
    memcpy(key, p, klen), key[klen] = 0;
    memcpy(val, p + klen + 1, len - klen - 1), val[len - klen - 1] = 0;
    uint64_t v = 0;
    if (!strcmp(key, "mem")) {
      if (val[0] != '/' || !(c->mem = keep(val, strlen(val), buf, cap, &used)))
        return NPE_ERR_INVALID_ARG;
    } else if (parse_u64(val, &v)) {
      return NPE_ERR_INVALID_ARG;
    } else if (!strcmp(key, "map") && v <= 4) {
      c->map = (unsigned)v;
    } else if (!strcmp(key, "phys") && v % 4096 == 0) {
      c->phys = v;
    } else if (!strcmp(key, "size") && v >= 65536 && v % 4096 == 0 && v <= (1ull << 40)) {
      c->size = v;
    } else if (!strcmp(key, "timeout") && v >= 1 && v <= 600000) {
      c->timeout_ms = (unsigned)v;
    } else if (!strcmp(key, "clk") && v >= 1 && v <= 2000) {
      c->clk_mhz = (unsigned)v;
    } else {
      return NPE_ERR_INVALID_ARG;
    }
    p += len;
    if (*p == '&') p++;
  }
  return NPE_OK;
}

/* ---- the real system calls -------------------------------------------------- */

static int real_open(void *h, const char *path) {
  (void)h;
  int fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}
static void real_close(void *h, int fd) {
  (void)h;
  close(fd);
}
static void *real_map(void *h, int fd, size_t len, uint64_t off) {
  (void)h;
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
  return p == MAP_FAILED ? NULL : p;
}
static void real_unmap(void *h, void *p, size_t len) {
  (void)h;
  munmap(p, len);
}
static uint32_t real_rd32(void *h, volatile uint32_t *p) {
  (void)h;
  return *p;
}
static void real_wr32(void *h, volatile uint32_t *p, uint32_t v) {
  (void)h;
  *p = v;
}
static int real_irq_enable(void *h, int fd) {
  (void)h;
  uint32_t one = 1;
  return write(fd, &one, sizeof one) == (ssize_t)sizeof one ? 0 : -errno;
}
static int real_irq_wait(void *h, int fd, uint64_t timeout_us) {
  (void)h;
  struct pollfd pf = {fd, POLLIN, 0};
  int ms = (int)((timeout_us + 999) / 1000);
  int r = poll(&pf, 1, ms < 1 ? 1 : ms);
  if (r < 0) return -errno;
  if (r == 0) return 0;
  uint32_t count;
  return read(fd, &count, sizeof count) == (ssize_t)sizeof count ? 1 : -errno;
}
static int real_read_file(void *h, const char *path, char *buf, size_t cap) {
  (void)h;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = read(fd, buf, cap - 1);
  int e = errno;
  close(fd);
  if (n < 0) return -e;
  buf[n] = 0;
  return (int)n;
}

static uint64_t real_now_us(void *h) {
  (void)h;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

const npe_uio_ops *npe_uio_real_ops(void) {
  static const npe_uio_ops ops = {NULL,          real_open,      real_close, real_map,
                                  real_unmap,    real_rd32,      real_wr32,  real_irq_enable,
                                  real_irq_wait, real_read_file, real_now_us};
  return &ops;
}

/* ---- the transport ------------------------------------------------------------ */

typedef struct uio {
  const npe_uio_ops *ops;
  int fd, mfd;                 /* the UIO node, the memory node */
  volatile uint32_t *csr;      /* CSR_BYTES mapped */
  size_t csr_len;
  uint8_t *mem;                /* device memory mapped */
  uint64_t phys, size;
  uint64_t timeout_us;
  uint64_t t0_us;              /* when it was opened */
  unsigned clk_mhz;
  char err[256];
} uio;

static int u_csr_read(void *ctx, uint32_t off, uint32_t *val) {
  uio *u = ctx;
  if (off % 4 || off >= CSR_BYTES || !val) return NPE_ERR_INVALID_ARG;
  *val = u->ops->rd32(u->ops->h, u->csr + off / 4);
  return NPE_OK;
}

static int u_csr_write(void *ctx, uint32_t off, uint32_t val) {
  uio *u = ctx;
  if (off % 4 || off >= CSR_BYTES) return NPE_ERR_INVALID_ARG;
  u->ops->wr32(u->ops->h, u->csr + off / 4, val);
  return NPE_OK;
}

static int in_mem(const uio *u, uint64_t addr, size_t len) {
  return addr >= u->phys && len <= u->size && addr - u->phys <= u->size - len;
}

static int u_mem_write(void *ctx, uint64_t addr, const void *src, size_t len) {
  uio *u = ctx;
  if ((len && !src) || !in_mem(u, addr, len)) return NPE_ERR_INVALID_ARG;
  memcpy(u->mem + (addr - u->phys), src, len);
  __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the data before the doorbell */
  return NPE_OK;
}

static int u_mem_read(void *ctx, uint64_t addr, void *dst, size_t len) {
  uio *u = ctx;
  if ((len && !dst) || !in_mem(u, addr, len)) return NPE_ERR_INVALID_ARG;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  memcpy(dst, u->mem + (addr - u->phys), len);
  return NPE_OK;
}

/* Re-enable the interrupt and wait for it, at most @p budget microseconds
 * (and the URI's timeout). A timeout is no error: the caller polls HEAD. */
static int u_wait(void *ctx, uint64_t budget) {
  uio *u = ctx;
  int r = u->ops->irq_enable(u->ops->h, u->fd);
  if (r < 0) {
    snprintf(u->err, sizeof u->err, "uio: cannot enable the interrupt: %s", strerror(-r));
    return NPE_ERR_IO;
  }
  r = u->ops->irq_wait(u->ops->h, u->fd, budget < u->timeout_us ? budget : u->timeout_us);
  if (r < 0) {
    snprintf(u->err, sizeof u->err, "uio: waiting for the interrupt: %s", strerror(-r));
    return NPE_ERR_IO;
  }
  return NPE_OK;
}

/* Device cycles, estimated from the wall clock and the engine's clock (the
 * ring's timeouts count them; the statistics come from the engine's own
 * counters). */
static uint64_t u_cycles(void *ctx) {
  uio *u = ctx;
  return (u->ops->now_us(u->ops->h) - u->t0_us) * u->clk_mhz;
}

static void u_close(void *ctx) {
  uio *u = ctx;
  if (!u) return;
  if (u->mem) u->ops->unmap(u->ops->h, u->mem, u->size);
  if (u->csr) u->ops->unmap(u->ops->h, (void *)(uintptr_t)u->csr, u->csr_len);
  if (u->mfd >= 0) u->ops->close(u->ops->h, u->mfd);
  if (u->fd >= 0) u->ops->close(u->ops->h, u->fd);
  free(u);
}

static const char *u_error(void *ctx) { return ((uio *)ctx)->err; }

/* The last path component of @p path. */
static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* A number in a sysfs file (decimal or 0x-hex); 0 ok, else -1. */
static int sysfs_u64(const npe_uio_ops *ops, const char *path, uint64_t *v) {
  char b[64];
  if (ops->read_file(ops->h, path, b, sizeof b) <= 0) return -1;
  b[strcspn(b, "\n")] = 0;
  return parse_u64(b, v);
}

static int open_fail(char *msg, size_t cap, const char *path, int e, const char *what) {
  if (e == -EACCES || e == -EPERM)
    snprintf(msg, cap, "uio: permission denied opening %s: run as root or add a udev rule such "
                       "as SUBSYSTEM==\"%s\", MODE=\"0660\", GROUP=\"plugdev\"",
             path, what);
  else if (e == -ENOENT || e == -ENODEV || e == -ENXIO)
    snprintf(msg, cap, "uio: no such device %s (%s)", path,
             !strcmp(what, "uio") ? "is the bitstream loaded, with a uio_pdrv_genirq node for the "
                                    "engine in the device tree?"
                                  : "is the u-dma-buf module loaded?");
  else
    snprintf(msg, cap, "uio: cannot open %s: %s", path, strerror(-e));
  return NPE_ERR_IO;
}

int npe_transport_uio_open(const npe_uio_config *c, const npe_uio_ops *ops, npe_transport *t,
                           uint64_t *base, uint64_t *size, char *msg, size_t cap) {
  char dummy[8];
  if (!msg || !cap) msg = dummy, cap = sizeof dummy;
  msg[0] = 0;
  if (!c || !c->dev || !t || !base || !size) return NPE_ERR_INVALID_ARG;
  if (!ops) ops = npe_uio_real_ops();
  if (!c->mem) {
    snprintf(msg, cap, "uio: %s: name the device memory: mem=/dev/udmabufN (a u-dma-buf), or "
                       "mem=/dev/mem&phys=ADDR&size=BYTES (a reserved region)", c->dev);
    return NPE_ERR_IO;
  }
  uio *u = calloc(1, sizeof *u);
  if (!u) return NPE_ERR_NO_MEM;
  u->ops = ops;
  u->fd = u->mfd = -1;
  u->timeout_us = (uint64_t)c->timeout_ms * 1000u;
  u->clk_mhz = c->clk_mhz ? c->clk_mhz : 100;
  u->t0_us = ops->now_us(ops->h);
  int rc = NPE_ERR_IO;
  char path[160];

  /* the CSR map: its size from sysfs when there is one (at least 4 KiB) */
  u->csr_len = CSR_BYTES;
  uint64_t msize = 0;
  snprintf(path, sizeof path, "/sys/class/uio/%s/maps/map%u/size", base_name(c->dev), c->map);
  if (!sysfs_u64(ops, path, &msize)) {
    if (msize < CSR_BYTES) {
      snprintf(msg, cap, "uio: %s map %u is %llu bytes; the engine's CSRs need %u (wrong map=?)",
               c->dev, c->map, (unsigned long long)msize, CSR_BYTES);
      goto fail;
    }
    u->csr_len = (size_t)msize;
  }
  int fd = ops->open(ops->h, c->dev);
  if (fd < 0) {
    rc = open_fail(msg, cap, c->dev, fd, "uio");
    goto fail;
  }
  u->fd = fd;
  long page = sysconf(_SC_PAGESIZE);
  u->csr = ops->map(ops->h, u->fd, u->csr_len, (uint64_t)c->map * (uint64_t)(page > 0 ? page : 4096));
  if (!u->csr) {
    snprintf(msg, cap, "uio: cannot map %s map %u: %s", c->dev, c->map, strerror(errno));
    goto fail;
  }

  /* device memory: u-dma-buf's address and size from sysfs unless given */
  u->phys = c->phys, u->size = c->size;
  int devmem = !strcmp(c->mem, "/dev/mem");
  if (!u->phys || !u->size) {
    const char *name = base_name(c->mem);
    uint64_t v;
    if (devmem || strncmp(name, "udmabuf", 7)) {
      snprintf(msg, cap, "uio: %s: give phys=ADDR and size=BYTES (only a u-dma-buf's are found "
                         "in sysfs)", c->mem);
      goto fail;
    }
    snprintf(path, sizeof path, "/sys/class/u-dma-buf/%s/phys_addr", name);
    if (!u->phys) {
      if (sysfs_u64(ops, path, &v) || !v || v % 4096) {
        snprintf(msg, cap, "uio: cannot read %s (give phys=ADDR)", path);
        goto fail;
      }
      u->phys = v;
    }
    snprintf(path, sizeof path, "/sys/class/u-dma-buf/%s/size", name);
    if (!u->size) {
      if (sysfs_u64(ops, path, &v) || v < 65536) {
        snprintf(msg, cap, "uio: cannot read %s, or under 64 KiB (give size=BYTES)", path);
        goto fail;
      }
      u->size = v & ~4095ull;
    }
  }
  fd = ops->open(ops->h, c->mem);
  if (fd < 0) {
    rc = open_fail(msg, cap, c->mem, fd, devmem ? "mem" : "u-dma-buf");
    goto fail;
  }
  u->mfd = fd;
  u->mem = ops->map(ops->h, u->mfd, (size_t)u->size, devmem ? u->phys : 0);
  if (!u->mem) {
    snprintf(msg, cap, "uio: cannot map %llu bytes of %s: %s", (unsigned long long)u->size,
             c->mem, strerror(errno));
    goto fail;
  }

  /* the DMA may touch exactly that memory */
  uint64_t lim = u->phys + u->size;
  u_csr_write(u, NPE_DMA_WIN_BASE_LO_REG_OFFSET, (uint32_t)u->phys);
  u_csr_write(u, NPE_DMA_WIN_BASE_HI_REG_OFFSET, (uint32_t)(u->phys >> 32));
  u_csr_write(u, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, (uint32_t)lim);
  u_csr_write(u, NPE_DMA_WIN_LIMIT_HI_REG_OFFSET, (uint32_t)(lim >> 32));

  t->ctx = u;
  t->csr_read = u_csr_read;
  t->csr_write = u_csr_write;
  t->mem_write = u_mem_write;
  t->mem_read = u_mem_read;
  t->wait = u_wait;
  t->cycles = u_cycles;
  t->close = u_close;
  t->error = u_error;
  *base = u->phys;
  *size = u->size;
  return NPE_OK;
fail:
  u_close(u);
  return rc;
}
