#!/bin/sh
# Messages of the history verbs in fwbox's own terms, not SQLite's.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
fx="$top_srcdir/tests/fixtures/decode"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
"$MKBUNDLE" -o "$SCRATCH/b.tar.zst" reg.MGIR="$fx/reg.MGIR" \
	trace.cap="$fx/trace.cap" trace.strings.0="$fx/trace.strings.0" trace.ring="$fx/trace.ring" >/dev/null

# err EXIT PATTERN CMD...: CMD exits EXIT and its stderr matches PATTERN.
err() {
	want=$1 pat=$2; shift 2
	set +e; "$@" > "$SCRATCH/out" 2> "$SCRATCH/err"; got=$?; set -e
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want: $(cat "$SCRATCH/err")"
	grep -q -- "$pat" "$SCRATCH/err" || fail "'$*' said: $(cat "$SCRATCH/err"), expected /$pat/"
}

# --- the database path
err 1 "^fwbox query: there is no history database '$SCRATCH/none/x.db' yet: 'fwbox load' a bundle into it first$" \
	"$FWBOX" query --db "$SCRATCH/none/x.db" bundles
[ ! -e "$SCRATCH/none" ] || fail "query created a folder"
err 1 "^fwbox query: '$SCRATCH' is a folder, not a history database" "$FWBOX" query --db "$SCRATCH" bundles
err 1 "^fwbox load: '$SCRATCH' is a folder, not a history database" "$FWBOX" load --db "$SCRATCH" "$SCRATCH/b.tar.zst"
# load makes no missing folder for --db (as collect for -o): it says which
# one is missing, and creates nothing.
err 1 "^fwbox load: cannot create the history database '$SCRATCH/new/sub/h.db': folder '$SCRATCH/new/sub' does not exist: create it first" \
	"$FWBOX" load -q --db "$SCRATCH/new/sub/h.db" "$SCRATCH/b.tar.zst"
[ ! -e "$SCRATCH/new" ] || fail "load created a folder"
mkdir -p "$SCRATCH/new/sub"
"$FWBOX" load -q --db "$SCRATCH/new/sub/h.db" "$SCRATCH/b.tar.zst" || fail "load into a new file"
[ -f "$SCRATCH/new/sub/h.db" ] || fail "no database made"
# A new history is private, like the bundles it indexes.
[ "$(stat -c %a "$SCRATCH/new/sub/h.db")" = 600 ] ||
	fail "new history has mode $(stat -c %a "$SCRATCH/new/sub/h.db"), expected 600"
# bundles.file is absolute, whatever the working folder was.
[ "$(sqlite3 "$SCRATCH/new/sub/h.db" "SELECT file FROM bundles")" = "$(realpath "$SCRATCH/b.tar.zst")" ] ||
	fail "bundles.file is not absolute: $(sqlite3 "$SCRATCH/new/sub/h.db" "SELECT file FROM bundles")"
db=$SCRATCH/new/sub/h.db
n=$("$FWBOX" query --db "$db" "SELECT count(*) FROM bundles" | tail -1)
[ "$n" -eq 1 ] || fail "bundle not loaded ($n)"

# --- query: messages without doubled prefixes, FTS5 and unknown names
err 1 "^fwbox query: 'trace-search' (its argument is FTS5 query syntax" \
	"$FWBOX" query --db "$db" trace-search 'bad"quote'
grep -c 'query failed' "$SCRATCH/err" | grep -qx 1 || fail "doubled prefix: $(cat "$SCRATCH/err")"
grep -q 'query failed: query failed' "$SCRATCH/err" && fail "doubled prefix: $(cat "$SCRATCH/err")"
err 2 "'nosuch' is not a named query (see 'fwbox query --list')" "$FWBOX" query --db "$db" nosuch
grep -q 'syntax error' "$SCRATCH/err" && fail "nosuch was run as SQL"
"$FWBOX" query --db "$db" "SELECT 1" | grep -qx 1 || fail "plain SQL"

# --- one message per unknown option, the same words for every verb
for v in crspace devices diff load query regs segments show trace verify extract; do
	err 2 "^fwbox $v: unknown option '--bogus'$" "$FWBOX" $v --bogus
	[ "$(grep -c bogus "$SCRATCH/err")" -eq 1 ] || fail "$v: $(cat "$SCRATCH/err")"
	err 2 "^fwbox $v: unknown option '-Z'$" "$FWBOX" $v -Z
	[ "$(grep -c Z "$SCRATCH/err")" -eq 1 ] || fail "$v: $(cat "$SCRATCH/err")"
done
err 2 "^fwbox load: option '--db' needs an argument$" "$FWBOX" load --db
err 2 "^fwbox query: option '-f' needs an argument$" "$FWBOX" query -f
err 2 "^fwbox show: option '--json' takes no argument$" "$FWBOX" show --json=1 x

# --- the WAL files a read-only query leaves (fwbox-query(1) FILES) go with
# the next load's close.
"$FWBOX" query --db "$db" bundles > /dev/null
"$FWBOX" load -q --db "$db" "$SCRATCH/b.tar.zst"
[ ! -e "$db-wal" ] && [ ! -e "$db-shm" ] || fail "load left $(ls "$db"*)"
echo ok
