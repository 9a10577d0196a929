/* Mistakes a user makes that a one-line hint can correct: a path without
 * its type, a size without its unit. */
#include "testutil.h"

#include "core/engine.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static char dir[256], target[600];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	snprintf(target, sizeof(target), "file:%s/a.img", dir);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(hints, .init = setup, .fini = teardown);

/* suspend source to target must be refused as a usage error with want */
static void refused_with(const char *source, const char *to, const char *filters,
			 const char *want)
{
	struct hb_suspend_args s = { .source = source, .target = to, .filters = filters };
	struct hb_stats st;
	int err = hb_suspend(&s, &st);

	cr_assert_eq(err, HB_EUSAGE, "%s -> %s: %d %s", source, to, err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), want);
	cr_assert_not(tu_exists(target + 5), "%s -> %s: an image was made", source, to);
}

Test(hints, a_path_without_its_type)
{
	char path[600], want[1400];

	snprintf(path, sizeof(path), "%s/a.img", dir);
	snprintf(want, sizeof(want), "--target %s: no type given: did you mean file:%s?", path,
		 path);
	refused_with("sim:mixed,size=1MiB", path, NULL, want);
	refused_with("./mem.raw", target, NULL,
		     "--source ./mem.raw: no type given: did you mean file:./mem.raw?");
	/* no filter reads a file: nothing to suggest */
	refused_with("sim:mixed,size=1MiB", target, "./zz",
		     "--filters: './zz' is not a plugin name");
}

Test(hints, a_size_without_its_unit)
{
	refused_with("sim:mixed,size=256", target, NULL,
		     "sim: size=256: 256 bytes is less than a page; did you mean 256MiB?");
	refused_with("sim:mixed,size=1MiB", "sim:ssd,size=256", NULL,
		     "sim: size=256: 256 bytes is less than the 8 KiB a disk needs; did you mean "
		     "256MiB?");
	/* a whole number of pages in bytes is a size, unit or not */
	{
		struct hb_suspend_args s = { .source = "sim:mixed,size=8192", .target = target };
		struct hb_stats st;
		int err = hb_suspend(&s, &st);

		cr_assert_eq(err, 0, "%s", hb_detail(err));
		cr_assert_eq(st.pages, 2);
	}
}

Test(hints, an_empty_memory)
{
	refused_with("sim:mixed,size=0", target, NULL,
		     "--source sim:mixed,size=0 is empty: nothing to suspend");
}
