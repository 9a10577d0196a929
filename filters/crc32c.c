/* crc32c: a checksum filter that appends a CRC-32C (core/hash.c, ISA-L) of
 * its input and strips it again after verifying.
 *
 * Encoded: the input, then its CRC-32C as a little-endian u32. */
#include "core/bytes.h"
#include "core/hash.h"
#include "core/plugin.h"
#include "filters/checksum_frame.h"

static int crc32c_sum(void *priv, const uint8_t *buf, size_t len, uint8_t *out)
{
	(void)priv;
	hb_put32(out, hb_crc32c(0, buf, len));
	return 0;
}

static const struct hb_checksum crc32c = {
	.digest_len = 4,
	.sum = crc32c_sum,
};

const struct hb_filter hb_filter_crc32c = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "crc32c",
		.help = "CRC-32C of each record's data at this point of the chain (ISA-L)",
		.priv_size = sizeof(struct hb_sum_priv),
	},
	.exact_size = true,  /* its input, then the digest */
	.family = &crc32c,
	.bound = hb_sum_bound,
	.create = hb_sum_create,
	.encode = hb_sum_encode,
	.decode = hb_sum_decode,
};
