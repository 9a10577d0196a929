/* Where a guest cycle's seconds go, read back from cycles.csv: the rows, the
 * quantiles, the summary's table and the timeline's data. */
#include "testutil.h"

#include "bench/reports.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(report_phases, .init = setup, .fini = teardown);

#define HEAD "index,scenario,machine,accel,who,disk,chain,fault,cycle,verdict,reason,pages," \
	     "bytes_out,suspend_s,suspend_MBps,resume_s,resume_MBps,restore_s,guest_kernel," \
	     "kernel_release,phase_freeze_s,phase_snapshot_s,phase_write_s,phase_commit_s," \
	     "phase_poweroff_s,phase_boot_s,phase_read_s,phase_restore_s,phase_thaw_s," \
	     "phase_verify_s\n"
#define ROW(i, who, chain, c, write) \
	#i ",s,qemu,tcg," who ",swap," chain ",none," #c ",restored,,1,1,1,1,1,1,1,debian-6.12," \
	"6.12.117," "0.1,1," #write ",0.5,0.25,5,2,1,0.5,\n"

static void write_cycles(const char *text)
{
	char path[300];

	tu_path(path, sizeof(path), dir, "cycles.csv");
	tu_write_file(path, text, strlen(text));
}

Test(report_phases, quantiles_are_nearest_rank)
{
	double v[] = { 5, 1, 4, 2, 3 }, one[] = { 7 }, p50, p95, max;

	scn_quantiles(v, 5, &p50, &p95, &max);
	cr_assert_float_eq(p50, 3, 1e-12);
	cr_assert_float_eq(p95, 5, 1e-12);
	cr_assert_float_eq(max, 5, 1e-12);
	scn_quantiles(one, 1, &p50, &p95, &max);
	cr_assert(p50 == 7 && p95 == 7 && max == 7);
}

Test(report_phases, rows_table_and_timeline)
{
	struct scn_cycle_rows rows;
	char path[300], *text;
	size_t len;
	FILE *f;

	write_cycles(HEAD ROW(0, "kernel", "kernel:lz4", 1, 3) ROW(0, "kernel", "kernel:lz4", 2, 1)
		     ROW(0, "kernel", "kernel:lz4", 3, 2) ROW(1, "hiblab", "\"lz4,crc32c\"", 1, 4));
	cr_assert_eq(scn_cycle_rows_load(dir, &rows), 0);
	cr_assert_eq(rows.count, 4);
	cr_assert(rows.v[0].kernel);
	cr_assert_not(rows.v[3].kernel);
	cr_assert_str_eq(rows.v[3].chain, "lz4,crc32c");
	cr_assert_str_eq(rows.v[3].release, "6.12.117");
	cr_assert_float_eq(rows.v[1].phase[HB_GP_WRITE], 1.0, 1e-12);
	/* an empty cell is a phase not seen */
	cr_assert_float_eq(rows.v[1].phase[HB_GP_VERIFY], -1.0, 1e-12);

	tu_path(path, sizeof(path), dir, "section.md");
	f = fopen(path, "w");
	cr_assert_not_null(f);
	scn_phase_section(f, &rows);
	fclose(f);
	text = (char *)tu_read_file(path, &len);
	/* three cycles: median / p95 / max; one: the figure; never seen: "-" */
	cr_assert(strstr(text, "| 0 | kernel | 6.12.117 | kernel:lz4 | 3 | 0.10 / 0.10 / 0.10 | "
			       "1.00 / 1.00 / 1.00 | 2.00 / 3.00 / 3.00 |"), "%s", text);
	cr_assert(strstr(text, "| 1 | hiblab | 6.12.117 | lz4,crc32c | 1 | 0.10 | 1.00 | 4.00 |"),
		  "%s", text);
	cr_assert(strstr(text, "| 0.50 | - |\n"), "%s", text);
	free(text);

	cr_assert_eq(scn_timeline_data(dir, &rows), 0);
	tu_path(path, sizeof(path), dir, "timeline.dat");
	text = (char *)tu_read_file(path, &len);
	/* each phase's end, a missing one adding nothing */
	cr_assert(strstr(text, "\n3 \"#1 lz4,crc32c 6.12.117 c1\" 0.100 1.100 5.100 5.600 5.850 "
			       "10.850 12.850 13.850 14.350 14.350\n"), "%s", text);
	free(text);
	scn_cycle_rows_free(&rows);
}

/* A cycles.csv of an older hiblab (no phase columns), or none at all: no rows. */
Test(report_phases, older_or_missing_file_gives_no_rows)
{
	struct scn_cycle_rows rows;

	cr_assert_eq(scn_cycle_rows_load(dir, &rows), 0);
	cr_assert_eq(rows.count, 0);
	write_cycles("index,scenario,cycle,restore_s\n0,s,1,2.5\n");
	cr_assert_eq(scn_cycle_rows_load(dir, &rows), 0);
	cr_assert_eq(rows.count, 0);
	scn_cycle_rows_free(&rows);
}
