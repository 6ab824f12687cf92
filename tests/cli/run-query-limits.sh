#!/bin/sh
# fwbox query stops what would never end or would take the machine's
# memory (issue 10 items 6 and 7): a time limit (--timeout, default 3m), a
# memory ceiling (--memory-limit, default 512M), SIGINT/SIGTERM interrupt
# the statement under way (exit 130/143), and ATTACH, VACUUM INTO and
# extensions are refused.  Before
# the fix the recursive CTE ran until killed, randomblob(9e8) took 2.4 GB,
# SIGINT was ignored and ATTACH created a WAL database's -wal and -shm.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "no sqlite3 tool"; exit 77; }
scratch
db=$SCRATCH/h.db
n=0
for f in "$top_srcdir"/schema/[0-9]*.sql; do sqlite3 "$db" < "$f"; n=$((n + 1)); done
sqlite3 "$db" "PRAGMA user_version = $n"
forever="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

# A query that never ends stops at its time limit: exit 5, and a message
# naming the limit and the option.
set +e
"$FWBOX" query --db "$db" --timeout 300ms "$forever" >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
set -e
[ "$rc" -eq 5 ] || fail "time limit: exit $rc, expected 5: $(cat "$SCRATCH/err")"
grep -q "ran past its time limit of 300 ms" "$SCRATCH/err" || fail "time limit message: $(cat "$SCRATCH/err")"
grep -q -- "--timeout" "$SCRATCH/err" || fail "time limit message does not name --timeout"
# A triple cross join over a large recursive CTE, the same.
expect_exit 5 "$FWBOX" query --db "$db" --timeout 1s \
	"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) SELECT count(*) FROM c a, c b, c d"

# The memory ceiling: 900 MB in one value is refused at once with the
# default 512M, and a tighter limit stops a big sort.
set +e
"$FWBOX" query --db "$db" "SELECT length(randomblob(900000000))" >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
set -e
[ "$rc" -eq 5 ] || fail "memory limit: exit $rc, expected 5: $(cat "$SCRATCH/err")"
grep -q "needs more than its memory limit of 512 MiB" "$SCRATCH/err" || fail "memory message: $(cat "$SCRATCH/err")"
grep -q -- "--memory-limit" "$SCRATCH/err" || fail "memory message does not name --memory-limit"
expect_exit 5 "$FWBOX" query --db "$db" --memory-limit 2M \
	"SELECT count(*) FROM (SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000) SELECT x FROM c) ORDER BY random())"
# Within its limits a query runs, and 0 lifts them.
[ "$("$FWBOX" query --db "$db" -f csv --memory-limit 64M "SELECT length(randomblob(1000000)) AS n")" = "n
1000000" ] || fail "a query within its limits did not run"
[ "$("$FWBOX" query --db "$db" -f csv --timeout 0 --memory-limit 0 "SELECT 7 AS n")" = "n
7" ] || fail "--timeout 0 --memory-limit 0"
expect_exit 2 "$FWBOX" query --db "$db" --timeout 3x "SELECT 1"
expect_exit 2 "$FWBOX" query --db "$db" --timeout -1 "SELECT 1"
expect_exit 2 "$FWBOX" query --db "$db" --memory-limit 12Q "SELECT 1"

# SIGINT and SIGTERM interrupt the statement under way: exit 128+N and one
# line.  The signal is sent once the handler is in place (wait_caught), and
# the query has no time limit, so only the signal can end it.
for sig in INT TERM; do
	"$FWBOX" query --db "$db" --timeout 0 "$forever" >"$SCRATCH/out" 2>"$SCRATCH/err" &
	pid=$!
	case $sig in INT) num=2 ;; TERM) num=15 ;; esac
	wait_caught "$pid" "$num"
	kill -s "$sig" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	[ "$rc" -eq $((128 + num)) ] || fail "SIG$sig: exit $rc, expected $((128 + num)): $(cat "$SCRATCH/err")"
	[ "$(cat "$SCRATCH/err")" = "fwbox query: interrupted by SIG$sig; rows printed before it stay printed" ] ||
		fail "SIG$sig message: $(cat "$SCRATCH/err")"
done

# ATTACH (and DETACH) are refused: a query reads the history and nothing
# else; attaching a WAL database used to create its -wal and -shm files.
other=$SCRATCH/other.db
sqlite3 "$other" "PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);" >/dev/null
rm -f "$other-wal" "$other-shm"
set +e
"$FWBOX" query --db "$db" "ATTACH '$other' AS o" >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "ATTACH: exit $rc, expected 1"
grep -q "ATTACH and DETACH are refused" "$SCRATCH/err" || fail "ATTACH message: $(cat "$SCRATCH/err")"
[ ! -e "$other-wal" ] && [ ! -e "$other-shm" ] || fail "ATTACH created the other database's -wal/-shm"
expect_exit 1 "$FWBOX" query --db "$db" "DETACH main"

# Nor does a query write any other file: VACUUM INTO would copy the
# history anywhere, and an extension could do anything.  Each is refused
# with a message and leaves no file behind.
set +e
"$FWBOX" query --db "$db" "VACUUM INTO '$SCRATCH/copy.db'" >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "VACUUM INTO: exit $rc, expected 1"
grep -q "opened read-only for queries" "$SCRATCH/err" || fail "VACUUM INTO message: $(cat "$SCRATCH/err")"
[ ! -e "$SCRATCH/copy.db" ] || fail "VACUUM INTO wrote $SCRATCH/copy.db"
expect_exit 1 "$FWBOX" query --db "$db" "SELECT load_extension('$SCRATCH/none.so')"
expect_exit 1 "$FWBOX" query --db "$db" "PRAGMA journal_mode = DELETE"
expect_exit 1 "$FWBOX" query --db "$db" "CREATE TEMP TABLE t(x)"
echo ok
