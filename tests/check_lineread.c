/*
 * check_lineread.c: unit tests of the lineread module (src/lineread.h).
 * Input is fed from unlinked temporary files or pipes, and each run of
 * the reader is turned into a transcript ("lineno:text|" per line,
 * "lineno:TOOLONG|" per skipped line) compared with the expected one.
 * "Core" covers line ends, empty lines, a last line without newline, the
 * byte-order mark, lr_lineno, lr_bytes, lr_reset, the before-read hook
 * (called before every read, lines still valid inside it, -1 refusing
 * the read), EINTR and read errors.  "Limits" covers lines over the
 * limit, the boundary at exactly maxline bytes (CR not counted), lines
 * far larger than the buffer, and yajl's trick: the same input read with
 * every read size from 1 to 31 bytes (and from a pipe written one byte at
 * a time) must give the same transcript.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "testlib.h"
#include "lineread.h"

#define MAXLINE	16

/*
 * An input with every feature at once, read with maxline MAXLINE: a BOM,
 * CRLF, empty lines, a line of exactly MAXLINE bytes, lines over it (LF
 * and CRLF), a BOM that is not at the start, a lone CR inside a line, and
 * a last line without newline.
 */
static const char mixed_in[] =
    "\xef\xbb\xbf" "first\n"
    "crlf\r\n"
    "\n"
    "\r\n"
    "exactly16bytes!!\n"
    "seventeen-bytes!!\n"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
    "after\n"
    "\xef\xbb\xbf" "bom\n"
    "a\rb\n"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n"
    "last";
static const char mixed_out[] =
    "1:first|2:crlf|3:|4:|5:exactly16bytes!!|6:TOOLONG|7:TOOLONG|8:after|"
    "9:\xef\xbb\xbf" "bom|10:a\rb|11:TOOLONG|12:last|";

/* An input ending inside a line over the limit. */
static const char tail_in[] = "ok\nzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
static const char tail_out[] = "1:ok|2:TOOLONG|";

/*
 * Whether the test case reads regular files ahead in a thread (1), or
 * maps them (2), in the smallest windows (a page or so), so that lines
 * cross windows often.
 */
static int readahead;

static void readahead_on(void) { readahead = 1; }
static void readahead_off(void) { readahead = 0; }
static void mapped_on(void) { readahead = 2; }

/* lr_new(), with read-ahead or mapping as the test case says. */
static struct lreader *
new_lr(size_t maxline, size_t readsize)
{
	struct lreader *lr = lr_new(maxline, readsize);

	lr_set_readahead(lr, readahead == 1);
	lr_set_map(lr, readahead == 2 ? 1 : 0);
	return lr;
}

/*
 * Read lr's input to its end, from just after lr_reset(), and return the
 * transcript (to be freed).  Checks on the way that lr_lineno counts
 * every line.
 */
static char *
transcript_lr_cont(struct lreader *lr)
{
	char	*out = NULL;
	size_t	 outlen = 0, len;
	const char *line;
	uint64_t n = 0;
	FILE	*f = open_memstream(&out, &outlen);
	enum lr_status st;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(lr_lineno(lr), 0);
	while ((st = lr_next(lr, &line, &len)) != LR_EOF) {
		n++;
		ck_assert_uint_eq(lr_lineno(lr), n);
		if (st == LR_LINE) {
			fprintf(f, "%llu:", (unsigned long long)n);
			fwrite(line, 1, len, f);
			fputc('|', f);
		} else {
			ck_assert_msg(st == LR_TOOLONG, "status %d", (int)st);
			fprintf(f, "%llu:TOOLONG|", (unsigned long long)n);
		}
		ck_assert_msg(n < 100000, "no end of input");
	}
	/* The end stays the end. */
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_EOF);
	ck_assert_uint_eq(lr_lineno(lr), n);
	fclose(f);
	return out;
}

/* The same, from the start of fd (lr_reset). */
static char *
transcript_lr(struct lreader *lr, int fd)
{
	lr_reset(lr, fd);
	return transcript_lr_cont(lr);
}

/* The transcript of len bytes at in, read from a file. */
static char *
transcript(const char *in, size_t len, size_t maxline, size_t readsize)
{
	struct lreader *lr = new_lr(maxline, readsize);
	int	 fd = tmpfd(in, len);
	char	*out = transcript_lr(lr, fd);

	ck_assert_uint_eq(lr_bytes(lr), len);
	lr_free(lr);
	close(fd);
	return out;
}

static void
assert_transcript(const char *in, size_t len, size_t maxline,
    size_t readsize, const char *want)
{
	char	*got = transcript(in, len, maxline, readsize);

	ck_assert_msg(strcmp(got, want) == 0, "readsize %zu: got \"%s\", "
	    "want \"%s\"", readsize, got, want);
	free(got);
}

/* The same, for a NUL-terminated input and a large read size. */
static void
assert_lines(const char *in, size_t maxline, const char *want)
{
	assert_transcript(in, strlen(in), maxline, 65536, want);
}

START_TEST(line_ends)
{
	assert_lines("a\nbb\r\nccc\n", 100, "1:a|2:bb|3:ccc|");
	assert_lines("a\r\nb\r\n", 100, "1:a|2:b|");
	assert_lines("one line\n", 100, "1:one line|");
	/* A CR not followed by LF is not a line end. */
	assert_lines("a\rb\r\n", 100, "1:a\rb|");
	assert_lines("a\r\rb\n", 100, "1:a\r\rb|");
	assert_lines("a\r\r\n", 100, "1:a\r|");
	assert_lines("tab\tand space \n", 100, "1:tab\tand space |");
}
END_TEST

START_TEST(last_line_without_newline)
{
	assert_lines("a\nb", 100, "1:a|2:b|");
	assert_lines("a", 100, "1:a|");
	assert_lines("ab", 100, "1:ab|");
	assert_lines("abc", 100, "1:abc|");
	assert_lines("a\r\nlast words", 100, "1:a|2:last words|");
}
END_TEST

START_TEST(empty_lines)
{
	assert_lines("", 100, "");
	assert_lines("\n", 100, "1:|");
	assert_lines("\r\n", 100, "1:|");
	assert_lines("\n\n\r\n\nx\n\n", 100, "1:|2:|3:|4:|5:x|6:|");
	assert_lines("x\n\n", 100, "1:x|2:|");
}
END_TEST

START_TEST(bom)
{
	assert_lines("\xef\xbb\xbf" "a\nb\n", 100, "1:a|2:b|");
	assert_lines("\xef\xbb\xbf" "a", 100, "1:a|");
	assert_lines("\xef\xbb\xbf", 100, "");
	assert_lines("\xef\xbb\xbf\n", 100, "1:|");
	assert_lines("\xef\xbb\xbf\r\nx\n", 100, "1:|2:x|");
	/* Only one BOM, and only at the start of the input, is dropped. */
	assert_lines("\xef\xbb\xbf\xef\xbb\xbf" "a\n", 100,
	    "1:\xef\xbb\xbf" "a|");
	assert_lines("a\n\xef\xbb\xbf" "b\n", 100, "1:a|2:\xef\xbb\xbf" "b|");
	assert_lines("a\xef\xbb\xbf\n", 100, "1:a\xef\xbb\xbf|");
	/* Prefixes of a BOM are data. */
	assert_lines("\xef\xbb" "x\n", 100, "1:\xef\xbb" "x|");
	assert_lines("\xef\xbb", 100, "1:\xef\xbb|");
	assert_lines("\xef", 100, "1:\xef|");
	assert_lines("\xbb\xbf\xef\n", 100, "1:\xbb\xbf\xef|");
	/* The BOM does not count against the line limit. */
	assert_lines("\xef\xbb\xbf" "exactly16bytes!!\n", MAXLINE,
	    "1:exactly16bytes!!|");
}
END_TEST

START_TEST(bom_any_readsize)
{
	static const char in[] = "\xef\xbb\xbf" "a\n";
	size_t	 rs;

	for (rs = 1; rs <= 5; rs++) {
		assert_transcript(in, strlen(in), 100, rs, "1:a|");
		assert_transcript("\xef\xbb", 2, 100, rs, "1:\xef\xbb|");
		assert_transcript("\xef\xbb\xbf", 3, 100, rs, "");
	}
}
END_TEST

START_TEST(bytes_counted)
{
	struct lreader *lr = new_lr(MAXLINE, 5);
	int	 fd = tmpfd(mixed_in, sizeof(mixed_in) - 1);
	const char *line;
	size_t	 len;

	lr_reset(lr, fd);
	ck_assert_uint_eq(lr_bytes(lr), 0);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert(lr_bytes(lr) >= 3 + 6);
	ck_assert(lr_bytes(lr) <= 3 + 6 + 5 * LR_CHUNK_READS);
	while (lr_next(lr, &line, &len) != LR_EOF)
		continue;
	/* The BOM, CRs and skipped lines are counted too. */
	ck_assert_uint_eq(lr_bytes(lr), sizeof(mixed_in) - 1);
	lr_free(lr);
	close(fd);
}
END_TEST

START_TEST(reset_two_inputs)
{
	static const char a[] = "\xef\xbb\xbf" "a1\na2\na3";
	static const char b[] = "\xef\xbb\xbf" "b1\r\nb2\n";
	struct lreader *lr = new_lr(100, 4);
	int	 fa = tmpfd(a, strlen(a)), fb = tmpfd(b, strlen(b));
	char	*out;

	out = transcript_lr(lr, fa);
	ck_assert_str_eq(out, "1:a1|2:a2|3:a3|");
	free(out);
	ck_assert_uint_eq(lr_bytes(lr), strlen(a));
	/* Line numbers start again; the second BOM is dropped too. */
	out = transcript_lr(lr, fb);
	ck_assert_str_eq(out, "1:b1|2:b2|");
	free(out);
	ck_assert_uint_eq(lr_bytes(lr), strlen(a) + strlen(b));
	lr_free(lr);
	close(fa);
	close(fb);
}
END_TEST

/* Input buffered from the first descriptor is dropped by lr_reset. */
START_TEST(reset_drops_buffered)
{
	static const char a[] = "a1\na2\na3\n";
	static const char b[] = "b1\n";
	struct lreader *lr = new_lr(100, 65536);
	int	 fa = tmpfd(a, strlen(a)), fb = tmpfd(b, strlen(b));
	const char *line;
	size_t	 len;
	char	*out;

	lr_reset(lr, fa);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_int_eq(len, 2);
	ck_assert_int_eq(memcmp(line, "a1", 2), 0);
	out = transcript_lr(lr, fb);
	ck_assert_str_eq(out, "1:b1|");
	free(out);
	lr_free(lr);
	close(fa);
	close(fb);
}
END_TEST

/*
 * A reset in the middle of a line over the limit: the next input's first
 * line is not taken for the rest of it.  A non-blocking pipe stops the
 * reader there (EAGAIN).
 */
START_TEST(reset_while_discarding)
{
	static const char b[] = "b1\n";
	struct lreader *lr = new_lr(MAXLINE, 8);
	int	 p[2], fb = tmpfd(b, strlen(b));
	const char *line;
	size_t	 len;
	char	*out, big[40];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ne(fcntl(p[0], F_SETFL, O_NONBLOCK), -1);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(write(p[1], "a\n", 2), 2);
	ck_assert_int_eq(write(p[1], big, sizeof(big)), (int)sizeof(big));
	lr_reset(lr, p[0]);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_ERROR);
	ck_assert_int_eq(errno, EAGAIN);
	out = transcript_lr(lr, fb);
	ck_assert_str_eq(out, "1:b1|");
	free(out);
	lr_free(lr);
	close(p[0]);
	close(p[1]);
	close(fb);
}
END_TEST

struct feeder {
	int		 fd;		/* The write end of the pipe. */
	int		 rfd;		/* The read end, as the hook sees it. */
	const char *const *chunks;
	int		 next;
	int		 calls;
	uint64_t	 bytes_at_first;
	struct lreader	*lr;
};

/* The before-read hook: write the next chunk, or close at the end. */
static int
feed(void *arg, int fd)
{
	struct feeder *f = arg;

	if (fd != f->rfd)
		ck_abort_msg("hook called with fd %d, want %d", fd, f->rfd);
	if (f->calls++ == 0)
		f->bytes_at_first = lr_bytes(f->lr);
	if (f->chunks[f->next] != NULL) {
		size_t n = strlen(f->chunks[f->next]);

		ck_assert(write(f->fd, f->chunks[f->next], n) == (ssize_t)n);
		f->next++;
	} else if (f->fd != -1) {
		close(f->fd);
		f->fd = -1;
	}
	return 0;
}

/*
 * The hook runs before every read: if it did not, the reader would block
 * on an empty pipe that only the hook fills (and the test would time out).
 */
START_TEST(before_read_hook)
{
	static const char *const chunks[] = { "one\n", "two\nthr", "ee\n",
	    "\n", NULL };
	struct lreader *lr = new_lr(100, 64);
	struct feeder f;
	int	 p[2];
	char	*out;

	ck_assert_int_eq(pipe(p), 0);
	memset(&f, 0, sizeof(f));
	f.fd = p[1];
	f.rfd = p[0];
	f.chunks = chunks;
	f.lr = lr;
	f.bytes_at_first = 12345;
	lr_set_before_read(lr, feed, &f);
	out = transcript_lr(lr, p[0]);
	ck_assert_str_eq(out, "1:one|2:two|3:three|4:|");
	free(out);
	ck_assert_uint_eq(f.bytes_at_first, 0);
	/* One call per chunk, and one before the read that saw the end. */
	ck_assert_int_eq(f.calls, 5);
	ck_assert_int_eq(f.fd, -1);
	lr_free(lr);
	close(p[0]);
}
END_TEST

struct keeper {
	const char	*line[64];	/* Returned since the last read. */
	size_t		 len[64];
	char		 copy[64][32];
	int		 n;
	int		 checks;	/* Lines found intact in the hook. */
};

/* The before-read hook: every line kept must still be in place. */
static int
check_kept(void *arg, int fd)
{
	struct keeper *k = arg;
	int	 i;

	(void)fd;
	for (i = 0; i < k->n; i++) {
		if (memcmp(k->line[i], k->copy[i], k->len[i]) != 0)
			ck_abort_msg("line \"%s\" moved before the hook ran",
			    k->copy[i]);
		k->checks++;
	}
	k->n = 0;
	return 0;
}

static int
refuse(void *arg, int fd)
{
	int	*calls = arg;

	(void)fd;
	(*calls)++;
	return -1;
}

/*
 * A hook that returns -1 makes lr_next() return LR_INTR without reading
 * (with read-ahead, without taking what the thread may have read); the
 * input is then read as usual once the hook lets it.
 */
START_TEST(before_read_refuses)
{
	static const char in[] = "one\ntwo";
	struct lreader *lr = new_lr(100, 64);
	int	 fd = tmpfd(in, sizeof(in) - 1), calls = 0;
	const char *line;
	size_t	 len;

	lr_set_before_read(lr, refuse, &calls);
	lr_reset(lr, fd);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_INTR);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_INTR);
	ck_assert_int_eq(calls, 2);
	ck_assert_uint_eq(lr_bytes(lr), 0);
	ck_assert_uint_eq(lr_lineno(lr), 0);
	if (!readahead)
		ck_assert(lseek(fd, 0, SEEK_CUR) == 0);

	lr_set_before_read(lr, NULL, NULL);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(line, "one", 3), 0);
	/* Refused again in the middle of the input, then finished. */
	lr_set_before_read(lr, refuse, &calls);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_INTR);
	ck_assert_int_eq(calls, 3);
	lr_set_before_read(lr, NULL, NULL);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(line, "two", 3), 0);
	ck_assert_uint_eq(lr_lineno(lr), 2);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_EOF);
	lr_free(lr);
	close(fd);
}
END_TEST

/*
 * lineread.h: the buffer moves only after the hook returns, so every line
 * returned since the last read is still valid inside it.  Tried with every
 * read size from 1 to 31 (_i), so lines straddle reads in every way.
 */
START_TEST(before_read_lines_valid)
{
	static const char in[] = "l1\nline-two\nx\n\nfourth line\r\n5\n"
	    "a longer sixth line\nseven\neight!\nnine";
	struct lreader *lr = new_lr(100, (size_t)_i);
	struct keeper k;
	int	 fd = tmpfd(in, sizeof(in) - 1), lines = 0;
	const char *line;
	size_t	 len;

	memset(&k, 0, sizeof(k));
	lr_set_before_read(lr, check_kept, &k);
	lr_reset(lr, fd);
	while (lr_next(lr, &line, &len) == LR_LINE) {
		ck_assert_int_lt(k.n, 64);
		ck_assert_uint_lt(len, sizeof(k.copy[0]));
		k.line[k.n] = line;
		k.len[k.n] = len;
		memcpy(k.copy[k.n], line, len);
		k.copy[k.n][len] = '\0';
		k.n++;
		lines++;
	}
	ck_assert_int_eq(lines, 10);
	/* All but the last line were checked by a later read. */
	ck_assert_int_ge(k.checks, 9);
	lr_free(lr);
	close(fd);
}
END_TEST

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

/*
 * A read interrupted by a signal gives LR_INTR, and calling again goes on
 * with the partial line kept.  A child keeps signalling the parent until
 * it is killed, so the signal surely arrives while the parent blocks.
 */
START_TEST(interrupted_read)
{
	struct lreader *lr = new_lr(100, 64);
	struct sigaction sa;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	const char *line;
	size_t	 len;
	pid_t	 parent = getpid(), child;
	int	 p[2], status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* No SA_RESTART. */
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "part", 4), 4);
	lr_reset(lr, p[0]);

	if ((child = fork()) == 0) {
		int i;

		for (i = 0; i < 200; i++) {
			nanosleep(&ts, NULL);
			kill(parent, SIGUSR1);
		}
		_exit(0);
	}
	ck_assert_int_ne(child, -1);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_INTR);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	ck_assert(got_signal);

	ck_assert_int_eq(write(p[1], "ial\nnext\n", 9), 9);
	close(p[1]);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(memcmp(line, "partial", 7), 0);
	ck_assert_uint_eq(lr_lineno(lr), 1);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(line, "next", 4), 0);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_EOF);
	ck_assert_uint_eq(lr_bytes(lr), 13);
	lr_free(lr);
	close(p[0]);
}
END_TEST

START_TEST(read_error)
{
	struct lreader *lr = new_lr(100, 64);
	const char *line;
	size_t	 len;
	int	 p[2];

	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	lr_reset(lr, p[0]);		/* A descriptor that is closed. */
	errno = 0;
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_ERROR);
	ck_assert_int_eq(errno, EBADF);
	/* A write-only descriptor. */
	lr_reset(lr, p[1]);
	errno = 0;
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_ERROR);
	ck_assert_int_eq(errno, EBADF);
	close(p[1]);
	/*
	 * A regular file open for writing only: with read-ahead, the
	 * thread's error comes back the same way, and stays.
	 */
	{
		char	 path[256];
		const char *dir = getenv("TMPDIR");
		int	 fd;

		snprintf(path, sizeof(path), "%s/check_lineread.XXXXXX",
		    dir != NULL && *dir != '\0' ? dir : "/tmp");
		ck_assert_int_ne(fd = mkstemp(path), -1);
		ck_assert_int_eq(write(fd, "a\nb\n", 4), 4);
		close(fd);
		ck_assert_int_ne(fd = open(path, O_WRONLY), -1);
		unlink(path);
		lr_reset(lr, fd);
		errno = 0;
		ck_assert_int_eq(lr_next(lr, &line, &len), LR_ERROR);
		ck_assert_int_eq(errno, EBADF);
		errno = 0;
		ck_assert_int_eq(lr_next(lr, &line, &len), LR_ERROR);
		ck_assert_int_eq(errno, EBADF);
		lr_detach(lr);
		close(fd);
	}
	lr_free(lr);
}
END_TEST

START_TEST(too_long)
{
	char	 in[4096];
	size_t	 n, rs;

	assert_lines("short\nseventeen-bytes!!\nafter\n", MAXLINE,
	    "1:short|2:TOOLONG|3:after|");
	assert_lines("exactly16bytes!!\nseventeen-bytes!!\n", MAXLINE,
	    "1:exactly16bytes!!|2:TOOLONG|");
	assert_lines("seventeen-bytes!!\n\n", MAXLINE, "1:TOOLONG|2:|");
	assert_lines("seventeen-bytes!!\r\nok\r\n", MAXLINE,
	    "1:TOOLONG|2:ok|");
	/* Several in a row, and one far longer than the buffer. */
	assert_lines("seventeen-bytes!!\nseventeen-bytes!!\nx\n", MAXLINE,
	    "1:TOOLONG|2:TOOLONG|3:x|");
	n = 0;
	memcpy(in + n, "a\n", 2);
	n += 2;
	memset(in + n, 'q', 3000);
	n += 3000;
	memcpy(in + n, "\nb\n", 3);
	n += 3;
	for (rs = 1; rs <= 64; rs *= 2)
		assert_transcript(in, n, MAXLINE, rs, "1:a|2:TOOLONG|3:b|");
	/* A long line at the end, without newline. */
	assert_lines("a\nseventeen-bytes!!", MAXLINE, "1:a|2:TOOLONG|");
	assert_lines("seventeen-bytes!!", MAXLINE, "1:TOOLONG|");
	assert_transcript(in, 2 + 3000, MAXLINE, 7, "1:a|2:TOOLONG|");
	/* The line just under and at the limit, at the end. */
	assert_lines("a\nexactly16bytes!!", MAXLINE, "1:a|2:exactly16bytes!!|");
	/* With a limit of 0, only empty lines pass. */
	assert_lines("\n", 0, "1:|");
	assert_lines("x\n\n", 0, "1:TOOLONG|2:|");
}
END_TEST

/*
 * The CR of a CRLF does not count against the limit: a line of exactly
 * maxline bytes is returned whichever line end it has, at every read
 * size (this was once reported as LR_TOOLONG).
 */
START_TEST(too_long_crlf_boundary)
{
	static const char in[] = "exactly16bytes!!\r\nseventeen-bytes!!\r\n"
	    "ok\r\nexactly16bytes!!";
	size_t	 rs;

	for (rs = 1; rs <= 32; rs++)
		assert_transcript(in, sizeof(in) - 1, MAXLINE, rs,
		    "1:exactly16bytes!!|2:TOOLONG|3:ok|4:exactly16bytes!!|");
}
END_TEST

/* Lines far larger than the read buffer are returned whole. */
START_TEST(huge_lines)
{
	size_t	 big = 300000, n = 0, rs;
	char	*in = malloc(2 * big + 16);
	const char *line;
	size_t	 len;

	ck_assert_ptr_nonnull(in);
	memset(in, 'h', big);
	n = big;
	in[n++] = '\n';
	memset(in + n, 'i', big);
	n += big;
	memcpy(in + n, "\nend", 4);
	n += 4;
	for (rs = 1000; rs <= 1000000; rs *= 10) {
		struct lreader *lr = new_lr(big, rs);
		int	 fd = tmpfd(in, n);

		lr_reset(lr, fd);
		ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
		ck_assert_uint_eq(len, big);
		ck_assert(line[0] == 'h' && line[big - 1] == 'h');
		ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
		ck_assert_uint_eq(len, big);
		ck_assert(line[0] == 'i' && line[big - 1] == 'i');
		ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
		ck_assert_uint_eq(len, 3);
		ck_assert_int_eq(memcmp(line, "end", 3), 0);
		ck_assert_int_eq(lr_next(lr, &line, &len), LR_EOF);
		ck_assert_uint_eq(lr_lineno(lr), 3);
		ck_assert_uint_eq(lr_bytes(lr), n);
		lr_free(lr);
		close(fd);
	}
	free(in);
}
END_TEST

/* yajl's trick: results must not depend on the read size (_i). */
START_TEST(every_readsize)
{
	assert_transcript(mixed_in, sizeof(mixed_in) - 1, MAXLINE,
	    (size_t)_i, mixed_out);
	assert_transcript(tail_in, sizeof(tail_in) - 1, MAXLINE,
	    (size_t)_i, tail_out);
	assert_transcript("a\n\nb", 4, MAXLINE, (size_t)_i, "1:a|2:|3:b|");
}
END_TEST

START_TEST(large_readsizes)
{
	static const size_t rs[] = { 32, 33, 64, 100, 4096, 65536, 1 << 20 };
	size_t	 i;

	for (i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		assert_transcript(mixed_in, sizeof(mixed_in) - 1, MAXLINE,
		    rs[i], mixed_out);
		assert_transcript(tail_in, sizeof(tail_in) - 1, MAXLINE,
		    rs[i], tail_out);
	}
}
END_TEST

/* From a pipe written one byte at a time, so that reads come up short. */
START_TEST(pipe_byte_by_byte)
{
	struct lreader *lr = new_lr(MAXLINE, 31);
	pid_t	 child;
	int	 p[2], status;
	char	*out;

	ck_assert_int_eq(pipe(p), 0);
	if ((child = fork()) == 0) {
		struct timespec ts = { 0, 100 * 1000 };
		size_t	 i;

		close(p[0]);
		for (i = 0; i < sizeof(mixed_in) - 1; i++) {
			if (write(p[1], mixed_in + i, 1) != 1)
				_exit(1);
			nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	ck_assert_int_ne(child, -1);
	close(p[1]);
	out = transcript_lr(lr, p[0]);
	ck_assert_str_eq(out, mixed_out);
	free(out);
	ck_assert_uint_eq(lr_bytes(lr), sizeof(mixed_in) - 1);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	lr_free(lr);
	close(p[0]);
}
END_TEST

/*
 * A first line shorter than a byte-order mark, on a live pipe, is handed
 * out at once: the reader must not wait for a third byte to rule out a
 * BOM.  The writer keeps the pipe open, so waiting would hang (and the
 * test would fail on Check's timeout).
 */
START_TEST(short_first_line_live)
{
	struct lreader *lr = new_lr(MAXLINE, 4096);
	const char *line;
	size_t	 len;
	int	 p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "1\n", 2), 2);
	lr_reset(lr, p[0]);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(line[0], '1');
	/* A BOM split over two writes is still dropped. */
	ck_assert_int_eq(write(p[1], "\xef\xbb", 2), 2);
	ck_assert_int_eq(write(p[1], "\xbfx\n", 3), 3);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 4);	/* Not at the start: kept. */
	close(p[1]);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_EOF);
	lr_free(lr);
	close(p[0]);
}
END_TEST

/* A BOM arriving a byte at a time at the start is dropped. */
START_TEST(bom_split_live)
{
	struct lreader *lr = new_lr(MAXLINE, 1);
	const char *line;
	size_t	 len;
	int	 p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "\xef\xbb\xbfok\n", 6), 6);
	close(p[1]);
	lr_reset(lr, p[0]);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 2);
	ck_assert(memcmp(line, "ok", 2) == 0);
	lr_free(lr);
	close(p[0]);
}
END_TEST


/* ---- Mapped input -------------------------------------------------- */

/*
 * n lines of lengths 0 to 6999 (a deterministic mix, mostly short), with
 * or without a final newline, into a malloc'd buffer of *lenp bytes.
 */
static char *
many_lines(unsigned n, int final_nl, size_t *lenp)
{
	uint64_t seed = 16;
	size_t	 cap = (size_t)n * 7001 + 1, len = 0, k, i;
	char	*b = malloc(cap);
	unsigned j;

	ck_assert_ptr_nonnull(b);
	for (j = 0; j < n; j++) {
		k = rnd(&seed) % 8 == 0 ? rnd(&seed) % 7000 : rnd(&seed) % 90;
		for (i = 0; i < k; i++)
			b[len++] = (char)('a' + (j + i) % 26);
		if (j + 1 < n || final_nl)
			b[len++] = '\n';
	}
	*lenp = len;
	return b;
}

/*
 * Lines crossing windows (a page or so each) and reads in every way give
 * the transcript that read(2) gives, with and without a final newline,
 * lines over the limit among them.
 */
START_TEST(map_windows)
{
	static const size_t rs[] = { 1, 7, 4096, 5000, 65536, 1 << 20 };
	size_t	 len, i;
	char	*in = many_lines(400, _i, &len), *want, *got;

	readahead = 0;
	want = transcript(in, len, 5000, 65536);
	for (i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		readahead = 2;
		got = transcript(in, len, 5000, rs[i]);
		ck_assert_msg(strcmp(got, want) == 0, "readsize %zu differs",
		    rs[i]);
		free(got);
	}
	readahead = 0;
	free(want);
	free(in);
}
END_TEST

/*
 * The first bytes, read before lr_reset() and given back with lr_push(),
 * are those of the file: the mapping starts under them.  Bytes that the
 * file does not hold (it changed) are kept, and the file is read on.
 */
START_TEST(map_pushed)
{
	static const char in[] = "first line\nsecond\nthird";
	struct lreader *lr = new_lr(100, 4096);
	int	 fd = tmpfd(in, sizeof(in) - 1);
	char	 head[8], *out;

	ck_assert_int_eq(read(fd, head, 8), 8);
	lr_reset(lr, fd);
	lr_push(lr, head, 8);
	out = transcript_lr_cont(lr);
	ck_assert_str_eq(out, "1:first line|2:second|3:third|");
	free(out);
	ck_assert_uint_eq(lr_bytes(lr), sizeof(in) - 1 - 8);
	/* Detached, the descriptor is where read(2) would have left it. */
	lr_detach(lr);
	ck_assert(lseek(fd, 0, SEEK_CUR) == (off_t)sizeof(in) - 1);

	ck_assert(lseek(fd, 8, SEEK_SET) == 8);
	lr_reset(lr, fd);
	lr_push(lr, "FIRST LI", 8);
	out = transcript_lr_cont(lr);
	ck_assert_str_eq(out, "1:FIRST LIne|2:second|3:third|");
	free(out);
	lr_free(lr);
	close(fd);
}
END_TEST

/*
 * The file shrinks under the mapping, past the lines handed out: no
 * SIGBUS; the input ends at the new size, as read(2) would have it.
 */
START_TEST(map_shrink)
{
	char	 in[10000];
	struct lreader *lr = new_lr(200, 1 << 20);
	const char *line;
	size_t	 len, i;
	int	 fd, n = 1;

	for (i = 0; i < sizeof(in); i++)
		in[i] = i % 100 == 99 ? '\n' : (char)('0' + i / 100 % 10);
	fd = tmpfd(in, sizeof(in));
	lr_set_map(lr, 1 << 20);	/* All of it in the first window. */
	lr_reset(lr, fd);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_uint_eq(len, 99);
	ck_assert_int_eq(ftruncate(fd, 5050), 0);
	ck_assert_int_eq(line[0], '0');
	while (lr_next(lr, &line, &len) == LR_LINE) {
		n++;
		if (n <= 50) {
			ck_assert_uint_eq(len, 99);
			ck_assert_int_eq(line[98], '0' + (n - 1) % 10);
		} else {
			/* The part line left at the end. */
			ck_assert_int_eq(n, 51);
			ck_assert_uint_eq(len, 50);
			ck_assert_int_eq(line[49], '0');
		}
	}
	ck_assert_int_eq(n, 51);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_EOF);
	ck_assert_uint_eq(lr_bytes(lr), 5050);
	lr_free(lr);
	close(fd);
}
END_TEST

/*
 * The file shrinks to nothing while a line handed out is still held: the
 * line reads as zeros rather than killing the process, and the input
 * ends.
 */
START_TEST(map_shrink_under_line)
{
	char	 in[20000];
	struct lreader *lr = new_lr(20000, 1 << 20);
	const char *line, *l2;
	size_t	 len, i;
	int	 fd, zeros = 0;

	memset(in, 'x', sizeof(in));
	in[99] = '\n';
	in[sizeof(in) - 1] = '\n';
	fd = tmpfd(in, sizeof(in));
	lr_reset(lr, fd);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_LINE);
	ck_assert_int_eq(lr_next(lr, &l2, &len), LR_LINE);
	ck_assert_uint_eq(len, sizeof(in) - 101);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	for (i = 0; i < len; i++)
		zeros += l2[i] == '\0';
	ck_assert_int_eq(zeros, (int)len);
	ck_assert_int_eq(lr_next(lr, &line, &len), LR_EOF);
	lr_free(lr);
	close(fd);
}
END_TEST

struct grower {
	int	 fd;
	int	 calls;
};

/* The before-read hook: the file grows at its second call. */
static int
grow(void *arg, int fd)
{
	struct grower *g = arg;

	(void)fd;
	if (++g->calls == 2)
		ck_assert_int_eq(pwrite(g->fd, "tail\nmore", 9, 6), 9);
	return 0;
}

/*
 * A file that grows while it is read is read to its new end; the line
 * cut at the old end is whole.
 */
START_TEST(map_grow)
{
	struct lreader *lr = new_lr(100, 4096);
	struct grower g;
	int	 fd = tmpfd("a\nhead", 6);
	char	*out;

	g.fd = fd;
	g.calls = 0;
	lr_set_before_read(lr, grow, &g);
	out = transcript_lr(lr, fd);
	ck_assert_str_eq(out, "1:a|2:headtail|3:more|");
	free(out);
	ck_assert_uint_eq(lr_bytes(lr), 15);
	lr_free(lr);
	close(fd);
}
END_TEST

/* Only one reader maps at a time; a second one reads with read(2). */
START_TEST(map_one_reader)
{
	struct lreader *a = new_lr(100, 4096), *b = new_lr(100, 4096);
	int	 fa = tmpfd("a1\na2\n", 6), fb = tmpfd("b1\nb2\n", 6);
	const char *line;
	size_t	 len;
	char	*out;

	lr_reset(a, fa);
	ck_assert_int_eq(lr_next(a, &line, &len), LR_LINE);
	out = transcript_lr(b, fb);
	ck_assert_str_eq(out, "1:b1|2:b2|");
	free(out);
	ck_assert_int_eq(lr_next(a, &line, &len), LR_LINE);
	ck_assert_int_eq(memcmp(line, "a2", 2), 0);
	ck_assert_int_eq(lr_next(a, &line, &len), LR_EOF);
	lr_free(a);
	lr_free(b);
	close(fa);
	close(fb);
}
END_TEST

/*
 * Every test case runs three times: reading with read(2) as it goes,
 * with regular files read ahead in a thread ("-readahead"), and with
 * regular files mapped ("-mapped"); pipes are read with read(2) every
 * time.  "Mapped" has the cases of the mapped input itself.
 */
Suite *
lineread_suite(void)
{
	static const char *const names[3][2] = {
		{ "Core", "Limits" },
		{ "Core-readahead", "Limits-readahead" },
		{ "Core-mapped", "Limits-mapped" },
	};
	static void (*const setup[3])(void) = {
		readahead_off, readahead_on, mapped_on
	};
	Suite	*s = suite_create("lineread");
	TCase	*tc;
	int	 ra;

	tc = tcase_create("Mapped");
	tcase_add_checked_fixture(tc, mapped_on, readahead_off);
	tcase_add_loop_test(tc, map_windows, 0, 2);
	tcase_add_test(tc, map_pushed);
	tcase_add_test(tc, map_shrink);
	tcase_add_test(tc, map_shrink_under_line);
	tcase_add_test(tc, map_grow);
	tcase_add_test(tc, map_one_reader);
	suite_add_tcase(s, tc);
	for (ra = 0; ra < 3; ra++) {
		tc = tcase_create(names[ra][0]);
		tcase_add_checked_fixture(tc, setup[ra], readahead_off);
		tcase_add_test(tc, line_ends);
		tcase_add_test(tc, last_line_without_newline);
		tcase_add_test(tc, empty_lines);
		tcase_add_test(tc, bom);
		tcase_add_test(tc, bom_any_readsize);
		tcase_add_test(tc, bytes_counted);
		tcase_add_test(tc, reset_two_inputs);
		tcase_add_test(tc, reset_drops_buffered);
		tcase_add_test(tc, reset_while_discarding);
		tcase_add_test(tc, before_read_hook);
		tcase_add_loop_test(tc, before_read_lines_valid, 1, 32);
		tcase_add_test(tc, before_read_refuses);
		tcase_add_test(tc, interrupted_read);
		tcase_add_test(tc, read_error);
		suite_add_tcase(s, tc);

		tc = tcase_create(names[ra][1]);
		tcase_add_checked_fixture(tc, setup[ra], readahead_off);
		tcase_add_test(tc, too_long);
		tcase_add_test(tc, too_long_crlf_boundary);
		tcase_add_test(tc, huge_lines);
		tcase_add_loop_test(tc, every_readsize, 1, 32);
		tcase_add_test(tc, large_readsizes);
		tcase_add_test(tc, pipe_byte_by_byte);
		tcase_add_test(tc, short_first_line_live);
		tcase_add_test(tc, bom_split_live);
		suite_add_tcase(s, tc);
	}
	return s;
}
