/*
 * interval_rule.h
 *		How align reads an interval argument (a conversion window, an SLA),
 *		one rule for every function, the one range of times every function
 *		accepts, and how it measures the time between two rows.
 */
#ifndef ALIGN_INTERVAL_RULE_H
#define ALIGN_INTERVAL_RULE_H

#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"

#include "pg_compat.h"

extern void IntervalSpan(const Interval *iv, int64 *days, int64 *usecs);
extern int64 IntervalArgMicroseconds(const Interval *iv, const char *what,
									 const char *hint);
extern Interval *MicrosecondsInterval(int64 us);
pg_noreturn extern void ReportTimeDifference(TimestampTz earlier, TimestampTz later,
											 const char *fname);
pg_noreturn extern void ReportTimeRange(TimestampTz t, const char *what);

/*
 * align's one time range, for every function that takes a time: what a
 * funnel's 4-byte slot holds (seconds since 2000 plus SLOT_BIAS, funnel.h),
 * 1931-12-13 20:45:53 UTC up to 2068-01-19 03:14:07 UTC (excluded).
 * Infinite times are outside it.
 */
#define ALIGN_TIME_MIN		((TimestampTz) -PG_INT32_MAX * USECS_PER_SEC)
#define ALIGN_TIME_END		((TimestampTz) PG_INT32_MAX * USECS_PER_SEC)

/* t, if inside align's time range; else an error (22008) naming what (e.g. "funnel() at"). */
static inline TimestampTz
CheckTime(TimestampTz t, const char *what)
{
	if (unlikely(t < ALIGN_TIME_MIN || t >= ALIGN_TIME_END))
		ReportTimeRange(t, what);
	return t;
}

/* An IntervalSpan's total, days * USECS_PER_DAY + usecs, in *us; false if beyond int64. */
static inline bool
SpanMicroseconds(int64 days, int64 usecs, int64 *us)
{
	return !pg_mul_s64_overflow(days, USECS_PER_DAY, us) &&
		!pg_add_s64_overflow(*us, usecs, us);
}

/*
 * later - earlier in microseconds, for function fname: infinite times and a
 * difference beyond int64 microseconds (4713 BC to 294276 AD) are errors
 * (22008), never a wrapped value.
 */
static inline int64
TimeDifference(TimestampTz earlier, TimestampTz later, const char *fname)
{
	int64		diff;

	if (unlikely(TIMESTAMP_NOT_FINITE(earlier) || TIMESTAMP_NOT_FINITE(later) ||
				 pg_sub_s64_overflow(later, earlier, &diff)))
		ReportTimeDifference(earlier, later, fname);
	return diff;
}

/*
 * A duration in microseconds as hours, the plain number every exact
 * duration align returns also comes as (handoff_gap_hours, the _hours
 * columns of handoff_stats and stage_stay_stats): the quotient rounded
 * once, to float8 (durations are below 2^53 microseconds, so exact
 * before the division).
 */
static inline double
MicrosecondsHours(int64 us)
{
	return (double) us / (double) USECS_PER_HOUR;
}

#endif							/* ALIGN_INTERVAL_RULE_H */
