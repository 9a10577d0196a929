/* swap: a Linux swap area (a partition, or a swap file).  The image lives in
 * the area's pages after its header page; the header page itself keeps
 * every byte of the original swap header except its last 64, which become
 * hiblab's trailer and signature.  So the commit point is one sector, and
 * putting the swap header back is one sector too.  docs/WRITERS.md has the
 * layout byte by byte and the commit order.
 *
 *   header page  [0, ps-64) the original swap header, untouched
 *                [ps-64, ps) trailer: where the descriptor is, crc of the
 *                original page, "HIBLABSWP1" where "SWAPSPACE2" was
 *   descriptor   the 64 original bytes, where the header and the map are
 *   header       the image's 4096-byte header area (docs/FORMAT.md)
 *   map pages    a chain of extents: which pages hold the data area
 *   data pages   the data area (records), ps bytes per page
 *
 * Pages come from an allocator (swap_area.h): the whole area in order,
 * skipping bad pages, or the kernel's free slots when the area is active
 * swap and the source is /dev/snapshot (which hands them to the core, and
 * the core to attach()).  Reading an image back is
 * swap_load.c; the types both halves share are in swap_writer.h. */
#include "backends/rawio.h"
#include "backends/swap_area.h"
#include "backends/swap_writer.h"
#include "core/bytes.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"
#include "core/options.h"
#include "core/plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

uint32_t hb_swap_map_cap(const struct swap_priv *s)
{
	return (s->ps - MAP_HDR) / EXT_LEN;
}

static uint64_t new_session(void)
{
	uint64_t x = 0;

	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != (ssize_t)sizeof(x))
		x = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	return x ? x : 1;
}

int hb_swap_read_page(struct swap_priv *s, uint8_t *buf, uint64_t page)
{
	int err = hb_raw_read(&s->raw, buf, s->ps, page * s->ps);

	if (err == HB_ETRUNCATED)
		return hb_fail(HB_ECORRUPT, "%s: page %llu is past the end", s->raw.name,
			       (unsigned long long)page);
	return err;
}

static int write_page(struct swap_priv *s, const uint8_t *buf, uint64_t page)
{
	return hb_raw_write(&s->raw, buf, s->ps, page * s->ps);
}

/* The block of the header page that holds the trailer: the only one that
 * differs between "swap area" and "image", so one sector decides which. */
static int write_trailer_block(struct swap_priv *s, const uint8_t *page)
{
	uint32_t blk = s->raw.align < s->ps ? s->raw.align : s->ps;

	return hb_raw_write(&s->raw, page + s->ps - blk, blk, s->base * s->ps + s->ps - blk);
}

static bool has_signature(const struct swap_priv *s, const uint8_t *page)
{
	return memcmp(page + s->ps - HB_SWAP_MAGIC_LEN, SIGNATURE, HB_SWAP_MAGIC_LEN) == 0;
}

/* "mkswap -U ... -L ..." from the untouched part of the header page. */
static void recreate_hint(const struct swap_priv *s, char *buf, size_t cap)
{
	const uint8_t *u = s->page0 + 1036;
	char label[17];

	memcpy(label, s->page0 + 1052, 16);
	label[16] = '\0';
	snprintf(buf, cap, "mkswap -U %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x%s%s%s %s", u[0], u[1], u[2], u[3], u[4], u[5], u[6],
		 u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15],
		 label[0] ? " -L '" : "", label, label[0] ? "'" : "", s->conf->path);
}

/* ---- reading an image's trailer and descriptor ------------------------------ */

static int parse_trailer(struct swap_priv *s, struct swap_image *im)
{
	const uint8_t *t = s->page0 + s->ps - TRAILER_LEN;
	char hint[640];

	memset(im, 0, sizeof(*im));
	if (hb_get32(t + 48) != hb_crc32c(0, t, 48) || hb_get32(t + 20) != TRAILER_VERSION) {
		recreate_hint(s, hint, sizeof(hint));
		return hb_fail(HB_ECORRUPT, "%s: the hiblab trailer of the swap header page is "
					    "damaged: the original header cannot be put back byte "
					    "for byte (recreate it: %s)", s->raw.name, hint);
	}
	im->desc_page = hb_get64(t);
	im->session = hb_get64(t + 8);
	im->orig_crc = hb_get32(t + 16);
	return 0;
}

/* The descriptor: a damaged one leaves desc_ok false (the image cannot be
 * read, but its swap header can usually still be put back). */
static int read_descriptor(struct swap_priv *s, struct swap_image *im)
{
	uint8_t *d = (uint8_t *)hb_raw_alloc(&s->raw, s->ps);
	int err = 0;

	if (!d)
		return hb_fail(HB_ENOMEM, "out of memory");
	if (im->desc_page == 0 || im->desc_page == s->base || im->desc_page >= s->dev_pages)
		goto out;
	err = hb_swap_read_page(s, d, im->desc_page);
	if (err)
		goto out;
	if (memcmp(d, DESC_MAGIC, 8) != 0 || hb_get32(d + 8) != 1 ||
	    hb_get32(d + 12) != hb_crc32c(0, d + 16, s->ps - 16) || hb_get64(d + 16) != im->session ||
	    hb_get64(d + 56) != s->base || hb_get32(d + 64) != s->ps ||
	    hb_get32(d + 76) != TRAILER_LEN)
		goto out;
	im->head_page = hb_get64(d + 24);
	im->map_page = hb_get64(d + 32);
	im->data_pages = hb_get64(d + 40);
	im->data_bytes = hb_get64(d + 48);
	memcpy(im->tail, d + DESC_TAIL_OFF, TRAILER_LEN);
	im->desc_ok = true;
out:
	free(d);
	return err;
}

/* Put the original swap header back: the saved 64 bytes over the trailer,
 * checked against the crc of the whole original page.  Without a readable
 * descriptor, a tail of zeros and SWAPSPACE2 (what mkswap writes) is tried
 * and written only if the crc agrees. */
static int restore_header(struct swap_priv *s, const struct swap_image *im)
{
	uint8_t *page = (uint8_t *)hb_raw_alloc(&s->raw, s->ps);
	uint8_t *t;
	char hint[640];
	bool same;
	int err;

	if (!page)
		return hb_fail(HB_ENOMEM, "out of memory");
	memcpy(page, s->page0, s->ps);
	t = page + s->ps - TRAILER_LEN;
	if (im->desc_ok) {
		memcpy(t, im->tail, TRAILER_LEN);
	} else {
		memset(t, 0, TRAILER_LEN);
		memcpy(page + s->ps - HB_SWAP_MAGIC_LEN, HB_SWAP_MAGIC, HB_SWAP_MAGIC_LEN);
	}
	same = hb_crc32c(0, page, s->ps) == im->orig_crc;
	if (!same && !im->desc_ok) {
		recreate_hint(s, hint, sizeof(hint));
		free(page);
		return hb_fail(HB_ECORRUPT, "%s: the image's descriptor page is damaged: the "
					    "original swap header cannot be put back byte for byte "
					    "(recreate it: %s)", s->raw.name, hint);
	}
	err = write_trailer_block(s, page);
	if (!err)
		err = hb_raw_sync(&s->raw);
	if (!err)
		memcpy(s->page0, page, s->ps);
	free(page);
	if (!err && !same)
		return hb_fail(HB_ECORRUPT, "%s: swap header put back, but bytes outside hiblab's "
					    "trailer changed while the area held the image: check it "
					    "(blkid -p, swapon)", s->raw.name);
	return err;
}

/* ---- open ----------------------------------------------------------------------- */

static int read_header_page(struct swap_priv *s, uint8_t **probe, size_t *len)
{
	uint64_t at = s->base * s->ps;
	uint64_t avail = s->raw.size > at ? s->raw.size - at : 0;
	size_t n = avail < PROBE_LEN ? (size_t)avail : PROBE_LEN;
	char size[32];

	n -= n % s->ps;
	if (n == 0) {
		hb_format_size(s->raw.size, size, sizeof(size));
		return hb_fail(s->saving ? HB_EUSAGE : HB_ENOIMAGE, "%s: %s is too small to hold a "
				"swap header at page %llu", s->raw.name, size,
			       (unsigned long long)s->base);
	}
	*probe = (uint8_t *)hb_raw_alloc(&s->raw, n);
	if (!*probe)
		return hb_fail(HB_ENOMEM, "out of memory");
	*len = n;
	return hb_raw_read(&s->raw, *probe, n, at);
}

static bool is_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Whose pages: the whole area's, or (active swap) the kernel's free ones. */
static int choose_alloc(struct swap_priv *s)
{
	bool active = s->active, from_source = s->src_slots.ops != NULL;
	uint64_t taken[3];
	unsigned i;
	int err;

	if (s->conf->alloc == ALLOC_KERNEL && !from_source)
		return hb_fail(HB_EUSAGE, "%s: alloc=kernel takes pages from the kernel: it needs "
					  "--source snapshot", s->raw.name);
	if (active && s->conf->alloc == ALLOC_AREA)
		return hb_fail(HB_EUSAGE, "%s: active swap: alloc=area would overwrite pages in "
					  "use (swapoff first, or alloc=auto)", s->raw.name);
	if (active && !from_source)
		return hb_fail(HB_EUSAGE, "%s: active swap: only the kernel knows which pages are "
					  "free; suspend with --source snapshot, or swapoff first",
			       s->raw.name);
	if (active && !s->raw.is_blk)
		return hb_fail(HB_EUSAGE, "%s: an active swap file: give its block device and "
					  "resume offset instead (swap:/dev/DEVICE,offset=N)",
			       s->raw.name);
	s->kernel = active || s->conf->alloc == ALLOC_KERNEL;
	if (!s->kernel && s->base)
		return hb_fail(HB_EUSAGE, "%s,offset=%llu: a swap file inside a filesystem: only "
					  "the kernel knows where its pages are; use it while active "
					  "with --source snapshot", s->raw.name,
			       (unsigned long long)s->base);
	if (s->kernel) {
		err = hb_kernel_alloc_init(&s->ka, &s->src_slots,
					   s->raw.is_blk ? s->raw.rdev : s->raw.dev, &s->area,
					   s->raw.size, s->raw.name, &s->alloc);
		if (err)
			return err;
	} else {
		hb_area_alloc_init(&s->aa, &s->area, &s->alloc);
	}
	s->have_alloc = true;
	/* the descriptor, the header and the first map page come first */
	for (i = 0; i < 3; i++) {
		err = s->alloc.ops->take(s->alloc.ctx, &taken[i]);
		if (err == HB_ENOSPACE)
			return hb_fail(HB_ENOSPACE, "%s: the swap area has no room for an image",
				       s->raw.name);
		if (err)
			return err;
	}
	s->desc_page = taken[0];
	s->head_page = taken[1];
	s->first_map = s->map_page = taken[2];
	return 0;
}

static void map_reset(struct swap_priv *s)
{
	memset(s->map, 0, s->ps);
	memcpy(s->map, MAP_MAGIC, 8);
	hb_put64(s->map + 16, s->session);
	hb_put64(s->map + 24, s->map_seq);
}

static int open_save(struct swap_priv *s, uint8_t *probe, size_t len)
{
	int err;

	if (has_signature(s, probe)) {
		/* an old image (never resumed): put the swap header back first, so a
		 * failed suspend leaves a swap area, never the stale image */
		err = parse_trailer(s, &s->img);
		if (!err)
			err = read_descriptor(s, &s->img);
		if (!err)
			err = restore_header(s, &s->img);
		if (err)
			return err;
		memcpy(probe, s->page0, s->ps);
	}
	memcpy(s->orig, s->page0, s->ps);
	/* a swap file's pages need not follow its header on the device */
	err = hb_swap_area_parse(&s->area, s->raw.name, probe, len, s->ps, s->base,
				 s->base ? UINT64_MAX : s->raw.size);
	if (err)
		return err;
	s->active = hb_swap_is_active("/proc/swaps", s->raw.rdev, s->raw.dev, s->raw.ino,
				   s->raw.is_blk);
	s->session = new_session();
	s->map = (uint8_t *)hb_raw_alloc(&s->raw, s->ps);
	s->stage = (uint8_t *)hb_raw_alloc(&s->raw, (size_t)STAGE_PAGES * s->ps);
	s->slots = (uint64_t *)calloc(STAGE_PAGES, sizeof(uint64_t));
	if (!s->map || !s->stage || !s->slots)
		return hb_fail(HB_ENOMEM, "out of memory");
	return 0;
}

static hb_stream_flush_fn flush_pages;

/* Right after a save open: with the source's slots (or none), choose whose
 * pages the image takes. */
static int swap_attach(void *priv, const struct hb_slot_alloc *slots)
{
	struct swap_priv *s = (struct swap_priv *)priv;
	int err;

	if (slots)
		s->src_slots = *slots;
	err = choose_alloc(s);
	if (err)
		return err;
	map_reset(s);
	hb_stream_init(&s->stream, s->stage, (size_t)STAGE_PAGES * s->ps, s, flush_pages, NULL);
	return 0;
}

static int open_load(struct swap_priv *s)
{
	int err;

	if (!has_signature(s, s->page0)) {
		if (memcmp(s->page0 + s->ps - HB_SWAP_MAGIC_LEN, HB_SWAP_MAGIC,
			   HB_SWAP_MAGIC_LEN) == 0)
			return hb_fail(HB_ENOIMAGE, "no image: %s is a swap area without a hiblab "
						    "image (never suspended to, or already resumed "
						    "or invalidated)", s->raw.name);
		if (is_zero(s->page0, s->ps))
			return hb_fail(HB_ENOIMAGE, "no image: %s holds neither a swap header nor "
						    "an image", s->raw.name);
		return hb_fail(HB_EFOREIGN, "%s: not a hiblab image (no hiblab signature where "
					    "the swap signature goes)", s->raw.name);
	}
	err = parse_trailer(s, &s->img);
	if (!err)
		err = read_descriptor(s, &s->img);
	if (err)
		return err;
	s->map = (uint8_t *)hb_raw_alloc(&s->raw, s->ps);
	s->stage = (uint8_t *)hb_raw_alloc(&s->raw, (size_t)STAGE_PAGES * s->ps);
	if (!s->map || !s->stage)
		return hb_fail(HB_ENOMEM, "out of memory");
	hb_stream_init(&s->stream, s->stage, (size_t)STAGE_PAGES * s->ps, s, NULL, hb_swap_fill);
	s->map_page = s->img.map_page;
	return 0;
}

static int swap_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	struct swap_priv *s = (struct swap_priv *)priv;
	const struct swap_conf *c = (const struct swap_conf *)conf;
	unsigned flags = HB_RAW_WRITE | (mode == HB_OPEN_SAVE ? 0 : HB_RAW_LOAD);
	uint8_t *probe = NULL;
	size_t len = 0;
	long ps = sysconf(_SC_PAGESIZE);
	int err;

	s->conf = c;
	s->saving = mode == HB_OPEN_SAVE;
	s->ps = ps > 0 ? (uint32_t)ps : 4096;
	s->base = (uint64_t)c->offset;
	/* the whole-area allocator must be alone on a device: claim it */
	if (s->saving && c->alloc == ALLOC_AREA)
		flags |= HB_RAW_EXCL;
	err = hb_raw_open(&s->raw, "swap", c->path, flags, (enum hb_direct)c->direct);
	if (err)
		return err;
	s->dev_pages = s->raw.size / s->ps;
	err = read_header_page(s, &probe, &len);
	if (err)
		goto out;
	s->page0 = (uint8_t *)hb_raw_alloc(&s->raw, s->ps);
	s->orig = (uint8_t *)hb_raw_alloc(&s->raw, s->ps);
	if (!s->page0 || !s->orig) {
		err = hb_fail(HB_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(s->page0, probe, s->ps);
	err = s->saving ? open_save(s, probe, len) : open_load(s);
out:
	free(probe);
	return err;
}

/* ---- save ------------------------------------------------------------------ */

static int overflow(const struct swap_priv *s)
{
	char room[32];

	hb_format_size(s->data_pages * s->ps, room, sizeof(room));
	return hb_fail(HB_ENOSPACE, "%s: the image does not fit: the swap area took %s of "
				    "records and the filters did not shrink the image enough; "
				    "the swap area is as it was", s->raw.name, room);
}

static int take(struct swap_priv *s, uint64_t *page)
{
	int err = s->alloc.ops->take(s->alloc.ctx, page);

	return err == HB_ENOSPACE ? overflow(s) : err;
}

static int put_map(struct swap_priv *s, uint64_t next)
{
	hb_put64(s->map + 32, next);
	hb_put32(s->map + 8, hb_crc32c(0, s->map + 12, s->ps - 12));
	return write_page(s, s->map, s->map_page);
}

/* Note that page holds the next data page.  A full map page goes out with
 * the page of its successor, taken now. */
static int map_add(struct swap_priv *s, uint64_t page)
{
	uint32_t n = hb_get32(s->map + 12);
	uint8_t *e = s->map + MAP_HDR + (size_t)EXT_LEN * (n ? n - 1 : 0);
	uint64_t next;
	int err;

	if (n && hb_get64(e) + hb_get64(e + 8) == page) {
		hb_put64(e + 8, hb_get64(e + 8) + 1);
		return 0;
	}
	if (n == hb_swap_map_cap(s)) {
		err = take(s, &next);
		if (!err)
			err = put_map(s, next);
		if (err)
			return err;
		s->map_page = next;
		s->map_seq++;
		map_reset(s);
		n = 0;
	}
	e = s->map + MAP_HDR + (size_t)EXT_LEN * n;
	hb_put64(e, page);
	hb_put64(e + 8, 1);
	hb_put32(s->map + 12, n + 1);
	return 0;
}

/* A block of staged pages to their slots, in runs of adjacent slots. */
static int flush_pages(void *ctx, uint8_t **buf, size_t len, uint64_t off)
{
	struct swap_priv *s = (struct swap_priv *)ctx;
	uint32_t i, j, pages = (uint32_t)(len / s->ps);
	int err;

	(void)off;  /* the slots say where */
	for (i = 0; i < pages; i++) {
		err = take(s, &s->slots[i]);
		if (!err)
			err = map_add(s, s->slots[i]);
		if (err)
			return err;
	}
	for (i = 0; i < pages; i = j) {
		for (j = i + 1; j < pages && s->slots[j] == s->slots[j - 1] + 1; j++)
			;
		err = hb_raw_write(&s->raw, *buf + (size_t)i * s->ps, (size_t)(j - i) * s->ps,
				   s->slots[i] * s->ps);
		if (err)
			return err;
	}
	s->data_pages += pages;
	return 0;
}

static int swap_write(void *priv, const void *buf, size_t len)
{
	struct swap_priv *s = (struct swap_priv *)priv;

	s->data_bytes += len;
	return hb_stream_write(&s->stream, buf, len);
}

static int swap_commit(void *priv, const void *header, size_t len)
{
	struct swap_priv *s = (struct swap_priv *)priv;
	uint8_t *page = (uint8_t *)hb_raw_alloc(&s->raw, s->ps);
	uint8_t *t;
	int err = 0;

	if (!page)
		return hb_fail(HB_ENOMEM, "out of memory");
	err = hb_stream_flush(&s->stream, s->ps);  /* whole pages */
	/* 1. the last map page, the header area, the descriptor */
	if (!err)
		err = put_map(s, 0);
	if (!err) {
		memcpy(page, header, len);
		err = write_page(s, page, s->head_page);
	}
	if (!err) {
		memset(page, 0, s->ps);
		memcpy(page, DESC_MAGIC, 8);
		hb_put32(page + 8, 1);
		hb_put64(page + 16, s->session);
		hb_put64(page + 24, s->head_page);
		hb_put64(page + 32, s->first_map);
		hb_put64(page + 40, s->data_pages);
		hb_put64(page + 48, s->data_bytes);
		hb_put64(page + 56, s->base);
		hb_put32(page + 64, s->ps);
		hb_put32(page + 68, (uint32_t)len);
		hb_put32(page + 72, s->area.last_page);
		hb_put32(page + 76, TRAILER_LEN);
		memcpy(page + DESC_TAIL_OFF, s->orig + s->ps - TRAILER_LEN, TRAILER_LEN);
		hb_put32(page + 12, hb_crc32c(0, page + 16, s->ps - 16));
		err = write_page(s, page, s->desc_page);
	}
	/* 2. all of it durable before the signature exists */
	if (!err)
		err = hb_raw_sync(&s->raw);
	/* 3. the commit point: the trailer over the swap signature, one sector */
	if (!err) {
		memcpy(page, s->orig, s->ps);
		t = page + s->ps - TRAILER_LEN;
		memset(t, 0, TRAILER_LEN);
		hb_put64(t, s->desc_page);
		hb_put64(t + 8, s->session);
		hb_put32(t + 16, hb_crc32c(0, s->orig, s->ps));
		hb_put32(t + 20, TRAILER_VERSION);
		hb_put32(t + 48, hb_crc32c(0, t, 48));
		memcpy(page + s->ps - HB_SWAP_MAGIC_LEN, SIGNATURE, HB_SWAP_MAGIC_LEN);
		s->page0_written = true;
		err = write_trailer_block(s, page);
	}
	if (!err)
		err = hb_raw_sync(&s->raw);
	free(page);
	return err;
}

static void swap_abort(void *priv)
{
	struct swap_priv *s = (struct swap_priv *)priv;

	/* the signature went out (a failed flush, or the source's power-off after
	 * the commit failed): put the swap
	 * header back, so the area is swap again and the image is never resumed */
	if (s->page0_written && s->raw.fd >= 0 && write_trailer_block(s, s->orig) == 0)
		hb_raw_sync(&s->raw);
	if (s->have_alloc)
		s->alloc.ops->release(s->alloc.ctx);
}

static int swap_capacity(void *priv, uint64_t *bytes)
{
	struct swap_priv *s = (struct swap_priv *)priv;
	uint64_t left, maps = 0, cap = hb_swap_map_cap(s);
	int err = s->alloc.ops->left(s->alloc.ctx, &left);

	if (err)
		return err;
	if (!s->kernel) {
		/* runs break only at bad pages and at the map pages themselves */
		while ((maps + 1) * cap < s->area.nr_bad + 1 + maps)
			maps++;
	} else {
		maps = left / (cap + 1) + 1;  /* the kernel may give pages one by one */
	}
	*bytes = left > maps ? (left - maps) * s->ps : 0;
	return 0;
}

/* The header the core hands over is ignored: for a swap area, spent means
 * "swap again", with its original header back, byte for byte. */
static int swap_invalidate(void *priv, const void *header, size_t len)
{
	struct swap_priv *s = (struct swap_priv *)priv;

	(void)header;
	(void)len;
	if (!has_signature(s, s->page0))
		return 0;  /* already put back */
	return restore_header(s, &s->img);
}

static void swap_close(void *priv)
{
	struct swap_priv *s = (struct swap_priv *)priv;

	hb_raw_close(&s->raw);
	hb_swap_area_free(&s->area);
	free(s->page0);
	free(s->orig);
	free(s->map);
	free(s->stage);
	free(s->slots);
	s->page0 = s->orig = s->map = s->stage = NULL;
	s->slots = NULL;
}

static const struct hb_option swap_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "swap partition or swap file (made by mkswap)",
	  .offset = offsetof(struct swap_conf, path) },
	{ .name = "offset", .type = HB_OPT_INT, .def = "0", .min = 0, .max = INT64_C(1) << 40,
	  .help = "page of the swap header in path: a swap file's resume offset on its device",
	  .offset = offsetof(struct swap_conf, offset) },
	{ .name = "alloc", .type = HB_OPT_CHOICE, .def = "auto", .choices = "auto|area|kernel",
	  .help = "pages from the whole area, or from the kernel (active swap, --source "
		  "snapshot); auto picks",
	  .offset = offsetof(struct swap_conf, alloc) },
	{ .name = "direct", .type = HB_OPT_CHOICE, .def = "auto", .choices = "auto|yes|no",
	  .help = "O_DIRECT: auto falls back to the page cache (with a note) where refused",
	  .offset = offsetof(struct swap_conf, direct) },
	{ .name = NULL },
};

const struct hb_writer hb_writer_swap = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "swap",
		.help = "a Linux swap area: its swap header is put back on resume or invalidate",
		.options = swap_options,
		.conf_size = sizeof(struct swap_conf),
		.priv_size = sizeof(struct swap_priv),
	},
	.caps = HB_WRITER_RAW,
	.open = swap_open,
	.write = swap_write,
	.read = hb_swap_read,
	.read_header = hb_swap_read_header,
	.commit = swap_commit,
	.invalidate = swap_invalidate,
	.abort = swap_abort,
	.close = swap_close,
	.capacity = swap_capacity,
	.attach = swap_attach,
};
