/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommands of the npe tool. Each takes argc/argv from after its name and
 * returns the process exit status: 0 success, 1 failure while running,
 * 2 bad usage or bad input (message on stderr, nothing on stdout). */
#ifndef NPE_CLI_H
#define NPE_CLI_H

#define NPE_EXIT_OK 0
#define NPE_EXIT_FAIL 1
#define NPE_EXIT_USAGE 2

int npe_cmd_format(int argc, char **argv);
int npe_cmd_info(int argc, char **argv);
int npe_cmd_matmul(int argc, char **argv);

#endif
