/* A kernel run's image on the host between its two boots: checked, damaged
 * the way qemu-faults.scn asks, kept with --keep-disks.  The images are
 * built to the documented layout (kimagefx); real ones: make qemu-test. */
#include "kimagefx.h"
#include "testutil.h"

#include "bench/qemu_kimage.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEV 4096u  /* pages in the disk file */

static char dir[256], img[300], copy[300];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "disk.img");
	tu_path(copy, sizeof(copy), dir, "kept.disk");
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(qemu_kimage, .init = setup, .fini = teardown);

/* An LZO image over three map pages, as the kernel writes it. */
static void build(struct kfx_layout *l)
{
	struct kfx_spec s = { .comp = HB_KIMAGE_LZO, .data_pages = 1200, .noise = true,
			      .dev_pages = DEV };

	kfx_build(img, &s, l);
	cr_assert_geq(l->nmaps, 3);
}

Test(qemu_kimage, sound_image_gives_its_exact_size)
{
	struct kfx_layout l;
	struct scn_kimage k;

	build(&l);
	cr_assert_eq(scn_kimage_check(img, &k), 0, "%s", k.why);
	cr_assert(k.sound);
	cr_assert_eq(k.report.stored_bytes, (l.nmaps + l.entries) * 4096u);
}

/* Each fault leaves an image the host's own check refuses, for the reason
 * the fault names; the resume boot then shows what the kernel does. */
Test(qemu_kimage, each_fault_damages_what_it_says)
{
	static const struct {
		const char *fault, *why;
	} cases[] = {
		{ "flip", "crc" },
		{ "truncate", "map" },
		{ "zero-header", "swsusp_info" },
	};
	struct kfx_layout l;
	struct scn_kimage k;
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&l);
		cr_assert_eq(scn_kimage_damage(img, cases[i].fault), 0, "%s: %s", cases[i].fault,
			     hb_detail(HB_EIO));
		cr_assert_neq(scn_kimage_check(img, &k), 0, "%s: still sound", cases[i].fault);
		cr_assert_not(k.sound);
		cr_assert(strstr(k.why, cases[i].why), "%s: %s", cases[i].fault, k.why);
	}
}

Test(qemu_kimage, damage_without_an_image_says_so)
{
	tu_write_file(img, "", 0);
	cr_assert(truncate(img, DEV * 4096) == 0);
	cr_assert_eq(scn_kimage_damage(img, "flip"), HB_EIO);
	cr_assert(strstr(hb_detail(HB_EIO), "no map pages in the kernel's image"), "%s",
		  hb_detail(HB_EIO));
}

/* The kept disk: the same bytes, holes still holes, never over a file. */
Test(qemu_kimage, kept_disk_is_a_sparse_copy)
{
	struct kfx_layout l;
	struct stat a, b;
	uint8_t *x, *y;
	size_t nx, ny;

	build(&l);
	/* a guest disk is mostly hole: 64 MiB of it after the image */
	cr_assert_eq(truncate(img, (off_t)DEV * 4096 + (64 << 20)), 0);
	cr_assert_eq(scn_copy_sparse(img, copy), 0, "%s", hb_detail(HB_EIO));
	x = tu_read_file(img, &nx);
	y = tu_read_file(copy, &ny);
	cr_assert_eq(nx, ny);
	cr_assert_eq(memcmp(x, y, nx), 0);
	free(x);
	free(y);
	cr_assert_eq(stat(img, &a), 0);
	cr_assert_eq(stat(copy, &b), 0);
	cr_assert_eq(b.st_mode & 0777, 0600);
	cr_assert_leq(b.st_blocks, a.st_blocks + 64, "holes filled: %lld blocks",
		      (long long)b.st_blocks);
	cr_assert_lt((uint64_t)b.st_blocks * 512u, (uint64_t)b.st_size / 2);
	cr_assert_eq(scn_copy_sparse(img, copy), HB_EIO, "an existing file was overwritten");
	cr_assert(strstr(hb_detail(HB_EIO), "keeping the disk"), "%s", hb_detail(HB_EIO));
}

/* A fault with no meaning for the kernel's image damages nothing. */
Test(qemu_kimage, unknown_fault_damages_nothing)
{
	struct kfx_layout l;
	struct scn_kimage k;

	build(&l);
	cr_assert_eq(scn_kimage_damage(img, "twice"), HB_EINTERNAL);
	cr_assert(strstr(hb_detail(HB_EINTERNAL), "'twice' is not one for the kernel's image"));
	cr_assert_eq(scn_kimage_check(img, &k), 0, "%s", k.why);
}

/* A swap file's image (guest = debian): the header where the resume offset
 * says, nowhere else. */
Test(qemu_kimage, the_header_is_read_at_the_page_given)
{
	struct kfx_layout l;
	struct scn_kimage k;

	build(&l);
	cr_assert_eq(scn_kimage_check_at(img, 0, &k), 0, "%s", k.why);
	cr_assert_eq(k.report.header_page, 0);
	cr_assert_eq(k.report.stored_bytes, (l.nmaps + l.entries) * 4096u);
	cr_assert_neq(scn_kimage_check_at(img, 5, &k), 0, "no swap header at page 5");
	cr_assert_str_eq(k.why, "no S1SUSPEND signature: the kernel wrote no image");
}
