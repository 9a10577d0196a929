#!/bin/sh
# Makes the format's test vectors (docs/FORMAT.md, "Test vectors"): one small
# image per filter chain, all of the same simulated pages, and README.md,
# which says how each was made and the sha256 of the pages it holds.
#
# Image ids, salts and creation times are new on every run, so a new run
# makes other bytes than the committed images: those are the vectors, and
# tests/vectors.sh checks that every build still reads them.  So an image
# that exists is kept (REMAKE=1 makes every one anew, after a deliberate
# format change): to add a vector, add its line below and run this.  The
# README is written again from the images either way.
# Usage: [REMAKE=1] HIBLAB=build/hiblab sh tests/vectors/make.sh
set -eu

HIBLAB=${HIBLAB:-build/hiblab}
case $HIBLAB in /*) ;; *) HIBLAB=$(pwd)/$HIBLAB ;; esac
DIR=$(cd "$(dirname "$0")" && pwd)
SOURCE=sim:mixed,size=38KiB,seed=19,page-size=2048
CHUNK=3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hiblab-vectors-XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# name, --filters, --key (- for none): one vector a line
VECTORS='none none -
zero zero -
zero-crc32c zero,crc32c -
lz4 lz4 -
zstd zstd:level=3 -
lzo lzo -
deflate deflate -
dedup-xxh3 dedup,xxh3 -
aes-256-gcm aes-256-gcm keyfile=aes.key
chacha20-poly1305 chacha20-poly1305:kdf-n=1024,kdf-r=1,kdf-p=1 passfile=chacha.pass'

cd "$DIR"
# a key file in its hex form, and a pass file whose second line is not part
# of the passphrase
printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >aes.key
printf 'correct horse battery staple\nthis second line is not part of it\n' >chacha.pass
chmod 600 aes.key chacha.pass

rows=$TMP/rows
inspects=$TMP/inspects
: >"$rows"
: >"$inspects"
echo "$VECTORS" | while read -r name filters key; do
	keyarg=
	[ "$key" = - ] || keyarg="--key $key"
	if [ -n "${REMAKE:-}" ] || [ ! -e "$name.img" ]; then
		rm -f "$name.img"
		# shellcheck disable=SC2086 # keyarg: no word or two
		"$HIBLAB" suspend --source "$SOURCE" --chunk-pages "$CHUNK" --filters "$filters" \
			--target "file:$name.img" $keyarg --threads 1 --quiet
	fi
	# resume spends an image: read a copy
	cp "$name.img" "$TMP/copy.img"
	rm -f "$TMP/pages"
	# shellcheck disable=SC2086
	"$HIBLAB" resume --target "file:$TMP/copy.img" --sink "file:$TMP/pages" $keyarg --quiet
	sum=$(sha256sum <"$TMP/pages" | cut -d' ' -f1)
	# \140: a backquote (markdown code)
	keycell=-
	[ "$key" = - ] || keycell=$(printf "\\140%s\\140" "$key")
	printf "| \\140%s\\140 | \\140%s\\140 | %s | %s | \\140%s\\140 |\\n" "$name.img" "$filters" \
		"$keycell" "$(wc -c <"$name.img" | tr -d " ")" "$sum" >>"$rows"
	{
		echo
		echo "\`hiblab inspect file:$name.img\`:"
		echo
		echo '```'
		"$HIBLAB" inspect "file:$name.img"
		echo '```'
	} >>"$inspects"
done

cat >README.md <<README
# Test vectors of the image format

Small images, one per filter chain, for docs/FORMAT.md: a reader written from
that document must restore each of them to the pages listed here.
\`tests/vectors.sh\` (run by \`make test\`) resumes a copy of every one with the
current build and checks the sha256 of what it restored, so a change that
breaks reading these images fails the test suite.

All hold the same 19 pages of 2048 bytes (38912 bytes): the simulated memory
\`$SOURCE\` (docs/SIMULATION.md), whose pages 0-7 are zero, 8-15 text
and 16-18 random, in records of $CHUNK pages. So the 7 records hold zero pages
only (0, 1), zero and text pages (2), text only (3, 4), text and random (5),
and, last and short, one random page (6), which no compressor can shrink: the
compressors store it raw. The pages are 2 KiB, not the usual 4 KiB, to keep
the images small, and so that a reader that assumes 4 KiB pages fails. Each was made, in this directory, with

    hiblab suspend --source $SOURCE --chunk-pages $CHUNK \\
        --filters FILTERS --target file:NAME.img [--key KEY] --threads 1 --quiet

and the pages it holds come back, byte for byte, with

    cp NAME.img /tmp/copy.img    # resume spends the image it reads
    hiblab resume --target file:/tmp/copy.img --sink file:/tmp/pages [--key KEY]
    sha256sum /tmp/pages

The plain images were made by a build of format 1, which later builds still
read; the two encrypted ones are of format 2, whose header ends in a tag
(docs/FORMAT.md, "Header tag"). \`refused/\` keeps the encrypted images of
format 1: their header is not authenticated, so a build of format 2 refuses
them (exit 4) and leaves them as they are (\`tests/vectors.sh\` checks both).

\`aes.key\` is a key file in its 64-hex-digit form; \`chacha.pass\` is a
passphrase file (its first line, \`correct horse battery staple\`, is the
passphrase; the second line is not part of it), with scrypt costs N=1024, r=1,
p=1, far below the default, so that the test is fast.

| image | --filters | --key | bytes | sha256 of the restored pages |
|---|---|---|---:|---|
$(cat "$rows")

\`make.sh\` made them (\`HIBLAB=build/hiblab sh tests/vectors/make.sh\`). Image
ids, salts and creation times are random or the time of the run, so making an
image again makes other bytes: the committed images are the vectors, and
\`make.sh\` keeps every image that exists (\`REMAKE=1\` makes all anew). What
each header holds:
$(cat "$inspects")
README
echo "made $(echo "$VECTORS" | wc -l | tr -d ' ') vectors in $DIR"
