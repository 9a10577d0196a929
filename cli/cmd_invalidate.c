/* hiblab invalidate: drop an image without restoring it. */
#include "cli.h"

#include "core/error.h"

#include <stdio.h>
#include <string.h>

int cmd_invalidate(int argc, char **argv)
{
	struct hb_hibconf conf;
	const char *target;
	int err;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: hiblab invalidate TARGET | --config FILE\n\n"
		       "Mark the image at TARGET (or the target FILE, a hibernate.conf, names)\n"
		       "spent, durably, without restoring it: a later resume finds no image.\n"
		       "`hiblab inspect` still shows its header.\n\n"
		       "exit status: 0 done, 3 no valid image there, 4 refused (not a hiblab image).\n");
		return HB_EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[1], "--config") == 0) {
		target = NULL;
		err = cli_config_load("invalidate", argv[2], &conf, &target, NULL);
		if (err)
			return err;
	} else if (argc == 2) {
		target = argv[1];
	} else {
		return cli_usage_error("invalidate", "expected one TARGET, e.g. file:/tmp/a.img");
	}
	err = hb_invalidate(target);
	if (err)
		return cli_fail(err);
	printf("invalidated %s\n", target);
	return HB_EXIT_OK;
}
