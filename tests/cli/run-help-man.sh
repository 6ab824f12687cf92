#!/bin/sh
# --help and the man page agree: the options of the usage line are those
# of the man SYNOPSIS (same short/long pairs, same argument names), and
# every option the verb accepts is on its usage line.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v mandoc >/dev/null || { echo "SKIP: no mandoc"; exit 77; }
# mandoc -Tascii marks bold and underline with backspace overstrikes
# ("X\bX", "_\bX"); sed drops them (no col(1): it is not in a minimal
# Debian, and a missing tool in a pipeline looked like a disagreement).
bs=$(printf '\b')
for v in show verify extract trace regs segments crspace devices watch redact import prune; do
	usage=$("$FWBOX" "$v" --help | sed "/^$/q" | tr "\n" " ")
	synopsis=$(MANWIDTH=200 mandoc -Tascii "$top_srcdir/man/fwbox-$v.1" | sed "s/.$bs//g" |
		awk '/^SYNOPSIS/{f=1;next} /^[A-Z]/{f=0} f' | tr '\n' ' ')
	case $synopsis in *"fwbox $v"*) ;; *) fail "$v: no SYNOPSIS read from fwbox-$v.1" ;; esac
	python3 - "$v" "$usage" "$synopsis" <<'PY' || fail "$v: --help and man SYNOPSIS disagree"
import re, sys
v, usage, syn = sys.argv[1:]
def opts(text):
    # bracketed option groups, normalized: "[-j | --json]" == "[-j|--json]"
    out = set()
    for g in re.findall(r"\[([^\]]*)\]", text):
        g = re.sub(r"\s*\|\s*", "|", g.strip())
        if g.startswith("-"):
            out.add(g)
    return out
u, s = opts(usage), opts(syn)
if v == "devices":
    s.discard("-h|--help")
if u != s:
    print(f"{v}: usage {sorted(u)} man {sorted(s)}", file=sys.stderr)
    sys.exit(1)
PY
done
# Short options the code accepts appear on the usage line.
for pair in "show -j" "show -p" "verify -q" "verify -j" "extract -o" "extract -j" "devices -j" \
	"devices -r" "trace -j" "regs -j" "regs -r" "crspace -j" "segments -j" "collect -j" "collect -p" \
	"redact -j" "redact -p"; do
	set -- $pair
	"$FWBOX" "$1" --help | sed '/^$/q' | grep -q -- "\[$2|" || fail "$1: usage line omits $2"
done
echo ok
