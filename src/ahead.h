/*
 * ahead.h: ti-index's JSON lines parsed ahead, on a second thread.
 *
 * The main thread queues each line it reads (ahead_line); a second
 * thread parses the queued lines into snapshots (ingest_pre_line), and
 * the main thread takes them, in their order, from those snapshots
 * (the take function, which calls ingest_line_snap).  Lines are taken
 * later than they are queued, so they must stay valid until
 * ahead_drain(), which takes every line still queued; a caller drains
 * before anything that must come after the lines read so far (another
 * kind of input event, the end of an input, a read that may move the
 * buffer).
 *
 * ahead_new() starts the second thread.  It returns NULL when there is
 * no second processor, when TI_INDEX_AHEAD=0 is in the environment, or
 * when no thread could be started: the caller then takes each line at
 * once with ingest_line().
 */
#ifndef AHEAD_H
#define AHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"

typedef void (*ahead_take_fn)(void *arg, const char *line, size_t len,
    uint64_t lineno, const struct ingest_snap *s);

struct ahead;

struct ahead *ahead_new(const struct ingest *in, ahead_take_fn take,
	    void *arg);
void	 ahead_free(struct ahead *a);
void	 ahead_line(struct ahead *a, const char *line, size_t len,
	    uint64_t lineno);
void	 ahead_drain(struct ahead *a);

#endif /* AHEAD_H */
