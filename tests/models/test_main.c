/* SPDX-License-Identifier: Apache-2.0 */
/* Runs the NLU and crossbar suites; exit status 0 only if all pass. */
#include <stdlib.h>

#include "nlu_test.h"

int main(void) {
  SRunner *sr = srunner_create(nlu_table_suite());
  srunner_add_suite(sr, xbar_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
