/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the crossbar tile model: exact equality with the digital path
 * when every non-ideality is zero, determinism per seed, error statistics
 * (mean near zero, spread growing with sigma), costs, bad input. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models_test.h"
#include "npe_energy.h"
#include "npe_nlu.h"
#include "npe_xbar.h"

enum { R = 64, C = 64 };

static void random_weights(int16_t *w, size_t n, int top, uint64_t *s) {
  for (size_t i = 0; i < n; i++) w[i] = (int16_t)((int)(t_rng(s) % (2 * top + 1)) - top);
}
static void random_inputs(int16_t *x, size_t n, int top, uint64_t *s) {
  for (size_t i = 0; i < n; i++) x[i] = (int16_t)((int)(t_rng(s) % (2 * top + 1)) - top);
}

static npe_nlu_table table_of(npe_nlu_func f, unsigned bits) {
  npe_nlu_spec s;
  npe_nlu_table t;
  ck_assert_int_eq(npe_nlu_spec_default(f, bits, &s), NPE_OK);
  ck_assert_int_eq(npe_nlu_table_gen(&s, &t), NPE_OK);
  return t;
}

START_TEST(ideal_equals_digital) {
  static const npe_nlu_func fs[] = {NPE_NLU_SIGMOID, NPE_NLU_TANH, NPE_NLU_LINEAR,
                                    NPE_NLU_EXP, NPE_NLU_SOFTPLUS};
  uint64_t s = 99;
  int16_t w[R * C], x[R];
  for (int exact = 0; exact <= 1; exact++) {
    for (unsigned k = 0; k < 5; k++) {
      for (unsigned bits = 4; bits <= 8; bits += 2) {
        npe_xbar_cfg cfg;
        npe_xbar *xb;
        ck_assert_int_eq(npe_xbar_cfg_default(&cfg, R, C), NPE_OK);
        npe_xbar_cfg_ideal(&cfg);
        cfg.exact = exact;
        cfg.acc_shift = 6;
        cfg.seed = k * 10 + bits;
        ck_assert_int_eq(npe_xbar_create(&cfg, &xb), NPE_OK);
        random_weights(w, R * C, 63, &s);
        npe_nlu_table t = table_of(fs[k], bits);
        ck_assert_int_eq(npe_xbar_program(xb, w, &t, NULL), NPE_OK);
        for (int v = 0; v < 20; v++) {
          unsigned a[C], d[C];
          int64_t acc[C];
          random_inputs(x, R, 127, &s);
          ck_assert_int_eq(npe_xbar_run(xb, x, a, NULL), NPE_OK);
          ck_assert_int_eq(npe_xbar_digital(xb, x, d, acc), NPE_OK);
          for (int o = 0; o < C; o++) {
            unsigned want;
            npe_nlu_eval(t.seg_t[0], bits, npe_xbar_acc_to_nlu(acc[o], 6), &want);
            ck_assert_uint_eq(d[o], want);
            if (a[o] != d[o]) ck_abort_msg("analog %u digital %u (o=%d)", a[o], d[o], o);
          }
        }
        npe_xbar_destroy(xb);
      }
    }
  }
}
END_TEST

/* Every threshold boundary and every rounding tie: a 1x1 tile, w = 1. */
START_TEST(ideal_exact_at_ties) {
  for (unsigned shift = 0; shift <= 2; shift++) {
    npe_xbar_cfg cfg;
    npe_xbar *xb;
    ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 1, 1), NPE_OK);
    npe_xbar_cfg_ideal(&cfg);
    cfg.dac_bits = 12;
    cfg.acc_shift = shift;
    ck_assert_int_eq(npe_xbar_create(&cfg, &xb), NPE_OK);
    npe_nlu_table t;
    memset(&t, 0, sizeof t);
    t.bits = 8;
    t.nseg = 1;
    for (int j = 0; j < 255; j++) t.seg_t[0][j] = j - 127;
    int16_t w = 1;
    ck_assert_int_eq(npe_xbar_program(xb, &w, &t, NULL), NPE_OK);
    for (int v = -2047; v <= 2047; v++) {
      int16_t x = (int16_t)v;
      unsigned a, d;
      ck_assert_int_eq(npe_xbar_run(xb, &x, &a, NULL), NPE_OK);
      ck_assert_int_eq(npe_xbar_digital(xb, &x, &d, NULL), NPE_OK);
      if (a != d) ck_abort_msg("shift %u x %d: analog %u digital %u", shift, v, a, d);
    }
    npe_xbar_destroy(xb);
  }
  ck_assert_int_eq(npe_xbar_acc_to_nlu(3, 1), 2);   /* 1.5 -> 2 */
  ck_assert_int_eq(npe_xbar_acc_to_nlu(5, 1), 2);   /* 2.5 -> 2 */
  ck_assert_int_eq(npe_xbar_acc_to_nlu(-3, 1), -2); /* -1.5 -> -2 */
  ck_assert_int_eq(npe_xbar_acc_to_nlu(-5, 1), -2);
  ck_assert_int_eq(npe_xbar_acc_to_nlu((int64_t)1 << 40, 0), 32767);
  ck_assert_int_eq(npe_xbar_acc_to_nlu(-((int64_t)1 << 40), 3), -32768);
}
END_TEST

/* Runs n vectors on a fresh tile with the given noise; returns codes. */
static void run_codes(const npe_xbar_cfg *cfg, const int16_t *w, const npe_nlu_table *t,
                      const int16_t *xs, int n, unsigned *codes) {
  npe_xbar *xb;
  ck_assert_int_eq(npe_xbar_create(cfg, &xb), NPE_OK);
  ck_assert_int_eq(npe_xbar_program(xb, w, t, NULL), NPE_OK);
  for (int v = 0; v < n; v++)
    ck_assert_int_eq(npe_xbar_run(xb, xs + v * R, codes + v * C, NULL), NPE_OK);
  npe_xbar_destroy(xb);
}

START_TEST(deterministic_per_seed) {
  uint64_t s = 5;
  static int16_t w[R * C], xs[8 * R];
  static unsigned a[8 * C], b[8 * C], c[8 * C];
  random_weights(w, R * C, 63, &s);
  random_inputs(xs, 8 * R, 127, &s);
  npe_xbar_cfg cfg;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, R, C), NPE_OK);
  cfg.acc_shift = 6;
  cfg.prog_sigma = 0.05;
  npe_nlu_table t = table_of(NPE_NLU_TANH, 8);
  cfg.seed = 42;
  run_codes(&cfg, w, &t, xs, 8, a);
  run_codes(&cfg, w, &t, xs, 8, b);
  cfg.seed = 43;
  run_codes(&cfg, w, &t, xs, 8, c);
  ck_assert_mem_eq(a, b, sizeof a);
  ck_assert(memcmp(a, c, sizeof a) != 0);
}
END_TEST

/* Mean and standard deviation of analog - exact column values. */
static void mvm_error_stats(double prog, double read, double stuck, double *mean,
                            double *sd) {
  uint64_t s = 777;
  static int16_t w[R * C], x[R];
  double sum = 0, sum2 = 0;
  long n = 0;
  for (int trial = 0; trial < 8; trial++) {
    npe_xbar_cfg cfg;
    npe_xbar *xb;
    ck_assert_int_eq(npe_xbar_cfg_default(&cfg, R, C), NPE_OK);
    npe_xbar_cfg_ideal(&cfg);
    cfg.prog_sigma = prog;
    cfg.read_sigma = read;
    cfg.stuck_off_rate = stuck;
    cfg.seed = 1000 + (uint64_t)trial;
    ck_assert_int_eq(npe_xbar_create(&cfg, &xb), NPE_OK);
    random_weights(w, R * C, 63, &s);
    npe_nlu_table t = table_of(NPE_NLU_LINEAR, 4);
    ck_assert_int_eq(npe_xbar_program(xb, w, &t, NULL), NPE_OK);
    for (int v = 0; v < 16; v++) {
      double an[C];
      unsigned d[C];
      int64_t acc[C];
      random_inputs(x, R, 127, &s);
      ck_assert_int_eq(npe_xbar_mvm(xb, x, an), NPE_OK);
      ck_assert_int_eq(npe_xbar_digital(xb, x, d, acc), NPE_OK);
      for (int o = 0; o < C; o++) {
        double e = an[o] - (double)acc[o];
        sum += e;
        sum2 += e * e;
        n++;
      }
    }
    npe_xbar_destroy(xb);
  }
  *mean = sum / n;
  *sd = sqrt(sum2 / n - *mean * *mean);
}

START_TEST(error_statistics_scale_with_sigma) {
  double m0, s0, m1, s1, m2, s2, m4, s4;
  mvm_error_stats(0, 0, 0, &m0, &s0);
  ck_assert_double_eq(m0, 0);
  ck_assert_double_eq(s0, 0);
  mvm_error_stats(0.01, 0, 0, &m1, &s1);
  mvm_error_stats(0.02, 0, 0, &m2, &s2);
  mvm_error_stats(0.04, 0, 0, &m4, &s4);
  /* mean near zero: within 4 standard errors (8192 samples) */
  ck_assert_double_lt(fabs(m1), 4 * s1 / sqrt(8192.0));
  ck_assert_double_lt(fabs(m2), 4 * s2 / sqrt(8192.0));
  ck_assert_double_lt(fabs(m4), 4 * s4 / sqrt(8192.0));
  /* spread grows about linearly with sigma (clipping at g_min bends it) */
  ck_assert_double_gt(s2 / s1, 1.6);
  ck_assert_double_lt(s2 / s1, 2.4);
  ck_assert_double_gt(s4 / s2, 1.6);
  ck_assert_double_lt(s4 / s2, 2.4);
  /* read noise alone: zero mean, spread grows too */
  mvm_error_stats(0, 0.01, 0, &m1, &s1);
  mvm_error_stats(0, 0.03, 0, &m2, &s2);
  ck_assert_double_lt(fabs(m1), 4 * s1 / sqrt(8192.0));
  ck_assert_double_gt(s2 / s1, 2.5);
  ck_assert_double_lt(s2 / s1, 3.5);
  /* stuck-at-OFF faults add error */
  mvm_error_stats(0, 0, 0.05, &m1, &s1);
  ck_assert_double_gt(s1, 0);
}
END_TEST

/* Output codes: mean code error near zero, RMS growing with sigma. */
START_TEST(code_error_statistics) {
  uint64_t s = 31;
  static int16_t w[R * C], xs[32 * R];
  static unsigned ideal[32 * C], noisy[32 * C];
  random_weights(w, R * C, 63, &s);
  random_inputs(xs, 32 * R, 127, &s);
  npe_nlu_table t = table_of(NPE_NLU_LINEAR, 8);
  npe_xbar_cfg cfg;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, R, C), NPE_OK);
  npe_xbar_cfg_ideal(&cfg);
  cfg.acc_shift = 6;
  run_codes(&cfg, w, &t, xs, 32, ideal);
  double rms_prev = 0;
  static const double sig[] = {0.005, 0.02, 0.08};
  for (int k = 0; k < 3; k++) {
    double sum = 0, sum2 = 0;
    long n = 0;
    for (int seed = 0; seed < 6; seed++) {
      cfg.prog_sigma = sig[k];
      cfg.read_sigma = sig[k] / 2;
      cfg.seed = 50 + (uint64_t)seed;
      run_codes(&cfg, w, &t, xs, 32, noisy);
      for (int i = 0; i < 32 * C; i++) {
        double e = (double)noisy[i] - (double)ideal[i];
        sum += e;
        sum2 += e * e;
        n++;
      }
    }
    double mean = sum / n, rms = sqrt(sum2 / n);
    ck_assert_double_lt(fabs(mean), 0.25 * rms + 0.05);
    ck_assert_double_gt(rms, rms_prev);
    rms_prev = rms;
  }
}
END_TEST

START_TEST(costs) {
  npe_xbar_cfg cfg;
  npe_xbar *xb;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, R, C), NPE_OK);
  ck_assert_int_eq(npe_xbar_create(&cfg, &xb), NPE_OK);
  static int16_t w[R * C], x[R];
  npe_nlu_table t = table_of(NPE_NLU_SIGMOID, 5);
  uint64_t cyc = 0;
  ck_assert_int_eq(npe_xbar_program(xb, w, &t, &cyc), NPE_OK);
  ck_assert_uint_eq(cyc, (2ull * R * C + 31 + 5) * cfg.prog_pulses * cfg.prog_pulse_cycles);
  unsigned codes[C];
  ck_assert_int_eq(npe_xbar_run(xb, x, codes, &cyc), NPE_OK);
  ck_assert_uint_eq(cyc, 32);
  npe_xbar_stats st;
  ck_assert_int_eq(npe_xbar_get_stats(xb, &st), NPE_OK);
  ck_assert_uint_eq(st.runs, 1);
  ck_assert_uint_eq(st.cell_reads, 2ull * R * C);
  ck_assert_uint_eq(st.comparisons, 31ull * C);
  npe_xbar_energy e;
  double pj_a, pj_d;
  uint64_t cy_a, cy_d;
  ck_assert_int_eq(npe_xbar_energy_default(&cfg, &e), NPE_OK);
  ck_assert_double_gt(e.cell_read_pj, 0.002);   /* 0.2^2 V^2 * 50.5 uS * 1 ns */
  ck_assert_double_lt(e.cell_read_pj, 0.00203);
  ck_assert_int_eq(npe_xbar_matvec_cost(&cfg, &e, 5, 1, &pj_a, &cy_a), NPE_OK);
  ck_assert_int_eq(npe_xbar_matvec_cost(&cfg, &e, 5, 0, &pj_d, &cy_d), NPE_OK);
  ck_assert_uint_eq(cy_a, 32);
  ck_assert_uint_eq(cy_d, 4096 / 32 + 8 * 32);
  ck_assert_double_lt(pj_a, pj_d);
  npe_xbar_energy_entry tab[32];
  size_t n;
  ck_assert_int_eq(npe_xbar_energy_table(&cfg, tab, 32, &n), NPE_OK);
  ck_assert_int_eq(npe_xbar_energy_table(&cfg, tab, 2, &n), NPE_ERR_NO_SPACE);
  npe_xbar_destroy(xb);
}
END_TEST

static double table_pj(const char *event) {
  const npe_energy_entry *e = NULL;
  ck_assert_int_eq(npe_energy_find(event, &e), NPE_OK);
  ck_assert_ptr_nonnull(e);
  return e->pj;
}

/* The model's energies are libnpe's table entries (one copy): equal at the
 * default tile, rescaled by physics elsewhere; the table's derived device
 * entries agree with the default tile they claim to describe. */
START_TEST(energy_from_libnpe_table) {
  npe_xbar_cfg cfg;
  npe_xbar_energy e;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 64, 64), NPE_OK);
  ck_assert_int_eq(npe_xbar_energy_default(&cfg, &e), NPE_OK);
  ck_assert(e.cell_read_pj == table_pj("xbar_cell_read"));
  ck_assert(e.dac_pj == table_pj("xbar_dac_conv"));
  ck_assert(e.comp_pj == table_pj("adc_comparator"));
  ck_assert(e.count_pj == table_pj("adc_counter_step"));
  ck_assert(e.prog_pulse_pj == table_pj("xbar_prog_pulse"));
  ck_assert(e.mac_int8_pj == table_pj("mac_int8"));
  ck_assert(e.sram_byte_pj == 8 * table_pj("sram_bit"));
  ck_assert(e.nlu_step_pj == table_pj("nlu_step_column"));
  ck_assert(e.nlu_table_pj == table_pj("nlu_table_read"));
  /* the table's derivations hold for the default tile */
  double read = cfg.v_read * cfg.v_read * 0.5 * (cfg.g_min_us + cfg.g_max_us) * 1e-6 *
                cfg.t_clk_ns * 1e-9 * 1e12;
  ck_assert_double_eq_tol(table_pj("xbar_cell_read"), read, 1e-12 * read);
  double pulse = 1.5 * 1.5 * cfg.g_max_us * 1e-6 * cfg.prog_pulse_cycles * cfg.t_clk_ns * 1e-9 * 1e12;
  ck_assert_double_eq_tol(table_pj("xbar_prog_pulse"), pulse, 1e-12 * pulse);
  /* other tiles: read energy ~ Vread^2 (g_min + g_max) t, pulse ~ g_max cycles t */
  npe_xbar_cfg c2 = cfg;
  npe_xbar_energy e2;
  c2.v_read = 0.4;
  c2.t_clk_ns = 2.0;
  c2.prog_pulse_cycles = 50;
  ck_assert_int_eq(npe_xbar_energy_default(&c2, &e2), NPE_OK);
  ck_assert_double_eq_tol(e2.cell_read_pj, 8 * e.cell_read_pj, 1e-12);
  ck_assert_double_eq_tol(e2.prog_pulse_pj, e.prog_pulse_pj, 1e-9);
  ck_assert(e2.comp_pj == e.comp_pj);
  /* the NLU conversion energy nlu-report prints, from the table entries */
  for (unsigned b = NPE_NLU_MIN_BITS; b <= NPE_NLU_MAX_BITS; b++) {
    double a, d, steps = (double)((1u << b) - 1u);
    ck_assert_int_eq(npe_xbar_nlu_conv_energy(&cfg, &e, b, &a, &d), NPE_OK);
    double ramp = steps * NPE_XBAR_BIAS_DEVICES + steps * (steps - 1) / 2;
    double a_ref = steps * (table_pj("adc_comparator") + table_pj("adc_counter_step")) +
                   ramp * table_pj("xbar_cell_read") / cfg.cols;
    double d_ref = steps * table_pj("nlu_step_column") +
                   steps * table_pj("nlu_table_read") / cfg.nlu_cols;
    ck_assert_double_eq_tol(a, a_ref, 1e-12 * a_ref);
    ck_assert_double_eq_tol(d, d_ref, 1e-12 * d_ref);
    ck_assert_double_lt(a, d);
  }
  /* the compatibility view carries the table's names, units and sources */
  npe_xbar_energy_entry tab[32];
  size_t n = 0, ne = 0;
  const char *const *ev = npe_xbar_energy_events(&ne);
  ck_assert_int_eq(npe_xbar_energy_table(&cfg, tab, 32, &n), NPE_OK);
  ck_assert_uint_eq(n, ne);
  for (size_t i = 0; i < n; i++) {
    const npe_energy_entry *t;
    ck_assert_int_eq(npe_energy_find(ev[i], &t), NPE_OK);
    ck_assert_str_eq(tab[i].name, t->event);
    ck_assert(tab[i].value == t->pj);
    ck_assert_str_eq(tab[i].unit, t->unit);
    ck_assert_str_eq(tab[i].source, t->source);
  }
  /* bad input */
  double a, d;
  ck_assert_int_eq(npe_xbar_energy_default(NULL, &e), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_xbar_energy_default(&cfg, NULL), NPE_ERR_INVALID_ARG);
  c2 = cfg;
  c2.v_read = -1;
  ck_assert_int_eq(npe_xbar_energy_default(&c2, &e2), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_energy_table(&c2, tab, 32, &n), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_nlu_conv_energy(&cfg, &e, 0, &a, &d), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_nlu_conv_energy(&cfg, &e, 9, &a, &d), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_nlu_conv_energy(NULL, &e, 5, &a, &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_xbar_nlu_conv_energy(&cfg, NULL, 5, &a, &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_xbar_nlu_conv_energy(&cfg, &e, 5, NULL, &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_xbar_nlu_conv_energy(&cfg, &e, 5, &a, NULL), NPE_ERR_INVALID_ARG);
  c2 = cfg;
  c2.cols = 0;
  ck_assert_int_eq(npe_xbar_nlu_conv_energy(&c2, &e, 5, &a, &d), NPE_ERR_RANGE);
}
END_TEST

START_TEST(bad_input) {
  npe_xbar_cfg cfg, good;
  npe_xbar *xb = NULL;
  ck_assert_int_eq(npe_xbar_cfg_default(&good, 4, 4), NPE_OK);
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 0, 4), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 4, 2000), NPE_ERR_RANGE);
#define BADCFG(field, value)                                           \
  do {                                                                 \
    cfg = good;                                                        \
    cfg.field = value;                                                 \
    ck_assert_int_eq(npe_xbar_create(&cfg, &xb), NPE_ERR_RANGE);       \
    ck_assert_ptr_null(xb);                                            \
  } while (0)
  BADCFG(g_levels, 1);
  BADCFG(g_levels, 257);
  BADCFG(g_max_us, 0.5);
  BADCFG(dac_bits, 1);
  BADCFG(prog_sigma, -0.1);
  BADCFG(read_sigma, NAN);
  BADCFG(comp_offset_sigma, 2);
  BADCFG(stuck_off_rate, 1.5);
  BADCFG(acc_shift, 41);
  BADCFG(t_clk_ns, 0);
#undef BADCFG
  cfg = good;
  cfg.stuck_off_rate = 0.6;
  cfg.stuck_on_rate = 0.6;
  ck_assert_int_eq(npe_xbar_create(&cfg, &xb), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_create(NULL, &xb), NPE_ERR_INVALID_ARG);

  ck_assert_int_eq(npe_xbar_create(&good, &xb), NPE_OK);
  int16_t w[16] = {0}, x[4] = {1, 2, 3, 4};
  unsigned codes[4] = {7, 7, 7, 7}, c2[4];
  ck_assert_int_eq(npe_xbar_run(xb, x, codes, NULL), NPE_ERR_STATE);
  ck_assert_uint_eq(codes[0], 7);
  npe_nlu_table t = table_of(NPE_NLU_LINEAR, 4);
  for (int i = 0; i < 16; i++) w[i] = (int16_t)(i - 8);
  ck_assert_int_eq(npe_xbar_program(xb, w, &t, NULL), NPE_OK);
  ck_assert_int_eq(npe_xbar_digital(xb, x, codes, NULL), NPE_OK);
  /* bad weights: rejected, old programming kept */
  int16_t wbad[16];
  memcpy(wbad, w, sizeof w);
  wbad[3] = 64;
  ck_assert_int_eq(npe_xbar_program(xb, wbad, &t, NULL), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_digital(xb, x, c2, NULL), NPE_OK);
  ck_assert_mem_eq(codes, c2, sizeof codes);
  /* bad tables */
  npe_nlu_table tb = t;
  tb.seg_t[0][5] = tb.seg_t[0][4] - 1;
  ck_assert_int_eq(npe_xbar_program(xb, w, &tb, NULL), NPE_ERR_RANGE);
  npe_nlu_table ts = table_of(NPE_NLU_SILU, 4);
  ck_assert_int_eq(npe_xbar_program(xb, w, &ts, NULL), NPE_ERR_UNSUPPORTED);
  /* inputs outside the DAC range */
  x[2] = 128;
  ck_assert_int_eq(npe_xbar_run(xb, x, c2, NULL), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_xbar_run(NULL, x, c2, NULL), NPE_ERR_INVALID_ARG);
  npe_xbar_destroy(xb);
  npe_xbar_destroy(NULL);
}
END_TEST

START_TEST(nlu_sweep_ideal_and_noisy) {
  static unsigned codes[65536];
  for (unsigned f = 0; f < NPE_NLU_FUNC_COUNT; f++) {
    npe_nlu_table t = table_of((npe_nlu_func)f, 6);
    npe_xbar_cfg cfg;
    ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 1, 1), NPE_OK);
    npe_xbar_cfg_ideal(&cfg);
    ck_assert_int_eq(npe_xbar_nlu_sweep(&t, &cfg, NPE_NLU_IN_MIN, NPE_NLU_IN_MAX, codes),
                     NPE_OK);
    for (int32_t x = NPE_NLU_IN_MIN; x <= NPE_NLU_IN_MAX; x++) {
      unsigned want;
      npe_nlu_table_eval(&t, x, &want);
      if (codes[x + 32768] != want) ck_abort_msg("f %u x %d: %u vs %u", f, x, codes[x + 32768], want);
    }
    cfg.prog_sigma = 0.05;
    ck_assert_int_eq(npe_xbar_nlu_sweep(&t, &cfg, NPE_NLU_IN_MIN, NPE_NLU_IN_MAX, codes),
                     NPE_OK);
    long diff = 0;
    for (int32_t x = NPE_NLU_IN_MIN; x <= NPE_NLU_IN_MAX; x++) {
      unsigned want;
      npe_nlu_table_eval(&t, x, &want);
      diff += codes[x + 32768] != want;
    }
    ck_assert_int_gt(diff, 0);
  }
  npe_nlu_table t = table_of(NPE_NLU_TANH, 4);
  npe_xbar_cfg cfg;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 1, 1), NPE_OK);
  ck_assert_int_eq(npe_xbar_nlu_sweep(&t, &cfg, 5, 4, codes), NPE_ERR_RANGE);
  t.seg_t[0][3] = -40000;
  ck_assert_int_eq(npe_xbar_nlu_sweep(&t, &cfg, 0, 4, codes), NPE_ERR_RANGE);
}
END_TEST

Suite *xbar_suite(void) {
  Suite *s = suite_create("xbar");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, ideal_equals_digital);
  tcase_add_test(tc, ideal_exact_at_ties);
  tcase_add_test(tc, deterministic_per_seed);
  tcase_add_test(tc, error_statistics_scale_with_sigma);
  tcase_add_test(tc, code_error_statistics);
  tcase_add_test(tc, costs);
  tcase_add_test(tc, energy_from_libnpe_table);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, nlu_sweep_ideal_and_noisy);
  suite_add_tcase(s, tc);
  return s;
}
