/* The names of scenario keys and expectations, as written in .scn files:
 * one table each, read by the parser, the checker and the expansion (so
 * neither of those needs the other for a name). */
#include "scenario.h"

static const char *const axis_keys[SCN_AXES] = {
	[SCN_AX_KERNEL] = "kernel", [SCN_AX_MEMORY] = "memory", [SCN_AX_DISK] = "disk",
	[SCN_AX_PAGES] = "pages",
	[SCN_AX_COMPRESS] = "compress", [SCN_AX_ENCRYPT] = "encrypt",
	[SCN_AX_CHECKSUM] = "checksum", [SCN_AX_CHAIN] = "chain", [SCN_AX_FAULT] = "fault",
	[SCN_AX_CHUNK] = "chunk-pages",
};

static const char *const single_keys[SCN_SINGLES] = {
	[SCN_KEY_CYCLES] = "cycles", [SCN_KEY_EXPECT] = "expect", [SCN_KEY_KEY] = "key",
	[SCN_KEY_VERIFY] = "verify", [SCN_KEY_DESCRIPTION] = "description",
	[SCN_KEY_MAX_RSS] = "max-rss", [SCN_KEY_MACHINE] = "machine",
	[SCN_KEY_GUEST_MEMORY] = "guest-memory", [SCN_KEY_VCPUS] = "vcpus",
	[SCN_KEY_BASELINE] = "baseline", [SCN_KEY_URI] = "uri", [SCN_KEY_CPU] = "cpu",
	[SCN_KEY_SWAPON] = "swapon", [SCN_KEY_THREADS] = "threads",
	[SCN_KEY_KERNEL_ARGS] = "kernel-args", [SCN_KEY_KERNEL_THREADS] = "kernel-threads",
	[SCN_KEY_GUEST_DISK] = "guest-disk", [SCN_KEY_REBOOT] = "reboot",
	[SCN_KEY_ZERO_TOP] = "zero-top", [SCN_KEY_GUEST] = "guest",
};

static const char *const expect_names[] = {
	[SCN_EXPECT_RESTORED] = "restored", [SCN_EXPECT_REFUSED] = "refused",
	[SCN_EXPECT_NO_IMAGE] = "no-image", [SCN_EXPECT_SAFE] = "safe",
};

const char *scn_axis_key(enum scn_axis a)
{
	return axis_keys[a];
}

const char *scn_single_key(enum scn_single k)
{
	return single_keys[k];
}

const char *scn_expect_name(enum scn_expect e)
{
	return expect_names[e];
}
