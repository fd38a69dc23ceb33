/* SPDX-License-Identifier: Apache-2.0 */
/* npe_uri.c - libnpe: a device URI parsed into a transport's configuration
 * (npe_uri.h), without opening anything. */
#define _POSIX_C_SOURCE 200809L
#include "npe_uri.h"

#include <stdlib.h>
#include <string.h>

#include "npe_format.h"

/* Parses "sim:" options into @p c; the trace path points into @p buf. */
static int parse_sim_uri(const char *opts, npesim_config *c, char *buf, size_t cap) {
  memset(c, 0, sizeof *c);
  c->seed = 1;
  if (*opts == 0) return NPE_OK;
  if (*opts != '?') return NPE_ERR_INVALID_ARG;
  if (strlen(opts + 1) >= cap) return NPE_ERR_INVALID_ARG;
  strcpy(buf, opts + 1);
  char *save = NULL;
  for (char *kv = strtok_r(buf, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq || eq == kv || !eq[1]) return NPE_ERR_INVALID_ARG;
    *eq = 0;
    const char *key = kv, *val = eq + 1;
    if (!strcmp(key, "trace")) {
      c->trace_path = val;
      continue;
    }
    if (!strcmp(key, "firmware")) { /* build=soc: the firmware ELF */
      c->firmware = val;
      continue;
    }
    if (!strcmp(key, "build")) {
      if (!strcmp(val, "small"))
        c->build = NPESIM_BUILD_SMALL;
      else if (!strcmp(val, "zynq"))
        c->build = NPESIM_BUILD_ZYNQ;
      else if (!strcmp(val, "soc"))
        c->build = NPESIM_BUILD_SOC;
      else if (!strcmp(val, "default"))
        c->build = NPESIM_BUILD_FULL;
      else
        return NPE_ERR_INVALID_ARG;
      continue;
    }
    char *end;
    unsigned long long v = strtoull(val, &end, 10);
    if (*end || *val == '-') return NPE_ERR_INVALID_ARG;
    if (!strcmp(key, "latency") && v >= 1 && v <= 100000) {
      c->read_latency = (unsigned)v;
      c->write_latency = (unsigned)(v / 5 + 1);
    } else if (!strcmp(key, "ready") && v >= 1 && v <= 100) {
      c->ready_pct = (unsigned)v;
    } else if (!strcmp(key, "valid") && v >= 1 && v <= 100) {
      c->valid_pct = (unsigned)v;
    } else if (!strcmp(key, "seed")) {
      c->seed = v;
      c->random_reset = 1;
    } else {
      return NPE_ERR_INVALID_ARG;
    }
  }
  /* a firmware is the SoC's alone; its memory is on chip (no latency or
   * back-pressure to set) */
  if (c->firmware && c->build != NPESIM_BUILD_SOC) return NPE_ERR_INVALID_ARG;
  if (c->build == NPESIM_BUILD_SOC && (c->read_latency || c->ready_pct || c->valid_pct))
    return NPE_ERR_INVALID_ARG;
  return NPE_OK;
}

int npe__uri_parse(const char *uri, npe_uri *out, char *buf, size_t cap) {
  if (!uri || !out || !buf || !cap) return NPE_ERR_INVALID_ARG;
  memset(out, 0, sizeof *out);
  if (!strncmp(uri, "sim:", 4)) {
    out->kind = NPE_URI_SIM;
    return parse_sim_uri(uri + 4, &out->sim, buf, cap);
  }
  if (!strncmp(uri, "uart:", 5)) {
    out->kind = NPE_URI_UART;
    return npe_uart_parse(uri + 5, &out->uart, buf, cap);
  }
  if (!strncmp(uri, "ftdi://", 7)) {
    out->kind = NPE_URI_FTDI;
    return npe_ftdi_parse(uri + 7, &out->ftdi, buf, cap);
  }
  if (!strncmp(uri, "uio:", 4)) {
    out->kind = NPE_URI_UIO;
    return npe_uio_parse(uri + 4, &out->uio, buf, cap);
  }
  return NPE_ERR_INVALID_ARG;
}
