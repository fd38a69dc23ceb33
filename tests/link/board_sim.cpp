// SPDX-License-Identifier: Apache-2.0
// board_sim.cpp - the simulated board of board_sim.h: Vtb_link_board (the
// bridge RTL with its UART) at the bit level, the small engine behind it.
#include "board_sim.h"

#include <deque>
#include <memory>

#include "Vtb_link_board.h"
#include "npe_regs.h"
#include "verilated.h"

#ifndef BOARD_SIM_CLK_DIV
#define BOARD_SIM_CLK_DIV 4
#endif
#ifndef BOARD_SIM_IDLE_CYCLES
#define BOARD_SIM_IDLE_CYCLES 4095
#endif

namespace {

constexpr uint64_t kEngineBatch = 64;  // engine cycles stepped at a time
constexpr uint64_t kMemBytes = 128u << 10;

struct LineByte {
  uint8_t v;
  uint64_t gap;  // idle cycles before it (host to board) / arrival cycle (board to host)
};

}  // namespace

struct board_sim {
  board_sim_config cfg;
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vtb_link_board> top;
  npesim *eng = nullptr;
  uint64_t rng = 0;
  uint64_t cycle = 0, eng_owed = 0;
  board_sim_stats st{};
  // host to board: bytes waiting, the one on the line
  std::deque<LineByte> to_board;
  unsigned tx_bits = 0;        // bits of the current byte left (0: idle)
  uint16_t tx_frame = 0;
  uint64_t tx_left = 0;        // cycles left of this bit or gap
  bool in_gap = false;
  // board to host: the receiver, bytes arrived
  int rx_state = -1;           // -1 idle, else cycles since the start edge
  uint16_t rx_shift = 0;
  int prev_tx = 1;
  uint64_t last_tx_edge = 0;
  std::deque<LineByte> to_host;  // gap = cycle from which the host sees it
  // AXI4-Lite and memory port
  bool aw_done = false, w_done = false;
  uint32_t aw_addr = 0, w_data = 0;
  bool mem_acked = false;
  // the engine steps while it may be busy: from a CSR write until STATUS
  // says idle (an idle engine's cycles change nothing but its counters)
  bool eng_awake = true;
  uint64_t eng_batches = 0;
};

static uint64_t next_rand(board_sim *b) {
  b->rng ^= b->rng << 13;
  b->rng ^= b->rng >> 7;
  b->rng ^= b->rng << 17;
  return b->rng;
}

static double unit_rand(board_sim *b) { return (double)(next_rand(b) >> 11) * (1.0 / 9007199254740992.0); }

unsigned board_sim_clk_div(void) { return BOARD_SIM_CLK_DIV; }
unsigned board_sim_idle_cycles(void) { return BOARD_SIM_IDLE_CYCLES; }

int board_sim_create(const board_sim_config *c, board_sim **out) {
  auto *b = new board_sim;
  b->cfg = *c;
  if (!b->cfg.clk_mhz) b->cfg.clk_mhz = 12;
  if (!b->cfg.delay_max) b->cfg.delay_max = 2 * BOARD_SIM_IDLE_CYCLES;
  b->rng = c->seed ? c->seed : 0x9e3779b97f4a7c15ull;
  b->ctx = std::make_unique<VerilatedContext>();
  b->ctx->randReset(2);
  b->top = std::make_unique<Vtb_link_board>(b->ctx.get(), "board");
  npesim_config ec{};
  ec.seed = 1;
  ec.mem_base = 0;
  ec.mem_size = kMemBytes;
  ec.build = NPESIM_BUILD_SMALL;
  if (npesim_create(&ec, &b->eng)) {
    delete b;
    return -1;
  }
  Vtb_link_board *t = b->top.get();
  t->rx_i = 1;
  t->m_axil_awready = 1;
  t->m_axil_wready = 1;
  t->m_axil_arready = 1;
  t->m_axil_bvalid = 0;
  t->m_axil_rvalid = 0;
  t->mem_ack_i = 0;
  t->rst_ni = 0;
  for (int i = 0; i < 4; i++) {
    t->clk_i = 0;
    t->eval();
    t->clk_i = 1;
    t->eval();
  }
  t->rst_ni = 1;
  t->clk_i = 0;
  t->eval();
  *out = b;
  return 0;
}

void board_sim_destroy(board_sim *b) {
  if (!b) return;
  b->top->final();
  npesim_destroy(b->eng);
  delete b;
}

npesim *board_sim_engine(board_sim *b) { return b->eng; }

void board_sim_set_faults(board_sim *b, double drop, double corrupt, double delay) {
  b->cfg.drop = drop;
  b->cfg.corrupt = corrupt;
  b->cfg.delay = delay;
}

// A fault for one byte: 0 none, 1 drop, 2 corrupt (*v changed); *delay set
// for a delayed one.
static int fault(board_sim *b, uint8_t *v, uint64_t *delay) {
  *delay = 0;
  double r = unit_rand(b);
  if (r < b->cfg.drop) {
    b->st.dropped++;
    return 1;
  }
  if (r < b->cfg.drop + b->cfg.corrupt) {
    *v ^= (uint8_t)(1 + next_rand(b) % 255);
    b->st.corrupted++;
  }
  if (unit_rand(b) < b->cfg.delay) {
    *delay = 1 + next_rand(b) % b->cfg.delay_max;
    b->st.delayed++;
  }
  return 0;
}

void board_sim_host_write(board_sim *b, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t v = p[i];
    uint64_t delay;
    if (fault(b, &v, &delay) == 1) continue;
    b->to_board.push_back({v, delay});
  }
}

size_t board_sim_host_read(board_sim *b, uint8_t *p, size_t cap) {
  size_t n = 0;
  while (n < cap && !b->to_host.empty() && b->to_host.front().gap <= b->cycle) {
    p[n++] = b->to_host.front().v;
    b->to_host.pop_front();
  }
  return n;
}

void board_sim_host_flush(board_sim *b) {
  while (!b->to_host.empty() && b->to_host.front().gap <= b->cycle) b->to_host.pop_front();
}

// One board cycle: the serial lines, the CSR and memory ports, the clock.
static void cycle(board_sim *b) {
  Vtb_link_board *t = b->top.get();
  const uint64_t div = BOARD_SIM_CLK_DIV;
  // --- the line to the board
  if (!b->tx_bits && !b->in_gap && !b->to_board.empty()) {
    LineByte lb = b->to_board.front();
    b->to_board.pop_front();
    b->tx_frame = (uint16_t)(0x200u | (unsigned)lb.v << 1);  // start 0, data, stop 1
    b->tx_bits = 10;
    b->tx_left = div;
    if (lb.gap) {
      b->in_gap = true;
      b->tx_left = lb.gap;
    }
    b->st.bytes_to_board++;
  }
  if (b->in_gap) {
    t->rx_i = 1;
    if (--b->tx_left == 0) {
      b->in_gap = false;
      b->tx_left = div;
    }
  } else if (b->tx_bits) {
    t->rx_i = b->tx_frame & 1u;
    if (--b->tx_left == 0) {
      b->tx_frame >>= 1;
      b->tx_bits--;
      b->tx_left = div;
    }
  } else {
    t->rx_i = 1;
  }
  // --- the line from the board: sampled in the middle of each bit
  const int txo = t->tx_o;
  if (txo != b->prev_tx) b->last_tx_edge = b->cycle;
  if (b->rx_state < 0) {
    if (b->prev_tx && !txo) b->rx_state = 0;
  } else {
    b->rx_state++;
    const int half = (int)div / 2, d = (int)div;
    if (b->rx_state >= half + d && (b->rx_state - half) % d == 0) {
      int bit = (b->rx_state - half) / d;  // 1..8 data, 9 stop
      if (bit <= 8) {
        b->rx_shift = (uint16_t)((b->rx_shift >> 1) | (txo ? 0x80u : 0u));
      } else {
        b->rx_state = -1;
        if (txo) {
          uint8_t v = (uint8_t)b->rx_shift;
          uint64_t delay;
          b->st.bytes_to_host++;
          if (fault(b, &v, &delay) != 1) {
            uint64_t at = b->cycle + delay;
            if (!b->to_host.empty() && b->to_host.back().gap > at) at = b->to_host.back().gap;
            b->to_host.push_back({v, at});
          }
        }
      }
    }
  }
  b->prev_tx = txo;
  // --- CSRs (AXI4-Lite slave, always ready; the engine answers at once)
  bool aw_fire = t->m_axil_awvalid && t->m_axil_awready;
  bool w_fire = t->m_axil_wvalid && t->m_axil_wready;
  bool b_fire = t->m_axil_bvalid && t->m_axil_bready;
  bool ar_fire = t->m_axil_arvalid && t->m_axil_arready;
  bool r_fire = t->m_axil_rvalid && t->m_axil_rready;
  uint32_t aw_addr = t->m_axil_awaddr, w_data = t->m_axil_wdata, ar_addr = t->m_axil_araddr;
  // --- memory port (one cycle per word)
  bool mem_fire = t->mem_req_o && !b->mem_acked;
  bool mem_we = t->mem_we_o;
  uint32_t mem_addr = t->mem_addr_o, mem_wdata = t->mem_wdata_o;
  // --- the clock edge
  t->clk_i = 1;
  t->eval();
  t->clk_i = 0;
  t->eval();
  b->cycle++;
  if (b->mem_acked) {
    t->mem_ack_i = 0;
    b->mem_acked = false;
  } else if (mem_fire) {
    uint32_t v = 0;
    if ((uint64_t)mem_addr + 4 <= kMemBytes) {
      if (mem_we) {
        npesim_mem_write(b->eng, mem_addr, &mem_wdata, 4);
        b->st.mem_words_written++;
      } else {
        npesim_mem_read(b->eng, mem_addr, &v, 4);
        b->st.mem_words_read++;
      }
    }
    t->mem_rdata_i = v;
    t->mem_ack_i = 1;
    b->mem_acked = true;
  }
  if (b_fire) t->m_axil_bvalid = 0;
  if (r_fire) t->m_axil_rvalid = 0;
  if (aw_fire) b->aw_done = true, b->aw_addr = aw_addr;
  if (w_fire) b->w_done = true, b->w_data = w_data;
  if (b->aw_done && b->w_done) {
    b->aw_done = b->w_done = false;
    int rc = npesim_csr_write(b->eng, b->aw_addr, b->w_data);
    b->st.csr_writes++;
    b->eng_awake = true;
    t->m_axil_bresp = rc ? 2 : 0;
    t->m_axil_bvalid = 1;
  }
  if (ar_fire) {
    uint32_t v = 0;
    int rc = npesim_csr_read(b->eng, ar_addr, &v);
    b->st.csr_reads++;
    t->m_axil_rdata = v;
    t->m_axil_rresp = rc ? 2 : 0;
    t->m_axil_rvalid = 1;
  }
  t->eval();
  // --- the engine runs beside
  if (++b->eng_owed == kEngineBatch) {
    b->eng_owed = 0;
    if (b->eng_awake) {
      npesim_step(b->eng, kEngineBatch);
      uint32_t status = 0;
      if (++b->eng_batches % 16 == 0 && !npesim_csr_read(b->eng, NPE_STATUS_REG_OFFSET, &status) &&
          !(status & (1u << NPE_STATUS_BUSY_BIT)))
        b->eng_awake = false;
    }
  }
}

void board_sim_run(board_sim *b, uint64_t cycles) {
  for (uint64_t i = 0; i < cycles; i++) cycle(b);
}

int board_sim_run_until_rx(board_sim *b, uint64_t max_cycles) {
  for (uint64_t i = 0; i < max_cycles; i++) {
    if (!b->to_host.empty() && b->to_host.front().gap <= b->cycle) return 1;
    cycle(b);
  }
  return !b->to_host.empty() && b->to_host.front().gap <= b->cycle;
}

void board_sim_run_until_quiet(board_sim *b, uint64_t max_cycles) {
  const uint64_t quiet = BOARD_SIM_IDLE_CYCLES + 40ull * BOARD_SIM_CLK_DIV;
  for (uint64_t i = 0; i < max_cycles; i++) {
    if (b->to_board.empty() && !b->tx_bits && !b->in_gap && b->rx_state < 0 &&
        b->cycle - b->last_tx_edge > quiet)
      return;
    cycle(b);
  }
}

uint64_t board_sim_cycles(const board_sim *b) { return b->cycle; }

void board_sim_get_stats(const board_sim *b, board_sim_stats *s) {
  *s = b->st;
  s->cycles = b->cycle;
}
