/* SPDX-License-Identifier: Apache-2.0 */
/* Stand-alone `npe-nlu-report` until `npe nlu-report` is wired into npe. */
#include "npe_cli_nlu.h"

int main(int argc, char **argv) { return npe_cmd_nlu_report(argc - 1, argv + 1); }
