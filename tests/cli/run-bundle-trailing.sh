#!/bin/sh
# Bytes after the end of the archive are refused (issue 10 item 8,
# fwbox-bundle(5) "Trailing data"): before the fix two tars back to back, a
# tar plus 100 KB of random bytes and a bundle plus an extra zstd frame all
# verified "ok".  verify, extract and load all refuse them, naming where the
# trailing data starts; the end-of-archive blocks and one record of zero
# padding stay fine.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || { echo "SKIP: tests/mkbundle not built yet"; exit 77; }
command -v zstd >/dev/null && command -v gzip >/dev/null || { echo "no zstd/gzip tool"; exit 77; }
scratch
cd "$SCRATCH"
printf 'register bytes' > r.bin
"$MKBUNDLE" -o b.tar --compress none reg.MGIR=r.bin >/dev/null
"$MKBUNDLE" -o b.tar.zst reg.MGIR=r.bin >/dev/null
"$MKBUNDLE" -o b.tar.gz --compress gzip reg.MGIR=r.bin >/dev/null
for f in b.tar b.tar.zst b.tar.gz; do
	"$FWBOX" verify "$f" >/dev/null || fail "$f: a clean bundle fails"
done
head -c 102400 /dev/urandom > random.bin

refused() {   # refused FILE PATTERN: verify, extract and load refuse it
	set +e
	"$FWBOX" verify "$1" >out 2>err
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || fail "$1: verify exit $rc, expected 1"
	grep -q "FAILED" out || fail "$1: verify did not say FAILED"
	grep -q -- "$2" err || fail "$1: verify message: $(cat err)"
	grep -q "a bundle carries no trailing data" err || fail "$1: message lacks the rule: $(cat err)"
	expect_exit 1 "$FWBOX" extract "$1" reg.MGIR
	expect_exit 1 "$FWBOX" load --db h.db "$1"
}

cat b.tar b.tar > two.tar
refused two.tar "a second index.elf after every indexed member: another archive follows"
cat b.tar random.bin > random.tar
refused random.tar "data after the last member (from byte [0-9]* of the tar stream)"
{ cat b.tar.zst; printf 'HIDDEN PAYLOAD' | zstd -q -c; } > frame.tar.zst
refused frame.tar.zst "data after the last member"
{ cat b.tar.gz; printf 'HIDDEN PAYLOAD' | gzip -c; } > member.tar.gz
refused member.tar.gz "data after the last member"
cat b.tar.gz random.bin > junk.tar.gz
refused junk.tar.gz "102400 bytes follow the end of the gzip stream"
{ cat b.tar; head -c 20480 /dev/zero; } > zeros.tar
refused zeros.tar "bytes follow the last member"
# One record of zero padding is what tar writers add: still a bundle.
{ cat b.tar; head -c 10240 /dev/zero; } > padded.tar
"$FWBOX" verify padded.tar >/dev/null || fail "one record of zero padding refused"
"$FWBOX" extract padded.tar reg.MGIR | cmp -s - r.bin || fail "extract of a padded bundle"
echo ok
