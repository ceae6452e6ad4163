/*
 * fuzz.h: helpers shared by the libFuzzer harnesses of tests/fuzz.
 *
 * The modules of src/ are compiled for the harnesses with mmap and munmap
 * renamed to fuzz_mmap and fuzz_munmap (see Makefile): a file mapping
 * becomes a heap copy of the file, exactly as long as the file, so that
 * AddressSanitizer sees every read past the end of an index, which a real
 * mapping would hide in the zeros of its last page.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

void	*fuzz_mmap(void *, size_t, int, int, int, off_t);
int	 fuzz_munmap(void *, size_t);

/*
 * Return the path of an anonymous in-memory file holding the len bytes
 * at p (the same file is rewritten on each call; the path stays valid).
 */
const char *fuzz_file(const void *p, size_t len);

struct tidx;
struct tidx_builder;
struct tidx_params;

/*
 * Write the index of builder b (then freed) with params p and return it
 * opened; abort on any failure.  The file is gone once it is open.
 */
struct tidx *fuzz_index(struct tidx_builder *b, const struct tidx_params *p);

/* Return 1 when the len bytes at s are valid UTF-8 (RFC 3629). */
int	 fuzz_utf8_valid(const unsigned char *s, size_t len);

/* Abort with a message when cond is false (a property was broken). */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

void	 fuzz_fail(const char *, int, const char *)
	    __attribute__((noreturn));

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	 LLVMFuzzerInitialize(int *, char ***);

#endif /* FUZZ_H */
