/* file: a regular image file, created 0600 (it holds memory).  The data area
 * goes through a direct-I/O stream (dio.h: O_DIRECT, several writes in
 * flight); records are durable (fdatasync) before the header is written at
 * offset 0, and the header is durable before commit returns. */
#include "dio.h"

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

struct file_conf {
	char path[HB_STR_MAX];
	bool sync;
	bool direct;
	uint64_t buffer;
	int64_t depth;
};

struct file_priv {
	const struct file_conf *conf;
	int fd;
	enum hb_open_mode mode;
	struct hb_dio *dio;
	bool truncated;     /* we emptied a regular file: abort may remove it */
	char name[HB_STR_MAX + 8];
};

static int io_fail(const struct file_priv *f, const char *what, int e)
{
	if (e == ENOSPC || e == EFBIG || e == EDQUOT)
		return hb_fail(HB_ENOSPACE, "%s: %s: %s", f->name, what, strerror(e));
	return hb_fail(HB_EIO, "%s: %s: %s", f->name, what, strerror(e));
}

/* Open with O_DIRECT where asked and allowed (tmpfs refuses it). */
static int open_fd(struct file_priv *f, int flags)
{
	if (f->conf->direct) {
		f->fd = open(f->conf->path, flags | O_DIRECT, 0600);
		if (f->fd >= 0 || errno != EINVAL)
			return f->fd;
		hb_note("%s: O_DIRECT refused by the file system; using the page cache", f->name);
	}
	f->fd = open(f->conf->path, flags, 0600);
	return f->fd;
}

static int file_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	struct file_priv *f = (struct file_priv *)priv;
	int flags = O_CLOEXEC | (mode == HB_OPEN_SAVE ? O_WRONLY | O_CREAT | O_TRUNC : O_RDWR);
	struct stat st;

	f->conf = (const struct file_conf *)conf;
	f->fd = -1;
	f->mode = mode;
	snprintf(f->name, sizeof(f->name), "file %s", f->conf->path);
	if (f->conf->buffer % HB_DIO_ALIGN)
		return hb_fail(HB_EUSAGE, "file: buffer=%llu: not a multiple of %u bytes (O_DIRECT)",
			       (unsigned long long)f->conf->buffer, HB_DIO_ALIGN);
	if (open_fd(f, flags) < 0 && mode == HB_OPEN_LOAD && (errno == EACCES || errno == EROFS))
		open_fd(f, O_RDONLY | O_CLOEXEC);  /* inspect still works */
	if (f->fd < 0) {
		if (errno == ENOENT && mode == HB_OPEN_LOAD)
			return hb_fail(HB_ENOIMAGE, "no image: %s does not exist", f->conf->path);
		return io_fail(f, "open", errno);
	}
	if (fstat(f->fd, &st) == 0 && !S_ISREG(st.st_mode))
		return hb_fail(HB_EUSAGE, "%s: not a regular file (for a device use block:)",
			       f->name);
	if (mode == HB_OPEN_SAVE && fchmod(f->fd, 0600) != 0)
		return io_fail(f, "chmod 0600", errno);
	f->truncated = mode == HB_OPEN_SAVE;
	return hb_dio_open(&f->dio, &(struct hb_dio_params){
		.fd = f->fd,
		.offset = HB_HEADER_AREA,
		.writing = mode == HB_OPEN_SAVE,
		.buf_size = (size_t)f->conf->buffer,
		.depth = (unsigned)f->conf->depth,
		.name = f->name,
	});
}

static int file_write(void *priv, const void *buf, size_t len)
{
	return hb_dio_write(((struct file_priv *)priv)->dio, buf, len);
}

static int file_read(void *priv, void *buf, size_t len)
{
	return hb_dio_read(((struct file_priv *)priv)->dio, buf, len);
}

static int file_read_header(void *priv, void *buf)
{
	struct file_priv *f = (struct file_priv *)priv;
	uint8_t *area = (uint8_t *)hb_dio_alloc(HB_HEADER_AREA);
	ssize_t n;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	do
		n = pread(f->fd, area, HB_HEADER_AREA, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		free(area);
		return io_fail(f, "read", errno);
	}
	memset(area + n, 0, HB_HEADER_AREA - (size_t)n);  /* a short file: no image */
	memcpy(buf, area, HB_HEADER_AREA);
	free(area);
	return 0;
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

/* Records durable, then the header area, then the header durable. */
static int put_header(struct file_priv *f, const void *header, size_t len)
{
	uint8_t *area = (uint8_t *)hb_dio_alloc(HB_HEADER_AREA);
	ssize_t n;
	int err;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	memset(area, 0, HB_HEADER_AREA);
	memcpy(area, header, len);
	err = sync_file(f);
	if (!err) {
		do
			n = pwrite(f->fd, area, HB_HEADER_AREA, 0);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)HB_HEADER_AREA)
			err = io_fail(f, "write of the header", n < 0 ? errno : ENOSPC);
	}
	if (!err)
		err = sync_file(f);
	free(area);
	return err;
}

static int file_commit(void *priv, const void *header, size_t len)
{
	struct file_priv *f = (struct file_priv *)priv;
	int err = hb_dio_finish(f->dio);

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

	/* the file was emptied at open: what is left is a half image.  Never
	 * anything else: a path that failed the checks is not ours to remove. */
	if (f->truncated)
		unlink(f->conf->path);
}

static void file_close(void *priv)
{
	struct file_priv *f = (struct file_priv *)priv;

	hb_dio_close(f->dio);
	f->dio = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static const struct hb_option file_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "image file (created 0600)", .offset = offsetof(struct file_conf, path) },
	{ .name = "sync", .type = HB_OPT_BOOL, .def = "yes",
	  .help = "fdatasync records before the header, and the header after",
	  .offset = offsetof(struct file_conf, sync) },
	{ .name = "direct", .type = HB_OPT_BOOL, .def = "yes",
	  .help = "O_DIRECT: bypass the page cache (falls back where refused)",
	  .offset = offsetof(struct file_conf, direct) },
	{ .name = "buffer", .type = HB_OPT_SIZE, .def = "1MiB", .min = 4096, .max = 64 << 20,
	  .help = "bytes per write (a multiple of 4 KiB)",
	  .offset = offsetof(struct file_conf, buffer) },
	{ .name = "depth", .type = HB_OPT_INT, .def = "4", .min = 1, .max = 64,
	  .help = "writes (or read-aheads) in flight",
	  .offset = offsetof(struct file_conf, depth) },
	{ .name = NULL },
};

const struct hb_writer hb_writer_file = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "file",
		.help = "a regular image file (O_DIRECT, io_uring)",
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
