/*
 * src_spamhaus.c: Spamhaus DROP and EDROP lists in their JSON form (SPEC.md
 * 5), one object a line:
 *
 *   {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
 *   {"type":"metadata","timestamp":1712345678,"size":..,"records":..}
 *
 * Each cidr is a list entry, as in the text form of the list: its
 * IndicatorId is "FEED:prefix", its SBL id the Description, and it is
 * not aged by the lookback (it lives --ttl or forever).  The metadata
 * line is not an indicator.
 */
#include <string.h>

#include "source.h"
#include "tidx.h"

enum { P_CIDR, P_SBLID, P_TYPE, NFIELDS };

static const struct jfield fields[NFIELDS] = {
	{ .path = { "cidr" } }, { .path = { "sblid" } }, { .path = { "type" } }
};

#define V(f)	source_get(v, (f))

static int
metadata(const struct source_jv *v)
{
	const struct jval *t = V(P_TYPE);

	return t->type == JV_STRING && t->len == 8 &&
	    memcmp(t->s, "metadata", 8) == 0;
}

static int
claim(const struct source_jv *v)
{
	return V(P_CIDR)->type != JV_ABSENT || metadata(v);
}

static int
take(struct ingest *in, const struct source_jv *v)
{
	struct ingest_stats *st = ingest_counts(in);
	const struct jval *c = V(P_CIDR);
	struct source_rec r;
	int	 rc;

	if (c->type == JV_ABSENT) {
		if (metadata(v))
			st->not_indicator++;
		else {			/* Forced with --format. */
			st->unknown++;
			st->no_address++;
		}
		return 0;
	}
	st->known++;
	if (source_empty(c)) {
		st->no_address++;
		return 0;
	}
	if (c->type != JV_STRING) {
		st->bad_address++;
		return ingest_reject(in, "cidr is not an IP prefix", NULL, 0);
	}
	if ((rc = ingest_sole_addr(in, c->s, c->len)) != 1)
		return rc;
	source_feed_entry(in, &r, TIDX_STRNULL);
	r.meta[1] = ingest_intern_val(in, V(P_SBLID));
	return ingest_add(in, &r);
}

const struct source_json source_spamhaus = {
	"spamhaus", fields, NFIELDS, claim, take
};
