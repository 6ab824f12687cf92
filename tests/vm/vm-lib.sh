# Real-kernel tests under qemu (sourced by tests/vm/run-*.sh).
#
#   vm_prepare              find the pinned kernel (tests/vm/kernel-pin), build
#                           netdevsim.ko for it once, cache both; sets VM_KDIR
#   vm_initramfs OUT CHECKS BIN...
#                           an initramfs: busybox, the guest init, the modules,
#                           CHECKS as /checks.sh, each BIN with its libraries
#   vm_boot INITRAMFS DISK CONSOLE
#                           boot it under qemu (TCG), results on DISK
#
# Facts used: Debian 12's linux-image-amd64 is built without netdevsim
# (CONFIG_NETDEVSIM is not set in /boot/config-*), so the module is built out
# of tree from linux-source-6.1 of the very same package version against the
# matching linux-headers; netdevsim needs psample.ko (modinfo depends), the
# disk needs the virtio modules.  The image package is unpacked with
# dpkg-deb, never installed.

vm_skip() {
	# CI installs everything (.ci/run): a missing piece there is a failure.
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $* (CI must provide it: .ci/run runs tests/vm/kernel-pin --install)" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

VM_CACHE=${FWBOX_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fwbox-vm}
VM_MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk psample"

vm_prepare() {
	local version abi deb pkg v tmp
	command -v qemu-system-x86_64 >/dev/null || vm_skip "qemu-system-x86_64 is not installed"
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || vm_skip "busybox-static is not installed"
	VM_DEVLINK=
	for v in /usr/sbin/devlink /sbin/devlink /usr/bin/devlink; do
		[ -x "$v" ] && { VM_DEVLINK=$v; break; }
	done
	[ -n "$VM_DEVLINK" ] || vm_skip "iproute2's devlink is not installed"
	[ -r /usr/src/linux-source-6.1.tar.xz ] || vm_skip "linux-source-6.1 is not installed"
	version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		vm_skip "linux-source-6.1 is not installed"
	abi=
	while read -r pkg v; do
		if [ "$v" = "$version" ]; then
			abi=${pkg#linux-headers-}; abi=${abi%-amd64}
		fi
	done < <(dpkg-query -W -f='${Package} ${Version}\n' 'linux-headers-*-amd64' 2>/dev/null |
		grep -v '^linux-headers-amd64 ' || true)
	[ -n "$abi" ] && [ -d "/usr/src/linux-headers-$abi-amd64" ] ||
		vm_skip "no linux-headers-*-amd64 of version $version (linux-source-6.1's): run tests/vm/kernel-pin --install"
	deb="$VM_CACHE/linux-image-$abi-amd64_${version}_amd64.deb"
	[ -s "$deb" ] || vm_skip "no kernel image package $deb: run tests/vm/kernel-pin --install"
	VM_KDIR="$VM_CACHE/$abi-$version"
	VM_KVER="$abi-amd64"
	mkdir -p "$VM_CACHE"
	# One builder at a time (parallel suites); the others wait on the lock and
	# find the result.
	(
		flock 9
		[ -s "$VM_KDIR/modules/netdevsim.ko" ] && exit 0
		echo "vm: building netdevsim.ko for $VM_KVER ($version), cached in $VM_KDIR" >&2
		tmp=$(mktemp -d "$VM_CACHE/build.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards \
			"./boot/vmlinuz-$VM_KVER" "./lib/modules/$VM_KVER/kernel/drivers/virtio/*" \
			"./lib/modules/$VM_KVER/kernel/drivers/block/virtio_blk.ko*" \
			"./lib/modules/$VM_KVER/kernel/net/psample/*"
		mkdir -p "$tmp/out/modules"
		cp "$tmp/boot/vmlinuz-$VM_KVER" "$tmp/out/vmlinuz"
		for m in $VM_MODULES; do
			f=$(find "$tmp/lib/modules" -name "$m.ko*" | head -1)
			[ -n "$f" ] || { echo "vm: $m.ko is not in $deb" >&2; exit 1; }
			case $f in
			*.xz) xz -dc "$f" > "$tmp/out/modules/$m.ko" ;;
			*) cp "$f" "$tmp/out/modules/$m.ko" ;;
			esac
		done
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp" --wildcards \
			'linux-source-6.1/drivers/net/netdevsim/*'
		# A clean environment: the suite's make flags, jobserver and compiler
		# choice are not the kernel's.
		env -i PATH="$PATH" HOME="$tmp" make -s -C "/usr/src/linux-headers-$VM_KVER" \
			M="$tmp/linux-source-6.1/drivers/net/netdevsim" CONFIG_NETDEVSIM=m -j2 modules \
			>"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
		cp "$tmp/linux-source-6.1/drivers/net/netdevsim/netdevsim.ko" "$tmp/out/modules/"
		case $(modinfo -F vermagic "$tmp/out/modules/netdevsim.ko") in
		"$VM_KVER "*) ;;
		*) echo "vm: netdevsim.ko vermagic does not name $VM_KVER" >&2; exit 1 ;;
		esac
		rm -rf "$VM_KDIR"
		mv "$tmp/out" "$VM_KDIR"
	) 9>"$VM_CACHE/.lock" || fail "cannot build netdevsim for $VM_KVER"
}

# vm_copy_bin ROOT BIN: BIN as /usr/bin/NAME, every library ldd names at
# its own path.
vm_copy_bin() {
	local root=$1 bin=$2 lib
	mkdir -p "$root/usr/bin"
	cp -L "$bin" "$root/usr/bin/$(basename "$bin")"
	for lib in $(ldd "$bin" | awk '/=> \//{print $3} /^\t\//{print $1}'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# vm_initramfs OUT CHECKS BIN...: each BIN on the guest's PATH by its name.
vm_initramfs() {
	local out=$1 checks=$2 root m
	shift 2
	root=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-vmroot-XXXXXX")
	mkdir -p "$root/bin" "$root/modules"
	cp /bin/busybox "$root/bin/busybox"
	cp "$top_srcdir/tests/vm/guest-init" "$root/init"
	cp "$checks" "$root/checks.sh"
	chmod 755 "$root/init"
	for m in $VM_MODULES netdevsim; do
		cp "$VM_KDIR/modules/$m.ko" "$root/modules/"
		echo "$m" >> "$root/modules/order"
	done
	vm_copy_bin "$root" "$VM_DEVLINK"
	for b in "$@"; do
		vm_copy_bin "$root" "$b"
	done
	(cd "$root" && find . | /bin/busybox cpio -o -H newc 2>/dev/null) > "$out"
	rm -rf "$root"
}

# vm_boot INITRAMFS DISK CONSOLE: returns when the guest powered off (or the
# bound ran out: a hung guest must not hang the suite).  no_timer_check
# (Documentation/admin-guide/kernel-parameters.txt): on a loaded host the
# emulated CPU can miss the boot-time timer-interrupt test, and the kernel
# then panics "IO-APIC + timer doesn't work" (seen under make check with
# the machine's 2 cores shared).
vm_boot() {
	local initrd=$1 disk=$2 console=$3
	timeout "${FWBOX_VM_TIMEOUT:-900}" qemu-system-x86_64 \
		-machine q35,accel=tcg -smp 2 -m 1024 -nodefaults -display none -no-reboot \
		-kernel "$VM_KDIR/vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 rdinit=/init quiet no_timer_check" \
		-drive "file=$disk,format=raw,if=virtio" \
		-serial stdio </dev/null >"$console" 2>&1
}
