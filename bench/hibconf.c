/* Reading /etc/hiblab/hibernate.conf (hibconf.h): the file is checked as
 * something that chooses what root runs at boot before a byte of it is
 * used, then parsed line by line, then its values are checked together. */
#include "bench/hibconf.h"

#include "backends/swap_file.h"
#include "core/chain.h"
#include "core/error.h"
#include "core/options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Who could change the file: a symlink, another writer, or a directory in
 * which others can put a different file under its name. */
static int check_file(const char *path, int fd)
{
	char dir[HB_STR_MAX], *slash;
	struct stat st;

	if (fstat(fd, &st) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return hb_fail(HB_EUSAGE, "%s: not a regular file", path);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return hb_fail(HB_EUSAGE, "%s: writable by group or others, and it decides what "
					  "runs as root at boot: chmod go-w it", path);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return hb_fail(HB_EUSAGE, "%s: owned by uid %u, neither root nor you: chown it",
			       path, (unsigned)st.st_uid);
	if (st.st_size > HB_HIBCONF_MAX_BYTES)
		return hb_fail(HB_EUSAGE, "%s: %lld bytes, more than a configuration's %d", path,
			       (long long)st.st_size, HB_HIBCONF_MAX_BYTES);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = '\0';  /* "/x" keeps its "/" */
	if (stat(dir, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return hb_fail(HB_EUSAGE, "%s: its directory %s is writable by group or others "
					  "(without the sticky bit): anyone there can replace it",
			       path, dir);
	return 0;
}

/* The whole file into a new NUL-terminated buffer. */
static int read_all(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int err;

	*out = NULL;
	if (fd < 0 && errno == ELOOP)
		return hb_fail(HB_EUSAGE, "%s: a symlink: name the configuration file itself "
					  "(it decides what runs as root at boot)", path);
	if (fd < 0)
		return hb_fail(errno == ENOENT ? HB_EUSAGE : HB_EIO, "%s: %s", path,
			       strerror(errno));
	err = check_file(path, fd);
	if (err)
		goto out;
	buf = (char *)malloc(HB_HIBCONF_MAX_BYTES + 1);
	if (!buf) {
		err = hb_fail(HB_ENOMEM, "out of memory");
		goto out;
	}
	while (len < HB_HIBCONF_MAX_BYTES &&
	       (n = read(fd, buf + len, HB_HIBCONF_MAX_BYTES - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (memchr(buf, '\0', len)) {
		err = hb_fail(HB_EUSAGE, "%s: holds a NUL byte: not a text file", path);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

struct conf_key {
	const char *name;
	char *value;       /* HB_STR_MAX bytes */
	unsigned line;     /* where it was set; 0: not yet */
};

static int set_value(const char *path, unsigned line, char *text, struct conf_key *keys,
		     size_t nkeys)
{
	char *eq = strchr(text, '='), *name, *value;
	size_t i;

	if (!eq)
		return hb_fail(HB_EUSAGE, "%s:%u: expected 'key = value'", path, line);
	*eq = '\0';
	name = trim(text);
	value = trim(eq + 1);
	for (i = 0; i < nkeys && strcmp(keys[i].name, name) != 0; i++)
		;
	if (i == nkeys)
		return hb_fail(HB_EUSAGE, "%s:%u: unknown key '%.64s' (known: enabled, target, "
					  "swapfile, filters, key)", path, line, name);
	if (keys[i].line)
		return hb_fail(HB_EUSAGE, "%s:%u: %s set again (first on line %u)", path, line, name,
			       keys[i].line);
	if (strlen(value) >= HB_STR_MAX)
		return hb_fail(HB_EUSAGE, "%s:%u: the value of %s is longer than %d bytes", path,
			       line, name, HB_STR_MAX - 1);
	snprintf(keys[i].value, HB_STR_MAX, "%s", value);
	keys[i].line = line;
	return 0;
}

static int parse_lines(const char *path, char *text, struct conf_key *keys, size_t nkeys)
{
	char *next, *s;
	unsigned line = 0;
	int err = 0;

	for (; text && !err; text = next) {
		next = strchr(text, '\n');
		if (next)
			*next++ = '\0';
		line++;
		s = trim(text);
		if (*s == '\0' || *s == '#')
			continue;
		err = set_value(path, line, s, keys, nkeys);
	}
	return err;
}

/* Values checked together once every line is read. */
static int check_values(const char *path, struct hb_hibconf *c, const char *enabled,
			unsigned target_line)
{
	char why[HB_STR_MAX];
	struct hb_swap_file sf;
	struct hb_chain chain;
	int err;

	if (!*enabled || strcmp(enabled, "yes") == 0)
		c->enabled = true;
	else if (strcmp(enabled, "no") != 0)
		return hb_fail(HB_EUSAGE, "%s: enabled = %.64s: expected yes or no", path, enabled);
	if (target_line && !c->target[0])
		return hb_fail(HB_EUSAGE, "%s:%u: target is empty", path, target_line);
	if (target_line && c->swapfile[0])
		return hb_fail(HB_EUSAGE, "%s: both target and swapfile: name one", path);
	if (!target_line && !c->swapfile[0])
		return hb_fail(HB_EUSAGE, "%s: no target: set target = swap:/dev/DEV or "
					  "swapfile = PATH", path);
	err = hb_chain_from_text(&chain, c->filters);
	if (err) {
		snprintf(why, sizeof(why), "%s", hb_detail(err));
		return hb_fail(err, "%s: filters: %s", path, why);
	}
	c->seals = hb_chain_seals(&chain);
	hb_chain_free(&chain);
	if (c->key[0] && strcmp(c->key, HB_HIBCONF_PASSPHRASE) != 0 && !hb_hibconf_key_file(c))
		return hb_fail(HB_EUSAGE, "%s: key = %.64s: expected keyfile=PATH, passfile=PATH "
					  "or passphrase", path, c->key);
	if (c->seals && !c->key[0])
		return hb_fail(HB_EUSAGE, "%s: the filters encrypt but no key is set: key = "
					  "keyfile=PATH, passfile=PATH or passphrase", path);
	if (!c->seals && c->key[0])
		return hb_fail(HB_EUSAGE, "%s: a key but no cipher in the filters (add aes-256-gcm)",
			       path);
	if (!c->swapfile[0])
		return 0;
	err = hb_swap_file_locate(c->swapfile, &sf);
	if (err) {
		snprintf(why, sizeof(why), "%s", hb_detail(err));
		return hb_fail(err, "%s: swapfile = %s", path, why);
	}
	snprintf(c->target, sizeof(c->target), "swap:%s,offset=%llu", sf.device,
		 (unsigned long long)sf.offset);
	return 0;
}

int hb_hibconf_read(const char *path, struct hb_hibconf *c)
{
	char enabled[HB_STR_MAX] = "";
	struct conf_key keys[] = {
		{ .name = "enabled", .value = enabled },
		{ .name = "target", .value = c->target },
		{ .name = "swapfile", .value = c->swapfile },
		{ .name = "filters", .value = c->filters },
		{ .name = "key", .value = c->key },
	};
	char *text = NULL;
	int err;

	memset(c, 0, sizeof(*c));
	err = read_all(path, &text);
	if (!err)
		err = parse_lines(path, text, keys, sizeof(keys) / sizeof(keys[0]));
	if (!err)
		err = check_values(path, c, enabled, keys[1].line);
	free(text);
	return err;
}

const char *hb_hibconf_key_file(const struct hb_hibconf *c)
{
	if (strncmp(c->key, "keyfile=", 8) == 0 && c->key[8])
		return c->key + 8;
	if (strncmp(c->key, "passfile=", 9) == 0 && c->key[9])
		return c->key + 9;
	return NULL;
}

int hb_hibconf_check_initramfs(const struct hb_hibconf *c, const char *initramfs_path)
{
	struct hb_hibconf boot;
	int err;

	if (access(initramfs_path, F_OK) != 0 && errno == ENOENT)
		return 0;
	err = hb_hibconf_read(initramfs_path, &boot);
	if (err)
		return err;
	if (strcmp(boot.target, c->target) == 0)
		return 0;
	return hb_fail(HB_EUSAGE, "%s: the initramfs resumes from %s, but the image would go to "
				  "%s%s: run hiblab setup", initramfs_path, boot.target, c->target,
		       c->swapfile[0] ? " (the swap file was recreated?)" : "");
}
