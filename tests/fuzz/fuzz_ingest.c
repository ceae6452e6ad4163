/*
 * fuzz_ingest.c: libFuzzer harness for ti-index's reading of indicators
 * (ingest.c, stix.c): the input is one indicator file, read as ti-index
 * reads it (its format told from its first line: NDJSON rows, a whole
 * JSON document fed in pieces, or a plain list), after a few --exclude
 * lines; then ingest_finish() fills a builder whose index is written and
 * read back.
 *
 * Properties: nothing reads outside a row; a rejected row comes with a
 * reason, a document's syntax error with a reason and an offset inside
 * it; the index built from any input opens, passes tidx_verify(), and
 * holds as many addresses, prefixes and indicators as the statistics
 * say.  Lines taken as ti-index's parsing thread hands them over
 * (ingest_pre_line(), then ingest_line_snap(): ahead.h) give a second
 * ingest every line's result and reason, and the counts, of
 * ingest_line().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "ingest.h"
#include "ktime.h"
#include "tidx.h"

static char	 dir[64], path[80];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* In memory, where fsync(2) costs nothing; else in /tmp. */
	snprintf(dir, sizeof(dir), "/dev/shm/fuzz_ingest.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz_ingest.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	snprintf(path, sizeof(path), "%s/ti.idx", dir);
	atexit(cleanup);
	return 0;
}

static void
doc_bad(void *arg, uint64_t off, const char *why)
{
	(void)off;
	FUZZ_ASSERT(why != NULL && why[0] != '\0');
	(*(uint64_t *)arg)++;
}

/* A second ingest, given the lines as parsed ahead. */
struct ahead_twin {
	struct ingest		*in;
	struct ingest_pre	*pre;
	struct ingest_snap	*snap;
};

/*
 * Feed the lines of the input to ingest_line(), each in a buffer of its
 * own size, and the same to the twin through a snapshot.
 */
static uint64_t
by_line(struct ingest *in, const uint8_t *data, size_t size,
    struct ahead_twin *tw)
{
	const char	*line = (const char *)data, *end = line + size, *nl;
	char		 why[256], why2[256], *row;
	uint64_t	 bad = 0;
	size_t		 len;
	int		 rc;

	while (line < end) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		len = (size_t)(nl - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		/* A copy of exactly the row, so ASan sees any overread. */
		if ((row = malloc(len ? len : 1)) == NULL)
			abort();
		memcpy(row, line, len);
		memset(why, 'X', sizeof(why));
		why[sizeof(why) - 1] = '\0';
		if ((rc = ingest_line(in, row, len, why, sizeof(why))) == -1) {
			FUZZ_ASSERT(strlen(why) < sizeof(why) - 1);
			FUZZ_ASSERT(why[0] != '\0' && why[0] != 'X');
			bad++;
		}
		ingest_pre_line(tw->pre, row, len, tw->snap);
		memset(why2, 'X', sizeof(why2));
		why2[sizeof(why2) - 1] = '\0';
		FUZZ_ASSERT(ingest_line_snap(tw->in, row, len, tw->snap, why2,
		    sizeof(why2)) == rc);
		FUZZ_ASSERT(rc != -1 || strcmp(why, why2) == 0);
		free(row);
		line = nl + 1;
	}
	return bad;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const excl[] = {
		"198.51.100.128/25", "2001:db8:dead::/48 # excluded", "192.0.2.7"
	};
	struct ingest_opts opts;
	const struct ingest_stats *st;
	struct ingest	*in;
	struct tidx_builder *b;
	struct tidx_params p;
	struct tidx	*ix;
	struct tidx_info info;
	const uint8_t	*nl;
	char		 why[256];
	uint64_t	 bad = 0;
	size_t		 i, first, chunk;
	int		 document = 0, rc;

	/*
	 * 2026-03-01T00:00:00Z; a lookback of 14 days or 100 years and a TTL
	 * of none or 30 days, as the first byte says.
	 */
	if (ktime_parse("2026-03-01T00:00:00Z", 20, &opts.now) == -1)
		abort();
	opts.lookback = (size > 0 && (data[0] & 1) ? 36500LL : 14LL) *
	    86400 * KTIME_TICKS_PER_SEC;
	opts.ttl = (size > 0 && (data[0] & 2) ? 30LL : 0) * 86400 *
	    KTIME_TICKS_PER_SEC;
	in = ingest_new(&opts);
	for (i = 0; i < sizeof(excl) / sizeof(excl[0]); i++)
		FUZZ_ASSERT(ingest_exclude_line(in, excl[i], strlen(excl[i]),
		    why, sizeof(why)) == 0);

	/* As ti-index does: tell the format from the first line. */
	nl = memchr(data, '\n', size);
	first = nl != NULL ? (size_t)(nl - data) + 1 : size;
	ingest_input_begin(in);
	document = ingest_sniff_document(in, (const char *)data, first);
	FUZZ_ASSERT(document == 0 || document == 1);
	if (document) {
		/* Fed in pieces whose sizes come from the input. */
		ingest_doc_begin(in, doc_bad, &bad);
		chunk = size > 0 ? 1 + data[size - 1] % 97 : 1;
		for (i = 0, rc = 0; i < size && rc == 0; i += chunk) {
			rc = ingest_doc_feed(in, (const char *)data + i,
			    size - i < chunk ? size - i : chunk);
			FUZZ_ASSERT(rc == 0 || rc == -1);
		}
		if (rc == 0)
			rc = ingest_doc_end(in);
		FUZZ_ASSERT(rc == 0 || rc == -1 || rc == -2);
		if (rc != 0) {
			uint64_t off = UINT64_MAX;
			const char *e = ingest_doc_error(in, &off);

			FUZZ_ASSERT(e != NULL && e[0] != '\0');
			FUZZ_ASSERT(rc == -2 || off <= size);
		}
	} else {
		struct ahead_twin tw;

		tw.in = ingest_new(&opts);
		for (i = 0; i < sizeof(excl) / sizeof(excl[0]); i++)
			FUZZ_ASSERT(ingest_exclude_line(tw.in, excl[i],
			    strlen(excl[i]), why, sizeof(why)) == 0);
		ingest_input_begin(tw.in);
		tw.pre = ingest_pre_new(tw.in);
		tw.snap = ingest_snap_new();
		bad = by_line(in, data, size, &tw);
		FUZZ_ASSERT(memcmp(ingest_stats(in), ingest_stats(tw.in),
		    sizeof(struct ingest_stats)) == 0);
		ingest_snap_free(tw.snap);
		ingest_pre_free(tw.pre);
		ingest_free(tw.in);
	}
	st = ingest_stats(in);
	FUZZ_ASSERT(st->rejected >= bad);

	/* Whatever was read makes a sound index. */
	b = ingest_builder(in);
	FUZZ_ASSERT(ingest_finish(in, b) == TIDX_OK);
	p.build_time = p.now = opts.now;
	p.lookback = opts.lookback;
	FUZZ_ASSERT(tidx_builder_write(b, path, &p) == TIDX_OK);
	FUZZ_ASSERT(tidx_open(path, &ix) == TIDX_OK);
	FUZZ_ASSERT(tidx_verify(ix) == TIDX_OK);
	tidx_get_info(ix, &info);
	FUZZ_ASSERT(info.n_v4 + info.n_v6 + info.n_cidr4 + info.n_cidr6 ==
	    st->addresses);
	FUZZ_ASSERT(info.n_records == st->indicators);
	tidx_close(ix);
	tidx_builder_free(b);
	ingest_free(in);
	return 0;
}
