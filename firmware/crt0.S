/* SPDX-License-Identifier: Apache-2.0 */
/* firmware/crt0.S - the firmware's entry: the stack, bss cleared, main(),
   then exit with main's return value (npe_fw_exit). */
  .section .text.start
  .globl _start
_start:
  la   sp, __stack_top
  la   t0, __bss_start
  la   t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw   zero, 0(t0)
  addi t0, t0, 4
  j    1b
2:
  call main
  call npe_fw_exit
3:
  j    3b
