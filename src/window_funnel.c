/*
 * window_funnel.c
 *		window_funnel(window, at, stage [, mode]): per lead, the furthest
 *		ladder stage reached in order, every step inside the window.
 *
 * This is ClickHouse's windowFunnel adapted to a ladder.  A chain starts at
 * each event of the lead's entry stage (the stage of its first ladder event,
 * ties broken by rank), as windowFunnel's chains start at each event that
 * matches its first condition.  Events are read in time order, ties in
 * ladder order; an event at a higher stage, no later than the chain's start
 * plus the window, advances the chain (skipped stages count as passed).
 * Modes, comma-separated, case ignored, tighten that:
 *	 strict				 only the next stage advances (no skips)
 *	 strict_observed	 only the next stage the group has events at
 *						 advances (skips only stages it never entered)
 *	 strict_increase	 a step must be strictly later than the step before
 *	 strict_deduplication an event repeating the chain's current stage ends it
 *	 strict_order		 an event below the current stage, or an outcome
 *						 (recycled, disqualified, lost), ends the chain
 *	 start=<stage>		 chains start at each event of that ladder stage
 *						 instead of the entry stage
 * The result is the highest stage any chain reached, NULL if the lead has no
 * ladder event with a known time (with start=, none at that stage).
 *
 * Over a sparse ladder (an export with only mql and customer events) strict
 * stops every chain at its first stage.  That is right by its rule, and
 * silent: so when strict stopped a group's chains below a stage that
 * strict_observed reaches (the next ladder stage never occurs in the
 * group), the final function says so in a NOTICE, once per statement (not
 * per group: a report over a million leads would drown in them).
 *
 * The state is a window_funnel_state: the group's events (one lead's,
 * usually a handful) in one varlena that the transition function fills in
 * place and doubles when full, so a GROUP BY lead over millions of leads
 * costs a few dozen bytes per lead and no allocation per row.  A group
 * whose events outgrow half the memory budget (align.memory_budget) hands
 * them to PostgreSQL's sort, which keeps to its memory and spills to
 * temporary files, and the final function reads them back in order; only a
 * state whose final function runs in this process does (a partial state is
 * handed over whole, within align.max_partial_state).  A real type,
 * not internal, so that parallel workers and Citus' shards can ship it
 * (its text form is base64 of a portable serialized form).  Used with
 * GROUP BY lead, Citus runs the whole aggregate on the shard that holds the
 * lead; grouped otherwise, each shard computes partial states.  The
 * internal-state functions of 0.1.0 (window_funnel_trans(internal, ...) and
 * the rest) stay for databases that have not run ALTER EXTENSION UPDATE.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "executor/nodeAgg.h"
#include "executor/tuptable.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/tuplesort.h"
#include "utils/regproc.h"
#include "utils/timestamp.h"

#include "align.h"
#include "callerless.h"
#include "funnel.h"
#include "interval_rule.h"
#include "pg_compat.h"
#include "settings.h"
#include "stage_map.h"

#define WF_STRICT				0x01
#define WF_STRICT_INCREASE		0x02
#define WF_STRICT_DEDUPLICATION	0x04
#define WF_STRICT_ORDER			0x08
#define WF_STRICT_OBSERVED		0x10
#define WF_FLAGS_ALL			0x1F
/* start=<stage>: its ladder slot + 1 in bits 8..14 of the modes; 0: the entry stage */
#define WF_START_SHIFT			8
#define WF_START_MASK			0x7F00
#define WF_START(modes)			(((modes) & WF_START_MASK) >> WF_START_SHIFT)
#define WF_MODES_VALID(modes)	\
	(((modes) & ~(WF_FLAGS_ALL | WF_START_MASK)) == 0 && WF_START(modes) <= FUNNEL_MAX_STAGES)
#define WF_SERIAL_VERSION		1

/* One event of a lead. */
typedef struct WFEvent
{
	TimestampTz at;
	int32		slot;			/* StageMap slot: ladder, then outcomes */
} WFEvent;

/* Events of one group, with the window and mode every row must share. */
typedef struct WFState
{
	int64		window_us;
	int32		modes;			/* WF_* bits */
	int32		nevents;
	int32		capacity;
	WFEvent    *events;
} WFState;

typedef struct WFSort WFSort;

/* A group's events in time order, ties in ladder order: an array, or a sort to read back. */
typedef struct WFEvents
{
	const WFEvent *array;		/* the events, sorted, when sort is NULL */
	int32		n;
	int32		pos;			/* the next one to read */
	WFSort	   *sort;			/* performed */
} WFEvents;

static int	FurthestSlot(WFState *st, int nstages);
static int	GroupFurthest(WFEvents *ev, int nstages, int modes, int64 window_us);
extern PGDLLEXPORT Datum window_funnel_state_final(PG_FUNCTION_ARGS);

/* The error for a mode list that names no mode we know, or a start= without a stage. */
pg_noreturn static void
BadMode(const char *what, const char *tok)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s window_funnel mode: \"%s\"", what, tok),
			 errhint("Accepted modes, comma-separated, case ignored: strict, strict_observed, "
					 "strict_order, strict_deduplication, strict_increase, and start=<stage> "
					 "with a ladder stage, e.g. start=mql.")));
}

/*
 * The ladder slot of the stage a start=<stage> mode names, on the call's
 * ladder: a lead_stage label as lead_stage's input reads it, or an enum's
 * label as try_stage() reads it; an error if it names none, or an outcome.
 */
static int
StartSlot(const StageMap *map, const char *label)
{
	int			slot;

	if (*label == '\0')
		BadMode("incomplete", "start=");
	if (map->is_enum)
		slot = LadderLabelMatch(map->ladder.labels, NULL, map->nstages, label);
	else
		slot = (int) LeadStageLookup(label) - 1;
	if (slot == LADDER_LABEL_AMBIGUOUS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel mode start=%s matches more than one label of %s", label,
						format_type_be(map->enum_type)),
				 errhint("Write the label as the enum has it.")));
	if (slot < 0 && map->is_enum &&
		LadderLabelMatch(map->ladder.outcome_labels, NULL, map->ladder.nlisted, label) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel mode start=%s names an outcome of %s, not a ladder stage",
						label, format_type_be(map->enum_type)),
				 errhint("Chains start at a ladder stage; align.ladder_outcome declares the enum's outcomes.")));
	if (slot < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel mode start=%s names no stage of %s", label,
						map->is_enum ? format_type_be(map->enum_type) : "lead_stage"),
				 errhint("Name a stage of the ladder, e.g. start=mql; case, spaces, \"_\" and "
						 "\"-\" are ignored.")));
	if (slot >= map->nstages)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel mode start=%s names \"%s\", which is not a ladder stage", label,
						LeadStageName((LeadStage) (slot + 1))),
				 errhint("Chains start at a ladder stage: subscriber, lead, mql, sal, sql, "
						 "opportunity, customer or evangelist.")));
	return slot;
}

/*
 * Parses a mode list such as 'strict_order, start=mql' into WF_* bits and
 * the start slot, on the call's ladder.
 */
static int
ParseModes(text *mode, const StageMap *map)
{
	char	   *str = text_to_cstring(mode);
	char	   *tok;
	char	   *save;
	int			modes = 0;

	for (tok = strtok_r(str, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
	{
		char	   *end;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		if (pg_strcasecmp(tok, "strict") == 0)
			modes |= WF_STRICT;
		else if (pg_strcasecmp(tok, "strict_observed") == 0)
			modes |= WF_STRICT_OBSERVED;
		else if (pg_strcasecmp(tok, "strict_increase") == 0)
			modes |= WF_STRICT_INCREASE;
		else if (pg_strcasecmp(tok, "strict_deduplication") == 0)
			modes |= WF_STRICT_DEDUPLICATION;
		else if (pg_strcasecmp(tok, "strict_order") == 0)
			modes |= WF_STRICT_ORDER;
		else if (pg_strncasecmp(tok, "start", 5) == 0 &&
				 (tok[5 + strspn(tok + 5, " \t")] == '=' || tok[5 + strspn(tok + 5, " \t")] == '\0'))
		{
			char	   *label = tok + 5 + strspn(tok + 5, " \t");

			if (*label++ == '\0')
				BadMode("incomplete", tok);
			label += strspn(label, " \t");
			if (WF_START(modes) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("window_funnel mode start= given twice"),
						 errhint("Chains start at one stage: give start=<stage> once.")));
			modes |= (StartSlot(map, label) + 1) << WF_START_SHIFT;
		}
		else
			BadMode("unknown", tok);
	}
	if ((modes & WF_STRICT) && (modes & WF_STRICT_OBSERVED))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel modes strict and strict_observed exclude each other"),
				 errhint("strict steps to the next ladder stage only; strict_observed to the next "
						 "stage the group has events at.  Give one of them.")));
	pfree(str);
	return modes;
}

/*
 * True if later - earlier (later >= earlier) exceeds the window.  The
 * difference of two timestamps can exceed int64 (-infinity to infinity):
 * that is beyond every window.
 */
static inline bool
BeyondWindow(TimestampTz earlier, TimestampTz later, int64 window_us)
{
	int64		diff;

	return pg_sub_s64_overflow(later, earlier, &diff) || diff > window_us;
}

/*
 * What a call site keeps: its stage ladder, and its last mode list parsed
 * (read once, not on every row).
 */
typedef struct WFCallSite
{
	StageMap	map;
	MemoryContext cxt;			/* where the mode list is kept */
	text	   *mode;			/* the last mode list, or NULL */
	int			modes;			/* it, parsed */
} WFCallSite;

/*
 * The call site of this call, its ladder from argument argno: cached in
 * fn_extra, or for a call without a call expression (Citus) in the
 * callerless table.
 */
static WFCallSite *
GetCallSite(FunctionCallInfo fcinfo, int argno)
{
	WFCallSite *site = fcinfo->flinfo->fn_extra;
	Oid			type;

	if (likely(site != NULL))
		return site;
	if (!Callerless(fcinfo))
	{
		site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(WFCallSite));
		site->cxt = fcinfo->flinfo->fn_mcxt;
		StageMapInit(&site->map, fcinfo->flinfo, argno);
		fcinfo->flinfo->fn_extra = site;
		return site;
	}
	if ((site = CallerlessCacheFind(fcinfo)) != NULL)
		return site;
	type = CallArgType(fcinfo, argno);
	if (!OidIsValid(type))
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_DATATYPE),
				 errmsg("could not determine the stage ladder of %s",
						format_procedure(fcinfo->flinfo->fn_oid)),
				 errhint("Called without a call expression (as Citus' worker_partial_agg does), "
						 "window_funnel needs stages of a declared type: lead_stage.")));
	site = MemoryContextAllocZero(CallerlessContext(), sizeof(WFCallSite));
	site->cxt = CallerlessContext();
	StageMapInitType(&site->map, type, CallerlessContext(), true);
	CallerlessCacheAdd(fcinfo, site);
	return site;
}

/* The window and modes of a call (arguments 1 and 4), checked; the modes on site's ladder. */
static void
CallWindowModes(FunctionCallInfo fcinfo, WFCallSite *site, int64 *window_us, int *modes)
{
	text	   *mode;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("window_funnel window must not be NULL")));
	*window_us = IntervalArgMicroseconds(PG_GETARG_INTERVAL_P(1), "window_funnel window",
										 "Pass a positive interval such as '30 days'.");
	if (PG_NARGS() <= 4 || PG_ARGISNULL(4))
	{
		*modes = 0;
		return;
	}
	mode = PG_GETARG_TEXT_PP(4);
	if (site->mode == NULL || VARSIZE_ANY_EXHDR(site->mode) != VARSIZE_ANY_EXHDR(mode) ||
		memcmp(VARDATA_ANY(site->mode), VARDATA_ANY(mode), VARSIZE_ANY_EXHDR(mode)) != 0)
	{
		int			parsed = ParseModes(mode, &site->map);

		if (site->mode != NULL)
			pfree(site->mode);
		site->mode = MemoryContextAlloc(site->cxt, VARSIZE_ANY(mode));
		memcpy(site->mode, mode, VARSIZE_ANY(mode));
		site->modes = parsed;
	}
	*modes = site->modes;
}

/* The error for rows of one group with different windows or modes. */
static void
MixedArguments(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("window_funnel window and mode must be the same for every row of a group")));
}

/* The furthest slot as the aggregate's result datum (lead_stage or the enum); false if none. */
static bool
ResultStage(int best, const StageMap *map, Datum *result)
{
	if (best < 0)
		return false;
	*result = map->is_enum ? ObjectIdGetDatum(map->by_pos[best])
		: LeadStageGetDatum((LeadStage) (best + 1));
	return true;
}

/* Appends one event, growing the array in the aggregate's context. */
static void
AddEvent(WFState *st, MemoryContext aggcxt, TimestampTz at, int slot)
{
	if (st->nevents == st->capacity)
	{
		int			cap = st->capacity ? st->capacity * 2 : 16;

		if ((Size) cap * sizeof(WFEvent) > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("window_funnel holds at most %d events per group",
							(int) (MaxAllocSize / sizeof(WFEvent) / 2))));
		st->events = st->events
			? repalloc(st->events, cap * sizeof(WFEvent))
			: MemoryContextAlloc(aggcxt, cap * sizeof(WFEvent));
		st->capacity = cap;
	}
	st->events[st->nevents].at = at;
	st->events[st->nevents].slot = slot;
	st->nevents++;
}

/* A new empty state in the aggregate's context. */
static WFState *
NewState(MemoryContext aggcxt, int64 window_us, int modes)
{
	WFState    *st = MemoryContextAllocZero(aggcxt, sizeof(WFState));

	st->window_us = window_us;
	st->modes = modes;
	return st;
}

PG_FUNCTION_INFO_V1(window_funnel_trans);
/*
 * Transition: remembers one event.  NULL stage or at: skipped (a step
 * without a time cannot be placed in the window).
 */
Datum
window_funnel_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	WFState    *st;
	WFCallSite *site;
	int64		window_us;
	int			modes;
	int			slot;

	aggcxt = AlignAggContext(fcinfo, "window_funnel");
	site = GetCallSite(fcinfo, 3);
	CallWindowModes(fcinfo, site, &window_us, &modes);

	if (PG_ARGISNULL(0))
		st = NewState(aggcxt, window_us, modes);
	else
	{
		st = (WFState *) PG_GETARG_POINTER(0);
		if (st->window_us != window_us || st->modes != modes)
			MixedArguments();
	}
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	slot = StageMapSlot(&site->map, PG_GETARG_DATUM(3));
	if (slot >= 0)
		AddEvent(st, aggcxt, CheckTime(PG_GETARG_TIMESTAMPTZ(2), "window_funnel() at"), slot);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(window_funnel_combine);
/* Combine: concatenates two groups' events (order does not matter). */
Datum
window_funnel_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	WFState    *a;
	WFState    *b;

	aggcxt = AlignAggContext(fcinfo, "window_funnel_combine");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	b = (WFState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
		a = NewState(aggcxt, b->window_us, b->modes);
	else
		a = (WFState *) PG_GETARG_POINTER(0);
	if (a->window_us != b->window_us || a->modes != b->modes)
		MixedArguments();
	for (int i = 0; i < b->nevents; i++)
	{
		AddEvent(a, aggcxt, b->events[i].at, b->events[i].slot);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(window_funnel_serialize);
/* Serialize: version, window, modes, events. */
Datum
window_funnel_serialize(PG_FUNCTION_ARGS)
{
	WFState    *st = (WFState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, WF_SERIAL_VERSION);
	pq_sendint64(&buf, st->window_us);
	pq_sendint32(&buf, st->modes);
	pq_sendint32(&buf, st->nevents);
	for (int i = 0; i < st->nevents; i++)
	{
		pq_sendint64(&buf, st->events[i].at);
		pq_sendbyte(&buf, (uint8) st->events[i].slot);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(window_funnel_deserialize);
/* Deserialize: checks every field before trusting it. */
Datum
window_funnel_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	StringInfoData msg;
	WFState    *st;
	int64		window_us;
	int			modes;
	int			n;

	aggcxt = AlignAggContext(fcinfo, "window_funnel_deserialize");
	InitStateMessage(&msg, data);
	if (pq_getmsgbyte(&msg) != WF_SERIAL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid window_funnel state: unsupported version")));
	/* one read per statement: argument evaluation order is unspecified */
	window_us = pq_getmsgint64(&msg);
	modes = (int) pq_getmsgint(&msg, 4);
	n = (int) pq_getmsgint(&msg, 4);
	st = NewState(aggcxt, window_us, modes);
	if (st->window_us < 0 || !WF_MODES_VALID(st->modes) || n < 0 ||
		n > (msg.len - msg.cursor) / 9)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid window_funnel state")));
	for (int i = 0; i < n; i++)
	{
		TimestampTz at = pq_getmsgint64(&msg);

		AddEvent(st, aggcxt, at, pq_getmsgbyte(&msg));
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

/* qsort: by time, ties in ladder order. */
static int
CompareEvents(const void *a, const void *b)
{
	const WFEvent *x = a;
	const WFEvent *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->slot > y->slot) - (x->slot < y->slot);
}

/* Chains per level: whether there is one, and the latest start among them. */
typedef struct WFChains
{
	bool		has[FUNNEL_MAX_STAGES];
	TimestampTz start[FUNNEL_MAX_STAGES];
} WFChains;

/* Notes a chain at level that started at start: the latest start is kept. */
static inline void
KeepChain(WFChains *c, int level, TimestampTz start)
{
	if (!c->has[level] || start > c->start[level])
		c->start[level] = start;
	c->has[level] = true;
}

/*
 * A walk over one group's events in time order (ties in ladder order),
 * following every chain at once; best is the highest ladder slot any
 * chain reaches, or -1.
 *
 * Chains are followed all at once rather than one start at a time (which
 * cost O(starts x events in the window) per lead: quadratic for a lead with
 * many events).  Every chain at a given level reacts alike to an event (the
 * modes' rules depend on the level, and on the time of the chain's last
 * step only for ties under strict_increase), and a chain that started later
 * outlives one that started earlier at the same level, so per level only
 * the latest start matters: O(events x stages).  Under strict_increase a
 * chain that stepped at the current time cannot step again until time
 * moves on, so those are kept apart (fresh) until then.  The entry stage is
 * the first ladder event's; the outcomes before it meet no chain.
 */
typedef struct WFWalk
{
	int			nstages;
	int			modes;
	int64		window_us;
	int			entry;			/* start=: its slot; else -1 until the first
								 * ladder event */
	int			best;
	int64		seen;
	bool		entered[FUNNEL_MAX_STAGES]; /* the group has an event at it */
	int			below[FUNNEL_MAX_STAGES];	/* strict_observed: the highest
											 * stage below with an event of
											 * the group, or -1 */
	TimestampTz now;			/* the time of the events being read (fresh is
								 * empty before the first) */
	WFChains	ready;			/* chains that may step at the current time */
	WFChains	fresh;			/* strict_increase: chains that stepped at it */
} WFWalk;

/*
 * Starts a walk over a group's sorted events; observed: the stages the
 * group has events at (strict_observed steps between those), or NULL.
 */
static void
WalkBegin(WFWalk *w, int nstages, int modes, int64 window_us, const bool *observed)
{
	int			last = -1;

	memset(w, 0, sizeof(WFWalk));
	w->nstages = nstages;
	w->modes = modes;
	w->window_us = window_us;
	w->entry = WF_START(modes) - 1;
	w->best = -1;
	if (w->entry >= nstages)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid window_funnel state: start stage slot %d on a ladder of %d stages",
						w->entry, nstages)));
	for (int s = 0; s < nstages; s++)
	{
		w->below[s] = last;
		if (observed != NULL && observed[s])
			last = s;
	}
}

/* The lowest level from which a chain may step to ladder slot s (s: none may). */
static inline int
LowestStep(const WFWalk *w, int s)
{
	if (w->modes & WF_STRICT)
		return Max(s - 1, 0);
	if (w->modes & WF_STRICT_OBSERVED)
		return w->below[s] >= 0 ? w->below[s] : s;
	return 0;
}

/* The next event of the walk (time order, ties in ladder order); its slot is checked. */
static void
WalkEvent(WFWalk *w, TimestampTz t, int s)
{
	int			nstages = w->nstages;
	bool		outcome = s >= nstages;
	bool		found = false;
	TimestampTz start = 0;
	WFChains   *stepped = (w->modes & WF_STRICT_INCREASE) ? &w->fresh : &w->ready;

	if (s < 0 || s >= nstages + STAGE_OUTCOMES)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid window_funnel state: stage slot %d", s)));
	if ((++w->seen & 0x3FFF) == 0)
		CHECK_FOR_INTERRUPTS();
	if (!outcome)
		w->entered[s] = true;
	if (w->entry < 0)
	{
		if (outcome)
			return;
		w->entry = s;
	}
	/* time moved on: chains that stepped at the old time may step again */
	if (t != w->now)
	{
		for (int l = 0; l < nstages; l++)
			if (w->fresh.has[l])
			{
				KeepChain(&w->ready, l, w->fresh.start[l]);
				w->fresh.has[l] = false;
			}
		w->now = t;
	}
	for (int l = 0; l < nstages; l++)
	{
		/* a chain whose window has passed ends */
		if (w->ready.has[l] && BeyondWindow(w->ready.start[l], t, w->window_us))
			w->ready.has[l] = false;
		if (w->fresh.has[l] && BeyondWindow(w->fresh.start[l], t, w->window_us))
			w->fresh.has[l] = false;
		/* strict_order: an outcome, or a stage below the chain's, ends it */
		if ((w->modes & WF_STRICT_ORDER) && (outcome || s < l))
			w->ready.has[l] = w->fresh.has[l] = false;
		/* strict_deduplication: the chain's own stage again ends it */
		if ((w->modes & WF_STRICT_DEDUPLICATION) && s == l)
			w->ready.has[l] = w->fresh.has[l] = false;
	}
	if (!outcome)
	{
		/* every chain that may step to s does: the latest start goes on */
		for (int l = LowestStep(w, s); l < s; l++)
			if (w->ready.has[l])
			{
				if (!found || w->ready.start[l] > start)
					start = w->ready.start[l];
				found = true;
				w->ready.has[l] = false;
			}
		if (found)
		{
			KeepChain(stepped, s, start);
			w->best = Max(w->best, s);
		}
	}
	/* an event at the entry stage starts a chain of its own */
	if (s == w->entry)
	{
		KeepChain(stepped, s, t);
		w->best = Max(w->best, s);
	}
}

/* The highest ladder slot any chain of the group's events reaches, or -1 (sorts st's events). */
static int
FurthestSlot(WFState *st, int nstages)
{
	WFEvents	ev = {0};

	qsort(st->events, st->nevents, sizeof(WFEvent), CompareEvents);
	ev.array = st->events;
	ev.n = st->nevents;
	return GroupFurthest(&ev, nstages, st->modes, st->window_us);
}

PG_FUNCTION_INFO_V1(window_funnel_final);
/* Final (internal state): the furthest stage as lead_stage (or as the enum), NULL if none. */
Datum
window_funnel_final(PG_FUNCTION_ARGS)
{
	StageMap   *map = &GetCallSite(fcinfo, 3)->map;
	Datum		result;

	if (PG_ARGISNULL(0) ||
		!ResultStage(FurthestSlot((WFState *) PG_GETARG_POINTER(0), map->nstages), map, &result))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* ---------- window_funnel_state: the state as a value ---------- */

#define WF_FLAT_VERSION		2	/* 1: before the sort's number (unreleased) */
#define WF_PORTABLE_VERSION	1	/* of the text and binary form */

/*
 * The value: the group's events with room for capacity of them (the
 * varlena's size covers the room; the transition function fills it in
 * place and doubles it when full).
 */
typedef struct WFFlat
{
	int32		vl_len_;
	int32		version;		/* WF_FLAT_VERSION */
	int64		window_us;
	int32		modes;
	int32		nevents;
	int32		capacity;
	int32		unused;
	uint64		sort_id;		/* past the budget: the number of the sort
								 * that holds the group's other events (see
								 * LiveSort); 0 in every value made from
								 * input */
	WFEvent		events[FLEXIBLE_ARRAY_MEMBER];
} WFFlat;

/*
 * A group's events past the memory budget (issue 18): PostgreSQL's sort of
 * (at, slot), which keeps to its memory and spills to temporary files.  It
 * lives in the aggregate's memory and ends when the executor resets that
 * (AggRegisterCallback); on an error the resource owner removes its files.
 */
typedef struct WFSort
{
	uint64		id;				/* its number in live_sorts */
	Tuplesortstate *sort;
	TupleTableSlot *put;		/* virtual slot to add an event */
	TupleTableSlot *get;		/* to read them back */
	bool		sorted;			/* performed: read again by rescanning */
} WFSort;

/*
 * The sorts of this backend's running aggregates, by number.  A value
 * names its sort by number, never by address: a number that is not here
 * (a value from disk, input, or another query) is refused, not followed.
 * A sort leaves when it ends; an error frees sorts without their end
 * callback, so those made in an aborted (sub)transaction leave with it.
 */
typedef struct LiveSortEntry
{
	uint64		id;
	SubTransactionId subid;		/* made in this subtransaction */
	WFSort	   *sort;
} LiveSortEntry;

static LiveSortEntry *live_sorts;
static int	nlive_sorts;
static int	maxlive_sorts;
static uint64 next_sort_id = 1;
static bool forget_registered;

#define WF_FLAT_SIZE(cap)	(offsetof(WFFlat, events) + (Size) (cap) * sizeof(WFEvent))
#define WF_FLAT_MAX_EVENTS	((int32) ((MaxAllocSize - offsetof(WFFlat, events)) / sizeof(WFEvent)))

/* The running sort numbered id, or NULL. */
static WFSort *
LiveSort(uint64 id)
{
	for (int i = 0; i < nlive_sorts; i++)
		if (live_sorts[i].id == id)
			return live_sorts[i].sort;
	return NULL;
}

/* Transaction callback: at its end, forgets every sort (their memory is gone). */
static void
ForgetSorts(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		nlive_sorts = 0;
}

/* Subtransaction callback: an aborted one takes the sorts made in it (and in its children). */
static void
ForgetSubSorts(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid,
			   void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	for (int i = nlive_sorts - 1; i >= 0; i--)
		if (live_sorts[i].subid >= mySubid)
			live_sorts[i] = live_sorts[--nlive_sorts];
}

/* Numbers a new sort and notes it as running. */
static void
AddLiveSort(WFSort *s)
{
	if (!forget_registered)
	{
		RegisterXactCallback(ForgetSorts, NULL);
		RegisterSubXactCallback(ForgetSubSorts, NULL);
		forget_registered = true;
	}
	if (nlive_sorts == maxlive_sorts)
	{
		maxlive_sorts = Max(maxlive_sorts * 2, 8);
		live_sorts = live_sorts == NULL
			? MemoryContextAlloc(TopMemoryContext, maxlive_sorts * sizeof(LiveSortEntry))
			: repalloc(live_sorts, maxlive_sorts * sizeof(LiveSortEntry));
	}
	s->id = next_sort_id++;
	live_sorts[nlive_sorts].id = s->id;
	live_sorts[nlive_sorts].subid = GetCurrentSubTransactionId();
	live_sorts[nlive_sorts].sort = s;
	nlive_sorts++;
}

/* Forgets a sort that ended. */
static void
RemoveLiveSort(WFSort *s)
{
	for (int i = 0; i < nlive_sorts; i++)
		if (live_sorts[i].id == s->id)
		{
			live_sorts[i] = live_sorts[--nlive_sorts];
			return;
		}
}

/* A new value with room for capacity events, in the current context. */
static WFFlat *
NewFlat(int64 window_us, int modes, int32 capacity)
{
	WFFlat	   *f = palloc0(WF_FLAT_SIZE(capacity));

	SET_VARSIZE(f, WF_FLAT_SIZE(capacity));
	f->version = WF_FLAT_VERSION;
	f->window_us = window_us;
	f->modes = modes;
	f->capacity = capacity;
	return f;
}

/* The error for a window_funnel_state that fails its checks. */
static void
CorruptFlat(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid window_funnel state: %s", what)));
}

/* The value behind a datum, in memory we may read (and, for a transition value, write), checked. */
static WFFlat *
FlatOf(Datum d)
{
	WFFlat	   *f = (WFFlat *) PG_DETOAST_DATUM(d);

	if (VARSIZE(f) < offsetof(WFFlat, events) || f->version != WF_FLAT_VERSION ||
		f->capacity < 0 || f->capacity > WF_FLAT_MAX_EVENTS || VARSIZE(f) != WF_FLAT_SIZE(f->capacity) ||
		f->nevents < 0 || f->nevents > f->capacity || f->window_us < 0 ||
		!WF_MODES_VALID(f->modes))
		CorruptFlat("bad header");
	if (f->sort_id != 0 && LiveSort(f->sort_id) == NULL)
		CorruptFlat("its sorted events belong to another query");
	return f;
}

/*
 * Makes room in f for n more events: f itself when it has it, else a copy
 * with at least twice the room, in the current context (the executor copies
 * a new transition value into the aggregate's memory and frees the old).
 */
static WFFlat *
FlatRoom(WFFlat *f, int32 n)
{
	int64		need = (int64) f->nevents + n;
	int64		cap;
	WFFlat	   *g;

	if (need <= f->capacity)
		return f;
	if (need > WF_FLAT_MAX_EVENTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("window_funnel holds at most %d events per group", WF_FLAT_MAX_EVENTS)));
	cap = Min(Max(Max((int64) f->capacity * 2, need), 4), WF_FLAT_MAX_EVENTS);
	g = NewFlat(f->window_us, f->modes, (int32) cap);
	memcpy(g->events, f->events, f->nevents * sizeof(WFEvent));
	g->nevents = f->nevents;
	return g;
}

/* Executor callback: ends a group's sort when its aggregate's memory goes. */
static void
EndSort(Datum arg)
{
	WFSort	   *s = (WFSort *) DatumGetPointer(arg);

	if (s->sort != NULL)
		tuplesort_end(s->sort);
	s->sort = NULL;
	RemoveLiveSort(s);
}

/*
 * True when a group's events may go to a sort: the state is this process's
 * own until window_funnel's final function reads it (a plain or finalizing
 * Agg node, not a partial one, nor a window, nor an aggregate of a user's
 * that returns the state itself, nor a state shared with one).
 */
static bool
MaySpill(FunctionCallInfo fcinfo)
{
	AggState   *as;
	Aggref	   *ref;
	HeapTuple	tup;
	Oid			finalfn = InvalidOid;
	FmgrInfo	fin;

	if (fcinfo->context == NULL || !IsA(fcinfo->context, AggState))
		return false;
	as = (AggState *) fcinfo->context;
	if (DO_AGGSPLIT_SKIPFINAL(as->aggsplit) || as->curpertrans == NULL ||
		as->curpertrans->aggshared)
		return false;
	ref = AggGetAggref(fcinfo);
	if (ref == NULL)
		return false;
	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(ref->aggfnoid));
	if (!HeapTupleIsValid(tup))
		return false;
	finalfn = ((Form_pg_aggregate) GETSTRUCT(tup))->aggfinalfn;
	ReleaseSysCache(tup);
	if (!OidIsValid(finalfn))
		return false;
	fmgr_info(finalfn, &fin);
	return fin.fn_addr == window_funnel_state_final;
}

/* A new sort for a group's events, in the aggregate's memory, ended with it. */
static WFSort *
NewSort(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "window_funnel");
	MemoryContext old = MemoryContextSwitchTo(aggcxt);
	WFSort	   *s = palloc0(sizeof(WFSort));
	TupleDesc	desc = CreateTemplateTupleDesc(2);
	AttrNumber	cols[2] = {1, 2};
	Oid			ops[2] = {Int8LessOperator, Int4LessOperator};
	Oid			colls[2] = {InvalidOid, InvalidOid};
	bool		nulls_first[2] = {false, false};

	TupleDescInitEntry(desc, 1, "at", INT8OID, -1, 0);
	TupleDescInitEntry(desc, 2, "slot", INT4OID, -1, 0);
	s->put = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	s->get = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	s->sort = tuplesort_begin_heap(desc, 2, cols, ops, colls, nulls_first,
								   Max((int) (AlignMemoryBudget() / 2048), 64), NULL,
								   TUPLESORT_RANDOMACCESS);
	AggRegisterCallback(fcinfo, EndSort, PointerGetDatum(s));
	AddLiveSort(s);
	MemoryContextSwitchTo(old);
	return s;
}

/* Adds n events to a group's sort. */
static void
SortPut(WFSort *s, const WFEvent *ev, int32 n)
{
	for (int32 i = 0; i < n; i++)
	{
		ExecClearTuple(s->put);
		s->put->tts_values[0] = Int64GetDatum(ev[i].at);
		s->put->tts_values[1] = Int32GetDatum(ev[i].slot);
		s->put->tts_isnull[0] = s->put->tts_isnull[1] = false;
		ExecStoreVirtualTuple(s->put);
		tuplesort_puttupleslot(s->sort, s->put);
		if ((i & 0x3FFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Adds n events to a group's value: in place while it has room.  When the
 * value would grow past half the memory budget, the events go to the
 * group's sort instead, and the value (cut to half the budget, if a partial
 * state came in larger) is a buffer in front of it.  Returns the value (a
 * new one when it grew or was cut).
 */
static WFFlat *
AddEvents(FunctionCallInfo fcinfo, WFFlat *f, const WFEvent *ev, int32 n)
{
	/* at most half the budget, and well within what one value may hold */
	Size		half = Min(AlignMemoryBudget() / 2, MaxAllocSize / 4);
	int64		need = (int64) f->nevents + n;
	WFSort	   *sort = f->sort_id != 0 ? LiveSort(f->sort_id) : NULL;

	/* FlatRoom doubles the room: spill before that passes half the budget */
	if (sort == NULL && need > f->capacity &&
		WF_FLAT_SIZE(Max(need, (int64) f->capacity * 2)) > half && MaySpill(fcinfo))
	{
		int64		room = half > WF_FLAT_SIZE(4) ?
			(int64) ((half - offsetof(WFFlat, events)) / sizeof(WFEvent)) : 4;

		sort = NewSort(fcinfo);
		SortPut(sort, f->events, f->nevents);
		f->nevents = 0;
		if (f->capacity > room)
			f = NewFlat(f->window_us, f->modes, (int32) room);
		f->sort_id = sort->id;
		need = n;
	}
	if (sort != NULL && sort->sorted)
		elog(ERROR, "window_funnel: an event after the group's final function");
	if (sort != NULL && need > f->capacity)
	{
		SortPut(sort, f->events, f->nevents);
		f->nevents = 0;
		if (n > f->capacity)
		{
			SortPut(sort, ev, n);
			return f;
		}
	}
	f = FlatRoom(f, n);
	memcpy(f->events + f->nevents, ev, n * sizeof(WFEvent));
	f->nevents += n;
	return f;
}

/* Reads a group's next event; false after the last. */
static bool
NextEvent(WFEvents *ev, TimestampTz *at, int *slot)
{
	if (ev->sort == NULL)
	{
		if (ev->pos >= ev->n)
			return false;
		*at = ev->array[ev->pos].at;
		*slot = ev->array[ev->pos].slot;
		ev->pos++;
		return true;
	}
	if (!tuplesort_gettupleslot(ev->sort->sort, true, false, ev->sort->get, NULL))
		return false;
	slot_getallattrs(ev->sort->get);
	*at = DatumGetInt64(ev->sort->get->tts_values[0]);
	*slot = DatumGetInt32(ev->sort->get->tts_values[1]);
	return true;
}

/* Reads a group's events from the first again. */
static void
RewindEvents(WFEvents *ev)
{
	ev->pos = 0;
	if (ev->sort != NULL)
		tuplesort_rescan(ev->sort->sort);
}

/*
 * One walk over all a group's events under modes (observed as WalkBegin
 * takes it): the furthest ladder slot, or -1; the stages the group has
 * events at into entered, if not NULL.
 */
static int
WalkEvents(WFEvents *ev, int nstages, int modes, int64 window_us, const bool *observed,
		   bool *entered)
{
	WFWalk		w;
	TimestampTz at;
	int			slot;

	RewindEvents(ev);
	WalkBegin(&w, nstages, modes, window_us, observed);
	while (NextEvent(ev, &at, &slot))
		WalkEvent(&w, at, slot);
	if (entered != NULL)
		memcpy(entered, w.entered, sizeof(w.entered));
	return w.best;
}

/* The statement start of the last statement told that strict stopped short (see GroupFurthest). */
static TimestampTz strict_notice_stmt = DT_NOBEGIN;

/*
 * True when strict stopped a group's chains at best below a stage it has
 * events at, and the next ladder stage never occurs in the group.
 */
static bool
StoppedBeforeMissing(const bool *entered, int nstages, int best)
{
	if (best < 0 || best + 1 >= nstages || entered[best + 1])
		return false;
	for (int s = best + 2; s < nstages; s++)
		if (entered[s])
			return true;
	return false;
}

/*
 * The furthest ladder slot any chain of a group's events reaches, or -1.
 * strict_observed first reads which stages the group has events at.
 * Under strict, when strict_observed would have reached further (the chains
 * stopped only because the next ladder stage never occurs in the group), a
 * NOTICE says so, once per statement: found on one group, it holds for the
 * report, and the other groups are not walked twice.
 */
static int
GroupFurthest(WFEvents *ev, int nstages, int modes, int64 window_us)
{
	bool		entered[FUNNEL_MAX_STAGES] = {false};
	int			best;

	if (modes & WF_STRICT_OBSERVED)
	{
		TimestampTz at;
		int			slot;

		RewindEvents(ev);
		while (NextEvent(ev, &at, &slot))
			if (slot >= 0 && slot < nstages)
				entered[slot] = true;
	}
	best = WalkEvents(ev, nstages, modes, window_us,
					  (modes & WF_STRICT_OBSERVED) ? entered : NULL, entered);
	if ((modes & WF_STRICT) && strict_notice_stmt != GetCurrentStatementStartTimestamp() &&
		StoppedBeforeMissing(entered, nstages, best) &&
		WalkEvents(ev, nstages, (modes & ~WF_STRICT) | WF_STRICT_OBSERVED, window_us,
				   entered, NULL) > best)
	{
		strict_notice_stmt = GetCurrentStatementStartTimestamp();
		ereport(NOTICE,
				(errmsg("window_funnel mode strict stopped chains at a stage whose next ladder "
						"stage never occurs in their group"),
				 errdetail("strict steps only to the next stage of the ladder: a group with no "
						   "event at a stage reaches no stage above it."),
				 errhint("Mode strict_observed steps to the next stage the group has events at. "
						 "This notice is given once per statement.")));
	}
	return best;
}

/* The furthest ladder slot of a group whose events went to a sort, or -1. */
static int
SortedFurthestSlot(WFFlat *f, int nstages)
{
	WFSort	   *s = LiveSort(f->sort_id);
	WFEvents	ev = {0};

	if (!s->sorted)
	{
		SortPut(s, f->events, f->nevents);
		f->nevents = 0;
		tuplesort_performsort(s->sort);
		s->sorted = true;
	}
	ev.sort = s;
	return GroupFurthest(&ev, nstages, f->modes, f->window_us);
}

/*
 * A WFState over a copy of a value's events, for FurthestSlot to sort: the
 * value may be a stored one, read in place from a shared buffer.
 */
static WFState
StateOver(const WFFlat *f)
{
	WFState		st;

	st.window_us = f->window_us;
	st.modes = f->modes;
	st.nevents = f->nevents;
	st.capacity = f->nevents;
	st.events = palloc(Max(f->nevents, 1) * sizeof(WFEvent));
	memcpy(st.events, f->events, f->nevents * sizeof(WFEvent));
	return st;
}

PG_FUNCTION_INFO_V1(window_funnel_state_trans);
/*
 * Transition over a window_funnel_state: remembers one event, in place
 * while the value has room.  NULL stage or at: skipped.
 */
Datum
window_funnel_state_trans(PG_FUNCTION_ARGS)
{
	WFCallSite *site;
	WFFlat	   *f;
	int64		window_us;
	int			modes;
	int			slot;

	(void) AlignAggContext(fcinfo, "window_funnel");
	site = GetCallSite(fcinfo, 3);
	CallWindowModes(fcinfo, site, &window_us, &modes);
	if (PG_ARGISNULL(0))
		f = NewFlat(window_us, modes, 4);
	else
	{
		f = FlatOf(PG_GETARG_DATUM(0));
		if (f->window_us != window_us || f->modes != modes)
			MixedArguments();
	}
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(f);
	slot = StageMapSlot(&site->map, PG_GETARG_DATUM(3));
	if (slot >= 0)
	{
		WFEvent		ev;

		ev.at = CheckTime(PG_GETARG_TIMESTAMPTZ(2), "window_funnel() at");
		ev.slot = slot;
		if (likely(f->nevents < f->capacity))
			f->events[f->nevents++] = ev;
		else
			f = AddEvents(fcinfo, f, &ev, 1);
	}
	PG_RETURN_POINTER(f);
}

PG_FUNCTION_INFO_V1(window_funnel_state_combine);
/* Combine over a window_funnel_state: the first group's events and the second's. */
Datum
window_funnel_state_combine(PG_FUNCTION_ARGS)
{
	WFFlat	   *a;
	WFFlat	   *b;

	(void) AlignAggContext(fcinfo, "window_funnel_combine");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		return PG_GETARG_DATUM(0);
	}
	b = FlatOf(PG_GETARG_DATUM(1));
	/* the first state too goes through AddEvents: past the budget, to a sort */
	a = PG_ARGISNULL(0) ? NewFlat(b->window_us, b->modes, 4) : FlatOf(PG_GETARG_DATUM(0));
	if (a->window_us != b->window_us || a->modes != b->modes)
		MixedArguments();
	PG_RETURN_POINTER(AddEvents(fcinfo, a, b->events, b->nevents));
}

PG_FUNCTION_INFO_V1(window_funnel_state_final);
/* Final over a window_funnel_state: the furthest stage as lead_stage (or as the enum), NULL if none. */
Datum
window_funnel_state_final(PG_FUNCTION_ARGS)
{
	StageMap   *map = &GetCallSite(fcinfo, 3)->map;
	WFFlat	   *f;
	Datum		result;
	int			best;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	f = FlatOf(PG_GETARG_DATUM(0));
	if (f->sort_id != 0)
		best = SortedFurthestSlot(f, map->nstages);
	else
	{
		WFState		st = StateOver(f);

		best = FurthestSlot(&st, map->nstages);
		pfree(st.events);
	}
	if (!ResultStage(best, map, &result))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* The portable form of a value: version, window, modes, events (time, slot). */
static void
SendFlat(const WFFlat *f, StringInfo buf)
{
	if (f->sort_id != 0)
		elog(ERROR, "window_funnel: a group's sorted events cannot be handed over");
	pq_sendbyte(buf, WF_PORTABLE_VERSION);
	pq_sendint64(buf, f->window_us);
	pq_sendint32(buf, f->modes);
	pq_sendint32(buf, f->nevents);
	for (int i = 0; i < f->nevents; i++)
	{
		pq_sendint64(buf, f->events[i].at);
		pq_sendbyte(buf, (uint8) f->events[i].slot);
	}
}

/* Reads the portable form into a new value, checking every field. */
static WFFlat *
ReceiveFlat(StringInfo msg)
{
	int64		window_us;
	int			modes;
	int			n;
	WFFlat	   *f;

	if (msg->len - msg->cursor < 17 || pq_getmsgbyte(msg) != WF_PORTABLE_VERSION)
		CorruptFlat("unsupported version");
	window_us = pq_getmsgint64(msg);
	modes = (int) pq_getmsgint(msg, 4);
	n = (int) pq_getmsgint(msg, 4);
	if (window_us < 0 || !WF_MODES_VALID(modes) || n < 0 || n > (msg->len - msg->cursor) / 9)
		CorruptFlat("bad header");
	f = NewFlat(window_us, modes, n);
	for (int i = 0; i < n; i++)
	{
		f->events[i].at = pq_getmsgint64(msg);
		f->events[i].slot = pq_getmsgbyte(msg);
		if (f->events[i].slot >= FUNNEL_MAX_STAGES + STAGE_OUTCOMES)
			CorruptFlat("bad stage slot");
	}
	f->nevents = n;
	if (msg->cursor != msg->len)
		CorruptFlat("trailing bytes");
	return f;
}

/*
 * Calls a window_funnel_state transition or combine function for
 * window_funnel over an enum, whose state type is internal: a pseudo type
 * makes Citus gather the rows instead of calling worker_partial_agg, whose
 * type check an aggregate with a polymorphic argument cannot pass.  The
 * executor neither copies an internal state into the aggregate's memory
 * nor frees the one it replaces, so this does both.
 */
static Datum
InternalStateCall(PGFunction fn, FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext old = MemoryContextSwitchTo(AlignAggContext(fcinfo, fname));
	Datum		prev = PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0);
	Datum		result = fn(fcinfo);

	MemoryContextSwitchTo(old);
	if (prev != (Datum) 0 && !fcinfo->isnull && result != prev)
		pfree(DatumGetPointer(prev));
	return result;
}

PG_FUNCTION_INFO_V1(window_funnel_internal_trans);
/* Transition of window_funnel over an enum (internal state): window_funnel_state_trans's. */
Datum
window_funnel_internal_trans(PG_FUNCTION_ARGS)
{
	return InternalStateCall(window_funnel_state_trans, fcinfo, "window_funnel");
}

PG_FUNCTION_INFO_V1(window_funnel_internal_combine);
/* Combine of window_funnel over an enum (internal state): window_funnel_state_combine's. */
Datum
window_funnel_internal_combine(PG_FUNCTION_ARGS)
{
	return InternalStateCall(window_funnel_state_combine, fcinfo, "window_funnel_combine");
}

PG_FUNCTION_INFO_V1(window_funnel_internal_deserialize);
/*
 * Deserialize of window_funnel over an enum: the portable form, checked,
 * in the current (per-row) memory, as the combine function only reads it.
 */
Datum
window_funnel_internal_deserialize(PG_FUNCTION_ARGS)
{
	StringInfoData msg;

	(void) AlignAggContext(fcinfo, "window_funnel_deserialize");
	InitStateMessage(&msg, PG_GETARG_BYTEA_PP(0));
	PG_RETURN_POINTER(ReceiveFlat(&msg));
}

PG_FUNCTION_INFO_V1(window_funnel_state_in);
/* Text input: base64 of the portable form (white space ignored), checked. */
Datum
window_funnel_state_in(PG_FUNCTION_ARGS)
{
	StringInfoData msg;

	StateTextDecode(&msg, PG_GETARG_CSTRING(0), "window_funnel_state");
	PG_RETURN_POINTER(ReceiveFlat(&msg));
}

PG_FUNCTION_INFO_V1(window_funnel_state_out);
/* Text output: the portable form in base64. */
Datum
window_funnel_state_out(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	initStringInfo(&buf);
	SendFlat(FlatOf(PG_GETARG_DATUM(0)), &buf);
	PG_RETURN_CSTRING(StateTextEncode(buf.data, buf.len));
}

PG_FUNCTION_INFO_V1(window_funnel_state_recv);
/* Binary input: the portable form, checked. */
Datum
window_funnel_state_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(ReceiveFlat((StringInfo) PG_GETARG_POINTER(0)));
}

PG_FUNCTION_INFO_V1(window_funnel_state_send);
/* Binary output: the portable form. */
Datum
window_funnel_state_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	SendFlat(FlatOf(PG_GETARG_DATUM(0)), &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
