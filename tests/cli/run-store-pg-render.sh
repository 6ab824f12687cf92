#!/bin/sh
# Trace messages on PostgreSQL are what SQLite's printf() makes of the same
# format and parameters: thousands of random formats (every flag, width,
# precision, length modifier and conversion printf() knows, and some it
# does not) with random 64-bit parameters, rendered by SQLite (Python's
# sqlite3, the same library fwbox links) and read back from PostgreSQL's
# trace_events view and `fwbox query trace-window`.  The rows are written
# into a history of schema version 2 (the version before the format
# templates), so the same run checks the upgrade: the first fwbox that
# opens it, a query, brings it to the current version and makes the
# templates of the formats already there.
set -e
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
scratch
pg_start
cd "$SCRATCH"
pgdb=$(pg_createdb old)
q() { pg_psql "$pgdb" -At -c "$1"; }

# Schema version 2, as fwbox of that version made it (pg_migrate in
# src/store/pg.c: the files in order, then their versions recorded).
{
	echo "BEGIN;"
	cat "$top_srcdir/schema/pg/001-history.sql" "$top_srcdir/schema/pg/002-trace-partition-race.sql"
	echo "CREATE TABLE fwbox_schema (version integer PRIMARY KEY, name text NOT NULL,
		applied timestamptz NOT NULL DEFAULT now());"
	echo "INSERT INTO fwbox_schema(version, name) VALUES (1, '001-history.sql'),
		(2, '002-trace-partition-race.sql');"
	echo "COMMIT;"
} > v2.sql
pg_psql "$pgdb" -f v2.sql >/dev/null

# The cases and what SQLite renders.  Seeded: the same cases every run.
python3 - <<'PY'
import random, sqlite3
rnd = random.Random(15)
def spec(star):
    s = '%'
    s += ''.join(rnd.choice('-+ #0!,') for _ in range(rnd.choice([0, 0, 0, 1, 1, 2])))
    w = rnd.random()
    if w < 0.5:
        pass
    elif w < 0.97 or not star:
        s += str(rnd.choice([1, 2, 3, 4, 5, 8, 10, 16, 20]))
    else:
        s += '*'
    if rnd.random() < 0.2:
        s += '.' + str(rnd.choice([0, 1, 2, 3, 5, 10]))
    s += rnd.choice(['', '', '', 'l', 'll', 'lll', 'h', 'hh', 'z', 'L', 'j'])
    s += rnd.choice('dddiiuuxxxxXXoccssszqQwpn%%hjLTS.-f')
    return s
lits = ['', 'a', ' ', 'cmd ', ' syndrome ', '\u00e9', '\\', '"', "'", '%%', 'x=', '{}']
vals = [0, 1, -1, 5, 255, 65535, 2**31 - 1, -2**31, 2**32 - 1, 2**63 - 1, -2**63,
        123456789, -42, 65, 1114111, 2000000, None]
# Formats firmware uses, then random ones.
fmts = ['link down on port %d, reason 0x%x', 'FW assert at 0x%08x', 'cmd 0x%x done, '
        'status 0x%x, syndrome 0x%x', 'QP 0x%X state %u', 'addr %#llx len %lu', 'id %5d|%-5d|',
        'v %02x:%02x:%02x', 'no parameters', '100%% done', 'eight %d %d %d %d %d %d %d %d']
while len(fmts) < 3000:
    f = rnd.choice(lits)
    for _ in range(rnd.choice([0, 1, 1, 2, 3, 4, 8])):
        f += spec(len(fmts) % 50 == 0) + rnd.choice(lits)
    if rnd.random() < 0.05:
        f += '%'
    fmts.append(f)
db = sqlite3.connect(':memory:')
def esc(x):
    return '\\N' if x is None else str(x).replace('\\', '\\\\').replace('\t', '\\t')
with open('formats.tsv', 'w') as ft, open('events.tsv', 'w') as fe, open('expected', 'w') as fx:
    seq = 0
    for i, f in enumerate(dict.fromkeys(fmts)):
        ft.write('%d\t%s\n' % (i + 1, esc(f)))
        for _ in range(2):
            np = rnd.randint(0, 7)
            ps = [rnd.choice(vals) if k < np else None for k in range(7)]
            m = db.execute('SELECT printf(?, ?, ?, ?, ?, ?, ?, ?)', [f] + ps).fetchone()[0]
            # SQLite's %c of a missing parameter prints a NUL character,
            # which PostgreSQL text cannot hold: not compared.
            if m is not None and '\0' in m:
                continue
            fe.write('\t'.join([str(seq), str(1000 + seq), str(i + 1), str(np << 9)] +
                               [esc(p) for p in ps]) + '\n')
            fx.write('%d\t%s\n' % (seq, (m or '').replace('\\', '\\\\').replace('\t', '\\t')
                                   .replace('\n', '\\n')))
            seq += 1
PY

ns=1796000000000000000
q "INSERT INTO devices(id, identity) VALUES (1, 'render-card')" >/dev/null
q "INSERT INTO bundles(id, uuid, sha256, created, created_ns, outcome, device, loaded)
	VALUES (1, 'r', 's', '2026-11-29T00:00:00Z', $ns, 'complete', 1, 'now')" >/dev/null
q "SELECT fwbox_trace_partition($ns)" >/dev/null
pg_psql "$pgdb" -c "\\copy trace_formats(id, text) FROM 'formats.tsv'"
pg_psql "$pgdb" -c "CREATE TEMP TABLE ev(seq bigint, ts bigint, fmt bigint, meta integer,
	p0 bigint, p1 bigint, p2 bigint, p3 bigint, p4 bigint, p5 bigint, p6 bigint)" \
	-c "\\copy ev FROM 'events.tsv'" \
	-c "INSERT INTO trace_ev SELECT $ns, 1, seq, ts, fmt, meta, p0, p1, p2, p3, p4, p5, p6 FROM ev"
[ "$(q "SELECT max(version) FROM fwbox_schema")" = 2 ] || fail "not a version 2 history"

# A query through fwbox upgrades it (the owner runs it here).
"$FWBOX" query --db "$pgdb" -f csv "SELECT count(*) FROM trace_formats" > n.csv 2> err ||
	{ cat err; fail "query of a version 2 history"; }
latest=$(ls "$top_srcdir"/schema/pg/*.sql | sed -n 's|.*/0*\([0-9][0-9]*\)-[^/]*$|\1|p' | tail -1)
[ "$(q "SELECT max(version) FROM fwbox_schema")" = "$latest" ] ||
	fail "the history was not upgraded to version $latest"
# Every format already there has its template, but for those printf()
# reads a width from an argument or renders as floating point.
bad=$(q "SELECT count(*) FROM trace_formats WHERE tmpl IS NULL
	AND text !~ '%[-+ #0!,]*[0-9]*[.]?\\*' AND text !~ '%[-+ #0!,]*[0-9]*(\\.[0-9]*)?(ll?)?[feEgGr]'")
[ "$bad" = 0 ] || fail "$bad formats have no template"
[ "$(q "SELECT count(*) FROM trace_formats WHERE tmpl IS NULL")" -gt 0 ] ||
	fail "no format went the fwbox_printf() way: the cases do not cover it"

# The view, then the named query, against SQLite's rendering; formats
# rendered by fwbox_printf() (no template) are left out.
cmp_rows() {
	python3 - expected "$1" <<'PY' || fail "messages differ from SQLite's printf() ($1)"
import sys
def rows(p):
    d = {}
    for l in open(p, encoding='utf-8'):
        k, _, v = l.rstrip('\n').partition('\t')
        d[int(k)] = v
    return d
want, got = rows(sys.argv[1]), rows(sys.argv[2])
bad = [k for k in got if got[k] != want[k]]
for k in bad[:20]:
    print(k, 'sqlite:', repr(want[k]), 'pg:', repr(got[k]), file=sys.stderr)
if len(got) < 0.95 * len(want) or bad:
    print(len(bad), 'of', len(got), 'differ;', len(want), 'cases', file=sys.stderr)
    sys.exit(1)
PY
}
# COPY's text form escapes \\, tab and newline as the expected file does.
pg_psql "$pgdb" -c "\\copy (SELECT t.seq, t.message FROM trace_events t JOIN trace_formats f
	ON f.id = t.format WHERE f.tmpl IS NOT NULL ORDER BY t.seq) TO 'view.out'"
cmp_rows view.out
"$FWBOX" query --db "$pgdb" --json trace-window 1 0 99999999999 > window.json 2> err ||
	{ cat err; fail "trace-window"; }
pg_psql "$pgdb" -At -c "SELECT id FROM trace_formats WHERE tmpl IS NULL" > fallback.ids
pg_psql "$pgdb" -At -F ' ' -c "SELECT seq, fmt FROM trace_ev" > fmt.of
python3 - window.json fmt.of fallback.ids > window.out <<'PY'
import json, sys
fb = set(l.strip() for l in open(sys.argv[3]))
fmt = dict(l.split() for l in open(sys.argv[2]))
for l in open(sys.argv[1], encoding='utf-8'):
    if not l.strip():
        continue
    r = json.loads(l)
    if fmt[str(r['seq'])] in fb:
        continue
    m = r['message'].replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
    print('%d\t%s' % (r['seq'], m))
PY
cmp_rows window.out
echo ok
