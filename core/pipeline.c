/* The parallel pipeline (see pipeline.h).  Chunk k lives in slot k % depth;
 * it may be read once chunk k - depth has been emitted, which is what bounds
 * memory and gives back-pressure.  Every thread runs the same loop and takes
 * whichever role is free: emit the next chunk in order (first, as it frees
 * a slot), or read the next chunk in order and then work on it. */
#include "pipeline.h"
#include "turns.h"
#include "alloc.h"
#include "error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE };

struct pipe {
	const struct hb_pipe_args *a;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct hb_slot *slots;
	enum slot_state *state;
	unsigned depth;
	uint64_t next_read, next_emit;
	bool reading, emitting, input_done, failed;
	int err;
	uint64_t err_seq;    /* the chunk that failed: the earliest one wins */
	char detail[512];
	struct hb_turns turns;
	double busy[HB_STAGES], excluded[HB_STAGES];  /* under lock */
};

/* One stage callback's time: the whole call, and its excluded share. */
struct lap {
	double busy, excluded;
};

unsigned hb_pipe_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* The phases booked in s, all of them. */
static double booked(const struct hb_slot *s)
{
	double sum = 0.0;
	unsigned i;

	for (i = 0; i < HB_PHASES; i++)
		sum += s->phase[i];
	return sum;
}

/* Run a stage's callback on s (lock not held).  Its time is what it booked
 * in the slot's phases: the callbacks lap the clock at their phase
 * boundaries, so the pipeline reads no clock of its own per chunk. */
static int timed(const struct pipe *p, int (*fn)(void *, struct hb_slot *), struct hb_slot *s,
		 struct lap *lap)
{
	double before = booked(s), excluded = s->phase[p->a->excluded];
	int r = fn(p->a->ctx, s);

	lap->busy = booked(s) - before;
	lap->excluded = s->phase[p->a->excluded] - excluded;
	return r;
}

/* Lock held. */
static void book(struct pipe *p, enum hb_stage stage, const struct lap *lap)
{
	p->busy[stage] += lap->busy;
	p->excluded[stage] += lap->excluded;
}

/* Called with the lock held.  Several workers may fail at once (two damaged
 * records); the report names the earliest chunk, not the first worker to
 * finish, so the same image always gives the same line.  A worker that read
 * chunk k always finishes its work, so every chunk before a failed one has
 * had its say by the time the threads are joined. */
static void fail(struct pipe *p, int err, uint64_t seq)
{
	if (!p->failed || seq < p->err_seq) {
		p->failed = true;
		p->err = err;
		p->err_seq = seq;
		snprintf(p->detail, sizeof(p->detail), "%s", hb_detail(err));
	}
	pthread_cond_broadcast(&p->cond);
}

/* Read chunk next_read into its slot, then work on it.  Lock held on entry
 * and exit; dropped while reading and working. */
static void read_and_work(struct pipe *p)
{
	uint64_t k = p->next_read;
	struct hb_slot *s = &p->slots[k % p->depth];
	struct lap lap;
	int r;

	p->reading = true;
	pthread_mutex_unlock(&p->lock);
	s->seq = k;
	r = timed(p, p->a->ops->read, s, &lap);
	pthread_mutex_lock(&p->lock);
	book(p, HB_STAGE_READ, &lap);
	p->reading = false;
	if (r == 1) {
		p->input_done = true;
		pthread_cond_broadcast(&p->cond);
		return;
	}
	if (r < 0) {
		fail(p, r, k);
		return;
	}
	p->next_read++;
	p->state[k % p->depth] = SLOT_BUSY;
	pthread_cond_broadcast(&p->cond);  /* another thread may read now */
	pthread_mutex_unlock(&p->lock);
	r = timed(p, p->a->ops->work, s, &lap);
	pthread_mutex_lock(&p->lock);
	book(p, HB_STAGE_WORK, &lap);
	if (r < 0)
		fail(p, r, k);
	else
		p->state[k % p->depth] = SLOT_DONE;
	pthread_cond_broadcast(&p->cond);
}

static void emit_next(struct pipe *p)
{
	unsigned i = (unsigned)(p->next_emit % p->depth);
	struct lap lap;
	int r;

	p->emitting = true;
	pthread_mutex_unlock(&p->lock);
	r = timed(p, p->a->ops->emit, &p->slots[i], &lap);
	pthread_mutex_lock(&p->lock);
	book(p, HB_STAGE_EMIT, &lap);
	p->emitting = false;
	if (r < 0) {
		fail(p, r, p->next_emit);
		return;
	}
	p->state[i] = SLOT_FREE;
	p->next_emit++;
	pthread_cond_broadcast(&p->cond);
}

static void *run_thread(void *arg)
{
	struct pipe *p = (struct pipe *)arg;

	pthread_mutex_lock(&p->lock);
	while (!p->failed) {
		if (!p->emitting && p->next_emit < p->next_read &&
		    p->state[p->next_emit % p->depth] == SLOT_DONE)
			emit_next(p);
		else if (!p->reading && !p->input_done && p->next_read < p->next_emit + p->depth)
			read_and_work(p);
		else if (p->input_done && p->next_emit == p->next_read)
			break;
		else
			pthread_cond_wait(&p->cond, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int setup_slots(struct pipe *p)
{
	const struct hb_pipe_args *a = p->a;
	unsigned i;
	int err;

	p->slots = (struct hb_slot *)calloc(p->depth, sizeof(*p->slots));
	p->state = (enum slot_state *)calloc(p->depth, sizeof(*p->state));
	if (!p->slots || !p->state)
		return hb_fail(HB_ENOMEM, "out of memory for the pipeline");
	for (i = 0; i < p->depth; i++) {
		struct hb_slot *s = &p->slots[i];
		/* as large as any stage, so checksums can append in place */
		s->in_cap = a->in_cap > a->chain->buf_cap ? a->in_cap : a->chain->buf_cap;
		s->in = (uint8_t *)malloc(s->in_cap ? s->in_cap : 1);
		if (!s->in)
			return hb_fail(HB_ENOMEM, "out of memory for the pipeline");
		err = hb_worker_init(&s->worker, a->chain, a->img);
		if (err)
			return err;
		s->worker.turns = &p->turns;
	}
	return 0;
}

/* After the join: every slot's booked phases, and the stage totals. */
static void report_times(const struct pipe *p, double wall, unsigned threads,
			 struct hb_pipe_times *t)
{
	unsigned i, ph;

	memset(t, 0, sizeof(*t));
	t->wall = wall;
	t->threads = threads;
	for (i = 0; i < p->depth; i++)
		for (ph = 0; ph < HB_PHASES; ph++)
			t->phase[ph] += p->slots[i].phase[ph];
	memcpy(t->busy, p->busy, sizeof(t->busy));
	memcpy(t->excluded, p->excluded, sizeof(t->excluded));
	t->engine = hb_engine_wall(wall, t->busy, t->excluded, threads);
}

static void free_slots(struct pipe *p)
{
	unsigned i;

	for (i = 0; p->slots && i < p->depth; i++) {
		hb_worker_fini(&p->slots[i].worker);
		/* the input held plaintext pages */
		hb_wipe_free(p->slots[i].in, p->slots[i].in_cap);
	}
	free(p->slots);
	free(p->state);
}

int hb_pipe_run(const struct hb_pipe_args *a)
{
	unsigned threads = a->threads ? a->threads : hb_pipe_default_threads();
	pthread_t *tids = NULL;
	unsigned started = 0, i;
	struct pipe p;
	double t0;
	int err;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.depth = a->depth ? a->depth : 2 * threads + 2;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	p.err_seq = UINT64_MAX;
	hb_turns_init(&p.turns, &p.lock, &p.cond, &p.err_seq);
	err = setup_slots(&p);
	if (err)
		goto out;
	tids = (pthread_t *)calloc(threads, sizeof(*tids));
	if (!tids) {
		err = hb_fail(HB_ENOMEM, "out of memory for threads");
		goto out;
	}
	/* the calling thread is worker 0 */
	t0 = hb_clock();
	for (i = 1; i < threads; i++) {
		if (pthread_create(&tids[i], NULL, run_thread, &p) != 0)
			break;
		started++;
	}
	run_thread(&p);
	for (i = 1; i <= started; i++)
		pthread_join(tids[i], NULL);
	if (a->times)
		report_times(&p, hb_clock() - t0, started + 1, a->times);
	if (p.failed) {
		err = p.err;
		hb_set_detail(p.detail);
	}
out:
	free(tids);
	free_slots(&p);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	return err;
}
