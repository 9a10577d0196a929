/* snapshot: the kernel's own memory image through /dev/snapshot
 * (kernel/power/user.c), as a source on suspend and a sink on resume.  The
 * device session itself (the system calls, the message lines, the suspend
 * sequence and the kernel's swap slots) is snapshot_session.c.
 *
 * Suspend (source): the session freezes the system and makes the image; the
 * engine reads it page by page into a raw target (the core refuses any
 * other), which may take its pages from the kernel's free swap slots; once
 * the writer committed, the core calls committed() and the machine powers
 * off.
 *
 * Resume (sink): open O_WRONLY; FREEZE; write every page in order; only
 * after the engine verified every record and the digest, commit() calls
 * ATOMIC_RESTORE, which does not return when it works. */
#include "backends/snapshot_session.h"
#include "core/error.h"
#include "core/phase_time.h"
#include "core/plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/suspend_ioctls.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* ---- source ------------------------------------------------------------------- */

struct snap_src_conf {
	char device[HB_STR_MAX];
	unsigned after;      /* enum hb_snap_after */
	uint64_t image_size;
};

static int src_open(void *priv, const void *conf, struct hb_source_info *info)
{
	struct hb_snap_session *s = (struct hb_snap_session *)priv;
	const struct snap_src_conf *c = (const struct snap_src_conf *)conf;
	int err = hb_snap_session_open(s, c->device, c->after, c->image_size);

	if (err)
		return err;
	info->page_size = s->page_size;
	info->bytes = s->pages * s->page_size;
	return 0;
}

/* Only a raw target reports its commit: pages go nowhere else (the core
 * refuses other targets; this holds for any other caller too). */
static int src_read(void *priv, uint64_t first, uint32_t count, uint8_t *buf)
{
	struct hb_snap_session *s = (struct hb_snap_session *)priv;

	if (!s->paired)
		return hb_fail(HB_EUSAGE, "snapshot: no raw target was paired with this source; %s",
			       THAWED);
	if (first != s->next)
		return hb_fail(HB_EINTERNAL, "snapshot: page %llu asked for, %llu is next (pages "
					     "come in order)", (unsigned long long)first,
			       (unsigned long long)s->next);
	return hb_snap_session_read(s, buf, count);
}

static void src_slots(void *priv, struct hb_slot_alloc *slots)
{
	struct hb_snap_session *s = (struct hb_snap_session *)priv;

	s->paired = true;
	*slots = (struct hb_slot_alloc){ .ops = &hb_snap_slot_ops, .ctx = s };
}

static int src_committed(void *priv)
{
	return hb_snap_session_committed((struct hb_snap_session *)priv);
}

static void src_close(void *priv)
{
	hb_snap_session_close((struct hb_snap_session *)priv);
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
		.priv_size = sizeof(struct hb_snap_session),
	},
	.needs_raw_target = "(a frozen system can write only to a raw device, and only they "
			    "power off after the commit); " THAWED,
	.open = src_open,
	.read = src_read,
	.close = src_close,
	.slots = src_slots,
	.committed = src_committed,
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
	return hb_snap_ioctl(k->fd, req, arg);
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
	k->fd = hb_snap_sys()->open(k->conf->device, O_WRONLY);
	if (k->fd < 0)
		return hb_snap_fail(hb_snap_code(errno), "open /dev/snapshot", errno, LEFT_ALONE);
	if (k->conf->platform &&
	    (e = sink_ioctl(k, SNAPSHOT_PLATFORM_SUPPORT, (void *)(uintptr_t)1)) != 0)
		return hb_snap_fail(HB_EIO, "SNAPSHOT_PLATFORM_SUPPORT", e, LEFT_ALONE);
	if ((e = sink_ioctl(k, SNAPSHOT_FREEZE, NULL)) != 0)
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_FREEZE", e, LEFT_ALONE);
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
			ssize_t n = hb_snap_sys()->write(k->fd, page + done, k->page_size - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				/* the kernel checks the image against itself: refused */
				int code = errno == EINVAL || errno == EPERM ? HB_EFOREIGN
									     : hb_snap_code(errno);
				return hb_snap_fail(code, "write /dev/snapshot", errno, SPENT);
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
	hb_phase_mark("restore");
	e = sink_ioctl(k, SNAPSHOT_ATOMIC_RESTORE, NULL);
	if (e)
		return hb_snap_fail(hb_snap_code(e), "SNAPSHOT_ATOMIC_RESTORE", e, SPENT);
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
	hb_snap_sys()->close(k->fd);
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
