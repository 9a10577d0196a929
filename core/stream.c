/* The staged byte stream of stream.h. */
#include "stream.h"
#include "error.h"

#include <string.h>

void hb_stream_init(struct hb_stream *s, uint8_t *buf, size_t cap, void *ctx,
		    hb_stream_flush_fn *flush, hb_stream_fill_fn *fill)
{
	*s = (struct hb_stream){ .buf = buf, .cap = cap, .flush = flush, .fill = fill,
				 .ctx = ctx };
}

static int flush_block(struct hb_stream *s)
{
	size_t len = s->used;
	int err;

	s->used = 0;
	err = s->flush(s->ctx, &s->buf, len, s->off);
	s->off += len;
	return err;
}

int hb_stream_write(struct hb_stream *s, const void *data, size_t len)
{
	const uint8_t *p = (const uint8_t *)data;
	int err;

	while (len) {
		size_t n = s->cap - s->used < len ? s->cap - s->used : len;
		memcpy(s->buf + s->used, p, n);
		s->used += n;
		s->position += n;
		p += n;
		len -= n;
		if (s->used == s->cap && (err = flush_block(s)) != 0)
			return err;
	}
	return 0;
}

int hb_stream_flush(struct hb_stream *s, size_t unit)
{
	size_t pad = unit > 1 ? (unit - s->used % unit) % unit : 0;

	if (s->used == 0)
		return 0;
	memset(s->buf + s->used, 0, pad);
	s->used += pad;
	return flush_block(s);
}

int hb_stream_read(struct hb_stream *s, void *data, size_t len)
{
	uint8_t *p = (uint8_t *)data;
	int err;

	while (len) {
		size_t n = s->used - s->taken;
		if (n == 0) {
			s->off += s->used;
			s->used = s->taken = 0;
			err = s->fill(s->ctx, &s->buf, s->cap, s->off, &n);
			if (err)
				return err;
			if (n == 0)
				return HB_ETRUNCATED;
			s->used = n;
			continue;
		}
		if (n > len)
			n = len;
		memcpy(p, s->buf + s->taken, n);
		s->taken += n;
		s->position += n;
		p += n;
		len -= n;
	}
	return 0;
}
