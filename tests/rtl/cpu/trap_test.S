# SPDX-License-Identifier: Apache-2.0
# trap_test: npe_rv32_core's traps, CSRs and external interrupt, self-checking
# (qemu-user runs no machine-mode code, so this runs on tb_cpu only). Exit
# status 0 on success, else the number of the failing check. The bench raises
# irq_i while the data of the last store to 0xf0000000 has bit 0 set.
  .section .text.start
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li s3, 0                      # traps taken

  .macro expect reg, val, num
  li t5, \val
  li a0, \num
  bne \reg, t5, fail
  .endm
  .macro expect_addr reg, sym, num
  la t5, \sym
  li a0, \num
  bne \reg, t5, fail
  .endm

  # 1-2: illegal instruction (all zeros)
t_ill:
  .word 0
  expect s1, 2, 1
  expect_addr s2, t_ill, 2
  # 3: EBREAK
  ebreak
  expect s1, 3, 3
  # 4: ECALL that is not a system call of the bench
  li a7, 0
  ecall
  expect s1, 11, 4
  # 5-6: misaligned load and store
  la t0, data
  lw t1, 1(t0)
  expect s1, 4, 5
  sh t1, 3(t0)
  expect s1, 6, 6
  # 7-8: jump to a misaligned target: cause 0, mepc = the jump
  la t0, 1f
  addi t0, t0, 2
t_jmp:
  jr t0
1:
  expect s1, 0, 7
  expect_addr s2, t_jmp, 8
  # 9-10: unknown CSR; a write to a read-only one
  csrr t0, 0x7c0
  expect s1, 2, 9
  li s1, 0
  csrw cycle, t0
  expect s1, 2, 10
  # 11-13: mscratch, misa, mstatus.MPP
  li t0, 0x5a5a1234
  csrw mscratch, t0
  csrr t1, mscratch
  expect t1, 0x5a5a1234, 11
  csrr t1, misa
  expect t1, 0x40001100, 12
  csrr t1, mstatus
  li t2, 0x1800
  and t1, t1, t2
  expect t1, 0x1800, 13
  # 14: the counters move, and no trap so far beyond the 8 above
  csrr t0, cycle
  csrr t1, instret
  csrr t2, cycle
  sltu t3, t0, t2
  expect t3, 1, 14
  expect s3, 8, 15
  # 16: an interrupt stays pending while mstatus.MIE is clear
  li t0, 0x800
  csrw mie, t0
  li t6, 0xf0000000
  li t0, 1
  sw t0, 0(t6)
  nop
  nop
  nop
  expect s3, 8, 16
  csrr t0, mip
  expect t0, 0x800, 17
  # 18-20: enabled, it is taken (mcause 0x8000000b) and the handler lowers it
  csrsi mstatus, 8
  nop
  nop
  nop
  expect s3, 9, 18
  expect s1, 0x8000000b, 19
  csrr t0, mstatus
  andi t0, t0, 8
  expect t0, 8, 20              # MRET restored MIE
  # 21: an interrupt during a divide and a load
  li t6, 0xf0000000
  li t0, 1
  li t1, 7
  sw t0, 0(t6)
  div t2, t1, t0
  la t3, data
  lw t3, 0(t3)
  expect s3, 10, 21
  expect t2, 7, 22
  # pass
  la a1, msg
  li a0, 1
  li a2, 16
  li a7, 64
  ecall
  li a0, 0
fail:
  li a7, 93
  ecall

handler:
  csrr s1, mcause
  csrr s2, mepc
  addi s3, s3, 1
  bltz s1, 1f
  addi t6, s2, 4                # an exception: skip the instruction
  csrw mepc, t6
  mret
1:
  li t6, 0xf0000000             # the interrupt: lower the line
  sw zero, 0(t6)
  mret

  .data
  .align 4
data: .word 0x11223344, 0x55667788
msg:  .ascii "trap test: pass\n"
