/* The Pareto front of the ratio-against-speed chart: which points are the
 * best trade-offs, in order of x. */
#include "bench/reports.h"

#include <criterion/criterion.h>
#include <math.h>

Test(pareto, keeps_undominated_points_in_order_of_x)
{
	/* 0 (1,90) fast, 1 (3,20) small, 2 (2,50) between, 3 (1.5,40) worse than 2,
	 * 4 (2.5,10) worse than 1 */
	double x[] = { 1, 3, 2, 1.5, 2.5 }, y[] = { 90, 20, 50, 40, 10 };
	unsigned front[5], n = scn_pareto_front(x, y, 5, front);

	cr_assert_eq(n, 3);
	cr_assert_eq(front[0], 0);
	cr_assert_eq(front[1], 2);
	cr_assert_eq(front[2], 1);
}

Test(pareto, a_point_better_on_one_axis_and_equal_on_the_other_wins)
{
	double x[] = { 2, 2, 1 }, y[] = { 50, 60, 60 };
	unsigned front[3], n = scn_pareto_front(x, y, 3, front);

	cr_assert_eq(n, 1);
	cr_assert_eq(front[0], 1);
}

Test(pareto, equal_points_both_stay)
{
	double x[] = { 2, 2 }, y[] = { 50, 50 };
	unsigned front[2], n = scn_pareto_front(x, y, 2, front);

	cr_assert_eq(n, 2);
	cr_assert_eq(front[0], 0);
	cr_assert_eq(front[1], 1);
}

Test(pareto, unmeasured_points_are_left_out)
{
	double x[] = { NAN, 1, 2 }, y[] = { 1000, 10, NAN };
	unsigned front[3], n = scn_pareto_front(x, y, 3, front);

	cr_assert_eq(n, 1);
	cr_assert_eq(front[0], 1);
}

Test(pareto, nothing_in_nothing_out)
{
	unsigned front[1];

	cr_assert_eq(scn_pareto_front(NULL, NULL, 0, front), 0);
}
