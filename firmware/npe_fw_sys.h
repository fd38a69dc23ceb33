/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_fw_sys.h - the firmware's way out: text to a console and the end of
 * the program. On RV32 these are the Linux system calls write (64) and exit
 * (93) made with ecall, which qemu-riscv32 serves and the core's bench
 * (tests/rtl/cpu/tb_cpu.cpp) serves the same way; on the host (the same
 * programs built natively, to compare) they are write(2) and exit(3).
 */
#ifndef NPE_FW_SYS_H
#define NPE_FW_SYS_H

#include <stddef.h>
#include <stdint.h>

/** Writes @p n bytes of @p s to the console. */
void npe_fw_write(const char *s, size_t n);
/** Ends the program with status @p code. */
void npe_fw_exit(int code) __attribute__((noreturn));

/** Writes a NUL-terminated string. */
void npe_fw_puts(const char *s);
/** Writes @p v in decimal. */
void npe_fw_put_u64(uint64_t v);
/** Writes @p v as 16 hex digits. */
void npe_fw_put_hex64(uint64_t v);

/* Freestanding builds: what the compiler may call for struct copies and
 * zeroing (npe_fw_sys.c). */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif /* NPE_FW_SYS_H */
