// SPDX-License-Identifier: Apache-2.0
// npe_loader: executes LOAD descriptors: reads rows of a tensor from device
// memory through the DMA and writes them into the banks of one scratchpad
// buffer. Row i goes to bank (i mod NumBanks) at word (i div NumBanks) *
// (row bytes / 8). It does not validate the descriptor (npe_cmd does) and
// does not choose the buffer.
module npe_loader #(
  parameter int          MaxBanks     = 4,    // banks of the larger scratchpad
  parameter int          BankAddrBits = 11,   // word address bits of a bank
  parameter int          AddrBits     = 64    // DMA address bits (addresses wrap at 2^AddrBits)
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // Job (held stable from start_i until done_o)
  input  logic                          start_i,
  input  logic                          abort_i,      // finish the current DMA command, then stop
  input  logic [$clog2(MaxBanks+1)-1:0] banks_i,      // banks of the target scratchpad
  input  logic [15:0]                   rows_i,
  input  logic [15:0]                   row_words_i,  // 64-bit words per row
  input  logic [AddrBits-1:0]           addr_i,
  input  logic [31:0]                   stride_i,     // bytes between rows in memory
  output logic                          busy_o,
  output logic                          done_o,       // one-cycle pulse
  output logic [7:0]                    err_o,        // with done_o
  output logic [AddrBits-1:0]           err_addr_o,   // with done_o

  // DMA read command and data
  output logic                          rd_cmd_valid_o,
  input  logic                          rd_cmd_ready_i,
  output logic [AddrBits-1:0]           rd_cmd_addr_o,
  output logic [31:0]                   rd_cmd_len_o,
  input  logic                          rd_data_valid_i,
  input  logic [63:0]                   rd_data_i,
  input  logic                          rd_done_i,
  input  logic [7:0]                    rd_err_i,
  input  logic [AddrBits-1:0]           rd_err_addr_i,

  // Scratchpad write
  output logic                          sp_we_o,
  output logic [$clog2(MaxBanks > 1 ? MaxBanks : 2)-1:0]   sp_bank_o,
  output logic [BankAddrBits-1:0]       sp_addr_o,
  output logic [63:0]                   sp_wdata_o
);

  typedef enum logic [1:0] {StIdle, StCmd, StWait} state_e;

  state_e      state_q, state_d;
  logic        contiguous;
  logic [15:0] cmd_row_q, cmd_row_d;          // next row to request
  logic [AddrBits-1:0] cmd_addr_q, cmd_addr_d;
  logic [7:0]  err_q, err_d;
  logic [AddrBits-1:0] err_addr_q, err_addr_d;
  logic        abort_q, abort_d;
  logic        abort_now;      // abort asked, this job (read by the FSM; not abort_d)
  // write position of the next data beat
  logic [15:0] word_q, word_d;                 // word within the row
  logic [$clog2(MaxBanks > 1 ? MaxBanks : 2)-1:0] bank_q, bank_d;
  logic [BankAddrBits-1:0]     slot_base_q, slot_base_d;

  // Rows packed back to back in memory load with one DMA command.
  assign contiguous = (stride_i == 32'({row_words_i, 3'b000})) || (rows_i == 16'd1);

  assign abort_now = abort_q | abort_i;

  // ---------------------------------------------------------------------------
  // Command FSM
  // ---------------------------------------------------------------------------
  // Outputs come from the state, not from the block below: an output given a
  // default and then overridden glitches in event-driven simulators (Icarus),
  // and the DMA's reply to that glitch would loop back in zero time.
  logic last_done;
  assign last_done = cmd_row_q == rows_i || rd_err_i != 8'd0 || err_q != 8'd0 || abort_now;
  assign rd_cmd_valid_o = state_q == StCmd;
  assign rd_cmd_addr_o  = cmd_addr_q;
  assign rd_cmd_len_o   = contiguous ? 32'(rows_i) * 32'({row_words_i, 3'b000})
                                     : 32'({row_words_i, 3'b000});
  assign done_o         = state_q == StWait && rd_done_i && last_done;

  always_comb begin
    state_d        = state_q;
    cmd_row_d      = cmd_row_q;
    cmd_addr_d     = cmd_addr_q;
    err_d          = err_q;
    err_addr_d     = err_addr_q;
    abort_d        = abort_now;
    unique case (state_q)
      // Waiting for a job.
      StIdle: begin
        if (start_i) begin
          state_d    = StCmd;
          cmd_row_d  = 16'd0;
          cmd_addr_d = addr_i;
          err_d      = 8'd0;
          err_addr_d = '0;
          abort_d    = abort_i;
        end
      end
      // Requesting the DMA read of one row (or of all rows at once).
      StCmd: begin
        if (rd_cmd_ready_i) begin
          state_d    = StWait;
          cmd_row_d  = contiguous ? rows_i : cmd_row_q + 16'd1;
          cmd_addr_d = cmd_addr_q + AddrBits'(stride_i);
        end
      end
      // Waiting for the DMA to finish that command.
      StWait: begin
        if (rd_done_i) begin
          if (rd_err_i != 8'd0 && err_q == 8'd0) begin
            err_d      = rd_err_i;
            err_addr_d = rd_err_addr_i;
          end
          if (last_done) begin
            state_d = StIdle;
          end else begin
            state_d = StCmd;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  assign err_o      = (rd_done_i && rd_err_i != 8'd0 && err_q == 8'd0) ? rd_err_i : err_q;
  assign err_addr_o = (rd_done_i && rd_err_i != 8'd0 && err_q == 8'd0) ? rd_err_addr_i
                                                                       : err_addr_q;
  assign busy_o     = state_q != StIdle;

  // ---------------------------------------------------------------------------
  // Data beats to the scratchpad
  // ---------------------------------------------------------------------------
  assign sp_we_o    = rd_data_valid_i && state_q != StIdle;
  assign sp_bank_o  = bank_q;
  assign sp_addr_o  = slot_base_q + BankAddrBits'(word_q);
  assign sp_wdata_o = rd_data_i;

  always_comb begin
    word_d      = word_q;
    bank_d      = bank_q;
    slot_base_d = slot_base_q;
    if (state_q == StIdle && start_i) begin
      word_d      = 16'd0;
      bank_d      = '0;
      slot_base_d = '0;
    end else if (sp_we_o) begin
      if (word_q + 16'd1 == row_words_i) begin
        word_d = 16'd0;
        if (32'(bank_q) + 32'd1 == 32'(banks_i)) begin
          bank_d      = '0;
          slot_base_d = slot_base_q + BankAddrBits'(row_words_i);
        end else begin
          bank_d = bank_q + 1'b1;
        end
      end else begin
        word_d = word_q + 16'd1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      cmd_row_q   <= '0;
      cmd_addr_q  <= '0;
      err_q       <= '0;
      err_addr_q  <= '0;
      abort_q     <= 1'b0;
      word_q      <= '0;
      bank_q      <= '0;
      slot_base_q <= '0;
    end else begin
      state_q     <= state_d;
      cmd_row_q   <= cmd_row_d;
      cmd_addr_q  <= cmd_addr_d;
      err_q       <= err_d;
      err_addr_q  <= err_addr_d;
      abort_q     <= abort_d;
      word_q      <= word_d;
      bank_q      <= bank_d;
      slot_base_q <= slot_base_d;
    end
  end

  // With AddrBits < 32 the stride's upper bits only matter through the
  // contiguity test (addresses wrap at 2^AddrBits).
  logic unused_stride;
  assign unused_stride = ^stride_i;

endmodule
