/*
 * check_match.c: unit tests of the match module (src/match.h), the rule
 * on a stream of Key Vault log records and its counters.
 *
 * A small index is built in a temporary directory for each test (a
 * checked fixture): two addresses that alert, one whose indicator has
 * expired, and a /16 prefix.  Alerts go through a jout to a temporary
 * file and are read back.  "Outcomes" feeds single lines (and envelope
 * lines) on the fast path and with opts.validate, and checks that each
 * record gets exactly the outcome match.h gives it, once.  "Documents"
 * feeds a document in pieces of every size from 1 to 31 bytes and checks
 * its records, its handled offset and that its alerts are those of the
 * same records as lines.  "Random" feeds a long pseudo-random sequence
 * of lines (good, bad, blank, envelopes of several records, {"value":[]}
 * lines, indexed and unindexed addresses, records that are not vault
 * events, without an address or a time, expired) to a fast and a
 * validating matcher side by side: match_counters_check() holds after
 * every step on both, and both write the same alerts, byte for byte.
 * "Floods" does the same with lines that all name an indexed address,
 * most of them suppressed (the quick suppression of match.c), in many
 * spellings the quick pass must leave to the full parse: there every
 * counter must agree with the validating matcher's, exactly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "addr.h"
#include "dedup.h"
#include "jout.h"
#include "ktime.h"
#include "match.h"
#include "tidx.h"
#include "tidx_build.h"
#include "testlib.h"

#define HOUR	(3600LL * KTIME_TICKS_PER_SEC)

static char	 ixdir[64], ixpath[96];
static struct tidx *ix;

/* A string of the builder b in scope. */
#define BS(x)	tidx_builder_string(b, (x), strlen(x))

static int64_t
kt(const char *s)
{
	int64_t	 t;

	ck_assert_int_eq(ktime_parse(s, strlen(s), &t), 0);
	return t;
}

static struct addr
ip(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(s, strlen(s), &a), 0);
	return a;
}

static void
ix_setup(void)
{
	struct tidx_builder *b = tidx_builder_new();
	struct tidx_params params = { 0, 0, 0 };
	struct tidx_rec_ref r;
	struct addr a;
	int64_t	 rec;

	snprintf(ixdir, sizeof(ixdir), "/tmp/check_match.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(ixdir));
	snprintf(ixpath, sizeof(ixpath), "%s/ti.idx", ixdir);
	params.build_time = params.now = kt("2026-11-20T00:00:00Z");
	params.lookback = 14 * 86400 * KTIME_TICKS_PER_SEC;

	memset(&r, 0, sizeof(r));
	r.description = r.activity_groups = r.url = r.type = TIDX_STRNULL;
	r.time_generated = kt("2026-11-19T08:00:00Z");
	r.expiration = kt("2026-12-01T00:00:00Z");
	r.confidence = 80;
	r.id = BS("ind-1");
	r.threat_type = BS("C2");
	ck_assert_int_ge(rec = tidx_builder_record(b, &r), 0);
	a = ip("203.0.113.7");
	ck_assert_int_eq(tidx_builder_addr(b, &a, BS("203.0.113.7"),
	    (uint64_t)rec), TIDX_OK);

	r.id = BS("ind-2");
	r.expiration = INT64_MAX;
	ck_assert_int_ge(rec = tidx_builder_record(b, &r), 0);
	a = ip("2001:db8::1");
	ck_assert_int_eq(tidx_builder_addr(b, &a, BS("2001:db8::1"),
	    (uint64_t)rec), TIDX_OK);

	/* Expires before the records' times. */
	r.id = BS("ind-old");
	r.expiration = kt("2026-11-20T06:00:00Z");
	ck_assert_int_ge(rec = tidx_builder_record(b, &r), 0);
	a = ip("198.51.100.23");
	ck_assert_int_eq(tidx_builder_addr(b, &a, BS("198.51.100.23"),
	    (uint64_t)rec), TIDX_OK);

	r.id = BS("ind-net");
	r.expiration = INT64_MAX;
	ck_assert_int_ge(rec = tidx_builder_record(b, &r), 0);
	a = ip("10.9.0.0");
	ck_assert_int_eq(tidx_builder_prefix(b, &a, 96 + 16, BS("10.9.0.0/16"),
	    (uint64_t)rec), TIDX_OK);

	ck_assert_int_eq(tidx_builder_write(b, ixpath, &params), TIDX_OK);
	tidx_builder_free(b);
	ck_assert_int_eq(tidx_open(ixpath, &ix), TIDX_OK);
}

static void
ix_teardown(void)
{
	tidx_close(ix);
	ix = NULL;
	unlink(ixpath);
	rmdir(ixdir);
}

/* A matcher with its window table and its output. */
struct m {
	struct match	*m;
	struct dedup	*dd;
	struct jout	*out;
	FILE		*f;
};

static void
m_open(struct m *x, int validate, int64_t window)
{
	struct match_opts o = { validate, 0, 0 };

	ck_assert_ptr_nonnull(x->f = tmpfile());
	x->out = jout_new(fileno(x->f));
	x->dd = dedup_new(window, 7LL * 86400 * KTIME_TICKS_PER_SEC, 1000);
	x->m = match_new(ix, x->dd, x->out, &o);
}

/* The alerts written (free it). */
static char *
m_alerts(struct m *x)
{
	size_t	 cap = 4096, len = 0;
	char	*buf = malloc(cap);
	ssize_t	 n;
	int	 fd = fileno(x->f);

	ck_assert_int_eq(jout_flush(x->out), 0);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	for (;;) {
		if (cap - len < 2) {
			cap *= 2;
			ck_assert_ptr_nonnull(buf = realloc(buf, cap));
		}
		ck_assert_int_ge(n = read(fd, buf + len, cap - len - 1), 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), (off_t)len);
	return buf;
}

static void
m_close(struct m *x)
{
	match_free(x->m);
	dedup_free(x->dd);
	jout_free(x->out);
	fclose(x->f);
}

static unsigned
nlines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The outcomes, by name, as offsets into struct match_counters. */
enum { O_NONE = -1, O_ANY = -2 };
static const struct {
	const char *name;
	size_t	 off;
} outcomes[] = {
	{ "malformed", offsetof(struct match_counters, malformed) },
	{ "no_address", offsetof(struct match_counters, no_address) },
	{ "not_indexed", offsetof(struct match_counters, not_indexed) },
	{ "not_vault", offsetof(struct match_counters, not_vault) },
	{ "no_time", offsetof(struct match_counters, no_time) },
	{ "expired", offsetof(struct match_counters, expired) },
	{ "suppressed", offsetof(struct match_counters, suppressed) },
	{ "alerts", offsetof(struct match_counters, alerts) },
};
#define NOUT	(sizeof(outcomes) / sizeof(outcomes[0]))

static uint64_t
get(const struct match_counters *c, size_t i)
{
	return *(const uint64_t *)(const void *)((const char *)c +
	    outcomes[i].off);
}

/* The records' time and shape. */
#define T(s)	"\"TimeGenerated\":\"2026-11-20T" s "Z\""
#define V	"\"ResourceType\":\"VAULTS\""
#define REC(addr, t)	"{" V "," T(t) ",\"CallerIPAddress\":\"" addr "\"}"

/*
 * A line, the outcomes of its records on the fast path and with
 * validate (a string of outcome names, one per record, or "blank"; "*"
 * allows any one outcome).
 */
static const struct {
	const char *line, *fast, *full;
} cases[] = {
	{ REC("203.0.113.7", "12:00:00"), "alerts", "alerts" },
	{ REC("2001:DB8::1", "12:00:00"), "alerts", "alerts" },
	{ REC("10.9.200.1", "12:00:00"), "alerts", "alerts" },
	{ REC("192.0.2.99", "12:00:00"), "not_indexed", "not_indexed" },
	{ REC("198.51.100.23", "12:00:00"), "expired", "expired" },
	{ "{\"ResourceType\":\"STORAGE\"," T("12:00:00")
	    ",\"CallerIPAddress\":\"203.0.113.7\"}", "not_vault", "not_vault" },
	{ "{\"ResourceType\":\"STORAGE\"," T("12:00:00")
	    ",\"CallerIPAddress\":\"192.0.2.99\"}", "not_indexed", "not_vault" },
	{ "{" V "," T("12:00:00") "}", "no_address", "no_address" },
	{ "{" V "," T("12:00:00") ",\"CallerIPAddress\":\"no.such\"}",
	    "no_address", "no_address" },
	{ "{" V ",\"CallerIPAddress\":\"203.0.113.7\"}", "no_time", "no_time" },
	{ "{" V ",\"TimeGenerated\":\"yesterday\","
	    "\"CallerIPAddress\":\"203.0.113.7\"}", "no_time", "no_time" },
	{ "{" V ",\"CallerIPAddress\":\"192.0.2.99\"}", "not_indexed",
	    "no_time" },
	{ "{" V "," T("12:00:00") ",\"CallerIPAddress\":\"203.0.113.7\"",
	    "malformed", "malformed" },
	{ "{" V "," T("12:00:00") ",\"CallerIPAddress\":\"192.0.2.99\", x}",
	    "*", "malformed" },
	{ "not json at all", "*", "malformed" },
	{ "", "blank", "blank" },
	{ "  \t", "blank", "blank" },
	{ "{}", "no_address", "not_vault" },
	/* Envelopes: one record per element, on every path. */
	{ "{\"records\":[" REC("203.0.113.7", "12:00:00") ","
	    REC("192.0.2.99", "12:00:00") ",{\"ResourceType\":\"X\"},"
	    "{" V "," T("12:00:00") "}]}",
	    "alerts not_indexed not_vault no_address",
	    "alerts not_indexed not_vault no_address" },
	{ "{\"records\":[" REC("192.0.2.99", "12:00:00") ","
	    REC("192.0.2.98", "12:00:00") "]}",
	    "not_indexed not_indexed", "not_indexed not_indexed" },
	{ "{\"records\":[{" V "},{" V "},{" V "}]}",
	    "no_time no_time no_time", "no_time no_time no_time" },
	{ "{\"records\":[]}", "", "" },
	{ "{\"records\":[" REC("203.0.113.7", "12:00:00") ",",
	    "malformed", "malformed" },
	{ "[" REC("192.0.2.99", "12:00:00") ","
	    REC("192.0.2.98", "12:00:00") "]",
	    "not_indexed not_indexed", "not_indexed not_indexed" },
	{ "[" REC("203.0.113.7", "12:00:00") ","
	    REC("192.0.2.98", "12:00:00") "]",
	    "alerts not_indexed", "alerts not_indexed" },
};

/* Check the counters of one line against the names in want. */
static void
assert_outcomes(const char *line, const struct match_counters *c,
    const char *want)
{
	uint64_t n[NOUT] = { 0 }, recs = 0;
	char	 w[256], *p, *save = NULL;
	size_t	 i;
	int	 any = 0;

	ck_assert_int_eq(match_counters_check(c), 0);
	if (strcmp(want, "blank") == 0) {
		ck_assert_msg(c->blank == 1 && c->records == 0, "%s", line);
		return;
	}
	ck_assert_msg(c->blank == 0, "%s: blank", line);
	snprintf(w, sizeof(w), "%s", want);
	for (p = strtok_r(w, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		recs++;
		if (strcmp(p, "*") == 0) {
			any++;
			continue;
		}
		for (i = 0; i < NOUT && strcmp(outcomes[i].name, p) != 0; i++)
			;
		ck_assert_msg(i < NOUT, "no outcome %s", p);
		n[i]++;
	}
	ck_assert_msg(c->records == recs, "%s: records %llu, want %llu",
	    line, (unsigned long long)c->records, (unsigned long long)recs);
	for (i = 0; i < NOUT; i++)
		if (!any)
			ck_assert_msg(get(c, i) == n[i], "%s: %s %llu, want %llu",
			    line, outcomes[i].name,
			    (unsigned long long)get(c, i),
			    (unsigned long long)n[i]);
}

START_TEST(outcome_each)
{
	struct m f, v;
	char	*af, *av;

	m_open(&f, 0, HOUR);
	m_open(&v, 1, HOUR);
	match_line(f.m, "in", 1, cases[_i].line, strlen(cases[_i].line));
	match_flush(f.m);
	match_line(v.m, "in", 1, cases[_i].line, strlen(cases[_i].line));
	ck_assert_int_eq(match_counters_check(match_counters(v.m)), 0);
	match_flush(v.m);
	assert_outcomes(cases[_i].line, match_counters(f.m), cases[_i].fast);
	assert_outcomes(cases[_i].line, match_counters(v.m), cases[_i].full);
	/* Vault events whose address is indexed, on both paths. */
	ck_assert_uint_eq(match_counters(f.m)->matched,
	    match_counters(v.m)->matched);
	af = m_alerts(&f);
	av = m_alerts(&v);
	ck_assert_str_eq(af, av);
	ck_assert_uint_eq(nlines(af), match_counters(f.m)->alerts);
	free(af);
	free(av);
	m_close(&f);
	m_close(&v);
}
END_TEST

/* The window, and an address looked up once per line. */
START_TEST(outcome_window)
{
	static const char *const lines[] = {
		REC("203.0.113.7", "12:00:00"),
		REC("203.0.113.7", "12:30:00"),		/* In the window. */
		REC("203.0.113.7", "13:00:00"),		/* At its end. */
		"{\"records\":[" REC("2001:db8::1", "12:00:00") ","
		    REC("2001:db8::1", "12:00:01") "]}",
	};
	struct m x;
	size_t	 i, v;
	const struct match_counters *c;

	for (v = 0; v < 2; v++) {
		m_open(&x, (int)v, HOUR);
		for (i = 0; i < 4; i++)
			match_line(x.m, "in", i + 1, lines[i], strlen(lines[i]));
		match_flush(x.m);
		c = match_counters(x.m);
		ck_assert_uint_eq(c->records, 5);
		ck_assert_uint_eq(c->alerts, 3);
		ck_assert_uint_eq(c->suppressed, 2);
		ck_assert_uint_eq(c->matched, 5);
		ck_assert_uint_eq(c->lookups, 5);
		ck_assert_int_eq(match_counters_check(c), 0);
		m_close(&x);
	}
}
END_TEST

/* match_malformed() counts one record; the invariant is checked. */
START_TEST(counters_check)
{
	struct match_counters c;
	struct m x;
	size_t	 i;

	m_open(&x, 0, HOUR);
	match_malformed(x.m);
	ck_assert_uint_eq(match_counters(x.m)->records, 1);
	ck_assert_uint_eq(match_counters(x.m)->malformed, 1);
	ck_assert_int_eq(match_counters_check(match_counters(x.m)), 0);
	m_close(&x);
	for (i = 0; i < NOUT; i++) {
		memset(&c, 0, sizeof(c));
		*(uint64_t *)(void *)((char *)&c + outcomes[i].off) = 1;
		ck_assert_int_eq(match_counters_check(&c), -1);
		c.records = 1;
		ck_assert_int_eq(match_counters_check(&c), 0);
		c.blank = c.parsed = c.lookups = c.matched = 7;
		ck_assert_int_eq(match_counters_check(&c), 0);
	}
}
END_TEST

/* ---- Documents -------------------------------------------------------- */

static const char doc[] =
    "{\"records\": [\n"
    "  " REC("203.0.113.7", "12:00:00") ",\n"
    "  " REC("192.0.2.99", "12:00:00") ",\n"
    "  {\"ResourceType\": \"STORAGE\", \"CallerIPAddress\": \"203.0.113.7\"},\n"
    "  " REC("203.0.113.7", "12:10:00") ",\n"
    "  " REC("10.9.1.1", "12:00:00") ",\n"
    "  {\"ResourceType\": \"VAULTS\"}\n"
    "]}\n";

START_TEST(doc_pieces)
{
	static const char *const same[] = {
		REC("203.0.113.7", "12:00:00"),
		REC("203.0.113.7", "12:10:00"),
		REC("10.9.1.1", "12:00:00"),
	};
	const struct match_counters *c;
	struct m x, l;
	char	*ax, *al;
	size_t	 rs, i, n = sizeof(doc) - 1;
	uint64_t last;

	/* The alerts of the same vault events, as lines. */
	m_open(&l, 0, HOUR);
	for (i = 0; i < 3; i++)
		match_line(l.m, "in", i + 1, same[i], strlen(same[i]));
	match_flush(l.m);
	al = m_alerts(&l);
	ck_assert_uint_eq(nlines(al), 2);

	for (rs = 1; rs <= 31; rs++) {
		m_open(&x, rs % 2, HOUR);
		match_doc_begin(x.m);
		last = 0;
		for (i = 0; i < n; i += rs) {
			ck_assert_int_eq(match_doc_feed(x.m, doc + i,
			    n - i < rs ? n - i : rs), 0);
			ck_assert_int_eq(match_counters_check(match_counters(
			    x.m)), 0);
			ck_assert_uint_ge(match_doc_handled(x.m), last);
			last = match_doc_handled(x.m);
			ck_assert_uint_le(last, i + rs);
		}
		ck_assert_int_eq(match_doc_end(x.m), 0);
		c = match_counters(x.m);
		ck_assert_uint_eq(c->records, 6);
		ck_assert_uint_eq(c->alerts, 2);
		ck_assert_uint_eq(c->suppressed, 1);
		ck_assert_uint_eq(c->not_indexed, 1);
		ck_assert_uint_eq(c->not_vault, 1);
		ck_assert_uint_eq(c->no_time, 1);
		ck_assert_uint_eq(c->parsed, 1);
		ck_assert_int_eq(match_counters_check(c), 0);
		/* Just past the last record's closing brace. */
		ck_assert_uint_eq(match_doc_handled(x.m),
		    (uint64_t)(strstr(doc, "\"VAULTS\"}\n]") - doc) + 9);
		ax = m_alerts(&x);
		ck_assert_str_eq(ax, al);
		free(ax);
		m_close(&x);
	}
	free(al);
	m_close(&l);
}
END_TEST

/* A line that waits is finished before a document's records. */
START_TEST(doc_after_line)
{
	static const char d[] = "[" REC("2001:db8::1", "12:00:00") ",\n"
	    "{\"oops\n";
	const char *line = REC("203.0.113.7", "12:00:00");
	struct m x;
	char	*a, *first;
	uint64_t off;

	m_open(&x, 0, HOUR);
	match_line(x.m, "in", 1, line, strlen(line));
	match_doc_begin(x.m);
	ck_assert_int_eq(match_counters(x.m)->records, 1);
	ck_assert_int_eq(match_doc_feed(x.m, d, sizeof(d) - 1), -1);
	ck_assert_ptr_nonnull(match_doc_error(x.m, &off));
	ck_assert_uint_le(off, sizeof(d) - 1);
	ck_assert_uint_ge(off, match_doc_handled(x.m));
	match_malformed(x.m);		/* As the input layer reports it. */
	ck_assert_uint_eq(match_counters(x.m)->records, 3);
	ck_assert_uint_eq(match_counters(x.m)->alerts, 2);
	ck_assert_int_eq(match_counters_check(match_counters(x.m)), 0);
	a = m_alerts(&x);
	ck_assert_uint_eq(nlines(a), 2);
	first = strstr(a, "203.0.113.7");
	ck_assert_ptr_nonnull(first);
	ck_assert(first < strstr(a, "2001:db8::1"));
	free(a);
	m_close(&x);
}
END_TEST

/* ---- Random sequences ------------------------------------------------- */

static uint64_t rnd_state;

static unsigned
rnd_below(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rnd_state >> 33) % n);
}

static const char *const indexed[] = {
	"203.0.113.7", "2001:db8::1", "2001:DB8:0::1", "10.9.3.4",
	"10.9.255.255", "198.51.100.23"
};
static const char *const unindexed[] = {
	"192.0.2.99", "10.8.0.1", "2001:db8::2", "::ffff:203.0.113.8"
};

static const char *
raddr(void)
{
	if (rnd_below(2))
		return indexed[rnd_below(sizeof(indexed) / sizeof(indexed[0]))];
	return unindexed[rnd_below(sizeof(unindexed) / sizeof(unindexed[0]))];
}

/* One record object of a random kind, appended to s. */
static void
rrec(char *s, size_t cap)
{
	size_t	 n = strlen(s);
	char	 t[64];

	snprintf(t, sizeof(t), "\"TimeGenerated\":\"2026-11-20T%02u:%02u:00Z\"",
	    10 + rnd_below(4), rnd_below(60));
	switch (rnd_below(8)) {
	case 0:
		snprintf(s + n, cap - n, "{\"ResourceType\":\"STORAGE\",%s,"
		    "\"CallerIPAddress\":\"%s\"}", t, raddr());
		break;
	case 1:
		snprintf(s + n, cap - n, "{" V ",%s}", t);
		break;
	case 2:
		snprintf(s + n, cap - n, "{" V ",\"CallerIPAddress\":\"%s\"}",
		    raddr());
		break;
	case 3:	/* A resource log record. */
		snprintf(s + n, cap - n, "{\"time\":\"2026-11-20T%02u:%02u:00Z\","
		    "\"resourceId\":\"/SUBSCRIPTIONS/S/RESOURCEGROUPS/R/"
		    "PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV\","
		    "\"callerIpAddress\":\"%s\"}", 10 + rnd_below(4), rnd_below(60),
		    raddr());
		break;
	default:
		snprintf(s + n, cap - n, "{" V ",%s,\"CallerIPAddress\":\"%s\"}",
		    t, raddr());
		break;
	}
}

/* A random line into s. */
static void
rline(char *s, size_t cap)
{
	unsigned i, k;

	s[0] = '\0';
	switch (rnd_below(12)) {
	case 0:
		snprintf(s, cap, "%s", rnd_below(2) ? "" : " \t ");
		break;
	case 1:		/* Cut. */
		rrec(s, cap);
		s[rnd_below((unsigned)strlen(s))] = '\0';
		break;
	case 2:		/* Damaged inside. */
		rrec(s, cap);
		s[1 + rnd_below((unsigned)strlen(s) - 1)] = "x,:{[\"}"[rnd_below(7)];
		break;
	case 3:
	case 4:
		snprintf(s, cap, "{\"%s\":[", rnd_below(3) ? "records" : "value");
		for (i = 0, k = rnd_below(5); i < k; i++) {
			if (i > 0)
				strcat(s, ",");
			rrec(s, cap);
		}
		strcat(s, "]}");
		break;
	default:
		rrec(s, cap);
		break;
	}
}

START_TEST(random_sequence)
{
	struct m f, v;
	const struct match_counters *cf, *cv;
	char	 lines[MATCH_LAG + 1][1024], *af, *av;
	unsigned i, cur = 0;

	rnd_state = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
	m_open(&f, 0, HOUR);
	m_open(&v, 1, HOUR);
	for (i = 0; i < TEST_ROUNDS(3000); i++) {
		/* A line stays valid for the MATCH_LAG calls after it. */
		cur = (cur + 1) % (MATCH_LAG + 1);
		rline(lines[cur], sizeof(lines[cur]));
		match_line(f.m, "in", i + 1, lines[cur], strlen(lines[cur]));
		match_line(v.m, "in", i + 1, lines[cur], strlen(lines[cur]));
		ck_assert_msg(match_counters_check(match_counters(f.m)) == 0,
		    "line %u: %s", i + 1, lines[cur]);
		ck_assert_int_eq(match_counters_check(match_counters(v.m)), 0);
		if (rnd_below(7) == 0) {
			match_flush(f.m);
			ck_assert_int_eq(match_counters_check(
			    match_counters(f.m)), 0);
		}
	}
	match_flush(f.m);
	match_flush(v.m);
	cf = match_counters(f.m);
	cv = match_counters(v.m);
	ck_assert_int_eq(match_counters_check(cf), 0);
	ck_assert_int_eq(match_counters_check(cv), 0);
	ck_assert_uint_eq(cf->records, cv->records);
	ck_assert_uint_eq(cf->blank, cv->blank);
	ck_assert_uint_eq(cf->alerts, cv->alerts);
	ck_assert_uint_eq(cf->suppressed, cv->suppressed);
	ck_assert_uint_eq(cf->expired, cv->expired);
	ck_assert_uint_eq(cf->matched, cv->matched);
	ck_assert_uint_gt(cf->alerts, 10);
	ck_assert_uint_gt(cf->suppressed, 10);
	ck_assert_uint_gt(cf->expired, 10);
	ck_assert_uint_gt(cf->malformed, 10);
	ck_assert_uint_gt(cf->not_vault, 10);
	ck_assert_uint_gt(cf->no_time, 10);
	ck_assert_uint_gt(cf->no_address, 10);
	ck_assert_uint_gt(cf->not_indexed, 10);
	af = m_alerts(&f);
	av = m_alerts(&v);
	ck_assert_uint_eq(nlines(af), cf->alerts);
	ck_assert(strcmp(af, av) == 0);
	free(af);
	free(av);
	m_close(&f);
	m_close(&v);
}
END_TEST

/* ---- Floods ----------------------------------------------------------- */

/*
 * Lines that all name an indexed address where the scan sees it, so the
 * fast path must count them exactly as the full parse does: the common
 * vault event in many spellings, and the records the quick suppression
 * cannot read with certainty (escapes in the time or a key, repeated
 * members, other member orders, envelopes, other shapes, odd case,
 * members that are not strings, damage after the address, an indicator
 * expired at the record's time).  @A is the address, @T the time, @D
 * the time's date and 'T'.
 */
static const char *const flood_fmt[] = {
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"OperationName\":\"SecretGet\",\"DurationMs\":12,\"ok\":true,\"n\":null,\"x\":[1,-2.5e3,{\"a\":[]}]}",
	"{\"CallerIPAddress\":\"@A\",\"TimeGenerated\":\"@T\",\"ResourceType\":\"vaults\"}",
	" {\"TimeGenerated\" : \"@T\" ,\t\"ResourceType\":\"Vaults\", \"CallerIPAddress\":\"@A\"} \r",
	"{\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"@A\",\"TimeGenerated\":\"@T\",\"ResultDescription\":\"caller \\u0027x\\u0027 \\\"y\\\"\\r\\n\\/\"}",
	"{\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"@A\",\"TimeGenerated\":\"@T\",\"who\":\"J\xc3\xbcrgen \xff\"}",
	/* The time with an escape: the full parse decodes it. */
	"{\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"@A\",\"TimeGenerated\":\"@D\\u0031@T\"}",
	"{\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"@A\",\"TimeGenerated\":\"@T\\u0000\"}",
	/* Repeated members: the last counts. */
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"2026-11-21T10:00:00Z\",\"CallerIPAddress\":\"@A\",\"TimeGenerated\":\"@T\"}",
	"{\"ResourceType\":\"STORAGE\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"ResourceType\":\"VAULTS\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"ResourceType\":\"STORAGE\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"CallerIPAddress\":\"192.0.2.99\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"192.0.2.99\",\"CallerIPAddress\":\"@A\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"TimeGenerated\":null}",
	/* Members of the same names deeper down do not count. */
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"x\":{\"ResourceType\":\"STORAGE\",\"TimeGenerated\":\"bad\",\"CallerIPAddress\":\"192.0.2.99\"},\"CallerIPAddress\":\"@A\"}",
	/* Escaped keys, containers, other shapes. */
	"{\"Resource\\u0054ype\":\"STORAGE\",\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\"}",
	"{\"records\":[{\"time\":\"@T\",\"resourceId\":\"/SUBSCRIPTIONS/S/RESOURCEGROUPS/R/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV\",\"callerIpAddress\":\"@A\"},{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\"}]}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"records\":[]}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"value\":\"x\"}",
	"{\"time\":\"@T\",\"resourceId\":\"/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv\",\"callerIpAddress\":\"@A\"}",
	"{\"time\":\"@T\",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.STORAGE/ACCOUNTS/A\",\"callerIpAddress\":\"@A\"}",
	"{\"TimeGenerated\":\"@T\",\"Type\":\"AZKVAuditLogs\",\"CallerIpAddress\":\"@A\"}",
	/* Not strings, not times. */
	"{\"ResourceType\":null,\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\"}",
	"{\"ResourceType\":[\"VAULTS\"],\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":20261120,\"CallerIPAddress\":\"@A\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"yesterday\",\"CallerIPAddress\":\"@A\"}",
	"{\"ResourceType\":\"VAULTS \",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\"}",
	/* Damage after the address. */
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":tru}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":01}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":1.}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":\"a\\qb\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":\"a\\u12G4\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":\"a\tb\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":[1,]}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":{\"a\":1,}}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":[}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\" \"x\":1}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\"} {}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"@T\",\"CallerIPAddress\":\"@A\",\"x\":1}}",
};
#define NFLOOD	(sizeof(flood_fmt) / sizeof(flood_fmt[0]))

/* Format fmt with address a and time t (as above) into s. */
static void
flood_fill(char *s, size_t cap, const char *fmt, const char *a,
    const char *t)
{
	size_t	 n = 0, k;
	const char *v;

	for (; *fmt != '\0'; fmt++) {
		v = NULL;
		if (fmt[0] == '@' && (fmt[1] == 'A' || fmt[1] == 'T' ||
		    fmt[1] == 'D')) {
			v = fmt[1] == 'A' ? a : t;
			k = fmt[1] == 'D' ? 11 : strlen(v);
			fmt++;
		} else {
			v = fmt;
			k = 1;
		}
		ck_assert_uint_lt(n + k, cap);
		memcpy(s + n, v, k);
		n += k;
	}
	s[n] = '\0';
}

/* The common line (format 0) most of the time, else any. */
static void
flood_line(char *s, size_t cap)
{
	static const char *const addrs[] = {
		"203.0.113.7", "2001:db8::1", "2001:DB8:0::1", "10.9.3.4",
		"198.51.100.23"
	};
	char	 t[32];
	unsigned k = rnd_below(3) ? 0 : rnd_below(NFLOOD);

	if (rnd_below(8) == 0)	/* Around the expiry of ind-1 (203.0.113.7). */
		snprintf(t, sizeof(t), "2026-1%s:%02u:00Z", rnd_below(2) ?
		    "1-30T23" : "2-01T00", rnd_below(60));
	else
		snprintf(t, sizeof(t), "2026-11-20T%02u:%02u:%02u.5Z",
		    10 + rnd_below(4), rnd_below(60), rnd_below(60));
	flood_fill(s, cap, flood_fmt[k], addrs[rnd_below(sizeof(addrs) /
	    sizeof(addrs[0]))], t);
}

START_TEST(flood_sequence)
{
	struct m f, v;
	const struct match_counters *cf, *cv;
	char	 lines[MATCH_LAG + 1][1024], *af, *av;
	unsigned i, cur = 0;
	size_t	 o;

	rnd_state = 0x243f6a8885a308d3ULL + (uint64_t)_i;
	m_open(&f, 0, HOUR);
	m_open(&v, 1, HOUR);
	for (i = 0; i < 2500; i++) {
		cur = (cur + 1) % (MATCH_LAG + 1);
		flood_line(lines[cur], sizeof(lines[cur]));
		match_line(f.m, "in", i + 1, lines[cur], strlen(lines[cur]));
		match_line(v.m, "in", i + 1, lines[cur], strlen(lines[cur]));
		if (rnd_below(5) == 0) {
			match_flush(f.m);
			match_flush(v.m);
			for (o = 0; o < NOUT; o++)
				ck_assert_msg(get(match_counters(f.m), o) ==
				    get(match_counters(v.m), o),
				    "line %u: %s: %s differs", i + 1,
				    lines[cur], outcomes[o].name);
		}
	}
	match_flush(f.m);
	match_flush(v.m);
	cf = match_counters(f.m);
	cv = match_counters(v.m);
	ck_assert_int_eq(match_counters_check(cf), 0);
	for (o = 0; o < NOUT; o++)
		ck_assert_msg(get(cf, o) == get(cv, o), "%s: %llu and %llu",
		    outcomes[o].name, (unsigned long long)get(cf, o),
		    (unsigned long long)get(cv, o));
	ck_assert_uint_eq(cf->records, cv->records);
	ck_assert_uint_eq(cf->matched, cv->matched);
	/* Every kind of outcome, and most suppressed without a parse. */
	for (o = 0; o < NOUT; o++)
		if (strcmp(outcomes[o].name, "no_address") != 0)
			ck_assert_msg(get(cf, o) > 5, "%s", outcomes[o].name);
	ck_assert_uint_gt(cf->suppressed, 1200);
	ck_assert_uint_lt(cf->parsed, cv->parsed - 1200);
	af = m_alerts(&f);
	av = m_alerts(&v);
	ck_assert_uint_eq(nlines(af), cf->alerts);
	ck_assert(strcmp(af, av) == 0);
	free(af);
	free(av);
	m_close(&f);
	m_close(&v);
}
END_TEST

/* Each flood line alone, after an alert of its key: the same outcome. */
START_TEST(flood_each)
{
	struct m f, v;
	char	 line[1024];
	size_t	 o;
	static const char first[] = REC("203.0.113.7", "10:00:00");
	static const char first6[] = REC("2001:db8::1", "10:00:00");

	m_open(&f, 0, HOUR);
	m_open(&v, 1, HOUR);
	match_line(f.m, "in", 1, first, strlen(first));
	match_line(v.m, "in", 1, first, strlen(first));
	match_line(f.m, "in", 2, first6, strlen(first6));
	match_line(v.m, "in", 2, first6, strlen(first6));
	flood_fill(line, sizeof(line), flood_fmt[_i], _i % 2 ?
	    "203.0.113.7" : "2001:db8::1", "2026-11-20T10:20:00Z");
	match_line(f.m, "in", 3, line, strlen(line));
	match_line(v.m, "in", 3, line, strlen(line));
	match_flush(f.m);
	match_flush(v.m);
	for (o = 0; o < NOUT; o++)
		ck_assert_msg(get(match_counters(f.m), o) ==
		    get(match_counters(v.m), o), "%s: %s differs", line,
		    outcomes[o].name);
	m_close(&f);
	m_close(&v);
}
END_TEST

Suite *
match_suite(void)
{
	Suite	*s = suite_create("match");
	TCase	*tc;

	tc = tcase_create("Outcomes");
	tcase_add_checked_fixture(tc, ix_setup, ix_teardown);
	tcase_add_loop_test(tc, outcome_each, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, outcome_window);
	tcase_add_test(tc, counters_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("Documents");
	tcase_add_checked_fixture(tc, ix_setup, ix_teardown);
	tcase_add_test(tc, doc_pieces);
	tcase_add_test(tc, doc_after_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("Random");
	tcase_add_checked_fixture(tc, ix_setup, ix_teardown);
	tcase_add_loop_test(tc, random_sequence, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("Floods");
	tcase_set_timeout(tc, 60);	/* Two matchers over 2,500 lines. */
	tcase_add_checked_fixture(tc, ix_setup, ix_teardown);
	tcase_add_loop_test(tc, flood_sequence, 0, 3);
	tcase_add_loop_test(tc, flood_each, 0, (int)NFLOOD);
	suite_add_tcase(s, tc);
	return s;
}
