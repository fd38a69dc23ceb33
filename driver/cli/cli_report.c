/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The results of `npe matmul`, one row per format: the table on stdout,
 * and the same as CSV or JSON for --csv / --json-out / --json.
 */
#include <stdint.h>
#include <stdio.h>

#include "npe_cli.h"

void cli_report_rows(FILE *f, const cli_mm_opts *o, const cli_mm_row *r, int n,
                     cli_report_mode mode) {
  if (mode == CLI_REPORT_TABLE) {
    if (o->act_name)
      fprintf(f, "C = %s(A x B^T) through the NLU (B=%u, F=%u), M=%u N=%u K=%u, device %s; "
                 "energy is an ESTIMATE\n\n", o->act_name, o->act_bits, o->act_frac, o->m, o->n,
              o->k, o->uri);
    else
      fprintf(f, "C = A x B^T, M=%u N=%u K=%u, device %s; energy is an ESTIMATE\n\n", o->m,
              o->n, o->k, o->uri);
    fprintf(f, "%-8s %10s %7s %11s %9s %9s %10s %12s %8s\n", "format", "cycles", "util",
            "energy_uJ", "pJ/MAC", "w_bytes", "sqnr_dB", "max_err", "golden");
  } else if (mode == CLI_REPORT_CSV) {
    fprintf(f, "format,m,n,k,cycles,utilisation,energy_pj,pj_per_mac,weight_bytes,sqnr_db,"
               "max_err,golden_mismatches,host_seconds\n");
  } else {
    fprintf(f, "{\"m\": %u, \"n\": %u, \"k\": %u, \"device\": \"%s\", \"energy\": \"estimate\", "
               "\"rows\": [\n", o->m, o->n, o->k, o->uri);
  }
  for (int i = 0; i < n; i++) {
    const cli_mm_row *x = &r[i];
    uint64_t macs = 0;
    for (int fmt = 0; fmt < NPE_FMT_COUNT; fmt++) macs += x->st.macs[fmt];
    double pj_mac = macs ? x->st.energy_pj / (double)macs : 0;
    char golden[24];
    if (x->golden_mismatch < 0) snprintf(golden, sizeof golden, "-");
    else if (x->golden_mismatch == 0) snprintf(golden, sizeof golden, "exact");
    else snprintf(golden, sizeof golden, "%ld bad", x->golden_mismatch);
    if (mode == CLI_REPORT_TABLE)
      fprintf(f, "%-8s %10llu %6.1f%% %11.3f %9.3f %9.0f %10.2f %12.4g %8s\n", x->name,
              (unsigned long long)x->st.cycles, 100 * x->st.utilisation, x->st.energy_pj / 1e6,
              pj_mac, x->weight_bytes, x->sqnr_db, x->max_err, golden);
    else if (mode == CLI_REPORT_CSV)
      fprintf(f, "%s,%u,%u,%u,%llu,%.4f,%.1f,%.4f,%.0f,%.3f,%.6g,%ld,%.3f\n", x->name, o->m,
              o->n, o->k, (unsigned long long)x->st.cycles, x->st.utilisation, x->st.energy_pj,
              pj_mac, x->weight_bytes, x->sqnr_db, x->max_err, x->golden_mismatch,
              x->st.host_seconds);
    else
      fprintf(f, "  {\"format\": \"%s\", \"cycles\": %llu, \"macs\": %llu, \"utilisation\": %.4f, "
                 "\"energy_pj\": %.1f, \"pj_per_mac\": %.4f, \"weight_bytes\": %.0f, "
                 "\"sqnr_db\": %.3f, \"max_err\": %.6g, \"golden_mismatches\": %ld, "
                 "\"host_seconds\": %.3f}%s\n",
              x->name, (unsigned long long)x->st.cycles, (unsigned long long)macs,
              x->st.utilisation, x->st.energy_pj,
              pj_mac, x->weight_bytes, x->sqnr_db, x->max_err, x->golden_mismatch,
              x->st.host_seconds, i + 1 < n ? "," : "");
  }
  if (mode == CLI_REPORT_JSON) fprintf(f, "]}\n");
}
