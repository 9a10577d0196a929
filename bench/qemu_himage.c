/* hiblab's image in an active swap area on a guest disk (the Debian guest's
 * swap file), between the suspend boot and the resume boot: the kernel
 * handed out its pages, so the host finds them as hiblab's own reader does,
 * through the trailer, the descriptor and the map pages (docs/WRITERS.md),
 * and damages a record there. */
#include "qemu_himage.h"

#include "backends/swap_writer.h"
#include "core/bytes.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define HPAGE 4096u  /* the guest's page: hiblab's pages are its pages */

static int read_page(int fd, uint64_t page, uint8_t *buf)
{
	return pread(fd, buf, HPAGE, (off_t)(page * HPAGE)) == (ssize_t)HPAGE ? 0 : -1;
}

int scn_himage_flip(const char *disk, uint64_t header_page)
{
	uint8_t page[HPAGE];
	uint64_t desc, map, data, pages;
	int fd = open(disk, O_RDWR | O_CLOEXEC), err = 0;

	if (fd < 0)
		return hb_fail(HB_EIO, "qemu: fault flip: %s: %s", disk, strerror(errno));
	/* the trailer in the header page's last bytes names the descriptor */
	if (read_page(fd, header_page, page) ||
	    memcmp(page + HPAGE - HB_SWAP_MAGIC_LEN, SIGNATURE, HB_SWAP_MAGIC_LEN) != 0) {
		err = hb_fail(HB_EIO, "qemu: fault flip: no hiblab image at page %llu of %s",
			      (unsigned long long)header_page, disk);
		goto out;
	}
	desc = hb_get64(page + HPAGE - TRAILER_LEN);
	/* the descriptor: magic, version, crc, session, header page, first map page */
	if (read_page(fd, desc, page) || memcmp(page, DESC_MAGIC, 8) != 0) {
		err = hb_fail(HB_EIO, "qemu: fault flip: no descriptor at page %llu of %s",
			      (unsigned long long)desc, disk);
		goto out;
	}
	map = hb_get64(page + 32);
	/* the first map page's first extent: (first page, pages) */
	if (read_page(fd, map, page) || memcmp(page, MAP_MAGIC, 8) != 0 ||
	    hb_get32(page + 12) == 0) {
		err = hb_fail(HB_EIO, "qemu: fault flip: no map page at page %llu of %s",
			      (unsigned long long)map, disk);
		goto out;
	}
	data = hb_get64(page + MAP_HDR);
	pages = hb_get64(page + MAP_HDR + 8);
	/* a bit in a record page in the middle of that extent */
	data += pages / 2;
	if (read_page(fd, data, page)) {
		err = -1;
	} else {
		page[HPAGE / 2] ^= 0x10;
		err = pwrite(fd, page, HPAGE, (off_t)(data * HPAGE)) == (ssize_t)HPAGE ? 0 : -1;
	}
	if (err)
		err = hb_fail(HB_EIO, "qemu: fault flip: page %llu of %s: %s",
			      (unsigned long long)data, disk, strerror(errno));
out:
	close(fd);
	return err;
}
