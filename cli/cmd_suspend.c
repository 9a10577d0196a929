/* hiblab suspend: write an image. */
#include "cli.h"

#include "core/error.h"
#include "core/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
	printf("usage: hiblab suspend --source SPEC --target SPEC [--filters LIST] [options]\n\n"
	       "Read pages from a source, run them through the filters in chunks, write the\n"
	       "records to the target, and commit: the header with the signature goes last,\n"
	       "after the records are durable, so an interrupted suspend leaves no image.\n\n"
	       "  -s, --source SPEC      where pages come from:\n"
	       "                           sim:PROFILE,size=SIZE,seed=N   simulated memory\n"
	       "                           file:PATH                      a memory dump\n"
	       "                           snapshot                       this machine (/dev/snapshot):\n"
	       "                             after the commit it powers off; when the machine\n"
	       "                             is resumed from the image, suspend prints\n"
	       "                             \"resumed: ...\" and exits 0\n"
	       "  -f, --filters LIST     filter chain, applied in order (default: none):\n"
	       "                           zero,crc32c   zstd:level=3,crc32c\n"
	       "  -t, --target SPEC      where the image goes: file:PATH, block:DEVICE,\n"
	       "                         swap:AREA[,offset=N], sim:PROFILE (a simulated disk)\n"
	       "      --key SPEC         key for cipher filters: keyfile=PATH (32 raw bytes or 64\n"
	       "                         hex digits) or passfile=PATH (its first line); without\n"
	       "                         it a passphrase is asked twice on the terminal\n"
	       "      --config FILE      target, filters and key from FILE (hibernate.conf,\n"
	       "                         docs/DEBIAN.md) where the options above give none\n"
	       "  -j, --threads N        worker threads (default: online CPUs)\n"
	       "      --chunk-pages N    pages per record (default %u, at most 4096)\n"
	       "  -q, --quiet            no progress line, no summary\n"
	       "  -h, --help             this help\n\n"
	       "`hiblab plugins` lists every plugin with its options.\n"
	       "In a spec's value \\, is a comma and \\\\ a backslash (file:/tmp/a\\,b.img; quote\n"
	       "it for the shell); any other backslash is itself.\n",
	       HB_DEFAULT_CHUNK_PAGES);
}

int cmd_suspend(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "filters", required_argument, NULL, 'f' },
		{ "target", required_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'C' },
		{ "threads", required_argument, NULL, 'j' },
		{ "chunk-pages", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hb_suspend_args a = { .filters = NULL };
	struct hb_hibconf conf;
	const char *config = NULL;
	struct cli_progress prog;
	struct hb_stats st;
	bool quiet = false;
	char in[32], out[32], rate[32];
	double t0, secs;
	unsigned n;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:f:t:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			a.source = optarg;
			break;
		case 'f':
			a.filters = optarg;
			break;
		case 't':
			a.target = optarg;
			break;
		case 'k':
			a.key_spec = optarg;
			break;
		case 'C':
			config = optarg;
			break;
		case 'j':
			if (cli_parse_threads("suspend", optarg, &a.threads))
				return HB_EXIT_USAGE;
			break;
		case 'c':
			if (cli_parse_count("suspend", "--chunk-pages", optarg, HB_MAX_CHUNK_PAGES, &n))
				return HB_EXIT_USAGE;
			a.chunk_pages = (uint32_t)n;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			help();
			return HB_EXIT_OK;
		case ':':
			return cli_usage_error("suspend", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("suspend", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("suspend", "unexpected argument '%s'", argv[optind]);
	if (config) {
		err = cli_config_load("suspend", config, &conf, &a.target, &a.key_spec);
		if (err)
			return err;
		err = hb_hibconf_check_initramfs(&conf, HB_HIBCONF_INITRAMFS_PATH);
		if (err)
			return cli_fail(err);
		if (!a.filters)
			a.filters = conf.filters;
	}
	if (!a.source)
		return cli_usage_error("suspend", "--source is required");
	if (!a.target)
		return cli_usage_error("suspend", "--target is required");
	if (!a.key_spec)
		a.ask_passphrase = cli_passphrase_prompt();
	cli_progress_init(&prog, quiet);
	a.progress = cli_progress_update;
	a.progress_ctx = &prog;
	t0 = progress_now();
	err = hb_suspend(&a, &st);
	secs = progress_now() - t0;
	cli_progress_done(&prog);
	if (err == HB_ERESUMED) {
		/* the other return of a hibernation: back in the restored system */
		if (!quiet)
			printf("resumed: this system was restored from its image (%s)\n", a.target);
		return HB_EXIT_OK;
	}
	if (err)
		return cli_fail(err);
	if (!quiet) {
		hb_format_size(st.bytes, in, sizeof(in));
		hb_format_size(st.image_bytes, out, sizeof(out));
		cli_rate(st.bytes, secs, rate, sizeof(rate));
		printf("suspended %llu pages (%s) into %s: %s, ratio %.2f, %llu records, "
		       "%.2f s, %s\n",
		       (unsigned long long)st.pages, in, a.target, out,
		       st.image_bytes ? (double)st.bytes / (double)st.image_bytes : 0.0,
		       (unsigned long long)st.records, secs, rate);
		cli_print_times(&st, NULL);
	}
	return HB_EXIT_OK;
}
