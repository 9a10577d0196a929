#!/bin/sh
# The format's test vectors (tests/vectors/README.md): every committed image
# is inspected and resumed, from a copy (resume spends what it reads), with
# this build, and the pages it restores must have the sha256 the README
# lists.  A change that breaks reading images made before it fails here.
# Usage: HIBLAB=build/hiblab sh tests/vectors.sh
set -u

NAME=vectors
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
VEC=$(cd "$(dirname "$0")/vectors" && pwd)
# the checks run in $TMP
case $HIBLAB in /*) ;; *) HIBLAB=$(pwd)/$HIBLAB ;; esac

# key files are committed world-readable (git keeps no 0600): private copies
# keep the "can be read by other users" note out of the output
for f in aes.key chacha.pass; do
	cp "$VEC/$f" "$TMP/$f" && chmod 600 "$TMP/$f"
done

# the README's table rows: | `NAME.img` | `FILTERS` | `KEY` or - | BYTES | `SHA256` |
# shellcheck disable=SC2016 # the backquotes are markdown's, not the shell's
sed -n 's/^| `\([a-z0-9-]*\.img\)` | `\([^`]*\)` | `\{0,1\}\([^ `]*\)`\{0,1\} | [0-9]* | `\([0-9a-f]\{64\}\)` |$/\1 \2 \3 \4/p' \
	"$VEC/README.md" >"$TMP/rows"
rows=$(wc -l <"$TMP/rows")
check "the README lists 10 vectors (found $rows)" test "$rows" -eq 10

while read -r img filters key want; do
	keyarg=
	[ "$key" = - ] || keyarg="--key $key"
	cp "$VEC/$img" "$TMP/$img"
	# the filter names: an item with "=" and no ":" is an option of the one before
	chain=$(echo "$filters" | tr , "\n" | sed -e "s/:.*//" -e "/=/d" | paste -sd, -)
	if ! (cd "$TMP" && "$HIBLAB" inspect "file:$img") >"$TMP/inspect" 2>&1; then
		bad "inspect $img: $(cat "$TMP/inspect")"
		continue
	fi
	check "inspect $img: valid" grep -q -e '^state: *valid' "$TMP/inspect"
	# format 1 still read; a cipher's image is of format 2, with its tag
	case $key in
	-) version=1 ;;
	*) version=2
	   check "inspect $img: a header tag" grep -q '^tag: *hmac-sha256 ' "$TMP/inspect" ;;
	esac
	check "inspect $img: format version $version" \
		grep -q "^format: *version $version\$" "$TMP/inspect"
	check "inspect $img: filters $chain" \
		test "$(sed -n 's/^ *[0-9]*\. \([a-z0-9-]*\) .*/\1/p' "$TMP/inspect" | paste -sd, -)" \
		= "$(echo "$chain" | sed 's/^none$//')"
	rm -f "$TMP/pages"
	# shellcheck disable=SC2086 # keyarg: no word or two
	if ! (cd "$TMP" && timeout 120 "$HIBLAB" resume --target "file:$img" \
		--sink file:pages $keyarg --quiet) >"$TMP/err" 2>&1; then
		bad "resume $img: $(cat "$TMP/err")"
		continue
	fi
	got=$(sha256sum <"$TMP/pages" | cut -d' ' -f1)
	check "resume $img: pages sha256 $got, expected $want" test "$got" = "$want"
	check "resume $img: spent the copy, not the vector" \
		sh -c "cd '$TMP' && '$HIBLAB' inspect 'file:$img' | grep -q '^state: *spent'"
done <"$TMP/rows"

# encrypted images of format 1: no header tag, so refused, and left valid
for f in "$VEC"/refused/v1-*.img; do
	img=${f##*/}
	cp "$f" "$TMP/$img"
	key=keyfile=aes.key
	case $img in *chacha*) key=passfile=chacha.pass ;; esac
	(cd "$TMP" && "$HIBLAB" resume --target "file:$img" --key "$key" --quiet) >"$TMP/err" 2>&1
	rc=$?
	check "refused/$img: exit 4 (got $rc)" test "$rc" -eq 4
	check "refused/$img: says its header is not authenticated" \
		grep -q "image format 1 holds a cipher but its header is not authenticated" "$TMP/err"
	check "refused/$img: left valid" \
		sh -c "cd '$TMP' && '$HIBLAB' inspect 'file:$img' | grep -q '^state: *valid'"
done
finish
