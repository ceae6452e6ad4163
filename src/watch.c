/*
 * watch.c: reloading the index and keeping the state of kv-match.  See
 * watch.h for the contract.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ktime.h"
#include "state.h"
#include "watch.h"
#include "xalloc.h"

struct watch {
	const char	*ixpath;
	struct tidx	*ix;
	void		(*swap)(void *, struct tidx *);
	void		*arg;
	dev_t		 dev;		/* The mapped index's file. */
	ino_t		 ino;
	dev_t		 baddev;	/* A new index that failed: not */
	ino_t		 badino;	/* tried again until it changes. */
	uint64_t	 reloads, failures;
	int64_t		 last_check;	/* Monotonic ticks. */
	const char	*state;		/* --state FILE, or NULL. */
	struct dedup	*dd;
	int64_t		 window, max_delay;
	size_t		 max_keys;
	int64_t		 interval;
	int64_t		 last_save;
};

static int64_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * KTIME_TICKS_PER_SEC + ts.tv_nsec / 100;
}

struct watch *
watch_new(const char *ixpath, struct tidx *ix,
    void (*swap)(void *, struct tidx *), void *arg)
{
	struct watch *w = xcalloc(1, sizeof(*w));
	struct stat st;

	w->ixpath = ixpath;
	w->ix = ix;
	w->swap = swap;
	w->arg = arg;
	if (ixpath != NULL && stat(ixpath, &st) == 0) {
		w->dev = st.st_dev;
		w->ino = st.st_ino;
	}
	w->last_check = w->last_save = mono_now();
	return w;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	if (w->ix != NULL)
		tidx_close(w->ix);
	free(w);
}

struct tidx *
watch_index(const struct watch *w)
{
	return w->ix;
}

uint64_t
watch_reloads(const struct watch *w)
{
	return w->reloads;
}

uint64_t
watch_reload_failures(const struct watch *w)
{
	return w->failures;
}

/* Map the index at the path anew; forced: even the one that failed. */
static void
reload(struct watch *w, int forced)
{
	struct tidx	*nix;
	struct stat	 st;
	enum tidx_status ts;

	if (w->ixpath == NULL)
		return;
	if (stat(w->ixpath, &st) == -1) {
		if (forced) {
			warn("%s: not reloaded", w->ixpath);
			w->failures++;
		}
		return;
	}
	if (!forced && st.st_dev == w->baddev && st.st_ino == w->badino)
		return;		/* Already reported. */
	if ((ts = tidx_open(w->ixpath, &nix)) != TIDX_OK) {
		if (ts == TIDX_ERR_IO)
			warn("%s: not reloaded, keeping the old index",
			    w->ixpath);
		else
			warnx("%s: %s; not reloaded, keeping the old index",
			    w->ixpath, tidx_strerror(ts));
		w->baddev = st.st_dev;
		w->badino = st.st_ino;
		w->failures++;
		return;
	}
	w->swap(w->arg, nix);
	tidx_close(w->ix);
	w->ix = nix;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	w->reloads++;
}

void
watch_reload(struct watch *w)
{
	reload(w, 1);
}

void
watch_state(struct watch *w, const char *path, struct dedup *dd,
    int64_t window, int64_t max_delay, size_t max_keys, int64_t interval)
{
	w->max_delay = max_delay;
	w->state = path;
	w->dd = dd;
	w->window = window;
	w->max_keys = max_keys;
	w->interval = interval;
}

void
watch_load(struct watch *w)
{
	struct state_info info;
	char	 aside[4096];

	if (w->state == NULL)
		return;
	memset(&info, 0, sizeof(info));
	switch (state_load(w->dd, w->state, w->max_keys, &info)) {
	case STATE_OK:
	case STATE_MISSING:
		return;
	case STATE_DAMAGED:
		if (state_set_aside(w->state, aside, sizeof(aside)) == 0)
			warnx("%s:%llu: %s; moved to %s, starting with no "
			    "suppressed keys", w->state,
			    (unsigned long long)info.line, info.reason, aside);
		else
			warn("%s:%llu: %s; cannot move it aside", w->state,
			    (unsigned long long)info.line, info.reason);
		return;
	case STATE_IO:
		warn("%s: not read, starting with no suppressed keys",
		    w->state);
		return;
	}
}

void
watch_save(struct watch *w)
{
	if (w->state == NULL)
		return;
	if (state_save(w->dd, w->state, w->window, w->max_delay,
	    ktime_now()) != STATE_OK)
		warn("%s: state not saved", w->state);
	w->last_save = mono_now();
}

void
watch_tick(struct watch *w)
{
	struct stat st;
	int64_t	 now = mono_now();

	if (now - w->last_check < KTIME_TICKS_PER_SEC)
		return;
	w->last_check = now;
	if (w->ixpath != NULL && stat(w->ixpath, &st) == 0 &&
	    (st.st_dev != w->dev || st.st_ino != w->ino))
		reload(w, 0);
	if (w->state != NULL && now - w->last_save >= w->interval)
		watch_save(w);
}
