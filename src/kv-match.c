/*
 * kv-match: read Azure Key Vault log records (NDJSON) and write an alert
 * (NDJSON) for each record whose caller address is a threat-intelligence
 * indicator in the index, as the Sentinel rule "TI map IP entity to Azure
 * Key Vault logs" would, with repeats suppressed in a sliding window.
 *
 * This file parses options; pipeline.c wires the modules together: input.c
 * reads the inputs, match.c applies the rule and counts, watch.c reloads
 * the index and keeps the state, dedup.c is the window, jout.c the
 * output.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "ktime.h"
#include "pipeline.h"
#include "tidx.h"
#include "version.h"
#include "xalloc.h"

#define DEFAULT_WINDOW		(3600LL * KTIME_TICKS_PER_SEC)
#define DEFAULT_MAX_KEYS	1000000
#define DEFAULT_MAX_DELAY	(7 * 86400LL * KTIME_TICKS_PER_SEC)
#define DEFAULT_MAX_LINE	(16 * 1024 * 1024)
#define READ_SIZE		(256 * 1024)	/* Also the read-ahead chunk. */
#define MAP_WINDOW		(8 * 1024 * 1024)	/* Of a mapped file. */
#define DUR_EXAMPLES		"like 1h, 90m, 0s"
#define DEFAULT_STATE_INTERVAL	(60LL * KTIME_TICKS_PER_SEC)

enum { OPT_WINDOW = 256, OPT_STATS, OPT_MAX_KEYS, OPT_MAX_LINE,
	OPT_VALIDATE, OPT_STATE, OPT_STATE_INTERVAL, OPT_MAX_DELAY, OPT_KEY,
	OPT_DEDUP_ONLY };

static const struct option longopts[] = {
	{ "index",	required_argument,	NULL, 'i' },
	{ "window",	required_argument,	NULL, OPT_WINDOW },
	{ "stats",	no_argument,		NULL, OPT_STATS },
	{ "max-keys",	required_argument,	NULL, OPT_MAX_KEYS },
	{ "max-delay",	required_argument,	NULL, OPT_MAX_DELAY },
	{ "key",	no_argument,		NULL, OPT_KEY },
	{ "dedup-only",	no_argument,		NULL, OPT_DEDUP_ONLY },
	{ "max-line",	required_argument,	NULL, OPT_MAX_LINE },
	{ "validate",	no_argument,		NULL, OPT_VALIDATE },
	{ "state",	required_argument,	NULL, OPT_STATE },
	{ "state-interval", required_argument,	NULL, OPT_STATE_INTERVAL },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kv-match -i index [--key] [--stats] [--validate] "
	    "[--window dur]\n"
	    "                [--max-delay dur] [--max-keys n] "
	    "[--max-line bytes]\n"
	    "                [--state file] [--state-interval dur] "
	    "[file ...]\n"
	    "       kv-match --dedup-only [--stats] [--window dur] "
	    "[--max-delay dur]\n"
	    "                [--max-keys n] [--max-line bytes] "
	    "[--state file]\n"
	    "                [--state-interval dur] [file ...]\n");
}

/* ---- Options and the run ---------------------------------------------- */

static void version(FILE *f) { fprintf(f, "kv-match %s\n", VERSION); }

int
main(int argc, char *argv[])
{
	struct pipeline_conf c = { { DEFAULT_MAX_LINE, READ_SIZE, 1, 0, 0 },
			    { 0, 0, 0 }, DEFAULT_WINDOW, DEFAULT_MAX_DELAY,
			    DEFAULT_MAX_KEYS, NULL, DEFAULT_STATE_INTERVAL };
	struct pipeline	*r;
	struct tidx	*ix;
	enum tidx_status st;
	const char	*ixpath = NULL, *env;
	int		 ch, stats = 0, ioerr;
	static char	*stdin_only[] = { "-", NULL };

	xalloc_exit_on_failure("kv-match");
	while ((ch = getopt_long(argc, argv, "hi:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i': ixpath = optarg; break;
		case OPT_WINDOW: c.window = cli_duration("--window", optarg, DUR_EXAMPLES); break;
		case OPT_STATS: stats = 1; break;
		case OPT_MAX_DELAY:
			c.max_delay = cli_duration("--max-delay", optarg, DUR_EXAMPLES);
			break;
		case OPT_KEY: c.match.key = 1; break;
		case OPT_DEDUP_ONLY: c.match.dedup_only = 1; break;
		case OPT_MAX_KEYS:
			c.max_keys = (size_t)cli_count("--max-keys", optarg, 1);
			break;
		case OPT_MAX_LINE:
			c.input.max_line = (size_t)cli_count("--max-line",
			    optarg, 1);
			break;
		case OPT_VALIDATE: c.match.validate = 1; break;
		case OPT_STATE: c.state = optarg; break;
		case OPT_STATE_INTERVAL:
			c.state_interval = cli_duration("--state-interval",
			    optarg, DUR_EXAMPLES);
			break;
		case 'h': cli_print_exit(usage);
		case 'V': cli_print_exit(version);
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (c.match.dedup_only)
		ixpath = NULL;		/* No index. */
	else if (ixpath == NULL) {
		warnx("no index given (-i index)");
		usage(stderr);
		return 2;
	}
	if ((env = getenv("KV_MATCH_READ_SIZE")) != NULL && *env != '\0')
		c.input.read_size = (size_t)cli_count("KV_MATCH_READ_SIZE",
		    env, 1);
	if ((env = getenv("KV_MATCH_MAP")) != NULL && strcmp(env, "1") == 0)
		c.input.map_window = MAP_WINDOW;
	ix = NULL;
	if (ixpath != NULL && (st = tidx_open(ixpath, &ix)) != TIDX_OK) {
		if (st == TIDX_ERR_IO)
			err(2, "%s", ixpath);
		errx(2, "%s: %s", ixpath, tidx_strerror(st));
	}
	r = pipeline_new(ixpath, ix, &c);
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	ioerr = pipeline_run(r, argc, argv) == -1;
	if (stats)
		pipeline_print_stats(r);
	ch = diag_summary("bad record", "bad records") ? 1 : 0;
	if (pipeline_check(r) == -1) {
		warnx("internal error: the record counters do not add up");
		ch = 2;
	}
	if (ioerr)
		ch = 2;
	pipeline_free(r);
	return ch;
}
