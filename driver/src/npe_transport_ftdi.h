/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_transport_ftdi.h - the ftdi:// transport: a board build behind
 * npe_uart_bridge on a channel of an FTDI USB UART, driven through libftdi1
 * (no kernel serial driver), speaking the board link's protocol v2
 * (npe_link.h, docs/LINK.md). Every libftdi call goes through an
 * npe_ftdi_ops table, so tests run the transport's logic against a fake.
 * Internal to libnpe.
 */
#ifndef NPE_TRANSPORT_FTDI_H
#define NPE_TRANSPORT_FTDI_H

#include <stddef.h>
#include <stdint.h>

#include "npe_link.h"
#include "npe_transport.h"

/** The iCEBreaker's FT2232H: VID 0x0403, PID 0x6010; channel B is the
 *  FPGA's UART (channel A programs the flash). */
#define NPE_FTDI_DEFAULT_VID 0x0403u
#define NPE_FTDI_DEFAULT_PID 0x6010u
#define NPE_FTDI_DEFAULT_INTERFACE 2 /* B */
/** USB latency timer (ms; the FT2232H's least) and transfer chunk sizes. */
#define NPE_FTDI_LATENCY_MS 1u
#define NPE_FTDI_CHUNK_BYTES 16384u

/** Options of an ftdi:// URI. */
typedef struct npe_ftdi_config {
  unsigned vid, pid;   /**< USB IDs (default 0403:6010) */
  const char *serial;  /**< USB serial number, NULL: the first match */
  int interface;       /**< 1 = A, 2 = B (default B) */
  npe_link_cfg link;   /**< baud (183..12000000), mem, clk, timeout, tries, burst */
} npe_ftdi_config;

/** Parses the part of a URI after "ftdi://" ("[VID:PID][/SERIAL]
 *  [?interface=A|B&baud=N&mem=BYTES&clk=MHZ&timeout=MS&tries=N&burst=WORDS]",
 *  VID and PID in hex) into @p c; the serial is copied into @p buf.
 *  Errors: NPE_ERR_INVALID_ARG. */
int npe_ftdi_parse(const char *rest, npe_ftdi_config *c, char *buf, size_t cap);

/** The libftdi1 calls the transport makes, one pointer each, with libftdi's
 *  return conventions (negative: error); @p h is a struct ftdi_context *.
 *  npe_ftdi_real_ops() has the real ones; tests pass a fake. */
typedef struct npe_ftdi_ops {
  void *(*new_ctx)(void);                                 /**< ftdi_new */
  void (*free_ctx)(void *h);                              /**< ftdi_free */
  int (*set_interface)(void *h, int interface);           /**< ftdi_set_interface */
  /** ftdi_usb_open_desc: -3 no such device, -4 / -5 cannot open / claim */
  int (*usb_open)(void *h, int vid, int pid, const char *serial);
  int (*usb_close)(void *h);                              /**< ftdi_usb_close */
  int (*usb_reset)(void *h);                              /**< ftdi_usb_reset */
  int (*set_baudrate)(void *h, int baud);                 /**< ftdi_set_baudrate */
  int (*set_line_8n1)(void *h);                           /**< ftdi_set_line_property */
  int (*set_flowctrl_none)(void *h);                      /**< ftdi_setflowctrl */
  int (*set_latency_timer)(void *h, unsigned char ms);    /**< ftdi_set_latency_timer */
  int (*set_chunksizes)(void *h, unsigned read, unsigned write); /**< ftdi_*_data_set_chunksize */
  int (*purge_rx)(void *h);                               /**< ftdi_tciflush */
  int (*write_data)(void *h, const uint8_t *p, int n);    /**< ftdi_write_data */
  /** ftdi_read_data: what has arrived, 0..n bytes, within about a latency period */
  int (*read_data)(void *h, uint8_t *p, int n);
  const char *(*error_string)(void *h);                   /**< ftdi_get_error_string */
  /** 1 if a device vid:pid is present but its USB node is not writable by
   *  this user (libusb bus/address, access(2)); 0 otherwise */
  int (*access_denied)(void *h, int vid, int pid);
  uint64_t (*now_us)(void *h);                            /**< monotonic clock */
  void (*sleep_us)(void *h, uint64_t us);                 /**< nanosleep */
} npe_ftdi_ops;

/** The table of real libftdi1 calls. */
const npe_ftdi_ops *npe_ftdi_real_ops(void);

/** Opens the channel, sets 8N1, no flow control, the baud rate, the
 *  latency timer and chunk sizes, and the link over it. @p ops NULL: the
 *  real calls. Errors (@p msg says which): NPE_ERR_IO (no such device;
 *  permission denied on its USB node, with the udev rule that fixes it;
 *  interface busy; a setting refused; no v2 bridge answers), NPE_ERR_DEVICE,
 *  NPE_ERR_NO_MEM. */
int npe_transport_ftdi_open(const npe_ftdi_config *c, const npe_ftdi_ops *ops,
                            npe_transport *t, char *msg, size_t cap);

/** The udev rule that lets a user open the iCEBreaker's FT2232H. */
#define NPE_FTDI_UDEV_RULE                                                                  \
  "SUBSYSTEM==\"usb\", ATTRS{idVendor}==\"0403\", ATTRS{idProduct}==\"6010\", MODE=\"0660\", " \
  "GROUP=\"plugdev\", TAG+=\"uaccess\""

#endif /* NPE_TRANSPORT_FTDI_H */
