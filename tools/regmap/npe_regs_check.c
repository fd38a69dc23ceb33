/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_regs_check.c - `make regmap-check` compiles this as C11 and as C++
 * and runs both: the generated npe_regs.h builds cleanly in each language
 * (libnpe is C, libnpesim C++), its descriptor accessors put a field in its
 * own little-endian bytes and nothing else, and its format functions agree
 * with its format macros. Not part of any library.
 */
#include <stdio.h>
#include <string.h>

#include "npe_regs.h"

static int failures;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "npe_regs_check: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                     \
    }                                                                 \
  } while (0)

#define FMT_ROW(name, code, bits, lanes, host_bytes)                          \
  CHECK(npe_hw_fmt_bits(code) == (bits) && npe_hw_fmt_lanes(code) == (lanes) && \
        npe_hw_fmt_host_bytes(code) == (host_bytes));                        \
  CHECK((lanes) * (bits) <= NPE_PE_WORD_BITS && (lanes) <= NPE_FMT_MAX_LANES); \
  CHECK(NPE_FMT_##name##_BITS == (bits) && NPE_FMT_##name##_LANES == (lanes) && \
        NPE_FMT_##name##_HOST_BYTES == (host_bytes));                        \
  CHECK((NPE_FMT_MASK_ALL >> (code)) & 1u);

int main(void) {
  uint8_t d[NPE_DESC_SIZE], zero[NPE_DESC_SIZE];
  memset(d, 0, sizeof d);
  memset(zero, 0, sizeof zero);

  npe_desc_set_m(d, 0x0908u);
  npe_desc_set_addr_a(d, 0x1716151413121110ull);
  npe_desc_set_aux(d, 0x3f3e3d3cu);
  npe_desc_set_flag_out_fp32(d, 1);
  npe_desc_set_flag_irq(d, 7); /* any non-zero sets the bit */
  CHECK(d[8] == 0x08 && d[9] == 0x09);
  for (unsigned i = 0; i < 8; i++) CHECK(d[16 + i] == 0x10 + i);
  for (unsigned i = 0; i < 4; i++) CHECK(d[60 + i] == 0x3c + i);
  CHECK(d[NPE_DESC_FLAGS_OFFSET] == 0x05);
  CHECK(npe_desc_get_m(d) == 0x0908u && npe_desc_get_n(d) == 0);
  CHECK(npe_desc_get_addr_a(d) == 0x1716151413121110ull);
  CHECK(npe_desc_get_aux(d) == 0x3f3e3d3cu);
  CHECK(npe_desc_get_flag_out_fp32(d) == 1 && npe_desc_get_flag_irq(d) == 1 &&
        npe_desc_get_flag_keep(d) == 0);
  npe_desc_set_flag_irq(d, 0);
  CHECK(npe_desc_get_flags(d) == 1u << NPE_DESC_FLAG_OUT_FP32_BIT);
  /* setting every field back to 0 gives the zero record: no setter spills */
  npe_desc_set_m(d, 0);
  npe_desc_set_addr_a(d, 0);
  npe_desc_set_aux(d, 0);
  npe_desc_set_flag_out_fp32(d, 0);
  CHECK(memcmp(d, zero, sizeof d) == 0);
  /* a field at the top of the record */
  memset(d, 0xff, sizeof d);
  npe_desc_set_aux(d, 0);
  CHECK(d[59] == 0xff && npe_desc_get_scale(d) == 0xffffffffu && npe_desc_get_aux(d) == 0);
  CHECK((NPE_DESC_FLAG_MASK_ALL & (1u << NPE_DESC_FLAG_PROGRAM_BIT)) != 0);

  NPE_FMT_LIST(FMT_ROW)
  CHECK(npe_hw_fmt_lanes(7) == 0 && npe_hw_fmt_bits(6) == 0 && npe_hw_fmt_host_bytes(99) == 0);

  if (failures) return 1;
  puts("npe_regs_check: PASS");
  return 0;
}
