/*
 * spool.c
 *		int64 values (a handoff_summary's gaps, a stage_stays' stays) within a
 *		memory budget, with exact selection of the k-th smallest.
 *
 * Values are appended to an array in memory.  When the array would pass
 * the budget, it is written to a temporary file (a BufFile: counted in
 * temp_files and temp_bytes, limited by temp_file_limit, removed at the end
 * of the transaction or on error) and emptied, and so on.  Selecting the
 * k-th smallest value is then a quickselect in memory when nothing was
 * written, else a radix narrowing over the file and the array: one pass
 * counts the values per 16-bit digit of their (order-preserving, unsigned)
 * key, finds the digit that holds rank k, and the next pass looks only at
 * values with that prefix, until they fit the budget (they are then
 * collected and quickselected) or share all 64 bits.  At most four passes,
 * and no pass over digits every value shares: the spool keeps the least
 * and greatest key, and the first pass counts the highest digit in which
 * they differ (durations in microseconds share their top 16 bits or more).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "port/pg_bitutils.h"

#include "spill.h"
#include "spool.h"

#define SPOOL_DIGIT_BITS	16
#define SPOOL_DIGITS		(1 << SPOOL_DIGIT_BITS)

struct Spool
{
	Size		budget;			/* bytes of values kept in memory at most */
	int64		count;			/* values in all */
	int64	   *values;			/* the values not written out */
	int64		nvalues;
	int64		capacity;		/* of values: at most budget / 8 */
	BufFile    *file;			/* values written out, NULL while none */
	int64		nfile;			/* values in the file */
	uint64		minkey;			/* the least and greatest Key() so far */
	uint64		maxkey;
};

/* The order-preserving unsigned key of a value. */
static inline uint64
Key(int64 v)
{
	return (uint64) v ^ ((uint64) 1 << 63);
}

/* See spool.h. */
Spool *
SpoolCreate(Size budget)
{
	Spool	   *s = palloc0(sizeof(Spool));

	s->budget = Max(budget, 1024);
	s->minkey = PG_UINT64_MAX;
	return s;
}

/* Writes the in-memory values to the file and empties the array. */
static void
SpoolFlush(Spool *s)
{
	if (s->nvalues == 0)
		return;
	if (s->file == NULL)
		s->file = BufFileCreateTemp(false);
	BufFileWrite(s->file, s->values, s->nvalues * sizeof(int64));
	s->nfile += s->nvalues;
	s->nvalues = 0;
}

/* See spool.h. */
void
SpoolAdd(Spool *s, int64 v)
{
	if (unlikely(s->nvalues == s->capacity))
	{
		int64		limit = (int64) (s->budget / sizeof(int64));

		if (s->capacity < limit)
		{
			int64		cap = Min(Max(s->capacity * 2, 256), limit);

			s->values = s->values == NULL
				? MemoryContextAllocHuge(CurrentMemoryContext, cap * sizeof(int64))
				: repalloc_huge(s->values, cap * sizeof(int64));
			s->capacity = cap;
		}
		else
		{
			/* the file continues where the last flush ended */
			SpoolFlush(s);
			CHECK_FOR_INTERRUPTS();
		}
	}
	s->values[s->nvalues++] = v;
	s->count++;
	s->minkey = Min(s->minkey, Key(v));
	s->maxkey = Max(s->maxkey, Key(v));
}

/* See spool.h. */
int64
SpoolCount(const Spool *s)
{
	return s->count;
}

/* See spool.h. */
bool
SpoolSpilled(const Spool *s)
{
	return s->file != NULL;
}

/* Moves the k-th smallest of v[0..n) to v[k] (quickselect). */
static void
SelectNth(int64 *v, int64 n, int64 k)
{
	int64		lo = 0,
				hi = n - 1;

	while (lo < hi)
	{
		int64		pivot = v[lo + (hi - lo) / 2];
		int64		i = lo,
					j = hi;

		while (i <= j)
		{
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j)
			{
				int64		t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
}

/* A callback of ForEachValue and its argument. */
typedef struct ValueVisit
{
	void		(*fn) (int64 v, void *arg);
	void	   *arg;
} ValueVisit;

/* SpillForEach callback: passes a value read from the file to a ValueVisit. */
static void
VisitValue(const char *record, void *arg)
{
	ValueVisit *visit = (ValueVisit *) arg;
	int64		v;

	memcpy(&v, record, sizeof(int64));
	visit->fn(v, visit->arg);
}

/*
 * Calls fn(v, arg) for every value: those in the file (read from its start
 * in blocks), then those in memory.  The file's position is left at its end.
 */
static void
ForEachValue(Spool *s, void (*fn) (int64 v, void *arg), void *arg)
{
	if (s->file != NULL)
	{
		ValueVisit	visit = {fn, arg};

		SpillForEach(s->file, s->nfile, sizeof(int64), VisitValue, &visit);
	}
	for (int64 i = 0; i < s->nvalues; i++)
		fn(s->values[i], arg);
}

/* What a selection pass looks for and gathers. */
typedef struct SelectPass
{
	uint64		prefix;			/* the key bits above shift + 16 fixed so far */
	int			shift;			/* this pass's digit: bits shift .. shift + 15 */
	int64	   *counts;			/* per digit, this pass */
	int64	   *collect;		/* when collecting: values with the prefix */
	int64		ncollect;
} SelectPass;

/* True if v's key has the pass's prefix (every bit above the digit). */
static inline bool
HasPrefix(const SelectPass *p, int64 v)
{
	int			above = p->shift + SPOOL_DIGIT_BITS;

	return above >= 64 || (Key(v) >> above) == (p->prefix >> above);
}

/* ForEachValue callback: counts a value with the prefix under its digit. */
static void
CountDigit(int64 v, void *arg)
{
	SelectPass *p = (SelectPass *) arg;

	if (HasPrefix(p, v))
		p->counts[(Key(v) >> p->shift) & (SPOOL_DIGITS - 1)]++;
}

/* ForEachValue callback: keeps a value with the prefix (and the pass's digit). */
static void
CollectValue(int64 v, void *arg)
{
	SelectPass *p = (SelectPass *) arg;

	if (HasPrefix(p, v))
		p->collect[p->ncollect++] = v;
}

/* See spool.h. */
int64
SpoolSelect(Spool *s, int64 k)
{
	SelectPass	p;
	int64		rank = k;		/* k's rank among the values with the prefix */
	int64		matching = s->count;

	Assert(k >= 0 && k < s->count);
	if (s->file == NULL)
	{
		SelectNth(s->values, s->nvalues, k);
		return s->values[k];
	}
	if (s->minkey == s->maxkey)
		return (int64) (s->minkey ^ ((uint64) 1 << 63));
	memset(&p, 0, sizeof(p));
	p.counts = palloc(SPOOL_DIGITS * sizeof(int64));
	/* start at the digit holding the highest bit in which the keys differ */
	p.shift = pg_leftmost_one_pos64(s->minkey ^ s->maxkey) / SPOOL_DIGIT_BITS * SPOOL_DIGIT_BITS;
	if (p.shift + SPOOL_DIGIT_BITS < 64)
		p.prefix = s->minkey & ~((((uint64) 1) << (p.shift + SPOOL_DIGIT_BITS)) - 1);
	for (; p.shift >= 0; p.shift -= SPOOL_DIGIT_BITS)
	{
		int64		digit = 0;
		int64		result;

		/* few enough values with the prefix: collect them and select in memory */
		if ((Size) matching * sizeof(int64) <= s->budget)
		{
			p.collect = MemoryContextAllocHuge(CurrentMemoryContext,
											   Max(matching, 1) * sizeof(int64));
			ForEachValue(s, CollectValue, &p);
			Assert(p.ncollect == matching);
			SelectNth(p.collect, p.ncollect, rank);
			result = p.collect[rank];
			pfree(p.collect);
			pfree(p.counts);
			return result;
		}
		memset(p.counts, 0, SPOOL_DIGITS * sizeof(int64));
		ForEachValue(s, CountDigit, &p);
		while (rank >= p.counts[digit])
			rank -= p.counts[digit++];
		matching = p.counts[digit];
		p.prefix |= (uint64) digit << p.shift;
	}
	/* every bit fixed: the values with the prefix are one value */
	pfree(p.counts);
	return (int64) (p.prefix ^ ((uint64) 1 << 63));
}

/* See spool.h. */
void
SpoolFree(Spool *s)
{
	if (s->file != NULL)
		BufFileClose(s->file);
	if (s->values != NULL)
		pfree(s->values);
	pfree(s);
}
