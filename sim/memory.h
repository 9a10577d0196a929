/* Simulated memory: page content as a pure function of (profile, seed, page
 * number).  Nothing is stored, so a terabyte model costs no memory, and any
 * page can be regenerated to verify a restore. */
#ifndef HB_SIM_MEMORY_H
#define HB_SIM_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/* What one page can look like. */
enum hb_page_class {
	HB_PAGE_ZERO,    /* freshly zeroed memory */
	HB_PAGE_TEXT,    /* English-like text: page cache of documents, logs */
	HB_PAGE_CODE,    /* x86-64-like machine code: mapped binaries and libraries */
	HB_PAGE_HEAP,    /* pointer-rich heap: pointers, small integers, zeros */
	HB_PAGE_RANDOM,  /* incompressible: compressed or encrypted data */
	HB_PAGE_DUP,     /* a copy of one of a few hundred template pages */
	HB_PAGE_TABLE,   /* a database's slotted table page: rows, a hole of free space */
	HB_PAGE_CLASSES
};

struct hb_profile {
	const char *name;
	const char *help;
	unsigned weight[HB_PAGE_CLASSES];  /* relative share of each class */
};

/* The profile called name, or NULL; and the '|'-separated list of names. */
const struct hb_profile *hb_profile_find(const char *name);
const struct hb_profile *hb_profile_at(unsigned index);
const char *hb_profile_names(void);

/* The profile names in index order, for option tables. */
#define HB_PROFILE_NAMES "zero|random|text|mixed|desktop|database|vmhost|duplicates"

/* The class of page number page under profile p. */
enum hb_page_class hb_page_class_of(const struct hb_profile *p, uint64_t seed, uint64_t page);

/* Generate one page of a class.  key makes the content unique to it. */
void hb_page_fill(enum hb_page_class cls, uint64_t key, uint8_t *out, size_t page_size);

/* Generate page number page of profile p with seed. */
void hb_sim_page(const struct hb_profile *p, uint64_t seed, uint64_t page, uint8_t *out,
		 size_t page_size);

/* A well-mixed 64-bit hash (splitmix64's finalizer). */
static inline uint64_t hb_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

#endif
