#!/bin/sh
# The issue's test: the emulator plants identifiers everywhere a real card
# exposes them (registers, resource-dump segments, CR-space words, the
# kernel log, the fw_fatal crdump); after fwbox redact, the decompressed
# bundle (tar, then python3 over every member and index.elf) holds none of
# them in any spelling, and the bundle still verifies, loads and decodes
# to the same numbers of trace events, register fields, CR-space words and
# segments.  Then: pseudonyms stable under one key and different under
# another, and collect --redact with and without --keep-original.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3"; exit 77; }
for t in zstd readelf; do command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }; done
scratch
cd "$SCRATCH"
export FWBOX_REDACT_MAP="$SCRATCH/site.map"
PLANT='serial=MT9988X77665,mac=0c:42:a1:5a:6b:7c,guid=0x0c42a103005a6b7c,node_desc=gpu-node-17 HCA-1,ip=10.99.17.23,ip6=2001:db8:12::77'

cat > needles.py <<'EOF'
# Every planted value in every spelling fwbox-redact(1) lists; argv: MODE DIR.
# MODE "none": no spelling may occur.  MODE "each": every value must occur
# in at least one spelling (the planting worked, so the test can fail).
import os, sys
mac = bytes.fromhex("0c42a15a6b7c"); guid = bytes.fromhex("0c42a103005a6b7c")
ip = bytes([10, 99, 17, 23]); ip6 = bytes.fromhex("20010db8001200000000000000000077")
values = {
    "serial": ([], ["MT9988X77665"]),
    "node_desc": ([], ["gpu-node-17 HCA-1", "gpu-node-17"]),
    "mac": ([mac], ["0c:42:a1:5a:6b:7c", "0c-42-a1-5a-6b-7c", "0c42.a15a.6b7c", "0c42a15a6b7c"]),
    "guid": ([guid, guid[::-1]], ["0c42a103005a6b7c", "0c42:a103:005a:6b7c", "c42:a103:5a:6b7c",
                                  "0c:42:a1:03:00:5a:6b:7c", "0c-42-a1-03-00-5a-6b-7c"]),
    "ipv4": ([ip], ["10.99.17.23"]),
    "ipv6": ([ip6], ["2001:db8:12::77", "2001:0db8:0012:0000:0000:0000:0000:0077",
                     "2001:db8:12:0:0:0:0:77"]),
}
data = {}
for root, _, files in os.walk(sys.argv[2]):
    for f in files:
        p = os.path.join(root, f)
        data[p] = open(p, "rb").read()
found = {}
for name, (raws, texts) in values.items():
    for p, d in data.items():
        low = d.lower()
        for r in raws:
            if r in d:
                found.setdefault(name, []).append((p, r.hex()))
        for t in texts:
            if t.lower().encode() in low:
                found.setdefault(name, []).append((p, t))
if sys.argv[1] == "none" and found:
    print("left behind:", found, file=sys.stderr)
    sys.exit(1)
if sys.argv[1] == "each":
    missing = [n for n in values if n not in found]
    if missing:
        print("not planted:", missing, file=sys.stderr)
        sys.exit(1)
EOF
check() { # check MODE BUNDLE
	d=x.$(basename "$2")
	rm -rf "$d"
	mkdir "$d"
	tar -xf "$2" -C "$d" || fail "$2: tar cannot read it"
	[ -s "$d/index.elf" ] || fail "$2: nothing extracted"
	python3 needles.py "$1" "$d" || fail "$2: $1"
}

# A healthy card with the ring and tracefs text, and one that goes fatal
# (its fw_fatal crdump carries the CR-space words).
"$FWBOX" collect -q -d "emu:cx7,seed=1,owner=none,$PLANT" --trace-control --trace-seconds 1 \
	-o a.tar.zst >/dev/null
rc=0; "$FWBOX" collect -q -d "emu:cx7,seed=2,fatal-after=60,$PLANT" -o f.tar.zst >/dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "fatal collection exited $rc, expected 3"
"$FWBOX" show f.tar.zst | grep -Eq '^  health\.fw_fatal(\.after)? +[1-9]' || fail "no crdump in f.tar.zst"
check each a.tar.zst
check each f.tar.zst

for b in a f; do
	"$FWBOX" redact -q $b.tar.zst -o r$b.tar.zst
	check none r$b.tar.zst
	"$FWBOX" verify -q r$b.tar.zst || fail "r$b.tar.zst does not verify"
	# The same decode, record for record.
	for v in trace regs crspace segments; do
		n0=$("$FWBOX" $v $b.tar.zst 2>/dev/null | wc -l)
		n1=$("$FWBOX" $v r$b.tar.zst 2>/dev/null | wc -l)
		[ "$n0" -eq "$n1" ] || fail "$v of $b: $n0 lines before, $n1 after"
	done
	# And the same rows in the history.
	"$FWBOX" load -q --db $b.db $b.tar.zst
	"$FWBOX" load -q --db r$b.db r$b.tar.zst || fail "r$b.tar.zst does not load"
	for t in trace_events register_fields crspace_words segments; do
		n0=$(sqlite3 $b.db "SELECT count(*) FROM $t")
		n1=$(sqlite3 r$b.db "SELECT count(*) FROM $t")
		[ "$n0" -eq "$n1" ] || fail "$t of $b: $n0 rows before, $n1 after"
	done
done
[ "$(sqlite3 a.db 'SELECT count(*) FROM trace_events')" -gt 100 ] || fail "no trace events to compare"
[ "$(sqlite3 a.db 'SELECT count(*) FROM crspace_words')" -gt 1000 ] || fail "no CR-space words"

# The same search with outside tools only: zstd and tar unpack the
# redacted bundle, grep -a reads every member (binary ones and index.elf
# included) for the text spellings and, with -P, the raw bytes.  The same
# greps find every value in the original (the search can fail).
raw_mac='\x0c\x42\xa1\x5a\x6b\x7c' raw_guid='\x0c\x42\xa1\x03\x00\x5a\x6b\x7c'
raw_ip='\x0a\x63\x11\x17' raw_ip6='\x20\x01\x0d\xb8\x00\x12(\x00){9}\x77'
for b in a ra f rf; do
	rm -rf g && mkdir g
	zstd -dcq $b.tar.zst | tar -xf - -C g
	hits=0
	for t in MT9988X77665 gpu-node-17 0c:42:a1:5a:6b:7c 0c42a103005a6b7c 0c42:a103:005a:6b7c \
		10.99.17.23 2001:db8:12::77; do
		if grep -rqaiF -- "$t" g; then hits=$((hits + 1)); fi
	done
	for r in "$raw_mac" "$raw_guid" "$raw_ip" "$raw_ip6"; do
		if LC_ALL=C grep -rqaP -- "$r" g; then hits=$((hits + 1)); fi
	done
	case $b in
	r*) [ "$hits" -eq 0 ] || fail "$b.tar.zst: grep finds $hits planted spellings" ;;
	*) [ "$hits" -ge 9 ] || fail "$b.tar.zst: grep finds only $hits planted spellings in the original" ;;
	esac
	# readelf reads the index of both without a warning.
	readelf -n -W g/index.elf > $b.notes 2> re.err
	[ ! -s re.err ] || fail "readelf warns on $b.tar.zst: $(cat re.err)"
	grep -q 'Unknown note type: (0x465700ff)' $b.notes || fail "$b.tar.zst: readelf finds no seal"
done
[ "$(grep -c '^  fwbox ' a.notes)" -eq "$(grep -c '^  fwbox ' ra.notes)" ] ||
	fail "readelf: the redacted index has another number of notes"

# Structure first in a resource dump: QUERY_VNIC_ENV's address fields are
# rewritten as fields (regcat.def's segment marks), the rest by the net.
"$FWBOX" redact a.tar.zst -o ra-again.tar.zst --json > ra.json
python3 -c '
import json, sys
m = {a["kind"]: a for a in json.load(open(sys.argv[1]))["artifacts"]}
v = m["resdump.QUERY_VNIC_ENV"]
assert v["action"] == "redacted" and v["field_count"] >= 4, v
' ra.json || fail "QUERY_VNIC_ENV not rewritten by structure"
# diff reads redacted bundles: one redacted twice under one key is the
# same capture; against its original only identifier fields changed.
"$FWBOX" diff ra.tar.zst ra-again.tar.zst > d0.out || fail "diff of two redactions: $(cat d0.out)"
rc=0; "$FWBOX" diff a.tar.zst ra.tar.zst > d1.out || rc=$?
[ "$rc" -eq 1 ] || fail "diff original/redacted exited $rc"
grep -q 'manufacturing_base_mac_31_0: 0xa15a6b7c -> ' d1.out || fail "diff: no MAC field change"
grep -q '^Trace formats new in B: 0$' d1.out || fail "diff: trace formats changed"
grep -q '^Trace formats gone from B: 0$' d1.out || fail "diff: trace formats gone"

# --since/--until keep every trace event of the window (ring blocks of 32
# events are kept whole, and the one before the window for the messages
# that start in it: at most three blocks add events outside).
tsof() { "$FWBOX" trace "$@" | sed -n 's/^[^ ]* \[0x\([0-9a-f]*\)\].*/\1/p' | sort; }
tsof a.tar.zst > ts.all
n=$(wc -l < ts.all)
since=0x$(sed -n "$((n / 4))p" ts.all) until=0x$(sed -n "$((3 * n / 4))p" ts.all)
"$FWBOX" redact -q a.tar.zst --since $since --until $until -o cut.tar.zst
tsof a.tar.zst --since $since --until $until > ts.want
tsof cut.tar.zst > ts.cut
[ -s ts.want ] && [ -z "$(comm -23 ts.want ts.cut)" ] || fail "--since/--until lost events of the window"
out=$(comm -13 ts.want ts.cut | wc -l)
[ "$out" -le 96 ] && [ "$(wc -l < ts.cut)" -lt "$n" ] ||
	fail "--since/--until: $out events outside the window kept, $(wc -l < ts.cut) of $n"
"$FWBOX" verify -q cut.tar.zst || fail "cut bundle does not verify"

# The README's "Sending a bundle to a vendor" block runs as written, on a
# bundle named as collect names one on host node7.
mkdir readme
cp a.tar.zst readme/fwbox-node7-0000-08-00.0-20261206T000000Z.tar.zst
awk '/^## Sending a bundle to a vendor/ {f = 1; next} f && /^```sh/ {c = 1; next} c && /^```/ {exit} c' \
	"$top_srcdir/README.md" > readme/block.sh
[ "$(grep -c '^fwbox redact' readme/block.sh)" -eq 3 ] || fail "the README's redact block is missing"
mkdir readme/bin && ln -s "$FWBOX" readme/bin/fwbox
(cd readme && PATH="$PWD/bin:$PATH" sh -e block.sh > block.out 2>&1) ||
	fail "the README's redact block fails: $(cat readme/block.out)"
ls readme/outbox/fwbox-SR-1234-redacted-0000-08-00.0-*.tar.zst >/dev/null 2>&1 ||
	fail "README: no case bundle"
"$FWBOX" verify -q readme/outbox/small.tar.zst || fail "README: small.tar.zst"
[ "$(tsof readme/outbox/small.tar.zst | wc -l)" -lt "$n" ] || fail "README: the time cut cut nothing"
expect_exit 1 "$FWBOX" redact a.tar.zst -o nowhere/
"$FWBOX" redact a.tar.zst -o nowhere/ 2>&1 | grep -q "no such folder" || fail "-o nowhere/: unclear"

# Pseudonyms: another capture of the same card (another seed), one key:
# the same serial and base MAC pseudonyms; another key: different ones.
"$FWBOX" collect -q -d "emu:cx7,seed=9,$PLANT" -o b.tar.zst >/dev/null
"$FWBOX" redact -q b.tar.zst -o rb.tar.zst
"$FWBOX" redact -q b.tar.zst -o rb2.tar.zst --map "$SCRATCH/other.map"
serial() { "$FWBOX" show "$1" | sed -n 's/^  serial: *//p'; }
mac() { "$FWBOX" regs "$1" MGIR | grep manufacturing_base_mac; }
[ "$(serial ra.tar.zst)" = "$(serial rb.tar.zst)" ] || fail "serial pseudonym differs under one key"
[ "$(mac ra.tar.zst)" = "$(mac rb.tar.zst)" ] || fail "MAC pseudonym differs under one key"
[ "$(serial ra.tar.zst)" != "$(serial rb2.tar.zst)" ] || fail "serial pseudonym the same under another key"
[ "$(mac ra.tar.zst)" != "$(mac rb2.tar.zst)" ] || fail "MAC pseudonym the same under another key"

# collect --redact: only the redacted bundle is left, unless --keep-original.
mkdir c k
"$FWBOX" collect -q -d "emu:cx7,seed=3,$PLANT" --redact --case-id SR-7 -o c > c.out
[ "$(ls -A c | wc -l)" -eq 1 ] || fail "collect --redact left $(ls -A c)"
out=$(cat c.out)
case $out in c/fwbox-SR-7-redacted-*.tar.zst) ;; *) fail "collect --redact wrote '$out'" ;; esac
check none "$out"
"$FWBOX" collect -q -d "emu:cx7,seed=3,$PLANT" --redact --keep-original -o k >/dev/null
[ "$(ls k | grep -c redacted)" -eq 1 ] && [ "$(ls k | wc -l)" -eq 2 ] || fail "--keep-original: $(ls k)"
expect_exit 2 "$FWBOX" collect -d emu:cx7 --keep-original -o k
expect_exit 2 "$FWBOX" collect -d emu:cx7 --redact -f -o k/x.tar.zst
echo ok
