/* Helpers shared by the subcommands: errors, timing, progress. */
#include "cli.h"

#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Control characters as \xNN: a detail line or a header field may quote
 * text from an image, which must never reach the terminal raw (an escape
 * sequence in a crafted source description). */
const char *cli_escaped(const char *text, char *buf, size_t cap)
{
	const unsigned char *p;
	size_t used = 0;

	for (p = (const unsigned char *)text; *p && used + 5 <= cap; p++) {
		if (*p < 0x20 || *p == 0x7f)
			used += (size_t)snprintf(buf + used, cap - used, "\\x%02x", *p);
		else
			buf[used++] = (char)*p;
	}
	buf[used] = '\0';
	return buf;
}

int cli_fail(int err)
{
	char line[2048];

	fprintf(stderr, "hiblab: %s\n", cli_escaped(hb_detail(err), line, sizeof(line)));
	return hb_exit_code(err);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hiblab: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see: hiblab %s --help)\n", cmd);
	return HB_EXIT_USAGE;
}

double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_rate(uint64_t bytes, double seconds, char *buf, unsigned cap)
{
	if (seconds <= 0.0)
		snprintf(buf, cap, "- MB/s");
	else
		snprintf(buf, cap, "%.1f MB/s", (double)bytes / seconds / 1e6);
}

void cli_progress_init(struct cli_progress *p, bool quiet)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->start = p->last = cli_now();
	p->drawn = false;
}

void cli_progress_update(void *ctx, const struct hb_progress *pr)
{
	struct cli_progress *p = (struct cli_progress *)ctx;
	double now, elapsed, eta;
	char rate[32];

	if (!p->enabled)
		return;
	now = cli_now();
	if (now - p->last < 0.2 && pr->done < pr->total)
		return;
	p->last = now;
	elapsed = now - p->start;
	cli_rate(pr->done, elapsed, rate, sizeof(rate));
	eta = pr->done ? elapsed * (double)(pr->total - pr->done) / (double)pr->done : 0.0;
	fprintf(stderr, "\r%-8s %5.1f%%  %s  ETA %.0f s   ", pr->phase,
		pr->total ? 100.0 * (double)pr->done / (double)pr->total : 100.0, rate, eta);
	p->drawn = true;
}

void cli_progress_done(struct cli_progress *p)
{
	if (p->drawn)
		fprintf(stderr, "\r%60s\r", "");
	p->drawn = false;
}

int cli_parse_count(const char *cmd, const char *option, const char *text, unsigned max,
		    unsigned *out)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (*text < '0' || *text > '9' || *end || n < 1 || n > max) {
		cli_usage_error(cmd, "%s %s: expected 1..%u", option, text, max);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

int cli_parse_threads(const char *cmd, const char *text, unsigned *out)
{
	return cli_parse_count(cmd, "--threads", text, 256, out);
}
