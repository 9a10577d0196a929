/* file: a regular image file.  Created 0600 (it holds memory), written
 * through a staging buffer, fdatasync'ed before the header is written:
 * the header at offset 0, records from HB_HEADER_AREA on. */
#include "core/error.h"
#include "core/plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGE_SIZE (1u << 20)

struct file_conf {
	char path[HB_STR_MAX];
	bool sync;
};

struct file_priv {
	const struct file_conf *conf;
	int fd;
	bool saving;
	uint64_t pos;        /* file offset of stage[0] */
	uint8_t *stage;
	size_t used;         /* save: bytes staged; load: bytes valid in stage */
	size_t taken;        /* load: bytes of stage already handed out */
};

static int io_fail(const struct file_priv *f, const char *what, int e)
{
	if (e == ENOSPC || e == EFBIG || e == EDQUOT)
		return hb_fail(HB_ENOSPACE, "file %s: %s: %s", f->conf->path, what, strerror(e));
	return hb_fail(HB_EIO, "file %s: %s: %s", f->conf->path, what, strerror(e));
}

static int pwrite_all(struct file_priv *f, const uint8_t *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(f->fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_fail(f, "write", n < 0 ? errno : ENOSPC);
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Read up to len bytes at off; *got < len only at the end of the file. */
static int pread_all(struct file_priv *f, uint8_t *buf, size_t len, uint64_t off, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = pread(f->fd, buf + *got, len - *got, (off_t)(off + *got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_fail(f, "read", errno);
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static int file_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	struct file_priv *f = (struct file_priv *)priv;
	struct stat st;
	int flags = O_CLOEXEC | (mode == HB_OPEN_SAVE ? O_WRONLY | O_CREAT | O_TRUNC : O_RDWR);

	f->conf = (const struct file_conf *)conf;
	f->fd = -1;
	f->saving = mode == HB_OPEN_SAVE;
	f->pos = HB_HEADER_AREA;
	f->fd = open(f->conf->path, flags, 0600);
	if (f->fd < 0 && mode == HB_OPEN_LOAD && (errno == EACCES || errno == EROFS))
		f->fd = open(f->conf->path, O_RDONLY | O_CLOEXEC);  /* inspect still works */
	if (f->fd < 0) {
		if (errno == ENOENT && mode == HB_OPEN_LOAD)
			return hb_fail(HB_ENOIMAGE, "no image: %s does not exist", f->conf->path);
		return io_fail(f, "open", errno);
	}
	if (fstat(f->fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(f->fd);
		f->fd = -1;
		return hb_fail(HB_EUSAGE, "file %s: not a regular file (for a device use block:)",
			       f->conf->path);
	}
	if (f->saving && fchmod(f->fd, 0600) != 0)
		return io_fail(f, "chmod 0600", errno);
	f->stage = (uint8_t *)malloc(STAGE_SIZE);
	if (!f->stage)
		return hb_fail(HB_ENOMEM, "out of memory");
	return 0;
}

static int flush_stage(struct file_priv *f)
{
	int err = pwrite_all(f, f->stage, f->used, f->pos);

	f->pos += f->used;
	f->used = 0;
	return err;
}

static int file_write(void *priv, const void *buf, size_t len)
{
	struct file_priv *f = (struct file_priv *)priv;
	const uint8_t *p = (const uint8_t *)buf;
	int err;

	while (len) {
		size_t n = STAGE_SIZE - f->used;
		if (f->used == 0 && len >= STAGE_SIZE) {
			/* large writes skip the stage: no copy */
			n = len - len % STAGE_SIZE;
			err = pwrite_all(f, p, n, f->pos);
			if (err)
				return err;
			f->pos += n;
		} else {
			if (n > len)
				n = len;
			memcpy(f->stage + f->used, p, n);
			f->used += n;
			if (f->used == STAGE_SIZE && (err = flush_stage(f)) != 0)
				return err;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int file_read(void *priv, void *buf, size_t len)
{
	struct file_priv *f = (struct file_priv *)priv;
	uint8_t *p = (uint8_t *)buf;
	size_t got;
	int err;

	while (len) {
		size_t n = f->used - f->taken;
		if (n == 0) {
			f->pos += f->used;
			f->used = f->taken = 0;
			err = pread_all(f, f->stage, STAGE_SIZE, f->pos, &got);
			if (err)
				return err;
			if (got == 0)
				return HB_ETRUNCATED;
			f->used = got;
			continue;
		}
		if (n > len)
			n = len;
		memcpy(p, f->stage + f->taken, n);
		f->taken += n;
		p += n;
		len -= n;
	}
	return 0;
}

static int file_read_header(void *priv, void *buf)
{
	struct file_priv *f = (struct file_priv *)priv;
	size_t got;
	int err = pread_all(f, (uint8_t *)buf, HB_HEADER_AREA, 0, &got);

	if (!err)
		memset((uint8_t *)buf + got, 0, HB_HEADER_AREA - got);
	return err;
}

static int sync_file(struct file_priv *f)
{
	if (f->conf->sync && fdatasync(f->fd) != 0)
		return io_fail(f, "fdatasync", errno);
	return 0;
}

/* A new file is durable only once its directory entry is. */
static int sync_dir(struct file_priv *f)
{
	char *copy = strdup(f->conf->path);
	int fd, err = 0;

	if (!copy)
		return hb_fail(HB_ENOMEM, "out of memory");
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && fsync(fd) != 0 && errno != EINVAL)
		err = io_fail(f, "fsync of its directory", errno);
	if (fd >= 0)
		close(fd);
	free(copy);
	return err;
}

static int put_header(struct file_priv *f, const void *header, size_t len)
{
	uint8_t *area = (uint8_t *)calloc(1, HB_HEADER_AREA);
	int err;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	memcpy(area, header, len);
	err = sync_file(f);  /* records durable before the signature exists */
	if (!err)
		err = pwrite_all(f, area, HB_HEADER_AREA, 0);
	if (!err)
		err = sync_file(f);
	free(area);
	return err;
}

static int file_commit(void *priv, const void *header, size_t len)
{
	struct file_priv *f = (struct file_priv *)priv;
	int err = flush_stage(f);

	if (!err)
		err = put_header(f, header, len);
	if (!err && f->conf->sync)
		err = sync_dir(f);
	return err;
}

static int file_invalidate(void *priv, const void *header, size_t len)
{
	return put_header((struct file_priv *)priv, header, len);
}

static void file_abort(void *priv)
{
	struct file_priv *f = (struct file_priv *)priv;

	/* the file was truncated at open: what is left is a half image */
	if (f->fd >= 0)
		unlink(f->conf->path);
}

static void file_close(void *priv)
{
	struct file_priv *f = (struct file_priv *)priv;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->stage);
	f->stage = NULL;
}

static const struct hb_option file_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "image file (created 0600)", .offset = offsetof(struct file_conf, path) },
	{ .name = "sync", .type = HB_OPT_BOOL, .def = "yes",
	  .help = "fdatasync records before the header, and the header after",
	  .offset = offsetof(struct file_conf, sync) },
	{ .name = NULL },
};

const struct hb_writer hb_writer_file = {
	.base = {
		.name = "file",
		.help = "a regular image file",
		.options = file_options,
		.conf_size = sizeof(struct file_conf),
		.priv_size = sizeof(struct file_priv),
	},
	.open = file_open,
	.write = file_write,
	.read = file_read,
	.read_header = file_read_header,
	.commit = file_commit,
	.invalidate = file_invalidate,
	.abort = file_abort,
	.close = file_close,
};
