/*
 * akey.c: the partition key of an alert.  See akey.h.
 */
#include <string.h>

#include "akey.h"

size_t
akey_format(char *buf, const struct addr *a, const char *id, size_t idlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	 n, i;

	addr_format(a, buf);
	n = strlen(buf);
	buf[n++] = '/';
	for (i = 0; i < idlen; i++) {
		unsigned char c = (unsigned char)id[i];

		if (c <= 0x20 || c == '%' || c == 0x7f) {
			buf[n++] = '%';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		} else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return n;
}
