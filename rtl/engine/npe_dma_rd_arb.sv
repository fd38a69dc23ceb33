// SPDX-License-Identifier: Apache-2.0
// npe_dma_rd_arb: shares the DMA's read channel between the command
// processor's descriptor fetches (port 0), the loader (port 1) and the
// recurrence unit (port 2). The first to ask owns the channel until its
// command completes (rd_done_i), so a command never switches under a pending
// valid and every beat and done goes back to the port that asked; in a tie
// the loader wins, then the recurrence unit. The recurrence unit and the
// loader (a Sherry LOAD's unpacker) may hold beats back (their ready); the
// descriptor fetches take every beat.
module npe_dma_rd_arb #(
  parameter int AddrBits = 64
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // Port 0: descriptor fetches (npe_cmd)
  input  logic                cmd_valid_i,
  output logic                cmd_ready_o,
  input  logic [AddrBits-1:0] cmd_addr_i,
  input  logic [31:0]         cmd_len_i,
  output logic                cmd_data_valid_o,
  output logic                cmd_done_o,

  // Port 1: the loader
  input  logic                ld_valid_i,
  output logic                ld_ready_o,
  input  logic [AddrBits-1:0] ld_addr_i,
  input  logic [31:0]         ld_len_i,
  output logic                ld_data_valid_o,
  input  logic                ld_data_ready_i,
  output logic                ld_done_o,

  // Port 2: the recurrence unit
  input  logic                rc_valid_i,
  output logic                rc_ready_o,
  input  logic [AddrBits-1:0] rc_addr_i,
  input  logic [31:0]         rc_len_i,
  output logic                rc_data_valid_o,
  input  logic                rc_data_ready_i,
  output logic                rc_done_o,

  // The DMA's read command channel (data, error and address go to all)
  output logic                rd_cmd_valid_o,
  input  logic                rd_cmd_ready_i,
  output logic [AddrBits-1:0] rd_cmd_addr_o,
  output logic [31:0]         rd_cmd_len_o,
  input  logic                rd_data_valid_i,
  output logic                rd_data_ready_o,
  input  logic                rd_done_i
);

  typedef enum logic [1:0] {OwnNone, OwnCmd, OwnLd, OwnRc} owner_e;
  owner_e owner_q, owner_d;
  logic   grant_ld, grant_rc, grant_cmd;

  assign grant_ld  = owner_q == OwnLd  || (owner_q == OwnNone && ld_valid_i);
  assign grant_rc  = owner_q == OwnRc  || (owner_q == OwnNone && !ld_valid_i && rc_valid_i);
  assign grant_cmd = owner_q == OwnCmd ||
                     (owner_q == OwnNone && !ld_valid_i && !rc_valid_i && cmd_valid_i);

  always_comb begin
    owner_d = owner_q;
    unique case (owner_q)
      OwnNone: begin
        if (ld_valid_i)       owner_d = OwnLd;
        else if (rc_valid_i)  owner_d = OwnRc;
        else if (cmd_valid_i) owner_d = OwnCmd;
      end
      OwnCmd, OwnLd, OwnRc: if (rd_done_i) owner_d = OwnNone;
      default: owner_d = OwnNone;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) owner_q <= OwnNone;
    else         owner_q <= owner_d;
  end

  assign rd_cmd_valid_o   = grant_ld ? ld_valid_i : grant_rc ? rc_valid_i : (grant_cmd && cmd_valid_i);
  assign rd_cmd_addr_o    = grant_ld ? ld_addr_i : grant_rc ? rc_addr_i : cmd_addr_i;
  assign rd_cmd_len_o     = grant_ld ? ld_len_i : grant_rc ? rc_len_i : cmd_len_i;
  assign cmd_ready_o      = grant_cmd && rd_cmd_ready_i;
  assign ld_ready_o       = grant_ld && rd_cmd_ready_i;
  assign rc_ready_o       = grant_rc && rd_cmd_ready_i;
  assign rc_data_valid_o  = owner_q == OwnRc && rd_data_valid_i;
  assign rc_done_o        = owner_q == OwnRc && rd_done_i;
  assign rd_data_ready_o  = owner_q == OwnRc ? rc_data_ready_i :
                            owner_q == OwnLd ? ld_data_ready_i : 1'b1;
  assign cmd_data_valid_o = owner_q == OwnCmd && rd_data_valid_i;
  assign cmd_done_o       = owner_q == OwnCmd && rd_done_i;
  assign ld_data_valid_o  = owner_q == OwnLd && rd_data_valid_i;
  assign ld_done_o        = owner_q == OwnLd && rd_done_i;

`ifdef NPE_ASSERT
  // Beats and dones only for a command that was granted.
  RdArbDataHasOwner: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (rd_data_valid_i || rd_done_i) |-> owner_q != OwnNone);
  RdArbOwnerHeldToDone: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (owner_q != OwnNone && !rd_done_i) |=> owner_q == $past(owner_q));
`endif

endmodule
