#!/bin/sh
# `make deb`: hiblab's Debian package (debian/), built by dpkg-buildpackage
# -b and checked by lintian, into build/deb/.
# dpkg-buildpackage writes its products into the parent directory of the
# source tree; the build runs in a copy of the tree under build/deb/, so that
# they land in build/deb/ and the tree and its parent stay as they were.
# Usage: [HIBLAB_COMMIT=...] sh scripts/deb.sh   (from the top of the tree)
# The .deb's path is the last line of the output.  Fails on a lintian error;
# lintian's warnings are printed.
set -eu

OUT=build/deb
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
src=$OUT/hiblab-$version
deb=$OUT/hiblab_${version}_$arch.deb

rm -rf "$OUT"
mkdir -p "$src"
# the tree as git sees it (tracked and new files, not what .gitignore hides:
# no build/, no results), or, outside git, everything but build/
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		tar --null --files-from=- --ignore-failed-read -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$src"
fi

# HIBLAB_COMMIT: the commit `make deb` saw (debian/rules); without it the
# copy's Makefile asks git, which finds this tree's repository above the copy
export HIBLAB_COMMIT="${HIBLAB_COMMIT:-}"
start=$(date +%s)
# two make jobs unless DEB_BUILD_OPTIONS says otherwise (dpkg's default is one)
(cd "$src" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=2} dpkg-buildpackage -b -us -uc)
echo "deb: built in $(($(date +%s) - start)) s"
rm -rf "$src"

[ -f "$deb" ] || { echo "deb: dpkg-buildpackage made no $deb" >&2; exit 1; }
lintian --fail-on error "$deb"
echo "$deb"
