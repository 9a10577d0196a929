/* The Pareto front of points (x, y) where more of both is better: the
 * image ratio against a speed, for the chart that picks a chain. */
#include "reports.h"

#include <math.h>

/* j is at least as good as i on both axes and better on one. */
static bool dominates(const double *x, const double *y, unsigned j, unsigned i)
{
	return x[j] >= x[i] && y[j] >= y[i] && (x[j] > x[i] || y[j] > y[i]);
}

unsigned scn_pareto_front(const double *x, const double *y, unsigned n, unsigned *front)
{
	unsigned i, j, k, count = 0;

	for (i = 0; i < n; i++) {
		if (isnan(x[i]) || isnan(y[i]))
			continue;  /* NaN: not measured, never on the front */
		for (j = 0; j < n; j++) {
			if (j != i && !isnan(x[j]) && !isnan(y[j]) && dominates(x, y, j, i))
				break;
		}
		if (j < n)
			continue;
		/* kept in order of x, so the chart joins the front left to right;
		 * a few chains, so an insertion is cheap */
		for (k = count; k > 0 && x[front[k - 1]] > x[i]; k--)
			front[k] = front[k - 1];
		front[k] = i;
		count++;
	}
	return count;
}
