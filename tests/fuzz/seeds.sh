#!/bin/sh
# Remake the committed seed corpora (tests/fuzz/corpus/): seeds.sh HIBLAB FUZZ_BUILD
# HIBLAB is a normal build of hiblab (build/hiblab), FUZZ_BUILD the fuzz
# build (build/fuzz, for fuzz-filter's own seeds).  Small on purpose: the
# images hold 8 pages of 512 bytes, the scenarios are the repository's own.
set -eu

hiblab=$1
fuzz=$2
here=tests/fuzz
out=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$out/header" "$out/resume" "$out/filter" "$out/swap_area" "$out/scenario" \
	"$out/spec"
printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >"$tmp/key"
chmod 600 "$tmp/key"

# one small image per chain; the cipher ones with fuzz.h's fixed key
n=0
for chain in none zero lz4 lz4hc zstd lzo deflate dedup crc32c xxh3:bits=64 sha256 \
	zero,lz4,crc32c dedup,zstd,xxh3 aes-256-gcm zero,deflate,chacha20-poly1305; do
	n=$((n + 1))
	"$hiblab" suspend -q --source "sim:mixed,size=4KiB,seed=$n,page-size=512" \
		--filters "$chain" --target "file:$tmp/img" --key "keyfile=$tmp/key" \
		--chunk-pages 2 --threads 1
	name=$(printf '%s' "$chain" | tr ',:=' '+__')
	cp "$tmp/img" "$out/resume/$name"
	# the header alone: its used bytes (the target pads with zeros)
	len=$(od -An -tu4 -j16 -N4 "$tmp/img" | tr -d ' ')
	head -c "$len" "$tmp/img" >"$out/header/$name"
	rm -f "$tmp/img"
done
cp "$out/resume/zero+lz4+crc32c" "$out/header/whole-image"

HB_FUZZ_SEEDS=$out/filter "$fuzz/fuzz-filter"

# swap headers: [page-size shift][device bytes, u64 LE][the header page]
swap_seed() {  # name pages-of-the-device last_page nr_bad bad...
	name=$1 dev=$2 last=$3 nbad=$4
	shift 4
	{
		printf '\000'
		le64 $((dev * 4096))
		head -c 1024 /dev/zero
		le32 1
		le32 "$last"
		le32 "$nbad"
		printf 'fuzz-uuid-012345label\000\000\000\000\000\000\000\000\000\000\000'
		head -c $((1536 - 1068)) /dev/zero
		for b in "$@"; do le32 "$b"; done
		head -c $((4096 - 1536 - 4 * nbad - 10)) /dev/zero
		printf 'SWAPSPACE2'
	} >"$out/swap_area/$name"
}
le32() { printf '%b' "$(printf '\\0%03o\\0%03o\\0%03o\\0%03o' $(($1 & 255)) \
	$(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }
le64() { le32 $(($1 & 4294967295)); le32 $(($1 >> 32)); }
swap_seed plain 64 63 0
swap_seed bad-pages 64 63 3 7 2 7

cp scenarios/smoke.scn scenarios/faults.scn scenarios/qemu-knobs.scn "$out/scenario/"

for s in 'zstd:level=3,window=20' 'sim:mixed,size=1GiB,seed=7,page-size=4096' \
	'file:/tmp/a.img' 'swap:/dev/vdb,offset=8' 'xxh3:bits=64' 'zero' \
	'aes-256-gcm:kdf=scrypt' 'dedup' 'block:/dev/loop0'; do
	printf '%s' "$s" >"$out/spec/$(printf '%s' "$s" | cksum | cut -d' ' -f1)"
done
