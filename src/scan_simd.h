/*
 * scan_simd.h: the quick pass of scan.c, included once per instruction
 * set with SCAN_SUFFIX (the names' suffix), SCAN_TARGET (the target
 * attribute) and SCAN_W (16: SSE2, 32: AVX2, 64: AVX-512BW).  See scan.c
 * for why the answers are certain.
 */

/*
 * Bit i set when p[i] is a backslash followed by 'u', or a quote followed
 * by 'C' or 'c' with another quote at p[i + 16], for the SCAN_W bytes at p
 * (SCAN_W + 16 bytes readable).
 */
__attribute__((target(SCAN_TARGET), always_inline)) static inline uint64_t
SCAN_SUFFIX(marks)(const char *p)
{
#if SCAN_W == 64
	__m512i	 a = _mm512_loadu_si512((const void *)p);
	__m512i	 b = _mm512_loadu_si512((const void *)(p + 1));
	__m512i	 c = _mm512_loadu_si512((const void *)(p + 16));
	__m512i	 q = _mm512_set1_epi8('"');
	__mmask64 k, u;

	k = _mm512_mask_cmpeq_epi8_mask(_mm512_cmpeq_epi8_mask(a, q), c, q);
	k = _mm512_mask_cmpeq_epi8_mask(k, _mm512_or_si512(b,
	    _mm512_set1_epi8(0x20)), _mm512_set1_epi8('c'));
	u = _mm512_mask_cmpeq_epi8_mask(_mm512_cmpeq_epi8_mask(a,
	    _mm512_set1_epi8('\\')), b, _mm512_set1_epi8('u'));
	return (uint64_t)(k | u);
#elif SCAN_W == 32
	__m256i	 a = _mm256_loadu_si256((const __m256i *)p);
	__m256i	 b = _mm256_loadu_si256((const __m256i *)(p + 1));
	__m256i	 c = _mm256_loadu_si256((const __m256i *)(p + 16));
	__m256i	 q = _mm256_set1_epi8('"');

	return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_and_si256(_mm256_cmpeq_epi8(a, _mm256_set1_epi8('\\')),
	    _mm256_cmpeq_epi8(b, _mm256_set1_epi8('u'))),
	    _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(a, q),
	    _mm256_cmpeq_epi8(c, q)), _mm256_cmpeq_epi8(_mm256_or_si256(b,
	    _mm256_set1_epi8(0x20)), _mm256_set1_epi8('c')))));
#else
	__m128i	 a = _mm_loadu_si128((const __m128i *)p);
	__m128i	 b = _mm_loadu_si128((const __m128i *)(p + 1));
	__m128i	 c = _mm_loadu_si128((const __m128i *)(p + 16));
	__m128i	 q = _mm_set1_epi8('"');

	return (uint32_t)_mm_movemask_epi8(_mm_or_si128(
	    _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('\\')),
	    _mm_cmpeq_epi8(b, _mm_set1_epi8('u'))),
	    _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(a, q),
	    _mm_cmpeq_epi8(c, q)), _mm_cmpeq_epi8(_mm_or_si128(b,
	    _mm_set1_epi8(0x20)), _mm_set1_epi8('c')))));
#endif
}

/* scan_quick() for a trimmed line from '{' to '}', SCAN_W bytes a step. */
__attribute__((target(SCAN_TARGET))) static enum quick
SCAN_SUFFIX(scan_quick)(const char *line, size_t len, struct scan_hit *hits,
    size_t *nhits)
{
	char	 tail[2 * SCAN_W + 16];
	size_t	 i = 0, k, rest;
	uint64_t m;
	enum quick r;

	*nhits = 0;
	for (; len >= SCAN_W + 16 && i <= len - SCAN_W - 16; i += SCAN_W)
		for (m = SCAN_SUFFIX(marks)(line + i); m != 0; m &= m - 1)
			if ((r = quick_mark(line, len, i +
			    (size_t)__builtin_ctzll(m), hits, nhits)) !=
			    QUICK_OK)
				return r;
	/*
	 * The last rest < SCAN_W + 16 bytes, from a copy padded with NUL
	 * bytes, which are never marked and never complete a mark.
	 */
	rest = len - i;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, line + i, rest);
	for (k = 0; k < rest; k += SCAN_W)
		for (m = SCAN_SUFFIX(marks)(tail + k); m != 0; m &= m - 1)
			if ((r = quick_mark(line, len, i + k +
			    (size_t)__builtin_ctzll(m), hits, nhits)) !=
			    QUICK_OK)
				return r;
	return QUICK_OK;
}
