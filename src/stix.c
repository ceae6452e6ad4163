/*
 * stix.c: a reader of STIX 2.1 patterns, written from the ANTLR grammar
 * pattern_grammar/STIXPattern.g4 of oasis-open/cti-stix2-json-schemas
 * (STIX 2.1 section 9).  stix.h says what it accepts and which patterns
 * give addresses.
 *
 * The lexer follows ANTLR's rules: at each position the longest token
 * wins, and of two of the same length the one the grammar defines first
 * (so "AND" is a keyword and "ANDY" an identifier, "h'00'" a hex literal
 * and "h" an identifier).  The parser is recursive descent over the
 * grammar with its left recursion turned into loops; each expression
 * yields a struct res saying whether it names addresses, and the rules
 * for joining two are in and_res() and or_res().
 */
#include <stdlib.h>
#include <string.h>

#include "stix.h"
#include "xalloc.h"

#define MAXVALS	4096	/* Addresses one pattern may give. */
#define MAXNEST	64	/* Deeper parentheses: not a pattern we read. */

enum tok {
	T_EOF, T_INVALID,
	T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN, T_COLON, T_DOT, T_COMMA,
	T_ASTERISK,
	T_EQ, T_NEQ, T_LT, T_LE, T_GT, T_GE,
	T_AND, T_OR, T_NOT, T_FOLLOWEDBY, T_LIKE, T_MATCHES, T_ISSUPERSET,
	T_ISSUBSET, T_EXISTS, T_LAST, T_IN, T_START, T_STOP, T_SECONDS,
	T_WITHIN, T_REPEATS, T_TIMES,
	T_BOOL, T_IDENT, T_IDENT_H,	/* Identifier without, with '-'. */
	T_INTPOS, T_INTNEG, T_FLOATPOS, T_FLOATNEG,
	T_STRING, T_BINARY, T_HEX, T_TIMESTAMP
};

static const struct {
	const char	*w;
	enum tok	 t;
} keywords[] = {
	{ "AND", T_AND }, { "OR", T_OR }, { "NOT", T_NOT },
	{ "FOLLOWEDBY", T_FOLLOWEDBY }, { "LIKE", T_LIKE },
	{ "MATCHES", T_MATCHES }, { "ISSUPERSET", T_ISSUPERSET },
	{ "ISSUBSET", T_ISSUBSET }, { "EXISTS", T_EXISTS }, { "LAST", T_LAST },
	{ "IN", T_IN }, { "START", T_START }, { "STOP", T_STOP },
	{ "SECONDS", T_SECONDS }, { "WITHIN", T_WITHIN },
	{ "REPEATS", T_REPEATS }, { "TIMES", T_TIMES },
	{ "true", T_BOOL }, { "false", T_BOOL }
};

/* What an expression names (see stix.h). */
enum kind {
	K_NOADDR,	/* No address. */
	K_NEUTRAL,	/* A port, protocol or reference type: see and_res(). */
	K_ADDR,		/* A disjunction of plain address matches. */
	K_COMPOUND	/* An address narrowed by something else. */
};

#define R_PLAIN	1u	/* ipv4-addr:value, ipv6-addr:value */
#define R_SRC	2u	/* network-traffic:src_ref.value */
#define R_DST	4u	/* network-traffic:dst_ref.value */

struct res {
	enum kind	 kind;
	unsigned	 refs;	/* K_ADDR: where its addresses are (R_*); */
				/* K_NEUTRAL: the references it is neutral to. */
};

struct val {
	size_t	 off, len;	/* In the decoded-string buffer. */
};

/* A path component; only the first few are kept. */
struct comp {
	size_t	 off, len;	/* Decoded name in buf; len 0 for a list step. */
	int	 step;		/* 1: a list step, 2: the step [*]. */
};

#define MAXCOMP	3

struct path {
	const char	*type;		/* The object type, in the input. */
	size_t		 tlen;
	int		 n;		/* Components after ':'. */
	struct comp	 c[MAXCOMP];
	struct comp	 last;
	int		 hashes;	/* A component named "hashes". */
};

struct reader {
	const char	*p, *end;	/* The input not yet lexed. */
	enum tok	 t;		/* The current token ... */
	const char	*ts;		/* ... its text ... */
	size_t		 tn;		/* ... and length. */
	char		*buf;		/* Decoded strings. */
	size_t		 blen, bcap;
	struct val	*vals;
	size_t		 nvals;
	int		 nest;		/* Open parentheses. */
	int		 bad;		/* A syntax or validation error. */
};

/* ---------------------------------------------------------------------
 * The lexer.
 */

/*
 * The length of the white space character at p (the grammar's WS set,
 * in UTF-8), or 0.
 */
static size_t
ws_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t	 n = (size_t)(end - p);

	if (*u == ' ' || (*u >= '\t' && *u <= '\r'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;	/* U+0085, U+00A0 */
	if (n < 3)
		return 0;
	if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)
		return 3;	/* U+1680 */
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] <= 0x8a || u[2] == 0xa8 ||
	    u[2] == 0xa9 || u[2] == 0xaf) && u[2] >= 0x80)
		return 3;	/* U+2000-200A, U+2028, U+2029, U+202F */
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f)
		return 3;	/* U+205F */
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;	/* U+3000 */
	return 0;
}

/* Skip white space and comments. */
static void
skip(struct reader *r)
{
	const char *p = r->p, *q;
	size_t	 n;

	while (p < r->end) {
		if ((n = ws_len(p, r->end)) > 0) {
			p += n;
			continue;
		}
		if (*p != '/' || p + 1 >= r->end)
			break;
		if (p[1] == '/') {
			for (p += 2; p < r->end && *p != '\r' && *p != '\n';
			    p++)
				;
			continue;
		}
		if (p[1] != '*')
			break;
		for (q = p + 2; q + 1 < r->end; q++)
			if (q[0] == '*' && q[1] == '/')
				break;
		if (q + 1 >= r->end)
			break;		/* Unclosed: '/' is a token. */
		p = q + 2;
	}
	r->p = p;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_b64(int c)
{
	return is_alpha(c) ? c != '_' : is_digit(c) || c == '+' || c == '/';
}

/* The length of the string literal at p ('...' with \' and \\), or 0. */
static size_t
string_len(const char *p, const char *end)
{
	const char *q = p + 1;

	while (q < end) {
		if (*q == '\'')
			return (size_t)(q + 1 - p);
		if (*q == '\\') {
			if (q + 1 >= end || (q[1] != '\'' && q[1] != '\\'))
				return 0;
			q++;
		}
		q++;
	}
	return 0;
}

/* The length of the hex literal h'..' at p (pairs of hex digits), or 0. */
static size_t
hex_len(const char *p, const char *end)
{
	const char *q = p + 2;

	while (q + 1 < end && is_hex(q[0]) && is_hex(q[1]))
		q += 2;
	return q < end && *q == '\'' ? (size_t)(q + 1 - p) : 0;
}

/* The length of the binary literal b'..' at p (padded base64), or 0. */
static size_t
binary_len(const char *p, const char *end)
{
	const char *q = p + 2, *s = q;
	size_t	 n;

	while (q < end && (is_b64(*q) || *q == '='))
		q++;
	n = (size_t)(q - s);
	if (q >= end || *q != '\'' || n == 0 || n % 4 != 0)
		return 0;
	for (; s < q - 4; s++)
		if (!is_b64(*s))
			return 0;
	/* The last group: xxxx, xxx= or xx==. */
	if (!is_b64(s[0]) || !is_b64(s[1]) || (s[2] == '=' && s[3] != '='))
		return 0;
	return (size_t)(q + 1 - p);
}

/* Two digits at p, as a number from lo to hi. */
static int
two(const char *p, int lo, int hi)
{
	int	 v;

	if (!is_digit(p[0]) || !is_digit(p[1]))
		return 0;
	v = (p[0] - '0') * 10 + (p[1] - '0');
	return v >= lo && v <= hi;
}

/*
 * The length of the timestamp literal t'YYYY-MM-DDTHH:MM:SS[.s]Z' at p
 * (each field in its range, seconds up to 60), or 0.
 */
static size_t
timestamp_len(const char *p, const char *end)
{
	const char *q = p + 2;

	if (end - q < 21)
		return 0;
	if (!two(q, 0, 99) || !two(q + 2, 0, 99) || q[4] != '-' ||
	    !two(q + 5, 1, 12) || q[7] != '-' || !two(q + 8, 1, 31) ||
	    q[10] != 'T' || !two(q + 11, 0, 23) || q[13] != ':' ||
	    !two(q + 14, 0, 59) || q[16] != ':' || !two(q + 17, 0, 60))
		return 0;
	q += 19;
	if (*q == '.') {
		const char *d = ++q;

		while (q < end && is_digit(*q))
			q++;
		if (q == d)
			return 0;
	}
	if (end - q < 2 || q[0] != 'Z' || q[1] != '\'')
		return 0;
	return (size_t)(q + 2 - p);
}

/*
 * The longest number at p: IntPos ('+'? digits without a leading zero),
 * IntNeg ('-' ...), FloatPos ('+'? [0-9]* '.' [0-9]+) or FloatNeg.  Sets
 * *t; returns the length, or 0.
 */
static size_t
number_len(const char *p, const char *end, enum tok *t)
{
	const char *s = p, *q;
	size_t	 ilen = 0, flen = 0;
	int	 neg = 0;

	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		s++;
	}
	if (s < end && is_digit(*s)) {
		q = s + 1;
		if (*s != '0')
			while (q < end && is_digit(*q))
				q++;
		ilen = (size_t)(q - p);
	}
	for (q = s; q < end && is_digit(*q); q++)
		;
	if (q + 1 < end && *q == '.' && is_digit(q[1])) {
		for (q += 2; q < end && is_digit(*q); q++)
			;
		flen = (size_t)(q - p);
	}
	if (flen > ilen) {
		*t = neg ? T_FLOATNEG : T_FLOATPOS;
		return flen;
	}
	*t = neg ? T_INTNEG : T_INTPOS;
	return ilen;
}

/* An identifier, keyword or bool at p (is_alpha(*p)). */
static size_t
word_len(const char *p, const char *end, enum tok *t)
{
	const char *q = p + 1;
	size_t	 n1, n2, i;

	while (q < end && (is_alpha(*q) || is_digit(*q)))
		q++;
	n1 = (size_t)(q - p);
	while (q < end && (is_alpha(*q) || is_digit(*q) || *q == '-'))
		q++;
	n2 = (size_t)(q - p);
	if (n2 > n1) {
		*t = T_IDENT_H;
		return n2;
	}
	*t = T_IDENT;
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].w) == n1 &&
		    memcmp(keywords[i].w, p, n1) == 0)
			*t = keywords[i].t;
	return n1;
}

/*
 * The punctuation or comparison operator at p (p < end): its length, with
 * its token in *t, or 0 when p starts none.
 */
static size_t
operator_len(const char *p, const char *end, enum tok *t)
{
	int	 eq = p + 1 < end && p[1] == '=';

	switch (*p) {
	case '[': *t = T_LBRACK; return 1;
	case ']': *t = T_RBRACK; return 1;
	case '(': *t = T_LPAREN; return 1;
	case ')': *t = T_RPAREN; return 1;
	case ':': *t = T_COLON; return 1;
	case ',': *t = T_COMMA; return 1;
	case '*': *t = T_ASTERISK; return 1;
	case '=':
		*t = T_EQ;
		return eq ? 2 : 1;
	case '!':
		*t = eq ? T_NEQ : T_INVALID;
		return eq ? 2 : 1;
	case '<':
		if (p + 1 < end && p[1] == '>') {
			*t = T_NEQ;
			return 2;
		}
		*t = eq ? T_LE : T_LT;
		return eq ? 2 : 1;
	case '>':
		*t = eq ? T_GE : T_GT;
		return eq ? 2 : 1;
	default:
		return 0;
	}
}

/*
 * The word at p (p < end, a letter): a typed literal h'..', b'..' or
 * t'..' when one is complete there, else a keyword or an identifier.
 * Returns its length, with its token in *t.
 */
static size_t
word_token_len(const char *p, const char *end, enum tok *t)
{
	size_t	 n = 0;

	if (p + 1 < end && p[1] == '\'') {
		if (*p == 'h' && (n = hex_len(p, end)) > 0)
			*t = T_HEX;
		else if (*p == 'b' && (n = binary_len(p, end)) > 0)
			*t = T_BINARY;
		else if (*p == 't' && (n = timestamp_len(p, end)) > 0)
			*t = T_TIMESTAMP;
	}
	return n > 0 ? n : word_len(p, end, t);
}

/*
 * The token at p (p < end) that is not an operator: a string, a number,
 * a dot or a word.  Returns its length, with its token in *t (T_INVALID,
 * length 1, for a byte that starts none).
 */
static size_t
value_len(const char *p, const char *end, enum tok *t)
{
	size_t	 n = 0;

	*t = T_INVALID;
	if (*p == '\'') {
		if ((n = string_len(p, end)) > 0)
			*t = T_STRING;
	} else if (*p == '.') {
		if ((n = number_len(p, end, t)) == 0)
			*t = T_DOT;
	} else if (is_digit(*p) || *p == '+' || *p == '-') {
		if ((n = number_len(p, end, t)) == 0)
			*t = T_INVALID;	/* A lone '+' or '-'. */
	} else if (is_alpha(*p))
		n = word_token_len(p, end, t);
	return n > 0 ? n : 1;
}

/* Read the next token into r->t, r->ts, r->tn. */
static void
next(struct reader *r)
{
	const char *p;
	size_t	 n;
	enum tok t = T_INVALID;

	skip(r);
	p = r->ts = r->p;
	if (p >= r->end) {
		r->t = T_EOF;
		r->tn = 0;
		return;
	}
	if ((n = operator_len(p, r->end, &t)) == 0)
		n = value_len(p, r->end, &t);
	r->t = t;
	r->tn = n;
	r->p = p + n;
}

/* Take the current token if it is t. */
static int
accept(struct reader *r, enum tok t)
{
	if (r->t != t)
		return 0;
	next(r);
	return 1;
}

static int
expect(struct reader *r, enum tok t)
{
	if (!accept(r, t))
		r->bad = 1;
	return !r->bad;
}

/* Make room for n more bytes in buf. */
static void
reserve(struct reader *r, size_t n)
{
	if (r->bcap - r->blen >= n)
		return;
	while (r->bcap - r->blen < n)
		r->bcap = r->bcap ? r->bcap * 2 : 256;
	r->buf = xreallocarray(r->buf, r->bcap, 1);
}

/* Append the n bytes at s to buf; sets *off and *len. */
static void
save(struct reader *r, const char *s, size_t n, size_t *off, size_t *len)
{
	reserve(r, n);
	*off = r->blen;
	memcpy(r->buf + r->blen, s, n);
	r->blen += n;
	*len = n;
}

/* Decode the current string token into buf; sets *off and *len. */
static void
decode(struct reader *r, size_t *off, size_t *len)
{
	const char *s = r->ts + 1, *e = r->ts + r->tn - 1;

	reserve(r, r->tn);
	*off = r->blen;
	for (; s < e; s++) {
		if (*s == '\\')
			s++;
		r->buf[r->blen++] = *s;
	}
	*len = r->blen - *off;
}

/* ---------------------------------------------------------------------
 * Paths and the checks of cti-pattern-validator.
 */

static int
comp_is(const struct reader *r, const struct comp *c, const char *name)
{
	return c->step == 0 && c->len == strlen(name) &&
	    memcmp(r->buf + c->off, name, c->len) == 0;
}

static int
type_is(const struct path *pa, const char *name)
{
	return pa->tlen == strlen(name) && memcmp(pa->type, name,
	    pa->tlen) == 0;
}

/* objectType ':' firstPathComponent objectPathComponent* */
static int
path(struct reader *r, struct path *pa)
{
	struct comp c;

	memset(pa, 0, sizeof(*pa));
	if (r->t != T_IDENT && r->t != T_IDENT_H)
		return r->bad = 1, -1;
	pa->type = r->ts;
	pa->tlen = r->tn;
	next(r);
	if (!expect(r, T_COLON))
		return -1;
	for (;;) {
		memset(&c, 0, sizeof(c));
		if (pa->n > 0 && accept(r, T_LBRACK)) {
			c.step = r->t == T_ASTERISK ? 2 : 1;
			if (r->t != T_ASTERISK && r->t != T_INTPOS &&
			    r->t != T_INTNEG)
				return r->bad = 1, -1;
			next(r);
			if (!expect(r, T_RBRACK))
				return -1;
		} else {
			if (pa->n > 0 && !accept(r, T_DOT))
				break;
			if (r->t == T_STRING)
				decode(r, &c.off, &c.len);
			else if (r->t == T_IDENT)
				save(r, r->ts, r->tn, &c.off, &c.len);
			else
				return r->bad = 1, -1;
			next(r);
		}
		if (pa->n < MAXCOMP)
			pa->c[pa->n] = c;
		pa->n++;
		pa->last = c;
		if (comp_is(r, &c, "hashes"))
			pa->hashes = 1;
	}
	return 0;
}

/* The R_* of an address path, or 0. */
static unsigned
addr_path(const struct reader *r, const struct path *pa)
{
	if ((type_is(pa, "ipv4-addr") || type_is(pa, "ipv6-addr")) &&
	    pa->n == 1 && comp_is(r, &pa->c[0], "value"))
		return R_PLAIN;
	if (type_is(pa, "network-traffic") && pa->n == 2 &&
	    comp_is(r, &pa->c[1], "value")) {
		if (comp_is(r, &pa->c[0], "src_ref"))
			return R_SRC;
		if (comp_is(r, &pa->c[0], "dst_ref"))
			return R_DST;
	}
	return 0;
}

/* The reference whose type the path is (network-traffic:dst_ref.type). */
static unsigned
reftype_path(const struct reader *r, const struct path *pa)
{
	if (!type_is(pa, "network-traffic") || pa->n != 2 ||
	    !comp_is(r, &pa->c[1], "type"))
		return 0;
	return comp_is(r, &pa->c[0], "src_ref") ? R_SRC :
	    comp_is(r, &pa->c[0], "dst_ref") ? R_DST : 0;
}

/* A port or the protocols of network traffic. */
static int
neutral_path(const struct reader *r, const struct path *pa)
{
	if (!type_is(pa, "network-traffic"))
		return 0;
	if (pa->n == 1 && (comp_is(r, &pa->c[0], "src_port") ||
	    comp_is(r, &pa->c[0], "dst_port")))
		return 1;
	return comp_is(r, &pa->c[0], "protocols") && (pa->n == 1 ||
	    (pa->n == 2 && pa->c[1].step));
}

/*
 * cti-pattern-validator's check of hash values: when the path holds a
 * component "hashes" and ends in a known hash name (case and '-'
 * ignored), the literal's text without its quotes must have that hash's
 * form.  lit (llen bytes) is the literal as written, NULL for a set.
 * Returns 0 when fine.
 */
static int
hash_check(const struct reader *r, const struct path *pa, const char *lit,
    size_t llen)
{
	static const struct {
		const char	*name;
		int		 len;	/* Hex digits; 0 SSDEEP, -1 MD6. */
	} hashes[] = {
		{ "MD5", 32 }, { "MD6", -1 }, { "RIPEMD160", 40 },
		{ "SHA1", 40 }, { "SHA224", 56 }, { "SHA256", 64 },
		{ "SHA384", 96 }, { "SHA512", 128 }, { "SHA3224", 56 },
		{ "SHA3256", 64 }, { "SHA3384", 96 }, { "SHA3512", 128 },
		{ "SSDEEP", 0 }, { "WHIRLPOOL", 128 }
	};
	char	 name[16];
	size_t	 i, n = 0, vlen = 0, nhex = 0;
	int	 want = -2, ok = 1;

	if (!pa->hashes || pa->last.step)
		return 0;
	for (i = 0; i < pa->last.len; i++) {
		char	 c = r->buf[pa->last.off + i];

		if (c == '-' || c == '\'')
			continue;
		if (n + 1 >= sizeof(name))
			return 0;
		name[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (strlen(hashes[i].name) == n &&
		    memcmp(hashes[i].name, name, n) == 0)
			want = hashes[i].len;
	if (want == -2)
		return 0;
	if (lit == NULL)
		return -1;
	for (i = 0; i < llen; i++) {
		unsigned char c = (unsigned char)lit[i];

		if (c == '\'')
			continue;
		if (vlen == nhex && is_hex(c))
			nhex++;
		if (!(is_alpha(c) && c != '_') && !is_digit(c) && c != '/' &&
		    c != '+' && c != ':' && c != '.')
			ok = 0;		/* Outside SSDEEP's alphabet. */
		vlen++;
	}
	if (want == 0)
		return ok && vlen >= 1 && vlen <= 128 ? 0 : -1;
	if (want == -1)			/* The validator's MD6 test. */
		return nhex >= 32 ? 0 : -1;
	return nhex == vlen && vlen == (size_t)want ? 0 : -1;
}

/* ---------------------------------------------------------------------
 * The parser.
 */

static struct res
mkres(enum kind k, unsigned refs)
{
	struct res x;

	x.kind = k;
	x.refs = refs;
	return x;
}

/* Two comparisons joined by AND inside one observation. */
static struct res
and_res(struct res a, struct res b)
{
	struct res t;

	if (a.kind == K_COMPOUND || b.kind == K_COMPOUND)
		return mkres(K_COMPOUND, 0);
	if (a.kind < b.kind) {
		t = a;
		a = b;
		b = t;
	}
	/* Now a.kind >= b.kind. */
	if (a.kind == K_ADDR && b.kind == K_NEUTRAL)
		return (a.refs & ~b.refs) == 0 ? a : mkres(K_COMPOUND, 0);
	if (a.kind == K_ADDR)
		return mkres(K_COMPOUND, 0);
	if (a.kind == K_NEUTRAL && b.kind == K_NEUTRAL)
		return mkres(K_NEUTRAL, a.refs & b.refs);
	return mkres(K_NOADDR, 0);
}

/* Two expressions joined by OR, inside an observation or between them. */
static struct res
or_res(struct res a, struct res b)
{
	if (a.kind == K_COMPOUND || b.kind == K_COMPOUND)
		return mkres(K_COMPOUND, 0);
	if (a.kind == K_ADDR && b.kind == K_ADDR)
		return mkres(K_ADDR, a.refs | b.refs);
	if (a.kind == K_ADDR)
		return a;
	if (b.kind == K_ADDR)
		return b;
	if (a.kind == K_NEUTRAL && b.kind == K_NEUTRAL)
		return mkres(K_NEUTRAL, a.refs & b.refs);
	return mkres(K_NOADDR, 0);
}

/* Observations joined by AND or FOLLOWEDBY: both must hold. */
static struct res
seq_res(struct res a, struct res b)
{
	if (a.kind == K_NOADDR && b.kind == K_NOADDR)
		return a;
	return mkres(K_COMPOUND, 0);
}

static int
is_literal(enum tok t, int ordered)
{
	switch (t) {
	case T_INTPOS: case T_INTNEG: case T_FLOATPOS: case T_FLOATNEG:
	case T_STRING: case T_BINARY: case T_HEX: case T_TIMESTAMP:
		return 1;
	case T_BOOL:
		return !ordered;
	default:
		return 0;
	}
}

/* Add the current string token to the values. */
static void
add_value(struct reader *r)
{
	struct val v;

	if (r->nvals == MAXVALS) {
		r->bad = 1;
		return;
	}
	decode(r, &v.off, &v.len);
	r->vals[r->nvals++] = v;
}

/* The set of an IN: '(' [literal (',' literal)*] ')'. */
static struct res
set(struct reader *r, const struct path *pa, unsigned ar, int neg)
{
	struct res x = mkres(ar != 0 && !neg ? K_ADDR : K_NOADDR, ar);
	int	 n = 0;

	if (!expect(r, T_LPAREN))
		return x;
	if (!accept(r, T_RPAREN)) {
		do {
			if (!is_literal(r->t, 0)) {
				r->bad = 1;
				return x;
			}
			if (x.kind == K_ADDR && r->t == T_STRING)
				add_value(r);
			else if (x.kind == K_ADDR)
				x.kind = K_COMPOUND;
			n++;
			next(r);
		} while (accept(r, T_COMMA));
		expect(r, T_RPAREN);
	}
	if (hash_check(r, pa, NULL, 0) == -1)
		r->bad = 1;
	if (ar != 0 && (neg || n == 0))
		x.kind = K_COMPOUND;
	return x;
}

static struct res comparisons(struct reader *);

/* propTest: one comparison, EXISTS, or comparisons in parentheses. */
static struct res
prop_test(struct reader *r)
{
	struct path pa;
	struct res x = mkres(K_NOADDR, 0);
	enum tok op;
	unsigned ar, rt;
	int	 neg;

	if (accept(r, T_LPAREN)) {
		if (++r->nest > MAXNEST) {
			r->bad = 1;
			return x;
		}
		x = comparisons(r);
		r->nest--;
		expect(r, T_RPAREN);
		return x;
	}
	if (r->t == T_NOT || r->t == T_EXISTS) {
		accept(r, T_NOT);
		if (!expect(r, T_EXISTS) || path(r, &pa) == -1)
			return x;
		if (addr_path(r, &pa) != 0)
			x.kind = K_COMPOUND;
		else if (neutral_path(r, &pa))
			x = mkres(K_NEUTRAL, R_SRC | R_DST);
		return x;
	}
	if (path(r, &pa) == -1)
		return x;
	ar = addr_path(r, &pa);
	neg = accept(r, T_NOT);
	op = r->t;
	next(r);
	if (op == T_IN) {
		x = set(r, &pa, ar, neg);
		if (ar == 0 && neutral_path(r, &pa))
			x = mkres(K_NEUTRAL, R_SRC | R_DST);
	} else {
		switch (op) {
		case T_EQ: case T_NEQ:
			if (!is_literal(r->t, 0))
				r->bad = 1;
			break;
		case T_LT: case T_LE: case T_GT: case T_GE:
			if (!is_literal(r->t, 1))
				r->bad = 1;
			break;
		case T_LIKE: case T_MATCHES: case T_ISSUBSET:
		case T_ISSUPERSET:
			if (r->t != T_STRING)
				r->bad = 1;
			break;
		default:
			r->bad = 1;
		}
		if (r->bad)
			return x;
		if (hash_check(r, &pa, r->ts, r->tn) == -1)
			r->bad = 1;
		if (ar != 0 && !neg && r->t == T_STRING &&
		    (op == T_EQ || op == T_ISSUBSET)) {
			add_value(r);
			x = mkres(K_ADDR, ar);
		} else if (ar != 0)
			x.kind = K_COMPOUND;
		else if (neutral_path(r, &pa))
			x = mkres(K_NEUTRAL, R_SRC | R_DST);
		else if ((rt = reftype_path(r, &pa)) != 0 && !neg &&
		    op == T_EQ && r->t == T_STRING && (r->tn == 11 &&
		    (memcmp(r->ts, "'ipv4-addr'", 11) == 0 ||
		    memcmp(r->ts, "'ipv6-addr'", 11) == 0)))
			x = mkres(K_NEUTRAL, rt);
		next(r);
	}
	return x;
}

/* comparisonExpression: propTests joined by AND, those by OR. */
static struct res
comparisons(struct reader *r)
{
	struct res x, y;

	x = prop_test(r);
	while (!r->bad && r->t == T_AND) {
		next(r);
		x = and_res(x, prop_test(r));
	}
	while (!r->bad && accept(r, T_OR)) {
		y = prop_test(r);
		while (!r->bad && r->t == T_AND) {
			next(r);
			y = and_res(y, prop_test(r));
		}
		x = or_res(x, y);
	}
	return x;
}

static struct res observations(struct reader *);

/* Qualifier kinds, for the validator's rule against repeating one. */
#define Q_WITHIN	1u
#define Q_REPEATS	2u
#define Q_STARTSTOP	4u

/* observationExpression: '[' ... ']' or '(' ... ')', with qualifiers. */
static struct res
observation(struct reader *r)
{
	struct res x;
	unsigned seen = 0, q;
	int	 simple = 0;

	if (accept(r, T_LBRACK)) {
		x = comparisons(r);
		if (x.kind == K_NEUTRAL)
			x = mkres(K_NOADDR, 0);
		expect(r, T_RBRACK);
		simple = 1;
	} else if (accept(r, T_LPAREN)) {
		if (++r->nest > MAXNEST) {
			r->bad = 1;
			return mkres(K_NOADDR, 0);
		}
		x = observations(r);
		r->nest--;
		expect(r, T_RPAREN);
	} else {
		r->bad = 1;
		return mkres(K_NOADDR, 0);
	}
	while (!r->bad) {
		if (accept(r, T_WITHIN)) {
			q = Q_WITHIN;
			if (r->t != T_INTPOS && r->t != T_FLOATPOS)
				r->bad = 1;
			else
				next(r);
			expect(r, T_SECONDS);
		} else if (accept(r, T_REPEATS)) {
			q = Q_REPEATS;
			expect(r, T_INTPOS);
			expect(r, T_TIMES);
		} else if (accept(r, T_START)) {
			q = Q_STARTSTOP;
			expect(r, T_TIMESTAMP);
			expect(r, T_STOP);
			expect(r, T_TIMESTAMP);
		} else
			break;
		if (simple && (seen & q))
			r->bad = 1;
		seen |= q;
		if (x.kind == K_ADDR)
			x.kind = K_COMPOUND;
	}
	return x;
}

/* observationExpressions: FOLLOWEDBY over OR over AND. */
static struct res
observations(struct reader *r)
{
	struct res x = mkres(K_NOADDR, 0), y, z;
	int	 first = 1;

	for (;;) {
		y = observation(r);
		while (!r->bad && accept(r, T_AND))
			y = seq_res(y, observation(r));
		while (!r->bad && accept(r, T_OR)) {
			z = observation(r);
			while (!r->bad && accept(r, T_AND))
				z = seq_res(z, observation(r));
			y = or_res(y, z);
		}
		if (first) {
			x = y;
			first = 0;
		} else
			x = seq_res(x, y);
		if (r->bad || !accept(r, T_FOLLOWEDBY))
			return x;
	}
}

enum stix_status
stix_addresses(const char *p, size_t len,
    void (*fn)(void *, const char *, size_t), void *arg)
{
	struct reader r;
	struct res x;
	enum stix_status st;
	size_t	 i;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.end = p + len;
	r.vals = xreallocarray(NULL, MAXVALS, sizeof(*r.vals));
	next(&r);
	x = observations(&r);
	if (r.bad || r.t != T_EOF)
		st = STIX_SYNTAX;
	else if (x.kind == K_COMPOUND)
		st = STIX_COMPOUND;
	else if (x.kind != K_ADDR)
		st = STIX_NOADDR;
	else {
		for (i = 0; i < r.nvals; i++)
			fn(arg, r.buf != NULL ? r.buf + r.vals[i].off : "",
			    r.vals[i].len);
		st = STIX_OK;
	}
	free(r.vals);
	free(r.buf);
	return st;
}

const char *
stix_strerror(enum stix_status st)
{
	switch (st) {
	case STIX_OK:
		return "success";
	case STIX_NOADDR:
		return "pattern names no IP address";
	case STIX_COMPOUND:
		return "pattern is not a plain address match";
	case STIX_SYNTAX:
		return "not a STIX pattern";
	}
	return "unknown";
}
