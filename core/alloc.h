/* Memory for plugin state and buffers that may hold keys or plaintext pages. */
#ifndef HB_ALLOC_H
#define HB_ALLOC_H

#include <stddef.h>

/* Zeroed memory, never NULL for size 0 (a plugin without state still gets a
 * pointer); NULL when out of memory. */
void *hb_zalloc(size_t size);

/* Wipe size bytes at p, then free it (p may be NULL). */
void hb_wipe_free(void *p, size_t size);

#endif
