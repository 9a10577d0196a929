/* The simulated disk: the volatile cache is lost at a power cut unless
 * flushed, a write in flight is torn at a sector boundary, faults give
 * their codes, and a named disk keeps its contents between opens. */
#include "core/engine.h"
#include "core/error.h"
#include "sim/disk.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static uint8_t a[16384], b[16384], got[16384];
static const uint8_t zero[16384];

static void cfg_init(struct hb_disk_config *c, const char *faults, unsigned cache_mib)
{
	memset(c, 0, sizeof(*c));
	c->size = 1 << 20;
	c->sector = 512;
	c->qd = 1;
	c->cache_mib = cache_mib;
	c->seed = 1;
	strcpy(c->backing, "memory");
	cr_assert_eq(hb_fault_parse(faults, &c->faults), 0, "%s", hb_detail(HB_EUSAGE));
}

static struct hb_disk *open_disk(const char *name, const char *faults, unsigned cache_mib)
{
	struct hb_disk_config c;
	struct hb_disk *d;
	int err;

	cfg_init(&c, faults, cache_mib);
	err = hb_disk_get(name, &c, &d);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	hb_disk_arm(d, true);
	return d;
}

static void setup(void)
{
	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
}

TestSuite(simdisk, .init = setup);

Test(simdisk, cache_lost_at_power_cut_unless_flushed)
{
	struct hb_disk *d = open_disk("t-cache", "powercut@12KiB", 1);

	cr_assert_eq(hb_disk_write(d, 0, a, 4096, false), 0);
	cr_assert_eq(hb_disk_flush(d), 0);
	cr_assert_eq(hb_disk_write(d, 4096, b, 4096, false), 0);
	cr_assert_eq(hb_disk_read(d, 4096, got, 4096), 0);
	cr_assert_arr_eq(got, b, 4096, "the cache is read back before a power cut");
	cr_assert_eq(hb_disk_write(d, 8192, b, 8192, false), HB_EIO);
	cr_assert_not(hb_disk_powered(d));
	cr_assert_eq(hb_disk_write(d, 0, a, 512, false), HB_EIO, "the power is off");
	hb_disk_put(d);

	d = open_disk("t-cache", "none", 1);  /* power back on */
	cr_assert_eq(hb_disk_read(d, 0, got, 16384), 0);
	cr_assert_arr_eq(got, a, 4096, "flushed data survives");
	cr_assert_arr_eq(got + 4096, zero, 12288, "unflushed data is lost");
	hb_disk_put(d);
	hb_disk_forget("t-cache");
}

Test(simdisk, torn_write_at_sector_granularity)
{
	struct hb_disk *d = open_disk("t-torn", "powercut@1000", 0);  /* write-through */

	cr_assert_eq(hb_disk_write(d, 0, a, 4096, false), HB_EIO);
	hb_disk_put(d);
	d = open_disk("t-torn", "none", 0);
	cr_assert_eq(hb_disk_read(d, 0, got, 4096), 0);
	cr_assert_arr_eq(got, a, 512, "the whole sector before the cut landed");
	cr_assert_arr_eq(got + 512, zero, 3584, "nothing from the sector the cut fell in on");
	hb_disk_put(d);
	hb_disk_forget("t-torn");
}

Test(simdisk, fua_and_keep)
{
	struct hb_disk_config c;
	struct hb_disk *d = open_disk("t-fua", "powercut@flush1", 1);

	cr_assert_eq(hb_disk_write(d, 0, a, 4096, true), 0);
	cr_assert_eq(hb_disk_write(d, 4096, b, 4096, false), 0);
	cr_assert_eq(hb_disk_flush(d), HB_EIO);
	hb_disk_put(d);
	d = open_disk("t-fua", "none", 1);
	cr_assert_eq(hb_disk_read(d, 0, got, 8192), 0);
	cr_assert_arr_eq(got, a, 4096, "a FUA write is durable on return");
	cr_assert_arr_eq(got + 4096, zero, 4096);
	hb_disk_put(d);
	hb_disk_forget("t-fua");

	cfg_init(&c, "powercut@flush1", 1);
	c.keep = 100;
	cr_assert_eq(hb_disk_get("t-keep", &c, &d), 0);
	hb_disk_arm(d, true);
	cr_assert_eq(hb_disk_write(d, 0, b, 4096, false), 0);
	cr_assert_eq(hb_disk_flush(d), HB_EIO);
	hb_disk_put(d);
	d = open_disk("t-keep", "none", 1);
	cr_assert_eq(hb_disk_read(d, 0, got, 4096), 0);
	cr_assert_arr_eq(got, b, 4096, "keep=100: every cached sector survives");
	hb_disk_put(d);
	hb_disk_forget("t-keep");
}

Test(simdisk, eio_enospc_codes)
{
	struct hb_disk *d = open_disk("t-eio", "eio@8KiB", 0);

	cr_assert_eq(hb_disk_write(d, 0, a, 8192, false), 0);
	cr_assert_eq(hb_disk_write(d, 8192, a, 512, false), HB_EIO);
	cr_assert_eq(hb_disk_read(d, 4096, got, 8192), HB_EIO, "a bad sector fails reads too");
	cr_assert_str_eq(hb_detail(HB_EIO), "sim: read: I/O error at sector 16 (fault eio)");
	hb_disk_put(d);
	hb_disk_forget("t-eio");

	d = open_disk("t-after", "eio-after@2", 0);
	cr_assert_eq(hb_disk_write(d, 0, a, 512, false), 0);
	cr_assert_eq(hb_disk_write(d, 512, a, 512, false), 0);
	cr_assert_eq(hb_disk_write(d, 1024, a, 512, false), HB_EIO);
	hb_disk_put(d);
	hb_disk_forget("t-after");

	d = open_disk("t-full", "enospc@8KiB", 0);
	cr_assert_eq(hb_disk_write(d, 0, a, 8192, false), 0);
	cr_assert_eq(hb_disk_write(d, 8192, a, 512, false), HB_ENOSPACE);
	cr_assert_eq(hb_disk_write(d, (1 << 20) - 512, a, 1024, false), HB_ENOSPACE,
		     "past the capacity");
	cr_assert_eq(hb_disk_write(d, 100, a, 512, false), HB_EINTERNAL, "unaligned");
	hb_disk_put(d);
	hb_disk_forget("t-full");
}

Test(simdisk, fault_specs)
{
	struct hb_fault_set s;

	cr_assert_eq(hb_fault_parse("powercut@40%+bitflip@rand+spike@5", &s), 0);
	cr_assert_eq(s.count, 3);
	cr_assert_eq(s.f[0].kind, HB_FAULT_POWERCUT);
	cr_assert_eq(hb_fault_offset(&s.f[0], 1000, 1, 0), 400);
	cr_assert_lt(hb_fault_offset(&s.f[1], 1000, 1, 1), 1000);
	cr_assert_eq(hb_fault_parse("powercut@1MiB", &s), 0);
	cr_assert_eq(hb_fault_offset(&s.f[0], 0, 0, 0), 1 << 20);
	cr_assert_eq(hb_fault_parse("powercut@", &s), HB_EUSAGE);
	cr_assert_eq(hb_fault_parse("eio-after@0", &s), HB_EUSAGE);
	cr_assert_eq(hb_fault_parse("bitflip@1%+", &s), HB_EUSAGE);
	cr_assert_eq(hb_fault_parse("none", &s), 0);
	cr_assert_eq(s.count, 0);
}

/* The engine on the disk: a power cut before the commit leaves no image,
 * a flipped bit is refused, and a named disk carries the image from the
 * suspend to the resume. */
Test(simdisk, engine_outcomes)
{
	static const char *const faults[] = { "powercut@20KiB", "powercut@flush2", "bitflip@6000",
					      "none" };
	static const int want[] = { HB_ENOIMAGE, HB_ENOIMAGE, HB_ECORRUPT, 0 };
	char target[200];
	struct hb_stats st;
	unsigned i;

	for (i = 0; i < 4; i++) {
		struct hb_suspend_args s = { .source = "sim:mixed,size=512KiB,seed=4",
					     .filters = "zero,lz4,crc32c", .target = target };
		struct hb_resume_args r = { .target = target, .verify = true };
		int err;

		snprintf(target, sizeof(target), "sim:instant,size=4MiB,fua=no,cache-mib=1,"
			 "name=t-engine-%u,fault=%s", i, faults[i]);
		err = hb_suspend(&s, &st);
		cr_assert_eq(err == 0, faults[i][0] != 'p', "%s: %s", faults[i], hb_detail(err));
		err = hb_resume(&r, &st);
		cr_assert_eq(err, want[i], "%s: %s", faults[i], hb_detail(err));
		err = hb_resume(&r, &st);
		cr_assert_eq(err, HB_ENOIMAGE, "never restored twice");
		snprintf(target, sizeof(target), "t-engine-%u", i);
		hb_disk_forget(target);
	}
}
