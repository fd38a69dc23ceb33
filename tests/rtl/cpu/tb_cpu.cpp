// SPDX-License-Identifier: Apache-2.0
// tb_cpu: npe_rv32_core (Verilated) running a static RV32 ELF from a flat
// memory model, with the two Linux system calls the ISA tests use, so the
// same ELF runs here and on qemu-riscv32 and their outputs are compared
// byte for byte (tools/cpu/run_isa_tests.py, docs/CPU.md):
//
//   ECALL a7=64  write(a0=fd, a1=buf, a2=len): fd 1 -> stdout, 2 -> stderr
//   ECALL a7=93  exit(a0): the simulation ends with that exit status
//
// The core takes every ECALL as a trap; the bench reads a0..a7 from a shadow
// register file kept from the retire trace, does the call, and the small
// handler it places at mtvec's reset value returns to mepc + 4.
//
//   tb_cpu [+stall=PCT] [+seed=N] [+max_cycles=N] [+stats] prog.elf
//
// +stall: withhold ready on PCT percent of the cycles (random wait states).
// A store to 0xf000_0000 sets the interrupt line to bit 0 of the data (the
// trap test's doorbell). Exit status: the program's, or 124 on timeout,
// 125 on a bus error (an access outside memory), 126 on a bad ELF.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "Vnpe_rv32_core.h"
#include "verilated.h"

namespace {

constexpr uint32_t kMemBytes   = 4u << 20;          // 0 .. 4 MiB
constexpr uint32_t kMtvecReset = 0x100;             // matches the Verilated parameter
constexpr uint32_t kIrqAddr    = 0xf0000000u;

// csrrw t0,mscratch,t0; csrr t0,mepc; addi t0,t0,4; csrw mepc,t0;
// csrrw t0,mscratch,t0; mret
const uint32_t kHandler[] = {0x340292f3, 0x341022f3, 0x00428293, 0x34129073,
                             0x340292f3, 0x30200073};

struct Elf32Hdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version, entry, phoff, shoff, flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Elf32Phdr {
  uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

bool load_elf(const char *path, std::vector<uint8_t> &mem, uint32_t &entry) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::vector<uint8_t> img((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (img.size() < sizeof(Elf32Hdr)) return false;
  Elf32Hdr h;
  std::memcpy(&h, img.data(), sizeof h);
  if (std::memcmp(h.ident, "\x7f" "ELF", 4) != 0 || h.ident[4] != 1 || h.machine != 243) return false;
  entry = h.entry;
  for (unsigned i = 0; i < h.phnum; i++) {
    Elf32Phdr p;
    size_t off = h.phoff + size_t(i) * h.phentsize;
    if (off + sizeof p > img.size()) return false;
    std::memcpy(&p, img.data() + off, sizeof p);
    if (p.type != 1) continue;  // PT_LOAD
    if (uint64_t(p.vaddr) + p.memsz > kMemBytes || uint64_t(p.offset) + p.filesz > img.size())
      return false;
    std::memcpy(mem.data() + p.vaddr, img.data() + p.offset, p.filesz);
  }
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  Verilated::assertOn(true);
  unsigned stall = 0, seed = 1;
  uint64_t max_cycles = 50000000;
  bool stats = false;
  const char *elf = nullptr;
  for (int i = 1; i < argc; i++) {
    if (!std::strncmp(argv[i], "+stall=", 7)) stall = unsigned(std::atoi(argv[i] + 7));
    else if (!std::strncmp(argv[i], "+seed=", 6)) seed = unsigned(std::atoi(argv[i] + 6));
    else if (!std::strncmp(argv[i], "+max_cycles=", 12)) max_cycles = std::strtoull(argv[i] + 12, nullptr, 0);
    else if (!std::strcmp(argv[i], "+stats")) stats = true;
    else if (argv[i][0] != '+') elf = argv[i];
  }
  if (!elf) {
    std::fprintf(stderr, "usage: tb_cpu [+stall=PCT] [+seed=N] [+max_cycles=N] [+stats] prog.elf\n");
    return 2;
  }
  std::vector<uint8_t> mem(kMemBytes, 0);
  uint32_t entry = 0;
  if (!load_elf(elf, mem, entry)) {
    std::fprintf(stderr, "tb_cpu: %s: not a loadable RV32 ELF\n", elf);
    return 126;
  }
  if (entry != 0x10000) {
    std::fprintf(stderr, "tb_cpu: entry 0x%x, the core boots at 0x10000\n", entry);
    return 126;
  }
  std::memcpy(mem.data() + kMtvecReset, kHandler, sizeof kHandler);

  std::mt19937 rng(seed);
  Vnpe_rv32_core top;
  uint32_t regs[32] = {0};
  uint64_t cycle = 0, retired = 0;
  int status = -1;
  uint8_t irq_next = 0;

  top.clk_i = 0;
  top.rst_ni = 0;
  top.irq_i = 0;
  top.mem_ready_i = 0;
  top.mem_rdata_i = 0;
  top.eval();
  top.clk_i = 1;
  top.eval();
  top.clk_i = 0;
  top.rst_ni = 1;
  top.eval();

  while (status < 0) {
    if (cycle >= max_cycles) {
      std::fprintf(stderr, "tb_cpu: timeout after %llu cycles at pc 0x%08x\n",
                   (unsigned long long)cycle, top.retire_pc_o);
      status = 124;
      break;
    }
    // Memory response for this cycle's request (outputs follow the state)
    bool ready = false, do_write = false, do_irq_write = false;
    uint32_t addr = top.mem_addr_o, rdata = 0;
    if (top.mem_req_o && (stall == 0 || rng() % 100 >= stall)) {
      ready = true;
      if (addr == kIrqAddr && top.mem_we_o) {
        do_irq_write = true;
      } else if (addr >= kMemBytes) {
        std::fprintf(stderr, "tb_cpu: bus error: %s 0x%08x\n", top.mem_we_o ? "store" : "load", addr);
        status = 125;
        break;
      } else if (top.mem_we_o) {
        do_write = true;
      } else {
        std::memcpy(&rdata, mem.data() + (addr & ~3u), 4);
      }
    }
    top.mem_ready_i = ready;
    top.mem_rdata_i = rdata;
    top.eval();

    // Retire trace: shadow registers and the system calls
    if (top.retire_valid_o) {
      if (top.retire_rd_o) regs[top.retire_rd_o] = top.retire_rd_wdata_o;
      if (!top.retire_trap_o) retired++;
      if (top.retire_trap_o && top.retire_insn_o == 0x00000073) {
        uint32_t a0 = regs[10], a1 = regs[11], a2 = regs[12], a7 = regs[17];
        if (a7 == 93) {
          status = int(a0 & 0xff);
        } else if (a7 == 64) {
          if (uint64_t(a1) + a2 > kMemBytes || (a0 != 1 && a0 != 2)) {
            std::fprintf(stderr, "tb_cpu: bad write(%u, 0x%x, %u)\n", a0, a1, a2);
            status = 125;
          } else {
            std::fwrite(mem.data() + a1, 1, a2, a0 == 1 ? stdout : stderr);
          }
        }
      }
    }

    // The store, with the data and strobes held before the edge
    if (do_write || do_irq_write) {
      uint32_t wdata = top.mem_wdata_o, wstrb = top.mem_wstrb_o;
      if (do_irq_write) {
        irq_next = wdata & 1u;
      } else {
        for (unsigned b = 0; b < 4; b++)
          if (wstrb & (1u << b)) mem[(addr & ~3u) + b] = uint8_t(wdata >> (8 * b));
      }
    }
    top.clk_i = 1;
    top.eval();
    top.irq_i = irq_next;  // after the edge: seen from the next cycle
    cycle++;
    top.clk_i = 0;
    top.eval();
  }
  if (stats) {
    std::fprintf(stderr, "tb_cpu: %llu cycles, %llu instructions, CPI %.3f\n",
                 (unsigned long long)cycle, (unsigned long long)retired,
                 retired ? double(cycle) / double(retired) : 0.0);
  }
  std::fflush(stdout);
  top.final();
  return status;
}
