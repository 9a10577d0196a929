#!/bin/sh
# Install the Debian packages hiblab needs, if any is missing.
# Checks with pkg-config (libraries) and command -v (tools); installs with
# apt-get only what is missing and says what it installs.
#   sh scripts/deps.sh              what building and testing hiblab needs
#   sh scripts/deps.sh debian-guest what guest/debian.sh needs (mmdebstrap)
set -eu

# package:pkg-config-name or package:command
LIBS="libisal-dev:libisal libxxhash-dev:libxxhash liblz4-dev:liblz4 libzstd-dev:libzstd
liblzo2-dev:lzo2 libssl-dev:libcrypto libcriterion-dev:criterion liburing-dev:liburing
libblkid-dev:blkid"
TOOLS="pkg-config:pkg-config gcc:gcc make:make fio:fio gnuplot-nox:gnuplot time:/usr/bin/time
qemu-system-x86:qemu-system-x86_64 busybox-static:busybox cpio:cpio kmod:depmod
libvirt-clients:virsh libvirt-daemon:libvirtd libxml2-utils:xmllint passwd:useradd
e2fsprogs:mkfs.ext4 valgrind:valgrind clang:clang openssh-server:/usr/sbin/sshd
openssh-client:ssh"
# the Debian guest (guest/debian.sh) only: not for every build
if [ "${1:-}" = debian-guest ]; then
	LIBS=""
	TOOLS="mmdebstrap:mmdebstrap e2fsprogs:mkfs.ext4 qemu-system-x86:qemu-system-x86_64"
fi

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

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; run as root or install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
