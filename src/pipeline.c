/*
 * pipeline.c
 *		pipeline(lead, stage, at, grid_start, grid_end, step): the stock of
 *		leads in each stage at every point of a time grid, and the flows in
 *		and out of each stage between points, in one aggregate over raw stage
 *		history in any row order (issue 15); rollup(pipeline), pipeline_rows;
 *		and stages_at(stage, at, ts[]), a lead's stage at many times.
 *
 * The grid is generate_series(grid_start, grid_end, step): g_0 = grid_start,
 * g_{k+1} = g_k + step (timestamptz + interval: a month follows the session's
 * TimeZone) while <= grid_end.  A lead's stage at time T is the stage of its
 * latest event at or before T, tied events taken in ladder order (the
 * highest code last), as stage_stays orders them.  A move is an event at a
 * stage other than the lead's current one (its first event: a move from
 * nowhere); the moves in step k, (g_{k-1}, g_k] (for k = 0: (grid_start -
 * step, grid_start]), are counted per stage: entered (moves into it),
 * left_up and left_down (from it to a higher or lower ladder stage) and
 * exited (from it to an outcome).  A move out of an outcome back into the
 * ladder counts as left_up.  So for every k >= 1 and stage,
 *
 *		in_stage[k] = in_stage[k-1] + entered[k] - left_up[k] - left_down[k] - exited[k]
 *
 * and the aggregate keeps only the stock at g_0 and the flows: the stock at
 * the other points follows.
 *
 * The rows are kept by stage_stays' row store (handoff_summary.c: 24 bytes
 * a row, bucketed by lead hash, spilled past align.memory_budget,
 * concatenated by combine), an internal state, so Citus gathers the rows;
 * rows after the grid's last point are dropped at once.  The final
 * function walks each lead's rows in time order.  Its counters, stages x
 * points x 5, must fit align.memory_budget.
 *
 * The pipeline value keeps the ladder by its stage names (an enum's
 * qualified name, labels and declared outcomes), the step, the grid points
 * and the counts: its text form is JSON, its binary form versioned, and both
 * are read as hostile input.  Pipelines over disjoint lead sets with the
 * same grid and ladder add up exactly (rollup).
 *
 * stages_at keeps no rows: per distinct time of ts (sorted), the latest
 * (at, code) among the events after the previous time and at or before it;
 * a running maximum over the sorted times gives the stage at each.  One
 * binary search a row, memory bounded by ts, combine by maximum.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "align.h"
#include "callerless.h"
#include "handoff_state.h"
#include "interval_rule.h"
#include "key_hash.h"
#include "pg_compat.h"
#include "settings.h"
#include "stage_map.h"

/* The pipeline value's text, binary and stored forms. */
#define PIPELINE_VERSION	1

/* Most grid points of a pipeline. */
#define PIPELINE_MAX_POINTS 100000

/* Most times of a stages_at ts array. */
#define STAGES_AT_MAX_TIMES 100000

/* The counts of a stage at a grid point, in this order. */
#define PC_IN		0
#define PC_ENTERED	1
#define PC_UP		2
#define PC_DOWN		3
#define PC_EXITED	4
#define PC_N		5

static const char *const count_names[PC_N] = {
	"in_stage", "entered", "left_up", "left_down", "exited"
};

/* A pipeline's ladder: every value of the stage type, in sort order. */
typedef struct PipeLadder
{
	bool		is_enum;
	char	   *type_name;		/* the enum's qualified name (NULL: lead_stage) */
	int			n;				/* values: 12 for lead_stage, 1..64 for an enum */
	char	   *labels[FUNNEL_MAX_STAGES];
	bool		outcome[FUNNEL_MAX_STAGES]; /* an outcome, not a ladder stage */
	int			rank[FUNNEL_MAX_STAGES];	/* 1 + position among the ladder stages */
} PipeLadder;

/* A pipeline value, expanded. */
typedef struct Pipeline
{
	PipeLadder	ladder;
	Interval	step;
	int32		npoints;
	TimestampTz *points;		/* strictly increasing */
	int64	   *counts;			/* [point][value][PC_N] */
} Pipeline;

/* The counts of value v at point k. */
#define PIPE_COUNTS(p, k, v) \
	((p)->counts + ((Size) (k) * (p)->ladder.n + (v)) * PC_N)

/* ---------- ladders ---------- */

/* Fills in each ladder stage's rank (1 + its position among the non-outcomes). */
static void
LadderRanks(PipeLadder *l)
{
	int			r = 0;

	for (int v = 0; v < l->n; v++)
		l->rank[v] = l->outcome[v] ? 0 : ++r;
}

/* lead_stage's ladder: its twelve values, recycled, disqualified, lost and other outcomes. */
static void
LeadStageLadder(PipeLadder *l)
{
	memset(l, 0, sizeof(PipeLadder));
	l->n = STAGE_COUNT;
	for (int v = 0; v < STAGE_COUNT; v++)
	{
		l->labels[v] = (char *) LeadStageName((LeadStage) (v + 1));
		l->outcome[v] = v + 1 > STAGE_LADDER_SIZE;
	}
	LadderRanks(l);
}

/*
 * The ladder of stage codes 1..codes of enum_type (InvalidOid: lead_stage)
 * as the catalog has it now: the values in sort order, those ladder_outcome
 * declares outcomes marked.  An error if the enum's values changed.
 */
static void
LadderOfCodes(PipeLadder *l, Oid enum_type, int32 codes, const char *fname)
{
	StageMap	all,
				declared;

	if (!OidIsValid(enum_type))
	{
		LeadStageLadder(l);
		return;
	}
	memset(l, 0, sizeof(PipeLadder));
	StageMapInitEnum(&all, enum_type, CurrentMemoryContext, false);
	if (all.nstages != codes)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("enum %s changed while %s ran: %d values, not %d",
						format_type_be(enum_type), fname, all.nstages, codes)));
	/* checks the declarations, and keeps a value a stage */
	StageMapInitEnum(&declared, enum_type, CurrentMemoryContext, true);
	l->is_enum = true;
	l->type_name = all.ladder.type_name;
	l->n = all.nstages;
	for (int v = 0; v < l->n; v++)
	{
		l->labels[v] = all.ladder.labels[v];
		for (int i = 0; i < declared.ladder.nlisted; i++)
			if (strcmp(declared.ladder.outcome_labels[i], l->labels[v]) == 0)
				l->outcome[v] = true;
	}
	LadderRanks(l);
}

/* ---------- the grid ---------- */

/* t + step, in the session's TimeZone. */
static TimestampTz
AddStep(TimestampTz t, const Interval *step)
{
	return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
												   TimestampTzGetDatum(t),
												   IntervalPGetDatum(step)));
}

/* The text of a timestamptz in the session's settings, for messages. */
static const char *
TimeText(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

/* Raises the error for a step that does not move the grid forward. */
pg_noreturn static void
StepNotPositive(const char *fname, const Interval *step, TimestampTz from)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s step must be a positive interval, not %s", fname,
					DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(step)))),
			 errdetail("From %s it does not move forward.", TimeText(from)),
			 errhint("Pass e.g. interval '1 day', '1 week' or '1 month'.")));
}

/*
 * The grid points of generate_series(start, end, step), in cxt, their
 * number in *npoints, and start - step (the start of step 0) in *before.
 * Errors: a time outside align's range (22008), end before start or a step
 * that does not move forward (22023), more than PIPELINE_MAX_POINTS points
 * (54000).
 */
static TimestampTz *
BuildGrid(TimestampTz start, TimestampTz end, const Interval *step, MemoryContext cxt,
		  int32 *npoints, TimestampTz *before, const char *fname)
{
	Interval	zero = {0};
	TimestampTz *points;
	int32		cap = 64;
	int32		n = 0;
	TimestampTz cur = start;

	(void) CheckTime(start, "pipeline() grid_start");
	(void) CheckTime(end, "pipeline() grid_end");
	if (end < start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s grid_end %s is before grid_start %s", fname, TimeText(end), TimeText(start)),
				 errhint("Pass the grid's first time as grid_start and its last as grid_end.")));
	if (DatumGetInt32(DirectFunctionCall2(interval_cmp, IntervalPGetDatum(step),
										  IntervalPGetDatum(&zero))) <= 0)
		StepNotPositive(fname, step, start);
	points = MemoryContextAlloc(cxt, cap * sizeof(TimestampTz));
	for (;;)
	{
		TimestampTz next;

		if (n == PIPELINE_MAX_POINTS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s grid has more than %d points", fname, PIPELINE_MAX_POINTS),
					 errhint("Use a longer step or a shorter span from grid_start to grid_end.")));
		if (n == cap)
		{
			cap *= 2;
			points = repalloc(points, cap * sizeof(TimestampTz));
		}
		points[n++] = cur;
		next = AddStep(cur, step);
		if (next <= cur)
			StepNotPositive(fname, step, cur);
		if (next > end)
			break;
		cur = next;
	}
	*before = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
													  TimestampTzGetDatum(start),
													  IntervalPGetDatum(step)));
	if (*before >= start)
		StepNotPositive(fname, step, start);
	*npoints = n;
	return points;
}

/* True if two intervals have the same fields. */
static inline bool
SameInterval(const Interval *a, const Interval *b)
{
	return a->time == b->time && a->day == b->day && a->month == b->month;
}

/* ---------- the aggregate's call site ---------- */

/* What a call site of pipeline or stages_at works out once. */
typedef struct PipeCache
{
	KeyHasher	lead;			/* pipeline: the lead key's hashing */
	StageMap	stages;			/* the stage argument's ladder, every value a code */
} PipeCache;

/*
 * The call site's cache: lead key argument lead_arg (-1: none), stage
 * argument stage_arg; in fn_extra, or for a call without a call expression
 * (Citus) in the callerless table.
 */
static PipeCache *
GetPipeCache(FunctionCallInfo fcinfo, int lead_arg, int stage_arg)
{
	MemoryContext cxt;
	PipeCache  *c = CallSiteCache(fcinfo, &cxt);

	if (likely(c != NULL))
		return c;
	c = MemoryContextAllocZero(cxt, sizeof(PipeCache));
	if (lead_arg >= 0)
	{
		Oid			type = CallArgType(fcinfo, lead_arg);

		KeyHasherInitType(&c->lead, type,
						  Callerless(fcinfo) ? CallerlessCollation(fcinfo, type) : PG_GET_COLLATION(),
						  cxt, "lead key", "Cast the argument, e.g. lead_id::text.",
						  "Use a hashable type: bigint, text, uuid, ...");
	}
	StageMapInitType(&c->stages, CallArgType(fcinfo, stage_arg), cxt, false);
	CallSiteCacheKeep(fcinfo, c);
	return c;
}

/* The stage code of a stage argument: lead_stage's code, or an enum value's sort position + 1. */
static inline uint64
StageCode(const PipeCache *c, Datum stage)
{
	if (!c->stages.is_enum)
		return (uint64) DatumGetLeadStage(stage);
	return (uint64) StageMapSlot(&c->stages, stage) + 1;
}

/* Codes of the call site's stage type. */
static inline int32
StageCodes(const PipeCache *c)
{
	return c->stages.is_enum ? c->stages.nstages : STAGE_COUNT;
}

/* ---------- pipeline: the aggregate ---------- */

/* pipeline's transition state: the rows, and the grid every row shares. */
typedef struct PipeState
{
	HSState    *rows;
	TimestampTz start;
	TimestampTz end;
	Interval	step;
	Oid			stage_enum;		/* InvalidOid: lead_stage */
	int32		codes;
	int32		npoints;
	TimestampTz *points;
	TimestampTz before;			/* start - step: where step 0 starts */
} PipeState;

/* Raises 54000 when a pipeline's counters would not fit align.memory_budget. */
static void
CheckCounters(int32 codes, int32 npoints, Size budget)
{
	Size		bytes = (Size) codes * npoints * PC_N * sizeof(int64);

	if (bytes > budget)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pipeline of %d stages over %d grid points needs %zu kB of counters, more than align.memory_budget (%zu kB)",
						codes, npoints, bytes / 1024, budget / 1024),
				 errhint("Use a longer step or a shorter grid, or raise align.memory_budget.")));
}

/* A new pipeline state in cxt over the grid of the call's arguments 4..6. */
static PipeState *
NewPipeState(FunctionCallInfo fcinfo, const PipeCache *c, MemoryContext cxt)
{
	PipeState  *st = MemoryContextAllocZero(cxt, sizeof(PipeState));

	st->start = PG_GETARG_TIMESTAMPTZ(4);
	st->end = PG_GETARG_TIMESTAMPTZ(5);
	st->step = *PG_GETARG_INTERVAL_P(6);
	st->stage_enum = c->stages.is_enum ? c->stages.enum_type : InvalidOid;
	st->codes = StageCodes(c);
	st->points = BuildGrid(st->start, st->end, &st->step, cxt, &st->npoints, &st->before,
						   "pipeline");
	CheckCounters(st->codes, st->npoints, AlignMemoryBudget());
	st->rows = HSNewStageRows(cxt, st->stage_enum, st->codes);
	return st;
}

/* Raises the error for rows, or partial states, of one group with different grids. */
pg_noreturn static void
MixedGrids(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("pipeline grid_start, grid_end and step must be the same for every row of a group"),
			 errhint("Pass constants, or group by them.")));
}

PG_FUNCTION_INFO_V1(pipeline_trans);
/*
 * Transition of pipeline(lead, stage, at, grid_start, grid_end, step): keeps
 * the row (NULL lead, stage or at: skipped; after the grid: dropped).
 */
Datum
pipeline_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "pipeline");
	PipeCache  *c = GetPipeCache(fcinfo, 1, 2);
	PipeState  *st = PG_ARGISNULL(0) ? NULL : (PipeState *) PG_GETARG_POINTER(0);
	TimestampTz at;

	if (PG_ARGISNULL(4) || PG_ARGISNULL(5) || PG_ARGISNULL(6))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("pipeline grid_start, grid_end and step must not be NULL"),
				 errhint("Pass e.g. '2026-01-05', '2026-03-30', interval '1 week'.")));
	if (st == NULL)
		st = NewPipeState(fcinfo, c, aggcxt);
	else if (st->start != PG_GETARG_TIMESTAMPTZ(4) || st->end != PG_GETARG_TIMESTAMPTZ(5) ||
			 !SameInterval(&st->step, PG_GETARG_INTERVAL_P(6)))
		MixedGrids();
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	at = CheckTime(PG_GETARG_TIMESTAMPTZ(3), "pipeline() at");
	if (at > st->points[st->npoints - 1])
		PG_RETURN_POINTER(st);
	HSAddStageRow(st->rows, KeyHash(&c->lead, PG_GETARG_DATUM(1)), at,
				  StageCode(c, PG_GETARG_DATUM(2)));
	PG_RETURN_POINTER(st);
}

/* Raises the error for two partial states of different grids or ladders. */
static void
CheckSameGrid(const PipeState *a, const PipeState *b)
{
	if (a->stage_enum != b->stage_enum || a->codes != b->codes)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid pipeline state: stages of different ladders")));
	if (a->start != b->start || a->end != b->end || !SameInterval(&a->step, &b->step) ||
		a->npoints != b->npoints ||
		memcmp(a->points, b->points, a->npoints * sizeof(TimestampTz)) != 0)
		MixedGrids();
}

PG_FUNCTION_INFO_V1(pipeline_combine);
/* Combine of pipeline: concatenates the rows of two partial states of one grid. */
Datum
pipeline_combine(PG_FUNCTION_ARGS)
{
	PipeState  *a,
			   *b;
	Datum		result;

	if (AlignCombineNull(fcinfo, "pipeline", &result))
		return result;
	a = (PipeState *) PG_GETARG_POINTER(0);
	b = (PipeState *) PG_GETARG_POINTER(1);
	CheckSameGrid(a, b);
	(void) HSCombine(a->rows, b->rows);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(pipeline_serialize);
/* Serialize of pipeline: the grid and ladder, then the rows (raw, same server). */
Datum
pipeline_serialize(PG_FUNCTION_ARGS)
{
	PipeState  *st = (PipeState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PIPELINE_VERSION);
	pq_sendint64(&buf, st->start);
	pq_sendint64(&buf, st->end);
	pq_sendint64(&buf, st->step.time);
	pq_sendint32(&buf, st->step.day);
	pq_sendint32(&buf, st->step.month);
	pq_sendint32(&buf, st->stage_enum);
	pq_sendint32(&buf, st->codes);
	pq_sendint32(&buf, st->npoints);
	for (int32 k = 0; k < st->npoints; k++)
		pq_sendint64(&buf, st->points[k]);
	pq_sendint64(&buf, st->before);
	HSSerializeTo(st->rows, &buf, false);
	CheckPartialStateSize("pipeline", buf.len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Raises the error for a serialized pipeline state that fails its checks. */
pg_noreturn static void
CorruptPipeState(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid pipeline state: %s", what)));
}

PG_FUNCTION_INFO_V1(pipeline_deserialize);
/* Deserialize of pipeline: pipeline_serialize's bytes into a state in aggcxt. */
Datum
pipeline_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt = AlignAggContext(fcinfo, "pipeline");
	PipeState  *st = MemoryContextAllocZero(aggcxt, sizeof(PipeState));
	StringInfoData msg;

	InitStateMessage(&msg, data);
	if (pq_getmsgbyte(&msg) != PIPELINE_VERSION)
		CorruptPipeState("unsupported version");
	st->start = pq_getmsgint64(&msg);
	st->end = pq_getmsgint64(&msg);
	st->step.time = pq_getmsgint64(&msg);
	st->step.day = pq_getmsgint(&msg, 4);
	st->step.month = pq_getmsgint(&msg, 4);
	st->stage_enum = (Oid) pq_getmsgint(&msg, 4);
	st->codes = pq_getmsgint(&msg, 4);
	st->npoints = pq_getmsgint(&msg, 4);
	if (st->npoints < 1 || st->npoints > PIPELINE_MAX_POINTS ||
		st->npoints > (msg.len - msg.cursor) / 8)
		CorruptPipeState("bad number of grid points");
	st->points = MemoryContextAlloc(aggcxt, st->npoints * sizeof(TimestampTz));
	for (int32 k = 0; k < st->npoints; k++)
	{
		st->points[k] = pq_getmsgint64(&msg);
		if (k > 0 && st->points[k] <= st->points[k - 1])
			CorruptPipeState("grid points out of order");
	}
	st->before = pq_getmsgint64(&msg);
	st->rows = HSDeserializeFrom(&msg, aggcxt, true);
	HSCheckStageRows(st->rows, st->stage_enum, st->codes, "pipeline");
	PG_RETURN_POINTER(st);
}

/* What pipeline_final collects while walking the leads. */
typedef struct PipeWalk
{
	const PipeState *st;
	const PipeLadder *ladder;
	Pipeline   *p;
	int64	   *base;			/* per value: leads in it at g_0 */
} PipeWalk;

/* The step of a move at time at (before < at <= the last point): the first point >= at. */
static int32
StepOf(const PipeState *st, TimestampTz at)
{
	int32		lo = 0,
				hi = st->npoints - 1;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (st->points[mid] >= at)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Counts a move from code from (0: nowhere) to code to in step k. */
static inline void
CountMove(PipeWalk *w, int32 k, uint64 from, uint64 to)
{
	const PipeLadder *l = w->ladder;
	int			t = (int) to - 1;
	int			f = (int) from - 1;
	int			which;

	PIPE_COUNTS(w->p, k, t)[PC_ENTERED]++;
	if (from == 0)
		return;
	if (l->outcome[t])
		which = PC_EXITED;
	else if (l->outcome[f] || l->rank[t] > l->rank[f])
		which = PC_UP;
	else
		which = PC_DOWN;
	PIPE_COUNTS(w->p, k, f)[which]++;
}

/*
 * HSWalkLeads callback of pipeline: walks each lead's rows in time order
 * (ties in ladder order), counting its moves by step and its stage at g_0.
 */
static void
WalkPipeline(const HSEvent *ev, int64 n, void *arg)
{
	PipeWalk   *w = (PipeWalk *) arg;
	const PipeState *st = w->st;
	TimestampTz g0 = st->points[0];
	int64		i = 0;

	while (i < n)
	{
		uint64		lead = ev[i].lead;
		uint64		cur = 0;
		bool		counted = false;

		for (; i < n && ev[i].lead == lead; i++)
		{
			uint64		code = ev[i].owner;

			if (unlikely(code < 1 || code > (uint64) st->codes))
				CorruptPipeState("a row of an unknown stage");
			if (!counted && ev[i].at > g0)
			{
				if (cur != 0)
					w->base[cur - 1]++;
				counted = true;
			}
			if (code == cur)
				continue;
			if (ev[i].at > st->before && ev[i].at <= st->points[st->npoints - 1])
				CountMove(w, StepOf(st, ev[i].at), cur, code);
			cur = code;
		}
		if (!counted && cur != 0)
			w->base[cur - 1]++;
	}
	CHECK_FOR_INTERRUPTS();
}

/* Raises 22003 for a count past int64. */
pg_noreturn static void
PipeCountOverflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("pipeline count out of range")));
}

/* Sets the stock at every point after the first from the flows (the identity). */
static void
StockFromFlows(Pipeline *p)
{
	for (int32 k = 1; k < p->npoints; k++)
		for (int v = 0; v < p->ladder.n; v++)
		{
			const int64 *prev = PIPE_COUNTS(p, k - 1, v);
			int64	   *c = PIPE_COUNTS(p, k, v);
			int64		in = prev[PC_IN];

			if (pg_add_s64_overflow(in, c[PC_ENTERED], &in) ||
				pg_sub_s64_overflow(in, c[PC_UP], &in) ||
				pg_sub_s64_overflow(in, c[PC_DOWN], &in) ||
				pg_sub_s64_overflow(in, c[PC_EXITED], &in))
				PipeCountOverflow();
			c[PC_IN] = in;
		}
}

static struct varlena *PipelineFlatten(const Pipeline *p);

PG_FUNCTION_INFO_V1(pipeline_final);
/* Final of pipeline: walks each lead and returns the pipeline value (no rows at all: NULL). */
Datum
pipeline_final(PG_FUNCTION_ARGS)
{
	PipeState  *st;
	Pipeline	p;
	PipeWalk	w;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (PipeState *) PG_GETARG_POINTER(0);
	memset(&p, 0, sizeof(p));
	LadderOfCodes(&p.ladder, st->stage_enum, st->codes, "pipeline");
	p.step = st->step;
	p.npoints = st->npoints;
	p.points = st->points;
	CheckCounters(st->codes, st->npoints, HSBudget(st->rows));
	p.counts = palloc_extended((Size) p.npoints * p.ladder.n * PC_N * sizeof(int64),
							   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	w.st = st;
	w.ladder = &p.ladder;
	w.p = &p;
	w.base = palloc0(p.ladder.n * sizeof(int64));
	if (HSRowCount(st->rows) > 0)
		HSWalkLeads(st->rows, WalkPipeline, &w);
	for (int v = 0; v < p.ladder.n; v++)
		PIPE_COUNTS(&p, 0, v)[PC_IN] = w.base[v];
	StockFromFlows(&p);
	PG_RETURN_POINTER(PipelineFlatten(&p));
}

/* ---------- the pipeline value: stored, binary and text forms ---------- */

/*
 * The stored and binary forms are one layout (network byte order): version;
 * 1 for an enum ladder, else 0; the number of values; for an enum its
 * qualified name, then per value its label and 1 if an outcome (lead_stage's
 * twelve values are implied); the step (microseconds, days, months); the
 * number of points and the points; the counts, per point, value and
 * in_stage, entered, left_up, left_down, exited.  Strings are
 * zero-terminated: in the server encoding when stored, in the client's in
 * the binary form (wire).
 */

/* How a value being read reports what is wrong with it. */
typedef struct PipeReader
{
	int			errcode;		/* 22P02 text, 22P03 binary, XX001 stored */
	const char *form;			/* "input syntax" ... */
} PipeReader;

/* Raises the reader's error saying what is wrong. */
pg_noreturn static void
BadPipeline(const PipeReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(r->errcode),
			 errmsg("invalid %s for type pipeline: %s", r->form, what)));
}

/* Appends a string: zero-terminated, converted to the client's encoding if wire. */
static void
PutString(StringInfo buf, const char *s, bool wire)
{
	if (wire)
		pq_sendstring(buf, s);
	else
		appendBinaryStringInfo(buf, s, strlen(s) + 1);
}

/* Appends p's layout (see above) to buf. */
static void
PipelineWrite(const Pipeline *p, StringInfo buf, bool wire)
{
	const PipeLadder *l = &p->ladder;
	Size		ncounts = (Size) p->npoints * l->n * PC_N;

	pq_sendbyte(buf, PIPELINE_VERSION);
	pq_sendbyte(buf, l->is_enum ? 1 : 0);
	pq_sendint16(buf, l->n);
	if (l->is_enum)
	{
		PutString(buf, l->type_name, wire);
		for (int v = 0; v < l->n; v++)
		{
			PutString(buf, l->labels[v], wire);
			pq_sendbyte(buf, l->outcome[v] ? 1 : 0);
		}
	}
	pq_sendint64(buf, p->step.time);
	pq_sendint32(buf, p->step.day);
	pq_sendint32(buf, p->step.month);
	pq_sendint32(buf, p->npoints);
	for (int32 k = 0; k < p->npoints; k++)
		pq_sendint64(buf, p->points[k]);
	for (Size i = 0; i < ncounts; i++)
		pq_sendint64(buf, p->counts[i]);
}

/* The stored form of p, a new varlena. */
static struct varlena *
PipelineFlatten(const Pipeline *p)
{
	StringInfoData buf;
	const PipeLadder *l = &p->ladder;
	Size		size = VARHDRSZ + 4 + 20 + (Size) p->npoints * sizeof(int64) +
		(Size) p->npoints * l->n * PC_N * sizeof(int64);

	/* the exact size, not a doubling buffer (twice the counters at worst) */
	if (l->is_enum)
	{
		size += strlen(l->type_name) + 1;
		for (int v = 0; v < l->n; v++)
			size += strlen(l->labels[v]) + 2;
	}
	buf.data = palloc_extended(size + 1, MCXT_ALLOC_HUGE);
	buf.maxlen = size + 1;
	buf.len = 0;
	buf.cursor = 0;
	appendStringInfoSpaces(&buf, VARHDRSZ);
	PipelineWrite(p, &buf, false);
	Assert(buf.len == size);
	SET_VARSIZE(buf.data, buf.len);
	return (struct varlena *) buf.data;
}

/*
 * Checks what the layout does not: labels (non-empty, shorter than a name,
 * distinct; lead_stage's its own), a ladder stage at least, a positive step
 * (a step of microseconds only: the points' spacing), points strictly
 * increasing inside align's time range, counts >= 0 and the identity
 * in_stage[k] = in_stage[k-1] + entered - left_up - left_down - exited.
 */
static void
PipelineValidate(Pipeline *p, const PipeReader *r)
{
	PipeLadder *l = &p->ladder;
	Interval	zero = {0};
	bool		any_stage = false;

	for (int v = 0; v < l->n; v++)
	{
		if (l->labels[v][0] == '\0' || strlen(l->labels[v]) >= NAMEDATALEN)
			BadPipeline(r, "a stage label must have 1 to 63 bytes");
		for (int u = 0; u < v; u++)
			if (strcmp(l->labels[u], l->labels[v]) == 0)
				BadPipeline(r, psprintf("stage \"%s\" is listed twice", l->labels[v]));
		any_stage |= !l->outcome[v];
	}
	if (!any_stage)
		BadPipeline(r, "every stage is an outcome");
	LadderRanks(l);
	if (DatumGetInt32(DirectFunctionCall2(interval_cmp, IntervalPGetDatum(&p->step),
										  IntervalPGetDatum(&zero))) <= 0)
		BadPipeline(r, "the step must be positive");
	for (int32 k = 0; k < p->npoints; k++)
	{
		if (p->points[k] < ALIGN_TIME_MIN || p->points[k] >= ALIGN_TIME_END)
			BadPipeline(r, "a grid point outside align's time range");
		if (k > 0 && p->points[k] <= p->points[k - 1])
			BadPipeline(r, "grid points must increase");
		if (k > 0 && p->step.month == 0 && p->step.day == 0 &&
			p->points[k] - p->points[k - 1] != p->step.time)
			BadPipeline(r, "grid points must be one step apart");
	}
	for (int32 k = 0; k < p->npoints; k++)
		for (int v = 0; v < l->n; v++)
		{
			const int64 *c = PIPE_COUNTS(p, k, v);

			for (int i = 0; i < PC_N; i++)
				if (c[i] < 0)
					BadPipeline(r, "a negative count");
			if (k > 0)
			{
				int64		in = PIPE_COUNTS(p, k - 1, v)[PC_IN];

				if (pg_add_s64_overflow(in, c[PC_ENTERED], &in) ||
					pg_sub_s64_overflow(in, c[PC_UP], &in) ||
					pg_sub_s64_overflow(in, c[PC_DOWN], &in) ||
					pg_sub_s64_overflow(in, c[PC_EXITED], &in) ||
					in != c[PC_IN])
					BadPipeline(r, psprintf("in_stage of \"%s\" at point %d is not in_stage at the point before plus entered minus left_up, left_down and exited",
											l->labels[v], k + 1));
			}
		}
}

/* Reads a zero-terminated string of the layout (wire: converted from the client's encoding). */
static char *
GetString(StringInfo msg, bool wire)
{
	return pstrdup(wire ? pq_getmsgstring(msg) : pq_getmsgrawstring(msg));
}

/* Reads p from the layout in msg (to its end), checking every field. */
static void
PipelineRead(Pipeline *p, StringInfo msg, bool wire, const PipeReader *r)
{
	PipeLadder *l = &p->ladder;
	int			version = pq_getmsgbyte(msg);
	int			flags = pq_getmsgbyte(msg);
	int			n = pq_getmsgint(msg, 2);
	Size		ncounts;

	memset(p, 0, sizeof(Pipeline));
	if (version != PIPELINE_VERSION)
		BadPipeline(r, psprintf("unsupported version %d (this align reads %d)",
								version, PIPELINE_VERSION));
	if (flags != 0 && flags != 1)
		BadPipeline(r, "unknown flags");
	if (flags == 0)
	{
		if (n != STAGE_COUNT)
			BadPipeline(r, "lead_stage has 12 values");
		LeadStageLadder(l);
	}
	else
	{
		if (n < 1 || n > FUNNEL_MAX_STAGES)
			BadPipeline(r, psprintf("an enum ladder has 1 to %d values", FUNNEL_MAX_STAGES));
		l->is_enum = true;
		l->n = n;
		l->type_name = GetString(msg, wire);
		if (l->type_name[0] == '\0')
			BadPipeline(r, "an enum ladder without a type name");
		for (int v = 0; v < n; v++)
		{
			int			o;

			l->labels[v] = GetString(msg, wire);
			o = pq_getmsgbyte(msg);
			if (o != 0 && o != 1)
				BadPipeline(r, "an outcome flag must be 0 or 1");
			l->outcome[v] = o == 1;
		}
	}
	p->step.time = pq_getmsgint64(msg);
	p->step.day = pq_getmsgint(msg, 4);
	p->step.month = pq_getmsgint(msg, 4);
	p->npoints = pq_getmsgint(msg, 4);
	if (p->npoints < 1 || p->npoints > PIPELINE_MAX_POINTS)
		BadPipeline(r, psprintf("a grid has 1 to %d points", PIPELINE_MAX_POINTS));
	ncounts = (Size) p->npoints * l->n * PC_N;
	if ((Size) (msg->len - msg->cursor) != (p->npoints + ncounts) * sizeof(int64))
		BadPipeline(r, "the counts do not match the grid and the ladder");
	p->points = palloc(p->npoints * sizeof(TimestampTz));
	for (int32 k = 0; k < p->npoints; k++)
		p->points[k] = pq_getmsgint64(msg);
	p->counts = palloc_extended(ncounts * sizeof(int64), MCXT_ALLOC_HUGE);
	for (Size i = 0; i < ncounts; i++)
		p->counts[i] = pq_getmsgint64(msg);
	pq_getmsgend(msg);
	PipelineValidate(p, r);
}

/* Expands a stored pipeline value. */
static void
PipelineFromDatum(Datum d, Pipeline *p)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);
	StringInfoData msg;
	PipeReader	r = {ERRCODE_DATA_CORRUPTED, "stored value"};

	msg.data = VARDATA_ANY(v);
	msg.len = VARSIZE_ANY_EXHDR(v);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	PipelineRead(p, &msg, false, &r);
}

PG_FUNCTION_INFO_V1(pipeline_send);
/* Binary output: the layout, strings in the client's encoding. */
Datum
pipeline_send(PG_FUNCTION_ARGS)
{
	Pipeline	p;
	StringInfoData buf;

	PipelineFromDatum(PG_GETARG_DATUM(0), &p);
	pq_begintypsend(&buf);
	PipelineWrite(&p, &buf, true);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(pipeline_recv);
/* Binary input: pipeline_send's layout, checked (22P03). */
Datum
pipeline_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	Pipeline	p;
	PipeReader	r = {ERRCODE_INVALID_BINARY_REPRESENTATION, "binary input"};

	PipelineRead(&p, msg, true, &r);
	PG_RETURN_POINTER(PipelineFlatten(&p));
}

/* The canonical text of a grid point: ISO, in UTC, whatever the session's settings. */
static void
AppendPoint(StringInfo buf, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		text[MAXDATELEN + 1];

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	EncodeDateTime(&tm, fsec, false, 0, NULL, USE_ISO_DATES, text);
	appendStringInfo(buf, "%s+00", text);
}

/* Appends a JSON array of strings. */
static void
AppendLabels(StringInfo buf, const PipeLadder *l, bool outcomes_only)
{
	bool		first = true;

	appendStringInfoChar(buf, '[');
	for (int v = 0; v < l->n; v++)
	{
		if (outcomes_only && !l->outcome[v])
			continue;
		if (!first)
			appendStringInfoString(buf, ", ");
		escape_json(buf, l->labels[v]);
		first = false;
	}
	appendStringInfoChar(buf, ']');
}

PG_FUNCTION_INFO_V1(pipeline_out);
/*
 * Text output: JSON with the ladder ("stages" in sort order, which of them
 * are "outcomes"), the step's fields, the grid points in UTC and the counts
 * per point and stage; canonical, the same in every session.
 */
Datum
pipeline_out(PG_FUNCTION_ARGS)
{
	Pipeline	p;
	StringInfoData buf;

	PipelineFromDatum(PG_GETARG_DATUM(0), &p);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"vocabulary\": \"%s\", ", PIPELINE_VERSION,
					 p.ladder.is_enum ? "enum" : "lead_stage");
	if (p.ladder.is_enum)
	{
		appendStringInfoString(&buf, "\"enum\": ");
		escape_json(&buf, p.ladder.type_name);
		appendStringInfoString(&buf, ", ");
	}
	appendStringInfoString(&buf, "\"stages\": ");
	AppendLabels(&buf, &p.ladder, false);
	appendStringInfoString(&buf, ", \"outcomes\": ");
	AppendLabels(&buf, &p.ladder, true);
	appendStringInfo(&buf, ", \"step\": {\"months\": %d, \"days\": %d, \"microseconds\": " INT64_FORMAT "}, \"points\": [",
					 p.step.month, p.step.day, p.step.time);
	for (int32 k = 0; k < p.npoints; k++)
	{
		appendStringInfoString(&buf, k > 0 ? ", \"" : "\"");
		AppendPoint(&buf, p.points[k]);
		appendStringInfoChar(&buf, '"');
	}
	appendStringInfoString(&buf, "], \"counts\": [");
	for (int32 k = 0; k < p.npoints; k++)
	{
		appendStringInfoString(&buf, k > 0 ? ", [" : "[");
		for (int v = 0; v < p.ladder.n; v++)
		{
			const int64 *c = PIPE_COUNTS(&p, k, v);

			appendStringInfo(&buf, "%s[" INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT "]",
							 v > 0 ? ", " : "", c[0], c[1], c[2], c[3], c[4]);
		}
		appendStringInfoChar(&buf, ']');
		if ((k & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

/* Member key of a JSON object, or NULL. */
static JsonbValue *
Member(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

/* A JSON string's text, or the reader's error. */
static char *
JsonText(const JsonbValue *v, const PipeReader *r, const char *what)
{
	if (v == NULL || v->type != jbvString)
		BadPipeline(r, psprintf("\"%s\" must be a string", what));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A JSON array's container, of len elements when len >= 0, or the reader's error. */
static JsonbContainer *
JsonList(const JsonbValue *v, int len, const PipeReader *r, const char *what)
{
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		(len >= 0 && JsonContainerSize(v->val.binary.data) != (uint32) len))
		BadPipeline(r, len >= 0 ? psprintf("\"%s\" must be an array of %d elements", what, len)
					: psprintf("\"%s\" must be an array", what));
	return v->val.binary.data;
}

/* A JSON number that is a whole number in [min, max], or the reader's error. */
static int64
JsonWhole(const JsonbValue *v, int64 min, int64 max, const PipeReader *r, const char *what)
{
	char	   *text;
	int64		result;
	char	   *end;

	if (v == NULL || v->type != jbvNumeric)
		BadPipeline(r, psprintf("\"%s\" must be a number", what));
	text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	result = strtoi64(text, &end, 10);
	if (*end != '\0' || errno != 0 || result < min || result > max)
		BadPipeline(r, psprintf("\"%s\" must be a whole number from " INT64_FORMAT " to " INT64_FORMAT,
								what, min, max));
	return result;
}

/* Reads the ladder of the JSON form: the vocabulary, the enum, the stages and outcomes. */
static void
ReadJsonLadder(PipeLadder *l, JsonbContainer *root, const PipeReader *r, int *nkeys)
{
	char	   *vocabulary = JsonText(Member(root, "vocabulary"), r, "vocabulary");
	JsonbContainer *stages;
	JsonbContainer *outcomes;
	int			n;

	if (strcmp(vocabulary, "lead_stage") == 0)
		LeadStageLadder(l);
	else if (strcmp(vocabulary, "enum") == 0)
	{
		memset(l, 0, sizeof(PipeLadder));
		l->is_enum = true;
		l->type_name = JsonText(Member(root, "enum"), r, "enum");
		if (l->type_name[0] == '\0')
			BadPipeline(r, "\"enum\" must name the enum");
		(*nkeys)++;
	}
	else
		BadPipeline(r, "\"vocabulary\" must be \"lead_stage\" or \"enum\"");
	stages = JsonList(Member(root, "stages"), -1, r, "stages");
	n = (int) JsonContainerSize(stages);
	if (n < 1 || n > FUNNEL_MAX_STAGES || (!l->is_enum && n != STAGE_COUNT))
		BadPipeline(r, l->is_enum ? "an enum ladder has 1 to 64 stages" : "lead_stage has 12 stages");
	outcomes = JsonList(Member(root, "outcomes"), -1, r, "outcomes");
	for (int v = 0; v < n; v++)
	{
		char	   *label = JsonText(getIthJsonbValueFromContainer(stages, v), r, "stages");

		if (l->is_enum)
			l->labels[v] = label;
		else if (strcmp(label, l->labels[v]) != 0)
			BadPipeline(r, "lead_stage's stages are its twelve values in order");
		l->outcome[v] = false;
	}
	l->n = n;
	for (uint32 i = 0; i < JsonContainerSize(outcomes); i++)
	{
		char	   *label = JsonText(getIthJsonbValueFromContainer(outcomes, i), r, "outcomes");
		int			v = 0;

		while (v < n && strcmp(l->labels[v], label) != 0)
			v++;
		if (v == n || l->outcome[v])
			BadPipeline(r, psprintf("outcome \"%s\" is not a stage listed once", label));
		l->outcome[v] = true;
	}
	if (!l->is_enum)
		for (int v = 0; v < n; v++)
			if (l->outcome[v] != (v + 1 > STAGE_LADDER_SIZE))
				BadPipeline(r, "lead_stage's outcomes are recycled, disqualified, lost and other");
}

/* Reads a grid point's canonical text (AppendPoint's), or the reader's error. */
static TimestampTz
ReadPoint(const JsonbValue *v, const PipeReader *r)
{
	char	   *text = JsonText(v, r, "points");
	TimestampTz t;
	StringInfoData canonical;
	struct pg_tm tm;
	int			usec = 0;
	int			used = 0;
	char		frac[8] = "";

	/*
	 * Parsed here rather than by timestamptz_in, whose errors (22007,
	 * 22008, 22009) would not be this type's 22P02: "YYYY-MM-DD
	 * HH:MM:SS[.ffffff]+00", fields in range; the canonical comparison
	 * below rejects every other spelling.
	 */
	memset(&tm, 0, sizeof(tm));
	if (strlen(text) > 32 ||
		(sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				&tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19) ||
		(text[19] == '.' && (sscanf(text + 20, "%7[0-9]", frac) != 1 || strlen(frac) > 6)) ||
		tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
		tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
		tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
		tm.tm_sec < 0 || tm.tm_sec > 59)
		BadPipeline(r, psprintf("grid point \"%s\" is not a time written as \"YYYY-MM-DD HH:MM:SS+00\"", text));
	for (int i = 0; i < 6; i++)
		usec = usec * 10 + (frac[i] != '\0' ? frac[i] - '0' : 0);
	if (tm2timestamp(&tm, usec, NULL, &t) != 0 || t < ALIGN_TIME_MIN || t >= ALIGN_TIME_END)
		BadPipeline(r, "a grid point outside align's time range");
	initStringInfo(&canonical);
	AppendPoint(&canonical, t);
	if (strcmp(canonical.data, text) != 0)
		BadPipeline(r, psprintf("grid point \"%s\" is not written as \"%s\"", text, canonical.data));
	return t;
}

PG_FUNCTION_INFO_V1(pipeline_in);
/* Text input: the JSON pipeline_out prints, parsed by jsonb's parser and checked (22P02). */
Datum
pipeline_in(PG_FUNCTION_ARGS)
{
	PipeReader	r = {ERRCODE_INVALID_TEXT_REPRESENTATION, "input syntax"};
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, PG_GETARG_DATUM(0)));
	JsonbContainer *root = &jb->root;
	JsonbContainer *step;
	JsonbContainer *points;
	JsonbContainer *counts;
	Pipeline	p;
	int			nkeys = 7;

	if (!JsonContainerIsObject(root) || JsonContainerIsScalar(root))
		BadPipeline(&r, "expected a JSON object");
	memset(&p, 0, sizeof(p));
	if (JsonWhole(Member(root, "version"), 0, 255, &r, "version") != PIPELINE_VERSION)
		BadPipeline(&r, psprintf("unsupported version (this align reads %d)", PIPELINE_VERSION));
	ReadJsonLadder(&p.ladder, root, &r, &nkeys);
	{
		JsonbValue *s = Member(root, "step");

		if (s == NULL || s->type != jbvBinary || !JsonContainerIsObject(s->val.binary.data) ||
			JsonContainerSize(s->val.binary.data) != 3)
			BadPipeline(&r, "\"step\" must be an object of months, days and microseconds");
		step = s->val.binary.data;
	}
	p.step.month = (int32) JsonWhole(Member(step, "months"), PG_INT32_MIN, PG_INT32_MAX, &r, "months");
	p.step.day = (int32) JsonWhole(Member(step, "days"), PG_INT32_MIN, PG_INT32_MAX, &r, "days");
	p.step.time = JsonWhole(Member(step, "microseconds"), PG_INT64_MIN, PG_INT64_MAX, &r, "microseconds");
	points = JsonList(Member(root, "points"), -1, &r, "points");
	p.npoints = (int32) JsonContainerSize(points);
	if (p.npoints < 1 || p.npoints > PIPELINE_MAX_POINTS)
		BadPipeline(&r, psprintf("a grid has 1 to %d points", PIPELINE_MAX_POINTS));
	p.points = palloc(p.npoints * sizeof(TimestampTz));
	for (int32 k = 0; k < p.npoints; k++)
		p.points[k] = ReadPoint(getIthJsonbValueFromContainer(points, k), &r);
	counts = JsonList(Member(root, "counts"), p.npoints, &r, "counts");
	/* every count takes two characters at least: no allocation the text cannot fill */
	if ((Size) p.npoints * p.ladder.n * PC_N > strlen(PG_GETARG_CSTRING(0)) / 2)
		BadPipeline(&r, psprintf("\"counts\" must hold %d points x %d stages x %d numbers",
								 p.npoints, p.ladder.n, PC_N));
	p.counts = palloc_extended((Size) p.npoints * p.ladder.n * PC_N * sizeof(int64), MCXT_ALLOC_HUGE);
	for (int32 k = 0; k < p.npoints; k++)
	{
		JsonbContainer *at = JsonList(getIthJsonbValueFromContainer(counts, k), p.ladder.n, &r, "counts");

		for (int v = 0; v < p.ladder.n; v++)
		{
			JsonbContainer *c = JsonList(getIthJsonbValueFromContainer(at, v), PC_N, &r, "counts");

			for (int i = 0; i < PC_N; i++)
				PIPE_COUNTS(&p, k, v)[i] = JsonWhole(getIthJsonbValueFromContainer(c, i), 0,
													 PG_INT64_MAX, &r, count_names[i]);
		}
		if ((k & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (JsonContainerSize(root) != (uint32) nkeys)
		BadPipeline(&r, "unexpected keys");
	PipelineValidate(&p, &r);
	PG_RETURN_POINTER(PipelineFlatten(&p));
}

/* ---------- rollup and rows ---------- */

/* Raises 22023 for two pipelines that cannot be added: what differs. */
pg_noreturn static void
CannotAdd(const char *what, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("pipelines of different %s cannot be added", what),
			 errdetail("%s", detail),
			 errhint("Roll up pipelines built with the same grid_start, grid_end, step and stage ladder.")));
}

PG_FUNCTION_INFO_V1(pipeline_add);
/*
 * rollup(pipeline)'s transition and combine: the pipeline of two disjoint
 * lead sets, their counts added; the ladders and grids must be the same.
 */
Datum
pipeline_add(PG_FUNCTION_ARGS)
{
	Pipeline	a,
				b;
	Size		ncounts;

	PipelineFromDatum(PG_GETARG_DATUM(0), &a);
	PipelineFromDatum(PG_GETARG_DATUM(1), &b);
	if (a.ladder.is_enum != b.ladder.is_enum ||
		(a.ladder.is_enum && strcmp(a.ladder.type_name, b.ladder.type_name) != 0))
		CannotAdd("ladders", psprintf("One is over %s, the other over %s.",
									  a.ladder.is_enum ? a.ladder.type_name : "lead_stage",
									  b.ladder.is_enum ? b.ladder.type_name : "lead_stage"));
	if (a.ladder.n != b.ladder.n)
		CannotAdd("ladders", psprintf("One has %d stages, the other %d.", a.ladder.n, b.ladder.n));
	for (int v = 0; v < a.ladder.n; v++)
		if (strcmp(a.ladder.labels[v], b.ladder.labels[v]) != 0 ||
			a.ladder.outcome[v] != b.ladder.outcome[v])
			CannotAdd("ladders", psprintf("Stage %d is \"%s\"%s in one, \"%s\"%s in the other.", v + 1,
										  a.ladder.labels[v], a.ladder.outcome[v] ? " (an outcome)" : "",
										  b.ladder.labels[v], b.ladder.outcome[v] ? " (an outcome)" : ""));
	if (!SameInterval(&a.step, &b.step))
		CannotAdd("grids", psprintf("The steps are %s and %s.",
									DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(&a.step))),
									DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(&b.step)))));
	if (a.npoints != b.npoints)
		CannotAdd("grids", psprintf("One has %d points, the other %d.", a.npoints, b.npoints));
	for (int32 k = 0; k < a.npoints; k++)
		if (a.points[k] != b.points[k])
			CannotAdd("grids", psprintf("Point %d is %s in one, %s in the other.", k + 1,
										TimeText(a.points[k]), TimeText(b.points[k])));
	ncounts = (Size) a.npoints * a.ladder.n * PC_N;
	for (Size i = 0; i < ncounts; i++)
		if (pg_add_s64_overflow(a.counts[i], b.counts[i], &a.counts[i]))
			PipeCountOverflow();
	PG_RETURN_POINTER(PipelineFlatten(&a));
}

PG_FUNCTION_INFO_V1(pipeline_rows);
/*
 * pipeline_rows(p): one row per grid point and stage, zeros included: at,
 * stage (its label), in_stage, entered, left_up, left_down, exited; by
 * point, then the ladder stages in rank order, then the outcomes.
 */
Datum
pipeline_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Pipeline	p;
	int			order[FUNNEL_MAX_STAGES];
	int			n = 0;

	InitMaterializedSRF(fcinfo, 0);
	PipelineFromDatum(PG_GETARG_DATUM(0), &p);
	for (int pass = 0; pass < 2; pass++)
		for (int v = 0; v < p.ladder.n; v++)
			if (p.ladder.outcome[v] == (pass == 1))
				order[n++] = v;
	for (int32 k = 0; k < p.npoints; k++)
	{
		for (int i = 0; i < n; i++)
		{
			Datum		values[2 + PC_N];
			bool		nulls[2 + PC_N] = {0};
			const int64 *c = PIPE_COUNTS(&p, k, order[i]);

			values[0] = TimestampTzGetDatum(p.points[k]);
			values[1] = CStringGetTextDatum(p.ladder.labels[order[i]]);
			for (int j = 0; j < PC_N; j++)
				values[2 + j] = Int64GetDatum(c[j]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* ---------- stages_at: a lead's stage at many times ---------- */

/* stages_at's transition state. */
typedef struct AtState
{
	Oid			stage_enum;		/* InvalidOid: lead_stage */
	int32		codes;
	int32		n;				/* times of ts, as given */
	TimestampTz *ts;
	int32		nd;				/* distinct times, sorted */
	TimestampTz *sorted;
	int32	   *slot;			/* ts[i] is sorted[slot[i]] */
	TimestampTz *best_at;		/* per sorted time: the latest event after the
								 * previous time and at or before it */
	uint8	   *best_code;		/* its stage code, 0 = none */
	/* ts as last passed, before detoasting (see SameRawTimes) */
	struct varlena *raw;
	Size		raw_len;
	MemoryContext cxt;
} AtState;

/* qsort: timestamps ascending. */
static int
CompareTimes(const void *a, const void *b)
{
	TimestampTz x = *(const TimestampTz *) a;
	TimestampTz y = *(const TimestampTz *) b;

	return (x > y) - (x < y);
}

/* The first of the sorted times at or after t, nd if none. */
static int32
FirstAtOrAfter(const AtState *st, TimestampTz t)
{
	int32		lo = 0,
				hi = st->nd;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (st->sorted[mid] >= t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* A new stages_at state in cxt for the n times ts (copied), no events. */
static AtState *
NewAtState(MemoryContext cxt, Oid stage_enum, int32 codes, const TimestampTz *ts, int32 n)
{
	AtState    *st = MemoryContextAllocZero(cxt, sizeof(AtState));
	Size		bytes = (Size) n * (sizeof(TimestampTz) * 3 + sizeof(int32) + 1);

	if (n > STAGES_AT_MAX_TIMES || bytes > AlignMemoryBudget())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("stages_at ts has %d times, more than %d or than align.memory_budget holds",
						n, STAGES_AT_MAX_TIMES),
				 errhint("Pass fewer times, or raise align.memory_budget.")));
	st->stage_enum = stage_enum;
	st->codes = codes;
	st->cxt = cxt;
	st->n = n;
	st->ts = MemoryContextAlloc(cxt, Max(n, 1) * sizeof(TimestampTz));
	st->sorted = MemoryContextAlloc(cxt, Max(n, 1) * sizeof(TimestampTz));
	st->slot = MemoryContextAlloc(cxt, Max(n, 1) * sizeof(int32));
	st->best_at = MemoryContextAlloc(cxt, Max(n, 1) * sizeof(TimestampTz));
	st->best_code = MemoryContextAllocZero(cxt, Max(n, 1));
	if (n > 0)
	{
		memcpy(st->ts, ts, n * sizeof(TimestampTz));
		memcpy(st->sorted, ts, n * sizeof(TimestampTz));
		qsort(st->sorted, n, sizeof(TimestampTz), CompareTimes);
	}
	for (int32 i = 0; i < n; i++)
		if (st->nd == 0 || st->sorted[i] != st->sorted[st->nd - 1])
			st->sorted[st->nd++] = st->sorted[i];
	for (int32 i = 0; i < n; i++)
		st->slot[i] = FirstAtOrAfter(st, ts[i]);
	return st;
}

/*
 * The times of the call's ts argument (argument 3): a one-dimensional
 * timestamptz array without NULLs, each inside align's time range; their
 * number in *n.
 */
static TimestampTz *
TsArgument(FunctionCallInfo fcinfo, int32 *n)
{
	ArrayType  *a;

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("stages_at ts must not be NULL"),
				 errhint("Pass an array of times, e.g. ARRAY['2026-01-31', '2026-02-28']::timestamptz[].")));
	a = PG_GETARG_ARRAYTYPE_P(3);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("stages_at ts must be a one-dimensional array, not of %d dimensions", ARR_NDIM(a))));
	if (ARR_HASNULL(a) && array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("stages_at ts must not hold NULL times")));
	*n = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	return (TimestampTz *) ARR_DATA_PTR(a);
}

/* Raises the error for rows, or partial states, of one group with different ts. */
pg_noreturn static void
MixedTimes(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("stages_at ts must be the same for every row of a group"),
			 errhint("Pass one array of times, e.g. a constant.")));
}

/* Notes an event (at, code) in the slot of the first time at or after it (none: dropped). */
static inline void
NoteAt(AtState *st, int32 j, TimestampTz at, uint8 code)
{
	if (j < st->nd &&
		(st->best_code[j] == 0 || at > st->best_at[j] ||
		 (at == st->best_at[j] && code > st->best_code[j])))
	{
		st->best_at[j] = at;
		st->best_code[j] = code;
	}
}

/*
 * True if the call's ts argument, as passed (before detoasting), is byte
 * for byte the one noted last: a pointer to the same stored TOAST value, or
 * the same compressed or plain bytes.  A ts read from a table is usually
 * stored compressed or out of line, and detoasting it for every row cost
 * more than the aggregate (a 100 000-time array: 40 s over 20 000 rows).
 * Expanded arrays are never taken as the same.
 */
static bool
SameRawTimes(const AtState *st, const struct varlena *raw)
{
	return st->raw != NULL && !VARATT_IS_EXTERNAL_EXPANDED(raw) &&
		VARSIZE_ANY(raw) == st->raw_len && memcmp(raw, st->raw, st->raw_len) == 0;
}

/* Notes the call's ts argument as passed, when small enough to keep. */
static void
NoteRawTimes(AtState *st, const struct varlena *raw)
{
	Size		len = VARSIZE_ANY(raw);

	if (VARATT_IS_EXTERNAL_EXPANDED(raw) || len > (Size) st->n * sizeof(TimestampTz) + 1024)
		return;
	if (st->raw == NULL || st->raw_len < len)
	{
		if (st->raw != NULL)
			pfree(st->raw);
		st->raw = MemoryContextAlloc(st->cxt, len);
	}
	memcpy(st->raw, raw, len);
	st->raw_len = len;
}

PG_FUNCTION_INFO_V1(stages_at_trans);
/* Transition of stages_at(stage, at, ts): notes the event (NULL stage or at: skipped). */
Datum
stages_at_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "stages_at");
	PipeCache  *c = GetPipeCache(fcinfo, -1, 1);
	AtState    *st = PG_ARGISNULL(0) ? NULL : (AtState *) PG_GETARG_POINTER(0);
	int32		n;
	TimestampTz *ts;
	TimestampTz at;

	if (st == NULL || PG_ARGISNULL(3) || !SameRawTimes(st, PG_GETARG_RAW_VARLENA_P(3)))
	{
		ts = TsArgument(fcinfo, &n);
		if (st == NULL)
		{
			for (int32 i = 0; i < n; i++)
				(void) CheckTime(ts[i], "stages_at() ts");
			st = NewAtState(aggcxt, c->stages.is_enum ? c->stages.enum_type : InvalidOid,
							StageCodes(c), ts, n);
		}
		else if (n != st->n || memcmp(ts, st->ts, n * sizeof(TimestampTz)) != 0)
			MixedTimes();
		NoteRawTimes(st, PG_GETARG_RAW_VARLENA_P(3));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	at = CheckTime(PG_GETARG_TIMESTAMPTZ(2), "stages_at() at");
	NoteAt(st, FirstAtOrAfter(st, at), at, (uint8) StageCode(c, PG_GETARG_DATUM(1)));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(stages_at_combine);
/* Combine of stages_at: per time, the later (then higher) of the two events. */
Datum
stages_at_combine(PG_FUNCTION_ARGS)
{
	AtState    *a,
			   *b;
	Datum		result;

	if (AlignCombineNull(fcinfo, "stages_at", &result))
		return result;
	a = (AtState *) PG_GETARG_POINTER(0);
	b = (AtState *) PG_GETARG_POINTER(1);
	if (a->stage_enum != b->stage_enum || a->codes != b->codes)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid stages_at state: stages of different ladders")));
	if (a->n != b->n || memcmp(a->ts, b->ts, a->n * sizeof(TimestampTz)) != 0)
		MixedTimes();
	for (int32 j = 0; j < a->nd; j++)
		if (b->best_code[j] != 0)
			NoteAt(a, j, b->best_at[j], b->best_code[j]);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(stages_at_serialize);
/* Serialize of stages_at: ladder, times, and per distinct time its event. */
Datum
stages_at_serialize(PG_FUNCTION_ARGS)
{
	AtState    *st = (AtState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->stage_enum);
	pq_sendint32(&buf, st->codes);
	pq_sendint32(&buf, st->n);
	for (int32 i = 0; i < st->n; i++)
		pq_sendint64(&buf, st->ts[i]);
	for (int32 j = 0; j < st->nd; j++)
	{
		pq_sendbyte(&buf, st->best_code[j]);
		if (st->best_code[j] != 0)
			pq_sendint64(&buf, st->best_at[j]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(stages_at_deserialize);
/* Deserialize of stages_at: stages_at_serialize's bytes, checked, into aggcxt. */
Datum
stages_at_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt = AlignAggContext(fcinfo, "stages_at");
	StringInfoData msg;
	Oid			stage_enum;
	int32		codes,
				n;
	TimestampTz *ts;
	AtState    *st;

	InitStateMessage(&msg, data);
	stage_enum = (Oid) pq_getmsgint(&msg, 4);
	codes = pq_getmsgint(&msg, 4);
	n = pq_getmsgint(&msg, 4);
	if (codes < 1 || codes > FUNNEL_MAX_STAGES || n < 0 || n > (msg.len - msg.cursor) / 8)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid stages_at state")));
	ts = palloc(Max(n, 1) * sizeof(TimestampTz));
	for (int32 i = 0; i < n; i++)
		ts[i] = pq_getmsgint64(&msg);
	st = NewAtState(aggcxt, stage_enum, codes, ts, n);
	for (int32 j = 0; j < st->nd; j++)
	{
		int			code = pq_getmsgbyte(&msg);

		if (code > codes)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid stages_at state: stage code %d", code)));
		st->best_code[j] = (uint8) code;
		if (code != 0)
			st->best_at[j] = pq_getmsgint64(&msg);
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(stages_at_final);
/*
 * Final of stages_at: element i is the stage at ts[i], the latest event at
 * or before it (a running maximum over the sorted times), NULL before the
 * lead's first event; an array of lead_stage, or of the enum.
 */
Datum
stages_at_final(PG_FUNCTION_ARGS)
{
	AtState    *st;
	Datum	   *elems;
	bool	   *nulls;
	Datum	   *at_sorted;
	bool	   *none;
	Oid			elem_type;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	StageMap	map;
	TimestampTz cur_at = 0;
	uint8		cur = 0;
	int			dims[1];
	int			lbs[1] = {1};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (AtState *) PG_GETARG_POINTER(0);
	if (OidIsValid(st->stage_enum))
	{
		StageMapInitEnum(&map, st->stage_enum, CurrentMemoryContext, false);
		if (map.nstages != st->codes)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("enum %s changed while stages_at ran", format_type_be(st->stage_enum))));
		elem_type = st->stage_enum;
	}
	else
		elem_type = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));
	get_typlenbyvalalign(elem_type, &typlen, &typbyval, &typalign);
	at_sorted = palloc(Max(st->nd, 1) * sizeof(Datum));
	none = palloc(Max(st->nd, 1) * sizeof(bool));
	for (int32 j = 0; j < st->nd; j++)
	{
		if (st->best_code[j] != 0 &&
			(cur == 0 || st->best_at[j] > cur_at ||
			 (st->best_at[j] == cur_at && st->best_code[j] > cur)))
		{
			cur = st->best_code[j];
			cur_at = st->best_at[j];
		}
		none[j] = cur == 0;
		at_sorted[j] = cur == 0 ? (Datum) 0
			: OidIsValid(st->stage_enum) ? ObjectIdGetDatum(map.by_pos[cur - 1])
			: LeadStageGetDatum((LeadStage) cur);
	}
	elems = palloc(Max(st->n, 1) * sizeof(Datum));
	nulls = palloc(Max(st->n, 1) * sizeof(bool));
	for (int32 i = 0; i < st->n; i++)
	{
		elems[i] = at_sorted[st->slot[i]];
		nulls[i] = none[st->slot[i]];
	}
	dims[0] = st->n;
	if (st->n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(elem_type));
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, elem_type,
											 typlen, typbyval, typalign));
}
