#!/bin/sh
# fwbox extract over hostile bundles: a duplicate, unindexed or missing
# member anywhere in the archive (after the artifact too) fails the extract,
# and a failed extract -o FILE leaves an existing FILE as it was.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
fx="$top_srcdir/tests/fixtures/bundle"

# a.bin comes first, the bad member after it.
for f in duplicate extra missing; do
	set +e
	"$FWBOX" extract "$fx/$f.tar" a > "$SCRATCH/out" 2> "$SCRATCH/err"
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || fail "extract $f.tar a exited $rc, expected 1"
	case $f in
	duplicate) grep -q "member 'a.bin': appears twice" "$SCRATCH/err" || fail "$f: $(cat "$SCRATCH/err")" ;;
	extra) grep -q "member 'extra.bin': is not in the index" "$SCRATCH/err" || fail "$f: $(cat "$SCRATCH/err")" ;;
	missing) grep -q "member 'b.bin': is in the index but not in the archive" "$SCRATCH/err" ||
		fail "$f: $(cat "$SCRATCH/err")" ;;
	esac
	# Same with -o: no file made.
	expect_exit 1 "$FWBOX" extract "$fx/$f.tar" a -o "$SCRATCH/new.bin"
	[ ! -e "$SCRATCH/new.bin" ] || fail "$f: -o left a file behind"
done

# A failed extract keeps the old FILE, and no temporary file stays (with
# --force, so that the damage, not the existing FILE, is what fails it).
mkdir "$SCRATCH/d"
echo precious > "$SCRATCH/d/keep.txt"
for args in "flipped.tar b" "duplicate.tar a" "cut-mid.tar b"; do
	set -- $args
	expect_exit 1 "$FWBOX" extract --force "$fx/$1" "$2" -o "$SCRATCH/d/keep.txt"
	[ "$(cat "$SCRATCH/d/keep.txt")" = precious ] || fail "extract $args -o clobbered the old file"
	[ "$(ls -A "$SCRATCH/d")" = keep.txt ] || fail "extract $args left $(ls -A "$SCRATCH/d")"
done

# A good extract --force replaces it, with the bytes of the intact member.
tar -xOf "$fx/flipped.tar" a.bin > "$SCRATCH/a.want"
"$FWBOX" extract --force "$fx/flipped.tar" a -o "$SCRATCH/d/keep.txt"
cmp "$SCRATCH/a.want" "$SCRATCH/d/keep.txt" || fail "extract -o wrote other bytes"
[ "$(ls -A "$SCRATCH/d")" = keep.txt ] || fail "good extract left $(ls -A "$SCRATCH/d")"
# To a character device: written in place, not replaced.
"$FWBOX" extract "$fx/flipped.tar" a -o /dev/null
[ -c /dev/null ] || fail "/dev/null replaced"
echo ok
