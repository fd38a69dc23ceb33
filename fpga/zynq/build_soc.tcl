# SPDX-License-Identifier: Apache-2.0
# fpga/zynq/build_soc.tcl - the SoC (rtl/soc/npe_soc.sv: the RV32IM core,
# 128 KiB of block RAM, the engine, the mailbox) on a PYNQ-Z2 (Zynq-7020,
# xc7z020clg400-1), the processing system as its host: block design,
# synthesis, place and route, bitstream. Vivado batch mode:
#
#   make zynq-soc-rtl-list                  (writes build/fpga/zynq_soc/rtl.f)
#   vivado -mode batch -source fpga/zynq/build_soc.tcl -tclargs . build/fpga/zynq_soc
#
# Not run by this project's CI: Vivado is not a Debian package. What can be
# checked without it is checked by make (zynq-soc-lint, zynq-soc-axil-test,
# zynq-soc-synth); see fpga/zynq/README.md and docs/SOC.md, "On a board".
#
# The block design: the processing system (PS7) with M_AXI_GP0 -> AXI
# Interconnect (AXI3 -> AXI4-Lite) -> soc/s_axil, the SoC's host window at
# 0x43C0_0000 (256 KiB: the RAM, then the mailbox at +0x2_0000); the
# mailbox's host interrupt on IRQ_F2P[0] (GIC SPI 29) and on LED LD0, a
# bus error seen on LD1; FCLK_CLK0 = 50 MHz. The SoC's engine reaches only
# the SoC's own RAM (no HP port). The block design is made in a throw-away
# project; synthesis and implementation then run as non-project commands on
# it.

if {[llength $argv] != 2} {
  puts "usage: vivado -mode batch -source fpga/zynq/build_soc.tcl -tclargs REPO OUTDIR"
  exit 2
}
set repo [file normalize [lindex $argv 0]]
set out  [file normalize [lindex $argv 1]]
set part xc7z020clg400-1
set rtl_list [file join $out rtl.f]
if {![file exists $rtl_list]} {
  puts "error: $rtl_list is missing: run 'make zynq-soc-rtl-list' first"
  exit 2
}
file mkdir $out

create_project -force npe_soc_zynq [file join $out vivado] -part $part
# The PYNQ-Z2 board files (DDR and MIO presets), when installed
set board [lindex [get_board_parts -quiet -latest_file_version {*pynq-z2*}] 0]
if {$board ne ""} { set_property board_part $board [current_project] }

# RTL: the SoC and the host adapter (SystemVerilog) and the board top
# (Verilog, because a block-design module reference must be Verilog or VHDL)
set fh [open $rtl_list]
set srcs [split [string trim [read $fh]] "\n"]
close $fh
foreach f $srcs { add_files -norecurse [file join $repo $f] }
set_property file_type SystemVerilog [get_files -filter {NAME =~ *.sv}]
add_files -fileset constrs_1 -norecurse [file join $repo fpga/zynq/pynq_z2_soc.xdc]
update_compile_order -fileset sources_1

# ---------------------------------------------------------------------------
# Block design
# ---------------------------------------------------------------------------
create_bd_design npe_soc_ps
set ps [create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7:5.5 ps7]
if {$board ne ""} {
  apply_bd_automation -rule xilinx.com:bd_rule:processing_system7 \
    -config {make_external "FIXED_IO, DDR" apply_board_preset "1" Master "Disable" Slave "Disable"} $ps
} else {
  # Without board files: the PYNQ-Z2's DDR3 (MT41K256M16 RE-125, 32 bits,
  # 512 MiB); the MIO presets (UART0, SD, Ethernet) are then Vivado's.
  make_bd_intf_pins_external [get_bd_intf_pins ps7/DDR] [get_bd_intf_pins ps7/FIXED_IO]
  set_property -dict [list CONFIG.PCW_UIPARAM_DDR_PARTNO {MT41K256M16 RE-125} \
                           CONFIG.PCW_UIPARAM_DDR_BUS_WIDTH {32 Bit}] $ps
}
set_property -dict [list \
  CONFIG.PCW_USE_M_AXI_GP0 {1} \
  CONFIG.PCW_USE_FABRIC_INTERRUPT {1} CONFIG.PCW_IRQ_F2P_INTR {1} \
  CONFIG.PCW_EN_CLK0_PORT {1} CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ {50} \
  CONFIG.PCW_EN_RST0_PORT {1}] $ps

set soc [create_bd_cell -type module -reference npe_soc_zynq_top soc]

apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config { \
  Clk_master {/ps7/FCLK_CLK0 (50 MHz)} Clk_slave {Auto} Clk_xbar {Auto} \
  Master {/ps7/M_AXI_GP0} Slave {/soc/s_axil} intc_ip {New AXI Interconnect} master_apm {0}} \
  [get_bd_intf_pins soc/s_axil]

connect_bd_net [get_bd_pins soc/host_irq_o] [get_bd_pins ps7/IRQ_F2P]
create_bd_port -dir O led_irq
connect_bd_net [get_bd_pins soc/host_irq_o] [get_bd_ports led_irq]
create_bd_port -dir O led_err
connect_bd_net [get_bd_pins soc/led_err_o] [get_bd_ports led_err]

assign_bd_address
foreach seg [get_bd_addr_segs -quiet ps7/Data/*soc*] {
  set_property offset 0x43C00000 $seg
  set_property range 256K $seg
}
validate_bd_design
save_bd_design

# The block design's IP synthesised with the top (no out-of-context runs),
# so synth_design below sees everything
set bd [get_files npe_soc_ps.bd]
set_property synth_checkpoint_mode None $bd
generate_target all $bd
add_files -norecurse [make_wrapper -files $bd -top]
update_compile_order -fileset sources_1

# ---------------------------------------------------------------------------
# Synthesis, implementation, reports, bitstream (non-project commands)
# ---------------------------------------------------------------------------
synth_design -top npe_soc_ps_wrapper -part $part
write_checkpoint -force [file join $out post_synth.dcp]
opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force [file join $out post_route.dcp]
report_utilization    -file [file join $out utilization.rpt]
report_timing_summary -file [file join $out timing.rpt]
write_bitstream -force [file join $out npe_soc_zynq.bit]
# PYNQ loads an overlay as .bit + .hwh of the same name
foreach h [glob -nocomplain [file join $out vivado npe_soc_zynq.gen sources_1 bd npe_soc_ps hw_handoff *.hwh] \
                           [file join $out vivado npe_soc_zynq.srcs sources_1 bd npe_soc_ps hw_handoff *.hwh]] {
  file copy -force $h [file join $out npe_soc_zynq.hwh]
}
puts "npe: bitstream [file join $out npe_soc_zynq.bit]; reports in $out"
