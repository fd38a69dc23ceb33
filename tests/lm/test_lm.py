#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_lm.py - smoke test of the issue-13 data and trainer (make lm-test).

Checks: the corpus splits against lm/DATA.md (and that a mismatch is a clear
error); a few training steps of each cell on a small slice through
train.py's command line, plus ternary QAT; the .npz round trip is exact
(weights and logits bit for bit); bad model files fail with clear errors
and exit status 2; the Sherry mirror equals the golden C quantiser.

Usage: test_lm.py BUILD_DIR [SHERRY_ROWS_BINARY]   (< 60 s on one core)
"""
import io
import os
import subprocess
import sys
import contextlib

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tools", "lm"))
import data as lmdata  # noqa: E402
import npz_model  # noqa: E402
import train  # noqa: E402
from models import CharModel, evaluate_bpc, sherry_rows, sherry_rows_np  # noqa: E402

torch.set_num_threads(1)
failures = []


def check(cond, what):
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        failures.append(what)


def expect_error(path, words, what):
    try:
        npz_model.read(path)
    except npz_model.ModelFileError as e:
        msg = str(e)
        check(all(w in msg for w in words), "%s: %s" % (what, msg))
        return
    check(False, "%s: no error" % what)


def main():
    build = sys.argv[1]
    sherry_bin = sys.argv[2] if len(sys.argv) > 2 else None
    tmp = os.path.join(build, "lm-test")
    os.makedirs(tmp, exist_ok=True)

    # --- data --------------------------------------------------------------
    datadir = os.path.join(build, "lm")
    d = lmdata.build(datadir)  # raises DataError on a mismatch
    check(set(d["train"] + d["val"] + d["test"]) == set(lmdata.VOCAB.encode()),
          "corpus: 3 splits match lm/DATA.md, %d symbols" % len(lmdata.VOCAB))
    rec = lmdata.recorded_checksums()
    bad = dict(rec)
    bad["test"] = (rec["test"][0], "0" * 64)
    try:
        lmdata.check(d, bad)
        check(False, "a checksum mismatch is an error")
    except lmdata.DataError as e:
        check("test.txt" in str(e) and "0" * 64 in str(e), "a checksum mismatch is an error naming the split")
    try:
        lmdata.encode(b"abc~", lmdata.VOCAB)
        check(False, "a symbol outside the vocabulary is an error")
    except lmdata.DataError as e:
        check("'~'" in str(e), "a symbol outside the vocabulary is an error: %s" % e)

    # --- a few training steps, each cell, through the command line ----------
    small = ["--embed", "8", "--hidden", "16", "--steps", "6", "--batch", "4", "--bptt", "16",
             "--train-chars", "20000", "--val-chars", "500", "--eval-every", "3", "--log-every", "3",
             "--threads", "1", "--warmup", "2", "--lr", "1e-2", "--no-test", "--data", datadir]
    paths = {}
    for cell in ("gru", "lstm", "hgrn"):
        p = os.path.join(tmp, cell + ".npz")
        layers = ["--layers", "2"] if cell == "hgrn" else []
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            rc = train.main(["--cell", cell, "--out", p] + small + layers)
        paths[cell] = p
        desc, w = npz_model.read(p)
        check(rc == 0 and desc["cell"] == cell and np.isfinite(desc["val_bpc"]) and desc["val_bpc"] < 6.5,
              "train.py %s: 6 steps, val %.3f bits/char" % (cell, desc["val_bpc"]))
    p = os.path.join(tmp, "gru-again.npz")
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        train.main(["--cell", "gru", "--out", p] + small)
    a, b = npz_model.read(paths["gru"])[1], npz_model.read(p)[1]
    check(all(np.array_equal(a[k], b[k]) for k in a), "train.py: the same seed gives the same weights, bit for bit")
    p = os.path.join(tmp, "gru-ternary.npz")
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        rc = train.main(["--cell", "gru", "--out", p, "--init", paths["gru"], "--quant", "sherry"] + small)
    desc, w = npz_model.read(p)
    check(rc == 0 and desc["quant"] == "sherry" and "q.weight_hh_l0" in w,
          "train.py gru --quant sherry (QAT from --init): val %.3f bits/char" % desc["val_bpc"])
    paths["gru-ternary"] = p

    # --- round trip: weights and logits bit for bit --------------------------
    text = lmdata.encode(d["test"][:300])
    x = torch.tensor(text).view(-1, 1)
    for cell, quant, layers in (("gru", "none", 1), ("lstm", "none", 2), ("hgrn", "none", 2),
                                ("gru", "sherry", 1), ("hgrn", "sherry-all", 2)):
        torch.manual_seed(5)
        m = CharModel(cell, len(lmdata.VOCAB), 8, 16, layers, quant).eval()
        p = os.path.join(tmp, "rt.npz")
        npz_model.save(p, m, {"vocab": lmdata.VOCAB, "seed": 5, "train_settings": {},
                              "train_seconds": 0.0, "val_bpc": 1.0, "test_bpc": evaluate_bpc(m, text)})
        desc, m2 = npz_model.load(p)
        same_w = all(np.array_equal(a, b) and a.dtype == b.dtype
                     for a, b in zip(m.npz_arrays().values(), m2.npz_arrays().values()))
        with torch.no_grad():
            l1, _ = m(x, m.init_state(1))
            l2, _ = m2(x, m2.init_state(1))
        check(same_w and torch.equal(l1, l2) and evaluate_bpc(m2, text) == desc["test_bpc"],
              "round trip %s %s x %d: weights, logits and BPC bit for bit" % (cell, quant, layers))

    # --- bad model files -------------------------------------------------------
    z = dict(np.load(paths["gru-ternary"]))

    def variant(name, **change):
        v = dict(z)
        for k, a in change.items():
            k = k.replace("__", ".")
            if a is None:
                del v[k]
            else:
                v[k] = a
        p = os.path.join(tmp, name + ".npz")
        np.savez(p, **v)
        return p

    expect_error(variant("missing", weight_hh_l0=None), ["missing array 'weight_hh_l0'"], "missing array")
    expect_error(variant("shape", out__bias=np.zeros(5, np.float32)), ["'out.bias'", "shape"], "wrong shape")
    nan = z["weight_ih_l0"].copy()
    nan[3, 2] = np.nan
    expect_error(variant("nan", weight_ih_l0=nan), ["'weight_ih_l0'", "a NaN", "(3, 2)"], "NaN")
    inf = z["out.weight"].copy()
    inf[0, 0] = np.inf
    expect_error(variant("inf", out__weight=inf), ["'out.weight'", "an Inf", "(0, 0)"], "Inf")
    expect_error(variant("cell", cell=np.array("transformer")), ["unknown cell 'transformer'"], "unknown cell")
    expect_error(variant("dtype", bias_ih_l0=z["bias_ih_l0"].astype(np.float64)),
                 ["'bias_ih_l0'", "float64", "float32"], "wrong dtype")
    expect_error(variant("nodesc", vocab=None), ["missing description entry 'vocab'"], "missing description")
    q = z["q.weight_hh_l0"].copy()
    q[0, :4] = 1
    expect_error(variant("sherry", q__weight_hh_l0=q), ["q.weight_hh_l0", "Sherry 3:4"], "not Sherry 3:4")
    expect_error(variant("extra", junk=np.zeros(3, np.float32)), ["unexpected arrays: junk"], "extra array")
    with open(os.path.join(tmp, "text.npz"), "w") as f:
        f.write("not a zip")
    expect_error(os.path.join(tmp, "text.npz"), ["not a readable .npz"], "not an .npz")
    r = subprocess.run([sys.executable, os.path.join(REPO, "tools", "lm", "npz_model.py"), "--no-eval",
                        os.path.join(tmp, "cell.npz")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(r.returncode == 2 and b"unknown cell" in r.stderr, "npz_model.py exits 2 on a bad file")

    # --- the Sherry mirror against the golden C quantiser ----------------------
    rng = np.random.default_rng(13)
    w = rng.standard_normal((40, 64)).astype(np.float32)
    w[0, :8] = [0.5, -0.5, 0.5, -0.5, 0, -0.0, 0, 1]      # ties and signed zeros
    w[1, :] = 0                                           # an all-zero row: scale 1
    w[2, :] = np.round(w[2, :] * 2) / 2                   # many ties
    t_np, s_np = sherry_rows_np(w)
    t_t, s_t = sherry_rows(torch.from_numpy(w))
    check(np.array_equal(t_np, t_t.numpy().astype(np.int8)) and np.array_equal(s_np, s_t.numpy()),
          "Sherry: torch and numpy mirrors agree")
    if sherry_bin:
        fin, fout = os.path.join(tmp, "sherry.in"), os.path.join(tmp, "sherry.out")
        with open(fin, "wb") as f:
            f.write(np.array(w.shape, dtype="<u4").tobytes() + w.astype("<f4").tobytes())
        subprocess.run([sherry_bin, fin, fout], check=True)
        raw = open(fout, "rb").read()
        t_c = np.frombuffer(raw[:w.size], dtype=np.int8).reshape(w.shape)
        s_c = np.frombuffer(raw[w.size:], dtype="<f4")
        check(np.array_equal(t_c, t_np) and np.array_equal(s_c, s_np),
              "Sherry: the mirror equals golden npe_quantize_sherry() row by row, bit for bit")
        for name in ("gru-ternary",):
            desc, wt = npz_model.read(paths[name])
            a = wt["weight_hh_l0"]
            with open(fin, "wb") as f:
                f.write(np.array(a.shape, dtype="<u4").tobytes() + a.astype("<f4").tobytes())
            subprocess.run([sherry_bin, fin, fout], check=True)
            raw = open(fout, "rb").read()
            check(np.array_equal(np.frombuffer(raw[:a.size], np.int8).reshape(a.shape), wt["q.weight_hh_l0"])
                  and np.array_equal(np.frombuffer(raw[a.size:], "<f4"), wt["qscale.weight_hh_l0"]),
                  "Sherry: a trained model's q./qscale. arrays equal the golden quantiser's")

    if failures:
        print("lm-test: %d FAILED" % len(failures))
        return 1
    print("lm-test: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
