/* runs.csv: one row per run (RFC 4180 quoting), and reading it back for
 * `hiblab merge` and `hiblab compare`. */
#include "results.h"

#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {
	"index", "scenario", "part", "memory", "disk", "chain", "fault", "chunk_pages", "cycles",
	"expect", "bytes_in", "bytes_out", "ratio", "suspend_s", "suspend_MBps", "resume_s",
	"resume_MBps", "peak_rss_KiB", "verdict", "reason", "met", "faults_fired",
	"suspend_error", "machine", "accel", "who", "pages", "restore_s",
};

#define NCOLS (sizeof(columns) / sizeof(columns[0]))

void scn_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int scn_write_csv(const char *path, const struct scn_results *rs)
{
	FILE *f = fopen(path, "w");
	unsigned i, c;

	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	for (c = 0; c < NCOLS; c++)
		fprintf(f, "%s%s", c ? "," : "", columns[c]);
	fputc('\n', f);
	for (i = 0; i < rs->count; i++) {
		const struct scn_result *r = &rs->v[i];
		fprintf(f, "%u,", r->index);
		scn_csv_field(f, r->scenario);
		fputc(',', f);
		scn_csv_field(f, r->part);
		fputc(',', f);
		scn_csv_field(f, r->memory);
		fputc(',', f);
		scn_csv_field(f, r->disk);
		fputc(',', f);
		scn_csv_field(f, r->chain);
		fputc(',', f);
		scn_csv_field(f, r->fault);
		fprintf(f, ",%u,%u,%s,%llu,%llu,%.4f,%.6f,%.2f,%.6f,%.2f,%llu,", r->chunk_pages,
			r->cycles, r->expect, (unsigned long long)r->bytes_in,
			(unsigned long long)r->bytes_out, r->ratio, r->suspend_s, r->suspend_mbps,
			r->resume_s, r->resume_mbps, (unsigned long long)r->rss_kib);
		scn_csv_field(f, r->verdict);
		fputc(',', f);
		scn_csv_field(f, r->reason);
		fprintf(f, ",%s,%u,", r->met ? "yes" : "no", r->fired);
		scn_csv_field(f, r->suspend_error);
		fprintf(f, ",%s,%s,%s,%llu,%.6f", r->machine, r->accel, r->kernel ? "kernel" : "hiblab",
			(unsigned long long)r->pages, r->restore_s);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}

/* Split one record (which may span lines inside quotes) into fields held
 * in buf.  Returns the number of fields, 0 at the end of the file. */
static unsigned read_record(FILE *f, char *buf, size_t cap, char **fields, unsigned max)
{
	size_t used = 0;
	unsigned n = 0;
	bool quoted = false, any = false;
	int ch;

	fields[n++] = buf;
	while ((ch = fgetc(f)) != EOF) {
		any = true;
		if (quoted) {
			if (ch == '"') {
				int next = fgetc(f);
				if (next != '"') {
					quoted = false;
					if (next == EOF)
						break;
					ungetc(next, f);
					continue;
				}
			}
		} else if (ch == '"') {
			quoted = true;
			continue;
		} else if (ch == ',') {
			if (used + 1 < cap)
				buf[used++] = '\0';
			if (n < max)
				fields[n++] = buf + used;
			continue;
		} else if (ch == '\n') {
			break;
		} else if (ch == '\r') {
			continue;
		}
		if (used + 1 < cap)
			buf[used++] = (char)ch;
	}
	buf[used] = '\0';
	return any ? n : 0;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

static void fill(struct scn_result *r, const int *at, char **v, unsigned n)
{
	const char *f[NCOLS];
	unsigned c;

	for (c = 0; c < NCOLS; c++)
		f[c] = at[c] >= 0 && (unsigned)at[c] < n ? v[at[c]] : "";
	memset(r, 0, sizeof(*r));
	r->index = (unsigned)strtoul(f[0], NULL, 10);
	copy(r->scenario, sizeof(r->scenario), f[1]);
	copy(r->part, sizeof(r->part), f[2]);
	copy(r->memory, sizeof(r->memory), f[3]);
	copy(r->disk, sizeof(r->disk), f[4]);
	copy(r->chain, sizeof(r->chain), f[5]);
	copy(r->fault, sizeof(r->fault), f[6]);
	r->chunk_pages = (unsigned)strtoul(f[7], NULL, 10);
	r->cycles = (unsigned)strtoul(f[8], NULL, 10);
	copy(r->expect, sizeof(r->expect), f[9]);
	r->bytes_in = strtoull(f[10], NULL, 10);
	r->bytes_out = strtoull(f[11], NULL, 10);
	r->ratio = strtod(f[12], NULL);
	r->suspend_s = strtod(f[13], NULL);
	r->suspend_mbps = strtod(f[14], NULL);
	r->resume_s = strtod(f[15], NULL);
	r->resume_mbps = strtod(f[16], NULL);
	r->rss_kib = strtoull(f[17], NULL, 10);
	copy(r->verdict, sizeof(r->verdict), f[18]);
	copy(r->reason, sizeof(r->reason), f[19]);
	r->met = strcmp(f[20], "yes") == 0;
	r->fired = (unsigned)strtoul(f[21], NULL, 10);
	copy(r->suspend_error, sizeof(r->suspend_error), f[22]);
	/* an older hiblab's runs.csv has no guest columns: sim runs */
	copy(r->machine, sizeof(r->machine), f[23][0] ? f[23] : "sim");
	copy(r->accel, sizeof(r->accel), f[24]);
	r->kernel = strcmp(f[25], "kernel") == 0;
	r->pages = strtoull(f[26], NULL, 10);
	r->restore_s = strtod(f[27], NULL);
	r->qemu = strcmp(r->machine, "sim") != 0;
}

int scn_read_csv(const char *path, struct scn_results *rs)
{
	FILE *f = fopen(path, "r");
	char *buf = (char *)malloc(16384);
	char *v[64];
	int at[NCOLS];
	unsigned n, c, i;
	int err = 0;

	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return hb_fail(HB_EUSAGE, "%s: %s", path, f ? "out of memory" : strerror(errno));
	}
	n = read_record(f, buf, 16384, v, 64);
	for (c = 0; c < NCOLS; c++) {
		at[c] = -1;
		for (i = 0; i < n; i++) {
			if (strcmp(v[i], columns[c]) == 0)
				at[c] = (int)i;
		}
	}
	if (at[0] < 0 || at[1] < 0 || at[18] < 0)
		err = hb_fail(HB_EUSAGE, "%s: not a hiblab runs.csv (no index, scenario, verdict)",
			      path);
	while (!err && (n = read_record(f, buf, 16384, v, 64)) != 0) {
		struct scn_result r;
		if (n == 1 && !v[0][0])
			continue;
		fill(&r, at, v, n);
		err = scn_results_add(rs, &r);
	}
	fclose(f);
	free(buf);
	return err;
}
