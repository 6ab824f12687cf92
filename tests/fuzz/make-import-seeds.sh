#!/bin/sh
# Seeds for fuzz-import-text and fuzz-import-archive: sh make-import-seeds.sh
# (from the import fixtures, whose recipe is tests/fixtures/import/make-fixtures.sh).
set -e
cd "$(dirname "$0")"
fx=../fixtures/import
t=corpus/import-text
a=corpus/import-archive
mkdir -p "$t" "$a"
for f in "$fx"/*; do
	case $f in *.sh) continue ;; esac
	cp "$f" "$t/$(basename "$f" | tr -c 'A-Za-z0-9_.\n-' '_')"
done
# A resource-dump stream: INFO, one CR-space segment of two words, TERMINATE.
printf '\000\004\377\376\000\000\000\001\000\000\000\000\000\000\000\000\000\006\160\000\000\000\000\000\000\000\000\100\000\000\000\000\022\064\126\170\232\274\336\360\000\001\377\373' > "$t/resdump-bin"
# Archives: a sysinfo-like .tgz and a sos-like .tar.xz, small; a plain tar.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
d=$tmp/sysinfo-snapshot-v3.7.9-node7-20260105-101112
mkdir -p "$d/firmware" "$d/devlink"
head -8 "$fx/mstdump_000008000_run_1" > "$d/firmware/mstdump_000008000_run_1"
head -8 "$fx/mstdump_000008000_run_2" > "$d/firmware/mstdump_000008000_run_2"
cp "$fx/flint_000008000_q_full" "$d/firmware/flint_000008000_q"
cp "$fx/devlink_health_dump_show_pci.0000_08_00.0_reporter_fw" "$d/devlink/devlink_pci000008000_dump_show_fw.txt"
cp "$fx/devlink_pci000008000_dump_show_fw_fatal.txt" "$d/devlink/"
tar -C "$tmp" --mtime=2026-01-05 --owner=0 --group=0 --sort=name -czf "$a/sysinfo.tgz" "$(basename "$d")"
s=$tmp/sosreport-node7
mkdir -p "$s/sos_commands/mellanox_firmware" "$s/sos_commands/devlink_health"
cp "$fx/mstreg_000008000_--reg_name_PAOS_--get" "$fx/flint_000008000_q_full" "$s/sos_commands/mellanox_firmware/"
cp "$fx/devlink_health_-jp" "$fx/tracefs-trace.txt" "$s/sos_commands/devlink_health/"
cp "$fx/hostname" "$fx/uname" "$s/"
tar -C "$tmp" --mtime=2026-01-05 --owner=0 --group=0 --sort=name -cJf "$a/sos.tar.xz" sosreport-node7
tar -C "$tmp" --mtime=2026-01-05 --owner=0 --group=0 --sort=name -cf "$a/plain.tar" sosreport-node7
# Hostile entries (python3's tarfile, gzip without a time stamp): a '..'
# name, an absolute name, a symbolic and a hard link over a capture name,
# one good capture; and the same cut short in the middle of an entry.
python3 - "$a/hostile.tar.gz" "$a/hostile-cut.tar" <<'PY'
import gzip, io, sys, tarfile
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as t:
    def add(name, data=b"", kind=tarfile.REGTYPE, link=""):
        i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data)
        i.mtime = 1767607872
        t.addfile(i, io.BytesIO(data) if data else None)
    add("../../etc/mstdump_000008000_run_1", b"0x00000000 0x00000001\n")
    add("/abs/mstdump_000008000_run_1", b"0x00000000 0x00000001\n")
    add("x/mstdump_000008000_run_1", kind=tarfile.SYMTYPE, link="/etc/passwd")
    add("x/mstdump_000008000_run_2", kind=tarfile.LNKTYPE, link="x/mstdump_000008000_run_1")
    add("x/mstdump_000008000_run_3", b"0x00000000 0x00000002\n" * 40)
with open(sys.argv[1], "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
    g.write(raw.getvalue())
open(sys.argv[2], "wb").write(raw.getvalue()[:7 * 512 + 300])
PY
