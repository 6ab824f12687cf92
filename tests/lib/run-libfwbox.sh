#!/bin/sh
# libfwbox from outside the project: tests/lib/fwbox-read.c is compiled with
# `pkg-config --cflags --libs fwbox` and <libfwbox.h> only, then opens,
# verifies, reads and decodes an emulator bundle; every answer is checked
# against fwbox itself and tar.  In `make check` it builds against the build
# tree (fwbox-uninstalled.pc); `make installcheck` sets FW_PKG_CONFIG_PATH
# and FW_LIBDIR to test the installed header, library and .pc instead.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
if [ -n "$FW_PKG_CONFIG_PATH" ]; then
	PKG_CONFIG_PATH=$FW_PKG_CONFIG_PATH
	rpath=$FW_LIBDIR
	want_lib=$FW_LIBDIR
else
	PKG_CONFIG_PATH=$top_builddir/src/lib
	rpath=$top_builddir/src/.libs
	want_lib=$top_builddir/src/.libs
fi
export PKG_CONFIG_PATH
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
flags=$($PKG_CONFIG --cflags --libs fwbox) || fail "pkg-config finds no fwbox in $PKG_CONFIG_PATH"
case "$flags" in *"-L$want_lib "*) ;; *) fail "pkg-config gave '$flags', not the library in $want_lib" ;; esac
# shellcheck disable=SC2086 # the flags are words
${CC:-cc} -std=c11 -Wall -Wextra -Werror $FW_SAN_FLAGS -o "$SCRATCH/fwbox-read" \
	"$top_srcdir/tests/lib/fwbox-read.c" $flags -Wl,-rpath,"$rpath" ||
	fail "tests/lib/fwbox-read.c does not build against libfwbox"
READ="$SCRATCH/fwbox-read"
cd "$SCRATCH"

# An emulated ConnectX-7 whose tracer already holds messages.
"$FWBOX" collect -d emu:cx7,history=200 -o b.tar.zst -q >/dev/null
"$FWBOX" show --json b.tar.zst > show.json
"$READ" info b.tar.zst > info
mkdir x && tar --zstd -xf b.tar.zst -C x
python3 - show.json info x <<'PY'
import hashlib, json, os, sys
show = json.load(open(sys.argv[1]))
info = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
top = {l[0]: l[1] for l in info if l[0] != "artifact"}
assert top["uuid"] == show["bundle"], (top, show["bundle"])
assert top["host"] == show["host"] and top["writer"] == show["fwbox_version"], top
assert top["pci"] == show["device"]["pci"] and top["fw"] == show["device"]["fw_version"], top
arts = [l[1:] for l in info if l[0] == "artifact"]
want = [(a["kind"], a["path"], a["bytes"], a["outcome"], a["sha256"], a["reason"] or "")
        for a in show["artifacts"]]
got = [(k, p, int(s), o, sha, r) for k, p, s, o, sha, r in arts]
assert got == want, (got, want)
members = set()
for root, _, files in os.walk(sys.argv[3]):
    for f in files:
        members.add(os.path.relpath(os.path.join(root, f), sys.argv[3]))
assert members == {a[1] for a in got} | {"index.elf"}, members
for k, p, s, o, sha, reason in arts:
    assert hashlib.sha256(open(os.path.join(sys.argv[3], p), "rb").read()).hexdigest() == sha, p
PY

"$READ" verify b.tar.zst | grep -qx ok || fail "fwbox-read verify: a good bundle is not ok"
"$READ" read b.tar.zst reg.MGIR > mgir
"$FWBOX" extract b.tar.zst reg.MGIR | cmp -s - mgir || fail "fwbox_bundle_read differs from fwbox extract"
expect_exit 1 "$READ" read b.tar.zst no.such.kind

# Records: every type the bundle holds, each agreeing with the fwbox verb.
"$READ" decode b.tar.zst > records
"$FWBOX" trace --json b.tar.zst > trace.json
"$FWBOX" regs b.tar.zst > regs.txt
"$FWBOX" crspace b.tar.zst > crspace.txt
python3 - records trace.json regs.txt crspace.txt <<'PY'
import json, re, sys
recs = []
for line in open(sys.argv[1]):
    t, kind, *fields = line.rstrip("\n").split("\t")
    recs.append((t, kind, dict(f.split("=", 1) for f in fields)))
types = {t for t, _, _ in recs}
assert {"trace", "register", "crspace", "segment", "menu", "health"} <= types, types
trace = sorted((int(f["timestamp"]), f["message"]) for t, _, f in recs if t == "trace")
want = sorted((int(e["timestamp"]), e["message"]) for e in map(json.loads, open(sys.argv[2])))
assert trace and trace == want, (len(trace), len(want))
cli = {}
for line in open(sys.argv[3]):
    name, _, value = line.rstrip("\n").partition(" = ")
    cli[name] = value
for t, kind, f in recs:
    if t != "register":
        continue
    assert kind == "reg." + f["register"], (kind, f)
    key = f["register"] + "." + f["field"]
    if key in cli:
        assert cli[key] == f["value"], (key, cli[key], f["value"])
    else:
        # fwbox regs joins a counter's halves (_high/_low, _31_0/_63_32) into one line.
        whole = re.sub(r"_?(high|low|[0-9]+_[0-9]+)$", "", key)
        assert whole != key and whole in cli, key
crs = [(int(f["address_hex"], 16), int(f["value_hex"], 16)) for t, _, f in recs if t == "crspace"]
want = [(int(a, 16), int(v, 16)) for _, a, v in (l.split() for l in open(sys.argv[4]))]
assert crs == want, (len(crs), len(want))
PY

# A kind filter, and a callback that stops the walk.
"$READ" decode b.tar.zst reg.MGIR | cut -f1,2 | sort -u > mgir.types
printf 'register\treg.MGIR\n' | cmp -s - mgir.types || fail "decode reg.MGIR gave other records"
"$READ" stop b.tar.zst 3 > stopped
[ "$(wc -l < stopped)" -eq 4 ] && tail -n1 stopped | grep -qx "stopped	-125" ||
	fail "a callback's -ECANCELED did not stop the decode after 3 records"

# Problems: a tracer that produced nothing is a problem record, not a failure.
"$FWBOX" collect -d emu:cx7,owner=none --only trace --trace-control -o t.tar.zst -q >/dev/null
"$READ" decode t.tar.zst trace. | grep -q "^problem	trace.ring	offset=0	error=" ||
	fail "an empty trace ring is not reported as a problem record"

# A damaged member: verify names it, fails, and decode fails too.
"$FWBOX" collect -d emu:cx7 --only reg.MGIR,reg.MCAM --compress none -o p.tar -q >/dev/null
python3 - p.tar <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = t.getmember("reg/MCAM.bin")
data = bytearray(open(sys.argv[1], "rb").read())
data[m.offset_data] ^= 0xff
open(sys.argv[1], "wb").write(data)
PY
set +e
"$READ" verify p.tar > bad.out 2> bad.err; rc=$?
set -e
[ "$rc" -eq 1 ] || fail "fwbox-read verify of a damaged bundle exited $rc"
grep -q "^problem	reg/MCAM.bin	" bad.out || fail "the damaged member is not named: $(cat bad.out)"
grep -q "^fwbox-read: ..*(-74)$" bad.err || fail "no message for the damaged bundle: $(cat bad.err)"
expect_exit 1 "$READ" decode p.tar
# Not a bundle at all: a message, no crash.
printf 'not a bundle\n' > junk
set +e; "$READ" info junk 2> junk.err; rc=$?; set -e
[ "$rc" -eq 1 ] && grep -q "^fwbox-read: .*'junk'" junk.err || fail "junk: $(cat junk.err)"
expect_exit 1 "$READ" info no-such-file

# The example of libfwbox(3) builds and prints the same messages as fwbox trace.
sed -n '/^\.Bd -literal/,/^\.Ed/p' "$top_srcdir/man/libfwbox.3" | sed '1d;$d;s/\\e/\\/g' > example.c
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror $FW_SAN_FLAGS -o example example.c $flags -Wl,-rpath,"$rpath" ||
	fail "the example of libfwbox(3) does not build"
./example b.tar.zst | cut -d' ' -f2- | sort > example.out
python3 -c 'import json, sys; [print(json.loads(l)["message"]) for l in open(sys.argv[1])]' trace.json |
	sort | cmp -s - example.out || fail "the example of libfwbox(3) prints other messages than fwbox trace"
