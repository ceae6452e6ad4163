/*
 * tidx.c: opening, validating, searching and verifying the index file
 * (the writer is tidx_build.c).  The layout is defined in tidx.h (and
 * man/ti-index.5); every check below names the field it checks.
 * Opening validates the header and section table in small steps, in the
 * manner of libmaxminddb's MMDB_open; after that, lookups read the
 * sections in place.
 */
#define _DEFAULT_SOURCE		/* madvise(2) and MADV_HUGEPAGE. */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "crc32c.h"
#include "tidx.h"
#include "tidx_int.h"
#include "xalloc.h"

#define MAX_HEADER_SIZE	4096	/* A later minor may grow the header. */

/* Element size of each kind; STRINGS counts strings, not bytes. */
static const uint32_t elem_size[TIDX_NKINDS + 1] = {
	0, TIDX_REC_SIZE, TIDX_ENT_SIZE, TIDX_SLOT4_SIZE, TIDX_BKT6_SIZE,
	TIDX_META_SIZE, 1, TIDX_CIDR4_SIZE, TIDX_CIDR6_SIZE, 4, 4,
	TIDX_FILTER_WORD
};

struct tidx {
	const unsigned char *map;
	size_t		 size;
	struct tidx_info info;
	struct tidx_section sec[TIDX_NKINDS + 1]; /* By kind; [0] unused. */
	const unsigned char *recs, *entries, *hash4, *hash6, *meta, *strings;
	const unsigned char *cidr4, *cidr6, *dir4, *dir6;	/* Or NULL. */
	const unsigned char *filter;	/* FILTER, or NULL: none or empty. */
	uint64_t	 mask4;		/* HASH4 slots minus one. */
	uint64_t	 mask6;		/* HASH6 buckets minus one. */
	uint64_t	 fwords;	/* FILTER words. */
};

const char *
tidx_strerror(enum tidx_status st)
{
	switch (st) {
	case TIDX_OK:
		return "success";
	case TIDX_ERR_IO:
		return "I/O error";
	case TIDX_ERR_MAGIC:
		return "not an index (bad magic)";
	case TIDX_ERR_VERSION:
		return "unsupported index format version (rebuild the index "
		    "with this ti-index)";
	case TIDX_ERR_TRUNCATED:
		return "index truncated";
	case TIDX_ERR_HEADER:
		return "index header damaged";
	case TIDX_ERR_CHECKSUM:
		return "index checksum mismatch";
	case TIDX_ERR_DAMAGED:
		return "index damaged (reference out of range)";
	case TIDX_ERR_TOOBIG:
		return "too many indicators or strings for the index format";
	}
	return "unknown error";
}

/* ---------------------------------------------------------------------
 * Reading.
 */

/* The string at strref ref, or -1 when it does not lie in STRINGS. */
static int
get_str(const struct tidx *ix, uint32_t ref, struct tidx_str *s)
{
	uint64_t size = ix->sec[TIDX_STRINGS].size;
	uint32_t len;

	if (ref == TIDX_STRNULL) {
		s->p = NULL;
		s->len = 0;
		return 0;
	}
	if (size < 5 || ref > size - 5)
		return -1;
	len = tidx_rd32(ix->strings + ref);
	if (len > size - 5 - ref || ix->strings[ref + 4 + len] != '\0')
		return -1;
	s->p = (const char *)ix->strings + ref + 4;
	s->len = len;
	return 0;
}

/* The SourceSystem strref of record rec. */
static uint32_t
rec_source(const unsigned char *rec)
{
	return tidx_rd32(rec + TIDX_REC_SOURCE);
}

/* The number of slots of a hash section s (3 per HASH6 bucket). */
static uint64_t
hash_slots(const struct tidx_section *s)
{
	return s->kind == TIDX_HASH6 ? (uint64_t)s->count * TIDX_BKT6_SLOTS :
	    s->count;
}

/*
 * A range directory is sound: it never decreases and never passes the
 * number of ranges n.  (A constant 65537 reads, whatever the index size.)
 */
static int
dir_ok(const unsigned char *dir, uint64_t n)
{
	uint32_t i, prev = 0, v;

	for (i = 0; i < TIDX_DIR_COUNT; i++) {
		v = tidx_rd32(dir + 4 * (uint64_t)i);
		if (v < prev || v > n)
			return 0;
		prev = v;
	}
	return tidx_rd32(dir + 4 * (uint64_t)(TIDX_DIR_COUNT - 1)) == n;
}

/*
 * The header's fixed part: magic, size, version, the size of the header
 * and table, the header checksum and the file size.  Sets *tab_end, the
 * offset just past the section table.
 */
static enum tidx_status
check_header(struct tidx *ix, uint64_t *tab_end)
{
	const unsigned char *h = ix->map;
	static const unsigned char zero[4];
	uint32_t hsize, nsec, crc;

	if (ix->size < 8 || memcmp(h + TIDX_H_MAGIC, TIDX_MAGIC, 8) != 0)
		return TIDX_ERR_MAGIC;
	if (ix->size < TIDX_HEADER_SIZE)
		return TIDX_ERR_TRUNCATED;
	ix->info.major = tidx_rd16(h + TIDX_H_MAJOR);
	ix->info.minor = tidx_rd16(h + TIDX_H_MINOR);
	if (ix->info.major != TIDX_MAJOR)
		return TIDX_ERR_VERSION;
	hsize = tidx_rd32(h + TIDX_H_SIZE);
	nsec = tidx_rd32(h + TIDX_H_NSECTIONS);
	if (hsize < TIDX_HEADER_SIZE || hsize % 8 != 0 ||
	    hsize > MAX_HEADER_SIZE || nsec > TIDX_MAX_SECTIONS)
		return TIDX_ERR_HEADER;
	*tab_end = (uint64_t)hsize + (uint64_t)nsec * TIDX_SECTION_SIZE;
	if (*tab_end > ix->size)
		return TIDX_ERR_TRUNCATED;
	crc = crc32c(0, h, TIDX_H_CRC);
	crc = crc32c(crc, zero, 4);
	crc = crc32c(crc, h + TIDX_H_CRC + 4, *tab_end - (TIDX_H_CRC + 4));
	if (crc != tidx_rd32(h + TIDX_H_CRC))
		return TIDX_ERR_CHECKSUM;
	ix->info.file_size = tidx_rd64(h + TIDX_H_FILE_SIZE);
	if (ix->info.file_size != ix->size)
		return ix->info.file_size > ix->size ? TIDX_ERR_TRUNCATED :
		    TIDX_ERR_HEADER;
	return TIDX_OK;
}

/* The build parameters and counts of the header. */
static void
read_header_info(struct tidx *ix)
{
	const unsigned char *h = ix->map;

	ix->info.build_time = (int64_t)tidx_rd64(h + TIDX_H_BUILD_TIME);
	ix->info.now = (int64_t)tidx_rd64(h + TIDX_H_NOW);
	ix->info.lookback = (int64_t)tidx_rd64(h + TIDX_H_LOOKBACK);
	ix->info.n_v4 = tidx_rd64(h + TIDX_H_N_V4);
	ix->info.n_v6 = tidx_rd64(h + TIDX_H_N_V6);
	ix->info.n_cidr4 = tidx_rd64(h + TIDX_H_N_CIDR4);
	ix->info.n_cidr6 = tidx_rd64(h + TIDX_H_N_CIDR6);
}

/*
 * Entry k of the section table, as read (the header's size and entry
 * count already checked against the file).
 */
static void
table_entry(const struct tidx *ix, uint64_t k, struct tidx_section *s)
{
	const unsigned char *e = ix->map + tidx_rd32(ix->map + TIDX_H_SIZE) +
	    k * TIDX_SECTION_SIZE;

	s->kind = tidx_rd32(e + TIDX_S_KIND);
	s->crc = tidx_rd32(e + TIDX_S_CRC);
	s->off = tidx_rd64(e + TIDX_S_OFFSET);
	s->size = tidx_rd64(e + TIDX_S_SIZE);
	s->count = tidx_rd32(e + TIDX_S_COUNT);
	s->param = tidx_rd32(e + TIDX_S_PARAM);
}

/*
 * Section table entry k, checked: inside the file past the table,
 * aligned, sized as its count says, hash sections a power of two, and a
 * kind at most once.  Kinds of a later minor are skipped.
 */
static enum tidx_status
read_section(struct tidx *ix, uint64_t k, uint64_t tab_end)
{
	struct tidx_section s;

	table_entry(ix, k, &s);
	if (s.kind == 0 || s.kind > TIDX_NKINDS)
		return TIDX_OK;
	if (ix->sec[s.kind].kind != 0)
		return TIDX_ERR_HEADER;
	if (s.off % TIDX_ALIGN != 0 || s.off < tab_end ||
	    s.off > ix->size || s.size > ix->size - s.off)
		return TIDX_ERR_TRUNCATED;
	if (s.kind != TIDX_STRINGS &&
	    s.size != (uint64_t)s.count * elem_size[s.kind])
		return TIDX_ERR_HEADER;
	if ((s.kind == TIDX_HASH4 || s.kind == TIDX_HASH6) &&
	    ((s.count & (s.count - 1)) != 0 || s.param > hash_slots(&s)))
		return TIDX_ERR_HEADER;
	if (s.kind == TIDX_STRINGS && s.size > TIDX_STRNULL)
		return TIDX_ERR_HEADER;
	if ((s.kind == TIDX_DIR4 || s.kind == TIDX_DIR6) &&
	    s.count != TIDX_DIR_COUNT)
		return TIDX_ERR_HEADER;
	ix->sec[s.kind] = s;
	return TIDX_OK;
}

/*
 * Every base kind is there, each range section comes with its directory
 * (or neither is there), and each directory is sound.  Sets the section
 * pointers.
 */
static enum tidx_status
place_sections(struct tidx *ix)
{
	const struct tidx_section *sec = ix->sec;
	uint32_t k;

	for (k = 1; k <= TIDX_NBASE; k++)
		if (sec[k].kind == 0)
			return TIDX_ERR_HEADER;
	if ((sec[TIDX_CIDR4].kind == 0) != (sec[TIDX_DIR4].kind == 0) ||
	    (sec[TIDX_CIDR6].kind == 0) != (sec[TIDX_DIR6].kind == 0))
		return TIDX_ERR_HEADER;
	ix->recs = ix->map + sec[TIDX_RECORDS].off;
	ix->entries = ix->map + sec[TIDX_ENTRIES].off;
	ix->hash4 = ix->map + sec[TIDX_HASH4].off;
	ix->hash6 = ix->map + sec[TIDX_HASH6].off;
	ix->meta = ix->map + sec[TIDX_META].off;
	ix->strings = ix->map + sec[TIDX_STRINGS].off;
	if (sec[TIDX_CIDR4].kind != 0) {
		ix->cidr4 = ix->map + sec[TIDX_CIDR4].off;
		ix->dir4 = ix->map + sec[TIDX_DIR4].off;
		if (!dir_ok(ix->dir4, sec[TIDX_CIDR4].count))
			return TIDX_ERR_HEADER;
	}
	if (sec[TIDX_CIDR6].kind != 0) {
		ix->cidr6 = ix->map + sec[TIDX_CIDR6].off;
		ix->dir6 = ix->map + sec[TIDX_DIR6].off;
		if (!dir_ok(ix->dir6, sec[TIDX_CIDR6].count))
			return TIDX_ERR_HEADER;
	}
	if (sec[TIDX_FILTER].count != 0) {
		ix->filter = ix->map + sec[TIDX_FILTER].off;
		ix->fwords = sec[TIDX_FILTER].count;
	}
	return TIDX_OK;
}

/* The counts --info shows and the hash masks, from the sections. */
static void
read_section_info(struct tidx *ix)
{
	const struct tidx_section *sec = ix->sec;

	ix->info.ranges4 = sec[TIDX_CIDR4].count;
	ix->info.ranges6 = sec[TIDX_CIDR6].count;
	ix->mask4 = sec[TIDX_HASH4].count ? sec[TIDX_HASH4].count - 1 : 0;
	ix->mask6 = sec[TIDX_HASH6].count ? sec[TIDX_HASH6].count - 1 : 0;
	ix->info.n_records = sec[TIDX_RECORDS].count;
	ix->info.n_entries = sec[TIDX_ENTRIES].count;
	ix->info.n_meta = sec[TIDX_META].count;
	ix->info.n_strings = sec[TIDX_STRINGS].count;
	ix->info.strings_size = sec[TIDX_STRINGS].size;
	ix->info.slots4 = sec[TIDX_HASH4].count;
	ix->info.slots6 = hash_slots(&sec[TIDX_HASH6]);
	ix->info.probe4 = sec[TIDX_HASH4].param;
	ix->info.probe6 = sec[TIDX_HASH6].param;
	ix->info.filter_words = sec[TIDX_FILTER].count;
}

/* Everything tidx_open() promises, one step after the other. */
static enum tidx_status
validate(struct tidx *ix)
{
	enum tidx_status rc;
	uint64_t tab_end, i, nsec;

	if ((rc = check_header(ix, &tab_end)) != TIDX_OK)
		return rc;
	read_header_info(ix);
	nsec = tidx_rd32(ix->map + TIDX_H_NSECTIONS);
	for (i = 0; i < nsec; i++)
		if ((rc = read_section(ix, i, tab_end)) != TIDX_OK)
			return rc;
	if ((rc = place_sections(ix)) != TIDX_OK)
		return rc;
	read_section_info(ix);
	return TIDX_OK;
}

enum tidx_status
tidx_open(const char *path, struct tidx **ixp)
{
	struct tidx	*ix;
	struct stat	 st;
	enum tidx_status rc;
	void		*map;
	int		 fd, saved;

	*ixp = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return TIDX_ERR_IO;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return TIDX_ERR_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return TIDX_ERR_IO;
	}
	if (st.st_size < TIDX_HEADER_SIZE) {
		char	 magic[8];
		ssize_t	 n = pread(fd, magic, sizeof(magic), 0);

		close(fd);
		return n == 8 && memcmp(magic, TIDX_MAGIC, 8) == 0 ?
		    TIDX_ERR_TRUNCATED : TIDX_ERR_MAGIC;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = saved;
		return TIDX_ERR_IO;
	}
#ifdef MADV_HUGEPAGE
	/*
	 * Lookups land anywhere in the hash tables: with 4 KiB pages each
	 * costs a page walk as well as a cache miss.  The advice makes
	 * pages read in from disk come in 2 MiB folios, which the kernel
	 * maps whole into this (2 MiB-aligned) mapping, as it does the
	 * large folios ti-index's writes leave in the page cache.
	 */
	(void)madvise(map, (size_t)st.st_size, MADV_HUGEPAGE);
#endif
	ix = xcalloc(1, sizeof(*ix));
	ix->map = map;
	ix->size = (size_t)st.st_size;
	if ((rc = validate(ix)) != TIDX_OK) {
		tidx_close(ix);
		return rc;
	}
	*ixp = ix;
	return TIDX_OK;
}

void
tidx_close(struct tidx *ix)
{
	if (ix == NULL)
		return;
	munmap((void *)ix->map, ix->size);
	free(ix);
}

void
tidx_get_info(const struct tidx *ix, struct tidx_info *info)
{
	*info = ix->info;
}

#ifdef __SSE2__
/*
 * Bits 2j of *hit: slot j of the line at s holds k and is not empty; bits
 * 2j + 1 of *empty: slot j is empty.
 */
static inline void
line_marks(const unsigned char *s, uint32_t k, unsigned *hit,
    unsigned *empty)
{
	__m128i	 kk = _mm_set1_epi32((int)k), z = _mm_setzero_si128(), x;
	unsigned eqk = 0, eqz = 0, j;

	for (j = 0; j < 4; j++) {
		x = _mm_loadu_si128((const __m128i *)(s + 16 * j));
		eqk |= (unsigned)_mm_movemask_ps(_mm_castsi128_ps(
		    _mm_cmpeq_epi32(x, kk))) << (4 * j);
		eqz |= (unsigned)_mm_movemask_ps(_mm_castsi128_ps(
		    _mm_cmpeq_epi32(x, z))) << (4 * j);
	}
	*empty = eqz & 0xAAAAu;
	*hit = eqk & 0x5555u & ~(*empty >> 1);
}
#endif

/*
 * Whether FILTER lets the exact key of hash z (tidx_filter_hash()) be in
 * a hash table: it does when every bit z sets is set, or when there is
 * no FILTER.
 */
static int
filter_may(const struct tidx *ix, uint64_t z)
{
	uint64_t bits = tidx_filter_bits(z);

	return ix->filter == NULL || (tidx_rd64(ix->filter + TIDX_FILTER_WORD *
	    tidx_filter_word(z, ix->fwords)) & bits) == bits;
}

/* exact4() a slot at a time, from slot i with left probes. */
static int64_t
exact4_slots(const struct tidx *ix, uint32_t k, uint64_t i, uint64_t left)
{
	uint32_t v;

	for (; left-- > 0; i = (i + 1) & ix->mask4) {
		const unsigned char *s = ix->hash4 + i * TIDX_SLOT4_SIZE;

		if ((v = tidx_rd32(s + TIDX_SLOT4_VAL)) == 0)
			return -1;
		if (tidx_rd32(s + TIDX_SLOT4_KEY) == k)
			return (int64_t)v - 1;
	}
	return -1;
}

/*
 * The exact IPv4 key k, or -1.  Probes start at the first slot of a
 * 64-byte line (tidx_slot4()), so a lookup reads one line in most cases: with
 * SSE2, all eight slots at once, without a branch per slot; the first
 * that holds k or is empty decides, as a slot at a time would.
 */
static int64_t
exact4(const struct tidx *ix, uint32_t k, int fetched)
{
	uint64_t i, left;

	if (ix->sec[TIDX_HASH4].count == 0)
		return -1;
	i = tidx_slot4(k, ix->mask4);
	if (ix->filter != NULL && !fetched)
		__builtin_prefetch(ix->hash4 + i * TIDX_SLOT4_SIZE);
	if (!filter_may(ix, tidx_filter_hash(k)))
		return -1;
	left = (uint64_t)ix->sec[TIDX_HASH4].param + 1;
#ifdef __SSE2__
	if (ix->sec[TIDX_HASH4].count >= 8)
		for (;;) {
			const unsigned char *s = ix->hash4 +
			    i * TIDX_SLOT4_SIZE;
			unsigned hit, empty, j;

			line_marks(s, k, &hit, &empty);
			if (left < 8) {
				hit &= (1u << 2 * left) - 1;
				empty &= (1u << 2 * left) - 1;
			}
			if ((hit | empty) != 0) {
				j = (unsigned)__builtin_ctz(hit | empty);
				return (hit >> j & 1) ?
				    (int64_t)tidx_rd32(s + 4 * j + 4) - 1 : -1;
			}
			if (left <= 8)
				return -1;
			left -= 8;
			i = (i + 8) & ix->mask4;
		}
#endif
	return exact4_slots(ix, k, i, left);
}

/*
 * The exact IPv6 key of a, or -1.  Probes start at slot 0 of a 64-byte
 * bucket (tidx_bucket6()), so a lookup reads one line in most cases: the
 * three slots of a bucket are compared without a branch per slot, and
 * the first that holds the key or is empty decides, as a slot at a time
 * would.  The probe limit counts slots, so it may end inside a bucket.
 */
static int64_t
exact6(const struct tidx *ix, const struct addr *a, int fetched)
{
	uint64_t b, left, kh, kl;
	unsigned hit, empty, j, lim;

	if (ix->sec[TIDX_HASH6].count == 0)
		return -1;
	b = tidx_bucket6(a->b, ix->mask6);
	if (ix->filter != NULL && !fetched)
		__builtin_prefetch(ix->hash6 + b * TIDX_BKT6_SIZE);
	if (!filter_may(ix, tidx_filter_hash(tidx_fold6(a->b))))
		return -1;
	memcpy(&kh, a->b, 8);
	memcpy(&kl, a->b + 8, 8);
	left = (uint64_t)ix->sec[TIDX_HASH6].param + 1;
	for (;;) {
		const unsigned char *s = ix->hash6 + b * TIDX_BKT6_SIZE;

		hit = empty = 0;
		for (j = 0; j < TIDX_BKT6_SLOTS; j++) {
			const unsigned char *k = s + TIDX_BKT6_KEY + 16 * j;
			unsigned z = tidx_rd32(s + TIDX_BKT6_VAL + 4 * j) == 0;

			empty |= z << j;
			hit |= ((unsigned)!z & (unsigned)(tidx_rd64(k) == kh) &
			    (unsigned)(tidx_rd64(k + 8) == kl)) << j;
		}
		if (left < TIDX_BKT6_SLOTS) {
			lim = (1u << left) - 1;
			hit &= lim;
			empty &= lim;
		}
		if ((hit | empty) != 0) {
			j = (unsigned)__builtin_ctz(hit | empty);
			return (hit >> j & 1) ? (int64_t)tidx_rd32(s +
			    TIDX_BKT6_VAL + 4 * j) - 1 : -1;
		}
		if (left <= TIDX_BKT6_SLOTS)
			return -1;
		left -= TIDX_BKT6_SLOTS;
		b = (b + 1) & ix->mask6;
	}
}

/*
 * The range holding key (of klen bytes, big-endian, compared with memcmp
 * for IPv6 and as an integer for IPv4), found by binary search in the
 * part of the sorted ranges the directory gives for its first 16 bits.
 */
static int64_t
range4(const struct tidx *ix, uint32_t k)
{
	uint64_t n = ix->sec[TIDX_CIDR4].count, lo, hi, mid;
	uint32_t h = k >> 16;
	const unsigned char *r;

	if (ix->cidr4 == NULL || n == 0)
		return -1;
	lo = tidx_rd32(ix->dir4 + 4 * (uint64_t)h);
	hi = tidx_rd32(ix->dir4 + 4 * (uint64_t)h + 4);
	lo = lo > 0 ? lo - 1 : 0;	/* A range may start before h. */
	if (hi > n || lo >= hi)
		return -1;
	/* The last range in [lo, hi) that starts at or before k. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tidx_rd32(ix->cidr4 + mid * TIDX_CIDR4_SIZE) <= k)
			lo = mid;
		else
			hi = mid;
	}
	r = ix->cidr4 + lo * TIDX_CIDR4_SIZE;
	if (tidx_rd32(r + TIDX_CIDR4_FIRST) <= k &&
	    k <= tidx_rd32(r + TIDX_CIDR4_LAST))
		return tidx_rd32(r + TIDX_CIDR4_ENT);
	return -1;
}

static int64_t
range6(const struct tidx *ix, const struct addr *a)
{
	uint64_t n = ix->sec[TIDX_CIDR6].count, lo, hi, mid;
	uint32_t h = (uint32_t)a->b[0] << 8 | a->b[1];
	const unsigned char *r;

	if (ix->cidr6 == NULL || n == 0)
		return -1;
	lo = tidx_rd32(ix->dir6 + 4 * (uint64_t)h);
	hi = tidx_rd32(ix->dir6 + 4 * (uint64_t)h + 4);
	lo = lo > 0 ? lo - 1 : 0;
	if (hi > n || lo >= hi)
		return -1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(ix->cidr6 + mid * TIDX_CIDR6_SIZE, a->b, 16) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	r = ix->cidr6 + lo * TIDX_CIDR6_SIZE;
	if (memcmp(r + TIDX_CIDR6_FIRST, a->b, 16) <= 0 &&
	    memcmp(a->b, r + TIDX_CIDR6_LAST, 16) <= 0)
		return tidx_rd32(r + TIDX_CIDR6_ENT);
	return -1;
}

/*
 * tidx_lookup(), tidx_lookup_fetched().  Unless the filter's word was
 * prefetched (fetched), the table's line is prefetched before the word
 * is read, so that a hit waits for memory once, not twice.
 */
static int64_t
lookup(const struct tidx *ix, const struct addr *a, int fetched)
{
	int64_t	 e;

	if (addr_is_v4(a)) {
		uint32_t k = addr_v4(a);

		return (e = exact4(ix, k, fetched)) >= 0 ? e : range4(ix, k);
	}
	return (e = exact6(ix, a, fetched)) >= 0 ? e : range6(ix, a);
}

int64_t
tidx_lookup(const struct tidx *ix, const struct addr *a)
{
	return lookup(ix, a, 0);
}

int64_t
tidx_lookup_fetched(const struct tidx *ix, const struct addr *a)
{
	return lookup(ix, a, 1);
}

/* Prefetch the line a's exact lookup starts at, in HASH4 or HASH6. */
static void
prefetch_slot(const struct tidx *ix, const struct addr *a)
{
	if (addr_is_v4(a)) {
		if (ix->sec[TIDX_HASH4].count != 0)
			__builtin_prefetch(ix->hash4 +
			    tidx_slot4(addr_v4(a), ix->mask4) *
			    TIDX_SLOT4_SIZE);
	} else if (ix->sec[TIDX_HASH6].count != 0)
		__builtin_prefetch(ix->hash6 +
		    tidx_bucket6(a->b, ix->mask6) * TIDX_BKT6_SIZE);
}

void
tidx_prefetch(const struct tidx *ix, const struct addr *a)
{
	if (ix->filter != NULL)
		__builtin_prefetch(ix->filter + TIDX_FILTER_WORD *
		    tidx_filter_word(tidx_filter_addr(a), ix->fwords));
	else
		prefetch_slot(ix, a);
}

enum tidx_status
tidx_entry(const struct tidx *ix, uint64_t e, struct tidx_ind *ind)
{
	const unsigned char *ent, *rec, *meta;
	uint32_t r, m;

	if (e >= ix->sec[TIDX_ENTRIES].count)
		return TIDX_ERR_DAMAGED;
	ent = ix->entries + e * TIDX_ENT_SIZE;
	if ((r = tidx_rd32(ent + TIDX_ENT_REC)) >=
	    ix->sec[TIDX_RECORDS].count)
		return TIDX_ERR_DAMAGED;
	rec = ix->recs + (uint64_t)r * TIDX_REC_SIZE;
	if ((m = tidx_rd32(rec + TIDX_REC_META)) >= ix->sec[TIDX_META].count)
		return TIDX_ERR_DAMAGED;
	meta = ix->meta + (uint64_t)m * TIDX_META_SIZE;
	ind->record = r;
	ind->time_generated = (int64_t)tidx_rd64(rec + TIDX_REC_TIME);
	ind->expiration = (int64_t)tidx_rd64(rec + TIDX_REC_EXPIRY);
	ind->confidence = (int32_t)tidx_rd32(rec + TIDX_REC_CONF);
	if (get_str(ix, tidx_rd32(ent + TIDX_ENT_TEXT), &ind->addr_text) ==
	    -1 ||
	    get_str(ix, tidx_rd32(rec + TIDX_REC_ID), &ind->id) == -1 ||
	    get_str(ix, tidx_rd32(meta), &ind->threat_type) == -1 ||
	    get_str(ix, tidx_rd32(meta + 4), &ind->description) == -1 ||
	    get_str(ix, tidx_rd32(meta + 8), &ind->activity_groups) == -1 ||
	    get_str(ix, tidx_rd32(meta + 12), &ind->url) == -1 ||
	    get_str(ix, tidx_rd32(meta + 16), &ind->type) == -1 ||
	    get_str(ix, rec_source(rec), &ind->source) == -1)
		return TIDX_ERR_DAMAGED;
	return TIDX_OK;
}

struct tidx_str
tidx_addr_text(const struct tidx_ind *ind, const struct addr *a, char *buf)
{
	struct tidx_str s = ind->addr_text;

	if (s.p == NULL) {
		s.p = addr_format(a, buf);
		s.len = (uint32_t)strlen(buf);
	}
	return s;
}

/* The value field of slot i of a hash table (v6: HASH6, else HASH4). */
static const unsigned char *
slot_val(const struct tidx *ix, int v6, uint64_t i)
{
	if (v6)
		return ix->hash6 + i / TIDX_BKT6_SLOTS * TIDX_BKT6_SIZE +
		    TIDX_BKT6_VAL + 4 * (i % TIDX_BKT6_SLOTS);
	return ix->hash4 + i * TIDX_SLOT4_SIZE + TIDX_SLOT4_VAL;
}

/* The address of slot i of HASH6. */
static const unsigned char *
slot_key6(const struct tidx *ix, uint64_t i)
{
	return ix->hash6 + i / TIDX_BKT6_SLOTS * TIDX_BKT6_SIZE +
	    TIDX_BKT6_KEY + 16 * (i % TIDX_BKT6_SLOTS);
}

/* The home slot of the key in slot i of a hash table. */
static uint64_t
slot_home(const struct tidx *ix, int v6, uint64_t i)
{
	if (v6)
		return TIDX_BKT6_SLOTS * tidx_bucket6(slot_key6(ix, i),
		    ix->mask6);
	return tidx_slot4(tidx_rd32(ix->hash4 + i * TIDX_SLOT4_SIZE +
	    TIDX_SLOT4_KEY), ix->mask4);
}

/*
 * Check a hash section's slots: every entry reference in range, every key
 * within the section's probe limit of its home slot with no empty slot in
 * between (else a lookup would stop short of it), the reserved bytes of
 * each HASH6 bucket and the addresses of its empty slots zero, and the
 * number of keys.
 */
static int
verify_hash(const struct tidx *ix, int v6, uint64_t nkeys)
{
	const struct tidx_section *s = &ix->sec[v6 ? TIDX_HASH6 : TIDX_HASH4];
	uint64_t slots = hash_slots(s), i, j, home, n = 0;

	for (i = 0; v6 && i < s->count; i++)
		if (tidx_rd32(ix->hash6 + i * TIDX_BKT6_SIZE + TIDX_BKT6_VAL +
		    4 * TIDX_BKT6_SLOTS) != 0)
			return -1;
	for (i = 0; i < slots; i++) {
		uint32_t v = tidx_rd32(slot_val(ix, v6, i));

		if (v == 0) {
			if (v6 && (tidx_rd64(slot_key6(ix, i)) |
			    tidx_rd64(slot_key6(ix, i) + 8)) != 0)
				return -1;
			continue;
		}
		if (v > ix->sec[TIDX_ENTRIES].count)
			return -1;
		n++;
		home = slot_home(ix, v6, i);
		if ((i + slots - home) % slots > s->param)
			return -1;
		for (j = home; j != i; j = (j + 1) % slots)
			if (tidx_rd32(slot_val(ix, v6, j)) == 0)
				return -1;
	}
	return n == nkeys ? 0 : -1;
}

/*
 * Check that FILTER lets every address of the hash tables through: a
 * key it did not would never be found.
 */
static int
verify_filter(const struct tidx *ix)
{
	uint64_t i, n4 = ix->sec[TIDX_HASH4].count;
	uint64_t n6 = hash_slots(&ix->sec[TIDX_HASH6]);

	if (ix->filter == NULL)
		return 0;
	for (i = 0; i < n4; i++)
		if (tidx_rd32(slot_val(ix, 0, i)) != 0 && !filter_may(ix,
		    tidx_filter_hash(tidx_rd32(ix->hash4 +
		    i * TIDX_SLOT4_SIZE + TIDX_SLOT4_KEY))))
			return -1;
	for (i = 0; i < n6; i++)
		if (tidx_rd32(slot_val(ix, 1, i)) != 0 && !filter_may(ix,
		    tidx_filter_hash(tidx_fold6(slot_key6(ix, i)))))
			return -1;
	return 0;
}

/*
 * Check a range section: each range's start at or before its end, the
 * ranges sorted and disjoint, every entry reference in range, and the
 * directory exactly as the ranges give it.
 */
static int
verify_ranges(const struct tidx *ix, int v4)
{
	const struct tidx_section *s = &ix->sec[v4 ? TIDX_CIDR4 : TIDX_CIDR6];
	const unsigned char *base = v4 ? ix->cidr4 : ix->cidr6;
	const unsigned char *dir = v4 ? ix->dir4 : ix->dir6;
	uint64_t i, e, esz = v4 ? TIDX_CIDR4_SIZE : TIDX_CIDR6_SIZE, k = 0;
	uint32_t h;

	if (base == NULL)
		return 0;
	for (i = 0; i < s->count; i++) {
		const unsigned char *r = base + i * esz;

		if (v4 ? tidx_rd32(r + TIDX_CIDR4_FIRST) >
		    tidx_rd32(r + TIDX_CIDR4_LAST) :
		    memcmp(r + TIDX_CIDR6_FIRST, r + TIDX_CIDR6_LAST, 16) > 0)
			return -1;
		if (i > 0 && (v4 ? tidx_rd32(r - esz + TIDX_CIDR4_LAST) >=
		    tidx_rd32(r + TIDX_CIDR4_FIRST) :
		    memcmp(r - esz + TIDX_CIDR6_LAST, r + TIDX_CIDR6_FIRST,
		    16) >= 0))
			return -1;
		/* A prefix's entry has its text: the lookup has no prefix
		   to write in its place. */
		if ((e = tidx_rd32(r + (v4 ? TIDX_CIDR4_ENT :
		    TIDX_CIDR6_ENT))) >= ix->sec[TIDX_ENTRIES].count ||
		    tidx_rd32(ix->entries + e * TIDX_ENT_SIZE +
		    TIDX_ENT_TEXT) == TIDX_STRNULL)
			return -1;
	}
	for (h = 0; h < TIDX_DIR_COUNT - 1; h++) {
		while (k < s->count && (v4 ? tidx_rd32(base + k * esz) >> 16 :
		    ((uint32_t)base[k * esz] << 8 | base[k * esz + 1])) < h)
			k++;
		if (tidx_rd32(dir + 4 * (uint64_t)h) != k)
			return -1;
	}
	return 0;
}

/*
 * The bytes outside the header, table and sections are zero.  The
 * sections of kinds this reader does not know (of a later minor) count
 * as sections too, where they lie inside the file.
 */
static int
verify_gaps(const struct tidx *ix)
{
	uint64_t i, k, end, nsec;
	uint64_t off[TIDX_MAX_SECTIONS], len[TIDX_MAX_SECTIONS];
	struct tidx_section s;

	nsec = tidx_rd32(ix->map + TIDX_H_NSECTIONS);
	for (k = 0; k < nsec; k++) {
		table_entry(ix, k, &s);
		off[k] = s.off;
		len[k] = s.kind == 0 || s.off > ix->size ||
		    s.size > ix->size - s.off ? 0 : s.size;
	}
	end = tidx_rd32(ix->map + TIDX_H_SIZE) + nsec * TIDX_SECTION_SIZE;
	for (i = end; i < ix->size; i++) {
		for (k = 0; k < nsec; k++)
			if (i >= off[k] && i - off[k] < len[k])
				break;
		if (k < nsec) {
			i = off[k] + len[k] - 1;
			continue;
		}
		if (ix->map[i] != 0)
			return -1;
	}
	return 0;
}

/*
 * Every record's id and tuple, and the strings: each one whole, one
 * after the other, as many as the section's count.
 */
static int
verify_records_strings(const struct tidx *ix)
{
	struct tidx_str str;
	const unsigned char *r;
	uint64_t i, off, nstr;

	for (i = 0; i < ix->sec[TIDX_RECORDS].count; i++) {
		r = ix->recs + i * TIDX_REC_SIZE;
		if (get_str(ix, tidx_rd32(r + TIDX_REC_ID), &str) == -1 ||
		    get_str(ix, rec_source(r), &str) == -1 ||
		    tidx_rd32(r + TIDX_REC_META) >= ix->sec[TIDX_META].count)
			return -1;
	}
	for (off = 0, nstr = 0; off < ix->sec[TIDX_STRINGS].size; nstr++) {
		if (get_str(ix, (uint32_t)off, &str) == -1)
			return -1;
		off += 5 + (uint64_t)str.len;
	}
	return nstr == ix->sec[TIDX_STRINGS].count ? 0 : -1;
}

enum tidx_status
tidx_verify(const struct tidx *ix)
{
	const struct tidx_section *s;
	uint64_t i;
	uint32_t k;

	for (k = 1; k <= TIDX_NKINDS; k++) {
		s = &ix->sec[k];
		if (crc32c(0, ix->map + s->off, s->size) != s->crc)
			return TIDX_ERR_CHECKSUM;
	}
	if (verify_gaps(ix) == -1)
		return TIDX_ERR_DAMAGED;
	/* Checksums pass; now every reference, as tidx_entry reads them. */
	for (i = 0; i < ix->sec[TIDX_ENTRIES].count; i++) {
		struct tidx_ind ind;

		if (tidx_entry(ix, i, &ind) != TIDX_OK)
			return TIDX_ERR_DAMAGED;
	}
	if (verify_hash(ix, 0, ix->info.n_v4) == -1 ||
	    verify_hash(ix, 1, ix->info.n_v6) == -1 ||
	    verify_filter(ix) == -1 ||
	    verify_ranges(ix, 1) == -1 || verify_ranges(ix, 0) == -1 ||
	    ix->info.n_v4 + ix->info.n_v6 + ix->info.n_cidr4 +
	    ix->info.n_cidr6 != ix->sec[TIDX_ENTRIES].count ||
	    verify_records_strings(ix) == -1)
		return TIDX_ERR_DAMAGED;
	return TIDX_OK;
}
