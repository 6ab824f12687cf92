#!/bin/sh
# fwbox devices against captured-looking sysfs trees (built by
# tests/fixtures/make-sysfs-fixtures.sh): golden table and JSON, foreign
# devices not listed, a tree without ConnectX gives empty output and exit 4
# (nothing to show).
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
fx="$SCRATCH/fx"
sh "$top_srcdir/tests/fixtures/make-sysfs-fixtures.sh" "$fx"

"$FWBOX" devices --sysroot "$fx/sysfs-cx7-fwctl" >"$SCRATCH/table"
cat >"$SCRATCH/want" <<'GOLDEN'
PCI           ID         DRIVER     NETDEV                       RDMA    FIRMWARE    PSID           MODEL                       INTERFACES
0000:08:00.0  15b3:1021  mlx5_core  enp8s0f0np0                  mlx5_0  28.39.2048  MT_0000000838  MT2910 Family [ConnectX-7]  fwctl,devlink,tracefs
0000:08:00.1  15b3:1021  mlx5_core  enp8s0f1np1,enp8s0f1npf1vf0  mlx5_1  28.39.2048  MT_0000000838  MT2910 Family [ConnectX-7]  fwctl,devlink,tracefs
GOLDEN
diff -u "$SCRATCH/want" "$SCRATCH/table" || fail "cx7 table differs"

"$FWBOX" devices -r "$fx/sysfs-cx6dx-mlx5ctl" >"$SCRATCH/table"
grep -q '^0000:03:00.0  15b3:101d  mlx5_core  -       -     -         -     MT2892 Family \[ConnectX-6 Dx\]  mlx5ctl,devlink,tracefs$' \
	"$SCRATCH/table" || fail "cx6dx row: $(cat "$SCRATCH/table")"

"$FWBOX" devices -r "$fx/sysfs-cx5-devlink" >"$SCRATCH/table"
# A network interface but no RDMA device: the version is unknown in a
# captured tree (ethtool is only asked on the real root).
grep -q '^0000:5e:00.0  15b3:1017  mlx5_core  ens1f0np0  -     -         -     MT27800 Family \[ConnectX-5\]  devlink,tracefs$' \
	"$SCRATCH/table" || fail "cx5 row: $(cat "$SCRATCH/table")"

# JSON: parse it with python3 and check the contract keys and values.
"$FWBOX" devices --json --sysroot "$fx/sysfs-cx7-fwctl" >"$SCRATCH/json"
python3 - "$SCRATCH/json" <<'PY' || fail "cx7 JSON"
import json, os, sys
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
d = fwjson.load(sys.argv[1])          # one object per function, one a line
assert len(d) == 2 and len(open(sys.argv[1]).read().splitlines()) == 2, d
a = d[0]
assert a["pci"] == "0000:08:00.0", a
# Numbers, as in 'fwbox show --json' (fwbox(1): JSON numbers have no base).
assert a["vendor_id"] == 0x15b3 and a["device_id"] == 0x1021, a
# Same key names as 'fwbox show --json'.
assert a["subsys_vendor_id"] == 0x15b3 and a["subsys_device_id"] == 0x0040, a
assert not any(k.startswith("subsystem_") for k in a), a
assert a["model"] == "MT2910 Family [ConnectX-7]", a
assert a["interfaces"] == ["fwctl", "devlink", "tracefs"], a
assert a["fwctl_node"] == "/dev/fwctl/fwctl0", a
assert a["tracefs"] == "/sys/kernel/tracing" and a["tracefs_enabled"] is True, a
assert all(x["pci"] != "0000:02:00.0" for x in d)
# The kernel's names for the function, its firmware and PSID.
assert a["netdevs"] == ["enp8s0f0np0"] and a["rdma"] == "mlx5_0", a
assert a["fw_version"] == "28.39.2048" and a["psid"] == "MT_0000000838", a
b = d[1]
assert b["netdevs"] == ["enp8s0f1np1", "enp8s0f1npf1vf0"] and b["rdma"] == "mlx5_1", b
PY
"$FWBOX" devices --json --sysroot "$fx/sysfs-cx5-devlink" >"$SCRATCH/json"
python3 - "$SCRATCH/json" <<'PY' || fail "cx5 JSON"
import json, os, sys
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
(a,) = fwjson.load(sys.argv[1])
assert a["netdevs"] == ["ens1f0np0"], a
assert a["rdma"] is None and a["fw_version"] is None and a["psid"] is None, a
PY

# A sysroot that is no sysfs copy (no sys/bus/pci/devices, or not there at
# all) is an error naming what is missing, not an empty list.
for t in "$fx/sysfs-empty" "$SCRATCH/nonexistent"; do
	for j in "" --json; do
		set +e
		"$FWBOX" devices $j --sysroot "$t" >"$SCRATCH/out" 2>"$SCRATCH/err"
		rc=$?
		set -e
		[ "$rc" -eq 1 ] || fail "$t $j: exit $rc, expected 1"
		[ ! -s "$SCRATCH/out" ] || fail "$t $j: printed $(cat "$SCRATCH/out")"
		grep -qF "'$t/sys/bus/pci/devices' does not exist: is '$t' a sysfs copy?" "$SCRATCH/err" ||
			fail "$t $j: said $(cat "$SCRATCH/err")"
	done
done

# No ConnectX: nothing on stdout (table or JSON), a note on stderr, exit 4.
for t in sysfs-other; do
	for j in "" --json; do
		set +e
		"$FWBOX" devices $j --sysroot "$fx/$t" >"$SCRATCH/out" 2>"$SCRATCH/err"
		rc=$?
		set -e
		[ "$rc" -eq 4 ] || fail "$t $j: exit $rc, expected 4 (nothing to show)"
		[ ! -s "$SCRATCH/out" ] || fail "$t $j: stdout not empty"
		grep -q '^fwbox devices: no ConnectX' "$SCRATCH/err" || fail "$t $j: no note on stderr"
	done
done

expect_exit 2 "$FWBOX" devices --bogus
expect_exit 2 "$FWBOX" devices extra-arg
"$FWBOX" devices --help | grep -q '^Usage: fwbox devices'
echo ok
