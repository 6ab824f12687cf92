#!/bin/sh
# fwbox watch on the emulator: how long from a firmware failure (scheduled
# half a second after the daemon opened the card, so it is watching) to the
# capture's first device read (median of several fatal-at= runs; the
# target is <= 50 ms), against a baseline measured here: a script that
# starts `fwbox collect` after the event, timed from its start to the end
# of a health-buffer-only collection.  The daemon's own part of the
# latency (event received to first read) is shown apart, with the machine's
# load.  Then the idle daemon: CPU over 5 s
# and resident memory.  Lines: figure: NAME VALUE UNIT.
set -eu
FWBOX=${FWBOX:-./fwbox}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-watch-XXXXXX")
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
pid=
runs=10
# The machine's load when the runs start (printed again at the end).
load0=$(cut -d' ' -f1 /proc/loadavg)
i=0
while [ $i -lt $runs ]; do
	"$FWBOX" watch -j -d 'emu:cx7,fatal-at=0.5' --spool "$tmp/s$i" --exit-after 1 > "$tmp/w$i.log" || true
	sed -n 's/.*"note":"captured".*"latency_ns":\([0-9]*\).*/\1/p' "$tmp/w$i.log" >> "$tmp/lat"
	sed -n 's/.*"note":"captured".*"handling_ns":\([0-9]*\).*/\1/p' "$tmp/w$i.log" >> "$tmp/hand"
	i=$((i + 1))
done
i=0
while [ $i -lt $runs ]; do
	s=$(date +%s%N)
	"$FWBOX" collect -q -d emu:cx7 --only health.buffer -o "$tmp/c$i.tar.zst" >/dev/null
	e=$(date +%s%N)
	echo $((e - s)) >> "$tmp/base"
	i=$((i + 1))
done
python3 - "$tmp/lat" "$tmp/base" "$tmp/hand" "$load0" <<'PY'
import os, statistics, sys
lat = [int(x) / 1e6 for x in open(sys.argv[1]).read().split()]
base = [int(x) / 1e6 for x in open(sys.argv[2]).read().split()]
hand = [int(x) / 1e6 for x in open(sys.argv[3]).read().split()]
m, b = statistics.median(lat), statistics.median(base)
# The machine's load: a loaded run is slow for reasons not fwbox's own.
print(f"bench-watch: load average {sys.argv[4]} at the start, {os.getloadavg()[0]:.2f} at the end, on {os.cpu_count()} CPUs")
print(f"figure: watch-event-to-first-read-median {m:.2f} ms")
print(f"figure: watch-event-to-first-read-max {max(lat):.2f} ms")
# Of that, the daemon's own part: from taking the event in hand to the
# first read (the rest is the timer and the process waking up: the
# emulated firmware builds its crdump when it is first read, after that).
print(f"figure: watch-receipt-to-first-read-median {statistics.median(hand):.2f} ms")
print(f"figure: watch-latency-target 50 ms")
print(f"figure: baseline-collect-by-script-median {b:.2f} ms")
print(f"figure: watch-latency-vs-script-ratio {m / b:.3f} x")
PY
# Idle: one emulated card whose fault is a day away, so nothing happens.
mkfifo "$tmp/idle.fifo"
"$FWBOX" watch -q -d 'emu:cx7,fatal-at=86400' --spool "$tmp/idle" > "$tmp/idle.fifo" 2>&1 &
pid=$!
# Wait for the ready line (the daemon is armed), not for a time: read the
# daemon's output through the FIFO until it says so (the FIFO stays open
# on fd 4 so the daemon never blocks writing).
exec 4< "$tmp/idle.fifo"
ready=
while IFS= read -r line <&4; do
	case $line in *ready*) ready=1; break ;; esac
done
[ -n "$ready" ] || { echo "the idle daemon ended before its ready line" >&2; exit 1; }
tck=$(getconf CLK_TCK)
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
s=$(date +%s%N)
sleep 5
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
e=$(date +%s%N)
rss=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status")
kill -TERM "$pid"
cat <&4 > /dev/null
exec 4<&-
wait "$pid" || true
pid=
python3 -c "import sys; t0,t1,tck,s,e=map(int,sys.argv[1:]); print(f'figure: watch-idle-cpu {100.0*(t1-t0)/tck/((e-s)/1e9):.3f} %')" \
	"$t0" "$t1" "$tck" "$s" "$e"
echo "figure: watch-idle-rss $rss KiB"
