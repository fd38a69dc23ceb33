/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fake_ftdi.h - a fake libftdi1 for libnpe's ftdi:// transport (an
 * npe_ftdi_ops table): one FT2232H whose channel is wired to a simulated
 * board (board_sim.h), or to nothing; time is the board's (simulated)
 * clock. It records what the transport set and fails on demand. For
 * tests/link/test_link.c and tests/bench/bench_link.c (one each: the state
 * is the file's own).
 */
#ifndef FAKE_FTDI_H
#define FAKE_FTDI_H

#include <stdint.h>

#include "board_sim.h"
#include "npe_internal.h"
#include "npe_transport_ftdi.h"

#ifndef CLK_MHZ
#define CLK_MHZ 12u
#endif

typedef struct fake_ftdi {
  board_sim *board;     /* NULL: a board that never answers */
  uint64_t now_cycles;  /* time without a board */
  int open_rc;          /* what ftdi_usb_open_desc returns */
  int denied;           /* access_denied answer */
  int fail_baud;        /* ftdi_set_baudrate fails */
  int unplugged;        /* reads and writes fail */
  /* what the transport set */
  int interface, baud, latency, line_8n1, flow_none, opened, closed, freed;
  unsigned rd_chunk, wr_chunk;
} fake_ftdi;

static fake_ftdi fake;

static uint64_t f_cycles(void) {
  return fake.board ? board_sim_cycles(fake.board) : fake.now_cycles;
}
static void f_run(uint64_t cycles) {
  if (fake.board) board_sim_run(fake.board, cycles);
  else fake.now_cycles += cycles;
}

static void *f_new(void) { return &fake; }
static void f_free(void *h) { ((fake_ftdi *)h)->freed++; }
static int f_set_interface(void *h, int i) {
  ((fake_ftdi *)h)->interface = i;
  return 0;
}
static int f_usb_open(void *h, int vid, int pid, const char *serial) {
  (void)serial;
  fake_ftdi *f = h;
  if (vid != 0x0403 || pid != 0x6010) return -3;
  if (f->open_rc) return f->open_rc;
  f->opened++;
  return 0;
}
static int f_usb_close(void *h) {
  ((fake_ftdi *)h)->closed++;
  return 0;
}
static int f_ok(void *h) {
  (void)h;
  return 0;
}
static int f_set_baudrate(void *h, int baud) {
  fake_ftdi *f = h;
  f->baud = baud;
  return f->fail_baud ? -1 : 0;
}
static int f_set_line(void *h) {
  ((fake_ftdi *)h)->line_8n1 = 1;
  return 0;
}
static int f_set_flow(void *h) {
  ((fake_ftdi *)h)->flow_none = 1;
  return 0;
}
static int f_set_latency(void *h, unsigned char ms) {
  ((fake_ftdi *)h)->latency = ms;
  return 0;
}
static int f_set_chunks(void *h, unsigned rd, unsigned wr) {
  ((fake_ftdi *)h)->rd_chunk = rd;
  ((fake_ftdi *)h)->wr_chunk = wr;
  return 0;
}
static int f_purge(void *h) {
  fake_ftdi *f = h;
  if (f->board) board_sim_host_flush(f->board);
  return 0;
}
static int f_write(void *h, const uint8_t *p, int n) {
  fake_ftdi *f = h;
  if (f->unplugged) return -1;
  if (f->board) board_sim_host_write(f->board, p, (size_t)n);
  return n;
}
/* as the chip: returns what has arrived within a latency period (1 ms) */
static int f_read(void *h, uint8_t *p, int n) {
  fake_ftdi *f = h;
  if (f->unplugged) return -1;
  if (!f->board) {
    f_run(CLK_MHZ * 1000u);
    return 0;
  }
  board_sim_run_until_rx(f->board, CLK_MHZ * 1000u);
  return (int)board_sim_host_read(f->board, p, (size_t)n);
}
static const char *f_error(void *h) {
  (void)h;
  return "fake error";
}
static int f_denied(void *h, int vid, int pid) {
  (void)vid, (void)pid;
  return ((fake_ftdi *)h)->denied;
}
static uint64_t f_now(void *h) {
  (void)h;
  return f_cycles() / CLK_MHZ;
}
static void f_sleep(void *h, uint64_t us) {
  (void)h;
  f_run(us * CLK_MHZ);
}

static const npe_ftdi_ops fake_ops = {
    f_new,       f_free,         f_set_interface, f_usb_open, f_usb_close, f_ok,
    f_set_baudrate, f_set_line,  f_set_flow,      f_set_latency, f_set_chunks, f_purge,
    f_write,     f_read,         f_error,         f_denied,   f_now,       f_sleep};

static const npe_open_hooks hooks = {&fake_ops, NULL};

#endif /* FAKE_FTDI_H */
