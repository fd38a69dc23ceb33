/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the fake UIO devices of test_uio.c and test_uio_soc.c share: opening
 * a uio: URI on a fake (its npe_uio_ops), an expected open failure, and the
 * UIO interrupt protocol on a simulator's irq line: write(1) re-enables the
 * interrupt (fake_uio_irq_enable), a poll/read waits for it
 * (fake_uio_irq_wait) and, once delivered, it stays off until re-enabled,
 * as a UIO driver's is. The simulated device runs 100 cycles per
 * microsecond (clk=100) while the caller waits.
 */
#ifndef FAKE_UIO_H
#define FAKE_UIO_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "npe.h"
#include "npe_internal.h"
#include "npe_transport_uio.h"
#include "npesim.h"

typedef struct fake_uio_irq {
  int enabled;    /* re-enabled by write(1), cleared when delivered */
  uint32_t count; /* interrupts delivered */
} fake_uio_irq;

static inline int fake_uio_irq_enable(fake_uio_irq *q, int fd, int want_fd) {
  ck_assert_int_eq(fd, want_fd);
  q->enabled = 1;
  return 0;
}

/* 1 when the interrupt came within @p timeout_us, 0 when the time ran out
 * (the simulator has stepped that long either way). */
static inline int fake_uio_irq_wait(fake_uio_irq *q, npesim *sim, int fd, int want_fd,
                                    uint64_t timeout_us) {
  ck_assert_int_eq(fd, want_fd);
  if (!q->enabled) { /* a UIO interrupt stays off until re-enabled */
    npesim_step(sim, timeout_us * 100);
    return 0;
  }
  if (npesim_wait_irq(sim, timeout_us * 100) != 0 && !npesim_irq(sim)) return 0; /* timed out */
  q->enabled = 0;
  q->count++;
  return 1;
}

static inline uint64_t fake_uio_now_us(npesim *sim) { return npesim_cycles(sim) / 100; }

/* npe_open() of @p uri with the uio: transport's system calls on @p ops */
static inline int fake_uio_open(const npe_uio_ops *ops, const char *uri, npe_dev **d, char *msg,
                                size_t cap) {
  npe_open_hooks hk = {NULL, ops};
  return npe__open_with(uri, &hk, d, msg, cap);
}

/* Opening @p uri on @p ops fails with @p want, no handle, and a message
 * that contains @p words. */
static inline void fake_uio_expect_fail(const npe_uio_ops *ops, const char *uri, int want,
                                        const char *words) {
  npe_dev *d = NULL;
  char msg[320];
  int rc = fake_uio_open(ops, uri, &d, msg, sizeof msg);
  ck_assert_msg(rc == want, "%s: got %d (%s), want %d", uri, rc, msg, want);
  ck_assert_ptr_null(d);
  ck_assert_msg(strstr(msg, words) != NULL, "%s: message '%s' lacks '%s'", uri, msg, words);
}

#endif
