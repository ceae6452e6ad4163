/*
 * check_misc.c: unit tests of the small modules: crc32c (src/crc32c.h),
 * strpool (src/strpool.h), jout (src/jout.h) and xalloc (src/xalloc.h).
 * The checksum is checked against published values, against a bitwise
 * implementation written here, incrementally, and in its hardware and
 * portable forms at every alignment.  The string pool is checked for
 * interning, its [u32 little-endian length][bytes][NUL] layout and its
 * growth; hash_bytes for collisions on short inputs.  jout writes to
 * unlinked temporary files whose exact bytes are compared, and to
 * /dev/full and a closed pipe for its sticky errors.  xalloc's failure
 * paths run as exit and signal tests.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "testlib.h"
#include "crc32c.h"
#include "hash.h"
#include "jout.h"
#include "ktime.h"
#include "strpool.h"
#include "xalloc.h"

/* Allocation failures make AddressSanitizer stop the program itself. (UNDER_ASAN: testlib.h.) */

/* ---- crc32c ------------------------------------------------------------ */

/* CRC-32C one bit at a time, straight from the polynomial. */
static uint32_t
crc_bitwise(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *s = p;
	int	 k;

	crc = ~crc;
	while (n-- > 0) {
		crc ^= *s++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return ~crc;
}

START_TEST(crc_check_value)
{
	ck_assert_uint_eq(crc32c(0, "123456789", 9), 0xE3069283u);
	ck_assert_uint_eq(crc32c_portable(0, "123456789", 9), 0xE3069283u);
	ck_assert_uint_eq(crc_bitwise(0, "123456789", 9), 0xE3069283u);
	ck_assert_uint_eq(crc32c(0, "", 0), 0);
	ck_assert_uint_eq(crc32c_portable(0, "", 0), 0);
	/* An empty extension leaves any value as it is. */
	ck_assert_uint_eq(crc32c(0xE3069283u, "x", 0), 0xE3069283u);
	ck_assert_uint_eq(crc32c_portable(0x12345678u, "x", 0), 0x12345678u);
	ck_assert_uint_eq(crc32c(0, "a", 1), 0xC1D04330u);
}
END_TEST

/* The test vectors of RFC 3720, appendix B.4. */
START_TEST(crc_rfc3720)
{
	unsigned char buf[32];
	int	 i;

	memset(buf, 0, sizeof(buf));
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x8A9136AAu);
	ck_assert_uint_eq(crc32c_portable(0, buf, 32), 0x8A9136AAu);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x62A8AB43u);
	ck_assert_uint_eq(crc32c_portable(0, buf, 32), 0x62A8AB43u);
	for (i = 0; i < 32; i++)
		buf[i] = (unsigned char)i;
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x46DD794Eu);
	ck_assert_uint_eq(crc32c_portable(0, buf, 32), 0x46DD794Eu);
	for (i = 0; i < 32; i++)
		buf[i] = (unsigned char)(31 - i);
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x113FDB5Cu);
	ck_assert_uint_eq(crc32c_portable(0, buf, 32), 0x113FDB5Cu);
}
END_TEST

START_TEST(crc_incremental)
{
	unsigned char buf[300];
	uint64_t state = 5;
	uint32_t whole, whole_p;
	size_t	 k, n;

	for (k = 0; k < sizeof(buf); k++)
		buf[k] = (unsigned char)rnd(&state);
	for (n = 0; n <= sizeof(buf); n += 37) {
		whole = crc32c(0, buf, n);
		whole_p = crc32c_portable(0, buf, n);
		ck_assert_uint_eq(whole, whole_p);
		for (k = 0; k <= n; k++) {
			ck_assert_uint_eq(crc32c(crc32c(0, buf, k), buf + k,
			    n - k), whole);
			ck_assert_uint_eq(crc32c_portable(crc32c_portable(0,
			    buf, k), buf + k, n - k), whole);
		}
	}
	/* Three pieces, mixing the two implementations. */
	ck_assert_uint_eq(crc32c(crc32c_portable(crc32c(0, buf, 13),
	    buf + 13, 100), buf + 113, 187), crc32c(0, buf, 300));
}
END_TEST

/* Hardware and table code agree at every length 0..300 and alignment. */
START_TEST(crc_random_buffers)
{
	unsigned char *mem = malloc(300 + 16);
	uint64_t state = 11;
	size_t	 off, n, k;
	int	 round;

	ck_assert_ptr_nonnull(mem);
	for (round = 0; round < 3; round++) {
		for (k = 0; k < 316; k++)
			mem[k] = (unsigned char)rnd(&state);
		for (off = 0; off < 16; off++) {
			for (n = 0; n + off <= 316 && n <= 300; n++) {
				uint32_t want = crc_bitwise(0, mem + off, n),
				    seed = (uint32_t)rnd(&state);

				if (crc32c(0, mem + off, n) != want)
					ck_abort_msg("crc32c: length %zu at "
					    "offset %zu", n, off);
				if (crc32c_portable(0, mem + off, n) != want)
					ck_abort_msg("crc32c_portable: length "
					    "%zu at offset %zu", n, off);
				want = crc_bitwise(seed, mem + off, n);
				if (crc32c(seed, mem + off, n) != want ||
				    crc32c_portable(seed, mem + off, n) != want)
					ck_abort_msg("seed %08x: length %zu at "
					    "offset %zu", seed, n, off);
			}
		}
	}
	free(mem);
}
END_TEST

/* ---- strpool ----------------------------------------------------------- */

static struct strpool *sp;

static void
pool_setup(void)
{
#if defined(__GLIBC__) && !defined(UNDER_ASAN)
	/*
	 * Fill new memory with garbage, so that a missing NUL is not hidden
	 * by fresh, zeroed pages (AddressSanitizer does this by itself).
	 */
	mallopt(M_PERTURB, 0x5a);
#endif
	sp = strpool_new();
}

static void
pool_teardown(void)
{
	strpool_free(sp);
	sp = NULL;
}

START_TEST(pool_intern_equal)
{
	char	 copy[8];
	uint32_t a, b, c;

	memcpy(copy, "abc", 4);
	a = strpool_intern(sp, "abc", 3);
	b = strpool_intern(sp, copy, 3);
	c = strpool_intern(sp, "abcdef", 3);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_eq(a, c);
	ck_assert_uint_ne(a, STRPOOL_NULL);
	ck_assert_uint_ne(a, STRPOOL_FULL);
	ck_assert_uint_eq(strpool_count(sp), 1);
}
END_TEST

START_TEST(pool_intern_different)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} t[] = {
		{ "abc", 3 }, { "abd", 3 }, { "ab", 2 }, { "abcd", 4 },
		{ "Abc", 3 }, { "", 0 }, { "\0", 1 }, { "\0\0", 2 },
		{ "abc\0", 4 }, { "abc\0x", 5 }, { "abc\0y", 5 },
		{ "a\0bc", 4 }, { " abc", 4 }, { "\xff", 1 },
	};
	uint32_t ref[sizeof(t) / sizeof(t[0])];
	size_t	 i, j, n = sizeof(t) / sizeof(t[0]);

	for (i = 0; i < n; i++) {
		ref[i] = strpool_intern(sp, t[i].s, t[i].len);
		ck_assert_uint_ne(ref[i], STRPOOL_NULL);
		ck_assert_uint_ne(ref[i], STRPOOL_FULL);
		for (j = 0; j < i; j++)
			ck_assert_msg(ref[i] != ref[j], "strings %zu and %zu "
			    "share a reference", i, j);
	}
	ck_assert_uint_eq(strpool_count(sp), n);
	/* Again: the same references, nothing added. */
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(strpool_intern(sp, t[i].s, t[i].len),
		    ref[i]);
	ck_assert_uint_eq(strpool_count(sp), n);
}
END_TEST

START_TEST(pool_empty_and_null)
{
	uint32_t e, len = 99;
	const char *s;

	ck_assert_uint_eq(strpool_intern(sp, NULL, 0), STRPOOL_NULL);
	ck_assert_uint_eq(strpool_intern(sp, NULL, 5), STRPOOL_NULL);
	ck_assert_uint_eq(strpool_count(sp), 0);
	ck_assert_ptr_null(strpool_get(sp, STRPOOL_NULL, &len));
	ck_assert_uint_eq(len, 0);

	e = strpool_intern(sp, "", 0);
	ck_assert_uint_ne(e, STRPOOL_NULL);
	ck_assert_uint_eq(strpool_intern(sp, "x", 0), e);
	ck_assert_uint_eq(strpool_count(sp), 1);
	len = 99;
	s = strpool_get(sp, e, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(s[0], '\0');
}
END_TEST

START_TEST(pool_get)
{
	uint32_t a, b, len;
	const char *s;

	a = strpool_intern(sp, "hello", 5);
	b = strpool_intern(sp, "wo\0rld", 6);
	s = strpool_get(sp, a, &len);
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(s, "hello");
	s = strpool_get(sp, b, &len);
	ck_assert_uint_eq(len, 6);
	ck_assert_int_eq(memcmp(s, "wo\0rld", 7), 0);
}
END_TEST

/* The buffer is the STRINGS section: [u32 LE length][bytes][NUL]. */
START_TEST(pool_layout)
{
	char	 big[258];
	const unsigned char *d;
	uint32_t r0, r1, r2;
	size_t	 size;

	memset(big, 'b', sizeof(big));
	r0 = strpool_intern(sp, "abc", 3);
	r1 = strpool_intern(sp, big, sizeof(big));
	r2 = strpool_intern(sp, "", 0);
	ck_assert_uint_eq(strpool_intern(sp, "abc", 3), r0);
	ck_assert_uint_eq(r0, 0);
	ck_assert_uint_eq(r1, 4 + 3 + 1);
	ck_assert_uint_eq(r2, r1 + 4 + 258 + 1);
	d = strpool_data(sp, &size);
	ck_assert_uint_eq(size, r2 + 4 + 0 + 1);
	ck_assert_int_eq(memcmp(d, "\3\0\0\0abc\0", 8), 0);
	ck_assert_int_eq(memcmp(d + r1, "\2\1\0\0", 4), 0);
	ck_assert_int_eq(memcmp(d + r1 + 4, big, sizeof(big)), 0);
	ck_assert_int_eq(d[r1 + 4 + 258], '\0');
	ck_assert_int_eq(memcmp(d + r2, "\0\0\0\0\0", 5), 0);
}
END_TEST

/*
 * strpool_reserve() on an empty pool and on a full one keeps every
 * reference; after strpool_seal() the strings stay readable and interning
 * answers STRPOOL_FULL.
 */
START_TEST(pool_reserve_seal)
{
	enum { N = 5000 };
	uint32_t refs[N], len;
	char	 s[32];
	int	 i, n;

	strpool_reserve(sp, 100000);
	for (i = 0; i < N; i++) {
		n = snprintf(s, sizeof(s), "r-%d", i);
		refs[i] = strpool_intern(sp, s, (size_t)n);
		if (i == N / 2)
			strpool_reserve(sp, 4000000);
	}
	for (i = 0; i < N; i++) {
		n = snprintf(s, sizeof(s), "r-%d", i);
		ck_assert_uint_eq(strpool_intern(sp, s, (size_t)n), refs[i]);
	}
	ck_assert_uint_eq(strpool_count(sp), N);
	strpool_seal(sp);
	ck_assert_uint_eq(strpool_intern(sp, "r-1", 3), STRPOOL_FULL);
	ck_assert_uint_eq(strpool_intern(sp, "new", 3), STRPOOL_FULL);
	ck_assert_uint_eq(strpool_intern(sp, NULL, 0), STRPOOL_NULL);
	for (i = 0; i < N; i++) {
		const char *p = strpool_get(sp, refs[i], &len);

		n = snprintf(s, sizeof(s), "r-%d", i);
		ck_assert_uint_eq(len, (uint32_t)n);
		ck_assert_mem_eq(p, s, (size_t)n);
	}
	ck_assert_uint_eq(strpool_count(sp), N);
}
END_TEST

START_TEST(pool_growth)
{
	enum { N = 200000 };
	uint32_t *refs = malloc(N * sizeof(*refs)), len;
	char	 s[32];
	const unsigned char *d;
	size_t	 size, total = 0;
	int	 i, n;

	ck_assert_ptr_nonnull(refs);
	for (i = 0; i < N; i++) {
		n = snprintf(s, sizeof(s), "string-%d", i * 7919);
		refs[i] = strpool_intern(sp, s, (size_t)n);
		if (refs[i] != total)
			ck_abort_msg("string %d at %u, want %zu", i, refs[i],
			    total);
		total += 4 + (size_t)n + 1;
	}
	ck_assert_uint_eq(strpool_count(sp), N);
	d = strpool_data(sp, &size);
	ck_assert_uint_eq(size, total);
	for (i = 0; i < N; i++) {
		const char *p;

		n = snprintf(s, sizeof(s), "string-%d", i * 7919);
		p = strpool_get(sp, refs[i], &len);
		if (len != (uint32_t)n || memcmp(p, s, (size_t)n) != 0 ||
		    p[n] != '\0')
			ck_abort_msg("string %d changed", i);
		if (le32(d + refs[i]) != (uint32_t)n)
			ck_abort_msg("string %d: bad length field", i);
		if (strpool_intern(sp, s, (size_t)n) != refs[i])
			ck_abort_msg("string %d interned again", i);
	}
	ck_assert_uint_eq(strpool_count(sp), N);
	free(refs);
}
END_TEST

/*
 * strpool_value(): a value per string, none until set, kept as the
 * table grows (many times here) and as other strings are interned; none
 * for a null ref, a ref that is no string's, or a sealed pool.
 */
START_TEST(pool_values)
{
	enum { N = 100000 };
	uint32_t *refs = malloc(N * sizeof(*refs)), *v;
	char	 s[32];
	int	 i, n;

	ck_assert_ptr_nonnull(refs);
	for (i = 0; i < N; i++) {
		n = snprintf(s, sizeof(s), "id-%d", i);
		refs[i] = strpool_intern(sp, s, (size_t)n);
		v = strpool_value(sp, refs[i]);
		ck_assert_ptr_nonnull(v);
		if (*v != STRPOOL_NOVAL)
			ck_abort_msg("string %d: a value before any", i);
		if (i % 3 != 0)
			*v = (uint32_t)i * 2;
		if (i > 0 && strpool_intern(sp, "", 0) == STRPOOL_FULL)
			ck_abort_msg("the empty string refused");
	}
	for (i = 0; i < N; i++) {
		v = strpool_value(sp, refs[i]);
		ck_assert_ptr_nonnull(v);
		if (*v != (i % 3 != 0 ? (uint32_t)i * 2 : STRPOOL_NOVAL))
			ck_abort_msg("string %d: value %u", i, *v);
	}
	v = strpool_value(sp, strpool_intern(sp, "", 0));
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(*v, STRPOOL_NOVAL);
	ck_assert_ptr_null(strpool_value(sp, STRPOOL_NULL));
	ck_assert_ptr_null(strpool_value(sp, refs[1] + 1));
	strpool_seal(sp);
	ck_assert_ptr_null(strpool_value(sp, refs[1]));
	free(refs);
}
END_TEST

/*
 * The same references and values by every way in: interning with a hash
 * computed beforehand (strpool_hash, as ti-index's parsing thread does),
 * with a prefetch of the slot first or not, and values set through a
 * string interned a few strings back (one the pool remembers the slot
 * of, across the table's growths, when the remembered slots move) or
 * long ago.
 */
START_TEST(pool_hashed_and_recent)
{
	enum { N = 50000, BACK = 3 };
	uint32_t *refs = malloc(N * sizeof(*refs)), *v;
	char	 s[32];
	int	 i, n;

	ck_assert_ptr_nonnull(refs);
	for (i = 0; i < N; i++) {
		n = snprintf(s, sizeof(s), "key-%d", i);
		if (i % 2 == 0)
			strpool_prefetch(sp, strpool_hash(s, (size_t)n));
		refs[i] = i % 3 == 0 ? strpool_intern(sp, s, (size_t)n) :
		    strpool_intern_hashed(sp, s, (size_t)n,
		    strpool_hash(s, (size_t)n));
		if (i >= BACK) {
			v = strpool_value(sp, refs[i - BACK]);
			ck_assert_ptr_nonnull(v);
			if (*v != STRPOOL_NOVAL)
				ck_abort_msg("string %d: a value before any",
				    i - BACK);
			*v = (uint32_t)(i - BACK);
		}
	}
	ck_assert_uint_eq(strpool_count(sp), N);
	for (i = 0; i < N; i++) {
		n = snprintf(s, sizeof(s), "key-%d", i);
		if (strpool_intern_hashed(sp, s, (size_t)n, strpool_hash(s,
		    (size_t)n)) != refs[i] || strpool_intern(sp, s,
		    (size_t)n) != refs[i])
			ck_abort_msg("string %d: another reference", i);
		v = strpool_value(sp, refs[i]);
		ck_assert_ptr_nonnull(v);
		if (*v != (i < N - BACK ? (uint32_t)i : STRPOOL_NOVAL))
			ck_abort_msg("string %d: value %u", i, *v);
	}
	ck_assert_uint_eq(strpool_count(sp), N);
	strpool_seal(sp);
	strpool_prefetch(sp, 12345);	/* A sealed pool: nothing. */
	ck_assert_uint_eq(strpool_intern_hashed(sp, "key-1", 5,
	    strpool_hash("key-1", 5)), STRPOOL_FULL);
	ck_assert_ptr_null(strpool_value(sp, refs[N - 1]));
	free(refs);
}
END_TEST

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* No two inputs of the same length, 1 or 2 bytes, hash alike. */
START_TEST(hash_short_same_length)
{
	size_t	 n = 256 + 65536, k = 0, i;
	uint64_t *h = malloc(n * sizeof(*h));
	unsigned char b[2];

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < 256; i++) {
		b[0] = (unsigned char)i;
		h[k++] = hash_bytes(b, 1);
	}
	qsort(h, 256, sizeof(*h), cmp_u64);
	for (i = 1; i < 256; i++)
		ck_assert_msg(h[i] != h[i - 1], "collision of 1-byte inputs");
	for (i = 0; i < 65536; i++) {
		b[0] = (unsigned char)(i >> 8);
		b[1] = (unsigned char)i;
		h[k++] = hash_bytes(b, 2);
	}
	qsort(h + 256, 65536, sizeof(*h), cmp_u64);
	for (i = 257; i < n; i++)
		ck_assert_msg(h[i] != h[i - 1], "collision of 2-byte inputs");
	free(h);
}
END_TEST

/*
 * No two inputs of 0, 1 or 2 bytes hash alike, whatever their lengths.
 * An earlier hash_bytes() mixed the length and the last partial word with
 * the same multiplier, so that "" and "\x01", or "\x02" and "\x01\0",
 * collided; the first checks name those pairs.
 */
START_TEST(hash_short_across_lengths)
{
	size_t	 n = 1 + 256 + 65536, k = 0, i;
	uint64_t *h;
	unsigned char b[2];

	ck_assert_msg(hash_bytes("", 0) != hash_bytes("\x01", 1),
	    "hash(\"\") == hash(\"\\x01\")");
	ck_assert_msg(hash_bytes("\x02", 1) != hash_bytes("\x01\0", 2),
	    "hash(\"\\x02\") == hash(\"\\x01\\0\")");
	ck_assert_msg(hash_bytes("\x01", 1) != hash_bytes("\x02\0", 2),
	    "hash(\"\\x01\") == hash(\"\\x02\\0\")");
	ck_assert_msg(hash_bytes("", 0) != hash_bytes("\x03\0\0", 3),
	    "hash(\"\") == hash(\"\\x03\\0\\0\")");

	h = malloc(n * sizeof(*h));
	ck_assert_ptr_nonnull(h);
	h[k++] = hash_bytes("", 0);
	for (i = 0; i < 256; i++) {
		b[0] = (unsigned char)i;
		h[k++] = hash_bytes(b, 1);
	}
	for (i = 0; i < 65536; i++) {
		b[0] = (unsigned char)(i >> 8);
		b[1] = (unsigned char)i;
		h[k++] = hash_bytes(b, 2);
	}
	qsort(h, n, sizeof(*h), cmp_u64);
	for (i = 1; i < n; i++)
		ck_assert_msg(h[i] != h[i - 1], "collision");
	free(h);
}
END_TEST

/* hash_bytes() as first written: the last partial word by memcpy(). */
static uint64_t
ref_hash(const unsigned char *s, size_t len)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (len * 0xC2B2AE3D27D4EB4FULL);
	uint64_t w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0x94D049BB133111EBULL;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ULL;
	return h ^ (h >> 32);
}

/*
 * The last partial word is read without storing its bytes one by one,
 * and within the input (each input here is a buffer of its own size,
 * which AddressSanitizer guards): the same hashes as the first version,
 * every length to 40, random bytes.
 */
START_TEST(hash_tail_reads)
{
	uint64_t state = 99;
	unsigned char *b;
	size_t	 len, i;
	int	 round;

	for (len = 0; len <= 40; len++)
		for (round = 0; round < 50; round++) {
			b = malloc(len > 0 ? len : 1);
			ck_assert_ptr_nonnull(b);
			for (i = 0; i < len; i++)
				b[i] = (unsigned char)rnd(&state);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			if (hash_bytes(b, len) != ref_hash(b, len))
				ck_abort_msg("length %zu: another hash", len);
#endif
			ck_assert(hash_bytes(b, len) == hash_bytes(b, len));
			free(b);
		}
}
END_TEST

/* Same bytes, same hash; one flipped bit anywhere, another hash. */
START_TEST(hash_each_byte_counts)
{
	unsigned char buf[64], other[64];
	uint64_t state = 17, base;
	size_t	 len, i;
	int	 bit;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)rnd(&state);
	for (len = 1; len <= sizeof(buf); len++) {
		base = hash_bytes(buf, len);
		memcpy(other, buf, len);
		ck_assert(hash_bytes(other, len) == base);
		ck_assert(hash_bytes(buf, len - 1) != base);
		for (i = 0; i < len; i++) {
			for (bit = 0; bit < 8; bit++) {
				other[i] ^= (unsigned char)(1 << bit);
				if (hash_bytes(other, len) == base)
					ck_abort_msg("length %zu, byte %zu, "
					    "bit %d", len, i, bit);
				other[i] ^= (unsigned char)(1 << bit);
			}
		}
	}
	/* Trailing NULs are part of the input. */
	ck_assert(hash_bytes("a", 1) != hash_bytes("a\0", 2));
	ck_assert(hash_bytes("", 0) != hash_bytes("\0", 1));
	ck_assert(hash_bytes("abcdefgh", 8) != hash_bytes("abcdefgh\0", 9));
}
END_TEST

/* ---- jout -------------------------------------------------------------- */

static void
assert_file(int fd, const char *want)
{
	size_t	 len;
	char	*got = slurp_fd(fd, &len);

	ck_assert_uint_eq(len, strlen(want));
	ck_assert_str_eq(got, want);
	free(got);
}

/* Write {"s":<jout_str of s>} and return the line written. */
static char *
str_line(const char *s, size_t len)
{
	int	 fd = tmpfd(NULL, 0);
	struct jout *j = jout_new(fd);
	char	*out;

	jout_map_open(j);
	jout_key(j, "s");
	jout_str(j, s, len);
	jout_map_close(j);
	jout_end(j);
	ck_assert_int_eq(jout_flush(j), 0);
	ck_assert_int_eq(jout_error(j), 0);
	jout_free(j);
	out = slurp_fd(fd, NULL);
	close(fd);
	return out;
}

static void
assert_str(const char *s, size_t len, const char *want)
{
	char	*got = str_line(s, len);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(jout_strings)
{
	assert_str("plain", 5, "{\"s\":\"plain\"}\n");
	assert_str("", 0, "{\"s\":\"\"}\n");
	assert_str(NULL, 0, "{\"s\":null}\n");
	assert_str("q\"b\\", 4, "{\"s\":\"q\\\"b\\\\\"}\n");
	assert_str("a\nb\tc\rd", 7, "{\"s\":\"a\\nb\\tc\\rd\"}\n");
	assert_str("\b\f", 2, "{\"s\":\"\\b\\f\"}\n");
	assert_str("\x01", 1, "{\"s\":\"\\u0001\"}\n");
	/* NUL inside a string. */
	assert_str("a\0b", 3, "{\"s\":\"a\\u0000b\"}\n");
	assert_str("\0", 1, "{\"s\":\"\\u0000\"}\n");
	/* Only len bytes are written. */
	assert_str("abcdef", 3, "{\"s\":\"abc\"}\n");
}
END_TEST

START_TEST(jout_utf8)
{
	/* Valid sequences of 2, 3 and 4 bytes pass unchanged. */
	assert_str("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
	    "{\"s\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}\n");
	/* Each invalid byte becomes U+FFFD. */
	assert_str("a\xff" "b", 3, "{\"s\":\"a\xef\xbf\xbd" "b\"}\n");
	assert_str("\x80", 1, "{\"s\":\"\xef\xbf\xbd\"}\n");
	assert_str("\xc3", 1, "{\"s\":\"\xef\xbf\xbd\"}\n");
	assert_str("x\xc3", 2, "{\"s\":\"x\xef\xbf\xbd\"}\n");
	assert_str("\xc0\xaf", 2,
	    "{\"s\":\"\xef\xbf\xbd\xef\xbf\xbd\"}\n");
	assert_str("\xe2\x82" "x", 3,
	    "{\"s\":\"\xef\xbf\xbd\xef\xbf\xbdx\"}\n");
	/* A surrogate, and a code point past U+10FFFF. */
	assert_str("\xed\xa0\x80", 3,
	    "{\"s\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}\n");
	assert_str("\xf4\x90\x80\x80", 4, "{\"s\":\"\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\"}\n");
	/* Three bytes out for each one in: the worst case. */
	assert_str("\xff\xff\xff\xff", 4, "{\"s\":\"\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\"}\n");
	/* The replacement character itself is valid. */
	assert_str("\xef\xbf\xbd", 3, "{\"s\":\"\xef\xbf\xbd\"}\n");
}
END_TEST

START_TEST(jout_values)
{
	int	 fd = tmpfd(NULL, 0);
	struct jout *j = jout_new(fd);

	jout_map_open(j);
	jout_key(j, "t");
	jout_time(j, 1795176005LL * KTIME_TICKS_PER_SEC + 1306790);
	jout_key(j, "none");
	jout_time(j, KTIME_NONE);
	jout_key(j, "old");
	jout_time(j, -1);
	jout_key(j, "n");
	jout_number(j, "1.50e+3", 7);
	jout_key(j, "m");
	jout_number(j, "-0", 2);
	jout_key(j, "big");
	jout_number(j, "123456789012345678901234567890", 30);
	jout_key(j, "i");
	jout_int(j, -42);
	jout_key(j, "max");
	jout_int(j, 9223372036854775807LL);
	jout_key(j, "z");
	jout_null(j);
	jout_map_close(j);
	jout_end(j);
	ck_assert_int_eq(jout_flush(j), 0);
	assert_file(fd, "{\"t\":\"2026-11-20T12:00:05.1306790Z\","
	    "\"none\":null,\"old\":\"1969-12-31T23:59:59.9999999Z\","
	    "\"n\":1.50e+3,\"m\":-0,"
	    "\"big\":123456789012345678901234567890,\"i\":-42,"
	    "\"max\":9223372036854775807,\"z\":null}\n");
	jout_free(j);
	close(fd);
}
END_TEST

START_TEST(jout_lines)
{
	int	 fd = tmpfd(NULL, 0);
	struct jout *j = jout_new(fd);
	int	 i;

	for (i = 0; i < 3; i++) {
		jout_map_open(j);
		jout_key(j, "i");
		jout_int(j, i);
		jout_key(j, "a");
		jout_array_open(j);
		jout_str(j, "x", 1);
		jout_null(j);
		jout_array_close(j);
		jout_map_close(j);
		jout_end(j);
	}
	jout_array_open(j);
	jout_array_close(j);
	jout_end(j);
	jout_map_open(j);
	jout_map_close(j);
	jout_end(j);
	ck_assert_int_eq(jout_flush(j), 0);
	assert_file(fd, "{\"i\":0,\"a\":[\"x\",null]}\n"
	    "{\"i\":1,\"a\":[\"x\",null]}\n"
	    "{\"i\":2,\"a\":[\"x\",null]}\n"
	    "[]\n{}\n");
	jout_free(j);
	close(fd);
}
END_TEST

/* Output waits in the buffer until jout_flush(). */
START_TEST(jout_buffering)
{
	int	 fd = tmpfd(NULL, 0);
	struct jout *j = jout_new(fd);
	size_t	 len;
	char	*got;

	ck_assert_uint_eq(jout_pending(j), 0);
	jout_map_open(j);
	jout_map_close(j);
	jout_end(j);
	ck_assert_uint_eq(jout_pending(j), 3);
	got = slurp_fd(fd, &len);
	ck_assert_uint_eq(len, 0);
	free(got);
	ck_assert_int_eq(jout_flush(j), 0);
	ck_assert_uint_eq(jout_pending(j), 0);
	assert_file(fd, "{}\n");
	/* A flush with nothing pending writes nothing. */
	ck_assert_int_eq(jout_flush(j), 0);
	assert_file(fd, "{}\n");
	ck_assert_int_eq(jout_error(j), 0);
	jout_free(j);
	close(fd);
}
END_TEST

/* Past JOUT_FLUSH bytes the buffer is written out by itself, in order. */
START_TEST(jout_auto_flush)
{
	int	 fd = tmpfd(NULL, 0);
	struct jout *j = jout_new(fd);
	char	 pad[1000], head[32], *got, *p;
	size_t	 len, total = 0;
	int	 i, k, n = (int)(3 * JOUT_FLUSH / 1000) + 7;

	memset(pad, 'p', sizeof(pad));
	for (i = 0; i < n; i++) {
		jout_map_open(j);
		jout_key(j, "i");
		jout_int(j, i);
		jout_key(j, "p");
		jout_str(j, pad, sizeof(pad));
		jout_map_close(j);
		jout_end(j);
		total += (size_t)snprintf(head, sizeof(head),
		    "{\"i\":%d,\"p\":\"", i) + sizeof(pad) + 3;
		ck_assert(jout_pending(j) < JOUT_FLUSH);
		got = slurp_fd(fd, &len);
		free(got);
		/* Whole lines only, and none lost or doubled. */
		ck_assert_uint_eq(len + jout_pending(j), total);
	}
	ck_assert(len > 0);
	ck_assert_int_eq(jout_flush(j), 0);
	got = slurp_fd(fd, &len);
	ck_assert_uint_eq(len, total);
	for (i = 0, p = got; i < n; i++) {
		k = snprintf(head, sizeof(head), "{\"i\":%d,\"p\":\"", i);
		ck_assert_msg(strncmp(p, head, (size_t)k) == 0, "line %d", i);
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	ck_assert_uint_eq((size_t)(p - got), len);
	free(got);
	jout_free(j);
	close(fd);
}
END_TEST

/* An object larger than the whole buffer is written intact. */
START_TEST(jout_huge_object)
{
	int	 fd = tmpfd(NULL, 0);
	struct jout *j = jout_new(fd);
	size_t	 big = 3 * JOUT_FLUSH, len;
	char	*s = malloc(big), *got;

	ck_assert_ptr_nonnull(s);
	memset(s, 'h', big);
	jout_map_open(j);
	jout_key(j, "a");
	jout_str(j, "small", 5);
	jout_map_close(j);
	jout_end(j);
	jout_str(j, s, big);
	jout_end(j);
	ck_assert_int_eq(jout_flush(j), 0);
	got = slurp_fd(fd, &len);
	ck_assert_uint_eq(len, 14 + 1 + big + 2);
	ck_assert_int_eq(memcmp(got, "{\"a\":\"small\"}\n\"", 15), 0);
	ck_assert_int_eq(memcmp(got + 15, s, big), 0);
	ck_assert_str_eq(got + 15 + big, "\"\n");
	free(got);
	free(s);
	jout_free(j);
	close(fd);
}
END_TEST

START_TEST(jout_dev_full)
{
	int	 fd = open("/dev/full", O_WRONLY);
	struct jout *j;

	ck_assert_int_ne(fd, -1);
	j = jout_new(fd);
	jout_str(j, "x", 1);
	jout_end(j);
	ck_assert_int_eq(jout_error(j), 0);
	ck_assert_int_eq(jout_flush(j), -1);
	ck_assert_int_eq(jout_error(j), ENOSPC);
	/* The error sticks, and nothing more is kept. */
	jout_str(j, "y", 1);
	jout_end(j);
	ck_assert_int_eq(jout_flush(j), -1);
	ck_assert_int_eq(jout_error(j), ENOSPC);
	ck_assert_uint_eq(jout_pending(j), 0);
	jout_free(j);
	close(fd);
}
END_TEST

START_TEST(jout_closed_pipe)
{
	int	 p[2];
	struct jout *j;

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	j = jout_new(p[1]);
	jout_int(j, 1);
	jout_end(j);
	ck_assert_int_eq(jout_flush(j), -1);
	ck_assert_int_eq(jout_error(j), EPIPE);
	jout_free(j);
	close(p[1]);
}
END_TEST

/* ---- xalloc ------------------------------------------------------------ */

static void
exit3(void)
{
	_exit(3);
}

static void
returns(void)
{
}

START_TEST(xalloc_ordinary)
{
	char	*p, *q;
	int	*z;
	size_t	 i;

	p = xmalloc(0);
	ck_assert_ptr_nonnull(p);
	free(p);
	z = xcalloc(1000, sizeof(*z));
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(z[i], 0);
	free(z);
	p = xcalloc(0, 0);
	ck_assert_ptr_nonnull(p);
	free(p);

	p = xreallocarray(NULL, 10, 1);
	memcpy(p, "0123456789", 10);
	p = xreallocarray(p, 100000, 2);
	ck_assert_int_eq(memcmp(p, "0123456789", 10), 0);
	p[199999] = 'e';
	p = xreallocarray(p, 0, 8);
	ck_assert_ptr_nonnull(p);
	free(p);

	q = xstrndup("hello world", 5);
	ck_assert_str_eq(q, "hello");
	free(q);
	q = xstrndup("a\0b", 3);
	ck_assert_int_eq(memcmp(q, "a\0b\0", 4), 0);
	free(q);
	q = xstrndup("", 0);
	ck_assert_str_eq(q, "");
	free(q);
}
END_TEST

START_TEST(test_xalloc_yajl_funcs)
{
	char	*p;

	ck_assert(xalloc_yajl_funcs.malloc != NULL);
	ck_assert(xalloc_yajl_funcs.realloc != NULL);
	ck_assert(xalloc_yajl_funcs.free != NULL);
	p = xalloc_yajl_funcs.malloc(xalloc_yajl_funcs.ctx, 4);
	ck_assert_ptr_nonnull(p);
	memcpy(p, "abc", 4);
	p = xalloc_yajl_funcs.realloc(xalloc_yajl_funcs.ctx, p, 1 << 20);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "abc");
	xalloc_yajl_funcs.free(xalloc_yajl_funcs.ctx, p);
}
END_TEST

/*
 * The mapping of /proc/self/maps that holds address a: *lo and *hi; 0,
 * or -1 when there is none (or no /proc).
 */
static int
mapping_of(uintptr_t a, uintptr_t *lo, uintptr_t *hi)
{
	FILE	*f = fopen("/proc/self/maps", "r");
	unsigned long l, h;
	char	 line[512];
	int	 rc = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%lx-%lx", &l, &h) == 2 && a >= l && a < h) {
			*lo = l;
			*hi = h;
			rc = 0;
			break;
		}
	fclose(f);
	return rc;
}

/*
 * With glibc, a big block (p, in the mapping lo to hi) is a mapping of
 * whole huge pages, which the kernel can keep on a huge page boundary as
 * the block moves, and the advice on it covers all of it: the block
 * ends where the mapping does.
 */
static void
whole_huge_pages(void *p, uintptr_t lo, uintptr_t hi)
{
#if defined(__GLIBC__) && !defined(UNDER_ASAN)
	ck_assert_uint_eq((hi - lo) % ((uintptr_t)2 << 20), 0);
	ck_assert_uint_eq((uintptr_t)p + malloc_usable_size(p), hi);
#else
	(void)p;
	(void)lo;
	(void)hi;
#endif
}

/*
 * xgrow() keeps the contents as the block grows past 64 MiB, and its
 * huge page advice leaves the block in one mapping (advice on a part of
 * it would split it, and the next mremap(2) would fail into a copy).
 */
START_TEST(xgrow_one_mapping)
{
	size_t	 n = 1024, i, old = 0;
	unsigned char *p = NULL;
	uintptr_t lo, hi;

	xalloc_big_tables();
	while (n <= ((size_t)64 << 20)) {
		p = xgrow(p, n, 1);
		for (i = (old + 4095) / 4096 * 4096; i < n; i += 4096)
			p[i] = (unsigned char)(i >> 12);
		for (i = 0; i < n; i += 4096)
			ck_assert_uint_eq(p[i], (unsigned char)(i >> 12));
		if (n >= ((size_t)4 << 20) &&
		    mapping_of((uintptr_t)p, &lo, &hi) == 0) {
			ck_assert_uint_le(lo, (uintptr_t)p);
			ck_assert_uint_ge(hi, (uintptr_t)p + n);
			whole_huge_pages(p, lo, hi);
		}
		old = n;
		n = n * 3 / 2 + 1000;	/* Sizes not a power of two. */
	}
	free(p);
}
END_TEST

/*
 * xcalloc_huge(): zeroed, and (as for xgrow()) the block is its own
 * mapping of whole huge pages.
 */
START_TEST(xcalloc_huge_zeroed)
{
	static const size_t sizes[] = { 1, 4096, ((size_t)2 << 20) + 1,
	    ((size_t)7 << 20) + 12345 };
	unsigned char *p;
	uintptr_t lo, hi;
	size_t	 i, k, bad;

	xalloc_big_tables();
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		p = xcalloc_huge(sizes[k], 1);
		for (i = bad = 0; i < sizes[k]; i++)
			bad += p[i] != 0;
		ck_assert_uint_eq(bad, 0);
		if (sizes[k] >= ((size_t)4 << 20) &&
		    mapping_of((uintptr_t)p, &lo, &hi) == 0)
			whole_huge_pages(p, lo, hi);
		memset(p, 0xAB, sizes[k]);
		free(p);
	}
}
END_TEST

/* xmalloc_huge(): on a huge page boundary, every byte asked for usable. */
/*
 * xalloc_release(): the pages behind a reader go back (on Linux they then
 * read as zeros), but the bytes of the block's first page and everything
 * past the bytes released stay; the block is freed as usual afterwards
 * (the allocator's record before it intact), whether it came from the
 * heap or was mapped.
 */
START_TEST(xalloc_release_keeps_the_rest)
{
	size_t	 sizes[2] = { 64 * 1024, 8 * 1024 * 1024 };
	size_t	 pg = (size_t)sysconf(_SC_PAGESIZE), n, done, i, zeros, bad;
	unsigned char *p;
	int	 k;

	for (k = 0; k < 2; k++) {
		n = sizes[k];
		done = n / 2 + 123;
		p = xmalloc(n);
		memset(p, 0xAB, n);
		xalloc_release(p, done);
		bad = 0;
		for (i = 0; i < pg && i < n; i++)
			if ((((uintptr_t)p + i) & ~(uintptr_t)(pg - 1)) ==
			    ((uintptr_t)p & ~(uintptr_t)(pg - 1)))
				bad += p[i] != 0xAB;
		for (i = done; i < n; i++)
			bad += p[i] != 0xAB;
		for (i = zeros = 0; i < done; i++) {
			bad += p[i] != 0 && p[i] != 0xAB;
			zeros += p[i] == 0;
		}
		ck_assert_uint_eq(bad, 0);
#ifdef __linux__
		ck_assert_uint_ge(zeros, done - 3 * pg);
#endif
		free(p);
	}
	xalloc_release(NULL, 100);
}
END_TEST

START_TEST(xmalloc_huge_aligned)
{
	static const size_t sizes[] = { 0, 1, 4096, ((size_t)2 << 20) + 1,
	    (size_t)5 << 20 };
	unsigned char *p;
	size_t	 i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = xmalloc_huge(sizes[i]);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % ((uintptr_t)2 << 20), 0);
		memset(p, 0xa5, sizes[i]);
		if (sizes[i] > 0)
			ck_assert_uint_eq(p[sizes[i] - 1], 0xa5);
		free(p);
	}
}
END_TEST

/* Exit tests: each must end in the handler's _exit(3). */
START_TEST(xalloc_overflow_exits)
{
	volatile size_t n = SIZE_MAX / 2 + 1;

	xalloc_set_handler(exit3);
	(void)xreallocarray(NULL, n, 2);
	ck_abort_msg("xreallocarray returned after an overflow");
}
END_TEST

START_TEST(xalloc_overflow_max_exits)
{
	volatile size_t n = SIZE_MAX;
	void	*p = malloc(16);

	xalloc_set_handler(exit3);
	(void)xreallocarray(p, n, n);
	ck_abort_msg("xreallocarray returned after an overflow");
}
END_TEST

#ifndef UNDER_ASAN
START_TEST(xalloc_malloc_fails_exits)
{
	volatile size_t n = SIZE_MAX - 4096;

	xalloc_set_handler(exit3);
	(void)xmalloc(n);
	ck_abort_msg("xmalloc returned after malloc failed");
}
END_TEST

START_TEST(xalloc_calloc_fails_exits)
{
	volatile size_t n = SIZE_MAX / 4;

	xalloc_set_handler(exit3);
	(void)xcalloc(n, 16);
	ck_abort_msg("xcalloc returned after calloc failed");
}
END_TEST
#endif

/* Signal tests: the default handler aborts, and so does a bad one. */
START_TEST(xalloc_default_aborts)
{
	volatile size_t n = SIZE_MAX / 8 + 1;

	(void)xreallocarray(NULL, n, 8);
	ck_abort_msg("xreallocarray returned after an overflow");
}
END_TEST

START_TEST(xalloc_returning_handler_aborts)
{
	volatile size_t n = SIZE_MAX / 8 + 1;

	xalloc_set_handler(returns);
	(void)xreallocarray(NULL, n, 8);
	ck_abort_msg("xreallocarray returned after an overflow");
}
END_TEST

Suite *
misc_suite(void)
{
	Suite	*s = suite_create("misc");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, crc_check_value);
	tcase_add_test(tc, crc_rfc3720);
	tcase_add_test(tc, crc_incremental);
	tcase_add_test(tc, crc_random_buffers);
	tcase_add_test(tc, hash_short_same_length);
	tcase_add_test(tc, hash_short_across_lengths);
	tcase_add_test(tc, hash_each_byte_counts);
	tcase_add_test(tc, hash_tail_reads);
	tcase_add_test(tc, jout_strings);
	tcase_add_test(tc, jout_utf8);
	tcase_add_test(tc, jout_values);
	tcase_add_test(tc, jout_lines);
	tcase_add_test(tc, jout_buffering);
	tcase_add_test(tc, xalloc_ordinary);
	tcase_add_test(tc, test_xalloc_yajl_funcs);
	suite_add_tcase(s, tc);

	tc = tcase_create("Strpool");
	tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
	tcase_add_test(tc, pool_intern_equal);
	tcase_add_test(tc, pool_intern_different);
	tcase_add_test(tc, pool_empty_and_null);
	tcase_add_test(tc, pool_get);
	tcase_add_test(tc, pool_layout);
	tcase_add_test(tc, pool_growth);
	tcase_add_test(tc, pool_reserve_seal);
	tcase_add_test(tc, pool_values);
	tcase_add_test(tc, pool_hashed_and_recent);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, jout_auto_flush);
	tcase_add_test(tc, jout_huge_object);
	tcase_add_test(tc, jout_dev_full);
	tcase_add_test(tc, jout_closed_pipe);
	tcase_add_test(tc, xgrow_one_mapping);
	tcase_add_test(tc, xmalloc_huge_aligned);
	tcase_add_test(tc, xalloc_release_keeps_the_rest);
	tcase_add_test(tc, xcalloc_huge_zeroed);
	tcase_add_exit_test(tc, xalloc_overflow_exits, 3);
	tcase_add_exit_test(tc, xalloc_overflow_max_exits, 3);
#ifndef UNDER_ASAN
	tcase_add_exit_test(tc, xalloc_malloc_fails_exits, 3);
	tcase_add_exit_test(tc, xalloc_calloc_fails_exits, 3);
#endif
	tcase_add_test_raise_signal(tc, xalloc_default_aborts, SIGABRT);
	tcase_add_test_raise_signal(tc, xalloc_returning_handler_aborts,
	    SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
