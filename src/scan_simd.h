/*
 * scan_simd.h: the block scanner of scan.c, included once per instruction
 * set with SCAN_SUFFIX (the names' suffix), SCAN_TARGET (the target
 * attribute) and, for 32-byte vectors, SCAN_AVX2 defined.  See scan.c for
 * how a block is classified and why the answers are certain.
 */

/* Bit i set when byte p[i] == c, for the 64 bytes at p. */
__attribute__((target(SCAN_TARGET), always_inline)) static inline uint64_t
SCAN_SUFFIX(eq64)(const char *p, char c)
{
#ifdef SCAN_AVX2
	__m256i	 v = _mm256_set1_epi8(c);
	uint64_t lo, hi;

	lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
	    _mm256_loadu_si256((const __m256i *)p), v));
	hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
	    _mm256_loadu_si256((const __m256i *)(p + 32)), v));
	return lo | hi << 32;
#else
	__m128i	 v = _mm_set1_epi8(c);
	uint64_t r = 0;
	int	 k;

	for (k = 0; k < 4; k++)
		r |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(p + 16 * k)), v))
		    << (16 * k);
	return r;
#endif
}

/* Bit i set when byte p[i] is c or its upper case (c a lower-case letter). */
__attribute__((target(SCAN_TARGET), always_inline)) static inline uint64_t
SCAN_SUFFIX(eq64_ci)(const char *p, char c)
{
#ifdef SCAN_AVX2
	__m256i	 v = _mm256_set1_epi8(c), m = _mm256_set1_epi8(0x20);
	uint64_t lo, hi;

	lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_or_si256(
	    _mm256_loadu_si256((const __m256i *)p), m), v));
	hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_or_si256(
	    _mm256_loadu_si256((const __m256i *)(p + 32)), m), v));
	return lo | hi << 32;
#else
	__m128i	 v = _mm_set1_epi8(c), m = _mm_set1_epi8(0x20);
	uint64_t r = 0;
	int	 k;

	for (k = 0; k < 4; k++)
		r |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + 16 * k)),
		    m), v)) << (16 * k);
	return r;
#endif
}

/* Bit i set when byte p[i] == c, for the 16 bytes at p. */
__attribute__((target(SCAN_TARGET), always_inline)) static inline uint64_t
SCAN_SUFFIX(eq16)(const char *p, char c)
{
	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)p), _mm_set1_epi8(c)));
}

/*
 * Bits of the 64 bytes at p that are '{' or '[' (*open) and '}' or ']'
 * (*close): '[' 0x5b and '{' 0x7b differ only in bit 5, as do ']' and '}'.
 */
__attribute__((target(SCAN_TARGET), always_inline)) static inline void
SCAN_SUFFIX(brackets64)(const char *p, uint64_t *open, uint64_t *close)
{
#ifdef SCAN_AVX2
	__m256i	 m = _mm256_set1_epi8(0x20), o = _mm256_set1_epi8(0x7b);
	__m256i	 c = _mm256_set1_epi8(0x7d), x;
	uint64_t ro = 0, rc = 0;
	int	 k;

	for (k = 0; k < 2; k++) {
		x = _mm256_or_si256(_mm256_loadu_si256(
		    (const __m256i *)(p + 32 * k)), m);
		ro |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x, o)) << (32 * k);
		rc |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x, c)) << (32 * k);
	}
#else
	__m128i	 m = _mm_set1_epi8(0x20), o = _mm_set1_epi8(0x7b);
	__m128i	 c = _mm_set1_epi8(0x7d), x;
	uint64_t ro = 0, rc = 0;
	int	 k;

	for (k = 0; k < 4; k++) {
		x = _mm_or_si128(_mm_loadu_si128(
		    (const __m128i *)(p + 16 * k)), m);
		ro |= (uint64_t)(uint32_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(x, o)) << (16 * k);
		rc |= (uint64_t)(uint32_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(x, c)) << (16 * k);
	}
#endif
	*open = ro;
	*close = rc;
}

/*
 * Classify the block at p (BLOCK + LOOKAHEAD readable bytes), whose first
 * byte stands at linepos in the line.  Returns -1 when the block holds a
 * backslash, or closes the outer object before the line's last byte
 * (content after the object): the scalar scanner then decides.
 */
__attribute__((target(SCAN_TARGET), always_inline)) static inline int
SCAN_SUFFIX(block)(struct blockstate *bs, const char *p, const char *linepos)
{
	uint64_t q, s, o, c, cand, below, cc, qn;
	long	 d;

	if (SCAN_SUFFIX(eq64)(p, '\\') != 0)
		return -1;
	q = SCAN_SUFFIX(eq64)(p, '"');
	s = prefix_xor(q) ^ bs->instr;
	SCAN_SUFFIX(brackets64)(p, &o, &c);
	o &= ~s;
	c &= ~s;
	/*
	 * Opening quotes, 'C' or 'c' after them, a quote 16 bytes on: the
	 * masks of this block shifted, completed from the next 16 bytes.
	 */
	cc = SCAN_SUFFIX(eq64_ci)(p, 'c');
	qn = SCAN_SUFFIX(eq16)(p + BLOCK, '"');
	cand = q & s & ((cc >> 1) | (uint64_t)(p[BLOCK] == 'C' ||
	    p[BLOCK] == 'c') << 63) & ((q >> 16) | qn << 48);
	while (cand != 0) {
		int	 i = __builtin_ctzll(cand);

		below = (1ULL << i) - 1;
		d = bs->depth + __builtin_popcountll(o & below) -
		    __builtin_popcountll(c & below);
		if (d == 1 || d == 3)
			candidate(bs, linepos + i);
		cand &= cand - 1;
	}
	/* Closing brackets are few: check none closes the line early. */
	for (cand = c; cand != 0; cand &= cand - 1) {
		int	 i = __builtin_ctzll(cand);

		below = i == 63 ? ~0ULL : (2ULL << i) - 1;
		if (bs->depth + __builtin_popcountll(o & below) -
		    __builtin_popcountll(c & below) <= 0 &&
		    linepos + i != bs->last)
			return -1;
	}
	bs->depth += __builtin_popcountll(o) - __builtin_popcountll(c);
	bs->instr = (uint64_t)((int64_t)s >> 63);
	return 0;
}

/* scan_callers() for a trimmed line from '{' to '}'. */
__attribute__((target(SCAN_TARGET))) static enum scan_result
SCAN_SUFFIX(scan_blocks)(const char *line, size_t len,
    struct scan_hit *hits, size_t *nhits)
{
	struct blockstate bs;
	char	 tail[2 * BLOCK + LOOKAHEAD];
	const char *p = line, *end = line + len;
	size_t	 rest;

	memset(&bs, 0, sizeof(bs));
	bs.last = end - 1;
	bs.end = end;
	bs.hits = hits;
	while ((size_t)(end - p) >= BLOCK + LOOKAHEAD) {
		if (SCAN_SUFFIX(block)(&bs, p, p) == -1 || bs.unsure)
			return SCAN_UNSURE;
		p += BLOCK;
	}
	rest = (size_t)(end - p);
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p, rest);
	if (SCAN_SUFFIX(block)(&bs, tail, p) == -1)
		return SCAN_UNSURE;
	if (rest > BLOCK &&
	    SCAN_SUFFIX(block)(&bs, tail + BLOCK, p + BLOCK) == -1)
		return SCAN_UNSURE;
	if (bs.unsure || bs.depth != 0 || bs.instr != 0)
		return SCAN_UNSURE;
	*nhits = bs.nhits;
	return SCAN_OK;
}
