/* throughput.svg and ratio.svg, drawn by gnuplot from charts.dat. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_data(const char *dir, const struct scn_results *rs)
{
	char path[1200], label[600];
	FILE *f;
	unsigned i;
	char *q;

	snprintf(path, sizeof(path), "%s/charts.dat", dir);
	f = fopen(path, "w");
	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	fputs("# index label suspend_MBps resume_MBps ratio\n", f);
	for (i = 0; i < rs->count; i++) {
		scn_result_label(rs, i, label, sizeof(label));
		while ((q = strchr(label, '"')) != NULL)
			*q = '\'';
		fprintf(f, "%u \"#%u %.40s\" %.2f %.2f %.4f\n", i, rs->v[i].index, label,
			rs->v[i].suspend_mbps, rs->v[i].resume_mbps, rs->v[i].ratio);
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

static int write_script(const char *dir, unsigned n, unsigned cycles)
{
	char path[1200];
	unsigned width = 400 + 36 * n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/charts.gp", dir);
	f = fopen(path, "w");
	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	fprintf(f, "# regenerate: cd to this directory and run gnuplot charts.gp\n"
		   "set terminal svg size %u,640 dynamic font 'sans,10' background '#ffffff'\n"
		   "set style data histograms\nset style histogram clustered gap 1\n"
		   "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
		   "set xtics rotate by 90 right scale 0 noenhanced font 'sans,9'\nset grid ytics\n"
		   "set key top left noenhanced\nset bmargin 14\nset yrange [0:*]\n"
		   "set output 'throughput.svg'\nset title 'suspend and resume throughput'\n"
		   "set ylabel 'MB/s (source bytes / second)'\n"
		   "plot 'charts.dat' using 3:xtic(2) title 'suspend', '' using 4 title 'resume'\n"
		   "set output 'ratio.svg'\nset title 'compression ratio (source / image)'\n"
		   "set ylabel 'ratio'\nplot 'charts.dat' using 5:xtic(2) title 'ratio'\n",
		width > 6000 ? 6000 : width);
	if (cycles)
		timeline_script(f, cycles);
	return fclose(f) == 0 ? 0 : hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
}

int scn_write_charts(const char *dir, const struct scn_results *rs, FILE *log)
{
	int status = 0, err = write_data(dir, rs);
	struct scn_cycle_rows rows = { .v = NULL };
	pid_t pid;

	if (!err)
		err = scn_cycle_rows_load(dir, &rows);
	if (!err && rows.count)
		err = scn_timeline_data(dir, &rows);
	if (!err)
		err = write_script(dir, rs->count, rows.count);
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
