/* runs.csv: one row per run (RFC 4180 quoting), its columns from the one
 * table (bench/result_columns.c); bench/results_load.c reads it back. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <string.h>

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
	char cell[1024];
	unsigned i, c;

	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	for (c = 0; c < scn_column_count; c++)
		fprintf(f, "%s%s", c ? "," : "", scn_columns[c].name);
	fputc('\n', f);
	for (i = 0; i < rs->count; i++) {
		for (c = 0; c < scn_column_count; c++) {
			scn_column_text(&scn_columns[c], &rs->v[i], cell, sizeof(cell));
			if (c)
				fputc(',', f);
			scn_csv_field(f, cell);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
