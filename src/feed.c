/*
 * feed.c: reading ti-index's inputs into an ingestion with the input
 * layer.  See feed.h.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ahead.h"
#include "diag.h"
#include "feed.h"
#include "input.h"
#include "xalloc.h"

#define FEED_FIRST	240	/* Bytes of an input's first record kept. */

struct feed {
	struct ingest	*in;
	struct input	*input;
	struct ahead	*ahead;		/* Lines parsed ahead, or NULL. */
	int		 resniff;	/* Tell it again from the next line. */
	int		 exclude;	/* Reading an --exclude list. */
	int		 progress;	/* Show progress on stderr. */
	const char	*source;	/* --source, or NULL. */
	time_t		 last;		/* Of the progress line. */
	/* The input being read: what its first record looked like. */
	char		 first[FEED_FIRST];
	size_t		 firstlen;
	uint64_t	 firstline;	/* 0: none yet. */
	int		 firstdoc;	/* It was a JSON document. */
};

static int
op_sniff(void *arg, const char *buf, size_t len)
{
	struct feed *r = arg;

	return !r->exclude && ingest_sniff_document(r->in, buf, len);
}

/* Progress on a terminal: at most once a second. */
static void
progress(struct feed *r, int done)
{
	time_t	 now;

	if (!r->progress || (!done && (ingest_stats(r->in)->rows & 0xffff)))
		return;
	if (done || (now = time(NULL)) == r->last) {
		if (done && r->last != 0)
			fputs("\r\033[K", stderr);
		return;
	}
	if (r->last != 0)
		fprintf(stderr, "\r\033[Kti-index: %s: %llu rows",
		    input_name(r->input),
		    (unsigned long long)ingest_stats(r->in)->rows);
	r->last = now;
}

static int
blank_line(const char *p, size_t len)
{
	while (len > 0 && (*p == ' ' || *p == '\t' || *p == '\r')) {
		p++;
		len--;
	}
	return len == 0;
}

/* A line of a list that is only a comment. */
static int
comment_line(const char *p, size_t len)
{
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	return len > 0 && (*p == '#' || *p == ';');
}

/* Keep the first line of the input that is neither blank nor comment. */
static void
keep_first(struct feed *r, const char *line, size_t len, int doc)
{
	if (r->firstline != 0 || blank_line(line, len) ||
	    (!doc && comment_line(line, len)))
		return;
	r->firstlen = len < sizeof(r->first) ? len : sizeof(r->first);
	memcpy(r->first, line, r->firstlen);
	r->firstline = doc ? 1 : input_lineno(r->input);
	r->firstdoc = doc;
}

/* A row line parsed ahead (ahead.h), taken in its turn. */
static void
take_line(void *arg, const char *line, size_t len, uint64_t lineno,
    const struct ingest_snap *s)
{
	struct feed *r = arg;
	char	 why[512];

	if (ingest_line_snap(r->in, line, len, s, why, sizeof(why)) == -1)
		diag_bad(input_name(r->input), lineno, "%s, row skipped",
		    why);
	progress(r, 0);
}

/* Take every line parsed ahead: before anything that comes after them. */
static void
drain(struct feed *r)
{
	ahead_drain(r->ahead);
}

static void
op_line(void *arg, const char *line, size_t len)
{
	struct feed *r = arg;
	char	 why[512];
	int	 rc;

	if (r->resniff) {
		/* After a broken document: told anew from the lines. */
		drain(r);
		r->resniff = 0;
		ingest_input_begin(r->in);
	}
	if (!r->exclude)
		keep_first(r, line, len, 0);
	if (!r->exclude && r->ahead != NULL) {
		ahead_line(r->ahead, line, len, input_lineno(r->input));
		return;
	}
	if (r->exclude)
		rc = ingest_exclude_line(r->in, line, len, why, sizeof(why));
	else
		rc = ingest_line(r->in, line, len, why, sizeof(why));
	if (rc == -1)
		diag_bad(input_name(r->input), input_lineno(r->input),
		    "%s, %s skipped", why, r->exclude ? "exclusion" : "row");
	progress(r, 0);
}

static void
op_toolong(void *arg)
{
	struct feed *r = arg;

	drain(r);
	diag_bad(input_name(r->input), input_lineno(r->input),
	    "line longer than %d bytes, %s skipped", FEED_MAX_LINE,
	    r->exclude ? "exclusion" : "row");
}

/* A bad record of a document; off is just past it. */
static void
doc_bad(void *arg, uint64_t off, const char *why)
{
	struct feed *r = arg;

	diag_bad(input_name(r->input), input_doc_line(r->input,
	    off > 0 ? off - 1 : 0), "%s, record skipped", why);
}

static void
op_doc_begin(void *arg)
{
	struct feed *r = arg;

	drain(r);
	ingest_doc_begin(r->in, doc_bad, r);
}

static int
op_doc_feed(void *arg, const char *buf, size_t len)
{
	struct feed *r = arg;

	if (!r->exclude)
		keep_first(r, buf, len, 1);
	return ingest_doc_feed(r->in, buf, len);
}

static int
op_doc_end(void *arg)
{
	struct feed *r = arg;
	uint64_t off;
	int	 rc = ingest_doc_end(r->in);

	if (rc == -2)	/* Values that are not objects: reported alone. */
		diag_bad(input_name(r->input), 1, "%s, skipped",
		    ingest_doc_error(r->in, &off));
	return rc == -1 ? -1 : 0;
}

static uint64_t
op_doc_handled(void *arg)
{
	return ingest_doc_handled(((struct feed *)arg)->in);
}

static const char *
op_doc_error(void *arg, uint64_t *off)
{
	return ingest_doc_error(((struct feed *)arg)->in, off);
}

static void
op_broken(void *arg, uint64_t line, const char *why)
{
	struct feed *r = arg;

	drain(r);
	diag_bad(input_name(r->input), line, "broken JSON document: %s",
	    why);
	r->resniff = 1;
}

/* Before a read that may move the lines: take those that wait. */
static void
op_idle(void *arg)
{
	drain(arg);
}

static int
op_between(void *arg, unsigned sigs)
{
	(void)arg;
	(void)sigs;
	return 0;
}

static const struct input_ops ops = {
	op_sniff, op_line, op_toolong, op_doc_begin, op_doc_feed, op_doc_end,
	op_doc_handled, op_doc_error, op_broken, op_idle, op_between
};

/*
 * The feed name of input path: --source, else its base name ("stdin"
 * for "-").
 */
static void
set_source(struct feed *r, const char *path)
{
	struct ingest *in = r->in;
	const char *base, *end;

	if (r->source != NULL) {
		ingest_set_source(in, r->source, strlen(r->source));
		return;
	}
	if (strcmp(path, "-") == 0) {
		ingest_set_source(in, "stdin", 5);
		return;
	}
	end = path + strlen(path);
	while (end > path + 1 && end[-1] == '/')
		end--;
	for (base = end; base > path && base[-1] != '/'; base--)
		;
	ingest_set_source(in, base, (size_t)(end - base));
}

uint64_t
feed_size(int argc, char **argv)
{
	struct stat st;
	uint64_t n = 0;
	int	 i, r;

	for (i = 0; i < argc; i++) {
		r = strcmp(argv[i], "-") == 0 ? fstat(STDIN_FILENO, &st) :
		    stat(argv[i], &st);
		if (r == 0 && S_ISREG(st.st_mode))
			n += (uint64_t)st.st_size;
	}
	return n;
}

struct feed *
feed_new(struct ingest *in, const char *source, int progress)
{
	struct feed *r = xcalloc(1, sizeof(*r));
	struct input_conf ic = { FEED_MAX_LINE, FEED_READ_SIZE, 0, 0, 0 };

	r->in = in;
	r->progress = progress;
	r->source = source;
	r->input = input_new(&ic, &ops, r);
	r->ahead = ahead_new(in, take_line, r);
	return r;
}

void
feed_free(struct feed *r)
{
	if (r == NULL)
		return;
	ahead_free(r->ahead);
	progress(r, 1);
	input_free(r->input);
	free(r);
}

/*
 * Say what the first record of an input with no indicator record looked
 * like, into buf: CSV or tab-separated text with its columns, JSON, or
 * text.
 */
static void
describe(const struct feed *r, char *buf, size_t len)
{
	const char *p = r->first, *e = r->first + r->firstlen, *nl;
	const char *c;
	char	 q[4 * FEED_FIRST + 8];
	char	 sep;
	size_t	 tabs, commas;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL && !r->firstdoc)
		e = nl;
	while (e > p && (e[-1] == '\r' || e[-1] == ' '))
		e--;
	if (r->firstdoc || (p < e && (*p == '{' || *p == '['))) {
		ingest_quote(q, sizeof(q), p, (size_t)(e - p), 60);
		snprintf(buf, len, "looks like JSON of no known feed form, "
		    "starting %s", q);
		return;
	}
	/* The separator: whichever of tab and comma comes more often. */
	for (tabs = commas = 0, c = p; c < e; c++) {
		tabs += *c == '\t';
		commas += *c == ',';
	}
	sep = tabs == 0 && commas == 0 ? 0 : tabs > commas ? '\t' : ',';
	if (sep != 0) {
		char	 cols[FEED_FIRST + 1];
		size_t	 n = 0;

		for (; p < e && n < sizeof(cols) - 1; p++)
			if (*p == sep)
				cols[n++] = ',';
			else if (*p != '"' && !(*p == ' ' || *p == '\t'))
				cols[n++] = *p;
		ingest_quote(q, sizeof(q), cols, n, 120);
		snprintf(buf, len, "looks like %s with columns %s: no address "
		    "column", sep == ',' ? "CSV" : "tab-separated text", q);
		return;
	}
	ingest_quote(q, sizeof(q), p, (size_t)(e - p), 60);
	snprintf(buf, len, "looks like text, not a list of addresses: %s", q);
}

int
feed_read(struct feed *r, const char *path)
{
	set_source(r, path);
	const struct ingest_stats *st = ingest_stats(r->in);
	uint64_t known = st->known, unknown = st->unknown;
	char	 what[2048];
	int	 rc;

	r->exclude = 0;
	r->resniff = 0;
	r->firstline = 0;
	r->firstlen = 0;
	ingest_input_begin(r->in);
	rc = input_read(r->input, path);
	drain(r);
	if (rc == -1)
		return -1;
	if (st->known == known && st->unknown > unknown &&
	    r->firstline != 0) {
		describe(r, what, sizeof(what));
		diag_bad(input_name(r->input), r->firstline,
		    "no indicator records: %s", what);
	}
	return rc;
}

int
feed_exclude(struct feed *r, const char *path)
{
	int	 rc;

	r->exclude = 1;
	r->resniff = 0;
	rc = input_read(r->input, path);
	r->exclude = 0;
	return rc;
}

void
feed_summary(const struct ingest_stats *s, const char *out)
{
	fprintf(stderr, "ti-index: %s: %llu rows, %llu indicators, "
	    "%llu addresses; skipped: %llu malformed, %llu no address, "
	    "%llu no time, "
	    "%llu old, %llu bad address, %llu excluded, %llu superseded, "
	    "%llu inactive, %llu expired, %llu shadowed\n", out,
	    (unsigned long long)s->rows, (unsigned long long)s->indicators,
	    (unsigned long long)s->addresses,
	    (unsigned long long)s->malformed,
	    (unsigned long long)s->no_address, (unsigned long long)s->no_time,
	    (unsigned long long)s->too_old,
	    (unsigned long long)s->bad_address,
	    (unsigned long long)s->excluded,
	    (unsigned long long)s->superseded,
	    (unsigned long long)s->inactive, (unsigned long long)s->expired,
	    (unsigned long long)s->shadowed);
	if (s->compound || s->not_indicator ||
	    s->excluded_addresses != s->excluded)
		fprintf(stderr, "ti-index: %s: also %llu records that are "
		    "not indicators, %llu patterns that are not plain "
		    "address matches, %llu addresses excluded\n", out,
		    (unsigned long long)s->not_indicator,
		    (unsigned long long)s->compound,
		    (unsigned long long)s->excluded_addresses);
	if (s->reserved)
		fprintf(stderr, "ti-index: %s: %llu of the excluded addresses "
		    "are reserved\n", out, (unsigned long long)s->reserved);
}

