/* The fuzz targets' scratch directory and key file (fuzz.h). */
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOTS 4

static char scratch[256];
static char paths[SLOTS][320];
static char key_spec[340];

static void remove_scratch(void)
{
	unsigned i;

	for (i = 0; i < SLOTS; i++)
		if (paths[i][0])
			unlink(paths[i]);
	rmdir(scratch);
}

const char *fuzz_path(unsigned slot, const char *name)
{
	if (!scratch[0]) {
		const char *tmp = getenv("TMPDIR");
		struct stat st;

		/* memory, when there is /dev/shm: a resume syncs its target twice */
		if (!tmp || !*tmp)
			tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
		snprintf(scratch, sizeof(scratch), "%s/hiblab-fuzz-XXXXXX", tmp);
		if (!mkdtemp(scratch)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(remove_scratch);
	}
	if (slot >= SLOTS)
		abort();
	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", scratch, name);
	return paths[slot];
}

void fuzz_write_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const uint8_t *p = (const uint8_t *)data;

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (size) {
		ssize_t n = write(fd, p, size);
		if (n <= 0) {
			perror(path);
			abort();
		}
		p += n;
		size -= (size_t)n;
	}
	close(fd);
}

const char *fuzz_key_spec(void)
{
	if (!key_spec[0]) {
		const char *path = fuzz_path(SLOTS - 1, "key");
		fuzz_write_file(path, FUZZ_KEY_HEX "\n", strlen(FUZZ_KEY_HEX) + 1);
		snprintf(key_spec, sizeof(key_spec), "keyfile=%s", path);
	}
	return key_spec;
}
