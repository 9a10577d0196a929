/* zero: pages of zeros cost one bit each.  Works on page-size blocks of
 * whatever it is given, so it may sit anywhere in the chain, though it
 * belongs first.
 *
 * Encoded: u32 input length, a bitmap (bit set = block is all zero, one bit
 * per block, LSB first), then the non-zero blocks in order. */
#include "core/bytes.h"
#include "core/error.h"
#include "core/plugin.h"

#include <isa-l/mem_routines.h>
#include <string.h>

struct zero_priv {
	size_t block;  /* the image's page size */
};

static size_t zero_bound(const struct hb_filter *self, const void *conf, size_t in_len)
{
	(void)self;
	(void)conf;
	/* worst case: no zero block; one bit per 512-byte (smallest) page */
	return 4 + (in_len / 512 + 8) / 8 + in_len;
}

static int zero_create(const struct hb_filter *self, void *priv, const void *conf,
		       const void *state, const struct hb_image_info *img)
{
	struct zero_priv *z = (struct zero_priv *)priv;

	(void)self;
	(void)conf;
	(void)state;
	z->block = img->page_size;
	return 0;
}

static size_t blocks_of(size_t len, size_t block)
{
	return (len + block - 1) / block;
}

static int zero_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	const struct zero_priv *z = (const struct zero_priv *)priv;
	size_t nblocks = blocks_of(x->in_len, z->block);
	size_t map_len = (nblocks + 7) / 8;
	uint8_t *map = x->out + 4;
	uint8_t *dst = map + map_len;
	size_t i;

	(void)self;
	hb_put32(x->out, (uint32_t)x->in_len);
	memset(map, 0, map_len);
	for (i = 0; i < nblocks; i++) {
		size_t off = i * z->block;
		size_t len = x->in_len - off < z->block ? x->in_len - off : z->block;
		/* isal_zero_detect returns 0 when the buffer is all zero */
		if (isal_zero_detect((void *)(uintptr_t)(x->in + off), len) == 0) {
			map[i / 8] |= (uint8_t)(1u << (i % 8));
		} else {
			memcpy(dst, x->in + off, len);
			dst += len;
		}
	}
	x->out_len = (size_t)(dst - x->out);
	return 0;
}

static int zero_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	const struct zero_priv *z = (const struct zero_priv *)priv;
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	size_t out_len, nblocks, map_len, i;
	const uint8_t *map, *src, *end = x->in + x->in_len;

	(void)self;
	if (x->in_len < 4)
		return hb_fail(HB_ECORRUPT, "record %llu: zero: too short", seq);
	out_len = hb_get32(x->in);
	if (out_len > x->out_cap)
		return hb_fail(HB_ECORRUPT, "record %llu: zero: length %zu exceeds %zu", seq,
			       out_len, x->out_cap);
	nblocks = blocks_of(out_len, z->block);
	map_len = (nblocks + 7) / 8;
	if (x->in_len < 4 + map_len)
		return hb_fail(HB_ECORRUPT, "record %llu: zero: bitmap cut short", seq);
	map = x->in + 4;
	src = map + map_len;
	/* the unused high bits of the last byte are zero, as dedup's are: one
	 * payload per input */
	if (nblocks % 8 && (map[map_len - 1] >> (nblocks % 8)) != 0)
		return hb_fail(HB_ECORRUPT, "record %llu: zero: unused bitmap bits set", seq);
	for (i = 0; i < nblocks; i++) {
		size_t off = i * z->block;
		size_t len = out_len - off < z->block ? out_len - off : z->block;
		if (map[i / 8] & (1u << (i % 8))) {
			memset(x->out + off, 0, len);
			continue;
		}
		if ((size_t)(end - src) < len)
			return hb_fail(HB_ECORRUPT, "record %llu: zero: data cut short", seq);
		memcpy(x->out + off, src, len);
		src += len;
	}
	if (src != end)
		return hb_fail(HB_ECORRUPT, "record %llu: zero: %zu stray bytes", seq,
			       (size_t)(end - src));
	x->out_len = out_len;
	return 0;
}

const struct hb_filter hb_filter_zero = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "zero",
		.help = "zero pages cost one bit each (ISA-L zero detection)",
		.priv_size = sizeof(struct zero_priv),
	},
	.bound = zero_bound,
	.create = zero_create,
	.encode = zero_encode,
	.decode = zero_decode,
};
