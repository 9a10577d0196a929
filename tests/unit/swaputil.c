/* Swap areas, pages and shell commands for the writer suites. */
#include "swaputil.h"
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SBIN "PATH=/usr/sbin:/sbin:$PATH; "

void su_make_swap(const char *path, const struct su_swap *s)
{
	uint32_t ps = s->page_size ? s->page_size : 4096;
	uint32_t version = s->version ? s->version : 1;
	uint32_t last = s->last_page ? s->last_page : s->pages - 1;
	size_t size = (size_t)s->pages * ps;
	uint8_t *buf = calloc(1, size);
	static const uint8_t uuid[16] = { 0x1b, 0x4e, 0x28, 0xba, 0x2f, 0xa1, 0x11, 0xd2,
					  0x88, 0x3f, 0x00, 0x16, 0xd3, 0xcc, 0xa4, 0x27 };
	uint32_t i;

	cr_assert_not_null(buf);
	memset(buf + ps, s->fill, size - ps);
	memcpy(buf + 1024, &version, 4);
	memcpy(buf + 1028, &last, 4);
	memcpy(buf + 1032, &s->nr_bad, 4);
	memcpy(buf + 1036, uuid, 16);
	if (s->label)
		strncpy((char *)buf + 1052, s->label, 16);
	for (i = 0; i < s->nr_bad; i++)
		memcpy(buf + 1536 + 4 * i, &s->bad[i], 4);
	if (s->tail_junk)
		memset(buf + ps - 64, s->tail_junk, 54);
	memcpy(buf + ps - 10, "SWAPSPACE2", 10);
	tu_write_file(path, buf, size);
	free(buf);
}

uint8_t *su_page(const char *path, uint64_t n, uint32_t page_size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(page_size);

	cr_assert_not_null(f, "open %s", path);
	cr_assert_not_null(buf);
	cr_assert_eq(fseeko(f, (off_t)(n * page_size), SEEK_SET), 0);
	cr_assert_eq(fread(buf, 1, page_size, f), page_size, "page %llu of %s",
		     (unsigned long long)n, path);
	fclose(f);
	return buf;
}

int su_page_is(const char *path, uint64_t n, uint32_t page_size, uint8_t v)
{
	uint8_t *p = su_page(path, n, page_size);
	uint32_t i;
	int same = 1;

	for (i = 0; i < page_size && same; i++)
		same = p[i] == v;
	free(p);
	return same;
}

void su_fill_file(const char *path, size_t size, uint8_t v)
{
	uint8_t *buf = malloc(size ? size : 1);

	cr_assert_not_null(buf);
	memset(buf, v, size);
	tu_write_file(path, buf, size);
	free(buf);
}

static int vsh(const char *fmt, va_list ap)
{
	char cmd[2048];
	int n, st;

	n = snprintf(cmd, sizeof(cmd), SBIN);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int su_sh(const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = vsh(fmt, ap);
	va_end(ap);
	return st;
}

int su_have(const char *cmd)
{
	return su_sh("command -v %s >/dev/null 2>&1", cmd) == 0;
}

int su_blkid(const char *path, const char *tag, char *out, size_t cap)
{
	char cmd[1024];
	FILE *p;
	int st;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), SBIN "blkid -p -s %s -o value '%s' 2>/dev/null", tag, path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	if (!fgets(out, (int)cap, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int su_loop_attach(const char *file, unsigned block_size, char *dev, size_t cap)
{
	char cmd[1024], bs[32] = "";
	FILE *p;

	dev[0] = '\0';
	if (!su_have("losetup") || access("/dev/loop-control", W_OK) != 0)
		return -1;
	if (block_size)
		snprintf(bs, sizeof(bs), "-b %u ", block_size);
	snprintf(cmd, sizeof(cmd), SBIN "losetup -f --show %s'%s' 2>/dev/null", bs, file);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(dev, (int)cap, p))
		dev[0] = '\0';
	pclose(p);
	dev[strcspn(dev, "\n")] = '\0';
	return dev[0] ? 0 : -1;
}

void su_loop_detach(const char *dev)
{
	if (dev[0])
		su_sh("losetup -d '%s' 2>/dev/null", dev);
}
