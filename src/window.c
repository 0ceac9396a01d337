/*
 * window.c
 *		The handoff-gap window functions: handoff_gap, time_in_stage,
 *		sla_breached and handoff_count, and handoff_gap_hours and
 *		time_in_stage_hours (the same durations as float8 hours), used as
 *		f(...) OVER (PARTITION BY lead ORDER BY at); and the overloads of
 *		the duration functions with a last work_calendar argument, which
 *		measure working time instead of wall-clock time.
 *
 * Each function makes one pass over its partition in window order, keeping
 * what it needs of the rows already seen (the latest time, the current
 * owner and when that owner last acted, the number of handoffs) in the
 * window's partition-local memory, which PostgreSQL zeroes at the start of
 * every partition.  Looking ahead is limited to the next row
 * (time_in_stage) or, for sla_breached with as_of, to the rows up to the
 * next row that has an owner; every row is looked at a bounded number of
 * times, so each function is O(rows) per partition.
 *
 * Shared semantics:
 *	- A NULL owner neither starts nor ends a handoff: rows with a NULL owner
 *	  are skipped by the owner logic as if they were absent.
 *	- A NULL at makes the durations that need it NULL, and the row is
 *	  skipped by the time-order check; its owner still counts, so
 *	  handoff_count and handoff_gap agree on which rows are handoffs.
 *	- Rows whose at is smaller than an earlier row's at in the same
 *	  partition are an error (22000): the window is missing ORDER BY at.
 *	  Equal times are allowed; rows then keep the window's order.
 *	- as_of (time_in_stage, sla_breached) only matters on the last row (for
 *	  sla_breached: the last row with an owner), and only when it is known
 *	  and not before that row's at; otherwise the row is treated as if no
 *	  as_of had been given.
 *	- The sla is read by align's one interval rule (interval_rule.c): its
 *	  total, a negative total an error (22023); a NULL sla gives NULL on the
 *	  rows it would judge.
 *	- With a calendar (the last argument), every duration is the working
 *	  time of the calendar of the row the result is on: the handoff row for
 *	  handoff_gap and sla_breached, the row whose stay is measured for
 *	  time_in_stage, the last owned row for sla_breached's open wait.  The
 *	  sla is then working time too.  A NULL calendar gives NULL where a
 *	  duration would be measured; the ownership sequence and the time-order
 *	  check go on as without a calendar.  The expanded calendars are cached
 *	  in fn_extra (calendar.h), so a constant calendar is expanded once per
 *	  query, not per partition.
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "windowapi.h"

#include "align.h"
#include "calendar.h"
#include "interval_rule.h"

/* Argument positions shared by the functions that take them. */
#define ARG_AT			0		/* at timestamptz, first argument */
#define ARG_OWNER		1		/* owner anyelement, after at */
#define ARG_SLA			2		/* sla interval, after owner */
#define ARG_SLA_AS_OF	3		/* as_of timestamptz of sla_breached */
#define ARG_TIS_AS_OF	1		/* as_of timestamptz of time_in_stage */
#define NO_ARG			(-1)	/* an optional argument not given */

/*
 * What a function knows about its owner argument's type, looked up once per
 * query.
 */
typedef struct OwnerType
{
	Oid			typid;			/* the owner argument's actual type (InvalidOid:
								 * not looked up yet) */
	int16		typlen;			/* its length, for datumCopy */
	bool		typbyval;		/* passed by value? */
	FmgrInfo   *eq;				/* its default equality (in the type cache) */
} OwnerType;

/*
 * What a function keeps for the whole query, across partitions: in
 * fn_extra, allocated in fn_mcxt.
 */
typedef struct WindowCache
{
	OwnerType	owner;			/* the owner argument's type */
	CalendarCache *calendars;	/* the calendar argument's expanded values */
} WindowCache;

/*
 * The time-order check: the latest non-NULL at of the partition so far.
 */
typedef struct TimeOrder
{
	bool		seen;			/* has any row had a non-NULL at? */
	TimestampTz latest;			/* the largest at so far */
} TimeOrder;

/*
 * Per-partition state of the owner-following functions, in
 * partition-local memory (zeroed at each partition start).
 */
typedef struct HandoffState
{
	TimeOrder	order;			/* time-order check */
	bool		has_owner;		/* has a row with an owner been seen? */
	Datum		owner;			/* owner of the latest such row; by-ref
								 * owners are copied into partition memory */
	bool		owner_at_null;	/* was that row's at NULL? */
	TimestampTz owner_at;		/* that row's at: when the owner last acted */
	int64		handoffs;		/* ownership changes so far */
} HandoffState;

/* What one row contributes to the ownership sequence. */
typedef struct HandoffStep
{
	bool		owned;			/* the row has a non-NULL owner */
	bool		handoff;		/* the row's owner differs from the previous
								 * owner: it is the first row of a new owner */
	bool		gap_null;		/* gap unknown (not a handoff, or an at NULL) */
	TimestampTz from;			/* where the gap starts: the previous owner's
								 * last at (the row's at ends it) */
} HandoffStep;

/* Raises the out-of-order error for fname: a row at later follows a row at earlier. */
static void
ReportOutOfOrder(const char *fname, TimestampTz earlier, TimestampTz later)
{
	/* timestamptz_to_str returns a static buffer: copy the first result */
	char	   *first = pstrdup(timestamptz_to_str(earlier));

	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("rows passed to %s() are not in time order", fname),
			 errdetail("A row at %s follows a row at %s in the same partition.",
					   timestamptz_to_str(later), first),
			 errhint("Add ORDER BY at to the window, e.g. %s(...) OVER (PARTITION BY lead ORDER BY at).",
					 fname)));
}

/* Checks that at (if not NULL) is not earlier than any earlier row's at. */
static void
CheckTimeOrder(const char *fname, TimeOrder *order, bool at_null, TimestampTz at)
{
	if (at_null)
		return;
	if (order->seen && at < order->latest)
		ReportOutOfOrder(fname, order->latest, at);
	order->seen = true;
	order->latest = at;
}

/* The function's query-long cache in fn_extra, allocated on first use. */
static WindowCache *
GetWindowCache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(WindowCache));
	return (WindowCache *) fcinfo->flinfo->fn_extra;
}

/* Looks up (once per query) the owner argument's type and its equality. */
static OwnerType *
GetOwnerType(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	OwnerType  *info = &GetWindowCache(fcinfo)->owner;
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
	TypeCacheEntry *typentry;

	if (OidIsValid(info->typid) && info->typid == typid)
		return info;

	if (!OidIsValid(typid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s() could not determine the type of its owner argument", fname)));

	typentry = lookup_type_cache(typid, TYPECACHE_EQ_OPR_FINFO);
	if (!OidIsValid(typentry->eq_opr_finfo.fn_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("%s() cannot compare owners of type %s",
						fname, format_type_be(typid)),
				 errdetail("Type %s has no default equality operator.",
						   format_type_be(typid)),
				 errhint("Pass an owner of a type with equality (text, an integer id, stage_team(stage)), or cast it, e.g. owner::text.")));

	info->typid = typid;
	get_typlenbyval(typid, &info->typlen, &info->typbyval);
	info->eq = &typentry->eq_opr_finfo;	/* lives in the type cache */
	return info;
}

/*
 * Advances the ownership sequence by the current row, whose owner is
 * argument argno and whose at is given, and says whether the row is a
 * handoff and where its gap starts.
 */
static HandoffStep
StepOwner(FunctionCallInfo fcinfo, WindowObject winobj, HandoffState *state,
		  OwnerType *type, int argno, bool at_null, TimestampTz at)
{
	HandoffStep step = {false, false, true, 0};
	bool		owner_null;
	Datum		owner = WinGetFuncArgCurrent(winobj, argno, &owner_null);

	if (owner_null)
		return step;			/* neither starts nor ends a handoff */
	step.owned = true;

	if (state->has_owner &&
		!DatumGetBool(FunctionCall2Coll(type->eq, PG_GET_COLLATION(),
										state->owner, owner)))
	{
		step.handoff = true;
		state->handoffs++;
		if (!at_null && !state->owner_at_null)
		{
			step.gap_null = false;
			step.from = state->owner_at;
		}
	}

	if (!state->has_owner || step.handoff)
	{
		/*
		 * Keep the new owner for the rest of the partition.  A by-ref owner
		 * is copied into the memory context of the partition-local state,
		 * which lives exactly as long as the partition.
		 */
		if (!type->typbyval)
		{
			MemoryContext partcxt = GetMemoryChunkContext(state);
			MemoryContext oldcxt;

			if (state->has_owner)
				pfree(DatumGetPointer(state->owner));
			oldcxt = MemoryContextSwitchTo(partcxt);
			state->owner = datumCopy(owner, false, type->typlen);
			MemoryContextSwitchTo(oldcxt);
		}
		else
			state->owner = owner;
		state->has_owner = true;
	}
	state->owner_at_null = at_null;
	state->owner_at = at;
	return step;
}

/*
 * Reads a timestamptz argument of the current row, checked against align's
 * time range (an error names it as what); *isnull says if it is NULL.
 */
static TimestampTz
CurrentTime(WindowObject winobj, int argno, bool *isnull, const char *what)
{
	Datum		value = WinGetFuncArgCurrent(winobj, argno, isnull);

	return *isnull ? 0 : CheckTime(DatumGetTimestampTz(value), what);
}

/*
 * The current row's sla argument in microseconds, by align's one interval
 * rule (interval_rule.c); *isnull says if it is NULL.
 */
static int64
CurrentSla(WindowObject winobj, bool *isnull)
{
	Datum		sla = WinGetFuncArgCurrent(winobj, ARG_SLA, isnull);

	if (*isnull)
		return 0;
	return IntervalArgMicroseconds(DatumGetIntervalP(sla), "sla_breached() sla",
								   "Pass the longest acceptable handoff gap, e.g. interval '24 hours'.");
}

/*
 * True if no row after the current one (whose at is given, not NULL) in the
 * partition has an owner.
 * Reads ahead up to the next row with an owner (checking the time order of
 * the rows it passes), so that over a partition every row is read ahead at
 * most once.
 */
static bool
IsLastOwnedRow(WindowObject winobj, TimestampTz at)
{
	TimestampTz prev = at;

	for (int relpos = 1;; relpos++)
	{
		bool		isnull;
		bool		isout;
		Datum		next_at;

		(void) WinGetFuncArgInPartition(winobj, ARG_OWNER, relpos,
										WINDOW_SEEK_CURRENT, false,
										&isnull, &isout);
		if (isout)
			return true;
		if (!isnull)
			return false;

		/* a row without an owner: still part of the time order */
		next_at = WinGetFuncArgInPartition(winobj, ARG_AT, relpos,
										   WINDOW_SEEK_CURRENT, false,
										   &isnull, &isout);
		if (!isnull)
		{
			TimestampTz t = CheckTime(DatumGetTimestampTz(next_at), "sla_breached() at");

			if (t < prev)
				ReportOutOfOrder("sla_breached", prev, t);
			prev = t;
		}
		if (relpos == PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("sla_breached() cannot look ahead more than %d rows in a partition",
							PG_INT32_MAX)));
	}
}

/* A judgment in SQL's three-valued logic. */
typedef enum Verdict
{
	VERDICT_NONE,				/* nothing judged on this row */
	VERDICT_NULL,				/* judged, but an input was NULL */
	VERDICT_FALSE,
	VERDICT_TRUE
} Verdict;

/* Combines two verdicts like SQL's OR; VERDICT_NONE is the identity. */
static Verdict
VerdictOr(Verdict a, Verdict b)
{
	if (a == VERDICT_NONE)
		return b;
	if (b == VERDICT_NONE)
		return a;
	if (a == VERDICT_TRUE || b == VERDICT_TRUE)
		return VERDICT_TRUE;
	if (a == VERDICT_NULL || b == VERDICT_NULL)
		return VERDICT_NULL;
	return VERDICT_FALSE;
}

/* Judges a wait against the sla (microseconds): NULL if either is unknown. */
static Verdict
JudgeWait(bool wait_null, int64 wait, bool sla_null, int64 sla)
{
	if (wait_null || sla_null)
		return VERDICT_NULL;
	return wait > sla ? VERDICT_TRUE : VERDICT_FALSE;
}

/*
 * The names a duration function gives in its errors: the interval form
 * (handoff_gap) or the hours form (handoff_gap_hours), so that an error
 * names the function the query called.
 */
typedef struct DurationNames
{
	const char *fname;			/* "handoff_gap" */
	const char *call;			/* "handoff_gap()" */
	const char *at;				/* "handoff_gap() at" */
	const char *as_of;			/* "time_in_stage() as_of", or NULL */
} DurationNames;

static const DurationNames GapNames[2] = {
	{"handoff_gap", "handoff_gap()", "handoff_gap() at", NULL},
	{"handoff_gap_hours", "handoff_gap_hours()", "handoff_gap_hours() at", NULL}
};
static const DurationNames StayNames[2] = {
	{"time_in_stage", "time_in_stage()", "time_in_stage() at", "time_in_stage() as_of"},
	{"time_in_stage_hours", "time_in_stage_hours()", "time_in_stage_hours() at",
	"time_in_stage_hours() as_of"}
};

/*
 * The current row's duration from from to to (from <= to, both inside
 * align's time range) in *us: the wall-clock time when calarg is NO_ARG,
 * else the working time in the current row's calendar (argument calarg);
 * false if that calendar is NULL (the duration is unknown).  An error names
 * call.
 */
static bool
MeasureSpan(FunctionCallInfo fcinfo, WindowObject winobj, int calarg,
			TimestampTz from, TimestampTz to, const char *call, int64 *us)
{
	bool		cal_null;
	Datum		cal;

	if (calarg == NO_ARG)
	{
		*us = TimeDifference(from, to, call);
		return true;
	}
	cal = WinGetFuncArgCurrent(winobj, calarg, &cal_null);
	if (cal_null)
		return false;
	*us = CalendarWorkingTime(CalendarCached(&GetWindowCache(fcinfo)->calendars,
											 fcinfo->flinfo->fn_mcxt, cal),
							  from, to);
	return true;
}

/*
 * The positions of a call's optional arguments: as_of (at as_of_pos, if the
 * function has one and the call passes it) and the calendar (the last
 * argument, for the overloads that take one); NO_ARG where absent.
 */
typedef struct OptionalArgs
{
	int			as_of;
	int			cal;
} OptionalArgs;

/*
 * The optional arguments of this call of a function whose as_of, if any,
 * is argument as_of_pos (NO_ARG: it has none) and whose overload with_cal
 * takes a calendar last.
 */
static OptionalArgs
GetOptionalArgs(FunctionCallInfo fcinfo, int as_of_pos, bool with_cal)
{
	OptionalArgs args;
	int			nargs = PG_NARGS() - (with_cal ? 1 : 0);

	args.as_of = (as_of_pos != NO_ARG && nargs > as_of_pos) ? as_of_pos : NO_ARG;
	args.cal = with_cal ? PG_NARGS() - 1 : NO_ARG;
	return args;
}

/* A duration function's result: the interval, or hours (float8). */
static Datum
DurationDatum(int64 us, bool hours)
{
	if (hours)
		return Float8GetDatum(MicrosecondsHours(us));
	return IntervalPGetDatum(MicrosecondsInterval(us));
}

/*
 * handoff_gap's step: on the first row of a new owner, the time since the
 * previous owner's last row (wall clock, or working time in the calendar
 * argument calarg) in *gap (microseconds) and true; else false.
 */
static bool
HandoffGapStep(FunctionCallInfo fcinfo, const DurationNames *names, int calarg, int64 *gap)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	OwnerType  *type = GetOwnerType(fcinfo, ARG_OWNER, names->fname);
	HandoffState *state = WinGetPartitionLocalMemory(winobj, sizeof(HandoffState));
	bool		at_null;
	TimestampTz at = CurrentTime(winobj, ARG_AT, &at_null, names->at);
	HandoffStep step;
	bool		known;

	CheckTimeOrder(names->fname, &state->order, at_null, at);
	step = StepOwner(fcinfo, winobj, state, type, ARG_OWNER, at_null, at);
	known = !step.gap_null &&
		MeasureSpan(fcinfo, winobj, calarg, step.from, at, names->call, gap);

	/* no earlier row is needed again: let the tuplestore forget them */
	WinSetMarkPosition(winobj, WinGetCurrentPosition(winobj));
	return known;
}

/*
 * handoff_gap and handoff_gap_hours, with or without a calendar: the gap
 * as an interval or in hours, NULL where there is none.
 */
static Datum
HandoffGapResult(FunctionCallInfo fcinfo, bool hours, bool with_cal)
{
	OptionalArgs args = GetOptionalArgs(fcinfo, NO_ARG, with_cal);
	int64		gap;

	if (!HandoffGapStep(fcinfo, &GapNames[hours ? 1 : 0], args.cal, &gap))
		PG_RETURN_NULL();
	return DurationDatum(gap, hours);
}

PG_FUNCTION_INFO_V1(handoff_gap);
/* Window function: on the first row of a new owner, the time since the previous owner's last row. */
Datum
handoff_gap(PG_FUNCTION_ARGS)
{
	return HandoffGapResult(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(handoff_gap_hours);
/* Window function: handoff_gap in hours (float8), for tools that cannot read an interval. */
Datum
handoff_gap_hours(PG_FUNCTION_ARGS)
{
	return HandoffGapResult(fcinfo, true, false);
}

PG_FUNCTION_INFO_V1(handoff_gap_cal);
/* Window function: handoff_gap(at, owner, cal), the gap in the handoff row's working time. */
Datum
handoff_gap_cal(PG_FUNCTION_ARGS)
{
	return HandoffGapResult(fcinfo, false, true);
}

PG_FUNCTION_INFO_V1(handoff_gap_hours_cal);
/* Window function: handoff_gap_hours(at, owner, cal), the working-time gap in hours. */
Datum
handoff_gap_hours_cal(PG_FUNCTION_ARGS)
{
	return HandoffGapResult(fcinfo, true, true);
}

PG_FUNCTION_INFO_V1(handoff_count);
/* Window function: the number of ownership changes up to and including this row. */
Datum
handoff_count(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	OwnerType  *type = GetOwnerType(fcinfo, 0, "handoff_count");
	HandoffState *state = WinGetPartitionLocalMemory(winobj, sizeof(HandoffState));

	(void) StepOwner(fcinfo, winobj, state, type, 0, true, 0);
	WinSetMarkPosition(winobj, WinGetCurrentPosition(winobj));

	if (state->handoffs > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("handoff_count() exceeds the integer range in one partition")));
	PG_RETURN_INT32((int32) state->handoffs);
}

/*
 * time_in_stage's step: the time until the next row, or on the last row
 * until as_of (if given and not before at), in *stay (microseconds; wall
 * clock, or working time in the current row's calendar) and true; false
 * when there is none (NULL).
 */
static bool
TimeInStageStep(FunctionCallInfo fcinfo, const DurationNames *names, OptionalArgs args,
				int64 *stay)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	TimeOrder  *order = WinGetPartitionLocalMemory(winobj, sizeof(TimeOrder));
	bool		at_null;
	TimestampTz at = CurrentTime(winobj, ARG_AT, &at_null, names->at);
	bool		next_null;
	bool		isout;
	Datum		next;

	CheckTimeOrder(names->fname, order, at_null, at);

	/* like lead(): read the next row and move the mark there */
	next = WinGetFuncArgInPartition(winobj, ARG_AT, 1, WINDOW_SEEK_CURRENT,
									true, &next_null, &isout);
	if (!isout)
	{
		TimestampTz next_at;

		if (at_null || next_null)
			return false;
		next_at = CheckTime(DatumGetTimestampTz(next), names->at);
		if (next_at < at)
			ReportOutOfOrder(names->fname, at, next_at);
		return MeasureSpan(fcinfo, winobj, args.cal, at, next_at, names->call, stay);
	}

	/* the last row of the partition: until as_of, if given and not before at */
	WinSetMarkPosition(winobj, WinGetCurrentPosition(winobj));
	if (args.as_of != NO_ARG && !at_null)
	{
		bool		as_of_null;
		TimestampTz as_of = CurrentTime(winobj, args.as_of, &as_of_null, names->as_of);

		if (!as_of_null && as_of >= at)
			return MeasureSpan(fcinfo, winobj, args.cal, at, as_of, names->call, stay);
	}
	return false;
}

/*
 * time_in_stage and time_in_stage_hours, with or without as_of and a
 * calendar: the stay as an interval or in hours, NULL where there is none.
 */
static Datum
TimeInStageResult(FunctionCallInfo fcinfo, bool hours, bool with_cal)
{
	OptionalArgs args = GetOptionalArgs(fcinfo, ARG_TIS_AS_OF, with_cal);
	int64		stay;

	if (!TimeInStageStep(fcinfo, &StayNames[hours ? 1 : 0], args, &stay))
		PG_RETURN_NULL();
	return DurationDatum(stay, hours);
}

PG_FUNCTION_INFO_V1(time_in_stage);
/* Window function: time until the next row; on the last row, until as_of if given. */
Datum
time_in_stage(PG_FUNCTION_ARGS)
{
	return TimeInStageResult(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(time_in_stage_hours);
/* Window function: time_in_stage in hours (float8), for tools that cannot read an interval. */
Datum
time_in_stage_hours(PG_FUNCTION_ARGS)
{
	return TimeInStageResult(fcinfo, true, false);
}

PG_FUNCTION_INFO_V1(time_in_stage_cal);
/* Window function: time_in_stage(at [, as_of], cal), the stay in the row's working time. */
Datum
time_in_stage_cal(PG_FUNCTION_ARGS)
{
	return TimeInStageResult(fcinfo, false, true);
}

PG_FUNCTION_INFO_V1(time_in_stage_hours_cal);
/* Window function: time_in_stage_hours(at [, as_of], cal), the working-time stay in hours. */
Datum
time_in_stage_hours_cal(PG_FUNCTION_ARGS)
{
	return TimeInStageResult(fcinfo, true, true);
}

/*
 * sla_breached, with or without as_of and a calendar: on a handoff row,
 * whether the gap exceeded sla; with as_of, the partition's last row with
 * an owner also judges the wait still open after it (from its at until
 * as_of).  With a calendar, gaps, waits and the sla are working time.
 */
static Datum
SlaBreachedResult(FunctionCallInfo fcinfo, bool with_cal)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	OptionalArgs args = GetOptionalArgs(fcinfo, ARG_SLA_AS_OF, with_cal);
	OwnerType  *type = GetOwnerType(fcinfo, ARG_OWNER, "sla_breached");
	HandoffState *state = WinGetPartitionLocalMemory(winobj, sizeof(HandoffState));
	bool		at_null;
	TimestampTz at = CurrentTime(winobj, ARG_AT, &at_null, "sla_breached() at");
	bool		sla_null;
	int64		sla;
	HandoffStep step;
	Verdict		verdict = VERDICT_NONE;

	CheckTimeOrder("sla_breached", &state->order, at_null, at);
	sla = CurrentSla(winobj, &sla_null);
	step = StepOwner(fcinfo, winobj, state, type, ARG_OWNER, at_null, at);

	if (step.handoff)
	{
		int64		gap = 0;
		bool		known = !step.gap_null &&
			MeasureSpan(fcinfo, winobj, args.cal, step.from, at, "sla_breached()", &gap);

		verdict = JudgeWait(!known, gap, sla_null, sla);
	}

	if (args.as_of != NO_ARG && step.owned && !at_null)
	{
		bool		as_of_null;
		TimestampTz as_of = CurrentTime(winobj, args.as_of, &as_of_null,
									   "sla_breached() as_of");

		/* the wait still open at as_of, if this is the last owned row */
		if (!as_of_null && as_of >= at && IsLastOwnedRow(winobj, at))
		{
			int64		wait = 0;
			bool		known = MeasureSpan(fcinfo, winobj, args.cal, at, as_of,
											"sla_breached()", &wait);

			verdict = VerdictOr(verdict, JudgeWait(!known, wait, sla_null, sla));
		}
	}
	WinSetMarkPosition(winobj, WinGetCurrentPosition(winobj));

	if (verdict == VERDICT_TRUE || verdict == VERDICT_FALSE)
		PG_RETURN_BOOL(verdict == VERDICT_TRUE);
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(sla_breached);
/*
 * Window function: on a handoff row, whether the gap exceeded sla; with
 * as_of, the partition's last row with an owner also judges the wait still
 * open after it (from its at until as_of).
 */
Datum
sla_breached(PG_FUNCTION_ARGS)
{
	return SlaBreachedResult(fcinfo, false);
}

PG_FUNCTION_INFO_V1(sla_breached_cal);
/* Window function: sla_breached(at, owner, sla [, as_of], cal), gaps and sla in working time. */
Datum
sla_breached_cal(PG_FUNCTION_ARGS)
{
	return SlaBreachedResult(fcinfo, true);
}
