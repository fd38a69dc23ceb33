# mk/lm.mk - the character language models of issue 13: data and trainer.
# Included by the top Makefile.
#
#   make lm-data   dump, normalise and split the KJV text into build/lm/,
#                  checked against the SHA-256 sums in lm/DATA.md
#   make lm-refs   bzip2 -9 / xz -9e / order-0 bits per char of the splits
#   make models    retrain the committed models in lm/weights/ (lm/MODELS.md
#                  gives the time; LM_THREADS=2, LM_MODELS_DIR=lm/weights)
#   make lm-test   smoke test (< 60 s on one core): data checksums, a few
#                  training steps per cell, the .npz round trip, bad files,
#                  the Sherry mirror against the golden quantiser
#   make lm-report the per-model report (docs/LM.md "Report"): for every
#                  model, every format on the engine on the first 257
#                  characters of the test split (--check: golden-identical;
#                  cycles, energy, MAC utilisation) and on the golden model
#                  over the whole test split (bits/char), then
#                  build/lm/report.{md,csv,json,svg} (tools/lm/report.py).
#                  Runs are cached in build/lm/runs/ (delete to redo); about
#                  1 h of one core from empty (LM_REPORT_MODELS to narrow)
#   make lm-nlu    the hgrn's gates through the NLU at B = 4, 5, 6, 8,
#                  digital staircase and analog ramp (seeds 1, 2, 3), INT8, on the
#                  first 50,000 predicted characters of the test split
#                  (golden model); the report's NLU table
#   make lm-bench  BENCH lines: simulated characters and simulator cycles per
#                  second (wall and CPU) per model, INT8 on the engine, 64
#                  predicted characters (about a minute)
#
# Python is Debian's /usr/bin/python3 with python3-torch and python3-numpy.

LM_PY         ?= /usr/bin/python3
LM_THREADS    ?= 2
LM_MODELS_DIR ?= lm/weights
LM_TRAIN      := $(LM_PY) tools/lm/train.py --threads $(LM_THREADS)
LM_SEED       ?= 1

# The settings that made the committed models (lm/MODELS.md quotes them).
LM_GRU_ARGS     := --cell gru --steps 3000 --lr 3e-3
LM_LSTM_ARGS    := --cell lstm --steps 3000 --lr 3e-3
LM_HGRN_ARGS    := --cell hgrn --steps 1500 --lr 3e-3
# Ternary QAT: as many steps again as the float model's training.
LM_TERNARY_ARGS := --quant sherry --lr 1e-3 --warmup 50

TEST_TARGETS += lm-test
DEB_PKGS += python3-torch python3-numpy libopenblas0-pthread bible-kjv bible-kjv-text bzip2 xz-utils

LM_MODELS := $(addprefix $(LM_MODELS_DIR)/,gru.npz gru-ternary.npz lstm.npz lstm-ternary.npz \
                                            hgrn.npz hgrn-ternary.npz)

.PHONY: lm-data lm-refs models lm-test check-deps-lm lm-force lm-report lm-nlu lm-bench

check-deps-lm:
	@$(DEPS) lm

lm-data: check-deps-lm
	$(LM_PY) tools/lm/data.py --out $(BUILD)/lm

lm-refs: check-deps-lm
	$(LM_PY) tools/lm/data.py --out $(BUILD)/lm --refs

# Every `make models` retrains (lm-force); each run uses LM_THREADS cores,
# so `make -j2 models LM_THREADS=1` runs two at once. The ternary model is
# fine-tuned from the float model. The data comes first, once.
models: check-deps-lm lm-data $(LM_MODELS)

$(LM_MODELS_DIR)/gru.npz: lm-force lm-data
	@mkdir -p $(@D)
	$(LM_TRAIN) $(LM_GRU_ARGS) --seed $(LM_SEED) --data $(BUILD)/lm --out $@

# Ternary (Sherry 3:4) QAT, fine-tuned from the float model of the same cell.
$(LM_MODELS_DIR)/gru-ternary.npz: $(LM_MODELS_DIR)/gru.npz
	$(LM_TRAIN) --cell gru $(LM_TERNARY_ARGS) --steps 3000 --seed $(LM_SEED) --data $(BUILD)/lm --init $< --out $@

$(LM_MODELS_DIR)/lstm-ternary.npz: $(LM_MODELS_DIR)/lstm.npz
	$(LM_TRAIN) --cell lstm $(LM_TERNARY_ARGS) --steps 3000 --seed $(LM_SEED) --data $(BUILD)/lm --init $< --out $@

$(LM_MODELS_DIR)/hgrn-ternary.npz: $(LM_MODELS_DIR)/hgrn.npz
	$(LM_TRAIN) --cell hgrn $(LM_TERNARY_ARGS) --steps 1500 --seed $(LM_SEED) --data $(BUILD)/lm --init $< --out $@

$(LM_MODELS_DIR)/lstm.npz: lm-force lm-data
	@mkdir -p $(@D)
	$(LM_TRAIN) $(LM_LSTM_ARGS) --seed $(LM_SEED) --data $(BUILD)/lm --out $@

$(LM_MODELS_DIR)/hgrn.npz: lm-force lm-data
	@mkdir -p $(@D)
	$(LM_TRAIN) $(LM_HGRN_ARGS) --seed $(LM_SEED) --data $(BUILD)/lm --out $@

$(BUILD)/lm/sherry_rows: tests/lm/sherry_rows.c $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(GOLDEN_LIB) -lm

lm-test: check-deps-lm $(BUILD)/lm/sherry_rows
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(LM_PY) tests/lm/test_lm.py $(BUILD) $(BUILD)/lm/sherry_rows
	@for f in $(wildcard lm/weights/*.npz); do \
	  $(LM_PY) tools/lm/npz_model.py --no-eval $$f > /dev/null || exit 1; done
	@echo "lm-test: committed models valid"

# ---------------------------------------------------------------------------
# The report (issue 13): engine on a sample, golden model on the whole split
# ---------------------------------------------------------------------------
LM_RUNS          := $(BUILD)/lm/runs
LM_TEST          := $(BUILD)/lm/test.txt
LM_REPORT_MODELS ?= gru lstm hgrn gru-ternary lstm-ternary hgrn-ternary
LM_SAMPLE_CHARS  ?= 257
LM_NLU_BITS      ?= 4 5 6 8
LM_NLU_CHARS     ?= 50001
LM_NLU_SEEDS     ?= 1 2 3

$(LM_TEST):
	$(MAKE) lm-data

# $(NPE_BIN) is order-only: rebuilding npe does not redo an hour of runs.
# The model files are not prerequisites (their targets retrain: lm-force);
# after `make models`, delete $(LM_RUNS).
$(LM_RUNS)/engine-%.json: $(LM_TEST) | $(NPE_BIN)
	@mkdir -p $(@D)
	$(NPE_BIN) lm lm/weights/$*.npz --text $(LM_TEST) --chars $(LM_SAMPLE_CHARS) --format all --check --json \
	  --progress > $@.tmp
	mv $@.tmp $@

$(LM_RUNS)/golden-%.json: $(LM_TEST) | $(NPE_BIN)
	@mkdir -p $(@D)
	$(NPE_BIN) lm lm/weights/$*.npz --text $(LM_TEST) --chars all --format all --device golden --json \
	  --progress > $@.tmp
	mv $@.tmp $@

LM_NLU_RUNS := $(LM_RUNS)/nlu-off.json \
               $(foreach b,$(LM_NLU_BITS),$(LM_RUNS)/nlu-$(b)-digital.json \
                 $(foreach s,$(LM_NLU_SEEDS),$(LM_RUNS)/nlu-$(b)-analog-s$(s).json))

$(LM_RUNS)/nlu-off.json: $(LM_TEST) | $(NPE_BIN)
	@mkdir -p $(@D)
	$(NPE_BIN) lm lm/weights/hgrn.npz --text $(LM_TEST) --chars $(LM_NLU_CHARS) --format int8 --device golden \
	  --hgrn-gates host --json --progress > $@.tmp
	mv $@.tmp $@

$(LM_RUNS)/nlu-%-digital.json: $(LM_TEST) | $(NPE_BIN)
	@mkdir -p $(@D)
	$(NPE_BIN) lm lm/weights/hgrn.npz --text $(LM_TEST) --chars $(LM_NLU_CHARS) --format int8 --device golden \
	  --nlu-bits $* --json --progress > $@.tmp
	mv $@.tmp $@

# nlu-B-analog-sS.json: B bits, seed S
$(LM_RUNS)/nlu-%.json: $(LM_TEST) | $(NPE_BIN)
	@mkdir -p $(@D)
	b=$$(echo $* | cut -d- -f1); s=$$(echo $* | sed 's/.*-s//'); \
	$(NPE_BIN) lm lm/weights/hgrn.npz --text $(LM_TEST) --chars $(LM_NLU_CHARS) --format int8 \
	  --device golden --nlu-bits $$b --analog --seed $$s --json --progress > $@.tmp
	mv $@.tmp $@

lm-nlu: $(LM_NLU_RUNS)

lm-report: $(foreach m,$(LM_REPORT_MODELS),$(LM_RUNS)/engine-$(m).json $(LM_RUNS)/golden-$(m).json)
	$(LM_PY) tools/lm/report.py --runs $(LM_RUNS) --out $(BUILD)/lm/report $(LM_REPORT_MODELS)

# simulated characters and simulator cycles per second, INT8 on the engine
lm-bench: $(NPE_BIN)
	@mkdir -p $(BUILD)/lm
	@for m in gru lstm hgrn gru-ternary lstm-ternary hgrn-ternary; do \
	  $(NPE_BIN) lm lm/weights/$$m.npz --text tests/lm/kjv_test_sample.txt --chars 65 --no-reference \
	    --format int8 --json > $(BUILD)/lm/bench-$$m.json || exit 1; \
	  $(LM_PY) -c 'import json, sys; m = sys.argv[2]; f = json.load(open(sys.argv[1]))["formats"][0]; \
	    print("BENCH lm_%s_int8_chars_per_s %.1f chars/s" % (m, f["chars_per_second"])); \
	    print("BENCH lm_%s_int8_chars_per_cpu_s %.1f chars/s" % (m, f["chars_per_cpu_second"])); \
	    print("BENCH lm_%s_int8_sim_cycles_per_s %.0f cycles/s" % (m, f["sim_cycles_per_second"])); \
	    print("BENCH lm_%s_int8_sim_cycles_per_cpu_s %.0f cycles/s" % (m, f["sim_cycles_per_cpu_second"]))' \
	    $(BUILD)/lm/bench-$$m.json $$m || exit 1; \
	done

BENCH_TARGETS += lm-bench
