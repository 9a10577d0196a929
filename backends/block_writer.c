/* block: a raw block device or a preallocated image file.  Same layout as
 * file: (the 4096-byte header area at offset 0, records from 4096 on), but
 * the size is the device's (BLKGETSIZE64) or the file's, never exceeded and
 * never grown; O_DIRECT, in whole 4 KiB units (a multiple of any logical
 * block size up to 4096, which BLKSSZGET checks), through the dio stream.
 * The commit: records padded to 4 KiB, fdatasync (which also flushes the
 * drive's cache), the header area, fdatasync (docs/WRITERS.md). */
#include "backends/dio.h"
#include "backends/rawio.h"
#include "core/error.h"
#include "core/format.h"
#include "core/options.h"
#include "core/plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block_conf {
	char path[HB_STR_MAX];
	unsigned direct;  /* enum hb_direct */
	uint64_t buffer;
	int64_t depth;
};

struct block_priv {
	const struct block_conf *conf;
	struct hb_raw raw;
	struct hb_dio *dio;
	bool header_written;       /* save: an image may be on the target */
	uint64_t room;             /* bytes of records the target holds */
};

static bool is_hiblab_magic(const uint8_t *area)
{
	return memcmp(area, HB_MAGIC_VALID, HB_MAGIC_LEN) == 0 ||
	       memcmp(area, HB_MAGIC_SPENT, HB_MAGIC_LEN) == 0;
}

/* The header area (NULL: zeros, no image), durably. */
static int put_area(struct block_priv *b, const void *header, size_t len)
{
	uint8_t *area = (uint8_t *)hb_raw_alloc(&b->raw, HB_HEADER_AREA);
	int err;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	if (header)
		memcpy(area, header, len);
	err = hb_raw_write(&b->raw, area, HB_HEADER_AREA, 0);
	if (!err)
		err = hb_raw_sync(&b->raw);
	free(area);
	return err;
}

/* An old image must be gone before a new one is written over it; anything
 * else on the target stays as it is until records are written. */
static int drop_old_image(struct block_priv *b)
{
	uint8_t *area = (uint8_t *)hb_raw_alloc(&b->raw, HB_HEADER_AREA);
	int err;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	err = hb_raw_read(&b->raw, area, HB_HEADER_AREA, 0);
	if (!err && is_hiblab_magic(area))
		err = put_area(b, NULL, 0);
	free(area);
	return err;
}

static int block_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	struct block_priv *b = (struct block_priv *)priv;
	bool saving = mode == HB_OPEN_SAVE;
	unsigned flags = HB_RAW_WRITE | (saving ? HB_RAW_EXCL : HB_RAW_LOAD);
	char size[32];
	int err;

	b->conf = (const struct block_conf *)conf;
	err = hb_raw_open(&b->raw, "block", b->conf->path, flags, (enum hb_direct)b->conf->direct);
	if (err)
		return err;
	/* whole 4 KiB units only, so O_DIRECT never writes past the end */
	b->room = b->raw.size > HB_HEADER_AREA ? b->raw.size - HB_HEADER_AREA : 0;
	b->room -= b->room % HB_DIO_ALIGN;
	if (saving && b->room == 0) {
		hb_format_size(b->raw.size, size, sizeof(size));
		return hb_fail(HB_ENOSPACE, "%s: %s is too small for an image (the header area "
					    "alone takes 4 KiB)", b->raw.name, size);
	}
	if (saving) {
		err = drop_old_image(b);
		if (err)
			return err;
	}
	return hb_dio_open(&b->dio, &(struct hb_dio_params){
		.fd = b->raw.fd,
		.offset = HB_HEADER_AREA,
		.limit = b->room ? b->room : HB_DIO_ALIGN,
		.writing = saving,
		.buf_size = (size_t)(b->conf->buffer - b->conf->buffer % HB_DIO_ALIGN),
		.depth = (unsigned)b->conf->depth,
		.name = b->raw.name,
	});
}

static int block_write(void *priv, const void *buf, size_t len)
{
	struct block_priv *b = (struct block_priv *)priv;
	char room[32];

	if (len > b->room - hb_dio_position(b->dio)) {
		hb_format_size(b->room, room, sizeof(room));
		return hb_fail(HB_ENOSPACE, "%s: the image does not fit: the target holds %s of "
					    "records and the filters did not shrink the image "
					    "enough; no image was kept", b->raw.name, room);
	}
	return hb_dio_write(b->dio, buf, len);
}

static int block_read(void *priv, void *buf, size_t len)
{
	struct block_priv *b = (struct block_priv *)priv;

	if (b->room == 0)
		return HB_ETRUNCATED;
	return hb_dio_read(b->dio, buf, len);
}

static int block_read_header(void *priv, void *buf)
{
	struct block_priv *b = (struct block_priv *)priv;
	uint8_t *area = (uint8_t *)hb_raw_alloc(&b->raw, HB_HEADER_AREA);
	int err = 0;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	/* a target shorter than the header area holds no image: all zero */
	if (b->raw.size >= HB_HEADER_AREA)
		err = hb_raw_read(&b->raw, area, HB_HEADER_AREA, 0);
	if (!err)
		memcpy(buf, area, HB_HEADER_AREA);
	free(area);
	return err;
}

static int block_commit(void *priv, const void *header, size_t len)
{
	struct block_priv *b = (struct block_priv *)priv;
	int err = hb_dio_finish(b->dio);

	if (!err)
		err = hb_raw_sync(&b->raw);  /* records durable before the signature exists */
	if (err)
		return err;
	b->header_written = true;
	return put_area(b, header, len);
}

static int block_invalidate(void *priv, const void *header, size_t len)
{
	return put_area((struct block_priv *)priv, header, len);
}

static void block_abort(void *priv)
{
	struct block_priv *b = (struct block_priv *)priv;

	/* the header went out (a failed flush, or the source's power-off after
	 * the commit failed): take it back */
	if (b->header_written)
		put_area(b, NULL, 0);
}

static void block_close(void *priv)
{
	struct block_priv *b = (struct block_priv *)priv;

	hb_dio_close(b->dio);
	b->dio = NULL;
	hb_raw_close(&b->raw);
}

static int block_capacity(void *priv, uint64_t *bytes)
{
	*bytes = ((const struct block_priv *)priv)->room;
	return 0;
}

static const struct hb_option block_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "block device or preallocated image file",
	  .offset = offsetof(struct block_conf, path) },
	{ .name = "direct", .type = HB_OPT_CHOICE, .def = "auto", .choices = "auto|yes|no",
	  .help = "O_DIRECT: auto falls back to the page cache (with a note) where refused",
	  .offset = offsetof(struct block_conf, direct) },
	{ .name = "buffer", .type = HB_OPT_SIZE, .def = "1MiB", .min = 4096, .max = 64 << 20,
	  .help = "bytes per write (a multiple of 4 KiB)",
	  .offset = offsetof(struct block_conf, buffer) },
	{ .name = "depth", .type = HB_OPT_INT, .def = "4", .min = 1, .max = 64,
	  .help = "writes (or read-aheads) in flight",
	  .offset = offsetof(struct block_conf, depth) },
	{ .name = NULL },
};

const struct hb_writer hb_writer_block = {
	.base = {
		.name = "block",
		.help = "a raw block device or preallocated file: O_DIRECT, never past its end",
		.options = block_options,
		.conf_size = sizeof(struct block_conf),
		.priv_size = sizeof(struct block_priv),
	},
	.caps = HB_WRITER_RAW,
	.open = block_open,
	.write = block_write,
	.read = block_read,
	.read_header = block_read_header,
	.commit = block_commit,
	.invalidate = block_invalidate,
	.abort = block_abort,
	.close = block_close,
	.capacity = block_capacity,
};
