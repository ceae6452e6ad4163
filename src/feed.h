/*
 * feed.h: reading ti-index's inputs into an ingestion.
 *
 * A feed reads each input with input.h (lines, or one JSON document, told
 * from the first line; recovery after a broken document) and hands its
 * records to ingest.h: JSON rows and objects, plain-list lines, or
 * --exclude lines.  The format is told from each input's first line
 * unless it is forced; after a broken document, it is told anew from the
 * first line read again.  Bad rows are reported on stderr with file and
 * line, rate-limited (diag.h).
 */
#ifndef FEED_H
#define FEED_H

#include "ingest.h"

#define FEED_MAX_LINE	(16 * 1024 * 1024)	/* Longest line read. */
#define FEED_READ_SIZE	(1024 * 1024)

struct feed;

/*
 * Return a feed into in (borrowed; its --format set with
 * ingest_set_format), naming the feed of every input source
 * (--source; NULL: each input's base name, "stdin" for "-"), showing
 * progress on stderr when progress is set.  Free with feed_free.
 */
struct feed *feed_new(struct ingest *in, const char *source,
	    int progress);
void	 feed_free(struct feed *f);

/*
 * Read the input at path ("-": stdin) as indicators, or (feed_exclude)
 * as an --exclude list.  0, or -1 when it could not be read (errno set;
 * the caller reports it).
 */
int	 feed_read(struct feed *f, const char *path);
int	 feed_exclude(struct feed *f, const char *path);

/* The bytes of the inputs that are regular files, to size the tables. */
uint64_t feed_size(int argc, char **argv);

/* Print the counts of an ingestion into index out on stderr. */
void	 feed_summary(const struct ingest_stats *s, const char *out);

#endif /* FEED_H */
