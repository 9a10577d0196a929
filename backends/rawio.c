/* Raw I/O for the image-file and swap writers (see rawio.h). */
#include "backends/rawio.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int hb_raw_fail(const struct hb_raw *r, const char *op, int e)
{
	if (e == ENOSPC || e == EFBIG || e == EDQUOT)
		return hb_fail(HB_ENOSPACE, "%s: %s: %s", r->name, op, strerror(e));
	return hb_fail(HB_EIO, "%s: %s: %s", r->name, op, strerror(e));
}

static int open_flags(const struct hb_raw *r, unsigned flags, bool direct)
{
	int f = O_CLOEXEC | ((flags & HB_RAW_WRITE) ? O_RDWR : O_RDONLY);

	/* an image file for a save: never through a symlink, never blocking on a
	 * FIFO; read and write, so the writer can look before it empties it */
	if (flags & HB_RAW_CREATE)
		f = O_CLOEXEC | O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK;
	if (direct)
		f |= O_DIRECT;
	/* on Linux, O_EXCL without O_CREAT claims a block device: EBUSY if mounted
	 * or active swap */
	if ((flags & HB_RAW_EXCL) && r->is_blk)
		f |= O_EXCL;
	return f;
}

/* Size and I/O unit of the opened target. */
static int probe(struct hb_raw *r)
{
	struct stat st;
	uint64_t bytes = 0;
	int lbs = 0;

	if (fstat(r->fd, &st) != 0)
		return hb_raw_fail(r, "stat", errno);
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->rdev = st.st_rdev;
	if (!r->is_blk) {
		r->size = (uint64_t)st.st_size;
		r->align = 4096;  /* the page: a multiple of any filesystem's DIO unit */
		return 0;
	}
	if (ioctl(r->fd, BLKGETSIZE64, &bytes) != 0)
		return hb_raw_fail(r, "BLKGETSIZE64", errno);
	if (ioctl(r->fd, BLKSSZGET, &lbs) != 0)
		return hb_raw_fail(r, "BLKSSZGET", errno);
	if (lbs < 512 || lbs > 4096 || (lbs & (lbs - 1)))
		return hb_fail(HB_EUSAGE, "%s: logical block size %d is not supported (512..4096)",
			       r->name, lbs);
	r->size = bytes;
	r->align = (uint32_t)lbs;
	return 0;
}

static int not_a_file(const struct hb_raw *r)
{
	return hb_fail(HB_EUSAGE, "%s: not a regular file (for a device use block:)", r->name);
}

/* A new image file: only a regular file, made 0600 (it holds memory). */
static int check_new_file(struct hb_raw *r)
{
	struct stat st;

	if (fstat(r->fd, &st) == 0 && !S_ISREG(st.st_mode))
		return not_a_file(r);
	if (fchmod(r->fd, 0600) != 0)
		return hb_raw_fail(r, "chmod 0600", errno);
	return 0;
}

/* One operation at a time on a target: an exclusive lock held until close,
 * taken at once or not at all.  Two resumes of one image, or a resume and a
 * suspend, would otherwise both act on the header they read. */
static int lock_target(struct hb_raw *r)
{
	while (flock(r->fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return hb_fail(HB_EBUSY, "%s: in use by another hiblab (a suspend, resume, "
						 "invalidate or inspect), or it is the --source being read",
			       r->name);
		return hb_raw_fail(r, "lock", errno);
	}
	return 0;
}

/* The target named must exist, and be a device or (HB_RAW_FILE: only) a
 * regular file. */
static int check_existing(struct hb_raw *r, const char *plugin, const char *path,
			  unsigned flags)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT && (flags & HB_RAW_LOAD))
			return hb_fail(HB_ENOIMAGE, "no image: %s does not exist", path);
		if (errno == ENOENT)
			return hb_fail(HB_EUSAGE, "%s: does not exist (%s: writes into an existing "
						  "device or preallocated file)", r->name, plugin);
		return hb_raw_fail(r, "stat", errno);
	}
	if ((flags & HB_RAW_FILE) && !S_ISREG(st.st_mode))
		return not_a_file(r);
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return hb_fail(HB_EUSAGE, "%s: not a block device or a regular file", r->name);
	r->is_blk = S_ISBLK(st.st_mode);
	return 0;
}

int hb_raw_open(struct hb_raw *r, const char *plugin, const char *path, unsigned flags,
		enum hb_direct direct)
{
	bool load = (flags & HB_RAW_LOAD) != 0, create = (flags & HB_RAW_CREATE) != 0;
	bool want_direct = direct != HB_DIRECT_NO;
	int err;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	snprintf(r->name, sizeof(r->name), "%s %s", plugin, path);
	/* a new file is checked once it is open (O_CREAT makes it) */
	if (!create) {
		err = check_existing(r, plugin, path, flags);
		if (err)
			return err;
	}
	for (;;) {
		r->fd = open(path, open_flags(r, flags, want_direct), 0600);
		if (r->fd >= 0)
			break;
		if (errno == EINVAL && want_direct && direct == HB_DIRECT_AUTO) {
			want_direct = false;  /* this filesystem has no O_DIRECT (tmpfs) */
			hb_note("%s: O_DIRECT refused by the file system; using the page cache",
				r->name);
			r->direct_refused = true;
			continue;
		}
		if (errno == EINVAL && want_direct)
			return hb_fail(HB_EUSAGE, "%s: O_DIRECT refused by the filesystem (use "
						  "direct=auto or direct=no)", r->name);
		if (errno == EBUSY && (flags & HB_RAW_EXCL))
			return hb_fail(HB_EUSAGE, "%s: the device is in use (mounted, active swap, "
						  "or held by another program)", r->name);
		if ((errno == EISDIR || errno == ENXIO) && create)
			return not_a_file(r);  /* a directory; a FIFO nobody reads */
		if ((errno == ENOENT || errno == ENOTDIR) && create)
			return hb_fail(HB_EUSAGE, "%s: its directory does not exist", r->name);
		if (errno == ELOOP && create)
			return hb_fail(HB_EUSAGE, "%s: is a symbolic link: an image file is never written "
						  "through one (name the file itself)", r->name);
		if ((errno == EACCES || errno == EROFS) && load && (flags & HB_RAW_WRITE)) {
			r->read_only = errno;
			flags &= ~HB_RAW_WRITE;  /* inspect still works */
			continue;
		}
		return hb_raw_fail(r, "open", errno);
	}
	r->direct = want_direct;
	/* O_NONBLOCK was only for the open: io_uring would take it to mean
	 * "fail with EAGAIN rather than wait" for every request */
	if (create && fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) & ~O_NONBLOCK) != 0)
		return hb_raw_fail(r, "fcntl", errno);
	if ((err = lock_target(r)) != 0)
		return err;
	if (create && (err = check_new_file(r)) != 0)
		return err;
	return probe(r);
}

void hb_raw_close(struct hb_raw *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

int hb_raw_read(struct hb_raw *r, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = (uint8_t *)buf;

	while (len) {
		ssize_t n = pread(r->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hb_raw_fail(r, "read", errno);
		if (n == 0)
			return HB_ETRUNCATED;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int hb_raw_write(struct hb_raw *r, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = (const uint8_t *)buf;

	if (r->read_only)
		return hb_fail(HB_EIO, "%s: read-only (%s): nothing can be written to it", r->name,
			       strerror(r->read_only));
	while (len) {
		ssize_t n = pwrite(r->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hb_raw_fail(r, "write", n < 0 ? errno : ENOSPC);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int hb_raw_sync(struct hb_raw *r)
{
	/* on a block device this also flushes the drive's volatile cache */
	if (fdatasync(r->fd) != 0)
		return hb_raw_fail(r, "fdatasync", errno);
	return 0;
}

void *hb_raw_alloc(const struct hb_raw *r, size_t len)
{
	size_t align = r->align > 4096 ? r->align : 4096;
	void *p = NULL;

	if (posix_memalign(&p, align, len ? len : align) != 0)
		return NULL;
	memset(p, 0, len ? len : align);
	return p;
}

