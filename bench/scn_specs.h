/* One value of a scenario key turned into the spec text the engine takes,
 * and checked against this build's plugins.  On a mistake these return -1
 * with the message (without "file:line: ") in msg. */
#ifndef HB_BENCH_SCN_SPECS_H
#define HB_BENCH_SCN_SPECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write the message into msg; returns -1 (for "return scn_say(...)"). */
int scn_say(char *msg, size_t mcap, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* "mixed size=1GiB seed=7" -> "sim:mixed,size=1GiB,seed=7";
 * "file:dump.raw" -> "file:DIR/dump.raw" (relative to the scenario). */
int scn_memory_spec(const char *item, const char *dir, char *spec, size_t cap, char *msg,
		    size_t mcap);

/* "ssd size=8GiB keep=50" -> "sim:ssd,size=8GiB,keep=50"; "file" -> "file"
 * (*is_file: the runner adds a path); backing=file sets *file_backing and is
 * left out (the runner adds a scratch path). */
int scn_disk_spec(const char *item, char *spec, size_t cap, bool *is_file, bool *file_backing,
		  char *msg, size_t mcap);

/* A filter axis value: "zero+dedup", "zstd:3", "zstd level=19 window=20",
 * "none" -> a --filters list ("" for none).  key names the axis. */
int scn_filters_spec(const char *key, const char *item, char *spec, size_t cap, char *msg,
		     size_t mcap);

/* A chain value: a --filters list as is ("zero,lz4,crc32c" or "none"). */
int scn_chain_spec(const char *item, char *spec, size_t cap, char *msg, size_t mcap);

struct scn_workload;

/* A guest's workload from a memory spec ("sim:random,size=160MiB,seed=4"),
 * read by the sim source's own options.  Left out: mixed, 64 MiB (not the
 * sim source's 256), seed 1; a spec that is not sim: gives all three. */
int scn_workload_of(const char *spec, struct scn_workload *w);

/* "none" or a fault spec (sim/disk.h). */
int scn_fault_check(const char *item, char *msg, size_t mcap);

/* ---- guest runs only (bench/scn_guest.c) ---- */

/* kernel = default | debian-6.1 | debian-6.12 | PATH/bzImage[:MODULES_DIR] */
int scn_guest_kernel_check(const char *item, char *msg, size_t mcap);

/* The directory a guest for kernel item lives in, under the guest directory
 * (kernels/NAME): item with every character but letters, digits and ._-
 * made '_', as guest/build.sh names it. */
void scn_guest_kernel_dir(const char *item, char *buf, size_t cap);

/* A chain "kernel:lzo" or "kernel:lz4": 1 and the compressor in comp; 0 for
 * any other chain; -1 for kernel: with another compressor. */
int scn_kernel_chain(const char *item, char *comp, size_t ccap);

/* guest-disk: "200MB/s", "50MiB/s" -> bytes a second. */
int scn_rate_parse(const char *text, uint64_t *bps, char *msg, size_t mcap);

/* kernel-args: words of safe characters, none of the runner's hb_* words. */
int scn_kernel_args_check(const char *v, char *msg, size_t mcap);

#endif
