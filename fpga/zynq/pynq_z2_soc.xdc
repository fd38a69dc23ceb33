# SPDX-License-Identifier: Apache-2.0
# fpga/zynq/pynq_z2_soc.xdc - the SoC's pins on a PYNQ-Z2 (build_soc.tcl).
# Everything else runs through the processing system (its clock, reset, AXI
# port and interrupt come from PS7, whose IP constrains FCLK_CLK0 itself).
# LED pins: the PYNQ-Z2's schematic and master constraints (TUL).

# LD0: the mailbox's host interrupt (DONE with HOST_IRQ_EN)
set_property -dict {PACKAGE_PIN R14 IOSTANDARD LVCMOS33} [get_ports led_irq]
# LD1: a bus error seen since reset (an access to nothing, an engine CSR error)
set_property -dict {PACKAGE_PIN P14 IOSTANDARD LVCMOS33} [get_ports led_err]
