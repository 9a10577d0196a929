/* Helpers shared by the Criterion suites: scratch directories and files. */
#ifndef HB_TESTUTIL_H
#define HB_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A fresh directory under $TMPDIR (or /tmp); removed by tu_rmdir. */
void tu_mkdir(char *dir, size_t cap);
void tu_rmdir(const char *dir);

/* dir + "/" + name into buf; returns buf. */
char *tu_path(char *buf, size_t cap, const char *dir, const char *name);

/* Whole-file helpers: they abort the test on failure. */
uint8_t *tu_read_file(const char *path, size_t *len);  /* NUL after the len bytes */
void tu_write_file(const char *path, const void *buf, size_t len);
void tu_copy_file(const char *from, const char *to);
size_t tu_file_size(const char *path);
int tu_exists(const char *path);

/* bytes of seeded xorshift noise into path (seed != 0). */
void tu_write_random(const char *path, size_t bytes, uint64_t seed);

/* Flip one bit (mask) of the byte at off in path. */
void tu_flip(const char *path, size_t off, uint8_t mask);

#endif
