#!/bin/sh
# The layering rule of docs/PLUGINS.md, checked: each folder includes only
# the folders below it, and core/ only portable headers (libc, pthreads) and
# the two libraries of the format's own checksums (ISA-L, libxxhash).
# The checker is first run on a scratch tree with one planted breach of each
# rule, which it must report, then on the real tree, which must be clean.
# Usage: sh tests/layers.sh
set -u

NAME=layers
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"

# The project folders each folder may include from (its own is implied).
allowed() {
	case $1 in
	core) echo "" ;;
	filters | sim | backends) echo "core" ;;
	bench) echo "core filters backends sim" ;;
	guest) echo "core sim" ;;
	cli) echo "core filters backends sim bench" ;;
	*) echo "-" ;;  # not checked (tests/)
	esac
}

# The only <...> headers core/ may name.
CORE_SYSTEM=" assert.h ctype.h errno.h inttypes.h limits.h stdarg.h stdbool.h stddef.h stdint.h
stdio.h stdlib.h string.h strings.h time.h pthread.h unistd.h isa-l/crc.h xxhash.h xxh_x86dispatch.h "

# check_tree ROOT: print one line per breach under ROOT; exit 1 if any.
check_tree() {
	root=$1
	breaches=0
	for file in $(cd "$root" && find core filters sim backends bench guest cli \
		-name '*.[ch]' 2>/dev/null | sort); do
		dir=${file%%/*}
		may=$(allowed "$dir")
		[ "$may" = "-" ] && continue
		incs=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\(["<][^">]*[">]\).*/\1/p' \
			"$root/$file")
		for inc in $incs; do
			name=$(printf '%s' "$inc" | sed 's/^.\(.*\).$/\1/')
			case $inc in
			\<*)
				[ "$dir" = core ] || continue
				case $CORE_SYSTEM in
				*" $name "* | *"
$name "* | *" $name
"*) ;;
				*)
					echo "$file: includes <$name>: core/ takes only libc, pthreads, ISA-L's crc and libxxhash"
					breaches=$((breaches + 1)) ;;
				esac
				;;
			*)
				case $name in
				*/*) top=${name%%/*} ;;
				*) top=$dir ;;
				esac
				[ "$top" = "$dir" ] && continue
				case " $may " in
				*" $top "*) ;;
				*)
					echo "$file: includes \"$name\": $dir/ may include only ${may:-core/ itself}"
					breaches=$((breaches + 1)) ;;
				esac
				;;
			esac
		done
	done
	[ "$breaches" -eq 0 ]
}

# the checker finds each kind of breach in a tree that has them
mkdir -p "$TMP/t/core" "$TMP/t/filters" "$TMP/t/sim" "$TMP/t/bench"
printf '#include "filters/x.h"\n#include "engine.h"\n' >"$TMP/t/core/a.c"
printf '#include <linux/fs.h>\n#include <stdio.h>\n' >"$TMP/t/core/b.c"
printf '#include "backends/rawio.h"\n#include "core/plugin.h"\n' >"$TMP/t/filters/c.c"
printf '#include "bench/results.h"\n' >"$TMP/t/sim/d.c"
printf '#include "cli/cli.h"\n#include "sim/disk.h"\n' >"$TMP/t/bench/e.c"
check_tree "$TMP/t" >"$TMP/planted"
check "the checker reports all five planted breaches" test "$(wc -l <"$TMP/planted")" -eq 5
check "it names the file and the header" \
	grep -qx 'core/a.c: includes "filters/x.h": core/ may include only core/ itself' "$TMP/planted"
check "it refuses a Linux header in core/" grep -q '^core/b.c: includes <linux/fs.h>' "$TMP/planted"

# Symbols too: an object of a folder may use only hb_ functions and data
# defined in its own folder or the ones it may include (a core header can
# declare what only filters/ defines).  OBJ: the build's object tree.
# objects OBJ SRC DIR: the object files of DIR's sources
objects() {
	for c in "$2/$3"/*.c; do
		c=${c##*/}
		[ -f "$1/$3/${c%.c}.o" ] && echo "$1/$3/${c%.c}.o"
	done
	return 0
}

# check_links OBJ SRC: one line per breach; exit 1 if any.  Only objects of
# sources that exist count (a file removed since the last build left its
# object behind).
check_links() {
	obj=$1
	src=$2
	breaches=0
	for dir in core filters sim backends bench guest cli; do
		[ -d "$obj/$dir" ] || continue
		may=$(allowed "$dir")
		defined=""
		for d in $dir $may; do
			defined="$defined $(objects "$obj" "$src" "$d" | xargs -r nm -g --defined-only 2>/dev/null |
				awk '$3 ~ /^hb_/ { printf " %s ", $3 }')"
		done
		for o in $(objects "$obj" "$src" "$dir"); do
			for sym in $(nm -u "$o" | awk '$2 ~ /^hb_/ { print $2 }'); do
				# the registry is the one file that names every plugin table:
				# listing them there is what links them in
				case ${o##*/}:$sym in
				registry.o:hb_filter_* | registry.o:hb_writer_* | registry.o:hb_source_* | \
				registry.o:hb_sink_*) continue ;;
				esac
				case "$defined" in
				*" $sym "*) ;;
				*)
					echo "${o#"$obj/"}: uses $sym, which $dir/ may not reach (${may:-core/ only})"
					breaches=$((breaches + 1)) ;;
				esac
			done
		done
	done
	[ "$breaches" -eq 0 ]
}

# the symbol check finds a core object that calls up into filters/
mkdir -p "$TMP/o/core" "$TMP/o/filters"
printf 'void hb_up(void);\nvoid hb_down(void) { hb_up(); }\n' >"$TMP/o/core/down.c"
printf 'void hb_up(void);\nvoid hb_up(void) {}\n' >"$TMP/o/filters/up.c"
if ${CC:-cc} -c -o "$TMP/o/core/down.o" "$TMP/o/core/down.c" &&
   ${CC:-cc} -c -o "$TMP/o/filters/up.o" "$TMP/o/filters/up.c"; then
	check_links "$TMP/o" "$TMP/o" >"$TMP/planted-links"
	check "the symbol check reports core/ calling filters/" \
		grep -qx 'core/down.o: uses hb_up, which core/ may not reach (core/ only)' "$TMP/planted-links"
else
	bad "cannot compile the planted objects"
fi

# and the real tree has none
if check_tree "$(dirname "$0")/.." >"$TMP/real"; then ok; else bad "layering breaches:"; cat "$TMP/real"; fi
OBJ=${LAYERS_OBJ:-build/obj}
if [ -d "$OBJ/core" ]; then
	if check_links "$OBJ" "$(dirname "$0")/.." >"$TMP/links"; then ok; else bad "objects reach above their layer:"; cat "$TMP/links"; fi
else
	echo "layers: no objects in $OBJ (build first): the symbol check is skipped"
fi
finish
