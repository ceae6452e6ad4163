/*
 * xalloc.c: allocation that calls the program's handler instead of
 * returning NULL.  See xalloc.h.
 */
#define _DEFAULT_SOURCE		/* madvise(2) and MADV_HUGEPAGE. */

#include <sys/mman.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

#define HUGE_PAGE	((uintptr_t)2 << 20)
#define MAPPED_MIN	(1024 * 1024)

static void (*oom_handler)(void) = abort;

void
xalloc_set_handler(void (*fn)(void))
{
	oom_handler = fn;
}

static const char *oom_progname = "";

static void
exit_oom(void)
{
	static const char msg[] = ": out of memory\n";

	if (write(STDERR_FILENO, oom_progname, strlen(oom_progname)) >= 0)
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(2);
}

void
xalloc_exit_on_failure(const char *progname)
{
	oom_progname = progname;
	oom_handler = exit_oom;
}

static void
oom(void)
{
	oom_handler();
	abort();	/* Not reached: the handler must not return. */
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

/* n * size, or the handler when that overflows. */
static size_t
array_bytes(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	return n * size;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	size_t	 total;

	if ((total = array_bytes(n, size)) == 0)
		total = 1;
	if ((p = realloc(p, total)) == NULL)
		oom();
	return p;
}

/* Advise on the whole units (a power of two) inside the n bytes at p. */
static void
advise_inside(void *p, size_t n, uintptr_t unit, int advice)
{
	uintptr_t lo = ((uintptr_t)p + unit - 1) & ~(unit - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(unit - 1);

	if (p != NULL && hi > lo)
		(void)madvise((void *)lo, hi - lo, advice);
}

/* Huge pages for the whole 2 MiB pages inside the n bytes at p. */
static void
advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	advise_inside(p, n, HUGE_PAGE, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

void *
xmalloc_huge(size_t n)
{
	void	*p;
	int	 e;

	n = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	if ((e = posix_memalign(&p, HUGE_PAGE, n ? n : HUGE_PAGE)) != 0) {
		errno = e;
		oom();
		return NULL;
	}
	advise_huge(p, n);
	return p;
}

static int big_tables;	/* Allocations of MAPPED_MIN and more are mapped. */

void
xalloc_big_tables(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
	big_tables = mallopt(M_MMAP_THRESHOLD, MAPPED_MIN) == 1;
#endif
}

/*
 * glibc gives a block of at least MAPPED_MIN (after xalloc_big_tables())
 * a mapping of its own, CHUNK_OVER bytes longer than the block.  The
 * kernel places an anonymous mapping that is a whole number of huge
 * pages on a huge page boundary, and keeps it there when mremap(2) moves
 * it; otherwise each move of a growing table splits its huge pages back
 * into small ones.  So a big block is asked for in whole huge pages of
 * mapping (glibc adds 32 bytes or less).  Were the overhead other than
 * this, the blocks would only be placed as before.
 */
#define CHUNK_OVER	32

static size_t
big_request(size_t total)
{
	if (!big_tables || total < 2 * HUGE_PAGE ||
	    total > SIZE_MAX - 2 * HUGE_PAGE)
		return total;
	return ((total + CHUNK_OVER + HUGE_PAGE - 1) &
	    ~(size_t)(HUGE_PAGE - 1)) - CHUNK_OVER;
}

/*
 * Advice on the whole mapping of a big block (on a part it would split
 * the mapping, and the next mremap(2) of the block, which must find one
 * mapping, would fail into a copy); else on its whole huge pages.
 */
static void
advise_block(void *p, size_t total)
{
#ifdef MADV_HUGEPAGE
	uintptr_t pg, lo, hi;

	if (!big_tables || total < MAPPED_MIN) {
		advise_huge(p, total);
		return;
	}
#ifdef __GLIBC__
	total = malloc_usable_size(p);	/* To the mapping's end. */
#endif
	pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	lo = (uintptr_t)p & ~(pg - 1);
	hi = ((uintptr_t)p + total + pg - 1) & ~(pg - 1);
	(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)total;
#endif
}

void *
xgrow(void *p, size_t n, size_t size)
{
	size_t	 total = big_request(array_bytes(n, size));

	p = xreallocarray(p, total, 1);
	if (big_tables && total >= 2 * HUGE_PAGE)
		advise_block(p, total);
	return p;
}

void *
xcalloc_huge(size_t n, size_t size)
{
	size_t	 total = big_request(array_bytes(n, size));
	void	*p = xcalloc(1, total);

	advise_block(p, total);
	return p;
}

void
xalloc_release(void *p, size_t done)
{
#ifdef MADV_DONTNEED
	/* The allocator's record is before p: never inside. */
	advise_inside(p, done, (uintptr_t)sysconf(_SC_PAGESIZE),
	    MADV_DONTNEED);
#else
	(void)p;
	(void)done;
#endif
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void *
y_malloc(void *ctx, size_t n)
{
	(void)ctx;
	return xmalloc(n);
}

static void *
y_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	return xreallocarray(p, n, 1);
}

static void
y_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

yajl_alloc_funcs xalloc_yajl_funcs = { y_malloc, y_realloc, y_free, NULL };
