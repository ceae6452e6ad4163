/*
 * src_stix.c: STIX 2.1 objects (SPEC.md 5), one a record: indicators with
 * a STIX pattern are read; identities name the feed of the indicators
 * they created; other objects are passed over.  A record with a "type"
 * member is this reader's.
 */
#include <string.h>

#include "ktime.h"
#include "source.h"
#include "tidx.h"

enum {
	S_TYPE, S_ID, S_PATTERN, S_PATTERNTYPE, S_VALIDUNTIL, S_REVOKED,
	S_CONFIDENCE, S_MODIFIED, S_CREATED, S_DESCRIPTION, S_NAME, S_LABELS,
	S_TYPES, S_CREATEDBY,
	NFIELDS
};

static const struct jfield fields[NFIELDS] = {
	{ .path = { "type" } }, { .path = { "id" }, .flags = SOURCE_DISTINCT },
	{ .path = { "pattern" } },
	{ .path = { "pattern_type" } }, { .path = { "valid_until" } },
	{ .path = { "revoked" } }, { .path = { "confidence" } },
	{ .path = { "modified" } }, { .path = { "created" } },
	{ .path = { "description" } }, { .path = { "name" } },
	{ .path = { "labels" }, .flags = JF_LIST },
	{ .path = { "indicator_types" }, .flags = JF_LIST },
	{ .path = { "created_by_ref" } }
};

#define V(f)	source_get(v, (f))

static int
is(const struct jval *x, const char *s)
{
	return x->type == JV_STRING && x->len == strlen(s) &&
	    memcmp(x->s, s, x->len) == 0;
}

/* 1 when the object's id reads type--suffix, as STIX ids do. */
static int
stix_id(const struct source_jv *v)
{
	const struct jval *x = V(S_ID);
	size_t	 i;

	for (i = 0; x->type == JV_STRING && i + 1 < x->len; i++)
		if (x->s[i] == '-' && x->s[i + 1] == '-')
			return i > 0;
	return 0;
}

/* An identity: remember its name for the indicators it created. */
static void
take_identity(struct ingest *in, const struct source_jv *v)
{
	const struct jval *id = V(S_ID), *name = V(S_NAME);
	uint32_t idref, nref;

	if (id->type != JV_STRING || id->len == 0 ||
	    name->type != JV_STRING || name->len == 0)
		return;
	idref = ingest_intern(in, id->s, id->len);
	nref = ingest_intern(in, name->s, name->len);
	if (idref >= TIDX_STRFULL || nref >= TIDX_STRFULL)
		return;
	ingest_name_creator(in, idref, nref);
}

static int
claim(const struct source_jv *v)
{
	return !source_empty(V(S_TYPE));
}

static int
take(struct ingest *in, const struct source_jv *v)
{
	struct ingest_stats *st = ingest_counts(in);
	const struct jval *x;
	struct source_rec r;
	int		 rc;

	if (!stix_id(v))
		st->unknown++;
	else if (is(V(S_TYPE), "indicator"))
		st->known++;
	if (!is(V(S_TYPE), "indicator")) {
		if (is(V(S_TYPE), "identity"))
			take_identity(in, v);
		st->not_indicator++;
		return 0;
	}
	x = V(S_PATTERNTYPE);
	if (x->type == JV_STRING && !is(x, "stix")) {
		st->no_address++;	/* A Sigma, YARA ... pattern. */
		return 0;
	}
	/* The version time: modified, else created; no lookback. */
	x = V(S_MODIFIED);
	if (source_empty(x))
		x = V(S_CREATED);
	switch (source_time(x, &r.tg)) {
	case 1:
		r.tg = ingest_now(in);
		break;
	case -1:
		return source_time_reject(in, "modified", x);
	}
	if ((rc = source_pattern(in, V(S_PATTERN))) != 0)
		return rc < 0 ? -1 : 0;
	x = V(S_VALIDUNTIL);
	r.has_exp = 1;
	r.exp = KTIME_NONE;
	rc = 0;
	if (source_time(x, &r.exp) == -1) {
		r.exp = SOURCE_EXPIRY_BAD;
		rc = source_time_reject(in, "valid_until", x);
	}
	r.active = !source_truthy(V(S_REVOKED));
	if (source_confidence(V(S_CONFIDENCE), &r.conf) == -1)
		r.conf = TIDX_CONF_NULL;
	x = V(S_ID);
	r.id = source_empty(x) ? ingest_intern(in, "", 0) :
	    ingest_intern_val(in, x);
	r.meta[0] = source_first(in, V(S_TYPES));
	x = V(S_DESCRIPTION);
	r.meta[1] = ingest_intern_val(in, source_empty(x) ? V(S_NAME) : x);
	r.meta[2] = source_labels(in, V(S_LABELS));
	r.meta[3] = TIDX_STRNULL;
	r.meta[4] = ingest_intern(in, SOURCE_DEFAULT_TYPE,
	    strlen(SOURCE_DEFAULT_TYPE));
	r.source = ingest_feed(in);
	x = V(S_CREATEDBY);
	r.creator = x->type == JV_STRING && x->len > 0 ?
	    ingest_intern(in, x->s, x->len) : TIDX_STRNULL;
	if (ingest_add(in, &r) == -1)
		return -1;
	return rc;
}

const struct source_json source_stix = {
	"stix", fields, NFIELDS, claim, take
};
