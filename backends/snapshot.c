/* snapshot: the kernel's own memory image through /dev/snapshot
 * (kernel/power/user.c), as a source on suspend and a sink on resume.
 *
 * Suspend (source open): mlockall; open O_RDONLY; FREEZE; CREATE_IMAGE.
 * The kernel returns from CREATE_IMAGE twice: once with in_suspend = 1 (the
 * image exists: GET_IMAGE_SIZE, the engine reads it page by page, writes
 * and commits, and the writer's commit powers off), and once more, much
 * later, with in_suspend = 0 in the restored system, where this process
 * finds itself back inside open(): FREE, UNFREEZE, and report "resumed".
 * Any failure after FREEZE thaws the system (FREE first: UNFREEZE is a no-op
 * while the kernel holds an image), so it carries on as if nothing happened.
 *
 * Resume (sink): open O_WRONLY; FREEZE; write every page in order; only
 * after the engine verified every record and the digest, commit() calls
 * ATOMIC_RESTORE, which does not return when it works.
 *
 * Every call goes through struct hb_snapshot_sys so that the tests can fail
 * each one in turn. */
#include "backends/snapshot.h"
#include "core/error.h"
#include "core/plugin.h"

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
	{ "SNAPSHOT_ATOMIC_RESTORE", EPERM, "the system is not frozen, or the image is "
					    "incomplete" },
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
static int snap_fail(int code, const char *call, int e, const char *next)
{
	const char *why = strerror(e);
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (hints[i].err == e && strcmp(hints[i].call, call) == 0)
			why = hints[i].why;
	}
	return hb_fail(code, "%s: %s — %s; %s", call, errno_name(e), why, next);
}

static int code_of(int e)
{
	return e == ENOMEM ? HB_ENOMEM : e == ENOSPC ? HB_ENOSPACE : HB_EIO;
}

#define NOTHING_FROZEN "nothing was frozen; the system carries on"
#define THAWED "the system was thawed and carries on"
#define LEFT_ALONE "nothing was restored and the image is left as it was"
#define SPENT "nothing was restored; the image is spent and the system carries on booting"

/* ---- the suspend session ---------------------------------------------------- */

enum after { AFTER_POWEROFF, AFTER_REBOOT, AFTER_PLATFORM };

struct snap_src_conf {
	char device[HB_STR_MAX];
	unsigned after;      /* enum after */
	uint64_t image_size;
};

struct hb_snapshot {
	const struct snap_src_conf *conf;
	int fd;
	uint32_t page_size;
	uint64_t pages, next;
	bool frozen;         /* FREEZE done, not yet UNFREEZE */
	bool ready;          /* the kernel holds an image (FREE before UNFREEZE) */
	bool writer;         /* a writer will report its commit */
	bool committed;
	bool swap_set;
};

static struct hb_snapshot *current;

struct hb_snapshot *hb_snapshot_current(void)
{
	return current;
}

void hb_snapshot_attach_writer(struct hb_snapshot *s)
{
	s->writer = true;
}

/* The kernel holds system_transition_mutex through a read of /dev/snapshot
 * and only tries it for an ioctl, which fails with EBUSY while it is taken.
 * The swap writer asks for slots (SNAPSHOT_ALLOC_SWAP_PAGE) from another
 * thread than the one reading pages, so during a suspend every call into the
 * device takes this lock first. */
static pthread_mutex_t device_lock = PTHREAD_MUTEX_INITIALIZER;

static int xioctl(struct hb_snapshot *s, unsigned long req, void *arg)
{
	int e;

	pthread_mutex_lock(&device_lock);
	e = sys->ioctl(s->fd, req, arg) == 0 ? 0 : (errno ? errno : EIO);
	pthread_mutex_unlock(&device_lock);
	return e;
}

static ssize_t locked_read(struct hb_snapshot *s, void *buf, size_t len)
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
static void thaw(struct hb_snapshot *s)
{
	if (s->fd < 0)
		return;
	if (s->ready && xioctl(s, SNAPSHOT_FREE, NULL) == 0)
		s->ready = false;
	if (s->frozen && xioctl(s, SNAPSHOT_UNFREEZE, NULL) == 0)
		s->frozen = false;
}

int hb_snapshot_committed(struct hb_snapshot *s)
{
	int how = s->conf->after == AFTER_REBOOT ? RB_AUTOBOOT : RB_POWER_OFF;
	int e;

	s->committed = true;
	/* the platform's S4 where asked for; if that returns, a plain power-off */
	if (s->conf->after == AFTER_PLATFORM)
		xioctl(s, SNAPSHOT_POWER_OFF, NULL);
	if (sys->reboot(how) == 0)
		return 0;  /* only a test's reboot returns */
	e = errno;
	s->committed = false;
	return snap_fail(HB_EIO, "reboot", e, "the image is dropped and " THAWED);
}

int hb_snapshot_set_swap_area(struct hb_snapshot *s, dev_t dev, uint64_t offset)
{
	struct resume_swap_area area = {
		.offset = (__kernel_loff_t)offset,
		/* the kernel's new_encode_dev(): 12-bit major, 20-bit minor */
		.dev = (uint32_t)((minor(dev) & 0xffu) | (major(dev) << 8) |
				  ((minor(dev) & ~0xffu) << 12)),
	};
	int e = xioctl(s, SNAPSHOT_SET_SWAP_AREA, &area);

	if (e)
		return snap_fail(code_of(e), "SNAPSHOT_SET_SWAP_AREA", e, THAWED);
	s->swap_set = true;
	return 0;
}

int hb_snapshot_alloc_swap_page(struct hb_snapshot *s, uint64_t *byte_off)
{
	__kernel_loff_t off = 0;
	int e = xioctl(s, SNAPSHOT_ALLOC_SWAP_PAGE, &off);

	if (e == ENOSPC)
		return HB_ENOSPACE;  /* the writer says how much fit */
	if (e)
		return snap_fail(code_of(e), "SNAPSHOT_ALLOC_SWAP_PAGE", e, THAWED);
	*byte_off = (uint64_t)off;
	return 0;
}

int hb_snapshot_avail_swap(struct hb_snapshot *s, uint64_t *bytes)
{
	__kernel_loff_t n = 0;
	int e = xioctl(s, SNAPSHOT_AVAIL_SWAP_SIZE, &n);

	if (e)
		return snap_fail(code_of(e), "SNAPSHOT_AVAIL_SWAP_SIZE", e, THAWED);
	*bytes = n > 0 ? (uint64_t)n : 0;
	return 0;
}

void hb_snapshot_free_swap_pages(struct hb_snapshot *s)
{
	if (s->swap_set)
		xioctl(s, SNAPSHOT_FREE_SWAP_PAGES, NULL);
}

/* ---- source ------------------------------------------------------------------- */

static int src_open(void *priv, const void *conf, struct hb_source_info *info)
{
	struct hb_snapshot *s = (struct hb_snapshot *)priv;
	long ps = sysconf(_SC_PAGESIZE);
	__kernel_loff_t size = 0;
	int in_suspend = 0, e;

	s->conf = (const struct snap_src_conf *)conf;
	s->fd = -1;
	s->page_size = ps > 0 ? (uint32_t)ps : 4096;
	if (current)
		return hb_fail(HB_EUSAGE, "snapshot: /dev/snapshot is already open in this process");
	/* the image is taken while this process runs on: none of its pages may
	 * need I/O to come back */
	if (sys->mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		return snap_fail(HB_EIO, "mlockall", errno, NOTHING_FROZEN);
	s->fd = sys->open(s->conf->device, O_RDONLY);
	if (s->fd < 0)
		return snap_fail(code_of(errno), "open /dev/snapshot", errno, NOTHING_FROZEN);
	current = s;
	if (s->conf->after == AFTER_PLATFORM &&
	    (e = xioctl(s, SNAPSHOT_PLATFORM_SUPPORT, (void *)(uintptr_t)1)) != 0)
		return snap_fail(HB_EIO, "SNAPSHOT_PLATFORM_SUPPORT", e, NOTHING_FROZEN);
	if (s->conf->image_size &&
	    (e = xioctl(s, SNAPSHOT_PREF_IMAGE_SIZE, (void *)(uintptr_t)s->conf->image_size)) != 0)
		return snap_fail(HB_EIO, "SNAPSHOT_PREF_IMAGE_SIZE", e, NOTHING_FROZEN);
	if ((e = xioctl(s, SNAPSHOT_FREEZE, NULL)) != 0)
		return snap_fail(code_of(e), "SNAPSHOT_FREEZE", e,
				 "the kernel thawed what it froze; the system carries on");
	s->frozen = true;
	if ((e = xioctl(s, SNAPSHOT_CREATE_IMAGE, &in_suspend)) != 0) {
		thaw(s);
		return snap_fail(code_of(e), "SNAPSHOT_CREATE_IMAGE", e, THAWED);
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
		return snap_fail(code_of(e), "SNAPSHOT_GET_IMAGE_SIZE", e, THAWED);
	}
	if (size <= 0 || (uint64_t)size % s->page_size) {
		thaw(s);
		return hb_fail(HB_EIO, "SNAPSHOT_GET_IMAGE_SIZE: %lld bytes is not a whole number of "
				       "%u-byte pages; %s", (long long)size, s->page_size, THAWED);
	}
	s->pages = (uint64_t)size / s->page_size;
	info->page_size = s->page_size;
	info->bytes = (uint64_t)size;
	return 0;
}

static int src_read(void *priv, uint64_t first, uint32_t count, uint8_t *buf)
{
	struct hb_snapshot *s = (struct hb_snapshot *)priv;
	uint32_t i;

	if (!s->writer)
		return hb_fail(HB_EUSAGE, "snapshot: the target must be block: or swap: (a frozen "
					  "system can write only to a raw device, and only they power "
					  "off after the commit); %s", THAWED);
	if (first != s->next)
		return hb_fail(HB_EINTERNAL, "snapshot: page %llu asked for, %llu is next (pages "
					     "come in order)", (unsigned long long)first,
			       (unsigned long long)s->next);
	for (i = 0; i < count; i++) {
		uint8_t *page = buf + (size_t)i * s->page_size;
		size_t got = 0;
		if (s->next >= s->pages) {  /* the engine's zero padding past the end */
			memset(page, 0, s->page_size);
			continue;
		}
		while (got < s->page_size) {
			ssize_t n = locked_read(s, page + got, s->page_size - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return snap_fail(code_of(errno), "read /dev/snapshot", errno, THAWED);
			if (n == 0)
				return hb_fail(HB_EIO, "/dev/snapshot read: the image ended after %llu "
						       "of %llu pages; %s",
					       (unsigned long long)s->next,
					       (unsigned long long)s->pages, THAWED);
			got += (size_t)n;
		}
		s->next++;
	}
	return 0;
}

static void src_close(void *priv)
{
	struct hb_snapshot *s = (struct hb_snapshot *)priv;

	/* not committed (or the power-off failed): the system carries on */
	if (!s->committed) {
		hb_snapshot_free_swap_pages(s);
		thaw(s);
	}
	if (s->fd >= 0)
		sys->close(s->fd);
	s->fd = -1;
	if (current == s)
		current = NULL;
}

static const struct hb_option src_options[] = {
	{ .name = "device", .type = HB_OPT_STRING, .def = "/dev/snapshot",
	  .help = "the kernel's snapshot device", .flags = HB_OPT_POSITIONAL,
	  .offset = offsetof(struct snap_src_conf, device) },
	{ .name = "after", .type = HB_OPT_CHOICE, .def = "poweroff",
	  .choices = "poweroff|reboot|platform",
	  .help = "once the image is committed: power off, reboot, or the platform's S4",
	  .offset = offsetof(struct snap_src_conf, after) },
	{ .name = "image-size", .type = HB_OPT_SIZE, .def = "0",
	  .help = "preferred image size for the kernel (SNAPSHOT_PREF_IMAGE_SIZE); 0: its own",
	  .offset = offsetof(struct snap_src_conf, image_size) },
	{ .name = NULL },
};

const struct hb_source hb_source_snapshot = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "snapshot",
		.help = "this machine's memory, frozen, from the kernel's /dev/snapshot",
		.options = src_options,
		.conf_size = sizeof(struct snap_src_conf),
		.priv_size = sizeof(struct hb_snapshot),
	},
	.open = src_open,
	.read = src_read,
	.close = src_close,
};

/* ---- sink --------------------------------------------------------------------- */

struct snap_sink_conf {
	char device[HB_STR_MAX];
	bool platform;
};

struct snap_sink {
	const struct snap_sink_conf *conf;
	int fd;
	uint32_t page_size;
	uint64_t pages, written;
	bool frozen;
};

static int sink_ioctl(struct snap_sink *k, unsigned long req, void *arg)
{
	return sys->ioctl(k->fd, req, arg) == 0 ? 0 : (errno ? errno : EIO);
}

static int sink_open(void *priv, const void *conf, const struct hb_sink_info *info)
{
	struct snap_sink *k = (struct snap_sink *)priv;
	long ps = sysconf(_SC_PAGESIZE);
	int e;

	k->conf = (const struct snap_sink_conf *)conf;
	k->fd = -1;
	k->page_size = ps > 0 ? (uint32_t)ps : 4096;
	if (strncmp(info->source, "snapshot", 8) != 0 ||
	    (info->source[8] != '\0' && info->source[8] != ':'))
		return hb_fail(HB_EUSAGE, "snapshot: the image was made from %s, not from "
					  "/dev/snapshot: it cannot be restored into the kernel",
			       info->source);
	if (info->page_size != k->page_size || info->bytes % k->page_size)
		return hb_fail(HB_EUSAGE, "snapshot: the image has %u-byte pages; this kernel "
					  "uses %u", info->page_size, k->page_size);
	k->pages = info->bytes / k->page_size;
	k->fd = sys->open(k->conf->device, O_WRONLY);
	if (k->fd < 0)
		return snap_fail(code_of(errno), "open /dev/snapshot", errno, LEFT_ALONE);
	if (k->conf->platform &&
	    (e = sink_ioctl(k, SNAPSHOT_PLATFORM_SUPPORT, (void *)(uintptr_t)1)) != 0)
		return snap_fail(HB_EIO, "SNAPSHOT_PLATFORM_SUPPORT", e, LEFT_ALONE);
	if ((e = sink_ioctl(k, SNAPSHOT_FREEZE, NULL)) != 0)
		return snap_fail(code_of(e), "SNAPSHOT_FREEZE", e, LEFT_ALONE);
	k->frozen = true;
	return 0;
}

static int sink_write(void *priv, uint64_t first, uint32_t count, const uint8_t *buf)
{
	struct snap_sink *k = (struct snap_sink *)priv;
	uint32_t i;

	if (first != k->written)
		return hb_fail(HB_EINTERNAL, "snapshot: page %llu given, %llu is next (pages go in "
					     "order)", (unsigned long long)first,
			       (unsigned long long)k->written);
	for (i = 0; i < count && k->written < k->pages; i++) {
		const uint8_t *page = buf + (size_t)i * k->page_size;
		size_t done = 0;
		while (done < k->page_size) {
			ssize_t n = sys->write(k->fd, page + done, k->page_size - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				/* the kernel checks the image against itself: refused */
				int code = errno == EINVAL || errno == EPERM ? HB_EFOREIGN
									     : code_of(errno);
				return snap_fail(code, "write /dev/snapshot", errno, SPENT);
			}
			if (n == 0)
				return hb_fail(HB_EIO, "/dev/snapshot write: the kernel took only %llu "
						       "of %llu pages; %s",
					       (unsigned long long)k->written,
					       (unsigned long long)k->pages, SPENT);
			done += (size_t)n;
		}
		k->written++;
	}
	return 0;
}

/* Every record and the digest verified: hand the machine over to the image. */
static int sink_commit(void *priv)
{
	struct snap_sink *k = (struct snap_sink *)priv;
	int e;

	if (k->written != k->pages)
		return hb_fail(HB_EINTERNAL, "snapshot: %llu of %llu pages written at the commit",
			       (unsigned long long)k->written, (unsigned long long)k->pages);
	e = sink_ioctl(k, SNAPSHOT_ATOMIC_RESTORE, NULL);
	if (e)
		return snap_fail(code_of(e), "SNAPSHOT_ATOMIC_RESTORE", e, SPENT);
	return 0;  /* only a test's ioctl returns from a restore that worked */
}

static void sink_close(void *priv)
{
	struct snap_sink *k = (struct snap_sink *)priv;

	if (k->fd < 0)
		return;
	/* the kernel's copy of the pages goes with FREE; then the system thaws */
	if (k->frozen) {
		sink_ioctl(k, SNAPSHOT_FREE, NULL);
		sink_ioctl(k, SNAPSHOT_UNFREEZE, NULL);
	}
	sys->close(k->fd);
	k->fd = -1;
}

static const struct hb_option sink_options[] = {
	{ .name = "device", .type = HB_OPT_STRING, .def = "/dev/snapshot",
	  .help = "the kernel's snapshot device", .flags = HB_OPT_POSITIONAL,
	  .offset = offsetof(struct snap_sink_conf, device) },
	{ .name = "platform", .type = HB_OPT_BOOL, .def = "no",
	  .help = "restore through the platform's hibernation support (ACPI S4)",
	  .offset = offsetof(struct snap_sink_conf, platform) },
	{ .name = NULL },
};

const struct hb_sink hb_sink_snapshot = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "snapshot",
		.help = "into the kernel through /dev/snapshot; atomic restore only once verified",
		.options = sink_options,
		.conf_size = sizeof(struct snap_sink_conf),
		.priv_size = sizeof(struct snap_sink),
	},
	.open = sink_open,
	.write = sink_write,
	.commit = sink_commit,
	.close = sink_close,
};
