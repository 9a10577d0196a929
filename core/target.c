/* Opening image targets and reading or spending their headers. */
#include "target.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int configure(struct hb_target *t, const char *text)
{
	int err;

	memset(t, 0, sizeof(*t));
	if (!text || !*text)
		return hb_fail(HB_EUSAGE, "--target is required (for example --target file:/tmp/a.img)");
	err = hb_instance_from_text(&t->inst, HB_KIND_WRITER, text, "--target");
	if (!err)
		t->writer = (const struct hb_writer *)t->inst.ops;
	return err;
}

/* slots: NULL unless saving.  ready only once open and attach both worked:
 * abort is for an image a writer may have begun, not for a refused open. */
static int open_configured(struct hb_target *t, enum hb_open_mode mode,
			   const struct hb_slot_alloc *slots)
{
	int err;

	/* close() runs after any open(), a failed one too, to release what it got */
	t->is_open = true;
	err = t->writer->open(t->inst.priv, t->inst.conf, mode);
	if (!err && mode == HB_OPEN_SAVE && t->writer->attach)
		err = t->writer->attach(t->inst.priv, slots);
	t->ready = !err;
	return err;
}

int hb_target_open(struct hb_target *t, const char *text, enum hb_open_mode mode)
{
	int err = configure(t, text);

	return err ? err : open_configured(t, mode, NULL);
}

/* "snapshot: the target must be block: or swap: (why)": the raw writers
 * named from the registry, so a new one is listed without a change here. */
static int refuse_target(const struct hb_instance *src, const char *why)
{
	const struct hb_registered *r = hb_registry(HB_KIND_WRITER);
	char names[256] = "";
	size_t len = 0, i, n = 0, k = 0;

	for (i = 0; r[i].plugin; i++)
		n += (((const struct hb_writer *)r[i].ops)->caps & HB_WRITER_RAW) != 0;
	for (i = 0; r[i].plugin && len < sizeof(names); i++) {
		if (!(((const struct hb_writer *)r[i].ops)->caps & HB_WRITER_RAW))
			continue;
		k++;
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s:",
					k == 1 ? "" : k == n ? " or " : ", ", r[i].plugin->name);
	}
	return hb_fail(HB_EUSAGE, "%s: the target must be %s %s", src->plugin->name, names, why);
}

int hb_target_open_save(struct hb_target *t, const char *text, const struct hb_instance *src)
{
	const struct hb_source *source = src ? (const struct hb_source *)src->ops : NULL;
	struct hb_slot_alloc slots = { .ops = NULL };
	bool raw;
	int err = configure(t, text);

	if (err || !source)
		return err ? err : open_configured(t, HB_OPEN_SAVE, NULL);
	raw = (t->writer->caps & HB_WRITER_RAW) != 0;
	if (source->needs_raw_target && !raw)
		return refuse_target(src, source->needs_raw_target);
	if (raw && source->slots)
		source->slots(src->priv, &slots);
	return open_configured(t, HB_OPEN_SAVE, slots.ops ? &slots : NULL);
}

/* "file:/tmp/x.img: not a hiblab image (magic "NOTHIBER", ...)": which target,
 * and what is there instead, its bytes as \xNN where they are not printable
 * (they come from a file that is not ours). */
static int refuse_foreign(const uint8_t *area, const char *text)
{
	char magic[4 * HB_MAGIC_LEN + 1];
	size_t used = 0, i;

	for (i = 0; i < HB_MAGIC_LEN; i++) {
		if (area[i] >= 0x20 && area[i] < 0x7f && area[i] != '"' && area[i] != '\\')
			magic[used++] = (char)area[i];
		else
			used += (size_t)snprintf(magic + used, sizeof(magic) - used, "\\x%02x",
						 area[i]);
	}
	magic[used] = '\0';
	return hb_fail(HB_EFOREIGN, "%s: not a hiblab image (magic \"%s\", a hiblab image "
				    "begins \"%s\")", text, magic, HB_MAGIC_VALID);
}

int hb_target_load(struct hb_target *t, const char *text)
{
	int err = hb_target_open(t, text, HB_OPEN_LOAD);

	if (err)
		return err;
	t->area = (uint8_t *)malloc(HB_HEADER_AREA);
	t->header = (struct hb_header *)malloc(sizeof(*t->header));
	if (!t->area || !t->header)
		return hb_fail(HB_ENOMEM, "out of memory");
	err = t->writer->read_header(t->inst.priv, t->area);
	if (err)
		return err;
	err = hb_header_decode(t->area, t->header, &t->static_off, &t->static_len);
	return err == HB_EFOREIGN ? refuse_foreign(t->area, text) : err;
}

/* Spending is a check-and-set: the header area is read again and must still
 * be the one loaded (its first len bytes), and the spent one is made from
 * what is on the target now, never from a copy read earlier.  The target's
 * lock keeps other hiblabs out; this keeps an image that changed anyway
 * (another program, a writer without a lock) from being destroyed by a
 * stale header.  damaged: the header was refused as damaged, and the writer
 * may say so again while still filling the area. */
static int spend(struct hb_target *t, size_t len, bool damaged)
{
	uint8_t *now = (uint8_t *)malloc(HB_HEADER_AREA);
	int err;

	if (!now)
		return hb_fail(HB_ENOMEM, "out of memory");
	err = t->writer->read_header(t->inst.priv, now);
	if (err == HB_ECORRUPT && damaged)
		err = 0;
	if (!err && memcmp(now, t->area, len) != 0)
		err = hb_fail(HB_EBUSY, "the image changed on the target while it was read "
					"(another program wrote it): left as it is");
	if (!err) {
		hb_header_mark_spent(now);
		err = t->writer->invalidate(t->inst.priv, now, len);
	}
	if (!err)
		memcpy(t->area, now, HB_HEADER_AREA);
	free(now);
	return err;
}

int hb_target_invalidate(struct hb_target *t)
{
	return spend(t, HB_FIXED_LEN + t->static_len + t->header->tag_len, false);
}

int hb_target_spend_as_is(struct hb_target *t)
{
	return spend(t, HB_HEADER_AREA, true);
}

void hb_target_close(struct hb_target *t)
{
	if (t->is_open && t->writer->close)
		t->writer->close(t->inst.priv);
	free(t->area);
	free(t->header);
	hb_instance_free(&t->inst);
	memset(t, 0, sizeof(*t));
}

