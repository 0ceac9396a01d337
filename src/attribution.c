/*
 * attribution.c
 *		attribution(lead, at, channel, stage, to_stage [, model [, lookback
 *		[, half_life [, weights]]]]): multi-touch attribution of the
 *		conversions to to_stage over touches and stage history in any row
 *		order (issue 16); rollup(attribution) and attribution_rows.
 *
 * Input rows are touches (stage NULL; channel the credited value, NULL a
 * bucket of its own) and lead_stage history rows (stage not NULL; their
 * channel is ignored).  They are kept by stage_stays' row store
 * (handoff_summary.c) in its mixed form: touches carry the channel's number
 * (distinct channels found by hash and confirmed by equality), stage rows
 * their code, so a lead's rows sort by time with tied touches in channel
 * order (the type's btree order, NULL first) before the stage rows of that
 * time.  The store spills past align.memory_budget, and partial states
 * concatenate (an internal state: Citus gathers the rows).
 *
 * The final function walks each lead: it converts at its first row at
 * to_stage or a higher ladder stage; the touches at or before that time
 * (and with lookback, not before conversion - lookback) are counted and
 * the lead's credit, exactly ATTR_UNIT units, is spread over them by the
 * model's weights with largest-remainder rounding.  A converted lead
 * without a counted touch credits the (none) bucket.  Credit per channel is
 * an int128 sum of units, so the credit over all channels is exactly the
 * number of conversions.
 *
 * The attribution value keeps the arguments, the totals and per channel
 * (as text) its units and leads touched; its stored and binary forms are
 * one layout, its text form JSON, and both are read as hostile input.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "align.h"
#include "callerless.h"
#include "handoff_state.h"
#include "interval_rule.h"
#include "key_hash.h"
#include "pg_compat.h"
#include "settings.h"

#ifndef HAVE_INT128
#error "attribution needs a 128-bit integer type"
#endif

/* The value's layout version. */
#define ATTR_VERSION	1

/* The credit units of one conversion: 10^12. */
#define ATTR_UNIT		INT64CONST(1000000000000)

/* The scale of the position weights: they sum to about this. */
#define ATTR_WEIGHT_SCALE	INT64CONST(1000000000)

/* Most position weights of a model, and most channels of a value. */
#define ATTR_MAX_WEIGHTS	5
#define ATTR_MAX_CHANNELS	(1 << 24)

/* The models. */
typedef enum AttrModel
{
	AM_FIRST,
	AM_LAST,
	AM_LINEAR,
	AM_U,
	AM_W,
	AM_FULL,
	AM_DECAY,
	AM_N
} AttrModel;

/* A model's name, and its positions' default weights (the middle's last). */
static const struct
{
	const char *name;
	int			nweights;
	int64		weights[ATTR_MAX_WEIGHTS];
}			models[AM_N] =
{
	{"first_touch", 0, {0}},
	{"last_touch", 0, {0}},
	{"linear", 0, {0}},
	{"u_shaped", 3, {400000000, 400000000, 200000000}},
	{"w_shaped", 4, {300000000, 300000000, 300000000, 100000000}},
	{"full_path", 5, {225000000, 225000000, 225000000, 225000000, 100000000}},
	{"time_decay", 0, {0}},
};

/* The milestone stage of each position after the first (lead, opportunity, customer). */
static const int milestone_stage[3] = {STAGE_LEAD, STAGE_OPPORTUNITY, STAGE_CUSTOMER};

/* The arguments every row of a group shares (zero-filled: compared bytewise). */
typedef struct AttrParams
{
	int32		model;
	int32		to_stage;		/* a ladder stage's code */
	int32		has_lookback;
	int32		nweights;
	int64		lookback_us;
	int64		half_life_us;	/* time_decay only, else 0 */
	int64		weights[ATTR_MAX_WEIGHTS];
} AttrParams;

/* A channel of a value: by kind, then text. */
#define AK_VALUE	0
#define AK_NULL		1
#define AK_NONE		2

typedef struct AttrChannel
{
	int			kind;
	char	   *text;			/* AK_VALUE: the channel as its type prints it */
	int128		units;
	int64		leads;
} AttrChannel;

/* An attribution value, expanded. */
typedef struct Attribution
{
	AttrParams	p;
	int64		conversions;
	int64		leads;
	int32		nchannels;
	AttrChannel *ch;
} Attribution;

/* ---------- arguments ---------- */

/* Raises 22023 for a bad argument. */
pg_noreturn static void
BadArgument(const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", msg),
			 errhint("%s", hint)));
}

/* The model of a name, or -1. */
static int
ModelOf(const char *name)
{
	for (int m = 0; m < AM_N; m++)
		if (strcmp(models[m].name, name) == 0)
			return m;
	return -1;
}

/*
 * The call's shared arguments: to_stage (argument 5, a ladder stage), model
 * (6, default linear), lookback (7, NULL: none), half_life (8, default 7
 * days; time_decay only) and weights (9, the model's positions, NULL: the
 * defaults), checked.
 */
static void
ReadParams(FunctionCallInfo fcinfo, AttrParams *p)
{
	int			nargs = PG_NARGS();

	memset(p, 0, sizeof(AttrParams));
	if (PG_ARGISNULL(5))
		BadArgument("attribution to_stage must not be NULL",
					"Pass the stage whose conversions get credit, e.g. 'opportunity'.");
	p->to_stage = PG_GETARG_LEAD_STAGE(5);
	if (p->to_stage < 1 || p->to_stage > STAGE_LADDER_SIZE)
		BadArgument(psprintf("attribution to_stage must be a ladder stage, not %s",
							 LeadStageName((LeadStage) p->to_stage)),
					"Pass a stage from subscriber to evangelist, e.g. 'opportunity'.");
	p->model = AM_LINEAR;
	if (nargs > 6)
	{
		char	   *name;

		if (PG_ARGISNULL(6))
			BadArgument("attribution model must not be NULL",
						"Pass first_touch, last_touch, linear, u_shaped, w_shaped, full_path or time_decay.");
		name = text_to_cstring(PG_GETARG_TEXT_PP(6));
		p->model = ModelOf(name);
		if (p->model < 0)
			BadArgument(psprintf("unknown attribution model \"%s\"", name),
						"Pass first_touch, last_touch, linear, u_shaped, w_shaped, full_path or time_decay.");
	}
	if (nargs > 7 && !PG_ARGISNULL(7))
	{
		p->has_lookback = 1;
		p->lookback_us = IntervalArgMicroseconds(PG_GETARG_INTERVAL_P(7), "attribution lookback",
												 "Pass e.g. interval '90 days', or NULL for no limit.");
	}
	if (p->model == AM_DECAY)
	{
		Interval	week = {0, 7, 0};

		p->half_life_us = IntervalArgMicroseconds(nargs > 8 && !PG_ARGISNULL(8) ? PG_GETARG_INTERVAL_P(8) : &week,
												  "attribution half_life",
												  "Pass e.g. interval '7 days'.");
		if (p->half_life_us <= 0)
			BadArgument("attribution half_life must be a positive interval",
						"Pass e.g. interval '7 days'.");
	}
	p->nweights = models[p->model].nweights;
	memcpy(p->weights, models[p->model].weights, sizeof(p->weights));
	if (nargs > 9 && !PG_ARGISNULL(9))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(9);
		int			n = ARR_NDIM(a) == 1 ? ARR_DIMS(a)[0] : 0;
		double	   *w = (double *) ARR_DATA_PTR(a);
		double		sum = 0;

		if (p->nweights == 0)
			BadArgument(psprintf("attribution model %s takes no weights", models[p->model].name),
						"Pass weights to u_shaped (3), w_shaped (4) or full_path (5), or NULL.");
		if (ARR_NDIM(a) != 1 || n != p->nweights || ARR_HASNULL(a))
			BadArgument(psprintf("attribution weights of %s must be %d numbers without NULLs",
								 models[p->model].name, p->nweights),
						"Pass the weights of first touch, lead creation, ... and the middle last, e.g. ARRAY[40, 40, 20].");
		for (int i = 0; i < n; i++)
		{
			if (isnan(w[i]) || isinf(w[i]) || w[i] < 0)
				BadArgument("attribution weights must be finite and not negative",
							"Pass e.g. ARRAY[40, 40, 20].");
			sum += w[i];
		}
		if (!(sum > 0) || isinf(sum))
			BadArgument("attribution weights must not all be zero",
						"Pass e.g. ARRAY[40, 40, 20].");
		for (int i = 0; i < n; i++)
			p->weights[i] = (int64) rint(w[i] / sum * (double) ATTR_WEIGHT_SCALE);
	}
}

/* ---------- the aggregate ---------- */

/* What a call site works out once: how to hash the lead and the channel. */
typedef struct AttrCache
{
	KeyHasher	lead;
	KeyHasher	channel;
	int16		typlen;
	bool		typbyval;
} AttrCache;

/* The call site's cache (fn_extra, or the callerless table for Citus). */
static AttrCache *
GetAttrCache(FunctionCallInfo fcinfo)
{
	MemoryContext cxt;
	AttrCache  *c = CallSiteCache(fcinfo, &cxt);
	Oid			type;

	if (likely(c != NULL))
		return c;
	c = MemoryContextAllocZero(cxt, sizeof(AttrCache));
	type = CallArgType(fcinfo, 1);
	KeyHasherInitType(&c->lead, type,
					  Callerless(fcinfo) ? CallerlessCollation(fcinfo, type) : PG_GET_COLLATION(),
					  cxt, "lead key", "Cast the argument, e.g. lead_id::text.",
					  "Use a hashable type: bigint, text, uuid, ...");
	type = CallArgType(fcinfo, 3);
	KeyHasherInitType(&c->channel, type,
					  Callerless(fcinfo) ? CallerlessCollation(fcinfo, type) : PG_GET_COLLATION(),
					  cxt, "channel", "Cast the argument, e.g. channel::text.",
					  "Use a hashable type: text, bigint, ...");
	get_typlenbyval(type, &c->typlen, &c->typbyval);
	CallSiteCacheKeep(fcinfo, c);
	return c;
}

/* attribution's transition state: the rows, and the arguments they share. */
typedef struct AttrState
{
	HSState    *rows;
	AttrParams	p;
} AttrState;

PG_FUNCTION_INFO_V1(attribution_trans);
/*
 * Transition of attribution: keeps a touch (stage NULL) or a stage row
 * (NULL lead or at: skipped).
 */
Datum
attribution_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "attribution");
	AttrCache  *c = GetAttrCache(fcinfo);
	AttrState  *st = PG_ARGISNULL(0) ? NULL : (AttrState *) PG_GETARG_POINTER(0);
	AttrParams	p;
	uint64		lead;
	TimestampTz at;

	ReadParams(fcinfo, &p);
	if (st == NULL)
	{
		st = MemoryContextAllocZero(aggcxt, sizeof(AttrState));
		st->p = p;
		st->rows = HSNewTouchRows(aggcxt, c->channel.type, c->channel.collation);
	}
	else if (memcmp(&st->p, &p, sizeof(p)) != 0)
		BadArgument("attribution to_stage, model, lookback, half_life and weights must be the same for every row of a group",
					"Pass constants, or group by them.");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	lead = KeyHash(&c->lead, PG_GETARG_DATUM(1));
	at = CheckTime(PG_GETARG_TIMESTAMPTZ(2), "attribution() at");
	if (!PG_ARGISNULL(4))
		HSAddStageRow(st->rows, lead, at, HS_STAGE_ROW | (uint64) PG_GETARG_LEAD_STAGE(4));
	else if (PG_ARGISNULL(3))
		HSAddTouchRow(st->rows, lead, at, true, 0, (Datum) 0, c->typlen, c->typbyval);
	else
		HSAddTouchRow(st->rows, lead, at, false, KeyHash(&c->channel, PG_GETARG_DATUM(3)),
					  PG_GETARG_DATUM(3), c->typlen, c->typbyval);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(attribution_combine);
/* Combine of attribution: concatenates the rows of two partial states. */
Datum
attribution_combine(PG_FUNCTION_ARGS)
{
	AttrState  *a,
			   *b;
	Datum		result;

	if (AlignCombineNull(fcinfo, "attribution", &result))
		return result;
	a = (AttrState *) PG_GETARG_POINTER(0);
	b = (AttrState *) PG_GETARG_POINTER(1);
	if (memcmp(&a->p, &b->p, sizeof(AttrParams)) != 0)
		BadArgument("attribution to_stage, model, lookback, half_life and weights must be the same for every row of a group",
					"Pass constants, or group by them.");
	(void) HSCombine(a->rows, b->rows);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(attribution_serialize);
/* Serialize of attribution: the arguments, then the rows (raw, same server). */
Datum
attribution_serialize(PG_FUNCTION_ARGS)
{
	AttrState  *st = (AttrState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, ATTR_VERSION);
	pq_sendbytes(&buf, (const char *) &st->p, sizeof(AttrParams));
	HSSerializeTo(st->rows, &buf, false);
	CheckPartialStateSize("attribution", buf.len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Raises XX001 for a partial state or stored value that fails its checks. */
pg_noreturn static void
CorruptAttr(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid attribution state: %s", what)));
}

/* True if p is a set of arguments ReadParams could have made. */
static bool
ParamsValid(const AttrParams *p)
{
	int64		sum = 0;

	if (p->model < 0 || p->model >= AM_N || p->to_stage < 1 || p->to_stage > STAGE_LADDER_SIZE ||
		(p->has_lookback != 0 && p->has_lookback != 1) || p->lookback_us < 0 ||
		(!p->has_lookback && p->lookback_us != 0) ||
		(p->model == AM_DECAY ? p->half_life_us <= 0 : p->half_life_us != 0) ||
		p->nweights != models[p->model].nweights)
		return false;
	for (int i = 0; i < ATTR_MAX_WEIGHTS; i++)
	{
		if (p->weights[i] < 0 || p->weights[i] > 2 * ATTR_WEIGHT_SCALE ||
			(i >= p->nweights && p->weights[i] != 0))
			return false;
		sum += p->weights[i];
	}
	return p->nweights == 0 || sum > 0;
}

PG_FUNCTION_INFO_V1(attribution_deserialize);
/* Deserialize of attribution: attribution_serialize's bytes into a state in aggcxt. */
Datum
attribution_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt = AlignAggContext(fcinfo, "attribution");
	AttrState  *st = MemoryContextAllocZero(aggcxt, sizeof(AttrState));
	StringInfoData msg;

	InitStateMessage(&msg, data);
	if (pq_getmsgbyte(&msg) != ATTR_VERSION)
		CorruptAttr("unsupported version");
	pq_copymsgbytes(&msg, (char *) &st->p, sizeof(AttrParams));
	if (!ParamsValid(&st->p))
		CorruptAttr("bad arguments");
	st->rows = HSDeserializeTouchRows(&msg, aggcxt, true);
	PG_RETURN_POINTER(st);
}

/* What attribution_final collects while walking the leads. */
typedef struct AttrWalk
{
	const AttrParams *p;
	int32		nchannels;		/* ranks 1..nchannels; 0 = the NULL channel */
	int128	   *units;			/* per rank */
	int64	   *leads;			/* per rank: leads touched */
	int64	   *stamp;			/* per rank: the last lead counted */
	int64	   *slot;			/* per rank: the lowest rank printing alike */
	int128		none_units;
	int64		none_leads;
	int64		conversions;
	int64		nleads;
	/* the current lead's counted touches */
	int			cap;
	int64	   *ranks;
	TimestampTz *ats;
	int128	   *num;
	int128	   *rem;
	int		   *order;
} AttrWalk;

/* Grows the walk's per-touch arrays to hold n. */
static void
WalkReserve(AttrWalk *w, int64 n)
{
	if (n <= w->cap)
		return;
	if (n > MaxAllocSize / sizeof(int128))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("attribution: a lead has too many touches (%lld)", (long long) n)));
	w->cap = Max(n, 2 * w->cap);
	if (w->ranks == NULL)
	{
		w->ranks = palloc(w->cap * sizeof(int64));
		w->ats = palloc(w->cap * sizeof(TimestampTz));
		w->num = palloc(w->cap * sizeof(int128));
		w->rem = palloc(w->cap * sizeof(int128));
		w->order = palloc(w->cap * sizeof(int));
	}
	else
	{
		w->ranks = repalloc(w->ranks, w->cap * sizeof(int64));
		w->ats = repalloc(w->ats, w->cap * sizeof(TimestampTz));
		w->num = repalloc(w->num, w->cap * sizeof(int128));
		w->rem = repalloc(w->rem, w->cap * sizeof(int128));
		w->order = repalloc(w->order, w->cap * sizeof(int));
	}
}

/* qsort_arg: touch indexes by remainder, largest first, then earliest. */
static int
CompareRemainders(const void *a, const void *b, void *arg)
{
	const int128 *rem = (const int128 *) arg;
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	if (rem[x] != rem[y])
		return rem[x] > rem[y] ? -1 : 1;
	return x - y;
}

/*
 * The model's numerators of the n counted touches (in time order, then
 * channel order) of a lead converted at conv, into w->num; entered[k]: when
 * the lead entered milestone k (lead, opportunity, customer), 0 if not at
 * or before conv.
 */
static void
Numerators(AttrWalk *w, int n, TimestampTz conv, const bool *has_entered, const TimestampTz *entered)
{
	const AttrParams *p = w->p;

	for (int i = 0; i < n; i++)
		w->num[i] = 0;
	switch (p->model)
	{
		case AM_FIRST:
			w->num[0] = 1;
			return;
		case AM_LAST:
			w->num[n - 1] = 1;
			return;
		case AM_LINEAR:
			for (int i = 0; i < n; i++)
				w->num[i] = 1;
			return;
		case AM_DECAY:
			/* relative to the latest touch, which gets 2^52 */
			for (int i = 0; i < n; i++)
				w->num[i] = (int128) rint(ldexp(exp2(-(double) (w->ats[n - 1] - w->ats[i]) /
													 (double) p->half_life_us), 52));
			return;
		default:
			break;
	}
	{
		int			pos[ATTR_MAX_WEIGHTS];	/* each position's touch, -1: missing */
		int			npos = p->nweights - 1;
		int64		middle = 0;
		bool	   *taken = palloc0(n * sizeof(bool));
		int128		total = 0;

		pos[0] = 0;
		for (int k = 1; k < npos; k++)
		{
			pos[k] = -1;
			if (!has_entered[k - 1])
				continue;
			for (int i = 0; i < n && w->ats[i] <= entered[k - 1]; i++)
				pos[k] = i;
		}
		for (int k = 0; k < npos; k++)
			if (pos[k] >= 0)
				taken[pos[k]] = true;
		for (int i = 0; i < n; i++)
			middle += !taken[i];
		for (int k = 0; k < npos; k++)
			if (pos[k] >= 0)
				w->num[pos[k]] += (int128) p->weights[k] * Max(middle, 1);
		for (int i = 0; i < n; i++)
			if (!taken[i])
				w->num[i] = p->weights[npos];
		for (int i = 0; i < n; i++)
			total += w->num[i];
		/* every present position weighs 0: credit them equally */
		if (total == 0)
			for (int i = 0; i < n; i++)
				w->num[i] = 1;
		pfree(taken);
	}
}

/* Spreads ATTR_UNIT over the n counted touches by their numerators (largest remainder). */
static void
Distribute(AttrWalk *w, int n)
{
	int128		total = 0;
	int128		given = 0;

	for (int i = 0; i < n; i++)
		total += w->num[i];
	Assert(total > 0);
	for (int i = 0; i < n; i++)
	{
		int128		scaled = w->num[i] * ATTR_UNIT;

		w->rem[i] = scaled % total;
		w->num[i] = scaled / total;
		given += w->num[i];
		w->order[i] = i;
	}
	qsort_arg(w->order, n, sizeof(int), CompareRemainders, w->rem);
	for (int j = 0; given < ATTR_UNIT; j++, given++)
		w->num[w->order[j]] += 1;
	for (int i = 0; i < n; i++)
		w->units[w->ranks[i]] += w->num[i];
}

/* Counts the lead for the channel of rank r, once. */
static inline void
Touched(AttrWalk *w, int64 r)
{
	if (w->stamp[r] != w->nleads)
	{
		w->stamp[r] = w->nleads;
		w->leads[r]++;
	}
}

/* Credits one lead's rows ev[0..n), in time order. */
static void
CreditLead(AttrWalk *w, const HSEvent *ev, int64 n)
{
	const AttrParams *p = w->p;
	bool		converted = false;
	TimestampTz conv = 0;
	bool		has_entered[3] = {false, false, false};
	TimestampTz entered[3] = {0, 0, 0};
	int64		ntouch = 0;

	w->nleads++;
	for (int64 i = 0; i < n; i++)
	{
		int			code;

		if (!(ev[i].owner & HS_STAGE_ROW))
			continue;
		code = (int) (ev[i].owner & ~HS_STAGE_ROW);
		if (code > STAGE_LADDER_SIZE)
			continue;
		if (!converted && code >= p->to_stage)
		{
			converted = true;
			conv = ev[i].at;
		}
		for (int k = 0; k < 3; k++)
			if (!has_entered[k] && code >= milestone_stage[k])
			{
				has_entered[k] = true;
				entered[k] = ev[i].at;
			}
	}
	for (int k = 0; k < 3; k++)
		if (has_entered[k] && (!converted || entered[k] > conv))
			has_entered[k] = false;
	WalkReserve(w, n);
	for (int64 i = 0; i < n; i++)
	{
		if (ev[i].owner & HS_STAGE_ROW)
			continue;
		if (converted && (ev[i].at > conv ||
						  (p->has_lookback && conv - ev[i].at > p->lookback_us)))
			continue;
		if ((int64) ev[i].owner > w->nchannels)
			CorruptAttr("row of an unknown channel");
		Touched(w, w->slot[ev[i].owner]);
		w->ranks[ntouch] = w->slot[ev[i].owner];
		w->ats[ntouch++] = ev[i].at;
	}
	if (!converted)
		return;
	w->conversions++;
	if (ntouch == 0)
	{
		w->none_units += ATTR_UNIT;
		w->none_leads++;
		return;
	}
	Numerators(w, (int) ntouch, conv, has_entered, entered);
	Distribute(w, (int) ntouch);
}

/* HSWalkLeads callback: credits each lead of a segment. */
static void
WalkAttribution(const HSEvent *ev, int64 n, void *arg)
{
	int64		start = 0;

	while (start < n)
	{
		int64		end = start + 1;

		while (end < n && ev[end].lead == ev[start].lead)
			end++;
		CreditLead((AttrWalk *) arg, ev + start, end - start);
		start = end;
	}
}

/* qsort: channels by kind, then text. */
static int
CompareChannels(const void *a, const void *b)
{
	const AttrChannel *x = (const AttrChannel *) a;
	const AttrChannel *y = (const AttrChannel *) b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->kind == AK_VALUE ? strcmp(x->text, y->text) : 0;
}

/* qsort context: the channels' texts, by rank. */
static char **sort_texts;

/* qsort: ranks by their text, then by rank. */
static int
CompareRankTexts(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;
	int			c = strcmp(sort_texts[x], sort_texts[y]);

	return c != 0 ? c : (x > y) - (x < y);
}

/*
 * Each rank's slot: the lowest rank whose value prints alike (0.1 and
 * 0.1000000000000001 as float8 with extra_float_digits = 0), so that a
 * lead touching both counts once for the channel it is reported as.
 */
static void
SlotsByText(AttrWalk *w, char **texts)
{
	int64	   *order = palloc((w->nchannels + 1) * sizeof(int64));

	w->slot = palloc((w->nchannels + 1) * sizeof(int64));
	w->slot[0] = 0;
	for (int64 r = 1; r <= w->nchannels; r++)
		order[r - 1] = r;
	sort_texts = texts;
	if (w->nchannels > 1)
		qsort(order, w->nchannels, sizeof(int64), CompareRankTexts);
	sort_texts = NULL;
	for (int64 i = 0; i < w->nchannels; i++)
		w->slot[order[i]] = (i > 0 && strcmp(texts[order[i]], texts[order[i - 1]]) == 0)
			? w->slot[order[i - 1]] : order[i];
	pfree(order);
}

/* Sorts a's channels and merges those of equal kind and text (values that print alike). */
static void
CanonicalChannels(Attribution *a)
{
	int32		out = 0;

	if (a->nchannels > 1)
		qsort(a->ch, a->nchannels, sizeof(AttrChannel), CompareChannels);
	for (int32 i = 0; i < a->nchannels; i++)
	{
		if (out > 0 && CompareChannels(&a->ch[out - 1], &a->ch[i]) == 0)
		{
			a->ch[out - 1].units += a->ch[i].units;
			if (pg_add_s64_overflow(a->ch[out - 1].leads, a->ch[i].leads, &a->ch[out - 1].leads))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("attribution leads out of range")));
		}
		else
			a->ch[out++] = a->ch[i];
	}
	a->nchannels = out;
}

static Datum AttributionFlatten(const Attribution *a);

PG_FUNCTION_INFO_V1(attribution_final);
/* Final of attribution: walks each lead, credits its conversion, returns the value. */
Datum
attribution_final(PG_FUNCTION_ARGS)
{
	AttrState  *st;
	AttrWalk	w;
	Attribution a;
	Datum	   *values;
	char	  **texts;
	Oid			typoutput;
	bool		typisvarlena;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (AttrState *) PG_GETARG_POINTER(0);
	memset(&w, 0, sizeof(w));
	w.p = &st->p;
	w.nchannels = HSOwnerCount(st->rows);
	values = palloc((w.nchannels + 1) * sizeof(Datum));
	(void) HSRankOwners(st->rows, values + 1);
	w.units = palloc0((w.nchannels + 1) * sizeof(int128));
	w.leads = palloc0((w.nchannels + 1) * sizeof(int64));
	w.stamp = palloc0((w.nchannels + 1) * sizeof(int64));
	if (w.nchannels > ATTR_MAX_CHANNELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("attribution over %d channels, more than %d", w.nchannels, ATTR_MAX_CHANNELS),
				 errhint("Credit a coarser grouping, e.g. the campaign's channel.")));
	getTypeOutputInfo(HSOwnerType(st->rows), &typoutput, &typisvarlena);
	texts = palloc((w.nchannels + 1) * sizeof(char *));
	texts[0] = NULL;
	for (int32 r = 1; r <= w.nchannels; r++)
		texts[r] = OidOutputFunctionCall(typoutput, values[r]);
	SlotsByText(&w, texts);
	if (HSRowCount(st->rows) > 0)
		HSWalkLeads(st->rows, WalkAttribution, &w);

	memset(&a, 0, sizeof(a));
	a.p = st->p;
	a.conversions = w.conversions;
	a.leads = w.nleads;
	a.ch = palloc((w.nchannels + 2) * sizeof(AttrChannel));
	for (int32 r = 0; r <= w.nchannels; r++)
	{
		AttrChannel *c = &a.ch[a.nchannels];

		if (w.units[r] == 0 && w.leads[r] == 0)
			continue;
		c->kind = r == 0 ? AK_NULL : AK_VALUE;
		c->text = texts[r];
		c->units = w.units[r];
		c->leads = w.leads[r];
		a.nchannels++;
	}
	if (w.none_leads > 0)
	{
		a.ch[a.nchannels].kind = AK_NONE;
		a.ch[a.nchannels].text = NULL;
		a.ch[a.nchannels].units = w.none_units;
		a.ch[a.nchannels++].leads = w.none_leads;
	}
	CanonicalChannels(&a);
	PG_RETURN_DATUM(AttributionFlatten(&a));
}

/* ---------- the value: stored, binary and text forms ---------- */

/*
 * The stored and binary forms are one layout (network byte order): version;
 * model, to_stage, has_lookback, nweights (a byte each); lookback and
 * half-life (microseconds); the weights; conversions; leads; the number of
 * channels; per channel its kind (0 a value, 1 the NULL channel, 2 none),
 * for a value its text (zero-terminated; in the client's encoding on the
 * wire), its units (high and low 64 bits) and leads touched.
 */

/* How a value being read reports what is wrong with it. */
typedef struct AttrReader
{
	int			errcode;		/* 22P02 text, 22P03 binary, XX001 stored */
	const char *form;
} AttrReader;

/* Raises the reader's error. */
pg_noreturn static void
BadAttr(const AttrReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(r->errcode),
			 errmsg("invalid %s for type attribution: %s", r->form, what)));
}

/* Appends a's layout to buf (wire: strings in the client's encoding). */
static void
PutAttribution(StringInfo buf, const Attribution *a, bool wire)
{
	pq_sendbyte(buf, ATTR_VERSION);
	pq_sendbyte(buf, (uint8) a->p.model);
	pq_sendbyte(buf, (uint8) a->p.to_stage);
	pq_sendbyte(buf, (uint8) a->p.has_lookback);
	pq_sendbyte(buf, (uint8) a->p.nweights);
	pq_sendint64(buf, a->p.lookback_us);
	pq_sendint64(buf, a->p.half_life_us);
	for (int i = 0; i < a->p.nweights; i++)
		pq_sendint64(buf, a->p.weights[i]);
	pq_sendint64(buf, a->conversions);
	pq_sendint64(buf, a->leads);
	pq_sendint32(buf, a->nchannels);
	for (int32 i = 0; i < a->nchannels; i++)
	{
		const AttrChannel *c = &a->ch[i];

		pq_sendbyte(buf, (uint8) c->kind);
		if (c->kind == AK_VALUE)
		{
			if (wire)
				pq_sendstring(buf, c->text);
			else
				appendBinaryStringInfo(buf, c->text, strlen(c->text) + 1);
		}
		pq_sendint64(buf, (int64) (c->units >> 64));
		pq_sendint64(buf, (int64) (uint64) c->units);
		pq_sendint64(buf, c->leads);
	}
}

/* The flattened value of a. */
static Datum
AttributionFlatten(const Attribution *a)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	PutAttribution(&buf, a, false);
	SET_VARSIZE(buf.data, buf.len);
	return PointerGetDatum(buf.data);
}

/* A string of msg, zero-terminated (wire: converted from the client's encoding). */
static char *
GetString(StringInfo msg, bool wire, const AttrReader *r)
{
	const char *s = msg->data + msg->cursor;
	size_t		len = strnlen(s, msg->len - msg->cursor);

	if (len == (size_t) (msg->len - msg->cursor))
		BadAttr(r, "unterminated channel");
	if (wire)
		return (char *) pq_getmsgstring(msg);
	msg->cursor += len + 1;
	return pnstrdup(s, len);
}

/* Checks a's invariants, or raises the reader's error. */
static void
CheckAttribution(const Attribution *a, const AttrReader *r)
{
	int128		sum = 0;

	if (!ParamsValid(&a->p))
		BadAttr(r, "bad model, to_stage, lookback, half-life or weights");
	if (a->conversions < 0 || a->leads < a->conversions)
		BadAttr(r, "bad conversions or leads");
	for (int32 i = 0; i < a->nchannels; i++)
	{
		const AttrChannel *c = &a->ch[i];

		if (c->kind < AK_VALUE || c->kind > AK_NONE || c->units < 0 || c->leads < 0 ||
			c->leads > a->leads || c->units > (int128) a->conversions * ATTR_UNIT ||
			(c->units == 0 && c->leads == 0))
			BadAttr(r, "bad channel");
		if (i > 0 && CompareChannels(&a->ch[i - 1], c) >= 0)
			BadAttr(r, "channels out of order or repeated");
		/* each term is at most the total: the sum cannot overflow before it passes */
		sum += c->units;
		if (sum > (int128) a->conversions * ATTR_UNIT)
			BadAttr(r, "the credit does not sum to the conversions");
	}
	if (sum != (int128) a->conversions * ATTR_UNIT)
		BadAttr(r, "the credit does not sum to the conversions");
}

/* Reads PutAttribution's layout from msg into a, checked. */
static void
GetAttribution(StringInfo msg, Attribution *a, bool wire, const AttrReader *r)
{
	memset(a, 0, sizeof(Attribution));
	if (msg->len - msg->cursor < 5 + 16 + 20 || pq_getmsgbyte(msg) != ATTR_VERSION)
		BadAttr(r, "unsupported version or too short");
	a->p.model = pq_getmsgbyte(msg);
	a->p.to_stage = pq_getmsgbyte(msg);
	a->p.has_lookback = pq_getmsgbyte(msg);
	a->p.nweights = pq_getmsgbyte(msg);
	if (a->p.nweights > ATTR_MAX_WEIGHTS)
		BadAttr(r, "too many weights");
	a->p.lookback_us = pq_getmsgint64(msg);
	a->p.half_life_us = pq_getmsgint64(msg);
	for (int i = 0; i < a->p.nweights; i++)
		a->p.weights[i] = pq_getmsgint64(msg);
	a->conversions = pq_getmsgint64(msg);
	a->leads = pq_getmsgint64(msg);
	a->nchannels = pq_getmsgint(msg, 4);
	/* a channel takes 25 bytes at least */
	if (a->nchannels < 0 || a->nchannels > ATTR_MAX_CHANNELS ||
		a->nchannels > (msg->len - msg->cursor) / 25)
		BadAttr(r, "bad number of channels");
	a->ch = palloc0(Max(a->nchannels, 1) * sizeof(AttrChannel));
	for (int32 i = 0; i < a->nchannels; i++)
	{
		AttrChannel *c = &a->ch[i];
		int64		hi;

		c->kind = pq_getmsgbyte(msg);
		if (c->kind == AK_VALUE)
			c->text = GetString(msg, wire, r);
		hi = pq_getmsgint64(msg);
		c->units = ((int128) hi << 64) | (uint64) pq_getmsgint64(msg);
		c->leads = pq_getmsgint64(msg);
	}
	if (msg->cursor != msg->len)
		BadAttr(r, "trailing bytes");
	CheckAttribution(a, r);
}

/* The expanded value of a stored attribution. */
static void
AttributionFromDatum(Datum d, Attribution *a)
{
	static const AttrReader r = {ERRCODE_DATA_CORRUPTED, "stored value"};
	struct varlena *v = PG_DETOAST_DATUM(d);
	StringInfoData msg;

	msg.data = VARDATA(v);
	msg.len = VARSIZE(v) - VARHDRSZ;
	msg.maxlen = msg.len;
	msg.cursor = 0;
	GetAttribution(&msg, a, false, &r);
}

PG_FUNCTION_INFO_V1(attribution_recv);
/* Binary input: the layout above, checked (22P03). */
Datum
attribution_recv(PG_FUNCTION_ARGS)
{
	static const AttrReader r = {ERRCODE_INVALID_BINARY_REPRESENTATION, "binary data"};
	Attribution a;

	GetAttribution((StringInfo) PG_GETARG_POINTER(0), &a, true, &r);
	PG_RETURN_DATUM(AttributionFlatten(&a));
}

PG_FUNCTION_INFO_V1(attribution_send);
/* Binary output: the layout above. */
Datum
attribution_send(PG_FUNCTION_ARGS)
{
	Attribution a;
	StringInfoData buf;

	AttributionFromDatum(PG_GETARG_DATUM(0), &a);
	pq_begintypsend(&buf);
	PutAttribution(&buf, &a, true);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* The decimal text of a non-negative int128. */
static char *
Int128Text(int128 v)
{
	char		digits[48];
	int			n = sizeof(digits) - 1;

	digits[n] = '\0';
	do
	{
		digits[--n] = '0' + (int) (v % 10);
		v /= 10;
	} while (v > 0);
	return pstrdup(digits + n);
}

PG_FUNCTION_INFO_V1(attribution_out);
/* Text output: canonical JSON (units as strings: they may pass 2^63). */
Datum
attribution_out(PG_FUNCTION_ARGS)
{
	Attribution a;
	StringInfoData buf;

	AttributionFromDatum(PG_GETARG_DATUM(0), &a);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"model\": \"%s\", \"to_stage\": \"%s\", \"lookback_us\": ",
					 ATTR_VERSION, models[a.p.model].name, LeadStageName((LeadStage) a.p.to_stage));
	if (a.p.has_lookback)
		appendStringInfo(&buf, INT64_FORMAT, a.p.lookback_us);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfo(&buf, ", \"half_life_us\": " INT64_FORMAT ", \"weights\": [", a.p.half_life_us);
	for (int i = 0; i < a.p.nweights; i++)
		appendStringInfo(&buf, "%s" INT64_FORMAT, i > 0 ? ", " : "", a.p.weights[i]);
	appendStringInfo(&buf, "], \"conversions\": " INT64_FORMAT ", \"leads\": " INT64_FORMAT ", \"channels\": [",
					 a.conversions, a.leads);
	for (int32 i = 0; i < a.nchannels; i++)
	{
		const AttrChannel *c = &a.ch[i];

		appendStringInfoString(&buf, i > 0 ? ", {" : "{");
		if (c->kind == AK_VALUE)
		{
			appendStringInfoString(&buf, "\"channel\": ");
			escape_json(&buf, c->text);
		}
		else
			appendStringInfoString(&buf, c->kind == AK_NULL ? "\"channel\": null" : "\"none\": true");
		appendStringInfo(&buf, ", \"units\": \"%s\", \"leads\": " INT64_FORMAT "}",
						 Int128Text(c->units), c->leads);
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

/* A JSON member of obj, or NULL. */
static JsonbValue *
JsonMember(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

/* A JSON whole number (or a string of digits when digits) in [0, max], or the reader's error. */
static int128
JsonCount(const JsonbValue *v, bool digits, int128 max, const AttrReader *r, const char *what)
{
	const char *s;
	int128		result = 0;

	if (v != NULL && digits && v->type == jbvString)
		s = pnstrdup(v->val.string.val, v->val.string.len);
	else if (v != NULL && !digits && v->type == jbvNumeric)
		s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	else
		BadAttr(r, psprintf("\"%s\" must be a %s", what, digits ? "string of digits" : "whole number"));
	if (*s == '\0' || strlen(s) > 38)
		BadAttr(r, psprintf("\"%s\" out of range", what));
	for (; *s; s++)
	{
		if (*s < '0' || *s > '9')
			BadAttr(r, psprintf("\"%s\" must be a whole number, not negative", what));
		result = result * 10 + (*s - '0');
	}
	if (result > max)
		BadAttr(r, psprintf("\"%s\" out of range", what));
	return result;
}

/* A JSON array member's container, or the reader's error. */
static JsonbContainer *
JsonArrayMember(JsonbContainer *obj, const char *key, const AttrReader *r)
{
	JsonbValue *v = JsonMember(obj, key);

	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		BadAttr(r, psprintf("\"%s\" must be an array", key));
	return v->val.binary.data;
}

PG_FUNCTION_INFO_V1(attribution_in);
/* Text input: the JSON attribution_out prints, checked (22P02). */
Datum
attribution_in(PG_FUNCTION_ARGS)
{
	static const AttrReader r = {ERRCODE_INVALID_TEXT_REPRESENTATION, "input syntax"};
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, PG_GETARG_DATUM(0)));
	JsonbContainer *root = &jb->root;
	JsonbContainer *list;
	JsonbValue *v;
	Attribution a;
	char	   *s;

	if (!JsonContainerIsObject(root) || JsonContainerIsScalar(root) || JsonContainerSize(root) != 9)
		BadAttr(&r, "expected a JSON object of 9 keys");
	memset(&a, 0, sizeof(a));
	if (JsonCount(JsonMember(root, "version"), false, 255, &r, "version") != ATTR_VERSION)
		BadAttr(&r, "unsupported version");
	v = JsonMember(root, "model");
	if (v == NULL || v->type != jbvString ||
		(a.p.model = ModelOf(s = pnstrdup(v->val.string.val, v->val.string.len))) < 0)
		BadAttr(&r, "unknown \"model\"");
	a.p.to_stage = 0;
	v = JsonMember(root, "to_stage");
	if (v != NULL && v->type == jbvString)
	{
		s = pnstrdup(v->val.string.val, v->val.string.len);
		for (int c = 1; c <= STAGE_LADDER_SIZE; c++)
			if (strcmp(s, LeadStageName((LeadStage) c)) == 0)
				a.p.to_stage = c;
	}
	v = JsonMember(root, "lookback_us");
	if (v != NULL && v->type == jbvNull)
		a.p.has_lookback = 0;
	else
	{
		a.p.has_lookback = 1;
		a.p.lookback_us = (int64) JsonCount(v, false, PG_INT64_MAX, &r, "lookback_us");
	}
	a.p.half_life_us = (int64) JsonCount(JsonMember(root, "half_life_us"), false, PG_INT64_MAX, &r,
										 "half_life_us");
	list = JsonArrayMember(root, "weights", &r);
	a.p.nweights = (int32) JsonContainerSize(list);
	if (a.p.nweights > ATTR_MAX_WEIGHTS)
		BadAttr(&r, "too many weights");
	for (int i = 0; i < a.p.nweights; i++)
		a.p.weights[i] = (int64) JsonCount(getIthJsonbValueFromContainer(list, i), false,
										   PG_INT64_MAX, &r, "weights");
	a.conversions = (int64) JsonCount(JsonMember(root, "conversions"), false, PG_INT64_MAX, &r,
									  "conversions");
	a.leads = (int64) JsonCount(JsonMember(root, "leads"), false, PG_INT64_MAX, &r, "leads");
	list = JsonArrayMember(root, "channels", &r);
	a.nchannels = (int32) JsonContainerSize(list);
	if (a.nchannels > ATTR_MAX_CHANNELS)
		BadAttr(&r, "too many channels");
	a.ch = palloc0(Max(a.nchannels, 1) * sizeof(AttrChannel));
	for (int32 i = 0; i < a.nchannels; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(list, i);
		JsonbContainer *obj;
		AttrChannel *c = &a.ch[i];

		if (e == NULL || e->type != jbvBinary || !JsonContainerIsObject(e->val.binary.data) ||
			JsonContainerSize(e->val.binary.data) != 3)
			BadAttr(&r, "a channel must be an object of 3 keys");
		obj = e->val.binary.data;
		if ((v = JsonMember(obj, "channel")) != NULL && v->type == jbvString)
		{
			c->kind = AK_VALUE;
			c->text = pnstrdup(v->val.string.val, v->val.string.len);
			if (strlen(c->text) != (size_t) v->val.string.len)
				BadAttr(&r, "a channel with a zero byte");
		}
		else if (v != NULL && v->type == jbvNull)
			c->kind = AK_NULL;
		else if ((v = JsonMember(obj, "none")) != NULL && v->type == jbvBool && v->val.boolean)
			c->kind = AK_NONE;
		else
			BadAttr(&r, "a channel must have \"channel\" (a string or null) or \"none\": true");
		c->units = JsonCount(JsonMember(obj, "units"), true, (int128) PG_INT64_MAX * ATTR_UNIT, &r, "units");
		c->leads = (int64) JsonCount(JsonMember(obj, "leads"), false, PG_INT64_MAX, &r, "leads");
		CHECK_FOR_INTERRUPTS();
	}
	CheckAttribution(&a, &r);
	PG_RETURN_DATUM(AttributionFlatten(&a));
}

/* ---------- rollup and rows ---------- */

PG_FUNCTION_INFO_V1(attribution_add);
/*
 * rollup(attribution)'s transition and combine: the attribution of two
 * disjoint lead sets, with the same model, to_stage, lookback, half-life and
 * weights (22023 otherwise).
 */
Datum
attribution_add(PG_FUNCTION_ARGS)
{
	Attribution a,
				b,
				sum;

	AttributionFromDatum(PG_GETARG_DATUM(0), &a);
	AttributionFromDatum(PG_GETARG_DATUM(1), &b);
	if (memcmp(&a.p, &b.p, sizeof(AttrParams)) != 0)
		BadArgument("attributions of different models, to_stage, lookback, half-life or weights cannot be added",
					"Roll up attributions built with the same arguments.");
	sum.p = a.p;
	if (pg_add_s64_overflow(a.conversions, b.conversions, &sum.conversions) ||
		pg_add_s64_overflow(a.leads, b.leads, &sum.leads))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("attribution conversions out of range")));
	sum.nchannels = a.nchannels + b.nchannels;
	sum.ch = palloc(Max(sum.nchannels, 1) * sizeof(AttrChannel));
	memcpy(sum.ch, a.ch, a.nchannels * sizeof(AttrChannel));
	memcpy(sum.ch + a.nchannels, b.ch, b.nchannels * sizeof(AttrChannel));
	CanonicalChannels(&sum);
	PG_RETURN_DATUM(AttributionFlatten(&sum));
}

/* units / 10^12 as a numeric. */
static Datum
UnitsNumeric(int128 units)
{
	char	   *digits = Int128Text(units);
	int			len = strlen(digits);
	char	   *padded = psprintf("%0*d%s", Max(13 - len, 0), 0, digits);
	int			plen = strlen(padded);
	char	   *s;

	/* "%0*d" of 0 writes one zero at least: drop it when no padding was wanted */
	if (len >= 13)
		padded = digits, plen = len;
	s = psprintf("%.*s.%s", plen - 12, padded, padded + plen - 12);
	return DirectFunctionCall3(numeric_in, CStringGetDatum(s), ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(-1));
}

PG_FUNCTION_INFO_V1(attribution_rows);
/*
 * attribution_rows(a): per channel (by text, then the NULL channel, then
 * (none)): channel, credited conversions (exact, 12 decimals), share of
 * the conversions, leads touched.
 */
Datum
attribution_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Attribution a;
	Datum		conversions;

	InitMaterializedSRF(fcinfo, 0);
	AttributionFromDatum(PG_GETARG_DATUM(0), &a);
	conversions = DirectFunctionCall1(int8_numeric, Int64GetDatum(a.conversions));
	for (int32 i = 0; i < a.nchannels; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};
		const AttrChannel *c = &a.ch[i];

		nulls[0] = c->kind == AK_NULL;
		values[0] = c->kind == AK_VALUE ? CStringGetTextDatum(c->text)
			: CStringGetTextDatum("(none)");
		values[1] = UnitsNumeric(c->units);
		nulls[2] = a.conversions == 0;
		if (a.conversions > 0)
			values[2] = DirectFunctionCall2(numeric_div, values[1], conversions);
		values[3] = Int64GetDatum(c->leads);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
