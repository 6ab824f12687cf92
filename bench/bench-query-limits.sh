#!/bin/sh
# bench-query-limits: what the query limits cost and how fast they act.
#  - a CPU-bound query (a recursive CTE of N rows, aggregated) with
#    `fwbox query` under its default limits (progress handler every 1000
#    VM steps, heap limit) against the sqlite3 tool running the same SQL on
#    the same file in the same run: the ratio is the limits' overhead;
#  - how long after a 500 ms --timeout the query has ended;
#  - how long after SIGINT an endless query has ended;
#  - the peak RSS of `SELECT randomblob(9e8)` under the default 512M
#    ceiling (it took 2.4 GB before the ceiling).
# Env: FWBOX_BENCH_QUERY_ROWS (default 5000000), TMPDIR.
set -e
N=${FWBOX_BENCH_QUERY_ROWS:-5000000}
command -v sqlite3 >/dev/null || { echo "bench-query-limits: no sqlite3 tool, skipping"; exit 0; }
command -v python3 >/dev/null || { echo "bench-query-limits: no python3, skipping"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-query-XXXXXX")
trap 'rm -rf "$dir"' EXIT
n=0
for f in "$top_srcdir"/schema/[0-9]*.sql; do sqlite3 "$dir/h.db" < "$f"; n=$((n + 1)); done
sqlite3 "$dir/h.db" "PRAGMA user_version = $n"
python3 - "$FWBOX" "$dir/h.db" "$N" <<'PY'
import os, resource, signal, subprocess, sys, time
fwbox, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sql = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT %d) "
       "SELECT sum(x %% 7), count(*) FROM c" % n)
forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

def cpu_of(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert out.returncode == 0, (cmd, out.stderr)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime), out.stdout

best_f = best_s = None
for _ in range(3):
    f, fo = cpu_of([fwbox, "query", "--db", db, "-f", "csv", sql])
    s, so = cpu_of(["sqlite3", "-csv", db, sql])
    assert fo.splitlines()[-1] == so.strip(), (fo, so)
    best_f = f if best_f is None else min(best_f, f)
    best_s = s if best_s is None else min(best_s, s)
print("figure: query-limits-cpu-fwbox %.0f ms" % (best_f * 1e3))
print("figure: query-limits-cpu-sqlite3 %.0f ms" % (best_s * 1e3))
print("figure: query-limits-overhead-ratio %.3f x" % (best_f / best_s))

t0 = time.monotonic()
r = subprocess.run([fwbox, "query", "--db", db, "--timeout", "500ms", forever], capture_output=True)
assert r.returncode == 5, r
print("figure: query-timeout-500ms-stop-after %.0f ms" % ((time.monotonic() - t0) * 1e3))

p = subprocess.Popen([fwbox, "query", "--db", db, "--timeout", "0", forever],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
# Handshake: the SIGINT handler is installed (SigCgt), then signal.
while True:
    with open("/proc/%d/status" % p.pid) as st:
        cgt = [l for l in st if l.startswith("SigCgt:")]
    if cgt and int(cgt[0].split()[1], 16) & (1 << (signal.SIGINT - 1)):
        break
    time.sleep(0.001)
t0 = time.monotonic()
p.send_signal(signal.SIGINT)
rc = p.wait()
assert rc == 130, rc
print("figure: query-sigint-stop-after %.1f ms" % ((time.monotonic() - t0) * 1e3))

# Peak RSS of that one process: a fresh Python whose only child it is.
probe = ("import resource, subprocess, sys\n"
         "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
         "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
out = subprocess.run([sys.executable, "-c", probe, fwbox, "query", "--db", db,
                      "SELECT length(randomblob(900000000))"], capture_output=True, text=True)
rc, rss = out.stdout.split()
assert rc == "5", out
print("figure: query-randomblob-9e8-peak-rss %.0f MiB" % (int(rss) / 1024))
PY
