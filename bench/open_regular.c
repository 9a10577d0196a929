/* Opening a regular file without blocking (bench/open_regular.h). */
#include "open_regular.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static const char *kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "a special file";
}

int scn_open_regular(const char *path, struct stat *st)
{
	/* O_NONBLOCK: opening a FIFO would wait for a writer; the fstat below
	 * refuses it instead.  Reads of a regular file never block anyway. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return hb_fail(HB_EUSAGE, "%s: %s", path, strerror(errno));
	if (fstat(fd, st) != 0) {
		int e = errno;
		close(fd);
		return hb_fail(HB_EUSAGE, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return hb_fail(HB_EUSAGE, "%s: %s, not a regular file", path, kind_of(st->st_mode));
	}
	return fd;
}
