/*
 * spill.c
 *		The temporary files of aggregates past their memory budget: funnel
 *		(its open leads), handoff_summary and stage_stays (their rows), and
 *		the spools of their gaps and stays.  The files are BufFiles: counted
 *		in temp_files and temp_bytes, limited by temp_file_limit, removed at
 *		the end of the transaction or on error.
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "spill.h"

/* See spill.h. */
void
SpillPartsClose(SpillParts *sp)
{
	for (int p = 0; p < SPILL_PARTS; p++)
		if (sp->files[p] != NULL)
		{
			BufFileClose(sp->files[p]);
			sp->files[p] = NULL;
		}
}

/*
 * Memory context callback: closes the files when their memory goes.  When a
 * transaction or subtransaction aborts, its resource owner has closed them
 * already, and they must not be closed twice.
 */
static void
CloseSpillParts(void *arg)
{
	SpillParts *sp = (SpillParts *) arg;

	if (IsTransactionState())
		SpillPartsClose(sp);
	memset(sp->files, 0, sizeof(sp->files));
}

/* See spill.h. */
SpillParts *
SpillPartsCreate(MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	SpillParts *sp = palloc0(sizeof(SpillParts));
	MemoryContextCallback *cb = palloc0(sizeof(MemoryContextCallback));

	for (int p = 0; p < SPILL_PARTS; p++)
		sp->files[p] = BufFileCreateTemp(false);
	cb->func = CloseSpillParts;
	cb->arg = sp;
	MemoryContextRegisterResetCallback(cxt, cb);
	MemoryContextSwitchTo(old);
	return sp;
}

/* See spill.h. */
void
SpillRewind(BufFile *file)
{
	if (BufFileSeek(file, 0, 0, SEEK_SET) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not seek in a temporary file of align")));
}

/* See spill.h. */
void
SpillRead(BufFile *file, void *buf, Size n)
{
	size_t		got = BufFileRead(file, buf, n);

	if (got != n)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read a temporary file of align: %zu of %zu bytes", got, n)));
}

/* See spill.h. */
void
SpillForEach(BufFile *file, int64 n, Size rec, void (*fn) (const char *record, void *arg), void *arg)
{
	uint64		block[1024];	/* aligned for records of 8-byte fields */
	int64		per = sizeof(block) / rec;

	SpillRewind(file);
	for (int64 left = n; left > 0;)
	{
		int64		m = Min(left, per);

		SpillRead(file, block, m * rec);
		for (int64 i = 0; i < m; i++)
			fn((const char *) block + i * rec, arg);
		left -= m;
		CHECK_FOR_INTERRUPTS();
	}
}

/* Where SpillSplit sends records: the files, the bits to use, the counts. */
typedef struct SplitTarget
{
	BufFile   **sub;
	int64	   *rows;
	int			shift;
	Size		rec;
} SplitTarget;

/* SpillForEach callback: writes a record to its file by the hash's bits. */
static void
SplitRecord(const char *record, void *arg)
{
	SplitTarget *t = (SplitTarget *) arg;
	uint64		hash;
	int			p;

	memcpy(&hash, record, sizeof(uint64));
	p = (int) ((hash >> t->shift) & (SPILL_PARTS - 1));
	BufFileWrite(t->sub[p], unconstify(char *, record), t->rec);
	t->rows[p]++;
}

/* See spill.h. */
void
SpillSplit(BufFile *file, int64 n, Size rec, int shift, BufFile **sub, int64 *rows)
{
	SplitTarget t = {sub, rows, shift, rec};

	for (int p = 0; p < SPILL_PARTS; p++)
	{
		sub[p] = BufFileCreateTemp(false);
		rows[p] = 0;
	}
	SpillForEach(file, n, rec, SplitRecord, &t);
}
