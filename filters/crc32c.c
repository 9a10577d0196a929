/* crc32c (ISA-L): the core's record checksum, and a checksum filter that
 * appends a CRC-32C of its input and strips it again after verifying. */
#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/plugin.h"

#include <isa-l/crc.h>
#include <string.h>

uint32_t hb_crc32c(uint32_t crc, const void *buf, size_t len)
{
	/* ISA-L takes and returns the raw register; the standard CRC-32C
	 * inverts it on the way in and out */
	return ~crc32_iscsi((unsigned char *)(uintptr_t)buf, (int)len, ~crc);
}

static size_t crc32c_bound(const void *conf, size_t in_len)
{
	(void)conf;
	return in_len + 4;
}

static int crc32c_encode(void *priv, struct hb_xfer *x)
{
	(void)priv;
	memcpy(x->out, x->in, x->in_len);
	hb_put32(x->out + x->in_len, hb_crc32c(0, x->in, x->in_len));
	x->out_len = x->in_len + 4;
	return 0;
}

static int crc32c_decode(void *priv, struct hb_xfer *x)
{
	size_t len = x->in_len - 4;

	(void)priv;
	if (x->in_len < 4)
		return hb_fail(HB_ECORRUPT, "record %llu: crc32c: too short",
			       (unsigned long long)x->chunk->seq);
	if (hb_crc32c(0, x->in, len) != hb_get32(x->in + len))
		return hb_fail(HB_ECORRUPT, "record %llu: crc32c mismatch",
			       (unsigned long long)x->chunk->seq);
	memcpy(x->out, x->in, len);
	x->out_len = len;
	return 0;
}

const struct hb_filter hb_filter_crc32c = {
	.base = {
		.name = "crc32c",
		.help = "CRC-32C of each record's data at this point of the chain (ISA-L)",
	},
	.bound = crc32c_bound,
	.encode = crc32c_encode,
	.decode = crc32c_decode,
};
