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
 * One implementation (compress_frame.c) for every compressor: a compressor's
 * table sets .family to its codec and bound, encode and decode to the hb_cf_*
 * methods below, which find the codec through the table they are called
 * for. */
#ifndef HB_COMPRESS_FRAME_H
#define HB_COMPRESS_FRAME_H

#include "core/plugin.h"

#include <stddef.h>
#include <stdint.h>

enum {
	HB_CF_RAW = 0,     /* flag: the input follows unchanged */
	HB_CF_PACKED = 1,  /* flag: u32 length, then the compressed stream */
	HB_CF_HDR = 5      /* bytes before a compressed stream: flag + length */
};

/* One compression library, as the frame drives it: a compressor's .family. */
struct hb_cf_codec {
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

/* The hb_filter methods of every compressor. */
size_t hb_cf_bound(const struct hb_filter *self, const void *conf, size_t in_len);
int hb_cf_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x);
int hb_cf_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x);

#endif
