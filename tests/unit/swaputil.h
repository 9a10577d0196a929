/* Helpers for the block, swap and snapshot suites: swap areas made byte by
 * byte (any page size, version, bad pages), pages of files, and shell
 * commands (mkswap, blkid, losetup) where the machine has them. */
#ifndef HB_SWAPUTIL_H
#define HB_SWAPUTIL_H

#include <stddef.h>
#include <stdint.h>

struct su_swap {
	uint32_t page_size;      /* 0: 4096 */
	uint32_t pages;          /* the file's size in pages; last_page = pages - 1 */
	uint32_t version;        /* 0: 1 */
	uint32_t last_page;      /* 0: pages - 1 */
	const uint32_t *bad;     /* bad pages, nr_bad of them */
	uint32_t nr_bad;
	const char *label;       /* NULL: none */
	uint8_t fill;            /* every page after the header is filled with this */
	uint8_t tail_junk;       /* nonzero: junk in the header's last 64 bytes (not the magic) */
};

/* Write a swap area file (header native-endian, like mkswap). */
void su_make_swap(const char *path, const struct su_swap *s);

/* Page n (page_size bytes) of path into a new buffer. */
uint8_t *su_page(const char *path, uint64_t n, uint32_t page_size);

/* Every byte of page n of path equals v. */
int su_page_is(const char *path, uint64_t n, uint32_t page_size, uint8_t v);

/* Fill a file of `size` bytes with a byte. */
void su_fill_file(const char *path, size_t size, uint8_t v);

/* Run a shell command (printf-style); its exit status, -1 if it could not run. */
int su_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Is cmd on the PATH (sbin included)? */
int su_have(const char *cmd);

/* `blkid -p -s TAG -o value path` into out ("" if none); blkid's exit status. */
int su_blkid(const char *path, const char *tag, char *out, size_t cap);

/* A loop device over file ("" and -1 where the machine allows none); detach it after. */
int su_loop_attach(const char *file, unsigned block_size, char *dev, size_t cap);
void su_loop_detach(const char *dev);

#endif
