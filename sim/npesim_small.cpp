// SPDX-License-Identifier: Apache-2.0
// npesim_small.cpp - libnpesim for the small build (npesim_small.h): the
// harness of npesim.cpp compiled once more, against the Verilated model of
// the ENGINE_LITE parameters (Vnpe_top_small), every API name renamed.
#define NPESIM_SMALL_BUILD 1
// NPESIM_ROWS, _COLS, _A_BANK_WORDS, _B_BANK_WORDS, _OUT_GROUPS come from
// ENGINE_LITE on the command line (mk/sim.mk).
#ifndef NPESIM_ROWS
#error "build npesim_small.cpp with the ENGINE_LITE shape (-DNPESIM_ROWS=...)"
#endif
#define npesim npesim_small
#define npesim_create npesim_small_create
#define npesim_destroy npesim_small_destroy
#define npesim_csr_read npesim_small_csr_read
#define npesim_csr_write npesim_small_csr_write
#define npesim_mem_write npesim_small_mem_write
#define npesim_mem_read npesim_small_mem_read
#define npesim_step npesim_small_step
#define npesim_run_until_idle npesim_small_run_until_idle
#define npesim_wait_irq npesim_small_wait_irq
#define npesim_irq npesim_small_irq
#define npesim_cycles npesim_small_cycles
#define npesim_axi_errors npesim_small_axi_errors
#define npesim_inject_error npesim_small_inject_error
#define npesim_get_info npesim_small_get_info
#include "npesim.cpp"
