/* The media behind a simulated disk: sparse memory, a sparse file, or
 * nothing (writes discarded, reads zero: a disk that only counts). */
#ifndef HB_SIM_DISK_STORE_H
#define HB_SIM_DISK_STORE_H

#include <stddef.h>
#include <stdint.h>

enum hb_store_kind { HB_STORE_MEMORY, HB_STORE_FILE, HB_STORE_NONE };

struct hb_store {
	enum hb_store_kind kind;
	uint64_t size;
	int fd;
	uint8_t ***top;   /* memory: top[i][j] is a block, NULL until written */
	size_t top_len;
	char path[512];
};

/* backing: "memory", "none" or a file path (opened, not truncated: a file
 * keeps a disk across processes). */
int hb_store_open(struct hb_store *s, const char *backing, uint64_t size);
int hb_store_write(struct hb_store *s, uint64_t off, const uint8_t *buf, size_t len);
int hb_store_read(struct hb_store *s, uint64_t off, uint8_t *buf, size_t len);
void hb_store_close(struct hb_store *s);

#endif
