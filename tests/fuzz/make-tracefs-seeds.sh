#!/bin/sh
# Recipe for tests/fuzz/corpus/tracefs/: the captured trace of the cx7
# fixture tree plus edge cases (CRLF, no final newline, empty lines).
# Run from tests/fuzz: sh make-tracefs-seeds.sh
set -e
mkdir -p corpus/tracefs
fx=$(mktemp -d)
sh ../fixtures/make-sysfs-fixtures.sh "$fx"
cp "$fx/sysfs-cx7-fwctl/sys/kernel/tracing/trace" corpus/tracefs/trace-cx7
rm -rf "$fx"
printf 'a-1 [000] ..... 1.0: mlx5_fw: 0000:08:00.0 [0x1] 0 [0x1] crlf\r\n\n\nmlx5_fw: 0000:08:00.0 x' \
	>corpus/tracefs/edges
printf 'mlx5_fw: mlx5_fw: 0000:08:00.0\nmlx5_fw: 0000:08:00.00 y\n' >corpus/tracefs/near-misses
