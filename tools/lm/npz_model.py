#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""npz_model.py - the .npz model files of issue 13: write, read, validate.

A model file holds (lm/MODELS.md, "The .npz file"):
  * every weight array, float32, under torch's names: embed.weight,
    weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ... (the recurrent
    module's own parameter names), out.weight, out.bias;
  * for a ternary (QAT) model also, per quantised matrix M, q.M (int8 in
    {-1, 0, 1}, Sherry 3:4) and qscale.M (float32, one scale per row), what
    the golden npe_quantize_sherry() of each row of M gives;
  * the description as 0-d arrays: format_version, cell, vocab (a string),
    embed_size, hidden_size, num_layers, quant, seed, train_settings (JSON),
    train_seconds, val_bpc, test_bpc.

Usage:
  /usr/bin/python3 tools/lm/npz_model.py MODEL.npz [--no-eval] [--threads N]
validates MODEL.npz, rebuilds the torch model and re-measures the test BPC
against the recorded one. Exit status 0 if they agree, 1 if not, 2 on an
invalid file.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

FORMAT_VERSION = 1
META_STR = ("cell", "vocab", "quant", "train_settings")
META_INT = ("format_version", "embed_size", "hidden_size", "num_layers", "seed")
META_FLOAT = ("train_seconds", "val_bpc", "test_bpc")
QUANTS = ("none", "sherry", "sherry-all")


class ModelFileError(Exception):
    """An invalid model file; the message names the problem."""


def save(path, model, meta):
    """Writes model (models.CharModel) and meta (dict: seed, train_settings,
    train_seconds, val_bpc, test_bpc, vocab) to path (.npz, uncompressed)."""
    from models import sherry_rows_np
    arrays = model.npz_arrays()
    out = dict(arrays)
    for n in model.quant_names():
        t, s = sherry_rows_np(arrays[n])
        out["q." + n], out["qscale." + n] = t, s
    desc = {"format_version": FORMAT_VERSION, "cell": model.cell, "quant": model.quant,
            "embed_size": model.embed_size, "hidden_size": model.hidden_size,
            "num_layers": model.num_layers}
    desc.update(meta)
    for k in META_STR:
        v = desc[k]
        out[k] = np.array(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
    for k in META_INT:
        out[k] = np.array(int(desc[k]), dtype=np.int64)
    for k in META_FLOAT:
        out[k] = np.array(float(desc[k]), dtype=np.float64)
    tmp = path + ".tmp.npz"
    np.savez(tmp, **out)
    os.replace(tmp, path)


def _scalar(z, k, kind):
    if k not in z:
        raise ModelFileError("missing description entry '%s'" % k)
    a = z[k]
    if a.shape != ():
        raise ModelFileError("description entry '%s' has shape %s, expected a 0-d array" % (k, a.shape))
    if kind == "str":
        if a.dtype.kind != "U":
            raise ModelFileError("description entry '%s' is %s, expected a string" % (k, a.dtype))
        return str(a)
    if kind == "int":
        if a.dtype.kind not in "iu":
            raise ModelFileError("description entry '%s' is %s, expected an integer" % (k, a.dtype))
        return int(a)
    if a.dtype.kind not in "fiu":
        raise ModelFileError("description entry '%s' is %s, expected a number" % (k, a.dtype))
    return float(a)


def read(path):
    """Reads and validates path; returns (desc dict, {name: array}).

    Raises ModelFileError for: an unreadable file, a missing or mistyped
    description entry, an unknown cell or quantisation, a missing, extra or
    wrongly shaped array, a non-float32 weight, a NaN or Inf, ternary codes
    that are not Sherry 3:4 or differ from the weights' own quantisation."""
    from models import CELLS, CharModel, sherry_rows_np
    try:
        z = np.load(path, allow_pickle=False)
        z = {k: z[k] for k in z.files}
    except (OSError, ValueError) as e:
        raise ModelFileError("%s: not a readable .npz file (%s)" % (path, e))
    desc = {}
    for k in META_STR:
        desc[k] = _scalar(z, k, "str")
    for k in META_INT:
        desc[k] = _scalar(z, k, "int")
    for k in META_FLOAT:
        desc[k] = _scalar(z, k, "float")
    if desc["format_version"] != FORMAT_VERSION:
        raise ModelFileError("format_version %d, this reader knows %d" % (desc["format_version"], FORMAT_VERSION))
    if desc["cell"] not in CELLS:
        raise ModelFileError("unknown cell '%s' (known: %s)" % (desc["cell"], ", ".join(CELLS)))
    if desc["quant"] not in QUANTS:
        raise ModelFileError("unknown quant '%s' (known: %s)" % (desc["quant"], ", ".join(QUANTS)))
    for k in ("embed_size", "hidden_size", "num_layers"):
        if desc[k] < 1:
            raise ModelFileError("%s is %d, must be >= 1" % (k, desc[k]))
    if len(desc["vocab"]) < 2 or len(set(desc["vocab"])) != len(desc["vocab"]):
        raise ModelFileError("vocab must hold at least 2 distinct symbols")
    try:
        desc["train_settings"] = json.loads(desc["train_settings"])
    except ValueError:
        raise ModelFileError("train_settings is not JSON")
    m = CharModel(desc["cell"], len(desc["vocab"]), desc["embed_size"], desc["hidden_size"],
                  desc["num_layers"], desc["quant"])
    shapes = m.expected_shapes()
    qn = m.quant_names()
    for n in qn:
        if shapes[n][1] % 4:
            raise ModelFileError("%s has %d columns: Sherry needs a multiple of 4" % (n, shapes[n][1]))
        shapes["q." + n] = shapes[n]
        shapes["qscale." + n] = (shapes[n][0],)
    meta = set(META_STR + META_INT + META_FLOAT)
    weights = {}
    for n, shp in shapes.items():
        if n not in z:
            raise ModelFileError("missing array '%s' (shape %s, needed by a %s model)"
                                 % (n, "x".join(map(str, shp)), desc["cell"]))
        a = z[n]
        if a.shape != shp:
            raise ModelFileError("array '%s' has shape %s, expected %s" % (n, a.shape, shp))
        want = np.int8 if n.startswith("q.") else np.float32
        if a.dtype != want:
            raise ModelFileError("array '%s' is %s, expected %s" % (n, a.dtype, np.dtype(want).name))
        if a.dtype == np.float32 and not np.all(np.isfinite(a)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
            raise ModelFileError("array '%s' has %s at %s" % (n, "a NaN" if np.isnan(a[bad]) else "an Inf", bad))
        weights[n] = a
    extra = sorted(set(z) - set(shapes) - meta)
    if extra:
        raise ModelFileError("unexpected arrays: %s" % ", ".join(extra))
    for n in qn:
        t = weights["q." + n]
        g = t.reshape(t.shape[0], -1, 4)
        if np.any(np.abs(t) > 1) or np.any(np.sum(g == 0, axis=-1) != 1):
            raise ModelFileError("q.%s is not Sherry 3:4 ternary (values in {-1,0,1}, one zero per 4)" % n)
        t2, s2 = sherry_rows_np(weights[n])
        if not np.array_equal(t, t2) or not np.array_equal(weights["qscale." + n], s2):
            raise ModelFileError("q.%s / qscale.%s differ from the Sherry quantisation of %s" % (n, n, n))
    return desc, weights


def build(desc, weights):
    """Rebuilds the torch model (models.CharModel) from read()'s result."""
    import torch
    from models import CharModel
    m = CharModel(desc["cell"], len(desc["vocab"]), desc["embed_size"], desc["hidden_size"],
                  desc["num_layers"], desc["quant"])
    params = dict(m.named_parameters())
    with torch.no_grad():
        for n, a in weights.items():
            if n.startswith("q"):
                continue
            key = n if n.startswith(("embed.", "out.")) else "rnn." + n
            params[key].copy_(torch.from_numpy(a))
    m.eval()
    return m


def load(path):
    """read() then build(): returns (desc, torch model)."""
    desc, w = read(path)
    return desc, build(desc, w)


def main(argv=None):
    ap = argparse.ArgumentParser(description="validate a model .npz and re-measure its test BPC")
    ap.add_argument("model")
    ap.add_argument("--no-eval", action="store_true", help="validate only")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data", default=None, help="data folder (default build/lm)")
    a = ap.parse_args(argv)
    try:
        desc, w = read(a.model)
    except ModelFileError as e:
        print("npz_model.py: error: %s: %s" % (a.model, e), file=sys.stderr)
        return 2
    nparam = sum(v.size for k, v in w.items() if not k.startswith("q"))
    print("%s: %s, embed %d, hidden %d x %d layer(s), quant %s, %d parameters, vocab %d symbols"
          % (a.model, desc["cell"], desc["embed_size"], desc["hidden_size"], desc["num_layers"],
             desc["quant"], nparam, len(desc["vocab"])))
    print("recorded: val %.4f, test %.4f bits/char (seed %d, %.0f s of training)"
          % (desc["val_bpc"], desc["test_bpc"], desc["seed"], desc["train_seconds"]))
    if a.no_eval:
        return 0
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(a.threads))
    import torch
    import data as lmdata
    from models import evaluate_bpc
    torch.set_num_threads(a.threads)
    m = build(desc, w)
    test = lmdata.load(a.data or lmdata.DEFAULT_OUT, ("test",))["test"]
    t0 = time.time()
    bpc = evaluate_bpc(m, lmdata.encode(test, desc["vocab"]))
    print("measured: test %.6f bits/char (%.1f s), recorded %.6f" % (bpc, time.time() - t0, desc["test_bpc"]))
    return 0 if abs(bpc - desc["test_bpc"]) < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
