#!/bin/sh
# Imported trace text is firmware trace like collected trace: import ->
# fwbox trace -> fwbox load -> SQL.  The text fwbox collected from the
# emulator is imported twice (as tracefs saved it, and as mstfwtrace prints
# the same events) with --strings-from the bundle it came from; the
# imported bundles carry that strings database, so fwbox trace decodes every
# line to the same format and parameters as the collected bundle, and after
# load the history holds the same format ids, messages and parameters,
# checked with sqlite3(1) and fwbox query.  Without a strings database the
# lines stay text (matched = 0), never a guessed format.
set -e
. "$top_srcdir/tests/cli/lib.sh"
for t in sqlite3 python3; do command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }; done
scratch
S=$SCRATCH

"$FWBOX" collect -d emu:cx7,seed=9 -o "$S/emu.tar.zst" -q --trace-seconds 1 >/dev/null
"$FWBOX" extract "$S/emu.tar.zst" trace.text -o "$S/tracefs.txt" >/dev/null
n=$(grep -c 'mlx5_fw: ' "$S/tracefs.txt")
[ "$n" -gt 100 ] || fail "the emulator gave only $n trace lines"
# mstfwtrace prints what follows "mlx5_fw: <BDF> " (secure_fw_trace.py).
sed -n 's/^.*mlx5_fw: [0-9a-f:.]* //p' "$S/tracefs.txt" > "$S/mstfwtrace_000008000.txt"
mkdir "$S/o" "$S/m" "$S/plain"
"$FWBOX" import -q -o "$S/o" --device-hint 0000:08:00.0 --strings-from "$S/emu.tar.zst" "$S/tracefs.txt"
"$FWBOX" import -q -o "$S/m" --strings-from "$S/emu.tar.zst" "$S/mstfwtrace_000008000.txt"
"$FWBOX" import -q -o "$S/plain" --device-hint 0000:08:00.0 "$S/tracefs.txt" 2>/dev/null
imp=$(ls "$S"/o/*.tar.zst)
mft=$(ls "$S"/m/*.tar.zst)
plain=$(ls "$S"/plain/*.tar.zst)

# fwbox trace: the same events, formats and parameters as the collected bundle.
"$FWBOX" trace --json "$S/emu.tar.zst" > "$S/want.json"
"$FWBOX" trace --json "$imp" > "$S/imp.json"
"$FWBOX" trace --json "$mft" > "$S/mft.json"
"$FWBOX" trace --json "$plain" > "$S/plain.json"
python3 - "$S/want.json" "$S/imp.json" "$S/mft.json" "$S/plain.json" "$n" <<'PY' || fail "fwbox trace of imported text differs from the collected trace"
import json, sys
def load(p, kind="trace.text"):
    return [json.loads(l) for l in open(p) if l.strip() and json.loads(l)["kind"] == kind]
want, imp, mft, plain = (load(p) for p in sys.argv[1:5])
n = int(sys.argv[5])
assert len(want) == n and len(imp) == n and len(mft) == n and len(plain) == n, \
    (len(want), len(imp), len(mft), len(plain), n)
key = lambda e: (e["timestamp"], e["event_id"], e["format"], e["format_ptr"], e["params"], e["message"])
matched = sum(e["matched"] for e in want)
assert matched * 1000 >= n * 999, (matched, n)
for got in (imp, mft):
    assert all(g["matched"] == w["matched"] for g, w in zip(got, want))
    assert [key(g) for g in got] == [key(w) for w in want], \
        next((g, w) for g, w in zip(got, want) if key(g) != key(w))
assert all(e["pci"] == "0000:08:00.0" for e in imp + mft), "card lost"
# Without a strings database: text only, no format invented.
assert not any(e["matched"] for e in plain), [e for e in plain if e["matched"]][:1]
assert [e["message"] for e in plain] == [e["message"] for e in want]
PY

# load: the history holds the imported events with the same format ids
# (one trace_formats row per format text) and parameters as the collected
# ones, as source 'text', matched.
db=$S/h.db
"$FWBOX" load -q --db "$db" "$S/emu.tar.zst" "$imp" "$mft" "$plain"
ids=$(sqlite3 "$db" "SELECT group_concat(id) FROM (SELECT id FROM bundles ORDER BY id)")
[ "$ids" = "1,2,3,4" ] || fail "expected four bundles, got $ids"
got=$(sqlite3 "$db" "SELECT bundle, count(*), sum(matched), count(DISTINCT format) FROM trace_events GROUP BY bundle ORDER BY bundle" | tr '\n' ' ')
nf=$(sqlite3 "$db" "SELECT count(DISTINCT format) FROM trace_events WHERE bundle = 1")
# Unmatched text is its own "format" (the message as it was).
nm=$(sqlite3 "$db" "SELECT count(DISTINCT message) FROM trace_events WHERE bundle = 4")
[ "$got" = "1|$n|$n|$nf 2|$n|$n|$nf 3|$n|$n|$nf 4|$n|0|$nm " ] ||
	fail "trace_events per bundle: $got (want $n events, $nf formats, all matched but in bundle 4)"
# Row for row: the same format id, message and parameters.
diffs=$(sqlite3 "$db" "SELECT count(*) FROM trace_events c JOIN trace_events i
	ON i.bundle IN (2, 3) AND c.bundle = 1 AND i.seq = c.seq
	WHERE i.format IS NOT c.format OR i.message IS NOT c.message
	   OR i.parameters IS NOT c.parameters OR i.event_id IS NOT c.event_id
	   OR i.timestamp IS NOT c.timestamp OR i.source <> 'text'")
pairs=$(sqlite3 "$db" "SELECT count(*) FROM trace_events c JOIN trace_events i
	ON i.bundle IN (2, 3) AND c.bundle = 1 AND i.seq = c.seq")
[ "$pairs" -eq $((2 * n)) ] || fail "only $pairs of $((2 * n)) imported events pair with collected ones"
[ "$diffs" -eq 0 ] || fail "$diffs imported events differ from the collected ones in the history"
# The bundle is known as imported, with the strings database it used.
imported=$(sqlite3 "$db" "SELECT count(*) FROM artifacts WHERE bundle IN (2, 3) AND kind = 'trace.cap'")
[ "$imported" -eq 2 ] || fail "imported bundles without their strings database: $imported"
# fwbox query: a format's events in every bundle, imported ones included.
fmt=$(sqlite3 "$db" "SELECT format FROM trace_events WHERE bundle = 1 GROUP BY format ORDER BY count(*) DESC LIMIT 1")
"$FWBOX" query --db "$db" -j "SELECT bundle, count(*) AS n FROM trace_events WHERE format = ?1 GROUP BY bundle ORDER BY bundle" "$fmt" > "$S/q.json"
python3 - "$S/q.json" <<'PY' || fail "fwbox query does not show imported events by format: $(cat "$S/q.json")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert [r["bundle"] for r in rows] == [1, 2, 3], rows
assert len({r["n"] for r in rows}) == 1 and rows[0]["n"] > 0, rows
PY
exit 0
