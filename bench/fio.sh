#!/bin/sh
# The I/O limits hiblab is held against (issue 5, target 2): fio's
# sequential write, then read, of one file with O_DIRECT (bench/fio/*.fio).
# Prints one line per job, MB/s = 10^6 bytes per second:
#   fio seqwrite 1234.5 MB/s bs=128k iodepth=8 ioengine=io_uring direct=1 size=1g file=PATH
#   fio seqread 2345.6 MB/s bs=128k iodepth=8 ioengine=io_uring direct=1 size=1g file=PATH
# (field 3 is the figure: awk '$2 == "seqwrite" { print $3 }').
#
# Usage: sh bench/fio.sh FILE    (FILE is overwritten, and left in place)
# Environment: FIO_SIZE (1g), FIO_BS (128k), FIO_IODEPTH (8), FIO_ENGINE
# (io_uring; libaio where io_uring fails), FIO_DIRECT (1; where the
# filesystem refuses O_DIRECT, as tmpfs does, buffered I/O with a note on
# stderr, unless FIO_DIRECT was set).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh bench/fio.sh FILE" >&2
	exit 2
fi
if ! command -v fio >/dev/null 2>&1; then
	echo "fio.sh: fio is not installed (make deps)" >&2
	exit 1
fi

JOBS=$(dirname "$0")/fio
FIO_FILE=$1
FIO_SIZE=${FIO_SIZE:-1g}
FIO_BS=${FIO_BS:-128k}
FIO_IODEPTH=${FIO_IODEPTH:-8}
FIO_ENGINE=${FIO_ENGINE:-io_uring}
direct_given=${FIO_DIRECT:+yes}
FIO_DIRECT=${FIO_DIRECT:-1}
export FIO_FILE FIO_SIZE FIO_BS FIO_IODEPTH FIO_ENGINE FIO_DIRECT

LOG=$(mktemp "${TMPDIR:-/tmp}/fio-sh-XXXXXX")
trap 'rm -f "$LOG"' EXIT
trap 'exit 130' INT TERM

# run JOB: fio's terse (version 3) output of one job file into $LOG
run() {
	fio --output-format=terse --terse-version=3 "$JOBS/$1.fio" >"$LOG" 2>&1
}

# try JOB: run it; on failure, buffered I/O where O_DIRECT is refused (fio
# says "does not support direct=1" or "may not support direct IO"), then
# libaio where io_uring fails, and give up after that
try() {
	for _ in 1 2 3; do
		run "$1" && return 0
		why=$(grep -v '^3;' "$LOG" | tail -n 1)
		if [ "$FIO_DIRECT" = 1 ] && [ -z "$direct_given" ] &&
			grep -qE 'direct=1|direct IO' "$LOG"; then
			echo "fio.sh: $FIO_FILE refuses O_DIRECT ($why): buffered, direct=0" >&2
			FIO_DIRECT=0
		elif [ "$FIO_ENGINE" = io_uring ]; then
			echo "fio.sh: io_uring failed ($why): libaio" >&2
			FIO_ENGINE=libaio
		else
			break
		fi
		export FIO_DIRECT FIO_ENGINE
	done
	echo "fio.sh: $1 failed: $why" >&2
	exit 1
}

# report JOB FIELD: the bandwidth (KiB/s) in FIELD of the terse line, in MB/s
report() {
	kib=$(grep '^3;' "$LOG" | tail -n 1 | cut -d ';' -f "$2")
	if [ -z "$kib" ]; then
		echo "fio.sh: $1: no result in fio's output" >&2
		exit 1
	fi
	mbps=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
	echo "fio $1 $mbps MB/s bs=$FIO_BS iodepth=$FIO_IODEPTH ioengine=$FIO_ENGINE" \
		"direct=$FIO_DIRECT size=$FIO_SIZE file=$FIO_FILE"
}

# terse version 3: field 7 is the read bandwidth, field 48 the write one
try seqwrite
report seqwrite 48
try seqread
report seqread 7
