#!/bin/sh
# What --db and FWBOX_DB name: a SQLite file, a PostgreSQL connection
# string, or an error.  A connection string or a URI never becomes a file
# name, and a password in one is never printed.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
fx="$top_srcdir/tests/fixtures/decode"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
"$MKBUNDLE" -o "$SCRATCH/b.tar.zst" reg.MGIR="$fx/reg.MGIR" >/dev/null

# err EXIT PATTERN CMD...: CMD exits EXIT and its stderr matches PATTERN.
err() {
	want=$1 pat=$2; shift 2
	set +e; "$@" > "$SCRATCH/out" 2> "$SCRATCH/err"; got=$?; set -e
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want: $(cat "$SCRATCH/err")"
	grep -q -- "$pat" "$SCRATCH/err" || fail "'$*' said: $(cat "$SCRATCH/err"), expected /$pat/"
}
# nothing_made: the working folder holds only what the test put there.
mkdir "$SCRATCH/cwd"
nothing_made() {
	left=$(ls -A "$SCRATCH/cwd")
	[ -z "$left" ] || fail "$1 left files behind: $left"
}

cd "$SCRATCH/cwd"
# --- URIs fwbox does not read: an error naming the scheme only.
for db in 'mysql://root:hunter2@db/fleet' 'sqlite:///var/x.db' 'http://h/x' \
	'file:hist.db' 'sqlite:hist.db' 'jdbc:postgresql://h/db'; do
	for v in load query; do
		if [ $v = load ]; then
			err 1 "URI" "$FWBOX" load --db "$db" "$SCRATCH/b.tar.zst"
		else
			err 1 "URI" "$FWBOX" query --db "$db" bundles
		fi
		grep -q hunter2 "$SCRATCH/err" && fail "$v printed a password: $(cat "$SCRATCH/err")"
		nothing_made "$v --db '$db'"
	done
	FWBOX_DB=$db
	export FWBOX_DB
	err 1 "FWBOX_DB" "$FWBOX" load "$SCRATCH/b.tar.zst"
	unset FWBOX_DB
	nothing_made "FWBOX_DB='$db'"
done
grep -q "mysql://root" "$SCRATCH/err" && fail "the URI was printed: $(cat "$SCRATCH/err")"

# --- malformed connection strings: libpq's reason, never a password.
err 1 'invalid connection option "nosuch"' "$FWBOX" load --db 'nosuch=1' "$SCRATCH/b.tar.zst"
err 1 "written './NAME'" "$FWBOX" load --db 'a=b.db' "$SCRATCH/b.tar.zst"
err 1 "malformed PostgreSQL connection string" \
	"$FWBOX" query --db 'host=/nonexistent password=hunter2 junk' bundles
grep -q hunter2 "$SCRATCH/err" && fail "printed a password: $(cat "$SCRATCH/err")"
err 1 "malformed PostgreSQL connection string" \
	"$FWBOX" query --db 'postgresql://u:hunter2@h/db?nosuch=1' bundles
grep -q hunter2 "$SCRATCH/err" && fail "printed a password: $(cat "$SCRATCH/err")"
nothing_made "malformed connection strings"

# --- a file whose name looks like a keyword=value string or has a colon
# is still a file when written as a path.
"$FWBOX" load -q --db './a=b.db' "$SCRATCH/b.tar.zst"
"$FWBOX" load -q --db 'back:up.db' "$SCRATCH/b.tar.zst"
[ -f 'a=b.db' ] && [ -f 'back:up.db' ] || fail "the SQLite files were not made"
echo ok
