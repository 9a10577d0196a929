/* Encoding and decoding the header area and record headers (format 1 and 2). */
#include "format.h"
#include "bytes.h"
#include "error.h"

#include <string.h>

/* ---- a bounded cursor over bytes ---------------------------------------- */

struct cursor {
	uint8_t *p;
	const uint8_t *in;
	size_t len, pos;
	bool overflow;
};

static uint8_t *take(struct cursor *c, size_t n)
{
	size_t at = c->pos;

	if (c->overflow || n > c->len - c->pos) {
		c->overflow = true;
		return NULL;
	}
	c->pos += n;
	return c->p ? c->p + at : (uint8_t *)(uintptr_t)(c->in + at);
}

static void put_u16(struct cursor *c, uint16_t v)
{
	uint8_t *p = take(c, 2);
	if (p)
		hb_put16(p, v);
}

static void put_u32(struct cursor *c, uint32_t v)
{
	uint8_t *p = take(c, 4);
	if (p)
		hb_put32(p, v);
}

static void put_u64(struct cursor *c, uint64_t v)
{
	uint8_t *p = take(c, 8);
	if (p)
		hb_put64(p, v);
}

static void put_bytes(struct cursor *c, const void *src, size_t n)
{
	uint8_t *p;

	put_u16(c, (uint16_t)n);
	p = take(c, n);
	if (p && n)
		memcpy(p, src, n);
}

static uint16_t get_u16(struct cursor *c)
{
	const uint8_t *p = take(c, 2);
	return p ? hb_get16(p) : 0;
}

static uint32_t get_u32(struct cursor *c)
{
	const uint8_t *p = take(c, 4);
	return p ? hb_get32(p) : 0;
}

static uint64_t get_u64(struct cursor *c)
{
	const uint8_t *p = take(c, 8);
	return p ? hb_get64(p) : 0;
}

/* A length-prefixed string into dst (NUL-terminated); false if it does not fit. */
static bool get_string(struct cursor *c, char *dst, size_t cap)
{
	uint16_t n = get_u16(c);
	const uint8_t *p = take(c, n);

	if (!p || n >= cap || memchr(p, '\0', n))
		return false;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return true;
}

/* ---- header ---------------------------------------------------------------- */

int hb_header_static_encode(const struct hb_header *h, uint8_t *buf, size_t cap, size_t *len)
{
	struct cursor c = { .p = buf, .len = cap };
	unsigned i;

	put_u64(&c, h->image_id);
	put_u64(&c, h->image_bytes);
	put_u64(&c, h->page_count);
	put_u32(&c, h->page_size);
	put_u32(&c, h->chunk_pages);
	put_u64(&c, h->created);
	put_u32(&c, h->digest_alg);
	put_u32(&c, h->filter_count);
	put_bytes(&c, h->source, strlen(h->source));
	for (i = 0; i < h->filter_count; i++) {
		const struct hb_header_filter *f = &h->filters[i];
		put_bytes(&c, f->name, strlen(f->name));
		put_bytes(&c, f->options, strlen(f->options));
		put_bytes(&c, f->params.data, f->params.len);
	}
	if (c.overflow)
		return hb_fail(HB_EUSAGE, "image header would exceed %u bytes (source text or "
					  "filter options too long)", HB_HEADER_AREA);
	*len = c.pos;
	return 0;
}

int hb_header_encode(const struct hb_header *h, const uint8_t *static_bytes, size_t static_len,
		     hb_header_tag_fn *tag, void *tag_ctx, uint8_t area[HB_HEADER_AREA],
		     size_t *len)
{
	size_t tag_len = tag ? HB_HEADER_TAG_LEN : h->tag_len;
	size_t tag_off = HB_FIXED_LEN + static_len;
	size_t total = tag_off + tag_len;
	int err;

	if (h->version == 0 || h->version > HB_FORMAT_VERSION || (tag_len && h->version < 2))
		return hb_fail(HB_EINTERNAL, "image header of format %u", h->version);
	if (tag_len > HB_HEADER_TAG_LEN || total > HB_HEADER_AREA)
		return hb_fail(HB_EUSAGE, "image header would exceed %u bytes", HB_HEADER_AREA);
	memset(area, 0, HB_HEADER_AREA);
	memcpy(area, h->spent ? HB_MAGIC_SPENT : HB_MAGIC_VALID, HB_MAGIC_LEN);
	hb_put32(area + 8, h->version);
	hb_put32(area + 16, (uint32_t)total);
	hb_put32(area + 20, (uint32_t)static_len);
	hb_put64(area + 24, h->record_count);
	hb_put64(area + 32, h->data_bytes);
	memcpy(area + 40, h->digest, HB_DIGEST_LEN);
	memcpy(area + HB_FIXED_LEN, static_bytes, static_len);
	if (tag) {
		/* the crc field is still zero here, as the check sees it */
		err = tag(tag_ctx, area + 8, tag_off - 8, area + tag_off);
		if (err)
			return err;
	} else {
		memcpy(area + tag_off, h->tag, tag_len);
	}
	/* the crc skips the magic so that invalidation rewrites only the magic */
	hb_put32(area + 12, hb_crc32c(0, area + 16, total - 16));
	*len = total;
	return 0;
}

/* Equal in time that does not depend on where two tags differ. */
static bool tags_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

int hb_header_check_tag(const uint8_t area[HB_HEADER_AREA], const struct hb_header *h,
			hb_header_tag_fn *tag, void *tag_ctx)
{
	size_t tag_off = hb_get32(area + 16) - h->tag_len;
	uint8_t covered[HB_HEADER_AREA], want[HB_HEADER_TAG_LEN];
	int err;

	if (h->tag_len != HB_HEADER_TAG_LEN)
		return hb_fail(HB_ECORRUPT, "image header: no header tag");
	/* what the writer tagged: the magic and the crc are not covered (an
	 * invalidation rewrites the one, the other covers the tag) */
	memcpy(covered, area, tag_off);
	memset(covered + 12, 0, 4);
	err = tag(tag_ctx, covered + 8, tag_off - 8, want);
	if (!err && !tags_equal(want, area + tag_off, HB_HEADER_TAG_LEN))
		err = hb_fail(HB_ECORRUPT, "image header: authentication failed (edited without "
					   "the key, or damaged)");
	return err;
}

void hb_header_mark_spent(uint8_t area[HB_HEADER_AREA])
{
	memcpy(area, HB_MAGIC_SPENT, HB_MAGIC_LEN);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int decode_static(struct cursor *c, struct hb_header *h)
{
	unsigned i;

	h->image_id = get_u64(c);
	h->image_bytes = get_u64(c);
	h->page_count = get_u64(c);
	h->page_size = get_u32(c);
	h->chunk_pages = get_u32(c);
	h->created = get_u64(c);
	h->digest_alg = get_u32(c);
	h->filter_count = get_u32(c);
	if (c->overflow)
		return hb_fail(HB_ECORRUPT, "image header: static section too short");
	if (h->page_size < 512 || h->page_size > 65536 || (h->page_size & (h->page_size - 1)))
		return hb_fail(HB_ECORRUPT, "image header: bad page size %u", h->page_size);
	if (h->chunk_pages == 0 || h->chunk_pages > HB_MAX_CHUNK_PAGES ||
	    (uint64_t)h->chunk_pages * h->page_size > HB_MAX_CHUNK_BYTES)
		return hb_fail(HB_ECORRUPT, "image header: bad chunk size %u pages of %u bytes (a "
					    "writer makes at most %u pages, %u MiB)", h->chunk_pages,
			       h->page_size, HB_MAX_CHUNK_PAGES, HB_MAX_CHUNK_BYTES >> 20);
	if (h->page_count == 0)
		return hb_fail(HB_ECORRUPT, "image header: no pages (a writer makes no empty image)");
	if (h->page_count != h->image_bytes / h->page_size + (h->image_bytes % h->page_size != 0))
		return hb_fail(HB_ECORRUPT, "image header: page count %llu does not match %llu bytes",
			       (unsigned long long)h->page_count,
			       (unsigned long long)h->image_bytes);
	if (h->digest_alg != HB_DIGEST_XXH3_CHUNKS)
		return hb_fail(HB_EVERSION, "image uses digest algorithm %u; this build knows 1",
			       h->digest_alg);
	if (h->filter_count > HB_MAX_FILTERS)
		return hb_fail(HB_ECORRUPT, "image header: %u filters (at most %d)",
			       h->filter_count, HB_MAX_FILTERS);
	if (!get_string(c, h->source, sizeof(h->source)))
		return hb_fail(HB_ECORRUPT, "image header: bad source description");
	for (i = 0; i < h->filter_count; i++) {
		struct hb_header_filter *f = &h->filters[i];
		uint16_t n;
		const uint8_t *p;

		if (!get_string(c, f->name, sizeof(f->name)) ||
		    !get_string(c, f->options, sizeof(f->options)))
			return hb_fail(HB_ECORRUPT, "image header: bad filter %u", i + 1);
		n = get_u16(c);
		p = take(c, n);
		if (!p || n > HB_PARAMS_MAX)
			return hb_fail(HB_ECORRUPT, "image header: bad parameters of filter %s",
				       f->name);
		memcpy(f->params.data, p, n);
		f->params.len = n;
	}
	if (c->pos != c->len)
		return hb_fail(HB_ECORRUPT, "image header: %zu stray bytes after the filters",
			       c->len - c->pos);
	return 0;
}

int hb_header_decode(const uint8_t area[HB_HEADER_AREA], struct hb_header *h,
		     size_t *static_off, size_t *static_len)
{
	uint32_t total, slen;
	uint8_t crc[4];
	struct cursor c;

	memset(h, 0, sizeof(*h));
	if (all_zero(area, HB_HEADER_AREA))
		return hb_fail(HB_ENOIMAGE, "no image (the header area is empty: never committed)");
	if (memcmp(area, HB_MAGIC_SPENT, HB_MAGIC_LEN) == 0)
		h->spent = true;
	else if (memcmp(area, HB_MAGIC_VALID, HB_MAGIC_LEN) != 0)
		return hb_fail(HB_EFOREIGN, "not a hiblab image (no hiblab signature in the header)");
	h->version = hb_get32(area + 8);
	if (h->version > HB_FORMAT_VERSION)
		return hb_fail(HB_EVERSION,
			       "image format version %u is newer than this build reads (%u)",
			       h->version, HB_FORMAT_VERSION);
	if (h->version == 0)
		return hb_fail(HB_ECORRUPT, "image header: version 0");
	total = hb_get32(area + 16);
	slen = hb_get32(area + 20);
	if (total > HB_HEADER_AREA || total < HB_FIXED_LEN || slen > total - HB_FIXED_LEN)
		return hb_fail(HB_ECORRUPT, "image header: bad length %u", total);
	/* what follows the static section: nothing, or (format 2) a header tag */
	h->tag_len = total - HB_FIXED_LEN - slen;
	if (h->tag_len != 0 && (h->version < 2 || h->tag_len != HB_HEADER_TAG_LEN))
		return hb_fail(HB_ECORRUPT, "image header: %u stray bytes after the static section",
			       h->tag_len);
	hb_put32(crc, hb_crc32c(0, area + 16, total - 16));
	if (!hb_sum_equal(area + 12, crc, sizeof(crc)))
		return hb_fail(HB_ECORRUPT, "image header: checksum mismatch");
	/* this build writes zeros there; a later format may not: never misread it */
	if (!all_zero(area + 56, HB_FIXED_LEN - 56) || !all_zero(area + total, HB_HEADER_AREA - total))
		return hb_fail(HB_EVERSION, "image header: reserved bytes are set (made by a newer "
					    "or foreign writer)");
	h->record_count = hb_get64(area + 24);
	h->data_bytes = hb_get64(area + 32);
	memcpy(h->digest, area + 40, HB_DIGEST_LEN);
	memcpy(h->tag, area + HB_FIXED_LEN + slen, h->tag_len);
	c = (struct cursor){ .in = area + HB_FIXED_LEN, .len = slen };
	if (static_off)
		*static_off = HB_FIXED_LEN;
	if (static_len)
		*static_len = slen;
	return decode_static(&c, h);
}

/* ---- records --------------------------------------------------------------- */

void hb_record_encode(uint8_t out[HB_RECORD_HDR], uint64_t image_id, uint64_t seq,
		      uint32_t pages, const uint8_t *payload, uint32_t payload_len)
{
	uint32_t crc;

	hb_put32(out, HB_RECORD_MAGIC);
	hb_put32(out + 4, payload_len);
	hb_put64(out + 8, seq);
	hb_put32(out + 16, pages);
	/* seeded with the image id: a record left from another image fails */
	crc = hb_crc32c((uint32_t)image_id, out, 20);
	crc = hb_crc32c(crc, payload, payload_len);
	hb_put32(out + 20, crc);
}

int hb_record_decode(const uint8_t in[HB_RECORD_HDR], struct hb_record *r)
{
	if (hb_get32(in) != HB_RECORD_MAGIC)
		return HB_ECORRUPT;
	r->payload_len = hb_get32(in + 4);
	r->seq = hb_get64(in + 8);
	r->pages = hb_get32(in + 16);
	r->crc = hb_get32(in + 20);
	return 0;
}

bool hb_record_crc_ok(const uint8_t hdr[HB_RECORD_HDR], uint64_t image_id,
		      const uint8_t *payload, uint32_t payload_len)
{
	uint8_t sum[4];
	uint32_t crc = hb_crc32c((uint32_t)image_id, hdr, 20);

	crc = hb_crc32c(crc, payload, payload_len);
	hb_put32(sum, crc);
	return hb_sum_equal(hdr + 20, sum, sizeof(sum));
}
