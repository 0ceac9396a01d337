/*
 * handoff_summary.c
 *		handoff_summary(lead, at, owner, sla [, into]): speed to lead without
 *		a sort, as one aggregate over a set of leads.
 *
 * The window functions (window.c) need the rows of each lead in time order,
 * so PostgreSQL sorts the whole input by (lead, at) first, and on a large
 * stage history that sort is most of the time.  This aggregate answers the
 * usual question (how many handoffs, the median and p90 gap, the share
 * within the SLA) without it: it keeps each row as 24 bytes (lead hash,
 * time, owner key), grouped by a bucket of the lead hash once there are
 * many, and at the end sorts one bucket at a time by lead, time and owner
 * and walks each lead's rows exactly as handoff_gap and sla_breached do.
 * Quantiles are exact: percentile_disc's (the columns of 0.1.0) and
 * percentile_cont's, each as an interval and in hours.  Rows may come in any order, and
 * partial states combine by concatenation, so it is correct in parallel
 * plans.
 *
 * Semantics, as for handoff_gap: a NULL owner neither starts nor ends a
 * handoff; a handoff is the first row of an owner different from the
 * previous owned row's, and its gap is the time since that row.  Rows with a
 * NULL lead or NULL at are skipped (they cannot be placed in a lead's
 * stream).  Owners are told apart by value, with the type's equality under
 * the input collation, as the window functions do: the state keeps one copy
 * of each distinct owner (found by hash, confirmed by equality), and rows
 * carry its number.  Equal times are taken in owner order, as in ORDER BY
 * at, owner: the owners are ranked with the type's btree order at the end
 * (a type without one: hash order).  With into, only handoffs to that owner
 * count.  A gap equal to the SLA meets it.
 *
 * handoff_histogram keeps the same rows and walks them the same way; its
 * final function counts each gap in fixed bins (HandoffBins) instead of
 * keeping it for the quantiles.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/guc.h"
#include "utils/ruleutils.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/array.h"

#include "align.h"
#include "calendar.h"
#include "callerless.h"
#include "handoff_state.h"
#include "interval_rule.h"
#include "key_hash.h"
#include "pg_compat.h"
#include "radix.h"
#include "settings.h"
#include "spill.h"
#include "spool.h"
#include "stage_map.h"

/* Version 6 adds the calendar; version 5 (no calendar) is still read. */
#define HS_SERIAL_VERSION	6
#define HS_SERIAL_VERSION_NO_CALENDAR	5

/* Most stage codes of stage_stays: lead_stage's, or an enum ladder's values. */
#define HS_MAX_STAGE_CODES	Max(STAGE_COUNT, FUNNEL_MAX_STAGES)

/* A distinct owner (by equality): its hash, its value, and later its rank. */
typedef struct HSOwner
{
	uint64		hash;
	Datum		value;
	uint64		rank;			/* 1 + position in value order, set by RankOwners */
} HSOwner;

/*
 * Rows are kept in one array while there are few (a GROUP BY may have many
 * small groups), and from HS_SMALL_ROWS on in per-bucket lists of chunks,
 * the bucket being the top HS_BUCKET_BITS bits of the lead hash.  A lead's
 * rows then share a bucket, and the final function sorts one bucket at a
 * time in cache, instead of radix-sorting one array of every row through
 * a second array as large (hundreds of MB of fresh memory for millions of
 * rows, most of it spent by the kernel zeroing pages).
 */
#define HS_BUCKET_BITS	11
#define HS_BUCKETS		(1 << HS_BUCKET_BITS)
#define HS_CHUNK_ROWS	128
#define HS_SMALL_ROWS	65536
#define HS_ARENA_SIZE	((Size) 4 << 20)

typedef struct HSChunk
{
	struct HSChunk *prev;		/* the bucket's previous (full) chunk */
	HSEvent		ev[HS_CHUNK_ROWS];
} HSChunk;

/* Transition state: every row kept so far, and the arguments every row shares. */
struct HSState
{
	uint64		id;				/* tells states apart in the owner memo */
	int64		sla_us;			/* the SLA, microseconds */
	bool		has_into;		/* count only handoffs into one owner */
	int32		into;			/* that owner's number, -1 until known */
	int64		nevents;		/* rows in memory */
	/* past the memory budget: rows in temporary files, by partition of the lead hash */
	Size		budget;			/* bytes of rows the state may hold in memory */
	Size		mem_rows;		/* bytes it holds now (the array, the arenas) */
	void	  **arenas;			/* what to pfree for each arena */
	int			narenas;
	int			arenas_cap;
	SpillParts *parts;			/* the partition files, NULL until the first spill */
	int64		spilled;		/* rows in the files */
	/* few rows: one array */
	int64		capacity;
	HSEvent    *events;
	void	   *events_alloc;	/* what to pfree for events */
	/* many rows: per bucket, its newest chunk (NULL while few) */
	HSChunk   **buckets;
	int16	   *fill;			/* rows in each bucket's newest chunk */
	char	   *arena;			/* where the next chunk is carved */
	Size		arena_left;
	/* handoff_summary: the distinct owners (stage_stays: none, no type) */
	int32		nowners;
	int32		owners_cap;		/* a power of two; the index has twice as many slots */
	HSOwner    *owners;
	int32	   *owner_index;	/* open addressing by hash: owner number + 1, 0 = empty */
	Oid			owner_type;
	Oid			owner_collation;
	FmgrInfo   *owner_eq;		/* the type's equality (in the type cache), once needed */
	/* stage_stays: the enum ladder (InvalidOid: lead_stage) and its number of codes */
	Oid			stage_enum;
	int32		stage_codes;
	/* attribution: owners (channels) and lead_stage rows (HS_STAGE_ROW | code) */
	bool		stage_rows;
	/* the work_calendar durations are measured in (NULL: wall-clock time), as stored */
	struct varlena *calendar;
};

/*
 * A recently seen owner value, by its bytes (a by-value owner: its Datum):
 * equal bytes are equal values, so a report whose owners are a few short
 * labels ('marketing', 'sales') hashes and looks up each once per call site
 * and state instead of once per row.  owner_no is the owner's number in the
 * state whose id is state_id (owner numbers never change in a state).
 */
#define HS_MEMO_SLOTS	4
#define HS_MEMO_BYTES	48

typedef struct HSMemo
{
	uint64		hash;
	uint64		state_id;		/* 0 = owner_no not known */
	int32		len;			/* bytes held; -1 = unused */
	int32		owner_no;
	char		bytes[HS_MEMO_BYTES];
} HSMemo;

typedef struct HSCache
{
	KeyHasher	lead;
	KeyHasher	owner;
	int16		owner_len;		/* the owner type's length and passing */
	bool		owner_byval;
	int			memo_next;		/* the slot to overwrite next */
	HSMemo		memo[HS_MEMO_SLOTS];
	/* sla and into, when they are constants of the aggregate call */
	bool		sla_const;
	bool		into_const;
	int64		sla_us;
	uint64		into_hash;
	Datum		into_value;		/* the Const's value, alive as long as the plan */
	/* stage_stays: the ladder of the stage argument (is_enum false: lead_stage) */
	StageMap	stages;
	/* the calendar, the last argument of the calendar aggregates */
	bool		with_calendar;
	bool		calendar_const; /* a constant of the aggregate call */
	uint64		calendar_state; /* the state last checked against the constant */
	/* for errors: the aggregate called (handoff_summary, handoff_histogram) */
	const char *fname;
	const char *sla_what;		/* "fname sla" */
	const char *at_what;		/* "fname() at" */
} HSCache;

/* Sets up hashing, in cxt, for argument argno (the lead key or the owner). */
static void
HasherInit(KeyHasher *h, FunctionCallInfo fcinfo, int argno, const char *what, MemoryContext cxt)
{
	Oid			type = CallArgType(fcinfo, argno);

	KeyHasherInitType(h, type, Callerless(fcinfo) ? CallerlessCollation(fcinfo, type) : PG_GET_COLLATION(),
					  cxt, what, "Cast the argument, e.g. 'sales'::text.",
					  "Use a hashable type: bigint, text, uuid, ...");
}

/* The SLA in microseconds, by align's one interval rule (interval_rule.c); what names it. */
static int64
SlaMicroseconds(const Interval *iv, const char *what)
{
	return IntervalArgMicroseconds(iv, what,
								   "Pass the agreed response time, e.g. interval '24 hours'.");
}

/* A new state in the aggregate's context: no rows, no owners, into not yet known. */
static HSState *
NewState(MemoryContext aggcxt, int64 sla_us, bool has_into)
{
	static uint64 last_id = 0;
	HSState    *st = MemoryContextAllocZero(aggcxt, sizeof(HSState));

	st->id = ++last_id;
	st->sla_us = sla_us;
	st->has_into = has_into;
	st->into = -1;
	st->budget = AlignMemoryBudget();
	st->stage_codes = STAGE_COUNT;
	return st;
}

/* Raises the error for rows, or partial states, of one group with different calendars. */
pg_noreturn static void
MixedCalendars(const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s calendar must be the same for every row of a group", fname),
			 errhint("Group by the calendar (e.g. by team), or pass one calendar for the whole group.")));
}

/* Most distinct owners a state holds (a power of two). */
#define HS_MAX_OWNERS	(1 << 28)

/* True if two owner values are equal, by the type's equality under the input collation. */
static bool
OwnersEqual(HSState *st, Datum a, Datum b)
{
	if (st->owner_eq == NULL)
	{
		TypeCacheEntry *tc = lookup_type_cache(st->owner_type, TYPECACHE_EQ_OPR_FINFO);

		if (!OidIsValid(tc->eq_opr_finfo.fn_oid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("handoff_summary cannot compare owners of type %s",
							format_type_be(st->owner_type)),
					 errhint("Cast the owner to a type with equality, e.g. owner::text.")));
		st->owner_eq = &tc->eq_opr_finfo;
	}
	return DatumGetBool(FunctionCall2Coll(st->owner_eq, st->owner_collation, a, b));
}

/* Number of the owner equal to value (whose hash is given), or -1 if not seen. */
static int32
FindOwner(HSState *st, uint64 hash, Datum value)
{
	uint32		mask;
	uint32		pos;

	if (st->owners_cap == 0)
		return -1;
	mask = (uint32) st->owners_cap * 2 - 1;
	pos = (uint32) (hash >> 32) & mask;
	while (st->owner_index[pos] != 0)
	{
		int32		o = st->owner_index[pos] - 1;

		if (st->owners[o].hash == hash && OwnersEqual(st, st->owners[o].value, value))
			return o;
		pos = (pos + 1) & mask;
	}
	return -1;
}

/* Doubles the owner table and rebuilds its index. */
static void
GrowOwners(HSState *st)
{
	MemoryContext cxt = GetMemoryChunkContext(st);
	int32		cap;
	uint32		mask;

	/* the index has 2 * cap int32 slots holding owner number + 1 */
	if (st->owners_cap >= HS_MAX_OWNERS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("handoff_summary holds at most %d distinct owners per group",
						HS_MAX_OWNERS)));
	cap = st->owners_cap ? st->owners_cap * 2 : 8;
	mask = (uint32) cap * 2 - 1;
	st->owners = st->owners == NULL
		? MemoryContextAllocHuge(cxt, cap * sizeof(HSOwner))
		: repalloc_huge(st->owners, cap * sizeof(HSOwner));
	if (st->owner_index)
		pfree(st->owner_index);
	st->owner_index = MemoryContextAllocExtended(cxt, (Size) cap * 2 * sizeof(int32),
												 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	st->owners_cap = cap;
	for (int32 o = 0; o < st->nowners; o++)
	{
		uint32		pos = (uint32) (st->owners[o].hash >> 32) & mask;

		while (st->owner_index[pos] != 0)
			pos = (pos + 1) & mask;
		st->owner_index[pos] = o + 1;
	}
}

/* Adds an owner (its hash, and its value already in the state's memory); returns its number. */
static int32
AddOwner(HSState *st, uint64 hash, Datum value)
{
	uint32		mask;
	uint32		pos;

	if (st->nowners == st->owners_cap)
		GrowOwners(st);
	mask = (uint32) st->owners_cap * 2 - 1;
	pos = (uint32) (hash >> 32) & mask;
	while (st->owner_index[pos] != 0)
		pos = (pos + 1) & mask;
	st->owner_index[pos] = st->nowners + 1;
	st->owners[st->nowners].hash = hash;
	st->owners[st->nowners].value = value;
	st->owners[st->nowners].rank = 0;
	return st->nowners++;
}

/*
 * The number of the owner equal to value (whose hash is given), adding a
 * copy of the value the first time it is seen.
 */
static int32
NoteOwner(HSState *st, uint64 hash, Datum value, int16 typlen, bool typbyval)
{
	MemoryContext old;
	int32		o = FindOwner(st, hash, value);

	if (o >= 0)
		return o;
	old = MemoryContextSwitchTo(GetMemoryChunkContext(st));
	if (typlen == -1)
		value = PointerGetDatum(PG_DETOAST_DATUM_COPY(value));
	else
		value = datumCopy(value, typbyval, typlen);
	MemoryContextSwitchTo(old);
	return AddOwner(st, hash, value);
}

/*
 * qsort_arg comparator: owners by value, with the type's btree order (arg),
 * or without one (arg NULL) by hash, then by number.
 */
static int
CompareOwners(const void *a, const void *b, void *arg)
{
	const HSOwner *x = *(const HSOwner *const *) a;
	const HSOwner *y = *(const HSOwner *const *) b;
	FunctionCallInfo cmp = (FunctionCallInfo) arg;

	if (cmp == NULL)
		return x->hash != y->hash ? (x->hash < y->hash ? -1 : 1) : (x < y ? -1 : x > y);
	cmp->args[0].value = x->value;
	cmp->args[1].value = y->value;
	cmp->isnull = false;
	return DatumGetInt32(FunctionCallInvoke(cmp));
}

/*
 * Ranks the owners in value order (1 = first), so that tied rows are
 * ordered by owner as ORDER BY at, owner would.  A type without a btree
 * order ranks by hash.  Every owner gets a rank of its own.
 */
static void
RankOwners(HSState *st)
{
	TypeCacheEntry *tc;
	HSOwner   **order;
	LOCAL_FCINFO(cmp, 2);

	if (st->nowners == 0)
		return;
	tc = lookup_type_cache(st->owner_type, TYPECACHE_CMP_PROC_FINFO);
	order = palloc_extended(st->nowners * sizeof(HSOwner *), MCXT_ALLOC_HUGE);
	for (int32 o = 0; o < st->nowners; o++)
		order[o] = &st->owners[o];
	if (OidIsValid(tc->cmp_proc))
	{
		InitFunctionCallInfoData(*cmp, &tc->cmp_proc_finfo, 2, st->owner_collation, NULL, NULL);
		cmp->args[0].isnull = false;
		cmp->args[1].isnull = false;
	}
	qsort_arg(order, st->nowners, sizeof(HSOwner *), CompareOwners,
			  OidIsValid(tc->cmp_proc) ? cmp : NULL);
	for (int32 o = 0; o < st->nowners; o++)
		order[o]->rank = (uint64) o + 1;
	pfree(order);
}

/* Most rows a state holds: the final function's arrays of gaps must fit. */
#define HS_MAX_ROWS		((int64) (MaxAllocHugeSize / 2 / sizeof(HSEvent)))

static void AddEvent(HSState *st, uint64 lead, TimestampTz at, uint64 owner);

/*
 * Spilling (issue 18).  A state keeps its rows in memory up to its budget
 * (align.memory_budget: by default work_mem x hash_mem_multiplier, what
 * PostgreSQL gives a hash aggregate).  Before it would pass the budget it
 * writes every row it holds to temporary files, one per partition of the
 * lead hash's top SPILL_BITS bits (a lead's rows all go to one
 * partition), frees them, and starts again.  The final function then takes
 * one partition at a time (WalkLeads), and a partition still too large for
 * the budget is split again by the next bits (SpillWalk).  The files are
 * BufFiles: counted in temp_files and temp_bytes, limited by
 * temp_file_limit, removed at the end of the query or on error.
 */

static void ForEachEventInMemory(const HSState *st, void (*fn) (const HSEvent *e, void *arg),
								 void *arg);

/* Bytes a new array or arena may take before the state must spill first. */
static inline bool
OverBudget(const HSState *st, Size more)
{
	return st->mem_rows + more > st->budget;
}

/* ForEachEvent callback: writes the row to its partition's file (arg: the files). */
static void
WriteToPart(const HSEvent *e, void *arg)
{
	/* a row's lead hash comes first */
	SpillPartsWrite((SpillParts *) arg, e, sizeof(HSEvent));
}

/* Writes every row in memory to the partition files and frees them. */
static void
SpillRows(HSState *st)
{
	if (st->nevents == 0)
		return;
	if (st->parts == NULL)
		st->parts = SpillPartsCreate(GetMemoryChunkContext(st));
	ForEachEventInMemory(st, WriteToPart, st->parts);
	st->spilled += st->nevents;
	st->nevents = 0;
	/* free the rows: the array, or the buckets and their arenas */
	if (st->events_alloc)
		pfree(st->events_alloc);
	st->events = NULL;
	st->events_alloc = NULL;
	st->capacity = 0;
	if (st->buckets != NULL)
	{
		pfree(st->buckets);
		pfree(st->fill);
		st->buckets = NULL;
		st->fill = NULL;
	}
	for (int i = 0; i < st->narenas; i++)
		pfree(st->arenas[i]);
	st->narenas = 0;
	st->arena = NULL;
	st->arena_left = 0;
	st->mem_rows = 0;
	CHECK_FOR_INTERRUPTS();
}

/* Starts a new chunk for bucket b, carved from the state's arena. */
static HSChunk *
NewChunk(HSState *st, int b)
{
	HSChunk    *c;

	if (st->arena_left < sizeof(HSChunk))
	{
		MemoryContext cxt = GetMemoryChunkContext(st);

		if (st->narenas == st->arenas_cap)
		{
			st->arenas_cap = Max(st->arenas_cap * 2, 8);
			st->arenas = st->arenas == NULL
				? MemoryContextAlloc(cxt, st->arenas_cap * sizeof(void *))
				: repalloc(st->arenas, st->arenas_cap * sizeof(void *));
		}
		st->arena = AllocLarge(cxt, HS_ARENA_SIZE, &st->arenas[st->narenas++]);
		st->arena_left = HS_ARENA_SIZE;
		st->mem_rows += HS_ARENA_SIZE;
	}
	c = (HSChunk *) st->arena;
	st->arena += MAXALIGN(sizeof(HSChunk));
	st->arena_left -= Min(st->arena_left, MAXALIGN(sizeof(HSChunk)));
	c->prev = st->buckets[b];
	st->buckets[b] = c;
	st->fill[b] = 0;
	return c;
}

/* Rows in chunk c of bucket b: all of them, unless it is the newest. */
static inline int
ChunkRows(const HSState *st, int b, const HSChunk *c)
{
	return c == st->buckets[b] ? st->fill[b] : HS_CHUNK_ROWS;
}

/* Moves the rows of a state's array into buckets: the state has grown large. */
static void
SwitchToBuckets(HSState *st)
{
	HSEvent    *ev = st->events;
	int64		n = st->nevents;
	Size		budget = st->budget;

	st->buckets = MemoryContextAllocZero(GetMemoryChunkContext(st),
										 HS_BUCKETS * sizeof(HSChunk *));
	st->fill = MemoryContextAllocZero(GetMemoryChunkContext(st),
									  HS_BUCKETS * sizeof(int16));
	st->nevents = 0;
	st->mem_rows = HS_BUCKETS * (sizeof(HSChunk *) + sizeof(int16));
	/* no spill while the array's rows move (the caller checked the room) */
	st->budget = SIZE_MAX;
	for (int64 i = 0; i < n; i++)
		AddEvent(st, ev[i].lead, ev[i].at, ev[i].owner);
	st->budget = budget;
	if (st->events_alloc)
		pfree(st->events_alloc);
	st->events = NULL;
	st->events_alloc = NULL;
	st->capacity = 0;
}

/* Appends one row: to its bucket, or to the array while the state is small. */
static void
AddEvent(HSState *st, uint64 lead, TimestampTz at, uint64 owner)
{
	HSEvent    *e;

	if (likely(st->buckets != NULL))
	{
		int			b = (int) (lead >> (64 - HS_BUCKET_BITS));
		HSChunk    *c = st->buckets[b];

		if (unlikely(st->nevents >= HS_MAX_ROWS))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("handoff_summary holds at most %lld rows per group",
							(long long) HS_MAX_ROWS)));
		/* the fill counts stay in one small array: no load from the chunk */
		if (c == NULL || st->fill[b] == HS_CHUNK_ROWS)
		{
			if (st->arena_left < sizeof(HSChunk) && OverBudget(st, HS_ARENA_SIZE))
			{
				SpillRows(st);
				AddEvent(st, lead, at, owner);
				return;
			}
			c = NewChunk(st, b);
		}
		e = &c->ev[st->fill[b]++];
	}
	else
	{
		if (st->nevents == st->capacity)
		{
			int64		cap = st->capacity ? st->capacity * 2 : 256;
			void	   *old_alloc = st->events_alloc;
			HSEvent    *grown;

			/* the array and its grown copy, or the buckets and an arena, would not fit */
			if (st->nevents > 0 &&
				OverBudget(st, cap > HS_SMALL_ROWS ? HS_ARENA_SIZE + HS_BUCKETS * 10
						   : cap * sizeof(HSEvent)))
			{
				SpillRows(st);
				AddEvent(st, lead, at, owner);
				return;
			}
			if (cap > HS_SMALL_ROWS)
			{
				SwitchToBuckets(st);
				AddEvent(st, lead, at, owner);
				return;
			}
			grown = MemoryContextAllocHuge(GetMemoryChunkContext(st), cap * sizeof(HSEvent));
			st->events_alloc = grown;
			if (st->nevents > 0)
				memcpy(grown, st->events, st->nevents * sizeof(HSEvent));
			if (old_alloc)
				pfree(old_alloc);
			st->events = grown;
			st->capacity = cap;
			st->mem_rows = cap * sizeof(HSEvent);
		}
		e = &st->events[st->nevents];
	}
	e->lead = lead;
	e->at = at;
	e->owner = owner;
	st->nevents++;
}

/* Calls fn on every row of a state held in memory (in no particular order). */
static void
ForEachEventInMemory(const HSState *st, void (*fn) (const HSEvent *e, void *arg), void *arg)
{
	if (st->buckets == NULL)
	{
		for (int64 i = 0; i < st->nevents; i++)
			fn(&st->events[i], arg);
		return;
	}
	for (int b = 0; b < HS_BUCKETS; b++)
	{
		for (const HSChunk *c = st->buckets[b]; c != NULL; c = c->prev)
			for (int i = 0; i < ChunkRows(st, b, c); i++)
				fn(&c->ev[i], arg);
		CHECK_FOR_INTERRUPTS();
	}
}

/* A callback of ForEachEvent and its argument. */
typedef struct RowVisit
{
	void		(*fn) (const HSEvent *e, void *arg);
	void	   *arg;
} RowVisit;

/* SpillForEach callback: passes a row read from a spill file (aligned) to a RowVisit. */
static void
VisitRow(const char *record, void *arg)
{
	RowVisit   *visit = (RowVisit *) arg;

	visit->fn((const HSEvent *) record, visit->arg);
}

/*
 * Calls fn on every row of a state (in no particular order): those in the
 * spill files, read in blocks (each file is left at its end, where the next
 * spill appends), then those in memory.
 */
static void
ForEachEvent(const HSState *st, void (*fn) (const HSEvent *e, void *arg), void *arg)
{
	RowVisit	visit = {fn, arg};

	if (st->parts != NULL)
		for (int p = 0; p < SPILL_PARTS; p++)
			SpillForEach(st->parts->files[p], st->parts->rows[p], sizeof(HSEvent), VisitRow, &visit);
	ForEachEventInMemory(st, fn, arg);
}

/*
 * The hash of an owner value, through the call site's memo of recent values
 * when the value is by value, or short and held inline; *slot is its memo
 * entry, or NULL.
 */
static uint64
OwnerHash(HSCache *c, Datum value, HSMemo **slot)
{
	const char *bytes;
	Size		len;
	HSMemo	   *m;

	*slot = NULL;
	if (c->owner_len == -1)
	{
		const struct varlena *v = (const struct varlena *) DatumGetPointer(value);

		if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
			return KeyHash(&c->owner, value);
		bytes = VARDATA_ANY(v);
		len = VARSIZE_ANY_EXHDR(v);
	}
	else if (c->owner_len > 0 && !c->owner_byval)
	{
		bytes = DatumGetPointer(value);
		len = c->owner_len;
	}
	else if (c->owner_byval)
	{
		bytes = (const char *) &value;
		len = sizeof(Datum);
	}
	else
		return KeyHash(&c->owner, value);
	if (len > HS_MEMO_BYTES)
		return KeyHash(&c->owner, value);
	for (int i = 0; i < HS_MEMO_SLOTS; i++)
	{
		m = &c->memo[i];
		if (m->len == (int32) len && memcmp(m->bytes, bytes, len) == 0)
		{
			*slot = m;
			return m->hash;
		}
	}
	m = &c->memo[c->memo_next];
	c->memo_next = (c->memo_next + 1) % HS_MEMO_SLOTS;
	m->len = -1;				/* unused until the hash is known: it may throw */
	m->hash = KeyHash(&c->owner, value);
	memcpy(m->bytes, bytes, len);
	m->len = (int32) len;
	m->state_id = 0;
	m->owner_no = -1;
	*slot = m;
	return m->hash;
}

/*
 * The number in st of the owner equal to value (of the call site's owner
 * type), through the memo of recent values: a value seen in this state
 * before costs no hash and no equality call.
 */
static int32
OwnerNumber(HSCache *c, HSState *st, Datum value)
{
	HSMemo	   *m;
	uint64		hash = OwnerHash(c, value, &m);
	int32		o;

	if (m != NULL && m->state_id == st->id)
		return m->owner_no;
	o = NoteOwner(st, hash, value, c->owner_len, c->owner_byval);
	if (m != NULL)
	{
		m->state_id = st->id;
		m->owner_no = o;
	}
	return o;
}

/* The number in st of the call's constant into owner (NoteConstArgs). */
static int32
ConstIntoNumber(HSCache *c, HSState *st)
{
	if (st->into >= 0)
		return st->into;
	return NoteOwner(st, c->into_hash, c->into_value, c->owner_len, c->owner_byval);
}

/*
 * The aggregate call's argument argno (0 = the first after the state), if
 * it is a non-NULL constant and the call is one of ours.
 */
static Const *
ConstAggArg(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *ag = AggGetAggref(fcinfo);
	TargetEntry *te;
	HeapTuple	tup;
	Oid			transfn;

	if (ag == NULL || ag->aggdirectargs != NIL || list_length(ag->args) <= argno)
		return NULL;
	/* a wrapper may pass its own AggState: the Aggref must run this function */
	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(ag->aggfnoid));
	if (!HeapTupleIsValid(tup))
		return NULL;
	transfn = ((Form_pg_aggregate) GETSTRUCT(tup))->aggtransfn;
	ReleaseSysCache(tup);
	if (transfn != fcinfo->flinfo->fn_oid)
		return NULL;
	te = list_nth_node(TargetEntry, ag->args, argno);
	if (!IsA(te->expr, Const) || ((Const *) te->expr)->constisnull)
		return NULL;
	return (Const *) te->expr;
}

/*
 * Converts sla and into once when the call passes them as constants, as
 * reports do ('2 days', 'sales'), instead of on every row.
 */
static void
NoteConstArgs(HSCache *c, FunctionCallInfo fcinfo, bool has_into)
{
	Const	   *sla = ConstAggArg(fcinfo, 3);
	Const	   *into = has_into ? ConstAggArg(fcinfo, 4) : NULL;

	if (sla != NULL && sla->consttype == INTERVALOID)
	{
		c->sla_us = SlaMicroseconds(DatumGetIntervalP(sla->constvalue), c->sla_what);
		c->sla_const = true;
	}
	if (into != NULL && into->consttype == c->owner.type)
	{
		c->into_hash = KeyHash(&c->owner, into->constvalue);
		c->into_value = into->constvalue;
		c->into_const = true;
	}
	elog(DEBUG1, "handoff_summary: constant sla %s, constant into %s",
		 c->sla_const ? "yes" : "no", c->into_const ? "yes" : "no");
}

/*
 * The name of the aggregate fcinfo's transition runs for, in cxt: the
 * call's (handoff_summary and handoff_histogram share a transition), or
 * fallback for a call without a call expression (Citus).
 */
static const char *
CallAggName(FunctionCallInfo fcinfo, const char *fallback, MemoryContext cxt)
{
	Aggref	   *ag = AggGetAggref(fcinfo);
	char	   *name = NULL;

	/*
	 * Only an aggregate whose transition function this is: Citus's
	 * worker_partial_agg calls it with its own Aggref in the context.
	 */
	if (ag != NULL && fcinfo->flinfo != NULL)
	{
		HeapTuple	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(ag->aggfnoid));

		if (HeapTupleIsValid(tup))
		{
			if (((Form_pg_aggregate) GETSTRUCT(tup))->aggtransfn == fcinfo->flinfo->fn_oid)
				name = get_func_name(ag->aggfnoid);
			ReleaseSysCache(tup);
		}
	}
	return MemoryContextStrdup(cxt, name != NULL ? name : fallback);
}

/*
 * The call site's cache for handoff_summary (with_owner) or stage_stays,
 * with a calendar as the last argument or not, built on the first call: in
 * fn_extra, or for a call without a call expression (Citus) in the
 * callerless table.
 */
static HSCache *
GetCache(FunctionCallInfo fcinfo, bool with_owner, bool with_calendar)
{
	MemoryContext cxt;
	HSCache    *c = CallSiteCache(fcinfo, &cxt);

	if (likely(c != NULL))
		return c;
	c = MemoryContextAllocZero(cxt, sizeof(HSCache));
	for (int i = 0; i < HS_MEMO_SLOTS; i++)
		c->memo[i].len = -1;
	HasherInit(&c->lead, fcinfo, 1, "lead key", cxt);
	c->with_calendar = with_calendar;
	c->fname = CallAggName(fcinfo, with_owner ? "handoff_summary" : "stage_stays", cxt);
	c->sla_what = MemoryContextStrdup(cxt, psprintf("%s sla", c->fname));
	c->at_what = MemoryContextStrdup(cxt, psprintf("%s() at", c->fname));
	c->calendar_const = with_calendar && ConstAggArg(fcinfo, PG_NARGS() - 2) != NULL;
	if (with_owner)
	{
		HasherInit(&c->owner, fcinfo, 3, "owner", cxt);
		get_typlenbyval(c->owner.type, &c->owner_len, &c->owner_byval);
		NoteConstArgs(c, fcinfo, PG_NARGS() - (with_calendar ? 1 : 0) > 5);
	}
	else
		StageMapInitType(&c->stages, CallArgType(fcinfo, 3), cxt, false);
	CallSiteCacheKeep(fcinfo, c);
	return c;
}

/*
 * Checks the calendar argument (the call's last) of a row against the one
 * state st measures in, which it becomes if st has none yet: it must not be
 * NULL, and must be the same for every row of a group.  A constant
 * calendar is checked once per state.
 */
static void
NoteCalendar(HSCache *c, FunctionCallInfo fcinfo, HSState *st, const char *fname)
{
	int			argno = PG_NARGS() - 1;
	struct varlena *cal;

	if (c->calendar_const && c->calendar_state == st->id)
		return;
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s calendar must not be NULL", fname),
				 errhint("Pass a work_calendar (for wall-clock time 'mon-sun 00:00-24:00; tz UTC'), "
						 "or leave the argument out.")));
	cal = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	if (st->calendar == NULL)
		st->calendar = CalendarCopy(GetMemoryChunkContext(st), cal);
	else if (!CalendarSame(st->calendar, cal))
		MixedCalendars(fname);
	c->calendar_state = st->id;
}

/*
 * Keeps one row (lead, at, owner, sla [, into] [, calendar]) of the call in
 * st, a new state in cxt when st is NULL; returns the state.  The
 * transition of both handoff_summary state types.
 */
static HSState *
HandoffStep(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt, bool with_calendar)
{
	HSCache    *c = GetCache(fcinfo, true, with_calendar);
	int64		sla_us;
	bool		has_into = PG_NARGS() - (with_calendar ? 1 : 0) > 5;
	uint64		owner;

	if (c->sla_const)
		sla_us = c->sla_us;
	else if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s sla must not be NULL", c->fname)));
	else
		sla_us = SlaMicroseconds(PG_GETARG_INTERVAL_P(4), c->sla_what);

	/* in working time to_owner is always passed: NULL counts every owner */
	if (has_into && with_calendar && !c->into_const && PG_ARGISNULL(5))
		has_into = false;
	if (st == NULL)
	{
		st = NewState(cxt, sla_us, has_into);
		st->owner_type = c->owner.type;
		st->owner_collation = c->owner.collation;
	}
	else
	{
		if (st->sla_us != sla_us || st->has_into != has_into)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s sla and to_owner must be the same for every row of a group", c->fname)));
	}
	if (has_into)
	{
		int32		into;

		if (!c->into_const && PG_ARGISNULL(5))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s to_owner must not be NULL", c->fname),
					 errhint("Leave the argument out to count handoffs to every owner.")));
		into = c->into_const ? ConstIntoNumber(c, st) : OwnerNumber(c, st, PG_GETARG_DATUM(5));
		if (st->into < 0)
			st->into = into;
		else if (st->into != into)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s sla and to_owner must be the same for every row of a group", c->fname)));
	}
	if (with_calendar)
		NoteCalendar(c, fcinfo, st, c->fname);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return st;
	(void) CheckTime(PG_GETARG_TIMESTAMPTZ(2), c->at_what);
	/* a NULL owner is kept: it takes part in time order but never in a handoff */
	owner = PG_ARGISNULL(3) ? 0 : (uint64) OwnerNumber(c, st, PG_GETARG_DATUM(3)) + 1;
	AddEvent(st, KeyHash(&c->lead, PG_GETARG_DATUM(1)), PG_GETARG_TIMESTAMPTZ(2), owner);
	return st;
}

/* HandoffStep of handoff_summary(lead, at, owner, sla [, into]). */
HSState *
HandoffAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt)
{
	return HandoffStep(fcinfo, st, cxt, false);
}

/* HandoffStep of handoff_summary(lead, at, owner, sla [, into], calendar). */
HSState *
HandoffCalendarAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt)
{
	return HandoffStep(fcinfo, st, cxt, true);
}

/* The transition of an internal-state aggregate fname: advance(fcinfo, state, aggcxt). */
static Datum
InternalTransition(FunctionCallInfo fcinfo, const char *fname,
				   HSState *(*advance) (FunctionCallInfo, HSState *, MemoryContext))
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, fname);

	PG_RETURN_POINTER(advance(fcinfo, PG_ARGISNULL(0) ? NULL
							  : (HSState *) PG_GETARG_POINTER(0), aggcxt));
}

PG_FUNCTION_INFO_V1(handoff_summary_trans);
/* Transition of handoff_summary with an internal state: keeps one row. */
Datum
handoff_summary_trans(PG_FUNCTION_ARGS)
{
	return InternalTransition(fcinfo, "handoff_summary", HandoffAdvance);
}

PG_FUNCTION_INFO_V1(handoff_summary_calendar_trans);
/* Transition of handoff_summary with a calendar, internal state: keeps one row. */
Datum
handoff_summary_calendar_trans(PG_FUNCTION_ARGS)
{
	return InternalTransition(fcinfo, "handoff_summary", HandoffCalendarAdvance);
}

/* Where combine appends another state's rows, and its owner numbers there (NULL: as they are). */
typedef struct AppendTarget
{
	HSState    *st;
	const int32 *owner_map;
} AppendTarget;

/* ForEachEvent callback: appends the row to the AppendTarget arg, its owner renumbered. */
static void
AppendTo(const HSEvent *e, void *arg)
{
	AppendTarget *t = (AppendTarget *) arg;
	uint64		owner = e->owner;

	if (t->owner_map != NULL && owner != 0 && !(owner & HS_STAGE_ROW))
		owner = (uint64) t->owner_map[owner - 1] + 1;
	AddEvent(t->st, e->lead, e->at, owner);
}

/* ForEachEvent callback: writes the row to the StringInfo arg. */
static void
SendEvent(const HSEvent *e, void *arg)
{
	StringInfo	buf = (StringInfo) arg;

	pq_sendint64(buf, (int64) e->lead);
	pq_sendint64(buf, e->at);
	pq_sendint64(buf, (int64) e->owner);
}

/*
 * Appends b's rows to a (row order does not matter) and returns a.  b's
 * owners are found or copied among a's by value, and b's rows carry their
 * numbers in a.  b is not changed.
 */
HSState *
HSCombine(HSState *a, const HSState *b)
{
	AppendTarget target;
	int32	   *map = NULL;

	if (a->owner_type != b->owner_type || a->owner_collation != b->owner_collation)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid handoff_summary state: owners of different types")));
	if (a->stage_enum != b->stage_enum || a->stage_rows != b->stage_rows)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid stage_stays state: stages of different ladders")));
	if (!CalendarSame(a->calendar, b->calendar))
		MixedCalendars(OidIsValid(a->owner_type) ? "handoff_summary" : "stage_stays");
	if (b->nowners > 0)
	{
		int16		typlen;
		bool		typbyval;

		get_typlenbyval(b->owner_type, &typlen, &typbyval);
		map = palloc_extended(b->nowners * sizeof(int32), MCXT_ALLOC_HUGE);
		for (int32 o = 0; o < b->nowners; o++)
			map[o] = NoteOwner(a, b->owners[o].hash, b->owners[o].value, typlen, typbyval);
	}
	/* a new state made like b learns b's into */
	if (a->has_into && a->into < 0 && b->has_into && b->into >= 0)
		a->into = map[b->into];
	if (a->sla_us != b->sla_us || a->has_into != b->has_into ||
		(a->has_into && b->into >= 0 && a->into != map[b->into]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("handoff_summary sla and to_owner must be the same for every row of a group")));
	target.st = a;
	target.owner_map = map;
	ForEachEvent(b, AppendTo, &target);
	if (map != NULL)
		pfree(map);
	return a;
}

/* A new state in cxt with b's arguments and owner type, and no rows. */
HSState *
HSNewLike(const HSState *b, MemoryContext cxt)
{
	HSState    *st = NewState(cxt, b->sla_us, b->has_into);

	st->owner_type = b->owner_type;
	st->owner_collation = b->owner_collation;
	st->stage_enum = b->stage_enum;
	st->stage_codes = b->stage_codes;
	st->stage_rows = b->stage_rows;
	if (b->calendar != NULL)
		st->calendar = CalendarCopy(cxt, b->calendar);
	return st;
}

PG_FUNCTION_INFO_V1(handoff_summary_combine);
/* Combine of the internal-state aggregates: concatenates two partial states. */
Datum
handoff_summary_combine(PG_FUNCTION_ARGS)
{
	Datum		result;

	if (AlignCombineNull(fcinfo, "handoff_summary", &result))
		return result;
	PG_RETURN_POINTER(HSCombine((HSState *) PG_GETARG_POINTER(0),
								(HSState *) PG_GETARG_POINTER(1)));
}

static void SendText(StringInfo buf, const char *str);
static void SendRowsPacked(const HSState *st, StringInfo buf);
static void SortRows(HSEvent *ev, HSEvent *tmp, int64 n, int passes);
static int	PinTextSettings(void);
static char *QualifiedCollationName(Oid collation);
static void SendStageLadder(const HSState *st, StringInfo buf);
static void SendCalendar(StringInfo buf, const struct varlena *calendar);

/*
 * Appends st's serialized form to buf: version, arguments (the calendar
 * since version 6), owner type and
 * collation, stage_stays' enum ladder, owners, rows.  Portable: the server encoding, the type and
 * collation by schema-qualified name and the owners as text written under
 * pinned settings (PinTextSettings), no OID, so that a state reads back on
 * another server (a Citus coordinator) where the owner type has another
 * OID, and in any session; else OIDs and raw bytes, for a process of the
 * same server.
 */
void
HSSerializeTo(const HSState *st, StringInfo buf, bool portable)
{
	pq_sendbyte(buf, HS_SERIAL_VERSION);
	pq_sendbyte(buf, portable ? 'p' : 'r');
	pq_sendint64(buf, st->sla_us);
	pq_sendbyte(buf, st->has_into ? 1 : 0);
	pq_sendint32(buf, st->into);
	SendCalendar(buf, st->calendar);
	if (portable)
	{
		SendText(buf, pg_encoding_to_char(GetDatabaseEncoding()));
		SendText(buf, OidIsValid(st->owner_type)
				 ? format_type_extended(st->owner_type, -1, FORMAT_TYPE_FORCE_QUALIFY) : "");
		SendText(buf, OidIsValid(st->owner_collation)
				 ? QualifiedCollationName(st->owner_collation) : "");
		SendStageLadder(st, buf);
	}
	else
	{
		pq_sendint32(buf, st->owner_type);
		pq_sendint32(buf, st->owner_collation);
		pq_sendint32(buf, st->stage_enum);
	}
	pq_sendint32(buf, st->nowners);
	if (st->nowners > 0 && portable)
	{
		Oid			typoutput;
		bool		typisvarlena;
		int			level = PinTextSettings();

		getTypeOutputInfo(st->owner_type, &typoutput, &typisvarlena);
		for (int32 o = 0; o < st->nowners; o++)
			SendText(buf, OidOutputFunctionCall(typoutput, st->owners[o].value));
		AtEOXact_GUC(true, level);
	}
	else if (st->nowners > 0)
	{
		int16		typlen;
		bool		typbyval;

		get_typlenbyval(st->owner_type, &typlen, &typbyval);
		for (int32 o = 0; o < st->nowners; o++)
		{
			Datum		v = st->owners[o].value;

			pq_sendint64(buf, (int64) st->owners[o].hash);
			if (typbyval)
				pq_sendint64(buf, (int64) v);
			else
			{
				int32		len = typlen > 0 ? typlen
					: typlen == -1 ? (int32) VARSIZE_ANY(DatumGetPointer(v))
					: (int32) strlen(DatumGetCString(v)) + 1;

				pq_sendint32(buf, len);
				pq_sendbytes(buf, DatumGetPointer(v), len);
			}
		}
	}
	pq_sendint64(buf, st->nevents + st->spilled);
	if (portable)
		SendRowsPacked(st, buf);
	else
		ForEachEvent(st, SendEvent, buf);
}

/* Raises the error for a serialized state that fails its checks. */
static void
CorruptState(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid handoff_summary state: %s", what)));
}

/* ForEachEvent callback: copies the row to the array arg (advancing it). */
static void
CopyRow(const HSEvent *e, void *arg)
{
	HSEvent   **next = (HSEvent **) arg;

	*(*next)++ = *e;
}

/* Appends v as an unsigned LEB128 varint. */
static void
SendVarint(StringInfo buf, uint64 v)
{
	char		bytes[10];
	int			n = 0;

	do
	{
		bytes[n++] = (char) ((v & 0x7F) | (v >= 0x80 ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	pq_sendbytes(buf, bytes, n);
}

/* Reads an unsigned LEB128 varint (at most 10 bytes, no bits past 64). */
static uint64
GetVarint(StringInfo msg)
{
	uint64		v = 0;

	for (int shift = 0; shift < 64; shift += 7)
	{
		uint8		b = (uint8) pq_getmsgbyte(msg);

		if (shift == 63 && (b & 0x7E) != 0)
			break;
		v |= (uint64) (b & 0x7F) << shift;
		if ((b & 0x80) == 0)
			return v;
	}
	CorruptState("bad varint");
	return 0;					/* keep the compiler quiet */
}

/*
 * The portable form's rows: sorted by lead, time and owner, each as a
 * varint of (owner number << 1 | a new lead), then for a new lead its 8-byte
 * hash and its time (zigzag varint), else the time since the lead's previous
 * row (varint).  About 10 bytes a row instead of 24: what a Citus shard
 * ships to the coordinator, in base64.
 */
static void
SendRowsPacked(const HSState *st, StringInfo buf)
{
	int64		n = st->nevents + st->spilled;
	void	   *a_alloc,
			   *t_alloc;
	HSEvent    *a,
			   *t,
			   *next;

	if (n == 0)
		return;
	a = AllocLarge(CurrentMemoryContext, n * sizeof(HSEvent), &a_alloc);
	t = AllocLarge(CurrentMemoryContext, n * sizeof(HSEvent), &t_alloc);
	next = a;
	ForEachEvent(st, CopyRow, &next);
	SortRows(a, t, n, 3);
	pfree(t_alloc);
	for (int64 i = 0; i < n; i++)
	{
		bool		new_lead = i == 0 || a[i].lead != a[i - 1].lead;

		SendVarint(buf, (a[i].owner << 1) | (new_lead ? 1 : 0));
		if (new_lead)
		{
			pq_sendint64(buf, (int64) a[i].lead);
			SendVarint(buf, ((uint64) a[i].at << 1) ^ (uint64) (a[i].at >> 63));
		}
		else
			SendVarint(buf, (uint64) (a[i].at - a[i - 1].at));
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(a_alloc);
}

/*
 * Adds a row read from a serialized state, after checking it: its owner is
 * one of the state's nowners (stage_stays: a stage code), its time finite.
 */
static void
AddCheckedRow(HSState *st, uint64 lead, TimestampTz at, uint64 owner, int32 nowners)
{
	if (st->stage_rows && (owner & HS_STAGE_ROW))
	{
		uint64		code = owner & ~HS_STAGE_ROW;

		if (code < 1 || code > (uint64) st->stage_codes)
			CorruptState("row of an unknown stage");
	}
	else if (OidIsValid(st->owner_type) ? owner > (uint64) nowners
			 : (owner < 1 || owner > (uint64) st->stage_codes))
		CorruptState("row of an unknown owner");
	if (TIMESTAMP_NOT_FINITE(at))
		CorruptState("row of an infinite time");
	AddEvent(st, lead, at, owner);
}

/* Reads n rows SendRowsPacked wrote into st, checking every field. */
static void
ReadRowsPacked(HSState *st, StringInfo msg, int64 n, int32 nowners)
{
	uint64		lead = 0;
	TimestampTz at = 0;

	/* a row takes two bytes at least */
	if (n < 0 || n > (msg->len - msg->cursor) / 2)
		CorruptState("bad row count");
	for (int64 i = 0; i < n; i++)
	{
		uint64		header = GetVarint(msg);
		uint64		owner = header >> 1;

		if (header & 1)
		{
			uint64		zz;

			lead = (uint64) pq_getmsgint64(msg);
			zz = GetVarint(msg);
			at = (TimestampTz) ((zz >> 1) ^ (0 - (zz & 1)));
		}
		else
		{
			uint64		delta;

			if (i == 0)
				CorruptState("a first row without its lead");
			delta = GetVarint(msg);
			if (delta > (uint64) PG_INT64_MAX || pg_add_s64_overflow(at, (int64) delta, &at))
				CorruptState("bad row time");
		}
		AddCheckedRow(st, lead, at, owner, nowners);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * The portable form's strings: length and bytes in the server encoding,
 * never converted to the client's (pq_sendstring would), so that a state is
 * the same whatever the session's client_encoding; the form records the
 * encoding, and a reader whose server has another one converts.
 */
static void
SendText(StringInfo buf, const char *str)
{
	int			len = strlen(str);

	pq_sendint32(buf, len);
	pq_sendbytes(buf, str, len);
}

/* Reads a SendText string, in the given encoding, as a string in the server's. */
static char *
GetText(StringInfo msg, int encoding)
{
	int			len = pq_getmsgint(msg, 4);
	char	   *copy;

	if (len < 0 || len > msg->len - msg->cursor)
		CorruptState("bad string length");
	copy = palloc(len + 1);
	memcpy(copy, pq_getmsgbytes(msg, len), len);
	copy[len] = '\0';
	if (memchr(copy, '\0', len) != NULL)
		CorruptState("a string with a zero byte");
	/* checks the bytes, and converts them when the encodings differ */
	return pg_any_to_server(copy, len, encoding);
}

/*
 * Pins the settings that change types' text output and input (DateStyle,
 * IntervalStyle, extra_float_digits, TimeZone, lc_monetary), as pg_dump
 * does, until AtEOXact_GUC(true, the level returned): owners written as
 * text under one session's settings read back under any other's.
 */
static int
PinTextSettings(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("datestyle", "ISO, YMD", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("intervalstyle", "postgres", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("extra_float_digits", "3", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("timezone", "UTC", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("lc_monetary", "C", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/* A collation's schema-qualified name, whatever the search_path. */
static char *
QualifiedCollationName(Oid collation)
{
	HeapTuple	tup = SearchSysCache1(COLLOID, ObjectIdGetDatum(collation));
	Form_pg_collation form;
	char	   *name;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for collation %u", collation);
	form = (Form_pg_collation) GETSTRUCT(tup);
	name = quote_qualified_identifier(get_namespace_name(form->collnamespace),
									  NameStr(form->collname));
	ReleaseSysCache(tup);
	return name;
}

/*
 * stage_stays' enum ladder in the portable form: its schema-qualified name
 * ("" for lead_stage), then its number of values and their labels in sort
 * order, so that a state read on another server (a Citus coordinator) is
 * read with the same ladder or not at all.
 */
static void
SendStageLadder(const HSState *st, StringInfo buf)
{
	StageMap	map;

	if (!OidIsValid(st->stage_enum))
	{
		SendText(buf, "");
		return;
	}
	StageMapInitEnum(&map, st->stage_enum, CurrentMemoryContext, false);
	SendText(buf, map.ladder.type_name);
	pq_sendint32(buf, map.nstages);
	for (int i = 0; i < map.nstages; i++)
		SendText(buf, map.ladder.labels[i]);
}

/*
 * A state's calendar: -1 for none, else the length and bytes of its binary
 * form (work_calendar_send's: portable, and read back checked).
 */
static void
SendCalendar(StringInfo buf, const struct varlena *calendar)
{
	bytea	   *binary;

	if (calendar == NULL)
	{
		pq_sendint32(buf, -1);
		return;
	}
	binary = CalendarToBinary(calendar);
	pq_sendint32(buf, VARSIZE_ANY_EXHDR(binary));
	pq_sendbytes(buf, VARDATA_ANY(binary), VARSIZE_ANY_EXHDR(binary));
}

/*
 * Reads SendCalendar's calendar, in cxt (NULL: none), as work_calendar_recv
 * checks binary input, and expands it once: its zone must be known here.
 */
static struct varlena *
GetCalendar(StringInfo msg, MemoryContext cxt)
{
	int32		len = pq_getmsgint(msg, 4);

	if (len == -1)
		return NULL;
	if (len <= 0 || len > msg->len - msg->cursor)
		CorruptState("bad calendar length");
	return CalendarCopy(cxt, CalendarFromBinary(pq_getmsgbytes(msg, len), len));
}

/*
 * Sets a state's stage ladder: lead_stage (InvalidOid), or an enum of 1 to
 * 64 values, whose map is set up in *map.
 */
static void
SetStageEnum(HSState *st, Oid type, StageMap *map)
{
	if (!OidIsValid(type))
		return;
	if (!type_is_enum(type))
		CorruptState("stages of a type that is not an enum");
	StageMapInitEnum(map, type, CurrentMemoryContext, false);
	st->stage_enum = type;
	st->stage_codes = map->nstages;
}

/*
 * Reads SendStageLadder's ladder into st: the enum of that name here, which
 * must have the same labels in the same order (a state's stage codes are
 * positions in that order).
 */
static void
GetStageLadder(HSState *st, StringInfo msg, int encoding)
{
	const char *name = GetText(msg, encoding);
	StageMap	map;
	Oid			type;
	int32		typmod;
	int32		n;

	if (name[0] == '\0')
		return;
	type = TypeOidFromString(name, &typmod, false);
	if (!OidIsValid(type))
		CorruptState("no stage type");
	SetStageEnum(st, type, &map);
	n = pq_getmsgint(msg, 4);
	if (n != map.nstages)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a stage_stays state over enum %s with other values than the enum here", name),
				 errdetail("The state has %d values, the enum here %d.", n, map.nstages),
				 errhint("Give the enum the same values, in the same order, on every server.")));
	for (int i = 0; i < n; i++)
	{
		const char *label = GetText(msg, encoding);

		if (strcmp(label, map.ladder.labels[i]) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("a stage_stays state over enum %s with other values than the enum here", name),
					 errdetail("The state's value %d is \"%s\", the enum's here \"%s\".",
							   i + 1, label, map.ladder.labels[i]),
					 errhint("Give the enum the same values, in the same order, on every server.")));
	}
}

/*
 * Reads a state HSSerializeTo wrote into a new state in cxt: checks the
 * counts before trusting them, reads portable owners with the type's input
 * function (hashing them again), and checks that every row's owner is one
 * of the state's (stage_stays: no owners, no owner type, stage codes).  Raw
 * owners are read only when allow_raw: never from hostile input.
 */
static HSState *
DeserializeState(StringInfo msg, MemoryContext cxt, bool allow_raw, bool stage_rows)
{
	HSState    *st;
	int64		sla_us;
	bool		has_into;
	bool		portable;
	int64		n;
	int32		nowners;
	int16		typlen = 0;
	bool		typbyval = false;
	int			encoding = GetDatabaseEncoding();
	StageMap	stage_map;
	int			version = pq_getmsgbyte(msg);

	if (version != HS_SERIAL_VERSION && version != HS_SERIAL_VERSION_NO_CALENDAR)
		CorruptState("unsupported version");
	switch (pq_getmsgbyte(msg))
	{
		case 'p':
			portable = true;
			break;
		case 'r':
			if (!allow_raw)
				CorruptState("owners as raw bytes");
			portable = false;
			break;
		default:
			CorruptState("unknown owner encoding");
			portable = false;	/* keep the compiler quiet */
	}
	sla_us = pq_getmsgint64(msg);
	has_into = pq_getmsgbyte(msg) != 0;
	if (sla_us < 0)
		CorruptState("negative sla");
	st = NewState(cxt, sla_us, has_into);
	st->stage_rows = stage_rows;
	st->into = pq_getmsgint(msg, 4);
	if (version == HS_SERIAL_VERSION)
		st->calendar = GetCalendar(msg, cxt);
	if (portable)
	{
		const char *encoding_name = GetText(msg, GetDatabaseEncoding());
		const char *type_name;
		const char *coll_name;

		encoding = pg_char_to_encoding(encoding_name);
		if (encoding < 0)
			CorruptState("unknown encoding");
		type_name = GetText(msg, encoding);
		coll_name = GetText(msg, encoding);

		if (type_name[0] != '\0')
		{
			int32		typmod;

			st->owner_type = TypeOidFromString(type_name, &typmod, false);
		}
		if (coll_name[0] != '\0')
			st->owner_collation = get_collation_oid(QualifiedNameList(coll_name), false);
		GetStageLadder(st, msg, encoding);
	}
	else
	{
		st->owner_type = (Oid) pq_getmsgint(msg, 4);
		st->owner_collation = (Oid) pq_getmsgint(msg, 4);
		SetStageEnum(st, (Oid) pq_getmsgint(msg, 4), &stage_map);
	}
	if (OidIsValid(st->owner_type) && OidIsValid(st->stage_enum))
		CorruptState("owners and stages");
	if (OidIsValid(st->owner_type) && type_is_collatable(st->owner_type) &&
		!OidIsValid(st->owner_collation))
		CorruptState("owners of a collatable type without a collation");
	nowners = pq_getmsgint(msg, 4);
	if (nowners < 0 || nowners > HS_MAX_OWNERS || (nowners > 0 && !OidIsValid(st->owner_type)) ||
		(has_into && (st->into < 0 || st->into >= nowners)) || (!has_into && st->into != -1))
		CorruptState("bad owners");
	if (nowners > 0)
		get_typlenbyval(st->owner_type, &typlen, &typbyval);
	if (nowners > 0 && portable)
	{
		KeyHasher	hasher;
		Oid			typinput;
		Oid			typioparam;

		int			level;

		KeyHasherInitType(&hasher, st->owner_type, st->owner_collation, CurrentMemoryContext,
						  "owner", "", "Use a hashable owner type: bigint, text, uuid, ...");
		getTypeInputInfo(st->owner_type, &typinput, &typioparam);
		level = PinTextSettings();
		for (int32 o = 0; o < nowners; o++)
		{
			Datum		v = OidInputFunctionCall(typinput, GetText(msg, encoding), typioparam, -1);
			uint64		hash = KeyHash(&hasher, v);

			if (FindOwner(st, hash, v) >= 0)
				CorruptState("repeated owner");
			(void) NoteOwner(st, hash, v, typlen, typbyval);	/* copies it into cxt */
			if ((o & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		AtEOXact_GUC(true, level);
	}
	else
		for (int32 o = 0; o < nowners; o++)
		{
			uint64		hash = (uint64) pq_getmsgint64(msg);
			Datum		v;

			if (typbyval)
				v = (Datum) pq_getmsgint64(msg);
			else
			{
				int32		len = pq_getmsgint(msg, 4);
				const char *bytes;
				char	   *copy;

				if (len <= 0 || (typlen > 0 && len != typlen))
					CorruptState("bad owner length");
				bytes = pq_getmsgbytes(msg, len);
				if ((typlen == -1 &&
					 ((!VARATT_IS_1B(bytes) && len < VARHDRSZ) ||
					  VARATT_IS_EXTERNAL(bytes) || VARATT_IS_COMPRESSED(bytes) ||
					  VARSIZE_ANY(bytes) != (Size) len)) ||
					(typlen == -2 && bytes[len - 1] != '\0'))
					CorruptState("bad owner value");
				copy = MemoryContextAlloc(cxt, len);
				memcpy(copy, bytes, len);
				v = PointerGetDatum(copy);
			}
			if (FindOwner(st, hash, v) >= 0)
				CorruptState("repeated owner");
			(void) AddOwner(st, hash, v);
			if ((o & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	n = pq_getmsgint64(msg);
	if (portable)
	{
		ReadRowsPacked(st, msg, n, nowners);
		pq_getmsgend(msg);
		return st;
	}
	if (n < 0 || n > (msg->len - msg->cursor) / 24)
		CorruptState("bad row count");
	for (int64 i = 0; i < n; i++)
	{
		uint64		lead = (uint64) pq_getmsgint64(msg);
		TimestampTz at = pq_getmsgint64(msg);
		uint64		owner = (uint64) pq_getmsgint64(msg);

		AddCheckedRow(st, lead, at, owner, nowners);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(msg);
	return st;
}

PG_FUNCTION_INFO_V1(handoff_summary_serialize);
/*
 * Serialize of the internal-state aggregates: HSSerializeTo as bytea, the
 * owners as raw bytes (a parallel worker's state goes to its leader, on the
 * same server, and any owner type, also an anonymous record, survives).
 */
Datum
handoff_summary_serialize(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	HSSerializeTo((HSState *) PG_GETARG_POINTER(0), &buf, false);
	CheckPartialStateSize("handoff_summary", buf.len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(handoff_summary_deserialize);
/* Deserialize of the internal-state aggregates: HSDeserializeFrom into aggcxt. */
Datum
handoff_summary_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt = AlignAggContext(fcinfo, "handoff_summary");
	StringInfoData msg;

	InitStateMessage(&msg, data);
	PG_RETURN_POINTER(HSDeserializeFrom(&msg, aggcxt, true));
}

RADIX_PASS_DEFINE(RadixPass, HSEvent, lead)

/* qsort: rows by lead, then time, then owner. */
static int
CompareRows(const void *a, const void *b)
{
	const HSEvent *x = a;
	const HSEvent *y = b;

	if (x->lead != y->lead)
		return x->lead < y->lead ? -1 : 1;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->owner > y->owner) - (x->owner < y->owner);
}

/*
 * Sorts a run of rows that share the upper 32 bits of their lead hash: lead,
 * at, owner.  Runs are one lead's rows, usually a handful: insertion sort;
 * a long run (one lead with very many rows) goes to qsort.
 */
static void
SortRun(HSEvent *ev, int64 n)
{
	if (n > 32)
	{
		qsort(ev, n, sizeof(HSEvent), CompareRows);
		return;
	}
	for (int64 i = 1; i < n; i++)
	{
		HSEvent		x = ev[i];
		int64		j = i;

		while (j > 0 &&
			   (ev[j - 1].lead > x.lead ||
				(ev[j - 1].lead == x.lead &&
				 (ev[j - 1].at > x.at || (ev[j - 1].at == x.at && ev[j - 1].owner > x.owner)))))
		{
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = x;
	}
}

/*
 * Sorts rows by lead, then time, then owner: radix passes on the lead hash
 * from bit 32 up to bit 32 + 11 * passes, through tmp (as large), then a
 * small sort of each run of rows that share the upper 32 bits.  The sorted
 * rows end in ev.
 */
static void
SortRows(HSEvent *ev, HSEvent *tmp, int64 n, int passes)
{
	HSEvent    *src = ev;
	HSEvent    *dst = tmp;
	int64		start = 0;

	for (int p = 0; p < passes; p++)
	{
		HSEvent    *t;

		RadixPass(src, dst, n, 32 + p * RADIX_BITS);
		t = src;
		src = dst;
		dst = t;
	}
	if (src != ev)
		memcpy(ev, src, n * sizeof(HSEvent));
	while (start < n)
	{
		int64		end = start + 1;

		while (end < n && (ev[end].lead >> 32) == (ev[start].lead >> 32))
			end++;
		SortRun(ev + start, end - start);
		start = end;
	}
}

/* Copies rows into dst, replacing owner numbers by owner ranks when the state has owners. */
static void
GatherRows(const HSState *st, HSEvent *dst, const HSEvent *src, int64 n)
{
	if (dst != src)
		memcpy(dst, src, n * sizeof(HSEvent));
	if (st->nowners > 0)
		for (int64 i = 0; i < n; i++)
			if (dst[i].owner != 0 && !(dst[i].owner & HS_STAGE_ROW))
				dst[i].owner = st->owners[dst[i].owner - 1].rank;
}

/*
 * Calls walk on the n rows of a spill file (a partition, or part of one, at
 * depth: its rows share the top 5 x depth bits of the lead hash), sorted as
 * WalkLeads does: in memory when they fit half the budget (with the sort's
 * second array), else split again by the next 5 bits into new temporary
 * files, each taken in turn.  Past 60 bits the rows are one lead's (or
 * leads whose hashes share 60 bits): taken in memory whatever their size.
 * The file is read from its start and left at its end.
 */
static void
WalkPart(HSState *st, BufFile *file, int64 n, int depth,
		 void (*walk) (const HSEvent *ev, int64 n, void *arg), void *arg)
{
	if (n == 0)
		return;
	if ((Size) n * sizeof(HSEvent) * 2 <= st->budget / 2 || depth >= 12)
	{
		void	   *a_alloc,
				   *t_alloc;
		HSEvent    *a = AllocLarge(CurrentMemoryContext, n * sizeof(HSEvent), &a_alloc);
		HSEvent    *t = AllocLarge(CurrentMemoryContext, n * sizeof(HSEvent), &t_alloc);

		SpillRewind(file);
		SpillRead(file, a, n * sizeof(HSEvent));
		GatherRows(st, a, a, n);
		SortRows(a, t, n, 3);
		walk(a, n, arg);
		pfree(a_alloc);
		pfree(t_alloc);
	}
	else
	{
		BufFile    *sub[SPILL_PARTS];
		int64		sub_rows[SPILL_PARTS];

		/* a row's lead hash comes first */
		SpillSplit(file, n, sizeof(HSEvent), 64 - SPILL_BITS * (depth + 1), sub, sub_rows);
		for (int p = 0; p < SPILL_PARTS; p++)
		{
			WalkPart(st, sub[p], sub_rows[p], depth + 1, walk, arg);
			BufFileClose(sub[p]);
		}
	}
}

/*
 * Calls walk on the state's rows sorted by lead, then time, then owner (in
 * value order when owners are known: the caller runs RankOwners first), in
 * segments that never split a lead: all rows of a small state, one bucket
 * at a time of a large one.  The state is not changed (a window aggregate
 * calls its final function more than once).
 */
static void
WalkLeads(HSState *st, void (*walk) (const HSEvent *ev, int64 n, void *arg), void *arg)
{
	int64		largest = 0;
	void	   *a_alloc,
			   *t_alloc;
	HSEvent    *a,
			   *t;

	if (st->parts != NULL)
	{
		/* spilled: every row to the files, then one partition at a time */
		SpillRows(st);
		for (int p = 0; p < SPILL_PARTS; p++)
			WalkPart(st, st->parts->files[p], st->parts->rows[p], 1, walk, arg);
		return;
	}
	if (st->nevents == 0)
		return;
	if (st->buckets == NULL)
		largest = st->nevents;
	else
		for (int b = 0; b < HS_BUCKETS; b++)
		{
			int64		n = 0;

			for (const HSChunk *c = st->buckets[b]; c != NULL; c = c->prev)
				n += ChunkRows(st, b, c);
			largest = Max(largest, n);
		}
	a = AllocLarge(CurrentMemoryContext, largest * sizeof(HSEvent), &a_alloc);
	t = AllocLarge(CurrentMemoryContext, largest * sizeof(HSEvent), &t_alloc);
	if (st->buckets == NULL)
	{
		GatherRows(st, a, st->events, st->nevents);
		SortRows(a, t, st->nevents, 3);
		walk(a, st->nevents, arg);
	}
	else
		for (int b = 0; b < HS_BUCKETS; b++)
		{
			int64		n = 0;

			for (const HSChunk *c = st->buckets[b]; c != NULL; c = c->prev)
			{
				GatherRows(st, a + n, c->ev, ChunkRows(st, b, c));
				n += ChunkRows(st, b, c);
			}
			/* a bucket fixes the top 11 bits: sort on the 21 below them */
			SortRows(a, t, n, 2);
			walk(a, n, arg);
			CHECK_FOR_INTERRUPTS();
		}
	pfree(a_alloc);
	pfree(t_alloc);
}

/*
 * The quantiles handoff_stats and stage_stay_stats return, for the median
 * and the p90 of a spool's durations, in the order the types declare them:
 * after the two percentile_disc intervals (columns of 0.1.0), the same in
 * hours, then the percentile_cont intervals, then those in hours.
 */
#define HS_QUANTILE_FORMS	8

/* A few order statistics of a spool already selected: rank -> value. */
typedef struct RankMemo
{
	int			n;
	int64		rank[6];
	int64		value[6];
} RankMemo;

/*
 * The k-th smallest of a spool's values (0-based), remembered in memo: the
 * quantiles share ranks (the median's percentile_cont often starts at its
 * percentile_disc), and a spilled spool's selection reads its file.
 */
static int64
SpoolRank(Spool *values, int64 k, RankMemo *memo)
{
	for (int i = 0; i < memo->n; i++)
		if (memo->rank[i] == k)
			return memo->value[i];
	Assert(memo->n < lengthof(memo->rank));
	memo->rank[memo->n] = k;
	memo->value[memo->n] = SpoolSelect(values, k);
	return memo->value[memo->n++];
}

/*
 * Fills out[] (HS_QUANTILE_FORMS values) with the median and p90 of a
 * spool's values (microseconds; at least one), exactly:
 *  - percentile_disc: the value of rank ceil(fraction x n) (1-based), as
 *    PostgreSQL's percentile_disc picks it;
 *  - percentile_cont: PostgreSQL's interpolation between the values of
 *    0-based ranks floor and ceil of fraction x (n - 1), lo + (hi - lo) x
 *    the fractional part; as an interval rounded to the microsecond, in
 *    hours interpolated between the two values in hours as float8
 *    percentile_cont does;
 *  - hours: MicrosecondsHours, no other rounding.
 * The selections are exact over spilled values too (SpoolSelect), within
 * the spool's memory budget.
 */
static void
SpoolQuantiles(Spool *values, Datum *out)
{
	static const double fractions[2] = {0.5, 0.9};
	int64		n = SpoolCount(values);
	RankMemo	memo = {0};

	Assert(n > 0);
	for (int q = 0; q < 2; q++)
	{
		double		fraction = fractions[q];
		int64		disc = SpoolRank(values, Max((int64) ceil(fraction * (double) n), 1) - 1, &memo);
		double		row = fraction * (double) (n - 1);
		int64		lo = SpoolRank(values, (int64) floor(row), &memo);
		int64		hi = SpoolRank(values, (int64) ceil(row), &memo);
		double		proportion = row - floor(row);
		double		lo_hours = MicrosecondsHours(lo);
		int64		cont = lo + (int64) rint((double) (hi - lo) * proportion);

		out[q] = IntervalPGetDatum(MicrosecondsInterval(disc));
		out[2 + q] = Float8GetDatum(MicrosecondsHours(disc));
		out[4 + q] = IntervalPGetDatum(MicrosecondsInterval(cont));
		out[6 + q] = Float8GetDatum(lo_hours + proportion * (MicrosecondsHours(hi) - lo_hours));
	}
}

/*
 * A tuple of the composite type tupdesc from values[known] (nulls
 * alike), filling as many attributes as the type has now: a database
 * updated to 0.2.0 has every column, one still at 0.1.0 (the new library
 * with the old catalog, before ALTER EXTENSION align UPDATE) only the
 * first four.  Any other shape is an error naming the type.
 */
static HeapTuple
FormStatsTuple(TupleDesc tupdesc, Datum *values, bool *nulls, int known)
{
	if (tupdesc->natts != known && tupdesc->natts != 4)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("type %s has %d attributes, not %d (0.2.0) or 4 (0.1.0)",
						format_type_be(tupdesc->tdtypeid), tupdesc->natts, known),
				 errhint("Run ALTER EXTENSION align UPDATE.")));
	return heap_form_tuple(tupdesc, values, nulls);
}

/*
 * What the finals of handoff_summary and handoff_histogram collect while
 * walking the leads: every gap goes to take (with acc), and is counted.
 */
typedef struct HandoffWalk
{
	const HSState *st;
	const Calendar *cal;		/* the state's calendar, expanded (NULL: none) */
	uint64		into;			/* with into: the rank of the owner to count handoffs to */
	const char *fname;			/* the aggregate, for errors */
	void		(*take) (void *acc, int64 gap);
	void	   *acc;			/* handoff_summary: a Spool; handoff_histogram: HandoffBins */
	int64		handoffs;
	int64		met;			/* gaps within the SLA */
} HandoffWalk;

/*
 * The duration from earlier to later (earlier <= later: rows in time
 * order): working time in cal, else wall-clock time.
 */
static inline int64
Duration(const Calendar *cal, TimestampTz earlier, TimestampTz later, const char *fname)
{
	if (cal != NULL)
		return CalendarWorkingTime(cal, earlier, later);
	return TimeDifference(earlier, later, fname);
}

/* The expanded calendar of st, in the current context (NULL: none). */
static const Calendar *
StateCalendar(const HSState *st)
{
	if (st == NULL || st->calendar == NULL)
		return NULL;
	return CalendarExpand(PointerGetDatum(st->calendar), CurrentMemoryContext);
}

/*
 * WalkLeads callback of the handoff finals: walks each lead's rows in time
 * order as handoff_gap and sla_breached do, handing each gap to w->take.
 */
static void
WalkHandoffs(const HSEvent *ev, int64 n, void *arg)
{
	HandoffWalk *w = (HandoffWalk *) arg;
	const HSState *st = w->st;
	uint64		owner = 0;		/* current owner's rank, 0 = none yet */
	TimestampTz last = 0;		/* current owner's last row */

	for (int64 i = 0; i < n; i++)
	{
		if (i > 0 && ev[i].lead != ev[i - 1].lead)
			owner = 0;			/* next lead */
		if (ev[i].owner == 0)
			continue;
		if (owner != 0 && ev[i].owner != owner &&
			(!st->has_into || ev[i].owner == w->into))
		{
			int64		gap = Duration(w->cal, last, ev[i].at, w->fname);

			w->take(w->acc, gap);
			w->handoffs++;
			w->met += (gap <= st->sla_us);
		}
		owner = ev[i].owner;
		last = ev[i].at;
	}
}

/*
 * Walks the gaps of st (NULL: no rows) into w, whose take and acc the
 * caller has set: every lead in time order (WalkHandoffs).
 */
static void
WalkGaps(HSState *st, HandoffWalk *w)
{
	w->st = st;
	w->cal = StateCalendar(st);
	if (st != NULL && !OidIsValid(st->owner_type))
		CorruptState(psprintf("a stage_stays state given to %s", w->fname));
	if (st == NULL || st->nevents + st->spilled == 0)
		return;
	RankOwners(st);
	w->into = st->has_into ? st->owners[st->into].rank : 0;
	WalkLeads(st, WalkHandoffs, w);
}

/* HandoffWalk take of handoff_summary: keeps the gap in the spool acc. */
static void
SpoolGap(void *acc, int64 gap)
{
	SpoolAdd((Spool *) acc, gap);
}

/*
 * The result of handoff_summary over st (NULL: no rows): groups rows by
 * lead, walks each lead in time order and returns (handoffs, median_gap,
 * p90_gap, sla_met, then the quantiles in their other forms: see
 * SpoolQuantiles).  Empty: 0 handoffs, every other column NULL.
 */
Datum
HandoffSummaryResult(FunctionCallInfo fcinfo, HSState *st)
{
	TupleDesc	tupdesc;
	Datum		values[4 + HS_QUANTILE_FORMS - 2];
	bool		nulls[lengthof(values)];
	HandoffWalk w = {.fname = "handoff_summary", .take = SpoolGap};
	int64		ngaps;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "handoff_summary must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	/* the gaps share the budget with the rows being walked */
	if (st != NULL && st->nevents + st->spilled > 0)
		w.acc = SpoolCreate(st->budget / 2);
	WalkGaps(st, &w);
	ngaps = w.handoffs;

	memset(nulls, ngaps == 0, sizeof(nulls));
	nulls[0] = false;
	values[0] = Int64GetDatum(ngaps);
	if (ngaps > 0)
	{
		Datum		q[HS_QUANTILE_FORMS];

		SpoolQuantiles((Spool *) w.acc, q);
		values[1] = q[0];
		values[2] = q[1];
		values[3] = Float8GetDatum((double) w.met / (double) ngaps);
		memcpy(values + 4, q + 2, (HS_QUANTILE_FORMS - 2) * sizeof(Datum));
	}
	if (w.acc != NULL)
		SpoolFree((Spool *) w.acc);
	PG_RETURN_DATUM(HeapTupleGetDatum(FormStatsTuple(tupdesc, values, nulls, lengthof(values))));
}

PG_FUNCTION_INFO_V1(handoff_summary_final);
/* Final of the internal-state handoff_summary: HandoffSummaryResult. */
Datum
handoff_summary_final(PG_FUNCTION_ARGS)
{
	return HandoffSummaryResult(fcinfo, PG_ARGISNULL(0) ? NULL : (HSState *) PG_GETARG_POINTER(0));
}

/* ---------- handoff_histogram: the gaps in fixed bins and the SLA ---------- */

/* The fixed upper edges of handoff_histogram's bins, ascending (the SLA joins them). */
static const int64 HandoffFixedEdges[] = {
	USECS_PER_MINUTE, 5 * USECS_PER_MINUTE, 15 * USECS_PER_MINUTE,
	30 * USECS_PER_MINUTE, USECS_PER_HOUR, 2 * USECS_PER_HOUR,
	4 * USECS_PER_HOUR, 8 * USECS_PER_HOUR, USECS_PER_DAY, 2 * USECS_PER_DAY,
	3 * USECS_PER_DAY, 7 * USECS_PER_DAY, 14 * USECS_PER_DAY, 30 * USECS_PER_DAY
};

#define HH_MAX_EDGES	(lengthof(HandoffFixedEdges) + 1)

/*
 * handoff_histogram's bins: the upper edges (the fixed ones and the SLA,
 * each once, ascending) and a count per bin, the last bin (above the last
 * edge) open.  Bin i holds the gaps above edge i - 1 (from 0 for the
 * first) and at most edge i.
 */
typedef struct HandoffBins
{
	int			nedges;
	int64		edges[HH_MAX_EDGES];
	int64		counts[HH_MAX_EDGES + 1];
} HandoffBins;

/* Sets up bins for an SLA of sla_us microseconds, every count zero. */
static void
HandoffBinsInit(HandoffBins *b, int64 sla_us)
{
	bool		sla_placed = false;

	memset(b, 0, sizeof(*b));
	for (int i = 0; i < (int) lengthof(HandoffFixedEdges); i++)
	{
		if (!sla_placed && sla_us <= HandoffFixedEdges[i])
		{
			if (sla_us < HandoffFixedEdges[i])
				b->edges[b->nedges++] = sla_us;
			sla_placed = true;
		}
		b->edges[b->nedges++] = HandoffFixedEdges[i];
	}
	if (!sla_placed)
		b->edges[b->nedges++] = sla_us;
}

/* HandoffWalk take of handoff_histogram: counts the gap in its bin of acc. */
static void
BinGap(void *acc, int64 gap)
{
	HandoffBins *b = (HandoffBins *) acc;
	int			i = 0;

	while (i < b->nedges && gap > b->edges[i])
		i++;
	b->counts[i]++;
}

/*
 * The result of handoff_histogram over st (NULL: no rows): walks the gaps
 * as handoff_summary does and returns (sla, handoffs, within_sla,
 * bin_upper, counts).  No rows: (NULL, 0, 0, '{}', '{}'); rows but no
 * handoffs: every bin, counting 0.
 */
static Datum
HandoffHistogramResult(FunctionCallInfo fcinfo, HSState *st)
{
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false};
	HandoffBins bins;
	HandoffWalk w = {.fname = "handoff_histogram", .take = BinGap, .acc = &bins};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "handoff_histogram must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (tupdesc->natts != lengthof(values))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("type %s has %d attributes, not %d",
						format_type_be(tupdesc->tdtypeid), tupdesc->natts, (int) lengthof(values)),
				 errhint("Run ALTER EXTENSION align UPDATE.")));

	if (st == NULL)
	{
		nulls[0] = true;
		values[0] = (Datum) 0;
		values[1] = Int64GetDatum(0);
		values[2] = Int64GetDatum(0);
		values[3] = PointerGetDatum(construct_empty_array(INTERVALOID));
		values[4] = PointerGetDatum(construct_empty_array(INT8OID));
	}
	else
	{
		Datum		upper[HH_MAX_EDGES + 1];
		bool		upper_null[HH_MAX_EDGES + 1] = {false};
		Datum		counts[HH_MAX_EDGES + 1];
		int			dims[1];
		int			lbs[1] = {1};

		HandoffBinsInit(&bins, st->sla_us);
		WalkGaps(st, &w);
		for (int i = 0; i <= bins.nedges; i++)
		{
			upper[i] = i < bins.nedges ? IntervalPGetDatum(MicrosecondsInterval(bins.edges[i])) : (Datum) 0;
			counts[i] = Int64GetDatum(bins.counts[i]);
		}
		upper_null[bins.nedges] = true;
		dims[0] = bins.nedges + 1;
		values[0] = IntervalPGetDatum(MicrosecondsInterval(st->sla_us));
		values[1] = Int64GetDatum(w.handoffs);
		values[2] = Int64GetDatum(w.met);
		values[3] = PointerGetDatum(construct_md_array(upper, upper_null, 1, dims, lbs, INTERVALOID,
													   sizeof(Interval), false, TYPALIGN_DOUBLE));
		values[4] = PointerGetDatum(construct_array(counts, dims[0], INT8OID, sizeof(int64),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(handoff_histogram_final);
/* Final of handoff_histogram (internal state): HandoffHistogramResult. */
Datum
handoff_histogram_final(PG_FUNCTION_ARGS)
{
	return HandoffHistogramResult(fcinfo, PG_ARGISNULL(0) ? NULL : (HSState *) PG_GETARG_POINTER(0));
}

/* ---------- stage_stays: time in stage without a sort ---------- */

/*
 * Keeps one row of stage_stays(lead, at, stage [, calendar]) in st, a new
 * state in cxt when st is NULL, the stage code in place of an owner
 * (lead_stage's code, or for an enum ladder the value's position in the
 * enum's sort order + 1, so that tied rows sort in ladder order); returns
 * the state.  Rows with a NULL lead, time or stage are skipped.
 */
static HSState *
StaysStep(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt, bool with_calendar)
{
	HSCache    *c = GetCache(fcinfo, false, with_calendar);
	Oid			stage_enum = c->stages.is_enum ? c->stages.enum_type : InvalidOid;
	uint64		code;

	if (st == NULL)
	{
		st = NewState(cxt, 0, false);
		st->stage_enum = stage_enum;
		st->stage_codes = c->stages.is_enum ? c->stages.nstages : STAGE_COUNT;
	}
	else if (OidIsValid(st->owner_type))
		CorruptState("a handoff_summary state given to stage_stays");
	else if (st->stage_enum != stage_enum)
		CorruptState("a stage_stays state of another ladder");
	if (with_calendar)
		NoteCalendar(c, fcinfo, st, "stage_stays");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return st;
	code = c->stages.is_enum ? (uint64) StageMapSlot(&c->stages, PG_GETARG_DATUM(3)) + 1
		: (uint64) PG_GETARG_LEAD_STAGE(3);
	AddEvent(st, KeyHash(&c->lead, PG_GETARG_DATUM(1)),
			 CheckTime(PG_GETARG_TIMESTAMPTZ(2), "stage_stays() at"), code);
	return st;
}

/* StaysStep of stage_stays(lead, at, stage). */
HSState *
StaysAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt)
{
	return StaysStep(fcinfo, st, cxt, false);
}

/* StaysStep of stage_stays(lead, at, stage, calendar). */
HSState *
StaysCalendarAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt)
{
	return StaysStep(fcinfo, st, cxt, true);
}

PG_FUNCTION_INFO_V1(stage_stays_trans);
/* Transition of stage_stays with an internal state: keeps one row. */
Datum
stage_stays_trans(PG_FUNCTION_ARGS)
{
	return InternalTransition(fcinfo, "stage_stays", StaysAdvance);
}

PG_FUNCTION_INFO_V1(stage_stays_calendar_trans);
/* Transition of stage_stays with a calendar, internal state: keeps one row. */
Datum
stage_stays_calendar_trans(PG_FUNCTION_ARGS)
{
	return InternalTransition(fcinfo, "stage_stays", StaysCalendarAdvance);
}

/* What stage_stays_final collects while walking the leads: stays per stage. */
typedef struct StaysWalk
{
	const Calendar *cal;		/* the state's calendar, expanded (NULL: none) */
	Size		budget;			/* of each stage's spool */
	int32		codes;			/* stage codes are 1 .. codes */
	Spool	   *stays[HS_MAX_STAGE_CODES + 1];
} StaysWalk;

/*
 * WalkLeads callback of stage_stays: a stay is a row followed by another
 * row of the same lead; it lasts until that row.
 */
static void
WalkStays(const HSEvent *ev, int64 n, void *arg)
{
	StaysWalk  *w = (StaysWalk *) arg;

	for (int64 i = 0; i + 1 < n; i++)
	{
		int			s = (int) ev[i].owner;

		if (ev[i + 1].lead != ev[i].lead)
			continue;
		if (unlikely(ev[i].owner < 1 || ev[i].owner > (uint64) w->codes))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid stage_stays state: stage code %llu",
							(unsigned long long) ev[i].owner)));
		if (unlikely(w->stays[s] == NULL))
			w->stays[s] = SpoolCreate(w->budget);
		SpoolAdd(w->stays[s], Duration(w->cal, ev[i].at, ev[i + 1].at, "stage_stays"));
	}
}

/*
 * The result of stage_stays over st (NULL: no rows): walks each lead in
 * time order (ties in ladder order), as time_in_stage does, and returns per
 * stage that has a completed stay: (stage, stays, median_stay, p90_stay);
 * over an enum ladder (the element type enum_stage_stay_stats, whose stage
 * is text) (stage label, rank, stays, median_stay, p90_stay), the labels as
 * the enum has them now.  The last row of a lead has no completed stay.
 */
Datum
StageStaysResult(FunctionCallInfo fcinfo, HSState *st)
{
	int64		n = st ? st->nevents + st->spilled : 0;
	Oid			array_type = get_func_rettype(fcinfo->flinfo->fn_oid);
	Oid			elem_type = get_element_type(array_type);
	TupleDesc	tupdesc = lookup_rowtype_tupdesc_copy(elem_type, -1);
	bool		as_enum = TupleDescAttr(tupdesc, 0)->atttypid == TEXTOID;
	StageMap	map;
	StaysWalk	w;
	Datum	   *elems;
	int			nelems = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	memset(&w, 0, sizeof(w));
	if (st != NULL && OidIsValid(st->owner_type))
		CorruptState("a handoff_summary state given to stage_stays");
	if (st != NULL && OidIsValid(st->stage_enum) != as_enum)
		CorruptState(as_enum ? "a lead_stage stage_stays state given to the enum final function"
					 : "an enum stage_stays state given to the lead_stage final function");
	if (st != NULL && as_enum)
	{
		StageMapInitEnum(&map, st->stage_enum, CurrentMemoryContext, false);
		if (map.nstages != st->stage_codes)
			CorruptState("the enum's values changed");
	}
	w.codes = st != NULL ? st->stage_codes : 0;
	w.cal = StateCalendar(st);
	if (n > 0)
	{
		/* the stays share half the budget (the rows being walked take the other half) */
		w.budget = st->budget / 2 / w.codes;
		WalkLeads(st, WalkStays, &w);
	}
	tupdesc = BlessTupleDesc(tupdesc);
	elems = palloc(sizeof(Datum) * (w.codes + 1));
	for (int s = 1; s <= w.codes; s++)
	{
		Datum		values[3 + HS_QUANTILE_FORMS];
		bool		nulls[lengthof(values)] = {0};
		int			k = 0;

		if (w.stays[s] == NULL)
			continue;
		if (as_enum)
		{
			values[k++] = CStringGetTextDatum(map.ladder.labels[s - 1]);
			values[k++] = Int32GetDatum(s);
		}
		else
			values[k++] = LeadStageGetDatum((LeadStage) s);
		values[k++] = Int64GetDatum(SpoolCount(w.stays[s]));
		SpoolQuantiles(w.stays[s], values + k);
		elems[nelems++] = HeapTupleGetDatum(FormStatsTuple(tupdesc, values, nulls, k + HS_QUANTILE_FORMS));
		SpoolFree(w.stays[s]);
	}
	get_typlenbyvalalign(elem_type, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, nelems, elem_type, typlen, typbyval, typalign));
}

PG_FUNCTION_INFO_V1(stage_stays_final);
/* Final of the internal-state stage_stays: StageStaysResult. */
Datum
stage_stays_final(PG_FUNCTION_ARGS)
{
	return StageStaysResult(fcinfo, PG_ARGISNULL(0) ? NULL : (HSState *) PG_GETARG_POINTER(0));
}

/* ---------- the row store for other aggregates (pipeline.c) ---------- */

/* See handoff_state.h. */
HSState *
HSNewStageRows(MemoryContext cxt, Oid stage_enum, int32 codes)
{
	HSState    *st = NewState(cxt, 0, false);

	st->stage_enum = stage_enum;
	st->stage_codes = codes;
	return st;
}

/* See handoff_state.h. */
void
HSAddStageRow(HSState *st, uint64 lead, TimestampTz at, uint64 code)
{
	AddEvent(st, lead, at, code);
}

/* See handoff_state.h. */
int64
HSRowCount(const HSState *st)
{
	return st->nevents + st->spilled;
}

/* See handoff_state.h. */
Size
HSBudget(const HSState *st)
{
	return st->budget;
}

/* See handoff_state.h. */
void
HSCheckStageRows(const HSState *st, Oid stage_enum, int32 codes, const char *fname)
{
	if (OidIsValid(st->owner_type) || st->stage_enum != stage_enum || st->stage_codes != codes)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid %s state: rows of another ladder", fname)));
}

/* See handoff_state.h. */
void
HSWalkLeads(HSState *st, void (*walk) (const HSEvent *ev, int64 n, void *arg), void *arg)
{
	WalkLeads(st, walk, arg);
}

/* See handoff_state.h. */
HSState *
HSDeserializeFrom(StringInfo msg, MemoryContext cxt, bool allow_raw)
{
	return DeserializeState(msg, cxt, allow_raw, false);
}

/* ---------- the row store of owners and stage rows (attribution.c) ---------- */

/* See handoff_state.h. */
HSState *
HSNewTouchRows(MemoryContext cxt, Oid owner_type, Oid owner_collation)
{
	HSState    *st = NewState(cxt, 0, false);

	st->owner_type = owner_type;
	st->owner_collation = owner_collation;
	st->stage_rows = true;
	return st;
}

/* See handoff_state.h. */
void
HSAddTouchRow(HSState *st, uint64 lead, TimestampTz at, bool owner_null, uint64 owner_hash,
			  Datum owner, int16 typlen, bool typbyval)
{
	uint64		number = 0;

	if (!owner_null)
		number = (uint64) NoteOwner(st, owner_hash, owner, typlen, typbyval) + 1;
	AddEvent(st, lead, at, number);
}

/* See handoff_state.h. */
HSState *
HSDeserializeTouchRows(StringInfo msg, MemoryContext cxt, bool allow_raw)
{
	HSState    *st = DeserializeState(msg, cxt, allow_raw, true);

	if (!OidIsValid(st->owner_type) || OidIsValid(st->stage_enum) || st->has_into)
		CorruptState("not a row store of touches and stages");
	return st;
}

/* See handoff_state.h. */
int32
HSRankOwners(HSState *st, Datum *by_rank)
{
	RankOwners(st);
	if (by_rank != NULL)
		for (int32 o = 0; o < st->nowners; o++)
			by_rank[st->owners[o].rank - 1] = st->owners[o].value;
	return st->nowners;
}

/* See handoff_state.h. */
int32
HSOwnerCount(const HSState *st)
{
	return st->nowners;
}

/* See handoff_state.h. */
Oid
HSOwnerType(const HSState *st)
{
	return st->owner_type;
}
