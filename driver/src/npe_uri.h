/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_uri.h - parsing a device URI ("sim:?latency=N&...", "uart:PATH?...",
 * "ftdi://VID:PID/SERIAL?...", "uio:/dev/uioN?mem=...")
 * into a transport's configuration, apart from opening it, so the parser
 * can be tested and fuzzed without a simulator or a serial port
 * (tests/fuzz/fuzz_uri.c). Internal to libnpe.
 */
#ifndef NPE_URI_H
#define NPE_URI_H

#include <stddef.h>

#include "npe_transport_ftdi.h"
#include "npe_transport_uio.h"
#include "npe_transport_uart.h"
#include "npesim.h"

typedef enum npe_uri_kind {
  NPE_URI_SIM = 1,
  NPE_URI_UART = 2,
  NPE_URI_FTDI = 3,
  NPE_URI_UIO = 4
} npe_uri_kind;

/** A parsed device URI: the kind and that transport's configuration. */
typedef struct npe_uri {
  npe_uri_kind kind;
  npesim_config sim;   /**< kind NPE_URI_SIM */
  npe_uart_config uart; /**< kind NPE_URI_UART */
  npe_ftdi_config ftdi; /**< kind NPE_URI_FTDI */
  npe_uio_config uio;   /**< kind NPE_URI_UIO */
} npe_uri;

/** Parses @p uri (NUL-terminated) into *@p out; strings in the result
 *  (trace path, serial path) point into @p buf (@p cap bytes, which must
 *  hold the URI's option text). Reads nothing beyond the string and writes
 *  nothing beyond buf[cap - 1]. Errors: NPE_ERR_INVALID_ARG (NULL, unknown
 *  scheme, a bad option or value, options longer than buf). */
int npe__uri_parse(const char *uri, npe_uri *out /* out */, char *buf, size_t cap);

#endif /* NPE_URI_H */
