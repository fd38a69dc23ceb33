/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_link - the board link, protocol v2, without a board: libnpe's ftdi://
 * transport and link code (driver/src/npe_transport_ftdi.c, npe_link.c)
 * against a fake libftdi whose other end is the Verilated bridge RTL
 * (npe_uart_bridge with its UART, at the board's 3 Mbaud) and the simulated
 * small engine (board_sim.h). All in simulated time, deterministic.
 *   frames      CRC check value, encoder, parser (good, bad CRC, too long)
 *   bridge      raw frames at the RTL: HELLO, bursts, a repeated write done
 *               once, FRAME_ERR for a bad CRC / garbage / a cut frame,
 *               REFUSED, UNKNOWN_OP
 *   matmul      matmuls through npe.h bit-exact against the golden model; the
 *               fake saw interface B, 3 Mbaud, latency 1 ms, 16 KiB chunks
 *   faults      the same with 1 % of the bytes dropped, 1 % corrupted and
 *               1 % delayed each way: bit-exact, every write done exactly once
 *   dead        a board that never answers: NPE_ERR_IO after the tries
 *   unplugged   the device gone mid-job: NPE_ERR_IO, "device gone"
 *   ftdi_errors no device, permission denied (the udev rule), busy, a
 *               setting refused: NPE_ERR_IO and the message
 *   uris        ftdi:// and uart: URIs, good and bad
 */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_sim.h"
#include "npe.h"
#include "npe_internal.h"
#include "npe_link.h"
#include "npe_transport_ftdi.h"
#include "npe_uri.h"

#define CLK_MHZ 12u

#include "fake_ftdi.h"
#include "../driver/check_matmul.h"

static void fake_reset(int with_board, double fault) {
  if (fake.board) board_sim_destroy(fake.board);
  memset(&fake, 0, sizeof fake);
  if (with_board) {
    board_sim_config c = {0};
    c.clk_mhz = CLK_MHZ;
    c.drop = c.corrupt = c.delay = fault / 3; /* a third of the faulty bytes each */
    c.seed = 0x1234567;
    ck_assert_int_eq(board_sim_create(&c, &fake.board), 0);
  }
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */
/* One raw request at the bridge; its reply parsed (returns 1) or nothing
 * good within @p cycles (0). */
static int raw_frame(board_sim *b, const uint8_t *req, size_t len, npe_link_parser *p,
                     uint64_t cycles) {
  board_sim_host_write(b, req, len);
  uint64_t end = board_sim_cycles(b) + cycles;
  while (board_sim_cycles(b) < end) {
    if (!board_sim_run_until_rx(b, end - board_sim_cycles(b))) break;
    uint8_t byte;
    while (board_sim_host_read(b, &byte, 1))
      if (npe_link_parser_feed(p, byte) == 1) return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */
START_TEST(frames) {
  ck_assert_uint_eq(npe_link_crc16(NPE_LINK_CRC_INIT, (const uint8_t *)"123456789", 9),
                    NPE_LINK_CRC_CHECK);
  uint8_t f[64];
  uint32_t w[2] = {0x11223344u, 0xa5a5a55au};
  size_t n = npe_link_encode(f, sizeof f, 7, NPE_LINK_OP_MEM_WRITE, 2, 0x012344, w);
  ck_assert_uint_eq(n, 8 + 8 + 2);
  ck_assert_uint_eq(f[0], NPE_LINK_SOF_REQ);
  ck_assert_uint_eq(f[1], 7);
  ck_assert_uint_eq(f[3], 2);
  ck_assert_uint_eq(f[5], 0x44);
  ck_assert_uint_eq(f[8], 0x44);
  ck_assert_uint_eq(npe_link_crc16(NPE_LINK_CRC_INIT, f + 1, n - 1), 0);
  ck_assert_uint_eq(npe_link_encode(f, 10, 7, NPE_LINK_OP_MEM_WRITE, 2, 0, w), 0);
  /* a reply: garbage, then SOF SEQ STATUS COUNT DATA CRC */
  uint8_t r[32] = {0x00, 0x5a, 0x5a, 9, 0, 1, 0, 0x78, 0x56, 0x34, 0x12};
  size_t rn = 3;
  uint16_t crc = npe_link_crc16(NPE_LINK_CRC_INIT, r + 3, 8);
  r[11] = (uint8_t)(crc >> 8), r[12] = (uint8_t)crc;
  rn = 13;
  uint32_t data[4];
  npe_link_parser p;
  npe_link_parser_init(&p, data, 4);
  int got = 0;
  for (size_t i = 0; i < rn; i++) got = npe_link_parser_feed(&p, r[i]);
  /* the second 0x5a is the SEQ of a frame that started at the first */
  ck_assert_int_ne(got, 1);
  npe_link_parser_init(&p, data, 4);
  for (size_t i = 2; i < rn; i++) got = npe_link_parser_feed(&p, r[i]);
  ck_assert_int_eq(got, 1);
  ck_assert_uint_eq(p.seq, 9);
  ck_assert_uint_eq(p.status, 0);
  ck_assert_uint_eq(p.count, 1);
  ck_assert_uint_eq(data[0], 0x12345678u);
  /* one bit off: -1; a COUNT beyond the caller's words: -1 */
  r[8] ^= 4;
  npe_link_parser_init(&p, data, 4);
  for (size_t i = 2; i < rn; i++) got = npe_link_parser_feed(&p, r[i]);
  ck_assert_int_eq(got, -1);
  npe_link_parser_init(&p, data, 0);
  got = 0;
  for (size_t i = 2; i < 7 && got == 0; i++) got = npe_link_parser_feed(&p, r[i]);
  ck_assert_int_eq(got, -1);
}
END_TEST

START_TEST(bridge) {
  fake_reset(1, 0.0);
  board_sim *b = fake.board;
  const uint64_t wait = 4 * board_sim_idle_cycles() + 60000; /* + a 1 KiB frame each way */
  uint8_t f[2048];
  uint32_t data[300], w[256];
  npe_link_parser p;
  npe_link_parser_init(&p, data, 300);
  board_sim_stats st;
  /* HELLO */
  size_t n = npe_link_encode(f, sizeof f, 1, NPE_LINK_OP_HELLO, 0, 0, NULL);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_OK);
  ck_assert_uint_eq(p.count, NPE_LINK_HELLO_WORDS);
  ck_assert_uint_eq(data[0], NPE_LINK_MAGIC | NPE_LINK_VERSION);
  ck_assert_uint_eq(data[1], 1024);
  ck_assert_uint_eq(data[2], 131072);
  ck_assert_uint_eq(data[3], board_sim_idle_cycles());
  /* a 256-word burst, read back */
  for (int i = 0; i < 256; i++) w[i] = 0x01000193u * (uint32_t)i ^ 0xdeadbeefu;
  n = npe_link_encode(f, sizeof f, 2, NPE_LINK_OP_MEM_WRITE, 256, 0x1000, w);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_OK);
  ck_assert_uint_eq(p.seq, 2);
  board_sim_get_stats(b, &st);
  ck_assert_uint_eq(st.mem_words_written, 256);
  /* the same frame again: a repeat, not written again */
  w[0] = 0;
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_OK | NPE_LINK_REPEAT_BIT);
  board_sim_get_stats(b, &st);
  ck_assert_uint_eq(st.mem_words_written, 256);
  n = npe_link_encode(f, sizeof f, 3, NPE_LINK_OP_MEM_READ, 256, 0x1000, NULL);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.count, 256);
  ck_assert_uint_eq(data[0], 0xdeadbeefu);
  ck_assert_uint_eq(data[255], 0x01000193u * 255u ^ 0xdeadbeefu);
  /* a read repeated is read again (reads have no side effects) */
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_OK);
  /* a bad CRC: FRAME_ERR once the line is quiet, nothing written */
  n = npe_link_encode(f, sizeof f, 4, NPE_LINK_OP_MEM_WRITE, 1, 0x2000, w);
  f[9] ^= 0x10;
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_FRAME_ERR);
  /* garbage; a frame cut short; a write longer than the buffer */
  ck_assert(raw_frame(b, (const uint8_t *)"\x01\x02\x03", 3, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_FRAME_ERR);
  n = npe_link_encode(f, sizeof f, 4, NPE_LINK_OP_MEM_WRITE, 1, 0x2000, w);
  ck_assert(raw_frame(b, f, n - 3, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_FRAME_ERR);
  uint8_t big[] = {NPE_LINK_SOF_REQ, 4, NPE_LINK_OP_MEM_WRITE, 0x01, 0x04, 0, 0, 0}; /* 1025 */
  ck_assert(raw_frame(b, big, sizeof big, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_FRAME_ERR);
  board_sim_get_stats(b, &st);
  ck_assert_uint_eq(st.mem_words_written, 256);
  /* seq 4 now good: written */
  n = npe_link_encode(f, sizeof f, 4, NPE_LINK_OP_MEM_WRITE, 1, 0x2000, w);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_OK);
  /* refusals: beyond the memory, unaligned, a CSR burst, an unknown op */
  n = npe_link_encode(f, sizeof f, 5, NPE_LINK_OP_MEM_WRITE, 2, 131068, w);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_REFUSED);
  n = npe_link_encode(f, sizeof f, 6, NPE_LINK_OP_MEM_READ, 1, 0x1002, NULL);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_REFUSED);
  n = npe_link_encode(f, sizeof f, 7, NPE_LINK_OP_CSR_READ, 2, 0, NULL);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_REFUSED);
  n = npe_link_encode(f, sizeof f, 8, 0x09, 1, 0, NULL);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_UNKNOWN_OP);
  /* a CSR read (ID) and a refused CSR write (read-only ID) */
  n = npe_link_encode(f, sizeof f, 9, NPE_LINK_OP_CSR_READ, 1, 0, NULL);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_OK);
  ck_assert_uint_eq(data[0], 0x4e504531u);
  n = npe_link_encode(f, sizeof f, 10, NPE_LINK_OP_CSR_WRITE, 1, 0, w);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_REFUSED);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_REFUSED | NPE_LINK_REPEAT_BIT);
  /* HELLO forgets the last SEQ: seq 4 again is a new frame */
  n = npe_link_encode(f, sizeof f, 11, NPE_LINK_OP_HELLO, 0, 0, NULL);
  ck_assert(raw_frame(b, f, n, &p, wait));
  n = npe_link_encode(f, sizeof f, 11, NPE_LINK_OP_MEM_WRITE, 1, 0x2000, w);
  ck_assert(raw_frame(b, f, n, &p, wait));
  ck_assert_uint_eq(p.status, NPE_LINK_ST_OK);
  board_sim_get_stats(b, &st);
  ck_assert_uint_eq(st.mem_words_written, 258);
  fake_reset(0, 0.0);
}
END_TEST

START_TEST(matmul) {
  fake_reset(1, 0.0);
  npe_dev *d = NULL;
  char msg[512];
  int rc = npe__open_with("ftdi://0403:6010?interface=B", &hooks, &d, msg, sizeof msg);
  ck_assert_msg(rc == NPE_OK, "open: %s", msg);
  ck_assert_uint_eq(fake.interface, 2);
  ck_assert_int_eq(fake.baud, 3000000);
  ck_assert_int_eq(fake.latency, (int)NPE_FTDI_LATENCY_MS);
  ck_assert_uint_eq(fake.rd_chunk, NPE_FTDI_CHUNK_BYTES);
  ck_assert_uint_eq(fake.wr_chunk, NPE_FTDI_CHUNK_BYTES);
  ck_assert(fake.line_8n1 && fake.flow_none);
  npe_info info;
  ck_assert_int_eq(npe_get_info(d, &info), NPE_OK);
  ck_assert_str_eq(info.transport, "ftdi");
  ck_assert_uint_eq(info.mem_size, 131072);
  ck_assert_uint_eq(info.rows, 1);
  check_matmul(d, NPE_FMT_INT8, 7, 9, 40);
  check_matmul(d, NPE_FMT_TERNARY, 3, 5, 33);
  check_matmul(d, NPE_FMT_INT8, 16, 24, 300);
  npe_link_stats ls;
  ck_assert_int_eq(npe_link_get_stats(&d->raw, &ls), NPE_OK);
  ck_assert_uint_eq(ls.tries, ls.frames);
  ck_assert_str_eq(npe_last_error(d), "");
  board_sim_stats bs;
  board_sim_get_stats(fake.board, &bs);
  ck_assert_uint_eq(bs.csr_writes, ls.csr_writes);
  ck_assert_uint_eq(bs.mem_words_written, ls.mem_write_words);
  npe_close(d);
  ck_assert_int_eq(fake.closed, 1);
  ck_assert_int_eq(fake.freed, 1);
  fake_reset(0, 0.0);
}
END_TEST

START_TEST(faults) {
  fake_reset(1, 0.01);
  npe_dev *d = NULL;
  char msg[512];
  int rc = npe__open_with("ftdi://0403:6010?tries=16&timeout=1", &hooks, &d, msg, sizeof msg);
  ck_assert_msg(rc == NPE_OK, "open: %s", msg);
  check_matmul(d, NPE_FMT_INT8, 7, 9, 40);
  check_matmul(d, NPE_FMT_TERNARY, 3, 5, 33);
  check_matmul(d, NPE_FMT_INT8, 16, 24, 300);
  npe_link_stats ls;
  ck_assert_int_eq(npe_link_get_stats(&d->raw, &ls), NPE_OK);
  board_sim_stats bs;
  board_sim_get_stats(fake.board, &bs);
  printf("faults: %llu frames, %llu tries, %llu timeouts, %llu FRAME_ERR, %llu repeats, "
         "%llu of %llu memory words at most written twice; "
         "board: %llu dropped, %llu corrupted, %llu delayed bytes; burst now %u words\n",
         (unsigned long long)ls.frames, (unsigned long long)ls.tries,
         (unsigned long long)ls.timeouts, (unsigned long long)ls.frame_errs,
         (unsigned long long)ls.repeats, (unsigned long long)ls.mem_rewrite_words,
         (unsigned long long)ls.mem_write_words, (unsigned long long)bs.dropped,
         (unsigned long long)bs.corrupted, (unsigned long long)bs.delayed, ls.burst_words);
  ck_assert_uint_gt(bs.dropped + bs.corrupted + bs.delayed, 100);
  ck_assert_uint_gt(ls.tries, ls.frames);
  /* every write done exactly once: the CSR writes the board's bridge did
   * are what the host was told were done; its memory words too, but for
   * the words a write resent shorter after an unknown outcome left to the
   * next frame (written twice, the same data, by two frames) */
  ck_assert_uint_eq(bs.csr_writes, ls.csr_writes);
  ck_assert_uint_ge(bs.mem_words_written, ls.mem_write_words);
  ck_assert_uint_le(bs.mem_words_written, ls.mem_write_words + ls.mem_rewrite_words);
  npe_close(d);
  fake_reset(0, 0.0);
}
END_TEST

START_TEST(dead) {
  fake_reset(0, 0.0);
  npe_dev *d = NULL;
  char msg[512];
  ck_assert_int_eq(npe__open_with("ftdi://0403:6010?tries=3", &hooks, &d, msg, sizeof msg),
                   NPE_ERR_IO);
  ck_assert_ptr_null(d);
  ck_assert_msg(strstr(msg, "no good reply to HELLO") && strstr(msg, "after 3 tries"), "%s", msg);
  /* bounded: three timeouts of (1 ms quiet + the longest frame + 20 ms) */
  ck_assert_uint_lt(fake.now_cycles, 3ull * 40 * 1000 * CLK_MHZ);
  ck_assert_int_eq(fake.closed, 1);
  ck_assert_int_eq(fake.freed, 1);
}
END_TEST

START_TEST(unplugged) {
  fake_reset(1, 0.0);
  npe_dev *d = NULL;
  char msg[512];
  ck_assert_int_eq(npe__open_with("ftdi://", &hooks, &d, msg, sizeof msg), NPE_OK);
  fake.unplugged = 1;
  uint8_t a[64] = {1}, b[64] = {2};
  float c[4];
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), 2, 32, 32, 1.0f},
             tb = {npe_pats_u8(NPE_FMT_INT8, b), 2, 32, 32, 1.0f};
  npe_output out = {.f32 = c};
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out), NPE_ERR_IO);
  ck_assert_msg(strstr(npe_last_error(d), "device gone"), "%s", npe_last_error(d));
  npe_close(d);
  fake_reset(0, 0.0);
}
END_TEST

START_TEST(ftdi_errors) {
  npe_dev *d = NULL;
  char msg[512];
  fake_reset(0, 0.0);
  ck_assert_int_eq(npe__open_with("ftdi://1234:5678", &hooks, &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "1234:5678") && strstr(msg, "no such USB device"), "%s", msg);
  fake_reset(0, 0.0);
  fake.open_rc = -4;
  fake.denied = 1;
  ck_assert_int_eq(npe__open_with("ftdi://0403:6010", &hooks, &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "permission denied") && strstr(msg, "udev") &&
                    strstr(msg, "ATTRS{idProduct}==\"6010\""),
                "%s", msg);
  fake_reset(0, 0.0);
  fake.open_rc = -5;
  ck_assert_int_eq(npe__open_with("ftdi://0403:6010", &hooks, &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "busy"), "%s", msg);
  fake_reset(0, 0.0);
  fake.open_rc = -4;
  ck_assert_int_eq(npe__open_with("ftdi://0403:6010", &hooks, &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "cannot open: fake error"), "%s", msg);
  fake_reset(0, 0.0);
  fake.fail_baud = 1;
  ck_assert_int_eq(npe__open_with("ftdi://0403:6010?baud=12000000", &hooks, &d, msg, sizeof msg),
                   NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "cannot set the baud rate"), "%s", msg);
  ck_assert_int_eq(fake.baud, 12000000);
  ck_assert_int_eq(fake.closed, 1);
  ck_assert_int_eq(fake.freed, 1);
  ck_assert_ptr_null(d);
  /* and through the public API: what npe_open says for a bad URI */
  ck_assert_int_eq(npe_open_msg("ftdi://0403:6010?interface=C", &d, msg, sizeof msg),
                   NPE_ERR_INVALID_ARG);
  ck_assert_msg(strstr(msg, "bad device URI"), "%s", msg);
  ck_assert_int_eq(npe_open_msg("uio:/dev/uio0", &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "name the device memory"), "%s", msg);
  fake_reset(0, 0.0);
}
END_TEST

START_TEST(uris) {
  static const char *const bad[] = {
      "ftdi://0403",          "ftdi://0403:",           "ftdi://12345:6010",
      "ftdi://0403:60x0",     "ftdi://:6010",           "ftdi://0403:6010/",
      "ftdi://0403:6010/a b", "ftdi://0403:6010?interface=C", "ftdi://0403:6010?baud=100",
      "ftdi://0403:6010?baud=12000001", "ftdi://0403:6010?tries=0", "ftdi://0403:6010?bogus=1",
      "ftdi://0403:6010?burst=0", "ftdi://0403:6010?burst=5000", "ftdi://0403:6010?mem=100",
      "ftdi://0403:6010?timeout=", "ftdi://0403:6010?=1", "ftdi://0403:6010?baud=-3",
      "uart:",                "uart:?baud=115200",      "uart:/dev/ttyUSB9?baud=12345",
      "uart:/dev/ttyUSB9?mem=100", "uart:/dev/ttyUSB9?clk=0", "uart:/dev/ttyUSB9?speed=1",
      "uart:/dev/ttyUSB9?baud=-1", "uart:/dev/ttyUSB9?interface=A"};
  npe_uri u;
  char buf[256];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(npe__uri_parse(bad[i], &u, buf, sizeof buf) == NPE_ERR_INVALID_ARG, "%s",
                  bad[i]);
  ck_assert_int_eq(npe__uri_parse("ftdi://", &u, buf, sizeof buf), NPE_OK);
  ck_assert_int_eq(u.kind, NPE_URI_FTDI);
  ck_assert_uint_eq(u.ftdi.vid, 0x0403);
  ck_assert_uint_eq(u.ftdi.pid, 0x6010);
  ck_assert_int_eq(u.ftdi.interface, 2);
  ck_assert_uint_eq(u.ftdi.link.baud, 3000000);
  ck_assert_ptr_null(u.ftdi.serial);
  ck_assert_int_eq(npe__uri_parse("ftdi://0403:6014/FT4ABCD?interface=a&baud=1000000&tries=3"
                                  "&burst=64&timeout=50&mem=65536",
                                  &u, buf, sizeof buf),
                   NPE_OK);
  ck_assert_uint_eq(u.ftdi.pid, 0x6014);
  ck_assert_str_eq(u.ftdi.serial, "FT4ABCD");
  ck_assert_int_eq(u.ftdi.interface, 1);
  ck_assert_uint_eq(u.ftdi.link.baud, 1000000);
  ck_assert_uint_eq(u.ftdi.link.tries, 3);
  ck_assert_uint_eq(u.ftdi.link.burst, 64);
  ck_assert_uint_eq(u.ftdi.link.timeout_ms, 50);
  ck_assert_uint_eq(u.ftdi.link.mem_size, 65536);
  ck_assert_int_eq(npe__uri_parse("uart:/dev/ttyUSB1?baud=115200&tries=2", &u, buf, sizeof buf),
                   NPE_OK);
  ck_assert_str_eq(u.uart.path, "/dev/ttyUSB1");
  ck_assert_uint_eq(u.uart.link.baud, 115200);
  ck_assert_uint_eq(u.uart.link.tries, 2);
  ck_assert_int_eq(npe__uri_parse("uart:/dev/ttyUSB1", &u, buf, sizeof buf), NPE_OK);
  ck_assert_uint_eq(u.uart.link.baud, 3000000);
}
END_TEST

int main(void) {
  Suite *s = suite_create("link");
  const struct {
    const char *name;
    const TTest *test;
  } cases[] = {{"frames", frames},     {"uris", uris},       {"ftdi_errors", ftdi_errors},
               {"dead", dead},         {"bridge", bridge},   {"matmul", matmul},
               {"unplugged", unplugged}, {"faults", faults}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    TCase *tc = tcase_create(cases[i].name); /* CK_RUN_CASE=name runs one */
    tcase_set_timeout(tc, 600);
    _tcase_add_test(tc, cases[i].test, 0, 0, 0, 1);
    suite_add_tcase(s, tc);
  }
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
