# Shared helpers for the end-to-end scripts (sourced).
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE CMD...: run CMD, fail unless it exits with CODE.
expect_exit() {
	want=$1; shift
	set +e; "$@" >/dev/null 2>&1; got=$?; set -e
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}
# A fresh scratch folder removed at exit.
scratch() {
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-e2e-XXXXXX")
	trap 'rm -rf "$SCRATCH"' EXIT
}
# wait_caught PID SIGNUM: wait until process PID runs fwbox and has a
# handler for SIGNUM (the SigCgt mask in /proc/PID/status), i.e. until
# signalling it tests its handling rather than the default action.  The
# program is checked too: between fork and exec, the child of `cmd &` is
# still the test's shell, with the shell's handlers.  A handshake on the
# process's own state, not a guess at how long it takes; fails if PID
# exits first.
wait_caught() {
	while :; do
		m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) ||
			m=
		[ -n "$m" ] || fail "process $1 exited before it caught signal $2"
		case $(readlink "/proc/$1/exe" 2>/dev/null) in
		*/fwbox | */lt-fwbox) [ $(( (0x$m >> ($2 - 1)) & 1 )) -eq 1 ] && return 0 ;;
		esac
		sleep 0.01
	done
}
