/* The charts, drawn by gnuplot: throughput.svg and ratio.svg per run from
 * charts.dat, pareto.svg per chain from pareto.dat, timeline.svg per guest
 * cycle from timeline.dat; charts.gp draws them all again. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Labels are wrapped at this many characters a line, never cut: what tells
 * runs apart (a chain, a fault) is often at the end.  Across the axis with
 * a few runs, along it (rotated) with many. */
#define LABEL_WRAP_MIN 18
#define LABEL_WRAP_MAX 30
#define LABEL_WRAP_ROTATED 44
#define ROTATE_ABOVE 12   /* runs */
#define CHAR_PX 6         /* a label character's width at 9 points */
#define FIT_PX 1040       /* the plot's width that fits report.html's page */

/* Characters a label's line may hold: as many as fit the page with every run
 * side by side, within bounds (then the chart scrolls). */
static unsigned label_wrap(unsigned runs)
{
	unsigned w = runs ? (FIT_PX / runs - 10) / CHAR_PX : LABEL_WRAP_MAX;

	if (runs > ROTATE_ABOVE)
		return LABEL_WRAP_ROTATED;
	return w < LABEL_WRAP_MIN ? LABEL_WRAP_MIN : w > LABEL_WRAP_MAX ? LABEL_WRAP_MAX : w;
}

/* Append c to out (room for the closing quote kept). */
static void put(char *out, size_t cap, size_t *o, char c)
{
	if (*o + 2 < cap)
		out[(*o)++] = c;
}

/* label into out for a gnuplot data file: quoted, its lines joined by a
 * literal \n (gnuplot splits xtic labels there), a line broken at a
 * newline, after a blank or a comma, or mid-word where a word is longer
 * than a line.  The number of lines. */
static unsigned wrap_label(const char *label, unsigned width, char *out, size_t cap)
{
	size_t o = 0, line = 0, word, i;
	unsigned lines = 1;
	bool blank = false;  /* a blank before the next word: dropped at a break */
	const char *p = label;

	put(out, cap, &o, '"');
	while (*p) {
		if (*p == '\n') {  /* a break the caller asks for */
			put(out, cap, &o, '\\');
			put(out, cap, &o, 'n');
			line = 0;
			lines++;
			blank = false;
			p++;
			continue;
		}
		if (*p == ' ') {
			blank = line > 0;
			p++;
			continue;
		}
		/* the next word: up to and with a comma */
		word = strcspn(p, " ,\n");
		word += p[word] == ',';
		if (line && line + blank + word > width) {
			put(out, cap, &o, '\\');
			put(out, cap, &o, 'n');
			line = 0;
			lines++;
		} else if (blank) {
			put(out, cap, &o, ' ');
			line++;
		}
		blank = false;
		for (i = 0; i < word; i++) {
			if (line >= width) {
				put(out, cap, &o, '\\');
				put(out, cap, &o, 'n');
				line = 0;
				lines++;
			}
			put(out, cap, &o, p[i] == '"' || p[i] == '\\' ? '\'' : p[i]);
			line++;
		}
		p += word;
	}
	out[o++] = '"';
	out[o] = '\0';
	return lines;
}

/* A figure's cell in charts.dat: NaN (gnuplot draws nothing) where the run
 * measured none. */
static void figure(FILE *f, bool measured, double v, int decimals)
{
	if (measured)
		fprintf(f, " %.*f", decimals, v);
	else
		fputs(" NaN", f);
}

/* A speed's cells: the median, then the cycles' min and max (NaN below two
 * cycles: a point without whiskers). */
static void speed_cells(FILE *f, const struct scn_result *r, bool resume)
{
	struct scn_speed s;

	scn_report_speed(r, resume, &s);
	figure(f, s.measured, s.mbps, 2);
	figure(f, s.measured && s.cycles >= 2, s.min, 2);
	figure(f, s.measured && s.cycles >= 2, s.max, 2);
}

/* charts.dat: one row per run.  The widest label's lines into *lines. */
static int write_data(const char *dir, const struct scn_results *rs, unsigned *lines)
{
	char path[1200], label[600], text[700], wrapped[1500];
	unsigned i, width = label_wrap(rs->count), n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/charts.dat", dir);
	f = fopen(path, "w");
	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	fputs("# x label suspend_MBps suspend_min suspend_max resume_MBps resume_min resume_max "
	      "ratio suspend_note resume_note ratio_note\n"
	      "# MB/s: the median over the cycles; min and max with two cycles or more; "
	      "NaN and a note (the verdict) where the run measured nothing\n", f);
	*lines = 1;
	for (i = 0; i < rs->count; i++) {
		const struct scn_result *r = &rs->v[i];
		struct scn_speed s, t;
		const char *word = scn_report_unmeasured(r);
		snprintf(text, sizeof(text), "#%u ", r->index);
		scn_result_label(rs, i, label, sizeof(label));
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s", label);
		n = wrap_label(text, width, wrapped, sizeof(wrapped));
		*lines = n > *lines ? n : *lines;
		fprintf(f, "%u %s", i, wrapped);
		speed_cells(f, r, false);
		speed_cells(f, r, true);
		figure(f, scn_report_has_ratio(r), r->ratio, 4);
		scn_report_speed(r, false, &s);
		scn_report_speed(r, true, &t);
		fprintf(f, " \"%s\" \"%s\" \"%s\"\n", s.measured ? "" : word, t.measured ? "" : word,
			scn_report_has_ratio(r) ? "" : word);
	}
	return fclose(f) == 0 ? 0 : hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
}

/* The timeline: one bar per guest cycle, a segment per phase, suspend then
 * resume, so every cycle of hiblab and of the kernel reads side by side. */
static void timeline_script(FILE *f, unsigned cycles)
{
	unsigned height = 160 + 22 * cycles;

	fprintf(f, "set output 'timeline.svg'\n"
		   "set terminal svg size 1100,%u dynamic font 'sans,10' background '#ffffff'\n"
		   "set offsets 0, 0, 0, 0\n"
		   "set title 'guest cycles: where the seconds go (suspend, then resume)'\n"
		   "set style data lines\nset xtics auto norotate\n"
		   "set ytics noenhanced font 'sans,9'\nset yrange [%u:-1]\n"
		   "unset ylabel\nset xlabel 'seconds'\nset xrange [0:*]\n"
		   "set grid xtics\nset bmargin 4\nset key outside right top noenhanced\n"
		   "set style fill solid 0.9 border -1\n"
		   "names = 'freeze snapshot write commit poweroff boot read restore thaw verify'\n"
		   "colors = '#8064a2 #4bacc6 #1f77b4 #ff7f0e #7f7f7f #c7c7c7 #d62728 #2ca02c "
		   "#bcbd22 #17becf'\n"
		   "plot for [i=1:10] 'timeline.dat' using (i == 1 ? 0 : column(i + 1)):1:"
		   "(i == 1 ? 0 : column(i + 1)):(column(i + 2)):($1 - 0.35):($1 + 0.35):ytic(2) "
		   "with boxxyerror lc rgb word(colors, i) title word(names, i)\n",
		height > 8000 ? 8000 : height, cycles);
}

#define PARETO_WRAP 24

/* Points this close (a share of the axes' spans) would print their labels
 * over each other: the first of them carries them all. */
#define NEAR_X 0.04
#define NEAR_Y 0.05

static double speed_of(const struct scn_chain_point *p, bool resume)
{
	return resume ? p->resume_mbps : p->suspend_mbps;
}

static bool on_front(const struct scn_chain_point *p, bool resume)
{
	return resume ? p->best_resume : p->best_suspend;
}

/* One front's block of pareto.dat, in order of ratio: ratio, both speeds,
 * and the label of a run of points near each other on its first. */
static void front_block(FILE *f, const struct scn_chain_point *p, unsigned n, bool resume,
			char *label, size_t cap)
{
	double xspan = p[n - 1].ratio - p[0].ratio, top = 0;
	unsigned i, j;
	char text[2048];
	size_t used;

	for (i = 0; i < n; i++)
		top = speed_of(&p[i], resume) > top ? speed_of(&p[i], resume) : top;
	fprintf(f, "\n\n# the best trade-offs of %s MB/s against the ratio\n",
		resume ? "resume" : "suspend");
	for (i = 0; i < n; i = j) {
		if (!on_front(&p[i], resume)) {
			j = i + 1;
			continue;
		}
		snprintf(text, sizeof(text), "%s", p[i].chain);
		for (j = i + 1; j < n; j++) {
			if (!on_front(&p[j], resume))
				continue;
			if (p[j].ratio - p[i].ratio > NEAR_X * xspan ||
			    fabs(speed_of(&p[j], resume) - speed_of(&p[i], resume)) > NEAR_Y * top)
				break;
			used = strlen(text);
			snprintf(text + used, sizeof(text) - used, "\n%s", p[j].chain);
		}
		wrap_label(text, PARETO_WRAP, label, cap);
		fprintf(f, "%.4f %.2f %.2f %s\n", p[i].ratio, p[i].suspend_mbps,
			p[i].resume_mbps, label);
		for (i++; i < j; i++) {
			if (on_front(&p[i], resume))
				fprintf(f, "%.4f %.2f %.2f \"\"\n", p[i].ratio, p[i].suspend_mbps,
					p[i].resume_mbps);
		}
	}
}

/* pareto.dat: the chains' points, then the suspend front and the resume
 * front in order of ratio (gnuplot's index 0, 1 and 2).  Its points into
 * *count. */
static int write_pareto_data(const char *dir, const struct scn_results *rs, unsigned *count)
{
	struct scn_chain_point *p;
	char path[1200], label[4096];
	unsigned i;
	FILE *f = NULL;
	int err = scn_chain_points(rs, &p, count);

	if (err || !*count)
		goto out;
	snprintf(path, sizeof(path), "%s/pareto.dat", dir);
	f = fopen(path, "w");
	if (!f) {
		err = hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	fputs("# one point per chain (means over its restored runs): ratio suspend_MBps "
	      "resume_MBps chain\n", f);
	for (i = 0; i < *count; i++) {
		wrap_label(p[i].chain, PARETO_WRAP, label, sizeof(label));
		fprintf(f, "%.4f %.2f %.2f %s\n", p[i].ratio, p[i].suspend_mbps, p[i].resume_mbps,
			label);
	}
	front_block(f, p, *count, false, label, sizeof(label));
	front_block(f, p, *count, true, label, sizeof(label));
	if (fclose(f) != 0)
		err = hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
out:
	free(p);
	return err;
}

/* pareto.svg: the chains' points, each front joined and labelled. */
static void pareto_script(FILE *f)
{
	fputs("set output 'pareto.svg'\n"
	      "set terminal svg size 900,560 dynamic font 'sans,10' background '#ffffff'\n"
	      "unset xtics\nset xtics auto norotate nomirror\nset xrange [*:*]\nset yrange [0:*]\n"
	      "set offsets graph 0.1, graph 0.3, graph 0.15, 0\nset bmargin 4\n"
	      "set title 'ratio against speed: one point per chain, the best trade-offs joined'\n"
	      "set xlabel 'compression ratio (source / image)'\n"
	      "set ylabel 'MB/s (source bytes / second)'\nset key top right noenhanced\n"
	      "plot 'pareto.dat' index 0 using 1:2 with points pt 7 ps 1.2 lc rgb '#1f77b4' "
	      "title 'suspend', \\\n"
	      "  '' index 0 using 1:3 with points pt 5 ps 1.2 lc rgb '#ff7f0e' title 'resume', \\\n"
	      "  '' index 1 using 1:2 with lines lw 1.5 lc rgb '#1f77b4' title 'suspend: best', \\\n"
	      "  '' index 2 using 1:3 with lines lw 1.5 lc rgb '#ff7f0e' title 'resume: best', \\\n"
	      "  '' index 1 using 1:2:4 with labels left offset 1,0 font 'sans,9' noenhanced notitle, \\\n"
	      "  '' index 2 using 1:3:4 with labels left offset 1,0 font 'sans,9' noenhanced notitle\n",
	      f);
}

/* The run charts' sizes: a slot per run wide enough for its wrapped label
 * across the axis, or along it (rotated) when there are many runs. */
struct layout {
	unsigned width, bmargin;
	bool rotated;
};

static struct layout run_layout(unsigned runs, unsigned lines)
{
	struct layout l = { .rotated = runs > ROTATE_ABOVE };
	unsigned slot = l.rotated ? 14 * lines + 16 : CHAR_PX * label_wrap(runs) + 10;

	if (slot < 36)
		slot = 36;
	l.width = 160 + slot * runs;
	if (l.width > 20000)
		l.width = 20000;
	/* character heights below the axis: the label's lines, or its length */
	l.bmargin = l.rotated ? LABEL_WRAP_ROTATED * 6 / 10 + 3 : lines + 3;
	return l;
}

static int write_script(const char *dir, unsigned runs, unsigned lines, unsigned cycles,
			unsigned chains)
{
	struct layout l = run_layout(runs, lines);
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/charts.gp", dir);
	f = fopen(path, "w");
	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	/* the runs at x = 0, 1 ...: suspend left of the run's tic, resume right,
	 * a box to the median, whiskers from the slowest to the fastest cycle,
	 * and the verdict's word where a run measured nothing */
	fprintf(f, "# regenerate: cd to this directory and run gnuplot charts.gp\n"
		   "set terminal svg size %u,%u dynamic font 'sans,10' background '#ffffff'\n"
		   "set style fill solid 0.75 border -1\nset boxwidth 0.34\n"
		   "set xtics %s scale 0 noenhanced font 'sans,9'\nset grid ytics\n"
		   "set xrange [-0.6:%u.6]\nset yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\n"
		   "set key outside top center horizontal noenhanced\nset bmargin %u\n"
		   "set output 'throughput.svg'\n"
		   "set title 'suspend and resume throughput: median of the cycles, whiskers from "
		   "the slowest to the fastest'\n"
		   "set ylabel 'MB/s (source bytes / second)'\n"
		   "note = 'with labels rotate by 90 left offset 0,0.5 font \"sans,9\" tc rgb \"#555555\" "
		   "notitle'\n"
		   "plot 'charts.dat' using ($1 - 0.18):3:xtic(2) with boxes lc rgb '#1f77b4' "
		   "title 'suspend', \\\n"
		   "  '' using ($1 + 0.18):6 with boxes lc rgb '#ff7f0e' title 'resume', \\\n"
		   "  '' using ($1 - 0.18):3:4:5 with yerrorbars pt -1 lw 1.2 lc rgb 'black' "
		   "notitle, \\\n"
		   "  '' using ($1 + 0.18):6:7:8 with yerrorbars pt -1 lw 1.2 lc rgb 'black' "
		   "notitle, \\\n"
		   "  '' using ($1 - 0.18):3 with points pt 7 ps 0.6 lc rgb 'black' title 'median', "
		   "\\\n"
		   "  '' using ($1 + 0.18):6 with points pt 7 ps 0.6 lc rgb 'black' notitle, \\\n"
		   "  '' using ($1 - 0.18):(0):10 @note, \\\n"
		   "  '' using ($1 + 0.18):(0):11 @note\n"
		   "set output 'ratio.svg'\nset title 'compression ratio (source / image)'\n"
		   "set boxwidth 0.6\nset ylabel 'ratio'\n"
		   "plot 'charts.dat' using 1:9:xtic(2) with boxes lc rgb '#2ca02c' title 'ratio', "
		   "\\\n"
		   "  '' using 1:(0):12 @note\n",
		l.width, 420 + 14 * l.bmargin, l.rotated ? "rotate by 90 right" : "norotate",
		runs ? runs - 1 : 0, l.bmargin);
	if (chains)
		pareto_script(f);
	if (cycles)
		timeline_script(f, cycles);
	return fclose(f) == 0 ? 0 : hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
}

int scn_write_charts(const char *dir, const struct scn_results *rs, FILE *log)
{
	struct scn_cycle_rows rows = { .v = NULL };
	unsigned lines = 1, chains = 0;
	int status = 0, err = write_data(dir, rs, &lines);
	pid_t pid;

	if (!err)
		err = write_pareto_data(dir, rs, &chains);
	if (!err)
		err = scn_cycle_rows_load(dir, &rows);
	if (!err && rows.count)
		err = scn_timeline_data(dir, &rows);
	if (!err)
		err = write_script(dir, rs->count, lines, rows.count, chains);
	scn_cycle_rows_free(&rows);
	if (err)
		return err;
	pid = fork();
	if (pid < 0)
		return hb_fail(HB_EIO, "charts: fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", "charts.gp", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		fprintf(log, "charts skipped: gnuplot is not installed (apt-get install gnuplot-nox)\n");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(log, "charts: gnuplot failed (see %s/charts.gp)\n", dir);
	return 0;
}
