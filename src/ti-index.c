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
#include "lineread.h"
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

static void
str_member(struct jout *j, const char *key, struct tidx_str s)
{
	jout_key(j, key);
	jout_str(j, s.p, s.len);
}

static int
cmd_info(const char *path, int verify)
{
	struct tidx	*ix = open_index(path);
	struct tidx_info in;
	struct jout	*j;
	enum tidx_status st;

	if (verify && (st = tidx_verify(ix)) != TIDX_OK) {
		tidx_close(ix);
		errx(2, "%s: %s", path, tidx_strerror(st));
	}
	tidx_get_info(ix, &in);
	j = jout_new(STDOUT_FILENO);
	yajl_gen_map_open(jout_gen(j));
	jout_key(j, "file");
	jout_str(j, path, strlen(path));
	jout_key(j, "format_version");
	{
		char v[32];

		snprintf(v, sizeof(v), "%u.%u", in.major, in.minor);
		jout_str(j, v, strlen(v));
	}
	jout_key(j, "file_size");
	jout_int(j, (long long)in.file_size);
	jout_key(j, "build_time");
	jout_time(j, in.build_time);
	jout_key(j, "now");
	jout_time(j, in.now);
	jout_key(j, "lookback_seconds");
	jout_int(j, (long long)(in.lookback / KTIME_TICKS_PER_SEC));
	jout_key(j, "indicators");
	jout_int(j, (long long)in.n_records);
	jout_key(j, "addresses");
	jout_int(j, (long long)in.n_entries);
	jout_key(j, "ipv4");
	jout_int(j, (long long)in.n_v4);
	jout_key(j, "ipv6");
	jout_int(j, (long long)in.n_v6);
	jout_key(j, "ipv4_prefixes");
	jout_int(j, (long long)in.n_cidr4);
	jout_key(j, "ipv6_prefixes");
	jout_int(j, (long long)in.n_cidr6);
	jout_key(j, "ipv4_ranges");
	jout_int(j, (long long)in.ranges4);
	jout_key(j, "ipv6_ranges");
	jout_int(j, (long long)in.ranges6);
	jout_key(j, "metadata_tuples");
	jout_int(j, (long long)in.n_meta);
	jout_key(j, "strings");
	jout_int(j, (long long)in.n_strings);
	jout_key(j, "string_bytes");
	jout_int(j, (long long)in.strings_size);
	jout_key(j, "ipv4_slots");
	jout_int(j, (long long)in.slots4);
	jout_key(j, "ipv6_slots");
	jout_int(j, (long long)in.slots6);
	jout_key(j, "ipv4_max_probe");
	jout_int(j, (long long)in.probe4);
	jout_key(j, "ipv6_max_probe");
	jout_int(j, (long long)in.probe6);
	jout_key(j, "verified");
	yajl_gen_bool(jout_gen(j), verify);
	yajl_gen_map_close(jout_gen(j));
	jout_end(j);
	finish_stdout(j);
	tidx_close(ix);
	return 0;
}

static int
cmd_verify(const char *path)
{
	struct tidx	*ix = open_index(path);
	enum tidx_status st;

	st = tidx_verify(ix);
	tidx_close(ix);
	if (st != TIDX_OK)
		errx(2, "%s: %s", path, tidx_strerror(st));
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
		yajl_gen_map_open(jout_gen(j));
		jout_key(j, "address");
		jout_str(j, argv[i], strlen(argv[i]));
		str_member(j, "IndicatorId", ind.id);
		str_member(j, "TI_ipEntity", ind.addr_text);
		jout_key(j, "TimeGenerated");
		jout_time(j, ind.time_generated);
		jout_key(j, "ExpirationDateTime");
		jout_time(j, ind.expiration);
		jout_key(j, "ConfidenceScore");
		if (ind.confidence == TIDX_CONF_NULL)
			jout_null(j);
		else
			jout_int(j, ind.confidence);
		str_member(j, "ThreatType", ind.threat_type);
		str_member(j, "Description", ind.description);
		str_member(j, "ActivityGroupNames", ind.activity_groups);
		str_member(j, "Url", ind.url);
		str_member(j, "Type", ind.type);
		yajl_gen_map_close(jout_gen(j));
		jout_end(j);
	}
	finish_stdout(j);
	tidx_close(ix);
	if (bad && found == 0)
		return 2;
	return found ? 0 : 1;
}

/* Progress on a terminal: at most once a second. */
static void
progress(const char *name, uint64_t rows, int done)
{
	static time_t	 last;
	static int	 shown;
	time_t		 now;

	if (done) {
		if (shown)
			fputs("\r\033[K", stderr);
		return;
	}
	if ((rows & 0xffff) != 0 || (now = time(NULL)) == last)
		return;
	if (last != 0) {
		fprintf(stderr, "\r\033[Kti-index: %s: %llu rows", name,
		    (unsigned long long)rows);
		shown = 1;
	}
	last = now;
}

#define PEEK_SIZE	65536

/* Where a document's bad records are, for reports. */
struct docpos {
	const char	*name;
	const char	*chunk;		/* The piece being fed. */
	uint64_t	 chunk_off;	/* Its offset in the input. */
	uint64_t	 chunk_line;	/* The line it starts on. */
};

/* The line of offset off, which lies in the current piece or just after. */
static uint64_t
line_of(const struct docpos *dp, uint64_t off, size_t chunklen)
{
	uint64_t line = dp->chunk_line;
	size_t	 i, n = off > dp->chunk_off ? off - dp->chunk_off : 0;

	if (n > chunklen)
		n = chunklen;
	for (i = 0; i < n; i++)
		if (dp->chunk[i] == '\n')
			line++;
	return line;
}

static size_t cur_chunklen;

static void
doc_bad(void *arg, uint64_t off, const char *why)
{
	const struct docpos *dp = arg;

	/* off is just past the record: report the line it ends on. */
	diag_bad(dp->name, line_of(dp, off > 0 ? off - 1 : 0, cur_chunklen),
	    "%s, record skipped", why);
}

/*
 * Read a whole JSON document (an array or bundle over many lines) from
 * fd, starting with the len bytes at buf already read.  0, or -1 when
 * the input could not be read.
 */
static int
read_document(struct ingest *in, int fd, const char *name, char *buf,
    size_t len, size_t cap)
{
	struct docpos	 dp;
	const char	*why;
	uint64_t	 off;
	ssize_t		 n;
	size_t		 i;
	int		 rc;

	dp.name = name;
	dp.chunk_off = 0;
	dp.chunk_line = 1;
	ingest_doc_begin(in, doc_bad, &dp);
	for (;;) {
		dp.chunk = buf;
		cur_chunklen = len;
		if (ingest_doc_feed(in, buf, len) == -1) {
			why = ingest_doc_error(in, &off);
			diag_bad(name, line_of(&dp, off, len),
			    "%s, rest of input skipped", why);
			return 0;
		}
		for (i = 0; i < len; i++)
			if (buf[i] == '\n')
				dp.chunk_line++;
		dp.chunk_off += len;
		while ((n = read(fd, buf, cap)) == -1 && errno == EINTR)
			;
		if (n == -1) {
			warn("%s", name);
			return -1;
		}
		if (n == 0)
			break;
		len = (size_t)n;
	}
	if ((rc = ingest_doc_end(in)) != 0) {
		why = ingest_doc_error(in, &off);
		diag_bad(name, rc == -1 ? dp.chunk_line : 1, "%s%s", why,
		    rc == -1 ? ", rest of input skipped" : ", skipped");
	}
	return 0;
}

/* Feed one input to the ingestion; 0, or -1 when it could not be read. */
static int
read_input(struct ingest *in, struct lreader *lr, const char *path,
    enum ingest_format format, int show_progress)
{
	const char	*name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	const char	*line;
	char		 why[256], *peek;
	size_t		 len, got = 0, cap = PEEK_SIZE;
	ssize_t		 n;
	int		 fd, rc = 0, document = 0;
	enum ingest_format	 f;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return -1;
	}
	/* Read the first line (up to the line limit) to tell the format. */
	peek = xmalloc(cap);
	while (got < MAX_LINE) {
		if (got == cap) {
			cap *= 2;
			peek = xreallocarray(peek, cap, 1);
		}
		n = read(fd, peek + got, cap - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			warn("%s", name);
			free(peek);
			if (fd != STDIN_FILENO)
				close(fd);
			return -1;
		}
		if (n == 0 || memchr(peek + got, '\n', (size_t)n) != NULL) {
			got += (size_t)n;
			break;
		}
		got += (size_t)n;
	}
	f = ingest_sniff(peek, got, &document);
	if (format != INGEST_AUTO)
		f = format;
	if (f == INGEST_JSON && document) {
		rc = read_document(in, fd, name, peek, got, cap);
		free(peek);
		if (fd != STDIN_FILENO)
			close(fd);
		return rc;
	}
	lr_reset(lr, fd);
	lr_push(lr, peek, got);
	free(peek);
	for (;;) {
		switch (lr_next(lr, &line, &len)) {
		case LR_LINE:
			if ((f == INGEST_LIST ? ingest_list_line(in, line, len,
			    why, sizeof(why)) : ingest_row(in, line, len, why,
			    sizeof(why))) == -1)
				diag_bad(name, lr_lineno(lr), "%s, row skipped",
				    why);
			if (show_progress)
				progress(name, ingest_stats(in)->rows, 0);
			continue;
		case LR_TOOLONG:
			diag_bad(name, lr_lineno(lr),
			    "line longer than %d bytes, row skipped",
			    MAX_LINE);
			continue;
		case LR_INTR:
			continue;
		case LR_ERROR:
			warn("%s", name);
			rc = -1;
			break;
		case LR_EOF:
			break;
		}
		break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* Read an --exclude list into the ingestion; -1 when it cannot be read. */
static int
read_exclude(struct ingest *in, struct lreader *lr, const char *path)
{
	const char	*line;
	char		 why[256];
	size_t		 len;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return -1;
	}
	lr_reset(lr, fd);
	for (;;) {
		switch (lr_next(lr, &line, &len)) {
		case LR_LINE:
			if (ingest_exclude_line(in, line, len, why,
			    sizeof(why)) == -1)
				diag_bad(path, lr_lineno(lr),
				    "%s, exclusion skipped", why);
			continue;
		case LR_TOOLONG:
			diag_bad(path, lr_lineno(lr), "line too long, "
			    "exclusion skipped");
			continue;
		case LR_INTR:
			continue;
		case LR_ERROR:
			warn("%s", path);
			rc = -1;
			break;
		case LR_EOF:
			break;
		}
		break;
	}
	close(fd);
	return rc;
}

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
	if (s->reserved)
		fprintf(stderr, "ti-index: %s: %llu of the excluded addresses "
		    "are reserved\n", out, (unsigned long long)s->reserved);
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
input_bytes(int argc, char **argv)
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
	struct lreader	*lr = lr_new(MAX_LINE, READ_SIZE);
	struct tidx_builder *b;
	struct tidx_params p;
	struct stat	 sb;
	enum tidx_status st;
	int		 i, ioerr = 0, show = !quiet && isatty(STDERR_FILENO);
	static char	*stdin_only[] = { "-", NULL };

	if (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode))
		errx(2, "%s: exists and is not a regular file; not replaced",
		    out);
	for (i = 0; i < bo->nexcludes; i++)
		if (read_exclude(in, lr, bo->excludes[i]) == -1)
			ioerr = 1;
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	ingest_reserve(in, input_bytes(argc, argv));
	for (i = 0; i < argc; i++)
		if (read_input(in, lr, argv[i], bo->format, show) == -1)
			ioerr = 1;
	if (show)
		progress(NULL, 0, 1);
	lr_free(lr);
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
		return info ? cmd_info(argv[0], verify) : cmd_verify(argv[0]);
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
