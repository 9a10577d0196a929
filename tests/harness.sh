# shellcheck shell=sh
# Sourced by the shell test suites: a scratch directory removed on exit,
# pass/fail counting, and the closing "N passed, N failed" line.
# Set NAME (the suite's name) before sourcing.
HIBLAB=${HIBLAB:-build/hiblab}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hiblab-$NAME-XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
# check MESSAGE CMD...: CMD must succeed; check_not: it must fail
check() { msg=$1; shift; if "$@"; then ok; else bad "$msg"; fi; }
check_not() { msg=$1; shift; if "$@"; then bad "$msg"; else ok; fi; }

# finish: the closing line, and the suite's exit status
finish() {
	echo "$NAME: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
