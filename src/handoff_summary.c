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
 * time, owner hash), and at the end groups them by lead with a two-pass
 * radix sort on the lead hash, orders each lead's few rows by time, and
 * walks them exactly as handoff_gap and sla_breached do.  Quantiles are
 * exact (percentile_disc).  Rows may come in any order, and partial states
 * combine by concatenation, so it is correct in parallel plans.
 *
 * Semantics, as for handoff_gap: a NULL owner neither starts nor ends a
 * handoff; a handoff is the first row of an owner different from the
 * previous owned row's, and its gap is the time since that row.  Rows with a
 * NULL lead or NULL at are skipped (they cannot be placed in a lead's
 * stream).  Equal times are ordered by owner hash.  With into, only handoffs
 * to that owner count.  A gap equal to the SLA meets it.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/array.h"

#include "align.h"

#define HS_SERIAL_VERSION	1

/* One row: whose, when, by whom. */
typedef struct HSEvent
{
	uint64		lead;			/* hash of the lead key */
	TimestampTz at;
	uint64		owner;			/* hash of the owner */
} HSEvent;

/* Transition state: every row kept so far, and the arguments every row shares. */
typedef struct HSState
{
	int64		sla_us;			/* the SLA, microseconds */
	bool		has_into;		/* count only handoffs into one owner */
	uint64		into;			/* that owner's hash */
	int64		nevents;
	int64		capacity;
	HSEvent    *events;
	void	   *events_alloc;	/* what to pfree for events */
} HSState;

/* Hashing of one argument's type, cached per call site. */
typedef struct HSHasher
{
	Oid			type;
	FmgrInfo	hash;
	Oid			collation;
} HSHasher;

typedef struct HSCache
{
	HSHasher	lead;
	HSHasher	owner;
} HSCache;

/* Sets up hashing for argument argno. */
static void
HasherInit(HSHasher *h, FunctionCallInfo fcinfo, int argno, const char *what)
{
	TypeCacheEntry *tc;

	h->type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	h->collation = PG_GET_COLLATION();
	if (!OidIsValid(h->type) || h->type == UNKNOWNOID)
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_DATATYPE),
				 errmsg("could not determine the type of the %s", what),
				 errhint("Cast the argument, e.g. 'sales'::text.")));
	tc = lookup_type_cache(h->type, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
	if (!OidIsValid(tc->hash_extended_proc))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("%s type %s has no hash function", what, format_type_be(h->type)),
				 errhint("Use a hashable type: bigint, text, uuid, ...")));
	fmgr_info_copy(&h->hash, &tc->hash_extended_proc_finfo, fcinfo->flinfo->fn_mcxt);
}

/* 64-bit hash of a value. */
static inline uint64
HasherHash(HSHasher *h, Datum v)
{
	return DatumGetUInt64(FunctionCall2Coll(&h->hash, h->collation, v, Int64GetDatum(0)));
}

/* Checks and converts the SLA. */
static int64
SlaMicroseconds(const Interval *iv)
{
	int64		days;
	int64		us;

	if (pg_mul_s64_overflow((int64) iv->month, DAYS_PER_MONTH, &days) ||
		pg_add_s64_overflow(days, iv->day, &days) ||
		pg_mul_s64_overflow(days, USECS_PER_DAY, &us) ||
		pg_add_s64_overflow(us, iv->time, &us))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("handoff_summary sla out of range")));
	if (us < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("handoff_summary sla must not be negative"),
				 errhint("Pass the agreed response time, e.g. interval '24 hours'.")));
	return us;
}

/* A new state in the aggregate's context. */
static HSState *
NewState(MemoryContext aggcxt, int64 sla_us, bool has_into, uint64 into)
{
	HSState    *st = MemoryContextAllocZero(aggcxt, sizeof(HSState));

	st->sla_us = sla_us;
	st->has_into = has_into;
	st->into = into;
	return st;
}

/* Appends one row, doubling the array in the state's context when full. */
static void
AddEvent(HSState *st, uint64 lead, TimestampTz at, uint64 owner)
{
	if (st->nevents == st->capacity)
	{
		int64		cap = st->capacity ? st->capacity * 2 : 256;
		void	   *old_alloc = st->events_alloc;
		HSEvent    *grown;

		if ((Size) cap * sizeof(HSEvent) > MaxAllocHugeSize / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("handoff_summary holds at most %lld rows per group",
							(long long) (MaxAllocHugeSize / 2 / sizeof(HSEvent)))));
		grown = AllocLarge(GetMemoryChunkContext(st), cap * sizeof(HSEvent),
						   &st->events_alloc);

		if (st->nevents > 0)
			memcpy(grown, st->events, st->nevents * sizeof(HSEvent));
		if (old_alloc)
			pfree(old_alloc);
		st->events = grown;
		st->capacity = cap;
	}
	st->events[st->nevents].lead = lead;
	st->events[st->nevents].at = at;
	st->events[st->nevents].owner = owner;
	st->nevents++;
}

PG_FUNCTION_INFO_V1(handoff_summary_trans);
/* Transition: keeps one row (lead, at, owner, sla [, into]). */
Datum
handoff_summary_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "handoff_summary");
	HSCache    *c = fcinfo->flinfo->fn_extra;
	HSState    *st;
	int64		sla_us;
	bool		has_into = PG_NARGS() > 5;
	uint64		into = 0;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(HSCache));
		HasherInit(&c->lead, fcinfo, 1, "lead key");
		HasherInit(&c->owner, fcinfo, 3, "owner");
		fcinfo->flinfo->fn_extra = c;
	}
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("handoff_summary sla must not be NULL")));
	sla_us = SlaMicroseconds(PG_GETARG_INTERVAL_P(4));
	if (has_into)
	{
		if (PG_ARGISNULL(5))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("handoff_summary into must not be NULL"),
					 errhint("Leave the argument out to count handoffs to every owner.")));
		into = HasherHash(&c->owner, PG_GETARG_DATUM(5));
	}

	if (PG_ARGISNULL(0))
		st = NewState(aggcxt, sla_us, has_into, into);
	else
	{
		st = (HSState *) PG_GETARG_POINTER(0);
		if (st->sla_us != sla_us || st->has_into != has_into || st->into != into)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("handoff_summary sla and into must be the same for every row of a group")));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	if (TIMESTAMP_NOT_FINITE(PG_GETARG_TIMESTAMPTZ(2)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("handoff_summary times must be finite")));
	/* a NULL owner is kept: it takes part in time order but never in a handoff */
	AddEvent(st, HasherHash(&c->lead, PG_GETARG_DATUM(1)), PG_GETARG_TIMESTAMPTZ(2),
			 PG_ARGISNULL(3) ? 0 : HasherHash(&c->owner, PG_GETARG_DATUM(3)) | 1);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(handoff_summary_combine);
/* Combine: concatenates two partial states (row order does not matter). */
Datum
handoff_summary_combine(PG_FUNCTION_ARGS)
{
	HSState    *a;
	HSState    *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	(void) AlignAggContext(fcinfo, "handoff_summary");
	b = (HSState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);	/* adopt it: it lives in aggcxt already */
	a = (HSState *) PG_GETARG_POINTER(0);
	if (a->sla_us != b->sla_us || a->has_into != b->has_into || a->into != b->into)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("handoff_summary sla and into must be the same for every row of a group")));
	for (int64 i = 0; i < b->nevents; i++)
		AddEvent(a, b->events[i].lead, b->events[i].at, b->events[i].owner);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(handoff_summary_serialize);
/* Serialize: version, arguments, rows. */
Datum
handoff_summary_serialize(PG_FUNCTION_ARGS)
{
	HSState    *st = (HSState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, HS_SERIAL_VERSION);
	pq_sendint64(&buf, st->sla_us);
	pq_sendbyte(&buf, st->has_into ? 1 : 0);
	pq_sendint64(&buf, (int64) st->into);
	pq_sendint64(&buf, st->nevents);
	for (int64 i = 0; i < st->nevents; i++)
	{
		pq_sendint64(&buf, (int64) st->events[i].lead);
		pq_sendint64(&buf, st->events[i].at);
		pq_sendint64(&buf, (int64) st->events[i].owner);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(handoff_summary_deserialize);
/* Deserialize: checks the counts before trusting them. */
Datum
handoff_summary_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt = AlignAggContext(fcinfo, "handoff_summary");
	StringInfoData msg;
	HSState    *st;
	int64		sla_us;
	bool		has_into;
	uint64		into;
	int64		n;

	InitStateMessage(&msg, data);
	if (pq_getmsgbyte(&msg) != HS_SERIAL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid handoff_summary state: unsupported version")));
	sla_us = pq_getmsgint64(&msg);
	has_into = pq_getmsgbyte(&msg) != 0;
	into = (uint64) pq_getmsgint64(&msg);
	n = pq_getmsgint64(&msg);
	if (sla_us < 0 || n < 0 || n > (msg.len - msg.cursor) / 24)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid handoff_summary state")));
	st = NewState(aggcxt, sla_us, has_into, into);
	for (int64 i = 0; i < n; i++)
	{
		uint64		lead = (uint64) pq_getmsgint64(&msg);
		TimestampTz at = pq_getmsgint64(&msg);
		uint64		owner = (uint64) pq_getmsgint64(&msg);

		AddEvent(st, lead, at, owner);
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

#define RADIX_BITS	11
#define RADIX_SIZE	(1 << RADIX_BITS)

/* One radix pass: stable counting sort of src into dst by 11 bits of the lead hash. */
static void
RadixPass(const HSEvent *src, HSEvent *dst, int64 n, int shift)
{
	int64		count[RADIX_SIZE + 1];

	memset(count, 0, sizeof(count));
	for (int64 i = 0; i < n; i++)
		count[((src[i].lead >> shift) & (RADIX_SIZE - 1)) + 1]++;
	for (int b = 0; b < RADIX_SIZE; b++)
		count[b + 1] += count[b];
	for (int64 i = 0; i < n; i++)
	{
		dst[count[(src[i].lead >> shift) & (RADIX_SIZE - 1)]++] = src[i];
		if ((i & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

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
 * Sorts the state's rows by lead, then time, then owner: three radix passes
 * on the upper 32 bits of the lead hash, then a small sort of each run of
 * rows that share them.  Returns the rows.
 */
static HSEvent *
GroupByLead(HSState *st)
{
	int64		n = st->nevents;
	void	   *tmp_alloc;
	HSEvent    *tmp = AllocLarge(CurrentMemoryContext, n * sizeof(HSEvent), &tmp_alloc);
	HSEvent    *ev = st->events;
	int64		start = 0;

	RadixPass(ev, tmp, n, 32);
	RadixPass(tmp, ev, n, 32 + RADIX_BITS);
	RadixPass(ev, tmp, n, 32 + 2 * RADIX_BITS);
	memcpy(ev, tmp, n * sizeof(HSEvent));
	pfree(tmp_alloc);
	while (start < n)
	{
		int64		end = start + 1;

		while (end < n && (ev[end].lead >> 32) == (ev[start].lead >> 32))
			end++;
		SortRun(ev + start, end - start);
		start = end;
		CHECK_FOR_INTERRUPTS();
	}
	return ev;
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

/* The value percentile_disc(fraction) picks from v[0..n), as an interval. */
static Datum
SelectQuantile(int64 *v, int64 n, double fraction)
{
	int64		rank = Max((int64) ceil(fraction * (double) n), 1);
	Interval	iv;

	SelectNth(v, n, rank - 1);
	iv.month = 0;
	iv.day = 0;
	iv.time = v[rank - 1];
	return DirectFunctionCall1(interval_justify_hours, IntervalPGetDatum(&iv));
}

PG_FUNCTION_INFO_V1(handoff_summary_final);
/*
 * Final: groups rows by lead, walks each lead in time order and returns
 * (handoffs, median_gap, p90_gap, sla_met).  Empty: (0, NULL, NULL, NULL).
 */
Datum
handoff_summary_final(PG_FUNCTION_ARGS)
{
	HSState    *st = PG_ARGISNULL(0) ? NULL : (HSState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, true, true, true};
	int64		n = st ? st->nevents : 0;
	int64	   *gaps = NULL;
	int64		ngaps = 0;
	int64		met = 0;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "handoff_summary must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	if (n > 0)
	{
		HSEvent    *ev = GroupByLead(st);
		int64		start = 0;

		gaps = MemoryContextAllocHuge(CurrentMemoryContext, n * sizeof(int64));

		while (start < n)
		{
			int64		end = start + 1;
			uint64		owner = 0;	/* current owner's hash, 0 = none yet */
			TimestampTz last = 0;	/* current owner's last row */

			while (end < n && (ev[end].lead >> 32) == (ev[start].lead >> 32))
				end++;
			for (int64 i = start; i < end; i++)
			{
				if (i > start && ev[i].lead != ev[i - 1].lead)
					owner = 0;	/* next lead in this run */
				if (ev[i].owner == 0)
					continue;
				if (owner != 0 && ev[i].owner != owner &&
					(!st->has_into || (ev[i].owner == (st->into | 1))))
				{
					int64		gap = ev[i].at - last;

					gaps[ngaps++] = gap;
					met += (gap <= st->sla_us);
				}
				owner = ev[i].owner;
				last = ev[i].at;
			}
			start = end;
			if ((start & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}

	values[0] = Int64GetDatum(ngaps);
	if (ngaps > 0)
	{
		values[1] = SelectQuantile(gaps, ngaps, 0.5);
		values[2] = SelectQuantile(gaps, ngaps, 0.9);
		values[3] = Float8GetDatum((double) met / (double) ngaps);
		nulls[1] = nulls[2] = nulls[3] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ---------- stage_stays: time in stage without a sort ---------- */

PG_FUNCTION_INFO_V1(stage_stays_trans);
/*
 * Transition of stage_stays(lead, at, stage): keeps one row, the stage code
 * in place of an owner.  Rows with a NULL lead, time or stage are skipped.
 */
Datum
stage_stays_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "handoff_summary");
	HSCache    *c = fcinfo->flinfo->fn_extra;
	HSState    *st;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(HSCache));
		HasherInit(&c->lead, fcinfo, 1, "lead key");
		fcinfo->flinfo->fn_extra = c;
	}
	st = PG_ARGISNULL(0) ? NewState(aggcxt, 0, false, 0) : (HSState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	if (TIMESTAMP_NOT_FINITE(PG_GETARG_TIMESTAMPTZ(2)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("stage_stays times must be finite")));
	AddEvent(st, HasherHash(&c->lead, PG_GETARG_DATUM(1)), PG_GETARG_TIMESTAMPTZ(2),
			 (uint64) PG_GETARG_LEAD_STAGE(3));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(stage_stays_final);
/*
 * Final of stage_stays: walks each lead in time order (ties in ladder
 * order), as time_in_stage does, and returns per stage that has a
 * completed stay: (stage, stays, median_stay, p90_stay).  The last row of a
 * lead has no completed stay.
 */
Datum
stage_stays_final(PG_FUNCTION_ARGS)
{
	HSState    *st = PG_ARGISNULL(0) ? NULL : (HSState *) PG_GETARG_POINTER(0);
	int64		n = st ? st->nevents : 0;
	Oid			array_type = get_fn_expr_rettype(fcinfo->flinfo);
	Oid			elem_type = get_element_type(array_type);
	TupleDesc	tupdesc = lookup_rowtype_tupdesc_copy(elem_type, -1);
	int64		count[STAGE_COUNT + 1];
	int64		offset[STAGE_COUNT + 2];
	int64	   *stays = NULL;
	Datum		elems[STAGE_COUNT];
	int			nelems = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	memset(count, 0, sizeof(count));
	if (n > 0)
	{
		HSEvent    *ev = GroupByLead(st);
		int64		fill[STAGE_COUNT + 1];

		for (int64 i = 0; i + 1 < n; i++)
			if (ev[i + 1].lead == ev[i].lead)
				count[ev[i].owner]++;
		offset[1] = 0;
		for (int s = 1; s <= STAGE_COUNT; s++)
			offset[s + 1] = offset[s] + count[s];
		stays = MemoryContextAllocHuge(CurrentMemoryContext, Max(n, 1) * sizeof(int64));
		memcpy(fill, offset, sizeof(fill));
		for (int64 i = 0; i + 1 < n; i++)
			if (ev[i + 1].lead == ev[i].lead)
				stays[fill[ev[i].owner]++] = ev[i + 1].at - ev[i].at;
	}
	tupdesc = BlessTupleDesc(tupdesc);
	for (int s = 1; s <= STAGE_COUNT; s++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		if (count[s] == 0)
			continue;
		values[0] = LeadStageGetDatum((LeadStage) s);
		values[1] = Int64GetDatum(count[s]);
		values[2] = SelectQuantile(stays + offset[s], count[s], 0.5);
		values[3] = SelectQuantile(stays + offset[s], count[s], 0.9);
		elems[nelems++] = HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
	}
	get_typlenbyvalalign(elem_type, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, nelems, elem_type, typlen, typbyval, typalign));
}
