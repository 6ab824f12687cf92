#!/bin/sh
# fwbox redact end to end: identifiers planted in every kind of artifact
# are gone from the decompressed redacted bundle in every spelling (checked
# with tar and python3, not with fwbox), the result verifies and decodes to
# the same counts, pseudonyms are stable per key, hostile bundles are
# refused like verify refuses them, preview writes nothing, and the ticket
# options cut what they say.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || { echo "SKIP: tests/mkbundle not built yet"; exit 77; }
scratch
cd "$SCRATCH"
export FWBOX_REDACT_MAP="$SCRATCH/site.map"

# --- A bundle with identifiers planted where collect and the firmware put
# them, and in binary dumps where only the second net finds them.
python3 - <<'EOF'
import struct, random
mac = bytes.fromhex("0c42a15a6b7c"); guid = bytes.fromhex("0c42a103005a6b7c")
ip = bytes([10, 99, 17, 23]); ip6 = bytes.fromhex("20010db8001200000000000000000077")
r = random.Random(7)
crs = bytearray(r.getrandbits(8) for _ in range(1 << 16))
for off, v in ((100, mac), (300, guid), (400, guid[::-1]), (500, ip), (600, ip6),
               (700, b"MT9988X77665"), (900, b"gpu-node-17"), (1000, b"0c:42:a1:5a:6b:7c"),
               (1100, b"10.99.17.23"), (1200, b"projectx")):
    crs[off:off + len(v)] = v
open("crspace.bin", "wb").write(crs)
mgir = bytearray(160); mgir[0x12:0x18] = mac
open("mgir.bin", "wb").write(mgir)
open("node.bin", "wb").write(b"MT4129 ConnectX7 gpu-node-17 HCA-1".ljust(64, b"\0"))
open("kernel.log", "w").write(
    "mlx5_core 0000:08:00.0 ens1f0np0: Link up, MAC 0C:42:A1:5A:6B:7C (0c42.a15a.6b7c)\n"
    "mlx5_ib: port GUID 0x0c42a103005a6b7c, node_guid 0c42:a103:005a:6b7c\n"
    "nfs: server 10.99.17.23 not responding; inet6 2001:db8:12::77 fe80::c42:a103:5a:6b7c\n"
    "systemd[1]: Started session of user carol (/home/carol), projectx job on gpu-node-17\n")
open("host.info", "w").write(
    "hostname=gpu-node-17.lab.example.org\n"
    "kernel.cmdline=BOOT_IMAGE=/vmlinuz-6.1 root=/dev/mapper/vg-gpu17 ip=10.99.17.23 ro iommu=pt\n"
    "device.pci=0000:08:00.0\n")
open("blob.bin", "wb").write(b"vendor opaque " + mac)
EOF
"$MKBUNDLE" -o in.tar.zst --host gpu-node-17.lab.example.org --serial MT9988X77665 \
	--reason "link flap, see ticket of projectx" \
	reg.MGIR=mgir.bin reg.NODE_DESC=node.bin crspace=crspace.bin kernel.log=kernel.log \
	host.info=host.info vendor.blob=blob.bin >/dev/null

"$FWBOX" redact in.tar.zst --mask projectx -o out.tar.zst --json > report.json
[ -f out.tar.zst ] || fail "no redacted bundle"
[ "$(stat -c %a site.map)" = 600 ] || fail "map file mode is $(stat -c %a site.map), not 600"
"$FWBOX" verify out.tar.zst >/dev/null || fail "redacted bundle does not verify"

# Every planted value, in every spelling, in the decompressed members
# (index.elf included): zero hits.
mkdir x && tar -xf out.tar.zst -C x
python3 - x <<'EOF' || fail "a planted identifier survived"
import os, sys
mac = bytes.fromhex("0c42a15a6b7c"); guid = bytes.fromhex("0c42a103005a6b7c")
needles = [mac, guid, guid[::-1], bytes([10, 99, 17, 23]),
           bytes.fromhex("20010db8001200000000000000000077")]
texts = ["MT9988X77665", "gpu-node-17", "example.org", "0c:42:a1:5a:6b:7c", "0c-42-a1-5a-6b-7c",
         "0c42.a15a.6b7c", "0c42a15a6b7c", "0c42a103005a6b7c", "0c42:a103:005a:6b7c",
         "c42:a103:5a:6b7c", "10.99.17.23", "2001:db8:12::77", "carol", "projectx",
         "vmlinuz", "vg-gpu17", "link flap", "opaque"]
data = b""
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        data += open(os.path.join(root, f), "rb").read()
low = data.lower()
bad = [n.hex() for n in needles if n in data] + [t for t in texts if t.lower().encode() in low]
if bad:
    print("left in the redacted bundle:", bad, file=sys.stderr)
    sys.exit(1)
EOF
# The original has them all (the test can fail).
mkdir y && tar -xf in.tar.zst -C y
grep -rqa 'gpu-node-17' y || fail "planting did not work"

# Same sizes, the same decode; the unknown kind dropped with its reason.
for v in regs crspace; do
	a=$("$FWBOX" $v in.tar.zst 2>/dev/null | wc -l)
	b=$("$FWBOX" $v out.tar.zst 2>/dev/null | wc -l)
	[ "$a" -eq "$b" ] && [ "$a" -gt 0 ] || fail "$v: $a lines before, $b after"
done
"$FWBOX" show out.tar.zst > show.out
grep -Eq '^  crspace +65536  ok' show.out || fail "crspace size changed"
grep -Eq '^  vendor.blob +0  skipped +dropped +dropped by fwbox redact: not a kind' show.out ||
	fail "unknown kind not dropped with its reason"
grep -q '^  reason:    (redacted)$' show.out || fail "reason kept"
python3 - report.json <<'EOF' || fail "--json report"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["preview"] is False and j["key_created"] is True and len(j["key_id"]) == 16
assert j["exit"] == 0 and j["error"] is None and j["path"] == "out.tar.zst", j
m = {x["kind"]: x for x in j["artifacts"]}
assert m["vendor.blob"]["action"] == "dropped" and "--keep" in m["vendor.blob"]["reason"]
assert m["reg.NODE_DESC"]["action"] == "redacted" and m["reg.NODE_DESC"]["field_count"] == 1
assert m["crspace"]["action"] == "redacted" and m["crspace"]["occurrence_count"] >= 10
assert m["crspace"]["bytes"] == m["crspace"]["kept_bytes"] == 65536
t = {(i["type"], i["value"]) for i in j["identifiers"]}
for want in [("serial", "MT9988X77665"), ("mac", "0c:42:a1:5a:6b:7c"), ("ipv4", "10.99.17.23"),
             ("guid", "0c42:a103:005a:6b7c"), ("ipv6", "2001:db8:12::77"), ("user", "carol"),
             ("host", "gpu-node-17.lab.example.org"), ("domain", "lab.example.org"),
             ("mask", "projectx")]:
    assert want in t, want
assert "projectx" not in j["policy"]
EOF

# --- The redaction facts in the index (show), and proving what was sent:
# the salt --prove prints lets anyone check each original_digest without
# the key.
"$FWBOX" show -j in.tar.zst > in-show.json
"$FWBOX" show -j out.tar.zst > out-show.json
"$FWBOX" show out.tar.zst | grep -q '^Redaction:' || fail "show prints no redaction facts"
"$FWBOX" redact in.tar.zst --prove out.tar.zst > prove.out || fail "--prove: $(cat prove.out)"
grep -q "^6 of 6 artifact digests" prove.out || fail "--prove: $(cat prove.out)"
salt=$(sed -n 's/^salt: //p' prove.out)
python3 - in-show.json out-show.json report.json "$salt" <<'EOF' || fail "redaction facts in the index"
import hashlib, json, sys
i, o, rep = (json.load(open(f)) for f in sys.argv[1:4])
salt = bytes.fromhex(sys.argv[4])
r = o["redaction"]
assert i["redaction"] is None and r is not None, r
assert r["redacted_from"] == i["bundle"] and r["key_id"] == rep["key_id"], r
assert r["policy"].startswith("fwbox-redact-1") and "mask=1" in r["policy"], r
assert o["bundle"] != i["bundle"]
orig = {a["kind"]: a for a in i["artifacts"]}
for a in o["artifacts"]:
    assert a["redaction"] in ("redacted", "verbatim", "dropped"), a
    want = hashlib.sha256(salt + bytes.fromhex(orig[a["kind"]]["sha256"])).hexdigest()
    assert a["original_digest"] == want, a["kind"]
red = {a["kind"]: a for a in o["artifacts"]}
assert red["vendor.blob"]["redaction"] == "dropped" and red["crspace"]["occurrence_count"] >= 10
assert red["reg.NODE_DESC"]["field_count"] == 1
EOF

# --- Pseudonyms: the same under one key, different under another.
serial_of() { "$FWBOX" show "$1" | sed -n 's/^  serial: *//p'; }
"$MKBUNDLE" -o in2.tar.zst --host other --serial MT9988X77665 reg.MGIR=mgir.bin >/dev/null
"$FWBOX" redact in2.tar.zst -o out2.tar.zst -q
"$FWBOX" redact in2.tar.zst -o out3.tar.zst --map "$SCRATCH/other.map" -q
s1=$(serial_of out.tar.zst); s2=$(serial_of out2.tar.zst); s3=$(serial_of out3.tar.zst)
[ "$s1" = "$s2" ] || fail "same key, different pseudonyms: $s1 $s2"
[ "$s1" != "$s3" ] || fail "another key, same pseudonym: $s1"
[ "$s1" != MT9988X77665 ] && [ ${#s1} -eq 12 ] || fail "serial pseudonym '$s1'"
expect_exit 1 "$FWBOX" redact in2.tar.zst --prove out.tar.zst
grep -q "^serial $s1 MT9988X77665\$" site.map || fail "map file lacks the serial"
"$FWBOX" show out.tar.zst | grep -q "uuid" && [ "$("$FWBOX" show out.tar.zst | sed -n 's/^  uuid: *//p')" != \
	"$("$FWBOX" show in.tar.zst | sed -n 's/^  uuid: *//p')" ] || fail "the redacted bundle kept the UUID"

# --- Preview: everything listed, nothing written (no bundle, no map).
"$FWBOX" redact in.tar.zst --preview --map "$SCRATCH/new.map" -o prev.tar.zst > preview.out
[ ! -e prev.tar.zst ] && [ ! -e new.map ] || fail "preview wrote something"
grep -q "nothing is written" preview.out || fail "preview does not say it writes nothing"
grep -Eq '^  vendor.blob +[0-9]+  dropped ' preview.out || fail "preview: dropped member"
grep -Eq '^  host.info +[0-9]+  redacted ' preview.out || fail "preview: redacted member"

# --- Hostile bundles are refused with verify's words; nothing is written.
for f in flipped duplicate dotdot missing symlink cut-mid; do
	fx="$top_srcdir/tests/fixtures/bundle/$f.tar"
	expect_exit 1 "$FWBOX" redact "$fx" -o "h-$f.tar.zst"
	[ ! -e "h-$f.tar.zst" ] || fail "$f: something was written"
	# The problem verify names (its last clause: the framing differs).
	why=$("$FWBOX" verify "$fx" 2>&1 | head -n 1 | sed 's/.*: //')
	"$FWBOX" redact "$fx" -o "h-$f.tar.zst" 2>&1 | grep -qF -- "$why" ||
		fail "$f: redact does not refuse it as verify does ($why)"
done

# --- Ticket options.
"$FWBOX" redact in.tar.zst --case-id SR-1234 --only reg,host.info -o . -q
ls fwbox-SR-1234-redacted-0000-08-00.0-*.tar.zst >/dev/null 2>&1 || fail "--case-id not in the file name"
"$FWBOX" show fwbox-SR-1234-redacted-*.tar.zst | grep -Eq '^  crspace +0  skipped +dropped +dropped by fwbox redact: not selected by --only' ||
	fail "--only"
size=$(stat -c %s in.tar.zst)
"$FWBOX" redact in.tar.zst --max-size $((size - 2000)) -o small.tar.zst --json > small.json
[ "$(stat -c %s small.tar.zst)" -le $((size - 2000)) ] || fail "--max-size not met"
python3 -c "import json,sys; j=json.load(open('small.json')); assert [m['kind'] for m in j['artifacts'] if m['dropped_for_size']] == ['crspace']" ||
	fail "--max-size did not drop the largest optional artifact"
expect_exit 1 "$FWBOX" redact in.tar.zst --max-size 100 -o tiny.tar.zst
[ ! -e tiny.tar.zst ] || fail "--max-size failure wrote a file"

# -o -: the whole bundle on standard output; the extension picks gzip.
"$FWBOX" redact in.tar.zst -o - > piped.tar.zst
"$FWBOX" verify -q piped.tar.zst || fail "-o - bundle does not verify"
"$FWBOX" redact in.tar.zst -q -o gz.tar.gz
gzip -t gz.tar.gz || fail ".tar.gz is not gzip"
expect_exit 2 "$FWBOX" redact in.tar.zst --compress xz -o clash.tar.gz

# --- Usage errors and the key file's safety.
expect_exit 2 "$FWBOX" redact
expect_exit 2 "$FWBOX" redact in.tar.zst --case-id ../x -o u1.tar.zst
expect_exit 2 "$FWBOX" redact in.tar.zst --mask ab -o u2.tar.zst
expect_exit 2 "$FWBOX" redact in.tar.zst --since 9 --until 1 -o u3.tar.zst
expect_exit 2 "$FWBOX" redact in.tar.zst --max-size 10Q -o u4.tar.zst
expect_exit 2 "$FWBOX" redact in.tar.zst --bogus
# The options redact shares with collect --redact: one parser, the same
# status and message from both verbs, nothing written.
for bad in "--since x|--since 'x' is not a device timestamp" \
	   "--until 99999999999999999999|--until '99999999999999999999' is out of range" \
	   "--keep=|--keep needs a kind pattern" "--drop=|--drop needs a kind pattern" \
	   "--max-size 10Q|--max-size '10Q' is not a size"; do
	opt=${bad%%|*}; msg=${bad#*|}
	for verb in "redact in.tar.zst -o shared.tar.zst" \
		    "collect -d emu:cx7 --redact -o shared.tar.zst"; do
		set +e
		# shellcheck disable=SC2086 # verb and opt are word lists
		"$FWBOX" $verb $opt > shared.out 2> shared.err; rc=$?
		set -e
		[ "$rc" -eq 2 ] || fail "$verb $opt: exit $rc, expected 2"
		grep -qF -- "$msg" shared.err || fail "$verb $opt: '$(cat shared.err)' lacks '$msg'"
		[ ! -e shared.tar.zst ] || fail "$verb $opt wrote a bundle"
	done
done
expect_exit 1 "$FWBOX" redact in.tar.zst -o out.tar.zst  # exists: never replaced
chmod 644 site.map
expect_exit 1 "$FWBOX" redact in.tar.zst -o u5.tar.zst
"$FWBOX" redact in.tar.zst -o u5.tar.zst 2>&1 | grep -q "chmod 600" || fail "open map file not explained"
[ ! -e u5.tar.zst ] || fail "written with an unsafe map file"
echo ok
