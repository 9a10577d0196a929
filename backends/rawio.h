/* Raw I/O for the image-file writers (file:, block:) and the swap writer: a
 * device or a file opened O_DIRECT with its logical block size, aligned
 * buffers, and whole reads and writes that name the target in every error. */
#ifndef HB_RAWIO_H
#define HB_RAWIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum hb_direct { HB_DIRECT_AUTO, HB_DIRECT_YES, HB_DIRECT_NO };

#define HB_RAW_WRITE 1u  /* open for writing (else read-only) */
#define HB_RAW_EXCL 2u   /* a block device must not be in use (mounted, active swap) */
#define HB_RAW_LOAD 4u   /* fall back to read-only where writing is refused (inspect) */
#define HB_RAW_FILE 8u   /* a regular file only ("for a device use block:") */
#define HB_RAW_CREATE 16u /* save: a file created 0600 if missing (with HB_RAW_FILE); never
                           * through a symlink; the caller decides whether to empty it */

struct hb_raw {
	int fd;
	char name[600];        /* "block /dev/vdb": the start of every message */
	bool is_blk;
	bool direct;           /* O_DIRECT in effect */
	bool direct_refused;   /* asked for (auto), refused by the filesystem */
	uint32_t align;        /* I/O unit and buffer alignment: the logical block size */
	int read_only;         /* opened without write access: the errno that refused it */
	uint64_t size;         /* bytes: BLKGETSIZE64 or st_size */
	dev_t rdev, dev;       /* st_rdev (devices), st_dev and st_ino (files) */
	ino_t ino;
};

/* Open path for the plugin named `plugin`.  A missing path is HB_ENOIMAGE
 * with HB_RAW_LOAD, HB_EUSAGE otherwise (with HB_RAW_CREATE it is made);
 * neither a block device nor a regular file is HB_EUSAGE. */
int hb_raw_open(struct hb_raw *r, const char *plugin, const char *path, unsigned flags,
		enum hb_direct direct);
void hb_raw_close(struct hb_raw *r);

/* Exactly len bytes at off.  Reads that hit the end: HB_ETRUNCATED. */
int hb_raw_read(struct hb_raw *r, void *buf, size_t len, uint64_t off);
int hb_raw_write(struct hb_raw *r, const void *buf, size_t len, uint64_t off);
int hb_raw_sync(struct hb_raw *r);

/* Zeroed memory aligned for O_DIRECT on r (at least 4096); free() it. */
void *hb_raw_alloc(const struct hb_raw *r, size_t len);

/* The I/O error line for op ("write") and errno e: HB_ENOSPACE or HB_EIO. */
int hb_raw_fail(const struct hb_raw *r, const char *op, int e);

#endif
