#!/bin/sh
# Every --json output is valid JSON (strict UTF-8) even when the bundle
# holds arbitrary bytes (a --reason, a firmware trace string); table
# output never passes control bytes to the terminal.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
reason=$(printf 'bad\377\376\200 text\001\033[31m')
"$FWBOX" collect -d emu:cx5 -q -o "$SCRATCH/b.tar.zst" --reason "$reason" >/dev/null

# check_json FILE EXPR WHAT: FILE is strict UTF-8 JSON and EXPR (over d) is the reason.
check_json() {
	python3 -c '
import json, os, sys
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
d = fwjson.load(sys.argv[1])          # strict UTF-8: raises on invalid bytes
got = eval(sys.argv[2])
assert got == "bad\ufffd\ufffd\ufffd text\x01\x1b[31m", repr(got)
' "$1" "$2" || fail "$3: not valid JSON or the reason is not kept with U+FFFD"
}

"$FWBOX" show --json "$SCRATCH/b.tar.zst" > "$SCRATCH/show.json"
check_json "$SCRATCH/show.json" 'd[0]["reason"]' "show --json"
"$FWBOX" load --db "$SCRATCH/x.db" "$SCRATCH/b.tar.zst" >/dev/null 2>&1
"$FWBOX" query --db "$SCRATCH/x.db" --format json "select reason from bundles" > "$SCRATCH/q.json"
check_json "$SCRATCH/q.json" 'd[0]["reason"]' "query --format json"

# Tables: no ESC or other control byte reaches the terminal.
"$FWBOX" query --db "$SCRATCH/x.db" "select reason from bundles" > "$SCRATCH/q.txt"
if LC_ALL=C grep -q "$(printf '[\001\033]')" "$SCRATCH/q.txt"; then
	fail "query table passes control bytes through"
fi
grep -q 'text??\[31m' "$SCRATCH/q.txt" || fail "query table does not show control bytes as '?'"
"$FWBOX" show "$SCRATCH/b.tar.zst" > "$SCRATCH/show.txt"
if LC_ALL=C grep -q "$(printf '[\001\033]')" "$SCRATCH/show.txt"; then
	fail "show passes control bytes through"
fi

# trace --json over a tracefs line carrying invalid UTF-8.
MKBUNDLE="$top_builddir/tests/mkbundle"
if [ -x "$MKBUNDLE" ]; then
	printf '# tracer: nop\n  kworker/0:1-12 [000] .... 5.000001: mlx5_fw: 0000:08:00.0 [0x1a2b] 0 [0x20] bad\377\376 text\033[31m\n' > "$SCRATCH/t.text"
	"$MKBUNDLE" -o "$SCRATCH/t.tar.zst" trace.text="$SCRATCH/t.text" >/dev/null
	"$FWBOX" trace --json "$SCRATCH/t.tar.zst" > "$SCRATCH/t.json"
	python3 -c '
import json, os, sys
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
a = fwjson.load(sys.argv[1])
assert a[0]["message"] == "bad\ufffd\ufffd text\x1b[31m", a
' "$SCRATCH/t.json" || fail "trace --json: not valid JSON or message not kept with U+FFFD"
fi
echo ok
