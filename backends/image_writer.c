/* file: and block: — one image-file writer on the raw I/O layer (rawio.h),
 * in two tables that differ only in open and abort.  The layout: the
 * 4096-byte header area at offset 0, records from 4096 on, through the dio
 * stream (O_DIRECT where allowed, several writes in flight).  The commit:
 * records padded to 4 KiB, fdatasync (which on a device also flushes the
 * drive's cache), the header area, fdatasync (docs/WRITERS.md).
 *
 * file: a regular file, created 0600 (it holds memory), or at a save open
 * an old image (or a file whose first 4 KiB are zero) emptied, never any
 * other file; made durable with its directory entry; an aborted save
 * removes it.  sync=no skips every fdatasync.
 *
 * block: a raw block device or a preallocated file: its size is the device's
 * (BLKGETSIZE64) or the file's, never exceeded and never grown, in whole
 * 4 KiB units (a multiple of any logical block size up to 4096, which
 * BLKSSZGET checks).  A save open wipes an old image's header, and refuses
 * (without force=yes) a target on which libblkid finds a file system,
 * partition table, RAID or LUKS header; an aborted save wipes the new
 * image's header. */
#include "backends/dio.h"
#include "backends/rawio.h"
#include "core/error.h"
#include "core/format.h"
#include "core/options.h"
#include "core/plugin.h"

#include <blkid/blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct image_conf {
	char path[HB_STR_MAX];
	bool sync;          /* file: */
	bool file_direct;   /* file: yes falls back where refused, as block:'s auto */
	unsigned direct;    /* block: enum hb_direct */
	bool force;         /* block: write over a signature blkid recognises */
	uint64_t buffer;
	int64_t depth;
};

struct image_priv {
	const struct image_conf *conf;
	struct hb_raw raw;
	struct hb_dio *dio;
	bool sync;            /* fdatasync records before the header, and the header after */
	bool created;         /* save: file: created or emptied it, so abort may remove it */
	bool header_written;  /* save: an image may be on the target */
	uint64_t room;        /* bytes of records the target holds */
};

/* The data area from HB_HEADER_AREA on (room: at most that many bytes). */
static int open_stream(struct image_priv *w, enum hb_open_mode mode, size_t buffer,
		       uint64_t limit)
{
	return hb_dio_open(&w->dio, &(struct hb_dio_params){
		.fd = w->raw.fd,
		.offset = HB_HEADER_AREA,
		.limit = limit,
		.writing = mode == HB_OPEN_SAVE,
		.buf_size = buffer,
		.depth = (unsigned)w->conf->depth,
		.name = w->raw.name,
	});
}

/* The header area (NULL: zeros, no image), durably where syncing. */
static int put_area(struct image_priv *w, const void *header, size_t len)
{
	uint8_t *area = (uint8_t *)hb_raw_alloc(&w->raw, HB_HEADER_AREA);
	int err;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	if (header)
		memcpy(area, header, len);
	err = hb_raw_write(&w->raw, area, HB_HEADER_AREA, 0);
	if (!err && w->sync)
		err = hb_raw_sync(&w->raw);
	free(area);
	return err;
}

static bool is_hiblab_magic(const uint8_t *area)
{
	return memcmp(area, HB_MAGIC_VALID, HB_MAGIC_LEN) == 0 ||
	       memcmp(area, HB_MAGIC_SPENT, HB_MAGIC_LEN) == 0;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len && *p == 0) {
		p++;
		len--;
	}
	return len == 0;
}

/* What the first 4 KiB of the target hold; a shorter file reads as zeros
 * past its end. */
enum front { FRONT_IMAGE, FRONT_ZERO, FRONT_OTHER };

static int read_front(struct image_priv *w, enum front *front)
{
	uint8_t *area = (uint8_t *)hb_raw_alloc(&w->raw, HB_HEADER_AREA);
	ssize_t n;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	do
		n = pread(w->raw.fd, area, HB_HEADER_AREA, 0);
	while (n < 0 && errno == EINTR);
	*front = is_hiblab_magic(area) ? FRONT_IMAGE
		 : all_zero(area, HB_HEADER_AREA) ? FRONT_ZERO : FRONT_OTHER;
	free(area);
	return n < 0 ? hb_raw_fail(&w->raw, "read", errno) : 0;
}

/* "an ext4", "a dos": the article a name takes when read out. */
static const char *article(const char *name)
{
	return name[0] && strchr("aeioux", name[0]) ? "an" : "a";
}

/* What blkid found, said for a person: "an ext4 file system". */
static void describe_signature(blkid_probe pr, char *buf, size_t cap)
{
	const char *type = NULL, *usage = "", *table = NULL;

	blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
	blkid_probe_lookup_value(pr, "USAGE", &usage, NULL);
	blkid_probe_lookup_value(pr, "PTTYPE", &table, NULL);
	if (!type && table)
		snprintf(buf, cap, "%s %s partition table", article(table), table);
	else if (!type)
		snprintf(buf, cap, "a signature");
	else if (strcmp(usage, "filesystem") == 0)
		snprintf(buf, cap, "%s %s file system", article(type), type);
	else if (strcmp(usage, "raid") == 0)
		snprintf(buf, cap, "a RAID member (%s)", type);
	else if (strcmp(usage, "crypto") == 0)
		snprintf(buf, cap, "an encrypted volume (%s)", type);
	else
		snprintf(buf, cap, "%s %s signature", article(type), type);
}

/* O_DIRECT on or off on the target's own descriptor (the locked inode: no
 * second open that could name another file). */
static int set_direct(struct hb_raw *r, bool on)
{
	int flags = fcntl(r->fd, F_GETFL);

	if (flags < 0 || fcntl(r->fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) != 0)
		return hb_raw_fail(r, "fcntl(O_DIRECT)", errno);
	return 0;
}

/* Refuse a target that blkid finds a file system, partition table, RAID or
 * LUKS header on, as mkfs and mkswap do: it is somebody's data, and block:
 * would write over it.  libblkid reads through its own unaligned buffers,
 * so O_DIRECT is off while it probes. */
static int refuse_foreign_signature(struct image_priv *w)
{
	blkid_probe pr = blkid_new_probe();
	char what[96];
	int found = 1, err = 0;

	if (!pr)
		return hb_fail(HB_ENOMEM, "out of memory");
	if (w->raw.direct)
		err = set_direct(&w->raw, false);
	if (err)
		goto out;
	if (blkid_probe_set_device(pr, w->raw.fd, 0, 0) == 0 &&
	    blkid_probe_enable_superblocks(pr, 1) == 0 &&
	    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE) == 0 &&
	    blkid_probe_enable_partitions(pr, 1) == 0 &&
	    blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC) == 0)
		found = blkid_do_safeprobe(pr);
	else
		found = -1;
	if (w->raw.direct)
		err = set_direct(&w->raw, true);
	if (err)
		goto out;
	if (found == 0) {
		describe_signature(pr, what, sizeof(what));
		err = hb_fail(HB_EUSAGE, "%s: holds %s (blkid); use force=yes to overwrite it",
			      w->raw.name, what);
	} else if (found == -2) {
		err = hb_fail(HB_EUSAGE, "%s: holds more than one signature (blkid); use force=yes "
					 "to overwrite it", w->raw.name);
	} else if (found < 0) {
		err = hb_fail(HB_EIO, "%s: blkid could not probe it for a file system or "
				      "partition table (force=yes skips the probe)", w->raw.name);
	}
out:
	blkid_free_probe(pr);
	return err;
}

/* Before a save writes anything: an old image (valid or spent) is dropped,
 * since it must be gone before a new one is written over it; anything else
 * is written over only when blkid recognises nothing on it, or with
 * force=yes.  Until records are written the target stays as it was. */
static int claim_for_save(struct image_priv *w)
{
	enum front front;
	int err = read_front(w, &front);

	if (!err && front == FRONT_IMAGE)
		err = put_area(w, NULL, 0);
	else if (!err && !w->conf->force)
		err = refuse_foreign_signature(w);
	return err;
}

/* A save replaces an old image, or a file whose first 4 KiB are zero (a
 * suspend cut short before its commit, a preallocated file), and nothing
 * else: that is somebody's data.  Called with the target locked. */
static int empty_for_save(struct image_priv *w)
{
	enum front front;
	int err;

	if (w->raw.size == 0)
		return 0;
	err = read_front(w, &front);
	if (err)
		return err;
	if (front == FRONT_OTHER)
		return hb_fail(HB_EUSAGE, "%s: holds something that is not a hiblab image; remove "
					  "it first", w->raw.name);
	if (ftruncate(w->raw.fd, 0) != 0)
		return hb_raw_fail(&w->raw, "truncate", errno);
	w->raw.size = 0;
	return 0;
}

/* ---- open and abort: where file: and block: differ --------------------------- */

static int file_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	struct image_priv *w = (struct image_priv *)priv;
	bool saving = mode == HB_OPEN_SAVE;
	unsigned flags = HB_RAW_FILE | (saving ? HB_RAW_CREATE : HB_RAW_WRITE | HB_RAW_LOAD);
	int err;

	w->conf = (const struct image_conf *)conf;
	w->sync = w->conf->sync;
	w->room = UINT64_MAX;  /* a file grows */
	if (w->conf->buffer % HB_DIO_ALIGN)
		return hb_fail(HB_EUSAGE, "file: buffer=%llu: not a multiple of %u bytes (O_DIRECT)",
			       (unsigned long long)w->conf->buffer, HB_DIO_ALIGN);
	err = hb_raw_open(&w->raw, "file", w->conf->path, flags,
			  w->conf->file_direct ? HB_DIRECT_AUTO : HB_DIRECT_NO);
	if (!err && saving)
		err = empty_for_save(w);
	if (err)
		return err;
	w->created = saving;
	return open_stream(w, mode, (size_t)w->conf->buffer, 0);
}

static int block_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	struct image_priv *w = (struct image_priv *)priv;
	bool saving = mode == HB_OPEN_SAVE;
	unsigned flags = HB_RAW_WRITE | (saving ? HB_RAW_EXCL : HB_RAW_LOAD);
	char size[32];
	int err;

	w->conf = (const struct image_conf *)conf;
	w->sync = true;
	err = hb_raw_open(&w->raw, "block", w->conf->path, flags,
			  (enum hb_direct)w->conf->direct);
	if (err)
		return err;
	/* whole 4 KiB units only, so O_DIRECT never writes past the end */
	w->room = w->raw.size > HB_HEADER_AREA ? w->raw.size - HB_HEADER_AREA : 0;
	w->room -= w->room % HB_DIO_ALIGN;
	if (saving && w->room == 0) {
		hb_format_size(w->raw.size, size, sizeof(size));
		return hb_fail(HB_ENOSPACE, "%s: %s is too small for an image (the header area "
					    "alone takes 4 KiB)", w->raw.name, size);
	}
	if (saving) {
		err = claim_for_save(w);
		if (err)
			return err;
	}
	return open_stream(w, mode, (size_t)(w->conf->buffer - w->conf->buffer % HB_DIO_ALIGN),
			   w->room ? w->room : HB_DIO_ALIGN);
}

static void file_abort(void *priv)
{
	struct image_priv *w = (struct image_priv *)priv;
	struct stat st;

	/* the file was emptied at open: what is left is a half image.  Never
	 * anything else: a path that failed the checks, or one that names
	 * another file by now, is not ours to remove. */
	if (w->created && lstat(w->conf->path, &st) == 0 && st.st_dev == w->raw.dev &&
	    st.st_ino == w->raw.ino)
		unlink(w->conf->path);
}

static void block_abort(void *priv)
{
	struct image_priv *w = (struct image_priv *)priv;

	/* the header went out (a failed flush, or the source's power-off after
	 * the commit failed): take it back */
	if (w->header_written)
		put_area(w, NULL, 0);
}

/* ---- the rest: one implementation ---------------------------------------------- */

static int image_write(void *priv, const void *buf, size_t len)
{
	struct image_priv *w = (struct image_priv *)priv;
	char room[32];

	if (len > w->room - hb_dio_position(w->dio)) {
		hb_format_size(w->room, room, sizeof(room));
		return hb_fail(HB_ENOSPACE, "%s: the image does not fit: the target holds %s of "
					    "records and the filters did not shrink the image "
					    "enough; no image was kept", w->raw.name, room);
	}
	return hb_dio_write(w->dio, buf, len);
}

static int image_read(void *priv, void *buf, size_t len)
{
	struct image_priv *w = (struct image_priv *)priv;

	if (w->room == 0)
		return HB_ETRUNCATED;
	return hb_dio_read(w->dio, buf, len);
}

static int image_read_header(void *priv, void *buf)
{
	struct image_priv *w = (struct image_priv *)priv;
	uint8_t *area = (uint8_t *)hb_raw_alloc(&w->raw, HB_HEADER_AREA);
	int err = 0;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	/* a target shorter than the header area holds no image: all zero */
	if (w->raw.size >= HB_HEADER_AREA)
		err = hb_raw_read(&w->raw, area, HB_HEADER_AREA, 0);
	if (!err)
		memcpy(buf, area, HB_HEADER_AREA);
	free(area);
	return err;
}

/* A new file is durable only once its directory entry is. */
static int sync_dir(struct image_priv *w)
{
	char *copy = strdup(w->conf->path);
	int fd, err = 0;

	if (!copy)
		return hb_fail(HB_ENOMEM, "out of memory");
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && fsync(fd) != 0 && errno != EINVAL)
		err = hb_raw_fail(&w->raw, "fsync of its directory", errno);
	if (fd >= 0)
		close(fd);
	free(copy);
	return err;
}

static int image_commit(void *priv, const void *header, size_t len)
{
	struct image_priv *w = (struct image_priv *)priv;
	int err = hb_dio_finish(w->dio);

	if (!err && w->sync)
		err = hb_raw_sync(&w->raw);  /* records durable before the signature exists */
	if (err)
		return err;
	w->header_written = true;
	err = put_area(w, header, len);
	if (!err && w->sync && w->created)
		err = sync_dir(w);
	return err;
}

static int image_invalidate(void *priv, const void *header, size_t len)
{
	return put_area((struct image_priv *)priv, header, len);
}

static void image_close(void *priv)
{
	struct image_priv *w = (struct image_priv *)priv;

	hb_dio_close(w->dio);
	w->dio = NULL;
	hb_raw_close(&w->raw);
}

static int block_capacity(void *priv, uint64_t *bytes)
{
	*bytes = ((const struct image_priv *)priv)->room;
	return 0;
}

#define BUFFER_OPTION                                                                 \
	{ .name = "buffer", .type = HB_OPT_SIZE, .def = "1MiB", .min = 4096,          \
	  .max = 64 << 20, .help = "bytes per write (a multiple of 4 KiB)",          \
	  .offset = offsetof(struct image_conf, buffer) }
#define DEPTH_OPTION                                                                  \
	{ .name = "depth", .type = HB_OPT_INT, .def = "4", .min = 1, .max = 64,       \
	  .help = "writes (or read-aheads) in flight",                                \
	  .offset = offsetof(struct image_conf, depth) }

static const struct hb_option file_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "image file (created 0600)", .offset = offsetof(struct image_conf, path) },
	{ .name = "sync", .type = HB_OPT_BOOL, .def = "yes",
	  .help = "fdatasync records before the header, and the header after",
	  .offset = offsetof(struct image_conf, sync) },
	{ .name = "direct", .type = HB_OPT_BOOL, .def = "yes",
	  .help = "O_DIRECT: bypass the page cache (falls back where refused)",
	  .offset = offsetof(struct image_conf, file_direct) },
	BUFFER_OPTION,
	DEPTH_OPTION,
	{ .name = NULL },
};

static const struct hb_option block_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "block device or preallocated image file",
	  .offset = offsetof(struct image_conf, path) },
	{ .name = "direct", .type = HB_OPT_CHOICE, .def = "auto", .choices = "auto|yes|no",
	  .help = "O_DIRECT: auto falls back to the page cache (with a note) where refused",
	  .offset = offsetof(struct image_conf, direct) },
	{ .name = "force", .type = HB_OPT_BOOL, .def = "no",
	  .help = "write over a file system, partition table, RAID or LUKS header (blkid)",
	  .offset = offsetof(struct image_conf, force) },
	BUFFER_OPTION,
	DEPTH_OPTION,
	{ .name = NULL },
};

const struct hb_writer hb_writer_file = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "file",
		.help = "a regular image file (O_DIRECT, io_uring)",
		.options = file_options,
		.conf_size = sizeof(struct image_conf),
		.priv_size = sizeof(struct image_priv),
	},
	.open = file_open,
	.write = image_write,
	.read = image_read,
	.read_header = image_read_header,
	.commit = image_commit,
	.invalidate = image_invalidate,
	.abort = file_abort,
	.close = image_close,
};

const struct hb_writer hb_writer_block = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "block",
		.help = "a raw block device or preallocated file: O_DIRECT, never past its end",
		.options = block_options,
		.conf_size = sizeof(struct image_conf),
		.priv_size = sizeof(struct image_priv),
	},
	.caps = HB_WRITER_RAW,
	.open = block_open,
	.write = image_write,
	.read = image_read,
	.read_header = image_read_header,
	.commit = image_commit,
	.invalidate = image_invalidate,
	.abort = block_abort,
	.close = image_close,
	.capacity = block_capacity,
};
