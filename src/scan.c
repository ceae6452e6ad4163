/*
 * scan.c: the fast path of kv-match.  See scan.h for what it promises.
 *
 * Two scanners.  scan_scalar() is a tokenizer: string boundaries are
 * tracked from the first byte (skipping escapes exactly), so a member name
 * inside a string value is never taken for a key, and depth counts
 * brackets outside strings, so the depth of every key is known.  A key
 * spelled with escapes ("Caller\u0049PAddress") would be missed, so any
 * escape in a key at depth 1, 3 or 5 makes its answer unsure; so does an
 * escape in an address (the full parse decodes it).  A value that is not
 * a string (null, a number) is no address.
 *
 * scan_quick() (below) is what scan_callers() runs first: it looks only
 * for the names' text, 16 or 32 bytes a step with SSE2 or AVX2
 * (scan_simd.h), and hands lines with a \u escape to scan_scalar().
 * Extra entries are harmless in both: a listed address that is in the
 * index only sends the line to the full parse.
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
			if ((depth != 1 && depth != 3 && depth != 5) ||
			    !colon_after(p, end))
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

/*
 * The quick pass.  A member whose key is one of keys[] and has no escape
 * is the literal text of the name between quotes, then ':' after any
 * white space, wherever it stands; this pass finds it as a quote, 'C' or
 * 'c', and a quote 16 bytes on, and reads its value as scan_scalar() does.
 * It does not track strings or depth, so it may also take text inside a
 * string value (after an escaped quote) or a member at another depth for
 * such a member: extra entries, which are harmless.  A key can decode to
 * one of the names with an escape only through \u0041 to \u007a (no other
 * escape gives an ASCII letter), so a line holding "\u00" followed by 4,
 * 5, 6 or 7 (or a \u too close to the end to tell) goes to scan_scalar()
 * instead; other \u escapes (\u0027 in messages, say) are passed over.
 */
enum quick {
	QUICK_OK,
	QUICK_UNSURE,		/* Answer SCAN_UNSURE. */
	QUICK_ESCAPE		/* A \u escape: use the exact scanner. */
};

/* The mark at line[i]: "\u", or maybe a key's opening quote. */
static enum quick
quick_mark(const char *line, size_t len, size_t i, struct scan_hit *hits,
    size_t *nhits)
{
	const char *next;

	if (line[i] == '\\')
		return len - i < 6 || (line[i + 2] == '0' && line[i + 3] == '0' &&
		    line[i + 4] >= '4' && line[i + 4] <= '7') ? QUICK_ESCAPE :
		    QUICK_OK;
	if (len - i < KEYLEN + 2 || !is_key(line + i + 1))
		return QUICK_OK;
	if (*nhits == SCAN_MAXHITS)
		return QUICK_UNSURE;
	switch (value_after(line + i + KEYLEN + 2, line + len, &hits[*nhits],
	    &next)) {
	case STEP_HIT:
		(*nhits)++;
		return QUICK_OK;
	case STEP_NONE:
	case STEP_NOTKEY:
		return QUICK_OK;
	case STEP_UNSURE:
		break;
	}
	return QUICK_UNSURE;
}

/* The quick pass a byte at a time. */
static enum quick
scan_quick_bytewise(const char *line, size_t len, struct scan_hit *hits,
    size_t *nhits)
{
	size_t	 i;
	enum quick r;

	*nhits = 0;
	for (i = 0; i + 1 < len; i++)
		if (((line[i] == '\\' && line[i + 1] == 'u') ||
		    (line[i] == '"' && len - i > KEYLEN + 1 &&
		    (line[i + 1] | 0x20) == 'c' && line[i + KEYLEN + 1] == '"'))
		    && (r = quick_mark(line, len, i, hits, nhits)) != QUICK_OK)
			return r;
	return QUICK_OK;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* scan_quick_sse2(), _avx2() and _avx512(), from one template. */
#include <immintrin.h>
#define SCAN_SUFFIX(name)	name##_sse2
#define SCAN_TARGET		"sse2"
#define SCAN_W			16
#include "scan_simd.h"
#undef SCAN_SUFFIX
#undef SCAN_TARGET
#undef SCAN_W
#define SCAN_SUFFIX(name)	name##_avx2
#define SCAN_TARGET		"avx2"
#define SCAN_W			32
#include "scan_simd.h"
#undef SCAN_SUFFIX
#undef SCAN_TARGET
#undef SCAN_W
#define SCAN_SUFFIX(name)	name##_avx512
#define SCAN_TARGET		"avx512f,avx512bw"
#define SCAN_W			64
#include "scan_simd.h"
#undef SCAN_SUFFIX
#undef SCAN_TARGET
#undef SCAN_W
#endif

static const struct {
	const char	*name;
	enum quick	(*fn)(const char *, size_t, struct scan_hit *,
			    size_t *);
} impls[] = {
#if defined(__x86_64__) && defined(__GNUC__)
	{ "avx512", scan_quick_avx512 },
	{ "avx2", scan_quick_avx2 },
	{ "sse2", scan_quick_sse2 },
#endif
	{ "bytewise", scan_quick_bytewise },
};

static enum quick (*scan_quick)(const char *, size_t, struct scan_hit *,
    size_t *);

/* Whether the CPU runs impls[i]. */
static int
impl_ok(size_t i)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	if (strcmp(impls[i].name, "avx512") == 0)
		return __builtin_cpu_supports("avx512f") &&
		    __builtin_cpu_supports("avx512bw");
	if (strcmp(impls[i].name, "avx2") == 0)
		return __builtin_cpu_supports("avx2");
#else
	(void)i;
#endif
	return 1;
}

int
scan_use(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++)
		if ((name == NULL || strcmp(name, impls[i].name) == 0) &&
		    impl_ok(i)) {
			scan_quick = impls[i].fn;
			return 0;
		}
	return -1;
}

/* Trim white space; 0 unless the rest is from '{' to '}'. */
static int
trim_object(const char **line, size_t *len)
{
	const char *p = *line, *end = *line + *len;

	while (p < end && is_ws(*p))
		p++;
	while (end > p && is_ws(end[-1]))
		end--;
	if (p >= end || *p != '{' || end[-1] != '}' || end - p < 2)
		return 0;
	*line = p;
	*len = (size_t)(end - p);
	return 1;
}

enum scan_result
scan_callers_exact(const char *line, size_t len, struct scan_hit *hits,
    size_t *nhits)
{
	*nhits = 0;
	if (!trim_object(&line, &len))
		return SCAN_UNSURE;
	return scan_scalar(line, len, hits, nhits);
}

enum scan_result
scan_callers(const char *line, size_t len, struct scan_hit *hits,
    size_t *nhits)
{
	*nhits = 0;
	if (!trim_object(&line, &len))
		return SCAN_UNSURE;
	if (scan_quick == NULL)
		(void)scan_use(NULL);
	switch (scan_quick(line, len, hits, nhits)) {
	case QUICK_OK:
		return SCAN_OK;
	case QUICK_UNSURE:
		*nhits = 0;
		return SCAN_UNSURE;
	case QUICK_ESCAPE:
		break;
	}
	return scan_scalar(line, len, hits, nhits);
}

/*
 * ---- scan_record(): a whole line checked, a few members read ----------
 *
 * A tokenizer with the grammar of RFC 8259 (as yajl's lexer and parser
 * apply it; stricter where that is simpler: white space, nesting), which
 * skips the inside of strings 16 bytes a step with SSE2.  Measured on
 * flood lines it reads about 2 GB/s; a version that visits the tokens of
 * 64-byte blocks through bit masks was slower (a branch per token).
 */

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define REC_MAXDEPTH	64

/*
 * The string whose opening quote is at p[-1]: return its closing quote,
 * or NULL when it does not end on the line or holds what yajl rejects (a
 * control byte, a bad escape).  *esc gets 1 when it holds an escape, 2
 * when a byte from 0x80 up (jrec.h may change such text), or both.
 */
static const char *
rec_string(const char *p, const char *end, int *esc)
{
	unsigned char c;
	int	 i;

	*esc = 0;
	for (;;) {
#if defined(__SSE2__)
		const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
		const __m128i sp = _mm_set1_epi8(0x20);

		/* Signed: bytes from 0x80 up compare below 0x20 too. */
		while (end - p >= 16) {
			__m128i	 v = _mm_loadu_si128((const __m128i *)(const void *)p);
			unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(v, q),
			    _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, sp)));

			if (mask != 0) {
				p += __builtin_ctz(mask);
				goto special;
			}
			p += 16;
		}
#endif
		while (p < end && *p != '"' && *p != '\\' &&
		    (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80)
			p++;
		if (p >= end)
			return NULL;
#if defined(__SSE2__)
special:
#endif
		c = (unsigned char)*p;
		if (c == '"')
			return p;
		if (c >= 0x80) {
			*esc |= 2;
			p++;
			continue;
		}
		if (c < 0x20 || end - p < 2)
			return NULL;
		*esc |= 1;
		switch (p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			p += 2;
			continue;
		case 'u':
			if (end - p < 6)
				return NULL;
			for (i = 2; i < 6; i++)
				if (!((p[i] >= '0' && p[i] <= '9') ||
				    ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')))
					return NULL;
			p += 6;
			continue;
		default:
			return NULL;
		}
	}
}

/* A JSON number at p (RFC 8259, as yajl lexes it): past it, or NULL. */
static const char *
rec_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (p < end && *p == '.') {
		if (++p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* The member a key at depth 1 names: an enum scan_member, -1 none, -2 a
 * container (the line is not one record). */
static int
rec_member(const char *k, size_t n)
{
	switch (n) {
	case 4:
		return memcmp(k, "time", 4) == 0 ? SM_RL_TIME : -1;
	case 5:
		return memcmp(k, "value", 5) == 0 ? -2 : -1;
	case 6:
		return memcmp(k, "tables", 6) == 0 ? -2 : -1;
	case 7:
		return memcmp(k, "records", 7) == 0 ? -2 : -1;
	case 10:
		return memcmp(k, "resourceId", 10) == 0 ? SM_RL_RESOURCEID : -1;
	case 12:
		return memcmp(k, "ResourceType", 12) == 0 ? SM_RESOURCETYPE :
		    -1;
	case 13:
		return memcmp(k, "TimeGenerated", 13) == 0 ? SM_TIMEGENERATED :
		    -1;
	case 15:
		return memcmp(k, "CallerIPAddress", 15) == 0 ? SM_CALLER :
		    memcmp(k, "callerIpAddress", 15) == 0 ? SM_RL_CALLER : -1;
	default:
		return -1;
	}
}

static const char *
rec_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* Where scan_members() is in a line. */
struct walk {
	const char	*p, *end;
	uint64_t	 stack;		/* Bit d: level d + 1 is an array. */
	int		 depth;
	int		 member;	/* The value's member, or -1. */
	enum { S_VALUE, S_VALUE_OR_CLOSE, S_KEY, S_KEY_OR_CLOSE, S_AFTER }
			 state;
};

/* A value at w->p (its first byte); 0, or -1 to give up. */
static int
walk_value(struct walk *w, struct scan_hit *m)
{
	const char *p = w->p, *end = w->end, *q;
	int	 esc;

	if (*p == '"') {
		if ((q = rec_string(p + 1, end, &esc)) == NULL)
			return -1;
		if (w->member >= 0) {
			if (esc)
				return -1;
			m[w->member].p = p + 1;
			m[w->member].len = (size_t)(q - p - 1);
		}
		p = q + 1;
	} else if (w->member >= 0)
		return -1;		/* Not a string. */
	else if (*p == '{' || *p == '[') {
		if (w->depth == REC_MAXDEPTH)
			return -1;
		if (*p == '[')
			w->stack |= (uint64_t)1 << w->depth;
		else
			w->stack &= ~((uint64_t)1 << w->depth);
		w->depth++;
		w->state = *p == '[' ? S_VALUE_OR_CLOSE : S_KEY_OR_CLOSE;
		w->p = p + 1;
		return 0;
	} else if (*p == 't' && end - p >= 4 && memcmp(p, "true", 4) == 0)
		p += 4;
	else if (*p == 'f' && end - p >= 5 && memcmp(p, "false", 5) == 0)
		p += 5;
	else if (*p == 'n' && end - p >= 4 && memcmp(p, "null", 4) == 0)
		p += 4;
	else if ((p = rec_number(p, end)) == NULL)
		return -1;
	w->member = -1;
	w->state = S_AFTER;
	w->p = p;
	return 0;
}

/* A member's key at w->p; 0, or -1 to give up. */
static int
walk_key(struct walk *w, int (*member_of)(const char *, size_t), size_t nm)
{
	const char *p = w->p, *q;
	int	 esc;

	if (*p != '"' || (q = rec_string(p + 1, w->end, &esc)) == NULL)
		return -1;
	if (w->depth == 1) {
		if (esc & 1)
			return -1;
		if ((w->member = member_of(p + 1, (size_t)(q - p - 1))) ==
		    -2 || w->member >= (int)nm)
			return -1;
	}
	p = rec_ws(q + 1, w->end);
	if (p >= w->end || *p != ':')
		return -1;
	w->p = p + 1;
	w->state = S_VALUE;
	return 0;
}

/* After a value: ',' or the close of its container; 0, or -1. */
static int
walk_after(struct walk *w)
{
	int	 array = w->depth > 0 && (w->stack >> (w->depth - 1) & 1);

	if (w->depth == 0)
		return -1;		/* More after the object. */
	if (*w->p == ',')
		w->state = array ? S_VALUE : S_KEY;
	else if (*w->p == (array ? ']' : '}'))
		w->depth--;
	else
		return -1;
	w->p++;
	return 0;
}

int
scan_members(const char *line, size_t len,
    int (*member_of)(const char *, size_t), struct scan_hit *m, size_t nm)
{
	struct walk w = { line, line + len, 0, 0, -1, S_VALUE };
	size_t	 i;
	int	 rc;

	for (i = 0; i < nm; i++)
		m[i].p = NULL;
	w.p = rec_ws(w.p, w.end);
	if (w.p >= w.end || *w.p != '{')
		return -1;
	for (;;) {
		w.p = rec_ws(w.p, w.end);
		if (w.p >= w.end)
			return w.state == S_AFTER && w.depth == 0 ? 0 : -1;
		switch (w.state) {
		case S_VALUE_OR_CLOSE:
		case S_KEY_OR_CLOSE:
			if (*w.p == (w.state == S_VALUE_OR_CLOSE ? ']' : '}')) {
				w.depth--;
				w.p++;
				w.state = S_AFTER;
			} else			/* The same byte again. */
				w.state = w.state == S_VALUE_OR_CLOSE ?
				    S_VALUE : S_KEY;
			continue;
		case S_VALUE:
			rc = walk_value(&w, m);
			break;
		case S_KEY:
			rc = walk_key(&w, member_of, nm);
			break;
		default:
			rc = walk_after(&w);
			break;
		}
		if (rc == -1)
			return -1;
	}
}

int
scan_record(const char *line, size_t len, struct scan_rec *r)
{
	return scan_members(line, len, rec_member, r->m, SM_NMEMBERS);
}
