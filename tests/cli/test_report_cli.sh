#!/bin/sh
# test_report_cli.sh NPE_BINARY - end-to-end tests of `npe report` on a
# small hand-written results directory (no synthesis run needed), with
# Python's csv and json modules as the independent oracle for the CSV and
# JSON it prints, and every documented error path (exit 2, message on
# stderr, nothing on stdout).
set -u
NPE=${1:?usage: test_report_cli.sh NPE_BINARY}
PY=${PPA_PYTHON:-/usr/bin/python3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

D=$T/ppa
mkdir -p "$D"
# a report.csv as tools/ppa/report.py writes it (csv.DictWriter): quoted
# fields with commas and quotes, empty fields, CRLF line ends
printf '%s\r\n' \
  'kind,name,area_um2,critical_path_ns,pj_per_mac,source' \
  'block,pe_all,572100.5,14.03,,' \
  'block,csr,303875,2.32,,' \
  'mac28,pe_all:fp4,,,0.621,' \
  'published,"XR-NPE, 28 nm",,,,"arXiv 2508.13049 ""abstract"""' > "$D/report.csv"
printf '# PPA report\n\nwhole report text | with a bar\n' > "$D/report.md"

# md without --kind: report.md verbatim
"$NPE" report --dir "$D" > "$T/out" 2> "$T/err" || fail "md exit"
cmp -s "$T/out" "$D/report.md" || fail "md is not report.md verbatim"
# the environment variable names the directory
NPE_PPA_DIR=$D "$NPE" report > "$T/out" || fail "NPE_PPA_DIR exit"
cmp -s "$T/out" "$D/report.md" || fail "NPE_PPA_DIR not used"

# csv: the same rows and fields as the file (oracle: Python's csv module)
"$NPE" report --dir "$D" --format csv > "$T/all.csv" || fail "csv exit"
"$PY" - "$D/report.csv" "$T/all.csv" <<'EOF' || fail "csv rows differ from report.csv"
import csv, sys
a = list(csv.reader(open(sys.argv[1], newline="")))
b = list(csv.reader(open(sys.argv[2], newline="")))
assert a == b, (a, b)
EOF

# csv of one kind: only its rows, only the columns it uses
"$NPE" report --dir "$D" --format csv --kind block > "$T/block.csv" || fail "csv --kind exit"
"$PY" - "$T/block.csv" <<'EOF' || fail "csv --kind block"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows == [["kind", "name", "area_um2", "critical_path_ns"],
                ["block", "pe_all", "572100.5", "14.03"], ["block", "csr", "303875", "2.32"]], rows
EOF

# json: numbers as numbers, strings as strings, empty fields left out
"$NPE" report --dir "$D" --format json -o "$T/r.json" > "$T/out" || fail "json -o exit"
[ -s "$T/out" ] && fail "json -o also wrote to stdout"
"$PY" - "$D/report.csv" "$T/r.json" <<'EOF' || fail "json differs from report.csv"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
got = json.load(open(sys.argv[2]))
want = []
for r in rows:
    o = {}
    for k, v in r.items():
        if v == "":
            continue
        try:
            o[k] = float(v) if k not in ("kind", "name") else v
        except ValueError:
            o[k] = v
    want.append(o)
assert got == want, (got, want)
assert got[3]["name"] == "XR-NPE, 28 nm" and got[3]["source"] == 'arXiv 2508.13049 "abstract"'
EOF

# md of one kind: a table with the rows, '|' escaped
"$NPE" report --dir "$D" --kind published > "$T/pub.md" || fail "md --kind exit"
grep -q '^| kind | name | source |$' "$T/pub.md" || fail "md --kind header"
grep -q '^| published | XR-NPE, 28 nm | arXiv 2508.13049 "abstract" |$' "$T/pub.md" || fail "md --kind row"
[ "$(wc -l < "$T/pub.md")" -eq 3 ] || fail "md --kind: not 3 lines"

# --list: kinds and counts in order of appearance
"$NPE" report --dir "$D" --list > "$T/list" || fail "--list exit"
printf 'block      2\nmac28      1\npublished  1\n' | cmp -s - "$T/list" || fail "--list output"

# --help
"$NPE" report --help | grep -q '^Usage: npe report' || fail "--help"
"$NPE" help report | grep -q -- '--kind KIND' || fail "npe help report"

# errors: exit 2, a message on stderr, nothing on stdout
err2() {
  what=$1; shift
  "$@" > "$T/out" 2> "$T/err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, not 2"
  [ -s "$T/out" ] && fail "$what: wrote to stdout"
  grep -q 'npe report' "$T/err" || fail "$what: no message"
}
err2 "missing dir" "$NPE" report --dir "$T/nowhere"
grep -q 'make report' "$T/err" || fail "missing dir: no hint"
err2 "bad format" "$NPE" report --dir "$D" --format xml
err2 "unknown option" "$NPE" report --dir "$D" --bogus
err2 "missing value" "$NPE" report --dir
err2 "unknown kind" "$NPE" report --dir "$D" --kind nosuch
mkdir -p "$T/bad1" "$T/bad2" "$T/bad3" "$T/bad4"
printf 'kind,name,x\nblock,a\n' > "$T/bad1/report.csv"
err2 "short row" "$NPE" report --dir "$T/bad1" --format csv
grep -q 'line 2 has 2 fields' "$T/err" || fail "short row: message"
printf 'kind,name\nblock,"open\n' > "$T/bad2/report.csv"
err2 "unterminated quote" "$NPE" report --dir "$T/bad2" --format json
printf 'a,b\n1,2\n' > "$T/bad3/report.csv"
err2 "not a report" "$NPE" report --dir "$T/bad3" --format csv
cp "$D/report.csv" "$T/bad4/"
err2 "md without report.md" "$NPE" report --dir "$T/bad4"
# an unwritable output file: exit 1
"$NPE" report --dir "$D" --format csv -o "$T/nowhere/x.csv" > "$T/out" 2> "$T/err"
[ $? -eq 1 ] || fail "unwritable -o: not exit 1"

if [ "$fails" -ne 0 ]; then
  echo "test_report_cli: $fails failure(s)" >&2
  exit 1
fi
echo "test_report_cli: all passed ($NPE)"
