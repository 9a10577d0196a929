#!/bin/sh
# make bench: run scenarios/bench.scn (every filter chain of this build on a
# simulated NVMe drive, then the disks, then the memory models) and print
# its summary.  Results land in results/bench/<UTC time>/ (runs.csv,
# runs.json, summary.md, junit.xml, charts); compare two with
# `hiblab compare results/bench/A results/bench/B`.
#
# Environment: HIBLAB (binary), BENCH_SCENARIO (default scenarios/bench.scn),
# BENCH_ONLY (a --only pattern), TMPDIR (scratch space of the runs).
set -eu

HIBLAB=${HIBLAB:-build/hiblab}
SCENARIO=${BENCH_SCENARIO:-scenarios/bench.scn}
LOG=$(mktemp "${TMPDIR:-/tmp}/hiblab-bench-XXXXXX")
trap 'rm -f "$LOG" "$LOG.rc"' EXIT INT TERM

echo "hiblab bench: $SCENARIO ($(nproc) CPUs, $(uname -r))"
set -- run "$SCENARIO"
[ -n "${BENCH_ONLY:-}" ] && set -- "$@" --only "$BENCH_ONLY"
# keep hiblab's exit status through the pipe (POSIX sh has no pipefail)
{ "$HIBLAB" "$@"; echo $? >"$LOG.rc"; } | tee "$LOG"
status=$(cat "$LOG.rc")
dir=$(sed -n 's/^results: //p' "$LOG" | tail -n 1)
if [ -z "$dir" ] || [ ! -f "$dir/summary.md" ]; then
	echo "bench: no results written" >&2
	exit 1
fi
echo
cat "$dir/summary.md"
exit "$status"
