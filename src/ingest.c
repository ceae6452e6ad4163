/*
 * ingest.c: SPEC.md sections 2.1 and 5: indicator rows in every form
 * users have, turned into the indicators an index keeps.  See ingest.h.
 *
 * Each record (a JSON object, or an entry of a plain list) is told apart
 * by its members: a STIX object has "type" (only indicators are read); a
 * ThreatIntelIndicators row has ObservableKey, ObservableValue, Pattern
 * or IsActive; anything else is a ThreatIntelligenceIndicator row.  A
 * record that passes steps 1-3 becomes a candidate with one or more
 * addresses (a STIX pattern can name several), at most one candidate per
 * indicator id (step 4 keeps the latest version, the later one on a tie).
 * Strings are interned once, in the index builder that ingest_builder()
 * hands over (the ingest keeps only their references); strings of rows
 * that lose are left out when the index is written.  ingest_finish()
 * applies step 5, then
 * step 6 with a hash table from address (or prefix) to the best
 * candidate so far, and emits the winners in the order their indicators
 * were first seen, which makes the index a function of its input.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "hash.h"
#include "ingest.h"
#include "jrec.h"
#include "ktime.h"
#include "stix.h"
#include "tidx_build.h"
#include "xalloc.h"

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
	/* STIX 2.1 objects. */
	S_TYPE, S_ID, S_PATTERN, S_PATTERNTYPE, S_VALIDUNTIL, S_REVOKED,
	S_CONFIDENCE, S_MODIFIED, S_CREATED, S_DESCRIPTION, S_NAME, S_LABELS,
	S_TYPES, S_CREATEDBY,
	NFIELDS
};

static const struct jfield fields[NFIELDS] = {
	{ .path = { "NetworkIP" } }, { .path = { "NetworkDestinationIP" } },
	{ .path = { "NetworkSourceIP" } },
	{ .path = { "EmailSourceIpAddress" } },
	{ .path = { "NetworkCidrBlock" } }, { .path = { "TimeGenerated" } },
	{ .path = { "IndicatorId" } }, { .path = { "Active" } },
	{ .path = { "ExpirationDateTime" } },
	{ .path = { "ConfidenceScore" } }, { .path = { "ThreatType" } },
	{ .path = { "Description" } }, { .path = { "ActivityGroupNames" } },
	{ .path = { "Url" } }, { .path = { "Type" } },
	{ .path = { "SourceSystem" } },
	{ .path = { "Id" } }, { .path = { "ObservableKey" } },
	{ .path = { "ObservableValue" } }, { .path = { "Pattern" } },
	{ .path = { "Data", "pattern" } }, { .path = { "IsActive" } },
	{ .path = { "Revoked" } }, { .path = { "IsDeleted" } },
	{ .path = { "ValidUntil" } }, { .path = { "Confidence" } },
	{ .path = { "Data", "description" } }, { .path = { "Data", "name" } },
	{ .path = { "Data", "labels" }, .flags = JF_LIST },
	{ .path = { "Data", "indicator_types" }, .flags = JF_LIST },
	{ .path = { "type" } }, { .path = { "id" } }, { .path = { "pattern" } },
	{ .path = { "pattern_type" } }, { .path = { "valid_until" } },
	{ .path = { "revoked" } }, { .path = { "confidence" } },
	{ .path = { "modified" } }, { .path = { "created" } },
	{ .path = { "description" } }, { .path = { "name" } },
	{ .path = { "labels" }, .flags = JF_LIST },
	{ .path = { "indicator_types" }, .flags = JF_LIST },
	{ .path = { "created_by_ref" } }
};

/*
 * Members whose array holds the records: an Azure Monitor envelope, a
 * STIX bundle, an Azure REST list, the Sentinel upload API's body, and
 * the Log Analytics query API's answer (see jrec_set_containers).
 */
static const char *const containers[] = { "records", "objects", "value",
    "indicators", "tables", NULL };

#define NOEXPIRY_BAD	INT64_MIN	/* Expiry present but unparsable. */
#define DEFAULT_TYPE	"ThreatIntelligenceIndicator"
#define MAXADDRS	4096		/* Addresses of one record. */
#define MIN_PLEN4	(96 + 8)	/* The shortest prefix: /8 ... */
#define MIN_PLEN6	16		/* ... and /16. */

/* A record that passed steps 1-3; its addresses are in the caddr array. */
struct cand {
	int64_t	 tg, exp;	/* exp: KTIME_NONE none, NOEXPIRY_BAD bad. */
	int32_t	 conf;		/* TIDX_CONF_NULL: null. */
	uint32_t id;		/* strref; also the step-4 key. */
	uint32_t meta[5];	/* ThreatType .. Type strrefs. */
	uint32_t source;	/* SourceSystem strref. */
	uint32_t creator;	/* STIX created_by_ref strref, or null. */
	uint32_t afirst, acount;
	int	 active;
	int	 has_exp;	/* 0: no expiry, and that means expired. */
};

struct caddr {
	struct addr a;
	uint32_t text;		/* strref of the address as written. */
	uint8_t	 plen;		/* 128 for an address, less for a prefix. */
};

/* An excluded range, from --exclude. */
struct xrange {
	struct addr lo, hi;
};

/*
 * Open-addressing map of 32-bit keys to 32-bit values, each key beside its
 * value (one cache line per lookup).
 */
struct u32kv {
	uint32_t k, v;		/* k ~0: empty. */
};

struct u32map {
	struct u32kv *e;
	size_t	  n, cap;	/* cap a power of two. */
};

struct ingest {
	struct ingest_opts	 opts;
	int64_t			 oldest;	/* now - lookback. */
	struct ingest_stats	 st;
	struct jrec		*jr;
	struct tidx_builder	*b;		/* Interns every string. */
	int			 b_given;	/* By ingest_builder(). */
	struct cand		*cands;
	size_t			 ncands, capcands;
	struct caddr		*addrs;
	size_t			 naddrs, capaddrs;
	struct u32map		 byid;
	struct u32map		 names;		/* STIX identity id -> name. */
	uint32_t		 source;	/* The input's feed name. */
	struct xrange		*excl;		/* Sorted by lo. */
	size_t			 nexcl, capexcl;
	int			 excl_sorted;
	/* One record's addresses before they become a candidate. */
	struct caddr		 pend[MAXADDRS];
	size_t			 npend;
	const char		*bad_value;	/* For a stix callback. */
	int			 bad;
	/* The record being read, for the callbacks of jrec. */
	char			*why;
	size_t			 whylen;
	int			 rc;
	void			(*doc_bad)(void *, uint64_t, const char *);
	void			*doc_arg;
	char			 docwhy[256];
};

static void
map_init(struct u32map *m, size_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->e = xreallocarray(NULL, cap, sizeof(*m->e));
	xalloc_huge(m->e, cap * sizeof(*m->e));
	memset(m->e, 0xff, cap * sizeof(*m->e));
}

static size_t
map_slot(const struct u32map *m, uint32_t k)
{
	size_t	 i = ((uint64_t)k * 0x9E3779B97F4A7C15ULL >> 32) & (m->cap - 1);

	while (m->e[i].k != UINT32_MAX && m->e[i].k != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Make room for n keys in all: a table big enough, rebuilt at most once. */
static void
map_reserve(struct u32map *m, size_t n)
{
	struct u32map old = *m;
	size_t	 cap = m->cap, i, j;

	while (2 * n > cap)
		cap *= 2;
	if (cap == m->cap)
		return;
	map_init(m, cap);
	for (i = 0; i < old.cap; i++)
		if (old.e[i].k != UINT32_MAX) {
			j = map_slot(m, old.e[i].k);
			m->e[j] = old.e[i];
			m->n++;
		}
	free(old.e);
}

/* k's value, or ~0 when k is not in m. */
static uint32_t
map_find(const struct u32map *m, uint32_t k)
{
	size_t	 i = map_slot(m, k);

	return m->e[i].k == k ? m->e[i].v : UINT32_MAX;
}

/* Return a pointer to k's value, inserting it (value ~0) when new. */
static uint32_t *
map_get(struct u32map *m, uint32_t k)
{
	size_t	 i;

	if (2 * (m->n + 1) > m->cap)
		map_reserve(m, m->cap);
	i = map_slot(m, k);
	if (m->e[i].k == UINT32_MAX) {
		m->e[i].k = k;
		m->e[i].v = UINT32_MAX;
		m->n++;
	}
	return &m->e[i].v;
}

struct ingest *
ingest_new(const struct ingest_opts *opts)
{
	struct ingest *in = xcalloc(1, sizeof(*in));

	in->opts = *opts;
	/* now - lookback, saturating: both come from the command line. */
	in->oldest = opts->lookback > 0 && opts->now < INT64_MIN +
	    opts->lookback ? INT64_MIN : opts->now - opts->lookback;
	in->jr = jrec_new(fields, NFIELDS);
	jrec_set_containers(in->jr, containers);
	in->b = tidx_builder_new();
	map_init(&in->byid, 1024);
	map_init(&in->names, 16);
	in->source = TIDX_STRNULL;
	return in;
}

void
ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	jrec_free(in->jr);
	if (!in->b_given)
		tidx_builder_free(in->b);
	free(in->excl);
	free(in->cands);
	free(in->addrs);
	free(in->byid.e);
	free(in->names.e);
	free(in);
}

const struct ingest_stats *
ingest_stats(const struct ingest *in)
{
	return &in->st;
}

/* Empty in the rule's sense: missing, null or "". */
static int
is_empty(const struct jval *v)
{
	return v->type == JV_ABSENT || v->type == JV_NULL ||
	    (v->type == JV_STRING && v->len == 0);
}

int
ingest_truthy(int type, const char *s, size_t len, int b)
{
	if (type == JV_BOOL)
		return b;
	if (type == JV_STRING)
		return (len == 4 && strncasecmp(s, "true", 4) == 0) ||
		    (len == 1 && s[0] == '1');
	if (type == JV_NUMBER)
		return len == 1 && s[0] == '1';
	return 0;
}

int
ingest_confidence(int type, const char *s, size_t len, int32_t *v)
{
	char	 buf[64], *end;
	double	 d;

	if ((type != JV_NUMBER && type != JV_STRING) || len >= sizeof(buf) ||
	    !jrec_is_number(s, len))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	d = strtod(buf, &end);
	if (*end != '\0' || errno != 0 || !isfinite(d) ||
	    d > INT32_MAX || d <= INT32_MIN)
		return -1;
	*v = (int32_t)lround(d);
	return 0;
}

/* The reference of the len bytes at s in the builder (see tidx_build.h). */
static uint32_t
intern(struct ingest *in, const char *s, size_t len)
{
	return tidx_builder_string(in->b, s, len);
}

static uint32_t
intern_val(struct ingest *in, const struct jval *v)
{
	if (v->type == JV_STRING || v->type == JV_NUMBER)
		return intern(in, v->s, v->len);
	if (v->type == JV_BOOL)
		return intern(in, v->b ? "true" : "false",
		    v->b ? 4 : 5);
	return TIDX_STRNULL;
}

/* An indicator id: Kusto groups a missing one with "". */
static uint32_t
id_of(struct ingest *in, const struct jval *v)
{
	return is_empty(v) ? intern(in, "", 0) : intern_val(in, v);
}

/*
 * Count a bad row and say why: msg, then, when val is not NULL, a quoted,
 * printable prefix of the bad value.
 */
static int
reject(struct ingest *in, char *why, size_t whylen, const char *msg,
    const char *val, size_t vallen)
{
	char	 clip[4 * 63 + 8];

	if (val == NULL)
		snprintf(why, whylen, "%s", msg);
	else {
		ingest_quote(clip, sizeof(clip), val, vallen, 63);
		snprintf(why, whylen, "%s: %s", msg, clip);
	}
	in->st.rejected++;
	return -1;
}

size_t
ingest_quote(char *dst, size_t dstlen, const char *s, size_t len,
    size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, o = 0;
	char	 e[5];
	size_t	 n;

	if (dstlen == 0)
		return 0;
#define PUT(c) do { if (o + 1 < dstlen) dst[o++] = (c); } while (0)
	PUT('"');
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		n = 0;
		switch (c) {
		case '\t': e[n++] = '\\'; e[n++] = 't'; break;
		case '\r': e[n++] = '\\'; e[n++] = 'r'; break;
		case '\n': e[n++] = '\\'; e[n++] = 'n'; break;
		case '"': e[n++] = '\\'; e[n++] = '"'; break;
		case '\\': e[n++] = '\\'; e[n++] = '\\'; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				e[n++] = '\\';
				e[n++] = 'x';
				e[n++] = hex[c >> 4];
				e[n++] = hex[c & 15];
			} else
				e[n++] = (char)c;
		}
		if (o + n + 5 > dstlen)	/* Room for the close and "...". */
			break;
		memcpy(dst + o, e, n);
		o += n;
	}
	PUT('"');
	if (i < len) {
		PUT('.');
		PUT('.');
		PUT('.');
	}
#undef PUT
	dst[o] = '\0';
	return o;
}

/* ---------------------------------------------------------------------
 * Addresses and prefixes.
 */

/*
 * Parse an address or prefix of an indicator (any_length 0: no prefix
 * shorter than /8 or /16) or of an exclusion list (any_length 1).  0, or
 * -1 with *err saying why.
 */
static int
parse_prefix(const char *s, size_t len, struct addr *a, unsigned *plen,
    const char **err, int any_length)
{
	switch (addr_parse_prefix(s, len, a, plen)) {
	case ADDR_ERR_ADDRESS:
		*err = "not an IP address";
		return -1;
	case ADDR_ERR_LENGTH:
		*err = "bad prefix length";
		return -1;
	}
	if (!any_length && *plen < (addr_is_v4(a) ? MIN_PLEN4 : MIN_PLEN6) &&
	    addr_prefix_class(a, *plen) == ADDR_INDEXABLE) {
		*err = "prefix too short (shorter than /8 or /16)";
		return -1;
	}
	return 0;
}

static int
cmp_xrange(const void *x, const void *y)
{
	return addr_cmp(&((const struct xrange *)x)->lo,
	    &((const struct xrange *)y)->lo);
}

/* 1 when a/plen lies inside a range of --exclude. */
static int
user_excluded(struct ingest *in, const struct addr *a, unsigned plen)
{
	struct addr last;
	size_t	 lo = 0, hi = in->nexcl, mid;

	if (in->nexcl == 0)
		return 0;
	if (!in->excl_sorted) {
		qsort(in->excl, in->nexcl, sizeof(*in->excl), cmp_xrange);
		in->excl_sorted = 1;
	}
	addr_prefix_last(a, plen, &last);
	/* Ranges may overlap: check every range starting at or before a. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr_cmp(&in->excl[mid].lo, a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0)
		if (addr_cmp(&last, &in->excl[lo].hi) <= 0)
			return 1;
	return 0;
}

/* Strip white space and a trailing comment ('#' or ';') from a line. */
static void
list_trim(const char **s, size_t *len)
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

int
ingest_exclude_line(struct ingest *in, const char *line, size_t len,
    char *why, size_t whylen)
{
	struct addr a;
	unsigned plen;
	const char *err, *p = line, *end;
	size_t	 n = len;

	list_trim(&p, &n);
	if (n == 0)
		return 0;
	end = p;
	while (end < p + n && !isspace((unsigned char)*end))
		end++;
	if (end != p + n ||
	    parse_prefix(p, (size_t)(end - p), &a, &plen, &err, 1) == -1) {
		if (end != p + n)
			err = "not an IP address or prefix";
		snprintf(why, whylen, "%s: \"%.*s\"", err,
		    (int)(end - p > 60 ? 60 : end - p), p);
		return -1;
	}
	if (in->nexcl == in->capexcl) {
		in->capexcl = in->capexcl ? in->capexcl * 2 : 64;
		in->excl = xreallocarray(in->excl, in->capexcl,
		    sizeof(*in->excl));
	}
	in->excl[in->nexcl].lo = a;
	addr_prefix_last(&a, plen, &in->excl[in->nexcl].hi);
	in->nexcl++;
	in->excl_sorted = 0;
	return 0;
}

/* ---------------------------------------------------------------------
 * Candidates.
 */

/*
 * Add one address text of the current record to the pending list (steps
 * 1 and 3).  Returns 0, or -1 when it does not parse (why is set).
 */
static int
pend_addr(struct ingest *in, const char *s, size_t len)
{
	struct caddr *c;
	const char *err;
	unsigned plen;
	enum addr_class cls;

	if (in->npend == MAXADDRS)
		return 0;
	c = &in->pend[in->npend];
	if (parse_prefix(s, len, &c->a, &plen, &err, 0) == -1) {
		in->st.bad_address++;
		return reject(in, in->why, in->whylen, err, s, len);
	}
	cls = addr_prefix_class(&c->a, plen);
	if (cls != ADDR_INDEXABLE || user_excluded(in, &c->a, plen)) {
		in->st.excluded_addresses++;
		in->st.reserved += cls == ADDR_RESERVED;
		return 0;
	}
	c->plen = (uint8_t)plen;
	if ((c->text = intern(in, s, len)) == TIDX_STRFULL)
		return reject(in, in->why, in->whylen,
		    "too many strings for one index", NULL, 0);
	in->npend++;
	return 0;
}

/*
 * Step 4 for a record with its pending addresses: keep the latest version
 * per indicator id.  Counts the record as excluded when it has no address
 * left.
 */
static int
add_candidate(struct ingest *in, struct cand *c)
{
	uint32_t *slot;
	size_t	 i;

	if (in->npend == 0) {
		in->st.excluded++;
		return 0;
	}
	for (i = 0; i < 5; i++)
		if (c->meta[i] == TIDX_STRFULL)
			c->id = TIDX_STRFULL;
	if (c->source == TIDX_STRFULL || c->creator == TIDX_STRFULL)
		c->id = TIDX_STRFULL;
	if (c->id == TIDX_STRFULL || in->ncands >= UINT32_MAX - 1 ||
	    in->naddrs + in->npend >= UINT32_MAX - 1)
		return reject(in, in->why, in->whylen,
		    "too many indicators for one index", NULL, 0);
	if (in->naddrs + in->npend > in->capaddrs) {
		while (in->naddrs + in->npend > in->capaddrs)
			in->capaddrs = in->capaddrs ? in->capaddrs * 2 : 1024;
		in->addrs = xreallocarray(in->addrs, in->capaddrs,
		    sizeof(*in->addrs));
	}
	memcpy(in->addrs + in->naddrs, in->pend, in->npend *
	    sizeof(*in->pend));
	c->afirst = (uint32_t)in->naddrs;
	c->acount = (uint32_t)in->npend;
	in->naddrs += in->npend;
	slot = map_get(&in->byid, c->id);
	if (*slot == UINT32_MAX) {
		if (in->ncands == in->capcands) {
			in->capcands = in->capcands ? in->capcands * 2 : 1024;
			in->cands = xreallocarray(in->cands, in->capcands,
			    sizeof(*in->cands));
		}
		*slot = (uint32_t)in->ncands;
		in->cands[in->ncands++] = *c;
	} else if (c->tg >= in->cands[*slot].tg) {
		in->cands[*slot] = *c;
		in->st.superseded++;
	} else
		in->st.superseded++;
	return 0;
}

static const struct jval *
val(const struct ingest *in, int f)
{
	return jrec_get(in->jr, (size_t)f);
}

/* A time member: 0 and *t, 1 when empty, -1 when it does not parse. */
static int
time_of(const struct jval *v, int64_t *t)
{
	if (is_empty(v))
		return 1;
	if (v->type != JV_STRING || ktime_parse(v->s, v->len, t) == -1)
		return -1;
	return 0;
}

static int
time_reject(struct ingest *in, const char *name, const struct jval *v)
{
	char	 msg[64];

	snprintf(msg, sizeof(msg), "%s is not a time", name);
	return reject(in, in->why, in->whylen, msg,
	    v->type == JV_STRING ? v->s : NULL, v->len);
}

/* ActivityGroupNames from "ActivityGroup:NAME" labels, comma-separated. */
static uint32_t
activity_groups(struct ingest *in, const struct jval *labels)
{
	static const char pre[] = "ActivityGroup:";
	char	*buf;
	size_t	 n = 0, i = 0, j;
	uint32_t ref;

	if (labels->type != JV_STRING)
		return TIDX_STRNULL;
	buf = xmalloc(labels->len + 1);
	while (i < labels->len) {
		for (j = i; j < labels->len && labels->s[j] != '\n'; j++)
			;
		if (j - i > sizeof(pre) - 1 &&
		    strncasecmp(labels->s + i, pre, sizeof(pre) - 1) == 0) {
			if (n > 0)
				buf[n++] = ',';
			memcpy(buf + n, labels->s + i + sizeof(pre) - 1,
			    j - i - (sizeof(pre) - 1));
			n += j - i - (sizeof(pre) - 1);
		}
		i = j + 1;
	}
	ref = n > 0 ? intern(in, buf, n) : TIDX_STRNULL;
	free(buf);
	return ref;
}

/* The first line of a JF_LIST value (the first string of the array). */
static uint32_t
first_of(struct ingest *in, const struct jval *v)
{
	const char *nl;

	if (v->type != JV_STRING || v->len == 0)
		return TIDX_STRNULL;
	nl = memchr(v->s, '\n', v->len);
	return intern(in, v->s, nl ? (size_t)(nl - v->s) : v->len);
}

static uint32_t
default_type(struct ingest *in, const struct jval *v)
{
	return is_empty(v) ? intern(in, DEFAULT_TYPE,
	    strlen(DEFAULT_TYPE)) : intern_val(in, v);
}

/* stix_addresses() callback: one address of the pattern. */
static void
stix_addr(void *arg, const char *s, size_t len)
{
	struct ingest *in = arg;

	if (pend_addr(in, s, len) == -1)
		in->bad = 1;
}

/*
 * The addresses of a STIX pattern.  Returns 0 when some were pending, 1
 * when the record names none it can index (counted), -1 when bad.
 */
static int
pattern_addrs(struct ingest *in, const struct jval *p)
{
	enum stix_status st;

	if (p->type != JV_STRING) {
		in->st.no_address++;
		return 1;
	}
	in->bad = 0;
	switch ((st = stix_addresses(p->s, p->len, stix_addr, in))) {
	case STIX_OK:
		return in->bad ? -1 : 0;
	case STIX_NOADDR:
		in->st.no_address++;
		return 1;
	case STIX_COMPOUND:
		in->st.compound++;
		return 1;
	case STIX_SYNTAX:
		break;
	}
	return reject(in, in->why, in->whylen, stix_strerror(st), p->s,
	    p->len);
}

/*
 * Step 2 for a row's TimeGenerated: 1 and *tg for a row in the lookback;
 * else the row is counted (no time, or too old), a bad time reported,
 * and the value to return for the row returned.
 */
static int
lookback(struct ingest *in, int64_t *tg)
{
	const struct jval *v = val(in, F_TIMEGENERATED);

	switch (time_of(v, tg)) {
	case 1:
		in->st.no_time++;
		return 0;
	case -1:
		in->st.no_time++;
		return time_reject(in, "TimeGenerated", v);
	}
	if (*tg < in->oldest) {
		in->st.too_old++;
		return 0;
	}
	return 1;
}

/*
 * The feed of a Sentinel row: its SourceSystem column, else the input's
 * name.
 */
static void
row_source(struct ingest *in, struct cand *c)
{
	const struct jval *v = val(in, F_SOURCESYSTEM);

	c->source = is_empty(v) ? in->source : intern_val(in, v);
	c->creator = TIDX_STRNULL;
}

/*
 * A STIX identity object: remember its name for the indicators whose
 * created_by_ref names it.
 */
static void
take_identity(struct ingest *in)
{
	const struct jval *id = val(in, S_ID), *name = val(in, S_NAME);
	uint32_t idref, nref;

	if (id->type != JV_STRING || id->len == 0 ||
	    name->type != JV_STRING || name->len == 0)
		return;
	idref = intern(in, id->s, id->len);
	nref = intern(in, name->s, name->len);
	if (idref >= TIDX_STRFULL || nref >= TIDX_STRFULL)
		return;
	*map_get(&in->names, idref) = nref;
}

/* A ThreatIntelligenceIndicator row (SPEC.md 2.1). */
static int
take_legacy(struct ingest *in)
{
	static const int order[5] = { F_NETWORKIP, F_NETWORKDESTINATIONIP,
	    F_NETWORKSOURCEIP, F_EMAILSOURCEIPADDRESS, F_NETWORKCIDRBLOCK };
	const struct jval *v, *addrv = NULL;
	struct cand	 c;
	int		 i, r, rc = 0;

	/* Step 1: the first non-empty address column. */
	for (i = 0; i < 5 && addrv == NULL; i++)
		if (!is_empty(v = val(in, order[i])))
			addrv = v;
	if (addrv == NULL) {
		in->st.no_address++;
		return 0;
	}
	/* Step 2: the lookback. */
	if ((r = lookback(in, &c.tg)) != 1)
		return r;
	/* Step 3. */
	if (addrv->type != JV_STRING) {
		in->st.bad_address++;
		return reject(in, in->why, in->whylen, "not an IP address",
		    NULL, 0);
	}
	if (pend_addr(in, addrv->s, addrv->len) == -1)
		return -1;
	v = val(in, F_EXPIRATIONDATETIME);
	c.has_exp = !is_empty(v);
	c.exp = KTIME_NONE;
	if (c.has_exp && time_of(v, &c.exp) == -1) {
		c.exp = NOEXPIRY_BAD;
		rc = time_reject(in, "ExpirationDateTime", v);
	}
	v = val(in, F_ACTIVE);
	c.active = ingest_truthy((int)v->type, v->s, v->len, v->b);
	v = val(in, F_CONFIDENCESCORE);
	if (ingest_confidence((int)v->type, v->s, v->len, &c.conf) == -1)
		c.conf = TIDX_CONF_NULL;
	v = val(in, F_INDICATORID);
	c.id = id_of(in, v);
	for (i = 0; i < 4; i++)
		c.meta[i] = intern_val(in, val(in, F_THREATTYPE + i));
	c.meta[4] = default_type(in, val(in, F_TYPE));
	row_source(in, &c);
	if (add_candidate(in, &c) == -1)
		return -1;
	return rc;
}

/* A ThreatIntelIndicators row: STIX in a Sentinel table. */
static int
take_tii(struct ingest *in)
{
	static const char *const keys[] = { "ipv4-addr:value",
	    "ipv6-addr:value", "network-traffic:src_ref.value",
	    "network-traffic:dst_ref.value" };
	const struct jval *v, *k;
	struct cand	 c;
	size_t		 i;
	int		 r, obs = 0;

	if ((r = lookback(in, &c.tg)) != 1)
		return r;
	/* The observable when it is an address, else the pattern. */
	k = val(in, T_OBSKEY);
	v = val(in, T_OBSVALUE);
	for (i = 0; k->type == JV_STRING && i < 4; i++)
		if (k->len == strlen(keys[i]) &&
		    memcmp(k->s, keys[i], k->len) == 0)
			obs = 1;
	if (obs && v->type == JV_STRING && v->len > 0) {
		if (pend_addr(in, v->s, v->len) == -1)
			return -1;
	} else {
		v = val(in, T_PATTERN);
		if (is_empty(v))
			v = val(in, T_DATAPATTERN);
		if ((r = pattern_addrs(in, v)) != 0)
			return r < 0 ? -1 : 0;
	}
	v = val(in, T_VALIDUNTIL);
	c.has_exp = 1;			/* No ValidUntil: no expiry. */
	c.exp = KTIME_NONE;
	if (time_of(v, &c.exp) == -1) {
		c.exp = NOEXPIRY_BAD;
		(void)time_reject(in, "ValidUntil", v);
		r = -1;
	} else
		r = 0;
	v = val(in, T_ISACTIVE);
	c.active = ingest_truthy((int)v->type, v->s, v->len, v->b);
	v = val(in, T_REVOKED);
	if (ingest_truthy((int)v->type, v->s, v->len, v->b))
		c.active = 0;
	v = val(in, T_ISDELETED);
	if (ingest_truthy((int)v->type, v->s, v->len, v->b))
		c.active = 0;
	v = val(in, T_CONFIDENCE);
	if (ingest_confidence((int)v->type, v->s, v->len, &c.conf) == -1)
		c.conf = TIDX_CONF_NULL;
	v = val(in, T_ID);
	c.id = id_of(in, v);
	c.meta[0] = first_of(in, val(in, T_DATATYPES));
	v = val(in, T_DATADESC);
	c.meta[1] = intern_val(in, is_empty(v) ? val(in, T_DATANAME) : v);
	c.meta[2] = activity_groups(in, val(in, T_DATALABELS));
	c.meta[3] = TIDX_STRNULL;
	c.meta[4] = default_type(in, val(in, F_TYPE));
	row_source(in, &c);
	if (add_candidate(in, &c) == -1)
		return -1;
	return r;
}

/* A STIX 2.1 object; only indicators are read. */
static int
take_stix(struct ingest *in)
{
	const struct jval *v;
	struct cand	 c;
	int		 r;

	v = val(in, S_TYPE);
	if (v->type != JV_STRING || v->len != 9 ||
	    memcmp(v->s, "indicator", 9) != 0) {
		if (v->type == JV_STRING && v->len == 8 &&
		    memcmp(v->s, "identity", 8) == 0)
			take_identity(in);
		in->st.not_indicator++;
		return 0;
	}
	v = val(in, S_PATTERNTYPE);
	if (v->type == JV_STRING && !(v->len == 4 &&
	    memcmp(v->s, "stix", 4) == 0)) {
		in->st.no_address++;	/* A Sigma, YARA ... pattern. */
		return 0;
	}
	/* The version time: modified, else created; no lookback. */
	v = val(in, S_MODIFIED);
	if (is_empty(v))
		v = val(in, S_CREATED);
	switch (time_of(v, &c.tg)) {
	case 1:
		c.tg = in->opts.now;
		break;
	case -1:
		return time_reject(in, "modified", v);
	}
	if ((r = pattern_addrs(in, val(in, S_PATTERN))) != 0)
		return r < 0 ? -1 : 0;
	v = val(in, S_VALIDUNTIL);
	c.has_exp = 1;
	c.exp = KTIME_NONE;
	r = 0;
	if (time_of(v, &c.exp) == -1) {
		c.exp = NOEXPIRY_BAD;
		r = time_reject(in, "valid_until", v);
	}
	v = val(in, S_REVOKED);
	c.active = !ingest_truthy((int)v->type, v->s, v->len, v->b);
	v = val(in, S_CONFIDENCE);
	if (ingest_confidence((int)v->type, v->s, v->len, &c.conf) == -1)
		c.conf = TIDX_CONF_NULL;
	v = val(in, S_ID);
	c.id = id_of(in, v);
	c.meta[0] = first_of(in, val(in, S_TYPES));
	v = val(in, S_DESCRIPTION);
	c.meta[1] = intern_val(in, is_empty(v) ? val(in, S_NAME) : v);
	c.meta[2] = activity_groups(in, val(in, S_LABELS));
	c.meta[3] = TIDX_STRNULL;
	c.meta[4] = intern(in, DEFAULT_TYPE, strlen(DEFAULT_TYPE));
	c.source = in->source;
	v = val(in, S_CREATEDBY);
	c.creator = v->type == JV_STRING && v->len > 0 ?
	    intern(in, v->s, v->len) : TIDX_STRNULL;
	if (add_candidate(in, &c) == -1)
		return -1;
	return r;
}

/*
 * 1 when the record is an indicator of a known form: a STIX indicator,
 * a ThreatIntelIndicators row, or an object with a column of the legacy
 * table.  Other STIX objects are neither (nor unknown).
 */
static int
legacy_form(struct ingest *in)
{
	int	 f;

	for (f = F_NETWORKIP; f <= F_SOURCESYSTEM; f++)
		if (val(in, f)->type != JV_ABSENT)
			return 1;
	return 0;
}

/* 1 when the STIX object's id reads type--suffix, as STIX ids do. */
static int
stix_id(struct ingest *in)
{
	const struct jval *v = val(in, S_ID);
	size_t	 i;

	for (i = 0; v->type == JV_STRING && i + 1 < v->len; i++)
		if (v->s[i] == '-' && v->s[i + 1] == '-')
			return i > 0;
	return 0;
}

/* One record of the jrec: tell its kind and take it. */
static int
take_record(struct ingest *in)
{
	const struct jval *t;

	in->st.rows++;
	in->npend = 0;
	if (!is_empty(t = val(in, S_TYPE))) {
		if (!stix_id(in))
			in->st.unknown++;
		else if (t->type == JV_STRING && t->len == 9 &&
		    memcmp(t->s, "indicator", 9) == 0)
			in->st.known++;
		return take_stix(in);
	}
	if (!is_empty(val(in, T_OBSKEY)) || !is_empty(val(in, T_OBSVALUE)) ||
	    !is_empty(val(in, T_PATTERN)) || !is_empty(val(in, T_ISACTIVE))) {
		in->st.known++;
		return take_tii(in);
	}
	if (legacy_form(in))
		in->st.known++;
	else
		in->st.unknown++;
	return take_legacy(in);
}

/* jrec callback for a line: keep the first bad record's reason. */
static int
each_row(void *arg, struct jrec *jr)
{
	struct ingest *in = arg;

	(void)jr;
	if (take_record(in) == -1 && in->rc == 0) {
		in->rc = -1;
		in->why = in->docwhy;	/* Keep the first reason only. */
		in->whylen = sizeof(in->docwhy);
	}
	return 0;
}

int
ingest_row(struct ingest *in, const char *line, size_t len, char *why,
    size_t whylen)
{
	in->why = why;
	in->whylen = whylen;
	in->rc = 0;
	switch (jrec_parse_records(in->jr, line, len, each_row, in)) {
	case JREC_EMPTY:
		in->st.blank++;
		return 0;
	case JREC_SYNTAX:
		in->st.rows++;
		in->st.unknown++;
		in->st.malformed++;
		in->st.rejected++;
		snprintf(why, whylen, "malformed JSON: %s", jrec_error(in->jr));
		return -1;
	case JREC_NOTOBJECT:
		in->st.rows++;
		in->st.unknown++;
		in->st.malformed++;
		return reject(in, why, whylen, jrec_bad_reason(in->jr), NULL,
		    0);
	case JREC_OK:
		break;
	}
	if (jrec_nonobjects(in->jr) > 0 && in->rc == 0) {
		in->st.malformed++;
		return reject(in, why, whylen, jrec_bad_reason(in->jr), NULL,
		    0);
	}
	return in->rc;
}

/* jrec callback for a document: report each bad record at its offset. */
static int
each_doc(void *arg, struct jrec *jr)
{
	struct ingest *in = arg;

	in->why = in->docwhy;
	in->whylen = sizeof(in->docwhy);
	if (take_record(in) == -1 && in->doc_bad != NULL)
		in->doc_bad(in->doc_arg, jrec_stream_position(jr), in->docwhy);
	return 0;
}

void
ingest_doc_begin(struct ingest *in,
    void (*bad)(void *, uint64_t, const char *), void *arg)
{
	in->doc_bad = bad;
	in->doc_arg = arg;
	jrec_stream_begin(in->jr, each_doc, in);
}

int
ingest_doc_feed(struct ingest *in, const char *buf, size_t len)
{
	return jrec_stream_feed(in->jr, buf, len) == JREC_OK ? 0 : -1;
}

int
ingest_doc_end(struct ingest *in)
{
	uint64_t n;

	if (jrec_stream_end(in->jr) != JREC_OK)
		return -1;
	if ((n = jrec_nonobjects(in->jr)) > 0) {
		in->st.unknown += n;
		in->st.malformed += n;
		in->st.rejected += n;
		snprintf(in->docwhy, sizeof(in->docwhy), "%llu bad %s, the "
		    "first: %s", (unsigned long long)n, n == 1 ? "record" :
		    "records", jrec_bad_reason(in->jr));
		return -2;
	}
	return 0;
}

const char *
ingest_doc_error(struct ingest *in, uint64_t *offset)
{
	if (jrec_error(in->jr)[0] != '\0') {
		in->st.malformed++;
		in->st.rejected++;
		snprintf(in->docwhy, sizeof(in->docwhy), "malformed JSON: %s",
		    jrec_error(in->jr));
	}
	*offset = jrec_error_offset(in->jr);
	return in->docwhy;
}

/*
 * The IndicatorId of a list entry: FEED:prefix, the prefix in canonical
 * form (RFC 5952 for IPv6, no length for a single address), so it does
 * not depend on how the list wrote it or where.
 */
static uint32_t
list_id(struct ingest *in, const struct caddr *ca)
{
	char	 buf[ADDR_STRLEN + 8], *out;
	const char *feed;
	uint32_t flen, ref;
	size_t	 n;

	addr_format(&ca->a, buf);
	n = strlen(buf);
	if (ca->plen < 128)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%u",
		    addr_is_v4(&ca->a) ? ca->plen - 96u : ca->plen);
	feed = tidx_builder_get(in->b, in->source, &flen);
	if (feed == NULL)
		flen = 0;
	out = xmalloc(flen + 1 + n);
	if (flen > 0)
		memcpy(out, feed, flen);
	out[flen] = ':';
	memcpy(out + flen + 1, buf, n);
	ref = intern(in, out, flen + 1 + n);
	free(out);
	return ref;
}

void
ingest_set_source(struct ingest *in, const char *name, size_t len)
{
	in->source = name == NULL ? TIDX_STRNULL : intern(in, name, len);
}

int
ingest_list_line(struct ingest *in, const char *line, size_t len,
    char *why, size_t whylen)
{
	const char *p = line, *end, *comment;
	struct cand c;
	size_t	 n = len, clen = 0;

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
	list_trim(&p, &n);
	if (n == 0) {
		in->st.blank++;
		return 0;
	}
	in->st.rows++;
	in->npend = 0;
	in->why = why;
	in->whylen = whylen;
	end = p;
	while (end < p + n && !isspace((unsigned char)*end))
		end++;
	if (end != p + n) {
		in->st.bad_address++;
		in->st.unknown++;
		return reject(in, why, whylen, "not an IP address or prefix",
		    p, n);
	}
	if (pend_addr(in, p, n) == -1) {
		in->st.unknown++;
		return -1;
	}
	in->st.known++;
	if (in->npend == 0) {		/* Excluded. */
		in->st.excluded++;
		return 0;
	}
	c.tg = in->opts.now;
	c.has_exp = 1;
	c.exp = in->opts.ttl > 0 && in->opts.now < KTIME_NONE - in->opts.ttl ?
	    in->opts.now + in->opts.ttl : KTIME_NONE;
	c.active = 1;
	c.conf = TIDX_CONF_NULL;
	c.source = in->source;
	c.creator = TIDX_STRNULL;
	c.id = list_id(in, &in->pend[in->npend - 1]);
	c.meta[0] = TIDX_STRNULL;
	c.meta[1] = clen > 0 ? intern(in, comment, clen) :
	    TIDX_STRNULL;
	c.meta[2] = c.meta[3] = TIDX_STRNULL;
	c.meta[4] = intern(in, DEFAULT_TYPE, strlen(DEFAULT_TYPE));
	return add_candidate(in, &c);
}

enum ingest_format
ingest_sniff(const char *buf, size_t len, int *document)
{
	int	 d = jrec_is_document(buf, len);
	size_t	 i;

	*document = d == 1;
	if (d >= 0)
		return INGEST_JSON;
	for (i = 0; i < len; i++)	/* Nothing but white space: JSON. */
		if (!isspace((unsigned char)buf[i]) &&
		    !(i < 3 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0))
			return INGEST_LIST;
	return INGEST_JSON;
}

/* Step 6 order: 1 when candidate x is preferred to y. */
static int
better(const struct ingest *in, const struct cand *x, const struct cand *y)
{
	const char *xs, *ys;
	uint32_t xl, yl;
	int	 c;

	if (x->tg != y->tg)
		return x->tg > y->tg;
	if (x->conf != y->conf)
		return x->conf > y->conf;	/* Null is INT32_MIN. */
	xs = tidx_builder_get(in->b, x->id, &xl);
	ys = tidx_builder_get(in->b, y->id, &yl);
	c = memcmp(xs, ys, xl < yl ? xl : yl);
	return c < 0 || (c == 0 && xl < yl);
}


/* Open-addressing map from address or prefix to candidate (step 6). */
struct amap {
	struct addr	*keys;
	uint8_t		*plens;
	uint32_t	*vals;		/* Candidate + 1; 0 empty. */
	size_t		 cap;
};

static size_t
amap_slot(const struct amap *m, const struct caddr *ca)
{
	size_t	 i = (hash_bytes(ca->a.b, 16) ^ ca->plen) & (m->cap - 1);

	while (m->vals[i] != 0 && (m->plens[i] != ca->plen ||
	    addr_cmp(&m->keys[i], &ca->a) != 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void
ingest_reserve(struct ingest *in, uint64_t bytes)
{
	tidx_builder_reserve(in->b, (size_t)(bytes / 256));
	map_reserve(&in->byid, (size_t)(bytes / 512));
}

struct tidx_builder *
ingest_builder(struct ingest *in)
{
	in->b_given = 1;
	return in->b;
}

/*
 * Step 5: an indicator that is not active, or has no expiry or one not
 * after now, keeps no address.  Returns the addresses left.
 */
static size_t
drop_inactive(struct ingest *in)
{
	size_t	 i, n = 0;

	for (i = 0; i < in->ncands; i++) {
		struct cand *c = &in->cands[i];

		if (!c->active) {
			in->st.inactive++;
			c->acount = 0;
		} else if (!c->has_exp || c->exp == NOEXPIRY_BAD ||
		    c->exp <= in->opts.now) {
			in->st.expired++;
			c->acount = 0;
		}
		n += c->acount;
	}
	return n;
}

static void
amap_init(struct amap *m, size_t n)
{
	for (m->cap = 16; m->cap < 2 * n; m->cap *= 2)
		;
	m->keys = xreallocarray(NULL, m->cap, sizeof(*m->keys));
	m->plens = xreallocarray(NULL, m->cap, sizeof(*m->plens));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	xalloc_huge(m->keys, m->cap * sizeof(*m->keys));
	xalloc_huge(m->plens, m->cap * sizeof(*m->plens));
	xalloc_huge(m->vals, m->cap * sizeof(*m->vals));
}

/* Step 6: the best candidate per address, in m. */
static void
choose(struct ingest *in, struct amap *m)
{
	size_t	 i, j, s;

	for (i = 0; i < in->ncands; i++) {
		const struct cand *c = &in->cands[i];

		for (j = 0; j < c->acount; j++) {
			const struct caddr *ca = &in->addrs[c->afirst + j];

			s = amap_slot(m, ca);
			if (m->vals[s] == 0) {
				m->keys[s] = ca->a;
				m->plens[s] = ca->plen;
				m->vals[s] = (uint32_t)i + 1;
			} else if (m->vals[s] != i + 1) {
				in->st.shadowed++;
				if (better(in, c, &in->cands[m->vals[s] - 1]))
					m->vals[s] = (uint32_t)i + 1;
			}
		}
	}
}

/* Hand candidate c to the builder as a record; its number, or -1. */
static int64_t
emit_record(const struct ingest *in, struct tidx_builder *b,
    const struct cand *c)
{
	struct tidx_rec_ref r;
	uint32_t name;

	r.time_generated = c->tg;
	r.expiration = c->exp;
	r.confidence = c->conf;
	r.id = c->id;
	r.threat_type = c->meta[0];
	r.description = c->meta[1];
	r.activity_groups = c->meta[2];
	r.url = c->meta[3];
	r.type = c->meta[4];
	r.source = c->source;
	if (c->creator != TIDX_STRNULL &&
	    (name = map_find(&in->names, c->creator)) != UINT32_MAX)
		r.source = name;
	return tidx_builder_record(b, &r);
}

/*
 * Emit candidate i with the addresses it won in m (marked emitted, so
 * each goes once); no record when it won none.
 */
static enum tidx_status
emit(struct ingest *in, struct tidx_builder *b, struct amap *m, size_t i)
{
	const struct cand *c = &in->cands[i];
	const struct caddr *ca;
	enum tidx_status rc;
	int64_t	 rec = -1;
	size_t	 j, s;

	for (j = 0; j < c->acount; j++) {
		ca = &in->addrs[c->afirst + j];
		if (m->vals[s = amap_slot(m, ca)] != i + 1)
			continue;
		if (rec == -1) {
			if ((rec = emit_record(in, b, c)) == -1)
				return TIDX_ERR_TOOBIG;
			in->st.indicators++;
		}
		rc = ca->plen == 128 ? tidx_builder_addr(b, &ca->a, ca->text,
		    (uint64_t)rec) : tidx_builder_prefix(b, &ca->a, ca->plen,
		    ca->text, (uint64_t)rec);
		if (rc != TIDX_OK)
			return rc;
		m->vals[s] = UINT32_MAX;	/* Emitted. */
		in->st.addresses++;
	}
	return TIDX_OK;
}

enum tidx_status
ingest_finish(struct ingest *in, struct tidx_builder *b)
{
	struct amap	 m;
	size_t		 i;
	enum tidx_status rc = TIDX_OK;

	amap_init(&m, drop_inactive(in));
	choose(in, &m);
	/* Winners in first-seen order. */
	for (i = 0; i < in->ncands && rc == TIDX_OK; i++)
		rc = emit(in, b, &m, i);
	free(m.keys);
	free(m.plens);
	free(m.vals);
	return rc;
}

uint64_t
ingest_doc_handled(struct ingest *in)
{
	return jrec_stream_handled(in->jr);
}
