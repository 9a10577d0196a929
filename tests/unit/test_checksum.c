/* Checksum filters (crc32c, xxh3, sha256) through the plugin API: the
 * digest's size and byte order, bit-exact round trips, and every single-bit
 * flip of an encoded payload refused as HB_ECORRUPT. */
#include "filterfx.h"

#include "core/error.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		buf[i] = (uint8_t)(s >> 24);
	}
}

struct sum_case {
	const char *spec;
	size_t len;  /* digest bytes */
};

static const struct sum_case cases[] = {
	{ "crc32c", 4 },        { "xxh3", 8 },   { "xxh3:bits=64", 8 },
	{ "xxh3:bits=128", 16 }, { "xxh3:128", 16 }, { "sha256", 32 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Encode in with spec into a new buffer; checks the framing. */
static uint8_t *encode_one(const struct sum_case *c, uint64_t seq, const uint8_t *in,
			   size_t len, size_t *enc_len)
{
	struct filterfx e;
	size_t cap;
	uint8_t *enc;
	int err;

	fx_open(&e, c->spec, true);
	cap = fx_bound(&e, len);
	cr_assert_eq(cap, len + c->len, "%s: bound %zu for %zu", c->spec, cap, len);
	enc = malloc(cap);
	cr_assert_not_null(enc);
	err = fx_encode(&e, seq, in, len, enc, cap, enc_len);
	cr_assert_eq(err, 0, "%s: encode: %s", c->spec, hb_detail(err));
	cr_assert_eq(*enc_len, len + c->len, "%s: %zu bytes for %zu", c->spec, *enc_len, len);
	cr_assert(len == 0 || memcmp(enc, in, len) == 0, "%s: data not kept in front", c->spec);
	fx_close(&e);
	return enc;
}

/* Encode with spec and return the digest bytes as hex. */
static void digest_hex(const char *spec, const void *in, size_t len, char *hex, size_t cap)
{
	struct sum_case c = { .spec = spec };
	struct filterfx e;
	uint8_t *enc;
	size_t enc_len, i;

	fx_open(&e, spec, true);
	c.len = fx_bound(&e, len) - len;
	fx_close(&e);
	enc = encode_one(&c, 0, (const uint8_t *)in, len, &enc_len);
	hex[0] = '\0';
	for (i = len; i < enc_len && 2 * (i - len) + 3 <= cap; i++)
		snprintf(hex + 2 * (i - len), 3, "%02x", enc[i]);
	free(enc);
}

Test(checksum, registered)
{
	cr_assert_not_null(hb_find_plugin(HB_KIND_FILTER, "crc32c"));
	cr_assert_not_null(hb_find_plugin(HB_KIND_FILTER, "xxh3"));
	cr_assert_not_null(hb_find_plugin(HB_KIND_FILTER, "sha256"));
}

/* The digests are part of the image format: pin their bytes. */
Test(checksum, known_digests)
{
	char hex[80];

	/* CRC-32C check value, stored little-endian */
	digest_hex("crc32c", "123456789", 9, hex, sizeof(hex));
	cr_assert_str_eq(hex, "839206e3");
	/* XXH3 of nothing, in canonical (big-endian) order */
	digest_hex("xxh3", "", 0, hex, sizeof(hex));
	cr_assert_str_eq(hex, "2d06800538d394c2");
	digest_hex("xxh3:bits=128", "", 0, hex, sizeof(hex));
	cr_assert_str_eq(hex, "99aa06d3014798d86001c324468d497f");
	/* FIPS 180-2 "abc" */
	digest_hex("sha256", "abc", 3, hex, sizeof(hex));
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(checksum, round_trips)
{
	static const size_t lens[] = { 0, 1, 7, 4096, 4096 * 32, 4096 * 32 + 8, 300001 };
	size_t ci, li;

	for (ci = 0; ci < NCASES; ci++) {
		for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
			const struct sum_case *c = &cases[ci];
			size_t len = lens[li], enc_len, dec_len;
			uint8_t *in = malloc(len + 1), *enc, *dec = malloc(len + 1);
			struct filterfx d;
			int err;

			cr_assert(in && dec);
			fill(in, len, li * 31 + ci);
			enc = encode_one(c, li, in, len, &enc_len);
			fx_open(&d, c->spec, false);
			err = fx_decode(&d, li, enc, enc_len, dec, len, &dec_len);
			cr_assert_eq(err, 0, "%s len %zu: decode: %s", c->spec, len, hb_detail(err));
			cr_assert_eq(dec_len, len);
			cr_assert(len == 0 || memcmp(in, dec, len) == 0, "%s len %zu differs", c->spec,
				  len);
			fx_close(&d);
			free(in);
			free(enc);
			free(dec);
		}
	}
}

/* Decode enc after flipping bit `bit`; must be refused as corrupt. */
static void expect_flip_refused(struct filterfx *d, const struct sum_case *c, uint8_t *enc,
				size_t enc_len, size_t bit, uint8_t *dec, size_t cap)
{
	size_t dec_len = 0;
	int err;

	enc[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	err = fx_decode(d, 7, enc, enc_len, dec, cap, &dec_len);
	enc[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	cr_assert_eq(err, HB_ECORRUPT, "%s: flip of bit %zu of %zu bytes: got %d", c->spec, bit,
		     enc_len, err);
}

/* Every bit of a small payload; sampled bits (and every digest bit) of a
 * full 128 KiB chunk. */
Test(checksum, every_bit_flip_detected)
{
	size_t ci;

	for (ci = 0; ci < NCASES; ci++) {
		const struct sum_case *c = &cases[ci];
		const size_t small = 1000, big = 4096 * 32;
		uint8_t *in = malloc(big), *dec = malloc(big), *enc;
		size_t enc_len, bit;
		struct filterfx d;

		cr_assert(in && dec);
		fx_open(&d, c->spec, false);

		fill(in, small, 5 + ci);
		enc = encode_one(c, 7, in, small, &enc_len);
		for (bit = 0; bit < enc_len * 8; bit++)
			expect_flip_refused(&d, c, enc, enc_len, bit, dec, big);
		free(enc);

		fill(in, big, 9 + ci);
		enc = encode_one(c, 7, in, big, &enc_len);
		for (bit = 0; bit < big * 8; bit += 1021)
			expect_flip_refused(&d, c, enc, enc_len, bit, dec, big);
		for (bit = big * 8; bit < enc_len * 8; bit++)
			expect_flip_refused(&d, c, enc, enc_len, bit, dec, big);
		free(enc);

		fx_close(&d);
		free(in);
		free(dec);
	}
}

Test(checksum, mismatch_names_record)
{
	static const char *const names[] = { "crc32c", "xxh3", "xxh3", "xxh3", "xxh3", "sha256" };
	size_t ci;

	for (ci = 0; ci < NCASES; ci++) {
		const struct sum_case *c = &cases[ci];
		uint8_t in[64], dec[64], *enc;
		char want[64];
		size_t enc_len, dec_len;
		struct filterfx d;
		int err;

		fill(in, sizeof(in), ci);
		enc = encode_one(c, 42, in, sizeof(in), &enc_len);
		enc[enc_len - 1] ^= 0x80;
		fx_open(&d, c->spec, false);
		err = fx_decode(&d, 42, enc, enc_len, dec, sizeof(dec), &dec_len);
		cr_assert_eq(err, HB_ECORRUPT);
		snprintf(want, sizeof(want), "record 42: %s mismatch", names[ci]);
		cr_assert_str_eq(hb_detail(err), want);
		fx_close(&d);
		free(enc);
	}
}

Test(checksum, short_and_oversize_input_refused)
{
	size_t ci;

	for (ci = 0; ci < NCASES; ci++) {
		const struct sum_case *c = &cases[ci];
		uint8_t in[64] = { 0 }, dec[64];
		size_t dec_len, n;
		struct filterfx d;
		int err;

		fx_open(&d, c->spec, false);
		for (n = 0; n < c->len; n++) {
			err = fx_decode(&d, 3, in, n, dec, sizeof(dec), &dec_len);
			cr_assert_eq(err, HB_ECORRUPT, "%s: %zu bytes accepted", c->spec, n);
			cr_assert(strstr(hb_detail(err), "record 3") != NULL, "%s", hb_detail(err));
		}
		/* more data than the stage can give back: refused, not overflowed */
		err = fx_decode(&d, 3, in, sizeof(in), dec, sizeof(in) - c->len - 1, &dec_len);
		cr_assert_eq(err, HB_ECORRUPT, "%s: oversize accepted", c->spec);
		fx_close(&d);
	}
}

Test(checksum, options)
{
	struct hb_instance inst;

	cr_assert_eq(hb_instance_from_text(&inst, HB_KIND_FILTER, "xxh3:bits=32", "test"),
		     HB_EUSAGE);
	cr_assert_eq(hb_instance_from_text(&inst, HB_KIND_FILTER, "sha256:bits=128", "test"),
		     HB_EUSAGE);
	cr_assert_eq(hb_instance_from_text(&inst, HB_KIND_FILTER, "xxh3:bits=128", "test"), 0);
	hb_instance_free(&inst);
}
