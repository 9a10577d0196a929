/* A sequential stream over a file or device with several I/Os in flight
 * (io_uring), through aligned buffers so it works with O_DIRECT.  Writers
 * use it for their data area: appends are gathered into buffers of
 * buf_size bytes, each written while the next one fills; reads run ahead. */
#ifndef HB_DIO_H
#define HB_DIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB_DIO_ALIGN 4096u  /* buffer, offset and length alignment: fits any sector size */

struct hb_dio;

struct hb_dio_params {
	int fd;
	uint64_t offset;    /* where the stream starts; a multiple of HB_DIO_ALIGN */
	uint64_t limit;     /* bytes the stream may use from offset (0: no limit) */
	bool writing;
	size_t buf_size;    /* a multiple of HB_DIO_ALIGN */
	unsigned depth;     /* buffers, hence I/Os in flight */
	const char *name;   /* for messages: "file /tmp/a.img" */
};

int hb_dio_open(struct hb_dio **out, const struct hb_dio_params *p);

/* Append len bytes (write streams). */
int hb_dio_write(struct hb_dio *d, const void *buf, size_t len);

/* Write what is buffered (the tail padded with zeros to HB_DIO_ALIGN) and
 * wait for every write; the caller then syncs. */
int hb_dio_finish(struct hb_dio *d);

/* The next len bytes (read streams); HB_ETRUNCATED if the file ends first. */
int hb_dio_read(struct hb_dio *d, void *buf, size_t len);

/* Bytes appended or consumed so far. */
uint64_t hb_dio_position(const struct hb_dio *d);

/* Wait for what is in flight and free everything. */
void hb_dio_close(struct hb_dio *d);

/* Allocate n bytes aligned for O_DIRECT (NULL on failure); free() them. */
void *hb_dio_alloc(size_t n);

#endif
