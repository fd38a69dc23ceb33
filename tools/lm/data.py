#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""data.py - the KJV character corpus of issue 13: dump, normalise, split, check.

What it does (lm/DATA.md says why):
  * dumps the King James Bible with the `bible` program of Debian's bible-kjv
    (`bible -f -p /usr/lib 'gen1:1-rev22:21'`, text from bible-kjv-text);
  * strips the verse prefix of each line (`Ge1:1 `, `1Sm3:4 `, ...); nothing
    else changes: one verse per line, '\\n' after each, 63 symbols;
  * cuts the verses into consecutive blocks of BLOCK_VERSES verses; block b
    goes to validation if b % 20 == 9, to test if b % 20 == 19, else to train;
  * writes build/lm/{train,val,test}.txt and vocab.txt, and checks the SHA-256
    of each split against the table in lm/DATA.md (a mismatch is an error).

Not here: training (train.py) or model files (npz_model.py).

Usage:
  /usr/bin/python3 tools/lm/data.py [--out build/lm] [--refs] [--print-checksums]
Exit status 0 on success, 2 on a checksum mismatch or a missing tool.
"""
import argparse
import bz2
import hashlib
import lzma
import math
import os
import re
import subprocess
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA_MD = os.path.join(REPO, "lm", "DATA.md")
DEFAULT_OUT = os.path.join(REPO, "build", "lm")
SPLITS = ("train", "val", "test")
BLOCK_VERSES = 100
STRIPE = 20          # one block in STRIPE to val, one to test
VAL_SLOT, TEST_SLOT = 9, 19

# The fixed vocabulary: the 63 byte values of the normalised text, in byte
# order. A model's symbol index is its position in this string.
VOCAB = ("\n !'(),-.:;?ABCDEFGHIJKLMNOPQRSTUVWYZ"
         "abcdefghijklmnopqrstuvwxyz")
BIBLE_CMD = ["bible", "-f", "-p", "/usr/lib", "gen1:1-rev22:21"]
PREFIX_RE = re.compile(rb"^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ ")


class DataError(Exception):
    """A problem with the corpus; the message names it."""


def dump_raw():
    """Returns the bytes `bible` prints for the whole book."""
    try:
        out = subprocess.run(BIBLE_CMD, check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE).stdout
    except FileNotFoundError:
        raise DataError("the `bible` program is missing: install the Debian "
                        "packages bible-kjv and bible-kjv-text")
    except subprocess.CalledProcessError as e:
        raise DataError("`%s` failed: %s" % (" ".join(BIBLE_CMD), e.stderr.decode(errors="replace").strip()))
    return out


def normalise(raw):
    """Strips every verse prefix; returns the list of verses (bytes, no '\\n')."""
    verses = []
    for n, line in enumerate(raw.split(b"\n"), 1):
        if not line:
            continue
        m = PREFIX_RE.match(line)
        if not m:
            raise DataError("line %d of the bible dump has no verse prefix: %r" % (n, line[:40]))
        verses.append(line[m.end():])
    return verses


def split_verses(verses):
    """Returns {split: bytes}: blocks of BLOCK_VERSES verses, striped."""
    parts = {s: [] for s in SPLITS}
    for i in range(0, len(verses), BLOCK_VERSES):
        b = i // BLOCK_VERSES
        slot = b % STRIPE
        s = "val" if slot == VAL_SLOT else "test" if slot == TEST_SLOT else "train"
        parts[s].extend(verses[i:i + BLOCK_VERSES])
    return {s: b"".join(v + b"\n" for v in parts[s]) for s in SPLITS}


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def recorded_checksums(path=DATA_MD):
    """Reads the `| split | bytes | sha256 |` rows of lm/DATA.md."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as e:
        raise DataError("cannot read %s: %s" % (path, e.strerror))
    rec = {}
    for m in re.finditer(r"^\|\s*`?(\w+)\.txt`?\s*\|\s*(\d+)\s*\|\s*`?([0-9a-f]{64})`?\s*\|", text, re.M):
        rec[m.group(1)] = (int(m.group(2)), m.group(3))
    missing = [s for s in SPLITS if s not in rec]
    if missing:
        raise DataError("%s records no checksum for %s" % (path, ", ".join(missing)))
    return rec


def check(splits, rec):
    """Raises DataError naming every split whose size or SHA-256 differs."""
    bad = []
    for s in SPLITS:
        n, h = len(splits[s]), sha256(splits[s])
        if (n, h) != rec[s]:
            bad.append("%s.txt: %d bytes, SHA-256 %s; lm/DATA.md records %d bytes, %s"
                       % (s, n, h, rec[s][0], rec[s][1]))
    if bad:
        raise DataError("the corpus differs from the recorded one (another "
                        "bible-kjv-text version, or a changed data.py?):\n  " + "\n  ".join(bad))


def check_vocab(text, what):
    extra = sorted(set(text) - set(VOCAB.encode()))
    if extra:
        raise DataError("%s has symbols outside the vocabulary: %s"
                        % (what, " ".join(repr(chr(c)) for c in extra)))


def build(out=DEFAULT_OUT, verify=True):
    """Dumps, normalises, splits, checks, writes; returns {split: bytes}."""
    verses = normalise(dump_raw())
    splits = split_verses(verses)
    for s in SPLITS:
        check_vocab(splits[s], s)
    if verify:
        check(splits, recorded_checksums())
    os.makedirs(out, exist_ok=True)
    for s in SPLITS:
        path = os.path.join(out, s + ".txt")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(splits[s])
        os.replace(tmp, path)
    with open(os.path.join(out, "vocab.txt"), "wb") as f:
        f.write(VOCAB.encode())
    return splits


def load(out=DEFAULT_OUT, splits=SPLITS):
    """Returns {split: bytes} from out/, each checked against lm/DATA.md.

    Builds the files first if they are missing."""
    if not all(os.path.exists(os.path.join(out, s + ".txt")) for s in SPLITS):
        build(out)
    rec = recorded_checksums()
    res = {}
    for s in splits:
        b = open(os.path.join(out, s + ".txt"), "rb").read()
        if (len(b), sha256(b)) != rec[s]:
            raise DataError("%s: %d bytes, SHA-256 %s; lm/DATA.md records %d bytes, %s "
                            "(rebuild with tools/lm/data.py)"
                            % (os.path.join(out, s + ".txt"), len(b), sha256(b), rec[s][0], rec[s][1]))
        res[s] = b
    return res


def encode(text, vocab=VOCAB):
    """bytes -> list of symbol indices; DataError names a symbol outside vocab."""
    index = {c: i for i, c in enumerate(vocab.encode())}
    try:
        return [index[c] for c in text]
    except KeyError as e:
        pos = text.index(bytes([e.args[0]]))
        raise DataError("symbol %r at byte %d is outside the vocabulary" % (chr(e.args[0]), pos))


def refs(b):
    """Reference points for a text: bzip2 -9, xz -9e, order-0 (bits/char)."""
    n = len(b)
    counts = {}
    for c in b:
        counts[c] = counts.get(c, 0) + 1
    h0 = -sum(v / n * math.log2(v / n) for v in counts.values())
    bz = len(bz2.compress(b, 9))
    xz = len(lzma.compress(b, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME))
    # the command-line tools too, when present, as the issue quotes them
    cli = {}
    for name, cmd in (("bzip2", ["bzip2", "-9", "-c"]), ("xz", ["xz", "-9e", "-c"])):
        try:
            cli[name] = len(subprocess.run(cmd, input=b, stdout=subprocess.PIPE, check=True).stdout)
        except (OSError, subprocess.CalledProcessError):
            cli[name] = None
    return {"chars": n, "symbols": len(counts), "order0": h0,
            "bzip2": 8 * (cli["bzip2"] or bz) / n, "xz": 8 * (cli["xz"] or xz) / n,
            "bzip2_bytes": cli["bzip2"] or bz, "xz_bytes": cli["xz"] or xz}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default build/lm)")
    ap.add_argument("--refs", action="store_true", help="print bzip2/xz/order-0 bits per char")
    ap.add_argument("--print-checksums", action="store_true",
                    help="print the checksum table rows without checking them (for lm/DATA.md)")
    a = ap.parse_args(argv)
    try:
        splits = build(a.out, verify=not a.print_checksums)
    except DataError as e:
        print("data.py: error: %s" % e, file=sys.stderr)
        return 2
    total = sum(len(splits[s]) for s in SPLITS)
    for s in SPLITS:
        row = "| `%s.txt` | %d | `%s` |" % (s, len(splits[s]), sha256(splits[s]))
        print(row if a.print_checksums else "%-5s %8d bytes %5.2f%%  sha256 %s"
              % (s, len(splits[s]), 100 * len(splits[s]) / total, sha256(splits[s])))
    if a.refs:
        for name, b in (("test", splits["test"]), ("val", splits["val"]), ("train", splits["train"])):
            r = refs(b)
            print("%-5s %8d chars %2d symbols: bzip2 -9 %.4f, xz -9e %.4f, order-0 %.4f bits/char"
                  % (name, r["chars"], r["symbols"], r["bzip2"], r["xz"], r["order0"]))
        # a compressor that has seen the training text, as the models have:
        # C(train + test) - C(train)
        tr, te = splits["train"], splits["test"]
        for name, cmd in (("bzip2 -9", ["bzip2", "-9", "-c"]), ("xz -9e", ["xz", "-9e", "-c"])):
            try:
                c = [len(subprocess.run(cmd, input=b, stdout=subprocess.PIPE, check=True).stdout)
                     for b in (tr + te, tr)]
                print("test given train: %s %.4f bits/char" % (name, 8 * (c[0] - c[1]) / len(te)))
            except (OSError, subprocess.CalledProcessError):
                print("test given train: %s not available" % name)
        verses = normalise(dump_raw())
        whole = b"".join(v + b"\n" for v in verses)
        r = refs(whole)
        print("whole %8d chars %2d symbols: bzip2 -9 %.4f, xz -9e %.4f, order-0 %.4f bits/char"
              % (r["chars"], r["symbols"], r["bzip2"], r["xz"], r["order0"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
