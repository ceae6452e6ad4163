/*
 * stix.c: a reader of STIX 2.1 patterns (STIX 2.1 section 9), enough to
 * find the addresses a pattern matches.  See stix.h for which patterns
 * give addresses.  The grammar is tokenized by hand: brackets and
 * parentheses, the words AND, OR, FOLLOWEDBY, NOT and the qualifiers,
 * object paths, operators, and single-quoted strings with \' and \\.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stix.h"
#include "xalloc.h"

#define MAXVALS	4096	/* Addresses one pattern may give. */

struct val {
	size_t	 off, len;	/* In the decoded-string buffer. */
};

struct reader {
	const char	*p, *end;
	char		*buf;		/* Decoded strings. */
	size_t		 blen, bcap;
	struct val	*vals;
	size_t		 nvals;
	int		 compound;
	int		 addr_paths;	/* Comparisons of address paths. */
	int		 nest;		/* Open parentheses. */
};

#define MAXNEST	64	/* Deeper parentheses: not a pattern we read. */

static void
skip_ws(struct reader *r)
{
	while (r->p < r->end && isspace((unsigned char)*r->p))
		r->p++;
}

/* Is the next token the word w (case-insensitive, whole word)? */
static int
word(struct reader *r, const char *w)
{
	size_t	 n = strlen(w);

	skip_ws(r);
	if ((size_t)(r->end - r->p) < n || strncasecmp(r->p, w, n) != 0)
		return 0;
	if (r->p + n < r->end && (isalnum((unsigned char)r->p[n]) ||
	    r->p[n] == '_' || r->p[n] == '-'))
		return 0;
	r->p += n;
	return 1;
}

/* A quoted string; its decoded text is appended to buf. */
static int
string(struct reader *r, struct val *v)
{
	skip_ws(r);
	if (r->p >= r->end || *r->p != '\'')
		return -1;
	r->p++;
	v->off = r->blen;
	for (;;) {
		char	 c;

		if (r->p >= r->end)
			return -1;
		c = *r->p++;
		if (c == '\'')
			break;
		if (c == '\\') {
			if (r->p >= r->end)
				return -1;
			c = *r->p++;
			if (c != '\'' && c != '\\')
				return -1;
		}
		if (r->blen == r->bcap) {
			r->bcap = r->bcap ? r->bcap * 2 : 256;
			r->buf = xreallocarray(r->buf, r->bcap, 1);
		}
		r->buf[r->blen++] = c;
	}
	v->len = r->blen - v->off;
	return 0;
}

/* Any other constant (a number, a b'..' or h'..' or t'..' literal). */
static int
constant(struct reader *r)
{
	skip_ws(r);
	if (r->p < r->end && (*r->p == 'b' || *r->p == 'h' || *r->p == 't') &&
	    r->p + 1 < r->end && r->p[1] == '\'') {
		struct val v;

		r->p++;
		return string(r, &v);
	}
	if (r->p < r->end && *r->p == '\'') {
		struct val v;

		return string(r, &v);
	}
	if (r->p < r->end && *r->p == '(') {	/* A set: ('a', 'b'). */
		r->p++;
		for (;;) {
			if (constant(r) == -1)
				return -1;
			skip_ws(r);
			if (r->p < r->end && *r->p == ',') {
				r->p++;
				continue;
			}
			if (r->p < r->end && *r->p == ')') {
				r->p++;
				return 0;
			}
			return -1;
		}
	}
	if (word(r, "true") || word(r, "false"))
		return 0;
	{
		const char *s = r->p;

		while (r->p < r->end && (isdigit((unsigned char)*r->p) ||
		    *r->p == '-' || *r->p == '+' || *r->p == '.' ||
		    *r->p == 'e' || *r->p == 'E'))
			r->p++;
		return r->p > s ? 0 : -1;
	}
}

/*
 * An object path: an object type ([A-Za-z0-9_-]+, custom types included),
 * ':', and a property path
 * of names ([A-Za-z0-9_-]+ or quoted) joined by '.', each name followed
 * by any list steps ([n] or [*]).
 */
static int
path(struct reader *r, const char **s, size_t *n)
{
	const char *p;

	skip_ws(r);
	*s = p = r->p;
	while (p < r->end && (isalnum((unsigned char)*p) || *p == '-' ||
	    *p == '_'))
		p++;
	if (p == *s || p >= r->end || *p != ':')
		return -1;
	p++;
	for (;;) {
		const char *name = p;

		if (p < r->end && *p == '\'') {
			for (p++; p < r->end && *p != '\''; p++)
				;
			if (p >= r->end)
				return -1;
			p++;
		} else
			while (p < r->end && (isalnum((unsigned char)*p) ||
			    *p == '_' || *p == '-'))
				p++;
		if (p == name)
			return -1;
		while (p < r->end && *p == '[') {	/* List steps. */
			const char *q = ++p;

			if (p < r->end && *p == '*')
				p++;
			else
				while (p < r->end && isdigit((unsigned char)*p))
					p++;
			if (p == q || p >= r->end || *p != ']')
				return -1;
			p++;
		}
		if (p < r->end && *p == '.') {
			p++;
			continue;
		}
		break;
	}
	*n = (size_t)(p - *s);
	r->p = p;
	return 0;
}

static int
is_addr_path(const char *s, size_t n)
{
	static const char *const paths[] = {
		"ipv4-addr:value", "ipv6-addr:value",
		"network-traffic:src_ref.value",
		"network-traffic:dst_ref.value"
	};
	size_t	 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (n == strlen(paths[i]) && memcmp(s, paths[i], n) == 0)
			return 1;
	return 0;
}

static int comparisons(struct reader *);

/* One comparison, or a parenthesized group of them. */
static int
comparison(struct reader *r)
{
	const char *ps;
	size_t	 pn;
	int	 neg = 0, addr, op_eq = 0;
	struct val v;

	skip_ws(r);
	if (r->p < r->end && *r->p == '(') {
		r->p++;
		if (++r->nest > MAXNEST || comparisons(r) == -1)
			return -1;
		r->nest--;
		skip_ws(r);
		if (r->p >= r->end || *r->p != ')')
			return -1;
		r->p++;
		return 0;
	}
	if (path(r, &ps, &pn) == -1)
		return -1;
	addr = is_addr_path(ps, pn);
	r->addr_paths += addr;
	if (word(r, "NOT"))
		neg = 1;
	skip_ws(r);
	if (r->p < r->end && *r->p == '=') {
		r->p++;
		op_eq = 1;
	} else if (r->end - r->p >= 2 && (memcmp(r->p, "!=", 2) == 0 ||
	    memcmp(r->p, "<=", 2) == 0 || memcmp(r->p, ">=", 2) == 0))
		r->p += 2;
	else if (r->p < r->end && (*r->p == '<' || *r->p == '>'))
		r->p++;
	else if (word(r, "ISSUBSET"))
		op_eq = 1;
	else if (!(word(r, "IN") || word(r, "LIKE") || word(r, "MATCHES") ||
	    word(r, "ISSUPERSET") || word(r, "EXISTS")))
		return -1;
	if (addr && op_eq && !neg) {
		if (string(r, &v) == -1)
			return -1;
		if (r->nvals == MAXVALS)
			return -1;
		r->vals[r->nvals++] = v;
		return 0;
	}
	if (addr)
		r->compound = 1;	/* An address the index cannot hold. */
	return constant(r);
}

/* Comparisons joined by OR or AND. */
static int
comparisons(struct reader *r)
{
	for (;;) {
		if (comparison(r) == -1)
			return -1;
		if (word(r, "OR"))
			continue;
		if (word(r, "AND")) {
			r->compound = 1;
			continue;
		}
		return 0;
	}
}

/* Observations joined by OR, AND or FOLLOWEDBY, with qualifiers. */
static int
observations(struct reader *r)
{
	for (;;) {
		skip_ws(r);
		if (r->p < r->end && *r->p == '(') {
			r->p++;
			if (++r->nest > MAXNEST || observations(r) == -1)
				return -1;
			r->nest--;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ')')
				return -1;
			r->p++;
		} else {
			if (r->p >= r->end || *r->p != '[')
				return -1;
			r->p++;
			if (comparisons(r) == -1)
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ']')
				return -1;
			r->p++;
		}
		/* Qualifiers make a pattern more than "this address". */
		while (word(r, "WITHIN") || word(r, "REPEATS") ||
		    word(r, "START") || word(r, "STOP")) {
			r->compound = 1;
			if (constant(r) == -1)
				return -1;
			(void)(word(r, "SECONDS") || word(r, "TIMES"));
		}
		if (word(r, "OR"))
			continue;
		if (word(r, "AND") || word(r, "FOLLOWEDBY")) {
			r->compound = 1;
			continue;
		}
		return 0;
	}
}

enum stix_status
stix_addresses(const char *p, size_t len,
    void (*fn)(void *, const char *, size_t), void *arg)
{
	struct reader r;
	enum stix_status st;
	size_t	 i;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.end = p + len;
	r.vals = xreallocarray(NULL, MAXVALS, sizeof(*r.vals));
	if (observations(&r) == -1 || (skip_ws(&r), r.p != r.end))
		st = STIX_SYNTAX;
	else if (r.addr_paths == 0)
		st = STIX_NOADDR;
	else if (r.compound)
		st = STIX_COMPOUND;
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
