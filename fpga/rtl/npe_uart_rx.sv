// SPDX-License-Identifier: Apache-2.0
// npe_uart_rx: 8N1 UART receiver. The line is synchronised, a start bit is
// taken on its falling edge and every bit is sampled in its middle;
// byte_valid_o pulses for one cycle with each byte whose stop bit is high
// (a framing error drops the byte).
module npe_uart_rx #(
  parameter int ClkDiv = 104  // clock cycles per bit (12 MHz / 115200 baud = 104)
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       rx_i,
  output logic       byte_valid_o,
  output logic [7:0] byte_o
);

  localparam int CntBits = $clog2(ClkDiv + 1);

  typedef enum logic [1:0] {StIdle, StStart, StData, StStop} state_e;

  state_e             state_q, state_d;
  logic [2:0]         sync_q;           // two synchroniser stages, then the last sample
  logic [CntBits-1:0] cnt_q, cnt_d;
  logic [2:0]         bit_q, bit_d;
  logic [7:0]         shift_q, shift_d;
  logic               valid_q, valid_d;
  logic               rx;

  assign rx = sync_q[1];

  always_comb begin
    state_d = state_q;
    cnt_d   = cnt_q;
    bit_d   = bit_q;
    shift_d = shift_q;
    valid_d = 1'b0;
    unique case (state_q)
      // Line idle (high): a falling edge starts a byte.
      StIdle: begin
        if (sync_q[2] && !rx) begin
          state_d = StStart;
          cnt_d   = CntBits'(ClkDiv / 2);
        end
      end
      // Middle of the start bit: still low, or it was a glitch.
      StStart: begin
        if (cnt_q == '0) begin
          if (rx) state_d = StIdle;
          else    state_d = StData;
          cnt_d   = CntBits'(ClkDiv - 1);
          bit_d   = 3'd0;
        end else begin
          cnt_d = cnt_q - 1'b1;
        end
      end
      // Middle of each data bit, LSB first.
      StData: begin
        if (cnt_q == '0) begin
          shift_d = {rx, shift_q[7:1]};
          cnt_d   = CntBits'(ClkDiv - 1);
          bit_d   = bit_q + 3'd1;
          if (bit_q == 3'd7) state_d = StStop;
        end else begin
          cnt_d = cnt_q - 1'b1;
        end
      end
      // Middle of the stop bit: a byte if it is high.
      StStop: begin
        if (cnt_q == '0) begin
          valid_d = rx;
          state_d = StIdle;
        end else begin
          cnt_d = cnt_q - 1'b1;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      sync_q  <= 3'b111;
      cnt_q   <= '0;
      bit_q   <= '0;
      shift_q <= '0;
      valid_q <= 1'b0;
    end else begin
      state_q <= state_d;
      sync_q  <= {sync_q[1:0], rx_i};
      cnt_q   <= cnt_d;
      bit_q   <= bit_d;
      shift_q <= shift_d;
      valid_q <= valid_d;
    end
  end

  assign byte_valid_o = valid_q;
  assign byte_o       = shift_q;

endmodule
