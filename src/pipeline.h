/*
 * pipeline.h: kv-match's run: the inputs (input.h) through the rule
 * (match.h) to the alerts, with the index watched and the state kept
 * (watch.h), signals acted on between records, and the counters of
 * --stats.
 *
 * Signals (input.h): SIGTERM and SIGINT stop reading, SIGHUP maps the
 * index anew, SIGUSR1 prints the counters.  Alerts are flushed before
 * kv-match may wait for input.  A failed write to the standard output
 * ends the process: exit 0 quietly on EPIPE, else exit 2 with a message.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "match.h"
#include "tidx.h"

struct pipeline_conf {
	struct input_conf input;
	struct match_opts match;
	int64_t		 window;	/* --window, ticks. */
	int64_t		 max_delay;	/* --max-delay, ticks. */
	size_t		 max_keys;
	const char	*state;		/* --state FILE, or NULL. */
	int64_t		 state_interval;
};

struct pipeline;

/*
 * Return a run over the index at ixpath, mapped as ix (owned by the run
 * from now on; both NULL with --dedup-only, conf->match.dedup_only),
 * writing alerts to the standard output; the state is loaded when there
 * is one, and signals are caught.  Free with pipeline_free.
 */
struct pipeline *pipeline_new(const char *ixpath, struct tidx *ix,
	    const struct pipeline_conf *conf);
void	 pipeline_free(struct pipeline *r);

/*
 * Read the inputs in order ("-": stdin), until their end or SIGTERM,
 * then flush the alerts and save the state.  Returns 0, or -1 when an
 * input could not be read (each reported on stderr).
 */
int	 pipeline_run(struct pipeline *r, int argc, char **argv);

/* Print the counters as one JSON object on stderr. */
void	 pipeline_print_stats(const struct pipeline *r);

/* 0 when the record counters add up (match.h), else -1. */
int	 pipeline_check(const struct pipeline *r);

#endif /* PIPELINE_H */
