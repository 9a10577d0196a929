#!/bin/sh
# libvirt: scenarios/libvirt-smoke.scn, one real hibernation cycle in a
# guest started through libvirt (machine = libvirt, qemu:///session), and a
# connection that fails, said in one line.  Root has no system libvirt
# daemon here, so as root the runs go to an unprivileged user
# ($HIBLAB_LIBVIRT_USER, default hiblab-test, made when missing) working on
# copies of hiblab and the guest (tests/libvirt-user.sh).
# Usage: HIBLAB=build/hiblab GUEST=build/guest sh tests/libvirt.sh
set -u

NAME=libvirt
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
# shellcheck source=tests/libvirt-user.sh
. "$(dirname "$0")/libvirt-user.sh"

# run ARGS...: hiblab ARGS as the user, in $work; exit status in $rc
run() {
	as_user env HIBLAB_GUEST="$work/guest" "$work/hiblab" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# one cycle through libvirt: restored, and said so in every report
run run "$work/libvirt-smoke.scn" --quiet --out "$work/smoke"
check "libvirt-smoke: exit $rc: $(cat "$TMP/out" "$TMP/err")" [ "$rc" -eq 0 ]
csv=$work/smoke/runs.csv
check "runs.csv: machine libvirt, restored" grep -q ',restored,,yes,0,,libvirt,\(tcg\|kvm\),hiblab,[1-9][0-9]*,' "$csv"
check "summary.md: the guest table names libvirt" grep -q '| hiblab | [0-9][^|]* | swap | lz4,crc32c | libvirt/' "$work/smoke/summary.md"
check "cycles.csv: one row for the one cycle" [ "$(grep -c ',libvirt,.*,1,restored,' "$work/smoke/cycles.csv")" -eq 1 ]
check "console log kept" grep -q 'HIBLAB-VERIFY ok' "$work/smoke/console/run-0-cycle-1.log"
check "console log: the virsh command" grep -q '^# virsh -c qemu:///session create ' "$work/smoke/console/run-0-cycle-1.log"

# a connection libvirt cannot make: the run fails naming libvirt and virsh's words
sed -e 's|^uri .*|uri = bogus:///nowhere|' -e 's|^name .*|name = bogus|' \
	"$work/libvirt-smoke.scn" >"$work/bogus.scn"
chmod 644 "$work/bogus.scn"
run run "$work/bogus.scn" --out "$work/bogus"
check "bogus uri: exit $rc, expected 1" [ "$rc" -eq 1 ]
check "bogus uri: the reason names virsh" grep -q 'CRASH.*libvirt: virsh -c bogus:///nowhere create: ' "$work/bogus/runs.csv"

# the session daemon exits by itself after a while; do not leave it behind
if [ "$(id -u)" -eq 0 ] && command -v pkill >/dev/null 2>&1; then
	pkill -u "$user" -x libvirtd 2>/dev/null || true
fi
finish
