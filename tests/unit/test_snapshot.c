/* snapshot: the /dev/snapshot sequence against a fake kernel (snapfake.h).
 * Every call fails in turn: the right line (call, errno by name, why, what
 * next), the system thawed (FREE before UNFREEZE where the kernel holds an
 * image), the device closed, no power-off without a committed image, and on
 * resume no atomic restore before the whole image verified.  Swap slots
 * taken from the kernel: test_snapshot_swap.c. */
#include "snapfake.h"
#include "swaputil.h"
#include "testutil.h"

#include "backends/snapshot.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>

TestSuite(snapshot, .init = snap_setup, .fini = snap_teardown);

/* ---- suspend ------------------------------------------------------------------- */

Test(snapshot, suspend_then_power_off)
{
	struct hb_header h;
	int err;

	err = suspend_to("snapshot", "zero,crc32c", target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(kern.open_flags & O_ACCMODE, O_RDONLY);
	assert_before(C_MLOCK, C_OPEN);
	assert_before(C_OPEN, C_FREEZE);
	assert_before(C_FREEZE, C_CREATE);
	assert_before(C_CREATE, C_GETSIZE);
	assert_before(C_GETSIZE, C_READ);
	assert_before(C_READ, C_REBOOT);
	assert_before(C_REBOOT, C_CLOSE);
	cr_assert_eq(kern.reboot_how, RB_POWER_OFF);
	cr_assert_eq(kern.used[C_READ], 300);
	cr_assert_eq(kern.used[C_UNFREEZE], 0, "%s", log_text());
	cr_assert_eq(kern.used[C_PLATFORM] + kern.used[C_PREF], 0);
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert_eq(h.page_count, 300);
	cr_assert_str_eq(h.source, "snapshot:device=/dev/snapshot,after=poweroff,image-size=0");
}

struct src_case {
	enum call call;
	int err;
	int code;
	const char *text;
	bool frozen;      /* the failure comes after a FREEZE that worked */
	bool held;        /* ... and after the kernel made its image */
};

static const struct src_case src_cases[] = {
	{ .call = C_MLOCK, .err = ENOMEM, .code = HB_EIO,
	  .text = "mlockall: ENOMEM — the locked-memory limit is too low (ulimit -l); nothing "
		  "was frozen; the system carries on" },
	{ .call = C_OPEN, .err = ENOENT, .code = HB_EIO,
	  .text = "open /dev/snapshot: ENOENT — this kernel has no /dev/snapshot "
		  "(CONFIG_HIBERNATION_SNAPSHOT_DEV)" },
	{ .call = C_OPEN, .err = EBUSY, .code = HB_EIO,
	  .text = "open /dev/snapshot: EBUSY — another hibernation or resume holds /dev/snapshot; "
		  "nothing was frozen" },
	{ .call = C_FREEZE, .err = EBUSY, .code = HB_EIO,
	  .text = "SNAPSHOT_FREEZE: EBUSY — some tasks refused to freeze; the kernel thawed what "
		  "it froze; the system carries on" },
	{ .call = C_CREATE, .err = ENOMEM, .code = HB_ENOMEM, .frozen = true,
	  .text = "SNAPSHOT_CREATE_IMAGE: ENOMEM — not enough free memory for the image; the "
		  "system was thawed and carries on" },
	{ .call = C_CREATE, .err = EBUSY, .code = HB_EIO, .frozen = true,
	  .text = "SNAPSHOT_CREATE_IMAGE: EBUSY — a device refused to suspend; the system was "
		  "thawed" },
	{ .call = C_GETSIZE, .err = ENODATA, .code = HB_EIO, .frozen = true, .held = true,
	  .text = "SNAPSHOT_GET_IMAGE_SIZE: ENODATA — the kernel holds no image; the system was "
		  "thawed" },
	{ .call = C_READ, .err = EIO, .code = HB_EIO, .frozen = true, .held = true,
	  .text = "read /dev/snapshot: EIO — Input/output error; the system was thawed" },
	{ .call = C_REBOOT, .err = EPERM, .code = HB_EIO, .frozen = true, .held = true,
	  .text = "reboot: EPERM — not allowed to power off (CAP_SYS_BOOT); the image is dropped "
		  "and the system was thawed" },
};

Test(snapshot, every_source_failure)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(src_cases) / sizeof(src_cases[0]); i++) {
		const struct src_case *c = &src_cases[i];
		reset_kernel(300);
		kern.fail = c->call;
		kern.fail_errno = c->err;
		kern.fail_at = c->call == C_READ ? 57 : 0;
		err = suspend_to("snapshot", "zero", target);
		cr_assert_eq(err, c->code, "%s: %d %s", call_names[c->call], err, hb_detail(err));
		cr_assert_eq(hb_exit_code(err), 1);
		cr_assert(strstr(hb_detail(err), c->text), "%s:\n got  %s\n want %s",
			  call_names[c->call], hb_detail(err), c->text);
		if (c->frozen)
			assert_thawed(c->held);
		else
			cr_assert_eq(kern.used[C_UNFREEZE] + kern.used[C_FREE], 0, "%s", log_text());
		if (c->call != C_MLOCK && c->call != C_OPEN)
			cr_assert_eq(kern.used[C_CLOSE], 1, "%s: %s", call_names[c->call], log_text());
		if (c->call == C_REBOOT)
			continue;
		cr_assert_eq(kern.used[C_REBOOT], 0);
		/* no image where none was committed */
		cr_assert_eq(image_state(), HB_ENOIMAGE, "%s", call_names[c->call]);
	}
	/* the failed power-off took its image back */
	cr_assert_eq(image_state(), HB_ENOIMAGE);
}

Test(snapshot, image_shorter_than_announced)
{
	int err;

	kern.short_at = 120;
	err = suspend_to("snapshot", NULL, target);
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "the image ended after 120 of 300 pages; the system "
					 "was thawed"), "%s", hb_detail(err));
	assert_thawed(true);
}

/* The same process, much later, in the restored system: not an image to
 * write, a resume to report. */
Test(snapshot, restored_system)
{
	int err;

	kern.in_suspend = 0;
	err = suspend_to("snapshot", "zero", target);
	cr_assert_eq(err, HB_ERESUMED, "%d %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), HB_EXIT_OK, "a resume is what a suspend is for");
	cr_assert(strstr(hb_detail(err), "resumed"), "%s", hb_detail(err));
	assert_thawed(true);
	cr_assert_eq(kern.used[C_READ] + kern.used[C_GETSIZE], 0, "%s", log_text());
	cr_assert(su_page_is(img, 0, PS, 0), "the target was touched");
}

/* Only block: and swap: report their commit (and write without a mounted
 * file system): any other target is refused before a page is read. */
Test(snapshot, file_target_refused)
{
	char to[600];
	int err;

	snprintf(to, sizeof(to), "file:%s.img", img);
	err = suspend_to("snapshot", "zero", to);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "must be block: or swap:"), "%s", hb_detail(err));
	cr_assert_eq(kern.used[C_READ], 0);
	assert_thawed(true);
}

Test(snapshot, after_reboot_and_platform)
{
	int err;

	err = suspend_to("snapshot:after=reboot", NULL, target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(kern.reboot_how, RB_AUTOBOOT);
	reset_kernel(40);
	err = suspend_to("snapshot:after=platform,image-size=64MiB", NULL, target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_before(C_PLATFORM, C_FREEZE);
	assert_before(C_PREF, C_FREEZE);
	cr_assert_eq(kern.pref_size, 64u << 20);
	assert_before(C_POWEROFF, C_REBOOT);  /* S4 first; a plain power-off if it returns */
	cr_assert_eq(kern.reboot_how, RB_POWER_OFF);
	reset_kernel(40);
	kern.fail = C_PLATFORM;
	kern.fail_errno = EINVAL;
	err = suspend_to("snapshot:after=platform", NULL, target);
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_PLATFORM_SUPPORT: EINVAL"), "%s",
		  hb_detail(err));
	cr_assert_eq(kern.used[C_FREEZE], 0);
}

/* The device admits one opener: a second session in the process is refused
 * before it touches the device, and the first one's close frees the slot. */
static int open_source(struct hb_instance *in)
{
	struct hb_source_info info;
	int err = hb_instance_from_text(in, HB_KIND_SOURCE, "snapshot", "--source");

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	return ((const struct hb_source *)in->ops)->open(in->priv, in->conf, &info);
}

static void close_source(struct hb_instance *in)
{
	((const struct hb_source *)in->ops)->close(in->priv);
	hb_instance_free(in);
}

Test(snapshot, one_session_per_process)
{
	struct hb_instance first, second;
	int err;

	cr_assert_eq(open_source(&first), 0, "%s", hb_detail(-1));
	err = open_source(&second);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "already open in this process"), "%s", hb_detail(err));
	cr_assert_eq(kern.used[C_OPEN], 1, "the second session reached the device: %s",
		     log_text());
	close_source(&second);
	close_source(&first);
	cr_assert_eq(suspend_to("snapshot", NULL, target), 0, "the session outlived its source");
}

/* The source reaches a writer only through the core: without a raw target
 * paired by the core, no page leaves it. */
Test(snapshot, pages_only_to_a_paired_target)
{
	struct hb_instance in;
	uint8_t page[PS];
	int err;

	cr_assert_eq(open_source(&in), 0, "%s", hb_detail(-1));
	err = ((const struct hb_source *)in.ops)->read(in.priv, 0, 1, page);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert_eq(kern.used[C_READ], 0);
	close_source(&in);
	assert_thawed(true);
}

/* ---- resume ------------------------------------------------------------------- */

static void make_image(const char *filters)
{
	int err = suspend_to("snapshot", filters, target);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	reset_kernel(300);
}

Test(snapshot, resume_restores_after_verification)
{
	int err;

	make_image("zero,crc32c");
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(kern.open_flags & O_ACCMODE, O_WRONLY);
	assert_pages_back();
	assert_before(C_OPEN, C_FREEZE);
	assert_before(C_FREEZE, C_WRITE);
	assert_before(C_WRITE, C_RESTORE);
	cr_assert_eq(kern.used[C_RESTORE], 1);
	cr_assert_eq(kern.log[at(C_RESTORE) - 1], C_WRITE, "restore right after the last page");
	cr_assert_eq(image_state(), 1, "one attempt: the image is spent");
}

/* --verify opens the source an image header names: never /dev/snapshot,
 * which would freeze the system doing the verifying.  Refused before the
 * device is touched, and the image is left as it was. */
Test(snapshot, verify_never_opens_the_snapshot_device)
{
	int err;

	make_image("zero,crc32c");
	err = resume_from(target, "verify");
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "made from snapshot, which cannot be read again"), "%s",
		  hb_detail(err));
	cr_assert_eq(kern.used[C_OPEN], 0, "the device was opened: %s", log_text());
	cr_assert_eq(image_state(), 0, "the image is still committed");
}

Test(snapshot, corrupt_image_never_restored)
{
	int err;

	make_image("zero,crc32c");
	tu_flip(img, 4096 + 200000, 0x10);
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_eq(kern.used[C_RESTORE], 0, "restored a refused image: %s", log_text());
	assert_thawed(false);
	cr_assert_eq(image_state(), 1);
}

struct sink_case {
	enum call call;
	int err;
	const char *text;
	bool spent;       /* the failure comes after the image was spent */
	int exit;         /* 0: 1 */
};

static const struct sink_case sink_cases[] = {
	{ .call = C_OPEN, .err = EBUSY,
	  .text = "open /dev/snapshot: EBUSY — another hibernation or resume holds /dev/snapshot; "
		  "nothing was restored and the image is left as it was" },
	{ .call = C_FREEZE, .err = EBUSY,
	  .text = "SNAPSHOT_FREEZE: EBUSY — some tasks refused to freeze; nothing was restored "
		  "and the image is left as it was" },
	{ .call = C_WRITE, .err = EINVAL, .spent = true, .exit = 4,
	  .text = "write /dev/snapshot: EINVAL — the image does not fit this kernel or machine "
		  "(another kernel build, memory size or CPU count); nothing was restored; the "
		  "image is spent" },
	{ .call = C_WRITE, .err = ENOMEM, .spent = true,
	  .text = "write /dev/snapshot: ENOMEM — not enough free memory to load the image" },
	{ .call = C_RESTORE, .err = ENODATA, .spent = true,
	  .text = "SNAPSHOT_ATOMIC_RESTORE: ENODATA — the kernel did not receive the whole image; "
		  "nothing was restored; the image is spent" },
	/* what kernels 6.8 to 6.12.79 say for an image ending in zero pages */
	{ .call = C_RESTORE, .err = EPERM, .spent = true,
	  .text = "SNAPSHOT_ATOMIC_RESTORE: EPERM — the system is not frozen, or the kernel counts the "
		  "image incomplete (kernels from 6.8 until the 2026 fix do so for an image that ends "
		  "with zero pages); nothing was restored; the image is spent" },
	{ .call = C_RESTORE, .err = EBUSY, .spent = true,
	  .text = "SNAPSHOT_ATOMIC_RESTORE: EBUSY — a device refused to suspend" },
};

Test(snapshot, every_sink_failure)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(sink_cases) / sizeof(sink_cases[0]); i++) {
		const struct sink_case *c = &sink_cases[i];
		make_image("zero");
		kern.fail = c->call;
		kern.fail_errno = c->err;
		kern.fail_at = c->call == C_WRITE ? 100 : 0;
		err = resume_from(target, "snapshot");
		cr_assert_neq(err, 0, "%s", call_names[c->call]);
		cr_assert_eq(hb_exit_code(err), c->exit ? c->exit : 1, "%s: %d", call_names[c->call],
			     err);
		cr_assert(strstr(hb_detail(err), c->text), "%s:\n got  %s\n want %s",
			  call_names[c->call], hb_detail(err), c->text);
		cr_assert_eq(image_state(), c->spent ? 1 : 0, "%s", call_names[c->call]);
		if (c->call != C_RESTORE)
			cr_assert_eq(kern.used[C_RESTORE], 0, "%s", log_text());
		if (c->call != C_OPEN && c->call != C_FREEZE) {
			assert_before(C_FREE, C_UNFREEZE);
			cr_assert_geq(at(C_CLOSE), 0);
		}
		if (c->call == C_FREEZE)
			cr_assert_eq(kern.used[C_CLOSE], 1);
	}
}

Test(snapshot, kernel_takes_fewer_pages)
{
	int err;

	make_image(NULL);
	kern.write_stop = 250;
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "the kernel took only 250 of 300 pages"), "%s",
		  hb_detail(err));
	cr_assert_eq(kern.used[C_RESTORE], 0);
}

/* An image of a simulated machine is no kernel's memory. */
Test(snapshot, sink_refuses_other_sources)
{
	int err;

	cr_assert_eq(suspend_to("sim:mixed,size=256KiB", NULL, target), 0);
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "made from sim:"), "%s", hb_detail(err));
	cr_assert_eq(kern.used[C_OPEN], 0);
	cr_assert_eq(image_state(), 0, "the image must be left as it was");
}

Test(snapshot, pref_image_size_error)
{
	int err;

	kern.fail = C_PREF;
	kern.fail_errno = EINVAL;
	err = suspend_to("snapshot:image-size=1GiB", NULL, target);
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_PREF_IMAGE_SIZE: EINVAL — Invalid argument; "
					 "nothing was frozen"), "%s", hb_detail(err));
	cr_assert_eq(kern.used[C_FREEZE], 0);
	cr_assert_eq(kern.used[C_CLOSE], 1);
}

/* The platform's S4 not working is not an error: a plain power-off follows. */
Test(snapshot, platform_power_off_fails_over)
{
	int err;

	kern.fail = C_POWEROFF;
	kern.fail_errno = ENODEV;
	err = suspend_to("snapshot:after=platform", NULL, target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_before(C_POWEROFF, C_REBOOT);
	cr_assert_eq(kern.reboot_how, RB_POWER_OFF);
}

/* Cleanup calls that fail are not fatal: the others still run, the device
 * is closed (which thaws too), nothing crashes. */
Test(snapshot, cleanup_failures)
{
	int err;

	kern.fail = C_FREE;
	kern.fail_errno = EIO;
	kern.short_at = 10;
	err = suspend_to("snapshot", NULL, target);
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "ended after 10 of 300 pages"), "%s", hb_detail(err));
	assert_before(C_FREE, C_UNFREEZE);
	cr_assert_eq(kern.used[C_CLOSE], 1);
	reset_kernel(300);
	kern.fail = C_UNFREEZE;
	kern.fail_errno = EIO;
	kern.short_at = 10;
	err = suspend_to("snapshot", NULL, target);
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert_eq(kern.used[C_CLOSE], 1);
	reset_kernel(300);
	make_image(NULL);
	kern.fail = C_UNFREEZE;
	kern.fail_errno = EIO;
	kern.fail_at = 0;
	tu_flip(img, 4096 + 5000, 0x01);
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
	cr_assert_eq(kern.used[C_CLOSE], 1);
	cr_assert_eq(kern.used[C_RESTORE], 0);
}
