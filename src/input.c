/*
 * input.c: opening, sniffing and reading the inputs of both programs,
 * with recovery after a broken document and signals on every path.
 * See input.h for the contract.
 */
#define _GNU_SOURCE		/* F_SETPIPE_SZ */

#include <sys/select.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "lineread.h"
#include "xalloc.h"

#define PIPE_SIZE	(1024 * 1024)
#define PEEK_START	65536

static volatile sig_atomic_t got_term, got_hup, got_usr1;

/* The bytes of a document kept for reading them again as lines. */
struct keep {
	char		*buf;
	size_t		 len, cap;
	uint64_t	 off;		/* Document offset of buf[0]. */
	uint64_t	 line;		/* Line number of buf[0]. */
	uint64_t	 first_end;	/* Offset just past the first line. */
	int		 over;		/* Past the bound: only the last piece
					   is kept. */
};

struct input {
	struct input_conf conf;
	struct input_ops ops;
	void		*arg;
	struct lreader	*lr;
	const char	*name;
	int		 fd;
	int		 catching;	/* input_catch_signals() was called. */
	sigset_t	 waitmask;	/* The mask to wait for input with. */
	sigset_t	 caught;	/* The signals caught. */
	int		 regular;	/* The input is a regular file. */
	int		 signals_open;	/* The caught signals are let in. */
	int		 stopping;
	unsigned	 since;		/* Lines since signals were let in. */
	uint64_t	 line_base;	/* Lines before the line reader's 1. */
	uint64_t	 doc_lines;	/* Newlines fed to the document. */
	uint64_t	 lines, bytes;	/* Of the inputs done. */
	uint64_t	 raw_bytes;	/* Read here, outside the reader. */
	uint64_t	 lr_bytes0;	/* lr_bytes() when this input began. */
	int		 in_doc;
	struct keep	 keep;
};

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/* Take the flags of the signals that came. */
static unsigned
take_flags(void)
{
	unsigned s = 0;

	if (got_term)
		s |= INPUT_SIG_TERM;
	if (got_hup)
		s |= INPUT_SIG_HUP;
	if (got_usr1)
		s |= INPUT_SIG_USR1;
	got_term = got_hup = got_usr1 = 0;
	return s;
}

/* Give the signals that came to the program; 1 when it says stop. */
static int
deliver(struct input *in)
{
	unsigned s = take_flags();

	if (s != 0 && in->ops.between(in->arg, s) == 1)
		in->stopping = 1;
	return in->stopping;
}

/* Let pending signals in, so that their handlers set the flags. */
static void
let_in(struct input *in)
{
	sigset_t blocked;

	sigprocmask(SIG_SETMASK, &in->waitmask, &blocked);
	sigprocmask(SIG_SETMASK, &blocked, NULL);
}

int
input_poll_signals(struct input *in)
{
	if (!in->catching)
		return 0;
	if (!in->signals_open)
		let_in(in);
	return deliver(in);
}

/* Block the caught signals again (after a regular file). */
static void
block_again(struct input *in)
{
	if (in->signals_open) {
		sigprocmask(SIG_BLOCK, &in->caught, NULL);
		in->signals_open = 0;
	}
}

void
input_catch_signals(struct input *in)
{
	struct sigaction sa;
	sigset_t	 block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* What a signal interrupts goes on (pselect(2) returns all the
	   same). */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &in->waitmask);
	in->caught = block;
	in->catching = 1;
}

/*
 * Before a read of fd that may block: the program finishes its deferred
 * work, then we wait until fd is readable with the signals let in, so
 * that a signal can never slip in between the check of its flag and a
 * read that blocks.  A regular file never keeps a read waiting: while it
 * is read the signals stay let in (their handlers only set flags), and
 * their flags are taken here, without a system call.  Returns -1 when
 * reading is to stop.
 */
static int
before_read(void *arg, int fd)
{
	struct input *in = arg;
	struct timespec tick = { 1, 0 };
	fd_set	 rfds;
	int	 n;

	in->ops.idle(in->arg);
	if (in->stopping)
		return -1;
	if (!in->catching)
		return 0;
	if (in->regular && !in->signals_open) {
		sigprocmask(SIG_SETMASK, &in->waitmask, NULL);
		in->signals_open = 1;
	}
	for (;;) {
		if (deliver(in))
			return -1;
		if (in->ops.between(in->arg, 0) == 1) {
			in->stopping = 1;
			return -1;
		}
		if (in->signals_open || fd >= FD_SETSIZE)
			return 0;
		FD_ZERO(&rfds);
		FD_SET(fd, &rfds);
		n = pselect(fd + 1, &rfds, NULL, NULL, &tick, &in->waitmask);
		if (n > 0) {
			/* pselect restored the mask without letting in
			   what is pending. */
			let_in(in);
			return deliver(in) ? -1 : 0;
		}
		if (n == -1 && errno != EINTR)
			return 0;	/* The read will say what is wrong. */
	}
}

struct input *
input_new(const struct input_conf *conf, const struct input_ops *ops,
    void *arg)
{
	struct input *in = xcalloc(1, sizeof(*in));

	in->conf = *conf;
	if (in->conf.keep_max == 0)
		in->conf.keep_max = INPUT_KEEP_MAX;
	in->ops = *ops;
	in->arg = arg;
	in->lr = lr_new(conf->max_line, conf->read_size);
	lr_set_before_read(in->lr, before_read, in);
	lr_set_readahead(in->lr, conf->read_ahead);
	lr_set_map(in->lr, conf->map_window);
	in->name = "<stdin>";
	in->fd = -1;
	return in;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	lr_free(in->lr);
	free(in->keep.buf);
	free(in);
}

int
input_stopped(const struct input *in)
{
	return in->stopping;
}

const char *
input_name(const struct input *in)
{
	return in->name;
}

uint64_t
input_lineno(const struct input *in)
{
	if (in->in_doc)
		return in->doc_lines + 1;
	return in->line_base + lr_lineno(in->lr);
}

uint64_t
input_lines(const struct input *in)
{
	if (in->fd == -1)
		return in->lines;
	return in->lines + (in->in_doc ? in->doc_lines :
	    in->line_base + lr_lineno(in->lr));
}

uint64_t
input_bytes(const struct input *in)
{
	return in->bytes + in->raw_bytes + lr_bytes(in->lr) - in->lr_bytes0;
}

/* Lines (newlines) in the n bytes at p. */
static uint64_t
count_nl(const char *p, size_t n)
{
	const char *e = p + n;
	uint64_t c = 0;

	if (n == 0)
		return 0;	/* p may be NULL: nothing kept yet. */
	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

uint64_t
input_doc_line(const struct input *in, uint64_t off)
{
	const struct keep *k = &in->keep;

	if (off < k->off)
		return k->line > 1 ? k->line - 1 : 1;
	if (off > k->off + k->len)
		off = k->off + k->len;
	return k->line + count_nl(k->buf, (size_t)(off - k->off));
}

/* read(2) with EINTR retried; the bytes are counted. */
static ssize_t
raw_read(struct input *in, char *buf, size_t n)
{
	ssize_t	 r;

	if (n > in->conf.read_size)
		n = in->conf.read_size;
	while ((r = read(in->fd, buf, n)) == -1 && errno == EINTR)
		;
	if (r > 0)
		in->raw_bytes += (uint64_t)r;
	return r;
}

/*
 * Read the first line (up to the line limit) into *bufp (freed by the
 * caller), *lenp bytes.  0, or -1 on a read error.
 */
static int
peek_line(struct input *in, char **bufp, size_t *lenp)
{
	size_t	 cap = PEEK_START, got = 0;
	char	*buf = xmalloc(cap);
	ssize_t	 n;

	while (got < in->conf.max_line) {
		if (got == cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		if (before_read(in, in->fd) == -1)
			break;
		if ((n = raw_read(in, buf + got, cap - got)) == -1) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (memchr(buf + got - (size_t)n, '\n', (size_t)n) != NULL)
			break;
	}
	*bufp = buf;
	*lenp = got;
	return 0;
}

/* ---- Documents and recovery ------------------------------------------ */

static void
keep_append(struct keep *k, const char *p, size_t n, size_t max)
{
	if (k->over || k->len + n > max) {
		/* Past the bound: keep the last piece only. */
		k->line += count_nl(k->buf, k->len);
		k->off += k->len;
		k->len = 0;
		k->over = 1;
	}
	if (k->cap - k->len < n) {
		while (k->cap - k->len < n)
			k->cap = k->cap ? k->cap * 2 : 65536;
		k->buf = xreallocarray(k->buf, k->cap, 1);
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
}

/* Drop the kept bytes before off, which starts a line. */
static void
keep_drop(struct keep *k, uint64_t off)
{
	size_t	 n = (size_t)(off - k->off);

	k->line += count_nl(k->buf, n);
	memmove(k->buf, k->buf + n, k->len - n);
	k->len -= n;
	k->off = off;
}

/*
 * Where lines would be read again after a break now: the first line
 * start at or after both the end of the first line and the end of the
 * last record handed over.  Returns 0 and *off, or -1 when that line has
 * not begun in what is kept.
 */
static int
replay_start(const struct input *in, uint64_t *off)
{
	const struct keep *k = &in->keep;
	uint64_t h = in->ops.doc_handled(in->arg);
	const char *nl;

	if (h <= k->first_end) {
		*off = k->first_end > k->off ? k->first_end : k->off;
		return *off <= k->off + k->len ? 0 : -1;
	}
	if (h <= k->off) {
		*off = k->off;		/* Only line starts are dropped to. */
		return 0;
	}
	if (k->buf[h - k->off - 1] == '\n') {
		*off = h;
		return 0;
	}
	nl = memchr(k->buf + (h - k->off), '\n', k->len - (size_t)(h - k->off));
	if (nl == NULL)
		return -1;
	*off = k->off + (uint64_t)(nl - k->buf) + 1;
	return 0;
}

/* After a piece was fed: keep only what a break could read again. */
static void
keep_trim(struct input *in)
{
	uint64_t off;

	if (!in->keep.over && replay_start(in, &off) == 0 &&
	    off > in->keep.off)
		keep_drop(&in->keep, off);
}

/*
 * The document broke at its error: report it and go on as lines.  The
 * kept bytes from the replay start are handed to the line reader before
 * what follows on fd.
 */
static void
recover(struct input *in, uint64_t start_line)
{
	struct keep *k = &in->keep;
	uint64_t err_off = 0, from;
	const char *why = in->ops.doc_error(in->arg, &err_off);
	char	 msg[512];
	int	 skip_partial = 0;

	if (k->over || replay_start(in, &from) == -1) {
		/* Go on after the line of the error. */
		const char *nl = NULL;

		if (err_off < k->off)
			err_off = k->off;
		if (err_off < k->off + k->len)
			nl = memchr(k->buf + (err_off - k->off), '\n',
			    k->len - (size_t)(err_off - k->off));
		if (nl != NULL)
			from = k->off + (uint64_t)(nl - k->buf) + 1;
		else {
			from = k->off + k->len;
			skip_partial = 1;
		}
	}
	/* from is a line start, or inside the line dropped to its end. */
	snprintf(msg, sizeof(msg), "%s at line %llu; %s line %llu", why,
	    (unsigned long long)input_doc_line(in, err_off),
	    k->over ? "document too long to read again, reading on as "
	    "lines after" : "reading on as lines from",
	    (unsigned long long)(input_doc_line(in, from) +
	    (skip_partial ? 1 : 0) - (k->over ? 1 : 0)));
	in->ops.broken(in->arg, start_line, msg);

	in->line_base = input_doc_line(in, from) - 1;
	in->in_doc = 0;
	if (skip_partial) {
		/* Drop the rest of the line the error is on. */
		char	 buf[65536];
		ssize_t	 n;
		const char *nl = NULL;

		k->len = 0;
		k->off = from;
		while (nl == NULL && before_read(in, in->fd) == 0 &&
		    (n = raw_read(in, buf, sizeof(buf))) > 0)
			if ((nl = memchr(buf, '\n', (size_t)n)) != NULL)
				keep_append(k, nl + 1, (size_t)(buf + n - nl - 1),
				    SIZE_MAX);
		from = k->off;
		in->line_base++;
	}
	lr_reset(in->lr, in->fd);
	lr_push(in->lr, k->buf + (from - k->off),
	    (size_t)(k->off + k->len - from));
	k->len = 0;
}

/*
 * Feed a document that begins with the len bytes at buf; returns 1 when
 * it broke (then the input goes on as lines), 0 at its end, -1 on a read
 * error.
 */
static int
read_document(struct input *in, char *buf, size_t len)
{
	struct keep *k = &in->keep;
	const char *nl = memchr(buf, '\n', len);
	size_t	 cap = in->conf.read_size;
	char	*chunk = xmalloc(cap);
	ssize_t	 n;
	int	 rc = 0;

	in->in_doc = 1;
	in->doc_lines = 0;
	k->len = 0;
	k->off = 0;
	k->line = 1;
	k->over = 0;
	k->first_end = nl ? (uint64_t)(nl - buf) + 1 : UINT64_MAX;
	in->ops.doc_begin(in->arg);
	for (;;) {
		keep_append(k, buf, len, in->conf.keep_max);
		if (k->first_end == UINT64_MAX &&
		    (nl = memchr(buf, '\n', len)) != NULL)
			k->first_end = k->off + k->len - len +
			    (uint64_t)(nl - buf) + 1;
		if (in->ops.doc_feed(in->arg, buf, len) == -1) {
			rc = 1;
			break;
		}
		in->doc_lines += count_nl(buf, len);
		keep_trim(in);
		if (before_read(in, in->fd) == -1)
			break;
		if ((n = raw_read(in, chunk, cap)) == -1) {
			rc = -1;
			break;
		}
		if (n == 0) {
			if (in->ops.doc_end(in->arg) == -1)
				rc = 1;
			break;
		}
		buf = chunk;
		len = (size_t)n;
	}
	if (rc == 1)
		recover(in, 1);
	else {
		in->lines += in->doc_lines + (k->len > 0 &&
		    k->buf[k->len - 1] != '\n' ? 1 : 0);
		in->in_doc = 0;
	}
	free(chunk);
	return rc;
}

/* ---- Lines ---------------------------------------------------------- */

static int
read_lines(struct input *in)
{
	const char *line;
	size_t	 len;
	int	 rc = 0;

	for (;;) {
		switch (lr_next(in->lr, &line, &len)) {
		case LR_LINE:
			in->ops.line(in->arg, line, len);
			if (++in->since >= INPUT_CHECK_EVERY) {
				in->since = 0;
				input_poll_signals(in);
			}
			continue;
		case LR_TOOLONG:
			in->ops.toolong(in->arg);
			continue;
		case LR_INTR:
			if (in->stopping)
				break;
			continue;
		case LR_ERROR:
			rc = -1;
			break;
		case LR_EOF:
			break;
		}
		break;
	}
	in->ops.idle(in->arg);
	in->lines += in->line_base + lr_lineno(in->lr);
	return rc;
}

/* ---- Inputs --------------------------------------------------------- */

static int
open_input(struct input *in, const char *path)
{
	struct stat st;

	in->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if (strcmp(path, "-") == 0)
		in->fd = STDIN_FILENO;
	else if ((in->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(in->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			if (in->fd != STDIN_FILENO)
				close(in->fd);
			in->fd = -1;
			errno = EISDIR;
			return -1;
		}
		if (S_ISFIFO(st.st_mode))
			(void)fcntl(in->fd, F_SETPIPE_SZ, PIPE_SIZE);
		in->regular = S_ISREG(st.st_mode);
	}
	return 0;
}

static void
close_input(struct input *in)
{
	int	 e = errno;

	lr_detach(in->lr);
	block_again(in);
	in->regular = 0;
	in->bytes += in->raw_bytes + lr_bytes(in->lr) - in->lr_bytes0;
	in->raw_bytes = 0;
	in->lr_bytes0 = lr_bytes(in->lr);
	if (in->fd != STDIN_FILENO && in->fd != -1)
		close(in->fd);
	in->fd = -1;
	errno = e;
}

int
input_read(struct input *in, const char *path)
{
	char	*peek;
	size_t	 plen;
	int	 rc;

	if (open_input(in, path) == -1)
		return -1;
	in->line_base = 0;
	in->in_doc = 0;
	in->lr_bytes0 = lr_bytes(in->lr);
	if (peek_line(in, &peek, &plen) == -1) {
		close_input(in);
		return -1;
	}
	if (in->stopping) {
		free(peek);
		close_input(in);
		return 0;
	}
	if (in->ops.sniff(in->arg, peek, plen) == 1) {
		rc = read_document(in, peek, plen);
		free(peek);
		if (rc == 1)
			rc = read_lines(in);
	} else {
		lr_reset(in->lr, in->fd);
		in->lr_bytes0 = lr_bytes(in->lr);
		lr_push(in->lr, peek, plen);
		free(peek);
		rc = read_lines(in);
	}
	close_input(in);
	return rc == -1 ? -1 : 0;
}
