# SPDX-License-Identifier: Apache-2.0
# fpga/zynq/pynq_z2.xdc - the engine's pins on a PYNQ-Z2. Everything else
# runs through the processing system (its clock, reset, AXI ports and
# interrupt come from PS7, whose IP constrains FCLK_CLK0 itself).

# LD0: the engine's interrupt line (lit while a job's completion is pending)
set_property -dict {PACKAGE_PIN R14 IOSTANDARD LVCMOS33} [get_ports led_irq]
