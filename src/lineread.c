/*
 * lineread.c: a block reader that hands out lines.  See lineread.h.
 *
 * The buffer holds [start, end) of unconsumed input.  When no newline is
 * left in it, the rest is moved to the front and more is read.  When the
 * rest is longer than the line limit, the reader switches to discarding
 * until the next newline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lineread.h"
#include "xalloc.h"

struct lreader {
	char		*buf;
	size_t		 cap, start, end;
	size_t		 maxline, readsize;
	int		 fd;
	int		 eof;
	int		 discarding;	/* Inside a line over the limit. */
	int		 at_start;	/* No byte of this input seen yet. */
	uint64_t	 lineno, bytes;
	int		(*before_read)(void *, int);
	void		*arg;
};

struct lreader *
lr_new(size_t maxline, size_t readsize)
{
	struct lreader *lr = xcalloc(1, sizeof(*lr));

	lr->maxline = maxline;
	lr->readsize = readsize ? readsize : 1;
	lr->cap = readsize < 65536 ? 65536 : readsize;
	if (lr->cap < readsize * 2)
		lr->cap = readsize * 2;
	lr->buf = xmalloc(lr->cap);
	lr->fd = -1;
	return lr;
}

void
lr_free(struct lreader *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	free(lr);
}

void
lr_reset(struct lreader *lr, int fd)
{
	lr->fd = fd;
	lr->start = lr->end = 0;
	lr->eof = lr->discarding = 0;
	lr->at_start = 1;
	lr->lineno = 0;
}

void
lr_push(struct lreader *lr, const char *buf, size_t len)
{
	if (lr->cap - lr->end < len) {
		lr->cap = lr->end + len;
		lr->buf = xreallocarray(lr->buf, lr->cap, 1);
	}
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
	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->start = 0;
	}
	if (lr->cap - lr->end < lr->readsize) {
		size_t cap = lr->cap * 2;

		while (cap - lr->end < lr->readsize)
			cap *= 2;
		lr->buf = xreallocarray(lr->buf, cap, 1);
		lr->cap = cap;
	}
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
		p = lr->buf + lr->start;
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
			if (n > lr->maxline + 1) {	/* Room for a CR. */
				lr->discarding = 1;
				lr->start = lr->end;
			}
		}
		if (fill(lr) == -1)
			return errno == EINTR ? LR_INTR : LR_ERROR;
	}
}
