/*
 * scan.c: the fast path of kv-match.  See scan.h for what it promises.
 *
 * Why the answers are certain for valid JSON: a key is a string token at
 * depth 1, found by tracking string boundaries from the first byte, so a
 * member name inside a string value or a nested object is never taken
 * for a key.  A key spelled with escapes ("Caller\u0049PAddress") would
 * match without being seen, so any escape in a key makes the answer
 * unsure; so does an escape in the address value (the full parse decodes
 * it) and a second CallerIPAddress member (the full parse takes the
 * last).  Escapes inside other values are skipped over exactly.
 *
 * Two scanners give the same answers.  scan_scalar() walks the tokens.
 * scan_blocks(), used for lines without a backslash (most of them),
 * classifies 64 bytes at a time with SSE2 or AVX2 (scan_simd.h): bit masks of quotes and
 * brackets, the in-string mask as the prefix XOR of the quotes (without
 * backslashes no quote is escaped), the depth from counts of brackets
 * outside strings, and candidate keys as opening quotes followed by 'C'
 * with a quote 16 bytes on, which only a 15-byte key starting with 'C'
 * has.  A line holding a backslash goes to scan_scalar().
 */
#include <stdint.h>
#include <string.h>

#include "scan.h"

#define KEY	"CallerIPAddress"
#define KEYLEN	(sizeof(KEY) - 1)

/* White space as yajl's lexer reads it (JSON's, plus \f and \v). */
static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* A byte that can start a JSON value other than a string. */
static int
starts_nonstring(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == 't' || c == 'f' ||
	    c == 'n' || c == '{' || c == '[';
}

/*
 * Skip the string whose opening quote is at p[-1]; return a pointer past
 * its closing quote, or NULL when the line ends first.  *esc is set when
 * the string holds an escape.
 */
static const char *
skip_string(const char *p, const char *end, int *esc)
{
	*esc = 0;
	for (;;) {
		while (p < end && *p != '"' && *p != '\\')
			p++;
		if (p >= end)
			return NULL;
		if (*p == '"')
			return p + 1;
		*esc = 1;
		if (end - p < 2)
			return NULL;
		p += 2;		/* The backslash and the escaped byte. */
	}
}

static enum scan_result
scan_scalar(const char *line, size_t len, const char **addr, size_t *alen)
{
	const char *p = line, *end = line + len, *k, *v = NULL;
	size_t	 vlen = 0;
	int	 depth, esc, found = 0, is_caller;

	while (p < end && is_ws(*p))
		p++;
	while (end > p && is_ws(end[-1]))
		end--;
	if (p >= end || *p != '{' || end[-1] != '}')
		return SCAN_UNSURE;
	p++;
	for (;;) {
		/* At depth 1, before a key (or the closing brace). */
		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			return SCAN_UNSURE;
		if (*p == '}')
			break;
		if (*p != '"')
			return SCAN_UNSURE;
		k = ++p;
		if ((p = skip_string(p, end, &esc)) == NULL || esc)
			return SCAN_UNSURE;
		is_caller = (size_t)(p - 1 - k) == KEYLEN &&
		    memcmp(k, KEY, KEYLEN) == 0;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || *p != ':')
			return SCAN_UNSURE;
		p++;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			return SCAN_UNSURE;
		/* The value. */
		if (*p == '"') {
			const char *s = ++p;

			if ((p = skip_string(p, end, &esc)) == NULL)
				return SCAN_UNSURE;
			if (is_caller) {
				if (found || esc)
					return SCAN_UNSURE;
				found = 1;
				v = s;
				vlen = (size_t)(p - 1 - s);
			}
		} else if (*p == '{' || *p == '[') {
			if (is_caller)
				return SCAN_UNSURE;
			depth = 0;
			do {
				if (*p == '"') {
					if ((p = skip_string(p + 1, end, &esc))
					    == NULL)
						return SCAN_UNSURE;
					continue;
				}
				if (*p == '{' || *p == '[')
					depth++;
				else if (*p == '}' || *p == ']')
					depth--;
				p++;
			} while (depth > 0 && p < end);
			if (depth != 0)
				return SCAN_UNSURE;
		} else {
			/* A number, true, false or null: up to a separator. */
			if (!starts_nonstring(*p))
				return SCAN_UNSURE;
			if (is_caller) {
				if (found)
					return SCAN_UNSURE;
				found = 2;	/* Present, not a string. */
			}
			while (p < end && *p != ',' && *p != '}' && !is_ws(*p))
				p++;
		}
		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			return SCAN_UNSURE;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}')
			break;
		return SCAN_UNSURE;
	}
	if (p + 1 != end)
		return SCAN_UNSURE;	/* Something after the object. */
	if (found == 1) {
		*addr = v;
		*alen = vlen;
		return SCAN_FOUND;
	}
	return SCAN_NONE;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define BLOCK		64
#define LOOKAHEAD	17	/* Bytes a block reads past its end. */

struct blockstate {
	uint64_t instr;		/* All ones when a string runs on. */
	long	 depth;		/* Depth at the start of the block. */
	int	 nkeys;		/* Depth-1 CallerIPAddress keys seen. */
	const char *key;	/* Its opening quote in the line. */
	const char *last;	/* The line's closing brace. */
};

static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* The rest of a block scan: the value after the key at k. */
static enum scan_result
value_after(const char *k, const char *end, const char **addr, size_t *alen)
{
	const char *p = k + 1 + KEYLEN + 1, *v;

	while (p < end && is_ws(*p))
		p++;
	if (p >= end || *p != ':')
		return SCAN_UNSURE;
	p++;
	while (p < end && is_ws(*p))
		p++;
	if (p >= end)
		return SCAN_UNSURE;
	if (*p != '"')		/* Present, but not a string? */
		return starts_nonstring(*p) ? SCAN_NONE : SCAN_UNSURE;
	v = ++p;
	if ((p = memchr(p, '"', (size_t)(end - p))) == NULL)
		return SCAN_UNSURE;
	*addr = v;
	*alen = (size_t)(p - v);
	return SCAN_FOUND;
}

/* scan_blocks_sse2() and scan_blocks_avx2(), from one template. */
#include <immintrin.h>
#define SCAN_SUFFIX(name)	name##_sse2
#define SCAN_TARGET		"sse2"
#include "scan_simd.h"
#undef SCAN_SUFFIX
#undef SCAN_TARGET
#define SCAN_SUFFIX(name)	name##_avx2
#define SCAN_TARGET		"avx2,popcnt,bmi"
#define SCAN_AVX2
#include "scan_simd.h"
#undef SCAN_SUFFIX
#undef SCAN_TARGET
#undef SCAN_AVX2

static enum scan_result (*scan_blocks)(const char *, size_t, const char **,
    size_t *);
#endif

enum scan_result
scan_caller(const char *line, size_t len, const char **addr, size_t *alen)
{
	const char *p = line, *end = line + len;

	while (p < end && is_ws(*p))
		p++;
	while (end > p && is_ws(end[-1]))
		end--;
	if (p >= end || *p != '{' || end[-1] != '}')
		return SCAN_UNSURE;
#if defined(__x86_64__) && defined(__GNUC__)
	{
		enum scan_result r;

		if (scan_blocks == NULL)
			scan_blocks = __builtin_cpu_supports("avx2") &&
			    __builtin_cpu_supports("popcnt") ?
			    scan_blocks_avx2 : scan_blocks_sse2;
		if ((r = scan_blocks(p, (size_t)(end - p), addr, alen)) !=
		    SCAN_UNSURE)
			return r;
	}
#endif
	return scan_scalar(line, len, addr, alen);
}
