/* hiblab resume: read an image back. */
#include "cli.h"

#include "core/error.h"
#include "core/options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void help(void)
{
	printf("usage: hiblab resume --target SPEC [--verify | --sink SPEC] [options]\n\n"
	       "Read the image at the target, check every record, undo the filters, check the\n"
	       "digest of all pages, and only then commit the pages to the sink.  The image is\n"
	       "spent (invalidated) before its first page is handed on: it is never restored\n"
	       "twice, and a refused image is not restored at all.\n\n"
	       "  -t, --target SPEC   the image: file:PATH, block:DEVICE, swap:AREA, sim:...\n"
	       "      --verify        compare every page with the source recorded in the image\n"
	       "                      (a sim model is regenerated, a dump file read again)\n"
	       "      --sink SPEC     where restored pages go: file:PATH (written only if the\n"
	       "                      image verifies), snapshot (into the kernel: atomic\n"
	       "                      restore once everything verified),\n"
	       "                      null (default: check and discard)\n"
	       "      --key SPEC      key for cipher filters: keyfile=PATH or passfile=PATH;\n"
	       "                      with it, an image without a cipher is refused (anyone\n"
	       "                      could have written it); without it a passphrase is asked\n"
	       "                      on the terminal (3 tries, then the image is invalidated)\n"
	       "      --config FILE   target and key from FILE (hibernate.conf, docs/DEBIAN.md)\n"
	       "                      where the options above give none; with a cipher in its\n"
	       "                      filters, an image without one is refused\n"
	       "  -j, --threads N     worker threads (default: online CPUs)\n"
	       "  -q, --quiet         no progress line, no summary\n"
	       "  -h, --help          this help\n");
}

int cmd_resume(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "sink", required_argument, NULL, 'o' },
		{ "verify", no_argument, NULL, 'v' },
		{ "key", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'C' },
		{ "threads", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hb_resume_args a = { .sink = NULL };
	struct hb_hibconf conf = { .seals = false };
	const char *config = NULL;
	struct cli_progress prog;
	struct hb_stats st;
	bool quiet = false;
	char size[32], rate[32];
	double t0, secs;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			a.target = optarg;
			break;
		case 'o':
			a.sink = optarg;
			break;
		case 'v':
			a.verify = true;
			break;
		case 'k':
			a.key_spec = optarg;
			break;
		case 'C':
			config = optarg;
			break;
		case 'j':
			if (cli_parse_threads("resume", optarg, &a.threads))
				return HB_EXIT_USAGE;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			help();
			return HB_EXIT_OK;
		case ':':
			return cli_usage_error("resume", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("resume", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("resume", "unexpected argument '%s'", argv[optind]);
	if (config) {
		err = cli_config_load("resume", config, &conf, &a.target, &a.key_spec);
		if (err)
			return err;
	}
	if (!a.target)
		return cli_usage_error("resume", "--target is required");
	if (a.verify && a.sink)
		return cli_usage_error("resume", "--verify and --sink exclude each other");
	/* a configuration with a cipher takes only images its key holder wrote */
	a.require_sealed = a.key_spec != NULL || conf.seals;
	if (!a.key_spec)
		a.ask_passphrase = cli_passphrase_prompt();
	cli_progress_init(&prog, quiet);
	a.progress = cli_progress_update;
	a.progress_ctx = &prog;
	t0 = progress_now();
	err = hb_resume(&a, &st);
	secs = progress_now() - t0;
	cli_progress_done(&prog);
	if (err)
		return cli_fail(err);
	if (!quiet) {
		hb_format_size(st.bytes, size, sizeof(size));
		cli_rate(st.bytes, secs, rate, sizeof(rate));
		if (a.verify)
			printf("restored %llu pages, bit-exact (%s, %.2f s, %s)\n",
			       (unsigned long long)st.pages, size, secs, rate);
		else
			printf("restored %llu pages to %s, digest verified (%s, %.2f s, %s)\n",
			       (unsigned long long)st.pages, a.sink ? a.sink : "null", size, secs,
			       rate);
		cli_print_times(&st, a.verify ? "verify" : "sink");
	}
	return HB_EXIT_OK;
}
