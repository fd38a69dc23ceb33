/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_uart - the uart: transport of libnpe, end to end without a board: a
 * pseudo-terminal stands for the serial port, and a thread on its other end
 * plays the board with tests/link/board_sim: the bridge RTL (Verilated,
 * npe_uart_bridge and its UART at 3 Mbaud, protocol v2 of docs/LINK.md) in
 * front of the simulated small build, the board's engine (128 KiB of
 * memory at address 0). Matmuls through the public API are checked against
 * the golden library; bad URIs, a port that cannot be opened and a board
 * that does not answer get their documented errors and messages.
 */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "board_sim.h"
#include "npe.h"

#include "check_matmul.h"

/* ------------------------------------------------------------------------ */
/* The board: bytes from the pty into the simulated bridge and back          */
/* ------------------------------------------------------------------------ */
typedef struct board {
  int fd;             /* master side of the pty */
  board_sim *sim;
  atomic_int stop;
  pthread_t thread;
} board;

static void put_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return;
    p += w, n -= (size_t)w;
  }
}

static void *board_main(void *arg) {
  board *b = arg;
  uint8_t buf[4096];
  while (!atomic_load(&b->stop)) {
    struct pollfd pf = {b->fd, POLLIN, 0};
    if (poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN)) {
      ssize_t got = read(b->fd, buf, sizeof buf);
      if (got > 0) board_sim_host_write(b->sim, buf, (size_t)got);
    }
    board_sim_run(b->sim, 2000); /* 1/6 ms of the board */
    size_t n = board_sim_host_read(b->sim, buf, sizeof buf);
    if (n) put_all(b->fd, buf, n);
  }
  return NULL;
}

/* Opens a pty; its slave's path into @p path. With @p answer, a board
 * thread serves it. */
static void board_start(board *b, char *path, size_t cap, int answer) {
  memset(b, 0, sizeof *b);
  b->fd = posix_openpt(O_RDWR | O_NOCTTY);
  ck_assert_int_ge(b->fd, 0);
  ck_assert_int_eq(grantpt(b->fd), 0);
  ck_assert_int_eq(unlockpt(b->fd), 0);
  ck_assert_ptr_nonnull(ptsname(b->fd));
  snprintf(path, cap, "%s", ptsname(b->fd));
  struct termios tio;
  ck_assert_int_eq(tcgetattr(b->fd, &tio), 0);
  cfmakeraw(&tio);
  ck_assert_int_eq(tcsetattr(b->fd, TCSANOW, &tio), 0);
  if (!answer) return;
  board_sim_config c;
  memset(&c, 0, sizeof c);
  c.clk_mhz = 12;
  c.seed = 1;
  ck_assert_int_eq(board_sim_create(&c, &b->sim), 0);
  ck_assert_int_eq(pthread_create(&b->thread, NULL, board_main, b), 0);
}

static void board_stop(board *b) {
  if (b->sim) {
    atomic_store(&b->stop, 1);
    pthread_join(b->thread, NULL);
    board_sim_destroy(b->sim);
  }
  close(b->fd);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */
START_TEST(matmul_over_uart) {
  board b;
  char path[256], uri[512];
  board_start(&b, path, sizeof path, 1);
  snprintf(uri, sizeof uri, "uart:%s?baud=3000000&timeout=2000", path);
  npe_dev *d = NULL;
  char msg[512];
  ck_assert_msg(npe_open_msg(uri, &d, msg, sizeof msg) == NPE_OK, "%s", msg);
  npe_info info;
  ck_assert_int_eq(npe_get_info(d, &info), NPE_OK);
  ck_assert_str_eq(info.transport, "uart");
  ck_assert_uint_eq(info.mem_size, 131072);
  ck_assert_uint_eq(info.rows, 1);
  ck_assert_uint_eq(info.formats, (1u << NPE_FMT_INT8) | (1u << NPE_FMT_TERNARY));
  check_matmul(d, NPE_FMT_INT8, 7, 9, 40);
  check_matmul(d, NPE_FMT_TERNARY, 3, 5, 33);
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert_uint_eq(st.macs[NPE_FMT_TERNARY], 3u * 5u * 33u);
  /* a buffer larger than the board's memory */
  npe_buf *big = NULL;
  ck_assert_int_eq(npe_buf_alloc(d, 200u << 10, &big), NPE_ERR_NO_MEM);
  npe_close(d);
  board_sim_stats bs;
  board_sim_get_stats(b.sim, &bs);
  ck_assert_uint_gt(bs.csr_reads, 20);
  ck_assert_uint_gt(bs.mem_words_written, 100);
  board_stop(&b);
}
END_TEST

START_TEST(bad_uris_and_silent_boards) {
  npe_dev *d = NULL;
  ck_assert_int_eq(npe_open("uart:", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uart:?baud=115200", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uart:/dev/ttyUSB9?baud=12345", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uart:/dev/ttyUSB9?tries=0", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uart:/dev/ttyUSB9?mem=100", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uart:/dev/ttyUSB9?clk=0", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uart:/dev/ttyUSB9?speed=1", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uart:/dev/ttyUSB9?baud=-1", &d), NPE_ERR_INVALID_ARG);
  ck_assert_ptr_null(d);
  /* no such port; not a terminal */
  char msg[512];
  ck_assert_int_eq(npe_open_msg("uart:/nonexistent/ttyX", &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "/nonexistent/ttyX: No such file"), "%s", msg);
  ck_assert_int_eq(npe_open_msg("uart:/dev/null", &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "not a serial port"), "%s", msg);
  /* a port with nothing behind it: no answer within the timeout */
  board b;
  char path[256], uri[512];
  board_start(&b, path, sizeof path, 0);
  snprintf(uri, sizeof uri, "uart:%s?timeout=20&tries=2", path);
  ck_assert_int_eq(npe_open_msg(uri, &d, msg, sizeof msg), NPE_ERR_IO);
  ck_assert_msg(strstr(msg, "no good reply to HELLO") && strstr(msg, "after 2 tries"), "%s", msg);
  ck_assert_ptr_null(d);
  board_stop(&b);
}
END_TEST

int main(void) {
  Suite *s = suite_create("uart");
  TCase *tc = tcase_create("uart");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, bad_uris_and_silent_boards);
  tcase_add_test(tc, matmul_over_uart);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
