/* hiblab run: scenario files in, results out (docs/SCENARIOS.md). */
#include "cli.h"

#include "bench/reports.h"
#include "bench/runner.h"
#include "bench/scenario.h"
#include "core/error.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void help(void)
{
	printf("usage: hiblab run FILE... [--out DIR] [--only PATTERN] [--shard I/N] [--list] "
	       "[--quiet] [--keep-disks]\n\n"
	       "Expand each scenario file's matrix into runs, and run each: suspend and resume\n"
	       "on the simulated (or real) target, in a process of its own, and judge what\n"
	       "came back against the scenario's expect.  Mistakes in a file are reported as\n"
	       "FILE:LINE: message, and nothing runs.  The files may expand to at most\n"
	       "100000 runs together (docs/SCENARIOS.md, Limits).\n\n"
	       "      --out DIR        write results here (default results/NAME/UTC-TIME/)\n"
	       "      --only PATTERN   only runs whose \"scenario/part combination\" contains\n"
	       "                       PATTERN (a glob: *, ?, [...]); see --list\n"
	       "      --shard I/N      only the I-th of N slices (1 <= I <= N), for CI jobs;\n"
	       "                       hiblab merge joins the slices' results\n"
	       "      --list           print the runs, run nothing\n"
	       "  -q, --quiet          print only runs that miss their expectation, no progress\n"
	       "      --keep-disks     guest runs: keep each cycle's disk as it was after the\n"
	       "                       suspend (DIR/disks/run-N-cycle-C.disk, sparse), for\n"
	       "                       hiblab inspect by hand\n"
	       "  -h, --help           this help\n\n"
	       "Writes runs.csv, runs.json, summary.md, junit.xml, SVG charts (gnuplot) and\n"
	       "report.html, one page with all of them.\n"
	       "Exit status: 0 every run as expected, 1 some run not, 2 a bad file or option.\n");
}

struct run_opts {
	const char *out, *only;
	char **files;            /* the scenario files, for report.html */
	unsigned file_count;
	unsigned shard, shards;
	bool list, quiet, keep_disks;
};

static int parse_shard(const char *s, struct run_opts *o)
{
	char *end;
	unsigned long i = strtoul(s, &end, 10), n;

	if (end == s || *end != '/')
		return -1;
	s = end + 1;
	n = strtoul(s, &end, 10);
	if (end == s || *end || n == 0 || i == 0 || i > n || n > 100000)
		return -1;
	o->shard = (unsigned)i;
	o->shards = (unsigned)n;
	return 0;
}

/* Parse every file; print every mistake of every file. */
static int load(int argc, char **argv, struct scn_runs *runs, char *title, size_t cap)
{
	struct scn_diag *d = (struct scn_diag *)malloc(sizeof(*d));
	int i, bad = 0;
	unsigned k;

	if (!d)
		return cli_fail(hb_fail(HB_ENOMEM, "out of memory"));
	title[0] = '\0';
	for (i = 0; i < argc; i++) {
		struct scn_file f;
		int err = scn_parse_file(argv[i], &f, d);
		for (k = 0; k < d->count; k++)
			fprintf(stderr, "%s\n", d->msg[k]);
		if (!err)
			err = scn_expand(&f, runs);
		if (err && !d->count)
			fprintf(stderr, "hiblab: %s\n", hb_detail(err));
		bad |= err != 0;
		if (!err && strlen(title) + strlen(f.name) + 2 < cap)
			snprintf(title + strlen(title), cap - strlen(title), "%s%s", i ? "+" : "",
				 f.name);
		scn_free(&f);
	}
	free(d);
	return bad ? HB_EXIT_USAGE : 0;
}

/* Keep only the runs --only and --shard pick, in place: a second array
 * would double what up to SCN_RUNS_MAX runs take. */
static void pick_runs(struct scn_runs *runs, const struct run_opts *o)
{
	unsigned i, n = 0, kept = 0;

	for (i = 0; i < runs->count; i++) {
		if (o->only && !scn_match(&runs->v[i], o->only))
			continue;
		if (o->shards && n++ % o->shards != o->shard - 1)
			continue;
		if (kept != i)
			runs->v[kept] = runs->v[i];
		kept++;
	}
	runs->count = kept;
}

static void list_runs(const struct scn_runs *sel)
{
	char id[200];
	unsigned i;

	for (i = 0; i < sel->count; i++) {
		const struct scn_run *r = &sel->v[i];
		scn_run_id(r, id, sizeof(id));
		printf("%4u  %s  %s  expect=%s cycles=%u%s\n", r->index, id, r->combo,
		       scn_expect_name(r->expect), r->cycles, r->verify ? "" : " verify=no");
	}
}

/* results/NAME/UTC-TIME, and results/NAME/latest pointing at it. */
static void default_dir(const char *title, char *dir, size_t cap)
{
	char stamp[32], link[600];
	time_t now = time(NULL);
	struct stat st;
	unsigned n = 1;

	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(dir, cap, "results/%s/%s", title, stamp);
	while (stat(dir, &st) == 0)
		snprintf(dir, cap, "results/%s/%s-%u", title, stamp, ++n);
	if (scn_mkdirs(dir) == 0) {
		snprintf(link, sizeof(link), "results/%s/latest", title);
		unlink(link);
		if (symlink(strrchr(dir, '/') + 1, link) != 0)
			fprintf(stderr, "hiblab: run: cannot link %s\n", link);
	}
}

/* What runs append to as they go (a guest run's cycles.csv and console
 * logs), left in dir by an earlier run set given the same --out: removed,
 * so that this set's results hold its own cycles alone.  A console that is
 * a symbolic link is not followed: its target is somebody else's. */
static void clear_appended(const char *dir)
{
	char path[900];
	struct dirent *e;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%.600s/cycles.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%.600s/console", dir);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (fnmatch("run-*-cycle-*.log", e->d_name, 0) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

static int run_all(const struct scn_runs *sel, const struct run_opts *o, const char *title)
{
	struct scn_results rs = { .v = NULL };
	struct scn_runner rn;
	struct scn_result res;
	char dir[600];
	unsigned i, missed = 0;
	int err = scn_runner_init(&rn, o->quiet, stdout);

	rn.total = sel->count;
	/* the directory first: guest runs keep their consoles in it */
	if (o->out)
		snprintf(dir, sizeof(dir), "%s", o->out);
	else
		default_dir(title, dir, sizeof(dir));
	snprintf(rn.outdir, sizeof(rn.outdir), "%s", dir);
	clear_appended(dir);
	rn.keep_disks = o->keep_disks;
	for (i = 0; i < sel->count && !err; i++) {
		err = scn_runner_run(&rn, &sel->v[i], &res);
		if (!err)
			err = scn_results_add(&rs, &res);
		missed += !err && !res.met;
	}
	scn_runner_fini(&rn);
	if (!err) {
		scn_results_sort(&rs);
		err = scn_write_all(dir, title, o->files, o->file_count, &rs, stdout);
	}
	scn_results_free(&rs);
	if (err)
		return cli_fail(err);
	printf("%u runs: %u as expected, %u not\nresults: %s\n", sel->count, sel->count - missed,
	       missed, dir);
	return missed ? HB_EXIT_RUNTIME : HB_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "only", required_argument, NULL, 'O' },
		{ "shard", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "keep-disks", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .out = NULL };
	struct scn_runs runs = { .v = NULL };
	char title[64];
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'O':
			o.only = optarg;
			break;
		case 's':
			if (parse_shard(optarg, &o))
				return cli_usage_error("run", "--shard %s: expected I/N, 1 <= I <= N",
						       optarg);
			break;
		case 'l':
			o.list = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'k':
			o.keep_disks = true;
			break;
		case 'h':
			help();
			return HB_EXIT_OK;
		case ':':
			return cli_usage_error("run", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error("run", "no scenario file given");
	o.files = argv + optind;
	o.file_count = (unsigned)(argc - optind);
	rc = load(argc - optind, argv + optind, &runs, title, sizeof(title));
	if (!rc) {
		pick_runs(&runs, &o);
		if (o.only && runs.count == 0 && !o.shards)
			rc = cli_usage_error("run", "no run matches --only '%s' (see --list)", o.only);
		else if (o.list)
			list_runs(&runs);
		else
			rc = run_all(&runs, &o, title);
	}
	scn_runs_free(&runs);
	return rc;
}
