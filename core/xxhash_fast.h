/* libxxhash with its run-time x86 dispatch: Debian builds the plain XXH3
 * entry points for SSE2 only, and the _dispatch ones pick AVX2 or AVX-512
 * where the CPU has them (2.5-3x faster on 128 KiB chunks here: BENCHMARKS.md).
 * Same results, bit for bit; without the header, the plain entry points. */
#ifndef HB_XXHASH_FAST_H
#define HB_XXHASH_FAST_H

#include <xxhash.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__has_include)
#if __has_include(<xxh_x86dispatch.h>)
#include <xxh_x86dispatch.h>
#endif
#endif

#endif
