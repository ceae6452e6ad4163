/*
 * ahead.c: ti-index's JSON lines parsed ahead, on a second thread.  See
 * ahead.h.
 *
 * The lines wait in a ring.  The main thread queues each line it is
 * given and, when the ring is full, takes the older half in order, each
 * from the snapshot the parsing thread made of it; the parsing thread
 * works through the lines queued after the last it parsed.  Either side
 * sleeps only when the other is far behind or ahead: the parser when
 * fewer than AHEAD_KICK lines wait for it, the main thread (after a short
 * spin) when the line it takes next is not parsed yet.  The parser blocks
 * every signal, so that handlers run in the main thread, as the input
 * layer expects.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "ahead.h"
#include "thread.h"
#include "xalloc.h"

#define AHEAD_RING	1024	/* Lines that may wait; a power of two. */
#define AHEAD_KICK	256	/* Lines that wake the parser. */
#define AHEAD_SPIN	4096	/* Checks before the main thread sleeps. */
#define AHEAD_PUBLISH	8	/* Lines parsed between reports. */
#define AHEAD_TOUCH	4	/* Lines ahead of the one taken whose
				   snapshot's hints are loaded ... */
#define AHEAD_HINT	2	/* ... and whose strings' slots are. */

struct aline {
	const char	*line;
	size_t		 len;
	uint64_t	 lineno;
};

struct ahead {
	const struct ingest *in;
	struct ingest_pre *pre;
	ahead_take_fn	 take;
	void		*arg;
	struct aline	 lines[AHEAD_RING];
	struct ingest_snap *snap[AHEAD_RING];
	/* Each written by one side: a cache line of its own. */
	_Alignas(64) _Atomic uint64_t queued;	/* By the main thread. */
	_Alignas(64) _Atomic uint64_t parsed;	/* By the parser. */
	_Alignas(64) _Atomic int idle;	/* The parser waits for lines. */
	_Alignas(64) _Atomic int waiting;	/* The main thread waits. */
	_Alignas(64) uint64_t taken;	/* Lines taken (the main thread). */
	int		 flush;		/* Parse even fewer than the kick. */
	int		 stop;
	int		 started;	/* The parser runs. */
	pthread_mutex_t	 mu;
	pthread_cond_t	 work, done;
	pthread_t	 thread;
};

static void *
parser(void *arg)
{
	struct ahead *a = arg;
	uint64_t p, q;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		for (;;) {
			atomic_store(&a->idle, 1);
			p = atomic_load(&a->parsed);
			q = atomic_load(&a->queued);
			if (a->stop || (q != p && (q - p >= AHEAD_KICK ||
			    a->flush)))
				break;
			pthread_cond_wait(&a->work, &a->mu);
		}
		atomic_store(&a->idle, 0);
		if (a->stop)
			break;
		pthread_mutex_unlock(&a->mu);
		for (; p < q; p++) {
			const struct aline *l = &a->lines[p % AHEAD_RING];

			ingest_pre_line(a->pre, l->line, l->len,
			    a->snap[p % AHEAD_RING]);
			if ((p + 1) % AHEAD_PUBLISH != 0 && p + 1 < q)
				continue;
			atomic_store(&a->parsed, p + 1);
			if (atomic_load(&a->waiting)) {
				pthread_mutex_lock(&a->mu);
				pthread_cond_signal(&a->done);
				pthread_mutex_unlock(&a->mu);
			}
		}
		pthread_mutex_lock(&a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct ahead *
ahead_new(const struct ingest *in, ahead_take_fn take, void *arg)
{
	struct ahead *a;
	const char *e = getenv("TI_INDEX_AHEAD");
	size_t	 i;

	if (e != NULL ? e[0] == '0' : sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	a->in = in;
	a->pre = ingest_pre_new(in);
	a->take = take;
	a->arg = arg;
	for (i = 0; i < AHEAD_RING; i++)
		a->snap[i] = ingest_snap_new();
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->work, NULL);
	pthread_cond_init(&a->done, NULL);
	a->started = thread_start(&a->thread, parser, a);
	if (!a->started) {
		/* No second thread: the caller reads on one. */
		ahead_free(a);
		return NULL;
	}
	return a;
}

void
ahead_free(struct ahead *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	if (a->started) {
		ahead_drain(a);
		pthread_mutex_lock(&a->mu);
		a->stop = 1;
		pthread_cond_signal(&a->work);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thread, NULL);
	}
	pthread_cond_destroy(&a->done);
	pthread_cond_destroy(&a->work);
	pthread_mutex_destroy(&a->mu);
	for (i = 0; i < AHEAD_RING; i++)
		ingest_snap_free(a->snap[i]);
	ingest_pre_free(a->pre);
	free(a);
}

/*
 * Wake the parser when it waits and there is work enough; with flush,
 * any work at all, and it is to parse even fewer than the kick.
 */
static void
kick(struct ahead *a, int flush)
{
	uint64_t n = atomic_load(&a->queued) - atomic_load(&a->parsed);

	if (!flush && (n < AHEAD_KICK || !atomic_load(&a->idle)))
		return;
	pthread_mutex_lock(&a->mu);
	a->flush = flush;
	pthread_cond_signal(&a->work);
	pthread_mutex_unlock(&a->mu);
}

static void
relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/*
 * Take lines until at most keep wait, each once the parser is done;
 * with hints for those a few lines ahead that are parsed (ahead.h).
 */
static void
take_until(struct ahead *a, uint64_t keep)
{
	uint64_t q = atomic_load(&a->queued), parsed = 0, t;
	int	 spin;

	while (q - a->taken > keep) {
		const struct aline *l = &a->lines[a->taken % AHEAD_RING];

		t = a->taken;
		if (t + AHEAD_TOUCH >= parsed)
			parsed = atomic_load(&a->parsed);
		if (t + AHEAD_TOUCH < parsed && t + AHEAD_TOUCH < q)
			ingest_snap_touch(a->snap[(t + AHEAD_TOUCH) %
			    AHEAD_RING]);
		if (t + AHEAD_HINT < parsed && t + AHEAD_HINT < q)
			ingest_snap_prefetch(a->in, a->snap[(t + AHEAD_HINT) %
			    AHEAD_RING]);

		for (spin = 0; atomic_load(&a->parsed) <= a->taken; spin++) {
			if (spin < AHEAD_SPIN) {
				relax();
				continue;
			}
			pthread_mutex_lock(&a->mu);
			atomic_store(&a->waiting, 1);
			a->flush = 1;
			pthread_cond_signal(&a->work);
			while (atomic_load(&a->parsed) <= a->taken)
				pthread_cond_wait(&a->done, &a->mu);
			atomic_store(&a->waiting, 0);
			a->flush = 0;
			pthread_mutex_unlock(&a->mu);
		}
		a->take(a->arg, l->line, l->len, l->lineno,
		    a->snap[a->taken % AHEAD_RING]);
		a->taken++;
	}
}

void
ahead_line(struct ahead *a, const char *line, size_t len, uint64_t lineno)
{
	struct aline *l;
	uint64_t q = atomic_load(&a->queued);

	if (q - a->taken == AHEAD_RING)
		take_until(a, AHEAD_RING / 2);
	l = &a->lines[q % AHEAD_RING];
	l->line = line;
	l->len = len;
	l->lineno = lineno;
	atomic_store(&a->queued, q + 1);
	kick(a, 0);
}

void
ahead_drain(struct ahead *a)
{
	if (a == NULL || atomic_load(&a->queued) == a->taken)
		return;
	kick(a, 1);
	take_until(a, 0);
}
