#!/bin/sh
# test_lm_cli.sh NPE_BINARY - end-to-end tests of `npe lm` on the simulator:
# the hgrn model on 64 characters of the KJV test split in INT8, gru and
# lstm in INT8 and the Sherry hgrn and gru in ternary (the gru's W_hh on
# the recurrence unit with its row scales, also in two blocks) on 16, the
# engine bit for bit
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
grep -q '^text .*64 chars (63 predicted), blocks of 63$' "$T/r" || fail "lm text line"
bpc=$(awk '$1 == "int8" { print $2 }' "$T/r")
ref=$(awk '$1 == "float32" && $2 == "bpc" { print $3 }' "$T/r")
awk -v b="$bpc" -v r="$ref" 'BEGIN { d = b - r; exit !(b > 0.5 && b < 4 && d < 0.3 && d > -0.3) }' ||
  fail "lm int8 bpc $bpc against float32 $ref"
grep -q '(npe_rnn HGRN, Q15.16)' "$T/r" || fail "lm hgrn: gates not on the unit: $(cat "$T/r")"
# the hgrn's gates on the host in float, the recurrence as DIAG (before API
# 0.12.0): bit for bit too, and close to the unit's gates
"$NPE" lm "$HGRN" --text "$TXT" --chars 64 --format int8 --check --hgrn-gates host > "$T/rh" ||
  fail "lm hgrn int8 --hgrn-gates host --check: $(cat "$T/rh")"
grep -q '^int8 .* identical (3969 logits)$' "$T/rh" || fail "lm host gates golden line"
grep -q 'the recurrence (npe_rnn DIAG)' "$T/rh" || fail "lm host gates line: $(cat "$T/rh")"
bph=$(awk '$1 == "int8" { print $2 }' "$T/rh")
awk -v a="$bpc" -v b="$bph" 'BEGIN { d = a - b; exit !(d < 0.02 && d > -0.02) }' ||
  fail "lm hgrn int8: unit gates $bpc, host gates $bph"
# gru, lstm (the recurrence unit), the Sherry hgrn and gru (RECUR with
# AUX.ROWSCALE) in ternary, on fewer characters: bit for bit too
for mf in gru:int8 lstm:int8 hgrn-ternary:ternary gru-ternary:ternary; do
  "$NPE" lm "lm/weights/${mf%%:*}.npz" --text "$TXT" --chars 16 --format "${mf#*:}" --check \
    > "$T/r_${mf%%:*}" || fail "lm ${mf%%:*} ${mf#*:} --check: $(cat "$T/r_${mf%%:*}")"
  grep -q "^${mf#*:} .* identical (945 logits)$" "$T/r_${mf%%:*}" || fail "lm ${mf%%:*} golden line"
done
"$NPE" lm lm/weights/gru-ternary.npz --text "$TXT" --chars 16 --block 8 --format ternary --check \
  > "$T/r_blocks" || fail "lm gru-ternary ternary --block 8 --check: $(cat "$T/r_blocks")"
grep -q "^ternary .* identical (945 logits)$" "$T/r_blocks" || fail "lm gru-ternary blocks golden line"
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

# blocks: the state carried from block to block, on the engine bit for bit;
# the golden device (--device golden, its fast matmul checked against the
# golden library) over a longer text gives, after its first block of 8, the
# engine's bits/char over the same 8 predictions to the last digit
"$NPE" lm "$HGRN" --text "$TXT" --chars 17 --block 8 --format int8 --check > "$T/b" ||
  fail "lm --block 8 --check: $(cat "$T/b")"
grep -q '^int8 .* identical (1008 logits)$' "$T/b" || fail "lm blocks golden line: $(cat "$T/b")"
grep -q 'blocks of 8$' "$T/b" || fail "lm blocks text line"
"$NPE" lm "$HGRN" --text "$TXT" --chars 9 --block 8 --format int8 --check --json > "$T/e8" || fail "lm engine 8"
"$NPE" lm "$HGRN" --text "$TXT" --chars 100 --block 8 --format int8 --device golden --json \
  --progress > "$T/g8" 2> "$T/g8err" || fail "lm --device golden: $(cat "$T/g8err")"
grep -q '"source": "golden model"' "$T/g8" || fail "lm golden source"
grep -q 'npe lm: .* int8 (golden model): 99/99 chars' "$T/g8err" || fail "lm progress: $(cat "$T/g8err")"
ebpc=$(sed 's/.*"bpc_exact": \([0-9.e-]*\).*/\1/' "$T/e8")
gpre=$(sed 's/.*"bpc_prefix": \[\([0-9.e-]*\),.*/\1/' "$T/g8")
[ -n "$ebpc" ] && [ "$ebpc" = "$gpre" ] || fail "engine bpc $ebpc, golden first block $gpre"
grep -q '"fast_matmuls_checked": [1-9]' "$T/g8" || fail "lm golden fast matmul not checked"
# a list of formats, in the table's order; --no-reference leaves float32 out
"$NPE" lm "$HGRN" --text "$TXT" --chars 20 --format int8,fp4 --device golden --no-reference \
  --json > "$T/l" || fail "lm --format list"
grep -q '"float32_bpc": null' "$T/l" || fail "lm --no-reference: $(cat "$T/l")"
grep -q '"formats": \[{"format": "fp4".*{"format": "int8"' "$T/l" || fail "lm format list: $(cat "$T/l")"
# the hgrn's gates through the NLU: the same table on both sides (--check);
# the analog ramp is deterministic per seed and differs between seeds
"$NPE" lm "$HGRN" --text "$TXT" --chars 9 --block 8 --format int8 --nlu-bits 5 --check > "$T/n" ||
  fail "lm --nlu-bits --check: $(cat "$T/n")"
grep -q 'hgrn gates      NLU B = 5, golden staircase' "$T/n" || fail "lm nlu line: $(cat "$T/n")"
grep -q '^int8 .* identical' "$T/n" || fail "lm nlu golden"
nb() { "$NPE" lm "$HGRN" --text "$TXT" --chars 200 --format int8 --device golden "$@" --json |
       sed 's/.*"bpc_exact": \([0-9.e-]*\).*/\1/'; }
off=$(nb --hgrn-gates host); d8=$(nb --nlu-bits 8); a1=$(nb --nlu-bits 5 --analog --seed 1)
a1b=$(nb --nlu-bits 5 --analog --seed 1); a2=$(nb --nlu-bits 5 --analog --seed 2)
[ "$a1" = "$a1b" ] || fail "analog NLU not deterministic: $a1 $a1b"
[ "$a1" != "$a2" ] || fail "analog NLU: seeds 1 and 2 give the same $a1"
[ "$d8" != "$off" ] || fail "--nlu-bits 8 changed nothing ($off)"
awk -v a="$d8" -v b="$off" 'BEGIN { d = a - b; exit !(d < 0.05 && d > -0.05) }' ||
  fail "--nlu-bits 8: $d8 against host float $off"

# the report (tools/lm/report.py) from tiny runs
if "$PY" -c 'import json, csv' 2> /dev/null; then
  mkdir -p "$T/runs"
  cp "$T/e8" "$T/runs/engine-hgrn.json"
  cp "$T/g8" "$T/runs/golden-hgrn.json"
  "$PY" tools/lm/report.py --runs "$T/runs" --out "$T/rep/report" hgrn > "$T/rep.out" ||
    fail "report.py: $(cat "$T/rep.out")"
  for x in md csv json svg; do [ -s "$T/rep/report.$x" ] || fail "report.$x missing"; done
  grep -q '^| int8 | .* | yes |$' "$T/rep/report.md" || fail "report.md row: $(cat "$T/rep/report.md")"
  grep -q '<circle' "$T/rep/report.svg" || fail "report.svg has no point"
  echo '{"formats": [' > "$T/runs/golden-gru.json"
  cp "$T/e8" "$T/runs/engine-gru.json"
  "$PY" tools/lm/report.py --runs "$T/runs" --out "$T/rep/r2" gru > /dev/null 2> "$T/rep.err"
  [ $? -eq 2 ] && grep -q 'golden-gru.json: not JSON' "$T/rep.err" || fail "report.py bad run: $(cat "$T/rep.err")"
fi

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
pattern="bad --block '0' (1..65536)" expect_usage "block 0" "$NPE" lm "$HGRN" --text "$TXT" --block 0
pattern="bad --hgrn-gates 'cpu'" expect_usage "hgrn gates" "$NPE" lm "$HGRN" --text "$TXT" --hgrn-gates cpu
pattern='--nlu-bits evaluates the hgrn' expect_usage "nlu with unit gates" \
  "$NPE" lm "$HGRN" --text "$TXT" --nlu-bits 4 --hgrn-gates unit
pattern='needs the recurrence unit' expect_usage "engine without the unit" \
  "$NPE" lm "$HGRN" --text "$TXT" --device 'sim:?build=small'
pattern="bad --block 'x'" expect_usage "block x" "$NPE" lm "$HGRN" --text "$TXT" --block x
pattern="bad --nlu-bits '9' (1..8)" expect_usage "nlu bits 9" "$NPE" lm "$HGRN" --text "$TXT" --nlu-bits 9
pattern="bad --nlu-bits ''" expect_usage "nlu bits empty" "$NPE" lm "$HGRN" --text "$TXT" --nlu-bits ''
pattern='--analog needs --nlu-bits' expect_usage "analog alone" "$NPE" lm "$HGRN" --text "$TXT" --analog
pattern="gru's gates run in the recurrence unit" expect_usage "nlu on gru" \
  "$NPE" lm lm/weights/gru.npz --text "$TXT" --nlu-bits 5
pattern='with --device golden there is no engine' expect_usage "golden --check" \
  "$NPE" lm "$HGRN" --text "$TXT" --device golden --check
pattern='--nlu-bits and --analog go with --text' expect_usage "nlu generate" \
  "$NPE" lm "$HGRN" --generate 5 --prompt 'And' --nlu-bits 5
pattern="repeated format 'int8'" expect_usage "format twice" "$NPE" lm "$HGRN" --text "$TXT" --format int8,int8
pattern="ends in a comma" expect_usage "format comma" "$NPE" lm "$HGRN" --text "$TXT" --format int8,
pattern="unknown format 'foo' in --format 'int8,foo'" expect_usage "format list unknown" \
  "$NPE" lm "$HGRN" --text "$TXT" --format int8,foo
pattern="bad --chars 'al'" expect_usage "chars al" "$NPE" lm "$HGRN" --text "$TXT" --chars al
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
