/* file: raw pages from a file (a memory dump).  Its exact length is kept in
 * the image, so restoring to a file gives back the same bytes. */
#include "core/error.h"
#include "core/plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct fsrc_conf {
	char path[HB_STR_MAX];
	uint64_t page_size;
};

struct fsrc_priv {
	const struct fsrc_conf *conf;
	int fd;
	uint64_t bytes;
};

static int fsrc_open(void *priv, const void *conf, struct hb_source_info *info)
{
	struct fsrc_priv *s = (struct fsrc_priv *)priv;
	struct stat st;
	off_t end;

	s->conf = (const struct fsrc_conf *)conf;
	s->fd = -1;
	/* O_NONBLOCK: a FIFO is refused below instead of waiting for a writer */
	s->fd = open(s->conf->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (s->fd < 0)
		return hb_fail(errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? HB_EUSAGE : HB_EIO,
			       "source %s: %s", s->conf->path, strerror(errno));
	if (fstat(s->fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return hb_fail(HB_EUSAGE, "source %s: not a regular file or a block device",
			       s->conf->path);
	/* shared: while it is read, no hiblab writes an image into it, this
	 * suspend's own target included (it asks for the file exclusively) */
	while (flock(s->fd, LOCK_SH | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			return hb_fail(HB_EBUSY, "source %s: in use by another hiblab", s->conf->path);
		if (errno != EINTR)
			return hb_fail(HB_EIO, "source %s: lock: %s", s->conf->path, strerror(errno));
	}
	if (s->conf->page_size & (s->conf->page_size - 1))
		return hb_fail(HB_EUSAGE, "file: page-size=%llu: not a power of two",
			       (unsigned long long)s->conf->page_size);
	/* lseek, not st_size: works for block devices too */
	end = lseek(s->fd, 0, SEEK_END);
	if (end < 0)
		return hb_fail(HB_EIO, "source %s: %s", s->conf->path, strerror(errno));
	s->bytes = (uint64_t)end;
	info->page_size = (uint32_t)s->conf->page_size;
	info->bytes = s->bytes;
	return 0;
}

static int fsrc_read(void *priv, uint64_t first, uint32_t count, uint8_t *buf)
{
	struct fsrc_priv *s = (struct fsrc_priv *)priv;
	size_t len = (size_t)count * s->conf->page_size;
	uint64_t off = first * s->conf->page_size;
	size_t got = 0;

	while (got < len && off + got < s->bytes) {
		ssize_t n = pread(s->fd, buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hb_fail(HB_EIO, "source %s: read: %s", s->conf->path, strerror(errno));
		if (n == 0)
			return hb_fail(HB_EIO, "source %s: shrank while being read", s->conf->path);
		got += (size_t)n;
	}
	memset(buf + got, 0, len - got);  /* the last page's tail */
	return 0;
}

static void fsrc_close(void *priv)
{
	struct fsrc_priv *s = (struct fsrc_priv *)priv;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static const struct hb_option fsrc_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "file or device to read pages from",
	  .offset = offsetof(struct fsrc_conf, path) },
	{ .name = "page-size", .type = HB_OPT_SIZE, .def = "4096", .min = 512, .max = 65536,
	  .help = "page size of the image", .offset = offsetof(struct fsrc_conf, page_size) },
	{ .name = NULL },
};

const struct hb_source hb_source_file = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "file",
		.help = "raw pages from a file or device (a memory dump)",
		.options = fsrc_options,
		.conf_size = sizeof(struct fsrc_conf),
		.priv_size = sizeof(struct fsrc_priv),
	},
	.parallel_read = true,  /* pread: no shared file position */
	.replayable = true,     /* read-only, a regular file or a device, locked shared */
	.open = fsrc_open,
	.read = fsrc_read,
	.close = fsrc_close,
};
