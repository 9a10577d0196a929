#!/bin/sh
# CLI tests: exit codes, one-line errors, and the tour from the README.
# Usage: HIBLAB=build/hiblab sh tests/cli.sh
set -u

NAME=cli
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"

# run CODE PATTERN ARGS...: expect exit CODE, and PATTERN (grep -E) in the
# output; an error must be exactly one line on stderr starting "hiblab: ".
run() {
	want=$1 pattern=$2
	shift 2
	# a hang (a FIFO waited on) fails the check instead of the whole suite;
	# HIBLAB_TIMEOUT: more for a slow hiblab (make valgrind)
	timeout "${HIBLAB_TIMEOUT:-120}" "$HIBLAB" "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "hiblab $*: exit $got, expected $want: $(cat "$TMP/err")"
		return
	fi
	if [ "$want" -ne 0 ]; then
		lines=$(grep -vc "^hiblab: note: " "$TMP/err")
		if [ "$lines" -ne 1 ] || ! grep -q '^hiblab: ' "$TMP/err"; then
			bad "hiblab $*: expected one 'hiblab: ' line, got: $(cat "$TMP/err")"
			return
		fi
	fi
	if ! cat "$TMP/out" "$TMP/err" | grep -Eq -- "$pattern"; then
		bad "hiblab $*: output lacks /$pattern/: $(cat "$TMP/out" "$TMP/err")"
		return
	fi
	ok
}

img=$TMP/a.img
src=sim:mixed,size=8MiB,seed=1

# help and listings
run 0 'usage: hiblab COMMAND' --help
run 0 'exit status' --help
run 0 '--source SPEC' suspend --help
run 0 '--verify' resume --help
run 0 'state' inspect --help
run 0 '^hiblab [0-9][^ ]* \(commit [^ ,]+, image format [0-9]+\)$' --version
run 0 'crc32c +CRC-32C' plugins
run 0 'size=256MiB +memory size' plugins
run 2 'unknown command' frobnicate
run 2 "unknown command ''" ''

# the man page names every option a command's --help shows (a line starting
# with spaces, then "-x," or "--name"), so the two cannot drift apart
man_page=$(dirname "$0")/../docs/hiblab.1
check "no man page at $man_page" [ -s "$man_page" ]
"$HIBLAB" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' >"$TMP/commands"
check "hiblab --help lists no command" [ -s "$TMP/commands" ]
while read -r cmd; do
	"$HIBLAB" "$cmd" --help | sed -nE 's/^ +(-[A-Za-z], )?(--[a-z0-9][a-z0-9-]*).*/\2/p; t
		s/^ +(-[A-Za-z])( .*)?$/\1/p' | while read -r opt; do
		# roff writes each - of an option as \-
		if ! grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$man_page"; then
			echo "$cmd $opt"
		fi
	done
done <"$TMP/commands" >"$TMP/undocumented"
check "options in --help missing from docs/hiblab.1: $(cat "$TMP/undocumented")" \
	[ ! -s "$TMP/undocumented" ]

# bad input: exit 2, one line, nothing written
run 2 "unknown filter 'zzip'" suspend --source "$src" --filters zero,zzip --target "file:$img"
run 2 "'12XB' is not a size" suspend --source sim:mixed,size=12XB --target "file:$img"
run 2 '--target is required' suspend --source "$src"
run 2 '--source is required' suspend --target "file:$img"
run 2 "unknown source 'mem'" suspend --source mem:1 --target "file:$img"
run 2 "unknown writer 'tape'" suspend --source "$src" --target tape:/dev/st0
run 2 'expected one of zero\|random\|text\|mixed' suspend --source sim:pink --target "file:$img"
run 2 "unknown option 'speed'" suspend --source sim:mixed,speed=9 --target "file:$img"
run 2 'chunk-pages' suspend --source "$src" --target "file:$img" --chunk-pages 0
run 2 'unknown option' suspend --source "$src" --target "file:$img" --frob
run 2 'not a regular file' suspend --source "$src" --target file:/dev/null
run 2 'not a multiple of 4096' suspend --source "$src" --target "file:$img,buffer=5000"
# a path without its type, a size without its unit, an empty source: one
# line naming the thing, and a hint where one helps
run 2 "^hiblab: --target $img: no type given: did you mean file:$img\\?\$" \
	suspend --source "$src" --target "$img"
run 2 '^hiblab: sim: size=256: 256 bytes is less than a page; did you mean 256MiB\?$' \
	suspend --source sim:mixed,size=256 --target "file:$img"
run 2 '^hiblab: sim: size=256: 256 bytes is less than the 8 KiB a disk needs; did you mean 256MiB\?$' \
	suspend --source "$src" --target sim:ssd,size=256
: >"$TMP/empty.raw"
run 2 "^hiblab: --source file:$TMP/empty.raw is empty: nothing to suspend\$" \
	suspend --source "file:$TMP/empty.raw" --target "file:$img"
run 2 '^hiblab: --source sim:mixed,size=0 is empty: nothing to suspend$' \
	suspend --source sim:mixed,size=0 --target "file:$img"
check "a refused target was removed or replaced" [ -c /dev/null ]
check_not "a refused suspend left $img" [ -e "$img" ]

# the tour
run 0 'suspended 2048 pages' suspend --source "$src" --filters zero,crc32c --target "file:$img"
mode=$(stat -c %a "$img")
check "image mode $mode, expected 600" [ "$mode" = 600 ]
run 0 'state: +valid' inspect "file:$img"
run 0 '2\. crc32c' inspect "file:$img"
run 0 'ratio: +[0-9.]+' inspect "file:$img"
run 0 'restored 2048 pages, bit-exact' resume --target "file:$img" --verify
run 0 'state: +spent' inspect "file:$img"
run 3 'already resumed' resume --target "file:$img" --verify
run 3 'already spent' invalidate "file:$img"
run 3 'does not exist' resume --target "file:$TMP/none.img"

# a dump file through an image and back is the same file
head -c 1000000 /dev/urandom >"$TMP/mem.raw"
run 0 'suspended 245 pages' suspend --source "file:$TMP/mem.raw" --filters zero --target "file:$img"
run 0 'restored 245 pages to file:' resume --target "file:$img" --sink "file:$TMP/back.raw"
check "restored dump differs" cmp -s "$TMP/mem.raw" "$TMP/back.raw"

# refused: exit 4, nothing restored
run 0 'suspended' suspend --source "$src" --filters zero --target "file:$img"
printf 'X' | dd of="$img" bs=1 seek=5000 conv=notrunc 2>/dev/null
rm -f "$TMP/out.raw"
run 4 'record 0: checksum mismatch' resume --target "file:$img" --sink "file:$TMP/out.raw"
check_not "refused image restored pages" [ -e "$TMP/out.raw" ]
run 0 'state: +spent' inspect "file:$img"
printf 'NOTHIBER' | dd of="$img" bs=1 seek=0 conv=notrunc 2>/dev/null
run 4 "^hiblab: file:$img: not a hiblab image \\(magic \"NOTHIBER\"" inspect "file:$img"
run 4 "^hiblab: file:$img: not a hiblab image \\(magic \"NOTHIBER\"" resume --target "file:$img"
# a file that is not a hiblab image is never overwritten: it is the user's
cp "$img" "$TMP/foreign.copy"
run 2 'holds something that is not a hiblab image; remove it first' \
	suspend --source "$src" --target "file:$img"
check "a foreign file is left as it was" cmp -s "$img" "$TMP/foreign.copy"
rm -f "$img"
run 0 'suspended' suspend --source "$src" --target "file:$img"
truncate -s 100000 "$img"
run 4 'truncated' resume --target "file:$img"
run 0 'suspended' suspend --source "$src" --target "file:$img"
run 0 'invalidated' invalidate "file:$img"
run 3 'already resumed or invalidated' resume --target "file:$img"

# block: a preallocated file; one too small is refused up front, untouched
blk=$TMP/block.img
truncate -s 16M "$blk"
run 0 'suspended 2048 pages' suspend --source "$src" --filters zero --target "block:$blk"
run 0 'restored 2048 pages, bit-exact' resume --target "block:$blk" --verify
truncate -s 4M "$TMP/small.img"
sum=$(cksum <"$TMP/small.img")
run 1 'image needs 8\.0 MiB, block:.* has room for 4\.0 MiB' suspend --source "$src" \
	--target "block:$TMP/small.img"
check "a refused block: target was written" [ "$(cksum <"$TMP/small.img")" = "$sum" ]
run 2 'does not exist' suspend --source "$src" --target "block:$TMP/none.img"
check_not "block: created a file" [ -e "$TMP/none.img" ]

# swap: an area made by mkswap takes the image and gets its header back,
# byte for byte, after a resume, an invalidate and a refused image
PATH=$PATH:/usr/sbin:/sbin
if command -v mkswap >/dev/null 2>&1 && command -v blkid >/dev/null 2>&1; then
	sw=$TMP/swap.area
	uuid=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
	truncate -s 16M "$sw"
	mkswap -q -L hiblab-cli -U "$uuid" "$sw" >/dev/null 2>&1
	dd if="$sw" of="$TMP/swap.head" bs=4096 count=1 2>/dev/null
	swap_back() {
		dd if="$sw" bs=4096 count=1 2>/dev/null | cmp -s - "$TMP/swap.head" &&
			[ "$(blkid -p -s UUID -o value "$sw")" = "$uuid" ] &&
			[ "$(blkid -p -s LABEL -o value "$sw")" = hiblab-cli ]
	}
	run 0 'suspended 2048 pages' suspend --source "$src" --filters zero,crc32c --target "swap:$sw"
	check "blkid -p still reports swap under an image" \
		[ "$(blkid -p -s TYPE -o value "$sw")" != swap ]
	run 0 'state: +valid' inspect "swap:$sw"
	run 0 'restored 2048 pages, bit-exact' resume --target "swap:$sw" --verify
	check "swap header not back after a resume" swap_back
	run 3 'swap area without a hiblab image' resume --target "swap:$sw" --verify
	run 3 'swap area without a hiblab image' invalidate "swap:$sw"
	run 0 'suspended' suspend --source "$src" --filters zero --target "swap:$sw"
	run 0 'invalidated' invalidate "swap:$sw"
	check "swap header not back after an invalidate" swap_back
	# a damaged record (page 4 on): refused, and the area is swap again
	run 0 'suspended' suspend --source "$src" --filters zero,crc32c --target "swap:$sw"
	printf 'X' | dd of="$sw" bs=1 seek=20000 conv=notrunc 2>/dev/null
	run 4 'checksum mismatch' resume --target "swap:$sw" --verify
	check "swap header not back after a refused image" swap_back
	# a damaged image header (page 2): refused, and the area is swap again
	run 0 'suspended' suspend --source "$src" --filters zero --target "swap:$sw"
	printf 'X' | dd of="$sw" bs=1 seek=8232 conv=notrunc 2>/dev/null
	run 4 'image header' resume --target "swap:$sw" --verify
	check "swap header not back after a damaged image header" swap_back
	run 3 'swap area without a hiblab image' invalidate "swap:$sw"
	# refused areas: one line, untouched
	sum=$(cksum <"$sw")
	run 1 'image needs 32\.0 MiB' suspend --source sim:mixed,size=32MiB --target "swap:$sw"
	check "a refused swap: area was written" [ "$(cksum <"$sw")" = "$sum" ]
	truncate -s 2M "$TMP/big-pages.area"
	mkswap -q -p 65536 "$TMP/big-pages.area" >/dev/null 2>&1
	sum=$(cksum <"$TMP/big-pages.area")
	run 2 'made for 65536-byte pages' suspend --source "$src" --target "swap:$TMP/big-pages.area"
	check "a refused swap: area was written" [ "$(cksum <"$TMP/big-pages.area")" = "$sum" ]
	sum=$(cksum <"$TMP/small.img")
	run 2 'not a swap area' suspend --source "$src" --target "swap:$TMP/small.img"
	check "a refused swap: target was written" [ "$(cksum <"$TMP/small.img")" = "$sum" ]
else
	echo "skipped: swap checks (no mkswap or blkid)"
fi


# one operation at a time on a target: a busy one is refused at once, exit 1,
# and left as it was (flock(1) stands in for another hiblab)
lk=$TMP/locked.img
run 0 'suspended' suspend --source "$src" --filters zero,crc32c --target "file:$lk"
exec 9<"$lk"
flock -x 9
run 1 'in use by another hiblab' resume --target "file:$lk" --verify
run 1 'in use by another hiblab' suspend --source sim:random,size=1MiB --target "file:$lk"
run 1 'in use by another hiblab' invalidate "file:$lk"
run 1 'in use by another hiblab' inspect "file:$lk"
exec 9<&-
# a simulated disk's backing file is locked the same way
truncate -s 64M "$TMP/ssd.img"
exec 9<"$TMP/ssd.img"
flock -x 9
run 1 'backing .*: in use by another hiblab' suspend --source "$src" \
	--target "sim:ssd,backing=$TMP/ssd.img,span=64MiB"
exec 9<&-
run 0 'suspended' suspend --source "$src" --target "sim:ssd,backing=$TMP/ssd.img,span=64MiB"
run 0 'restored 2048 pages, bit-exact' resume --target "file:$lk" --verify

# two resumes of one image at once: exactly one restores, every time
round=0
while [ "$round" -lt 5 ]; do
	"$HIBLAB" suspend --source "$src" --target "file:$lk" >/dev/null 2>&1
	"$HIBLAB" resume --target "file:$lk" --verify >/dev/null 2>&1 &
	first=$!
	"$HIBLAB" resume --target "file:$lk" --verify >/dev/null 2>&1
	second=$?
	wait "$first"
	first=$?
	restored=$(( (first == 0) + (second == 0) ))
	if [ "$restored" -eq 1 ]; then ok; else bad "two resumes at once: $restored restored (exit $first, $second)"; fi
	round=$((round + 1))
done

# a new image file is never written through a symlink, nor into a FIFO
echo "my notes" >"$TMP/notes.txt"
ln -s "$TMP/notes.txt" "$TMP/link.img"
run 2 'is a symbolic link' suspend --source "$src" --target "file:$TMP/link.img"
check "the symlink's target is untouched" test "$(cat "$TMP/notes.txt")" = "my notes"
mkfifo "$TMP/fifo.img"
if timeout 10 "$HIBLAB" suspend --source "$src" --target "file:$TMP/fifo.img" >"$TMP/out" 2>"$TMP/err"; then
	bad "a FIFO was taken as an image file"
elif [ $? -eq 2 ] && grep -q 'not a regular file' "$TMP/err"; then ok
else bad "a FIFO as the target: $(cat "$TMP/err")"; fi


# the source is never the target, whatever the path: refused before the
# target is opened for writing, the memory dump intact
head -c 300000 /dev/urandom >"$TMP/dump.raw"
cp "$TMP/dump.raw" "$TMP/dump.copy"
ln -s "$TMP/dump.raw" "$TMP/dump.link"
run 1 'it is the --source being read' suspend --source "file:$TMP/dump.raw" --target "file:$TMP/dump.raw"
run 1 'it is the --source being read' suspend --source "file:$TMP/dump.link" --target "block:$TMP/dump.raw"
check "a dump given as source and target is intact" cmp -s "$TMP/dump.raw" "$TMP/dump.copy"

# a file whose first 4 KiB are zero (a suspend cut short, a preallocated
# file) may be taken for an image
truncate -s 1M "$TMP/prealloc.img"
run 0 'suspended' suspend --source "$src" --target "file:$TMP/prealloc.img"

# FIFOs as a source or a key file are refused at once, never waited on
mkfifo "$TMP/src.fifo" "$TMP/key.fifo"
run 2 'not a regular file or a block device' suspend --source "file:$TMP/src.fifo" --target "file:$img"
run 2 'key file .*: not a regular file' suspend --source "$src" --filters aes-256-gcm \
	--key "keyfile=$TMP/key.fifo" --target "file:$img"
# a key others can read is used, with a note saying so
head -c 32 /dev/urandom >"$TMP/open.key"
chmod 644 "$TMP/open.key"
run 0 'note: .*open.key can be read by other users: chmod 600 it' suspend --source "$src" \
	--filters aes-256-gcm --key "keyfile=$TMP/open.key" --target "file:$img"
chmod 600 "$TMP/open.key"
"$HIBLAB" suspend --source "$src" --filters aes-256-gcm --key "keyfile=$TMP/open.key" \
	--target "file:$img" >/dev/null 2>"$TMP/err"
check_not "a private key file gets no note" grep -q 'note:' "$TMP/err"
# an encrypted image shows its header tag; with --key, an image without a
# cipher (anyone could have written it) is refused and left resumable
run 0 '^tag: +hmac-sha256 of the header under the image key [0-9a-f]{64}$' inspect "file:$img"
run 0 'suspended' suspend --source "$src" --filters lz4 --target "file:$img"
run 4 'is not encrypted, but a key was given' resume --target "file:$img" \
	--key "keyfile=$TMP/open.key"
run 0 'restored' resume --target "file:$img"


# text from an image never reaches the terminal raw: control characters in
# the recorded source (here an escape sequence in a file name) print as \xNN
esc_name=$(printf 'dump\033[31mred')
head -c 8192 /dev/urandom >"$TMP/$esc_name"
run 0 'suspended' suspend --source "file:$TMP/$esc_name" --target "file:$TMP/esc.img"
run 0 'source: +file:.*dump\\x1b\[31mred' inspect "file:$TMP/esc.img"
check_not "inspect printed the raw escape" grep -q "$(printf '\033')" "$TMP/out"
rm -f "$TMP/$esc_name"
run 2 'dump\\x1b\[31mred' resume --target "file:$TMP/esc.img" --verify
check_not "an error line printed the raw escape" grep -q "$(printf '\033')" "$TMP/err"


# missing paths and paths of the wrong kind are usage errors (exit 2),
# whichever option names them
mkdir -p "$TMP/adir"
run 2 'source .*/nonexist: No such file' suspend --source "file:$TMP/nonexist" --target "file:$img"
run 2 'not a regular file or a block device' suspend --source "file:$TMP/adir" --target "file:$img"
run 2 'not a regular file' suspend --source "$src" --target "file:$TMP/adir"
run 2 'its directory does not exist' suspend --source "$src" --target "file:$TMP/nodir/x.img"
run 2 'does not exist' suspend --source "$src" --target "block:$TMP/nonexist"
run 2 'key file .*: No such file' suspend --source "$src" --filters aes-256-gcm \
	--key "keyfile=$TMP/nonexist" --target "file:$img"
run 2 'key file .*: not a regular file' suspend --source "$src" --filters aes-256-gcm \
	--key "keyfile=$TMP/adir" --target "file:$img"

# a read-only target says so, and its image is not restored (it could not
# be spent); it needs a private mount namespace to make one
if unshare -m true 2>/dev/null; then
	run 0 'suspended' suspend --source "$src" --target "file:$img"
	unshare -m sh -c "mkdir -p '$TMP/ro' && mount -t tmpfs none '$TMP/ro' &&
		cp '$img' '$TMP/ro/a.img' && mount -o remount,ro '$TMP/ro' &&
		'$HIBLAB' resume --target 'file:$TMP/ro/a.img' --verify" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq 1 ] && grep -q 'read-only (Read-only file system)' "$TMP/err" &&
		! grep -q restored "$TMP/out"; then ok
	else bad "a read-only target: exit $got: $(cat "$TMP/out" "$TMP/err")"; fi
else
	echo "cli: no mount namespace here: the read-only target check is skipped"
fi
# a pass file that is a FIFO is refused at once too
mkfifo "$TMP/pass.fifo"
run 2 'passphrase file .*: not a regular file' suspend --source "$src" --filters aes-256-gcm \
	--key "passfile=$TMP/pass.fifo" --target "file:$img"

# a path holding a comma or a backslash (the bug: "more than 1 items"): in a
# spec "\," is a comma and "\\" a backslash; the source's path stored in the
# image is escaped again, so --verify reads the same file back
odd="$TMP/odd,dir\\x"
mkdir "$odd"
head -c 1000000 /dev/urandom >"$odd/mem,1.raw"
esc=$(printf '%s' "$odd" | sed 's/\\/\\\\/g; s/,/\\,/g')
run 0 'suspended 245 pages' suspend --source "file:$esc/mem\\,1.raw" --filters zero,lz4,crc32c \
	--target "file:$esc/a\\,b\\\\.img"
check "the image is at the path with a comma and a backslash" [ -s "$odd/a,b\\.img" ]
run 0 'source: +file:path=.*odd\\,dir\\x/mem\\,1\.raw,' inspect "file:$esc/a\\,b\\\\.img"
run 0 'restored 245 pages, bit-exact' resume --target "file:$esc/a\\,b\\\\.img" --verify
run 0 'suspended 245 pages' suspend --source "file:$esc/mem\\,1.raw" --target "file:$esc/a\\,b\\\\.img"
run 0 'restored 245 pages' resume --target "file:$esc/a\\,b\\\\.img" --sink "file:$esc/back\\,1.raw"
check "a dump through paths with commas comes back the same" cmp -s "$odd/mem,1.raw" "$odd/back,1.raw"


# proc: a live process's resident pages: the process is stopped while it is
# read, runs again afterwards (after a failed suspend too), one stopped
# before stays stopped, and its image cannot be compared with --verify
state_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1; }
sleep 600 &
sleeper=$!
tries=0
while [ "$(cat "/proc/$sleeper/comm")" != sleep ] && [ "$tries" -lt 50 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
run 0 'suspended [0-9]+ pages .*ratio' suspend --source "proc:$sleeper" --filters lz4 \
	--target "file:$TMP/proc.img"
check "the process runs again after the suspend" [ "$(state_of "$sleeper")" != T ]
run 0 "source: +proc:pid=$sleeper,what=all" inspect "file:$TMP/proc.img"
run 2 'made from proc, which cannot be read again' resume --target "file:$TMP/proc.img" --verify
run 0 'restored [0-9]+ pages' resume --target "file:$TMP/proc.img" --sink "file:$TMP/proc.raw"
run 2 'its directory does not exist' suspend --source "proc:$sleeper" --target "file:$TMP/nodir/x.img"
check "the process runs again after a failed suspend" [ "$(state_of "$sleeper")" != T ]
kill -STOP "$sleeper"
# the stop is asynchronous: hiblab must find it stopped before, not stop it itself
tries=0
while [ "$(state_of "$sleeper")" != T ] && [ "$tries" -lt 50 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
run 0 'suspended' suspend --source "proc:$sleeper,what=anon" --target "file:$TMP/proc.img"
check "a process stopped before stays stopped" [ "$(state_of "$sleeper")" = T ]
kill -CONT "$sleeper"
kill "$sleeper"
wait "$sleeper" 2>/dev/null
run 2 "proc:$sleeper: no process $sleeper" suspend --source "proc:$sleeper" --target "file:$TMP/proc.img"
run 2 'PID 1 \(init\) is never stopped' suspend --source proc:1 --target "file:$TMP/proc.img"
run 2 'what=some: ' suspend --source "proc:$$,what=some" --target "file:$TMP/proc.img"

# where the time went: a second summary line with each phase's share and the
# engine's own MB/s (docs/BENCHMARKS.md); --quiet still prints nothing
timg=$TMP/time.img
run 0 '^  time: source [0-9]+%, filters [0-9]+%, digest [0-9]+%, target [0-9]+%, commit [0-9]+%, setup [0-9]+% \([0-9.]+ thread-s, 2 threads\); engine [0-9.]+ MB/s$' \
	suspend --source "$src" --filters zero,lz4,crc32c --target "file:$timg" --threads 2
run 0 '^  time: read [0-9]+%, filters [0-9]+%, digest [0-9]+%, verify [0-9]+%, invalidate [0-9]+%, setup [0-9]+% \([0-9.]+ thread-s, 1 thread\); engine [0-9.]+ MB/s$' \
	resume --target "file:$timg" --verify --threads 1
for cmd in "suspend --source $src --target file:$timg" "resume --target file:$timg"; do
	# shellcheck disable=SC2086 # the words of cmd are the arguments
	"$HIBLAB" $cmd -q >"$TMP/out" 2>&1
	got=$?
	if [ "$got" -eq 0 ] && [ ! -s "$TMP/out" ]; then ok
	else bad "$cmd -q: exit $got, printed: $(cat "$TMP/out")"; fi
done
run 0 'suspended' suspend --source "$src" --target "file:$timg"
run 0 '^  time: read [0-9]+%, filters [0-9]+%, digest [0-9]+%, sink [0-9]+%, invalidate' \
	resume --target "file:$timg"

# progress: to a pipe, a plain line every 5 s (a disk of 1 MB/s makes the
# suspend take 6 s); on a terminal, a bar redrawn in place that never
# reaches the last column, at 40 columns too
slow=sim:ssd,write-mbps=1,cache-mib=0,qd=1
"$HIBLAB" suspend --source sim:random,size=6MiB --target "$slow" >"$TMP/out" 2>"$TMP/err"
got=$?
if [ "$got" -eq 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -Eq \
	'^suspend: [0-9.]+ MiB of 6\.0 MiB \([0-9]+%\), [0-9.]+ MB/s, ETA [0-9]+ s$' "$TMP/err"; then ok
else bad "progress to a pipe: exit $got: $(cat "$TMP/err")"; fi
# tty_draws COLS: a suspend on a terminal of COLS columns, its redraws one a
# line in $TMP/draws; fails when one is wider than COLS - 1
tty_draws() {
	script -qec "stty cols $1; $HIBLAB suspend --source sim:mixed,size=64MiB \\
		--target sim:ssd,write-mbps=64,cache-mib=0,qd=1" /dev/null >"$TMP/tty" 2>&1 || return 1
	tr '\r' '\n' <"$TMP/tty" | sed 's/\x1b\[K//g' | grep -Ev '^(suspended|  time:)' >"$TMP/draws"
	[ "$(awk -v w="$1" 'length >= w' "$TMP/draws" | wc -l)" -eq 0 ]
}
if command -v script >/dev/null 2>&1; then
	check "progress at 40 columns: a redraw wider than 39" tty_draws 40
	check "progress at 40 columns: no bar line" grep -Eq \
		'^suspend( \[[#.]+\])? +[0-9]+% [0-9.]+/64\.0 MiB ETA ' "$TMP/draws"
	check "progress at 120 columns: a redraw wider than 119" tty_draws 120
	check "progress at 120 columns: no bar" grep -Eq \
		'^suspend \[[#.]+\] +[0-9]+% [0-9.]+/64\.0 MiB [0-9.]+ MB/s ETA ' "$TMP/draws"
else
	echo "skipped: the progress bar on a terminal (no script(1))"
fi

# hiblab run to a pipe: before each run a line with run N/M and the ETA of
# all runs, unknown until one run is done; stdout keeps its line per run
printf 'name = eta\nmemory = mixed size=1MiB\ndisk = instant\ncompress = none, lz4\n' >"$TMP/eta.scn"
"$HIBLAB" run "$TMP/eta.scn" --out "$TMP/eta" >"$TMP/out" 2>"$TMP/err"
got=$?
if [ "$got" -eq 0 ] && [ "$(wc -l <"$TMP/err")" -eq 2 ] &&
	grep -Eq '^run 1/2 \(all ETA unknown\): memory=mixed' "$TMP/err" &&
	grep -Eq '^run 2/2 \(all ETA [0-9]+ s\): memory=mixed' "$TMP/err" &&
	[ "$(grep -c '^\[[12]/2\] ok' "$TMP/out")" -eq 2 ]; then ok
else bad "hiblab run to a pipe: exit $got: $(cat "$TMP/err" "$TMP/out")"; fi
"$HIBLAB" run "$TMP/eta.scn" --out "$TMP/eta-q" -q >"$TMP/out" 2>"$TMP/err"
check "hiblab run -q printed progress: $(cat "$TMP/err")" [ ! -s "$TMP/err" ]

# learn: a profile from a dump, used as a source, resumed with --verify
run 0 suspended suspend --source sim:database,size=8MiB,seed=4 --target "file:$TMP/db.img"
run 0 restored resume --target "file:$TMP/db.img" --sink "file:$TMP/db.dump"
run 0 "wrote $TMP/db.prof: [0-9]+ classes" learn --source "file:$TMP/db.dump" --out "$TMP/db.prof"
check "learn prints the original and generated figures" grep -q "lz4 image ratio" "$TMP/out"
check "the profile starts with its version" grep -qx "hiblab-profile 2" "$TMP/db.prof"
run 0 suspended suspend --source "sim:$TMP/db.prof,size=4MiB,seed=2" --filters zero,lz4 \
	--target "file:$TMP/learned.img"
run 0 "source: +sim:profile=$TMP/db.prof" inspect "file:$TMP/learned.img"
run 0 restored resume --target "file:$TMP/learned.img" --verify
# a relative profile path that is not here: the installed profile of that
# name (HIBLAB_PROFILES stands for the installed folder), in suspend and in
# resume --verify, which reads the path the header records
mkdir -p "$TMP/profs"
cp "$TMP/db.prof" "$TMP/profs/db.prof"
export HIBLAB_PROFILES="$TMP/profs"
run 0 suspended suspend --source "sim:nowhere/db.prof,size=4MiB,seed=2" --target "file:$TMP/inst.img"
run 0 restored resume --target "file:$TMP/inst.img" --verify
unset HIBLAB_PROFILES
run 2 "nowhere/db.prof: No such file or directory" suspend --source "sim:nowhere/db.prof,size=4MiB" \
	--target "file:$TMP/inst2.img"
run 0 "usage: hiblab learn" learn --help
run 2 "learn: --out is required" learn --source "file:$TMP/db.dump"
# --out is checked before the read, and never clobbers what is not a
# profile: the dump itself, a foreign file, a symlink, a FIFO
cp "$TMP/db.dump" "$TMP/db.copy"
run 2 "holds something that is not a hiblab profile" learn --source "file:$TMP/db.dump" \
	--out "$TMP/db.dump"
check "the dump given as --out is intact" cmp -s "$TMP/db.dump" "$TMP/db.copy"
ln -s "$TMP/db.copy" "$TMP/prof.link"
run 2 "prof.link: a symbolic link" learn --source "file:$TMP/db.dump" --out "$TMP/prof.link"
mkfifo "$TMP/prof.fifo"
run 2 "prof.fifo: not a regular file" learn --source "file:$TMP/db.dump" --out "$TMP/prof.fifo"
run 1 "No such file or directory" learn --source "file:$TMP/db.dump" --out "$TMP/nodir/x.prof"
run 0 "wrote $TMP/db.prof" learn --source "file:$TMP/db.dump" --out "$TMP/db.prof"
printf 'hiblab-profile 1\npage-size 4096\nzero 2\n' >"$TMP/bad.prof"
run 2 "^hiblab: $TMP/bad.prof:3: 2: out of range 0..1\$" suspend --source "sim:$TMP/bad.prof" \
	--target "file:$TMP/bad.img"
mkfifo "$TMP/fifo.prof"
run 2 "fifo.prof: a FIFO, not a profile file" suspend --source "sim:$TMP/fifo.prof" \
	--target "file:$TMP/bad.img"


# phase marks for the test guest's host: only with HIBLAB_PHASE_MARKS, the
# commit's once, after the last record (docs/QEMU.md, "Where the seconds go")
HIBLAB_PHASE_MARKS=1 "$HIBLAB" suspend -q --source sim:mixed,size=4MiB --target "file:$TMP/pm.img" \
	2>"$TMP/err"
check "HIBLAB_PHASE_MARKS: one commit mark: $(cat "$TMP/err")" \
	[ "$(grep -c '^HIBLAB-PHASE commit$' "$TMP/err")" -eq 1 ]
"$HIBLAB" suspend -q --source sim:mixed,size=4MiB --target "file:$TMP/pm.img" 2>"$TMP/err"
check_not "no HIBLAB_PHASE_MARKS: no mark" grep -q HIBLAB-PHASE "$TMP/err"
# hiblab swapfile: what cannot be a swap file's target is refused, saying why
# (tests/unit/test_swap_file.c finds a real one)
dd if=/dev/zero of="$TMP/zeros" bs=4096 count=16 2>/dev/null
run 2 'zeros: not a swap area \(no SWAPSPACE2 signature; run mkswap first\)' swapfile "$TMP/zeros"
ln -s "$TMP/zeros" "$TMP/zeros.link"
run 2 'zeros.link: a symlink: name the swap file itself' swapfile "$TMP/zeros.link"
run 2 ': not a regular file' swapfile "$TMP"
run 2 'expected one PATH' swapfile
run 0 'resume_offset=N' swapfile --help

# hiblab setup --root: the drop-in appears with hiblab's ExecStart, and goes
sroot=$TMP/sysroot
mkdir -p "$sroot/etc/hiblab"
printf 'target = swap:/dev/vdz\nfilters = zero,lz4\n' >"$sroot/etc/hiblab/hibernate.conf"
chmod 644 "$sroot/etc/hiblab/hibernate.conf"
dropin=$sroot/etc/systemd/system/systemd-hibernate.service.d/hiblab.conf
self=$(cd "$(dirname "$HIBLAB")" && pwd -P)/$(basename "$HIBLAB")
run 0 'skipped: update-initramfs -u \(--dry-run\)' setup --root "$sroot" --dry-run
check_not "--dry-run wrote the drop-in" [ -e "$dropin" ]
run 0 "wrote $dropin" setup --root "$sroot"
case $HIBLAB in
*valgrind*) ;;  # the drop-in names valgrind's hiblab
*)
	check "the drop-in runs hiblab suspend: $(cat "$dropin")" grep -qx \
		"ExecStart=$self suspend --source snapshot --config /etc/hiblab/hibernate.conf --quiet" \
		"$dropin" ;;
esac
check "the drop-in clears systemd-sleep's ExecStart first" grep -qx 'ExecStart=' "$dropin"
check "the initramfs gets the target" grep -qx 'target = swap:/dev/vdz' "$sroot/etc/hiblab/initramfs.conf"
run 0 "removed $dropin" setup --root "$sroot" --disable
run 0 "not there: $dropin" setup --root "$sroot" --disable
check_not "--disable left the drop-in" [ -e "$dropin" ]
check_not "--disable left the initramfs configuration" [ -e "$sroot/etc/hiblab/initramfs.conf" ]

# what setup refuses: the file others could write, an unknown key (its line),
# a target that is not swap, a passphrase nobody can type under systemd, the
# kernel's resume from the same device
chmod 666 "$sroot/etc/hiblab/hibernate.conf"
run 2 'hibernate.conf: writable by group or others, and it decides what runs as root at boot' \
	setup --root "$sroot"
chmod 644 "$sroot/etc/hiblab/hibernate.conf"
printf '# mine\ntarget = swap:/dev/vdz\nresume_offset = 4\n' >"$sroot/etc/hiblab/hibernate.conf"
run 2 "hibernate.conf:3: unknown key 'resume_offset'" setup --root "$sroot"
run 2 "hibernate.conf:3: unknown key 'resume_offset'" suspend --source snapshot \
	--config "$sroot/etc/hiblab/hibernate.conf"
printf 'target = file:/tmp/x.img\n' >"$sroot/etc/hiblab/hibernate.conf"
run 2 'target file:/tmp/x.img is not a swap area' setup --root "$sroot"
printf 'target = swap:/dev/vdz\nfilters = aes-256-gcm\nkey = passphrase\n' \
	>"$sroot/etc/hiblab/hibernate.conf"
run 2 'key = passphrase: systemctl hibernate runs hiblab with no terminal' setup --root "$sroot"
printf 'target = swap:/dev/vdz\nfilters = aes-256-gcm\nkey = keyfile=/etc/hiblab/key\n' \
	>"$sroot/etc/hiblab/hibernate.conf"
run 2 'key file /etc/hiblab/key: No such file or directory' setup --root "$sroot"
printf 'target = swap:/dev/vdz\n' >"$sroot/etc/hiblab/hibernate.conf"
mkdir -p "$sroot/etc/initramfs-tools/conf.d"
echo RESUME=/dev/vdz >"$sroot/etc/initramfs-tools/conf.d/resume"
run 2 'RESUME=/dev/vdz, the device hiblab hibernates to' setup --root "$sroot"
check_not "a refused setup wrote the drop-in" [ -e "$dropin" ]
cp "$sroot/etc/hiblab/hibernate.conf" "$sroot/my conf"
run 2 "setup: /my conf: a character systemd would read as more than a path" \
	setup --root "$sroot" --config "/my conf"
printf 'target = swap:/dev/vdz\nenabled = no\n' >"$sroot/etc/hiblab/hibernate.conf"
run 2 'says enabled = no' resume --config "$sroot/etc/hiblab/hibernate.conf"
finish
