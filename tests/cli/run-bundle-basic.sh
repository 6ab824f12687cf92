#!/bin/sh
# Bundles made by the library, looked at with outside tools (tar, bsdtar,
# readelf, eu-readelf, python3's json), and fwbox show/verify/extract on
# good, damaged, truncated and hostile bundles.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
cd "$SCRATCH"
MK="$top_builddir/tests/mkbundle --time 1795580226000000000 --uuid 00112233445566778899aabbccddeeff"

python3 -c "import sys; sys.stdout.buffer.write(bytes((i*7)&0xff for i in range(70000)))" > mgir.bin
seq 1 5000 > trace.txt
$MK -o b.tar.zst reg.MGIR=mgir.bin trace.text=trace.txt \
	crspace=/dev/null:failed:"ETIMEDOUT reading CR-space"

# --- outside tools: index.elf first, listed identically by tar and bsdtar.
tar -tf b.tar.zst > tar.list
bsdtar -tf b.tar.zst > bsdtar.list
[ "$(head -n1 tar.list)" = index.elf ] || fail "tar does not list index.elf first"
cmp -s tar.list bsdtar.list || fail "tar and bsdtar list the bundle differently"
printf 'index.elf\nreg/MGIR.bin\ntrace/text.bin\ncrspace.bin\n' > want.list
cmp -s tar.list want.list || fail "unexpected member list: $(cat tar.list)"
tar -tvf b.tar.zst | head -n1 | grep -q 'index.elf$' || fail "tar -tvf"

# --- the index with readelf and eu-readelf: notes listed, nothing on stderr.
tar -xOf b.tar.zst index.elf > index.elf
readelf -n -W index.elf > readelf.out 2> readelf.err
[ ! -s readelf.err ] || fail "readelf warns: $(cat readelf.err)"
[ "$(grep -c '^  fwbox ' readelf.out)" -eq 6 ] || fail "readelf lists $(grep -c '^  fwbox ' readelf.out) fwbox notes, expected 6"
grep -q 'Unknown note type: (0x46570001)' readelf.out || fail "readelf: no header note"
grep -q 'Unknown note type: (0x465700ff)' readelf.out || fail "readelf: no seal note"
eu-readelf -n index.elf > eu.out 2> eu.err
[ ! -s eu.err ] || fail "eu-readelf warns: $(cat eu.err)"
[ "$(grep -c '^  fwbox ' eu.out)" -eq 6 ] || fail "eu-readelf lists $(grep -c '^  fwbox ' eu.out) fwbox notes, expected 6"
readelf -l -W index.elf | grep -q 'NOTE' || fail "no PT_NOTE segment"
readelf -S -W index.elf | grep -q '.note.fwbox *NOTE' || fail "no SHT_NOTE section"

# --- show.
"$FWBOX" show b.tar.zst > show.out
grep -q '^  uuid:      00112233-4455-6677-8899-aabbccddeeff$' show.out || fail "show: uuid"
grep -q '^  created:   2026-11-25T04:17:06.000Z$' show.out || fail "show: created"
grep -q '^  firmware:  28.39.1002$' show.out || fail "show: firmware"
grep -Eq '^  reg.MGIR +70000  ok *$' show.out || fail "show: reg.MGIR line"
grep -Eq '^  crspace +0  failed +ETIMEDOUT reading CR-space$' show.out || fail "show: crspace line"
"$FWBOX" show --json b.tar.zst > show.json
[ "$(wc -l < show.json)" -eq 1 ] || fail "show --json is not one line"
python3 - show.json <<'EOF' || fail "show --json content"
import json, os, sys, hashlib
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
j = fwjson.one(sys.argv[1])
assert j["bundle"] == "00112233-4455-6677-8899-aabbccddeeff"
assert j["created"] == "2026-11-25T04:17:06.000000000Z", j["created"]
assert j["created_us"] == 1795580226000000, j["created_us"]
assert j["device"]["pci"] == "0000:08:00.0"
a = j["artifacts"]
assert [x["kind"] for x in a] == ["reg.MGIR", "trace.text", "crspace"]
for x in a:
    for k in ("kind", "path", "bytes", "sha256", "outcome", "reason", "errno"):
        assert k in x, k
assert a[0]["sha256"] == hashlib.sha256(open("mgir.bin", "rb").read()).hexdigest()
assert a[0]["bytes"] == 70000 and a[0]["outcome"] == "ok"
assert a[0]["reason"] is None and a[0]["errno"] is None   # unknown is null, never 0
assert a[2]["outcome"] == "failed" and a[2]["reason"] == "ETIMEDOUT reading CR-space"
EOF

# Control bytes from a bundle never reach the terminal through show.
$MK --reason "$(printf 'evil\033[2J\007')" -o esc.tar x=mgir.bin
"$FWBOX" show esc.tar > esc.out
grep -q '^  reason:    evil?\[2J?$' esc.out || fail "show does not mask control bytes: $(grep reason esc.out)"
! grep -q "$(printf '\033')" esc.out || fail "show printed an escape byte"

# --- verify and extract.
"$FWBOX" verify b.tar.zst | grep -q '^b.tar.zst: ok (3 artifacts)$' || fail "verify good bundle"
"$FWBOX" extract b.tar.zst reg.MGIR | cmp -s - mgir.bin || fail "extract to stdout"
"$FWBOX" extract b.tar.zst trace.text -o out.txt
cmp -s out.txt trace.txt || fail "extract -o"
expect_exit 1 "$FWBOX" extract b.tar.zst no.such.kind
expect_exit 2 "$FWBOX" extract b.tar.zst
expect_exit 2 "$FWBOX" verify
expect_exit 2 "$FWBOX" show
expect_exit 1 "$FWBOX" show does-not-exist

# --- a flipped byte in an uncompressed bundle: verify names the member.
$MK --compress none -o plain.tar reg.MGIR=mgir.bin trace.text=trace.txt
"$FWBOX" verify -q plain.tar
off=$(python3 -c "
import tarfile
t = tarfile.open('plain.tar')
m = [x for x in t.getmembers() if x.name == 'trace/text.bin'][0]
print(m.offset_data + 1000)")
python3 -c "
import sys
d = bytearray(open('plain.tar', 'rb').read()); d[$off] ^= 0x10
open('flipped.tar', 'wb').write(d)"
set +e
"$FWBOX" verify flipped.tar 2> verify.err
rc=$?
set -e
[ $rc -eq 1 ] || fail "verify of a flipped bundle exited $rc"
grep -q "member 'trace/text.bin': SHA-256 does not match" verify.err || fail "verify does not name the member: $(cat verify.err)"
expect_exit 1 "$FWBOX" extract flipped.tar trace.text -o damaged.txt
[ ! -e damaged.txt ] || fail "extract left damaged bytes behind"

# --- truncated: at every member boundary (tar lists them fine) and mid-member.
python3 -c "
import tarfile
for m in tarfile.open('plain.tar').getmembers():
    print(m.offset, m.offset_data + m.size // 2)" > cuts
n=0
while read boundary mid; do
	n=$((n + 1))
	head -c "$boundary" plain.tar > cut.tar
	if [ "$n" -gt 1 ]; then
		tar -tf cut.tar > /dev/null 2>&1 || fail "GNU tar refused a boundary cut (test premise)"
	fi
	expect_exit 1 "$FWBOX" verify cut.tar
	head -c "$mid" plain.tar > cut.tar
	expect_exit 1 "$FWBOX" verify cut.tar
done < cuts
[ "$n" -eq 3 ] || fail "expected 3 members, cut $n"
# Compressed bundles cut anywhere fail too.
size=$(wc -c < b.tar.zst)
for cut in 100 $((size / 2)) $((size - 1)); do
	head -c "$cut" b.tar.zst > cut.zst
	expect_exit 1 "$FWBOX" verify cut.zst
done

# --- the hostile corpus: every fixture refused, for its own reason.
fix="$top_srcdir/tests/fixtures/bundle"
while read name why; do
	set +e
	"$FWBOX" verify "$fix/$name" > /dev/null 2> err
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "$name: verify exited $rc"
	grep -q -- "$why" err || fail "$name: expected '$why', got: $(cat err)"
done <<'EOF'
absolute.tar absolute member name
broken-seal.tar the seal does not match
chardev.tar is a character device
cut-boundary.tar is in the index but not in the archive
cut-mid.tar Truncated
dir-with-data.tar is a directory
dotdot.tar '..' component
duplicate.tar appears twice
empty.tar is empty (0 bytes)
extra.tar is not in the index
fifo.tar is a FIFO
flipped.tar SHA-256 does not match
hardlink.tar is a hard link
index-not-first.tar not index.elf
longname.tar FW_LIMIT_MEMBER_NAME
missing.tar is in the index but not in the archive
short.tar the index says
sparse.tar is a sparse entry
symlink.tar is a symbolic link
zip.tar Unrecognized archive format
EOF
[ "$(ls "$fix"/*.tar | wc -l)" -eq 20 ] || fail "a fixture is not covered by this test"

# --- several bundles at once: one bad one fails the run, the good is reported.
set +e
"$FWBOX" verify b.tar.zst flipped.tar > out 2> /dev/null
rc=$?
set -e
[ $rc -eq 1 ] || fail "verify good+bad exited $rc"
grep -q '^b.tar.zst: ok' out || fail "verify good+bad: good one not reported"
echo ok
