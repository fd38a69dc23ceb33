/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_uio.c - the uio: transport (npe_transport_uio.h). */
#define _GNU_SOURCE
#include "npe_transport_uio.h"

#include <elf.h>
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
#include "npe_soc.h"

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
  int mem_opts = 0; /* mem=, phys= or size= given */
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
      mem_opts = 1;
    } else if (!strcmp(key, "firmware")) {
      if (!(c->firmware = keep(val, strlen(val), buf, cap, &used))) return NPE_ERR_INVALID_ARG;
    } else if (parse_u64(val, &v)) {
      return NPE_ERR_INVALID_ARG;
    } else if (!strcmp(key, "soc") && v <= 1) {
      c->soc = (int)v;
    } else if (!strcmp(key, "map") && v <= 4) {
      c->map = (unsigned)v;
    } else if (!strcmp(key, "phys") && v % 4096 == 0) {
      c->phys = v, mem_opts = 1;
    } else if (!strcmp(key, "size") && v >= 65536 && v % 4096 == 0 && v <= (1ull << 40)) {
      c->size = v, mem_opts = 1;
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
  /* the SoC's window holds its memory: no device memory of the host's;
   * a firmware only for the SoC */
  if ((c->soc && mem_opts) || (!c->soc && c->firmware)) return NPE_ERR_INVALID_ARG;
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

/* ---- soc=1: the SoC's host window -------------------------------------------- */

/* The window offset of SoC address @p addr (@p len bytes), or -1 when it is
 * outside the RAM and the mailbox; *mbox tells which. */
static int64_t soc_off(uint64_t addr, size_t len, int *mbox) {
  *mbox = 0;
  if (addr < NPE_SOC_RAM_BYTES && len <= NPE_SOC_RAM_BYTES - addr) return (int64_t)addr;
  if (addr >= NPE_SOC_MBOX_BASE && addr - NPE_SOC_MBOX_BASE < NPE_UIO_SOC_MBOX_BYTES &&
      len <= NPE_UIO_SOC_MBOX_BYTES - (addr - NPE_SOC_MBOX_BASE)) {
    *mbox = 1;
#ifdef NPE_PLANT_UIO_SOC_MBOX /* a planted bug: the mailbox one word off */
    return (int64_t)(NPE_UIO_SOC_MBOX_OFF + 4u + (addr - NPE_SOC_MBOX_BASE));
#else
    return (int64_t)(NPE_UIO_SOC_MBOX_OFF + (addr - NPE_SOC_MBOX_BASE));
#endif
  }
  return -1;
}

static int soc_csr(void *ctx, uint32_t off, uint32_t *val) {
  (void)ctx, (void)off, (void)val;
  return NPE_ERR_UNSUPPORTED; /* the engine's CSRs are the core's alone */
}
static int soc_csr_write(void *ctx, uint32_t off, uint32_t val) {
  (void)ctx, (void)off, (void)val;
  return NPE_ERR_UNSUPPORTED;
}

static uint32_t win_rd(uio *u, uint32_t off) { return u->ops->rd32(u->ops->h, u->csr + off / 4); }
static void win_wr(uio *u, uint32_t off, uint32_t v) { u->ops->wr32(u->ops->h, u->csr + off / 4, v); }

/* Checks a SoC access; its window offset in *off. */
static int soc_check(uio *u, uint64_t addr, size_t len, const void *p, uint32_t *off) {
  int mbox;
  int64_t o = soc_off(addr, len, &mbox);
  if (len && !p) return NPE_ERR_INVALID_ARG;
  if (o < 0) {
    snprintf(u->err, sizeof u->err, "uio: SoC address 0x%llx (%zu bytes) is outside its RAM "
             "[0, 0x%x) and mailbox [0x%x, 0x%x)", (unsigned long long)addr, len,
             NPE_SOC_RAM_BYTES, NPE_SOC_MBOX_BASE, NPE_SOC_MBOX_BASE + NPE_UIO_SOC_MBOX_BYTES);
    return NPE_ERR_INVALID_ARG;
  }
  if (mbox && (addr % 4 || len % 4)) {
    snprintf(u->err, sizeof u->err, "uio: the SoC's mailbox takes whole aligned words "
             "(0x%llx, %zu bytes)", (unsigned long long)addr, len);
    return NPE_ERR_INVALID_ARG;
  }
  *off = (uint32_t)o;
  return NPE_OK;
}

/* 32-bit word accesses, little endian; a partial first or last word is read,
 * merged and written back (RAM only: the mailbox takes whole words). */
static int soc_mem_write(void *ctx, uint64_t addr, const void *src, size_t len) {
  uio *u = ctx;
  uint32_t off;
  int rc = soc_check(u, addr, len, src, &off);
  if (rc) return rc;
  const uint8_t *p = src;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  for (size_t i = 0; i < len;) {
    uint32_t o = off + (uint32_t)i, w = o & ~3u, b = o & 3u;
    uint32_t n = len - i < 4 - b ? (uint32_t)(len - i) : 4 - b, v;
    if (n == 4) {
      v = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
          (uint32_t)p[i + 3] << 24;
    } else {
      v = win_rd(u, w);
#ifdef NPE_PLANT_UIO_SOC_RMW /* a planted bug: a partial word's bytes in the wrong lanes */
      b = 0;
#endif
      for (uint32_t k = 0; k < n; k++)
        v = (v & ~(0xffu << 8 * (b + k))) | (uint32_t)p[i + k] << 8 * (b + k);
    }
    win_wr(u, w, v);
    i += n;
  }
  return NPE_OK;
}

static int soc_mem_read(void *ctx, uint64_t addr, void *dst, size_t len) {
  uio *u = ctx;
  uint32_t off;
  int rc = soc_check(u, addr, len, dst, &off);
  if (rc) return rc;
  uint8_t *p = dst;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  for (size_t i = 0; i < len;) {
    uint32_t o = off + (uint32_t)i, b = o & 3u, v = win_rd(u, o & ~3u);
    for (; b < 4 && i < len; b++, i++) p[i] = (uint8_t)(v >> 8 * b);
  }
  return NPE_OK;
}

#define SOC_MBOX(r) (NPE_UIO_SOC_MBOX_OFF + (r))
#define SOC_BOOT_TAG 0x424f4f54u /* "BOOT": the boot's PING */
#define SOC_ELF_MAX (16u << 20)

/* Reads the whole file @p path (at most SOC_ELF_MAX bytes). */
static int slurp(const char *path, uint8_t **out, size_t *n, char *msg, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(msg, cap, "uio: cannot read the SoC firmware %s: %s%s", path, strerror(errno),
             errno == ENOENT ? " (make firmware builds " NPE_UIO_SOC_FIRMWARE_DEFAULT
                               "; firmware=PATH)" : "");
    return NPE_ERR_IO;
  }
  size_t have = 0, cap2 = 65536;
  uint8_t *b = malloc(cap2);
  int rc = NPE_OK;
  for (;;) {
    if (!b) {
      rc = NPE_ERR_NO_MEM;
      break;
    }
    size_t got = fread(b + have, 1, cap2 - have, f);
    have += got;
    if (have < cap2) {
      if (ferror(f)) {
        snprintf(msg, cap, "uio: cannot read the SoC firmware %s: %s", path, strerror(errno));
        rc = NPE_ERR_IO;
      }
      break;
    }
    if (cap2 >= SOC_ELF_MAX) {
      snprintf(msg, cap, "uio: the SoC firmware %s is over %u MiB: not a firmware image", path,
               SOC_ELF_MAX >> 20);
      rc = NPE_ERR_INVALID_ARG;
      break;
    }
    uint8_t *nb = realloc(b, cap2 * 2);
    if (!nb) free(b);
    b = nb, cap2 *= 2;
  }
  fclose(f);
  if (rc) {
    free(b);
    return rc;
  }
  *out = b, *n = have;
  return NPE_OK;
}

/* Checks the ELF @p img (@p n bytes) as a firmware of the SoC: RV32 little
 * endian executable, its PT_LOAD segments inside the file and inside the
 * firmware's RAM, the entry at the core's boot address. */
static int elf_check(const uint8_t *img, size_t n, const char *path, char *msg, size_t cap) {
  Elf32_Ehdr eh;
  if (n < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG)) {
    snprintf(msg, cap, "uio: the SoC firmware %s is not an ELF file", path);
    return NPE_ERR_INVALID_ARG;
  }
  if (n < sizeof eh) {
    snprintf(msg, cap, "uio: the SoC firmware %s is truncated (%zu bytes, no ELF header)", path, n);
    return NPE_ERR_INVALID_ARG;
  }
  memcpy(&eh, img, sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_machine != EM_RISCV || eh.e_type != ET_EXEC) {
    snprintf(msg, cap, "uio: the SoC firmware %s is no RV32 executable (class %u, data %u, "
             "machine %u, type %u; want 32-bit little-endian RISC-V (%u) EXEC)", path,
             eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA], eh.e_machine, eh.e_type, EM_RISCV);
    return NPE_ERR_INVALID_ARG;
  }
  if (eh.e_entry != NPE_SOC_FW_BASE) {
    snprintf(msg, cap, "uio: the SoC firmware %s starts at 0x%x, not the core's boot address "
             "0x%x", path, eh.e_entry, NPE_SOC_FW_BASE);
    return NPE_ERR_INVALID_ARG;
  }
  if (eh.e_phentsize != sizeof(Elf32_Phdr) || !eh.e_phnum ||
      (uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > n) {
    snprintf(msg, cap, "uio: the SoC firmware %s is truncated or has bad program headers", path);
    return NPE_ERR_INVALID_ARG;
  }
  unsigned loads = 0;
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf32_Phdr ph;
    memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_LOAD || !ph.p_memsz) continue;
    loads++;
    if (ph.p_filesz > ph.p_memsz || (uint64_t)ph.p_offset + ph.p_filesz > n) {
      snprintf(msg, cap, "uio: the SoC firmware %s is truncated (segment %u: %u bytes at file "
               "offset %u, the file has %zu)", path, i, ph.p_filesz, ph.p_offset, n);
      return NPE_ERR_INVALID_ARG;
    }
    if (ph.p_paddr < NPE_SOC_FW_BASE || ph.p_paddr % 4 ||
        (uint64_t)ph.p_paddr + ph.p_memsz > NPE_SOC_RAM_BYTES) {
      snprintf(msg, cap, "uio: the SoC firmware %s: segment %u at [0x%x, 0x%llx) is outside the "
               "firmware's RAM [0x%x, 0x%x) (or misaligned)", path, i, ph.p_paddr,
               (unsigned long long)ph.p_paddr + ph.p_memsz, NPE_SOC_FW_BASE, NPE_SOC_RAM_BYTES);
      return NPE_ERR_INVALID_ARG;
    }
  }
  if (!loads) {
    snprintf(msg, cap, "uio: the SoC firmware %s has no loadable segment", path);
    return NPE_ERR_INVALID_ARG;
  }
  return NPE_OK;
}

/* Writes the checked image's segments (bss zeroed) and reads them back. */
static int elf_load(uio *u, const uint8_t *img, const char *path, char *msg, size_t cap) {
  Elf32_Ehdr eh;
  memcpy(&eh, img, sizeof eh);
  for (int pass = 0; pass < 2; pass++)
    for (unsigned i = 0; i < eh.e_phnum; i++) {
      Elf32_Phdr ph;
      memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
      if (ph.p_type != PT_LOAD || !ph.p_memsz) continue;
      for (uint32_t at = 0; at < ph.p_memsz; at += 4) {
        uint8_t w[4] = {0, 0, 0, 0};
        for (uint32_t k = 0; k < 4 && at + k < ph.p_filesz; k++) w[k] = img[ph.p_offset + at + k];
        uint32_t v = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 |
                     (uint32_t)w[3] << 24;
        if (pass == 0) {
#ifdef NPE_PLANT_UIO_SOC_LOADER /* a planted bug: one word of the image lost */
          if (at == 64) continue;
#endif
          win_wr(u, ph.p_paddr + at, v);
        } else if (at < ph.p_filesz) { /* the image (not the bss) reads back */
          uint32_t r = win_rd(u, ph.p_paddr + at);
          if (r != v) {
            snprintf(msg, cap, "uio: the SoC firmware %s reads back wrong at 0x%x (wrote %08x, "
                     "read %08x): is the SoC's bitstream loaded?", path, ph.p_paddr + at, v, r);
            return NPE_ERR_DEVICE;
          }
        }
      }
    }
  return NPE_OK;
}

/* Loads the firmware and starts it: RSP_7 = FW_READY and the boot PING answered within the
 * timeout. */
static int soc_boot(uio *u, const char *path, unsigned timeout_ms, char *msg, size_t cap) {
  uint8_t *img = NULL;
  size_t n = 0;
  int rc = slurp(path, &img, &n, msg, cap);
  if (rc) return rc;
  rc = elf_check(img, n, path, msg, cap); /* before anything on the SoC changes */
  if (!rc) {
    win_wr(u, SOC_MBOX(NPE_MBOX_CORE_CTRL), 0); /* the core held in reset */
    win_wr(u, SOC_MBOX(NPE_MBOX_HOST_IRQ_EN), 0);
    win_wr(u, SOC_MBOX(NPE_MBOX_DONE), 0);
    rc = elf_load(u, img, path, msg, cap);
  }
  free(img);
  if (rc) return rc;
  /* a PING waiting for the new firmware: its answer, unlike RSP_7 (which
   * the core's reset keeps), is this boot's */
  for (unsigned i = 0; i < 8; i++)
    win_wr(u, SOC_MBOX(NPE_MBOX_REQ(i)), i == 0 ? NPE_SOC_OP_PING : i == 7 ? SOC_BOOT_TAG : 0);
  win_wr(u, SOC_MBOX(NPE_MBOX_DOORBELL), 1);
  win_wr(u, SOC_MBOX(NPE_MBOX_CORE_CTRL), 1);
  uint64_t t0 = u->ops->now_us(u->ops->h), lim = (uint64_t)timeout_ms * 1000u;
  uint32_t ready = 0, flags = 0;
  for (;;) {
    ready = win_rd(u, SOC_MBOX(NPE_MBOX_RSP(7)));
    flags = win_rd(u, SOC_MBOX(NPE_MBOX_FLAGS));
    if (ready == NPE_SOC_FW_READY && (flags & NPE_MBOX_FLAG_DONE)) break;
    if (u->ops->now_us(u->ops->h) - t0 > lim) {
      snprintf(msg, cap, "uio: the SoC firmware %s did not come up within %u ms (RSP_7 %08x, "
               "FLAGS %x; timeout=MS)", path, timeout_ms, ready, flags);
      return NPE_ERR_TIMEOUT;
    }
  }
  uint32_t st = win_rd(u, SOC_MBOX(NPE_MBOX_RSP(0))), tag = win_rd(u, SOC_MBOX(NPE_MBOX_RSP(1)));
  win_wr(u, SOC_MBOX(NPE_MBOX_DONE), 0);
  if (st != NPE_SOC_ST_OK || tag != SOC_BOOT_TAG) {
    snprintf(msg, cap, "uio: the SoC firmware %s answers the boot's PING with status %u, tag "
             "%08x", path, st, tag);
    return NPE_ERR_DEVICE;
  }
  return NPE_OK;
}

static int soc_open(const npe_uio_config *c, uio *u, npe_transport *t, char *msg, size_t cap) {
  const npe_uio_ops *ops = u->ops;
  char path[160];
  uint64_t msize = 0;
  u->csr_len = NPE_UIO_SOC_WIN_BYTES;
  snprintf(path, sizeof path, "/sys/class/uio/%s/maps/map%u/size", base_name(c->dev), c->map);
  if (!sysfs_u64(ops, path, &msize) && msize < NPE_UIO_SOC_WIN_BYTES) {
    snprintf(msg, cap, "uio: %s map %u is %llu bytes; the SoC's host window is %u (is the SoC's "
             "bitstream, npe_soc_zynq_top, loaded with npe-soc-overlay.dts? wrong map=?)",
             c->dev, c->map, (unsigned long long)msize, NPE_UIO_SOC_WIN_BYTES);
    return NPE_ERR_IO;
  }
  int fd = ops->open(ops->h, c->dev);
  if (fd == -ENOENT || fd == -ENODEV || fd == -ENXIO) {
    snprintf(msg, cap, "uio: no such device %s (is the SoC's bitstream, npe_soc_zynq_top, loaded, "
             "with the generic-uio node of npe-soc-overlay.dts?)", c->dev);
    return NPE_ERR_IO;
  }
  if (fd < 0) return open_fail(msg, cap, c->dev, fd, "uio");
  u->fd = fd;
  long page = sysconf(_SC_PAGESIZE);
  u->csr = ops->map(ops->h, fd, u->csr_len, (uint64_t)c->map * (uint64_t)(page > 0 ? page : 4096));
  if (!u->csr) {
    snprintf(msg, cap, "uio: cannot map %s map %u: %s", c->dev, c->map, strerror(errno));
    return NPE_ERR_IO;
  }
  uint32_t id = win_rd(u, SOC_MBOX(NPE_MBOX_ID));
  if (id != NPE_MBOX_ID_VALUE) {
    snprintf(msg, cap, "uio: %s: no SoC mailbox at window offset 0x%x (ID reads %08x, not %08x): "
             "is the SoC's bitstream loaded? (the engine's is uio:N?mem=...)",
             c->dev, NPE_UIO_SOC_MBOX_OFF, id, NPE_MBOX_ID_VALUE);
    return NPE_ERR_DEVICE;
  }
  if (c->firmware || win_rd(u, SOC_MBOX(NPE_MBOX_RSP(7))) != NPE_SOC_FW_READY) {
    int rc = soc_boot(u, c->firmware ? c->firmware : NPE_UIO_SOC_FIRMWARE_DEFAULT, c->timeout_ms,
                      msg, cap);
    if (rc) return rc;
  }
  win_wr(u, SOC_MBOX(NPE_MBOX_HOST_IRQ_EN), 1); /* DONE raises the UIO interrupt */
  *t = (npe_transport){u, soc_csr, soc_csr_write, soc_mem_write, soc_mem_read, u_wait,
                       u_cycles, u_close, u_error, 1};
  return NPE_OK;
}

/* A handle with no file open yet, its clock started. */
static uio *u_new(const npe_uio_config *c, const npe_uio_ops *ops) {
  uio *u = calloc(1, sizeof *u);
  if (!u) return NULL;
  u->ops = ops;
  u->fd = u->mfd = -1;
  u->timeout_us = (uint64_t)c->timeout_ms * 1000u;
  u->clk_mhz = c->clk_mhz ? c->clk_mhz : 100;
  u->t0_us = ops->now_us(ops->h);
  return u;
}

int npe_transport_uio_open(const npe_uio_config *c, const npe_uio_ops *ops, npe_transport *t,
                           uint64_t *base, uint64_t *size, char *msg, size_t cap) {
  char dummy[8];
  if (!msg || !cap) msg = dummy, cap = sizeof dummy;
  msg[0] = 0;
  if (!c || !c->dev || !t || !base || !size) return NPE_ERR_INVALID_ARG;
  if (!ops) ops = npe_uio_real_ops();
  if (c->soc) {
    uio *u = u_new(c, ops);
    if (!u) return NPE_ERR_NO_MEM;
    int rc = soc_open(c, u, t, msg, cap);
    if (rc) {
      u_close(u);
      return rc;
    }
    *base = 0, *size = NPE_SOC_RAM_BYTES;
    return NPE_OK;
  }
  if (!c->mem) {
    snprintf(msg, cap, "uio: %s: name the device memory: mem=/dev/udmabufN (a u-dma-buf), or "
                       "mem=/dev/mem&phys=ADDR&size=BYTES (a reserved region)", c->dev);
    return NPE_ERR_IO;
  }
  uio *u = u_new(c, ops);
  if (!u) return NPE_ERR_NO_MEM;
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
