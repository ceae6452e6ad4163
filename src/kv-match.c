/*
 * kv-match: read Azure Key Vault log records (NDJSON) and write an alert
 * (NDJSON) for each record whose caller address is a threat-intelligence
 * indicator in the index, as the Sentinel rule "TI map IP entity to Azure
 * Key Vault logs" would, with repeats suppressed in a sliding window.
 *
 * This file parses options and runs the loop; the work is in modules:
 * scan.c (the fast path), kvrec.c (the full parse), tidx.c (the index),
 * dedup.c (the window), alert.c (the output), lineread.c and jout.c (I/O).
 */
#define _GNU_SOURCE		/* F_SETPIPE_SZ */

#include <sys/select.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "alert.h"
#include "dedup.h"
#include "diag.h"
#include "dstage.h"
#include "jout.h"
#include "ktime.h"
#include "kvrec.h"
#include "lineread.h"
#include "scan.h"
#include "state.h"
#include "tidx.h"
#include "version.h"
#include "xalloc.h"

#define DEFAULT_WINDOW		(3600LL * KTIME_TICKS_PER_SEC)
#define DEFAULT_MAX_KEYS	1000000
#define DEFAULT_MAX_DELAY	(7 * 86400LL * KTIME_TICKS_PER_SEC)
#define DEFAULT_MAX_LINE	(16 * 1024 * 1024)
#define READ_SIZE		(256 * 1024)	/* Also the read-ahead chunk. */
#define PIPE_SIZE		(1024 * 1024)
#define DEFAULT_STATE_INTERVAL	(60LL * KTIME_TICKS_PER_SEC)
#define CHECK_EVERY		4096	/* Lines between clock reads. */

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

/* The counters of --stats, in output order. */
struct counters {
	uint64_t lines;		/* Lines read, blank ones included. */
	uint64_t blank;
	uint64_t records;	/* Records seen (see kv-match.1). */
	uint64_t malformed;	/* Not JSON objects, or over --max-line. */
	uint64_t scanned_out;	/* Ruled out by the fast path. */
	uint64_t parsed;	/* Parsed in full. */
	uint64_t not_vault;	/* Parsed, not a Key Vault event. */
	uint64_t no_address;	/* Vault event without a usable address. */
	uint64_t no_time;	/* Vault event without a usable time. */
	uint64_t lookups;	/* Addresses looked up in the index. */
	uint64_t matched;	/* Vault events whose address is indexed. */
	uint64_t expired;	/* Matched at or after the expiration. */
	uint64_t alerts;	/* Alerts written. */
	uint64_t suppressed;	/* Matches suppressed by the window. */
};

/* A line whose address was found and prefetched, looked up later. */
struct pending {
	int		 active;
	const char	*name;		/* Input name, for reports. */
	const char	*line;		/* Valid until the reader's hook runs. */
	size_t		 len;
	uint64_t	 lineno;
	size_t		 naddrs;
	struct addr	 a[SCAN_MAXHITS];
};

static volatile sig_atomic_t got_term, got_usr1, got_hup;

struct run {
	struct pending	 pend;
	sigset_t	 sigmask;	/* The mask to wait for input with. */
	struct tidx	*ix;
	const char	*ixpath;
	struct kvrec	*kr;
	struct dedup	*dd;
	struct jout	*out;
	struct lreader	*lr;
	struct counters	 c;
	int		 validate;
	int		 key;		/* --key: KEY<TAB>ALERT. */
	struct dstage	*ds;		/* --dedup-only, else NULL. */
	int		 looked_up;	/* See do_full(). */
	size_t		 max_line;
	int64_t		 window;
	int64_t		 max_delay;
	size_t		 max_keys;
	const char	*state;		/* --state FILE, or NULL. */
	int64_t		 state_interval;
	int64_t		 last_save;	/* Monotonic ticks. */
	int64_t		 last_check;	/* Of the index's inode. */
	unsigned	 since_check;	/* Lines since the clock was read. */
	dev_t		 ixdev;		/* The mapped index's file. */
	ino_t		 ixino;
	dev_t		 baddev;	/* A new index that failed: not */
	ino_t		 badino;	/* tried again until it changes. */
	uint64_t	 reloads, reload_failures;
	uint64_t	 bytes;		/* Read outside the line reader. */
	size_t		 readsize;	/* Largest read(2). */
};

static void	periodic(struct run *);
static void	take_signals(struct run *);

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

static void
print_stats(const struct run *r)
{
	struct dedup_stats ds;
	struct jout	*j = jout_new(STDERR_FILENO);
	const struct counters *c = &r->c;

	dedup_get_stats(r->dd, &ds);
	yajl_gen_map_open(jout_gen(j));
#define C(name, v) do { jout_key(j, name); jout_int(j, (long long)(v)); } \
	while (0)
	C("lines", c->lines);
	C("blank", c->blank);
	C("records", c->records);
	C("malformed", c->malformed);
	C("skipped", c->scanned_out + c->not_vault + c->no_address +
	    c->no_time);
	C("scanned_out", c->scanned_out);
	C("parsed", c->parsed);
	C("not_vault", c->not_vault);
	C("no_address", c->no_address);
	C("no_time", c->no_time);
	C("lookups", c->lookups);
	C("matched", c->matched);
	C("expired", c->expired);
	C("alerts", c->alerts);
	C("suppressed", c->suppressed);
	C("dedup_keys", ds.keys);
	C("dedup_forgotten", ds.expired);
	C("dedup_evicted", ds.evicted);
	C("bytes", lr_bytes(r->lr) + r->bytes);
	C("index_reloads", r->reloads);
	C("index_reload_failures", r->reload_failures);
#undef C
	yajl_gen_map_close(jout_gen(j));
	jout_end(j);
	jout_flush(j);
	jout_free(j);
}

/* Exit after a failed write: quietly on EPIPE, as head(1) users expect. */
static void __attribute__((noreturn))
write_failed(struct run *r)
{
	int	 e = jout_error(r->out);

	if (e == EPIPE)
		exit(0);
	errno = e;
	err(2, "write error");
}

/* The rule for one record of a line parsed in full. */
static int
do_record(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct run	*r = arg;
	struct tidx_ind	 ind;
	int64_t		 e;
	enum tidx_status ts;

	r->c.records++;
	switch (st) {
	case KVREC_NOT_VAULT:
		r->c.not_vault++;
		return 0;
	case KVREC_NO_ADDRESS:
		r->c.no_address++;
		return 0;
	case KVREC_NO_TIME:
		r->c.no_time++;
		return 0;
	default:
		break;
	}
	if (!r->looked_up)
		r->c.lookups++;
	if ((e = tidx_lookup(r->ix, &ev->addr)) < 0)
		return 0;
	r->c.matched++;
	if ((ts = tidx_entry(r->ix, (uint64_t)e, &ind)) != TIDX_OK)
		errx(2, "%s: %s", r->ixpath, tidx_strerror(ts));
	if (ev->time >= ind.expiration) {
		r->c.expired++;
		return 0;
	}
	if (!dedup_check(r->dd, ind.id.p ? ind.id.p : "", ind.id.len,
	    &ev->addr, ev->time)) {
		r->c.suppressed++;
		return 0;
	}
	if (r->key)
		alert_write_key(r->out, ev, &ind);
	alert_write(r->out, ev, &ind);
	r->c.alerts++;
	if (jout_error(r->out) != 0)
		write_failed(r);
	return 0;
}

/*
 * The full parse of one line: each of its records, then the rule.
 * looked_up says the fast path has counted the line's lookups.
 */
static void
do_full(struct run *r, const char *name, const char *line, size_t len,
    uint64_t lineno, int looked_up)
{
	r->looked_up = looked_up;
	r->c.parsed++;
	switch (kvrec_parse_records(r->kr, line, len, do_record, r)) {
	case KVREC_BLANK:
		r->c.parsed--;
		r->c.blank++;
		return;
	case KVREC_MALFORMED:
		r->c.records++;
		r->c.malformed++;
		diag_bad(name, lineno, "%s, record skipped",
		    kvrec_error(r->kr));
		return;
	default:
		return;
	}
}

/* Finish the pending line: its lookups (prefetched), then a full parse. */
static void
complete_pending(struct run *r)
{
	struct pending *p = &r->pend;
	size_t	 i;

	if (!p->active)
		return;
	p->active = 0;
	for (i = 0; i < p->naddrs; i++)
		if (tidx_lookup(r->ix, &p->a[i]) >= 0)
			break;
	if (i == p->naddrs) {
		r->c.records++;
		r->c.scanned_out++;
		return;
	}
	do_full(r, p->name, p->line, p->len, p->lineno, 1);
}

/*
 * The reader's hook: finish what is pending and flush, then wait until fd
 * is readable with the signals unblocked, so that a signal can never slip
 * in between the check of its flag and a read that blocks.  Returns -1
 * when a signal came (the reader then returns LR_INTR).
 */
static int
before_read(void *arg, int fd)
{
	struct run *r = arg;
	fd_set	 rfds;

	struct timespec tick = { 1, 0 };
	int	 n;

	complete_pending(r);
	if (jout_pending(r->out) > 0 && jout_flush(r->out) == -1)
		write_failed(r);
	for (;;) {
		if (got_term || got_usr1 || got_hup)
			return -1;
		periodic(r);
		if (fd >= FD_SETSIZE)
			return 0;
		/* Wake once a second while idle, for the periodic work. */
		FD_ZERO(&rfds);
		FD_SET(fd, &rfds);
		n = pselect(fd + 1, &rfds, NULL, NULL, &tick, &r->sigmask);
		if (n == -1 && errno == EINTR)
			return -1;
		if (n != 0) {
			/*
			 * Input is ready, and pselect restored the mask
			 * without delivering what is pending: let it in.
			 */
			take_signals(r);
			return got_term || got_usr1 || got_hup ? -1 : 0;
		}
	}
}

/* --dedup-only: one line of alerts (dstage.h), counted as a record. */
static void
dedup_only_line(struct run *r, const char *name, const char *line,
    size_t len)
{
	const char *p;
	size_t	 n;

	switch (dstage_line(r->ds, line, len, &p, &n)) {
	case DSTAGE_BLANK:
		r->c.blank++;
		return;
	case DSTAGE_MALFORMED:
		r->c.records++;
		r->c.malformed++;
		diag_bad(name, lr_lineno(r->lr), "%s, record skipped",
		    dstage_error(r->ds));
		return;
	case DSTAGE_SUPPRESSED:
		r->c.records++;
		r->c.suppressed++;
		return;
	case DSTAGE_KEPT:
		r->c.records++;
		r->c.alerts++;
		jout_raw(r->out, p, n);
		jout_raw(r->out, "\n", 1);
		if (jout_error(r->out) != 0)
			write_failed(r);
		return;
	}
}

/*
 * Handle one line.  The fast path lists the caller addresses and
 * prefetches their slots in the index; the lookups themselves wait until
 * the next line has been scanned, so the cache misses overlap useful work.
 * Lines are still finished in input order: the pending one always goes
 * first.
 */
static void
do_line(struct run *r, const char *name, const char *line, size_t len)
{
	struct scan_hit	 hits[SCAN_MAXHITS];
	struct pending	*p = &r->pend;
	size_t		 nhits, i, n;

	r->c.lines++;
	if (r->ds != NULL) {		/* --dedup-only */
		dedup_only_line(r, name, line, len);
		return;
	}
	if (r->validate) {
		do_full(r, name, line, len, lr_lineno(r->lr), 0);
		return;
	}
	if (scan_callers(line, len, hits, &nhits) == SCAN_UNSURE) {
		complete_pending(r);
		do_full(r, name, line, len, lr_lineno(r->lr), 0);
		return;
	}
	complete_pending(r);
	for (i = n = 0; i < nhits; i++)
		if (addr_parse(hits[i].p, hits[i].len, &p->a[n]) == 0) {
			tidx_prefetch(r->ix, &p->a[n]);
			n++;
		}
	r->c.lookups += n;
	if (n == 0) {
		r->c.records++;
		r->c.scanned_out++;
		return;
	}
	p->active = 1;
	p->name = name;
	p->line = line;
	p->len = len;
	p->lineno = lr_lineno(r->lr);
	p->naddrs = n;
}

/*
 * Load the suppression table from --state.  A missing file starts empty;
 * a damaged one is reported, set aside and replaced at the next save; one
 * that cannot be read is reported, and the run goes on with an empty
 * table.
 */
static void
load_state(struct run *r)
{
	struct state_info info;
	char	 aside[4096];

	memset(&info, 0, sizeof(info));
	switch (state_load(r->dd, r->state, r->max_keys, &info)) {
	case STATE_OK:
	case STATE_MISSING:
		return;
	case STATE_DAMAGED:
		if (state_set_aside(r->state, aside, sizeof(aside)) == 0)
			warnx("%s:%llu: %s; moved to %s, starting with no "
			    "suppressed keys", r->state,
			    (unsigned long long)info.line, info.reason, aside);
		else
			warn("%s:%llu: %s; cannot move it aside", r->state,
			    (unsigned long long)info.line, info.reason);
		return;
	case STATE_IO:
		/* Never an exit: under systemd it would restart in a loop. */
		warn("%s: not read, starting with no suppressed keys",
		    r->state);
		return;
	}
}

static int64_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * KTIME_TICKS_PER_SEC + ts.tv_nsec / 100;
}

/* Remember which file is mapped, to notice when the path changes. */
static void
note_index(struct run *r)
{
	struct stat st;

	if (stat(r->ixpath, &st) == 0) {
		r->ixdev = st.st_dev;
		r->ixino = st.st_ino;
	}
}

/*
 * Map the index at the path anew (SIGHUP, or the path now names another
 * file).  Between records: the pending line is finished with the old
 * index first.  A new index that does not open is reported and the old
 * one kept; the suppression table is kept either way.
 */
static void
reload(struct run *r, int forced)
{
	struct tidx	*nix;
	struct stat	 st;
	enum tidx_status ts;

	complete_pending(r);
	if (r->ixpath == NULL)		/* --dedup-only: no index. */
		return;
	if (stat(r->ixpath, &st) == -1) {
		if (forced) {
			warn("%s: not reloaded", r->ixpath);
			r->reload_failures++;
		}
		return;
	}
	if (!forced && st.st_dev == r->baddev && st.st_ino == r->badino)
		return;		/* Already reported. */
	if ((ts = tidx_open(r->ixpath, &nix)) != TIDX_OK) {
		if (ts == TIDX_ERR_IO)
			warn("%s: not reloaded, keeping the old index",
			    r->ixpath);
		else
			warnx("%s: %s; not reloaded, keeping the old index",
			    r->ixpath, tidx_strerror(ts));
		r->baddev = st.st_dev;
		r->badino = st.st_ino;
		r->reload_failures++;
		return;
	}
	tidx_close(r->ix);
	r->ix = nix;
	r->ixdev = st.st_dev;
	r->ixino = st.st_ino;
	r->reloads++;
}

static void
save_state(struct run *r)
{
	if (r->state == NULL)
		return;
	if (state_save(r->dd, r->state, r->window, r->max_delay,
	    ktime_now()) != STATE_OK)
		warn("%s: state not saved", r->state);
	r->last_save = mono_now();
}

/*
 * The periodic work, at most about once a second of wall time: a change
 * of the index file's inode, and saving the state every --state-interval.
 */
static void
periodic(struct run *r)
{
	struct stat st;
	int64_t	 now;

	r->since_check = 0;
	now = mono_now();
	if (now - r->last_check < KTIME_TICKS_PER_SEC)
		return;
	r->last_check = now;
	if (r->ixpath != NULL && stat(r->ixpath, &st) == 0 &&
	    (st.st_dev != r->ixdev || st.st_ino != r->ixino))
		reload(r, 0);
	if (r->state != NULL && now - r->last_save >= r->state_interval)
		save_state(r);
}

/*
 * Let pending signals in (they are blocked while records are handled), so
 * that their flags are set; the handlers only set flags.
 */
static void
take_signals(struct run *r)
{
	sigset_t blocked;

	sigprocmask(SIG_SETMASK, &r->sigmask, &blocked);
	sigprocmask(SIG_SETMASK, &blocked, NULL);
}

/* Signals and periodic work, between records. */
static void
between(struct run *r)
{
	if (got_usr1) {
		got_usr1 = 0;
		print_stats(r);
	}
	if (got_hup) {
		got_hup = 0;
		reload(r, 1);
	}
	periodic(r);
}

/* Lines in the n bytes at p (for line numbers of a document). */
static uint64_t
count_lines(const char *p, size_t n)
{
	uint64_t c = 0;
	const char *e = p + n;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

/*
 * Read a whole JSON document (an array or envelope spread over lines)
 * from fd, starting with the len bytes at buf already read: every record
 * is parsed in full.  0, or -1 when the input could not be read.
 */
static int
do_document(struct run *r, int fd, const char *name, char *buf, size_t len,
    size_t cap)
{
	uint64_t line = 1, off = 0;
	ssize_t	 n;
	int	 rc = 0;

	r->looked_up = 0;
	r->c.parsed++;
	r->bytes += len;
	kvrec_stream_begin(r->kr, do_record, r);
	for (;;) {
		if (kvrec_stream_feed(r->kr, buf, len) == -1) {
			uint64_t e = kvrec_stream_error_offset(r->kr);

			r->c.malformed++;
			r->c.records++;
			diag_bad(name, line + count_lines(buf, e > off ?
			    (size_t)(e - off) : 0), "%s, rest of input skipped",
			    kvrec_error(r->kr));
			r->c.lines += line - 1 + count_lines(buf, len);
			return 0;
		}
		line += count_lines(buf, len);
		off += len;
		if (before_read(r, fd) == -1 && got_term)
			break;
		while ((n = read(fd, buf, cap < r->readsize ? cap :
		    r->readsize)) == -1 && errno == EINTR)
			if (got_term)
				break;
		if (n == -1) {
			warn("%s", name);
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		len = (size_t)n;
		r->bytes += len;
	}
	r->c.lines += line - 1 + (off > 0 ? 1 : 0);
	if (rc == 0 && !got_term && kvrec_stream_end(r->kr) == -1) {
		r->c.malformed++;
		r->c.records++;
		diag_bad(name, line, "%s, rest of input skipped",
		    kvrec_error(r->kr));
	}
	return rc;
}

/*
 * Read the first line of an input (up to the line limit), to tell a JSON
 * document from NDJSON.  Returns 0 with *bufp (free it) and *lenp, or -1
 * when the input could not be read (errno set).
 */
static int
peek_line(struct run *r, int fd, char **bufp, size_t *lenp, size_t *capp)
{
	size_t	 cap = 65536, got = 0;
	char	*buf = xmalloc(cap);
	ssize_t	 n;

	while (got < r->max_line) {
		if (got == cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		if (before_read(r, fd) == -1 && got_term)
			break;
		n = read(fd, buf + got, cap - got < r->readsize ? cap - got :
		    r->readsize);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (memchr(buf + got - (size_t)n, '\n', (size_t)n) != NULL)
			break;
	}
	*bufp = buf;
	*lenp = got;
	*capp = cap;
	return 0;
}

/* Read one input to its end; 0, or -1 when it could not be read. */
static int
do_input(struct run *r, const char *path)
{
	const char	*name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	const char	*line;
	struct stat	 st;
	char		*peek;
	size_t		 len, plen, pcap;
	int		 fd, rc = 0;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return -1;
	}
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			warn("%s", name);
			if (fd != STDIN_FILENO)
				close(fd);
			return -1;
		}
		if (S_ISFIFO(st.st_mode))
			(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
	}
	if (peek_line(r, fd, &peek, &plen, &pcap) == -1) {
		warn("%s", name);
		if (fd != STDIN_FILENO)
			close(fd);
		return -1;
	}
	if (r->ds == NULL && jrec_is_document(peek, plen) == 1) {
		rc = do_document(r, fd, name, peek, plen, pcap);
		free(peek);
		if (fd != STDIN_FILENO)
			close(fd);
		return rc;
	}
	lr_reset(r->lr, fd);
	lr_push(r->lr, peek, plen);
	r->bytes += plen;
	free(peek);
	for (;;) {
		switch (lr_next(r->lr, &line, &len)) {
		case LR_LINE:
			do_line(r, name, line, len);
			/*
			 * On SIGTERM the lines already read are still
			 * handled: the reader stops at its next read.
			 */
			if (++r->since_check >= CHECK_EVERY) {
				take_signals(r);
				between(r);
			}
			continue;
		case LR_TOOLONG:
			complete_pending(r);
			r->c.lines++;
			r->c.records++;
			r->c.malformed++;
			diag_bad(name, lr_lineno(r->lr),
			    "line longer than %zu bytes, record skipped",
			    r->max_line);
			continue;
		case LR_INTR:
			between(r);
			if (got_term)
				break;
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
	complete_pending(r);
	lr_detach(r->lr);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/*
 * SIGTERM and SIGINT end the run after the current record, SIGUSR1 prints
 * the counters, SIGHUP maps the index anew.  They stay blocked except while waiting for input, so they
 * are handled between records; the handler only sets a flag.
 */
static void
setup_signals(struct run *r)
{
	struct sigaction sa;
	sigset_t	 block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &r->sigmask);
}

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

int
main(int argc, char *argv[])
{
	struct run	 r;
	const char	*env;
	enum tidx_status st;
	int64_t		 window = DEFAULT_WINDOW, max_delay = DEFAULT_MAX_DELAY;
	size_t		 max_keys = DEFAULT_MAX_KEYS, readsize = READ_SIZE;
	int		 ch, stats = 0, i, ioerr = 0, status, dedup_only = 0;
	static char	*stdin_only[] = { "-", NULL };

	xalloc_exit_on_failure("kv-match");
	memset(&r, 0, sizeof(r));
	r.max_line = DEFAULT_MAX_LINE;
	r.state_interval = DEFAULT_STATE_INTERVAL;
	while ((ch = getopt_long(argc, argv, "hi:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			r.ixpath = optarg;
			break;
		case OPT_WINDOW:
			if (ktime_parse_duration(optarg, &window) == -1)
				errx(2, "--window: not a duration "
				    "(like 1h, 90m, 0s): %s", optarg);
			break;
		case OPT_MAX_DELAY:
			if (ktime_parse_duration(optarg, &max_delay) == -1)
				errx(2, "--max-delay: not a duration "
				    "(like 7d, 12h): %s", optarg);
			break;
		case OPT_KEY:
			r.key = 1;
			break;
		case OPT_DEDUP_ONLY:
			dedup_only = 1;
			break;
		case OPT_STATS:
			stats = 1;
			break;
		case OPT_MAX_KEYS:
			max_keys = (size_t)parse_count("--max-keys", optarg, 1);
			break;
		case OPT_MAX_LINE:
			r.max_line = (size_t)parse_count("--max-line", optarg,
			    1);
			break;
		case OPT_VALIDATE:
			r.validate = 1;
			break;
		case OPT_STATE:
			r.state = optarg;
			break;
		case OPT_STATE_INTERVAL:
			if (ktime_parse_duration(optarg, &r.state_interval) ==
			    -1)
				errx(2, "--state-interval: not a duration "
				    "(like 60s, 5m): %s", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kv-match %s\n", VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (r.ixpath == NULL && !dedup_only) {
		warnx("no index given (-i index)");
		usage(stderr);
		return 2;
	}
	if ((env = getenv("KV_MATCH_READ_SIZE")) != NULL && *env != '\0')
		readsize = (size_t)parse_count("KV_MATCH_READ_SIZE", env, 1);

	if (dedup_only)			/* --dedup-only: no index. */
		r.ixpath = NULL;
	else if ((st = tidx_open(r.ixpath, &r.ix)) != TIDX_OK) {
		if (st == TIDX_ERR_IO)
			err(2, "%s", r.ixpath);
		errx(2, "%s: %s", r.ixpath, tidx_strerror(st));
	} else
		note_index(&r);
	setup_signals(&r);
	r.kr = kvrec_new();
	r.window = window;
	r.max_delay = max_delay;
	r.max_keys = max_keys;
	r.dd = dedup_new(window, max_delay, max_keys);
	if (dedup_only)
		r.ds = dstage_new(r.dd);
	if (r.state != NULL)
		load_state(&r);
	r.last_check = r.last_save = mono_now();
	r.out = jout_new(STDOUT_FILENO);
	r.lr = lr_new(r.max_line, readsize);
	r.readsize = readsize;
	lr_set_before_read(r.lr, before_read, &r);
	lr_set_readahead(r.lr, 1);

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (i = 0; i < argc && !got_term; i++)
		if (do_input(&r, argv[i]) == -1)
			ioerr = 1;
	complete_pending(&r);
	if (jout_flush(r.out) == -1)
		write_failed(&r);
	save_state(&r);
	if (stats)
		print_stats(&r);
	status = diag_summary("bad record", "bad records") ? 1 : 0;
	if (ioerr)
		status = 2;
	lr_free(r.lr);
	jout_free(r.out);
	dstage_free(r.ds);
	dedup_free(r.dd);
	kvrec_free(r.kr);
	tidx_close(r.ix);
	return status;
}
