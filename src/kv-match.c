/*
 * kv-match: read Azure Key Vault log records (NDJSON) and write an alert
 * (NDJSON) for each record whose caller address is a threat-intelligence
 * indicator in the index, as the Sentinel rule "TI map IP entity to Azure
 * Key Vault logs" would, with repeats suppressed in a sliding window.
 *
 * This file parses options and wires modules together: input.c reads the
 * inputs, match.c applies the rule and counts, watch.c reloads the index
 * and keeps the state, dedup.c is the window, jout.c the output.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "input.h"
#include "jout.h"
#include "jrec.h"
#include "ktime.h"
#include "match.h"
#include "tidx.h"
#include "version.h"
#include "watch.h"
#include "xalloc.h"

#define DEFAULT_WINDOW		(3600LL * KTIME_TICKS_PER_SEC)
#define DEFAULT_MAX_KEYS	1000000
#define DEFAULT_MAX_LINE	(16 * 1024 * 1024)
#define READ_SIZE		(256 * 1024)	/* Also the read-ahead chunk. */
#define DEFAULT_STATE_INTERVAL	(60LL * KTIME_TICKS_PER_SEC)

enum { OPT_WINDOW = 256, OPT_STATS, OPT_MAX_KEYS, OPT_MAX_LINE,
	OPT_VALIDATE, OPT_STATE, OPT_STATE_INTERVAL };

static const struct option longopts[] = {
	{ "index",	required_argument,	NULL, 'i' },
	{ "window",	required_argument,	NULL, OPT_WINDOW },
	{ "stats",	no_argument,		NULL, OPT_STATS },
	{ "max-keys",	required_argument,	NULL, OPT_MAX_KEYS },
	{ "max-line",	required_argument,	NULL, OPT_MAX_LINE },
	{ "validate",	no_argument,		NULL, OPT_VALIDATE },
	{ "state",	required_argument,	NULL, OPT_STATE },
	{ "state-interval", required_argument,	NULL, OPT_STATE_INTERVAL },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

struct run {
	struct input	*in;
	struct match	*m;
	struct watch	*w;
	struct dedup	*dd;
	struct jout	*out;
	size_t		 max_line;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kv-match -i index [--stats] [--validate] [--window dur] "
	    "[--max-keys n]\n"
	    "                [--max-line bytes] [--state file] "
	    "[--state-interval dur]\n"
	    "                [file ...]\n");
}

static void
print_stats(const struct run *r)
{
	const struct match_counters *c = match_counters(r->m);
	struct jout	*j = jout_new(STDERR_FILENO);
	struct dedup_stats ds;
	size_t		 i;
	const struct { const char *name; uint64_t v; } v[] = {
		{ "lines", input_lines(r->in) }, { "blank", c->blank },
		{ "records", c->records }, { "malformed", c->malformed },
		{ "no_address", c->no_address },
		{ "not_indexed", c->not_indexed },
		{ "not_vault", c->not_vault }, { "no_time", c->no_time },
		{ "expired", c->expired }, { "suppressed", c->suppressed },
		{ "alerts", c->alerts }, { "parsed", c->parsed },
		{ "lookups", c->lookups }, { "matched", c->matched },
		{ "dedup_keys", (dedup_get_stats(r->dd, &ds), ds.keys) },
		{ "dedup_forgotten", ds.expired },
		{ "dedup_evicted", ds.evicted },
		{ "bytes", input_bytes(r->in) },
		{ "index_reloads", watch_reloads(r->w) },
		{ "index_reload_failures", watch_reload_failures(r->w) },
	};

	jout_map_open(j);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		jout_key(j, v[i].name);
		jout_int(j, (long long)v[i].v);
	}
	jout_map_close(j);
	jout_end(j);
	jout_flush(j);
	jout_free(j);
}

/* The end of a run that cannot go on: a failed write, a bad index. */
static void __attribute__((noreturn))
fatal(void *arg, int e, const char *what)
{
	struct run *r = arg;

	if (what != NULL)
		errx(2, "%s", what);
	if (e == EPIPE)
		exit(0);	/* Quietly, as head(1) users expect. */
	(void)r;
	errno = e;
	err(2, "write error");
}

/* ---- The input's operations ------------------------------------------ */

static int
op_sniff(void *arg, const char *buf, size_t len)
{
	(void)arg;
	return jrec_is_document(buf, len) == 1;
}

static void
op_line(void *arg, const char *line, size_t len)
{
	struct run *r = arg;

	match_line(r->m, input_name(r->in), input_lineno(r->in), line, len);
}

static void
op_toolong(void *arg)
{
	struct run *r = arg;

	match_flush(r->m);
	match_malformed(r->m);
	diag_bad(input_name(r->in), input_lineno(r->in),
	    "line longer than %zu bytes, record skipped", r->max_line);
}

static void
op_broken(void *arg, uint64_t line, const char *why)
{
	struct run *r = arg;

	match_malformed(r->m);
	diag_bad(input_name(r->in), line, "broken JSON document: %s", why);
}

static void op_doc_begin(void *a) { match_doc_begin(((struct run *)a)->m); }
static int op_doc_end(void *a) { return match_doc_end(((struct run *)a)->m); }

static int
op_doc_feed(void *arg, const char *buf, size_t len)
{
	return match_doc_feed(((struct run *)arg)->m, buf, len);
}

static uint64_t
op_doc_handled(void *arg)
{
	return match_doc_handled(((struct run *)arg)->m);
}

static const char *
op_doc_error(void *arg, uint64_t *off)
{
	return match_doc_error(((struct run *)arg)->m, off);
}

/* Before kv-match may wait for input: no alert waits in a buffer. */
static void
op_idle(void *arg)
{
	struct run *r = arg;

	match_flush(r->m);
	if (jout_pending(r->out) > 0 && jout_flush(r->out) == -1)
		fatal(r, jout_error(r->out), NULL);
}

static int
op_between(void *arg, unsigned sigs)
{
	struct run *r = arg;

	if (sigs & INPUT_SIG_USR1)
		print_stats(r);
	if (sigs & INPUT_SIG_HUP)
		watch_reload(r->w);
	watch_tick(r->w);
	return (sigs & INPUT_SIG_TERM) != 0;
}

/* A new index: finish the line that waits with the old one first. */
static void
swap_index(void *arg, struct tidx *nix)
{
	struct run *r = arg;

	match_flush(r->m);
	match_set_index(r->m, nix);
}

static const struct input_ops ops = {
	op_sniff, op_line, op_toolong, op_doc_begin, op_doc_feed, op_doc_end,
	op_doc_handled, op_doc_error, op_broken, op_idle, op_between
};

/* ---- Options and the run ---------------------------------------------- */

static long long
parse_count(const char *opt, const char *s, long long min)
{
	char	*end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min)
		errx(2, "%s: not a whole number of at least %lld: %s", opt,
		    min, s);
	return v;
}

static int64_t
parse_dur(const char *opt, const char *s)
{
	int64_t	 d;

	if (ktime_parse_duration(s, &d) == -1)
		errx(2, "%s: not a duration (like 1h, 90m, 0s): %s", opt, s);
	return d;
}

/* Print to stdout and exit: 0, or 2 when stdout could not take it. */
static void __attribute__((noreturn))
print_exit(void (*fn)(FILE *))
{
	fn(stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(2, "write error");
	exit(0);
}

static void version(FILE *f) { fprintf(f, "kv-match %s\n", VERSION); }

int
main(int argc, char *argv[])
{
	struct run	 r;
	struct input_conf ic = { DEFAULT_MAX_LINE, READ_SIZE, 1, 0 };
	struct match_opts mo = { 0 };
	struct tidx	*ix;
	enum tidx_status st;
	const char	*ixpath = NULL, *state = NULL, *env;
	int64_t		 window = DEFAULT_WINDOW;
	int64_t		 interval = DEFAULT_STATE_INTERVAL;
	size_t		 max_keys = DEFAULT_MAX_KEYS;
	int		 ch, stats = 0, i, ioerr = 0;
	static char	*stdin_only[] = { "-", NULL };

	xalloc_exit_on_failure("kv-match");
	memset(&r, 0, sizeof(r));
	while ((ch = getopt_long(argc, argv, "hi:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i': ixpath = optarg; break;
		case OPT_WINDOW: window = parse_dur("--window", optarg); break;
		case OPT_STATS: stats = 1; break;
		case OPT_MAX_KEYS:
			max_keys = (size_t)parse_count("--max-keys", optarg, 1);
			break;
		case OPT_MAX_LINE:
			ic.max_line = (size_t)parse_count("--max-line", optarg,
			    1);
			break;
		case OPT_VALIDATE: mo.validate = 1; break;
		case OPT_STATE: state = optarg; break;
		case OPT_STATE_INTERVAL:
			interval = parse_dur("--state-interval", optarg);
			break;
		case 'h': print_exit(usage);
		case 'V': print_exit(version);
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (ixpath == NULL) {
		warnx("no index given (-i index)");
		usage(stderr);
		return 2;
	}
	if ((env = getenv("KV_MATCH_READ_SIZE")) != NULL && *env != '\0')
		ic.read_size = (size_t)parse_count("KV_MATCH_READ_SIZE", env,
		    1);
	if ((st = tidx_open(ixpath, &ix)) != TIDX_OK) {
		if (st == TIDX_ERR_IO)
			err(2, "%s", ixpath);
		errx(2, "%s: %s", ixpath, tidx_strerror(st));
	}
	r.max_line = ic.max_line;
	r.dd = dedup_new(window, max_keys);
	r.out = jout_new(STDOUT_FILENO);
	r.m = match_new(ix, r.dd, r.out, &mo);
	match_on_fatal(r.m, fatal, &r);
	r.w = watch_new(ixpath, ix, swap_index, &r);
	watch_state(r.w, state, r.dd, window, max_keys, interval);
	watch_load(r.w);
	r.in = input_new(&ic, &ops, &r);
	input_catch_signals(r.in);

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (i = 0; i < argc && !input_stopped(r.in); i++)
		if (input_read(r.in, argv[i]) == -1) {
			warn("%s", strcmp(argv[i], "-") == 0 ? "<stdin>" :
			    argv[i]);
			ioerr = 1;
		}
	match_flush(r.m);
	if (jout_flush(r.out) == -1)
		fatal(&r, jout_error(r.out), NULL);
	watch_save(r.w);
	if (stats)
		print_stats(&r);
	ch = diag_summary("bad record", "bad records") ? 1 : 0;
	if (match_counters_check(match_counters(r.m)) == -1) {
		warnx("internal error: the record counters do not add up");
		ch = 2;
	}
	if (ioerr)
		ch = 2;
	input_free(r.in);
	match_free(r.m);
	watch_free(r.w);
	jout_free(r.out);
	dedup_free(r.dd);
	return ch;
}
