/* The kernel's own image on a guest disk, between a kernel run's two boots
 * (bench/qemu_kimage.c, docs/QEMU.md). */
#ifndef HB_BENCH_QEMU_KIMAGE_H
#define HB_BENCH_QEMU_KIMAGE_H

#include "backends/kernel_image.h"

#include <stdbool.h>

struct scn_kimage {
	bool sound;                       /* read and verified */
	struct hb_kimage_report report;   /* what was read (all of it when sound) */
	char why[400];                    /* not sound: the reader's line */
};

/* Read and verify the kernel's image on disk (its swap area at page 0): 0 and
 * k->sound, or the reader's error with k->why. */
int scn_kimage_check(const char *disk, struct scn_kimage *k);

/* The same for a swap file on the disk: its swap header at page header_page
 * (the kernel's resume_offset), the image's pages where the kernel put them
 * on the disk. */
int scn_kimage_check_at(const char *disk, uint64_t header_page, struct scn_kimage *k);

/* Damage the kernel's image on disk as fault says: "flip" a bit in the
 * record page in the middle of the image, "truncate" the chain of map pages
 * halfway, "zero-header" the image's own header (swsusp_info; the swap
 * header page and its signature stay).  0, or
 * HB_EIO naming the disk. */
int scn_kimage_damage(const char *disk, const char *fault);

/* Copy the sparse file src to dst (created 0600, never over an existing
 * file), holes kept as holes.  0, or HB_EIO naming the file. */
int scn_copy_sparse(const char *src, const char *dst);

#endif
