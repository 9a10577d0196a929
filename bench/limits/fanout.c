/* The bare library on N threads, each with its own context and output
 * buffer, over N disjoint slices of the same pages: the ceiling the parallel
 * pipeline is held against (issue 5, target 1).  A pass starts every thread
 * at once and ends when the last one is done, so the figure is the whole
 * set's bytes over wall time, the slowest slice included. */
#include "lim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum fan_mode { FAN_STOP, FAN_ENCODE, FAN_DECODE, FAN_RESUME };

struct fan;

struct fan_worker {
	pthread_t tid;
	struct fan *fan;
	struct lim_pass pass;
	int err;
};

/* A generation counter under a mutex rather than a barrier: a thread that
 * failed to start then leaves no other one waiting for it forever. */
struct fan {
	pthread_mutex_t mu;
	pthread_cond_t go, idle;
	unsigned gen;        /* bumped to start a pass (or to stop) */
	unsigned running;    /* threads still in the current pass */
	enum fan_mode mode;
	unsigned n;          /* threads started */
	struct fan_worker *w;
};

static void *fan_thread(void *arg)
{
	struct fan_worker *w = (struct fan_worker *)arg;
	struct fan *f = w->fan;
	unsigned seen = 0;
	enum fan_mode mode;

	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (f->gen == seen)
			pthread_cond_wait(&f->go, &f->mu);
		seen = f->gen;
		mode = f->mode;
		pthread_mutex_unlock(&f->mu);
		if (mode == FAN_STOP)
			break;
		w->err = mode == FAN_ENCODE   ? lim_pass_encode(&w->pass)
			 : mode == FAN_DECODE ? lim_pass_decode(&w->pass)
					      : lim_pass_resume(&w->pass);
		pthread_mutex_lock(&f->mu);
		if (--f->running == 0)
			pthread_cond_signal(&f->idle);
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}

static void fan_start(struct fan *f, enum fan_mode mode)
{
	pthread_mutex_lock(&f->mu);
	f->mode = mode;
	f->running = f->n;
	f->gen++;
	pthread_cond_broadcast(&f->go);
	pthread_mutex_unlock(&f->mu);
}

/* One pass of all threads, run by the main thread. */
static int fan_pass(void *arg)
{
	struct fan *f = (struct fan *)arg;
	unsigned i;

	fan_start(f, f->mode);
	pthread_mutex_lock(&f->mu);
	while (f->running)
		pthread_cond_wait(&f->idle, &f->mu);
	pthread_mutex_unlock(&f->mu);
	for (i = 0; i < f->n; i++) {
		if (f->w[i].err)
			return f->w[i].err;
	}
	return 0;
}

int lim_fanout(const struct lim_codec *c, const struct lim_pages *p, const struct lim_store *s,
	       unsigned n, const struct lim_timing *t, struct lim_fig *enc, struct lim_fig *dec,
	       struct lim_fig *resume)
{
	struct lim_job job = { .pass = fan_pass, .bytes = (double)p->bytes, .threads = n };
	size_t bound = c->bound(p->chunk);
	size_t cap = bound > p->chunk ? bound : p->chunk;
	struct fan f = { .mu = PTHREAD_MUTEX_INITIALIZER, .go = PTHREAD_COND_INITIALIZER,
			 .idle = PTHREAD_COND_INITIALIZER };
	unsigned i;
	int err = -1;

	memset(enc, 0, sizeof(*enc));
	memset(dec, 0, sizeof(*dec));
	memset(resume, 0, sizeof(*resume));
	f.w = (struct fan_worker *)calloc(n, sizeof(*f.w));
	for (i = 0; f.w && i < n; i++) {
		struct lim_pass *ps = &f.w[i].pass;

		f.w[i].fan = &f;
		ps->ops = &c->ops;
		ps->ctx = c->create(c);
		ps->pages = p;
		ps->store = s;
		ps->first = p->nchunks * i / n;
		ps->end = p->nchunks * (i + 1) / n;
		ps->cap = cap;
		ps->buf = (uint8_t *)malloc(cap);
		ps->rcap = cap + LIM_SPARE;
		ps->rbuf = (uint8_t *)malloc(ps->rcap);
		if (!ps->ctx || !ps->buf || !ps->rbuf)
			goto out;
	}
	for (f.n = 0; f.w && f.n < n; f.n++) {
		if (pthread_create(&f.w[f.n].tid, NULL, fan_thread, &f.w[f.n]) != 0)
			goto out;
	}
	job.arg = &f;
	f.mode = FAN_ENCODE;
	err = lim_measure(&job, 1, t);
	*enc = job.best;
	f.mode = FAN_DECODE;
	if (!err)
		err = lim_measure(&job, 1, t);
	*dec = job.best;
	f.mode = FAN_RESUME;
	if (!err)
		err = lim_measure(&job, 1, t);
	*resume = job.best;
out:
	if (f.n > 0) {
		fan_start(&f, FAN_STOP);
		for (i = 0; i < f.n; i++)
			pthread_join(f.w[i].tid, NULL);
	}
	for (i = 0; f.w && i < n; i++) {
		if (f.w[i].pass.ctx)
			c->ops.destroy(f.w[i].pass.ctx);
		free(f.w[i].pass.buf);
		free(f.w[i].pass.rbuf);
	}
	free(f.w);
	if (err)
		fprintf(stderr, "hiblab-bench: %s on %u threads failed\n", c->name, n);
	return err;
}
