/* Fault specs of simulated disks: "powercut@40%+bitflip@rand" and friends. */
#include "disk.h"
#include "memory.h"

#include "core/error.h"
#include "core/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum hb_fault_kind kind;
	bool counted;  /* takes a count, not a position */
} kinds[] = {
	{ "powercut", HB_FAULT_POWERCUT, false },
	{ "eio", HB_FAULT_EIO, false },
	{ "eio-after", HB_FAULT_EIO_AFTER, true },
	{ "enospc", HB_FAULT_ENOSPC, false },
	{ "bitflip", HB_FAULT_BITFLIP, false },
	{ "spike", HB_FAULT_SPIKE, true },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static int parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return -1;
	*out = v;
	return 0;
}

/* "40%", "12.5%", "rand", or a size ("1MiB", "4096"). */
static int parse_position(const char *item, const char *s, struct hb_fault *f)
{
	size_t len = strlen(s);

	if (strcmp(s, "rand") == 0) {
		f->pos = HB_POS_RANDOM;
		return 0;
	}
	if (len > 1 && s[len - 1] == '%') {
		char *end;
		double p;

		errno = 0;
		p = strtod(s, &end);
		if (errno || end != s + len - 1 || !(p >= 0.0 && p <= 100.0) || *s < '0' || *s > '9')
			return hb_fail(HB_EUSAGE, "fault %s: '%s' is not a percentage 0..100%%", item, s);
		f->pos = HB_POS_PERCENT;
		f->value = (uint64_t)(p * 1e6 + 0.5);  /* millionths of a percent */
		return 0;
	}
	if (hb_parse_size(s, &f->value))
		return hb_fail(HB_EUSAGE, "fault %s: '%s' is not a position (bytes like 1MiB, a "
					  "percentage like 40%%, or rand)", item, s);
	f->pos = HB_POS_BYTES;
	return 0;
}

static int parse_item(const char *item, struct hb_fault *f)
{
	const char *at = strchr(item, '@');
	size_t name_len, i;

	if (!at || !at[1])
		return hb_fail(HB_EUSAGE, "fault '%s': expected KIND@WHERE (e.g. powercut@40%%)",
			       item);
	name_len = (size_t)(at - item);
	for (i = 0; i < NKINDS; i++) {
		if (strlen(kinds[i].name) == name_len && strncmp(item, kinds[i].name, name_len) == 0)
			break;
	}
	if (i == NKINDS)
		return hb_fail(HB_EUSAGE, "fault '%s': unknown kind (powercut, eio, eio-after, "
					  "enospc, bitflip, spike)", item);
	f->kind = kinds[i].kind;
	if (kinds[i].counted) {
		f->pos = HB_POS_COUNT;
		if (parse_count(at + 1, &f->value))
			return hb_fail(HB_EUSAGE, "fault %s: '%s' is not a count of 1 or more", item,
				       at + 1);
		return 0;
	}
	if (f->kind == HB_FAULT_POWERCUT && strncmp(at + 1, "flush", 5) == 0) {
		f->kind = HB_FAULT_POWERCUT_FLUSH;
		f->pos = HB_POS_COUNT;
		if (parse_count(at + 6, &f->value))
			return hb_fail(HB_EUSAGE, "fault %s: expected powercut@flushN, N from 1", item);
		return 0;
	}
	return parse_position(item, at + 1, f);
}

int hb_fault_parse(const char *text, struct hb_fault_set *set)
{
	char buf[512];
	char *item, *save = NULL;

	memset(set, 0, sizeof(*set));
	if (!text || !*text || strcmp(text, "none") == 0)
		return 0;
	if (strlen(text) >= sizeof(buf))
		return hb_fail(HB_EUSAGE, "fault: too long");
	strcpy(buf, text);
	if (buf[0] == '+' || buf[strlen(buf) - 1] == '+' || strstr(buf, "++"))
		return hb_fail(HB_EUSAGE, "fault '%s': empty item", text);
	for (item = strtok_r(buf, "+", &save); item; item = strtok_r(NULL, "+", &save)) {
		int err;

		if (set->count == HB_FAULTS_MAX)
			return hb_fail(HB_EUSAGE, "fault '%s': more than %d faults", text,
				       HB_FAULTS_MAX);
		err = parse_item(item, &set->f[set->count]);
		if (err)
			return err;
		set->count++;
	}
	return 0;
}

uint64_t hb_fault_offset(const struct hb_fault *f, uint64_t span, uint64_t seed, unsigned index)
{
	switch (f->pos) {
	case HB_POS_BYTES:
	case HB_POS_COUNT:
		return f->value;
	case HB_POS_PERCENT:
		/* split to stay exact and overflow-free for any span */
		return span / 100000000 * f->value + span % 100000000 * f->value / 100000000;
	case HB_POS_RANDOM:
		return span ? hb_mix64(seed * 0x9e3779b97f4a7c15ull + index + 1) % span : 0;
	}
	return f->value;
}
