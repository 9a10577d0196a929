/* A short label for a run: the fields that differ across its result set,
 * which is what tells runs apart in a table, a chart or a compare. */
#include "results.h"

#include <string.h>

enum field { F_SCENARIO, F_MEMORY, F_DISK, F_CHAIN, F_FAULT, F_CHUNK, F_COUNT };

static void field_text(const struct scn_result *r, enum field f, char *buf, size_t cap)
{
	switch (f) {
	case F_SCENARIO:
		snprintf(buf, cap, "%s%s%s", r->scenario, r->part[0] ? "/" : "", r->part);
		return;
	case F_MEMORY:
		snprintf(buf, cap, "%s", r->memory);
		return;
	case F_DISK:
		snprintf(buf, cap, "%s", r->disk);
		return;
	case F_CHAIN:
		snprintf(buf, cap, "%s", r->chain);
		return;
	case F_FAULT:
		snprintf(buf, cap, "%s", r->fault);
		return;
	case F_CHUNK:
		snprintf(buf, cap, "chunk=%u", r->chunk_pages);
		return;
	case F_COUNT:
		break;
	}
	buf[0] = '\0';
}

static bool varies(const struct scn_results *rs, enum field f)
{
	char a[600], b[600];
	unsigned i;

	field_text(&rs->v[0], f, a, sizeof(a));
	for (i = 1; i < rs->count; i++) {
		field_text(&rs->v[i], f, b, sizeof(b));
		if (strcmp(a, b) != 0)
			return true;
	}
	return false;
}

void scn_result_label(const struct scn_results *rs, unsigned i, char *buf, size_t cap)
{
	char part[600];
	size_t used = 0;
	unsigned f;

	buf[0] = '\0';
	for (f = 0; f < F_COUNT; f++) {
		if (!varies(rs, (enum field)f))
			continue;
		field_text(&rs->v[i], (enum field)f, part, sizeof(part));
		if (used < cap)
			used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? " " : "", part);
	}
	if (!buf[0])
		snprintf(buf, cap, "%s", rs->v[i].chain);
}

