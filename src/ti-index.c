/*
 * ti-index: compile threat-intelligence IP indicators into an index file,
 * and inspect one (--info, --verify, --lookup).
 *
 * This file only parses options and wires modules together: feed.c reads
 * the inputs, ingest.c applies the rule's indicator semantics (SPEC.md
 * 2.1), tidx.c builds and reads the file format, ixreport.c and jout.c
 * write JSON.
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
#include "cli.h"
#include "diag.h"
#include "ingest.h"
#include "jout.h"
#include "ktime.h"
#include "feed.h"
#include "ixreport.h"
#include "tidx.h"
#include "version.h"
#include "xalloc.h"

#define DEFAULT_LOOKBACK (14LL * 86400 * KTIME_TICKS_PER_SEC)
#define DUR_EXAMPLES	"like 14d, 36h, 90m"

enum { OPT_NOW = 256, OPT_LOOKBACK, OPT_INFO, OPT_VERIFY, OPT_LOOKUP,
	OPT_FORMAT, OPT_EXCLUDE, OPT_TTL, OPT_SOURCE };

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
	{ "source",	required_argument,	NULL, OPT_SOURCE },
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
	    "[--format NAME]\n"
	    "                [--lookback dur] [--now time] [--source name] "
	    "[--ttl dur]\n"
	    "                [file ...]\n"
	    "       ti-index --info [--verify] index\n"
	    "       ti-index --verify index\n"
	    "       ti-index --lookup index address ...\n");
}

static void version(FILE *f) { fprintf(f, "ti-index %s\n", VERSION); }

/* What to build from: the options besides the ingestion's own. */
struct build {
	const char	*out;
	const char	*format;	/* --format. */
	char		**excludes;	/* --exclude files. */
	int		 nexcludes;
	int		 quiet;
	const char	*source;	/* --source, or NULL. */
};

static int
cmd_build(const struct build *bo, struct ingest_opts *opts, int argc,
    char **argv)
{
	const char	*out = bo->out;
	int		 quiet = bo->quiet;
	struct ingest	*in = ingest_new(opts);
	struct feed	*f = feed_new(in, bo->source, !quiet &&
			    isatty(STDERR_FILENO));
	struct tidx_builder *b;
	struct tidx_params p;
	struct stat	 sb;
	enum tidx_status st;
	int		 i, ioerr = 0;
	static char	*stdin_only[] = { "-", NULL };

	if (bo->format != NULL)
		(void)ingest_set_format(in, bo->format);	/* Checked. */
	if (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode))
		errx(2, "%s: exists and is not a regular file; not replaced",
		    out);
	for (i = 0; i < bo->nexcludes; i++)
		if (feed_exclude(f, bo->excludes[i]) == -1) {
			warn("%s", bo->excludes[i]);
			ioerr = 1;
		}
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	ingest_reserve(in, feed_size(argc, argv));
	for (i = 0; i < argc; i++) {
		if (feed_read(f, argv[i]) == -1) {
			warn("%s", strcmp(argv[i], "-") == 0 ? "<stdin>" :
			    argv[i]);
			ioerr = 1;
		}
	}
	feed_free(f);
	if (ioerr)
		errx(2, "%s not written: an input could not be read", out);
	if (ingest_stats(in)->known == 0) {
		/* Bad rows are reported already; this is the last word. */
		(void)diag_summary("bad row", "bad rows");
		errx(1, "%s not written: no records in any input", out);
	}
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
		feed_summary(ingest_stats(in), out);
	tidx_builder_free(b);
	ingest_free(in);
	return diag_summary("bad row", "bad rows");
}

/* What the command line asks for besides a build. */
enum mode { BUILD, INFO, VERIFY, INFO_VERIFY, LOOKUP };

/*
 * Read the options into bo and opts; the mode asked for, or exit 2 on a
 * usage error.
 */
static enum mode
options(int argc, char *argv[], struct build *bo, struct ingest_opts *opts)
{
	int	 ch, info = 0, verify = 0, lookup = 0;

	bo->out = "ti.idx";
	bo->excludes = xcalloc((size_t)argc, sizeof(*bo->excludes));
	opts->now = ktime_now();
	opts->lookback = DEFAULT_LOOKBACK;
	opts->ttl = 0;
	while ((ch = getopt_long(argc, argv, "ho:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': bo->out = optarg; break;
		case OPT_FORMAT:
			if (!ingest_format_valid(optarg))
				errx(2, "--format: not one of %s: %s",
				    ingest_format_names(), optarg);
			bo->format = optarg;
			break;
		case OPT_SOURCE:
			if (optarg[0] == '\0')
				errx(2, "--source: empty name");
			bo->source = optarg;
			break;
		case OPT_EXCLUDE: bo->excludes[bo->nexcludes++] = optarg; break;
		case OPT_TTL:
			opts->ttl = cli_duration("--ttl", optarg, DUR_EXAMPLES);
			break;
		case OPT_NOW:
			if (ktime_parse(optarg, strlen(optarg), &opts->now) == -1)
				errx(2, "--now: not an RFC 3339 time: %s",
				    optarg);
			break;
		case OPT_LOOKBACK:
			opts->lookback = cli_duration("--lookback", optarg,
			    DUR_EXAMPLES);
			break;
		case OPT_INFO: info = 1; break;
		case OPT_VERIFY: verify = 1; break;
		case OPT_LOOKUP: lookup = 1; break;
		case 'q': bo->quiet = 1; break;
		case 'h': cli_print_exit(usage);
		case 'V': cli_print_exit(version);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (lookup && (info || verify)) {
		warnx("%s and --lookup cannot be combined",
		    info ? "--info" : "--verify");
		usage(stderr);
		exit(2);
	}
	return lookup ? LOOKUP : info && verify ? INFO_VERIFY : info ? INFO :
	    verify ? VERIFY : BUILD;
}

int
main(int argc, char *argv[])
{
	struct ingest_opts opts;
	static struct build bo;	/* Static: reachable until exit. */
	enum mode m;

	xalloc_exit_on_failure("ti-index");
	xalloc_big_tables();
	m = options(argc, argv, &bo, &opts);
	argc -= optind;
	argv += optind;
	switch (m) {
	case BUILD:
		return cmd_build(&bo, &opts, argc, argv);
	case LOOKUP:
		if (argc < 2)
			break;
		return ixreport_lookup_cmd(argv[0], argc - 1, argv + 1);
	default:
		if (argc != 1)
			break;
		return ixreport_info_cmd(argv[0], m != VERIFY, m != INFO);
	}
	usage(stderr);
	return 2;
}
