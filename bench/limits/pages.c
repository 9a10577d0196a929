/* The page set: generated once from a simulated memory profile (the very
 * pages `hiblab suspend --source sim:...` reads), or read from a file, and
 * written to one so `--source file:FILE` can read the same bytes without
 * paying for their generation.
 *
 * Each chunk sits in a slot with LIM_SPARE bytes after it, as the suspend
 * pipeline hands a chunk to the chain (core/pipeline.c: a writable slot with
 * room to grow in place), so the plugin path needs no copy the pipeline does
 * not make.  A digest of every chunk, taken once, proves that no filter
 * changed its input. */
#include "lim.h"

#include "core/options.h"
#include "sim/memory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static int pages_alloc(struct lim_pages *p, size_t exact, size_t chunk)
{
	size_t ps = LIM_PAGE_SIZE;

	if (chunk == 0 || chunk % ps) {
		fprintf(stderr, "hiblab-bench: chunk of %zu bytes: not a whole number of %zu-byte "
				"pages\n", chunk, ps);
		return -1;
	}
	if (exact == 0) {
		fprintf(stderr, "hiblab-bench: an empty page set\n");
		return -1;
	}
	p->page_size = ps;
	p->file_bytes = exact;
	p->bytes = (exact + ps - 1) / ps * ps;
	p->chunk = chunk;
	p->stride = chunk + LIM_SPARE;
	p->nchunks = (p->bytes + chunk - 1) / chunk;
	/* page-aligned, like a pipeline slot: the libraries' wide loads split
	 * no cache line more often on one path than on the other */
	p->data = (uint8_t *)lim_alloc(p->nchunks * p->stride);
	p->sums = (uint64_t *)calloc(p->nchunks, sizeof(*p->sums));
	if (!p->data || !p->sums) {
		fprintf(stderr, "hiblab-bench: out of memory for %zu bytes of pages\n", p->bytes);
		return -1;
	}
	/* the padding of a file's last page reads as zero, as the file source
	 * pads it */
	memset(p->data, 0, p->nchunks * p->stride);
	return 0;
}

/* The digest of every chunk, once the pages are in place. */
static void pages_seal(struct lim_pages *p)
{
	struct lim_chunk c;
	size_t i;

	for (i = 0; i < p->nchunks; i++) {
		lim_chunk_at(p, i, &c);
		p->sums[i] = XXH3_64bits(c.orig, c.len);
	}
}

int lim_pages_check(const struct lim_pages *p, const char *who)
{
	struct lim_chunk c;
	size_t i;

	for (i = 0; i < p->nchunks; i++) {
		lim_chunk_at(p, i, &c);
		if (XXH3_64bits(c.orig, c.len) != p->sums[i]) {
			fprintf(stderr, "hiblab-bench: %s changed chunk %zu of its input: a filter "
					"wrote into the pages\n", who, i);
			return -1;
		}
	}
	return 0;
}

int lim_pages_generate(struct lim_pages *p, const char *profile, uint64_t size, uint64_t seed,
		       size_t chunk)
{
	const struct hb_profile *prof = hb_profile_find(profile);
	struct hb_sim *sim;
	size_t i;
	char sz[32];

	memset(p, 0, sizeof(*p));
	if (!prof) {
		fprintf(stderr, "hiblab-bench: no profile %s (%s)\n", profile, hb_profile_names());
		return -1;
	}
	if (size % LIM_PAGE_SIZE || size > SIZE_MAX) {
		fprintf(stderr, "hiblab-bench: --size: not a whole number of %u-byte pages\n",
			LIM_PAGE_SIZE);
		return -1;
	}
	if (pages_alloc(p, (size_t)size, chunk))
		return -1;
	sim = hb_sim_new(prof, seed, p->page_size);
	if (!sim) {
		fprintf(stderr, "hiblab-bench: out of memory for the page pools\n");
		lim_pages_free(p);
		return -1;
	}
	for (i = 0; i < p->nchunks; i++) {
		struct lim_chunk c;

		lim_chunk_at(p, i, &c);
		hb_sim_fill(sim, c.first_page, c.pages, c.slot);
	}
	hb_sim_free(sim);
	pages_seal(p);
	hb_format_size(size, sz, sizeof(sz));
	snprintf(p->origin, sizeof(p->origin), "sim:%s,size=%llu,seed=%llu (%s)", profile,
		 (unsigned long long)size, (unsigned long long)seed, sz);
	return 0;
}

/* Exactly len bytes of fd; -1 on an error or an early end. */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errno = r < 0 ? errno : EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

int lim_pages_read(struct lim_pages *p, const char *path, size_t chunk)
{
	struct stat st;
	size_t i, off;
	int fd, err = -1;

	memset(p, 0, sizeof(*p));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "hiblab-bench: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX) {
		fprintf(stderr, "hiblab-bench: %s: empty or not a regular file\n", path);
		goto out;
	}
	if (pages_alloc(p, (size_t)st.st_size, chunk))
		goto out;
	for (i = 0, off = 0; off < p->file_bytes; i++, off += chunk) {
		size_t len = p->file_bytes - off < chunk ? p->file_bytes - off : chunk;

		if (read_full(fd, p->data + i * p->stride, len)) {
			fprintf(stderr, "hiblab-bench: %s: %s\n", path, strerror(errno));
			goto out;
		}
	}
	pages_seal(p);
	snprintf(p->origin, sizeof(p->origin), "file:%s", path);
	err = 0;
out:
	if (fd >= 0)
		close(fd);
	if (err)
		lim_pages_free(p);
	return err;
}

int lim_pages_write(const struct lim_pages *p, const char *path)
{
	size_t i, off;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	for (i = 0, off = 0; off < p->file_bytes; i++, off += p->chunk) {
		size_t len = p->file_bytes - off < p->chunk ? p->file_bytes - off : p->chunk;
		size_t done = 0;

		while (done < len) {
			ssize_t w = write(fd, p->data + i * p->stride + done, len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto fail;
			done += (size_t)w;
		}
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "hiblab-bench: --write-pages %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

void lim_pages_free(struct lim_pages *p)
{
	free(p->data);
	free(p->sums);
	memset(p, 0, sizeof(*p));
}

void lim_chunk_at(const struct lim_pages *p, size_t i, struct lim_chunk *c)
{
	size_t off = i * p->chunk;
	size_t len = p->bytes - off < p->chunk ? p->bytes - off : p->chunk;

	c->seq = i;
	c->first_page = off / p->page_size;
	c->pages = (uint32_t)(len / p->page_size);
	c->slot = p->data + i * p->stride;
	c->orig = c->slot;
	c->len = len;
	c->slot_cap = p->stride;
}
