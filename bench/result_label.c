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

static bool same_part(const struct scn_result *a, const struct scn_result *b)
{
	return strcmp(a->scenario, b->scenario) == 0 && strcmp(a->part, b->part) == 0;
}

/* Whether field f differs across rs; only among the runs of like's part
 * when like is given. */
static bool varies(const struct scn_results *rs, enum field f, const struct scn_result *like)
{
	char a[600], b[600];
	bool first = true;
	unsigned i;

	for (i = 0; i < rs->count; i++) {
		if (like && !same_part(&rs->v[i], like))
			continue;
		field_text(&rs->v[i], f, first ? a : b, first ? sizeof(a) : sizeof(b));
		if (!first && strcmp(a, b) != 0)
			return true;
		first = false;
	}
	return false;
}

static void label(const struct scn_results *rs, unsigned i, const struct scn_result *like,
		  char *buf, size_t cap)
{
	char part[600];
	size_t used = 0;
	unsigned f;

	buf[0] = '\0';
	if (like && (like->scenario[0] || like->part[0]))
		used = (size_t)snprintf(buf, cap, "%s%s%s:", like->scenario, like->part[0] ? "/" : "",
					like->part);
	for (f = F_SCENARIO; f < F_COUNT && used < cap; f++) {
		if (!varies(rs, (enum field)f, like))
			continue;
		field_text(&rs->v[i], (enum field)f, part, sizeof(part));
		used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? " " : "", part);
	}
	if (!like && !buf[0])
		snprintf(buf, cap, "%s", rs->v[i].chain);
	else if (like && used < cap && !varies(rs, F_CHAIN, like))
		snprintf(buf + used, cap - used, " %s", rs->v[i].chain);
}

void scn_result_label(const struct scn_results *rs, unsigned i, char *buf, size_t cap)
{
	label(rs, i, NULL, buf, cap);
}

void scn_result_label_in_part(const struct scn_results *rs, unsigned i, char *buf, size_t cap)
{
	label(rs, i, &rs->v[i], buf, cap);
}
