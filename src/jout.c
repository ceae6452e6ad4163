/*
 * jout.c: buffered NDJSON output over yajl_gen.  See jout.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "jout.h"
#include "ktime.h"
#include "utf8.h"
#include "xalloc.h"

struct jout {
	yajl_gen	 g;
	int		 fd;
	int		 err;
	char		*buf;
	size_t		 len, cap;
	char		*scratch;	/* For utf8_sanitize. */
	size_t		 scap;
};

struct jout *
jout_new(int fd)
{
	struct jout *j = xcalloc(1, sizeof(*j));

	j->g = yajl_gen_alloc(&xalloc_yajl_funcs);
	j->fd = fd;
	j->cap = JOUT_FLUSH * 2;
	j->buf = xmalloc(j->cap);
	return j;
}

void
jout_free(struct jout *j)
{
	if (j == NULL)
		return;
	yajl_gen_free(j->g);
	free(j->buf);
	free(j->scratch);
	free(j);
}

void
jout_key(struct jout *j, const char *key)
{
	yajl_gen_string(j->g, (const unsigned char *)key, strlen(key));
}

void
jout_str(struct jout *j, const char *s, size_t len)
{
	size_t	 n;

	if (s == NULL) {
		yajl_gen_null(j->g);
		return;
	}
	if (3 * len + 1 > j->scap) {
		j->scap = 3 * len + 1;
		j->scratch = xreallocarray(j->scratch, j->scap, 1);
	}
	n = utf8_sanitize(j->scratch, s, len);
	yajl_gen_string(j->g, (const unsigned char *)j->scratch, n);
}

void
jout_time(struct jout *j, int64_t t)
{
	char	 buf[KTIME_STRLEN];

	if (t == KTIME_NONE) {
		yajl_gen_null(j->g);
		return;
	}
	ktime_format(t, buf);
	yajl_gen_string(j->g, (const unsigned char *)buf, strlen(buf));
}

void
jout_int(struct jout *j, long long v)
{
	yajl_gen_integer(j->g, v);
}

void
jout_null(struct jout *j)
{
	yajl_gen_null(j->g);
}

void
jout_bool(struct jout *j, int b)
{
	yajl_gen_bool(j->g, b);
}

void
jout_map_open(struct jout *j)
{
	yajl_gen_map_open(j->g);
}

void
jout_map_close(struct jout *j)
{
	yajl_gen_map_close(j->g);
}

void
jout_array_open(struct jout *j)
{
	yajl_gen_array_open(j->g);
}

void
jout_array_close(struct jout *j)
{
	yajl_gen_array_close(j->g);
}

void
jout_number(struct jout *j, const char *s, size_t len)
{
	yajl_gen_number(j->g, s, len);
}

/* Append n bytes to the buffer, flushing or growing it as needed. */
static void
put(struct jout *j, const void *p, size_t n)
{
	if (j->len + n > j->cap) {
		if (jout_flush(j) == -1 || n > j->cap) {
			/* Larger than the buffer: grow it. */
			if (j->err == 0 && n > j->cap) {
				j->cap = n;
				j->buf = xreallocarray(j->buf, j->cap, 1);
			}
		}
	}
	if (j->err == 0) {
		memcpy(j->buf + j->len, p, n);
		j->len += n;
	}
}

void
jout_end(struct jout *j)
{
	const unsigned char *p;
	size_t	 n;

	yajl_gen_get_buf(j->g, &p, &n);
	if (j->len + n + 1 > j->cap)
		(void)jout_flush(j);
	put(j, p, n);
	put(j, "\n", 1);
	yajl_gen_clear(j->g);
	yajl_gen_reset(j->g, NULL);
	if (j->len >= JOUT_FLUSH)
		jout_flush(j);
}

void
jout_raw(struct jout *j, const char *p, size_t n)
{
	put(j, p, n);
	if (j->len >= JOUT_FLUSH)
		jout_flush(j);
}

int
jout_flush(struct jout *j)
{
	size_t	 off = 0;

	if (j->err != 0) {
		j->len = 0;
		return -1;
	}
	while (off < j->len) {
		ssize_t w = write(j->fd, j->buf + off, j->len - off);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			j->err = errno;
			j->len = 0;
			return -1;
		}
		off += (size_t)w;
	}
	j->len = 0;
	return 0;
}

size_t
jout_pending(const struct jout *j)
{
	return j->len;
}

int
jout_error(const struct jout *j)
{
	return j->err;
}
