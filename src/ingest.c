/*
 * ingest.c: SPEC.md section 2.1 over ThreatIntelligenceIndicator rows.
 * See ingest.h.
 *
 * Rows that pass steps 1-3 become candidates, at most one per IndicatorId
 * (step 4 keeps the latest, the later one on a tie).  Strings are interned
 * in the module's own pool, so a superseded row's strings never reach the
 * index.  ingest_finish() applies step 5, then step 6 with a hash table
 * from address to the best candidate so far, and emits the winners in the
 * order their indicators were first seen, which makes the index a function
 * of its input.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "ingest.h"
#include "jrec.h"
#include "ktime.h"
#include "strpool.h"
#include "xalloc.h"

enum {
	F_NETWORKIP, F_NETWORKDESTINATIONIP, F_NETWORKSOURCEIP,
	F_EMAILSOURCEIPADDRESS, F_TIMEGENERATED, F_INDICATORID, F_ACTIVE,
	F_EXPIRATIONDATETIME, F_CONFIDENCESCORE, F_THREATTYPE, F_DESCRIPTION,
	F_ACTIVITYGROUPNAMES, F_URL, F_TYPE, NFIELDS
};

static const struct jfield fields[NFIELDS] = {
	{ { "NetworkIP" } }, { { "NetworkDestinationIP" } },
	{ { "NetworkSourceIP" } }, { { "EmailSourceIpAddress" } },
	{ { "TimeGenerated" } }, { { "IndicatorId" } }, { { "Active" } },
	{ { "ExpirationDateTime" } }, { { "ConfidenceScore" } },
	{ { "ThreatType" } }, { { "Description" } },
	{ { "ActivityGroupNames" } }, { { "Url" } }, { { "Type" } }
};

#define NOEXPIRY_BAD	INT64_MIN	/* Expiry present but unparsable. */
#define DEFAULT_TYPE	"ThreatIntelligenceIndicator"

/* A row that passed steps 1-3; its addresses are in the caddr array. */
struct cand {
	int64_t	 tg, exp;	/* exp: KTIME_NONE none, NOEXPIRY_BAD bad. */
	int32_t	 conf;		/* TIDX_CONF_NULL: null. */
	uint32_t id;		/* strref; also the step-4 key. */
	uint32_t meta[5];	/* ThreatType .. Type strrefs. */
	uint32_t afirst, acount;
	int	 active;
	int	 has_exp;
};

struct caddr {
	struct addr a;
	uint32_t text;		/* strref of the address as written. */
};

/* Open-addressing map of 32-bit keys to 32-bit values. */
struct u32map {
	uint32_t *keys, *vals;
	size_t	  n, cap;	/* cap a power of two; key ~0 empty. */
};

struct ingest {
	struct ingest_opts	 opts;
	int64_t			 oldest;	/* now - lookback. */
	struct ingest_stats	 st;
	struct jrec		*jr;
	struct strpool		*sp;
	struct cand		*cands;
	size_t			 ncands, capcands;
	struct caddr		*addrs;
	size_t			 naddrs, capaddrs;
	struct u32map		 byid;
};

static void
map_init(struct u32map *m, size_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->keys = xreallocarray(NULL, cap, sizeof(uint32_t));
	m->vals = xreallocarray(NULL, cap, sizeof(uint32_t));
	memset(m->keys, 0xff, cap * sizeof(uint32_t));
}

static size_t
map_slot(const struct u32map *m, uint32_t k)
{
	size_t	 i = ((uint64_t)k * 0x9E3779B97F4A7C15ULL >> 32) & (m->cap - 1);

	while (m->keys[i] != UINT32_MAX && m->keys[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Return a pointer to k's value, inserting it (value ~0) when new. */
static uint32_t *
map_get(struct u32map *m, uint32_t k)
{
	size_t	 i;

	if (2 * (m->n + 1) > m->cap) {
		struct u32map old = *m;

		map_init(m, old.cap * 2);
		for (i = 0; i < old.cap; i++)
			if (old.keys[i] != UINT32_MAX) {
				size_t j = map_slot(m, old.keys[i]);

				m->keys[j] = old.keys[i];
				m->vals[j] = old.vals[i];
				m->n++;
			}
		free(old.keys);
		free(old.vals);
	}
	i = map_slot(m, k);
	if (m->keys[i] == UINT32_MAX) {
		m->keys[i] = k;
		m->vals[i] = UINT32_MAX;
		m->n++;
	}
	return &m->vals[i];
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
	in->sp = strpool_new();
	map_init(&in->byid, 1024);
	return in;
}

void
ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	jrec_free(in->jr);
	strpool_free(in->sp);
	free(in->cands);
	free(in->addrs);
	free(in->byid.keys);
	free(in->byid.vals);
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
	    !json_is_number(s, len))
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

static uint32_t
intern_val(struct ingest *in, const struct jval *v)
{
	if (v->type == JV_STRING || v->type == JV_NUMBER)
		return strpool_intern(in->sp, v->s, v->len);
	if (v->type == JV_BOOL)
		return strpool_intern(in->sp, v->b ? "true" : "false",
		    v->b ? 4 : 5);
	return STRPOOL_NULL;
}

/*
 * Count a bad row and say why: msg, then, when val is not NULL, a quoted,
 * printable prefix of the bad value.
 */
static int
reject(struct ingest *in, char *why, size_t whylen, const char *msg,
    const char *val, size_t vallen)
{
	char	 clip[64];
	size_t	 i, n = vallen < sizeof(clip) - 1 ? vallen : sizeof(clip) - 1;

	if (val == NULL)
		snprintf(why, whylen, "%s", msg);
	else {
		memcpy(clip, val, n);
		clip[n] = '\0';
		for (i = 0; i < n; i++)
			if ((unsigned char)clip[i] < 0x20 || clip[i] == 0x7f ||
			    clip[i] == '"')
				clip[i] = '?';
		snprintf(why, whylen, "%s: \"%s\"%s", msg, clip,
		    n < vallen ? "..." : "");
	}
	in->st.rejected++;
	return -1;
}

int
ingest_row(struct ingest *in, const char *line, size_t len, char *why,
    size_t whylen)
{
	static const int order[4] = { F_NETWORKIP, F_NETWORKDESTINATIONIP,
	    F_NETWORKSOURCEIP, F_EMAILSOURCEIPADDRESS };
	const struct jval *v, *addrv = NULL;
	struct cand	 c;
	struct addr	 a;
	uint32_t	*slot, idref;
	int		 i, rc = 0;

	switch (jrec_parse(in->jr, line, len)) {
	case JREC_EMPTY:
		in->st.blank++;
		return 0;
	case JREC_SYNTAX:
		in->st.rows++;
		in->st.malformed++;
		snprintf(why, whylen, "malformed JSON: %s", jrec_error(in->jr));
		in->st.rejected++;
		return -1;
	case JREC_NOTOBJECT:
		in->st.rows++;
		in->st.malformed++;
		return reject(in, why, whylen, "not a JSON object", NULL, 0);
	case JREC_OK:
		break;
	}
	in->st.rows++;

	/* Step 1: the first non-empty address column. */
	for (i = 0; i < 4; i++) {
		v = jrec_get(in->jr, (size_t)order[i]);
		if (!is_empty(v)) {
			addrv = v;
			break;
		}
	}
	if (addrv == NULL) {
		in->st.no_address++;
		return 0;
	}

	/* Step 2: the lookback. */
	v = jrec_get(in->jr, F_TIMEGENERATED);
	if (is_empty(v)) {
		in->st.no_time++;
		return 0;
	}
	if (v->type != JV_STRING || ktime_parse(v->s, v->len, &c.tg) == -1) {
		in->st.no_time++;
		return reject(in, why, whylen, "TimeGenerated is not a time",
		    v->type == JV_STRING ? v->s : NULL, v->len);
	}
	if (c.tg < in->oldest) {
		in->st.too_old++;
		return 0;
	}

	/* Step 3: parse and exclude. */
	if (addrv->type != JV_STRING ||
	    addr_parse(addrv->s, addrv->len, &a) == -1) {
		in->st.bad_address++;
		return reject(in, why, whylen, "not an IP address",
		    addrv->type == JV_STRING ? addrv->s : NULL, addrv->len);
	}
	if (addr_excluded(&a)) {
		in->st.excluded++;
		return 0;
	}

	/* The rest of the row. */
	v = jrec_get(in->jr, F_EXPIRATIONDATETIME);
	c.has_exp = !is_empty(v);
	c.exp = KTIME_NONE;
	if (c.has_exp && (v->type != JV_STRING ||
	    ktime_parse(v->s, v->len, &c.exp) == -1)) {
		c.exp = NOEXPIRY_BAD;
		rc = reject(in, why, whylen,
		    "ExpirationDateTime is not a time",
		    v->type == JV_STRING ? v->s : NULL, v->len);
	}
	v = jrec_get(in->jr, F_ACTIVE);
	c.active = ingest_truthy((int)v->type, v->s, v->len, v->b);
	v = jrec_get(in->jr, F_CONFIDENCESCORE);
	if (ingest_confidence((int)v->type, v->s, v->len, &c.conf) == -1)
		c.conf = TIDX_CONF_NULL;
	v = jrec_get(in->jr, F_INDICATORID);
	/* Kusto groups a missing IndicatorId with "". */
	idref = is_empty(v) ? strpool_intern(in->sp, "", 0) :
	    intern_val(in, v);
	c.id = idref;
	for (i = 0; i < 4; i++)
		c.meta[i] = intern_val(in, jrec_get(in->jr,
		    (size_t)(F_THREATTYPE + i)));
	v = jrec_get(in->jr, F_TYPE);
	c.meta[4] = is_empty(v) ? strpool_intern(in->sp, DEFAULT_TYPE,
	    strlen(DEFAULT_TYPE)) : intern_val(in, v);
	if (in->naddrs == in->capaddrs) {
		in->capaddrs = in->capaddrs ? in->capaddrs * 2 : 1024;
		in->addrs = xreallocarray(in->addrs, in->capaddrs,
		    sizeof(*in->addrs));
	}
	in->addrs[in->naddrs].a = a;
	in->addrs[in->naddrs].text = strpool_intern(in->sp, addrv->s,
	    addrv->len);
	c.afirst = (uint32_t)in->naddrs++;
	c.acount = 1;
	for (i = 0; i < 5; i++)
		if (c.meta[i] == STRPOOL_FULL)
			idref = STRPOOL_FULL;
	if (idref == STRPOOL_FULL || in->addrs[c.afirst].text == STRPOOL_FULL ||
	    in->ncands >= UINT32_MAX - 1) {
		in->naddrs--;
		return reject(in, why, whylen,
		    "too many indicators for one index", NULL, 0);
	}

	/* Step 4: the latest row per IndicatorId; later wins a tie. */
	slot = map_get(&in->byid, idref);
	if (*slot == UINT32_MAX) {
		if (in->ncands == in->capcands) {
			in->capcands = in->capcands ? in->capcands * 2 : 1024;
			in->cands = xreallocarray(in->cands, in->capcands,
			    sizeof(*in->cands));
		}
		*slot = (uint32_t)in->ncands;
		in->cands[in->ncands++] = c;
	} else if (c.tg >= in->cands[*slot].tg) {
		in->cands[*slot] = c;
		in->st.superseded++;
	} else
		in->st.superseded++;
	return rc;
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
	xs = strpool_get(in->sp, x->id, &xl);
	ys = strpool_get(in->sp, y->id, &yl);
	c = memcmp(xs, ys, xl < yl ? xl : yl);
	return c < 0 || (c == 0 && xl < yl);
}

static struct tidx_str
get(const struct ingest *in, uint32_t ref)
{
	struct tidx_str s;

	s.p = strpool_get(in->sp, ref, &s.len);
	return s;
}

/* Open-addressing map from address to candidate, for step 6. */
struct amap {
	struct addr	*keys;
	uint32_t	*vals;		/* Candidate + 1; 0 empty. */
	size_t		 cap;
};

static size_t
amap_slot(const struct amap *m, const struct addr *a)
{
	size_t	 i = hash_bytes(a->b, 16) & (m->cap - 1);

	while (m->vals[i] != 0 && addr_cmp(&m->keys[i], a) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

enum tidx_status
ingest_finish(struct ingest *in, struct tidx_builder *b)
{
	struct amap	 m;
	size_t		 i, j, n = 0;
	int64_t		 rec;
	enum tidx_status rc = TIDX_OK;

	/* Step 5; the survivors' addresses size the map. */
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
	for (m.cap = 16; m.cap < 2 * n; m.cap *= 2)
		;
	m.keys = xreallocarray(NULL, m.cap, sizeof(*m.keys));
	m.vals = xcalloc(m.cap, sizeof(*m.vals));

	/* Step 6: the best candidate per address. */
	for (i = 0; i < in->ncands; i++) {
		const struct cand *c = &in->cands[i];

		for (j = 0; j < c->acount; j++) {
			const struct addr *a = &in->addrs[c->afirst + j].a;
			size_t	 s = amap_slot(&m, a);

			if (m.vals[s] == 0) {
				m.keys[s] = *a;
				m.vals[s] = (uint32_t)i + 1;
			} else if (m.vals[s] != i + 1) {
				in->st.shadowed++;
				if (better(in, c, &in->cands[m.vals[s] - 1]))
					m.vals[s] = (uint32_t)i + 1;
			}
		}
	}

	/* Emit winners in first-seen order; each address once. */
	for (i = 0; i < in->ncands && rc == TIDX_OK; i++) {
		const struct cand *c = &in->cands[i];
		struct tidx_rec_in r;

		rec = -1;
		for (j = 0; j < c->acount; j++) {
			const struct caddr *ca = &in->addrs[c->afirst + j];
			size_t	 s = amap_slot(&m, &ca->a);

			if (m.vals[s] != i + 1)
				continue;
			if (rec == -1) {
				r.time_generated = c->tg;
				r.expiration = c->exp;
				r.confidence = c->conf;
				r.id = get(in, c->id);
				r.threat_type = get(in, c->meta[0]);
				r.description = get(in, c->meta[1]);
				r.activity_groups = get(in, c->meta[2]);
				r.url = get(in, c->meta[3]);
				r.type = get(in, c->meta[4]);
				if ((rec = tidx_builder_record(b, &r)) == -1) {
					rc = TIDX_ERR_TOOBIG;
					break;
				}
				in->st.indicators++;
			}
			if ((rc = tidx_builder_addr(b, &ca->a,
			    get(in, ca->text), (uint64_t)rec)) != TIDX_OK)
				break;
			m.vals[s] = UINT32_MAX;	/* Emitted. */
			in->st.addresses++;
		}
	}
	free(m.keys);
	free(m.vals);
	return rc;
}
