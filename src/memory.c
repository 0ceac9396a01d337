/*
 * memory.c
 *		Large arrays for the aggregates' per-lead tables.
 */
#include "postgres.h"

#include <sys/mman.h>

#include "utils/memutils.h"

#include "align.h"

/*
 * Memory for a large array, in cxt.  From 4 MB on it is aligned to 2 MB and
 * the kernel is asked for transparent huge pages: the per-lead tables are
 * read at random, and with 4 kB pages nearly every row would also miss the
 * TLB and take a page fault on first touch.  *alloc receives what to pfree.
 */
void *
AllocLarge(MemoryContext cxt, Size size, void **alloc)
{
	const Size	huge = (Size) 2 << 20;
	char	   *p;

	if (size < 2 * huge)
	{
		*alloc = MemoryContextAllocHuge(cxt, size);
		return *alloc;
	}
	*alloc = MemoryContextAllocHuge(cxt, size + huge);
	p = (char *) TYPEALIGN(huge, *alloc);
#ifdef MADV_HUGEPAGE
	(void) madvise(p, TYPEALIGN_DOWN(huge, size), MADV_HUGEPAGE);
#endif
	return p;
}
