/*
 * xalloc.h: allocation that does not return on failure.
 *
 * The modules allocate through these functions.  When memory runs out they
 * call the handler the program installed with xalloc_set_handler() (the
 * tools print "out of memory" and exit 2); the default handler aborts.  So
 * a NULL from malloc is never used, in our code or in yajl's (xalloc_yajl_funcs
 * routes yajl's allocations here, since yajl does not check them).
 */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

#include <yajl/yajl_common.h>

/* The handler must not return. */
void	 xalloc_set_handler(void (*fn)(void));

/*
 * Install the programs' handler: write "PROGNAME: out of memory" on
 * stderr (without stdio, which may need memory) and _exit(2).  progname
 * is borrowed and must live as long as the program.
 */
void	 xalloc_exit_on_failure(const char *progname);

void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrndup(const char *s, size_t n);

/*
 * Give the system back the whole pages within the first done bytes of
 * the block at p: a block read in order, no longer needed behind the
 * reader.  Those bytes read as zeros afterwards (or keep their old
 * contents: the advice may be ignored); the block is freed as usual.
 */
void	 xalloc_release(void *p, size_t done);
/*
 * xreallocarray() for an array that grows as it is filled, such as a
 * table of millions of records: past a few MiB, its memory asks for
 * transparent huge pages, so that filling it takes one page fault per
 * 2 MiB rather than per 4 KiB.
 */
void	*xgrow(void *p, size_t n, size_t size);

/*
 * xcalloc() for a big table read at random: its memory asks for huge
 * pages, and after xalloc_big_tables() all of it can have them.
 */
void	*xcalloc_huge(size_t n, size_t size);

/*
 * n bytes (rounded up to whole huge pages) on a huge page boundary, with
 * the advice to use them: a buffer written at once takes a page fault per
 * 2 MiB rather than per 4 KiB.  Freed with free().
 */
void	*xmalloc_huge(size_t n);

/*
 * For a program that builds big tables: every allocation of 1 MiB or
 * more gets a mapping of its own (glibc's M_MMAP_THRESHOLD, fixed rather
 * than raised as memory is freed), so that a table that grows is moved by
 * remapping its pages, not copied into new ones.
 */
void	 xalloc_big_tables(void);

/* Allocation functions for yajl_alloc() and yajl_gen_alloc(). */
extern yajl_alloc_funcs xalloc_yajl_funcs;

#endif /* XALLOC_H */
