/*
 * funnel.h
 *		The funnel: a mergeable summary of how a set of leads moved through a
 *		stage ladder, and the per-lead table the raw-event aggregate builds.
 *
 * A funnel has two parts.
 *
 * The closed part holds counts over leads that are complete: per ladder stage
 * the leads that reached it, the leads whose entry time is known, and exits by
 * outcome; per ordered pair of stages a log-bucket sketch of the time to
 * convert.  Closed parts of disjoint lead sets merge by addition (rollup).
 *
 * The open part holds one entry per lead still being aggregated: a 64-bit
 * hash of the lead key and, per stage slot, the first time the lead entered
 * it.  Partial aggregates (parallel workers, Citus shards) carry open parts,
 * so that a lead whose events land in different partial states is merged
 * before it is counted: combine takes the earliest time per slot, which is
 * associative and commutative.  The final function closes every open entry.
 *
 * Memory per open lead is 4 bytes of hash plus 4 bytes per slot (11 slots for
 * lead_stage: 48 bytes), plus 8 bytes per index slot (10.7 to 21 bytes per
 * lead at a load of 0.375 to 0.75).  simplehash.h was the first choice, but
 * it keeps whole entries in a power-of-two bucket array, which right after a
 * resize costs twice the entry size per lead.  Here entries sit in a dense
 * chunked array in first-seen order, and each index slot carries the upper
 * 32 bits of the lead's hash beside the entry number: probing compares tags
 * in the index alone and touches only the entry that matches, which holds
 * the lower 32 bits.  The index is the only place the upper half is kept, so
 * walking the leads with their hashes walks the index, and growing the index
 * re-places its slots without reading the entries.
 * Lead keys are not stored: two distinct keys with equal 64-bit hashes would be
 * merged (probability about n^2 / 2^65: 3e-8 for a million leads).
 *
 * A partial aggregate (a parallel worker) does not build the table at all:
 * it appends its events to a buffer ("buffered mode") and, when the buffer
 * outgrows the leads and when the state is flattened, sorts them by hash
 * and folds them into a sorted run of flat entries.  Its rows are a slice of
 * the table, so it sees most leads only once or twice, and a table would
 * cost a cache miss and a new entry per row, only to be sorted for shipping.
 *
 * Flattened, open leads are written in hash order.  A partial state read
 * back (from a parallel worker) is used in place ("flat mode", flat_leads):
 * combining two of them is a linear merge of two sorted runs and closing
 * them a sequential pass, so the leader of a parallel plan never rebuilds a
 * hash table.  A flat-mode funnel is thawed into the table only if a lead
 * must be looked up or added.
 */
#ifndef ALIGN_FUNNEL_H
#define ALIGN_FUNNEL_H

#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "port/pg_bitutils.h"
#include "utils/expandeddatum.h"

#include "pg_compat.h"

#define FUNNEL_VERSION		3	/* written; versions 1 (align 0.1.0) and 2 are still read */
#define FUNNEL_MAX_STAGES	64	/* ladder stages: 8 for lead_stage, <= 64 for an enum */
#define FUNNEL_MAX_OUTCOMES	3	/* recycled, disqualified, lost */

/* flags */
#define FUNNEL_ENUM			0x01	/* stages are positions in a user enum */
#define FUNNEL_WITHIN		0x02	/* a conversion window applies */
#define FUNNEL_LEGACY		0x04	/* holds counts read from version 1 or 2,
									 * which did not record entered[] or the
									 * leads left out as earlier */
#define FUNNEL_CALENDAR		0x08	/* times between stages are working time
									 * of the funnel's calendar */
#define FUNNEL_AS_OF		0x10	/* built from the rows up to as_of
									 * (funnel_as_of): keeps the conversion
									 * and censoring sketches of every pair */
#define FUNNEL_FLAGS_ALL	(FUNNEL_ENUM | FUNNEL_WITHIN | FUNNEL_LEGACY | FUNNEL_CALENDAR | FUNNEL_AS_OF)

/*
 * Slot values of an open lead: 0 = never entered, SLOT_UNKNOWN = entered at
 * an unknown (NULL) time, anything else = seconds since 2000-01-01 plus
 * SLOT_BIAS.  Keeping the earliest entry is then "smallest non-zero value".
 */
#define SLOT_ABSENT			((uint32) 0)
#define SLOT_UNKNOWN		PG_UINT32_MAX
#define SLOT_BIAS			((int64) 1 << 31)
#define SLOT_IS_TIME(v)		((v) != SLOT_ABSENT && (v) != SLOT_UNKNOWN)

/*
 * Time-to-convert sketch: relative-error log buckets (as in DDSketch).
 * Bucket 0 holds zero durations; bucket b >= 1 holds x seconds with
 * gamma^(b-2) < x <= gamma^(b-1).  Reporting 2 gamma^(b-1) / (gamma + 1)
 * is within SKETCH_ALPHA of every value in the bucket.
 */
#define SKETCH_ALPHA		0.0095	/* below the promised 1 %, for rounding */
#define SKETCH_BUCKETS		1200	/* covers durations up to 2^32 seconds */

typedef struct FunnelSketch
{
	uint64		total;			/* sum of counts */
	uint64		earlier;		/* leads left out: entered "to" before "from" */
	uint64		counts[SKETCH_BUCKETS];
} FunnelSketch;

/* True if a pair holds anything: durations, or leads left out as earlier. */
static inline bool
SketchUsed(const FunnelSketch *s)
{
	return s != NULL && (s->total != 0 || s->earlier != 0);
}

/*
 * The entry array grows in chunks that double: chunk 0 and 1 hold
 * LEAD_CHUNK0 entries, chunk k > 1 holds LEAD_CHUNK0 << (k - 1), so a small
 * funnel (one of many groups) stays small and entries never move.
 */
#define LEAD_CHUNK0_BITS	6
#define LEAD_CHUNK0			((uint64) 1 << LEAD_CHUNK0_BITS)
#define LEAD_MAX_CHUNKS		40

/*
 * Events waiting to be applied.  The raw-event aggregate sees one row per
 * call, and each row's lead is a random place in a table much larger than
 * the cache.  So rows are queued, and a full queue is applied in three tight
 * loops: prefetch every row's index slot, then every row's entry, then
 * apply the rows; the cache misses of FUNNEL_BATCH rows overlap instead of
 * adding up.  (A pipeline that prefetched a few rows ahead between calls,
 * tried first, hid far less: the executor's work between two calls keeps
 * too few misses in flight.)  Every reader of the lead table applies the
 * queue first (FunnelFlush).
 */
#define FUNNEL_BATCH		64

/*
 * A large funnel also keeps a small direct-mapped table of recent leads,
 * by the low bits of the lead hash: hash_hi << 32 | entry + 1, like the
 * index.  History tables are appended in time order and a lead is active
 * for days of a longer history, so most rows belong to a few recent leads,
 * whose entries (appended in order of first appearance) are near each
 * other; this table (1 MB) finds them without touching the large index.
 */
#define FUNNEL_HOT_BITS		17
#define FUNNEL_HOT_FROM		((uint64) 1 << 19)	/* index size that enables it */

typedef struct PendingEvent
{
	uint64		hash;			/* lead hash */
	uint32		time;			/* slot value to apply */
	int32		slot;			/* which slot */
} PendingEvent;

/*
 * The identity of an enum ladder, kept by every enum funnel since version 2:
 * the enum's schema-qualified name and its labels in ladder order when the
 * funnel was built (names, so they survive dump and restore), and in the
 * database that built it the OIDs of the type and of its values (so they
 * survive a renamed value or type).  A funnel read back through text or
 * binary input has names only.  lead_stage funnels, and enum funnels stored
 * by align 0.1.0, have none.
 */
typedef struct FunnelLadder
{
	Oid			type_oid;		/* the enum, or InvalidOid when unknown */
	char	   *type_name;		/* format_type_be_qualified() of the enum */
	Oid			oids[FUNNEL_MAX_STAGES];	/* value OIDs, or InvalidOid */
	char	   *labels[FUNNEL_MAX_STAGES];	/* value labels */
	/* the values ladder_outcome declared outcomes (a funnel with outcomes) */
	int			nlisted;
	char	   *outcome_labels[FUNNEL_MAX_STAGES];	/* in the enum's order */
	uint8		outcome_of[FUNNEL_MAX_STAGES];	/* 0 recycled, 1 disqualified, 2 lost */
} FunnelLadder;

/*
 * The in-memory funnel, used by aggregates (inside an expanded object) and
 * by every reader (expanded from the flat form).
 */
typedef struct Funnel
{
	MemoryContext cxt;			/* everything below lives here */
	uint8		flags;			/* FUNNEL_* */
	int			nstages;		/* ladder stages */
	int			noutcomes;		/* tracked outcomes (3 for lead_stage, else 0) */
	int			nslots;			/* per-lead slots: nstages + noutcomes */
	int64		within_secs;	/* conversion window, if FUNNEL_WITHIN */
	FunnelLadder *ladder;		/* an enum ladder's identity, or NULL */
	struct varlena *calendar;	/* the work_calendar the times between stages
								 * are measured in, as stored (4-byte header),
								 * if FUNNEL_CALENDAR; else NULL */
	const struct Calendar *cal; /* calendar expanded, once needed (NULL until then) */

	/* closed part */
	int64		reached[FUNNEL_MAX_STAGES];
	int64		known[FUNNEL_MAX_STAGES];
	int64		entered[FUNNEL_MAX_STAGES];	/* leads with an event at the stage
											 * itself (not implied by a later
											 * one), at a known time or not */
	int64		exits[FUNNEL_MAX_STAGES][FUNNEL_MAX_OUTCOMES];
	int64		exits_before[FUNNEL_MAX_OUTCOMES];	/* exits before any ladder stage */
	FunnelSketch **pairs;		/* [from * nstages + to], from < to; NULL if empty */

	/*
	 * FUNNEL_AS_OF (funnel_as_of, conversion_curve): the time the data is
	 * taken as of; per pair a < b (as pairs[]) the times from entering a
	 * to first reaching b or beyond (converted; its "earlier" counts the
	 * leads left out: no known time at or after entering a); and per pair
	 * a <= T the ages at as_of of the leads that entered a at a known time
	 * and whose highest ladder stage is T (ages).  A lead is censored for
	 * (a, b) exactly when its highest stage is below b, so the censored of
	 * (a, b) are the ages of (a, T) summed over a <= T < b.  NULL arrays
	 * without the flag.
	 */
	TimestampTz as_of;
	FunnelSketch **converted;
	FunnelSketch **ages;

	/* open part: per-lead entries as uint32 words */
	uint64		nleads;
	int			stride;			/* words per table entry: hash_lo, slots: 1 + nslots */
	int			flat_stride;	/* words per flat entry: hash_lo, hash_hi, slots */
	uint32	   *chunks[LEAD_MAX_CHUNKS];	/* see LEAD_CHUNK0 */
	const uint32 *flat_leads;	/* or: entries read in place, in hash order */
	uint64	   *index;			/* open addressing: hash_hi << 32 | entry + 1; 0 = empty */
	void	   *index_alloc;	/* the allocation index points into */
	uint64		index_mask;		/* index size - 1 (power of two), 0 = none yet */
	uint64	   *hot;			/* recent leads, see FUNNEL_HOT_BITS; NULL while small */

	/* events queued by FunnelRecordEvent, in arrival order */
	int			npending;
	PendingEvent pending[FUNNEL_BATCH];

	/*
	 * Buffered mode, for partial aggregates (see FunnelBufferEvent): events
	 * appended unsorted, sorted and folded into flat_leads by FunnelFlush.
	 */
	bool		buffered;
	PendingEvent *events;
	void	   *events_alloc;	/* what to pfree for events */
	uint64		nevents;
	uint64		events_cap;
	void	   *flat_alloc;		/* flat_leads when this funnel owns it, else NULL */

	/*
	 * Spilling (issue 18, funnel.c): a serial aggregate's table keeps within
	 * budget bytes (0: no limit); past it, its entries go to temporary files
	 * by partition of the lead hash, and closing reads one partition at a
	 * time.
	 */
	Size		budget;
	void	   *chunk_allocs[LEAD_MAX_CHUNKS];	/* what to pfree for each chunk */
	struct SpillParts *spill;	/* NULL until the first spill (spill.h) */
} Funnel;

/* The expanded-object wrapper used as the aggregates' transition state. */
typedef struct ExpandedFunnel
{
	ExpandedObjectHeader hdr;
	Funnel		f;
} ExpandedFunnel;

/* A lead's hash and its place in the entry array, while sorting. */
typedef struct HashPos
{
	uint64		hash;
	uint32		pos;
} HashPos;

/* Address of entry i of the lead table (not in flat mode): hash_lo, then the slots. */
static inline uint32 *
FunnelEntry(const Funnel *f, uint64 i)
{
	int			k;

	Assert(f->flat_leads == NULL);
	if (i < LEAD_CHUNK0)
		return f->chunks[0] + i * f->stride;
	k = pg_leftmost_one_pos64(i >> LEAD_CHUNK0_BITS) + 1;
	return f->chunks[k] + (i - (LEAD_CHUNK0 << (k - 1))) * f->stride;
}

/* Address of lead i of a flat-mode funnel: hash_lo, hash_hi, then the slots. */
static inline const uint32 *
FunnelFlatEntry(const Funnel *f, uint64 i)
{
	return f->flat_leads + i * f->flat_stride;
}

/* Slots of lead i, in entry order (table or flat mode). */
static inline const uint32 *
FunnelSlotsAt(const Funnel *f, uint64 i)
{
	if (f->flat_leads != NULL)
		return FunnelFlatEntry(f, i) + 2;
	return FunnelEntry(f, i) + 1;
}

/*
 * Slots and hash of the i-th lead in hash order, given order from
 * FunnelHashOrder (NULL in flat mode, where entries are in hash order).
 */
static inline const uint32 *
FunnelSortedLead(const Funnel *f, const HashPos *order, uint64 i, uint64 *hash)
{
	const uint32 *e;

	if (order == NULL)
	{
		e = FunnelFlatEntry(f, i);
		*hash = ((uint64) e[1] << 32) | e[0];
		return e + 2;
	}
	*hash = order[i].hash;
	return FunnelEntry(f, order[i].pos) + 1;
}

/* funnel.c: the model */
/* Brings every spilled entry back into the table (no more budget): for readers other than closing. */
extern void FunnelUnspill(Funnel *f);
extern void FunnelInit(Funnel *f, MemoryContext cxt, uint8 flags, int nstages,
					   int noutcomes, int64 within_secs);
extern uint32 *FunnelLeadSlots(Funnel *f, uint64 hash);
extern void FunnelRecordEvent(Funnel *f, uint64 hash, int slot, uint32 time);
extern void FunnelBufferEvent(Funnel *f, uint64 hash, int slot, uint32 time);
extern void FunnelFlush(Funnel *f);
extern void FunnelThaw(Funnel *f);
extern HashPos *FunnelHashOrder(const Funnel *f);
extern void FunnelMergeSorted(Funnel *dst, const Funnel *a, const Funnel *b);
extern bool FunnelIsEmpty(const Funnel *f);
extern void FunnelMerge(Funnel *dst, const Funnel *src);
extern void FunnelCloseInto(Funnel *dst, const Funnel *src);
extern FunnelSketch *FunnelPair(Funnel *f, int from, int to, bool create);
extern FunnelSketch *FunnelSketchOf(Funnel *f, FunnelSketch **arr, int from, int to, bool create);
extern void FunnelSetAsOf(Funnel *f, TimestampTz as_of);
extern char *FunnelAsOfText(TimestampTz t);
extern void SketchMerge(FunnelSketch *to, const FunnelSketch *from);
extern void SketchAdd(FunnelSketch *s, int64 secs, uint64 n);
extern int	SketchBucket(int64 secs);
extern double SketchValue(int bucket);
extern double SketchQuantile(const FunnelSketch *s, double fraction);
extern void FunnelCheckCompatible(const Funnel *a, const Funnel *b);
extern void FunnelSetLadder(Funnel *f, const FunnelLadder *ladder);
extern void FunnelSetCalendar(Funnel *f, const struct varlena *calendar);
extern void FunnelInitLike(Funnel *f, MemoryContext cxt, const Funnel *like);

/* Raises the error for a funnel count that no longer fits (22003). */
pg_noreturn extern void CountOverflow(void);

/* Adds b to the count *a, raising an error instead of wrapping. */
static inline void
AddCount(int64 *a, int64 b)
{
	if (unlikely(pg_add_s64_overflow(*a, b, a)))
		CountOverflow();
}
extern bool FunnelLadderEqual(const FunnelLadder *a, int na, const FunnelLadder *b, int nb);
extern Funnel *FunnelRemap(const Funnel *f, const FunnelLadder *to, int nto, int nout);
extern Funnel *FunnelClosed(Funnel *f);

/* funnel_access.c: the funnel and the (from, to) ladder slots of a pair accessor */
extern Funnel *FunnelPairArgs(FunctionCallInfo fcinfo, int *from, int *to);
/* funnel_access.c: errors for what a 0.1.0 funnel lacks (entered stages; an enum's labels) */
extern void FunnelRequireEntered(const Funnel *f, const char *hint);
extern void FunnelRequireLabels(const Funnel *f, const char *hint);

/* funnel_io.c: representations */
extern Funnel *FunnelFromDatum(Datum d, MemoryContext cxt);
extern ExpandedFunnel *ExpandedFunnelCreate(MemoryContext parent, bool shared);
extern ExpandedFunnel *FunnelStateRW(Datum d, MemoryContext aggcxt);
extern void FunnelValidate(const Funnel *f);
extern struct varlena *FunnelFlatten(const Funnel *f);
extern Datum FunnelCombineSorted(Datum a, Datum b, MemoryContext aggcxt);

#define PG_GETARG_FUNNEL(n)	FunnelFromDatum(PG_GETARG_DATUM(n), CurrentMemoryContext)

#endif							/* ALIGN_FUNNEL_H */
