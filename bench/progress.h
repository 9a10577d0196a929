/* Progress while a suspend, a resume, a learn or a scenario run goes: the
 * text (bench/progress_text.c, pure: numbers in, a string out) and where it
 * is shown (bench/progress_show.c: redrawn in place on a terminal, a plain
 * line every few seconds to a pipe or a file). */
#ifndef HB_BENCH_PROGRESS_H
#define HB_BENCH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What one progress update says. */
struct progress_view {
	const char *label;     /* "suspend", "run 3/10 resume" */
	uint64_t done, total;  /* bytes; total 0: not known */
	double seconds;        /* since the phase began */
	const char *extra;     /* kept as long as the ETA: "all ETA 2m05s"; or NULL */
	const char *note;      /* dropped first, cut to fit: what runs; or NULL */
};

/* "4 s", "2m05s", "1h05m"; "unknown" for a negative or absurd time. */
void progress_eta_text(double seconds, char *buf, size_t cap);

/* The seconds left at the pace so far; -1 when there is no pace yet
 * (nothing done, or less than half a second gone). */
double progress_eta(uint64_t done, uint64_t total, double seconds);

/* The line a terminal redraws: at most width - 1 columns (the last column
 * would wrap on some terminals).  The bar shrinks first; then the
 * note goes, the rate, the bar (below a few cells), the bytes, the ETA and
 * extra, in that order; the label and the percent stay. */
void progress_bar_text(const struct progress_view *v, unsigned width, char *buf, size_t cap);

/* The line for a pipe or a file:
 * "suspend: 1.2 GiB of 4.0 GiB (30%), 812.0 MB/s, ETA 4 s". */
void progress_line_text(const struct progress_view *v, char *buf, size_t cap);

/* Where progress goes: stderr, in place on a terminal, a line every
 * PROGRESS_LINE_SECONDS elsewhere, nothing when quiet. */
#define PROGRESS_LINE_SECONDS 5.0

struct progress_show {
	bool on;
	bool tty;
	double last;   /* when the last line or redraw went out */
	bool drawn;    /* a redrawn line is on the terminal */
};

void progress_show_init(struct progress_show *s, bool quiet);
/* Show v if it is time to (a terminal: 5 times a second, and at the end). */
void progress_show(struct progress_show *s, const struct progress_view *v);
/* text now, whatever the time: redrawn in place on a terminal (cut to its
 * width), a line of its own elsewhere. */
void progress_show_status(struct progress_show *s, const char *text);
/* Clear what was redrawn, so the next output starts on a clean line. */
void progress_show_clear(struct progress_show *s);

/* Terminal columns of stderr: TIOCGWINSZ, else $COLUMNS, else 80. */
unsigned progress_width(void);

/* Monotonic seconds. */
double progress_now(void);

#endif
