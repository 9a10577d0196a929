/* Building kernel hibernation images for the reader's tests (kimagefx.h). */
#include "kimagefx.h"
#include "testutil.h"

#include "core/bytes.h"

#include <criterion/criterion.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>

#define PG HB_KIMAGE_PAGE
#define ENTRIES (PG / 8u - 1u)

struct builder {
	uint8_t *area;
	uint64_t next;        /* the next free page */
	uint8_t *map;         /* the map page being filled */
	uint64_t map_at;
	uint32_t k;
	struct kfx_layout *out;
};

static uint64_t take(struct builder *b)
{
	return b->next++;
}

static bool zero_frame(const struct kfx_spec *s, uint64_t f)
{
	return s->zero_every && f % s->zero_every == s->zero_every - 1;
}

/* swap_write_page(): the page goes to a new slot, listed in the map page. */
static uint64_t put_page(struct builder *b, const uint8_t *page, uint64_t dev_pages)
{
	uint64_t at = take(b);

	cr_assert_lt(at, dev_pages, "kfx: the image needs more than %llu pages",
		     (unsigned long long)dev_pages);
	memcpy(b->area + at * PG, page, PG);
	hb_put64(b->map + (size_t)b->k * 8u, at);
	b->out->entries++;
	if (++b->k == ENTRIES) {
		uint64_t next = take(b);
		hb_put64(b->map + ENTRIES * 8u, next);
		memcpy(b->area + b->map_at * PG, b->map, PG);
		memset(b->map, 0, PG);
		cr_assert_lt(b->out->nmaps, KFX_MAX_MAPS);
		b->out->maps[b->out->nmaps++] = next;
		b->map_at = next;
		b->k = 0;
	}
	return at;
}

static uint64_t noise(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Page p of the stream after swsusp_info: the frame list, then data. */
static void make_page(const struct kfx_spec *s, const struct kfx_layout *l, uint64_t p,
		      uint8_t *page)
{
	uint64_t i, d, x;

	memset(page, 0, PG);
	if (p < l->meta) {
		for (i = 0; i < PG / 8u; i++) {
			uint64_t f = p * (PG / 8u) + i;
			bool zero = zero_frame(s, f);
			if (f >= l->frames) {
				hb_put64(page + i * 8u, UINT64_MAX);
				break;
			}
			hb_put64(page + i * 8u, (0x100 + 3 * f) | (zero ? UINT64_C(1) << 63 : 0));
		}
		return;
	}
	d = p - l->meta;
	if (s->noise) {
		x = d * 0x9E3779B97F4A7C15ull + 1;
		for (i = 0; i < PG; i += 8)
			hb_put64(page + i, noise(&x));
	} else {
		for (i = 0; i < PG; i++)
			page[i] = (uint8_t)((d * 7 + i / 64) & 0xff);
	}
	if (d == 1 && !s->utsname) {
		static const char banner[] = "Linux version 6.12.0-kfx+ (kfx@test) (gcc) #1 SMP";
		memcpy(page + 100, banner, sizeof(banner));
	}
}

static void info_page(const struct kfx_spec *s, const struct kfx_layout *l, uint8_t *page)
{
	uint64_t pages = 1 + l->meta + s->data_pages;

	memset(page, 0, PG);
	if (s->utsname) {
		memcpy(page, "Linux", 6);
		memcpy(page + 130, "6.1.0-kfx", 10);
		memcpy(page + 260, "x86_64", 7);
	} else {
		hb_put64(page, 0xffffffff81000000ull);
		hb_put64(page + 24, 0x23456789ABCDEF02ull);
	}
	hb_put64(page + 400, 65536);
	hb_put64(page + 416, s->data_pages);
	hb_put64(page + 424, pages);
	hb_put64(page + 432, pages * PG);
}

/* 32 pages at a time, compressed, a size_t length in front, over pages. */
static void put_records(struct builder *b, const struct kfx_spec *s, uint64_t total)
{
	uint8_t *unc = malloc(32u * PG), *cmp = malloc(40u * PG), *wrk = malloc(LZO1X_1_MEM_COMPRESS);
	uint64_t p = 0, n, i, len;

	cr_assert(unc && cmp && wrk);
	while (p < total) {
		n = total - p < 32 ? total - p : 32;
		for (i = 0; i < n; i++)
			make_page(s, b->out, p + i, unc + i * PG);
		memset(cmp, 0, 40u * PG);
		if (s->comp == HB_KIMAGE_LZ4) {
			int r = LZ4_compress_default((const char *)unc, (char *)cmp + 8, (int)(n * PG),
						     39 * (int)PG);
			cr_assert_gt(r, 0);
			len = (uint64_t)r;
		} else {
			lzo_uint out = 0;
			cr_assert_eq(lzo1x_1_compress(unc, n * PG, cmp + 8, &out, wrk), LZO_E_OK);
			len = out;
		}
		hb_put64(cmp, len);
		b->out->crc = hb_kimage_crc32(b->out->crc, unc, n * PG);
		for (i = 0; i * PG < 8 + len; i++) {
			uint64_t at = put_page(b, cmp + i * PG, s->dev_pages);
			if (i == 0 && b->out->nrecords < KFX_MAX_RECORDS)
				b->out->record[b->out->nrecords++] = at;
		}
		p += n;
	}
	free(unc);
	free(cmp);
	free(wrk);
}

void kfx_build(const char *path, const struct kfx_spec *s, struct kfx_layout *out)
{
	struct builder b = { .next = 1, .out = out };
	uint8_t page[PG];
	uint64_t total, p, zero = 0, f;
	uint32_t flags = 0;

	memset(out, 0, sizeof(*out));
	/* frames: data pages plus the zero ones between them */
	for (f = 0; f - zero < s->data_pages; f++)
		zero += zero_frame(s, f);
	out->frames = f;
	out->zero = zero;
	out->meta = (f * 8 + PG - 1) / PG;
	total = out->meta + s->data_pages;
	b.area = calloc((size_t)s->dev_pages, PG);
	b.map = calloc(1, PG);
	cr_assert(b.area && b.map);
	b.map_at = take(&b);
	out->maps[out->nmaps++] = b.map_at;
	info_page(s, out, page);
	out->info = put_page(&b, page, s->dev_pages);
	if (s->comp == HB_KIMAGE_PLAIN) {
		for (p = 0; p < total; p++) {
			uint64_t at;
			make_page(s, out, p, page);
			at = put_page(&b, page, s->dev_pages);
			if (out->nrecords < KFX_MAX_RECORDS)
				out->record[out->nrecords++] = at;
		}
		flags = HB_KIMAGE_SF_NOCOMPRESS;
	} else {
		put_records(&b, s, total);
		flags = HB_KIMAGE_SF_CRC32 | (s->comp == HB_KIMAGE_LZ4 ? HB_KIMAGE_SF_LZ4 : 0);
	}
	memcpy(b.area + b.map_at * PG, b.map, PG);
	/* the swap header page, as mark_swapfiles() leaves it */
	hb_put32(b.area + 1024, 1);
	hb_put32(b.area + 1028, (uint32_t)(s->dev_pages - 1));
	hb_put32(b.area + PG - 36, s->comp == HB_KIMAGE_PLAIN ? 0 : out->crc);
	hb_put64(b.area + PG - 32, out->maps[0]);
	hb_put32(b.area + PG - 24, flags);
	memcpy(b.area + PG - 20, "SWAPSPACE2", 10);
	memcpy(b.area + PG - 10, "S1SUSPEND", 10);
	tu_write_file(path, b.area, (size_t)s->dev_pages * PG);
	free(b.area);
	free(b.map);
}

void kfx_put64(const char *path, uint64_t page, uint32_t off, uint64_t v)
{
	size_t len;
	uint8_t *all = tu_read_file(path, &len);

	cr_assert_leq(page * PG + off + 8, len);
	hb_put64(all + page * PG + off, v);
	tu_write_file(path, all, len);
	free(all);
}
