/*
 * watch.h: what kv-match does for a long run (SPEC.md 6) besides the
 * records: it watches the index file and maps it anew, and loads and
 * saves the suppression table of --state.
 *
 * The index is mapped again on watch_reload() (SIGHUP) and when the path
 * names another file (a new inode, looked at by watch_tick() at most once
 * a second).  A new index that does not open is reported and the old one
 * kept; it is not tried again until the path changes once more.  The
 * state is saved by watch_tick() every interval and by watch_save().
 * Problems are reported on stderr ("kv-match: PATH: ..."); none of them
 * ends the run: a state file that cannot be read or written must not
 * make a service restart in a loop.
 */
#ifndef WATCH_H
#define WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "dedup.h"
#include "tidx.h"

struct watch;

/*
 * Return a watcher of the index at ixpath, mapped as ix (owned by the
 * watcher from now on), or of no index (ixpath and ix NULL).  swap(arg,
 * newix) is called before a new index replaces the old one, while the old
 * one is still mapped, so that work on it can be finished.  Free with
 * watch_free (which closes the index).
 */
struct watch *watch_new(const char *ixpath, struct tidx *ix,
	    void (*swap)(void *, struct tidx *), void *arg);
void	 watch_free(struct watch *w);

/* Keep the table dd in path (NULL: none), saved every interval ticks. */
void	 watch_state(struct watch *w, const char *path, struct dedup *dd,
	    int64_t window, int64_t max_delay, size_t max_keys,
	    int64_t interval);

/* Restore the table from the state file, when there is one. */
void	 watch_load(struct watch *w);

/* Save the table now, when there is a state file. */
void	 watch_save(struct watch *w);

/* Map the index at the path anew (SIGHUP). */
void	 watch_reload(struct watch *w);

/* The periodic work: a new inode at the path, and saving the state. */
void	 watch_tick(struct watch *w);

/* The index mapped now. */
struct tidx *watch_index(const struct watch *w);

uint64_t watch_reloads(const struct watch *w);
uint64_t watch_reload_failures(const struct watch *w);

#endif /* WATCH_H */
