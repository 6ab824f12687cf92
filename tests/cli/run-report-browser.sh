#!/bin/sh
# The report of an emulated firmware-fatal capture, opened in headless
# Chromium: it loads with no console error and no request, runs no script
# (a --reason holding markup is shown as text), and says which card and
# which syndrome.  The screenshot is kept beside the test logs
# (tests/cli/run-report-browser.png); the README's picture is a copy of it.
set -e
. "$top_srcdir/tests/cli/lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "SKIP: no chromium (apt-get install chromium)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
scratch
shot=$top_builddir/tests/cli/run-report-browser.png
rm -f "$shot"

reason='fw_fatal after link flap <script>window.fwboxPwned=1</script><img src=x onerror="window.fwboxPwned=1">'
set +e
"$FWBOX" collect -d emu:cx7,seed=3,fatal-after=5 --trace-seconds 1 -q --reason "$reason" \
	-o "$SCRATCH/fatal.tar.zst" >/dev/null
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "collect of a fatal emulated card: exit $rc, expected 3"
"$FWBOX" report -q -o "$SCRATCH/fatal.html" "$SCRATCH/fatal.tar.zst" || fail "report"
python3 "$top_srcdir/tests/cli/report-browser.py" "$CHROMIUM" "$SCRATCH/fatal.html" "$shot" \
	"ConnectX-7" "0000:08:00.0" "Firmware fatal" "firmware internal error" \
	"<script>window.fwboxPwned=1</script>" || fail "the page in Chromium"
[ -s "$shot" ] || fail "no screenshot"
head -c 8 "$shot" | od -An -c | grep -q 'P   N   G' || fail "the screenshot is not a PNG"
echo "screenshot: $shot"
