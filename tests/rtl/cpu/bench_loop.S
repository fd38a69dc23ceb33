# SPDX-License-Identifier: Apache-2.0
# bench_loop: the hot loop of a firmware copy/checksum (load, add, shift,
# store, pointer and count updates, branch), 2000 iterations, for
# make cpu-bench (BENCH cpu_cpi_loop). Runs on qemu-riscv32 and tb_cpu alike.
  .section .text.start
  .globl _start
_start:
  la a1, src
  la a2, dst
  li a3, 2000
  li a4, 0
1:
  lw t0, 0(a1)
  add a4, a4, t0
  slli t1, a4, 1
  sw t1, 0(a2)
  addi a1, a1, 4
  addi a2, a2, 4
  addi a3, a3, -1
  bnez a3, 1b
  andi a0, a4, 0
  li a7, 93
  ecall
  .data
  .align 4
src: .space 8000
dst: .space 8000
