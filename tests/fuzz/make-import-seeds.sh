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
