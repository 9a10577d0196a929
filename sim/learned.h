/* Learned memory: a page filler with three knobs (sim/page_datagen.c), and
 * profiles of such classes read from `.prof` files (sim/prof_file.c; the
 * format is in docs/SIMULATION.md).  `hiblab learn` writes them. */
#ifndef HB_SIM_LEARNED_H
#define HB_SIM_LEARNED_H

#include "memory.h"

#include <stdbool.h>
#include <stdio.h>

/* Literals are drawn from a table of this many bytes: 12 bits a pick. */
#define HB_DATAGEN_LITERALS 4096u
/* Dense blocks repeat words of 4..8 bytes from a vocabulary this large. */
#define HB_DATAGEN_WORDS 64u
#define HB_DATAGEN_WORD_MAX 8u

/* The knobs of a learned class, and what hb_datagen_init derives from them.
 * match: how often a segment of the page copies an earlier segment of the
 * same page (what LZ compressors find); entropy: how spread the literal
 * bytes are, from 0 (one byte value) to 1 (all 256 equally likely: what an
 * entropy coder cannot shrink); dense: the share of the page's blocks made
 * of short near matches among short literal runs (what lzo packs better
 * than lz4).  All in [0, 1]. */
struct hb_datagen {
	double match, entropy;
	uint32_t match_below;                   /* match as a threshold of 16 bits */
	uint32_t match_span;                    /* match lengths 4 .. 3 + span */
	double dense;                           /* share of blocks of short near matches */
	uint32_t dense_below;                   /* dense as a threshold of 16 bits */
	uint8_t literal[HB_DATAGEN_LITERALS];   /* skewed by entropy */
	uint8_t word[HB_DATAGEN_WORDS][HB_DATAGEN_WORD_MAX];  /* dense blocks' vocabulary */
};

void hb_datagen_init(struct hb_datagen *g, double match, double entropy, double dense);

/* The filler of a learned class (c->params is its struct hb_datagen). */
void hb_datagen_fill(const struct hb_sim_class *c, uint64_t key, uint8_t *out, size_t page_size);

/* ---- .prof files ---------------------------------------------------------- */

#define HB_PROF_VERSION 2u     /* 2: the dense knob; version 1 files are read (dense 0) */
#define HB_PROF_MAX_BYTES (64u << 10)  /* a profile is a few lines: refuse more */
#define HB_PROF_TEMPLATES_MAX 4096u

/* What a profile was fitted to (written for reference, checked when read,
 * never used to generate). */
struct hb_prof_measured {
	bool set;
	double lz4, zstd1, lzo;
};

struct hb_prof_class {
	double share;  /* relative weight among the classes */
	struct hb_prof_measured measured;
};

struct hb_prof {
	uint32_t page_size;
	double zero;             /* share of zero pages */
	double duplicate;        /* share of pages that copy one of `templates` pages */
	uint32_t templates;
	unsigned nclasses;
	struct hb_prof_class cls[HB_PROFILE_CLASSES_MAX];
	struct hb_datagen gen[HB_PROFILE_CLASSES_MAX + 1];  /* [nclasses]: the duplicates' content */
	/* the whole original, for reference */
	uint64_t pages;
	double zero_fraction, duplicate_fraction;
	struct hb_prof_measured measured;
	/* the generator's view: built by hb_prof_finish */
	struct hb_sim_class sim[HB_PROFILE_CLASSES_MAX];
	struct hb_profile profile;
};

/* Parse a profile's text; name is the file name for messages ("FILE:LINE:
 * what is wrong", HB_EUSAGE).  On success the profile is ready to generate. */
int hb_prof_parse(const char *name, const char *text, size_t len, struct hb_prof *p);

/* Read and parse the file at path: a regular file of at most
 * HB_PROF_MAX_BYTES, opened without ever waiting (a FIFO is refused). */
int hb_prof_load(const char *path, struct hb_prof *p);

/* Build p->profile from the shares and knobs (after setting them by hand). */
void hb_prof_finish(struct hb_prof *p);

/* Write p as a .prof text; comment (may be NULL) goes on a '#' line after
 * the version.  HB_EIO on a write error. */
int hb_prof_write(const struct hb_prof *p, const char *comment, FILE *out);

#endif
