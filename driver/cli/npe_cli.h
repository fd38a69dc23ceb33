/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommands of the npe tool and the helpers they share. Each subcommand
 * takes argc/argv from after its name and returns the process exit status:
 * 0 success, 1 failure while running, 2 bad usage or bad input (message on
 * stderr, nothing on stdout). */
#ifndef NPE_CLI_H
#define NPE_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "npe.h"

#define NPE_EXIT_OK 0
#define NPE_EXIT_FAIL 1
#define NPE_EXIT_USAGE 2

int npe_cmd_format(int argc, char **argv);
int npe_cmd_info(int argc, char **argv);
int npe_cmd_matmul(int argc, char **argv);
int npe_cmd_rnn(int argc, char **argv);
int npe_cmd_lm(int argc, char **argv);

/* ------------------------------------------------------------------------ */
/* cli_info.c: the device                                                    */
/* ------------------------------------------------------------------------ */

/* npe_open(); on failure a message on stderr. Returns an exit status:
 * NPE_EXIT_USAGE for a bad or unsupported URI, NPE_EXIT_FAIL otherwise. */
int cli_open_device(const char *uri, npe_dev **d);

/* ------------------------------------------------------------------------ */
/* cli_data.c: random inputs and typed pattern arrays                        */
/* ------------------------------------------------------------------------ */

/* xorshift64* and a Box-Muller N(0, 1) draw from it (the seeded inputs of
 * `npe matmul` and `npe format report`). */
uint64_t cli_rng(uint64_t *s);
double cli_gauss(uint64_t *s);

/* Allocates n patterns of format f, typed by its element width (*out is
 * all zero/NULL on failure). Returns NPE_OK or NPE_ERR_NO_MEM. */
int cli_pats_alloc(npe_fmt f, size_t n, npe_pats_out *out /* out */);

/* Frees what cli_pats_alloc() allocated (nothing for a zeroed view). */
void cli_pats_free(npe_pats_out *v);

/* Per-tensor quantisation of n doubles to format f into a new array *pat
 * (free with cli_pats_free()); with pow2 the scale is rounded up to a power
 * of two (the NLU folds such scales into its input shift). */
int cli_quantise(npe_fmt f, const double *x, size_t n, int pow2, npe_pats_out *pat /* out */,
                 float *scale /* out */);

/* ------------------------------------------------------------------------ */
/* cli_npy.c: .npy files                                                     */
/* ------------------------------------------------------------------------ */

/* One parsed .npy array: its dtype string as NumPy writes it ("<f4",
 * "<i8", "|i1", "<U63"), shape, and a view of its data (not copied; little-
 * endian, possibly unaligned: read it with memcpy). */
#define CLI_NPY_MAX_DIMS 4
typedef struct cli_npy {
  char descr[16];
  int fortran;                      /* 1: Fortran order */
  unsigned ndim;                    /* 0 for a scalar */
  uint64_t shape[CLI_NPY_MAX_DIMS];
  uint64_t count;                   /* elements: the product of shape */
  size_t elem_bytes;                /* "<U63": 4 x 63 */
  const unsigned char *data;        /* count x elem_bytes bytes at least */
  size_t data_bytes;
} cli_npy;

/* Parses the .npy image @p buf (@p len bytes: header and data). Returns NULL
 * and fills *out, or a message naming the problem (*out untouched). */
const char *cli_npy_parse(const unsigned char *buf, size_t len, cli_npy *out /* out */);

/* Reads a 2-D C-order float32/float64 .npy of finite values into a new
 * array of doubles (free()). On failure prints "<who>: <path>: ..." on
 * stderr and returns -1. */
int cli_read_npy(const char *path, const char *who, double **out, uint32_t *rows,
                 uint32_t *cols);

/* ------------------------------------------------------------------------ */
/* cli_npz.c: .npz files (numpy.savez: a ZIP of stored .npy members)         */
/* ------------------------------------------------------------------------ */

/* An open .npz: the whole file in memory and its member table. */
typedef struct cli_npz cli_npz;

/* Reads @p path and its ZIP directory. Only stored (uncompressed) members
 * are accepted; a compressed member (numpy.savez_compressed), a truncated or
 * corrupt file (CRC-32 checked) is refused. On failure prints
 * "<who>: <path>: ..." on stderr and returns -1. Free with cli_npz_close(). */
int cli_npz_open(const char *path, const char *who, cli_npz **z /* out */);
void cli_npz_close(cli_npz *z);

/* 1 if the archive holds array @p name (member "<name>.npy"). */
int cli_npz_has(const cli_npz *z, const char *name);

/* Array @p name as float32 of exactly @p ndim dimensions @p shape, C order,
 * every value finite, copied into a new array (free()). On failure
 * (missing, other dtype or shape, NaN/Inf) prints a message naming the array
 * and returns -1. */
int cli_npz_f32(const cli_npz *z, const char *name, unsigned ndim, const uint64_t *shape,
                float **out /* out */);

/* The same for an int8 array (ternary codes). */
int cli_npz_i8(const cli_npz *z, const char *name, unsigned ndim, const uint64_t *shape,
               int8_t **out /* out */);

/* A 0-d integer (int64/int32) or float64 scalar, or a 0-d ASCII string
 * ("<Un") into @p buf of @p cap bytes (NUL-terminated). -1 with a message
 * on failure. */
int cli_npz_int(const cli_npz *z, const char *name, long long *v /* out */);
int cli_npz_f64(const cli_npz *z, const char *name, double *v /* out */);
int cli_npz_str(const cli_npz *z, const char *name, char *buf /* out */, size_t cap);

/* ------------------------------------------------------------------------ */
/* cli_report.c: the results of `npe matmul` as a table, CSV or JSON         */
/* ------------------------------------------------------------------------ */

/* What `npe matmul` was asked to do (the report's header fields too). */
typedef struct cli_mm_opts {
  uint32_t m, n, k;
  uint64_t seed;
  const char *uri, *a_path, *b_path, *csv, *json_out, *fmt_name, *out_name, *act_name;
  int check, json, progress;
  uint32_t act_bits, act_frac;
  npe_nlu_func act;
} cli_mm_opts;

/* One format's run: its statistics and errors. */
typedef struct cli_mm_row {
  const char *name;
  npe_fmt fa, fb;
  npe_stats st;
  double sqnr_db, max_err, weight_bytes;
  long golden_mismatch; /* -1 = not checked */
} cli_mm_row;

typedef enum cli_report_mode { CLI_REPORT_TABLE, CLI_REPORT_CSV, CLI_REPORT_JSON } cli_report_mode;

/* Writes the @p n rows in @p mode to @p f. */
void cli_report_rows(FILE *f, const cli_mm_opts *o, const cli_mm_row *rows, int n,
                     cli_report_mode mode);

#endif
