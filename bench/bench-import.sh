#!/bin/sh
# bench-import: `fwbox import` of a 100 MB sysinfo-snapshot-style archive
# (.tgz): per card three mstdump runs, flint q, devlink health diagnose and
# dump text, a tracefs snapshot, and unrelated command outputs, as
# sysinfo-snapshot lays them out.  Prints MB/s of the archive's uncompressed
# content and the peak RSS, and the peak RSS of the same import of an
# archive a quarter that size: import streams each capture through a spill
# file, so its peak memory is that of the largest file, not of the archive
# (import-peak-rss-growth near 1.0 x; it was ~4 x when archives were held
# whole).  Baseline in the same run: `tar -xzOf` of the same archive to
# /dev/null (just reading every entry), the floor of any importer.
# Env: FWBOX_BENCH_IMPORT_MB (default 100), TMPDIR.
set -e
MB=${FWBOX_BENCH_IMPORT_MB:-100}
SMALL=$((MB / 4))
[ "$SMALL" -ge 1 ] || SMALL=1
[ -x /usr/bin/time ] || { echo "bench-import: no /usr/bin/time, skipping"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-import-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"
top=sysinfo-snapshot-v3.7.9-benchhost-20260105-101112
# make_archive MB OUT: the archive, its raw size in OUT.raw, cards in OUT.cards.
make_archive() {
python3 - "$1" "$top" "$2.cards" <<'PY'
import os, random, sys
mb, top, cards_out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
r = random.Random(7)
os.makedirs(f"{top}/firmware"); os.makedirs(f"{top}/devlink"); os.makedirs(f"{top}/commands_txt_output")
target = mb << 20
size = 0
card = 0
# A CR-space list of ~230k words (a ConnectX-7's mstdump): ~5 MB a run.
addrs = sorted(r.sample(range(0, 1 << 22), 230000))
while size < target:
    bdf = "0000%02x000" % (0x08 + card)
    pci = "0000:%02x:00.0" % (0x08 + card)
    for run in (1, 2, 3):
        lines = "".join("0x%08x 0x%08x\n" % (a * 4, r.getrandbits(32) if r.random() < 0.5 else 0)
                        for a in addrs)
        with open(f"{top}/firmware/mstdump_{bdf}_run_{run}", "w") as f:
            f.write(lines)
        size += len(lines)
    with open(f"{top}/firmware/flint_{bdf}_q", "w") as f:
        f.write("FW Version:            28.39.1002\nPSID:                  MT_0000000838\n")
    with open(f"{top}/devlink/devlink_pci{bdf}_diagnose_fw.txt", "w") as f:
        f.write(f"devlink health diagnose pci/{pci} reporter fw \n\n Syndrome: 0\n")
    t = "".join(f"    timestamp: {1000 + i} lost: false event_id: 1 msg: [irisc 0] event {i}\n" for i in range(2000))
    with open(f"{top}/devlink/devlink_pci{bdf}_dump_show_fw.txt", "w") as f:
        f.write(f"devlink health dump show pci/{pci} reporter fw \n\n dump fw traces:\n" + t)
    tr = "".join(f"  kworker-1 [003] ..... {i}.5: mlx5_fw: {pci} [0x{0x10000 + i:x}] 0 [0x1] [irisc 0] port 1 event {i}\n" for i in range(20000))
    with open(f"{top}/tracefs_{bdf}.txt", "w") as f:
        f.write(tr)
    size += len(t) + len(tr)
    for k in range(50):
        with open(f"{top}/commands_txt_output/cmd_{card}_{k}.txt", "w") as f:
            f.write("unrelated output\n" * 200)
    card += 1
print(card, file=open(cards_out, "w"))
PY
	tar -czf "$2" "$top"
	du -sb "$top" | cut -f1 > "$2.raw"
	rm -rf "$top"
}
# run_import IN: the best of two runs, "SECONDS RSS_KB BUNDLES" in IN.best.
run_import() {
	best=""
	for i in 1 2; do
		rm -rf out && mkdir out
		/usr/bin/time -f "%e %M" -o t.txt "$FWBOX" import -q -o out --compress none "$1" >/dev/null 2>t.err
		read -r secs rss < t.txt
		if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $secs < $best else 1)"; then
			best=$secs; best_rss=$rss
		fi
	done
	echo "$best $best_rss $(ls out | wc -l)" > "$1.best"
	rm -rf out
}
make_archive "$SMALL" small.tgz
run_import small.tgz
make_archive "$MB" in.tgz
run_import in.tgz
/usr/bin/time -f "%e %M" -o b.txt tar -xzOf in.tgz >/dev/null
read -r base_secs base_rss < b.txt
python3 - "$base_secs" small.tgz in.tgz <<'PY'
import sys
base = float(sys.argv[1])
res = {}
for name in sys.argv[2:]:
    secs, rss, bundles = open(name + ".best").read().split()
    raw = int(open(name + ".raw").read())
    cards = open(name + ".cards").read().strip()
    res[name] = (raw / (1 << 20), float(secs), int(rss) / 1024, cards, bundles)
    print(f"bench-import: {name}: {res[name][0]:.0f} MB of captures, {cards} cards, "
          f"{bundles} bundles in {float(secs):.2f} s, peak RSS {res[name][2]:.0f} MB")
smb, ssecs, srss, _, _ = res[sys.argv[2]]
mb, secs, rss, _, _ = res[sys.argv[3]]
print(f"figure: import-sysinfo-archive {mb / max(secs, 0.01):.1f} MB/s")
print(f"figure: import-sysinfo-peak-rss {rss:.0f} MB")
print(f"figure: import-sysinfo-peak-rss-quarter {srss:.0f} MB")
print(f"figure: import-peak-rss-growth {rss / max(srss, 1):.2f} x")
print(f"figure: import-vs-tar-read {secs / max(base, 0.01):.1f} x")
PY
