/*
 * funnel_agg.c
 *		The funnel aggregates: funnel(lead, stage, at [, within [, calendar]])
 *		over raw events, funnel(stage) over one row per lead, rollup(funnel),
 *		and their shared combine and final functions; funnel_calendar().
 *
 * The transition state is a funnel (our own type, not internal), kept as an
 * expanded object in the aggregate's memory while rows arrive and flattened
 * only when a partial aggregate hands it to another process (a parallel
 * worker's Gather, a Citus worker).  The per-row path hashes the lead key
 * once, finds the lead's entry and lowers one slot: no allocation, no other
 * function call.  In a partial aggregate it appends the event instead (see
 * FunnelBufferEvent).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "nodes/execnodes.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "align.h"
#include "calendar.h"
#include "callerless.h"
#include "funnel.h"
#include "interval_rule.h"
#include "key_hash.h"
#include "settings.h"
#include "stage_map.h"

/* Per-call-site cache: lead hashing and the stage vocabulary. */
typedef struct FunnelAggCache
{
	KeyHasher	lead;
	StageMap	stages;
} FunnelAggCache;

static const char *const lead_cast_hint = "Cast the lead argument, e.g. lead_id::bigint.";
static const char *const lead_type_hint = "Use a lead key of a hashable type: bigint, text, uuid, ...";

/*
 * The cache of a call without a call expression (callerless.c): the lead
 * and stage types come from declarations, the cache from a per-backend
 * table.
 */
static FunnelAggCache *
GetCallerlessCache(FunctionCallInfo fcinfo, int lead_arg, int stage_arg)
{
	FunnelAggCache *c = CallerlessCacheFind(fcinfo);
	MemoryContext cxt = CallerlessContext();
	Oid			stage_type;

	if (c != NULL)
		return c;
	c = MemoryContextAllocZero(cxt, sizeof(FunnelAggCache));
	if (lead_arg >= 0)
	{
		Oid			type = CallArgType(fcinfo, lead_arg);

		KeyHasherInitType(&c->lead, type, CallerlessCollation(fcinfo, type), cxt, "lead key",
						  "Called without a call expression (as Citus' worker_partial_agg does), "
						  "funnel needs a lead key of a declared type: an aggregate over a concrete "
						  "lead type such as funnel(bigint, lead_stage, timestamptz).", lead_type_hint);
	}
	stage_type = stage_arg >= 0 ? CallArgType(fcinfo, stage_arg) : InvalidOid;
	if (stage_arg >= 0 && !OidIsValid(stage_type))
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_DATATYPE),
				 errmsg("could not determine the stage ladder of %s",
						format_procedure(fcinfo->flinfo->fn_oid)),
				 errhint("Called without a call expression (as Citus' worker_partial_agg does), "
						 "funnel needs an aggregate over a declared ladder: lead_stage, or an enum "
						 "given to align_concrete_aggregates().")));
	StageMapInitType(&c->stages, stage_type, cxt, true);
	CallerlessCacheAdd(fcinfo, c);
	return c;
}

/* The cache of this call site, built on the first call. */
static FunnelAggCache *
GetCache(FunctionCallInfo fcinfo, int lead_arg, int stage_arg)
{
	FunnelAggCache *c = fcinfo->flinfo->fn_extra;

	if (likely(c != NULL))
		return c;
	if (Callerless(fcinfo))
		return GetCallerlessCache(fcinfo, lead_arg, stage_arg);
	c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FunnelAggCache));
	if (lead_arg >= 0)
		KeyHasherInit(&c->lead, fcinfo, lead_arg, "lead key", lead_cast_hint, lead_type_hint);
	StageMapInit(&c->stages, fcinfo->flinfo, stage_arg);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/*
 * A conversion window in whole seconds, rounded down (durations are whole
 * seconds, so d <= window exactly when d <= floor(window)); read by align's
 * one interval rule (interval_rule.c): its total, not negative.
 */
static int64
WindowSeconds(const Interval *iv, const char *what)
{
	return IntervalArgMicroseconds(iv, what,
								   "Pass a positive interval such as '30 days', or NULL for no window.")
		/ USECS_PER_SEC;
}

/* A slot value for an event time: seconds since 2000 plus the bias; checked against the range. */
static inline uint32
EncodeTime(TimestampTz t)
{
	int64		secs;

	/* align's time range (interval_rule.h) is what a slot holds */
	t = CheckTime(t, "funnel() at");
	secs = t / USECS_PER_SEC - (t % USECS_PER_SEC < 0) + SLOT_BIAS;
	Assert(secs >= 1 && secs < (int64) SLOT_UNKNOWN);
	return (uint32) secs;
}

/*
 * True when called by a partial aggregate (a parallel worker's, or a Citus
 * shard's): its state goes to a combine function, never to the final one,
 * so the raw-event funnel buffers events instead of building a hash table.
 * A Citus shard's worker_partial_agg runs as a whole aggregate of its own
 * and calls the transition function without a call expression; it ships
 * the state to the coordinator as text.
 */
static bool
PartialAggregate(FunctionCallInfo fcinfo)
{
	if (Callerless(fcinfo))
		return true;
	return fcinfo->context != NULL && IsA(fcinfo->context, AggState) &&
		DO_AGGSPLIT_SKIPFINAL(((AggState *) fcinfo->context)->aggsplit);
}

/* A new writable state under aggcxt for the given ladder and window. */
static ExpandedFunnel *
NewState(MemoryContext aggcxt, const StageMap *stages, bool has_within, int64 within)
{
	/* the transition functions never replace a state: it may share a context */
	ExpandedFunnel *ef = ExpandedFunnelCreate(aggcxt, true);

	FunnelInitOnMap(&ef->f, ef->hdr.eoh_context, stages, has_within ? FUNNEL_WITHIN : 0,
					within);
	return ef;
}

/*
 * Checks the calendar argument argno of a row against the one the funnel
 * measures in, which it becomes if the funnel is new: it must not be NULL
 * (22004), and must be the same for every row of a group (22023).
 */
static void
NoteCalendar(FunctionCallInfo fcinfo, int argno, Funnel *f, bool is_new)
{
	struct varlena *cal;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("funnel calendar must not be NULL"),
				 errhint("Pass a work_calendar (for wall-clock time 'mon-sun 00:00-24:00; tz UTC'), "
						 "or leave the argument out.")));
	cal = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	if (is_new)
		FunnelSetCalendar(f, cal);
	else if (!CalendarSame(f->calendar, cal))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("funnel calendar must be the same for every row of a group"),
				 errhint("Group by the calendar (e.g. by team), or pass one calendar for the whole group.")));
}

/*
 * Records a row's event (lead, stage and at in arguments 1 to 3; lead and
 * stage not NULL) in f: the stage entered at that time, or at an unknown
 * time for a NULL at.  A value outside the ladder is skipped.
 */
static void
RecordRow(FunctionCallInfo fcinfo, FunnelAggCache *c, Funnel *f)
{
	int			slot = StageMapSlot(&c->stages, PG_GETARG_DATUM(2));
	uint32		t;

	if (slot < 0)
		return;
	t = PG_ARGISNULL(3) ? SLOT_UNKNOWN : EncodeTime(PG_GETARG_TIMESTAMPTZ(3));
	if (f->buffered)
		FunnelBufferEvent(f, KeyHash(&c->lead, PG_GETARG_DATUM(1)), slot, t);
	else
		FunnelRecordEvent(f, KeyHash(&c->lead, PG_GETARG_DATUM(1)), slot, t);
}

/*
 * Transition for funnel(lead, stage, at [, within [, calendar]]): records
 * the earliest time the lead entered the stage.  NULL lead or stage: the
 * row is skipped.  NULL at: the stage counts as entered, at an unknown
 * time.  With a calendar, the funnel keeps it (see NoteCalendar).
 */
static Datum
EventTransition(FunctionCallInfo fcinfo, bool with_window, bool with_calendar)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "funnel");
	FunnelAggCache *c = GetCache(fcinfo, 1, 2);
	ExpandedFunnel *ef;
	bool		has_within = with_window && !PG_ARGISNULL(4);
	int64		within = has_within ? WindowSeconds(PG_GETARG_INTERVAL_P(4), "funnel window") : 0;

	if (PG_ARGISNULL(0))
	{
		ef = NewState(aggcxt, &c->stages, has_within, within);
		ef->f.buffered = PartialAggregate(fcinfo);
		/* a serial aggregate's table keeps within the memory budget (funnel.c) */
		if (!ef->f.buffered)
			ef->f.budget = AlignMemoryBudget();
		if (with_calendar)
			NoteCalendar(fcinfo, 5, &ef->f, true);
	}
	else
	{
		ef = FunnelStateRW(PG_GETARG_DATUM(0), aggcxt);
		if (((ef->f.flags & FUNNEL_WITHIN) != 0) != has_within ||
			ef->f.within_secs != within)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("funnel window must be the same for every row")));
		if (with_calendar)
			NoteCalendar(fcinfo, 5, &ef->f, false);
	}
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
		RecordRow(fcinfo, c, &ef->f);
	return EOHPGetRWDatum(&ef->hdr);
}

PG_FUNCTION_INFO_V1(funnel_event_trans);
/* Transition of funnel(lead, stage, at). */
Datum
funnel_event_trans(PG_FUNCTION_ARGS)
{
	return EventTransition(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(funnel_event_within_trans);
/* Transition of funnel(lead, stage, at, within). */
Datum
funnel_event_within_trans(PG_FUNCTION_ARGS)
{
	return EventTransition(fcinfo, true, false);
}

PG_FUNCTION_INFO_V1(funnel_event_within_calendar_trans);
/* Transition of funnel(lead, stage, at, within, calendar): a NULL within is no window. */
Datum
funnel_event_within_calendar_trans(PG_FUNCTION_ARGS)
{
	return EventTransition(fcinfo, true, true);
}

/*
 * The as_of argument of funnel_as_of for a row: not NULL (22004), inside
 * align's time range (22008), the same for every row of a group (22023).
 */
static TimestampTz
AsOfArg(FunctionCallInfo fcinfo, int argno, const Funnel *f, bool is_new)
{
	TimestampTz as_of;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("funnel_as_of as_of must not be NULL"),
				 errhint("Pass the time the data is taken as of, e.g. now() or '2026-03-31 24:00'.")));
	as_of = CheckTime(PG_GETARG_TIMESTAMPTZ(argno), "funnel_as_of() as_of");
	if (!is_new && f->as_of != as_of)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("funnel_as_of as_of must be the same for every row of a group"),
				 errdetail("The group's funnel is as of %s, this row's as_of is %s.",
						   FunnelAsOfText(f->as_of), FunnelAsOfText(as_of)),
				 errhint("Pass one as_of for the whole group, e.g. a constant or now().")));
	return as_of;
}

/*
 * Transition of funnel_as_of(lead, stage, at, as_of [, calendar]): as
 * funnel(lead, stage, at) over the rows with at <= as_of (the data as it
 * stood then; later rows are skipped, a NULL at counts as ever), and the
 * funnel keeps as_of, so that closing it records the conversion and
 * censoring times conversion_curve reads (in the calendar's working time,
 * with one: see NoteCalendar).
 */
static Datum
AsOfTransition(FunctionCallInfo fcinfo, bool with_calendar)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "funnel_as_of");
	FunnelAggCache *c = GetCache(fcinfo, 1, 2);
	ExpandedFunnel *ef;

	if (PG_ARGISNULL(0))
	{
		ef = NewState(aggcxt, &c->stages, false, 0);
		ef->f.buffered = PartialAggregate(fcinfo);
		if (!ef->f.buffered)
			ef->f.budget = AlignMemoryBudget();
		FunnelSetAsOf(&ef->f, AsOfArg(fcinfo, 4, &ef->f, true));
		if (with_calendar)
			NoteCalendar(fcinfo, 5, &ef->f, true);
	}
	else
	{
		ef = FunnelStateRW(PG_GETARG_DATUM(0), aggcxt);
		AsOfArg(fcinfo, 4, &ef->f, false);
		if (with_calendar)
			NoteCalendar(fcinfo, 5, &ef->f, false);
	}
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) &&
		(PG_ARGISNULL(3) || PG_GETARG_TIMESTAMPTZ(3) <= ef->f.as_of))
		RecordRow(fcinfo, c, &ef->f);
	return EOHPGetRWDatum(&ef->hdr);
}

PG_FUNCTION_INFO_V1(funnel_as_of_trans);
/* Transition of funnel_as_of(lead, stage, at, as_of). */
Datum
funnel_as_of_trans(PG_FUNCTION_ARGS)
{
	return AsOfTransition(fcinfo, false);
}

PG_FUNCTION_INFO_V1(funnel_as_of_calendar_trans);
/* Transition of funnel_as_of(lead, stage, at, as_of, calendar): times and ages in working time. */
Datum
funnel_as_of_calendar_trans(PG_FUNCTION_ARGS)
{
	return AsOfTransition(fcinfo, true);
}

PG_FUNCTION_INFO_V1(funnel_stage_trans);
/*
 * Transition of funnel(stage) over one row per lead: the lead reached that
 * stage and every stage below it.  Outcomes and NULL stages add nothing.
 */
Datum
funnel_stage_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "funnel");
	FunnelAggCache *c = GetCache(fcinfo, -1, 1);
	ExpandedFunnel *ef;
	int			slot;

	ef = PG_ARGISNULL(0) ? NewState(aggcxt, &c->stages, false, 0)
		: FunnelStateRW(PG_GETARG_DATUM(0), aggcxt);
	if (PG_ARGISNULL(1))
		return EOHPGetRWDatum(&ef->hdr);
	slot = StageMapSlot(&c->stages, PG_GETARG_DATUM(1));
	if (slot >= ef->f.nstages)
		slot = -1;				/* an outcome: no ladder stage reached */
	/* the row names the lead's stage: entered, the stages below it implied */
	for (int s = 0; s <= slot; s++)
		AddCount(&ef->f.reached[s], 1);
	if (slot >= 0)
		AddCount(&ef->f.entered[slot], 1);
	return EOHPGetRWDatum(&ef->hdr);
}

PG_FUNCTION_INFO_V1(funnel_combine);
/* Combine of every funnel aggregate, and rollup's transition: merges two funnels. */
Datum
funnel_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "funnel_combine");
	ExpandedFunnel *ef;
	Funnel	   *src;

	Datum		merged;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		return PG_GETARG_DATUM(0);
	}
	/* partial states from parallel workers: merge the sorted runs */
	merged = FunnelCombineSorted(PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0),
								 PG_GETARG_DATUM(1), aggcxt);
	if (merged != (Datum) 0)
		return merged;
	src = PG_GETARG_FUNNEL(1);
	if (PG_ARGISNULL(0))
	{
		/* a combine state: FunnelCombineSorted may replace it later */
		ef = ExpandedFunnelCreate(aggcxt, false);
		FunnelInitLike(&ef->f, ef->hdr.eoh_context, src);
	}
	else
		ef = FunnelStateRW(PG_GETARG_DATUM(0), aggcxt);
	FunnelMerge(&ef->f, src);
	return EOHPGetRWDatum(&ef->hdr);
}

/*
 * An enum funnel's state on the ladder of the final function's own
 * stage type, as this node's catalog and ladder_outcome have it (the map
 * cached per call site).  Where the state was built by this process it is
 * that ladder already; where other nodes built it (Citus' partial
 * aggregates) and declare other outcomes, it is moved onto it, or an
 * error when it cannot be (a declared outcome counted as a stage, or a
 * declaration that differs).  Without a call expression (Citus) the map
 * is cached for the transaction.
 */
static Funnel *
OnFinalLadder(FunctionCallInfo fcinfo, Funnel *state, int stage_arg)
{
	StageMap   *map = fcinfo->flinfo->fn_extra;
	Oid			type;

	if (!(state->flags & FUNNEL_ENUM) || state->ladder == NULL || stage_arg < 0 ||
		FunnelIsEmpty(state))
		return state;
	type = CallArgType(fcinfo, stage_arg);
	if (!OidIsValid(type) || !type_is_enum(type))
		return state;
	if (map == NULL && Callerless(fcinfo))
	{
		/* Citus' coord_combine_agg: a new FmgrInfo per group */
		map = CallerlessCacheFind(fcinfo);
		if (map == NULL || map->enum_type != type)
		{
			map = MemoryContextAllocZero(CallerlessContext(), sizeof(StageMap));
			StageMapInitType(map, type, CallerlessContext(), true);
			CallerlessCacheAdd(fcinfo, map);
		}
	}
	else if (map == NULL || map->enum_type != type)
	{
		map = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(StageMap));
		StageMapInitType(map, type, fcinfo->flinfo->fn_mcxt, true);
		fcinfo->flinfo->fn_extra = map;
	}
	if (state->noutcomes == map->noutcomes &&
		FunnelLadderEqual(state->ladder, state->nstages, &map->ladder, map->nstages))
		return state;
	return FunnelRemap(state, &map->ladder, map->nstages, map->noutcomes);
}

PG_FUNCTION_INFO_V1(funnel_final);
/*
 * Final function of every funnel aggregate: closes the open leads into
 * counts and returns a flat funnel.  The state is not changed.  No rows: an
 * empty funnel over the aggregate's ladder (rollup's: lead_stage; an empty
 * funnel reads as empty with any ladder).
 */
Datum
funnel_final(PG_FUNCTION_ARGS)
{
	Funnel		result;
	int			stage_arg = PG_NARGS() >= 3 ? 2 : (PG_NARGS() == 2 ? 1 : -1);

	if (PG_ARGISNULL(0))
	{
		StageMap	stages;

		StageMapInitType(&stages, stage_arg >= 0 ? CallArgType(fcinfo, stage_arg) : InvalidOid,
						 CurrentMemoryContext, true);
		FunnelInitOnMap(&result, CurrentMemoryContext, &stages, 0, 0);
	}
	else
	{
		Funnel	   *state = OnFinalLadder(fcinfo, PG_GETARG_FUNNEL(0), stage_arg);

		FunnelInitLike(&result, CurrentMemoryContext, state);
		FunnelCloseInto(&result, state);
	}
	PG_RETURN_POINTER(FunnelFlatten(&result));
}

PG_FUNCTION_INFO_V1(funnel_calendar);
/* The calendar a funnel's times between stages are working time of; NULL for wall-clock time. */
Datum
funnel_calendar(PG_FUNCTION_ARGS)
{
	Funnel	   *f = PG_GETARG_FUNNEL(0);

	if (f->calendar == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(CalendarCopy(CurrentMemoryContext, f->calendar));
}
