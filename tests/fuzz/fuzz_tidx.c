/*
 * fuzz_tidx.c: libFuzzer harness for opening and reading an index file
 * (tidx.c) from arbitrary bytes.
 *
 * The first input byte holds flags, the rest is the file.  Flag 1 makes
 * each section's CRC-32C right for its bytes, flag 2 makes the header's
 * CRC right, so that the fuzzer gets past the checksums to the checks
 * behind them.  Properties: tidx_open() answers with a status and never
 * reads outside the file; lookups, tidx_entry() and tidx_verify() stay
 * inside it too; once tidx_verify() passes, every entry can be read and
 * every lookup answers an entry that exists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "crc32c.h"
#include "fuzz.h"
#include "tidx.h"

#define MAXENTRIES	4096	/* Entries read per input, to stay fast. */

static uint64_t
le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Recompute the checksums the flags ask for, where the fields allow. */
static void
fix_crcs(uint8_t *b, size_t len, int flags)
{
	uint64_t hsize, nsec, end, off, size, i;
	uint8_t	 zero[4] = { 0, 0, 0, 0 };
	uint32_t crc;

	if (len < 24)
		return;
	hsize = le(b + 12, 4);
	nsec = le(b + 16, 4);
	if (hsize < 24 || hsize > 4096 || nsec > 64)
		return;
	end = hsize + nsec * 32;
	if (end > len)
		return;
	if (flags & 1)
		for (i = 0; i < nsec; i++) {
			uint8_t	*e = b + hsize + i * 32;

			off = le(e + 8, 8);
			size = le(e + 16, 8);
			if (off <= len && size <= len - off)
				put32(e + 4, crc32c(0, b + off, size));
		}
	if (flags & 2) {
		crc = crc32c(0, b, 20);
		crc = crc32c(crc, zero, 4);
		crc = crc32c(crc, b + 24, end - 24);
		put32(b + 20, crc);
	}
}

static void
check_entry(const struct tidx *ix, uint64_t e, int must)
{
	struct tidx_ind	 ind;
	enum tidx_status st;
	const struct tidx_str *s[7];
	int		 i;

	st = tidx_entry(ix, e, &ind);
	FUZZ_ASSERT(st == TIDX_OK || st == TIDX_ERR_DAMAGED);
	FUZZ_ASSERT(!must || st == TIDX_OK);
	if (st != TIDX_OK)
		return;
	s[0] = &ind.id;
	s[1] = &ind.threat_type;
	s[2] = &ind.description;
	s[3] = &ind.activity_groups;
	s[4] = &ind.url;
	s[5] = &ind.type;
	s[6] = &ind.addr_text;
	for (i = 0; i < 7; i++)
		if (s[i]->p != NULL) {
			/* Touch the first and the terminating byte. */
			FUZZ_ASSERT(s[i]->p[s[i]->len] == '\0');
			if (s[i]->len > 0)
				(void)*(volatile const char *)s[i]->p;
		}
}

static int64_t
look(const struct tidx *ix, const struct addr *a, int verified,
    uint64_t nentries)
{
	int64_t	 e;

	tidx_prefetch(ix, a);
	e = tidx_lookup(ix, a);
	FUZZ_ASSERT(e >= -1);
	if (verified)
		FUZZ_ASSERT(e < (int64_t)nentries);
	if (e >= 0)
		check_entry(ix, (uint64_t)e, verified);
	return e;
}

static void
lookups(const struct tidx *ix, const uint8_t *data, size_t size,
    int verified, uint64_t nentries)
{
	static const char *const fixed[] = {
		"203.0.113.10", "192.0.2.1", "198.51.100.8", "0.0.0.0",
		"255.255.255.255", "2001:db8::1", "::1", "::",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::8"
	};
	struct addr	 a;
	size_t		 i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (addr_parse(fixed[i], strlen(fixed[i]), &a) == 0)
			look(ix, &a, verified, nentries);
	}
	/* Keys taken from the input, as IPv4 and as IPv6. */
	for (i = 0; i + 16 <= size && i < 64 * 16; i += 16) {
		memcpy(a.b, data + i, 16);
		look(ix, &a, verified, nentries);
		addr_from_v4(&a, (uint32_t)le(data + i, 4));
		look(ix, &a, verified, nentries);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tidx	*ix;
	struct tidx_info info;
	enum tidx_status st;
	uint8_t		*b;
	uint64_t	 e, n;
	int		 verified;

	if (size < 1)
		return 0;
	if ((b = malloc(size)) == NULL)
		abort();
	memcpy(b, data + 1, size - 1);
	fix_crcs(b, size - 1, data[0]);
	st = tidx_open(fuzz_file(b, size - 1), &ix);
	if (st != TIDX_OK) {
		FUZZ_ASSERT(ix == NULL);
		FUZZ_ASSERT(st > TIDX_OK && st <= TIDX_ERR_TOOBIG);
		FUZZ_ASSERT(st != TIDX_ERR_IO);
		FUZZ_ASSERT(strcmp(tidx_strerror(st), "unknown error") != 0);
		free(b);
		return 0;
	}
	tidx_get_info(ix, &info);
	FUZZ_ASSERT(info.file_size == size - 1);
	n = info.n_entries;
	lookups(ix, b, size - 1, 0, n);
	for (e = 0; e < n && e < MAXENTRIES; e++)
		check_entry(ix, e, 0);
	FUZZ_ASSERT(tidx_entry(ix, n, &(struct tidx_ind){ 0 }) ==
	    TIDX_ERR_DAMAGED);
	FUZZ_ASSERT(tidx_entry(ix, UINT64_MAX, &(struct tidx_ind){ 0 }) ==
	    TIDX_ERR_DAMAGED);
	st = tidx_verify(ix);
	FUZZ_ASSERT(st == TIDX_OK || st == TIDX_ERR_CHECKSUM ||
	    st == TIDX_ERR_DAMAGED);
	if ((verified = st == TIDX_OK)) {
		for (e = 0; e < n && e < MAXENTRIES; e++)
			check_entry(ix, e, 1);
		lookups(ix, b, size - 1, 1, n);
	}
	tidx_close(ix);
	free(b);
	return 0;
}
