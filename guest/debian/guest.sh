#!/bin/sh
# Run by guest/debian.sh on the guest's unpacked root (ROOT, from the host:
# files only, nothing chrooted): the settings, scripts and units that make
# it a test guest the host drives.
# Usage: sh guest/debian/guest.sh ROOT
set -eu

ROOT=${1:?usage: guest.sh ROOT}
HERE=$(cd "$(dirname "$0")" && pwd)

install -m 0755 "$HERE/hiblab-guest" "$ROOT/usr/local/sbin/hiblab-guest"
for unit in "$HERE"/*.service; do
	install -m 0644 "$unit" "$ROOT/etc/systemd/system/"
done

# a fixed machine id: not a first boot (no firstboot prompt on the console)
echo 6869626c61622d64656269616e2d3132 >"$ROOT/etc/machine-id"
echo hiblab-guest >"$ROOT/etc/hostname"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 0\n' >"$ROOT/etc/fstab"

# The kernel's own hibernation powers off at the end, as the busybox guest's
# baseline does (/sys/power/disk = shutdown), not through the platform (S4)
mkdir -p "$ROOT/etc/systemd/sleep.conf.d"
printf '[Sleep]\nHibernateMode=shutdown\n' >"$ROOT/etc/systemd/sleep.conf.d/hiblab-guest.conf"

# hiblab setup runs update-initramfs -u in the guest: with Debian's
# MODULES=most that took over 5 minutes under TCG here; the modules this
# machine needs (dep) and a fast gzip keep it short.  The image's first
# initrd (built by mmdebstrap, natively) stays MODULES=most.
mkdir -p "$ROOT/etc/initramfs-tools/conf.d"
printf 'MODULES=dep\nCOMPRESS=gzip\nCOMPRESSLEVEL=1\n' >"$ROOT/etc/initramfs-tools/conf.d/hiblab-guest"

# the host reads the console: no login prompts on it, no timers that wake
# up during a measurement
for unit in getty@tty1.service serial-getty@ttyS0.service apt-daily.timer \
	apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
	ln -sf /dev/null "$ROOT/etc/systemd/system/$unit"
done

# the units of guest/debian/, enabled by hand (as systemctl enable would)
enable_unit() {
	mkdir -p "$ROOT/etc/systemd/system/$2.wants"
	ln -sf "/etc/systemd/system/$1" "$ROOT/etc/systemd/system/$2.wants/$1"
}
enable_unit hiblab-swapfile.service swap.target
enable_unit hiblab-workload.service multi-user.target
enable_unit hiblab-sqlite.service multi-user.target
enable_unit hiblab-drive.service multi-user.target
enable_unit hiblab-resumed.service hibernate.target
