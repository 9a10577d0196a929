/* The device session of the snapshot plugins (snapshot_session.h): the
 * system calls behind a table so the tests can inject every failure, the
 * message lines, and the suspend session with its ioctls.
 *
 * Suspend: mlockall; open O_RDONLY; FREEZE; CREATE_IMAGE.  The kernel
 * returns from CREATE_IMAGE twice: once with in_suspend = 1 (the image
 * exists: GET_IMAGE_SIZE, the engine reads it page by page, writes and
 * commits, and the core's call after the commit powers off), and once more,
 * much later, with in_suspend = 0 in the restored system, where this process
 * finds itself back inside open(): FREE, UNFREEZE, and report "resumed".
 * Any failure after FREEZE thaws the system (FREE first: UNFREEZE is a no-op
 * while the kernel holds an image), so it carries on as if nothing happened. */
#include "backends/snapshot_session.h"
#include "core/error.h"
#include "core/phase_time.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/suspend_ioctls.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ---- the system calls ----------------------------------------------------- */

static int sys_open(const char *path, int flags)
{
	return open(path, flags | O_CLOEXEC);
}

static int sys_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static int sys_reboot(int how)
{
	return reboot(how);
}

static const struct hb_snapshot_sys real_sys = {
	.open = sys_open,
	.ioctl = sys_ioctl,
	.read = read,
	.write = write,
	.close = close,
	.mlockall = mlockall,
	.reboot = sys_reboot,
};

static const struct hb_snapshot_sys *sys = &real_sys;

void hb_snapshot_set_sys(const struct hb_snapshot_sys *s)
{
	sys = s ? s : &real_sys;
}

const struct hb_snapshot_sys *hb_snap_sys(void)
{
	return sys;
}

int hb_snap_ioctl(int fd, unsigned long req, void *arg)
{
	return sys->ioctl(fd, req, arg) == 0 ? 0 : (errno ? errno : EIO);
}

/* ---- messages: the call, errno by name, why, and what happens next ---------- */

struct hint {
	const char *call;
	int err;
	const char *why;
};

static const struct hint hints[] = {
	{ "open /dev/snapshot", ENOENT, "this kernel has no /dev/snapshot "
					"(CONFIG_HIBERNATION_SNAPSHOT_DEV), or devtmpfs is not mounted" },
	{ "open /dev/snapshot", EPERM, "hibernation is not allowed here (not root, nohibernate, "
				       "or kernel lockdown)" },
	{ "open /dev/snapshot", EACCES, "hibernation needs root" },
	{ "open /dev/snapshot", EBUSY, "another hibernation or resume holds /dev/snapshot" },
	{ "open /dev/snapshot", ENOMEM, "not enough memory for the kernel's bitmaps" },
	{ "mlockall", ENOMEM, "the locked-memory limit is too low (ulimit -l)" },
	{ "mlockall", EPERM, "not allowed to lock memory (CAP_IPC_LOCK)" },
	{ "SNAPSHOT_FREEZE", EBUSY, "some tasks refused to freeze" },
	{ "SNAPSHOT_FREEZE", ENOMEM, "not enough memory for the kernel's bitmaps" },
	{ "SNAPSHOT_CREATE_IMAGE", ENOMEM, "not enough free memory for the image" },
	{ "SNAPSHOT_CREATE_IMAGE", ENOSPC, "not enough free memory for the image" },
	{ "SNAPSHOT_CREATE_IMAGE", EBUSY, "a device refused to suspend" },
	{ "SNAPSHOT_CREATE_IMAGE", EPERM, "the system is not frozen, or an image exists already" },
	{ "SNAPSHOT_GET_IMAGE_SIZE", ENODATA, "the kernel holds no image" },
	{ "read /dev/snapshot", ENODATA, "the kernel holds no image" },
	{ "SNAPSHOT_SET_SWAP_AREA", ENODEV, "that is not an active swap area (swapon it, or "
					    "check the resume offset)" },
	{ "SNAPSHOT_SET_SWAP_AREA", EINVAL, "no such device" },
	{ "SNAPSHOT_SET_SWAP_AREA", EPERM, "swap pages are already taken for an image" },
	{ "SNAPSHOT_ALLOC_SWAP_PAGE", ENODEV, "no swap area was set" },
	{ "SNAPSHOT_AVAIL_SWAP_SIZE", ENODEV, "no swap area was set" },
	{ "write /dev/snapshot", EINVAL, "the image does not fit this kernel or machine "
					 "(another kernel build, memory size or CPU count)" },
	{ "write /dev/snapshot", EPERM, "the image does not fit this kernel or machine "
					"(another kernel build, memory size or CPU count)" },
	{ "write /dev/snapshot", ENOMEM, "not enough free memory to load the image" },
	{ "write /dev/snapshot", ENOSPC, "not enough free memory to load the image" },
	{ "SNAPSHOT_ATOMIC_RESTORE", ENODATA, "the kernel did not receive the whole image" },
	/* kernels from 6.8 (zero pages left out of the image) until the fix in
	 * 6.12.80 count a whole image that ends with zero pages as incomplete:
	 * measured on Debian's 6.12.74 (docs/QEMU.md) */
	{ "SNAPSHOT_ATOMIC_RESTORE", EPERM, "the system is not frozen, or the kernel counts the "
					    "image incomplete (kernels from 6.8 until the 2026 fix "
					    "do so for an image that ends with zero pages)" },
	{ "SNAPSHOT_ATOMIC_RESTORE", EBUSY, "a device refused to suspend" },
	{ "SNAPSHOT_ATOMIC_RESTORE", ENOMEM, "not enough free memory to restore" },
	{ "reboot", EPERM, "not allowed to power off (CAP_SYS_BOOT)" },
};

static const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "errno";
}

/* "SNAPSHOT_CREATE_IMAGE: ENOMEM — not enough free memory for the image;
 * the system was thawed and carries on" */
int hb_snap_fail(int code, const char *call, int e, const char *next)
{
	const char *why = strerror(e);
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (hints[i].err == e && strcmp(hints[i].call, call) == 0)
			why = hints[i].why;
	}
	return hb_fail(code, "%s: %s — %s; %s", call, errno_name(e), why, next);
}

int hb_snap_code(int e)
{
	return e == ENOMEM ? HB_ENOMEM : e == ENOSPC ? HB_ENOSPACE : HB_EIO;
}


/* ---- the suspend session ---------------------------------------------------- */

/* The process's one /dev/snapshot session: a second is refused at open. */
static bool session_held;

/* The kernel holds system_transition_mutex through a read of /dev/snapshot
 * and only tries it for an ioctl, which fails with EBUSY while it is taken.
 * The swap writer asks for slots (SNAPSHOT_ALLOC_SWAP_PAGE) from another
 * thread than the one reading pages, so during a suspend every call into the
 * device takes this lock first. */
static pthread_mutex_t device_lock = PTHREAD_MUTEX_INITIALIZER;

static int xioctl(struct hb_snap_session *s, unsigned long req, void *arg)
{
	int e;

	pthread_mutex_lock(&device_lock);
	e = hb_snap_ioctl(s->fd, req, arg);
	pthread_mutex_unlock(&device_lock);
	return e;
}

static ssize_t locked_read(struct hb_snap_session *s, void *buf, size_t len)
{
	ssize_t n;
	int e;

	pthread_mutex_lock(&device_lock);
	n = sys->read(s->fd, buf, len);
	e = errno;
	pthread_mutex_unlock(&device_lock);
	errno = e;
	return n;
}

/* Back to a running system: FREE (while the kernel holds an image, UNFREEZE
 * does nothing), then UNFREEZE.  Best effort: closing the device thaws too. */
static void thaw(struct hb_snap_session *s)
{
	if (s->fd < 0)
		return;
	if (s->ready && xioctl(s, SNAPSHOT_FREE, NULL) == 0)
		s->ready = false;
	if (s->frozen && xioctl(s, SNAPSHOT_UNFREEZE, NULL) == 0)
		s->frozen = false;
}

int hb_snap_session_committed(struct hb_snap_session *s)
{
	int how = s->after == HB_SNAP_REBOOT ? RB_AUTOBOOT : RB_POWER_OFF;
	int e;

	s->committed = true;
	/* the platform's S4 where asked for; if that returns, a plain power-off */
	hb_phase_mark("poweroff");
	if (s->after == HB_SNAP_PLATFORM)
		xioctl(s, SNAPSHOT_POWER_OFF, NULL);
	if (sys->reboot(how) == 0)
		return 0;  /* only a test's reboot returns */
	e = errno;
	s->committed = false;
	return hb_snap_fail(HB_EIO, "reboot", e, "the image is dropped and " THAWED);
}

/* ---- the kernel's swap slots (struct hb_slot_ops) ------------------------------ */

static int set_swap_area(void *ctx, uint64_t dev64, uint64_t offset)
{
	struct hb_snap_session *s = (struct hb_snap_session *)ctx;
	dev_t dev = (dev_t)dev64;
	struct resume_swap_area area = {
		.offset = (__kernel_loff_t)offset,
		/* the kernel's new_encode_dev(): 12-bit major, 20-bit minor */
		.dev = (uint32_t)((minor(dev) & 0xffu) | (major(dev) << 8) |
				  ((minor(dev) & ~0xffu) << 12)),
	};
	int e = xioctl(s, SNAPSHOT_SET_SWAP_AREA, &area);

	if (e)
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_SET_SWAP_AREA", e, THAWED);
	s->swap_set = true;
	return 0;
}

static int alloc_swap_page(void *ctx, uint64_t *byte_off)
{
	__kernel_loff_t off = 0;
	int e = xioctl((struct hb_snap_session *)ctx, SNAPSHOT_ALLOC_SWAP_PAGE, &off);

	if (e == ENOSPC)
		return HB_ENOSPACE;  /* the writer says how much fit */
	if (e)
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_ALLOC_SWAP_PAGE", e, THAWED);
	*byte_off = (uint64_t)off;
	return 0;
}

static int avail_swap(void *ctx, uint64_t *bytes)
{
	__kernel_loff_t n = 0;
	int e = xioctl((struct hb_snap_session *)ctx, SNAPSHOT_AVAIL_SWAP_SIZE, &n);

	if (e)
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_AVAIL_SWAP_SIZE", e, THAWED);
	*bytes = n > 0 ? (uint64_t)n : 0;
	return 0;
}

static void free_swap_pages(void *ctx)
{
	struct hb_snap_session *s = (struct hb_snap_session *)ctx;

	if (s->swap_set)
		xioctl(s, SNAPSHOT_FREE_SWAP_PAGES, NULL);
}

const struct hb_slot_ops hb_snap_slot_ops = {
	.set_area = set_swap_area,
	.alloc_page = alloc_swap_page,
	.avail = avail_swap,
	.free_all = free_swap_pages,
};

/* ---- open, read, close ----------------------------------------------------------- */

int hb_snap_session_open(struct hb_snap_session *s, const char *device, unsigned after,
			 uint64_t image_size)
{
	long ps = sysconf(_SC_PAGESIZE);
	__kernel_loff_t size = 0;
	int in_suspend = 0, e;

	s->fd = -1;
	s->after = after;
	s->page_size = ps > 0 ? (uint32_t)ps : 4096;
	if (session_held)
		return hb_fail(HB_EUSAGE, "snapshot: /dev/snapshot is already open in this process");
	/* the image is taken while this process runs on: none of its pages may
	 * need I/O to come back */
	if (sys->mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		return hb_snap_fail(HB_EIO, "mlockall", errno, NOTHING_FROZEN);
	s->fd = sys->open(device, O_RDONLY);
	if (s->fd < 0)
		return hb_snap_fail(hb_snap_code(errno), "open /dev/snapshot", errno, NOTHING_FROZEN);
	session_held = s->claimed = true;
	if (after == HB_SNAP_PLATFORM &&
	    (e = xioctl(s, SNAPSHOT_PLATFORM_SUPPORT, (void *)(uintptr_t)1)) != 0)
		return hb_snap_fail(HB_EIO, "SNAPSHOT_PLATFORM_SUPPORT", e, NOTHING_FROZEN);
	if (image_size &&
	    (e = xioctl(s, SNAPSHOT_PREF_IMAGE_SIZE, (void *)(uintptr_t)image_size)) != 0)
		return hb_snap_fail(HB_EIO, "SNAPSHOT_PREF_IMAGE_SIZE", e, NOTHING_FROZEN);
	if ((e = xioctl(s, SNAPSHOT_FREEZE, NULL)) != 0)
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_FREEZE", e,
				    "the kernel thawed what it froze; the system carries on");
	s->frozen = true;
	if ((e = xioctl(s, SNAPSHOT_CREATE_IMAGE, &in_suspend)) != 0) {
		thaw(s);
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_CREATE_IMAGE", e, THAWED);
	}
	s->ready = true;
	if (!in_suspend) {
		/* this is the restored system, back from its image */
		thaw(s);
		return hb_fail(HB_ERESUMED, "snapshot: resumed: this system was restored from its "
					    "image");
	}
	if ((e = xioctl(s, SNAPSHOT_GET_IMAGE_SIZE, &size)) != 0) {
		thaw(s);
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_GET_IMAGE_SIZE", e, THAWED);
	}
	if (size <= 0 || (uint64_t)size % s->page_size) {
		thaw(s);
		return hb_fail(HB_EIO, "SNAPSHOT_GET_IMAGE_SIZE: %lld bytes is not a whole number of "
				       "%u-byte pages; %s", (long long)size, s->page_size, THAWED);
	}
	s->pages = (uint64_t)size / s->page_size;
	hb_phase_mark("write");  /* the image exists: writing it begins */
	return 0;
}

/* One whole page of the image. */
static int read_page(struct hb_snap_session *s, uint8_t *page)
{
	size_t got = 0;

	while (got < s->page_size) {
		ssize_t n = locked_read(s, page + got, s->page_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hb_snap_fail(hb_snap_code(errno), "read /dev/snapshot", errno, THAWED);
		if (n == 0)
			return hb_fail(HB_EIO, "/dev/snapshot read: the image ended after %llu of %llu "
					       "pages; %s", (unsigned long long)s->next,
				       (unsigned long long)s->pages, THAWED);
		got += (size_t)n;
	}
	return 0;
}

int hb_snap_session_read(struct hb_snap_session *s, uint8_t *buf, uint32_t count)
{
	uint32_t i;
	int err;

	for (i = 0; i < count; i++) {
		uint8_t *page = buf + (size_t)i * s->page_size;
		if (s->next >= s->pages) {  /* the engine's zero padding past the end */
			memset(page, 0, s->page_size);
			continue;
		}
		err = read_page(s, page);
		if (err)
			return err;
		s->next++;
	}
	return 0;
}

void hb_snap_session_close(struct hb_snap_session *s)
{
	/* not committed (or the power-off failed): the system carries on */
	if (!s->committed) {
		free_swap_pages(s);
		thaw(s);
	}
	if (s->fd >= 0)
		sys->close(s->fd);
	s->fd = -1;
	if (s->claimed)
		session_held = s->claimed = false;
}
