/* The words of a progress update, for a terminal of a given width or for a
 * pipe.  Nothing here looks at a terminal or a clock, so the layout at every
 * width is pinned by tests/unit/test_progress.c. */
#include "progress.h"

#include "core/options.h"

#include <stdio.h>
#include <string.h>

/* "[" + 4 cells + "]": a narrower bar says nothing the percent does not */
#define BAR_MIN 6
/* wider reads no better, and the line stays compact on a wide terminal */
#define BAR_MAX 42
/* a note cut shorter than this is noise */
#define NOTE_MIN 12

void progress_eta_text(double seconds, char *buf, size_t cap)
{
	unsigned long long s;

	/* beyond 100 days the pace so far says nothing */
	if (!(seconds >= 0.0) || seconds > 100.0 * 86400.0) {
		snprintf(buf, cap, "unknown");
		return;
	}
	s = (unsigned long long)(seconds + 0.5);
	if (s < 60)
		snprintf(buf, cap, "%llu s", s);
	else if (s < 3600)
		snprintf(buf, cap, "%llum%02llus", s / 60, s % 60);
	else
		snprintf(buf, cap, "%lluh%02llum", s / 3600, s / 60 % 60);
}

double progress_eta(uint64_t done, uint64_t total, double seconds)
{
	/* the first half second is set-up more than pace */
	if (total == 0 || (done < total && (done == 0 || seconds < 0.5)))
		return -1.0;
	if (done >= total)
		return 0.0;
	return seconds * (double)(total - done) / (double)done;
}

static void rate_text(const struct progress_view *v, char *buf, size_t cap)
{
	if (v->seconds <= 0.0)
		snprintf(buf, cap, "- MB/s");
	else
		snprintf(buf, cap, "%.1f MB/s", (double)v->done / v->seconds / 1e6);
}

/* "1.2/4.0 GiB": done in the unit of the total, so the field keeps its
 * width (and the bar its place) as done grows; done alone without a total. */
static void bytes_text(const struct progress_view *v, char *buf, size_t cap)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double scale = 1.0;
	unsigned u = 0;

	if (!v->total) {
		hb_format_size(v->done, buf, cap);
		return;
	}
	while ((double)v->total >= scale * 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		scale *= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu/%llu B", (unsigned long long)v->done,
			 (unsigned long long)v->total);
	else
		snprintf(buf, cap, "%.1f/%.1f %s", (double)v->done / scale, (double)v->total / scale,
			 units[u]);
}

static unsigned percent(const struct progress_view *v)
{
	/* rounded down: 100% only when it is all done */
	return v->done >= v->total ? 100u : (unsigned)((double)v->done * 100.0 / (double)v->total);
}

/* The fields of the terminal line, in the order they are shown; drop_rank
 * is the order they go in when the width is short (0: never); sep goes
 * before a field that is not the first. */
enum field { F_LABEL, F_BAR, F_PERCENT, F_BYTES, F_RATE, F_ETA, F_EXTRA, F_NOTE, F_COUNT };
static const unsigned drop_rank[F_COUNT] = {
	[F_NOTE] = 1, [F_RATE] = 2, [F_BAR] = 3, [F_BYTES] = 4, [F_ETA] = 5, [F_EXTRA] = 6,
};
static const char *const sep[F_COUNT] = {
	[F_BAR] = " ", [F_PERCENT] = " ", [F_BYTES] = " ", [F_RATE] = " ", [F_ETA] = " ",
	[F_EXTRA] = "; ", [F_NOTE] = "  ",
};

struct layout {
	char text[F_COUNT][128];
	bool shown[F_COUNT];
};

static size_t shown_len(const struct layout *l)
{
	size_t len = 0;
	unsigned f;

	/* the label is always first and shown: every other field has its sep */
	for (f = 0; f < F_COUNT; f++) {
		if (l->shown[f] && f != F_BAR)
			len += strlen(l->text[f]) + (f ? strlen(sep[f]) : 0);
	}
	return len;
}

static void fill_fields(const struct progress_view *v, struct layout *l)
{
	char eta[32];
	bool known = v->total > 0;

	memset(l, 0, sizeof(*l));
	progress_eta_text(progress_eta(v->done, v->total, v->seconds), eta, sizeof(eta));
	snprintf(l->text[F_LABEL], sizeof(l->text[F_LABEL]), "%s", v->label);
	snprintf(l->text[F_PERCENT], sizeof(l->text[F_PERCENT]), "%3u%%", known ? percent(v) : 0);
	bytes_text(v, l->text[F_BYTES], sizeof(l->text[F_BYTES]));
	rate_text(v, l->text[F_RATE], sizeof(l->text[F_RATE]));
	snprintf(l->text[F_ETA], sizeof(l->text[F_ETA]), "ETA %s", eta);
	snprintf(l->text[F_EXTRA], sizeof(l->text[F_EXTRA]), "%s", v->extra ? v->extra : "");
	snprintf(l->text[F_NOTE], sizeof(l->text[F_NOTE]), "%s", v->note ? v->note : "");
	l->shown[F_LABEL] = l->shown[F_RATE] = l->shown[F_BYTES] = true;
	/* without a total there is nothing to fill a bar with or to count down */
	l->shown[F_BAR] = l->shown[F_PERCENT] = l->shown[F_ETA] = known;
	l->shown[F_EXTRA] = v->extra && v->extra[0];
	l->shown[F_NOTE] = v->note && v->note[0];
}

/* Drop the next field in drop order; false when none is left to drop. */
static bool drop_one(struct layout *l)
{
	unsigned f, best = F_COUNT;

	for (f = 0; f < F_COUNT; f++) {
		if (l->shown[f] && drop_rank[f] &&
		    (best == F_COUNT || drop_rank[f] < drop_rank[best]))
			best = f;
	}
	if (best == F_COUNT)
		return false;
	l->shown[best] = false;
	return true;
}

static void draw_bar(char *out, size_t cells, unsigned pct)
{
	size_t filled = cells * pct / 100, i;

	out[0] = '[';
	for (i = 0; i < cells; i++)
		out[1 + i] = i < filled ? '#' : '.';
	out[1 + cells] = ']';
	out[2 + cells] = '\0';
}

void progress_bar_text(const struct progress_view *v, unsigned width, char *buf, size_t cap)
{
	struct layout l;
	size_t avail = width > 1 ? width - 1 : 0, used = 0, len, bar = 0;
	unsigned f;

	fill_fields(v, &l);
	for (;;) {
		len = shown_len(&l);
		/* the note may be cut to fit, the other fields never are */
		if (l.shown[F_NOTE] && len > avail && len - avail + NOTE_MIN <= strlen(l.text[F_NOTE])) {
			l.text[F_NOTE][strlen(l.text[F_NOTE]) - (len - avail)] = '\0';
			len = avail;
		}
		if (l.shown[F_BAR] && len + 1 + BAR_MIN <= avail) {
			bar = avail - len - 1 < BAR_MAX ? avail - len - 1 : BAR_MAX;
			break;
		}
		if ((!l.shown[F_BAR] && len <= avail) || !drop_one(&l))
			break;
	}
	if (bar)
		draw_bar(l.text[F_BAR], bar - 2, percent(v));
	buf[0] = '\0';
	for (f = 0; f < F_COUNT && used < cap; f++) {
		if (l.shown[f] && (f != F_BAR || bar))
			used += (size_t)snprintf(buf + used, cap - used, "%s%s",
						 f ? sep[f] : "", l.text[f]);
	}
	/* a label longer than the terminal: cut rather than wrap */
	if (strlen(buf) > avail)
		buf[avail] = '\0';
}

void progress_line_text(const struct progress_view *v, char *buf, size_t cap)
{
	char done[32], total[32], rate[32], eta[32];
	int n;

	hb_format_size(v->done, done, sizeof(done));
	rate_text(v, rate, sizeof(rate));
	if (v->total) {
		hb_format_size(v->total, total, sizeof(total));
		progress_eta_text(progress_eta(v->done, v->total, v->seconds), eta, sizeof(eta));
		n = snprintf(buf, cap, "%s: %s of %s (%u%%), %s, ETA %s", v->label, done, total,
			     percent(v), rate, eta);
	} else {
		n = snprintf(buf, cap, "%s: %s, %s", v->label, done, rate);
	}
	if (n >= 0 && (size_t)n < cap && v->extra && v->extra[0])
		snprintf(buf + n, cap - (size_t)n, "; %s", v->extra);
}
