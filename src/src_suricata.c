/*
 * src_suricata.c: Suricata IP reputation files (SPEC.md 5), one
 * "ip,category,score" line an entry:
 *
 *   1.2.3.4,1,101
 *   1.1.1.0/24,6,88
 *
 * ip is an address or a prefix, category a number from 1 to 60 (named in
 * Suricata's separate categories file, which this reader does not read)
 * and score Suricata's reputation score, 1 to 127, 0 meaning "no data".
 * An entry's IndicatorId is "FEED:prefix:category", so an address listed
 * in two categories is two indicators (step 6 keeps the one with the
 * higher score); ThreatType is the category number, ConfidenceScore the
 * score scaled to 0-100 (score * 100 / 127, rounded), and an entry of
 * score 0 is not active.  Blank lines and lines starting with '#' are
 * passed over, as Suricata does.  The reader claims an input whose first
 * other line is of this form.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "source.h"
#include "tidx.h"

#define MAX_CATEGORY	60
#define MAX_SCORE	127

struct col {
	const char *s;
	size_t	 len;
};

/* The text trimmed of a UTF-8 byte-order mark and white space (a CR). */
static void
trim(const char **s, size_t *len)
{
	const char *p = *s, *e = *s + *len;

	if (*len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*s = p;
	*len = (size_t)(e - p);
}

/*
 * Split the len bytes at s at commas into at most 3 columns, each
 * trimmed.  Returns the number of columns (4 means more than 3).
 */
static int
split(const char *s, size_t len, struct col c[3])
{
	const char *p = s, *e = s + len, *f;
	int	 n;

	for (n = 0; ; n++) {
		if (n == 3)
			return 4;
		for (f = p; f < e && *f != ','; f++)
			;
		c[n].s = p;
		c[n].len = (size_t)(f - p);
		trim(&c[n].s, &c[n].len);
		if (f == e)
			return n + 1;
		p = f + 1;
	}
}

/* A decimal number of at most 3 digits: 0 and *v, or -1. */
static int
number(const struct col *c, int *v)
{
	size_t	 i;

	if (c->len == 0 || c->len > 3)
		return -1;
	for (*v = 0, i = 0; i < c->len; i++) {
		if (!isdigit((unsigned char)c->s[i]))
			return -1;
		*v = *v * 10 + (c->s[i] - '0');
	}
	return 0;
}

/* Blank, or a comment. */
static int
passed_over(const char *s, size_t len)
{
	trim(&s, &len);
	return len == 0 || *s == '#';
}

static enum source_claim
claim(struct source_state *st, const char *line, size_t len, int forced,
    char *why, size_t whylen)
{
	struct col c[3];
	struct addr a;
	unsigned plen;
	int	 cat, score;

	(void)st;
	(void)why;
	(void)whylen;
	if (forced)
		return SOURCE_RECORD;
	if (passed_over(line, len))
		return SOURCE_NO;
	trim(&line, &len);
	return split(line, len, c) == 3 &&
	    addr_parse_prefix(c[0].s, c[0].len, &a, &plen) == 0 &&
	    number(&c[1], &cat) == 0 && number(&c[2], &score) == 0 ?
	    SOURCE_RECORD : SOURCE_NO;
}

static int
take(struct ingest *in, struct source_state *st, const char *line,
    size_t len)
{
	struct ingest_stats *cnt = ingest_counts(in);
	struct source_rec r;
	int	 rc;
	struct col c[3];
	char	 cattext[8];
	int	 n, cat, score, clen;

	(void)st;
	if (passed_over(line, len)) {
		cnt->blank++;
		return 0;
	}
	trim(&line, &len);
	ingest_begin_record(in);
	if ((n = split(line, len, c)) != 3) {
		cnt->unknown++;
		return ingest_reject(in, n < 3 ? "too few columns for "
		    "ip,category,score" : "too many columns for "
		    "ip,category,score", line, len);
	}
	if (number(&c[1], &cat) == -1 || cat < 1 || cat > MAX_CATEGORY) {
		cnt->unknown++;
		return ingest_reject(in, "category is not a number from 1 to "
		    "60", c[1].s, c[1].len);
	}
	if (number(&c[2], &score) == -1 || score > MAX_SCORE) {
		cnt->unknown++;
		return ingest_reject(in, "score is not a number from 0 to 127",
		    c[2].s, c[2].len);
	}
	rc = ingest_sole_addr(in, c[0].s, c[0].len);
	if (rc == -1)
		cnt->unknown++;
	else
		cnt->known++;
	if (rc != 1)
		return rc;
	clen = snprintf(cattext, sizeof(cattext), ":%d", cat);
	source_feed_entry(in, &r, TIDX_STRNULL);
	r.active = score > 0;
	r.conf = (score * 100 + MAX_SCORE / 2) / MAX_SCORE;
	r.id = ingest_entry_id(in, r.source, cattext, (size_t)clen);
	r.meta[0] = ingest_intern(in, cattext + 1, (size_t)clen - 1);
	return ingest_add(in, &r);
}

const struct source_text source_suricata = { "suricata", claim, take };
