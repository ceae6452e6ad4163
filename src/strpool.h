/*
 * strpool.h: interned strings in one growing buffer.
 *
 * Each distinct string is stored once, in the layout of the index file's
 * STRINGS section (tidx.h): a 4-byte little-endian length, the bytes and a
 * NUL.  A reference is the offset of the length field, so the buffer can be
 * written out as the section unchanged.
 */
#ifndef STRPOOL_H
#define STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#define STRPOOL_NULL	0xFFFFFFFFu	/* The reference of a null string. */
#define STRPOOL_FULL	0xFFFFFFFEu	/* Returned when 4 GiB would be passed. */

struct strpool;

struct strpool *strpool_new(void);	/* Free with strpool_free. */
void	 strpool_free(struct strpool *sp);

/*
 * Return the reference of the len bytes at s, adding them when new;
 * STRPOOL_NULL when s is NULL; STRPOOL_FULL when the pool is full.
 */
uint32_t strpool_intern(struct strpool *sp, const char *s, size_t len);

/*
 * strpool_intern() for a string whose strpool_hash() is known (computed
 * elsewhere, perhaps on another thread), and strpool_prefetch(), which
 * starts loading the slot where a string of that hash is looked for, so
 * that a caller can intern strings it will come to without waiting for
 * memory each time.
 */
uint32_t strpool_hash(const char *s, size_t len);
uint32_t strpool_intern_hashed(struct strpool *sp, const char *s,
	    size_t len, uint32_t hash);
void	 strpool_prefetch(const struct strpool *sp, uint32_t hash);

/*
 * A value of the caller's kept with each string while the table is there
 * (STRPOOL_NOVAL until set): the one of the string at ref, or NULL when
 * there is none (a null ref, or a sealed pool).  The pointer holds until
 * the next strpool_intern().  Found through the string's own slot, which
 * interning it has just read, it costs no cache miss of its own, as a
 * map of its own would; for one of the last STRPOOL_RECENT interned,
 * not even the hash is computed again.
 */
#define STRPOOL_NOVAL	0xFFFFFFFFu
uint32_t *strpool_value(struct strpool *sp, uint32_t ref);
#define STRPOOL_RECENT	8	/* Strings interned last whose slots are
				   known without hashing them again. */

/* Make the table big enough for n strings without growing. */
void	 strpool_reserve(struct strpool *sp, size_t n);

/*
 * Free the table that finds strings: the pool keeps its strings, and
 * strpool_intern() answers STRPOOL_FULL from then on.
 */
void	 strpool_seal(struct strpool *sp);

/* The string at ref (borrowed until the pool changes); NULL for null. */
const char *strpool_get(const struct strpool *sp, uint32_t ref,
	    uint32_t *len);

/* The buffer, its size, and the number of distinct strings. */
const void *strpool_data(const struct strpool *sp, size_t *size);

uint32_t strpool_count(const struct strpool *sp);

/* The bytes the strings not marked in keep (as below) take in the pool. */
size_t	 strpool_unmarked(const struct strpool *sp, const unsigned char *keep);

/*
 * Keep only the strings whose reference r is marked in keep (bit r % 8
 * of byte r / 8), in their order, and seal the pool.  From then on
 * strpool_moved() gives the new reference of each kept string, and the
 * pool's other functions see only the strings kept.
 */
void	 strpool_compact(struct strpool *sp, const unsigned char *keep);

/* The reference that kept string ref had before strpool_compact() is now. */
uint32_t strpool_moved(const struct strpool *sp, uint32_t ref);

#endif /* STRPOOL_H */
