#!/bin/bash
# Real kernel: boot Debian 12's own kernel under qemu (TCG) with netdevsim,
# and check fwbox's devlink layer against the kernel and against iproute2's
# devlink: reporters, diagnose, a stored 1 MiB dump over many messages (byte
# for byte), region snapshots, the dummy reporter's stray nest end (read on,
# reported as a problem), and that reading never makes the kernel take a
# dump.  Skips (77) where qemu or the pinned kernel packages are missing
# (tests/vm/kernel-pin --install gets them); CI installs them.
set -euo pipefail
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/vm/vm-lib.sh"
scratch
vm_prepare
probe="$top_builddir/tests/vm/vm-probe"
[ -x "$probe" ] || fail "tests/vm/vm-probe is not built"
vm_initramfs "$SCRATCH/initrd" "$top_srcdir/tests/vm/guest-devlink.sh" "$FWBOX" "$probe"
# The guest finds the binaries on its PATH under these names.
truncate -s 64M "$SCRATCH/disk"
vm_boot "$SCRATCH/initrd" "$SCRATCH/disk" "$SCRATCH/console" ||
	{ cat "$SCRATCH/console" >&2; fail "qemu did not finish"; }
grep -q '^FWBOX-VM: done' "$SCRATCH/console" ||
	{ cat "$SCRATCH/console" >&2; fail "the guest did not finish its checks"; }
mkdir "$SCRATCH/out"
tar -xf "$SCRATCH/disk" -C "$SCRATCH/out"
# FWBOX_VM_KEEP=DIR keeps what the guest wrote, for a look by hand.
[ -z "${FWBOX_VM_KEEP:-}" ] || { mkdir -p "$FWBOX_VM_KEEP"; cp -r "$SCRATCH/out" "$SCRATCH/console" "$FWBOX_VM_KEEP/"; }
python3 "$top_srcdir/tests/vm/compare.py" devlink "$SCRATCH/out" "$probe" "$FWBOX" ||
	{ grep '^FWBOX-VM:' "$SCRATCH/console" >&2; fail "fwbox and the kernel disagree (above)"; }
