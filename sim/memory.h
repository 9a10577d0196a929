/* Simulated memory: page content as a pure function of (profile, seed, page
 * number).  Nothing grows with the size, so a terabyte model costs a few MiB,
 * and any page can be regenerated to verify a restore. */
#ifndef HB_SIM_MEMORY_H
#define HB_SIM_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The built-in classes of page (sim/page_classes.c). */
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

/* How the generator makes a class's pages from its filler (docs/SIMULATION.md). */
enum hb_class_mode {
	HB_MODE_ZERO,     /* all zero; the filler is not called */
	HB_MODE_STAMPED,  /* a pool page plus a per-page stamp: every page unique */
	HB_MODE_EXACT,    /* one of `templates` pool pages as is: duplicates */
};

/* A class of pages: a filler (one page from a key, shaped by the class's own
 * knobs) and how pages are made from it.  Fillers run only to build pools
 * (and in hb_sim_page), so they may be slow; a new kind of class (a learned
 * one) is a new filler with its params. */
struct hb_sim_class {
	const char *name;
	enum hb_class_mode mode;
	void (*fill)(const struct hb_sim_class *c, uint64_t key, uint8_t *out, size_t page_size);
	const void *params;  /* the filler's knobs, or NULL */
	uint32_t templates;  /* HB_MODE_EXACT: how many distinct pages */
};

/* The built-in classes, indexed by enum hb_page_class. */
extern const struct hb_sim_class hb_sim_builtin[HB_PAGE_CLASSES];

#define HB_PROFILE_CLASSES_MAX 16

struct hb_class_share {
	const struct hb_sim_class *cls;
	unsigned weight;  /* relative share of pages */
};

struct hb_profile {
	const char *name;
	const char *help;
	unsigned nclasses;
	/* runs take their class from an even sequence (golden-ratio steps), not a
	 * hash: each share holds within a few runs at any size, as a learned
	 * profile must at a quarter of its original (built-ins keep the hash) */
	bool spread;
	struct hb_class_share share[HB_PROFILE_CLASSES_MAX];
};

/* The profile called name, or NULL; and the '|'-separated list of names. */
const struct hb_profile *hb_profile_find(const char *name);
const struct hb_profile *hb_profile_at(unsigned index);
const char *hb_profile_names(void);

/* The profile names in index order, for option tables. */
#define HB_PROFILE_NAMES "zero|random|text|mixed|desktop|database|vmhost|duplicates"

/* Classes come in runs of 1 << HB_SIM_RUN_SHIFT pages, as allocations do. */
#define HB_SIM_RUN_SHIFT 3

/* The class of page number page under profile p. */
const struct hb_sim_class *hb_sim_class_of(const struct hb_profile *p, uint64_t seed,
					   uint64_t page);

/* The reference filler of a built-in class: key makes the content unique to it. */
void hb_page_fill(enum hb_page_class cls, uint64_t key, uint8_t *out, size_t page_size);

/* Page number page of profile p with seed, computed from scratch (as slow as
 * the class's filler): a single page, and the reference hb_sim_fill matches. */
void hb_sim_page(const struct hb_profile *p, uint64_t seed, uint64_t page, uint8_t *out,
		 size_t page_size);

/* The fast path: a profile's pools for one seed and page size, built once
 * (a few MiB, whatever the memory's size), then read-only, so any number of
 * threads may fill from one at once. */
struct hb_sim;

/* NULL when out of memory. */
struct hb_sim *hb_sim_new(const struct hb_profile *p, uint64_t seed, size_t page_size);
/* Pages [first, first + count) into out (count * page_size bytes): the same
 * bytes as hb_sim_page, at about memcpy speed. */
void hb_sim_fill(const struct hb_sim *m, uint64_t first, uint64_t count, uint8_t *out);
void hb_sim_free(struct hb_sim *m);

/* A well-mixed 64-bit hash (splitmix64's finalizer); a bijection. */
static inline uint64_t hb_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

#endif
