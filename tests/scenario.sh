#!/bin/sh
# Scenario tests: scenarios/smoke.scn runs and every run meets its
# expectation; bad files exit 2 with the exact FILE:LINE message and run
# nothing; --list, --only, --shard, merge and compare behave.
# Usage: HIBLAB=build/hiblab sh tests/scenario.sh
set -u

NAME=scenario
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"

# expect CODE ARGS...: hiblab exits CODE
expect() {
	want=$1
	shift
	"$HIBLAB" "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "hiblab $*: exit $got, expected $want: $(cat "$TMP/err")"; fi
}

# bad_file LINE MESSAGE TEXT: a file holding TEXT is refused with exactly
# "FILE:LINE: MESSAGE" on stderr, exit 2, and no results
bad_file() {
	printf '%s\n' "$3" >"$TMP/bad.scn"
	rm -rf "$TMP/none"
	"$HIBLAB" run "$TMP/bad.scn" --out "$TMP/none" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne 2 ]; then
		bad "bad file ($3): exit $got, expected 2"
	elif [ "$(cat "$TMP/err")" != "$TMP/bad.scn:$1: $2" ]; then
		bad "bad file ($3): got '$(cat "$TMP/err")', expected '$TMP/bad.scn:$1: $2'"
	elif [ -e "$TMP/none" ]; then
		bad "bad file ($3): results were written"
	else
		ok
	fi
}

# smoke: every run as expected, every report written
expect 0 run scenarios/smoke.scn --quiet --out "$TMP/smoke"
for f in runs.csv runs.json summary.md junit.xml; do
	if [ -s "$TMP/smoke/$f" ]; then ok; else bad "smoke: no $f"; fi
done
runs=$(($(wc -l <"$TMP/smoke/runs.csv") - 1))
if grep -q ',WRONG,' "$TMP/smoke/runs.csv"; then bad "smoke: a WRONG verdict"; else ok; fi
if grep -q "<testsuites name=\"hiblab\" tests=\"$runs\" failures=\"0\">" "$TMP/smoke/junit.xml"; then ok; else bad "smoke: junit.xml"; fi

# the parser's bad inputs
bad_file 2 "unknown key 'compres'" "$(printf 'name = x\ncompres = lz4')"
bad_file 1 "memory: sim: size: '12XB' is not a size: unknown unit 'XB' (use B, KiB, MiB, GiB, TiB)" \
	"memory = mixed size=12XB"
bad_file 1 "compress: unknown filter 'zzip' (see: hiblab plugins)" "compress = lz4, zzip"
bad_file 1 "compress: empty item in the list" "compress = lz4,,zstd"
bad_file 1 "compress: empty value" "compress ="
bad_file 1 "fault: fault powercut@200%: '200%' is not a percentage 0..100%" "fault = powercut@200%"
bad_file 3 "cycles: takes one value, not a list" "$(printf '[a]\n\ncycles = 1, 2')"
# machine = qemu or libvirt: their keys and what disk and fault may be there
bad_file 1 "machine: 'vm': expected sim, qemu or libvirt" "machine = vm"
bad_file 2 "disk: 'ssd': with machine = qemu, expected swap or block" "$(printf 'machine = qemu\ndisk = ssd')"
bad_file 1 "baseline: 'bios': expected none or kernel" "baseline = bios"
bad_file 2 "fault: 'eio': with machine = libvirt, expected none, flip, truncate, zero-header, enomem, twice, wrong-key, passphrase, wrong-passphrase or sparse-swapfile" "$(printf 'machine = libvirt\nfault = eio')"
bad_file 2 "cpu: 'max;reboot': expected default, max, host or a QEMU CPU model (qemu-system-x86_64 -cpu help)" "$(printf 'machine = qemu\ncpu = max;reboot')"
bad_file 1 "cpu: only with machine = qemu or libvirt (this is machine = sim)" "cpu = max"
bad_file 2 "swapon: 'maybe': expected yes or no" "$(printf 'machine = qemu\nswapon = maybe')"
bad_file 1 "swapon: only with machine = qemu or libvirt (this is machine = sim)" "swapon = yes"
bad_file 1 "threads: only with machine = qemu or libvirt (this is machine = sim)" "threads = 2"
bad_file 2 "threads: '99': expected 0..64 (0: hiblab's default)" "$(printf 'machine = qemu\nthreads = 99')"
bad_file 3 "fault: 'flip': not with swapon = yes (the kernel places the image among its swap pages; the host cannot find the records)" "$(printf 'machine = qemu\nswapon = yes\nfault = flip')"
bad_file 2 "uri: only with machine = libvirt (this is machine = qemu)" "$(printf 'machine = qemu\nuri = qemu:///session')"
bad_file 2 "uri: 'qemu session': expected a libvirt URI like qemu:///session or qemu+ssh://user@host/session" "$(printf 'machine = libvirt\nuri = qemu session')"
expect 2 run "$TMP/missing.scn"
expect 2 run scenarios/smoke.scn --shard 3/2
expect 2 run scenarios/smoke.scn --only no-such-run

# --list and --only run nothing; shards cover the matrix exactly once
expect 0 run scenarios/smoke.scn --list
if [ "$(wc -l <"$TMP/out")" -eq "$runs" ]; then ok; else bad "--list: $(wc -l <"$TMP/out") lines for $runs runs"; fi
expect 0 run scenarios/smoke.scn --list --only 'powercut@flush*'
if [ "$(wc -l <"$TMP/out")" -ge 1 ] && ! grep -qv 'powercut@flush' "$TMP/out"; then ok; else bad "--only"; fi
# a run set into an --out that holds an earlier set's appended files (a guest
# run's cycles.csv and console logs): those go, anything else stays
mkdir -p "$TMP/s1/console"
echo "stale" >"$TMP/s1/cycles.csv"
echo "stale" >"$TMP/s1/console/run-0-cycle-1.log"
echo "mine" >"$TMP/s1/console/notes.txt"
expect 0 run scenarios/smoke.scn --quiet --shard 1/2 --out "$TMP/s1"
check "the earlier set's cycles.csv is gone" test ! -e "$TMP/s1/cycles.csv"
check "the earlier set's console log is gone" test ! -e "$TMP/s1/console/run-0-cycle-1.log"
check "a file of the user's stays" test -e "$TMP/s1/console/notes.txt"
# a console directory that is a symbolic link is not followed: what it names
# is not this set's to clear
mkdir -p "$TMP/elsewhere"
echo "theirs" >"$TMP/elsewhere/run-0-cycle-1.log"
rm -rf "$TMP/s1/console"
ln -s "$TMP/elsewhere" "$TMP/s1/console"
expect 0 run scenarios/smoke.scn --quiet --shard 1/2 --out "$TMP/s1"
check "a symlinked console's target keeps its files" test -e "$TMP/elsewhere/run-0-cycle-1.log"
rm "$TMP/s1/console"
expect 0 run scenarios/smoke.scn --quiet --shard 2/2 --out "$TMP/s2"
expect 0 merge --out "$TMP/merged" "$TMP/s1" "$TMP/s2"
merged=$(($(wc -l <"$TMP/merged/runs.csv") - 1))
if [ "$merged" -eq "$runs" ]; then ok; else bad "merge: $merged runs, expected $runs"; fi

# compare: the same figures pass; a slower run or a changed verdict fails.
# cycles() rewrites row 2's (#0, a [speed] run of 7 cycles) suspend cycle
# seconds with awk program $2 (counted from the end of the row: the quoted
# chain before it holds commas)
expect 0 compare "$TMP/smoke" "$TMP/smoke"
cycles() { awk -F, -v prog="$2" 'BEGIN { OFS = "," }
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "suspend_cycle_s") d = NF - i }
	NR == 2 { n = split($(NF - d), s, " "); out = ""
		for (i = 1; i <= n; i++) {
			if (prog == "slow") v = s[i] * 3; else if (i > 2) continue; else v = s[i]
			out = out (out == "" ? "" : " ") sprintf("%.6f", v) }
		$(NF - d) = out } { print }' "$1"; }
cycles "$TMP/smoke/runs.csv" slow >"$TMP/slow.csv"
expect 1 compare --junit "$TMP/junit-cmp.xml" "$TMP/smoke" "$TMP/slow.csv"
if grep -Eq '^#0 smoke/speed: .*zero,lz4,crc32c +verdict +restored +restored +- +same$' "$TMP/out" &&
	grep -Eq '^ +suspend MB/s +[0-9.]+ +[0-9.]+ +-6[67]\.[0-9]% +<0\.001 +SLOWER$' "$TMP/out"
then ok; else bad "compare: no aligned SLOWER row for #0: $(cat "$TMP/out")"; fi
if [ "$(grep -c '<testcase ' "$TMP/junit-cmp.xml")" -eq "$runs" ] &&
	[ "$(grep -c '<failure ' "$TMP/junit-cmp.xml")" -eq 1 ] &&
	grep -q 'failures="1"' "$TMP/junit-cmp.xml"; then ok
else bad "compare --junit: $(cat "$TMP/junit-cmp.xml")"; fi
# --junit never waits on a FIFO, follows a symlink or overwrites what is
# not a JUnit file (one of the runs.csv being compared); its own file is
# written again
mkfifo "$TMP/junit.fifo"
ln -s "$TMP/junit-cmp.xml" "$TMP/junit.link"
cp "$TMP/slow.csv" "$TMP/slow.keep"
for j in junit.fifo junit.link slow.csv; do
	expect 2 compare --junit "$TMP/$j" "$TMP/smoke" "$TMP/slow.csv"
done
if grep -q "slow.csv: holds something that is not a JUnit file" "$TMP/err"; then ok
else bad "compare --junit refusal: $(cat "$TMP/err")"; fi
if cmp -s "$TMP/slow.csv" "$TMP/slow.keep"; then ok; else bad "compare --junit overwrote its input"; fi
expect 1 compare --junit "$TMP/junit-cmp.xml" "$TMP/smoke" "$TMP/slow.csv"
# beyond the tolerance but not below alpha: noise, not a regression
expect 0 compare --alpha 0.0001 "$TMP/smoke" "$TMP/slow.csv"
if grep -Eq '^ +suspend MB/s .* noise$' "$TMP/out"; then ok; else bad "compare: no noise row: $(cat "$TMP/out")"; fi
expect 2 compare --alpha 5 "$TMP/smoke" "$TMP/slow.csv"
# fewer than 3 cycles a side: said, not judged
cycles "$TMP/smoke/runs.csv" two >"$TMP/two.csv"
expect 0 compare "$TMP/two.csv" "$TMP/slow.csv"
if grep -q '^note: #0 smoke/speed: .*speeds: not enough cycles to judge (2 and 7; 3 needed)' "$TMP/out"
then ok; else bad "compare: no 'not enough cycles' note: $(cat "$TMP/out")"; fi
sed 's/,restored,\(.*\),yes,/,refused,\1,no,/' "$TMP/smoke/runs.csv" >"$TMP/refused.csv"
expect 1 compare "$TMP/smoke" "$TMP/refused.csv"
expect 2 compare "$TMP/smoke"
# two sets that share no run: nothing to judge, refused (a gate would pass them)
sed 's/^\([0-9]*\),smoke,/\1,other,/' "$TMP/smoke/runs.csv" >"$TMP/other.csv"
expect 2 compare "$TMP/smoke" "$TMP/other.csv"
if grep -q "share no run" "$TMP/err"; then ok; else bad "compare of disjoint sets: $(cat "$TMP/err")"; fi

# which build on which machine: every row says it (counted from the end of
# the row, as below; the cpu is only checked in the header: its name may
# hold a comma)
if awk -F, -v host="$(uname -n)" -v rel="$(uname -r)" -v ver="$("$HIBLAB" --version | cut -d' ' -f2)" '
	NR == 1 { for (i = 1; i <= NF; i++) at[$i] = NF - i
		ok = ("hiblab_version" in at && "commit" in at && "host" in at && "kernel" in at &&
		      "cpu" in at); next }
	{ n++; if ($(NF - at["hiblab_version"]) != ver || $(NF - at["commit"]) == "" ||
		   $(NF - at["host"]) != host || $(NF - at["kernel"]) != rel)
		{ print "row " NR ": " $0; ok = 0 } }
	END { exit !(ok && n) }' "$TMP/smoke/runs.csv" >"$TMP/out"
then ok; else bad "runs.csv: build and machine columns: $(head -n 1 "$TMP/smoke/runs.csv") $(cat "$TMP/out")"; fi
# where the time went: every restored run has its phase columns and engine
# figures, numbers, and an engine MB/s no lower than the plain one (counted
# from the end of the row, as above)
if awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = NF - i; next }
	$(NF - at["verdict"]) == "restored" {
		n++
		sm = $(NF - at["suspend_MBps"]); se = $(NF - at["suspend_engine_MBps"])
		rm = $(NF - at["resume_MBps"]); re = $(NF - at["resume_engine_MBps"])
		if ($(NF - at["threads"]) < 1 || $(NF - at["suspend_filters_s"]) <= 0 ||
		    $(NF - at["resume_filters_s"]) <= 0 || $(NF - at["suspend_target_s"]) <= 0 ||
		    sm <= 0 || se < sm || rm <= 0 || re < rm) { print "row " NR ": " $0; bad = 1 }
	}
	END { if (!n) print "no restored run"; exit bad || !n }' "$TMP/smoke/runs.csv" >"$TMP/out"
then ok; else bad "runs.csv: phase columns: $(cat "$TMP/out")"; fi
if grep -q '^| # .*| suspend engine MB/s |.*| resume engine MB/s |' "$TMP/smoke/summary.md"; then ok
else bad "summary.md: no engine columns"; fi
# a runs.csv of a hiblab before them (no threads column, nor the 17 after
# it) still loads and compares
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "threads") d = NF - i + 1 }
	{ NF -= d; print }' "$TMP/smoke/runs.csv" >"$TMP/old.csv"
if head -n 1 "$TMP/old.csv" | grep -q 'restore_s$'; then ok; else bad "old.csv: $(head -n 1 "$TMP/old.csv")"; fi
expect 0 compare "$TMP/old.csv" "$TMP/smoke"
expect 0 merge --out "$TMP/old-merged" "$TMP/old.csv"

# limits: a few lines asking for a billion runs are refused at once with
# their count, before one run is built (it used to take gigabytes first)
awk 'BEGIN {
	printf "chunk-pages = 1"; for (i = 2; i <= 1000; i++) printf ",\n 7"; print ""
	printf "fault = none"; for (i = 2; i <= 1000; i++) printf ",\n none"; print ""
	printf "compress = lz4"; for (i = 2; i <= 100; i++) printf ", zstd"; print ""
	print "checksum = none, crc32c, xxh3, sha256, crc32c, xxh3, sha256, crc32c, xxh3, sha256"
}' >"$TMP/huge.scn"
timeout 5 "$HIBLAB" run "$TMP/huge.scn" --list >"$TMP/out" 2>"$TMP/err"
got=$?
if [ "$got" -eq 2 ] && [ "$(cat "$TMP/err")" = "hiblab: $TMP/huge.scn: expands to 1000000000 runs; the limit is 100000 (split it into several files)" ]; then ok
else bad "a billion runs: exit $got: $(cat "$TMP/err")"; fi

# a FIFO, a directory or a runs.csv that is a FIFO are refused at once,
# never waited on
mkfifo "$TMP/fifo.scn"
mkdir "$TMP/fifo-results"
mkfifo "$TMP/fifo-results/runs.csv"
for args in "run $TMP/fifo.scn" "run $TMP" "compare $TMP/smoke $TMP/fifo-results" \
	"compare $TMP/fifo.scn $TMP/smoke" "merge --out $TMP/fifo-merged $TMP/fifo-results"; do
	# shellcheck disable=SC2086 # the words of args are the arguments
	timeout 5 "$HIBLAB" $args >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	    grep -Eq ': a (FIFO|directory), not a regular file$' "$TMP/err"; then ok
	else bad "hiblab $args: exit $got: $(cat "$TMP/err")"; fi
done

finish
