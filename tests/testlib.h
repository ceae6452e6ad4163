/*
 * testlib.h: helpers the unit test suites share.  Each one fails the
 * running test (ck_assert) instead of returning an error.
 */
#ifndef TESTS_TESTLIB_H
#define TESTS_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "tidx.h"

/* UNDER_ASAN: built with AddressSanitizer (SANITIZE=1). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN	1
#endif
#endif

/*
 * The rounds of a random or mutation loop of n rounds: n, or a quarter
 * of n under the sanitizers, where each round costs several times more
 * (the normal build keeps every round).
 */
#ifdef UNDER_ASAN
#define TEST_ROUNDS(n)	((n) / 4)
#else
#define TEST_ROUNDS(n)	(n)
#endif

/*
 * The next number of a deterministic generator (splitmix64) whose whole
 * state is *state, so that a failure replays from its seed.  Every bit of
 * the result is usable.
 */
uint64_t	 rnd(uint64_t *state);

/*
 * The whole file at path (or, for slurp_fd, everything in fd from offset
 * 0, whatever its position) in a malloc'd buffer with a NUL after the
 * last byte; its length in *lenp unless lenp is NULL.
 */
void		*slurp(const char *path, size_t *lenp);
char		*slurp_fd(int fd, size_t *lenp);

/* Create (or truncate) the file at path and write len bytes of buf. */
void		 spew(const char *path, const void *buf, size_t len);

/* The path of the test data file name: $TESTDATA/name, or tests/data/name. */
void		 data_path(char *buf, size_t size, const char *name);

/* slurp() of the test data file name. */
void		*slurp_data(const char *name, size_t *lenp);

/*
 * A descriptor, read-write at offset 0, of an unlinked temporary file
 * holding len bytes of data (none if data is NULL).
 */
int		 tmpfd(const void *data, size_t len);

/*
 * Make a fresh directory named after the suite name in $TMPDIR (or /tmp)
 * and put its path in buf.
 */
void		 scratch_dir(char *buf, size_t size, const char *name);

/* Remove dir and everything below it. */
void		 rmtree(const char *dir);

/* The number of entries of dir other than . and .. */
int		 dir_entries(const char *dir);

/* Little-endian fields in a byte buffer, as the file formats store them. */
uint16_t	 le16(const unsigned char *p);
uint32_t	 le32(const unsigned char *p);
uint64_t	 le64(const unsigned char *p);
void		 put16(unsigned char *p, uint16_t v);
void		 put32(unsigned char *p, uint32_t v);
void		 put64(unsigned char *p, uint64_t v);

/*
 * Finish the ingestion in and write its index as dir/name, built as of
 * now with that lookback; return it opened and verified.
 */
struct tidx	*ix_finish(struct ingest *in, const char *dir, const char *name,
		    int64_t now, int64_t lookback);

/* 1 and *ind when the address text addr is in ix, else 0. */
int		 ix_find(struct tidx *ix, const char *addr,
		    struct tidx_ind *ind);

/* Assert that s is the string want (NULL: null); what names it. */
void		 str_is(const char *what, struct tidx_str s, const char *want);
/*
 * Assert that ind, found for the address written as addr, reads as the
 * address text want (tidx_addr_text()).
 */
void		 text_is(const struct tidx_ind *ind, const char *addr,
		    const char *want);

#endif
