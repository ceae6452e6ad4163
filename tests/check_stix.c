/*
 * check_stix.c: unit tests of the STIX pattern reader (src/stix.h), which
 * reads STIX 2.1 patterns as STIXPattern.g4 defines them and finds the IP
 * addresses an indicator pattern matches.  Every pattern is handed to
 * stix_addresses() as a heap copy of exactly its length, without a NUL
 * after it, so that AddressSanitizer catches any read past its end, and
 * every call checks the reader's promise that the callback is never
 * called unless the status is STIX_OK.
 *
 * "Values" checks the address values given (IPv4, IPv6, CIDR, the two
 * network-traffic references, ISSUBSET, order and duplicates, values
 * handed over without judging their address syntax, and an empty value
 * handed over as a valid pointer, not NULL).  "Quoting" checks the string
 * literals: \' and \\ are the only escapes.  "Whitespace" puts white
 * space everywhere a token may be separated, and nowhere.  "Disjunction"
 * checks OR lists inside one observation and across observations,
 * keywords in capitals only, parentheses at both levels and word
 * boundaries.  "Compound" checks that AND, FOLLOWEDBY, the qualifiers,
 * NOT and the operators that give no address make a pattern
 * STIX_COMPOUND, and that a pattern without an address path is
 * STIX_NOADDR however it is joined.  "Constants" checks the other
 * literals and paths.  "Syntax" checks garbage, every truncation of
 * valid patterns, random bytes, mutations and limits.  "Forms" checks
 * the grammar's forms one by one (==, <>, IN, EXISTS, comments, Unicode
 * spaces, quoted path components, each literal's exact form, qualifiers,
 * and cti-pattern-validator's hash and repeated-qualifier checks).
 * "Addresses" checks the parts that do not narrow an address (a
 * reference's type, ports, protocols: MISP's STIX export) and OR
 * alternatives without one.  "Validator" runs cti-pattern-validator's
 * STIX 2.1 test patterns (tests/data/stix-patterns-*.txt).  "Samples"
 * reads every indicator pattern of the public STIX bundles copied to
 * tests/data ($TESTDATA, else tests/data) and checks its status and its
 * values against an independent extraction.  "Grammar" checks paths
 * ending in a list step, bad paths and a million nested parentheses.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl_tree.h>

#include "check.h"
#include "testlib.h"
#include "stix.h"

Suite	*stix_suite(void);

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXGOT		5000

/* What one call of stix_addresses() gave. */
struct got {
	enum stix_status st;
	size_t	 n;			/* Callback calls. */
	char	*v[MAXGOT];		/* Their values, NUL-terminated. */
	size_t	 len[MAXGOT];
	int	 null_ptr;		/* A value was handed over as NULL. */
};

static void
collect(void *arg, const char *s, size_t len)
{
	struct got *g = arg;

	ck_assert_uint_lt(g->n, MAXGOT);
	if (s == NULL)
		g->null_ptr = 1;
	g->v[g->n] = malloc(len + 1);
	ck_assert_ptr_nonnull(g->v[g->n]);
	if (len > 0)
		memcpy(g->v[g->n], s, len);
	g->v[g->n][len] = '\0';
	g->len[g->n] = len;
	g->n++;
}

static void
got_free(struct got *g)
{
	size_t	 i;

	for (i = 0; i < g->n; i++)
		free(g->v[i]);
	free(g);
}

/*
 * Read the len bytes at p from a heap copy of exactly that size; check
 * that the callback ran only for STIX_OK.  Free the result with got_free.
 */
static struct got *
readn(const char *p, size_t len)
{
	struct got *g = calloc(1, sizeof(*g));
	char	*copy = malloc(len);

	ck_assert_ptr_nonnull(g);
	if (copy == NULL)
		ck_assert_uint_eq(len, 0);
	else
		memcpy(copy, p, len);
	g->st = stix_addresses(copy != NULL ? copy : "", len, collect, g);
	free(copy);
	if (g->st != STIX_OK)
		ck_assert_msg(g->n == 0, "callback called %zu times with "
		    "status %d for \"%.*s\"", g->n, (int)g->st, (int)len, p);
	return g;
}

static struct got *
rd(const char *p)
{
	return readn(p, strlen(p));
}

/* The status of pattern p. */
static enum stix_status
status(const char *p)
{
	struct got *g = rd(p);
	enum stix_status st = g->st;

	got_free(g);
	return st;
}

#define ck_status(p, want) do {						\
	enum stix_status st_ = status(p);				\
	ck_assert_msg(st_ == (want), "\"%s\": status %d (%s), want %d",	\
	    (p), (int)st_, stix_strerror(st_), (int)(want));		\
} while (0)

/*
 * Check that pattern p (plen bytes) is STIX_OK and gives exactly the
 * values that follow, in order, NULL-terminated.
 */
static void
expect_valuesn(const char *p, size_t plen, ...)
{
	struct got *g = readn(p, plen);
	va_list	 ap;
	const char *want;
	size_t	 i = 0;

	ck_assert_msg(g->st == STIX_OK, "\"%.*s\": status %d (%s)",
	    (int)plen, p, (int)g->st, stix_strerror(g->st));
	va_start(ap, plen);
	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(i < g->n, "\"%.*s\": only %zu values", (int)plen,
		    p, g->n);
		ck_assert_msg(g->len[i] == strlen(want) &&
		    memcmp(g->v[i], want, g->len[i]) == 0,
		    "\"%.*s\": value %zu is \"%s\", want \"%s\"", (int)plen, p,
		    i, g->v[i], want);
		i++;
	}
	va_end(ap);
	ck_assert_msg(i == g->n, "\"%.*s\": %zu values, want %zu", (int)plen,
	    p, g->n, i);
	got_free(g);
}

#define expect_values(p, ...) expect_valuesn((p), strlen(p), __VA_ARGS__)

/* ---------------------------------------------------------------------
 * Values.
 */

START_TEST(value_ipv4)
{
	expect_values("[ipv4-addr:value = '198.51.100.1']", "198.51.100.1",
	    NULL);
}
END_TEST

START_TEST(value_ipv6)
{
	expect_values("[ipv6-addr:value = '2001:db8::1']", "2001:db8::1",
	    NULL);
	expect_values("[ipv6-addr:value = '2001:DB8:0:0:0:0:0:1']",
	    "2001:DB8:0:0:0:0:0:1", NULL);
}
END_TEST

/* CIDR values are handed over as written, the prefix length with them. */
START_TEST(value_cidr)
{
	expect_values("[ipv4-addr:value = '223.166.0.0/15']",
	    "223.166.0.0/15", NULL);
	expect_values("[ipv6-addr:value = '2001:db8::/32']", "2001:db8::/32",
	    NULL);
	expect_values("[ipv4-addr:value = '198.51.100.7/32']",
	    "198.51.100.7/32", NULL);
}
END_TEST

START_TEST(value_issubset)
{
	expect_values("[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
	    "198.51.100.0/24", NULL);
	expect_values("[ipv6-addr:value ISSUBSET '2001:db8::/48']",
	    "2001:db8::/48", NULL);
	expect_values("[ipv4-addr:value ISSUBSET '198.51.100.0/24' OR "
	    "ipv6-addr:value ISSUBSET '2001:db8::/32']", "198.51.100.0/24",
	    "2001:db8::/32", NULL);
}
END_TEST

START_TEST(value_network_traffic)
{
	expect_values("[network-traffic:src_ref.value = '198.51.100.2']",
	    "198.51.100.2", NULL);
	expect_values("[network-traffic:dst_ref.value = '2001:db8::2']",
	    "2001:db8::2", NULL);
	expect_values("[network-traffic:dst_ref.value ISSUBSET "
	    "'203.0.113.0/24']", "203.0.113.0/24", NULL);
}
END_TEST

/* The reader does not judge address syntax: ti-index does. */
#define NUL_IN_VALUE	"[ipv4-addr:value = '1.2\0.3.4']"

START_TEST(value_verbatim)
{
	struct got *g;

	expect_values("[ipv4-addr:value = 'not an address']",
	    "not an address", NULL);
	expect_values("[ipv4-addr:value = '']", "", NULL);
	expect_values("[ipv4-addr:value = ' 198.51.100.1 ']",
	    " 198.51.100.1 ", NULL);
	expect_values("[ipv4-addr:value = '\xc3\xa9\xff']", "\xc3\xa9\xff",
	    NULL);
	/* Brackets, parentheses and keywords inside a string are text. */
	expect_values("[ipv4-addr:value = '] OR (['] OR "
	    "[ipv6-addr:value = 'AND']", "] OR ([", "AND", NULL);
	/* A NUL byte inside a string is text too. */
	g = readn(NUL_IN_VALUE, sizeof(NUL_IN_VALUE) - 1);
	ck_assert_int_eq(g->st, STIX_OK);
	ck_assert_uint_eq(g->n, 1);
	ck_assert_uint_eq(g->len[0], 8);
	ck_assert(memcmp(g->v[0], "1.2\0.3.4", 8) == 0);
	got_free(g);
}
END_TEST

/*
 * An empty value is still a string: the callback gets a valid pointer
 * (callers hand it to memchr() and the like, where NULL is undefined
 * behaviour even with a length of 0).  The reader computes it from its
 * buffer of decoded strings, which is NULL while it is empty.
 */
START_TEST(value_empty_pointer)
{
	static const char *const pats[] = {
		"[ipv4-addr:value = '']",
		"[ipv4-addr:value = '' OR ipv6-addr:value = '']",
		"[domain-name:value = 'x' OR ipv4-addr:value = '']"
	};
	struct got *g;
	size_t	 i;

	for (i = 0; i < NELEM(pats); i++) {
		g = rd(pats[i]);
		ck_assert_int_eq(g->st, STIX_OK);
		ck_assert_uint_ge(g->n, 1);
		ck_assert_msg(!g->null_ptr, "\"%s\": a value handed over as "
		    "a null pointer", pats[i]);
		got_free(g);
	}
}
END_TEST

START_TEST(value_order_duplicates)
{
	expect_values("[ipv4-addr:value = '198.51.100.3' OR "
	    "ipv4-addr:value = '198.51.100.1' OR "
	    "ipv4-addr:value = '198.51.100.3']",
	    "198.51.100.3", "198.51.100.1", "198.51.100.3", NULL);
}
END_TEST

/* ---------------------------------------------------------------------
 * Quoting.
 */

START_TEST(quote_escapes)
{
	expect_values("[ipv4-addr:value = 'a\\'b']", "a'b", NULL);
	expect_values("[ipv4-addr:value = 'a\\\\b']", "a\\b", NULL);
	expect_values("[ipv4-addr:value = '\\'']", "'", NULL);
	expect_values("[ipv4-addr:value = '\\\\']", "\\", NULL);
	expect_values("[ipv4-addr:value = '\\\\\\'\\\\']", "\\'\\", NULL);
	expect_values("[ipv4-addr:value = 'x\\\\'] OR "
	    "[ipv4-addr:value = 'y']", "x\\", "y", NULL);
	/* A double quote needs no escape. */
	expect_values("[ipv4-addr:value = 'a\"b']", "a\"b", NULL);
}
END_TEST

START_TEST(quote_other_escapes_refused)
{
	static const char *const bad[] = {
		"[ipv4-addr:value = 'a\\nb']",
		"[ipv4-addr:value = 'a\\tb']",
		"[ipv4-addr:value = 'a\\\"b']",
		"[ipv4-addr:value = 'a\\/b']",
		"[ipv4-addr:value = '\\x41']",
		"[ipv4-addr:value = '\\u0041']",
		"[ipv4-addr:value = '\\0']",
		"[ipv4-addr:value = '\\ ']",
		/* In the constants of other paths too. */
		"[domain-name:value = 'a\\nb']",
		"[domain-name:value IN ('a', 'b\\q')]",
		("[file:name = 'x'] START t'2016\\-01-01T00:00:00Z' "
		    "STOP t'2017-01-01T00:00:00Z'")
	};
	size_t	 i;

	for (i = 0; i < NELEM(bad); i++)
		ck_status(bad[i], STIX_SYNTAX);
	/* The escapes that are allowed, on another path. */
	ck_status("[domain-name:value = 'it\\'s \\\\ here']", STIX_NOADDR);
}
END_TEST

START_TEST(quote_unterminated)
{
	ck_status("[ipv4-addr:value = '198.51.100.1]", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1\\']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1\\", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = ']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '", STIX_SYNTAX);
	ck_status("[domain-name:value = 'x]", STIX_SYNTAX);
	ck_status("[file:hashes.'SHA-256 = 'x']", STIX_SYNTAX);
	/* Values must be quoted, with single quotes. */
	ck_status("[ipv4-addr:value = 198.51.100.1]", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = \"198.51.100.1\"]", STIX_SYNTAX);
	/* A binary literal is one, but not an address. */
	ck_status("[ipv4-addr:value = b'AAAA']", STIX_COMPOUND);
}
END_TEST

/* ---------------------------------------------------------------------
 * Whitespace.
 */

START_TEST(ws_none)
{
	expect_values("[ipv4-addr:value='198.51.100.1']", "198.51.100.1",
	    NULL);
	expect_values("[ipv4-addr:value='198.51.100.1'OR "
	    "ipv6-addr:value='2001:db8::1']", "198.51.100.1", "2001:db8::1",
	    NULL);
	expect_values("([ipv4-addr:value='198.51.100.1'])OR"
	    "([ipv4-addr:value='198.51.100.2'])", "198.51.100.1",
	    "198.51.100.2", NULL);
	ck_status("[ipv4-addr:value!='198.51.100.1']", STIX_COMPOUND);
	ck_status("[domain-name:value='x']", STIX_NOADDR);
}
END_TEST

START_TEST(ws_everywhere)
{
	expect_values(" \t\r\n [ \t\r\n ipv4-addr:value \t\r\n = \t\r\n "
	    "'198.51.100.1' \t\r\n OR\t\r\n ipv4-addr:value\f=\v"
	    "'198.51.100.2' \t\r\n ] \t\r\n OR \t\r\n ( \n [ \n "
	    "ipv6-addr:value \n = \n '2001:db8::1' \n ] \n ) \t\r\n ",
	    "198.51.100.1", "198.51.100.2", "2001:db8::1", NULL);
	/* White space inside a string is kept. */
	expect_values("[ipv4-addr:value = '\t198.51.100.1\n']",
	    "\t198.51.100.1\n", NULL);
	/* Qualifiers and their constants, spread over lines. */
	ck_status("[ipv4-addr:value = '198.51.100.1']\n WITHIN\n 300\n "
	    "SECONDS\n", STIX_COMPOUND);
}
END_TEST

START_TEST(ws_only)
{
	ck_status("", STIX_SYNTAX);
	ck_status(" ", STIX_SYNTAX);
	ck_status("\t\r\n", STIX_SYNTAX);
	ck_status("[ ]", STIX_SYNTAX);
	ck_status("[]", STIX_SYNTAX);
}
END_TEST

/* A keyword must be a word of its own. */
START_TEST(ws_word_boundaries)
{
	ck_status("[ipv4-addr:value = '198.51.100.1'] ORx "
	    "[ipv4-addr:value = '198.51.100.2']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'] OR_ "
	    "[ipv4-addr:value = '198.51.100.2']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'] ANDY "
	    "[ipv4-addr:value = '198.51.100.2']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value NOTE = '198.51.100.1']", STIX_SYNTAX);
	/* A bracket or parenthesis ends a keyword. */
	expect_values("[ipv4-addr:value = '198.51.100.1']OR"
	    "[ipv4-addr:value = '198.51.100.2']", "198.51.100.1",
	    "198.51.100.2", NULL);
	expect_values("[ipv4-addr:value = '198.51.100.1']OR("
	    "[ipv4-addr:value = '198.51.100.2'])", "198.51.100.1",
	    "198.51.100.2", NULL);
}
END_TEST

/* ---------------------------------------------------------------------
 * Disjunction.
 */

START_TEST(or_inside)
{
	expect_values("[ipv4-addr:value = '198.51.100.1' OR "
	    "ipv6-addr:value = '2001:db8::1' OR "
	    "network-traffic:dst_ref.value = '203.0.113.9']",
	    "198.51.100.1", "2001:db8::1", "203.0.113.9", NULL);
	/* Comparisons of other paths are passed over. */
	expect_values("[domain-name:value = 'www.example.com' OR "
	    "ipv4-addr:value = '113.10.246.30' OR "
	    "ipv4-addr:value = '219.90.112.203']",
	    "113.10.246.30", "219.90.112.203", NULL);
	expect_values("[ipv4-addr:value = '198.51.100.1' OR "
	    "file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4' OR "
	    "url:value = 'http://x/']", "198.51.100.1", NULL);
}
END_TEST

START_TEST(or_across)
{
	expect_values("[ipv4-addr:value = '198.51.100.1'] OR "
	    "[ipv6-addr:value = '2001:db8::1']", "198.51.100.1",
	    "2001:db8::1", NULL);
	expect_values("[domain-name:value = 'x'] OR "
	    "[ipv4-addr:value = '198.51.100.1' OR "
	    "ipv4-addr:value = '198.51.100.2'] OR [url:value = 'y']",
	    "198.51.100.1", "198.51.100.2", NULL);
}
END_TEST

/* Keywords are written in capitals (STIXPattern.g4 of STIX 2.1). */
START_TEST(or_case)
{
	static const char *const bad[] = {
		"[ipv4-addr:value = '198.51.100.1' or "
		    "ipv4-addr:value = '198.51.100.2']",
		"[ipv4-addr:value = '198.51.100.1'] Or "
		    "[ipv4-addr:value = '198.51.100.3']",
		"[ipv4-addr:value = '198.51.100.1' and domain-name:value = 'x']",
		"[ipv4-addr:value = '198.51.100.1'] followedby "
		    "[ipv4-addr:value = '198.51.100.2']",
		"[ipv4-addr:value issubset '198.51.100.0/24']",
		"[ipv4-addr:value in ('198.51.100.1')]",
		"[ipv4-addr:value not = '198.51.100.1']",
		"[x:y = TRUE]",
		"[x:y = True]"
	};
	size_t	 i;

	for (i = 0; i < NELEM(bad); i++)
		ck_status(bad[i], STIX_SYNTAX);
	expect_values("[ipv4-addr:value = '198.51.100.1' OR "
	    "ipv4-addr:value = '198.51.100.2'] OR "
	    "[ipv4-addr:value = '198.51.100.3']", "198.51.100.1",
	    "198.51.100.2", "198.51.100.3", NULL);
	ck_status("[x:y = true OR x:z = false]", STIX_NOADDR);
}
END_TEST

START_TEST(or_parentheses)
{
	expect_values("([ipv4-addr:value = '198.51.100.1'])", "198.51.100.1",
	    NULL);
	expect_values("[(ipv4-addr:value = '198.51.100.1')]", "198.51.100.1",
	    NULL);
	expect_values("(([ipv4-addr:value = '198.51.100.1'] OR "
	    "[ipv4-addr:value = '198.51.100.2']) OR "
	    "([(ipv4-addr:value = '198.51.100.3' OR "
	    "(ipv6-addr:value = '2001:db8::3'))]))", "198.51.100.1",
	    "198.51.100.2", "198.51.100.3", "2001:db8::3", NULL);
	expect_values("[((((ipv4-addr:value = '198.51.100.1'))))]",
	    "198.51.100.1", NULL);
	/* Unbalanced. */
	ck_status("([ipv4-addr:value = '198.51.100.1']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'])", STIX_SYNTAX);
	ck_status("[(ipv4-addr:value = '198.51.100.1']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1')]", STIX_SYNTAX);
	ck_status("([ipv4-addr:value = '198.51.100.1')]", STIX_SYNTAX);
	ck_status("()", STIX_SYNTAX);
	ck_status("[()]", STIX_SYNTAX);
}
END_TEST

/* ---------------------------------------------------------------------
 * Compound patterns and patterns without addresses.
 */

START_TEST(compound_and)
{
	ck_status("[ipv4-addr:value = '198.51.100.1' AND "
	    "domain-name:value = 'x']", STIX_COMPOUND);
	ck_status("[ipv4-addr:value = '198.51.100.1' AND "
	    "ipv4-addr:value = '198.51.100.2']", STIX_COMPOUND);
	/* Restating the type of another reference narrows. */
	ck_status("[network-traffic:src_ref.type = 'ipv4-addr' AND "
	    "network-traffic:dst_ref.value = '203.0.113.33/32']",
	    STIX_COMPOUND);
	ck_status("[network-traffic:dst_ref.type = 'domain-name' AND "
	    "network-traffic:dst_ref.value = '203.0.113.33']", STIX_COMPOUND);
	ck_status("[network-traffic:dst_ref.type != 'ipv4-addr' AND "
	    "network-traffic:dst_ref.value = '203.0.113.33']", STIX_COMPOUND);
	/* A port beside an address that is not a reference narrows. */
	ck_status("[ipv4-addr:value = '198.51.100.1' AND "
	    "network-traffic:dst_port = 80]", STIX_COMPOUND);
	ck_status("[network-traffic:dst_ref.value = '198.51.100.1' AND "
	    "network-traffic:src_ref.value = '198.51.100.2']", STIX_COMPOUND);
	ck_status("[ipv4-addr:value = '198.51.100.1'] AND "
	    "[domain-name:value = 'x']", STIX_COMPOUND);
	ck_status("[ipv4-addr:value = '198.51.100.1'] AND "
	    "[ipv4-addr:value = '198.51.100.2']", STIX_COMPOUND);
	/* An OR elsewhere does not save it. */
	ck_status("[ipv4-addr:value = '198.51.100.1'] OR "
	    "([ipv4-addr:value = '198.51.100.2'] AND [url:value = 'u'])",
	    STIX_COMPOUND);
	ck_status("[ipv4-addr:value = '198.51.100.1' OR "
	    "(ipv4-addr:value = '198.51.100.2' AND url:value = 'u')]",
	    STIX_COMPOUND);
}
END_TEST

START_TEST(compound_followedby)
{
	ck_status("[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY "
	    "[ipv4-addr:value = '198.51.100.2']", STIX_COMPOUND);
	ck_status("[domain-name:value = 'x'] FOLLOWEDBY "
	    "[ipv4-addr:value = '198.51.100.2']", STIX_COMPOUND);
}
END_TEST

START_TEST(compound_qualifiers)
{
	ck_status("[ipv4-addr:value = '198.51.100.1'] WITHIN 300 SECONDS",
	    STIX_COMPOUND);
	ck_status("[ipv4-addr:value = '198.51.100.1'] REPEATS 5 TIMES",
	    STIX_COMPOUND);
	ck_status("[ipv4-addr:value = '198.51.100.1'] "
	    "START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
	    STIX_COMPOUND);
	ck_status("([ipv4-addr:value = '198.51.100.1'] OR "
	    "[ipv4-addr:value = '198.51.100.2']) REPEATS 2 TIMES "
	    "WITHIN 60 SECONDS", STIX_COMPOUND);
	ck_status("[ipv4-addr:value = '198.51.100.1'] WITHIN 1.5 SECONDS",
	    STIX_COMPOUND);
	/* A qualifier needs its constant. */
	ck_status("[ipv4-addr:value = '198.51.100.1'] WITHIN",
	    STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'] WITHIN SECONDS",
	    STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'] START",
	    STIX_SYNTAX);
}
END_TEST

/* Only '=' and ISSUBSET give an address; NOT never does. */
START_TEST(compound_operators)
{
	static const char *const ops[] = {
		"[ipv4-addr:value != '198.51.100.1']",
		"[ipv4-addr:value NOT = '198.51.100.1']",
		"[ipv4-addr:value NOT ISSUBSET '198.51.100.0/24']",
		"[ipv4-addr:value ISSUPERSET '198.51.100.0/24']",
		"[ipv4-addr:value > '198.51.100.1']",
		"[ipv4-addr:value < '198.51.100.1']",
		"[ipv4-addr:value >= '198.51.100.1']",
		"[ipv4-addr:value <= '198.51.100.1']",
		"[ipv4-addr:value LIKE '198.51.100.%']",
		"[ipv4-addr:value MATCHES '^198\\\\.51\\\\.']",
		"[ipv4-addr:value NOT IN ('198.51.100.1')]",
		"[ipv4-addr:value IN ('198.51.100.1', 5)]",
		"[ipv4-addr:value IN ()]",
		"[ipv4-addr:value = 5]",
		"[ipv4-addr:value = true]",
		"[ipv4-addr:value <> '198.51.100.1']",
		"[EXISTS ipv4-addr:value]",
		"[NOT EXISTS network-traffic:dst_ref.value]",
		"[network-traffic:src_ref.value != '198.51.100.1']",
		"[ipv6-addr:value NOT = '2001:db8::1']",
		/* One of them spoils an OR list. */
		"[ipv4-addr:value = '198.51.100.1' OR "
		    "ipv4-addr:value != '198.51.100.2']",
		"[ipv4-addr:value = '198.51.100.1'] OR "
		    "[ipv4-addr:value NOT = '198.51.100.2']"
	};
	size_t	 i;

	for (i = 0; i < NELEM(ops); i++)
		ck_status(ops[i], STIX_COMPOUND);
	/* The same operators on other paths name no address. */
	ck_status("[domain-name:value != 'x']", STIX_NOADDR);
	ck_status("[domain-name:value NOT = 'x']", STIX_NOADDR);
	ck_status("[file:size > 100]", STIX_NOADDR);
	ck_status("[url:value LIKE 'http://%']", STIX_NOADDR);
	ck_status("[url:value MATCHES '^http']", STIX_NOADDR);
	/* Beside a plain address, a negated other path is compound only
	 * through AND. */
	expect_values("[ipv4-addr:value = '198.51.100.1' OR "
	    "domain-name:value != 'x']", "198.51.100.1", NULL);
}
END_TEST

START_TEST(noaddr)
{
	static const char *const pats[] = {
		"[domain-name:value = 'x']",
		"[url:value = 'http://198.51.100.1/']",
		"[file:hashes.MD5 = '001dd76872d80801692ff942308c64e6']",
		"[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97"
		    "aa631564d5d789c2b765448c8635fb6c']",
		"[x509-certificate:issuer = 'CN=WEBMAIL' AND "
		    "x509-certificate:serial_number = '4c:0b']",
		"[domain-name:value = 'x'] AND [url:value = 'y']",
		"[domain-name:value = 'x'] FOLLOWEDBY [url:value = 'y']",
		"[domain-name:value = 'x'] WITHIN 10 SECONDS",
		"[domain-name:value = 'x'] REPEATS 2 TIMES",
		"[domain-name:value = 'x' OR url:value = 'y']",
		/* Near misses of the address paths. */
		"[ipv4-addr:values = '198.51.100.1']",
		"[ipv4-addr:value.x = '198.51.100.1']",
		"[ipv4-addr:resolves_to_refs[*].value = '198.51.100.1']",
		"[IPV4-ADDR:value = '198.51.100.1']",
		"[ipv4-addr:VALUE = '198.51.100.1']",
		"[network-traffic:src_ref.type = 'ipv4-addr']",
		"[network-traffic:dst_port = 443]",
		"[network-traffic:src_ref = '198.51.100.1']",
		"[network-traffic:value = '198.51.100.1']",
		"[domain-name:resolves_to_refs[*].value = '198.51.100.1']"
	};
	size_t	 i;

	for (i = 0; i < NELEM(pats); i++)
		ck_status(pats[i], STIX_NOADDR);
}
END_TEST

/* ---------------------------------------------------------------------
 * Constants and paths of other comparisons.
 */

START_TEST(constants_other_paths)
{
	static const char *const pats[] = {
		"[network-traffic:dst_port = 443]",
		"[network-traffic:dst_port = -1]",
		"[network-traffic:dst_port = +8]",
		"[file:size >= 1.5]",
		"[file:size < 1000000]",
		"[file:size <= -2.5]",
		"[file:size <= .5]",
		"[file:size <= +0.5]",
		"[x-custom:flag = true]",
		"[x-custom:flag = false]",
		"[x-custom:flag <> true]",
		"[x-custom:flag == false]",
		"[artifact:payload_bin = b'VGhpcyBpcyBhIHRlc3Q=']",
		"[file:magic_number_hex = h'ffd8']",
		"[file:created = t'2016-11-23T10:00:00Z']",
		"[file:created > t'2016-11-23T10:00:00.123Z']",
		"[domain-name:value IN ('a.example', 'b.example')]",
		"[network-traffic:dst_port IN (80, 443, 8080)]",
		"[x-custom:v IN ('a', 1, true, h'00', b'AA==', "
		    "t'2016-01-01T00:00:00Z')]",
		"[network-traffic:dst_port NOT IN (80)]",
		"[domain-name:value IN ('x')]",
		"[file:extensions.'windows-pebinary-ext'.sections[*].entropy "
		    "> 7.0]",
		"[email-message:to_refs[*].value = 'a@example.com']",
		"[email-message:body_multipart[0].body_raw_ref.name = 'x']",
		"[windows-registry-key:values[*].name = 'x']",
		"[x_custom-type_1:prop_a.'prop-b' = 'x']",
		"[x:a[-1].b[+2] = 'x']",
		"[x:a IN ()]",
		"[EXISTS x:a]",
		"[NOT EXISTS x:a.b[*]]",
		"[x:a NOT LIKE 'b%' AND x:b NOT MATCHES 'c' AND "
		    "x:c NOT ISSUPERSET '10.0.0.0/8']",
		"[file:created > t'2016-11-23T10:00:00.1234Z' AND "
		    "file:created < t'2016-12-31T23:59:60Z']",
		"[artifact:payload_bin = b'AAA=' OR artifact:payload_bin = "
		    "b'AA==' OR artifact:payload_bin = b'+/+/']",
		"[file:magic_number_hex = h'' OR file:magic_number_hex = "
		    "h'aBcD']",
		"[file:name = ']' OR file:name = '[' OR file:name = ''']'"
	};
	size_t	 i;

	for (i = 0; i < NELEM(pats) - 1; i++)
		ck_status(pats[i], STIX_NOADDR);
	/* The last one: ''' is not an escaped quote. */
	ck_status(pats[i], STIX_SYNTAX);
	/* Constants of other paths beside addresses. */
	expect_values("[ipv4-addr:value = '198.51.100.1' OR "
	    "network-traffic:dst_port IN (80, 443) OR "
	    "file:size > 1.5 OR x-c:f = true OR "
	    "file:created = t'2016-11-23T10:00:00Z' OR "
	    "artifact:payload_bin = b'AAAA' OR "
	    "file:magic_number_hex = h'ff' OR "
	    "ipv6-addr:value = '2001:db8::9']",
	    "198.51.100.1", "2001:db8::9", NULL);
}
END_TEST

START_TEST(constants_bad)
{
	static const char *const pats[] = {
		"[network-traffic:dst_port = ]",
		"[network-traffic:dst_port IN ('a',)]",
		"[network-traffic:dst_port IN ('a' 'b')]",
		"[network-traffic:dst_port IN ('a'",
		"[domain-name:value = x]",
		"[domain-name:value = 'a' 'b']",
		"[domain-name:value = b'a]",
		"[domain-name:value = t]",
		"[domain-name:value = truex]",
		"[domain-name:value = @]",
		"[domain-name:value LIKE]"
	};
	size_t	 i;

	for (i = 0; i < NELEM(pats); i++)
		ck_status(pats[i], STIX_SYNTAX);
}
END_TEST

/* ---------------------------------------------------------------------
 * Syntax errors, truncations, random input.
 */

START_TEST(syntax_garbage)
{
	static const char *const pats[] = {
		"[", "]", "(", ")", "'", "x", "OR", "AND",
		"ipv4-addr:value = '198.51.100.1'",
		"198.51.100.1",
		"[ipv4-addr:value]",
		"[ipv4-addr:value =]",
		"[ipv4-addr:value '198.51.100.1']",
		"[= '198.51.100.1']",
		"[ipv4-addr = '198.51.100.1']",
		"[ipv4-addr:value = '198.51.100.1'",
		"[ipv4-addr:value = '198.51.100.1']]",
		"[[ipv4-addr:value = '198.51.100.1']]",
		"[ipv4-addr:value = '198.51.100.1'] "
		    "[ipv4-addr:value = '198.51.100.2']",
		"[ipv4-addr:value = '198.51.100.1'] OR",
		"OR [ipv4-addr:value = '198.51.100.1']",
		"[ipv4-addr:value = '198.51.100.1' OR]",
		"[OR ipv4-addr:value = '198.51.100.1']",
		"[ipv4-addr:value = '198.51.100.1' OR OR "
		    "ipv4-addr:value = '198.51.100.2']",
		"[ipv4-addr:value = '198.51.100.1'] OR OR "
		    "[ipv4-addr:value = '198.51.100.2']",
		"[ipv4-addr:value = '198.51.100.1'] AND",
		"[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY",
		"[ipv4-addr:value = '198.51.100.1'] x",
		"[ipv4-addr:value = '198.51.100.1'] ,",
		"[ipv4-addr:value == '198.51.100.1' extra]",
		"[ipv4-addr:value = '198.51.100.1', "
		    "ipv4-addr:value = '198.51.100.2']",
		"[ipv4-addr:value ~ '198.51.100.1']",
		"[ipv4-addr:value NOT]",
		"[ipv4-addr:value NOT NOT = '198.51.100.1']",
		"[ipv4-addr:value = '198.51.100.1' ipv4-addr:value = 'x']",
		"{\"pattern\": \"[ipv4-addr:value = '198.51.100.1']\"}",
		"\"[ipv4-addr:value = '198.51.100.1']\""
	};
	size_t	 i;

	for (i = 0; i < NELEM(pats); i++)
		ck_status(pats[i], STIX_SYNTAX);
}
END_TEST

/* Valid patterns, each cut at every length by the truncation test. */
static const char *const valid[] = {
	"[ipv4-addr:value = '198.51.100.1']",
	"[ipv6-addr:value = '2001:db8::1' OR "
	    "network-traffic:src_ref.value = '203.0.113.0/24']",
	"([ipv4-addr:value = 'a\\'b\\\\c'] OR "
	    "[(domain-name:value = 'x' OR ipv4-addr:value ISSUBSET "
	    "'198.51.100.0/24')])",
	"[domain-name:value IN ('a', 'b')] OR "
	    "[network-traffic:dst_port = 443] OR "
	    "[file:hashes.'x-hash' = 'ab' AND file:size > 1500.5]",
	"[ipv4-addr:value = '198.51.100.1'] REPEATS 5 TIMES "
	    "WITHIN 300 SECONDS FOLLOWEDBY "
	    "[x:y = t'2016-01-01T00:00:00Z'] "
	    "START t'2016-01-01T00:00:00Z' STOP t'2016-02-01T00:00:00Z'",
	"[ipv4-addr:value NOT = '198.51.100.1' OR "
	    "artifact:payload_bin = b'AA==' OR x:h = h'00' OR x:b = true]"
};

/*
 * Every proper prefix of a valid pattern: no read outside it, no
 * callback unless STIX_OK, and STIX_SYNTAX until the first observation
 * is closed; a prefix that reads as STIX_OK gives a prefix of the full
 * pattern's values.
 */
START_TEST(syntax_truncations)
{
	size_t	 i, n, j;

	for (i = 0; i < NELEM(valid); i++) {
		const char *p = valid[i];
		size_t	 len = strlen(p);
		size_t	 first = (size_t)(strchr(p, ']') - p);
		struct got *full = rd(p);

		ck_assert_msg(full->st != STIX_SYNTAX, "%s", p);
		for (n = 0; n < len; n++) {
			struct got *g = readn(p, n);

			if (n <= first)
				ck_assert_msg(g->st == STIX_SYNTAX,
				    "\"%.*s\": %d", (int)n, p, (int)g->st);
			if (g->st == STIX_OK && full->st == STIX_OK)
				for (j = 0; j < g->n; j++) {
					ck_assert_uint_lt(j, full->n);
					ck_assert_str_eq(g->v[j], full->v[j]);
				}
			got_free(g);
		}
		got_free(full);
	}
}
END_TEST

/* Every suffix, and the pattern with one byte changed to each value. */
START_TEST(syntax_mutations)
{
	size_t	 i, k, len;
	unsigned c;
	char	 buf[512];

	for (i = 0; i < NELEM(valid); i++) {
		len = strlen(valid[i]);
		ck_assert_uint_lt(len, sizeof(buf));
		for (k = 1; k <= len; k++)
			got_free(readn(valid[i] + k, len - k));
		for (k = 0; k < len; k += 3)
			for (c = 0; c < 256; c += 7) {
				memcpy(buf, valid[i], len);
				buf[k] = (char)c;
				got_free(readn(buf, len));
			}
	}
}
END_TEST

/* Random bytes from the pattern alphabet (fixed seed). */
START_TEST(syntax_random)
{
	static const char alpha[] = "[]()'\\ :.=!<>,*-_ \t\nORANDNOTIN"
	    "ipv4-addr:valuev6FOLLOWEDBYWITHINREPEATSSTARTbht0123456789";
	uint32_t seed = 12345;
	char	 buf[200];
	int	 i;
	size_t	 n, k;

	for (i = 0; i < TEST_ROUNDS(20000); i++) {
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % sizeof(buf);
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		got_free(readn(buf, n));
	}
}
END_TEST

/* 4096 addresses in one pattern are read; more are not a pattern. */
START_TEST(syntax_many_values)
{
	static const char item[] = "ipv4-addr:value = '198.51.100.1' OR ";
	size_t	 n, k, len;
	char	*p;
	struct got *g;

	p = malloc(5000 * sizeof(item) + 8);
	ck_assert_ptr_nonnull(p);
	for (n = 4096; n <= 4097; n++) {
		len = 0;
		p[len++] = '[';
		for (k = 0; k < n; k++) {
			memcpy(p + len, item, sizeof(item) - 1);
			len += sizeof(item) - 1;
		}
		len -= 4;		/* The last " OR ". */
		p[len++] = ']';
		g = readn(p, len);
		if (n == 4096) {
			ck_assert_int_eq(g->st, STIX_OK);
			ck_assert_uint_eq(g->n, 4096);
		} else
			ck_assert_int_eq(g->st, STIX_SYNTAX);
		got_free(g);
	}
	free(p);
}
END_TEST

/* ---------------------------------------------------------------------
 * The grammar's forms (STIXPattern.g4, STIX 2.1).
 */

START_TEST(form_operators)
{
	expect_values("[ipv4-addr:value == '198.51.100.1']", "198.51.100.1",
	    NULL);
	expect_values("[ipv4-addr:value IN ('198.51.100.1', '2001:db8::1')]",
	    "198.51.100.1", "2001:db8::1", NULL);
	expect_values("[network-traffic:dst_ref.value IN ('198.51.100.0/24')"
	    " OR ipv4-addr:value=='198.51.100.9']", "198.51.100.0/24",
	    "198.51.100.9", NULL);
	expect_values("[ipv4-addr:value IN('198.51.100.1','198.51.100.2')]",
	    "198.51.100.1", "198.51.100.2", NULL);
	ck_status("[file:size <> 5]", STIX_NOADDR);
	ck_status("[x:y NOT <> 5]", STIX_NOADDR);
	/* Operators are single tokens. */
	ck_status("[x:y = = 5]", STIX_SYNTAX);
	ck_status("[x:y < > 5]", STIX_SYNTAX);
	ck_status("[x:y ! = 5]", STIX_SYNTAX);
	ck_status("[x:y === 5]", STIX_SYNTAX);
	/* Each operator with its literals. */
	ck_status("[x:y > true]", STIX_SYNTAX);
	ck_status("[x:y LIKE 5]", STIX_SYNTAX);
	ck_status("[x:y MATCHES b'AAAA']", STIX_SYNTAX);
	ck_status("[x:y ISSUBSET h'00']", STIX_SYNTAX);
	ck_status("[x:y IN 'a']", STIX_SYNTAX);
	ck_status("[x:y IN ('a' 'b')]", STIX_SYNTAX);
	ck_status("[x:y IN (('a'))]", STIX_SYNTAX);
	ck_status("[x:y EXISTS]", STIX_SYNTAX);
	ck_status("[EXISTS]", STIX_SYNTAX);
	ck_status("[NOT x:y = 1]", STIX_SYNTAX);
	ck_status("[x:y NOT NOT = 1]", STIX_SYNTAX);
	ck_status("[x:y LAST = 1]", STIX_SYNTAX);
}
END_TEST

/* Comments are white space, unless unclosed. */
START_TEST(form_comments)
{
	expect_values("/* c2 */ [ipv4-addr:value /* here */ = "
	    "'198.51.100.1' // the address\n OR ipv4-addr:value = "
	    "'198.51.100.2'] // done", "198.51.100.1", "198.51.100.2", NULL);
	expect_values("[ipv4-addr:value = '198.51.100.1']//\r\n/**/",
	    "198.51.100.1", NULL);
	expect_values("[ipv4-addr:value = '/* not a comment */']",
	    "/* not a comment */", NULL);
	expect_values("[ipv4-addr:value = '198.51.100.1'] /* ] OR [ */",
	    "198.51.100.1", NULL);
	ck_status("[ipv4-addr:value = '198.51.100.1'] /* open", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'] /", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'] / / x", STIX_SYNTAX);
	ck_status("// all a comment [ipv4-addr:value = '198.51.100.1']",
	    STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1'] # x", STIX_SYNTAX);
}
END_TEST

/* The grammar's white space includes some Unicode spaces (UTF-8). */
START_TEST(form_unicode_space)
{
	expect_values("\xc2\xa0[ipv4-addr:value\xe2\x80\x83=\xe3\x80\x80"
	    "'198.51.100.1'\xc2\x85]\xe2\x80\xa8", "198.51.100.1", NULL);
	ck_status("[ipv4-addr:value\xe2\x80\x8b= '198.51.100.1']",
	    STIX_SYNTAX);		/* U+200B is not white space. */
	ck_status("[ipv4-addr:value\xc2= '198.51.100.1']", STIX_SYNTAX);
	ck_status("[ipv4-addr:value = '198.51.100.1']\xe2\x80", STIX_SYNTAX);
}
END_TEST

/* Quoted path components, list steps and identifiers. */
START_TEST(form_paths)
{
	expect_values("[ipv4-addr:'value' = '198.51.100.1']", "198.51.100.1",
	    NULL);
	expect_values("[network-traffic:'dst_ref'.'value' = '198.51.100.1']",
	    "198.51.100.1", NULL);
	expect_values("[network-traffic : dst_ref . value = '198.51.100.1']",
	    "198.51.100.1", NULL);
	ck_status("[file:hashes.'x-sha' = 'x' OR x:'a\\'b'.'' = 1]",
	    STIX_NOADDR);
	ck_status("[x:a[*][0][-1][+7] = 1]", STIX_NOADDR);
	ck_status("[ipv4-addr:value[0] = '198.51.100.1']", STIX_NOADDR);
	ck_status("[ipv4-addr:'value '= '198.51.100.1']", STIX_NOADDR);
	/* Property names have no hyphen unless quoted; types may. */
	ck_status("[x:a-b = 1]", STIX_SYNTAX);
	ck_status("[x:a.b-c = 1]", STIX_SYNTAX);
	ck_status("[x-y-:a = 1]", STIX_NOADDR);
	ck_status("[_x:_a = 1]", STIX_NOADDR);
	ck_status("[1x:a = 1]", STIX_SYNTAX);
	ck_status("[-x:a = 1]", STIX_SYNTAX);
	ck_status("[x:'a'.\"b\" = 1]", STIX_SYNTAX);
	ck_status("[x:[0] = 1]", STIX_SYNTAX);
	ck_status("[x:a[] = 1]", STIX_SYNTAX);
	ck_status("[x:a[1.5] = 1]", STIX_SYNTAX);
	ck_status("[x:a[01] = 1]", STIX_SYNTAX);
	ck_status("[x:a. = 1]", STIX_SYNTAX);
	ck_status("[x:a.5 = 1]", STIX_SYNTAX);
	ck_status("['x':a = 1]", STIX_SYNTAX);
	/* A keyword is no name. */
	ck_status("[AND:a = 1]", STIX_SYNTAX);
	ck_status("[x:OR = 1]", STIX_SYNTAX);
	ck_status("[x:true = 1]", STIX_SYNTAX);
	ck_status("[x:ORx = 1 AND x:and = 1 AND x:True = 1]", STIX_NOADDR);
}
END_TEST

START_TEST(form_literals)
{
	static const char *const good[] = {
		"[x:a = 0]", "[x:a = -0]", "[x:a = +10]", "[x:a = 1.0]",
		"[x:a = 00.5]", "[x:a = -.5]", "[x:a = h'']", "[x:a = b'AAAA']",
		"[x:a = b'AAA=']", "[x:a = b'AA==']", "[x:a = b'AAAAAA==']",
		"[x:a = t'0000-01-01T00:00:00Z']",
		"[x:a = t'9999-12-31T23:59:60.000000001Z']",
		"[x:a = '']", "[x:a = 'a\\\\b\\'c']"
	};
	static const char *const bad[] = {
		"[x:a = 01]", "[x:a = 1.]", "[x:a = 1e5]", "[x:a = .]",
		"[x:a = +]", "[x:a = - 1]", "[x:a = 0x10]", "[x:a = h'0']",
		"[x:a = h'0g']", "[x:a = H'00']", "[x:a = b'']",
		"[x:a = b'A']", "[x:a = b'AAAAA']", "[x:a = b'A===']",
		"[x:a = b'A=AA']", "[x:a = b'AA=A']", "[x:a = b'AAA_']",
		"[x:a = t'2016-01-01T00:00:00']",
		"[x:a = t'2016-01-01T00:00:00+00:00']",
		"[x:a = t'2016-01-01 00:00:00Z']",
		"[x:a = t'2016-01-01T00:00:00.Z']",
		"[x:a = t'2016-1-01T00:00:00Z']",
		"[x:a = t'16-01-01T00:00:00Z']",
		"[x:a = t'2016-01-01T00:00:00z']",
		"[x:a = T'2016-01-01T00:00:00Z']",
		"[x:a = t'2016-01-01T24:00:00Z']",
		"[x:a = t'2016-01-01T00:00:61Z']",
		"[x:a = \"s\"]", "[x:a = 's''t']", "[x:a = 's'x]",
		"[x:a = TRUE]", "[x:a = null]"
	};
	size_t	 i;

	for (i = 0; i < NELEM(good); i++)
		ck_status(good[i], STIX_NOADDR);
	for (i = 0; i < NELEM(bad); i++)
		ck_status(bad[i], STIX_SYNTAX);
}
END_TEST

START_TEST(form_qualifiers)
{
	static const char *const good[] = {
		("[x:a = 1] WITHIN 5 SECONDS REPEATS 2 TIMES START "
		    "t'2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z'"),
		"[x:a = 1] WITHIN 0.5 SECONDS", "[x:a = 1] WITHIN .5 SECONDS",
		"[x:a = 1] WITHIN +5 SECONDS", "[x:a = 1] REPEATS 0 TIMES",
		"([x:a = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
		"([x:a = 1]) REPEATS 2 TIMES REPEATS 3 TIMES",
		"[x:a = 1] WITHIN 5 SECONDS AND [x:b = 1] WITHIN 6 SECONDS"
	};
	static const char *const bad[] = {
		"[x:a = 1] WITHIN 5", "[x:a = 1] WITHIN -1 SECONDS",
		"[x:a = 1] WITHIN 5 TIMES", "[x:a = 1] REPEATS 1.5 TIMES",
		"[x:a = 1] REPEATS -1 TIMES", "[x:a = 1] REPEATS 2",
		("[x:a = 1] START '2016-01-01T00:00:00Z' STOP "
		    "'2016-01-02T00:00:00Z'"),
		"[x:a = 1] START t'2016-01-01T00:00:00Z'",
		"[x:a = 1] STOP t'2016-01-01T00:00:00Z'",
		"[x:a = 1] WITHIN 5 SECONDS REPEATS 2 TIMES WITHIN 6 SECONDS",
		"[x:a = 1] REPEATS 2 TIMES REPEATS 2 TIMES",
		"WITHIN 5 SECONDS [x:a = 1]",
		"[x:a = 1 WITHIN 5 SECONDS]"
	};
	size_t	 i;

	for (i = 0; i < NELEM(good); i++)
		ck_status(good[i], STIX_NOADDR);
	for (i = 0; i < NELEM(bad); i++)
		ck_status(bad[i], STIX_SYNTAX);
}
END_TEST

/* cti-pattern-validator's check of hash values. */
START_TEST(form_hashes)
{
	ck_status("[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']",
	    STIX_NOADDR);
	ck_status("[file:hashes.'sha-1' = "
	    "'79054025255fb1a26e4bc422aef54eb479054025']", STIX_NOADDR);
	ck_status("[file:hashes.SSDEEP = '3:a+b/c:d.e']", STIX_NOADDR);
	ck_status("[file:hashes.'x-unknown' = 'f00']", STIX_NOADDR);
	ck_status("[file:hashes[*] = 'f00']", STIX_NOADDR);
	ck_status("[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb']",
	    STIX_SYNTAX);
	ck_status("[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eg4']",
	    STIX_SYNTAX);
	ck_status("[file:hashes.MD5 IN ('79054025255fb1a26e4bc422aef54eb4')]",
	    STIX_SYNTAX);
	ck_status("[file:hashes.SSDEEP = '3 a']", STIX_SYNTAX);
	ck_status("[x:a.hashes.'SHA-256' = 'f00']", STIX_SYNTAX);
}
END_TEST

/* ---------------------------------------------------------------------
 * Addresses beside the parts that do not narrow them.
 */

/* MISP's STIX 2.1 export, and the STIX specification's own example. */
START_TEST(addr_reftype)
{
	expect_values("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
	    "network-traffic:dst_ref.value = '203.0.113.5']", "203.0.113.5",
	    NULL);
	expect_values("[network-traffic:src_ref.type = 'ipv6-addr' AND "
	    "network-traffic:src_ref.value = '2001:db8::5']", "2001:db8::5",
	    NULL);
	expect_values("[network-traffic:dst_ref.value = '203.0.113.5' AND "
	    "network-traffic:dst_ref.type == 'ipv4-addr']", "203.0.113.5",
	    NULL);
	/* ip-dst|port and ip-src|port. */
	expect_values("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
	    "network-traffic:dst_ref.value = '203.0.113.5' AND "
	    "network-traffic:dst_port = '8080']", "203.0.113.5", NULL);
	expect_values("[network-traffic:src_ref.type = 'ipv4-addr' AND "
	    "network-traffic:src_ref.value = '203.0.113.6' AND "
	    "network-traffic:src_port = 443 AND "
	    "network-traffic:protocols[*] = 'tcp']", "203.0.113.6", NULL);
	expect_values("[network-traffic:dst_ref.value = '203.0.113.7' AND "
	    "network-traffic:dst_port IN (80, 443) AND "
	    "network-traffic:protocols[0] = 'tcp' AND "
	    "NOT EXISTS network-traffic:src_port]", "203.0.113.7", NULL);
	/* Both references, each with its type, in an OR. */
	expect_values("[(network-traffic:src_ref.type = 'ipv4-addr' AND "
	    "network-traffic:src_ref.value = '203.0.113.8') OR "
	    "(network-traffic:dst_ref.type = 'ipv4-addr' AND "
	    "network-traffic:dst_ref.value = '203.0.113.8')]",
	    "203.0.113.8", "203.0.113.8", NULL);
	/* A port restating nothing: the type test must be of the same ref. */
	ck_status("[(network-traffic:src_ref.value = '203.0.113.8' OR "
	    "network-traffic:dst_ref.value = '203.0.113.9') AND "
	    "network-traffic:dst_ref.type = 'ipv4-addr']", STIX_COMPOUND);
	expect_values("[(network-traffic:src_ref.value = '203.0.113.8' OR "
	    "network-traffic:dst_ref.value = '203.0.113.9') AND "
	    "network-traffic:dst_port = 53]", "203.0.113.8", "203.0.113.9",
	    NULL);
	/* Alone, a type, port or protocol names no address. */
	ck_status("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
	    "network-traffic:dst_port = 80]", STIX_NOADDR);
	/* Qualifiers still narrow. */
	ck_status("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
	    "network-traffic:dst_ref.value = '203.0.113.5'] WITHIN 60 SECONDS",
	    STIX_COMPOUND);
}
END_TEST

/* An OR alternative without an address hides nothing. */
START_TEST(addr_or_alternative)
{
	expect_values("[ipv4-addr:value = '198.51.100.1'] OR "
	    "([file:name = 'a'] AND [file:name = 'b'])", "198.51.100.1", NULL);
	expect_values("([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) OR "
	    "[ipv4-addr:value = '198.51.100.1']", "198.51.100.1", NULL);
	expect_values("[file:name = 'a'] WITHIN 5 SECONDS OR "
	    "[ipv4-addr:value = '198.51.100.1'] OR [x:y = 1] AND [x:z = 2]",
	    "198.51.100.1", NULL);
	expect_values("[ipv4-addr:value = '198.51.100.1' OR "
	    "(file:name = 'a' AND file:size = 1)]", "198.51.100.1", NULL);
	/* An alternative whose address is narrowed still spoils it. */
	ck_status("[ipv4-addr:value = '198.51.100.1'] OR "
	    "([ipv4-addr:value = '198.51.100.2'] FOLLOWEDBY [x:y = 1])",
	    STIX_COMPOUND);
	/* FOLLOWEDBY binds loosest. */
	ck_status("[ipv4-addr:value = '198.51.100.1'] OR [x:y = 1] "
	    "FOLLOWEDBY [x:z = 1]", STIX_COMPOUND);
	expect_values("([x:y = 1] FOLLOWEDBY [x:z = 1]) OR "
	    "[ipv4-addr:value = '198.51.100.1']", "198.51.100.1", NULL);
}
END_TEST

/* ---------------------------------------------------------------------
 * cti-pattern-validator's test lists (tests/data/stix-patterns-*.txt).
 */

/*
 * Call fn(pattern, len, arg) for each line of the test data file name;
 * return the number of lines.
 */
static size_t
each_line(const char *name, void (*fn)(const char *, size_t, void *),
    void *arg)
{
	char	 path[1024], line[4096];
	FILE	*f;
	size_t	 n = 0, len;

	data_path(path, sizeof(path), name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: cannot open (set TESTDATA)", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strlen(line);
		ck_assert_msg(len > 0 && line[len - 1] == '\n', "%s: line "
		    "%zu too long", path, n + 1);
		fn(line, len - 1, arg);
		n++;
	}
	fclose(f);
	return n;
}

/* Counts of statuses, and the values of the patterns that gave some. */
struct tally {
	size_t	 st[4];
	char	 vals[1024];
};

static void
tally_valid(const char *p, size_t len, void *arg)
{
	struct tally *t = arg;
	struct got *g = readn(p, len);
	size_t	 i;

	ck_assert_msg(g->st != STIX_SYNTAX, "valid pattern refused: %.*s",
	    (int)len, p);
	t->st[g->st]++;
	for (i = 0; i < g->n; i++) {
		ck_assert_uint_lt(strlen(t->vals) + g->len[i] + 2,
		    sizeof(t->vals));
		strcat(t->vals, g->v[i]);
		strcat(t->vals, " ");
	}
	got_free(g);
}

static void
tally_invalid(const char *p, size_t len, void *arg)
{
	struct tally *t = arg;
	struct got *g = readn(p, len);

	ck_assert_msg(g->st == STIX_SYNTAX, "invalid pattern accepted (%d): "
	    "%.*s", (int)g->st, (int)len, p);
	t->st[g->st]++;
	got_free(g);
}

/*
 * The valid ones: 77 patterns, 3 with an address path.  The MISP-style
 * dst_ref pattern and the ISSUBSET one give their address; the third
 * holds its address under START/STOP and is compound.  ipv4addr (no
 * hyphen) is not an address type.
 */
START_TEST(validator_valid)
{
	struct tally t;

	memset(&t, 0, sizeof(t));
	ck_assert_uint_eq(each_line("stix-patterns-valid.txt", tally_valid,
	    &t), 77);
	ck_assert_uint_eq(t.st[STIX_OK], 2);
	ck_assert_uint_eq(t.st[STIX_COMPOUND], 2);
	ck_assert_uint_eq(t.st[STIX_NOADDR], 73);
	ck_assert_str_eq(t.vals, "203.0.113.33/32 "
	    "2001:0db8:dead:beef:0000:0000:0000:0000/64 ");
}
END_TEST

START_TEST(validator_invalid)
{
	struct tally t;

	memset(&t, 0, sizeof(t));
	ck_assert_uint_eq(each_line("stix-patterns-invalid.txt",
	    tally_invalid, &t), 27);
	ck_assert_uint_eq(t.st[STIX_SYNTAX], 27);
}
END_TEST

/* ---------------------------------------------------------------------
 * The public sample bundles.
 */

/*
 * Call fn for each indicator of the bundle file name (a copy in the
 * test data directory), with its id and pattern.  Returns the number of
 * indicators.
 */
static size_t
each_indicator(const char *name, void (*fn)(const char *, const char *,
    size_t *), size_t *counts)
{
	const char *objs_path[] = { "objects", NULL };
	const char *type_path[] = { "type", NULL };
	const char *id_path[] = { "id", NULL };
	const char *pat_path[] = { "pattern", NULL };
	char	 err[256], *text;
	yajl_val root, objs;
	size_t	 i, n = 0;

	text = slurp_data(name, NULL);
	root = yajl_tree_parse(text, err, sizeof(err));
	ck_assert_msg(root != NULL, "%s: %s", name, err);
	objs = yajl_tree_get(root, objs_path, yajl_t_array);
	ck_assert_ptr_nonnull(objs);
	for (i = 0; i < YAJL_GET_ARRAY(objs)->len; i++) {
		yajl_val o = YAJL_GET_ARRAY(objs)->values[i];
		yajl_val t = yajl_tree_get(o, type_path, yajl_t_string);
		yajl_val id = yajl_tree_get(o, id_path, yajl_t_string);
		yajl_val pat = yajl_tree_get(o, pat_path, yajl_t_string);

		const char *ts = t != NULL ? YAJL_GET_STRING(t) : NULL;

		if (ts == NULL || strcmp(ts, "indicator") != 0)
			continue;
		ck_assert_ptr_nonnull(id);
		ck_assert_ptr_nonnull(pat);
		fn(YAJL_GET_STRING(id), YAJL_GET_STRING(pat), counts);
		n++;
	}
	yajl_tree_free(root);
	free(text);
	return n;
}

/*
 * Check one sample pattern: its status, and for STIX_OK its values,
 * which must be exactly the quoted values that follow "ipv4-addr:value
 * = " or "ipv6-addr:value = " in the text (the samples use no escapes).
 * counts[status] is incremented.
 */
static void
check_sample(const char *id, const char *pat, size_t *counts)
{
	static const char *const keys[] = { "ipv4-addr:value = '",
	    "ipv6-addr:value = '" };
	struct got *g = rd(pat);
	const char *p, *next, *end;
	size_t	 n = 0, k;

	counts[g->st]++;
	ck_assert_msg(g->st == STIX_OK || g->st == STIX_NOADDR,
	    "%s: \"%s\": %d", id, pat, (int)g->st);
	for (p = pat;; p = end + 1) {
		next = NULL;
		for (k = 0; k < NELEM(keys); k++) {
			const char *q = strstr(p, keys[k]);

			if (q != NULL && (next == NULL || q < next))
				next = q + strlen(keys[k]);
		}
		if (next == NULL)
			break;
		end = strchr(next, '\'');
		ck_assert_ptr_nonnull(end);
		ck_assert_msg(n < g->n && g->len[n] == (size_t)(end - next) &&
		    memcmp(g->v[n], next, g->len[n]) == 0,
		    "%s: value %zu of \"%s\"", id, n, pat);
		n++;
	}
	ck_assert_msg(n == g->n, "%s: %zu values, want %zu", id, g->n, n);
	ck_assert_msg((g->st == STIX_OK) == (n > 0), "%s", id);
	got_free(g);
}

/* apt1.json: 4 CIDR indicators; 3 domains, 3 MD5s, 2 x509 ANDs. */
START_TEST(sample_apt1)
{
	size_t	 counts[4] = { 0, 0, 0, 0 };

	ck_assert_uint_eq(each_indicator("apt1.json", check_sample, counts),
	    12);
	ck_assert_uint_eq(counts[STIX_OK], 4);
	ck_assert_uint_eq(counts[STIX_NOADDR], 8);
	expect_values("[ipv4-addr:value = '223.166.0.0/15']",
	    "223.166.0.0/15", NULL);
}
END_TEST

/* poisonivy.json: OR lists of domains and addresses. */
START_TEST(sample_poisonivy)
{
	size_t	 counts[4] = { 0, 0, 0, 0 };

	ck_assert_uint_eq(each_indicator("poisonivy.json", check_sample,
	    counts), 25);
	ck_assert_uint_eq(counts[STIX_OK], 20);
	ck_assert_uint_eq(counts[STIX_NOADDR], 5);
	expect_values("[domain-name:value = 'microsofta.byinter.net' OR "
	    "domain-name:value = 'microsoftb.byinter.net' OR "
	    "domain-name:value = 'microsoftc.byinter.net' OR "
	    "domain-name:value = 'microsofte.byinter.net' OR "
	    "ipv4-addr:value = '113.10.246.30' OR "
	    "ipv4-addr:value = '219.90.112.203' OR "
	    "ipv4-addr:value = '202.65.220.64' OR "
	    "ipv4-addr:value = '75.126.95.138' OR "
	    "ipv4-addr:value = '219.90.112.197' OR "
	    "ipv4-addr:value = '202.65.222.45' OR "
	    "ipv4-addr:value = '98.126.148.114']",
	    "113.10.246.30", "219.90.112.203", "202.65.220.64",
	    "75.126.95.138", "219.90.112.197", "202.65.222.45",
	    "98.126.148.114", NULL);
}
END_TEST

/* The two small OASIS examples: 10.0.0.0, and a quoted SHA-256 key. */
START_TEST(sample_c2)
{
	size_t	 counts[4] = { 0, 0, 0, 0 };

	ck_assert_uint_eq(each_indicator("indicator-for-c2-ip-address.json",
	    check_sample, counts), 1);
	ck_assert_uint_eq(counts[STIX_OK], 1);
	memset(counts, 0, sizeof(counts));
	ck_assert_uint_eq(each_indicator("indicators-for-C2-with-COA.json",
	    check_sample, counts), 2);
	ck_assert_uint_eq(counts[STIX_OK], 1);
	ck_assert_uint_eq(counts[STIX_NOADDR], 1);
}
END_TEST

/* ---------------------------------------------------------------------
 * Paths and nesting at the edges of the grammar.
 */

/*
 * An object path may end in a list step, "[*]" or "[n]" (the grammar's
 * indexPathStep): such a pattern is valid and names no address, and an
 * address beside it in an OR list must still be read.
 */
START_TEST(grammar_list_step_at_end)
{
	ck_status("[process:arguments[*] = '-enc']", STIX_NOADDR);
	ck_status("[x-custom:list[0] = 'x']", STIX_NOADDR);
	expect_values("[process:arguments[*] = '-enc' OR "
	    "ipv4-addr:value = '198.51.100.1']", "198.51.100.1", NULL);
}
END_TEST

/*
 * An object path is a type, ':' and a property (STIX 2.1 9.3): a NUL
 * byte, a missing type or a missing property make it garbage.
 */
#define LIT(s)	(s), sizeof(s) - 1

START_TEST(grammar_bad_paths)
{
	static const struct {
		const char *p;
		size_t	 len;
	} pats[] = {
		{ LIT("[ipv4-addr:value\0 = '198.51.100.1']") },
		{ LIT("[\0\0:\0 = 'x']") },
		{ LIT("[domain-name:va\0lue = 'x' OR "
		    "ipv4-addr:value = '198.51.100.1']") },
		{ LIT("[:value = '198.51.100.1']") },
		{ LIT("[ipv4-addr: = '198.51.100.1']") },
		{ LIT("[: = 'x']") }
	};
	struct got *g;
	size_t	 i;

	for (i = 0; i < NELEM(pats); i++) {
		g = readn(pats[i].p, pats[i].len);
		ck_assert_msg(g->st == STIX_SYNTAX, "pattern %zu: %d", i,
		    (int)g->st);
		got_free(g);
	}
}
END_TEST

/*
 * A pattern comes from input (a JSON string of up to 16 MiB): a million
 * open parentheses are garbage and must be STIX_SYNTAX, not a stack
 * overflow; a million balanced ones around a valid observation may be
 * read or refused, but must not crash either.
 */
START_TEST(grammar_deep_nesting)
{
	static const char obs[] = "[ipv4-addr:value = '198.51.100.1']";
	size_t	 n = 1000000, len;
	char	*p = malloc(2 * n + sizeof(obs));
	struct got *g;

	ck_assert_ptr_nonnull(p);
	memset(p, '(', n);
	g = readn(p, n);
	ck_assert_int_eq(g->st, STIX_SYNTAX);
	got_free(g);
	p[0] = '[';
	g = readn(p, n);
	ck_assert_int_eq(g->st, STIX_SYNTAX);
	got_free(g);
	p[0] = '(';
	memcpy(p + n, obs, sizeof(obs) - 1);
	len = n + sizeof(obs) - 1;
	memset(p + len, ')', n);
	len += n;
	g = readn(p, len);
	ck_assert(g->st == STIX_OK || g->st == STIX_SYNTAX);
	if (g->st == STIX_OK) {
		ck_assert_uint_eq(g->n, 1);
		ck_assert_str_eq(g->v[0], "198.51.100.1");
	}
	got_free(g);
	free(p);
}
END_TEST

Suite *
stix_suite(void)
{
	Suite	*s = suite_create("stix");
	TCase	*tc;

	tc = tcase_create("Values");
	tcase_add_test(tc, value_ipv4);
	tcase_add_test(tc, value_ipv6);
	tcase_add_test(tc, value_cidr);
	tcase_add_test(tc, value_issubset);
	tcase_add_test(tc, value_network_traffic);
	tcase_add_test(tc, value_verbatim);
	tcase_add_test(tc, value_empty_pointer);
	tcase_add_test(tc, value_order_duplicates);
	suite_add_tcase(s, tc);

	tc = tcase_create("Quoting");
	tcase_add_test(tc, quote_escapes);
	tcase_add_test(tc, quote_other_escapes_refused);
	tcase_add_test(tc, quote_unterminated);
	suite_add_tcase(s, tc);

	tc = tcase_create("Whitespace");
	tcase_add_test(tc, ws_none);
	tcase_add_test(tc, ws_everywhere);
	tcase_add_test(tc, ws_only);
	tcase_add_test(tc, ws_word_boundaries);
	suite_add_tcase(s, tc);

	tc = tcase_create("Disjunction");
	tcase_add_test(tc, or_inside);
	tcase_add_test(tc, or_across);
	tcase_add_test(tc, or_case);
	tcase_add_test(tc, or_parentheses);
	suite_add_tcase(s, tc);

	tc = tcase_create("Compound");
	tcase_add_test(tc, compound_and);
	tcase_add_test(tc, compound_followedby);
	tcase_add_test(tc, compound_qualifiers);
	tcase_add_test(tc, compound_operators);
	tcase_add_test(tc, noaddr);
	suite_add_tcase(s, tc);

	tc = tcase_create("Constants");
	tcase_add_test(tc, constants_other_paths);
	tcase_add_test(tc, constants_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("Syntax");
	tcase_add_test(tc, syntax_garbage);
	tcase_add_test(tc, syntax_truncations);
	tcase_add_test(tc, syntax_mutations);
	tcase_add_test(tc, syntax_random);
	tcase_add_test(tc, syntax_many_values);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("Forms");
	tcase_add_test(tc, form_operators);
	tcase_add_test(tc, form_comments);
	tcase_add_test(tc, form_unicode_space);
	tcase_add_test(tc, form_paths);
	tcase_add_test(tc, form_literals);
	tcase_add_test(tc, form_qualifiers);
	tcase_add_test(tc, form_hashes);
	suite_add_tcase(s, tc);

	tc = tcase_create("Addresses");
	tcase_add_test(tc, addr_reftype);
	tcase_add_test(tc, addr_or_alternative);
	suite_add_tcase(s, tc);

	tc = tcase_create("Validator");
	tcase_add_test(tc, validator_valid);
	tcase_add_test(tc, validator_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("Samples");
	tcase_add_test(tc, sample_apt1);
	tcase_add_test(tc, sample_poisonivy);
	tcase_add_test(tc, sample_c2);
	suite_add_tcase(s, tc);

	tc = tcase_create("Grammar");
	tcase_add_test(tc, grammar_list_step_at_end);
	tcase_add_test(tc, grammar_bad_paths);
	tcase_add_test(tc, grammar_deep_nesting);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
