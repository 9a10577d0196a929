/* Helpers shared by the subcommands: errors, timing, progress. */
#include "cli.h"

#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

void cli_rate(uint64_t bytes, double seconds, char *buf, unsigned cap)
{
	if (seconds <= 0.0)
		snprintf(buf, cap, "- MB/s");
	else
		snprintf(buf, cap, "%.1f MB/s", (double)bytes / seconds / 1e6);
}

void cli_progress_init(struct cli_progress *p, bool quiet)
{
	progress_show_init(&p->show, quiet);
	p->start = progress_now();
}

void cli_progress_update(void *ctx, const struct hb_progress *pr)
{
	struct cli_progress *p = (struct cli_progress *)ctx;
	struct progress_view v = { .label = pr->phase, .done = pr->done, .total = pr->total,
				   .seconds = progress_now() - p->start };

	progress_show(&p->show, &v);
}

void cli_progress_done(struct cli_progress *p)
{
	progress_show_clear(&p->show);
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
