/* Turns: ordered sections of the filter chain, for filters marked .ordered
 * (dedup): stage i of chunk k runs after stage i of chunk k - 1, while the
 * other stages stay parallel.  The chain takes turns (chain.c); the pipeline
 * owns them and stops them (pipeline.c). */
#ifndef HB_TURNS_H
#define HB_TURNS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "format.h"

/* The lock, condition and failure flag are the pipeline's own: a failure
 * anywhere wakes every thread waiting for a turn. */
struct hb_turns {
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	const bool *failed;  /* set (under lock) when the pipeline stops */
	uint64_t next[HB_MAX_FILTERS];  /* the chunk whose turn it is, per stage */
};

void hb_turns_init(struct hb_turns *t, pthread_mutex_t *lock, pthread_cond_t *cond,
		   const bool *failed);

/* Wait until it is chunk seq's turn at stage; HB_EIO once the pipeline has
 * stopped. */
int hb_turn_begin(struct hb_turns *t, unsigned stage, uint64_t seq);

/* Pass the turn at stage to the next chunk. */
void hb_turn_end(struct hb_turns *t, unsigned stage);

#endif
