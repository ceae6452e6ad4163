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
#include "source.h"
#include "tidx_build.h"
#include "xalloc.h"

/*
 * Members whose array holds the records: an Azure Monitor envelope, a
 * STIX bundle, an Azure REST list, the Sentinel upload API's body, and
 * the Log Analytics query API's answer (see jrec_set_containers).
 */
static const char *const containers[] = { "records", "objects", "value",
    "indicators", "tables", NULL };

#define MAXADDRS	4096		/* Addresses of one record. */
#define SNAP_FIELDS	64		/* Fields of the JSON readers. */
#define RELEASE_EVERY	(1 << 18)	/* Candidates emitted between
					   xalloc_release() calls. */
#define MIN_PLEN4	8		/* The shortest prefix: /8 ... */
#define MIN_PLEN6	16		/* ... and /16. */

/*
 * The readers of JSON records, in the order they are asked to claim a
 * record (the last claims anything), and the text readers, likewise.
 * The JSON text reader (json_text below) comes first among the latter.
 */
static const struct source_json *const json_readers[] = {
	&source_spamhaus, &source_stix, &source_sentinel
};
#define NJSON	(sizeof(json_readers) / sizeof(json_readers[0]))

/*
 * The readers of whole JSON texts: a JSON line, or a JSON document, goes
 * to the first that claims it (from its first bytes), else to the jrec
 * and the JSON record readers.
 */
static const struct source_doc *const doc_readers[] = { &source_misp };
#define NDOC	(sizeof(doc_readers) / sizeof(doc_readers[0]))

static const struct source_text json_text;
static const struct source_text *const text_readers[] = {
	&json_text, &source_zeek, &source_csv, &source_suricata,
	&source_list
};
#define NTEXT	(sizeof(text_readers) / sizeof(text_readers[0]))

/* A record that passed steps 1-3; its addresses are in the caddr array. */
struct cand {
	struct source_rec r;
	uint32_t afirst, acount;
};

struct caddr {
	struct addr a;
	uint32_t text;		/* strref of the address as written, or
				   null: its canonical form. */
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
	struct u32map		 names;		/* STIX identity id -> name. */
	uint32_t		 source;	/* The input's feed name. */
	struct xrange		*excl;		/* Sorted by lo. */
	size_t			 nexcl, capexcl;
	int			 excl_sorted;
	/* One record's addresses before they become a candidate. */
	struct caddr		 pend[MAXADDRS];
	size_t			 npend;
	/* The JSON readers' fields, one table (a member read once), and
	   where each reader's fields are in it. */
	struct jfield		 fields[64];
	size_t			 nfields;
	uint8_t			 map[NJSON][64];
	const struct source_json *fjson;	/* --format, or NULL. */
	/* The input being read: its text reader, once claimed. */
	const struct source_text *ftext;	/* --format, or NULL. */
	const struct source_text *text;
	struct source_state	 tstate;
	int			 forced;	/* --format named one. */
	/* The record being read: where to say why it is bad. */
	char			*why;
	size_t			 whylen;
	int			 rc;
	void			(*doc_bad)(void *, uint64_t, const char *);
	void			*doc_arg;
	char			 docwhy[256];
	/* The readers of whole JSON texts: --format, their states, the one
	   reading the current text (NULL: the jrec), and the document's
	   first bytes while no reader has claimed or refused them. */
	const struct source_doc	*fdoc;
	void			*dstate[NDOC];
	const struct source_doc	*doc;
	int			 doc_line;	/* Reading a JSON line. */
	int			 doc_undecided;
	char			*held;
	size_t			 nheld, capheld;
	/* The snapshot being taken (ingest_line_snap), whose values come
	   with the hashes of their strings. */
	const struct ingest_snap *snap;
};

/*
 * The hashes of the SOURCE_DISTINCT strings come first, in a cache line
 * or two of their own, for ingest_snap_prefetch().  So is each one's
 * hash in its jval.  Then where each field's value is (pos), and the
 * values of the fields present only, in order: a row has a dozen of the
 * readers' forty-odd fields, and each line of the snapshot written is one
 * that crosses from one processor's cache to the other's.
 */
#define SNAP_HINTS	15
struct ingest_snap {
	uint32_t	 nhints;
	uint32_t	 hints[SNAP_HINTS];
	uint64_t	 hashed;	/* Bit i: vals[i].hash is set. */
	int		 emits;		/* Records the parse gave: 1 to use. */
	uint8_t		 pos[SNAP_FIELDS];	/* Field -> vals, or
						   SOURCE_ABSENT. */
	struct jval	 vals[SNAP_FIELDS];
	char		*arena;
	size_t		 cap;
};

static void
map_init(struct u32map *m, size_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->e = xreallocarray(NULL, cap, sizeof(*m->e));
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

/*
 * The index of field f in the readers' table (n fields so far), added
 * when no reader named its member before.
 */
static size_t
add_field(struct ingest *in, size_t *n, const struct jfield *f)
{
	size_t	 i, k;

	for (i = 0; i < *n; i++) {
		for (k = 0; k < JREC_MAXDEPTH; k++)
			if ((f->path[k] == NULL) != (in->fields[i].path[k] ==
			    NULL) || (f->path[k] != NULL &&
			    strcmp(f->path[k], in->fields[i].path[k]) != 0))
				break;
		if (k == JREC_MAXDEPTH) {
			if ((f->flags ^ in->fields[i].flags) &
			    ~(unsigned)SOURCE_DISTINCT)
				abort();	/* Two readings of a member. */
			in->fields[i].flags |= f->flags;
			return i;
		}
	}
	if (*n == sizeof(in->fields) / sizeof(in->fields[0]))
		abort();		/* jrec reads at most 64 fields. */
	in->fields[*n] = *f;
	return (*n)++;
}

struct ingest *
ingest_new(const struct ingest_opts *opts)
{
	struct ingest *in = xcalloc(1, sizeof(*in));
	size_t	 i, j, n = 0;

	in->opts = *opts;
	/* now - lookback, saturating: both come from the command line. */
	in->oldest = opts->lookback > 0 && opts->now < INT64_MIN +
	    opts->lookback ? INT64_MIN : opts->now - opts->lookback;
	for (i = 0; i < NJSON; i++)
		for (j = 0; j < json_readers[i]->nfields; j++)
			in->map[i][j] = (uint8_t)add_field(in, &n,
			    &json_readers[i]->fields[j]);
	in->nfields = n;
	in->jr = jrec_new(in->fields, n);
	jrec_set_containers(in->jr, containers);
	in->b = tidx_builder_new();
	map_init(&in->names, 16);
	in->source = TIDX_STRNULL;
	return in;
}

void
ingest_free(struct ingest *in)
{
	size_t	 i;

	if (in == NULL)
		return;
	jrec_free(in->jr);
	for (i = 0; i < NDOC; i++)
		if (in->dstate[i] != NULL)
			doc_readers[i]->destroy(in->dstate[i]);
	free(in->held);
	if (!in->b_given)
		tidx_builder_free(in->b);
	free(in->excl);
	free(in->cands);
	free(in->addrs);
	free(in->names.e);
	free(in);
}

const struct ingest_stats *
ingest_stats(const struct ingest *in)
{
	return &in->st;
}

/* ---------------------------------------------------------------------
 * What the readers are given (source.h).
 */

struct ingest_stats *
ingest_counts(struct ingest *in)
{
	return &in->st;
}

int64_t
ingest_now(const struct ingest *in)
{
	return in->opts.now;
}

int64_t
ingest_ttl_expiry(const struct ingest *in)
{
	return in->opts.ttl > 0 && in->opts.now < KTIME_NONE - in->opts.ttl ?
	    in->opts.now + in->opts.ttl : KTIME_NONE;
}

int
ingest_in_lookback(struct ingest *in, int64_t tg)
{
	if (tg < in->oldest) {
		in->st.too_old++;
		return 0;
	}
	return 1;
}

uint32_t
ingest_intern(struct ingest *in, const char *s, size_t len)
{
	return tidx_builder_string(in->b, s, len);
}

/*
 * The hash of v's text when v is a value of the snapshot being taken
 * that the parsing thread hashed, else NULL.
 */
static const uint32_t *
known_hash(const struct ingest *in, const struct jval *v)
{
	return in->snap != NULL && v >= in->snap->vals &&
	    v < in->snap->vals + SNAP_FIELDS &&
	    (in->snap->hashed >> (v - in->snap->vals) & 1) ? &v->hash : NULL;
}

/* ingest_intern(), with the text's hash when it is known (else NULL). */
static uint32_t
intern_text(struct ingest *in, const char *s, size_t len,
    const uint32_t *hash)
{
	return hash != NULL ? tidx_builder_string_hashed(in->b, s, len,
	    *hash) : ingest_intern(in, s, len);
}

uint32_t
ingest_intern_val(struct ingest *in, const struct jval *v)
{
	if (v->type == JV_STRING || v->type == JV_NUMBER)
		return intern_text(in, v->s, v->len, known_hash(in, v));
	if (v->type == JV_BOOL)
		return ingest_intern(in, v->b ? "true" : "false",
		    v->b ? 4 : 5);
	return TIDX_STRNULL;
}

uint32_t
ingest_feed(const struct ingest *in)
{
	return in->source;
}

void
ingest_name_creator(struct ingest *in, uint32_t id, uint32_t name)
{
	*map_get(&in->names, id) = name;
}

/* Say why into why (whylen bytes): msg, then a quoted prefix of val. */
static void
say_why(char *why, size_t whylen, const char *msg, const char *val,
    size_t vallen)
{
	char	 clip[4 * 63 + 8];
	size_t	 room = whylen > strlen(msg) + 3 + 8 ?
	    whylen - strlen(msg) - 3 : 0;	/* The quote fits whole. */

	if (val == NULL || room == 0)
		snprintf(why, whylen, "%s", msg);
	else {
		ingest_quote(clip, room < sizeof(clip) ? room : sizeof(clip),
		    val, vallen, 63);
		snprintf(why, whylen, "%s: %s", msg, clip);
	}
}

int
ingest_reject(struct ingest *in, const char *msg, const char *val,
    size_t vallen)
{
	if (in->why != NULL)
		say_why(in->why, in->whylen, msg, val, vallen);
	in->st.rejected++;
	return -1;
}

void
ingest_begin_record(struct ingest *in)
{
	in->st.rows++;
	in->npend = 0;
}

int
ingest_sole_addr(struct ingest *in, const char *s, size_t len)
{
	if (ingest_addr(in, s, len) == -1)
		return -1;
	if (in->npend == 0) {
		in->st.excluded++;
		return 0;
	}
	return 1;
}

size_t
ingest_pending(const struct ingest *in)
{
	return in->npend;
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

int
ingest_exclude_line(struct ingest *in, const char *line, size_t len,
    char *why, size_t whylen)
{
	struct addr a;
	unsigned plen;
	const char *err, *p = line, *end;
	size_t	 n = len;
	int	 rc = 0;

	source_list_trim(&p, &n);
	if (n == 0)
		return 0;
	end = p;
	while (end < p + n && !isspace((unsigned char)*end))
		end++;
	if (end != p + n ||
	    (rc = addr_parse_prefix(p, (size_t)(end - p), &a, &plen)) != 0) {
		err = end != p + n ? "not an IP address or prefix" :
		    addr_strerror(rc);
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

/* ingest_addr(), with the text's hash when it is known (else NULL). */
static int
add_addr(struct ingest *in, const char *s, size_t len, const uint32_t *hash)
{
	struct caddr *c;
	unsigned plen;
	enum addr_class cls;
	int	 rc;

	if (in->npend == MAXADDRS)
		return 0;
	c = &in->pend[in->npend];
	if ((rc = addr_parse_indicator(s, len, &c->a, &plen, MIN_PLEN4,
	    MIN_PLEN6)) != 0) {
		in->st.bad_address++;
		return ingest_reject(in, rc == ADDR_ERR_SHORT ?
		    "prefix too short (shorter than /8 or /16)" :
		    addr_strerror(rc), s, len);
	}
	cls = addr_prefix_class(&c->a, plen);
	if (cls != ADDR_INDEXABLE || user_excluded(in, &c->a, plen)) {
		in->st.excluded_addresses++;
		in->st.reserved += cls == ADDR_RESERVED;
		return 0;
	}
	c->plen = (uint8_t)plen;
	/* An address written as kv-match would write it keeps no text. */
	if (plen == 128 && addr_is_canonical(&c->a, s, len))
		c->text = TIDX_STRNULL;
	else if ((c->text = intern_text(in, s, len, hash)) == TIDX_STRFULL)
		return ingest_reject(in, "too many strings for one index",
		    NULL, 0);
	in->npend++;
	return 0;
}

int
ingest_addr(struct ingest *in, const char *s, size_t len)
{
	return add_addr(in, s, len, NULL);
}

int
ingest_addr_val(struct ingest *in, const struct jval *v)
{
	return add_addr(in, v->s, v->len, known_hash(in, v));
}

int
ingest_add(struct ingest *in, const struct source_rec *r)
{
	struct cand c;
	uint32_t *slot, none = TIDX_NOVAL;
	size_t	 i;

	if (in->npend == 0) {
		in->st.excluded++;
		return 0;
	}
	c.r = *r;
	for (i = 0; i < 5; i++)
		if (r->meta[i] == TIDX_STRFULL)
			c.r.id = TIDX_STRFULL;
	if (r->source == TIDX_STRFULL || r->creator == TIDX_STRFULL)
		c.r.id = TIDX_STRFULL;
	if (c.r.id == TIDX_STRFULL || in->ncands >= UINT32_MAX - 1 ||
	    in->naddrs + in->npend >= UINT32_MAX - 1)
		return ingest_reject(in, "too many indicators for one index",
		    NULL, 0);
	if (in->naddrs + in->npend > in->capaddrs) {
		while (in->naddrs + in->npend > in->capaddrs)
			in->capaddrs = in->capaddrs ? in->capaddrs * 2 : 1024;
		in->addrs = xgrow(in->addrs, in->capaddrs,
		    sizeof(*in->addrs));
	}
	memcpy(in->addrs + in->naddrs, in->pend, in->npend *
	    sizeof(*in->pend));
	c.afirst = (uint32_t)in->naddrs;
	c.acount = (uint32_t)in->npend;
	in->naddrs += in->npend;
	/* Step 4's key: the candidate kept with the id's string. */
	if ((slot = tidx_builder_string_value(in->b, c.r.id)) == NULL)
		slot = &none;	/* Not reached: ids are interned. */
	if (*slot == TIDX_NOVAL) {
		if (in->ncands == in->capcands) {
			in->capcands = in->capcands ? in->capcands * 2 : 1024;
			in->cands = xgrow(in->cands, in->capcands,
			    sizeof(*in->cands));
		}
		*slot = (uint32_t)in->ncands;
		in->cands[in->ncands++] = c;
	} else if (c.r.tg >= in->cands[*slot].r.tg) {
		in->cands[*slot] = c;
		in->st.superseded++;
	} else
		in->st.superseded++;
	return 0;
}

/* ---------------------------------------------------------------------
 * JSON records.
 */

/*
 * One record (vals, as the jrec's fields): the first reader that claims
 * it takes it.
 */
static int
take_record(struct ingest *in, const struct jval *vals, const uint8_t *pos)
{
	struct source_jv v;
	size_t	 i;

	ingest_begin_record(in);
	v.vals = vals;
	v.pos = pos;
	for (i = 0; i < NJSON; i++) {
		v.map = in->map[i];
		if (in->fjson != NULL ? in->fjson == json_readers[i] :
		    json_readers[i]->claim(&v))
			return json_readers[i]->take(in, &v);
	}
	return 0;			/* Not reached: the last claims all. */
}

/* jrec callback for a line: keep the first bad record's reason. */
static int
each_row(void *arg, struct jrec *jr)
{
	struct ingest *in = arg;

	if (take_record(in, jrec_get(jr, 0), NULL) == -1 && in->rc == 0) {
		in->rc = -1;
		in->why = in->docwhy;	/* Keep the first reason only. */
		in->whylen = sizeof(in->docwhy);
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Readers of whole JSON texts (source_doc).
 */

static const char *text_start(const char *p, size_t len);

/*
 * The reader of a JSON text that begins with the len bytes at buf (all
 * of it when complete): YES and *d, NO (the jrec's), or MORE.  --format
 * with a JSON record reader's name leaves every text to the jrec.
 */
static enum source_doc_claim
doc_claim(const struct ingest *in, const char *buf, size_t len,
    int complete, const struct source_doc **d)
{
	enum source_doc_claim c, rc = SOURCE_DOC_NO;
	size_t	 i;

	*d = NULL;
	if (in->fjson != NULL || (complete && text_start(buf, len) == NULL))
		return SOURCE_DOC_NO;
	if (in->fdoc != NULL) {
		*d = in->fdoc;
		return SOURCE_DOC_YES;
	}
	for (i = 0; i < NDOC && rc == SOURCE_DOC_NO; i++)
		if ((c = doc_readers[i]->claim(buf, len, complete)) ==
		    SOURCE_DOC_YES)
			*d = doc_readers[i];
		else
			rc = c;
	return *d != NULL ? SOURCE_DOC_YES : rc;
}

/* Reader d's state, made at its first text. */
static void *
doc_state(struct ingest *in, const struct source_doc *d)
{
	size_t	 i;

	for (i = 0; doc_readers[i] != d; i++)
		;
	if (in->dstate[i] == NULL)
		in->dstate[i] = d->create(in);
	return in->dstate[i];
}

/* A reader rejected a record ending at off: as each_row or each_doc. */
static void
doc_rejected(void *arg, uint64_t off)
{
	struct ingest *in = arg;

	if (in->doc_line) {
		if (in->rc == 0) {
			in->rc = -1;
			in->why = in->docwhy;	/* Keep the first reason. */
			in->whylen = sizeof(in->docwhy);
		}
	} else if (in->doc_bad != NULL)
		in->doc_bad(in->doc_arg, off, in->docwhy);
}

/* A JSON line that reader d claimed. */
static int
doc_line(struct ingest *in, const struct source_doc *d, const char *line,
    size_t len)
{
	void	*s = doc_state(in, d);
	char	*why = in->why;
	size_t	 whylen = in->whylen;
	uint64_t off;
	int	 rc;

	in->rc = 0;
	in->doc_line = 1;
	d->begin(s, doc_rejected, in);
	if ((rc = d->feed(s, line, len)) == 0)
		rc = d->end(s);
	in->doc_line = 0;
	if (rc == -1) {
		in->st.rows++;
		in->st.unknown++;
		in->st.malformed++;
		in->st.rejected++;
		snprintf(why, whylen, "malformed JSON: %s", d->error(s, &off));
		return -1;
	}
	return rc == -2 ? -1 : in->rc;
}

/* The JSON text reader: one line of NDJSON (a record, or records). */
static int
json_line(struct ingest *in, struct source_state *st, const char *line,
    size_t len)
{
	const struct source_doc *d;
	char	*why = in->why;
	size_t	 whylen = in->whylen;

	(void)st;
	in->rc = 0;
	/*
	 * A flat object holds no MISP event or attribute array: no reader
	 * of whole texts claims it unless --format named one.
	 */
	if (in->fdoc == NULL &&
	    jrec_parse_flat(in->jr, line, len, each_row, in) == JREC_OK)
		return in->rc;
	if (doc_claim(in, line, len, 1, &d) == SOURCE_DOC_YES)
		return doc_line(in, d, line, len);
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
		return ingest_reject(in, jrec_bad_reason(in->jr), NULL, 0);
	case JREC_OK:
		break;
	}
	if (jrec_nonobjects(in->jr) > 0 && in->rc == 0) {
		in->st.malformed++;
		return ingest_reject(in, jrec_bad_reason(in->jr), NULL, 0);
	}
	return in->rc;
}

/* ---------------------------------------------------------------------
 * Parsing JSON lines ahead, on another thread (see ingest.h).
 */

struct ingest_pre {
	struct jrec	*jr;		/* Its own, with the ingest's fields. */
	size_t		 nfields;
	uint64_t	 distinct;	/* Bit f: field f is SOURCE_DISTINCT. */
};

struct ingest_pre *
ingest_pre_new(const struct ingest *in)
{
	struct ingest_pre *p = xcalloc(1, sizeof(*p));
	size_t	 i;

	p->nfields = in->nfields;
	for (i = 0; i < in->nfields; i++)
		if (in->fields[i].flags & SOURCE_DISTINCT)
			p->distinct |= (uint64_t)1 << i;
	p->jr = jrec_new(in->fields, in->nfields);
	jrec_set_containers(p->jr, containers);
	return p;
}

void
ingest_pre_free(struct ingest_pre *p)
{
	if (p == NULL)
		return;
	jrec_free(p->jr);
	free(p);
}

struct ingest_snap *
ingest_snap_new(void)
{
	return xcalloc(1, sizeof(struct ingest_snap));
}

void
ingest_snap_free(struct ingest_snap *s)
{
	if (s == NULL)
		return;
	free(s->arena);
	free(s);
}

/* jrec callback of the parse ahead: the record's values, their text
   copied (the jrec's own buffers are used again by the next parse). */
static int
snap_row(void *arg, struct jrec *jr)
{
	struct ingest_pre *p = ((void **)arg)[0];
	struct ingest_snap *s = ((void **)arg)[1];
	const struct jval *src = jrec_get(jr, 0);
	size_t	 i, n = 0, need = 0, off = 0;

	if (s->emits++ > 0)
		return 0;
	/*
	 * Everything is read from the jrec's values, and the snapshot only
	 * written: its lines were last the other thread's, and reading them
	 * back right after writing them waits for each to come over.
	 */
	for (i = 0; i < p->nfields; i++)
		if (src[i].s != NULL)
			need += src[i].len;
	if (need > s->cap || s->arena == NULL) {
		/* Even for empty strings only: they point into it. */
		s->cap = need + need / 2 + 256;
		free(s->arena);
		s->arena = xmalloc(s->cap);
	}
	s->nhints = 0;
	s->hashed = 0;
	for (i = 0; i < p->nfields; i++) {
		struct jval *v = &s->vals[n];
		uint32_t h;

		if (src[i].type == JV_ABSENT) {
			s->pos[i] = SOURCE_ABSENT;
			continue;
		}
		s->pos[i] = (uint8_t)n;
		*v = src[i];
		if (src[i].s != NULL) {
			if (src[i].len > 0)
				memcpy(s->arena + off, src[i].s, src[i].len);
			v->s = s->arena + off;
			off += src[i].len;
			if ((p->distinct >> i & 1) && src[i].len > 0 &&
			    s->nhints < SNAP_HINTS) {
				/* Hashed here, on the parsing thread. */
				h = tidx_builder_hash(src[i].s, src[i].len);
				v->hash = h;
				s->hashed |= (uint64_t)1 << n;
				s->hints[s->nhints++] = h;
			}
		}
		n++;
	}
	return 0;
}

void
ingest_pre_line(struct ingest_pre *p, const char *line, size_t len,
    struct ingest_snap *s)
{
	void	*arg[2] = { p, s };

	s->emits = 0;
	if (jrec_parse_flat(p->jr, line, len, snap_row, arg) != JREC_OK)
		s->emits = 0;
	if (s->emits != 1) {
		s->nhints = 0;
		s->hashed = 0;
	}
}

void
ingest_snap_touch(const struct ingest_snap *s)
{
	/* The hints, pos and the first values. */
	__builtin_prefetch(s);
	__builtin_prefetch((const char *)s + 64);
	__builtin_prefetch((const char *)s + 128);
	__builtin_prefetch((const char *)s + 192);
}

void
ingest_snap_prefetch(const struct ingest *in, const struct ingest_snap *s)
{
	uint32_t i, n = s->nhints;

	for (i = 0; i < n && i < SNAP_HINTS; i++)
		tidx_builder_prefetch(in->b, s->hints[i]);
}

int
ingest_line_snap(struct ingest *in, const char *line, size_t len,
    const struct ingest_snap *s, char *why, size_t whylen)
{
	/* What json_line() does with a flat object, from the snapshot. */
	if (s->emits != 1 || in->text != &json_text || in->fdoc != NULL)
		return ingest_line(in, line, len, why, whylen);
	in->why = why;
	in->whylen = whylen;
	in->rc = 0;
	in->snap = s;
	if (take_record(in, s->vals, s->pos) == -1)
		in->rc = -1;
	in->snap = NULL;
	return in->rc;
}

/* jrec callback for a document: report each bad record at its offset. */
static int
each_doc(void *arg, struct jrec *jr)
{
	struct ingest *in = arg;

	in->why = in->docwhy;
	in->whylen = sizeof(in->docwhy);
	if (take_record(in, jrec_get(jr, 0), NULL) == -1 && in->doc_bad != NULL)
		in->doc_bad(in->doc_arg, jrec_stream_position(jr), in->docwhy);
	return 0;
}

/*
 * A document's reader: reader d, or the jrec (d NULL); then its first
 * bytes (the len at buf).  0, or -1 on a syntax error.
 */
static int
doc_choose(struct ingest *in, const struct source_doc *d, const char *buf,
    size_t len)
{
	in->doc_undecided = 0;
	in->doc = d;
	if (d != NULL) {
		in->why = in->docwhy;
		in->whylen = sizeof(in->docwhy);
		d->begin(doc_state(in, d), doc_rejected, in);
	} else
		jrec_stream_begin(in->jr, each_doc, in);
	return len > 0 ? ingest_doc_feed(in, buf, len) : 0;
}

/* Hold len more bytes of a document's start. */
static void
hold(struct ingest *in, const char *buf, size_t len)
{
	if (in->nheld + len > in->capheld) {
		while (in->nheld + len > in->capheld)
			in->capheld = in->capheld ? 2 * in->capheld : 65536;
		in->held = xreallocarray(in->held, in->capheld, 1);
	}
	memcpy(in->held + in->nheld, buf, len);
	in->nheld += len;
}

/*
 * The document's first bytes are held until a reader of whole texts
 * claims them, or none does (then the jrec reads the document): see
 * doc_claim; a claim looks at SOURCE_DOC_CLAIM_MAX bytes at most.
 */
void
ingest_doc_begin(struct ingest *in,
    void (*bad)(void *, uint64_t, const char *), void *arg)
{
	in->doc_bad = bad;
	in->doc_arg = arg;
	in->doc = NULL;
	in->nheld = 0;
	in->doc_undecided = 1;
}

int
ingest_doc_feed(struct ingest *in, const char *buf, size_t len)
{
	const struct source_doc *d;
	enum source_doc_claim c;

	if (in->doc_undecided) {
		if (in->nheld > 0) {
			hold(in, buf, len);
			buf = in->held;
			len = in->nheld;
		}
		if ((c = doc_claim(in, buf, len, 0, &d)) == SOURCE_DOC_MORE) {
			if (in->nheld == 0)
				hold(in, buf, len);
			return 0;
		}
		in->nheld = 0;
		return doc_choose(in, d, buf, len);
	}
	if (in->doc != NULL)
		return in->doc->feed(doc_state(in, in->doc), buf, len);
	return jrec_stream_feed(in->jr, buf, len) == JREC_OK ? 0 : -1;
}

int
ingest_doc_end(struct ingest *in)
{
	const struct source_doc *d;
	uint64_t n;

	if (in->doc_undecided) {
		(void)doc_claim(in, in->held, in->nheld, 1, &d);
		n = in->nheld;
		in->nheld = 0;
		if (doc_choose(in, d, in->held, (size_t)n) == -1)
			return -1;
	}
	if (in->doc != NULL) {
		in->why = in->docwhy;
		in->whylen = sizeof(in->docwhy);
		return in->doc->end(doc_state(in, in->doc));
	}
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
	const char *err;

	if (in->doc != NULL) {
		err = in->doc->error(doc_state(in, in->doc), offset);
		if (err[0] != '\0') {
			in->st.malformed++;
			in->st.rejected++;
			snprintf(in->docwhy, sizeof(in->docwhy),
			    "malformed JSON: %s", err);
		}
		return in->docwhy;
	}
	if (jrec_error(in->jr)[0] != '\0') {
		in->st.malformed++;
		in->st.rejected++;
		snprintf(in->docwhy, sizeof(in->docwhy), "malformed JSON: %s",
		    jrec_error(in->jr));
	}
	*offset = jrec_error_offset(in->jr);
	return in->docwhy;
}

uint32_t
ingest_list_id(struct ingest *in)
{
	return ingest_entry_id(in, in->source, NULL, 0);
}

uint32_t
ingest_entry_id(struct ingest *in, uint32_t feedref, const char *suffix,
    size_t slen)
{
	const struct caddr *ca = &in->pend[in->npend - 1];
	char	 buf[ADDR_STRLEN + 8], *out;
	const char *feed;
	uint32_t flen, ref;
	size_t	 n;

	addr_format(&ca->a, buf);
	n = strlen(buf);
	if (ca->plen < 128)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%u",
		    addr_is_v4(&ca->a) ? ca->plen - 96u : ca->plen);
	feed = feedref == TIDX_STRNULL || feedref == TIDX_STRFULL ? NULL :
	    tidx_builder_get(in->b, feedref, &flen);
	if (feed == NULL)
		flen = 0;
	if (suffix == NULL)
		slen = 0;
	out = xmalloc(flen + 1 + n + slen);
	if (flen > 0)
		memcpy(out, feed, flen);
	out[flen] = ':';
	memcpy(out + flen + 1, buf, n);
	if (slen > 0)
		memcpy(out + flen + 1 + n, suffix, slen);
	ref = ingest_intern(in, out, flen + 1 + n + slen);
	free(out);
	return ref;
}

void
ingest_set_source(struct ingest *in, const char *name, size_t len)
{
	in->source = name == NULL ? TIDX_STRNULL :
	    ingest_intern(in, name, len);
}

/* ---------------------------------------------------------------------
 * Inputs and their readers.
 */

/* Past a UTF-8 byte-order mark and white space. */
static const char *
text_start(const char *p, size_t len)
{
	const char *e = p + len;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e && isspace((unsigned char)*p))
		p++;
	return p < e ? p : NULL;
}

static enum source_claim
json_claim(struct source_state *st, const char *line, size_t len,
    int forced, char *why, size_t whylen)
{
	const char *p = text_start(line, len);

	(void)st;
	(void)why;
	(void)whylen;
	if (p == NULL)
		return SOURCE_NO;
	return forced || *p == '{' || *p == '[' ? SOURCE_RECORD : SOURCE_NO;
}

static const struct source_text json_text = { "json", json_claim,
    json_line };

/* The readers --format name picks: 0, or -1 for an unknown name. */
static int
format_readers(const char *name, const struct source_json **j,
    const struct source_doc **d, const struct source_text **t)
{
	size_t	 i;

	*j = NULL;
	*d = NULL;
	*t = NULL;
	if (strcmp(name, "auto") == 0)
		return 0;
	for (i = 0; i < NDOC; i++)
		if (strcmp(name, doc_readers[i]->name) == 0) {
			*d = doc_readers[i];
			*t = &json_text;
			return 0;
		}
	for (i = 0; i < NJSON; i++)
		if (strcmp(name, json_readers[i]->name) == 0) {
			*j = json_readers[i];
			*t = &json_text;
			return 0;
		}
	for (i = 0; i < NTEXT; i++)
		if (strcmp(name, text_readers[i]->name) == 0) {
			*t = text_readers[i];
			return 0;
		}
	return -1;
}

int
ingest_format_valid(const char *name)
{
	const struct source_json *j;
	const struct source_doc *d;
	const struct source_text *t;

	return format_readers(name, &j, &d, &t) == 0;
}

int
ingest_set_format(struct ingest *in, const char *name)
{
	return format_readers(name, &in->fjson, &in->fdoc, &in->ftext);
}

const char *
ingest_format_names(void)
{
	static char names[256];
	size_t	 i, n;

	if (names[0] != '\0')
		return names;
	n = (size_t)snprintf(names, sizeof(names), "auto");
	for (i = 0; i < NTEXT && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, ", %s",
		    text_readers[i]->name);
	for (i = 0; i < NJSON && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, ", %s",
		    json_readers[i]->name);
	for (i = 0; i < NDOC && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, ", %s",
		    doc_readers[i]->name);
	return names;
}

void
ingest_input_begin(struct ingest *in)
{
	in->text = NULL;
	memset(&in->tstate, 0, sizeof(in->tstate));
}

int
ingest_sniff_document(const struct ingest *in, const char *buf,
    size_t len)
{
	if (in->ftext != NULL && in->ftext != &json_text)
		return 0;
	return jrec_is_document(buf, len) == 1;
}

/*
 * Offer a line to the readers until one claims the input: 1 when the
 * line is a record of the reader that did, 0 when it was a header or no
 * reader wanted it (passed over), -1 when the --format reader refused it
 * (why set).
 */
static int
claim_input(struct ingest *in, const char *line, size_t len)
{
	enum source_claim c;
	size_t	 i;

	if (in->ftext != NULL) {
		c = in->ftext->claim(&in->tstate, line, len, 1, in->why,
		    in->whylen);
		if (c == SOURCE_NO)
			return text_start(line, len) == NULL ? 0 : -1;
		in->text = in->ftext;
		return c == SOURCE_RECORD;
	}
	for (i = 0; i < NTEXT; i++) {
		c = text_readers[i]->claim(&in->tstate, line, len, 0, in->why,
		    in->whylen);
		if (c != SOURCE_NO) {
			in->text = text_readers[i];
			return c == SOURCE_RECORD;
		}
	}
	return 0;
}

int
ingest_line(struct ingest *in, const char *line, size_t len, char *why,
    size_t whylen)
{
	int	 rc;

	in->why = why;
	in->whylen = whylen;
	if (in->text == NULL) {
		if ((rc = claim_input(in, line, len)) == 0) {
			in->st.blank++;
			return 0;
		}
		if (rc == -1) {
			in->st.rows++;
			in->st.unknown++;
			in->st.rejected++;
			return -1;
		}
	}
	return in->text->line(in, &in->tstate, line, len);
}

/* Step 6 order: 1 when candidate x is preferred to y. */
static int
better(const struct ingest *in, const struct cand *x, const struct cand *y)
{
	const char *xs, *ys;
	uint32_t xl, yl;
	int	 c;

	if (x->r.tg != y->r.tg)
		return x->r.tg > y->r.tg;
	if (x->r.conf != y->r.conf)
		return x->r.conf > y->r.conf;	/* Null is INT32_MIN. */
	xs = tidx_builder_get(in->b, x->r.id, &xl);
	ys = tidx_builder_get(in->b, y->r.id, &yl);
	c = memcmp(xs, ys, xl < yl ? xl : yl);
	return c < 0 || (c == 0 && xl < yl);
}


/*
 * Open-addressing map from address or prefix to candidate (step 6).  A
 * slot names its key by its place in the addrs array (that of the
 * candidate it holds, once one has taken it from another), and keeps the
 * high half of the key's hash, so that probes read the addrs array (a
 * cache miss each, at millions of rows) only for the slot that matches.
 */
struct amap_slot {
	uint32_t a;		/* Index into addrs + 1; 0 empty. */
	uint32_t c;		/* Candidate; ~0 once emitted. */
	uint32_t h;		/* amap_hash() >> 32. */
};

struct amap {
	struct amap_slot *e;
	size_t		 cap;
};

static uint64_t
amap_hash(const struct caddr *ca)
{
	return hash_bytes(ca->a.b, 16) ^ ca->plen;
}

/*
 * The slot of ca (an element of in->addrs, whose amap_hash() is h) in m,
 * or the empty one.
 */
static size_t
amap_slot(const struct ingest *in, const struct amap *m,
    const struct caddr *ca, uint64_t h)
{
	uint32_t self = (uint32_t)(ca - in->addrs) + 1;
	size_t	 i = h & (m->cap - 1);
	const struct caddr *k;

	for (; m->e[i].a != 0; i = (i + 1) & (m->cap - 1)) {
		if (m->e[i].a == self)
			break;
		if (m->e[i].h != (uint32_t)(h >> 32))
			continue;
		k = &in->addrs[m->e[i].a - 1];
		if (k->plen == ca->plen && addr_cmp(&k->a, &ca->a) == 0)
			break;
	}
	return i;
}

/*
 * The loops over the candidates look up their addresses in a map of
 * hundreds of MB, a cache miss each: the first slot of the candidate
 * AMAP_AHEAD places on is fetched while this one is handled.
 */
#define AMAP_AHEAD	8

static void
amap_prefetch(const struct ingest *in, const struct amap *m, size_t i)
{
	const struct cand *c;

	if (i < in->ncands && (c = &in->cands[i])->acount > 0)
		__builtin_prefetch(&m->e[amap_hash(&in->addrs[c->afirst]) &
		    (m->cap - 1)]);
}

void
ingest_reserve(struct ingest *in, uint64_t bytes)
{
	/* Rows of the legacy table are near 500 bytes, with one string of
	   their own (the id); their addresses are rarely interned. */
	tidx_builder_reserve(in->b, (size_t)(bytes / 512));
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

		if (!c->r.active) {
			in->st.inactive++;
			c->acount = 0;
		} else if (!c->r.has_exp || c->r.exp == SOURCE_EXPIRY_BAD ||
		    c->r.exp <= in->opts.now) {
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
	/* At most three quarters full. */
	for (m->cap = 16; m->cap / 4 * 3 < n; m->cap *= 2)
		;
	m->e = xcalloc_huge(m->cap, sizeof(*m->e));
}

/* Step 6: the best candidate per address, in m. */
static void
choose(struct ingest *in, struct amap *m)
{
	size_t	 i, j, s;
	uint64_t h;

	for (i = 0; i < in->ncands; i++) {
		const struct cand *c = &in->cands[i];

		amap_prefetch(in, m, i + AMAP_AHEAD);
		for (j = 0; j < c->acount; j++) {
			const struct caddr *ca = &in->addrs[c->afirst + j];

			h = amap_hash(ca);
			s = amap_slot(in, m, ca, h);
			if (m->e[s].a == 0) {
				m->e[s].a = c->afirst + (uint32_t)j + 1;
				m->e[s].c = (uint32_t)i;
				m->e[s].h = (uint32_t)(h >> 32);
			} else if (m->e[s].c != i) {
				in->st.shadowed++;
				if (better(in, c, &in->cands[m->e[s].c])) {
					/* The key is now named by the
					   winner's own address. */
					m->e[s].a = c->afirst + (uint32_t)j + 1;
					m->e[s].c = (uint32_t)i;
				}
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

	r.time_generated = c->r.tg;
	r.expiration = c->r.exp;
	r.confidence = c->r.conf;
	r.id = c->r.id;
	r.threat_type = c->r.meta[0];
	r.description = c->r.meta[1];
	r.activity_groups = c->r.meta[2];
	r.url = c->r.meta[3];
	r.type = c->r.meta[4];
	r.source = c->r.source;
	if (c->r.creator != TIDX_STRNULL &&
	    (name = map_find(&in->names, c->r.creator)) != UINT32_MAX)
		r.source = name;
	return tidx_builder_record(b, &r);
}

/*
 * The addresses that won, by their place in the addrs array: each slot of
 * m names its key by the winner's own address (choose() sees to it), so
 * one pass over m marks them, and the candidates are then emitted without
 * a lookup each.
 */
static unsigned char *
winners(const struct ingest *in, const struct amap *m)
{
	unsigned char *won = xcalloc(in->naddrs ? in->naddrs : 1, 1);
	size_t	 s;

	for (s = 0; s < m->cap; s++)
		if (m->e[s].a != 0)
			won[m->e[s].a - 1] = 1;
	return won;
}

/*
 * Emit candidate i with the addresses it won (won[] from winners(), each
 * address once); no record when it won none.
 */
static enum tidx_status
emit(struct ingest *in, struct tidx_builder *b, const unsigned char *won,
    size_t i)
{
	const struct cand *c = &in->cands[i];
	const struct caddr *ca;
	enum tidx_status rc;
	int64_t	 rec = -1;
	size_t	 j;

	for (j = 0; j < c->acount; j++) {
		if (!won[c->afirst + j])
			continue;
		ca = &in->addrs[c->afirst + j];
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
		in->st.addresses++;
	}
	return TIDX_OK;
}

/*
 * Free what holds the rows once the index has them: the tables of
 * candidates and addresses, and the maps.
 */
static void
drop_rows(struct ingest *in)
{
	free(in->cands);
	free(in->addrs);
	free(in->names.e);
	in->cands = NULL;
	in->addrs = NULL;
	in->names.e = NULL;
	in->ncands = in->capcands = in->naddrs = in->capaddrs = 0;
	in->names.n = in->names.cap = 0;
}

enum tidx_status
ingest_finish(struct ingest *in, struct tidx_builder *b)
{
	struct amap	 m;
	unsigned char	*won;
	size_t		 i;
	enum tidx_status rc = TIDX_OK;

	/* No string is interned from here on; step 4 is over. */
	tidx_builder_seal_strings(b);
	amap_init(&m, drop_inactive(in));
	choose(in, &m);
	won = winners(in, &m);
	free(m.e);
	/*
	 * Winners in first-seen order.  The candidates behind are read no
	 * more: their pages go back as the builder's tables grow.
	 */
	for (i = 0; i < in->ncands && rc == TIDX_OK; i++) {
		rc = emit(in, b, won, i);
		if ((i + 1) % RELEASE_EVERY == 0)
			xalloc_release(in->cands, (i + 1) * sizeof(*in->cands));
	}
	free(won);
	drop_rows(in);
	return rc;
}

uint64_t
ingest_doc_handled(struct ingest *in)
{
	if (in->doc_undecided)
		return 0;
	if (in->doc != NULL)
		return in->doc->handled(doc_state(in, in->doc));
	return jrec_stream_handled(in->jr);
}
