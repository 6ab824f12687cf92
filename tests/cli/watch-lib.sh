# Helpers for the fwbox watch end-to-end scripts (sourced after lib.sh).
# The daemon's stdout goes through a FIFO; tests wait on its lines (the
# daemon's own handshakes), never on time.

# watch_start LOG ARGS...: start `fwbox watch ARGS -j` in the background
# with its JSON lines readable on fd 3 and copied to LOG; sets WPID.
watch_start() {
	local log=$1
	shift
	rm -f "$SCRATCH/watch.fifo"
	mkfifo "$SCRATCH/watch.fifo"
	"$FWBOX" watch -j "$@" > "$SCRATCH/watch.fifo" 2> "$log.err" &
	WPID=$!
	exec 3< "$SCRATCH/watch.fifo"
	WLOG=$log
	: > "$WLOG"
}

# watch_wait PATTERN: read the daemon's lines until one matches PATTERN (a
# grep -E expression); fails when the daemon ends first.
watch_wait() {
	local line
	while IFS= read -r line <&3; do
		printf '%s\n' "$line" >> "$WLOG"
		if printf '%s\n' "$line" | grep -Eq "$1"; then
			return 0
		fi
	done
	cat "$WLOG.err" >&2
	fail "fwbox watch ended before a line matching '$1' (log: $(tail -3 "$WLOG"))"
}

# watch_drain: read the rest of the daemon's lines, then reap it; sets WRC.
watch_drain() {
	local line
	while IFS= read -r line <&3; do
		printf '%s\n' "$line" >> "$WLOG"
	done
	exec 3<&-
	set +e
	wait "$WPID"
	WRC=$?
	set -e
}

# bundles DIR: the bundles in DIR, one a line.
bundles() {
	find "$1" -maxdepth 1 -name 'fwbox-*.tar*' -type f | sort
}
