/*
 * lineread.c: a block reader that hands out lines.  See lineread.h.
 *
 * The current region (the reader's own buffer, or a chunk filled by the
 * read-ahead thread) holds [start, end) of unconsumed input.  When no
 * newline is left in it, the rest is moved in front of the next input and
 * more is read.  When the rest is longer than the line limit, the reader
 * switches to discarding until the next newline.
 *
 * Read-ahead (regular files, when enabled): a thread reads the file into
 * a ring of NCHUNK chunks of LR_CHUNK_READS times the read size while lines
 * are handed out, so that the copy out of the page cache runs on another
 * core (large chunks: fewer hand-overs, each a wake-up of the other
 * thread).  Each chunk has HEADROOM
 * bytes in front of its data, where the unfinished line of the previous
 * region is copied, so that lines are contiguous without copying the
 * data itself; a longer rest goes, with the chunk's data, to the reader's
 * own buffer.  The thread blocks every signal, so that handlers run in the
 * program's thread as before.
 *
 * Mapped input (regular files, when enabled): the current region is a
 * window of the file mapped read-only, and each fill() shows up to
 * readsize more bytes of it (fend, the file offset just past them, never
 * passes the size fstat() gave at that fill), so that lines need no copy
 * and the before-read hook runs as often as with read(2).  When the
 * window is used up, the next one is mapped from the page holding the
 * unfinished line, so that it stays contiguous; a window is the mapping
 * size plus that rest.  A file that grows is read to its new end, as
 * read(2) would.  A file that shrinks under the mapping would raise
 * SIGBUS on the pages past its new end: the handler, for addresses in the
 * window only, maps zero pages over the rest of the window and notes it,
 * so that the access goes on; the next fill() then cuts the region at the
 * new size and ends the input there.  Lines handed out before the shrink
 * read as zeros where the file is gone.  One reader at a time maps (the
 * handler knows one window); others read with read(2).
 */
#define _DEFAULT_SOURCE		/* MAP_ANONYMOUS, madvise */

#include <sys/mman.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lineread.h"
#include "thread.h"
#include "xalloc.h"

#define NCHUNK		4
#define HEADROOM	65536

/*
 * A chunk is full from the thread's read until the reader gives it back:
 * the reader takes them in turn, and the current region, when it is a
 * chunk, is the one before next.
 */
struct chunk {
	char		*mem;		/* HEADROOM bytes, then the data. */
	ssize_t		 len;		/* Of the data; 0 EOF, -1 error. */
	int		 err;		/* errno when len is -1. */
	int		 full;		/* Under mu. */
};

struct lreader {
	char		*buf;		/* The reader's own buffer. */
	size_t		 cap;
	char		*cur;		/* The current region: buf or a chunk. */
	size_t		 start, end;
	size_t		 maxline, readsize;
	int		 fd;
	int		 eof;
	int		 discarding;	/* Inside a line over the limit. */
	int		 at_start;	/* No byte of this input seen yet. */
	uint64_t	 lineno, bytes;
	int		(*before_read)(void *, int);
	void		*arg;
	/* Read-ahead. */
	int		 readahead;	/* Enabled by lr_set_readahead(). */
	int		 running;	/* A thread reads fd. */
	int		 stop;
	unsigned	 next;		/* The chunk to take next. */
	size_t		 chunksize;
	struct chunk	 chunk[NCHUNK];
	char		*ring;		/* The chunks' memory, or NULL. */
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	/* Mapped input. */
	size_t		 mapwin;	/* lr_set_map(); 0: read(2). */
	int		 mapping;	/* This input is read through windows. */
	char		*map;		/* The window, or NULL. */
	size_t		 maplen;
	off_t		 mapoff;	/* File offset of map[0]. */
	off_t		 fend;		/* File offset just past the region. */
};

/* The window the SIGBUS handler may patch (bus_lo NULL: none). */
static char *volatile bus_lo;
static volatile size_t bus_len;
static volatile sig_atomic_t bus_hit;	/* It did. */
static struct lreader *bus_owner;	/* The reader that maps, or NULL. */
static struct sigaction bus_old;
static int bus_installed;
static size_t pagesize;

/*
 * SIGBUS in the window (its file shrank): zero pages over the rest of the
 * window, so that the access reads zeros.  Elsewhere: the fault repeats
 * under the action there was before.
 */
static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, lo = (uintptr_t)bus_lo, pg;
	size_t	 len = bus_len;

	(void)sig;
	(void)uc;
	if (lo != 0 && a >= lo && a - lo < len) {
		pg = a - (a - lo) % pagesize;
		if (mmap((void *)pg, (size_t)(lo + len - pg), PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
		    MAP_FAILED) {
			bus_hit = 1;
			return;
		}
	}
	sigaction(SIGBUS, &bus_old, NULL);
}

struct lreader *
lr_new(size_t maxline, size_t readsize)
{
	struct lreader *lr = xcalloc(1, sizeof(*lr));

	lr->maxline = maxline;
	lr->readsize = readsize ? readsize : 1;
	lr->cap = readsize < 65536 ? 65536 : readsize;
	if (lr->cap < readsize * 2)
		lr->cap = readsize * 2;
	lr->buf = lr->cur = xmalloc(lr->cap);
	lr->fd = -1;
	return lr;
}

/* Stop and join the read-ahead thread, if one runs. */
static void
stop_thread(struct lreader *lr)
{
	unsigned i;

	if (!lr->running)
		return;
	pthread_mutex_lock(&lr->mu);
	lr->stop = 1;
	pthread_cond_broadcast(&lr->cv);
	pthread_mutex_unlock(&lr->mu);
	pthread_join(lr->thread, NULL);
	pthread_cond_destroy(&lr->cv);
	pthread_mutex_destroy(&lr->mu);
	lr->running = 0;
	/* Whatever the current chunk held is dropped with it. */
	if (lr->cur != lr->buf) {
		lr->cur = lr->buf;
		lr->start = lr->end = 0;
	}
	for (i = 0; i < NCHUNK; i++)
		lr->chunk[i].full = 0;
}

/* Drop the window, if any. */
static void
unmap_window(struct lreader *lr)
{
	if (lr->map == NULL)
		return;
	bus_lo = NULL;
	bus_len = 0;
	munmap(lr->map, lr->maplen);
	lr->map = NULL;
}

/*
 * Map a window holding the file's bytes from off on: at least mapwin
 * bytes past the rest (at off, in the current region).  The current
 * region moves to it.  0, or -1 (nothing changed).
 */
static int
map_window(struct lreader *lr, off_t off)
{
	size_t	 rest = lr->end - lr->start, lead, len;
	off_t	 base;
	void	*p;

	if (off < 0)
		return -1;
	lead = (size_t)(off % (off_t)pagesize);
	base = off - (off_t)lead;
	len = lead + rest + lr->mapwin;
	len += pagesize - len % pagesize;
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, lr->fd, base);
	if (p == MAP_FAILED)
		return -1;
	(void)madvise(p, len, MADV_SEQUENTIAL);
	if (lr->cur == lr->buf && rest > 0) {
		/* The rest came through lr_push(): the file must agree. */
		bus_lo = p;
		bus_len = len;
		if (memcmp((char *)p + lead, lr->buf + lr->start, rest) != 0 ||
		    bus_hit) {
			bus_lo = NULL;
			bus_len = 0;
			bus_hit = 0;
			munmap(p, len);
			if (lr->map != NULL) {
				bus_lo = lr->map;
				bus_len = lr->maplen;
			}
			return -1;
		}
	}
	unmap_window(lr);
	lr->map = p;
	lr->maplen = len;
	lr->mapoff = base;
	bus_lo = p;
	bus_len = len;
	lr->cur = p;
	lr->start = lead;
	lr->end = lead + rest;
	return 0;
}

/*
 * Stop reading through windows: the descriptor's offset goes to the end
 * of what was read, as if it had been read with read(2).
 */
static void
stop_mapping(struct lreader *lr)
{
	if (!lr->mapping)
		return;
	(void)lseek(lr->fd, lr->fend, SEEK_SET);
	if (lr->cur == lr->map) {
		lr->cur = lr->buf;
		lr->start = lr->end = 0;
	}
	unmap_window(lr);
	lr->mapping = 0;
	bus_owner = NULL;
	bus_hit = 0;
}

/* Read fd through windows when it is a regular file with bytes left. */
static int
start_mapping(struct lreader *lr)
{
	struct sigaction sa;
	struct stat st;
	off_t	 pos;

	if (lr->mapwin == 0 || bus_owner != NULL ||
	    fstat(lr->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (pos = lseek(lr->fd, 0, SEEK_CUR)) == -1 || st.st_size <= pos)
		return 0;
	if (!bus_installed) {
		pagesize = (size_t)sysconf(_SC_PAGESIZE);
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGBUS, &sa, &bus_old) == -1)
			return 0;
		bus_installed = 1;
	}
	bus_owner = lr;
	bus_hit = 0;
	lr->mapping = 1;
	lr->fend = pos;
	return 1;
}

void
lr_free(struct lreader *lr)
{
	if (lr == NULL)
		return;
	stop_thread(lr);
	stop_mapping(lr);
	free(lr->ring);
	free(lr->buf);
	free(lr);
}

void
lr_set_readahead(struct lreader *lr, int on)
{
	lr->readahead = on;
}

void
lr_set_map(struct lreader *lr, size_t window)
{
	lr->mapwin = window;
}

void
lr_detach(struct lreader *lr)
{
	stop_thread(lr);
	stop_mapping(lr);
}

/* The read-ahead thread: fill the chunks in turn until EOF or error. */
static void *
reader_main(void *arg)
{
	struct lreader *lr = arg;
	struct chunk *c;
	unsigned i = 0;
	ssize_t	 n;
	int	 e, stop;

	for (;;) {
		c = &lr->chunk[i];
		pthread_mutex_lock(&lr->mu);
		while (c->full && !lr->stop)
			pthread_cond_wait(&lr->cv, &lr->mu);
		stop = lr->stop;
		pthread_mutex_unlock(&lr->mu);
		if (stop)
			return NULL;
		while ((n = read(lr->fd, c->mem + HEADROOM, lr->chunksize)) ==
		    -1 && errno == EINTR)
			;
		e = errno;
		pthread_mutex_lock(&lr->mu);
		c->len = n;
		c->err = e;
		c->full = 1;
		pthread_cond_broadcast(&lr->cv);
		pthread_mutex_unlock(&lr->mu);
		if (n <= 0)
			return NULL;
		i = (i + 1) % NCHUNK;
	}
}

/* Start reading fd ahead, or leave it to read(2) in fill(). */
static void
start_thread(struct lreader *lr)
{
	struct stat st;
	unsigned i;

	if (!lr->readahead || fstat(lr->fd, &st) == -1 || !S_ISREG(st.st_mode))
		return;
	lr->chunksize = lr->readsize * LR_CHUNK_READS;
	if (lr->ring == NULL) {
		/* Once, in huge pages: fresh memory costs a fault a page. */
		lr->ring = xmalloc_huge(NCHUNK * (HEADROOM + lr->chunksize));
		for (i = 0; i < NCHUNK; i++)
			lr->chunk[i].mem = lr->ring + i * (HEADROOM +
			    lr->chunksize);
	}
	for (i = 0; i < NCHUNK; i++)
		lr->chunk[i].full = 0;
	lr->next = 0;
	lr->stop = 0;
	pthread_mutex_init(&lr->mu, NULL);
	pthread_cond_init(&lr->cv, NULL);
	lr->running = thread_start(&lr->thread, reader_main, lr);
	if (!lr->running) {
		pthread_cond_destroy(&lr->cv);
		pthread_mutex_destroy(&lr->mu);
	}
}

void
lr_reset(struct lreader *lr, int fd)
{
	stop_thread(lr);
	stop_mapping(lr);
	lr->fd = fd;
	lr->cur = lr->buf;
	lr->start = lr->end = 0;
	lr->eof = lr->discarding = 0;
	lr->at_start = 1;
	lr->lineno = 0;
	if (!start_mapping(lr))
		start_thread(lr);
}

/* Make room for n more bytes after end in the reader's own buffer. */
static void
own_room(struct lreader *lr, size_t n)
{
	size_t	 cap = lr->cap;

	if (cap - lr->end >= n)
		return;
	while (cap - lr->end < n)
		cap *= 2;
	lr->buf = xreallocarray(lr->buf, cap, 1);
	lr->cap = cap;
	lr->cur = lr->buf;
}

void
lr_push(struct lreader *lr, const char *buf, size_t len)
{
	own_room(lr, len);
	memcpy(lr->buf + lr->end, buf, len);
	lr->end += len;
}

void
lr_set_before_read(struct lreader *lr, int (*fn)(void *, int), void *arg)
{
	lr->before_read = fn;
	lr->arg = arg;
}

uint64_t
lr_lineno(const struct lreader *lr)
{
	return lr->lineno;
}

uint64_t
lr_bytes(const struct lreader *lr)
{
	return lr->bytes;
}

/* Move the unconsumed rest of the current region to the front of buf. */
static void
rest_to_own(struct lreader *lr)
{
	size_t	 rest = lr->end - lr->start;

	if (lr->cur == lr->buf) {
		if (lr->start > 0)
			memmove(lr->buf, lr->buf + lr->start, rest);
	} else {
		if (lr->cap < rest) {
			free(lr->buf);
			lr->cap = rest;
			lr->buf = xmalloc(lr->cap);
		}
		memcpy(lr->buf, lr->cur + lr->start, rest);
	}
	lr->cur = lr->buf;
	lr->start = 0;
	lr->end = rest;
}

/* Give chunk i back to the thread. */
static void
give_back(struct lreader *lr, unsigned i)
{
	pthread_mutex_lock(&lr->mu);
	lr->chunk[i].full = 0;
	pthread_cond_broadcast(&lr->cv);
	pthread_mutex_unlock(&lr->mu);
}

/* fill() from the read-ahead thread's next chunk. */
static int
fill_chunk(struct lreader *lr)
{
	unsigned n = lr->next, prev = (n + NCHUNK - 1) % NCHUNK;
	struct chunk *c = &lr->chunk[n];
	size_t	 rest = lr->end - lr->start;
	int	 inchunk = lr->cur != lr->buf;

	pthread_mutex_lock(&lr->mu);
	while (!c->full)
		pthread_cond_wait(&lr->cv, &lr->mu);
	pthread_mutex_unlock(&lr->mu);
	if (c->len <= 0) {
		/* The chunk stays full: EOF and errors repeat. */
		if (c->len == 0) {
			lr->eof = 1;
			return 0;
		}
		errno = c->err;
		return -1;
	}
	lr->bytes += (uint64_t)c->len;
	lr->next = (n + 1) % NCHUNK;
	if (rest <= HEADROOM) {
		memcpy(c->mem + HEADROOM - rest, lr->cur + lr->start, rest);
		if (inchunk)
			give_back(lr, prev);
		lr->cur = c->mem;
		lr->start = HEADROOM - rest;
		lr->end = HEADROOM + (size_t)c->len;
		return 1;
	}
	/* A long rest: it and the chunk's data go to the own buffer. */
	rest_to_own(lr);
	if (inchunk)
		give_back(lr, prev);
	own_room(lr, (size_t)c->len);
	memcpy(lr->buf + lr->end, c->mem + HEADROOM, (size_t)c->len);
	lr->end += (size_t)c->len;
	give_back(lr, n);
	return 1;
}

/* Go on with read(2) from fend: the rest moves to the own buffer. */
static void
map_fallback(struct lreader *lr)
{
	rest_to_own(lr);
	stop_mapping(lr);
}

/*
 * fill() from the window, mapping the next one when it is used up; 2
 * when the file cannot be mapped (then read(2) goes on).
 */
static int
fill_mapped(struct lreader *lr)
{
	struct stat st;
	size_t	 rest = lr->end - lr->start, cut;
	off_t	 roff = lr->fend - (off_t)rest, to;

	if (fstat(lr->fd, &st) == -1)
		return -1;
	if (bus_hit || st.st_size < lr->fend) {
		/* It shrank: it ends at its new size, as read(2) would say. */
		bus_hit = 0;
		if (st.st_size < lr->fend) {
			cut = (size_t)(lr->fend - (st.st_size > roff ?
			    st.st_size : roff));
			lr->end -= cut;
			lr->fend -= (off_t)cut;
			lr->bytes -= cut;
		}
		lr->eof = 1;
		return 0;
	}
	if (lr->fend == st.st_size) {
		lr->eof = 1;
		return 0;
	}
	if ((lr->cur != lr->map ||
	    lr->fend == lr->mapoff + (off_t)lr->maplen) &&
	    map_window(lr, roff) == -1) {
		map_fallback(lr);
		return 2;
	}
	to = lr->fend + (off_t)lr->readsize;
	if (to > lr->mapoff + (off_t)lr->maplen)
		to = lr->mapoff + (off_t)lr->maplen;
	if (to > st.st_size)
		to = st.st_size;
	lr->end += (size_t)(to - lr->fend);
	lr->bytes += (uint64_t)(to - lr->fend);
	lr->fend = to;
	return 1;
}

/* Read more input after end; 1 read, 0 end of input, -1 error/EINTR. */
static int
fill(struct lreader *lr)
{
	ssize_t	 n;
	size_t	 want;

	/* First, while every line handed out is still where it was. */
	if (lr->before_read != NULL && lr->before_read(lr->arg, lr->fd) == -1) {
		errno = EINTR;
		return -1;
	}
	if (lr->running)
		return fill_chunk(lr);
	if (lr->mapping && (n = fill_mapped(lr)) != 2)
		return (int)n;
	rest_to_own(lr);
	own_room(lr, lr->readsize);
	want = lr->cap - lr->end;
	if (want > lr->readsize)
		want = lr->readsize;
	if ((n = read(lr->fd, lr->buf + lr->end, want)) == -1)
		return -1;
	if (n == 0) {
		lr->eof = 1;
		return 0;
	}
	lr->end += (size_t)n;
	lr->bytes += (uint64_t)n;
	return 1;
}

/* Hand out the n bytes at p as a line (or report it over the limit). */
static enum lr_status
emit(struct lreader *lr, char *p, size_t n, const char **line, size_t *len)
{
	lr->lineno++;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (lr->discarding || n > lr->maxline) {
		lr->discarding = 0;
		*line = NULL;
		*len = 0;
		return LR_TOOLONG;
	}
	*line = p;
	*len = n;
	return LR_LINE;
}

enum lr_status
lr_next(struct lreader *lr, const char **line, size_t *len)
{
	char	*p, *nl;
	size_t	 n;

	for (;;) {
		p = lr->cur + lr->start;
		n = lr->end - lr->start;
		/* Wait for a BOM only while what came so far could be one. */
		if (lr->at_start && (n >= 3 || lr->eof ||
		    memcmp(p, "\xef\xbb\xbf", n) != 0)) {
			if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
				lr->start += 3;
			lr->at_start = 0;
			continue;
		}
		if (!lr->at_start) {
			if ((nl = memchr(p, '\n', n)) != NULL) {
				lr->start += (size_t)(nl - p) + 1;
				return emit(lr, p, (size_t)(nl - p), line, len);
			}
			if (lr->eof) {
				if (n == 0 && !lr->discarding)
					return LR_EOF;
				lr->start = lr->end;
				return emit(lr, p, n, line, len);
			}
			/* Room for a CR; past a shrink, fill() cuts first. */
			if (n > lr->maxline + 1 && !(lr->mapping && bus_hit)) {
				lr->discarding = 1;
				lr->start = lr->end;
			}
		}
		if (fill(lr) == -1)
			return errno == EINTR ? LR_INTR : LR_ERROR;
	}
}
