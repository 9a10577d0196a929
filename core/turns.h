/* Turns: ordered sections of the filter chain, for filters marked .ordered
 * (dedup): stage i of chunk k runs after stage i of chunk k - 1, while the
 * other stages stay parallel.  The chain takes turns (chain.c); the pipeline
 * owns them and stops them (pipeline.c). */
#ifndef HB_TURNS_H
#define HB_TURNS_H

#include <pthread.h>
#include <stdint.h>

#include "format.h"

/* The lock and condition are the pipeline's own: a failure anywhere wakes
 * every thread waiting for a turn. */
struct hb_turns {
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	/* the earliest chunk that failed (under lock); UINT64_MAX while none has */
	const uint64_t *failed_seq;
	uint64_t next[HB_MAX_FILTERS];  /* the chunk whose turn it is, per stage */
};

void hb_turns_init(struct hb_turns *t, pthread_mutex_t *lock, pthread_cond_t *cond,
		   const uint64_t *failed_seq);

/* Wait until it is chunk seq's turn at stage; HB_EIO once a chunk before seq
 * has failed (it may hold the turn for good).  A failure after seq does not
 * stop the wait: every chunk before it was read and is being worked on, so
 * the turn comes, and seq's own verdict still counts (the pipeline reports
 * the earliest failed chunk). */
int hb_turn_begin(struct hb_turns *t, unsigned stage, uint64_t seq);

/* Pass the turn at stage to the next chunk. */
void hb_turn_end(struct hb_turns *t, unsigned stage);

#endif
