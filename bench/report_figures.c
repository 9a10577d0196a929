/* What the reports show for a run's figures: a speed with its spread over
 * the cycles, or the verdict's word where the run measured nothing (a
 * refused run did not go at 0.0 MB/s), and the chains' points of the
 * ratio-against-speed chart. */
#include "reports.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void scn_report_speed(const struct scn_result *r, bool resume, struct scn_speed *s)
{
	const struct scn_samples *cycles = resume ? &r->resume_cycle_s : &r->suspend_cycle_s;
	double mean = resume ? r->resume_mbps : r->suspend_mbps;

	memset(s, 0, sizeof(*s));
	/* a resume that did not restore the memory has no speed worth a bar */
	if (resume && r->verdict != SCN_VERDICT_RESTORED)
		return;
	s->cycles = cycles->count;
	if (s->cycles) {
		s->mbps = resume ? r->resume_mbps_median : r->suspend_mbps_median;
		s->min = resume ? r->resume_mbps_min : r->suspend_mbps_min;
		s->max = resume ? r->resume_mbps_max : r->suspend_mbps_max;
	} else {
		s->mbps = s->min = s->max = mean;
	}
	s->measured = s->mbps > 0;
}

bool scn_report_has_ratio(const struct scn_result *r)
{
	return r->bytes_out > 0 && r->ratio > 0;
}

const char *scn_report_unmeasured(const struct scn_result *r)
{
	if (r->verdict == SCN_VERDICT_RESTORED)
		return "";  /* a figure a restored run lacks: nothing to say but the dash */
	return r->verdict == SCN_VERDICT_NONE ? "none" : scn_verdict_name(r->verdict);
}

/* The index of chain in points[0..n), or n. */
static unsigned find_chain(const struct scn_chain_point *points, unsigned n, const char *chain)
{
	unsigned i;

	for (i = 0; i < n && strcmp(points[i].chain, chain) != 0; i++)
		;
	return i;
}

static int by_ratio(const void *a, const void *b)
{
	double x = ((const struct scn_chain_point *)a)->ratio;
	double y = ((const struct scn_chain_point *)b)->ratio;

	return (x > y) - (x < y);
}

/* x, y into scratch for scn_pareto_front; each point on the front marked. */
static void mark_front(struct scn_chain_point *p, unsigned n, bool resume, double *x, double *y,
		       unsigned *front)
{
	unsigned i, count;

	for (i = 0; i < n; i++) {
		x[i] = p[i].ratio;
		y[i] = resume ? p[i].resume_mbps : p[i].suspend_mbps;
	}
	count = scn_pareto_front(x, y, n, front);
	for (i = 0; i < count; i++) {
		if (resume)
			p[front[i]].best_resume = true;
		else
			p[front[i]].best_suspend = true;
	}
}

int scn_chain_points(const struct scn_results *rs, struct scn_chain_point **out,
		     unsigned *count)
{
	struct scn_chain_point *p = NULL;
	unsigned i, n = 0, *sn = NULL, *rn = NULL, *front = NULL;
	double *x = NULL, *y = NULL;
	int err = 0;

	*out = NULL;
	*count = 0;
	if (!rs->count)
		return 0;
	p = (struct scn_chain_point *)calloc(rs->count, sizeof(*p));
	sn = (unsigned *)calloc(rs->count, sizeof(*sn));
	rn = (unsigned *)calloc(rs->count, sizeof(*rn));
	front = (unsigned *)calloc(rs->count, sizeof(*front));
	x = (double *)calloc(rs->count, sizeof(*x));
	y = (double *)calloc(rs->count, sizeof(*y));
	if (!p || !sn || !rn || !front || !x || !y) {
		err = hb_fail(HB_ENOMEM, "chain points: out of memory");
		goto out;
	}
	for (i = 0; i < rs->count; i++) {
		const struct scn_result *r = &rs->v[i];
		struct scn_speed s;
		unsigned at;
		/* only chains that brought the memory back are choices at all */
		if (r->verdict != SCN_VERDICT_RESTORED || !scn_report_has_ratio(r))
			continue;
		at = find_chain(p, n, r->chain);
		if (at == n)
			p[n++].chain = r->chain;
		p[at].runs++;
		p[at].ratio += r->ratio;
		scn_report_speed(r, false, &s);
		if (s.measured) {
			p[at].suspend_mbps += s.mbps;
			sn[at]++;
		}
		scn_report_speed(r, true, &s);
		if (s.measured) {
			p[at].resume_mbps += s.mbps;
			rn[at]++;
		}
	}
	for (i = 0; i < n; i++) {
		p[i].ratio /= p[i].runs;
		p[i].suspend_mbps = sn[i] ? p[i].suspend_mbps / sn[i] : NAN;
		p[i].resume_mbps = rn[i] ? p[i].resume_mbps / rn[i] : NAN;
	}
	/* in order of ratio: the chart joins each front left to right */
	qsort(p, n, sizeof(*p), by_ratio);
	mark_front(p, n, false, x, y, front);
	mark_front(p, n, true, x, y, front);
	*out = p;
	*count = n;
	p = NULL;
out:
	free(p);
	free(sn);
	free(rn);
	free(front);
	free(x);
	free(y);
	return err;
}
