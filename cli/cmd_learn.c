/* hiblab learn: a .prof profile from real memory, then checked by
 * generating memory from it at the original size. */
#include "cli.h"

#include "bench/learn.h"
#include "core/error.h"
#include "core/options.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_TOLERANCE 0.05  /* issue 11: figures within 5% */

static void help(void)
{
	printf("usage: hiblab learn --source SPEC --out FILE.prof [--chunk-pages N] [-q]\n\n"
	       "Read memory once, in order, and write a profile that generates memory of any\n"
	       "size compressing like it: its zero pages, its duplicate pages (exact copies,\n"
	       "found by a table of page hashes of at most 96 MiB), and up to 6 classes of\n"
	       "the other pages by how well lz4 packs each, with the knobs (match, entropy,\n"
	       "dense) of each class fitted to its lz4, zstd-1 and lzo ratios.  Then generate\n"
	       "memory of the original size from the written profile and print both side by\n"
	       "side.\n\n"
	       "  -s, --source SPEC      the memory: file:DUMP, proc:PID, sim:PROFILE,...\n"
	       "  -o, --out FILE.prof    the profile to write (docs/SIMULATION.md has the format):\n"
	       "                         created, or an old profile replaced; never another\n"
	       "                         file, a symbolic link or a FIFO\n"
	       "      --chunk-pages N    pages per record the ratios are measured in\n"
	       "                         (default %u, as suspend)\n"
	       "  -q, --quiet            no progress line, no table\n"
	       "  -h, --help             this help\n\n"
	       "Use it: hiblab suspend --source sim:FILE.prof,size=4GiB,seed=1 ...\n",
	       HB_DEFAULT_CHUNK_PAGES);
}

/* The profile file, opened before the long read so that a bad --out fails
 * at once.  Never a FIFO, a device, a directory or a symbolic link (opening
 * does not wait for a reader), and never a file that is not a profile
 * already (the dump being learned from, say): it is emptied only when the
 * profile is written.  *created: made here (removed if learning fails). */
static int open_out(const char *path, int *fd_out, bool *created)
{
	static const char magic[] = "hiblab-profile ";
	int flags = O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
	char head[sizeof(magic) - 1];
	int fd = open(path, flags | O_EXCL, 0644);
	struct stat st;
	int err = 0;

	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, flags, 0644);
	if (fd < 0)
		return hb_fail(errno == ELOOP ? HB_EUSAGE : HB_EIO, "--out %s: %s", path,
			       errno == ELOOP ? "a symbolic link" : strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		err = hb_fail(HB_EUSAGE, "--out %s: not a regular file", path);
	else if (st.st_size > 0 && (pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
				    memcmp(head, magic, sizeof(head)) != 0))
		err = hb_fail(HB_EUSAGE, "--out %s: holds something that is not a hiblab profile; "
					 "remove it first", path);
	if (err) {
		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

/* Empties the profile file, writes the profile, and closes fd in any case. */
static int write_profile(int fd, const char *path, const char *source, const struct hb_prof *p)
{
	char comment[HB_STR_MAX + 64];
	FILE *f;
	int err;

	f = ftruncate(fd, 0) == 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		err = hb_fail(HB_EIO, "--out %s: %s", path, strerror(errno));
		close(fd);
		return err;
	}
	snprintf(comment, sizeof(comment), "learned by hiblab learn from %s", source);
	err = hb_prof_write(p, comment, f);
	if (fclose(f) != 0 && !err)
		err = hb_fail(HB_EIO, "--out %s: %s", path, strerror(errno));
	return err;
}

static void row(const char *name, double orig, double gen)
{
	double diff = orig > 0.0 ? (gen - orig) / orig * 100.0 : 0.0;

	printf("  %-20s %10.4f %10.4f %+7.1f%%%s\n", name, orig, gen, diff,
	       (diff > CHECK_TOLERANCE * 100 || diff < -CHECK_TOLERANCE * 100) &&
			       (orig > 0.001 || gen > 0.001)
		       ? "  (off by more than 5%)"
		       : "");
}

static void report(const struct learn_figures *o, const struct learn_figures *g,
		   const struct hb_prof *p, const char *out)
{
	char name[32];
	unsigned i;

	printf("wrote %s: %u classes, zero %.4f, duplicate %.4f (%u templates)\n", out,
	       p->nclasses, p->zero, p->duplicate, p->templates);
	printf("  %-20s %10s %10s %8s\n", "", "original", "generated", "diff");
	row("zero fraction", o->zero, g->zero);
	row("duplicate fraction", o->duplicate, g->duplicate);
	for (i = 0; i < LEARN_COMPRESSORS; i++) {
		snprintf(name, sizeof(name), "%s image ratio", learn_comp_name[i]);
		row(name, o->ratio[i], g->ratio[i]);
	}
}

/* sim:OUT,size=...,page-size=... with OUT escaped, and read as a file. */
static void generated_spec(const char *out, uint64_t bytes, uint32_t page_size, char *buf,
			   size_t cap)
{
	char path[HB_STR_MAX], escaped[2 * HB_STR_MAX];
	uint64_t pages = (bytes + page_size - 1) / page_size;

	snprintf(path, sizeof(path), "%s%s", strpbrk(out, "/.") ? "" : "./", out);
	hb_spec_escape(path, escaped, sizeof(escaped));
	snprintf(buf, cap, "sim:%s,size=%llu,seed=1,page-size=%u", escaped,
		 (unsigned long long)(pages * page_size), page_size);
}

static int learn(const char *source, const char *out, uint32_t chunk_pages, bool quiet)
{
	struct cli_progress prog;
	struct learn_opts o = { .chunk_pages = chunk_pages, .classes = true, .phase = "read",
				.progress = cli_progress_update, .progress_ctx = &prog };
	struct learn_figures orig, gen;
	struct learn_scan *s = (struct learn_scan *)malloc(sizeof(*s));
	struct hb_prof *p = (struct hb_prof *)malloc(sizeof(*p));
	char spec[3 * HB_STR_MAX];
	bool created = false;
	int err = 0, fd = -1;

	if (!s || !p) {
		err = hb_fail(HB_ENOMEM, "learn: out of memory");
		goto out;
	}
	err = open_out(out, &fd, &created);
	if (err)
		goto out;
	cli_progress_init(&prog, quiet);
	err = learn_scan_source(source, &o, s);
	cli_progress_done(&prog);
	if (!err && !quiet && s->table_full)
		fprintf(stderr, "hiblab: note: more distinct pages than the hash table holds: "
				"copies of the later ones were not counted as duplicates\n");
	if (!err)
		err = learn_fit(s, chunk_pages, p);
	if (!err) {
		err = write_profile(fd, out, source, p);
		fd = -1;  /* closed by the write, whatever happened */
	}
	if (err)
		goto out;
	learn_figures_of(s, &orig);
	generated_spec(out, (uint64_t)s->pages * s->page_size, s->page_size, spec, sizeof(spec));
	o.classes = false;
	o.phase = "check";
	cli_progress_init(&prog, quiet);
	err = learn_scan_source(spec, &o, s);
	cli_progress_done(&prog);
	if (err)
		goto out;
	learn_figures_of(s, &gen);
	if (!quiet)
		report(&orig, &gen, p, out);
out:
	if (fd >= 0)
		close(fd);
	if (err && created)
		unlink(out);
	free(s);
	free(p);
	return err;
}

int cmd_learn(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "chunk-pages", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = NULL, *out = NULL;
	uint32_t chunk_pages = 0;
	bool quiet = false;
	unsigned n;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			source = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'c':
			if (cli_parse_count("learn", "--chunk-pages", optarg, HB_MAX_CHUNK_PAGES, &n))
				return HB_EXIT_USAGE;
			chunk_pages = (uint32_t)n;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			help();
			return HB_EXIT_OK;
		case ':':
			return cli_usage_error("learn", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("learn", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("learn", "unexpected argument '%s'", argv[optind]);
	if (!source)
		return cli_usage_error("learn", "--source is required");
	if (!out)
		return cli_usage_error("learn", "--out is required");
	err = learn(source, out, chunk_pages, quiet);
	return err ? cli_fail(err) : HB_EXIT_OK;
}
