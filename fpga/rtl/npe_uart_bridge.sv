// SPDX-License-Identifier: Apache-2.0
// npe_uart_bridge: the host's way into a board build over a UART. Every
// command is one 8-byte frame, little-endian:
//   byte 0     op: 0x01 CSR write, 0x02 CSR read, 0x03 memory write (32 bits),
//                  0x04 memory read (32 bits)
//   bytes 1-3  address: CSR offset, or memory byte address (4-byte aligned)
//   bytes 4-7  data (writes; ignored by reads)
// and gets a status byte back (0x00 done, 0x01 refused: CSR SLVERR/DECERR or
// a memory address outside [0, MemBytes) or unaligned, 0x02 unknown op),
// reads then the 4 data bytes. A frame whose bytes stop arriving for about
// four byte times is dropped, so a host can always resynchronise by waiting.
// CSRs go out on an AXI4-Lite master; memory words on a simple request port.
module npe_uart_bridge #(
  parameter int ClkDiv   = 104,       // clock cycles per UART bit
  parameter int MemBytes = 131072     // memory behind the side port
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // UART bytes
  input  logic        rx_valid_i,
  input  logic [7:0]  rx_byte_i,
  output logic        tx_valid_o,
  input  logic        tx_ready_i,
  output logic [7:0]  tx_byte_o,
  // AXI4-Lite master (CSRs)
  output logic [11:0] m_axil_awaddr,
  output logic        m_axil_awvalid,
  input  logic        m_axil_awready,
  output logic [31:0] m_axil_wdata,
  output logic [3:0]  m_axil_wstrb,
  output logic        m_axil_wvalid,
  input  logic        m_axil_wready,
  input  logic [1:0]  m_axil_bresp,
  input  logic        m_axil_bvalid,
  output logic        m_axil_bready,
  output logic [11:0] m_axil_araddr,
  output logic        m_axil_arvalid,
  input  logic        m_axil_arready,
  input  logic [31:0] m_axil_rdata,
  input  logic [1:0]  m_axil_rresp,
  input  logic        m_axil_rvalid,
  output logic        m_axil_rready,
  // Memory word port: held until mem_ack_i (read data with the ack)
  output logic        mem_req_o,
  output logic        mem_we_o,
  output logic [23:0] mem_addr_o,
  output logic [31:0] mem_wdata_o,
  input  logic        mem_ack_i,
  input  logic [31:0] mem_rdata_i
);

  localparam logic [7:0] OpCsrWrite = 8'h01;
  localparam logic [7:0] OpCsrRead  = 8'h02;
  localparam logic [7:0] OpMemWrite = 8'h03;
  localparam logic [7:0] OpMemRead  = 8'h04;
  localparam logic [7:0] StatOk      = 8'h00;
  localparam logic [7:0] StatRefused = 8'h01;
  localparam logic [7:0] StatBadOp   = 8'h02;
  localparam int TimeoutCycles = ClkDiv * 40;
  localparam int ToBits        = $clog2(TimeoutCycles + 1);

  typedef enum logic [2:0] {StRecv, StExec, StCsrB, StCsrR, StMem, StSend} state_e;

  state_e            state_q, state_d;
  logic [63:0]       frame_q, frame_d;    // byte i in bits 8i +: 8
  logic [2:0]        nbyte_q, nbyte_d;    // bytes of the frame received
  logic [ToBits-1:0] idle_q, idle_d;      // cycles since the frame's last byte
  logic [39:0]       reply_q, reply_d;    // status, then data bytes, LSB first
  logic [2:0]        nreply_q, nreply_d;  // reply bytes left
  logic              addr_done_q, addr_done_d;  // the CSR's AW (write) or AR (read) taken
  logic              w_done_q, w_done_d;

  logic [7:0]  op;
  logic [23:0] addr;
  logic [31:0] data;
  logic        mem_addr_ok;
  assign op          = frame_q[7:0];
  assign addr        = frame_q[31:8];
  assign data        = frame_q[63:32];
  assign mem_addr_ok = addr[1:0] == 2'b00 && 32'(addr) < MemBytes;

  always_comb begin
    state_d   = state_q;
    frame_d   = frame_q;
    nbyte_d   = nbyte_q;
    idle_d    = idle_q;
    reply_d   = reply_q;
    nreply_d  = nreply_q;
    addr_done_d = addr_done_q;
    w_done_d  = w_done_q;
    unique case (state_q)
      // Collecting a frame.
      StRecv: begin
        if (rx_valid_i) begin
          frame_d = (frame_q & ~(64'hff << (8 * nbyte_q))) | (64'(rx_byte_i) << (8 * nbyte_q));
          nbyte_d = nbyte_q + 3'd1;
          idle_d  = '0;
          if (nbyte_q == 3'd7) state_d = StExec;
        end else if (nbyte_q != 3'd0) begin
          if (idle_q == ToBits'(TimeoutCycles)) nbyte_d = 3'd0;
          else idle_d = idle_q + 1'b1;
        end
      end
      // Decoding it.
      StExec: begin
        nbyte_d   = 3'd0;
        addr_done_d = 1'b0;
        w_done_d  = 1'b0;
        unique case (op)
          OpCsrWrite: state_d = StCsrB;
          OpCsrRead:  state_d = StCsrR;
          OpMemWrite, OpMemRead: begin
            if (mem_addr_ok) begin
              state_d = StMem;
            end else begin
              reply_d  = {32'd0, StatRefused};
              nreply_d = op == OpMemRead ? 3'd5 : 3'd1;
              state_d  = StSend;
            end
          end
          default: begin
            reply_d  = {32'd0, StatBadOp};
            nreply_d = 3'd1;
            state_d  = StSend;
          end
        endcase
      end
      // CSR write: address and data (in any order), then the response.
      StCsrB: begin
        if (m_axil_awvalid && m_axil_awready) addr_done_d = 1'b1;
        if (m_axil_wvalid && m_axil_wready)   w_done_d  = 1'b1;
        if (m_axil_bvalid && m_axil_bready) begin
          reply_d  = {32'd0, m_axil_bresp == 2'b00 ? StatOk : StatRefused};
          nreply_d = 3'd1;
          state_d  = StSend;
        end
      end
      // CSR read.
      StCsrR: begin
        if (m_axil_arvalid && m_axil_arready) addr_done_d = 1'b1;
        if (m_axil_rvalid && m_axil_rready) begin
          reply_d  = {m_axil_rdata, m_axil_rresp == 2'b00 ? StatOk : StatRefused};
          nreply_d = 3'd5;
          state_d  = StSend;
        end
      end
      // Memory word.
      StMem: begin
        if (mem_ack_i) begin
          reply_d  = {op == OpMemRead ? mem_rdata_i : 32'd0, StatOk};
          nreply_d = op == OpMemRead ? 3'd5 : 3'd1;
          state_d  = StSend;
        end
      end
      // Reply bytes.
      StSend: begin
        if (tx_ready_i) begin
          reply_d  = {8'd0, reply_q[39:8]};
          nreply_d = nreply_q - 3'd1;
          if (nreply_q == 3'd1) state_d = StRecv;
        end
      end
      default: state_d = StRecv;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StRecv;
      frame_q   <= '0;
      nbyte_q   <= '0;
      idle_q    <= '0;
      reply_q   <= '0;
      nreply_q  <= '0;
      addr_done_q <= 1'b0;
      w_done_q  <= 1'b0;
    end else begin
      state_q   <= state_d;
      frame_q   <= frame_d;
      nbyte_q   <= nbyte_d;
      idle_q    <= idle_d;
      reply_q   <= reply_d;
      nreply_q  <= nreply_d;
      addr_done_q <= addr_done_d;
      w_done_q  <= w_done_d;
    end
  end

  assign tx_valid_o = state_q == StSend;
  assign tx_byte_o  = reply_q[7:0];

  assign m_axil_awaddr  = addr[11:0];
  assign m_axil_awvalid = state_q == StCsrB && !addr_done_q;
  assign m_axil_wdata   = data;
  assign m_axil_wstrb   = 4'hf;
  assign m_axil_wvalid  = state_q == StCsrB && !w_done_q;
  assign m_axil_bready  = state_q == StCsrB && addr_done_q && w_done_q;
  assign m_axil_araddr  = addr[11:0];
  assign m_axil_arvalid = state_q == StCsrR && !addr_done_q;
  assign m_axil_rready  = state_q == StCsrR && addr_done_q;

  assign mem_req_o   = state_q == StMem;
  assign mem_we_o    = op == OpMemWrite;
  assign mem_addr_o  = addr;
  assign mem_wdata_o = data;

endmodule
