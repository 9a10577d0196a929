/* hiblab's image in an active swap area on a guest disk (bench/qemu_himage.c). */
#ifndef HB_BENCH_QEMU_HIMAGE_H
#define HB_BENCH_QEMU_HIMAGE_H

#include <stdint.h>

/* Flip a bit in a record page of hiblab's image in the swap area whose header
 * is page header_page of disk, found through the image's descriptor and
 * first map page (the kernel placed the pages: guest = debian).  0, or
 * HB_EIO naming what was not found. */
int scn_himage_flip(const char *disk, uint64_t header_page);

#endif
