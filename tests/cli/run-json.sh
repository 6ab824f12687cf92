#!/bin/sh
# One JSON convention (fwbox(1) JSON OUTPUT), checked on every verb: the
# output of each verb's --json runs goes through tests/cli/json-check.py,
# which holds every field name and type to fwbox(1)'s Fields list and to
# the verb's own JSON OUTPUT section (and every field a page lists must
# show up).  Also: --pretty prints the same objects indented, options
# after the arguments mean the same, -j is --json.
#
# A new verb must get a case below: the test fails for a verb of
# `fwbox --help` without one.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
scratch
cd "$SCRATCH"
CHECK="python3 $top_srcdir/tests/cli/json-check.py"
MAN="$top_srcdir/man"
fx="$top_srcdir/tests/fixtures/decode"

# Inputs: a ring bundle (every trace field), a bundle with a failed step,
# a resource-dump bundle with every segment class, a damaged bundle.
"$FWBOX" collect -q -d emu:cx7,owner=none,seed=4 --trace-control --trace-seconds 1 \
	-o ring.tar.zst >/dev/null
rc=0; "$FWBOX" collect -q -d emu:cx7,seed=3,fail=MGIR -o failed.tar.zst >/dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "collect with fail=MGIR exited $rc, expected 3"
"$MKBUNDLE" -o segs.tar.zst resdump.menu="$fx/resdump.menu" >/dev/null
size=$(stat -c %s failed.tar.zst)
head -c $((size / 2)) failed.tar.zst > cut.tar.zst
"$FWBOX" load -q --db h.db ring.tar.zst failed.tar.zst
sh "$top_srcdir/tests/fixtures/make-sysfs-fixtures.sh" sysfs >/dev/null
# A bundle fwbox watch took (it carries a trigger note).
"$FWBOX" watch -q -d 'emu:cx7,fatal-at=0.01' --spool "$SCRATCH/wsp" --exit-after 1 >/dev/null || true
cp "$SCRATCH"/wsp/fwbox-*.tar.zst trig.tar.zst

# run NAME EXPECTED-EXIT VERB ARGS...: run VERB with -j into NAME.json,
# with -p into NAME.json.pretty, and with the options after the arguments
# (-j moved last) into NAME.json.late; all three must agree.  $BEFORE, if
# set, runs before each of the three.
run() {
	name=$1 want=$2 verb=$3
	shift 3
	for form in json pretty; do
		opt=-j
		[ "$form" = pretty ] && opt=-p
		out=$name.json
		[ "$form" = pretty ] && out=$name.json.pretty
		rc=0
		eval "${BEFORE:-:}"
		"$FWBOX" "$verb" $opt "$@" >"$out" 2>"$name.err" || rc=$?
		[ "$rc" -eq "$want" ] ||
			fail "fwbox $verb $opt $*: exit $rc, expected $want: $(cat "$name.err")"
	done
	rc=0
	eval "${BEFORE:-:}"
	"$FWBOX" "$verb" "$@" --json >"$name.json.late" 2>/dev/null || rc=$?
	[ "$rc" -eq "$want" ] || fail "fwbox $verb $* --json: exit $rc, expected $want"
	python3 - "$name.json" "$name.json.pretty" "$name.json.late" <<'PY' ||
import json, os, sys
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
a, p, l = (fwjson.load(f) for f in sys.argv[1:])
# Times and the collect path differ between runs; the shape may not.
def shape(o):
    if isinstance(o, dict):
        return {k: shape(v) for k, v in o.items()}
    if isinstance(o, list):
        return [shape(v) for v in o]
    return type(o).__name__
assert [shape(o) for o in a] == [shape(o) for o in p], "--pretty differs from --json"
assert [shape(o) for o in a] == [shape(o) for o in l], "options after arguments differ"
PY
		fail "fwbox $verb $*: -j, -p and trailing --json disagree"
	FILES="$FILES $name.json $name.json.pretty"
}

verbs=$("$FWBOX" --help | awk '/^Verbs:/ {on=1; next} on && /^  [a-z]/ {print $1}')
[ -n "$verbs" ] || fail "no verbs in fwbox --help"
for verb in $verbs; do
	FILES=
	rows=
	case $verb in
	collect)
		mkdir cdir
		run collect-ok 0 collect -q -d emu:cx5 --only reg,health -o cdir
		run collect-partial 3 collect -q -d emu:cx7,fail=MGIR --only reg.MGIR,host.info -o cdir
		run collect-failed 1 collect -q -d emu:cx5 -o ring.tar.zst
		run plan 0 collect -d emu:cx7 --plan
		python3 - plan.json <<'PY' || fail "collect --plan JSON: fields"
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert set(o) == {"path", "step_count", "device_commands", "commands"}, sorted(o)
assert o["device_commands"] == 0 and o["step_count"] > 10
assert all(set(c) == {"step", "kind", "interface", "what", "opcode", "op_mod", "register",
                      "scope", "in_bytes", "out_bytes", "count", "expected_bytes"}
           for c in o["commands"])
PY
		;;
	devices)
		run devices 0 devices --sysroot sysfs/sysfs-cx7-fwctl
		;;
	show)
		"$FWBOX" redact -q --map "$SCRATCH/r.map" --case-id C-1 -o red0.tar.zst ring.tar.zst
		run show 0 show ring.tar.zst failed.tar.zst trig.tar.zst red0.tar.zst
		;;
	verify)
		run verify 1 verify ring.tar.zst cut.tar.zst
		;;
	extract)
		# Each run writes mgir.bin anew: an existing FILE needs --force.
		BEFORE="rm -f mgir.bin"
		run extract 0 extract -o mgir.bin ring.tar.zst reg.MGIR
		BEFORE=
		;;
	trace)
		run trace 0 trace ring.tar.zst
		;;
	regs)
		run regs 0 regs failed.tar.zst ring.tar.zst
		;;
	crspace)
		run crspace 0 crspace ring.tar.zst
		;;
	segments)
		run segments 0 segments segs.tar.zst ring.tar.zst
		;;
	health)
		# A bundle (stored dump, diagnose), a fatal device (both readings
		# come from collect's .after steps only in bundles).
		"$FWBOX" collect -q -d emu:cx7,fatal-after=5 -o fatal.tar.zst >/dev/null || true
		run health 0 health ring.tar.zst fatal.tar.zst -d 'emu:cx7,fatal-after=0'
		;;
	load)
		BEFORE="rm -f l.db"
		run load 3 load --db l.db failed.tar.zst cut.tar.zst
		BEFORE=
		# Second time: already loaded.
		run load2 0 load --db l.db failed.tar.zst
		;;
	query)
		run query-list 0 query --list
		$CHECK "$MAN" query $FILES || fail "query --list JSON"
		FILES=
		run query 0 query --db h.db "SELECT uuid, created_ns, NULL AS absent, 1.5 AS half, x'00ff' AS blob FROM bundles"
		python3 - query.json <<'PY' || fail "query rows"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 2, rows
r = rows[0]
# created_ns is above 2^53: a decimal string, exact.
assert isinstance(r["created_ns"], str) and int(r["created_ns"]) > 2**53, r
assert r["absent"] is None and r["half"] == 1.5 and r["blob"] == "00ff", r
PY
		rows=--rows
		;;
	diff)
		run diff 1 diff --db h.db failed.tar.zst ring.tar.zst
		;;
	list)
		run list 0 list --db h.db
		;;
	prune)
		BEFORE="cp h.db p.db"
		run prune 0 prune --db p.db --before 2100-01-01
		BEFORE=
		;;
	info)
		run info 0 info --db h.db ring.tar.zst failed.tar.zst
		;;
	watch)
		# One run shows every kind of line: a capture, an event during it
		# (suppressed), a second capture (the fatal error), the first
		# removed by MaxPerCard=1, a second card dead before the start
		# (present at start, not captured); then --status of the same spool.
		printf '[Watch]\nMinIntervalCard=0\nMinIntervalGlobal=0\nMaxPerCard=1\n' > w.conf
		BEFORE="rm -rf wspool"
		run watch 3 watch -c w.conf -d 'emu:cx7,burst=2@0.01,fatal-at=2' \
			-d 'emu:cx7,pci=0000:09:00.0,fatal-after=0' --spool wspool --exit-after 2
		BEFORE=
		run watch-status 0 watch --status --spool wspool
		;;
	redact)
		BEFORE="rm -f red.tar.zst"
		run redact 0 redact -q --map "$SCRATCH/r.map" --mask emulated -o red.tar.zst failed.tar.zst
		BEFORE=
		run redact-preview 0 redact --preview --map "$SCRATCH/r.map" --max-size 100M ring.tar.zst
		run redact-failed 1 redact --map "$SCRATCH/r.map" -o red2.tar.zst cut.tar.zst
		;;
	import)
		"$FWBOX" crspace --mstdump ring.tar.zst > mstdump_000008000_run_1
		"$FWBOX" extract ring.tar.zst trace.text -o tracefs.txt >/dev/null
		printf '0x00000002 0x1\n0x00000004 0x00000001\n' > mstdump_000008000_run_2
		echo "hello" > notes.txt
		mkdir -p imp
		BEFORE="rm -f imp/*"
		run import 3 import -q -o imp --strings-from ring.tar.zst mstdump_000008000_run_1 \
			mstdump_000008000_run_2 tracefs.txt notes.txt
		BEFORE=
		run import-dry 0 import -n --fw-version 1.2.3 mstdump_000008000_run_1
		;;
	report)
		run report 0 report -q -o r.html ring.tar.zst
		run report-fleet 0 report -q --db h.db -o fleet.html
		;;
	*)
		fail "no JSON case for verb '$verb': add one to tests/cli/run-json.sh"
		;;
	esac
	$CHECK $rows "$MAN" "$verb" $FILES || fail "$verb JSON does not follow fwbox(1)"
done
echo ok
