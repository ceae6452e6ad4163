/*
 * scan.h: finding the caller addresses of a line without parsing it.
 *
 * kv-match looks up the caller address of every record, but only about
 * one in a thousand is in the index.  scan_callers() lists the string
 * values of the members named CallerIPAddress (AzureDiagnostics),
 * callerIpAddress (resource logs) and CallerIpAddress (AZKVAuditLogs) of a
 * line that is one object: those at depth 1 (members of the line's object),
 * at depth 3 (members of the records of a {"records":[...]} envelope) and
 * at depth 5 (of an envelope inside an envelope's array, see jrec.h)
 * and, for speed, possibly others that read like such members (at other
 * depths, or text inside a string value after an escaped quote).  For any
 * line that is valid JSON the list is complete: a record whose caller
 * address is not listed cannot have one, so when none of the listed
 * addresses is in the index the line cannot give an alert.  Everything
 * the scan cannot read with that certainty (an escape in an address, a key
 * that may be spelled with escapes, an unknown value, a line that is not
 * one object) is SCAN_UNSURE and goes to the full parse.  A line that is
 * not valid JSON can get any answer; the full parse that follows a hit,
 * or --validate, is what rejects it.
 */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

#define SCAN_MAXHITS	64	/* More addresses on a line: unsure. */

enum scan_result {
	SCAN_OK,	/* hits[0 .. *nhits): every caller address. */
	SCAN_UNSURE	/* Parse the line in full. */
};

struct scan_hit {
	const char	*p;	/* The address text in the line, no escapes. */
	size_t		 len;
};

/* hits has room for SCAN_MAXHITS entries. */
enum scan_result scan_callers(const char *line, size_t len,
	    struct scan_hit *hits, size_t *nhits);

/*
 * The exact answer of the tokenizer: only the members at depth 1, 3 and 5,
 * and SCAN_UNSURE for a line whose strings or brackets do not close where
 * the object does.  scan_callers() gives it for lines with a backslash;
 * for the others it may list members of the three names at other depths
 * too (an extra address only costs a full parse when it is indexed).
 * The programs use scan_callers(); this second algorithm is the exact
 * reference the fast scanner is checked against (check_scan, fuzz_kvrec).
 */
enum scan_result scan_callers_exact(const char *line, size_t len,
	    struct scan_hit *hits, size_t *nhits);

/*
 * The members of a record that decide, on their own, what the full parse
 * (kvrec.h) makes of a line that is one object: the AzureDiagnostics
 * shape's ResourceType, TimeGenerated and CallerIPAddress, and a resource
 * log's resourceId, time and callerIpAddress.
 */
enum scan_member {
	SM_RESOURCETYPE, SM_TIMEGENERATED, SM_CALLER,
	SM_RL_RESOURCEID, SM_RL_TIME, SM_RL_CALLER,
	SM_NMEMBERS
};

struct scan_rec {
	struct scan_hit	 m[SM_NMEMBERS];	/* p NULL: absent. */
};

/*
 * Read a line as yajl and jrec.h would, for the members above.  Returns 0
 * when the line is certainly one JSON text (exactly as yajl reads it) that
 * is an object, none of whose members is named "records", "value" or
 * "tables" (it is one record, not a container) or has a key with an
 * escape, and each of whose members named in enum scan_member is a string
 * of printable ASCII without escapes wherever it occurs; then r->m[i] is
 * the last occurrence
 * of member i, the value jrec.h gives it.  Returns -1 for anything else,
 * and for what it cannot tell (white space other than space, tab and CR,
 * nesting deeper than 64, a control byte in a string): the full parse
 * decides.  Bytes from 0x80 up are taken as yajl takes them (jrec.h does
 * not validate UTF-8).
 */
int	scan_record(const char *line, size_t len, struct scan_rec *r);

/*
 * The same reading with other members: member_of(k, n) gives the index
 * (below nm) in m of the member whose key at depth 1 is the n bytes at k
 * (no escapes), -1 for a member not read, -2 for one that makes the line
 * unsure (-1 returned).  scan_record() is scan_members() with the members
 * of enum scan_member, and containers -2.
 */
int	scan_members(const char *line, size_t len,
	    int (*member_of)(const char *, size_t), struct scan_hit *m,
	    size_t nm);

/*
 * Choose the instruction set of scan_callers(): "avx512", "avx2", "sse2"
 * (x86-64) or "bytewise"; NULL for the best the CPU has, which is the
 * default.  Returns -1 (and changes nothing) when the CPU lacks it.  For
 * tests and benchmarks.
 */
int	scan_use(const char *name);

#endif /* SCAN_H */
