/* Ordered sections of the filter chain (turns.h). */
#include "turns.h"
#include "error.h"

#include <string.h>

void hb_turns_init(struct hb_turns *t, pthread_mutex_t *lock, pthread_cond_t *cond,
		   const uint64_t *failed_seq)
{
	memset(t, 0, sizeof(*t));
	t->lock = lock;
	t->cond = cond;
	t->failed_seq = failed_seq;
}

int hb_turn_begin(struct hb_turns *t, unsigned stage, uint64_t seq)
{
	int err = 0;

	pthread_mutex_lock(t->lock);
	while (t->next[stage] != seq && *t->failed_seq >= seq)
		pthread_cond_wait(t->cond, t->lock);
	if (t->next[stage] != seq)
		err = hb_fail(HB_EIO, "pipeline stopped");
	pthread_mutex_unlock(t->lock);
	return err;
}

void hb_turn_end(struct hb_turns *t, unsigned stage)
{
	pthread_mutex_lock(t->lock);
	t->next[stage]++;
	pthread_cond_broadcast(t->cond);
	pthread_mutex_unlock(t->lock);
}
