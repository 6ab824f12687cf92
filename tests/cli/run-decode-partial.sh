#!/bin/sh
# A side input that cannot be decoded (a partial 'trace.cap', as a collect
# step cut short records it) is a warning about that artifact only: the rest
# of the bundle decodes and loads, the ring is shown raw.  A bundle that
# fails verification is still rejected as a whole.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
fx="$top_srcdir/tests/fixtures/decode"
head -c 64 "$fx/trace.cap" > "$SCRATCH/short.cap"
"$MKBUNDLE" -o "$SCRATCH/b.tar.zst" \
	trace.cap="$SCRATCH/short.cap" trace.strings.0="$fx/trace.strings.0" \
	trace.ring="$fx/trace.ring" trace.text="$fx/trace.text" \
	reg.MGIR="$fx/reg.MGIR" >/dev/null

# regs: as if the trace were not there (no warning, same fields).
"$FWBOX" regs "$SCRATCH/b.tar.zst" > "$SCRATCH/regs" 2> "$SCRATCH/err" ||
	fail "regs failed: $(cat "$SCRATCH/err")"
[ ! -s "$SCRATCH/err" ] || fail "regs warned: $(cat "$SCRATCH/err")"
grep -qx 'MGIR.device_id = 0x101d' "$SCRATCH/regs" || fail "regs lost MGIR"

# trace: the ring shown raw exactly as when the bundle has no MTRC_CAP at all,
# with a warning naming trace.cap.
"$MKBUNDLE" -o "$SCRATCH/nocap.tar.zst" trace.strings.0="$fx/trace.strings.0" \
	trace.ring="$fx/trace.ring" trace.text="$fx/trace.text" reg.MGIR="$fx/reg.MGIR" >/dev/null
"$FWBOX" trace "$SCRATCH/nocap.tar.zst" 2>/dev/null | cut -d' ' -f2- | sort > "$SCRATCH/want"
"$FWBOX" trace "$SCRATCH/b.tar.zst" > "$SCRATCH/out" 2> "$SCRATCH/err" ||
	fail "trace failed: $(cat "$SCRATCH/err")"
grep -q "^fwbox trace: warning: '.*b.tar.zst': 'trace.cap'.*MTRC_CAP: 64 bytes" "$SCRATCH/err" ||
	fail "no trace.cap warning"
cut -d' ' -f2- "$SCRATCH/out" | sort > "$SCRATCH/got"
[ "$(wc -l < "$SCRATCH/got")" -gt 11 ] || fail "trace lines lost"
diff -u "$SCRATCH/want" "$SCRATCH/got" || fail "raw trace differs from the no-MTRC_CAP one"
grep -q 'link up$' "$SCRATCH/out" || fail "tracefs line lost"

# load: exit 0, a warning, everything else stored.
"$FWBOX" load --db "$SCRATCH/h.db" "$SCRATCH/b.tar.zst" > /dev/null 2> "$SCRATCH/err" ||
	fail "load failed: $(cat "$SCRATCH/err")"
grep -q "warning: .*'trace.cap': MTRC_CAP: 64 bytes" "$SCRATCH/err" || fail "no load warning"
n=$("$FWBOX" query --db "$SCRATCH/h.db" "SELECT count(*) FROM trace_events" | tail -1)
[ "$n" -ge 7 ] || fail "trace events not loaded ($n)"
n=$("$FWBOX" query --db "$SCRATCH/h.db" "SELECT count(*) FROM register_fields" | tail -1)
[ "$n" -gt 0 ] || fail "register fields not loaded ($n)"

# A hash mismatch still rejects the whole bundle.
expect_exit 1 "$FWBOX" load --db "$SCRATCH/h2.db" "$top_srcdir/tests/fixtures/bundle/flipped.tar"
echo ok
