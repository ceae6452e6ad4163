/*
 * check_input.c: unit tests of the input module (src/input.h).
 *
 * Each run reads one input (an unlinked temporary file, or a pipe that a
 * child writes) through input_read() with a table of operations that
 * writes a transcript of what it is handed: "L<lineno>:<text>|" per line,
 * "D<address>|" per record of a document (parsed with kvrec's stream
 * reader, so documents are read as kv-match reads them), "B<line>|" per
 * broken document (its message is kept apart), "T<lineno>|" per line
 * over the limit.  Every record of the inputs is a Key Vault event whose
 * caller address 10.0.X.Y names it; the records of every line handed over
 * and of every document are counted by name, so a test can say which
 * records were handled and that none was handled twice.
 *
 * "Forms": NDJSON, a document (array, envelope, pretty-printed object,
 * with a BOM) followed by lines, CRLF, an empty input, a directory.
 * "Recovery": each broken first line ("[", "{", a record cut after
 * "CallerIPAddress":, an envelope's opening line, a line of a million
 * "["), then lines: every later record is handled exactly once, at its
 * line; a cut record in a pretty-printed document; a broken document
 * longer than keep_max resumes after the line of the error and says so.
 * Read sizes: every read size from 1 to 31 bytes, read-ahead on and off, a
 * file and a pipe, give the same transcript; the lines and bytes
 * counters are exact (checked after every run).  "Signals": between()
 * sees a signal raised while a line or a document record is handled, and
 * one that comes while a pipe stalls inside the line of a document's
 * error; between() returning 1 stops at the next read with the lines
 * already read handed over.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "input.h"
#include "jrec.h"
#include "kvrec.h"

#define NREC	1024		/* Records are named 10.0.X.Y, X*256+Y < NREC. */
#define MAXLINE	(2 * 1024 * 1024)

/* What one run was handed. */
struct tr {
	struct input	*in;
	struct kvrec	*dk, *lk;	/* Documents, lines. */
	char		*log;
	size_t		 len, cap;
	char		 why[1024];	/* The last broken message. */
	unsigned	 count[NREC];	/* Handlings of each record. */
	unsigned	 other;		/* Records without a 10.0.X.Y name. */
	unsigned	 nbroken, nbetween, nidle, ndoc;
	unsigned	 sigs;		/* Every signal between() was given. */
	unsigned	 nlines;
	unsigned	 stop_after;	/* between() says stop after this many
					   lines, when not 0. */
	int		 raise_sig;	/* Raised at the 2nd line or record. */
	int		 stop_on_term;	/* between() says stop on SIGTERM. */
};

static void
tr_add(struct tr *t, const char *fmt, ...) __attribute__((format(printf, 2,
    3)));

static void
tr_add(struct tr *t, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->log + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(n, 0);
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = 2 * t->cap + (size_t)n;
		t->log = realloc(t->log, t->cap);
		ck_assert_ptr_nonnull(t->log);
	}
	t->len += (size_t)n;
}

/* Count a record by its name. */
static int
count_rec(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct tr *t = arg;
	char	 a[64];
	unsigned x, y;

	if (st != KVREC_EVENT || ev->addr_len >= sizeof(a)) {
		t->other++;
		return 0;
	}
	memcpy(a, ev->addr_text, ev->addr_len);
	a[ev->addr_len] = '\0';
	if (sscanf(a, "10.0.%u.%u", &x, &y) != 2 || x * 256 + y >= NREC) {
		t->other++;
		return 0;
	}
	t->count[x * 256 + y]++;
	return 0;
}

static int
doc_rec(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct tr *t = arg;

	if (st == KVREC_EVENT)
		tr_add(t, "D%.*s|", (int)ev->addr_len, ev->addr_text);
	else
		tr_add(t, "D?|");
	if (t->raise_sig && ++t->ndoc == 2)
		raise(t->raise_sig);
	return count_rec(arg, st, ev);
}

static int
op_sniff(void *arg, const char *buf, size_t len)
{
	(void)arg;
	return jrec_is_document(buf, len) == 1;
}

static void
op_line(void *arg, const char *line, size_t len)
{
	struct tr *t = arg;

	tr_add(t, "L%llu:%.*s|", (unsigned long long)input_lineno(t->in),
	    (int)(len > 200 ? 200 : len), line);
	(void)kvrec_parse_records(t->lk, line, len, count_rec, t);
	t->nlines++;
	if (t->raise_sig && t->nlines == 2)
		raise(t->raise_sig);
}

static void
op_toolong(void *arg)
{
	struct tr *t = arg;

	tr_add(t, "T%llu|", (unsigned long long)input_lineno(t->in));
}

static void
op_doc_begin(void *arg)
{
	struct tr *t = arg;

	kvrec_stream_begin(t->dk, doc_rec, t);
}

static int
op_doc_feed(void *arg, const char *buf, size_t len)
{
	return kvrec_stream_feed(((struct tr *)arg)->dk, buf, len);
}

static int
op_doc_end(void *arg)
{
	return kvrec_stream_end(((struct tr *)arg)->dk);
}

static uint64_t
op_doc_handled(void *arg)
{
	return kvrec_stream_handled(((struct tr *)arg)->dk);
}

static const char *
op_doc_error(void *arg, uint64_t *off)
{
	struct tr *t = arg;

	*off = kvrec_stream_error_offset(t->dk);
	return kvrec_error(t->dk);
}

static void
op_broken(void *arg, uint64_t line, const char *why)
{
	struct tr *t = arg;

	tr_add(t, "B%llu|", (unsigned long long)line);
	snprintf(t->why, sizeof(t->why), "%s", why);
	t->nbroken++;
}

static void
op_idle(void *arg)
{
	((struct tr *)arg)->nidle++;
}

static int
op_between(void *arg, unsigned sigs)
{
	struct tr *t = arg;

	t->nbetween++;
	t->sigs |= sigs;
	if (t->stop_on_term && (sigs & INPUT_SIG_TERM))
		return 1;
	return t->stop_after != 0 && t->nlines >= t->stop_after;
}

static const struct input_ops ops = {
	op_sniff, op_line, op_toolong, op_doc_begin, op_doc_feed, op_doc_end,
	op_doc_handled, op_doc_error, op_broken, op_idle, op_between
};

/* How an input is given to input_read(). */
/* Regular files read as they come, ahead in a thread, or mapped in the
   smallest windows; pipes. */
enum how { FILE_PLAIN, FILE_AHEAD, FILE_MAP, PIPE };

static struct tr *
tr_new(void)
{
	struct tr *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	t->cap = 4096;
	t->log = malloc(t->cap);
	ck_assert_ptr_nonnull(t->log);
	t->log[0] = '\0';
	t->dk = kvrec_new();
	t->lk = kvrec_new();
	return t;
}

static void
tr_free(struct tr *t)
{
	if (t == NULL)
		return;
	input_free(t->in);
	kvrec_free(t->dk);
	kvrec_free(t->lk);
	free(t->log);
	free(t);
}

/* Write all of buf to fd. */
static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			_exit(3);
		}
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * A readable descriptor holding the len bytes at data: an unlinked
 * temporary file, or the read end of a pipe a child writes (*child).
 */
static int
source(const char *data, size_t len, enum how how, pid_t *child)
{
	char	 path[] = "/tmp/check_input.XXXXXX";
	int	 fd, p[2];

	*child = -1;
	if (how != PIPE) {
		ck_assert_int_ge(fd = mkstemp(path), 0);
		unlink(path);
		write_all(fd, data, len);
		ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
		return fd;
	}
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ne(*child = fork(), -1);
	if (*child == 0) {
		close(p[0]);
		write_all(p[1], data, len);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void
reap(pid_t child)
{
	int	 st;

	if (child == -1)
		return;
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/*
 * Read the len bytes at data with read(2)s of at most read_size bytes and
 * keep_max (0: the default); returns the transcript (tr_free it), after
 * checking the lines and bytes counters.
 */
static struct tr *
run_conf(const char *data, size_t len, enum how how, size_t read_size,
    size_t keep_max, struct tr *t)
{
	struct input_conf conf = { MAXLINE, read_size, how == FILE_AHEAD,
	    keep_max, how == FILE_MAP };
	char	 path[64];
	pid_t	 child;
	int	 fd;
	uint64_t nl = 0;
	size_t	 i;

	if (t == NULL)
		t = tr_new();
	t->in = input_new(&conf, &ops, t);
	fd = source(data, len, how, &child);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	ck_assert_int_eq(input_read(t->in, path), 0);
	close(fd);
	reap(child);
	if (input_stopped(t->in))
		return t;
	/* Every line and byte, each counted once. */
	for (i = 0; i < len; i++)
		if (data[i] == '\n')
			nl++;
	if (len > 0 && data[len - 1] != '\n')
		nl++;
	ck_assert_msg(input_lines(t->in) == nl, "lines %llu, want %llu (%s)",
	    (unsigned long long)input_lines(t->in), (unsigned long long)nl,
	    t->log);
	ck_assert_uint_eq(input_bytes(t->in), len);
	return t;
}

static struct tr *
run(const char *data, size_t len, enum how how, size_t read_size)
{
	return run_conf(data, len, how, read_size, 0, NULL);
}

/* A text that grows. */
struct buf {
	char	*p;
	size_t	 len, cap;
};

static void
b_add(struct buf *b, const char *s, size_t n)
{
	if (b->cap - b->len < n + 1) {
		b->cap = 2 * (b->len + n + 1);
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
b_str(struct buf *b, const char *s)
{
	b_add(b, s, strlen(s));
}

/* Record i as one line of NDJSON, without its newline. */
static const char *
rec(unsigned i)
{
	static char s[256];

	snprintf(s, sizeof(s), "{\"ResourceType\":\"VAULTS\","
	    "\"TimeGenerated\":\"2026-03-01T00:00:%02uZ\","
	    "\"CallerIPAddress\":\"10.0.%u.%u\"}", i % 60, i / 256, i % 256);
	return s;
}

/* Records from..to-1, one a line. */
static void
b_recs(struct buf *b, unsigned from, unsigned to, const char *eol)
{
	unsigned i;

	for (i = from; i < to; i++) {
		b_str(b, rec(i));
		b_str(b, eol);
	}
}

/* Records from..to-1 were each handled once, and no other record. */
static void
assert_once(const struct tr *t, unsigned from, unsigned to)
{
	unsigned i;

	for (i = 0; i < NREC; i++)
		ck_assert_msg(t->count[i] == (i >= from && i < to),
		    "record %u handled %u times: %s", i, t->count[i], t->log);
	ck_assert_uint_eq(t->other, 0);
}

/* Lines a..b-1 were handed over with their numbers, records first+... */
static void
assert_lines(const struct tr *t, unsigned lineno, unsigned from,
    unsigned to)
{
	char	 want[512];
	unsigned i;

	for (i = from; i < to; i++, lineno++) {
		snprintf(want, sizeof(want), "L%u:%s|", lineno, rec(i));
		ck_assert_msg(strstr(t->log, want) != NULL, "%s not in %s",
		    want, t->log);
	}
}

/* ---- Forms ------------------------------------------------------------ */

START_TEST(ndjson)
{
	struct buf b = { 0 };
	struct tr *t;
	enum how how;

	b_recs(&b, 0, 50, "\n");
	b_str(&b, "\n");		/* An empty line: handed too. */
	b_recs(&b, 50, 60, "\n");
	for (how = FILE_PLAIN; how <= PIPE; how++) {
		t = run(b.p, b.len, how, 65536);
		assert_once(t, 0, 60);
		assert_lines(t, 1, 0, 50);
		assert_lines(t, 52, 50, 60);
		ck_assert_ptr_nonnull(strstr(t->log, "|L51:|"));
		ck_assert_uint_eq(t->nbroken, 0);
		ck_assert_uint_eq(t->nlines, 61);
		ck_assert_uint_ge(t->nidle, 1);
		tr_free(t);
	}
	free(b.p);
}
END_TEST

/* Records 0..9 in a document of the given form, then 10..19 as lines. */
static void
doc_then_lines(const char *open, const char *sep, const char *close)
{
	struct buf b = { 0 };
	struct tr *t;
	unsigned i;
	size_t	 rs;

	b_str(&b, open);
	for (i = 0; i < 10; i++) {
		b_str(&b, rec(i));
		if (i < 9)
			b_str(&b, sep);
	}
	b_str(&b, close);
	b_recs(&b, 10, 20, "\n");
	for (rs = 1; rs <= 4096; rs = rs * 3 + 1) {
		t = run(b.p, b.len, rs > 100 ? FILE_AHEAD : PIPE, rs);
		assert_once(t, 0, 20);
		ck_assert_msg(t->nbroken == 0, "%s", t->why);
		for (i = 0; i < 20; i++) {
			char want[64];

			snprintf(want, sizeof(want), "D10.0.%u.%u|", i / 256,
			    i % 256);
			ck_assert_msg(strstr(t->log, want) != NULL,
			    "%s not in %s", want, t->log);
		}
		tr_free(t);
	}
	free(b.p);
}

START_TEST(doc_array)
{
	doc_then_lines("[\n", ",\n", "\n]\n");
}
END_TEST

START_TEST(doc_envelope)
{
	doc_then_lines("{\"records\": [\n  ", ",\n  ", "\n]}\n");
}
END_TEST

START_TEST(doc_envelope_bom_crlf)
{
	doc_then_lines("\xef\xbb\xbf{\"records\": [\r\n", ",\r\n", "]\r\n}\r\n");
}
END_TEST

/* A pretty-printed object over lines, then NDJSON lines. */
START_TEST(doc_pretty_object)
{
	struct buf b = { 0 };
	struct tr *t;

	b_str(&b, "{\n  \"ResourceType\": \"VAULTS\",\n"
	    "  \"TimeGenerated\": \"2026-03-01T00:00:00Z\",\n"
	    "  \"CallerIPAddress\": \"10.0.0.0\"\n}\n");
	b_recs(&b, 1, 10, "\n");
	t = run(b.p, b.len, PIPE, 5);
	assert_once(t, 0, 10);
	ck_assert_uint_eq(t->nbroken, 0);
	ck_assert_uint_eq(t->nlines, 0);
	tr_free(t);
	free(b.p);
}
END_TEST

START_TEST(crlf_bom)
{
	struct buf b = { 0 };
	struct tr *t;
	size_t	 rs;

	b_str(&b, "\xef\xbb\xbf");
	b_recs(&b, 0, 20, "\r\n");
	b_str(&b, rec(20));		/* No line end. */
	for (rs = 1; rs < 40; rs += 3) {
		t = run(b.p, b.len, FILE_PLAIN, rs);
		assert_once(t, 0, 21);
		assert_lines(t, 1, 0, 21);
		ck_assert_ptr_null(strchr(t->log, '\r'));
		ck_assert_ptr_null(strstr(t->log, "\xef\xbb\xbf"));
		tr_free(t);
	}
	free(b.p);
}
END_TEST

START_TEST(empty)
{
	struct tr *t;
	enum how how;

	for (how = FILE_PLAIN; how <= PIPE; how++) {
		t = run("", 0, how, 65536);
		ck_assert_str_eq(t->log, "");
		ck_assert_uint_eq(input_lines(t->in), 0);
		ck_assert_uint_eq(input_bytes(t->in), 0);
		tr_free(t);
	}
}
END_TEST

START_TEST(directory)
{
	struct input_conf conf = { MAXLINE, 65536, 0, 0, 0 };
	struct tr *t = tr_new();

	t->in = input_new(&conf, &ops, t);
	errno = 0;
	ck_assert_int_eq(input_read(t->in, "/tmp"), -1);
	ck_assert_int_eq(errno, EISDIR);
	errno = 0;
	ck_assert_int_eq(input_read(t->in, "/nonexistent/check_input"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(t->log, "");
	ck_assert_uint_eq(input_lines(t->in), 0);
	tr_free(t);
}
END_TEST

/* Two inputs through one reader: the counters add up, lines restart. */
START_TEST(two_inputs)
{
	struct buf a = { 0 }, b = { 0 };
	struct tr *t;
	char	 path[64];
	pid_t	 child;
	int	 fd;

	b_recs(&a, 0, 5, "\n");
	b_str(&b, "[\n");
	b_recs(&b, 5, 10, "\n");
	t = run(a.p, a.len, FILE_PLAIN, 7);
	fd = source(b.p, b.len, PIPE, &child);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	ck_assert_int_eq(input_read(t->in, path), 0);
	close(fd);
	reap(child);
	assert_once(t, 0, 10);
	assert_lines(t, 3, 6, 10);	/* Record 5 went in the document. */
	ck_assert_uint_eq(input_lines(t->in), 5 + 6);
	ck_assert_uint_eq(input_bytes(t->in), a.len + b.len);
	tr_free(t);
	free(a.p);
	free(b.p);
}
END_TEST

/* ---- Recovery --------------------------------------------------------- */

/*
 * The first line, then records 0..n-1 one a line: every record is handled
 * once; those after the last one the document gave come as lines with
 * their numbers; the same with every read size, from a file and a pipe.
 */
static void
broken_first(const char *first, size_t flen, unsigned n, size_t rs_min)
{
	struct buf b = { 0 };
	struct tr *ref, *t;
	char	 why[1024];
	unsigned i, ndoc;
	size_t	 rs;

	b_add(&b, first, flen);
	b_recs(&b, 0, n, "\n");
	ref = run(b.p, b.len, FILE_PLAIN, 65536);
	assert_once(ref, 0, n);
	ck_assert_msg(ref->nbroken == 1, "%s", ref->log);
	ck_assert_msg(strncmp(ref->log, "B1|", 3) == 0 ||
	    strncmp(ref->log, "D", 1) == 0, "%s", ref->log);
	ck_assert_ptr_nonnull(strstr(ref->log, "B1|"));
	/* Records the document gave come first, then lines. */
	for (ndoc = 0; ndoc < n; ndoc++) {
		char want[64];

		snprintf(want, sizeof(want), "D10.0.%u.%u|", ndoc / 256,
		    ndoc % 256);
		if (strstr(ref->log, want) == NULL)
			break;
	}
	ck_assert_uint_le(ndoc, 1);
	assert_lines(ref, 2 + ndoc, ndoc, n);
	ck_assert_uint_eq(ref->nlines, n - ndoc);
	snprintf(why, sizeof(why), "%s", ref->why);
	ck_assert_msg(strstr(why, "reading on as lines from line") != NULL,
	    "%s", why);

	for (i = 0; i < 3; i++)
		for (rs = rs_min; rs <= 31; rs += i ? 3 : 1) {
			t = run(b.p, b.len, i == 2 ? FILE_MAP : i ? PIPE :
			    FILE_PLAIN, rs);
			ck_assert_msg(strcmp(t->log, ref->log) == 0,
			    "read size %zu:\n%s\nwant\n%s", rs, t->log,
			    ref->log);
			ck_assert_msg(strcmp(t->why, why) == 0,
			    "read size %zu: %s, want %s", rs, t->why, why);
			tr_free(t);
		}
	t = run(b.p, b.len, FILE_AHEAD, 4096);
	ck_assert_str_eq(t->log, ref->log);
	tr_free(t);
	tr_free(ref);
	free(b.p);
}

START_TEST(broken_bracket)
{
	broken_first("[\n", 2, 20, 1);
}
END_TEST

START_TEST(broken_brace)
{
	broken_first("{\n", 2, 20, 1);
}
END_TEST

START_TEST(broken_cut_record)
{
	static const char first[] = "{\"ResourceType\":\"VAULTS\","
	    "\"TimeGenerated\":\"2026-03-01T00:00:00Z\",\"CallerIPAddress\":\n";

	broken_first(first, sizeof(first) - 1, 20, 1);
}
END_TEST

START_TEST(broken_envelope)
{
	broken_first("{\"records\":[\n", 13, 20, 1);
	broken_first("{\"records\": [\r\n", 15, 20, 1);
}
END_TEST

START_TEST(broken_bom_bracket)
{
	broken_first("\xef\xbb\xbf[\r\n", 6, 20, 1);
}
END_TEST

/*
 * A million under AddressSanitizer would take minutes: its realloc always
 * copies, and yajl grows its stack of nestings 128 bytes at a time.
 */
#if defined(__SANITIZE_ADDRESS__)
#define BRACKETS	100000
#else
#define BRACKETS	1000000
#endif

START_TEST(broken_million_brackets)
{
	size_t	 n = BRACKETS;
	char	*s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, '[', n);
	s[n] = '\n';
	broken_first(s, n + 1, 5, 31);
	free(s);
}
END_TEST

/* A record cut in a pretty-printed document costs only its own lines. */
START_TEST(broken_mid_document)
{
	struct buf b = { 0 };
	struct tr *ref, *t;
	size_t	 rs;

	b_str(&b, "[\n");
	b_recs(&b, 0, 3, ",\n");
	b_str(&b, "{\n  \"ResourceType\": \"VAULTS\",\n"
	    "  \"CallerIPAddress\":\n");		/* Lines 5-7. */
	b_recs(&b, 3, 10, "\n");		/* Lines 8-14. */
	ref = run(b.p, b.len, FILE_PLAIN, 65536);
	assert_once(ref, 0, 10);
	ck_assert_uint_eq(ref->nbroken, 1);
	/* The document gave 0..2 and the cut record swallowed record 3. */
	ck_assert_msg(strncmp(ref->log, "D10.0.0.0|D10.0.0.1|D10.0.0.2|B1|",
	    33) == 0, "%s", ref->log);
	assert_lines(ref, 8, 3, 10);
	for (rs = 1; rs <= 31; rs++) {
		t = run(b.p, b.len, rs % 3 == 2 ? FILE_MAP : rs % 3 ? PIPE :
		    FILE_PLAIN, rs);
		ck_assert_str_eq(t->log, ref->log);
		tr_free(t);
	}
	tr_free(ref);
	free(b.p);
}
END_TEST

/*
 * A broken record longer than keep_max: reading goes on after the line
 * of the error, and the message says so.
 */
START_TEST(broken_past_keep)
{
	struct buf b = { 0 };
	struct tr *t;
	size_t	 rs;
	unsigned i;

	b_str(&b, "[\n");				/* Line 1. */
	b_str(&b, "{\"ResourceType\": \"VAULTS\",\n");	/* 2 */
	for (i = 0; i < 8; i++)				/* 3-10 */
		b_str(&b, "  \"padding\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\n");
	b_str(&b, "  \"CallerIPAddress\": oops\n");	/* 11: the error. */
	b_recs(&b, 0, 10, "\n");			/* 12-21. */
	for (rs = 1; rs <= 64; rs += rs < 31 ? 1 : 33) {
		t = run_conf(b.p, b.len, rs % 3 == 2 ? FILE_MAP : rs % 3 ?
		    FILE_PLAIN : PIPE, rs, 64, NULL);
		assert_once(t, 0, 10);
		assert_lines(t, 12, 0, 10);
		ck_assert_uint_eq(t->nlines, 10);
		ck_assert_msg(strncmp(t->log, "B1|", 3) == 0, "%s", t->log);
		ck_assert_msg(strstr(t->why, "at line 11;") != NULL &&
		    strstr(t->why, "too long to read again") != NULL &&
		    strstr(t->why, "after line 11") != NULL,
		    "read size %zu: %s", rs, t->why);
		tr_free(t);
	}
	/* Within the bound, the record's lines are read again instead. */
	t = run_conf(b.p, b.len, FILE_PLAIN, 7, 4096, NULL);
	assert_once(t, 0, 10);
	ck_assert_msg(strstr(t->why, "reading on as lines from line 2") !=
	    NULL, "%s", t->why);
	ck_assert_ptr_nonnull(strstr(t->log, "L11:  \"CallerIPAddress\": "
	    "oops|"));
	tr_free(t);
	free(b.p);
}
END_TEST

/*
 * A broken document with the error on its last line, cut off by the end
 * of the input in the middle of that line: nothing is handed twice, and
 * the lines are all counted.
 */
START_TEST(broken_at_end)
{
	static const char *const ins[] = {
		"[\n{\"ResourceType\":\"VAULTS\"",
		"{\n",
		"[",
		"{\"records\":[{\"a\":1},\n{\"a\":\n",
		"[\n{\"x\":1} {\"y\":2}\n",
	};
	struct tr *t;
	size_t	 i, rs;

	for (i = 0; i < sizeof(ins) / sizeof(ins[0]); i++)
		for (rs = 1; rs <= 31; rs += 5) {
			t = run(ins[i], strlen(ins[i]), PIPE, rs);
			ck_assert_msg(t->nbroken == 1, "%s: %s", ins[i],
			    t->log);
			tr_free(t);
		}
}
END_TEST

/* ---- Signals ---------------------------------------------------------- */

/* Catch the signals in a clean state; put it back at the end. */
static sigset_t saved_mask;

static void
sig_setup(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_UNBLOCK, &s, &saved_mask);
}

static void
sig_teardown(void)
{
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

static struct tr *
run_catching(const char *data, size_t len, enum how how, size_t rs,
    struct tr *t)
{
	struct input_conf conf = { MAXLINE, rs, how == FILE_AHEAD, 0,
	    how == FILE_MAP };
	char	 path[64];
	pid_t	 child;
	int	 fd;
	sigset_t s;

	/* input_catch_signals() is once per process: undo the last one. */
	sigemptyset(&s);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	t->in = input_new(&conf, &ops, t);
	input_catch_signals(t->in);
	fd = source(data, len, how, &child);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	ck_assert_int_eq(input_read(t->in, path), 0);
	close(fd);
	reap(child);
	return t;
}

/* A signal raised while a line is handled comes to between(). */
START_TEST(signal_lines)
{
	struct buf b = { 0 };
	struct tr *t = tr_new();

	b_recs(&b, 0, 20, "\n");
	t->raise_sig = SIGUSR1;
	run_catching(b.p, b.len, PIPE, 64, t);
	ck_assert_uint_eq(t->sigs, INPUT_SIG_USR1);
	assert_once(t, 0, 20);
	ck_assert(!input_stopped(t->in));
	tr_free(t);
	free(b.p);
}
END_TEST

/*
 * A regular file is read with the signals let in (no pselect(2)): a
 * signal raised while a line is handled still comes to between(), and
 * SIGTERM stops the reading, on every way of reading a file; afterwards
 * the signals are blocked again.
 */
START_TEST(signal_regular_files)
{
	struct buf b = { 0 };
	struct tr *t;
	enum how how;
	sigset_t now;

	b_recs(&b, 0, 400, "\n");
	for (how = FILE_PLAIN; how <= FILE_MAP; how++) {
		t = tr_new();
		t->raise_sig = SIGUSR1;
		run_catching(b.p, b.len, how, 64, t);
		ck_assert_uint_eq(t->sigs, INPUT_SIG_USR1);
		assert_once(t, 0, 400);
		ck_assert(!input_stopped(t->in));
		sigprocmask(SIG_SETMASK, NULL, &now);
		ck_assert(sigismember(&now, SIGTERM));
		ck_assert(sigismember(&now, SIGUSR1));
		tr_free(t);

		t = tr_new();
		t->raise_sig = SIGTERM;
		t->stop_on_term = 1;
		run_catching(b.p, b.len, how, 64, t);
		ck_assert_uint_eq(t->sigs, INPUT_SIG_TERM);
		ck_assert(input_stopped(t->in));
		ck_assert_uint_lt(t->nlines, 400);
		tr_free(t);
	}
	free(b.p);
}
END_TEST

/* The same with a document open: SIGHUP, then SIGTERM stops it. */
START_TEST(signal_document)
{
	struct buf b = { 0 };
	struct tr *t = tr_new();

	b_str(&b, "[\n");
	b_recs(&b, 0, 19, ",\n");
	b_str(&b, rec(19));
	b_str(&b, "]\n");
	t->raise_sig = SIGHUP;
	run_catching(b.p, b.len, PIPE, 64, t);
	ck_assert_uint_eq(t->sigs, INPUT_SIG_HUP);
	assert_once(t, 0, 20);

	t->raise_sig = SIGTERM;
	t->ndoc = 0;
	t->sigs = 0;
	memset(t->count, 0, sizeof(t->count));
	input_free(t->in);
	t->in = NULL;
	run_catching(b.p, b.len, FILE_PLAIN, 64, t);
	ck_assert_uint_eq(t->sigs, INPUT_SIG_TERM);
	tr_free(t);
	free(b.p);
}
END_TEST

/*
 * A signal comes while the rest of the line of a document's error is
 * being passed over (the document was too long to read again) and the
 * pipe stalls there: it is delivered, and reading stops.
 */
START_TEST(signal_stalled_error_line)
{
	static const char head[] = "[\n{\"ResourceType\": \"VAULTS\", "
	    "\"CallerIPAddress\": oops, \"more\": \"";
	struct input_conf conf = { MAXLINE, 64, 0, 8, 0 };
	struct tr *t = tr_new();
	char	 path[64], c;
	pid_t	 child;
	int	 p[2], ctl[2], st;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pipe(ctl), 0);
	ck_assert_int_ne(child = fork(), -1);
	if (child == 0) {
		close(p[0]);
		close(ctl[1]);
		write_all(p[1], head, sizeof(head) - 1);
		nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
		kill(getppid(), SIGTERM);
		/* Stall until the reader is done. */
		(void)read(ctl[0], &c, 1);
		_exit(0);
	}
	close(p[1]);
	close(ctl[0]);
	t->stop_on_term = 1;
	t->in = input_new(&conf, &ops, t);
	input_catch_signals(t->in);
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	ck_assert_int_eq(input_read(t->in, path), 0);
	ck_assert(input_stopped(t->in));
	ck_assert_uint_eq(t->sigs & INPUT_SIG_TERM, INPUT_SIG_TERM);
	close(ctl[1]);
	close(p[0]);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	tr_free(t);
}
END_TEST

/*
 * between() returning 1 stops reading at the next read: the lines in the
 * bytes read so far are handed over, and no other.
 */
START_TEST(between_stops)
{
	struct buf b = { 0 };
	struct tr *t;
	enum how how;
	unsigned full, i;
	size_t	 rs;

	b_recs(&b, 0, 40, "\n");
	for (how = FILE_PLAIN; how <= PIPE; how++)
		for (rs = 1; rs <= 400; rs = rs * 2 + 3) {
			t = tr_new();
			t->stop_after = 3;
			run_catching(b.p, b.len, how, rs, t);
			ck_assert(input_stopped(t->in));
			ck_assert_uint_lt(input_bytes(t->in), b.len);
			/* The lines complete in the bytes read. */
			for (i = 0, full = 0; i < input_bytes(t->in); i++)
				if (b.p[i] == '\n')
					full++;
			ck_assert_uint_eq(t->nlines, full);
			ck_assert_uint_ge(t->nlines, 3);
			assert_once(t, 0, full);
			tr_free(t);
		}
	free(b.p);
}
END_TEST

Suite *
input_suite(void)
{
	Suite	*s = suite_create("input");
	TCase	*tc;

	tc = tcase_create("Forms");
	tcase_add_test(tc, ndjson);
	tcase_add_test(tc, doc_array);
	tcase_add_test(tc, doc_envelope);
	tcase_add_test(tc, doc_envelope_bom_crlf);
	tcase_add_test(tc, doc_pretty_object);
	tcase_add_test(tc, crlf_bom);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, directory);
	tcase_add_test(tc, two_inputs);
	suite_add_tcase(s, tc);

	tc = tcase_create("Recovery");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, broken_bracket);
	tcase_add_test(tc, broken_brace);
	tcase_add_test(tc, broken_cut_record);
	tcase_add_test(tc, broken_envelope);
	tcase_add_test(tc, broken_bom_bracket);
	tcase_add_test(tc, broken_million_brackets);
	tcase_add_test(tc, broken_mid_document);
	tcase_add_test(tc, broken_past_keep);
	tcase_add_test(tc, broken_at_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("Signals");
	tcase_add_checked_fixture(tc, sig_setup, sig_teardown);
	tcase_add_test(tc, signal_lines);
	tcase_add_test(tc, signal_regular_files);
	tcase_add_test(tc, signal_document);
	tcase_add_test(tc, signal_stalled_error_line);
	tcase_add_test(tc, between_stops);
	suite_add_tcase(s, tc);
	return s;
}
