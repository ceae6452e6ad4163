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
 * classifies 64 bytes at a time with SSE2: bit masks of quotes and
 * brackets, the in-string mask as the prefix XOR of the quotes (without
 * backslashes no quote is escaped), the depth from counts of brackets
 * outside strings, and candidate keys as opening quotes followed by 'C'
 * with a quote 16 bytes on, which only a 15-byte key starting with 'C'
 * has.  A line holding a backslash goes to scan_scalar().
 */
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "scan.h"

#define KEY	"CallerIPAddress"
#define KEYLEN	(sizeof(KEY) - 1)

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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

#if defined(__SSE2__)

#define BLOCK	64
#define LOOKAHEAD 17		/* Bytes a block reads past its end. */

/* Bit i set when byte p[i] == c, for the 64 bytes at p. */
static inline uint64_t
eq64(const char *p, char c)
{
	__m128i	 v = _mm_set1_epi8(c);
	uint64_t r0, r1, r2, r3;

	r0 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)p), v));
	r1 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(p + 16)), v));
	r2 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(p + 32)), v));
	r3 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(p + 48)), v));
	return r0 | r1 << 16 | r2 << 32 | r3 << 48;
}

/* Bit i set for bytes of p[i] that are '{' or '[' (open) and '}' or ']'. */
static inline void
brackets64(const char *p, uint64_t *open, uint64_t *close)
{
	/* '[' 0x5b and '{' 0x7b differ in bit 5; so do ']' and '}'. */
	__m128i	 m = _mm_set1_epi8(0x20), o = _mm_set1_epi8(0x7b);
	__m128i	 c = _mm_set1_epi8(0x7d);
	uint64_t ro = 0, rc = 0;
	int	 k;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_or_si128(_mm_loadu_si128(
		    (const __m128i *)(p + 16 * k)), m);

		ro |= (uint64_t)(uint32_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(x, o)) << (16 * k);
		rc |= (uint64_t)(uint32_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(x, c)) << (16 * k);
	}
	*open = ro;
	*close = rc;
}

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

struct blockstate {
	uint64_t instr;		/* All ones when a string runs on. */
	long	 depth;		/* Depth at the start of the block. */
	int	 nkeys;		/* Depth-1 CallerIPAddress keys seen. */
	const char *key;	/* Its opening quote in the line. */
};

/*
 * Classify the block at p (BLOCK + LOOKAHEAD readable bytes), whose first
 * byte stands at linepos in the line.  Returns -1 when the block holds a
 * backslash.
 */
static int
block(struct blockstate *bs, const char *p, const char *linepos)
{
	uint64_t q, s, o, c, cand, below;

	if (eq64(p, '\\') != 0)
		return -1;
	q = eq64(p, '"');
	s = prefix_xor(q) ^ bs->instr;
	brackets64(p, &o, &c);
	o &= ~s;
	c &= ~s;
	/* Opening quotes, 'C' after them, a quote 16 bytes on. */
	cand = q & s & eq64(p + 1, 'C') & eq64(p + 16, '"');
	while (cand != 0) {
		int	 i = __builtin_ctzll(cand);

		below = (1ULL << i) - 1;
		if (bs->depth + __builtin_popcountll(o & below) -
		    __builtin_popcountll(c & below) == 1 &&
		    memcmp(p + i + 1, KEY, KEYLEN) == 0) {
			bs->nkeys++;
			bs->key = linepos + i;
		}
		cand &= cand - 1;
	}
	bs->depth += __builtin_popcountll(o) - __builtin_popcountll(c);
	bs->instr = (uint64_t)((int64_t)s >> 63);
	return 0;
}

/* The rest of scan_blocks(): the value after the key at k. */
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
	if (*p != '"')
		return SCAN_NONE;	/* Present, but not a string. */
	v = ++p;
	if ((p = memchr(p, '"', (size_t)(end - p))) == NULL)
		return SCAN_UNSURE;
	*addr = v;
	*alen = (size_t)(p - v);
	return SCAN_FOUND;
}

/* Compiled twice: for any x86-64 and for processors with POPCNT/BMI. */
__attribute__((target_clones("arch=haswell", "default")))
static enum scan_result
scan_blocks(const char *line, size_t len, const char **addr, size_t *alen)
{
	struct blockstate bs = { 0, 0, 0, NULL };
	char	 tail[2 * BLOCK + LOOKAHEAD];
	const char *p = line, *end = line + len;
	size_t	 rest;

	while ((size_t)(end - p) >= BLOCK + LOOKAHEAD) {
		if (block(&bs, p, p) == -1)
			return SCAN_UNSURE;
		p += BLOCK;
	}
	rest = (size_t)(end - p);
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p, rest);
	if (block(&bs, tail, p) == -1)
		return SCAN_UNSURE;
	if (rest > BLOCK && block(&bs, tail + BLOCK, p + BLOCK) == -1)
		return SCAN_UNSURE;
	if (bs.depth != 0 || bs.instr != 0)
		return SCAN_UNSURE;	/* Unbalanced: not valid JSON. */
	if (bs.nkeys == 0)
		return SCAN_NONE;
	if (bs.nkeys > 1)
		return SCAN_UNSURE;	/* Duplicates: the last one counts. */
	return value_after(bs.key, end, addr, alen);
}
#endif /* __SSE2__ */

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
#if defined(__SSE2__)
	{
		enum scan_result r = scan_blocks(p, (size_t)(end - p), addr,
		    alen);

		if (r != SCAN_UNSURE)
			return r;
	}
#endif
	return scan_scalar(line, len, addr, alen);
}
