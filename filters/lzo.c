/* lzo (liblzo2): LZO1X-1, the compressor of the kernel's own hibernation,
 * so hiblab can be measured against it like for like.  Framing (flag,
 * length, stored-raw fallback) is compress_frame.h's.
 *
 * LZO1X-1 takes no output capacity: it may write up to its worst case, which
 * is why the frame hands every compressor room for the library's bound.
 * Decoding uses lzo1x_decompress_safe, the variant that checks every read
 * and write against the buffers.  The working memory lives in the worker's
 * priv (allocated, zeroed and wiped by the core). */
#include "filters/compress_frame.h"

#include "core/error.h"
#include "core/plugin.h"

#include <lzo/lzo1x.h>
#include <stddef.h>

/* aligned the way liblzo2 wants its working memory */
#define LZO_WRKMEM_WORDS ((LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1) / sizeof(lzo_align_t))

struct lzo_priv {
	lzo_align_t wrkmem[LZO_WRKMEM_WORDS];
};

static size_t lzo_lib_bound(size_t in_len)
{
	/* LZO1X's documented worst case (liblzo2 FAQ, lzo1x_worst_compress) */
	return in_len + in_len / 16 + 64 + 3;
}

static int lzo_pack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t room,
		    size_t *out_len)
{
	struct lzo_priv *p = (struct lzo_priv *)priv;
	lzo_uint n = 0;
	int r;

	(void)room;  /* >= lzo_lib_bound(in_len): the frame checked */
	/* liblzo2 declares its input non-const but only reads it */
	r = lzo1x_1_compress((lzo_bytep)(uintptr_t)in, (lzo_uint)in_len, out, &n, p->wrkmem);
	*out_len = 0;
	if (r != LZO_E_OK)
		return hb_fail(HB_EINTERNAL, "lzo: lzo1x_1_compress failed (%d)", r);
	*out_len = n;
	return 0;
}

static const char *lzo_reason(int r)
{
	switch (r) {
	case LZO_E_INPUT_OVERRUN:
		return "input overrun";
	case LZO_E_OUTPUT_OVERRUN:
		return "output overrun";
	case LZO_E_LOOKBEHIND_OVERRUN:
		return "lookbehind overrun";
	case LZO_E_EOF_NOT_FOUND:
		return "no end marker";
	case LZO_E_INPUT_NOT_CONSUMED:
		return "trailing bytes";
	default:
		return NULL;
	}
}

static int lzo_unpack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t want,
		      size_t *out_len, const char **why)
{
	lzo_uint n = want;
	int r;

	(void)priv;
	r = lzo1x_decompress_safe((lzo_bytep)(uintptr_t)in, (lzo_uint)in_len, out, &n, NULL);
	if (r != LZO_E_OK) {
		*why = lzo_reason(r);
		return -1;
	}
	*out_len = n;
	return 0;
}

static const struct hb_cf_codec lzo_codec = {
	.lib_bound = lzo_lib_bound,
	.pack = lzo_pack,
	.unpack = lzo_unpack,
};

static int lzo_prepare(const struct hb_filter *self, const void *conf, void *state,
		       const struct hb_image_info *img, struct hb_params *params)
{
	(void)self;
	(void)conf;
	(void)state;
	(void)img;
	(void)params;
	/* cheap and idempotent; fails only if the headers and library disagree */
	if (lzo_init() != LZO_E_OK)
		return hb_fail(HB_EINTERNAL, "lzo: lzo_init failed (liblzo2 does not match its "
					     "headers)");
	return 0;
}

const struct hb_filter hb_filter_lzo = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "lzo",
		.help = "LZO1X-1 compression, as the kernel's hibernation uses (liblzo2)",
		.priv_size = sizeof(struct lzo_priv),
	},
	.family = &lzo_codec,
	.bound = hb_cf_bound,
	.prepare = lzo_prepare,
	.encode = hb_cf_encode,
	.decode = hb_cf_decode,
};
