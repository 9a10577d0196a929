#!/bin/sh
# Build the Debian 12 test guest (docs/QEMU.md, "A real Debian guest"): a
# bookworm root made by mmdebstrap (systemd, initramfs-tools, the cloud
# kernel, sqlite3, hiblab's libraries), the guest's units and scripts
# (guest/debian/), the workload and hiblab, on an ext4 disk image made by
# mkfs.ext4 -d (no loop mount); the image's own kernel and initrd beside it,
# for qemu -kernel/-initrd with root=/dev/vda.
#
# Usage: sh guest/debian.sh BUILD OUT
#   BUILD  where hiblab and hiblab-workload were built (build)
#   OUT    the guest directory (build/debian-guest): OUT/root.img,
#          OUT/vmlinuz, OUT/initrd.img, OUT/hiblab.txt (how hiblab got in)
# Environment:
#   HIBLAB_DEB  the hiblab package to install (default: the newest
#               build/deb/hiblab_*.deb, if any); without one, BUILD/hiblab
#               goes to /usr/local/bin
#   SUITE, MIRROR, SECURITY_MIRROR  bookworm, and the mirrors apt uses here
# Cached in OUT/cache: the root tarball (by a hash of what goes into it: this
# script, guest/debian/00-hiblab-mark, the package), and every .deb mmdebstrap
# fetched.  A second run downloads nothing; the disk image is made again only
# when the tarball, guest/debian/, hiblab or the workload changed (seconds).
set -eu

BUILD=${1:?usage: guest/debian.sh BUILD OUT}
OUT=${2:?usage: guest/debian.sh BUILD OUT}
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=${SUITE:-bookworm}
START=$(date +%s)
PKGS="systemd-sysv,udev,linux-image-cloud-amd64,initramfs-tools,kmod,e2fsprogs,sqlite3"
# what hiblab and the workload link (ldd build/hiblab): hiblab without its package
LIBS="libisal2,liblz4-1,libzstd1,liblzo2-2,libxxhash0,libssl3,liburing2,libblkid1"

die() { echo "debian-guest: $*" >&2; exit 1; }
say() { echo "debian-guest: $* ($(($(date +%s) - START)) s)"; }

command -v mmdebstrap >/dev/null 2>&1 || sh "$HERE/../scripts/deps.sh" debian-guest
for tool in mmdebstrap mkfs.ext4 sha256sum tar; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (sh scripts/deps.sh debian-guest)"
done
[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap's root mode, device nodes in the image)"
[ -x "$BUILD/hiblab" ] || die "$BUILD/hiblab is not built"
[ -x "$BUILD/hiblab-workload" ] || die "$BUILD/hiblab-workload is not built"

mkdir -p "$OUT/cache/debs"
OUT=$(cd "$OUT" && pwd)
CACHE=$OUT/cache
DEB=${HIBLAB_DEB:-$(find "$HERE/../build/deb" -maxdepth 1 -name 'hiblab_*.deb' 2>/dev/null |
	LC_ALL=C sort | tail -n 1)}
[ -z "$DEB" ] || DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
[ -z "$DEB" ] || [ -f "$DEB" ] || die "HIBLAB_DEB=$DEB: no such file"

# ---- the root tarball: mmdebstrap, once per (script, initramfs mark, package)
key=$( { cat "$0" "$HERE/debian/00-hiblab-mark"; [ -z "$DEB" ] || cat "$DEB"; } |
	sha256sum | cut -c1-16)
tarball=$CACHE/root-$key.tar
if [ -f "$tarball" ]; then
	say "root tarball cached ($(basename "$tarball"))"
else
	say "mmdebstrap $SUITE (minbase + $PKGS${DEB:+ + $(basename "$DEB")})"
	rm -rf "$CACHE"/root-*.tar "$CACHE"/root-*.tar.tmp
	# the suites apt uses here: the point release, its updates and security (the
	# kernel the busybox guest pins comes from there)
	uris=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
	mirror=${MIRROR:-$(echo "$uris" | grep -v security | head -n 1)}
	mirror=${mirror:-http://deb.debian.org/debian}
	security=${SECURITY_MIRROR:-$(echo "$uris" | grep security | head -n 1)}
	security=${security:-http://deb.debian.org/debian-security}
	# shellcheck disable=SC2016 # "$1" is the root, for mmdebstrap to expand in its hooks
	set -- --variant=minbase --include="$PKGS,$LIBS" \
		--skip=download/empty --skip=essential/unlink \
		--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
		--setup-hook="sync-in $CACHE/debs /var/cache/apt/archives" \
		--essential-hook='mkdir -p "$1"/etc/initramfs-tools/scripts/local-premount' \
		--essential-hook="copy-in $HERE/debian/00-hiblab-mark /etc/initramfs-tools/scripts/local-premount" \
		--customize-hook="sync-out /var/cache/apt/archives $CACHE/debs" \
		--customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb'
	if [ -n "$DEB" ]; then
		set -- "$@" --include="$DEB" \
			--hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount
	fi
	mmdebstrap --quiet --format=tar "$@" "$SUITE" "$tarball.tmp" "deb $mirror $SUITE main" \
		"deb $mirror $SUITE-updates main" "deb $security $SUITE-security main" ||
		die "mmdebstrap failed"
	mv "$tarball.tmp" "$tarball"
	say "root tarball $(basename "$tarball") ($(($(wc -c <"$tarball") / 1048576)) MiB;" \
		"$(find "$CACHE/debs" -name '*.deb' | wc -l) .debs cached)"
fi

# ---- the disk image: the tarball, guest/debian/, hiblab and the workload ---
stamp=$( { echo "$key"; cat "$BUILD/hiblab" "$BUILD/hiblab-workload";
	 find "$HERE/debian" -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-16)
if [ -f "$OUT/root.img" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
	say "up to date: $OUT/root.img"
	exit 0
fi
tree=$OUT/tree
rm -rf "$tree" "$OUT/stamp"
mkdir -p "$tree"
say "unpacking the root"
tar -C "$tree" -xpf "$tarball" --numeric-owner
sh "$HERE/debian/guest.sh" "$tree"
install -m 0755 "$BUILD/hiblab-workload" "$tree/usr/local/bin/hiblab-workload"
# the runner resumes a hiblab chain only through the package's initramfs script
premount=/usr/share/initramfs-tools/scripts/local-premount/hiblab
if [ -n "$DEB" ]; then
	echo "package $(basename "$DEB")$([ ! -f "$tree$premount" ] || echo " $premount")" \
		>"$OUT/hiblab.txt"
else
	install -m 0755 "$BUILD/hiblab" "$tree/usr/local/bin/hiblab"
	echo "binary $BUILD/hiblab in /usr/local/bin" >"$OUT/hiblab.txt"
fi

kernel=$(find "$tree/boot" -name 'vmlinuz-*' | LC_ALL=C sort | tail -n 1)
[ -n "$kernel" ] || die "no kernel in the root's /boot"
release=${kernel##*/vmlinuz-}
[ -f "$tree/boot/initrd.img-$release" ] || die "no initrd.img-$release in the root's /boot"
cp "$kernel" "$OUT/vmlinuz.tmp"
cp "$tree/boot/initrd.img-$release" "$OUT/initrd.img.tmp"

# the used size, and room for the swap file the guest writes (up to 1 GiB of
# guest memory) and the log; the file is sparse
used=$(du -sm "$tree" | cut -f1)
size=$((used + 1536))
say "mkfs.ext4 -d: $used MiB used, $size MiB image"
rm -f "$OUT/root.img.tmp"
mkfs.ext4 -q -F -L hiblab-root -d "$tree" "$OUT/root.img.tmp" "${size}M" ||
	die "mkfs.ext4 -d $tree failed"
mv "$OUT/root.img.tmp" "$OUT/root.img"
mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
echo "debian $SUITE $release" >"$OUT/kernel.txt"
rm -rf "$tree"
echo "$stamp" >"$OUT/stamp"
say "$OUT/root.img ($size MiB, sparse), vmlinuz and initrd.img of $release; hiblab: $(cat "$OUT/hiblab.txt")"
