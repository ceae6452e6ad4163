/*
 * match.c: the rule on a stream of Key Vault log records, with the
 * counters of --stats.  See match.h for the contract and the counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "alert.h"
#include "diag.h"
#include "dstage.h"
#include "ktime.h"
#include "kvrec.h"
#include "match.h"
#include "scan.h"
#include "xalloc.h"

/* A line whose addresses were found and prefetched, looked up later. */
struct pending {
	uint64_t	 seq;		/* The match_line() call it came in. */
	const char	*name;		/* Input name, for reports. */
	const char	*line;		/* Valid until match_flush(). */
	size_t		 len;
	uint64_t	 lineno;
	size_t		 naddrs;
	struct addr	 a[SCAN_MAXHITS];
	int64_t		 e[SCAN_MAXHITS];	/* Their lookups. */
};

struct match {
	struct tidx	*ix;
	struct dedup	*dd;
	struct jout	*out;
	struct kvrec	*kr;
	struct dstage	*ds;		/* --dedup-only, else NULL. */
	struct match_opts opts;
	struct match_counters c;
	/* The lines that wait, oldest first: a ring of MATCH_LAG.  The
	   newest unfetched of them are not prefetched yet. */
	struct pending	 pend[MATCH_LAG];
	unsigned	 phead, pcount, unfetched;
	uint64_t	 seq;		/* match_line() calls so far. */
	const struct pending *cur;	/* The one parsed in full, its lookups
					   done; or NULL. */
	void		(*fatal)(void *, int, const char *);
	void		*fatal_arg;
};

struct match *
match_new(struct tidx *ix, struct dedup *dd, struct jout *out,
    const struct match_opts *opts)
{
	struct match *m = xcalloc(1, sizeof(*m));

	m->ix = ix;
	m->dd = dd;
	m->out = out;
	m->opts = *opts;
	m->kr = kvrec_new();
	if (opts->dedup_only)
		m->ds = dstage_new(dd);
	return m;
}

void
match_free(struct match *m)
{
	if (m == NULL)
		return;
	kvrec_free(m->kr);
	dstage_free(m->ds);
	free(m);
}

void
match_on_fatal(struct match *m, void (*fn)(void *, int, const char *),
    void *arg)
{
	m->fatal = fn;
	m->fatal_arg = arg;
}

static void __attribute__((noreturn))
fatal(struct match *m, int err, const char *what)
{
	if (m->fatal != NULL)
		m->fatal(m->fatal_arg, err, what);
	abort();
}

void
match_set_index(struct match *m, struct tidx *ix)
{
	m->ix = ix;
}

const struct match_counters *
match_counters(const struct match *m)
{
	return &m->c;
}

int
match_counters_check(const struct match_counters *c)
{
	return c->malformed + c->no_address + c->not_indexed + c->not_vault +
	    c->no_time + c->expired + c->suppressed + c->alerts == c->records ?
	    0 : -1;
}

void
match_malformed(struct match *m)
{
	m->c.records++;
	m->c.malformed++;
}

/* The entry of a, looked up once per address of a scanned line. */
static int64_t
lookup_once(struct match *m, const struct addr *a)
{
	const struct pending *p = m->cur;
	size_t	 i;

	if (p != NULL)
		for (i = 0; i < p->naddrs; i++)
			if (addr_cmp(&p->a[i], a) == 0)
				return p->e[i];
	m->c.lookups++;
	return tidx_lookup(m->ix, a);
}

/* The rule for one record of a full parse. */
static int
on_record(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct match	*m = arg;
	struct tidx_ind	 ind;
	enum tidx_status ts;
	int64_t		 e;

	m->c.records++;
	switch (st) {
	case KVREC_NOT_VAULT:
		m->c.not_vault++;
		return 0;
	case KVREC_NO_ADDRESS:
		m->c.no_address++;
		return 0;
	case KVREC_NO_TIME:
		m->c.no_time++;
		return 0;
	default:
		break;
	}
	if ((e = lookup_once(m, &ev->addr)) < 0) {
		m->c.not_indexed++;
		return 0;
	}
	m->c.matched++;
	if ((ts = tidx_entry(m->ix, (uint64_t)e, &ind)) != TIDX_OK)
		fatal(m, 0, tidx_strerror(ts));
	if (ev->time >= ind.expiration) {
		m->c.expired++;
		return 0;
	}
	if (!dedup_check(m->dd, ind.id.p ? ind.id.p : "", ind.id.len,
	    &ev->addr, ev->time)) {
		m->c.suppressed++;
		return 0;
	}
	if (m->opts.key)
		alert_write_key(m->out, ev, &ind);
	alert_write(m->out, ev, &ind);
	m->c.alerts++;
	if (jout_error(m->out) != 0)
		fatal(m, jout_error(m->out), NULL);
	return 0;
}

/* The full parse of one line: each of its records, then the rule. */
static void
full(struct match *m, const char *name, uint64_t lineno, const char *line,
    size_t len)
{
	uint64_t n;

	m->c.parsed++;
	switch (kvrec_parse_records(m->kr, line, len, on_record, m)) {
	case KVREC_BLANK:
		m->c.parsed--;
		m->c.blank++;
		return;
	case KVREC_MALFORMED:
		/* Each bad record of a container, or the line. */
		n = kvrec_bad_records(m->kr);
		do
			match_malformed(m);
		while (n-- > 1);
		diag_bad(name, lineno, "%s, record skipped", kvrec_error(m->kr));
		return;
	default:
		return;
	}
}

/* 1 when the string s (n bytes) contains needle, ignoring case. */
static int
contains_ci(const char *s, size_t n, const char *needle)
{
	size_t	 k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

/*
 * The quick path of a line with an indexed address: when scan_record()
 * reads it with certainty as one vault event whose time and address
 * parse, whose address was looked up for p, whose indicator has not
 * expired at its time, and which the window suppresses, count it as the
 * full parse would (records, matched, suppressed) and return 1.  Else
 * change nothing and return 0: the full parse decides.
 */
static int
quick_suppress(struct match *m, const struct pending *p)
{
	struct scan_rec	 r;
	const struct scan_hit *t, *a, *rt, *rid;
	struct tidx_ind	 ind;
	struct addr	 ad;
	int64_t		 time;
	size_t		 i;

	if (scan_record(p->line, p->len, &r) == -1)
		return 0;
	rt = &r.m[SM_RESOURCETYPE];
	rid = &r.m[SM_RL_RESOURCEID];
	if (rt->p != NULL) {
		/* AzureDiagnostics (kvrec.h). */
		if (rt->len != 6 || strncasecmp(rt->p, "VAULTS", 6) != 0)
			return 0;
		t = &r.m[SM_TIMEGENERATED];
		a = &r.m[SM_CALLER];
	} else if (rid->p != NULL || r.m[SM_RL_TIME].p != NULL ||
	    r.m[SM_RL_CALLER].p != NULL) {
		/* A resource log. */
		if (rid->p == NULL || !contains_ci(rid->p, rid->len,
		    "/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/"))
			return 0;
		t = &r.m[SM_RL_TIME];
		a = &r.m[SM_RL_CALLER];
	} else
		return 0;
	if (t->p == NULL || a->p == NULL ||
	    ktime_parse(t->p, t->len, &time) == -1 ||
	    addr_parse(a->p, a->len, &ad) == -1)
		return 0;
	for (i = 0; i < p->naddrs; i++)
		if (addr_cmp(&p->a[i], &ad) == 0)
			break;
	if (i == p->naddrs || p->e[i] < 0 ||
	    tidx_entry(m->ix, (uint64_t)p->e[i], &ind) != TIDX_OK ||
	    time >= ind.expiration ||
	    !dedup_covered(m->dd, ind.id.p ? ind.id.p : "", ind.id.len, &ad,
	    time))
		return 0;
	m->c.records++;
	m->c.matched++;
	m->c.suppressed++;
	return 1;
}

/* Finish the line p that waited: its lookups, then the rule. */
static void
finish(struct match *m, struct pending *p)
{
	size_t	 i;
	int	 found = 0;

	for (i = 0; i < p->naddrs; i++)
		if ((p->e[i] = tidx_lookup_fetched(m->ix, &p->a[i])) >= 0)
			found = 1;
	if (!found) {
		m->c.records++;
		m->c.not_indexed++;
		return;
	}
	if (quick_suppress(m, p))
		return;
	m->cur = p;
	full(m, p->name, p->lineno, p->line, p->len);
	m->cur = NULL;
}

/* Finish the oldest line that waits. */
static void
finish_oldest(struct match *m)
{
	struct pending *p = &m->pend[m->phead];

	m->phead = (m->phead + 1) % MATCH_LAG;
	if (m->unfetched > --m->pcount)
		m->unfetched = m->pcount;
	finish(m, p);
}

/*
 * Prefetch the slots of the lines not prefetched yet, all at once: a
 * prefetch into a large index waits for its address translation, and
 * translations issued together overlap where one a line would not.
 */
static void
prefetch_unfetched(struct match *m)
{
	unsigned k, i;
	const struct pending *p;

	for (k = m->pcount - m->unfetched; k < m->pcount; k++) {
		p = &m->pend[(m->phead + k) % MATCH_LAG];
		for (i = 0; i < p->naddrs; i++)
			tidx_prefetch(m->ix, &p->a[i]);
	}
	m->unfetched = 0;
}

void
match_flush(struct match *m)
{
	while (m->pcount > 0)
		finish_oldest(m);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
blank(const char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!is_space(p[i]))
			return 0;
	return 1;
}

/* --dedup-only: one line of alerts. */
static void
dedup_line(struct match *m, const char *name, uint64_t lineno,
    const char *line, size_t len)
{
	const char *p;
	size_t	 n;

	switch (dstage_line(m->ds, line, len, &p, &n)) {
	case DSTAGE_BLANK:
		m->c.blank++;
		return;
	case DSTAGE_MALFORMED:
		match_malformed(m);
		diag_bad(name, lineno, "%s, record skipped",
		    dstage_error(m->ds));
		return;
	case DSTAGE_SUPPRESSED:
		m->c.records++;
		m->c.suppressed++;
		return;
	case DSTAGE_KEPT:
		m->c.records++;
		m->c.alerts++;
		jout_raw(m->out, p, n);
		jout_raw(m->out, "\n", 1);
		if (jout_error(m->out) != 0)
			fatal(m, jout_error(m->out), NULL);
		return;
	}
}

/*
 * The fast path lists the caller addresses; their slots are prefetched
 * MATCH_GROUP lines at a time, and the lookups wait until MATCH_LAG more
 * lines have been scanned (or match_flush()), so that the cache misses of
 * several lines overlap each other and useful work.  Lines are still
 * finished in input order: the ones that wait always go first.
 */
void
match_line(struct match *m, const char *name, uint64_t lineno,
    const char *line, size_t len)
{
	struct scan_hit	 hits[SCAN_MAXHITS];
	struct pending	*p;
	size_t		 nhits, i, n;

	if (m->ds != NULL) {
		dedup_line(m, name, lineno, line, len);
		return;
	}
	/* A line is finished within MATCH_LAG calls after its own. */
	m->seq++;
	while (m->pcount > 0 && m->seq - m->pend[m->phead].seq >= MATCH_LAG)
		finish_oldest(m);
	if (m->opts.validate || scan_callers(line, len, hits, &nhits) ==
	    SCAN_UNSURE || (nhits > 0 &&
	    kvrec_container_line(m->kr, line, len))) {
		match_flush(m);
		full(m, name, lineno, line, len);
		return;
	}
	if (m->pcount == MATCH_LAG)
		finish_oldest(m);
	p = &m->pend[(m->phead + m->pcount) % MATCH_LAG];
	for (i = n = 0; i < nhits; i++)
		if (addr_parse(hits[i].p, hits[i].len, &p->a[n]) == 0)
			n++;
	m->c.lookups += n;
	if (n == 0) {
		if (blank(line, len))
			m->c.blank++;
		else if (kvrec_container_line(m->kr, line, len)) {
			match_flush(m);
			full(m, name, lineno, line, len);
		} else {
			m->c.records++;
			m->c.no_address++;
		}
		return;
	}
	m->pcount++;
	p->seq = m->seq;
	p->name = name;
	p->line = line;
	p->len = len;
	p->lineno = lineno;
	p->naddrs = n;
	if (++m->unfetched == MATCH_GROUP)
		prefetch_unfetched(m);
}

void
match_doc_begin(struct match *m)
{
	match_flush(m);
	m->c.parsed++;
	kvrec_stream_begin(m->kr, on_record, m);
}

int
match_doc_feed(struct match *m, const char *buf, size_t len)
{
	return kvrec_stream_feed(m->kr, buf, len);
}

uint64_t
match_doc_end(struct match *m)
{
	uint64_t n;

	if (kvrec_stream_end(m->kr) == -1)
		return UINT64_MAX;
	for (n = 0; n < kvrec_bad_records(m->kr); n++)
		match_malformed(m);
	return n;
}

uint64_t
match_doc_handled(const struct match *m)
{
	return kvrec_stream_handled(m->kr);
}

const char *
match_doc_error(const struct match *m, uint64_t *offset)
{
	*offset = kvrec_stream_error_offset(m->kr);
	return kvrec_error(m->kr);
}
