// SPDX-License-Identifier: Apache-2.0
// npe_pkg_check_tb: drives npe_pkg_check with its probe record under Icarus
// and fails unless ok_o holds. Not part of the engine.
module npe_pkg_check_tb;
  logic [npe_pkg::DescBits-1:0] desc;
  logic [15:0] m;
  logic [63:0] addr_a;
  logic [2:0]  lanes;
  logic [4:0]  bits;
  logic [1:0]  host_bytes;
  logic        irq, rsvd, ok;

  npe_pkg_check u_check (
    .desc_i (desc), .m_o (m), .addr_a_o (addr_a), .irq_o (irq), .rsvd_o (rsvd),
    .lanes_o (lanes), .bits_o (bits), .host_bytes_o (host_bytes), .ok_o (ok)
  );

  initial begin
    for (int i = 0; i < npe_pkg::DescSizeBytes; i++) desc[8*i +: 8] = 8'(i);
    #1;
    if (!ok || m != 16'h0908 || lanes != 3'd2) begin
      $display("npe_pkg_check_tb: FAIL m=%h addr_a=%h irq=%b rsvd=%b lanes=%d bits=%d bytes=%d",
               m, addr_a, irq, rsvd, lanes, bits, host_bytes);
      $fatal(1);
    end
    desc = '0;
    #1;
    if (!ok || rsvd || lanes != 3'd4) begin
      $display("npe_pkg_check_tb: FAIL on the zero record");
      $fatal(1);
    end
    $display("npe_pkg_check_tb: PASS");
    $finish;
  end
endmodule
