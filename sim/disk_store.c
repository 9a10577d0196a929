/* Sparse media for simulated disks.  Memory: a two-level table of 64 KiB
 * blocks allocated on first write, so a 16 TiB disk costs what is written.
 * File: pwrite/pread at the disk offset; holes stay holes. */
#include "disk_store.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK_SHIFT 16                   /* 64 KiB blocks */
#define BLOCK_SIZE (1u << BLOCK_SHIFT)
#define LEAF_SHIFT 12                    /* 4096 blocks (256 MiB) per leaf */
#define LEAF_LEN (1u << LEAF_SHIFT)

int hb_store_open(struct hb_store *s, const char *backing, uint64_t size)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->size = size;
	if (strcmp(backing, "none") == 0) {
		s->kind = HB_STORE_NONE;
		return 0;
	}
	if (strcmp(backing, "memory") == 0) {
		s->kind = HB_STORE_MEMORY;
		s->top_len = (size_t)(((size - 1) >> (BLOCK_SHIFT + LEAF_SHIFT)) + 1);
		s->top = (uint8_t ***)calloc(s->top_len, sizeof(*s->top));
		return s->top ? 0 : hb_fail(HB_ENOMEM, "sim: out of memory");
	}
	if (!strchr(backing, '/'))
		return hb_fail(HB_EUSAGE, "sim: backing=%s: expected memory, none or a file path "
					  "(with a '/', e.g. ./disk.img)", backing);
	if (strlen(backing) >= sizeof(s->path))
		return hb_fail(HB_EUSAGE, "sim: backing path too long");
	s->kind = HB_STORE_FILE;
	strcpy(s->path, backing);
	/* O_NONBLOCK: a FIFO is refused below instead of waited on */
	s->fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);
	if (s->fd < 0)
		return hb_fail(HB_EIO, "sim: backing %s: %s", s->path, strerror(errno));
	if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return hb_fail(HB_EUSAGE, "sim: backing %s: not a regular file", s->path);
	/* one hiblab at a time on a simulated disk, as on a real target */
	while (flock(s->fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			return hb_fail(HB_EBUSY, "sim: backing %s: in use by another hiblab", s->path);
		if (errno != EINTR)
			return hb_fail(HB_EIO, "sim: backing %s: lock: %s", s->path, strerror(errno));
	}
	return 0;
}

static uint8_t *block_at(struct hb_store *s, uint64_t block, int create)
{
	size_t t = (size_t)(block >> LEAF_SHIFT), l = (size_t)(block & (LEAF_LEN - 1));

	if (!s->top[t]) {
		if (!create)
			return NULL;
		s->top[t] = (uint8_t **)calloc(LEAF_LEN, sizeof(**s->top));
		if (!s->top[t])
			return NULL;
	}
	if (!s->top[t][l] && create)
		s->top[t][l] = (uint8_t *)calloc(1, BLOCK_SIZE);
	return s->top[t][l];
}

static int file_io(struct hb_store *s, uint64_t off, uint8_t *buf, size_t len, int writing)
{
	while (len) {
		ssize_t n = writing ? pwrite(s->fd, buf, len, (off_t)off)
				    : pread(s->fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hb_fail(errno == ENOSPC ? HB_ENOSPACE : HB_EIO, "sim: backing %s: %s",
				       s->path, strerror(errno));
		if (n == 0 && !writing) {
			memset(buf, 0, len);  /* past the end of a sparse file: never written */
			return 0;
		}
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int hb_store_write(struct hb_store *s, uint64_t off, const uint8_t *buf, size_t len)
{
	switch (s->kind) {
	case HB_STORE_NONE:
		return 0;
	case HB_STORE_FILE:
		return file_io(s, off, (uint8_t *)(uintptr_t)buf, len, 1);
	case HB_STORE_MEMORY:
		break;
	}
	while (len) {
		size_t in = (size_t)(off & (BLOCK_SIZE - 1));
		size_t n = BLOCK_SIZE - in < len ? BLOCK_SIZE - in : len;
		uint8_t *b = block_at(s, off >> BLOCK_SHIFT, 1);

		if (!b)
			return hb_fail(HB_ENOMEM, "sim: out of memory for the disk's contents");
		memcpy(b + in, buf, n);
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

int hb_store_read(struct hb_store *s, uint64_t off, uint8_t *buf, size_t len)
{
	switch (s->kind) {
	case HB_STORE_NONE:
		memset(buf, 0, len);
		return 0;
	case HB_STORE_FILE:
		return file_io(s, off, buf, len, 0);
	case HB_STORE_MEMORY:
		break;
	}
	while (len) {
		size_t in = (size_t)(off & (BLOCK_SIZE - 1));
		size_t n = BLOCK_SIZE - in < len ? BLOCK_SIZE - in : len;
		const uint8_t *b = block_at(s, off >> BLOCK_SHIFT, 0);

		if (b)
			memcpy(buf, b + in, n);
		else
			memset(buf, 0, n);
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

void hb_store_close(struct hb_store *s)
{
	size_t t, l;

	if (s->fd >= 0)
		close(s->fd);
	for (t = 0; s->top && t < s->top_len; t++) {
		for (l = 0; s->top[t] && l < LEAF_LEN; l++)
			free(s->top[t][l]);
		free(s->top[t]);
	}
	free(s->top);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
