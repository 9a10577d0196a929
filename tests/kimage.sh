#!/bin/sh
# The kernel's own hibernation image, read offline: one guest boot in which
# the kernel hibernates itself to its swap disk (hb_role=kernel), then
# `hiblab inspect` on that disk (exit 0, the release, crc ok) and on a copy
# with a flipped byte in its first record (exit 4), neither file changed.
# Skipped without qemu or a built guest (make guest).
# Usage: HIBLAB=build/hiblab GUEST=build/guest sh tests/kimage.sh
set -u

NAME=kimage
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
GUEST=${GUEST:-build/guest}

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "kimage: qemu-system-x86_64 is not installed: skipped"
	exit 0
fi
if [ ! -f "$GUEST/vmlinuz" ] || [ ! -f "$GUEST/initrd.img" ]; then
	echo "kimage: no guest in $GUEST (make guest): skipped"
	exit 0
fi

disk=$TMP/disk.img
start=$(date +%s)
# a sparse disk with room for an uncompressed image of all 256 MiB
truncate -s 320M "$disk"
# TCG: this machine's KVM cannot run the guest kernel (docs/QEMU.md)
timeout 300 qemu-system-x86_64 -accel tcg -M q35 -m 256 -smp 1 -nodefaults \
	-display none -no-reboot -serial stdio -kernel "$GUEST/vmlinuz" \
	-initrd "$GUEST/initrd.img" -drive "file=$disk,format=raw,if=virtio" \
	-append "console=ttyS0 panic=-1 edd=off hb_boot=suspend hb_role=kernel hb_target=swap:/dev/vda hb_mib=16 hb_profile=mixed hb_seed=1" \
	>"$TMP/console.log" 2>&1
check "the kernel hibernated (console: PM: S|)" grep -q 'PM: S|' "$TMP/console.log"
booted=$(date +%s)

# the sha256 and mtime of a file, to prove inspect never wrote it
state() { printf '%s %s\n' "$(sha256sum <"$1")" "$(stat -c %Y.%y "$1")"; }

before=$(state "$disk")
"$HIBLAB" inspect "swap:$disk" >"$TMP/out" 2>&1
rc=$?
check "inspect on the kernel's image exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "inspect names the release" grep -q '^kernel: *6\.1\.0-' "$TMP/out"
check "inspect says crc ok" grep -q 'crc ok' "$TMP/out"
check "inspect left the image as it was" [ "$(state "$disk")" = "$before" ]
cat "$TMP/out"

# a flipped byte in the first record: the header's first map page (sector
# at 4064), its second entry (the first after swsusp_info), 2048 bytes in
bad=$TMP/bad.img
cp --sparse=always "$disk" "$bad"
map=$(od -An -t u8 -j 4064 -N 8 "$bad" | tr -d ' ')
rec=$(od -An -t u8 -j $((map * 4096 + 8)) -N 8 "$bad" | tr -d ' ')
at=$((rec * 4096 + 2048))
byte=$(od -An -t u1 -j "$at" -N 1 "$bad" | tr -d ' ')
# shellcheck disable=SC2059 # the format is the octal escape being built
printf "$(printf '\\%03o' $((byte ^ 16)))" |
	dd of="$bad" bs=1 seek="$at" conv=notrunc status=none
before=$(state "$bad")
"$HIBLAB" inspect "swap:$bad" >"$TMP/out" 2>&1
rc=$?
check "inspect on a damaged kernel image exits 4 (got $rc)" [ "$rc" -eq 4 ]
check "one line says what is wrong" grep -q '^hiblab: kernel image: ' "$TMP/out"
check "inspect left the damaged image as it was" [ "$(state "$bad")" = "$before" ]
cat "$TMP/out"

echo "kimage: guest boot $((booted - start)) s, both checks $(($(date +%s) - booted)) s"
finish
