/* A staged byte stream: bytes appended in any sizes go out in whole blocks
 * of the staging buffer, and bytes read in any sizes come from blocks filled
 * into it.  What a block is (a disk request, a run of swap slots, an
 * io_uring buffer) is the caller's business, in two callbacks; the loop that
 * copies across block boundaries is written once, here. */
#ifndef HB_STREAM_H
#define HB_STREAM_H

#include <stddef.h>
#include <stdint.h>

/* Write side: (*buf)[0..len) is the stream's bytes [off, off+len).  The
 * callee may point *buf at another buffer of the same size to stage into
 * next (double buffering); *buf is then its until it hands it back. */
typedef int hb_stream_flush_fn(void *ctx, uint8_t **buf, size_t len, uint64_t off);

/* Read side: the stream's bytes from off, at most cap of them, into *buf
 * (or *buf pointed at the callee's own buffer); *len says how many.  0 bytes
 * is the end: the read that wanted more gets HB_ETRUNCATED. */
typedef int hb_stream_fill_fn(void *ctx, uint8_t **buf, size_t cap, uint64_t off, size_t *len);

struct hb_stream {
	uint8_t *buf;          /* the block being staged or handed out */
	size_t cap;            /* its size */
	size_t used;           /* write: bytes staged; read: bytes valid */
	size_t taken;          /* read: bytes handed out */
	uint64_t off;          /* the stream offset of buf[0] */
	uint64_t position;     /* bytes the caller wrote or read */
	hb_stream_flush_fn *flush;
	hb_stream_fill_fn *fill;
	void *ctx;
};

/* buf (cap bytes) stays the caller's to free; flush or fill may be NULL for a
 * stream that only reads or only writes. */
void hb_stream_init(struct hb_stream *s, uint8_t *buf, size_t cap, void *ctx,
		    hb_stream_flush_fn *flush, hb_stream_fill_fn *fill);

/* Append len bytes; every block that fills up is flushed. */
int hb_stream_write(struct hb_stream *s, const void *data, size_t len);

/* Flush what is staged, zero-padded to a multiple of unit (1: no padding;
 * cap must be a multiple of unit).  Nothing staged: no call. */
int hb_stream_flush(struct hb_stream *s, size_t unit);

/* The next len bytes. */
int hb_stream_read(struct hb_stream *s, void *data, size_t len);

#endif
