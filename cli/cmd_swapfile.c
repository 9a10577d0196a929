/* hiblab swapfile: the target and the kernel's resume line for a swap file. */
#include "cli.h"

#include "backends/swap_file.h"
#include "core/error.h"

#include <stdio.h>
#include <string.h>

int cmd_swapfile(int argc, char **argv)
{
	struct hb_swap_file sf;
	int err;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: hiblab swapfile PATH\n\n"
		       "Find where the swap file PATH lies on its block device (its extent map,\n"
		       "as filefrag shows it) and print the hiblab target and the kernel's\n"
		       "resume parameters for it:\n"
		       "  target: swap:/dev/DEV,offset=N\n"
		       "  kernel: resume=/dev/DEV resume_offset=N\n"
		       "Refused, saying why: a symlink, not a regular file, not a swap area (run\n"
		       "mkswap), holes, shared or not yet allocated extents, a file system other\n"
		       "than ext2/3/4 or xfs.\n\n"
		       "exit status: 0 found, 1 I/O error, 2 refused or bad command line.\n");
		return HB_EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error("swapfile", "expected one PATH, e.g. /swapfile");
	err = hb_swap_file_locate(argv[1], &sf);
	if (err)
		return cli_fail(err);
	printf("target: swap:%s,offset=%llu\n", sf.device, (unsigned long long)sf.offset);
	printf("kernel: resume=%s resume_offset=%llu\n", sf.device, (unsigned long long)sf.offset);
	return HB_EXIT_OK;
}
