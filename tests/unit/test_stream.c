/* The staged byte stream (core/stream.h): appends of any size go out as
 * whole blocks at the right offsets, the tail padded only when asked,
 * reads cross blocks and end with HB_ETRUNCATED, a callback's error comes
 * back as it is, and a callback may hand the stream another buffer. */
#include "core/error.h"
#include "core/stream.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#define CAP 16u
#define DISK 200u

/* A little disk behind the callbacks, and what they were asked. */
struct fake {
	uint8_t disk[DISK];
	size_t size;              /* readable bytes */
	uint64_t offs[32];        /* offsets of the blocks flushed or filled */
	size_t lens[32];
	unsigned calls;
	unsigned fail_at;         /* the call that fails (0: none) */
	uint8_t spare[2][CAP];    /* double buffering: the buffers handed back */
	bool swap;
};

static int put(void *ctx, uint8_t **buf, size_t len, uint64_t off)
{
	struct fake *f = (struct fake *)ctx;

	f->offs[f->calls] = off;
	f->lens[f->calls] = len;
	if (++f->calls == f->fail_at)
		return hb_fail(HB_EIO, "put: failed at %llu", (unsigned long long)off);
	memcpy(f->disk + off, *buf, len);
	if (f->swap)
		*buf = f->spare[f->calls % 2];
	return 0;
}

static int get(void *ctx, uint8_t **buf, size_t cap, uint64_t off, size_t *len)
{
	struct fake *f = (struct fake *)ctx;

	f->offs[f->calls] = off;
	if (++f->calls == f->fail_at)
		return HB_ECORRUPT;
	*len = off >= f->size ? 0 : f->size - off < cap ? f->size - off : cap;
	if (f->swap)
		*buf = f->spare[f->calls % 2];
	memcpy(*buf, f->disk + off, *len);
	return 0;
}

static void pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 1);
}

static void write_in_pieces(bool swap)
{
	static struct fake f;
	uint8_t buf[CAP], data[100];
	struct hb_stream s;
	size_t sizes[] = { 1, 15, 16, 3, 29, 0, 36 }, i, at = 0;

	memset(&f, 0, sizeof(f));
	f.swap = swap;
	pattern(data, sizeof(data));
	hb_stream_init(&s, buf, CAP, &f, put, NULL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cr_assert_eq(hb_stream_write(&s, data + at, sizes[i]), 0);
		at += sizes[i];
	}
	cr_assert_eq(at, 100);
	cr_assert_eq(f.calls, 6, "100 bytes are 6 whole blocks of 16 (got %u)", f.calls);
	for (i = 0; i < f.calls; i++) {
		cr_assert_eq(f.offs[i], i * CAP);
		cr_assert_eq(f.lens[i], CAP);
	}
	cr_assert_eq(s.position, 100);
	/* the partial last block: padded to the unit, not to the block */
	cr_assert_eq(hb_stream_flush(&s, 8), 0);
	cr_assert_eq(f.calls, 7);
	cr_assert_eq(f.offs[6], 96);
	cr_assert_eq(f.lens[6], 8, "4 bytes padded to 8: %zu", f.lens[6]);
	cr_assert(memcmp(f.disk, data, 100) == 0);
	cr_assert_eq(f.disk[100] | f.disk[101] | f.disk[102] | f.disk[103], 0);
	cr_assert_eq(hb_stream_flush(&s, 8), 0);
	cr_assert_eq(f.calls, 7, "nothing staged: no call");
}

Test(stream, writes_whole_blocks_at_their_offsets)
{
	write_in_pieces(false);
}

Test(stream, callback_may_hand_another_buffer)
{
	write_in_pieces(true);
}

Test(stream, flush_without_padding)
{
	static struct fake f;
	uint8_t buf[CAP], data[5] = { 1, 2, 3, 4, 5 };
	struct hb_stream s;

	memset(&f, 0, sizeof(f));
	hb_stream_init(&s, buf, CAP, &f, put, NULL);
	cr_assert_eq(hb_stream_write(&s, data, 5), 0);
	cr_assert_eq(hb_stream_flush(&s, 1), 0);
	cr_assert_eq(f.lens[0], 5);
}

Test(stream, failing_flush_error_passed_through)
{
	static struct fake f;
	uint8_t buf[CAP], data[64];
	struct hb_stream s;
	int err;

	memset(&f, 0, sizeof(f));
	f.fail_at = 2;
	hb_stream_init(&s, buf, CAP, &f, put, NULL);
	err = hb_stream_write(&s, data, sizeof(data));
	cr_assert_eq(err, HB_EIO);
	cr_assert_str_eq(hb_detail(err), "put: failed at 16");
	cr_assert_eq(f.calls, 2, "no block after the failure");
}

static void read_across_blocks(bool swap)
{
	static struct fake f;
	uint8_t buf[CAP], got[100];
	struct hb_stream s;
	size_t sizes[] = { 3, 13, 1, 40, 0, 20 }, i, at = 0;

	memset(&f, 0, sizeof(f));
	f.swap = swap;
	pattern(f.disk, DISK);
	f.size = 77;
	hb_stream_init(&s, buf, CAP, &f, NULL, get);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cr_assert_eq(hb_stream_read(&s, got + at, sizes[i]), 0);
		at += sizes[i];
	}
	cr_assert(memcmp(got, f.disk, at) == 0);
	cr_assert_eq(s.position, 77);
	for (i = 0; i < f.calls; i++)
		cr_assert_eq(f.offs[i], i * CAP, "fill %zu at %llu", i, (unsigned long long)f.offs[i]);
	cr_assert_eq(hb_stream_read(&s, got, 1), HB_ETRUNCATED, "the end");
	cr_assert_eq(f.offs[f.calls - 1], 77);
}

Test(stream, reads_cross_blocks)
{
	read_across_blocks(false);
}

Test(stream, reads_from_the_callee_buffer)
{
	read_across_blocks(true);
}

Test(stream, read_past_the_end_is_truncated)
{
	static struct fake f;
	uint8_t buf[CAP], got[40];
	struct hb_stream s;

	memset(&f, 0, sizeof(f));
	f.size = 20;
	hb_stream_init(&s, buf, CAP, &f, NULL, get);
	cr_assert_eq(hb_stream_read(&s, got, sizeof(got)), HB_ETRUNCATED);
}

Test(stream, failing_fill_error_passed_through)
{
	static struct fake f;
	uint8_t buf[CAP], got[40];
	struct hb_stream s;

	memset(&f, 0, sizeof(f));
	f.size = DISK;
	f.fail_at = 2;
	hb_stream_init(&s, buf, CAP, &f, NULL, get);
	cr_assert_eq(hb_stream_read(&s, got, sizeof(got)), HB_ECORRUPT);
	cr_assert_eq(f.calls, 2);
}
