/*
 * calendar.h
 *		work_calendar: weekly working hours, a time zone and closed days, and
 *		the working-time arithmetic every function that measures a duration
 *		in business hours calls (calendar.c).
 *
 * A caller keeps one CalendarCache pointer (an SQL function: fn_extra; a
 * window function or aggregate: a field of its own state) and asks it for
 * the expanded calendar of each row's work_calendar Datum: the value is
 * parsed and expanded only when its bytes differ from the last few seen, so
 * a constant calendar is expanded once per query.
 *
 * Working time is the measure of the real instants whose local time, in
 * the calendar's zone, is inside the weekly hours and outside every closed
 * range.  Across a spring-forward the skipped local hour is not worked;
 * across a fall-back a repeated local working hour counts twice.  The zone's
 * offsets over align's time range are expanded once, with the working time
 * before each, so a span's working time and a deadline cost O(log offset
 * changes + log closures + log weekly ranges) whatever the span's length;
 * only the next opening walks offsets (until the first that has working
 * time).
 *
 * Times given to these functions must be inside align's time range
 * (CheckTime, interval_rule.h); the caller checks them.
 */
#ifndef ALIGN_CALENDAR_H
#define ALIGN_CALENDAR_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "pgtime.h"

/* One working range of the week, in local microseconds since Monday 00:00. */
typedef struct CalendarSpan
{
	int64		start;
	int64		end;
	int64		before;			/* working microseconds of the week before start */
} CalendarSpan;

/* One closed range, in local microseconds since 2000-01-01 00:00. */
typedef struct CalendarClosure
{
	int64		start;
	int64		end;
	int64		level;			/* working time from the local epoch to start */
	int64		lost_after;		/* weekly working time lost to this and every
								 * earlier closure */
} CalendarClosure;

/* A run of one UTC offset of the calendar's zone inside align's time range. */
typedef struct CalendarRun
{
	TimestampTz start;			/* where it starts (the first: the range's start) */
	int64		off;			/* its UTC offset, microseconds (local = UTC + off) */
	int64		cum;			/* working microseconds from the range's start to start */
} CalendarRun;

/* An expanded calendar: what every working-time calculation reads. */
typedef struct Calendar
{
	pg_tz	   *tz;				/* the calendar's zone (pg_tzset's, never freed) */
	int64		week_work;		/* working microseconds of a whole week (> 0) */
	int			nspans;
	const CalendarSpan *spans;	/* sorted, disjoint */
	int			nclosed;
	const CalendarClosure *closed;	/* sorted, disjoint, not touching */
	int			nruns;
	const CalendarRun *runs;	/* the zone's offsets over align's time range, in order */
} Calendar;

typedef struct CalendarCache CalendarCache;

/* Expands a work_calendar Datum, allocated in cxt. */
extern Calendar *CalendarExpand(Datum calendar, MemoryContext cxt);

/*
 * The expanded calendar of a work_calendar Datum, through *cache (NULL at
 * first; allocated in cxt, which must live as long as *cache).
 */
extern const Calendar *CalendarCached(CalendarCache **cache, MemoryContext cxt,
									  Datum calendar);

/* Working microseconds in [from, to); from <= to. */
extern int64 CalendarWorkingTime(const Calendar *cal, TimestampTz from, TimestampTz to);

/*
 * Working microseconds from the start of align's time range to t: a span's
 * working time is the difference of its ends' levels (for many spans
 * between a few times, each time's level once).
 */
extern int64 CalendarLevel(const Calendar *cal, TimestampTz t);

/*
 * The earliest t >= at with CalendarWorkingTime(cal, at, t) = work (work >=
 * 0); an error (22008) naming what if t is beyond align's time range.
 */
extern TimestampTz CalendarDeadline(const Calendar *cal, TimestampTz at, int64 work,
									const char *what);

/* Whether the instant at is working time. */
extern bool CalendarIsWorking(const Calendar *cal, TimestampTz at);

/*
 * at if it is working time, else the first working instant after it; an
 * error (22008) naming what if that is beyond align's time range.
 */
extern TimestampTz CalendarNextOpening(const Calendar *cal, TimestampTz at,
									   const char *what);

/* A copy in cxt, with a 4-byte header, of a stored calendar (perhaps packed). */
extern struct varlena *CalendarCopy(MemoryContext cxt, const struct varlena *cal);

/* Whether two stored calendars (NULL: none) are the same (canonical: the same bytes). */
extern bool CalendarSame(const struct varlena *a, const struct varlena *b);

/*
 * A stored calendar read from len bytes of work_calendar_send's form, as
 * work_calendar_recv checks binary input (22P03), and expanded once: its
 * zone must be known here.
 */
extern struct varlena *CalendarFromBinary(const char *bytes, int len);

/* work_calendar_send's form of a stored calendar. */
extern bytea *CalendarToBinary(const struct varlena *cal);

/* The binary form (a partial state carries a calendar in it). */
extern PGDLLEXPORT Datum work_calendar_send(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum work_calendar_recv(PG_FUNCTION_ARGS);

/* The text form (a funnel's JSON carries a calendar in it). */
extern PGDLLEXPORT Datum work_calendar_in(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum work_calendar_out(PG_FUNCTION_ARGS);

#endif							/* ALIGN_CALENDAR_H */
