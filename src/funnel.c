/*
 * funnel.c
 *		The funnel model: the per-lead table, merging two funnels, closing
 *		open leads into counts, and the time-to-convert sketch.
 *
 * See funnel.h for the design.  Everything here works on the in-memory
 * Funnel; the representations (flat, text, binary) live in funnel_io.c and
 * the SQL-callable aggregates in funnel_agg.c.
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "funnel.h"

/* Raises the error for a count that no longer fits. */
static void
CountOverflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("funnel count out of range"),
			 errdetail("A funnel counts at most 2^63 - 1 leads per stage.")));
}

/* Adds b to *a, raising an error instead of wrapping. */
static inline void
AddCount(int64 *a, int64 b)
{
	if (unlikely(pg_add_s64_overflow(*a, b, a)))
		CountOverflow();
}

/* Sets up an empty funnel whose memory lives in cxt. */
void
FunnelInit(Funnel *f, MemoryContext cxt, uint8 flags, int nstages,
		   int noutcomes, int64 within_secs)
{
	Assert(nstages >= 1 && nstages <= FUNNEL_MAX_STAGES);
	Assert(noutcomes >= 0 && noutcomes <= FUNNEL_MAX_OUTCOMES);
	memset(f, 0, sizeof(Funnel));
	f->cxt = cxt;
	f->flags = flags;
	f->nstages = nstages;
	f->noutcomes = noutcomes;
	f->nslots = nstages + noutcomes;
	f->within_secs = (flags & FUNNEL_WITHIN) ? within_secs : 0;
	f->stride = 2 + f->nslots;
	f->pairs = MemoryContextAllocZero(cxt, sizeof(FunnelSketch *) * nstages * nstages);
}

/* Raises an error unless two funnels can be merged. */
void
FunnelCheckCompatible(const Funnel *a, const Funnel *b)
{
	if ((a->flags & FUNNEL_ENUM) != (b->flags & FUNNEL_ENUM) ||
		a->nstages != b->nstages || a->noutcomes != b->noutcomes)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge funnels over different stage ladders"),
				 errdetail("One funnel has %d %s stages, the other %d %s stages.",
						   a->nstages, (a->flags & FUNNEL_ENUM) ? "enum" : "lead_stage",
						   b->nstages, (b->flags & FUNNEL_ENUM) ? "enum" : "lead_stage")));
	if ((a->flags & FUNNEL_WITHIN) != (b->flags & FUNNEL_WITHIN) ||
		a->within_secs != b->within_secs)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge funnels with different conversion windows"),
				 errhint("Merge only funnels built with the same \"within\" argument.")));
}

/* Address of entry i of the lead table, and its hash. */
uint32 *
FunnelLeadAt(const Funnel *f, uint64 i, uint64 *hash)
{
	uint32	   *e = f->chunks[i >> LEAD_CHUNK_BITS] +
		(i & (LEAD_CHUNK_SIZE - 1)) * f->stride;

	*hash = ((uint64) e[1] << 32) | e[0];
	return e;
}

/* Index position where a hash starts probing. */
static inline uint64
IndexStart(const Funnel *f, uint64 hash)
{
	return (hash ^ (hash >> 29)) & f->index_mask;
}

/* Doubles the lead index (or creates it) and re-inserts every entry. */
static void
GrowIndex(Funnel *f)
{
	uint64		size = f->index_mask ? (f->index_mask + 1) * 2 : 1024;

	if (f->index)
		pfree(f->index);
	f->index = MemoryContextAllocHuge(f->cxt, size * sizeof(uint32));
	memset(f->index, 0, size * sizeof(uint32));
	f->index_mask = size - 1;

	for (uint64 i = 0; i < f->nleads; i++)
	{
		uint64		hash;
		uint64		pos;

		FunnelLeadAt(f, i, &hash);
		pos = IndexStart(f, hash);
		while (f->index[pos] != 0)
			pos = (pos + 1) & f->index_mask;
		f->index[pos] = (uint32) (i + 1);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Slots of the lead with this hash, creating an entry with every slot
 * absent if the lead is new.  This is the per-row path: no allocation
 * except when a chunk fills or the index grows.
 */
uint32 *
FunnelLeadSlots(Funnel *f, uint64 hash)
{
	uint64		pos;
	uint64		i;
	uint32	   *e;
	uint32		lo = (uint32) hash;
	uint32		hi = (uint32) (hash >> 32);

	if (unlikely((f->nleads + 1) * 4 > (f->index_mask + 1) * 3))
	{
		if (f->nleads >= PG_UINT32_MAX - 1)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a funnel aggregate holds at most %u distinct leads at once",
							PG_UINT32_MAX - 2)));
		GrowIndex(f);
	}

	pos = IndexStart(f, hash);
	for (;;)
	{
		uint32		slot = f->index[pos];

		if (slot == 0)
			break;
		e = f->chunks[(slot - 1) >> LEAD_CHUNK_BITS] +
			((slot - 1) & (LEAD_CHUNK_SIZE - 1)) * f->stride;
		if (e[0] == lo && e[1] == hi)
			return e + 2;
		pos = (pos + 1) & f->index_mask;
	}

	/* new lead: append an entry */
	i = f->nleads;
	if ((i & (LEAD_CHUNK_SIZE - 1)) == 0)
	{
		int			chunk = (int) (i >> LEAD_CHUNK_BITS);

		if (chunk >= f->nchunks)
		{
			int			n = f->nchunks ? f->nchunks * 2 : 16;

			f->chunks = f->chunks
				? repalloc(f->chunks, n * sizeof(uint32 *))
				: MemoryContextAlloc(f->cxt, n * sizeof(uint32 *));
			f->nchunks = n;
		}
		f->chunks[chunk] = MemoryContextAlloc(f->cxt,
											  LEAD_CHUNK_SIZE * f->stride * sizeof(uint32));
	}
	e = f->chunks[i >> LEAD_CHUNK_BITS] + (i & (LEAD_CHUNK_SIZE - 1)) * f->stride;
	e[0] = lo;
	e[1] = hi;
	memset(e + 2, 0, f->nslots * sizeof(uint32));
	f->index[pos] = (uint32) (i + 1);
	f->nleads++;
	return e + 2;
}

/* The sketch of a stage pair, created empty on request. */
FunnelSketch *
FunnelPair(Funnel *f, int from, int to, bool create)
{
	FunnelSketch **p = &f->pairs[from * f->nstages + to];

	if (*p == NULL && create)
		*p = MemoryContextAllocZero(f->cxt, sizeof(FunnelSketch));
	return *p;
}

/* log(gamma) for the sketch's relative accuracy. */
static double
SketchLogGamma(void)
{
	static double lg = 0.0;

	if (lg == 0.0)
		lg = log((1.0 + SKETCH_ALPHA) / (1.0 - SKETCH_ALPHA));
	return lg;
}

/* Bucket of a non-negative duration in seconds. */
int
SketchBucket(int64 secs)
{
	int			b;

	if (secs <= 0)
		return 0;
	b = 1 + (int) ceil(log((double) secs) / SketchLogGamma());
	return Min(b, SKETCH_BUCKETS - 1);
}

/* The value a bucket reports, in seconds. */
double
SketchValue(int bucket)
{
	double		gamma = exp(SketchLogGamma());

	if (bucket <= 0)
		return 0.0;
	return 2.0 * exp((bucket - 1) * SketchLogGamma()) / (gamma + 1.0);
}

/* Adds n durations of secs seconds. */
void
SketchAdd(FunnelSketch *s, int64 secs, uint64 n)
{
	uint64	   *c = &s->counts[SketchBucket(secs)];

	if (unlikely(pg_add_u64_overflow(*c, n, c) ||
				 pg_add_u64_overflow(s->total, n, &s->total)))
		CountOverflow();
}

/*
 * The fraction-quantile of a sketch, in seconds, picking the same rank as
 * percentile_disc: the first value whose cumulative share reaches fraction.
 * -1 if the sketch is empty.
 */
double
SketchQuantile(const FunnelSketch *s, double fraction)
{
	uint64		rank;
	uint64		seen = 0;

	if (s == NULL || s->total == 0)
		return -1.0;
	rank = (uint64) ceil(fraction * (double) s->total);
	if (rank < 1)
		rank = 1;
	if (rank > s->total)
		rank = s->total;
	for (int b = 0; b < SKETCH_BUCKETS; b++)
	{
		seen += s->counts[b];
		if (seen >= rank)
			return SketchValue(b);
	}
	return SketchValue(SKETCH_BUCKETS - 1);
}

/* Merges slot values: keep the earliest entry, a known time over an unknown one. */
static inline uint32
MergeSlot(uint32 a, uint32 b)
{
	if (a == SLOT_ABSENT)
		return b;
	if (b == SLOT_ABSENT)
		return a;
	return Min(a, b);
}

/* True if f holds nothing: no counts, no times, no open leads. */
bool
FunnelIsEmpty(const Funnel *f)
{
	if (f->nleads != 0)
		return false;
	for (int s = 0; s < f->nstages; s++)
		if (f->reached[s] != 0)
			return false;
	return true;
}

/*
 * Adds src into dst: counts and sketches add, open leads merge by lead.
 * Correct for any split of the rows, so associative and commutative.  An
 * empty funnel (of any ladder or window) is the identity: empty days roll
 * up with anything.
 */
void
FunnelMerge(Funnel *dst, const Funnel *src)
{
	int			n = src->nstages;

	if (FunnelIsEmpty(src))
		return;
	if (FunnelIsEmpty(dst))
		FunnelInit(dst, dst->cxt, src->flags, src->nstages, src->noutcomes,
				   src->within_secs);
	FunnelCheckCompatible(dst, src);
	for (int s = 0; s < n; s++)
	{
		AddCount(&dst->reached[s], src->reached[s]);
		AddCount(&dst->known[s], src->known[s]);
		for (int o = 0; o < src->noutcomes; o++)
			AddCount(&dst->exits[s][o], src->exits[s][o]);
	}
	for (int p = 0; p < n * n; p++)
	{
		const FunnelSketch *from = src->pairs[p];
		FunnelSketch *to;

		if (from == NULL || from->total == 0)
			continue;
		to = FunnelPair(dst, p / n, p % n, true);
		for (int b = 0; b < SKETCH_BUCKETS; b++)
			if (from->counts[b] != 0 &&
				unlikely(pg_add_u64_overflow(to->counts[b], from->counts[b],
											 &to->counts[b])))
				CountOverflow();
		if (unlikely(pg_add_u64_overflow(to->total, from->total, &to->total)))
			CountOverflow();
	}
	for (uint64 i = 0; i < src->nleads; i++)
	{
		uint64		hash;
		const uint32 *e = FunnelLeadAt(src, i, &hash);
		uint32	   *slots = FunnelLeadSlots(dst, hash);

		for (int k = 0; k < src->nslots; k++)
			slots[k] = MergeSlot(slots[k], e[2 + k]);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Counts one complete lead into the closed part of dst.
 *
 * The lead has reached every ladder stage up to the highest one it entered
 * (inside the conversion window, if any, counted from its first known ladder
 * entry).  Its entry time at a stage is known if it entered that stage at a
 * known time.  It converts from a to b if both times are known and b is not
 * earlier.  An outcome is an exit at the highest entered stage not entered
 * after the outcome's first time.
 */
static void
CloseLead(Funnel *dst, const uint32 *slot)
{
	int			n = dst->nstages;
	bool		entered[FUNNEL_MAX_STAGES];
	int			top = -1;
	int64		first = PG_INT64_MAX;

	if (dst->flags & FUNNEL_WITHIN)
		for (int s = 0; s < n; s++)
			if (SLOT_IS_TIME(slot[s]) && slot[s] < first)
				first = slot[s];

	for (int s = 0; s < n; s++)
	{
		entered[s] = slot[s] != SLOT_ABSENT &&
			(!(dst->flags & FUNNEL_WITHIN) || !SLOT_IS_TIME(slot[s]) ||
			 (int64) slot[s] - first <= dst->within_secs);
		if (entered[s])
			top = s;
	}
	if (top < 0)
		return;

	for (int s = 0; s <= top; s++)
	{
		AddCount(&dst->reached[s], 1);
		if (entered[s] && SLOT_IS_TIME(slot[s]))
			AddCount(&dst->known[s], 1);
	}

	for (int a = 0; a < top; a++)
	{
		if (!entered[a] || !SLOT_IS_TIME(slot[a]))
			continue;
		for (int b = a + 1; b <= top; b++)
			if (entered[b] && SLOT_IS_TIME(slot[b]) && slot[b] >= slot[a])
				SketchAdd(FunnelPair(dst, a, b, true),
						  (int64) slot[b] - (int64) slot[a], 1);
	}

	for (int o = 0; o < dst->noutcomes; o++)
	{
		uint32		out = slot[n + o];
		int			at = -1;

		if (out == SLOT_ABSENT)
			continue;
		for (int s = 0; s <= top; s++)
			if (entered[s] &&
				(!SLOT_IS_TIME(out) || !SLOT_IS_TIME(slot[s]) || slot[s] <= out))
				at = s;
		if (at >= 0)
			AddCount(&dst->exits[at][o], 1);
	}
}

/*
 * Adds src's closed part and its closed-out open leads to dst, which must
 * have no open leads.  src is not changed (a window aggregate calls its
 * final function more than once on one state).
 */
void
FunnelCloseInto(Funnel *dst, const Funnel *src)
{
	Funnel		closed_only = *src;

	closed_only.nleads = 0;
	FunnelMerge(dst, &closed_only);
	for (uint64 i = 0; i < src->nleads; i++)
	{
		uint64		hash;
		const uint32 *e = FunnelLeadAt(src, i, &hash);

		CloseLead(dst, e + 2);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}
