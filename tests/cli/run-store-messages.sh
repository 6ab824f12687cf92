#!/bin/sh
# Messages of the history verbs in fwbox's own terms, not SQLite's.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
fx="$top_srcdir/tests/fixtures/decode"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || { echo "SKIP: tests/mkbundle not built yet"; exit 77; }
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
err 1 "no history database there yet: run 'fwbox load --db $SCRATCH/none/x.db BUNDLE' first" \
	"$FWBOX" query --db "$SCRATCH/none/x.db" bundles
[ ! -e "$SCRATCH/none" ] || fail "query created a folder"
err 1 "it is a folder, not a history database" "$FWBOX" query --db "$SCRATCH" bundles
err 1 "it is a folder, not a history database" "$FWBOX" load --db "$SCRATCH" "$SCRATCH/b.tar.zst"
# load makes the missing folders of a new database, as for the default path.
"$FWBOX" load -q --db "$SCRATCH/new/sub/h.db" "$SCRATCH/b.tar.zst" || fail "load into a new folder"
[ -f "$SCRATCH/new/sub/h.db" ] || fail "no database made"
db=$SCRATCH/new/sub/h.db
n=$("$FWBOX" query --db "$db" "SELECT count(*) FROM bundles" | tail -1)
[ "$n" -eq 1 ] || fail "bundle not loaded ($n)"
echo ok
