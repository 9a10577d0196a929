#!/bin/sh
# Build the QEMU guest for hiblab's real-hibernation cycles (docs/QEMU.md):
# a Debian kernel, its virtio modules, and an initramfs holding busybox,
# hiblab (dynamic, with the libraries ldd names), the workload and /init.
#
# Usage: sh guest/build.sh BUILD OUT [KERNEL]
#   BUILD  where hiblab and hiblab-workload were built (build/q)
#   OUT    the guest directory (build/guest): OUT/vmlinuz, OUT/initrd.img
#   KERNEL a scenario's kernel = value: debian-6.1, debian-6.12 (Debian 13's
#          cloud kernel, from the trixie suite of the same archive, download
#          only), debian-6.12.74 (from bookworm-backports: a 6.12 without the
#          fix of 6.12.80) or PATH/bzImage[:MODULES_DIR].  Given, the guest goes to
#          OUT/kernels/NAME, NAME being KERNEL with every character but
#          letters, digits and ._- made _ (where the runner looks for it).
# Environment:
#   GUEST_KERNEL  the Debian 12 kernel ABI to download (pinned here, only here)
#   GUEST_KERNEL_612  the same for debian-6.12
#   KERNEL        your own bzImage instead; then MODULES is its
#                 lib/modules/VERSION directory (or empty: virtio built in)
# Downloads go to OUT/cache and are reused: a second run downloads nothing.
set -eu

GUEST_KERNEL=${GUEST_KERNEL:-6.1.0-56-cloud-amd64}
GUEST_KERNEL_612=${GUEST_KERNEL_612:-6.12.117+deb13-cloud-amd64}
BUILD=${1:?usage: guest/build.sh BUILD OUT [KERNEL]}
OUT=${2:?usage: guest/build.sh BUILD OUT [KERNEL]}
WHICH=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
	lz4_compress lz4_decompress lz4"

die() { echo "guest: $*" >&2; exit 1; }

for tool in cpio busybox ldd; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (make deps installs it)"
done
BUSYBOX=$(command -v busybox)
# a dynamic busybox would need its libraries too; Debian's busybox-static is static
ldd "$BUSYBOX" >/dev/null 2>&1 && die "$BUSYBOX is dynamic: install busybox-static"
[ -x "$BUILD/hiblab" ] || die "$BUILD/hiblab is not built"
[ -x "$BUILD/hiblab-workload" ] || die "$BUILD/hiblab-workload is not built"

mkdir -p "$OUT/cache"
OUT=$(cd "$OUT" && pwd)
CACHE=$OUT/cache
case "$WHICH" in
"") ;;
debian-6.1) KERNEL= ;;  # the default kernel, in a directory of its own
debian-6.12) GUEST_KERNEL=$GUEST_KERNEL_612 SUITE=trixie KERNEL= ;;
# 6.12 before the fix of its user-space restore (stable 6.12.80): Debian 12's
# backports still hold it (docs/QEMU.md, the zero-page restore failure)
debian-6.12.74) GUEST_KERNEL=6.12.74+deb12-cloud-amd64 SUITE=bookworm-backports KERNEL= ;;
*/*) KERNEL=${WHICH%%:*}
     MODULES=${WHICH#"$KERNEL"}
     MODULES=${MODULES#:} ;;
*) die "kernel $WHICH: expected debian-6.1, debian-6.12, debian-6.12.74 or PATH/bzImage[:MODULES_DIR]" ;;
esac
if [ -n "$WHICH" ]; then
	OUT=$OUT/kernels/$(printf %s "$WHICH" | tr -c 'A-Za-z0-9._-' '_')
	mkdir -p "$OUT"
fi

# download PACKAGE: into the cache, from Debian 12's suites, or with SUITE set
# from that suite of the same archive through a private source list: apt's
# own state is left alone
download() {
	if [ -z "${SUITE:-}" ]; then
		(cd "$CACHE" && apt-get download -q "$1")
		return
	fi
	apt_dir=$CACHE/apt-$SUITE
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/sources"
	uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"${uri:-http://deb.debian.org/debian}" "$SUITE" \
		/usr/share/keyrings/debian-archive-keyring.gpg >"$apt_dir/sources/$SUITE.sources"
	set -- "$1" -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/sources" \
		-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir"
	pkg=$1
	shift
	apt-get -q "$@" update >/dev/null || return 1
	(cd "$CACHE" && apt-get -q "$@" download "$pkg")
}

# ---- the kernel and its modules ---------------------------------------------
if [ -n "${KERNEL:-}" ]; then
	[ -f "$KERNEL" ] || die "KERNEL=$KERNEL: no such file"
	cp "$KERNEL" "$OUT/vmlinuz"
	MODDIR=${MODULES:-}
	echo "custom $KERNEL" >"$OUT/kernel.txt"
else
	deb=$(find "$CACHE" -maxdepth 1 -name "linux-image-${GUEST_KERNEL}_*.deb" | head -n 1)
	if [ -z "$deb" ]; then
		echo "guest: downloading linux-image-$GUEST_KERNEL${SUITE:+ from $SUITE}"
		# apt's sandbox user cannot write here; run it from the cache dir as root
		download "linux-image-$GUEST_KERNEL" || true
		deb=$(find "$CACHE" -maxdepth 1 -name "linux-image-${GUEST_KERNEL}_*.deb" | head -n 1)
		[ -n "$deb" ] || die "apt-get download linux-image-$GUEST_KERNEL failed"
	fi
	x="$CACHE/$GUEST_KERNEL"
	if [ ! -f "$x/boot/vmlinuz-$GUEST_KERNEL" ]; then
		rm -rf "$x"
		dpkg -x "$deb" "$x"
	fi
	cp "$x/boot/vmlinuz-$GUEST_KERNEL" "$OUT/vmlinuz"
	# merged /usr (Debian 13) keeps them under usr/
	MODDIR="$x/lib/modules/$GUEST_KERNEL"
	[ -d "$MODDIR" ] || MODDIR="$x/usr/lib/modules/$GUEST_KERNEL"
	echo "debian $GUEST_KERNEL $(basename "$deb")" >"$OUT/kernel.txt"
fi

# ---- the initramfs tree ----------------------------------------------------
root="$OUT/root"
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	"$root/etc" "$root/lib/modules"
cp "$BUSYBOX" "$root/bin/busybox"
cp "$HERE/init.sh" "$root/init"
chmod 0755 "$root/init"
cp "$BUILD/hiblab" "$BUILD/hiblab-workload" "$root/bin/"

# hiblab is dynamic (Debian has no static ISA-L): copy what ldd lists, and the
# loader, to the same paths
for bin in "$BUILD/hiblab" "$BUILD/hiblab-workload"; do
	ldd "$bin" | while read -r a b c _; do
		case "$b" in
		"=>") lib=$c ;;
		*) lib=$a ;;
		esac
		case "$lib" in
		/*) mkdir -p "$root$(dirname "$lib")"
		    cp -L "$lib" "$root$lib" ;;
		*) ;;
		esac
	done
done

# the virtio modules, in load order; built in when the kernel has no file
: >"$root/lib/modules/order"
if [ -n "$MODDIR" ]; then
	[ -d "$MODDIR" ] || die "no modules in $MODDIR"
	for m in $MODS; do
		f=$(find "$MODDIR" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
		[ -n "$f" ] || continue
		case "$f" in
		*.xz) xz -dc "$f" >"$root/lib/modules/$m.ko" ;;
		*.zst) zstd -qdc "$f" >"$root/lib/modules/$m.ko" ;;
		*) cp "$f" "$root/lib/modules/$m.ko" ;;
		esac
		echo "$m" >>"$root/lib/modules/order"
	done
fi

# a fixed key for the encrypted cycles: test images only, never real secrets
[ -f "$CACHE/guest.key" ] || head -c 32 /dev/urandom >"$CACHE/guest.key"
cp "$CACHE/guest.key" "$root/etc/hiblab.key"

# uncompressed: under TCG unpacking beats decompressing
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$OUT/initrd.img.tmp"
mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
echo "guest: $OUT/vmlinuz ($(cat "$OUT/kernel.txt")), $OUT/initrd.img" \
	"($(($(wc -c <"$OUT/initrd.img") / 1048576)) MiB, modules: $(tr '\n' ' ' <"$root/lib/modules/order"))"
