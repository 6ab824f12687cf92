#!/bin/sh
# The PostgreSQL history on a throwaway cluster: load (COPY, one
# transaction per bundle), "already loaded", the same named queries and
# the same list and info giving the same JSON as on SQLite, a read-only query, a bad bundle leaving
# nothing, no password in any output.
set -e
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
pg_start
cd "$SCRATCH"
pgdb=$(pg_createdb hist)
q() { pg_psql "$pgdb" -At -c "$1"; }

"$MKTRACE" . 300 1
# A clock anchor: device tick 0 at 2023-11-14T22:13:20Z, 1 GHz (a tick a
# nanosecond); bundle 6 has none, so its events have no UTC time.
printf 'fwbox-trace-clock 1\ndevice_ts 0\ndevice_khz 1000000\nrealtime_ns 1700000000000000000\nuncertainty_ns 1500\ntracefs_clock mono\n' > clock.txt
for i in 1 2 3 4 5 6; do
	clock="trace.clock=clock.txt"
	[ $i -ne 6 ] || clock=
	# shellcheck disable=SC2086
	"$MKBUNDLE" -o b$i.tar --compress none --uuid $(printf '%032d' $i) --serial SN$((i % 3)) \
		trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin $clock \
		reg.MGIR="$top_srcdir/tests/fixtures/decode/reg.MGIR" >/dev/null
done

# --- load: new, then already loaded.
"$FWBOX" load --db "$pgdb" b1.tar b2.tar b3.tar > out1 2>&1 || { cat out1; fail "load"; }
[ "$(q "SELECT count(*) FROM bundles")" = 3 ] || fail "bundles after load: $(q "SELECT count(*) FROM bundles")"
[ "$(q "SELECT count(*) FROM trace_ev")" = 900 ] || fail "events: $(q "SELECT count(*) FROM trace_ev")"
"$FWBOX" load --db "$pgdb" b1.tar > out2 2>&1 || { cat out2; fail "reload"; }
grep -qi "already" out2 || fail "a second load did not say 'already loaded': $(cat out2)"
[ "$(q "SELECT count(*) FROM bundles")" = 3 ] || fail "a reload added a bundle"
# The events went to a month partition, not the parent.
[ "$(q "SELECT count(*) FROM ONLY trace_ev")" = 0 ] || fail "rows in the partitioned parent"
q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'trace_ev'::regclass" | grep -qv '^0$' ||
	fail "no trace_ev partition"

# --- the same bundles into SQLite: the same answers to the named queries.
"$FWBOX" load -q --db h.db b1.tar b2.tar b3.tar b4.tar b5.tar b6.tar
"$FWBOX" load -q --db "$pgdb" b4.tar b5.tar b6.tar
dev=$("$FWBOX" query --db h.db -f csv "SELECT min(device) FROM bundles" | tail -1)
for nq in bundles devices fw-history fw-changes latest failed-steps trace-count \
	"trace-window $dev 0 99999999999999999" "trace-window $dev 2023-11-14T22:13:20Z @1700000001" \
	"trace-top 2023-11-14 2023-11-15" "trace-top 2023-11-14T23:14:28.719477+01:00 2023-11-14T22:14:28.719479Z" \
	"trace-search mlx5" "artifacts 00000000-0000-0000-0000-000000000002"; do
	# shellcheck disable=SC2086
	"$FWBOX" query --json --db h.db $nq > sq.json 2> sq.err || { cat sq.err; fail "sqlite $nq"; }
	# shellcheck disable=SC2086
	"$FWBOX" query --json --db "$pgdb" $nq > pq.json 2> pq.err || { cat pq.err; fail "pg $nq"; }
	python3 - sq.json pq.json "$nq" <<'PY' || fail "named query '$nq' differs between SQLite and PostgreSQL"
import json, sys
def row(l):
    r = json.loads(l)
    # format ids differ by back-end (SQLite numbers them, PostgreSQL
    # hashes the text); the text is what must agree
    if sys.argv[3].startswith("trace-top"):
        r.pop("format")
    return r
def norm(p):
    # one JSON object per line
    return "\n".join(json.dumps(row(l), sort_keys=True) for l in open(p) if l.strip())
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if a != b:
    print(sys.argv[3], "\nsqlite:", a[:600], "\npg:    ", b[:600], file=sys.stderr)
    sys.exit(1)
PY
done

# trace-top counts the messages of the bundles with a clock anchor, each
# once, and nothing of bundle 6 (no anchor); an offset in the time moves
# the window.
want=$(sqlite3 h.db "SELECT count(*) FROM trace_events t JOIN bundles b ON b.id = t.bundle WHERE b.uuid <> '00000000-0000-0000-0000-000000000006'")
[ "$want" -gt 0 ] || fail "no events in the anchored bundles"
for db in h.db "$pgdb"; do
	got=$("$FWBOX" query --db "$db" -f csv trace-top 2023-11-14 2023-11-15 | awk -F, 'NR > 1 { n += $(NF - 2) } END { print n + 0 }')
	[ "$got" = "$want" ] || fail "trace-top on $db counts $got messages, not $want"
	# The events are 68.7 s after the anchor: 22:14:28Z.
	n=$("$FWBOX" query --db "$db" -f csv trace-top 2023-11-14T22:14:29Z 2023-11-15 | wc -l)
	[ "$n" -eq 1 ] || fail "trace-top after the last event on $db: $n lines"
	n=$("$FWBOX" query --db "$db" -f csv trace-top 2023-11-14T23:14:00+01:00 2023-11-15 | wc -l)
	[ "$n" -gt 1 ] || fail "trace-top from 22:14Z written an hour east of UTC on $db: nothing"
done
# --- list and info: the same JSON on both back-ends for the same bundles,
# but for when each load ran (info's "loaded").  The cases cover the filters of list (time, card, newest N), a
# capture named by UUID prefix, by SHA-256 and by its file, and info
# calling back into the store for each capture's steps.
sha2=$(sha256sum b2.tar | cut -d' ' -f1)
for verb in "list" "list -n 2" "list -1" "list -d SN1" "list -d $dev" \
	"list --since @0 --until @4102444800" "list --until @1" \
	"info" "info 00000000-0000-0000-0000-000000000003 00000000" "info $sha2" "info b5.tar" \
	"info b1.tar b4.tar b6.tar"; do
	set +e
	# shellcheck disable=SC2086
	"$FWBOX" $verb --json --db h.db > sq.json 2> sq.err
	src=$?
	# shellcheck disable=SC2086
	"$FWBOX" $verb --json --db "$pgdb" > pq.json 2> pq.err
	prc=$?
	set -e
	[ $src = $prc ] || { cat sq.err pq.err; fail "$verb: exit $src on SQLite, $prc on PostgreSQL"; }
	# 3: one capture shown, one ambiguous prefix; 4: none matched.
	case $src in 0|3|4) ;; *) cat sq.err; fail "$verb: exit $src" ;; esac
	python3 - sq.json pq.json "$verb" <<'PY' || fail "'$verb' differs between SQLite and PostgreSQL"
import json, sys
LOCAL = {"loaded", "loaded_us"}
def scrub(v):
    if isinstance(v, dict):
        return {k: scrub(x) for k, x in v.items() if k not in LOCAL}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    return v
def norm(p):
    return "\n".join(json.dumps(scrub(json.loads(l)), sort_keys=True)
                     for l in open(p) if l.strip())
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if a != b:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    print(sys.argv[3], "\nsqlite: ...", a[max(0, i - 300):i + 300],
          "\npg:     ...", b[max(0, i - 300):i + 300], file=sys.stderr)
    sys.exit(1)
if not a and sys.argv[3] != "list --until @1":
    print(sys.argv[3], ": no output", file=sys.stderr)
    sys.exit(1)
PY
done
# list's text form holds no load time: the same bytes.
"$FWBOX" list --db h.db > sq.txt
"$FWBOX" list --db "$pgdb" > pq.txt
cmp -s sq.txt pq.txt || { diff sq.txt pq.txt; fail "list text differs"; }
[ "$(wc -l < pq.txt)" -ge 6 ] || fail "list on PostgreSQL: $(cat pq.txt)"
# An unknown capture is the same error on both.
set +e
"$FWBOX" info --db "$pgdb" deadbeefdeadbeef > out9 2>&1
rc=$?
set -e
[ $rc = 1 ] && grep -q "deadbeefdeadbeef" out9 || fail "info of an unknown capture: rc $rc $(cat out9)"

# --- queries are read-only.
set +e
"$FWBOX" query --db "$pgdb" "DELETE FROM bundles" > out3 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "a DELETE through query succeeded"
grep -qi "read-only" out3 || fail "no read-only message: $(cat out3)"
[ "$(q "SELECT count(*) FROM bundles")" = 6 ] || fail "query wrote"

# --- statement timeout.
set +e
"$FWBOX" query --db "$pgdb" --timeout 200ms "SELECT pg_sleep(5)" > out4 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && grep -q "time limit" out4 || fail "no time limit: rc $rc $(cat out4)"

# --- the roles of fwbox-schema(7): a loader with INSERT/SELECT (and the
# bundle row's columns it sets: outcome, events, clock anchor), a reader
# with SELECT only.
pg_psql "$pgdb" -c "CREATE ROLE fwbox_loader LOGIN" -c "CREATE ROLE fwbox_reader LOGIN" \
	-c "GRANT USAGE ON SCHEMA public TO fwbox_loader, fwbox_reader" \
	-c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO fwbox_loader, fwbox_reader" \
	-c "GRANT INSERT ON ALL TABLES IN SCHEMA public TO fwbox_loader" \
	-c "GRANT UPDATE (outcome, ev_first, ev_last, clock_device_ts, clock_khz, clock_utc_ns, clock_uncertainty_ns, tracefs_clock) ON bundles TO fwbox_loader" \
	-c "GRANT EXECUTE ON FUNCTION fwbox_trace_partition(bigint) TO fwbox_loader" >/dev/null
"$MKBUNDLE" -o r1.tar --compress none --uuid $(printf 'f%031d' 1) --serial ROLE1 \
	trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin trace.clock=clock.txt >/dev/null
"$MKBUNDLE" -o r2.tar --compress none --uuid $(printf 'f%031d' 2) --serial ROLE2 --time 1500000000000000000 \
	trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
loader="host=$PG_HOST user=fwbox_loader dbname=hist"
reader="host=$PG_HOST user=fwbox_reader dbname=hist"
"$FWBOX" load -q --db "$loader" r1.tar r2.tar > out6 2>&1 || { cat out6; fail "the loader role cannot load"; }
"$FWBOX" query --db "$reader" -f csv "SELECT count(*) FROM bundles" > out7 2>&1 || { cat out7; fail "the reader role cannot query"; }
[ "$(tail -1 out7)" = 8 ] || fail "reader saw $(cat out7)"
[ "$(q "SELECT clock_khz FROM bundles WHERE uuid LIKE 'f%1'")" = 1000000 ] || fail "the loader role recorded no clock anchor"
"$MKBUNDLE" -o r3.tar --compress none --uuid $(printf 'f%031d' 3) --serial ROLE3 \
	trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
set +e
"$FWBOX" load -q --db "$reader" r3.tar > out8 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && grep -q "permission denied" out8 || fail "the reader role loaded: rc $rc $(cat out8)"
[ "$(q "SELECT count(*) FROM bundles")" = 8 ] || fail "bundles after the reader's attempt"

# --- a password never shows: not in messages, not in the stored cmdline.
set +e
"$FWBOX" query --db "$pgdb password=hunter2 port=1" bundles > out5 2>&1
set -e
grep -q hunter2 out5 && fail "a password was printed: $(cat out5)"
grep -q "cannot connect" out5 || fail "no connection error: $(cat out5)"
echo ok
