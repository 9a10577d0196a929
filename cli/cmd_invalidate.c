/* hiblab invalidate: drop an image without restoring it. */
#include "cli.h"

#include "core/error.h"

#include <stdio.h>
#include <string.h>

int cmd_invalidate(int argc, char **argv)
{
	int err;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: hiblab invalidate TARGET\n\n"
		       "Mark the image at TARGET spent, durably, without restoring it: a later\n"
		       "resume finds no image.  `hiblab inspect` still shows its header.\n\n"
		       "exit status: 0 done, 3 no valid image there, 4 refused (not a hiblab image).\n");
		return HB_EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error("invalidate", "expected one TARGET, e.g. file:/tmp/a.img");
	err = hb_invalidate(argv[1]);
	if (err)
		return cli_fail(err);
	printf("invalidated %s\n", argv[1]);
	return HB_EXIT_OK;
}
