/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_gla.c - Gated Linear Attention, chunkwise (npe_gla.h has the
 * definition). Host only: allocates, uses libm.
 */
#include "npe_gla.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe_recur.h"

#define LOG_FRAC 16u /* the log decays' fixed point, Q15.16 */

int32_t npe_gla_decay(int32_t x) {
  if (x >= 0) return NPE_RECUR_GATE_ONE;
  return (int32_t)llrint(ldexp(exp((double)x / 65536.0), (int)NPE_RECUR_GATE_FRAC));
}

static int fmt_ok(npe_fmt f) {
  return f == NPE_FMT_FP4 || f == NPE_FMT_POSIT4 || f == NPE_FMT_POSIT8 ||
         f == NPE_FMT_POSIT16 || f == NPE_FMT_INT8;
}

static int all_finite(const float *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}

/* The checks every entry point shares. */
static int check_seq(const npe_gla_seq *s, int need_fmt) {
  if (!s || !s->q || !s->k || !s->v || !s->log_alpha) return NPE_ERR_INVALID_ARG;
  if (need_fmt && !fmt_ok(s->fmt)) return NPE_ERR_INVALID_ARG;
  if (s->steps == 0 || s->dk == 0 || s->dv == 0 || s->dk > NPE_GLA_MAX_DIM ||
      s->dv > NPE_GLA_MAX_DIM || s->chunk == 0 || s->chunk > NPE_GLA_MAX_CHUNK)
    return NPE_ERR_INVALID_ARG;
  size_t t = s->steps;
  if (t > SIZE_MAX / 4 / NPE_GLA_MAX_DIM / NPE_GLA_MAX_DIM) return NPE_ERR_INVALID_ARG;
  if (!all_finite(s->q, t * s->dk) || !all_finite(s->k, t * s->dk) ||
      !all_finite(s->v, t * s->dv) || !all_finite(s->log_alpha, t * s->dk))
    return NPE_ERR_RANGE;
  for (size_t i = 0; i < t * s->dk; i++) {
    int32_t g;
    if (npe_recur_fix_from_double(s->log_alpha[i], LOG_FRAC, &g) != NPE_OK || g > 0)
      return NPE_ERR_RANGE;
  }
  return NPE_OK;
}

int npe_gla_state_frac(const npe_gla_seq *s, unsigned *frac) {
  int rc = check_seq(s, 0);
  if (rc != NPE_OK) return rc;
  if (!frac) return NPE_ERR_INVALID_ARG;
  double bound = 0.0;
  for (uint32_t t = 0; t < s->steps; t++) {
    double mk = 0.0, mv = 0.0;
    for (uint32_t i = 0; i < s->dk; i++) mk = fmax(mk, fabs(s->k[(size_t)t * s->dk + i]));
    for (uint32_t i = 0; i < s->dv; i++) mv = fmax(mv, fabs(s->v[(size_t)t * s->dv + i]));
    bound += mk * mv;
  }
  int e = 0;
  if (bound > 0.0) {
    double m = frexp(bound, &e); /* bound = m 2^e, m in [0.5, 1): ceil(log2) = e, or e-1 at 0.5 */
    if (m == 0.5) e -= 1;
  }
  int f = 29 - e;
  *frac = (unsigned)(f < 0 ? 0 : f > 24 ? 24 : f);
  return NPE_OK;
}

/* Patterns of one operand: u8 or u16 storage by the format's width. */
typedef struct pats_buf {
  npe_fmt fmt;
  uint8_t *u8;
  uint16_t *u16;
} pats_buf;

static int pats_alloc(pats_buf *p, npe_fmt f, size_t n) {
  p->fmt = f;
  p->u8 = NULL;
  p->u16 = NULL;
  if (npe_fmt_elem_bytes(f) == 2)
    p->u16 = malloc(n * sizeof *p->u16);
  else
    p->u8 = malloc(n);
  return (p->u8 || p->u16) ? NPE_OK : NPE_ERR_NO_MEM;
}

static void pats_free(pats_buf *p) {
  free(p->u8);
  free(p->u16);
}

static npe_pats pats_in(const pats_buf *p) {
  return p->u16 ? npe_pats_u16(p->fmt, p->u16) : npe_pats_u8(p->fmt, p->u8);
}

/* One operand's scale and patterns (npe_quant_scale, npe_quantize). */
static int quant(const pats_buf *p, const float *x, size_t n, float *scale) {
  int rc = npe_quant_scale(p->fmt, x, n, scale);
  if (rc != NPE_OK) return rc;
  npe_pats_out o = p->u16 ? npe_pats_out_u16(p->fmt, p->u16) : npe_pats_out_u8(p->fmt, p->u8);
  return npe_quantize(x, n, *scale, o);
}

/* Everything one chunk needs on the host, sized for a full chunk. */
typedef struct chunk_ws {
  int32_t *b;       /* L x dk cumulative log decays, Q15.16 */
  float *qt, *ktt;  /* Q~ (L x dk), K~^T (dk x L) */
  float *vt;        /* V^T (dv x L) */
  float *p;         /* P (L x L) */
  float *st;        /* S_{c-1}^T (dv x dk) */
  float *prod;      /* a product's result, up to max(dk, L) x dv */
  float *o1;        /* L x dv */
  pats_buf pa, pb;  /* the two operands of a product */
} chunk_ws;

static void ws_free(chunk_ws *w) {
  free(w->b);
  free(w->qt);
  free(w->ktt);
  free(w->vt);
  free(w->p);
  free(w->st);
  free(w->prod);
  free(w->o1);
  pats_free(&w->pa);
  pats_free(&w->pb);
}

static int ws_alloc(chunk_ws *w, const npe_gla_seq *s) {
  size_t c = s->chunk, dk = s->dk, dv = s->dv;
  size_t big = dk > c ? dk : c;
  size_t op = (c * dk > dk * dv ? c * dk : dk * dv);
  if (op < c * c) op = c * c;
  if (op < dv * c) op = dv * c;
  memset(w, 0, sizeof *w);
  w->b = malloc(c * dk * sizeof *w->b);
  w->qt = malloc(c * dk * sizeof(float));
  w->ktt = malloc(c * dk * sizeof(float));
  w->vt = malloc(c * dv * sizeof(float));
  w->p = malloc(c * c * sizeof(float));
  w->st = malloc(dk * dv * sizeof(float));
  w->prod = malloc(big * dv * sizeof(float));
  w->o1 = malloc(c * dv * sizeof(float));
  int rc1 = pats_alloc(&w->pa, s->fmt, op), rc2 = pats_alloc(&w->pb, s->fmt, op);
  if (!w->b || !w->qt || !w->ktt || !w->vt || !w->p || !w->st || !w->prod || !w->o1 ||
      rc1 != NPE_OK || rc2 != NPE_OK) {
    ws_free(w);
    return NPE_ERR_NO_MEM;
  }
  return NPE_OK;
}

/* b for the chunk starting at step t0 with L steps. */
static void cum_decays(const npe_gla_seq *s, uint32_t t0, uint32_t l, int32_t *b) {
  for (uint32_t kk = 0; kk < s->dk; kk++) {
    int64_t acc = 0;
    for (uint32_t i = 0; i < l; i++) {
      int32_t g = 0;
      (void)npe_recur_fix_from_double(s->log_alpha[(size_t)(t0 + i) * s->dk + kk], LOG_FRAC, &g);
      acc += g;
      if (acc < INT32_MIN) acc = INT32_MIN;
      b[(size_t)i * s->dk + kk] = (int32_t)acc;
    }
  }
}

static double decay_d(int32_t x) { return ldexp((double)npe_gla_decay(x), -(int)NPE_RECUR_GATE_FRAC); }

int npe_gla_run(const npe_gla_seq *s, const npe_gla_ops *ops, float *o, float *s_last) {
  int rc = check_seq(s, 1);
  if (rc != NPE_OK) return rc;
  if (!ops || !ops->matmul || !ops->diag || !o) return NPE_ERR_INVALID_ARG;
  unsigned frac;
  if ((rc = npe_gla_state_frac(s, &frac)) != NPE_OK) return rc;

  const uint32_t dk = s->dk, dv = s->dv, c = s->chunk;
  const uint32_t nc = (s->steps + c - 1) / c;
  const size_t hs = (size_t)dk * dv; /* state elements */
  chunk_ws w;
  if ((rc = ws_alloc(&w, s)) != NPE_OK) return rc;
  int32_t *ga = malloc((size_t)nc * hs * sizeof *ga);   /* DIAG gates */
  int32_t *gb = malloc((size_t)nc * hs * sizeof *gb);   /* DIAG inputs U_c */
  int32_t *st = malloc((size_t)nc * hs * sizeof *st);   /* S_1 .. S_nc */
  float *out = malloc((size_t)s->steps * dv * sizeof *out);
  if (!ga || !gb || !st || !out) {
    rc = NPE_ERR_NO_MEM;
    goto done;
  }

  /* 1: U_c = K~^T V for every chunk, and the gates exp(B) */
  for (uint32_t ci = 0; ci < nc; ci++) {
    uint32_t t0 = ci * c, l = s->steps - t0 < c ? s->steps - t0 : c;
    cum_decays(s, t0, l, w.b);
    const int32_t *bl = w.b + (size_t)(l - 1) * dk;
    for (uint32_t kk = 0; kk < dk; kk++)
      for (uint32_t j = 0; j < l; j++)
        w.ktt[(size_t)kk * l + j] =
            (float)((double)s->k[(size_t)(t0 + j) * dk + kk] *
                    decay_d((int32_t)((int64_t)bl[kk] - w.b[(size_t)j * dk + kk])));
    for (uint32_t vv = 0; vv < dv; vv++)
      for (uint32_t j = 0; j < l; j++) w.vt[(size_t)vv * l + j] = s->v[(size_t)(t0 + j) * dv + vv];
    float sa, sb;
    if ((rc = quant(&w.pa, w.ktt, (size_t)dk * l, &sa)) != NPE_OK ||
        (rc = quant(&w.pb, w.vt, (size_t)dv * l, &sb)) != NPE_OK ||
        (rc = ops->matmul(ops->ctx, pats_in(&w.pa), sa, pats_in(&w.pb), sb, dk, dv, l, w.prod)) !=
            NPE_OK)
      goto done;
    for (uint32_t kk = 0; kk < dk; kk++) {
      int32_t gate = npe_gla_decay(bl[kk]);
      for (uint32_t vv = 0; vv < dv; vv++) {
        size_t e = (size_t)ci * hs + (size_t)kk * dv + vv;
        ga[e] = gate;
        if ((rc = npe_recur_fix_from_double(w.prod[(size_t)kk * dv + vv], frac, &gb[e])) != NPE_OK)
          goto done;
      }
    }
  }

  /* 2: the state across chunks */
  if ((rc = ops->diag(ops->ctx, nc, (uint32_t)hs, ga, gb, st)) != NPE_OK) goto done;

  /* 3: O = Q~ S_{c-1} + P V */
  for (uint32_t ci = 0; ci < nc; ci++) {
    uint32_t t0 = ci * c, l = s->steps - t0 < c ? s->steps - t0 : c;
    cum_decays(s, t0, l, w.b);
    for (uint32_t i = 0; i < l; i++)
      for (uint32_t kk = 0; kk < dk; kk++)
        w.qt[(size_t)i * dk + kk] =
            (float)((double)s->q[(size_t)(t0 + i) * dk + kk] * decay_d(w.b[(size_t)i * dk + kk]));
    for (uint32_t i = 0; i < l; i++)
      for (uint32_t j = 0; j < l; j++) {
        double acc = 0.0;
        if (j <= i)
          for (uint32_t kk = 0; kk < dk; kk++)
            acc += ((double)s->q[(size_t)(t0 + i) * dk + kk] * s->k[(size_t)(t0 + j) * dk + kk]) *
                   decay_d((int32_t)((int64_t)w.b[(size_t)i * dk + kk] - w.b[(size_t)j * dk + kk]));
        w.p[(size_t)i * l + j] = (float)acc;
      }
    for (uint32_t vv = 0; vv < dv; vv++)
      for (uint32_t j = 0; j < l; j++) w.vt[(size_t)vv * l + j] = s->v[(size_t)(t0 + j) * dv + vv];
    float sa, sb;
    if (ci == 0) {
      memset(w.o1, 0, (size_t)l * dv * sizeof(float));
    } else {
      const int32_t *prev = st + (size_t)(ci - 1) * hs;
      for (uint32_t vv = 0; vv < dv; vv++)
        for (uint32_t kk = 0; kk < dk; kk++)
          w.st[(size_t)vv * dk + kk] = (float)npe_recur_fix_to_double(prev[(size_t)kk * dv + vv], frac);
      if ((rc = quant(&w.pa, w.qt, (size_t)l * dk, &sa)) != NPE_OK ||
          (rc = quant(&w.pb, w.st, (size_t)dv * dk, &sb)) != NPE_OK ||
          (rc = ops->matmul(ops->ctx, pats_in(&w.pa), sa, pats_in(&w.pb), sb, l, dv, dk, w.o1)) !=
              NPE_OK)
        goto done;
    }
    if ((rc = quant(&w.pa, w.p, (size_t)l * l, &sa)) != NPE_OK ||
        (rc = quant(&w.pb, w.vt, (size_t)dv * l, &sb)) != NPE_OK ||
        (rc = ops->matmul(ops->ctx, pats_in(&w.pa), sa, pats_in(&w.pb), sb, l, dv, l, w.prod)) !=
            NPE_OK)
      goto done;
    for (size_t e = 0; e < (size_t)l * dv; e++) out[(size_t)t0 * dv + e] = w.o1[e] + w.prod[e];
  }

  memcpy(o, out, (size_t)s->steps * dv * sizeof *o);
  if (s_last) {
    const int32_t *fin = st + (size_t)(nc - 1) * hs;
    for (size_t e = 0; e < hs; e++) s_last[e] = (float)npe_recur_fix_to_double(fin[e], frac);
  }
  rc = NPE_OK;
done:
  free(ga);
  free(gb);
  free(st);
  free(out);
  ws_free(&w);
  return rc;
}

/* ---- the golden ops -------------------------------------------------------- */

static int golden_matmul(void *ctx, npe_pats a, float scale_a, npe_pats b, float scale_b,
                         uint32_t m, uint32_t n, uint32_t k, float *c) {
  (void)ctx;
  return npe_golden_matmul_f32(a, k, b, k, m, n, k, scale_a * scale_b, c, n);
}

static int golden_diag(void *ctx, uint32_t steps, uint32_t h, const int32_t *a, const int32_t *b,
                       int32_t *out) {
  (void)ctx;
  int32_t *state = calloc(h, sizeof *state);
  if (!state) return NPE_ERR_NO_MEM;
  int rc = npe_recur_diag_seq(steps, h, a, b, state, out);
  free(state);
  return rc;
}

int npe_gla_golden(const npe_gla_seq *s, float *o, float *s_last) {
  const npe_gla_ops ops = {NULL, golden_matmul, golden_diag};
  return npe_gla_run(s, &ops, o, s_last);
}

/* ---- the float64 reference -------------------------------------------------- */

int npe_gla_ref(const npe_gla_seq *s, double *o, double *s_last) {
  int rc = check_seq(s, 0);
  if (rc != NPE_OK) return rc;
  if (!o) return NPE_ERR_INVALID_ARG;
  const size_t dk = s->dk, dv = s->dv;
  double *st = calloc(dk * dv, sizeof *st);
  double *out = malloc((size_t)s->steps * dv * sizeof *out);
  if (!st || !out) {
    free(st);
    free(out);
    return NPE_ERR_NO_MEM;
  }
  for (size_t t = 0; t < s->steps; t++) {
    for (size_t i = 0; i < dk; i++) {
      double a = exp((double)s->log_alpha[t * dk + i]), kv = s->k[t * dk + i];
      for (size_t j = 0; j < dv; j++) st[i * dv + j] = a * st[i * dv + j] + kv * s->v[t * dv + j];
    }
    for (size_t j = 0; j < dv; j++) {
      double acc = 0.0;
      for (size_t i = 0; i < dk; i++) acc += (double)s->q[t * dk + i] * st[i * dv + j];
      out[t * dv + j] = acc;
    }
  }
  memcpy(o, out, (size_t)s->steps * dv * sizeof *o);
  if (s_last) memcpy(s_last, st, dk * dv * sizeof *st);
  free(st);
  free(out);
  return NPE_OK;
}
