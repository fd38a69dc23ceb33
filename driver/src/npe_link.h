/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_link.h - the host side of the board link, protocol v2 (docs/LINK.md;
 * the numbers in include/npe_link_proto.h): frames with a sequence number
 * and a CRC, bursts, a status for every frame, timeouts and safe retries.
 * One implementation for every serial transport (uart:, ftdi://): each
 * hands it its byte I/O as an npe_link_io and gets an npe_transport back.
 * Internal to libnpe.
 */
#ifndef NPE_LINK_H
#define NPE_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "npe_link_proto.h"
#include "npe_transport.h"

/** Byte I/O under the link: a serial port, an FTDI channel, a simulated
 *  wire. Every function but close returns an npe_status. */
typedef struct npe_link_io {
  void *ctx;
  /** Sends all @p n bytes; NPE_ERR_IO if the device is gone. */
  int (*write)(void *ctx, const uint8_t *p, size_t n);
  /** Waits at most @p timeout_us for at least one byte and reads up to
   *  @p cap; *@p got = bytes read (0: nothing came in time). */
  int (*read)(void *ctx, uint8_t *p, size_t cap, uint64_t timeout_us, size_t *got /* out */);
  /** Drops whatever has been received and not read. */
  void (*flush_in)(void *ctx);
  /** Monotonic microseconds (the simulated wire's are simulated). */
  uint64_t (*now_us)(void *ctx);
  /** Lets @p us microseconds pass. */
  void (*sleep_us)(void *ctx, uint64_t us);
  /** Releases the I/O (called by the transport's close). */
  void (*close)(void *ctx);
} npe_link_io;

/** Options of a link (0 in a field: its default). */
typedef struct npe_link_opts {
  const char *name;     /**< for messages, e.g. "uart /dev/ttyUSB1" (copied) */
  unsigned baud;        /**< line rate, for reply timeouts (default 3000000) */
  unsigned clk_mhz;     /**< board clock, for cycle estimates (default 12) */
  unsigned timeout_ms;  /**< a frame's reply timeout beyond its own time on the wire (both
                         *   ways at baud) and the bridge's quiet time (IDLE_CYCLES): USB and
                         *   OS latency (default 20) */
  unsigned tries;       /**< attempts per frame before NPE_ERR_IO (default 8) */
  unsigned max_words;   /**< largest burst (default and limit: the bridge's MAX_WORDS) */
  uint64_t mem_size;    /**< memory the driver manages (default and limit: MEM_BYTES) */
} npe_link_opts;

/** What a link has done (npe_link_get_stats). */
typedef struct npe_link_stats {
  uint64_t frames;      /**< frames that got a good reply */
  uint64_t tries;       /**< frames sent, retries included */
  uint64_t timeouts;    /**< attempts with no good reply in time */
  uint64_t frame_errs;  /**< FRAME_ERR replies */
  uint64_t repeats;     /**< replies with the repeat bit: a write done once, answered again */
  uint64_t tx_bytes, rx_bytes; /**< bytes on the wire each way */
  uint64_t payload_bytes;      /**< memory bytes moved by MEM frames */
  uint64_t csr_writes;         /**< CSR_WRITE frames done (once each, retries or not) */
  uint64_t mem_write_words;    /**< words of MEM_WRITE frames done */
  uint64_t mem_rewrite_words;  /**< the most words a write's resend, shorter after an unknown
                                *   outcome, leaves to be written again by the next frame */
  uint32_t burst_words;        /**< the burst size in use now */
} npe_link_stats;

/** The options of a link URI (uart:, ftdi://) common to every serial
 *  transport; 0 in a field: the default. */
typedef struct npe_link_cfg {
  unsigned baud;        /**< baud=N (default 3000000, the iCEBreaker bitstream's rate) */
  uint64_t mem_size;    /**< mem=BYTES (default: what the bridge reports) */
  unsigned clk_mhz;     /**< clk=MHZ (default 12) */
  unsigned timeout_ms;  /**< timeout=MS, a reply's wait beyond its time on the wire and the
                         *   bridge's quiet time (default 20) */
  unsigned tries;       /**< tries=N, attempts per frame (default 8) */
  unsigned burst;       /**< burst=WORDS, largest memory frame (default: the bridge's) */
} npe_link_cfg;

/** Sets option @p key of @p c from the decimal or 0x-hex @p val. Returns
 *  NPE_OK, NPE_ERR_INVALID_ARG (a bad value), or 1 (not a link option;
 *  baud is the transport's: it knows which rates it can set). */
int npe_link_cfg_set(npe_link_cfg *c, const char *key, const char *val);

/** The link options of @p c as npe_link_opts named @p name. */
npe_link_opts npe_link_cfg_opts(const npe_link_cfg *c, const char *name);

/** Says HELLO over @p io and makes @p t a transport over the link: CSRs one
 *  word per frame, memory in bursts, DMA window set to [0, mem_size).
 *  On success the transport owns @p io (its close calls io->close); on
 *  failure @p io is left open for the caller. @p msg (@p cap bytes) gets a
 *  one-line reason on failure. Errors: NPE_ERR_INVALID_ARG, NPE_ERR_IO (no
 *  answer after the tries, a bridge that is not protocol v2, I/O failure),
 *  NPE_ERR_DEVICE (the engine refuses the window CSRs), NPE_ERR_NO_MEM. */
int npe_link_open(const npe_link_io *io, const npe_link_opts *o, npe_transport *t /* out */,
                  char *msg, size_t cap);

/** Statistics of a transport made by npe_link_open. */
int npe_link_get_stats(const npe_transport *t, npe_link_stats *s /* out */);

/** Memory the bridge reported (MEM_BYTES), or the mem_size option if
 *  smaller: what npe_dev manages. */
uint64_t npe_link_mem_size(const npe_transport *t);

/* ------------------------------------------------------------------------ */
/* Frames (pure functions; tests and tests/fuzz/fuzz_link.c use them)        */
/* ------------------------------------------------------------------------ */

/** CRC-16/CCITT-FALSE of @p n bytes, continuing from @p crc (start with
 *  NPE_LINK_CRC_INIT). */
uint16_t npe_link_crc16(uint16_t crc, const uint8_t *p, size_t n);

/** Bytes of a request frame: header, 4 x @p count data words if the op
 *  writes, CRC. */
size_t npe_link_req_bytes(uint8_t op, uint16_t count);

/** Writes a request frame into @p out (@p cap bytes); @p data holds
 *  @p count words for a write op (else NULL). Returns its length, 0 if it
 *  does not fit. */
size_t npe_link_encode(uint8_t *out, size_t cap, uint8_t seq, uint8_t op, uint16_t count,
                       uint32_t addr, const uint32_t *data);

/** Incremental parser of reply frames: bytes in, whole frames with a good
 *  CRC out. Never reads or writes outside its own fields and @p data. */
typedef struct npe_link_parser {
  uint32_t *data;       /**< where DATA words go */
  size_t data_cap;      /**< words @p data holds; a longer reply is a bad frame */
  unsigned st;          /**< internal: 0 hunting SOF, 1 header, 2 data, 3 CRC */
  size_t n;             /**< internal: bytes of the current part */
  uint16_t crc;         /**< internal */
  uint8_t hdr[4];       /**< internal: SEQ STATUS COUNT */
  /* the last good frame */
  uint8_t seq, status;  /**< SEQ, STATUS */
  uint16_t count;       /**< words in data */
} npe_link_parser;

/** Starts (or restarts) a parser hunting for SOF. */
void npe_link_parser_init(npe_link_parser *p, uint32_t *data, size_t data_cap);

/** Feeds one byte: 1 when it completes a good reply (seq, status, count
 *  and data set; the parser hunts again), -1 when the bytes since SOF are
 *  not a good reply (bad CRC, COUNT beyond data_cap; dropped, hunting
 *  again), 0 otherwise. */
int npe_link_parser_feed(npe_link_parser *p, uint8_t b);

#endif /* NPE_LINK_H */
