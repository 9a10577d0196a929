#!/bin/sh
# The Debian integration files of dist/ outside a real boot: both
# initramfs-tools scripts are shellcheck-clean, and the local-premount
# script, run in a stubbed initramfs tree (its hiblab restores into
# --sink null, never into this machine's /dev/snapshot), stays quiet
# without an image, says one line and spends a refused image, and asks
# plymouth for a passphrase three times.  docs/DEBIAN.md says what only a
# real boot tests (make debian-test).
# Usage: HIBLAB=build/hiblab sh tests/dist.sh
set -u

NAME=dist
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
DIST=$(cd "$(dirname "$0")/../dist" && pwd)
HOOK=$DIST/initramfs-tools/hooks/hiblab
PREMOUNT=$DIST/initramfs-tools/scripts/local-premount/hiblab
real=$(cd "$(dirname "$HIBLAB")" && pwd)/$(basename "$HIBLAB")

if command -v shellcheck >/dev/null 2>&1; then
	check "the initramfs-tools scripts are shellcheck-clean" shellcheck -s sh "$HOOK" "$PREMOUNT"
else
	echo "dist: shellcheck is not installed: the scripts were not linted"
fi
check "the scripts answer prereqs" test "$(sh "$PREMOUNT" prereqs)" = resume
check "the scripts are executable" test -x "$HOOK" -a -x "$PREMOUNT"

# the stubbed initramfs: /scripts/functions, a hiblab whose snapshot sink is
# null, a plymouth that answers from a list
R=$TMP/root
mkdir -p "$R/scripts" "$R/bin" "$R/etc/hiblab" "$R/proc" "$TMP/path"
chmod 755 "$R/etc/hiblab"
echo "root=/dev/vda ro quiet" >"$R/proc/cmdline"
cat >"$R/scripts/functions" <<'STUB'
# as initramfs-tools': nothing under "quiet"
log_warning_msg() { [ "${quiet?}" = y ] && return; echo "Warning: $*"; }
STUB
cat >"$R/bin/hiblab" <<STUB
#!/bin/sh
echo "\$*" >>"$TMP/calls"
if [ "\$1" = invalidate ] && [ -n "\${STUB_INVALIDATE_FAILS:-}" ]; then
	echo "hiblab: \$STUB_INVALIDATE_FAILS" >&2
	exit 1
fi
for a in "\$@"; do
	shift
	[ "\$a" = snapshot ] && a=null
	set -- "\$@" "\$a"
done
exec "$real" "\$@"
STUB
cat >"$TMP/path/plymouth" <<STUB
#!/bin/sh
[ "\$1" = --ping ] && exit 0
n=\$(cat "$TMP/asked" 2>/dev/null || echo 0)
n=\$((n + 1))
echo "\$n" >"$TMP/asked"
sed -n "\${n}p" "$TMP/answers"
STUB
chmod 755 "$R/bin/hiblab" "$TMP/path/plymouth"
img=$TMP/a.img

# init exports quiet=y for "quiet" on the kernel command line, else n
premount() {
	quiet=${quiet:-n} HIBLAB_TEST_ROOT=$R PATH="$TMP/path:$PATH" sh "$PREMOUNT" >"$TMP/out" 2>&1
}
conf() {
	printf '%s\n' "enabled = yes" "target = file:$img" "$@" >"$R/etc/hiblab/initramfs.conf"
	chmod 644 "$R/etc/hiblab/initramfs.conf"
}

conf "filters = lz4"
check "no image: exit 0" premount
check "no image: nothing said: $(cat "$TMP/out")" test ! -s "$TMP/out"

"$HIBLAB" suspend -q --source sim:mixed,size=1MiB,seed=2 --filters lz4 --target "file:$img"
check "an image is resumed with the configuration" premount
check "the resume went into the (stubbed) snapshot sink" \
	grep -q "resume --quiet --sink snapshot --config $R/etc/hiblab/initramfs.conf" "$TMP/calls"

"$HIBLAB" suspend -q --source sim:mixed,size=1MiB,seed=2 --filters lz4 --target "file:$img"
size=$(wc -c <"$img")
printf "XXXX" | dd of="$img" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
premount
check "a refused image: one console line: $(cat "$TMP/out")" \
	test "$(grep -c . "$TMP/out")" -eq 1
check "the line says why and that the boot goes on: $(cat "$TMP/out")" \
	grep -q "^Warning: hiblab: hibernation image not resumed (exit 4): .*; booting without it$" "$TMP/out"
check "the refused image is spent" sh -c "'$HIBLAB' resume --target 'file:$img' 2>/dev/null; test \$? -eq 3"
# "quiet" on the command line (Debian's default) silences log_warning_msg, not this
"$HIBLAB" suspend -q --source sim:mixed,size=1MiB,seed=2 --filters lz4 --target "file:$img"
printf "XXXX" | dd of="$img" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
(export quiet=y && premount)
check "quiet: still one console line: $(cat "$TMP/out")" \
	grep -q "^Warning: hiblab: hibernation image not resumed (exit 4): " "$TMP/out"

# the invalidation itself failing (the area is not swap again): said too
"$HIBLAB" suspend -q --source sim:mixed,size=1MiB,seed=2 --filters lz4 --target "file:$img"
printf "XXXX" | dd of="$img" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
(export STUB_INVALIDATE_FAILS="/dev/vda: Input/output error" && premount)
check "a failed invalidation: a second line names it: $(cat "$TMP/out")" \
	grep -q "^Warning: hiblab: the image could not be invalidated: /dev/vda: Input/output error$" \
	"$TMP/out"
check "a failed invalidation: two lines in all" test "$(grep -c . "$TMP/out")" -eq 2

# key = passphrase: plymouth asks, three tries
printf 'right\n' >"$TMP/pass"
chmod 600 "$TMP/pass"
conf "filters = lz4,aes-256-gcm" "key = passphrase"
# asked ANSWERS...: an encrypted image, plymouth answering ANSWERS in turn
asked() {
	"$HIBLAB" suspend -q --source sim:mixed,size=1MiB,seed=3 --filters lz4,aes-256-gcm \
		--key "passfile=$TMP/pass" --target "file:$img"
	printf '%s\n' "$@" >"$TMP/answers"
	rm -f "$TMP/asked"
	premount
}
asked wrong right
check "a wrong passphrase, then the right one: asked twice" test "$(cat "$TMP/asked")" = 2
check "the right passphrase restores (exit 0 from the stub's null sink): $(cat "$TMP/out")" \
	grep -q "(exit 0)" "$TMP/out"
check_not "no passphrase is left in /run" test -e /run/hiblab-passphrase

asked a b c d
check "three wrong passphrases: asked three times" test "$(cat "$TMP/asked")" = 3
check "three wrong passphrases: one line: $(cat "$TMP/out")" \
	grep -q "^Warning: hiblab: hibernation image not resumed (exit 4): .*wrong passphrase" "$TMP/out"
check "three wrong passphrases: the image is spent" \
	sh -c "'$HIBLAB' resume --target 'file:$img' --key 'passfile=$TMP/pass' 2>/dev/null; test \$? -eq 3"

# an initramfs without busybox has no grep (klibc's tools): the script finds
# "key = passphrase" by itself
printf '#!/bin/sh\necho "grep: not found" >&2\nexit 127\n' >"$TMP/path/grep"
chmod 755 "$TMP/path/grep"
asked right
check "no grep in the initramfs: the passphrase is still asked for" test "$(cat "$TMP/asked")" = 1
check "no grep in the initramfs: restored: $(cat "$TMP/out")" grep -q "(exit 0)" "$TMP/out"
rm -f "$TMP/path/grep"

: >"$TMP/calls"
conf "filters = lz4"
echo "root=/dev/vda ro noresume quiet" >"$R/proc/cmdline"
premount
check "noresume on the kernel command line: hiblab is not run" test ! -s "$TMP/calls"
echo "root=/dev/vda ro quiet" >"$R/proc/cmdline"
(export noresume=y RESUME=none && premount)
check "RESUME=none (init sets noresume=y): hiblab still runs" test -s "$TMP/calls"
finish
