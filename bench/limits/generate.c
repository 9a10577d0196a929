/* The generate rows: how fast each simulated memory profile makes pages
 * (hb_sim_fill of one chunk after another into a reused chunk buffer, one
 * thread; the pools are built before the clock starts), next to memcpy of
 * the page set's chunks into the same buffer: how close to memory speed the
 * simulator is (issue 11: at least 8 GB/s per core). */
#include "lim.h"

#include "sim/memory.h"

#include <stdlib.h>
#include <string.h>

struct gen_pass {
	const struct lim_pages *pages;
	struct hb_sim *sim;  /* NULL: memcpy the page set instead */
	uint8_t *buf;        /* one chunk */
	uint64_t sink;       /* keeps the copies live */
};

static int gen_pass(void *arg)
{
	struct gen_pass *g = (struct gen_pass *)arg;
	const struct lim_pages *p = g->pages;
	struct lim_chunk c;
	size_t i;

	for (i = 0; i < p->nchunks; i++) {
		lim_chunk_at(p, i, &c);
		if (g->sim)
			hb_sim_fill(g->sim, c.first_page, c.pages, g->buf);
		else
			memcpy(g->buf, c.orig, c.len);
		g->sink += g->buf[c.len - 1];
	}
	return 0;
}

int lim_generate(const struct lim_pages *p, const struct lim_timing *t, struct lim_gen_row *rows,
		 unsigned *n)
{
	struct gen_pass pass[LIM_GEN_ROWS];
	struct lim_job jobs[LIM_GEN_ROWS];
	const struct hb_profile *prof;
	unsigned i, k = 0;
	int err = -1;

	memset(pass, 0, sizeof(pass));
	rows[k++] = (struct lim_gen_row){ .name = "memcpy" };
	for (i = 0; k < LIM_GEN_ROWS && (prof = hb_profile_at(i)) != NULL; i++) {
		rows[k].name = prof->name;
		pass[k].sim = hb_sim_new(prof, 1, p->page_size);
		if (!pass[k++].sim) {
			fprintf(stderr, "hiblab-bench: out of memory for the page pools\n");
			goto out;
		}
	}
	for (i = 0; i < k; i++) {
		pass[i].pages = p;
		pass[i].buf = (uint8_t *)lim_alloc(p->chunk);
		if (!pass[i].buf) {
			fprintf(stderr, "hiblab-bench: out of memory\n");
			goto out;
		}
		jobs[i] = (struct lim_job){ .pass = gen_pass, .arg = &pass[i],
					    .bytes = (double)p->bytes };
	}
	fprintf(stderr, "hiblab-bench: generate ...\n");
	/* interleaved: a drift of the machine hits memcpy and every profile alike */
	if (lim_measure(jobs, k, t))
		goto out;
	for (i = 0; i < k; i++)
		rows[i].fig = jobs[i].best;
	*n = k;
	err = 0;
out:
	for (i = 0; i < LIM_GEN_ROWS; i++) {
		hb_sim_free(pass[i].sim);
		free(pass[i].buf);
	}
	return err;
}
