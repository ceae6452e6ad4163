/*
 * feed.c: reading ti-index's inputs into an ingestion with the input
 * layer.  See feed.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "feed.h"
#include "input.h"
#include "xalloc.h"

struct feed {
	struct ingest	*in;
	struct input	*input;
	enum ingest_format format;	/* Forced, or INGEST_AUTO. */
	enum ingest_format cur;		/* Of the input being read. */
	int		 resniff;	/* Tell it again from the next line. */
	int		 exclude;	/* Reading an --exclude list. */
	int		 progress;	/* Show progress on stderr. */
	time_t		 last;		/* Of the progress line. */
};

static int
op_sniff(void *arg, const char *buf, size_t len)
{
	struct feed *r = arg;
	int	 doc = 0;

	r->cur = r->exclude ? INGEST_LIST : ingest_sniff(buf, len, &doc);
	if (r->format != INGEST_AUTO && !r->exclude)
		r->cur = r->format;
	return r->cur == INGEST_JSON && doc;
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

static void
op_line(void *arg, const char *line, size_t len)
{
	struct feed *r = arg;
	char	 why[256];
	int	 rc;

	if (r->resniff) {
		/* After a broken document: a list or NDJSON. */
		r->resniff = 0;
		if (!blank_line(line, len))
			r->cur = ingest_sniff(line, len, &rc);
		else
			r->resniff = 1;
	}
	if (r->exclude)
		rc = ingest_exclude_line(r->in, line, len, why, sizeof(why));
	else if (r->cur == INGEST_LIST)
		rc = ingest_list_line(r->in, line, len, why, sizeof(why));
	else
		rc = ingest_row(r->in, line, len, why, sizeof(why));
	if (rc == -1)
		diag_bad(input_name(r->input), input_lineno(r->input),
		    "%s, %s skipped", why, r->exclude ? "exclusion" : "row");
	progress(r, 0);
}

static void
op_toolong(void *arg)
{
	struct feed *r = arg;

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

	ingest_doc_begin(r->in, doc_bad, r);
}

static int
op_doc_feed(void *arg, const char *buf, size_t len)
{
	return ingest_doc_feed(((struct feed *)arg)->in, buf, len);
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

	diag_bad(input_name(r->input), line, "broken JSON document: %s",
	    why);
	r->resniff = r->format == INGEST_AUTO;
}

static void op_idle(void *arg) { (void)arg; }

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

struct feed *
feed_new(struct ingest *in, enum ingest_format format, int progress)
{
	struct feed *r = xcalloc(1, sizeof(*r));
	struct input_conf ic = { FEED_MAX_LINE, FEED_READ_SIZE, 0, 0 };

	r->in = in;
	r->format = format;
	r->progress = progress;
	r->input = input_new(&ic, &ops, r);
	return r;
}

void
feed_free(struct feed *r)
{
	if (r == NULL)
		return;
	progress(r, 1);
	input_free(r->input);
	free(r);
}

int
feed_read(struct feed *r, const char *path)
{
	r->exclude = 0;
	r->resniff = 0;
	return input_read(r->input, path);
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
