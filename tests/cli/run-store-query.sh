#!/bin/sh
# fwbox query: read-only access, named queries, output formats.  The
# database is built with the sqlite3 tool from the schema files, which also
# shows the history is plain SQLite.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "no sqlite3 tool"; exit 77; }
scratch
db=$SCRATCH/h.db
nschema=0
for f in "$top_srcdir"/schema/[0-9]*.sql; do sqlite3 "$db" < "$f"; nschema=$((nschema + 1)); done
sqlite3 "$db" "PRAGMA user_version = $nschema"
sqlite3 "$db" <<'SQL'

INSERT INTO devices(id, identity, serial, psid) VALUES (1, 'sn:MT_1:SN1', 'SN1', 'MT_1');
INSERT INTO bundles(id, uuid, sha256, created, created_ns, outcome, device, fw_version, loaded, ev_first, ev_last)
VALUES (1, 'aaaaaaaa-0000-0000-0000-000000000001', 'a1', '2026-01-01T00:00:00.000Z', 1, 'ok', 1, '16.35.1012', 'now', 1, 3),
       (2, 'bbbbbbbb-0000-0000-0000-000000000002', 'b2', '2026-02-01T00:00:00.000Z', 2, 'partial', 1, '16.35.2000', 'now', 4, 4);
INSERT INTO trace_formats(id, text) VALUES (1, 'link up on port %d'), (2, 'FW assert, "code" 0x%x');
INSERT INTO trace_ev(id, ts, fmt, meta, p0) VALUES (1, 10, 1, 515, 1), (2, 20, 2, 1 << 9, 255),
  (3, 30, 1, 1 << 9, 2), (4, 40, 2, 1 << 9, 7);
INSERT INTO trace_blocks VALUES (1, 10, 30, 1, 3), (2, 40, 40, 4, 4);
UPDATE bundles SET blk_span = CASE id WHEN 1 THEN 20 ELSE 0 END;
INSERT INTO trace_bundle_formats VALUES (1, 1, 2, 1, 0), (1, 2, 1, 2, 0), (2, 2, 1, 4, 0);
-- Postings: each format's event ids per bundle, offset from ev_first then gaps.
INSERT INTO trace_postings(bundle, chunk, fmt, ids) VALUES (1, 0, 1, '[0,2]'), (1, 1, 2, '[1]'),
  (2, 0, 2, '[0]');
INSERT INTO artifacts(bundle, seq, kind, path, size, sha256, outcome, reason)
VALUES (2, 0, 'crspace', 'crspace.bin', 0, '', 'failed', 'timed out');
SQL

"$FWBOX" query --db "$db" --list | grep -q '^  trace-search TEXT' || fail "--list lacks trace-search"

out=$("$FWBOX" query --db "$db" --format csv "SELECT bundle, seq, timestamp, event_id, message FROM trace_events ORDER BY bundle, seq")
exp='bundle,seq,timestamp,event_id,message
1,0,10,3,link up on port 1
1,1,20,0,"FW assert, ""code"" 0xff"
1,2,30,0,link up on port 2
2,0,40,0,"FW assert, ""code"" 0x7"'
[ "$out" = "$exp" ] || fail "csv output: $out"

# JSON Lines: one compact object a row (fwbox(1) JSON OUTPUT); -f json is -j.
out=$("$FWBOX" query --db "$db" --format json trace-search assert)
# bundle is the UUID in every named query's result (show and diff take it).
exp='{"bundle":"aaaaaaaa-0000-0000-0000-000000000001","device":1,"seq":1,"timestamp":20,"event_id":0,"source":"ring","message":"FW assert, \"code\" 0xff"}
{"bundle":"bbbbbbbb-0000-0000-0000-000000000002","device":1,"seq":0,"timestamp":40,"event_id":0,"source":"ring","message":"FW assert, \"code\" 0x7"}'
[ "$out" = "$exp" ] || fail "json output: $out"
# Options after the arguments, as on every verb.
[ "$("$FWBOX" query trace-search assert --db "$db" -j)" = "$exp" ] || fail "options after arguments"
[ -z "$("$FWBOX" query --db "$db" -j "SELECT 1 WHERE 0")" ] || fail "empty json"
out=$("$FWBOX" query --db "$db" --format csv trace-cards assert)
[ "$out" = "device,identity,bundles,events,first_seen,last_seen
1,sn:MT_1:SN1,2,2,2026-01-01T00:00:00.000Z,2026-02-01T00:00:00.000Z" ] || fail "trace-cards: $out"

out=$("$FWBOX" query --db "$db" fw-history)
exp='device  identity     created                   bundle                                fw_version  changed
1       sn:MT_1:SN1  2026-01-01T00:00:00.000Z  aaaaaaaa-0000-0000-0000-000000000001  16.35.1012  0
1       sn:MT_1:SN1  2026-02-01T00:00:00.000Z  bbbbbbbb-0000-0000-0000-000000000002  16.35.2000  1'
[ "$out" = "$exp" ] || fail "table output: $out"

out=$("$FWBOX" query --db "$db" --format csv trace-window 1 15 40)
[ "$(echo "$out" | wc -l)" -eq 4 ] || fail "trace-window: $out"
out=$("$FWBOX" query --db "$db" --format csv failed-steps | tail -n 1)
case $out in *crspace,failed,timed\ out*) ;; *) fail "failed-steps: $out";; esac

# Read-only: writes are refused and change nothing.
before=$(sqlite3 "$db" "SELECT count(*) FROM trace_ev")
expect_exit 1 "$FWBOX" query --db "$db" "DELETE FROM trace_ev"
expect_exit 1 "$FWBOX" query --db "$db" "SELECT 1; DELETE FROM trace_ev"
expect_exit 1 "$FWBOX" query --db "$db" "CREATE TABLE x(a)"
[ "$(sqlite3 "$db" "SELECT count(*) FROM trace_ev")" = "$before" ] || fail "query wrote"
"$FWBOX" query --db "$db" "DELETE FROM trace_ev" 2>&1 | grep -q "read-only" || fail "no read-only message"

# Usage errors.
expect_exit 2 "$FWBOX" query --db "$db"
expect_exit 2 "$FWBOX" query --db "$db" --format xml "SELECT 1"
expect_exit 2 "$FWBOX" query --db "$db" trace-search
expect_exit 1 "$FWBOX" query --db "$SCRATCH/absent.db" "SELECT 1"
[ ! -e "$SCRATCH/absent.db" ] || fail "query created a database"
FWBOX_DB=$db "$FWBOX" query --format csv "SELECT count(*) AS n FROM bundles" | grep -qx 2 || fail "FWBOX_DB not used"

# --help of load, query and diff lists every option of the man page's
# OPTIONS, spelled the same (man's "Ar path" is help's "PATH"), and as
# many forms as the man SYNOPSIS.
for v in load query diff; do
	"$FWBOX" $v --help > "$SCRATCH/help.txt"
	python3 - "$top_srcdir/man/fwbox-$v.1" "$SCRATCH/help.txt" <<'PY' || fail "$v --help differs from fwbox-$v(1)"
import re, sys
man = open(sys.argv[1]).read().splitlines()
help = open(sys.argv[2]).read().splitlines()
syn = man[man.index('.Sh SYNOPSIS'):man.index('.Sh DESCRIPTION')]
forms = sum(1 for l in syn if l.startswith('.Nm fwbox'))
hforms = sum(1 for l in help if re.match(r'(Usage: |       )fwbox ', l))
assert forms == hforms, (forms, hforms)
opts = man[man.index('.Sh OPTIONS'):]
for l in opts:
    if not l.startswith('.It Fl'):
        continue
    t = re.sub(r'Ar (\S+)', lambda m: m.group(1).upper(), l[4:])
    t = t.replace('Fl ', '-').replace(' , ', ', ')
    assert any(h.startswith('  ' + t) for h in help), t
PY
done
echo ok
