/*
 * state.c: saving and loading the dedup table of kv-match --state.  The
 * file format, and what a reader accepts, are defined in state.h.
 *
 * Saving streams the keys from dedup_foreach through a buffer into a
 * temporary file, checksumming as it goes.  Loading reads the file line
 * by line (lines are bounded, so is the buffer), parses each line with
 * jrec, and stages the alert times in memory, one (key, time) pair
 * each, until the trailer has been checked: only a file found whole and
 * intact reaches the table.  A file of major 1 is converted as it is
 * read: its key's one time is the key's only alert time.  The staging
 * is bounded by max_times: past it, a min-heap on time keeps the newest.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "afile.h"
#include "crc32c.h"
#include "jrec.h"
#include "ktime.h"
#include "state.h"
#include "utf8.h"
#include "version.h"
#include "xalloc.h"

#define WBUF_SIZE	(64 * 1024)	/* Write buffer. */
#define RBUF_READ	(64 * 1024)	/* Bytes asked of each read(2). */
#define SET_ASIDE_MAX	999		/* Last N of PATH.bad.N. */

/* ---- Writing ---------------------------------------------------------- */

struct writer {
	int		 fd;
	char		*buf;		/* WBUF_SIZE bytes. */
	size_t		 len;
	uint32_t	 crc;		/* Of every byte put so far. */
	uint64_t	 keys;		/* Key lines written. */
	int		 err;		/* errno of the first failure, or 0. */
};

static void
wflush(struct writer *w)
{
	if (w->err == 0 && w->len > 0 && afile_write_all(w->fd, w->buf, w->len) == -1)
		w->err = errno;
	w->len = 0;
}

/* Append n bytes (n at most WBUF_SIZE) to the file and the checksum. */
static void
wput(struct writer *w, const char *s, size_t n)
{
	if (w->err != 0)
		return;
	if (w->len + n > WBUF_SIZE)
		wflush(w);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->crc = crc32c(w->crc, s, n);
}

static void
wstr(struct writer *w, const char *s)
{
	wput(w, s, strlen(s));
}

/* Return 1 when the id may be written as a JSON string (state.h). */
static int
id_is_text(const char *id, size_t idlen)
{
	char	*buf;
	size_t	 i, n;
	int	 ok;

	for (i = 0; i < idlen; i++)
		if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
			return 0;
	/* Valid UTF-8 is exactly what utf8_sanitize leaves alone. */
	buf = xmalloc(3 * idlen + 1);
	n = utf8_sanitize(buf, id, idlen);
	ok = n == idlen && memcmp(buf, id, idlen) == 0;
	free(buf);
	return ok;
}

/* Write one key line: the key and the n times at ts. */
static void
key_chunk(struct writer *w, const char *id, size_t idlen,
    const struct addr *a, const int64_t *ts, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char	 abuf[ADDR_STRLEN], tbuf[KTIME_STRLEN];
	char	 out[2 * STATE_ID_MAX];
	size_t	 i, o = 0;

	if (id_is_text(id, idlen)) {
		wstr(w, "{\"IndicatorId\":\"");
		for (i = 0; i < idlen; i++) {
			if (id[i] == '"' || id[i] == '\\')
				out[o++] = '\\';
			out[o++] = id[i];
		}
	} else {
		wstr(w, "{\"IndicatorIdHex\":\"");
		for (i = 0; i < idlen; i++) {
			out[o++] = hex[(unsigned char)id[i] >> 4];
			out[o++] = hex[(unsigned char)id[i] & 15];
		}
	}
	wput(w, out, o);
	wstr(w, "\",\"Address\":\"");
	wstr(w, addr_format(a, abuf));
	wstr(w, "\",\"Times\":[");
	for (i = 0; i < n; i++) {
		wstr(w, i ? ",\"" : "\"");
		wstr(w, ktime_format(ts[i], tbuf));
		wstr(w, "\"");
	}
	wstr(w, "]}\n");
	w->keys++;
}

/* Write a key, STATE_TIMES_PER_LINE times a line. */
static void
key_lines(void *arg, const char *id, size_t idlen, const struct addr *a,
    const int64_t *ts, size_t nt)
{
	struct writer *w = arg;
	size_t	 i, n;

	if (w->err != 0 || idlen > STATE_ID_MAX)
		return;
	for (i = 0; i < nt; i += n) {
		n = nt - i < STATE_TIMES_PER_LINE ? nt - i :
		    STATE_TIMES_PER_LINE;
		key_chunk(w, id, idlen, a, ts + i, n);
	}
}

/* Write the whole file to fd; 0, or -1 with errno. */
static int
write_state(int fd, const struct dedup *d, int64_t window, int64_t max_delay,
    int64_t saved)
{
	struct writer w;
	char	 line[256], tbuf[KTIME_STRLEN];
	uint32_t crc;

	memset(&w, 0, sizeof(w));
	w.fd = fd;
	w.buf = xmalloc(WBUF_SIZE);
	snprintf(line, sizeof(line), "{\"format\":\"%s\",\"major\":%d,"
	    "\"minor\":%d,\"saved\":\"%s\",\"window_ticks\":%lld,"
	    "\"max_delay_ticks\":%lld,\"writer\":\"kv-match %s\"}\n",
	    STATE_FORMAT, STATE_MAJOR, STATE_MINOR, ktime_format(saved, tbuf),
	    (long long)(window > 0 ? window : 0),
	    (long long)(max_delay > 0 ? max_delay : 0), VERSION);
	wstr(&w, line);
	dedup_foreach(d, key_lines, &w);
	crc = w.crc;
	snprintf(line, sizeof(line), "{\"end\":true,\"keys\":%llu,"
	    "\"crc32c\":\"%08x\"}\n", (unsigned long long)w.keys,
	    (unsigned)crc);
	wstr(&w, line);
	wflush(&w);
	free(w.buf);
	if (w.err != 0) {
		errno = w.err;
		return -1;
	}
	return 0;
}

/* What afile_replace() fills the file with. */
struct save {
	const struct dedup *d;
	int64_t		 window, max_delay, saved;
};

static int
fill_state(void *arg, int fd)
{
	const struct save *sv = arg;

	return write_state(fd, sv->d, sv->window, sv->max_delay, sv->saved);
}

enum state_status
state_save(const struct dedup *d, const char *path, int64_t window,
    int64_t max_delay, int64_t saved)
{
	struct save sv = { d, window, max_delay, saved };

	return afile_replace(path, ".kv-match-state", 0600, fill_state,
	    &sv) == 0 ? STATE_OK : STATE_IO;
}

/* ---- Reading ---------------------------------------------------------- */

/* The members read, in the order of fields[]. */
enum {
	F_FORMAT, F_MAJOR, F_MINOR, F_SAVED, F_WINDOW, F_MAXDELAY,
	F_ID, F_IDHEX, F_ADDRESS, F_TIME, F_TIMES,
	F_END, F_KEYS, F_CRC,
	NFIELDS
};

static const struct jfield fields[NFIELDS] = {
	[F_FORMAT] = { .path = { "format" } },
	[F_MAJOR] = { .path = { "major" } },
	[F_MINOR] = { .path = { "minor" } },
	[F_SAVED] = { .path = { "saved" } },
	[F_WINDOW] = { .path = { "window_ticks" } },
	[F_MAXDELAY] = { .path = { "max_delay_ticks" } },
	[F_ID] = { .path = { "IndicatorId" } },
	[F_IDHEX] = { .path = { "IndicatorIdHex" } },
	[F_ADDRESS] = { .path = { "Address" } },
	[F_TIME] = { .path = { "Time" } },
	[F_TIMES] = { .path = { "Times" }, .flags = JF_LIST },
	[F_END] = { .path = { "end" } },
	[F_KEYS] = { .path = { "keys" } },
	[F_CRC] = { .path = { "crc32c" } }
};

/* A key staged until the whole file has been checked. */
struct skey {
	int64_t		 t;
	struct addr	 a;
	size_t		 idlen;
	char		*id;		/* Own copy, idlen bytes. */
};

struct loader {
	int		 fd;
	char		*buf;		/* STATE_LINE_MAX + 1 + RBUF_READ. */
	size_t		 cap, start, end;
	int		 eof;
	uint64_t	 lineno;
	struct jrec	*jr;
	struct skey	*keys;		/* A min-heap on t once full. */
	size_t		 nkeys, kcap, maxkeys;
	struct state_info *info;
};

enum rd {
	RD_LINE,		/* A line, without its newline. */
	RD_EOF,			/* The end, after a newline. */
	RD_ERROR,		/* read(2) failed. */
	RD_TOOLONG,		/* A line over STATE_LINE_MAX. */
	RD_UNENDED		/* The last line has no newline. */
};

static enum rd
next_line(struct loader *l, const char **line, size_t *len)
{
	char	*nl;
	ssize_t	 n;

	for (;;) {
		nl = memchr(l->buf + l->start, '\n', l->end - l->start);
		if (nl != NULL) {
			*line = l->buf + l->start;
			*len = (size_t)(nl - *line);
			l->start += *len + 1;
			l->lineno++;
			return *len > STATE_LINE_MAX ? RD_TOOLONG : RD_LINE;
		}
		if (l->end - l->start > STATE_LINE_MAX) {
			l->lineno++;
			return RD_TOOLONG;
		}
		if (l->eof) {
			if (l->start == l->end)
				return RD_EOF;
			l->lineno++;
			return RD_UNENDED;
		}
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
		/* The part line is at most STATE_LINE_MAX: there is room. */
		n = read(l->fd, l->buf + l->end, l->cap - l->end);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return RD_ERROR;
		}
		if (n == 0)
			l->eof = 1;
		l->end += (size_t)n;
	}
}

/* Read a JSON number that is a plain decimal integer up to max. */
static int
get_uint(const struct jval *v, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;
	size_t	 i;

	if (v->type != JV_NUMBER || v->len == 0 || v->len > 20)
		return -1;
	for (i = 0; i < v->len; i++) {
		unsigned dg = (unsigned char)v->s[i] - '0';

		if (dg > 9 || x > (max - dg) / 10)
			return -1;
		x = x * 10 + dg;
	}
	*out = x;
	return 0;
}

static int
get_time(const struct jval *v, int64_t *t)
{
	return v->type == JV_STRING ? ktime_parse(v->s, v->len, t) : -1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
heap_down(struct skey *h, size_t n, size_t i)
{
	struct skey tmp;
	size_t	 c;

	for (; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && h[c + 1].t < h[c].t)
			c++;
		if (h[i].t <= h[c].t)
			break;
		tmp = h[i];
		h[i] = h[c];
		h[c] = tmp;
	}
}

static void
set_key(struct skey *k, const char *id, size_t idlen, const struct addr *a,
    int64_t t)
{
	k->t = t;
	k->a = *a;
	k->idlen = idlen;
	k->id = xmalloc(idlen ? idlen : 1);
	memcpy(k->id, id, idlen);
}

/*
 * Stage an alert time of a key.  While fewer than maxkeys are held it is
 * appended (the array grows with the file, not to max_keys at once).
 * Once maxkeys are held the array is a min-heap on time, and a time newer
 * than the oldest held replaces it; either way one is dropped.
 */
static void
stage(struct loader *l, const char *id, size_t idlen, const struct addr *a,
    int64_t t)
{
	size_t	 i;

	if (l->nkeys == l->maxkeys) {
		l->info->dropped++;
		if (t <= l->keys[0].t)
			return;
		free(l->keys[0].id);
		set_key(&l->keys[0], id, idlen, a, t);
		heap_down(l->keys, l->nkeys, 0);
		return;
	}
	if (l->nkeys == l->kcap) {
		l->kcap = l->kcap ? 2 * l->kcap : 64;
		if (l->kcap > l->maxkeys)
			l->kcap = l->maxkeys;
		l->keys = xreallocarray(l->keys, l->kcap, sizeof(*l->keys));
	}
	set_key(&l->keys[l->nkeys++], id, idlen, a, t);
	if (l->nkeys == l->maxkeys)
		for (i = l->nkeys / 2; i-- > 0; )
			heap_down(l->keys, l->nkeys, i);
}

/*
 * Check and stage the times of a 2.x key line, a JSON array of at least
 * one time and only times (jrec joins its strings with newlines, and
 * the raw text tells whether it held anything else).
 */
static const char *
key_times(struct loader *l, const char *id, size_t idlen,
    const struct addr *a)
{
	const struct jval *v = jrec_get(l->jr, F_TIMES);
	const char *p, *e, *nl;
	int64_t	 t[STATE_TIMES_PER_LINE];
	size_t	 n = 0, i;

	if (v->type != JV_STRING || v->len == 0)
		return "bad Times";
	for (p = v->s, e = v->s + v->len; p <= e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (n == STATE_TIMES_PER_LINE)
			return "too many Times";
		if (ktime_parse(p, (size_t)(nl - p), &t[n]) == -1)
			return "bad Times";
		n++;
	}
	l->info->keys++;
	for (i = 0; i < n; i++)
		stage(l, id, idlen, a, t[i]);
	return NULL;
}

/* Check and stage one key line; NULL, or the reason it is refused. */
static const char *
key(struct loader *l)
{
	const struct jval *id = jrec_get(l->jr, F_ID);
	const struct jval *hex = jrec_get(l->jr, F_IDHEX);
	const struct jval *av = jrec_get(l->jr, F_ADDRESS);
	char	 buf[STATE_ID_MAX];
	const char *p;
	struct addr a;
	int64_t	 t;
	size_t	 n, i;

	if (id->type != JV_ABSENT && hex->type != JV_ABSENT)
		return "key with two ids";
	if (id->type == JV_STRING) {
		if (id->len > STATE_ID_MAX)
			return "IndicatorId too long";
		p = id->s;
		n = id->len;
	} else if (hex->type == JV_STRING) {
		if (hex->len % 2 != 0)
			return "bad IndicatorIdHex";
		if (hex->len / 2 > STATE_ID_MAX)
			return "IndicatorId too long";
		for (i = 0; i < hex->len; i += 2) {
			int hi = hexval((unsigned char)hex->s[i]);
			int lo = hexval((unsigned char)hex->s[i + 1]);

			if (hi < 0 || lo < 0)
				return "bad IndicatorIdHex";
			buf[i / 2] = (char)(hi << 4 | lo);
		}
		p = buf;
		n = hex->len / 2;
	} else
		return "key without IndicatorId";
	if (av->type != JV_STRING || addr_parse(av->s, av->len, &a) == -1)
		return "bad Address";
	if (l->info->major == 1) {
		/* 1.x: the key's last alert time alone. */
		if (get_time(jrec_get(l->jr, F_TIME), &t) == -1)
			return "bad Time";
		l->info->keys++;
		stage(l, p, n, &a, t);
		return NULL;
	}
	return key_times(l, p, n, &a);
}

/* Check the header (line 1); NULL, or the reason it is refused. */
static const char *
header(struct loader *l, const char *line, size_t len)
{
	const struct jval *v;
	uint64_t x;

	if (jrec_parse(l->jr, line, len) != JREC_OK)
		return "not a state file";
	v = jrec_get(l->jr, F_FORMAT);
	if (v->type != JV_STRING || v->len != strlen(STATE_FORMAT) ||
	    memcmp(v->s, STATE_FORMAT, v->len) != 0)
		return "not a state file";
	if (get_uint(jrec_get(l->jr, F_MAJOR), UINT_MAX, &x) == -1)
		return "bad version";
	l->info->major = (unsigned)x;
	if (x != STATE_MAJOR && x != 1)
		return "unsupported version";
	if (get_uint(jrec_get(l->jr, F_MINOR), UINT_MAX, &x) == -1)
		return "bad version";
	l->info->minor = (unsigned)x;
	if (get_time(jrec_get(l->jr, F_SAVED), &l->info->saved) == -1)
		return "bad saved time";
	if (get_uint(jrec_get(l->jr, F_WINDOW), INT64_MAX, &x) == -1)
		return "bad window";
	l->info->window = (int64_t)x;
	if (l->info->major == 1)
		return NULL;
	if (get_uint(jrec_get(l->jr, F_MAXDELAY), INT64_MAX, &x) == -1)
		return "bad max_delay";
	l->info->max_delay = (int64_t)x;
	return NULL;
}

/* Check the trailer; NULL, or the reason it is refused. */
static const char *
trailer(struct loader *l, uint32_t crc)
{
	const struct jval *v = jrec_get(l->jr, F_CRC);
	uint32_t want = 0;
	uint64_t x;
	size_t	 i;

	if (get_uint(jrec_get(l->jr, F_KEYS), UINT64_MAX, &x) == -1)
		return "bad trailer";
	if (v->type != JV_STRING || v->len != 8)
		return "bad trailer";
	for (i = 0; i < 8; i++) {
		int h = hexval((unsigned char)v->s[i]);

		if (h < 0)
			return "bad trailer";
		want = want << 4 | (uint32_t)h;
	}
	if (x != l->info->keys)
		return "key count mismatch";
	if (want != crc)
		return "checksum mismatch";
	return NULL;
}

/*
 * Why next_line() failed with r (RD_ERROR, RD_TOOLONG or RD_UNENDED);
 * *st becomes STATE_IO for a read error.
 */
static const char *
read_failure(enum rd r, enum state_status *st)
{
	switch (r) {
	case RD_ERROR:
		*st = STATE_IO;
		return "read error";
	case RD_TOOLONG:
		return "line too long";
	default:
		return "truncated";
	}
}

/* Read the whole file; NULL when it is good, or why it is not. */
static const char *
read_state(struct loader *l, enum state_status *st)
{
	const struct jval *end;
	const char *line, *why;
	size_t	 len;
	uint32_t crc = 0;
	enum rd	 r;

	*st = STATE_DAMAGED;
	if ((r = next_line(l, &line, &len)) == RD_EOF)
		return "empty file";
	if (r != RD_LINE)
		return read_failure(r, st);
	if ((why = header(l, line, len)) != NULL)
		return why;
	crc = crc32c(crc, line, len + 1);
	for (;;) {
		if ((r = next_line(l, &line, &len)) == RD_EOF) {
			l->lineno = 0;
			return "no trailer (truncated)";
		}
		if (r != RD_LINE)
			return read_failure(r, st);
		switch (jrec_parse(l->jr, line, len)) {
		case JREC_OK:
			break;
		case JREC_EMPTY:
			return "empty line";
		default:
			return "not a JSON object";
		}
		end = jrec_get(l->jr, F_END);
		if (end->type == JV_BOOL && end->b)
			break;
		if ((why = key(l)) != NULL)
			return why;
		crc = crc32c(crc, line, len + 1);
	}
	if ((why = trailer(l, crc)) != NULL)
		return why;
	switch (next_line(l, &line, &len)) {
	case RD_EOF:
		break;
	case RD_ERROR:
		*st = STATE_IO;
		return "read error";
	default:
		return "data after the trailer";
	}
	*st = STATE_OK;
	return NULL;
}

enum state_status
state_load(struct dedup *d, const char *path, size_t max_keys,
    struct state_info *info)
{
	struct state_info dummy;
	struct loader l;
	struct stat sb;
	enum state_status st;
	const char *why;
	size_t	 i;
	int	 saved_errno;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	info->saved = KTIME_NONE;
	memset(&l, 0, sizeof(l));
	l.info = info;
	if ((l.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return errno == ENOENT ? STATE_MISSING : STATE_IO;
	if (fstat(l.fd, &sb) == -1) {
		saved_errno = errno;
		close(l.fd);
		errno = saved_errno;
		return STATE_IO;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(l.fd);
		errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
		return STATE_IO;
	}
	l.maxkeys = max_keys ? max_keys : 1;
	l.cap = STATE_LINE_MAX + 1 + RBUF_READ;
	l.buf = xmalloc(l.cap);
	l.jr = jrec_new(fields, NFIELDS);
	why = read_state(&l, &st);
	saved_errno = errno;
	if (st == STATE_OK) {
		for (i = 0; i < l.nkeys; i++)
			dedup_restore(d, l.keys[i].id, l.keys[i].idlen,
			    &l.keys[i].a, l.keys[i].t);
		info->restored = l.nkeys;
	} else if (st == STATE_DAMAGED) {
		info->line = l.lineno;
		info->reason = why;
	}
	for (i = 0; i < l.nkeys; i++)
		free(l.keys[i].id);
	free(l.keys);
	jrec_free(l.jr);
	free(l.buf);
	close(l.fd);
	errno = saved_errno;
	return st;
}

/* ---- Setting aside ---------------------------------------------------- */

/*
 * Give path the name newpath unless newpath exists: link(2) fails with
 * EEXIST rather than replace a file.  Where hard links are not supported,
 * check and rename (a race with another process choosing the same name
 * is then possible, but only another set-aside would do that).
 */
static int
move_unless_exists(const char *path, const char *newpath)
{
	struct stat sb;

	if (link(path, newpath) == 0) {
		if (unlink(path) == 0)
			return 0;
		(void)unlink(newpath);
		return -1;
	}
	if (errno == EEXIST || errno == ENOENT || errno == ENAMETOOLONG ||
	    errno == EACCES || errno == EROFS)
		return -1;
	if (lstat(newpath, &sb) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	return rename(path, newpath);
}

int
state_set_aside(const char *path, char *newpath, size_t len)
{
	struct stat sb;
	int	 i, n;

	if (lstat(path, &sb) == -1)
		return -1;
	for (i = 0; i <= SET_ASIDE_MAX; i++) {
		if (i == 0)
			n = snprintf(newpath, len, "%s.bad", path);
		else
			n = snprintf(newpath, len, "%s.bad.%d", path, i);
		if (n < 0 || (size_t)n >= len) {
			if (len > 0)
				newpath[0] = '\0';
			errno = ENAMETOOLONG;
			return -1;
		}
		if (move_unless_exists(path, newpath) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

const char *
state_strerror(enum state_status st)
{
	switch (st) {
	case STATE_OK:
		return "success";
	case STATE_MISSING:
		return "no state file";
	case STATE_DAMAGED:
		return "damaged or foreign state file";
	case STATE_IO:
		return "I/O error";
	}
	return "unknown state status";
}
