/* hiblab: write, read and measure hibernation images. */
#include "cli.h"

#include "bench/results.h"
#include "core/error.h"
#include "core/registry.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#ifndef HIBLAB_VERSION
#define HIBLAB_VERSION "0.1"
#endif

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "suspend", cmd_suspend, "write an image: source pages through filters to a target" },
	{ "resume", cmd_resume, "read an image back, verify it, hand the pages to a sink" },
	{ "inspect", cmd_inspect, "show an image's header, filters, sizes and state" },
	{ "invalidate", cmd_invalidate, "drop an image without restoring it" },
	{ "plugins", cmd_plugins, "list every filter, writer, source and sink with its options" },
	{ "run", cmd_run, "run scenario files: every combination, verdicts and figures" },
	{ "merge", cmd_merge, "join the results of shards of a run" },
	{ "compare", cmd_compare, "hold results against a baseline; exit 1 on a regression" },
	{ "learn", cmd_learn, "fit a .prof memory profile to real memory (a dump, a process)" },
	{ "swapfile", cmd_swapfile, "the swap: target and resume_offset of a swap file (ext4, xfs)" },
	{ "setup", cmd_setup, "make systemctl hibernate and the initramfs use hiblab (hibernate.conf)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: hiblab COMMAND [OPTIONS]   (hiblab COMMAND --help for its options)\n\n"
		     "Write, read and measure hibernation images.\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nexample:\n"
		     "  hiblab suspend --source sim:mixed,size=256MiB,seed=1 --filters zero,crc32c \\\n"
		     "                 --target file:/tmp/a.img\n"
		     "  hiblab inspect file:/tmp/a.img\n"
		     "  hiblab resume --target file:/tmp/a.img --verify\n"
		     "  (in a spec's value \\, is a comma and \\\\ a backslash: 'file:/tmp/a\\,b.img')\n"
		     "\nexit status:\n"
		     "  0 success\n"
		     "  1 runtime error: I/O, out of memory or space\n"
		     "  2 bad command line, option or spec\n"
		     "  3 no image at the target (never committed, already resumed or invalidated)\n"
		     "  4 image refused: corrupt, truncated, foreign, newer format, missing plugin,\n"
		     "    wrong key\n"
		     "  5 restored pages differ from the source (--verify)\n");
}

static void print_note(const char *text)
{
	fprintf(stderr, "hiblab: note: %s\n", text);
}

int main(int argc, char **argv)
{
	size_t i;
	int err;

	hb_set_note_handler(print_note);
	/* past a file size limit, fail the write (EFBIG) and clean up, not die */
	signal(SIGXFSZ, SIG_IGN);
	/* a plugin table that breaks the API is a build bug: refuse to run at all */
	err = hb_registry_check();
	if (err)
		return cli_fail(err);
	if (argc < 2) {
		usage(stderr);
		return HB_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return HB_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hiblab %s (commit %s, image format %u)\n", HIBLAB_VERSION, scn_build_commit(),
		       HB_FORMAT_VERSION);
		return HB_EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "hiblab: unknown command '%s' (see: hiblab --help)\n", argv[1]);
	return HB_EXIT_USAGE;
}
