#!/bin/sh
# make bench: suspend and resume a simulated machine through each filter
# chain this build has, and print the figures.  Until the scenario runner
# lands this is the whole benchmark; it writes results/bench-<UTC>.csv too.
#
# Environment: HIBLAB (binary), BENCH_SIZE (default 1GiB), BENCH_PROFILE
# (default mixed), BENCH_DIR (scratch directory for the image, default /tmp).
set -eu

HIBLAB=${HIBLAB:-build/hiblab}
SIZE=${BENCH_SIZE:-1GiB}
PROFILE=${BENCH_PROFILE:-mixed}
DIR=$(mktemp -d "${BENCH_DIR:-/tmp}/hiblab-bench-XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p results
CSV=results/bench-$STAMP.csv
KEY=$DIR/key
head -c 32 /dev/urandom >"$KEY"

CHAINS="none zero zero,crc32c zero,lz4,crc32c zero,lzo,crc32c zero,zstd:level=1,crc32c
zero,zstd:level=3,crc32c zero,deflate:level=1,crc32c zero,lz4,aes-256-gcm
zero,lz4,chacha20-poly1305 zero,dedup,zstd:level=3,aes-256-gcm,xxh3"

have_chain() {
	for f in $(echo "$1" | tr ',' ' '); do
		name=${f%%:*}
		[ "$name" = none ] && continue
		"$HIBLAB" plugins | grep -q "^  $name " || return 1
	done
}

# field PATTERN FILE: the first match of an extended regex's group 1
field() { sed -nE "s|.*$1.*|\\1|p" "$2" | head -n 1; }

echo "hiblab bench: sim:$PROFILE,size=$SIZE -> file image in $DIR ($(nproc) CPUs, $(uname -r))"
echo "chain,bytes_in,image_bytes,ratio,suspend_s,suspend_MBps,resume_s,resume_MBps,verdict" >"$CSV"
printf '%-40s %8s %6s %12s %12s %s\n' chain image ratio suspend resume verdict
for chain in $CHAINS; do
	have_chain "$chain" || continue
	img=$DIR/bench.img
	"$HIBLAB" suspend --source "sim:$PROFILE,size=$SIZE,seed=1" --filters "$chain" \
		--target "file:$img" --key "keyfile=$KEY" >"$DIR/s.out"
	"$HIBLAB" resume --target "file:$img" --key "keyfile=$KEY" >"$DIR/r.out" &&
		verdict=restored || verdict=FAILED
	ratio=$(field 'ratio ([0-9.]+)' "$DIR/s.out")
	image=$(field 'into [^ ]+: ([0-9.]+ [KMGT]?i?B)' "$DIR/s.out")
	s_s=$(field ', ([0-9.]+) s, ' "$DIR/s.out")
	s_r=$(field ', ([0-9.]+) MB/s' "$DIR/s.out")
	r_s=$(field ', ([0-9.]+) s, ' "$DIR/r.out")
	r_r=$(field ', ([0-9.]+) MB/s' "$DIR/r.out")
	bytes=$(stat -c %s "$img")
	printf '%-40s %8s %6s %7s MB/s %7s MB/s %s\n' "$chain" "$image" "$ratio" "$s_r" "$r_r" "$verdict"
	echo "\"$chain\",$SIZE,$bytes,$ratio,$s_s,$s_r,$r_s,$r_r,$verdict" >>"$CSV"
done
echo "suspend: source generation + filters + write + fdatasync; resume: read + verify + decode (null sink)"
echo "written: $CSV"
