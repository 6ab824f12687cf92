#!/bin/sh
# One rule for an existing output file (issue 10 item 10): extract -o FILE
# and collect -o FILE refuse an existing file unless --force, which replaces
# a regular file atomically once the new bytes are complete; a symbolic
# link is refused even with --force, a device (/dev/null) is written in
# place.  Before the fix extract overwrote FILE silently and collect had
# no --force.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || { echo "SKIP: tests/mkbundle not built yet"; exit 77; }
scratch
cd "$SCRATCH"
printf 'MGIR bytes 0123456789abcdef' > mgir.bin
"$MKBUNDLE" -o b.tar.zst reg.MGIR=mgir.bin >/dev/null

# extract: refused, the old file untouched; --force replaces it.
echo old > out.bin
set +e
"$FWBOX" extract -o out.bin b.tar.zst reg.MGIR 2> err
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "extract over an existing file: exit $rc, expected 1"
[ "$(cat out.bin)" = old ] || fail "extract changed an existing file without --force"
grep -q "'out.bin' already exists: .*--force" err || fail "extract message: $(cat err)"
"$FWBOX" extract --force -o out.bin b.tar.zst reg.MGIR
cmp -s out.bin mgir.bin || fail "extract --force did not replace the file"
"$FWBOX" extract -f -o out.bin b.tar.zst reg.MGIR
cmp -s out.bin mgir.bin || fail "extract -f"
# A new file needs no --force; nothing is left behind either way.
"$FWBOX" extract -o new.bin b.tar.zst reg.MGIR
cmp -s new.bin mgir.bin || fail "extract to a new file"
[ -z "$(ls -A | grep '^\.')" ] || fail "temporary files left: $(ls -A)"
# A symbolic link is refused, with or without --force; its target stays.
ln -s out.bin link.bin
expect_exit 1 "$FWBOX" extract -o link.bin b.tar.zst reg.MGIR
expect_exit 1 "$FWBOX" extract -f -o link.bin b.tar.zst reg.MGIR
[ -L link.bin ] && cmp -s out.bin mgir.bin || fail "extract through a symbolic link"
# A device is written in place.
"$FWBOX" extract -o /dev/null b.tar.zst reg.MGIR || fail "extract -o /dev/null"
# A damaged bundle leaves the old file as it was, even with --force.
echo old > keep.bin
head -c 600 b.tar.zst > cut.tar.zst
expect_exit 1 "$FWBOX" extract -f -o keep.bin cut.tar.zst reg.MGIR
[ "$(cat keep.bin)" = old ] || fail "a failed extract --force changed the old file"

# collect: the same rule.
{
	echo old > c.tar.zst
	set +e
	"$FWBOX" collect -d emu:cx7 -q --only reg.MGIR -o c.tar.zst 2> err
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || fail "collect over an existing file: exit $rc, expected 1"
	[ "$(cat c.tar.zst)" = old ] || fail "collect changed an existing file"
	grep -q "already exists: .*--force" err || fail "collect message: $(cat err)"
	"$FWBOX" collect -d emu:cx7 -q --only reg.MGIR --force -o c.tar.zst >/dev/null
	"$FWBOX" verify c.tar.zst >/dev/null || fail "collect --force did not write a bundle"
	ino=$(stat -c %i c.tar.zst)
	"$FWBOX" collect -d emu:cx7 -q --only reg.MGIR -f -o c.tar.zst >/dev/null
	[ "$(stat -c %i c.tar.zst)" != "$ino" ] || fail "collect -f wrote in place, not a new file"
	"$FWBOX" verify c.tar.zst >/dev/null || fail "collect -f: bundle does not verify"
	expect_exit 1 "$FWBOX" collect -d emu:cx7 -q --only reg.MGIR -f -o link.bin
	[ -L link.bin ] || fail "collect -f replaced a symbolic link"
	[ -z "$(ls -A | grep '^\.')" ] || fail "temporary files left: $(ls -A)"
}
echo ok
