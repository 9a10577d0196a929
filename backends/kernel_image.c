/* Reading and verifying the kernel's own hibernation image (see
 * kernel_image.h; the layout in docs/FORMAT.md, "The kernel's image").
 *
 * Nothing the image says is trusted before it is bounded: every sector
 * against the area's size, the map chain against what an image of its page
 * count can need (so a chain that loops ends), every compressed length
 * against the kernel's own worst case, every page count against what the
 * area can hold.  The pages stream through one record buffer: memory stays
 * at a few hundred KiB whatever the image's size. */
#include "backends/kernel_image.h"
#include "backends/rawio.h"
#include "core/bytes.h"
#include "core/error.h"
#include "core/options.h"
#include "core/registry.h"

#include <isa-l/crc.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE HB_KIMAGE_PAGE

/* struct swsusp_header: the last 40 bytes of the swap header page */
#define HDR_HW_SIG (PAGE - 40)
#define HDR_CRC32 (PAGE - 36)
#define HDR_IMAGE (PAGE - 32)
#define HDR_FLAGS (PAGE - 24)
#define HDR_ORIG_SIG (PAGE - 20)
#define HDR_SIG (PAGE - 10)
#define SIG_LEN 10u  /* "S1SUSPEND" and its NUL, as the kernel compares it */
#define SF_KNOWN (HB_KIMAGE_SF_PLATFORM | HB_KIMAGE_SF_NOCOMPRESS | HB_KIMAGE_SF_CRC32 | \
		  HB_KIMAGE_SF_HW_SIG | HB_KIMAGE_SF_LZ4)

/* struct swap_map_page: 511 sectors, then the next map page's */
#define MAP_ENTRIES (PAGE / 8u - 1u)

/* struct swsusp_info (x86-64: new_utsname is 6 x 65 bytes) */
#define INFO_SYSNAME 0u
#define INFO_RELEASE 130u
#define INFO_MACHINE 260u
#define INFO_PHYSPAGES 400u
#define INFO_IMAGE_PAGES 416u
#define INFO_PAGES 424u
#define INFO_SIZE 432u
#define UTS_LEN 65u
/* x86-64's restore record over the utsname (arch/x86/power/hibernate.c):
 * jump_address, jump_address_phys, cr3, then its magic */
#define X86_64_MAGIC_AT 24u
#define X86_64_RESTORE_MAGIC UINT64_C(0x23456789ABCDEF02)

/* A compressed record: a size_t length, then the data, over whole pages;
 * at most 32 pages uncompressed.  The bound is 6.12's bytes_worst_compress()
 * of 32 pages (6.1's lzo1x_worst_compress() is 2 bytes less). */
#define REC_HEAD 8u
#define REC_PAGES 32u
#define REC_BYTES (REC_PAGES * PAGE)
#define REC_CMP_MAX (REC_BYTES + REC_BYTES / 16u + 64u + 3u + 2u)
#define REC_MAX_PAGES ((REC_HEAD + REC_CMP_MAX + PAGE - 1u) / PAGE)

/* the page-frame list: unsigned longs, ended by ~0 where a page is not full;
 * 6.8 on flags a zero page (not stored) with the top bit */
#define PFN_END UINT64_MAX
#define PFN_ZERO (UINT64_C(1) << 63)

#define BANNER "Linux version "

struct kreader {
	struct hb_raw raw;
	struct hb_kimage_report *r;
	uint64_t dev_pages;
	/* the map chain, read whole before any data (as the kernel does) */
	uint64_t *maps;
	uint64_t nmaps;
	uint64_t map_i;            /* the map page entries come from */
	uint32_t entry_k;          /* the next entry in it */
	uint8_t *map;              /* that map page */
	uint64_t entries_used;
	/* the pages after swsusp_info: meta pages, then data pages */
	uint64_t want, got;
	uint64_t pfn_last;
	bool pfn_ended;
	uint32_t crc;
	uint8_t *cmp, *unc;        /* a record, compressed and not */
};

uint32_t hb_kimage_crc32(uint32_t crc, const void *buf, uint64_t len)
{
	/* ISA-L's gzip CRC is the same polynomial, reflected, with the running
	 * value inverted before and after: undo both for the kernel's plain one */
	return ~crc32_gzip_refl(~crc, (const unsigned char *)buf, len);
}

const char *hb_kimage_comp_name(enum hb_kimage_comp comp)
{
	switch (comp) {
	case HB_KIMAGE_PLAIN:
		return "none";
	case HB_KIMAGE_LZO:
		return "lzo";
	case HB_KIMAGE_LZ4:
		return "lz4";
	}
	return "?";
}

/* A page the image names: inside the area and not its header. */
static int check_sector(const struct kreader *k, uint64_t sector, const char *what)
{
	if (sector >= k->dev_pages)
		return hb_fail(HB_ECORRUPT, "kernel image: %s: sector %llu is beyond the end of "
					    "the area (%llu pages)", what, (unsigned long long)sector,
			       (unsigned long long)k->dev_pages);
	if (sector == k->r->header_page)
		return hb_fail(HB_ECORRUPT, "kernel image: %s: sector %llu is the swap header",
			       what, (unsigned long long)sector);
	if (sector == 0)
		return hb_fail(HB_ECORRUPT, "kernel image: %s: sector 0", what);
	return 0;
}

static int read_page(struct kreader *k, uint8_t *buf, uint64_t sector)
{
	return hb_raw_read(&k->raw, buf, PAGE, sector * PAGE);
}

/* The swsusp header.  Not there: HB_ENOIMAGE, no detail line. */
static int read_header(struct kreader *k, uint8_t *page)
{
	struct hb_kimage_report *r = k->r;
	const uint8_t *orig;
	int err;

	if (r->header_page >= k->dev_pages)
		return HB_ENOIMAGE;
	err = read_page(k, page, r->header_page);
	if (err)
		return err;
	if (memcmp(page + HDR_SIG, HB_KIMAGE_SIG, SIG_LEN) != 0)
		return HB_ENOIMAGE;
	r->hw_sig = hb_get32(page + HDR_HW_SIG);
	r->crc_stored = hb_get32(page + HDR_CRC32);
	r->first_map = hb_get64(page + HDR_IMAGE);
	r->flags = hb_get32(page + HDR_FLAGS);
	orig = page + HDR_ORIG_SIG;
	/* the kernel puts these 10 bytes back at resume: they must make a swap area */
	if (memcmp(orig, "SWAPSPACE2", SIG_LEN) != 0 && memcmp(orig, "SWAP-SPACE", SIG_LEN) != 0)
		return hb_fail(HB_ECORRUPT, "kernel image: swsusp header: the saved swap signature "
					    "is not SWAPSPACE2 (resuming would not give the swap "
					    "area back)");
	if (r->flags & ~SF_KNOWN)
		return hb_fail(HB_ECORRUPT, "kernel image: swsusp header: unknown flags 0x%x "
					    "(damaged, or from a kernel newer than this build knows)",
			       r->flags & ~SF_KNOWN);
	if ((r->flags & HB_KIMAGE_SF_NOCOMPRESS) &&
	    (r->flags & (HB_KIMAGE_SF_LZ4 | HB_KIMAGE_SF_CRC32)))
		return hb_fail(HB_ECORRUPT, "kernel image: swsusp header: flags 0x%x say "
					    "uncompressed and compressed at once", r->flags);
	r->comp = (r->flags & HB_KIMAGE_SF_NOCOMPRESS) ? HB_KIMAGE_PLAIN
		: (r->flags & HB_KIMAGE_SF_LZ4) ? HB_KIMAGE_LZ4 : HB_KIMAGE_LZO;
	return check_sector(k, r->first_map, "swsusp header: first map page");
}

/* The largest number of area pages the records of an image of `pages`
 * pages can take: a plain page each, or per record its worst case. */
static uint64_t max_entries(const struct kreader *k)
{
	uint64_t after = k->r->pages - 1;

	if (k->r->comp == HB_KIMAGE_PLAIN)
		return k->r->pages;
	return 1 + (after + REC_PAGES - 1) / REC_PAGES * REC_MAX_PAGES;
}

/* A chain too long for its image: name the page it comes back to, if any. */
static int chain_too_long(const struct kreader *k, uint64_t next)
{
	uint64_t i;

	for (i = 0; i < k->nmaps; i++) {
		if (k->maps[i] == next)
			return hb_fail(HB_ECORRUPT, "kernel image: map chain: map page %llu leads "
						    "back to map page %llu (sector %llu): a loop",
				       (unsigned long long)k->nmaps - 1, (unsigned long long)i,
				       (unsigned long long)next);
	}
	return hb_fail(HB_ECORRUPT, "kernel image: map chain: longer than an image of %llu "
				    "pages can need (%llu map pages)",
		       (unsigned long long)k->r->pages, (unsigned long long)k->nmaps);
}

/* Every map page's sector, from the first on.  The first is already in
 * k->map.  A kernel writes entries / 511 + 1 of them. */
static int read_chain(struct kreader *k)
{
	uint64_t limit = max_entries(k) / MAP_ENTRIES + 1, next;
	char what[96];
	int err;

	k->maps = (uint64_t *)calloc((size_t)limit, sizeof(uint64_t));
	if (!k->maps)
		return hb_fail(HB_ENOMEM, "out of memory");
	k->maps[0] = k->r->first_map;
	k->nmaps = 1;
	next = hb_get64(k->map + MAP_ENTRIES * 8u);
	while (next) {
		if (k->nmaps == limit)
			return chain_too_long(k, next);
		snprintf(what, sizeof(what), "map page %llu", (unsigned long long)k->nmaps);
		err = check_sector(k, next, what);
		if (!err)
			err = read_page(k, k->map, next);
		if (err)
			return err;
		k->maps[k->nmaps++] = next;
		next = hb_get64(k->map + MAP_ENTRIES * 8u);
	}
	k->r->map_pages = k->nmaps;
	/* back to the first: the entries are read from there */
	return read_page(k, k->map, k->maps[0]);
}

/* The next page the map lists, read into buf.  what names the part being
 * read, for the messages ("record 7"). */
static int next_page(struct kreader *k, uint8_t *buf, const char *what)
{
	uint64_t sector;
	char where[160];
	int err;

	if (k->entry_k == MAP_ENTRIES) {
		if (k->map_i + 1 >= k->nmaps)
			return hb_fail(HB_ECORRUPT, "kernel image: %s: the map chain ends after %llu "
						    "pages (truncated)", what,
				       (unsigned long long)k->entries_used);
		k->map_i++;
		k->entry_k = 0;
		err = read_page(k, k->map, k->maps[k->map_i]);
		if (err)
			return err;
	}
	sector = hb_get64(k->map + (size_t)k->entry_k * 8u);
	if (sector == 0)
		return hb_fail(HB_ECORRUPT, "kernel image: %s: the map lists no more pages after "
					    "%llu (truncated)", what,
			       (unsigned long long)k->entries_used);
	snprintf(where, sizeof(where), "%s (map page %llu, entry %u)", what,
		 (unsigned long long)k->map_i, k->entry_k);
	err = check_sector(k, sector, where);
	if (!err)
		err = read_page(k, buf, sector);
	if (err)
		return err;
	k->entry_k++;
	k->entries_used++;
	return 0;
}

/* swsusp_info: the counts every later bound comes from. */
static int read_info(struct kreader *k, const uint8_t *info)
{
	struct hb_kimage_report *r = k->r;
	/* a compressed page holds at most 32 image pages */
	uint64_t most = r->comp == HB_KIMAGE_PLAIN ? k->dev_pages : k->dev_pages * REC_PAGES;
	uint64_t size;

	r->num_physpages = hb_get64(info + INFO_PHYSPAGES);
	r->image_pages = hb_get64(info + INFO_IMAGE_PAGES);
	r->pages = hb_get64(info + INFO_PAGES);
	size = hb_get64(info + INFO_SIZE);
	if (r->pages > most)
		return hb_fail(HB_ECORRUPT, "kernel image: swsusp_info: %llu pages cannot fit in an "
					    "area of %llu pages", (unsigned long long)r->pages,
			       (unsigned long long)k->dev_pages);
	if (r->image_pages + 2 > r->pages)
		return hb_fail(HB_ECORRUPT, "kernel image: swsusp_info: %llu image pages leave no "
					    "room for the page-frame list in %llu pages",
			       (unsigned long long)r->image_pages, (unsigned long long)r->pages);
	if (size != r->pages * PAGE)
		return hb_fail(HB_ECORRUPT, "kernel image: swsusp_info: size %llu is not %llu "
					    "pages of %u bytes", (unsigned long long)size,
			       (unsigned long long)r->pages, PAGE);
	r->meta_pages = r->pages - r->image_pages - 1;
	r->data_bytes = r->pages * PAGE;
	k->want = r->pages - 1;
	if (hb_get64(info + X86_64_MAGIC_AT) == X86_64_RESTORE_MAGIC) {
		snprintf(r->machine, sizeof(r->machine), "x86_64");
	} else if (memcmp(info + INFO_SYSNAME, "Linux", 6) == 0) {
		/* an architecture without its own header keeps the utsname */
		snprintf(r->release, sizeof(r->release), "%.64s", (const char *)info + INFO_RELEASE);
		snprintf(r->machine, sizeof(r->machine), "%.64s", (const char *)info + INFO_MACHINE);
		r->release_from = HB_KIMAGE_REL_UTSNAME;
	}
	return 0;
}

/* One page of the page-frame list: ascending frames, each maybe flagged
 * zero, ended by ~0 on a page that is not full. */
static int read_pfns(struct kreader *k, const uint8_t *page, uint64_t meta_i)
{
	struct hb_kimage_report *r = k->r;
	uint32_t j;

	if (k->pfn_ended)
		return hb_fail(HB_ECORRUPT, "kernel image: page-frame list: page %llu comes after "
					    "the list's end", (unsigned long long)meta_i);
	for (j = 0; j < PAGE / 8u; j++) {
		uint64_t v = hb_get64(page + (size_t)j * 8u), pfn = v & ~PFN_ZERO;

		if (v == PFN_END) {
			k->pfn_ended = true;
			break;
		}
		if (r->pfns && pfn <= k->pfn_last)
			return hb_fail(HB_ECORRUPT, "kernel image: page-frame list: frame %llu "
						    "(0x%llx) is not above the one before (0x%llx)",
				       (unsigned long long)r->pfns, (unsigned long long)pfn,
				       (unsigned long long)k->pfn_last);
		k->pfn_last = pfn;
		r->pfns++;
		r->zero_pages += (v & PFN_ZERO) != 0;
	}
	return 0;
}

/* The list read whole: it must name as many stored pages as the image has,
 * and take exactly its meta pages. */
static int check_pfns(const struct kreader *k)
{
	const struct hb_kimage_report *r = k->r;
	uint64_t need = (r->pfns * 8u + PAGE - 1) / PAGE;

	if (r->pfns - r->zero_pages != r->image_pages)
		return hb_fail(HB_ECORRUPT, "kernel image: page-frame list: %llu frames to store "
					    "(%llu zero), swsusp_info says %llu image pages",
			       (unsigned long long)(r->pfns - r->zero_pages),
			       (unsigned long long)r->zero_pages,
			       (unsigned long long)r->image_pages);
	if (need != r->meta_pages)
		return hb_fail(HB_ECORRUPT, "kernel image: page-frame list: %llu frames take %llu "
					    "pages, the image has %llu", (unsigned long long)r->pfns,
			       (unsigned long long)need, (unsigned long long)r->meta_pages);
	return 0;
}

/* What a release string is made of ("6.1.0-56-cloud-amd64", "6.12.0+"). */
static bool release_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '_' || c == '+' || c == '~' || c == '-';
}

/* The release from linux_banner ("Linux version 6.1.0-56-cloud-amd64 (...").
 * A banner across two runs of pages is missed; the log buffer has more. */
static void find_banner(struct hb_kimage_report *r, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf, *end = buf + len;
	size_t blen = strlen(BANNER);

	while ((p = (const uint8_t *)memmem(p, (size_t)(end - p), BANNER, blen)) != NULL) {
		const uint8_t *s = p + blen, *e = s;

		while (e < end && e - s < 64 && release_char(*e))
			e++;
		if (e > s && e + 1 < end && e[0] == ' ' && e[1] == '(') {
			snprintf(r->release, sizeof(r->release), "%.*s", (int)(e - s), (const char *)s);
			r->release_from = HB_KIMAGE_REL_BANNER;
			return;
		}
		p = s;
	}
}

/* n pages of the image after swsusp_info, in order.  what names where they
 * came from. */
static int take_pages(struct kreader *k, const uint8_t *buf, uint64_t n, const char *what)
{
	struct hb_kimage_report *r = k->r;
	uint64_t i, data_from = 0;
	int err;

	if (n > k->want - k->got)
		return hb_fail(HB_ECORRUPT, "kernel image: %s: holds pages past the image's end "
					    "(%llu pages)", what, (unsigned long long)r->pages);
	for (i = 0; i < n && k->got < r->meta_pages; i++, k->got++) {
		err = read_pfns(k, buf + i * PAGE, k->got);
		if (err)
			return err;
		if (k->got + 1 == r->meta_pages && (err = check_pfns(k)) != 0)
			return err;
		data_from = i + 1;
	}
	k->got += n - i;
	if (r->release_from == HB_KIMAGE_REL_NONE && n > data_from)
		find_banner(r, buf + data_from * PAGE, (size_t)(n - data_from) * PAGE);
	return 0;
}

static int read_plain(struct kreader *k)
{
	char what[64];
	int err = 0;

	while (!err && k->got < k->want) {
		snprintf(what, sizeof(what), "page %llu", (unsigned long long)k->got + 1);
		err = next_page(k, k->unc, what);
		if (!err)
			err = take_pages(k, k->unc, 1, what);
	}
	return err;
}

/* One compressed record: its pages, its length bounded, decompressed. */
static int read_record(struct kreader *k, const char *what, uint64_t *pages)
{
	uint64_t len, need, i;
	size_t unc_len = 0;
	int err, n;

	err = next_page(k, k->cmp, what);
	if (err)
		return err;
	len = hb_get64(k->cmp);
	if (len == 0 || len > REC_CMP_MAX)
		return hb_fail(HB_ECORRUPT, "kernel image: %s: compressed length %llu is out of "
					    "range (1..%u)", what, (unsigned long long)len,
			       REC_CMP_MAX);
	need = (REC_HEAD + len + PAGE - 1) / PAGE;
	for (i = 1; i < need; i++) {
		err = next_page(k, k->cmp + i * PAGE, what);
		if (err)
			return err;
	}
	if (k->r->comp == HB_KIMAGE_LZ4) {
		n = LZ4_decompress_safe((const char *)k->cmp + REC_HEAD, (char *)k->unc, (int)len,
					(int)REC_BYTES);
		if (n < 0)
			return hb_fail(HB_ECORRUPT, "kernel image: %s: lz4 data is corrupt", what);
		unc_len = (size_t)n;
	} else {
		lzo_uint out = REC_BYTES;

		n = lzo1x_decompress_safe(k->cmp + REC_HEAD, (lzo_uint)len, k->unc, &out, NULL);
		if (n != LZO_E_OK)
			return hb_fail(HB_ECORRUPT, "kernel image: %s: lzo data is corrupt (lzo "
						    "error %d)", what, n);
		unc_len = out;
	}
	if (unc_len == 0 || unc_len % PAGE)
		return hb_fail(HB_ECORRUPT, "kernel image: %s: decompresses to %zu bytes, not whole "
					    "pages", what, unc_len);
	k->crc = hb_kimage_crc32(k->crc, k->unc, unc_len);
	*pages = unc_len / PAGE;
	return 0;
}

static int read_compressed(struct kreader *k)
{
	uint64_t pages = 0;
	char what[64];
	int err = 0;

	while (!err && k->got < k->want) {
		snprintf(what, sizeof(what), "record %llu", (unsigned long long)k->r->records);
		err = read_record(k, what, &pages);
		if (!err)
			err = take_pages(k, k->unc, pages, what);
		if (!err)
			k->r->records++;
	}
	if (!err && (k->r->flags & HB_KIMAGE_SF_CRC32)) {
		k->r->crc_computed = k->crc;
		if (k->crc != k->r->crc_stored)
			err = hb_fail(HB_ECORRUPT, "kernel image: crc32 mismatch: the header says "
						   "%08x, the %llu records give %08x",
				      k->r->crc_stored, (unsigned long long)k->r->records, k->crc);
	}
	return err;
}

/* The path and header page a swap: or block: spec names, through the
 * writer's own option table.  Another writer: HB_ENOIMAGE, no detail. */
static int target_of(const char *target, char *path, size_t cap, uint64_t *header_page,
		     char *plugin, size_t plugin_cap)
{
	struct hb_instance in;
	const struct hb_option *o;
	char num[32];
	int err = hb_instance_from_text(&in, HB_KIND_WRITER, target, "TARGET");

	if (err)
		return err;
	*header_page = 0;
	if (strcmp(in.plugin->name, "swap") != 0 && strcmp(in.plugin->name, "block") != 0) {
		err = HB_ENOIMAGE;
		goto out;
	}
	snprintf(plugin, plugin_cap, "%s", in.plugin->name);
	for (o = in.plugin->options; o && o->name; o++) {
		if (strcmp(o->name, "path") == 0)
			hb_option_value_text(o, in.conf, path, cap);
		else if (strcmp(o->name, "offset") == 0) {
			hb_option_value_text(o, in.conf, num, sizeof(num));
			*header_page = strtoull(num, NULL, 10);
		}
	}
out:
	hb_instance_free(&in);
	return err;
}

int hb_kimage_read(const char *target, struct hb_kimage_report *r)
{
	struct kreader k;
	char path[HB_STR_MAX], plugin[HB_NAME_MAX];
	uint8_t *page = NULL;
	int err;

	memset(r, 0, sizeof(*r));
	memset(&k, 0, sizeof(k));
	k.raw.fd = -1;
	k.r = r;
	err = target_of(target, path, sizeof(path), &r->header_page, plugin, sizeof(plugin));
	if (err)
		return err;
	err = hb_raw_open(&k.raw, plugin, path, HB_RAW_LOAD, HB_DIRECT_NO);
	if (err)
		goto out;
	k.dev_pages = k.raw.size / PAGE;
	page = (uint8_t *)malloc(PAGE);
	k.map = (uint8_t *)malloc(PAGE);
	k.cmp = (uint8_t *)malloc((size_t)REC_MAX_PAGES * PAGE);
	k.unc = (uint8_t *)malloc(REC_BYTES);
	if (!page || !k.map || !k.cmp || !k.unc) {
		err = hb_fail(HB_ENOMEM, "out of memory");
		goto out;
	}
	err = read_header(&k, page);
	/* the first map page, and its first entry: swsusp_info */
	if (!err)
		err = read_page(&k, k.map, r->first_map);
	if (!err)
		err = next_page(&k, page, "swsusp_info");
	if (!err)
		err = read_info(&k, page);
	if (!err)
		err = read_chain(&k);
	if (!err)
		err = r->comp == HB_KIMAGE_PLAIN ? read_plain(&k) : read_compressed(&k);
	if (!err) {
		r->stored_bytes = (r->map_pages + k.entries_used) * PAGE;
		r->ratio = (double)r->data_bytes / (double)r->stored_bytes;
	}
out:
	free(page);
	free(k.map);
	free(k.cmp);
	free(k.unc);
	free(k.maps);
	hb_raw_close(&k.raw);
	return err;
}
