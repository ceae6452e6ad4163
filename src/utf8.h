/*
 * utf8.h: UTF-8 checking for the JSON readers and writers (jrec, jout,
 * state).
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/*
 * Append the len bytes at s to buf as valid UTF-8, each invalid byte
 * replaced by U+FFFD (EF BF BD).  buf must have room for 3 * len bytes.
 * Returns the number of bytes written (len exactly when s is valid).
 */
size_t	 utf8_sanitize(char *buf, const char *s, size_t len);

#endif /* UTF8_H */
