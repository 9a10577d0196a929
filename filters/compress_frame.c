/* The compressors' frame (compress_frame.h): one implementation, each
 * compressor's codec found through its own table. */
#include "filters/compress_frame.h"

#include "core/bytes.h"
#include "core/error.h"

#include <string.h>

static const struct hb_cf_codec *codec_of(const struct hb_filter *self)
{
	return (const struct hb_cf_codec *)self->family;
}

/* Worst case of the framed output: the flag and length, then the library's
 * own worst case (which is never below in_len: that is the raw case). */
static size_t framed_bound(const struct hb_cf_codec *c, size_t in_len)
{
	size_t lib = c->lib_bound(in_len);

	return HB_CF_HDR + (lib > in_len ? lib : in_len);
}

size_t hb_cf_bound(const struct hb_filter *self, const void *conf, size_t in_len)
{
	(void)conf;
	return framed_bound(codec_of(self), in_len);
}

int hb_cf_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	const struct hb_cf_codec *c = codec_of(self);
	const char *name = self->base.name;
	size_t packed = 0;
	int err;

	/* the chain sizes out from bound(); anything else is a caller's bug */
	if (x->out_cap < framed_bound(c, x->in_len))
		return hb_fail(HB_EINTERNAL, "%s: output buffer of %zu bytes below its bound %zu",
			       name, x->out_cap, framed_bound(c, x->in_len));
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

int hb_cf_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	const struct hb_cf_codec *c = codec_of(self);
	const char *name = self->base.name;
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	const char *why = NULL;
	size_t want, got = 0;

	if (x->in_len < 1)
		return hb_fail(HB_ECORRUPT, "record %llu: %s: empty", seq, name);
	switch (x->in[0]) {
	case HB_CF_RAW:
		if (x->in_len - 1 > x->out_cap)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: stored length %zu exceeds %zu",
				       seq, name, x->in_len - 1, x->out_cap);
		memcpy(x->out, x->in + 1, x->in_len - 1);
		x->out_len = x->in_len - 1;
		return 0;
	case HB_CF_PACKED:
		if (x->in_len < HB_CF_HDR)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: header cut short", seq, name);
		want = hb_get32(x->in + 1);
		if (want > x->out_cap)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: length %zu exceeds %zu", seq,
				       name, want, x->out_cap);
		if (c->unpack(priv, x->in + HB_CF_HDR, x->in_len - HB_CF_HDR, x->out, want, &got,
			      &why))
			return hb_fail(HB_ECORRUPT, "record %llu: %s: corrupt data%s%s%s", seq, name,
				       why ? " (" : "", why ? why : "", why ? ")" : "");
		if (got != want)
			return hb_fail(HB_ECORRUPT, "record %llu: %s: corrupt data (%zu bytes "
						    "decoded, %zu expected)",
				       seq, name, got, want);
		x->out_len = want;
		return 0;
	default:
		return hb_fail(HB_ECORRUPT, "record %llu: %s: corrupt data (unknown flag 0x%02x)",
			       seq, name, x->in[0]);
	}
}
