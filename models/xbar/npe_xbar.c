/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_xbar.c - the analog crossbar tile model (npe_xbar.h): programming with
 * errors and faults, the analog column sum with read noise, the ramp column
 * built from perturbed conductances, the comparators, and the exact digital
 * equivalent. Parameters and sources: docs/NLU.md.
 */
#include "npe_xbar.h"

#include "npe_energy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded by splitmix64, per tile               */
/* ------------------------------------------------------------------------ */

typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r) {
  uint64_t *s = r->s;
  uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return res;
}

/* Uniform in (0, 1). */
static double rng_unif(rng *r) { return ((double)(rng_next(r) >> 11) + 0.5) * 0x1p-53; }

/* Standard normal (Box-Muller; one value per call keeps the stream simple). */
static double rng_gauss(rng *r) {
  double u1 = rng_unif(r), u2 = rng_unif(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

/* ------------------------------------------------------------------------ */
/* Tile                                                                      */
/* ------------------------------------------------------------------------ */

struct npe_xbar {
  npe_xbar_cfg cfg;
  rng r;
  int programmed;
  unsigned bits;        /* B of the programmed table */
  int16_t *w;           /* cols x rows programmed weight levels */
  double *dev;          /* cols x rows x 2: device levels after errors (0..G-1) */
  double *offset;       /* cols: comparator offsets, acc units (frozen) */
  int32_t t[NPE_NLU_MAX_STEPS]; /* NLU thresholds */
  double ramp_base;     /* T_1 after errors (acc units) */
  double *ramp_inc;     /* 2^B - 1 increments after errors; [0] unused */
  double ramp_dmax;     /* full scale of one ramp device (acc units) */
  npe_xbar_stats st;
};

int npe_xbar_cfg_default(npe_xbar_cfg *cfg, unsigned rows, unsigned cols) {
  if (!cfg) return NPE_ERR_INVALID_ARG;
  if (rows < 1 || rows > NPE_XBAR_MAX_DIM || cols < 1 || cols > NPE_XBAR_MAX_DIM)
    return NPE_ERR_RANGE;
  npe_xbar_cfg c;
  memset(&c, 0, sizeof c);
  c.rows = rows;
  c.cols = cols;
  c.g_levels = 64;          /* assumption: 6-bit devices (Li et al. 2018, 5-8 bit VMM) */
  c.g_min_us = 1.0;         /* assumption */
  c.g_max_us = 100.0;       /* assumption */
  c.dac_bits = 8;           /* assumption: INT8 activations */
  c.v_read = 0.2;           /* paper Fig. 3b: Vread swept 0.15-0.25 V around 0.2 V */
  c.prog_sigma = 0.02;      /* assumption: write-verify tolerance, 2% of range */
  c.read_sigma = 0.01;      /* assumption: 1% of conductance per read */
  c.comp_offset_sigma = 0.0005; /* assumption: 0.05% of column full scale */
  c.stuck_off_rate = 0.002; /* Li et al., Nat. Electron. 2018: 99.8% device yield */
  c.stuck_on_rate = 0.0;    /* assumption: faults taken as stuck-OFF (paper Fig. 3a) */
  c.acc_shift = 0;
  c.prog_pulses = 10;       /* assumption */
  c.prog_pulse_cycles = 100;/* assumption: 100 ns pulse at 1 GHz */
  c.t_clk_ns = 1.0;         /* paper Fig. 4e normalises to a 1 GHz clock */
  c.mac_per_cycle = 32;     /* 4x4 PEs x 2 INT8 lanes (npe_pkg CAP_ARRAY reset value) */
  c.nlu_cols = 8;           /* rtl/nlu/npe_nlu NumCols default */
  c.exact = 0;
  c.seed = 1;
  *cfg = c;
  return NPE_OK;
}

void npe_xbar_cfg_ideal(npe_xbar_cfg *cfg) {
  if (!cfg) return;
  cfg->prog_sigma = 0;
  cfg->read_sigma = 0;
  cfg->comp_offset_sigma = 0;
  cfg->stuck_off_rate = 0;
  cfg->stuck_on_rate = 0;
}

static int bad_sigma(double s) { return !isfinite(s) || s < 0 || s > 1; }

int npe_xbar_cfg_check(const npe_xbar_cfg *c) {
  if (!c) return NPE_ERR_INVALID_ARG;
  if (c->rows < 1 || c->rows > NPE_XBAR_MAX_DIM || c->cols < 1 || c->cols > NPE_XBAR_MAX_DIM)
    return NPE_ERR_RANGE;
  if (c->g_levels < 2 || c->g_levels > 256) return NPE_ERR_RANGE;
  if (!isfinite(c->g_min_us) || !isfinite(c->g_max_us) || c->g_min_us < 0 ||
      !(c->g_max_us > c->g_min_us))
    return NPE_ERR_RANGE;
  if (c->dac_bits < 2 || c->dac_bits > 16) return NPE_ERR_RANGE;
  if (!isfinite(c->v_read) || !(c->v_read > 0)) return NPE_ERR_RANGE;
  if (bad_sigma(c->prog_sigma) || bad_sigma(c->read_sigma) ||
      bad_sigma(c->comp_offset_sigma) || bad_sigma(c->stuck_off_rate) ||
      bad_sigma(c->stuck_on_rate) || c->stuck_off_rate + c->stuck_on_rate > 1)
    return NPE_ERR_RANGE;
  if (c->acc_shift > 40 || c->prog_pulses < 1 || c->prog_pulse_cycles < 1 ||
      c->mac_per_cycle < 1 || c->nlu_cols < 1)
    return NPE_ERR_RANGE;
  if (!isfinite(c->t_clk_ns) || !(c->t_clk_ns > 0)) return NPE_ERR_RANGE;
  if (c->exact != 0 && c->exact != 1) return NPE_ERR_RANGE;
  return NPE_OK;
}

int npe_xbar_create(const npe_xbar_cfg *cfg, npe_xbar **out) {
  if (!cfg || !out) return NPE_ERR_INVALID_ARG;
  int rc = npe_xbar_cfg_check(cfg);
  if (rc != NPE_OK) return rc;
  npe_xbar *x = calloc(1, sizeof *x);
  if (!x) return NPE_ERR_NO_MEM;
  size_t n = (size_t)cfg->rows * cfg->cols;
  x->cfg = *cfg;
  x->w = calloc(n, sizeof *x->w);
  x->dev = calloc(2 * n, sizeof *x->dev);
  x->offset = calloc(cfg->cols, sizeof *x->offset);
  x->ramp_inc = calloc(NPE_NLU_MAX_STEPS + 1, sizeof *x->ramp_inc);
  if (!x->w || !x->dev || !x->offset || !x->ramp_inc) {
    npe_xbar_destroy(x);
    return NPE_ERR_NO_MEM;
  }
  rng_seed(&x->r, cfg->seed);
  /* Comparator offsets: a property of the silicon, drawn once per tile. */
  double fs = (double)cfg->rows * (cfg->g_levels - 1) * ((1u << (cfg->dac_bits - 1)) - 1);
  for (unsigned o = 0; o < cfg->cols; o++)
    x->offset[o] = cfg->exact ? 0.0 : cfg->comp_offset_sigma * fs * rng_gauss(&x->r);
  *out = x;
  return NPE_OK;
}

void npe_xbar_destroy(npe_xbar *x) {
  if (!x) return;
  free(x->w);
  free(x->dev);
  free(x->offset);
  free(x->ramp_inc);
  free(x);
}

/* ------------------------------------------------------------------------ */
/* Conversions between accumulator and NLU input                             */
/* ------------------------------------------------------------------------ */

int32_t npe_xbar_acc_to_nlu(int64_t acc, unsigned shift) {
  int64_t q = acc;
  if (shift > 0 && shift < 63) {
    int64_t half = (int64_t)1 << (shift - 1);
    int64_t rem = acc & (((int64_t)1 << shift) - 1); /* two's complement low bits */
    q = acc >> shift;                                  /* floor (arithmetic) */
    if (rem > half || (rem == half && (q & 1))) q++;
  }
  if (q < NPE_NLU_IN_MIN) return NPE_NLU_IN_MIN;
  if (q > NPE_NLU_IN_MAX) return NPE_NLU_IN_MAX;
  return (int32_t)q;
}

/* Smallest acc with npe_xbar_acc_to_nlu(acc) >= t, limited to [lo, hi]
 * (lo: always passed; hi: never passed). */
static double nlu_to_acc_threshold(int32_t t, unsigned shift, double lo, double hi) {
  if (t <= NPE_NLU_IN_MIN) return lo;
  if (t > NPE_NLU_IN_MAX) return hi;
  double v;
  if (shift == 0) {
    v = (double)t;
  } else {
    /* acc / 2^s = t - 1/2 rounds to t only when t is even (ties to even). */
    v = ldexp((double)t, (int)shift) - ldexp(1.0, (int)shift - 1) + ((t & 1) ? 1.0 : 0.0);
  }
  return v < lo ? lo : (v > hi ? hi : v);
}

#define NPE_XBAR_RAMP_HEADROOM 0.8 /* assumption: ramp increments use <= 80% of g_max */

static double full_scale(const npe_xbar_cfg *c) {
  return (double)c->rows * (c->g_levels - 1) * ((1u << (c->dac_bits - 1)) - 1);
}

/* ------------------------------------------------------------------------ */
/* Programming                                                               */
/* ------------------------------------------------------------------------ */

/* One programmed device: target level L (0..top) after write-verify error
 * and stuck-at faults, clipped to the physical range. */
static double program_device_p(rng *r, const npe_xbar_cfg *c, double level, double top) {
  if (c->stuck_off_rate > 0 || c->stuck_on_rate > 0) {
    double u = rng_unif(r);
    if (u < c->stuck_off_rate) return 0.0;
    if (u < c->stuck_off_rate + c->stuck_on_rate) return top;
  }
  if (c->prog_sigma > 0) {
    level += c->prog_sigma * top * rng_gauss(r);
    if (level < 0) level = 0;
    if (level > top) level = top;
  }
  return level;
}

static double program_device(npe_xbar *x, double level, double top) {
  return program_device_p(&x->r, &x->cfg, level, top);
}

/* Builds a ramp column from thresholds T[0..steps-1] (non-decreasing):
 * base = T_1 on the bias devices, inc[j-1] = T_j - T_{j-1} (j >= 2) on one
 * device each, programmed with c's errors and faults unless c->exact. */
static void ramp_program(rng *r, const npe_xbar_cfg *c, const double *T, unsigned steps,
                         double *base, double *inc, double *dmax_out) {
  double dmax = 0;
  *base = T[0];
  inc[0] = 0;
  for (unsigned j = 2; j <= steps; j++) {
    inc[j - 1] = T[j - 1] - T[j - 2];
    if (inc[j - 1] > dmax) dmax = inc[j - 1];
  }
  if (dmax <= 0) dmax = 1;
  /* The largest increment is programmed to NPE_XBAR_RAMP_HEADROOM of the
   * device range, so write-verify error around it is not clipped. */
  dmax /= NPE_XBAR_RAMP_HEADROOM;
  *dmax_out = dmax;
  if (c->exact) return;
  /* Bias devices: one device-equivalent of programming error. */
  if (c->prog_sigma > 0) *base += c->prog_sigma * dmax * rng_gauss(r);
  for (unsigned j = 2; j <= steps; j++) inc[j - 1] = program_device_p(r, c, inc[j - 1], dmax);
}

/* One read of the ramp: ramp[j-1] = base + sum of increments 2..j, each
 * with fresh read noise. */
static void ramp_read(rng *r, const npe_xbar_cfg *c, double base, const double *inc,
                      unsigned steps, double *ramp) {
  double v = base;
  for (unsigned j = 1; j <= steps; j++) {
    if (j > 1) {
      double d = inc[j - 1];
      if (c->read_sigma > 0 && !c->exact) d *= 1.0 + c->read_sigma * rng_gauss(r);
      v += d;
    }
    ramp[j - 1] = v;
  }
}

int npe_xbar_program(npe_xbar *x, const int16_t *w, const npe_nlu_table *tab,
                     uint64_t *cycles) {
  if (!x || !w || !tab) return NPE_ERR_INVALID_ARG;
  const npe_xbar_cfg *c = &x->cfg;
  if (npe_nlu_table_check(tab) != NPE_OK) return NPE_ERR_RANGE;
  if (tab->nseg != 1) return NPE_ERR_UNSUPPORTED;
  size_t n = (size_t)c->rows * c->cols;
  int top = (int)c->g_levels - 1;
  for (size_t i = 0; i < n; i++)
    if (w[i] < -top || w[i] > top) return NPE_ERR_RANGE;

  unsigned steps = (1u << tab->bits) - 1u;
  memcpy(x->w, w, n * sizeof *w);
  memcpy(x->t, tab->seg_t[0], steps * sizeof *x->t);
  x->bits = tab->bits;

  /* Weight devices: w+ on the first of the pair, w- on the second. */
  for (size_t i = 0; i < n; i++) {
    double lp = w[i] > 0 ? w[i] : 0, ln = w[i] < 0 ? -w[i] : 0;
    if (!c->exact) {
      lp = program_device(x, lp, top);
      ln = program_device(x, ln, top);
    }
    x->dev[2 * i] = lp;
    x->dev[2 * i + 1] = ln;
  }

  /* Ramp column: T_1 on the bias devices, then one increment per step. */
  double fs = full_scale(c);
  double tacc[NPE_NLU_MAX_STEPS];
  for (unsigned j = 1; j <= steps; j++)
    tacc[j - 1] = nlu_to_acc_threshold(x->t[j - 1], c->acc_shift, -fs - 1, fs + 1);
  ramp_program(&x->r, c, tacc, steps, &x->ramp_base, x->ramp_inc, &x->ramp_dmax);

  uint64_t devices = 2 * (uint64_t)n + steps + NPE_XBAR_BIAS_DEVICES;
  uint64_t pulses = devices * c->prog_pulses;
  uint64_t cyc = c->exact ? (uint64_t)n + steps : pulses * c->prog_pulse_cycles;
  x->st.programs++;
  x->st.devices_programmed += c->exact ? 0 : devices;
  x->st.prog_pulses += c->exact ? 0 : pulses;
  x->st.prog_cycles += cyc;
  x->programmed = 1;
  if (cycles) *cycles = cyc;
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Running                                                                   */
/* ------------------------------------------------------------------------ */

static int check_inputs(const npe_xbar *x, const int16_t *in) {
  if (!x->programmed) return NPE_ERR_STATE;
  int xmax = (int)(1u << (x->cfg.dac_bits - 1)) - 1;
  for (unsigned i = 0; i < x->cfg.rows; i++)
    if (in[i] < -xmax || in[i] > xmax) return NPE_ERR_RANGE;
  return NPE_OK;
}

int npe_xbar_digital(const npe_xbar *x, const int16_t *in, unsigned *codes, int64_t *acc) {
  if (!x || !in || !codes) return NPE_ERR_INVALID_ARG;
  int rc = check_inputs(x, in);
  if (rc != NPE_OK) return rc;
  const npe_xbar_cfg *c = &x->cfg;
  for (unsigned o = 0; o < c->cols; o++) {
    int64_t s = 0;
    const int16_t *wr = x->w + (size_t)o * c->rows;
    for (unsigned i = 0; i < c->rows; i++) s += (int64_t)wr[i] * in[i];
    unsigned code = 0;
    npe_nlu_eval(x->t, x->bits, npe_xbar_acc_to_nlu(s, c->acc_shift), &code);
    codes[o] = code;
    if (acc) acc[o] = s;
  }
  return NPE_OK;
}

/* Analog column values (acc units) into v[cols]; fresh read noise. */
static void analog_columns(npe_xbar *x, const int16_t *in, double *v) {
  const npe_xbar_cfg *c = &x->cfg;
  double gmin_lv = c->g_min_us / (c->g_max_us - c->g_min_us) * (c->g_levels - 1);
  for (unsigned o = 0; o < c->cols; o++) {
    const int16_t *wr = x->w + (size_t)o * c->rows;
    const double *d = x->dev + 2 * (size_t)o * c->rows;
    int64_t exact = 0;
    double err = 0, var = 0;
    for (unsigned i = 0; i < c->rows; i++) {
      exact += (int64_t)wr[i] * in[i];
      /* programmed error of the pair, relative to the target levels */
      double lp = wr[i] > 0 ? wr[i] : 0, ln = wr[i] < 0 ? -wr[i] : 0;
      err += (double)in[i] * ((d[2 * i] - lp) - (d[2 * i + 1] - ln));
      if (c->read_sigma > 0) {
        double gp = d[2 * i] + gmin_lv, gn = d[2 * i + 1] + gmin_lv;
        var += (double)in[i] * in[i] * (gp * gp + gn * gn);
      }
    }
    /* Independent per-device read noise sums to one Gaussian per column. */
    double noise = c->read_sigma > 0 ? c->read_sigma * sqrt(var) * rng_gauss(&x->r) : 0;
    /* Exact integer part first, so an ideal tile is exact. */
    v[o] = (double)exact + err + noise + x->offset[o];
  }
}

int npe_xbar_mvm(npe_xbar *x, const int16_t *in, double *acc) {
  if (!x || !in || !acc) return NPE_ERR_INVALID_ARG;
  int rc = check_inputs(x, in);
  if (rc != NPE_OK) return rc;
  if (x->cfg.exact) {
    for (unsigned o = 0; o < x->cfg.cols; o++) {
      int64_t s = 0;
      for (unsigned i = 0; i < x->cfg.rows; i++)
        s += (int64_t)x->w[(size_t)o * x->cfg.rows + i] * in[i];
      acc[o] = (double)s;
    }
    return NPE_OK;
  }
  analog_columns(x, in, acc);
  return NPE_OK;
}

int npe_xbar_run(npe_xbar *x, const int16_t *in, unsigned *codes, uint64_t *cycles) {
  if (!x || !in || !codes) return NPE_ERR_INVALID_ARG;
  int rc = check_inputs(x, in);
  if (rc != NPE_OK) return rc;
  const npe_xbar_cfg *c = &x->cfg;
  unsigned steps = (1u << x->bits) - 1u;
  uint64_t cyc;
  if (c->exact) {
    npe_xbar_digital(x, in, codes, NULL);
    cyc = ((uint64_t)c->rows * c->cols + c->mac_per_cycle - 1) / c->mac_per_cycle +
          (uint64_t)((c->cols + c->nlu_cols - 1) / c->nlu_cols) * (steps + 1);
  } else {
    double *v = malloc(c->cols * sizeof *v);
    double ramp[NPE_NLU_MAX_STEPS];
    if (!v) return NPE_ERR_NO_MEM;
    analog_columns(x, in, v);
    /* The ramp is shared by every column of this conversion: one read of
     * each step's device, with fresh read noise. */
    ramp_read(&x->r, c, x->ramp_base, x->ramp_inc, steps, ramp);
    for (unsigned o = 0; o < c->cols; o++) {
      unsigned k = 0;
      while (k < steps && v[o] >= ramp[k]) k++; /* counter stops at the flip */
      codes[o] = k;
    }
    free(v);
    cyc = (uint64_t)steps + 1;
    x->st.dac_convs += c->rows;
    x->st.cell_reads += 2 * (uint64_t)c->rows * c->cols;
    /* step j has the bias devices and increments 2..j conducting */
    x->st.ramp_cell_reads += (uint64_t)steps * NPE_XBAR_BIAS_DEVICES +
                             (uint64_t)steps * (steps - 1) / 2;
    x->st.comparisons += (uint64_t)steps * c->cols;
  }
  x->st.runs++;
  x->st.run_cycles += cyc;
  if (cycles) *cycles = cyc;
  return NPE_OK;
}

int npe_xbar_get_stats(const npe_xbar *x, npe_xbar_stats *out) {
  if (!x || !out) return NPE_ERR_INVALID_ARG;
  *out = x->st;
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Energy                                                                    */
/* ------------------------------------------------------------------------ */

/* The npe_energy_table() events this model uses (nlu-report prints them in
 * this order). */
static const char *const energy_events[] = {
    "xbar_cell_read", "xbar_dac_conv",   "adc_comparator", "adc_counter_step",
    "xbar_prog_pulse", "nlu_step_column", "nlu_table_read", "mac_int8",
    "sram_bit",
};
#define N_ENERGY_EVENTS (sizeof energy_events / sizeof energy_events[0])

const char *const *npe_xbar_energy_events(size_t *n) {
  if (n) *n = N_ENERGY_EVENTS;
  return energy_events;
}

static int table_pj(const char *event, double *pj) {
  const npe_energy_entry *e;
  if (npe_energy_find(event, &e) != NPE_OK) return NPE_ERR_STATE;
  *pj = e->pj;
  return NPE_OK;
}

int npe_xbar_energy_default(const npe_xbar_cfg *c, npe_xbar_energy *out) {
  if (!c || !out) return NPE_ERR_INVALID_ARG;
  int rc = npe_xbar_cfg_check(c);
  if (rc != NPE_OK) return rc;
  npe_xbar_energy e;
  double sram_bit;
  if ((rc = table_pj("xbar_cell_read", &e.cell_read_pj)) != NPE_OK ||
      (rc = table_pj("xbar_dac_conv", &e.dac_pj)) != NPE_OK ||
      (rc = table_pj("adc_comparator", &e.comp_pj)) != NPE_OK ||
      (rc = table_pj("adc_counter_step", &e.count_pj)) != NPE_OK ||
      (rc = table_pj("xbar_prog_pulse", &e.prog_pulse_pj)) != NPE_OK ||
      (rc = table_pj("mac_int8", &e.mac_int8_pj)) != NPE_OK ||
      (rc = table_pj("sram_bit", &sram_bit)) != NPE_OK ||
      (rc = table_pj("nlu_step_column", &e.nlu_step_pj)) != NPE_OK ||
      (rc = table_pj("nlu_table_read", &e.nlu_table_pj)) != NPE_OK)
    return rc;
  e.sram_byte_pj = 8.0 * sram_bit;
  /* The table holds the default tile; rescale the two device energies. */
  npe_xbar_cfg r;
  npe_xbar_cfg_default(&r, 1, 1);
  double read = c->v_read * c->v_read * (c->g_min_us + c->g_max_us) * c->t_clk_ns;
  double read_ref = r.v_read * r.v_read * (r.g_min_us + r.g_max_us) * r.t_clk_ns;
  double pulse = c->g_max_us * (double)c->prog_pulse_cycles * c->t_clk_ns;
  double pulse_ref = r.g_max_us * (double)r.prog_pulse_cycles * r.t_clk_ns;
  e.cell_read_pj *= read / read_ref;
  e.prog_pulse_pj *= pulse / pulse_ref;
  *out = e;
  return NPE_OK;
}

int npe_xbar_nlu_conv_energy(const npe_xbar_cfg *c, const npe_xbar_energy *e, unsigned bits,
                             double *analog_pj, double *digital_pj) {
  if (!c || !e || !analog_pj || !digital_pj) return NPE_ERR_INVALID_ARG;
  if (bits < NPE_NLU_MIN_BITS || bits > NPE_NLU_MAX_BITS || c->cols == 0 || c->nlu_cols == 0)
    return NPE_ERR_RANGE;
  double steps = (double)((1u << bits) - 1u);
  double ramp_dev_steps = steps * NPE_XBAR_BIAS_DEVICES + steps * (steps - 1) / 2;
  *analog_pj = steps * (e->comp_pj + e->count_pj) + ramp_dev_steps * e->cell_read_pj / c->cols;
  *digital_pj = steps * e->nlu_step_pj + steps * e->nlu_table_pj / c->nlu_cols;
  return NPE_OK;
}

int npe_xbar_energy_table(const npe_xbar_cfg *c, npe_xbar_energy_entry *out, size_t cap,
                          size_t *n) {
  if (!c || !out || !n) return NPE_ERR_INVALID_ARG;
  npe_xbar_energy e;
  int rc = npe_xbar_energy_default(c, &e);
  if (rc != NPE_OK) return rc;
  if (cap < N_ENERGY_EVENTS) return NPE_ERR_NO_SPACE;
  for (size_t i = 0; i < N_ENERGY_EVENTS; i++) {
    const npe_energy_entry *t;
    if (npe_energy_find(energy_events[i], &t) != NPE_OK) return NPE_ERR_STATE;
    double v = t->pj;
    if (!strcmp(t->event, "xbar_cell_read")) v = e.cell_read_pj;
    if (!strcmp(t->event, "xbar_prog_pulse")) v = e.prog_pulse_pj;
    out[i].name = t->event;
    out[i].value = v;
    out[i].unit = t->unit;
    out[i].source = t->source;
  }
  *n = N_ENERGY_EVENTS;
  return NPE_OK;
}

int npe_xbar_energy_of(const npe_xbar_energy *e, const npe_xbar_stats *s, double *pj) {
  if (!e || !s || !pj) return NPE_ERR_INVALID_ARG;
  *pj = (double)s->dac_convs * e->dac_pj + (double)s->cell_reads * e->cell_read_pj +
        (double)s->ramp_cell_reads * e->cell_read_pj +
        (double)s->comparisons * (e->comp_pj + e->count_pj) +
        (double)s->prog_pulses * e->prog_pulse_pj;
  return NPE_OK;
}

int npe_xbar_matvec_cost(const npe_xbar_cfg *c, const npe_xbar_energy *e, unsigned bits,
                         int analog, double *pj, uint64_t *cycles) {
  if (!c || !e || !pj || !cycles) return NPE_ERR_INVALID_ARG;
  if (bits < NPE_NLU_MIN_BITS || bits > NPE_NLU_MAX_BITS) return NPE_ERR_RANGE;
  double steps = (double)((1u << bits) - 1u);
  double rows = c->rows, cols = c->cols;
  if (analog) {
    npe_xbar_stats s;
    memset(&s, 0, sizeof s);
    s.dac_convs = c->rows;
    s.cell_reads = 2 * (uint64_t)c->rows * c->cols;
    s.ramp_cell_reads = (uint64_t)(steps * NPE_XBAR_BIAS_DEVICES + steps * (steps - 1) / 2);
    s.comparisons = (uint64_t)(steps * cols);
    npe_xbar_energy_of(e, &s, pj);
    *cycles = (uint64_t)steps + 1;
  } else {
    uint64_t groups = (c->cols + c->nlu_cols - 1) / c->nlu_cols;
    *pj = rows * cols * e->mac_int8_pj + (rows * cols + rows) * e->sram_byte_pj +
          cols * steps * e->nlu_step_pj + (double)groups * steps * e->nlu_table_pj;
    *cycles = ((uint64_t)c->rows * c->cols + c->mac_per_cycle - 1) / c->mac_per_cycle +
              groups * ((uint64_t)steps + 1);
  }
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* The NLU alone, with its ramp as perturbed conductances                    */
/* ------------------------------------------------------------------------ */

int npe_xbar_nlu_sweep(const npe_nlu_table *tab, const npe_xbar_cfg *noise, int32_t lo,
                       int32_t hi, unsigned *codes) {
  if (!tab || !noise || !codes) return NPE_ERR_INVALID_ARG;
  if (npe_nlu_table_check(tab) != NPE_OK) return NPE_ERR_RANGE;
  if (npe_xbar_cfg_check(noise) != NPE_OK) return NPE_ERR_RANGE;
  if (lo < NPE_NLU_IN_MIN || hi > NPE_NLU_IN_MAX || lo > hi) return NPE_ERR_RANGE;
  rng r;
  rng_seed(&r, noise->seed);
  unsigned steps = (1u << tab->bits) - 1u;
  double base[2], dmax[2], inc[2][NPE_NLU_MAX_STEPS], ramp[2][NPE_NLU_MAX_STEPS];
  for (unsigned sg = 0; sg < tab->nseg; sg++) {
    double T[NPE_NLU_MAX_STEPS];
    /* Inputs (or negated inputs) lie in [-32768, 32768]. */
    for (unsigned j = 0; j < steps; j++) {
      double t = tab->seg_t[sg][j];
      T[j] = t < -32769.0 ? -32769.0 : (t > 32769.0 ? 32769.0 : t);
    }
    ramp_program(&r, noise, T, steps, &base[sg], inc[sg], &dmax[sg]);
  }
  double offset = noise->exact ? 0 : noise->comp_offset_sigma * 65536.0 * rng_gauss(&r);
  for (int32_t x = lo; x <= hi; x++) {
    unsigned sg = (tab->nseg == 2 && x < tab->split) ? 1 : 0;
    double v = (sg ? -(double)x : (double)x) + offset;
    ramp_read(&r, noise, base[sg], inc[sg], steps, ramp[sg]);
    unsigned k = 0;
    while (k < steps && v >= ramp[sg][k]) k++;
    codes[x - lo] = k;
  }
  return NPE_OK;
}
