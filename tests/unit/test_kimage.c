/* The kernel's own hibernation image, read offline: images built to the
 * documented layout (plain, LZO, LZ4; zero pages flagged; map chains over
 * several pages) give their exact report, and damaged copies are refused
 * with HB_ECORRUPT and one exact line; the file is never written. */
#include "kimagefx.h"
#include "testutil.h"

#include "core/error.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PG HB_KIMAGE_PAGE
#define DEV 1024u

static char dir[256], img[512], target[600];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "swap.img");
	snprintf(target, sizeof(target), "swap:%s", img);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(kimage, .init = setup, .fini = teardown, .timeout = 30);

/* hb_kimage_read, with proof that it wrote nothing: the bytes and the mtime
 * are what they were. */
static int read_image(const char *spec, struct hb_kimage_report *r)
{
	struct stat before, after;
	size_t len_before, len_after;
	uint8_t *bytes_before, *bytes_after;
	int err;

	cr_assert_eq(stat(img, &before), 0);
	bytes_before = tu_read_file(img, &len_before);
	hb_clear_detail();
	err = hb_kimage_read(spec, r);
	cr_assert_eq(stat(img, &after), 0);
	bytes_after = tu_read_file(img, &len_after);
	cr_assert_eq(len_before, len_after);
	cr_assert(memcmp(bytes_before, bytes_after, len_before) == 0, "the image was written");
	cr_assert_eq(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	cr_assert_eq(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	free(bytes_before);
	free(bytes_after);
	return err;
}

static void expect_corrupt(const char *line)
{
	struct hb_kimage_report r;
	int err = read_image(target, &r);

	cr_assert_eq(err, HB_ECORRUPT, "err %d: %s", err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), line);
}

static void build(const struct kfx_spec *s, struct kfx_layout *l)
{
	kfx_build(img, s, l);
}

/* A sound image, built and read. */
static void build_and_read(const struct kfx_spec *s, struct kfx_layout *l,
			   struct hb_kimage_report *r)
{
	kfx_build(img, s, l);
	cr_assert_eq(read_image(target, r), 0, "%s", hb_detail(HB_ECORRUPT));
}

Test(kimage, crc32_is_the_kernels_crc32_le)
{
	/* crc32_le() is CRC-32 without the inversions: inverted around it,
	 * it gives the standard check value */
	cr_assert_eq(hb_kimage_crc32(0xffffffffu, "123456789", 9) ^ 0xffffffffu, 0xCBF43926u);
	cr_assert_eq(hb_kimage_crc32(0, "", 0), 0u);
	cr_assert_eq(hb_kimage_crc32(hb_kimage_crc32(0, "1234", 4), "56789", 5),
		     hb_kimage_crc32(0, "123456789", 9));
}

Test(kimage, plain_image_over_two_map_pages)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_PLAIN, .data_pages = 600, .dev_pages = DEV };
	struct kfx_layout l;
	struct hb_kimage_report r;

	build(&s, &l);
	cr_assert_eq(l.nmaps, 2);
	cr_assert_eq(read_image(target, &r), 0, "%s", hb_detail(HB_ECORRUPT));
	cr_assert_str_eq(r.release, "6.12.0-kfx+");
	cr_assert_str_eq(r.machine, "x86_64");
	cr_assert_eq(r.release_from, HB_KIMAGE_REL_BANNER);
	cr_assert_eq(r.comp, HB_KIMAGE_PLAIN);
	cr_assert_eq(r.flags, HB_KIMAGE_SF_NOCOMPRESS);
	cr_assert_eq(r.first_map, 1);
	cr_assert_eq(r.pages, 603);
	cr_assert_eq(r.image_pages, 600);
	cr_assert_eq(r.meta_pages, 2);
	cr_assert_eq(r.pfns, 600);
	cr_assert_eq(r.zero_pages, 0);
	cr_assert_eq(r.map_pages, 2);
	cr_assert_eq(r.records, 0);
	cr_assert_eq(r.stored_bytes, (2 + 603) * PG);
	cr_assert_eq(r.data_bytes, 603 * PG);
	cr_assert_eq(r.num_physpages, 65536);
}

Test(kimage, lzo_image_with_zero_pages_flagged)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 300, .zero_every = 4,
			      .dev_pages = DEV };
	struct kfx_layout l;
	struct hb_kimage_report r;

	build(&s, &l);
	cr_assert_eq(l.zero, 99);
	cr_assert_eq(read_image(target, &r), 0, "%s", hb_detail(HB_ECORRUPT));
	cr_assert_eq(r.comp, HB_KIMAGE_LZO);
	cr_assert_eq(r.flags, HB_KIMAGE_SF_CRC32);
	cr_assert_eq(r.pfns, 399);
	cr_assert_eq(r.zero_pages, 99);
	cr_assert_eq(r.meta_pages, 1);
	cr_assert_eq(r.pages, 302);
	cr_assert_eq(r.records, 10);  /* 301 pages, 32 a record */
	cr_assert_eq(r.crc_stored, l.crc);
	cr_assert_eq(r.crc_computed, l.crc);
	cr_assert_eq(r.stored_bytes, (l.nmaps + l.entries) * PG);
	cr_assert_str_eq(r.release, "6.12.0-kfx+");
	cr_assert_gt(r.ratio, 10.0);  /* the pattern pages compress well */
}

Test(kimage, lzo_records_over_a_map_chain)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 600, .noise = true,
			      .dev_pages = DEV };
	struct kfx_layout l;
	struct hb_kimage_report r;

	build(&s, &l);
	cr_assert_geq(l.nmaps, 2);
	cr_assert_eq(read_image(target, &r), 0, "%s", hb_detail(HB_ECORRUPT));
	cr_assert_eq(r.map_pages, l.nmaps);
	cr_assert_eq(r.records, 19);  /* 602 pages */
	cr_assert_eq(r.crc_computed, l.crc);
	cr_assert_eq(r.stored_bytes, (l.nmaps + l.entries) * PG);
	cr_assert_lt(r.ratio, 1.0);   /* noise: a little bigger for the lengths */
}

Test(kimage, lz4_image_with_the_utsname_kept)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZ4, .data_pages = 100, .utsname = true,
			      .dev_pages = DEV };
	struct kfx_layout l;
	struct hb_kimage_report r;
	char block[600];

	build_and_read(&s, &l, &r);
	cr_assert_eq(r.comp, HB_KIMAGE_LZ4);
	cr_assert_eq(r.flags, HB_KIMAGE_SF_CRC32 | HB_KIMAGE_SF_LZ4);
	cr_assert_str_eq(r.release, "6.1.0-kfx");
	cr_assert_str_eq(r.machine, "x86_64");
	cr_assert_eq(r.release_from, HB_KIMAGE_REL_UTSNAME);
	cr_assert_eq(r.records, 4);
	cr_assert_eq(r.crc_computed, l.crc);
	/* block: names the same area, its header at page 0 */
	snprintf(block, sizeof(block), "block:%s", img);
	cr_assert_eq(read_image(block, &r), 0, "%s", hb_detail(HB_ECORRUPT));
	cr_assert_eq(r.records, 4);
}

Test(kimage, no_signature_is_no_image_and_leaves_the_detail_alone)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 10, .dev_pages = DEV };
	struct kfx_layout l;
	struct hb_kimage_report r;
	char file[600];

	build(&s, &l);
	kfx_put64(img, 0, PG - 8, 0);  /* "S1SUSPEND" gone */
	cr_assert_eq(read_image(target, &r), HB_ENOIMAGE);
	cr_assert_str_eq(hb_detail(HB_ENOIMAGE), hb_strerror(HB_ENOIMAGE));
	snprintf(file, sizeof(file), "file:%s", img);
	cr_assert_eq(read_image(file, &r), HB_ENOIMAGE);
}

Test(kimage, flipped_byte_in_a_record_fails_the_crc)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 600, .noise = true,
			      .dev_pages = DEV };
	struct kfx_layout l;
	struct hb_kimage_report r;
	char line[200];
	int err;

	build(&s, &l);
	/* inside a literal run of noise: it decompresses, to other bytes */
	tu_flip(img, (size_t)(l.record[3] + 1) * PG + 2000, 0x10);
	err = read_image(target, &r);
	cr_assert_eq(err, HB_ECORRUPT);
	snprintf(line, sizeof(line), "kernel image: crc32 mismatch: the header says %08x, the 19 "
				     "records give %08x", l.crc, r.crc_computed);
	cr_assert_str_eq(hb_detail(err), line);
	cr_assert_neq(r.crc_computed, l.crc);
}

/* One 8-byte field of a sound image changed, and the line that refuses it. */
enum where { AT_HEADER, AT_INFO, AT_MAP0, AT_MAP1, AT_RECORD1, AT_RECORD2 };

struct damage {
	const char *name;
	enum hb_kimage_comp comp;
	uint64_t data_pages;
	enum where page;
	uint32_t off;
	uint64_t value;          /* FIRST_MAP: the first map page's sector */
	const char *line;
};

#define FIRST_MAP (UINT64_MAX - 1)

static struct damage damages[] = {
	{ "length too large", HB_KIMAGE_LZ4, 200, AT_RECORD2, 0, 139334,
	  "kernel image: record 2: compressed length 139334 is out of range (1..139333)" },
	{ "corrupt lzo data", HB_KIMAGE_LZO, 200, AT_RECORD1, 8, UINT64_MAX,
	  "kernel image: record 1: lzo data is corrupt (lzo error -6)" },
	{ "truncated chain", HB_KIMAGE_PLAIN, 600, AT_MAP0, PG - 8, 0,
	  "kernel image: page 511: the map chain ends after 511 pages (truncated)" },
	{ "map lists too few pages", HB_KIMAGE_PLAIN, 600, AT_MAP0, 300 * 8, 0,
	  "kernel image: page 300: the map lists no more pages after 300 (truncated)" },
	{ "chain loops", HB_KIMAGE_PLAIN, 600, AT_MAP1, PG - 8, FIRST_MAP,
	  "kernel image: map chain: map page 1 leads back to map page 0 (sector 1): a loop" },
	{ "map page names itself", HB_KIMAGE_LZO, 20, AT_MAP0, PG - 8, FIRST_MAP,
	  "kernel image: map chain: map page 0 leads back to map page 0 (sector 1): a loop" },
	{ "sector beyond the end", HB_KIMAGE_PLAIN, 600, AT_MAP0, 5 * 8, DEV + 5,
	  "kernel image: page 5 (map page 0, entry 5): sector 1029 is beyond the end of the "
	  "area (1024 pages)" },
	{ "first map page beyond the end", HB_KIMAGE_LZO, 20, AT_HEADER, PG - 32, 5000,
	  "kernel image: swsusp header: first map page: sector 5000 is beyond the end of the "
	  "area (1024 pages)" },
	{ "first map page at the swap header", HB_KIMAGE_LZO, 20, AT_HEADER, PG - 32, 0,
	  "kernel image: swsusp header: first map page: sector 0 is the swap header" },
	{ "saved swap signature", HB_KIMAGE_LZO, 20, AT_HEADER, PG - 20, 0x4141414141414141ull,
	  "kernel image: swsusp header: the saved swap signature is not SWAPSPACE2 (resuming "
	  "would not give the swap area back)" },
	{ "huge page count", HB_KIMAGE_LZO, 20, AT_INFO, 424, UINT64_C(1) << 40,
	  "kernel image: swsusp_info: 1099511627776 pages cannot fit in an area of 1024 pages" },
	{ "size not pages x 4096", HB_KIMAGE_LZO, 20, AT_INFO, 432, 12345,
	  "kernel image: swsusp_info: size 12345 is not 22 pages of 4096 bytes" },
};

/* Each damage on a fresh image of its kind. */
Test(kimage, damaged)
{
	size_t i;

	for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		const struct damage *d = &damages[i];
		struct kfx_spec s = { .comp = d->comp, .data_pages = d->data_pages,
				      .dev_pages = DEV };
		struct kfx_layout l;
		struct hb_kimage_report r;
		uint64_t pages[AT_RECORD2 + 1] = { 0 };
		int err;

		build(&s, &l);
		pages[AT_INFO] = l.info;
		pages[AT_MAP0] = l.maps[0];
		pages[AT_MAP1] = l.maps[1];
		pages[AT_RECORD1] = l.record[1];
		pages[AT_RECORD2] = l.record[2];
		kfx_put64(img, pages[d->page], d->off, d->value == FIRST_MAP ? l.maps[0] : d->value);
		err = read_image(target, &r);
		cr_assert_eq(err, HB_ECORRUPT, "%s: err %d: %s", d->name, err, hb_detail(err));
		cr_assert_str_eq(hb_detail(err), d->line, "%s", d->name);
	}
}

Test(kimage, unknown_flags)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 20, .dev_pages = DEV };
	struct kfx_layout l;
	uint8_t *all;
	size_t len;

	build(&s, &l);
	all = tu_read_file(img, &len);
	all[PG - 24] |= 0x40;
	tu_write_file(img, all, len);
	free(all);
	expect_corrupt("kernel image: swsusp header: unknown flags 0x40 (damaged, or from a kernel "
		       "newer than this build knows)");
}

Test(kimage, huge_page_count)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 20, .dev_pages = DEV };
	struct kfx_layout l;

	build(&s, &l);
	kfx_put64(img, l.info, 424, UINT64_C(1) << 40);
	expect_corrupt("kernel image: swsusp_info: 1099511627776 pages cannot fit in an area of "
		       "1024 pages");
}

Test(kimage, image_pages_that_disagree_with_the_frame_list)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 100, .zero_every = 3,
			      .dev_pages = DEV };
	struct kfx_layout l;

	build(&s, &l);
	/* one page fewer stored, and the size to match: the list still names 100 */
	kfx_put64(img, l.info, 416, 99);
	kfx_put64(img, l.info, 424, 1 + l.meta + 99);
	kfx_put64(img, l.info, 432, (1 + l.meta + 99) * PG);
	expect_corrupt("kernel image: page-frame list: 100 frames to store (49 zero), swsusp_info "
		       "says 99 image pages");
}
