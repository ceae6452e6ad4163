/*
 * stix.h: the IP addresses a STIX 2.1 indicator pattern matches.
 *
 * A pattern is read as the official grammar (STIXPattern.g4 of
 * oasis-open/cti-stix2-json-schemas) defines it: observation expressions
 * ('[' comparisons ']') joined by AND, OR and FOLLOWEDBY, with the
 * qualifiers WITHIN, REPEATS and START/STOP; comparisons joined by AND and
 * OR, each "path [NOT] op literal" (op one of = == != <> < > <= >= IN
 * LIKE MATCHES ISSUBSET ISSUPERSET) or "[NOT] EXISTS path"; keywords in
 * capitals; int, float, string, b'', h'', t'' and bool literals; quoted
 * path components and list steps; comments.  Like cti-pattern-validator,
 * it also refuses a qualifier repeated directly on one observation and a
 * hash value of the wrong form for a known hash name (file:hashes.MD5).
 *
 * An index holds "this address is bad", so the reader gives the
 * addresses only when matching any one of them alone satisfies the
 * pattern.  An address comparison is a comparison of ipv4-addr:value,
 * ipv6-addr:value, network-traffic:src_ref.value or dst_ref.value with
 * '=' or '==' to a string, ISSUBSET a string, or IN a list of strings.
 * Inside one observation, AND with a comparison that only restates the
 * type of the same reference (network-traffic:dst_ref.type = 'ipv4-addr'),
 * or with any comparison of network-traffic:src_port, dst_port or
 * protocols, leaves the addresses of network-traffic references as they
 * are.  OR gives the addresses of both sides; a side without an address
 * hides nothing.  Everything else that touches an address narrows it and
 * makes the whole pattern STIX_COMPOUND: AND with another comparison or
 * observation, FOLLOWEDBY, a qualifier, NOT, any other operator or a
 * literal that is not a string.  Parts without an address path never do:
 * a pattern with no address part at all is STIX_NOADDR.
 */
#ifndef STIX_H
#define STIX_H

#include <stddef.h>

enum stix_status {
	STIX_OK,		/* fn was called for each address value. */
	STIX_NOADDR,		/* A valid pattern without address values. */
	STIX_COMPOUND,		/* An address narrowed (see above). */
	STIX_SYNTAX		/* Not a valid pattern. */
};

/*
 * Read the pattern of len bytes at p.  For each address value, fn(arg,
 * value, vlen) is called with the decoded string (borrowed during the
 * call), in the order of the pattern, but only once the whole pattern
 * has been read and found sound, so that on any status but STIX_OK fn
 * was not called at all.  At most 4096 values; more are STIX_SYNTAX.
 */
enum stix_status stix_addresses(const char *p, size_t len,
	    void (*fn)(void *, const char *, size_t), void *arg);

const char *stix_strerror(enum stix_status st);

#endif /* STIX_H */
