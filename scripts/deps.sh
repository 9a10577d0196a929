#!/bin/sh
# Install the Debian packages hiblab needs, if any is missing.
# Checks with pkg-config (libraries) and command -v (tools); installs with
# apt-get only what is missing and says what it installs.
# Usage: sh scripts/deps.sh        what the build, the tests and the benchmarks need
#        sh scripts/deps.sh deb    what `make deb` needs: the packaging tools, then
#                                  debian/control's Build-Depends (apt-get build-dep)
#        sh scripts/deps.sh debian-guest   what guest/debian.sh needs (mmdebstrap)
set -eu
mode=${1:-all}

# package:pkg-config-name or package:command
LIBS="libisal-dev:libisal libxxhash-dev:libxxhash liblz4-dev:liblz4 libzstd-dev:libzstd
liblzo2-dev:lzo2 libssl-dev:libcrypto libcriterion-dev:criterion liburing-dev:liburing
libblkid-dev:blkid"
TOOLS="pkg-config:pkg-config gcc:gcc make:make fio:fio gnuplot-nox:gnuplot time:/usr/bin/time
qemu-system-x86:qemu-system-x86_64 busybox-static:busybox cpio:cpio kmod:depmod
libvirt-clients:virsh libvirt-daemon:libvirtd libxml2-utils:xmllint passwd:useradd
e2fsprogs:mkfs.ext4 valgrind:valgrind clang:clang openssh-server:/usr/sbin/sshd
openssh-client:ssh chromium:chromium"
case $mode in
all) ;;
deb)
	# build-essential has no command of its own: g++, which it pulls in,
	# stands in for it; the libraries come from Build-Depends below
	cd "$(dirname "$0")/.."
	LIBS=""
	TOOLS="dpkg-dev:dpkg-buildpackage debhelper:dh lintian:lintian fakeroot:fakeroot
build-essential:g++"
	;;
debian-guest)
	# the Debian guest (guest/debian.sh) only: not for every build
	LIBS=""
	TOOLS="mmdebstrap:mmdebstrap e2fsprogs:mkfs.ext4 qemu-system-x86:qemu-system-x86_64"
	;;
*)
	echo "deps: unknown mode '$mode' (all, deb or debian-guest)" >&2
	exit 2
	;;
esac

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "deps: not root; run as root or install:$1" >&2
		exit 1
	fi
}
# other apt users on the machine: wait for the lock rather than fail
APT="apt-get -o DPkg::Lock::Timeout=300"
export DEBIAN_FRONTEND=noninteractive

missing=""
for pair in $TOOLS; do
	command -v "${pair#*:}" >/dev/null 2>&1 || missing="$missing ${pair%%:*}"
done
for pair in $LIBS; do
	if ! command -v pkg-config >/dev/null 2>&1 ||
	   ! pkg-config --exists "${pair#*:}" 2>/dev/null; then
		missing="$missing ${pair%%:*}"
	fi
done

updated=""
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	need_root "$missing"
	$APT update -qq
	updated=1
	# shellcheck disable=SC2086 # word splitting of the list is intended
	$APT install -y -qq --no-install-recommends $missing >/dev/null
	echo "deps: done"
fi

# deb: whatever debian/control's Build-Depends names and is not installed
if [ "$mode" = deb ] && ! dpkg-checkbuilddeps >/dev/null 2>&1; then
	echo "deps: installing the Build-Depends of debian/control"
	need_root "the Build-Depends of debian/control (dpkg-checkbuilddeps)"
	[ -n "$updated" ] || $APT update -qq
	$APT build-dep -y -qq --no-install-recommends ./ >/dev/null
	echo "deps: done"
fi
exit 0
