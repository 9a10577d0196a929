/* The checksums' frame (checksum_frame.h): one implementation, each
 * checksum's digest found through its own table. */
#include "filters/checksum_frame.h"

#include "core/error.h"
#include "core/hash.h"

#include <string.h>

static const struct hb_checksum *checksum_of(const struct hb_filter *self)
{
	return (const struct hb_checksum *)self->family;
}

static size_t digest_len(const struct hb_checksum *cs, const void *conf)
{
	return cs->digest_len ? cs->digest_len : cs->digest_len_of(conf);
}

size_t hb_sum_bound(const struct hb_filter *self, const void *conf, size_t in_len)
{
	return in_len + digest_len(checksum_of(self), conf);
}

int hb_sum_create(const struct hb_filter *self, void *priv, const void *conf, const void *state,
		  const struct hb_image_info *img)
{
	struct hb_sum_priv *p = (struct hb_sum_priv *)priv;

	(void)state;
	(void)img;
	p->len = digest_len(checksum_of(self), conf);
	if (p->len == 0 || p->len > HB_SUM_MAX)
		return hb_fail(HB_EINTERNAL, "%s: digest of %zu bytes", self->base.name, p->len);
	return 0;
}

int hb_sum_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	const struct hb_checksum *cs = checksum_of(self);
	size_t sum_len = ((const struct hb_sum_priv *)priv)->len;
	int err;

	if (x->in_mut && x->in_spare >= sum_len) {
		/* room after the input: append in place, no copy of the data */
		err = cs->sum(priv, x->in, x->in_len, x->in_mut + x->in_len);
		x->result = x->in;
		x->out_len = x->in_len + sum_len;
		return err;
	}
	/* the chain sizes out from bound(); anything else is a caller's bug */
	if (x->out_cap < x->in_len || x->out_cap - x->in_len < sum_len)
		return hb_fail(HB_EINTERNAL, "%s: output buffer of %zu bytes below its bound",
			       self->base.name, x->out_cap);
	err = cs->sum(priv, x->in, x->in_len, x->out + x->in_len);
	if (err)
		return err;
	memcpy(x->out, x->in, x->in_len);
	x->out_len = x->in_len + sum_len;
	return 0;
}

int hb_sum_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	const struct hb_checksum *cs = checksum_of(self);
	const char *name = self->base.name;
	size_t sum_len = ((const struct hb_sum_priv *)priv)->len;
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	uint8_t want[HB_SUM_MAX];
	size_t len;
	int err;

	if (x->in_len < sum_len)
		return hb_fail(HB_ECORRUPT, "record %llu: %s: too short", seq, name);
	len = x->in_len - sum_len;
	if (len > x->out_cap)
		return hb_fail(HB_ECORRUPT, "record %llu: %s: length %zu exceeds %zu", seq, name,
			       len, x->out_cap);
	err = cs->sum(priv, x->in, len, want);
	if (err)
		return err;
	/* the digest guards integrity, not a secret: no constant-time compare */
	if (!hb_sum_equal(x->in + len, want, sum_len))
		return hb_fail(HB_ECORRUPT, "record %llu: %s mismatch", seq, name);
	/* the data stays where it is: only the digest is dropped */
	x->result = x->in;
	x->out_len = len;
	return 0;
}
