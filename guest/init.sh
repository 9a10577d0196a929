#!/bin/busybox sh
# shellcheck shell=dash
# /init of hiblab's test guest (docs/QEMU.md).  The host says what to do on
# the kernel command line; every step prints one "HIBLAB-..." line on the
# serial console, which the host times and parses.
#   hb_boot=suspend  fill memory with the workload, then hibernate
#   hb_boot=resume   restore the image, or say why not and carry on
#   hb_role=hiblab|kernel   who hibernates: hiblab, or the kernel itself
#   hb_target=swap:/dev/vda   hb_filters=lz4,crc32c   hb_mib=64
#   hb_profile=mixed   hb_seed=1   hb_threads=0   hb_dev=/dev/vda
#   hb_swapon=1      hiblab's swap area is in use (swapon) while it hibernates:
#                    the kernel may swap pages out first, as for its own
#                    hibernation, and hiblab takes its slots from the kernel
#   hb_kcomp=lzo|lz4 hb_kthreads=N   the kernel's own hibernation: its
#                    compressor and threads where the kernel has the knob;
#                    where not, one HIBLAB-UNSUPPORTED line and power-off
#   hb_stress=N      hibernate N times in this one running system (reboot = no)
#   hb_zero_top=MIB  end memory with MIB of zero pages at the highest frames
/bin/busybox --install -s /bin
# hiblab prints "HIBLAB-PHASE name" at its phase boundaries for the host
export HIBLAB_PHASE_MARKS=1
export PATH=/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

say() { echo "HIBLAB-$*"; }
off() { say "POWEROFF $*"; sync; poweroff -f; }

boot=none role=hiblab target=swap:/dev/vda filters=none mib=64 profile=mixed seed=1
threads="" dev=/dev/vda swap_on=0 kcomp=none kthreads="" stress=1 zero_top=0
read -r cmdline </proc/cmdline
for w in $cmdline; do
	v=${w#*=}
	case "$w" in
	hb_boot=*) boot=$v ;;
	hb_role=*) role=$v ;;
	hb_target=*) target=$v ;;
	hb_filters=*) filters=$v ;;
	hb_mib=*) mib=$v ;;
	hb_profile=*) profile=$v ;;
	hb_seed=*) seed=$v ;;
	hb_threads=*) threads=${v#0} ;;
	hb_dev=*) dev=$v ;;
	hb_swapon=*) swap_on=$v ;;
	hb_kcomp=*) kcomp=$v ;;
	hb_kthreads=*) kthreads=${v#0} ;;
	hb_stress=*) stress=$v ;;
	hb_zero_top=*) zero_top=$v ;;
	*) ;;
	esac
done

while read -r m; do
	insmod "/lib/modules/$m.ko" || say "ERROR insmod $m"
done </lib/modules/order
i=0
while [ ! -b "$dev" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -b "$dev" ] || off "no $dev"
say "BOOTED boot=$boot role=$role"

key=""
case "$filters" in *aes*|*chacha*) key="--key keyfile=/etc/hiblab.key" ;; *) ;; esac

unsupported() { say "UNSUPPORTED $*"; off unsupported; }

# The kernel's own hibernation: its compressor (6.9+ has the knob; before,
# LZO only) and its compression threads (6.19+).  The lz4 crypto module is
# loaded at boot with the others, where the kernel has it as a module.
kernel_knobs() {
	p=/sys/module/hibernate/parameters/compressor
	if [ -z "$kcomp" ] || [ "$kcomp" = none ]; then
		: # not asked for: the kernel's own default
	elif [ -e "$p" ]; then
		echo "$kcomp" >"$p" 2>/dev/null || unsupported "compressor $kcomp (the kernel refused it in $p)"
	elif [ "$kcomp" != lzo ]; then
		unsupported "compressor $kcomp (no $p: this kernel compresses with LZO only)"
	fi
	if [ -n "$kthreads" ]; then
		t=/sys/power/hibernate_compression_threads
		[ -e "$t" ] || unsupported "kernel-threads (no $t)"
		echo "$kthreads" >"$t" 2>/dev/null || unsupported "kernel-threads $kthreads (refused by $t)"
	fi
}

# After a failed resume the machine boots normally: the area is swap again.
carry_on() {
	case "$target" in
	swap:*)
		if swapon "$dev"; then say "SWAPON ok"; swapoff "$dev"; else say "SWAPON failed"; fi ;;
	*) ;;
	esac
}

if [ "$boot" = resume ]; then
	say "RESTORE-START"
	if [ "$role" = kernel ]; then
		# resume=... on the command line would do it earlier; this is the
		# initramfs way: the device number, then the kernel restores or returns
		cat "/sys/block/${dev#/dev/}/dev" >/sys/power/resume
		say "RESUME-FAILED rc=1 no kernel image restored"
	else
		# shellcheck disable=SC2086 # $key is two words or none
		hiblab resume --target "$target" --sink snapshot $key
		say "RESUME-FAILED rc=$?"
	fi
	carry_on
	off resume-failed
fi

[ "$boot" = suspend ] || off "nothing to do (hb_boot=$boot)"

case "$target" in
swap:*)
	mkswap "$dev" >/dev/null || off "mkswap failed"
	if [ "$role" = kernel ] || [ "$swap_on" = 1 ]; then
		swapon "$dev" || off "swapon failed"
	fi ;;
*) ;;
esac
if [ "$role" = kernel ]; then
	kernel_knobs
	echo shutdown >/sys/power/disk
fi

rm -f /tmp/filled
hiblab-workload --mib "$mib" --profile "$profile" --seed "$seed" --ready /tmp/filled \
	--zero-top "$zero_top" &
wpid=$!
while [ ! -e /tmp/filled ]; do
	kill -0 "$wpid" 2>/dev/null || off "workload died"
	sleep 0.05
done

# hb_stress=N: hibernate and resume N times in this one running system, the
# workload checked after every resume (SIGUSR2: check and stay); 1: once
cycle=1
while :; do
	say "SUSPEND-START role=$role cycle=$cycle"
	if [ "$role" = kernel ]; then
		if echo disk >/sys/power/state; then rc=0; else rc=1; fi
	else
		# shellcheck disable=SC2086 # $key is two words or none
		hiblab suspend --source snapshot --target "$target" --filters "$filters" \
			${threads:+--threads "$threads"} $key
		rc=$?
	fi
	# here after a restore, or when the suspend failed and the system thawed
	say "RESUMED rc=$rc cycle=$cycle"
	if [ "$rc" != 0 ] || [ "$cycle" -ge "$stress" ]; then break; fi
	rm -f /tmp/filled
	kill -USR2 "$wpid"
	while [ ! -e /tmp/filled ] && kill -0 "$wpid" 2>/dev/null; do sleep 0.05; done
	[ -e /tmp/filled ] || break  # a mismatch: the workload said so and ended
	cycle=$((cycle + 1))
done
kill -USR1 "$wpid"
wait "$wpid"
say "DONE workload=$?"
off finished
