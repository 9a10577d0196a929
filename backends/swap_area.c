/* Swap area headers and the two page allocators (see swap_area.h). */
#include "backends/swap_area.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));  /* native order, as the kernel reads it */
	return v;
}

static uint32_t swab32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* No SWAPSPACE2 for this page size: say what the page is instead. */
static int not_swap(const char *name, const uint8_t *page, size_t len, uint32_t page_size)
{
	static const char *const kernel_sigs[] = { "S1SUSPEND", "S2SUSPEND", "ULSUSPEND",
						   "LINHIB0001" };
	const uint8_t *tail = page + page_size - HB_SWAP_MAGIC_LEN;
	uint32_t ps;
	size_t i;

	for (ps = 4096; ps <= 65536; ps *= 2) {
		if (ps != page_size && ps <= len &&
		    memcmp(page + ps - HB_SWAP_MAGIC_LEN, HB_SWAP_MAGIC, HB_SWAP_MAGIC_LEN) == 0)
			return hb_fail(HB_EUSAGE, "%s: a swap area made for %u-byte pages; this "
						  "system uses %u-byte pages (mkswap it here)",
				       name, ps, page_size);
	}
	if (memcmp(tail, "SWAP-SPACE", HB_SWAP_MAGIC_LEN) == 0)
		return hb_fail(HB_EUSAGE, "%s: an old-style (version 0) swap area; this build "
					  "handles version 1 (run mkswap)", name);
	for (i = 0; i < sizeof(kernel_sigs) / sizeof(kernel_sigs[0]); i++) {
		if (memcmp(tail, kernel_sigs[i], strlen(kernel_sigs[i])) == 0)
			return hb_fail(HB_EUSAGE, "%s: holds the kernel's own hibernation image "
						  "(%s): resume or discard it first", name,
				       kernel_sigs[i]);
	}
	return hb_fail(HB_EUSAGE, "%s: not a swap area (no SWAPSPACE2 signature; run mkswap "
				  "first)", name);
}

int hb_swap_area_parse(struct hb_swap_area *a, const char *name, const uint8_t *page,
		       size_t len, uint32_t page_size, uint64_t base, uint64_t dev_bytes)
{
	uint32_t version, max_bad, i, n = 0;
	uint64_t pages;

	memset(a, 0, sizeof(*a));
	a->page_size = page_size;
	a->base = base;
	if (len < page_size)
		return hb_fail(HB_EUSAGE, "%s: too short for a swap header of %u bytes", name,
			       page_size);
	if (memcmp(page + page_size - HB_SWAP_MAGIC_LEN, HB_SWAP_MAGIC, HB_SWAP_MAGIC_LEN) != 0)
		return not_swap(name, page, len, page_size);
	version = get_u32(page + 1024);
	if (version != 1 && swab32(version) == 1)
		return hb_fail(HB_EUSAGE, "%s: the swap header is byte-swapped (made on a machine "
					  "of the other byte order)", name);
	if (version != 1)
		return hb_fail(HB_EUSAGE, "%s: swap header version %u; this build handles "
					  "version 1", name, version);
	a->last_page = get_u32(page + 1028);
	a->nr_bad = get_u32(page + 1032);
	if (a->last_page == 0)
		return hb_fail(HB_EUSAGE, "%s: an empty swap area (last page 0)", name);
	pages = dev_bytes / page_size;
	if (pages < base || pages - base < (uint64_t)a->last_page + 1)
		return hb_fail(HB_EUSAGE, "%s: the swap header says %llu pages but only %llu are "
					  "there", name, (unsigned long long)a->last_page + 1,
			       (unsigned long long)(pages > base ? pages - base : 0));
	max_bad = (page_size - HB_SWAP_MAGIC_LEN - HB_SWAP_BAD_OFF) / 4;
	if (a->nr_bad > max_bad)
		return hb_fail(HB_EUSAGE, "%s: %u bad pages listed; a header holds at most %u",
			       name, a->nr_bad, max_bad);
	a->bad = (uint32_t *)malloc(((size_t)a->nr_bad + 1) * sizeof(uint32_t));
	if (!a->bad)
		return hb_fail(HB_ENOMEM, "out of memory");
	for (i = 0; i < a->nr_bad; i++) {
		a->bad[i] = get_u32(page + HB_SWAP_BAD_OFF + 4 * i);
		if (a->bad[i] == 0 || a->bad[i] > a->last_page)
			return hb_fail(HB_EUSAGE, "%s: the bad-page list names page %u, outside "
						  "1..%u", name, a->bad[i], a->last_page);
	}
	qsort(a->bad, a->nr_bad, sizeof(uint32_t), cmp_u32);
	for (i = 0; i < a->nr_bad; i++) {
		if (n == 0 || a->bad[n - 1] != a->bad[i])
			a->bad[n++] = a->bad[i];
	}
	a->nr_bad = n;
	memcpy(a->uuid, page + 1036, 16);
	memcpy(a->label, page + 1052, 16);
	a->label[16] = '\0';
	return 0;
}

void hb_swap_area_free(struct hb_swap_area *a)
{
	free(a->bad);
	a->bad = NULL;
}

void hb_swap_area_describe(const struct hb_swap_area *a, char *buf, size_t cap)
{
	const uint8_t *u = a->uuid;

	snprintf(buf, cap, "uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x, label \"%s\"", u[0], u[1], u[2], u[3], u[4], u[5],
		 u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15], a->label);
}

uint64_t hb_swap_area_slots(const struct hb_swap_area *a)
{
	return (uint64_t)a->last_page - a->nr_bad;
}

/* ---- the whole area ------------------------------------------------------ */

static int area_take(void *ctx, uint64_t *page)
{
	struct hb_area_alloc *aa = (struct hb_area_alloc *)ctx;
	const struct hb_swap_area *a = aa->area;

	while (aa->bad_i < a->nr_bad && a->bad[aa->bad_i] <= aa->next) {
		if (a->bad[aa->bad_i] == aa->next)
			aa->next++;  /* never written: the kernel marked it bad */
		aa->bad_i++;
	}
	if (aa->next > a->last_page)
		return HB_ENOSPACE;
	*page = a->base + aa->next++;
	return 0;
}

static int area_left(void *ctx, uint64_t *pages)
{
	const struct hb_area_alloc *aa = (const struct hb_area_alloc *)ctx;
	const struct hb_swap_area *a = aa->area;
	uint64_t n = aa->next > a->last_page ? 0 : (uint64_t)a->last_page - aa->next + 1;
	uint32_t i;

	for (i = aa->bad_i; i < a->nr_bad; i++) {
		if (a->bad[i] >= aa->next)
			n--;
	}
	*pages = n;
	return 0;
}

static void area_release(void *ctx)
{
	(void)ctx;  /* nothing was reserved: the area is ours alone */
}

static const struct hb_swap_alloc_ops area_ops = {
	.name = "whole area",
	.take = area_take,
	.left = area_left,
	.release = area_release,
};

void hb_area_alloc_init(struct hb_area_alloc *aa, const struct hb_swap_area *area,
			struct hb_swap_alloc *out)
{
	*aa = (struct hb_area_alloc){ .area = area, .next = 1 };
	*out = (struct hb_swap_alloc){ .ops = &area_ops, .ctx = aa };
}

/* ---- the kernel's ------------------------------------------------------- */

static int kernel_take(void *ctx, uint64_t *page)
{
	struct hb_kernel_alloc *ka = (struct hb_kernel_alloc *)ctx;
	uint64_t off, p;
	int err = ka->slots.ops->alloc_page(ka->slots.ctx, &off);

	if (err)
		return err;
	p = off / ka->page_size;
	if (off % ka->page_size || p == 0 || p == ka->header_page || p >= ka->dev_pages)
		return hb_fail(HB_EIO, "SNAPSHOT_ALLOC_SWAP_PAGE gave byte offset %llu, not a page "
				       "of %s's swap area", (unsigned long long)off, ka->name);
	*page = p;
	return 0;
}

static int kernel_left(void *ctx, uint64_t *pages)
{
	struct hb_kernel_alloc *ka = (struct hb_kernel_alloc *)ctx;
	uint64_t bytes;
	int err = ka->slots.ops->avail(ka->slots.ctx, &bytes);

	if (!err)
		*pages = bytes / ka->page_size;
	return err;
}

static void kernel_release(void *ctx)
{
	struct hb_kernel_alloc *ka = (struct hb_kernel_alloc *)ctx;

	ka->slots.ops->free_all(ka->slots.ctx);
}

static const struct hb_swap_alloc_ops kernel_ops = {
	.name = "kernel",
	.take = kernel_take,
	.left = kernel_left,
	.release = kernel_release,
};

int hb_kernel_alloc_init(struct hb_kernel_alloc *ka, const struct hb_slot_alloc *slots,
			 dev_t dev, const struct hb_swap_area *area, uint64_t dev_bytes,
			 const char *name, struct hb_swap_alloc *out)
{
	*ka = (struct hb_kernel_alloc){
		.slots = *slots,
		.page_size = area->page_size,
		.header_page = area->base,
		.dev_pages = dev_bytes / area->page_size,
		.name = name,
	};
	*out = (struct hb_swap_alloc){ .ops = &kernel_ops, .ctx = ka };
	return slots->ops->set_area(slots->ctx, (uint64_t)dev, area->base);
}

/* ---- is it in use? --------------------------------------------------------- */

/* /proc/swaps escapes blanks and backslashes as \ooo (seq_file's mangle). */
static void unescape(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

bool hb_swap_is_active(const char *swaps_file, dev_t rdev, dev_t dev, ino_t ino, bool is_blk)
{
	FILE *f = fopen(swaps_file, "re");
	char line[1024], path[1024];
	bool active = false;

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))  /* the column titles */
		line[0] = '\0';
	while (!active && fgets(line, sizeof(line), f)) {
		struct stat st;
		if (sscanf(line, "%1023s", path) != 1)
			continue;
		unescape(path);
		if (stat(path, &st) != 0)
			continue;
		if (is_blk)
			active = (S_ISBLK(st.st_mode) && st.st_rdev == rdev) ||
				 (S_ISREG(st.st_mode) && st.st_dev == rdev);
		else
			active = S_ISREG(st.st_mode) && st.st_dev == dev && st.st_ino == ino;
	}
	fclose(f);
	return active;
}
