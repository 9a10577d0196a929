/* Where progress goes: redrawn in place on a terminal, a plain line every
 * few seconds to a pipe or a file (a CI log shows a long run moving, not
 * nothing until the end), nothing in quiet mode. */
#include "progress.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* a redraw 5 times a second looks live and costs nothing */
#define REDRAW_SECONDS 0.2

double progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned progress_width(void)
{
	struct winsize ws;
	const char *columns = getenv("COLUMNS");
	long n;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	n = columns ? strtol(columns, NULL, 10) : 0;
	return n > 0 && n < 10000 ? (unsigned)n : 80;
}

void progress_show_init(struct progress_show *s, bool quiet)
{
	s->on = !quiet;
	s->tty = isatty(STDERR_FILENO) != 0;
	s->last = progress_now();
	s->drawn = false;
}

void progress_show(struct progress_show *s, const struct progress_view *v)
{
	double now = progress_now();
	bool end = v->total && v->done >= v->total;
	char text[512];

	if (!s->on)
		return;
	if (!s->tty) {
		if (now - s->last < PROGRESS_LINE_SECONDS)
			return;
		progress_line_text(v, text, sizeof(text));
		fprintf(stderr, "%s\n", text);
	} else {
		if (now - s->last < REDRAW_SECONDS && !end)
			return;
		progress_bar_text(v, progress_width(), text, sizeof(text));
		/* \033[K: clear what a longer line before left */
		fprintf(stderr, "\r%s\033[K", text);
		s->drawn = true;
	}
	fflush(stderr);
	s->last = now;
}

void progress_show_status(struct progress_show *s, const char *text)
{
	size_t avail = progress_width() - 1;

	if (!s->on)
		return;
	if (s->tty) {
		fprintf(stderr, "\r%.*s\033[K", (int)avail, text);
		s->drawn = true;
	} else {
		fprintf(stderr, "%s\n", text);
	}
	fflush(stderr);
	s->last = progress_now();
}

void progress_show_clear(struct progress_show *s)
{
	if (s->drawn)
		fprintf(stderr, "\r\033[K");
	s->drawn = false;
}
