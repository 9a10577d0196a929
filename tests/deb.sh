#!/bin/sh
# The Debian package `make deb` built (build/deb/): it holds the program,
# the man page, the docs, the scenarios and the profiles, and everything else
# `make install` installs but the library, headers and pkg-config file; its
# Depends name the libraries (dh_shlibdeps worked); every file under etc/ is
# a conffile; lintian finds no error; and the program it holds, unpacked,
# runs a packaged scenario, names the commit it was built from, and
# suspends and resumes.
# Usage: sh tests/deb.sh   (after make deb; HIBLAB_COMMIT: the commit
# `make deb` stamped, checked when given)
set -u

NAME=deb
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
cd "$(dirname "$0")/.." || exit 1

version=$(dpkg-parsechangelog -S Version)
deb=build/deb/hiblab_${version}_$(dpkg-architecture -q DEB_HOST_ARCH).deb
if [ ! -f "$deb" ]; then
	bad "no $deb: run make deb first"
	finish
	exit
fi

# the package's version is the Makefile's (0.1, or 0.1-N for a Debian revision)
make_version=$(sed -n 's/^VERSION := //p' Makefile)
case $version in
"$make_version" | "$make_version"-*) ok ;;
*) bad "package version $version, Makefile VERSION $make_version" ;;
esac

# the package's files, as paths without the leading "."
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$TMP/files"
has() { grep -qx "$1" "$TMP/files"; }
for f in /usr/bin/hiblab /usr/share/man/man1/hiblab.1.gz /usr/share/doc/hiblab/copyright \
	/usr/share/doc/hiblab/README.md.gz /usr/share/doc/hiblab/docs/FORMAT.md.gz; do
	check "the package holds $f" has "$f"
done
for f in scenarios/*.scn; do
	check "the package holds $f" has "/usr/share/hiblab/$f"
done
for f in sim/profiles/*.prof; do
	check "the package holds $f" has "/usr/share/hiblab/profiles/${f##*/}"
done
check_not "the package holds no library, header or pkg-config file" \
	grep -q -e '^/usr/include/' -e '\.a$' -e '\.pc$' "$TMP/files"

# what make install puts into a tree is packaged, whatever it comes to hold:
# every installed file (the library, headers and pkg-config file apart) is in
# the package, compressed by dh_compress where it is a man page
make --no-print-directory install DESTDIR="$TMP/inst" PREFIX=/usr >/dev/null 2>"$TMP/inst.err" ||
	bad "make install DESTDIR=... failed: $(cat "$TMP/inst.err")"
(cd "$TMP/inst" && find . ! -type d) | sed 's|^\./|/|' |
	grep -v -e '^/usr/include/' -e '^/usr/lib/libhiblab\.a$' -e '^/usr/lib/pkgconfig/' >"$TMP/installed"
while read -r f; do
	case $f in /usr/share/man/*) f=$f.gz ;; esac
	check "make install's $f is in the package" has "$f"
done <"$TMP/installed"
check "make install installed something ($(wc -l <"$TMP/installed") files)" test -s "$TMP/installed"

# files under etc/ are conffiles, so that dpkg keeps a user's edits
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles 2>/dev/null >"$TMP/conffiles"
grep '^/etc/' "$TMP/files" | grep -v '/$' >"$TMP/etc"
while read -r f; do
	check "$f is a conffile" grep -qx "$f" "$TMP/conffiles"
done <"$TMP/etc"

# dh_shlibdeps found the libraries the program links
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libisal2 liblz4-1 liblzo2-2 libssl3 libxxhash0 libzstd1 liburing2 libblkid1; do
	case " $depends," in
	*" $lib "* | *" $lib,"*) ok ;;
	*) bad "Depends does not name $lib: $depends" ;;
	esac
done

check "lintian finds no error in $deb" sh -c "lintian --fail-on error '$deb' >'$TMP/lintian' 2>&1"
grep '^E:' "$TMP/lintian"

# the program it holds, unpacked, runs on its own
root=$TMP/root
dpkg-deb -x "$deb" "$root"
hiblab=$root/usr/bin/hiblab
check "hiblab --version names $make_version" \
	sh -c "'$hiblab' --version | grep -q '^hiblab $make_version '"
check "hiblab --help lists the commands" sh -c "'$hiblab' --help | grep -q '^  suspend '"
# a packaged scenario runs as it lies, and its results name the commit the
# package was built from ("unknown" where the build had no git)
if "$hiblab" run "$root/usr/share/hiblab/scenarios/smoke.scn" --only 'smoke/rot*bitflip@0*' \
	--quiet --out "$TMP/run" >"$TMP/run.out" 2>&1; then
	ok
else
	bad "the packaged smoke.scn does not run (one of its runs): $(cat "$TMP/run.out")"
fi
commit=$(sed -n 's/.*"commit": *"\([^"]*\)".*/\1/p' "$TMP/run/runs.json" 2>/dev/null | head -n 1)
check "the results name the commit the package was built from (${HIBLAB_COMMIT:-any}: '$commit')" \
	test "${commit:-none}" = "${HIBLAB_COMMIT:-${commit:-any}}"
check "the unpacked program suspends a packaged profile's memory" \
	"$hiblab" suspend -q --source "sim:$root/usr/share/hiblab/profiles/sqlite.prof,size=1MiB" \
	--filters zero,lz4,crc32c --target "file:$TMP/p.img"
check "and resumes it bit-exact" "$hiblab" resume -q --target "file:$TMP/p.img" --verify
finish
