#!/bin/sh
# The --json summary is valid UTF-8 even when the output path (or an
# error message quoting it) holds invalid bytes: each invalid sequence
# becomes U+FFFD.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

bad=$(printf 'b\377\300\355\240\200-\303\251.tar.zst')
"$FWBOX" collect -d emu:cx7 -o "$SCRATCH/$bad" -q --json --only host.info >"$SCRATCH/s.json" ||
	fail "collect to an odd name failed"
[ -e "$SCRATCH/$bad" ] || fail "the bundle is not at its byte-exact name"
python3 - "$SCRATCH/s.json" "$SCRATCH" <<'PY' || fail "summary JSON"
import json, sys
raw = open(sys.argv[1], "rb").read()
s = json.loads(raw.decode("utf-8"))          # strict: raises on invalid UTF-8
# \377, \300 and the surrogate \355\240\200 each become U+FFFD (the
# surrogate's lead byte and its first continuation byte are two maximal
# invalid parts); the valid "é" stays.
want = sys.argv[2] + "/b" + "\ufffd" * 5 + "-\u00e9.tar.zst"
assert s["path"] == want, (s["path"], want)
PY

set +e
"$FWBOX" collect -d emu:cx7 -o "$SCRATCH/no$bad/x.tar" -q --json >"$SCRATCH/f.json" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "missing odd folder: exit $rc, expected 1"
python3 - "$SCRATCH/f.json" <<'PY' || fail "failure JSON"
import json, sys
s = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
assert s["status"] == "failed" and "\ufffd" in s["error"], s
PY
echo ok
