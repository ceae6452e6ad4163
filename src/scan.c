/*
 * scan.c: the fast path of kv-match.  See scan.h for what it promises.
 *
 * Why the list is complete for valid JSON: string boundaries are tracked
 * from the first byte (skipping escapes exactly), so a member name inside
 * a string value is never taken for a key, and depth counts brackets
 * outside strings, so the depth of every key is known.  A key spelled
 * with escapes ("Caller\u0049PAddress") would be missed, so any escape in
 * a key at depth 1 or 3 makes the answer unsure; so does an escape in an
 * address (the full parse decodes it).  A value that is not a string
 * (null, a number) is no address.  Extra entries are harmless: a listed
 * address that is in the index only sends the line to the full parse.
 *
 * Two scanners give the same answers.  scan_scalar() walks the bytes.
 * scan_blocks(), used for lines without a backslash (most of them),
 * classifies 64 bytes at a time with SSE2 or AVX2 (scan_simd.h): bit masks
 * of quotes and brackets, the in-string mask as the prefix XOR of the
 * quotes (without backslashes no quote is escaped), the depth from counts
 * of brackets outside strings, and candidate keys as opening quotes
 * followed by 'C' or 'c' with a quote 16 bytes on, which only a 15-byte
 * name starting so has.  A line holding a backslash, or whose object ends
 * before its last byte, goes to scan_scalar().
 */
#include <stdint.h>
#include <string.h>

#include "scan.h"

#define KEYLEN	15	/* The length of each of the three names. */

static const char *const keys[] = {
	"CallerIPAddress", "callerIpAddress", "CallerIpAddress"
};

static int
is_key(const char *k)
{
	return memcmp(k, keys[0], KEYLEN) == 0 ||
	    memcmp(k, keys[1], KEYLEN) == 0 || memcmp(k, keys[2], KEYLEN) == 0;
}

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

enum step {
	STEP_NOTKEY,	/* The string is not followed by ':'. */
	STEP_HIT,	/* A string value: one more address. */
	STEP_NONE,	/* A value that is not a string. */
	STEP_UNSURE
};

/*
 * After a caller key whose closing quote ends at p: read the value.
 * On STEP_HIT, *hit is the address.  *next is where scanning goes on.
 */
static enum step
value_after(const char *p, const char *end, struct scan_hit *hit,
    const char **next)
{
	const char *v;
	int	 esc;

	while (p < end && is_ws(*p))
		p++;
	if (p >= end || *p != ':') {
		*next = p;
		return STEP_NOTKEY;
	}
	p++;
	while (p < end && is_ws(*p))
		p++;
	if (p >= end)
		return STEP_UNSURE;
	if (*p != '"') {
		*next = p;
		return starts_nonstring(*p) ? STEP_NONE : STEP_UNSURE;
	}
	v = ++p;
	if ((p = skip_string(p, end, &esc)) == NULL || esc)
		return STEP_UNSURE;
	hit->p = v;
	hit->len = (size_t)(p - 1 - v);
	*next = p;
	return STEP_HIT;
}

/* The byte after p's white space is ':' (so the string before is a key). */
static int
colon_after(const char *p, const char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p < end && *p == ':';
}

static enum scan_result
scan_scalar(const char *line, size_t len, struct scan_hit *hits,
    size_t *nhits)
{
	const char *p = line, *end = line + len, *k, *next;
	long	 depth = 0;
	int	 esc;

	*nhits = 0;
	while (p < end) {
		switch (*p) {
		case '"':
			k = p + 1;
			if ((p = skip_string(k, end, &esc)) == NULL)
				return SCAN_UNSURE;
			if ((depth != 1 && depth != 3) || !colon_after(p, end))
				continue;
			if (esc)
				return SCAN_UNSURE;	/* An escaped key. */
			if ((size_t)(p - 1 - k) != KEYLEN || !is_key(k))
				continue;
			if (*nhits == SCAN_MAXHITS)
				return SCAN_UNSURE;
			switch (value_after(p, end, &hits[*nhits], &next)) {
			case STEP_HIT:
				(*nhits)++;
				break;
			case STEP_NONE:
			case STEP_NOTKEY:
				break;
			case STEP_UNSURE:
				return SCAN_UNSURE;
			}
			p = next;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth < 0 || (depth == 0 && p + 1 != end))
				return SCAN_UNSURE;
			break;
		default:
			break;
		}
		p++;
	}
	return depth == 0 ? SCAN_OK : SCAN_UNSURE;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define BLOCK		64
#define LOOKAHEAD	17	/* Bytes a block reads past its end. */

struct blockstate {
	uint64_t instr;		/* All ones when a string runs on. */
	long	 depth;		/* Depth at the start of the block. */
	const char *last;	/* The line's closing brace. */
	const char *end;	/* The end of the line. */
	struct scan_hit *hits;
	size_t	 nhits;
	int	 unsure;
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

/* A candidate key at k (its opening quote) at depth 1 or 3. */
static void
candidate(struct blockstate *bs, const char *k)
{
	const char *next;

	if (!is_key(k + 1))
		return;
	if (bs->nhits == SCAN_MAXHITS) {
		bs->unsure = 1;
		return;
	}
	switch (value_after(k + 1 + KEYLEN + 1, bs->end,
	    &bs->hits[bs->nhits], &next)) {
	case STEP_HIT:
		bs->nhits++;
		break;
	case STEP_NONE:
	case STEP_NOTKEY:
		break;
	case STEP_UNSURE:
		bs->unsure = 1;
		break;
	}
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

static enum scan_result (*scan_blocks)(const char *, size_t,
    struct scan_hit *, size_t *);
#endif

enum scan_result
scan_callers(const char *line, size_t len, struct scan_hit *hits,
    size_t *nhits)
{
	const char *p = line, *end = line + len;

	*nhits = 0;
	while (p < end && is_ws(*p))
		p++;
	while (end > p && is_ws(end[-1]))
		end--;
	if (p >= end || *p != '{' || end[-1] != '}')
		return SCAN_UNSURE;
#if defined(__x86_64__) && defined(__GNUC__)
	if (scan_blocks == NULL)
		scan_blocks = __builtin_cpu_supports("avx2") &&
		    __builtin_cpu_supports("popcnt") ?
		    scan_blocks_avx2 : scan_blocks_sse2;
	if (scan_blocks(p, (size_t)(end - p), hits, nhits) == SCAN_OK)
		return SCAN_OK;
#endif
	return scan_scalar(p, (size_t)(end - p), hits, nhits);
}
