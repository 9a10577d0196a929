/* Explicit little-endian encoding of on-disk fields (docs/FORMAT.md):
 * byte by byte, so the format never depends on the host's endianness. */
#ifndef HB_BYTES_H
#define HB_BYTES_H

#include <stdint.h>

static inline void hb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void hb_put32(uint8_t *p, uint32_t v)
{
	hb_put16(p, (uint16_t)v);
	hb_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void hb_put64(uint8_t *p, uint64_t v)
{
	hb_put32(p, (uint32_t)v);
	hb_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t hb_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t hb_get32(const uint8_t *p)
{
	return (uint32_t)hb_get16(p) | ((uint32_t)hb_get16(p + 2) << 16);
}

static inline uint64_t hb_get64(const uint8_t *p)
{
	return (uint64_t)hb_get32(p) | ((uint64_t)hb_get32(p + 4) << 32);
}

#endif
