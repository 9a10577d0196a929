#!/bin/sh
# libvirt-remote: scenarios/libvirt-smoke.scn through a remote libvirt URI,
# for real.  An sshd of the test's own on 127.0.0.1 (its config, host key
# and port under $work; it runs as the test user, so it can log in no one
# else) lets root's virsh in as that user with a key made for the test; the
# user's session daemon starts the guest; root's hiblab reads its console:
#   qemu+ssh://USER@127.0.0.1:PORT/session?keyfile=KEY&no_tty=1&command=SSH
# Then a URI that cannot connect must fail its run in one line, at once.
# Root only (it lends the test user a shell and a key for the run, and
# restores both on exit).  docs/QEMU.md ("A remote URI").
# Usage: HIBLAB=build/hiblab GUEST=build/guest sh tests/libvirt-remote.sh
set -u

NAME=libvirt-remote
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "$NAME: not root (it lends the test user a login): skipped"
	exit 0
fi
# shellcheck source=tests/libvirt-user.sh
. "$(dirname "$0")/libvirt-user.sh"
sshd=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)

# Undo, on any exit: stop our sshd (by its pid), put the user's
# authorized_keys and shell back.
shell=$(getent passwd "$user" | cut -d: -f7)
keys=$home/.ssh/authorized_keys
had_ssh_dir=no
[ -d "$home/.ssh" ] && had_ssh_dir=yes
[ -f "$keys" ] && cp -p "$keys" "$TMP/authorized_keys.saved"
sshd_pid=
cleanup() {
	if [ -n "$sshd_pid" ]; then
		kill "$sshd_pid" 2>/dev/null
		i=0
		while kill -0 "$sshd_pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$sshd_pid" 2>/dev/null
	fi
	if [ -f "$TMP/authorized_keys.saved" ]; then
		as_user tee "$keys" <"$TMP/authorized_keys.saved" >/dev/null
	elif [ "$had_ssh_dir" = yes ]; then
		rm -f "$keys"
	else
		rm -rf "$home/.ssh"
	fi
	[ "$(getent passwd "$user" | cut -d: -f7)" = "$shell" ] || usermod -s "$shell" "$user"
	work_cleanup
}
trap cleanup EXIT

# A key pair for the client (root's, in $TMP), and the user's login: sshd
# runs the user's shell, and a nologin shell refuses every command.
ssh-keygen -q -t ed25519 -N '' -C hiblab-libvirt-remote -f "$TMP/id" ||
	{ echo "$NAME: ssh-keygen failed"; exit 1; }
case $shell in
*/nologin | */false) usermod -s /bin/sh "$user" ;;
esac
as_user mkdir -p -m 700 "$home/.ssh"
as_user tee "$keys" <"$TMP/id.pub" >/dev/null
as_user chmod 600 "$keys"

# The server: key-only, loopback only, this user only.  sshd binds after it
# forks, so its log says whether the port was free; try a few.
srv=$work/sshd
mkdir "$srv"
ssh-keygen -q -t ed25519 -N '' -f "$srv/host_key"
cat >"$srv/config" <<EOF
ListenAddress 127.0.0.1
HostKey $srv/host_key
PidFile $srv/pid
AllowUsers $user
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
PermitTTY no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
EOF
chown -R "$user" "$srv"
port=$((20000 + $$ % 20000))
for try in 1 2 3 4 5; do
	as_user "$sshd" -f "$srv/config" -o "Port=$port" -E "$srv/log.$try"
	i=0
	while [ "$i" -lt 50 ] && ! grep -q 'Server listening\|Cannot bind' "$srv/log.$try" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q 'Server listening' "$srv/log.$try" 2>/dev/null && [ -s "$srv/pid" ]; then
		sshd_pid=$(cat "$srv/pid")
		log=$srv/log.$try
		break
	fi
	port=$((port + 1))
done
if [ -z "$sshd_pid" ]; then
	echo "$NAME: sshd did not start: $(cat "$srv"/log.* 2>/dev/null)"
	exit 1
fi

# The client: libvirt's ssh transport runs `ssh` with -i KEY (keyfile) and
# BatchMode (no_tty: never a password prompt).  It has no known_hosts
# parameter (libssh's has), so command= names an ssh that checks the host key
# against a file of the test's own, leaving root's ~/.ssh as it was.
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$srv/host_key.pub")" >"$TMP/known_hosts"
cat >"$TMP/ssh" <<EOF
#!/bin/sh
exec ssh -F none -o UserKnownHostsFile=$TMP/known_hosts -o GlobalKnownHostsFile=/dev/null \\
	-o StrictHostKeyChecking=yes -o ConnectTimeout=10 "\$@"
EOF
chmod 755 "$TMP/ssh"
# root's own known_hosts, to show the run left it as it was
kh_sum() { cksum "$(getent passwd root | cut -d: -f6)/.ssh/known_hosts" 2>/dev/null || echo none; }
kh_before=$(kh_sum)
params="keyfile=$TMP/id&no_tty=1&command=$TMP/ssh"
uri="qemu+ssh://$user@127.0.0.1:$port/session?$params"

# run SCENARIO OUT: root's hiblab, the runner's scratch in $work (the user
# must reach the disk there); exit status in $rc, seconds in $took
run() {
	start=$(date +%s)
	HIBLAB_GUEST="$work/guest" TMPDIR="$work" timeout 600 "$HIBLAB" run "$1" --out "$2" \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	took=$(($(date +%s) - start))
}

# scenario NAME URI FILE: libvirt-smoke.scn named NAME, at URI
scenario() {
	grep -v -e "^name " -e "^uri " "$work/libvirt-smoke.scn" >"$3"
	printf "name = %s\nuri = %s\n" "$1" "$2" >>"$3"
}

# one cycle, the guest started through ssh by the user's session daemon
scenario libvirt-smoke "$uri" "$work/remote.scn"
run "$work/remote.scn" "$work/remote"
check "remote smoke: exit $rc: $(cat "$TMP/out" "$TMP/err")" [ "$rc" -eq 0 ]
out=$work/remote
check "runs.csv: machine libvirt, restored" grep -q ',restored,,yes,0,,libvirt,\(tcg\|kvm\),hiblab,[1-9][0-9]*,' "$out/runs.csv"
check "summary.md: the guest table names libvirt" grep -q '| hiblab | [0-9][^|]* | swap | lz4,crc32c | libvirt/' "$out/summary.md"
check "cycles.csv: one row for the one cycle" [ "$(grep -c ',libvirt,.*,1,restored,' "$out/cycles.csv")" -eq 1 ]
check "console log kept" grep -q 'HIBLAB-VERIFY ok' "$out/console/run-0-cycle-1.log"
check "console log: the virsh command names the remote URI" \
	grep -qF "# virsh -c $uri create " "$out/console/run-0-cycle-1.log"
check "sshd let the user in with the test's key" grep -q "Accepted publickey for $user from 127.0.0.1" "$log"
check "root's known_hosts untouched" [ "$(kh_sum)" = "$kh_before" ]
echo "$NAME: the remote cycle took $took s"

# nothing listens on port 1: the run fails in one line with virsh's words,
# in seconds (virsh is bounded by the phase limit, 20 s here)
scenario no-host "qemu+ssh://$user@127.0.0.1:1/session?$params" "$work/no-host.scn"
export HIBLAB_QEMU_TIMEOUT=20
run "$work/no-host.scn" "$work/no-host"
check "no host: exit $rc, expected 1" [ "$rc" -eq 1 ]
check "no host: over in $took s, expected under 30" [ "$took" -lt 30 ]
check "no host: the reason names virsh and its words" \
	grep -q 'CRASH.*libvirt: virsh -c qemu+ssh://[^ ]*:1/session?[^ ]* create: error: failed to connect to the hypervisor' "$work/no-host/runs.csv"
check_not "no host: no pointer to the session-as-root advice" grep -q 'wants an unprivileged user' "$work/no-host/runs.csv"
finish
