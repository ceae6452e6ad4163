/*
 * input.h: reading the inputs of ti-index and kv-match.
 *
 * One module opens an input (a path, or "-" for stdin), tells its form
 * from its first line, reads it, and keeps the position (file, line,
 * bytes) for reports.  The program gives it a table of operations: what
 * to do with a line, with a JSON document fed in pieces, before a read
 * that may block, and between records.
 *
 * Forms.  The first line alone decides, so a live pipe never waits for
 * more: when ops->sniff says it starts a JSON document spread over lines
 * (an array, an envelope, a pretty-printed object), the input is fed to
 * the document operations in pieces as it is read; otherwise it is read
 * as lines (NDJSON or a plain list), each handed to ops->line.
 *
 * Recovery.  When the document turns out to be broken (a syntax error, or
 * its end missing), reading goes on as lines from a line boundary: the
 * first line that starts after both the document's first line and the
 * end of the last record the document gave (ops->doc_handled).  Lines of
 * the document after its first one are kept for that (from the end of
 * the last record handed over, so a long valid document keeps little),
 * within INPUT_KEEP_MAX bytes; past that bound, reading goes on after
 * the line of the error instead, and the report says so.  A record is
 * thus handled once: a line already handled as a document element is not
 * read again.  The broken document is reported once, through
 * ops->broken, with the line where it began.
 *
 * Signals.  With input_catch_signals(), SIGTERM, SIGINT, SIGHUP and
 * SIGUSR1 are blocked except while the module waits for input, and
 * delivered to ops->between (as INPUT_SIG_* bits) between records: every
 * INPUT_CHECK_EVERY lines, after each piece of a document, and at once
 * while waiting (lines, documents and stalled pipes alike).  While idle,
 * ops->between is also called about once a second with no bits, for
 * periodic work.  When ops->between returns 1, reading stops at the next
 * read: the lines already read are still handed over.
 */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>
#include <stdint.h>

#define INPUT_KEEP_MAX		(32 * 1024 * 1024)
#define INPUT_CHECK_EVERY	4096

/* Signals that came, for ops->between. */
#define INPUT_SIG_TERM	0x1	/* SIGTERM or SIGINT. */
#define INPUT_SIG_HUP	0x2
#define INPUT_SIG_USR1	0x4

struct input;

/*
 * What the program does with an input.  Every pointer except the
 * document operations (when sniff never says "document") must be set.
 * Lines are borrowed: they stay valid until ops->idle has returned.
 */
struct input_ops {
	/* 1 when the first line (len bytes, possibly cut) starts a JSON
	   document spread over lines, else 0. */
	int	 (*sniff)(void *arg, const char *buf, size_t len);
	/* One line, without its line end; input_lineno() is its number. */
	void	 (*line)(void *arg, const char *line, size_t len);
	/* A line over the limit was skipped (input_lineno()). */
	void	 (*toolong)(void *arg);
	/* A document: begin; feed pieces (0, or -1 on a syntax error);
	   end (0, or -1 when it was not complete or not valid). */
	void	 (*doc_begin)(void *arg);
	int	 (*doc_feed)(void *arg, const char *buf, size_t len);
	int	 (*doc_end)(void *arg);
	/* The offset from the document's start just past the last record
	   handed over, and the reason and offset of its error. */
	uint64_t (*doc_handled)(void *arg);
	const char *(*doc_error)(void *arg, uint64_t *offset);
	/* A broken document, begun on input_lineno() == line: report it
	   (why says what and where reading goes on) and count it. */
	void	 (*broken)(void *arg, uint64_t line, const char *why);
	/* Before a read that may block: finish deferred work, flush. */
	void	 (*idle)(void *arg);
	/* Between records, with the signals that came (or 0); return 1 to
	   stop reading. */
	int	 (*between)(void *arg, unsigned sigs);
};

struct input_conf {
	size_t	 max_line;	/* Longest line handed over. */
	size_t	 read_size;	/* Largest read(2). */
	int	 read_ahead;	/* Read regular files in a thread. */
	size_t	 keep_max;	/* Bytes of a document kept for recovery;
				   0: INPUT_KEEP_MAX. */
	size_t	 map_window;	/* Map regular files read as lines, in
				   windows of about this many bytes
				   (lineread.h); 0: read them. */
};

/*
 * Return a reader with the configuration and operations (both copied;
 * arg is passed to every operation).  Free with input_free.
 */
struct input *input_new(const struct input_conf *conf,
	    const struct input_ops *ops, void *arg);
void	 input_free(struct input *in);

/*
 * Catch SIGTERM, SIGINT, SIGHUP and SIGUSR1 as the header says, and
 * ignore SIGPIPE.  Once per process.
 */
void	 input_catch_signals(struct input *in);

/*
 * Let in the signals that came while they were blocked and give them to
 * ops->between; for callers busy outside input_read.  Returns what
 * ops->between returned (0 when no signal came).
 */
int	 input_poll_signals(struct input *in);

/*
 * Read the input at path ("-": stdin) to its end, or until ops->between
 * asks to stop.  Returns 0, or -1 when it could not be opened or read
 * (errno says why; a directory gives EISDIR).  The program reports that.
 */
int	 input_read(struct input *in, const char *path);

/* 1 once ops->between has asked to stop. */
int	 input_stopped(const struct input *in);

/* The input being read, for reports: "<stdin>" for "-". */
const char *input_name(const struct input *in);

/* The number of the current line of the input, from 1. */
uint64_t input_lineno(const struct input *in);

/*
 * The line of an offset of the current document (as ops->doc_handled
 * and ops->doc_error count), as far as the bytes kept allow.
 */
uint64_t input_doc_line(const struct input *in, uint64_t offset);

/* Lines and bytes read from all inputs so far, each counted once. */
uint64_t input_lines(const struct input *in);
uint64_t input_bytes(const struct input *in);

#endif /* INPUT_H */
