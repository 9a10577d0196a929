/* The contract every checksum filter shares (crc32c, xxh3, sha256): encode
 * appends a digest of its input, decode verifies it and strips it.
 *
 * Encoded: the input unchanged, then sum_len digest bytes.  Each filter
 * says in its own file how its digest is laid out.
 *
 * Header-only (static inline) so each filter keeps its digest call inlined
 * and no extra object joins the library. */
#ifndef HB_CHECKSUM_FRAME_H
#define HB_CHECKSUM_FRAME_H

#include "core/error.h"
#include "core/plugin.h"

#include <stdint.h>
#include <string.h>

#define HB_SUM_MAX 32  /* largest digest: SHA-256 */

/* Writes the sum_len-byte digest of buf[0..len) to out; 0 or an HB_E* code. */
typedef int hb_sum_fn(void *ctx, const uint8_t *buf, size_t len, uint8_t *out);

static inline size_t hb_sum_bound(size_t in_len, size_t sum_len)
{
	return in_len + sum_len;
}

static inline int hb_sum_encode(struct hb_xfer *x, const char *name, size_t sum_len,
				hb_sum_fn *sum, void *ctx)
{
	int err;

	if (sum_len <= HB_SUM_MAX && x->in_mut && x->in_spare >= sum_len) {
		/* room after the input: append in place, no copy of the data */
		err = sum(ctx, x->in, x->in_len, x->in_mut + x->in_len);
		x->result = x->in;
		x->out_len = x->in_len + sum_len;
		return err;
	}
	/* the chain sizes out from bound(); anything else is a caller's bug */
	if (sum_len > HB_SUM_MAX || x->out_cap < x->in_len || x->out_cap - x->in_len < sum_len)
		return hb_fail(HB_EINTERNAL, "%s: output buffer of %zu bytes below its bound",
			       name, x->out_cap);
	err = sum(ctx, x->in, x->in_len, x->out + x->in_len);
	if (err)
		return err;
	memcpy(x->out, x->in, x->in_len);
	x->out_len = x->in_len + sum_len;
	return 0;
}

static inline int hb_sum_decode(struct hb_xfer *x, const char *name, size_t sum_len,
				hb_sum_fn *sum, void *ctx)
{
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	uint8_t want[HB_SUM_MAX];
	size_t len;
	int err;

	if (sum_len > HB_SUM_MAX)
		return hb_fail(HB_EINTERNAL, "%s: digest of %zu bytes too large", name, sum_len);
	if (x->in_len < sum_len)
		return hb_fail(HB_ECORRUPT, "record %llu: %s: too short", seq, name);
	len = x->in_len - sum_len;
	if (len > x->out_cap)
		return hb_fail(HB_ECORRUPT, "record %llu: %s: length %zu exceeds %zu", seq, name,
			       len, x->out_cap);
	err = sum(ctx, x->in, len, want);
	if (err)
		return err;
	/* the digest guards integrity, not a secret: plain memcmp is fine */
	if (memcmp(want, x->in + len, sum_len) != 0)
		return hb_fail(HB_ECORRUPT, "record %llu: %s mismatch", seq, name);
	/* the data stays where it is: only the digest is dropped */
	x->result = x->in;
	x->out_len = len;
	return 0;
}

#endif
