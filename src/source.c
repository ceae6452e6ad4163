/*
 * source.c: helpers shared by the source readers.  See source.h.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ktime.h"
#include "source.h"
#include "stix.h"
#include "tidx.h"
#include "xalloc.h"

const struct jval source_absent = { .type = JV_ABSENT };

void
source_feed_entry(struct ingest *in, struct source_rec *r, uint32_t feed)
{
	r->tg = ingest_now(in);
	r->has_exp = 1;
	r->exp = ingest_ttl_expiry(in);
	r->active = 1;
	r->conf = TIDX_CONF_NULL;
	r->source = feed != TIDX_STRNULL ? feed : ingest_feed(in);
	r->creator = TIDX_STRNULL;
	r->id = ingest_entry_id(in, r->source, NULL, 0);
	r->meta[0] = r->meta[1] = r->meta[2] = r->meta[3] = TIDX_STRNULL;
	r->meta[4] = ingest_intern(in, SOURCE_DEFAULT_TYPE,
	    strlen(SOURCE_DEFAULT_TYPE));
}

int
source_empty(const struct jval *v)
{
	return v->type == JV_ABSENT || v->type == JV_NULL ||
	    (v->type == JV_STRING && v->len == 0);
}

int
source_truthy(const struct jval *v)
{
	if (v->type == JV_BOOL)
		return v->b;
	if (v->type == JV_STRING)
		return (v->len == 4 && strncasecmp(v->s, "true", 4) == 0) ||
		    (v->len == 1 && v->s[0] == '1');
	if (v->type == JV_NUMBER)
		return v->len == 1 && v->s[0] == '1';
	return 0;
}

int
source_confidence(const struct jval *v, int32_t *conf)
{
	char	 buf[64], *end;
	double	 d;

	if ((v->type != JV_NUMBER && v->type != JV_STRING) ||
	    v->len >= sizeof(buf) || !jrec_is_number(v->s, v->len))
		return -1;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	errno = 0;
	d = strtod(buf, &end);
	if (*end != '\0' || errno != 0 || !isfinite(d) ||
	    d > INT32_MAX || d <= INT32_MIN)
		return -1;
	*conf = (int32_t)lround(d);
	return 0;
}

int
source_time(const struct jval *v, int64_t *t)
{
	if (source_empty(v))
		return 1;
	if (v->type != JV_STRING || ktime_parse(v->s, v->len, t) == -1)
		return -1;
	return 0;
}

int
source_time_reject(struct ingest *in, const char *name,
    const struct jval *v)
{
	char	 msg[64];

	snprintf(msg, sizeof(msg), "%s is not a time", name);
	return ingest_reject(in, msg, v->type == JV_STRING ? v->s : NULL,
	    v->len);
}

uint32_t
source_first(struct ingest *in, const struct jval *v)
{
	const char *nl;

	if (v->type != JV_STRING || v->len == 0)
		return TIDX_STRNULL;
	nl = memchr(v->s, '\n', v->len);
	return ingest_intern(in, v->s, nl ? (size_t)(nl - v->s) : v->len);
}

/* ActivityGroupNames from "ActivityGroup:NAME" labels, comma-separated. */
uint32_t
source_labels(struct ingest *in, const struct jval *labels)
{
	static const char pre[] = "ActivityGroup:";
	char	*buf;
	size_t	 n = 0, i = 0, j;
	uint32_t ref;

	if (labels->type != JV_STRING)
		return TIDX_STRNULL;
	buf = xmalloc(labels->len + 1);
	while (i < labels->len) {
		for (j = i; j < labels->len && labels->s[j] != '\n'; j++)
			;
		if (j - i > sizeof(pre) - 1 &&
		    strncasecmp(labels->s + i, pre, sizeof(pre) - 1) == 0) {
			if (n > 0)
				buf[n++] = ',';
			memcpy(buf + n, labels->s + i + sizeof(pre) - 1,
			    j - i - (sizeof(pre) - 1));
			n += j - i - (sizeof(pre) - 1);
		}
		i = j + 1;
	}
	ref = n > 0 ? ingest_intern(in, buf, n) : TIDX_STRNULL;
	free(buf);
	return ref;
}

struct pattern_arg {
	struct ingest	*in;
	int		 bad;
};

/* stix_addresses() callback: one address of the pattern. */
static void
pattern_addr(void *arg, const char *s, size_t len)
{
	struct pattern_arg *pa = arg;

	if (!pa->bad && ingest_addr(pa->in, s, len) == -1)
		pa->bad = 1;
}

int
source_pattern(struct ingest *in, const struct jval *p)
{
	struct pattern_arg pa = { in, 0 };
	enum stix_status st;

	if (p->type != JV_STRING) {
		ingest_counts(in)->no_address++;
		return 1;
	}
	switch ((st = stix_addresses(p->s, p->len, pattern_addr, &pa))) {
	case STIX_OK:
		return pa.bad ? -1 : 0;
	case STIX_NOADDR:
		ingest_counts(in)->no_address++;
		return 1;
	case STIX_COMPOUND:
		ingest_counts(in)->compound++;
		return 1;
	case STIX_SYNTAX:
		break;
	}
	return ingest_reject(in, stix_strerror(st), p->s, p->len);
}
