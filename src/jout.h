/*
 * jout.h: writing NDJSON to a file descriptor.
 *
 * A jout wraps a yajl generator and an output buffer.  Each object is
 * generated, ended with jout_end() (which adds the newline), and kept in
 * the buffer until it holds JOUT_FLUSH bytes or jout_flush() is called.
 * Strings are made valid UTF-8 before yajl sees them (see utf8_sanitize
 * in jrec.h), so the output is valid UTF-8 whatever the input held.
 * Write errors are sticky: once a write fails, jout_error() returns its
 * errno and nothing more is written.
 */
#ifndef JOUT_H
#define JOUT_H

#include <stddef.h>
#include <stdint.h>

#define JOUT_FLUSH	(256 * 1024)

struct jout;

/* Return a writer to fd (not closed by it).  Free with jout_free. */
struct jout *jout_new(int fd);
void	 jout_free(struct jout *j);

void	 jout_key(struct jout *j, const char *key);
/* A string (made valid UTF-8), or null when s is NULL. */
void	 jout_str(struct jout *j, const char *s, size_t len);
/* An instant in Kusto's form, or null for KTIME_NONE. */
void	 jout_time(struct jout *j, int64_t t);
void	 jout_int(struct jout *j, long long v);
void	 jout_null(struct jout *j);
/* A number from its JSON text, written as is. */
void	 jout_number(struct jout *j, const char *s, size_t len);

/* End the current top-level value with a newline. */
void	 jout_end(struct jout *j);

void	 jout_bool(struct jout *j, int b);

/* Open and close an object, an array. */
void	 jout_map_open(struct jout *j);
void	 jout_map_close(struct jout *j);
void	 jout_array_open(struct jout *j);
void	 jout_array_close(struct jout *j);

/*
 * Append the n bytes at p as they are, between top-level values (a key
 * before an alert, or a whole line read).  Never call it while a value
 * is being generated.
 */
void	 jout_raw(struct jout *j, const char *p, size_t n);

/* Write out what is buffered.  Returns 0, or -1 (see jout_error). */
int	 jout_flush(struct jout *j);

/* Bytes waiting in the buffer. */
size_t	 jout_pending(const struct jout *j);

/* 0, or the errno of the first failed write. */
int	 jout_error(const struct jout *j);

#endif /* JOUT_H */
