/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job_layout.h - what gen_engine_job, bench_sim_speed and
 * tb_npe_top_icarus.sv agree on: where device memory starts, how large the
 * testbench memory is, and the engine shape the job is tiled for (the
 * default build of npe_top). tb_npe_top_icarus.sv repeats the first two as
 * MemBase and MemWords.
 */
#ifndef NPE_TEST_JOB_LAYOUT_H
#define NPE_TEST_JOB_LAYOUT_H

#define JOB_MEM_BASE 0x80000000ull /* device address of memory word 0 */
#define JOB_MEM_BYTES (1u << 20)   /* the testbench memory and the DMA window */

#define JOB_HW_ROWS 4
#define JOB_HW_COLS 2
#define JOB_HW_A_BANK_WORDS 1024
#define JOB_HW_B_BANK_WORDS 2048
#define JOB_HW_OUT_GROUPS 32

#endif /* NPE_TEST_JOB_LAYOUT_H */
