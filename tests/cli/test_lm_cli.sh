#!/bin/sh
# test_lm_cli.sh NPE_BINARY - end-to-end tests of `npe lm` on the simulator:
# the hgrn model on 64 characters of the KJV test split in INT8, gru and
# lstm in INT8 and the Sherry hgrn in ternary on 16, the engine bit for bit
# against the golden model (--check); the float32 reference against torch
# (tools/lm/text_bpc.py; skipped with a message if torch is missing, or with
# LM_TORCH=0), JSON, and bad input: bad .npz files (compressed, truncated,
# missing array, wrong dtype, wrong shape, NaN, unknown cell), bad format,
# missing --text, a symbol outside the vocabulary (exit 2, a message on
# stderr, nothing on stdout).
set -u
NPE=${1:?usage: test_lm_cli.sh NPE_BINARY}
PY=${LM_PY:-/usr/bin/python3}
HGRN=lm/weights/hgrn.npz
TXT=tests/lm/kjv_test_sample.txt
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

"$NPE" lm "$HGRN" --text "$TXT" --chars 64 --format int8 --check > "$T/r" ||
  fail "lm hgrn int8 --check: $(cat "$T/r")"
grep -q '^int8 .* identical (3969 logits)$' "$T/r" || fail "lm golden line: $(cat "$T/r")"
grep -q '^text .*64 chars (63 predicted)$' "$T/r" || fail "lm text line"
bpc=$(awk '$1 == "int8" { print $2 }' "$T/r")
ref=$(awk '$1 == "float32" && $2 == "bpc" { print $3 }' "$T/r")
awk -v b="$bpc" -v r="$ref" 'BEGIN { d = b - r; exit !(b > 0.5 && b < 4 && d < 0.3 && d > -0.3) }' ||
  fail "lm int8 bpc $bpc against float32 $ref"
# gru, lstm (the recurrent mat-vec per step) and the Sherry hgrn in ternary,
# on fewer characters: bit for bit too
for mf in gru:int8 lstm:int8 hgrn-ternary:ternary; do
  "$NPE" lm "lm/weights/${mf%%:*}.npz" --text "$TXT" --chars 16 --format "${mf#*:}" --check \
    > "$T/r_${mf%%:*}" || fail "lm ${mf%%:*} ${mf#*:} --check: $(cat "$T/r_${mf%%:*}")"
  grep -q "^${mf#*:} .* identical (945 logits)$" "$T/r_${mf%%:*}" || fail "lm ${mf%%:*} golden line"
done
# the float32 reference agrees with torch on the same characters
"$NPE" lm "$HGRN" --text "$TXT" --chars 64 --format int8 --json > "$T/j" || fail "lm --json"
grep -q '"golden_mismatches": null}' "$T/j" || fail "lm json unchecked"
cref() { awk '$1 == "float32" && $2 == "bpc" { printf "%.4f", $3 }' "$1"; }
[ "${LM_TORCH:-1}" = 0 ] && echo "torch agreement not asked for (LM_TORCH=0)" > "$T/pyerr"
[ "${LM_TORCH:-1}" != 0 ] && "$PY" tools/lm/text_bpc.py "$TXT" --chars 64 "$HGRN" > "$T/t64" 2> "$T/pyerr" &&
  "$PY" tools/lm/text_bpc.py "$TXT" --chars 16 lm/weights/gru.npz lm/weights/lstm.npz \
    lm/weights/hgrn-ternary.npz > "$T/t16" 2>> "$T/pyerr"
case $? in
0)
  # JSON has 6 decimals: the hgrn on 64 chars to 2e-5; the table's 4 for the others
  c=$(sed 's/.*"float32_bpc": \([0-9.]*\).*/\1/' "$T/j")
  t=$(awk '{ print $3 }' "$T/t64")
  awk -v c="$c" -v t="$t" 'BEGIN { d = c - t; exit !(d < 2e-5 && d > -2e-5) }' ||
    fail "float32 bpc: npe lm $c, torch $t (hgrn, 64 chars)"
  echo "float32 bpc of 64 chars, hgrn: npe lm $c, torch $t"
  for m in gru lstm hgrn-ternary; do
    c=$(cref "$T/r_$m")
    t=$(awk -v m="lm/weights/$m.npz" '$1 == m { printf "%.4f", $3 }' "$T/t16")
    awk -v c="$c" -v t="$t" 'BEGIN { d = c - t; exit !(t != "" && d < 1.5e-4 && d > -1.5e-4) }' || fail "float32 bpc: npe lm $c, torch $t ($m, 16 chars)"
    echo "float32 bpc of 16 chars, $m: npe lm $c, torch $t"
  done ;;
1) [ "${LM_TORCH:-1}" = 0 ] && echo "SKIP: $(cat "$T/pyerr")" || fail "text_bpc.py: $(cat "$T/pyerr")" ;;
3) echo "SKIP: torch agreement ($(cat "$T/pyerr"))" ;;
*) fail "text_bpc.py: $(cat "$T/pyerr")" ;;
esac

# sampling: the prompt as one sequence (INIT = ZERO), then steps from a
# loaded state (INIT = LOAD), bit for bit; the same seed, the same text
"$NPE" lm "$HGRN" --generate 6 --prompt 'And God said' --seed 5 --check --json > "$T/g" ||
  fail "lm --generate: $(cat "$T/g")"
grep -q '"prompt_chars": 12, "generated": "' "$T/g" || fail "lm generate json: $(cat "$T/g")"
grep -q '"golden_mismatches": 0}' "$T/g" || fail "lm generate golden: $(cat "$T/g")"
"$NPE" lm "$HGRN" --generate 6 --prompt 'And God said' --seed 5 --json > "$T/g2" || fail "lm gen 2"
[ "$(sed 's/"golden.*//' "$T/g")" = "$(sed 's/"golden.*//' "$T/g2")" ] || fail "lm generate: seed"

expect_usage() {
  what=$1
  shift
  "$@" > "$T/out" 2> "$T/err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2"
  [ -s "$T/out" ] && fail "$what: wrote to stdout"
  grep -q -- "$pattern" "$T/err" || fail "$what: no '$pattern' in: $(cat "$T/err")"
}
pattern='no --text' expect_usage "missing --text" "$NPE" lm "$HGRN"
pattern="unknown format 'int9'" expect_usage "bad format" "$NPE" lm "$HGRN" --text "$TXT" --format int9
pattern='bad --chars' expect_usage "bad chars" "$NPE" lm "$HGRN" --text "$TXT" --chars 1
pattern='--generate N takes --prompt' expect_usage "generate without prompt" \
  "$NPE" lm "$HGRN" --generate 5
pattern="symbol 0x58 at offset 4" expect_usage "prompt outside the vocabulary" \
  "$NPE" lm "$HGRN" --generate 5 --prompt 'The X'
pattern='cannot open' expect_usage "no model" "$NPE" lm "$T/none.npz" --text "$TXT"
printf 'And God said, Let there be X-rays.\n' > "$T/x.txt"
pattern="symbol 0x58 ('X') at offset 27 is not in the model's vocabulary" \
  expect_usage "symbol outside the vocabulary" "$NPE" lm "$HGRN" --text "$T/x.txt"

# bad model files, made from hgrn.npz with numpy
if "$PY" - "$HGRN" "$T" <<'PYEOF'
import sys, numpy as np
src, d = sys.argv[1], sys.argv[2]
z = dict(np.load(src, allow_pickle=False))
np.savez_compressed(d + "/compressed.npz", **z)
def save(name, **changes):
    w = dict(z)
    for k, v in changes.items():
        if v is None:
            del w[k]
        else:
            w[k] = v
    np.savez(d + "/" + name + ".npz", **w)
save("missing", **{"out.bias": None})
save("dtype", **{"weight_ih_l1": z["weight_ih_l1"].astype(np.float64)})
save("shape", **{"weight_ih_l1": z["weight_ih_l1"][:, :100]})
nan = z["out.weight"].copy(); nan[3, 5] = np.nan
save("nan", **{"out.weight": nan})
save("cell", cell=np.array("gla"))
open(d + "/truncated.npz", "wb").write(open(src, "rb").read()[:100000])
b = bytearray(open(src, "rb").read()); b[5000] ^= 1
open(d + "/corrupt.npz", "wb").write(bytes(b))
open(d + "/text.npz", "w").write("not a zip\n")
PYEOF
then
  for c in "compressed:compressed (deflate): only stored members are read" \
           "missing:no array 'out.bias' in the file" \
           "dtype:array 'weight_ih_l1' has dtype <f8, expected <f4" \
           "shape:array 'weight_ih_l1' has shape (576, 100), expected (576, 192)" \
           "nan:array 'out.weight' has a NaN or Inf" \
           "cell:unknown cell 'gla' (known: hgrn, gru, lstm)" \
           "truncated:truncated: no end-of-central-directory record" \
           "corrupt:CRC-32 mismatch" \
           "text:not a .npz (ZIP) file"; do
    pattern=${c#*:} expect_usage "bad model ${c%%:*}" "$NPE" lm "$T/${c%%:*}.npz" --text "$TXT"
  done
else
  echo "SKIP: bad .npz files (numpy missing)"
fi

"$NPE" lm --help | grep -q 'Usage: npe lm MODEL.npz --text FILE' || fail "lm --help"
"$NPE" help lm | grep -q 'npe_rnn DIAG' || fail "npe help lm"

if [ "$fails" -ne 0 ]; then
  echo "test_lm_cli.sh: $fails failure(s)" >&2
  exit 1
fi
echo "test_lm_cli.sh: all passed ($NPE)"
