#!/bin/sh
# The README's "A session" block runs as written: it is extracted, the
# emulated ConnectX-7 takes the place of the real card (and a captured
# sysfs tree that of this machine's), and every line must succeed (exit
# 0; 3 for the collection the README injects a fault into).
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
cd "$SCRATCH"
sh "$top_srcdir/tests/fixtures/make-sysfs-fixtures.sh" sysfs >/dev/null
awk '/^## A session/ {f = 1; next} f && /^```sh/ {c = 1; next} c && /^```/ {exit} c' \
	"$top_srcdir/README.md" > session.txt
[ "$(grep -c '^fwbox ' session.txt)" -ge 8 ] || fail "the README's session block is missing"
mkdir bin home
# fwbox on PATH is the one under test; the history is private to the test.
ln -s "$FWBOX" bin/fwbox
export PATH="$SCRATCH/bin:$PATH" HOME="$SCRATCH/home" XDG_DATA_HOME="$SCRATCH/home/data"
unset FWBOX_DB
mkdir work
n=0
while IFS= read -r line; do
	case $line in fwbox\ *) ;; *) continue ;; esac
	n=$((n + 1))
	cmd=$(printf '%s\n' "$line" |
		sed -e 's/-d 0000:08:00\.0/-d emu:cx7/' \
		    -e "s|^fwbox devices|fwbox devices --sysroot $SCRATCH/sysfs/sysfs-cx7-fwctl|")
	want=0
	case $cmd in *fail=*) want=3 ;; esac
	rc=0
	(cd work && sh -c "$cmd") > "out.$n" 2> "err.$n" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "README line $n exited $rc, expected $want: $line
$(cat "err.$n")"
	# Nothing goes wrong silently: a line that prints nothing is suspect.
	[ -s "out.$n" ] || fail "README line $n printed nothing: $line"
done < session.txt
[ "$n" -ge 8 ] || fail "only $n README lines ran"
# The lines did what they say: two bundles, both verified and loaded.
[ "$(ls work/fwbox-*.tar.zst | wc -l)" -eq 2 ] || fail "expected two bundles: $(ls work)"
grep -c ': ok (' out.4 | grep -qx 2 || fail "verify did not pass both bundles: $(cat out.4)"
grep -q 'pages' out.5 || fail "trace --grep found no 'pages' line"
grep -c '^Verdict: healthy: ' out.6 | grep -qx 2 || fail "health: $(cat out.6)"
[ -f home/data/fwbox/history.db ] || fail "load did not use the default history"
echo ok
