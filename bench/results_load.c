/* Reading runs.csv back (RFC 4180 quoting), for `hiblab merge` and
 * `hiblab compare`: columns found by their header, so files of an older
 * hiblab (fewer columns) load too. */
#include "results.h"

#include "open_regular.h"

#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIELDS_MAX 96
#define RECORD_MAX 16384

/* Split one record (which may span lines inside quotes) into fields held
 * in buf.  Returns the number of fields, 0 at the end of the file. */
unsigned scn_csv_record(FILE *f, char *buf, size_t cap, char **fields, unsigned max)
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

/* One row: every known column from its cell, "" where the file has none.
 * A cell no hiblab writes (an unknown verdict) is left in *bad. */
static int fill(struct scn_result *r, const int *at, char **v, unsigned n, const char **bad)
{
	unsigned c;
	int err;

	memset(r, 0, sizeof(*r));
	for (c = 0; c < scn_column_count; c++) {
		const char *cell = at[c] >= 0 && (unsigned)at[c] < n ? v[at[c]] : "";
		err = scn_column_set(&scn_columns[c], r, cell);
		if (err) {
			*bad = cell;
			return err;
		}
	}
	/* an older hiblab's runs.csv has no guest columns: sim runs */
	if (!r->machine[0])
		snprintf(r->machine, sizeof(r->machine), "sim");
	r->qemu = strcmp(r->machine, "sim") != 0;
	return 0;
}

int scn_read_csv(const char *path, struct scn_results *rs)
{
	FILE *f;
	struct stat st;
	int fd;
	char *buf, *v[FIELDS_MAX];
	int at[FIELDS_MAX];
	unsigned n, c, i, row = 1;
	int err = 0;

	if (scn_column_count > FIELDS_MAX)
		return hb_fail(HB_EINTERNAL, "runs.csv: more columns than FIELDS_MAX");
	fd = scn_open_regular(path, &st);
	if (fd < 0)
		return fd;
	f = fdopen(fd, "r");
	buf = (char *)malloc(RECORD_MAX);
	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		else
			close(fd);
		return hb_fail(HB_ENOMEM, "%s: out of memory", path);
	}
	n = scn_csv_record(f, buf, RECORD_MAX, v, FIELDS_MAX);
	for (c = 0; c < scn_column_count; c++) {
		at[c] = -1;
		for (i = 0; i < n; i++) {
			if (strcmp(v[i], scn_columns[c].name) == 0)
				at[c] = (int)i;
		}
	}
	if (at[scn_column_find("index") - scn_columns] < 0 ||
	    at[scn_column_find("scenario") - scn_columns] < 0 ||
	    at[scn_column_find("verdict") - scn_columns] < 0)
		err = hb_fail(HB_EUSAGE, "%s: not a hiblab runs.csv (no index, scenario, verdict)",
			      path);
	while (!err && (n = scn_csv_record(f, buf, RECORD_MAX, v, FIELDS_MAX)) != 0) {
		struct scn_result r;
		const char *bad = "";
		row++;
		if (n == 1 && !v[0][0])
			continue;
		err = fill(&r, at, v, n, &bad);
		if (err)
			err = hb_fail(err, "%s: row %u: verdict '%.40s': not one hiblab writes", path,
				      row, bad);
		else
			err = scn_results_add(rs, &r);
	}
	fclose(f);
	free(buf);
	return err;
}

int scn_load(const char *path, struct scn_results *rs)
{
	char csv[1200];
	struct stat st;

	if (stat(path, &st) != 0)
		return hb_fail(HB_EUSAGE, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		snprintf(csv, sizeof(csv), "%s/runs.csv", path);
	else
		snprintf(csv, sizeof(csv), "%s", path);
	return scn_read_csv(csv, rs);
}
