/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe.h - libnpe, the userspace driver of the NPE engine.
 *
 * One API whatever runs the engine: the URI given to npe_open() picks the
 * transport ("sim:" runs the Verilator model of the RTL in this process;
 * "uart:" and "ftdi://" reach a board over its serial link, docs/LINK.md;
 * "uio:" an engine in a Zynq's programmable logic under Linux). Matmuls of any size and any
 * supported format pair are tiled onto the engine, run, and gathered; every
 * result is bit-identical to the golden model (npe_format.h, included here).
 *
 * Conventions (as npe_format.h): functions return NPE_OK (0) or a negative
 * npe_status; outputs are written only on success; a call that fails leaves
 * the device and every buffer as they were. Handles are opaque.
 *
 * Thread safety: a device and everything made from it belong to one thread
 * at a time; separate devices are independent. No hidden threads, no global
 * state.
 *
 * Changes in API 0.12.0 (source-compatible additions):
 *   npe_rnn_cell: NPE_RNN_HGRN = 4 (RECUR MODE 4, docs/RECUR.md "HGRN"): the
 *               HGRN cell with its gates on the engine, on engines that have
 *               it (npe_info.recur_modes bit 4)
 *   npe_rnn_seq.y (at the end): HGRN's output y_t for every step
 *   npe_stats.recur_hgrn_elems (at the end): HGRN element steps
 *
 * Changes in API 0.11.0 (source-compatible additions):
 *   npe_rnn_seq.row_scale (at the end), npe_rnn_row_scales(): GRU / LSTM
 *               with a float scale per row of W_hh (a Sherry model's
 *               ternary codes and their qscale), applied on the engine
 *               (RECUR AUX.ROWSCALE, docs/RECUR.md "Row scales")
 *   npe_info.has_b_offset, npe_set_b_resident(): on engines whose MATMUL
 *               reads B from a word offset (CAP_FORMATS.B_OFFSET), a matmul
 *               of two m-tiles or more whose B fits one B buffer loads B
 *               once instead of once per m-tile (on by default where built)
 *
 * Changes in API 0.10.0 (source-compatible additions):
 *   npe_stats.recur_mode_elems, npe_stats.recur_cycles (at the end): a
 *               sequence's element steps by MODE and the recurrence unit's
 *               cycles, which the energy estimate now prices (the unit's
 *               gate-level energy, tools/ppa/recur_energy.py)
 *
 * Changes in API 0.9.0 (source-compatible additions):
 *   npe_info.has_sherry, npe_set_sherry(): ternary weights that are 3:4
 *               sparse travel as Sherry 1.25-bit codes, unpacked on the
 *               engine's load path (on by default where built)
 *   npe_stats.dma_weight_bytes, npe_stats.sherry: the weight bytes the DMA
 *               moved and whether they were Sherry codes
 *   npe_open(): "sim:?build=soc[&firmware=F]", the SoC whose firmware runs
 *               the matmuls (offload: the same npe_matmul calls)
 *   npe_stats: link_bytes, link_frames, device_cycles, core_cycles, requests,
 *               core_irqs (at the end)
 *   npe_rnn() on "sim:?build=soc": DIAG, GRU and LSTM sequences through the
 *               firmware's recurrence requests (npe_rnn_submit() there:
 *               NPE_ERR_UNSUPPORTED)
 *
 * Changes in API 0.8.0 (source-compatible additions):
 *   npe_info.has_ksplit: the engine chains MATMULs over K tiles with the
 *               quire kept (FLAGS.KEEP / ACCUM), so npe_matmul() and its
 *               variants take K beyond npe_max_k(), rounded once as before
 *
 * Changes in API 0.7.0 (source-compatible additions):
 *   npe_open(): "uio:" URIs (Zynq-class boards running Linux)
 *   npe_matmul_rows(), npe_matmul_rows_submit(): per-row (per-output-channel)
 *               weight scales, binary32 output
 *   npe_gla(): Gated Linear Attention (npe_gla.h, included here), chunkwise:
 *               the products on the MAC array, the state carried across
 *               chunks by a DIAG sequence on the recurrence unit
 *
 * Changes in API 0.6.0 (source-compatible additions):
 *   npe_open_msg(), npe_last_error(): a one-line reason for a failed open or
 *               transport call (which device, what to do about it)
 *   npe_open(): "ftdi://" URIs (libftdi1); "uart:" speaks the board link's
 *               protocol v2 (docs/LINK.md) at 3000000 baud by default
 *   npe_info.transport: also "ftdi"
 *
 * Changes in API 0.5.0 (source-compatible additions):
 *   npe_rnn_cell: NPE_RNN_GRU and NPE_RNN_LSTM run (RECUR MODE 1 and 2) on
 *               engines that have them (npe_info.recur_modes)
 *   npe_rnn_seq: new fields at the end for the gated cells: x (records),
 *               w_hh, fmt_h, hshift, acc_shift, c0, c_last; initialisers of
 *               0.4.0 leave them zero, as DIAG wants them (positional ones
 *               draw -Wmissing-field-initializers under -Wextra: name the
 *               fields, {.cell = NPE_RNN_DIAG, .steps = T, ...})
 *   npe_rnn_max_hidden(): the largest H of a gated cell per weight format
 *   npe_rnn_quantize(), npe_rnn_quant, npe_rnn_records(): float weights and
 *               input projections to what a gated sequence takes
 *   npe_stats:  for GRU / LSTM, macs and peak_macs / utilisation as a matmul's
 *
 * Changes in API 0.4.0 (source-compatible additions):
 *   npe_rnn(), npe_rnn_submit(), npe_rnn_seq, npe_rnn_cell: sequences through
 *               the engine's recurrence unit (RECUR opcode; the DIAG cell
 *               today, GRU / LSTM / GLA reserved: NPE_ERR_UNSUPPORTED)
 *   npe_job:    now any asynchronous job, a matmul or a sequence; npe_poll()
 *               and npe_wait() take either
 *   npe_info:   has_recur, recur_state_words, recur_modes (CAP_RECUR)
 *   npe_stats:  recur_elems; for a sequence, peak_macs and utilisation are
 *               those of the recurrence unit (one element per cycle)
 *   npe_recur.h (the golden recurrence model) is included and installed
 *
 * Changes in API 0.3.0 (source-incompatible; the golden library's are listed
 * in npe_format.h):
 *   npe_tensor: {fmt, rows, cols, stride, scale, const void *data} ->
 *               {npe_pats data, rows, cols, stride, scale}: the format and a
 *               typed pointer (uint8_t, or uint16_t for posit16) in one field
 *   npe_output: {int fp32, fmt, stride, scale, void *data} ->
 *               {float *f32, npe_pats_out pats, stride, scale}: binary32
 *               when f32 is set, else patterns of pats.fmt
 *   npe_close:  frees the handle; using it afterwards is undefined (0.2.0
 *               kept a tombstone of every closed handle in a process-wide
 *               list and returned NPE_ERR_STATE)
 */
#ifndef NPE_H
#define NPE_H

#include <stddef.h>
#include <stdint.h>

#include "npe_energy.h"
#include "npe_format.h"
#include "npe_gla.h"
#include "npe_nlu.h"
#include "npe_recur.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of this header: major << 16 | minor << 8 | patch. */
#define NPE_API_VERSION 0x000c00u

/** Version of the library actually linked (compare with NPE_API_VERSION). */
unsigned npe_version(void);

/** An open engine. */
typedef struct npe_dev npe_dev;

/**
 * Opens an engine.
 * @p uri: "sim:" or "sim:?key=value&..." with keys
 *   latency=N   memory read latency in cycles (default 100; write latency N/5)
 *   ready=P     percent of cycles the memory accepts (1..100, default 100)
 *   valid=P     percent of cycles a ready response is offered (1..100)
 *   seed=S      seeds back-pressure and random reset (default 1)
 *   trace=FILE  write an FST waveform of the whole run (a library built with
 *               make TRACE=1; otherwise npe_open fails, NPE_ERR_IO)
 *   build=small the small build instead (INT8 / ternary, 1 x 1 PE, 128 KiB
 *               of memory at 0: the iCE40UP5K configuration, ENGINE_LITE);
 *   build=zynq  the Zynq-7020 board top (fpga/zynq): 2 x 2 PEs, every
 *               format and unit, 64 KiB B buffers, 32-bit DMA, 16-beat bursts
 *   build=soc   the SoC (docs/SOC.md): the RV32IM core's firmware runs the
 *               matmuls on a 2 x 2 engine in every format; the driver sends
 *               the unpacked operands through the mailbox (offload) and
 *               splits a job larger than the 32 KiB host window into
 *               requests. Matmuls (K above npe_max_k() in K tiles, run by
 *               the firmware, as long as a row of A and one of B fit the
 *               host window and the firmware's arena) and recurrences
 *               (npe_rnn); the NLU and device buffers are
 *               NPE_ERR_UNSUPPORTED (npe_info says has_nlu 0; mem_size is
 *               the host window's); npe_last_error() says why
 *               the firmware refused a request; latency, ready and valid do
 *               not apply (NPE_ERR_INVALID_ARG)
 *   firmware=F  (build=soc) the firmware ELF (default
 *               build/firmware/npe_soc_fw.elf, relative to the working
 *               directory; make firmware builds it)
 * or "uart:PATH[?key=value&...]", a board build behind npe_uart_bridge on
 * the serial port PATH (e.g. the iCEBreaker's FTDI port /dev/ttyUSB1), or
 * "ftdi://[VID:PID][/SERIAL][?key=value&...]", the same through libftdi1
 * on an FTDI chip's channel (VID:PID in hex, default 0403:6010, the
 * iCEBreaker's FT2232H; SERIAL picks one of several boards), keys
 *   interface=A|B  (ftdi:// only) the chip's channel (default B, the
 *               iCEBreaker's FPGA UART; A programs its flash)
 *   baud=N      line rate (default 3000000, as the board's bitstream; uart:
 *               takes the termios rates 9600..3000000, ftdi:// 183..12000000)
 *   mem=BYTES   memory at address 0 the driver manages (default: what the
 *               bridge reports, 131072 on the iCEBreaker)
 *   clk=MHZ     board clock, for cycle estimates (default 12)
 *   timeout=MS  reply timeout of one frame (default: from the bridge's quiet
 *               time, the longest frame and 20 ms of USB / OS latency)
 *   tries=N     attempts per frame before NPE_ERR_IO (default 8)
 *   burst=WORDS largest memory frame (default: the bridge's, 256 words)
 * or "uio:DEV[?key=value&...]", an engine in the programmable logic of a
 * Zynq-class board running Linux (fpga/zynq): DEV is the UIO node of its
 * CSRs (/dev/uioN, uioN or N), keys
 *   mem=PATH    device memory the DMA reaches: /dev/udmabufN (a u-dma-buf;
 *               its physical address and size read from sysfs) or /dev/mem
 *               with phys= and size= (a reserved region); required
 *   phys=ADDR, size=BYTES  that memory's physical base and size (4 KiB
 *               multiples, size >= 64 KiB), decimal or 0x-hex
 *   map=M       the UIO map holding the CSRs (default 0)
 *   timeout=MS  longest wait for one interrupt (default 1000)
 *   clk=MHZ     engine clock, for cycle estimates (default 100)
 * or "uio:DEV?soc=1[&firmware=PATH&map=M&timeout=MS&clk=MHZ]", the SoC of
 * docs/SOC.md (RV32IM core, firmware, engine, mailbox) in a Zynq's logic
 * (fpga/zynq/npe_soc_zynq_top.v): DEV's map is its 256 KiB host window (RAM
 * at 0, the mailbox at 0x2_0000); an offload device like "sim:?build=soc".
 * The firmware ELF (PATH, default build/firmware/npe_soc_fw.elf) is loaded
 * through the window when none runs or when firmware= names one; timeout=
 * also bounds its boot. mem=, phys= and size= are refused with soc=1.
 * Errors: NPE_ERR_INVALID_ARG (NULL, unknown scheme or key, bad value),
 * NPE_ERR_IO (trace file;
 * serial port, FTDI or UIO device missing, permission denied, busy; no
 * protocol v2 bridge answers; no device memory named or found; the SoC's
 * firmware file unreadable), NPE_ERR_DEVICE (engine does not identify
 * itself, the bridge refuses a frame; no SoC mailbox), NPE_ERR_TIMEOUT (the
 * SoC's firmware does not come up), NPE_ERR_NO_MEM; a bad firmware ELF
 * (not RV32, truncated, segments outside the SoC's firmware RAM):
 * NPE_ERR_INVALID_ARG. npe_open_msg says
 * which in words.
 */
int npe_open(const char *uri, npe_dev **dev /* out */);

/** npe_open(), and on failure one line into @p msg (@p cap bytes; "" on
 *  success or when nothing more is known) naming the device and the cause:
 *  "ftdi 0403:6010 interface B: no such USB device (is the board plugged
 *  in? ...)", "... permission denied on the USB device; add the udev rule
 *  ...", "uart /dev/ttyUSB1: no good reply to HELLO ... after 8 tries ...". */
int npe_open_msg(const char *uri, npe_dev **dev /* out */, char *msg /* out */, size_t cap);

/** The last transport failure of @p dev as one line, e.g. after a call
 *  returned NPE_ERR_IO: "ftdi 0403:6010: read failed (device gone?)" or
 *  "... no good reply to memory write at 0x001000 (256 words) after 8
 *  tries (...)". "" if there was none or the transport keeps no messages
 *  (sim:). The string belongs to @p dev and lives until its next call. */
const char *npe_last_error(const npe_dev *dev);

/** Closes an engine: releases its buffers, its job and its simulator or
 *  port, and frees @p dev. NULL is ignored, like free(NULL). @p dev and
 *  every buffer and job made from it are invalid afterwards: passing any of
 *  them to a libnpe call, including a second npe_close(), is undefined. */
void npe_close(npe_dev *dev);

/** What the engine is. */
typedef struct npe_info {
  uint32_t id;            /**< ID register ("NPE1"); "sim-soc": the mailbox's ("NPMB") */
  uint32_t hw_version;    /**< VERSION register; "sim-soc": 0 (the firmware's to read) */
  uint32_t formats;       /**< bit f set: format code f supported */
  uint32_t rows, cols;    /**< PE array */
  uint32_t lanes;         /**< largest MACs per PE per cycle */
  uint32_t spad_a_kib, spad_b_kib, spad_c_kib; /**< per buffer (two each) */
  uint64_t mem_size;      /**< device memory the driver manages, bytes ("sim-soc": the
                           *   host window the matmuls' operands and C go through) */
  char transport[16];     /**< "sim", "sim-small", "sim-zynq", "sim-soc", "uart", "ftdi" or
                           *   "uio" */
  uint32_t has_nlu;       /**< 1: the nonlinear unit is built (npe_matmul_nlu) */
  uint32_t nlu_groups;    /**< column groups (rows x cols values each) one NLU ramp converts */
  uint32_t has_recur;     /**< 1: the recurrence unit is built (npe_rnn; CAP_FORMATS.RECUR) */
  uint32_t recur_state_words; /**< state elements it keeps on chip: the largest H of one
                               *   RECUR (CAP_RECUR.STATE_WORDS; npe_rnn slices wider H) */
  uint32_t recur_modes;   /**< bit m set: RECUR mode m is built (CAP_RECUR.MODES; bit
                           *   npe_rnn_cell c for cell c: 0 DIAG, 1 GRU, 2 LSTM, 4 HGRN) */
  uint32_t has_ksplit;    /**< 1: MATMUL K tiles (CAP_FORMATS.KSPLIT): npe_matmul takes
                           *   any K, still rounded once; 0: K <= npe_max_k() */
  uint32_t has_sherry;    /**< 1: the load path unpacks Sherry 1.25-bit ternary weights
                           *   (CAP_FORMATS.SHERRY): npe_matmul sends 3:4-sparse ternary
                           *   B that way (npe_set_sherry) */
  uint32_t has_b_offset;  /**< 1: MATMUL reads B from a word offset (CAP_FORMATS.B_OFFSET):
                           *   npe_matmul loads a B that fits one B buffer once for all
                           *   m-tiles (npe_set_b_resident) */
} npe_info;

/** Fills @p info. Errors: NPE_ERR_INVALID_ARG. */
int npe_get_info(npe_dev *dev, npe_info *info /* out */);

/**
 * Whether matmuls send ternary weights as Sherry 1.25-bit codes (arXiv
 * 2601.07892; docs/FORMATS.md). On (the default where npe_info.has_sherry),
 * a matmul whose B is ternary and 3:4 sparse (every group of 4 weights
 * along K, from k = 0 and from each K tile's start, which the driver puts
 * at a multiple of 4, has exactly one zero; a last partial group at most
 * one) moves B as 5 bits per 4 weights, each LOAD row padded to 8 bytes,
 * and the engine unpacks it on the load path; any other B travels as
 * 2-bit codes. The results are the same bit for bit either way
 * (npe_stats.sherry and dma_weight_bytes tell which). Errors:
 * NPE_ERR_INVALID_ARG, NPE_ERR_UNSUPPORTED (@p on set on an engine without
 * CAP_FORMATS.SHERRY), NPE_ERR_BUSY (a job is running).
 */
int npe_set_sherry(npe_dev *dev, int on);

/**
 * Whether matmuls keep B resident (docs/ARCHITECTURE.md, "The tiler"). On
 * (the default where npe_info.has_b_offset), a matmul of M > Rows (two
 * m-tiles or more) whose K is one tile, that is no mat-vec and whose B
 * fits one B scratchpad buffer LOADs B once and points each MATMUL at its
 * n-block's rows (SPAD_OFF); off, B is LOADed for every m-tile and
 * n-block as on an engine without the bit. The results are the same bit
 * for bit either way; npe_stats.dma_weight_bytes and dma_read_bytes show
 * the difference. Matmuls the SoC's firmware runs ("sim:?build=soc") are
 * planned by the firmware, which keeps B resident where it can whatever
 * this says. Errors: NPE_ERR_INVALID_ARG, NPE_ERR_UNSUPPORTED (@p on set
 * on an engine without CAP_FORMATS.B_OFFSET), NPE_ERR_BUSY (a job is
 * running).
 */
int npe_set_b_resident(npe_dev *dev, int on);

/* ------------------------------------------------------------------------ */
/* Device buffers                                                            */
/* ------------------------------------------------------------------------ */

/** A block of device memory. */
typedef struct npe_buf npe_buf;

/** Allocates @p bytes (> 0) of device memory, 64-byte aligned, zeroed.
 *  Errors: NPE_ERR_INVALID_ARG, NPE_ERR_NO_MEM (device memory exhausted:
 *  "too large"). */
int npe_buf_alloc(npe_dev *dev, size_t bytes, npe_buf **buf /* out */);

/** Frees a buffer. Errors: NPE_ERR_INVALID_ARG (NULL or not this device's),
 *  NPE_ERR_STATE (already freed: the device keeps a freed buffer's handle
 *  to detect this until npe_close()), NPE_ERR_BUSY (the running job uses
 *  it). */
int npe_buf_free(npe_dev *dev, npe_buf *buf);

/** Size of a buffer in bytes, 0 for NULL or a freed buffer. */
size_t npe_buf_size(const npe_buf *buf);

/** Copies host memory into a buffer at byte offset @p off / out of it.
 *  Errors: NPE_ERR_INVALID_ARG (NULL, range beyond the buffer),
 *  NPE_ERR_STATE (freed buffer), transport errors. */
int npe_buf_write(npe_dev *dev, npe_buf *buf, size_t off, const void *src, size_t len);
int npe_buf_read(npe_dev *dev, npe_buf *buf, size_t off, void *dst, size_t len);

/* ------------------------------------------------------------------------ */
/* Tensors and matmul                                                        */
/* ------------------------------------------------------------------------ */

/**
 * A host matrix of format patterns, row-major with a row stride, and a
 * scale: element value = decode(pattern) * scale. @c data carries the format
 * and a typed pointer (npe_pats: uint8_t per element, uint16_t for posit16),
 * e.g. {npe_pats_u8(NPE_FMT_INT8, a), m, k, 0, 1}.
 */
typedef struct npe_tensor {
  npe_pats data;          /**< format and patterns */
  uint32_t rows, cols;
  size_t stride;          /**< elements between rows; 0 means cols */
  float scale;            /**< > 0; 0 means 1 */
} npe_tensor;

/** Output of a matmul: binary32 values (@c f32 set, both pointers of
 *  @c pats NULL), or patterns of a format (@c f32 NULL, @c pats set). */
typedef struct npe_output {
  float *f32;             /**< float[m][n] of real values, or NULL */
  npe_pats_out pats;      /**< when f32 is NULL: patterns of pats.fmt */
  size_t stride;          /**< elements between rows; 0 means n */
  float scale;            /**< written for patterns: value of p is decode(p) * scale */
} npe_output;

/**
 * C = A x B^T: C[m][n] = sum_k A[m][k] * B[n][k] (A: M x K activations, B:
 * N x K weights, one row per output, like nn.Linear), every sum exact in the
 * quire and rounded once: to binary32 (then times the scales, one more
 * binary32 multiply) or to out->pats.fmt (scale_a * scale_b goes to
 * out->scale); bit for bit npe_golden_matmul_f32() / _fmt().
 * Format pairs: the same format on both sides (not ternary), or INT8
 * activations with ternary weights. Any M, N >= 1; 1 <= K <= npe_max_k(),
 * or any K >= 1 on an engine with npe_info.has_ksplit (the driver then runs
 * K tiles of at most npe_max_k() each and the quires carry across them:
 * still one exact dot product rounded once; docs/FORMATS.md gives the
 * quire's overflow bound, reachable only with posit16 at K >= 32768).
 * Errors: NPE_ERR_INVALID_ARG (NULL, shapes that do not match, bad format
 * or pair, a pointer of the wrong width (npe_pats), both or neither of
 * out->f32 and out->pats, stride < cols, scale not finite), NPE_ERR_RANGE (a bad pattern),
 * NPE_ERR_UNSUPPORTED (K beyond npe_max_k() without has_ksplit, or a format pair this engine
 * was not built with: npe_info.formats), NPE_ERR_NO_MEM, NPE_ERR_DEVICE
 * (the engine reported an error; see npe_last_stats()), NPE_ERR_TIMEOUT,
 * NPE_ERR_BUSY (a job is still running).
 */
int npe_matmul(npe_dev *dev, const npe_tensor *a, const npe_tensor *b, npe_output *out);

/**
 * npe_matmul() with one scale per row of B (per output channel, as
 * npe_quantize_rows() makes them): row j of B stands for its patterns times
 * @p b_scales[j], and C[m][j] = the exact dot product rounded once to
 * binary32, times (float)(scale_a * b_scales[j]) in binary32: bit for bit
 * npe_golden_matmul_f32() with scale 1 followed by that multiply. The output
 * must be binary32 (out->f32; a pattern output has one scale). The scales
 * are copied. Errors: as npe_matmul(), and NPE_ERR_INVALID_ARG (NULL
 * @p b_scales, a scale that is not finite and > 0, b->scale other than 0 or
 * 1, out->f32 NULL).
 */
int npe_matmul_rows(npe_dev *dev, const npe_tensor *a, const npe_tensor *b, const float *b_scales,
                    npe_output *out);

/**
 * codes = f(A x B^T) through the engine's nonlinear unit (NLU opcode, a
 * ramp-ADC staircase; docs/NLU.md): every dot product D[m][n] = sum_k
 * A[m][k] * B[n][k] of the patterns is exact in the quire and rounded once
 * to binary32, then becomes the NLU input code x = RNE(D * scale_a * scale_b
 * * 2^in_frac_bits) saturated to 16 bits (a NaN result enters as 0), and the
 * output is the code of @p table at x, exactly npe_nlu_table_eval(). The
 * scales must be powers of two (the engine folds them into a shift) and
 * log2(scale_a * scale_b) + in_frac_bits must lie in -15..14. The table is
 * written to the engine first. @p codes gets M x N uint8_t codes, @p stride
 * elements between rows (0 means N). Formats, shapes and K as npe_matmul().
 * Errors: as npe_matmul(), and NPE_ERR_INVALID_ARG (NULL table or codes, a
 * scale not a power of two, the exponent above out of range, in_frac_bits >
 * 14, stride < N, a bad table as npe_nlu_table_check() finds it),
 * NPE_ERR_UNSUPPORTED (no NLU in this engine). Nothing is written to
 * @p codes on error.
 */
int npe_matmul_nlu(npe_dev *dev, const npe_tensor *a, const npe_tensor *b,
                   const npe_nlu_table *table, unsigned in_frac_bits, uint8_t *codes,
                   size_t stride);

/** Largest K of one MATMUL for a format pair on this engine: what the
 *  scratchpads hold (0 for a bad pair). With npe_info.has_ksplit,
 *  npe_matmul() runs larger K as tiles of at most this. */
uint32_t npe_max_k(npe_dev *dev, npe_fmt fa, npe_fmt fb);

/** An asynchronous job: a matmul (npe_matmul_submit) or a sequence
 *  (npe_rnn_submit). */
typedef struct npe_job npe_job;

/**
 * Starts C = A x B^T and returns at once with @p job; the inputs are copied,
 * and @p out must stay valid until npe_wait() returns. One job at a time.
 * Errors: as npe_matmul() except device errors, which npe_wait() reports.
 */
int npe_matmul_submit(npe_dev *dev, const npe_tensor *a, const npe_tensor *b,
                      npe_output *out, npe_job **job /* out */);

/** npe_matmul_rows() started asynchronously, as npe_matmul_submit(). */
int npe_matmul_rows_submit(npe_dev *dev, const npe_tensor *a, const npe_tensor *b,
                           const float *b_scales, npe_output *out, npe_job **job /* out */);

/** Lets the job (either kind) run; writes 1 to *done when it has finished
 *  (then call npe_wait to collect it). Errors: NPE_ERR_INVALID_ARG,
 *  transport errors, and for a sequence of several passes NPE_ERR_NO_MEM
 *  (its next pass could not be staged; npe_wait then reports the error). */
int npe_poll(npe_dev *dev, npe_job *job, int *done /* out */);

/**
 * Waits for @p job (either kind), writes its outputs (only if it succeeded)
 * and frees the job (whatever the result). @p timeout_cycles bounds the
 * device time from the submission (0 = none). ("sim:?build=soc": a request
 * the firmware is still working on at a time-out is waited for, and its
 * answer dropped, when the next job is submitted.)
 * Errors: NPE_ERR_INVALID_ARG, NPE_ERR_DEVICE, NPE_ERR_TIMEOUT, and for a
 * sequence NPE_ERR_NO_MEM (a later pass could not be staged).
 */
int npe_wait(npe_dev *dev, npe_job *job, uint64_t timeout_cycles);

/** Called now and then during a long job with the fraction done (0..1). */
typedef void (*npe_progress_fn)(double fraction, void *ctx);

/** Sets (or clears, with NULL) the progress callback of @p dev; npe_matmul(),
 *  npe_matmul_nlu() and npe_rnn() call it. */
void npe_set_progress(npe_dev *dev, npe_progress_fn fn, void *ctx);

/* ------------------------------------------------------------------------ */
/* Recurrences (the RECUR opcode; docs/RECUR.md)                             */
/* ------------------------------------------------------------------------ */

/** The recurrent cell a sequence runs; the value is the RECUR mode, and
 *  npe_info.recur_modes bit c says whether the engine has cell c. */
typedef enum npe_rnn_cell {
  NPE_RNN_DIAG = 0,  /**< h_t = a_t * h_{t-1} + b_t elementwise on int32
                      *   (npe_recur_diag_step(): a in Q2.30, rounded to
                      *   nearest even, saturated) */
  NPE_RNN_GRU = 1,   /**< torch.nn.GRU's cell, G = 3 gates (r, z, n), in
                      *   Q15.16 with W_hh h on the MAC array
                      *   (npe_recur_gru_cell(), docs/RECUR.md) */
  NPE_RNN_LSTM = 2,  /**< torch.nn.LSTM's cell, G = 4 gates (i, f, g, o), with
                      *   a cell state c (npe_recur_lstm_cell()) */
  NPE_RNN_GLA = 3,   /**< reserved for a RECUR mode; GLA runs through npe_gla() */
  NPE_RNN_HGRN = 4   /**< the HGRN cell (tools/lm/models.py) in Q15.16, gates on
                      *   the engine, no mat-vec: a = tanh(za), c = (1 - |a|)
                      *   tanh(zc), h = a h + c, y = sigma(zg) h
                      *   (npe_recur_hgrn_cell(); API 0.12.0) */
} npe_rnn_cell;

/**
 * One sequence of @c steps (T) timesteps over a state of @c hidden (H)
 * elements. For NPE_RNN_DIAG, element (t, i) (t = 0..T-1, i = 0..H-1) sits
 * at index t * H + i of every T x H array, and
 *   h_{t+1}[i] = npe_recur_diag_step(a[t*H + i], b[t*H + i], h_t[i])
 * with a in Q2.30 (npe_recur_gate_from_double()) and b, h in one fixed
 * point of the caller's choice (npe_recur_fix_from_double()).
 *
 * For NPE_RNN_GRU and NPE_RNN_LSTM (G = 3 or 4 gates) every value is an
 * int32 in Q15.16 (NPE_RECUR_CELL_FRAC: value x / 2^16): h, c, the
 * records x. Step t computes, for every row o of the G H x H weights, the
 * exact dot product v_o of the row's patterns with the codes
 * npe_encode(fmt_h, h_{t-1}[j] x 2^(hshift - 16)) rounded once to binary32,
 * P_o = sat32(RNE(v_o x 2^acc_shift)), and then every element i through the
 * cell with P_{G i} .. P_{G i + G-1} and record (t, i): exactly
 * npe_recur_gated_seq() (npe_recur.h). With weight codes W x 2^Sw the
 * choice acc_shift = 16 - hshift - Sw makes P = W_hh h in Q15.16;
 * npe_rnn_quantize() picks Sw, hshift and acc_shift from float weights, and
 * npe_rnn_records() makes the records from float input projections.
 *
 * For NPE_RNN_HGRN (API 0.12.0) every value is an int32 in Q15.16: the
 * records x hold za, zc, zg of element (t, i) at x[4 (t H + i) + 0..2]
 * (value 3 is not read), h0 and h_last the state h, y every output y_t:
 * exactly npe_recur_hgrn_seq() (npe_recur.h). npe_rnn_records() makes the
 * records from float W_ih x_t + b_ih.
 *
 * The inputs are read only; the outputs are written only when the job
 * succeeds. Fields a cell does not use must be zero (NULL) where said.
 */
typedef struct npe_rnn_seq {
  npe_rnn_cell cell;
  uint32_t steps;         /**< T >= 1 (any length: the driver chains chunks) */
  uint32_t hidden;        /**< H >= 1; DIAG: any width (the driver slices it); GRU,
                           *   LSTM: at most npe_rnn_max_hidden() (not sliced: a
                           *   gated cell mixes all of h) */
  const int32_t *a;       /**< DIAG: T x H gates, Q2.30 (GRU, LSTM: not read) */
  const int32_t *b;       /**< DIAG: T x H inputs (GRU, LSTM: not read) */
  const int32_t *h0;      /**< H initial state, or NULL for h_0 = 0 */
  int32_t *h;             /**< out: T x H, every h_1 .. h_T, or NULL */
  int32_t *h_last;        /**< out: H, h_T, or NULL (at least one of h, h_last and,
                           *   for LSTM, c_last) */
  /* ---- GRU and LSTM (API 0.5.0); DIAG: zero ---- */
  const int32_t *x;       /**< T x H records of 4 int32, Q15.16: value j of record
                           *   (t, i) at x[4 (t H + i) + j]. GRU: x0 = W_ir x_t +
                           *   b_ir + b_hr, x1 = W_iz x_t + b_iz + b_hz, x2 = W_in
                           *   x_t + b_in, x3 = b_hn; LSTM: xj = W_i* x_t + b_i* +
                           *   b_h* for gates i, f, g, o (npe_rnn_records()) */
  npe_pats w_hh;          /**< G H x H weight patterns of format w_hh.fmt, row-major
                           *   (H per row, no stride), row o = G i + g: row g H + i
                           *   of torch's weight_hh_l0 (gates interleaved per
                           *   element; npe_rnn_quantize() reorders them). Ternary
                           *   weights that are 3:4 sparse in the MATVEC image's
                           *   groups of 4 are LOADed as Sherry codes where the
                           *   engine unpacks them (npe_set_sherry;
                           *   npe_stats.sherry says which) */
  npe_fmt fmt_h;          /**< the format h enters the mat-vec in: w_hh.fmt (not
                           *   ternary), or NPE_FMT_INT8 with ternary weights */
  uint32_t hshift;        /**< 0..15: h enters as npe_encode(fmt_h, h x 2^(hshift -
                           *   16)) (h clamped to +-(2^24 - 1) first) */
  int32_t acc_shift;      /**< -32..31: a mat-vec result v becomes sat32(RNE(v x
                           *   2^acc_shift)) */
  const int32_t *c0;      /**< LSTM: H initial cell values, or NULL for c_0 = 0;
                           *   DIAG, GRU: NULL */
  int32_t *c_last;        /**< LSTM out: H, c_T, or NULL; DIAG, GRU: NULL */
  /* ---- GRU and LSTM row scales (API 0.11.0); DIAG, HGRN: NULL ---- */
  const float *row_scale; /**< NULL, or G H scales, one per row of w_hh (row o = G i
                           *   + g, w_hh's order): row o's mat-vec result is
                           *   multiplied by row_scale[o] on the engine (RECUR
                           *   AUX.ROWSCALE). They enter as npe_rnn_row_scales()
                           *   makes them: Q2.30 after a common power of two
                           *   folded into acc_shift */
  /* ---- HGRN (API 0.12.0); the other cells: NULL ---- */
  int32_t *y;             /**< HGRN out: T x H, every y_1 .. y_T (Q15.16), or NULL.
                           *   HGRN takes x (records), h0, y and h_last (h_T); its
                           *   h, a, b, w_hh, c0, c_last, row_scale must be zero */
} npe_rnn_seq;

/**
 * Runs @p seq on the engine's recurrence unit; every output equals
 * npe_recur_diag_seq() (DIAG), npe_recur_gated_seq() (GRU, LSTM) or
 * npe_recur_hgrn_seq() (HGRN) bit for bit.
 * How it is cut up: DIAG's H beyond npe_info.recur_state_words runs as
 * independent slices of at most that width (DIAG is elementwise; GRU and
 * LSTM are never sliced); T beyond 65535 steps (the descriptor's T field)
 * or beyond what the free device memory holds runs as chunks, each chunk
 * after a slice's first continuing from the state the previous one left on
 * chip (INIT = KEEP; LSTM's c continues with it); h0 (and c0) enter through
 * INIT = LOAD, otherwise INIT = ZERO; with only @c h_last (and @c c_last)
 * asked for, the engine writes only the final state (OUT_LAST: h_T, then
 * LSTM's c_T; HGRN: h_T, then y_T). An LSTM asked for every h and c_last,
 * and an HGRN asked for every y and h_last, runs its last step as a
 * descriptor of its own with OUT_LAST. HGRN, like GRU and LSTM, is never
 * sliced (H at most npe_info.recur_state_words). GRU and LSTM first LOAD the
 * weights into a B buffer (the MATVEC image of the G H x H matrix), once
 * per pass. Chunks that do not fit in device memory together run in several
 * passes, one after another. Statistics (npe_last_stats()): cycles,
 * descriptors, DMA bytes, recur_elems = T x H; GRU and LSTM also macs of
 * the weight format = G H^2 T (counted by the driver) and peak_macs,
 * utilisation as for a matmul in that format.
 * Errors: NPE_ERR_INVALID_ARG (NULL @p dev or @p seq; an unknown cell; T
 * or H zero; no output; DIAG: NULL a or b, c0 or c_last set; GRU / LSTM:
 * NULL x, a bad w_hh (format, NULL or wrong-width pointer), fmt_h not the
 * pair of w_hh.fmt, hshift above 15, acc_shift outside -32..31, GRU with c0
 * or c_last; DIAG with row_scale; HGRN: NULL x, both y and h_last NULL,
 * or a field it does not use set; y set for another cell), NPE_ERR_RANGE (a weight pattern that is
 * not one of its format; a row_scale npe_rnn_row_scales() refuses: NaN,
 * infinite, or the acc_shift it gives outside -32..31),
 * NPE_ERR_UNSUPPORTED (NPE_RNN_GLA: not built yet; row_scale on
 * "sim:?build=soc": the SoC's firmware has no ROWSCALE; an engine
 * without the recurrence unit or the cell: npe_info.has_recur,
 * recur_modes; HGRN on "sim:?build=soc" (the firmware has no HGRN) or
 * with H above npe_info.recur_state_words; GRU / LSTM: a format the
 * engine lacks (npe_info.formats),
 * H above npe_rnn_max_hidden(): beyond the on-chip state, or the weights
 * do not fit one B buffer), NPE_ERR_BUSY (a job is still running),
 * NPE_ERR_NO_MEM (host memory, or not even one timestep fits in device
 * memory), NPE_ERR_DEVICE (the engine reported an error; see
 * npe_last_stats()), transport errors. Nothing is written to the outputs on
 * error.
 */
int npe_rnn(npe_dev *dev, const npe_rnn_seq *seq);

/**
 * Starts @p seq and returns at once with @p job; collect it with npe_poll()
 * / npe_wait(). The inputs are copied (they may change after the call);
 * the output arrays of @p seq must stay valid until npe_wait() returns. One
 * job at a time per device. A sequence of several passes (see npe_rnn())
 * stages each next pass inside npe_poll() / npe_wait().
 * Errors: as npe_rnn() except device errors, which npe_wait() reports;
 * NPE_ERR_UNSUPPORTED on a device whose firmware runs the sequence
 * ("sim:?build=soc": npe_rnn() sends it to the firmware and returns when it
 * is done).
 */
int npe_rnn_submit(npe_dev *dev, const npe_rnn_seq *seq, npe_job **job /* out */);

/**
 * Runs one Gated Linear Attention head (S_t = diag(alpha_t) S_{t-1} + k_t^T
 * v_t, o_t = q_t S_t, S_0 = 0; arXiv 2312.06635) in the chunkwise form
 * npe_gla.h defines: per chunk of seq->chunk steps the products K~^T V,
 * Q~ S and P V as npe_matmul() in seq->fmt on the MAC array, and the state
 * S across all chunks as one DIAG sequence on the recurrence unit
 * (npe_rnn(), state elements dk x dv, sliced as DIAG is); the decays and
 * the intra-chunk weights P are computed here, on the host, in the
 * definition's arithmetic. @p o gets T x dv outputs and @p s_last (or NULL)
 * the dk x dv final state, bit for bit npe_gla_golden(). Statistics
 * (npe_last_stats()): the sums over every job (cycles, MACs, DMA bytes,
 * descriptors, energy, recur_elems), peak_macs = cycles x rows x cols x
 * lanes of seq->fmt and utilisation = MACs / peak_macs. The progress
 * callback is called after each job.
 * Errors: NPE_ERR_INVALID_ARG (NULL, a format other than FP4, POSIT4,
 * POSIT8, POSIT16 or INT8, sizes out of range: npe_gla.h), NPE_ERR_RANGE
 * (NaN or infinite inputs, a log decay above 0), NPE_ERR_UNSUPPORTED (no
 * recurrence unit or DIAG, a format the engine lacks, chunk or dk beyond
 * npe_max_k()), NPE_ERR_BUSY, NPE_ERR_NO_MEM, NPE_ERR_DEVICE,
 * NPE_ERR_TIMEOUT and transport errors. Nothing is written to the outputs on
 * error.
 */
int npe_gla(npe_dev *dev, const npe_gla_seq *seq, float *o, float *s_last);

/**
 * The largest H a sequence of @p cell may have on this engine with weights
 * of format @p fmt_w (h in INT8 for ternary weights, else in fmt_w): for
 * GRU and LSTM the largest H with H <= npe_info.recur_state_words, h in
 * one A buffer and the G H x H weights in one B buffer (docs/RECUR.md); for
 * DIAG (any fmt_w) UINT32_MAX (wider states are sliced); for HGRN (any
 * fmt_w) npe_info.recur_state_words. 0 when the engine
 * lacks the unit, the cell or the format, for GLA, or for a bad argument.
 * Example: the default build (4 x 2 PEs, 512 KiB B buffers) takes a GRU
 * of H = 416 in INT8 and posit8, 295 in posit16, 589 in FP4 and posit4,
 * 832 with ternary weights; an LSTM of 362, 256, 512 and 720 (`npe info`).
 */
uint32_t npe_rnn_max_hidden(npe_dev *dev, npe_rnn_cell cell, npe_fmt fmt_w);

/** What npe_rnn_quantize() chose: the fields of npe_rnn_seq it fills, and
 *  the weight scale. */
typedef struct npe_rnn_quant {
  npe_fmt fmt_h;          /**< npe_rnn_seq.fmt_h: INT8 for ternary weights, else fmt_w */
  uint32_t hshift;        /**< npe_rnn_seq.hshift: INT8 h 7, FP4 2, posits 0 */
  int32_t acc_shift;      /**< npe_rnn_seq.acc_shift = 16 - hshift - w_exp */
  int32_t w_exp;          /**< Sw: the codes encode W_hh x 2^Sw */
  double w_rmse;          /**< RMS of decode(code) x 2^-Sw - W_hh over the weights */
  double w_absmax;        /**< max |W_hh| */
} npe_rnn_quant;

/**
 * Quantises float recurrent weights for a GRU or LSTM sequence (host only).
 * @p w_hh: G H x H floats in torch's layout (weight_hh_l0 of nn.GRU /
 * nn.LSTM: row g H + i for gate g, element i); @p w receives the G H x H
 * patterns of format w.fmt in the engine's order (row G i + g, what
 * npe_rnn_seq.w_hh takes), each npe_encode(w.fmt, w_hh x 2^Sw).
 * The rules: the weight scale is a power of two (the engine folds it into
 * acc_shift): of the exponents Sw from floor(log2(1 / absmax)) - 4 to
 * floor(log2(maxval / absmax)) + 3 (maxval the format's largest value: 127,
 * 6, 1 for ternary, maxpos), the one whose codes have the least squared
 * error against W_hh, the smallest on ties (all-zero weights: Sw = 0);
 * hshift = 7 when h is INT8 (also with ternary weights: h x 128 fills
 * -128..127), 2 for FP4 (h x 4 in [-4, 4]), 0 for the posits (h in (-1, 1),
 * their most precise range); acc_shift = 16 - hshift - Sw, so that P = W_hh
 * h in Q15.16.
 * Errors: NPE_ERR_INVALID_ARG (NULL, cell not GRU or LSTM, H zero, a bad
 * npe_pats_out), NPE_ERR_RANGE (a NaN or infinite weight; acc_shift would
 * leave -32..31: weights above about 2^24 or below 2^-28), NPE_ERR_NO_MEM.
 * Nothing is written on error.
 */
int npe_rnn_quantize(npe_rnn_cell cell, uint32_t hidden, const float *w_hh,
                     npe_pats_out w /* out */, npe_rnn_quant *q /* out */);

/**
 * Makes the records of a GRU, LSTM or HGRN sequence (npe_rnn_seq.x, T x H x 4
 * int32 in Q15.16) from float input projections (host only): @p proj is T
 * rows of G H floats, @p stride floats apart (0 means G H), row t = W_ih x_t
 * + b_ih in torch's gate order (what x @ weight_ih_l0^T + bias_ih_l0
 * gives: column g H + i for gate g, element i); @p b_hh is bias_hh_l0 (G H
 * floats) or NULL for zero. Each record value is the sum in double rounded
 * once to Q15.16 (to nearest, ties to even, saturated): GRU x0 = p_r + bh_r,
 * x1 = p_z + bh_z, x2 = p_n, x3 = bh_n (r multiplies W_hn h + b_hn, as in
 * torch); LSTM xj = p_j + bh_j; HGRN (0.12.0; G = 3, columns za, zc, zg as
 * tools/lm/models.py's W_ih gives them; @p b_hh an extra bias or NULL) xj
 * = p_j + bh_j for j < 3, x3 = 0.
 * Errors: NPE_ERR_INVALID_ARG (NULL proj or x, cell not GRU, LSTM or HGRN, T or
 * H zero, stride below G H), NPE_ERR_RANGE (a NaN or infinite input).
 * Nothing is written on error.
 */
int npe_rnn_records(npe_rnn_cell cell, uint32_t steps, uint32_t hidden, const float *proj,
                    size_t stride, const float *b_hh, int32_t *x /* out */);

/**
 * The row scales of a GRU or LSTM sequence as the engine takes them (API
 * 0.11.0; what npe_rnn() does with npe_rnn_seq.row_scale; host only).
 * @p row_scale holds G H floats (row o = G i + g). The rule, exact: m =
 * max |row_scale[o]|; e = floor(log2 m) (0 when m = 0); q[o] =
 * RNE(row_scale[o] x 2^(30 - e)) (the product exact in double, ties to
 * even; every q lies in (-2^31, 2^31), the largest |q| in [2^30, 2^31));
 * *acc_shift_eff = acc_shift + e. So the largest scale keeps all 24 bits of
 * its float and the mat-vec result enters with e folded into ACC_SHIFT:
 * with integer weight codes (INT8, ternary) P = v x 2^acc_shift_eff is
 * exact while acc_shift_eff >= 0. npe_rnn() with row_scale equals
 * npe_recur_gated_seq() with acc_shift = *acc_shift_eff, scale = q and
 * scale_step = 0, bit for bit.
 * Errors: NPE_ERR_INVALID_ARG (NULL @p row_scale, @p q or @p acc_shift_eff,
 * cell not GRU or LSTM, H zero, acc_shift outside -32..31), NPE_ERR_RANGE
 * (a NaN or infinite scale; acc_shift + e outside -32..31, e.g. every
 * scale below about 2^-63 or one above 2^63 with acc_shift 0). Nothing is
 * written on error.
 */
int npe_rnn_row_scales(npe_rnn_cell cell, uint32_t hidden, const float *row_scale,
                       int32_t acc_shift, int32_t *q /* out: G H */,
                       int32_t *acc_shift_eff /* out */);

/* ------------------------------------------------------------------------ */
/* Statistics                                                                */
/* ------------------------------------------------------------------------ */

/** Activity of the last finished job, from the engine's counters. */
typedef struct npe_stats {
  uint64_t cycles;            /**< busy cycles of the engine */
  uint64_t macs[NPE_FMT_COUNT]; /**< MACs per format (ternary: int8 x ternary) */
  uint64_t peak_macs;         /**< matmul, GRU / LSTM sequence: cycles x rows x cols x
                               *   lanes of the job's format; DIAG sequence: cycles
                               *   (the unit steps at most one element per cycle) */
  double utilisation;         /**< matmul, GRU / LSTM: sum(macs) / peak_macs; DIAG:
                               *   recur_elems / peak_macs, elements per cycle */
  uint64_t gated_lane_cycles; /**< lane-cycles with the lane's clock gated */
  uint64_t stall_dma, stall_spad, stall_out, stall_fence; /**< cycles */
  uint64_t dma_read_bytes, dma_write_bytes;
  uint64_t descriptors;       /**< descriptors the driver submitted */
  double energy_pj;           /**< ESTIMATE from npe_energy_table() */
  double host_seconds;        /**< wall time of the driver call(s) */
  uint32_t hw_error;          /**< STATUS.ERR of a failed job, else 0 */
  uint32_t hw_error_index;    /**< its descriptor */
  uint64_t hw_error_addr;     /**< its address (ERR_ADDR) */
  uint64_t adc_conversions;   /**< NLU column conversions (ADC_CONV counter) */
  uint64_t nlu_column_steps;  /**< their ramp steps: conversions x 2^B */
  uint64_t nlu_table_reads;   /**< threshold-table reads: one per step of each ramp (a ramp converts up to npe_info.nlu_groups groups) */
  uint64_t dma_weight_bytes;  /**< matmul: bytes the DMA read for B (the weights) in
                               *   whole 8-byte beats, over every LOAD of B (B is
                               *   loaded again for each tile of Rows rows of A,
                               *   unless it stays resident: npe_set_b_resident);
                               *   GRU / LSTM: the W_hh LOADs (one per pass) */
  uint32_t sherry;            /**< matmul: 1 if B travelled as Sherry 1.25-bit codes
                               *   (npe_set_sherry), 0 as its own patterns; GRU /
                               *   LSTM: the same for W_hh (ternary, 3:4 sparse) */
  uint64_t recur_elems;       /**< sequence: element steps of the recurrence unit, T x H
                               *   (DIAG multiplies, GRU / LSTM cell updates); counted by
                               *   the driver (no counter); by MODE in recur_mode_elems */
  uint64_t link_bytes;        /**< bytes the driver moved over the host link for the job:
                               *   4 per CSR access, the bytes of every memory access (a
                               *   serial link's frame headers and CRCs not counted) */
  uint64_t link_frames;       /**< the board link's frames (docs/LINK.md) they would take:
                               *   one per CSR access, one per 1 KiB (256 words) of a
                               *   memory access; each is a round trip */
  uint64_t device_cycles;     /**< device clock cycles from submit to the end (sim:
                               *   simulated; 0 when the transport does not know) */
  uint64_t core_cycles;       /**< offload ("sim:?build=soc"): the firmware's cycles, doorbell
                               *   to answer, summed over its requests; else 0 */
  uint32_t requests;          /**< offload: mailbox requests the job took (a job larger
                               *   than the SoC's host window is split); else 0 */
  uint32_t core_irqs;         /**< offload: the engine's interrupts the firmware took
                               *   (it sleeps until one when it waits for the engine),
                               *   summed over its requests; else 0 */
  uint64_t recur_mode_elems[3]; /**< recur_elems by the unit's MODE: [0] DIAG, [1] GRU,
                               *   [2] LSTM (0.10.0) */
  uint64_t recur_cycles;      /**< sequence: the recurrence unit's cycles, the job's
                               *   busy cycles (the unit is clocked throughout); else 0
                               *   (0.10.0). The energy estimate prices these and
                               *   recur_mode_elems with the unit's gate-level figures */
  uint64_t recur_hgrn_elems;  /**< sequence: HGRN element steps (0.12.0; not in
                               *   recur_mode_elems, which has room for MODE 0..2);
                               *   priced at the GRU step's figure (recur_gru_elem:
                               *   an upper bound, not measured for HGRN) */
} npe_stats;

/** Copies the statistics of the last job. Errors: NPE_ERR_INVALID_ARG,
 *  NPE_ERR_STATE (no job has finished yet). */
int npe_last_stats(npe_dev *dev, npe_stats *stats /* out */);

/* The energy table behind npe_stats.energy_pj, npe_energy_table() and
 * npe_energy_find(), is declared in npe_energy.h (models/energy), included
 * above: part of this API. */

#ifdef __cplusplus
}
#endif

#endif /* NPE_H */
