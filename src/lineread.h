/*
 * lineread.h: reading lines from a file descriptor in large blocks.
 *
 * Lines are returned as pointers into the reader's buffer, without their
 * line end ("\n" or "\r\n"); a last line without a newline is returned too.
 * A UTF-8 byte-order mark at the start of the input is dropped.  A line
 * longer than the reader's limit is never held whole: its bytes are
 * discarded as they arrive and it is reported as LR_TOOLONG.
 */
#ifndef LINEREAD_H
#define LINEREAD_H

#include <stddef.h>
#include <stdint.h>

enum lr_status {
	LR_LINE,		/* *line, *len: the next line. */
	LR_EOF,			/* No more input. */
	LR_TOOLONG,		/* A line over the limit was skipped. */
	LR_INTR,		/* read(2) was interrupted; call again. */
	LR_ERROR		/* read(2) failed; errno says why. */
};

struct lreader;

/*
 * Return a reader of lines of at most maxline bytes that asks read(2) for
 * at most readsize bytes at a time.  Free with lr_free.
 */
struct lreader *lr_new(size_t maxline, size_t readsize);
void	 lr_free(struct lreader *lr);

/*
 * Read regular files ahead in a thread (on: 1), so that the copy out of
 * the page cache overlaps the work on the lines.  Takes effect at the
 * next lr_reset().  Other descriptors are read with read(2) as they are.
 * The thread reads whenever a chunk is free: the hook of
 * lr_set_before_read() then decides when what it read is taken, not
 * when the descriptor is read.  Its reads are of LR_CHUNK_READS times
 * readsize (fewer hand-overs between the threads).
 */
void	 lr_set_readahead(struct lreader *lr, int on);
#define LR_CHUNK_READS	4

/*
 * Map regular files (window > 0) in windows of about window bytes (plus
 * the line they begin in), rather than read them: lines need no copy.
 * Takes effect at the next lr_reset(), and over read-ahead.  A file that
 * grows is read to its new end; one that shrinks ends at its new size,
 * and the bytes of lines already handed out that it no longer holds read
 * as zeros (a SIGBUS handler, for the window's addresses only, sees to
 * it).  One reader at a time maps; others, and files that cannot be
 * mapped, are read as without it.
 */
void	 lr_set_map(struct lreader *lr, size_t window);

/*
 * Start reading fd (not closed by the reader) from its line 1.  With
 * read-ahead, a thread reads fd from here on: call lr_detach() (or
 * lr_reset() or lr_free()) before closing it.
 */
void	 lr_reset(struct lreader *lr, int fd);

/* Stop reading the descriptor: join the read-ahead thread, if any. */
void	 lr_detach(struct lreader *lr);

/*
 * Give the reader len bytes already read from its descriptor (to look at
 * the start of an input before choosing how to read it): the last len
 * bytes read from it.  Only right after lr_reset().
 */
void	 lr_push(struct lreader *lr, const char *buf, size_t len);

/*
 * Call fn(arg, fd) before each read(2) of fd, which may block, so that a
 * program can flush its output before it waits for input.  The buffer
 * moves only after fn returns: every line returned so far stays valid
 * until then, so a caller may hold on to earlier lines and must finish
 * with them in fn.  When fn returns -1, lr_next() returns LR_INTR without
 * reading (a program waiting for input or a signal in fn uses this).
 */
void	 lr_set_before_read(struct lreader *lr, int (*fn)(void *, int),
	    void *arg);

/* Return the next line; borrowed as lr_set_before_read() says. */
enum lr_status lr_next(struct lreader *lr, const char **line, size_t *len);

/* The number of the line last returned (or skipped), from 1. */
uint64_t lr_lineno(const struct lreader *lr);

/* Bytes read from all descriptors so far. */
uint64_t lr_bytes(const struct lreader *lr);

#endif /* LINEREAD_H */
