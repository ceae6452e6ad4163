/*
 * bench_lookup: the lookup part of the benchmark (scripts/bench.sh builds
 * and runs it against build/std/libtikv.a; it is not installed).
 *
 *   bench_lookup [-c count] [-d distance] [-f 4|6] index N SEED
 *
 * The index must have been built by ti-index from "gendata ti N SEED".
 * bench_lookup times tidx_open plus a first lookup (the start-up of
 * kv-match; median of 21, each followed by tidx_close, and the first of
 * them alone), then makes count hit addresses (random indicator rows below
 * N, regenerated with gendata.h rather than read back) and count miss
 * addresses (numbers that are never indicators), and times, as the median
 * of 5 passes each: plain tidx_lookup in a loop (independent lookups, so
 * the processor overlaps their cache misses), a chained loop (the next
 * address depends on the last result: latency, although for misses the
 * processor still runs ahead on a predicted result) and a batched loop
 * that prefetches distance addresses ahead with tidx_prefetch.  It checks
 * that every hit is found and no miss is, and prints one line of
 * name=value pairs for the script (microseconds and nanoseconds).
 * With -f, hits and misses are addresses of that family only.  The
 * environment variable GENDATA_V6_PERCENT must be as it was for gendata.
 * Exit status: 0; 1 when a hit was not found or a miss was; 2 on usage or
 * index errors.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "ktime.h"
#include "tidx.h"

#include "gendata.h"

#define OPEN_REPS	21
#define PASSES		5

static int64_t
now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(2, "clock_gettime");
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t
median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}

/* Make the address of number i as the data has it, parsed as kv-match would. */
static void
make_addr(uint64_t seed, uint64_t i, struct addr *a)
{
	char	 buf[GD_ADDRLEN];
	size_t	 len = gd_addr(seed, i, buf);

	if (addr_parse(buf, len, a) == -1)
		errx(2, "generated address does not parse: %s", buf);
}

/* One pass of plain lookups; returns the number found. */
static uint64_t
pass_plain(const struct tidx *ix, const struct addr *v, size_t n)
{
	uint64_t found = 0;
	size_t	 k;

	for (k = 0; k < n; k++)
		found += tidx_lookup(ix, &v[k]) >= 0;
	return found;
}

/*
 * One pass where each lookup waits for the one before: the address read
 * next depends on the last result (never INT64_MIN, but the compiler
 * cannot know), so this measures latency, not throughput.
 */
static uint64_t
pass_chained(const struct tidx *ix, const struct addr *v, size_t n)
{
	uint64_t found = 0;
	int64_t	 e = 0;
	size_t	 k;

	for (k = 0; k < n; k++) {
		e = tidx_lookup(ix, &v[k - (size_t)(e == INT64_MIN)]);
		found += e >= 0;
	}
	return found;
}

/*
 * One pass that prefetches dist addresses ahead of the lookup, as
 * kv-match does (tidx_lookup_fetched).
 */
static uint64_t
pass_batched(const struct tidx *ix, const struct addr *v, size_t n,
    size_t dist)
{
	uint64_t found = 0;
	size_t	 k;

	for (k = 0; k < dist && k < n; k++)
		tidx_prefetch(ix, &v[k]);
	for (k = 0; k < n; k++) {
		if (k + dist < n)
			tidx_prefetch(ix, &v[k + dist]);
		found += tidx_lookup_fetched(ix, &v[k]) >= 0;
	}
	return found;
}

enum mode { PLAIN, CHAINED, BATCHED };

/* Median ns per lookup over PASSES passes; *found from the last pass. */
static double
time_passes(const struct tidx *ix, const struct addr *v, size_t n,
    enum mode m, size_t dist, uint64_t *found)
{
	int64_t	 t[PASSES], t0;
	int	 p;

	for (p = 0; p < PASSES; p++) {
		t0 = now_ns();
		switch (m) {
		case PLAIN:
			*found = pass_plain(ix, v, n);
			break;
		case CHAINED:
			*found = pass_chained(ix, v, n);
			break;
		case BATCHED:
			*found = pass_batched(ix, v, n, dist);
			break;
		}
		t[p] = now_ns() - t0;
	}
	return (double)median(t, PASSES) / (double)n;
}

static unsigned long long
number(const char *what, const char *s, unsigned long long max)
{
	char		*end;
	unsigned long long v;

	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || v > max)
		errx(2, "%s: not a whole number up to %llu: %s", what, max,
		    s);
	return v;
}

/*
 * A random address number in [lo, hi) of family fam (4 or 6; 0: any).
 */
static uint64_t
pick(struct gd_rng *r, uint64_t seed, uint64_t lo, uint64_t hi, int fam)
{
	uint64_t i;
	int	 tries;

	for (tries = 0; tries < 100000; tries++) {
		i = lo + gd_below(r, hi - lo);
		if (fam == 0 || gd_is_v6(seed, i) == (fam == 6))
			return i;
	}
	errx(2, "no IPv%d address in the data", fam);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: bench_lookup [-c count] [-d distance] [-f 4|6] index N "
	    "SEED\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct tidx	*ix;
	struct addr	*hits, *misses, probe;
	struct gd_rng	 r;
	enum tidx_status st;
	const char	*path;
	int64_t		 t_open[OPEN_REPS], t_first[OPEN_REPS], t0, t1, cold;
	uint64_t	 n, seed, fh, fm, fhc, fmc, fhb, fmb;
	size_t		 count = 1000000, dist = 16, k;
	double		 hit_ns, miss_ns, hitc_ns, missc_ns, hitb_ns, missb_ns;
	int		 ch, rep, fam = 0;

	gd_v6_share_env();
	while ((ch = getopt(argc, argv, "c:d:f:")) != -1) {
		switch (ch) {
		case 'c':
			count = (size_t)number("-c", optarg, 100000000);
			if (count == 0)
				usage();
			break;
		case 'd':
			dist = (size_t)number("-d", optarg, 1024);
			break;
		case 'f':
			fam = (int)number("-f", optarg, 6);
			if (fam != 4 && fam != 6)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	path = argv[0];
	n = number("N", argv[1], GD_ROWS_MAX);
	seed = number("SEED", argv[2], UINT64_MAX);
	if (n == 0)
		usage();

	/* Start-up: open, map, validate, and the first lookup. */
	make_addr(seed, 0, &probe);
	for (rep = 0; rep < OPEN_REPS; rep++) {
		t0 = now_ns();
		if ((st = tidx_open(path, &ix)) != TIDX_OK) {
			if (st == TIDX_ERR_IO)
				err(2, "%s", path);
			errx(2, "%s: %s", path, tidx_strerror(st));
		}
		t1 = now_ns();
		if (tidx_lookup(ix, &probe) < 0)
			errx(1, "%s: row 0 of the data is not indexed (was "
			    "it built from gendata ti %llu %llu with --now "
			    "%s?)", path, (unsigned long long)n,
			    (unsigned long long)seed, GD_NOW_TEXT);
		t_first[rep] = now_ns() - t0;
		t_open[rep] = t1 - t0;
		tidx_close(ix);
	}
	if ((st = tidx_open(path, &ix)) != TIDX_OK)
		errx(2, "%s: %s", path, tidx_strerror(st));

	if ((hits = calloc(count, sizeof(*hits))) == NULL ||
	    (misses = calloc(count, sizeof(*misses))) == NULL)
		err(2, "calloc");
	gd_seed(&r, seed, 0x6c6f6f6b7570ULL);
	for (k = 0; k < count; k++) {
		make_addr(seed, pick(&r, seed, 0, n, fam), &hits[k]);
		make_addr(seed, pick(&r, seed, GD_ROWS_MAX, GD_SPACE, fam),
		    &misses[k]);
	}

	hit_ns = time_passes(ix, hits, count, PLAIN, 0, &fh);
	miss_ns = time_passes(ix, misses, count, PLAIN, 0, &fm);
	hitc_ns = time_passes(ix, hits, count, CHAINED, 0, &fhc);
	missc_ns = time_passes(ix, misses, count, CHAINED, 0, &fmc);
	hitb_ns = time_passes(ix, hits, count, BATCHED, dist, &fhb);
	missb_ns = time_passes(ix, misses, count, BATCHED, dist, &fmb);

	cold = t_first[0];
	printf("open_us=%.1f open_first_us=%.1f open_first_cold_us=%.1f "
	    "hit_ns=%.1f miss_ns=%.1f hit_chain_ns=%.1f miss_chain_ns=%.1f "
	    "hit_batch_ns=%.1f miss_batch_ns=%.1f "
	    "distance=%zu count=%zu hits_found=%llu misses_found=%llu\n",
	    (double)median(t_open, OPEN_REPS) / 1e3,
	    (double)median(t_first, OPEN_REPS) / 1e3,
	    (double)cold / 1e3,
	    hit_ns, miss_ns, hitc_ns, missc_ns, hitb_ns, missb_ns, dist, count,
	    (unsigned long long)fh, (unsigned long long)fm);
	tidx_close(ix);
	free(hits);
	free(misses);
	if (fh != count || fhc != count || fhb != count || fm != 0 ||
	    fmc != 0 || fmb != 0) {
		warnx("hits found %llu, %llu and %llu of %zu, misses found "
		    "%llu, %llu and %llu", (unsigned long long)fh,
		    (unsigned long long)fhc, (unsigned long long)fhb, count,
		    (unsigned long long)fm, (unsigned long long)fmc,
		    (unsigned long long)fmb);
		return 1;
	}
	return 0;
}
