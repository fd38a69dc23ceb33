#!/bin/sh
# test_check_deps.sh - the set-up logic of `make demo` / `make test`
# (tools/check_deps.sh through the Makefile's check-deps-* targets) on a
# fake machine: fake id, sudo, apt-get and dpkg-query on PATH record what
# they are asked and "install" by creating a marker file; the requirement
# is a package that does not exist (DEPS_EXTRA=pkg:npe-fake-missing-pkg).
# Nothing is installed for real.
set -u
cd "$(dirname "$0")/../.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
PKG=npe-fake-missing-pkg
mkdir -p "$T/bin"
cat > "$T/bin/id" <<EOF2
#!/bin/sh
[ "\$1" = -u ] && { cat "$T/uid"; exit 0; }
exec /usr/bin/id "\$@"
EOF2
cat > "$T/bin/apt-get" <<EOF2
#!/bin/sh
echo "apt-get \$* [uid \$(cat "$T/uid")]" >> "$T/log"
[ -e "$T/apt_fails" ] && exit 100
[ "\$1" = install ] && touch "$T/installed"
exit 0
EOF2
cat > "$T/bin/sudo" <<EOF2
#!/bin/sh
echo "sudo \$*" >> "$T/log"
[ "\$1" = -n ] || exit 1
[ -e "$T/sudo_ok" ] || { echo "sudo: a password is required" >&2; exit 1; }
shift
echo 0 > "$T/uid"
exec "\$@"
EOF2
cat > "$T/bin/dpkg-query" <<EOF2
#!/bin/sh
for a; do last=\$a; done
if [ "\$last" = "$PKG" ]; then [ -e "$T/installed" ] && printf installed; exit 0; fi
exec /usr/bin/dpkg-query "\$@"
EOF2
chmod +x "$T/bin/"*

# run TARGET: make TARGET with the fakes first on PATH; status in $rc
run() {
  rm -f "$T/log" "$T/installed"
  PATH="$T/bin:$PATH" make -s --no-print-directory "$1" DEPS_EXTRA=pkg:$PKG \
    > "$T/out" 2> "$T/err"
  rc=$?
  touch "$T/log"
}

# root: apt-get update, then install of exactly the missing package
echo 0 > "$T/uid"; rm -f "$T/sudo_ok" "$T/apt_fails"
run check-deps-sim
[ $rc -eq 0 ] || fail "root: exit $rc"
grep -q "^apt-get update \[uid 0\]$" "$T/log" || fail "root: no apt-get update"
grep -q "^apt-get install -y $PKG \[uid 0\]$" "$T/log" || fail "root: install line: $(cat "$T/log")"
grep -q sudo "$T/log" && fail "root: sudo used"
run check-deps-test
[ $rc -eq 0 ] && grep -q "^apt-get install -y .*$PKG" "$T/log" || fail "root: check-deps-test: $(cat "$T/log")"

# not root, sudo -n works: through sudo -n, nothing asked interactively
echo 1000 > "$T/uid"; touch "$T/sudo_ok"
run check-deps-sim
[ $rc -eq 0 ] || fail "sudo: exit $rc"
grep -q "^sudo -n apt-get update$" "$T/log" || fail "sudo: no sudo -n apt-get update: $(cat "$T/log")"
grep -q "^apt-get install -y $PKG \[uid 0\]$" "$T/log" || fail "sudo: install not as root"

# not root, sudo needs a password: the exact command, exit 1, nothing run
echo 1000 > "$T/uid"; rm -f "$T/sudo_ok"
run check-deps-sim
[ $rc -ne 0 ] || fail "no sudo: exit 0"
grep -q "apt-get" "$T/log" && fail "no sudo: apt-get ran"
grep -q "^  sudo apt-get update && sudo apt-get install -y $PKG$" "$T/err" ||
  fail "no sudo: command not printed: $(cat "$T/err")"
# ... and make demo stops there, before building anything
PATH="$T/bin:$PATH" make -s --no-print-directory demo DEPS_EXTRA=pkg:$PKG > "$T/out" 2>&1 &&
  fail "make demo went on without the package"
grep -q "sudo apt-get install -y $PKG" "$T/out" || fail "make demo: command not printed"

# apt-get fails: exit 1 with a message
echo 0 > "$T/uid"; touch "$T/apt_fails"
run check-deps-sim
[ $rc -ne 0 ] || fail "apt-get failure: exit 0"
grep -q "apt-get failed" "$T/err" || fail "apt-get failure: no message"
rm -f "$T/apt_fails"

# NPE_NO_INSTALL=1: print only
NPE_NO_INSTALL=1 run check-deps-sim
[ $rc -ne 0 ] && ! grep -q "apt-get" "$T/log" || fail "NPE_NO_INSTALL=1 installed"

# make -j: two checks at once, one dpkg lock. This apt-get fails as the
# real one does when another holds the lock; the checks must take turns and
# the package be installed once.
cat > "$T/bin/apt-get" <<EOF2
#!/bin/sh
echo "apt-get \$* [uid \$(cat "$T/uid")]" >> "$T/log"
[ "\$1" = install ] || exit 0
mkdir "$T/dpkg_lock" 2>/dev/null || { echo "E: Could not get lock" >&2; exit 100; }
sleep 1
touch "$T/installed"
rmdir "$T/dpkg_lock"
EOF2
chmod +x "$T/bin/apt-get"
echo 0 > "$T/uid"; rm -f "$T/log" "$T/installed"
for i in 1 2; do
  (TMPDIR=$T PATH="$T/bin:$PATH" tools/check_deps.sh pkg:$PKG > /dev/null 2>&1; echo $? > "$T/rc$i") &
done
wait
[ "$(cat "$T/rc1")$(cat "$T/rc2")" = 00 ] || fail "concurrent checks: exit $(cat "$T/rc1") $(cat "$T/rc2")"
[ "$(grep -c "^apt-get install" "$T/log")" -eq 1 ] ||
  fail "concurrent checks: installs: $(grep -c "^apt-get install" "$T/log") (want 1)"

# nothing missing: nothing run
echo 0 > "$T/uid"
rm -f "$T/log"
PATH="$T/bin:$PATH" make -s --no-print-directory check-deps-sim > /dev/null 2>&1 || fail "warm: exit"
[ ! -s "$T/log" ] || fail "warm machine: apt-get ran: $(cat "$T/log")"

if [ $fails -ne 0 ]; then
  echo "test_check_deps: $fails failure(s)" >&2
  exit 1
fi
echo "test_check_deps: all passed"
