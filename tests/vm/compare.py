#!/usr/bin/env python3
"""Host half of the real-kernel tests: compare what fwbox read in the guest
with what iproute2's devlink printed there (tests/vm/guest-*.sh left both in
OUT).  fwbox's fmsg bytes are decoded by vm-probe (the library's decoder);
iproute2's JSON is read here, independently.

    compare.py devlink OUT VM-PROBE FWBOX

Prints one line per check ("ok ..." / "not ok ..."); exit 1 if any failed.
"""
import json
import os
import subprocess
import sys

failed = 0


def check(cond, what):
    global failed
    print(("ok   " if cond else "not ok ") + what)
    if not cond:
        failed += 1
    return cond


def read(out, name):
    with open(os.path.join(out, name), "rb") as f:
        return f.read()


def rc(out, name):
    return int(read(out, name + ".rc").decode().strip() or "-1")


def pairs_json(data):
    """JSON with every key kept in order (iproute2 repeats keys)."""
    return json.loads(data, object_pairs_hook=lambda p: p)


def fwbox_items(probe, path):
    """(leaves before the first problem, all leaves, problems, binaries):
    leaves are (path, value) in order; binary items at P[i] are joined
    into one leaf P holding the list of bytes, as iproute2 prints them."""
    res = subprocess.run([probe, "items", path], check=True, capture_output=True)
    leaves, problems, first_problem_at = [], [], None
    bins = {}
    for line in res.stdout.decode().splitlines():
        o = json.loads(line)
        if "problem" in o:
            problems.append(o["problem"])
            if first_problem_at is None:
                first_problem_at = len(leaves)
            continue
        p, t, v = o["path"], o["type"], o["value"]
        if t == "binary":
            base = p[: p.rindex("[")] if p.endswith("]") else p
            if base not in bins:
                bins[base] = []
                leaves.append((base, bins[base]))
            bins[base].extend(v)
            continue
        leaves.append((p, v))
    before = leaves if first_problem_at is None else leaves[:first_problem_at]
    return before, leaves, problems, bins


def json_leaves(node, binaries, prefix=""):
    """iproute2's JSON (as pairs) to (path, value) leaves in fwbox's path
    convention: pair names joined with '/', array elements as [i]."""
    out = []
    if isinstance(node, list) and node and isinstance(node[0], tuple):
        for k, v in node:
            p = f"{prefix}/{k}" if prefix else k
            out += json_leaves(v, binaries, p)
    elif isinstance(node, list) and prefix in binaries:
        out.append((prefix, node))
    elif isinstance(node, list):
        if node == []:
            return out
        for i, v in enumerate(node):
            out += json_leaves(v, binaries, f"{prefix}[{i}]")
    else:
        out.append((prefix, node))
    return out


def same_value(a, b):
    return type(a) is type(b) and a == b


def compare_fmsg(out, probe, fmsg, js, what, expect_problems, random_paths=()):
    """random_paths: values the kernel makes anew on every request (netdevsim's
    diagnose fills test_binary with random bytes): compared by length."""
    before, leaves, problems, bins = fwbox_items(probe, os.path.join(out, fmsg))
    ours = json_leaves(pairs_json(read(out, js)), bins)
    for p in random_paths:
        ours = [(k, len(v)) if k == p else (k, v) for k, v in ours]
        before = [(k, len(v)) if k == p else (k, v) for k, v in before]
    check(len(leaves) > 0, f"{what}: fwbox decoded {len(leaves)} values")
    check(len(ours) == len(before),
          f"{what}: iproute2 printed {len(ours)} values, fwbox {len(before)} before "
          f"its first problem and {len(leaves)} in all")
    bad = [(a, b) for a, b in zip(ours, before) if a[0] != b[0] or not same_value(a[1], b[1])]
    check(not bad, f"{what}: every value iproute2 printed is fwbox's, in order"
          + (f" (first difference: {str(bad[0])[:200]})" if bad else ""))
    if expect_problems:
        check(any("closes nothing" in p for p in problems),
              f"{what}: the stray nest end is reported ({problems[:1]})")
        check(len(leaves) > len(before),
              f"{what}: fwbox reads on past the stray nest end ({len(leaves) - len(before)} more values)")
    return leaves, bins


def reporters_json(out, name):
    rep = {}
    for handle, lst in pairs_json(read(out, name + ".out"))[0][1]:
        if handle != "netdevsim/netdevsim10":
            continue
        for r in lst:
            d = dict(r)
            rep[d["reporter"]] = d
    return rep


def reporters_probe(out, name):
    rep = {}
    for line in read(out, name + ".out").decode().splitlines():
        n, st, err, rec, has, ts = line.split()
        rep[n] = dict(state=int(st), error=int(err), recover=int(rec), has_dump=int(has) == 1, ts=int(ts))
    return rep


def compare_reporters(out, js, probe_name):
    j = reporters_json(out, js)
    p = reporters_probe(out, probe_name)
    check(sorted(j) == sorted(p) == ["dummy", "empty"],
          f"{probe_name}: reporters {sorted(p)} (iproute2: {sorted(j)})")
    for n in sorted(set(j) & set(p)):
        a, b = j[n], p[n]
        check(a["state"] == ("healthy" if b["state"] == 0 else "error")
              and a["error"] == b["error"] and a["recover"] == b["recover"]
              and ("last_dump_date" in a) == b["has_dump"],
              f"{probe_name}: '{n}' state {b['state']} errors {b['error']} recovers "
              f"{b['recover']} dump {b['has_dump']} as iproute2 shows")
    return j, p


def devlink(out, probe):
    for name in ("show0", "show1", "show2", "show3", "probe-rep0", "probe-rep2", "diag-json",
                 "probe-diag", "probe-dump", "dump-json", "region-json", "probe-regions",
                 "region-dump-json", "probe-region", "probe-diag-empty", "diag-empty-json"):
        check(rc(out, name) == 0, f"{name} exited 0 ({read(out, name + '.err')[:200]!r})")
    # Before any report: nothing stored, and asking did not make the kernel take one.
    j0, p0 = compare_reporters(out, "show0", "probe-rep0")
    for n in ("empty", "dummy"):
        check(rc(out, f"probe-dump-{n if n == 'empty' else 'dummy0'}") == 3,
              f"'{n}' without a stored dump: fwbox says so (exit 3)")
    j1 = reporters_json(out, "show1")
    check(j1 == j0 and not any("last_dump_date" in r for r in j1.values()),
          "reading the dumps of reporters without one left them as they were (no dump taken)")
    # Diagnose (the dummy reporter's stray nest end is in it too).
    compare_fmsg(out, probe, "diag.fmsg", "diag-json.out", "diagnose dummy", True,
                 random_paths=("test_binary",))
    check(read(out, "diag-empty-json.out").strip() in (b"{}", b""),
          "diagnose empty: iproute2 prints nothing")
    _, _, probs, _ = fwbox_items(probe, os.path.join(out, "diag-empty.fmsg"))
    check(not probs, "diagnose empty: fwbox decodes it without problems")
    # After the report: the stored dump, 1 MiB of binary over many messages.
    # The notifications: devlink_health_report() notifies the error before it
    # counts it and dumps, then the recovery with the counts and the dump.
    mon = read(out, "mon.out").decode().splitlines()
    check(rc(out, "mon") == 0 and mon[:1] == ["monitoring"] and len(mon) == 3,
          f"monitor: joined the 'config' group and received 2 events ({mon}, {read(out, 'mon.err')[:200]!r})")
    if len(mon) == 3:
        check(mon[1].split()[:2] == ["dummy", "1"], f"monitor: first event 'dummy' in error ({mon[1]})")
        check(mon[2].split() == ["dummy", "0", "1", "1", "1"],
              f"monitor: second event 'dummy' healthy, 1 error, 1 recovery, dump stored ({mon[2]})")
    j2, p2 = compare_reporters(out, "show2", "probe-rep2")
    check(p2.get("dummy", {}).get("error") == 1 and p2["dummy"]["has_dump"],
          "after break_health: 'dummy' has one error and a stored dump")
    leaves, bins = compare_fmsg(out, probe, "dump.fmsg", "dump-json.out", "dump dummy", True)
    check(len(bins.get("test_binary", [])) == 1048576,
          f"dump dummy: test_binary is 1048576 bytes ({len(bins.get('test_binary', []))})")
    check(dict(leaves).get("break_message") == "fwbox vm break",
          "dump dummy: break_message is the text written to break_health")
    check(read(out, "dump.fmsg") == read(out, "dump-again.fmsg"),
          "reading the stored dump twice gives the same bytes (the kernel kept it)")
    j3 = reporters_json(out, "show3")
    check(j3 == j2, "reading the stored dump changed nothing in the reporter (same dump time)")
    # Regions.
    snap = read(out, "snapshot-id").decode().strip()
    rj = dict(pairs_json(read(out, "region-json.out"))[0][1])
    rj = dict(rj["netdevsim/netdevsim10/dummy"])
    lines = [l.split() for l in read(out, "probe-regions.out").decode().splitlines()]
    check(["dummy", str(rj["size"])] + [str(s) for s in rj["snapshot"]] in lines,
          f"regions: dummy, {rj['size']} bytes, snapshots {rj['snapshot']} as iproute2 shows")
    image = bytearray()
    for k, v in pairs_json(read(out, "region-dump-json.out"))[0][1]:
        if k == "address":
            check(v == len(image), f"region dump: iproute2's chunk at {v} follows on") if v != len(image) else None
        elif k == "data":
            image += bytes(v)
    got = read(out, "region.bin")
    check(len(got) == rj["size"] and got == bytes(image),
          f"region dummy snapshot {snap}: {len(got)} bytes, equal to iproute2's byte for byte")


def watch(out, probe, fwbox):
    """fwbox watch in the guest: notifications, then polling."""
    for name, spool, source in (("watch", "spool", "devlink"), ("watchp", "spool-poll", "poll")):
        notes = [json.loads(l) for l in read(out, name + ".out").decode().splitlines() if l.startswith("{")]
        kinds = [n["note"] for n in notes]
        mode = [n.get("mode") for n in notes if n["note"] == "mode"]
        check(mode == (["devlink notifications"] if source == "devlink" else ["polling devlink reporters"]),
              f"{name}: mode {mode} ({read(out, name + '.err')[:300]!r})")
        check(kinds.count("captured") == 1, f"{name}: one capture ({kinds})")
        check(rc(out, name) in (0, 3), f"{name}: exit {rc(out, name)} (0, or 3 for the mlx5 steps netdevsim has no answer to)")
        bundles = sorted(f for f in os.listdir(os.path.join(out, spool)) if f.startswith("fwbox-"))
        if not check(len(bundles) == 1, f"{name}: one bundle in the spool ({bundles})"):
            continue
        b = os.path.join(out, spool, bundles[0])
        show = json.loads(subprocess.run([fwbox, "show", "--json", b], check=True,
                                         capture_output=True).stdout)
        t = show.get("trigger", {})
        check(t.get("source") == source and t.get("reporter") == "dummy" and t.get("state") == "error",
              f"{name}: trigger {t}")
        check(subprocess.run([fwbox, "verify", b], capture_output=True).returncode == 0,
              f"{name}: the bundle verifies")
        dump = os.path.join(out, name + "-health.dummy")
        with open(dump, "wb") as f:
            subprocess.run([fwbox, "extract", b, "health.dummy"], check=True, stdout=f)
        _, bins = compare_fmsg(out, probe, os.path.basename(dump), "dump-json2.out",
                               f"{name}: the stored dump in the bundle", True)
        check(len(bins.get("test_binary", [])) == 1048576,
              f"{name}: the bundle's dump holds the 1 MiB binary ({len(bins.get('test_binary', []))})")
    # The daemon only read: the dump it captured is still the one stored.
    j4 = reporters_json(out, "show4")
    check(j4["dummy"].get("last_dump_time") == reporters_json(out, "show3")["dummy"].get("last_dump_time"),
          "fwbox watch left the stored dump as it was (same dump time)")


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "devlink":
        print(__doc__, file=sys.stderr)
        return 2
    devlink(sys.argv[2], sys.argv[3])
    watch(sys.argv[2], sys.argv[3], sys.argv[4])
    print(f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
