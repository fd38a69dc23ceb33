/* SPDX-License-Identifier: Apache-2.0 */
/* npe_metrics.c - error metrics against a float64 reference (host only: libm). */
#include <math.h>

#include "npe_format.h"

int npe_metrics_compute(const double *ref, const double *approx, size_t n,
                        npe_metrics *out) {
  if (!ref || !approx || !n || !out) return NPE_ERR_INVALID_ARG;
  double se = 0, sr = 0, mx = 0;
  for (size_t i = 0; i < n; i++) {
    double e = approx[i] - ref[i];
    se += e * e;
    sr += ref[i] * ref[i];
    if (fabs(e) > mx || e != e) mx = fabs(e);
  }
  out->rmse = sqrt(se / (double)n);
  out->max_abs = mx;
  out->sqnr_db = se == 0 ? INFINITY : 10.0 * log10(sr / se);
  return NPE_OK;
}
