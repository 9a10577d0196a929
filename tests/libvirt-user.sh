# shellcheck shell=sh
# Sourced by tests/libvirt.sh and tests/libvirt-remote.sh, after harness.sh:
# the unprivileged user whose libvirt session daemon runs the guests
# ($HIBLAB_LIBVIRT_USER, default hiblab-test; as root it is made when
# missing, and $home is its home), and $work, a directory that user owns
# holding copies of hiblab, the guest and libvirt-smoke.scn: the work tree
# may sit where that user cannot read.  as_user CMD... runs CMD as the user.
# The exit trap removes $TMP and $work; a suite with more to undo sets
# its own trap and calls work_cleanup from it.
GUEST=${GUEST:-build/guest}
user=${HIBLAB_LIBVIRT_USER:-hiblab-test}

work=$(mktemp -d "${TMPDIR:-/tmp}/hiblab-$NAME-work-XXXXXX")
work_cleanup() { rm -rf "$TMP" "$work"; }
trap work_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/guest"
cp "$HIBLAB" "$work/hiblab"
cp "$GUEST/vmlinuz" "$GUEST/initrd.img" "$work/guest/"
cp scenarios/libvirt-smoke.scn "$work/"
chmod 755 "$work" "$work/guest"

if [ "$(id -u)" -eq 0 ]; then
	if ! id "$user" >/dev/null 2>&1; then
		useradd --system --create-home --home-dir "/var/lib/$user" \
			--shell /usr/sbin/nologin "$user" ||
			{ echo "$NAME: cannot make the user $user"; exit 1; }
	fi
	home=$(getent passwd "$user" | cut -d: -f6)
	chown -R "$user" "$work"
	# a clean environment: the session daemon lives under the user's HOME
	as_user() { runuser -u "$user" -- env -i PATH="$PATH" HOME="$home" LANG=C "$@"; }
else
	home=$HOME
	as_user() { "$@"; }
fi
