// SPDX-License-Identifier: Apache-2.0
// tb_nlu_iv: Icarus smoke test of npe_nlu: loads the SiLU B = 4 two-segment
// table written by gen_nlu_vectors, converts 512 inputs (64 conversions of 8
// columns) and compares with the golden codes. Run from the vector directory.
module tb_nlu_iv;
  localparam int NumCols = 8;
  localparam int InWidthBits = 16;
  localparam int MaxBits = 8;

  logic clk = 1'b0, rst_n = 1'b0;
  logic [3:0] cfg_bits;
  logic cfg_two_seg;
  logic [InWidthBits-1:0] cfg_split;
  logic tbl_we = 1'b0;
  logic [MaxBits:0] tbl_addr = '0;
  logic [InWidthBits:0] tbl_wdata = '0;
  logic in_valid = 1'b0, in_ready, out_valid, out_ready = 1'b1, busy, conv_done;
  logic [NumCols*InWidthBits-1:0] in_data = '0;
  logic [NumCols*MaxBits-1:0] out_code;

  logic [InWidthBits:0] table_mem [30];
  logic [15:0] cfg_mem [3];
  logic [InWidthBits-1:0] in_mem [512];
  logic [7:0] want_mem [512];
  integer errors = 0, conv = 0, i, c, t0, lat;

  npe_nlu #(.NumCols(NumCols), .InWidthBits(InWidthBits), .MaxBits(MaxBits)) dut (
    .clk_i(clk), .rst_ni(rst_n), .cfg_bits_i(cfg_bits), .cfg_two_seg_i(cfg_two_seg),
    .cfg_split_i(cfg_split), .tbl_we_i(tbl_we), .tbl_addr_i(tbl_addr),
    .tbl_wdata_i(tbl_wdata), .in_valid_i(in_valid), .in_ready_o(in_ready),
    .in_data_i(in_data), .out_valid_o(out_valid), .out_ready_i(out_ready),
    .out_code_o(out_code), .busy_o(busy), .conv_done_o(conv_done));

  always #5 clk = ~clk;

  initial begin
    $readmemh("table.hex", table_mem);
    $readmemh("cfg.hex", cfg_mem);
    $readmemh("in.hex", in_mem);
    $readmemh("want.hex", want_mem);
    cfg_bits = cfg_mem[0][3:0];
    cfg_two_seg = cfg_mem[1][0];
    cfg_split = cfg_mem[2];
    repeat (3) @(posedge clk);
    rst_n = 1'b1;
    // Load both banks: entries j = 1..15.
    for (i = 0; i < 30; i = i + 1) begin
      @(negedge clk);
      tbl_we = 1'b1;
      tbl_addr = {i >= 15, 8'(i % 15 + 1)};
      tbl_wdata = table_mem[i];
    end
    @(negedge clk);
    tbl_we = 1'b0;
    for (conv = 0; conv < 64; conv = conv + 1) begin
      for (c = 0; c < NumCols; c = c + 1) in_data[c*InWidthBits +: InWidthBits] = in_mem[conv*NumCols + c];
      in_valid = 1'b1;
      @(posedge clk);
      while (!in_ready) @(posedge clk);
      t0 = $time;
      @(negedge clk);
      in_valid = 1'b0;
      while (!out_valid) @(posedge clk);
      lat = ($time - t0) / 10;
      if (lat != 16) begin
        $display("latency %0d != 16", lat);
        errors = errors + 1;
      end
      for (c = 0; c < NumCols; c = c + 1) begin
        if (out_code[c*MaxBits +: MaxBits] !== want_mem[conv*NumCols + c]) begin
          $display("mismatch x=%h rtl=%0d golden=%0d", in_mem[conv*NumCols + c],
                   out_code[c*MaxBits +: MaxBits], want_mem[conv*NumCols + c]);
          errors = errors + 1;
        end
      end
      @(negedge clk);
    end
    if (errors == 0) $display("tb_nlu_iv: PASS (512 codes, SiLU B=4, two segments)");
    else $display("tb_nlu_iv: FAIL (%0d errors)", errors);
    if (errors != 0) $fatal(1, "tb_nlu_iv failed");
    $finish;
  end
endmodule
