/*
 * check_dstage.c: unit tests of the dedup stage (src/dstage.h, kv-match
 * --dedup-only).  "Core": alerts with and without the KEY<TAB> prefix are
 * kept byte for byte without it, repeats within the window suppressed
 * (keyed on IndicatorId and ClientIP as an address, whatever its
 * spelling), blank lines are not records, and the counters add up.
 * "Scan": the quick scan and the full parse agree on every alert and on
 * every mutation of one (a member nested, repeated, not a string, the
 * line cut short or with text after it, escapes), and lines without the
 * members are malformed with a reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dstage.h"
#include "ktime.h"

#define HOUR	(3600 * KTIME_TICKS_PER_SEC)

/* An alert as kv-match writes it, shortened. */
#define ALERT(time, id, ip) \
	"{\"KeyVaultEvents_TimeGenerated\":\"" time "\",\"Description\":" \
	"\"C2 {x} [y], z\",\"IndicatorId\":\"" id "\",\"ConfidenceScore\":80," \
	"\"ClientIP\":\"" ip "\",\"Entities\":[{\"Type\":\"ip\",\"Address\":" \
	"\"" ip "\"}],\"Tactics\":[\"CommandAndControl\"],\"n\":null}"

static struct dedup *d;
static struct dstage *s;

static void
setup(void)
{
	d = dedup_new(HOUR, 7 * 24 * HOUR, 100000);
	s = dstage_new(d);
}

static void
teardown(void)
{
	dstage_free(s);
	dedup_free(d);
}

static enum dstage_result
line(const char *l, const char **out, size_t *olen)
{
	const char *p = NULL;
	size_t	 n = 0;
	enum dstage_result r = dstage_line(s, l, strlen(l), &p, &n);

	if (out != NULL) {
		*out = p;
		*olen = n;
	}
	return r;
}

START_TEST(kept_and_suppressed)
{
	const char *a1 = ALERT("2026-03-05T10:00:00.0000000Z", "ti-1",
	    "203.0.113.10");
	const char *p;
	size_t	 n;
	struct dstage_counts c;

	ck_assert_int_eq(line(a1, &p, &n), DSTAGE_KEPT);
	ck_assert_ptr_eq(p, a1);
	ck_assert_uint_eq(n, strlen(a1));
	ck_assert_int_eq(line(ALERT("2026-03-05T10:59:00.0000000Z", "ti-1",
	    "203.0.113.10"), NULL, NULL), DSTAGE_SUPPRESSED);
	ck_assert_int_eq(line(ALERT("2026-03-05T10:00:00.0000000Z", "ti-2",
	    "203.0.113.10"), NULL, NULL), DSTAGE_KEPT);
	ck_assert_int_eq(line(ALERT("2026-03-05T14:00:00.0000000Z", "ti-1",
	    "203.0.113.10"), NULL, NULL), DSTAGE_KEPT);
	/* 10:05 read after 10:00 and 14:00 (SPEC 2.3). */
	ck_assert_int_eq(line(ALERT("2026-03-05T10:05:00.0000000Z", "ti-1",
	    "203.0.113.10"), NULL, NULL), DSTAGE_SUPPRESSED);
	/* IPv6 in two spellings is one key. */
	ck_assert_int_eq(line(ALERT("2026-03-05T10:00:00Z", "v6",
	    "2001:DB8::1"), NULL, NULL), DSTAGE_KEPT);
	ck_assert_int_eq(line(ALERT("2026-03-05T10:10:00Z", "v6",
	    "2001:db8:0::1"), NULL, NULL), DSTAGE_SUPPRESSED);
	ck_assert_int_eq(line("", NULL, NULL), DSTAGE_BLANK);
	ck_assert_int_eq(line("  \t\r", NULL, NULL), DSTAGE_BLANK);
	dstage_get_counts(s, &c);
	ck_assert_uint_eq(c.records, 7);
	ck_assert_uint_eq(c.kept, 4);
	ck_assert_uint_eq(c.suppressed, 3);
	ck_assert_uint_eq(c.malformed, 0);
	ck_assert_uint_eq(c.scanned, 7);
}
END_TEST

START_TEST(prefix_stripped)
{
	const char *a = "203.0.113.10/ti-1\t" ALERT(
	    "2026-03-05T10:00:00.0000000Z", "ti-1", "203.0.113.10");
	const char *p;
	size_t	 n;

	ck_assert_int_eq(line(a, &p, &n), DSTAGE_KEPT);
	ck_assert_ptr_eq(p, strchr(a, '\t') + 1);
	ck_assert_uint_eq(n, strlen(p));
	/* The prefix plays no part in the key. */
	ck_assert_int_eq(line("other/key\t" ALERT(
	    "2026-03-05T10:30:00.0000000Z", "ti-1", "203.0.113.10"), NULL,
	    NULL), DSTAGE_SUPPRESSED);
	ck_assert_int_eq(line("no-tab-here", NULL, NULL), DSTAGE_MALFORMED);
	ck_assert_str_eq(dstage_error(s), "not an alert (no object, no key)");
}
END_TEST

/*
 * Run a line through a fresh stage twice (both paths would give the same
 * result): return its result, and say whether the scan read it.
 */
static enum dstage_result
fresh(const char *l, int *scanned)
{
	struct dedup *d2 = dedup_new(HOUR, HOUR, 100);
	struct dstage *s2 = dstage_new(d2);
	struct dstage_counts c;
	const char *p;
	size_t	 n;
	enum dstage_result r = dstage_line(s2, l, strlen(l), &p, &n);

	dstage_get_counts(s2, &c);
	*scanned = c.scanned != 0;
	dstage_free(s2);
	dedup_free(d2);
	return r;
}

START_TEST(scan_or_parse)
{
	static const struct {
		const char	*line;
		enum dstage_result want;
		int		 scanned;
	} cases[] = {
		{ ALERT("2026-03-05T10:00:00Z", "a", "192.0.2.1"),
		    DSTAGE_KEPT, 1 },
		/* Escapes: the full parse, which decodes them. */
		{ ALERT("2026-03-05T10:00:00Z", "a\\\"b", "192.0.2.1"),
		    DSTAGE_KEPT, 0 },
		{ "{\"IndicatorId\":\"a\",\"ClientIP\":\"192.0.2.\\u0031\","
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\"}",
		    DSTAGE_KEPT, 0 },
		/* White space around tokens. */
		{ " { \"IndicatorId\" : \"a\" , \"ClientIP\" : \"192.0.2.1\" ,"
		    " \"KeyVaultEvents_TimeGenerated\" : \"2026-03-05T10:00Z\" "
		    "} ", DSTAGE_KEPT, 1 },
		/* Members only nested: none at the top. */
		{ "{\"x\":{\"IndicatorId\":\"a\",\"ClientIP\":\"192.0.2.1\","
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\"}}",
		    DSTAGE_MALFORMED, 0 },
		{ "{\"IndicatorId\":\"a\",\"x\":[{\"ClientIP\":\"192.0.2.1\"}],"
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\"}",
		    DSTAGE_MALFORMED, 0 },
		/* Not strings. */
		{ "{\"IndicatorId\":7,\"ClientIP\":\"192.0.2.1\","
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\"}",
		    DSTAGE_MALFORMED, 0 },
		{ "{\"IndicatorId\":\"a\",\"ClientIP\":null,"
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\"}",
		    DSTAGE_MALFORMED, 0 },
		/* Bad values. */
		{ ALERT("2026-03-05T10:00:00Z", "a", "192.0.2.256"),
		    DSTAGE_MALFORMED, 1 },
		{ ALERT("yesterday", "a", "192.0.2.1"), DSTAGE_MALFORMED, 1 },
		/* Cut short, text after, unbalanced, not an object. */
		{ "{\"IndicatorId\":\"a\",\"ClientIP\":\"192.0.2.1\","
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\"",
		    DSTAGE_MALFORMED, 0 },
		{ "{\"IndicatorId\":\"a\",\"ClientIP\":\"192.0.2.1\","
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\"}x",
		    DSTAGE_MALFORMED, 0 },
		{ "{\"IndicatorId\":\"a\",\"ClientIP\":\"192.0.2.1\","
		    "\"KeyVaultEvents_TimeGenerated\":\"2026-03-05T10:00Z\","
		    "\"y\":[}", DSTAGE_MALFORMED, 0 },
		{ "[1,2]", DSTAGE_MALFORMED, 0 },
		{ "{\"IndicatorId\":\"a\",\"ClientIP\":\"192.0.2.1\"}",
		    DSTAGE_MALFORMED, 0 },
		/* A repeated member: the last counts, as in jq. */
		{ "{\"ClientIP\":\"bad\",\"IndicatorId\":\"a\",\"ClientIP\":"
		    "\"192.0.2.1\",\"KeyVaultEvents_TimeGenerated\":"
		    "\"2026-03-05T10:00Z\"}", DSTAGE_KEPT, 1 },
	};
	size_t	 i;
	int	 scanned;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(fresh(cases[i].line, &scanned) == cases[i].want,
		    "case %zu: result", i);
		ck_assert_msg(scanned == cases[i].scanned, "case %zu: scanned "
		    "%d", i, scanned);
	}
}
END_TEST

/* Every prefix of an alert but the whole is malformed, never kept. */
START_TEST(every_truncation)
{
	const char *a = ALERT("2026-03-05T10:00:00.0000000Z", "ti-1",
	    "203.0.113.10");
	const char *p;
	size_t	 n, len;

	for (len = 1; len < strlen(a); len++) {
		enum dstage_result r = dstage_line(s, a, len, &p, &n);

		ck_assert_msg(r == DSTAGE_MALFORMED, "length %zu: %d", len,
		    (int)r);
	}
	ck_assert_int_eq(dstage_line(s, a, strlen(a), &p, &n), DSTAGE_KEPT);
}
END_TEST

/*
 * The quick scan against the full parse alone (dstage_parse_only): every
 * one-byte change and every byte left out of tricky alerts (escapes in
 * other members, nested members of the same names, a repeated member,
 * non-ASCII text, numbers, literals, a key prefix) gets the same result
 * from both, and a kept alert the same bytes.
 */
START_TEST(quick_vs_full)
{
	static const char *const base[] = {
		ALERT("2026-03-05T10:00:00.0000000Z", "ti-1", "203.0.113.10"),
		"198.51.100.0/ti%202\t{\"KeyVaultEvents_TimeGenerated\":"
		    "\"2026-03-05T10:20:00Z\",\"x\":{\"IndicatorId\":\"no\"},"
		    "\"IndicatorId\":\"ti 2\",\"d\":\"J\xc3\xbcrgen \\u0027q\\u0027\","
		    "\"ClientIP\":\"2001:db8::5\",\"n\":[-1.5e+2,true,false,{}],"
		    "\"IndicatorId\":\"ti-2\"}",
	};
	static const char alphabet[] = "\"\\{}[],:1t .\t\x01x\xff";
	struct dedup *dq = dedup_new(HOUR, HOUR, 100);
	struct dedup *dp = dedup_new(HOUR, HOUR, 100);
	struct dstage *q = dstage_new(dq), *f = dstage_new(dp);
	char	 line[512];
	size_t	 b, i, k, len, n, nq, nf;
	const char *pq, *pf;
	enum dstage_result rq, rf;
	struct dstage_counts c;

	dstage_parse_only(f, 1);
	for (b = 0; b < sizeof(base) / sizeof(base[0]); b++) {
		len = strlen(base[b]);
		ck_assert_uint_lt(len, sizeof(line));
		for (i = 0; i <= len; i++)
			for (k = 0; k <= sizeof(alphabet) - 1; k++) {
				memcpy(line, base[b], len);
				n = len;
				if (i == len)
					;	/* The line as it is. */
				else if (k < sizeof(alphabet) - 1)
					line[i] = alphabet[k];
				else {
					memmove(line + i, line + i + 1,
					    len - i - 1);
					n--;
				}
				rq = dstage_line(q, line, n, &pq, &nq);
				rf = dstage_line(f, line, n, &pf, &nf);
				ck_assert_msg(rq == rf, "%.*s: %d and %d",
				    (int)n, line, (int)rq, (int)rf);
				if (rq == DSTAGE_KEPT)
					ck_assert(pq == pf && nq == nf);
			}
	}
	dstage_get_counts(q, &c);
	ck_assert_uint_gt(c.scanned, 100);
	ck_assert_uint_gt(c.kept, 2);
	ck_assert_uint_gt(c.suppressed, 100);
	ck_assert_uint_gt(c.malformed, 100);
	dstage_get_counts(f, &c);
	ck_assert_uint_eq(c.scanned, 0);
	dstage_free(q);
	dstage_free(f);
	dedup_free(dq);
	dedup_free(dp);
}
END_TEST

Suite *
dstage_suite(void)
{
	Suite	*su = suite_create("dstage");
	TCase	*tc = tcase_create("Core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kept_and_suppressed);
	tcase_add_test(tc, prefix_stripped);
	suite_add_tcase(su, tc);
	tc = tcase_create("Scan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scan_or_parse);
	tcase_add_test(tc, every_truncation);
	tcase_add_test(tc, quick_vs_full);
	suite_add_tcase(su, tc);
	return su;
}
