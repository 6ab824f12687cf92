#!/bin/sh
# fwbox diff: golden output between two captures, from files (temporary
# in-memory database) and from UUIDs in the history; JSON form.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
cd "$SCRATCH"

# A: 6 trace formats, every step ok.  B: all 12 formats, a changed MGIR
# (fw major 28, sub-minor 1), one CR-space word changed, host.info failed.
mkdir a b
"$MKTRACE" a 200 5 6
"$MKTRACE" b 200 6
printf '\000\000\000\001\000\000\000\002\000\000\000\003\000\000\000\004' > cr_a
printf '\000\000\000\001\000\000\000\002\377\000\000\003\000\000\000\004' > cr_b
head -c 64 /dev/zero > mg_a
{ head -c 32 /dev/zero; printf '\000\034\000\001'; head -c 28 /dev/zero; } > mg_b
echo data > x
"$MKBUNDLE" -o A.tar --compress none --uuid aaaaaaaa000000000000000000000001 \
	trace.cap=a/cap.bin trace.strings.0=a/strings.bin trace.ring=a/ring.bin \
	crspace=cr_a reg.MGIR=mg_a host.info=x >/dev/null
"$MKBUNDLE" -o B.tar --compress none --uuid bbbbbbbb000000000000000000000002 \
	trace.cap=b/cap.bin trace.strings.0=b/strings.bin trace.ring=b/ring.bin \
	crspace=cr_b reg.MGIR=mg_b host.info=/dev/null:failed:"timed out" >/dev/null

cat > expected <<'EOT'
A: aaaaaaaa-0000-0000-0000-000000000001
B: bbbbbbbb-0000-0000-0000-000000000002
Steps with a changed outcome: 1
  host.info: ok -> failed (timed out)
Register fields changed: 2
  MGIR[0].major: 0 -> 28
  MGIR[0].sub_minor: 0 -> 1
CR-space words changed: 1
  crspace 0x00000008: 0x00000003 -> 0xff000003
Trace formats new in B: 6
  17x FW assert at 0x%08x [0x722..0xff8e] (e.g. FW assert at 0x00000722)
  14x command interface ready (e.g. command interface ready)
  20x page request for %d pages [289..65341] (e.g. page request for 10940 pages)
  13x pci link speed %d width x%d [425..58565, 3845..61839] (e.g. pci link speed 18769 width x33155)
  19x steering rule %d added to table %d [2853..57862, 4674..63776] (e.g. steering rule 41858 added to table 59973)
  18x thermal sensor %d at %d C [608..59773, 926..57327] (e.g. thermal sensor 46922 at 41124 C)
Trace formats gone from B: 0
EOT
# Files not in any history: compared in a temporary in-memory database.
# Exit status as diff(1): 1 when the captures differ.
rc=0; "$FWBOX" diff --db "$SCRATCH/none.db" A.tar B.tar > got || rc=$?
[ "$rc" -eq 1 ] || fail "diff of differing captures exited $rc, expected 1"
diff -u expected got || fail "diff of files"
[ ! -e none.db ] || fail "diff created a database"

# The same from the history, by UUID prefix and by file.
"$FWBOX" load -q --db h.db A.tar B.tar
"$FWBOX" diff --db h.db aaaaaaaa bbbbbbbb > got || [ $? -eq 1 ]
diff -u expected got || fail "diff by UUID"
"$FWBOX" diff --db h.db A.tar bbbbbbbb-0000-0000-0000-000000000002 > got || [ $? -eq 1 ]
diff -u expected got || fail "diff of a file found in the history"

# Nothing is new from B to itself (exit 0); reversed, A has no new formats
# and the six are gone.
"$FWBOX" diff --db h.db B.tar B.tar > self || fail "self diff exited $?, expected 0"
grep -q '^Trace formats new in B: 0$' self || fail "self diff"
grep -q '^Trace formats gone from B: 0$' self || fail "self diff"
"$FWBOX" diff --db h.db B.tar A.tar > rev || [ $? -eq 1 ]
grep -q '^  host.info: failed -> ok$' rev || fail "reverse diff"
grep -q '^Trace formats gone from B: 6$' rev || fail "reverse diff: gone formats"
grep -qx '  17x FW assert at 0x%08x \[0x722..0xff8e\] (e.g. FW assert at 0x00000722)' rev ||
	fail "reverse diff: gone format with its range"

if command -v python3 >/dev/null; then
	"$FWBOX" diff --db h.db --json aaaaaaaa bbbbbbbb > diff.json || [ $? -eq 1 ]
	python3 - diff.json <<'PY' || fail "json diff"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["bundle_a"] == "aaaaaaaa-0000-0000-0000-000000000001", d["bundle_a"]
assert d["differ"] is True
assert d["steps"] == [{"kind": "host.info", "outcome_a": "ok", "outcome_b": "failed", "reason_b": "timed out"}], d["steps"]
assert d["crspace_words"] == [{"kind": "crspace", "address": 8, "value_a": 3, "value_b": 0xff000003}], d["crspace_words"]
assert [(f["field"], f["value_a"], f["value_b"]) for f in d["register_fields"]] == [("major", 0, 28), ("sub_minor", 0, 1)]
assert len(d["new_messages"]) == 6
assert d["new_messages"][0] == {"format": "FW assert at 0x%08x", "count": 17, "example": "FW assert at 0x00000722", "matched": True, "parameters": [[0x722, 0xff8e]]}, d["new_messages"][0]
assert d["gone_messages"] == []
assert d["same_card"] is True and d["device_a"] == d["device_b"], (d["device_a"], d["device_b"])
PY
fi

# A file that is not in the history with a UUID: refused with advice.
mkdir c
"$MKTRACE" c 10 9
"$MKBUNDLE" -o C.tar --compress none trace.cap=c/cap.bin trace.strings.0=c/strings.bin \
	trace.ring=c/ring.bin >/dev/null
# Trouble is exit 2 (as diff(1)), so that 1 always means "they differ".
expect_exit 2 "$FWBOX" diff --db h.db C.tar aaaaaaaa
"$FWBOX" diff --db h.db C.tar aaaaaaaa 2>&1 | grep -q "fwbox load" || fail "no advice"
expect_exit 2 "$FWBOX" diff --db h.db cccccccc aaaaaaaa
expect_exit 2 "$FWBOX" diff --db h.db A.tar

# A ring bundle of the emulator holds each message twice: ring events and
# the tracefs lines the emulated driver rendered from them.  The lines are
# matched to their formats and are duplicates of the ring's events, so each
# message is listed once, under its format: as many as B has formats.
if "$FWBOX" collect -q -d emu:cx7,owner=none,seed=4 -o plain.tar.zst >/dev/null 2>&1 &&
	"$FWBOX" collect -q -d emu:cx7,owner=none,seed=4 --trace-control --trace-seconds 1 \
		-o ring.tar.zst >/dev/null 2>&1; then
	"$FWBOX" load -q --db ring.db ring.tar.zst 2>/dev/null
	ring=$(sqlite3 ring.db "SELECT count(*) FROM trace_bundle_formats")
	text=$(sqlite3 ring.db "SELECT count(*) FROM trace_events_all WHERE source = 'text'")
	kept=$(sqlite3 ring.db "SELECT count(*) FROM trace_events WHERE source <> 'ring'")
	[ "$ring" -gt 0 ] && [ "$text" -gt 0 ] && [ "$kept" -eq 0 ] ||
		fail "ring bundle: $ring formats, $text tracefs lines, $kept of them kept"
	"$FWBOX" diff --db ring.db plain.tar.zst ring.tar.zst 2>/dev/null > ring-diff.txt || [ $? -eq 1 ]
	grep -qx "Trace formats new in B: $ring" ring-diff.txt ||
		fail "ring diff: $(grep 'Trace formats' ring-diff.txt), expected $ring"
	# B against itself: nothing is new.
	"$FWBOX" diff --db ring.db ring.tar.zst ring.tar.zst 2>/dev/null | grep -qx "Trace formats new in B: 0" ||
		fail "a bundle has new messages against itself"
fi
echo ok
