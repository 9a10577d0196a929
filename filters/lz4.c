/* lz4 and lz4hc (liblz4): the fastest compressor here, and its slow-to-write
 * sibling whose output the same fast decoder reads.  Both write one LZ4 block
 * per chunk, so they share the decoder and the bound; framing (flag, length,
 * stored-raw fallback) is compress_frame.h's.
 *
 * The compression state lives in the worker's priv, which the core zeroes,
 * owns and wipes when the worker ends: the state holds plaintext history. */
#include "filters/compress_frame.h"

#include "core/plugin.h"

#include <limits.h>
#include <lz4.h>
#include <lz4hc.h>
#include <stddef.h>

/* liblz4 clamps larger values (LZ4_ACCELERATION_MAX, private to lz4.c) */
#define LZ4_ACCEL_MAX 65537

struct lz4_conf {
	int64_t acceleration;
};

struct lz4_priv {
	LZ4_stream_t state;
	int acceleration;
};

struct lz4hc_conf {
	int64_t level;
};

struct lz4hc_priv {
	LZ4_streamHC_t state;
	int level;
};

static int int_room(size_t room)
{
	return room > INT_MAX ? INT_MAX : (int)room;
}

static size_t lz4_lib_bound(size_t in_len)
{
	/* beyond LZ4_MAX_INPUT_SIZE liblz4 declines and the chunk goes raw */
	if (in_len > LZ4_MAX_INPUT_SIZE)
		return in_len;
	return (size_t)LZ4_compressBound((int)in_len);
}

static int lz4_unpack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t want,
		      size_t *out_len, const char **why)
{
	int n;

	(void)priv;
	if (in_len > INT_MAX || want > INT_MAX) {
		*why = "size beyond liblz4's range";
		return -1;
	}
	n = LZ4_decompress_safe((const char *)in, (char *)out, (int)in_len, (int)want);
	if (n < 0)
		return -1;
	*out_len = (size_t)n;
	return 0;
}

/* ---- lz4 ----------------------------------------------------------------- */

static int lz4_pack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t room,
		    size_t *out_len)
{
	struct lz4_priv *p = (struct lz4_priv *)priv;
	int n = 0;

	if (in_len <= LZ4_MAX_INPUT_SIZE)
		n = LZ4_compress_fast_extState(&p->state, (const char *)in, (char *)out,
					       (int)in_len, int_room(room), p->acceleration);
	*out_len = n > 0 ? (size_t)n : 0;
	return 0;
}

static const struct hb_cf_codec lz4_codec = {
	.lib_bound = lz4_lib_bound,
	.pack = lz4_pack,
	.unpack = lz4_unpack,
};

static int lz4_create(const struct hb_filter *self, void *priv, const void *conf,
		       const void *state, const struct hb_image_info *img)
{
	(void)self;
	(void)state;
	(void)img;
	((struct lz4_priv *)priv)->acceleration =
		(int)((const struct lz4_conf *)conf)->acceleration;
	return 0;
}

static const struct hb_option lz4_options[] = {
	{ .name = "acceleration", .type = HB_OPT_INT, .def = "1", .min = 1, .max = LZ4_ACCEL_MAX,
	  .flags = HB_OPT_POSITIONAL,
	  .help = "higher is faster and compresses less (1: best ratio)",
	  .offset = offsetof(struct lz4_conf, acceleration) },
	{ .name = NULL },
};

const struct hb_filter hb_filter_lz4 = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "lz4",
		.help = "LZ4 fast compression (liblz4)",
		.options = lz4_options,
		.conf_size = sizeof(struct lz4_conf),
		.priv_size = sizeof(struct lz4_priv),
	},
	.family = &lz4_codec,
	.bound = hb_cf_bound,
	.create = lz4_create,
	.encode = hb_cf_encode,
	.decode = hb_cf_decode,
};

/* ---- lz4hc --------------------------------------------------------------- */

static int lz4hc_pack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t room,
		      size_t *out_len)
{
	struct lz4hc_priv *p = (struct lz4hc_priv *)priv;
	int n = 0;

	if (in_len <= LZ4_MAX_INPUT_SIZE)
		n = LZ4_compress_HC_extStateHC(&p->state, (const char *)in, (char *)out,
					       (int)in_len, int_room(room), p->level);
	*out_len = n > 0 ? (size_t)n : 0;
	return 0;
}

static const struct hb_cf_codec lz4hc_codec = {
	.lib_bound = lz4_lib_bound,
	.pack = lz4hc_pack,
	.unpack = lz4_unpack,
};

static int lz4hc_create(const struct hb_filter *self, void *priv, const void *conf,
			 const void *state, const struct hb_image_info *img)
{
	(void)self;
	(void)state;
	(void)img;
	((struct lz4hc_priv *)priv)->level = (int)((const struct lz4hc_conf *)conf)->level;
	return 0;
}

static const struct hb_option lz4hc_options[] = {
	{ .name = "level", .type = HB_OPT_INT, .def = "9", .min = 1, .max = LZ4HC_CLEVEL_MAX,
	  .flags = HB_OPT_POSITIONAL,
	  .help = "higher compresses more and slower (10..12: optimal parsing)",
	  .offset = offsetof(struct lz4hc_conf, level) },
	{ .name = NULL },
};

const struct hb_filter hb_filter_lz4hc = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "lz4hc",
		.help = "LZ4 high compression: slow to write, as fast as lz4 to read (liblz4)",
		.options = lz4hc_options,
		.conf_size = sizeof(struct lz4hc_conf),
		.priv_size = sizeof(struct lz4hc_priv),
	},
	.family = &lz4hc_codec,
	.bound = hb_cf_bound,
	.create = lz4hc_create,
	.encode = hb_cf_encode,
	.decode = hb_cf_decode,
};
