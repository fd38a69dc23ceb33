#!/usr/bin/python3
"""The per-model report of issue 13 (docs/LM.md, "Report").

    tools/lm/report.py --runs build/lm/runs --out build/lm/report MODEL...

Reads, per MODEL, the JSON of two `npe lm ... --json` runs (mk/lm.mk,
`make lm-report`):

  engine-MODEL.json  every format on the engine, first 257 characters of
                     the test split (256 predicted, one block), --check:
                     cycles, MACs, MAC utilisation, energy (estimate),
                     weight bytes, and the golden model bit-identical;
  golden-MODEL.json  every format on the golden model of the same quantised
                     network over the whole test split (--device golden):
                     bits/char; and the float32 reference on the split.

and, when present, the NLU runs (nlu-off.json, nlu-B-digital.json,
nlu-B-analog-sS.json, `make lm-nlu`). Writes OUT.md, OUT.csv, OUT.json and
OUT.svg (bits/char against energy per character, one point per format, one
panel per model). Also checks that the engine's bits/char over its sample
equals, to the last bit, the golden run's over its first block (the same
256 predictions): the figure printed as "sample = golden prefix".

Exit status 2 on a missing or malformed run file (naming it).
"""
import argparse
import csv
import json
import math
import os
import sys

FORMATS = ["fp4", "posit4", "posit8", "posit16", "int8", "ternary"]


def fail(msg):
    print("report.py: " + msg, file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        fail("%s: %s (run `make lm-report`)" % (path, e.strerror))
    except ValueError as e:
        fail("%s: not JSON (%s)" % (path, e))


def golden_runs(runs, model):
    """golden-MODEL.json and golden-MODEL--FORMATS.json (formats run apart):
    one run description, formats merged (the first file giving a format)."""
    names = ["golden-%s.json" % model] + sorted(
        n for n in os.listdir(runs) if n.startswith("golden-%s--" % model) and n.endswith(".json"))
    gold = None
    for n in names:
        path = os.path.join(runs, n)
        if not os.path.exists(path):
            continue
        g = load(path)
        for k in ("formats", "predicted", "float32_bpc", "block", "source"):
            if k not in g:
                fail("%s: no '%s'" % (path, k))
        if os.path.basename(g.get("model", "")) != model + ".npz":
            fail("%s: a run of %s, not of %s.npz" % (path, g.get("model"), model))
        if gold is None:
            gold = dict(g, formats=list(g["formats"]))
            continue
        if (g["predicted"], g["block"]) != (gold["predicted"], gold["block"]):
            fail("%s: another text or block than %s's other runs" % (path, model))
        for k in ("float32_bpc", "file_test_bpc"):
            if gold.get(k) is None:
                gold[k] = g.get(k)
        have = {f["format"] for f in gold["formats"]}
        gold["formats"] += [f for f in g["formats"] if f["format"] not in have]
    if gold is None:
        fail("%s: no golden-%s.json or golden-%s--*.json (run `make lm-report`)"
             % (runs, model, model))
    # runs with --no-reference: the trainer's torch figure of the whole split
    # stands for float32 (the C reference matches it to 1e-4 where both exist)
    gold["float32_source"] = "C reference"
    if gold["float32_bpc"] is None:
        if gold.get("file_test_bpc") is None:
            fail("%s: no float32 bits/char in its golden runs" % model)
        gold["float32_bpc"] = gold["file_test_bpc"]
        gold["float32_source"] = "torch, recorded in the model file"
    return gold


def rows_for(model, eng, gold):
    ef = {f["format"]: f for f in eng["formats"]}
    gf = {f["format"]: f for f in gold["formats"]}
    out = []
    for name in FORMATS:
        if name not in ef:
            continue
        e, g = ef[name], gf.get(name)
        prefix = g.get("bpc_prefix", [None])[0] if g else None
        same_chars = eng["predicted"] == min(gold["block"], gold["predicted"])
        out.append({
            "model": model,
            "cell": eng["cell"],
            "quant": eng["quant"],
            "format": name,
            "bpc_test": g["bpc"] if g else None,
            "bpc_float32_test": gold["float32_bpc"],
            "float32_source": gold["float32_source"],
            "bpc_loss": g["bpc"] - gold["float32_bpc"] if g else None,
            "test_chars_predicted": gold["predicted"],
            "cycles_per_char": e["cycles_per_char"],
            "macs_per_char": e["macs_per_char"],
            "mac_utilisation": e["mac_utilisation"],
            "energy_nj_per_char": e["energy_pj_per_char"] / 1e3,
            "weight_bytes": e["weight_bytes"],
            "sample_chars_predicted": eng["predicted"],
            "sample_bpc_engine": e["bpc"],
            "sample_golden_mismatches": e["golden_mismatches"],
            "sample_equals_golden_prefix": (bool(same_chars and e["bpc_exact"] == prefix)
                                            if g and prefix is not None else None),
            "golden_fast_matmuls_checked": g.get("fast_matmuls_checked") if g else None,
            "golden_from_log": bool(g and g.get("from_log")),
        })
    return out


def fmt_int(x):
    return "{:,}".format(int(round(x)))


def markdown(models, allrows, meta, nlu):
    L = []
    L.append("# Character models on the engine, per format (issue 13)")
    L.append("")
    L.append("Bits/char over the test split (%s predicted characters; the whole split, "
             "`lm/DATA.md`, has 209,287) from the **golden model** of each quantised network (`npe lm --device golden`, "
             "blocks of %d inputs); float32 on the same split (C reference, or the "
             "trainer's torch figure where the golden runs skipped it). "
             "Cycles, MAC utilisation, energy (estimate, `models/energy`: "
             "`npe_stats.energy_pj`) and weight bytes from the **engine** (Verilated RTL, "
             "`sim:`) on the first %d predicted characters of the split, where every logit "
             "equals the golden model's (`--check`) and the engine's bits/char equals the "
             "golden run's over the same first block to the last bit (last column)."
             % (fmt_int(meta["test_predicted"]), meta["block"], meta["sample_predicted"]))
    L.append("")
    for m in models:
        rows = [r for r in allrows if r["model"] == m]
        if not rows:
            continue
        L.append("## %s (%s, quant %s)" % (m, rows[0]["cell"], rows[0]["quant"]))
        L.append("")
        L.append("float32: %.4f bits/char on the test split (%s)"
                 % (rows[0]["bpc_float32_test"], rows[0]["float32_source"]))
        L.append("")
        L.append("| format | bits/char, test split (golden) | vs float32 | float32 | cycles/char "
                 "| MAC util. | nJ/char (est.) | weight bytes | engine = golden on sample |")
        L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for r in rows:
            ok = r["sample_golden_mismatches"] == 0 and r["sample_equals_golden_prefix"] is not False
            L.append("| %s | %s | %s | %.4f | %s | %.3f | %s | %s | %s |" % (
                r["format"], ("%.4f" % r["bpc_test"] + (" (log)" if r["golden_from_log"] else ""))
                if r["bpc_test"] is not None else "not run",
                "%+.4f" % r["bpc_loss"] if r["bpc_loss"] is not None else "",
                r["bpc_float32_test"],
                fmt_int(r["cycles_per_char"]), r["mac_utilisation"],
                fmt_int(r["energy_nj_per_char"]), fmt_int(r["weight_bytes"]),
                ("yes" if r["sample_equals_golden_prefix"] else "yes (logits)")
                if ok else "**NO**"))
        L.append("")
    if nlu:
        L.append("## The hgrn's gates through the NLU (INT8, golden model)")
        L.append("")
        L.append("First %s predicted characters of the test split; NLU off = the gates in host "
                 "float: %.4f bits/char. Digital = the golden B-bit staircase (what the RTL NLU "
                 "computes); analog = the crossbar model's ramp with its default "
                 "non-idealities, seeds %s (mean, and the range)."
                 % (fmt_int(nlu["chars"]), nlu["off"], ", ".join(str(s) for s in nlu["seeds"])))
        L.append("")
        L.append("| B | digital | vs off | analog (mean) | vs off | analog range |")
        L.append("| ---: | ---: | ---: | ---: | ---: | --- |")
        for b in nlu["rows"]:
            a = b["analog"]
            L.append("| %d | %.4f | %+.4f | %s | %s | %s |" % (
                b["bits"], b["digital"], b["digital"] - nlu["off"],
                "%.4f" % (sum(a) / len(a)) if a else "-",
                "%+.4f" % (sum(a) / len(a) - nlu["off"]) if a else "-",
                "%.4f .. %.4f" % (min(a), max(a)) if a else "-"))
        L.append("")
    return "\n".join(L) + "\n"


def nlu_table(runs):
    off_p = os.path.join(runs, "nlu-off.json")
    if not os.path.exists(off_p):
        return None
    off = load(off_p)
    res = {"chars": off["predicted"], "off": off["formats"][0]["bpc"], "rows": [], "seeds": []}
    seeds = set()
    for b in range(1, 9):
        d = os.path.join(runs, "nlu-%d-digital.json" % b)
        if not os.path.exists(d):
            continue
        dj = load(d)
        analog = []
        for name in sorted(os.listdir(runs)):
            pre = "nlu-%d-analog-s" % b
            if name.startswith(pre) and name.endswith(".json"):
                aj = load(os.path.join(runs, name))
                analog.append(aj["formats"][0]["bpc"])
                seeds.add(aj["seed"])
        res["rows"].append({"bits": b, "digital": dj["formats"][0]["bpc"], "analog": analog})
    res["seeds"] = sorted(seeds)
    return res


# ---- SVG: bits/char against energy per character -------------------------

COLOURS = {"fp4": "#d62728", "posit4": "#ff7f0e", "posit8": "#2ca02c", "posit16": "#1f77b4",
           "int8": "#9467bd", "ternary": "#17becf"}


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nice_ticks(lo, hi, n=5):
    span = hi - lo
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw), default=mag * 10)
    t = math.ceil(lo / step) * step
    out = []
    while t <= hi + 1e-12:
        out.append(round(t, 10))
        t += step
    return out


def svg(models, allrows):
    pw, ph = 360, 260          # panel size
    ml, mr, mt, mb = 62, 16, 34, 46
    cols = 3
    nrow = (len(models) + cols - 1) // cols
    W, H = cols * pw, nrow * ph + 40
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">'
         % (W, H, W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="22" font-size="15" text-anchor="middle">Bits per character (test '
         'split, golden model) against energy per character (engine, estimate)</text>' % (W / 2)]
    for idx, m in enumerate(models):
        rows = [r for r in allrows if r["model"] == m and r["bpc_test"] is not None]
        if not rows:
            continue
        px, py = (idx % cols) * pw, 40 + (idx // cols) * ph
        x0, x1, y0, y1 = px + ml, px + pw - mr, py + mt, py + ph - mb
        es = [r["energy_nj_per_char"] for r in rows]
        bs = [r["bpc_test"] for r in rows] + [rows[0]["bpc_float32_test"]]
        lx0, lx1 = math.log10(min(es)) - 0.08, math.log10(max(es)) + 0.08
        b0, b1 = min(bs), max(bs)
        pad = (b1 - b0) * 0.12 or 0.1
        b0, b1 = b0 - pad, b1 + pad

        def X(e):
            return x0 + (math.log10(e) - lx0) / (lx1 - lx0) * (x1 - x0)

        def Y(b):
            return y1 - (b - b0) / (b1 - b0) * (y1 - y0)

        o.append('<text x="%.1f" y="%.1f" font-size="13" text-anchor="middle" '
                 'font-weight="bold">%s</text>' % ((x0 + x1) / 2, py + 20, esc(m)))
        o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>'
                 % (x0, y0, x1 - x0, y1 - y0))
        for t in nice_ticks(b0, b1):
            y = Y(t)
            o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (x0, y, x1, y))
            o.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (x0 - 4, y + 4, t))
        xt = [m_ * 10 ** d_ for d_ in range(int(math.floor(lx0)), int(math.ceil(lx1)) + 1)
              for m_ in (1, 2, 5) if lx0 <= math.log10(m_ * 10 ** d_) <= lx1]
        if len(xt) < 2:  # a narrow range: label the points' own energies
            xt = sorted({round(e) for e in es})
        kept = []
        for e in xt:  # labels at least 45 px apart
            if not kept or X(e) - X(kept[-1]) >= 45:
                kept.append(e)
        xt = kept
        for dec in [0]:
            for e in xt:
                if True:
                    x = X(e)
                    o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>'
                             % (x, y0, x, y1))
                    o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                             % (x, y1 + 14, "{:,}".format(e)))
        fy = Y(rows[0]["bpc_float32_test"])
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#555" '
                 'stroke-dasharray="5,4"/>' % (x0, fy, x1, fy))
        o.append('<text x="%d" y="%.1f" text-anchor="start" fill="#555">float32 %.4f</text>'
                 % (x0 + 4, fy - 4, rows[0]["bpc_float32_test"]))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">nJ per character (log)</text>'
                 % ((x0 + x1) / 2, y1 + 32))
        o.append('<text x="%d" y="%.1f" text-anchor="middle" transform="rotate(-90 %d %.1f)">'
                 'bits/char</text>' % (px + 16, (y0 + y1) / 2, px + 16, (y0 + y1) / 2))
        placed = []  # label boxes (x, y, anchor side): keep labels apart
        for r in sorted(rows, key=lambda r: -r["bpc_test"]):
            x, y = X(r["energy_nj_per_char"]), Y(r["bpc_test"])
            c = COLOURS.get(r["format"], "#000")
            o.append('<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>' % (x, y, c))
            anchor, dx = ("end", -7) if x > (x0 + x1) / 2 else ("start", 7)
            ly = y + 4
            while any(abs(ly - py_) < 12 and abs(x - px_) < 60
                      for px_, py_, a_ in placed):
                ly += 12
            placed.append((x, ly, anchor))
            o.append('<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s">%s</text>'
                     % (x + dx, ly, anchor, c, esc(r["format"])))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", required=True)
    ap.add_argument("--out", required=True, help="output path without extension")
    ap.add_argument("models", nargs="+")
    a = ap.parse_args()
    allrows, meta = [], {}
    for m in a.models:
        eng = load(os.path.join(a.runs, "engine-%s.json" % m))
        gold = golden_runs(a.runs, m)
        for k in ("formats", "predicted", "float32_bpc", "block"):
            if k not in eng:
                fail("%s: no '%s' in engine-%s.json" % (m, k, m))
        if gold.get("source") != "golden model" or eng.get("source") != "engine":
            fail("%s: golden-%s.json must come from --device golden, engine-%s.json from "
                 "the engine" % (m, m, m))
        meta = {"test_predicted": gold["predicted"], "block": gold["block"],
                "sample_predicted": eng["predicted"]}
        allrows += rows_for(m, eng, gold)
    nlu = nlu_table(a.runs)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out + ".md", "w") as f:
        f.write(markdown(a.models, allrows, meta, nlu))
    with open(a.out + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(allrows[0].keys()) if allrows else ["model"])
        w.writeheader()
        for r in allrows:
            w.writerow(r)
    with open(a.out + ".json", "w") as f:
        json.dump({"meta": meta, "rows": allrows, "nlu": nlu}, f, indent=1)
        f.write("\n")
    with open(a.out + ".svg", "w") as f:
        f.write(svg(a.models, allrows))
    bad = [r for r in allrows
           if r["sample_golden_mismatches"] != 0 or r["sample_equals_golden_prefix"] is False]
    for r in bad:
        print("report.py: %s %s: engine and golden model differ on the sample" %
              (r["model"], r["format"]), file=sys.stderr)
    print("wrote %s.md, .csv, .json, .svg (%d rows)" % (a.out, len(allrows)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
