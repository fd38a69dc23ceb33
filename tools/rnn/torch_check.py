#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""torch_check.py - `npe rnn --cell gru|lstm --weights` against torch.

Builds torch.nn.GRU and torch.nn.LSTM (one layer, torch's own random
initialisation, seed fixed; H = 48 and 40, I = 16, T = 50, x ~ N(0, 1)),
saves each as a .npz with torch's names (weight_ih_l0, weight_hh_l0,
bias_ih_l0, bias_hh_l0, and the input x), runs

    npe rnn --cell C --weights FILE.npz --format F --out h.npy --check --json

for every format F, and compares the engine's h_1 .. h_T with torch's
output (float64, h_0 = c_0 = 0): max |err| must be within the bound of
the format below. Also checks that npe's golden check passed (bit-exact)
and that npe's own float64 reference (exact exp and tanh, unquantised
weights) is torch's: the max error npe reports equals the one measured here.

The bounds. Every h_t is in (-1, 1); what moves it off torch is the rounding
of the operands of the three kinds of products (x and W_ih per tensor,
W_hh with its power-of-two scale, h as it enters the mat-vec), then Q15.16
and the sigmoid table (about 1e-4: the floor). With u the format's unit
roundoff where the values sit (int8: half a step of absmax / 127, 2^-8 of
the largest; posit16 2^-13 and posit8 2^-6 near 1; fp4 2^-2; posit4 2^-1;
ternary: one level, about 1), each pre-activation is off by about u times
a norm of order one (the weights are O(1 / sqrt(H)), H of them), and the
cell passes that on with slope at most 1 and contracts it over the steps.
So max |err| <= 4 u, with a floor of 5e-4 for the fixed point, and at
most 0.6 (fp4, posit4, ternary, where 4 u says nothing: h keeps its
course, not its digits); the RMS error within a quarter of that. Measured
over seeds 0..4: at most 2 u (int8 0.0076, posit16 1.6e-4, posit8 0.011),
and 0.31 for the loose formats.

Run with /usr/bin/python3 (make rnn-torch-test). Exits 0 with "SKIP: torch
missing" if torch (or numpy) cannot be imported.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIP: torch missing ({e})")
    sys.exit(0)

# format: (unit roundoff where the values sit, max |err| bound, rms bound)
def bound(u):
    return min(max(4.0 * u, 5e-4), 0.6)

FORMATS = {
    "int8": 2.0 ** -8,
    "posit16": 2.0 ** -13,
    "posit8": 2.0 ** -6,
    "fp4": 2.0 ** -2,
    "posit4": 2.0 ** -1,
    "ternary": 1.0,
}
SIZES = {"gru": 48, "lstm": 40}
I, T = 16, 50


def make_npz(cell, H, path, seed):
    torch.manual_seed(seed)
    mod = (torch.nn.GRU if cell == "gru" else torch.nn.LSTM)(I, H, num_layers=1)
    x = torch.randn(T, I)
    arrays = {n: p.detach().numpy().astype(np.float32) for n, p in mod.named_parameters()}
    arrays["x"] = x.numpy().astype(np.float32)
    np.savez(path, **arrays)
    with torch.no_grad():
        ref, _ = mod.double()(x.double().unsqueeze(1))  # (T, 1, H), h_0 = c_0 = 0
    return ref.squeeze(1).numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--npe", default="build/bin/npe", help="the npe binary")
    ap.add_argument("--device", default="sim:", help="npe --device (sim:, or golden)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    fails = 0
    print(f"torch {torch.__version__}; T = {T}, I = {I}; npe {a.npe} --device {a.device}")
    print(f"{'cell':5} {'H':>3} {'format':8} {'max|err|':>10} {'bound':>8} {'rms err':>10} "
          f"{'bound':>8}  golden")
    with tempfile.TemporaryDirectory() as td:
        for cell, H in SIZES.items():
            npz = os.path.join(td, f"{cell}.npz")
            ref = make_npz(cell, H, npz, a.seed)
            for f, u in FORMATS.items():
                out = os.path.join(td, f"{cell}-{f}.npy")
                cmd = [a.npe, "rnn", "--cell", cell, "--weights", npz, "--format", f, "--out",
                       out, "--check", "--json", "--quiet", "--device", a.device]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    print(f"FAIL: {' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
                    fails += 1
                    continue
                run = json.loads(p.stdout)["runs"][0]
                h = np.load(out).astype(np.float64)
                if h.shape != ref.shape:
                    print(f"FAIL: {cell} {f}: h has shape {h.shape}, torch {ref.shape}")
                    fails += 1
                    continue
                err = np.abs(h - ref)
                mx, rms = float(err.max()), float(np.sqrt(np.mean(err ** 2)))
                bmax = bound(u)
                brms = bmax / 4
                golden = run["golden_mismatches"]
                ok = mx <= bmax and rms <= brms and golden in (0, None)
                # npe's float64 reference is torch's: the same max error (up to
                # the float32 of the .npy and of the weights as torch rounds them)
                same_ref = abs(run["max_err"] - mx) <= 1e-6 + 1e-6 * mx
                print(f"{cell:5} {H:3} {f:8} {mx:10.3g} {bmax:8.3g} {rms:10.3g} {brms:8.3g}  "
                      f"{'exact' if golden == 0 else golden}"
                      f"{'' if same_ref else '  (npe reference differs: ' + str(run['max_err']) + ')'}")
                if not ok or not same_ref:
                    print(f"FAIL: {cell} {f}")
                    fails += 1
    if fails:
        print(f"torch_check: {fails} failure(s)")
        return 1
    print("torch_check: every format within its bound of torch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
