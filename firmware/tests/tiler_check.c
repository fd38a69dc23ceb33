/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tiler_check.c - the host driver's tiler (driver/src/npe_tiler.c) and the
 * golden packing it uses, built for the firmware's RV32IM target and for
 * the host from this one source: for engine shapes (the default, the small
 * and the Zynq build), every format pair and output, shapes from 1 x 1 x 1
 * up to scratchpad-sized K, the batch-1 mat-vec, the NLU tail and the
 * recurrence unit's resident weights, it plans, packs random operands and
 * walks the descriptor stream, and prints one line per case: the
 * descriptor count and an FNV-1a hash of the plan's numbers, the packed
 * bytes and every descriptor. make firmware-test runs it on qemu-riscv32
 * and natively and requires the two outputs to be identical, byte for byte:
 * the firmware plans exactly what the host driver plans.
 */
#include <stdint.h>

#include "npe_fw_sys.h"
#include "npe_regs.h"
#include "npe_tiler.h"

static uint64_t h_;
static void hash_bytes(const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++) h_ = (h_ ^ b[i]) * 0x100000001b3ull;
}
static void hash_u64(uint64_t v) {
  for (int i = 0; i < 8; i++, v >>= 8) {
    uint8_t b = (uint8_t)v;
    hash_bytes(&b, 1);
  }
}

static uint64_t rng(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

/* the operands (patterns) and their device images */
#define MAX_ELEMS (64u * 1024u)
static uint8_t a8[MAX_ELEMS], b8[MAX_ELEMS];
static uint16_t a16[MAX_ELEMS], b16[MAX_ELEMS];
static uint8_t img_a[256u * 1024u], img_b[256u * 1024u];

/* n random patterns of f in the array of f's element width */
static npe_pats fill(uint8_t *p8, uint16_t *p16, size_t n, npe_fmt f, uint64_t *s) {
  uint32_t mask = (1u << npe_fmt_bits(f)) - 1;
  for (size_t i = 0; i < n; i++) {
    uint32_t v = (uint32_t)(rng(s) >> 40) & mask;
    if (f == NPE_FMT_TERNARY && v == 3) v = 0; /* 3 is not a ternary code */
    p8[i] = (uint8_t)v, p16[i] = (uint16_t)v;
  }
  return npe_fmt_elem_bytes(f) == 2 ? npe_pats_u16(f, p16) : npe_pats_u8(f, p8);
}

static int fails;

/* One case: plan (with options), pack, stream; one output line. */
static void run(const char *hw_name, const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fo,
                int fp32, uint32_t m, uint32_t n, uint32_t k, int matvec, uint32_t nlu_aux,
                uint64_t seed) {
  npe_mm_plan p;
  h_ = 0xcbf29ce484222325ull;
  int rc = npe_tiler_plan(hw, fa, fb, fo, fp32, m, n, k, 0x1000, 0x100000, 0x800000, &p);
  if (!rc && matvec) rc = npe_tiler_use_matvec(&p);
  if (!rc && nlu_aux) rc = npe_tiler_set_nlu(&p, nlu_aux);
  uint64_t ndesc = 0;
  if (!rc) {
    hash_u64(p.lanes), hash_u64(p.words), hash_u64(p.row_bytes_a), hash_u64(p.row_bytes_b);
    hash_u64(p.ldc), hash_u64(p.nb), hash_u64(p.block_bytes), hash_u64(p.m_tiles);
    hash_u64(p.n_blocks), hash_u64(p.mv_groups), hash_u64(p.mv_row_bytes);
    uint64_t ba = npe_tiler_bytes_a(&p), bb = npe_tiler_bytes_b(&p);
    hash_u64(ba), hash_u64(bb), hash_u64(npe_tiler_bytes_c(&p));
    hash_u64(npe_tiler_c_offset(&p, m - 1, n - 1));
    if ((size_t)m * k <= MAX_ELEMS && (size_t)n * k <= MAX_ELEMS && ba <= sizeof img_a &&
        bb <= sizeof img_b) {
      uint64_t s = seed;
      npe_pats pa = fill(a8, a16, (size_t)m * k, fa, &s);
      npe_pats pb = fill(b8, b16, (size_t)n * k, fb, &s);
      int ra = npe_tiler_pack_a(&p, pa, k, img_a);
      int rb = npe_tiler_pack_b(&p, pb, k, img_b);
      hash_u64((uint64_t)(int64_t)ra), hash_u64((uint64_t)(int64_t)rb);
      if (!ra) hash_bytes(img_a, (size_t)ba);
      if (!rb) hash_bytes(img_b, (size_t)bb);
    }
    npe_tiler_it it = {0, 0, 0, 0};
    uint8_t d[64];
    while (npe_tiler_next(&p, &it, d)) {
      hash_bytes(d, sizeof d);
      ndesc++;
    }
    if (ndesc != npe_tiler_count(&p)) fails++;
  }
  npe_fw_puts(hw_name);
  npe_fw_puts(" ");
  npe_fw_puts(npe_fmt_name(fa));
  npe_fw_puts("x");
  npe_fw_puts(npe_fmt_name(fb));
  npe_fw_puts(fp32 ? "->f32 " : "->");
  if (!fp32) npe_fw_puts(npe_fmt_name(fo)), npe_fw_puts(" ");
  npe_fw_put_u64(m), npe_fw_puts("x"), npe_fw_put_u64(n), npe_fw_puts("x"), npe_fw_put_u64(k);
  npe_fw_puts(matvec ? " matvec" : "");
  npe_fw_puts(nlu_aux ? " nlu" : "");
  npe_fw_puts(": rc ");
  npe_fw_put_u64((uint64_t)(uint32_t)rc);
  npe_fw_puts(" descs ");
  npe_fw_put_u64(ndesc);
  npe_fw_puts(" hash ");
  npe_fw_put_hex64(h_);
  npe_fw_puts("\n");
}

int main(void) {
  static const npe_hw_shape hws[] = {
      {4, 2, 1024, 32768, 32, 1, 1, 1}, /* the default build (resident B) */
      {1, 1, 256, 256, 4, 0, 0, 1},     /* the small (iCE40) build */
      {2, 2, 1024, 4096, 32, 1, 1, 1},  /* the Zynq build */
      {4, 2, 1024, 32768, 32, 1, 1, 0}, /* the default build, B per step */
  };
  static const char *const hw_names[] = {"default", "small", "zynq", "default-per-step"};
  static const npe_fmt pairs[6][2] = {
      {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};
  static const uint32_t shapes[][3] = {{1, 1, 1},   {3, 7, 5},    {4, 2, 64},  {33, 65, 129},
                                       {5, 130, 300}, {130, 3, 17}, {1, 256, 256}, {2, 3, 2048},
                                       {9, 9, 4096}, {3, 5, 20000}};
  uint64_t seed = 1;
  for (unsigned h = 0; h < 4; h++) {
    for (unsigned p = 0; p < 6; p++) {
      for (unsigned s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        npe_fmt fo = (npe_fmt)((s + p) % NPE_FMT_COUNT);
        run(hw_names[h], &hws[h], pairs[p][0], pairs[p][1], fo, (int)((s + p) & 1), shapes[s][0],
            shapes[s][1], shapes[s][2], 0, 0, seed++);
      }
      /* the batch-1 mat-vec, and the NLU tail (B 8, sigmoid: AUX as npe matmul --act sets it) */
      run(hw_names[h], &hws[h], pairs[p][0], pairs[p][1], NPE_FMT_INT8, 1, 1, 200, 96, 1, 0,
          seed++);
      run(hw_names[h], &hws[h], pairs[p][0], pairs[p][1], NPE_FMT_INT8, 0, 20, 40, 64, 0, 0x108,
          seed++);
      /* the recurrence unit's resident weights */
      npe_mm_plan r;
      int rc = npe_tiler_resident_matvec(&hws[h], pairs[p][0], pairs[p][1], 3 * 64, 64, &r);
      npe_fw_puts(hw_names[h]);
      npe_fw_puts(" resident: rc ");
      npe_fw_put_u64((uint64_t)(uint32_t)rc);
      npe_fw_puts(" rows ");
      npe_fw_put_u64(rc ? 0 : npe_tiler_resident_rows(&r));
      npe_fw_puts(" max_k ");
      npe_fw_put_u64(npe_tiler_max_k(&hws[h], pairs[p][0], pairs[p][1]));
      npe_fw_puts("\n");
    }
  }
  npe_fw_puts(fails ? "tiler_check: FAIL: a stream's length is not npe_tiler_count\n"
                    : "tiler_check: done\n");
  return fails ? 1 : 0;
}
