#!/bin/sh
# Shell completion: `fwbox __complete` offers verbs, options, device specs,
# named queries, artifact kinds and bundle UUIDs of the history; the bash
# script turns them into COMPREPLY (adding bundle files), and the zsh
# function into compadd calls.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
cd "$SCRATCH"
export FWBOX_DB="$SCRATCH/h.db"
"$FWBOX" collect -q -d emu:cx5 --only reg.MGIR,host.info -o b.tar.zst >/dev/null
"$FWBOX" load -q b.tar.zst
uuid=$("$FWBOX" list -j -1 | sed 's/.*"bundle":"\([^"]*\)".*/\1/')
touch other.txt

# comp WORD...: the candidates for the last WORD, sorted, on one line.
comp() { "$FWBOX" __complete "$@" | sort | tr '\n' ' '; }
want() {
	got=$(comp "$@" | sed 's/ $//')
	exp=$(for w in $EXP; do echo "$w"; done | sort | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$exp" ] || fail "__complete $*: got '$got', expected '$exp'"
}

EXP="segments show"; want s
EXP="devices diff"; want help d
EXP="--db --grep --help --json --pretty --since --source --until --utc --format"; want trace --
EXP="emu:cx5 emu:cx6dx emu:cx7"; want collect -d emu
EXP="gzip none xz zstd"; want collect --compress ''
EXP="fw-changes fw-history"; want query fw
EXP="$uuid"; want query artifacts "$(echo "$uuid" | cut -c1-2)"
EXP="host.info reg.MGIR"; want extract b.tar.zst ''
EXP="PDDR"; want regs -r PD
EXP="@bundles $uuid"; want show "$(echo "$uuid" | cut -c1-3)"
EXP="@files"; want load --db ''
EXP="@files"; want import ""
EXP="@bundles"; want import --strings-from ""
# A word that is no verb completes to nothing, and nothing fails.
EXP=""; want nosuchverb x

# bash: the script's function fills COMPREPLY, files where bundles go.
bash -c '
. "$1/completion/fwbox"
COMP_WORDS=("$2" show ""); COMP_CWORD=2; _fwbox
printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "; echo
COMP_WORDS=("$2" q); COMP_CWORD=1; _fwbox
printf "%s\n" "${COMPREPLY[@]}" | tr "\n" " "; echo
COMP_WORDS=("$2" collect -d emu:cx7); COMP_CWORD=3; _fwbox
printf "%s\n" "${COMPREPLY[@]}" | tr "\n" " "; echo
complete -p fwbox
' sh "$top_srcdir" "$FWBOX" > bash.out
sed -n 1p bash.out | grep -q 'b.tar.zst' || fail "bash: no bundle file offered: $(sed -n 1p bash.out)"
sed -n 1p bash.out | grep -q 'other.txt' && fail "bash: a non-bundle file offered"
[ "$(sed -n 2p bash.out)" = "query " ] || fail "bash: verb: $(sed -n 2p bash.out)"
[ "$(sed -n 3p bash.out)" = "emu:cx7 " ] || fail "bash: device: $(sed -n 3p bash.out)"
grep -q 'complete -F _fwbox fwbox' bash.out || fail "bash: not registered"

# zsh: the function, with compadd and _files stubbed, offers the same.
command -v zsh >/dev/null || fail "zsh is not installed (scripts/debian-packages lists it)"
zsh -n "$top_srcdir/completion/_fwbox" || fail "zsh: syntax"
zsh -f -c '
compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }
_files() { print -- "FILES $*"; }
words=("$2" query fw-h); CURRENT=3; source "$1/completion/_fwbox"
words=("$2" show ""); CURRENT=3; source "$1/completion/_fwbox"
' sh "$top_srcdir" "$FWBOX" > zsh.out
grep -qx 'fw-history' zsh.out || fail "zsh: named query: $(cat zsh.out)"
grep -qx "FILES -g \*.tar\*(-.)" zsh.out || fail "zsh: bundle files: $(cat zsh.out)"
echo ok
