/*
 * akey.h: the partition key of an alert (SPEC.md 3, --key).
 *
 * kv-match --key writes each alert as KEY<TAB>ALERT so that
 * "kcat -P -K '\t'" sends every alert of one dedup key (SPEC.md 2.3: an
 * IndicatorId and an address) to one partition.  KEY is the address in
 * canonical lower-case text (addr.h: a dotted quad, or RFC 5952), a
 * '/', then the IndicatorId with the bytes 00-20, '%' and 7F written as
 * '%' and two upper-case hex digits.  So one key has one text whatever
 * the record wrote ("2001:DB8::1" and "2001:db8::1" are one key), and a
 * KEY never holds a TAB, a newline or a space.
 */
#ifndef AKEY_H
#define AKEY_H

#include <stddef.h>

#include "addr.h"

/* The room akey_format needs for an id of idlen bytes, with the NUL. */
#define AKEY_SIZE(idlen)	(ADDR_STRLEN + 1 + 3 * (idlen) + 1)

/*
 * Write the key of address a and indicator id (idlen bytes) into buf, at
 * least AKEY_SIZE(idlen) bytes, NUL-terminated.  Returns its length.
 */
size_t	 akey_format(char *buf, const struct addr *a, const char *id,
	    size_t idlen);

#endif /* AKEY_H */
