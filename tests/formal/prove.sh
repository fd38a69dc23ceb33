#!/bin/sh
# prove.sh NAME TOP DEPTH EXPECT 'CHPARAMS' 'DEFINES' SOURCE... - one formal
# check (mk/formal.mk). Yosys reads the sources with -formal, flattens the
# harness TOP, turns async resets into sync ones and writes the model twice:
# SMT-LIB2 (for yosys-smtbmc) and an AIG. ABC (yosys-abc, in Debian's yosys)
# runs a bounded model check of DEPTH steps (bmc3) on the AIG, assumptions
# folded in as constraints, then tries an unbounded proof (pdr, at most
# PDR_SECONDS, default 60; 0 skips it; PDR_EACH=1: each assertion on its own
# for PDR_SECONDS, reporting how many are proved). A counterexample is replayed by yosys-smtbmc with
# z3 on the SMT-LIB2 model, which names the failing assertion and writes the
# trace as VCD. EXPECT: pass (no counterexample within DEPTH) or fail (a
# planted bug: a counterexample must be found). Files: $FORMAL_BUILD
# (default build/formal)/NAME.*.
#
# Why not yosys-smtbmc alone: z3 4.8.12 (Debian 12) stalls for minutes at
# step 0 on smtbmc's encoding (in the rewriting of the define-fun that ANDs
# all assertions), and with --unroll the DMA harness takes minutes per step;
# ABC's bmc3 checks the same model to depth 25 in about a second.
set -eu
name=$1 top=$2 depth=$3 expect=$4 chparams=$5 defines=$6
shift 6
out=${FORMAL_BUILD:-build/formal}
pdr_seconds=${PDR_SECONDS:-60}
mkdir -p "$out"
rm -f "$out/$name.aiw" "$out/$name.vcd" "$out/$name.pdr.log"
{
  echo "read_verilog -sv -formal $defines $*"
  [ -n "$chparams" ] && echo "chparam $chparams $top"
  echo "prep -top $top"
  echo "flatten"
  echo "async2sync"
  echo "opt_clean"
  echo "dffunmap"
  echo "write_smt2 -wires $out/$name.smt2"
  echo "setundef -undriven -anyseq"
  echo "opt -fast"
  echo "delete -output"
  echo "techmap"
  echo "opt -fast"
  echo "dffunmap"
  echo "abc -g AND -fast"
  echo "opt_clean"
  echo "write_aiger -I -B -zinit -map $out/$name.aim $out/$name.aig"
} > "$out/$name.ys"
yosys -q -l "$out/$name.yosys.log" "$out/$name.ys" > /dev/null
props=$(grep -c '^; yosys-smt2-assert ' "$out/$name.smt2" || true)
assumes=$(grep -c '^; yosys-smt2-assume ' "$out/$name.smt2" || true)

now() { date +%s.%N; }
since() { echo "$1 $(now)" | awk '{printf "%.1f", $2 - $1}'; }

# bounded: bmc3 to DEPTH, one assertion at a time (its cone of influence
# with the assumptions folded in): far faster than all at once. A failure
# is then searched on the whole model to get a trace that replays.
t0=$(now)
abc_pre="read_aiger $out/$name.aig; fold; strash"
nout=$(yosys-abc -c "$abc_pre; print_stats" 2>&1 | sed -n 's/.*i\/o = *[0-9]*\/ *\([0-9]*\).*/\1/p' | tail -n 1)
[ -n "$nout" ] || { echo "formal $name: ABC cannot read $out/$name.aig"; exit 1; }
# every assertion of the SMT-LIB2 model is an output of the AIG
[ "$nout" = "$props" ] ||
  { echo "formal $name: $nout AIG outputs but $props assertions in $out/$name.smt2"; exit 1; }
status=PASSED
: > "$out/$name.bmc.log"
i=0
while [ "$i" -lt "$nout" ]; do
  yosys-abc -c "$abc_pre; cone -O $i -s; bmc3 -F $depth" > "$out/$name.bmc1.log" 2>&1 || true
  { echo "== output $i"; cat "$out/$name.bmc1.log"; } >> "$out/$name.bmc.log"
  if grep -q 'was asserted in frame' "$out/$name.bmc1.log"; then status=FAILED; break
  elif ! grep -q "No output asserted in $depth frames" "$out/$name.bmc1.log"; then status=ERROR; break; fi
  i=$((i + 1))
done
if [ "$status" = FAILED ]; then
  yosys-abc -c "$abc_pre; bmc3 -F $depth; write_cex -a $out/$name.aiw" >> "$out/$name.bmc.log" 2>&1 || true
fi
bmc_s=$(since "$t0")

# a counterexample: replay it with yosys-smtbmc + z3 for the assertion and a VCD
failed=""
if [ "$status" = FAILED ]; then
  yosys-smtbmc -s z3 --unroll --noprogress --aig "$out/$name.aim:$out/$name.aiw" --aig-noheader \
    --dump-vcd "$out/$name.vcd" "$out/$name.smt2" > "$out/$name.replay.log" 2>&1 || true
  failed=$(grep -m1 'Assert failed' "$out/$name.replay.log" | sed 's/.*Assert failed in [^:]*: //; s/ (.*//')
  frame=$(sed -n 's/.*was asserted in frame \([0-9]*\).*/\1/p' "$out/$name.bmc.log" | head -n 1)
  [ -n "$failed" ] || { cat "$out/$name.replay.log"; echo "formal $name: the counterexample does not replay"; exit 1; }
fi

what="$props assertions, $assumes assumptions, depth $depth, bmc3 $bmc_s s"
case "$expect:$status" in
  pass:PASSED)
    # unbounded: pdr, bounded in time: on the whole model, or (PDR_EACH=1)
    # on each assertion's cone with PDR_SECONDS each
    t0=$(now)
    : > "$out/$name.pdr.log"
    ub=0
    if [ "$pdr_seconds" -gt 0 ] && [ "${PDR_EACH:-0}" = 1 ]; then
      i=0 nproved=0
      while [ "$i" -lt "$nout" ]; do
        timeout "$pdr_seconds" yosys-abc -c "$abc_pre; cone -O $i -s; pdr" \
          > "$out/$name.pdr1.log" 2>&1 || true
        { echo "== output $i"; cat "$out/$name.pdr1.log"; } >> "$out/$name.pdr.log"
        if grep -q 'Property proved' "$out/$name.pdr1.log"; then nproved=$((nproved + 1))
        elif grep -q 'was asserted in frame' "$out/$name.pdr1.log"; then
          echo "formal $name: bmc3 passed but pdr found a counterexample deeper than $depth (output $i)"
          exit 1
        fi
        i=$((i + 1))
      done
      [ "$nproved" = "$nout" ] && ub=1
      unb="$nproved of $nout assertions proved for all depths by pdr ($pdr_seconds s each, $(since "$t0") s)"
      pdr_s=$(since "$t0")
    elif [ "$pdr_seconds" -gt 0 ]; then
      timeout "$pdr_seconds" yosys-abc -c "$abc_pre; pdr" > "$out/$name.pdr.log" 2>&1 || true
      pdr_s=$(since "$t0")
      if grep -q 'Property proved' "$out/$name.pdr.log"; then
        unb="proved for all depths by pdr in $pdr_s s"; ub=1; nproved=$nout
      elif grep -q 'was asserted in frame' "$out/$name.pdr.log"; then
        echo "formal $name: bmc3 passed but pdr found a counterexample deeper than $depth:"
        cat "$out/$name.pdr.log"; exit 1
      else unb="pdr: no unbounded proof within $pdr_seconds s"; nproved=0; fi
    else unb="pdr not tried"; nproved=0; fi
    echo "formal $name: PASSED ($what; $unb)"
    echo "BENCH formal_${name}_props $props count"
    echo "BENCH formal_${name}_depth $depth steps"
    echo "BENCH formal_${name}_bmc_time $bmc_s s"
    echo "BENCH formal_${name}_unbounded $ub bool"
    echo "BENCH formal_${name}_pdr_proved $nproved count"
    [ "$ub" = 1 ] && echo "BENCH formal_${name}_pdr_time $pdr_s s"
    exit 0 ;;
  fail:FAILED)
    echo "formal $name: planted bug caught at step $frame ($what): $failed; trace $out/$name.vcd"
    echo "BENCH formal_${name}_caught_step $frame step"
    exit 0 ;;
  pass:FAILED)
    tail -n 20 "$out/$name.replay.log"
    echo "formal $name: FAILED at step $frame: $failed; trace $out/$name.vcd"
    exit 1 ;;
  fail:PASSED)
    echo "formal $name: the planted bug went unnoticed ($what)"
    exit 1 ;;
  *)
    tail -n 20 "$out/$name.bmc.log"
    echo "formal $name: ERROR running ABC"
    exit 1 ;;
esac
