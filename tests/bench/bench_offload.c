/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_offload - host-link bytes and cycles of one matmul, host-driven
 * (the driver writes packed operands and descriptors and reads the engine's
 * CSRs) versus firmware-driven (the driver hands the unpacked operands to
 * the SoC's firmware through its mailbox, docs/SOC.md), through the same
 * npe_matmul call; every result checked bit for bit against the golden
 * model. Devices: "sim:?build=small" (the iCEBreaker build that sits behind
 * the board link today, 1 x 1 PE), "sim:?build=zynq" (2 x 2 PEs, the SoC's
 * array) and "sim:?build=soc".
 *
 * The link time is what the board link (docs/LINK.md: 3 Mbaud 8N1, protocol
 * v2, one frame in flight) would add: every payload byte and 17 bytes of
 * header and CRC per frame at 10 bits a byte, plus the FT2232H's 1 ms
 * latency timer on every reply; the device time is its cycles at the board's
 * 12 MHz. BENCH lines for make bench (BENCHMARKS.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "test_rand.h"

#define LINK_BAUD 3000000.0
#define FRAME_OVERHEAD 17.0 /* request SOF..ADDR + CRC (10), reply SOF..COUNT + CRC (7) */
#define REPLY_LATENCY_S 1e-3
#define CLOCK_HZ 12e6

static int run(const char *uri, const char *tag, const char *shape, uint32_t m, uint32_t n,
               uint32_t k) {
  uint64_t s = 0x5eed + m * 131 + n * 7 + k;
  uint8_t *a = malloc((size_t)m * k), *b = malloc((size_t)n * k);
  float *c = malloc((size_t)m * n * 4), *g = malloc((size_t)m * n * 4);
  if (!a || !b || !c || !g) return 1;
  for (size_t i = 0; i < (size_t)m * k; i++) a[i] = (uint8_t)rand_pattern(NPE_FMT_INT8, &s);
  for (size_t i = 0; i < (size_t)n * k; i++) b[i] = (uint8_t)rand_pattern(NPE_FMT_INT8, &s);
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), m, k, 0, 0};
  npe_tensor tb = {npe_pats_u8(NPE_FMT_INT8, b), n, k, 0, 0};
  npe_output o = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
  npe_dev *d;
  char msg[256];
  int rc = npe_open_msg(uri, &d, msg, sizeof msg);
  if (rc) {
    fprintf(stderr, "bench_offload: %s: %s\n", uri, msg);
    return 1;
  }
  rc = npe_matmul(d, &ta, &tb, &o);
  npe_stats st;
  if (!rc) rc = npe_last_stats(d, &st);
  if (rc) {
    fprintf(stderr, "bench_offload: %s: %s: %s\n", uri, npe_strerror(rc), npe_last_error(d));
    return 1;
  }
  npe_close(d);
  if (npe_golden_matmul_f32(ta.data, k, tb.data, k, m, n, k, 1.0f, g, n) ||
      memcmp(c, g, (size_t)m * n * 4)) {
    fprintf(stderr, "bench_offload: %s %s: C differs from the golden model\n", uri, shape);
    return 1;
  }
  double wire_s = ((double)st.link_bytes + FRAME_OVERHEAD * (double)st.link_frames) * 10.0 / LINK_BAUD;
  double link_s = wire_s + REPLY_LATENCY_S * (double)st.link_frames;
  double dev_s = (double)st.device_cycles / CLOCK_HZ;
  printf("BENCH offload_%s_%s_device_cycles %llu cycles\n", shape, tag,
         (unsigned long long)st.device_cycles);
  printf("BENCH offload_%s_%s_engine_busy_cycles %llu cycles\n", shape, tag,
         (unsigned long long)st.cycles);
  printf("BENCH offload_%s_%s_link_bytes %llu bytes\n", shape, tag, (unsigned long long)st.link_bytes);
  printf("BENCH offload_%s_%s_link_frames %llu frames\n", shape, tag,
         (unsigned long long)st.link_frames);
  printf("BENCH offload_%s_%s_link_wire_ms %.1f ms\n", shape, tag, 1e3 * wire_s);
  printf("BENCH offload_%s_%s_total_ms %.1f ms\n", shape, tag, 1e3 * (dev_s + link_s));
  if (st.requests)
    printf("BENCH offload_%s_%s_requests %u requests\n", shape, tag, st.requests);
  free(a), free(b), free(c), free(g);
  return 0;
}

int main(void) {
  static const struct { const char *name; uint32_t m, n, k; } shapes[] = {
      {"int8_64x64x256", 64, 64, 256}, {"int8_16x16x64", 16, 16, 64}};
  static const struct { const char *uri, *tag; } devs[] = {
      {"sim:?build=small", "host_small"}, {"sim:?build=zynq", "host_2x2"}, {"sim:?build=soc", "soc"}};
  for (unsigned i = 0; i < 2; i++)
    for (unsigned j = 0; j < 3; j++)
      if (run(devs[j].uri, devs[j].tag, shapes[i].name, shapes[i].m, shapes[i].n, shapes[i].k))
        return 1;
  return 0;
}
