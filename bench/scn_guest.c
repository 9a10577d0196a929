/* Scenario values that only guest runs take (machine = qemu or libvirt):
 * the guest kernel, the kernel's own hibernation as a chain, the guest
 * disk's rate, words for the guest command line.  docs/QEMU.md. */
#include "scn_specs.h"

#include "core/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters a kernel path or argument may hold: they go into qemu's argv
 * and into libvirt's XML, so nothing that quotes, escapes or tags. */
#define SAFE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+:=,@"

static bool safe(const char *v)
{
	return strspn(v, SAFE_CHARS) == strlen(v);
}

int scn_guest_kernel_check(const char *item, char *msg, size_t mcap)
{
	const char *colon;

	if (strcmp(item, "default") == 0 || strcmp(item, "debian-6.1") == 0 ||
	    strcmp(item, "debian-6.12") == 0 || strcmp(item, "debian-6.12.74") == 0)
		return 0;
	colon = strchr(item, ':');
	if (!strchr(item, '/') || (colon && colon == item) || !safe(item) || strlen(item) > 400 ||
	    (colon && strchr(colon + 1, ':')))
		return scn_say(msg, mcap, "kernel: '%s': expected default, debian-6.1, debian-6.12, "
			   "debian-6.12.74 or PATH/bzImage[:MODULES_DIR] (a path holds a '/'; letters, digits and "
			   "._-/+=,@ only)", item);
	return 0;
}

void scn_guest_kernel_dir(const char *item, char *buf, size_t cap)
{
	size_t i, n = strlen(item);

	/* guest/build.sh names the directory by the same rule (tr -c) */
	for (i = 0; i + 1 < cap && i < n; i++) {
		char c = item[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		buf[i] = keep ? c : '_';
	}
	if (cap)
		buf[i < cap ? i : cap - 1] = '\0';
}

int scn_kernel_chain(const char *item, char *comp, size_t ccap)
{
	if (strncmp(item, "kernel:", 7) != 0)
		return 0;
	if (strcmp(item + 7, "lzo") != 0 && strcmp(item + 7, "lz4") != 0)
		return -1;
	snprintf(comp, ccap, "%s", item + 7);
	return 1;
}

int scn_rate_parse(const char *text, uint64_t *bps, char *msg, size_t mcap)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} decimal[] = { { "KB", 1000ull }, { "MB", 1000000ull }, { "GB", 1000000000ull } };
	char num[64];
	size_t n = strlen(text), i;
	uint64_t v;

	if (strcmp(text, "none") == 0) {
		*bps = 0;
		return 0;
	}
	if (n < 3 || n >= sizeof(num) || strcmp(text + n - 2, "/s") != 0)
		goto bad;
	snprintf(num, sizeof(num), "%.*s", (int)(n - 2), text);
	n -= 2;
	for (i = 0; i < sizeof(decimal) / sizeof(decimal[0]); i++) {
		size_t u = strlen(decimal[i].unit);
		char *end;
		if (n > u && strcmp(num + n - u, decimal[i].unit) == 0) {
			num[n - u] = '\0';
			v = strtoull(num, &end, 10);
			if (num[0] < '0' || num[0] > '9' || *end || v > UINT64_MAX / decimal[i].mult)
				goto bad;
			*bps = v * decimal[i].mult;
			return *bps ? 0 : scn_say(msg, mcap, "guest-disk: '%s': a rate above 0", text);
		}
	}
	if (hb_parse_size(num, &v) || v == 0)
		goto bad;
	*bps = v;
	return 0;
bad:
	return scn_say(msg, mcap, "guest-disk: '%s': expected a rate like 200MB/s, 50MiB/s or "
		   "none", text);
}

int scn_kernel_args_check(const char *v, char *msg, size_t mcap)
{
	const char *p;

	if (strlen(v) > 400)
		return scn_say(msg, mcap, "kernel-args: longer than 400 characters");
	for (p = v; *p; p++) {
		if (*p != ' ' && !strchr(SAFE_CHARS, *p))
			return scn_say(msg, mcap, "kernel-args: '%c' is not allowed (words of letters, "
				   "digits and ._-/+:=,@ only)", *p);
	}
	/* the guest's /init reads its own words by these names */
	if (strstr(v, "hb_") == v || strstr(v, " hb_"))
		return scn_say(msg, mcap, "kernel-args: hb_* words are the runner's own");
	return 0;
}
