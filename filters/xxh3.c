/* xxh3 (libxxhash): a checksum filter that appends XXH3 of its input (64 or
 * 128 bits, option bits) and strips it again after verifying.  Encoded: the
 * input, then the digest in XXH's canonical form, which is big-endian (what
 * xxhsum prints, and the byte order of the image digest in core/hash.c):
 * XXH64_canonical_t / XXH128_canonical_t.
 * Unseeded: the core's record checksum already binds records to the image. */
#include "core/error.h"
#include "core/hash.h"
#include "core/plugin.h"
#include "filters/checksum_frame.h"

#include <stddef.h>
#include <string.h>
#include <xxhash.h>

enum { XXH3_BITS_64, XXH3_BITS_128 };

struct xxh3_conf {
	unsigned bits;  /* XXH3_BITS_64 or XXH3_BITS_128 */
};

struct xxh3_priv {
	size_t len;  /* digest bytes: 8 or 16 */
};

static size_t xxh3_len(const struct xxh3_conf *c)
{
	return c->bits == XXH3_BITS_128 ? sizeof(XXH128_canonical_t) : sizeof(XXH64_canonical_t);
}

static int xxh3_sum64(void *ctx, const uint8_t *buf, size_t len, uint8_t *out)
{
	XXH64_canonical_t c;

	(void)ctx;
	XXH64_canonicalFromHash(&c, XXH3_64bits(buf, len));
	memcpy(out, c.digest, sizeof(c.digest));
	return 0;
}

static int xxh3_sum128(void *ctx, const uint8_t *buf, size_t len, uint8_t *out)
{
	(void)ctx;
	/* the same XXH3-128 as the image digest's per chunk */
	hb_chunk_digest(buf, len, out);
	return 0;
}

static size_t xxh3_bound(const void *conf, size_t in_len)
{
	return hb_sum_bound(in_len, xxh3_len((const struct xxh3_conf *)conf));
}

static int xxh3_create(void *priv, const void *conf, const struct hb_image_info *img)
{
	(void)img;
	((struct xxh3_priv *)priv)->len = xxh3_len((const struct xxh3_conf *)conf);
	return 0;
}

static int xxh3_encode(void *priv, struct hb_xfer *x)
{
	const struct xxh3_priv *p = (const struct xxh3_priv *)priv;

	return hb_sum_encode(x, "xxh3", p->len, p->len == 16 ? xxh3_sum128 : xxh3_sum64, NULL);
}

static int xxh3_decode(void *priv, struct hb_xfer *x)
{
	const struct xxh3_priv *p = (const struct xxh3_priv *)priv;

	return hb_sum_decode(x, "xxh3", p->len, p->len == 16 ? xxh3_sum128 : xxh3_sum64, NULL);
}

static const struct hb_option xxh3_options[] = {
	{ .name = "bits", .type = HB_OPT_CHOICE, .def = "64", .choices = "64|128",
	  .flags = HB_OPT_POSITIONAL,
	  .help = "digest size: 64 (8 bytes per record) or 128 (16 bytes per record)",
	  .offset = offsetof(struct xxh3_conf, bits) },
	{ .name = NULL },
};

const struct hb_filter hb_filter_xxh3 = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "xxh3",
		.help = "XXH3 digest of each record's data at this point of the chain (libxxhash)",
		.options = xxh3_options,
		.conf_size = sizeof(struct xxh3_conf),
		.priv_size = sizeof(struct xxh3_priv),
	},
	.bound = xxh3_bound,
	.create = xxh3_create,
	.encode = xxh3_encode,
	.decode = xxh3_decode,
};
