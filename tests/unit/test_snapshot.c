/* snapshot: the /dev/snapshot sequence against a fake kernel (struct
 * hb_snapshot_sys).  Every call fails in turn: the right line (call, errno
 * by name, why, what next), the system thawed (FREE before UNFREEZE where the
 * kernel holds an image), the device closed, no power-off without a
 * committed image, and on resume no atomic restore before the whole image
 * verified.  Also: swap slots taken from the kernel, never any other. */
#include "swaputil.h"
#include "testutil.h"

#include "backends/snapshot.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/suspend_ioctls.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PS 4096u
#define FD 77

/* ---- the fake kernel ------------------------------------------------------------ */

enum call {
	C_NONE, C_MLOCK, C_OPEN, C_CLOSE, C_READ, C_WRITE, C_REBOOT, C_FREEZE, C_UNFREEZE,
	C_CREATE, C_GETSIZE, C_FREE, C_RESTORE, C_PLATFORM, C_POWEROFF, C_PREF, C_SETSWAP,
	C_AVAIL, C_ALLOC, C_FREESWAP
};

static const char *const call_names[] = {
	"none", "mlockall", "open", "close", "read", "write", "reboot", "FREEZE", "UNFREEZE",
	"CREATE_IMAGE", "GET_IMAGE_SIZE", "FREE", "ATOMIC_RESTORE", "PLATFORM_SUPPORT",
	"POWER_OFF", "PREF_IMAGE_SIZE", "SET_SWAP_AREA", "AVAIL_SWAP_SIZE", "ALLOC_SWAP_PAGE",
	"FREE_SWAP_PAGES",
};

static struct {
	enum call fail;          /* this call fails ... */
	int fail_errno;          /* ... with this errno ... */
	unsigned fail_at;        /* ... on its fail_at-th use (0: the first) */
	unsigned used[32];
	int in_suspend;
	uint64_t pages;          /* the kernel's image */
	uint64_t short_at;       /* read returns 0 at this page (0: never) */
	uint64_t next_read;
	uint8_t *sink;           /* pages written back */
	uint64_t written;
	uint64_t write_stop;     /* write returns 0 at this page (0: never) */
	enum call log[4096];
	unsigned nlog;
	int open_flags, reboot_how;
	uintptr_t pref_size;
	struct resume_swap_area area;
	const uint64_t *slots;   /* ALLOC_SWAP_PAGE's answers, in pages */
	unsigned nslots;
	uint64_t avail_pages;
	unsigned read_delay_us;  /* each read takes this long: widens the window below */
} k;

/* The kernel's system_transition_mutex: a read of /dev/snapshot holds it, an
 * ioctl only tries it and fails with EBUSY when it is taken (user.c).  Reads
 * in flight, and the ioctls that came while one was. */
static atomic_uint k_reading, k_busy;

static void page_content(uint64_t n, uint8_t *p)
{
	memset(p, (int)((n * 37 + 11) & 0xff), PS);
	memcpy(p, &n, sizeof(n));
}

static int hit(enum call c)
{
	unsigned n = k.used[c]++;

	/* the log keeps one entry per run of the same call */
	if (k.nlog == 0 || k.log[k.nlog - 1] != c)
		k.log[k.nlog++] = c;
	if (k.fail == c && n == k.fail_at) {
		errno = k.fail_errno;
		return -1;
	}
	return 0;
}

static int f_open(const char *path, int flags)
{
	cr_assert_str_eq(path, "/dev/snapshot");
	k.open_flags = flags;
	return hit(C_OPEN) ? -1 : FD;
}

static int f_close(int fd)
{
	cr_assert_eq(fd, FD);
	return hit(C_CLOSE);
}

static int f_mlockall(int flags)
{
	cr_assert_eq(flags, MCL_CURRENT | MCL_FUTURE);
	return hit(C_MLOCK);
}

static int f_reboot(int how)
{
	k.reboot_how = how;
	return hit(C_REBOOT);
}

static ssize_t f_read(int fd, void *buf, size_t len)
{
	cr_assert_eq(fd, FD);
	cr_assert_eq(len, PS);
	ssize_t n = PS;

	atomic_fetch_add(&k_reading, 1);
	if (k.read_delay_us)
		usleep(k.read_delay_us);
	if (hit(C_READ))
		n = -1;
	else if (k.next_read == k.pages || (k.short_at && k.next_read == k.short_at))
		n = 0;
	else
		page_content(k.next_read++, (uint8_t *)buf);
	atomic_fetch_sub(&k_reading, 1);
	return n;
}

static ssize_t f_write(int fd, const void *buf, size_t len)
{
	cr_assert_eq(fd, FD);
	cr_assert_eq(len, PS);
	if (hit(C_WRITE))
		return -1;
	if (k.written == k.pages || (k.write_stop && k.written == k.write_stop))
		return 0;
	memcpy(k.sink + k.written++ * PS, buf, PS);
	return PS;
}

static int f_ioctl(int fd, unsigned long req, void *arg)
{
	cr_assert_eq(fd, FD);
	if (atomic_load(&k_reading)) {
		atomic_fetch_add(&k_busy, 1);
		errno = EBUSY;
		return -1;
	}
	switch (req) {
	case SNAPSHOT_FREEZE:
		return hit(C_FREEZE);
	case SNAPSHOT_UNFREEZE:
		return hit(C_UNFREEZE);
	case SNAPSHOT_CREATE_IMAGE:
		if (hit(C_CREATE))
			return -1;
		*(int *)arg = k.in_suspend;
		return 0;
	case SNAPSHOT_GET_IMAGE_SIZE:
		if (hit(C_GETSIZE))
			return -1;
		*(__kernel_loff_t *)arg = (__kernel_loff_t)(k.pages * PS);
		return 0;
	case SNAPSHOT_FREE:
		return hit(C_FREE);
	case SNAPSHOT_ATOMIC_RESTORE:
		return hit(C_RESTORE);
	case SNAPSHOT_PLATFORM_SUPPORT:
		cr_assert_eq((uintptr_t)arg, 1);
		return hit(C_PLATFORM);
	case SNAPSHOT_POWER_OFF:
		return hit(C_POWEROFF);
	case SNAPSHOT_PREF_IMAGE_SIZE:
		k.pref_size = (uintptr_t)arg;
		return hit(C_PREF);
	case SNAPSHOT_SET_SWAP_AREA:
		memcpy(&k.area, arg, sizeof(k.area));
		return hit(C_SETSWAP);
	case SNAPSHOT_AVAIL_SWAP_SIZE:
		if (hit(C_AVAIL))
			return -1;
		*(__kernel_loff_t *)arg = (__kernel_loff_t)(k.avail_pages * PS);
		return 0;
	case SNAPSHOT_ALLOC_SWAP_PAGE: {
		unsigned n = k.used[C_ALLOC];
		if (hit(C_ALLOC))
			return -1;
		if (n >= k.nslots) {
			errno = ENOSPC;
			return -1;
		}
		*(__kernel_loff_t *)arg = (__kernel_loff_t)(k.slots[n] * PS);
		return 0;
	}
	case SNAPSHOT_FREE_SWAP_PAGES:
		return hit(C_FREESWAP);
	default:
		cr_assert_fail("unexpected ioctl %#lx", req);
	}
	return -1;
}

static const struct hb_snapshot_sys fake = {
	.open = f_open,
	.ioctl = f_ioctl,
	.read = f_read,
	.write = f_write,
	.close = f_close,
	.mlockall = f_mlockall,
	.reboot = f_reboot,
};

/* Position of call c in the log (-1: never). */
static int at(enum call c)
{
	unsigned i;

	for (i = 0; i < k.nlog; i++) {
		if (k.log[i] == c)
			return (int)i;
	}
	return -1;
}

static const char *log_text(void)
{
	static char buf[2048];
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < k.nlog && used < sizeof(buf) - 32; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s ",
					 call_names[k.log[i]]);
	return buf;
}

#define assert_before(a, b)                                                              \
	cr_assert(at(a) >= 0 && at(b) > at(a), "%s must come before %s: %s", call_names[a], \
		  call_names[b], log_text())

static void reset_kernel(uint64_t pages)
{
	free(k.sink);
	memset(&k, 0, sizeof(k));
	atomic_store(&k_busy, 0);
	k.in_suspend = 1;
	k.pages = pages;
	k.sink = calloc(pages ? pages : 1, PS);
	cr_assert_not_null(k.sink);
}

/* ---- fixtures ------------------------------------------------------------------- */

static char dir[256], img[512], target[600];

static void setup(void)
{
	hb_snapshot_set_sys(&fake);  /* first: these tests must never reach a real kernel */
	reset_kernel(300);
	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "image");
	snprintf(target, sizeof(target), "block:%s", img);
	su_fill_file(img, 4u << 20, 0);
}

static void teardown(void)
{
	hb_snapshot_set_sys(NULL);
	free(k.sink);
	k.sink = NULL;
	tu_rmdir(dir);
}

TestSuite(snapshot, .init = setup, .fini = teardown);

static int suspend_to(const char *source, const char *filters, const char *to)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = to };
	struct hb_stats st;

	return hb_suspend(&a, &st);
}

/* The same with the pipeline's threads set: reading and writing run apart */
static int suspend_threads(const char *source, const char *filters, const char *to,
			   unsigned threads)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = to,
				     .threads = threads };
	struct hb_stats st;

	return hb_suspend(&a, &st);
}

static int resume_from(const char *from, const char *sink)
{
	struct hb_resume_args a = { .target = from, .sink = sink };
	struct hb_stats st;

	return hb_resume(&a, &st);
}

/* Every page the kernel gave came back, in order. */
static void assert_pages_back(void)
{
	uint8_t want[PS];
	uint64_t i;

	cr_assert_eq(k.written, k.pages, "%llu of %llu pages written back",
		     (unsigned long long)k.written, (unsigned long long)k.pages);
	for (i = 0; i < k.pages; i++) {
		page_content(i, want);
		cr_assert_eq(memcmp(k.sink + i * PS, want, PS), 0, "page %llu differs",
			     (unsigned long long)i);
	}
}

static void assert_thawed(bool kernel_held_image)
{
	cr_assert_geq(at(C_UNFREEZE), 0, "not thawed: %s", log_text());
	if (kernel_held_image)
		assert_before(C_FREE, C_UNFREEZE);
	cr_assert_geq(at(C_CLOSE), 0, "not closed: %s", log_text());
	cr_assert(k.used[C_REBOOT] == 0 || k.fail == C_REBOOT, "powered off without an image: %s",
		  log_text());
}

static int image_state(void)
{
	struct hb_header h;
	int err = hb_inspect(target, &h);

	return err ? err : h.spent ? 1 : 0;
}

/* ---- suspend ------------------------------------------------------------------- */

Test(snapshot, suspend_then_power_off)
{
	struct hb_header h;
	int err;

	err = suspend_to("snapshot", "zero,crc32c", target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(k.open_flags & O_ACCMODE, O_RDONLY);
	assert_before(C_MLOCK, C_OPEN);
	assert_before(C_OPEN, C_FREEZE);
	assert_before(C_FREEZE, C_CREATE);
	assert_before(C_CREATE, C_GETSIZE);
	assert_before(C_GETSIZE, C_READ);
	assert_before(C_READ, C_REBOOT);
	assert_before(C_REBOOT, C_CLOSE);
	cr_assert_eq(k.reboot_how, RB_POWER_OFF);
	cr_assert_eq(k.used[C_READ], 300);
	cr_assert_eq(k.used[C_UNFREEZE], 0, "%s", log_text());
	cr_assert_eq(k.used[C_PLATFORM] + k.used[C_PREF], 0);
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
		k.fail = c->call;
		k.fail_errno = c->err;
		k.fail_at = c->call == C_READ ? 57 : 0;
		err = suspend_to("snapshot", "zero", target);
		cr_assert_eq(err, c->code, "%s: %d %s", call_names[c->call], err, hb_detail(err));
		cr_assert_eq(hb_exit_code(err), 1);
		cr_assert(strstr(hb_detail(err), c->text), "%s:\n got  %s\n want %s",
			  call_names[c->call], hb_detail(err), c->text);
		if (c->frozen)
			assert_thawed(c->held);
		else
			cr_assert_eq(k.used[C_UNFREEZE] + k.used[C_FREE], 0, "%s", log_text());
		if (c->call != C_MLOCK && c->call != C_OPEN)
			cr_assert_eq(k.used[C_CLOSE], 1, "%s: %s", call_names[c->call], log_text());
		if (c->call == C_REBOOT)
			continue;
		cr_assert_eq(k.used[C_REBOOT], 0);
		/* no image where none was committed */
		cr_assert_eq(image_state(), HB_ENOIMAGE, "%s", call_names[c->call]);
	}
	/* the failed power-off took its image back */
	cr_assert_eq(image_state(), HB_ENOIMAGE);
}

Test(snapshot, image_shorter_than_announced)
{
	int err;

	k.short_at = 120;
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

	k.in_suspend = 0;
	err = suspend_to("snapshot", "zero", target);
	cr_assert_eq(err, HB_ERESUMED, "%d %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), HB_EXIT_OK, "a resume is what a suspend is for");
	cr_assert(strstr(hb_detail(err), "resumed"), "%s", hb_detail(err));
	assert_thawed(true);
	cr_assert_eq(k.used[C_READ] + k.used[C_GETSIZE], 0, "%s", log_text());
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
	cr_assert_eq(k.used[C_READ], 0);
	assert_thawed(true);
}

Test(snapshot, after_reboot_and_platform)
{
	int err;

	err = suspend_to("snapshot:after=reboot", NULL, target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(k.reboot_how, RB_AUTOBOOT);
	reset_kernel(40);
	err = suspend_to("snapshot:after=platform,image-size=64MiB", NULL, target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_before(C_PLATFORM, C_FREEZE);
	assert_before(C_PREF, C_FREEZE);
	cr_assert_eq(k.pref_size, 64u << 20);
	assert_before(C_POWEROFF, C_REBOOT);  /* S4 first; a plain power-off if it returns */
	cr_assert_eq(k.reboot_how, RB_POWER_OFF);
	reset_kernel(40);
	k.fail = C_PLATFORM;
	k.fail_errno = EINVAL;
	err = suspend_to("snapshot:after=platform", NULL, target);
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_PLATFORM_SUPPORT: EINVAL"), "%s",
		  hb_detail(err));
	cr_assert_eq(k.used[C_FREEZE], 0);
}

Test(snapshot, one_session_per_process)
{
	struct hb_snapshot *s = hb_snapshot_current();

	cr_assert_null(s);
	cr_assert_eq(suspend_to("snapshot", NULL, target), 0);
	cr_assert_null(hb_snapshot_current(), "the session outlived its source");
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
	cr_assert_eq(k.open_flags & O_ACCMODE, O_WRONLY);
	assert_pages_back();
	assert_before(C_OPEN, C_FREEZE);
	assert_before(C_FREEZE, C_WRITE);
	assert_before(C_WRITE, C_RESTORE);
	cr_assert_eq(k.used[C_RESTORE], 1);
	cr_assert_eq(k.log[at(C_RESTORE) - 1], C_WRITE, "restore right after the last page");
	cr_assert_eq(image_state(), 1, "one attempt: the image is spent");
}

Test(snapshot, corrupt_image_never_restored)
{
	int err;

	make_image("zero,crc32c");
	tu_flip(img, 4096 + 200000, 0x10);
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_eq(k.used[C_RESTORE], 0, "restored a refused image: %s", log_text());
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
		k.fail = c->call;
		k.fail_errno = c->err;
		k.fail_at = c->call == C_WRITE ? 100 : 0;
		err = resume_from(target, "snapshot");
		cr_assert_neq(err, 0, "%s", call_names[c->call]);
		cr_assert_eq(hb_exit_code(err), c->exit ? c->exit : 1, "%s: %d", call_names[c->call],
			     err);
		cr_assert(strstr(hb_detail(err), c->text), "%s:\n got  %s\n want %s",
			  call_names[c->call], hb_detail(err), c->text);
		cr_assert_eq(image_state(), c->spent ? 1 : 0, "%s", call_names[c->call]);
		if (c->call != C_RESTORE)
			cr_assert_eq(k.used[C_RESTORE], 0, "%s", log_text());
		if (c->call != C_OPEN && c->call != C_FREEZE) {
			assert_before(C_FREE, C_UNFREEZE);
			cr_assert_geq(at(C_CLOSE), 0);
		}
		if (c->call == C_FREEZE)
			cr_assert_eq(k.used[C_CLOSE], 1);
	}
}

Test(snapshot, kernel_takes_fewer_pages)
{
	int err;

	make_image(NULL);
	k.write_stop = 250;
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "the kernel took only 250 of 300 pages"), "%s",
		  hb_detail(err));
	cr_assert_eq(k.used[C_RESTORE], 0);
}

/* An image of a simulated machine is no kernel's memory. */
Test(snapshot, sink_refuses_other_sources)
{
	int err;

	cr_assert_eq(suspend_to("sim:mixed,size=256KiB", NULL, target), 0);
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "made from sim:"), "%s", hb_detail(err));
	cr_assert_eq(k.used[C_OPEN], 0);
	cr_assert_eq(image_state(), 0, "the image must be left as it was");
}

/* ---- swap slots from the kernel ------------------------------------------------ */

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
	k.slots = odd;
	k.nslots = 511;
	k.avail_pages = 511;
}

Test(snapshot, swap_slots_from_the_kernel)
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
	cr_assert_eq(k.area.offset, 0);
	cr_assert_eq(k.area.dev, (uint32_t)((minor(st.st_dev) & 0xff) | (major(st.st_dev) << 8) |
					    ((minor(st.st_dev) & ~0xffu) << 12)));
	assert_before(C_SETSWAP, C_ALLOC);
	assert_before(C_ALLOC, C_REBOOT);
	cr_assert_gt(k.used[C_ALLOC], 300);
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
Test(snapshot, slot_requests_never_overlap_reads)
{
	int err;

	active_area();
	k.read_delay_us = 50;
	err = suspend_threads("snapshot", "crc32c", swap_target, 4);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(atomic_load(&k_busy), 0, "%u ioctls came during a read",
		     atomic_load(&k_busy));
	cr_assert_gt(k.used[C_ALLOC], 0);
	reset_kernel(300);
	cr_assert_eq(resume_from(swap_target, "snapshot"), 0, "%s", hb_detail(HB_EIO));
	assert_pages_back();
}

Test(snapshot, swap_area_full)
{
	uint8_t *before;
	int err;

	active_area();
	before = su_page(area, 0, PS);
	k.nslots = 200;  /* the kernel runs out of slots halfway */
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

Test(snapshot, swap_too_small_up_front)
{
	int err;

	active_area();
	k.avail_pages = 100;
	err = suspend_to("snapshot", NULL, swap_target);
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "image needs 1.2 MiB"), "%s", hb_detail(err));
	cr_assert_eq(k.used[C_READ], 0);
	assert_thawed(true);
}

Test(snapshot, swap_area_not_active)
{
	int err;

	active_area();
	k.fail = C_SETSWAP;
	k.fail_errno = ENODEV;
	err = suspend_to("snapshot", NULL, swap_target);
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_SET_SWAP_AREA: ENODEV — that is not an active "
					 "swap area"), "%s", hb_detail(err));
	assert_thawed(true);
	cr_assert_eq(k.used[C_ALLOC], 0);
}

Test(snapshot, swap_alloc_error)
{
	int err;

	active_area();
	k.fail = C_ALLOC;
	k.fail_errno = ENODEV;
	k.fail_at = 10;
	err = suspend_to("snapshot", "zero", swap_target);
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_ALLOC_SWAP_PAGE: ENODEV — no swap area was set; "
					 "the system was thawed"), "%s", hb_detail(err));
	cr_assert_geq(at(C_FREESWAP), 0, "%s", log_text());
	assert_thawed(true);
}

Test(snapshot, swap_avail_error)
{
	int err;

	active_area();
	k.fail = C_AVAIL;
	k.fail_errno = ENODEV;
	err = suspend_to("snapshot", NULL, swap_target);  /* no filters: capacity is asked */
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_AVAIL_SWAP_SIZE: ENODEV"), "%s", hb_detail(err));
	assert_thawed(true);
}

Test(snapshot, pref_image_size_error)
{
	int err;

	k.fail = C_PREF;
	k.fail_errno = EINVAL;
	err = suspend_to("snapshot:image-size=1GiB", NULL, target);
	cr_assert_eq(err, HB_EIO, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "SNAPSHOT_PREF_IMAGE_SIZE: EINVAL — Invalid argument; "
					 "nothing was frozen"), "%s", hb_detail(err));
	cr_assert_eq(k.used[C_FREEZE], 0);
	cr_assert_eq(k.used[C_CLOSE], 1);
}

/* The platform's S4 not working is not an error: a plain power-off follows. */
Test(snapshot, platform_power_off_fails_over)
{
	int err;

	k.fail = C_POWEROFF;
	k.fail_errno = ENODEV;
	err = suspend_to("snapshot:after=platform", NULL, target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_before(C_POWEROFF, C_REBOOT);
	cr_assert_eq(k.reboot_how, RB_POWER_OFF);
}

/* Cleanup calls that fail are not fatal: the others still run, the device
 * is closed (which thaws too), nothing crashes. */
Test(snapshot, cleanup_failures)
{
	int err;

	k.fail = C_FREE;
	k.fail_errno = EIO;
	k.short_at = 10;
	err = suspend_to("snapshot", NULL, target);
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "ended after 10 of 300 pages"), "%s", hb_detail(err));
	assert_before(C_FREE, C_UNFREEZE);
	cr_assert_eq(k.used[C_CLOSE], 1);
	reset_kernel(300);
	k.fail = C_UNFREEZE;
	k.fail_errno = EIO;
	k.short_at = 10;
	err = suspend_to("snapshot", NULL, target);
	cr_assert_eq(err, HB_EIO, "%s", hb_detail(err));
	cr_assert_eq(k.used[C_CLOSE], 1);
	reset_kernel(300);
	make_image(NULL);
	k.fail = C_UNFREEZE;
	k.fail_errno = EIO;
	k.fail_at = 0;
	tu_flip(img, 4096 + 5000, 0x01);
	err = resume_from(target, "snapshot");
	cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
	cr_assert_eq(k.used[C_CLOSE], 1);
	cr_assert_eq(k.used[C_RESTORE], 0);
}
