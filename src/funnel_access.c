/*
 * funnel_access.c
 *		Reading a funnel: reached, conversion, conversion_interval and
 *		conversion_bounds, time_to_convert (and _days), time_sample and
 *		funnel_steps.
 *
 * Stages may be given as lead_stage, as a value of the enum the funnel was
 * built over, or as text (an unknown literal such as 'mql' resolves to the
 * text overload): on a lead_stage funnel text is parsed like lead_stage
 * input, on an enum funnel it names one of the labels the funnel keeps of
 * its enum (as written, else ignoring case, spaces, "_" and "-", as
 * try_stage does), so that it needs no catalog and stays immutable.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "align.h"
#include "pg_compat.h"
#include "funnel.h"
#include "stage_map.h"

/* Raises the error for a stage of the wrong vocabulary. */
pg_noreturn static void
WrongVocabulary(const Funnel *f, Oid argtype)
{
	if ((f->flags & FUNNEL_ENUM) && argtype == TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("this funnel was built over an enum of %d stages by align 0.1.0, "
						"which did not keep the enum's labels: it cannot read a stage given as text",
						f->nstages),
				 errhint("Pass the stage as a value of that enum, e.g. 'Closed Won'::my_stage.")));
	if (f->flags & FUNNEL_ENUM)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("this funnel was built over %s, not over %s",
						f->ladder != NULL ? psprintf("enum %s", f->ladder->type_name)
						: psprintf("an enum of %d stages", f->nstages),
						format_type_be(argtype)),
				 errhint("Pass the stage as a value of that enum, e.g. 'Closed Won'::my_stage, "
						 "or as text naming one of its labels, e.g. 'Closed Won'.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("this funnel was built over lead_stage, not over %s",
					format_type_be(argtype)),
			 errhint("Pass the stage as lead_stage or text, e.g. 'mql'.")));
}

/* The ladder of an enum stage argument, as the catalog has it, cached per call site. */
static StageMap *
EnumMap(FunctionCallInfo fcinfo, Oid type)
{
	StageMap   *map = fcinfo->flinfo->fn_extra;

	if (map == NULL || map->enum_type != type)
	{
		map = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(StageMap));
		StageMapInitEnum(map, type, fcinfo->flinfo->fn_mcxt, true);
		fcinfo->flinfo->fn_extra = map;
	}
	return map;
}

/*
 * Funnel f (open leads already closed) on the ladder of an accessor's stage
 * argument (stage_type; *map is set for an enum): an empty funnel, of any
 * ladder, read as an empty funnel of this one; an enum funnel moved onto
 * its enum as it is now when values were added or renamed since it was
 * built.  A funnel of another ladder is an error.
 */
static Funnel *
OnLadder(FunctionCallInfo fcinfo, Funnel *f, Oid stage_type, StageMap **map)
{
	Funnel	   *empty;

	*map = NULL;
	if (OidIsValid(stage_type) && type_is_enum(stage_type))
	{
		StageMap   *m = EnumMap(fcinfo, stage_type);

		*map = m;
		if (FunnelIsEmpty(f))
		{
			empty = palloc(sizeof(Funnel));
			FunnelInitOnMap(empty, CurrentMemoryContext, m, 0, 0);
			return empty;
		}
		if (!(f->flags & FUNNEL_ENUM))
			WrongVocabulary(f, stage_type);
		if ((f->ladder == NULL ? f->nstages == m->nstages
			 : FunnelLadderEqual(f->ladder, f->nstages, &m->ladder, m->nstages)) &&
			f->noutcomes == m->noutcomes)
			return f;
		return FunnelRemap(f, &m->ladder, m->nstages, m->noutcomes);
	}
	if (f->flags & FUNNEL_ENUM)
	{
		/* text names a label of the funnel's own ladder (StageArg) */
		if (stage_type == TEXTOID && f->ladder != NULL)
			return f;
		if (!FunnelIsEmpty(f))
			WrongVocabulary(f, stage_type);
		empty = palloc(sizeof(Funnel));
		FunnelInit(empty, CurrentMemoryContext, 0, STAGE_LADDER_SIZE, STAGE_OUTCOMES, 0);
		return empty;
	}
	return f;
}

/* The funnel argument of an accessor, its open leads closed, on its stage argument's ladder. */
static Funnel *
ReadFunnel(FunctionCallInfo fcinfo, Oid stage_type, StageMap **map)
{
	return OnLadder(fcinfo, FunnelClosed(PG_GETARG_FUNNEL(0)), stage_type, map);
}

/* The labels of an enum funnel's ladder, for a message: "MQL", "SQL", "Closed Won". */
static char *
LadderLabelList(const Funnel *f)
{
	StringInfoData list;

	initStringInfo(&list);
	for (int s = 0; s < f->nstages; s++)
		appendStringInfo(&list, "%s\"%s\"", s > 0 ? ", " : "", f->ladder->labels[s]);
	return list.data;
}

/*
 * Slot of a stage given as text on an enum funnel that keeps its labels:
 * the label written as the enum has it, else the one label it equals when
 * both ignore white space around them, case, spaces, "_" and "-".  None is
 * 22P02, two or more 22023; both name the funnel's labels.
 */
static int
LabelSlot(const Funnel *f, const char *text)
{
	int			slot = LadderLabelMatch(f->ladder->labels, NULL, f->nstages, text);
	int			quoted = pg_mbcliplen(text, (int) Min(strlen(text), (size_t) PG_INT32_MAX), 80);

	if (slot == LADDER_LABEL_NONE && f->noutcomes > 0)
	{
		/*
		 * a value the funnel counted as an outcome, as the enum writes it or
		 * ignoring case, spaces, "_" and "-"; else an outcome by its name
		 */
		int			o = LadderLabelMatch(f->ladder->outcome_labels, NULL, f->ladder->nlisted, text);

		if (o >= 0)
			return f->nstages + f->ladder->outcome_of[o];
		slot = o;
		for (o = 0; slot == LADDER_LABEL_NONE && o < FUNNEL_MAX_OUTCOMES; o++)
			if (pg_strcasecmp(text, LeadStageName((LeadStage) (STAGE_RECYCLED + o))) == 0)
				return f->nstages + o;
	}

	if (slot == LADDER_LABEL_AMBIGUOUS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%.*s%s\" matches more than one stage of enum %s",
						quoted, text, (size_t) quoted < strlen(text) ? "..." : "",
						f->ladder->type_name),
				 errhint("Write the label exactly as the enum has it: %s.", LadderLabelList(f))));
	if (slot < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for a stage of enum %s: \"%.*s%s\"",
						f->ladder->type_name, quoted, text,
						(size_t) quoted < strlen(text) ? "..." : ""),
				 errhint("The funnel's stages: %s; case, spaces, \"_\" and \"-\" are ignored.%s",
						 LadderLabelList(f),
						 f->noutcomes > 0 ? " Its outcomes: the values declared outcomes, or recycled, disqualified, lost." : "")));
	return slot;
}

/*
 * Slot of a stage argument in funnel f (from ReadFunnel, with its map):
 * ladder 0..nstages-1, or (if allowed) an outcome slot after the ladder.
 */
static int
StageArg(FunctionCallInfo fcinfo, const Funnel *f, const StageMap *map, int argno,
		 bool allow_outcome)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	int			slot;
	LeadStage	code;

	if (f->flags & FUNNEL_ENUM)
	{
		/* OnLadder passes an enum funnel with no map only for text */
		Assert(map != NULL || (type == TEXTOID && f->ladder != NULL));
		slot = map != NULL ? StageMapSlot(map, PG_GETARG_DATUM(argno))
			: LabelSlot(f, text_to_cstring(PG_GETARG_TEXT_PP(argno)));
		if (slot >= f->nstages && !allow_outcome)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is an outcome of enum %s, not a ladder stage",
							map != NULL ? DatumGetCString(DirectFunctionCall1(enum_out, PG_GETARG_DATUM(argno)))
							: text_to_cstring(PG_GETARG_TEXT_PP(argno)),
							f->ladder->type_name),
					 errdetail("ladder_outcome declares it %s.",
							   LeadStageName((LeadStage) (STAGE_RECYCLED + slot - f->nstages))),
					 errhint("Conversion and time to convert run between ladder stages: %s.",
							 LadderLabelList(f))));
		return slot;
	}
	if (map != NULL)
		return StageMapSlot(map, PG_GETARG_DATUM(argno));
	if (type == TEXTOID)
		code = LeadStageParse(text_to_cstring(PG_GETARG_TEXT_PP(argno)), "lead_stage");
	else
		code = PG_GETARG_LEAD_STAGE(argno);
	if (code == STAGE_OTHER)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a funnel does not track the stage \"other\""),
				 errhint("Use a ladder stage (subscriber .. evangelist) or an outcome "
						 "(recycled, disqualified, lost).")));
	slot = code - 1;
	if (slot >= f->nstages && !allow_outcome)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is an outcome, not a ladder stage", LeadStageName(code)),
				 errhint("Conversion and time to convert run between ladder stages: "
						 "subscriber, lead, mql, sal, sql, opportunity, customer, evangelist.")));
	return slot;
}

/*
 * The funnel a two-stage accessor reads (see ReadFunnel) and the ladder
 * slots of its (from, to) pair.  The rule of every pair accessor: to is not
 * below from on the ladder; to below from is an error (22023), the same
 * stage twice is the trivial pair (conversion 1, a time of 0).
 */
static Funnel *
PairArgs(FunctionCallInfo fcinfo, int *from, int *to)
{
	StageMap   *map;
	Funnel	   *f = ReadFunnel(fcinfo, get_fn_expr_argtype(fcinfo->flinfo, 1), &map);

	*from = StageArg(fcinfo, f, map, 1, false);
	*to = StageArg(fcinfo, f, map, 2, false);
	if (*from > *to)
	{
		if (f->flags & FUNNEL_ENUM)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("conversion runs up the ladder: the stage at rank %d comes after the stage at rank %d",
							*from + 1, *to + 1),
					 errhint("Swap the two stages.")));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conversion runs up the ladder: %s comes after %s",
						LeadStageName((LeadStage) (*from + 1)),
						LeadStageName((LeadStage) (*to + 1))),
				 errhint("Swap the two stages.")));
	}
	return f;
}

/* See funnel.h: PairArgs, for the accessors in other files. */
Funnel *
FunnelPairArgs(FunctionCallInfo fcinfo, int *from, int *to)
{
	return PairArgs(fcinfo, from, to);
}

PG_FUNCTION_INFO_V1(funnel_reached);
/* Leads that reached a ladder stage, or that had an outcome (before the ladder too). */
Datum
funnel_reached(PG_FUNCTION_ARGS)
{
	StageMap   *map;
	Funnel	   *f = ReadFunnel(fcinfo, get_fn_expr_argtype(fcinfo->flinfo, 1), &map);
	int			slot = StageArg(fcinfo, f, map, 1, true);
	int64		n;

	if (slot < f->nstages)
		PG_RETURN_INT64(f->reached[slot]);
	/* validated: the sum fits */
	n = f->exits_before[slot - f->nstages];
	for (int s = 0; s < f->nstages; s++)
		n += f->exits[s][slot - f->nstages];
	PG_RETURN_INT64(n);
}

PG_FUNCTION_INFO_V1(funnel_conversion);
/* reached(to) / reached(from); NULL when no lead reached from. */
Datum
funnel_conversion(PG_FUNCTION_ARGS)
{
	int			from,
				to;
	Funnel	   *f = PairArgs(fcinfo, &from, &to);

	if (f->reached[from] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) f->reached[to] / (double) f->reached[from]);
}

/* Inverse of the standard normal CDF (Acklam, refined by one Halley step). */
static double
NormalQuantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
	2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
	-1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
	2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
	2.445134137142996e+00, 3.754408661907416e+00};
	double		x,
				q,
				r,
				e,
				u;

	if (p < 0.02425)
	{
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	else if (p <= 1 - 0.02425)
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	else
	{
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	e = 0.5 * erfc(-x / sqrt(2)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

/* Checks a confidence argument: strictly between 0 and 1. */
static double
CheckConfidence(double confidence)
{
	if (isnan(confidence) || confidence <= 0.0 || confidence >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1 (exclusive), not %g", confidence),
				 errhint("0.95 gives the usual 95 %% interval.")));
	return confidence;
}

/*
 * The Wilson score interval of k successes in n > 0 trials at the given
 * confidence, into bounds[0] (low) and bounds[1] (high).
 */
static void
WilsonBounds(double k, double n, double confidence, double *bounds)
{
	double		p = k / n;
	double		z = NormalQuantile(1.0 - (1.0 - confidence) / 2.0);
	double		z2,
				centre,
				half;

	if (!isfinite(z))
	{
		/* a confidence so close to 1 that the quantile is infinite */
		bounds[0] = 0.0;
		bounds[1] = 1.0;
		return;
	}
	z2 = z * z;
	centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
	/* all or none converted: the interval reaches 1 or 0 exactly, whatever the rounding */
	bounds[0] = k <= 0 ? 0.0 : Max(0.0, centre - half);
	bounds[1] = k >= n ? 1.0 : Min(1.0, centre + half);
}

PG_FUNCTION_INFO_V1(funnel_conversion_interval);
/* Wilson score interval {low, high} of conversion at the given confidence. */
Datum
funnel_conversion_interval(PG_FUNCTION_ARGS)
{
	double		confidence = CheckConfidence(PG_GETARG_FLOAT8(3));
	int			from,
				to;
	double		bounds[2];
	Datum		d[2];
	Funnel	   *f = PairArgs(fcinfo, &from, &to);

	if (f->reached[from] == 0)
		PG_RETURN_NULL();
	WilsonBounds((double) f->reached[to], (double) f->reached[from], confidence, bounds);
	d[0] = Float8GetDatum(bounds[0]);
	d[1] = Float8GetDatum(bounds[1]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, 2, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(funnel_conversion_bounds);
/* The Wilson score interval of conversion as two columns, low and high: for BI tools. */
Datum
funnel_conversion_bounds(PG_FUNCTION_ARGS)
{
	double		confidence = CheckConfidence(PG_GETARG_FLOAT8(3));
	int			from,
				to;
	double		bounds[2];
	Datum		values[2];
	bool		nulls[2] = {false, false};
	TupleDesc	desc;
	Funnel	   *f = PairArgs(fcinfo, &from, &to);

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "conversion_bounds must return a row");
	if (f->reached[from] == 0)
		nulls[0] = nulls[1] = true;
	else
	{
		WilsonBounds((double) f->reached[to], (double) f->reached[from], confidence, bounds);
		values[0] = Float8GetDatum(bounds[0]);
		values[1] = Float8GetDatum(bounds[1]);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* An interval of secs seconds, with whole days split out like t2 - t1. */
static Interval *
SecondsToInterval(double secs)
{
	Interval	iv;

	iv.month = 0;
	iv.day = 0;
	iv.time = (TimeOffset) llround(secs * USECS_PER_SEC);
	return DatumGetIntervalP(DirectFunctionCall1(interval_justify_hours,
												 IntervalPGetDatum(&iv)));
}

/*
 * Seconds as days for the numeric columns, to three significant digits: a
 * time from the sketch is its bucket's representative, within 1 % of every
 * duration in the bucket, so more digits say nothing, and groups whose
 * times fall in one bucket show the same value.
 */
static double
SecondsToDays(double secs)
{
	double		days = secs / SECS_PER_DAY;
	double		scale;

	if (days <= 0.0)
		return 0.0;
	scale = pow(10.0, 2.0 - floor(log10(days)));
	return round(days * scale) / scale;
}

/* Checks a quantile fraction argument. */
static double
CheckFraction(double fraction)
{
	if (isnan(fraction) || fraction < 0.0 || fraction > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fraction must be between 0 and 1, not %g", fraction),
				 errhint("0.5 gives the median, 0.9 the 90th percentile.")));
	return fraction;
}

/*
 * The fraction-quantile of entered_at(to) - entered_at(from), in seconds,
 * over leads that entered both at known times, to not earlier; within 1 %
 * of the exact value (percentile_disc over whole seconds), 0 for the same
 * stage twice.  -1 if no such lead.  For time_to_convert and
 * time_to_convert_days.
 */
static double
ConvertSeconds(FunctionCallInfo fcinfo)
{
	double		fraction = CheckFraction(PG_GETARG_FLOAT8(3));
	int			from,
				to;
	Funnel	   *f = PairArgs(fcinfo, &from, &to);

	/* the same stage twice: every lead that entered it at a known time took 0 s */
	if (from == to)
		return f->known[from] == 0 ? -1.0 : 0.0;
	return SketchQuantile(FunnelPair(f, from, to, false), fraction);
}

PG_FUNCTION_INFO_V1(funnel_time_to_convert);
/* time_to_convert: see ConvertSeconds; NULL if no lead entered both stages at known times. */
Datum
funnel_time_to_convert(PG_FUNCTION_ARGS)
{
	double		secs = ConvertSeconds(fcinfo);

	if (secs < 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(SecondsToInterval(secs));
}

PG_FUNCTION_INFO_V1(funnel_time_to_convert_days);
/* time_to_convert in days as float8, to three significant digits: for BI tools. */
Datum
funnel_time_to_convert_days(PG_FUNCTION_ARGS)
{
	double		secs = ConvertSeconds(fcinfo);

	if (secs < 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(SecondsToDays(secs));
}

/*
 * The leads behind the time from stage a to stage b (a <= b): those timed,
 * those left out as having entered b first, and those left out for want of
 * a time at either stage (an implied stage, or a NULL time): together, the
 * leads that reached b.
 */
static void
PairSample(const Funnel *f, int a, int b, int64 *timed, int64 *earlier, int64 *no_time)
{
	/* (with FUNNEL_LEGACY, earlier and no_time are not known: the callers say NULL) */
	const FunnelSketch *p = a < b ? FunnelPair((Funnel *) f, a, b, false) : NULL;

	/* the same stage twice: its time of 0 rests on the leads that entered it at a known time */
	*timed = a == b ? f->known[a] : p != NULL ? (int64) p->total : 0;
	*earlier = p != NULL ? (int64) p->earlier : 0;
	*no_time = f->reached[b] - *timed - *earlier;
}

PG_FUNCTION_INFO_V1(funnel_time_sample);
/* The leads a time between two stages rests on: timed, left out as earlier, left out without a time. */
Datum
funnel_time_sample(PG_FUNCTION_ARGS)
{
	int			from,
				to;
	int64		n[3];
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	TupleDesc	desc;
	Funnel	   *f = PairArgs(fcinfo, &from, &to);

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "time_sample must return a row");
	PairSample(f, from, to, &n[0], &n[1], &n[2]);
	for (int i = 0; i < 3; i++)
		values[i] = Int64GetDatum(n[i]);
	/* counts from align 0.1.0 did not record the leads left out as earlier */
	if (f->flags & FUNNEL_LEGACY)
		nulls[1] = nulls[2] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* Raises 55000 (with hint) if f holds 0.1.0 counts, which did not record the stages leads entered. */
void
FunnelRequireEntered(const Funnel *f, const char *hint)
{
	if (f->flags & FUNNEL_LEGACY)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("this funnel holds counts stored by align 0.1.0, which did not record which stages leads entered"),
				 errhint("%s", hint)));
}

/* Raises 42804 (with hint) if f is an enum funnel of 0.1.0, which kept no labels. */
void
FunnelRequireLabels(const Funnel *f, const char *hint)
{
	if ((f->flags & FUNNEL_ENUM) && f->ladder == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("this funnel was built over an enum by align 0.1.0, which did not keep its labels"),
				 errhint("%s", hint)));
}

PG_FUNCTION_INFO_V1(funnel_steps);
/*
 * One row per ladder stage: stage, rank, team, leads, rate from previous,
 * rate from top, median and p90 time from the previous stage, exits by
 * outcome; then whether leads entered the stage itself (observed) or only
 * passed it on the way to a later one, the previous stage those figures
 * are from, the leads the times rest on (timed, and left out as earlier or
 * without a time), the times in days, the rate's 95 % Wilson bounds, and
 * the stage's label (its enum label, for an enum funnel read without its
 * enum: then stage and previous_stage are NULL).
 * First, when some leads had an outcome before entering any ladder stage,
 * a row of rank 0 with no stage that holds those exits.  With
 * observed_only, only observed stages, each measured from the previous
 * observed one.  funnel_steps(f, NULL::my_enum) reads an enum funnel.  A
 * definition of an older version (11 columns, no observed_only) gets its
 * columns.
 */
Datum
funnel_steps(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Funnel	   *f;
	StageMap   *map;
	bool		as_enum = PG_NARGS() > 1 && get_fn_expr_argtype(fcinfo->flinfo, 1) != BOOLOID;
	int			observed_arg = as_enum ? 2 : 1;
	bool		observed_only;
	bool		before = false;
	bool		by_label = false;
	int			prev = -1;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	observed_only = PG_NARGS() > observed_arg && !PG_ARGISNULL(observed_arg) &&
		PG_GETARG_BOOL(observed_arg);
	f = FunnelClosed(PG_GETARG_FUNNEL(0));
	if (observed_only)
		FunnelRequireEntered(f, "Build the funnel again from its events (REFRESH the materialized view), "
							 "or call funnel_steps without observed_only.");
	/* an enum funnel read without its enum: named by the labels it carries (empty too) */
	by_label = !as_enum && (f->flags & FUNNEL_ENUM) && (f->ladder != NULL || !FunnelIsEmpty(f));
	if (by_label)
		FunnelRequireLabels(f, "Name the enum: funnel_steps(f, NULL::my_stage).");
	if (by_label)
		map = NULL;
	else
		f = OnLadder(fcinfo, f, as_enum ? get_fn_expr_argtype(fcinfo->flinfo, 1) : InvalidOid, &map);
	if (as_enum && map == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("funnel_steps names the stages of an enum, not of %s",
						format_type_be(get_fn_expr_argtype(fcinfo->flinfo, 1))),
				 errhint("Use funnel_steps(f) for a lead_stage funnel.")));

	for (int o = 0; o < f->noutcomes; o++)
		before |= f->exits_before[o] != 0;
	for (int s = before ? -1 : 0; s < f->nstages; s++)
	{
		Datum		values[21];
		bool		nulls[21];

		memset(nulls, 0, sizeof(nulls));
		if (s < 0)
		{
			/* exits before the ladder: only the rank and the outcome columns */
			for (int k = 0; k < 21; k++)
				nulls[k] = k != 1 && (k < 8 || k > 10);
			values[1] = Int32GetDatum(0);
			for (int o = 0; o < FUNNEL_MAX_OUTCOMES; o++)
				values[8 + o] = Int64GetDatum(f->exits_before[o]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			continue;
		}
		if (observed_only && f->entered[s] == 0)
			continue;
		if (by_label)
			nulls[0] = true;
		else
			values[0] = as_enum ? ObjectIdGetDatum(map->by_pos[s]) : LeadStageGetDatum((LeadStage) (s + 1));
		values[1] = Int32GetDatum(s + 1);
		if (as_enum || by_label)
			nulls[2] = true;
		else
			values[2] = CStringGetTextDatum(LeadStageTeam((LeadStage) (s + 1)));
		values[20] = CStringGetTextDatum(as_enum ? map->ladder.labels[s]
										 : by_label ? f->ladder->labels[s]
										 : LeadStageName((LeadStage) (s + 1)));
		values[3] = Int64GetDatum(f->reached[s]);
		if (f->reached[0] > 0)
			values[5] = Float8GetDatum((double) f->reached[s] / (double) f->reached[0]);
		else
			nulls[5] = true;
		for (int o = 0; o < FUNNEL_MAX_OUTCOMES; o++)
		{
			if (o < f->noutcomes)
				values[8 + o] = Int64GetDatum(f->exits[s][o]);
			else
				nulls[8 + o] = true;
		}
		values[11] = BoolGetDatum(f->entered[s] > 0);
		nulls[11] = (f->flags & FUNNEL_LEGACY) != 0;
		if (prev < 0)
		{
			/* nothing before the first stage: no rate, time or sample from it */
			nulls[4] = nulls[6] = nulls[7] = true;
			for (int k = 12; k < 20; k++)
				nulls[k] = true;
		}
		else
		{
			const FunnelSketch *pair = FunnelPair(f, prev, s, false);
			double		median = SketchQuantile(pair, 0.5);
			double		p90 = SketchQuantile(pair, 0.9);
			int64		sample[3];

			if (by_label)
				nulls[12] = true;
			else
				values[12] = as_enum ? ObjectIdGetDatum(map->by_pos[prev])
					: LeadStageGetDatum((LeadStage) (prev + 1));
			PairSample(f, prev, s, &sample[0], &sample[1], &sample[2]);
			for (int k = 0; k < 3; k++)
				values[13 + k] = Int64GetDatum(sample[k]);
			if (f->flags & FUNNEL_LEGACY)
				nulls[14] = nulls[15] = true;
			if (median >= 0)
			{
				values[6] = IntervalPGetDatum(SecondsToInterval(median));
				values[7] = IntervalPGetDatum(SecondsToInterval(p90));
				values[16] = Float8GetDatum(SecondsToDays(median));
				values[17] = Float8GetDatum(SecondsToDays(p90));
			}
			else
				nulls[6] = nulls[7] = nulls[16] = nulls[17] = true;
			if (f->reached[prev] > 0)
			{
				double		bounds[2];

				values[4] = Float8GetDatum((double) f->reached[s] / (double) f->reached[prev]);
				WilsonBounds((double) f->reached[s], (double) f->reached[prev], 0.95, bounds);
				values[18] = Float8GetDatum(bounds[0]);
				values[19] = Float8GetDatum(bounds[1]);
			}
			else
				nulls[4] = nulls[18] = nulls[19] = true;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		prev = s;
	}
	return (Datum) 0;
}
