/* SPDX-License-Identifier: Apache-2.0 */
/* Runs every golden-library suite; exit status 0 only if all pass. */
#include <stdlib.h>

#include "unit.h"

int main(void) {
  SRunner *sr = srunner_create(format_suite());
  srunner_add_suite(sr, quire_suite());
  srunner_add_suite(sr, pack_suite());
  srunner_add_suite(sr, nlu_table_suite());
  srunner_add_suite(sr, recur_suite());
  srunner_add_suite(sr, gla_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
