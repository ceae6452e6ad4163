/*
 * ti-index: compile threat-intelligence IP indicators into an index file,
 * and inspect one (--info, --verify, --lookup).
 *
 * This file only parses options and wires modules together: ingest.c
 * applies the rule's indicator semantics (SPEC.md 2.1), tidx.c builds and
 * reads the file format, lineread.c reads input, jout.c writes JSON.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "diag.h"
#include "ingest.h"
#include "jout.h"
#include "ktime.h"
#include "input.h"
#include "ixreport.h"
#include "tidx.h"
#include "version.h"
#include "xalloc.h"

#define MAX_LINE	(16 * 1024 * 1024)
#define READ_SIZE	(1024 * 1024)
#define DEFAULT_LOOKBACK (14LL * 86400 * KTIME_TICKS_PER_SEC)

enum { OPT_NOW = 256, OPT_LOOKBACK, OPT_INFO, OPT_VERIFY, OPT_LOOKUP,
	OPT_FORMAT, OPT_EXCLUDE, OPT_TTL };

static const struct option longopts[] = {
	{ "output",	required_argument,	NULL, 'o' },
	{ "now",	required_argument,	NULL, OPT_NOW },
	{ "lookback",	required_argument,	NULL, OPT_LOOKBACK },
	{ "info",	no_argument,		NULL, OPT_INFO },
	{ "verify",	no_argument,		NULL, OPT_VERIFY },
	{ "lookup",	no_argument,		NULL, OPT_LOOKUP },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "exclude",	required_argument,	NULL, OPT_EXCLUDE },
	{ "ttl",	required_argument,	NULL, OPT_TTL },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ti-index [-q] [-o index] [--exclude file] "
	    "[--format auto|json|list]\n"
	    "                [--lookback dur] [--now time] [--ttl dur] "
	    "[file ...]\n"
	    "       ti-index --info [--verify] index\n"
	    "       ti-index --verify index\n"
	    "       ti-index --lookup index address ...\n");
}

/* Flush and check stdout; exit 2 when anything written was lost. */
static void
finish_stdout(struct jout *j)
{
	if (jout_flush(j) == -1) {
		errno = jout_error(j);
		err(2, "write error");
	}
	jout_free(j);
}

static struct tidx *
open_index(const char *path)
{
	struct tidx	*ix;
	enum tidx_status st;

	if ((st = tidx_open(path, &ix)) != TIDX_OK) {
		if (st == TIDX_ERR_IO)
			err(2, "%s", path);
		errx(2, "%s: %s", path, tidx_strerror(st));
	}
	return ix;
}

/* --info and --verify. */
static int
cmd_info(const char *path, int info, int verify)
{
	struct tidx	*ix = open_index(path);
	struct tidx_info in;
	enum tidx_status st;
	struct jout	*j;

	if (verify && (st = tidx_verify(ix)) != TIDX_OK)
		errx(2, "%s: %s", path, tidx_strerror(st));
	if (info) {
		tidx_get_info(ix, &in);
		j = jout_new(STDOUT_FILENO);
		ixreport_info(j, path, &in, verify);
		finish_stdout(j);
	}
	tidx_close(ix);
	return 0;
}

static int
cmd_lookup(const char *path, int argc, char **argv)
{
	struct tidx	*ix = open_index(path);
	struct jout	*j = jout_new(STDOUT_FILENO);
	struct tidx_ind	 ind;
	struct addr	 a;
	enum tidx_status st;
	int64_t		 e;
	int		 i, found = 0, bad = 0;

	for (i = 0; i < argc; i++) {
		if (addr_parse(argv[i], strlen(argv[i]), &a) == -1) {
			warnx("%s: not an IP address", argv[i]);
			bad = 1;
			continue;
		}
		if ((e = tidx_lookup(ix, &a)) < 0)
			continue;
		if ((st = tidx_entry(ix, (uint64_t)e, &ind)) != TIDX_OK)
			errx(2, "%s: %s", path, tidx_strerror(st));
		found++;
		ixreport_indicator(j, argv[i], &ind);
	}
	finish_stdout(j);
	tidx_close(ix);
	if (bad && found == 0)
		return 2;
	return found ? 0 : 1;
}

/* ---- Reading the inputs (input.h's operations) ------------------------- */

struct reading {
	struct ingest	*in;
	struct input	*input;
	enum ingest_format format;	/* --format. */
	enum ingest_format cur;		/* Of the input being read. */
	int		 resniff;	/* Tell it again from the next line. */
	int		 exclude;	/* Reading an --exclude list. */
	int		 progress;	/* On a terminal. */
	time_t		 last;		/* Of the progress line. */
};

static int
op_sniff(void *arg, const char *buf, size_t len)
{
	struct reading *r = arg;
	int	 doc = 0;

	r->cur = r->exclude ? INGEST_LIST : ingest_sniff(buf, len, &doc);
	if (r->format != INGEST_AUTO && !r->exclude)
		r->cur = r->format;
	return r->cur == INGEST_JSON && doc;
}

/* Progress on a terminal: at most once a second. */
static void
progress(struct reading *r, int done)
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
	struct reading *r = arg;
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
	struct reading *r = arg;

	diag_bad(input_name(r->input), input_lineno(r->input),
	    "line longer than %d bytes, %s skipped", MAX_LINE,
	    r->exclude ? "exclusion" : "row");
}

/* A bad record of a document; off is just past it. */
static void
doc_bad(void *arg, uint64_t off, const char *why)
{
	struct reading *r = arg;

	diag_bad(input_name(r->input), input_doc_line(r->input,
	    off > 0 ? off - 1 : 0), "%s, record skipped", why);
}

static void
op_doc_begin(void *arg)
{
	struct reading *r = arg;

	ingest_doc_begin(r->in, doc_bad, r);
}

static int
op_doc_feed(void *arg, const char *buf, size_t len)
{
	return ingest_doc_feed(((struct reading *)arg)->in, buf, len);
}

static int
op_doc_end(void *arg)
{
	struct reading *r = arg;
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
	return ingest_doc_handled(((struct reading *)arg)->in);
}

static const char *
op_doc_error(void *arg, uint64_t *off)
{
	return ingest_doc_error(((struct reading *)arg)->in, off);
}

static void
op_broken(void *arg, uint64_t line, const char *why)
{
	struct reading *r = arg;

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

static void
summary(const struct ingest_stats *s, const char *out)
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
		fprintf(stderr, "ti-index: %s: also %llu STIX objects that "
		    "are not indicators, %llu patterns that are not plain "
		    "address matches, %llu addresses excluded\n", out,
		    (unsigned long long)s->not_indicator,
		    (unsigned long long)s->compound,
		    (unsigned long long)s->excluded_addresses);
}

/* What to build from: the options besides the ingestion's own. */
struct build {
	const char	*out;
	enum ingest_format	 format;
	char		**excludes;	/* --exclude files. */
	int		 nexcludes;
	int		 quiet;
};

/* The bytes of the inputs that are regular files, to size the tables. */
static uint64_t
inputs_size(int argc, char **argv)
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

static int
cmd_build(const struct build *bo, struct ingest_opts *opts, int argc,
    char **argv)
{
	const char	*out = bo->out;
	int		 quiet = bo->quiet;
	struct ingest	*in = ingest_new(opts);
	struct input_conf ic = { MAX_LINE, READ_SIZE, 0, 0 };
	struct reading	 r;
	struct tidx_builder *b;
	struct tidx_params p;
	struct stat	 sb;
	enum tidx_status st;
	int		 i, ioerr = 0;
	static char	*stdin_only[] = { "-", NULL };

	if (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode))
		errx(2, "%s: exists and is not a regular file; not replaced",
		    out);
	memset(&r, 0, sizeof(r));
	r.in = in;
	r.format = bo->format;
	r.progress = !quiet && isatty(STDERR_FILENO);
	r.input = input_new(&ic, &ops, &r);
	r.exclude = 1;
	for (i = 0; i < bo->nexcludes; i++)
		if (input_read(r.input, bo->excludes[i]) == -1) {
			warn("%s", bo->excludes[i]);
			ioerr = 1;
		}
	r.exclude = 0;
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	ingest_reserve(in, inputs_size(argc, argv));
	for (i = 0; i < argc; i++)
		if (input_read(r.input, argv[i]) == -1) {
			warn("%s", input_name(r.input));
			ioerr = 1;
		}
	progress(&r, 1);
	input_free(r.input);
	if (ioerr)
		errx(2, "%s not written: an input could not be read", out);
	b = ingest_builder(in);
	if ((st = ingest_finish(in, b)) != TIDX_OK)
		errx(2, "%s: %s", out, tidx_strerror(st));
	p.build_time = ktime_now();
	p.now = opts->now;
	p.lookback = opts->lookback;
	if ((st = tidx_builder_write(b, out, &p)) != TIDX_OK) {
		if (st == TIDX_ERR_IO)
			err(2, "%s", out);
		errx(2, "%s: %s", out, tidx_strerror(st));
	}
	if (!quiet)
		summary(ingest_stats(in), out);
	tidx_builder_free(b);
	ingest_free(in);
	return diag_summary("bad row", "bad rows");
}

int
main(int argc, char *argv[])
{
	struct ingest_opts opts;
	static struct build bo;	/* Static: reachable until exit. */
	int		 ch, info = 0, verify = 0, lookup = 0;

	xalloc_exit_on_failure("ti-index");
	memset(&bo, 0, sizeof(bo));
	bo.out = "ti.idx";
	bo.excludes = xcalloc((size_t)argc, sizeof(*bo.excludes));
	opts.now = ktime_now();
	opts.lookback = DEFAULT_LOOKBACK;
	opts.ttl = 0;
	while ((ch = getopt_long(argc, argv, "ho:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			bo.out = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "auto") == 0)
				bo.format = INGEST_AUTO;
			else if (strcmp(optarg, "json") == 0)
				bo.format = INGEST_JSON;
			else if (strcmp(optarg, "list") == 0)
				bo.format = INGEST_LIST;
			else
				errx(2, "--format: not auto, json or list: %s",
				    optarg);
			break;
		case OPT_EXCLUDE:
			bo.excludes[bo.nexcludes++] = optarg;
			break;
		case OPT_TTL:
			if (ktime_parse_duration(optarg, &opts.ttl) == -1)
				errx(2, "--ttl: not a duration "
				    "(like 14d, 36h, 90m): %s", optarg);
			break;
		case OPT_NOW:
			if (ktime_parse(optarg, strlen(optarg), &opts.now) == -1)
				errx(2, "--now: not an RFC 3339 time: %s",
				    optarg);
			break;
		case OPT_LOOKBACK:
			if (ktime_parse_duration(optarg, &opts.lookback) == -1)
				errx(2, "--lookback: not a duration "
				    "(like 14d, 36h, 90m): %s", optarg);
			break;
		case OPT_INFO:
			info = 1;
			break;
		case OPT_VERIFY:
			verify = 1;
			break;
		case OPT_LOOKUP:
			lookup = 1;
			break;
		case 'q':
			bo.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ti-index %s\n", VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (lookup && (info || verify)) {
		warnx("%s and --lookup cannot be combined",
		    info ? "--info" : "--verify");
		usage(stderr);
		return 2;
	}
	if (info || verify) {
		if (argc != 1) {
			usage(stderr);
			return 2;
		}
		return cmd_info(argv[0], info, verify);
	}
	if (lookup) {
		if (argc < 2) {
			usage(stderr);
			return 2;
		}
		return cmd_lookup(argv[0], argc - 1, argv + 1);
	}
	return cmd_build(&bo, &opts, argc, argv);
}
