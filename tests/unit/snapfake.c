/* The fake kernel behind /dev/snapshot and the snapshot suites' fixture:
 * see snapfake.h. */
#include "snapfake.h"

#include "swaputil.h"
#include "testutil.h"

#include "backends/snapshot.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

const char *const call_names[] = {
	"none", "mlockall", "open", "close", "read", "write", "reboot", "FREEZE", "UNFREEZE",
	"CREATE_IMAGE", "GET_IMAGE_SIZE", "FREE", "ATOMIC_RESTORE", "PLATFORM_SUPPORT",
	"POWER_OFF", "PREF_IMAGE_SIZE", "SET_SWAP_AREA", "AVAIL_SWAP_SIZE", "ALLOC_SWAP_PAGE",
	"FREE_SWAP_PAGES",
};

struct snap_kernel kern;

atomic_uint k_reading, k_busy;

void page_content(uint64_t n, uint8_t *p)
{
	memset(p, (int)((n * 37 + 11) & 0xff), PS);
	memcpy(p, &n, sizeof(n));
}

static int hit(enum call c)
{
	unsigned n = kern.used[c]++;

	/* the log keeps one entry per run of the same call */
	if (kern.nlog == 0 || kern.log[kern.nlog - 1] != c)
		kern.log[kern.nlog++] = c;
	if (kern.fail == c && n == kern.fail_at) {
		errno = kern.fail_errno;
		return -1;
	}
	return 0;
}

static int f_open(const char *path, int flags)
{
	cr_assert_str_eq(path, "/dev/snapshot");
	kern.open_flags = flags;
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
	kern.reboot_how = how;
	return hit(C_REBOOT);
}

static ssize_t f_read(int fd, void *buf, size_t len)
{
	cr_assert_eq(fd, FD);
	cr_assert_eq(len, PS);
	ssize_t n = PS;

	atomic_fetch_add(&k_reading, 1);
	if (kern.read_delay_us)
		usleep(kern.read_delay_us);
	if (hit(C_READ))
		n = -1;
	else if (kern.next_read == kern.pages || (kern.short_at && kern.next_read == kern.short_at))
		n = 0;
	else
		page_content(kern.next_read++, (uint8_t *)buf);
	atomic_fetch_sub(&k_reading, 1);
	return n;
}

static ssize_t f_write(int fd, const void *buf, size_t len)
{
	cr_assert_eq(fd, FD);
	cr_assert_eq(len, PS);
	if (hit(C_WRITE))
		return -1;
	if (kern.written == kern.pages || (kern.write_stop && kern.written == kern.write_stop))
		return 0;
	memcpy(kern.sink + kern.written++ * PS, buf, PS);
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
		*(int *)arg = kern.in_suspend;
		return 0;
	case SNAPSHOT_GET_IMAGE_SIZE:
		if (hit(C_GETSIZE))
			return -1;
		*(__kernel_loff_t *)arg = (__kernel_loff_t)(kern.pages * PS);
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
		kern.pref_size = (uintptr_t)arg;
		return hit(C_PREF);
	case SNAPSHOT_SET_SWAP_AREA:
		memcpy(&kern.area, arg, sizeof(kern.area));
		return hit(C_SETSWAP);
	case SNAPSHOT_AVAIL_SWAP_SIZE:
		if (hit(C_AVAIL))
			return -1;
		*(__kernel_loff_t *)arg = (__kernel_loff_t)(kern.avail_pages * PS);
		return 0;
	case SNAPSHOT_ALLOC_SWAP_PAGE: {
		unsigned n = kern.used[C_ALLOC];
		if (hit(C_ALLOC))
			return -1;
		if (n >= kern.nslots) {
			errno = ENOSPC;
			return -1;
		}
		*(__kernel_loff_t *)arg = (__kernel_loff_t)(kern.slots[n] * PS);
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

int at(enum call c)
{
	unsigned i;

	for (i = 0; i < kern.nlog; i++) {
		if (kern.log[i] == c)
			return (int)i;
	}
	return -1;
}

const char *log_text(void)
{
	static char buf[2048];
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < kern.nlog && used < sizeof(buf) - 32; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s ",
					 call_names[kern.log[i]]);
	return buf;
}

void reset_kernel(uint64_t pages)
{
	free(kern.sink);
	memset(&kern, 0, sizeof(kern));
	atomic_store(&k_busy, 0);
	kern.in_suspend = 1;
	kern.pages = pages;
	kern.sink = calloc(pages ? pages : 1, PS);
	cr_assert_not_null(kern.sink);
}

/* ---- fixtures ------------------------------------------------------------------- */

char dir[256], img[512], target[600];

void snap_setup(void)
{
	hb_snapshot_set_sys(&fake);  /* first: these tests must never reach a real kernel */
	reset_kernel(300);
	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "image");
	snprintf(target, sizeof(target), "block:%s", img);
	su_fill_file(img, 4u << 20, 0);
}

void snap_teardown(void)
{
	hb_snapshot_set_sys(NULL);
	free(kern.sink);
	kern.sink = NULL;
	tu_rmdir(dir);
}

int suspend_to(const char *source, const char *filters, const char *to)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = to };
	struct hb_stats st;

	return hb_suspend(&a, &st);
}

int suspend_threads(const char *source, const char *filters, const char *to,
			   unsigned threads)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = to,
				     .threads = threads };
	struct hb_stats st;

	return hb_suspend(&a, &st);
}

int resume_from(const char *from, const char *sink)
{
	struct hb_resume_args a = { .target = from, .sink = sink };
	struct hb_stats st;

	return hb_resume(&a, &st);
}

void assert_pages_back(void)
{
	uint8_t want[PS];
	uint64_t i;

	cr_assert_eq(kern.written, kern.pages, "%llu of %llu pages written back",
		     (unsigned long long)kern.written, (unsigned long long)kern.pages);
	for (i = 0; i < kern.pages; i++) {
		page_content(i, want);
		cr_assert_eq(memcmp(kern.sink + i * PS, want, PS), 0, "page %llu differs",
			     (unsigned long long)i);
	}
}

void assert_thawed(bool kernel_held_image)
{
	cr_assert_geq(at(C_UNFREEZE), 0, "not thawed: %s", log_text());
	if (kernel_held_image)
		assert_before(C_FREE, C_UNFREEZE);
	cr_assert_geq(at(C_CLOSE), 0, "not closed: %s", log_text());
	cr_assert(kern.used[C_REBOOT] == 0 || kern.fail == C_REBOOT, "powered off without an image: %s",
		  log_text());
}

int image_state(void)
{
	struct hb_header h;
	int err = hb_inspect(target, &h);

	return err ? err : h.spent ? 1 : 0;
}

