#!/bin/sh
# Run every fuzz target (tests/fuzz/README.md): run.sh BUILD SECONDS TARGET...
# Each target first replays its kept regressions and its seeds, then fuzzes
# for SECONDS, growing a working corpus in BUILD/corpus/TARGET (the committed
# seeds in tests/fuzz/corpus/TARGET are only read).  Prints one line per
# target: executions, exec/s, coverage (cov, ft), corpus (units/bytes in
# memory at the end), findings.
# Any finding (crash, timeout, leak, out of memory) fails the run; its input
# is in BUILD/findings/TARGET/.  FUZZ_SMOKE=1: the short run of `make test`.
set -u

build=$1
seconds=$2
shift 2
here=tests/fuzz
failed=0

# The largest input worth trying, per target: what it reads, with room.
max_len() {
	case $1 in
	header) echo 12288 ;;
	resume) echo 65536 ;;
	filter) echo 16384 ;;
	swap_area) echo 65545 ;;
	scenario) echo 8192 ;;
	spec) echo 2048 ;;
	*) echo 4096 ;;
	esac
}

# The value of "name: N" in libFuzzer's final statistics, or the field after
# key in its last status line ("#N DONE cov: 123 ft: 456 corp: 7/8b ...").
final_stat() {
	sed -n "s/^stat::$1: *\\([0-9]*\\).*/\\1/p" "$2" | tail -n 1
}
status_field() {
	grep -E '^#[0-9]+' "$2" | tail -n 1 | sed -n "s/.* $1: \\([^ ]*\\).*/\\1/p"
}

# the target t, with the limits every run shares
fuzzer() {
	"$build/fuzz-$t" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
		-max_len="$(max_len "$t")" "$@"
}

for t in "$@"; do
	work=$build/corpus/$t
	found=$build/findings/$t
	log=$build/fuzz-$t.log
	mkdir -p "$work" "$found"
	kept=
	for d in "$here/regressions/$t" "$here/corpus/$t"; do
		[ -d "$d" ] && kept="$kept $d"
	done

	# every kept regression and seed, once each: a crash here is a regression
	# shellcheck disable=SC2086 # kept holds directory names without blanks
	if [ -n "$kept" ] && ! fuzzer -runs=0 -artifact_prefix="$found/replay-" $kept \
		>"$log" 2>&1; then
		echo "fuzz $t: a kept input fails again (see $log)" >&2
		failed=1
		continue
	fi

	before=$(find "$found" -type f | wc -l)
	# shellcheck disable=SC2086 # as above
	fuzzer -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$found/" "$work" $kept >"$log" 2>&1
	rc=$?
	after=$(find "$found" -type f \( -name 'crash-*' -o -name 'timeout-*' -o \
		-name 'leak-*' -o -name 'oom-*' \) | wc -l)
	new=$((after - before))
	[ "$new" -lt 0 ] && new=0
	execs=$(final_stat number_of_executed_units "$log")
	rate=$(final_stat average_exec_per_sec "$log")
	corpus=$(status_field corp "$log")
	printf 'fuzz %-10s %10s execs %7s/s  cov %5s  ft %6s  corpus %10s  findings %s\n' \
		"$t" "${execs:-?}" "${rate:-?}" "$(status_field cov "$log")" \
		"$(status_field ft "$log")" "$corpus" "$new"
	if [ "$rc" -ne 0 ] || [ "$new" -ne 0 ]; then
		echo "fuzz $t: finding (exit $rc): see $log and $found/" >&2
		failed=1
	fi
done
[ "${FUZZ_SMOKE:-0}" = 1 ] && [ "$failed" -eq 0 ] && echo "fuzz-smoke: every target ran clean"
exit "$failed"
