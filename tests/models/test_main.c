/* SPDX-License-Identifier: Apache-2.0 */
/* Runs the model suites (the crossbar tile); exit status 0 only if all pass. */
#include <stdlib.h>

#include "models_test.h"

int main(void) {
  SRunner *sr = srunner_create(xbar_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
