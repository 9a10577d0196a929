/* The framing every compression filter shares (lz4, lz4hc, zstd, lzo,
 * deflate), so each of them is only its library calls.
 *
 * Encoded, one of:
 *   0x00, then the input unchanged            stored raw: 1 byte of overhead
 *   0x01, u32 LE input length, then the       compressed
 *         library's compressed stream
 *
 * Why: a hibernation image holds pages that do not compress (encrypted or
 * already-compressed memory), and a library's output on those is larger than
 * its input.  Storing them raw caps the growth of any record at one byte,
 * and the length lets decode insist on exactly the size that went in instead
 * of trusting whatever a damaged stream decodes to.  A record is compressed
 * only when that is smaller than storing it raw.
 *
 * Decode trusts nothing: a wrong flag, a short record, a length beyond the
 * stage's capacity, a stream the library refuses or one that decodes to any
 * other length is HB_ECORRUPT with "record N: NAME: ..." as its detail.
 *
 * Header-only (static inline) like checksum_frame.h: each filter passes a
 * constant codec table, so the calls through it can be inlined. */
#ifndef HB_COMPRESS_FRAME_H
#define HB_COMPRESS_FRAME_H

#include "core/bytes.h"
#include "core/error.h"
#include "core/plugin.h"

#include <stdint.h>
#include <string.h>

enum {
	HB_CF_RAW = 0,     /* flag: the input follows unchanged */
	HB_CF_PACKED = 1,  /* flag: u32 length, then the compressed stream */
	HB_CF_HDR = 5      /* bytes before a compressed stream: flag + length */
};

/* One compression library, as the frame drives it. */
struct hb_cf_codec {
	const char *name;
	/* the library's worst-case output for in_len bytes */
	size_t (*lib_bound)(size_t in_len);
	/* compress in into out (room >= lib_bound(in_len) bytes; called only for
	 * HB_CF_HDR < in_len <= UINT32_MAX).  Sets *out_len, or 0 when the library
	 * declines (the chunk is stored raw); returns 0 or an HB_E* code. */
	int (*pack)(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t room,
		    size_t *out_len);
	/* decompress in into out, at most want bytes.  Sets *out_len and returns
	 * 0, or returns nonzero (the stream is bad), optionally setting *why to
	 * the library's reason. */
	int (*unpack)(void *priv, const uint8_t *in, size_t in_len, uint8_t *out, size_t want,
		      size_t *out_len, const char **why);
};

/* Worst case of the framed output: the flag and length, then the library's
 * own worst case (which is never below in_len: that is the raw case). */
static inline size_t hb_cf_bound(const struct hb_cf_codec *c, size_t in_len)
{
	size_t lib = c->lib_bound(in_len);

	return HB_CF_HDR + (lib > in_len ? lib : in_len);
}

static inline int hb_cf_encode(const struct hb_cf_codec *c, void *priv, struct hb_xfer *x)
{
	size_t packed = 0;
	int err;

	/* the chain sizes out from bound(); anything else is a caller's bug */
	if (x->out_cap < hb_cf_bound(c, x->in_len))
		return hb_fail(HB_EINTERNAL, "%s: output buffer of %zu bytes below its bound %zu",
			       c->name, x->out_cap, hb_cf_bound(c, x->in_len));
	/* a frame of HB_CF_HDR + packed bytes must beat 1 + in_len raw ones */
	if (x->in_len > HB_CF_HDR && x->in_len <= UINT32_MAX) {
		err = c->pack(priv, x->in, x->in_len, x->out + HB_CF_HDR,
			      x->out_cap - HB_CF_HDR, &packed);
		if (err)
			return err;
	}
	if (packed > 0 && packed <= x->in_len - HB_CF_HDR) {
		x->out[0] = HB_CF_PACKED;
		hb_put32(x->out + 1, (uint32_t)x->in_len);
		x->out_len = HB_CF_HDR + packed;
	} else {
		x->out[0] = HB_CF_RAW;
		if (x->in_len)  /* in may be NULL then */
			memcpy(x->out + 1, x->in, x->in_len);
		x->out_len = 1 + x->in_len;
	}
	return 0;
}

static inline int hb_cf_decode(const struct hb_cf_codec *c, void *priv, struct hb_xfer *x)
{
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	const char *why = NULL;
	size_t want, got = 0;

	if (x->in_len < 1)
		return hb_fail(HB_ECORRUPT, "record %llu: %s: empty", seq, c->name);
	switch (x->in[0]) {
	case HB_CF_RAW:
		if (x->in_len - 1 > x->out_cap)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: stored length %zu exceeds %zu",
				       seq, c->name, x->in_len - 1, x->out_cap);
		memcpy(x->out, x->in + 1, x->in_len - 1);
		x->out_len = x->in_len - 1;
		return 0;
	case HB_CF_PACKED:
		if (x->in_len < HB_CF_HDR)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: header cut short", seq,
				       c->name);
		want = hb_get32(x->in + 1);
		if (want > x->out_cap)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: length %zu exceeds %zu", seq,
				       c->name, want, x->out_cap);
		if (c->unpack(priv, x->in + HB_CF_HDR, x->in_len - HB_CF_HDR, x->out, want, &got,
			      &why))
			return hb_fail(HB_ECORRUPT, "record %llu: %s: corrupt data%s%s%s", seq,
				       c->name, why ? " (" : "", why ? why : "", why ? ")" : "");
		if (got != want)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: corrupt data (%zu bytes "
						    "decoded, %zu expected)",
				       seq, c->name, got, want);
		x->out_len = want;
		return 0;
	default:
		return hb_fail(HB_ECORRUPT, "record %llu: %s: corrupt data (unknown flag 0x%02x)",
			       seq, c->name, x->in[0]);
	}
}

#endif
