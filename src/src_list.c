/*
 * src_list.c: plain lists of addresses and prefixes, as block lists are
 * published (SPEC.md 5): one a line, with '#' or ';' comments.  The
 * comment after an address becomes its Description (a Spamhaus DROP
 * line's "; SBL256894").  An entry's IndicatorId is "FEED:prefix"; it is
 * not aged by the lookback, and lives --ttl or forever.  The last text
 * reader: it reads any input no other reader claimed.
 */
#include <ctype.h>
#include <string.h>

#include "source.h"
#include "tidx.h"

void
source_list_trim(const char **s, size_t *len)
{
	const char *p = *s, *e = *s + *len, *c;

	for (c = p; c < e; c++)
		if (*c == '#' || *c == ';')
			break;
	e = c;
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*s = p;
	*len = (size_t)(e - p);
}

static enum source_claim
claim(struct source_state *st, const char *line, size_t len, int forced,
    char *why, size_t whylen)
{
	(void)st;
	(void)forced;
	(void)why;
	(void)whylen;
	source_list_trim(&line, &len);
	return len == 0 ? SOURCE_NO : SOURCE_RECORD;
}

static int
take(struct ingest *in, struct source_state *st, const char *line,
    size_t len)
{
	struct ingest_stats *cnt = ingest_counts(in);
	const char *p = line, *end, *comment;
	struct source_rec r;
	int	 rc;
	size_t	 n = len, clen = 0;

	(void)st;
	/* The comment after the address becomes the Description. */
	for (comment = line; comment < line + len; comment++)
		if (*comment == '#' || *comment == ';')
			break;
	if (comment < line + len) {
		const char *ce = line + len;

		comment++;
		while (comment < ce && isspace((unsigned char)*comment))
			comment++;
		while (ce > comment && isspace((unsigned char)ce[-1]))
			ce--;
		clen = (size_t)(ce - comment);
	}
	source_list_trim(&p, &n);
	if (n == 0) {
		cnt->blank++;
		return 0;
	}
	ingest_begin_record(in);
	end = p;
	while (end < p + n && !isspace((unsigned char)*end))
		end++;
	if (end != p + n) {
		cnt->bad_address++;
		cnt->unknown++;
		return ingest_reject(in, "not an IP address or prefix", p, n);
	}
	rc = ingest_sole_addr(in, p, n);
	if (rc == -1)
		cnt->unknown++;
	else
		cnt->known++;
	if (rc != 1)
		return rc;
	source_feed_entry(in, &r, TIDX_STRNULL);
	r.meta[1] = clen > 0 ? ingest_intern(in, comment, clen) :
	    TIDX_STRNULL;
	return ingest_add(in, &r);
}

const struct source_text source_list = { "list", claim, take };
