/* zstd (libzstd): a better ratio than lz4/lzo at a fraction of their speed.
 * Each chunk is one zstd frame; framing (flag, length, stored-raw fallback)
 * is compress_frame.h's.
 *
 * Each worker keeps one compression and one decompression context: creating
 * them costs far more than compressing a 128 KiB chunk, and reusing them
 * keeps their tables allocated across chunks. */
#include "filters/compress_frame.h"

#include "core/error.h"
#include "core/plugin.h"

#include <stddef.h>
#include <zstd.h>

struct zstd_conf {
	int64_t level;
};

struct zstd_priv {
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	int level;
};

static size_t zstd_lib_bound(size_t in_len)
{
	size_t b = ZSTD_compressBound(in_len);

	/* an error code (input beyond ZSTD_MAX_INPUT_SIZE): the chunk goes raw */
	return ZSTD_isError(b) ? in_len : b;
}

static int zstd_pack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t room,
		     size_t *out_len)
{
	struct zstd_priv *p = (struct zstd_priv *)priv;
	size_t n = ZSTD_compressCCtx(p->cctx, out, room, in, in_len, p->level);

	*out_len = 0;
	if (ZSTD_isError(n)) {
		/* room covers the bound, so this is not a question of size */
		return hb_fail(HB_EINTERNAL, "zstd: %s", ZSTD_getErrorName(n));
	}
	*out_len = n;
	return 0;
}

static int zstd_unpack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t want,
		       size_t *out_len, const char **why)
{
	struct zstd_priv *p = (struct zstd_priv *)priv;
	size_t n = ZSTD_decompressDCtx(p->dctx, out, want, in, in_len);

	if (ZSTD_isError(n)) {
		*why = ZSTD_getErrorName(n);
		return -1;
	}
	*out_len = n;
	return 0;
}

static const struct hb_cf_codec zstd_codec = {
	.lib_bound = zstd_lib_bound,
	.pack = zstd_pack,
	.unpack = zstd_unpack,
};

static void zstd_destroy(void *priv)
{
	struct zstd_priv *p = (struct zstd_priv *)priv;

	/* both accept NULL */
	ZSTD_freeCCtx(p->cctx);
	ZSTD_freeDCtx(p->dctx);
	p->cctx = NULL;
	p->dctx = NULL;
}

static int zstd_create(const struct hb_filter *self, void *priv, const void *conf,
		       const void *state, const struct hb_image_info *img)
{
	struct zstd_priv *p = (struct zstd_priv *)priv;

	(void)self;
	(void)state;
	(void)img;
	p->level = (int)((const struct zstd_conf *)conf)->level;
	p->cctx = ZSTD_createCCtx();
	p->dctx = ZSTD_createDCtx();
	if (!p->cctx || !p->dctx) {
		zstd_destroy(priv);
		return hb_fail(HB_ENOMEM, "zstd: out of memory for a context");
	}
	return 0;
}

static const struct hb_option zstd_options[] = {
	{ .name = "level", .type = HB_OPT_INT, .def = "3", .min = 1, .max = 19,
	  .flags = HB_OPT_POSITIONAL,
	  .help = "higher compresses more and slower",
	  .offset = offsetof(struct zstd_conf, level) },
	{ .name = NULL },
};

const struct hb_filter hb_filter_zstd = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "zstd",
		.help = "Zstandard compression (libzstd)",
		.options = zstd_options,
		.conf_size = sizeof(struct zstd_conf),
		.priv_size = sizeof(struct zstd_priv),
	},
	.family = &zstd_codec,
	.bound = hb_cf_bound,
	.create = zstd_create,
	.destroy = zstd_destroy,
	.encode = hb_cf_encode,
	.decode = hb_cf_decode,
};
