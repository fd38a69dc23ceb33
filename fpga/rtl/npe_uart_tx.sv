// SPDX-License-Identifier: Apache-2.0
// npe_uart_tx: 8N1 UART transmitter with a valid/ready byte input.
module npe_uart_tx #(
  parameter int ClkDiv = 104  // clock cycles per bit
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       byte_valid_i,
  output logic       byte_ready_o,
  input  logic [7:0] byte_i,
  output logic       tx_o
);

  localparam int CntBits = $clog2(ClkDiv + 1);

  // frame_q holds the bits still to send, LSB first (start, 8 data, stop);
  // left_q counts them.
  logic [9:0]         frame_q;
  logic [3:0]         left_q;
  logic [CntBits-1:0] cnt_q;

  assign byte_ready_o = left_q == 4'd0;
  assign tx_o         = left_q == 4'd0 ? 1'b1 : frame_q[0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      frame_q <= '1;
      left_q  <= '0;
      cnt_q   <= '0;
    end else if (left_q == 4'd0) begin
      if (byte_valid_i) begin
        frame_q <= {1'b1, byte_i, 1'b0};
        left_q  <= 4'd10;
        cnt_q   <= CntBits'(ClkDiv - 1);
      end
    end else if (cnt_q == '0) begin
      frame_q <= {1'b1, frame_q[9:1]};
      left_q  <= left_q - 4'd1;
      cnt_q   <= CntBits'(ClkDiv - 1);
    end else begin
      cnt_q <= cnt_q - 1'b1;
    end
  end

endmodule
