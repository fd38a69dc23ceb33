# SPDX-License-Identifier: Apache-2.0
# mk/cli.mk - driver/cli: the `npe` command-line tool, the top layer, and its
# end-to-end tests (tests/cli). Included by the top Makefile after
# mk/driver.mk (LIBNPE).
#
#   make cli-test       npe format, npe matmul (incl. --act; and on sim:?build=soc, the SoC's
#                       firmware), npe rnn, npe nlu-report and npe report end to end,
#                       plain and ASan+UBSan builds
#   make nlu-cli-test   the nlu-report part alone
#   make lm-cli-test    npe lm (plain build) with the float32 reference checked against torch
#                       (cli-test runs the ASan+UBSan build without torch)
#   make rnn-torch-test npe rnn --cell gru|lstm --weights against torch.nn.GRU / torch.nn.LSTM, every
#                       format within its bound (tools/rnn/torch_check.py; SKIP without torch)
#   make lm-demo        npe lm: the hgrn in every format on the KJV sample, checked against the
#                       golden model, and a sample of generated text (a few minutes)

CLI_SRCS := driver/cli/npe.c driver/cli/cmd_format.c driver/cli/cmd_nlu.c driver/cli/cmd_matmul.c \
            driver/cli/cmd_rnn.c driver/cli/cmd_rnn_gated.c driver/cli/cmd_rnn_gla.c driver/cli/cmd_rnn_hgrn.c driver/cli/cmd_lm.c driver/cli/cli_npz.c \
            driver/cli/cli_info.c driver/cli/cli_npy.c driver/cli/cli_data.c driver/cli/cli_report.c driver/cli/cmd_report.c
CLI_HDRS := driver/cli/npe_cli.h driver/cli/npe_cli_nlu.h
CLI_CFLAGS := $(CFLAGS_BASE) $(CLI_INC)

.PHONY: cli-test report-cli-test nlu-cli-test lm-cli-test lm-demo rnn-torch-test

$(NPE_BIN): $(CLI_SRCS) $(CLI_HDRS) $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) -o $@ $(CLI_SRCS) $(LIBNPE) $(LIBNPE_DEPLIBS)

$(NPE_SAN_BIN): $(CLI_SRCS) $(CLI_HDRS) $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) $(SANFLAGS) -o $@ $(CLI_SRCS) $(LIBNPE_SAN) $(LIBNPE_DEPLIBS)

# `npe nlu-report` as its own program (the test script runs the subcommand's
# arguments directly); it needs only the models and the golden library.
NLU_REPORT_SRCS := driver/cli/cmd_nlu.c tests/cli/nlu_report_main.c

$(BUILD)/cli/npe-nlu-report: $(NLU_REPORT_SRCS) $(CLI_HDRS) $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) -o $@ $(NLU_REPORT_SRCS) $(MODELS_LIB) $(GOLDEN_LIB) -lm
$(BUILD)/san/cli/npe-nlu-report: $(NLU_REPORT_SRCS) $(CLI_HDRS) $(MODELS_SAN_LIB) $(GOLDEN_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) $(SANFLAGS) -o $@ $(NLU_REPORT_SRCS) $(MODELS_SAN_LIB) $(GOLDEN_SAN_LIB) -lm

nlu-cli-test: $(BUILD)/cli/npe-nlu-report $(BUILD)/san/cli/npe-nlu-report
	tests/cli/test_nlu_cli.sh $(BUILD)/cli/npe-nlu-report
	tests/cli/test_nlu_cli.sh $(BUILD)/san/cli/npe-nlu-report

cli-test: $(NPE_BIN) $(NPE_SAN_BIN) nlu-cli-test $(BUILD)/firmware/npe_soc_fw.elf
	tests/cli/test_format_cli.sh $(NPE_BIN)
	tests/cli/test_format_cli.sh $(NPE_SAN_BIN)
	tests/cli/test_matmul_cli.sh $(NPE_BIN)
	tests/cli/test_matmul_cli.sh $(NPE_SAN_BIN)
	tests/cli/test_rnn_cli.sh $(NPE_BIN)
	tests/cli/test_rnn_cli.sh $(NPE_SAN_BIN)
	tests/cli/test_soc_cli.sh $(NPE_BIN)
	LM_TORCH=0 tests/cli/test_lm_cli.sh $(NPE_SAN_BIN)
	tests/cli/test_report_cli.sh $(NPE_BIN)
	tests/cli/test_report_cli.sh $(NPE_SAN_BIN)

# the Python with torch (the system one); the script prints SKIP without it
RNN_TORCH_PY ?= /usr/bin/python3
rnn-torch-test: $(NPE_BIN)
	$(RNN_TORCH_PY) tools/rnn/torch_check.py --npe $(NPE_BIN)

report-cli-test: $(NPE_BIN) $(NPE_SAN_BIN)
	tests/cli/test_report_cli.sh $(NPE_BIN)
	tests/cli/test_report_cli.sh $(NPE_SAN_BIN)

lm-cli-test: $(NPE_BIN)
	tests/cli/test_lm_cli.sh $(NPE_BIN)

lm-demo: $(NPE_BIN)
	$(NPE_BIN) lm lm/weights/hgrn.npz --text tests/lm/kjv_test_sample.txt --format all --check
	$(NPE_BIN) lm lm/weights/hgrn.npz --generate 120 --prompt 'And God said, ' --temperature 0.7

TEST_TARGETS += cli-test lm-cli-test rnn-torch-test
