#!/bin/sh
# `make install` gives a program what it needs to use the engine: the public
# headers only, libhiblab.a with the engine and its plugins (no harness),
# and a pkg-config file naming the libraries to link.  A small program built
# against the installed tree alone suspends and resumes an image.
# `make uninstall` takes it all away again.
# Usage: PREFIX=DIR sh tests/install.sh   (after make install PREFIX=DIR)
set -u

NAME=install
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
: "${PREFIX:?PREFIX: the tree make install wrote}"

check "the public headers, and only they, are installed" \
	test "$(cd "$PREFIX/include/hiblab" && printf '%s ' *)" = \
	"engine.h error.h format.h hash.h options.h plugin.h "
check "libhiblab.a holds the engine and its plugins" \
	sh -c "ar t '$PREFIX/lib/libhiblab.a' | grep -qx suspend.o && ar t '$PREFIX/lib/libhiblab.a' | grep -qx zstd.o"
check_not "libhiblab.a holds no harness code (bench/)" \
	sh -c "ar t '$PREFIX/lib/libhiblab.a' | grep -qx -e results.o -e runner.o -e scn_parse.o"
# the learned profiles, where docs/SIMULATION.md says, usable as they lie
profiles=$(cd "$(dirname "$0")/../sim/profiles" && printf '%s ' *.prof)
check "the learned profiles are installed in share/hiblab/profiles" \
	test "$(cd "$PREFIX/share/hiblab/profiles" && printf '%s ' *.prof)" = "$profiles"
check "an installed profile generates memory" \
	"$PREFIX/bin/hiblab" suspend -q --source "sim:$PREFIX/share/hiblab/profiles/sqlite.prof,size=1MiB" \
	--filters zero,lz4 --target "file:$TMP/p.img"

# the Debian integration (docs/DEBIAN.md): where initramfs-tools looks when PREFIX=/usr
it=$PREFIX/share/initramfs-tools
check "the initramfs-tools hook and local-premount script are installed, executable" \
	test -x "$it/hooks/hiblab" -a -x "$it/scripts/local-premount/hiblab"
check "the example configuration is installed" test -f "$PREFIX/share/hiblab/hibernate.conf.example"
# the example is valid as shipped but for its swap file, which this machine lacks
mkdir -p "$TMP/root/etc/hiblab"
sed "s|^swapfile = .*|target = swap:/dev/vdz|" "$PREFIX/share/hiblab/hibernate.conf.example" \
	>"$TMP/root/etc/hiblab/hibernate.conf"
chmod 644 "$TMP/root/etc/hiblab/hibernate.conf"
check "the example configuration passes hiblab setup (its swap file named as a device)" \
	sh -c "'$PREFIX/bin/hiblab' setup --dry-run --root '$TMP/root' >/dev/null"

cat >"$TMP/use.c" <<'PROG'
#include <hiblab/engine.h>
#include <hiblab/error.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	struct hb_suspend_args s = { .source = "sim:mixed,size=1MiB,seed=3",
				     .filters = "zero,lz4,crc32c", .target = argv[1], .threads = 2 };
	struct hb_resume_args r = { .target = argv[1], .verify = 1, .threads = 2 };
	struct hb_stats st;
	int err = argc == 2 ? hb_suspend(&s, &st) : HB_EUSAGE;

	if (!err)
		err = hb_resume(&r, &st);
	if (err) {
		fprintf(stderr, "use: %s\n", hb_detail(err));
		return 1;
	}
	printf("restored %llu pages\n", (unsigned long long)st.pages);
	return 0;
}
PROG
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
check "pkg-config knows hiblab" pkg-config --exists hiblab
# shellcheck disable=SC2046 # pkg-config's words are meant to split
if ${CC:-cc} -std=c11 -Wall -Werror -o "$TMP/use" "$TMP/use.c" \
	$(pkg-config --cflags --libs hiblab) 2>"$TMP/cc.err"; then
	ok
	check "a program on the installed tree alone suspends and resumes bit-exact" \
		sh -c "'$TMP/use' 'file:$TMP/a.img' | grep -qx 'restored 256 pages'"
else
	bad "a program does not build against the installed tree: $(cat "$TMP/cc.err")"
fi
finish
