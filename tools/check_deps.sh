#!/bin/sh
# check_deps.sh WHAT... - checks that the tools a make target needs are
# installed; if not, installs the missing Debian packages: with apt-get as
# root, else through `sudo -n` when that works without a password; else
# prints the exact command and exits 1. NPE_NO_INSTALL=1 only prints.
# pkg:NAME requires Debian package NAME itself (tests/deps uses it with a
# package that does not exist). WHAT: c check verilator iverilog yosys nextpnr python3
# riscv ftdi zlib lm fuzz formal. Run `make deps` (as root) to install everything.
missing=""
need_pkg() { missing="$missing $1"; }
for what in "$@"; do
  case "$what" in
    c)         command -v cc >/dev/null 2>&1 || need_pkg gcc
               command -v make >/dev/null 2>&1 || need_pkg make ;;
    check)     command -v pkg-config >/dev/null 2>&1 || need_pkg pkg-config
               pkg-config --exists check 2>/dev/null || need_pkg check ;;
    verilator) command -v verilator >/dev/null 2>&1 || need_pkg verilator
               command -v g++ >/dev/null 2>&1 || need_pkg g++ ;;
    iverilog)  command -v iverilog >/dev/null 2>&1 || need_pkg iverilog ;;
    yosys)     command -v yosys >/dev/null 2>&1 || need_pkg yosys ;;
    nextpnr)   command -v nextpnr-ice40 >/dev/null 2>&1 || need_pkg nextpnr-ice40
               command -v icepack >/dev/null 2>&1 || need_pkg fpga-icestorm ;;
    python3)   command -v python3 >/dev/null 2>&1 || need_pkg python3 ;;
    riscv)     command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 || need_pkg "gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf" ;;
    ftdi)      pkg-config --exists libftdi1 2>/dev/null || need_pkg libftdi1-dev ;;
    zlib)      [ -f /usr/include/zlib.h ] || need_pkg zlib1g-dev ;;
    lm)        /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need_pkg python3-numpy
               /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need_pkg "python3-torch libopenblas0-pthread"
               command -v bible >/dev/null 2>&1 || need_pkg "bible-kjv bible-kjv-text"
               command -v bzip2 >/dev/null 2>&1 || need_pkg bzip2
               command -v xz >/dev/null 2>&1 || need_pkg xz-utils ;;
    fuzz)      command -v clang-14 >/dev/null 2>&1 || need_pkg clang-14
               [ -n "$(clang-14 -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null | grep /)" ] &&
                 [ -f "$(clang-14 -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] ||
                 need_pkg "libfuzzer-14-dev libclang-rt-14-dev" ;;
    formal)    { command -v yosys-smtbmc && command -v yosys-abc; } >/dev/null 2>&1 || need_pkg yosys
               command -v z3 >/dev/null 2>&1 || need_pkg z3 ;;
    pkg:*)     [ "$(dpkg-query -W -f='${db:Status-Status}' "${what#pkg:}" 2>/dev/null)" = installed ] ||
                 need_pkg "${what#pkg:}" ;;
    *) echo "check_deps.sh: unknown requirement '$what'" >&2; exit 2 ;;
  esac
done
[ -z "$missing" ] && exit 0
# `make -j` runs several checks at once and apt-get takes one dpkg lock: the
# first to get here installs while the others wait, then each checks again.
if [ "${NPE_NO_INSTALL:-0}" != 1 ] && [ -z "${NPE_DEPS_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  NPE_DEPS_LOCKED=1 exec flock "${TMPDIR:-/tmp}/npe-check-deps.lock" "$0" "$@"
fi
if [ "${NPE_NO_INSTALL:-0}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "check_deps.sh: installing:$missing" >&2
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing && exit 0
    echo "error: apt-get failed installing:$missing" >&2
    exit 1
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "check_deps.sh: installing with sudo:$missing" >&2
    sudo -n apt-get update &&
      sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing && exit 0
    echo "error: sudo apt-get failed installing:$missing" >&2
    exit 1
  fi
fi
echo "error: missing packages:$missing" >&2
echo "Install them with:" >&2
echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
echo "or install everything this project uses with: sudo make deps" >&2
exit 1
