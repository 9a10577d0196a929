/* The io_uring stream of dio.h.  Buffers are used round-robin; buffer i is
 * reused only once its I/O completed, which bounds memory and gives
 * back-pressure.  Where io_uring is not available (old kernel, seccomp) the
 * same code does each I/O synchronously with pwrite/pread. */
#include "dio.h"

#include "core/error.h"
#include "core/stream.h"

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Memcheck sees pread and pwrite, not the kernel filling or reading an
 * io_uring buffer: a finished read is marked defined, and a write checked
 * for undefined bytes before it goes out, as the system calls would be.
 * Outside valgrind the client requests cost a few instructions; without
 * its header they are nothing. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(addr, len) 0
#define VALGRIND_CHECK_MEM_IS_DEFINED(addr, len) 0
#endif

struct dio_buf {
	uint8_t *data;
	size_t used;       /* read: bytes valid */
	size_t asked;      /* bytes of the I/O in flight */
	uint64_t off;
	bool busy;
};

struct hb_dio {
	struct hb_dio_params p;
	struct io_uring ring;
	bool uring;
	struct dio_buf *bufs;
	unsigned cur;          /* write: filling; read: consuming */
	uint64_t next_off;     /* file offset of the next I/O */
	struct hb_stream stream;  /* gathers appends into, and reads out of, bufs[cur] */
	bool started;          /* read: the read-ahead window was filled */
	bool eof;              /* read: a short read was seen; submit no more */
	int err;
};

void *hb_dio_alloc(size_t n)
{
	void *p = NULL;

	return posix_memalign(&p, HB_DIO_ALIGN, n ? n : HB_DIO_ALIGN) == 0 ? p : NULL;
}

static int io_error(const struct hb_dio *d, int e, const char *what)
{
	if (e == ENOSPC || e == EFBIG || e == EDQUOT)
		return hb_fail(HB_ENOSPACE, "%s: %s: %s", d->p.name, what, strerror(e));
	return hb_fail(HB_EIO, "%s: %s: %s", d->p.name, what, strerror(e));
}

/* A finished I/O of buffer b that moved res bytes (or -errno). */
static int complete(struct hb_dio *d, struct dio_buf *b, int res)
{
	b->busy = false;
	if (res < 0)
		return io_error(d, -res, d->p.writing ? "write" : "read");
	if (d->p.writing) {
		/* a regular file writes short only when it is full */
		if ((size_t)res != b->asked)
			return io_error(d, ENOSPC, "write");
		return 0;
	}
	b->used = (size_t)res;
	(void)VALGRIND_MAKE_MEM_DEFINED(b->data, b->used);
	if ((size_t)res < b->asked)
		d->eof = true;
	return 0;
}

static int sync_io(struct hb_dio *d, struct dio_buf *b)
{
	size_t done = 0;

	while (done < b->asked) {
		ssize_t n = d->p.writing ? pwrite(d->p.fd, b->data + done, b->asked - done,
						  (off_t)(b->off + done))
					 : pread(d->p.fd, b->data + done, b->asked - done,
						 (off_t)(b->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return complete(d, b, -errno);
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return complete(d, b, (int)done);
}

static int submit(struct hb_dio *d, struct dio_buf *b, size_t len)
{
	struct io_uring_sqe *sqe;
	int r;

	if (d->p.limit && d->next_off + len > d->p.offset + d->p.limit) {
		if (d->p.writing)
			return hb_fail(HB_ENOSPACE, "%s: the image does not fit (%llu bytes available)",
				       d->p.name, (unsigned long long)d->p.limit);
		len = (size_t)(d->p.offset + d->p.limit - d->next_off);
	}
	if (len == 0) {  /* reading at the limit: the end */
		d->eof = true;
		b->asked = 0;
		return 0;
	}
	b->off = d->next_off;
	b->asked = len;
	b->busy = true;
	d->next_off += len;
	if (!d->uring)
		return sync_io(d, b);
	sqe = io_uring_get_sqe(&d->ring);
	if (!sqe)  /* cannot happen: one entry per buffer */
		return hb_fail(HB_EINTERNAL, "%s: io_uring queue full", d->p.name);
	if (d->p.writing) {
		(void)VALGRIND_CHECK_MEM_IS_DEFINED(b->data, len);
		io_uring_prep_write(sqe, d->p.fd, b->data, (unsigned)len, b->off);
	} else {
		io_uring_prep_read(sqe, d->p.fd, b->data, (unsigned)len, b->off);
	}
	io_uring_sqe_set_data(sqe, b);
	r = io_uring_submit(&d->ring);
	if (r < 0)
		return io_error(d, -r, "io_uring submit");
	return 0;
}

/* Reap completions until b is no longer busy. */
static int wait_for(struct hb_dio *d, struct dio_buf *b)
{
	int err = 0;

	while (b->busy) {
		struct io_uring_cqe *cqe;
		struct dio_buf *done;
		int r = io_uring_wait_cqe(&d->ring, &cqe);

		if (r == -EINTR)
			continue;
		if (r < 0)
			return io_error(d, -r, "io_uring wait");
		done = (struct dio_buf *)io_uring_cqe_get_data(cqe);
		r = complete(d, done, cqe->res);
		io_uring_cqe_seen(&d->ring, cqe);
		if (r && !err)
			err = r;
	}
	return err;
}

static int wait_all(struct hb_dio *d)
{
	unsigned i;
	int err = 0, r;

	for (i = 0; i < d->p.depth; i++) {
		r = wait_for(d, &d->bufs[i]);
		if (r && !err)
			err = r;
	}
	return err;
}

/* The stream's flush: buffer cur is full (or the padded tail); write it,
 * and stage into the next one once its own write is done. */
static int put_block(void *ctx, uint8_t **buf, size_t len, uint64_t off)
{
	struct hb_dio *d = (struct hb_dio *)ctx;
	int err;

	(void)off;  /* next_off says where: the stream starts at p.offset */
	err = submit(d, &d->bufs[d->cur], len);
	if (err)
		return err;
	d->cur = (d->cur + 1) % d->p.depth;
	*buf = d->bufs[d->cur].data;
	return wait_for(d, &d->bufs[d->cur]);
}

/* The stream's fill: the first time, the whole read-ahead window goes out;
 * then the buffer just consumed goes out again for the next part, and the
 * next one in turn is handed to the stream once its read is done. */
static int get_block(void *ctx, uint8_t **buf, size_t cap, uint64_t off, size_t *len)
{
	struct hb_dio *d = (struct hb_dio *)ctx;
	struct dio_buf *b = &d->bufs[d->cur];
	unsigned i;
	int err;

	(void)cap;
	(void)off;
	*len = 0;
	if (!d->started) {
		d->started = true;
		for (i = 0; i < d->p.depth && !d->eof; i++) {
			err = submit(d, &d->bufs[i], d->p.buf_size);
			if (err)
				return err;
		}
	} else {
		/* a short read, or a buffer past the end: nothing follows it */
		if (b->used < b->asked || b->asked == 0)
			return 0;
		b->asked = 0;
		if (!d->eof) {
			err = submit(d, b, d->p.buf_size);
			if (err)
				return err;
		}
		d->cur = (d->cur + 1) % d->p.depth;
		b = &d->bufs[d->cur];
	}
	if (b->busy && (err = wait_for(d, b)) != 0)
		return err;
	if (b->asked == 0)  /* never submitted: past the end */
		return 0;
	*buf = b->data;
	*len = b->used;
	return 0;
}

int hb_dio_open(struct hb_dio **out, const struct hb_dio_params *p)
{
	struct hb_dio *d = (struct hb_dio *)calloc(1, sizeof(*d));
	unsigned i;
	int r;

	*out = d;
	if (!d)
		return hb_fail(HB_ENOMEM, "out of memory");
	d->p = *p;
	d->next_off = p->offset;
	d->bufs = (struct dio_buf *)calloc(p->depth, sizeof(*d->bufs));
	if (!d->bufs)
		return hb_fail(HB_ENOMEM, "out of memory");
	for (i = 0; i < p->depth; i++) {
		d->bufs[i].data = (uint8_t *)hb_dio_alloc(p->buf_size);
		if (!d->bufs[i].data)
			return hb_fail(HB_ENOMEM, "out of memory for I/O buffers");
	}
	hb_stream_init(&d->stream, d->bufs[0].data, p->buf_size, d, put_block, get_block);
	r = io_uring_queue_init(p->depth, &d->ring, 0);
	d->uring = r == 0;
	if (!d->uring)
		hb_note("%s: io_uring unavailable (%s): one I/O at a time", p->name, strerror(-r));
	return 0;
}

int hb_dio_write(struct hb_dio *d, const void *buf, size_t len)
{
	return hb_stream_write(&d->stream, buf, len);
}

int hb_dio_finish(struct hb_dio *d)
{
	int err = hb_stream_flush(&d->stream, HB_DIO_ALIGN);
	int r = wait_all(d);

	return err ? err : r;
}

int hb_dio_read(struct hb_dio *d, void *buf, size_t len)
{
	return hb_stream_read(&d->stream, buf, len);
}

uint64_t hb_dio_position(const struct hb_dio *d)
{
	return d->stream.position;
}

void hb_dio_close(struct hb_dio *d)
{
	unsigned i;

	if (!d)
		return;
	if (d->uring) {
		wait_all(d);
		io_uring_queue_exit(&d->ring);
	}
	for (i = 0; d->bufs && i < d->p.depth; i++)
		free(d->bufs[i].data);
	free(d->bufs);
	free(d);
}
