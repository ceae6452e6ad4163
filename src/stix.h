/*
 * stix.h: the IP addresses a STIX 2.1 indicator pattern matches.
 *
 * A pattern is observation expressions ('[' comparison ... ']') joined by
 * OR, AND or FOLLOWEDBY, each holding comparisons joined by OR or AND.
 * An index can hold "this address is bad", so a pattern is read only when
 * it is a pure disjunction: every comparison of an address path
 * (ipv4-addr:value, ipv6-addr:value, network-traffic:src_ref.value,
 * network-traffic:dst_ref.value) with '=' or ISSUBSET gives one address or
 * CIDR value, and comparisons of other paths (domain-name:value, a file
 * hash) are passed over, since the indicator matches either.  A pattern
 * with AND, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START), NOT or
 * another operator on an address path could match an address only
 * together with something else: it is STIX_COMPOUND and gives nothing.
 * A pattern without any address path is STIX_NOADDR, however joined.
 */
#ifndef STIX_H
#define STIX_H

#include <stddef.h>

enum stix_status {
	STIX_OK,		/* fn was called for each address value. */
	STIX_NOADDR,		/* A disjunction without address values. */
	STIX_COMPOUND,		/* Not a pure disjunction (see above). */
	STIX_SYNTAX		/* Not a pattern. */
};

/*
 * Read the pattern of len bytes at p.  For each address value, fn(arg,
 * value, vlen) is called with the decoded string (borrowed during the
 * call), but only once the whole pattern has been read and found sound,
 * so that on any status but STIX_OK fn was not called at all.
 */
enum stix_status stix_addresses(const char *p, size_t len,
	    void (*fn)(void *, const char *, size_t), void *arg);

const char *stix_strerror(enum stix_status st);

#endif /* STIX_H */
