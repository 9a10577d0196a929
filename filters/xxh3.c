/* xxh3 (libxxhash): a checksum filter that appends XXH3 of its input (64 or
 * 128 bits, option bits) and strips it again after verifying.  Encoded: the
 * input, then the digest in XXH's canonical form, which is big-endian (what
 * xxhsum prints, and the byte order of the image digest in core/hash.c):
 * XXH64_canonical_t / XXH128_canonical_t.
 * Unseeded: the core's record checksum already binds records to the image. */
#include "core/hash.h"
#include "core/plugin.h"
#include "core/xxhash_fast.h"
#include "filters/checksum_frame.h"

#include <stddef.h>
#include <string.h>

enum { XXH3_BITS_64, XXH3_BITS_128 };

struct xxh3_conf {
	unsigned bits;  /* XXH3_BITS_64 or XXH3_BITS_128 */
};

static size_t xxh3_len(const void *conf)
{
	const struct xxh3_conf *c = (const struct xxh3_conf *)conf;

	return c->bits == XXH3_BITS_128 ? sizeof(XXH128_canonical_t) : sizeof(XXH64_canonical_t);
}

static int xxh3_sum(void *priv, const uint8_t *buf, size_t len, uint8_t *out)
{
	XXH64_canonical_t c;

	if (((const struct hb_sum_priv *)priv)->len == sizeof(XXH128_canonical_t)) {
		/* the same XXH3-128 as the image digest's per chunk */
		hb_chunk_digest(buf, len, out);
		return 0;
	}
	XXH64_canonicalFromHash(&c, XXH3_64bits(buf, len));
	memcpy(out, c.digest, sizeof(c.digest));
	return 0;
}

static const struct hb_checksum xxh3 = {
	.digest_len_of = xxh3_len,
	.sum = xxh3_sum,
};

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
		.priv_size = sizeof(struct hb_sum_priv),
	},
	.exact_size = true,  /* its input, then the digest */
	.family = &xxh3,
	.bound = hb_sum_bound,
	.create = hb_sum_create,
	.encode = hb_sum_encode,
	.decode = hb_sum_decode,
};
