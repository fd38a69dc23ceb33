/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_transport_uart.h - the uart: transport: a board build reached over a
 * serial port through npe_uart_bridge (fpga/rtl/npe_uart_bridge.sv, whose
 * header specifies the 8-byte frames). Internal to libnpe.
 */
#ifndef NPE_TRANSPORT_UART_H
#define NPE_TRANSPORT_UART_H

#include "npe_transport.h"

/** Options of a uart: URI. */
typedef struct npe_uart_config {
  const char *path;    /**< serial device, e.g. /dev/ttyUSB1 */
  unsigned baud;       /**< line rate (default 115200) */
  uint64_t mem_size;   /**< memory behind the bridge at address 0 (default 128 KiB) */
  unsigned clk_mhz;    /**< board clock, for cycle estimates (default 12) */
  unsigned timeout_ms; /**< longest wait for a reply (default 1000) */
} npe_uart_config;

/** Parses the part of a URI after "uart:" ("PATH[?baud=N&mem=BYTES&clk=MHZ
 *  &timeout=MS]") into @p c; the path is copied into @p buf. */
int npe_uart_parse(const char *rest, npe_uart_config *c, char *buf, size_t cap);

/** Opens the serial port in raw 8N1 mode; NPE_ERR_IO if it cannot be
 *  opened or configured. Sets the DMA window to [0, mem_size). */
int npe_transport_uart_open(const npe_uart_config *c, npe_transport *t);

#endif /* NPE_TRANSPORT_UART_H */
