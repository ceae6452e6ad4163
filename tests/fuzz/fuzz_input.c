/*
 * fuzz_input.c: libFuzzer harness for the input layer (input.c) with the
 * rule on a stream (match.c) as its consumer, as kv-match wires them,
 * against a small index built at start-up.
 *
 * The input is three header bytes, then a "broken prefix": any bytes
 * (made to end with a newline).  After the prefix comes a clean NDJSON
 * stream of records from a fixed set (header byte 2 says how many and
 * from where in the set); each record carries a marker in its id_s
 * member made from a hash of the whole input, so that the prefix cannot
 * forge it and the alerts of the records are told from any the prefix
 * may cause.  The whole is read through input_read() from a memfd or a
 * pipe (header byte 0: the read size; byte 1: read-ahead, pipe or file,
 * --validate), with the window 0, so every match alerts.
 *
 * Properties: nothing reads outside its buffers; the alerts that carry
 * the marker are exactly, byte for byte and in order, those of a clean
 * run of the records alone (no record after the last break lost, none
 * handled twice); records is the sum of the outcomes; the lines and
 * bytes counters count every line and byte of the input once.
 */
#define _GNU_SOURCE		/* memfd_create, F_SETPIPE_SZ */

#include <sys/mman.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "dedup.h"
#include "fuzz.h"
#include "input.h"
#include "jout.h"
#include "jrec.h"
#include "match.h"
#include "tidx.h"
#include "tidx_build.h"

#define MAXLINE		(1024 * 1024)
#define HEADER		3

static struct tidx	*ix;
static struct jout	*jo;		/* Kept: its buffer is large. */
static int		 outfd, infd;

/* A string of the builder b in scope (NULL: a null string). */
#define BS(x)	tidx_builder_string(b, (x), (x) == NULL ? 0 : strlen(x))

/* Build and open the index: addresses that alert, one expired, a net. */
static void
make_index(void)
{
	static const char *const addrs[] = {
		"203.0.113.10", "2001:db8::1", "198.51.100.8"
	};
	struct tidx_builder *b = tidx_builder_new();
	struct tidx_params p = { 0, 0, 0 };
	struct tidx_rec_ref r;
	struct addr	 a;
	int64_t		 rec[3];
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.expiration = INT64_MAX;
	r.confidence = 80;
	r.id = BS("ti-1");
	r.threat_type = BS("C2");
	r.activity_groups = r.description = r.url = r.type = BS(NULL);
	rec[0] = tidx_builder_record(b, &r);
	r.id = BS("ti-2");
	rec[1] = tidx_builder_record(b, &r);
	r.id = BS("ti-expired");
	r.expiration = 1;
	rec[2] = tidx_builder_record(b, &r);
	for (i = 0; i < 3; i++)
		if (rec[i] < 0 || addr_parse(addrs[i], strlen(addrs[i]),
		    &a) == -1 || tidx_builder_addr(b, &a, BS(addrs[i]),
		    (uint64_t)rec[i]) != TIDX_OK)
			abort();
	r.id = BS("ti-net");
	r.expiration = INT64_MAX;
	if ((rec[0] = tidx_builder_record(b, &r)) < 0 ||
	    addr_parse("10.9.0.0", 8, &a) == -1 ||
	    tidx_builder_prefix(b, &a, 112, BS("10.9.0.0/16"),
	    (uint64_t)rec[0]) != TIDX_OK)
		abort();
	ix = fuzz_index(b, &p);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	make_index();
	if ((outfd = memfd_create("alerts", 0)) == -1 ||
	    (infd = memfd_create("input", 0)) == -1)
		abort();
	jo = jout_new(outfd);
	return 0;
}

/*
 * The records after the prefix: %s is the marker, %u the record's
 * number.  Vault events that alert (exact and by prefix), one expired,
 * unindexed, not vault events, without time or address, an envelope.
 */
static const char *const fixed[] = {
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"2026-03-01T10:00:00Z\","
	    "\"CallerIPAddress\":\"203.0.113.10\",\"id_s\":\"%1$s-%2$u\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"2026-03-01T10:00:01Z\","
	    "\"CallerIPAddress\":\"2001:DB8::1\",\"id_s\":\"%1$s-%2$u\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"2026-03-01T10:00:02Z\","
	    "\"CallerIPAddress\":\"198.51.100.8\",\"id_s\":\"%1$s-%2$u\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"2026-03-01T10:00:03Z\","
	    "\"CallerIPAddress\":\"192.0.2.1\",\"id_s\":\"%1$s-%2$u\"}",
	"{\"ResourceType\":\"STORAGE\",\"TimeGenerated\":\"2026-03-01T10:00:04Z\","
	    "\"CallerIPAddress\":\"203.0.113.10\",\"id_s\":\"%1$s-%2$u\"}",
	"{\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"203.0.113.10\","
	    "\"id_s\":\"%1$s-%2$u\"}",
	"{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"2026-03-01T10:00:06Z\","
	    "\"id_s\":\"%1$s-%2$u\"}",
	"{\"records\":[{\"ResourceType\":\"VAULTS\","
	    "\"TimeGenerated\":\"2026-03-01T10:00:07Z\","
	    "\"CallerIPAddress\":\"10.9.8.7\",\"id_s\":\"%1$s-%2$u\"},"
	    "{\"ResourceType\":\"VAULTS\","
	    "\"TimeGenerated\":\"2026-03-01T10:00:08Z\","
	    "\"CallerIPAddress\":\"203.0.113.10\",\"id_s\":\"%1$s-%2$u-b\"}]}",
	"  {\"TimeGenerated\":\"2026-03-01T10:00:09Z\",\"ResourceType\":\"VAULTS\","
	    " \"CallerIPAddress\" : \"10.9.0.1\", \"id_s\":\"%1$s-%2$u\"}\r",
	"",
};
#define NFIXED	(sizeof(fixed) / sizeof(fixed[0]))

/* The reader's operations: kv-match's, without reports. */
struct run {
	struct input	*in;
	struct match	*m;
	struct jout	*out;
	uint64_t	 toolong, broken;
};

static int
op_sniff(void *arg, const char *buf, size_t len)
{
	(void)arg;
	return jrec_is_document(buf, len) == 1;
}

static void
op_line(void *arg, const char *line, size_t len)
{
	struct run *r = arg;

	match_line(r->m, input_name(r->in), input_lineno(r->in), line, len);
}

static void
op_toolong(void *arg)
{
	struct run *r = arg;

	match_flush(r->m);
	match_malformed(r->m);
	r->toolong++;
}

static void op_doc_begin(void *a) { match_doc_begin(((struct run *)a)->m); }
static int op_doc_end(void *a) { return match_doc_end(((struct run *)a)->m); }

static int
op_doc_feed(void *arg, const char *buf, size_t len)
{
	return match_doc_feed(((struct run *)arg)->m, buf, len);
}

static uint64_t
op_doc_handled(void *arg)
{
	return match_doc_handled(((struct run *)arg)->m);
}

static const char *
op_doc_error(void *arg, uint64_t *off)
{
	const char *why = match_doc_error(((struct run *)arg)->m, off);

	FUZZ_ASSERT(why != NULL && why[0] != '\0');
	return why;
}

static void
op_broken(void *arg, uint64_t line, const char *why)
{
	struct run *r = arg;

	FUZZ_ASSERT(line == 1);
	FUZZ_ASSERT(why != NULL && strstr(why, "reading on as lines") != NULL);
	match_malformed(r->m);
	r->broken++;
}

static void
op_idle(void *arg)
{
	struct run *r = arg;

	match_flush(r->m);
	FUZZ_ASSERT(jout_flush(r->out) == 0);
}

static int
op_between(void *arg, unsigned sigs)
{
	(void)arg;
	(void)sigs;
	return 0;
}

static const struct input_ops ops = {
	op_sniff, op_line, op_toolong, op_doc_begin, op_doc_feed, op_doc_end,
	op_doc_handled, op_doc_error, op_broken, op_idle, op_between
};

/* Put the len bytes at p in a memfd or a pipe; the path to read. */
static const char *
source(const char *p, size_t len, int pipe_it, int *pfd)
{
	static char path[64];
	int	 fd[2];
	ssize_t	 n;
	size_t	 off;

	*pfd = -1;
	if (pipe_it && pipe(fd) == 0) {
		if (fcntl(fd[1], F_SETPIPE_SZ, 1024 * 1024) >= (int)len) {
			for (off = 0; off < len; off += (size_t)n)
				if ((n = write(fd[1], p + off, len - off)) <= 0)
					abort();
			close(fd[1]);
			*pfd = fd[0];
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd[0]);
			return path;
		}
		close(fd[0]);
		close(fd[1]);
	}
	if (ftruncate(infd, 0) == -1)
		abort();
	for (off = 0; off < len; off += (size_t)n)
		if ((n = pwrite(infd, p + off, len - off, (off_t)off)) <= 0)
			abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", infd);
	return path;
}

/* The alerts of one read of the len bytes at p (free them), *alen. */
static char *
run(const char *p, size_t len, size_t read_size, int flags, size_t *alen)
{
	struct input_conf conf = { MAXLINE, read_size, flags & 1, 0 };
	struct match_opts mo = { (flags & 4) != 0, 0, 0 };
	struct dedup	*dd = dedup_new(0, 0, 100);
	struct run	 r;
	const char	*path;
	char		*out;
	off_t		 olen;
	uint64_t	 lines = 0;
	size_t		 i;
	int		 pfd;

	memset(&r, 0, sizeof(r));
	if (ftruncate(outfd, 0) == -1 || lseek(outfd, 0, SEEK_SET) != 0)
		abort();
	r.out = jo;
	r.m = match_new(ix, dd, r.out, &mo);
	r.in = input_new(&conf, &ops, &r);
	path = source(p, len, flags & 2, &pfd);
	FUZZ_ASSERT(input_read(r.in, path) == 0);
	if (pfd != -1)
		close(pfd);
	match_flush(r.m);
	FUZZ_ASSERT(jout_flush(r.out) == 0);
	FUZZ_ASSERT(match_counters_check(match_counters(r.m)) == 0);
	for (i = 0; i < len; i++)
		lines += p[i] == '\n';
	FUZZ_ASSERT(input_lines(r.in) == lines + (len > 0 && p[len - 1] !=
	    '\n'));
	FUZZ_ASSERT(input_bytes(r.in) == len);
	FUZZ_ASSERT(r.broken <= 1);

	olen = lseek(outfd, 0, SEEK_END);
	FUZZ_ASSERT(olen >= 0);
	if ((out = malloc((size_t)olen + 1)) == NULL)
		abort();
	FUZZ_ASSERT(pread(outfd, out, (size_t)olen, 0) == olen);
	out[olen] = '\0';
	*alen = (size_t)olen;
	input_free(r.in);
	match_free(r.m);
	dedup_free(dd);
	return out;
}

/* The lines of the alerts at a that hold the marker, in place. */
static size_t
marked(char *a, size_t len, const char *marker)
{
	char	*p = a, *e = a + len, *nl, *w = a;
	size_t	 n;

	for (; p < e; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		FUZZ_ASSERT(nl != NULL);
		n = (size_t)(nl - p) + 1;
		if (memmem(p, n, marker, strlen(marker)) != NULL) {
			memmove(w, p, n);
			w += n;
		}
	}
	return (size_t)(w - a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 marker[32], line[1024], *all, *clean, *a, *c;
	size_t	 plen, clen, cl, al, nrec, first, i, rs;
	uint32_t h = 2166136261u;
	int	 flags;

	if (size < HEADER)
		return 0;
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	snprintf(marker, sizeof(marker), "m%08x", h);
	rs = data[0] < 200 ? 1 + data[0] % 64u : 1 + (data[0] - 200u) * 4096u;
	flags = data[1];
	nrec = 1 + (data[2] & 15u);
	first = data[2] >> 4;

	/* The prefix, ending with a newline, then the records. */
	plen = size - HEADER;
	if ((all = malloc(plen + 1 + nrec * sizeof(line))) == NULL ||
	    (clean = malloc(nrec * sizeof(line))) == NULL)
		abort();
	memcpy(all, data + HEADER, plen);
	if (plen == 0 || all[plen - 1] != '\n')
		all[plen++] = '\n';
	for (i = 0, clen = 0; i < nrec; i++) {
		snprintf(line, sizeof(line), fixed[(first + i) % NFIXED],
		    marker, (unsigned)i);
		clen += (size_t)sprintf(clean + clen, "%s\n", line);
	}
	memcpy(all + plen, clean, clen);

	c = run(clean, clen, 65536, 0, &cl);
	FUZZ_ASSERT(marked(c, cl, marker) == cl);
	a = run(all, plen + clen, rs, flags, &al);
	al = marked(a, al, marker);
	if (al != cl || memcmp(a, c, cl) != 0) {
		fprintf(stderr, "alerts of the records alone:\n%.*s\n"
		    "after the prefix:\n%.*s\n", (int)cl, c, (int)al, a);
		FUZZ_ASSERT(!"the records alert as without the prefix");
	}
	free(a);
	free(c);
	free(all);
	free(clean);
	return 0;
}
