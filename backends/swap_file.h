/* A swap file inside a file system, seen from its block device: which
 * device holds it and the page there where its swap header is, the numbers
 * `swap:/dev/DEV,offset=N` and the kernel's `resume=DEV resume_offset=N`
 * take.  Found with the FIEMAP ioctl (what `filefrag -v` shows), and only
 * where that answer can be trusted for writes that bypass the file system
 * (docs/DEBIAN.md, "Configure"). */
#ifndef HB_SWAP_FILE_H
#define HB_SWAP_FILE_H

#include <stdint.h>

#define HB_SWAP_FILE_DEV_MAX 256

struct hb_swap_file {
	char device[HB_SWAP_FILE_DEV_MAX];  /* "/dev/vda2" */
	uint64_t offset;                    /* the header's page on the device */
	uint64_t pages;                     /* the file's size in pages */
	uint32_t page_size;
	const char *fs;                     /* "ext4" (ext2/3/4 share it) or "xfs" */
};

/* Locate the swap file at path.  Every refusal is HB_EUSAGE with one
 * hb_fail line naming path and the reason: a symlink or not a regular
 * file, a file system whose extent map is not a device offset, a file that
 * is not a swap area, holes, extents the file system may still move or
 * shares, no block device for the file system.  HB_EIO when it cannot be
 * read. */
int hb_swap_file_locate(const char *path, struct hb_swap_file *out);

#endif
