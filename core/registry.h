/* The one explicit list of every plugin in this build (no constructor tricks:
 * a static library would drop unreferenced plugin objects). */
#ifndef HB_REGISTRY_H
#define HB_REGISTRY_H

#include "plugin.h"

enum hb_kind { HB_KIND_FILTER, HB_KIND_WRITER, HB_KIND_SOURCE, HB_KIND_SINK };

/* A registered plugin: its common part, and its whole table. */
struct hb_registered {
	const struct hb_plugin *plugin;
	const void *ops;  /* struct hb_filter, hb_writer, hb_source or hb_sink */
};

/* The plugins of one kind, ended by an entry whose plugin is NULL. */
const struct hb_registered *hb_registry(enum hb_kind kind);

/* "filter", "writer", ... */
const char *hb_kind_name(enum hb_kind kind);

/* The plugin called name, or NULL. */
const struct hb_registered *hb_find_plugin(enum hb_kind kind, const char *name);

/* Check every registered plugin: its API version, its name ([a-z0-9_-]+,
 * unique within its kind) and the methods its kind requires.  0, or
 * HB_EINTERNAL with a detail line naming the plugin and the fault.  Run once
 * at start-up. */
int hb_registry_check(void);

/* The same for one table of kind, ended by an entry whose plugin is NULL. */
int hb_registry_check_table(enum hb_kind kind, const struct hb_registered *table);

/* A configured plugin: options parsed into conf, private state allocated. */
struct hb_instance {
	const struct hb_plugin *plugin;
	const void *ops;  /* the whole struct hb_filter, hb_writer, ... */
	void *conf;
	void *priv;
};

/* Look up spec->name among plugins of kind, and configure it.  what names
 * the option in messages ("--target"). */
int hb_instance_init(struct hb_instance *in, enum hb_kind kind, const struct hb_spec *spec,
		     const char *what);

/* Parse text as one spec item and configure it. */
int hb_instance_from_text(struct hb_instance *in, enum hb_kind kind, const char *text,
			  const char *what);

/* Wipe and free conf and priv. */
void hb_instance_free(struct hb_instance *in);

#endif
