#!/bin/sh
# The parallel pipeline through the CLI, for a ThreadSanitizer build (whose
# runtime Criterion cannot start under): chains x thread counts x chunk
# sizes round-trip bit-exact, and a failing target stops cleanly.
# Usage: HIBLAB=build/tsan/hiblab sh tests/threads.sh [quick]
set -u

HIBLAB=${HIBLAB:-build/tsan/hiblab}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hiblab-threads-XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
# a data race or a leak fails the run with exit 66
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
passed=0
failed=0

if [ "${1:-}" = quick ]; then
	chains="zero,crc32c zero,dedup,lz4,aes-256-gcm,xxh3"
	threads="1 3"
	chunks="1 32"
else
	chains="none zero,crc32c zero,lz4,crc32c zero,dedup,zstd:level=3,aes-256-gcm,xxh3 zero,lzo,chacha20-poly1305,sha256"
	threads="1 2 3 8"
	chunks="1 7 32 333"
fi
head -c 32 /dev/urandom >"$TMP/key"

for chain in $chains; do
	# resume --key refuses an image without a cipher
	key=
	case $chain in *aes*|*chacha*) key=--key=keyfile=$TMP/key ;; *) ;; esac
	for t in $threads; do
		for c in $chunks; do
			what="[$chain] threads $t chunk $c"
			if "$HIBLAB" suspend -q --source sim:mixed,size=3MiB,seed=4 --filters "$chain" \
				--target "file:$TMP/a.img" ${key:+"$key"} --threads "$t" \
				--chunk-pages "$c" 2>"$TMP/err" &&
			   "$HIBLAB" resume -q --target "file:$TMP/a.img" ${key:+"$key"} \
				--threads "$t" --verify 2>>"$TMP/err"; then
				passed=$((passed + 1))
			else
				failed=$((failed + 1))
				echo "FAIL: $what"
				cat "$TMP/err"
			fi
		done
	done
done

# a target that fills up midway: exit 1, no image left, no race, no hang
if (ulimit -f 1024; "$HIBLAB" suspend -q --source sim:random,size=16MiB --threads 4 \
	--target "file:$TMP/full.img") 2>"$TMP/err"; then
	failed=$((failed + 1))
	echo "FAIL: a suspend past the file size limit succeeded"
elif [ -e "$TMP/full.img" ] || grep -q ThreadSanitizer "$TMP/err"; then
	failed=$((failed + 1))
	echo "FAIL: a failed suspend left an image or raced:"
	cat "$TMP/err"
else
	passed=$((passed + 1))
fi

echo "threads: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
