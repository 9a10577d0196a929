/* The Mann-Whitney U test: do two sets of cycle figures come from one
 * distribution?  Rank-based, so one slow cycle (a page-cache miss, another
 * process) moves it less than it moves a mean, and it assumes no shape; the
 * test Google Benchmark's compare.py and pyperf use for the same question. */
#include "results.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Exact counts fit int64 up to C(60, 30) (1.2e17), doubled while building. */
#define EXACT_MAX_N 60
#define EXACT_MAX_U ((EXACT_MAX_N / 2) * (EXACT_MAX_N / 2) + EXACT_MAX_N)

struct ranked {
	double v;
	unsigned from_a;
};

static int by_v(const void *x, const void *y)
{
	double a = ((const struct ranked *)x)->v, b = ((const struct ranked *)y)->v;

	return (a > b) - (a < b);
}

/* How many of the C(na+nb, na) orderings give each U (0 .. na*nb): the
 * coefficients of the Gaussian binomial [na+nb choose na]_q, built as
 * prod_{i=1..na} (1 - q^(nb+i)) / (1 - q^i), every step an exact polynomial. */
static void u_counts(unsigned na, unsigned nb, int64_t *c)
{
	unsigned i, j, deg = 0;

	c[0] = 1;
	for (i = 1; i <= na; i++) {
		unsigned up = nb + i;
		for (j = deg + 1; j <= deg + up; j++)
			c[j] = 0;
		for (j = deg + up; j >= up; j--)
			c[j] -= c[j - up];
		deg += nb;  /* the division takes back i of the up just added */
		for (j = i; j <= deg; j++)
			c[j] += c[j - i];
	}
}

static double exact_p(unsigned na, unsigned nb, double u)
{
	int64_t c[EXACT_MAX_U + 1];
	unsigned k, mn = na * nb;
	double below = 0, total = 0, lo = u < mn - u ? u : mn - u;

	u_counts(na, nb, c);
	for (k = 0; k <= mn; k++) {
		total += (double)c[k];
		if ((double)k <= lo + 1e-9)
			below += (double)c[k];
	}
	/* the distribution is symmetric: twice the smaller tail */
	return below * 2 / total > 1 ? 1 : below * 2 / total;
}

double scn_mann_whitney_p(const double *a, unsigned na, const double *b, unsigned nb)
{
	unsigned n = na + nb, i, j;
	struct ranked *all;
	double rank_a = 0, ties = 0, u, mu, sigma, z;
	bool tied = false;

	if (na == 0 || nb == 0)
		return 1;
	all = (struct ranked *)malloc(n * sizeof(*all));
	if (!all)
		return 1;  /* no evidence is no regression */
	for (i = 0; i < na; i++)
		all[i] = (struct ranked){ .v = a[i], .from_a = 1 };
	for (i = 0; i < nb; i++)
		all[na + i] = (struct ranked){ .v = b[i], .from_a = 0 };
	qsort(all, n, sizeof(*all), by_v);
	for (i = 0; i < n; i = j) {
		double t, mid;
		for (j = i + 1; j < n && !(all[j].v > all[i].v); j++)  /* sorted: equal */
			;
		t = (double)(j - i);
		mid = (double)(i + 1 + j) / 2.0;  /* ties share their mean rank */
		if (j - i > 1) {
			tied = true;
			ties += t * t * t - t;
		}
		for (; i < j; i++)
			rank_a += all[i].from_a ? mid : 0;
	}
	free(all);
	u = rank_a - (double)na * (na + 1) / 2.0;
	if (!tied && n <= EXACT_MAX_N)
		return exact_p(na, nb, u);
	mu = (double)na * nb / 2.0;
	sigma = sqrt((double)na * nb / 12.0 * ((n + 1) - ties / ((double)n * (n - 1))));
	if (sigma <= 0)
		return 1;  /* every figure the same */
	z = (fabs(u - mu) - 0.5) / sigma;
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2.0));
}
