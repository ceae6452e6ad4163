/*
 * check_ingest.c: unit tests of the ingest module (src/ingest.h), which
 * applies SPEC.md section 2.1 to ThreatIntelligenceIndicator rows.  Each
 * test feeds JSON lines to ingest_row(), then (through the checked
 * fixture's finish()) runs ingest_finish() into a tidx builder, writes
 * and opens the index, and checks what tidx_lookup() and tidx_entry()
 * find, and the counters of ingest_stats().  "Core" follows the steps of
 * the rule in order: the address column, the lookback, parsing and
 * exclusion, the latest row per IndicatorId, Active and expiry, and one
 * indicator per address; "Input" covers bad and blank lines and the
 * helpers source_truthy() and source_confidence(); "Limits" covers many
 * indicators and reproducible output.  The "now" of every test is
 * 2026-11-20T12:00:00Z and the lookback 14 days.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "ahead.h"
#include "ingest.h"
#include "jrec.h"
#include "ktime.h"
#include "source.h"
#include "tidx.h"

#include "check.h"
#include "testlib.h"

#define NOW_TEXT	"2026-11-20T12:00:00Z"
#define LOOKBACK	(14 * 86400LL * KTIME_TICKS_PER_SEC)

/* The usual tail of a row that is recent, active and not expired. */
#define TG_DAY1		"2026-11-19T12:00:00Z"
#define TG_DAY2		"2026-11-18T12:00:00Z"
#define EXP_LATER	"2026-12-31T00:00:00Z"
#define GOOD		"\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true," \
			"\"ExpirationDateTime\":\"" EXP_LATER "\""
#define LIVE		"\"Active\":true,\"ExpirationDateTime\":\"" \
			EXP_LATER "\""

static char		 tmpdir[PATH_MAX / 2];	/* The unchecked fixture's. */
static int64_t		 now;
static struct ingest	*in;		/* The checked fixture's. */
static struct tidx	*ix;		/* What finish() opened. */
static char		 why[256];	/* ingest_line's reason. */

/* ---------------------------------------------------------------------
 * Helpers.
 */

static int64_t
ticks(const char *text)
{
	int64_t	 t;

	ck_assert_msg(ktime_parse(text, strlen(text), &t) == 0,
	    "bad time %s", text);
	return t;
}

static void mode(int json);

static int
row(const char *line)
{
	memset(why, 0, sizeof(why));
	mode(1);
	return ingest_line(in, line, strlen(line), why, sizeof(why));
}

/* Read the lines that follow as JSON (json 1) or as a plain list. */
static void
mode(int json)
{
	static const struct ingest *cur;
	static int cur_json;

	if (cur == in && cur_json == json)
		return;
	ck_assert_int_eq(ingest_set_format(in, json ? "json" : "list"), 0);
	ingest_input_begin(in);
	cur = in;
	cur_json = json;
}

static void
list_mode(void)
{
	mode(0);
}

/* source_truthy and source_confidence of a value of type t. */
static int
truthy(enum jval_type t, const char *s, size_t len, int b)
{
	struct jval v = { t, s, len, b, 0 };

	return source_truthy(&v);
}

static int
confidence(enum jval_type t, const char *s, size_t len, int32_t *conf)
{
	struct jval v = { t, s, len, 0, 0 };

	return source_confidence(&v, conf);
}

/* A row that must be taken (or filtered by the rule): 0. */
static void
row_ok(const char *line)
{
	int	 rc = row(line);

	ck_assert_msg(rc == 0, "%s: %d (%s)", line, rc, why);
}

/* A row that must be reported as bad input, with a reason. */
static void
row_bad(const char *line)
{
	int	 rc = row(line);

	ck_assert_msg(rc == -1, "%s: %d, not -1", line, rc);
	ck_assert_msg(why[0] != '\0', "%s: no reason given", line);
}

static int rowf(const char *, ...) __attribute__((__format__(__printf__,
    1, 2)));

static int
rowf(const char *fmt, ...)
{
	char	 line[4096];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ck_assert(n > 0 && (size_t)n < sizeof(line));
	return row(line);
}

static const struct ingest_stats *
st(void)
{
	return ingest_stats(in);
}

/* Run ingest_finish into a new index and open it as ix. */
static void
finish(void)
{
	ix = ix_finish(in, tmpdir, "ingest.idx", now, LOOKBACK);
}

/* Look addr up in ix: 1 and *ind filled when found, else 0. */
static int
find(const char *addr, struct tidx_ind *ind)
{
	return ix_find(ix, addr, ind);
}

/* Assert that addr is in the index under IndicatorId id. */
static void
has(const char *addr, const char *id)
{
	struct tidx_ind	 ind;

	ck_assert_msg(find(addr, &ind), "%s not in the index", addr);
	ck_assert_ptr_nonnull(ind.id.p);
	ck_assert_msg(ind.id.len == strlen(id) &&
	    memcmp(ind.id.p, id, ind.id.len) == 0,
	    "%s: indicator %.*s, not %s", addr, (int)ind.id.len, ind.id.p,
	    id);
}

static void
hasnt(const char *addr)
{
	struct tidx_ind	 ind;

	ck_assert_msg(!find(addr, &ind), "%s is in the index", addr);
}

static int32_t
conf_of(const char *addr)
{
	struct tidx_ind	 ind;

	ck_assert_msg(find(addr, &ind), "%s not in the index", addr);
	return ind.confidence;
}

/* ---------------------------------------------------------------------
 * Fixtures.
 */

static void
tmpdir_setup(void)
{
	scratch_dir(tmpdir, sizeof(tmpdir), "check_ingest");
}

static void
tmpdir_teardown(void)
{
	rmtree(tmpdir);
}

static void
ingest_setup(void)
{
	struct ingest_opts o;

	now = ticks(NOW_TEXT);
	o.now = now;
	o.lookback = LOOKBACK;
	in = ingest_new(&o);
	ck_assert_ptr_nonnull(in);
	ix = NULL;
}

static void
ingest_teardown(void)
{
	tidx_close(ix);
	ix = NULL;
	ingest_free(in);
	in = NULL;
}

/* ---------------------------------------------------------------------
 * Core: the steps of SPEC 2.1.
 */

/* Messages show tabs, quotes and control bytes escaped, cut with "...". */
START_TEST(test_quote)
{
	char	 buf[64];

	ck_assert_uint_eq(ingest_quote(buf, sizeof(buf), "a\tb\"c\\\x01", 7,
	    60), strlen("\"a\\tb\\\"c\\\\\\x01\""));
	ck_assert_str_eq(buf, "\"a\\tb\\\"c\\\\\\x01\"");
	ingest_quote(buf, sizeof(buf), "abcdef", 6, 3);
	ck_assert_str_eq(buf, "\"abc\"...");
	ingest_quote(buf, 8, "abcdefghij", 10, 60);
	ck_assert_uint_lt(strlen(buf), 8);
	ck_assert_int_eq(buf[0], '"');
	row_bad("{\"TimeGenerated\":\"2026-11-20T00:00:00Z\","
	    "\"NetworkIP\":\"203.0.113.1\\t\\\"x\"}");
	ck_assert_msg(strstr(why, "\"203.0.113.1\\t\\\"x\"") != NULL, "%s", why);
}
END_TEST

/*
 * The forms of records: indicators of a known form (legacy columns,
 * ThreatIntelIndicators rows, STIX indicators, list entries that read
 * as addresses) and records of none (JSON objects without a known
 * member, non-STIX "type" objects, lines that are not addresses); STIX
 * objects other than indicators are neither.
 */
START_TEST(test_record_forms)
{
	row_ok("{\"NetworkIP\":\"203.0.113.1\"}");
	row_ok("{\"ObservableKey\":\"ipv4-addr:value\"}");
	row_ok("{\"type\":\"indicator\",\"id\":\"indicator--1\","
	    "\"pattern\":\"[ipv4-addr:value = '203.0.113.2']\"}");
	ck_assert_uint_eq(st()->known, 3);
	ck_assert_uint_eq(st()->unknown, 0);
	row_ok("{\"type\":\"identity\",\"id\":\"identity--1\"}");
	ck_assert_uint_eq(st()->known, 3);
	ck_assert_uint_eq(st()->unknown, 0);
	row_ok("{\"foo\":1}");
	row_ok("{\"type\":\"report\",\"timestamp\":1}");
	(void)row("not json");
	ck_assert_uint_eq(st()->known, 3);
	ck_assert_uint_eq(st()->unknown, 3);
	/* A Spamhaus metadata line is not an indicator either. */
	row_ok("{\"type\":\"metadata\",\"timestamp\":1,\"records\":0}");
	ck_assert_uint_eq(st()->unknown, 3);
	list_mode();
	ck_assert_int_eq(ingest_line(in, "10.0.0.1", 8, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(ingest_line(in, "x,y", 3, why, sizeof(why)),
	    -1);
	ck_assert_int_eq(ingest_line(in, "# c", 3, why, sizeof(why)),
	    0);
	ck_assert_uint_eq(st()->known, 4);
	ck_assert_uint_eq(st()->unknown, 4);
}
END_TEST

/*
 * Spamhaus DROP JSON: a cidr is a list entry (FEED:prefix, the SBL id its
 * Description); an empty cidr is no address, one that is not a string or
 * not a prefix a bad row; a STIX-looking "type" does not make a cidr
 * record a STIX object, and --format spamhaus reads a record without
 * cidr as one of no known form.
 */
START_TEST(test_spamhaus)
{
	struct tidx_ind	 ind;

	ingest_set_source(in, "drop", 4);
	row_ok("{\"cidr\":\"198.51.100.0/24\",\"sblid\":\"SBL9\","
	    "\"rir\":\"arin\"}");
	row_ok("{\"cidr\":\"\",\"sblid\":\"SBL8\"}");
	ck_assert_uint_eq(st()->no_address, 1);
	row_bad("{\"cidr\":5}");
	ck_assert_msg(strstr(why, "cidr") != NULL, "%s", why);
	row_bad("{\"cidr\":\"198.51.100.0/33\"}");
	row_ok("{\"cidr\":\"203.0.113.0/25\",\"type\":\"indicator\"}");
	row_ok("{\"type\":\"metadata\",\"records\":2}");
	ck_assert_uint_eq(st()->known, 5);
	ck_assert_uint_eq(st()->not_indicator, 1);
	ck_assert_uint_eq(st()->unknown, 0);
	ck_assert_int_eq(ingest_set_format(in, "spamhaus"), 0);
	ingest_input_begin(in);
	ck_assert_int_eq(ingest_line(in, "{\"NetworkIP\":\"192.0.2.1\"}",
	    25, why, sizeof(why)), 0);
	ck_assert_uint_eq(st()->not_indicator, 1);
	ck_assert_uint_eq(st()->unknown, 1);
	finish();
	has("198.51.100.7", "drop:198.51.100.0/24");
	ck_assert_int_eq(find("198.51.100.7", &ind), 1);
	ck_assert_int_eq(ind.description.len, 4);
	ck_assert_int_eq(memcmp(ind.description.p, "SBL9", 4), 0);
	has("203.0.113.1", "drop:203.0.113.0/25");
	hasnt("192.0.2.1");
}
END_TEST

/* The list line s, which must be taken. */
static void
list_ok(const char *s)
{
	memset(why, 0, sizeof(why));
	list_mode();
	ck_assert_msg(ingest_line(in, s, strlen(s), why,
	    sizeof(why)) == 0, "%s: %s", s, why);
}

/* Assert the SourceSystem of addr's indicator. */
static void
source_is(const char *addr, const char *want)
{
	struct tidx_ind	 ind;

	ck_assert_msg(find(addr, &ind), "%s not in the index", addr);
	str_is("value", ind.source, want);
}

/*
 * Provenance: a Sentinel row's SourceSystem, a STIX identity named by
 * created_by_ref (before or after the indicator), else the input's name;
 * a list entry's id is FEED:canonical-prefix, so two feeds naming one
 * prefix give the same winner in any order.
 */
START_TEST(test_provenance)
{
	int	 order;

	for (order = 0; order < 2; order++) {
		ingest_free(in);
		in = ingest_new(&(struct ingest_opts){ now, LOOKBACK, 0 });
		ingest_set_source(in, order ? "b.txt" : "a.txt", 5);
		list_ok("198.51.100.0/24 ; SBL256894");
		list_ok("2001:DB8:0:0::0/32");
		ingest_set_source(in, order ? "a.txt" : "b.txt", 5);
		list_ok("198.51.100.7/24");
		list_ok("203.0.113.9");
		ingest_set_source(in, "feed", 4);
		row_ok("{\"TimeGenerated\":\"2026-11-19T00:00:00Z\","
		    "\"IndicatorId\":\"r1\",\"NetworkIP\":\"192.0.2.1\","
		    "\"Active\":true,"
		    "\"ExpirationDateTime\":\"2099-01-01T00:00:00Z\","
		    "\"SourceSystem\":\"SecurityGraph\"}");
		row_ok("{\"TimeGenerated\":\"2026-11-19T00:00:00Z\","
		    "\"IndicatorId\":\"r2\",\"NetworkIP\":\"192.0.2.2\","
		    "\"Active\":true,"
		    "\"ExpirationDateTime\":\"2099-01-01T00:00:00Z\"}");
		row_ok("{\"type\":\"indicator\",\"id\":\"indicator--1\","
		    "\"pattern\":\"[ipv4-addr:value = '192.0.2.3']\","
		    "\"created_by_ref\":\"identity--x\"}");
		row_ok("{\"type\":\"identity\",\"id\":\"identity--x\","
		    "\"name\":\"CIRCL\"}");
		row_ok("{\"type\":\"indicator\",\"id\":\"indicator--2\","
		    "\"pattern\":\"[ipv4-addr:value = '192.0.2.4']\","
		    "\"created_by_ref\":\"identity--unknown\"}");
		finish();
		has("198.51.100.1", "a.txt:198.51.100.0/24");
		source_is("198.51.100.1", "a.txt");
		{
			struct tidx_ind	 d;

			ck_assert(find("198.51.100.1", &d));
			str_is("value", d.description, order ? NULL : "SBL256894");
		}
		has("2001:db8::5", order ? "b.txt:2001:db8::/32" :
		    "a.txt:2001:db8::/32");
		has("203.0.113.9", order ? "a.txt:203.0.113.9" :
		    "b.txt:203.0.113.9");
		source_is("192.0.2.1", "SecurityGraph");
		source_is("192.0.2.2", "feed");
		source_is("192.0.2.3", "CIRCL");
		source_is("192.0.2.4", "feed");
		tidx_close(ix);
		ix = NULL;
	}
}
END_TEST

START_TEST(test_address_columns)
{
	row_ok("{\"IndicatorId\":\"a\",\"NetworkIP\":\"203.0.113.1\","
	    "\"NetworkDestinationIP\":\"203.0.113.2\","
	    "\"NetworkSourceIP\":\"203.0.113.3\","
	    "\"EmailSourceIpAddress\":\"203.0.113.4\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"b\",\"NetworkIP\":null,"
	    "\"NetworkDestinationIP\":\"198.51.100.2\","
	    "\"NetworkSourceIP\":\"198.51.100.3\","
	    "\"EmailSourceIpAddress\":\"198.51.100.4\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"c\",\"NetworkIP\":\"\","
	    "\"NetworkSourceIP\":\"198.51.100.13\","
	    "\"EmailSourceIpAddress\":\"198.51.100.14\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"d\",\"NetworkIP\":\"\","
	    "\"NetworkDestinationIP\":null,\"NetworkSourceIP\":\"\","
	    "\"EmailSourceIpAddress\":\"198.51.100.24\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"e\",\"NetworkDestinationIP\":\"\","
	    "\"NetworkSourceIP\":\"2001:db8::33\"," GOOD "}");
	finish();
	has("203.0.113.1", "a");
	hasnt("203.0.113.2");
	hasnt("203.0.113.3");
	hasnt("203.0.113.4");
	has("198.51.100.2", "b");
	hasnt("198.51.100.3");
	hasnt("198.51.100.4");
	has("198.51.100.13", "c");
	hasnt("198.51.100.14");
	has("198.51.100.24", "d");
	has("2001:db8::33", "e");
	ck_assert_uint_eq(st()->rows, 5);
	ck_assert_uint_eq(st()->no_address, 0);
	ck_assert_uint_eq(st()->indicators, 5);
	ck_assert_uint_eq(st()->addresses, 5);
}
END_TEST

START_TEST(test_no_address)
{
	row_ok("{\"IndicatorId\":\"a\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"b\",\"NetworkIP\":null,"
	    "\"NetworkDestinationIP\":null,\"NetworkSourceIP\":null,"
	    "\"EmailSourceIpAddress\":null," GOOD "}");
	row_ok("{\"IndicatorId\":\"c\",\"NetworkIP\":\"\","
	    "\"NetworkDestinationIP\":\"\",\"NetworkSourceIP\":\"\","
	    "\"EmailSourceIpAddress\":\"\"," GOOD "}");
	/* Step 1 comes first: no address and no time is no_address. */
	row_ok("{\"IndicatorId\":\"d\"}");
	row_ok("{}");
	finish();
	ck_assert_uint_eq(st()->rows, 5);
	ck_assert_uint_eq(st()->no_address, 5);
	ck_assert_uint_eq(st()->no_time, 0);
	ck_assert_uint_eq(st()->rejected, 0);
	ck_assert_uint_eq(st()->indicators, 0);
	ck_assert_uint_eq(st()->addresses, 0);
}
END_TEST

START_TEST(test_time_generated)
{
	/* Missing, null or "": skipped, not an error. */
	row_ok("{\"IndicatorId\":\"a\",\"NetworkIP\":\"203.0.113.1\","
	    LIVE "}");
	row_ok("{\"IndicatorId\":\"b\",\"NetworkIP\":\"203.0.113.2\","
	    "\"TimeGenerated\":null," LIVE "}");
	row_ok("{\"IndicatorId\":\"c\",\"NetworkIP\":\"203.0.113.3\","
	    "\"TimeGenerated\":\"\"," LIVE "}");
	ck_assert_uint_eq(st()->no_time, 3);
	ck_assert_uint_eq(st()->rejected, 0);
	/* Present but not a time: bad input. */
	row_bad("{\"IndicatorId\":\"d\",\"NetworkIP\":\"203.0.113.4\","
	    "\"TimeGenerated\":\"yesterday\"," LIVE "}");
	row_bad("{\"IndicatorId\":\"e\",\"NetworkIP\":\"203.0.113.5\","
	    "\"TimeGenerated\":\"2026-13-01T00:00:00Z\"," LIVE "}");
	row_bad("{\"IndicatorId\":\"f\",\"NetworkIP\":\"203.0.113.6\","
	    "\"TimeGenerated\":1763640000," LIVE "}");
	row_bad("{\"IndicatorId\":\"g\",\"NetworkIP\":\"203.0.113.7\","
	    "\"TimeGenerated\":{\"t\":1}," LIVE "}");
	ck_assert_uint_eq(st()->rejected, 4);
	finish();
	ck_assert_uint_eq(st()->indicators, 0);
	hasnt("203.0.113.1");
	hasnt("203.0.113.4");
}
END_TEST

START_TEST(test_lookback_edge)
{
	/* now - 14 days exactly is kept; one tick older is too old. */
	row_ok("{\"IndicatorId\":\"edge\",\"NetworkIP\":\"203.0.113.1\","
	    "\"TimeGenerated\":\"2026-11-06T12:00:00Z\"," LIVE "}");
	row_ok("{\"IndicatorId\":\"old\",\"NetworkIP\":\"203.0.113.2\","
	    "\"TimeGenerated\":\"2026-11-06T11:59:59.9999999Z\"," LIVE "}");
	row_ok("{\"IndicatorId\":\"older\",\"NetworkIP\":\"203.0.113.3\","
	    "\"TimeGenerated\":\"2020-01-01T00:00:00Z\"," LIVE "}");
	/* The same instant in another zone is the same instant. */
	row_ok("{\"IndicatorId\":\"zone\",\"NetworkIP\":\"203.0.113.4\","
	    "\"TimeGenerated\":\"2026-11-06T13:00:00+01:00\"," LIVE "}");
	/* No upper bound. */
	row_ok("{\"IndicatorId\":\"future\",\"NetworkIP\":\"203.0.113.5\","
	    "\"TimeGenerated\":\"2026-11-21T00:00:00Z\"," LIVE "}");
	ck_assert_uint_eq(st()->too_old, 2);
	finish();
	has("203.0.113.1", "edge");
	hasnt("203.0.113.2");
	hasnt("203.0.113.3");
	has("203.0.113.4", "zone");
	has("203.0.113.5", "future");
	ck_assert_uint_eq(st()->indicators, 3);
}
END_TEST

START_TEST(test_bad_address)
{
	static const char *bad[] = {
		"\"not-an-ip\"", "\"203.0.113.1/33\"", "\"203.0.113.1:80\"",
		"\" 203.0.113.1\"", "\"[2001:db8::1]\"", "\"fe80::1%eth0\"",
		"\"010.1.1.1\"", "\"256.1.1.1\"", "\"2001:db8::1::2\"",
		"12345", "true", "{\"ip\":\"203.0.113.1\"}",
		"[\"203.0.113.1\"]"
	};
	size_t	 i, n = sizeof(bad) / sizeof(bad[0]);

	for (i = 0; i < n; i++) {
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"b%zu\","
		    "\"NetworkIP\":%s," GOOD "}", i, bad[i]), -1);
		ck_assert_msg(why[0] != '\0', "%s: no reason", bad[i]);
	}
	/* The first non-empty column is the address, valid or not. */
	row_bad("{\"IndicatorId\":\"first\",\"NetworkIP\":\"junk\","
	    "\"NetworkSourceIP\":\"198.51.100.1\"," GOOD "}");
	ck_assert_uint_eq(st()->bad_address, n + 1);
	ck_assert_uint_eq(st()->rejected, n + 1);
	finish();
	hasnt("198.51.100.1");
	hasnt("203.0.113.1");
	ck_assert_uint_eq(st()->indicators, 0);
}
END_TEST

START_TEST(test_exclusions)
{
	static const char *excl[] = {
		"10.0.0.0", "10.1.2.3", "10.255.255.255", "127.0.0.1",
		"127.255.255.254", "172.16.0.1", "172.31.255.255",
		"192.168.0.0", "192.168.255.255", "::ffff:10.0.0.1",
		"::FFFF:192.168.1.1", "fe80::1", "FE80::abcd", "febf::1",
		"::1", "::", "::203.0.113.5", "::2"
	};
	static const char *kept[] = {
		"9.255.255.255", "11.0.0.0", "126.255.255.255", "128.0.0.1",
		"172.15.255.255", "172.32.0.0", "192.167.255.255",
		"192.169.0.0", "fe7f::1", "fec0::1", "1::", "0:1::1",
		"::ffff:203.0.113.9"
	};
	size_t	 i, ne = sizeof(excl) / sizeof(excl[0]);
	size_t	 nk = sizeof(kept) / sizeof(kept[0]);
	char	 id[16];

	for (i = 0; i < ne; i++)
		ck_assert_msg(rowf("{\"IndicatorId\":\"x%zu\","
		    "\"NetworkIP\":\"%s\"," GOOD "}", i, excl[i]) == 0,
		    "%s: %s", excl[i], why);
	for (i = 0; i < nk; i++)
		ck_assert_msg(rowf("{\"IndicatorId\":\"k%zu\","
		    "\"NetworkIP\":\"%s\"," GOOD "}", i, kept[i]) == 0,
		    "%s: %s", kept[i], why);
	ck_assert_uint_eq(st()->excluded, ne);
	finish();
	for (i = 0; i < ne; i++)
		hasnt(excl[i]);
	for (i = 0; i < nk; i++) {
		snprintf(id, sizeof(id), "k%zu", i);
		has(kept[i], id);
	}
	ck_assert_uint_eq(st()->indicators, nk);
}
END_TEST

START_TEST(test_latest_per_id)
{
	struct tidx_ind ind;

	/* x: newer rows that fail steps 1-3 do not hide the older one. */
	row_ok("{\"IndicatorId\":\"x\",\"NetworkIP\":\"203.0.113.1\","
	    "\"TimeGenerated\":\"" TG_DAY2 "\"," LIVE "}");
	row_ok("{\"IndicatorId\":\"x\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"x\",\"NetworkIP\":\"10.0.0.1\"," GOOD "}");
	row_bad("{\"IndicatorId\":\"x\",\"NetworkIP\":\"bad\"," GOOD "}");
	row_bad("{\"IndicatorId\":\"x\",\"NetworkIP\":\"203.0.113.9\","
	    "\"TimeGenerated\":\"never\"," LIVE "}");
	/* y: an older row later in the input loses. */
	row_ok("{\"IndicatorId\":\"y\",\"NetworkIP\":\"203.0.113.2\"," GOOD
	    "}");
	row_ok("{\"IndicatorId\":\"y\",\"NetworkIP\":\"203.0.113.3\","
	    "\"TimeGenerated\":\"" TG_DAY2 "\"," LIVE "}");
	/* z: a newer row later in the input wins. */
	row_ok("{\"IndicatorId\":\"z\",\"NetworkIP\":\"203.0.113.4\","
	    "\"TimeGenerated\":\"" TG_DAY2 "\"," LIVE "}");
	row_ok("{\"IndicatorId\":\"z\",\"NetworkIP\":\"203.0.113.5\"," GOOD
	    "}");
	/* w: the latest row is inactive, so the indicator goes (step 5). */
	row_ok("{\"IndicatorId\":\"w\",\"NetworkIP\":\"203.0.113.6\","
	    "\"TimeGenerated\":\"" TG_DAY2 "\"," LIVE "}");
	row_ok("{\"IndicatorId\":\"w\",\"NetworkIP\":\"203.0.113.7\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":false,"
	    "\"ExpirationDateTime\":\"" EXP_LATER "\"}");
	ck_assert_uint_eq(st()->superseded, 3);
	finish();
	has("203.0.113.1", "x");
	ck_assert(find("203.0.113.1", &ind));
	ck_assert_int_eq(ind.time_generated, ticks(TG_DAY2));
	hasnt("203.0.113.9");
	has("203.0.113.2", "y");
	hasnt("203.0.113.3");
	hasnt("203.0.113.4");
	has("203.0.113.5", "z");
	hasnt("203.0.113.6");
	hasnt("203.0.113.7");
	ck_assert_uint_eq(st()->inactive, 1);
	ck_assert_uint_eq(st()->indicators, 3);
}
END_TEST

START_TEST(test_tie_later_row_wins)
{
	struct tidx_ind ind;

	row_ok("{\"IndicatorId\":\"t\",\"NetworkIP\":\"203.0.113.1\","
	    "\"ConfidenceScore\":99," GOOD "}");
	row_ok("{\"IndicatorId\":\"t\",\"NetworkIP\":\"203.0.113.2\","
	    "\"ConfidenceScore\":1," GOOD "}");
	/* The same instant written otherwise is a tie too. */
	row_ok("{\"IndicatorId\":\"u\",\"NetworkIP\":\"203.0.113.3\"," GOOD
	    "}");
	row_ok("{\"IndicatorId\":\"u\",\"NetworkIP\":\"203.0.113.4\","
	    "\"TimeGenerated\":\"2026-11-19T13:00:00.000+01:00\"," LIVE "}");
	ck_assert_uint_eq(st()->superseded, 2);
	finish();
	hasnt("203.0.113.1");
	has("203.0.113.2", "t");
	ck_assert(find("203.0.113.2", &ind));
	ck_assert_int_eq(ind.confidence, 1);
	hasnt("203.0.113.3");
	has("203.0.113.4", "u");
	ck_assert_uint_eq(st()->indicators, 2);
}
END_TEST

START_TEST(test_active)
{
	static const char *yes[] = {
		"true", "\"true\"", "\"True\"", "\"TRUE\"", "\"tRUE\""
	};
	static const char *no[] = {
		"false", "\"false\"", "\"False\"", "null", "\"\"", "\"yes\"",
		"0", "\"0\"", "2", "\"truee\"", "\" true\"", "{}", "[true]"
	};
	size_t	 i, ny = sizeof(yes) / sizeof(yes[0]);
	size_t	 nn = sizeof(no) / sizeof(no[0]);
	char	 a[32], id[16];

	for (i = 0; i < ny; i++)
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"y%zu\","
		    "\"NetworkIP\":\"203.0.113.%zu\",\"TimeGenerated\":\""
		    TG_DAY1 "\",\"Active\":%s,\"ExpirationDateTime\":\""
		    EXP_LATER "\"}", i, i + 1, yes[i]), 0);
	for (i = 0; i < nn; i++)
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"n%zu\","
		    "\"NetworkIP\":\"198.51.100.%zu\",\"TimeGenerated\":\""
		    TG_DAY1 "\",\"Active\":%s,\"ExpirationDateTime\":\""
		    EXP_LATER "\"}", i, i + 1, no[i]), 0);
	/* Missing. */
	row_ok("{\"IndicatorId\":\"m\",\"NetworkIP\":\"198.51.100.200\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"ExpirationDateTime\":\""
	    EXP_LATER "\"}");
	finish();
	for (i = 0; i < ny; i++) {
		snprintf(a, sizeof(a), "203.0.113.%zu", i + 1);
		snprintf(id, sizeof(id), "y%zu", i);
		has(a, id);
	}
	for (i = 0; i < nn; i++) {
		snprintf(a, sizeof(a), "198.51.100.%zu", i + 1);
		hasnt(a);
	}
	hasnt("198.51.100.200");
	ck_assert_uint_eq(st()->inactive, nn + 1);
	ck_assert_uint_eq(st()->indicators, ny);
}
END_TEST

START_TEST(test_expiration)
{
	struct tidx_ind ind;

	row_ok("{\"IndicatorId\":\"equal\",\"NetworkIP\":\"203.0.113.1\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":\"" NOW_TEXT "\"}");
	row_ok("{\"IndicatorId\":\"tick\",\"NetworkIP\":\"203.0.113.2\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":\"2026-11-20T12:00:00.0000001Z\"}");
	row_ok("{\"IndicatorId\":\"past\",\"NetworkIP\":\"203.0.113.3\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":\"2026-11-20T11:59:59Z\"}");
	row_ok("{\"IndicatorId\":\"missing\",\"NetworkIP\":\"203.0.113.4\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true}");
	row_ok("{\"IndicatorId\":\"null\",\"NetworkIP\":\"203.0.113.5\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":null}");
	row_ok("{\"IndicatorId\":\"empty\",\"NetworkIP\":\"203.0.113.6\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":\"\"}");
	row_ok("{\"IndicatorId\":\"zone\",\"NetworkIP\":\"203.0.113.7\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":\"2026-11-20T12:30:00+01:00\"}");
	finish();
	hasnt("203.0.113.1");
	has("203.0.113.2", "tick");
	ck_assert(find("203.0.113.2", &ind));
	ck_assert_int_eq(ind.expiration, now + 1);
	hasnt("203.0.113.3");
	hasnt("203.0.113.4");
	hasnt("203.0.113.5");
	hasnt("203.0.113.6");
	hasnt("203.0.113.7");	/* 11:30Z. */
	ck_assert_uint_eq(st()->expired, 6);
	ck_assert_uint_eq(st()->indicators, 1);
}
END_TEST

START_TEST(test_bad_expiration)
{
	/* e: an older valid row, then a newer one with a bad expiry. */
	row_ok("{\"IndicatorId\":\"e\",\"NetworkIP\":\"203.0.113.1\","
	    "\"TimeGenerated\":\"" TG_DAY2 "\"," LIVE "}");
	row_bad("{\"IndicatorId\":\"e\",\"NetworkIP\":\"203.0.113.2\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":\"soon\"}");
	/* f: a bad expiry alone, as a number. */
	row_bad("{\"IndicatorId\":\"f\",\"NetworkIP\":\"203.0.113.3\","
	    "\"TimeGenerated\":\"" TG_DAY1 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":20261231}");
	/* g: a bad expiry on an older row is superseded by a good one. */
	row_bad("{\"IndicatorId\":\"g\",\"NetworkIP\":\"203.0.113.4\","
	    "\"TimeGenerated\":\"" TG_DAY2 "\",\"Active\":true,"
	    "\"ExpirationDateTime\":\"2026-02-30T00:00:00Z\"}");
	row_ok("{\"IndicatorId\":\"g\",\"NetworkIP\":\"203.0.113.5\"," GOOD
	    "}");
	ck_assert_uint_eq(st()->rejected, 3);
	ck_assert_uint_eq(st()->superseded, 2);
	finish();
	hasnt("203.0.113.1");
	hasnt("203.0.113.2");
	hasnt("203.0.113.3");
	hasnt("203.0.113.4");
	has("203.0.113.5", "g");
	ck_assert_uint_eq(st()->indicators, 1);
}
END_TEST

START_TEST(test_confidence)
{
	static const struct {
		const char	*json;
		int32_t		 want;
	} c[] = {
		{ "75", 75 }, { "\"75\"", 75 }, { "87.6", 88 },
		{ "\"87.6\"", 88 }, { "87.4", 87 }, { "-3", -3 },
		{ "\"-3\"", -3 }, { "0", 0 }, { "1e2", 100 },
		{ "\"1.5e1\"", 15 }, { "100", 100 }, { "2147483647", INT32_MAX },
		{ "\"high\"", TIDX_CONF_NULL }, { "\"\"", TIDX_CONF_NULL },
		{ "\"75%\"", TIDX_CONF_NULL }, { "\"75 \"", TIDX_CONF_NULL },
		{ "\" 75\"", TIDX_CONF_NULL }, { "null", TIDX_CONF_NULL },
		{ "true", TIDX_CONF_NULL }, { "{}", TIDX_CONF_NULL },
		{ "[75]", TIDX_CONF_NULL }, { "\"NaN\"", TIDX_CONF_NULL },
		{ "\"inf\"", TIDX_CONF_NULL }, { "1e300", TIDX_CONF_NULL },
		{ "-1e300", TIDX_CONF_NULL }, { "\"1e999\"", TIDX_CONF_NULL }
	};
	size_t	 i, n = sizeof(c) / sizeof(c[0]);
	char	 a[32];

	for (i = 0; i < n; i++)
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"c%zu\","
		    "\"NetworkIP\":\"203.0.113.%zu\",\"ConfidenceScore\":%s,"
		    GOOD "}", i, i + 1, c[i].json), 0);
	row_ok("{\"IndicatorId\":\"missing\",\"NetworkIP\":\"198.51.100.1\","
	    GOOD "}");
	finish();
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "203.0.113.%zu", i + 1);
		ck_assert_msg(conf_of(a) == c[i].want, "%s: %d, not %d",
		    c[i].json, conf_of(a), c[i].want);
	}
	ck_assert_int_eq(conf_of("198.51.100.1"), TIDX_CONF_NULL);
}
END_TEST

/* Step 6: the latest TimeGenerated wins an address. */
START_TEST(test_one_per_address_time)
{
	/* The losers have the higher confidence and the smaller id. */
	row_ok("{\"IndicatorId\":\"a-old\",\"NetworkIP\":\"203.0.113.1\","
	    "\"ConfidenceScore\":100,\"TimeGenerated\":\"" TG_DAY2 "\","
	    LIVE "}");
	row_ok("{\"IndicatorId\":\"z-new\",\"NetworkIP\":\"203.0.113.1\","
	    "\"ConfidenceScore\":1," GOOD "}");
	row_ok("{\"IndicatorId\":\"z-new2\",\"NetworkIP\":\"203.0.113.2\","
	    "\"ConfidenceScore\":1," GOOD "}");
	row_ok("{\"IndicatorId\":\"a-old2\",\"NetworkIP\":\"203.0.113.2\","
	    "\"ConfidenceScore\":100,\"TimeGenerated\":\"" TG_DAY2 "\","
	    LIVE "}");
	finish();
	has("203.0.113.1", "z-new");
	has("203.0.113.2", "z-new2");
	ck_assert_uint_eq(st()->shadowed, 2);
	ck_assert_uint_eq(st()->superseded, 0);
	ck_assert_uint_eq(st()->indicators, 2);
	ck_assert_uint_eq(st()->addresses, 2);
}
END_TEST

/* Step 6: then the highest ConfidenceScore, null lowest. */
START_TEST(test_one_per_address_confidence)
{
	row_ok("{\"IndicatorId\":\"a\",\"NetworkIP\":\"203.0.113.1\","
	    "\"ConfidenceScore\":50," GOOD "}");
	row_ok("{\"IndicatorId\":\"b\",\"NetworkIP\":\"203.0.113.1\","
	    "\"ConfidenceScore\":\"90\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"c\",\"NetworkIP\":\"203.0.113.2\","
	    "\"ConfidenceScore\":90," GOOD "}");
	row_ok("{\"IndicatorId\":\"d\",\"NetworkIP\":\"203.0.113.2\","
	    "\"ConfidenceScore\":50," GOOD "}");
	/* Null loses to 0 and to negative numbers. */
	row_ok("{\"IndicatorId\":\"a-null\",\"NetworkIP\":\"203.0.113.3\","
	    "\"ConfidenceScore\":null," GOOD "}");
	row_ok("{\"IndicatorId\":\"b-zero\",\"NetworkIP\":\"203.0.113.3\","
	    "\"ConfidenceScore\":0," GOOD "}");
	row_ok("{\"IndicatorId\":\"a-junk\",\"NetworkIP\":\"203.0.113.4\","
	    "\"ConfidenceScore\":\"high\"," GOOD "}");
	row_ok("{\"IndicatorId\":\"b-neg\",\"NetworkIP\":\"203.0.113.4\","
	    "\"ConfidenceScore\":-5," GOOD "}");
	row_ok("{\"IndicatorId\":\"b-neg2\",\"NetworkIP\":\"203.0.113.5\","
	    "\"ConfidenceScore\":-5," GOOD "}");
	row_ok("{\"IndicatorId\":\"a-missing\",\"NetworkIP\":\"203.0.113.5\","
	    GOOD "}");
	/* Rounded values compare as rounded: 87.6 (88) beats 87. */
	row_ok("{\"IndicatorId\":\"a-87\",\"NetworkIP\":\"203.0.113.6\","
	    "\"ConfidenceScore\":87," GOOD "}");
	row_ok("{\"IndicatorId\":\"b-87.6\",\"NetworkIP\":\"203.0.113.6\","
	    "\"ConfidenceScore\":87.6," GOOD "}");
	finish();
	has("203.0.113.1", "b");
	has("203.0.113.2", "c");
	has("203.0.113.3", "b-zero");
	has("203.0.113.4", "b-neg");
	has("203.0.113.5", "b-neg2");
	has("203.0.113.6", "b-87.6");
	ck_assert_uint_eq(st()->shadowed, 6);
	ck_assert_uint_eq(st()->indicators, 6);
}
END_TEST

/* Step 6: then the smallest IndicatorId, bytewise. */
START_TEST(test_one_per_address_id)
{
	static const struct {
		const char *first, *second, *win;
	} c[] = {
		{ "b", "a", "a" }, { "a", "b", "a" },
		{ "ab", "a", "a" }, { "a", "ab", "a" },
		{ "a", "Z", "Z" }, { "Z", "a", "Z" },
		{ "z", "\\u00e9", "z" }, { "\\u00e9", "z", "z" },
		{ "10", "9", "10" }, { "9", "10", "10" },
		{ "A", "a", "A" }, { "", "a", "" },
		{ "\\u00ff", "\\u00e9", "\\u00e9" }
	};
	size_t	 i, n = sizeof(c) / sizeof(c[0]);
	char	 a[32];

	/* One ingestion per contest, since ids recur across them. */
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"%s\","
		    "\"NetworkIP\":\"203.0.113.%zu\",\"ConfidenceScore\":5,"
		    GOOD "}", c[i].first, i + 1), 0);
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"%s\","
		    "\"NetworkIP\":\"203.0.113.%zu\",\"ConfidenceScore\":5,"
		    GOOD "}", c[i].second, i + 1), 0);
		finish();
		snprintf(a, sizeof(a), "203.0.113.%zu", i + 1);
		if (strcmp(c[i].win, "\\u00e9") == 0)
			has(a, "\xc3\xa9");
		else
			has(a, c[i].win);
		ck_assert_uint_eq(st()->shadowed, 1);
		tidx_close(ix);
		ix = NULL;
		ingest_free(in);
		ingest_setup();
	}
}
END_TEST

/*
 * Candidates of several addresses: each address goes to its best
 * candidate alone, whatever order they come in, and a candidate that
 * wins none leaves no record.  The address texts are those of the
 * winners (a canonical one, a kept one).
 */
START_TEST(test_shadowed_split)
{
#define SX(id, conf, pat)	"{\"type\":\"indicator\",\"id\":\"" id "\"," \
	"\"pattern\":\"" pat "\",\"pattern_type\":\"stix\"," \
	"\"valid_from\":\"2026-11-10T00:00:00Z\",\"modified\":\"" \
	TG_DAY2 "\",\"confidence\":" conf "}"
	struct tidx_ind	 ind;

	row_ok(SX("indicator--a", "50", "[ipv4-addr:value = '203.0.113.1' OR "
	    "ipv4-addr:value = '203.0.113.2' OR "
	    "ipv4-addr:value = '203.0.113.1']"));
	row_ok(SX("indicator--b", "60", "[ipv4-addr:value = '203.0.113.2' OR "
	    "ipv6-addr:value = '2001:DB8::9']"));
	row_ok(SX("indicator--c", "40", "[ipv4-addr:value = '203.0.113.1' OR "
	    "ipv4-addr:value = '203.0.113.2' OR "
	    "ipv6-addr:value = '2001:db8::9']"));
	row_ok(SX("indicator--d", "70", "[ipv4-addr:value = '203.0.113.3']"));
	row_ok(SX("indicator--e", "80", "[ipv4-addr:value = '203.0.113.3' OR "
	    "ipv4-addr:value = '203.0.113.1']"));
	finish();
	has("203.0.113.1", "indicator--e");
	has("203.0.113.2", "indicator--b");
	has("203.0.113.3", "indicator--e");
	has("2001:db8::9", "indicator--b");
	ck_assert(find("2001:db8::9", &ind));
	text_is(&ind, "2001:db8::9", "2001:DB8::9");
	ck_assert(find("203.0.113.3", &ind));
	text_is(&ind, "203.0.113.3", "203.0.113.3");
	/* a, c and d won nothing. */
	ck_assert_uint_eq(st()->indicators, 2);
	ck_assert_uint_eq(st()->addresses, 4);
#undef SX
}
END_TEST

/*
 * Thousands of records, each with its own mix of the strings of the
 * META tuple and the feed, interleaved so that neighbours differ: each
 * indicator keeps its own (the candidates keep them as shared tuples).
 */
START_TEST(test_tuples_kept_apart)
{
	static const struct {
		const char *name;
		char	    letter;
		size_t	    mod;
	} col[] = { { "ThreatType", 'T', 7 }, { "Description", 'D', 11 },
	    { "ActivityGroupNames", 'G', 5 }, { "Url", 'U', 3 },
	    { "Type", 'Y', 2 }, { "SourceSystem", 'S', 13 } };
	struct tidx_ind	 ind;
	const struct tidx_str *got[6];
	char	 a[32], want[16];
	size_t	 i, k, n = 3000;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"t%zu\","
		    "\"NetworkIP\":\"45.%zu.%zu.9\",\"ThreatType\":\"T%zu\","
		    "\"Description\":\"D%zu\",\"ActivityGroupNames\":\"G%zu\","
		    "\"Url\":\"U%zu\",\"Type\":\"Y%zu\","
		    "\"SourceSystem\":\"S%zu\"," GOOD "}", i, i / 256, i % 256,
		    i % 7, i % 11, i % 5, i % 3, i % 2, i % 13), 0);
	finish();
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "45.%zu.%zu.9", i / 256, i % 256);
		ck_assert_msg(find(a, &ind), "%s", a);
		got[0] = &ind.threat_type;
		got[1] = &ind.description;
		got[2] = &ind.activity_groups;
		got[3] = &ind.url;
		got[4] = &ind.type;
		got[5] = &ind.source;
		for (k = 0; k < 6; k++) {
			snprintf(want, sizeof(want), "%c%zu", col[k].letter,
			    i % col[k].mod);
			str_is(col[k].name, *got[k], want);
		}
	}
	ck_assert_uint_eq(st()->indicators, n);
}
END_TEST

START_TEST(test_shadowed_many)
{
	size_t	 i;

	/* Five indicators on one address: one kept, four shadowed. */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rowf("{\"IndicatorId\":\"s%zu\","
		    "\"NetworkIP\":\"203.0.113.1\",\"ConfidenceScore\":%zu,"
		    GOOD "}", i, i == 3 ? 99 : i), 0);
	/* And IPv4 and IPv4-mapped text are one address. */
	row_ok("{\"IndicatorId\":\"m1\",\"NetworkIP\":\"198.51.100.7\","
	    "\"ConfidenceScore\":1," GOOD "}");
	row_ok("{\"IndicatorId\":\"m2\",\"NetworkIP\":\"::ffff:198.51.100.7\","
	    "\"ConfidenceScore\":2," GOOD "}");
	/* So are two spellings of one IPv6 address. */
	row_ok("{\"IndicatorId\":\"v1\",\"NetworkIP\":\"2001:DB8::5\","
	    "\"ConfidenceScore\":2," GOOD "}");
	row_ok("{\"IndicatorId\":\"v2\",\"NetworkIP\":\"2001:db8:0:0::5\","
	    "\"ConfidenceScore\":1," GOOD "}");
	finish();
	has("203.0.113.1", "s3");
	has("198.51.100.7", "m2");
	has("2001:db8::5", "v1");
	ck_assert_uint_eq(st()->shadowed, 6);
	ck_assert_uint_eq(st()->indicators, 3);
	ck_assert_uint_eq(st()->addresses, 3);
	{
		struct tidx_info info;

		/* Losers leave no record behind. */
		tidx_get_info(ix, &info);
		ck_assert_uint_eq(info.n_records, 3);
		ck_assert_uint_eq(info.n_entries, 3);
	}
}
END_TEST

START_TEST(test_fields)
{
	struct tidx_ind ind;

	row_ok("{\"TimeGenerated\":\"2026-11-19T08:30:15.1234567Z\","
	    "\"IndicatorId\":\"ind-\\u00e9\\n\",\"NetworkIP\":\"203.0.113.1\","
	    "\"Active\":\"true\",\"ExpirationDateTime\":\"" EXP_LATER "\","
	    "\"ConfidenceScore\":\"80\",\"ThreatType\":\"Botnet\","
	    "\"Description\":\"C2 \\\"server\\\"\","
	    "\"ActivityGroupNames\":\"APT1\",\"Url\":\"http://x.test/a\","
	    "\"Type\":\"Custom\",\"Other\":{\"Url\":\"nested\"}}");
	row_ok("{\"IndicatorId\":\"bare\",\"NetworkIP\":\"203.0.113.2\","
	    GOOD "}");
	row_ok("{\"IndicatorId\":\"nulls\",\"NetworkIP\":\"203.0.113.3\","
	    "\"ThreatType\":null,\"Description\":\"\",\"Type\":null," GOOD
	    "}");
	row_ok("{\"IndicatorId\":\"empty-type\",\"NetworkIP\":\"203.0.113.4\","
	    "\"Type\":\"\"," GOOD "}");
	finish();
	ck_assert(find("203.0.113.1", &ind));
	ck_assert_int_eq(ind.time_generated,
	    ticks("2026-11-19T08:30:15.1234567Z"));
	ck_assert_int_eq(ind.expiration, ticks(EXP_LATER));
	ck_assert_int_eq(ind.confidence, 80);
	str_is("value", ind.id, "ind-\xc3\xa9\n");
	str_is("value", ind.threat_type, "Botnet");
	str_is("value", ind.description, "C2 \"server\"");
	str_is("value", ind.activity_groups, "APT1");
	str_is("value", ind.url, "http://x.test/a");
	str_is("value", ind.type, "Custom");
	/* Written in its canonical form, the text is the address's. */
	str_is("value", ind.addr_text, NULL);
	text_is(&ind, "203.0.113.1", "203.0.113.1");
	/* Missing strings are null; Type has its default. */
	ck_assert(find("203.0.113.2", &ind));
	str_is("value", ind.threat_type, NULL);
	str_is("value", ind.description, NULL);
	str_is("value", ind.activity_groups, NULL);
	str_is("value", ind.url, NULL);
	str_is("value", ind.type, "ThreatIntelligenceIndicator");
	ck_assert_int_eq(ind.confidence, TIDX_CONF_NULL);
	ck_assert(find("203.0.113.3", &ind));
	str_is("value", ind.threat_type, NULL);
	str_is("value", ind.description, "");
	str_is("value", ind.type, "ThreatIntelligenceIndicator");
	ck_assert(find("203.0.113.4", &ind));
	str_is("value", ind.type, "ThreatIntelligenceIndicator");
}
END_TEST

START_TEST(test_address_text)
{
	struct tidx_ind ind;

	row_ok("{\"IndicatorId\":\"u\",\"NetworkIP\":\"2001:DB8::1\"," GOOD
	    "}");
	row_ok("{\"IndicatorId\":\"m\",\"NetworkIP\":\"::ffff:203.0.113.9\","
	    GOOD "}");
	row_ok("{\"IndicatorId\":\"h\",\"NetworkIP\":\"::FFFF:C633:6407\","
	    GOOD "}");
	row_ok("{\"IndicatorId\":\"l\","
	    "\"NetworkIP\":\"2001:0db8:0000:0000:0000:0000:0000:00ff\","
	    GOOD "}");
	row_ok("{\"IndicatorId\":\"c6\",\"NetworkIP\":\"2001:db8::7:0:0:5\","
	    GOOD "}");
	row_ok("{\"IndicatorId\":\"c4\",\"NetworkIP\":\"198.51.100.200\","
	    GOOD "}");
	row_ok("{\"IndicatorId\":\"z4\",\"NetworkIP\":\"198.51.100.0\","
	    GOOD "}");
	row_ok("{\"IndicatorId\":\"p4\",\"NetworkIP\":\"192.0.2.0/24\","
	    GOOD "}");
	finish();
	/* Canonical forms are not kept, and read back the same. */
	ck_assert(find("2001:db8::7:0:0:5", &ind));
	str_is("value", ind.addr_text, NULL);
	text_is(&ind, "2001:DB8:0::7:0:0:5", "2001:db8::7:0:0:5");
	ck_assert(find("198.51.100.200", &ind));
	str_is("value", ind.addr_text, NULL);
	text_is(&ind, "198.51.100.200", "198.51.100.200");
	ck_assert(find("198.51.100.0", &ind));
	text_is(&ind, "198.51.100.0", "198.51.100.0");
	/* A prefix keeps its text, as does every other form. */
	ck_assert(find("192.0.2.9", &ind));
	str_is("value", ind.addr_text, "192.0.2.0/24");
	ck_assert(find("2001:db8::1", &ind));
	str_is("value", ind.addr_text, "2001:DB8::1");
	text_is(&ind, "2001:db8::1", "2001:DB8::1");
	str_is("value", ind.id, "u");
	ck_assert(find("203.0.113.9", &ind));
	str_is("value", ind.addr_text, "::ffff:203.0.113.9");
	text_is(&ind, "203.0.113.9", "::ffff:203.0.113.9");
	ck_assert(find("::ffff:203.0.113.9", &ind));
	str_is("value", ind.id, "m");
	ck_assert(find("198.51.100.7", &ind));
	str_is("value", ind.addr_text, "::FFFF:C633:6407");
	text_is(&ind, "198.51.100.7", "::FFFF:C633:6407");
	ck_assert(find("2001:db8::ff", &ind));
	str_is("value", ind.addr_text, "2001:0db8:0000:0000:0000:0000:0000:00ff");
	text_is(&ind, "2001:db8::ff", "2001:0db8:0000:0000:0000:0000:0000:00ff");
	hasnt("2001:db8::2");
}
END_TEST

/* ---------------------------------------------------------------------
 * Input: bad lines, blank lines, the helpers.
 */

/*
 * Parsing ahead (ahead.h) changes nothing: the same lines given to one
 * ingest line by line (ingest_line) and to another through the parsing
 * thread (ahead_line, drained now and then as an input's reads would)
 * give the same result and reason for every line, in the same order,
 * the same counts and the same index.  The lines mix rows (most with
 * an id of their own, every seventh with one repeated, so that order
 * decides which is kept, some of them repeated in lines of several
 * records, which are not parsed ahead), malformed JSON, bad
 * addresses, lines of several records, STIX objects and blank lines.
 */
struct taken {
	uint64_t lineno;
	int	 rc;
	char	 why[160];
};

struct take_ctx {
	struct ingest	*in;
	struct taken	*t;
	size_t		 n;
};

static void
take_one(void *arg, const char *line, size_t len, uint64_t lineno,
    const struct ingest_snap *s)
{
	struct take_ctx *c = arg;
	struct taken *t = &c->t[c->n++];

	memset(t->why, 0, sizeof(t->why));
	t->lineno = lineno;
	t->rc = ingest_line_snap(c->in, line, len, s, t->why,
	    sizeof(t->why));
}

#define AHEAD_LINES	6000

static char *
ahead_corpus_line(size_t i)
{
	char	*l = malloc(512);
	int	 id = (int)(i % 1013);

	ck_assert_ptr_nonnull(l);
	if (i % 97 == 0)
		snprintf(l, 512, "{\"IndicatorId\":\"i%d\" oops", id);
	else if (i % 89 == 0)
		snprintf(l, 512, "{\"TimeGenerated\":\"2026-11-15T00:00:00Z\","
		    "\"IndicatorId\":\"i%d\",\"NetworkIP\":\"300.1.2.3\"}", id);
	else if (i % 61 == 0) {
		/* Addresses in every form: kept texts, prefixes, bad ones. */
		static const struct {
			const char *pre, *post;
		} forms[] = { { "::FFFF:C633:", "" }, { "2001:db8::", "" },
		    { "2001:DB8::", "" }, { "198.51.102.", "/32" },
		    { "10.", ".0.0/4" }, { "203.0.", ".0/24" },
		    { "2001:db8:", "::/48" }, { "198.51.", ".1 " },
		    { "fe80::", "" }, { "1.2.3.", ".5" } };
		char	 a[64];

		snprintf(a, sizeof(a), "%s%zu%s", forms[i % 10].pre, i % 250,
		    forms[i % 10].post);
		snprintf(l, 512, "{\"TimeGenerated\":\"2026-11-15T00:00:00Z\","
		    "\"IndicatorId\":\"i%d\",\"NetworkIP\":\"%s\","
		    "\"Active\":true,\"ExpirationDateTime\":"
		    "\"2027-01-01T00:00:00Z\"}", id, a);
	} else if (i % 67 == 0)
		/* Times that do not parse, or are not strings. */
		snprintf(l, 512, "{\"TimeGenerated\":%s,\"IndicatorId\":"
		    "\"i%d\",\"NetworkIP\":\"198.51.101.%zu\",\"Active\":true,"
		    "\"ExpirationDateTime\":%s}", i % 3 == 0 ? "20261115" :
		    "\"2026-11-15T00:00:00Z\"", id, i % 250, i % 2 ?
		    "\"2027-02-30T00:00:00Z\"" : "\"\"");
	else if (i % 83 == 0)
		snprintf(l, 512, "{\"records\":[{\"TimeGenerated\":"
		    "\"2026-11-15T00:00:00Z\",\"IndicatorId\":\"i%d\","
		    "\"NetworkIP\":\"198.51.100.%zu\",\"Active\":true},"
		    "{\"TimeGenerated\":\"soon\",\"NetworkIP\":\"192.0.2.1\"}]}",
		    id, i % 250);
	else if (i % 79 == 0)
		snprintf(l, 512, "{\"type\":\"indicator\",\"id\":\"indicator--"
		    "%zu\",\"pattern\":\"[ipv4-addr:value = '203.0.113.%zu']\","
		    "\"pattern_type\":\"stix\",\"valid_from\":"
		    "\"2026-11-10T00:00:00Z\",\"modified\":"
		    "\"2026-11-1%zuT00:00:00Z\"}", i % 50, i % 200, i % 9);
	else if (i % 71 == 0)
		l[0] = '\0';
	else
		snprintf(l, 512, "{\"TimeGenerated\":\"2026-11-1%zuT%02zu:00:00"
		    "Z\",\"IndicatorId\":\"%c%d\",\"NetworkIP\":\"%zu.%zu.%zu.7\","
		    "\"Active\":true,\"ExpirationDateTime\":\"2027-01-01T00:00:00"
		    "Z\",\"Description\":\"%s %zu\"}", i % 9, i % 24,
		    i % 7 == 0 ? 'i' : 'u', i % 7 == 0 ? id : (int)i,
		    20 + i % 60, (i / 7) % 256, i % 256,
		    i % 13 == 0 ? "caf\\u00e9" : "cafe", i);
	return l;
}

START_TEST(test_ahead_same_as_lines)
{
	struct ingest_opts o = { ticks(NOW_TEXT), LOOKBACK, 0 };
	struct take_ctx	 a = { NULL, NULL, 0 }, b = { NULL, NULL, 0 };
	struct ahead	*ah;
	struct tidx	*xa, *xb;
	char		*lines[AHEAD_LINES], pa[PATH_MAX], pb[PATH_MAX];
	unsigned char	*fa, *fb;
	size_t		 i, la, lb;
	int		 bad = 0;

	a.in = ingest_new(&o);
	b.in = ingest_new(&o);
	a.t = calloc(AHEAD_LINES, sizeof(*a.t));
	b.t = calloc(AHEAD_LINES, sizeof(*b.t));
	ck_assert(a.t != NULL && b.t != NULL);
	ingest_input_begin(a.in);
	ingest_input_begin(b.in);
	ck_assert_int_eq(setenv("TI_INDEX_AHEAD", "1", 1), 0);
	ah = ahead_new(b.in, take_one, &b);
	unsetenv("TI_INDEX_AHEAD");
	ck_assert_ptr_nonnull(ah);
	for (i = 0; i < AHEAD_LINES; i++) {
		lines[i] = ahead_corpus_line(i);
		a.t[i].lineno = i + 1;
		a.t[i].rc = ingest_line(a.in, lines[i], strlen(lines[i]),
		    a.t[i].why, sizeof(a.t[i].why));
		a.n++;
		ahead_line(ah, lines[i], strlen(lines[i]), i + 1);
		if (i % 1777 == 0 || i % 2048 == 1)
			ahead_drain(ah);
	}
	ahead_drain(ah);
	ck_assert_uint_eq(b.n, AHEAD_LINES);
	for (i = 0; i < AHEAD_LINES; i++) {
		ck_assert_uint_eq(b.t[i].lineno, i + 1);
		ck_assert_msg(a.t[i].rc == b.t[i].rc &&
		    strcmp(a.t[i].why, b.t[i].why) == 0,
		    "line %zu: %d \"%s\" by lines, %d \"%s\" ahead", i + 1,
		    a.t[i].rc, a.t[i].why, b.t[i].rc, b.t[i].why);
		bad += a.t[i].rc == -1;
	}
	ck_assert_int_gt(bad, 120);
	ck_assert_msg(memcmp(ingest_stats(a.in), ingest_stats(b.in),
	    sizeof(struct ingest_stats)) == 0, "the counts differ");
	ahead_free(ah);
	xa = ix_finish(a.in, tmpdir, "a.idx", o.now, LOOKBACK);
	xb = ix_finish(b.in, tmpdir, "b.idx", o.now, LOOKBACK);
	snprintf(pa, sizeof(pa), "%s/a.idx", tmpdir);
	snprintf(pb, sizeof(pb), "%s/b.idx", tmpdir);
	fa = slurp(pa, &la);
	fb = slurp(pb, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_uint_gt(la, 4096);
	/* Apart from the build time and the header checksum over it. */
	memset(fa + 20, 0, 4);
	memset(fb + 20, 0, 4);
	memset(fa + 32, 0, 8);
	memset(fb + 32, 0, 8);
	ck_assert(memcmp(fa, fb, la) == 0);
	free(fa);
	free(fb);
	tidx_close(xa);
	tidx_close(xb);
	for (i = 0; i < AHEAD_LINES; i++)
		free(lines[i]);
	free(a.t);
	free(b.t);
	ingest_free(a.in);
	ingest_free(b.in);
}
END_TEST

/* Threads of this process whose SigBlk in /proc holds SIGTERM; -1: no /proc. */
static int
threads_blocking_term(void)
{
	DIR	*d = opendir("/proc/self/task");
	struct dirent *e;
	char	 path[PATH_MAX], line[256];
	unsigned long long mask;
	FILE	*f;
	int	 n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
		    e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "SigBlk: %llx", &mask) == 1 &&
			    (mask >> (SIGTERM - 1) & 1))
				n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/*
 * The parsing thread blocks every signal, so that handlers run in the
 * thread that reads (the input layer counts on that to wake its reads).
 */
START_TEST(test_ahead_blocks_signals)
{
	struct ingest_opts o = { ticks(NOW_TEXT), LOOKBACK, 0 };
	struct ingest	*in2 = ingest_new(&o);
	struct take_ctx	 c = { in2, NULL, 0 };
	struct ahead	*ah;
	sigset_t	 none;
	int		 before;

	sigemptyset(&none);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &none, NULL), 0);
	if ((before = threads_blocking_term()) == -1) {
		ingest_free(in2);
		return;			/* No /proc. */
	}
	ck_assert_int_eq(setenv("TI_INDEX_AHEAD", "1", 1), 0);
	ah = ahead_new(in2, take_one, &c);
	unsetenv("TI_INDEX_AHEAD");
	ck_assert_ptr_nonnull(ah);
	ck_assert_int_eq(threads_blocking_term(), before + 1);
	ahead_free(ah);
	ingest_free(in2);
}
END_TEST

START_TEST(test_malformed)
{
	static const char *bad[] = {
		"{", "}", "{\"a\":}", "not json", "{'a':1}", "{\"a\":1,}",
		"{\"NetworkIP\":\"203.0.113.1\"", "{} {}", "{\"a\":1} x",
		"{\"a\":\"\\x\"}", "\"unterminated"
	};
	static const char *notobj[] = {
		"42", "\"s\"", "null", "true", "  [1, 2]  ",
		"[{\"NetworkIP\":\"203.0.113.9\"}, 3]"
	};
	size_t	 i, nb = sizeof(bad) / sizeof(bad[0]);
	size_t	 nn = sizeof(notobj) / sizeof(notobj[0]);

	for (i = 0; i < nb; i++)
		row_bad(bad[i]);
	for (i = 0; i < nn; i++)
		row_bad(notobj[i]);
	/* An array of rows on one line is rows (az prints [] for none). */
	row_ok("[]");
	row_ok("[{\"NetworkIP\":\"203.0.113.1\"}]");
	ck_assert_uint_eq(st()->rejected, nb + nn);
	ck_assert_uint_eq(st()->malformed, nb + nn);
	ck_assert_uint_eq(st()->blank, 0);
	/* Bad values in a good object are rejected, not malformed. */
	row_bad("{\"IndicatorId\":\"a\",\"NetworkIP\":\"bad\"," GOOD "}");
	ck_assert_uint_eq(st()->rejected, nb + nn + 1);
	ck_assert_uint_eq(st()->malformed, nb + nn);
	finish();
	ck_assert_uint_eq(st()->indicators, 0);
}
END_TEST

START_TEST(test_blank)
{
	row_ok("");
	row_ok(" ");
	row_ok("\t \t");
	row_ok("\r\n");
	row_ok("\n");
	ck_assert_uint_eq(st()->blank, 5);
	ck_assert_uint_eq(st()->rows, 0);
	ck_assert_uint_eq(st()->rejected, 0);
	row_ok("{\"IndicatorId\":\"a\",\"NetworkIP\":\"203.0.113.1\"," GOOD
	    "}\r");
	ck_assert_uint_eq(st()->rows, 1);
	finish();
	has("203.0.113.1", "a");
}
END_TEST

/* ingest_line reads len bytes, and why is cut to whylen. */
START_TEST(test_row_bounds)
{
	static const char line[] = "{\"IndicatorId\":\"a\","
	    "\"NetworkIP\":\"203.0.113.1\"," GOOD "} and then garbage";
	static const char bad[] = "{\"IndicatorId\":\"b\","
	    "\"NetworkIP\":\"203.0.113.2\",\"TimeGenerated\":\""
	    "this is not a time, and it goes on for quite a long while "
	    "so that the reason would not fit in a small buffer\"}";
	char	 small[8];

	mode(1);
	ck_assert_int_eq(ingest_line(in, line, strlen(line) -
	    strlen(" and then garbage"), why, sizeof(why)), 0);
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(ingest_line(in, bad, strlen(bad), small,
	    sizeof(small)), -1);
	ck_assert_ptr_nonnull(memchr(small, '\0', sizeof(small)));
	ck_assert_uint_gt(strlen(small), 0);
	finish();
	has("203.0.113.1", "a");
	hasnt("203.0.113.2");
}
END_TEST

START_TEST(test_truthy)
{
	ck_assert_int_eq(truthy(JV_BOOL, NULL, 0, 1), 1);
	ck_assert_int_eq(truthy(JV_BOOL, NULL, 0, 0), 0);
	ck_assert_int_eq(truthy(JV_STRING, "true", 4, 0), 1);
	ck_assert_int_eq(truthy(JV_STRING, "True", 4, 0), 1);
	ck_assert_int_eq(truthy(JV_STRING, "TRUE", 4, 0), 1);
	ck_assert_int_eq(truthy(JV_STRING, "TrUe", 4, 0), 1);
	ck_assert_int_eq(truthy(JV_STRING, "1", 1, 0), 1);
	ck_assert_int_eq(truthy(JV_NUMBER, "1", 1, 0), 1);
	ck_assert_int_eq(truthy(JV_STRING, "true!", 4, 0), 1);
	ck_assert_int_eq(truthy(JV_STRING, "true!", 5, 0), 0);
	ck_assert_int_eq(truthy(JV_STRING, "tru", 3, 0), 0);
	ck_assert_int_eq(truthy(JV_STRING, "false", 5, 0), 0);
	ck_assert_int_eq(truthy(JV_STRING, "", 0, 0), 0);
	ck_assert_int_eq(truthy(JV_STRING, "yes", 3, 0), 0);
	ck_assert_int_eq(truthy(JV_NUMBER, "0", 1, 0), 0);
	ck_assert_int_eq(truthy(JV_NUMBER, "2", 1, 0), 0);
	ck_assert_int_eq(truthy(JV_NULL, NULL, 0, 1), 0);
	ck_assert_int_eq(truthy(JV_ABSENT, NULL, 0, 1), 0);
	ck_assert_int_eq(truthy(JV_COMPLEX, NULL, 0, 1), 0);
}
END_TEST

START_TEST(test_confidence_helper)
{
	int32_t	 v;

	v = 0;
	ck_assert_int_eq(confidence(JV_NUMBER, "75", 2, &v), 0);
	ck_assert_int_eq(v, 75);
	ck_assert_int_eq(confidence(JV_STRING, "75", 2, &v), 0);
	ck_assert_int_eq(v, 75);
	ck_assert_int_eq(confidence(JV_NUMBER, "87.6", 4, &v), 0);
	ck_assert_int_eq(v, 88);
	ck_assert_int_eq(confidence(JV_NUMBER, "-87.6", 5, &v), 0);
	ck_assert_int_eq(v, -88);
	ck_assert_int_eq(confidence(JV_NUMBER, "0.4", 3, &v), 0);
	ck_assert_int_eq(v, 0);
	/* Only len bytes are read. */
	ck_assert_int_eq(confidence(JV_STRING, "753", 2, &v), 0);
	ck_assert_int_eq(v, 75);
	ck_assert_int_eq(confidence(JV_STRING, "high", 4, &v), -1);
	ck_assert_int_eq(confidence(JV_STRING, "", 0, &v), -1);
	ck_assert_int_eq(confidence(JV_STRING, "7 5", 3, &v), -1);
	ck_assert_int_eq(confidence(JV_NULL, NULL, 0, &v), -1);
	ck_assert_int_eq(confidence(JV_BOOL, NULL, 0, &v), -1);
	ck_assert_int_eq(confidence(JV_ABSENT, NULL, 0, &v), -1);
	ck_assert_int_eq(confidence(JV_COMPLEX, NULL, 0, &v), -1);
	ck_assert_int_eq(confidence(JV_NUMBER, "1e10", 4, &v), -1);
	ck_assert_int_eq(confidence(JV_NUMBER, "-1e10", 5, &v), -1);
	ck_assert_int_eq(confidence(JV_STRING, "nan", 3, &v), -1);
	ck_assert_int_eq(confidence(JV_STRING, "Infinity", 8, &v),
	    -1);
}
END_TEST

/*
 * source_confidence() takes "a JSON number or a string holding one"
 * (source.h): what strtod(3) reads but JSON does not (hexadecimal, a
 * leading '+' or '.', a trailing '.') is null: "0x1A" is not 26.
 */
START_TEST(test_confidence_not_json_number)
{
	static const char *junk[] = {
		"0x1A", "+75", ".5", "5.", "0x1p4", "075", "-", "1e", "75\n"
	};
	size_t	 i;
	int32_t	 v;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		v = -12345;
		ck_assert_msg(confidence(JV_STRING, junk[i],
		    strlen(junk[i]), &v) == -1,
		    "\"%s\" read as confidence %d", junk[i], v);
	}
}
END_TEST

/* ---------------------------------------------------------------------
 * Limits.
 */

/* Start again with another now and lookback. */
static void
reopen(int64_t n, int64_t lookback)
{
	struct ingest_opts o;

	ingest_free(in);
	now = n;
	o.now = n;
	o.lookback = lookback;
	in = ingest_new(&o);
	ck_assert_ptr_nonnull(in);
}

START_TEST(test_lookback_extremes)
{
	/* No lookback: only now and later. */
	reopen(ticks(NOW_TEXT), 0);
	row_ok("{\"IndicatorId\":\"now\",\"NetworkIP\":\"203.0.113.1\","
	    "\"TimeGenerated\":\"" NOW_TEXT "\"," LIVE "}");
	row_ok("{\"IndicatorId\":\"tick\",\"NetworkIP\":\"203.0.113.2\","
	    "\"TimeGenerated\":\"2026-11-20T11:59:59.9999999Z\"," LIVE "}");
	ck_assert_uint_eq(st()->too_old, 1);
	finish();
	has("203.0.113.1", "now");
	hasnt("203.0.113.2");
	tidx_close(ix);
	ix = NULL;

	/* The longest lookback keeps year 1. */
	reopen(ticks(NOW_TEXT), INT64_MAX);
	row_ok("{\"IndicatorId\":\"y1\",\"NetworkIP\":\"203.0.113.3\","
	    "\"TimeGenerated\":\"0001-01-01T00:00:00Z\"," LIVE "}");
	ck_assert_uint_eq(st()->too_old, 0);
	finish();
	has("203.0.113.3", "y1");
	tidx_close(ix);
	ix = NULL;

	/* now - lookback below INT64_MIN saturates (UBSan would trap). */
	reopen(INT64_MIN + 1, INT64_MAX);
	row_ok("{\"IndicatorId\":\"y1\",\"NetworkIP\":\"203.0.113.4\","
	    "\"TimeGenerated\":\"0001-01-01T00:00:00Z\"," LIVE "}");
	ck_assert_uint_eq(st()->too_old, 0);
	finish();
	has("203.0.113.4", "y1");
}
END_TEST

START_TEST(test_many_indicators)
{
	struct tidx_ind	 ind;
	struct addr	 a;
	char		 text[ADDR_STRLEN], want[32];
	uint32_t	 i;
	int		 r;
	int64_t		 e;

	/* Three rows per id, the middle one newest; 20000 ids. */
	for (r = 0; r < 3; r++)
		for (i = 0; i < 20000; i++) {
			addr_from_v4(&a, 0x0B000000u + i * 4 + (uint32_t)r);
			ck_assert_int_eq(rowf("{\"IndicatorId\":\"id%u\","
			    "\"NetworkIP\":\"%s\",\"TimeGenerated\":"
			    "\"2026-11-1%dT00:00:00Z\"," LIVE "}", i,
			    addr_format(&a, text), r == 1 ? 9 : 8), 0);
		}
	ck_assert_uint_eq(st()->rows, 60000);
	ck_assert_uint_eq(st()->superseded, 40000);
	finish();
	ck_assert_uint_eq(st()->indicators, 20000);
	ck_assert_uint_eq(st()->addresses, 20000);
	for (i = 0; i < 20000; i++) {
		for (r = 0; r < 3; r++) {
			addr_from_v4(&a, 0x0B000000u + i * 4 + (uint32_t)r);
			e = tidx_lookup(ix, &a);
			ck_assert((e >= 0) == (r == 1));
		}
		addr_from_v4(&a, 0x0B000000u + i * 4 + 1);
		ck_assert_int_eq(tidx_entry(ix, (uint64_t)tidx_lookup(ix, &a),
		    &ind), TIDX_OK);
		snprintf(want, sizeof(want), "id%u", i);
		str_is("value", ind.id, want);
	}
}
END_TEST

START_TEST(test_long_strings)
{
	struct tidx_ind	 ind;
	char		*line, *desc;
	size_t		 n = 200000, len;

	ck_assert_ptr_nonnull(desc = malloc(n + 1));
	memset(desc, 'd', n);
	desc[n] = '\0';
	len = n + 256;
	ck_assert_ptr_nonnull(line = malloc(len));
	snprintf(line, len, "{\"IndicatorId\":\"long\","
	    "\"NetworkIP\":\"203.0.113.1\",\"Description\":\"%s\"," GOOD "}",
	    desc);
	row_ok(line);
	finish();
	ck_assert(find("203.0.113.1", &ind));
	ck_assert_uint_eq(ind.description.len, n);
	ck_assert(memcmp(ind.description.p, desc, n) == 0);
	free(line);
	free(desc);
}
END_TEST

/* The same rows give the same file, byte for byte. */
START_TEST(test_reproducible)
{
	static const char *rows[] = {
		"{\"IndicatorId\":\"b\",\"NetworkIP\":\"203.0.113.1\","
		    "\"ConfidenceScore\":5," GOOD "}",
		"{\"IndicatorId\":\"a\",\"NetworkIP\":\"203.0.113.1\","
		    "\"ConfidenceScore\":5," GOOD "}",
		"{\"IndicatorId\":\"c\",\"NetworkIP\":\"2001:db8::1\","
		    "\"ThreatType\":\"Botnet\"," GOOD "}",
		"{\"IndicatorId\":\"d\",\"NetworkIP\":\"198.51.100.1\","
		    "\"ThreatType\":\"Botnet\"," GOOD "}",
		"{\"IndicatorId\":\"c\",\"NetworkIP\":\"2001:db8::2\","
		    "\"ThreatType\":\"Botnet\"," GOOD "}"
	};
	unsigned char	*f[2];
	char		 path[PATH_MAX], name[PATH_MAX];
	size_t		 len[2], i;
	int		 k;

	snprintf(path, sizeof(path), "%s/ingest.idx", tmpdir);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			row_ok(rows[i]);
		finish();
		has("203.0.113.1", "a");
		has("2001:db8::2", "c");
		hasnt("2001:db8::1");
		snprintf(name, sizeof(name), "%s/repro%d.idx", tmpdir, k);
		ck_assert_int_eq(rename(path, name), 0);
		f[k] = slurp(name, &len[k]);
		tidx_close(ix);
		ix = NULL;
		ingest_free(in);
		ingest_setup();
	}
	ck_assert_uint_eq(len[0], len[1]);
	ck_assert(memcmp(f[0], f[1], len[0]) == 0);
	free(f[0]);
	free(f[1]);
}
END_TEST

/* ---------------------------------------------------------------------
 * Shapes: indicator rows as Azure's REST APIs return them.
 */

#define LEG_COLS "{\"name\":\"TimeGenerated\",\"type\":\"datetime\"}," \
	"{\"name\":\"IndicatorId\",\"type\":\"string\"}," \
	"{\"name\":\"NetworkIP\",\"type\":\"string\"}," \
	"{\"name\":\"Active\",\"type\":\"bool\"}," \
	"{\"name\":\"ExpirationDateTime\",\"type\":\"datetime\"}," \
	"{\"name\":\"ConfidenceScore\",\"type\":\"int\"}"

/* Query API answers and REST lists on one line. */
START_TEST(test_query_api_rows)
{
	struct tidx_ind	 ind;

	/* Legacy rows, cells typed as the JSON gives them. */
	row_ok("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":["
	    LEG_COLS "],\"rows\":["
	    "[\"" TG_DAY1 "\",\"q1\",\"203.0.113.1\",true,\"" EXP_LATER "\",80],"
	    "[\"" TG_DAY1 "\",\"q2\",\"203.0.113.2\",false,\"" EXP_LATER "\","
	    "null]]}]}");
	/* ThreatIntelIndicators rows, Data as JSON text (a dynamic column). */
	row_ok("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":["
	    "{\"name\":\"TimeGenerated\",\"type\":\"datetime\"},"
	    "{\"name\":\"Id\",\"type\":\"string\"},"
	    "{\"name\":\"IsActive\",\"type\":\"bool\"},"
	    "{\"name\":\"ValidUntil\",\"type\":\"datetime\"},"
	    "{\"name\":\"Data\",\"type\":\"dynamic\"}],\"rows\":["
	    "[\"" TG_DAY1 "\",\"indicator--q3\",true,\"" EXP_LATER "\","
	    "\"{\\\"pattern\\\":\\\"[ipv4-addr:value = '198.51.100.3']\\\","
	    "\\\"description\\\":\\\"from Data\\\",\\\"labels\\\":"
	    "[\\\"ActivityGroup:STORM-1\\\"]}\"]]}]}");
	/* A REST list, and the Sentinel upload API's body of STIX objects. */
	row_ok("{\"value\":[{\"IndicatorId\":\"q4\",\"NetworkIP\":"
	    "\"198.51.100.4\"," GOOD "}],\"nextLink\":null}");
	row_ok("{\"sourcesystem\":\"feed\",\"indicators\":[{\"type\":"
	    "\"indicator\",\"id\":\"indicator--q5\",\"pattern\":"
	    "\"[ipv4-addr:value = '198.51.100.5']\",\"pattern_type\":\"stix\","
	    "\"modified\":\"" TG_DAY1 "\"}]}");
	/* Empty answers are no rows. */
	row_ok("{\"tables\":[]}");
	row_ok("{\"value\":[]}");
	/* A row that does not fit its columns is bad; the others are read. */
	ck_assert_int_eq(row("{\"tables\":[{\"columns\":[" LEG_COLS "],"
	    "\"rows\":[[\"" TG_DAY1 "\",\"q6\",\"198.51.100.6\",true,\""
	    EXP_LATER "\",1],[\"" TG_DAY1 "\",\"q7\"]]}]}"), -1);
	ck_assert_str_eq(why, "row 2 of table 1: 2 cells for 6 columns");
	ck_assert_int_eq(row("{\"tables\":[{\"rows\":[[1]],\"columns\":[]}]}"),
	    -1);
	ck_assert_str_eq(why, "row 1 of table 1: comes before the table's "
	    "columns");
	finish();
	has("203.0.113.1", "q1");
	ck_assert_int_eq(conf_of("203.0.113.1"), 80);
	hasnt("203.0.113.2");
	has("198.51.100.3", "indicator--q3");
	ck_assert(find("198.51.100.3", &ind));
	str_is("value", ind.description, "from Data");
	str_is("value", ind.activity_groups, "STORM-1");
	has("198.51.100.4", "q4");
	has("198.51.100.5", "indicator--q5");
	has("198.51.100.6", "q6");
	/* Six rows read, and the line that gave none counts as one. */
	ck_assert_uint_eq(st()->rows, 7);
	ck_assert_uint_eq(st()->malformed, 2);
}
END_TEST

/* A document's bad rows are counted and said at its end. */
START_TEST(test_query_api_document_bad)
{
	static const char doc[] = "{\"tables\":[{\"columns\":["
	    "{\"name\":\"NetworkIP\"}],\n\"rows\":[[\"203.0.113.1\",5],\n"
	    "[\"203.0.113.2\"],[]]}]}\n";
	uint64_t off;

	ingest_doc_begin(in, NULL, NULL);
	ck_assert_int_eq(ingest_doc_feed(in, doc, sizeof(doc) - 1), 0);
	ck_assert_int_eq(ingest_doc_end(in), -2);
	ck_assert_str_eq(ingest_doc_error(in, &off), "2 bad records, the "
	    "first: row 1 of table 1: 2 cells for 1 column");
	ck_assert_uint_eq(st()->malformed, 2);
	ck_assert_uint_eq(st()->rows, 1);
	ck_assert_uint_eq(ingest_doc_handled(in),
	    (uint64_t)(strstr(doc, "[\"203.0.113.2\"]") + 15 - doc));
}
END_TEST

/*
 * The ThreatIntelIndicators and legacy rows of tests/data as the query
 * API answers them (pretty-printed, dynamic columns as JSON text), fed
 * as a document in pieces of every size from 1 to 31 bytes: the rows
 * count as the NDJSON rows do, and the handled offset is just past the
 * last row.
 */
START_TEST(test_query_api_document)
{
	static const char *const pairs[][2] = {
		{ "fmt-tii.ndjson", "ti-query-api-tii.json" },
		{ "ti-legacy.ndjson", "ti-query-api-legacy.json" },
	};
	struct ingest_opts	 o;
	struct ingest_stats	 want;
	char			 *line, *next;
	unsigned char		*text;
	size_t			 len, n, i, p, h;

	o.now = ticks("2026-03-01T00:00:00Z");
	o.lookback = LOOKBACK;
	o.ttl = 0;
	for (p = 0; p < 2; p++) {
		ingest_free(in);
		in = ingest_new(&o);
		text = slurp_data(pairs[p][0], &len);
		text[len] = '\0';
		for (line = (char *)text; *line != '\0'; line = next) {
			next = strchr(line, '\n');
			*next++ = '\0';
			(void)row(line);
		}
		want = *st();
		free(text);
		text = slurp_data(pairs[p][1], &len);
		for (n = 1; n <= 31; n++) {
			ingest_free(in);
			in = ingest_new(&o);
			ingest_doc_begin(in, NULL, NULL);
			ck_assert_uint_eq(ingest_doc_handled(in), 0);
			for (i = 0; i < len; i += n)
				ck_assert_int_eq(ingest_doc_feed(in,
				    (char *)text + i, len - i < n ? len - i :
				    n), 0);
			ck_assert_int_eq(ingest_doc_end(in), 0);
			ck_assert_msg(memcmp(st(), &want, sizeof(want)) == 0,
			    "%s in pieces of %zu: other counts", pairs[p][1],
			    n);
			h = (size_t)ingest_doc_handled(in);
			ck_assert_uint_gt(h, 0);
			ck_assert_int_eq(text[h - 1], ']');
			for (i = h; i < len; i++)
				ck_assert(strchr(" \n]}", text[i]) != NULL);
		}
		free(text);
	}
}
END_TEST

Suite *
ingest_suite(void)
{
	Suite	*s = suite_create("ingest");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, ingest_setup, ingest_teardown);
	tcase_add_test(tc, test_address_columns);
	tcase_add_test(tc, test_provenance);
	tcase_add_test(tc, test_quote);
	tcase_add_test(tc, test_record_forms);
	tcase_add_test(tc, test_spamhaus);
	tcase_add_test(tc, test_no_address);
	tcase_add_test(tc, test_time_generated);
	tcase_add_test(tc, test_lookback_edge);
	tcase_add_test(tc, test_bad_address);
	tcase_add_test(tc, test_exclusions);
	tcase_add_test(tc, test_latest_per_id);
	tcase_add_test(tc, test_tie_later_row_wins);
	tcase_add_test(tc, test_active);
	tcase_add_test(tc, test_expiration);
	tcase_add_test(tc, test_bad_expiration);
	tcase_add_test(tc, test_confidence);
	tcase_add_test(tc, test_one_per_address_time);
	tcase_add_test(tc, test_one_per_address_confidence);
	tcase_add_test(tc, test_one_per_address_id);
	tcase_add_test(tc, test_shadowed_many);
	tcase_add_test(tc, test_shadowed_split);
	tcase_add_test(tc, test_tuples_kept_apart);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_address_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("Input");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, ingest_setup, ingest_teardown);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_ahead_same_as_lines);
	tcase_add_test(tc, test_ahead_blocks_signals);
	tcase_add_test(tc, test_blank);
	tcase_add_test(tc, test_row_bounds);
	tcase_add_test(tc, test_truthy);
	tcase_add_test(tc, test_confidence_helper);
	tcase_add_test(tc, test_confidence_not_json_number);
	suite_add_tcase(s, tc);

	tc = tcase_create("Shapes");
	tcase_set_timeout(tc, 60);	/* Documents in pieces of 1-31 bytes. */
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, ingest_setup, ingest_teardown);
	tcase_add_test(tc, test_query_api_rows);
	tcase_add_test(tc, test_query_api_document);
	tcase_add_test(tc, test_query_api_document_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, ingest_setup, ingest_teardown);
	tcase_add_test(tc, test_lookback_extremes);
	tcase_add_test(tc, test_many_indicators);
	tcase_add_test(tc, test_long_strings);
	tcase_add_test(tc, test_reproducible);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	return s;
}
