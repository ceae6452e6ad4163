/*
 * crc32c.h: CRC-32C (Castagnoli), the checksum of the index file.
 *
 * The polynomial is 0x1EDC6F41 (reflected 0x82F63B78), initial value and
 * final XOR 0xFFFFFFFF, as in iSCSI and ext4: crc32c("123456789") is
 * 0xE3069283.  The SSE4.2 instruction is used when the processor has it.
 */
#ifndef CRC32C_H
#define CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Extend crc (0 for a fresh checksum) with len bytes at p and return the
 * new value, so that crc32c(crc32c(0, a, n), b, m) checksums a then b.
 */
uint32_t crc32c(uint32_t crc, const void *p, size_t len);

/* The same checksum, always by the portable table code (for tests). */
uint32_t crc32c_portable(uint32_t crc, const void *p, size_t len);

#endif /* CRC32C_H */
