/*
 * pipeline.c: kv-match's run, wiring the input layer, the rule, the
 * window, the index watcher and the output.  See pipeline.h.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup.h"
#include "diag.h"
#include "jout.h"
#include "jrec.h"
#include "pipeline.h"
#include "watch.h"
#include "xalloc.h"

struct pipeline {
	struct input	*in;
	struct match	*m;
	struct watch	*w;
	struct dedup	*dd;
	struct jout	*out;
	size_t		 max_line;
	int		 dedup_only;	/* Lines are alerts: no documents. */
};

void
pipeline_print_stats(const struct pipeline *r)
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
	struct pipeline *r = arg;

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
	const struct pipeline *r = arg;

	return !r->dedup_only && jrec_is_document(buf, len) == 1;
}

static void
op_line(void *arg, const char *line, size_t len)
{
	struct pipeline *r = arg;

	match_line(r->m, input_name(r->in), input_lineno(r->in), line, len);
}

static void
op_toolong(void *arg)
{
	struct pipeline *r = arg;

	match_flush(r->m);
	match_malformed(r->m);
	diag_bad(input_name(r->in), input_lineno(r->in),
	    "line longer than %zu bytes, record skipped", r->max_line);
}

static void
op_broken(void *arg, uint64_t line, const char *why)
{
	struct pipeline *r = arg;

	match_malformed(r->m);
	diag_bad(input_name(r->in), line, "broken JSON document: %s", why);
}

static void op_doc_begin(void *a) { match_doc_begin(((struct pipeline *)a)->m); }
static int
op_doc_end(void *arg)
{
	struct pipeline *r = arg;
	uint64_t n = match_doc_end(r->m);

	if (n == UINT64_MAX)
		return -1;
	if (n > 0)
		diag_bad(input_name(r->in), 1, "%llu %s not a "
		    "JSON object in the document, skipped",
		    (unsigned long long)n,
		    n == 1 ? "record is" : "records are");
	return 0;
}

static int
op_doc_feed(void *arg, const char *buf, size_t len)
{
	return match_doc_feed(((struct pipeline *)arg)->m, buf, len);
}

static uint64_t
op_doc_handled(void *arg)
{
	return match_doc_handled(((struct pipeline *)arg)->m);
}

static const char *
op_doc_error(void *arg, uint64_t *off)
{
	return match_doc_error(((struct pipeline *)arg)->m, off);
}

/* Before kv-match may wait for input: no alert waits in a buffer. */
static void
op_idle(void *arg)
{
	struct pipeline *r = arg;

	match_flush(r->m);
	if (jout_pending(r->out) > 0 && jout_flush(r->out) == -1)
		fatal(r, jout_error(r->out), NULL);
}

static int
op_between(void *arg, unsigned sigs)
{
	struct pipeline *r = arg;

	if (sigs & INPUT_SIG_USR1)
		pipeline_print_stats(r);
	if (sigs & INPUT_SIG_HUP)
		watch_reload(r->w);
	watch_tick(r->w);
	return (sigs & INPUT_SIG_TERM) != 0;
}

/* A new index: finish the line that waits with the old one first. */
static void
swap_index(void *arg, struct tidx *nix)
{
	struct pipeline *r = arg;

	match_flush(r->m);
	match_set_index(r->m, nix);
}

static const struct input_ops ops = {
	op_sniff, op_line, op_toolong, op_doc_begin, op_doc_feed, op_doc_end,
	op_doc_handled, op_doc_error, op_broken, op_idle, op_between
};

struct pipeline *
pipeline_new(const char *ixpath, struct tidx *ix,
    const struct pipeline_conf *conf)
{
	struct pipeline *r = xcalloc(1, sizeof(*r));

	r->max_line = conf->input.max_line;
	r->dd = dedup_new(conf->window, conf->max_delay, conf->max_keys);
	r->dedup_only = conf->match.dedup_only;
	r->out = jout_new(STDOUT_FILENO);
	r->m = match_new(ix, r->dd, r->out, &conf->match);
	match_on_fatal(r->m, fatal, r);
	r->w = watch_new(ixpath, ix, swap_index, r);
	watch_state(r->w, conf->state, r->dd, conf->window, conf->max_delay,
	    conf->max_keys, conf->state_interval);
	watch_load(r->w);
	r->in = input_new(&conf->input, &ops, r);
	input_catch_signals(r->in);
	return r;
}

void
pipeline_free(struct pipeline *r)
{
	if (r == NULL)
		return;
	input_free(r->in);
	match_free(r->m);
	watch_free(r->w);
	jout_free(r->out);
	dedup_free(r->dd);
	free(r);
}

int
pipeline_run(struct pipeline *r, int argc, char **argv)
{
	int	 i, rc = 0;

	for (i = 0; i < argc && !input_stopped(r->in); i++)
		if (input_read(r->in, argv[i]) == -1) {
			warn("%s", strcmp(argv[i], "-") == 0 ? "<stdin>" :
			    argv[i]);
			rc = -1;
		}
	match_flush(r->m);
	if (jout_flush(r->out) == -1)
		fatal(r, jout_error(r->out), NULL);
	watch_save(r->w);
	return rc;
}

int
pipeline_check(const struct pipeline *r)
{
	return match_counters_check(match_counters(r->m));
}
