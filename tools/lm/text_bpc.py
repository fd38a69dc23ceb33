#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""text_bpc.py FILE [--chars N] MODEL.npz...: bits per char of the first N
characters of FILE under each model in float32 with torch (tools/lm/models.py:
evaluate_bpc, the definition of lm/MODELS.md), the figure `npe lm` prints as
its float32 reference. Prints one line per model, "MODEL bpc X". Exit status 3 if torch or
numpy is missing (the message says so; a test skips), 2 for a bad file."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("text")
    ap.add_argument("model", nargs="+")
    ap.add_argument("--chars", type=int, default=256)
    a = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        import torch
        import npz_model
        from models import evaluate_bpc
    except ImportError as e:
        print("text_bpc.py: torch/numpy missing (%s)" % e, file=sys.stderr)
        return 3
    torch.set_num_threads(1)
    with open(a.text, "rb") as f:
        text = f.read()[:a.chars].decode("ascii")
    for path in a.model:
        try:
            desc, m = npz_model.load(path)
        except npz_model.ModelFileError as e:
            print("text_bpc.py: error: %s: %s" % (path, e), file=sys.stderr)
            return 2
        ids = [desc["vocab"].index(c) for c in text]
        print("%s bpc %.6f" % (path, evaluate_bpc(m, ids)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
