/* Zeroed allocation and wipe-then-free (alloc.h). */
#include "alloc.h"

#include <stdlib.h>

void *hb_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void hb_wipe_free(void *p, size_t size)
{
	/* volatile so that the compiler cannot drop the wipe of a dying buffer */
	volatile unsigned char *v = (volatile unsigned char *)p;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < size; i++)
		v[i] = 0;
	free(p);
}
