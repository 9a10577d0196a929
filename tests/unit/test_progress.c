/* The progress text at given widths and values: what a terminal redraws and
 * what a pipe gets (bench/progress_text.c). */
#include "bench/progress.h"

#include <criterion/criterion.h>
#include <string.h>

#define GiB (1024ull * 1024 * 1024)

/* One view, the terminal lines it gives at some widths and its pipe line. */
struct shown {
	struct progress_view v;
	struct { unsigned width; const char *want; } bars[3];
	const char *line;
};

static const struct shown cases[] = {
	{ /* nothing done yet: no pace, no ETA */
	  { .label = "suspend", .total = 4 * GiB },
	  { { 40, "suspend   0% 0.0/4.0 GiB ETA unknown" },
	    { 120, "suspend [........................................]   0% 0.0/4.0 GiB "
		   "- MB/s ETA unknown" } },
	  "suspend: 0 B of 4.0 GiB (0%), - MB/s, ETA unknown" },
	{ /* half way: the bar shrinks with the width, the text stays */
	  { .label = "suspend", .done = 2 * GiB, .total = 4 * GiB, .seconds = 2.0 },
	  { { 40, "suspend [##..]  50% 2.0/4.0 GiB ETA 2 s" },
	    { 60, "suspend [######......]  50% 2.0/4.0 GiB 1073.7 MB/s ETA 2 s" },
	    { 120, "suspend [####################....................]  50% 2.0/4.0 GiB "
		   "1073.7 MB/s ETA 2 s" } },
	  "suspend: 2.0 GiB of 4.0 GiB (50%), 1073.7 MB/s, ETA 2 s" },
	{ /* all done */
	  { .label = "suspend", .done = 4 * GiB, .total = 4 * GiB, .seconds = 4.0 },
	  { { 40, "suspend [####] 100% 4.0/4.0 GiB ETA 0 s" },
	    { 120, "suspend [########################################] 100% 4.0/4.0 GiB "
		   "1073.7 MB/s ETA 0 s" } },
	  "suspend: 4.0 GiB of 4.0 GiB (100%), 1073.7 MB/s, ETA 0 s" },
	{ /* total not known: no bar, no percent, no ETA */
	  { .label = "read", .done = 3 * GiB / 2, .seconds = 3.0 },
	  { { 40, "read 1.5 GiB 536.9 MB/s" }, { 120, "read 1.5 GiB 536.9 MB/s" } },
	  "read: 1.5 GiB, 536.9 MB/s" },
	{ /* an ETA over an hour */
	  { .label = "resume", .done = 100ull << 20, .total = 400 * GiB, .seconds = 60.0 },
	  { { 40, "resume   0% 0.1/400.0 GiB ETA 68h15m" },
	    { 80, "resume [...............................]   0% 0.1/400.0 GiB 1.7 MB/s "
		  "ETA 68h15m" } },
	  "resume: 100.0 MiB of 400.0 GiB (0%), 1.7 MB/s, ETA 68h15m" },
	{ /* a scenario run: the overall ETA outlives the phase's own, the note
	   * (what runs) shows only where everything else fits */
	  { .label = "run 3/10 suspend", .done = 2 * GiB, .total = 4 * GiB, .seconds = 2.0,
	    .extra = "all ETA 1m05s", .note = "smoke | mixed size=4GiB | ssd | zero,lz4,crc32c" },
	  { { 40, "run 3/10 suspend  50%; all ETA 1m05s" },
	    { 80, "run 3/10 suspend [####....]  50% 2.0/4.0 GiB 1073.7 MB/s ETA 2 s; "
		  "all ETA 1m05s" },
	    { 200, "run 3/10 suspend [####################....................]  50% "
		   "2.0/4.0 GiB 1073.7 MB/s ETA 2 s; all ETA 1m05s  smoke | mixed size=4GiB | "
		   "ssd | zero,lz4,crc32c" } },
	  "run 3/10 suspend: 2.0 GiB of 4.0 GiB (50%), 1073.7 MB/s, ETA 2 s; all ETA 1m05s" },
};

Test(progress, pinned_lines)
{
	char got[512];
	unsigned i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (k = 0; k < 3 && cases[i].bars[k].want; k++) {
			progress_bar_text(&cases[i].v, cases[i].bars[k].width, got, sizeof(got));
			cr_assert_str_eq(got, cases[i].bars[k].want, "case %u, width %u", i,
					 cases[i].bars[k].width);
		}
		progress_line_text(&cases[i].v, got, sizeof(got));
		cr_assert_str_eq(got, cases[i].line, "case %u", i);
	}
}

/* every width from 40 to 200 fits in width - 1 columns: nothing wraps */
Test(progress, never_wraps)
{
	struct progress_view v = { .label = "run 10/10 resume", .done = 123456789,
				   .total = 987654321, .seconds = 0.7, .extra = "all ETA unknown",
				   .note = "a long note about what runs, cut to fit the line" };
	char got[512];
	unsigned w;

	for (w = 40; w <= 200; w++) {
		progress_bar_text(&v, w, got, sizeof(got));
		cr_assert(strlen(got) <= w - 1, "width %u: %zu columns: %s", w, strlen(got), got);
		cr_assert(strstr(got, " 12%"), "width %u lost the percent: %s", w, got);
	}
}

Test(progress, eta_text)
{
	char buf[32];

	progress_eta_text(4.4, buf, sizeof(buf));
	cr_assert_str_eq(buf, "4 s");
	progress_eta_text(125, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2m05s");
	progress_eta_text(3600 + 5 * 60 + 59, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1h05m");
	progress_eta_text(-1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "unknown");
	cr_assert_float_eq(progress_eta(0, 100, 1.0), -1.0, 1e-9);
	cr_assert_float_eq(progress_eta(25, 100, 1.0), 3.0, 1e-9);
	cr_assert_float_eq(progress_eta(100, 100, 1.0), 0.0, 1e-9);
	cr_assert_float_eq(progress_eta(25, 100, 0.2), -1.0, 1e-9);
	cr_assert_float_eq(progress_eta(25, 0, 1.0), -1.0, 1e-9);
}
