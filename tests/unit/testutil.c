/* Scratch directories and whole-file helpers for the unit tests. */
#include "testutil.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void tu_mkdir(char *dir, size_t cap)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, cap, "%s/hiblab-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
}

void tu_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(tu_path(path, sizeof(path), dir, e->d_name));
	}
	closedir(d);
	rmdir(dir);
}

char *tu_path(char *buf, size_t cap, const char *dir, const char *name)
{
	snprintf(buf, cap, "%s/%s", dir, name);
	return buf;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	cr_assert_not_null(f, "open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n, "read %s", path);
	buf[n] = 0;  /* a text file reads as a string */
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void tu_write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "create %s", path);
	cr_assert_eq(fwrite(buf, 1, len, f), len, "write %s", path);
	cr_assert_eq(fclose(f), 0);
}

void tu_copy_file(const char *from, const char *to)
{
	size_t len;
	uint8_t *buf = tu_read_file(from, &len);

	tu_write_file(to, buf, len);
	free(buf);
}

size_t tu_file_size(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "stat %s", path);
	return (size_t)st.st_size;
}

int tu_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

void tu_flip(const char *path, size_t off, uint8_t mask)
{
	FILE *f = fopen(path, "r+b");
	int c;

	cr_assert_not_null(f, "open %s", path);
	cr_assert_eq(fseek(f, (long)off, SEEK_SET), 0);
	c = fgetc(f);
	cr_assert_neq(c, EOF, "offset %zu past the end of %s", off, path);
	fseek(f, (long)off, SEEK_SET);
	fputc(c ^ mask, f);
	cr_assert_eq(fclose(f), 0);
}

void tu_write_random(const char *path, size_t bytes, uint64_t seed)
{
	uint8_t *buf = malloc(bytes);
	uint64_t x = seed;
	size_t i;

	cr_assert_not_null(buf);
	for (i = 0; i < bytes; i++) {
		/* xorshift64: incompressible and the same for the same seed */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	tu_write_file(path, buf, bytes);
	free(buf);
}
