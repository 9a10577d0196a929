/* Looking at an image without restoring it: inspect and invalidate. */
#include "engine.h"
#include "error.h"
#include "target.h"

int hb_inspect(const char *target, struct hb_header *h)
{
	struct hb_target t;
	int err;

	hb_clear_detail();
	err = hb_target_load(&t, target);
	if (!err)
		*h = *t.header;
	hb_target_close(&t);
	return err;
}

int hb_invalidate(const char *target)
{
	struct hb_target t;
	int err;

	hb_clear_detail();
	err = hb_target_load(&t, target);
	/* t.area is set once the writer opened: the refusal came from the header.
	 * Invalidating is what the user asked for, so a damaged or newer header
	 * behind hiblab's signature is spent as it stands. */
	if ((err == HB_ECORRUPT || err == HB_EVERSION) && t.area)
		err = hb_target_spend_as_is(&t);
	else if (!err && t.header->spent)
		err = hb_fail(HB_ENOIMAGE, "no image: the image at %s is already spent", target);
	else if (!err)
		err = hb_target_invalidate(&t);
	hb_target_close(&t);
	return err;
}
