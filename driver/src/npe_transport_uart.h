/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_transport_uart.h - the uart: transport: a board build reached over a
 * serial port (termios) through npe_uart_bridge, speaking the board link's
 * protocol v2 (npe_link.h, docs/LINK.md). Internal to libnpe.
 */
#ifndef NPE_TRANSPORT_UART_H
#define NPE_TRANSPORT_UART_H

#include "npe_link.h"
#include "npe_transport.h"

/** Options of a uart: URI. */
typedef struct npe_uart_config {
  const char *path;  /**< serial device, e.g. /dev/ttyUSB1 */
  npe_link_cfg link; /**< baud (a termios rate), mem, clk, timeout, tries, burst */
} npe_uart_config;

/** Parses the part of a URI after "uart:" ("PATH[?baud=N&mem=BYTES&clk=MHZ
 *  &timeout=MS&tries=N&burst=WORDS]") into @p c; the path is copied into
 *  @p buf. Errors: NPE_ERR_INVALID_ARG. */
int npe_uart_parse(const char *rest, npe_uart_config *c, char *buf, size_t cap);

/** Opens the serial port in raw 8N1 mode and the link over it. Errors:
 *  NPE_ERR_IO (the port cannot be opened or configured; no v2 bridge
 *  answers), NPE_ERR_DEVICE, NPE_ERR_NO_MEM; @p msg (@p cap bytes) says
 *  why. */
int npe_transport_uart_open(const npe_uart_config *c, npe_transport *t, char *msg, size_t cap);

#endif /* NPE_TRANSPORT_UART_H */
