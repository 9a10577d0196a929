/* The checksums called bare: ISA-L crc32_iscsi (what filters/crc32c.c calls,
 * with the standard inversion) and libxxhash XXH3_64bits (filters/xxh3.c's
 * default, 64 bits, canonical big-endian).  Encode computes the digest of
 * the chunk and writes nothing else: moving the data next to it is not the
 * library's work, so any such copy shows as plugin overhead.  The store
 * keeps the record as the plugin does (data, then digest: digest_only), and
 * decode recomputes the digest of the record's data, compares, and hands
 * the data back where it lies. */
#include "lim.h"

#include "core/bytes.h"
#include "core/xxhash_fast.h"

#include <isa-l/crc.h>
#include <stdlib.h>
#include <string.h>

static void *sum_create(const struct lim_codec *c)
{
	(void)c;
	return calloc(1, 1);
}

/* ---- crc32c ------------------------------------------------------------------ */

static size_t crc_bound(size_t len)
{
	(void)len;
	return 4;
}

static uint32_t crc_of(const uint8_t *buf, size_t len)
{
	return ~crc32_iscsi((unsigned char *)(uintptr_t)buf, (int)len, ~0u);
}

static int crc_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		      const uint8_t **out, size_t *out_len)
{
	(void)ctx;
	(void)cap;
	hb_put32(buf, crc_of(c->orig, c->len));
	*out = buf;
	*out_len = 4;
	return 0;
}

static int crc_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		      uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	(void)ctx;
	(void)buf;
	(void)cap;
	*out = in;
	*out_len = c->len;
	return in_len == c->len + 4 && hb_get32(in + c->len) == crc_of(in, c->len) ? 0 : -1;
}

const struct lim_codec lim_crc32c = {
	.name = "crc32c",
	.chain = "crc32c",
	.call = "ISA-L crc32_iscsi over the chunk (decode: over the record's data, compare)",
	.digest_only = true,
	.bound = crc_bound,
	.create = sum_create,
	.ops = { .encode = crc_encode, .decode = crc_decode, .destroy = free },
};

/* ---- xxh3 (64 bits) --------------------------------------------------------- */

static size_t xxh_bound(size_t len)
{
	(void)len;
	return sizeof(XXH64_canonical_t);
}

static void xxh_of(const uint8_t *buf, size_t len, XXH64_canonical_t *out)
{
	XXH64_canonicalFromHash(out, XXH3_64bits(buf, len));
}

static int xxh_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		      const uint8_t **out, size_t *out_len)
{
	XXH64_canonical_t d;

	(void)ctx;
	(void)cap;
	xxh_of(c->orig, c->len, &d);
	memcpy(buf, d.digest, sizeof(d.digest));
	*out = buf;
	*out_len = sizeof(d.digest);
	return 0;
}

static int xxh_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		      uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	XXH64_canonical_t d;

	(void)ctx;
	(void)buf;
	(void)cap;
	*out = in;
	*out_len = c->len;
	if (in_len != c->len + sizeof(d.digest))
		return -1;
	xxh_of(in, c->len, &d);
	return memcmp(in + c->len, d.digest, sizeof(d.digest)) == 0 ? 0 : -1;
}

const struct lim_codec lim_xxh3 = {
	.name = "xxh3",
	.chain = "xxh3:bits=64",
	.call = "libxxhash XXH3_64bits over the chunk (decode: over the record's data, compare)",
	.digest_only = true,
	.bound = xxh_bound,
	.create = sum_create,
	.ops = { .encode = xxh_encode, .decode = xxh_decode, .destroy = free },
};
