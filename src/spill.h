/*
 * spill.h
 *		The temporary files of aggregates past their memory budget (issue
 *		18): reading them back, and splitting one by its records' hash
 *		(spill.c).
 */
#ifndef ALIGN_SPILL_H
#define ALIGN_SPILL_H

#include "postgres.h"
#include "storage/buffile.h"

/* Partitions of a spill: by 5 bits of the lead hash at a time. */
#define SPILL_BITS	5
#define SPILL_PARTS	(1 << SPILL_BITS)

/* One temporary file per partition, and the records written to each. */
typedef struct SpillParts
{
	BufFile    *files[SPILL_PARTS];	/* NULL once closed */
	int64		rows[SPILL_PARTS];
} SpillParts;

/*
 * New partition files, allocated in cxt and closed when cxt's memory goes
 * (the executor ends the aggregate), or earlier by SpillPartsClose.
 */
extern SpillParts *SpillPartsCreate(MemoryContext cxt);
extern void SpillPartsClose(SpillParts *sp);

/* Appends a record (its 64-bit hash first) to the partition of its top bits. */
static inline void
SpillPartsWrite(SpillParts *sp, const void *rec, Size size)
{
	uint64		hash;
	int			p;

	memcpy(&hash, rec, sizeof(uint64));
	p = (int) (hash >> (64 - SPILL_BITS));
	BufFileWrite(sp->files[p], unconstify(void *, rec), size);
	sp->rows[p]++;
}

/* Positions a spill file at its start, to read it. */
extern void SpillRewind(BufFile *file);

/* Reads exactly n bytes of a spill file at its position into buf. */
extern void SpillRead(BufFile *file, void *buf, Size n);

/*
 * Calls fn(record, arg) on each of the n records (rec bytes each, rec a
 * multiple of 4) of a spill file, read from its start in blocks; the file
 * is left at the end of them.
 */
extern void SpillForEach(BufFile *file, int64 n, Size rec,
						 void (*fn) (const char *record, void *arg), void *arg);

/*
 * Splits the n records (rec bytes each, a 64-bit hash first) of a spill
 * file, read from its start, into SPILL_PARTS new temporary files by the
 * hash's SPILL_BITS bits from bit shift up; sub[] and rows[] receive them.
 */
extern void SpillSplit(BufFile *file, int64 n, Size rec, int shift,
					   BufFile **sub, int64 *rows);

#endif							/* ALIGN_SPILL_H */
