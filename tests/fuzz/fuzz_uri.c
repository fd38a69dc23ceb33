/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the device URI parser of libnpe (driver/src/npe_uri.c,
 * npe__uri_parse, what npe_open() runs before it opens anything), on an
 * arbitrary string. No simulator starts and no port opens. Checks: an
 * accepted URI (sim:, uart:, ftdi://, uio:) has a kind, its strings lie inside
 * the caller's buffer and its numbers in their documented ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npe_format.h"
#include "npe_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const char *p, const char *buf, size_t cap) {
  return !p || (p >= buf && p < buf + cap && memchr(p, 0, (size_t)(buf + cap - p)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *uri = malloc(size + 1);
  if (!uri) return 0;
  memcpy(uri, data, size);
  uri[size] = 0;
  /* a small buffer too, so "options longer than buf" is reached */
  size_t cap = size && data[0] & 1 ? 16 : 512;
  char *buf = malloc(cap);
  npe_uri u;
  int rc = buf ? npe__uri_parse(uri, &u, buf, cap) : NPE_OK + 1;
  if (rc == NPE_OK) {
    if (u.kind == NPE_URI_SIM) {
      if (!inside(u.sim.trace_path, buf, cap)) abort();
      if (u.sim.ready_pct > 100 || u.sim.valid_pct > 100 || u.sim.read_latency > 100000)
        abort();
    } else if (u.kind == NPE_URI_UART) {
      if (!u.uart.path || !u.uart.path[0] || !inside(u.uart.path, buf, cap)) abort();
      const npe_link_cfg *l = &u.uart.link;
      if ((l->mem_size && (l->mem_size < 4096 || l->mem_size > (1u << 24))) || !l->baud ||
          l->baud > 3000000)
        abort();
    } else if (u.kind == NPE_URI_FTDI) {
      const npe_link_cfg *l = &u.ftdi.link;
      if (u.ftdi.vid > 0xffff || u.ftdi.pid > 0xffff || (u.ftdi.interface != 1 && u.ftdi.interface != 2))
        abort();
      if (u.ftdi.serial && (!u.ftdi.serial[0] || !inside(u.ftdi.serial, buf, cap))) abort();
      if (l->baud < 183 || l->baud > 12000000 || (l->tries && l->tries > 1000) ||
          (l->burst && l->burst > 4096))
        abort();
    } else if (u.kind == NPE_URI_UIO) {
      const npe_uio_config *c = &u.uio;
      if (!c->dev || c->dev[0] != '/' || !inside(c->dev, buf, cap)) abort();
      if (c->mem && (c->mem[0] != '/' || !inside(c->mem, buf, cap))) abort();
      if (c->map > 4 || c->phys % 4096 || (c->size && (c->size < 65536 || c->size % 4096)) ||
          c->timeout_ms < 1 || c->timeout_ms > 600000 || c->clk_mhz < 1 || c->clk_mhz > 2000)
        abort();
      /* soc=1 has no device memory of the host's; firmware= only with it */
      if (c->soc != 0 && c->soc != 1) abort();
      if (c->soc && (c->mem || c->phys || c->size)) abort();
      if (c->firmware && (!c->soc || !c->firmware[0] || !inside(c->firmware, buf, cap))) abort();
    } else {
      abort();
    }
  } else if (buf && rc != NPE_ERR_INVALID_ARG && rc != NPE_ERR_UNSUPPORTED) {
    abort();
  }
  free(buf);
  free(uri);
  return 0;
}
