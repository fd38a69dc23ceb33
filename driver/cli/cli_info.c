/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe info`: what the engine is, through the public libnpe API only; and
 * the device-facing helpers every subcommand that runs one shares (opening
 * it, progress, reporting an engine error). cli_data.c stays free of libnpe
 * calls: the format fuzzer links it alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "npe.h"
#include "npe_cli.h"

int cli_open_device(const char *uri, npe_dev **d) {
  char msg[512];
  int rc = npe_open_msg(uri, d, msg, sizeof msg);
  if (rc) {
    fprintf(stderr, "npe: cannot open device '%s': %s\n", uri, npe_strerror(rc));
    if (msg[0]) fprintf(stderr, "npe: %s\n", msg);
    return rc == NPE_ERR_INVALID_ARG || rc == NPE_ERR_UNSUPPORTED ? NPE_EXIT_USAGE
                                                                   : NPE_EXIT_FAIL;
  }
  return NPE_EXIT_OK;
}

void cli_rnn_progress(double frac, void *ctx) {
  (void)ctx;
  fprintf(stderr, "\rnpe rnn: %5.1f%%", 100.0 * frac);
  fflush(stderr);
}

void cli_report_engine_error(npe_dev *d, const char *cmd, int rc) {
  npe_stats st;
  if (rc == NPE_ERR_DEVICE && d && npe_last_stats(d, &st) == NPE_OK)
    fprintf(stderr, "%s: engine error code %u at descriptor %u (address 0x%llx)\n", cmd,
            st.hw_error, st.hw_error_index, (unsigned long long)st.hw_error_addr);
}

static const char info_usage[] =
    "Usage: npe info [--device URI] [--json]\n"
    "\n"
    "Opens the engine at URI (default \"sim:\", the Verilator model of the RTL)\n"
    "and prints what it is: identification, formats, MAC array shape, scratchpad\n"
    "sizes, the nonlinear unit (column groups per ramp), the recurrence unit,\n"
    "device memory, and the largest K per format pair.\n"
    "\n"
    "  --device URI  sim: or sim:?latency=N&ready=P&valid=P&seed=S&trace=FILE&build=small|zynq,\n"
    "                or a board build (make fpga-icebreaker) over its link (docs/LINK.md):\n"
    "                  uart:PORT[?OPTS]   the serial port PORT, e.g. uart:/dev/ttyUSB1\n"
    "                  ftdi://[VID:PID][/SERIAL][?interface=A|B&OPTS]  an FTDI channel\n"
    "                    through libftdi1 (default 0403:6010 interface B: the\n"
    "                    iCEBreaker's FT2232H, whose channel B is the FPGA's UART)\n"
    "                OPTS: baud=N (default 3000000), mem=BYTES, clk=MHZ (default 12),\n"
    "                timeout=MS (one frame), tries=N (default 8), burst=WORDS, joined\n"
    "                by &. Permission denied on ftdi://: the message names the udev rule.\n"
    "                or an engine in a Zynq's logic under Linux (fpga/zynq):\n"
    "                  uio:DEV?mem=PATH[&phys=ADDR&size=BYTES&map=M&timeout=MS&clk=MHZ]\n"
    "                    DEV the UIO node of the CSRs (/dev/uioN, uioN or N); mem the\n"
    "                    device memory: /dev/udmabufN (address and size from sysfs) or\n"
    "                    /dev/mem with phys= and size= (a reserved region)\n"
    "                  uio:DEV?soc=1[&firmware=ELF&map=M&timeout=MS&clk=MHZ]\n"
    "                    the SoC (docs/SOC.md, npe_soc_zynq_top) through its 256 KiB host\n"
    "                    window; its firmware is loaded when none runs (default\n"
    "                    build/firmware/npe_soc_fw.elf) or when firmware= names one\n"
    "  --json        machine-readable output\n";

int npe_cmd_info(int argc, char **argv) {
  const char *uri = "sim:";
  int json = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(info_usage, stdout);
      return NPE_EXIT_OK;
    } else if (!strcmp(argv[i], "--json")) {
      json = 1;
    } else if (!strcmp(argv[i], "--device") && i + 1 < argc) {
      uri = argv[++i];
    } else {
      fprintf(stderr, "npe info: unknown option '%s' (see `npe info --help`)\n", argv[i]);
      return NPE_EXIT_USAGE;
    }
  }
  npe_dev *d;
  int ex = cli_open_device(uri, &d);
  if (ex) return ex;
  npe_info in;
  npe_get_info(d, &in);
  static const npe_fmt pa[6][2] = {{NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
                                   {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
                                   {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};
  if (json) {
    printf("{\"transport\": \"%s\", \"id\": \"0x%08x\", \"hw_version\": \"0x%08x\", "
           "\"formats\": \"0x%02x\", \"rows\": %u, \"cols\": %u, \"lanes\": %u, "
           "\"spad_a_kib\": %u, \"spad_b_kib\": %u, \"spad_c_kib\": %u, \"mem_bytes\": %llu, "
           "\"nlu_groups\": %u, \"recur_state_words\": %u, \"recur_modes\": \"0x%02x\", "
           "\"k_tiles\": %s, \"sherry\": %s, \"b_resident\": %s, \"max_k\": {",
           in.transport, in.id, in.hw_version, in.formats, in.rows, in.cols, in.lanes,
           in.spad_a_kib, in.spad_b_kib, in.spad_c_kib, (unsigned long long)in.mem_size,
           in.has_nlu ? in.nlu_groups : 0u, in.recur_state_words, in.recur_modes,
           in.has_ksplit ? "true" : "false", in.has_sherry ? "true" : "false",
           in.has_b_offset ? "true" : "false");
    for (int i = 0; i < 6; i++)
      printf("%s\"%sx%s\": %u", i ? ", " : "", npe_fmt_name(pa[i][0]), npe_fmt_name(pa[i][1]),
             npe_max_k(d, pa[i][0], pa[i][1]));
    printf("}, \"rnn_max_hidden\": {");
    static const char *const gcells[2] = {"gru", "lstm"};
    for (int c = 0; c < 2; c++) {
      printf("%s\"%s\": {", c ? ", " : "", gcells[c]);
      for (int f = 0; f < NPE_FMT_COUNT; f++)
        printf("%s\"%s\": %u", f ? ", " : "", npe_fmt_name((npe_fmt)f),
               npe_rnn_max_hidden(d, (npe_rnn_cell)(c + 1), (npe_fmt)f));
      printf("}");
    }
    printf("}}\n");
  } else {
    printf("transport     %s\nid            0x%08x (%c%c%c%c)\nhw version    0x%08x\n",
           in.transport, in.id, in.id >> 24, (in.id >> 16) & 0xff, (in.id >> 8) & 0xff,
           in.id & 0xff, in.hw_version);
    printf("formats      ");
    for (int f = 0; f < NPE_FMT_COUNT; f++)
      if (in.formats >> f & 1) printf(" %s", npe_fmt_name((npe_fmt)f));
    printf("\nMAC array     %u x %u PEs, up to %u MACs per PE per cycle\n", in.rows, in.cols,
           in.lanes);
    printf("scratchpads   A %u KiB, B %u KiB, out %u KiB (each double-buffered)\n",
           in.spad_a_kib, in.spad_b_kib, in.spad_c_kib);
    if (in.has_nlu)
      printf("nonlinear     ramp ADC, %u column groups (%u columns) per ramp (npe matmul --act)\n",
             in.nlu_groups, in.nlu_groups * in.rows * in.cols);
    else
      printf("nonlinear     none\n");
    if (in.has_recur) {
      static const char *const cells[5] = {"diag", "gru", "lstm", "gla", "hgrn"};
      printf("recurrence   ");
      int any = 0;
      for (int c = 0; c < 5; c++)
        if (c != NPE_RNN_GLA && in.recur_modes >> c & 1u) printf(" %s", cells[c]), any = 1;
      printf("%s, %u state elements on chip (npe rnn)\n", any ? "" : " no mode this driver knows",
             in.recur_state_words);
      for (int c = 1; c < 3; c++) { /* the largest H of a gated cell per weight format */
        if (!(in.recur_modes >> c & 1u)) continue;
        char label[16];
        snprintf(label, sizeof label, "%s max H", cells[c]);
        printf("%-13s", label);
        const char *sep = "";
        for (int f = 0; f < NPE_FMT_COUNT; f++) {
          uint32_t mh = npe_rnn_max_hidden(d, (npe_rnn_cell)c, (npe_fmt)f);
          if (mh) printf("%s %s %u", sep, npe_fmt_name((npe_fmt)f), mh), sep = ",";
        }
        printf("\n");
      }
    } else {
      printf("recurrence    none\n");
    }
    if (in.has_sherry)
      printf("weights       ternary as Sherry 1.25-bit codes, unpacked on the load path "
             "(3:4-sparse B)\n");
    else
      printf("weights       ternary as 2-bit codes (no Sherry unpacker)\n");
    printf("%s", in.has_b_offset
                     ? "              B loaded once per matmul where it fits a B buffer "
                       "(MATMUL SPAD_OFF)\n"
                     : "              B loaded for every 4 rows of A (no MATMUL SPAD_OFF)\n");
    if (in.mem_size >= (1ull << 20))
      printf("memory        %llu MiB\nlargest K    ", (unsigned long long)(in.mem_size >> 20));
    else
      printf("memory        %llu KiB\nlargest K    ", (unsigned long long)(in.mem_size >> 10));
    /* the pairs this engine has */
    const char *sep = "";
    for (int i = 0; i < 6; i++) {
      uint32_t kmax = npe_max_k(d, pa[i][0], pa[i][1]);
      if (!kmax) continue;
      printf("%s %sx%s %u", sep, npe_fmt_name(pa[i][0]), npe_fmt_name(pa[i][1]), kmax);
      sep = ",";
    }
    printf("%s\n", in.has_ksplit ? " per MATMUL; any K in K tiles, rounded once"
                                  : " (no K tiles on this engine)");
  }
  npe_close(d);
  return NPE_EXIT_OK;
}
