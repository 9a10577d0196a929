/* hiblab's image in a swap area, damaged by the host the way a guest = debian
 * fault = flip run asks (bench/qemu_himage.c): found through its trailer,
 * descriptor and first map page, one bit of a record page flipped, and the
 * resume then refuses it.  Real ones: make debian-test. */
#include "swaputil.h"
#include "testutil.h"

#include "bench/qemu_himage.h"
#include "core/engine.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PS 4096u

static char dir[256], area[300], target[400];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(area, sizeof(area), dir, "swap.area");
	snprintf(target, sizeof(target), "swap:%s", area);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(qemu_himage, .init = setup, .fini = teardown);

static int resume_verify(void)
{
	struct hb_resume_args a = { .target = target, .verify = true };
	struct hb_stats st;

	return hb_resume(&a, &st);
}

Test(qemu_himage, a_flipped_record_is_refused)
{
	struct hb_suspend_args a = { .source = "sim:mixed,size=2MiB,seed=5", .filters = "lz4",
				     .target = target };
	struct hb_stats st;
	uint8_t *before, *after;
	size_t n, m, i, changed = 0;
	int err;

	su_make_swap(area, &(struct su_swap){ .pages = 2048 });
	err = hb_suspend(&a, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	before = tu_read_file(area, &n);
	cr_assert_eq(scn_himage_flip(area, 0), 0, "%s", hb_detail(HB_EIO));
	after = tu_read_file(area, &m);
	cr_assert_eq(n, m);
	for (i = 0; i < n; i++) {
		if (before[i] != after[i]) {
			changed++;
			cr_assert_eq(before[i] ^ after[i], 0x10, "one bit");
			/* a record page: after the descriptor, header and first map (1-3) */
			cr_assert_geq(i / PS, 4, "byte %zu", i);
		}
	}
	cr_assert_eq(changed, 1);
	free(before);
	free(after);
	err = resume_verify();
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
}

Test(qemu_himage, no_image_is_an_error_naming_the_page)
{
	int err;

	su_make_swap(area, &(struct su_swap){ .pages = 64 });
	err = scn_himage_flip(area, 0);
	cr_assert_eq(err, HB_EIO);
	cr_assert(strstr(hb_detail(err), "no hiblab image at page 0"), "%s", hb_detail(err));
}
