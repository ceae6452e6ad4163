/*
 * check_src_zeek.c: unit tests of the Zeek Intel reader (src/src_zeek.c)
 * and the Suricata IP reputation reader (src/src_suricata.c).  Each test
 * feeds whole inputs, line by line, to ingest_line() as ti-index does
 * (the format told from the content, or forced), runs ingest_finish()
 * into an index, and checks what tidx_lookup() finds (ids, feed names,
 * descriptions, categories, confidences) and the counts.  The published
 * files in tests/data (feed-zeek-intel.dat, feed-zeek-intel-btest.dat,
 * feed-suricata-iprep.list) are read as they are.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ingest.h"
#include "ktime.h"
#include "source.h"
#include "tidx.h"

#include "check.h"
#include "testlib.h"

#define NOW_TEXT	"2026-03-01T00:00:00Z"

static char		 tmpdir[PATH_MAX / 2];
static struct ingest	*in;
static struct tidx	*ix;
static int64_t		 now;
static int		 nbad;		/* Bad lines of the last input. */
static char		 firstwhy[256];	/* Why the first of them was. */
static unsigned		 firstline;	/* Its line number. */

static void
setup(void)
{
	struct ingest_opts o;

	scratch_dir(tmpdir, sizeof(tmpdir), "check_src_zeek");
	ck_assert_int_eq(ktime_parse(NOW_TEXT, strlen(NOW_TEXT), &now), 0);
	o.now = now;
	o.lookback = 14 * 86400LL * KTIME_TICKS_PER_SEC;
	o.ttl = 0;
	in = ingest_new(&o);
	ix = NULL;
}

static void
teardown(void)
{
	tidx_close(ix);
	ingest_free(in);
	rmtree(tmpdir);
}

/*
 * Read len bytes at text as one input named name (its feed), with the
 * reader format ("auto" to tell it from the content).
 */
static void
input(const char *name, const char *format, const char *text, size_t len)
{
	const char *p = text, *e = text + len, *nl;
	char	 why[256];
	unsigned lineno = 0;

	ck_assert_int_eq(ingest_set_format(in, format), 0);
	ingest_set_source(in, name, strlen(name));
	ingest_input_begin(in);
	nbad = 0;
	firstwhy[0] = '\0';
	while (p < e) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		lineno++;
		why[0] = '\0';
		if (ingest_line(in, p, (size_t)(nl - p), why,
		    sizeof(why)) == -1) {
			ck_assert_msg(why[0] != '\0', "line %u: no reason",
			    lineno);
			if (nbad++ == 0) {
				snprintf(firstwhy, sizeof(firstwhy), "%s",
				    why);
				firstline = lineno;
			}
		}
		p = nl + 1;
	}
}

static void
input_str(const char *name, const char *format, const char *text)
{
	input(name, format, text, strlen(text));
}

/* The published file tests/data/name, read as an input. */
static void
input_data(const char *name)
{
	size_t	 len;
	char	*text = slurp_data(name, &len);

	input(name, "auto", text, len);
	free(text);
}

static void
finish(void)
{
	ix = ix_finish(in, tmpdir, "z.idx", now, 0);
}

static int
find(const char *addr, struct tidx_ind *ind)
{
	return ix_find(ix, addr, ind);
}

/* addr's indicator: id, SourceSystem, Description, Url. */
static void
has(const char *addr, const char *id, const char *source,
    const char *desc, const char *url)
{
	struct tidx_ind ind;

	ck_assert_msg(find(addr, &ind), "%s not in the index", addr);
	str_is(addr, ind.id, id);
	str_is(addr, ind.source, source);
	str_is(addr, ind.description, desc);
	str_is(addr, ind.url, url);
}

static void
hasnt(const char *addr)
{
	struct tidx_ind ind;

	ck_assert_msg(!find(addr, &ind), "%s is in the index", addr);
}

/* addr's indicator from a Suricata entry: id, ThreatType, confidence. */
static void
rep(const char *addr, const char *id, const char *cat, int32_t conf)
{
	struct tidx_ind ind;

	ck_assert_msg(find(addr, &ind), "%s not in the index", addr);
	str_is(addr, ind.id, id);
	str_is(addr, ind.threat_type, cat);
	str_is(addr, ind.description, NULL);
	ck_assert_int_eq(ind.confidence, conf);
}

static void
why_has(const char *want)
{
	ck_assert_msg(strstr(firstwhy, want) != NULL, "\"%s\" lacks \"%s\"",
	    firstwhy, want);
}

/* ---------------------------------------------------------------------
 * Zeek Intel.
 */

/*
 * CriticalPathSecurity's file: Intel::ADDR (IPv4, IPv6) and all its
 * Intel::SUBNET rows are indexed under their meta.source; the URL,
 * DOMAIN, EMAIL and FILE_HASH rows name no address, also the IPv4
 * address typed Intel::DOMAIN (line 13).
 */
START_TEST(test_zeek_cps)
{
	const struct ingest_stats *s = ingest_stats(in);

	input_data("feed-zeek-intel.dat");
	ck_assert_int_eq(nbad, 0);
	finish();
	ck_assert_uint_eq(s->rows, 45);
	ck_assert_uint_eq(s->known, 45);
	ck_assert_uint_eq(s->no_address, 6);
	ck_assert_uint_eq(s->indicators, 39);
	ck_assert_uint_eq(s->blank, 1);		/* The #fields line. */
	has("3.135.207.58", "CPS-CTI:3.135.207.58", "CPS-CTI", "RECON",
	    NULL);
	has("103.145.13.10", "CRITICAL-PATH-DEFENSE-SYSTEMS:103.145.13.10",
	    "CRITICAL-PATH-DEFENSE-SYSTEMS", "CPS-COLLECTED-IOCS", NULL);
	has("139.60.160.200", "LockBit:139.60.160.200", "LockBit", "LockBit",
	    NULL);
	has("2001:19f0:6001:2a2c:5400:4ff:fe70:1405",
	    "CPS-CTI:2001:19f0:6001:2a2c:5400:4ff:fe70:1405", "CPS-CTI",
	    "VerdantSlate", NULL);
	has("192.42.116.200", "CPS-CTI:192.42.116.0/24", "CPS-CTI",
	    "RECON-BruteForce", NULL);
	has("2a0e:eb47:1::9", "CPS-CTI:2a0e:eb47::/32", "CPS-CTI",
	    "RECON-BruteForce", NULL);
	hasnt("159.135.140.82");		/* Typed Intel::DOMAIN. */
	hasnt("85.239.52.47");			/* In an Intel::URL. */
}
END_TEST

/*
 * Zeek's own test file: every row lies in 192.168/16, so every row is
 * of a known form and excluded: an empty index, not an error.
 */
START_TEST(test_zeek_btest)
{
	const struct ingest_stats *s = ingest_stats(in);

	input_data("feed-zeek-intel-btest.dat");
	ck_assert_int_eq(nbad, 0);
	finish();
	ck_assert_uint_eq(s->rows, 6);
	ck_assert_uint_eq(s->known, 6);
	ck_assert_uint_eq(s->excluded, 6);
	ck_assert_uint_eq(s->indicators, 0);
}
END_TEST

/*
 * The log header lines Zeek writes (after a UTF-8 byte-order mark), CRLF
 * line ends, meta.url, null
 * markers, no meta.source (the input's feed names the rows), a
 * #separator that is not a tab, and a second #fields line.
 */
START_TEST(test_zeek_headers)
{
	input_str("intel.txt", "auto",
	    "\xef\xbb\xbf#separator \\x09\r\n"
	    "#set_separator\t,\r\n"
	    "#empty_field\t(empty)\r\n"
	    "#unset_field\t-\r\n"
	    "#path\tintel\r\n"
	    "#fields\tindicator\tindicator_type\tmeta.desc\tmeta.url\r\n"
	    "#types\tstring\tenum\tstring\tstring\r\n"
	    "203.0.113.1\tIntel::ADDR\tc2\thttps://example.org/1\r\n"
	    "203.0.113.2\tIntel::ADDR\t-\t(empty)\r\n"
	    "\r\n"
	    "198.51.100.0/25\tIntel::SUBNET\t\t-\r\n"
	    "#fields\tmeta.source\tindicator_type\tindicator\tmeta.desc\n"
	    "feedB\tIntel::ADDR\t2001:DB8::0:1\tseen\n");
	ck_assert_int_eq(nbad, 0);
	input_str("comma.txt", "auto",
	    "#separator \\x2c\n"
	    "#fields,indicator,indicator_type,meta.source\n"
	    "192.0.2.9,Intel::ADDR,commas\n");
	ck_assert_int_eq(nbad, 0);
	finish();
	has("203.0.113.1", "intel.txt:203.0.113.1", "intel.txt", "c2",
	    "https://example.org/1");
	has("203.0.113.2", "intel.txt:203.0.113.2", "intel.txt", NULL, NULL);
	has("198.51.100.1", "intel.txt:198.51.100.0/25", "intel.txt", NULL,
	    NULL);
	has("2001:db8::1", "feedB:2001:db8::1", "feedB", "seen", NULL);
	has("192.0.2.9", "commas:192.0.2.9", "commas", NULL, NULL);
}
END_TEST

/* Each bad row is reported and costs only itself. */
START_TEST(test_zeek_bad)
{
	static const struct {
		const char *row, *why;
	} bad[] = {
		{ "203.0.113.9\tIntel::ADDR", "2 columns, #fields names 3" },
		{ "203.0.113.0/24\tIntel::ADDR\tx", "is a prefix" },
		{ "203.0.113.9\tIntel::SUBNET\tx", "not a prefix" },
		{ "203.0.113.999\tIntel::ADDR\tx", "not an IP address" },
		{ "203.0.113.0/33\tIntel::SUBNET\tx", "bad prefix length" },
		{ "203.0.113.9\tADDR\tx", "not Intel::TYPE" },
		{ "203.0.113.9\t-\tx", "not Intel::TYPE" },
		{ "203.0.113.9\tIntel::\tx", "not Intel::TYPE" },
	};
	const struct ingest_stats *s = ingest_stats(in);
	char	 text[256];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "#fields\tindicator\t"
		    "indicator_type\tmeta.source\n%s\n"
		    "192.0.2.%zu\tIntel::ADDR\tok\n", bad[i].row, i + 1);
		input_str("bad.dat", "auto", text);
		ck_assert_msg(nbad == 1, "%s: %d bad", bad[i].row, nbad);
		ck_assert_uint_eq(firstline, 2);
		why_has(bad[i].why);
	}
	/* An unknown Intel:: type names no address; "-" neither. */
	input_str("bad.dat", "auto", "#fields\tindicator\tindicator_type\n"
	    "192.0.2.100\tIntel::JA3\n-\tIntel::ADDR\n");
	ck_assert_int_eq(nbad, 0);
	finish();
	ck_assert_uint_eq(s->no_address, 2);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char	 a[32], id[48];

		snprintf(a, sizeof(a), "192.0.2.%zu", i + 1);
		snprintf(id, sizeof(id), "ok:%s", a);
		has(a, id, "ok", NULL, NULL);
	}
	hasnt("192.0.2.100");
}
END_TEST

/*
 * A value of control bytes is shown escaped and cut so that the reason
 * fits its buffer whole: the message, and the quote closed with "...".
 */
START_TEST(test_zeek_why_fits)
{
	char	 text[512];

	snprintf(text, sizeof(text), "#fields\tindicator\tindicator_type\n"
	    "203.0.113.1\tIntel%0200d\n", 0);
	memset(strstr(text, "Intel") + 5, 3, 200);
	input_str("long.dat", "auto", text);
	ck_assert_int_eq(nbad, 1);
	why_has("indicator_type is not Intel::TYPE: \"Intel\\x03");
	ck_assert_uint_lt(strlen(firstwhy), sizeof(firstwhy) - 1);
	ck_assert_str_eq(firstwhy + strlen(firstwhy) - 4, "\"...");
}
END_TEST

/*
 * Not an Intel file: a Zeek log's #fields line without indicator and
 * indicator_type is reported once, and its rows are of no known form;
 * rows before any #fields line, with --format zeek, are bad.
 */
START_TEST(test_zeek_not_intel)
{
	const struct ingest_stats *s = ingest_stats(in);

	input_str("conn.log", "auto",
	    "#separator \\x09\n#path\tconn\n"
	    "#fields\tts\tuid\tid.orig_h\n"
	    "1521911721.255387\tC8Tful1\t203.0.113.4\n"
	    "1521911722.255387\tC8Tful2\t203.0.113.5\n");
	ck_assert_int_eq(nbad, 1);
	ck_assert_uint_eq(firstline, 3);
	why_has("not a Zeek Intel file");
	ck_assert_uint_eq(s->known, 0);
	ck_assert_uint_eq(s->unknown, 3);
	input_str("plain.txt", "zeek", "# a comment\n203.0.113.6\n"
	    "#fields\tindicator\tindicator_type\n"
	    "203.0.113.7\tIntel::ADDR\n");
	ck_assert_int_eq(nbad, 1);
	ck_assert_uint_eq(firstline, 2);
	why_has("before any #fields line");
	finish();
	hasnt("203.0.113.4");
	hasnt("203.0.113.6");
	has("203.0.113.7", "plain.txt:203.0.113.7", "plain.txt", NULL, NULL);
}
END_TEST

/* A #separator that is not one byte; a bad #separator line. */
START_TEST(test_zeek_separator)
{
	input_str("sep.dat", "zeek", "#separator \\x0\n"
	    "#fields\tindicator\tindicator_type\n"
	    "203.0.113.8\tIntel::ADDR\n");
	ck_assert_int_eq(nbad, 1);
	why_has("#separator");
	finish();
	has("203.0.113.8", "sep.dat:203.0.113.8", "sep.dat", NULL, NULL);
}
END_TEST

/* ---------------------------------------------------------------------
 * Suricata IP reputation.
 */

/*
 * The documentation's examples: ThreatType is the category, the score
 * scaled to 0-100; 1.1.1.1 in categories 1 and 2 (score 10 each) is two
 * indicators, and step 6 keeps the one whose id sorts first.
 */
START_TEST(test_suricata_doc)
{
	const struct ingest_stats *s = ingest_stats(in);

	input_data("feed-suricata-iprep.list");
	ck_assert_int_eq(nbad, 0);
	finish();
	ck_assert_uint_eq(s->rows, 4);
	ck_assert_uint_eq(s->known, 4);
	ck_assert_uint_eq(s->indicators, 3);
	ck_assert_uint_eq(s->shadowed, 1);
	rep("1.2.3.4", "feed-suricata-iprep.list:1.2.3.4:1", "1", 80);
	rep("1.1.1.1", "feed-suricata-iprep.list:1.1.1.1:1", "1", 8);
	rep("1.1.1.200", "feed-suricata-iprep.list:1.1.1.0/24:6", "6", 69);
}
END_TEST

/*
 * Comments and blank lines, white space and CR; the higher score wins
 * an address; score 0 is inactive; 127 is 100; the same entry twice is
 * one indicator (the later line); bad rows cost only themselves.
 */
START_TEST(test_suricata_rows)
{
	static const struct {
		const char *row, *why;
	} bad[] = {
		{ "203.0.113.1,1", "too few columns" },
		{ "203.0.113.1", "too few columns" },
		{ "203.0.113.1,1,2,3", "too many columns" },
		{ "203.0.113.1,1,high", "score is not" },
		{ "203.0.113.1,1,128", "score is not" },
		{ "203.0.113.1,1,-1", "score is not" },
		{ "203.0.113.1,0,10", "category is not" },
		{ "203.0.113.1,61,10", "category is not" },
		{ "203.0.113.1,,10", "category is not" },
		{ "203.0.113.300,1,10", "not an IP address" },
		{ "203.0.113.1/40,1,10", "bad prefix length" },
	};
	const struct ingest_stats *s = ingest_stats(in);
	char	 text[256];
	size_t	 i;

	input_str("rep.list", "auto",
	    "# reputation\n\n"
	    " 198.51.100.7 , 3 , 127 \r\n"
	    "198.51.100.7,4,50\n"
	    "198.51.100.8,5,0\n"
	    "198.51.100.9,5,20\n"
	    "198.51.100.9,5,30\n"
	    "10.1.2.3,5,30\n"
	    "2001:DB8::1,07,64\n");
	ck_assert_int_eq(nbad, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "192.0.2.1,1,1\n%s\n"
		    "192.0.2.%zu,2,10\n", bad[i].row, i + 10);
		input_str("bad.list", "auto", text);
		ck_assert_msg(nbad == 1, "%s: %d bad", bad[i].row, nbad);
		ck_assert_uint_eq(firstline, 2);
		why_has(bad[i].why);
	}
	finish();
	ck_assert_uint_eq(s->inactive, 1);
	ck_assert_uint_eq(s->excluded, 1);
	/* 198.51.100.9 once, and 192.0.2.1,1 of each bad.list but one. */
	ck_assert_uint_eq(s->superseded, sizeof(bad) / sizeof(bad[0]));
	rep("198.51.100.7", "rep.list:198.51.100.7:3", "3", 100);
	hasnt("198.51.100.8");
	rep("198.51.100.9", "rep.list:198.51.100.9:5", "5", 24);
	hasnt("10.1.2.3");
	rep("2001:db8::1", "rep.list:2001:db8::1:7", "7", 50);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char	 a[32], id[48];

		snprintf(a, sizeof(a), "192.0.2.%zu", i + 10);
		snprintf(id, sizeof(id), "bad.list:%s:2", a);
		rep(a, id, "2", 8);
	}
}
END_TEST

/*
 * The first line that is not a comment decides: the categories file
 * (id,name,description) is not a reputation file; a bad first row makes
 * the input another reader's, unless --format suricata forces it; a
 * UTF-8 byte-order mark is not part of the first line.
 */
START_TEST(test_suricata_claim)
{
	const struct ingest_stats *s = ingest_stats(in);

	input_data("feed-suricata-categories.txt");
	ck_assert_int_eq(nbad, 2);		/* Read as a block list. */
	ck_assert_uint_eq(s->known, 0);
	input_str("forced.list", "suricata", "# c\n203.0.113.1,1,x\n"
	    "203.0.113.2,1,100\n");
	ck_assert_int_eq(nbad, 1);
	why_has("score is not");
	input_str("auto.list", "auto", "203.0.113.1,1,x\n"
	    "203.0.113.3,1,100\n");
	ck_assert_int_eq(nbad, 2);		/* Read as a block list. */
	input_str("bom.list", "auto", "\xef\xbb\xbf" "203.0.113.4,2,127\n");
	ck_assert_int_eq(nbad, 0);
	finish();
	rep("203.0.113.2", "forced.list:203.0.113.2:1", "1", 79);
	rep("203.0.113.4", "bom.list:203.0.113.4:2", "2", 100);
	hasnt("203.0.113.3");
}
END_TEST

Suite *
src_zeek_suite(void)
{
	Suite	*s = suite_create("src_zeek");
	TCase	*z = tcase_create("Zeek");
	TCase	*r = tcase_create("Suricata");

	tcase_add_checked_fixture(z, setup, teardown);
	tcase_add_test(z, test_zeek_cps);
	tcase_add_test(z, test_zeek_btest);
	tcase_add_test(z, test_zeek_headers);
	tcase_add_test(z, test_zeek_bad);
	tcase_add_test(z, test_zeek_why_fits);
	tcase_add_test(z, test_zeek_not_intel);
	tcase_add_test(z, test_zeek_separator);
	suite_add_tcase(s, z);
	tcase_add_checked_fixture(r, setup, teardown);
	tcase_add_test(r, test_suricata_doc);
	tcase_add_test(r, test_suricata_rows);
	tcase_add_test(r, test_suricata_claim);
	suite_add_tcase(s, r);
	return s;
}
