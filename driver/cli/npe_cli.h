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
int npe_cmd_report(int argc, char **argv);

/* `npe format dot F`: the exact dot product of the "A B" hex pattern pairs,
 * one pair a line, read from @p in ('#' lines and blank lines skipped);
 * the result on stdout. Returns the exit status. */
int cli_format_dot(npe_fmt f, FILE *in);

/* ------------------------------------------------------------------------ */
/* cli_info.c: the device                                                    */
/* ------------------------------------------------------------------------ */

/* npe_open(); on failure a message on stderr. Returns an exit status:
 * NPE_EXIT_USAGE for a bad or unsupported URI, NPE_EXIT_FAIL otherwise. */
int cli_open_device(const char *uri, npe_dev **d);

/* ------------------------------------------------------------------------ */
/* cli_data.c: random inputs and typed pattern arrays                        */
/* ------------------------------------------------------------------------ */

/* Parses a decimal option value into *v: digits only (no sign, no
 * spaces), lo <= value <= hi; 0, or -1 leaving *v unchanged. */
int cli_parse_u32(const char *s, uint32_t *v, uint32_t lo, uint32_t hi);

/* xorshift64* and a Box-Muller N(0, 1) draw from it (the seeded inputs of
 * `npe matmul` and `npe format report`). */
uint64_t cli_rng(uint64_t *s);
double cli_gauss(uint64_t *s);
/* A uniform double in [0, 1) from cli_rng (53 bits). */
double cli_uniform(uint64_t *s);

/* npe_set_progress() callback of the `npe rnn` cells: "npe rnn: P%" on
 * stderr, rewritten in place; @p ctx unused. */
void cli_rnn_progress(double frac, void *ctx);

/* After a failed call with @p rc: when the engine reported the error
 * (NPE_ERR_DEVICE), its code, descriptor index and address on stderr as
 * "@p cmd: engine error code ..."; nothing otherwise (or @p d NULL). */
void cli_report_engine_error(npe_dev *d, const char *cmd, int rc);

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

/* Pre-quantised input: n integers @p v (from an integer .npy) as patterns
 * of format f into a new array *pat (free with cli_pats_free()). INT8 takes
 * the values -128..127, ternary -1, 0, 1, the other formats their bit
 * patterns 0..2^bits-1. Returns NPE_OK, NPE_ERR_NO_MEM, or NPE_ERR_RANGE
 * with the index of the first value that is not a pattern in *bad. */
int cli_pats_from_ints(npe_fmt f, const double *v, size_t n, npe_pats_out *pat /* out */,
                       size_t *bad /* out */);

/* ------------------------------------------------------------------------ */
/* cli_npy.c: .npy files                                                     */
/* ------------------------------------------------------------------------ */

/* Limits of the reader: header bytes, elements per dimension, file bytes. */
#define CLI_NPY_MAX_HEADER 65535u
#define CLI_NPY_MAX_DIM (1u << 20)
#define CLI_NPY_MAX_FILE (1u << 30)

/* A 2-D C-order array read from a .npy: float32/float64 values (all
 * finite) or integer patterns, both as doubles (integers exactly). */
typedef struct cli_npy {
  uint32_t rows, cols;
  int is_int;          /* an integer dtype: pre-quantised patterns */
  char descr[8];       /* the dtype as written, e.g. "<f4", "|i1" */
  char fmt_name[16];   /* from a "# npe: format=NAME scale=X" header comment, else "" */
  double scale;        /* its scale, else 0 */
  double *v;           /* rows * cols values, row-major; free with cli_npy_free() */
} cli_npy;

/* The header of a .npy image as cli_npy_header() reads it, before any check
 * of dtype, order or rank: what the .npz reader (cli_npz.c) builds on. */
#define CLI_NPY_MAX_RANK 8
typedef struct cli_npy_hdr {
  char descr[16];                  /* the dtype as written, e.g. "<f4", "<i8", "<U63" */
  int fortran;                     /* 1: Fortran order */
  int rank;                        /* 0 for a scalar */
  unsigned long long dims[CLI_NPY_MAX_RANK];
  char fmt_name[16];               /* from a "# npe: format=NAME scale=X" comment, else "" */
  double scale;                    /* its scale, else 0 */
  const unsigned char *data;       /* the bytes after the header (not copied) */
  size_t data_bytes;
} cli_npy_hdr;

/* Parses the magic, version and header dictionary of the .npy image (buf,
 * len) into *out. Returns 0, or -1 with a one-line reason in err. Never
 * reads outside buf. */
int cli_npy_header(const unsigned char *buf, size_t len, cli_npy_hdr *out /* out */, char *err,
                   size_t errlen);

/* Parses the memory image of a .npy file (buf, len) into *out. Refuses
 * anything but a 2-D C-order array of a supported dtype with exactly its
 * data and finite values. Returns 0, or -1 with a one-line reason (no file
 * name) in err. Never reads outside buf; *out is zeroed on failure. */
int cli_npy_parse(const unsigned char *buf, size_t len, cli_npy *out /* out */, char *err,
                  size_t errlen);

/* Reads file @p path with cli_npy_parse(). On failure prints
 * "<who>: <path>: <reason>" on stderr and returns -1. */
int cli_npy_read(const char *path, const char *who, cli_npy *out /* out */);

/* Frees the values of @p a (harmless on a zeroed or freed one). */
void cli_npy_free(cli_npy *a);

/* Writes a rows x cols '<f4' .npy. Returns 0 or -1 (errno set). */
int cli_npy_write_f32(const char *path, uint32_t rows, uint32_t cols, const float *v);

/* Writes patterns @p p as a rows x cols .npy: '|i1' for INT8, '<u2' for
 * posit16, '|u1' (the bit patterns) otherwise; @p comment (or NULL) goes
 * after the header dictionary, e.g. "# npe: format=posit8 scale=0x1p-3".
 * Returns 0 or -1. */
int cli_npy_write_pats(const char *path, uint32_t rows, uint32_t cols, npe_pats p,
                       const char *comment);

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

/* The shape of array @p name: its rank into *ndim, its dimensions into
 * @p shape (CLI_NPY_MAX_RANK entries). -1 with a message naming the array
 * when it is missing or not a readable .npy. */
int cli_npz_shape(const cli_npz *z, const char *name, int *ndim /* out */,
                  uint64_t shape[CLI_NPY_MAX_RANK] /* out */);

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
/* cmd_rnn_gated.c: `npe rnn --cell gru|lstm`                                */
/* ------------------------------------------------------------------------ */

/* What `npe rnn` was asked to do for a gated cell (parsed by cmd_rnn.c). */
typedef struct cli_rnn_gated_opts {
  npe_rnn_cell cell;               /* NPE_RNN_GRU or NPE_RNN_LSTM */
  uint32_t steps, hidden, input;   /* T, H, I (ignored with weights: from the file) */
  uint64_t seed;
  const char *uri;                 /* "golden": the golden model, no engine */
  const char *format;              /* a format name or "all" */
  const char *weights, *out;       /* .npz to read, .npy to write, or NULL */
  int have_sizes;                  /* --steps, --hidden or --input given */
  int check, json, progress;
} cli_rnn_gated_opts;

/* Runs it; returns the exit status. */
int cli_rnn_gated(const cli_rnn_gated_opts *o);

/* ------------------------------------------------------------------------ */
/* cmd_rnn_hgrn.c: `npe rnn --cell hgrn`                                     */
/* ------------------------------------------------------------------------ */

/* What `npe rnn` was asked to do for an HGRN layer (parsed by cmd_rnn.c). */
typedef struct cli_rnn_hgrn_opts {
  uint32_t steps, hidden;          /* T, H (H at most the unit's state) */
  uint64_t seed;
  const char *uri;
  int check, json, progress;
} cli_rnn_hgrn_opts;

/* Runs it; returns the exit status. */
int cli_rnn_hgrn(const cli_rnn_hgrn_opts *o);

/* ------------------------------------------------------------------------ */
/* cmd_rnn_gla.c: `npe rnn --cell gla`                                       */
/* ------------------------------------------------------------------------ */

/* What `npe rnn` was asked to do for a GLA head (parsed by cmd_rnn.c). */
typedef struct cli_rnn_gla_opts {
  uint32_t steps, dk, dv, chunk;   /* T, head sizes, chunk length C */
  uint64_t seed;
  const char *uri;                 /* "golden": the golden model, no engine */
  const char *format;              /* a format name or "all" */
  int check, json, progress;
} cli_rnn_gla_opts;

/* Runs it; returns the exit status. */
int cli_rnn_gla(const cli_rnn_gla_opts *o);

/* ------------------------------------------------------------------------ */
/* cli_report.c: the results of `npe matmul` as a table, CSV or JSON         */
/* ------------------------------------------------------------------------ */

/* What `npe matmul` was asked to do (the report's header fields too). */
typedef struct cli_mm_opts {
  uint32_t m, n, k;
  uint64_t seed;
  const char *uri, *a_path, *b_path, *c_out, *csv, *json_out, *fmt_name, *out_name, *act_name;
  const char *b_scales_path;       /* --b-scales: per-row scales of a pre-quantised B */
  int check, json, progress;
  int per_row;                     /* --per-row or --b-scales: one scale per row of B */
  int no_b_resident;               /* --no-b-resident: npe_set_b_resident(dev, 0) */
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
