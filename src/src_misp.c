/*
 * src_misp.c: MISP's own JSON (SPEC.md 5): events with or without the
 * {"Event":{...}} wrapper, restSearch answers {"response":[{"Event":
 * ...}, ...]}, attribute search results {"response":{"Attribute":
 * [...]}}, and arrays of events, on one line or over many.
 *
 * The text is read with a streaming yajl parser of its own, since
 * attributes nest (Event.Attribute[] and Event.Object[].Attribute[]):
 *
 * - An attribute is an object that is an element of an array that is the
 *   value of a member named "Attribute", at any depth up to MISP_MAXDEPTH
 *   levels, outside another attribute.  Its members type, value, to_ids,
 *   deleted, category, comment, uuid and timestamp are read (the last of
 *   a repeated member counts), and the info of an "Event" object inside
 *   it (as attribute search results have).
 * - An event is an object that is the value of a member named "Event"
 *   (outside an attribute), or a top-level object (or element of a
 *   top-level array) whose first member is neither "Event" nor
 *   "response" (a bare event).  Its attributes are those inside it and
 *   no inner event.  Its Orgc.name names their feed (SourceSystem), and
 *   its info is their Description when they have no comment.  An
 *   attribute outside any event (an attribute search result) has the
 *   input's feed (--source, else the file's name).
 *
 * Members of an event come in any order: an attribute read before both
 * the event's Orgc and info is held until they have been read or the
 * event ends, then taken.  At most MISP_HOLD_MAX bytes are held: past
 * that, and when the text breaks off (a syntax error), the held
 * attributes are taken with what is known of their event so far.
 *
 * Mapping: ip-src and ip-dst give their value; ip-src|port and
 * ip-dst|port the part before the last '|'; domain|ip the part after
 * the first '|'; other types name no address (counted as no_address).
 * The uuid is the IndicatorId (else FEED:address, as for list entries),
 * category the ThreatType, timestamp (epoch seconds, a string or a
 * number, or an ISO 8601 time) the version time (now when missing); the
 * indicator has no expiry unless --ttl, and is not aged by the lookback.
 * An attribute with to_ids false (false, 0, "0", "false") or deleted
 * (true, 1, "1", "true") is taken as not active, as MISP2Sentinel skips
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_parse.h>

#include "ktime.h"
#include "source.h"
#include "tidx.h"
#include "utf8.h"
#include "xalloc.h"

#define MISP_MAXDEPTH	64		/* Levels of nesting read. */
#define MISP_HOLD_MAX	(16 << 20)	/* Bytes of attributes held. */

/* ---------------------------------------------------------------------
 * The claim: is a text MISP's?
 */

/* The members of other JSON forms that hold their records (ingest.c). */
static const char *const others[] = { "records", "objects", "value",
    "indicators", "tables", NULL };

enum { P_NONE, P_EVENT, P_RESPONSE, P_ATTR };

struct sniff {
	int	 depth;		/* Containers open. */
	int	 lvl1;		/* Depth of the first level-1 object, or 0. */
	int	 top_array;	/* The text is an array. */
	int	 seen_elem;	/* Its first element has begun. */
	int	 first;		/* The next key is the level-1 object's first. */
	int	 pend;		/* What the next value decides (P_*). */
	int	 verdict;	/* -1 undecided, 0 no, 1 yes. */
};

static int
is_key(const unsigned char *k, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(k, name, len) == 0;
}

/* A verdict stops the parse (yajl_status_client_canceled). */
static int
decide(struct sniff *s, int v)
{
	s->verdict = v;
	return 0;
}

static int
sn_scalar(struct sniff *s)
{
	s->pend = P_NONE;
	if (s->depth == 0)
		return decide(s, 0);
	if (s->top_array && s->depth == 1 && !s->seen_elem)
		return decide(s, 0);
	s->seen_elem |= s->depth == 1;
	return 1;
}

static int sn_null(void *a) { return sn_scalar(a); }
static int sn_bool(void *a, int b) { (void)b; return sn_scalar(a); }
static int sn_num(void *a, const char *s, size_t l)
{
	(void)s;
	(void)l;
	return sn_scalar(a);
}
static int sn_str(void *a, const unsigned char *s, size_t l)
{
	(void)s;
	(void)l;
	return sn_scalar(a);
}

static int
sn_start_map(void *arg)
{
	struct sniff *s = arg;

	if (s->pend == P_EVENT || s->pend == P_RESPONSE)
		return decide(s, 1);
	s->pend = P_NONE;
	if (s->depth == 0) {
		s->lvl1 = 1;
		s->first = 1;
	} else if (s->top_array && s->depth == 1 && !s->seen_elem) {
		s->lvl1 = 2;
		s->first = 1;
	}
	s->seen_elem |= s->depth == 1;
	s->depth++;
	return 1;
}

static int
sn_start_array(void *arg)
{
	struct sniff *s = arg;

	if (s->pend == P_ATTR || s->pend == P_RESPONSE)
		return decide(s, 1);
	s->pend = P_NONE;
	if (s->depth == 0)
		s->top_array = 1;
	else if (s->top_array && s->depth == 1 && !s->seen_elem)
		return decide(s, 0);
	s->seen_elem |= s->depth == 1;
	s->depth++;
	return 1;
}

static int
sn_key(void *arg, const unsigned char *k, size_t len)
{
	struct sniff *s = arg;
	size_t	 i;

	s->pend = P_NONE;
	if (s->lvl1 != 0 && s->depth == s->lvl1) {
		if (s->first) {
			s->first = 0;
			if (is_key(k, len, "Event"))
				s->pend = P_EVENT;
			else if (s->lvl1 == 1 && is_key(k, len, "response"))
				s->pend = P_RESPONSE;
		}
		for (i = 0; others[i] != NULL; i++)
			if (is_key(k, len, others[i]))
				return decide(s, 0);
	}
	if (is_key(k, len, "Attribute"))
		s->pend = P_ATTR;
	return 1;
}

static int
sn_end(void *arg)
{
	struct sniff *s = arg;

	s->pend = P_NONE;
	/* The first level-1 object, or the top array, ended. */
	if (s->depth-- == s->lvl1 || s->depth == 0)
		return decide(s, 0);
	return 1;
}

static const yajl_callbacks sniff_callbacks = {
	sn_null, sn_bool, NULL, NULL, sn_num, sn_str, sn_start_map, sn_key,
	sn_end, sn_start_array, sn_end
};

/*
 * 1 when the n bytes at p hold "Attribute", "Event" or "response", quotes
 * included: one pass over the quotes, each followed by a name's first
 * letter compared in full.
 */
static int
holds_name(const char *p, size_t n)
{
	static const char *const names[] = { "\"Attribute\"", "\"Event\"",
	    "\"response\"" };
	const char *e = p + n, *q, *name;
	size_t	 k;

	for (; p < e && (q = memchr(p, '"', (size_t)(e - p))) != NULL;
	    p = q + 1) {
		if (q + 1 == e)
			break;
		switch (q[1]) {
		case 'A': name = names[0]; break;
		case 'E': name = names[1]; break;
		case 'r': name = names[2]; break;
		default: continue;
		}
		k = strlen(name);
		if ((size_t)(e - q) >= k && memcmp(q, name, k) == 0)
			return 1;
	}
	return 0;
}

/* Past a UTF-8 byte-order mark. */
static size_t
bom(const char *buf, size_t len)
{
	return len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/*
 * A MISP text: the first member of its top-level object (or of the first
 * element of its top-level array) is "Event" with an object, or
 * "response" with an array or object; or a member named "Attribute"
 * holds an array before that object ends and before a member that holds
 * another form's records (records, objects, value, indicators, tables)
 * at its level.  Only the first SOURCE_DOC_CLAIM_MAX bytes are looked at.
 */
static enum source_doc_claim
misp_claim(const char *buf, size_t len, int complete)
{
	struct sniff s;
	yajl_handle h;
	yajl_status ys;
	size_t	 skip = bom(buf, len), n;
	const char *p = buf + skip;

	n = len - skip;
	if (n > SOURCE_DOC_CLAIM_MAX)
		n = SOURCE_DOC_CLAIM_MAX;
	/* A quick look first: a whole text without the names is not. */
	if (complete && !holds_name(p, n))
		return SOURCE_DOC_NO;
	memset(&s, 0, sizeof(s));
	s.verdict = -1;
	h = yajl_alloc(&sniff_callbacks, &xalloc_yajl_funcs, &s);
	yajl_config(h, yajl_dont_validate_strings, 1);
	ys = yajl_parse(h, (const unsigned char *)p, n);
	yajl_free(h);
	if (s.verdict == 1)
		return SOURCE_DOC_YES;
	if (s.verdict == 0 || ys != yajl_status_ok || complete ||
	    len >= SOURCE_DOC_CLAIM_MAX)
		return SOURCE_DOC_NO;
	return SOURCE_DOC_MORE;
}

/* ---------------------------------------------------------------------
 * The reader.
 */

enum {
	F_TYPE, F_VALUE, F_TOIDS, F_DELETED, F_CATEGORY, F_COMMENT, F_UUID,
	F_TIMESTAMP,
	F_INFO,			/* The info of the attribute's own Event. */
	NF
};

static const char *const fnames[F_INFO] = { "type", "value", "to_ids",
    "deleted", "category", "comment", "uuid", "timestamp" };

/* What a container is. */
enum role {
	R_OTHER,	/* Anything else: its members are looked at. */
	R_IGNORE,	/* Inside an attribute, Orgc or info: passed over. */
	R_LVL1,		/* A level-1 object before its first member. */
	R_WRAP,		/* A level-1 object starting with Event or response. */
	R_SCOPE,	/* An event. */
	R_ATTRS,	/* An array of attributes. */
	R_ATTR,		/* An attribute. */
	R_ORGC,		/* An event's Orgc. */
	R_AEVENT	/* An attribute's Event. */
};

/* What the value of the current member of a map is. */
enum next {
	V_NONE, V_EVENT, V_ATTRS, V_ORGC, V_INFO, V_ORGCNAME, V_AEVENT,
	V_FIELD		/* + the field (F_*). */
};

struct frame {
	uint8_t	 map;
	uint8_t	 role;
	uint8_t	 next;
	uint8_t	 scope;		/* R_SCOPE: its index in sc[]. */
};

/* A string of its own. */
struct str {
	char	*s;
	size_t	 len, cap;
};

struct scope {
	struct str orgc, info;
	int	 has_orgc, has_info;	/* Orgc ended; info was read. */
	size_t	 first;		/* Its first held attribute. */
};

/* A value of an attribute. */
struct fval {
	uint8_t	 type;		/* JV_*. */
	uint8_t	 b;		/* JV_BOOL. */
	size_t	 off, len;	/* Of the text (a held one: in hbuf). */
};

struct attr {
	struct fval f[NF];
	uint64_t end;		/* Offset just past it. */
	size_t	 scope;		/* Index of its event in sc[], or SIZE_MAX. */
	size_t	 hoff;		/* Held: where its texts start in hbuf. */
};

struct misp {
	struct ingest	*in;
	yajl_handle	 h;
	void		(*bad)(void *, uint64_t);
	void		*arg;
	struct frame	 fr[MISP_MAXDEPTH];
	int		 depth;
	uint64_t	 deep;		/* Levels open past MISP_MAXDEPTH. */
	struct scope	 sc[MISP_MAXDEPTH];
	size_t		 nsc;
	/* The attribute being read: its texts, one buffer each. */
	struct attr	 cur;
	struct str	 ctext[NF];
	/* Held attributes. */
	struct attr	*held;
	size_t		 nheld, capheld;
	struct str	 hbuf;
	uint64_t	 consumed;	/* Bytes of the text before this piece. */
	uint64_t	 handled;
	int		 seen;		/* Something of MISP's form. */
	char		 err[256];
	uint64_t	 erroff;
};

static void
str_set(struct str *d, const char *s, size_t len, int sanitize)
{
	size_t	 need = sanitize ? 3 * len : len;

	if (need + 1 > d->cap) {
		d->cap = need + 1;
		d->s = xreallocarray(d->s, d->cap, 1);
	}
	d->len = sanitize ? utf8_sanitize(d->s, s, len) : len;
	if (!sanitize)
		memcpy(d->s, s, len);
}

static void
str_append(struct str *d, const char *s, size_t len)
{
	if (d->len + len + 1 > d->cap) {
		while (d->len + len + 1 > d->cap)
			d->cap = d->cap ? 2 * d->cap : 4096;
		d->s = xreallocarray(d->s, d->cap, 1);
	}
	memcpy(d->s + d->len, s, len);
	d->len += len;
}

static uint64_t
pos(const struct misp *m)
{
	return m->consumed + (m->h != NULL ? yajl_get_bytes_consumed(m->h) :
	    0);
}

/* ---- Taking an attribute. ---- */

/* An attribute's values, wherever they are kept. */
struct view {
	const char *s[NF];
	size_t	 len[NF];
	uint8_t	 type[NF], b[NF];
};

static int
vis(const struct view *a, int f, const char *s)
{
	return a->type[f] == JV_STRING && a->len[f] == strlen(s) &&
	    memcmp(a->s[f], s, a->len[f]) == 0;
}

static int
vstring(const struct view *a, int f)
{
	return a->type[f] == JV_STRING && a->len[f] > 0;
}

/* A flag's value: 1 true, 0 false, -1 neither (missing, null, other). */
static int
vflag(const struct view *a, int f)
{
	const char *s = a->s[f];
	size_t	 n = a->len[f];

	switch (a->type[f]) {
	case JV_BOOL:
		return a->b[f];
	case JV_NUMBER:
	case JV_STRING:
		if ((n == 1 && s[0] == '1') ||
		    (n == 4 && strncasecmp(s, "true", 4) == 0))
			return 1;
		if ((n == 1 && s[0] == '0') ||
		    (n == 5 && strncasecmp(s, "false", 5) == 0))
			return 0;
		return -1;
	default:
		return -1;
	}
}

/* The version time: 0 and *t, or -1 when the timestamp is bad. */
static int
vtime(struct misp *m, const struct view *a, int64_t *t)
{
	const char *s = a->s[F_TIMESTAMP];
	size_t	 n = a->len[F_TIMESTAMP], i;
	int64_t	 secs = 0;

	if (a->type[F_TIMESTAMP] != JV_STRING &&
	    a->type[F_TIMESTAMP] != JV_NUMBER) {
		if (a->type[F_TIMESTAMP] != JV_ABSENT &&
		    a->type[F_TIMESTAMP] != JV_NULL)
			return -1;
		*t = ingest_now(m->in);
		return 0;
	}
	if (n == 0) {
		*t = ingest_now(m->in);
		return 0;
	}
	for (i = 0; i < n && i < 12 && s[i] >= '0' && s[i] <= '9'; i++)
		secs = secs * 10 + (s[i] - '0');
	if (i == n) {
		*t = secs * KTIME_TICKS_PER_SEC;
		return 0;
	}
	if (a->type[F_TIMESTAMP] == JV_STRING && ktime_parse(s, n, t) == 0)
		return 0;
	return -1;
}

/*
 * Where the address of an attribute of type ty is in its value: 1 the
 * whole value, 2 before the last '|', 3 after the first '|'; 0 none.
 */
static int
addr_kind(const struct view *a)
{
	if (vis(a, F_TYPE, "ip-src") || vis(a, F_TYPE, "ip-dst"))
		return 1;
	if (vis(a, F_TYPE, "ip-src|port") || vis(a, F_TYPE, "ip-dst|port"))
		return 2;
	if (vis(a, F_TYPE, "domain|ip"))
		return 3;
	return 0;
}

static uint32_t
intern_str(struct ingest *in, const char *s, size_t len)
{
	return len > 0 ? ingest_intern(in, s, len) : TIDX_STRNULL;
}

/* Take an attribute of event sc (NULL: none). */
static int
take(struct misp *m, const struct view *a, const struct scope *sc)
{
	struct ingest *in = m->in;
	struct ingest_stats *st = ingest_counts(in);
	struct source_rec r;
	int	 rc;
	const char *s = a->s[F_VALUE], *bar;
	size_t	 n = a->len[F_VALUE];
	int	 kind;

	ingest_begin_record(in);
	st->known++;
	if ((kind = addr_kind(a)) == 0 || a->type[F_VALUE] == JV_ABSENT ||
	    a->type[F_VALUE] == JV_NULL ||
	    (a->type[F_VALUE] == JV_STRING && n == 0)) {
		st->no_address++;
		return 0;
	}
	if (a->type[F_VALUE] != JV_STRING) {
		st->bad_address++;
		return ingest_reject(in, "attribute value is not a string",
		    NULL, 0);
	}
	if (kind == 2) {
		for (bar = s + n; bar > s && bar[-1] != '|'; bar--)
			;
		bar = bar > s ? bar - 1 : NULL;
	} else
		bar = kind == 3 ? memchr(s, '|', n) : NULL;
	if (kind != 1 && bar == NULL) {
		st->bad_address++;
		return ingest_reject(in, "no '|' in the value of a composite "
		    "attribute", s, n);
	}
	if (kind == 2)
		n = (size_t)(bar - s);
	else if (kind == 3) {
		n -= (size_t)(bar + 1 - s);
		s = bar + 1;
	}
	if (vtime(m, a, &r.tg) == -1)
		return ingest_reject(in, "timestamp is not a time",
		    a->type[F_TIMESTAMP] == JV_STRING ||
		    a->type[F_TIMESTAMP] == JV_NUMBER ? a->s[F_TIMESTAMP] :
		    NULL, a->len[F_TIMESTAMP]);
	if ((rc = ingest_sole_addr(in, s, n)) != 1)
		return rc;
	r.has_exp = 1;
	r.exp = ingest_ttl_expiry(in);
	r.active = vflag(a, F_TOIDS) != 0 && vflag(a, F_DELETED) != 1;
	r.conf = TIDX_CONF_NULL;
	r.source = sc != NULL && sc->orgc.len > 0 ?
	    ingest_intern(in, sc->orgc.s, sc->orgc.len) : ingest_feed(in);
	r.creator = TIDX_STRNULL;
	r.id = vstring(a, F_UUID) ? ingest_intern(in, a->s[F_UUID],
	    a->len[F_UUID]) : ingest_list_id(in);
	r.meta[0] = vstring(a, F_CATEGORY) ? ingest_intern(in,
	    a->s[F_CATEGORY], a->len[F_CATEGORY]) : TIDX_STRNULL;
	if (vstring(a, F_COMMENT))
		r.meta[1] = ingest_intern(in, a->s[F_COMMENT],
		    a->len[F_COMMENT]);
	else if (vstring(a, F_INFO))
		r.meta[1] = ingest_intern(in, a->s[F_INFO], a->len[F_INFO]);
	else
		r.meta[1] = sc != NULL ? intern_str(in, sc->info.s,
		    sc->info.len) : TIDX_STRNULL;
	r.meta[2] = r.meta[3] = TIDX_STRNULL;
	r.meta[4] = ingest_intern(in, SOURCE_DEFAULT_TYPE,
	    strlen(SOURCE_DEFAULT_TYPE));
	return ingest_add(in, &r);
}

/* Take an attribute; report it when bad; it is handled. */
static void
take_one(struct misp *m, const struct view *a, size_t scope, uint64_t end)
{
	if (take(m, a, scope < m->nsc ? &m->sc[scope] : NULL) == -1 &&
	    m->bad != NULL)
		m->bad(m->arg, end);
	if (end > m->handled)
		m->handled = end;
}

/* The view of a held attribute. */
static void
held_view(const struct misp *m, const struct attr *h, struct view *v)
{
	int	 f;

	for (f = 0; f < NF; f++) {
		/* No text held at all: the buffer is still null. */
		v->s[f] = m->hbuf.s != NULL ? m->hbuf.s + h->f[f].off : "";
		v->len[f] = h->f[f].len;
		v->type[f] = h->f[f].type;
		v->b[f] = h->f[f].b;
	}
}

/* Take the attributes held from index first on, and hold no more. */
static void
take_held(struct misp *m, size_t first)
{
	struct view v;
	size_t	 i;

	for (i = first; i < m->nheld; i++) {
		held_view(m, &m->held[i], &v);
		take_one(m, &v, m->held[i].scope, m->held[i].end);
	}
	if (first < m->nheld) {
		m->hbuf.len = m->held[first].hoff;
		m->nheld = first;
	}
}

/* The attribute just read ends at end: take it or hold it. */
static void
attr_end(struct misp *m, uint64_t end)
{
	struct scope *sc = m->nsc > 0 ? &m->sc[m->nsc - 1] : NULL;
	struct attr *h;
	struct view v;
	size_t	 f, need = sizeof(*h);

	if (sc == NULL || (sc->has_orgc && sc->has_info)) {
		for (f = 0; f < NF; f++) {
			v.s[f] = m->ctext[f].s;
			v.len[f] = m->ctext[f].len;
			v.type[f] = m->cur.f[f].type;
			v.b[f] = m->cur.f[f].b;
		}
		take_one(m, &v, m->nsc - 1, end);
		return;
	}
	for (f = 0; f < NF; f++)
		need += m->ctext[f].len;
	if (m->hbuf.len + (m->nheld + 1) * sizeof(*h) + need > MISP_HOLD_MAX)
		take_held(m, 0);	/* With what is known so far. */
	if (m->nheld == m->capheld) {
		m->capheld = m->capheld ? 2 * m->capheld : 256;
		m->held = xreallocarray(m->held, m->capheld, sizeof(*m->held));
	}
	h = &m->held[m->nheld++];
	*h = m->cur;
	h->end = end;
	h->scope = m->nsc - 1;
	h->hoff = m->hbuf.len;
	for (f = 0; f < NF; f++) {
		h->f[f].off = m->hbuf.len;
		h->f[f].len = m->ctext[f].len;
		if (m->ctext[f].len > 0)
			str_append(&m->hbuf, m->ctext[f].s, m->ctext[f].len);
	}
}

/* The innermost event now knows its Orgc and info: take what it held. */
static void
scope_known(struct misp *m)
{
	struct scope *sc = &m->sc[m->nsc - 1];

	if (sc->has_orgc && sc->has_info)
		take_held(m, sc->first);
}

/* ---- The parser's callbacks. ---- */

static struct frame *
top(struct misp *m)
{
	return m->depth > 0 ? &m->fr[m->depth - 1] : NULL;
}

static void
push_scope(struct misp *m, struct frame *f)
{
	struct scope *sc = &m->sc[m->nsc];

	sc->orgc.len = sc->info.len = 0;
	sc->has_orgc = sc->has_info = 0;
	sc->first = m->nheld;
	f->role = R_SCOPE;
	f->scope = (uint8_t)m->nsc++;
}

static int
cb_start(struct misp *m, int map)
{
	struct frame *p = top(m), *f;
	int	 role = R_OTHER, i;

	if (m->deep > 0 || m->depth == MISP_MAXDEPTH) {
		m->deep++;
		return 1;
	}
	if (p == NULL)
		role = map ? R_LVL1 : R_OTHER;
	else if (p->role == R_IGNORE)
		role = R_IGNORE;
	else if (!p->map) {
		if (p->role == R_ATTRS)
			role = map ? R_ATTR : R_IGNORE;
		else if (m->depth == 1 && map)
			role = R_LVL1;
	} else if (p->next >= V_FIELD) {
		m->cur.f[p->next - V_FIELD].type = JV_COMPLEX;
		m->ctext[p->next - V_FIELD].len = 0;
		role = R_IGNORE;
	} else
		switch (p->next) {
		case V_EVENT:
			role = map ? R_SCOPE : R_OTHER;
			m->seen |= map;
			break;
		case V_ATTRS:
			role = map ? R_OTHER : R_ATTRS;
			m->seen |= !map;
			break;
		case V_ORGC:
			role = map ? R_ORGC : R_IGNORE;
			m->seen = 1;
			break;
		case V_AEVENT:
			role = map ? R_AEVENT : R_IGNORE;
			break;
		default:
			role = p->role == R_ATTR || p->role == R_ORGC ||
			    p->role == R_AEVENT ? R_IGNORE : R_OTHER;
		}
	if (p != NULL)
		p->next = V_NONE;
	f = &m->fr[m->depth++];
	f->map = (uint8_t)map;
	f->role = (uint8_t)role;
	f->next = V_NONE;
	if (role == R_SCOPE)
		push_scope(m, f);
	else if (role == R_ATTR)
		for (i = 0; i < NF; i++) {
			m->cur.f[i].type = JV_ABSENT;
			m->ctext[i].len = 0;
		}
	return 1;
}

static int
cb_start_map(void *arg)
{
	return cb_start(arg, 1);
}

static int
cb_start_array(void *arg)
{
	return cb_start(arg, 0);
}

static int
cb_key(void *arg, const unsigned char *k, size_t len)
{
	struct misp *m = arg;
	struct frame *f = top(m);
	int	 i;

	if (m->deep > 0 || f == NULL)
		return 1;
	f->next = V_NONE;
	if (f->role == R_LVL1) {
		if (is_key(k, len, "Event") || is_key(k, len, "response")) {
			f->role = R_WRAP;
			m->seen = 1;
		} else
			push_scope(m, f);
	}
	if (f->role == R_SCOPE) {
		if (is_key(k, len, "Orgc"))
			f->next = V_ORGC;
		else if (is_key(k, len, "info"))
			f->next = V_INFO;
	}
	switch (f->role) {
	case R_SCOPE:
	case R_WRAP:
	case R_OTHER:
		if (is_key(k, len, "Event"))
			f->next = V_EVENT;
		else if (is_key(k, len, "Attribute"))
			f->next = V_ATTRS;
		break;
	case R_ATTR:
		for (i = 0; i < F_INFO; i++)
			if (is_key(k, len, fnames[i]))
				f->next = (uint8_t)(V_FIELD + i);
		if (is_key(k, len, "Event"))
			f->next = V_AEVENT;
		break;
	case R_ORGC:
		if (is_key(k, len, "name"))
			f->next = V_ORGCNAME;
		break;
	case R_AEVENT:
		if (is_key(k, len, "info"))
			f->next = V_FIELD + F_INFO;
		break;
	}
	return 1;
}

/* A scalar value: type, text, bool. */
static int
cb_value(struct misp *m, int type, const char *s, size_t len, int b)
{
	struct frame *f = top(m);
	struct scope *sc;
	int	 k;

	if (m->deep > 0 || f == NULL || !f->map)
		return 1;
	if (f->next >= V_FIELD) {
		k = f->next - V_FIELD;
		m->cur.f[k].type = (uint8_t)type;
		m->cur.f[k].b = (uint8_t)b;
		str_set(&m->ctext[k], s, len, type == JV_STRING);
	} else if (f->next == V_INFO) {
		sc = &m->sc[f->scope];
		str_set(&sc->info, s, type == JV_STRING ? len : 0, 1);
		sc->has_info = 1;
		scope_known(m);
	} else if (f->next == V_ORGCNAME && type == JV_STRING) {
		/* The Orgc's event is the frame below it. */
		sc = &m->sc[m->fr[m->depth - 2].scope];
		str_set(&sc->orgc, s, len, 1);
	}
	f->next = V_NONE;
	return 1;
}

static int
cb_null(void *arg)
{
	return cb_value(arg, JV_NULL, "", 0, 0);
}

static int
cb_bool(void *arg, int b)
{
	return cb_value(arg, JV_BOOL, b ? "true" : "false", b ? 4 : 5, b);
}

static int
cb_number(void *arg, const char *s, size_t len)
{
	return cb_value(arg, JV_NUMBER, s, len, 0);
}

static int
cb_string(void *arg, const unsigned char *s, size_t len)
{
	return cb_value(arg, JV_STRING, (const char *)s, len, 0);
}

static int
cb_end(void *arg)
{
	struct misp *m = arg;
	struct frame *f;

	if (m->deep > 0) {
		m->deep--;
		return 1;
	}
	f = &m->fr[--m->depth];
	switch (f->role) {
	case R_ATTR:
		attr_end(m, pos(m));
		break;
	case R_SCOPE:
		take_held(m, m->sc[f->scope].first);
		m->nsc--;
		break;
	case R_ORGC:
		m->sc[m->nsc - 1].has_orgc = 1;
		scope_known(m);
		break;
	}
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string, cb_start_map,
	cb_key, cb_end, cb_start_array, cb_end
};

/* ---- The reader's operations. ---- */

static void *
misp_create(struct ingest *in)
{
	struct misp *m = xcalloc(1, sizeof(*m));

	m->in = in;
	return m;
}

static void
misp_destroy(void *arg)
{
	struct misp *m = arg;
	size_t	 i;

	if (m == NULL)
		return;
	if (m->h != NULL)
		yajl_free(m->h);
	for (i = 0; i < MISP_MAXDEPTH; i++) {
		free(m->sc[i].orgc.s);
		free(m->sc[i].info.s);
	}
	for (i = 0; i < NF; i++)
		free(m->ctext[i].s);
	free(m->held);
	free(m->hbuf.s);
	free(m);
}

static void
misp_begin(void *arg, void (*bad)(void *, uint64_t), void *barg)
{
	struct misp *m = arg;

	if (m->h != NULL)
		yajl_free(m->h);
	m->bad = bad;
	m->arg = barg;
	m->depth = 0;
	m->deep = 0;
	m->nsc = 0;
	m->nheld = 0;
	m->hbuf.len = 0;
	m->consumed = 0;
	m->handled = 0;
	m->seen = 0;
	m->err[0] = '\0';
	m->erroff = 0;
	m->h = yajl_alloc(&callbacks, &xalloc_yajl_funcs, m);
	yajl_config(m->h, yajl_dont_validate_strings, 1);
	yajl_config(m->h, yajl_allow_multiple_values, 1);
}

/* The text broke off: keep yajl's reason, take what was read. */
static int
broken(struct misp *m, const char *buf, size_t len, uint64_t off)
{
	unsigned char *msg;
	const char *s;
	size_t	 n;

	m->erroff = off;
	msg = yajl_get_error(m->h, 0, (const unsigned char *)buf, len);
	s = (const char *)msg;
	if (strncmp(s, "parse error: ", 13) == 0)
		s += 13;
	snprintf(m->err, sizeof(m->err), "%s", s);
	n = strlen(m->err);
	while (n > 0 && (m->err[n - 1] == '\n' || m->err[n - 1] == ' ' ||
	    m->err[n - 1] == '.'))
		m->err[--n] = '\0';
	yajl_free_error(m->h, msg);
	yajl_free(m->h);
	m->h = NULL;
	take_held(m, 0);
	return -1;
}

static int
misp_feed(void *arg, const char *buf, size_t len)
{
	struct misp *m = arg;
	size_t	 skip = 0;

	if (m->h == NULL)
		return -1;
	if (m->consumed == 0)
		skip = bom(buf, len);
	m->consumed += skip;
	if (yajl_parse(m->h, (const unsigned char *)buf + skip, len - skip) !=
	    yajl_status_ok)
		return broken(m, buf + skip, len - skip, pos(m));
	m->consumed += len - skip;
	return 0;
}

static int
misp_end(void *arg)
{
	struct misp *m = arg;

	if (m->h == NULL)
		return -1;
	if (yajl_complete_parse(m->h) != yajl_status_ok)
		return broken(m, NULL, 0, m->consumed);
	yajl_free(m->h);
	m->h = NULL;
	take_held(m, 0);
	if (!m->seen) {
		ingest_counts(m->in)->rows++;
		ingest_counts(m->in)->unknown++;
		ingest_reject(m->in, "not MISP JSON (no Event, response or "
		    "Attribute member)", NULL, 0);
		return -2;
	}
	return 0;
}

static const char *
misp_error(void *arg, uint64_t *offset)
{
	struct misp *m = arg;

	*offset = m->erroff;
	return m->err;
}

static uint64_t
misp_handled(void *arg)
{
	return ((struct misp *)arg)->handled;
}

const struct source_doc source_misp = {
	"misp", misp_claim, misp_create, misp_destroy, misp_begin, misp_feed,
	misp_end, misp_error, misp_handled
};
