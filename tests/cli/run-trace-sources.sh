#!/bin/sh
# One record per firmware message, on text-only captures.  Three emulated
# cards are collected twice each the ordinary way (no --trace-control: the
# kernel owns the tracer, so the bundle holds tracefs lines and the fw
# reporter's saved traces, never the ring), and the same seeds again with
# the ring (--trace-control).  Loaded into two histories, both must give the
# same answers: formats seen on more than one card, formats new since the
# previous capture of a card, diff grouped by format; trace-search and
# fwbox trace give each message once.  Checked with sqlite3 and sort/cmp.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "no sqlite3 tool"; exit 77; }
scratch
cd "$SCRATCH"

for seed in 1 2 3; do
	for secs in 1 2; do
		"$FWBOX" collect -q -d emu:cx7,seed=$seed --trace-seconds $secs \
			--only 'trace.*,health.*' -o text-$seed-$secs.tar.zst >/dev/null
		"$FWBOX" collect -q -d emu:cx7,seed=$seed,owner=none --trace-control \
			--trace-seconds $secs --only 'trace.*,health.*' -o ring-$seed-$secs.tar.zst >/dev/null
	done
done
for m in text ring; do
	"$FWBOX" load -q --db $m.db $m-*.tar.zst
done
# The text captures hold no ring; the ring captures hold the ring and the
# lines the emulated driver rendered from it, all copies of ring messages.
[ "$(sqlite3 text.db "SELECT count(*) FROM trace_events_all WHERE source = 'ring'")" -eq 0 ] ||
	fail "a text capture holds ring events"
[ "$(sqlite3 ring.db "SELECT count(*) FROM trace_events_all WHERE source = 'text'")" -gt 0 ] ||
	fail "the ring captures hold no tracefs lines"
[ "$(sqlite3 ring.db "SELECT count(*) FROM trace_events WHERE source <> 'ring'")" -eq 0 ] ||
	fail "a tracefs line of a ring capture is not a copy of a ring message"

# The emulated tracefs lines have the kernel's layout: task right-aligned
# in 16 columns, '-', PID left-aligned in 7, "[CPU] ", five flags, then the
# time as " %5lu.%06lu: " (trace_print_context() in kernel/trace/
# trace_output.c), so '[' is column 26 and the seconds' '.' column 43 for
# times under 100000 s; the emulated uptime stays below that.
"$FWBOX" extract text-1-1.tar.zst trace.text > lines.txt
[ "$(wc -l < lines.txt)" -gt 100 ] || fail "few tracefs lines"
bad=$(awk 'substr($0, 26, 1) != "[" || substr($0, 36, 2) != ". " ||
	substr($0, 43, 1) != "." || substr($0, 50, 11) != ": mlx5_fw: " ||
	substr($0, 37, 6) !~ /^ *[0-9]+$/' lines.txt | head -3)
[ -z "$bad" ] || fail "tracefs line not in the kernel's layout: $bad"

# fw-error-after=0: the fw reporter holds a dump with saved traces, each a
# copy of a tracefs line.
"$FWBOX" collect -q -d emu:cx7,seed=4,fw-error-after=0 --trace-seconds 1 \
	--only 'trace.*,health.*' -o saved.tar.zst >/dev/null
"$FWBOX" load -q --db saved.db saved.tar.zst
[ "$(sqlite3 saved.db "SELECT count(*) FROM trace_events_all WHERE source = 'saved'")" -gt 0 ] ||
	fail "no saved traces"
[ "$(sqlite3 saved.db "SELECT count(*) FROM trace_events WHERE source = 'saved'")" -eq 0 ] ||
	fail "a saved trace is not a copy of a tracefs line"
[ "$("$FWBOX" trace saved.tar.zst | wc -l)" -eq "$("$FWBOX" trace --source text saved.tar.zst | wc -l)" ] ||
	fail "fwbox trace prints saved traces that copy tracefs lines"
[ "$("$FWBOX" trace --source saved saved.tar.zst | wc -l)" -gt 0 ] || fail "--source saved prints nothing"
# Every line matched a format: nothing kept as text.
[ "$(sqlite3 text.db "SELECT count(*) FROM trace_events_all WHERE NOT matched")" -eq 0 ] ||
	fail "text lines left unmatched"
# Formats are the strings DB's, not one per line.
nfmt=$(sqlite3 text.db "SELECT count(*) FROM trace_formats")
nev=$(sqlite3 text.db "SELECT count(*) FROM trace_events")
[ "$nfmt" -lt 400 ] && [ "$nev" -gt 2000 ] || fail "$nfmt formats for $nev messages"

# Each message once: per bundle, the history counts what fwbox trace prints,
# and no (bundle, timestamp, event id, message) appears twice.
for m in text ring; do
	for f in $m-*.tar.zst; do
		uuid=$("$FWBOX" show --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bundle"])')
		want=$(sqlite3 $m.db "SELECT count(*) FROM trace_events t JOIN bundles b ON b.id = t.bundle
			WHERE b.uuid = '$uuid'")
		got=$("$FWBOX" trace "$f" | wc -l)
		[ "$got" -eq "$want" ] || fail "$f: fwbox trace prints $got lines, the history has $want"
		if [ $m = ring ]; then
			all=$("$FWBOX" trace --source all "$f" | wc -l)
			[ "$all" -eq $((2 * got)) ] || fail "$f: --source all prints $all lines for $got messages"
		fi
	done
	[ "$(sqlite3 $m.db "SELECT count(*) FROM (SELECT bundle, timestamp, event_id, message
		FROM trace_events GROUP BY 1, 2, 3, 4 HAVING count(*) > 1)")" -eq 0 ] ||
		fail "$m: a message is counted twice"
	"$FWBOX" query --db $m.db --format csv trace-search 'link' > search-$m.csv
	[ "$(tail -n +2 search-$m.csv | wc -l)" -gt 0 ] || fail "$m: trace-search found nothing"
	[ "$(tail -n +2 search-$m.csv | cut -d, -f1,4,5,7- | sort | uniq -d | wc -l)" -eq 0 ] ||
		fail "$m: trace-search returns a message twice"
done
# The same messages, from text lines and from the ring (the emulated clock
# differs between the two ways of collecting: timestamps are left out).
cut -d, -f5,7- search-text.csv | sort > s-text
cut -d, -f5,7- search-ring.csv | sort > s-ring
cmp -s s-text s-ring || { diff s-text s-ring | head -5; fail "trace-search differs between sources"; }

# The cross-card answers agree (format ids are each database's own).
for m in text ring; do
	"$FWBOX" query --db $m.db --format csv trace-cross-card | cut -d, -f2- | sort > cc-$m
	"$FWBOX" query --db $m.db --format csv trace-new | cut -d, -f1,2,6- | sort > new-$m
done
[ "$(wc -l < cc-text)" -gt 100 ] || fail "few formats seen on more than one card: $(wc -l < cc-text)"
[ "$(wc -l < new-text)" -gt 1 ] || fail "nothing new since the previous captures"
cmp -s cc-text cc-ring || { diff cc-text cc-ring | head -5; fail "trace-cross-card differs"; }
cmp -s new-text new-ring || { diff new-text new-ring | head -5; fail "trace-new differs"; }

# diff is grouped by format: the same formats, counts and ranges from text
# as from the ring; every listed format is a strings-DB format.
"$FWBOX" diff --db text.db text-1-1.tar.zst text-1-2.tar.zst | tail -n +3 > d-text
"$FWBOX" diff --db ring.db ring-1-1.tar.zst ring-1-2.tar.zst | tail -n +3 > d-ring
grep -q '^Trace formats new in B: [1-9]' d-text || fail "diff lists no new format"
# The kernel prints a 64-bit value (%llx, rewritten %x%x) as two numbers
# with nothing between them: from text, where the high half ends is a
# guess, so the ranges of such formats are left out of the comparison.
sed -n '/^Trace formats/,$p' d-text | sed '/%x%x/ s/ \[[^]]*\] (e\.g\./ (e.g./' > dt-text
sed -n '/^Trace formats/,$p' d-ring | sed '/%x%x/ s/ \[[^]]*\] (e\.g\./ (e.g./' > dt-ring
cmp -s dt-text dt-ring || { diff dt-text dt-ring | head -5; fail "diff differs between sources"; }
grep '^  [0-9]*x ' dt-text | grep -v '%' && fail "diff lists a rendered line as a format"
# Two cards: said on standard error.
# Exit status as diff(1): 1, they differ.
rc=0; "$FWBOX" diff --db text.db text-1-1.tar.zst text-2-1.tar.zst 2>err >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "diff of two cards exited $rc"
grep -q "warning: A and B are captures of different cards" err || fail "no warning for two cards"
echo ok
