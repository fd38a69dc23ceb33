#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""train.py - trains a character model of issue 13 and exports it as .npz.

Models (lm/MODELS.md): gru, lstm, hgrn; embedding -> recurrent layer(s) ->
linear readout. Stateful truncated BPTT over --batch contiguous streams of
the training split, Adam, linear warm-up then cosine decay, gradient
clipping; validation BPC every --eval-every steps, test BPC at the end
(lm/MODELS.md defines BPC). --init starts from a model file (e.g. for
ternary QAT fine-tuning with --quant sherry). Deterministic from --seed for a
given --threads and machine.

Usage:
  /usr/bin/python3 tools/lm/train.py --cell gru --out lm/weights/gru.npz [options]
Progress goes to stderr; the last stdout line is a summary.
"""
import argparse
import math
import os
import sys
import time


def _argv_threads(argv, default="2"):
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return default


# OpenBLAS starts its own threads at load time (torch.set_num_threads does
# not reach them): size the pool before torch loads it.
if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", _argv_threads(sys.argv[1:]))
    os.environ.setdefault("OMP_NUM_THREADS", _argv_threads(sys.argv[1:]))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as lmdata  # noqa: E402
import npz_model  # noqa: E402
from models import CharModel, evaluate_bpc, state_detach  # noqa: E402

DEFAULTS = {"gru": dict(embed=64, hidden=256, layers=1),
            "lstm": dict(embed=64, hidden=224, layers=1),
            "hgrn": dict(embed=64, hidden=192, layers=3)}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def lr_at(step, a):
    """Linear warm-up over --warmup steps, then cosine to lr * min_lr_frac."""
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    p = (step - a.warmup) / max(1, a.steps - a.warmup)
    return a.lr * (a.min_lr_frac + (1 - a.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * p)))


def batches(ids, batch, bptt, gen):
    """Endless (epoch, x, y): the training ids cut into `batch` contiguous
    streams; each epoch starts at a random offset < bptt (from gen)."""
    ids = torch.as_tensor(ids, dtype=torch.long)
    epoch = 0
    while True:
        off = int(torch.randint(0, bptt, (1,), generator=gen))
        n = (ids.numel() - off - 1) // batch
        xs = ids[off:off + n * batch].view(batch, n).t()
        ys = ids[off + 1:off + 1 + n * batch].view(batch, n).t()
        for i in range(0, n - bptt + 1, bptt):
            yield epoch, i == 0, xs[i:i + bptt], ys[i:i + bptt]
        epoch += 1


def main(argv=None):
    ap = argparse.ArgumentParser(description="train a character model (issue 13)")
    ap.add_argument("--cell", required=True, choices=sorted(DEFAULTS))
    ap.add_argument("--out", required=True, help="model file to write (.npz)")
    ap.add_argument("--embed", type=int)
    ap.add_argument("--hidden", type=int)
    ap.add_argument("--layers", type=int)
    ap.add_argument("--quant", default="none", choices=npz_model.QUANTS,
                    help="ternary QAT: sherry (recurrent matrices) or sherry-all (and the readout)")
    ap.add_argument("--init", help="start from this model file (same cell and sizes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--bptt", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.02)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--val-chars", type=int, default=50000,
                    help="chars of the validation split used during training (the final figure uses all)")
    ap.add_argument("--train-chars", type=int, default=0, help="use only the first N training chars (0: all)")
    ap.add_argument("--no-test", action="store_true", help="skip the final test BPC (recorded as NaN)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=lmdata.DEFAULT_OUT)
    ap.add_argument("--log-every", type=int, default=50)
    a = ap.parse_args(argv)
    for k, v in DEFAULTS[a.cell].items():
        if getattr(a, k) is None:
            setattr(a, k, v)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(a.seed)

    try:
        d = lmdata.load(a.data)
    except lmdata.DataError as e:
        log("train.py: error: %s" % e)
        return 2
    vocab = lmdata.VOCAB
    train_ids = lmdata.encode(d["train"][:a.train_chars] if a.train_chars else d["train"])
    val_ids = lmdata.encode(d["val"])
    test_ids = lmdata.encode(d["test"])

    model = CharModel(a.cell, len(vocab), a.embed, a.hidden, a.layers, a.quant)
    if a.init:
        try:
            desc, w = npz_model.read(a.init)
        except npz_model.ModelFileError as e:
            log("train.py: error: %s: %s" % (a.init, e))
            return 2
        src = npz_model.build(desc, w)
        if (desc["cell"], desc["embed_size"], desc["hidden_size"], desc["num_layers"], desc["vocab"]) != \
           (a.cell, a.embed, a.hidden, a.layers, vocab):
            log("train.py: error: %s is a different model (cell, sizes or vocab)" % a.init)
            return 2
        model.load_state_dict(src.state_dict())
    nparam = sum(p.numel() for p in model.parameters())
    log("train.py: %s embed %d hidden %d x %d, quant %s, %d parameters; %d train chars, "
        "batch %d x bptt %d, %d steps, %d thread(s)"
        % (a.cell, a.embed, a.hidden, a.layers, a.quant, nparam, len(train_ids),
           a.batch, a.bptt, a.steps, a.threads))

    opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    it = batches(train_ids, a.batch, a.bptt, gen)
    state = model.init_state(a.batch)
    t0 = time.time()
    run_loss, run_n = 0.0, 0
    val_short = val_ids[:a.val_chars]
    model.train()
    for step in range(a.steps):
        epoch, first, x, y = next(it)
        if first:
            state = model.init_state(a.batch)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a)
        logits, state = model(x, state)
        state = state_detach(state)
        loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        if a.clip > 0:
            nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        run_loss += loss.item()
        run_n += 1
        if (step + 1) % a.log_every == 0 or step + 1 == a.steps:
            el = time.time() - t0
            log("step %6d/%d epoch %d  train %.4f bpc  lr %.2e  %6.0f chars/s  %5.0f s"
                % (step + 1, a.steps, epoch, run_loss / run_n / math.log(2), lr_at(step, a),
                   (step + 1) * a.batch * a.bptt / el, el))
            run_loss, run_n = 0.0, 0
        if a.eval_every and ((step + 1) % a.eval_every == 0) and step + 1 != a.steps:
            log("step %6d  val %.4f bpc (first %d chars)" % (step + 1, evaluate_bpc(model, val_short), len(val_short)))
    train_seconds = time.time() - t0
    val_bpc = evaluate_bpc(model, val_ids)
    log("final val %.4f bpc (%d chars)" % (val_bpc, len(val_ids)))
    test_bpc = float("nan") if a.no_test else evaluate_bpc(model, test_ids)
    log("final test %.4f bpc (%d chars)" % (test_bpc, len(test_ids)))

    settings = {k: getattr(a, k) for k in ("steps", "batch", "bptt", "lr", "min_lr_frac", "warmup",
                                          "clip", "weight_decay", "train_chars", "threads")}
    settings["init"] = os.path.basename(a.init) if a.init else ""
    settings["optimizer"] = "Adam"
    settings["schedule"] = "linear warm-up, cosine"
    settings["torch"] = torch.__version__
    npz_model.save(a.out, model, {"vocab": vocab, "seed": a.seed, "train_settings": settings,
                                  "train_seconds": train_seconds, "val_bpc": val_bpc,
                                  "test_bpc": test_bpc})
    print("%s: %s quant %s, %d parameters, %d steps in %.0f s: val %.4f, test %.4f bits/char"
          % (a.out, a.cell, a.quant, nparam, a.steps, train_seconds, val_bpc, test_bpc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
