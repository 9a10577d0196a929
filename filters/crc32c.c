/* crc32c: a checksum filter that appends a CRC-32C (core/hash.c, ISA-L) of
 * its input and strips it again after verifying.
 *
 * Encoded: the input, then its CRC-32C as a little-endian u32. */
#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/plugin.h"
#include "filters/checksum_frame.h"

#include <string.h>

#define CRC32C_LEN 4

static int crc32c_sum(void *ctx, const uint8_t *buf, size_t len, uint8_t *out)
{
	(void)ctx;
	hb_put32(out, hb_crc32c(0, buf, len));
	return 0;
}

static size_t crc32c_bound(const void *conf, size_t in_len)
{
	(void)conf;
	return hb_sum_bound(in_len, CRC32C_LEN);
}

static int crc32c_encode(void *priv, struct hb_xfer *x)
{
	return hb_sum_encode(x, "crc32c", CRC32C_LEN, crc32c_sum, priv);
}

static int crc32c_decode(void *priv, struct hb_xfer *x)
{
	return hb_sum_decode(x, "crc32c", CRC32C_LEN, crc32c_sum, priv);
}

const struct hb_filter hb_filter_crc32c = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "crc32c",
		.help = "CRC-32C of each record's data at this point of the chain (ISA-L)",
	},
	.bound = crc32c_bound,
	.encode = crc32c_encode,
	.decode = crc32c_decode,
};
