/*
 * fuzz_kvrec.c: libFuzzer harness for kv-match's handling of one log
 * line: the fast scan (scan.c), the full parse of the line's records
 * (kvrec.c, jrec.c) and the alerts (alert.c, jout.c), against a small
 * index built at start-up.
 *
 * Properties: nothing reads outside the line; the scanners agree with
 * the full parse, the quick pass on each instruction set (the first byte
 * chooses) and the exact tokenizer alike (when one answers SCAN_OK for a
 * line that yajl reads to its end, the caller address of every Key Vault
 * event in it is among the listed hits, so the fast path never drops an
 * alert);
 * an alert is one line of valid UTF-8 that yajl parses as one JSON
 * object.  An input that starts a JSON document spread over lines is
 * also fed to the document reader (kvrec_stream_*) in pieces: its errors
 * have a reason and an offset inside it.
 */
#define _GNU_SOURCE		/* memfd_create */

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "addr.h"
#include "alert.h"
#include "fuzz.h"
#include "jout.h"
#include "jrec.h"
#include "kvrec.h"
#include "scan.h"
#include "tidx.h"
#include "tidx_build.h"

static struct kvrec	*kr;
static struct tidx	*ix;
static struct jout	*out;
static int		 outfd;
static char		*outbuf;
static size_t		 outcap;

/* The builder's reference of the C string s (NULL: null). */
static uint32_t
S(struct tidx_builder *b, const char *s)
{
	return tidx_builder_string(b, s, s ? strlen(s) : 0);
}

/* Build and open the index the alerts are written against. */
static void
make_index(void)
{
	static const char *const addrs[] = {
		"203.0.113.10", "192.0.2.1", "2001:db8::1",
		"::ffff:198.51.100.8", "2001:db8:ffff::7"
	};
	struct tidx_builder *b = tidx_builder_new();
	struct tidx_params p = { 0, 0, 0 };
	struct tidx_rec_ref r;
	struct addr	 a;
	int64_t		 rec[2];
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.time_generated = 0;
	r.expiration = INT64_MAX;
	r.confidence = 80;
	r.id = S(b, "fuzz-ti-1");
	r.threat_type = S(b, "C2");
	r.description = S(b, "quote \" backslash \\ control \x01 bad \xff\xfe");
	r.activity_groups = S(b, NULL);
	r.url = S(b, "https://203.0.113.10/x");
	r.type = S(b, NULL);
	rec[0] = tidx_builder_record(b, &r);
	r.id = S(b, "fuzz-ti-2");
	r.confidence = TIDX_CONF_NULL;
	r.expiration = 0;
	r.type = S(b, "ThreatIntelligenceIndicator_CL");
	rec[1] = tidx_builder_record(b, &r);
	if (rec[0] < 0 || rec[1] < 0)
		abort();
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		if (addr_parse(addrs[i], strlen(addrs[i]), &a) == -1 ||
		    tidx_builder_addr(b, &a, S(b, addrs[i]),
		    (uint64_t)rec[i % 2]) != TIDX_OK)
			abort();
	}
	ix = fuzz_index(b, &p);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	make_index();
	kr = kvrec_new();
	if ((outfd = memfd_create("alerts", 0)) == -1)
		abort();
	out = jout_new(outfd);
	return 0;
}

/* The alert written: one line, valid UTF-8, one JSON object. */
static void
check_output(void)
{
	yajl_handle	 h;
	ssize_t		 n;
	off_t		 len;

	FUZZ_ASSERT(jout_flush(out) == 0);
	len = lseek(outfd, 0, SEEK_CUR);
	FUZZ_ASSERT(len > 0);
	if ((size_t)len > outcap) {
		outcap = (size_t)len;
		if ((outbuf = realloc(outbuf, outcap)) == NULL)
			abort();
	}
	n = pread(outfd, outbuf, (size_t)len, 0);
	FUZZ_ASSERT(n == len);
	FUZZ_ASSERT(outbuf[len - 1] == '\n');
	FUZZ_ASSERT(memchr(outbuf, '\n', (size_t)len - 1) == NULL);
	FUZZ_ASSERT(outbuf[0] == '{');
	FUZZ_ASSERT(fuzz_utf8_valid((unsigned char *)outbuf, (size_t)len));
	h = yajl_alloc(NULL, NULL, NULL);
	FUZZ_ASSERT(yajl_parse(h, (unsigned char *)outbuf, (size_t)len - 1)
	    == yajl_status_ok);
	FUZZ_ASSERT(yajl_complete_parse(h) == yajl_status_ok);
	yajl_free(h);
	if (ftruncate(outfd, 0) == -1 || lseek(outfd, 0, SEEK_SET) != 0)
		abort();
}

/* The records of one line, as kvrec_parse_records() hands them over. */
struct seen {
	const struct scan_hit *hits;
	size_t		 nhits;
	int		 scan_ok;
	size_t		 events;
	char		 addr[16][64];	/* The first events' addresses. */
	size_t		 alen[16];
};

static int
on_record(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct seen	*sn = arg;
	struct tidx_ind	 ind;
	int64_t		 e;

	FUZZ_ASSERT(st == KVREC_EVENT || st == KVREC_NOT_VAULT ||
	    st == KVREC_NO_ADDRESS || st == KVREC_NO_TIME);
	if (st != KVREC_EVENT)
		return 0;
	FUZZ_ASSERT(ev != NULL && ev->addr_text != NULL);
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)ev->addr_text,
	    ev->addr_len));
	/* Kept for the differential check once the text proves valid. */
	if (sn->events < 16 && ev->addr_len <= sizeof(sn->addr[0])) {
		memcpy(sn->addr[sn->events], ev->addr_text, ev->addr_len);
		sn->alen[sn->events] = ev->addr_len;
	} else if (sn->events < 16)
		sn->alen[sn->events] = SIZE_MAX;
	sn->events++;
	/* Alert against the indicator found, or the first one. */
	if ((e = tidx_lookup(ix, &ev->addr)) < 0)
		e = 0;
	FUZZ_ASSERT(tidx_entry(ix, (uint64_t)e, &ind) == TIDX_OK);
	alert_write(out, ev, &ind);
	check_output();
	return 0;
}

/* 1 when the len bytes at a are the text of one of the scan's hits. */
static int
listed(const struct seen *sn, const char *a, size_t len)
{
	size_t	 i;

	for (i = 0; i < sn->nhits; i++)
		if (sn->hits[i].len == len && memcmp(sn->hits[i].p, a, len) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sets[] = { "avx512", "avx2", "sse2",
	    "bytewise" };
	const char	*line = (const char *)data;
	struct scan_hit	 hits[SCAN_MAXHITS], xhits[SCAN_MAXHITS];
	struct seen	 sn, xs;
	struct addr	 a;
	enum scan_result sr, xr;
	enum kvrec_status ks;
	size_t		 nhits = SIZE_MAX, nx = SIZE_MAX, i;

	/* The quick pass on the instruction set the first byte picks. */
	if (size > 0 && scan_use(sets[data[0] % 4]) == -1)
		(void)scan_use(NULL);
	sr = scan_callers(line, size, hits, &nhits);
	xr = scan_callers_exact(line, size, xhits, &nx);
	FUZZ_ASSERT(xr == SCAN_OK || xr == SCAN_UNSURE);
	if (xr == SCAN_OK)
		FUZZ_ASSERT(nx <= SCAN_MAXHITS);
	else
		nx = 0;
	FUZZ_ASSERT(sr == SCAN_OK || sr == SCAN_UNSURE);
	if (sr == SCAN_OK) {
		FUZZ_ASSERT(nhits <= SCAN_MAXHITS);
		for (i = 0; i < nhits; i++) {
			FUZZ_ASSERT(hits[i].p >= line && hits[i].len <= size &&
			    (size_t)(hits[i].p - line) <= size - hits[i].len);
			(void)addr_parse(hits[i].p, hits[i].len, &a);
		}
	} else
		nhits = 0;

	/* Every record of the line, as kv-match reads it. */
	memset(&sn, 0, sizeof(sn));
	sn.hits = hits;
	sn.nhits = nhits;
	sn.scan_ok = sr == SCAN_OK;
	ks = kvrec_parse_records(kr, line, size, on_record, &sn);
	FUZZ_ASSERT(ks == KVREC_EVENT || ks == KVREC_BLANK ||
	    ks == KVREC_MALFORMED);
	if (ks == KVREC_MALFORMED)
		FUZZ_ASSERT(kvrec_error(kr)[0] != '\0');
	/*
	 * scan.h: for a line that is valid JSON (yajl read it to its end),
	 * the list is complete: every event's caller address is listed.
	 */
	if (ks == KVREC_EVENT && sn.scan_ok)
		for (i = 0; i < sn.events && i < 16; i++)
			FUZZ_ASSERT(sn.alen[i] != SIZE_MAX &&
			    listed(&sn, sn.addr[i], sn.alen[i]));
	/* The same of the exact tokenizer's list. */
	xs = sn;
	xs.hits = xhits;
	xs.nhits = nx;
	if (ks == KVREC_EVENT && xr == SCAN_OK)
		for (i = 0; i < xs.events && i < 16; i++)
			FUZZ_ASSERT(xs.alen[i] != SIZE_MAX &&
			    listed(&xs, xs.addr[i], xs.alen[i]));

	/*
	 * A document spread over lines, as kv-match reads one that starts
	 * its input: fed in pieces whose size the last byte gives.
	 */
	if (jrec_is_document(line, size) == 1) {
		size_t	 chunk = 1 + data[size - 1] % 113;
		int	 rc = 0;

		memset(&sn, 0, sizeof(sn));
		kvrec_stream_begin(kr, on_record, &sn);
		for (i = 0; i < size && rc == 0; i += chunk)
			rc = kvrec_stream_feed(kr, line + i,
			    size - i < chunk ? size - i : chunk);
		if (rc == 0)
			rc = kvrec_stream_end(kr);
		FUZZ_ASSERT(rc == 0 || rc == -1);
		if (rc == -1) {
			FUZZ_ASSERT(kvrec_error(kr)[0] != '\0');
			FUZZ_ASSERT(kvrec_stream_error_offset(kr) <= size);
		}
	}
	return 0;
}
