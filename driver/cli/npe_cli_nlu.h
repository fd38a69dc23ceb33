/* SPDX-License-Identifier: Apache-2.0 */
/* `npe nlu-report`: accuracy, latency and energy of the nonlinear unit.
 * Returns the exit status (npe_cli.h): 0 ok, 1 runtime failure, 2 bad usage
 * or input (message on stderr, nothing on stdout). argv[0] is the first
 * argument after the command name. */
#ifndef NPE_CLI_NLU_H
#define NPE_CLI_NLU_H

int npe_cmd_nlu_report(int argc, char **argv);

#endif
