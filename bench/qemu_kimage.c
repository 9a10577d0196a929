/* The kernel's own image on a guest disk, between the suspend boot and the
 * resume boot: the host reads and checks it (backends/kernel_image.c), and
 * for the fault runs damages it where the kernel's layout puts things
 * (docs/FORMAT.md, "The kernel's image (swsusp)"). */
#include "qemu_kimage.h"

#include "backends/kernel_image.h"
#include "core/bytes.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KPAGE HB_KIMAGE_PAGE
#define MAP_ENTRIES 511u         /* sectors in one map page; next_swap follows */
#define IMAGE_SECTOR_AT 4064u    /* the header's first map page, in page 0 */
#define MAP_PAGES_MAX (1u << 20) /* a chain longer than any disk here: a loop */

int scn_kimage_check(const char *disk, struct scn_kimage *k)
{
	return scn_kimage_check_at(disk, 0, k);
}

int scn_kimage_check_at(const char *disk, uint64_t header_page, struct scn_kimage *k)
{
	char target[840];
	int err;

	memset(k, 0, sizeof(*k));
	snprintf(target, sizeof(target), "swap:%.780s,offset=%llu", disk,
		 (unsigned long long)header_page);
	err = hb_kimage_read(target, &k->report);
	if (err == 0) {
		k->sound = true;
		return 0;
	}
	snprintf(k->why, sizeof(k->why), "%s",
		 err == HB_ENOIMAGE ? "no S1SUSPEND signature: the kernel wrote no image" :
		 hb_detail(err));
	return err;
}

static int read_page(int fd, uint64_t page, uint8_t *buf)
{
	return pread(fd, buf, KPAGE, (off_t)(page * KPAGE)) == (ssize_t)KPAGE ? 0 : -1;
}

static int write_page(int fd, uint64_t page, const uint8_t *buf)
{
	return pwrite(fd, buf, KPAGE, (off_t)(page * KPAGE)) == (ssize_t)KPAGE ? 0 : -1;
}

/* The map pages of the chain, in order (at most cap); their count. */
static unsigned map_chain(int fd, uint64_t first, uint64_t pages_on_disk, uint64_t *maps,
			  unsigned cap)
{
	uint8_t page[KPAGE];
	uint64_t at = first;
	unsigned n = 0;

	while (at && at < pages_on_disk && n < cap && n < MAP_PAGES_MAX) {
		if (read_page(fd, at, page))
			break;
		maps[n++] = at;
		at = hb_get64(page + MAP_ENTRIES * 8);
	}
	return n;
}

int scn_kimage_damage(const char *disk, const char *fault)
{
	uint8_t page[KPAGE];
	uint64_t *maps = NULL, first, pages_on_disk, rec;
	unsigned n, i, used;
	struct stat st;
	int fd = open(disk, O_RDWR | O_CLOEXEC), err = 0;

	if (fd < 0 || fstat(fd, &st) != 0) {
		err = hb_fail(HB_EIO, "qemu: fault %s on the kernel's image %s: %s", fault, disk,
			      strerror(errno));
		goto out;
	}
	pages_on_disk = (uint64_t)st.st_size / KPAGE;
	maps = (uint64_t *)calloc(MAP_PAGES_MAX, sizeof(*maps));
	if (!maps || read_page(fd, 0, page)) {
		err = -1;
		goto done;
	}
	first = hb_get64(page + IMAGE_SECTOR_AT);
	n = map_chain(fd, first, pages_on_disk, maps, MAP_PAGES_MAX);
	if (n == 0) {
		err = hb_fail(HB_EIO, "qemu: fault %s: no map pages in the kernel's image %s", fault,
			      disk);
		goto out;
	}
	if (strcmp(fault, "zero-header") == 0) {
		/* the image's own header, swsusp_info: the first page the map lists;
		 * the swap header page stays, so the area can be swap again */
		if (read_page(fd, maps[0], page)) {
			err = -1;
			goto done;
		}
		rec = hb_get64(page);
		memset(page, 0, sizeof(page));
		err = rec && rec < pages_on_disk ? write_page(fd, rec, page) : -1;
		goto done;
	}
	if (strcmp(fault, "truncate") == 0) {
		/* the chain ends halfway: the second half of the image is gone */
		uint64_t cut = maps[(n - 1) / 2];
		if (read_page(fd, cut, page)) {
			err = -1;
			goto done;
		}
		if (n > 1)
			memset(page + MAP_ENTRIES * 8, 0, 8);  /* next_swap */
		else
			memset(page + (MAP_ENTRIES / 2) * 8, 0, (MAP_ENTRIES - MAP_ENTRIES / 2) * 8);
		err = write_page(fd, cut, page);
		goto done;
	}
	if (strcmp(fault, "flip") != 0) {
		err = hb_fail(HB_EINTERNAL, "qemu: fault '%s' is not one for the kernel's image",
			      fault);
		goto out;
	}
	/* flip: a bit in the page in the middle of the image's records */
	if (read_page(fd, maps[n / 2], page)) {
		err = -1;
		goto done;
	}
	for (used = 0, i = 0; i < MAP_ENTRIES && hb_get64(page + i * 8); i++)
		used++;
	rec = used ? hb_get64(page + (used / 2) * 8) : 0;
	if (!rec || rec >= pages_on_disk || pread(fd, page, 1, (off_t)(rec * KPAGE + 2048)) != 1) {
		err = hb_fail(HB_EIO, "qemu: fault flip: no record in the middle of the kernel's "
				      "image %s", disk);
		goto out;
	}
	page[0] ^= 0x10;
	err = pwrite(fd, page, 1, (off_t)(rec * KPAGE + 2048)) == 1 ? 0 : -1;
done:
	if (err)
		err = hb_fail(HB_EIO, "qemu: fault %s on the kernel's image %s: %s", fault, disk,
			      strerror(errno));
out:
	free(maps);
	if (fd >= 0)
		close(fd);
	return err;
}

int scn_copy_sparse(const char *src, const char *dst)
{
	static uint8_t buf[1u << 20];
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, err = 0;
	off_t data = 0, hole, end;
	struct stat st;

	if (in < 0 || fstat(in, &st) != 0)
		goto fail;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0 || ftruncate(out, st.st_size) != 0)
		goto fail;
	end = st.st_size;
	/* only the extents that hold data: a guest disk is mostly holes */
	while (data < end && (data = lseek(in, data, SEEK_DATA)) >= 0) {
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			goto fail;
		while (data < hole) {
			size_t want = (size_t)(hole - data < (off_t)sizeof(buf) ? hole - data
									  : (off_t)sizeof(buf));
			ssize_t n = pread(in, buf, want, data);
			if (n <= 0 || pwrite(out, buf, (size_t)n, data) != n)
				goto fail;
			data += n;
		}
	}
	if (data < 0 && errno != ENXIO)  /* ENXIO: no data past this point */
		goto fail;
	goto out;
fail:
	err = hb_fail(HB_EIO, "qemu: keeping the disk %s as %s: %s", src, dst, strerror(errno));
	if (out >= 0)
		unlink(dst);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return err;
}
