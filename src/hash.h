/*
 * hash.h: a 64-bit hash of bytes for the in-memory tables (strpool, dedup,
 * ingest).  Not for anything stored: the values may change between
 * versions.
 */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of the len bytes at p, every bit of it well mixed. */
uint64_t hash_bytes(const void *p, size_t len);

#endif /* HASH_H */
