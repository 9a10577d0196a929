/* file: restored pages into a file.  They go to a temporary file beside it
 * that is renamed into place only when the whole image verified, so a
 * refused image leaves nothing behind. */
#include "core/error.h"
#include "core/plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fsink_conf {
	char path[HB_STR_MAX];
};

struct fsink_priv {
	const struct fsink_conf *conf;
	struct hb_sink_info info;
	int fd;
	char tmp[HB_STR_MAX + 16];
};

static int fsink_fail(const struct fsink_priv *s, const char *what, int e)
{
	return hb_fail(e == ENOSPC ? HB_ENOSPACE : HB_EIO, "sink %s: %s: %s", s->conf->path, what,
		       strerror(e));
}

static int fsink_open(void *priv, const void *conf, const struct hb_sink_info *info)
{
	struct fsink_priv *s = (struct fsink_priv *)priv;

	s->conf = (const struct fsink_conf *)conf;
	s->info = *info;
	s->fd = -1;
	snprintf(s->tmp, sizeof(s->tmp), "%s.XXXXXX", s->conf->path);
	s->fd = mkstemp(s->tmp);
	if (s->fd < 0) {
		s->tmp[0] = '\0';
		return fsink_fail(s, "create", errno);
	}
	return 0;
}

static int fsink_write(void *priv, uint64_t first, uint32_t count, const uint8_t *buf)
{
	struct fsink_priv *s = (struct fsink_priv *)priv;
	uint64_t off = first * s->info.page_size;
	size_t len = (size_t)count * s->info.page_size;
	size_t done = 0;

	if (off + len > s->info.bytes)  /* the last page: only the source's bytes */
		len = (size_t)(s->info.bytes - off);
	while (done < len) {
		ssize_t n = pwrite(s->fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fsink_fail(s, "write", n < 0 ? errno : ENOSPC);
		done += (size_t)n;
	}
	return 0;
}

static int fsink_commit(void *priv)
{
	struct fsink_priv *s = (struct fsink_priv *)priv;

	if (ftruncate(s->fd, (off_t)s->info.bytes) != 0)
		return fsink_fail(s, "truncate", errno);
	if (fsync(s->fd) != 0)
		return fsink_fail(s, "fsync", errno);
	if (rename(s->tmp, s->conf->path) != 0)
		return fsink_fail(s, "rename into place", errno);
	s->tmp[0] = '\0';
	return 0;
}

static void fsink_close(void *priv)
{
	struct fsink_priv *s = (struct fsink_priv *)priv;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->tmp[0])
		unlink(s->tmp);  /* never committed: the pages are not trusted */
}

static const struct hb_option fsink_options[] = {
	{ .name = "path", .type = HB_OPT_STRING, .flags = HB_OPT_POSITIONAL,
	  .help = "file to write the restored pages to (replaced only on success)",
	  .offset = offsetof(struct fsink_conf, path) },
	{ .name = NULL },
};

const struct hb_sink hb_sink_file = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "file",
		.help = "restored pages, raw, into a file (written only if the image verified)",
		.options = fsink_options,
		.conf_size = sizeof(struct fsink_conf),
		.priv_size = sizeof(struct fsink_priv),
	},
	.open = fsink_open,
	.write = fsink_write,
	.commit = fsink_commit,
	.close = fsink_close,
};
