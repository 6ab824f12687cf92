#!/bin/sh
# What every verb shares (fwbox(1)): `fwbox help VERB`, "did you mean",
# one "fwbox VERB:" prefix, `-o -` for standard output, the -o extension
# picking the compression, and exit 4 for "nothing to show".
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
cd "$SCRATCH"

# help VERB is VERB --help; an unknown verb gets a suggestion.
"$FWBOX" help trace > a
"$FWBOX" trace --help > b
cmp -s a b || fail "'fwbox help trace' differs from 'fwbox trace --help'"
"$FWBOX" help | grep -q '^Verbs:' || fail "'fwbox help' lists no verbs"
expect_exit 2 "$FWBOX" help nosuchverb
"$FWBOX" tarce 2>&1 | grep -q "unknown verb 'tarce'; did you mean 'trace'?" ||
	fail "no suggestion for a misspelt verb"
"$FWBOX" help qeury 2>&1 | grep -q "did you mean 'query'" || fail "help: no suggestion"

# Every verb of 'fwbox --help': -h, --help and 'help VERB' print the same
# usage on stdout (exit 0, nothing on stderr); --version prints the
# version; an unknown option or a missing option value is exit 2 with
# nothing on stdout and every stderr line prefixed; 'fwbox help VERB' names
# no verb without a man page.
"$FWBOX" --help | awk '/^Verbs:/ {f = 1; next} f && /^  [a-z]/ {print $1}' >verbs
[ "$(wc -l <verbs)" -ge 18 ] || fail "fwbox --help lists $(wc -l <verbs) verbs"
while read -r v; do
	"$FWBOX" "$v" --help >h1 2>e1 || fail "$v --help: exit $?"
	"$FWBOX" "$v" -h >h2 2>>e1 || fail "$v -h: exit $?"
	"$FWBOX" help "$v" >h3 2>>e1 || fail "help $v: exit $?"
	[ ! -s e1 ] || fail "$v --help wrote to stderr: $(cat e1)"
	head -1 h1 | grep -q "^Usage: fwbox $v " || fail "$v --help: $(head -1 h1)"
	cmp -s h1 h2 && cmp -s h1 h3 || fail "$v: -h, --help and help $v differ"
	[ "$("$FWBOX" "$v" --version)" = "$("$FWBOX" --version)" ] || fail "$v --version"
	[ -f "$top_srcdir/man/fwbox-$v.1" ] || fail "$v has no man page"
	for bad in --no-such-option -Z; do
		rc=0
		"$FWBOX" "$v" "$bad" >o 2>e || rc=$?
		[ "$rc" -eq 2 ] || fail "$v $bad: exit $rc, expected 2"
		[ ! -s o ] || fail "$v $bad: wrote to stdout: $(cat o)"
		grep -q "^fwbox $v: " e || fail "$v $bad: $(cat e)"
		grep -v "^fwbox $v: \|^Try 'fwbox $v --help'.\$" e >bad || true
		[ ! -s bad ] || fail "$v $bad: unprefixed lines: $(cat bad)"
		grep -qx "Try 'fwbox $v --help'." e || fail "$v $bad: no hint: $(cat e)"
	done
done <verbs

# Every message on stderr starts with "fwbox VERB:".
"$FWBOX" collect -q -d emu:cx7,seed=3 --only reg.MGIR,host.info -o b.tar.zst >/dev/null
: > empty.tar.zst
for cmd in "show nonexist.tar.zst" "verify empty.tar.zst nonexist.tar.zst" "trace nonexist.tar.zst" \
	"regs empty.tar.zst" "crspace b.tar.zst" "segments nonexist.tar.zst" \
	"extract b.tar.zst nosuchkind" "show --bogus" "verify"; do
	set -- $cmd
	verb=$1
	"$FWBOX" "$@" >/dev/null 2>err || true
	[ -s err ] || fail "'fwbox $cmd' printed no message"
	grep -v "^fwbox $verb: \|^Try 'fwbox $verb --help'.$" err >bad || true
	[ ! -s bad ] || fail "'fwbox $cmd': lines without 'fwbox $verb:': $(cat bad)"
done
# An empty file says so; a missing one says it does not exist; one name, once.
"$FWBOX" show empty.tar.zst 2>&1 | grep -qx "fwbox show: 'empty.tar.zst' is empty (0 bytes), not a bundle" ||
	fail "empty bundle: $("$FWBOX" show empty.tar.zst 2>&1)"
"$FWBOX" verify nonexist.tar.zst 2>&1 | grep -qx "fwbox verify: 'nonexist.tar.zst': No such file or directory" ||
	fail "missing bundle: $("$FWBOX" verify nonexist.tar.zst 2>&1)"
"$FWBOX" verify nonexist.tar.zst 2>/dev/null | grep -qx "nonexist.tar.zst: FAILED" ||
	fail "verify: no FAILED verdict on stdout"

# -o - is standard output.
"$FWBOX" extract -o - b.tar.zst host.info > via-dash
"$FWBOX" extract b.tar.zst host.info > via-stdout
cmp -s via-dash via-stdout || fail "extract -o - differs from standard output"
mkdir tmp
TMPDIR=$SCRATCH/tmp "$FWBOX" collect -q -d emu:cx5 --only host.info -o - > piped.tar.zst
"$FWBOX" verify -q piped.tar.zst || fail "collect -o -: the bundle on stdout does not verify"
[ -z "$(ls -A tmp)" ] || fail "collect -o - left its temporary folder: $(ls -A tmp)"
expect_exit 2 "$FWBOX" collect -q -d emu:cx5 -o - --json

# magic FILE: the compression its first bytes say.
magic() {
	case $(od -An -tx1 -N6 "$1" | tr -d ' \n') in
	1f8b*) echo gzip ;;
	fd377a585a00) echo xz ;;
	28b52ffd*) echo zstd ;;
	*) [ "$(dd if="$1" bs=1 skip=257 count=5 2>/dev/null)" = ustar ] && echo none || echo unknown ;;
	esac
}
[ "$(magic piped.tar.zst)" = zstd ] || fail "collect -o -: not zstd"

# The -o extension picks the compression; a disagreeing --compress is refused.
for ext in tar.gz:gzip tgz:gzip tar.xz:xz txz:xz tar:none tar.zst:zstd tzst:zstd; do
	e=${ext%%:*} want=${ext#*:}
	"$FWBOX" collect -q -d emu:cx5 --only host.info -o "x.$e" >/dev/null
	[ "$(magic "x.$e")" = "$want" ] || fail "-o x.$e: $(magic "x.$e"), expected $want"
	"$FWBOX" verify -q "x.$e" || fail "-o x.$e does not verify"
done
expect_exit 2 "$FWBOX" collect -q -d emu:cx5 -o y.tar.gz --compress zstd
"$FWBOX" collect -q -d emu:cx5 -o y.tar.gz --compress zstd 2>&1 |
	grep -q "names gzip compression but --compress is zstd" || fail "no reason for the refusal"
[ ! -e y.tar.gz ] || fail "a refused collect wrote a file"
"$FWBOX" collect -q -d emu:cx5 --only host.info -o z.tar.gz --compress gzip >/dev/null ||
	fail "agreeing --compress refused"

# Nothing to show is exit 4, with a message, on every decode verb.
expect_exit 4 "$FWBOX" crspace b.tar.zst
expect_exit 4 "$FWBOX" segments b.tar.zst
expect_exit 4 "$FWBOX" trace b.tar.zst
expect_exit 4 "$FWBOX" trace -j b.tar.zst
expect_exit 4 "$FWBOX" regs b.tar.zst PDDR
[ -z "$("$FWBOX" trace -j b.tar.zst 2>/dev/null)" ] || fail "nothing to show printed JSON"
# Several bundles: one unreadable is exit 3, all unreadable exit 1.
expect_exit 3 "$FWBOX" regs b.tar.zst nonexist.tar.zst
expect_exit 1 "$FWBOX" regs nonexist.tar.zst empty.tar.zst
expect_exit 3 "$FWBOX" show b.tar.zst empty.tar.zst

# On a terminal the progress line is erased before anything else is
# printed: what the screen shows after each carriage return never runs a
# progress line into a message (load printed "...bytes)loaded ...").
# script(1) (util-linux, Essential in Debian) gives the run a terminal.
"$FWBOX" collect -q -d emu:cx7,seed=5 --only health,reg.MGIR,crspace -o t.tar.zst >/dev/null
script -qec "'$FWBOX' load --db tty.db t.tar.zst b.tar.zst" /dev/null >tty.out ||
	fail "load on a terminal: exit $?"
grep -q 'bytes)' tty.out || fail "load on a terminal showed no progress: $(cat -A tty.out)"
awk '{ sub(/\r$/, ""); n = split($0, part, "\r"); v = part[n]; sub(/^\033\[K/, "", v); print v }' \
	tty.out >screen
grep -c '^loaded ' screen | grep -qx 2 || fail "load on a terminal: $(cat -A screen)"
! grep -q 'bytes).' screen || fail "a progress line runs into a message: $(cat -A screen)"

# An argument that is neither a file nor a capture in the history: every
# decode verb says it in the same words and names the argument once
# (report said "'0916': '0916' is not a file; ...: '0916' is neither ...").
for v in show report trace regs; do
	set +e
	"$FWBOX" "$v" --db tty.db 0916 >/dev/null 2>err
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || fail "$v 0916: exit $rc"
	grep -qx "fwbox $v: '0916': No such file or directory" err || fail "$v 0916: $(cat err)"
	set +e
	"$FWBOX" "$v" --db tty.db deadbeef >/dev/null 2>err
	set -e
	[ "$(grep -o deadbeef err | wc -l)" -le 2 ] && grep -q "^fwbox $v: 'deadbeef' is not a file, and as a bundle UUID: " err ||
		fail "$v deadbeef: $(cat err)"
done
# load names a missing file once ("rejected 'x': 'x': No such file").
set +e
"$FWBOX" load --db tty.db nosuch.tar.zst 2>err
set -e
grep -qx "fwbox load: rejected 'nosuch.tar.zst': No such file or directory" err ||
	fail "load of a missing file: $(cat err)"
echo ok
