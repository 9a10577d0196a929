/* Timing, passes over the page set, and the stores of encoded records the
 * decode passes read. */
#include "lim.h"

#include "core/hash.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

double lim_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One run: whole passes until min_time has gone by (at least one).  The
 * process's CPU time tells whether the run had its CPUs to itself. */
static int run_once(struct lim_job *j, double min_time, double *mbps, double *share)
{
	double c0 = cpu_now(), t0 = lim_now(), dt;
	unsigned long passes = 0;
	int err;

	do {
		err = j->pass(j->arg);
		if (err)
			return err;
		passes++;
		dt = lim_now() - t0;
	} while (dt < min_time);
	*mbps = (double)passes * j->bytes / dt / 1e6;
	*share = (cpu_now() - c0) / dt / (j->threads ? j->threads : 1);
	return 0;
}

int lim_measure(struct lim_job *jobs, unsigned n, const struct lim_timing *t)
{
	unsigned rep, i;
	double mbps, share;
	int err;

	for (i = 0; i < n; i++)
		jobs[i].best.mbps = jobs[i].best.share = 0;
	if (t->reps > LIM_REPS_MAX)
		return -1;
	for (rep = 0; rep < t->reps; rep++) {
		for (i = 0; i < n; i++) {
			err = run_once(&jobs[i], t->min_time, &mbps, &share);
			if (err)
				return err;
			jobs[i].run[rep] = mbps;
			if (mbps > jobs[i].best.mbps) {
				jobs[i].best.mbps = mbps;
				jobs[i].best.share = share;
			}
		}
	}
	return 0;
}

double lim_overhead(const struct lim_job *bare, const struct lim_job *plg, unsigned reps)
{
	double r[LIM_REPS_MAX], v;
	unsigned i, j;

	if (reps == 0 || reps > LIM_REPS_MAX)
		return 0;
	/* insertion sort: a handful of values */
	for (i = 0; i < reps; i++) {
		v = bare->run[i] / plg->run[i];
		for (j = i; j > 0 && r[j - 1] > v; j--)
			r[j] = r[j - 1];
		r[j] = v;
	}
	v = reps % 2 ? r[reps / 2] : (r[reps / 2 - 1] + r[reps / 2]) / 2;
	return (v - 1.0) * 100.0;
}

/* Output of the runner goes to a reused buffer, hot in cache, as a
 * pipeline worker's does; one byte of it and its length feed the sink so
 * the compiler cannot drop the work. */
int lim_pass_encode(void *arg)
{
	struct lim_pass *p = (struct lim_pass *)arg;
	struct lim_chunk c;
	const uint8_t *out;
	size_t i, n;
	int err;

	for (i = p->first; i < p->end; i++) {
		lim_chunk_at(p->pages, i, &c);
		err = p->ops->encode(p->ctx, &c, p->buf, p->cap, &out, &n);
		if (err)
			return err;
		p->sink += n + (n ? out[n - 1] : 0);
	}
	return 0;
}

int lim_pass_decode(void *arg)
{
	struct lim_pass *p = (struct lim_pass *)arg;
	const struct lim_store *s = p->store;
	struct lim_chunk c;
	const uint8_t *out;
	size_t i, n;
	int err;

	for (i = p->first; i < p->end; i++) {
		lim_chunk_at(p->pages, i, &c);
		err = p->ops->decode(p->ctx, &c, s->buf + s->off[i], s->len[i], p->buf, p->cap,
				     &out, &n);
		if (err)
			return err;
		p->sink += n + (n ? out[n - 1] : 0);
	}
	return 0;
}

int lim_pass_resume(void *arg)
{
	struct lim_pass *p = (struct lim_pass *)arg;
	const struct lim_store *s = p->store;
	uint8_t digest[HB_DIGEST_LEN];
	struct lim_chunk c;
	const uint8_t *out;
	size_t i, n;
	int err;

	for (i = p->first; i < p->end; i++) {
		if (s->len[i] > p->rcap)
			return -1;
		lim_chunk_at(p->pages, i, &c);
		memcpy(p->rbuf, s->buf + s->off[i], s->len[i]);
		p->sink += hb_crc32c(0, p->rbuf, s->len[i]);
		err = p->ops->decode(p->ctx, &c, p->rbuf, s->len[i], p->buf, p->cap, &out, &n);
		if (err)
			return err;
		hb_chunk_digest(out, n, digest);
		p->sink += digest[0];
	}
	return 0;
}

int lim_store_fill(struct lim_store *s, struct lim_pass *p, size_t bound, const char *what)
{
	size_t n = p->pages->nchunks, i, len, end = 0;
	const uint8_t *out;
	struct lim_chunk c;
	int err = -1;

	memset(s, 0, sizeof(*s));
	s->nchunks = n;
	/* room for every record at its bound: only the pages written are
	 * ever touched, so a 3x compressed set costs a third of it */
	if (p->keep_data)
		bound += p->pages->chunk;
	s->buf = (uint8_t *)lim_alloc(n * (bound + LIM_ALIGN));
	s->off = (size_t *)calloc(n, sizeof(*s->off));
	s->len = (size_t *)calloc(n, sizeof(*s->len));
	if (!s->buf || !s->off || !s->len) {
		fprintf(stderr, "hiblab-bench: %s: out of memory for the encoded set\n", what);
		goto out;
	}
	for (i = 0; i < n; i++) {
		lim_chunk_at(p->pages, i, &c);
		if (p->ops->encode(p->ctx, &c, p->buf, p->cap, &out, &len) != 0 || len > bound) {
			fprintf(stderr, "hiblab-bench: %s: encoding chunk %zu failed\n", what, i);
			goto out;
		}
		/* each record on a cache line of its own, as the page set's
		 * chunks: bare and plugin read inputs of the same alignment */
		s->off[i] = end;
		if (p->keep_data) {
			/* a checksum's record, as the plugin stores it: the data,
			 * then the digest; decode reads both from here */
			memcpy(s->buf + end, c.orig, c.len);
			memcpy(s->buf + end + c.len, out, len);
			len += c.len;
		} else {
			memcpy(s->buf + end, out, len);
		}
		s->len[i] = len;
		s->total += len;
		end += (len + LIM_ALIGN - 1) / LIM_ALIGN * LIM_ALIGN;
	}
	/* a runner that does not give the pages back measures nothing */
	for (i = 0; i < n; i++) {
		lim_chunk_at(p->pages, i, &c);
		if (p->ops->decode(p->ctx, &c, s->buf + s->off[i], s->len[i], p->buf, p->cap, &out,
				   &len) != 0 ||
		    len != c.len || memcmp(out, c.orig, len) != 0) {
			fprintf(stderr, "hiblab-bench: %s: chunk %zu does not round-trip\n", what, i);
			goto out;
		}
	}
	err = 0;
out:
	if (err)
		lim_store_free(s);
	return err;
}

void *lim_alloc(size_t size)
{
	void *p = NULL;

	return posix_memalign(&p, 4096, size ? size : 1) == 0 ? p : NULL;
}

void lim_store_free(struct lim_store *s)
{
	free(s->buf);
	free(s->off);
	free(s->len);
	memset(s, 0, sizeof(*s));
}
