/* deflate (ISA-L igzip): raw DEFLATE (RFC 1951, no zlib or gzip wrapper: the
 * frame and the record checksum already cover what those would add), from
 * Intel's SIMD implementation, which compresses several times faster than
 * zlib at comparable ratios.  Framing (flag, length, stored-raw fallback) is
 * compress_frame.h's.
 *
 * Both the stateless stream and inflate states sit in the worker's priv (about
 * 170 KiB, wiped by the core); levels 1..3 also need a level buffer of the
 * size ISA-L recommends, allocated per worker.  Level 0 needs none. */
#include "filters/compress_frame.h"

#include "core/error.h"
#include "core/plugin.h"
#include "core/alloc.h"

#include <isa-l/igzip_lib.h>
#include <stddef.h>
#include <stdlib.h>

struct deflate_conf {
	int64_t level;
};

struct deflate_priv {
	struct isal_zstream zs;
	struct inflate_state is;
	uint8_t *level_buf;
	uint32_t level_buf_size;
	uint32_t level;
};

/* ISA-L's recommended level buffer, by level */
static const uint32_t level_buf_sizes[ISAL_DEF_MAX_LEVEL + 1] = {
	ISAL_DEF_LVL0_DEFAULT,
	ISAL_DEF_LVL1_DEFAULT,
	ISAL_DEF_LVL2_DEFAULT,
	ISAL_DEF_LVL3_DEFAULT,
};

/* The DEFLATE spec's stored block carries 65535 bytes at most */
#define STORED_BLOCK_MAX 65535u
#define STORED_BLOCK_HDR 5u

static size_t deflate_lib_bound(size_t in_len)
{
	/* ISA-L falls back to stored blocks, 5 bytes of header per 65535 bytes
	 * (one even for no input), and wants 8 bytes of room at least */
	size_t blocks = in_len ? (in_len + STORED_BLOCK_MAX - 1) / STORED_BLOCK_MAX : 1;
	size_t stored = in_len + blocks * STORED_BLOCK_HDR;

	return stored < 8 ? 8 : stored;
}

static int deflate_pack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t room,
			size_t *out_len)
{
	struct deflate_priv *p = (struct deflate_priv *)priv;
	struct isal_zstream *zs = &p->zs;
	int r;

	*out_len = 0;
	isal_deflate_stateless_init(zs);
	/* ISA-L declares its input non-const but only reads it; the frame
	 * calls pack only when in_len fits in 32 bits */
	zs->next_in = (uint8_t *)(uintptr_t)in;
	zs->avail_in = (uint32_t)in_len;
	zs->next_out = out;
	zs->avail_out = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
	zs->level = p->level;
	zs->level_buf = p->level_buf;
	zs->level_buf_size = p->level_buf_size;
	zs->end_of_stream = 1;
	zs->flush = NO_FLUSH;
	zs->gzip_flag = IGZIP_DEFLATE;
	zs->hist_bits = 0;  /* the default, full 32 KiB window */
	r = isal_deflate_stateless(zs);
	if (r == STATELESS_OVERFLOW)
		return 0;  /* cannot happen with room for the bound; store raw */
	if (r != COMP_OK)
		return hb_fail(HB_EINTERNAL, "deflate: isal_deflate_stateless failed (%d)", r);
	*out_len = zs->total_out;
	return 0;
}

static const char *inflate_reason(int r)
{
	switch (r) {
	case ISAL_END_INPUT:
		return "stream cut short";
	case ISAL_OUT_OVERFLOW:
		return "longer than recorded";
	case ISAL_INVALID_BLOCK:
		return "invalid block";
	case ISAL_INVALID_SYMBOL:
		return "invalid symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance";
	default:
		return NULL;
	}
}

static int deflate_unpack(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t want,
			  size_t *out_len, const char **why)
{
	struct deflate_priv *p = (struct deflate_priv *)priv;
	struct inflate_state *is = &p->is;
	int r;

	if (in_len > UINT32_MAX || want > UINT32_MAX) {
		*why = "size beyond ISA-L's range";
		return -1;
	}
	isal_inflate_init(is);
	is->next_in = (uint8_t *)(uintptr_t)in;
	is->avail_in = (uint32_t)in_len;
	is->next_out = out;
	is->avail_out = (uint32_t)want;
	is->crc_flag = ISAL_DEFLATE;
	r = isal_inflate_stateless(is);
	if (r != ISAL_DECOMP_OK) {
		*why = inflate_reason(r);
		return -1;
	}
	/* the stream ended before its record did */
	if (is->avail_in != 0) {
		*why = "trailing bytes";
		return -1;
	}
	*out_len = is->total_out;
	return 0;
}

static const struct hb_cf_codec deflate_codec = {
	.lib_bound = deflate_lib_bound,
	.pack = deflate_pack,
	.unpack = deflate_unpack,
};

static int deflate_create(const struct hb_filter *self, void *priv, const void *conf,
			   const void *state, const struct hb_image_info *img)
{
	struct deflate_priv *p = (struct deflate_priv *)priv;

	(void)self;
	(void)state;
	(void)img;
	p->level = (uint32_t)((const struct deflate_conf *)conf)->level;
	p->level_buf_size = level_buf_sizes[p->level];
	if (p->level_buf_size == 0)
		return 0;
	p->level_buf = (uint8_t *)malloc(p->level_buf_size);
	if (!p->level_buf)
		return hb_fail(HB_ENOMEM, "deflate: out of memory for the level buffer");
	return 0;
}

static void deflate_destroy(void *priv)
{
	struct deflate_priv *p = (struct deflate_priv *)priv;

	/* it held the chunk's literals: plaintext */
	hb_wipe_free(p->level_buf, p->level_buf_size);
	p->level_buf = NULL;
}

static const struct hb_option deflate_options[] = {
	{ .name = "level", .type = HB_OPT_INT, .def = "1", .min = ISAL_DEF_MIN_LEVEL,
	  .max = ISAL_DEF_MAX_LEVEL, .flags = HB_OPT_POSITIONAL,
	  .help = "ISA-L level: higher compresses more and slower",
	  .offset = offsetof(struct deflate_conf, level) },
	{ .name = NULL },
};

const struct hb_filter hb_filter_deflate = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "deflate",
		.help = "raw DEFLATE compression (ISA-L igzip)",
		.options = deflate_options,
		.conf_size = sizeof(struct deflate_conf),
		.priv_size = sizeof(struct deflate_priv),
	},
	.family = &deflate_codec,
	.bound = hb_cf_bound,
	.create = deflate_create,
	.destroy = deflate_destroy,
	.encode = hb_cf_encode,
	.decode = hb_cf_decode,
};
