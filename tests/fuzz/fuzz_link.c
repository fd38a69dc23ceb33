/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the board link's reply parser (driver/src/npe_link.c,
 * npe_link_parser_feed), what the host runs on every byte from a board, on
 * arbitrary bytes, with a word buffer of 0..63 words (first input byte).
 * Checks: a reply is taken only with a good CRC and a COUNT that fits the
 * buffer, never writes past it (ASan), and encoding it back as a frame
 * gives the same CRC. Also: every request npe_link_encode writes from the
 * input's fields checks out with CRC 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npe_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t cap = data[0] & 63u;
  uint32_t *words = cap ? malloc(cap * sizeof *words) : NULL;
  npe_link_parser p;
  npe_link_parser_init(&p, words, cap);
  for (size_t i = 1; i < size; i++) {
    int r = npe_link_parser_feed(&p, data[i]);
    if (r < -1 || r > 1) abort();
    if (r == 1) {
      if (p.count > cap) abort();
      /* the reply rebuilt: its CRC over SEQ..DATA and the CRC bytes is 0 */
      uint8_t f[5 + 4 * 64 + 2];
      size_t n = 0;
      f[n++] = NPE_LINK_SOF_REP;
      f[n++] = p.seq;
      f[n++] = p.status;
      f[n++] = (uint8_t)p.count;
      f[n++] = (uint8_t)(p.count >> 8);
      for (size_t w = 0; w < p.count; w++)
        for (int b = 0; b < 4; b++) f[n++] = (uint8_t)(words[w] >> (8 * b));
      uint16_t crc = npe_link_crc16(NPE_LINK_CRC_INIT, f + 1, n - 1);
      f[n++] = (uint8_t)(crc >> 8);
      f[n++] = (uint8_t)crc;
      if (npe_link_crc16(NPE_LINK_CRC_INIT, f + 1, n - 1) != 0) abort();
      /* and it is the bytes just fed */
      if (i + 2 < n || memcmp(f + 1, data + i + 2 - n, n - 1) != 0) abort();
    }
  }
  /* a request from the input's first bytes */
  if (size >= 8) {
    uint8_t op = data[1] % 6;
    uint16_t count = (uint16_t)(data[2] % 9);
    uint32_t w[8];
    for (int i = 0; i < 8; i++) w[i] = (uint32_t)data[(3 + i) % size] * 0x01010101u;
    uint8_t f[8 + 32 + 2];
    size_t n = npe_link_encode(f, sizeof f, data[3], op, count, (uint32_t)data[4] << 2, w);
    if (n != npe_link_req_bytes(op, count)) abort();
    if (npe_link_crc16(NPE_LINK_CRC_INIT, f + 1, n - 1) != 0) abort();
  }
  free(words);
  return 0;
}
