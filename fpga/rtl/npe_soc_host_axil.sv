// SPDX-License-Identifier: Apache-2.0
// npe_soc_host_axil: an AXI4-Lite slave onto npe_soc's host port (the
// protocol of the core's memory port: request held until ready), so a
// processor's bus (the Zynq PS's M_AXI_GP0, fpga/zynq/npe_soc_zynq_top.v)
// is the SoC's host. The slave's window is 2 x RamBytes:
//
//   0 .. RamBytes-1                   the SoC's RAM (host address = offset)
//   RamBytes .. RamBytes+0xfff        the mailbox (host address 0x4001_0000 + offset[11:0])
//   anything else                     DECERR (reads 0), the host port not touched
//
// One transaction at a time. AW and W are taken as they come and held until
// both are there; a pending write and a pending read alternate, so neither
// starves. A write with no strobes is answered OKAY without a host access.
// The host port's request and its fields hold until h_ready_i; the read data
// is taken in that cycle. B and R hold until the master takes them.
module npe_soc_host_axil #(
  parameter int RamBytes  = 131072,  // npe_soc's RamBytes (power of 2, >= 8 KiB)
  parameter int AddrWidth = 18       // slave address bits, $clog2(RamBytes) + 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // AXI4-Lite slave
  input  logic [AddrWidth-1:0] s_axil_awaddr,
  input  logic [2:0]           s_axil_awprot,
  input  logic                 s_axil_awvalid,
  output logic                 s_axil_awready,
  input  logic [31:0]          s_axil_wdata,
  input  logic [3:0]           s_axil_wstrb,
  input  logic                 s_axil_wvalid,
  output logic                 s_axil_wready,
  output logic [1:0]           s_axil_bresp,
  output logic                 s_axil_bvalid,
  input  logic                 s_axil_bready,
  input  logic [AddrWidth-1:0] s_axil_araddr,
  input  logic [2:0]           s_axil_arprot,
  input  logic                 s_axil_arvalid,
  output logic                 s_axil_arready,
  output logic [31:0]          s_axil_rdata,
  output logic [1:0]           s_axil_rresp,
  output logic                 s_axil_rvalid,
  input  logic                 s_axil_rready,

  // npe_soc's host port
  output logic                 h_req_o,
  output logic                 h_we_o,
  output logic [31:0]          h_addr_o,
  output logic [31:0]          h_wdata_o,
  output logic [3:0]           h_wstrb_o,
  input  logic [31:0]          h_rdata_i,
  input  logic                 h_ready_i
);
  localparam int RamAW = $clog2(RamBytes);
  localparam logic [1:0]  RespOkay   = 2'b00;
  localparam logic [1:0]  RespDecerr = 2'b11;
  localparam logic [31:0] MboxBase   = 32'h4001_0000;


  typedef enum logic [2:0] {
    StIdle,   // waiting for a whole write or a read address
    StWrite,  // the host port's write, until h_ready_i
    StRead,   // the host port's read, until h_ready_i
    StBResp,  // B held until bready
    StRResp   // R held until rready
  } state_e;

  state_e               state_q, state_d;
  logic                 aw_held_q, aw_held_d, w_held_q, w_held_d;
  logic [AddrWidth-1:0] awaddr_q, awaddr_d;
  logic [31:0]          wdata_q, wdata_d;
  logic [3:0]           wstrb_q, wstrb_d;
  logic                 prefer_rd_q, prefer_rd_d;
  logic [31:0]          haddr_q, haddr_d;     // the host address of the access
  logic [31:0]          rdata_q, rdata_d;
  logic [1:0]           resp_q, resp_d;

  logic aw_hs, w_hs, wr_go, rd_go;

  // The window: the RAM, the mailbox's 4 KiB, or nothing; the host address
  logic        aw_in, ar_in;
  logic [31:0] aw_haddr, ar_haddr;
  assign aw_in    = !awaddr_q[RamAW] || awaddr_q[RamAW-1:12] == '0;
  assign ar_in    = !s_axil_araddr[RamAW] || s_axil_araddr[RamAW-1:12] == '0;
  assign aw_haddr = awaddr_q[RamAW] ? (MboxBase | {20'd0, awaddr_q[11:2], 2'b00})
                                    : {{(32-RamAW){1'b0}}, awaddr_q[RamAW-1:2], 2'b00};
  assign ar_haddr = s_axil_araddr[RamAW] ? (MboxBase | {20'd0, s_axil_araddr[11:2], 2'b00})
                                         : {{(32-RamAW){1'b0}}, s_axil_araddr[RamAW-1:2], 2'b00};

  // AW and W, each taken as it comes and held until used; W not while the
  // host port's write is out (its data and strobes are that write's)
  assign s_axil_awready = !aw_held_q;
  assign s_axil_wready  = !w_held_q && (state_q != StWrite);
  assign aw_hs = s_axil_awvalid && s_axil_awready;
  assign w_hs  = s_axil_wvalid && s_axil_wready;

  // A whole write goes first unless a read waits and it is the read's turn.
  assign wr_go = (state_q == StIdle) && aw_held_q && w_held_q && !(s_axil_arvalid && prefer_rd_q);
  assign rd_go = (state_q == StIdle) && !wr_go && s_axil_arvalid;
  assign s_axil_arready = rd_go;

  always_comb begin
    state_d     = state_q;
    aw_held_d   = aw_held_q;
    w_held_d    = w_held_q;
    awaddr_d    = awaddr_q;
    wdata_d     = wdata_q;
    wstrb_d     = wstrb_q;
    prefer_rd_d = prefer_rd_q;
    haddr_d     = haddr_q;
    rdata_d     = rdata_q;
    resp_d      = resp_q;
    if (aw_hs) begin
      aw_held_d = 1'b1;
      awaddr_d  = s_axil_awaddr;
    end
    if (w_hs) begin
      w_held_d = 1'b1;
      wdata_d  = s_axil_wdata;
      wstrb_d  = s_axil_wstrb;
    end
    case (state_q)
      StIdle: begin
        if (wr_go) begin
          aw_held_d   = 1'b0;
          w_held_d    = 1'b0;
          prefer_rd_d = 1'b1;
          haddr_d     = aw_haddr;
          resp_d      = aw_in ? RespOkay : RespDecerr;
          // outside the window, or nothing to write: answered at once
          if (aw_in && wstrb_q != 4'h0) state_d = StWrite;
          else state_d = StBResp;
        end else if (rd_go) begin
          prefer_rd_d = 1'b0;
          haddr_d     = ar_haddr;
          rdata_d     = 32'd0;
          if (ar_in) begin
            resp_d  = RespOkay;
            state_d = StRead;
          end else begin
            resp_d  = RespDecerr;
            state_d = StRResp;
          end
        end
      end
      StWrite: if (h_ready_i) state_d = StBResp;
      StRead: begin
        if (h_ready_i) begin
          rdata_d = h_rdata_i;
          state_d = StRResp;
        end
      end
      StBResp: if (s_axil_bready) state_d = StIdle;
      StRResp: if (s_axil_rready) state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      aw_held_q   <= 1'b0;
      w_held_q    <= 1'b0;
      awaddr_q    <= '0;
      wdata_q     <= '0;
      wstrb_q     <= '0;
      prefer_rd_q <= 1'b0;
      haddr_q     <= '0;
      rdata_q     <= '0;
      resp_q      <= RespOkay;
    end else begin
      state_q     <= state_d;
      aw_held_q   <= aw_held_d;
      w_held_q    <= w_held_d;
      awaddr_q    <= awaddr_d;
      wdata_q     <= wdata_d;
      wstrb_q     <= wstrb_d;
      prefer_rd_q <= prefer_rd_d;
      haddr_q     <= haddr_d;
      rdata_q     <= rdata_d;
      resp_q      <= resp_d;
    end
  end

  // The host port (a write's data and strobes are wdata_q / wstrb_q, which
  // no W replaces in StWrite; a read's are don't-cares, a W may come in)
  assign h_req_o   = (state_q == StWrite) || (state_q == StRead);
  assign h_we_o    = state_q == StWrite;
  assign h_addr_o  = haddr_q;
  assign h_wdata_o = wdata_q;
`ifdef NPE_PLANT_BUG_SOC_HOST_AXIL
  assign h_wstrb_o = 4'hf;  // planted: the byte strobes are lost
`else
  assign h_wstrb_o = wstrb_q;
`endif

  assign s_axil_bvalid = state_q == StBResp;
  assign s_axil_bresp  = resp_q;
  assign s_axil_rvalid = state_q == StRResp;
  assign s_axil_rresp  = resp_q;
  assign s_axil_rdata  = rdata_q;

  // Protection bits mean nothing here; the low address bits pick bytes
  // through the strobes.
  logic unused;
  assign unused = ^{s_axil_awprot, s_axil_arprot, awaddr_q[1:0]};

`ifdef NPE_ASSERT
  initial HostAxilParams: assert (AddrWidth == RamAW + 1 && RamBytes == (1 << RamAW) && RamAW >= 13)
    else $error("npe_soc_host_axil: RamBytes must be a power of 2 >= 8 KiB, AddrWidth $clog2(RamBytes) + 1");
  HostAxilReqHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
    h_req_o && !h_ready_i |=> h_req_o && $stable(h_we_o) && $stable(h_addr_o) &&
                              (!h_we_o || ($stable(h_wdata_o) && $stable(h_wstrb_o))));
  HostAxilBValidStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s_axil_bvalid && !s_axil_bready |=> s_axil_bvalid && $stable(s_axil_bresp));
  HostAxilRValidStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s_axil_rvalid && !s_axil_rready |=> s_axil_rvalid && $stable(s_axil_rdata) &&
                                       $stable(s_axil_rresp));
  HostAxilOneAtATime: assert property (@(posedge clk_i) disable iff (!rst_ni)
    $onehot0({h_req_o, s_axil_bvalid, s_axil_rvalid}));
`endif
endmodule
