/* snapshot_swap: an active swap area as the target of a /dev/snapshot
 * suspend, against the fake kernel (snapfake.h).  The slots come from the
 * kernel (SNAPSHOT_ALLOC_SWAP_PAGE) and no other page of the area is ever
 * written; a full area, a small one, one not in use and every failing call
 * give back the slots and thaw; slot requests never overlap a read. */
#include "snapfake.h"
#include "swaputil.h"
#include "testutil.h"

#include "core/engine.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

TestSuite(snapshot_swap, .init = snap_setup, .fini = snap_teardown);


static char area[512], swap_target[700];
static uint64_t odd[600];

/* A 1024-page swap area "in use": every page holds live data (0xee), and the
 * kernel hands out only the odd pages, one by one (no two adjacent: the
 * worst case for the page map, which then spans several map pages). */
static void active_area(void)
{
	struct su_swap s = { .pages = 1024, .fill = 0xee, .label = "live" };
	unsigned i;

	tu_path(area, sizeof(area), dir, "swapfile");
	snprintf(swap_target, sizeof(swap_target), "swap:%s,alloc=kernel", area);
	su_make_swap(area, &s);
	for (i = 0; i < 511; i++)
		odd[i] = 2 * i + 3;
	kern.slots = odd;
	kern.nslots = 511;
	kern.avail_pages = 511;
}

Test(snapshot_swap, swap_slots_from_the_kernel)
{
	uint8_t *before = NULL, *now;
	struct stat st;
	unsigned i;
	int err;

	active_area();
	before = su_page(area, 0, PS);
	err = suspend_to("snapshot", "crc32c", swap_target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(stat(area, &st), 0);
	cr_assert_eq(kern.area.offset, 0);
	cr_assert_eq(kern.area.dev, (uint32_t)((minor(st.st_dev) & 0xff) | (major(st.st_dev) << 8) |
					    ((minor(st.st_dev) & ~0xffu) << 12)));
	assert_before(C_SETSWAP, C_ALLOC);
	assert_before(C_ALLOC, C_REBOOT);
	cr_assert_gt(kern.used[C_ALLOC], 300);
	for (i = 2; i < 1024; i += 2)
		cr_assert(su_page_is(area, i, PS, 0xee), "page %u was in use and got written", i);
	/* and back: the pages into the kernel, the swap header into place */
	reset_kernel(300);
	err = resume_from(swap_target, "snapshot");
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_pages_back();
	now = su_page(area, 0, PS);
	cr_assert_eq(memcmp(now, before, PS), 0, "the swap header is not the original");
	free(now);
	free(before);
}

/* Reads of the image and the swap writer's slot requests run on different
 * threads; the kernel answers an ioctl that comes during a read with EBUSY
 * (seen in a real guest: "SNAPSHOT_ALLOC_SWAP_PAGE: EBUSY").  hiblab must
 * never let them overlap, however many threads. */
Test(snapshot_swap, slot_requests_never_overlap_reads)
{
	int err;

	active_area();
	kern.read_delay_us = 50;
	err = suspend_threads("snapshot", "crc32c", swap_target, 4);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(atomic_load(&k_busy), 0, "%u ioctls came during a read",
		     atomic_load(&k_busy));
	cr_assert_gt(kern.used[C_ALLOC], 0);
	reset_kernel(300);
	cr_assert_eq(resume_from(swap_target, "snapshot"), 0, "%s", hb_detail(HB_EIO));
	assert_pages_back();
}

Test(snapshot_swap, swap_area_full)
{
	uint8_t *before;
	int err;

	active_area();
	before = su_page(area, 0, PS);
	kern.nslots = 200;  /* the kernel runs out of slots halfway */
	err = suspend_to("snapshot", "zero", swap_target);
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "does not fit"), "%s", hb_detail(err));
	cr_assert_geq(at(C_FREESWAP), 0, "slots not given back: %s", log_text());
	assert_thawed(true);
	cr_assert(su_page_is(area, 2, PS, 0xee));
	{
		uint8_t *now = su_page(area, 0, PS);
		cr_assert_eq(memcmp(now, before, PS), 0);
		free(now);
	}
	free(before);
}

Test(snapshot_swap, swap_too_small_up_front)
{
	int err;

	active_area();
	kern.avail_pages = 100;
	err = suspend_to("snapshot", NULL, swap_target);
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "image needs 1.2 MiB"), "%s", hb_detail(err));
	cr_assert_eq(kern.used[C_READ], 0);
	assert_thawed(true);
}

Test(snapshot_swap, swap_area_not_active)
{
	int err;

	active_area();
	kern.fail = C_SETSWAP;
	kern.fail_errno = ENODEV;
	err = suspend_to("snapshot", NULL, swap_target);
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_SET_SWAP_AREA: ENODEV — that is not an active "
					 "swap area"), "%s", hb_detail(err));
	assert_thawed(true);
	cr_assert_eq(kern.used[C_ALLOC], 0);
}

Test(snapshot_swap, swap_alloc_error)
{
	int err;

	active_area();
	kern.fail = C_ALLOC;
	kern.fail_errno = ENODEV;
	kern.fail_at = 10;
	err = suspend_to("snapshot", "zero", swap_target);
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_ALLOC_SWAP_PAGE: ENODEV — no swap area was set; "
					 "the system was thawed"), "%s", hb_detail(err));
	cr_assert_geq(at(C_FREESWAP), 0, "%s", log_text());
	assert_thawed(true);
}

Test(snapshot_swap, swap_avail_error)
{
	int err;

	active_area();
	kern.fail = C_AVAIL;
	kern.fail_errno = ENODEV;
	err = suspend_to("snapshot", NULL, swap_target);  /* no filters: capacity is asked */
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_AVAIL_SWAP_SIZE: ENODEV"), "%s", hb_detail(err));
	assert_thawed(true);
}

