#!/bin/sh
# The speed and memory targets of hiblab (docs/BENCHMARKS.md), each measured
# next to its limit on the same data and target in the same run:
#   1. lz4 / lzo / zstd-1, N threads, pages from a file in the page cache,
#      to an instant disk (tmpfs), against the same work bare on N threads
#      over disjoint slices of the same pages, each side the best of 3 runs
#      (hiblab-bench's own rule): suspend (engine MB/s) >= 90% of the
#      compressor; resume >= 90% of hiblab-bench's resume pass and >= 75%
#      of decoding alone;
#   2. crc32c only, to a real file with O_DIRECT: >= 90% of fio's sequential
#      write and read at the same block size and depth;
#   3. an all-zero 16 GiB simulated image with zero,crc32c: >= 5 GB/s;
#   4. peak RSS <= 64 MiB for a 16 GiB simulated image (the largest chain);
#   5. aes-256-gcm adds <= 15% to the time of lz4,crc32c.
# Prints a table and writes results/bench/targets-<UTC>.csv.
#
# Environment: HIBLAB, HIBLAB_BENCH (the binaries), TARGETS_SIZE (page set,
# default 1GiB), BENCH_DIR (a directory on a real disk, default /tmp),
# FAST_DIR (an instant disk, default /dev/shm).
set -eu

HIBLAB=${HIBLAB:-build/hiblab}
HIBLAB_BENCH=${HIBLAB_BENCH:-build/hiblab-bench}
SIZE=${TARGETS_SIZE:-1GiB}
DIR=$(mktemp -d "${BENCH_DIR:-/tmp}/hiblab-targets-XXXXXX")
FAST=$(mktemp -d "${FAST_DIR:-/dev/shm}/hiblab-targets-XXXXXX" 2>/dev/null ||
	mktemp -d "${TMPDIR:-/tmp}/hiblab-fast-XXXXXX")
trap 'rm -rf "$DIR" "$FAST"' EXIT INT TERM
N=$(nproc)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p results/bench
CSV=results/bench/targets-$STAMP.csv
echo "target,what,hiblab,limit,unit,ratio,goal,verdict" >"$CSV"
head -c 32 /dev/urandom >"$DIR/key"
chmod 600 "$DIR/key"

# mbps FILE: the MB/s of a hiblab summary line
mbps() { sed -nE 's|.*, ([0-9.]+) MB/s\).*|\1|p; s|.*, ([0-9.]+) MB/s$|\1|p' "$1" | head -n 1; }
# engine FILE: the engine MB/s of a hiblab summary's time line
engine() { sed -nE 's|.*; engine ([0-9.]+) MB/s$|\1|p' "$1" | head -n 1; }
# best A B: the larger of two figures (a missing one counts as 0)
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b + 0 > a + 0 ? b + 0 : a + 0) }'; }
# secs FILE: the seconds of a hiblab summary line
secs() { sed -nE 's|.*, ([0-9.]+) s, [0-9.]+ MB/s.*|\1|p' "$1" | head -n 1; }
# limit ROW COLUMN: a figure of hiblab-bench's CSV
limit() {
	# quoted fields hold commas: blank them out before splitting
	sed 's/"[^"]*"/-/g' "$DIR/limits.csv" | awk -F, -v row="$1" -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$1 == row { print $c; exit }'
}

# row N WHAT HIBLAB LIMIT UNIT GOAL: GOAL is ">=0.90" (ratio) or "<=1.15"
row() {
	ratio=$(awk -v a="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	verdict=$(awk -v r="$ratio" -v g="$6" 'BEGIN {
		op = substr(g, 1, 2); v = substr(g, 3) + 0
		if (r == "-") print "?"; else if (op == ">=") print (r >= v ? "met" : "MISSED")
		else print (r <= v ? "met" : "MISSED") }')
	printf '%-2s %-44s %10s %10s %-5s %6s %6s  %s\n' "$1" "$2" "$3" "$4" "$5" "$ratio" "$6" "$verdict"
	echo "$1,\"$2\",$3,$4,$5,$ratio,$6,$verdict" >>"$CSV"
}

echo "hiblab targets: $N threads, $(uname -r), pages $SIZE of sim:mixed; real disk $DIR; instant disk $FAST"
echo
"$HIBLAB_BENCH" --only lz4,lzo,zstd-1 --size "$SIZE" --write-pages "$DIR/pages.raw" --csv "$DIR/limits.csv"
cat "$DIR/pages.raw" >/dev/null  # into the page cache: target 1 reads from it
pages=file:$DIR/pages.raw
echo
printf '%-2s %-44s %10s %10s %-5s %6s %6s  %s\n' "#" target hiblab limit unit ratio goal verdict

# 1. compressors (issue 11): the pipeline against the same work bare on N
#    threads.  Suspend: the engine's MB/s (the time of reading the source
#    left out: the bare compressor has its pages in memory already) against
#    the compressor alone.  Resume: against hiblab-bench's "resume" pass (copy
#    each record in, its CRC-32C, decode, XXH3-128 of the pages), and against
#    decoding alone.
for c in lz4 lzo zstd-1; do
	case $c in zstd-1) f=zstd:level=1 ;; *) f=$c ;; esac
	best_s=0 best_r=0
	for _ in 1 2 3; do
		"$HIBLAB" suspend --source "$pages" --filters "$f" --target "file:$FAST/c.img" \
			--threads "$N" >"$DIR/s.out" 2>/dev/null
		"$HIBLAB" resume --target "file:$FAST/c.img" --threads "$N" >"$DIR/r.out" 2>/dev/null
		best_s=$(best "$best_s" "$(engine "$DIR/s.out")")
		best_r=$(best "$best_r" "$(mbps "$DIR/r.out")")
	done
	row 1 "$f suspend (engine) vs bare $c x$N encode" "$best_s" \
		"$(limit "$c" threads_enc_MBps)" MB/s ">=0.90"
	row 1 "$f resume vs bare $c x$N resume work" "$best_r" \
		"$(limit "$c" threads_resume_MBps)" MB/s ">=0.90"
	row 1 "$f resume vs bare $c x$N decode" "$best_r" \
		"$(limit "$c" threads_dec_MBps)" MB/s ">=0.75"
done

# 2. crc32c to a real file with O_DIRECT vs fio at the writer's block size and depth
"$HIBLAB" suspend --source "$pages" --filters crc32c --target "file:$DIR/d.img" >"$DIR/s.out"
"$HIBLAB" resume --target "file:$DIR/d.img" >"$DIR/r.out"
rm -f "$DIR/d.img"
FIO_BS=1m FIO_IODEPTH=4 FIO_SIZE=$(stat -c %s "$DIR/pages.raw") sh bench/fio.sh "$DIR/fio.dat" \
	>"$DIR/fio.out"
rm -f "$DIR/fio.dat"
row 2 "crc32c suspend, O_DIRECT file vs fio write" "$(mbps "$DIR/s.out")" \
	"$(awk '$2 == "seqwrite" { print $3 }' "$DIR/fio.out")" MB/s ">=0.90"
row 2 "crc32c resume, O_DIRECT file vs fio read" "$(mbps "$DIR/r.out")" \
	"$(awk '$2 == "seqread" { print $3 }' "$DIR/fio.out")" MB/s ">=0.90"

# 3. an all-zero 16 GiB machine
"$HIBLAB" suspend --source sim:zero,size=16GiB --filters zero,crc32c --target "file:$DIR/z.img" \
	>"$DIR/s.out"
row 3 "zero,crc32c, 16 GiB of zero pages" "$(mbps "$DIR/s.out")" 5000 MB/s ">=1.00"

# 4. peak RSS of a 16 GiB image through the heaviest chain; random pages
#    fill every buffer and the dedup table, and pass the compressor quickly
heavy=zero,dedup,zstd:level=3,aes-256-gcm,xxh3
/usr/bin/time -f %M -o "$DIR/rss" "$HIBLAB" suspend -q --source sim:random,size=16GiB \
	--filters "$heavy" --target "file:$DIR/z.img" --key "keyfile=$DIR/key"
rss_s=$(awk '{ printf "%.1f", $1 / 1024 }' "$DIR/rss")
/usr/bin/time -f %M -o "$DIR/rss" "$HIBLAB" resume -q --target "file:$DIR/z.img" \
	--key "keyfile=$DIR/key"
rss_r=$(awk '{ printf "%.1f", $1 / 1024 }' "$DIR/rss")
rm -f "$DIR/z.img"
row 4 "peak RSS, suspend 16 GiB, $heavy" "$rss_s" 64 MiB "<=1.00"
row 4 "peak RSS, resume 16 GiB, $heavy" "$rss_r" 64 MiB "<=1.00"

# 5. the price of encryption on top of lz4,crc32c
"$HIBLAB" suspend --source "$pages" --filters lz4,crc32c --target "file:$FAST/c.img" \
	--threads "$N" >"$DIR/a.out"
"$HIBLAB" suspend --source "$pages" --filters lz4,aes-256-gcm,crc32c --target "file:$FAST/c.img" \
	--key "keyfile=$DIR/key" --threads "$N" >"$DIR/b.out"
row 5 "lz4,aes-256-gcm,crc32c time / lz4,crc32c time" "$(secs "$DIR/b.out")" \
	"$(secs "$DIR/a.out")" s "<=1.15"

echo
echo "written: $CSV"
