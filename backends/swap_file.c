/* Where a swap file lies on its block device: the FIEMAP ioctl's extent map
 * (what `filefrag -v` prints), checked until a write to the device at those
 * offsets can only land in the file.  hiblab writes an image through the
 * device, beside the file system, so an extent the file system may still
 * move (delayed allocation), shares with another file (reflink), or maps to
 * something that is not a device offset (btrfs) would put pages into other
 * data.  Each such case is refused with the reason, never guessed around. */
#include "backends/swap_file.h"
#include "backends/swap_area.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Extents asked for per ioctl: a swap file made with dd has a handful; a
 * fragmented one is read in turns. */
#define FIEMAP_BATCH 128u
/* Enough of the file to parse a swap header made for pages up to 64 KiB. */
#define HEADER_PROBE 65536u

/* ext2/3/4 and xfs map a regular file's data to device blocks one to one;
 * for the rest say why the map cannot be used. */
static int check_fs(const char *path, int fd, const char **name)
{
	struct statfs sf;
	unsigned long magic;

	if (fstatfs(fd, &sf) != 0)
		return hb_fail(HB_EIO, "%s: statfs: %s", path, strerror(errno));
	magic = (unsigned long)sf.f_type;
	if (magic == EXT4_SUPER_MAGIC) {
		*name = "ext4";
		return 0;
	}
	if (magic == XFS_SUPER_MAGIC) {
		*name = "xfs";
		return 0;
	}
	if (magic == BTRFS_SUPER_MAGIC)
		return hb_fail(HB_EUSAGE, "%s: on btrfs, whose extent map gives logical addresses, "
					  "not offsets on a device (btrfs inspect-internal "
					  "map-swapfile knows them; hiblab does not trust them)", path);
	if (magic == TMPFS_MAGIC || magic == RAMFS_MAGIC)
		return hb_fail(HB_EUSAGE, "%s: on tmpfs or ramfs, which has no device: its pages "
					  "are memory and do not outlive a power-off", path);
	if (magic == OVERLAYFS_SUPER_MAGIC)
		return hb_fail(HB_EUSAGE, "%s: on overlayfs: name the file on the file system "
					  "beneath it", path);
	if (magic == NFS_SUPER_MAGIC)
		return hb_fail(HB_EUSAGE, "%s: on NFS, which has no local device to write to",
			       path);
	return hb_fail(HB_EUSAGE, "%s: on a file system (magic 0x%lx) whose extent map hiblab "
				  "does not trust as device offsets (ext2/3/4 and xfs only)", path,
		       magic);
}

/* The flags that make an extent's physical address no place to write. */
static int check_extent(const char *path, const struct fiemap_extent *e, uint32_t ps)
{
	static const struct {
		uint32_t flag;
		const char *why;
	} refused[] = {
		{ FIEMAP_EXTENT_DELALLOC, "is not allocated yet (delayed allocation): run sync "
					  "and try again" },
		{ FIEMAP_EXTENT_UNKNOWN, "has no known place on the device" },
		{ FIEMAP_EXTENT_ENCODED, "is stored encoded (compressed or encrypted)" },
		{ FIEMAP_EXTENT_DATA_INLINE, "is stored inline in the file system's metadata" },
		{ FIEMAP_EXTENT_DATA_TAIL, "is packed with other files' tails" },
		{ FIEMAP_EXTENT_NOT_ALIGNED, "is not block-aligned on the device" },
		{ FIEMAP_EXTENT_SHARED, "is shared with another file (a reflink copy): writing "
					"it would change that file too" },
	};
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (e->fe_flags & refused[i].flag)
			return hb_fail(HB_EUSAGE, "%s: the extent at byte %llu %s", path,
				       (unsigned long long)e->fe_logical, refused[i].why);
	}
	/* a page of the file must be a page of the device */
	if (e->fe_physical % ps != e->fe_logical % ps)
		return hb_fail(HB_EUSAGE, "%s: the extent at byte %llu is not page-aligned on the "
					  "device (a file system block size below %u?)", path,
			       (unsigned long long)e->fe_logical, ps);
	return 0;
}

/* Walk the extent map: no hole below size, every extent usable; *first is
 * the device byte of the file's byte 0. */
static int map_extents(const char *path, int fd, uint64_t size, uint32_t ps, uint64_t *first)
{
	size_t len = sizeof(struct fiemap) + FIEMAP_BATCH * sizeof(struct fiemap_extent);
	struct fiemap *fm = (struct fiemap *)malloc(len);
	uint64_t covered = 0;
	bool last = false;
	uint32_t i;
	int err = 0;

	if (!fm)
		return hb_fail(HB_ENOMEM, "out of memory");
	while (!last && covered < size) {
		memset(fm, 0, len);
		fm->fm_start = covered;
		fm->fm_length = FIEMAP_MAX_OFFSET - covered;
		fm->fm_flags = FIEMAP_FLAG_SYNC;  /* written data gets its blocks first */
		fm->fm_extent_count = FIEMAP_BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) != 0) {
			err = hb_fail(errno == EOPNOTSUPP ? HB_EUSAGE : HB_EIO, "%s: FIEMAP: %s",
				      path, strerror(errno));
			goto out;
		}
		if (fm->fm_mapped_extents == 0)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			const struct fiemap_extent *e = &fm->fm_extents[i];

			if (e->fe_logical > covered)
				break;  /* a hole at covered */
			err = check_extent(path, e, ps);
			if (err)
				goto out;
			if (e->fe_logical == 0)
				*first = e->fe_physical;
			if (e->fe_logical + e->fe_length > covered)
				covered = e->fe_logical + e->fe_length;
			last = (e->fe_flags & FIEMAP_EXTENT_LAST) != 0;
		}
		if (i < fm->fm_mapped_extents)
			break;
	}
	if (covered < size)
		err = hb_fail(HB_EUSAGE, "%s: has holes (bytes from %llu on are not allocated): "
					 "make it with dd or fallocate, not truncate or a sparse copy",
			      path, (unsigned long long)covered);
out:
	free(fm);
	return err;
}

static bool is_device(const char *path, dev_t dev)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == dev;
}

/* The name the kernel gave the device (sysfs), which is also its name in an
 * initramfs; else the mount table's, for a system without sysfs. */
static int find_device(const char *path, dev_t dev, char *out, size_t cap)
{
	unsigned maj = major(dev), min = minor(dev), m1, m2;
	char line[1024], source[HB_SWAP_FILE_DEV_MAX];
	const char *sep;
	FILE *f;

	snprintf(line, sizeof(line), "/sys/dev/block/%u:%u/uevent", maj, min);
	f = fopen(line, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, cap, "/dev/%.*s", (int)(cap - 6), line + 8);
			if (is_device(out, dev)) {
				fclose(f);
				return 0;
			}
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		sep = strstr(line, " - ");
		if (sscanf(line, "%*s %*s %u:%u", &m1, &m2) != 2 || m1 != maj || m2 != min || !sep ||
		    sscanf(sep + 3, "%*s %255s", source) != 1 || !is_device(source, dev))
			continue;
		snprintf(out, cap, "%s", source);
		fclose(f);
		return 0;
	}
	if (f)
		fclose(f);
	return hb_fail(HB_EUSAGE, "%s: no block device %u:%u for its file system in "
				  "/sys/dev/block or /proc/self/mountinfo", path, maj, min);
}

/* The file must already be a swap area: mkswap wrote the header the offset
 * points at. */
static int check_header(const char *path, int fd, uint64_t size, uint32_t ps)
{
	size_t want = size < HEADER_PROBE ? (size_t)size : HEADER_PROBE;
	uint8_t *buf = (uint8_t *)calloc(1, HEADER_PROBE);
	struct hb_swap_area area;
	ssize_t n;
	int err;

	if (!buf)
		return hb_fail(HB_ENOMEM, "out of memory");
	n = pread(fd, buf, want, 0);
	if (n < 0) {
		err = hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	memset(&area, 0, sizeof(area));
	err = hb_swap_area_parse(&area, path, buf, (size_t)n, ps, 0, size);
	hb_swap_area_free(&area);
out:
	free(buf);
	return err;
}

int hb_swap_file_locate(const char *path, struct hb_swap_file *out)
{
	uint32_t ps = (uint32_t)sysconf(_SC_PAGESIZE);
	uint64_t first = 0;
	struct stat st;
	int fd = -1, err;

	memset(out, 0, sizeof(*out));
	if (lstat(path, &st) != 0)
		return hb_fail(errno == ENOENT ? HB_EUSAGE : HB_EIO, "%s: %s", path,
			       strerror(errno));
	/* the file a symlink names today need not be the one swapon uses */
	if (S_ISLNK(st.st_mode))
		return hb_fail(HB_EUSAGE, "%s: a symlink: name the swap file itself", path);
	if (!S_ISREG(st.st_mode))
		return hb_fail(HB_EUSAGE, "%s: not a regular file (a swap partition is named "
					  "as swap:/dev/DEV directly)", path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err = hb_fail(HB_EUSAGE, "%s: changed while it was looked at", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		hb_note("%s: other users can read or write it (and the image it will hold): "
			"chmod 600 it", path);
	err = check_fs(path, fd, &out->fs);
	if (!err)
		err = check_header(path, fd, (uint64_t)st.st_size, ps);
	if (!err)
		err = map_extents(path, fd, (uint64_t)st.st_size, ps, &first);
	if (!err)
		err = find_device(path, st.st_dev, out->device, sizeof(out->device));
	if (err)
		goto out;
	out->offset = first / ps;
	out->pages = (uint64_t)st.st_size / ps;
	out->page_size = ps;
out:
	close(fd);
	return err;
}
