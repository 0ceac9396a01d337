/*
 * interval_rule.c
 *		The one rule by which align reads an interval argument (funnel's and
 *		window_funnel's window, handoff_summary's and sla_breached's sla),
 *		and the errors of the time range and of the checked time difference
 *		(interval_rule.h).
 *
 * The rule: an interval is its total as PostgreSQL orders intervals (a month
 * counts 30 days, a day 24 hours, as in interval comparison, so '1 month' =
 * '30 days' and '1 day -1 hour' = 23 hours), in microseconds.  A total
 * beyond int64 microseconds (about 292,000 years) saturates at PG_INT64_MAX:
 * such a window or SLA is unlimited.  A negative total is an error (22023).
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "interval_rule.h"

/*
 * An interval's total as interval comparison orders it, exactly: *days
 * (months counted as 30) plus *usecs, with 0 <= *usecs < USECS_PER_DAY.
 * Equal intervals ('1 mon', '30 days') give equal spans; no overflow.
 */
void
IntervalSpan(const Interval *iv, int64 *days, int64 *usecs)
{
	int64		d = iv->time / USECS_PER_DAY + (int64) iv->month * DAYS_PER_MONTH + iv->day;
	int64		us = iv->time % USECS_PER_DAY;

	if (us < 0)
	{
		us += USECS_PER_DAY;
		d--;
	}
	*days = d;
	*usecs = us;
}

/*
 * The rule above, for the interval argument called what in errors: its
 * total in microseconds, saturating at PG_INT64_MAX; a negative total is an
 * error with the caller's hint.
 */
int64
IntervalArgMicroseconds(const Interval *iv, const char *what, const char *hint)
{
	int64		days;
	int64		usecs;
	int64		us;

	IntervalSpan(iv, &days, &usecs);
	if (days < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", what),
				 errdetail("The interval given, %s, totals less than zero (a month counts 30 days, a day 24 hours).",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   IntervalPGetDatum(iv)))),
				 errhint("%s", hint)));
	return SpanMicroseconds(days, usecs, &us) ? us : PG_INT64_MAX;
}

/* A duration in microseconds as an interval, exactly as timestamptz - timestamptz gives it. */
Interval *
MicrosecondsInterval(int64 us)
{
	Interval	iv;

	iv.month = 0;
	iv.day = 0;
	iv.time = us;
	return DatumGetIntervalP(DirectFunctionCall1(interval_justify_hours,
												 IntervalPGetDatum(&iv)));
}

/* The error of CheckTime (interval_rule.h): t, given as what, is outside align's time range. */
void
ReportTimeRange(TimestampTz t, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("time out of range in %s: %s", what, timestamptz_to_str(t)),
			 errdetail("Every align function reads times from 1931-12-13 20:45:53 UTC "
					   "up to 2068-01-19 03:14:07 UTC."),
			 errhint("Use NULL for an unknown time.")));
}

/*
 * The error of TimeDifference (interval_rule.h): an infinite time, or a
 * difference beyond int64 microseconds, in function fname.
 */
void
ReportTimeDifference(TimestampTz earlier, TimestampTz later, const char *fname)
{
	char	   *from;

	if (TIMESTAMP_NOT_FINITE(earlier) || TIMESTAMP_NOT_FINITE(later))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("cannot subtract infinite timestamps")));
	/* timestamptz_to_str returns a static buffer: copy the first result */
	from = pstrdup(timestamptz_to_str(earlier));
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("interval out of range in %s", fname),
			 errdetail("The time from %s to %s is longer than an interval holds (about 292,000 years).",
					   from, timestamptz_to_str(later))));
}
