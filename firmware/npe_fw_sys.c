/* SPDX-License-Identifier: Apache-2.0 */
/* npe_fw_sys.c - npe_fw_sys.h for RV32 (ecall) and for the host. */
#include "npe_fw_sys.h"

#if defined(__riscv) && defined(NPE_FW_SOC)
/* On the SoC (docs/SOC.md): the console is the mailbox's CONSOLE register,
 * and there is nothing to exit to: the core stops in a loop. */
#include "npe_soc.h"

void npe_fw_write(const char *s, size_t n) {
  while (n--)
    *(volatile uint32_t *)(uintptr_t)(NPE_SOC_MBOX_BASE + NPE_MBOX_CONSOLE) = (uint8_t)*s++;
}

void npe_fw_exit(int code) {
  (void)code;
  for (;;) {
  }
}
#endif

#if defined(__riscv) && !defined(NPE_FW_SOC)
static long sys3(long n, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

void npe_fw_write(const char *s, size_t n) { sys3(64, 1, (long)s, (long)n); }

void npe_fw_exit(int code) {
  sys3(93, code, 0, 0);
  for (;;) {
  }
}
#endif

#ifdef __riscv

void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}
#else
#include <stdlib.h>
#include <unistd.h>

void npe_fw_write(const char *s, size_t n) {
  while (n) {
    ssize_t w = write(1, s, n);
    if (w <= 0) return;
    s += w, n -= (size_t)w;
  }
}

void npe_fw_exit(int code) { exit(code); }
#endif

void npe_fw_puts(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  npe_fw_write(s, n);
}

void npe_fw_put_u64(uint64_t v) {
  char b[21];
  int i = 20;
  b[i] = 0;
  do b[--i] = (char)('0' + v % 10); while (v /= 10);
  npe_fw_puts(b + i);
}

void npe_fw_put_hex64(uint64_t v) {
  char b[17];
  for (int i = 15; i >= 0; i--, v >>= 4) b[i] = "0123456789abcdef"[v & 15];
  b[16] = 0;
  npe_fw_puts(b);
}
