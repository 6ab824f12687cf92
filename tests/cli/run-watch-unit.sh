#!/bin/sh
# The systemd unit: `systemd-analyze verify` accepts it (with ExecStart on
# the fwbox under test), its sandbox keeps the exposure `systemd-analyze
# security` reports at "OK" or better, and its command line is one fwbox
# watch accepts.  Skips (77) where systemd-analyze is not installed.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
scratch
unit="$SCRATCH/fwbox-watch.service"
sed "s|@bindir@/fwbox|$FWBOX|" "$top_srcdir/systemd/fwbox-watch.service.in" > "$unit"
systemd-analyze verify --man=no "$unit" || fail "systemd-analyze verify rejects the unit"
systemd-analyze security --offline=yes "$unit" > "$SCRATCH/security.txt" 2>&1 ||
	fail "systemd-analyze security failed: $(tail -3 "$SCRATCH/security.txt")"
line=$(grep 'Overall exposure level' "$SCRATCH/security.txt")
echo "$line"
exposure=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 3.0 else 1)" "$exposure" ||
	fail "exposure $exposure is above 3.0 (OK): $line"
# The installed unit names the spool the daemon defaults to, and the
# options of its ExecStart are ones fwbox watch takes.
grep -q '^ReadWritePaths=/var/lib/fwbox$' "$unit" || fail "ReadWritePaths is not the spool's folder"
args=$(sed -n 's|^ExecStart=[^ ]* watch ||p' "$unit")
[ -n "$args" ] || fail "no 'fwbox watch' ExecStart in the unit"
# The same options, with the spool, device and end a test needs added last.
set +e
# shellcheck disable=SC2086
"$FWBOX" watch $args --spool "$SCRATCH/spool" -d 'emu:cx7,fatal-at=0.01' --exit-after 1 \
	> "$SCRATCH/run.txt" 2>&1
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "fwbox watch with the unit's options '$args' exited $rc: $(cat "$SCRATCH/run.txt")"
[ "$(find "$SCRATCH/spool" -maxdepth 1 -name 'fwbox-*' | wc -l)" -eq 1 ] ||
	fail "no bundle from the unit's command line"
echo ok
