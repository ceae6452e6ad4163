/*
 * tidx.c: building, writing, opening, validating and searching the index
 * file.  The layout is defined in tidx.h (and man/ti-index.5); every
 * validation below cites the field it checks.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "strpool.h"
#include "tidx.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "xalloc.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the index is read in place and is little-endian"
#endif

#define REC_SIZE	32
#define ENTRY_SIZE	8
#define SLOT4_SIZE	8
#define SLOT6_SIZE	24
#define META_SIZE	20
#define CIDR4_SIZE	12
#define CIDR6_SIZE	40
#define DIR_COUNT	65537
#define ALIGN		64
#define NBASE		6	/* Sections every index has. */
#define NSECTIONS_MAX	10

static const uint32_t elem_size[TIDX_NKINDS + 1] = {
	0, REC_SIZE, ENTRY_SIZE, SLOT4_SIZE, SLOT6_SIZE, META_SIZE, 1,
	CIDR4_SIZE, CIDR6_SIZE, 4, 4
};

struct section {
	uint32_t	 kind, crc;
	uint64_t	 off, size;
	uint32_t	 count, param;
};

struct tidx {
	const unsigned char *map;
	size_t		 size;
	struct tidx_info info;
	struct section	 sec[TIDX_NKINDS + 1];	/* By kind; [0] unused. */
	const unsigned char *recs, *entries, *hash4, *hash6, *meta, *strings;
	const unsigned char *cidr4, *cidr6, *dir4, *dir6;	/* Or NULL. */
	uint64_t	 mask4, mask6;		/* Slots minus one. */
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

static uint16_t
rd16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t
rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void
wr16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void
wr32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void
wr64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t
slot4(uint32_t k, uint64_t mask)
{
	/* The first slot of its 64-byte line: see exact4(). */
	return ((uint64_t)k * 0x9E3779B97F4A7C15ULL >> 32) & mask &
	    ~(uint64_t)7;
}

static uint64_t
slot6(const uint8_t b[16], uint64_t mask)
{
	uint64_t h = 0, l = 0;
	int	 i;

	for (i = 0; i < 8; i++) {
		h = h << 8 | b[i];
		l = l << 8 | b[8 + i];
	}
	return (((h * 0x9E3779B97F4A7C15ULL + l) * 0xC2B2AE3D27D4EB4FULL)
	    >> 32) & mask;
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
	len = rd32(ix->strings + ref);
	if (len > size - 5 - ref || ix->strings[ref + 4 + len] != '\0')
		return -1;
	s->p = (const char *)ix->strings + ref + 4;
	s->len = len;
	return 0;
}

/*
 * A range directory is sound: it never decreases and never passes the
 * number of ranges n.  (A constant 65537 reads, whatever the index size.)
 */
static int
dir_ok(const unsigned char *dir, uint64_t n)
{
	uint32_t i, prev = 0, v;

	for (i = 0; i < DIR_COUNT; i++) {
		v = rd32(dir + 4 * (uint64_t)i);
		if (v < prev || v > n)
			return 0;
		prev = v;
	}
	return rd32(dir + 4 * (uint64_t)(DIR_COUNT - 1)) == n;
}

static enum tidx_status
validate(struct tidx *ix)
{
	const unsigned char *h = ix->map;
	uint32_t hsize, nsec, crc, i;
	unsigned char zero[4] = { 0, 0, 0, 0 };
	uint64_t tab_end;

	if (ix->size < 8 || memcmp(h, TIDX_MAGIC, 8) != 0)
		return TIDX_ERR_MAGIC;
	if (ix->size < TIDX_HEADER_SIZE)
		return TIDX_ERR_TRUNCATED;
	ix->info.major = rd16(h + 8);
	ix->info.minor = rd16(h + 10);
	if (ix->info.major != TIDX_MAJOR)
		return TIDX_ERR_VERSION;
	hsize = rd32(h + 12);
	nsec = rd32(h + 16);
	if (hsize < TIDX_HEADER_SIZE || hsize % 8 != 0 || hsize > 4096 ||
	    nsec > TIDX_MAX_SECTIONS)
		return TIDX_ERR_HEADER;
	tab_end = (uint64_t)hsize + (uint64_t)nsec * TIDX_SECTION_SIZE;
	if (tab_end > ix->size)
		return TIDX_ERR_TRUNCATED;
	/* Header CRC at offset 20, computed with its own field zero. */
	crc = crc32c(0, h, 20);
	crc = crc32c(crc, zero, 4);
	crc = crc32c(crc, h + 24, tab_end - 24);
	if (crc != rd32(h + 20))
		return TIDX_ERR_CHECKSUM;
	ix->info.file_size = rd64(h + 24);
	if (ix->info.file_size != ix->size)
		return ix->info.file_size > ix->size ? TIDX_ERR_TRUNCATED :
		    TIDX_ERR_HEADER;
	ix->info.build_time = (int64_t)rd64(h + 32);
	ix->info.now = (int64_t)rd64(h + 40);
	ix->info.lookback = (int64_t)rd64(h + 48);
	ix->info.n_v4 = rd64(h + 56);
	ix->info.n_v6 = rd64(h + 64);

	for (i = 0; i < nsec; i++) {
		const unsigned char *e = h + hsize + i * TIDX_SECTION_SIZE;
		struct section s;

		s.kind = rd32(e);
		s.crc = rd32(e + 4);
		s.off = rd64(e + 8);
		s.size = rd64(e + 16);
		s.count = rd32(e + 24);
		s.param = rd32(e + 28);
		if (s.kind == 0 || s.kind > TIDX_NKINDS)
			continue;	/* A later minor's section. */
		if (ix->sec[s.kind].kind != 0)
			return TIDX_ERR_HEADER;	/* Twice. */
		if (s.off % ALIGN != 0 || s.off < tab_end ||
		    s.off > ix->size || s.size > ix->size - s.off)
			return TIDX_ERR_TRUNCATED;
		if (s.kind != TIDX_STRINGS &&
		    s.size != (uint64_t)s.count * elem_size[s.kind])
			return TIDX_ERR_HEADER;
		if ((s.kind == TIDX_HASH4 || s.kind == TIDX_HASH6) &&
		    ((s.count & (s.count - 1)) != 0 || s.param > s.count))
			return TIDX_ERR_HEADER;
		if (s.kind == TIDX_STRINGS && s.size > TIDX_STRNULL)
			return TIDX_ERR_HEADER;
		if ((s.kind == TIDX_DIR4 || s.kind == TIDX_DIR6) &&
		    s.count != DIR_COUNT)
			return TIDX_ERR_HEADER;
		ix->sec[s.kind] = s;
	}
	for (i = 1; i <= NBASE; i++)
		if (ix->sec[i].kind == 0)
			return TIDX_ERR_HEADER;
	/* Each range section comes with its directory, or neither is there. */
	if ((ix->sec[TIDX_CIDR4].kind == 0) != (ix->sec[TIDX_DIR4].kind == 0) ||
	    (ix->sec[TIDX_CIDR6].kind == 0) != (ix->sec[TIDX_DIR6].kind == 0))
		return TIDX_ERR_HEADER;
	ix->recs = ix->map + ix->sec[TIDX_RECORDS].off;
	ix->entries = ix->map + ix->sec[TIDX_ENTRIES].off;
	ix->hash4 = ix->map + ix->sec[TIDX_HASH4].off;
	ix->hash6 = ix->map + ix->sec[TIDX_HASH6].off;
	ix->meta = ix->map + ix->sec[TIDX_META].off;
	ix->strings = ix->map + ix->sec[TIDX_STRINGS].off;
	if (ix->sec[TIDX_CIDR4].kind != 0) {
		ix->cidr4 = ix->map + ix->sec[TIDX_CIDR4].off;
		ix->dir4 = ix->map + ix->sec[TIDX_DIR4].off;
		if (!dir_ok(ix->dir4, ix->sec[TIDX_CIDR4].count))
			return TIDX_ERR_HEADER;
	}
	if (ix->sec[TIDX_CIDR6].kind != 0) {
		ix->cidr6 = ix->map + ix->sec[TIDX_CIDR6].off;
		ix->dir6 = ix->map + ix->sec[TIDX_DIR6].off;
		if (!dir_ok(ix->dir6, ix->sec[TIDX_CIDR6].count))
			return TIDX_ERR_HEADER;
	}
	ix->info.n_cidr4 = rd64(h + 72);
	ix->info.n_cidr6 = rd64(h + 80);
	ix->info.ranges4 = ix->sec[TIDX_CIDR4].count;
	ix->info.ranges6 = ix->sec[TIDX_CIDR6].count;
	ix->mask4 = ix->sec[TIDX_HASH4].count ?
	    ix->sec[TIDX_HASH4].count - 1 : 0;
	ix->mask6 = ix->sec[TIDX_HASH6].count ?
	    ix->sec[TIDX_HASH6].count - 1 : 0;
	ix->info.n_records = ix->sec[TIDX_RECORDS].count;
	ix->info.n_entries = ix->sec[TIDX_ENTRIES].count;
	ix->info.n_meta = ix->sec[TIDX_META].count;
	ix->info.n_strings = ix->sec[TIDX_STRINGS].count;
	ix->info.strings_size = ix->sec[TIDX_STRINGS].size;
	ix->info.slots4 = ix->sec[TIDX_HASH4].count;
	ix->info.slots6 = ix->sec[TIDX_HASH6].count;
	ix->info.probe4 = ix->sec[TIDX_HASH4].param;
	ix->info.probe6 = ix->sec[TIDX_HASH6].param;
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

/* exact4() a slot at a time, from slot i with left probes. */
static int64_t
exact4_slots(const struct tidx *ix, uint32_t k, uint64_t i, uint64_t left)
{
	uint32_t v;

	for (; left-- > 0; i = (i + 1) & ix->mask4) {
		const unsigned char *s = ix->hash4 + i * SLOT4_SIZE;

		if ((v = rd32(s + 4)) == 0)
			return -1;
		if (rd32(s) == k)
			return (int64_t)v - 1;
	}
	return -1;
}

/*
 * The exact IPv4 key k, or -1.  Probes start at the first slot of a
 * 64-byte line (slot4()), so a lookup reads one line in most cases: with
 * SSE2, all eight slots at once, without a branch per slot; the first
 * that holds k or is empty decides, as a slot at a time would.
 */
static int64_t
exact4(const struct tidx *ix, uint32_t k)
{
	uint64_t i, left;

	if (ix->sec[TIDX_HASH4].count == 0)
		return -1;
	left = (uint64_t)ix->sec[TIDX_HASH4].param + 1;
	i = slot4(k, ix->mask4);
#ifdef __SSE2__
	if (ix->sec[TIDX_HASH4].count >= 8)
		for (;;) {
			const unsigned char *s = ix->hash4 + i * SLOT4_SIZE;
			unsigned hit, empty, j;

			line_marks(s, k, &hit, &empty);
			if (left < 8) {
				hit &= (1u << 2 * left) - 1;
				empty &= (1u << 2 * left) - 1;
			}
			if ((hit | empty) != 0) {
				j = (unsigned)__builtin_ctz(hit | empty);
				return (hit >> j & 1) ?
				    (int64_t)rd32(s + 4 * j + 4) - 1 : -1;
			}
			if (left <= 8)
				return -1;
			left -= 8;
			i = (i + 8) & ix->mask4;
		}
#endif
	return exact4_slots(ix, k, i, left);
}

static int64_t
exact6(const struct tidx *ix, const struct addr *a)
{
	uint64_t i, probes;
	uint32_t v;

	if (ix->sec[TIDX_HASH6].count == 0)
		return -1;
	probes = (uint64_t)ix->sec[TIDX_HASH6].param + 1;
	for (i = slot6(a->b, ix->mask6); probes-- > 0;
	    i = (i + 1) & ix->mask6) {
		const unsigned char *s = ix->hash6 + i * SLOT6_SIZE;

		if ((v = rd32(s + 16)) == 0)
			return -1;
		if (memcmp(s, a->b, 16) == 0)
			return (int64_t)v - 1;
	}
	return -1;
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
	lo = rd32(ix->dir4 + 4 * (uint64_t)h);
	hi = rd32(ix->dir4 + 4 * (uint64_t)h + 4);
	lo = lo > 0 ? lo - 1 : 0;	/* A range may start before h. */
	if (hi > n || lo >= hi)
		return -1;
	/* The last range in [lo, hi) that starts at or before k. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (rd32(ix->cidr4 + mid * CIDR4_SIZE) <= k)
			lo = mid;
		else
			hi = mid;
	}
	r = ix->cidr4 + lo * CIDR4_SIZE;
	if (rd32(r) <= k && k <= rd32(r + 4))
		return rd32(r + 8);
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
	lo = rd32(ix->dir6 + 4 * (uint64_t)h);
	hi = rd32(ix->dir6 + 4 * (uint64_t)h + 4);
	lo = lo > 0 ? lo - 1 : 0;
	if (hi > n || lo >= hi)
		return -1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(ix->cidr6 + mid * CIDR6_SIZE, a->b, 16) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	r = ix->cidr6 + lo * CIDR6_SIZE;
	if (memcmp(r, a->b, 16) <= 0 && memcmp(a->b, r + 16, 16) <= 0)
		return rd32(r + 32);
	return -1;
}

int64_t
tidx_lookup(const struct tidx *ix, const struct addr *a)
{
	int64_t	 e;

	if (addr_is_v4(a)) {
		uint32_t k = addr_v4(a);

		return (e = exact4(ix, k)) >= 0 ? e : range4(ix, k);
	}
	return (e = exact6(ix, a)) >= 0 ? e : range6(ix, a);
}

void
tidx_prefetch(const struct tidx *ix, const struct addr *a)
{
	if (addr_is_v4(a)) {
		if (ix->sec[TIDX_HASH4].count != 0)
			__builtin_prefetch(ix->hash4 +
			    slot4(addr_v4(a), ix->mask4) * SLOT4_SIZE);
	} else if (ix->sec[TIDX_HASH6].count != 0)
		__builtin_prefetch(ix->hash6 +
		    slot6(a->b, ix->mask6) * SLOT6_SIZE);
}

enum tidx_status
tidx_entry(const struct tidx *ix, uint64_t e, struct tidx_ind *ind)
{
	const unsigned char *ent, *rec, *meta;
	uint32_t r, m;

	if (e >= ix->sec[TIDX_ENTRIES].count)
		return TIDX_ERR_DAMAGED;
	ent = ix->entries + e * ENTRY_SIZE;
	if ((r = rd32(ent)) >= ix->sec[TIDX_RECORDS].count)
		return TIDX_ERR_DAMAGED;
	rec = ix->recs + (uint64_t)r * REC_SIZE;
	if ((m = rd32(rec + 20)) >= ix->sec[TIDX_META].count)
		return TIDX_ERR_DAMAGED;
	meta = ix->meta + (uint64_t)m * META_SIZE;
	ind->record = r;
	ind->time_generated = (int64_t)rd64(rec);
	ind->expiration = (int64_t)rd64(rec + 8);
	ind->confidence = (int32_t)rd32(rec + 24);
	if (get_str(ix, rd32(ent + 4), &ind->addr_text) == -1 ||
	    get_str(ix, rd32(rec + 16), &ind->id) == -1 ||
	    get_str(ix, rd32(meta), &ind->threat_type) == -1 ||
	    get_str(ix, rd32(meta + 4), &ind->description) == -1 ||
	    get_str(ix, rd32(meta + 8), &ind->activity_groups) == -1 ||
	    get_str(ix, rd32(meta + 12), &ind->url) == -1 ||
	    get_str(ix, rd32(meta + 16), &ind->type) == -1)
		return TIDX_ERR_DAMAGED;
	return TIDX_OK;
}

/*
 * Check a hash section's slots: every entry reference in range, every key
 * within the section's probe limit of its home slot with no empty slot in
 * between (else a lookup would stop short of it), and the number of keys.
 */
static int
verify_hash(const struct tidx *ix, int v6, uint64_t nkeys)
{
	const struct section *s = &ix->sec[v6 ? TIDX_HASH6 : TIDX_HASH4];
	const unsigned char *base = v6 ? ix->hash6 : ix->hash4;
	uint64_t size = v6 ? SLOT6_SIZE : SLOT4_SIZE, mask = s->count - 1;
	uint64_t i, j, home, n = 0;

	for (i = 0; i < s->count; i++) {
		const unsigned char *slot = base + i * size;
		uint32_t v = rd32(slot + (v6 ? 16 : 4));

		if (v == 0)
			continue;
		if (v > ix->sec[TIDX_ENTRIES].count)
			return -1;
		n++;
		home = v6 ? slot6(slot, mask) : slot4(rd32(slot), mask);
		if (((i - home) & mask) > s->param)
			return -1;
		for (j = home; j != i; j = (j + 1) & mask)
			if (rd32(base + j * size + (v6 ? 16 : 4)) == 0)
				return -1;
	}
	return n == nkeys ? 0 : -1;
}

/*
 * Check a range section: each range's start at or before its end, the
 * ranges sorted and disjoint, every entry reference in range, and the
 * directory exactly as the ranges give it.
 */
static int
verify_ranges(const struct tidx *ix, int v4)
{
	const struct section *s = &ix->sec[v4 ? TIDX_CIDR4 : TIDX_CIDR6];
	const unsigned char *base = v4 ? ix->cidr4 : ix->cidr6;
	const unsigned char *dir = v4 ? ix->dir4 : ix->dir6;
	uint64_t i, esz = v4 ? CIDR4_SIZE : CIDR6_SIZE, k = 0;
	uint32_t h;

	if (base == NULL)
		return 0;
	for (i = 0; i < s->count; i++) {
		const unsigned char *r = base + i * esz;

		if (v4 ? rd32(r) > rd32(r + 4) : memcmp(r, r + 16, 16) > 0)
			return -1;
		if (i > 0 && (v4 ? rd32(r - esz + 4) >= rd32(r) :
		    memcmp(r - esz + 16, r, 16) >= 0))
			return -1;
		if (rd32(r + (v4 ? 8 : 32)) >= ix->sec[TIDX_ENTRIES].count)
			return -1;
	}
	for (h = 0; h < DIR_COUNT - 1; h++) {
		while (k < s->count && (v4 ? rd32(base + k * esz) >> 16 :
		    ((uint32_t)base[k * esz] << 8 | base[k * esz + 1])) < h)
			k++;
		if (rd32(dir + 4 * (uint64_t)h) != k)
			return -1;
	}
	return 0;
}

enum tidx_status
tidx_verify(const struct tidx *ix)
{
	const struct section *s;
	struct tidx_str str;
	uint64_t i, off, nstr, end;
	uint32_t k;

	for (k = 1; k <= TIDX_NKINDS; k++) {
		s = &ix->sec[k];
		if (crc32c(0, ix->map + s->off, s->size) != s->crc)
			return TIDX_ERR_CHECKSUM;
	}
	/* The bytes outside the header, table and sections are zero. */
	end = rd32(ix->map + 12) + (uint64_t)rd32(ix->map + 16) *
	    TIDX_SECTION_SIZE;
	for (i = end; i < ix->size; i++) {
		for (k = 1; k <= TIDX_NKINDS; k++)
			if (i >= ix->sec[k].off &&
			    i < ix->sec[k].off + ix->sec[k].size)
				break;
		if (k <= TIDX_NKINDS) {
			i = ix->sec[k].off + ix->sec[k].size - 1;
			continue;
		}
		if (ix->map[i] != 0)
			return TIDX_ERR_DAMAGED;
	}
	/* Checksums pass; now every reference, as tidx_entry reads them. */
	for (i = 0; i < ix->sec[TIDX_ENTRIES].count; i++) {
		struct tidx_ind ind;

		if (tidx_entry(ix, i, &ind) != TIDX_OK)
			return TIDX_ERR_DAMAGED;
	}
	if (verify_hash(ix, 0, ix->info.n_v4) == -1 ||
	    verify_hash(ix, 1, ix->info.n_v6) == -1 ||
	    verify_ranges(ix, 1) == -1 || verify_ranges(ix, 0) == -1 ||
	    ix->info.n_v4 + ix->info.n_v6 + ix->info.n_cidr4 +
	    ix->info.n_cidr6 != ix->sec[TIDX_ENTRIES].count)
		return TIDX_ERR_DAMAGED;
	for (i = 0; i < ix->sec[TIDX_RECORDS].count; i++)
		if (get_str(ix, rd32(ix->recs + i * REC_SIZE + 16), &str)
		    == -1 || rd32(ix->recs + i * REC_SIZE + 20) >=
		    ix->sec[TIDX_META].count)
			return TIDX_ERR_DAMAGED;
	for (off = 0, nstr = 0; off < ix->sec[TIDX_STRINGS].size; nstr++) {
		if (get_str(ix, (uint32_t)off, &str) == -1)
			return TIDX_ERR_DAMAGED;
		off += 5 + (uint64_t)str.len;
	}
	if (nstr != ix->sec[TIDX_STRINGS].count)
		return TIDX_ERR_DAMAGED;
	return TIDX_OK;
}

/* ---------------------------------------------------------------------
 * Building.
 */

struct bentry {
	struct addr	 a;
	uint32_t	 rec;
	uint32_t	 text;
	uint8_t		 plen;		/* 128 for an exact address. */
};

struct tidx_builder {
	struct strpool	*strings;
	int		 shared;	/* strings belongs to the caller. */
	struct strpool	*metas;		/* Interns META tuples as bytes. */
	unsigned char	*recs;
	uint64_t	 nrecs, caprecs;
	struct bentry	*ents;
	uint64_t	 nents, capents;
	uint64_t	 n4, n6;		/* Exact addresses. */
	uint64_t	 p4, p6;		/* Prefixes. */
};

struct tidx_builder *
tidx_builder_new(void)
{
	struct tidx_builder *b = xcalloc(1, sizeof(*b));

	b->strings = strpool_new();
	b->metas = strpool_new();
	return b;
}

struct tidx_builder *
tidx_builder_new_pool(struct strpool *sp)
{
	struct tidx_builder *b = xcalloc(1, sizeof(*b));

	b->strings = sp;
	b->shared = 1;
	b->metas = strpool_new();
	return b;
}

struct strpool *
tidx_builder_pool(const struct tidx_builder *b)
{
	return b->strings;
}

void
tidx_builder_free(struct tidx_builder *b)
{
	if (b == NULL)
		return;
	if (!b->shared)
		strpool_free(b->strings);
	strpool_free(b->metas);
	free(b->recs);
	free(b->ents);
	free(b);
}

static int
intern(struct tidx_builder *b, struct tidx_str s, uint32_t *ref)
{
	*ref = strpool_intern(b->strings, s.p, s.len);
	return *ref == STRPOOL_FULL ? -1 : 0;
}

int64_t
tidx_builder_record(struct tidx_builder *b, const struct tidx_rec_in *in)
{
	struct tidx_rec_ref r;

	if (intern(b, in->id, &r.id) ||
	    intern(b, in->threat_type, &r.threat_type) ||
	    intern(b, in->description, &r.description) ||
	    intern(b, in->activity_groups, &r.activity_groups) ||
	    intern(b, in->url, &r.url) || intern(b, in->type, &r.type))
		return -1;
	r.time_generated = in->time_generated;
	r.expiration = in->expiration;
	r.confidence = in->confidence;
	return tidx_builder_record_ref(b, &r);
}

int64_t
tidx_builder_record_ref(struct tidx_builder *b, const struct tidx_rec_ref *in)
{
	unsigned char	 meta[META_SIZE], *r;
	uint32_t	 ref[5], mref;

	if (b->nrecs >= UINT32_MAX - 1)
		return -1;
	ref[0] = in->threat_type;
	ref[1] = in->description;
	ref[2] = in->activity_groups;
	ref[3] = in->url;
	ref[4] = in->type;
	memcpy(meta, ref, META_SIZE);
	/* A tuple's number is its position in the pool of tuples. */
	mref = strpool_intern(b->metas, (const char *)meta, META_SIZE);
	if (mref == STRPOOL_FULL)
		return -1;
	if (b->nrecs == b->caprecs) {
		b->caprecs = b->caprecs ? b->caprecs * 2 : 1024;
		b->recs = xreallocarray(b->recs, b->caprecs, REC_SIZE);
	}
	r = b->recs + b->nrecs * REC_SIZE;
	wr64(r, (uint64_t)in->time_generated);
	wr64(r + 8, (uint64_t)in->expiration);
	wr32(r + 16, in->id);
	wr32(r + 20, mref / (4 + META_SIZE + 1));
	wr32(r + 24, (uint32_t)in->confidence);
	wr32(r + 28, 0);
	return (int64_t)b->nrecs++;
}

static enum tidx_status
add_entry(struct tidx_builder *b, const struct addr *a, unsigned plen,
    uint32_t text, uint64_t rec)
{
	struct bentry *e;

	if (b->nents >= UINT32_MAX - 1 || rec >= b->nrecs)
		return TIDX_ERR_TOOBIG;
	if (b->nents == b->capents) {
		b->capents = b->capents ? b->capents * 2 : 1024;
		b->ents = xreallocarray(b->ents, b->capents, sizeof(*e));
	}
	e = &b->ents[b->nents];
	e->text = text;
	e->a = *a;
	e->rec = (uint32_t)rec;
	e->plen = (uint8_t)plen;
	b->nents++;
	if (plen == 128)
		addr_is_v4(a) ? b->n4++ : b->n6++;
	else
		addr_is_v4(a) ? b->p4++ : b->p6++;
	return TIDX_OK;
}

enum tidx_status
tidx_builder_addr(struct tidx_builder *b, const struct addr *a,
    struct tidx_str text, uint64_t rec)
{
	uint32_t ref;

	return intern(b, text, &ref) ? TIDX_ERR_TOOBIG :
	    add_entry(b, a, 128, ref, rec);
}

enum tidx_status
tidx_builder_addr_ref(struct tidx_builder *b, const struct addr *a,
    uint32_t text, uint64_t rec)
{
	return add_entry(b, a, 128, text, rec);
}

enum tidx_status
tidx_builder_prefix(struct tidx_builder *b, const struct addr *a,
    unsigned plen, struct tidx_str text, uint64_t rec)
{
	uint32_t ref;

	if (plen >= 128)
		return TIDX_ERR_TOOBIG;
	return intern(b, text, &ref) ? TIDX_ERR_TOOBIG :
	    add_entry(b, a, plen, ref, rec);
}

enum tidx_status
tidx_builder_prefix_ref(struct tidx_builder *b, const struct addr *a,
    unsigned plen, uint32_t text, uint64_t rec)
{
	if (plen >= 128)
		return TIDX_ERR_TOOBIG;
	return add_entry(b, a, plen, text, rec);
}

/*
 * Call fn(arg, r) for every string reference r the index will hold that
 * is not null: each record's id, each entry's text, each field of each
 * META tuple.
 */
static void
each_strref(const struct tidx_builder *b, unsigned char *ents,
    unsigned char *meta, uint64_t nmeta,
    void (*fn)(void *, unsigned char *), void *arg)
{
	const struct {
		unsigned char	*base;	/* NULL when count is 0. */
		uint64_t	 at, count, stride;
	} set[3] = {
		{ b->recs, 16, b->nrecs, REC_SIZE },
		{ ents, 4, b->nents, ENTRY_SIZE },
		{ meta, 0, nmeta * 5, 4 },
	};
	unsigned char *r;
	uint64_t i;
	int	 k;

	for (k = 0; k < 3; k++)
		for (i = 0; i < set[k].count; i++) {
			r = set[k].base + set[k].at + i * set[k].stride;
			if (rd32(r) != TIDX_STRNULL)
				fn(arg, r);
		}
}

/* Marks of the strings in use, by the offset of their length field. */
struct marks {
	unsigned char	*bits;
	uint64_t	 used;
};

static void
mark_ref(void *arg, unsigned char *r)
{
	struct marks *m = arg;
	uint32_t ref = rd32(r);

	if (!(m->bits[ref / 8] & 1 << ref % 8)) {
		m->bits[ref / 8] |= (unsigned char)(1 << ref % 8);
		m->used++;
	}
}

/* Rewrite a reference with the new place left in the old length field. */
static void
forward_ref(void *arg, unsigned char *r)
{
	wr32(r, rd32((const unsigned char *)arg + rd32(r)));
}

/*
 * The STRINGS section.  A builder's own pool holds exactly the strings
 * it was given.  A shared pool may also hold strings that no record or
 * entry refers to (rows the caller dropped): those are left out, the
 * others copied in pool order, and every reference (records, entries,
 * the tuples in meta) is rewritten; the pool is spent doing so.  Sets
 * *buf (to free when *own) and returns the section's byte size.
 */
static size_t
strings_section(struct tidx_builder *b, unsigned char *ents,
    unsigned char *meta, uint64_t nmeta, unsigned char **buf, int *own,
    uint32_t *count)
{
	struct marks m;
	unsigned char *p, *out;
	size_t	 size, off, n = 0, sz;

	p = strpool_buffer(b->strings, &size);
	*buf = p;
	*own = 0;
	*count = strpool_count(b->strings);
	if (!b->shared)
		return size;
	m.bits = xcalloc(size / 8 + 1, 1);
	m.used = 0;
	each_strref(b, ents, meta, nmeta, mark_ref, &m);
	if (m.used == *count) {
		free(m.bits);
		return size;
	}
	/* Copy the used strings; leave each one's new place in its old. */
	out = xmalloc(size ? size : 1);
	for (off = 0; off < size; off += sz) {
		sz = 4 + (size_t)rd32(p + off) + 1;
		if (m.bits[off / 8] & 1 << off % 8) {
			memcpy(out + n, p + off, sz);
			wr32(p + off, (uint32_t)n);
			n += sz;
		}
	}
	free(m.bits);
	each_strref(b, ents, meta, nmeta, forward_ref, p);
	*buf = out;
	*own = 1;
	*count = (uint32_t)m.used;
	return n;
}

/* ---------------------------------------------------------------------
 * Ranges: prefixes flattened into sorted, disjoint ranges, each held by
 * the longest prefix that covers it.
 */

__extension__ typedef unsigned __int128 u128;

struct range {
	u128	 lo, hi;
	uint32_t entry;
};

struct rangeset {
	struct range	*r;
	size_t		 n, cap;
};

static u128
to128(const struct addr *a)
{
	u128	 v = 0;
	int	 i;

	for (i = 0; i < 16; i++)
		v = v << 8 | a->b[i];
	return v;
}

static void
from128(u128 v, unsigned char out[16])
{
	int	 i;

	for (i = 15; i >= 0; i--) {
		out[i] = (unsigned char)v;
		v >>= 8;
	}
}

static void
range_push(struct rangeset *rs, u128 lo, u128 hi, uint32_t entry)
{
	if (lo > hi)
		return;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	rs->r[rs->n].lo = lo;
	rs->r[rs->n].hi = hi;
	rs->r[rs->n].entry = entry;
	rs->n++;
}

static const struct bentry *sort_ents;

/* Prefixes by first address, a shorter (enclosing) one first. */
static int
cmp_prefix(const void *x, const void *y)
{
	const struct bentry *a = &sort_ents[*(const uint32_t *)x];
	const struct bentry *b = &sort_ents[*(const uint32_t *)y];
	int	 c = addr_cmp(&a->a, &b->a);

	if (c != 0)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

/*
 * Flatten the prefixes of one family (v4 or not) into rs.  Prefixes are
 * nested or disjoint; a stack holds the open ones, innermost on top.
 */
static void
flatten(const struct tidx_builder *b, int v4, struct rangeset *rs)
{
	uint32_t *idx, *stack;
	u128	*stack_hi;
	size_t	 n = 0, i, top = 0;
	u128	 cur = 0, lo, hi;

	idx = xreallocarray(NULL, b->nents ? b->nents : 1, sizeof(*idx));
	for (i = 0; i < b->nents; i++)
		if (b->ents[i].plen < 128 && addr_is_v4(&b->ents[i].a) == v4)
			idx[n++] = (uint32_t)i;
	sort_ents = b->ents;
	qsort(idx, n, sizeof(*idx), cmp_prefix);
	stack = xreallocarray(NULL, n ? n : 1, sizeof(*stack));
	stack_hi = xreallocarray(NULL, n ? n : 1, sizeof(*stack_hi));
	for (i = 0; i < n; i++) {
		const struct bentry *e = &b->ents[idx[i]];

		lo = to128(&e->a);
		hi = lo | (((u128)1 << (128 - e->plen)) - 1);
		/* Close the prefixes that end before this one starts. */
		while (top > 0 && stack_hi[top - 1] < lo) {
			top--;
			range_push(rs, cur, stack_hi[top], stack[top]);
			cur = stack_hi[top] + 1;
		}
		if (top > 0 && cur < lo)
			range_push(rs, cur, lo - 1, stack[top - 1]);
		cur = lo;
		stack[top] = idx[i];
		stack_hi[top++] = hi;
	}
	while (top > 0) {
		top--;
		if (cur <= stack_hi[top])
			range_push(rs, cur, stack_hi[top], stack[top]);
		if (stack_hi[top] == ~(u128)0)
			break;
		cur = stack_hi[top] + 1;
	}
	free(idx);
	free(stack);
	free(stack_hi);
}

/* Serialize ranges and their directory (on the first 16 bits). */
static void
range_sections(const struct rangeset *rs, int v4, unsigned char **ranges,
    unsigned char **dir)
{
	size_t	 esz = v4 ? CIDR4_SIZE : CIDR6_SIZE, i;
	uint32_t h, k = 0;
	unsigned char *r, *d;

	r = xcalloc(rs->n ? rs->n : 1, esz);
	d = xcalloc(DIR_COUNT, 4);
	for (i = 0; i < rs->n; i++) {
		unsigned char *p = r + i * esz;

		if (v4) {
			wr32(p, (uint32_t)rs->r[i].lo);
			wr32(p + 4, (uint32_t)rs->r[i].hi);
			wr32(p + 8, rs->r[i].entry);
		} else {
			from128(rs->r[i].lo, p);
			from128(rs->r[i].hi, p + 16);
			wr32(p + 32, rs->r[i].entry);
		}
	}
	/* dir[h]: the number of ranges that start below h << 16. */
	for (h = 0; h < DIR_COUNT; h++) {
		while (k < rs->n && (v4 ? (uint32_t)rs->r[k].lo >> 16 :
		    (uint32_t)(rs->r[k].lo >> 112)) < h)
			k++;
		wr32(d + 4 * (size_t)h, k);
	}
	wr32(d + 4 * (size_t)(DIR_COUNT - 1), (uint32_t)rs->n);
	*ranges = r;
	*dir = d;
}

/*
 * Slots for n keys: a power of two that keeps the load at most 0.7 (a
 * miss then reads about six slots, one or two cache lines), or none.
 */
static uint64_t
nslots(uint64_t n)
{
	uint64_t s = 16;

	if (n == 0)
		return 0;
	while (s * 7 < n * 10)
		s *= 2;
	return s;
}

/* Fill the hash sections; returns the longest probe of each. */
static void
build_hashes(const struct tidx_builder *b, unsigned char *h4, uint64_t s4,
    unsigned char *h6, uint64_t s6, uint32_t *p4, uint32_t *p6)
{
	uint64_t i, j, p;

	*p4 = *p6 = 0;
	for (i = 0; i < b->nents; i++) {
		const struct bentry *e = &b->ents[i];

		if (e->plen != 128)
			continue;	/* A prefix: see flatten(). */
		if (addr_is_v4(&e->a)) {
			uint32_t k = addr_v4(&e->a);

			for (j = slot4(k, s4 - 1), p = 0;
			    rd32(h4 + j * SLOT4_SIZE + 4) != 0;
			    j = (j + 1) & (s4 - 1), p++)
				;
			wr32(h4 + j * SLOT4_SIZE, k);
			wr32(h4 + j * SLOT4_SIZE + 4, (uint32_t)i + 1);
			if (p > *p4)
				*p4 = (uint32_t)p;
		} else {
			for (j = slot6(e->a.b, s6 - 1), p = 0;
			    rd32(h6 + j * SLOT6_SIZE + 16) != 0;
			    j = (j + 1) & (s6 - 1), p++)
				;
			memcpy(h6 + j * SLOT6_SIZE, e->a.b, 16);
			wr32(h6 + j * SLOT6_SIZE + 16, (uint32_t)i + 1);
			if (p > *p6)
				*p6 = (uint32_t)p;
		}
	}
}

static int
write_all(int fd, const void *p, size_t n, uint64_t off)
{
	const unsigned char *c = p;

	while (n > 0) {
		ssize_t w = pwrite(fd, c, n > (1 << 30) ? (1 << 30) : n,
		    (off_t)off);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

enum tidx_status
tidx_builder_write(struct tidx_builder *b, const char *path,
    const struct tidx_params *params)
{
	struct section	 sec[NSECTIONS_MAX];
	unsigned char	 head[TIDX_HEADER_SIZE + NSECTIONS_MAX *
			    TIDX_SECTION_SIZE];
	unsigned char	*ents, *h4, *h6, *meta, *sbuf;
	unsigned char	*c4 = NULL, *c6 = NULL, *d4 = NULL, *d6 = NULL;
	struct rangeset	 r4 = { NULL, 0, 0 }, r6 = { NULL, 0, 0 };
	const void	*data[NSECTIONS_MAX];
	const unsigned char *mp;
	size_t		 msize, ssize, hsize;
	uint64_t	 s4, s6, off, i, nmeta;
	uint32_t	 p4, p6, scount;
	char		*tmp, *slash;
	int		 fd, saved, k, nsec, sown;
	mode_t		 mask;
	enum tidx_status rc = TIDX_ERR_IO;

	s4 = nslots(b->n4);
	s6 = nslots(b->n6);
	if (s4 > UINT32_MAX || s6 > UINT32_MAX)
		return TIDX_ERR_TOOBIG;
	if (b->shared)
		strpool_seal(b->strings);	/* Its table, before ours. */
	h4 = xcalloc(s4 ? s4 : 1, SLOT4_SIZE);
	h6 = xcalloc(s6 ? s6 : 1, SLOT6_SIZE);
	xalloc_huge(h4, s4 * SLOT4_SIZE);
	xalloc_huge(h6, s6 * SLOT6_SIZE);
	build_hashes(b, h4, s4, h6, s6, &p4, &p6);
	ents = xreallocarray(NULL, b->nents ? b->nents : 1, ENTRY_SIZE);
	for (i = 0; i < b->nents; i++) {
		wr32(ents + i * ENTRY_SIZE, b->ents[i].rec);
		wr32(ents + i * ENTRY_SIZE + 4, b->ents[i].text);
	}
	/* The META pool holds tuples as strings; strip their framing. */
	mp = strpool_data(b->metas, &msize);
	nmeta = strpool_count(b->metas);
	meta = xreallocarray(NULL, nmeta ? nmeta : 1, META_SIZE);
	for (i = 0; i < nmeta; i++)
		memcpy(meta + i * META_SIZE, mp + i * (4 + META_SIZE + 1) + 4,
		    META_SIZE);

	data[0] = b->recs;
	data[1] = ents;
	data[2] = h4;
	data[3] = h6;
	ssize = strings_section(b, ents, meta, nmeta, &sbuf, &sown, &scount);
	data[4] = meta;
	data[5] = sbuf;
	sec[0] = (struct section){ TIDX_RECORDS, 0, 0, b->nrecs * REC_SIZE,
	    (uint32_t)b->nrecs, 0 };
	sec[1] = (struct section){ TIDX_ENTRIES, 0, 0, b->nents * ENTRY_SIZE,
	    (uint32_t)b->nents, 0 };
	sec[2] = (struct section){ TIDX_HASH4, 0, 0, s4 * SLOT4_SIZE,
	    (uint32_t)s4, p4 };
	sec[3] = (struct section){ TIDX_HASH6, 0, 0, s6 * SLOT6_SIZE,
	    (uint32_t)s6, p6 };
	sec[4] = (struct section){ TIDX_META, 0, 0, nmeta * META_SIZE,
	    (uint32_t)nmeta, 0 };
	sec[5] = (struct section){ TIDX_STRINGS, 0, 0, ssize, scount, 0 };
	nsec = NBASE;
	/* Prefixes, when there are any: ranges and their directories. */
	if (b->p4 > 0) {
		flatten(b, 1, &r4);
		range_sections(&r4, 1, &c4, &d4);
		data[nsec] = c4;
		sec[nsec++] = (struct section){ TIDX_CIDR4, 0, 0,
		    r4.n * CIDR4_SIZE, (uint32_t)r4.n, 0 };
		data[nsec] = d4;
		sec[nsec++] = (struct section){ TIDX_DIR4, 0, 0,
		    DIR_COUNT * 4, DIR_COUNT, 0 };
	}
	if (b->p6 > 0) {
		flatten(b, 0, &r6);
		range_sections(&r6, 0, &c6, &d6);
		data[nsec] = c6;
		sec[nsec++] = (struct section){ TIDX_CIDR6, 0, 0,
		    r6.n * CIDR6_SIZE, (uint32_t)r6.n, 0 };
		data[nsec] = d6;
		sec[nsec++] = (struct section){ TIDX_DIR6, 0, 0,
		    DIR_COUNT * 4, DIR_COUNT, 0 };
	}
	hsize = TIDX_HEADER_SIZE + (size_t)nsec * TIDX_SECTION_SIZE;
	off = hsize;
	for (k = 0; k < nsec; k++) {
		off = (off + ALIGN - 1) / ALIGN * ALIGN;
		sec[k].off = off;
		sec[k].crc = crc32c(0, data[k], sec[k].size);
		off += sec[k].size;
	}

	memset(head, 0, sizeof(head));
	memcpy(head, TIDX_MAGIC, 8);
	wr16(head + 8, TIDX_MAJOR);
	wr16(head + 10, TIDX_MINOR);
	wr32(head + 12, TIDX_HEADER_SIZE);
	wr32(head + 16, (uint32_t)nsec);
	wr64(head + 24, off);
	wr64(head + 32, (uint64_t)params->build_time);
	wr64(head + 40, (uint64_t)params->now);
	wr64(head + 48, (uint64_t)params->lookback);
	wr64(head + 56, b->n4);
	wr64(head + 64, b->n6);
	wr64(head + 72, b->p4);
	wr64(head + 80, b->p6);
	for (k = 0; k < nsec; k++) {
		unsigned char *e = head + TIDX_HEADER_SIZE +
		    k * TIDX_SECTION_SIZE;

		wr32(e, sec[k].kind);
		wr32(e + 4, sec[k].crc);
		wr64(e + 8, sec[k].off);
		wr64(e + 16, sec[k].size);
		wr32(e + 24, sec[k].count);
		wr32(e + 28, sec[k].param);
	}
	wr32(head + 20, crc32c(0, head, hsize));

	/* A temporary file beside the target, then rename(2). */
	tmp = xmalloc(strlen(path) + 32);
	if ((slash = strrchr(path, '/')) != NULL)
		sprintf(tmp, "%.*s/.ti-index.XXXXXX", (int)(slash - path),
		    path);
	else
		strcpy(tmp, ".ti-index.XXXXXX");
	if ((fd = mkstemp(tmp)) == -1)
		goto out;
	if (ftruncate(fd, (off_t)off) == -1 ||
	    write_all(fd, head, hsize, 0) == -1)
		goto fail;
	for (k = 0; k < nsec; k++)
		if (write_all(fd, data[k], sec[k].size, sec[k].off) == -1)
			goto fail;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	rc = TIDX_OK;
	goto out;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
out:
	saved = errno;
	free(tmp);
	free(h4);
	free(h6);
	free(ents);
	free(meta);
	if (sown)
		free(sbuf);
	free(c4);
	free(c6);
	free(d4);
	free(d6);
	free(r4.r);
	free(r6.r);
	errno = saved;
	return rc;
}
