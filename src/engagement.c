/*
 * engagement.c
 *		The decayed engagement score (issue 16): one definition of a lead's
 *		engagement from its touches, shared by an aggregate and a window
 *		function.
 *
 *	score(as_of) = sum over the touches with at <= as_of of
 *				   weight(kind) * 2^(-(as_of - at) / half_life)
 *
 * weight(kind) comes from a jsonb object mapping touch kinds to numbers
 * ('{"email_click": 1, "event": 5}'); a kind the object does not name, and
 * a NULL kind, weighs default_weight (0 unless given).  Kinds match
 * exactly (case and spaces count).  A NULL at is skipped.  half_life is
 * read by align's one interval rule (interval_rule.c) and must be
 * positive.
 *
 * With a work_calendar (the last argument; NULL: none), as_of - at and
 * half_life are working time: a touch does not fade over a weekend.  Ages
 * are then differences of working-time levels (CalendarLevel), exact in
 * microseconds.
 *
 * The aggregate, engagement_score(kind, at, as_of, weights[, half_life[,
 * default_weight[, cal]]]), takes as_of, weights, half_life,
 * default_weight and the calendar as parameters that must be the same on
 * every row of a group (22023); a NULL as_of, weights, half_life or
 * default_weight on every row gives NULL.  Since as_of is fixed, every
 * touch's term is computed directly at as_of (no rescaling), and partial
 * states merge by adding their sums.  The state is a float8[] (a concrete
 * type, so Citus can push the partial aggregate down): the sums are
 * compensated (Neumaier), so the result does not depend on the row order
 * or the split into partial states but in the rarest last-bit cases.  The
 * weights are compared through a 53-bit hash of the jsonb (jsonb equality:
 * 1 and 1.0 are the same weight), the calendar through one of its
 * canonical bytes; the parsed weights are cached per call site, keyed by
 * the jsonb's bytes.  The state is a fixed few numbers: it never needs
 * align.memory_budget, so it never spills.
 *
 * The window function, engagement_score(kind, at, weights[, half_life[,
 * default_weight[, cal]]]) OVER (PARTITION BY lead ORDER BY at), gives on
 * each row the score as of that row's at over the partition's rows with at <= that
 * at (peers included, whatever the frame clause says: the frame is
 * ignored, as rank() ignores it).  It keeps a running sum relative to a
 * reference time r, A = sum of w * 2^((at - r) / half_life), and returns
 * A * 2^(-(at - r) / half_life): each term is computed once from its own
 * time, so no error compounds from row to row; r moves to the newest row
 * (one multiplication) once that row is more than 64 half-lives after it,
 * which keeps A far from overflow.  O(1) per row; each row is read at most
 * twice.  Rows out of time order are an error (22000); a NULL at gives NULL
 * on its row and adds nothing.  The parameters must be the same on every
 * row of a partition (22023); NULL ones (but the calendar) give NULL on
 * every row.  With a calendar, r and the ages are working-time levels.
 *
 * Terms that underflow are 0 (a touch thousands of half-lives old counts
 * nothing); a score beyond float8 is an error (22003), never inf or NaN.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "common/hashfn.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "windowapi.h"

#include "align.h"
#include "calendar.h"
#include "interval_rule.h"
#include "pg_compat.h"

/* The aggregate's state, a float8[] of STATE_LEN numbers. */
#define ST_STATUS		0		/* STATUS_* */
#define ST_SUM			1		/* the sum of the terms at as_of */
#define ST_COMP			2		/* its compensation (Neumaier) */
#define ST_AS_OF		3		/* as_of, microseconds since 2000 (exact) */
#define ST_HALF_LIFE	4		/* half_life, microseconds */
#define ST_DEFAULT		5		/* default_weight */
#define ST_WEIGHTS		6		/* the weights' 53-bit hash */
#define ST_CALENDAR		7		/* the calendar's 53-bit hash; -1: none */
#define STATE_LEN		8

#define STATUS_EMPTY	0		/* no row yet */
#define STATUS_SET		1		/* parameters known, sum running */
#define STATUS_NULL		2		/* a parameter was NULL: the result is NULL */

/* The reference time of the window's running sum moves after this many half-lives. */
#define REBASE_HALF_LIVES 64.0

/* The parameters that must be the same on every row, as errors name them. */
#define AGG_PARAMS		"as_of, weights, half_life, default_weight and calendar"
#define WINDOW_PARAMS	"weights, half_life, default_weight and calendar"

/* The hint of every weights error. */
#define WEIGHTS_HINT "Pass a JSON object mapping touch kinds to numbers, e.g. '{\"email_click\": 1, \"web_visit\": 0.5, \"event\": 5}'::jsonb."

/* One touch kind's weight. */
typedef struct KindWeight
{
	const char *kind;			/* not NUL-terminated */
	int			len;
	double		weight;
} KindWeight;

/*
 * What a call site keeps in fn_extra: the parsed weights of the last jsonb
 * seen (its bytes, to recognise it, its kinds sorted by (length, bytes)
 * and its hash), and the expanded calendars (calendar.h).
 */
typedef struct Weights
{
	MemoryContext cxt;			/* holds bytes and kinds; reset on change */
	char	   *bytes;			/* the jsonb's bytes (NULL: none yet) */
	Size		nbytes;
	KindWeight *kinds;
	int			nkinds;
	double		hash;			/* 53 bits of jsonb_hash_extended */
	CalendarCache *calendars;	/* the calendar argument's expanded values */
} Weights;

/* The parameters every row of a group (or partition) shares. */
typedef struct Params
{
	bool		null;			/* one of them is NULL */
	double		half_life;		/* microseconds, > 0 */
	double		default_weight;
	double		hash;			/* the weights' hash */
	Weights    *weights;		/* parsed, in fn_extra */
	const Calendar *cal;		/* ages in its working time; NULL: wall clock */
	double		cal_id;			/* the calendar's 53-bit hash; -1: none */
} Params;

/* Orders kinds by length, then bytes: jsonb's own order of object keys. */
static int
KindCmp(const char *a, int alen, const char *b, int blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/* qsort comparator over KindWeight. */
static int
KindWeightCmp(const void *a, const void *b)
{
	const KindWeight *x = a;
	const KindWeight *y = b;

	return KindCmp(x->kind, x->len, y->kind, y->len);
}

/* Raises the weights error: detail says what was wrong. */
pg_noreturn static void
ReportWeights(const char *fname, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s() weights must be a JSON object of finite numbers", fname),
			 errdetail("%s", detail),
			 errhint(WEIGHTS_HINT)));
}

/* A jsonb number as a finite float8; an error naming kind otherwise. */
static double
WeightValue(const char *fname, const JsonbValue *v, const char *kind, int len)
{
	char	   *text;
	char	   *end;
	double		w;

	if (v->type != jbvNumeric)
		ReportWeights(fname, psprintf("The weight of \"%.*s\" is not a number.", len, kind));
	text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	w = strtod(text, &end);
	if (*end != '\0' || isinf(w) || isnan(w))
		ReportWeights(fname, psprintf("The weight of \"%.*s\", %s, is beyond float8.", len, kind, text));
	pfree(text);
	return w;					/* an underflow is 0 or a denormal: fine */
}

/*
 * The parsed weights of jsonb datum d, from the call site's cache when its
 * bytes are those last parsed.
 */
static Weights *
GetWeights(FunctionCallInfo fcinfo, Datum d, const char *fname)
{
	Weights    *w = fcinfo->flinfo->fn_extra;
	Jsonb	   *jb = DatumGetJsonbP(d);
	Size		nbytes = VARSIZE(jb);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	MemoryContext old;
	int			n = 0;

	if (w == NULL)
	{
		w = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(Weights));
		w->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "engagement_score weights",
									   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = w;
	}
	else if (w->bytes != NULL && w->nbytes == nbytes && memcmp(w->bytes, jb, nbytes) == 0)
		return w;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ReportWeights(fname, "The weights are not a JSON object.");

	MemoryContextReset(w->cxt);
	w->bytes = NULL;
	old = MemoryContextSwitchTo(w->cxt);
	w->kinds = palloc(sizeof(KindWeight) * Max(JB_ROOT_COUNT(jb), 1));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			w->kinds[n].kind = pnstrdup(v.val.string.val, v.val.string.len);
			w->kinds[n].len = v.val.string.len;
		}
		else if (tok == WJB_VALUE)
		{
			w->kinds[n].weight = WeightValue(fname, &v, w->kinds[n].kind, w->kinds[n].len);
			n++;
		}
	}
	w->nkinds = n;
	qsort(w->kinds, n, sizeof(KindWeight), KindWeightCmp);
	/*
	 * The hash of the parsed weights, kinds in order: jsonb_hash_extended
	 * was used first, but it only rotates and XORs, so two objects of 17
	 * kinds or more with two weights changed could hash alike.
	 */
	{
		uint64		h = 0;

		for (int i = 0; i < n; i++)
		{
			double		weight = w->kinds[i].weight == 0 ? 0.0 : w->kinds[i].weight;

			h = hash_combine64(h, hash_bytes_extended((const unsigned char *) w->kinds[i].kind,
													  w->kinds[i].len, (uint64) w->kinds[i].len));
			h = hash_combine64(h, hash_bytes_extended((const unsigned char *) &weight,
													  sizeof(weight), 0));
		}
		h = hash_combine64(h, (uint64) n);
		w->hash = (double) (h >> 11);
	}
	w->bytes = palloc(nbytes);
	memcpy(w->bytes, jb, nbytes);
	w->nbytes = nbytes;
	MemoryContextSwitchTo(old);
	return w;
}

/* The weight of a touch kind (NULL: default_weight). */
static double
KindWeightOf(const Params *p, bool kind_null, Datum kind)
{
	text	   *t;
	const char *s;
	int			len;
	int			lo = 0;
	int			hi;

	if (kind_null)
		return p->default_weight;
	t = DatumGetTextPP(kind);
	s = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	hi = p->weights->nkinds - 1;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		const KindWeight *k = &p->weights->kinds[mid];
		int			c = KindCmp(s, len, k->kind, k->len);

		if (c == 0)
			return k->weight;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return p->default_weight;
}

/*
 * Reads the shared parameters (weights, half_life, default_weight, each
 * NULL-flagged; with no half_life argument the default of 7 days; a NULL
 * or absent calendar: wall clock) into *p.
 */
static void
ReadParams(FunctionCallInfo fcinfo, const char *fname, Params *p,
		   bool weights_null, Datum weights,
		   bool has_half_life, bool half_life_null, Datum half_life,
		   bool has_default, bool default_null, Datum default_weight,
		   bool cal_null, Datum cal)
{
	int64		us;

	memset(p, 0, sizeof(Params));
	p->null = weights_null || (has_half_life && half_life_null) ||
		(has_default && default_null);
	if (p->null)
		return;
	if (has_half_life)
	{
		us = IntervalArgMicroseconds(DatumGetIntervalP(half_life),
									 "engagement_score() half_life",
									 "Pass how long a touch takes to lose half its weight, e.g. interval '7 days'.");
		if (us == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s() half_life must be positive", fname),
					 errhint("Pass how long a touch takes to lose half its weight, e.g. interval '7 days'.")));
	}
	else
		us = 7 * USECS_PER_DAY;
	p->half_life = (double) us;
	p->default_weight = has_default ? DatumGetFloat8(default_weight) : 0.0;
	if (isinf(p->default_weight) || isnan(p->default_weight))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s() default_weight must be a finite number", fname),
				 errhint("Pass the weight of a kind the weights do not name, e.g. 0.")));
	p->weights = GetWeights(fcinfo, weights, fname);
	p->hash = p->weights->hash;
	p->cal = NULL;
	p->cal_id = -1;
	if (!cal_null)
	{
		struct varlena *c = PG_DETOAST_DATUM_PACKED(cal);

		p->cal = CalendarCached(&p->weights->calendars, fcinfo->flinfo->fn_mcxt, cal);
		p->cal_id = (double) (hash_bytes_extended((const unsigned char *) VARDATA_ANY(c),
												  VARSIZE_ANY_EXHDR(c), 0) >> 11);
	}
}

/*
 * Where t lies on the time axis ages are measured on, in microseconds: t
 * itself, or with a calendar the working time up to t (CalendarLevel).
 */
static inline double
TimeAxis(const Params *p, TimestampTz t)
{
	return p->cal == NULL ? (double) t : (double) CalendarLevel(p->cal, t);
}

/*
 * Raises the error of parameters that differ between rows of one group or
 * partition (where): params names them.
 */
pg_noreturn static void
ReportParamsDiffer(const char *params, const char *where)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("engagement_score() needs the same %s on every row of a %s", params, where),
			 errdetail("Two rows (or merged partial states) differ in one of them, or one has NULL where another has a value."),
			 errhint("Pass constants, or values that are the same for the whole %s.", where)));
}

/* Adds x to the compensated sum (*sum, *comp) (Neumaier). */
static inline void
CompensatedAdd(double *sum, double *comp, double x)
{
	double		t = *sum + x;

	if (fabs(*sum) >= fabs(x))
		*comp += (*sum - t) + x;
	else
		*comp += (x - t) + *sum;
	*sum = t;
}

/* A compensated sum's value; 22003 if beyond float8. */
static double
CompensatedValue(double sum, double comp, const char *fname)
{
	double		v = sum + comp;

	if (isinf(v) || isnan(v) || isinf(comp) || isnan(comp))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s() is out of range for type double precision", fname),
				 errhint("Use smaller weights.")));
	return v;
}

/* The state array's numbers, after checking it is an engagement_score state. */
static float8 *
StateValues(ArrayType *a)
{
	float8	   *v;

	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != STATE_LEN || ARR_HASNULL(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("not an engagement_score state"),
				 errdetail("A state is a float8[] of %d numbers without NULLs.", STATE_LEN)));
	v = (float8 *) ARR_DATA_PTR(a);
	if (v[ST_STATUS] != STATUS_EMPTY && v[ST_STATUS] != STATUS_SET && v[ST_STATUS] != STATUS_NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("not an engagement_score state"),
				 errdetail("Its first number is %g, not 0, 1 or 2.", v[ST_STATUS])));
	return v;
}

/*
 * The state argument argno, to change in place inside an aggregate, a
 * copy outside one.
 */
static ArrayType *
StateArg(FunctionCallInfo fcinfo, int argno)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return PG_GETARG_ARRAYTYPE_P(argno);
	return PG_GETARG_ARRAYTYPE_P_COPY(argno);
}

/* Whether two states' parameters are the same (both set or both NULL). */
static bool
SameParams(const float8 *a, const float8 *b)
{
	if (a[ST_STATUS] != b[ST_STATUS])
		return false;
	if (a[ST_STATUS] == STATUS_NULL)
		return true;
	return a[ST_AS_OF] == b[ST_AS_OF] && a[ST_HALF_LIFE] == b[ST_HALF_LIFE] &&
		a[ST_DEFAULT] == b[ST_DEFAULT] && a[ST_WEIGHTS] == b[ST_WEIGHTS] &&
		a[ST_CALENDAR] == b[ST_CALENDAR];
}

PG_FUNCTION_INFO_V1(engagement_score_trans);

/*
 * The aggregate's transition: (state, kind, at, as_of, weights[, half_life[,
 * default_weight]]).
 */
Datum
engagement_score_trans(PG_FUNCTION_ARGS)
{
	const char *fname = "engagement_score";
	ArrayType  *a;
	float8	   *v;
	float8		row[STATE_LEN] = {0};
	Params		p;
	bool		has_half_life = PG_NARGS() > 5;
	bool		has_default = PG_NARGS() > 6;
	bool		has_cal = PG_NARGS() > 7;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("not an engagement_score state"),
				 errdetail("The state is NULL.")));
	a = StateArg(fcinfo, 0);
	v = StateValues(a);

	ReadParams(fcinfo, fname, &p, PG_ARGISNULL(4), PG_GETARG_DATUM(4),
			   has_half_life, has_half_life && PG_ARGISNULL(5),
			   has_half_life ? PG_GETARG_DATUM(5) : (Datum) 0,
			   has_default, has_default && PG_ARGISNULL(6),
			   has_default ? PG_GETARG_DATUM(6) : (Datum) 0,
			   !has_cal || PG_ARGISNULL(7), has_cal ? PG_GETARG_DATUM(7) : (Datum) 0);
	if (PG_ARGISNULL(3))
		p.null = true;
	row[ST_STATUS] = p.null ? STATUS_NULL : STATUS_SET;
	if (!p.null)
	{
		row[ST_AS_OF] = (double) CheckTime(PG_GETARG_TIMESTAMPTZ(3), "engagement_score() as_of");
		row[ST_HALF_LIFE] = p.half_life;
		row[ST_DEFAULT] = p.default_weight;
		row[ST_WEIGHTS] = p.hash;
		row[ST_CALENDAR] = p.cal_id;
	}
	if (v[ST_STATUS] == STATUS_EMPTY)
		memcpy(v, row, sizeof(row));
	else if (!SameParams(v, row))
		ReportParamsDiffer(AGG_PARAMS, "group");

	if (!p.null && !PG_ARGISNULL(2))
	{
		TimestampTz at = CheckTime(PG_GETARG_TIMESTAMPTZ(2), "engagement_score() at");
		TimestampTz as_of = (TimestampTz) row[ST_AS_OF];

		/* exact: times and levels are below 2^53 microseconds */
		if (at <= as_of)
			CompensatedAdd(&v[ST_SUM], &v[ST_COMP],
						   KindWeightOf(&p, PG_ARGISNULL(1), PG_GETARG_DATUM(1)) *
						   exp2(-(TimeAxis(&p, as_of) - TimeAxis(&p, at)) / p.half_life));
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(engagement_score_combine);

/* Merges two partial states of one group: their sums add (both at the same as_of). */
Datum
engagement_score_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = StateArg(fcinfo, 0);
	float8	   *v = StateValues(a);
	float8	   *w = StateValues(PG_GETARG_ARRAYTYPE_P(1));

	if (w[ST_STATUS] == STATUS_EMPTY)
		PG_RETURN_ARRAYTYPE_P(a);
	if (v[ST_STATUS] == STATUS_EMPTY)
	{
		memcpy(v, w, sizeof(float8) * STATE_LEN);
		PG_RETURN_ARRAYTYPE_P(a);
	}
	if (!SameParams(v, w))
		ReportParamsDiffer(AGG_PARAMS, "group");
	CompensatedAdd(&v[ST_SUM], &v[ST_COMP], w[ST_SUM]);
	v[ST_COMP] += w[ST_COMP];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(engagement_score_final);

/* The score of a state: NULL for no rows or NULL parameters. */
Datum
engagement_score_final(PG_FUNCTION_ARGS)
{
	float8	   *v = StateValues(PG_GETARG_ARRAYTYPE_P(0));

	if (v[ST_STATUS] != STATUS_SET)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(CompensatedValue(v[ST_SUM], v[ST_COMP], "engagement_score"));
}

/* The window function's arguments. */
#define W_KIND			0
#define W_AT			1
#define W_WEIGHTS		2
#define W_HALF_LIFE		3
#define W_DEFAULT		4
#define W_CALENDAR		5

/* The window function's per-partition state (zeroed at each partition). */
typedef struct EngagementRun
{
	bool		started;		/* the first row's parameters are in params */
	Params		params;			/* the partition's parameters */
	int64		next;			/* position of the next row to add */
	bool		seen;			/* has a row with an at been added? */
	TimestampTz latest;			/* the latest at added (time-order check) */
	double		ref;			/* the reference time r of the sum, on the
								 * time axis (TimeAxis) */
	double		sum;			/* sum of w * 2^((at - r) / half_life) */
	double		comp;			/* its compensation */
} EngagementRun;

/* The current row's parameters. */
static void
CurrentParams(FunctionCallInfo fcinfo, WindowObject winobj, Params *p)
{
	bool		wnull;
	bool		hnull = false;
	bool		dnull = false;
	Datum		weights = WinGetFuncArgCurrent(winobj, W_WEIGHTS, &wnull);
	Datum		half_life = PG_NARGS() > W_HALF_LIFE ?
		WinGetFuncArgCurrent(winobj, W_HALF_LIFE, &hnull) : (Datum) 0;
	Datum		dw = PG_NARGS() > W_DEFAULT ?
		WinGetFuncArgCurrent(winobj, W_DEFAULT, &dnull) : (Datum) 0;
	bool		cnull = true;
	Datum		cal = PG_NARGS() > W_CALENDAR ?
		WinGetFuncArgCurrent(winobj, W_CALENDAR, &cnull) : (Datum) 0;

	ReadParams(fcinfo, "engagement_score", p, wnull, weights,
			   PG_NARGS() > W_HALF_LIFE, hnull, half_life,
			   PG_NARGS() > W_DEFAULT, dnull, dw, cnull, cal);
}

/* Adds the row at position pos (its at is t, not NULL) to the running sum. */
static void
AddRow(WindowObject winobj, EngagementRun *run, int64 pos, TimestampTz t)
{
	bool		kind_null;
	bool		isout;
	Datum		kind = WinGetFuncArgInPartition(winobj, W_KIND, pos, WINDOW_SEEK_HEAD,
												false, &kind_null, &isout);
	double		h = run->params.half_life;
	double		weight = KindWeightOf(&run->params, kind_null, kind);
	double		x = TimeAxis(&run->params, t);

	if (!run->seen)
	{
		run->seen = true;
		run->ref = x;
	}
	else if (t < run->latest)
	{
		char	   *first = pstrdup(timestamptz_to_str(run->latest));

		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("rows passed to engagement_score() are not in time order"),
				 errdetail("A row at %s follows a row at %s in the same partition.",
						   timestamptz_to_str(t), first),
				 errhint("Add ORDER BY at to the window, e.g. engagement_score(...) OVER (PARTITION BY lead ORDER BY at).")));
	}
	else if ((x - run->ref) / h > REBASE_HALF_LIVES ||
			 (weight != 0 && (x - run->ref) / h + log2(fabs(weight)) > 960))
	{
		/* far from the reference, or a huge weight: this row is the new one */
		double		scale = exp2(-(x - run->ref) / h);

		run->sum *= scale;
		run->comp *= scale;
		run->ref = x;
	}
	run->latest = t;
	CompensatedAdd(&run->sum, &run->comp, weight * exp2((x - run->ref) / h));
}

PG_FUNCTION_INFO_V1(engagement_score_window);

/*
 * The window function: the score as of the current row's at over the
 * partition's rows with at <= it.
 */
Datum
engagement_score_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	EngagementRun *run = WinGetPartitionLocalMemory(winobj, sizeof(EngagementRun));
	Params		cur;
	bool		at_null;
	Datum		atd = WinGetFuncArgCurrent(winobj, W_AT, &at_null);
	TimestampTz at;

	CurrentParams(fcinfo, winobj, &cur);
	if (!run->started)
	{
		run->params = cur;
		run->started = true;
	}
	else if (cur.null != run->params.null ||
			 (!cur.null && (cur.half_life != run->params.half_life ||
							cur.default_weight != run->params.default_weight ||
							cur.hash != run->params.hash ||
							cur.cal_id != run->params.cal_id)))
		ReportParamsDiffer(WINDOW_PARAMS, "partition");
	if (!cur.null)
	{
		/* the same weights and calendar, maybe parsed again */
		run->params.weights = cur.weights;
		run->params.cal = cur.cal;
	}
	if (at_null || cur.null)
		PG_RETURN_NULL();
	at = CheckTime(DatumGetTimestampTz(atd), "engagement_score() at");

	/* add every row not yet added whose at is not after this one's */
	for (;;)
	{
		bool		isnull;
		bool		isout;
		Datum		d = WinGetFuncArgInPartition(winobj, W_AT, run->next, WINDOW_SEEK_HEAD,
												 false, &isnull, &isout);
		TimestampTz t;

		if (isout)
			break;
		if (!isnull)
		{
			t = CheckTime(DatumGetTimestampTz(d), "engagement_score() at");
			if (t > at)
				break;
			AddRow(winobj, run, run->next, t);
		}
		run->next++;
	}
	if (!run->seen || at < run->latest)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("rows passed to engagement_score() are not in time order"),
				 errdetail("A row at %s comes after rows with later times in the same partition.",
						   timestamptz_to_str(at)),
				 errhint("Add ORDER BY at to the window, e.g. engagement_score(...) OVER (PARTITION BY lead ORDER BY at).")));
	PG_RETURN_FLOAT8(CompensatedValue(run->sum, run->comp, "engagement_score") *
					 exp2(-(TimeAxis(&run->params, at) - run->ref) / run->params.half_life));
}
