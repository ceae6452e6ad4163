/*
 * src_sentinel.c: rows of Sentinel's two TI tables (SPEC.md 2.1 and 5):
 * ThreatIntelligenceIndicator (legacy) and ThreatIntelIndicators (STIX
 * in a table).  A row with ObservableKey, ObservableValue, Pattern or
 * IsActive set is a ThreatIntelIndicators row; any other record is read
 * as a legacy row, the last reader of JSON records.
 */
#include <string.h>
#include <strings.h>

#include "ktime.h"
#include "source.h"
#include "tidx.h"

enum {
	/* ThreatIntelligenceIndicator (legacy). */
	F_NETWORKIP, F_NETWORKDESTINATIONIP, F_NETWORKSOURCEIP,
	F_EMAILSOURCEIPADDRESS, F_NETWORKCIDRBLOCK, F_TIMEGENERATED,
	F_INDICATORID, F_ACTIVE, F_EXPIRATIONDATETIME, F_CONFIDENCESCORE,
	F_THREATTYPE, F_DESCRIPTION, F_ACTIVITYGROUPNAMES, F_URL, F_TYPE,
	F_SOURCESYSTEM,
	/* ThreatIntelIndicators. */
	T_ID, T_OBSKEY, T_OBSVALUE, T_PATTERN, T_DATAPATTERN, T_ISACTIVE,
	T_REVOKED, T_ISDELETED, T_VALIDUNTIL, T_CONFIDENCE, T_DATADESC,
	T_DATANAME, T_DATALABELS, T_DATATYPES,
	NFIELDS
};

#define D	SOURCE_DISTINCT
static const struct jfield fields[NFIELDS] = {
	{ .path = { "NetworkIP" } }, { .path = { "NetworkDestinationIP" } },
	{ .path = { "NetworkSourceIP" } },
	{ .path = { "EmailSourceIpAddress" } },
	{ .path = { "NetworkCidrBlock" } },
	{ .path = { "TimeGenerated" } },
	{ .path = { "IndicatorId" }, .flags = D }, { .path = { "Active" } },
	{ .path = { "ExpirationDateTime" } },
	{ .path = { "ConfidenceScore" } }, { .path = { "ThreatType" } },
	{ .path = { "Description" } }, { .path = { "ActivityGroupNames" } },
	{ .path = { "Url" } }, { .path = { "Type" } },
	{ .path = { "SourceSystem" } },
	{ .path = { "Id" }, .flags = D }, { .path = { "ObservableKey" } },
	{ .path = { "ObservableValue" } },
	{ .path = { "Pattern" } },
	{ .path = { "Data", "pattern" } }, { .path = { "IsActive" } },
	{ .path = { "Revoked" } }, { .path = { "IsDeleted" } },
	{ .path = { "ValidUntil" } }, { .path = { "Confidence" } },
	{ .path = { "Data", "description" } }, { .path = { "Data", "name" } },
	{ .path = { "Data", "labels" }, .flags = JF_LIST },
	{ .path = { "Data", "indicator_types" }, .flags = JF_LIST }
};
#undef D

#define V(f)	source_get(v, (f))

/* An indicator id: Kusto groups a missing one with "". */
static uint32_t
id_of(struct ingest *in, const struct jval *id)
{
	return source_empty(id) ? ingest_intern(in, "", 0) :
	    ingest_intern_val(in, id);
}

static uint32_t
default_type(struct ingest *in, const struct jval *t)
{
	return source_empty(t) ? ingest_intern(in, SOURCE_DEFAULT_TYPE,
	    strlen(SOURCE_DEFAULT_TYPE)) : ingest_intern_val(in, t);
}

/*
 * Step 2 for a row's TimeGenerated: 1 and *tg for a row in the lookback;
 * else the row is counted (no time, or too old), a bad time reported,
 * and the value to return for the row returned.
 */
static int
lookback(struct ingest *in, const struct source_jv *v, int64_t *tg)
{
	const struct jval *t = V(F_TIMEGENERATED);

	switch (source_time(t, tg)) {
	case 1:
		ingest_counts(in)->no_time++;
		return 0;
	case -1:
		ingest_counts(in)->no_time++;
		return source_time_reject(in, "TimeGenerated", t);
	}
	return ingest_in_lookback(in, *tg);
}

/* The feed of a row: its SourceSystem column, else the input's name. */
static void
row_source(struct ingest *in, const struct source_jv *v,
    struct source_rec *r)
{
	const struct jval *s = V(F_SOURCESYSTEM);

	r->source = source_empty(s) ? ingest_feed(in) :
	    ingest_intern_val(in, s);
	r->creator = TIDX_STRNULL;
}

/*
 * Step 4 for a row of either table: its Type and feed set, added.
 * Returns rc (the row's result so far), or -1 when it was refused.
 */
static int
add_row(struct ingest *in, const struct source_jv *v, struct source_rec *r,
    int rc)
{
	r->meta[4] = default_type(in, V(F_TYPE));
	row_source(in, v, r);
	return ingest_add(in, r) == -1 ? -1 : rc;
}

/* 1 when the record has a column of the legacy table. */
static int
legacy_form(const struct source_jv *v)
{
	int	 f;

	for (f = F_NETWORKIP; f <= F_SOURCESYSTEM; f++)
		if (V(f)->type != JV_ABSENT)
			return 1;
	return 0;
}

/* A ThreatIntelligenceIndicator row (SPEC.md 2.1). */
static int
take_legacy(struct ingest *in, const struct source_jv *v)
{
	static const int order[5] = { F_NETWORKIP, F_NETWORKDESTINATIONIP,
	    F_NETWORKSOURCEIP, F_EMAILSOURCEIPADDRESS, F_NETWORKCIDRBLOCK };
	const struct jval *x, *addrv = NULL;
	struct source_rec r;
	int		 i, rc = 0;

	if (legacy_form(v))
		ingest_counts(in)->known++;
	else
		ingest_counts(in)->unknown++;
	/* Step 1: the first non-empty address column. */
	for (i = 0; i < 5 && addrv == NULL; i++)
		if (!source_empty(x = V(order[i])))
			addrv = x;
	if (addrv == NULL) {
		ingest_counts(in)->no_address++;
		return 0;
	}
	/* Step 2: the lookback. */
	if ((i = lookback(in, v, &r.tg)) != 1)
		return i;
	/* Step 3. */
	if (addrv->type != JV_STRING) {
		ingest_counts(in)->bad_address++;
		return ingest_reject(in, "not an IP address", NULL, 0);
	}
	if (ingest_addr_val(in, addrv) == -1)
		return -1;
	x = V(F_EXPIRATIONDATETIME);
	r.has_exp = !source_empty(x);
	r.exp = KTIME_NONE;
	if (r.has_exp && source_time(x, &r.exp) == -1) {
		r.exp = SOURCE_EXPIRY_BAD;
		rc = source_time_reject(in, "ExpirationDateTime", x);
	}
	r.active = source_truthy(V(F_ACTIVE));
	if (source_confidence(V(F_CONFIDENCESCORE), &r.conf) == -1)
		r.conf = TIDX_CONF_NULL;
	r.id = id_of(in, V(F_INDICATORID));
	for (i = 0; i < 4; i++)
		r.meta[i] = ingest_intern_val(in, V(F_THREATTYPE + i));
	return add_row(in, v, &r, rc);
}

/* A ThreatIntelIndicators row: STIX in a Sentinel table. */
static int
take_tii(struct ingest *in, const struct source_jv *v)
{
	static const char *const keys[] = { "ipv4-addr:value",
	    "ipv6-addr:value", "network-traffic:src_ref.value",
	    "network-traffic:dst_ref.value" };
	const struct jval *x, *k;
	struct source_rec r;
	size_t		 i;
	int		 rc, obs = 0;

	ingest_counts(in)->known++;
	if ((rc = lookback(in, v, &r.tg)) != 1)
		return rc;
	/* The observable when it is an address, else the pattern. */
	k = V(T_OBSKEY);
	x = V(T_OBSVALUE);
	for (i = 0; k->type == JV_STRING && i < 4; i++)
		if (k->len == strlen(keys[i]) &&
		    memcmp(k->s, keys[i], k->len) == 0)
			obs = 1;
	if (obs && x->type == JV_STRING && x->len > 0) {
		if (ingest_addr_val(in, x) == -1)
			return -1;
	} else {
		x = V(T_PATTERN);
		if (source_empty(x))
			x = V(T_DATAPATTERN);
		if ((rc = source_pattern(in, x)) != 0)
			return rc < 0 ? -1 : 0;
	}
	x = V(T_VALIDUNTIL);
	r.has_exp = 1;			/* No ValidUntil: no expiry. */
	r.exp = KTIME_NONE;
	rc = 0;
	if (source_time(x, &r.exp) == -1) {
		r.exp = SOURCE_EXPIRY_BAD;
		rc = source_time_reject(in, "ValidUntil", x);
	}
	r.active = source_truthy(V(T_ISACTIVE)) &&
	    !source_truthy(V(T_REVOKED)) && !source_truthy(V(T_ISDELETED));
	if (source_confidence(V(T_CONFIDENCE), &r.conf) == -1)
		r.conf = TIDX_CONF_NULL;
	r.id = id_of(in, V(T_ID));
	r.meta[0] = source_first(in, V(T_DATATYPES));
	x = V(T_DATADESC);
	r.meta[1] = ingest_intern_val(in, source_empty(x) ? V(T_DATANAME) :
	    x);
	r.meta[2] = source_labels(in, V(T_DATALABELS));
	r.meta[3] = TIDX_STRNULL;
	return add_row(in, v, &r, rc);
}

static int
claim(const struct source_jv *v)
{
	(void)v;
	return 1;			/* The last reader: anything else. */
}

static int
take(struct ingest *in, const struct source_jv *v)
{
	if (!source_empty(V(T_OBSKEY)) || !source_empty(V(T_OBSVALUE)) ||
	    !source_empty(V(T_PATTERN)) || !source_empty(V(T_ISACTIVE)))
		return take_tii(in, v);
	return take_legacy(in, v);
}

const struct source_json source_sentinel = {
	"sentinel", fields, NFIELDS, claim, take
};
