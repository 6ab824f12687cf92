#!/bin/sh
# bench-redact: `fwbox redact` of one large bundle against `fwbox verify` of
# the same bundle, in one run (the issue's target: redaction within 2x the
# time of verification).  The bundle: a sparse CR-space image, tracefs text
# and a kernel log with MAC, GUID and IP addresses in them, and the
# identifying registers; every identifier is planted in the binary dump
# too, so the second net has work.  Best of 3 runs each, wall and CPU.
# Baselines in the same run: zstd -d | zstd -3 -T2 of the same bundle, the
# floor of anything that must decompress and compress again at collect's
# level, and the same at level 1, the level redact writes at (so
# redact-vs-recompress-fast-cpu is what redaction costs on top of the
# recompression it cannot avoid).  On a shared machine the CPU-time ratios
# are the ones to read; the load average is printed around the runs.
# Env: FWBOX_BENCH_REDACT_MB (uncompressed size, default 256), TMPDIR.
set -e
MB=${FWBOX_BENCH_REDACT_MB:-256}
MKBUNDLE=$top_builddir/tests/mkbundle
make -s -C "$top_builddir" tests/mkbundle >/dev/null 2>&1 ||
	{ echo "bench-redact: tests/mkbundle cannot be built yet, skipping"; exit 0; }
[ -x /usr/bin/time ] || { echo "bench-redact: no /usr/bin/time, skipping"; exit 0; }
command -v zstd >/dev/null || { echo "bench-redact: no zstd tool, skipping"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-redact-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

python3 - "$MB" <<'EOF'
import os, random, struct, sys
mb = int(sys.argv[1])
r = random.Random(1)
mac = bytes.fromhex("0c42a15a6b7c"); guid = bytes.fromhex("0c42a103005a6b7c")
# CR-space: 5/8 of the size, half the words zero, the rest random; cut
# from a 16 MiB pool at random offsets, so it does not repeat within the
# compressor's window.
n = mb * (1 << 20) * 5 // 8
words = [0 if r.random() < 0.5 else r.getrandbits(32) for _ in range(1 << 22)]
pool = struct.pack(">%dI" % len(words), *words)
with open("crspace.bin", "wb") as f:
    for k in range(n // (1 << 16)):
        off = r.randrange(0, len(pool) - (1 << 16)) & ~3
        b = bytearray(pool[off:off + (1 << 16)])
        p = r.randrange(0, len(b) - 64)
        b[p:p + 6] = mac; b[p + 20:p + 28] = guid; b[p + 40:p + 44] = bytes([10, 99, 17, 23])
        f.write(b)
# tracefs text: 3/8 of the size.
msgs = ["icm: allocated %d pages for type %d", "port %d: link down, reason 0x%x",
        "resource_dump: seq %d more %d", "fw: cmd 0x%x done in %d us",
        "nic: peer 10.99.%d.%d unreachable", "vport %d: mac 0c:42:a1:5a:6b:%02x"]
target = mb * (1 << 20) * 3 // 8
with open("trace.txt", "w") as f:
    done = 0; ts = 0x3e410191f8cb
    while done < target:
        lines = []
        for _ in range(1000):
            ts += r.randrange(1, 100)
            m = r.choice(msgs) % (r.randrange(16), r.randrange(16))
            lines.append("    kworker/u16:2-211     [000] .....  52654.000000: mlx5_fw: 0000:08:00.0 "
                         "[0x%x] 0 [0x14] %s\n" % (ts, m))
        s = "".join(lines); f.write(s); done += len(s)
with open("kernel.log", "w") as f:
    for i in range(20000):
        f.write("mlx5_core 0000:08:00.0 ens1f0np0: Link up, MAC 0C:42:A1:5A:6B:%02X, "
                "addr 10.99.%d.%d GUID 0x0c42a103005a6b%02x on gpu-node-17\n" % (i % 256, i % 200, i % 250, i % 256))
open("host.info", "w").write("hostname=gpu-node-17.lab.example.org\n"
                             "kernel.cmdline=BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro iommu=pt\n")
mgir = bytearray(160); mgir[0x12:0x18] = mac; open("mgir.bin", "wb").write(mgir)
open("node.bin", "wb").write(b"MT4129 ConnectX7 gpu-node-17 HCA-1".ljust(64, b"\0"))
EOF
"$MKBUNDLE" -o big.tar.zst --host gpu-node-17.lab.example.org --serial MT9988X77665 \
	reg.MGIR=mgir.bin reg.NODE_DESC=node.bin crspace=crspace.bin trace.text=trace.txt \
	kernel.log=kernel.log host.info=host.info >/dev/null
bytes=$(( $(stat -c %s crspace.bin) + $(stat -c %s trace.txt) + $(stat -c %s kernel.log) ))
rm -f crspace.bin trace.txt

echo "bench-redact: load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# One warm-up of each (page cache), then best of three.
"$FWBOX" verify -q big.tar.zst
"$FWBOX" redact big.tar.zst --map "$dir/site.map" -o warm.tar.zst -q
best() { # best wall and cpu seconds of "$@" over 3 runs: prints "wall cpu rss_kib"
	: > t.all
	for i in 1 2 3; do
		rm -f r.tar.zst
		/usr/bin/time -f '%e %U %S %M' -o t.txt "$@"
		cat t.txt >> t.all
	done
	awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 }
	     $4 > m { m = $4 } END { print w, c, m }' t.all
}
v=$(best "$FWBOX" verify -q big.tar.zst)
# The floor of any rewrite: the same bytes decompressed and compressed
# again with zstd's own tool at fwbox's level and threads.
z=$(best sh -c 'zstd -dcq big.tar.zst | zstd -3 -T2 -qc > /dev/null')
zf=$(best sh -c 'zstd -dcq big.tar.zst | zstd -1 -T2 -qc > /dev/null')
r=$(best "$FWBOX" redact big.tar.zst --map "$dir/site.map" -o r.tar.zst -q)
rm -f r.tar.zst
"$FWBOX" redact big.tar.zst --map "$dir/site.map" -o r.tar.zst --json > rep.json
occ=$(python3 -c "import json; j=json.load(open('rep.json')); print(sum(m['occurrence_count'] for m in j['artifacts']), len(j['identifiers']))")
"$FWBOX" verify -q r.tar.zst
echo "bench-redact: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

awk -v b="$bytes" -v v="$v" -v r="$r" -v z="$z" -v zf="$zf" -v occ="$occ" \
    -v fsz="$(stat -c %s big.tar.zst)" -v osz="$(stat -c %s r.tar.zst)" 'BEGIN {
	split(v, a, " "); split(r, c, " "); split(occ, o, " "); split(z, d, " "); split(zf, f, " ");
	printf "figure: redact-bundle-bytes %d bytes\n", b;
	printf "figure: redact-bundle-file-bytes %d bytes\n", fsz;
	printf "figure: redact-identifiers %d identifiers\n", o[2];
	printf "figure: redact-occurrences %d occurrences\n", o[1];
	printf "figure: verify-seconds %.2f s\n", a[1];
	printf "figure: redact-seconds %.2f s\n", c[1];
	printf "figure: redact-throughput %.1f MB/s\n", b / c[1] / 1e6;
	printf "figure: redact-vs-verify %.2f x\n", c[1] / a[1];
	printf "figure: redact-vs-verify-cpu %.2f x\n", c[2] / a[2];
	printf "figure: recompress-seconds %.2f s\n", d[1];
	printf "figure: recompress-vs-verify %.2f x\n", d[1] / a[1];
	printf "figure: redact-vs-recompress %.2f x\n", c[1] / d[1];
	printf "figure: redact-peak-rss %.1f MiB\n", c[3] / 1024;
	printf "figure: redact-output-file-bytes %d bytes\n", osz;
	printf "figure: verify-cpu-seconds %.2f s\n", a[2];
	printf "figure: redact-cpu-seconds %.2f s\n", c[2];
	printf "figure: recompress-fast-cpu-seconds %.2f s\n", f[2];
	printf "figure: recompress-fast-vs-verify-cpu %.2f x\n", f[2] / a[2];
	printf "figure: redact-vs-recompress-fast-cpu %.2f x\n", c[2] / f[2];
}'
