/*
 * conversion_curve.c
 *		conversion_curve(f, from, to, days[]): Kaplan-Meier conversion for
 *		cohorts that are still maturing, read from a funnel built by
 *		funnel_as_of.
 *
 * A funnel as of a time keeps (CloseLeadAsOf in funnel.c) per pair of
 * ladder stages a < b the times from entering a to first reaching b or
 * beyond (conversions), and per a <= T the ages at as_of of the leads that
 * entered a and topped out at T; the censored of (a, b) are those with T
 * below b, the ages of (a, T) summed over a <= T < b (exits included: they
 * stay at risk up to their age at as_of, which makes the curve the
 * cumulative incidence of conversion with exits as a competing risk).  The curve is the product-limit estimate over the
 * sketch buckets, each bucket one distinct time: S(t) = prod over the
 * buckets up to t's (CurveBuckets) of (1 - d_i / n_i), d_i the
 * conversions in the bucket, n_i the leads whose time is in it or later
 * (at a tie, conversions come before censorings, so the censored of a
 * bucket are still at risk in it); conversion = 1 - S.
 * The 95 % interval is Greenwood's variance on the log(-log S) scale, as
 * R's survfit(conf.type = "log-log").  Sketches of disjoint lead sets add,
 * so the curve of a rollup is the curve of the union.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "align.h"
#include "funnel.h"

#define Z_95	1.959963984540054	/* standard normal quantile at 0.975 */
#define CURVE_COLUMNS	10

/* The days argument's values: not NULL, not NaN, not negative (22023). */
static float8 *
DaysArg(ArrayType *arr, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	float8	   *days;

	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, n);
	days = palloc(sizeof(float8) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i] || isnan(DatumGetFloat8(elems[i])) || DatumGetFloat8(elems[i]) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("conversion_curve days must not be NULL, NaN or negative"),
					 errdetail("Element %d is %s.", i + 1,
							   nulls[i] ? "NULL" : DatumGetCString(DirectFunctionCall1(float8out, elems[i]))),
					 errhint("Pass the days since entering the first stage to read the curve at, "
							 "e.g. ARRAY[7, 30, 90].")));
		days[i] = DatumGetFloat8(elems[i]);
	}
	return days;
}

/*
 * The sketch buckets a time of t seconds reads: *last, the highest bucket
 * counted as "within t", and *first_at_risk, the lowest counted as "t or
 * more".  Times are whole seconds (differences of whole-second entries, or
 * of working-time levels), so a time is <= t exactly when it is <=
 * floor(t), and the sketch puts every such time in a bucket <=
 * SketchBucket(floor(t)): every conversion and censoring at or before t
 * counts, exactly at t included, and the only error is the times of that
 * bucket above t, less than one bucket's width (gamma - 1 = 1.92 %) above
 * t.  Likewise every time >= t (>= ceil(t)) lies in a bucket >=
 * SketchBucket(ceil(t)), which is *last (t whole) or a later one (the
 * buckets between hold no whole second).
 */
static void
CurveBuckets(double t, int *last, int *first_at_risk)
{
	/* past the last bucket (2^32 seconds), and inside int64 */
	const double cap = 1e15;

	*last = SketchBucket((int64) Min(floor(t), cap));
	*first_at_risk = SketchBucket((int64) Min(ceil(t), cap));
}

/* One row of the curve at t seconds into values[] and nulls[] (the days column excepted). */
static void
CurveRow(const FunnelSketch *conv, const FunnelSketch *cens, double t,
		 Datum *values, bool *nulls)
{
	uint64		cohort = (conv ? conv->total : 0) + cens->total;
	uint64		gone = 0;		/* leads with a time before the bucket */
	uint64		at_risk = 0,
				converted = 0,
				censored = 0;
	double		surv = 1.0;
	double		greenwood = 0.0;
	int			last,
				first_at_risk;

	CurveBuckets(t, &last, &first_at_risk);
	for (int b = 0; b <= last; b++)
	{
		uint64		d = conv ? conv->counts[b] : 0;
		uint64		c = cens->counts[b];

		if (b == first_at_risk)
			at_risk = cohort - gone;
		if (d > 0)
		{
			double		n = (double) (cohort - gone);

			surv *= 1.0 - (double) d / n;
			if (n > (double) d)
				greenwood += (double) d / (n * (n - (double) d));
		}
		converted += d;
		censored += c;
		gone += d + c;
	}
	if (first_at_risk > last)
		at_risk = cohort - gone;
	values[1] = Int64GetDatum((int64) cohort);
	values[2] = Int64GetDatum((int64) at_risk);
	values[3] = Int64GetDatum((int64) converted);
	values[4] = Int64GetDatum((int64) censored);
	values[9] = Int64GetDatum(conv ? (int64) conv->earlier : 0);
	if (cohort == 0)
	{
		nulls[5] = nulls[6] = nulls[7] = nulls[8] = true;
		return;
	}
	values[5] = Float8GetDatum(1.0 - surv);
	values[8] = Float8GetDatum((double) converted / (double) cohort);
	if (converted == 0)
	{
		/* no conversion yet: the estimate is 0, and so is its interval */
		values[6] = values[7] = Float8GetDatum(0.0);
	}
	else if (surv <= 0.0)
	{
		/* every lead at risk converted: log(-log S) is undefined */
		nulls[6] = nulls[7] = true;
	}
	else
	{
		double		k = Z_95 * sqrt(greenwood) / fabs(log(surv));
		double		s_low = pow(surv, exp(k));
		double		s_high = pow(surv, exp(-k));

		values[6] = Float8GetDatum(1.0 - s_high);
		values[7] = Float8GetDatum(1.0 - s_low);
	}
}

PG_FUNCTION_INFO_V1(funnel_conversion_curve);
/*
 * conversion_curve(f, from, to, days[]): per element of days, the cohort
 * (leads that entered "from" at a known time, not left out), the leads
 * still at risk, converted and censored by then, the Kaplan-Meier
 * conversion and its 95 % log-log interval, the naive rate (converted /
 * cohort) and the leads left out.  f must be a funnel built by
 * funnel_as_of (an empty funnel reads as one with no leads).
 */
Datum
funnel_conversion_curve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			from,
				to,
				ndays;
	Funnel	   *f;
	float8	   *days;
	const FunnelSketch *conv = NULL;
	FunnelSketch *cens = palloc0(sizeof(FunnelSketch));

	InitMaterializedSRF(fcinfo, 0);
	f = FunnelPairArgs(fcinfo, &from, &to);
	days = DaysArg(PG_GETARG_ARRAYTYPE_P(3), &ndays);
	if (from == to)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conversion_curve needs two different stages"),
				 errhint("Pass the stage leads enter first and a later one, e.g. 'mql', 'sql'.")));
	if (!(f->flags & FUNNEL_AS_OF) && !FunnelIsEmpty(f))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conversion_curve needs a funnel taken as of a time"),
				 errdetail("This funnel was built by funnel(), which does not keep the ages of the leads that have not converted."),
				 errhint("Build it with funnel_as_of(lead, stage, at, as_of), e.g. as_of => now().")));
	if (f->flags & FUNNEL_AS_OF)
	{
		conv = f->converted[from * f->nstages + to];
		/* censored for (from, to): the leads whose highest stage is below to */
		for (int top = from; top < to; top++)
			if (f->ages[from * f->nstages + top] != NULL)
				SketchMerge(cens, f->ages[from * f->nstages + top]);
	}
	for (int i = 0; i < ndays; i++)
	{
		Datum		values[CURVE_COLUMNS];
		bool		nulls[CURVE_COLUMNS];

		memset(nulls, 0, sizeof(nulls));
		values[0] = Float8GetDatum(days[i]);
		CurveRow(conv, cens, days[i] * SECS_PER_DAY, values, nulls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
