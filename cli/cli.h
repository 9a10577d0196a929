/* The hiblab command line: one file per subcommand, helpers shared here. */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/hibconf.h"
#include "bench/progress.h"
#include "core/engine.h"

int cmd_suspend(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_invalidate(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_swapfile(int argc, char **argv);
int cmd_setup(int argc, char **argv);

/* text into buf (cap >= 5) with control characters as \xNN, cut short
 * rather than overflow: for text that may come from an image. */
const char *cli_escaped(const char *text, char *buf, size_t cap);

/* Print "hiblab: <detail>" for err to stderr and return its exit code. */
int cli_fail(int err);

/* Print "hiblab: <cmd>: <message>" and a hint, return HB_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Progress on stderr while a long run goes: a bar redrawn in place on a
 * terminal, a line every few seconds to a pipe (bench/progress.h). */
struct cli_progress {
	struct progress_show show;
	double start;
};

void cli_progress_init(struct cli_progress *p, bool quiet);
hb_progress_fn cli_progress_update;
void cli_progress_done(struct cli_progress *p);
hb_passphrase_fn cli_passphrase;  /* typed on /dev/tty, echo off (cli/passphrase.c) */
/* cli_passphrase where there is a terminal to type on, else NULL. */
hb_passphrase_fn *cli_passphrase_prompt(void);

/* --threads N: 1..256 into *out (0 stays "online CPUs"); prints the error. */
int cli_parse_threads(const char *cmd, const char *text, unsigned *out);
/* A count option's value, 1..max; -1 after a usage line naming option. */
int cli_parse_count(const char *cmd, const char *option, const char *text, unsigned max,
		    unsigned *out);

/* --config FILE: read it (cli/config.c) and fill *target and *key_spec
 * (either may be NULL) where the command line left them NULL.  0, or the
 * exit code after the message (a disabled configuration is refused too). */
int cli_config_load(const char *cmd, const char *path, struct hb_hibconf *c,
		    const char **target, const char **key_spec);

/* "612.3 MB/s" style throughput of bytes over seconds (MB = 10^6 bytes). */
void cli_rate(uint64_t bytes, double seconds, char *buf, unsigned cap);

/* "  time: source 61%, filters 30%, ... (1.02 thread-s, 2 threads); engine
 * 1905.3 MB/s": a suspend's phases, or with sink_label ("verify", "sink") a
 * resume's (cli/time_line.c). */
void cli_print_times(const struct hb_stats *st, const char *sink_label);

#endif
