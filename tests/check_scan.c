/*
 * check_scan.c: unit tests of the scan module (src/scan.h), the fast path
 * of kv-match that lists every caller address of a line without parsing
 * it.  scan_callers() runs a quick pass (SSE2/AVX2 or bytewise) that looks
 * for the names' text wherever it stands, and hands lines with a \u
 * escape to the exact tokenizer, scan_callers_exact(), which lists only
 * the members at depth 1 (the line's object), at depth 3 (the records
 * of a {"records":[...]} envelope) and at depth 5 (of an envelope in an
 * envelope's array).  Every line any test scans goes
 * through both, from heap copies of exactly its size: the answer checked
 * is the exact one, and the quick answer must contain it in order (extra
 * addresses only after one of the names' text), or equal it on a line
 * with \u.
 *
 * "Core" checks SCAN_OK with the exact list (texts, spans, line order,
 * duplicates both listed, non-string values not listed, an empty list),
 * the three spellings, envelopes, white space between tokens (yajl's,
 * with \f and \v), member names that the tokenizer must not take (inside
 * string values, nested objects and arrays at depth 2 and 4), exact
 * skipping of escapes in other values, every case that must give
 * SCAN_UNSURE (escapes in keys at depth 1, 3 or 5 or in an address, more
 * than SCAN_MAXHITS addresses, framing, content after the object), the
 * quick pass's own answers (extra members, escapes other than \u) and
 * the key at every offset across vector steps.  "Limits" scans every
 * prefix and suffix of valid lines, plus long lines and deep nesting.
 *
 * "Differential" checks the property that makes the fast path safe
 * (SPEC.md 7: a fast path must never change which alerts are written)
 * against the full parse of src/kvrec.h, for both scanners: when one
 * answers SCAN_OK with the list H, the address text of every record that
 * kvrec_parse_records() reads as a KVREC_EVENT is one
 * of H, byte for byte; in particular an empty list means no event.  It
 * does so on a corpus of adversarial lines and all their prefixes, and on
 * thousands of random lines from a small grammar (the three log shapes,
 * envelopes of several records, decoys at depth 2 and 4, escapes in keys;
 * fixed seed, so a failure can be replayed).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testlib.h"
#include "jrec.h"
#include "kvrec.h"
#include "scan.h"

#define TIME	"\"2026-11-20T12:00:05.1306790Z\""
#define VAULT	"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/" \
		"MICROSOFT.KEYVAULT/VAULTS/KV1"

/* The other members of a vault record of each shape. */
#define VT	"\"ResourceType\":\"VAULTS\",\"TimeGenerated\":" TIME
#define RL	"\"time\":" TIME ",\"resourceId\":\"" VAULT "\""
#define AZ	"\"Type\":\"AZKVAuditLogs\",\"TimeGenerated\":" TIME

/* A string literal with its length, so that it may hold NUL bytes. */
#define L(s)	{ s, sizeof(s) - 1 }

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct line {
	const char	*s;
	size_t		 len;
};

/* A scan result with the spans as offsets into the line. */
struct sres {
	enum scan_result r;
	size_t		 n;
	size_t		 off[SCAN_MAXHITS], len[SCAN_MAXHITS];
};

static const char *const names[3] = {
	"CallerIPAddress", "callerIpAddress", "CallerIpAddress"
};

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* Which of the three names the member of the hit at off has, or -1. */
static int
name_of_hit(const char *line, size_t off)
{
	size_t	 p = off - 1;	/* The value's opening quote. */
	int	 i;

	while (p > 0 && is_ws(line[p - 1]))
		p--;
	if (p == 0 || line[p - 1] != ':')
		return -1;
	p--;
	while (p > 0 && is_ws(line[p - 1]))
		p--;
	if (p < 17 || line[p - 1] != '"')
		return -1;
	for (i = 0; i < 3; i++)
		if (memcmp(line + p - 16, names[i], 15) == 0)
			return i;
	return -1;
}

/*
 * Whether the len bytes at s hold a \u escape that may be an ASCII letter
 * ("\u00" and 4 to 7, or a "\u" too near the end to tell): the lines that
 * the quick pass hands to the exact scanner.
 */
static int
has_u_escape(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len; i++)
		if (s[i] == '\\' && s[i + 1] == 'u' && (len - i < 6 ||
		    (s[i + 2] == '0' && s[i + 3] == '0' && s[i + 4] >= '4' &&
		    s[i + 4] <= '7')))
			return 1;
	return 0;
}

/*
 * Scan the len bytes at p (a heap copy of exactly that size) with fn into
 * a heap array of exactly SCAN_MAXHITS hits, and check that on SCAN_OK
 * the count is in range and every span lies inside the copy.
 */
static struct sres
scan_with(enum scan_result (*fn)(const char *, size_t, struct scan_hit *,
    size_t *), const char *p, size_t len)
{
	struct sres sr;
	struct scan_hit *h = malloc(SCAN_MAXHITS * sizeof(*h));
	size_t	 i;

	ck_assert_ptr_nonnull(h);
	memset(&sr, 0, sizeof(sr));
	sr.r = fn(p, len, h, &sr.n);
	ck_assert_msg(sr.r == SCAN_OK || sr.r == SCAN_UNSURE, "result %d",
	    (int)sr.r);
	if (sr.r == SCAN_OK) {
		ck_assert_msg(sr.n <= SCAN_MAXHITS, "%zu hits", sr.n);
		for (i = 0; i < sr.n; i++) {
			ck_assert_msg(h[i].p >= p && h[i].p <= p + len &&
			    h[i].len <= (size_t)(p + len - h[i].p),
			    "hit %zu outside the line", i);
			sr.off[i] = (size_t)(h[i].p - p);
			sr.len[i] = h[i].len;
		}
	} else
		sr.n = 0;
	free(h);
	return sr;
}

/*
 * How scan_callers() (quick) must stand to scan_callers_exact(): with a
 * "\u" in the line it gives the same answer, or SCAN_UNSURE when an
 * escape in a value comes first; otherwise, when both answer
 * SCAN_OK, the exact list is a subsequence of the quick one, and every
 * extra address is the string value after one of the names' text.
 */
static void
check_quick(const char *p, size_t len, const struct sres *ex,
    const struct sres *qk)
{
	size_t	 i, k = 0;

	if (has_u_escape(p, len)) {
		ck_assert_msg(qk->r == SCAN_UNSURE || (qk->r == ex->r && qk->n == ex->n &&
		    memcmp(qk->off, ex->off, ex->n * sizeof(ex->off[0])) == 0 &&
		    memcmp(qk->len, ex->len, ex->n * sizeof(ex->len[0])) == 0),
		    "%.*s: a \\u line, but not the exact answer", (int)len, p);
		return;
	}
	if (qk->r != SCAN_OK || ex->r != SCAN_OK)
		return;
	for (i = 0; i < qk->n; i++) {
		if (k < ex->n && qk->off[i] == ex->off[k]) {
			ck_assert_uint_eq(qk->len[i], ex->len[k]);
			k++;
			continue;
		}
		ck_assert_msg(qk->off[i] > 0 && p[qk->off[i] - 1] == '"' &&
		    name_of_hit(p, qk->off[i]) >= 0, "%.*s: extra address %zu "
		    "not after a name", (int)len, p, i);
	}
	ck_assert_msg(k == ex->n, "%.*s: exact address %zu not listed by the "
	    "quick pass", (int)len, p, k);
}

/*
 * The exact answer for the len bytes at s, scanned from a heap copy of
 * exactly that size (so that AddressSanitizer sees any read outside it),
 * after checking the quick pass against it.  *quick, when not NULL, gets
 * the quick answer.
 */
static struct sres
scan_both(const char *s, size_t len, struct sres *quick)
{
	struct sres ex, qk;
	char	*p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	ex = scan_with(scan_callers_exact, p, len);
	qk = scan_with(scan_callers, p, len);
	check_quick(p, len, &ex, &qk);
	free(p);
	if (quick != NULL)
		*quick = qk;
	return ex;
}

static struct sres
scan_n(const char *s, size_t len)
{
	return scan_both(s, len, NULL);
}

static struct sres
scan_s(const char *s)
{
	return scan_n(s, strlen(s));
}

static const char *
rname(enum scan_result r)
{
	switch (r) {
	case SCAN_OK:
		return "SCAN_OK";
	case SCAN_UNSURE:
		return "SCAN_UNSURE";
	}
	return "?";
}

/* The number of occurrences of "want" (with its quotes) in line. */
static size_t
quoted_count(const char *line, const char *want, size_t *first)
{
	char	 pat[128];
	const char *p;
	size_t	 n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", want);
	for (p = line; (p = strstr(p, pat)) != NULL; p++)
		if (n++ == 0)
			*first = (size_t)(p - line) + 1;
	return n;
}

/*
 * Check that line gives SCAN_OK with exactly the addresses given (a list
 * ended by NULL), in order.  Each span must lie between two quotes; an
 * address whose quoted text occurs once in the line must be that span.
 */
static void
assert_list(const char *line, ...)
{
	struct sres qk, sr = scan_both(line, strlen(line), &qk);
	const char *want[SCAN_MAXHITS + 1], *w;
	va_list	 ap;
	size_t	 n = 0, i, at = 0;

	va_start(ap, line);
	while ((w = va_arg(ap, const char *)) != NULL) {
		ck_assert_uint_lt(n, SCAN_MAXHITS + 1);
		want[n++] = w;
	}
	va_end(ap);
	ck_assert_msg(sr.r == SCAN_OK, "%s: %s, want SCAN_OK", line,
	    rname(sr.r));
	ck_assert_msg(qk.r == SCAN_OK || strstr(line, "\\u") != NULL,
	    "%s: quick pass %s, want SCAN_OK", line, rname(qk.r));
	ck_assert_msg(sr.n == n, "%s: %zu addresses, want %zu", line, sr.n,
	    n);
	for (i = 0; i < n; i++) {
		ck_assert_msg(sr.len[i] == strlen(want[i]) &&
		    memcmp(line + sr.off[i], want[i], sr.len[i]) == 0,
		    "%s: address %zu is \"%.*s\", want \"%s\"", line, i,
		    (int)sr.len[i], line + sr.off[i], want[i]);
		ck_assert_msg(sr.off[i] > 0 && line[sr.off[i] - 1] == '"' &&
		    line[sr.off[i] + sr.len[i]] == '"',
		    "%s: address %zu not between quotes", line, i);
		if (quoted_count(line, want[i], &at) == 1)
			ck_assert_msg(sr.off[i] == at, "%s: address %zu at "
			    "%zu, want %zu", line, i, sr.off[i], at);
	}
}

#define LIST(line, ...)	assert_list((line), __VA_ARGS__, (const char *)NULL)
#define EMPTY(line)	assert_list((line), (const char *)NULL)

static void
assert_result(const char *line, enum scan_result want)
{
	struct sres sr = scan_s(line);

	ck_assert_msg(sr.r == want, "%s: %s, want %s", line, rname(sr.r),
	    rname(want));
}

static void
assert_results(const char *const *lines, size_t n, enum scan_result want)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		assert_result(lines[i], want);
}

static void
assert_empties(const char *const *lines, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		EMPTY(lines[i]);
}

START_TEST(list_flat)
{
	LIST("{\"CallerIPAddress\":\"203.0.113.7\"}", "203.0.113.7");
	LIST("{" VT ",\"CallerIPAddress\":\"203.0.113.7\"}", "203.0.113.7");
	LIST("{\"CallerIPAddress\":\"198.51.100.23\"," VT "}",
	    "198.51.100.23");
	LIST("{\"a\":1,\"CallerIPAddress\":\"2001:DB8::1\",\"b\":true,"
	    "\"c\":null,\"d\":false,\"e\":-1.5e3}", "2001:DB8::1");
	LIST("{\"a\":{},\"b\":[],\"CallerIPAddress\":\"::ffff:1.2.3.4\","
	    "\"c\":{\"d\":[1,{\"e\":\"f\"}]}}", "::ffff:1.2.3.4");
	/* Not an address, but the member's text all the same. */
	LIST("{\"CallerIPAddress\":\"1.2.3.4:443\"}", "1.2.3.4:443");
	LIST("{\"CallerIPAddress\":\"not an address\"}", "not an address");
}
END_TEST

/* The three shapes' names; no other spelling. */
START_TEST(list_spellings)
{
	static const char *const none[] = {
		"{\"callerIPAddress\":\"1.2.3.4\"}",
		"{\"CALLERIPADDRESS\":\"1.2.3.4\"}",
		"{\"CallerIpaddress\":\"1.2.3.4\"}",
		"{\"callerIpaddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddres\":\"1.2.3.4\"}",
		"{\"callerIpAddres\":\"1.2.3.4\"}",
		"{\"CallerIPAddressX\":\"1.2.3.4\"}",
		"{\"XcallerIpAddress\":\"1.2.3.4\"}",
		"{\"CallerIpAddress \":\"1.2.3.4\"}",
		"{\"callerIPaddress\":\"1.2.3.4\"}",
		"{\"ClientIP\":\"1.2.3.4\",\"CallerIP\":\"1.2.3.4\"}",
	};

	LIST("{" RL ",\"callerIpAddress\":\"104.40.82.76\"}",
	    "104.40.82.76");
	LIST("{" AZ ",\"CallerIpAddress\":\"104.40.82.76\"}",
	    "104.40.82.76");
	LIST("{\"CallerIPAddress\":\"1.1.1.1\",\"callerIpAddress\":"
	    "\"2.2.2.2\",\"CallerIpAddress\":\"3.3.3.3\"}", "1.1.1.1",
	    "2.2.2.2", "3.3.3.3");
	LIST("{\"CallerIpAddress\":\"3.3.3.3\",\"callerIpAddress\":"
	    "\"2.2.2.2\",\"CallerIPAddress\":\"1.1.1.1\"}", "3.3.3.3",
	    "2.2.2.2", "1.1.1.1");
	assert_empties(none, NELEM(none));
}
END_TEST

START_TEST(list_empty_value)
{
	const char *line = "{\"a\":\"x\",\"CallerIPAddress\":\"\"}";
	struct sres sr = scan_s(line);

	ck_assert_int_eq(sr.r, SCAN_OK);
	ck_assert_uint_eq(sr.n, 1);
	ck_assert_uint_eq(sr.len[0], 0);
	ck_assert_uint_eq(sr.off[0], strlen(line) - 2);
	LIST("{\"records\":[{\"callerIpAddress\":\"\"},{\"CallerIpAddress\":"
	    "\"1.2.3.4\"}]}", "", "1.2.3.4");
}
END_TEST

/* The list is in line order, and duplicates are not unsure: both count. */
START_TEST(list_order_duplicates)
{
	LIST("{\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
	    "\"5.6.7.8\"}", "1.2.3.4", "5.6.7.8");
	LIST("{\"CallerIPAddress\":\"5.6.7.8\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "5.6.7.8", "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "1.2.3.4", "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"1.2.3.4\",\"a\":1,"
	    "\"CallerIPAddress\":null}", "1.2.3.4");
	LIST("{\"CallerIPAddress\":null,\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "", "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":{}}",
	    "1.2.3.4");
	EMPTY("{\"CallerIPAddress\":7,\"CallerIPAddress\":8}");
	/* Depth 1 and depth 3 interleave in line order. */
	LIST("{\"CallerIPAddress\":\"1.1.1.1\",\"records\":["
	    "{\"callerIpAddress\":\"2.2.2.2\"},{\"CallerIpAddress\":"
	    "\"3.3.3.3\",\"callerIpAddress\":\"4.4.4.4\"}],"
	    "\"CallerIPAddress\":\"5.5.5.5\"}", "1.1.1.1", "2.2.2.2",
	    "3.3.3.3", "4.4.4.4", "5.5.5.5");
	/* Two records with the same address: listed twice. */
	LIST("{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"},"
	    "{\"callerIpAddress\":\"1.2.3.4\"}]}", "1.2.3.4", "1.2.3.4");
}
END_TEST

START_TEST(whitespace)
{
	LIST("{ \"CallerIPAddress\" : \"1.2.3.4\" }", "1.2.3.4");
	LIST("{\"a\" :1 ,\"CallerIPAddress\"\t:\t\"1.2.3.4\"\t,\"b\": 2}",
	    "1.2.3.4");
	LIST("{\r\n  \"a\": [ 1 , 2 ] ,\r\n  \"CallerIPAddress\":\n"
	    "\"1.2.3.4\"\r\n}", "1.2.3.4");
	LIST("  \t{\"CallerIPAddress\":\"1.2.3.4\"}\t  ", "1.2.3.4");
	/* CRLF residue after the object. */
	LIST("{\"CallerIPAddress\":\"1.2.3.4\"}\r", "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"1.2.3.4\"}\r\n", "1.2.3.4");
	LIST("{\"x\":true\t,\"y\":null\n,\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	/* yajl reads form feed and vertical tab as white space too. */
	LIST("{\"CallerIPAddress\":\f\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"CallerIPAddress\"\v:\v\"1.2.3.4\"\f}", "1.2.3.4");
	LIST("\f{\"a\":1\v,\"CallerIPAddress\":\"1.2.3.4\"}\v", "1.2.3.4");
	LIST("{\"a\":\"\\/\",\"CallerIPAddress\":\f\"1.2.3.4\"}", "1.2.3.4");
	EMPTY("{\"CallerIPAddress\":\fnull}");
	EMPTY("{\"a\":\"\\/\",\"CallerIPAddress\":\v7}");
	/* Around and inside an envelope. */
	LIST(" {\f\"records\"\v:\f[\v{\f\"callerIpAddress\"\v:\f\"1.2.3.4\"\v}"
	    " ,\r\n{ \"CallerIpAddress\" : \"5.6.7.8\" } ] } \r",
	    "1.2.3.4", "5.6.7.8");
	LIST("{\"records\":[{\"a\":\"\\/\",\"callerIpAddress\":\v\"1.2.3.4\"}"
	    "]}", "1.2.3.4");
}
END_TEST

START_TEST(name_in_string_value)
{
	static const char *const none[] = {
		"{\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
		    "\\\"1.2.3.4\\\"\"}",
		"{\"ResultDescription\":\"CallerIPAddress\"}",
		"{\"a\":\"{\\\"CallerIPAddress\\\":\\\"1.2.3.4\\\"}\"}",
		"{\"a\":\"\\\",\\\"CallerIPAddress\\\":\\\"1.2.3.4\"}",
		"{\"a\":\"callerIpAddress\",\"b\":[\"CallerIpAddress\","
		    "\"1.2.3.4\"]}",
		"{\"records\":[\"CallerIPAddress\",\"1.2.3.4\"]}",
		"{\"records\":[{\"a\":\"\\\"callerIpAddress\\\":"
		    "\\\"1.2.3.4\\\"\"}]}",
		/* No backslash. */
		"{\"a\":\"CallerIPAddress:\",\"b\":\"1.2.3.4\"}",
		"{\"records\":[{\"a\":\"{ callerIpAddress: 1.2.3.4 }\"}]}",
	};

	assert_empties(none, NELEM(none));
	LIST("{\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
	    "\\\"5.6.7.8\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"1.2.3.4\",\"ResultDescription\":"
	    "\"\\\"CallerIPAddress\\\":\\\"5.6.7.8\\\"\"}", "1.2.3.4");
	/* A value that is the member name: not a key. */
	LIST("{\"k\":\"CallerIPAddress\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	LIST("{\"records\":[{\"k\":\"callerIpAddress\",\"callerIpAddress\":"
	    "\"1.2.3.4\"}]}", "1.2.3.4");
}
END_TEST

/*
 * Members of the names at depths other than 1, 3 and 5 are not listed: at
 * 2 (a member of a record's member, or of an envelope's member), at 4 (a
 * member of a record's member in an envelope) and at 6 and deeper.
 * Depths 3 and 5 are listed wherever they are, envelope or not (an extra
 * address is harmless).
 */
START_TEST(depth_decoys)
{
	static const char *const none[] = {
		"{\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}}",
		"{\"p\":[[{\"CallerIPAddress\":\"1.2.3.4\"}],{}]}",
		"{\"p\":{\"q\":{\"r\":{\"CallerIPAddress\":\"1.2.3.4\"}}},"
		    "\"s\":2}",
		"{\"identity\":{\"callerIpAddress\":\"1.2.3.4\"}}",
		"{\"records\":[{\"properties\":{\"callerIpAddress\":"
		    "\"1.2.3.4\"}}]}",
		"{\"records\":[[{\"CallerIPAddress\":\"1.2.3.4\"}]]}",
		"{\"records\":[{\"p\":{\"q\":{\"r\":{\"CallerIPAddress\":"
		    "\"1.2.3.4\"}}}}]}",
		"{\"p\":{\"CallerIpAddress\":\"1.2.3.4\"},\"records\":[]}",
	};

	assert_empties(none, NELEM(none));
	LIST("{\"p\":{\"CallerIPAddress\":\"5.6.7.8\"},"
	    "\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"1.2.3.4\",\"p\":[[{"
	    "\"CallerIPAddress\":\"5.6.7.8\"}]]}", "1.2.3.4");
	/* Depth 3 outside an envelope is listed too. */
	LIST("{\"p\":[{\"CallerIPAddress\":\"1.2.3.4\"}]}", "1.2.3.4");
	LIST("{\"p\":{\"q\":{\"CallerIPAddress\":\"1.2.3.4\"}}}", "1.2.3.4");
	LIST("{\"p\":[{\"callerIpAddress\":\"1.2.3.4\"}]}", "1.2.3.4");
	/* Depth 5: the records of an envelope in an envelope's array. */
	LIST("{\"records\":[{\"p\":[{\"CallerIpAddress\":\"1.2.3.4\"}]}]}",
	    "1.2.3.4");
	LIST("{\"records\":[{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"},"
	    "{\"p\":{\"callerIpAddress\":\"9.9.9.9\"}}]}]}", "1.2.3.4");
	/* Decoys at 2, 4 and 6 around the records of an envelope. */
	LIST("{\"p\":{\"CallerIPAddress\":\"9.9.9.9\"},\"records\":["
	    "{\"properties\":{\"callerIpAddress\":\"9.9.9.9\"},"
	    "\"callerIpAddress\":\"1.2.3.4\",\"identity\":{\"claim\":"
	    "{\"x\":{\"CallerIpAddress\":\"9.9.9.9\"}}}}]}", "1.2.3.4");
	/* Brackets and braces in strings inside a nested value. */
	LIST("{\"p\":{\"x\":\"}}]]{\",\"y\":[\"]\",\"{\"]},"
	    "\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"p\":[\"\\\"]}\",{\"q\":\"\\\\\"}],"
	    "\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"records\":[{\"x\":\"]}[{\",\"callerIpAddress\":\"1.2.3.4\"},"
	    "{\"y\":\"{{{\",\"CallerIpAddress\":\"5.6.7.8\"}]}", "1.2.3.4",
	    "5.6.7.8");
}
END_TEST

/* Envelopes: records in order, whatever their shape and their company. */
START_TEST(envelopes)
{
	LIST("{\"records\":[{" RL ",\"callerIpAddress\":\"1.1.1.1\"},{" VT
	    ",\"CallerIPAddress\":\"2.2.2.2\"},{" AZ ",\"CallerIpAddress\":"
	    "\"3.3.3.3\"}]}", "1.1.1.1", "2.2.2.2", "3.3.3.3");
	EMPTY("{\"records\":[]}");
	EMPTY("{ \"records\" : [ ] }");
	EMPTY("{\"records\":[{},{}]}");
	/* Non-object elements: passed over by the parse, not listed here. */
	LIST("{\"records\":[1,\"callerIpAddress\",null,{\"callerIpAddress\":"
	    "\"1.2.3.4\"},[],true]}", "1.2.3.4");
	/* A STIX-style container, and members beside the records. */
	LIST("{\"objects\":[{\"callerIpAddress\":\"1.2.3.4\"}]}", "1.2.3.4");
	LIST("{\"type\":\"x\",\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}],"
	    "\"n\":2}", "1.2.3.4");
	/* Not a container, but depth 3 is listed all the same. */
	LIST("{\"Records\":[{\"callerIpAddress\":\"1.2.3.4\"}]}", "1.2.3.4");
	LIST("{\"records\":{\"a\":{\"callerIpAddress\":\"1.2.3.4\"}}}",
	    "1.2.3.4");
	/* An object value of the records' member: depth 2. */
	EMPTY("{\"records\":{\"callerIpAddress\":\"1.2.3.4\"}}");
	/* The sample of SPEC.md 5, shortened. */
	LIST("{\"records\":[{\"time\":\"2016-01-05T01:32:01.2691226Z\","
	    "\"resourceId\":\"/SUBSCRIPTIONS/AAAA/RESOURCEGROUPS/G/PROVIDERS/"
	    "MICROSOFT.KEYVAULT/VAULTS/CONTOSOKEYVAULT\",\"operationName\":"
	    "\"VaultGet\",\"callerIpAddress\":\"104.40.82.76\",\"identity\":"
	    "{\"claim\":{\"http://schemas.microsoft.com/identity/claims/"
	    "objectidentifier\":\"d9da5048\",\"appid\":\"0000\"}},"
	    "\"properties\":{\"clientInfo\":\"azure-resource-manager/2.0\","
	    "\"id\":\"https://contosokeyvault.vault.azure.net/\","
	    "\"httpStatusCode\":200}}]}", "104.40.82.76");
}
END_TEST

START_TEST(escapes_skipped)
{
	/* "a\\\\" is a\\: the last quote closes it. */
	LIST("{\"a\":\"a\\\\\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	LIST("{\"a\":\"x\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"a\":\"\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"a\":\"\\\\\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	LIST("{\"a\":\"\\u0022\\n\\t\\/\\b\\f\\r\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"CallerIPAddress\":\"1.2.3.4\",\"a\":\"\\\\\"}", "1.2.3.4");
	LIST("{\"records\":[{\"a\":\"\\\\\",\"callerIpAddress\":\"1.2.3.4\","
	    "\"b\":\"\\\"}\"},{\"c\":[\"\\\\\\\"]\"],\"callerIpAddress\":"
	    "\"5.6.7.8\"}]}", "1.2.3.4", "5.6.7.8");
	/* An escaped quote that would end the string if it were not. */
	EMPTY("{\"a\":\"\\\",\\\"CallerIPAddress\\\":\\\"1.2.3.4\\\"\"}");
}
END_TEST

/*
 * A key spelled with escapes might be one of the names: at depth 1, 3 or 5,
 * any escaped key makes the answer unsure.  At other depths it cannot be
 * a record's caller member and the answer stays certain.
 */
START_TEST(escape_in_key)
{
	static const char *const unsure[] = {
		"{\"Caller\\u0049PAddress\":\"1.2.3.4\"}",
		"{\"\\u0043allerIPAddress\":\"1.2.3.4\"}",
		"{\"caller\\u0049pAddress\":\"1.2.3.4\"}",
		"{\"CallerIpAddres\\u0073\":\"1.2.3.4\"}",
		"{\"Caller\\u0049PAddress\":\"1.2.3.4\","
		    "\"CallerIPAddress\":\"5.6.7.8\"}",
		"{\"CallerIPAddress\":\"5.6.7.8\","
		    "\"Caller\\u0049PAddress\":\"1.2.3.4\"}",
		"{\"a\\\"b\":1,\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"a\\\\\":1,\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"a\\nb\":1}",
		"{\"x\":1,\"\\/\":2}",
		/* "records" itself spelled with an escape. */
		"{\"record\\u0073\":[{\"callerIpAddress\":\"1.2.3.4\"}]}",
		/* Depth 3: in a record of an envelope, or nested. */
		"{\"records\":[{\"caller\\u0049pAddress\":\"1.2.3.4\"}]}",
		"{\"records\":[{\"callerIpAddress\":\"5.6.7.8\"},"
		    "{\"\\u0043allerIpAddress\":\"1.2.3.4\"}]}",
		"{\"records\":[{\"a\\/b\":1,\"callerIpAddress\":\"1.2.3.4\"}]}",
		"{\"p\":{\"q\":{\"x\\ty\":1}}}",
		"{\"p\":[{\"\\u0041\":1}]}",
		/* Depth 5: in a record of an envelope in an envelope. */
		"{\"records\":[{\"records\":[{\"caller\\u0049pAddress\":"
		    "\"1.2.3.4\"}]}]}",
		"{\"records\":[{\"p\":{\"a\\nb\":{\"c\\td\":1}}}]}",
	};

	assert_results(unsure, NELEM(unsure), SCAN_UNSURE);
	/* Depth 2 and 4: still certain. */
	LIST("{\"p\":{\"Caller\\u0049PAddress\":\"9.9.9.9\"},"
	    "\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	LIST("{\"p\":{\"a\\\"b\":1,\"c\\\\\":2},\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "1.2.3.4");
	EMPTY("{\"p\":{\"\\u0043allerIPAddress\":\"1.2.3.4\"}}");
	LIST("{\"p\":{\"x\\/\":1},\"records\":[{\"callerIpAddress\":"
	    "\"1.2.3.4\"}]}", "1.2.3.4");
	LIST("{\"records\":[{\"properties\":{\"caller\\u0049pAddress\":"
	    "\"9.9.9.9\"},\"callerIpAddress\":\"1.2.3.4\"}]}", "1.2.3.4");
	EMPTY("{\"records\":[{\"p\":{\"a\\nb\":[[{\"c\\td\":1}]]}}]}");
	/* Escapes in a value at depth 1 or 3: not keys. */
	LIST("{\"a\":\"x\\ny\",\"records\":[{\"b\":\"\\u0041\","
	    "\"callerIpAddress\":\"1.2.3.4\"}]}", "1.2.3.4");
}
END_TEST

START_TEST(escape_in_address_unsure)
{
	static const char *const unsure[] = {
		"{\"CallerIPAddress\":\"1.2.3.\\u0034\"}",
		"{\"CallerIPAddress\":\"\\u0031.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\\/32\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\\\\\"}",
		"{\"CallerIPAddress\":\"\\\"\"}",
		"{\"callerIpAddress\":\"1.2.3.\\u0034\"}",
		"{\"CallerIpAddress\":\"1.2.3.\\u0034\"}",
		"{\"CallerIPAddress\":\"5.6.7.8\",\"CallerIPAddress\":"
		    "\"1.2.3.\\u0034\"}",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.\\u0034\"}]}",
		"{\"records\":[{\"callerIpAddress\":\"5.6.7.8\"},"
		    "{\"CallerIpAddress\":\"\\u0032001:db8::1\"}]}",
	};

	assert_results(unsure, NELEM(unsure), SCAN_UNSURE);
	/* At depth 2 an escaped address is no caller address. */
	LIST("{\"p\":{\"CallerIPAddress\":\"1.2.3.\\u0034\"},"
	    "\"CallerIPAddress\":\"5.6.7.8\"}", "5.6.7.8");
}
END_TEST

/* A value that is not a string is no address, and is not listed. */
START_TEST(non_string_not_listed)
{
	static const char *const none[] = {
		"{\"CallerIPAddress\":null}",
		"{\"CallerIPAddress\":1234}",
		"{\"CallerIPAddress\":-1.5e3," VT "}",
		"{\"CallerIPAddress\":true}",
		"{\"CallerIPAddress\":false }",
		"{" VT ",\"CallerIPAddress\" : null }",
		"{\"CallerIPAddress\":{\"a\":\"1.2.3.4\"}}",
		"{\"CallerIPAddress\":[\"1.2.3.4\"]}",
		"{\"CallerIPAddress\":[]}",
		"{\"CallerIPAddress\":{}}",
		"{\"records\":[{\"callerIpAddress\":null},{\"CallerIpAddress\""
		    ":16909060},{\"CallerIPAddress\":[\"1.2.3.4\"]},"
		    "{\"callerIpAddress\":{\"x\":\"1.2.3.4\"}}]}",
		/* A name as the value's own member: depth 2 or 4. */
		"{\"CallerIPAddress\":{\"CallerIPAddress\":\"1.2.3.4\"}}",
		("{\"records\":[{\"callerIpAddress\":{\"callerIpAddress\":"
		    "\"1.2.3.4\"}}]}"),
	};

	assert_empties(none, NELEM(none));
	LIST("{\"CallerIPAddress\":null,\"records\":[{\"callerIpAddress\":"
	    "false},{\"callerIpAddress\":\"1.2.3.4\"}],\"CallerIpAddress\":"
	    "[\"5.6.7.8\"]}", "1.2.3.4");
}
END_TEST

START_TEST(no_member)
{
	static const char *const none[] = {
		"{}",
		"{ }",
		"{" VT "}",
		"{" RL "}",
		"{" AZ "}",
		"{\"\":\"1.2.3.4\"}",
		"{\"resourceId\":\"x\",\"callerIP\":\"1.2.3.4\"}",
	};

	assert_empties(none, NELEM(none));
}
END_TEST

START_TEST(framing_unsure)
{
	static const char *const unsure[] = {
		"",
		"   ",
		"\r",
		"[{\"CallerIPAddress\":\"1.2.3.4\"}]",
		("[{\"callerIpAddress\":\"1.2.3.4\"},{\"callerIpAddress\":"
		    "\"5.6.7.8\"}]"),
		"[]",
		"\"CallerIPAddress\"",
		"x{\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\"}x",
		"{\"CallerIPAddress\":\"1.2.3.4\"",
		"\xef\xbb\xbf{\"CallerIPAddress\":\"1.2.3.4\"}",
		"{",
		"}",
		/* Unbalanced or unterminated inside the braces. */
		"{\"CallerIPAddress\":\"1.2.3.4}",
		"{\"CallerIPAddress\":\"1.2.3.4\"}}",
		"{\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}}",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}]",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}]}]}",
	};

	assert_results(unsure, NELEM(unsure), SCAN_UNSURE);
}
END_TEST

/*
 * Invalid JSON between braces may get any answer (scan.h), but a listed
 * span must still be the text between two quotes of the line.
 */
START_TEST(invalid_inside_braces)
{
	static const char *const lines[] = {
		"{CallerIPAddress:\"1.2.3.4\"}",
		"{'CallerIPAddress':'1.2.3.4'}",
		"{\"CallerIPAddress\"}",
		"{\"CallerIPAddress\" \"1.2.3.4\"}",
		"{\"CallerIPAddress\":}",
		"{\"CallerIPAddress\": }",
		"{\"CallerIPAddress\":\"1.2.3.4\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\" \"a\":1}",
		"{\"a\":{\"b\":1},\"CallerIPAddress\":\"1.2.3.4\"/*c*/}",
		"{\"CallerIPAddress\":\"1.2.3.4\",}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"x\":tru}",
		"{\"x\":[},\"CallerIPAddress\":\"1.2.3.4\"]}",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"},]}",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}}]",
		"{\"records\":{[\"callerIpAddress\":\"1.2.3.4\"]}}",
	};
	struct sres sr;
	size_t	 i, k;

	for (i = 0; i < NELEM(lines); i++) {
		sr = scan_s(lines[i]);
		for (k = 0; k < sr.n; k++) {
			ck_assert_msg(sr.off[k] > 0 &&
			    lines[i][sr.off[k] - 1] == '"' &&
			    lines[i][sr.off[k] + sr.len[k]] == '"', "%s",
			    lines[i]);
			ck_assert_msg(sr.len[k] == 7 && memcmp(lines[i] +
			    sr.off[k], "1.2.3.4", 7) == 0, "%s", lines[i]);
		}
	}
}
END_TEST

/*
 * Content after the object: the tokenizer must not stop at balanced
 * brackets but notice the object closing before the line's last '}'.
 */
START_TEST(trailing_content_unsure)
{
	static const char *const unsure[] = {
		"{\"CallerIPAddress\":\"1.2.3.4\"} {\"a\":1}",
		"{\"a\":1} {\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\"},{}",
		"{\"a\":1}{\"CallerIPAddress\":\"1.2.3.4\"}",
		"{}{}",
		"{\"records\":[]}{\"callerIpAddress\":\"1.2.3.4\"}",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}]} {}",
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}]}]}",
		"{\"a\":1}]{\"CallerIPAddress\":\"1.2.3.4\"}",
	};

	assert_results(unsure, NELEM(unsure), SCAN_UNSURE);
}
END_TEST

/* The same with a backslash in the line, which selects scan_scalar(). */
START_TEST(trailing_content_unsure_scalar)
{
	static const char *const unsure[] = {
		"{\"CallerIPAddress\":\"1.2.3.4\"} {\"a\":\"\\/\"}",
		"{\"a\":\"\\/\"} {\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"a\":\"\\/\"},{}",
		"{\"a\":\"\\/\"}{\"CallerIPAddress\":\"1.2.3.4\"}",
		("{\"records\":[{\"a\":\"\\/\"}]} {\"callerIpAddress\":"
		    "\"1.2.3.4\"}"),
		"{\"records\":[{\"callerIpAddress\":\"1.2.3.4\"}]}{\"a\":"
		    "\"\\/\"}",
	};

	assert_results(unsure, NELEM(unsure), SCAN_UNSURE);
}
END_TEST

/* Only the len bytes count: what follows them is not read. */
START_TEST(length_respected)
{
	static const char line[] = "{\"CallerIPAddress\":\"1.2.3.4\"}"
	    ",\"CallerIPAddress\":\"5.6.7.8\"}";
	static const char nul[] = "{\"a\":\"\0\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}";
	struct scan_hit hits[SCAN_MAXHITS];
	size_t	 nhits, n = (size_t)(strchr(line, '}') - line) + 1;
	struct sres sr;

	ck_assert_int_eq(scan_callers(line, n, hits, &nhits), SCAN_OK);
	ck_assert_uint_eq(nhits, 1);
	ck_assert_ptr_eq(hits[0].p, line + 20);
	ck_assert_uint_eq(hits[0].len, 7);
	/* A NUL inside the line is just a byte. */
	sr = scan_n(nul, sizeof(nul) - 1);
	ck_assert_int_eq(sr.r, SCAN_OK);
	ck_assert_uint_eq(sr.n, 1);
	ck_assert_uint_eq(sr.off[0], 28);
	ck_assert_uint_eq(sr.len[0], 7);
}
END_TEST

/* The quick answer for a C string (checked against the exact one). */
static struct sres
quick_s(const char *line)
{
	struct sres qk;

	(void)scan_both(line, strlen(line), &qk);
	return qk;
}

/* Check that the quick pass lists exactly the given addresses. */
static void
assert_quick(const char *line, size_t n, const char *const *want)
{
	struct sres qk = quick_s(line);
	size_t	 i;

	ck_assert_msg(qk.r == SCAN_OK, "%s: quick pass %s", line,
	    rname(qk.r));
	ck_assert_msg(qk.n == n, "%s: %zu addresses, want %zu", line, qk.n,
	    n);
	for (i = 0; i < n; i++)
		ck_assert_msg(qk.len[i] == strlen(want[i]) && memcmp(line +
		    qk.off[i], want[i], qk.len[i]) == 0, "%s: address %zu",
		    line, i);
}

#define QUICK(line, ...)	do {					\
	static const char *const w_[] = { __VA_ARGS__ };		\
	assert_quick((line), NELEM(w_), w_);				\
} while (0)

/*
 * The quick pass lists members of the names wherever their text stands:
 * at depth 2 and 4 too, and after an escaped quote inside a string value
 * (text the exact scanner knows is no key).  Extra addresses only cost a
 * full parse when they are in the index.
 */
START_TEST(quick_superset)
{
	QUICK("{\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}}", "1.2.3.4");
	QUICK("{\"records\":[{\"properties\":{\"callerIpAddress\":"
	    "\"9.9.9.9\"},\"callerIpAddress\":\"1.2.3.4\"}]}", "9.9.9.9",
	    "1.2.3.4");
	QUICK("{\"a\":\"x\\\"CallerIPAddress\":\"5.6.7.8\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "5.6.7.8", "1.2.3.4");
	QUICK("{\"CallerIPAddress\":{\"CallerIPAddress\":\"1.2.3.4\"}}",
	    "1.2.3.4");
	/* Content after the object: not looked at. */
	QUICK("{\"a\":1} {\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	assert_quick("{}{}", 0, NULL);
}
END_TEST

/*
 * A backslash that does not start a \u escape cannot make a key spell one
 * of the names, so the quick pass reads on: escaped quotes and slashes in
 * values (which the exact scanner reads too) and content after the
 * object (which makes the exact scanner unsure).
 */
START_TEST(quick_other_escapes)
{
	static const char *const lines[] = {
		"{\"a\":\"\\/\"} {\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"a\":\"\\/\"},{}",
		("{\"records\":[{\"a\":\"\\/\"}]} {\"callerIpAddress\":"
		    "\"1.2.3.4\"}"),
	};
	size_t	 i;

	for (i = 0; i < NELEM(lines); i++) {
		assert_result(lines[i], SCAN_UNSURE);	/* The exact one. */
		QUICK(lines[i], "1.2.3.4");
	}
	QUICK("{\"requestUri_s\":\"https:\\/\\/kv.vault.azure.net\\/keys\","
	    "\"ResultDescription\":\"a \\\"quoted\\\" word\\\\\","
	    "\"CallerIPAddress\":\"203.0.113.7\",\"b\":\"\\t\\n\"}",
	    "203.0.113.7");
	/* Escapes that are no ASCII letter: read on. */
	QUICK("{\"m\":\"the application \\u0027x\\u0027 \\u00e9\\u2019\\u0000\"}"
	    " {\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	QUICK("{\"m\":\"\\u003a\\u0080\\u01\",\"CallerIPAddress\":\"1.2.3.4\"}"
	    " {}", "1.2.3.4");
	/* Escapes that may be letters: the exact scanner's answer. */
	ck_assert_int_eq(quick_s("{\"m\":\"\\u0041\"} {\"CallerIPAddress\":"
	    "\"1.2.3.4\"}").r, SCAN_UNSURE);
	ck_assert_int_eq(quick_s("{\"m\":\"\\u007F\"} {\"CallerIPAddress\":"
	    "\"1.2.3.4\"}").r, SCAN_UNSURE);
	ck_assert_int_eq(quick_s("{\"CallerIPAddress\":\"1.2.3.4\"} {\\u0}").r,
	    SCAN_UNSURE);
	/* "\\\\u0041" is an escaped backslash, but the pass does not know. */
	ck_assert_int_eq(quick_s("{\"a\":\"\\\\u0041\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"} x").r, SCAN_UNSURE);
}
END_TEST

/*
 * The key, a decoy, and a \u escape at every offset, so that each falls
 * in every lane of the vectors, across steps and in the padded tail.
 */
START_TEST(quick_offsets)
{
	char	 line[1024], pad[300];
	size_t	 n, k;

	for (n = 0; n < 200; n++) {
		for (k = 0; k < n; k++)
			pad[k] = "x{[C}]: ,\"C\"c"[k % 12];
		pad[n] = '\0';
		snprintf(line, sizeof(line), "{\"pad\":\"%s\",\"CallerIPAddress\""
		    ":\"203.0.113.7\"}", pad);
		QUICK(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"CallerIPAddress\":"
		    "\"203.0.113.7\",\"pad\":\"%s\"}", pad);
		QUICK(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"pad\":\"%s\",\"CallerIPAddress\""
		    ":7}", pad);
		assert_quick(line, 0, NULL);
		snprintf(line, sizeof(line), "{\"pad\":\"%s\",\"p\":{"
		    "\"callerIpAddress\":\"9.9.9.9\"},\"CallerIPAddress\":"
		    "\"1.2.3.4\"}", pad);
		QUICK(line, "9.9.9.9", "1.2.3.4");
		/* A \u escaped key after the pad: the exact answer. */
		snprintf(line, sizeof(line), "{\"CallerIPAddress\":\"1.2.3.4\","
		    "\"pad\":\"%.*s\",\"Caller\\u0049PAddress\":\"5.6.7.8\"}",
		    (int)strcspn(pad, "\""), pad);
		ck_assert_int_eq(quick_s(line).r, SCAN_UNSURE);
		snprintf(line, sizeof(line), "{\"pad\":\"%.*s\",\"x\":"
		    "\"\\u0041\",\"CallerIPAddress\":\"1.2.3.4\"}",
		    (int)strcspn(pad, "\""), pad);
		QUICK(line, "1.2.3.4");
		/* A backslash and a 'u' one byte apart: no escape. */
		snprintf(line, sizeof(line), "{\"pad\":\"%s\\/u\","
		    "\"CallerIPAddress\":\"1.2.3.4\"} {}", pad);
		QUICK(line, "1.2.3.4");
	}
}
END_TEST

/* A growing byte buffer for generated lines. */
struct buf {
	char	*p;
	size_t	 len, cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? 2 * b->cap : 256;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void putf(struct buf *, const char *, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
putf(struct buf *b, const char *fmt, ...)
{
	char	 tmp[256];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof(tmp));
	put(b, tmp, (size_t)n);
}

/*
 * SCAN_MAXHITS addresses are listed; one more is unsure.  Built with
 * members at depth 1 or with records of an envelope, with and without a
 * backslash.
 */
static void
many(struct buf *b, size_t n, int envelope, int backslash)
{
	size_t	 i;

	b->len = 0;
	puts_(b, envelope ? "{\"records\":[" : "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(b, ",");
		putf(b, envelope ? "{\"%s\":\"10.0.%zu.%zu\",\"p\":{\"%s\":"
		    "\"9.9.9.9\"}}" : "\"%s\":\"10.0.%zu.%zu\",\"p\":{\"%s\":"
		    "\"9.9.9.9\"}", names[i % 3], i / 256, i % 256,
		    names[i % 3]);
	}
	/* A string with an escape: a record's member, or an element. */
	if (backslash)
		puts_(b, envelope ? ",\"\\/\"" : ",\"zz\":\"\\/\"");
	puts_(b, envelope ? "]}" : "}");
}

START_TEST(maxhits)
{
	struct buf b = { NULL, 0, 0 };
	struct sres sr;
	char	 want[32];
	size_t	 i;
	int	 env, bs;

	ck_assert_int_eq(SCAN_MAXHITS, 64);
	for (env = 0; env < 2; env++)
		for (bs = 0; bs < 2; bs++) {
			many(&b, SCAN_MAXHITS, env, bs);
			sr = scan_n(b.p, b.len);
			ck_assert_msg(sr.r == SCAN_OK, "env %d bs %d: %s",
			    env, bs, rname(sr.r));
			ck_assert_uint_eq(sr.n, SCAN_MAXHITS);
			for (i = 0; i < sr.n; i++) {
				snprintf(want, sizeof(want), "10.0.%zu.%zu",
				    i / 256, i % 256);
				ck_assert_msg(sr.len[i] == strlen(want) &&
				    memcmp(b.p + sr.off[i], want, sr.len[i])
				    == 0, "env %d bs %d: hit %zu", env, bs, i);
			}
			many(&b, SCAN_MAXHITS + 1, env, bs);
			ck_assert_msg(scan_n(b.p, b.len).r == SCAN_UNSURE,
			    "env %d bs %d: %d addresses", env, bs,
			    SCAN_MAXHITS + 1);
			many(&b, 3 * SCAN_MAXHITS, env, bs);
			ck_assert_int_eq(scan_n(b.p, b.len).r, SCAN_UNSURE);
		}
	/* SCAN_MAXHITS, and then a member that is no address. */
	many(&b, SCAN_MAXHITS, 0, 0);
	b.len--;
	puts_(&b, ",\"CallerIPAddress\":null}");
	sr = scan_n(b.p, b.len);
	ck_assert(sr.r == SCAN_UNSURE || sr.n == SCAN_MAXHITS);
	free(b.p);
}
END_TEST

/*
 * Put the key, and the traps around it, at every offset across 64-byte
 * boundaries, with the line's end at every offset too.
 */
START_TEST(block_offsets)
{
	char	 line[1024], pad[300];
	size_t	 n, k;

	for (n = 0; n < 260; n++) {
		for (k = 0; k < n; k++)
			pad[k] = "x{[C}]: ,c"[k % 10];
		pad[n] = '\0';
		snprintf(line, sizeof(line), "{\"pad\":\"%s\",\"n\":{\"a\":"
		    "[1,{\"CallerIPAddress\":\"9.9.9.9\"}]},\"CallerIPAddress\""
		    ":\"203.0.113.7\",\"z\":\"CallerIPAddress\"}", pad);
		LIST(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"pad\":\"%s\","
		    "\"CallerIPAddress\":\"203.0.113.7\"}", pad);
		LIST(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"CallerIPAddress\" : "
		    "\"203.0.113.7\", \"pad\":\"%s\"}", pad);
		LIST(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"pad\":\"%s\",\"n\":"
		    "{\"CallerIPAddress\":\"9.9.9.9\"},\"m\":"
		    "\"CallerIPAddress\"}", pad);
		EMPTY(line);
		snprintf(line, sizeof(line), "{\"pad\":\"%s\","
		    "\"CallerIPAddress\":null}", pad);
		EMPTY(line);
		snprintf(line, sizeof(line), "{\"CallerIPAddress\":\"1.2.3.4\","
		    "\"pad\":\"%s\",\"CallerIPAddress\":\"9.9.9.9\"}", pad);
		LIST(line, "1.2.3.4", "9.9.9.9");
		/* Envelopes: depth 3 listed, depth 2 and 4 not. */
		snprintf(line, sizeof(line), "{\"records\":[{\"pad\":\"%s\","
		    "\"callerIpAddress\":\"203.0.113.7\",\"p\":"
		    "{\"CallerIpAddress\":\"9.9.9.9\"}},{\"CallerIpAddress\":"
		    "\"198.51.100.23\"}],\"q\":{\"CallerIPAddress\":"
		    "\"9.9.9.9\"}}", pad);
		LIST(line, "203.0.113.7", "198.51.100.23");
		snprintf(line, sizeof(line), "{\"p\":{\"callerIpAddress\":"
		    "\"9.9.9.9\",\"x\":\"%s\"},\"records\":[{\"a\":\"%s\"},"
		    "{\"callerIpAddress\":\"203.0.113.7\"}]}", pad,
		    pad + n / 2);
		LIST(line, "203.0.113.7");
		/* The string never ends: its brackets must not count. */
		snprintf(line, sizeof(line), "{\"pad\":\"%s}", pad);
		assert_result(line, SCAN_UNSURE);
		/* The object ends before the line does. */
		snprintf(line, sizeof(line), "{\"pad\":\"%s\"} "
		    "{\"CallerIPAddress\":\"1.2.3.4\"}", pad);
		assert_result(line, SCAN_UNSURE);
		snprintf(line, sizeof(line), "{\"records\":[{\"pad\":\"%s\"}]}"
		    "]{\"CallerIPAddress\":\"1.2.3.4\"}", pad);
		assert_result(line, SCAN_UNSURE);
		/* Every prefix and suffix, from exact heap copies. */
		snprintf(line, sizeof(line), "{\"records\":[{\"pad\":\"%s\","
		    "\"callerIpAddress\":\"203.0.113.7\"}]}", pad);
		for (k = 0; k < strlen(line); k++) {
			ck_assert_msg(scan_n(line, k).r == SCAN_UNSURE,
			    "pad %zu prefix %zu", n, k);
			(void)scan_n(line + k + 1, strlen(line) - k - 1);
		}
	}
}
END_TEST

/* Lines whose every prefix and suffix the Limits tests scan. */
static const char *const prefix_records[] = {
	"{\"TimeGenerated\":\"2026-11-20T12:00:05.1306790Z\","
	    "\"ResourceType\":\"VAULTS\",\"a\":\"x\\\\\\\"y\\u0041\","
	    "\"p\":{\"q\":[1,{\"CallerIPAddress\":\"5.6.7.8\"}],\"r\":\"}]\"},"
	    "\"n\":-1.5e3,\"t\":true,\"z\":null,"
	    "\"CallerIPAddress\" : \"203.0.113.7\" ,\"f\":false}\r",
	" { \"CallerIPAddress\":\"2001:DB8::1\",\"s\":\"\\\\\"}  ",
	"{\"Caller\\u0049PAddress\":\"1.2.3.\\u0034\",\"x\":[[[]]]}",
	/* No backslash. */
	"{\"TimeGenerated\":\"2026-11-20T12:00:05.1306790Z\","
	    "\"ResourceType\":\"VAULTS\",\"ResourceId\":\"/SUBSCRIPTIONS/"
	    "0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV\","
	    "\"p\":{\"q\":[1,{\"CallerIPAddress\":\"5.6.7.8\"}],\"r\":\"}]\"},"
	    "\"s\":\"CallerIPAddress\",\"CallerIPAddress\":\"203.0.113.7\","
	    "\"n\":[{\"a\":\"{{{\"},[]],\"f\":false}",
	/* Envelopes of the three shapes, with and without a backslash. */
	"{\"records\":[{" RL ",\"callerIpAddress\":\"203.0.113.7\","
	    "\"properties\":{\"clientInfo\":\"x}]\",\"callerIpAddress\":"
	    "\"9.9.9.9\"}},{" AZ ",\"CallerIpAddress\":\"198.51.100.23\"},"
	    "{" VT ",\"CallerIPAddress\":\"2001:db8::1\"}]}",
	"{\"records\":[{" RL ",\"a\":\"\\\"}\",\"callerIpAddress\":"
	    "\"203.0.113.7\"}, {\"b\":[\"\\\\\"],\"CallerIpAddress\":"
	    "\"198.51.100.23\"} ]}",
};

START_TEST(every_prefix)
{
	static const char *const whole[][3] = {
		{ "203.0.113.7" },
		{ "2001:DB8::1" },
		{ NULL },
		{ "203.0.113.7" },
		{ "203.0.113.7", "198.51.100.23", "2001:db8::1" },
		{ "203.0.113.7", "198.51.100.23" },
	};
	size_t	 i, n, k, len;
	struct sres sr;

	ck_assert_uint_eq(NELEM(whole), NELEM(prefix_records));
	for (i = 0; i < NELEM(prefix_records); i++) {
		len = strlen(prefix_records[i]);
		for (n = 0; n <= len; n++) {
			sr = scan_n(prefix_records[i], n);
			/*
			 * A prefix that is not the whole object cannot be
			 * answered with certainty.
			 */
			if (n < len && strchr(prefix_records[i] + n, '}') !=
			    NULL)
				ck_assert_msg(sr.r == SCAN_UNSURE,
				    "record %zu, prefix %zu: %s", i, n,
				    rname(sr.r));
		}
		/* The whole lines. */
		sr = scan_n(prefix_records[i], len);
		if (whole[i][0] == NULL) {
			ck_assert_int_eq(sr.r, SCAN_UNSURE);
			continue;
		}
		ck_assert_msg(sr.r == SCAN_OK, "record %zu", i);
		for (k = 0; k < 3 && whole[i][k] != NULL; k++) {
			ck_assert_uint_gt(sr.n, k);
			ck_assert_uint_eq(sr.len[k], strlen(whole[i][k]));
			ck_assert(memcmp(prefix_records[i] + sr.off[k],
			    whole[i][k], sr.len[k]) == 0);
		}
		ck_assert_uint_eq(sr.n, k);
	}
}
END_TEST

/* Every suffix too: a line may start anywhere in a damaged stream. */
START_TEST(every_suffix)
{
	size_t	 i, n, k, len;
	struct sres sr;

	for (i = 0; i < NELEM(prefix_records); i++) {
		len = strlen(prefix_records[i]);
		for (n = 0; n <= len; n++) {
			sr = scan_n(prefix_records[i] + n, len - n);
			for (k = 0; k < sr.n; k++)
				ck_assert_msg(sr.off[k] + sr.len[k] < len - n,
				    "record %zu, suffix %zu", i, n);
		}
	}
}
END_TEST

START_TEST(long_line)
{
	size_t	 n = 1 << 20, i;
	char	*line = malloc(n + 128), *p;
	struct sres sr;

	ck_assert_ptr_nonnull(line);
	p = line;
	p += sprintf(p, "{\"a\":\"");
	for (i = 0; i < n; i++)
		*p++ = i % 97 == 0 ? ' ' : 'x';
	p += sprintf(p, "\",\"CallerIPAddress\":\"1.2.3.4\"}");
	sr = scan_n(line, (size_t)(p - line));
	ck_assert_int_eq(sr.r, SCAN_OK);
	ck_assert_uint_eq(sr.n, 1);
	ck_assert_uint_eq(sr.off[0], (size_t)(p - line) - 9);
	ck_assert_uint_eq(sr.len[0], 7);
	/* The same inside an envelope, after a long record. */
	p = line;
	p += sprintf(p, "{\"records\":[{\"a\":\"");
	for (i = 0; i < n; i++)
		*p++ = "x]}{["[i % 5];
	p += sprintf(p, "\"},{\"callerIpAddress\":\"1.2.3.4\"}]}");
	sr = scan_n(line, (size_t)(p - line));
	ck_assert_int_eq(sr.r, SCAN_OK);
	ck_assert_uint_eq(sr.n, 1);
	ck_assert_uint_eq(sr.off[0], (size_t)(p - line) - 11);
	ck_assert_uint_eq(sr.len[0], 7);
	free(line);
}
END_TEST

START_TEST(deep_nesting)
{
	size_t	 depth = 100000, i;
	char	*line = malloc(2 * depth + 64), *p, *q;
	struct sres sr;

	ck_assert_ptr_nonnull(line);
	p = line;
	p += sprintf(p, "{\"a\":");
	for (i = 0; i < depth; i++)
		*p++ = i % 2 ? '[' : '{';
	/* Not valid JSON; the scanner only counts brackets. */
	q = p;
	for (i = 0; i < depth; i++)
		*p++ = i % 2 ? '}' : ']';
	p += sprintf(p, ",\"CallerIPAddress\":\"1.2.3.4\"}");
	sr = scan_n(line, (size_t)(p - line));
	ck_assert_int_eq(sr.r, SCAN_OK);
	ck_assert_uint_eq(sr.n, 1);
	ck_assert_uint_eq(sr.off[0], (size_t)(p - line) - 9);
	ck_assert_uint_eq(sr.len[0], 7);
	/* One closing bracket short: the value runs to the end. */
	p = q;
	for (i = 1; i < depth; i++)
		*p++ = ']';
	p += sprintf(p, ",\"CallerIPAddress\":\"1.2.3.4\"}");
	sr = scan_n(line, (size_t)(p - line));
	ck_assert_int_eq(sr.r, SCAN_UNSURE);
	free(line);
}
END_TEST

/* What a differential run saw, so that a test can tell it reached far. */
struct diff_counts {
	unsigned	 ok, ok_empty, unsure;	/* Scan answers. */
	unsigned	 ok_event;	/* Events checked against a list. */
	unsigned	 ok_multi;	/* Lines with two or more of them. */
	unsigned	 unsure_event;	/* Events of SCAN_UNSURE lines. */
	unsigned	 malformed;	/* KVREC_MALFORMED. */
	unsigned	 by_name[3];	/* Checked events, by member name. */
};

/* The state of one differential check, for the record callback. */
struct diff_ctx {
	const char	*line;
	const struct sres *sr;		/* The exact answer. */
	const struct sres *sq;		/* The quick pass's. */
	unsigned	 events, checked, bad_status;
	int		 by_name[3];
	char		 msg[256];
};

/*
 * Check the address of an event that how reported against the list,
 * noting the first failure.  Returns 1 when the event was checked (the
 * answer was SCAN_OK).
 */
static int
diff_event(struct diff_ctx *dx, const struct kv_event *ev, const char *how)
{
	const struct sres *l[2] = { dx->sr, dx->sq };
	size_t	 i;
	int	 k, j, checked = 0;

	for (j = 0; j < 2; j++) {
		if (l[j]->r != SCAN_OK)
			continue;
		if (j == 0)
			checked = 1;
		for (i = 0; i < l[j]->n; i++)
			if (l[j]->len[i] == ev->addr_len && memcmp(dx->line +
			    l[j]->off[i], ev->addr_text, ev->addr_len) == 0)
				break;
		if (i < l[j]->n) {
			if (j == 0 &&
			    (k = name_of_hit(dx->line, l[j]->off[i])) >= 0)
				dx->by_name[k] = 1;
			continue;
		}
		if (dx->msg[0] == '\0')
			snprintf(dx->msg, sizeof(dx->msg), "SCAN_OK (%s) with "
			    "%zu addresses but %s has an event with address "
			    "\"%.*s\"", j == 0 ? "exact" : "quick pass",
			    l[j]->n, how, (int)ev->addr_len, ev->addr_text);
	}
	return checked;
}

static int
diff_cb(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct diff_ctx *dx = arg;

	switch (st) {
	case KVREC_EVENT:
		dx->events++;
		dx->checked += diff_event(dx, ev, "kvrec_parse_records");
		break;
	case KVREC_NOT_VAULT:
	case KVREC_NO_ADDRESS:
	case KVREC_NO_TIME:
		break;
	default:
		dx->bad_status++;
		break;
	}
	return 0;
}

/*
 * The differential property.  Return NULL when it holds for the len bytes
 * at s, or a static message saying how it fails.
 */
static const char *
diff_check(struct kvrec *kr, const char *s, size_t len,
    struct diff_counts *dc)
{
	static char	 msg[320];
	struct diff_ctx	 dx;
	struct sres	 sr, sq;
	enum kvrec_status ks;
	char		*p;
	int		 i;

	sr = scan_both(s, len, &sq);
	memset(&dx, 0, sizeof(dx));
	dx.line = s;
	dx.sr = &sr;
	dx.sq = &sq;
	p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	ks = kvrec_parse_records(kr, p, len, diff_cb, &dx);
	free(p);
	if (dx.bad_status > 0)
		return "a record handed over with a status of no record";
	if (dx.msg[0] != '\0') {
		snprintf(msg, sizeof(msg), "%s", dx.msg);
		return msg;
	}
	if (sr.r == SCAN_OK) {
		dc->ok++;
		if (sr.n == 0)
			dc->ok_empty++;
		dc->ok_event += dx.checked;
		if (dx.checked >= 2)
			dc->ok_multi++;
		for (i = 0; i < 3; i++)
			dc->by_name[i] += (unsigned)dx.by_name[i];
	} else {
		dc->unsure++;
		dc->unsure_event += dx.events;
	}
	if (ks == KVREC_MALFORMED)
		dc->malformed++;
	return NULL;
}

/* Check every line of a corpus, reporting all failures at once. */
static void
diff_corpus(const struct line *c, size_t n, struct diff_counts *dc)
{
	struct kvrec *kr = kvrec_new();
	char	 report[4096];
	size_t	 i, off = 0;
	const char *m;
	unsigned bad = 0;

	report[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((m = diff_check(kr, c[i].s, c[i].len, dc)) == NULL)
			continue;
		bad++;
		if (off < sizeof(report))
			off += (size_t)snprintf(report + off, sizeof(report) -
			    off, "\n  line %zu %.*s: %s", i, (int)c[i].len,
			    c[i].s, m);
	}
	kvrec_free(kr);
	ck_assert_msg(bad == 0, "%u of %zu lines break the property:%s", bad,
	    n, report);
}

static const struct line corpus[] = {
	/* Ordinary records, any member order, white space. */
	L("{" VT ",\"CallerIPAddress\":\"203.0.113.7\"}"),
	L("{\"CallerIPAddress\":\"203.0.113.7\"," VT "}"),
	L("{ \"CallerIPAddress\" :\t\"1.2.3.4\" , " VT " }"),
	L("{\r\n\"CallerIPAddress\"\r\n:\r\n\"1.2.3.4\"\r\n,\n" VT "\n}"),
	L("  {" VT ",\"CallerIPAddress\":\"1.2.3.4\"}  "),
	/* The other two shapes, one a line. */
	L("{" RL ",\"callerIpAddress\":\"203.0.113.7\"}"),
	L("{\"callerIpAddress\":\"203.0.113.7\"," RL "}"),
	L("{" AZ ",\"CallerIpAddress\":\"203.0.113.7\"}"),
	L("{\"TimeGenerated\":" TIME ",\"_ResourceId\":\"/subscriptions/s/"
	    "resourcegroups/g/providers/microsoft.keyvault/vaults/v\","
	    "\"CallerIpAddress\":\"203.0.113.7\"}"),
	/* A shape's name in another shape: the shape's own counts. */
	L("{" VT ",\"callerIpAddress\":\"5.6.7.8\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{" RL ",\"CallerIPAddress\":\"5.6.7.8\",\"callerIpAddress\":"
	    "\"1.2.3.4\"}"),
	L("{" AZ ",\"CallerIPAddress\":\"5.6.7.8\",\"CallerIpAddress\":"
	    "\"1.2.3.4\"}"),
	L("{" RL "," VT ",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Envelopes. */
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.1.1.1\"},{" VT
	    ",\"CallerIPAddress\":\"2.2.2.2\"},{" AZ ",\"CallerIpAddress\":"
	    "\"3.3.3.3\"}]}"),
	L("{\"records\":[]}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"},{" RL
	    ",\"callerIpAddress\":\"1.2.3.4\"},{" RL ",\"callerIpAddress\":"
	    "\"2001:db8::1\"}]}"),
	L("{ \"records\" : [ { " AZ " , \"CallerIpAddress\" : \"1.2.3.4\" } ,"
	    " { " VT " , \"CallerIPAddress\" : \"5.6.7.8\" } ] }"),
	L("{\"records\":[1,\"x\",null,{" RL ",\"callerIpAddress\":"
	    "\"1.2.3.4\"},[{" RL ",\"callerIpAddress\":\"5.6.7.8\"}]]}"),
	L("{\"objects\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"}]}"),
	L("{" VT ",\"CallerIPAddress\":\"9.9.9.9\",\"records\":[{" RL
	    ",\"callerIpAddress\":\"1.2.3.4\"}]}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"}]," VT
	    ",\"CallerIPAddress\":\"9.9.9.9\"}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"}],"
	    "\"records\":[{" RL ",\"callerIpAddress\":\"5.6.7.8\"}]}"),
	L("{\"records\":5," VT ",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"records\":{\"a\":{" RL ",\"callerIpAddress\":\"1.2.3.4\"}}," VT
	    ",\"CallerIPAddress\":\"5.6.7.8\"}"),
	L("{\"Records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"}]," VT
	    ",\"CallerIPAddress\":\"5.6.7.8\"}"),
	L("{\"record\\u0073\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"}]}"),
	L("{\"records\":[{" RL ",\"records\":[{" RL ",\"callerIpAddress\":"
	    "\"5.6.7.8\"}],\"callerIpAddress\":\"1.2.3.4\"}]}"),
	L("[{" RL ",\"callerIpAddress\":\"1.2.3.4\"},{" VT ","
	    "\"CallerIPAddress\":\"5.6.7.8\"}]"),
	L("[{" RL ",\"callerIpAddress\":\"1.2.3.4\"},7]"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"},"
	    "{" RL ",\"callerIpAddress\":\"5.6.7.8\"},x]}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"}]} {}"),
	/* Decoys at depth 2 and 4. */
	L("{\"p\":{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}}"),
	L("{\"records\":[{" RL ",\"properties\":{\"callerIpAddress\":"
	    "\"1.2.3.4\"}}]}"),
	L("{\"p\":{" RL ",\"callerIpAddress\":\"1.2.3.4\"},\"records\":[]}"),
	L("{\"records\":[{" RL ",\"identity\":{\"claim\":{"
	    "\"callerIpAddress\":\"1.2.3.4\"}}}]}"),
	/* Escapes in keys at depth 1, 2, 3 and 4. */
	L("{\"records\":[{" RL ",\"caller\\u0049pAddress\":\"1.2.3.4\"}]}"),
	L("{\"records\":[{" RL ",\"caller\\u0049pAddress\":\"5.6.7.8\","
	    "\"callerIpAddress\":\"1.2.3.4\"}]}"),
	L("{\"records\":[{" RL ",\"p\":{\"caller\\u0049pAddress\":"
	    "\"5.6.7.8\"},\"callerIpAddress\":\"1.2.3.4\"}]}"),
	L("{\"p\":{\"Caller\\u0049PAddress\":\"5.6.7.8\"}," VT
	    ",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"\\u0074ime\":" TIME ",\"resourceId\":\"" VAULT "\","
	    "\"callerIpAddress\":\"1.2.3.4\"}"),
	L("{\"records\":[{\"\\u0074ime\":" TIME ",\"resourceId\":\"" VAULT
	    "\",\"callerIpAddress\":\"1.2.3.4\"}]}"),
	/* The member name inside a string value. */
	L("{" VT ",\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
	    "\\\"1.2.3.4\\\"\"}"),
	L("{" VT ",\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
	    "\\\"5.6.7.8\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\\",\\\"CallerIPAddress\\\":\\\"5.6.7.8\"}"),
	/* Escaped quotes and backslashes in other values. */
	L("{" VT ",\"a\":\"a\\\\\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"x\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\\\\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\u005c\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Escapes in the address and in keys. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.\\u0034\"}"),
	L("{" VT ",\"CallerIPAddress\":\"\\u0032001:db8::1\"}"),
	L("{" VT ",\"Caller\\u0049PAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"Caller\\u0049PAddress\":\"5.6.7.8\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"Caller\\u0049PAddress\":\"5.6.7.8\"}"),
	L("{\"Resource\\u0054ype\":\"VAULTS\",\"TimeGenerated\":"
	    "\"2026-11-20T12:00:05Z\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"VAUL\\u0054S\",\"TimeGenerated\":"
	    "\"2026-11-20T12:00:05Z\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Duplicate members. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
	    "\"5.6.7.8\"}"),
	L("{\"CallerIPAddress\":\"5.6.7.8\"," VT ",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":null}"),
	L("{" VT ",\"CallerIPAddress\":null,\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"5.6.7.8\","
	    "\"callerIpAddress\":\"1.2.3.4\"}]}"),
	/* Nested members of the same name. */
	L("{" VT ",\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}}"),
	L("{" VT ",\"p\":{\"CallerIPAddress\":\"5.6.7.8\"},"
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"p\":[{\"CallerIPAddress\":\"1.2.3.4\"}]}"),
	L("{" VT ",\"p\":{\"q\":{\"r\":{\"s\":{\"CallerIPAddress\":"
	    "\"1.2.3.4\"}}}}}"),
	L("{" VT ",\"p\":{\"x\":\"}}]]{\"},\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* The vault filters. */
	L("{\"ResourceType\":\"VAULT\",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"vaults\",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":1,\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"TimeGenerated\":\"2026-11-20\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"time\":" TIME ",\"resourceId\":\"/subscriptions/s/providers/"
	    "microsoft.keyvault/vaults/v\",\"callerIpAddress\":\"1.2.3.4\"}"),
	L("{\"time\":" TIME ",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/"
	    "MICROSOFT.SQL/SERVERS/X\",\"callerIpAddress\":\"1.2.3.4\"}"),
	L("{\"Type\":\"azkvauditlogs\",\"TimeGenerated\":" TIME ","
	    "\"CallerIpAddress\":\"1.2.3.4\"}"),
	/* Invalid JSON that starts with { and ends with }. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":tru}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":01}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":[1,}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":\"\x01\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":\"\\q\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":{]}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\" \"x\":1}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"/*c*/}"),
	L("{" VT ",CallerIPAddress:\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":[}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":\"\\u12\"}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"},{\"x\":"
	    "tru}]}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"},]}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":\"1.2.3.4\"}}]}"),
	/* Non-string values and empty strings. */
	L("{" VT ",\"CallerIPAddress\":null}"),
	L("{" VT ",\"CallerIPAddress\":16909060}"),
	L("{" VT ",\"CallerIPAddress\":true}"),
	L("{" VT ",\"CallerIPAddress\":[\"1.2.3.4\"]}"),
	L("{" VT ",\"CallerIPAddress\":{\"a\":\"1.2.3.4\"}}"),
	L("{" VT ",\"CallerIPAddress\":\"\"}"),
	L("{" VT ",\"\":\"\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Huge numbers, arrays of objects. */
	L("{" VT ",\"n\":1e99999,\"m\":-123456789012345678901234567890,"
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":[{\"b\":[{\"c\":\"}\"}]},{}],\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	/* Framing: CRLF residue, BOM, leading junk, trailing content. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}\r"),
	L("\xef\xbb\xbf{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"} {\"a\":1}"),
	L("{\"a\":1} {" VT ",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("[{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}]"),
	L("\"{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}\""),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\""),
	/* Bytes: NUL, invalid UTF-8, UTF-8 keys. */
	L("{" VT ",\"a\":\"\0\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\0\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\xff\"}"),
	L("{" VT ",\"a\":\"\xff\xfe\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddr\xc3\xa9ss\":\"1.2.3.4\"}"),
	/* Addresses as written. */
	L("{" VT ",\"CallerIPAddress\":\"2001:DB8::1\"}"),
	L("{" VT ",\"CallerIPAddress\":\"::ffff:1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4:443\"}"),
	L("{" VT ",\"CallerIPAddress\":\" 1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"010.1.1.1\"}"),
	/* Bad times. */
	L("{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"yesterday\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":1700000000,"
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"records\":[{\"time\":\"later\",\"resourceId\":\"" VAULT "\","
	    "\"callerIpAddress\":\"1.2.3.4\"}]}"),
};

START_TEST(diff_corpus_lines)
{
	struct diff_counts dc;
	size_t	 n = NELEM(corpus);

	memset(&dc, 0, sizeof(dc));
	ck_assert_uint_ge(n, 100);
	diff_corpus(corpus, n, &dc);
	if (getenv("SCAN_COUNTS") != NULL)
		fprintf(stderr, "corpus: ok %u ok_event %u ok_multi %u "
		    "ok_empty %u unsure %u unsure_event %u malformed %u "
		    "names %u %u %u\n", dc.ok, dc.ok_event, dc.ok_multi,
		    dc.ok_empty, dc.unsure, dc.unsure_event, dc.malformed,
		    dc.by_name[0], dc.by_name[1], dc.by_name[2]);
	/* The corpus reaches every answer and the full parse's events. */
	ck_assert_uint_ge(dc.ok_event, 50);
	ck_assert_uint_ge(dc.ok_multi, 3);
	ck_assert_uint_ge(dc.unsure_event, 15);
	ck_assert_uint_ge(dc.ok_empty, 10);
	ck_assert_uint_ge(dc.malformed, 20);
	ck_assert_uint_ge(dc.by_name[0], 20);
	ck_assert_uint_ge(dc.by_name[1], 10);
	ck_assert_uint_ge(dc.by_name[2], 3);
}
END_TEST

/* Every prefix of every corpus line (and of the Limits lines). */
START_TEST(diff_corpus_prefixes)
{
	struct kvrec *kr = kvrec_new();
	struct diff_counts dc;
	const char *m;
	size_t	 i, n;

	memset(&dc, 0, sizeof(dc));
	for (i = 0; i < NELEM(corpus); i++)
		for (n = 0; n <= corpus[i].len; n++) {
			m = diff_check(kr, corpus[i].s, n, &dc);
			ck_assert_msg(m == NULL, "line %zu prefix %zu: %s",
			    i, n, m);
		}
	for (i = 0; i < NELEM(prefix_records); i++)
		for (n = 0; n <= strlen(prefix_records[i]); n++) {
			m = diff_check(kr, prefix_records[i], n, &dc);
			ck_assert_msg(m == NULL, "record %zu prefix %zu: %s",
			    i, n, m);
		}
	kvrec_free(kr);
	ck_assert_uint_gt(dc.ok_event, 40);
}
END_TEST

/*
 * yajl, and so kvrec_parse_records() and kv-match --validate, reads form
 * feed and vertical tab as white space between tokens; a scanner that did
 * not would take a value after a form feed for a number and list nothing,
 * losing a real alert.
 */
static const struct line yajl_ws[] = {
	L("{" VT ",\"CallerIPAddress\":\f\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\v\"1.2.3.4\"}"),
	L("{\"CallerIPAddress\": \f \"1.2.3.4\"," VT "}"),
	L("{" VT ",\"CallerIPAddress\"\f:\f\"1.2.3.4\"\f}"),
	L("{" VT ",\"x\":\f\"a\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("\f{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}\v"),
	L("{" VT ",\"a\":\"\\/\",\"CallerIPAddress\":\f\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\/\",\"CallerIPAddress\":\v\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\/\",\"x\":\f\"a,b\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{" VT ",\"x\":\f\"a,b\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"x\":\v[\"a\",{}],\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" RL ",\"callerIpAddress\":\v\f\"1.2.3.4\"}"),
	L("{" AZ ",\"CallerIpAddress\"\v:\"1.2.3.4\"}"),
	L("{\"records\"\f:\v[\f{" RL ",\"callerIpAddress\":\f\"1.2.3.4\"}\v,"
	    "\f{" AZ ",\"CallerIpAddress\":\v\"5.6.7.8\"}]}"),
	L("{\"records\":[{" RL ",\"a\":\"\\/\",\"callerIpAddress\":\v"
	    "\"1.2.3.4\"}]}\f"),
};

START_TEST(diff_yajl_whitespace)
{
	struct diff_counts dc;

	memset(&dc, 0, sizeof(dc));
	diff_corpus(yajl_ws, NELEM(yajl_ws), &dc);
	/* Each line is an event (two for the envelope), all listed. */
	ck_assert_uint_eq(dc.unsure, 0);
	ck_assert_uint_eq(dc.ok_event, NELEM(yajl_ws) + 1);
}
END_TEST

/*
 * The generator's state: the random state, whether this line is to hold
 * no backslash (so that the quick pass reads it whole), and whether
 * empty keys may stand in objects below a record's members (see
 * diff_random_empty_keys).
 */
struct gen {
	uint64_t st;
	int	 noesc;
	int	 emptykeys;
};

/* An empty key, or an object value holding one. */
static int
empty_key(const char *s)
{
	return s[0] == '\0' || strstr(s, "{\"\"") != NULL;
}

/*
 * A random entry of list; without a backslash when g->noesc, without an
 * empty key unless g->emptykeys.
 */
static const char *
pick(struct gen *g, const char *const *list, size_t n)
{
	const char *s;

	do
		s = list[rnd(&g->st) % n];
	while ((g->noesc && strchr(s, '\\') != NULL) ||
	    (!g->emptykeys && empty_key(s)));
	return s;
}

#define PICK(g, a)	pick((g), (a), NELEM(a))

/*
 * Optional white space: RFC 8259's four characters, and now and then the
 * form feed and vertical tab that yajl reads as white space too.
 */
static void
gen_ws(struct buf *b, struct gen *g)
{
	static const char ws[] = " \t\r\n \t\r\n \t\r\n\f\v";
	int	 n;

	if (rnd(&g->st) % 3 != 0)
		return;
	for (n = 1 + (int)(rnd(&g->st) % 3); n > 0; n--)
		put(b, &ws[rnd(&g->st) % (sizeof(ws) - 1)], 1);
}

/* Caller members: the three names most often, then near misses. */
static const char *const caller_keys[] = {
	"CallerIPAddress", "CallerIPAddress", "CallerIPAddress",
	"callerIpAddress", "callerIpAddress", "callerIpAddress",
	"CallerIpAddress", "CallerIpAddress", "CallerIpAddress",
	"Caller\\u0049PAddress", "\\u0043allerIPAddress",
	"caller\\u0049pAddress", "CallerIpAddres\\u0073", "callerIPAddress",
	"CallerIPAddress\\u0000", "CallerIpaddress", "CallerIPAddres",
};

static const char *const addrs[] = {
	"\"203.0.113.7\"", "\"198.51.100.23\"", "\"2001:DB8::1\"",
	"\"::ffff:192.0.2.1\"", "\"\"", "\"1.2.3.4:443\"", "\"not-an-ip\"",
	"\"010.1.1.1\"", "\"203.0.113.\\u0037\"", "\"2001:db8::\\u0031\"",
	"\"\\u0032\\u0030\\u0033.0.113.7\"", "\"192.0.2.1\\/32\"", "null",
	"42", "true", "{\"a\":\"1.2.3.4\"}", "[\"1.2.3.4\"]", "\"9.9.9.9\"",
	"\"203.0.113.7\"", "\"198.51.100.23\"", "\"CallerIPAddress\"",
	"\"192.0.2.44\"", "\"2001:db8:0:0::7\"", "\"10.1.2.3\"",
	"{\"\":\"203.0.113.7\"}", "{\"\":{\"\":\"198.51.100.23\"}}",
};

static const char *const strings[] = {
	"\"\"", "\"plain\"", "\"\\\"CallerIPAddress\\\":\\\"9.9.9.9\\\"\"",
	"\"a\\\\\\\\\"", "\"\\\\\"", "\"\\\"\"", "\"}]{[\"", "\",\"", "\":\"",
	"\"\\u00e9\\n\\t\"", "\"\xc3\xa9\"", "\"\xff\"",
	"\"\\\",\\\"callerIpAddress\\\":\\\"9.9.9.9\"",
	"\"CallerIPAddress\"", "\"\\/\\b\\f\\r\"", "\"{\\\"\"",
	"\"callerIpAddress:\"", "\"}\"", "\"{\"", "\"CallerIpAddress\"",
};

static const char *const scalars[] = {
	"0", "-1.5e3", "123456789012345678901234567890", "1e99999", "true",
	"false", "null",
};

/* Keys of nested objects: the names too, as decoys. */
static const char *const filler_keys[] = {
	"ResourceId", "OperationName", "ResultDescription", "properties",
	"identity", "x", "a\\\"b", "", "records", "CallerIPAddress",
	"callerIpAddress", "CallerIpAddress", "C", "Caller\\/IPAddress",
	"caller\\u0049pAddress", "claim",
};

static void gen_value(struct buf *, struct gen *, int);

/* A string of 0 to 150 bytes with brackets but no quote or backslash. */
static void
gen_pad(struct buf *b, struct gen *g)
{
	static const char chars[] = "xyCc{}[]:, ";
	int	 n = (int)(rnd(&g->st) % 151);

	puts_(b, "\"");
	while (n-- > 0)
		put(b, &chars[rnd(&g->st) % (sizeof(chars) - 1)], 1);
	puts_(b, "\"");
}

/* An object at depth (its members at depth + 1) of filler members. */
static void
gen_object(struct buf *b, struct gen *g, int depth)
{
	int	 n = (int)(rnd(&g->st) % 4), i;

	puts_(b, "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(b, ",");
		gen_ws(b, g);
		puts_(b, "\"");
		puts_(b, PICK(g, filler_keys));
		puts_(b, "\"");
		gen_ws(b, g);
		puts_(b, ":");
		gen_ws(b, g);
		if (rnd(&g->st) % 3 == 0)
			puts_(b, PICK(g, addrs));
		else
			gen_value(b, g, depth + 1);
		gen_ws(b, g);
	}
	puts_(b, "}");
}

/* A value whose container stands at depth (1: a record's member). */
static void
gen_value(struct buf *b, struct gen *g, int depth)
{
	int	 n, i;

	switch (depth < 5 ? rnd(&g->st) % 7 : rnd(&g->st) % 3) {
	case 0:
	case 5:
		puts_(b, PICK(g, strings));
		break;
	case 1:
		gen_pad(b, g);
		break;
	case 2:
		puts_(b, PICK(g, scalars));
		break;
	case 3:
	case 4:
		gen_object(b, g, depth);
		break;
	default:
		puts_(b, "[");
		n = (int)(rnd(&g->st) % 4);
		for (i = 0; i < n; i++) {
			if (i > 0)
				puts_(b, ",");
			gen_ws(b, g);
			gen_value(b, g, depth + 1);
			gen_ws(b, g);
		}
		puts_(b, "]");
		break;
	}
}

/* One member: key and value as JSON text. */
struct member {
	const char	*key;
	const char	*val;	/* NULL: a generated value. */
	int		 decoy;	/* A caller member one or three deeper. */
};

/*
 * A decoy: a caller member one level down ({"p":{K:A}}) or three levels
 * down ({"p":{"q":{"r":{K:A}}}}) from a record's members, so at depth 2
 * or 4 for a record at depth 1, and at 4 or 6 for one in an envelope.
 */
static void
gen_decoy(struct buf *b, struct gen *g)
{
	int	 deep = rnd(&g->st) % 3 == 0;

	puts_(b, deep ? "{\"q\":{\"r\":{\"" : "{\"");
	puts_(b, PICK(g, caller_keys));
	puts_(b, "\":");
	gen_ws(b, g);
	puts_(b, PICK(g, addrs));
	puts_(b, deep ? "}}}" : "}");
}

/* Write the members m[0 .. n) in a random order as an object. */
static void
put_members(struct buf *b, struct gen *g, struct member *m, int n,
    int depth)
{
	struct member t;
	int	 i, j;

	for (i = n - 1; i > 0; i--) {
		j = (int)(rnd(&g->st) % (uint64_t)(i + 1));
		t = m[i];
		m[i] = m[j];
		m[j] = t;
	}
	puts_(b, "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(b, ",");
		gen_ws(b, g);
		puts_(b, "\"");
		puts_(b, m[i].key);
		puts_(b, "\"");
		gen_ws(b, g);
		puts_(b, ":");
		gen_ws(b, g);
		if (m[i].decoy)
			gen_decoy(b, g);
		else if (m[i].val != NULL)
			puts_(b, m[i].val);
		else
			gen_value(b, g, depth);
		gen_ws(b, g);
	}
	puts_(b, "}");
}

/*
 * One record of one of the three shapes (now and then with the members
 * of all three), whose members stand at depth (1 for a line's record, 3
 * for a record of an envelope).
 */
static void
gen_record(struct buf *b, struct gen *g, int depth)
{
	static const char *const rtypes[] = {
		"\"VAULTS\"", "\"VAULTS\"", "\"vaults\"", "\"Vaults\"",
		"\"VAULT\"", "\"VAULTSX\"", "\"\"", "\"VAUL\\u0054S\"", "7",
		"null", "\"VAULTS\"",
	};
	static const char *const times[] = {
		TIME, TIME, TIME, "\"2026-11-20 12:00:05\"", "\"garbage\"",
		"17", "\"2026-11-20T12:00:05.1306790\\u005a\"",
	};
	static const char *const rids[] = {
		"\"" VAULT "\"", "\"" VAULT "\"", "\"" VAULT "\"",
		("\"/subscriptions/s/resourcegroups/g/providers/"
		    "microsoft.keyvault/vaults/v\""),
		"\"/SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.KEYVAULT/VAULT/V\"",
		"\"/SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.SQL/SERVERS/X\"",
		"\"/SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.KEYVAULT\\/VAULTS/V\"",
		"null", "\"\"",
	};
	static const char *const types[] = {
		"\"AZKVAuditLogs\"", "\"AZKVAuditLogs\"", "\"AZKVAuditLogs\"",
		"\"azkvauditlogs\"", "\"AzureDiagnostics\"",
		"\"AZKVAudit\\u004cogs\"", "null",
	};
	static const char *const fillers[] = {
		"OperationName", "ResultDescription", "properties",
		"identity", "x", "a\\\"b", "", "records", "objects", "C",
		"Caller\\/IPAddress", "x\\u0041", "correlationId",
	};
	static const char *const good_addrs[] = {
		"\"203.0.113.7\"", "\"198.51.100.23\"", "\"2001:DB8::1\"",
		"\"::ffff:192.0.2.1\"", "\"192.0.2.44\"", "\"10.1.2.3\"",
		"\"203.0.113.\\u0037\"", "\"2001:db8::\\u0031\"",
	};
	struct member m[16];
	int	 n = 0, i, k, shape = (int)(rnd(&g->st) % 3);

	/* Half the records are vault events of their shape, unless damaged. */
	if (rnd(&g->st) % 2 == 0) {
		m[n++] = shape == 0 ?
		    (struct member){ "ResourceType", "\"VAULTS\"", 0 } :
		    shape == 1 ?
		    (struct member){ "resourceId", "\"" VAULT "\"", 0 } :
		    (struct member){ "Type", "\"AZKVAuditLogs\"", 0 };
		m[n++] = (struct member){ shape == 1 ? "time" :
		    "TimeGenerated", TIME, 0 };
		m[n++] = (struct member){ names[shape], PICK(g, good_addrs),
		    0 };
		shape = -1;
	}
	switch (shape == -1 ? -1 : rnd(&g->st) % 10 == 0 ? 3 : shape) {
	case -1:
		break;
	case 0:
		if (rnd(&g->st) % 10 != 0)
			m[n++] = (struct member){ "ResourceType",
			    PICK(g, rtypes), 0 };
		if (rnd(&g->st) % 10 != 0)
			m[n++] = (struct member){ "TimeGenerated",
			    PICK(g, times), 0 };
		break;
	case 1:
		if (rnd(&g->st) % 10 != 0)
			m[n++] = (struct member){ "resourceId",
			    PICK(g, rids), 0 };
		if (rnd(&g->st) % 10 != 0)
			m[n++] = (struct member){ "time", PICK(g, times), 0 };
		break;
	case 2:
		if (rnd(&g->st) % 3 != 0)
			m[n++] = (struct member){ "Type", PICK(g, types), 0 };
		if (rnd(&g->st) % 2 == 0)
			m[n++] = (struct member){ "_ResourceId",
			    PICK(g, rids), 0 };
		if (rnd(&g->st) % 10 != 0)
			m[n++] = (struct member){ "TimeGenerated",
			    PICK(g, times), 0 };
		break;
	default:
		/* Members of all shapes at once. */
		m[n++] = (struct member){ "ResourceType", PICK(g, rtypes), 0 };
		m[n++] = (struct member){ "resourceId", PICK(g, rids), 0 };
		m[n++] = (struct member){ "Type", PICK(g, types), 0 };
		m[n++] = (struct member){ "TimeGenerated", PICK(g, times), 0 };
		m[n++] = (struct member){ "time", PICK(g, times), 0 };
		break;
	}
	k = (int)(rnd(&g->st) % 20);
	k = k < 3 ? 0 : k < 15 ? 1 : k < 19 ? 2 : 3;
	for (i = 0; i < k; i++)
		m[n++] = (struct member){ PICK(g, caller_keys), PICK(g, addrs),
		    0 };
	if (rnd(&g->st) % 3 == 0)
		m[n++] = (struct member){ rnd(&g->st) % 2 ? "properties" :
		    "identity", NULL, 1 };
	for (i = (int)(rnd(&g->st) % 4); i > 0; i--)
		m[n++] = (struct member){ PICK(g, fillers), NULL, 0 };
	put_members(b, g, m, n, depth);
}

/*
 * One line: a record, or an envelope of records (its array at depth 2,
 * the records at 3) with members beside it, caller members among them.
 */
static void
gen_line(struct buf *b, struct gen *g)
{
	static const char *const envkeys[] = {
		"records", "records", "records", "records", "objects",
		"Records", "record\\u0073",
	};
	static const char *const nonrec[] = {
		"1", "null", "\"x\"", "[]", ("[{\"callerIpAddress\":"
		    "\"203.0.113.7\"}]"), "\"callerIpAddress\"",
	};
	struct member m[8];
	struct buf arr = { NULL, 0, 0 };
	int	 n = 0, i, nrec;

	g->noesc = rnd(&g->st) % 2;
	b->len = 0;
	if (rnd(&g->st) % 50 == 0)
		puts_(b, "\xef\xbb\xbf");
	gen_ws(b, g);
	if (rnd(&g->st) % 5 < 2)
		gen_record(b, g, 1);
	else {
		/* The records' array, its elements at depth 3. */
		puts_(&arr, "[");
		nrec = (int)(rnd(&g->st) % 5);
		for (i = 0; i < nrec; i++) {
			if (i > 0)
				puts_(&arr, ",");
			gen_ws(&arr, g);
			if (rnd(&g->st) % 12 == 0)
				puts_(&arr, PICK(g, nonrec));
			else
				gen_record(&arr, g, 3);
			gen_ws(&arr, g);
		}
		puts_(&arr, "]");
		m[n++] = (struct member){ PICK(g, envkeys), arr.p, 0 };
		if (rnd(&g->st) % 4 == 0)
			m[n++] = (struct member){ PICK(g, caller_keys),
			    PICK(g, addrs), 0 };
		if (rnd(&g->st) % 4 == 0)
			m[n++] = (struct member){ "p", NULL, 1 };
		for (i = (int)(rnd(&g->st) % 3); i > 0; i--)
			m[n++] = (struct member){ rnd(&g->st) % 2 ? "x" :
			    "a\\\"b", NULL, 0 };
		if (g->noesc)
			for (i = 0; i < n; i++)
				if (strchr(m[i].key, '\\') != NULL)
					m[i].key = "y";
		put_members(b, g, m, n, 1);
		free(arr.p);
	}
	gen_ws(b, g);
	if (rnd(&g->st) % 20 == 0)
		puts_(b, "\r");
}

/* Damage a line: truncate it, drop a byte or insert a structural one. */
static void
mutate(struct buf *b, struct gen *g)
{
	static const char bytes[] = "\"{}[],:\\ 0an";
	size_t	 at;

	if (b->len == 0)
		return;
	at = (size_t)(rnd(&g->st) % b->len);
	switch (rnd(&g->st) % 3) {
	case 0:
		b->len = at;
		break;
	case 1:
		memmove(b->p + at, b->p + at + 1, b->len - at - 1);
		b->len--;
		break;
	default:
		put(b, "", 1);
		memmove(b->p + at + 1, b->p + at, b->len - at - 1);
		b->p[at] = bytes[rnd(&g->st) % (sizeof(bytes) - 1)];
		break;
	}
}

/* Check n random lines from seed; tag starts the failure message. */
static void
diff_random_run(uint64_t seed, int emptykeys, int n, const char *tag,
    struct diff_counts *dc)
{
	struct kvrec *kr = kvrec_new();
	struct buf b = { NULL, 0, 0 };
	struct gen g = { seed, 0, emptykeys };
	const char *m;
	int	 i;

	memset(dc, 0, sizeof(*dc));
	for (i = 0; i < n; i++) {
		gen_line(&b, &g);
		if (rnd(&g.st) % 8 == 0)
			mutate(&b, &g);
		m = diff_check(kr, b.p, b.len, dc);
		ck_assert_msg(m == NULL, "%sline %d %.*s: %s", tag, i,
		    (int)b.len, b.p, m);
	}
	free(b.p);
	kvrec_free(kr);
}

START_TEST(diff_random)
{
	struct diff_counts dc;

	diff_random_run(20261120, 0, 12000, "", &dc);
	if (getenv("SCAN_COUNTS") != NULL)
		fprintf(stderr, "random: ok %u ok_event %u ok_multi %u "
		    "ok_empty %u unsure %u unsure_event %u malformed %u "
		    "names %u %u %u\n", dc.ok, dc.ok_event, dc.ok_multi,
		    dc.ok_empty, dc.unsure, dc.unsure_event, dc.malformed,
		    dc.by_name[0], dc.by_name[1], dc.by_name[2]);
	/* The grammar reaches every answer, with events behind them. */
	ck_assert_uint_ge(dc.ok, 5000);
	ck_assert_uint_ge(dc.ok_event, 2500);
	ck_assert_uint_ge(dc.ok_multi, 400);
	ck_assert_uint_ge(dc.ok_empty, 1200);
	ck_assert_uint_ge(dc.unsure, 3500);
	ck_assert_uint_ge(dc.unsure_event, 2000);
	ck_assert_uint_ge(dc.malformed, 700);
	ck_assert_uint_ge(dc.by_name[0], 600);
	ck_assert_uint_ge(dc.by_name[1], 600);
	ck_assert_uint_ge(dc.by_name[2], 600);
}
END_TEST

/*
 * The same with empty keys in objects below a record's members
 * ({"CallerIPAddress":{"":"203.0.113.7"}}, {"OperationName":{"":1}}).
 * jrec once took an empty key one level below a field for the end of the
 * field's path, and read the value of "" as the member's own value: the
 * full parse found an event with an address no caller member holds,
 * which the scan rightly did not list.  See also check_kvrec.c
 * empty_key_below_field.
 */
START_TEST(diff_random_empty_keys)
{
	struct diff_counts dc;

	diff_random_run(7202611, 1, 6000, "jrec reads {\"\":...} below a "
	    "field as the field's value: ", &dc);
	ck_assert_uint_ge(dc.ok_event, 1000);
}
END_TEST

/*
 * Lines that broke the property when the full parse read the value of
 * an empty key below a member as the member's value (see
 * diff_random_empty_keys): SCAN_OK with no address, and an "event".
 */
static const struct line bug_empty_key[] = {
	L("{" VT ",\"CallerIPAddress\":{\"\":\"1.2.3.4\"}}"),
	L("{" RL ",\"callerIpAddress\":{\"\":\"1.2.3.4\"}}"),
	L("{" AZ ",\"CallerIpAddress\":{\"\":\"1.2.3.4\"}}"),
	L("{\"records\":[{" RL ",\"callerIpAddress\":{\"\":\"1.2.3.4\"}}]}"),
};

START_TEST(diff_bug_empty_key)
{
	struct kvrec *kr = kvrec_new();
	struct diff_counts dc;
	const char *m;
	size_t	 i;

	memset(&dc, 0, sizeof(dc));
	for (i = 0; i < NELEM(bug_empty_key); i++) {
		EMPTY(bug_empty_key[i].s);
		m = diff_check(kr, bug_empty_key[i].s, bug_empty_key[i].len,
		    &dc);
		ck_assert_msg(m == NULL, "jrec key_at(): line %zu "
		    "%s: %s", i, bug_empty_key[i].s, m);
	}
	kvrec_free(kr);
}
END_TEST

/* Into out: line with the string ins inserted at offset at. */
static void
insert_at(struct buf *out, const struct buf *line, size_t at,
    const char *ins)
{
	out->len = 0;
	put(out, line->p, at);
	puts_(out, ins);
	put(out, line->p + at, line->len - at);
}

/*
 * Check that the lists of a and b (b is a with delta bytes inserted at
 * offset at) are the same addresses at the same places.
 */
static void
assert_same_list(int i, const struct buf *a, const struct sres *sa,
    const struct buf *b, const struct sres *sb, size_t at, size_t delta)
{
	size_t	 k;

	ck_assert_msg(sa->r == sb->r, "line %d %.*s: %s, then %s",
	    i, (int)a->len, a->p, rname(sa->r), rname(sb->r));
	ck_assert_msg(sa->n == sb->n, "line %d %.*s: %zu addresses, then "
	    "%zu", i, (int)a->len, a->p, sa->n, sb->n);
	for (k = 0; k < sa->n; k++)
		ck_assert_msg(sa->len[k] == sb->len[k] && sb->off[k] ==
		    sa->off[k] + (sa->off[k] >= at ? delta : 0) &&
		    memcmp(a->p + sa->off[k], b->p + sb->off[k], sa->len[k])
		    == 0, "line %d %.*s: address %zu differs", i, (int)a->len,
		    a->p, k);
}

/* Count the events of a line for scanners_agree. */
static int
count_cb(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	(void)ev;
	if (st == KVREC_EVENT)
		(*(unsigned *)arg)++;
	return 0;
}

/*
 * Escapes other than \u do not change the quick pass's list; a \u sends
 * the line to the exact scanner.  For each random line without a
 * backslash that the full parse accepts, insert a member with "\/" as
 * its value first and last in the object: the quick lists must be the
 * same text at the same places, the inserted length apart.  Insert one
 * with "\u0041": the quick list must then be the exact list of the line.
 */
START_TEST(scanners_agree)
{
	static const char *const ins[2] = { "\"zz\":\"\\/\"",
	    "\"zz\":\"\\u0041\"" };
	struct kvrec *kr = kvrec_new();
	struct buf b = { NULL, 0, 0 }, b2 = { NULL, 0, 0 }, m = { NULL, 0, 0 };
	struct gen g = { 5952, 0, 0 };
	struct sres sq, se, s2;
	size_t	 at, k, last;
	unsigned ev;
	int	 i, j, compared = 0, with_hits = 0, with_events = 0;

	for (i = 0; i < TEST_ROUNDS(12000); i++) {
		gen_line(&b, &g);
		if (!g.noesc || memchr(b.p, '\\', b.len) != NULL ||
		    memchr(b.p, '{', b.len) == NULL)
			continue;
		ev = 0;
		if (kvrec_parse_records(kr, b.p, b.len, count_cb, &ev) !=
		    KVREC_EVENT)
			continue;
		se = scan_both(b.p, b.len, &sq);
		compared++;
		if (sq.n > 0)
			with_hits++;
		if (ev > 0)
			with_events++;
		for (j = 0; j < 2; j++) {
			/* First in the object. */
			at = (size_t)((char *)memchr(b.p, '{', b.len) - b.p) +
			    1;
			for (k = at; k < b.len && is_ws(b.p[k]); k++)
				;
			m.len = 0;
			puts_(&m, ins[j]);
			if (b.p[k] != '}')
				puts_(&m, ",");
			insert_at(&b2, &b, at, m.p);
			(void)scan_both(b2.p, b2.len, &s2);
			assert_same_list(i, &b, j ? &se : &sq, &b2, &s2, at,
			    b2.len - b.len);
			/* Last in the object. */
			for (last = b.len; last > 0 && b.p[last - 1] != '}';
			    last--)
				;
			ck_assert_uint_gt(last, 0);
			for (k = last - 1; k > 0 && is_ws(b.p[k - 1]); k--)
				;
			m.len = 0;
			if (b.p[k - 1] != '{')
				puts_(&m, ",");
			puts_(&m, ins[j]);
			insert_at(&b2, &b, last - 1, m.p);
			(void)scan_both(b2.p, b2.len, &s2);
			assert_same_list(i, &b, j ? &se : &sq, &b2, &s2,
			    last - 1, b2.len - b.len);
		}
	}
	free(b.p);
	free(b2.p);
	free(m.p);
	kvrec_free(kr);
	if (getenv("SCAN_COUNTS") != NULL)
		fprintf(stderr, "compared %d with_hits %d with_events %d\n",
		    compared, with_hits, with_events);
	ck_assert_int_ge(compared, TEST_ROUNDS(4000));
	ck_assert_int_ge(with_hits, TEST_ROUNDS(3000));
	ck_assert_int_ge(with_events, TEST_ROUNDS(1800));
}
END_TEST

/* Fixtures: the quick pass on each instruction set. */
/* ---- scan_record ------------------------------------------------------ */

/*
 * scan_record() must never accept what yajl rejects, nor read a member
 * otherwise than jrec: every base line, then every one-byte change, every
 * byte left out and every prefix of it, is checked against jrec_check
 * and jrec_parse.
 */
static void
record_agrees(struct jrec *jr, const char *line, size_t len, int *accepted)
{
	struct scan_rec r;
	const struct jval *v;
	size_t	 i;

	if (scan_record(line, len, &r) == -1)
		return;
	(*accepted)++;
	ck_assert_msg(jrec_check(jr, line, len) == JREC_OK, "%.*s", (int)len,
	    line);
	ck_assert_int_eq(jrec_parse(jr, line, len), JREC_OK);
	for (i = 0; i < SM_NMEMBERS; i++) {
		v = jrec_get(jr, i);
		if (r.m[i].p == NULL) {
			ck_assert_msg(v->type == JV_ABSENT, "%.*s: member %zu",
			    (int)len, line, i);
			continue;
		}
		ck_assert_msg(v->type == JV_STRING && v->len == r.m[i].len &&
		    memcmp(v->s, r.m[i].p, v->len) == 0, "%.*s: member %zu",
		    (int)len, line, i);
	}
}

START_TEST(record_vs_yajl)
{
	static const struct jfield fields[SM_NMEMBERS] = {
		[SM_RESOURCETYPE] = { .path = { "ResourceType" } },
		[SM_TIMEGENERATED] = { .path = { "TimeGenerated" } },
		[SM_CALLER] = { .path = { "CallerIPAddress" } },
		[SM_RL_RESOURCEID] = { .path = { "resourceId" } },
		[SM_RL_TIME] = { .path = { "time" } },
		[SM_RL_CALLER] = { .path = { "callerIpAddress" } },
	};
	static const char *const base[] = {
		"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"2026-11-20T10:00:00Z\",\"CallerIPAddress\":\"203.0.113.7\",\"n\":-12.5e+3,\"b\":[true,false,null,{}],\"s\":\"a\\u0027\\\"b\\\\\"}",
		"{\"time\":\"2026-11-20T10:00:00Z\",\"x\":{\"time\":\"no\"},\"resourceId\":\"/A/VAULTS/B\",\"callerIpAddress\":\"2001:db8::1\",\"time\":\"t2\"}",
		" { \"a\" : [ 0 , 1 ] ,\t\"CallerIPAddress\" : \"x\", \"b\":\"\xc3\xa9\" } \r",
	};
	static const char alphabet[] = "\"\\{}[],:1t .e-\t\x01x\xff";
	struct jrec *jr = jrec_new(fields, SM_NMEMBERS);
	char	 line[512];
	size_t	 b, i, k, len;
	int	 accepted;

	for (b = 0; b < NELEM(base); b++) {
		len = strlen(base[b]);
		ck_assert_uint_lt(len, sizeof(line));
		accepted = 0;
		record_agrees(jr, base[b], len, &accepted);
		ck_assert_int_eq(accepted, 1);
		for (i = 0; i < len; i++) {
			record_agrees(jr, base[b], i, &accepted);
			memcpy(line, base[b], i);
			memcpy(line + i, base[b] + i + 1, len - i - 1);
			record_agrees(jr, line, len - 1, &accepted);
			for (k = 0; k < sizeof(alphabet) - 1; k++) {
				memcpy(line, base[b], len);
				line[i] = alphabet[k];
				record_agrees(jr, line, len, &accepted);
			}
		}
		ck_assert_int_gt(accepted, 50);
	}
	jrec_free(jr);
}
END_TEST

static void use_best(void) { ck_assert_int_eq(scan_use(NULL), 0); }
static void use_avx2(void) { ck_assert_int_eq(scan_use("avx2"), 0); }
static void use_sse2(void) { ck_assert_int_eq(scan_use("sse2"), 0); }
static void use_bytewise(void) { ck_assert_int_eq(scan_use("bytewise"), 0); }
static void use_reset(void) { (void)scan_use(NULL); }

/*
 * Every test case runs with the best quick pass the CPU has, then again
 * with each other one it has (the suffix names it), but for the long
 * random differential runs, which the fuzz harness also drives through
 * every instruction set, and block_offsets (quick_offsets moves the key
 * through every lane of each set).
 */
Suite *
scan_suite(void)
{
	static const struct {
		const char	*name, *suffix;
		void		(*setup)(void);
	} sets[] = {
		{ NULL, "", use_best },
		{ "avx2", "-avx2", use_avx2 },
		{ "sse2", "-sse2", use_sse2 },
		{ "bytewise", "-bytewise", use_bytewise },
	};
	static char names_[3 * 4][32];
	Suite	*s = suite_create("scan");
	TCase	*tc;
	size_t	 i, nn = 0;

	for (i = 0; i < NELEM(sets); i++) {
		if (scan_use(sets[i].name) == -1)
			continue;
		(void)scan_use(NULL);
		snprintf(names_[nn], sizeof(names_[nn]), "Core%s",
		    sets[i].suffix);
		tc = tcase_create(names_[nn++]);
		tcase_add_checked_fixture(tc, sets[i].setup, use_reset);
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, list_flat);
		tcase_add_test(tc, list_spellings);
		tcase_add_test(tc, list_empty_value);
		tcase_add_test(tc, list_order_duplicates);
		tcase_add_test(tc, whitespace);
		tcase_add_test(tc, name_in_string_value);
		tcase_add_test(tc, depth_decoys);
		tcase_add_test(tc, envelopes);
		tcase_add_test(tc, escapes_skipped);
		tcase_add_test(tc, escape_in_key);
		tcase_add_test(tc, escape_in_address_unsure);
		tcase_add_test(tc, non_string_not_listed);
		tcase_add_test(tc, no_member);
		tcase_add_test(tc, framing_unsure);
		tcase_add_test(tc, invalid_inside_braces);
		tcase_add_test(tc, trailing_content_unsure);
		tcase_add_test(tc, trailing_content_unsure_scalar);
		tcase_add_test(tc, length_respected);
		tcase_add_test(tc, quick_superset);
		tcase_add_test(tc, quick_other_escapes);
		tcase_add_test(tc, quick_offsets);
		tcase_add_test(tc, maxhits);
		tcase_add_test(tc, record_vs_yajl);
		if (i == 0)
			tcase_add_test(tc, block_offsets);
		suite_add_tcase(s, tc);

		snprintf(names_[nn], sizeof(names_[nn]), "Limits%s",
		    sets[i].suffix);
		tc = tcase_create(names_[nn++]);
		tcase_add_checked_fixture(tc, sets[i].setup, use_reset);
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, every_prefix);
		tcase_add_test(tc, every_suffix);
		tcase_add_test(tc, long_line);
		tcase_add_test(tc, deep_nesting);
		suite_add_tcase(s, tc);

		snprintf(names_[nn], sizeof(names_[nn]), "Differential%s",
		    sets[i].suffix);
		tc = tcase_create(names_[nn++]);
		tcase_add_checked_fixture(tc, sets[i].setup, use_reset);
		tcase_set_timeout(tc, 300);
		tcase_add_test(tc, diff_corpus_lines);
		tcase_add_test(tc, diff_corpus_prefixes);
		tcase_add_test(tc, diff_yajl_whitespace);
		tcase_add_test(tc, diff_bug_empty_key);
		/* The long random runs once, with the best set. */
		if (i == 0) {
			tcase_add_test(tc, diff_random);
			tcase_add_test(tc, diff_random_empty_keys);
			tcase_add_test(tc, scanners_agree);
		}
		suite_add_tcase(s, tc);
	}
	return s;
}
