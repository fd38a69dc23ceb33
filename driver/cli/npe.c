/* SPDX-License-Identifier: Apache-2.0 */
/* npe - command-line tool of the NPE project: dispatches to subcommands. */
#include <stdio.h>
#include <string.h>

#include "npe_cli.h"
#include "npe_cli_nlu.h"

static const char usage[] =
    "Usage: npe COMMAND [ARGS...]\n"
    "\n"
    "Command-line tool of the NPE neural processing engine.\n"
    "\n"
    "Commands:\n"
    "  info        what the engine is: formats, array, scratchpads, limits\n"
    "  matmul      run C = A x B^T on the engine in any format; errors, cycles, energy\n"
    "  rnn         run a recurrence (DIAG, GRU, LSTM) on the recurrence unit; the parity task\n"
    "  lm          a trained character language model on the engine: bits/char per format\n"
    "  format      number formats: encode, decode, exact dot products, error report\n"
    "  nlu-report  nonlinear unit (ramp ADC) and crossbar error, latency, energy\n"
    "  report      silicon report from `make report`: area, timing, pJ/MAC (180/28 nm), FPGA\n"
    "  help        show this text, or `npe help COMMAND` for a command's own help\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help and exit\n"
    "  --version      print the version and exit\n"
    "\n"
    "Devices (--device URI of the commands that run the engine; npe info --help):\n"
    "  sim:[?OPTS]                        the Verilator model of the RTL (default)\n"
    "  ftdi://[VID:PID][/SERIAL][?OPTS]   a board through libftdi1 (default 0403:6010\n"
    "                                     interface B: the iCEBreaker's FPGA UART)\n"
    "  uart:PORT[?OPTS]                   a board on a serial port, e.g. /dev/ttyUSB1\n"
    "  uio:DEV?mem=PATH[&OPTS]            an engine in a Zynq's logic under Linux\n"
    "  uio:DEV?soc=1[&firmware=ELF&OPTS]  the SoC (core + firmware + engine) there\n"
    "\n"
    "Exit status: 0 success, 1 failure while running, 2 bad usage or input.\n"
    "Run `npe COMMAND --help` for the options of each command.\n";

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage, stderr);
    return NPE_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
      (!strcmp(cmd, "help") && argc == 2)) {
    fputs(usage, stdout);
    return NPE_EXIT_OK;
  }
  if (!strcmp(cmd, "--version")) { /* the libnpe API version it was built with */
    unsigned v = npe_version();
    printf("npe %u.%u.%u\n", v >> 16, (v >> 8) & 0xffu, v & 0xffu);
    return NPE_EXIT_OK;
  }
  if (!strcmp(cmd, "help")) {
    char help[] = "--help";
    char *args[] = {argv[2], help, NULL};
    if (!strcmp(argv[2], "format")) return npe_cmd_format(1, args + 1);
    if (!strcmp(argv[2], "info")) return npe_cmd_info(1, args + 1);
    if (!strcmp(argv[2], "matmul")) return npe_cmd_matmul(1, args + 1);
    if (!strcmp(argv[2], "rnn")) return npe_cmd_rnn(1, args + 1);
    if (!strcmp(argv[2], "lm")) return npe_cmd_lm(1, args + 1);
    if (!strcmp(argv[2], "nlu-report")) return npe_cmd_nlu_report(1, args + 1);
    if (!strcmp(argv[2], "report")) return npe_cmd_report(1, args + 1);
    fprintf(stderr, "npe: unknown command '%s'\n", argv[2]);
    return NPE_EXIT_USAGE;
  }
  if (!strcmp(cmd, "format")) return npe_cmd_format(argc - 2, argv + 2);
  if (!strcmp(cmd, "info")) return npe_cmd_info(argc - 2, argv + 2);
  if (!strcmp(cmd, "matmul")) return npe_cmd_matmul(argc - 2, argv + 2);
  if (!strcmp(cmd, "rnn")) return npe_cmd_rnn(argc - 2, argv + 2);
  if (!strcmp(cmd, "lm")) return npe_cmd_lm(argc - 2, argv + 2);
  if (!strcmp(cmd, "nlu-report")) return npe_cmd_nlu_report(argc - 2, argv + 2);
  if (!strcmp(cmd, "report")) return npe_cmd_report(argc - 2, argv + 2);
  fprintf(stderr, "npe: unknown command '%s' (see `npe --help`)\n", cmd);
  return NPE_EXIT_USAGE;
}
