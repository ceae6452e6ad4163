/*
 * tidx.h: the index file of ti-index and kv-match, defined once.
 *
 * An index maps IP addresses to the threat-intelligence indicator kept for
 * each (SPEC.md sections 2.1 and 4).  It is built once, written atomically
 * (tidx_build.h), and then only read, through one read-only mmap (the
 * functions below).  man/ti-index.5 documents the same layout for users;
 * the two must agree, and the offsets after this comment name the fields
 * of its tables for the reader and the writer.
 *
 * All integers are little-endian.  Offsets are from the start of the file.
 * Every section starts on a 64-byte boundary and the bytes between
 * sections are zero.  A string reference (strref) is the offset, within the
 * STRINGS section, of a string's length field, or 0xFFFFFFFF for null.
 *
 * Header (128 bytes at offset 0):
 *
 *   OFFSET SIZE DESCRIPTION
 *        0    8 Magic "TI-INDEX".
 *        8    2 Major version (4).  A reader refuses other majors.
 *       10    2 Minor version (0).  A reader reads every minor of its major.
 *       12    4 Header size in bytes (128); the section table follows it.
 *       16    4 Number of entries in the section table (at most 64).
 *       20    4 CRC-32C of the header and the section table, computed with
 *               these four bytes zero.
 *       24    8 File size in bytes.
 *       32    8 Build time (100 ns ticks since 1970-01-01T00:00:00Z).
 *       40    8 The instant the build used as "now" (--now).
 *       48    8 The lookback the build used, in ticks (--lookback).
 *       56    8 Number of IPv4 addresses.
 *       64    8 Number of IPv6 addresses.
 *       72    8 Number of IPv4 prefixes.
 *       80    8 Number of IPv6 prefixes.
 *       88   40 Reserved, zero.
 *
 * Section table entry (32 bytes each, right after the header):
 *
 *        0    4 Kind (below).  Readers skip kinds they do not know.
 *        4    4 CRC-32C of the section's bytes.
 *        8    8 Offset (a multiple of 64).
 *       16    8 Size in bytes; it must equal count times the element size.
 *       24    4 Element count.
 *       28    4 Parameter: the longest probe sequence for hash sections,
 *               else zero.
 *
 * Section kinds (each of 1-6 appears exactly once; 7-10 are optional,
 * present when the index has prefixes, each range section with its
 * directory; 11 is optional, present when it has exact addresses):
 *
 *   1 RECORDS, 32-byte elements, one per indicator:
 *        0    8 TimeGenerated (ticks).
 *        8    8 ExpirationDateTime (ticks); INT64_MAX when it has none.
 *       16    4 strref IndicatorId.
 *       20    4 Index into META.
 *       24    4 ConfidenceScore (signed); INT32_MIN when null.
 *       28    4 strref SourceSystem.
 *   2 ENTRIES, 8-byte elements, one per indexed address:
 *        0    4 Index into RECORDS.
 *        4    4 strref of the address text as the indicator wrote it;
 *               null for an exact address written in its canonical form
 *               (addr_format()), which a reader writes in its place.  An
 *               entry of a range (a prefix) always has its text.
 *   3 HASH4, 8-byte slots, IPv4 addresses, open addressing:
 *        0    4 The address as a 32-bit integer (1.2.3.4 is 0x01020304).
 *        4    4 Index into ENTRIES plus one; 0 marks an empty slot.
 *   4 HASH6, 64-byte buckets (one cache line each) of three slots,
 *       IPv6 addresses (not IPv4-mapped ones):
 *        0   16 The address of slot 0, network byte order.
 *       16   16 The address of slot 1.
 *       32   16 The address of slot 2.
 *       48    4 Index into ENTRIES plus one of slot 0; 0: empty slot.
 *       52    4 The same for slot 1.
 *       56    4 The same for slot 2.
 *       60    4 Reserved, zero.
 *       Slot s of the table is slot s mod 3 of bucket s / 3.
 *   5 META, 20-byte elements, the distinct tuples of five strrefs:
 *       ThreatType, Description, ActivityGroupNames, Url, Type.
 *   6 STRINGS, the string pool; the element count is the number of
 *       strings.  Each string is a 4-byte length, its bytes (UTF-8) and a
 *       NUL.  Each distinct string is stored once.
 *
 *   7 CIDR4, 12-byte elements, the IPv4 prefixes flattened into sorted,
 *       disjoint ranges, each held by the longest prefix covering it:
 *        0    4 First address (as in HASH4).
 *        4    4 Last address.
 *        8    4 Index into ENTRIES.
 *   8 CIDR6, 40-byte elements, the same for IPv6:
 *        0   16 First address, network byte order.
 *       16   16 Last address.
 *       32    4 Index into ENTRIES.
 *       36    4 Reserved, zero.
 *   9 DIR4, 65537 4-byte elements: element h is the number of CIDR4
 *       ranges that start below h << 16 (the last one is their count).
 *  10 DIR6, the same for CIDR6, on the first 16 bits of the address.
 *  11 FILTER, 8-byte words, a Bloom filter of the exact addresses (of
 *       HASH4 and HASH6): each address sets three bits of one word.
 *       An address whose bits are not all set is in neither table.
 *
 * A lookup tries the exact tables first, then the range holding the
 * address: a binary search among the ranges from DIR[h] - 1 to DIR[h+1],
 * h being the address's first 16 bits.  With a FILTER, an exact lookup
 * reads the address's filter word first and its table only when the
 * word has the address's three bits set.
 *
 * The filter word and bits of an address: with x the IPv4 key k, or
 * (h * 0x9E3779B97F4A7C15 + l) mod 2^64 for an IPv6 key (h and l as
 * below), z is SplitMix64's output for x:
 *   z = x + 0x9E3779B97F4A7C15
 *   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *   z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *   z = z ^ (z >> 31)			(all mod 2^64)
 * and the word is ((z >> 32) * words) >> 32, the bits z & 63, z >> 6 & 63
 * and z >> 12 & 63 of it.
 *
 * Hash sections have a power-of-two number of elements (slots for HASH4,
 * buckets for HASH6) or none, and linear probing over their slots, the
 * last slot followed by the first.  An IPv4 key k starts at slot
 * ((k * 0x9E3779B97F4A7C15) mod 2^64 >> 32) & (slots - 1) & ~7, the first
 * of the eight slots of its 64-byte line.  An IPv6 key whose first and
 * last 8 bytes read as big-endian integers are h and l starts at slot 0
 * of bucket
 * (((h * 0x9E3779B97F4A7C15 + l) * 0xC2B2AE3D27D4EB4F) mod 2^64 >> 32)
 * & (buckets - 1).  A lookup stops at an empty slot or after the
 * section's parameter plus one probes.  Either way a lookup reads one
 * cache line in most cases.
 */
#ifndef TIDX_H
#define TIDX_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define TIDX_MAGIC		"TI-INDEX"
#define TIDX_MAJOR		4
#define TIDX_MINOR		0
#define TIDX_HEADER_SIZE	128
#define TIDX_SECTION_SIZE	32
#define TIDX_MAX_SECTIONS	64
#define TIDX_ALIGN		64	/* Of every section's offset. */
#define TIDX_STRNULL		0xFFFFFFFFu
#define TIDX_CONF_NULL		INT32_MIN

/* Header fields: offsets from the start of the file. */
enum tidx_header_field {
	TIDX_H_MAGIC = 0,
	TIDX_H_MAJOR = 8,
	TIDX_H_MINOR = 10,
	TIDX_H_SIZE = 12,
	TIDX_H_NSECTIONS = 16,
	TIDX_H_CRC = 20,
	TIDX_H_FILE_SIZE = 24,
	TIDX_H_BUILD_TIME = 32,
	TIDX_H_NOW = 40,
	TIDX_H_LOOKBACK = 48,
	TIDX_H_N_V4 = 56,
	TIDX_H_N_V6 = 64,
	TIDX_H_N_CIDR4 = 72,
	TIDX_H_N_CIDR6 = 80
};

/* Section table entry fields: offsets from the entry's start. */
enum tidx_section_field {
	TIDX_S_KIND = 0,
	TIDX_S_CRC = 4,
	TIDX_S_OFFSET = 8,
	TIDX_S_SIZE = 16,
	TIDX_S_COUNT = 24,
	TIDX_S_PARAM = 28
};

/* Element fields and sizes of the sections, as in the table above. */
enum tidx_element_field {
	TIDX_REC_TIME = 0, TIDX_REC_EXPIRY = 8, TIDX_REC_ID = 16,
	TIDX_REC_META = 20, TIDX_REC_CONF = 24, TIDX_REC_SOURCE = 28,
	TIDX_REC_SIZE = 32,
	TIDX_ENT_REC = 0, TIDX_ENT_TEXT = 4, TIDX_ENT_SIZE = 8,
	TIDX_SLOT4_KEY = 0, TIDX_SLOT4_VAL = 4, TIDX_SLOT4_SIZE = 8,
	TIDX_BKT6_KEY = 0,		/* Slot j's address at 16 * j. */
	TIDX_BKT6_VAL = 48,		/* Slot j's value at 48 + 4 * j. */
	TIDX_BKT6_SLOTS = 3, TIDX_BKT6_SIZE = 64,
	TIDX_META_SIZE = 20,		/* Five strrefs. */
	TIDX_CIDR4_FIRST = 0, TIDX_CIDR4_LAST = 4, TIDX_CIDR4_ENT = 8,
	TIDX_CIDR4_SIZE = 12,
	TIDX_CIDR6_FIRST = 0, TIDX_CIDR6_LAST = 16, TIDX_CIDR6_ENT = 32,
	TIDX_CIDR6_SIZE = 40,
	TIDX_DIR_COUNT = 65537,		/* 4-byte elements of DIR4, DIR6. */
	TIDX_FILTER_WORD = 8,
	TIDX_FILTER_PER_WORD = 4	/* Addresses a word the writer gives. */
};

enum tidx_kind {
	TIDX_RECORDS = 1,
	TIDX_ENTRIES,
	TIDX_HASH4,
	TIDX_HASH6,
	TIDX_META,
	TIDX_STRINGS,
	TIDX_CIDR4,		/* Optional. */
	TIDX_CIDR6,
	TIDX_DIR4,
	TIDX_DIR6,
	TIDX_FILTER,		/* Optional. */
	TIDX_NKINDS = TIDX_FILTER
};

/* Status of the functions below; tidx_strerror() names each. */
enum tidx_status {
	TIDX_OK = 0,
	TIDX_ERR_IO,		/* System call failed; errno says why. */
	TIDX_ERR_MAGIC,		/* Not an index file. */
	TIDX_ERR_VERSION,	/* Major version this reader does not know. */
	TIDX_ERR_TRUNCATED,	/* Shorter than its header says. */
	TIDX_ERR_HEADER,	/* Header or section table inconsistent. */
	TIDX_ERR_CHECKSUM,	/* Header or section checksum mismatch. */
	TIDX_ERR_DAMAGED,	/* A reference inside the file is out of range. */
	TIDX_ERR_TOOBIG		/* More than the format can hold. */
};

const char *tidx_strerror(enum tidx_status);

/* A borrowed string: valid until the index is closed. */
struct tidx_str {
	const char *p;		/* NULL for a null value. */
	uint32_t    len;
};

/*
 * One indicator as stored, with the address text of one entry (null when
 * the text is the canonical form of the address: see tidx_addr_text()).
 */
struct tidx_ind {
	int64_t		time_generated;
	int64_t		expiration;	/* INT64_MAX: no expiry. */
	int32_t		confidence;	/* TIDX_CONF_NULL: null. */
	struct tidx_str	id, threat_type, description, activity_groups,
			url, type, source, addr_text;	/* source: SourceSystem. */
	uint32_t	record;		/* Index of the indicator's record. */
};

/* Header fields as read, for --info. */
struct tidx_info {
	unsigned	major, minor;
	uint64_t	file_size;
	int64_t		build_time, now, lookback;
	uint64_t	n_v4, n_v6;		/* Exact addresses. */
	uint64_t	n_cidr4, n_cidr6;	/* Prefixes. */
	uint64_t	ranges4, ranges6;	/* Their disjoint ranges. */
	uint64_t	n_records, n_entries, n_meta, n_strings;
	uint64_t	strings_size;
	uint64_t	slots4, slots6;		/* slots6: 3 per bucket. */
	uint32_t	probe4, probe6;
	uint64_t	filter_words;		/* 0: no FILTER. */
};

struct tidx;

/*
 * Map the index at path and validate its header and section table: file
 * size, magic, version, header checksum, each section inside the file,
 * sized as its count says, without overflow.  It does not read sections,
 * so it takes the same time for any number of indicators.
 * Returns TIDX_OK and sets *ixp (close with tidx_close), or a status with
 * *ixp NULL and errno kept for TIDX_ERR_IO.
 */
enum tidx_status tidx_open(const char *path, struct tidx **ixp);

/* Unmap and free ix; NULL is accepted.  Borrowed pointers die with it. */
void	tidx_close(struct tidx *ix);

/*
 * Check every section's checksum, and that every reference in the file
 * (records, entries, slots, strings) is in range.  Reads the whole file.
 */
enum tidx_status tidx_verify(const struct tidx *ix);

void	tidx_get_info(const struct tidx *ix, struct tidx_info *info);

/*
 * Look a up.  Returns the entry index (>= 0) of its indicator, or -1 when
 * it is not in the index.
 */
int64_t	tidx_lookup(const struct tidx *ix, const struct addr *a);

/*
 * Hint the processor to fetch the first cache line tidx_lookup(ix, a)
 * reads: a's FILTER word, or without a FILTER the line of eight HASH4
 * slots or the HASH6 bucket it starts at.
 */
void	tidx_prefetch(const struct tidx *ix, const struct addr *a);

/*
 * tidx_lookup() of an address given to tidx_prefetch() a while ago: the
 * same answer.  tidx_lookup() of an index with a FILTER starts loading
 * the table's line before it reads the filter's word, so that a hit
 * waits for memory once; after tidx_prefetch() the word is at hand, and
 * this leaves the line alone for the addresses the filter turns away
 * (nearly all, in a Key Vault stream), which then cost no memory
 * traffic at all.
 */
int64_t	tidx_lookup_fetched(const struct tidx *ix, const struct addr *a);

/*
 * Fill *ind with the indicator of entry e, pointing into the mapping;
 * its addr_text is null where the index keeps none (tidx_addr_text()).
 * Returns TIDX_OK, or TIDX_ERR_DAMAGED when a reference is out of range
 * (the file changed or was damaged after validation).
 */
enum tidx_status tidx_entry(const struct tidx *ix, uint64_t e,
	    struct tidx_ind *ind);

/*
 * The address text of ind, an entry found for address a: the text the
 * indicator wrote, or, where the index keeps none (an exact address the
 * indicator wrote in its canonical form), addr_format(a) written to buf
 * (ADDR_STRLEN bytes).
 */
struct tidx_str tidx_addr_text(const struct tidx_ind *ind,
	    const struct addr *a, char *buf);

#endif /* TIDX_H */
