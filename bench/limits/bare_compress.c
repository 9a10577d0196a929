/* The compressors called bare: the very function, level, acceleration and
 * context reuse of filters/lz4.c, lzo.c, zstd.c and deflate.c, with the
 * output room their frame gives them (the library's bound), and decoders
 * told the original length as the plugin tells them.  No framing: the
 * difference to the plugin row is what the plugin layer costs. */
#include "lim.h"

#include <isa-l/igzip_lib.h>
#include <limits.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* ---- memcpy: the floor of every row ----------------------------------------- */

static size_t copy_bound(size_t len)
{
	return len;
}

static void *copy_create(const struct lim_codec *c)
{
	(void)c;
	return calloc(1, 1);
}

static int copy_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		       const uint8_t **out, size_t *out_len)
{
	(void)ctx;
	(void)cap;
	memcpy(buf, c->orig, c->len);
	*out = buf;
	*out_len = c->len;
	return 0;
}

static int copy_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		       uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	(void)ctx;
	(void)c;
	(void)cap;
	memcpy(buf, in, in_len);
	*out = buf;
	*out_len = in_len;
	return 0;
}

const struct lim_codec lim_memcpy = {
	.name = "memcpy",
	.call = "memcpy of each chunk into a reused chunk buffer (decode: from a copy of the set)",
	.bound = copy_bound,
	.create = copy_create,
	.ops = { .encode = copy_encode, .decode = copy_decode, .destroy = free },
};

/* ---- lz4: LZ4_compress_fast_extState, state reused; LZ4_decompress_safe --- */

struct lz4_ctx {
	LZ4_stream_t state;
	int acceleration;
};

static size_t lz4_bound(size_t len)
{
	return (size_t)LZ4_compressBound((int)len);
}

static void *lz4_create(const struct lim_codec *c)
{
	struct lz4_ctx *x = (struct lz4_ctx *)calloc(1, sizeof(*x));

	if (x)
		x->acceleration = c->param;
	return x;
}

static int lz4_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		      const uint8_t **out, size_t *out_len)
{
	struct lz4_ctx *x = (struct lz4_ctx *)ctx;
	int n = LZ4_compress_fast_extState(&x->state, (const char *)c->orig, (char *)buf,
					   (int)c->len, cap > INT_MAX ? INT_MAX : (int)cap,
					   x->acceleration);

	*out = buf;
	*out_len = n > 0 ? (size_t)n : 0;
	return n > 0 ? 0 : -1;
}

static int lz4_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		      uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	int n;

	(void)ctx;
	(void)cap;
	n = LZ4_decompress_safe((const char *)in, (char *)buf, (int)in_len, (int)c->len);
	*out = buf;
	*out_len = n > 0 ? (size_t)n : 0;
	return n >= 0 ? 0 : -1;
}

const struct lim_codec lim_lz4 = {
	.name = "lz4",
	.chain = "lz4:acceleration=1",
	.call = "liblz4 LZ4_compress_fast_extState(acceleration 1) / LZ4_decompress_safe",
	.param = 1,
	.bound = lz4_bound,
	.create = lz4_create,
	.ops = { .encode = lz4_encode, .decode = lz4_decode, .destroy = free },
};

/* ---- lzo: lzo1x_1_compress, work memory reused; lzo1x_decompress_safe ----- */

struct lzo_ctx {
	lzo_align_t wrkmem[(LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1) / sizeof(lzo_align_t)];
};

static size_t lzo_bound(size_t len)
{
	return len + len / 16 + 64 + 3;
}

static void *lzo_create(const struct lim_codec *c)
{
	(void)c;
	/* the plugin's prepare does the same, once per image */
	if (lzo_init() != LZO_E_OK) {
		fprintf(stderr, "hiblab-bench: lzo_init failed\n");
		return NULL;
	}
	return calloc(1, sizeof(struct lzo_ctx));
}

static int lzo_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		      const uint8_t **out, size_t *out_len)
{
	struct lzo_ctx *x = (struct lzo_ctx *)ctx;
	lzo_uint n = 0;
	int r;

	(void)cap;
	/* liblzo2 declares its input non-const but only reads it */
	r = lzo1x_1_compress((lzo_bytep)(uintptr_t)c->orig, (lzo_uint)c->len, buf, &n, x->wrkmem);
	*out = buf;
	*out_len = n;
	return r == LZO_E_OK ? 0 : -1;
}

static int lzo_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		      uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	lzo_uint n = c->len;
	int r;

	(void)ctx;
	(void)cap;
	r = lzo1x_decompress_safe((lzo_bytep)(uintptr_t)in, (lzo_uint)in_len, buf, &n, NULL);
	*out = buf;
	*out_len = n;
	return r == LZO_E_OK ? 0 : -1;
}

const struct lim_codec lim_lzo = {
	.name = "lzo",
	.chain = "lzo",
	.call = "liblzo2 lzo1x_1_compress / lzo1x_decompress_safe",
	.bound = lzo_bound,
	.create = lzo_create,
	.ops = { .encode = lzo_encode, .decode = lzo_decode, .destroy = free },
};

/* ---- zstd: ZSTD_compressCCtx / ZSTD_decompressDCtx, contexts reused --------- */

struct zstd_ctx {
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	int level;
};

static size_t zstd_bound(size_t len)
{
	return ZSTD_compressBound(len);
}

static void zstd_destroy(void *ctx)
{
	struct zstd_ctx *x = (struct zstd_ctx *)ctx;

	if (!x)
		return;
	ZSTD_freeCCtx(x->cctx);
	ZSTD_freeDCtx(x->dctx);
	free(x);
}

static void *zstd_create(const struct lim_codec *c)
{
	struct zstd_ctx *x = (struct zstd_ctx *)calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->level = c->param;
	x->cctx = ZSTD_createCCtx();
	x->dctx = ZSTD_createDCtx();
	if (!x->cctx || !x->dctx) {
		zstd_destroy(x);
		return NULL;
	}
	return x;
}

static int zstd_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		       const uint8_t **out, size_t *out_len)
{
	struct zstd_ctx *x = (struct zstd_ctx *)ctx;
	size_t n = ZSTD_compressCCtx(x->cctx, buf, cap, c->orig, c->len, x->level);

	*out = buf;
	*out_len = ZSTD_isError(n) ? 0 : n;
	return ZSTD_isError(n) ? -1 : 0;
}

static int zstd_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		       uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	struct zstd_ctx *x = (struct zstd_ctx *)ctx;
	size_t n = ZSTD_decompressDCtx(x->dctx, buf, c->len, in, in_len);

	(void)cap;
	*out = buf;
	*out_len = ZSTD_isError(n) ? 0 : n;
	return ZSTD_isError(n) ? -1 : 0;
}

const struct lim_codec lim_zstd1 = {
	.name = "zstd-1",
	.chain = "zstd:level=1",
	.call = "libzstd ZSTD_compressCCtx(level 1) / ZSTD_decompressDCtx",
	.param = 1,
	.bound = zstd_bound,
	.create = zstd_create,
	.ops = { .encode = zstd_encode, .decode = zstd_decode, .destroy = zstd_destroy },
};

const struct lim_codec lim_zstd3 = {
	.name = "zstd-3",
	.chain = "zstd:level=3",
	.call = "libzstd ZSTD_compressCCtx(level 3) / ZSTD_decompressDCtx",
	.param = 3,
	.bound = zstd_bound,
	.create = zstd_create,
	.ops = { .encode = zstd_encode, .decode = zstd_decode, .destroy = zstd_destroy },
};

/* ---- deflate: ISA-L isal_deflate_stateless / isal_inflate_stateless ------- */

struct deflate_ctx {
	struct isal_zstream zs;
	struct inflate_state is;
	uint8_t *level_buf;
	uint32_t level_buf_size;
	uint32_t level;
};

static size_t deflate_bound(size_t len)
{
	/* stored blocks: 5 bytes per 65535 (as filters/deflate.c) */
	size_t stored = len + (len ? (len + 65534) / 65535 : 1) * 5;

	return stored < 8 ? 8 : stored;
}

static void deflate_destroy(void *ctx)
{
	struct deflate_ctx *x = (struct deflate_ctx *)ctx;

	if (!x)
		return;
	free(x->level_buf);
	free(x);
}

static void *deflate_create(const struct lim_codec *c)
{
	struct deflate_ctx *x = (struct deflate_ctx *)calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->level = (uint32_t)c->param;
	x->level_buf_size = ISAL_DEF_LVL1_DEFAULT;  /* ISA-L's size for level 1 */
	x->level_buf = (uint8_t *)malloc(x->level_buf_size);
	if (!x->level_buf) {
		deflate_destroy(x);
		return NULL;
	}
	return x;
}

static int deflate_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
			  const uint8_t **out, size_t *out_len)
{
	struct deflate_ctx *x = (struct deflate_ctx *)ctx;
	struct isal_zstream *zs = &x->zs;
	int r;

	isal_deflate_stateless_init(zs);
	zs->next_in = (uint8_t *)(uintptr_t)c->orig;
	zs->avail_in = (uint32_t)c->len;
	zs->next_out = buf;
	zs->avail_out = (uint32_t)cap;
	zs->level = x->level;
	zs->level_buf = x->level_buf;
	zs->level_buf_size = x->level_buf_size;
	zs->end_of_stream = 1;
	zs->flush = NO_FLUSH;
	zs->gzip_flag = IGZIP_DEFLATE;
	zs->hist_bits = 0;
	r = isal_deflate_stateless(zs);
	*out = buf;
	*out_len = zs->total_out;
	return r == COMP_OK ? 0 : -1;
}

static int deflate_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
			  uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	struct deflate_ctx *x = (struct deflate_ctx *)ctx;
	struct inflate_state *is = &x->is;
	int r;

	(void)cap;
	isal_inflate_init(is);
	is->next_in = (uint8_t *)(uintptr_t)in;
	is->avail_in = (uint32_t)in_len;
	is->next_out = buf;
	is->avail_out = (uint32_t)c->len;
	is->crc_flag = ISAL_DEFLATE;
	r = isal_inflate_stateless(is);
	*out = buf;
	*out_len = is->total_out;
	return r == ISAL_DECOMP_OK ? 0 : -1;
}

const struct lim_codec lim_deflate = {
	.name = "deflate-1",
	.chain = "deflate:level=1",
	.call = "ISA-L isal_deflate_stateless(level 1) / isal_inflate_stateless",
	.param = 1,
	.bound = deflate_bound,
	.create = deflate_create,
	.ops = { .encode = deflate_encode, .decode = deflate_decode, .destroy = deflate_destroy },
};
