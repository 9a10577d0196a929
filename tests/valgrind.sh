#!/bin/sh
# hiblab under Valgrind's memcheck, for a test suite to run in its place:
#   HIBLAB=tests/valgrind.sh sh tests/cli.sh          (make valgrind)
# Any memcheck error (an uninitialised read, an invalid access, a definite
# leak) makes the run exit 99, which the suite reports as a wrong exit code
# with memcheck's report as the detail.  VALGRIND_HIBLAB names the binary
# (build/hiblab by default); extra valgrind options go in VALGRIND_OPTS,
# which valgrind reads itself.
here=$(dirname "$0")
exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--suppressions="$here/valgrind.supp" --quiet \
	"${VALGRIND_HIBLAB:-build/hiblab}" "$@"
