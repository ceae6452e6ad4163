/*
 * check_src_misp.c: unit tests of the MISP JSON reader (src/src_misp.c)
 * through ingest: its claim (MISP texts, and the other JSON forms it must
 * leave to the jrec), the published MISP files read as lines and as
 * documents fed in pieces of every size, members in any order, nesting,
 * the mapping of attribute types, to_ids and deleted, bad values, a
 * broken document's handled offset, --format misp, and its bounds.
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
static char		 why[512];
static int		 nbad;		/* Records a document reported. */
static uint64_t		 lastbad;	/* The offset of the last. */

static void
setup(void)
{
	struct ingest_opts o;

	scratch_dir(tmpdir, sizeof(tmpdir), "check_src_misp");
	ck_assert_int_eq(ktime_parse(NOW_TEXT, strlen(NOW_TEXT), &o.now), 0);
	o.lookback = 14 * 86400LL * KTIME_TICKS_PER_SEC;
	o.ttl = 0;
	in = ingest_new(&o);
	ingest_set_source(in, "feed", 4);
	ingest_input_begin(in);
	ix = NULL;
	nbad = 0;
	lastbad = 0;
}

static void
teardown(void)
{
	tidx_close(ix);
	ix = NULL;
	ingest_free(in);
	in = NULL;
	rmtree(tmpdir);
}

static const struct ingest_stats *
st(void)
{
	return ingest_stats(in);
}

static int
line(const char *s)
{
	why[0] = '\0';
	return ingest_line(in, s, strlen(s), why, sizeof(why));
}

static void
doc_bad(void *arg, uint64_t off, const char *w)
{
	(void)arg;
	(void)w;
	nbad++;
	lastbad = off;
}

/* Feed len bytes at buf as a document in pieces of n: ingest_doc_end's. */
static int
doc(const char *buf, size_t len, size_t n)
{
	size_t	 i, k;

	ingest_doc_begin(in, doc_bad, NULL);
	for (i = 0; i < len; i += k) {
		k = len - i < n ? len - i : n;
		if (ingest_doc_feed(in, buf + i, k) == -1)
			return -1;
	}
	return ingest_doc_end(in);
}

static void
finish(void)
{
	int64_t	 now;

	ck_assert_int_eq(ktime_parse(NOW_TEXT, strlen(NOW_TEXT), &now), 0);
	ix = ix_finish(in, tmpdir, "misp.idx", now, 0);
}

static int
find(const char *addr, struct tidx_ind *ind)
{
	return ix_find(ix, addr, ind);
}

static int
str_eq(struct tidx_str s, const char *want)
{
	if (want == NULL)
		return s.p == NULL;
	return s.p != NULL && s.len == strlen(want) &&
	    memcmp(s.p, want, s.len) == 0;
}

/* addr is indexed with these id, source, description, threat type. */
static void
has(const char *addr, const char *id, const char *source, const char *desc,
    const char *type)
{
	struct tidx_ind	 ind;

	ck_assert_msg(find(addr, &ind), "%s not in the index", addr);
	ck_assert_msg(str_eq(ind.id, id), "%s: id %.*s, not %s", addr,
	    (int)ind.id.len, ind.id.p, id);
	ck_assert_msg(str_eq(ind.source, source), "%s: source %.*s, not %s",
	    addr, (int)ind.source.len, ind.source.p, source);
	ck_assert_msg(str_eq(ind.description, desc), "%s: description "
	    "%.*s, not %s", addr, (int)ind.description.len,
	    ind.description.p, desc);
	if (type != NULL)
		ck_assert_msg(str_eq(ind.threat_type, type), "%s: threat type",
		    addr);
}

static void
hasnt(const char *addr)
{
	struct tidx_ind	 ind;

	ck_assert_msg(!find(addr, &ind), "%s is in the index", addr);
}

static enum source_doc_claim
claim(const char *s, int complete)
{
	return source_misp.claim(s, strlen(s), complete);
}

/* ---------------------------------------------------------------------
 * The claim.
 */

/*
 * A held attribute with no text at all (an empty object), viewed when the
 * document breaks: found by fuzz_ingest (UBSan: an offset applied to the
 * null pointer of an empty buffer; regress/fuzz_ingest/misp-held-null-view
 * is this input).  The document is reported broken; nothing is indexed.
 */
START_TEST(test_held_empty_attribute)
{
	static const char text[] = "{\n  \"Attribute\": [\n    {\n   }   "
	    "\"Tag\": [\n        {\nfalse          \"colour\": \"#0(0223b\",\n"
	    "          \"exportle\": true,\n          \"hide_tag\"icatorlse,\n"
	    "   \",\"";
	static const char small[] = "{\"Attribute\":[{}] x";

	ck_assert_int_eq(doc(text, sizeof(text) - 1, 35), -1);
	ck_assert_int_eq(st()->indicators, 0);
	ck_assert_int_eq(doc(small, sizeof(small) - 1, 1), -1);
}
END_TEST

START_TEST(test_claim_misp)
{
	ck_assert_int_eq(claim("{\"Event\":{\"info\":\"x\"}}", 1),
	    SOURCE_DOC_YES);
	ck_assert_int_eq(claim("\xef\xbb\xbf {\"Event\": {", 0),
	    SOURCE_DOC_YES);
	ck_assert_int_eq(claim("{\"response\":[{", 0), SOURCE_DOC_YES);
	ck_assert_int_eq(claim("{\"response\": {\"Attribute\": [", 0),
	    SOURCE_DOC_YES);
	ck_assert_int_eq(claim("{\n  \"Attribute\": [\n", 0),
	    SOURCE_DOC_YES);
	ck_assert_int_eq(claim("{\"id\":\"1\",\"info\":\"a\",\"Object\":[{"
	    "\"Attribute\":[", 0), SOURCE_DOC_YES);
	ck_assert_int_eq(claim("[{\"Event\":{}}]", 1), SOURCE_DOC_YES);
	ck_assert_int_eq(claim("[\n {\"id\":1,\"Attribute\":[]}]", 1),
	    SOURCE_DOC_YES);
	/* Not yet known. */
	ck_assert_int_eq(claim("{\n", 0), SOURCE_DOC_MORE);
	ck_assert_int_eq(claim("[", 0), SOURCE_DOC_MORE);
	ck_assert_int_eq(claim("{\"id\":\"1\",\"info\":\"x", 0),
	    SOURCE_DOC_MORE);
	ck_assert_int_eq(claim("{\n", 1), SOURCE_DOC_NO);
}
END_TEST

/* The other JSON forms are not claimed, even with an Attribute inside. */
START_TEST(test_claim_others)
{
	char	*big;
	size_t	 n = SOURCE_DOC_CLAIM_MAX + 100;

	ck_assert_int_eq(claim("{\"type\":\"bundle\",\"id\":\"bundle--1\","
	    "\"objects\":[{\"type\":\"indicator\",\"Attribute\":[", 0),
	    SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\n  \"type\": \"bundle\",\n  \"objects\": [",
	    0), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"records\":[{\"properties\":{\"Attribute"
	    "\":[]}}]}", 1), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"value\":[", 0), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"tables\":[{\"name\":\"PrimaryResult\"",
	    0), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"indicators\":[", 0), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"TimeGenerated\":\"2026-01-01T00:00:00Z\","
	    "\"NetworkIP\":\"203.0.113.1\",\"Description\":\"Event\"}", 1),
	    SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"NetworkIP\":\"203.0.113.1\"}\n", 0),
	    SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"cidr\":\"1.10.16.0/20\",\"sblid\":\"SBL1"
	    "\"}", 1), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("[{\"NetworkIP\":\"x\"},{\"Event\":{}}]", 1),
	    SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"x\":1,\"Event\":{}}", 1), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"Attribute\":\"a\"}", 1), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("[1,{\"Event\":{}}]", 1), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("[]", 1), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("\"Event\"", 1), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("{\"Event\" {", 0), SOURCE_DOC_NO);
	ck_assert_int_eq(claim("", 0), SOURCE_DOC_MORE);
	/* Undecided after SOURCE_DOC_CLAIM_MAX bytes: not MISP. */
	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memcpy(big, "{\"a\":\"", 6);
	memset(big + 6, 'x', n - 6);
	big[n] = '\0';
	ck_assert_int_eq(claim(big, 0), SOURCE_DOC_NO);
	big[SOURCE_DOC_CLAIM_MAX - 1] = '\0';
	ck_assert_int_eq(claim(big, 0), SOURCE_DOC_MORE);
	free(big);
}
END_TEST

/* Sentinel and STIX lines beside a MISP line are read as before. */
START_TEST(test_others_read)
{
	ck_assert_int_eq(line("{\"TimeGenerated\":\"2026-02-28T00:00:00Z\","
	    "\"NetworkIP\":\"203.0.113.1\",\"IndicatorId\":\"s1\","
	    "\"Active\":true,\"ExpirationDateTime\":\"2027-01-01T00:00:00Z\","
	    "\"Description\":\"Event\"}"), 0);
	ck_assert_int_eq(line("{\"type\":\"indicator\",\"id\":\"indicator--"
	    "1\",\"pattern\":\"[ipv4-addr:value = '203.0.113.2']\"}"), 0);
	ck_assert_int_eq(line("{\"Event\":{\"Orgc\":{\"name\":\"ORG\"},"
	    "\"Attribute\":[{\"type\":\"ip-dst\",\"value\":\"203.0.113.3\","
	    "\"uuid\":\"u3\"}]}}"), 0);
	finish();
	has("203.0.113.1", "s1", "feed", "Event", NULL);
	has("203.0.113.2", "indicator--1", "feed", NULL, NULL);
	has("203.0.113.3", "u3", "ORG", NULL, NULL);
	ck_assert_uint_eq(st()->known, 3);
}
END_TEST

/* ---------------------------------------------------------------------
 * The published files.
 */

/* What an index of a file holds, as text, to compare two readings. */
static char *
summary(const char *const *addrs)
{
	const struct ingest_stats *s = st();
	struct tidx_ind ind;
	char	*out = malloc(65536);
	size_t	 n;

	ck_assert_ptr_nonnull(out);
	n = (size_t)snprintf(out, 65536, "%llu rows %llu ind %llu addr "
	    "%llu inactive %llu noaddr %llu excl %llu bad\n",
	    (unsigned long long)s->rows, (unsigned long long)s->indicators,
	    (unsigned long long)s->addresses,
	    (unsigned long long)s->inactive,
	    (unsigned long long)s->no_address,
	    (unsigned long long)s->excluded,
	    (unsigned long long)s->rejected);
	for (; *addrs != NULL; addrs++) {
		if (!find(*addrs, &ind)) {
			n += (size_t)snprintf(out + n, 65536 - n, "%s -\n",
			    *addrs);
			continue;
		}
		n += (size_t)snprintf(out + n, 65536 - n, "%s %.*s %.*s %.*s "
		    "%.*s %lld\n", *addrs, (int)ind.id.len, ind.id.p,
		    (int)ind.source.len, ind.source.p,
		    (int)ind.description.len, ind.description.p,
		    (int)ind.threat_type.len, ind.threat_type.p,
		    (long long)ind.time_generated);
		ck_assert_uint_lt(n, 65536);
	}
	return out;
}

static const char *const event_addrs[] = { "181.119.19.5",
    "175.100.189.174", "98.101.211.162", "10.10.30.110", "81.0.213.173",
    "125.212.132.222", NULL };
static const char *const bare_addrs[] = { "87.236.211.182",
    "95.215.45.43", "109.236.93.138", NULL };
static const char *const resp_addrs[] = { "93.190.137.212",
    "95.141.37.3", "80.233.134.147", "188.165.14.185", "65.55.176.126",
    NULL };
static const char *const edge_addrs[] = { "198.51.100.7", "198.51.100.8",
    "198.51.100.9", "2001:db8::5", "203.0.113.10", "192.0.2.44", NULL };

/* The file read as lines, and as a document in pieces of every size. */
static void
pieces(const char *name, const char *const *addrs, const char *want)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 7, 13, 64, 100, 1000,
	    4096, 65536 };
	char	*buf, *s, *first, *nl;
	size_t	 len, i;

	buf = slurp_data(name, &len);
	ck_assert_ptr_nonnull(buf);
	/* As lines: only a whole one-line file reads so. */
	if ((nl = memchr(buf, '\n', len)) == NULL || nl == buf + len - 1) {
		ck_assert_int_eq(ingest_line(in, buf, nl ? len - 1 : len, why,
		    sizeof(why)), 0);
		finish();
		first = summary(addrs);
		teardown();
		setup();
	} else
		first = NULL;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ck_assert_int_eq(doc(buf, len, sizes[i]), 0);
		ck_assert_int_eq(nbad, 0);
		finish();
		s = summary(addrs);
		if (first == NULL)
			first = s;
		else {
			ck_assert_msg(strcmp(s, first) == 0, "%s in pieces of "
			    "%zu:\n%s\nnot\n%s", name, sizes[i], s, first);
			free(s);
		}
		teardown();
		setup();
	}
	ck_assert_msg(strstr(first, want) != NULL, "%s:\n%s\nlacks\n%s", name,
	    first, want);
	free(first);
	free(buf);
}

START_TEST(test_file_event)
{
	pieces("feed-misp-event.json", event_addrs,
	    "28 rows 10 ind 10 addr 0 inactive 12 noaddr 2 excl 0 bad\n"
	    "181.119.19.5 5a0d5cac-43bc-4e34-bb67-4071950d210f CIRCL C2 "
	    "Network activity 15109220920000000\n175.100.189.174 "
	    "5a0d6a76-e90c-4ece-aa45-76fa950d210f CIRCL On port 443 Payload "
	    "delivery 15109220940000000\n");
}
END_TEST

START_TEST(test_file_bare)
{
	pieces("feed-misp-event-bare.json", bare_addrs, "12 rows 2 ind 2 addr"
	    " 0 inactive 9 noaddr 0 excl 0 bad\n");
}
END_TEST

START_TEST(test_file_response)
{
	pieces("feed-misp-events-response.json", resp_addrs, "15 rows 3 ind "
	    "3 addr 6 inactive 6 noaddr 0 excl 0 bad\n93.190.137.212 "
	    "58503f3a-4414-4e2c-9562-424302de0b81 CIRCL C&C Server Network "
	    "activity");
}
END_TEST

START_TEST(test_file_edge)
{
	pieces("misp-attributes-edge.json", edge_addrs, "7 rows 4 ind 4 addr "
	    "2 inactive 1 noaddr 0 excl 0 bad\n198.51.100.7 6a1d0c2e-7f3b-4c1a"
	    "-9e5d-000000000001 feed C2 server, see https://example.org/c2 "
	    "Network activity 17000000000000000\n198.51.100.8 -\n"
	    "198.51.100.9 -\n2001:db8::5 6a1d0c2e-7f3b-4c1a-9e5d-000000000004 "
	    "feed Edge event B: IPv6 with a port Payload delivery "
	    "17000004000000000\n203.0.113.10 6a1d0c2e-7f3b-4c1a-9e5d-"
	    "000000000005 feed domain|ip Network activity 17000000000000000\n"
	    "192.0.2.44 feed:192.0.2.44 feed no Event, no uuid Network "
	    "activity");
}
END_TEST

/* ---------------------------------------------------------------------
 * Events: members in any order, nesting.
 */

#define ATTR(v, u, c)	"{\"type\":\"ip-dst\",\"value\":\"" v "\",\"uuid\":" \
			"\"" u "\",\"comment\":\"" c "\",\"to_ids\":true}"

START_TEST(test_any_order)
{
	/* Orgc and info after the attributes, as PyMISP sorts them. */
	ck_assert_int_eq(line("{\"Attribute\":[" ATTR("192.0.2.1", "a1", "")
	    "],\"Object\":[{\"name\":\"ip-port\",\"Attribute\":["
	    ATTR("192.0.2.2", "a2", "obj") "]}],\"Orgc\":{\"id\":\"1\","
	    "\"name\":\"Late Org\"},\"RelatedEvent\":[{\"Event\":{\"Orgc\":"
	    "{\"name\":\"Other\"},\"info\":\"other\"}}],\"info\":\"Late info\"}"),
	    0);
	/* Before them: taken at once, the same. */
	ck_assert_int_eq(line("{\"Event\":{\"info\":\"Early info\",\"Orgc\":"
	    "{\"name\":\"Early Org\"},\"Attribute\":[" ATTR("192.0.2.3", "a3",
	    "") "," ATTR("192.0.2.4", "a4", "c4") "]}}"), 0);
	/* An event without Orgc or info: the input's feed, no Description. */
	ck_assert_int_eq(line("[{\"Event\":{\"Attribute\":[" ATTR("192.0.2.5",
	    "a5", "") "]}},{\"Event\":{\"Orgc\":{\"name\":\"\"},\"info\":\"\","
	    "\"Attribute\":[" ATTR("192.0.2.6", "a6", "") "]}}]"), 0);
	/* A deeper event inside an attribute's array elements is ignored. */
	ck_assert_int_eq(line("{\"response\":[{\"Event\":{\"Attribute\":[{"
	    "\"type\":\"ip-dst\",\"Attribute\":[" ATTR("192.0.2.7", "a7", "")
	    "],\"value\":\"192.0.2.8\",\"uuid\":\"a8\",\"Event\":{\"info\":"
	    "\"own info\",\"Orgc\":{\"name\":\"no\"}}}],\"Orgc\":{\"name\":"
	    "\"R\"}}}]}"), 0);
	finish();
	has("192.0.2.1", "a1", "Late Org", "Late info", NULL);
	has("192.0.2.2", "a2", "Late Org", "obj", NULL);
	has("192.0.2.3", "a3", "Early Org", "Early info", NULL);
	has("192.0.2.4", "a4", "Early Org", "c4", NULL);
	has("192.0.2.5", "a5", "feed", NULL, NULL);
	has("192.0.2.6", "a6", "feed", NULL, NULL);
	hasnt("192.0.2.7");
	has("192.0.2.8", "a8", "R", "own info", NULL);
	ck_assert_uint_eq(st()->rows, 7);
}
END_TEST

/* The types that name an address, and the flags that make it inactive. */
START_TEST(test_mapping)
{
	ck_assert_int_eq(line("{\"response\":{\"Attribute\":["
	    "{\"type\":\"ip-src\",\"value\":\"198.51.100.1\",\"uuid\":\"m1\"},"
	    "{\"type\":\"ip-dst|port\",\"value\":\"2001:db8::1|443\"},"
	    "{\"type\":\"ip-src|port\",\"value\":\"198.51.100.3|\","
	    "\"uuid\":\"m3\",\"to_ids\":\"1\",\"deleted\":0},"
	    "{\"type\":\"domain|ip\",\"value\":\"a.example|198.51.100.4\","
	    "\"uuid\":\"m4\",\"timestamp\":1700000000},"
	    "{\"type\":\"ip-dst\",\"value\":\"198.51.100.5\",\"to_ids\":false},"
	    "{\"type\":\"ip-dst\",\"value\":\"198.51.100.6\",\"to_ids\":0},"
	    "{\"type\":\"ip-dst\",\"value\":\"198.51.100.7\",\"deleted\":\"1\"},"
	    "{\"type\":\"ip-dst\",\"value\":\"198.51.100.8\",\"to_ids\":\"false"
	    "\"},"
	    "{\"type\":\"ip-dst\",\"value\":\"198.51.100.9\",\"deleted\":true},"
	    "{\"type\":\"domain\",\"value\":\"198.51.100.10\"},"
	    "{\"type\":\"ip-dst\",\"value\":\"\"},{\"type\":\"ip-dst\"},"
	    "{\"type\":\"ip-dst\",\"value\":\"198.51.100.11\",\"timestamp\":"
	    "\"2023-11-14T22:13:20Z\",\"uuid\":\"m11\"}"
	    "]}}"), 0);
	finish();
	has("198.51.100.1", "m1", "feed", NULL, NULL);
	has("2001:db8::1", "feed:2001:db8::1", "feed", NULL, NULL);
	has("198.51.100.3", "m3", "feed", NULL, NULL);
	has("198.51.100.4", "m4", "feed", NULL, NULL);
	hasnt("198.51.100.5");
	hasnt("198.51.100.6");
	hasnt("198.51.100.7");
	hasnt("198.51.100.8");
	hasnt("198.51.100.9");
	hasnt("198.51.100.10");
	has("198.51.100.11", "m11", "feed", NULL, NULL);
	ck_assert_uint_eq(st()->inactive, 5);
	ck_assert_uint_eq(st()->no_address, 3);
	ck_assert_uint_eq(st()->known, 13);
	ck_assert_uint_eq(st()->rejected, 0);
}
END_TEST

/* Bad values: the record is rejected with a reason, the others taken. */
START_TEST(test_bad_values)
{
	static const char *const bad[] = {
		"{\"type\":\"ip-dst\",\"value\":\"not-an-ip\"}",
		"{\"type\":\"ip-dst|port\",\"value\":\"198.51.100.1\"}",
		"{\"type\":\"domain|ip\",\"value\":\"a.example\"}",
		"{\"type\":\"ip-dst\",\"value\":5}",
		"{\"type\":\"ip-dst\",\"value\":\"198.51.100.1\",\"timestamp\":"
		    "\"yesterday\"}",
		"{\"type\":\"ip-dst\",\"value\":\"198.51.100.1\",\"timestamp\":"
		    "[1]}",
		"{\"type\":\"ip-dst\",\"value\":\"198.51.100.1\",\"timestamp\":"
		    "\"1234567890123\"}",
	};
	char	 buf[512];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "{\"Event\":{\"Attribute\":[%s,"
		    "{\"type\":\"ip-dst\",\"value\":\"198.51.100.2\"}]}}",
		    bad[i]);
		ck_assert_msg(line(buf) == -1, "%s", bad[i]);
		ck_assert_msg(why[0] != '\0', "%s: no reason", bad[i]);
	}
	ck_assert_uint_eq(st()->rejected, i);
	/* As a document: each bad one reported, just past it. */
	snprintf(buf, sizeof(buf), "{\"Event\":{\"Attribute\":[%s]}}", bad[0]);
	ck_assert_int_eq(doc(buf, strlen(buf), 3), 0);
	ck_assert_int_eq(nbad, 1);
	ck_assert_uint_eq(lastbad, strlen(buf) - 3);
	finish();
	has("198.51.100.2", "feed:198.51.100.2", "feed", NULL, NULL);
	hasnt("198.51.100.1");
	/* A malformed line. */
	ck_assert_int_eq(line("{\"Event\":{\"Attribute\":[}"), -1);
	ck_assert_msg(strstr(why, "malformed JSON") != NULL, "%s", why);
}
END_TEST

/*
 * A broken document: the attributes read before the error are taken,
 * held ones too, and handled is just past the last one.
 */
START_TEST(test_broken)
{
	static const char text[] = "{\n  \"Attribute\": [\n    "
	    ATTR("192.0.2.1", "b1", "") ",\n    "
	    ATTR("192.0.2.2", "b2", "") "\n  ],\n  \"Orgc\": {\"name\": x";
	const char *end2 = strstr(text, "\"b2\"");
	uint64_t off;
	size_t	 n;

	for (n = 1; n < sizeof(text); n += 7) {
		teardown();
		setup();
		ck_assert_int_eq(doc(text, sizeof(text) - 1, n), -1);
		ck_assert_uint_eq(ingest_doc_handled(in),
		    (uint64_t)(strchr(end2, '}') + 1 - text));
		ck_assert_msg(strstr(ingest_doc_error(in, &off),
		    "malformed JSON") != NULL, "%s", ingest_doc_error(in,
		    &off));
		ck_assert_uint_eq(st()->malformed, 1);
	}
	finish();
	has("192.0.2.1", "b1", "feed", NULL, NULL);
	has("192.0.2.2", "b2", "feed", NULL, NULL);
	/* Cut short: the same, the end reports it. */
	teardown();
	setup();
	ck_assert_int_eq(doc(text, (size_t)(end2 - text) + 40, 5), -1);
	ck_assert_uint_gt(ingest_doc_handled(in), 0);
	(void)ingest_doc_error(in, &off);
	ck_assert_uint_eq(off, (uint64_t)(end2 - text) + 40);
}
END_TEST

/* --format misp: any JSON goes to the reader, which says what it lacks. */
START_TEST(test_forced)
{
	static const char row[] = "{\"NetworkIP\":\"203.0.113.1\"}";

	ck_assert_int_eq(ingest_set_format(in, "misp"), 0);
	ingest_input_begin(in);
	ck_assert_int_eq(line(row), -1);
	ck_assert_msg(strstr(why, "not MISP JSON") != NULL, "%s", why);
	ck_assert_int_eq(line(""), 0);
	ck_assert_int_eq(line("{\"x\":{\"Attribute\":[" ATTR("192.0.2.9",
	    "f9", "") "]}}"), 0);
	ck_assert_int_eq(doc(row, sizeof(row) - 1, 4), -2);
	ck_assert_uint_eq(st()->unknown, 2);
	ck_assert_int_eq(ingest_set_format(in, "stix"), 0);
	ingest_input_begin(in);
	ck_assert_int_eq(line("{\"Event\":{\"Attribute\":[" ATTR("192.0.2.10",
	    "f10", "") "]}}"), 0);
	finish();
	has("192.0.2.9", "f9", "feed", NULL, NULL);
	hasnt("192.0.2.10");
	ck_assert(strstr(ingest_format_names(), "misp") != NULL);
	ck_assert(ingest_format_valid("misp"));
}
END_TEST

/* ---------------------------------------------------------------------
 * Bounds.
 */

/* Nesting deeper than the reader follows: passed over, no crash. */
START_TEST(test_deep)
{
	size_t	 depth = 5000, i, n = 0;
	char	*buf = malloc(depth * 8 + 256);

	ck_assert_ptr_nonnull(buf);
	n += (size_t)sprintf(buf, "{\"Event\":{\"Attribute\":[");
	for (i = 0; i < depth; i++)
		n += (size_t)sprintf(buf + n, "{\"a\":[");
	n += (size_t)sprintf(buf + n, "{\"Attribute\":[" ATTR("192.0.2.1",
	    "d1", "") "]}");
	for (i = 0; i < depth; i++)
		n += (size_t)sprintf(buf + n, "]}");
	n += (size_t)sprintf(buf + n, "," ATTR("192.0.2.2", "d2", "") "]}}");
	ck_assert_int_eq(doc(buf, n, 97), 0);
	finish();
	hasnt("192.0.2.1");
	has("192.0.2.2", "d2", "feed", NULL, NULL);
	free(buf);
}
END_TEST

/*
 * Past 16 MiB of attributes held before the event's Orgc, the held ones
 * are taken with the input's feed; those after the Orgc have it.
 */
START_TEST(test_hold_bound)
{
	size_t	 clen = 1 << 20, n = 0, i, cap = 40 * clen;
	char	*buf = malloc(cap), *c = malloc(clen + 1);

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(c);
	memset(c, 'c', clen);
	c[clen] = '\0';
	n += (size_t)sprintf(buf, "{\"Attribute\":[");
	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s{\"type\":\"ip-dst\","
		    "\"value\":\"192.0.2.%zu\",\"comment\":\"%s\"}",
		    i ? "," : "", i + 1, c);
	n += (size_t)snprintf(buf + n, cap - n, "],\"Orgc\":{\"name\":\"O\"},"
	    "\"info\":\"i\"}");
	ck_assert_int_eq(doc(buf, n, 65536), 0);
	finish();
	has("192.0.2.1", "feed:192.0.2.1", "feed", c, NULL);
	has("192.0.2.20", "feed:192.0.2.20", "O", c, NULL);
	free(buf);
	free(c);
}
END_TEST

Suite *
src_misp_suite(void)
{
	Suite	*s = suite_create("src_misp");
	TCase	*tc = tcase_create("Claim");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_claim_misp);
	tcase_add_test(tc, test_claim_others);
	tcase_add_test(tc, test_others_read);
	suite_add_tcase(s, tc);
	tc = tcase_create("Files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_file_event);
	tcase_add_test(tc, test_file_bare);
	tcase_add_test(tc, test_file_response);
	tcase_add_test(tc, test_file_edge);
	suite_add_tcase(s, tc);
	tc = tcase_create("Events");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_any_order);
	tcase_add_test(tc, test_mapping);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_broken);
	tcase_add_test(tc, test_forced);
	tcase_add_test(tc, test_deep);
	tcase_add_test(tc, test_hold_bound);
	tcase_add_test(tc, test_held_empty_attribute);
	suite_add_tcase(s, tc);
	return s;
}
