/* hiblab-bench: command line, and one row of measurements per filter.
 * Usage: hiblab-bench --help. */
#include "lim.h"

#include "core/options.h"
#include "sim/memory.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct lim_codec *const codecs[] = {
	&lim_memcpy, &lim_lz4, &lim_lzo, &lim_zstd1, &lim_zstd3, &lim_deflate,
	&lim_aes_gcm, &lim_chacha, &lim_crc32c, &lim_xxh3,
};

#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

struct lim_args {
	const char *profile, *pages_in, *pages_out, *csv, *only;
	uint64_t size, seed;
	size_t chunk;
	unsigned threads;
	struct lim_timing timing;
	bool quick, readonly;
	bool size_set, time_set, reps_set;  /* --quick changes only what was not given */
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: hiblab-bench [options]\n"
		"Measures memcpy and each compressor, cipher and checksum called bare through\n"
		"its library, through the hiblab plugin layer, and bare on N threads, on one\n"
		"page set in memory, chunk by chunk.\n\n"
		"  --profile NAME      simulated memory profile (%s; default mixed)\n"
		"  --size SIZE         page set size (default 256MiB)\n"
		"  --seed N            content seed (default 1)\n"
		"  --pages FILE        read the page set from FILE instead\n"
		"  --write-pages FILE  also write the page set to FILE (for --source file:FILE)\n"
		"  --chunk SIZE        chunk size, whole pages (default 128KiB)\n"
		"  --threads N         threads of the fan-out (default: online CPUs)\n"
		"  --min-time SEC      a run lasts at least this long (default 0.5)\n"
		"  --reps N            runs per figure; the best counts (default 3)\n"
		"  --only LIST         rows to measure, comma-separated (default all):\n"
		"                      ", hb_profile_names());
	for (i = 0; i < NCODECS; i++)
		fprintf(f, "%s,", codecs[i]->name);
	fprintf(f, "%s\n"
		"                      (%s: every profile's page generation next to memcpy)\n"
		"  --readonly-input    plugin encode through hb_worker_encode on a read-only chunk\n"
		"                      (default: hb_worker_run on a writable slot, as suspend)\n"
		"  --csv FILE          also write the figures as CSV\n"
		"  --quick             smoke run: 8MiB, 0.02 s runs, 1 run each\n",
		LIM_GEN_ROW, LIM_GEN_ROW);
}

static bool wanted(const char *only, const char *name)
{
	size_t len = strlen(name);
	const char *s = only;

	if (!only)
		return true;
	while ((s = strstr(s, name)) != NULL) {
		if ((s == only || s[-1] == ',') && (s[len] == ',' || s[len] == '\0'))
			return true;
		s += len;
	}
	return false;
}

/* A name in --only that is no row, or NULL. */
static const char *unknown_row(const char *only, size_t *len)
{
	size_t i;

	for (; only && *only; only += *len + (only[*len] == ',')) {
		*len = strcspn(only, ",");
		for (i = 0; i < NCODECS; i++) {
			if (strlen(codecs[i]->name) == *len &&
			    strncmp(codecs[i]->name, only, *len) == 0)
				break;
		}
		if (i == NCODECS && !(*len == strlen(LIM_GEN_ROW) &&
				       strncmp(LIM_GEN_ROW, only, *len) == 0))
			return only;
	}
	return NULL;
}

static int parse_args(int argc, char **argv, struct lim_args *a)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' }, { "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' }, { "pages", required_argument, NULL, 'P' },
		{ "write-pages", required_argument, NULL, 'W' },
		{ "chunk", required_argument, NULL, 'c' }, { "threads", required_argument, NULL, 't' },
		{ "min-time", required_argument, NULL, 'm' }, { "reps", required_argument, NULL, 'r' },
		{ "only", required_argument, NULL, 'o' }, { "csv", required_argument, NULL, 'C' },
		{ "readonly-input", no_argument, NULL, 'R' },
		{ "quick", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	const char *bad_row;
	size_t len = 0;
	uint64_t v;
	char *end;
	int c;

	memset(a, 0, sizeof(*a));
	a->profile = "mixed";
	a->size = 256ull << 20;
	a->seed = 1;
	a->chunk = 32 * LIM_PAGE_SIZE;
	a->threads = online > 0 ? (unsigned)online : 1;
	a->timing.min_time = 0.5;
	a->timing.reps = 3;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		errno = 0;
		end = NULL;
		switch (c) {
		case 'p': a->profile = optarg; break;
		case 's':
			if (hb_parse_size(optarg, &a->size) || a->size % LIM_PAGE_SIZE)
				goto bad;
			a->size_set = true;
			break;
		case 'S':
			a->seed = strtoull(optarg, &end, 10);
			break;
		case 'P': a->pages_in = optarg; break;
		case 'W': a->pages_out = optarg; break;
		case 'c':
			if (hb_parse_size(optarg, &v) || v == 0 || v % LIM_PAGE_SIZE || v > (1u << 30))
				goto bad;
			a->chunk = (size_t)v;
			break;
		case 't':
			v = strtoull(optarg, &end, 10);
			if (v == 0 || v > 1024)
				goto bad;
			a->threads = (unsigned)v;
			break;
		case 'm':
			a->timing.min_time = strtod(optarg, &end);
			if (!(a->timing.min_time >= 0 && a->timing.min_time <= 60))
				goto bad;
			a->time_set = true;
			break;
		case 'r':
			v = strtoull(optarg, &end, 10);
			if (v == 0 || v > LIM_REPS_MAX)
				goto bad;
			a->timing.reps = (unsigned)v;
			a->reps_set = true;
			break;
		case 'o': a->only = optarg; break;
		case 'C': a->csv = optarg; break;
		case 'R': a->readonly = true; break;
		case 'q': a->quick = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
		if (errno || (end && (end == optarg || *end)))
			goto bad;
	}
	if (optind < argc) {
		fprintf(stderr, "hiblab-bench: unexpected argument %s\n", argv[optind]);
		return -1;
	}
	bad_row = unknown_row(a->only, &len);
	if (bad_row) {
		fprintf(stderr, "hiblab-bench: --only: no row %.*s (see --help)\n", (int)len, bad_row);
		return -1;
	}
	if (a->quick) {
		a->size = a->size_set ? a->size : 8ull << 20;
		a->timing.min_time = a->time_set ? a->timing.min_time : 0.02;
		a->timing.reps = a->reps_set ? a->timing.reps : 1;
	}
	return 0;
bad:
	fprintf(stderr, "hiblab-bench: bad value %s for an option (see --help)\n", optarg);
	return -1;
}

/* A 32-byte key file for the plugin's --key keyfile=PATH. */
static int write_key(char *path, size_t cap)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, cap, "%s/hiblab-bench-key-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, lim_test_key, LIM_KEY_LEN) != LIM_KEY_LEN || close(fd) != 0) {
		fprintf(stderr, "hiblab-bench: key file %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			unlink(path);
		path[0] = '\0';
		return -1;
	}
	return 0;
}

/* Every figure of one row.  Bare and plugin run interleaved, on stores of
 * their own records, each checked to give the pages back. */
static int run_row(struct lim_row *r, const struct lim_pages *p, const struct lim_args *a,
		   const char *key_spec)
{
	const struct lim_codec *c = r->codec;
	size_t bound = c->bound(p->chunk);
	size_t cap = bound > p->chunk ? bound : p->chunk;
	struct lim_pass bare = { .ops = &c->ops, .pages = p, .first = 0, .end = p->nchunks,
				 .cap = cap };
	struct lim_pass plg = { .ops = &lim_plugin_ops, .pages = p, .first = 0,
				.end = p->nchunks };
	struct lim_store bs = { 0 }, ps = { 0 };
	struct lim_job enc[2], dec[2];
	unsigned jobs = 1;
	double total = (double)p->bytes;
	int err = -1;

	fprintf(stderr, "hiblab-bench: %s ...\n", c->name);
	bare.keep_data = c->digest_only;
	bare.ctx = c->create(c);
	bare.buf = (uint8_t *)malloc(cap);
	if (!bare.ctx || !bare.buf || lim_store_fill(&bs, &bare, bound, c->name))
		goto out;
	r->bare_ratio = total / (double)bs.total;
	bare.store = &bs;
	enc[0] = (struct lim_job){ .pass = lim_pass_encode, .arg = &bare, .bytes = total };
	dec[0] = (struct lim_job){ .pass = lim_pass_decode, .arg = &bare, .bytes = total };
	if (c->chain) {
		plg.ctx = lim_plugin_create(c->chain, p, key_spec, a->readonly);
		if (!plg.ctx || lim_store_fill(&ps, &plg, lim_plugin_bound(plg.ctx), c->chain))
			goto out;
		r->plg_ratio = total / (double)ps.total;
		plg.store = &ps;
		enc[1] = (struct lim_job){ .pass = lim_pass_encode, .arg = &plg, .bytes = total };
		dec[1] = (struct lim_job){ .pass = lim_pass_decode, .arg = &plg, .bytes = total };
		jobs = 2;
	}
	if (lim_measure(enc, jobs, &a->timing) || lim_measure(dec, jobs, &a->timing)) {
		fprintf(stderr, "hiblab-bench: %s: a timed pass failed\n", c->name);
		goto out;
	}
	r->bare_enc = enc[0].best;
	r->bare_dec = dec[0].best;
	if (jobs == 2) {
		r->plg_enc = enc[1].best;
		r->plg_dec = dec[1].best;
		r->has_ovh = true;
		r->ovh_enc = lim_overhead(&enc[0], &enc[1], a->timing.reps);
		r->ovh_dec = lim_overhead(&dec[0], &dec[1], a->timing.reps);
	}
	if (lim_pages_check(p, c->name))
		goto out;
	/* the plugin's records are not needed any more: free them first */
	lim_plugin_ops.destroy(plg.ctx);
	plg.ctx = NULL;
	lim_store_free(&ps);
	err = lim_fanout(c, p, &bs, a->threads, &a->timing, &r->thr_enc, &r->thr_dec,
			 &r->thr_resume);
out:
	if (plg.ctx)
		lim_plugin_ops.destroy(plg.ctx);
	if (bare.ctx)
		c->ops.destroy(bare.ctx);
	free(bare.buf);
	lim_store_free(&bs);
	lim_store_free(&ps);
	return err;
}

int main(int argc, char **argv)
{
	struct lim_row rows[NCODECS];
	struct lim_gen_row gen[LIM_GEN_ROWS];
	struct lim_pages pages = { 0 };
	struct lim_setup setup;
	struct lim_args a;
	char key_path[512] = "", key_spec[600];
	unsigned n = 0, ngen = 0, i;
	int rc = 1;
	double t0;

	if (parse_args(argc, argv, &a))
		return 2;
	t0 = lim_now();
	if (a.pages_in ? lim_pages_read(&pages, a.pages_in, a.chunk)
		       : lim_pages_generate(&pages, a.profile, a.size, a.seed, a.chunk))
		goto out;
	fprintf(stderr, "hiblab-bench: %s: %zu bytes ready in %.2f s\n", pages.origin,
		pages.bytes, lim_now() - t0);
	if (a.pages_out && lim_pages_write(&pages, a.pages_out))
		goto out;
	if (write_key(key_path, sizeof(key_path)))
		goto out;
	snprintf(key_spec, sizeof(key_spec), "keyfile=%s", key_path);
	memset(rows, 0, sizeof(rows));
	for (i = 0; i < NCODECS; i++) {
		if (!wanted(a.only, codecs[i]->name))
			continue;
		rows[n].codec = codecs[i];
		if (run_row(&rows[n], &pages, &a, key_spec))
			goto out;
		n++;
	}
	if (wanted(a.only, LIM_GEN_ROW) && lim_generate(&pages, &a.timing, gen, &ngen))
		goto out;
	setup.gen = gen;
	setup.ngen = ngen;
	setup.pages = &pages;
	setup.timing = a.timing;
	setup.threads = a.threads;
	setup.readonly = a.readonly;
	lim_report_table(stdout, &setup, rows, n);
	if (a.csv && lim_report_csv(a.csv, &setup, rows, n))
		goto out;
	rc = 0;
out:
	if (key_path[0])
		unlink(key_path);
	lim_pages_free(&pages);
	return rc;
}
