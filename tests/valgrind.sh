#!/bin/sh
# hiblab under Valgrind's memcheck, for a test suite to run in its place:
#   HIBLAB=tests/valgrind.sh sh tests/cli.sh          (make valgrind)
# Any memcheck error (an uninitialised read, an invalid access, a definite
# leak) makes the run exit 99, which the suite reports as a wrong exit code
# with memcheck's report as the detail.  VALGRIND_HIBLAB names the binary
# (build/hiblab by default); extra valgrind options go in VALGRIND_OPTS,
# which valgrind reads itself.
# Valgrind's own words (its report, and warnings such as "unhandled syscall
# 434", pidfd_open, which hiblab falls back from) go to a file: hiblab's
# stderr stays hiblab's, and the report is shown when memcheck found errors.
here=$(dirname "$0")
log=$(mktemp "${TMPDIR:-/tmp}/hiblab-valgrind.XXXXXX") || exit 98
# in the background to stay here for the report; stdin given explicitly (an
# asynchronous command's is /dev/null), and a suite's timeout passed on
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--suppressions="$here/valgrind.supp" --quiet --log-file="$log" \
	"${VALGRIND_HIBLAB:-build/hiblab}" "$@" <&0 &
pid=$!
trap 'kill "$pid" 2>/dev/null' HUP INT TERM
wait "$pid"
rc=$?
if kill -0 "$pid" 2>/dev/null; then
	wait "$pid"
	rc=$?
fi
[ "$rc" -ne 99 ] || cat "$log" >&2
rm -f "$log"
exit "$rc"
