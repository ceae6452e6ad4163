/*
 * jrec.c: extracting members of a JSON object with yajl's callbacks.
 * See jrec.h for the contract.
 *
 * One set of callbacks follows the nesting of the text.  Outside a
 * record it looks for where records stand (the top, a top-level array,
 * a container member's array, the rows of a query API answer's tables);
 * an object that stands there is read as a record until one of its
 * members turns out to be a container, at the top or one level down (an
 * envelope in a top-level array or in an envelope's array: outer keeps
 * the array it stands in for after its container's array);
 * inside one it narrows the fields whose path matches the current key
 * path (key_at) and keeps the values of those it completes (scalar).  A
 * row of a table is a record whose members are its cells, each keyed by
 * its table's column name.  A string where a field's path goes on is
 * parsed again, as JSON text, by a second yajl handle on the same
 * callbacks (nested_text), its depths counted on from the string's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <yajl/yajl_parse.h>

#include "jrec.h"
#include "utf8.h"
#include "xalloc.h"

/* What the last key or value announced, for the value that follows. */
enum pending {
	P_NONE = 0,
	P_CONT,			/* A container's name: its array holds records. */
	P_TABLES,		/* "tables" of a top-level object. */
	P_COLUMNS,		/* "columns" of a table. */
	P_ROWS,			/* "rows" of a table. */
	P_COLNAME		/* "name" of a column. */
};

/* The state of a table's columns, for its rows. */
enum colstate {
	COLS_NONE = 0,		/* No "columns" yet: a row would be bad. */
	COLS_OK,
	COLS_BAD		/* Not an array of named objects, or too many. */
};

struct jrec {
	const struct jfield *fields;
	size_t		 nfields;
	const char	*cname[JREC_MAXCONTAINERS];	/* Container names. */
	size_t		 clen[JREC_MAXCONTAINERS];
	int		 ncont;
	uint64_t	 clenmask;	/* Lengths of the names, bit per length
					   below 63; bit 63: longer. */
	size_t		(*flen)[JREC_MAXDEPTH];	/* Lengths of the names. */
	uint64_t	(*fword)[JREC_MAXDEPTH];	/* Their first eight
						   bytes (key_word()). */
	struct jval	*vals;
	size_t		*offs;		/* Value offsets into arena. */
	char		*arena;		/* Keys and strings of this record. */
	size_t		 alen, acap;
	yajl_handle	 h;		/* The parse under way, or NULL. */
	int		 depth;		/* Current nesting; 0 outside. */
	int		 root;		/* Depth inside the record's object. */
	int		 in_array;	/* Depth inside a record's array, or 0. */
	int		 cont;		/* Depth inside a container array, or 0. */
	int		 outer;		/* Inside an envelope that stands in an
					   array: that array's cont, or 0. */
	int		 containers;	/* Records may stand in containers. */
	enum pending	 pending;	/* See enum pending. */
	/* A query API answer: depths inside its arrays and objects, or 0. */
	int		 tbl;		/* Inside the "tables" array. */
	int		 table;		/* Inside a table object. */
	int		 colarr;	/* Inside its "columns" array. */
	int		 colobj;	/* Inside one column's object. */
	int		 rowarr;	/* Inside its "rows" array. */
	int		 col_named;	/* The column object had a name. */
	enum colstate	 cols;
	char		*colnames;	/* The table's column names ... */
	size_t		*coloff, *collen;	/* ... each at an offset. */
	size_t		 ncols, capcols, cnlen, cncap;
	uint64_t	 tableno, rowno;	/* For messages; from 1. */
	int		 row;		/* The record is a row of a table. */
	int		 row_bad;	/* ... that cannot be read. */
	size_t		 cell;		/* Its cells so far. */
	/* A string read again as JSON text (nested_text). */
	int		 nest;		/* Nesting of such reads; 0: none. */
	int		 nest_base;	/* The string's depth. */
	int		 nest_fail;	/* Too deep: give the text up. */
	uint64_t	 longer[JREC_MAXDEPTH];	/* Fields whose path has more
						   than d + 1 names. */
	int		 stopped;	/* The callback asked to stop. */
	int		 list_field;	/* A JF_LIST field being read, or -1. */
	int		 list_depth;	/* The depth of its elements. */
	char		*list;		/* Its strings so far. */
	size_t		 llen, lcap;
	uint64_t	 cand[JREC_MAXDEPTH];	/* Fields matching the key
						   path to each depth. */
	uint64_t	 bylen[64];		/* Fields by the length of
						   their first name; [63]:
						   63 bytes or more. */
	uint64_t	 nrecords, nonobject;	/* nonobject: bad records. */
	uint64_t	 consumed, offset;	/* Stream bytes; error offset. */
	uint64_t	 handled;	/* Stream offset past the last record
					   handed over. */
	char		 badwhy[128];	/* The first bad record's reason. */
	int		(*fn)(void *, struct jrec *);
	void		*arg;
	char		 err[128];
};

static size_t
arena_put(struct jrec *jr, const char *s, size_t len, int sanitize)
{
	size_t	 need = sanitize ? 3 * len : len, off = jr->alen;

	if (jr->alen + need + 1 > jr->acap) {
		size_t cap = jr->acap ? jr->acap : 4096;

		while (cap < jr->alen + need + 1)
			cap *= 2;
		jr->arena = xreallocarray(jr->arena, cap, 1);
		jr->acap = cap;
	}
	if (sanitize)
		jr->alen += utf8_sanitize(jr->arena + off, s, len);
	else {
		memcpy(jr->arena + off, s, len);
		jr->alen += len;
	}
	jr->arena[jr->alen++] = '\0';
	return off;
}

/* Relative depth inside the current record: 1 for its own members. */
static int
rel(const struct jrec *jr)
{
	return jr->depth - jr->root + 1;
}

/* The first eight bytes of the len bytes at k, zeros after the end. */
static uint64_t
key_word(const char *k, size_t len)
{
	unsigned char b[8] = { 0 };
	uint64_t w;

	memcpy(b, k, len < 8 ? len : 8);
	memcpy(&w, b, 8);
	return w;
}

/*
 * A member's key was read at relative depth d: narrow the fields whose
 * path matches the key path, and forget what earlier members of the same
 * name held below it, since the last member counts ({"a":{"b":1},"a":2}
 * has no a.b).
 */
static void
key_at(struct jrec *jr, int d, const char *k, size_t len)
{
	uint64_t m = d > 1 ? jr->cand[d - 2] : jr->bylen[len < 63 ? len : 63];
	uint64_t out = 0, w = m != 0 ? key_word(k, len) : 0;
	int	 i;

	while (m != 0) {
		i = __builtin_ctzll(m);
		m &= m - 1;
		/* The first eight bytes as a word, then the rest. */
		if (jr->fields[i].path[d - 1] != NULL &&
		    jr->flen[i][d - 1] == len && jr->fword[i][d - 1] == w &&
		    (len <= 8 || memcmp(jr->fields[i].path[d - 1] + 8, k + 8,
		    len - 8) == 0)) {
			out |= 1ULL << i;
			if (jr->vals[i].type != JV_ABSENT) {
				jr->vals[i].type = JV_ABSENT;
				jr->offs[i] = (size_t)-1;
			}
		}
	}
	jr->cand[d - 1] = out;
}

/* The field whose path is the current key path, or -1. */
static int
match(const struct jrec *jr)
{
	uint64_t m;
	int	 d, i;

	if (jr->root == 0 || jr->in_array)
		return -1;
	d = rel(jr);
	if (d < 1 || d > JREC_MAXDEPTH)
		return -1;
	for (m = jr->cand[d - 1]; m != 0; m &= m - 1) {
		i = __builtin_ctzll(m);
		if (d == JREC_MAXDEPTH || jr->fields[i].path[d] == NULL)
			return i;
	}
	return -1;
}

/* A record that cannot be read: count it, and keep the first reason. */
static void
bad_record(struct jrec *jr, const char *why)
{
	if (jr->nonobject++ == 0)
		snprintf(jr->badwhy, sizeof(jr->badwhy), "%s", why);
}

/* A row of a query API answer that cannot be read. */
static void
bad_row(struct jrec *jr, const char *why)
{
	char	 msg[sizeof(jr->badwhy)];

	snprintf(msg, sizeof(msg), "row %llu of table %llu: %s",
	    (unsigned long long)jr->rowno, (unsigned long long)jr->tableno,
	    why);
	bad_record(jr, msg);
}

/*
 * A value that is not an object where a record could stand: at the top,
 * or in a top-level array.  (In a container's array, other values are
 * passed over: a member named like a container in an ordinary record
 * must not make the record an error.)
 */
static void
not_record(struct jrec *jr)
{
	if (jr->root == 0 && (jr->depth == 0 ||
	    (jr->cont == 1 && jr->depth == 1)))
		bad_record(jr, "not a JSON object");
}

/* One more string of a JF_LIST field, sanitized, after a newline. */
static void
list_add(struct jrec *jr, const char *s, size_t len)
{
	if (jr->llen + 3 * len + 1 > jr->lcap) {
		size_t cap = jr->lcap ? jr->lcap : 256;

		while (cap < jr->llen + 3 * len + 1)
			cap *= 2;
		jr->list = xreallocarray(jr->list, cap, 1);
		jr->lcap = cap;
	}
	if (jr->llen > 0)
		jr->list[jr->llen++] = '\n';
	jr->llen += utf8_sanitize(jr->list + jr->llen, s, len);
}

/* A record begins at the current depth (its object or row opens). */
static void
begin_record(struct jrec *jr, int row)
{
	memset(jr->vals, 0, jr->nfields * sizeof(*jr->vals));
	jr->alen = 0;
	jr->in_array = 0;
	jr->list_field = -1;
	jr->root = jr->depth + 1;
	jr->row = row;
	jr->cell = 0;
}

/* The name of the next column of a table (decoded, as keys are). */
static void
add_column(struct jrec *jr, const char *s, size_t len)
{
	if (jr->ncols >= JREC_MAXCOLUMNS) {
		jr->cols = COLS_BAD;
		return;
	}
	if (jr->ncols == jr->capcols) {
		jr->capcols = jr->capcols ? 2 * jr->capcols : 64;
		jr->coloff = xreallocarray(jr->coloff, jr->capcols,
		    sizeof(*jr->coloff));
		jr->collen = xreallocarray(jr->collen, jr->capcols,
		    sizeof(*jr->collen));
	}
	if (jr->cnlen + len + 1 > jr->cncap) {
		size_t cap = jr->cncap ? jr->cncap : 1024;

		while (cap < jr->cnlen + len + 1)
			cap *= 2;
		jr->colnames = xreallocarray(jr->colnames, cap, 1);
		jr->cncap = cap;
	}
	memcpy(jr->colnames + jr->cnlen, s, len);
	jr->coloff[jr->ncols] = jr->cnlen;
	jr->collen[jr->ncols++] = len;
	jr->cnlen += len + 1;
}

/*
 * A value outside any record inside a query API answer (jr->tbl set):
 * follow its tables, their columns and rows.  kind is '{', '[', or 's'
 * for a scalar (s, len: its text when it is a string, else s NULL).
 * Returns 1 when the value is an array that begins a row.
 */
static int
table_value(struct jrec *jr, int kind, const char *s, size_t len)
{
	enum pending p = jr->pending;
	int	 d = jr->depth;

	jr->pending = P_NONE;
	if (d == jr->tbl) {			/* An element of "tables". */
		jr->tableno++;
		jr->rowno = 0;
		if (kind == '{') {
			jr->table = d + 1;
			jr->cols = COLS_NONE;
			jr->ncols = jr->cnlen = 0;
		} else
			bad_record(jr, "a table is not a JSON object");
	} else if (jr->table != 0 && d == jr->table) {	/* A table member. */
		if (p == P_COLUMNS) {
			jr->ncols = jr->cnlen = 0;
			jr->cols = kind == '[' ? COLS_OK : COLS_BAD;
			if (kind == '[')
				jr->colarr = d + 1;
		} else if (p == P_ROWS && kind == '[')
			jr->rowarr = d + 1;
	} else if (jr->colarr != 0 && d == jr->colarr) {	/* A column. */
		if (kind == '{') {
			jr->colobj = d + 1;
			jr->col_named = 0;
		} else
			jr->cols = COLS_BAD;
	} else if (jr->colobj != 0 && d == jr->colobj) {
		if (p == P_COLNAME && s != NULL && !jr->col_named) {
			add_column(jr, s, len);
			jr->col_named = 1;
		}
	} else if (jr->rowarr != 0 && d == jr->rowarr) {	/* A row. */
		jr->rowno++;
		if (kind == '[')
			return 1;
		bad_row(jr, "not an array");
	}
	return 0;
}

/* A cell of a row begins: its member name is its column's. */
static void
next_cell(struct jrec *jr)
{
	size_t	 c = jr->cell++;

	if (jr->cols != COLS_OK || c >= jr->ncols)
		jr->cand[0] = 0;	/* A bad row: nothing is read. */
	else
		key_at(jr, 1, jr->colnames + jr->coloff[c], jr->collen[c]);
}

/* 1 when the current value is a cell of the row being read. */
static int
at_cell(const struct jrec *jr)
{
	return jr->row && jr->nest == 0 && jr->depth == jr->root;
}

static void nested_text(struct jrec *, const char *, size_t);

/* Record a scalar of the given type; s is copied when it is a string. */
static int
scalar(struct jrec *jr, enum jval_type t, const char *s, size_t len, int b)
{
	int	 f, d;

	if (jr->root == 0) {
		if (jr->tbl != 0)
			(void)table_value(jr, 's', t == JV_STRING ? s : NULL,
			    len);
		else
			not_record(jr);
		jr->pending = P_NONE;
		return 1;
	}
	jr->pending = P_NONE;
	if (at_cell(jr))
		next_cell(jr);
	if (jr->list_field >= 0 && jr->depth == jr->list_depth) {
		if (t == JV_STRING)
			list_add(jr, s, len);
		return 1;
	}
	if ((f = match(jr)) != -1) {
		jr->vals[f].type = t;
		jr->vals[f].b = b;
		jr->vals[f].len = 0;
		jr->offs[f] = (size_t)-1;
		if (s != NULL) {
			jr->offs[f] = arena_put(jr, s, len, t == JV_STRING);
			jr->vals[f].len = jr->alen - 1 - jr->offs[f];
		}
	}
	/* A string where a field's path goes on: maybe JSON text. */
	if (t == JV_STRING && !jr->in_array && (d = rel(jr)) >= 1 &&
	    d < JREC_MAXDEPTH && (jr->cand[d - 1] & jr->longer[d - 1]) != 0)
		nested_text(jr, s, len);
	return 1;
}

static int
cb_null(void *ctx)
{
	return scalar(ctx, JV_NULL, NULL, 0, 0);
}

static int
cb_bool(void *ctx, int b)
{
	return scalar(ctx, JV_BOOL, NULL, 0, b);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return scalar(ctx, JV_NUMBER, s, len, 0);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, JV_STRING, (const char *)s, len, 0);
}

/* An object or array opens inside a record: mark a matching field. */
static void
open_complex(struct jrec *jr)
{
	int	 f;

	if ((f = match(jr)) != -1) {
		jr->vals[f].type = JV_COMPLEX;
		jr->offs[f] = (size_t)-1;
	}
}

/* Inside JSON text read from a string, 1 when one more level is too many. */
static int
too_deep(const struct jrec *jr)
{
	return jr->nest != 0 && jr->depth - jr->nest_base >= JREC_TEXT_MAXDEPTH;
}

static int
cb_start_map(void *ctx)
{
	struct jrec *jr = ctx;

	if (jr->root != 0) {
		if (too_deep(jr))
			return 0;
		if (at_cell(jr))
			next_cell(jr);
		/* The object of JSON text is the string's value, not one. */
		if (jr->nest == 0 || jr->depth != jr->nest_base)
			open_complex(jr);
	} else if (jr->tbl != 0)
		(void)table_value(jr, '{', NULL, 0);
	else if (jr->depth == 0 || (jr->cont && jr->depth == jr->cont))
		begin_record(jr, 0);
	jr->pending = P_NONE;
	jr->depth++;
	return 1;
}

/* The kind of container the top-level member k names, or P_NONE. */
static enum pending
container(const struct jrec *jr, const char *k, size_t len)
{
	int	 i;

	for (i = 0; i < jr->ncont; i++)
		if (jr->clen[i] == len && memcmp(jr->cname[i], k, len) == 0)
			return len == 6 && memcmp(k, "tables", 6) == 0 ?
			    P_TABLES : P_CONT;
	return P_NONE;
}

static int
cb_map_key(void *ctx, const unsigned char *k, size_t len)
{
	struct jrec *jr = ctx;
	int	 d;

	jr->pending = P_NONE;
	if (jr->root == 0) {
		if (jr->table != 0 && jr->depth == jr->table) {
			if (len == 7 && memcmp(k, "columns", 7) == 0)
				jr->pending = P_COLUMNS;
			else if (len == 4 && memcmp(k, "rows", 4) == 0)
				jr->pending = P_ROWS;
		} else if (jr->colobj != 0 && jr->depth == jr->colobj &&
		    len == 4 && memcmp(k, "name", 4) == 0)
			jr->pending = P_COLNAME;
		return 1;
	}
	d = rel(jr);
	if (d <= JREC_MAXDEPTH && !jr->in_array)
		key_at(jr, d, (const char *)k, len);
	/*
	 * A member of a top-level object, or of an object in a top-level
	 * array or a container's array at the top: maybe a container.
	 */
	if (jr->containers && jr->depth == jr->root &&
	    (jr->clenmask >> (len < 63 ? len : 63) & 1) != 0 &&
	    (jr->root == 1 || (jr->root == jr->cont + 1 && jr->outer == 0)))
		jr->pending = container(jr, (const char *)k, len);
	return 1;
}

/* A record is complete: resolve its values and hand it over. */
static int
emit(struct jrec *jr)
{
	size_t	 i;

	for (i = 0; i < jr->nfields; i++)
		if (jr->offs[i] != (size_t)-1 &&
		    (jr->vals[i].type == JV_STRING ||
		    jr->vals[i].type == JV_NUMBER))
			jr->vals[i].s = jr->arena + jr->offs[i];
	jr->nrecords++;
	jr->handled = jrec_stream_position(jr);
	if (jr->fn != NULL && jr->fn(jr->arg, jr) == -1) {
		jr->stopped = 1;
		return 0;	/* Stops yajl: the caller asked to stop. */
	}
	return 1;
}

static int
cb_end_map(void *ctx)
{
	struct jrec *jr = ctx;

	jr->pending = P_NONE;
	jr->depth--;
	if (jr->root != 0) {
		if (jr->depth == jr->root - 1) {
			jr->root = 0;
			return emit(jr);
		}
	} else if (jr->colobj != 0 && jr->depth == jr->colobj - 1) {
		if (!jr->col_named)
			jr->cols = COLS_BAD;
		jr->colobj = 0;
	} else if (jr->table != 0 && jr->depth == jr->table - 1)
		jr->table = 0;
	return 1;
}

static int
cb_start_array(void *ctx)
{
	struct jrec *jr = ctx;

	if ((jr->pending == P_CONT || jr->pending == P_TABLES) &&
	    jr->root != 0 && jr->depth == jr->root) {
		/*
		 * A container's array: it holds records, or tables.  The
		 * object it is a member of is not a record.  When that
		 * object stands in an array, the array goes on after it.
		 */
		if (jr->root != 1 && jr->pending == P_CONT)
			jr->outer = jr->cont;
		jr->root = 0;
		if (jr->pending == P_CONT)
			jr->cont = jr->depth + 1;
		else
			jr->tbl = jr->depth + 1;
	} else if (jr->root != 0) {
		int	 f;

		if (too_deep(jr))
			return 0;
		if (at_cell(jr))
			next_cell(jr);
		f = match(jr);
		open_complex(jr);
		if (f >= 0 && (jr->fields[f].flags & JF_LIST) &&
		    jr->list_field < 0) {
			jr->list_field = f;
			jr->list_depth = jr->depth + 1;
			jr->llen = 0;
		}
		if (jr->in_array == 0)
			jr->in_array = jr->depth + 1;
	} else if (jr->tbl != 0) {
		if (table_value(jr, '[', NULL, 0))
			begin_record(jr, 1);
	} else if (jr->depth == 0 && jr->containers)
		jr->cont = 1;	/* A top-level array of records. */
	else
		not_record(jr);
	jr->pending = P_NONE;
	jr->depth++;
	return 1;
}

/* A row ends: hand it over, or count it as bad. */
static int
end_row(struct jrec *jr)
{
	char	 why[64];

	jr->root = 0;
	jr->row = 0;
	if (jr->cols != COLS_OK) {
		bad_row(jr, jr->cols == COLS_NONE ? "comes before the "
		    "table's columns" : "the table's columns are not an "
		    "array of named objects");
		return 1;
	}
	if (jr->cell != jr->ncols) {
		snprintf(why, sizeof(why), "%zu cell%s for %zu column%s",
		    jr->cell, jr->cell == 1 ? "" : "s", jr->ncols,
		    jr->ncols == 1 ? "" : "s");
		bad_row(jr, why);
		return 1;
	}
	return emit(jr);
}

static int
cb_end_array(void *ctx)
{
	struct jrec *jr = ctx;

	jr->pending = P_NONE;
	if (jr->root != 0 && at_cell(jr)) {
		jr->depth--;
		return end_row(jr);
	}
	if (jr->in_array == jr->depth)
		jr->in_array = 0;
	if (jr->cont == jr->depth) {
		jr->cont = jr->outer;
		jr->outer = 0;
	}
	if (jr->tbl == jr->depth)
		jr->tbl = 0;
	if (jr->colarr == jr->depth)
		jr->colarr = 0;
	if (jr->rowarr == jr->depth)
		jr->rowarr = 0;
	if (jr->list_field >= 0 && jr->list_depth == jr->depth) {
		int	 f = jr->list_field;

		jr->list_field = -1;
		jr->vals[f].type = JV_STRING;
		jr->offs[f] = arena_put(jr, jr->list ? jr->list : "", jr->llen,
		    0);
		jr->vals[f].len = jr->llen;
	}
	jr->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array
};

/*
 * The string s (len bytes, decoded) is where a field's path goes on:
 * when it is JSON text of an object, read its members as the members of
 * an object standing there, with a second parser on the same callbacks.
 * When it is not (or it is too big or too deep), every value it set is
 * put back: it is just a string.
 */
static void
nested_text(struct jrec *jr, const char *s, size_t len)
{
	struct jval	 vals[64];
	size_t		 offs[64], alen = jr->alen, i = 0;
	uint64_t	 cand[JREC_MAXDEPTH];
	int		 depth = jr->depth, base = jr->nest_base, ok;
	yajl_handle	 h;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'))
		i++;
	if (i == len || s[i] != '{' || len > JREC_TEXT_MAX)
		return;
	memcpy(vals, jr->vals, jr->nfields * sizeof(*vals));
	memcpy(offs, jr->offs, jr->nfields * sizeof(*offs));
	memcpy(cand, jr->cand, sizeof(cand));
	jr->nest++;
	jr->nest_base = depth;
	h = yajl_alloc(&callbacks, &xalloc_yajl_funcs, jr);
	yajl_config(h, yajl_dont_validate_strings, 1);
	ok = yajl_parse(h, (const unsigned char *)s, len) == yajl_status_ok &&
	    yajl_complete_parse(h) == yajl_status_ok;
	yajl_free(h);
	jr->nest--;
	jr->nest_base = base;
	jr->depth = depth;
	jr->in_array = 0;
	jr->list_field = -1;
	jr->pending = P_NONE;
	memcpy(jr->cand, cand, sizeof(cand));
	if (!ok) {
		memcpy(jr->vals, vals, jr->nfields * sizeof(*vals));
		memcpy(jr->offs, offs, jr->nfields * sizeof(*offs));
		jr->alen = alen;
	}
}

struct jrec *
jrec_new(const struct jfield *fields, size_t nfields)
{
	struct jrec *jr = xcalloc(1, sizeof(*jr));
	size_t	 i;
	int	 d;

	jr->fields = fields;
	jr->nfields = nfields;
	jr->vals = xcalloc(nfields, sizeof(*jr->vals));
	jr->offs = xcalloc(nfields, sizeof(*jr->offs));
	if (nfields > 64)
		abort();	/* The field sets are 64-bit masks. */
	jr->flen = xcalloc(nfields, sizeof(*jr->flen));
	jr->fword = xcalloc(nfields, sizeof(*jr->fword));
	for (i = 0; i < nfields; i++) {
		for (d = 0; d < JREC_MAXDEPTH && fields[i].path[d]; d++) {
			jr->flen[i][d] = strlen(fields[i].path[d]);
			jr->fword[i][d] = key_word(fields[i].path[d],
			    jr->flen[i][d]);
		}
		jr->bylen[jr->flen[i][0] < 63 ? jr->flen[i][0] : 63] |=
		    1ULL << i;
		for (d = 0; d + 1 < JREC_MAXDEPTH && fields[i].path[d + 1];
		    d++)
			jr->longer[d] |= 1ULL << i;
	}
	return jr;
}

void
jrec_set_containers(struct jrec *jr, const char *const *names)
{
	jr->ncont = 0;
	jr->clenmask = 0;
	while (names != NULL && names[jr->ncont] != NULL &&
	    jr->ncont < JREC_MAXCONTAINERS) {
		jr->cname[jr->ncont] = names[jr->ncont];
		jr->clen[jr->ncont] = strlen(names[jr->ncont]);
		jr->clenmask |= 1ULL << (jr->clen[jr->ncont] < 63 ?
		    jr->clen[jr->ncont] : 63);
		jr->ncont++;
	}
}

/* The first byte at or after p that is not JSON white space, or end. */
static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	return p;
}

int
jrec_container_line(const struct jrec *jr, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *k;
	size_t	 n;
	int	 i;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	p = skip_ws(p, end);
	if (p == end || *p++ != '{')
		return 0;
	p = skip_ws(p, end);
	if (p == end || *p++ != '"')
		return 0;
	for (k = p; p < end && *p != '"'; p++)
		if (*p == '\\')
			return jr->ncont > 0;	/* Cannot tell cheaply. */
	if (p == end)
		return 0;
	n = (size_t)(p++ - k);
	p = skip_ws(p, end);
	if (p == end || *p++ != ':')
		return 0;
	p = skip_ws(p, end);
	if (p == end || *p != '[')
		return 0;
	for (i = 0; i < jr->ncont; i++)
		if (jr->clen[i] == n && memcmp(jr->cname[i], k, n) == 0)
			return 1;
	return 0;
}

void
jrec_free(struct jrec *jr)
{
	if (jr == NULL)
		return;
	if (jr->h != NULL)
		yajl_free(jr->h);
	free(jr->vals);
	free(jr->offs);
	free(jr->flen);
	free(jr->fword);
	free(jr->arena);
	free(jr->list);
	free(jr->colnames);
	free(jr->coloff);
	free(jr->collen);
	free(jr);
}

static void
start(struct jrec *jr, int containers, int multiple,
    int (*fn)(void *, struct jrec *), void *arg)
{
	if (jr->h != NULL)
		yajl_free(jr->h);
	memset(jr->vals, 0, jr->nfields * sizeof(*jr->vals));
	jr->alen = 0;
	jr->depth = jr->in_array = jr->root = jr->cont = jr->outer = 0;
	jr->pending = P_NONE;
	jr->stopped = 0;
	jr->tbl = jr->table = jr->colarr = jr->colobj = jr->rowarr = 0;
	jr->cols = COLS_NONE;
	jr->ncols = jr->cnlen = 0;
	jr->tableno = jr->rowno = 0;
	jr->row = 0;
	jr->nest = 0;
	jr->list_field = -1;
	jr->nonobject = jr->nrecords = 0;
	jr->handled = 0;
	jr->badwhy[0] = '\0';
	jr->containers = containers;
	jr->fn = fn;
	jr->arg = arg;
	jr->err[0] = '\0';
	jr->h = NULL;
	if (multiple < 0)
		return;			/* The flat pass: no parser. */
	jr->h = yajl_alloc(&callbacks, &xalloc_yajl_funcs, jr);
	yajl_config(jr->h, yajl_dont_validate_strings, 1);
	if (multiple)
		yajl_config(jr->h, yajl_allow_multiple_values, 1);
}

/*
 * The flat pass.  A line that is one object whose members are all
 * strings without escapes or control characters, numbers, true, false
 * or null (what exports write) is read without yajl: its tokens are
 * checked and noted first, then handed to the same callbacks in the
 * order yajl would give them.  Anything else is left to yajl before any
 * callback has run.
 */
#define FLAT_MAX	128	/* Members the flat pass reads. */

struct flat_tok {
	const char	*k, *v;		/* Key and value (strings: inside the
					   quotes). */
	uint32_t	 klen, vlen;
	char		 kind;		/* 's', 'n', 't', 'f', 'z' (null). */
};

static int
flat_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FLAT_LITTLE	1	/* A word's lowest byte is its first. */
#else
#define FLAT_LITTLE	0
#endif

/* The end of a string opened just before p: its closing quote, or NULL. */
static inline const char *
flat_string(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t w, q, b, l, m;
	unsigned char c;

#ifdef __SSE2__
	/*
	 * Sixteen bytes at a time: each lane is tested exactly, so the
	 * lowest one flagged ends the string or the fast pass.
	 */
	{
		const __m128i vq = _mm_set1_epi8('"'), vb = _mm_set1_epi8('\\');
		const __m128i vd = _mm_set1_epi8(0x7f), vc = _mm_set1_epi8(0x1f);
		__m128i	 x, hit;
		unsigned mask;

		for (; end - p >= 16; p += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)p);
			hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vq),
			    _mm_cmpeq_epi8(x, vb)), _mm_or_si128(
			    _mm_cmpeq_epi8(x, vd),
			    _mm_cmpeq_epi8(_mm_min_epu8(x, vc), x)));
			if ((mask = (unsigned)_mm_movemask_epi8(hit)) != 0) {
				p += __builtin_ctz(mask);
				return *p == '"' ? p : NULL;
			}
		}
	}
#endif

	/*
	 * Eight bytes at a time while none of them is a quote, a backslash,
	 * a control character or DEL.  Each test may flag a byte that is
	 * none of these, but only above one that is (a borrow runs up from
	 * it), so the lowest byte flagged is the first that ends the run.
	 */
	for (; end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		l = w ^ (ones * 0x7f);
		if ((m = (((q - ones) & ~q) | ((b - ones) & ~b) |
		    ((l - ones) & ~l) | ((w - ones * 0x20) & ~w)) & highs) != 0) {
			if (!FLAT_LITTLE)
				break;
			p += __builtin_ctzll(m) / 8;
			return *p == '"' ? p : NULL;
		}
	}
	for (; p < end; p++) {
		c = (unsigned char)*p;
		if (c == '"')
			return p;
		if (c == '\\' || c < 0x20 || c == 0x7f)
			return NULL;
	}
	return NULL;
}

static int
flat_numch(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	    c == 'e' || c == 'E';
}

/* Note the members of the flat object at text: their count, or -1. */
static int
flat_scan(const char *text, size_t len, struct flat_tok *t)
{
	const char *p = text, *end = text + len, *q;
	int	 n = 0;

	while (p < end && flat_ws(*p))
		p++;
	if (p == end || *p++ != '{')
		return -1;
	while (p < end && flat_ws(*p))
		p++;
	if (p < end && *p == '}')
		goto close;
	for (;;) {
		if (n == FLAT_MAX || p == end || *p++ != '"' ||
		    (q = flat_string(p, end)) == NULL)
			return -1;
		t[n].k = p;
		t[n].klen = (uint32_t)(q - p);
		for (p = q + 1; p < end && flat_ws(*p); p++)
			;
		if (p == end || *p++ != ':')
			return -1;
		while (p < end && flat_ws(*p))
			p++;
		if (p == end)
			return -1;
		t[n].v = p;
		if (*p == '"') {
			if ((q = flat_string(++p, end)) == NULL)
				return -1;
			t[n].kind = 's';
			t[n].v = p;
			t[n].vlen = (uint32_t)(q - p);
			p = q + 1;
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			for (q = p; q < end && flat_numch(*q); q++)
				;
			if (!jrec_is_number(p, (size_t)(q - p)))
				return -1;
			t[n].kind = 'n';
			t[n].vlen = (uint32_t)(q - p);
			p = q;
		} else if ((size_t)(end - p) >= 4 && memcmp(p, "true", 4) == 0) {
			t[n].kind = 't';
			p += 4;
		} else if ((size_t)(end - p) >= 5 &&
		    memcmp(p, "false", 5) == 0) {
			t[n].kind = 'f';
			p += 5;
		} else if ((size_t)(end - p) >= 4 && memcmp(p, "null", 4) == 0) {
			t[n].kind = 'z';
			p += 4;
		} else
			return -1;
		n++;
		while (p < end && flat_ws(*p))
			p++;
		if (p == end)
			return -1;
		if (*p == '}')
			break;
		if (*p++ != ',')
			return -1;
		while (p < end && flat_ws(*p))
			p++;
	}
close:
	for (p++; p < end; p++)
		if (!flat_ws(*p))
			return -1;
	return n;
}

int
jrec_parse_flat(struct jrec *jr, const char *text, size_t len,
    int (*fn)(void *, struct jrec *), void *arg)
{
	struct flat_tok	 t[FLAT_MAX];
	int		 n, i, go = 1;

	if (len > UINT32_MAX || (n = flat_scan(text, len, t)) < 0)
		return -1;
	start(jr, 1, -1, fn, arg);
	go = cb_start_map(jr);
	for (i = 0; i < n && go; i++) {
		go = cb_map_key(jr, (const unsigned char *)t[i].k, t[i].klen);
		if (!go)
			break;
		switch (t[i].kind) {
		case 's':
			go = cb_string(jr, (const unsigned char *)t[i].v,
			    t[i].vlen);
			break;
		case 'n':
			go = cb_number(jr, t[i].v, t[i].vlen);
			break;
		case 't':
			go = cb_bool(jr, 1);
			break;
		case 'f':
			go = cb_bool(jr, 0);
			break;
		default:
			go = cb_null(jr);
			break;
		}
	}
	if (go)
		(void)cb_end_map(jr);
	return JREC_OK;
}

/* Keep yajl's message for a failed parse, and end the parse. */
static enum jrec_status
failed(struct jrec *jr, const char *text, size_t len)
{
	unsigned char *msg;
	const char *m;
	size_t	 i;

	if (jr->stopped)
		return JREC_OK;
	jr->offset = yajl_get_bytes_consumed(jr->h);
	msg = yajl_get_error(jr->h, 0, (const unsigned char *)text, len);
	m = (const char *)msg;
	/* yajl says "parse error: ..." or "lexical error: ...". */
	if (strncmp(m, "parse error: ", 13) == 0)
		m += 13;
	snprintf(jr->err, sizeof(jr->err), "%s", m);
	i = strlen(jr->err);
	while (i > 0 && (jr->err[i - 1] == '\n' || jr->err[i - 1] == ' ' ||
	    jr->err[i - 1] == '.'))
		jr->err[--i] = '\0';
	yajl_free_error(jr->h, msg);
	yajl_free(jr->h);
	jr->h = NULL;
	return JREC_SYNTAX;
}

static int
blank(const char *text, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
		    text[i] != '\n')
			return 0;
	return 1;
}

/* Parse one text to its end; JREC_OK or JREC_SYNTAX. */
static enum jrec_status
parse_all(struct jrec *jr, const char *text, size_t len)
{
	if (yajl_parse(jr->h, (const unsigned char *)text, len) !=
	    yajl_status_ok || yajl_complete_parse(jr->h) != yajl_status_ok)
		return failed(jr, text, len);
	yajl_free(jr->h);
	jr->h = NULL;
	return JREC_OK;
}

enum jrec_status
jrec_parse(struct jrec *jr, const char *text, size_t len)
{
	enum jrec_status st;

	if (blank(text, len))
		return JREC_EMPTY;
	start(jr, 0, 0, NULL, NULL);
	if ((st = parse_all(jr, text, len)) != JREC_OK)
		return st;
	return jr->nrecords == 1 ? JREC_OK : JREC_NOTOBJECT;
}

enum jrec_status
jrec_check(struct jrec *jr, const char *text, size_t len)
{
	static const yajl_callbacks none;

	if (blank(text, len))
		return JREC_EMPTY;
	if (jr->h != NULL)
		yajl_free(jr->h);
	jr->err[0] = '\0';
	jr->stopped = 0;
	jr->h = yajl_alloc(&none, &xalloc_yajl_funcs, jr);
	yajl_config(jr->h, yajl_dont_validate_strings, 1);
	return parse_all(jr, text, len);
}

enum jrec_status
jrec_parse_records(struct jrec *jr, const char *text, size_t len,
    int (*fn)(void *, struct jrec *), void *arg)
{
	enum jrec_status st;

	if (blank(text, len))
		return JREC_EMPTY;
	start(jr, 1, 0, fn, arg);
	if ((st = parse_all(jr, text, len)) != JREC_OK)
		return st;
	return jr->nrecords == 0 && jr->nonobject > 0 ? JREC_NOTOBJECT :
	    JREC_OK;
}

void
jrec_stream_begin(struct jrec *jr, int (*fn)(void *, struct jrec *),
    void *arg)
{
	start(jr, 1, 1, fn, arg);
	jr->consumed = 0;
}

enum jrec_status
jrec_stream_feed(struct jrec *jr, const char *buf, size_t len)
{
	enum jrec_status st;

	if (jr->h == NULL)
		return JREC_SYNTAX;
	/* yajl does not skip a byte-order mark: do it at the start. */
	if (jr->consumed == 0 && len >= 3 &&
	    memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
		jr->consumed = 3;
	}
	if (yajl_parse(jr->h, (const unsigned char *)buf, len) !=
	    yajl_status_ok) {
		st = failed(jr, buf, len);
		jr->offset += jr->consumed;
		return st;
	}
	jr->consumed += len;
	return JREC_OK;
}

enum jrec_status
jrec_stream_end(struct jrec *jr)
{
	if (jr->h == NULL)
		return JREC_SYNTAX;
	if (yajl_complete_parse(jr->h) != yajl_status_ok) {
		if (failed(jr, NULL, 0) == JREC_OK)
			return JREC_OK;
		jr->offset = jr->consumed;	/* The end of the stream. */
		return JREC_SYNTAX;
	}
	yajl_free(jr->h);
	jr->h = NULL;
	return JREC_OK;
}

uint64_t
jrec_stream_position(const struct jrec *jr)
{
	return jr->consumed + (jr->h != NULL ?
	    yajl_get_bytes_consumed(jr->h) : 0);
}

uint64_t
jrec_error_offset(const struct jrec *jr)
{
	return jr->offset;
}

uint64_t
jrec_nonobjects(const struct jrec *jr)
{
	return jr->nonobject;
}

const char *
jrec_bad_reason(const struct jrec *jr)
{
	return jr->badwhy;
}

uint64_t
jrec_stream_handled(const struct jrec *jr)
{
	return jr->handled;
}

const char *
jrec_error(const struct jrec *jr)
{
	return jr->err;
}

const struct jval *
jrec_get(const struct jrec *jr, size_t i)
{
	return &jr->vals[i];
}

int
jrec_is_number(const char *s, size_t len)
{
	size_t	 i = 0;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9')
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < len && s[i] == '.') {
		if (++i >= len || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == len;
}

int
jrec_is_document(const char *buf, size_t len)
{
	struct jrec	*jr;
	const char	*p = buf, *end = buf + len, *nl;
	int		 doc;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	if (p >= end || (*p != '{' && *p != '['))
		return -1;
	if (*p == '[')
		return 1;
	nl = memchr(p, '\n', (size_t)(end - p));
	jr = jrec_new(NULL, 0);
	doc = jrec_parse(jr, p, nl ? (size_t)(nl - p) : (size_t)(end - p)) ==
	    JREC_SYNTAX && strstr(jrec_error(jr), "premature EOF") != NULL;
	jrec_free(jr);
	return doc;
}
