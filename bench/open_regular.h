/* Opening a file the harness reads whole (a scenario file, a runs.csv)
 * without ever waiting on it: a FIFO, socket, device or directory given
 * there is refused at once. */
#ifndef HB_BENCH_OPEN_REGULAR_H
#define HB_BENCH_OPEN_REGULAR_H

#include <sys/stat.h>

/* A read-only descriptor of the regular file at path, its stat in *st; or
 * HB_EUSAGE with "PATH: ..." as the detail line. */
int scn_open_regular(const char *path, struct stat *st);

#endif
