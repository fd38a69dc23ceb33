/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_link - the board link's payload throughput and the board path's
 * matmul time, in simulated time: libnpe's ftdi:// transport and link code
 * against the Verilated bridge RTL at the board's 3 Mbaud (tests/link:
 * board_sim drives and samples the serial lines bit by bit at 12 MHz, so
 * every start, data and stop bit and every turnaround is counted) and the
 * simulated small engine beside it. Before: protocol v1 at 115200 baud,
 * from its frame format (8 bytes out and 1 or 5 back per 32-bit word).
 * The FT2232H adds USB time the simulation has not: a reply shorter than
 * a USB packet waits for the latency timer (1 ms); the *_ftdi lines add
 * that to every frame. Prints BENCH lines (make bench).
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_ftdi.h"
#include "npe.h"
#include "npe_link.h"

#define USB_WAIT_S 1e-3 /* the FT2232H's latency timer, per reply */

static double secs(uint64_t cycles) { return (double)cycles / (CLK_MHZ * 1e6); }

static void v1_figures(void) {
  /* v1: 8-byte frame per word; reply 1 byte (write) or 5 (read); 10 bits a byte */
  const double baud = 115200.0;
  printf("BENCH link_v1_write_throughput %.0f B/s\n", 4.0 / (9 * 10 / baud));
  printf("BENCH link_v1_read_throughput %.0f B/s\n", 4.0 / (13 * 10 / baud));
}

int main(void) {
  v1_figures();
  memset(&fake, 0, sizeof fake);
  board_sim_config c = {0};
  c.clk_mhz = CLK_MHZ;
  c.seed = 1;
  if (board_sim_create(&c, &fake.board)) return 1;
  npe_dev *d = NULL;
  char msg[512];
  if (npe__open_with("ftdi://0403:6010", &hooks, &d, msg, sizeof msg)) {
    fprintf(stderr, "bench_link: %s\n", msg);
    return 1;
  }
  const size_t n = 64u << 10;
  uint8_t *buf = malloc(n), *back = malloc(n);
  for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(i * 131u + 7u);
  npe_link_stats s0, s1;
  /* writes */
  npe_link_get_stats(&d->raw, &s0);
  uint64_t t0 = board_sim_cycles(fake.board);
  if (d->t.mem_write(d->t.ctx, 0x8000, buf, n)) return 1;
  uint64_t t1 = board_sim_cycles(fake.board);
  npe_link_get_stats(&d->raw, &s1);
  double w = secs(t1 - t0);
  uint64_t wf = s1.frames - s0.frames;
  printf("BENCH link_write_throughput %.0f B/s\n", n / w);
  printf("BENCH link_write_throughput_ftdi %.0f B/s\n", n / (w + wf * USB_WAIT_S));
  /* reads */
  npe_link_get_stats(&d->raw, &s0);
  t0 = board_sim_cycles(fake.board);
  if (d->t.mem_read(d->t.ctx, 0x8000, back, n) || memcmp(buf, back, n)) return 1;
  t1 = board_sim_cycles(fake.board);
  npe_link_get_stats(&d->raw, &s1);
  double r = secs(t1 - t0);
  uint64_t rf = s1.frames - s0.frames;
  printf("BENCH link_read_throughput %.0f B/s\n", n / r);
  printf("BENCH link_read_throughput_ftdi %.0f B/s\n", n / (r + rf * USB_WAIT_S));
  printf("BENCH link_frame_words %u words\n", s1.burst_words);
  /* the 64 x 64 x 256 INT8 matmul on the board path */
  const uint32_t M = 64, N = 64, K = 256;
  uint8_t *a = malloc((size_t)M * K), *b = malloc((size_t)N * K);
  float *out = malloc((size_t)M * N * sizeof *out);
  for (size_t i = 0; i < (size_t)M * K; i++) a[i] = (uint8_t)(i * 7u + 3u);
  for (size_t i = 0; i < (size_t)N * K; i++) b[i] = (uint8_t)(i * 13u + 5u);
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), M, K, K, 1.0f},
             tb = {npe_pats_u8(NPE_FMT_INT8, b), N, K, K, 1.0f};
  npe_output o = {.f32 = out};
  npe_link_get_stats(&d->raw, &s0);
  t0 = board_sim_cycles(fake.board);
  int rc = npe_matmul(d, &ta, &tb, &o);
  t1 = board_sim_cycles(fake.board);
  npe_link_get_stats(&d->raw, &s1);
  npe_stats st;
  if (rc || npe_last_stats(d, &st)) {
    fprintf(stderr, "bench_link: matmul: %s %s\n", npe_strerror(rc), npe_last_error(d));
    return 1;
  }
  const uint64_t bytes = (s1.tx_bytes - s0.tx_bytes) + (s1.rx_bytes - s0.rx_bytes);
  const uint64_t frames = s1.frames - s0.frames;
  const double sim = secs(t1 - t0);
  /* the estimate: link bytes at 3 Mbaud (10 bits each) + the engine's busy
   * cycles at 12 MHz (+ the USB wait per frame) */
  const double est = bytes * 10.0 / 3e6 + secs(st.cycles);
  printf("BENCH link_matmul_64x64x256_bytes %llu bytes\n", (unsigned long long)bytes);
  printf("BENCH link_matmul_64x64x256_frames %llu frames\n", (unsigned long long)frames);
  printf("BENCH link_matmul_64x64x256_engine_cycles %llu cycles\n",
         (unsigned long long)st.cycles);
  printf("BENCH link_matmul_64x64x256_estimate %.3f s\n", est);
  printf("BENCH link_matmul_64x64x256_simulated %.3f s\n", sim);
  printf("BENCH link_matmul_64x64x256_ftdi %.3f s\n", sim + frames * USB_WAIT_S);
  npe_close(d);
  board_sim_destroy(fake.board);
  free(buf), free(back), free(a), free(b), free(out);
  return 0;
}
