#!/bin/sh
# fwbox diff: golden output between two captures, from files (temporary
# in-memory database) and from UUIDs in the history; JSON form.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || { echo "tests/mkbundle not built yet"; exit 77; }
scratch
cd "$SCRATCH"

# A: 6 trace formats, every step ok.  B: all 12 formats, CR-space failed.
mkdir a b
"$MKTRACE" a 200 5 6
"$MKTRACE" b 200 6
echo data > x
"$MKBUNDLE" -o A.tar --compress none --uuid aaaaaaaa000000000000000000000001 \
	trace.cap=a/cap.bin trace.strings.0=a/strings.bin trace.ring=a/ring.bin \
	crspace=x reg.MGIR=x >/dev/null
"$MKBUNDLE" -o B.tar --compress none --uuid bbbbbbbb000000000000000000000002 \
	trace.cap=b/cap.bin trace.strings.0=b/strings.bin trace.ring=b/ring.bin \
	crspace=/dev/null:failed:"resource dump timed out" reg.MGIR=x >/dev/null

cat > expected <<'EOT'
A: aaaaaaaa-0000-0000-0000-000000000001
B: bbbbbbbb-0000-0000-0000-000000000002
Steps with a changed outcome: 1
  crspace: ok -> failed (resource dump timed out)
Register fields changed: 0
CR-space words changed: 0
Trace messages new in B: 6
  17x FW assert at 0x%08x (e.g. FW assert at 0x00000722)
  14x command interface ready (e.g. command interface ready)
  20x page request for %d pages (e.g. page request for 10940 pages)
  13x pci link speed %d width x%d (e.g. pci link speed 18769 width x33155)
  19x steering rule %d added to table %d (e.g. steering rule 41858 added to table 59973)
  18x thermal sensor %d at %d C (e.g. thermal sensor 46922 at 41124 C)
EOT
# Files not in any history: compared in a temporary in-memory database.
"$FWBOX" diff --db "$SCRATCH/none.db" A.tar B.tar > got
diff -u expected got || fail "diff of files"
[ ! -e none.db ] || fail "diff created a database"

# The same from the history, by UUID prefix and by file.
"$FWBOX" load -q --db h.db A.tar B.tar
"$FWBOX" diff --db h.db aaaaaaaa bbbbbbbb > got
diff -u expected got || fail "diff by UUID"
"$FWBOX" diff --db h.db A.tar bbbbbbbb-0000-0000-0000-000000000002 > got
diff -u expected got || fail "diff of a file found in the history"

# Nothing is new from B to itself; reversed, A has no new formats.
"$FWBOX" diff --db h.db B.tar B.tar | grep -q '^Trace messages new in B: 0$' || fail "self diff"
"$FWBOX" diff --db h.db B.tar A.tar | grep -q '^  crspace: failed -> ok$' || fail "reverse diff"

if command -v python3 >/dev/null; then
	"$FWBOX" diff --db h.db --json aaaaaaaa bbbbbbbb | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["a"] == "aaaaaaaa-0000-0000-0000-000000000001", d["a"]
assert d["steps"] == [{"kind": "crspace", "a": "ok", "b": "failed", "b_reason": "resource dump timed out"}], d["steps"]
assert d["crspace"] == {"count": 0, "words": []}
assert len(d["new_messages"]) == 6
assert d["new_messages"][0] == {"format": "FW assert at 0x%08x", "count": 17, "example": "FW assert at 0x00000722"}
' || fail "json diff"
fi

# A file that is not in the history with a UUID: refused with advice.
mkdir c
"$MKTRACE" c 10 9
"$MKBUNDLE" -o C.tar --compress none trace.cap=c/cap.bin trace.strings.0=c/strings.bin \
	trace.ring=c/ring.bin >/dev/null
expect_exit 1 "$FWBOX" diff --db h.db C.tar aaaaaaaa
"$FWBOX" diff --db h.db C.tar aaaaaaaa 2>&1 | grep -q "fwbox load" || fail "no advice"
expect_exit 1 "$FWBOX" diff --db h.db cccccccc aaaaaaaa
expect_exit 2 "$FWBOX" diff --db h.db A.tar
echo ok
