#!/bin/sh
# The command front-end: --help, --version, VERB --help for every verb in the
# table, and usage errors exit 2.
set -e
. "$top_srcdir/tests/cli/lib.sh"

"$FWBOX" --version | grep -q '^fwbox [0-9]'
"$FWBOX" --help | grep -q '^Verbs:'
for v in $("$FWBOX" --help | awk '/^Verbs:/ {on=1; next} on && /^  / && !/not implemented/ {print $1}'); do
	"$FWBOX" "$v" --help | grep -q "fwbox $v" || fail "'fwbox $v --help' does not name itself"
	# Every verb has a man page.
	[ -f "$top_srcdir/man/fwbox-$v.1" ] || fail "no man page man/fwbox-$v.1"
done
expect_exit 2 "$FWBOX"
expect_exit 2 "$FWBOX" no-such-verb
echo "ok"
