/* swap: an area made by mkswap (or byte by byte) takes an image and gets its
 * header back, byte for byte, on resume, on invalidate and after a refused
 * image; bad pages are never written; what is not a usable swap area is
 * refused with one line and left untouched. */
#include "swaputil.h"
#include "testutil.h"

#include "backends/swap_area.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PS 4096u
#define UUID "11111111-2222-3333-4444-555555555555"
#define LABEL "hiblab-swap"

static char dir[256], area[512], target[600], rnd[512], rnd_src[600];
static uint8_t *pristine;      /* the area's header page as made */
static size_t area_len;
static uint8_t *area_before;   /* the whole area as made */

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(area, sizeof(area), dir, "swap area");  /* a blank in the path, too */
	tu_path(rnd, sizeof(rnd), dir, "random.raw");
	snprintf(target, sizeof(target), "swap:%s", area);
	snprintf(rnd_src, sizeof(rnd_src), "file:%s", rnd);
}

static void teardown(void)
{
	free(pristine);
	free(area_before);
	pristine = area_before = NULL;
	tu_rmdir(dir);
}

TestSuite(swap, .init = setup, .fini = teardown);

static void remember(void)
{
	free(pristine);
	free(area_before);
	pristine = su_page(area, 0, PS);
	area_before = tu_read_file(area, &area_len);
}

static void make_area(const struct su_swap *s)
{
	su_make_swap(area, s);
	remember();
}

static void mkswap_area(unsigned mib)
{
	if (!su_have("mkswap"))
		cr_skip("skipped: no mkswap (util-linux)");
	su_fill_file(area, (size_t)mib << 20, 0);
	cr_assert_eq(su_sh("mkswap -q -L %s -U %s '%s' >/dev/null 2>&1", LABEL, UUID, area), 0);
	remember();
}

static int suspend(const char *source, const char *filters, const char *to)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = to };
	struct hb_stats st;

	return hb_suspend(&a, &st);
}

static int resume_verify(void)
{
	struct hb_resume_args a = { .target = target, .verify = true };
	struct hb_stats st;

	return hb_resume(&a, &st);
}

/* Random (incompressible) pages: filters cannot shrink them. */
static void random_source(size_t bytes)
{
	tu_write_random(rnd, bytes, 0x9e3779b97f4a7c15ull);
}

/* The header page is the original, byte for byte. */
static void assert_swap_back(void)
{
	uint8_t *now = su_page(area, 0, PS);

	cr_assert_eq(memcmp(now, pristine, PS), 0, "the swap header page differs from the original");
	free(now);
}

static void assert_image_there(void)
{
	uint8_t *now = su_page(area, 0, PS);

	cr_assert_eq(memcmp(now + PS - 10, "HIBLABSWP1", 10), 0, "no image signature");
	/* everything but the trailer is the original swap header */
	cr_assert_eq(memcmp(now, pristine, PS - 64), 0, "the swap header was changed");
	free(now);
}

static void assert_untouched(void)
{
	size_t len;
	uint8_t *now = tu_read_file(area, &len);

	cr_assert_eq(len, area_len);
	cr_assert_eq(memcmp(now, area_before, len), 0, "a refused target was written");
	free(now);
}

static void assert_blkid_swap(int want)
{
	char type[64], uuid[64], label[64];

	if (!su_have("blkid"))
		return;
	su_blkid(area, "TYPE", type, sizeof(type));
	if (!want) {
		cr_assert_neq(strcmp(type, "swap"), 0, "blkid -p still reports swap");
		return;
	}
	cr_assert_str_eq(type, "swap");
	su_blkid(area, "UUID", uuid, sizeof(uuid));
	su_blkid(area, "LABEL", label, sizeof(label));
	cr_assert_str_eq(uuid, UUID);
	cr_assert_str_eq(label, LABEL);
}

/* ---- mkswap'd areas ------------------------------------------------------------ */

Test(swap, mkswap_suspend_resume)
{
	struct hb_header h;
	int err;

	mkswap_area(16);
	assert_blkid_swap(1);
	err = suspend("sim:mixed,size=4MiB,seed=1", "zero,crc32c", target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_image_there();
	assert_blkid_swap(0);
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert_eq(h.page_count, 1024);
	err = resume_verify();
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_swap_back();
	assert_blkid_swap(1);
	err = resume_verify();
	cr_assert_eq(err, HB_ENOIMAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "swap area without a hiblab image"), "%s",
		  hb_detail(err));
}

Test(swap, mkswap_invalidate)
{
	int err;

	mkswap_area(8);
	cr_assert_eq(suspend("sim:mixed,size=2MiB,seed=2", "zero", target), 0);
	assert_blkid_swap(0);
	err = hb_invalidate(target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_swap_back();
	assert_blkid_swap(1);
	cr_assert_eq(hb_invalidate(target), HB_ENOIMAGE);
	cr_assert_eq(resume_verify(), HB_ENOIMAGE);
}

/* A record damaged: refused, and the area is swap again (one attempt). */
Test(swap, refused_image_gives_swap_back)
{
	int err;

	mkswap_area(8);
	cr_assert_eq(suspend("sim:mixed,size=2MiB,seed=3", "zero,crc32c", target), 0);
	/* pages 1-3: descriptor, header, first map page; records from page 4 on */
	tu_flip(area, 4 * PS + 100, 0x20);
	err = resume_verify();
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	assert_swap_back();
	assert_blkid_swap(1);
}

/* The image header damaged: resume refuses and leaves it; invalidate still
 * puts the swap header back. */
Test(swap, damaged_header_then_invalidate)
{
	int err;

	mkswap_area(8);
	cr_assert_eq(suspend("sim:mixed,size=2MiB,seed=3", "zero", target), 0);
	tu_flip(area, 2 * PS + 30, 0x01);
	err = resume_verify();
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	/* resumable by no build: spent at once, the area is swap again */
	assert_swap_back();
	assert_blkid_swap(1);
	err = hb_invalidate(target);
	cr_assert_eq(err, HB_ENOIMAGE, "%d %s", err, hb_detail(err));
}

Test(swap, damaged_signature_then_invalidate)
{
	int err;

	mkswap_area(8);
	cr_assert_eq(suspend("sim:mixed,size=2MiB,seed=3", "zero", target), 0);
	tu_flip(area, 2 * PS + 0, 0x01);  /* HIBLABOK -> IIBLABOK */
	err = resume_verify();
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	assert_swap_back();
	err = hb_invalidate(target);
	cr_assert_eq(err, HB_ENOIMAGE, "%d %s", err, hb_detail(err));
}

/* The descriptor damaged: the 64 saved bytes are lost, but mkswap's tail
 * (zeros and SWAPSPACE2) is checked against the crc and put back. */
Test(swap, damaged_descriptor_then_invalidate)
{
	int err;

	mkswap_area(8);
	cr_assert_eq(suspend("sim:mixed,size=2MiB,seed=3", "zero", target), 0);
	tu_flip(area, 1 * PS + 200, 0x08);
	err = resume_verify();
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "descriptor"), "%s", hb_detail(err));
	assert_swap_back();
	err = hb_invalidate(target);
	cr_assert_eq(err, HB_ENOIMAGE, "%d %s", err, hb_detail(err));
}

/* A tail that was not mkswap's and a damaged descriptor: no guessing; the
 * message says how to recreate the area. */
Test(swap, damaged_descriptor_unusual_tail)
{
	struct su_swap s = { .pages = 512, .label = "junk", .tail_junk = 0x77 };
	int err;

	make_area(&s);
	cr_assert_eq(suspend("sim:mixed,size=512KiB,seed=3", "zero", target), 0);
	tu_flip(area, 1 * PS + 200, 0x08);
	err = hb_invalidate(target);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "mkswap -U 1b4e28ba-2fa1-11d2-883f-0016d3cca427 -L "
					 "'junk'"), "%s", hb_detail(err));
	assert_image_there();
}

Test(swap, unusual_tail_round_trip)
{
	struct su_swap s = { .pages = 512, .label = "junk", .tail_junk = 0x77 };

	make_area(&s);
	cr_assert_eq(suspend("sim:mixed,size=512KiB,seed=3", "zero", target), 0);
	cr_assert_eq(resume_verify(), 0);
	assert_swap_back();
}

Test(swap, damaged_trailer)
{
	int err;

	mkswap_area(8);
	cr_assert_eq(suspend("sim:mixed,size=2MiB,seed=3", "zero", target), 0);
	tu_flip(area, PS - 60, 0x01);
	err = resume_verify();
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "mkswap -U " UUID " -L '" LABEL "'"), "%s",
		  hb_detail(err));
	err = hb_invalidate(target);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
}

/* Suspending over an image never resumed: the old one goes, the header
 * stays the original. */
Test(swap, suspend_over_an_old_image)
{
	mkswap_area(8);
	cr_assert_eq(suspend("sim:mixed,size=2MiB,seed=7", "zero", target), 0);
	cr_assert_eq(suspend("sim:text,size=1MiB,seed=8", "zero", target), 0);
	assert_image_there();
	cr_assert_eq(resume_verify(), 0);
	assert_swap_back();
}

/* A crash before the commit: the header page was never touched. */
Test(swap, uncommitted_image_is_still_swap)
{
	int err;

	mkswap_area(8);
	random_source(16u << 20);
	err = suspend(rnd_src, "zero", target);  /* outgrows the area halfway */
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "the swap area is as it was"), "%s", hb_detail(err));
	assert_swap_back();
	assert_blkid_swap(1);
	cr_assert_eq(resume_verify(), HB_ENOIMAGE);
}

/* ---- bad pages ------------------------------------------------------------------- */

Test(swap, bad_pages_never_written)
{
	static const uint32_t bad[] = { 40, 4, 5, 9, 300, 5 };
	struct su_swap s = { .pages = 1024, .bad = bad, .nr_bad = 6, .fill = 0xb5,
			     .label = "bad" };
	unsigned i;
	int err;

	make_area(&s);
	random_source(3u << 20);  /* ~770 pages of records: across every bad page */
	err = suspend(rnd_src, "crc32c", target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(su_page_is(area, bad[i], PS, 0xb5), "bad page %u was written", bad[i]);
	cr_assert_not(su_page_is(area, 6, PS, 0xb5), "page 6 should hold the image");
	cr_assert_not(su_page_is(area, 301, PS, 0xb5), "page 301 should hold the image");
	cr_assert_eq(resume_verify(), 0);
	assert_swap_back();
}

Test(swap, capacity_counts_bad_pages)
{
	static const uint32_t bad[] = { 2, 3, 4, 5, 6, 7, 8, 9 };
	/* 64 pages: 63 slots - 8 bad - 3 (descriptor, header, map) = 52 data pages */
	struct su_swap s = { .pages = 64, .bad = bad, .nr_bad = 8 };
	int err;

	make_area(&s);
	err = suspend("sim:mixed,size=200KiB", NULL, target);  /* 50 pages + 2 records */
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(resume_verify(), 0);
	make_area(&s);
	err = suspend("sim:mixed,size=216KiB", NULL, target);  /* 54 pages: no */
	cr_assert_eq(err, HB_ENOSPACE, "%s", hb_detail(err));
	assert_untouched();
}

/* ---- refused areas: one line, untouched ------------------------------------------ */

Test(swap, too_small)
{
	struct su_swap s = { .pages = 64, .label = "small" };
	int err;

	make_area(&s);
	err = suspend("sim:mixed,size=1MiB,seed=1", NULL, target);
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 1);
	cr_assert(strstr(hb_detail(err), "image needs 1.0 MiB"), "%s", hb_detail(err));
	assert_untouched();
}

Test(swap, other_page_size)
{
	struct su_swap s = { .page_size = 65536, .pages = 32 };
	int err;

	make_area(&s);
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 2);
	cr_assert(strstr(hb_detail(err), "made for 65536-byte pages"), "%s", hb_detail(err));
	assert_untouched();
}

Test(swap, mkswap_other_page_size)
{
	int err;

	if (!su_have("mkswap"))
		cr_skip("skipped: no mkswap (util-linux)");
	su_fill_file(area, 2u << 20, 0);
	cr_assert_eq(su_sh("mkswap -q -p 16384 '%s' >/dev/null 2>&1", area), 0);
	remember();
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "made for 16384-byte pages"), "%s", hb_detail(err));
	assert_untouched();
}

Test(swap, other_versions)
{
	struct su_swap v2 = { .pages = 64, .version = 2 };
	struct su_swap swapped = { .pages = 64, .version = 0x01000000 };
	int err;

	make_area(&v2);
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "version 2"), "%s", hb_detail(err));
	assert_untouched();
	make_area(&swapped);
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "byte-swapped"), "%s", hb_detail(err));
	assert_untouched();
}

Test(swap, not_swap)
{
	int err;

	random_source(1u << 20);
	tu_copy_file(rnd, area);
	remember();
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 2);
	cr_assert(strstr(hb_detail(err), "not a swap area"), "%s", hb_detail(err));
	assert_untouched();
	err = resume_verify();
	cr_assert_eq(err, HB_EFOREIGN, "%d %s", err, hb_detail(err));
	err = hb_invalidate(target);
	cr_assert_eq(err, HB_EFOREIGN, "%d %s", err, hb_detail(err));
	assert_untouched();
}

Test(swap, kernel_hibernation_image)
{
	struct su_swap s = { .pages = 64 };
	uint8_t *page;
	int err;

	su_make_swap(area, &s);
	page = su_page(area, 0, PS);
	memcpy(page + PS - 10, "S1SUSPEND\0", 10);
	tu_write_file(area, page, PS);
	free(page);
	remember();
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "kernel's own hibernation image (S1SUSPEND)"), "%s",
		  hb_detail(err));
	assert_untouched();
}

Test(swap, header_beyond_the_file)
{
	struct su_swap s = { .pages = 64, .last_page = 100 };
	int err;

	make_area(&s);
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "says 101 pages but only 64"), "%s", hb_detail(err));
	assert_untouched();
}

Test(swap, bad_page_list_out_of_range)
{
	static const uint32_t bad[] = { 3, 64 };
	struct su_swap s = { .pages = 64, .bad = bad, .nr_bad = 2 };
	int err;

	make_area(&s);
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "names page 64"), "%s", hb_detail(err));
	assert_untouched();
}

Test(swap, offset_needs_the_kernel)
{
	struct su_swap s = { .pages = 64 };
	char to[700];
	int err;

	make_area(&s);
	snprintf(to, sizeof(to), "swap:%s,offset=0", area);
	cr_assert_eq(suspend("sim:mixed,size=64KiB", NULL, to), 0);
	cr_assert_eq(hb_invalidate(to), 0);
	/* a header at page 8, as a swap file's inside a filesystem would be */
	{
		size_t len;
		uint8_t *file = tu_read_file(area, &len);
		memcpy(file + 8 * PS, file, PS);
		tu_write_file(area, file, len);
		free(file);
	}
	snprintf(to, sizeof(to), "swap:%s,offset=8", area);
	err = suspend("sim:mixed,size=64KiB", NULL, to);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "offset=8: a swap file inside a filesystem"), "%s",
		  hb_detail(err));
	snprintf(to, sizeof(to), "swap:%s,alloc=kernel", area);
	err = suspend("sim:mixed,size=64KiB", NULL, to);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "needs --source snapshot"), "%s", hb_detail(err));
	assert_swap_back();
}

Test(swap, loop_device)
{
	char dev[64], to[80];
	int err;

	mkswap_area(8);
	if (su_loop_attach(area, 0, dev, sizeof(dev)) != 0)
		cr_skip("skipped: no loop devices");
	snprintf(to, sizeof(to), "swap:%s", dev);
	err = suspend("sim:mixed,size=2MiB,seed=9", "zero", to);
	if (!err) {
		struct hb_resume_args a = { .target = to, .verify = true };
		struct hb_stats st;
		err = hb_resume(&a, &st);
	}
	su_loop_detach(dev);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_swap_back();
}

/* ---- the whole-area allocator, and /proc/swaps ------------------------------------- */

Test(swap, area_allocator)
{
	uint32_t bad[] = { 1, 2, 5, 9 };
	struct hb_swap_area a = { .page_size = PS, .base = 100, .last_page = 10, .nr_bad = 4,
				  .bad = bad };
	struct hb_area_alloc aa;
	struct hb_swap_alloc al;
	uint64_t page, left, want[] = { 103, 104, 106, 107, 108, 110 };
	unsigned i;

	hb_area_alloc_init(&aa, &a, &al);
	cr_assert_eq(al.ops->left(al.ctx, &left), 0);
	cr_assert_eq(left, 6);
	cr_assert_eq(hb_swap_area_slots(&a), 6);
	for (i = 0; i < 6; i++) {
		cr_assert_eq(al.ops->take(al.ctx, &page), 0);
		cr_assert_eq(page, want[i], "slot %u: page %llu", i, (unsigned long long)page);
		cr_assert_eq(al.ops->left(al.ctx, &left), 0);
		cr_assert_eq(left, 5 - i);
	}
	cr_assert_eq(al.ops->take(al.ctx, &page), HB_ENOSPACE);
	al.ops->release(al.ctx);
}

Test(swap, parse_header)
{
	static const uint32_t bad[] = { 7, 3, 7 };
	struct su_swap s = { .pages = 16, .bad = bad, .nr_bad = 3, .label = "0123456789abcdefXX" };
	struct hb_swap_area a;
	uint8_t *page;
	char text[128];

	su_make_swap(area, &s);
	page = su_page(area, 0, PS);
	cr_assert_eq(hb_swap_area_parse(&a, "swap x", page, PS, PS, 0, 16 * PS), 0,
		     "%s", hb_detail(HB_EUSAGE));
	cr_assert_eq(a.last_page, 15);
	cr_assert_eq(a.nr_bad, 2);
	cr_assert_eq(a.bad[0], 3);
	cr_assert_eq(a.bad[1], 7);
	cr_assert_str_eq(a.label, "0123456789abcdef");
	hb_swap_area_describe(&a, text, sizeof(text));
	cr_assert_str_eq(text, "uuid 1b4e28ba-2fa1-11d2-883f-0016d3cca427, label \"0123456789abcdef\"");
	hb_swap_area_free(&a);
	cr_assert_eq(hb_swap_area_parse(&a, "swap x", page, PS, PS, 0, 15 * PS), HB_EUSAGE);
	hb_swap_area_free(&a);
	free(page);
}

Test(swap, proc_swaps)
{
	char swaps[600], line[1200];
	struct stat st;
	FILE *f;

	su_fill_file(area, PS, 0);
	cr_assert_eq(stat(area, &st), 0);
	tu_path(swaps, sizeof(swaps), dir, "swaps");
	cr_assert_not(hb_swap_is_active(swaps, 0, st.st_dev, st.st_ino, false));
	f = fopen(swaps, "w");
	cr_assert_not_null(f);
	/* the kernel escapes the blank as \040 */
	snprintf(line, sizeof(line), "%s", area);
	*strchr(line, ' ') = '\0';
	fprintf(f, "Filename\tType\tSize\tUsed\tPriority\n%s\\040area\tfile\t4\t0\t-2\n", line);
	fclose(f);
	cr_assert(hb_swap_is_active(swaps, 0, st.st_dev, st.st_ino, false));
	cr_assert_not(hb_swap_is_active(swaps, 0, st.st_dev, st.st_ino + 1, false));
	/* a device holding that file counts as in use too */
	cr_assert(hb_swap_is_active(swaps, st.st_dev, 0, 0, true));
}
