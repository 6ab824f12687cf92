#!/bin/sh
# fwbox import: other tools' captures into bundles the other verbs read.
# Fixtures: tests/fixtures/import (recipe make-fixtures.sh); archives in the
# layouts of sysinfo-snapshot and sos are built here with tar(1).
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
fx="$top_srcdir/tests/fixtures/import"
S=$SCRATCH
# expect_out CODE OUT CMD...: run CMD with stdout to OUT, stderr to OUT.err.
expect_out() {
	want=$1; out=$2; shift 2
	set +e; "$@" > "$out" 2> "$out.err"; got=$?; set -e
	[ "$got" -eq "$want" ] || { cat "$out.err" >&2; fail "'$*' exited $got, expected $want"; }
}
jq_py() { code=$1; shift; python3 -c "import json,sys
objs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
$code" "$@"; }

# 1. Round trip: fwbox crspace --mstdump output imports back to the same words.
"$FWBOX" collect -d emu:cx7,seed=5 -o "$S/emu.tar.zst" -q --trace-seconds 1 >/dev/null
"$FWBOX" crspace --mstdump "$S/emu.tar.zst" > "$S/mstdump_000008000_run_1"
mkdir "$S/o1"
"$FWBOX" import -q -o "$S/o1" "$S/mstdump_000008000_run_1"
b=$(ls "$S"/o1/*.tar.zst)
"$FWBOX" verify -q "$b" || fail "imported bundle does not verify"
"$FWBOX" crspace --mstdump "$b" | cmp - "$S/mstdump_000008000_run_1" || fail "CR-space round trip differs"
# Imported again: the same bundle, not a second one.
"$FWBOX" import -j -o "$S/o1" "$S/mstdump_000008000_run_1" > "$S/again.json"
jq_py 'assert len(objs)==1 and objs[0]["existed"] is True, objs' "$S/again.json" || fail "re-import made a new bundle"
[ "$(ls "$S"/o1 | wc -l)" -eq 1 ] || fail "re-import wrote a file"

# 1b. Resource dumps: segment files fwbox itself collected (the device's
# stream, as resourcedump --bin writes it) import to the same segments; the
# CR-space segment fixture to its two words.
"$FWBOX" extract "$S/emu.tar.zst" resdump.PAGE_HISTOGRAM -o "$S/resourcedump_000008000_segment_PAGE_HISTOGRAM.bin" >/dev/null
"$FWBOX" extract "$S/emu.tar.zst" crspace -o "$S/resourcedump_000008000_crspace.bin" >/dev/null
mkdir "$S/or1" "$S/or2" "$S/or3"
"$FWBOX" import -q -o "$S/or1" "$S/resourcedump_000008000_segment_PAGE_HISTOGRAM.bin"
"$FWBOX" segments "$S/emu.tar.zst" | grep '^resdump.PAGE_HISTOGRAM ' | sed 's/ 0xfffa PAGE_HISTOGRAM / 0xfffa /; s/ 0x103c PAGE_HISTOGRAM / 0x103c /' > "$S/seg.want"
"$FWBOX" segments "$S"/or1/*.tar.zst > "$S/seg.got"
[ "$(wc -l < "$S/seg.want")" -ge 3 ] || fail "no PAGE_HISTOGRAM segments to compare: $(cat "$S/seg.want")"
cmp "$S/seg.want" "$S/seg.got" || fail "resource-dump round trip differs: $(diff "$S/seg.want" "$S/seg.got")"
"$FWBOX" import -q -o "$S/or2" "$S/resourcedump_000008000_crspace.bin"
"$FWBOX" crspace "$S/emu.tar.zst" > "$S/cr.want"
"$FWBOX" crspace "$S"/or2/*.tar.zst | cmp - "$S/cr.want" || fail "CR-space resource dump round trip differs"
"$FWBOX" import -q -o "$S/or3" "$fx/resourcedump_000008000_segment_CRSPACE.bin"
[ "$("$FWBOX" crspace "$S"/or3/*.tar.zst | tr '\n' ' ')" = "crspace 0x00000040 0x12345678 crspace 0x00000044 0x9abcdef0 " ] ||
	fail "resourcedump CR-space fixture: $("$FWBOX" crspace "$S"/or3/*.tar.zst)"
# devlink region read (hex text under any name, its command line naming the
# region) and region dump JSON: the region's bytes as region.NAME.
mkdir "$S/or4"
"$FWBOX" import -j -o "$S/or4" "$fx/region-read.txt" "$fx/region-dump.json" > "$S/reg.json"
jq_py 'bs=[o for o in objs if o["type"]=="bundle"]
assert len(bs)==2, bs
for b in bs:
    assert b["card"]=="0000:08:00.0", b
    assert [(a["kind"], a["outcome"], a["bytes"]) for a in b["artifacts"]]==[("region.pci-cr-space","ok",20)], b' "$S/reg.json" ||
	fail "region imports"
for b in "$S"/or4/*.tar.zst; do
	"$FWBOX" extract "$b" region.pci-cr-space | od -An -tx1 | tr -s ' \n' ' ' > "$S/reg.bytes"
	[ "$(cat "$S/reg.bytes")" = " 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 " ] ||
		fail "region bytes of $b: $(cat "$S/reg.bytes")"
done

# 2. Trace text collected by fwbox, with --strings-from the same bundle,
# matches its formats; without it, it stays text.
"$FWBOX" extract "$S/emu.tar.zst" trace.text -o "$S/tracefs.txt" >/dev/null
mkdir "$S/o2" "$S/o3"
"$FWBOX" import -j -o "$S/o2" --device-hint 0000:08:00.0 --strings-from "$S/emu.tar.zst" \
	"$S/tracefs.txt" > "$S/t.json"
jq_py 'b=[o for o in objs if o["type"]=="bundle"][0]
assert b["trace_line_count"]>100, b
assert b["trace_matched_count"]*1000 >= b["trace_line_count"]*999, b
kinds={a["kind"] for a in b["artifacts"]}
assert {"trace.text","trace.cap","trace.strings.0"} <= kinds, kinds' "$S/t.json" ||
	fail "trace text not matched with --strings-from"
t=$(ls "$S"/o2/*.tar.zst)
n_in=$(grep -c 'mlx5_fw: ' "$S/tracefs.txt")
n_out=$("$FWBOX" trace "$t" | wc -l)
[ "$n_in" -eq "$n_out" ] || fail "fwbox trace shows $n_out of $n_in imported lines"
"$FWBOX" import -q -o "$S/o3" --device-hint 0000:08:00.0 "$S/tracefs.txt" 2> "$S/t.err" || true
grep -q "no strings database given" "$S/t.err" || fail "no word about the missing strings database"
# The same text imported again with a strings database is another bundle
# (the one without it is not claimed to hold it).
"$FWBOX" import -j -o "$S/o3" --device-hint 0000:08:00.0 --strings-from "$S/emu.tar.zst" \
	"$S/tracefs.txt" > "$S/t3.json"
jq_py 'b=[o for o in objs if o["type"]=="bundle"][0]
assert b["existed"] is False and b["trace_matched_count"] > 0, b' "$S/t3.json" ||
	fail "import with a strings database reused the bundle made without one"
[ "$(ls "$S"/o3 | wc -l)" -eq 2 ] || fail "expected two bundles in o3: $(ls "$S"/o3)"
# --db: the history finds the strings database of the same firmware (the
# bundle it was loaded from); another firmware version's is never used.
fw=$("$FWBOX" show -j "$S/emu.tar.zst" | python3 -c 'import json,sys; print(json.load(sys.stdin)["device"]["fw_version"])')
"$FWBOX" load -q --db "$S/strings.db" "$S/emu.tar.zst"
mkdir "$S/o2db" "$S/o2x" "$S/o2y"
"$FWBOX" import -j -o "$S/o2db" --device-hint 0000:08:00.0 --db "$S/strings.db" --fw-version "$fw" \
	"$S/tracefs.txt" > "$S/db.json"
jq_py 'b=[o for o in objs if o["type"]=="bundle"][0]
assert b["strings_source"] and b["strings_source"].endswith("emu.tar.zst"), b
assert b["fw_version"]==sys.argv[2], b
assert b["trace_matched_count"]*1000 >= b["trace_line_count"]*999 > 0, b' "$S/db.json" "$fw" ||
	fail "--db did not find the strings database of firmware $fw"
"$FWBOX" import -j -o "$S/o2x" --device-hint 0000:08:00.0 --db "$S/strings.db" --fw-version 1.2.3 \
	"$S/tracefs.txt" > "$S/dbx.json" 2>/dev/null || true
jq_py 'b=[o for o in objs if o["type"]=="bundle"][0]
assert b["strings_source"] is None and b["trace_matched_count"]==0, b
assert "no bundle of firmware 1.2.3" in b["strings_note"], b
assert "trace.cap" not in {a["kind"] for a in b["artifacts"]}, b' "$S/dbx.json" ||
	fail "--db used a strings database of another firmware"
"$FWBOX" import -j -o "$S/o2y" --device-hint 0000:08:00.0 --strings-from "$S/emu.tar.zst" \
	--fw-version 1.2.3 "$S/tracefs.txt" > "$S/sx.json" 2>/dev/null || true
jq_py 'b=[o for o in objs if o["type"]=="bundle"][0]
assert b["trace_matched_count"]==0 and "would not fit" in b["strings_note"], b' "$S/sx.json" ||
	fail "--strings-from of another firmware was used"

# 3. A sysinfo-snapshot archive: three mstdump runs are three captures;
# flint, devlink and the host name join them.
top=sysinfo-snapshot-v3.7.9-node7-20260105-101112
mkdir -p "$S/sys/$top/firmware" "$S/sys/$top/devlink" "$S/sys/$top/commands_txt_output"
cp "$fx/mstdump_000008000_run_1" "$fx/mstdump_000008000_run_2" "$S/sys/$top/firmware/"
cp "$fx/mstdump_000008000_run_1" "$S/sys/$top/firmware/mstdump_000008000_run_3"
cp "$fx/flint_000008000_q_full" "$S/sys/$top/firmware/flint_000008000_q"
{ echo 'devlink health diagnose pci/0000:08:00.0 reporter fw '; echo; cat "$fx/devlink_health_diagnose_pci.0000_08_00.0_reporter_fw"; } \
	> "$S/sys/$top/devlink/devlink_pci000008000_diagnose_fw.txt"
{ echo 'devlink health dump show pci/0000:08:00.0 reporter fw '; echo; cat "$fx/devlink_health_dump_show_pci.0000_08_00.0_reporter_fw"; } \
	> "$S/sys/$top/devlink/devlink_pci000008000_dump_show_fw.txt"
cp "$fx/devlink_pci000008000_dump_show_fw_fatal.txt" "$S/sys/$top/devlink/"
echo "unrelated" > "$S/sys/$top/commands_txt_output/lsblk.txt"
touch -d '2026-01-05 10:11:12 UTC' "$S/sys/$top/firmware/mstdump_000008000_run_1"
touch -d '2026-01-05 10:11:40 UTC' "$S/sys/$top/firmware/mstdump_000008000_run_2"
touch -d '2026-01-05 10:12:05 UTC' "$S/sys/$top/firmware/mstdump_000008000_run_3"
tar -C "$S/sys" -czf "$S/$top.tgz" "$top"
mkdir "$S/o4"
expect_out 0 "$S/s.json" "$FWBOX" import -j -o "$S/o4" "$S/$top.tgz"
jq_py 'bs=[o for o in objs if o["type"]=="bundle"]
assert [b["run"] for b in bs]==[1,2,3], bs
assert all(b["card"]=="0000:08:00.0" and b["fw_version"]=="28.39.1002" for b in bs), bs
assert bs[0]["captured"]=="2026-01-05T10:11:12.000000000Z", bs[0]["captured"]
assert bs[0]["capture_time_from"]=="archive"
k={a["kind"] for a in bs[0]["artifacts"]}
assert {"crspace","flint.query","health.fw.diagnose","health.fw","health.fw_fatal"} <= k, k
a=[a for a in bs[0]["artifacts"] if a["kind"]=="crspace"][0]
assert a["source_name"].endswith("firmware/mstdump_000008000_run_1") and a["source_tool"]=="mstdump", a
ig=[o for o in objs if o["type"]=="ignored"]
assert any("other files" in o["reason"] for o in ig), ig' "$S/s.json" || fail "sysinfo archive grouping"
for f in "$S"/o4/*.tar.zst; do "$FWBOX" verify -q "$f" || fail "$f does not verify"; done
set -- $(ls "$S"/o4/*run1-*.tar.zst "$S"/o4/*run2-*.tar.zst)
"$FWBOX" show -j "$1" > "$S/show.json"
python3 -c "import json,sys; o=json.load(open(sys.argv[1])); d=o['device']
assert d['fw_version']=='28.39.1002' and d['psid']=='MT_0000000838', d" "$S/show.json" || fail "device note"
"$FWBOX" trace "$1" | grep -q 'link up, speed: 100G' || fail "saved traces of the text dump not decoded"
expect_out 1 "$S/diff.txt" "$FWBOX" diff "$1" "$2"
grep -q 'deadbeef' "$S/diff.txt" || fail "diff of run 1 and run 2 misses the changed word"
# The fw_fatal crdump (a cr-space region): little-endian words, the unread one left out.
"$FWBOX" crspace "$1" | grep -qx 'health.fw_fatal 0x00000000 0x12345678' || fail "crdump word"
"$FWBOX" crspace "$1" | grep -q 'health.fw_fatal 0x00000004' && fail "unread crdump word shown"

"$FWBOX" load -q --db "$S/h.db" "$S"/o4/*.tar.zst || fail "load"
[ "$(sqlite3 "$S/h.db" 'SELECT count(*) FROM bundles')" -eq 3 ] || fail "three captures in the history"
[ "$(sqlite3 "$S/h.db" "SELECT count(*) FROM artifacts WHERE kind='crspace'")" -eq 3 ] || fail "crspace rows"

# 4. A sos / doca-sosreport archive (.tar.xz): sos_commands names, host facts.
sos=sosreport-node7-2026-01-06-abcdef
mkdir -p "$S/sos/$sos/sos_commands/mellanox_firmware" "$S/sos/$sos/sos_commands/devlink_health"
cp "$fx/mstdump_000008000_run_1" "$S/sos/$sos/sos_commands/mellanox_firmware/mstregdump_000008000_run_1"
cp "$fx/flint_000008000_q_full" "$fx/mstreg_000008000_--reg_name_PAOS_--get" \
	"$fx/mstreg_000008000_--reg_name_MTMP_--get_raw" "$S/sos/$sos/sos_commands/mellanox_firmware/"
cp "$fx/devlink_health_-jp" "$fx/devlink_health_diagnose_pci.0000_08_00.0_reporter_fw" \
	"$fx/devlink_health_dump_show_pci.0000_08_00.0_reporter_fw" "$S/sos/$sos/sos_commands/devlink_health/"
cp "$fx/hostname" "$fx/uname" "$S/sos/$sos/"
tar -C "$S/sos" -cJf "$S/$sos.tar.xz" "$sos"
mkdir "$S/o5"
expect_out 3 "$S/sos.json" "$FWBOX" import -j -o "$S/o5" "$S/$sos.tar.xz"
jq_py 'bs=[o for o in objs if o["type"]=="bundle"]
assert len(bs)==1, bs
k={a["kind"]:a for a in bs[0]["artifacts"]}
assert {"crspace","reg.PAOS","reg.MTMP","health.reporters","health.fw","health.fw.diagnose","host.info","flint.query"} <= set(k), set(k)
assert k["reg.PAOS"]["outcome"]=="partial" and k["reg.PAOS"]["rejected_count"]==2, k["reg.PAOS"]
assert k["source.reg.PAOS"]["outcome"]=="ok"' "$S/sos.json" || fail "sos archive"
grep -q "mstreg_000008000_--reg_name_PAOS_--get' line 11" "$S/sos.json.err" || fail "no file and line for the bad field"
b=$(ls "$S"/o5/*.tar.zst)
"$FWBOX" regs "$b" | grep -q 'admin_status' || fail "imported PAOS not decoded"
"$FWBOX" show -j "$b" | python3 -c "import json,sys; o=json.load(sys.stdin); assert o['host']=='node7', o['host']" ||
	fail "host name from the sos archive"

# 5. Broken and hostile input: reported by name and line, never a crash.
mkdir "$S/o6"
expect_out 3 "$S/bad.json" "$FWBOX" import -j -o "$S/o6" "$fx/bad-mstdump-partial" \
	"$fx/bad-mstdump-failed" "$fx/bad-devlink-dump.json" "$fx/bad-tracefs-trace.txt"
grep -q "bad-mstdump-partial' line 11" "$S/bad.json.err" || fail "malformed line not named"
grep -q "Cause bit set" "$S/bad.json.err" || fail "mstdump's error line not reported"
jq_py 'o=[o for o in objs if o["type"]=="bundle"]
out={a["kind"]+":"+a["outcome"] for b in o for a in b["artifacts"]}
assert "crspace:partial" in out and "crspace:failed" in out and "trace.text:partial" in out, out' "$S/bad.json" ||
	fail "outcomes of broken inputs"
python3 - "$S/hostile.tar.gz" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as t:
    def add(name, data=b"", kind=tarfile.REGTYPE, link=""):
        i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data)
        t.addfile(i, io.BytesIO(data) if data else None)
    add("../../etc/mstdump_000008000_run_1", b"0x00000000 0x00000001\n")
    add("/abs/mstdump_000008000_run_1", b"0x00000000 0x00000001\n")
    add("x/mstdump_000008000_run_1", kind=tarfile.SYMTYPE, link="/etc/passwd")
    add("x/mstdump_000008000_run_2", kind=tarfile.LNKTYPE, link="x/mstdump_000008000_run_1")
    add("x/mstdump_000008000_run_3", b"0x00000000 0x00000002\n")
PY
mkdir "$S/o7"
"$FWBOX" import -j -o "$S/o7" "$S/hostile.tar.gz" > "$S/h.json" 2>/dev/null || true
jq_py 'ig=[o["reason"] for o in objs if o["type"]=="ignored"]
for w in ("a name with a \x27..\x27 component","an absolute name","a symbolic link","a hard link"):
    assert any(r.startswith(w) for r in ig), (w, ig)
assert len([o for o in objs if o["type"]=="bundle"])==1' "$S/h.json" || fail "hostile archive entries"
[ ! -e "$S/etc" ] && [ ! -e /abs ] || fail "something was extracted"
head -c 1000 /dev/urandom > "$S/garbage.tgz"
printf '\037\213' | cat - "$S/garbage.tgz" > "$S/cut.tgz"
expect_exit 1 "$FWBOX" import -o "$S/o7" "$S/cut.tgz"
# A decompression bomb (a 15 kB .tar.xz of one 66 MB entry of zeros) stops
# once it inflates past the ratio limit, names the input, writes nothing.
python3 - "$S/bomb.tar.xz" <<'PY'
import io, sys, tarfile
class Zeros(io.RawIOBase):
    def __init__(self, n): self.n = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.n); b[:k] = bytes(k); self.n -= k; return k
n = 66 << 20
with tarfile.open(sys.argv[1], "w:xz", preset=0) as t:
    i = tarfile.TarInfo("snap/firmware/mstdump_000008000_run_1"); i.size = n
    t.addfile(i, Zeros(n))
PY
mkdir "$S/o8"
expect_out 1 "$S/bomb.out" "$FWBOX" import -o "$S/o8" "$S/bomb.tar.xz"
grep -q "bomb.tar.xz': inflates beyond FW_LIMIT_RATIO" "$S/bomb.out.err" || fail "bomb not named: $(cat "$S/bomb.out.err")"
[ -z "$(ls -A "$S/o8")" ] || fail "a bomb left files: $(ls -A "$S/o8")"
# An archive cut short after a good capture: the capture was converted and
# put aside (the temporary file in the output folder), then the input
# fails; nothing is written and nothing is left, hidden files included.
python3 - "$S/cut-late.tar" "$fx/mstdump_000008000_run_1" "$S/whole.tar" <<'PY'
import io, sys, tarfile
raw = io.BytesIO()
good = open(sys.argv[2], "rb").read()
with tarfile.open(fileobj=raw, mode="w") as t:
    for name, data in (("snap/firmware/mstdump_000008000_run_1", good),
                       ("snap/firmware/mstdump_000009000_run_1", good * 50)):
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
b = raw.getvalue()
open(sys.argv[1], "wb").write(b[:len(b) // 2])
open(sys.argv[3], "wb").write(b)
PY
mkdir "$S/o9"
expect_out 1 "$S/cut.out" "$FWBOX" import -o "$S/o9" "$S/cut-late.tar"
grep -q "mstdump_000009000_run_1" "$S/cut.out.err" || fail "cut entry not named: $(cat "$S/cut.out.err")"
[ -z "$(ls -A "$S/o9")" ] || fail "a cut archive left files: $(ls -A "$S/o9")"
# No room for the temporary file (a file size limit, SIGXFSZ ignored, so
# writes fail with EFBIG as on a full disk): the input fails with the
# reason, nothing is written.
python3 - "$S/bigtrace.tar" <<'PY'
import io, sys, tarfile
line = b"  kworker-1 [003] ..... 1.5: mlx5_fw: 0000:08:00.0 [0x10000] 0 [0x1] [irisc 0] port 1 event 1\n"
data = line * ((4 << 20) // len(line) + 1)
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("snap/tracefs_000008000.txt"); i.size = len(data); t.addfile(i, io.BytesIO(data))
PY
mkdir "$S/o10"
set +e
(trap '' XFSZ; ulimit -f 2048; exec "$FWBOX" import -o "$S/o10" "$S/bigtrace.tar") > "$S/fsz.out" 2> "$S/fsz.err"
got=$?
set -e
[ "$got" -eq 1 ] || fail "import past a file size limit exited $got: $(cat "$S/fsz.err")"
grep -q "writing the converted captures to a temporary file in '$S/o10': File too large" "$S/fsz.err" ||
	fail "spill failure not explained: $(cat "$S/fsz.err")"
[ -z "$(ls -A "$S/o10")" ] || fail "a failed spill left files: $(ls -A "$S/o10")"
# The same archive whole: both captures, and only the bundles in the folder.
"$FWBOX" import -q -o "$S/o9" "$S/whole.tar"
[ "$(ls -A "$S/o9" | grep -vc '^fwbox-import-nohost-0000_0[89]_00.0-.*-run1-[0-9a-f]*\.tar\.zst$')" -eq 0 ] &&
	[ "$(ls -A "$S/o9" | wc -l)" -eq 2 ] || fail "whole archive: $(ls -A "$S/o9")"
"$FWBOX" crspace --mstdump "$S"/o9/*0000_08_00.0* | cmp -s - "$fx/mstdump_000008000_run_1" ||
	fail "the first capture of the whole archive differs"
[ "$("$FWBOX" crspace "$S"/o9/*0000_09_00.0* | wc -l)" -eq 64 ] || fail "the second capture of the whole archive"

# 6. Nothing to import, usage errors.
echo "hello" > "$S/notes.txt"
expect_exit 4 "$FWBOX" import -o "$S/o7" "$S/notes.txt"
# What is not imported says why (fwbox-import(1) "What is not imported").
python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write(sys.argv[2],'mstdump_000008000_run_1'); z.close()" \
	"$S/c.zip" "$fx/mstdump_000008000_run_1"
sed 's/PAOS/NOSUCH/' "$fx/mstreg_000008000_--reg_name_PAOS_--get" > "$S/mstreg_000008000_--reg_name_NOSUCH_--get"
expect_out 4 "$S/not.json" "$FWBOX" import -j -o "$S/o7" "$S/c.zip" "$S/mstreg_000008000_--reg_name_NOSUCH_--get"
jq_py 'ig=[(o["reason"], o["malformed"]) for o in objs if o["type"]=="ignored" and o["source_name"]]
assert any(r.startswith("a zip file: fwbox import reads tar archives") and not m for r, m in ig), ig
assert any("NOSUCH\x27 is not in fwbox\x27s register catalog" in r and not m for r, m in ig), ig' "$S/not.json" ||
	fail "unimportable inputs: $(cat "$S/not.json")"
expect_exit 2 "$FWBOX" import
expect_exit 2 "$FWBOX" import --strings-from a --db b x
expect_exit 2 "$FWBOX" import -o "$S/notes.txt" x
echo ok
