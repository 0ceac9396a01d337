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
#include "utils/timestamp.h"

#include "align.h"
#include "calendar.h"
#include "funnel.h"
#include "radix.h"
#include "spill.h"
#include "stage_map.h"

/* See funnel.h. */
void
CountOverflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("funnel count out of range"),
			 errdetail("A funnel counts at most 2^63 - 1 leads per stage.")));
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
	f->stride = 1 + f->nslots;
	f->flat_stride = 2 + f->nslots;
	f->pairs = MemoryContextAllocZero(cxt, sizeof(FunnelSketch *) * nstages * nstages);
	if (flags & FUNNEL_AS_OF)
		FunnelSetAsOf(f, 0);
}

/* Copies an enum ladder's identity into f's memory (NULL: none). */
void
FunnelSetLadder(Funnel *f, const FunnelLadder *ladder)
{
	FunnelLadder *l;

	if (ladder == NULL)
	{
		f->ladder = NULL;
		return;
	}
	l = MemoryContextAllocZero(f->cxt, sizeof(FunnelLadder));
	l->type_oid = ladder->type_oid;
	l->type_name = MemoryContextStrdup(f->cxt, ladder->type_name);
	for (int s = 0; s < f->nstages; s++)
	{
		l->oids[s] = ladder->oids[s];
		l->labels[s] = MemoryContextStrdup(f->cxt, ladder->labels[s]);
	}
	/* the declared outcomes, for a funnel that tracks them */
	l->nlisted = f->noutcomes > 0 ? ladder->nlisted : 0;
	for (int i = 0; i < l->nlisted; i++)
	{
		l->outcome_labels[i] = MemoryContextStrdup(f->cxt, ladder->outcome_labels[i]);
		l->outcome_of[i] = ladder->outcome_of[i];
	}
	f->ladder = l;
}

/*
 * Sets the calendar f's times between stages are measured in: a copy of
 * calendar (a stored work_calendar, perhaps packed) in f's memory, or none
 * (NULL: wall-clock time).
 */
void
FunnelSetCalendar(Funnel *f, const struct varlena *calendar)
{
	f->cal = NULL;
	f->calendar = calendar != NULL ? CalendarCopy(f->cxt, calendar) : NULL;
	if (calendar != NULL)
		f->flags |= FUNNEL_CALENDAR;
	else
		f->flags &= ~FUNNEL_CALENDAR;
}

/* Sets up an empty funnel in cxt over the same ladder, window and calendar as like. */
void
FunnelInitLike(Funnel *f, MemoryContext cxt, const Funnel *like)
{
	FunnelInit(f, cxt, like->flags, like->nstages, like->noutcomes, like->within_secs);
	FunnelSetLadder(f, like->ladder);
	FunnelSetCalendar(f, like->calendar);
	if (like->flags & FUNNEL_AS_OF)
		FunnelSetAsOf(f, like->as_of);
}

/*
 * Makes f a funnel as of a time (FUNNEL_AS_OF): it keeps, per pair, the
 * sketches conversion_curve reads.
 */
void
FunnelSetAsOf(Funnel *f, TimestampTz as_of)
{
	int			n = f->nstages;

	f->flags |= FUNNEL_AS_OF;
	f->as_of = as_of;
	if (f->converted == NULL)
	{
		f->converted = MemoryContextAllocZero(f->cxt, sizeof(FunnelSketch *) * n * n);
		f->ages = MemoryContextAllocZero(f->cxt, sizeof(FunnelSketch *) * n * n);
	}
}

/* Sets up an empty funnel in cxt over a map's ladder (flags: FUNNEL_WITHIN or 0). */
void
FunnelInitOnMap(Funnel *f, MemoryContext cxt, const StageMap *map, uint8 flags,
				int64 within_secs)
{
	FunnelInit(f, cxt, flags | (map->is_enum ? FUNNEL_ENUM : 0), map->nstages,
			   map->noutcomes, within_secs);
	if (map->is_enum)
		FunnelSetLadder(f, &map->ladder);
}

/* True if two enums are one type: the same OID where both know it, else the same name. */
static bool
SameLadderType(const FunnelLadder *a, const FunnelLadder *b)
{
	if (OidIsValid(a->type_oid) && OidIsValid(b->type_oid))
		return a->type_oid == b->type_oid;
	return strcmp(a->type_name, b->type_name) == 0;
}

/*
 * True if two ladders are the same enum with the same labels in the same
 * order, and the same values declared the same outcomes.
 */
bool
FunnelLadderEqual(const FunnelLadder *a, int na, const FunnelLadder *b, int nb)
{
	if (na != nb || a->nlisted != b->nlisted || !SameLadderType(a, b))
		return false;
	for (int s = 0; s < na; s++)
		if (strcmp(a->labels[s], b->labels[s]) != 0)
			return false;
	for (int i = 0; i < a->nlisted; i++)
		if (strcmp(a->outcome_labels[i], b->outcome_labels[i]) != 0 ||
			a->outcome_of[i] != b->outcome_of[i])
			return false;
	return true;
}

/* How a funnel's ladder is named in errors. */
static const char *
LadderName(const Funnel *f)
{
	if (!(f->flags & FUNNEL_ENUM))
		return "lead_stage";
	if (f->ladder != NULL)
		return psprintf("enum %s", f->ladder->type_name);
	return psprintf("an enum of %d stages", f->nstages);
}

/* How a funnel's calendar is named in errors. */
static const char *
CalendarName(const Funnel *f)
{
	if (f->calendar == NULL)
		return "wall-clock time (no calendar)";
	return psprintf("calendar '%s'",
					DatumGetCString(DirectFunctionCall1(work_calendar_out,
														PointerGetDatum(f->calendar))));
}

/*
 * An as_of time as the funnel's text form writes it: ISO 8601 in UTC with
 * microseconds, "2026-03-01T00:00:00.000000Z", the same in every session.
 */
char *
FunnelAsOfText(TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("funnel as_of out of range")));
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year, tm.tm_mon,
					tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
}

/* How a funnel's as_of is named in errors. */
static const char *
AsOfName(const Funnel *f)
{
	if (!(f->flags & FUNNEL_AS_OF))
		return "not taken as of a time (funnel)";
	return psprintf("as of %s", FunnelAsOfText(f->as_of));
}

/*
 * Raises an error unless two funnels can be merged as they are: the same
 * ladder (for enums, the same type with the same labels; a funnel stored by
 * align 0.1.0 names no enum and matches any of its size), window and
 * calendar.
 */
void
FunnelCheckCompatible(const Funnel *a, const Funnel *b)
{
	if ((a->flags & FUNNEL_ENUM) != (b->flags & FUNNEL_ENUM) ||
		a->nstages != b->nstages || a->noutcomes != b->noutcomes ||
		(a->ladder != NULL && b->ladder != NULL &&
		 !FunnelLadderEqual(a->ladder, a->nstages, b->ladder, b->nstages)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge funnels over different stage ladders"),
				 errdetail("One funnel is over %s, the other over %s.",
						   LadderName(a), LadderName(b))));
	if ((a->flags & FUNNEL_WITHIN) != (b->flags & FUNNEL_WITHIN) ||
		a->within_secs != b->within_secs)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge funnels with different conversion windows"),
				 errhint("Merge only funnels built with the same \"within\" argument.")));
	if ((a->flags & FUNNEL_AS_OF) != (b->flags & FUNNEL_AS_OF) ||
		a->as_of != b->as_of)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge funnels taken as of different times"),
				 errdetail("One funnel is %s, the other %s.", AsOfName(a), AsOfName(b)),
				 errhint("Merge only funnels built by funnel_as_of with the same as_of, "
						 "or only funnels built by funnel().")));
	if (!CalendarSame(a->calendar, b->calendar))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge funnels measured in different calendars"),
				 errdetail("One funnel's times are in %s, the other's in %s.",
						   CalendarName(a), CalendarName(b)),
				 errhint("Merge only funnels built with the same calendar argument, or none.")));
}

/* Index position where a lead whose hash has these upper 32 bits starts probing. */
static inline uint64
IndexStart(const Funnel *f, uint32 hi)
{
	return ((uint64) hi * UINT64CONST(0x9E3779B97F4A7C15) >> 20) & f->index_mask;
}

/*
 * Doubles the lead index (or creates it), re-placing the old index's slots:
 * each holds the tag it is placed by, so no entry is read.
 */
static void
GrowIndex(Funnel *f)
{
	uint64	   *old = f->index;
	void	   *old_alloc = f->index_alloc;
	uint64		old_size = f->index_mask ? f->index_mask + 1 : 0;
	uint64		size = old_size ? old_size * 2 : 64;

	f->index = AllocLarge(f->cxt, size * sizeof(uint64), &f->index_alloc);
	memset(f->index, 0, size * sizeof(uint64));
	f->index_mask = size - 1;

	for (uint64 p = 0; p < old_size; p++)
	{
		uint64		slot = old[p];
		uint64		pos;

		if (slot == 0)
			continue;
		pos = IndexStart(f, (uint32) (slot >> 32));
		while (f->index[pos] != 0)
			pos = (pos + 1) & f->index_mask;
		f->index[pos] = slot;
		if ((p & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (old_alloc)
		pfree(old_alloc);
	/* a large funnel, or one that spilled (a large one kept small) */
	if (f->hot == NULL && (size >= FUNNEL_HOT_FROM || f->spill != NULL))
		f->hot = MemoryContextAllocZero(f->cxt, sizeof(uint64) << FUNNEL_HOT_BITS);
}

static void SpillTable(Funnel *f);

/*
 * Bytes f's table would hold with one more lead: its entries, and its index
 * (grown if it must), and the table of recent leads.  Entries are counted
 * as used, not as allocated: the chunk that holds the newest entries is
 * allocated whole but its pages are only touched as it fills (a large
 * allocation is mapped, and untouched pages take no memory).
 */
static Size
TableBytesWithOneMore(const Funnel *f)
{
	uint64		index_size = f->index_mask ? f->index_mask + 1 : 0;

	if ((f->nleads + 1) * 4 > index_size * 3)
		index_size = index_size ? index_size * 2 : 64;
	return (f->nleads + 1) * f->stride * sizeof(uint32) + index_size * sizeof(uint64) +
		(f->hot != NULL ? sizeof(uint64) << FUNNEL_HOT_BITS : 0);
}

/*
 * Entry number of the lead with this hash, creating an entry with every
 * slot absent if the lead is new (FunnelLeadSlots).
 */
static uint64
LeadEntry(Funnel *f, uint64 hash)
{
	uint64		pos;
	uint64		i;
	uint32	   *e;
	uint32		lo = (uint32) hash;
	uint32		hi = (uint32) (hash >> 32);

	if (unlikely(f->flat_leads != NULL))
		FunnelThaw(f);
	/* past the budget: the table goes to the spill files before it grows */
	if (unlikely(f->budget > 0 && f->nleads > 0 && TableBytesWithOneMore(f) > f->budget))
		SpillTable(f);
	if (unlikely((f->nleads + 1) * 4 > (f->index_mask + 1) * 3))
		GrowIndex(f);

	pos = IndexStart(f, hi);
	for (;;)
	{
		uint64		slot = f->index[pos];

		if (slot == 0)
			break;
		if ((uint32) (slot >> 32) == hi)
		{
			e = FunnelEntry(f, (slot & PG_UINT32_MAX) - 1);
			if (e[0] == lo)
				return (slot & PG_UINT32_MAX) - 1;
		}
		pos = (pos + 1) & f->index_mask;
	}

	/* new lead: append an entry, starting a chunk when the last one is full */
	i = f->nleads;
	if (unlikely(i >= PG_UINT32_MAX - 1))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a funnel aggregate holds at most %u distinct leads at once",
						PG_UINT32_MAX - 2)));
	if (i == 0 || (i >= LEAD_CHUNK0 && (i & (i - 1)) == 0))
	{
		int			k = i == 0 ? 0 : pg_leftmost_one_pos64(i >> LEAD_CHUNK0_BITS) + 1;
		uint64		n = k == 0 ? LEAD_CHUNK0 : LEAD_CHUNK0 << (k - 1);

		f->chunks[k] = AllocLarge(f->cxt, n * f->stride * sizeof(uint32), &f->chunk_allocs[k]);
	}
	e = FunnelEntry(f, i);
	e[0] = lo;
	memset(e + 1, 0, f->nslots * sizeof(uint32));
	f->index[pos] = ((uint64) hi << 32) | (i + 1);
	f->nleads++;
	return i;
}

/*
 * Slots of the lead with this hash, creating an entry with every slot
 * absent if the lead is new.  This is the per-row path: no allocation
 * except when a chunk fills or the index grows.
 */
uint32 *
FunnelLeadSlots(Funnel *f, uint64 hash)
{
	return FunnelEntry(f, LeadEntry(f, hash)) + 1;
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

/* Where the hot table keeps a lead (see FUNNEL_HOT_BITS). */
static inline uint64 *
HotSlot(const Funnel *f, uint64 hash)
{
	return &f->hot[hash & (((uint64) 1 << FUNNEL_HOT_BITS) - 1)];
}

/* The entry the hot table names for a lead, unchecked, or NULL. */
static inline uint32 *
HotCandidate(const Funnel *f, uint64 hash)
{
	uint64		v = *HotSlot(f, hash);
	uint64		i = (v & PG_UINT32_MAX) - 1;

	if (v == 0 || (uint32) (v >> 32) != (uint32) (hash >> 32) || i >= f->nleads)
		return NULL;
	return FunnelEntry(f, i);
}

/* The entry of a recent lead through the hot table, checked, or NULL. */
static inline uint32 *
HotEntry(const Funnel *f, uint64 hash)
{
	uint32	   *e = HotCandidate(f, hash);

	return e != NULL && e[0] == (uint32) hash ? e : NULL;
}

/* Lowers one slot of a lead to an event's time: the earliest entry wins. */
static inline void
ApplyEvent(Funnel *f, const PendingEvent *ev)
{
	uint32	   *slots;

	if (f->hot != NULL)
	{
		uint32	   *e = HotEntry(f, ev->hash);

		if (e == NULL)
		{
			uint64		i = LeadEntry(f, ev->hash);

			/* LeadEntry may have spilled the table, and the hot table with it */
			if (f->hot != NULL)
				*HotSlot(f, ev->hash) =
					(ev->hash & UINT64CONST(0xFFFFFFFF00000000)) | (i + 1);
			e = FunnelEntry(f, i);
		}
		slots = e + 1;
	}
	else
		slots = FunnelLeadSlots(f, ev->hash);

	if (slots[ev->slot] == SLOT_ABSENT || ev->time < slots[ev->slot])
		slots[ev->slot] = ev->time;
}

/* Hints the CPU to fetch the entry of a queued lead, if the index names one. */
static inline void
PrefetchEntry(const Funnel *f, uint64 hash)
{
	uint32		hi = (uint32) (hash >> 32);
	uint64		pos = IndexStart(f, hi);

	if (f->hot != NULL)
	{
		const uint32 *e = HotCandidate(f, hash);

		if (e != NULL)
		{
			/* an entry spans two cache lines at most */
			__builtin_prefetch(e, 1);
			__builtin_prefetch(e + f->stride - 1, 1);
			return;
		}
	}
	for (int probes = 0; probes < 4; probes++)
	{
		uint64		slot = f->index[pos];

		if (slot == 0)
			return;
		if ((uint32) (slot >> 32) == hi)
		{
			__builtin_prefetch(FunnelEntry(f, (slot & PG_UINT32_MAX) - 1), 1);
			return;
		}
		pos = (pos + 1) & f->index_mask;
	}
}

/* Applies the queued events: see FUNNEL_BATCH. */
static void
ApplyBatch(Funnel *f)
{
	int			n = f->npending;

	f->npending = 0;
	if (f->index_mask != 0)
	{
		for (int k = 0; k < n; k++)
			__builtin_prefetch(&f->index[IndexStart(f, (uint32) (f->pending[k].hash >> 32))], 0);
		for (int k = 0; k < n; k++)
			PrefetchEntry(f, f->pending[k].hash);
	}
	for (int k = 0; k < n; k++)
		ApplyEvent(f, &f->pending[k]);
}

/*
 * Records that a lead entered a slot at a time (SLOT_UNKNOWN if unknown):
 * the per-row path of the raw-event aggregate.  See FUNNEL_BATCH.
 */
void
FunnelRecordEvent(Funnel *f, uint64 hash, int slot, uint32 time)
{
	PendingEvent *ev = &f->pending[f->npending++];

	ev->hash = hash;
	ev->slot = slot;
	ev->time = time;
	if (f->npending == FUNNEL_BATCH)
		ApplyBatch(f);
}

/*
 * Copies the entries of a flat-mode funnel into its own table and index, so
 * leads can be looked up and added.
 */
void
FunnelThaw(Funnel *f)
{
	const uint32 *e = f->flat_leads;
	uint64		n = f->nleads;
	void	   *owned = f->flat_alloc;

	f->flat_leads = NULL;
	f->flat_alloc = NULL;
	f->nleads = 0;
	/* a flat funnel is always built fresh: no index, no table of recent leads */
	Assert(f->index_mask == 0 && f->hot == NULL);
	for (uint64 i = 0; i < n; i++, e += f->flat_stride)
	{
		uint32	   *slots = FunnelLeadSlots(f, ((uint64) e[1] << 32) | e[0]);

		memcpy(slots, e + 2, f->nslots * sizeof(uint32));
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (owned)
		pfree(owned);
}

RADIX_PASS_DEFINE(HashRadixPass, HashPos, hash)
RADIX_PASS_DEFINE(EventRadixPass, PendingEvent, hash)

/* Buffered events are folded when there are this many and more than leads. */
#define EVENTS_FOLD_MIN		((uint64) 16384)

static void FoldEvents(Funnel *f);

/*
 * Hashes and entry numbers of f's open leads in hash order (palloc'd), or
 * NULL if the entries already are in hash order (flat mode) or there are
 * none.  The hashes come from the index; six 11-bit radix passes.
 */
HashPos *
FunnelHashOrder(const Funnel *f)
{
	void	   *b_alloc;
	HashPos    *a,
			   *b;
	uint64		n = 0;

	if (f->flat_leads != NULL || f->nleads == 0)
		return NULL;
	a = palloc_extended(f->nleads * sizeof(HashPos), MCXT_ALLOC_HUGE);
	b = AllocLarge(CurrentMemoryContext, f->nleads * sizeof(HashPos), &b_alloc);
	for (uint64 p = 0; p <= f->index_mask; p++)
	{
		uint64		slot = f->index[p];
		uint64		i;

		if (slot == 0)
			continue;
		i = (slot & PG_UINT32_MAX) - 1;
		a[n].hash = (slot & UINT64CONST(0xFFFFFFFF00000000)) | FunnelEntry(f, i)[0];
		a[n].pos = (uint32) i;
		n++;
	}
	Assert(n == f->nleads);
	for (int pass = 0; pass < 6; pass += 2)
	{
		HashRadixPass(a, b, n, pass * RADIX_BITS);
		HashRadixPass(b, a, n, (pass + 1) * RADIX_BITS);
	}
	pfree(b_alloc);
	return a;
}

/*
 * Records an event in buffered mode: appended, to be sorted by lead and
 * folded into the funnel's sorted run of leads later (FoldEvents).
 *
 * This is the per-row path of a partial aggregate (a parallel worker).  Its
 * rows are a slice of the table in storage order, so it sees most leads a
 * time or two: a hash table would cost a cache miss per row and 64 bytes
 * per lead, only to be sorted and shipped to the leader at the end.  An
 * appended event costs 16 sequential bytes, and sorting a slice's events is
 * sequential too.  The buffer is folded when it outgrows both 16,384 events and the
 * run of leads, so memory stays proportional to the leads.
 */
void
FunnelBufferEvent(Funnel *f, uint64 hash, int slot, uint32 time)
{
	PendingEvent *ev;

	if (unlikely(f->nevents == f->events_cap))
	{
		if (f->events_cap >= Max(EVENTS_FOLD_MIN, f->nleads))
			FoldEvents(f);
		else
		{
			uint64		cap = Max(f->events_cap * 2, 64);
			void	   *alloc;
			PendingEvent *events = AllocLarge(f->cxt, cap * sizeof(PendingEvent), &alloc);

			if (f->nevents > 0)
				memcpy(events, f->events, f->nevents * sizeof(PendingEvent));
			if (f->events_alloc)
				pfree(f->events_alloc);
			f->events = events;
			f->events_alloc = alloc;
			f->events_cap = cap;
		}
	}
	ev = &f->events[f->nevents++];
	ev->hash = hash;
	ev->slot = slot;
	ev->time = time;
}

/* qsort: events by lead hash (a long run of equal upper halves: colliding keys). */
static int
CompareEventHashes(const void *a, const void *b)
{
	uint64		x = ((const PendingEvent *) a)->hash;
	uint64		y = ((const PendingEvent *) b)->hash;

	return (x > y) - (x < y);
}

/*
 * Sorts events by lead hash: three radix passes on the upper 32 bits, then
 * an insertion sort of each run sharing them (almost always one lead).
 */
static void
SortEvents(PendingEvent *ev, uint64 n)
{
	void	   *tmp_alloc;
	PendingEvent *tmp = AllocLarge(CurrentMemoryContext, n * sizeof(PendingEvent), &tmp_alloc);
	uint64		start = 0;

	EventRadixPass(ev, tmp, n, 32);
	EventRadixPass(tmp, ev, n, 32 + RADIX_BITS);
	EventRadixPass(ev, tmp, n, 32 + 2 * RADIX_BITS);
	memcpy(ev, tmp, n * sizeof(PendingEvent));
	pfree(tmp_alloc);
	while (start < n)
	{
		uint64		end = start + 1;

		while (end < n && (ev[end].hash >> 32) == (ev[start].hash >> 32))
			end++;
		if (end - start > 32)
			qsort(ev + start, end - start, sizeof(PendingEvent), CompareEventHashes);
		else
			for (uint64 i = start + 1; i < end; i++)
			{
				PendingEvent x = ev[i];
				uint64		j = i;

				while (j > start && ev[j - 1].hash > x.hash)
				{
					ev[j] = ev[j - 1];
					j--;
				}
				ev[j] = x;
			}
		if ((start >> 16) != (end >> 16))
			CHECK_FOR_INTERRUPTS();
		start = end;
	}
}

/*
 * Merges two runs of flat entries in hash order into out (room for na + nb
 * entries); returns the number written.  A lead in both keeps, per slot,
 * the earliest entry.
 */
static uint64
MergeRuns(const uint32 *a, uint64 na, const uint32 *b, uint64 nb, int stride, uint32 *out)
{
	uint64		i = 0,
				j = 0,
				n = 0;

	while (i < na || j < nb)
	{
		const uint32 *x = i < na ? a + i * stride : NULL;
		const uint32 *y = j < nb ? b + j * stride : NULL;
		uint64		hx = x ? ((uint64) x[1] << 32) | x[0] : 0;
		uint64		hy = y ? ((uint64) y[1] << 32) | y[0] : 0;
		uint32	   *o = out + n * stride;

		if (y == NULL || (x != NULL && hx < hy))
		{
			memcpy(o, x, stride * sizeof(uint32));
			i++;
		}
		else if (x == NULL || hy < hx)
		{
			memcpy(o, y, stride * sizeof(uint32));
			j++;
		}
		else
		{
			o[0] = x[0];
			o[1] = x[1];
			for (int k = 2; k < stride; k++)
				o[k] = MergeSlot(x[k], y[k]);
			i++;
			j++;
		}
		n++;
		if ((n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return n;
}

/*
 * Folds the buffered events into the funnel's leads: sorted by lead, one
 * flat entry per lead, merged with the sorted run the funnel already has.
 * A funnel that has become a hash table (a lead was looked up) takes the
 * events one by one instead.
 */
static void
FoldEvents(Funnel *f)
{
	PendingEvent *ev = f->events;
	uint64		n = f->nevents;
	int			stride = f->flat_stride;
	uint64		nruns = 0;
	uint32	   *run;
	void	   *run_alloc;
	uint32	   *o = NULL;

	if (n == 0)
		return;
	f->nevents = 0;
	if (f->index_mask != 0)
	{
		for (uint64 i = 0; i < n; i++)
		{
			ApplyEvent(f, &ev[i]);
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		return;
	}

	SortEvents(ev, n);
	for (uint64 i = 0; i < n; i++)
		nruns += (i == 0 || ev[i].hash != ev[i - 1].hash);
	CHECK_FOR_INTERRUPTS();
	run = AllocLarge(f->cxt, nruns * stride * sizeof(uint32), &run_alloc);
	for (uint64 i = 0; i < n; i++)
	{
		if (i == 0 || ev[i].hash != ev[i - 1].hash)
		{
			o = o == NULL ? run : o + stride;
			o[0] = (uint32) ev[i].hash;
			o[1] = (uint32) (ev[i].hash >> 32);
			memset(o + 2, 0, f->nslots * sizeof(uint32));
		}
		o[2 + ev[i].slot] = MergeSlot(o[2 + ev[i].slot], ev[i].time);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	if (f->nleads > 0)
	{
		void	   *merged_alloc;
		uint32	   *merged = AllocLarge(f->cxt, (f->nleads + nruns) * stride * sizeof(uint32),
										&merged_alloc);

		f->nleads = MergeRuns(f->flat_leads, f->nleads, run, nruns, stride, merged);
		pfree(run_alloc);
		if (f->flat_alloc)
			pfree(f->flat_alloc);
		run = merged;
		run_alloc = merged_alloc;
	}
	else
		f->nleads = nruns;
	f->flat_leads = run;
	f->flat_alloc = run_alloc;
}

/* Applies every queued or buffered event: see PendingEvent and FunnelBufferEvent. */
void
FunnelFlush(Funnel *f)
{
	if (f->npending > 0)
		ApplyBatch(f);
	if (f->nevents > 0)
		FoldEvents(f);
}

/* The sketch of a stage pair in one of f's per-pair arrays, created empty on request. */
FunnelSketch *
FunnelSketchOf(Funnel *f, FunnelSketch **arr, int from, int to, bool create)
{
	FunnelSketch **p = &arr[from * f->nstages + to];

	if (*p == NULL && create)
		*p = MemoryContextAllocZero(f->cxt, sizeof(FunnelSketch));
	return *p;
}

/* The time-to-convert sketch of a stage pair, created empty on request. */
FunnelSketch *
FunnelPair(Funnel *f, int from, int to, bool create)
{
	return FunnelSketchOf(f, f->pairs, from, to, create);
}

/* Adds sketch "from" (counts and leads left out) into "to". */
void
SketchMerge(FunnelSketch *to, const FunnelSketch *from)
{
	if (unlikely(pg_add_u64_overflow(to->earlier, from->earlier, &to->earlier)))
		CountOverflow();
	for (int b = 0; b < SKETCH_BUCKETS; b++)
		if (from->counts[b] != 0 &&
			unlikely(pg_add_u64_overflow(to->counts[b], from->counts[b], &to->counts[b])))
			CountOverflow();
	if (unlikely(pg_add_u64_overflow(to->total, from->total, &to->total)))
		CountOverflow();
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

/* True if f holds nothing: no counts, no times, no open or queued leads. */
bool
FunnelIsEmpty(const Funnel *f)
{
	if (f->nleads != 0 || f->npending != 0 || f->nevents != 0 || f->spill != NULL)
		return false;
	for (int s = 0; s < f->nstages; s++)
		if (f->reached[s] != 0)
			return false;
	for (int o = 0; o < f->noutcomes; o++)
		if (f->exits_before[o] != 0)
			return false;
	return true;
}

/*
 * Where each stage of f's ladder sits in the ladder "to" (an enum as the
 * catalog has it now): by label, or for a renamed value by its OID.  An
 * error if "to" is another enum, or lost a stage, or reordered them.
 */
static void
LadderMapping(const Funnel *f, const FunnelLadder *to, int nto, int *map)
{
	const FunnelLadder *from = f->ladder;

	/*
	 * Outcomes: each the funnel counted is still declared, and the same
	 * outcome; a value counted as a stage and declared since is found
	 * below, as a stage "to" lacks.
	 */
	for (int i = 0; from != NULL && i < from->nlisted; i++)
	{
		int			j = 0;

		while (j < to->nlisted && strcmp(from->outcome_labels[i], to->outcome_labels[j]) != 0)
			j++;
		if (j == to->nlisted || to->outcome_of[j] != from->outcome_of[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("this funnel counted \"%s\" as the outcome %s, which ladder_outcome no longer declares for enum %s",
							from->outcome_labels[i],
							LeadStageName((LeadStage) (STAGE_RECYCLED + from->outcome_of[i])),
							to->type_name),
					 errdetail("A funnel keeps the outcomes its enum declared when it was built; "
							   "its counts cannot be moved to another declaration."),
					 errhint("Rebuild the funnel from its events, or restore the declaration.")));
	}
	if (from == NULL)
	{
		/*
		 * stored by align 0.1.0: no name, read as before by position, while
		 * every value of the enum is a stage
		 */
		if (f->nstages != nto || to->nlisted > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("this funnel has %d stages but enum %s has %d stages and %d declared outcomes",
							f->nstages, to->type_name, nto, to->nlisted),
					 errdetail("The funnel was stored by align 0.1.0, which did not record its enum; "
							   "it is read by position only over an enum whose values are all stages."),
					 errhint("Pass stages of the enum the funnel was built over, or rebuild the funnel.")));
		for (int s = 0; s < nto; s++)
			map[s] = s;
		return;
	}
	if (!SameLadderType(from, to))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("this funnel is over enum %s, not over %s",
						from->type_name, to->type_name),
				 errhint("Pass stages of the enum the funnel was built over.")));
	for (int s = 0; s < f->nstages; s++)
	{
		int			found = -1;

		for (int t = 0; t < nto && found < 0; t++)
			if (strcmp(from->labels[s], to->labels[t]) == 0)
				found = t;
		for (int t = 0; t < nto && found < 0; t++)
			if (OidIsValid(from->oids[s]) && from->oids[s] == to->oids[t])
				found = t;		/* the value was renamed */
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("stage \"%s\" of this funnel is not a stage of enum %s",
							from->labels[s], to->type_name),
					 errdetail("Values can be added to a ladder, and renamed, but not removed; "
							   "a funnel built before ladder_outcome declared a value an outcome "
							   "keeps it as a stage."),
					 errhint("Rebuild the funnel from its events.")));
		if (s > 0 && found <= map[s - 1])
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("the values of enum %s are in another order than when this funnel was built",
							to->type_name)));
		map[s] = found;
	}
}

/*
 * The sketches of funnel_as_of f moved onto r's ladder (FunnelRemap; map:
 * where each stage of f is in r; next_old: per stage of r, the lowest
 * stage of f at or above it, or -1).  Nobody entered a stage p added since
 * f was built, and nobody topped out at it: pairs from p are empty, ages
 * move with their stages, and "reached p or beyond" is "reached q or
 * beyond" for q the next old stage above p, so (a, p) converts and leaves
 * out the leads (a, q) does; with no old stage above p, nobody reached
 * it, and conversion_curve finds every lead of a censored in the ages.
 */
static void
RemapAsOf(Funnel *r, const Funnel *f, const int *map, const int *next_old)
{
	int			n = f->nstages;

	FunnelSetAsOf(r, f->as_of);
	for (int a = 0; a < n; a++)
	{
		for (int t = a; t < n; t++)
			if (f->ages[a * n + t] != NULL)
				memcpy(FunnelSketchOf(r, r->ages, map[a], map[t], true),
					   f->ages[a * n + t], sizeof(FunnelSketch));
		for (int p = map[a] + 1; p < r->nstages; p++)
			if (next_old[p] >= 0 && f->converted[a * n + next_old[p]] != NULL)
				memcpy(FunnelSketchOf(r, r->converted, map[a], p, true),
					   f->converted[a * n + next_old[p]], sizeof(FunnelSketch));
	}
}

/*
 * f over the ladder "to" (the enum as it is now), in CurrentMemoryContext.
 * A stage added since f was built was passed by every lead that reached a
 * later stage, so it counts them; nobody entered it, so it has no entries,
 * known times, exits or pairs (a funnel as of a time: see RemapAsOf).
 * Open leads keep their slots, moved.
 */
Funnel *
FunnelRemap(const Funnel *f, const FunnelLadder *to, int nto, int nout)
{
	int			map[FUNNEL_MAX_STAGES];
	int			next_old[FUNNEL_MAX_STAGES];	/* per stage of r: the lowest stage
												 * of f at or above it, or -1 */
	int			n = f->nstages;
	int			old = n - 1;
	int64		above = 0;
	Funnel	   *r = palloc(sizeof(Funnel));
	HashPos    *order;

	LadderMapping(f, to, nto, map);
	if (nout < f->noutcomes)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("this funnel tracks outcomes of enum %s, which declares none now",
						to->type_name),
				 errdetail("It was built while ladder_outcome declared some of the enum's values outcomes."),
				 errhint("Declare them again, or rebuild the funnel from its events.")));
	FunnelFlush((Funnel *) f);
	FunnelInit(r, CurrentMemoryContext, f->flags, nto, nout, f->within_secs);
	FunnelSetLadder(r, to);
	FunnelSetCalendar(r, f->calendar);
	for (int p = nto - 1; p >= 0; p--)
	{
		if (old >= 0 && map[old] == p)
		{
			r->reached[p] = f->reached[old];
			r->known[p] = f->known[old];
			r->entered[p] = f->entered[old];
			memcpy(r->exits[p], f->exits[old], sizeof(r->exits[p]));
			above = f->reached[old];
			next_old[p] = old;
			old--;
		}
		else
		{
			r->reached[p] = above;
			next_old[p] = old + 1 < n ? old + 1 : -1;
		}
	}
	memcpy(r->exits_before, f->exits_before, sizeof(r->exits_before));
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			if (f->pairs[a * n + b] != NULL)
				memcpy(FunnelPair(r, map[a], map[b], true), f->pairs[a * n + b],
					   sizeof(FunnelSketch));
	if (f->flags & FUNNEL_AS_OF)
		RemapAsOf(r, f, map, next_old);
	order = FunnelHashOrder(f);
	for (uint64 i = 0; i < f->nleads; i++)
	{
		uint64		hash;
		const uint32 *from = FunnelSortedLead(f, order, i, &hash);
		uint32	   *slots = FunnelLeadSlots(r, hash);

		for (int s = 0; s < n; s++)
			slots[map[s]] = from[s];
		for (int o = 0; o < f->noutcomes; o++)
			slots[nto + o] = from[n + o];
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return r;
}

/*
 * Brings two enum funnels onto one ladder before they merge: a funnel
 * stored by align 0.1.0 takes the other's identity; two versions of one
 * enum (a value added or renamed in between) both move to the enum as the
 * catalog has it now.  Other pairs are left for FunnelCheckCompatible.
 */
static const Funnel *
AlignLadders(Funnel *dst, const Funnel *src)
{
	StageMap	now;
	Funnel	   *r;
	MemoryContext old;

	if (!(dst->flags & FUNNEL_ENUM) || !(src->flags & FUNNEL_ENUM) ||
		src->ladder == NULL)
		return src;
	if (dst->ladder == NULL)
	{
		if (dst->nstages == src->nstages)
			FunnelSetLadder(dst, src->ladder);
		return src;
	}
	if ((FunnelLadderEqual(dst->ladder, dst->nstages, src->ladder, src->nstages) &&
		 dst->noutcomes == src->noutcomes) ||
		!SameLadderType(dst->ladder, src->ladder))
		return src;

	StageMapInitNamed(&now, dst->ladder, CurrentMemoryContext);
	old = MemoryContextSwitchTo(dst->cxt);
	r = FunnelRemap(dst, &now.ladder, now.nstages, now.noutcomes);
	MemoryContextSwitchTo(old);
	*dst = *r;
	return FunnelRemap(src, &now.ladder, now.nstages, now.noutcomes);
}

/* Merges one lead's slots into dst's entry for that lead. */
static inline void
MergeLead(Funnel *dst, uint64 hash, const uint32 *from, int nslots)
{
	uint32	   *slots = FunnelLeadSlots(dst, hash);

	for (int k = 0; k < nslots; k++)
		slots[k] = MergeSlot(slots[k], from[k]);
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

	FunnelFlush(dst);
	FunnelFlush((Funnel *) src);
	if (src->spill != NULL)
		FunnelUnspill((Funnel *) src);
	if (FunnelIsEmpty(src))
		return;
	if (FunnelIsEmpty(dst))
	{
		FunnelInitLike(dst, dst->cxt, src);
	}
	else
		src = AlignLadders(dst, src);
	n = src->nstages;
	FunnelCheckCompatible(dst, src);
	/* counts from 0.1.0 in either: the sum does not know what they did not record */
	dst->flags |= src->flags & FUNNEL_LEGACY;
	for (int s = 0; s < n; s++)
	{
		AddCount(&dst->reached[s], src->reached[s]);
		AddCount(&dst->known[s], src->known[s]);
		AddCount(&dst->entered[s], src->entered[s]);
		for (int o = 0; o < src->noutcomes; o++)
			AddCount(&dst->exits[s][o], src->exits[s][o]);
	}
	for (int o = 0; o < src->noutcomes; o++)
		AddCount(&dst->exits_before[o], src->exits_before[o]);
	for (int p = 0; p < n * n; p++)
	{
		if (SketchUsed(src->pairs[p]))
			SketchMerge(FunnelPair(dst, p / n, p % n, true), src->pairs[p]);
		if (!(src->flags & FUNNEL_AS_OF))
			continue;
		if (SketchUsed(src->converted[p]))
			SketchMerge(FunnelSketchOf(dst, dst->converted, p / n, p % n, true),
						src->converted[p]);
		if (SketchUsed(src->ages[p]))
			SketchMerge(FunnelSketchOf(dst, dst->ages, p / n, p % n, true),
						src->ages[p]);
	}
	if (src->nleads == 0)
		return;
	if (src->flat_leads != NULL)
	{
		for (uint64 i = 0; i < src->nleads; i++)
		{
			uint64		hash;
			const uint32 *e = FunnelSortedLead(src, NULL, i, &hash);

			MergeLead(dst, hash, e, src->nslots);
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		return;
	}
	/* a table's hashes are split between its index (upper) and entries */
	for (uint64 p = 0; p <= src->index_mask; p++)
	{
		uint64		slot = src->index[p];
		const uint32 *e;

		if (slot == 0)
			continue;
		e = FunnelEntry(src, (slot & PG_UINT32_MAX) - 1);
		MergeLead(dst, (slot & UINT64CONST(0xFFFFFFFF00000000)) | e[0], e + 1,
				  src->nslots);
		if ((p & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Sets dst (freshly initialised, in its own context) to a + b, where a and b
 * are in flat mode (or have no open leads): counts and sketches add, and the
 * two sorted runs of leads merge into one, in dst's memory.  The combine of
 * a parallel plan: no hash table is built.
 */
void
FunnelMergeSorted(Funnel *dst, const Funnel *a, const Funnel *b)
{
	Funnel		closed;
	uint64		n;
	int			stride = a->flat_stride;
	uint32	   *out;
	void	   *alloc;

	Assert((a->flat_leads != NULL || a->nleads == 0) &&
		   (b->flat_leads != NULL || b->nleads == 0));
	FunnelCheckCompatible(a, b);
	closed = *a;
	closed.nleads = 0;
	closed.flat_leads = NULL;
	FunnelMerge(dst, &closed);
	closed = *b;
	closed.nleads = 0;
	closed.flat_leads = NULL;
	FunnelMerge(dst, &closed);
	if (dst->ladder == NULL)
		FunnelSetLadder(dst, a->ladder != NULL ? a->ladder : b->ladder);

	out = AllocLarge(dst->cxt, Max(a->nleads + b->nleads, 1) * stride * sizeof(uint32), &alloc);
	n = MergeRuns(a->flat_leads, a->nleads, b->flat_leads, b->nleads, stride, out);
	dst->flat_leads = out;
	dst->flat_alloc = alloc;
	dst->nleads = n;
}

/*
 * The working-time levels (CalendarLevel, in seconds) of a closing lead's
 * known entry times at its stages 0..top, each once, into level[]: a pair's
 * time is then the difference of two levels.  Slot times are whole seconds
 * inside align's time range, and working time changes only at whole
 * minutes of local time, whose offsets from UTC are whole seconds, so the
 * levels of whole seconds are whole seconds.
 */
static void
EntryLevels(Funnel *dst, const uint32 *slot, const bool *entered, int top, int64 *level)
{
	if (dst->cal == NULL)
		dst->cal = CalendarExpand(PointerGetDatum(dst->calendar), dst->cxt);
	for (int s = 0; s <= top; s++)
		if (entered[s] && SLOT_IS_TIME(slot[s]))
		{
			int64		us = CalendarLevel(dst->cal, ((int64) slot[s] - SLOT_BIAS) * USECS_PER_SEC);

			Assert(us % USECS_PER_SEC == 0);
			level[s] = us / USECS_PER_SEC;
		}
}

/*
 * The conversion and age sketches of a closing lead in a funnel as of a
 * time (funnel_as_of; conversion_curve reads them), for every ladder stage
 * a the lead entered at a known time t_a, top its highest ladder stage:
 *  - its age at as_of, as_of - t_a, into ages (a, top), once per a;
 *  - per b, a < b <= top: converted at t_b - t_a, t_b its earliest known
 *	  entry at b or at any stage above it with t_b >= t_a ("reached b or
 *	  beyond within t", as reached() counts a later stage as having passed
 *	  b); or left out (the converted sketch's "earlier") when it entered b
 *	  or beyond only before t_a or at unknown times.
 * For b above top it is censored at its age, whether or not it exited;
 * conversion_curve sums ages (a, T) over a <= T < b.  An exit does not end
 * its time at risk: it stays in the risk set up to its age at as_of, as an
 * open lead does, which makes the Kaplan-Meier curve the cumulative
 * incidence of conversion with exits as a competing risk (the Fine-Gray
 * risk set, with the censoring time, as_of, known for every lead).
 * Censoring an exit at its exit would give conversion among leads that
 * never exit, and counting it as never converting for good would count a
 * young cohort's exits against it at ages its other leads have not reached.
 * Keying the ages by the highest stage, not by b, keeps one sketch per
 * (a, top) instead of one per pair above top, and lets a funnel move to
 * an enum that gained a value (FunnelRemap): a value above every old one
 * is above every lead's top.
 * No row after as_of reached the funnel, so no entry time exceeds it.
 * With a calendar (level: the working-time levels of the lead's entries,
 * EntryLevels), times and ages are working time.
 */
static void
CloseLeadAsOf(Funnel *dst, const uint32 *slot, const bool *entered, int top, const int64 *level)
{
	int64		as_of = dst->as_of / USECS_PER_SEC - (dst->as_of % USECS_PER_SEC < 0);
	int64		as_of_level = as_of + SLOT_BIAS;

	/* in working time: every time is its level, as_of's too (see EntryLevels) */
	if (level != NULL)
		as_of_level = CalendarLevel(dst->cal, as_of * USECS_PER_SEC) / USECS_PER_SEC;
	for (int a = 0; a <= top; a++)
	{
		int			first = -1;	/* the stage of the earliest known entry >= t_a at b or above */
		int64		t_a;

		if (!entered[a] || !SLOT_IS_TIME(slot[a]))
			continue;
		t_a = level != NULL ? level[a] : (int64) slot[a];
		SketchAdd(FunnelSketchOf(dst, dst->ages, a, top, true), Max(as_of_level - t_a, 0), 1);
		for (int b = top; b > a; b--)
		{
			if (entered[b] && SLOT_IS_TIME(slot[b]) && slot[b] >= slot[a] &&
				(first < 0 || slot[b] < slot[first]))
				first = b;
			if (first >= 0)
				SketchAdd(FunnelSketchOf(dst, dst->converted, a, b, true),
						  (level != NULL ? level[first] : (int64) slot[first]) - t_a, 1);
			else
				FunnelSketchOf(dst, dst->converted, a, b, true)->earlier++;
		}
	}
}

/*
 * Counts one complete lead into the closed part of dst.
 *
 * The lead has reached every ladder stage up to the highest one it entered
 * (inside the conversion window, if any, counted from its first known ladder
 * entry).  Its entry time at a stage is known if it entered that stage at a
 * known time.  It converts from a to b if both times are known and b is not
 * earlier; if b is earlier, the pair counts it as left out (earlier).  An outcome is an exit at the highest entered stage not entered
 * after the outcome's first time (a stage entered at an unknown time counts
 * as before it; an outcome at an unknown time is an exit at the top), and
 * an exit before the ladder when the lead had entered no stage by then.
 * A pair's time is working time when dst has a calendar; the conversion
 * window is wall-clock time always (a cohort rule, not an SLA).
 */
static void
CloseLead(Funnel *dst, const uint32 *slot)
{
	int			n = dst->nstages;
	bool		entered[FUNNEL_MAX_STAGES];
	int64		level[FUNNEL_MAX_STAGES];
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
	{
		/* no ladder stage: only outcomes, exits before the ladder */
		for (int o = 0; o < dst->noutcomes; o++)
			if (slot[n + o] != SLOT_ABSENT)
				AddCount(&dst->exits_before[o], 1);
		return;
	}

	for (int s = 0; s <= top; s++)
	{
		AddCount(&dst->reached[s], 1);
		if (entered[s])
			AddCount(&dst->entered[s], 1);
		if (entered[s] && SLOT_IS_TIME(slot[s]))
			AddCount(&dst->known[s], 1);
	}

	/*
	 * a pair's time (in working time, the difference of the levels), or
	 * the lead left out of it as having entered b first
	 */
	if (dst->calendar != NULL)
		EntryLevels(dst, slot, entered, top, level);
	for (int a = 0; a < top; a++)
	{
		if (!entered[a] || !SLOT_IS_TIME(slot[a]))
			continue;
		for (int b = a + 1; b <= top; b++)
		{
			if (!entered[b] || !SLOT_IS_TIME(slot[b]))
				continue;
			if (slot[b] >= slot[a])
				SketchAdd(FunnelPair(dst, a, b, true),
						  dst->calendar != NULL ? level[b] - level[a] : (int64) slot[b] - (int64) slot[a], 1);
			else
				FunnelPair(dst, a, b, true)->earlier++;
		}
	}

	if (dst->flags & FUNNEL_AS_OF)
		CloseLeadAsOf(dst, slot, entered, top, dst->calendar != NULL ? level : NULL);

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
		else
			AddCount(&dst->exits_before[o], 1);
	}
}

/*
 * Spilling (issue 18).  A serial aggregate's table of open leads keeps
 * within its budget (align.memory_budget: by default work_mem x
 * hash_mem_multiplier, what PostgreSQL gives a hash aggregate).  Before it
 * would grow past it, every entry (hash and slots) is written to one of
 * SPILL_PARTS temporary files by the top bits of the lead hash, the
 * table is freed, and the aggregate goes on with an empty one: a lead seen
 * again gets a new entry, and its entries merge (slot by slot, the earliest
 * time) when closing reads its partition back, one partition at a time, in
 * a table of its own; a partition still too large for the budget is split
 * again by the next bits.  The files are BufFiles (temp_files, temp_bytes,
 * temp_file_limit; removed on error), closed when the funnel's memory goes.
 * Other readers of the open leads (merging, flattening) bring them back
 * into the table first (FunnelUnspill).
 */

/* Bytes of one spilled entry: the hash, then the slots. */
static inline Size
SpillRecordSize(const Funnel *f)
{
	return sizeof(uint64) + f->nslots * sizeof(uint32);
}

/* Writes every entry of f's table to the spill files and frees the table. */
static void
SpillTable(Funnel *f)
{
	Size		rec = SpillRecordSize(f);
	char	   *buf = palloc(rec);

	if (f->spill == NULL)
		f->spill = SpillPartsCreate(f->cxt);
	/* a table's hashes are split between its index (upper) and entries */
	for (uint64 pos = 0; f->nleads > 0 && pos <= f->index_mask; pos++)
	{
		uint64		slot = f->index[pos];
		const uint32 *e;
		uint64		hash;

		if (slot == 0)
			continue;
		e = FunnelEntry(f, (slot & PG_UINT32_MAX) - 1);
		hash = (slot & UINT64CONST(0xFFFFFFFF00000000)) | e[0];
		memcpy(buf, &hash, sizeof(uint64));
		memcpy(buf + sizeof(uint64), e + 1, f->nslots * sizeof(uint32));
		SpillPartsWrite(f->spill, buf, rec);
		if ((pos & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(buf);
	for (int k = 0; k < LEAD_MAX_CHUNKS; k++)
		if (f->chunk_allocs[k] != NULL)
		{
			pfree(f->chunk_allocs[k]);
			f->chunk_allocs[k] = NULL;
			f->chunks[k] = NULL;
		}
	if (f->index_alloc != NULL)
		pfree(f->index_alloc);
	if (f->hot != NULL)
		pfree(f->hot);
	f->index = NULL;
	f->index_alloc = NULL;
	f->index_mask = 0;
	f->hot = NULL;
	f->nleads = 0;
}

/* SpillForEach callback: merges a spilled entry (hash, slots) into the funnel arg's table. */
static void
MergeRecord(const char *record, void *arg)
{
	Funnel	   *f = (Funnel *) arg;
	uint64		hash;

	memcpy(&hash, record, sizeof(uint64));
	MergeLead(f, hash, (const uint32 *) (record + sizeof(uint64)), f->nslots);
}

/*
 * Merges the n entries of a spill file, read from its start, into f's table
 * (by lead: the earliest time per slot).
 */
static void
MergeSpilled(Funnel *f, BufFile *file, int64 n, Size rec)
{
	SpillForEach(file, n, rec, MergeRecord, f);
}

/*
 * Closes into dst the n entries of a spill file (a partition, or part of
 * one, at depth: its entries share the top 5 x depth bits of the hash): in a
 * table of their own when they fit half of src's budget, else split again
 * by the next 5 bits.  Past 60 bits, whatever their size.
 */
static void
ClosePart(Funnel *dst, const Funnel *src, BufFile *file, int64 n, int depth)
{
	Size		rec = SpillRecordSize(src);

	if (n == 0)
		return;
	/* a table entry, its index slot at the lowest load, and the file's record */
	if ((Size) n * (src->stride * sizeof(uint32) + 2 * sizeof(uint64)) <= src->budget / 2 ||
		depth >= 12)
	{
		MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "align funnel partition",
												  ALLOCSET_DEFAULT_SIZES);
		Funnel		part;

		FunnelInitLike(&part, cxt, src);
		MergeSpilled(&part, file, n, rec);
		for (uint64 i = 0; i < part.nleads; i++)
		{
			CloseLead(dst, FunnelSlotsAt(&part, i));
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		MemoryContextDelete(cxt);
	}
	else
	{
		BufFile    *sub[SPILL_PARTS];
		int64		sub_rows[SPILL_PARTS];

		SpillSplit(file, n, rec, 64 - SPILL_BITS * (depth + 1), sub, sub_rows);
		for (int p = 0; p < SPILL_PARTS; p++)
		{
			ClosePart(dst, src, sub[p], sub_rows[p], depth + 1);
			BufFileClose(sub[p]);
		}
	}
}

/* See funnel.h. */
void
FunnelUnspill(Funnel *f)
{
	SpillParts *sp = f->spill;

	if (sp == NULL)
		return;
	f->budget = 0;				/* no more spilling: the reader wants the table */
	for (int p = 0; p < SPILL_PARTS; p++)
		MergeSpilled(f, sp->files[p], sp->rows[p], SpillRecordSize(f));
	SpillPartsClose(sp);
	f->spill = NULL;
}

/*
 * Adds src's closed part and its closed-out open leads to dst, which must
 * have no open leads.  src is not changed (a window aggregate calls its
 * final function more than once on one state).
 */
void
FunnelCloseInto(Funnel *dst, const Funnel *src)
{
	Funnel		closed_only;

	FunnelFlush((Funnel *) src);
	closed_only = *src;
	closed_only.nleads = 0;
	closed_only.spill = NULL;
	FunnelMerge(dst, &closed_only);
	if (src->spill != NULL)
	{
		/* spilled: every entry to the files, then one partition at a time */
		SpillTable((Funnel *) src);
		for (int p = 0; p < SPILL_PARTS; p++)
			ClosePart(dst, src, src->spill->files[p], src->spill->rows[p], 1);
		return;
	}
	for (uint64 i = 0; i < src->nleads; i++)
	{
		CloseLead(dst, FunnelSlotsAt(src, i));
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * f with its open leads closed into counts, for the accessors: f itself
 * when it has none, else a new funnel in CurrentMemoryContext.  A partial
 * state or a hand-made value carries open leads.
 */
Funnel *
FunnelClosed(Funnel *f)
{
	Funnel	   *r;

	FunnelFlush(f);
	if (f->nleads == 0 && f->spill == NULL)
		return f;
	r = palloc(sizeof(Funnel));
	FunnelInitLike(r, CurrentMemoryContext, f);
	FunnelCloseInto(r, f);
	return r;
}
