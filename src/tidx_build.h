/*
 * tidx_build.h: building and writing an index file (layout in tidx.h).
 *
 * A builder owns everything the index will hold: its strings, interned
 * once each (tidx_builder_string), the indicators (records) that refer to
 * them, and the addresses and prefixes (entries) that refer to records.
 * tidx_builder_write() lays them out as sections and replaces the target
 * file atomically (afile.h).  The index holds only the strings a record
 * or entry uses, in the order they were first interned, so the file is a
 * function of the calls made and the parameters.
 */
#ifndef TIDX_BUILD_H
#define TIDX_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "tidx.h"

#define TIDX_STRFULL	0xFFFFFFFEu	/* No room for another string. */

/* Build-time parameters recorded in the header. */
struct tidx_params {
	int64_t	 build_time;
	int64_t	 now;
	int64_t	 lookback;
};

/*
 * One indicator handed to the builder, its strings given as references
 * from tidx_builder_string() (TIDX_STRNULL for null).
 */
struct tidx_rec_ref {
	int64_t		time_generated, expiration;
	int32_t		confidence;	/* TIDX_CONF_NULL: null. */
	uint32_t	id, threat_type, description, activity_groups, url,
			type, source;	/* source: SourceSystem, the feed. */
};

struct tidx_builder;

/* Return a new, empty builder (free with tidx_builder_free). */
struct tidx_builder *tidx_builder_new(void);

/* Free b and everything it holds; NULL is accepted. */
void	tidx_builder_free(struct tidx_builder *b);

/* Make room for about n distinct strings (a hint: tables grow anyway). */
void	tidx_builder_reserve(struct tidx_builder *b, size_t n);

/*
 * No more strings will be interned: free the table that finds them (the
 * strings stay; tidx_builder_string answers TIDX_STRFULL from now on).
 */
void	tidx_builder_seal_strings(struct tidx_builder *b);

/*
 * Return the reference of the len bytes at s, interning them when new:
 * each distinct string is hashed and stored once.  TIDX_STRNULL when s
 * is NULL; TIDX_STRFULL when the format can hold no more strings, and
 * after tidx_builder_write().
 */
uint32_t tidx_builder_string(struct tidx_builder *b, const char *s,
	    size_t len);

/*
 * The same for a string whose tidx_builder_hash() is known (it may have
 * been computed on another thread), and a hint that a string of that
 * hash will be interned soon: its slot is loaded ahead.
 */
uint32_t tidx_builder_hash(const char *s, size_t len);
uint32_t tidx_builder_string_hashed(struct tidx_builder *b, const char *s,
	    size_t len, uint32_t hash);
void	 tidx_builder_prefetch(const struct tidx_builder *b, uint32_t hash);

/*
 * A value kept with the string ref until the strings are sealed,
 * TIDX_NOVAL until set: a pointer to it, which holds until the next
 * tidx_builder_string(); NULL for TIDX_STRNULL.  No lookup of a map of
 * its own: the string's slot, just read to intern it, holds it.
 */
#define TIDX_NOVAL	0xFFFFFFFFu
uint32_t *tidx_builder_string_value(struct tidx_builder *b, uint32_t ref);

/*
 * The string of reference ref and its length (borrowed until the next
 * call that changes b); NULL for TIDX_STRNULL.
 */
const char *tidx_builder_get(const struct tidx_builder *b, uint32_t ref,
	    uint32_t *len);

/*
 * Add an indicator and return its record number, or -1 when the format
 * cannot hold more (TIDX_ERR_TOOBIG).
 */
int64_t	tidx_builder_record(struct tidx_builder *b,
	    const struct tidx_rec_ref *rec);

/*
 * Index address a under record rec, with text, the reference of the
 * address as written, or TIDX_STRNULL when it was written in its
 * canonical form (addr_format()).  Each address may be added once; the
 * caller chooses among indicators.  Returns TIDX_OK, or TIDX_ERR_TOOBIG.
 */
enum tidx_status tidx_builder_addr(struct tidx_builder *b,
	    const struct addr *a, uint32_t text, uint64_t rec);

/*
 * Index the prefix a/plen (plen counts bits of the 128-bit form, so an
 * IPv4 /24 is 120; host bits of a must be zero; plen < 128) under record
 * rec, with text as above but never null (else TIDX_ERR_TOOBIG).  Each
 * prefix may be added once.  Lookups try exact addresses first, then the
 * longest prefix that holds the address.
 */
enum tidx_status tidx_builder_prefix(struct tidx_builder *b,
	    const struct addr *a, unsigned plen, uint32_t text, uint64_t rec);

/*
 * Write the index to path with afile_replace() (mode 0666 less the
 * umask: other users' kv-match read it).  Strings that no record or
 * entry uses are left out, unless they are under an eighth of the
 * strings' bytes.  This ends the building: afterwards b can
 * only be freed.  On failure nothing is left behind and errno is kept
 * for TIDX_ERR_IO.
 */
enum tidx_status tidx_builder_write(struct tidx_builder *b,
	    const char *path, const struct tidx_params *params);

#endif /* TIDX_BUILD_H */
