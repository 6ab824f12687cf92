#!/bin/sh
# fwbox load: verify-first loading, idempotency, rejection of a corrupted
# bundle with the database unchanged, exit statuses, trace event counts.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
command -v sqlite3 >/dev/null || { echo "no sqlite3 tool"; exit 77; }
scratch
cd "$SCRATCH"
db=$SCRATCH/h.db

# Three bundles of one card (200, 300, 400 trace messages) in a folder.
mkdir in
for i in 1 2 3; do
	mkdir t$i
	"$MKTRACE" t$i $((100 + 100 * i)) $i
	"$MKBUNDLE" -o in/b$i.tar.zst --uuid $(printf '%032d' $i) --time ${i}000000000000000000 \
		--fw 28.39.100$i trace.cap=t$i/cap.bin trace.strings.0=t$i/strings.bin \
		trace.ring=t$i/ring.bin reg.MGIR=/dev/null:failed:"MGIR timed out" >/dev/null
done

counts() {
	sqlite3 "$db" "SELECT (SELECT count(*) FROM bundles), (SELECT count(*) FROM devices),
		(SELECT count(*) FROM artifacts), (SELECT count(*) FROM trace_ev),
		(SELECT count(*) FROM trace_formats), (SELECT count(*) FROM trace_blocks)"
}

"$FWBOX" load --db "$db" in > out.txt
[ "$(grep -c '^loaded ' out.txt)" -eq 3 ] || fail "first load: $(cat out.txt)"
first=$(counts)
[ "$first" = "3|1|12|900|12|5" ] || fail "counts after the first load: $first"
[ "$(sqlite3 "$db" "SELECT group_concat(n) FROM (SELECT count(*) n FROM trace_events GROUP BY bundle ORDER BY bundle)")" = "200,300,400" ] ||
	fail "events per bundle"
[ "$(sqlite3 "$db" "PRAGMA journal_mode")" = wal ] || fail "not WAL"

# Again: a no-op that says so; counts are the same.
"$FWBOX" load --db "$db" in/b2.tar.zst in/b1.tar.zst > out.txt
[ "$(grep -c '^already loaded: ' out.txt)" -eq 2 ] || fail "second load: $(cat out.txt)"
[ "$(counts)" = "$first" ] || fail "counts changed on reload: $(counts)"

# A corrupted bundle (one byte flipped in the middle of the ring) is
# rejected and nothing of it is stored.
mkdir t4
"$MKTRACE" t4 500 4
python3 - t4/ring.bin <<'PY' || { echo "no python3"; exit 77; }
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0x40
open(p + '.bad', 'wb').write(b)
PY
"$MKBUNDLE" -o good4.tar --compress none --uuid $(printf '%032d' 4) --time 4000000000000000000 trace.cap=t4/cap.bin \
	trace.strings.0=t4/strings.bin trace.ring=t4/ring.bin >/dev/null
# Same index (sizes and hashes of the good ring), other bytes: corrupt the
# archive member in place, as a bad disk or a cut copy would.
python3 - good4.tar t4/ring.bin <<'PY'
import sys
tar, ring = sys.argv[1], sys.argv[2]
b = bytearray(open(tar, 'rb').read())
r = open(ring, 'rb').read()
i = b.find(r[:4096])
assert i > 0
b[i + len(r) // 2] ^= 0x40
open('bad4.tar', 'wb').write(b)
PY
before=$(sqlite3 "$db" .dump | sha256sum)
expect_exit 1 "$FWBOX" load --db "$db" bad4.tar
"$FWBOX" load --db "$db" bad4.tar 2>&1 | grep -q "rejected 'bad4.tar'" || fail "no rejection message"
[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ] || fail "the rejected bundle changed the database"
# A truncated bundle too.
head -c $(($(wc -c < in/b3.tar.zst) / 2)) in/b3.tar.zst > cut.tar.zst
expect_exit 1 "$FWBOX" load --db "$db" cut.tar.zst
[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ] || fail "the cut bundle changed the database"

# Partial success: one good new bundle and one bad: exit 3.
expect_exit 3 "$FWBOX" load --db "$db" good4.tar bad4.tar
[ "$(sqlite3 "$db" "SELECT count(*) FROM trace_events t JOIN bundles b ON b.id = t.bundle WHERE b.uuid LIKE '00000000-0000-0000-0000-000000000004'")" = 500 ] ||
	fail "good4 not fully loaded"
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity"

# Default database: $FWBOX_DB, else $XDG_DATA_HOME/fwbox/history.db.
XDG_DATA_HOME=$SCRATCH/xdg "$FWBOX" load -q in/b1.tar.zst
[ -f "$SCRATCH/xdg/fwbox/history.db" ] || fail "XDG default not used"
FWBOX_DB=$SCRATCH/env.db "$FWBOX" load -q in/b1.tar.zst
[ -f "$SCRATCH/env.db" ] || fail "FWBOX_DB not used"

# The views answer the common questions.
[ "$(sqlite3 "$db" "SELECT count(*) FROM fw_history WHERE changed")" = 3 ] || fail "fw_history"
[ "$(sqlite3 "$db" "SELECT count(*) FROM failed_steps WHERE kind = 'reg.MGIR'")" = 3 ] || fail "failed_steps"
[ "$(sqlite3 "$db" "SELECT fw_version FROM latest_capture")" = 28.39.1002 ] || fail "latest_capture"

# The count of trace_events equals the lines of `fwbox trace` once that
# verb decodes bundles.
if "$FWBOX" trace --help 2>/dev/null | grep -q BUNDLE; then
	n=$("$FWBOX" trace in/b2.tar.zst | wc -l)
	[ "$n" -eq 300 ] || fail "fwbox trace printed $n lines, the store has 300 events"
	# And the same timestamps and messages, in the same order.
	"$FWBOX" trace in/b2.tar.zst | sed 's/^[^ ]* //' > trace.txt
	sqlite3 "$db" "SELECT printf('[0x%x] %d [0x%x] %s', timestamp, lost, event_id, message)
		FROM trace_events t JOIN bundles b ON b.id = t.bundle
		WHERE b.uuid = '00000000-0000-0000-0000-000000000002' ORDER BY seq" > store.txt
	cmp -s trace.txt store.txt || { diff trace.txt store.txt | head -5; fail "messages differ"; }
fi

# Migration: a version-1 file (built from 001 alone) is brought up to date
# by the first writer, old rows backfilled.
sqlite3 v1.db < "$top_srcdir/schema/001-history.sql"
sqlite3 v1.db "PRAGMA user_version = 1;
	INSERT INTO bundles(id, uuid, sha256, created, created_ns, outcome, loaded)
	VALUES (1, 'old', 'old', 'x', 0, 'ok', 'x');
	INSERT INTO trace_blocks VALUES (1, 100, 130, 1, 2), (1, 140, 190, 3, 4);"
"$FWBOX" load -q --db v1.db in/b1.tar.zst
[ "$(sqlite3 v1.db "PRAGMA user_version")" = "$(ls "$top_srcdir"/schema/[0-9]*.sql | wc -l)" ] ||
	fail "not migrated"
[ "$(sqlite3 v1.db "SELECT blk_span FROM bundles WHERE uuid = 'old'")" = 50 ] || fail "backfill"

# A bundle of the emulated card, as fwbox collect writes it: every decoded
# table gets rows, and the trace count equals fwbox trace's lines.
mkdir emu
if "$FWBOX" collect -q -d emu -o emu >/dev/null 2>&1; then
	f=$(ls emu/*.tar*)
	"$FWBOX" load -q --db emu.db "$f"
	for t in register_fields crspace_chunks segments health; do
		[ "$(sqlite3 emu.db "SELECT count(*) > 0 FROM $t")" = 1 ] || fail "no rows in $t"
	done
	[ "$(sqlite3 emu.db "SELECT count(*) FROM trace_events")" = "$("$FWBOX" trace "$f" | wc -l)" ] ||
		fail "trace count of the emulator bundle"
fi

# A ring bundle of the emulator with parameters of 2^31 and more: the
# view's messages are fwbox trace's text (%d of 0x8000_0000 and up is
# negative, as the kernel prints it).
if "$FWBOX" collect -q -d emu:cx7,owner=none,seed=4 --trace-control --trace-seconds 1 \
	-o ring.tar.zst >/dev/null 2>&1; then
	"$FWBOX" load -q --db ring.db ring.tar.zst 2>/dev/null
	"$FWBOX" trace ring.tar.zst 2>/dev/null |
		sed -E 's/^[^ ]* \[0x[0-9a-f]+\] [0-9]+ \[0x[0-9a-f]+\] //' > ring-trace.txt
	sqlite3 ring.db "SELECT message FROM trace_events ORDER BY seq" > ring-view.txt
	grep -q 'temperature -[0-9]' ring-view.txt || fail "seed 4 no longer has negative values"
	cmp -s ring-trace.txt ring-view.txt ||
		{ diff ring-trace.txt ring-view.txt | head -5; fail "view messages differ from fwbox trace"; }
fi

expect_exit 2 "$FWBOX" load --db "$db"
expect_exit 1 "$FWBOX" load --db "$db" no-such.tar.zst

# A folder without bundles says so and fails (it used to exit 0 silently).
mkdir none
echo x > none/notes.txt
expect_exit 1 "$FWBOX" load --db "$db" none
"$FWBOX" load --db "$db" none 2>&1 | grep -qx "fwbox load: no bundles in 'none'" ||
	fail "no message for an empty folder"

# SIGTERM while a load waits: one "interrupted" line, no "rejected", exit
# 1, nothing stored.  Another connection holds the write lock until told to
# let go, so the load cannot store anything before the signal.  Handshakes,
# no sleeps: the holder prints "locked" once it has the lock, the load is
# signalled once its handler is installed (wait_caught), and the holder lets
# go only after the signal was sent.
"$MKBUNDLE" -o b5.tar.zst --uuid $(printf '%032d' 5) --time 5000000000000000000 \
	--fw 28.39.1005 trace.cap=t1/cap.bin trace.strings.0=t1/strings.bin trace.ring=t1/ring.bin >/dev/null
before=$(sqlite3 "$db" .dump | sha256sum)
rm -f locked release
mkfifo locked release
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
c.execute("ROLLBACK")' "$db" <release >locked &
hpid=$!
exec 3>release
read -r line <locked
[ "$line" = locked ] || fail "the lock holder did not take the lock"
"$FWBOX" load -q --db "$db" b5.tar.zst 2> int.err &
lpid=$!
wait_caught "$lpid" 15
kill -s TERM "$lpid"
echo go >&3
exec 3>&-
set +e
wait "$lpid"
rc=$?
set -e
wait "$hpid"
[ "$rc" -eq 1 ] || fail "SIGTERM: exit $rc, expected 1: $(cat int.err)"
[ "$(cat int.err)" = "fwbox load: interrupted: nothing of 'b5.tar.zst' was loaded" ] ||
	fail "SIGTERM message: $(cat int.err)"
[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ] || fail "the interrupted load changed the database"
echo ok
