#!/bin/sh
# test_format_cli.sh NPE_BINARY - end-to-end tests of `npe format`, with the
# reference vectors in tests/vectors as the oracle.
set -u
NPE=${1:?usage: test_format_cli.sh NPE_BINARY}
V=${NPE_VECTORS:-tests/vectors}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { :; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# encode: first 300 vector inputs of each posit format and fp4
for f in posit4_1:posit4 posit8_0:posit8 posit16_1:posit16 fp4_e2m1:fp4; do
  file=$V/${f%%:*}_encode.txt fmt=${f##*:}
  grep -v '^#' "$file" | head -n 300 > "$T/enc"
  cut -d' ' -f1 "$T/enc" > "$T/in"
  cut -d' ' -f2 "$T/enc" > "$T/want"
  "$NPE" format encode "$fmt" $(cat "$T/in") > "$T/got" || fail "encode $fmt exit"
  cmp -s "$T/want" "$T/got" || fail "encode $fmt differs from $file"
done

# decode: every pattern of posit8 and fp4 (nan is printed as nar)
for f in posit8_0:posit8 fp4_e2m1:fp4 posit4_1:posit4; do
  file=$V/${f%%:*}_decode.txt fmt=${f##*:}
  grep -v '^#' "$file" > "$T/dec"
  cut -d' ' -f2 "$T/dec" | sed 's/^nan$/nar/' > "$T/want"
  "$NPE" format decode "$fmt" $(cut -d' ' -f1 "$T/dec") > "$T/got" || fail "decode $fmt exit"
  # compare numerically: both sides are %.17g-style decimals
  paste "$T/want" "$T/got" | awk '$1 != $2 && ($1 + 0) != ($2 + 0) { bad++ } END { exit bad > 0 }' \
    || fail "decode $fmt differs from $file"
done

# dot: the first 20 fused dot products of each posit format
for f in posit4_1:posit4 posit8_0:posit8 posit16_1:posit16; do
  file=$V/${f%%:*}_fdp.txt fmt=${f##*:}
  grep -v '^#' "$file" | head -n 20 | while read -r line; do
    set -- $line
    n=$1; shift
    i=0; : > "$T/pairs"
    while [ $i -lt "$n" ]; do echo "$1 $2" >> "$T/pairs"; shift 2; i=$((i + 1)); done
    got=$("$NPE" format dot "$fmt" < "$T/pairs" | head -n 1)
    [ "$got" = "$1" ] || { echo "FAIL: dot $fmt n=$n: got $got want $1" >&2; exit 1; }
  done || fail "dot $fmt"
done
out=$(printf '40 40\n7f 7f\n' | "$NPE" format dot posit8)
[ "$out" = "$(printf '7f\n0x1.001p+12')" ] || fail "dot binary32 line: $out"
out=$(printf '' | "$NPE" format dot int8)
[ "$out" = "$(printf '00\n0x0p+0')" ] || fail "empty dot: $out"
out=$("$NPE" format decode posit16 0x8000 7fff)
[ "$out" = "$(printf 'nar\n268435456')" ] || fail "decode nar/maxpos: $out"
out=$("$NPE" format encode ternary -0.7 0.5 2)
[ "$out" = "$(printf '3\n0\n1')" ] || fail "encode ternary: $out"

# bad input: message on stderr, nothing on stdout, exit status 2
expect_usage() {
  "$@" > "$T/out" 2> "$T/err" < "${STDIN:-/dev/null}"
  rc=$?
  [ $rc -eq 2 ] || fail "exit $rc (want 2): $*"
  [ ! -s "$T/out" ] || fail "stdout not empty: $*"
  [ -s "$T/err" ] || fail "no error message: $*"
}
expect_usage "$NPE" format encode posit9 1
expect_usage "$NPE" format encode int8 1 2x 3
expect_usage "$NPE" format encode fp4 1 nan
expect_usage "$NPE" format encode int8
expect_usage "$NPE" format decode fp4 3 10
expect_usage "$NPE" format decode ternary 2
expect_usage "$NPE" format decode posit16 10000
expect_usage "$NPE" format decode posit8 zz
expect_usage "$NPE" format decode posit8 -1
expect_usage "$NPE" format frobnicate
expect_usage "$NPE" format
expect_usage "$NPE" frobnicate
expect_usage "$NPE" format report --n 1000 --k 7
expect_usage "$NPE" format report --bogus 1
printf '40 40\n40 4g\n' > "$T/bad1"; STDIN=$T/bad1 expect_usage "$NPE" format dot posit8
printf '40 40 40\n' > "$T/bad2"; STDIN=$T/bad2 expect_usage "$NPE" format dot posit8
printf '40 100\n' > "$T/bad3"; STDIN=$T/bad3 expect_usage "$NPE" format dot posit8
expect_usage "$NPE" format dot posit8 extra

# help
"$NPE" --help | grep -q '^Usage: npe' || fail "npe --help"
"$NPE" format --help | grep -q 'npe format encode' || fail "npe format --help"
"$NPE" help format | grep -q 'npe format dot' || fail "npe help format"

# report writes CSV and JSON
"$NPE" format report --n 4096 --k 64 --seed 3 --csv "$T/r.csv" > "$T/out" || fail "report"
[ "$(wc -l < "$T/r.csv")" -eq 8 ] || fail "report csv rows"
"$NPE" format report --n 4096 --k 64 --json | grep -q '"format": "sherry"' || fail "report json"

if [ $fails -ne 0 ]; then
  echo "test_format_cli: $fails failure(s)" >&2
  exit 1
fi
echo "test_format_cli: all passed ($NPE)"
