/* Per-cycle figures of a run: kept as each cycle's seconds, and the spread
 * of MB/s over them (median, fastest, slowest) that reports and compare use. */
#include "results.h"

#include <stdlib.h>

void scn_samples_add(struct scn_samples *s, double seconds)
{
	if (s->count < SCN_SAMPLES_MAX && seconds > 0)
		s->v[s->count++] = seconds;
}

unsigned scn_samples_mbps(const struct scn_samples *s, uint64_t bytes, double *out)
{
	unsigned i, n = s->count < SCN_SAMPLES_MAX ? s->count : SCN_SAMPLES_MAX;

	for (i = 0; i < n; i++)
		out[i] = s->v[i] > 0 ? (double)bytes / s->v[i] / 1e6 : 0;
	return n;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void scn_quantiles(double *v, unsigned n, double *p50, double *p95, double *max)
{
	qsort(v, n, sizeof(*v), by_value);
	/* nearest rank: what a cycle really took, never an interpolation */
	*p50 = v[(n - 1) / 2];
	*p95 = v[(unsigned)(0.95 * (double)(n - 1) + 0.5)];
	*max = v[n - 1];
}

static void spread(const struct scn_samples *s, uint64_t bytes, double *median, double *min,
		   double *max)
{
	double mbps[SCN_SAMPLES_MAX], p95;
	unsigned n = scn_samples_mbps(s, bytes, mbps);

	*median = *min = *max = 0;
	if (n == 0)
		return;
	scn_quantiles(mbps, n, median, &p95, max);
	*min = mbps[0];
}

void scn_result_spread(struct scn_result *r)
{
	spread(&r->suspend_cycle_s, r->bytes_in, &r->suspend_mbps_median, &r->suspend_mbps_min,
	       &r->suspend_mbps_max);
	spread(&r->resume_cycle_s, r->bytes_in, &r->resume_mbps_median, &r->resume_mbps_min,
	       &r->resume_mbps_max);
}
