/*
 * src_csv.c: CSV feeds with a header row (SPEC.md 5): abuse.ch's Feodo
 * Tracker list, Sentinel's sample feeds, MISP's CSV export, and any
 * other whose header names an address column.  The syntax is RFC 4180:
 * comma-separated fields, optionally in double quotes with "" for a
 * quote, lines ending in CR LF or LF; a quoted field cannot span lines.
 * Lines whose first non-blank byte is '#' are comments (abuse.ch writes
 * them before the header and after the last row).  Values are trimmed
 * of white space at both ends.
 *
 * The header is matched by column name, case-insensitively and ignoring
 * spaces, '_' and '-' (see the tables below).  A header with "uuid",
 * "type" and "value" is MISP's export: its type, to_ids and date columns
 * are read as MISP writes them.  The mapping to indicator members is
 * documented in ti-index(1), "CSV feeds".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ktime.h"
#include "source.h"
#include "tidx.h"
#include "xalloc.h"

/* The roles of columns; st->col[role] is the column, or -1. */
enum role {
	R_ADDR,		/* The address or prefix. */
	R_TYPE,		/* What the address column holds (typed names). */
	R_ID,		/* IndicatorId. */
	R_THREAT,	/* ThreatType. */
	R_DESC,		/* Description. */
	R_GROUPS,	/* ActivityGroupNames. */
	R_URL,		/* Url. */
	R_CONF,		/* ConfidenceScore. */
	R_EXP,		/* Expiry. */
	R_ACTIVE,	/* MISP to_ids. */
	R_TIME,		/* MISP date: the version time. */
	NROLES
};

/* st->flags. */
#define F_TYPED		0x01	/* Only rows whose type names an IP. */
#define F_MISP		0x02	/* MISP's export (uuid, type, value). */
#define F_NOHEADER	0x04	/* --format csv, no header read yet. */
#define F_BADHEADER	0x08	/* A line that was not a header was seen. */

#define NAMEMAX		40	/* Longest column name that can match. */

/* Address columns, best first; the last three are typed. */
static const char *const addr_names[] = {
	"ip", "ipaddress", "dstip", "srcip", "ipaddr", "address", "addr",
	"networkip", "cidr", "network", "prefix",
	"indicator", "ioc", "value"
};
#define NADDR	(sizeof(addr_names) / sizeof(addr_names[0]))
#define NTYPED	3

/* The other columns read: normalised name and role. */
static const struct {
	const char	*name;
	enum role	 role;
} col_names[] = {
	{ "type", R_TYPE }, { "indicatortype", R_TYPE },
	{ "ioctype", R_TYPE }, { "attributetype", R_TYPE },
	{ "uuid", R_ID }, { "indicatorid", R_ID },
	{ "category", R_THREAT }, { "threattype", R_THREAT },
	{ "malware", R_THREAT },
	{ "description", R_DESC }, { "comment", R_DESC }, { "desc", R_DESC },
	{ "activitygroupnames", R_GROUPS },
	{ "reference", R_URL },
	{ "confidence", R_CONF }, { "score", R_CONF },
	{ "confidencescore", R_CONF },
	{ "expirationdatetime", R_EXP }, { "expirationdate", R_EXP },
	{ "expiration", R_EXP }, { "expiry", R_EXP }, { "expires", R_EXP },
	{ "validuntil", R_EXP },
	{ "toids", R_ACTIVE },
	{ "date", R_TIME }
};
#define NCOLNAMES	(sizeof(col_names) / sizeof(col_names[0]))

/* Type names (normalised) that say a value is an address or prefix. */
static const char *const ip_types[] = {
	"ip", "ipv4", "ipv6", "ipsrc", "ipdst", "ipaddr", "ipaddress",
	"ipv4addr", "ipv6addr", "ipv4address", "ipv6address", "cidr",
	"ipv4cidr", "ipv6cidr", "subnet", "netblock"
};
#define NIPTYPES	(sizeof(ip_types) / sizeof(ip_types[0]))

/* One field of a line: its value, trimmed, still escaped when esc. */
struct field {
	const char	*s;
	size_t		 len;
	int		 esc;	/* Quoted, with "" inside. */
};

/*
 * Read the field at *pp (before end): 1 and f, *pp past its comma (or at
 * end when it was the last field), or -1 with *err saying why.
 */
static int
next_field(const char **pp, const char *end, struct field *f,
    const char **err)
{
	const char *p = *pp, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	f->esc = 0;
	if (p < end && *p == '"') {
		for (q = ++p;; q++) {
			if (q == end) {
				*err = "unterminated quoted field";
				return -1;
			}
			if (*q != '"')
				continue;
			if (q + 1 < end && q[1] == '"') {
				f->esc = 1;
				q++;
				continue;
			}
			break;
		}
		f->s = p;
		f->len = (size_t)(q - p);
		for (p = q + 1; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if (p < end && *p != ',') {
			*err = "text after a closing quote";
			return -1;
		}
	} else {
		f->s = p;
		while (p < end && *p != ',')
			p++;
		f->len = (size_t)(p - f->s);
	}
	if (p < end)
		p++;		/* The comma. */
	*pp = p;
	while (f->len > 0 && isspace((unsigned char)*f->s)) {
		f->s++;
		f->len--;
	}
	while (f->len > 0 && isspace((unsigned char)f->s[f->len - 1]))
		f->len--;
	return 1;
}

/* The line without a byte-order mark and a CR at its end. */
static void
strip_line(const char **line, size_t *len)
{
	if (*len >= 3 && memcmp(*line, "\xef\xbb\xbf", 3) == 0) {
		*line += 3;
		*len -= 3;
	}
	while (*len > 0 && ((*line)[*len - 1] == '\r' ||
	    (*line)[*len - 1] == '\n'))
		(*len)--;
}

/* 1 for a blank line or a '#' comment. */
static int
blank_or_comment(const char *line, size_t len)
{
	const char *e = line + len;

	while (line < e && isspace((unsigned char)*line))
		line++;
	return line == e || *line == '#';
}

/* Normalise a name into buf (NAMEMAX + 1 bytes): 0, or -1 too long. */
static int
normalise(const char *s, size_t len, char *buf)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '_' || s[i] == '-' || s[i] == '"')
			continue;
		if (n == NAMEMAX)
			return -1;
		buf[n++] = (char)tolower((unsigned char)s[i]);
	}
	buf[n] = '\0';
	return 0;
}

/*
 * Read the header line into st: 0 when it names an address column, -1
 * with why set when it does not (or is not CSV).
 */
static int
parse_header(struct source_state *st, const char *line, size_t len,
    char *why, size_t whylen)
{
	const char *p = line, *end = line + len, *err;
	char	 name[NAMEMAX + 1];
	struct field f;
	size_t	 i, arank = NADDR, ncols = 0;
	int	 r, uuid = 0, value = 0;

	st->sep = ',';
	st->flags = 0;
	for (r = 0; r < SOURCE_MAXCOLS; r++)
		st->col[r] = -1;
	do {
		if (next_field(&p, end, &f, &err) == -1) {
			snprintf(why, whylen, "not a CSV header: %s", err);
			return -1;
		}
		if (ncols <= INT16_MAX && normalise(f.s, f.len, name) == 0) {
			for (i = 0; i < arank; i++)
				if (strcmp(name, addr_names[i]) == 0) {
					arank = i;
					st->col[R_ADDR] = (int16_t)ncols;
				}
			for (i = 0; i < NCOLNAMES; i++)
				if (strcmp(name, col_names[i].name) == 0 &&
				    st->col[col_names[i].role] == -1)
					st->col[col_names[i].role] =
					    (int16_t)ncols;
			uuid |= strcmp(name, "uuid") == 0;
			value |= strcmp(name, "value") == 0;
		}
		ncols++;
	} while (p < end);
	if (len > 0 && end[-1] == ',')
		ncols++;		/* An empty last column. */
	if (arank == NADDR) {
		char	 q[200];

		ingest_quote(q, sizeof(q), line, len, 120);
		snprintf(why, whylen, "no address column in the CSV header %s",
		    q);
		return -1;
	}
	st->ncols = (int)ncols;		/* At most one a byte of a line. */
	if (arank >= NADDR - NTYPED && st->col[R_TYPE] != -1)
		st->flags |= F_TYPED;
	if (uuid && value && st->col[R_TYPE] != -1)
		st->flags |= F_MISP;
	return 0;
}

/*
 * parse_header() for the first line that is not a comment, and, with
 * --format csv, for each line after it until one is a header.
 */
static int
header(struct source_state *st, const char *line, size_t len, char *why,
    size_t whylen)
{
	int	 bad = st->flags & F_BADHEADER;

	if (parse_header(st, line, len, why, whylen) == 0)
		return 0;
	if (bad)
		snprintf(why, whylen, "a row before any CSV header with an "
		    "address column");
	st->flags = F_NOHEADER | F_BADHEADER;
	return -1;
}

static enum source_claim
claim(struct source_state *st, const char *line, size_t len, int forced,
    char *why, size_t whylen)
{
	struct source_state tmp;
	char	 scratch[256];

	strip_line(&line, &len);
	if (blank_or_comment(line, len)) {
		if (!forced)
			return SOURCE_NO;
		/* Claim now: the header comes after the comments. */
		st->flags |= F_NOHEADER;
		return SOURCE_HEADER;
	}
	if (forced)
		return header(st, line, len, why, whylen) == 0 ?
		    SOURCE_HEADER : SOURCE_NO;
	/* The state is the next reader's while this one has not claimed. */
	tmp = *st;
	if (header(&tmp, line, len, scratch, sizeof(scratch)) == -1)
		return SOURCE_NO;
	*st = tmp;
	return SOURCE_HEADER;
}

/*
 * Unescape the value of quoted field f ("" to ") into buf at *used (cap
 * bytes in all), and point f at it.
 */
static void
unescape(struct field *f, char *buf, size_t *used, size_t cap)
{
	char	*o = buf + *used;
	size_t	 i, n = 0;

	for (i = 0; i < f->len && *used + n < cap; i++) {
		o[n++] = f->s[i];
		if (f->s[i] == '"' && i + 1 < f->len && f->s[i + 1] == '"')
			i++;
	}
	f->s = o;
	f->len = n;
	f->esc = 0;
	*used += n;
}

/* 1 when the normalised type (len bytes at s) names an address. */
static int
ip_type(const char *s, size_t len)
{
	char	 name[NAMEMAX + 1];
	size_t	 i;

	if (normalise(s, len, name) == -1)
		return 0;
	for (i = 0; i < NIPTYPES; i++)
		if (strcmp(name, ip_types[i]) == 0)
			return 1;
	return 0;
}

/*
 * The address in a typed value: which '|'-separated part of the type
 * (MISP's "ip-dst|port", "domain|ip") names it, and the same part of the
 * value.  1 and *s, *len set; 0 when the type names no address; -1 when
 * the value has fewer parts than the type.
 */
static int
typed_addr(const struct field *type, const char **s, size_t *len)
{
	const char *t = type->s, *te = type->s + type->len, *bar;
	const char *v = *s, *ve = *s + *len;
	size_t	 part = 0;

	for (;; part++) {
		bar = memchr(t, '|', (size_t)(te - t));
		if (ip_type(t, (size_t)((bar ? bar : te) - t)))
			break;
		if (bar == NULL)
			return 0;
		t = bar + 1;
	}
	if (part == 0 && memchr(type->s, '|', type->len) == NULL)
		return 1;		/* The whole value. */
	for (; part > 0; part--) {
		if ((bar = memchr(v, '|', (size_t)(ve - v))) == NULL)
			return -1;
		v = bar + 1;
	}
	bar = memchr(v, '|', (size_t)(ve - v));
	*s = v;
	*len = (size_t)((bar ? bar : ve) - v);
	while (*len > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
	return 1;
}

/* Parse up to max decimal digits at *pp: the number, or -1. */
static int
num(const char **pp, const char *end, int max)
{
	const char *p = *pp;
	int	 n = 0, d = 0;

	while (p < end && d < max && *p >= '0' && *p <= '9') {
		n = n * 10 + (*p++ - '0');
		d++;
	}
	if (d == 0)
		return -1;
	*pp = p;
	return n;
}

/*
 * A time as feeds write it: RFC 3339 (ktime_parse), or the US form of
 * Sentinel's sample feeds, M/D/YYYY or M/D/YY, optionally followed by
 * " H:MM" or " H:MM:SS", in UTC (a two-digit year YY is 20YY when below
 * 69, else 19YY).  0 and *t, or -1.
 */
static int
feed_time(const char *s, size_t len, int64_t *t)
{
	const char *p = s, *e = s + len, *y0;
	char	 buf[96];
	int	 mo, d, y, h = 0, mi = 0, sec = 0;

	if (ktime_parse(s, len, t) == 0)
		return 0;
	if ((mo = num(&p, e, 2)) == -1 || p == e || *p++ != '/' ||
	    (d = num(&p, e, 2)) == -1 || p == e || *p++ != '/')
		return -1;
	y0 = p;
	if ((y = num(&p, e, 4)) == -1 || (p - y0 != 2 && p - y0 != 4))
		return -1;
	if (p - y0 == 2)
		y += y < 69 ? 2000 : 1900;
	if (p < e) {
		if (*p++ != ' ' || (h = num(&p, e, 2)) == -1 || p == e ||
		    *p++ != ':' || e - p < 2 || (mi = num(&p, e, 2)) == -1)
			return -1;
		if (p < e && (*p++ != ':' || e - p != 2 ||
		    (sec = num(&p, e, 2)) == -1))
			return -1;
		if (p != e)
			return -1;
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d,
	    h, mi, sec);
	return ktime_parse(buf, strlen(buf), t);
}

/*
 * MISP's date: YYYYMMDD, or seconds since 1970 (the newer exports), or
 * RFC 3339.  0 and *t, or -1.
 */
static int
misp_date(const char *s, size_t len, int64_t *t)
{
	char	 buf[16];
	int64_t	 secs = 0;
	size_t	 i;

	for (i = 0; i < len && i < 11 && s[i] >= '0' && s[i] <= '9'; i++)
		secs = secs * 10 + (s[i] - '0');
	if (i == 0 || i != len)
		return ktime_parse(s, len, t);
	if (len == 8) {
		snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2s", s, s + 4, s + 6);
		if (ktime_parse(buf, 10, t) == 0)
			return 0;
	}
	*t = secs * KTIME_TICKS_PER_SEC;	/* At most 11 digits. */
	return 0;
}

/* A role's value in the row, or NULL when the feed has no such column. */
static const struct field *
get(const struct field *v, enum role r)
{
	return v[r].s != NULL ? &v[r] : NULL;
}

/* The interned value of role r, or null when absent or empty. */
static uint32_t
intern_role(struct ingest *in, const struct field *v, enum role r)
{
	const struct field *f = get(v, r);

	return f != NULL && f->len > 0 ? ingest_intern(in, f->s, f->len) :
	    TIDX_STRNULL;
}

/*
 * Split the line into the fields of the roles (v, NROLES): 0, or -1
 * (rejected) for a syntax error or a wrong number of fields.
 */
static int
split(struct ingest *in, const struct source_state *st, const char *line,
    size_t len, struct field *v)
{
	const char *p = line, *end = line + len, *err;
	struct field f;
	char	 msg[80];
	int	 n = 0, r;

	memset(v, 0, NROLES * sizeof(*v));
	do {
		if (next_field(&p, end, &f, &err) == -1)
			return ingest_reject(in, err, NULL, 0);
		for (r = 0; r < NROLES; r++)
			if (st->col[r] == n)
				v[r] = f;
		if (n++ > st->ncols)
			break;
	} while (p < end);
	if (len > 0 && end[-1] == ',')
		n++;
	if (n != st->ncols) {
		snprintf(msg, sizeof(msg), "%s fields than the header's %d",
		    n < st->ncols ? "fewer" : "more", st->ncols);
		return ingest_reject(in, msg, NULL, 0);
	}
	return 0;
}

/* The record of a row: the values of the row besides its address. */
static int
fill(struct ingest *in, const struct source_state *st, struct field *v,
    struct source_rec *r)
{
	const struct field *f;
	struct jval jv;

	r->tg = ingest_now(in);
	if ((st->flags & F_MISP) && (f = get(v, R_TIME)) != NULL &&
	    f->len > 0 && misp_date(f->s, f->len, &r->tg) == -1) {
		ingest_counts(in)->no_time++;
		return ingest_reject(in, "date is not a time", f->s, f->len);
	}
	r->has_exp = 1;
	r->exp = ingest_ttl_expiry(in);
	r->active = 1;
	if ((st->flags & F_MISP) && (f = get(v, R_ACTIVE)) != NULL &&
	    ((f->len == 1 && f->s[0] == '0') ||
	    (f->len == 5 && strncasecmp(f->s, "false", 5) == 0)))
		r->active = 0;
	r->conf = TIDX_CONF_NULL;
	if ((f = get(v, R_CONF)) != NULL) {
		jv.type = JV_STRING;
		jv.s = f->s;
		jv.len = f->len;
		jv.b = 0;
		if (source_confidence(&jv, &r->conf) == -1)
			r->conf = TIDX_CONF_NULL;
	}
	r->id = (f = get(v, R_ID)) != NULL && f->len > 0 ?
	    ingest_intern(in, f->s, f->len) : ingest_list_id(in);
	r->meta[0] = intern_role(in, v, R_THREAT);
	r->meta[1] = intern_role(in, v, R_DESC);
	r->meta[2] = intern_role(in, v, R_GROUPS);
	r->meta[3] = intern_role(in, v, R_URL);
	r->meta[4] = ingest_intern(in, SOURCE_DEFAULT_TYPE,
	    strlen(SOURCE_DEFAULT_TYPE));
	r->source = ingest_feed(in);
	r->creator = TIDX_STRNULL;
	return 0;
}

/* A row of the feed (fields in v, unescaped). */
static int
take_row(struct ingest *in, const struct source_state *st, struct field *v)
{
	struct ingest_stats *cnt = ingest_counts(in);
	const struct field *f;
	const char *a = v[R_ADDR].s;
	size_t	 alen = v[R_ADDR].len;
	struct source_rec r;
	int	 rc = 0;

	cnt->known++;
	if ((st->flags & F_TYPED) && (f = get(v, R_TYPE)) != NULL) {
		switch (typed_addr(f, &a, &alen)) {
		case 0:
			cnt->no_address++;
			return 0;
		case -1:
			cnt->bad_address++;
			return ingest_reject(in, "value does not match its "
			    "type", v[R_ADDR].s, v[R_ADDR].len);
		}
	}
	if (a == NULL || alen == 0) {
		cnt->no_address++;
		return 0;
	}
	if ((rc = ingest_sole_addr(in, a, alen)) != 1)
		return rc;
	rc = 0;
	if (fill(in, st, v, &r) == -1)
		return -1;
	if ((f = get(v, R_EXP)) != NULL && f->len > 0 &&
	    feed_time(f->s, f->len, &r.exp) == -1) {
		r.exp = SOURCE_EXPIRY_BAD;
		rc = ingest_reject(in, "expiry is not a time", f->s, f->len);
	}
	if (ingest_add(in, &r) == -1)
		return -1;
	return rc;
}

static int
take(struct ingest *in, struct source_state *st, const char *line,
    size_t len)
{
	struct ingest_stats *cnt = ingest_counts(in);
	struct field v[NROLES];
	char	*buf = NULL, why[256];
	size_t	 used = 0;
	int	 r, rc;

	strip_line(&line, &len);
	if (blank_or_comment(line, len)) {
		cnt->blank++;
		return 0;
	}
	if (st->flags & F_NOHEADER) {
		if (header(st, line, len, why, sizeof(why)) == 0) {
			cnt->blank++;
			return 0;
		}
		ingest_begin_record(in);
		cnt->unknown++;
		return ingest_reject(in, why, NULL, 0);
	}
	ingest_begin_record(in);
	if (split(in, st, line, len, v) == -1) {
		cnt->unknown++;
		cnt->malformed++;
		return -1;
	}
	for (r = 0; r < NROLES; r++)
		if (v[r].esc) {
			if (buf == NULL)
				buf = xmalloc(len);
			unescape(&v[r], buf, &used, len);
		}
	rc = take_row(in, st, v);
	free(buf);
	return rc;
}

const struct source_text source_csv = { "csv", claim, take };
