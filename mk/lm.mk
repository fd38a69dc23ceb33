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

.PHONY: lm-data lm-refs models lm-test check-deps-lm lm-force

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
