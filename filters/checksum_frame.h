/* The contract every checksum filter shares (crc32c, xxh3, sha256): encode
 * appends a digest of its input, decode verifies it and strips it.
 *
 * Encoded: the input unchanged, then the digest.  Each filter says in its
 * own file how its digest is laid out.
 *
 * One implementation (checksum_frame.c): a checksum's table sets .family to
 * its struct hb_checksum, .exact_size (a digest never shrinks anything) and
 * bound, create, encode and decode to the hb_sum_* methods below (a filter
 * with a context of its own calls hb_sum_create from its create).  Its priv
 * begins with a struct hb_sum_priv. */
#ifndef HB_CHECKSUM_FRAME_H
#define HB_CHECKSUM_FRAME_H

#include "core/plugin.h"

#include <stddef.h>
#include <stdint.h>

#define HB_SUM_MAX 32  /* largest digest: SHA-256 */

/* One checksum, as the frame drives it: a checksum filter's .family. */
struct hb_checksum {
	/* digest bytes per record; 0: digest_len_of(conf) chooses */
	size_t digest_len;
	size_t (*digest_len_of)(const void *conf);
	/* the digest of buf[0..len) into out (the worker's hb_sum_priv.len
	 * bytes); 0 or an HB_E* code */
	int (*sum)(void *priv, const uint8_t *buf, size_t len, uint8_t *out);
};

/* The start of every checksum filter's priv, set by hb_sum_create. */
struct hb_sum_priv {
	size_t len;  /* digest bytes under this image's options */
};

/* The hb_filter methods of every checksum. */
size_t hb_sum_bound(const struct hb_filter *self, const void *conf, size_t in_len);
int hb_sum_create(const struct hb_filter *self, void *priv, const void *conf, const void *state,
		  const struct hb_image_info *img);
int hb_sum_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x);
int hb_sum_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x);

#endif
