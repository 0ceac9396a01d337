/*
 * calendar.c
 *		The work_calendar type (weekly working hours, a time zone, closed
 *		days) with text and binary I/O and equality, its expansion into the
 *		struct of calendar.h, and the working-time arithmetic:
 *		working_time, working_seconds, working_deadline, is_working_time,
 *		next_opening.
 *
 * The stored value is canonical: the week is kept as the set of minutes it
 * works (ranges sorted, merged where they touch, split only at the end of
 * the week), closed time as merged local ranges, and the zone by the name
 * pg_tzset gives it.  Equal calendars are therefore equal bytes, and the
 * text output is a function of the bytes, so in(out(x)) = x.
 *
 * The arithmetic rests on one function, the working level F(x): the working
 * microseconds from the local epoch (2000-01-01 00:00, in the calendar's
 * zone) to the local time x.  F is the weekly level (whole weeks times a
 * week's work, plus a binary search in the week's cumulative ranges) less
 * the weekly work lost to closures before x (a binary search in the sorted
 * closures with their cumulative losses).  Between two changes of the zone's
 * UTC offset, local time is real time shifted, so the working time of a
 * span is F(end) - F(start) per run of one offset.  F's inverse (the
 * smallest x with F(x) >= v) gives deadlines and openings the same way.
 */
#include "postgres.h"

#include <ctype.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

#include "calendar.h"
#include "interval_rule.h"

/* Limits, stated in the README. */
#define CALENDAR_MAX_TEXT		1000000	/* bytes of text input */
#define CALENDAR_MAX_HOURS		1000	/* weekly intervals, as given or stored */
#define CALENDAR_MAX_CLOSED		10000	/* closed items, as given or stored */

/* Format version: the first byte of the stored and of the binary value. */
#define CALENDAR_VERSION		1

#define MINUTES_PER_DAY			(24 * 60)
#define MINUTES_PER_WEEK		(7 * MINUTES_PER_DAY)
#define USECS_PER_WEEK			(INT64CONST(7) * USECS_PER_DAY)

/* Monday 2000-01-03 00:00, the first Monday after the local epoch, in microseconds. */
#define LOCAL_MONDAY			(INT64CONST(2) * USECS_PER_DAY)

/* Closed dates run from 1900-01-01 to 2100-12-31 (local minutes since 2000). */
#define CLOSED_FIRST_YEAR		1900
#define CLOSED_LAST_YEAR		2100

/* How much of bad text input an error message quotes. */
#define CALENDAR_ERROR_QUOTE	40

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_full_names[7] = {"monday", "tuesday", "wednesday", "thursday",
"friday", "saturday", "sunday"};

/*
 * The stored value (a varlena, every field read and written with memcpy,
 * host byte order, no padding):
 *	uint8	version
 *	uint8	tzlen
 *	uint16	nweek
 *	uint32	nclosed
 *	uint16	week[2 * nweek]		minute-of-week ranges [start, end), Monday 00:00 = 0
 *	int32	closed[2 * nclosed]	local minutes since 2000-01-01 00:00, [start, end)
 *	char	tz[tzlen]			the zone's name, no terminator
 */
#define CALENDAR_HEADER			8

/* A calendar between parsing (text or binary) and storing. */
typedef struct CalendarSpec
{
	char		tz[TZ_STRLEN_MAX + 1];
	int			nweek;
	int32	   *week;			/* 2 * nweek minutes */
	int			nclosed;
	int32	   *closed;			/* 2 * nclosed minutes */
} CalendarSpec;

/* One weekly interval as given in text, for overlap errors. */
typedef struct GivenHours
{
	int32		start;			/* minute of the week, < MINUTES_PER_WEEK */
	int32		end;			/* start < end <= start + MINUTES_PER_DAY */
	int			day;
	const char *text;			/* where it was written */
	int			len;
} GivenHours;

/* The text parser's state. */
typedef struct CalendarParser
{
	const char *input;
	const char *p;
} CalendarParser;

/* ---------- small helpers ---------- */

/* a / b rounded down (b > 0). */
static inline int64
FloorDiv(int64 a, int64 b)
{
	int64		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Appends "HH:MM" for a minute of the day (0..1440). */
static void
AppendClock(StringInfo buf, int32 minute)
{
	appendStringInfo(buf, "%02d:%02d", minute / 60, minute % 60);
}

/* Appends the date of a local day number (days since 2000-01-01). */
static void
AppendDate(StringInfo buf, int32 day)
{
	int			y,
				m,
				d;

	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	appendStringInfo(buf, "%04d-%02d-%02d", y, m, d);
}

/* The first minute closed ranges may cover: 1900-01-01 00:00. */
static int32
ClosedMinuteMin(void)
{
	return (date2j(CLOSED_FIRST_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE) * MINUTES_PER_DAY;
}

/* The end of the minutes closed ranges may cover: 2101-01-01 00:00. */
static int32
ClosedMinuteEnd(void)
{
	return (date2j(CLOSED_LAST_YEAR + 1, 1, 1) - POSTGRES_EPOCH_JDATE) * MINUTES_PER_DAY;
}

/* Whether a zone name has only the characters IANA names use. */
static bool
ZoneNameChars(const char *s, int len)
{
	if (len < 1 || len > TZ_STRLEN_MAX)
		return false;
	for (int i = 0; i < len; i++)
		if (!isalnum((unsigned char) s[i]) && s[i] != '/' && s[i] != '_' &&
			s[i] != '-' && s[i] != '+')
			return false;
	return s[0] != '/' && s[0] != '-';
}

/*
 * Whether a name reads as a zone of the IANA database rather than as what
 * else pg_tzset takes: a POSIX zone specification ("UTC+3", which means
 * UTC-03, "ABC-3DEF"), or a file that is not a zone of its own
 * ("localtime", the host's zone; "posixrules"; "Factory").  IANA names
 * with digits are Etc/GMT+N and the four US rule zones.
 */
static bool
IanaZoneName(const char *name)
{
	static const char *const with_digits[] = {
		"EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "GMT0", "GMT+0", "GMT-0"
	};
	bool		digits = false;

	if (pg_strcasecmp(name, "localtime") == 0 || pg_strcasecmp(name, "posixrules") == 0 ||
		pg_strcasecmp(name, "Factory") == 0)
		return false;
	for (const char *c = name; *c != '\0'; c++)
		digits |= isdigit((unsigned char) *c) != 0;
	if (!digits || pg_strncasecmp(name, "Etc/", 4) == 0)
		return true;
	for (int i = 0; i < lengthof(with_digits); i++)
		if (pg_strcasecmp(name, with_digits[i]) == 0)
			return true;
	return false;
}

/* The zone of a name, or NULL if the server knows no such acceptable IANA zone. */
static pg_tz *
ZoneByName(const char *name)
{
	pg_tz	   *tz;

	if (!IanaZoneName(name))
		return NULL;
	tz = pg_tzset(name);
	return (tz != NULL && pg_tz_acceptable(tz)) ? tz : NULL;
}

/* ---------- the canonical value ---------- */

/* qsort comparator of [start, end) int32 pairs, by start. */
static int
PairCompare(const void *a, const void *b)
{
	int32		x = ((const int32 *) a)[0];
	int32		y = ((const int32 *) b)[0];

	return (x > y) - (x < y);
}

/*
 * Sorts n [start, end) pairs and merges those that overlap or touch, in
 * place; returns the new count.
 */
static int
MergePairs(int32 *pairs, int n)
{
	int			out = 0;

	if (n == 0)
		return 0;
	qsort(pairs, n, 2 * sizeof(int32), PairCompare);
	for (int i = 1; i < n; i++)
	{
		if (pairs[2 * i] <= pairs[2 * out + 1])
			pairs[2 * out + 1] = Max(pairs[2 * out + 1], pairs[2 * i + 1]);
		else
		{
			out++;
			pairs[2 * out] = pairs[2 * i];
			pairs[2 * out + 1] = pairs[2 * i + 1];
		}
	}
	return out + 1;
}

/*
 * Whether n [start, end) pairs are at most max, non-empty, inside [lo, hi],
 * sorted and not touching.
 */
static bool
PairsCanonical(const int32 *pairs, int n, int max, int32 lo, int32 hi)
{
	if (n < 0 || n > max)
		return false;
	for (int i = 0; i < n; i++)
		if (pairs[2 * i] < lo || pairs[2 * i] >= pairs[2 * i + 1] || pairs[2 * i + 1] > hi ||
			(i > 0 && pairs[2 * i] <= pairs[2 * i - 1]))
			return false;
	return true;
}

/*
 * Whether a spec is canonical: a known zone under its own name, one to
 * CALENDAR_MAX_HOURS weekly ranges inside the week, sorted and not touching,
 * up to CALENDAR_MAX_CLOSED closed ranges inside the closed dates, sorted and
 * not touching.  On false, *why says what is wrong.
 */
static bool
SpecIsCanonical(const CalendarSpec *spec, const char **why)
{
	pg_tz	   *tz;
	int32		lo = ClosedMinuteMin();
	int32		hi = ClosedMinuteEnd();

	if (!ZoneNameChars(spec->tz, strlen(spec->tz)) || (tz = ZoneByName(spec->tz)) == NULL)
	{
		*why = "unknown time zone";
		return false;
	}
	if (strcmp(pg_get_timezone_name(tz), spec->tz) != 0)
	{
		*why = "time zone not under its canonical name";
		return false;
	}
	if (spec->nweek < 1 || !PairsCanonical(spec->week, spec->nweek, CALENDAR_MAX_HOURS,
											0, MINUTES_PER_WEEK))
	{
		*why = "weekly ranges not sorted, empty, touching, outside the week or too many";
		return false;
	}
	if (!PairsCanonical(spec->closed, spec->nclosed, CALENDAR_MAX_CLOSED, lo, hi))
	{
		*why = "closed ranges not sorted, empty, touching, outside 1900-2100 or too many";
		return false;
	}
	return true;
}

/* The stored value of a canonical spec. */
static struct varlena *
SpecFlatten(const CalendarSpec *spec)
{
	uint8		tzlen = (uint8) strlen(spec->tz);
	uint16		nweek = (uint16) spec->nweek;
	uint32		nclosed = (uint32) spec->nclosed;
	Size		size = VARHDRSZ + CALENDAR_HEADER + 4 * (Size) nweek + 8 * (Size) nclosed + tzlen;
	struct varlena *v = palloc0(size);
	char	   *p = VARDATA(v);

	SET_VARSIZE(v, size);
	*p++ = CALENDAR_VERSION;
	*p++ = (char) tzlen;
	memcpy(p, &nweek, 2);
	p += 2;
	memcpy(p, &nclosed, 4);
	p += 4;
	for (int i = 0; i < 2 * spec->nweek; i++)
	{
		uint16		m = (uint16) spec->week[i];

		memcpy(p, &m, 2);
		p += 2;
	}
	memcpy(p, spec->closed, 8 * (Size) nclosed);
	p += 8 * (Size) nclosed;
	memcpy(p, spec->tz, tzlen);
	return v;
}

/* The spec of a stored value (bytes of len, VARDATA_ANY), trusted. */
static void
SpecUnflatten(const char *p, Size len, CalendarSpec *spec)
{
	uint8		tzlen;
	uint16		nweek;
	uint32		nclosed;

	if (len < CALENDAR_HEADER || p[0] != CALENDAR_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("work_calendar value is corrupted (version %d)", len > 0 ? p[0] : -1)));
	tzlen = (uint8) p[1];
	memcpy(&nweek, p + 2, 2);
	memcpy(&nclosed, p + 4, 4);
	if (len != CALENDAR_HEADER + 4 * (Size) nweek + 8 * (Size) nclosed + tzlen)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("work_calendar value is corrupted (length %zu)", len)));
	p += CALENDAR_HEADER;
	spec->nweek = nweek;
	spec->week = palloc(sizeof(int32) * 2 * (nweek + 1));
	for (int i = 0; i < 2 * nweek; i++)
	{
		uint16		m;

		memcpy(&m, p, 2);
		p += 2;
		spec->week[i] = m;
	}
	spec->nclosed = (int) nclosed;
	spec->closed = palloc(sizeof(int32) * 2 * (nclosed + 1));
	memcpy(spec->closed, p, 8 * (Size) nclosed);
	p += 8 * (Size) nclosed;
	memcpy(spec->tz, p, tzlen);
	spec->tz[tzlen] = '\0';
}

/* ---------- text input ---------- */

/* A syntax error at the text of len bytes at where: what was wrong, what is accepted. */
pg_noreturn static void
SyntaxError(const CalendarParser *ps, const char *where, int len, const char *what)
{
	int			inlen = strlen(ps->input);
	int			quoted = pg_mbcliplen(ps->input, inlen, CALENDAR_ERROR_QUOTE * 4);

	if (len <= 0)
		len = strnlen(where, 1) > 0 ? 1 : 0;
	/* quotes clipped at whole characters; the position in characters */
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type work_calendar: \"%.*s%s\"",
					quoted, ps->input, inlen > quoted ? "..." : ""),
			 errdetail("At character %d%s%.*s%s: %s.",
					   pg_mbstrlen_with_len(ps->input, (int) (where - ps->input)) + 1,
					   len > 0 ? ", \"" : " (end of input)",
					   len > 0 ? pg_mbcliplen(where, (int) strlen(where), Min(len, CALENDAR_ERROR_QUOTE)) : 0,
					   where, len > 0 ? "\"" : "", what),
			 errhint("Write clauses separated by \";\": weekly hours (\"mon-fri 09:00-17:30\", "
					 "\"sat 10:00-12:00, 13:00-15:00\", \"fri 22:00-06:00\"), a zone (\"tz Europe/Berlin\"), "
					 "closed days (\"closed 2026-12-24 13:00-, 2026-12-25..2026-12-26\").")));
}

/* Skips white space. */
static void
SkipSpace(CalendarParser *ps)
{
	while (*ps->p != '\0' && isspace((unsigned char) *ps->p))
		ps->p++;
}

/* The length of the word (letters) at p. */
static int
WordLength(const char *p)
{
	int			n = 0;

	while (isalpha((unsigned char) p[n]))
		n++;
	return n;
}

/* Whether the len bytes at p spell word, ignoring case. */
static bool
WordIs(const char *p, int len, const char *word)
{
	return len == (int) strlen(word) && pg_strncasecmp(p, word, len) == 0;
}

/* The day (0 = Monday) of the word at the parser, which it consumes. */
static int
ParseDay(CalendarParser *ps)
{
	const char *w = ps->p;
	int			len = WordLength(w);

	for (int d = 0; d < 7; d++)
		if (WordIs(w, len, day_names[d]) || WordIs(w, len, day_full_names[d]))
		{
			ps->p += len;
			return d;
		}
	SyntaxError(ps, w, len > 0 ? len : 1,
				"unknown weekday; weekdays are mon, tue, wed, thu, fri, sat, sun "
				"(or written out: monday ... sunday)");
}

/*
 * A clock time "H:MM" or "HH:MM" at the parser, in minutes (0..1440),
 * which it consumes; 24:00 only if end_allowed.
 */
static int32
ParseClock(CalendarParser *ps, bool end_allowed)
{
	const char *start = ps->p;
	const char *q = ps->p;
	int			hours = 0,
				minutes;
	int			len;

	while (isdigit((unsigned char) *q) && q - start < 3)
		hours = hours * 10 + (*q++ - '0');
	len = q - start;
	if (len < 1 || len > 2 || *q != ':' || !isdigit((unsigned char) q[1]) ||
		!isdigit((unsigned char) q[2]) || isdigit((unsigned char) q[3]))
	{
		while (*q != '\0' && !isspace((unsigned char) *q) && *q != ';' && *q != ',')
			q++;
		SyntaxError(ps, start, q - start, "expected a time HH:MM (00:00 to 24:00)");
	}
	minutes = (q[1] - '0') * 10 + (q[2] - '0');
	len = q + 3 - start;
	if (minutes > 59)
		SyntaxError(ps, start, len, "minutes run from 00 to 59");
	if (hours > 24 || (hours == 24 && minutes > 0))
		SyntaxError(ps, start, len, "times run from 00:00 to 24:00");
	if (hours == 24 && !end_allowed)
		SyntaxError(ps, start, len, "24:00 can only end an interval (a day's hours run from 00:00)");
	ps->p = q + 3;
	return hours * 60 + minutes;
}

/* A date YYYY-MM-DD at the parser, as a day number since 2000-01-01, which it consumes. */
static int32
ParseDate(CalendarParser *ps)
{
	const char *s = ps->p;
	int			y,
				m,
				d,
				y2,
				m2,
				d2;
	int			len = 0;
	bool		shaped;

	while (s[len] != '\0' && (isdigit((unsigned char) s[len]) || s[len] == '-') && len < 11)
		len++;
	shaped = (len == 10);

	/* digits, with "-" exactly at 4 and 7 */
	for (int i = 0; i < len; i++)
		shaped &= ((i == 4 || i == 7) == (s[i] == '-'));
	if (!shaped || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		SyntaxError(ps, s, Max(len, 1), "expected a date YYYY-MM-DD");
	if (y < CLOSED_FIRST_YEAR || y > CLOSED_LAST_YEAR)
		SyntaxError(ps, s, 10, "closed dates run from 1900-01-01 to 2100-12-31");
	if (m < 1 || m > 12 || d < 1 || d > 31)
		SyntaxError(ps, s, 10, "not a date");
	j2date(date2j(y, m, d), &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d)
		SyntaxError(ps, s, 10, "not a date");
	ps->p += 10;
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
}

/* Whether the clause ends at the parser (";" or the end), after white space. */
static bool
ClauseEnds(CalendarParser *ps)
{
	SkipSpace(ps);
	return *ps->p == '\0' || *ps->p == ';';
}

/* The text from p to the parser's end of clause, for errors. */
static int
ClauseLength(const char *p)
{
	int			n = 0;

	while (p[n] != '\0' && p[n] != ';')
		n++;
	return n;
}

/* Requires the end of the clause at the parser. */
static void
ExpectClauseEnd(CalendarParser *ps, const char *what)
{
	if (!ClauseEnds(ps))
		SyntaxError(ps, ps->p, ClauseLength(ps->p), what);
}

/* Whether two minute-of-week intervals overlap on the circle of the week. */
static bool
HoursOverlap(const GivenHours *a, const GivenHours *b)
{
	for (int shift = -1; shift <= 1; shift++)
	{
		int32		s = b->start + shift * MINUTES_PER_WEEK;
		int32		e = b->end + shift * MINUTES_PER_WEEK;

		if (a->start < e && s < a->end)
			return true;
	}
	return false;
}

/* Appends "day HH:MM-HH:MM" for given hours. */
static void
AppendGivenHours(StringInfo buf, const GivenHours *h)
{
	appendStringInfo(buf, "%s ", day_names[h->day]);
	AppendClock(buf, h->start % MINUTES_PER_DAY);
	appendStringInfoChar(buf, '-');
	AppendClock(buf, (h->end - h->day * MINUTES_PER_DAY) > MINUTES_PER_DAY
				? (h->end - h->day * MINUTES_PER_DAY) % MINUTES_PER_DAY
				: h->end - h->day * MINUTES_PER_DAY);
}

/*
 * A clause of weekly hours at the parser ("mon-fri, sun 09:00-12:00,
 * 13:00-17:00"), added to given (*n of them), each checked against those
 * given before.
 */
static void
ParseHours(CalendarParser *ps, GivenHours *given, int *n)
{
	bool		days[7] = {false};

	for (;;)
	{
		int			first = ParseDay(ps);
		int			last = first;

		SkipSpace(ps);
		if (*ps->p == '-')
		{
			ps->p++;
			SkipSpace(ps);
			last = ParseDay(ps);
			SkipSpace(ps);
		}
		/* a range runs forward, over the end of the week if need be */
		for (int d = first;; d = (d + 1) % 7)
		{
			days[d] = true;
			if (d == last)
				break;
		}
		if (*ps->p != ',')
			break;
		ps->p++;
		SkipSpace(ps);
	}
	if (!isdigit((unsigned char) *ps->p))
		SyntaxError(ps, ps->p, ClauseLength(ps->p),
					"expected hours HH:MM-HH:MM after the weekdays");
	for (;;)
	{
		const char *text = ps->p;
		int32		from = ParseClock(ps, false);
		int32		to;

		SkipSpace(ps);
		if (*ps->p != '-')
			SyntaxError(ps, ps->p, ClauseLength(ps->p), "expected \"-\" and the end of the hours");
		ps->p++;
		SkipSpace(ps);
		to = ParseClock(ps, true);
		if (to == from)
			SyntaxError(ps, text, ps->p - text,
						"empty hours (for a whole day write 00:00-24:00)");
		for (int d = 0; d < 7; d++)
		{
			GivenHours *h;

			if (!days[d])
				continue;
			if (*n >= CALENDAR_MAX_HOURS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("work_calendar has more than %d weekly intervals", CALENDAR_MAX_HOURS),
						 errdetail("At character %d.", (int) (text - ps->input) + 1)));
			h = &given[*n];
			h->day = d;
			h->start = d * MINUTES_PER_DAY + from;
			/* a shift that ends before it starts runs into the next day */
			h->end = d * MINUTES_PER_DAY + (to > from ? to : to + MINUTES_PER_DAY);
			h->text = text;
			h->len = ps->p - text;
			for (int i = 0; i < *n; i++)
				if (HoursOverlap(h, &given[i]))
				{
					StringInfoData msg;

					initStringInfo(&msg);
					AppendGivenHours(&msg, h);
					appendStringInfoString(&msg, " overlaps ");
					AppendGivenHours(&msg, &given[i]);
					appendStringInfo(&msg, ", given at character %d; the intervals of a week must not overlap "
									 "(an overnight shift runs into the next day)",
									 (int) (given[i].text - ps->input) + 1);
					SyntaxError(ps, text, h->len, msg.data);
				}
			(*n)++;
		}
		SkipSpace(ps);
		if (*ps->p != ',')
			break;
		ps->p++;
		SkipSpace(ps);
	}
	ExpectClauseEnd(ps, "expected \";\" or the end after the hours");
}

/*
 * A "closed" clause's items at the parser ("2026-12-24 13:00-, 2026-12-25,
 * 2026-12-27..2026-12-31, 2026-05-01 -12:00, 2026-06-01 10:00-11:00"),
 * appended to closed (*n pairs, room for CALENDAR_MAX_CLOSED).
 */
static void
ParseClosed(CalendarParser *ps, int32 *closed, int *n)
{
	for (;;)
	{
		const char *text;
		int32		day;
		int32		start,
					end;

		SkipSpace(ps);
		text = ps->p;
		day = ParseDate(ps);
		start = day * MINUTES_PER_DAY;
		end = start + MINUTES_PER_DAY;
		SkipSpace(ps);
		if (ps->p[0] == '.' && ps->p[1] == '.')
		{
			int32		last;

			ps->p += 2;
			SkipSpace(ps);
			last = ParseDate(ps);
			if (last < day)
				SyntaxError(ps, text, ps->p - text, "a range of closed dates must not end before it starts");
			end = (last + 1) * MINUTES_PER_DAY;
		}
		else if (isdigit((unsigned char) *ps->p))
		{
			start += ParseClock(ps, false);
			SkipSpace(ps);
			if (*ps->p != '-')
				SyntaxError(ps, ps->p, ClauseLength(ps->p),
							"expected \"-\" after the time a closed day starts (\"13:00-\" closes the rest of the day)");
			ps->p++;
			SkipSpace(ps);
			if (isdigit((unsigned char) *ps->p))
			{
				const char *to = ps->p;

				end = day * MINUTES_PER_DAY + ParseClock(ps, true);
				if (end <= start)
					SyntaxError(ps, to, ps->p - to,
								"a closed time must end after it starts, on the same day (close the next day with its own date)");
			}
		}
		else if (*ps->p == '-')
		{
			const char *to;

			ps->p++;
			SkipSpace(ps);
			to = ps->p;
			end = start + ParseClock(ps, true);
			if (end == start)
				SyntaxError(ps, to, ps->p - to, "empty closed time (\"-00:00\" closes nothing)");
		}
		if (*n >= CALENDAR_MAX_CLOSED)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("work_calendar has more than %d closed items", CALENDAR_MAX_CLOSED),
					 errdetail("At character %d; close a run of days with one item, \"2026-12-24..2026-12-31\".",
							   (int) (text - ps->input) + 1)));
		closed[2 * *n] = start;
		closed[2 * *n + 1] = end;
		(*n)++;
		SkipSpace(ps);
		if (*ps->p != ',')
			break;
		ps->p++;
	}
	ExpectClauseEnd(ps, "expected \";\", \",\" or the end after a closed date");
}

/* The zone of a "tz" clause at the parser, its canonical name copied to spec. */
static void
ParseZone(CalendarParser *ps, CalendarSpec *spec)
{
	const char *name = ps->p;
	int			len = 0;
	char		buf[TZ_STRLEN_MAX + 1];
	pg_tz	   *tz;

	while (name[len] != '\0' && name[len] != ';' && !isspace((unsigned char) name[len]))
		len++;
	if (len == 0)
		SyntaxError(ps, name, 0, "expected a time zone name after \"tz\", such as Europe/Berlin or UTC");
	if (!ZoneNameChars(name, len))
		SyntaxError(ps, name, len, "a time zone is an IANA name such as Europe/Berlin, America/New_York or UTC");
	memcpy(buf, name, len);
	buf[len] = '\0';
	tz = ZoneByName(buf);
	if (tz == NULL)
		SyntaxError(ps, name, len, "unknown time zone; use an IANA name such as Europe/Berlin, "
					"America/New_York or UTC (pg_timezone_names lists them)");
	snprintf(spec->tz, sizeof(spec->tz), "%s", pg_get_timezone_name(tz));
	ps->p += len;
	ExpectClauseEnd(ps, "expected \";\" or the end after the time zone");
}

/* Parses calendar text into a canonical spec (22P02 on any error). */
static void
ParseCalendar(const char *input, CalendarSpec *spec)
{
	CalendarParser ps = {input, input};
	GivenHours *given;
	int			ngiven = 0;
	const char *zone_at = NULL;

	if (strlen(input) > CALENDAR_MAX_TEXT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("work_calendar text is longer than %d bytes", CALENDAR_MAX_TEXT)));
	given = palloc(sizeof(GivenHours) * CALENDAR_MAX_HOURS);
	spec->closed = palloc(sizeof(int32) * 2 * CALENDAR_MAX_CLOSED);
	spec->nclosed = 0;
	snprintf(spec->tz, sizeof(spec->tz), "%s", "UTC");

	for (;;)
	{
		const char *word;
		int			len;

		SkipSpace(&ps);
		if (*ps.p == '\0')
			break;
		if (*ps.p == ';')
		{
			ps.p++;
			continue;
		}
		word = ps.p;
		len = WordLength(word);
		if (WordIs(word, len, "tz"))
		{
			if (zone_at != NULL)
				SyntaxError(&ps, word, ClauseLength(word), "a calendar has one time zone");
			zone_at = word;
			ps.p += len;
			SkipSpace(&ps);
			ParseZone(&ps, spec);
		}
		else if (WordIs(word, len, "closed"))
		{
			ps.p += len;
			ParseClosed(&ps, spec->closed, &spec->nclosed);
		}
		else if (len > 0)
			ParseHours(&ps, given, &ngiven);
		else
			SyntaxError(&ps, word, ClauseLength(word),
						"expected weekdays and hours, \"tz\" or \"closed\"");
	}
	if (ngiven == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("work_calendar has no working hours: \"%.*s\"",
						pg_mbcliplen(input, (int) strlen(input), CALENDAR_ERROR_QUOTE * 4), input),
				 errdetail("A calendar without weekly hours never works: an SLA deadline could never be reached."),
				 errhint("Give weekly hours such as \"mon-fri 09:00-17:00\".")));

	/* the week: given intervals split at the end of the week, merged */
	spec->week = palloc(sizeof(int32) * 4 * ngiven);
	spec->nweek = 0;
	for (int i = 0; i < ngiven; i++)
	{
		int32		s = given[i].start,
					e = given[i].end;

		if (e > MINUTES_PER_WEEK)
		{
			spec->week[2 * spec->nweek] = 0;
			spec->week[2 * spec->nweek + 1] = e - MINUTES_PER_WEEK;
			spec->nweek++;
			e = MINUTES_PER_WEEK;
		}
		spec->week[2 * spec->nweek] = s;
		spec->week[2 * spec->nweek + 1] = e;
		spec->nweek++;
	}
	spec->nweek = MergePairs(spec->week, spec->nweek);
	spec->nclosed = MergePairs(spec->closed, spec->nclosed);
	if (spec->nweek > CALENDAR_MAX_HOURS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("work_calendar has more than %d weekly intervals", CALENDAR_MAX_HOURS)));
}

/* ---------- text output ---------- */

/* The part of a working range that one day's clause of the text shows. */
typedef struct DayPiece
{
	int32		start;			/* minute of the day */
	int32		end;			/* minute of the day, 1..1440, or < start (overnight) */
} DayPiece;

/* Adds a piece to a day's list. */
static void
AddPiece(DayPiece **pieces, int *counts, int day, int32 start, int32 end)
{
	day %= 7;
	pieces[day][counts[day]].start = start;
	pieces[day][counts[day]].end = end;
	counts[day]++;
}

/*
 * Splits one circular working range [s, e) (minutes of the week, e - s <=
 * MINUTES_PER_WEEK) into day pieces: inside one day; else an overnight shift
 * of its first day when shorter than a day; else split at each midnight.
 */
static void
RangePieces(DayPiece **pieces, int *counts, int32 s, int32 e)
{
	int			day = s / MINUTES_PER_DAY;
	int32		day_start = day * MINUTES_PER_DAY;

	if (e <= day_start + MINUTES_PER_DAY)
		AddPiece(pieces, counts, day, s - day_start, e - day_start);
	else if (e - s < MINUTES_PER_DAY)
		AddPiece(pieces, counts, day, s - day_start, e % MINUTES_PER_DAY);
	else
	{
		AddPiece(pieces, counts, day, s - day_start, MINUTES_PER_DAY);
		for (day_start += MINUTES_PER_DAY, day++; day_start < e; day_start += MINUTES_PER_DAY, day++)
			AddPiece(pieces, counts, day, 0, Min(e - day_start, MINUTES_PER_DAY));
	}
}

/* qsort comparator of day pieces, by start. */
static int
PieceCompare(const void *a, const void *b)
{
	int32		x = ((const DayPiece *) a)->start;
	int32		y = ((const DayPiece *) b)->start;

	return (x > y) - (x < y);
}

/* The canonical text of a spec. */
static char *
SpecText(const CalendarSpec *spec)
{
	DayPiece   *pieces[7];
	int			counts[7] = {0};
	char	   *hours[7];
	StringInfoData buf;
	int			n = spec->nweek;
	int			first = 0;
	bool		clause = false;

	for (int d = 0; d < 7; d++)
		pieces[d] = palloc(sizeof(DayPiece) * (2 * n + 8));

	if (n == 1 && spec->week[0] == 0 && spec->week[1] == MINUTES_PER_WEEK)
		for (int d = 0; d < 7; d++)
			AddPiece(pieces, counts, d, 0, MINUTES_PER_DAY);
	else
	{
		/* a range ending the week and one starting it are one range */
		int			last = n - 1;

		if (n > 1 && spec->week[0] == 0 && spec->week[2 * last + 1] == MINUTES_PER_WEEK)
		{
			RangePieces(pieces, counts, spec->week[2 * last], MINUTES_PER_WEEK + spec->week[1]);
			first = 1;
			n = last;
		}
		for (int i = first; i < n; i++)
			RangePieces(pieces, counts, spec->week[2 * i], spec->week[2 * i + 1]);
	}

	for (int d = 0; d < 7; d++)
	{
		StringInfoData h;

		qsort(pieces[d], counts[d], sizeof(DayPiece), PieceCompare);
		initStringInfo(&h);
		for (int i = 0; i < counts[d]; i++)
		{
			if (i > 0)
				appendStringInfoString(&h, ", ");
			AppendClock(&h, pieces[d][i].start);
			appendStringInfoChar(&h, '-');
			AppendClock(&h, pieces[d][i].end);
		}
		hours[d] = h.data;
	}

	initStringInfo(&buf);
	for (int d = 0; d < 7;)
	{
		int			e = d;

		if (hours[d][0] == '\0')
		{
			d++;
			continue;
		}
		while (e + 1 < 7 && strcmp(hours[e + 1], hours[d]) == 0)
			e++;
		if (clause)
			appendStringInfoString(&buf, "; ");
		appendStringInfoString(&buf, day_names[d]);
		if (e > d)
			appendStringInfo(&buf, "-%s", day_names[e]);
		appendStringInfo(&buf, " %s", hours[d]);
		clause = true;
		d = e + 1;
	}
	appendStringInfo(&buf, "; tz %s", spec->tz);

	for (int i = 0; i < spec->nclosed; i++)
	{
		int32		s = spec->closed[2 * i];
		int32		e = spec->closed[2 * i + 1];
		int32		day = (int32) FloorDiv(s, MINUTES_PER_DAY);
		int32		last_day = (int32) FloorDiv(e, MINUTES_PER_DAY);	/* the day e falls in */

		appendStringInfoString(&buf, i == 0 ? "; closed " : ", ");
		if (s != day * MINUTES_PER_DAY)
		{
			/* a part day first: up to its end, or to e on the same day */
			AppendDate(&buf, day);
			appendStringInfoChar(&buf, ' ');
			AppendClock(&buf, s - day * MINUTES_PER_DAY);
			appendStringInfoChar(&buf, '-');
			if (e < (day + 1) * MINUTES_PER_DAY)
			{
				AppendClock(&buf, e - day * MINUTES_PER_DAY);
				continue;
			}
			day++;
			if (day == last_day && e == day * MINUTES_PER_DAY)
				continue;
			appendStringInfoString(&buf, ", ");
		}
		if (last_day > day)
		{
			/* whole days */
			AppendDate(&buf, day);
			if (last_day - day > 1)
			{
				appendStringInfoString(&buf, "..");
				AppendDate(&buf, last_day - 1);
			}
			if (e == last_day * MINUTES_PER_DAY)
				continue;
			appendStringInfoString(&buf, ", ");
		}
		/* the morning of the last day */
		AppendDate(&buf, last_day);
		appendStringInfoString(&buf, " -");
		AppendClock(&buf, e - last_day * MINUTES_PER_DAY);
	}
	return buf.data;
}

/* ---------- expansion and the arithmetic ---------- */

/* The microsecond of the week (since Monday 00:00) of local time x. */
static int64
WeekPosition(int64 x)
{
	return x - LOCAL_MONDAY - FloorDiv(x - LOCAL_MONDAY, USECS_PER_WEEK) * USECS_PER_WEEK;
}

/* The index of the last weekly span starting at or before r (microsecond of the week), or -1. */
static int
SpanAt(const Calendar *cal, int64 r)
{
	int			lo = 0,
				hi = cal->nspans;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cal->spans[mid].start <= r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/*
 * The weekly level: working microseconds of the weekly hours from the local
 * epoch to local time x (negative before it), closures ignored.
 */
static int64
WeekLevel(const Calendar *cal, int64 x)
{
	int64		r = WeekPosition(x);
	int			i = SpanAt(cal, r);
	int64		level = FloorDiv(x - LOCAL_MONDAY, USECS_PER_WEEK) * cal->week_work;

	if (i >= 0)
		level += cal->spans[i].before + Min(r, cal->spans[i].end) - cal->spans[i].start;
	return level;
}

/* The smallest local time x with WeekLevel(x) >= v. */
static int64
WeekReach(const Calendar *cal, int64 v)
{
	int64		weeks = FloorDiv(v - 1, cal->week_work);
	int64		rem = v - weeks * cal->week_work;	/* 1 .. week_work */
	int			lo = 0,
				hi = cal->nspans - 1;

	/* the first span whose end reaches rem */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;
		const CalendarSpan *s = &cal->spans[mid];

		if (s->before + (s->end - s->start) >= rem)
			hi = mid;
		else
			lo = mid + 1;
	}
	return LOCAL_MONDAY + weeks * USECS_PER_WEEK + cal->spans[lo].start +
		(rem - cal->spans[lo].before);
}

/* The index of the last closure starting at or before x, or -1. */
static int
ClosureAt(const Calendar *cal, int64 x)
{
	int			lo = 0,
				hi = cal->nclosed;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cal->closed[mid].start <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/* The working level F(x): working microseconds from the local epoch to local time x. */
static int64
Level(const Calendar *cal, int64 x)
{
	int			i = ClosureAt(cal, x);

	if (i < 0)
		return WeekLevel(cal, x);
	if (x < cal->closed[i].end)
		return cal->closed[i].level;
	return WeekLevel(cal, x) - cal->closed[i].lost_after;
}

/* The smallest local time x with Level(x) >= v. */
static int64
Reach(const Calendar *cal, int64 v)
{
	int			lo = 0,
				hi = cal->nclosed;

	/* the first closure whose level reaches v: the answer is before it */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cal->closed[mid].level < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return WeekReach(cal, lo == 0 ? v : v + cal->closed[lo - 1].lost_after);
}

/* Whether local time x is working time. */
static bool
LocalIsWorking(const Calendar *cal, int64 x)
{
	int64		r = WeekPosition(x);
	int			i = SpanAt(cal, r);

	if (i < 0 || r >= cal->spans[i].end)
		return false;
	i = ClosureAt(cal, x);
	return i < 0 || x >= cal->closed[i].end;
}

/*
 * The UTC offset in force at t, in microseconds (local = t + offset), and in
 * *until the end of its run: the zone's next change of offset, or
 * PG_INT64_MAX if it never changes again.
 */
static int64
OffsetRun(const Calendar *cal, TimestampTz t, TimestampTz *until)
{
	const int64 epoch_diff = (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
	pg_time_t	secs = (pg_time_t) (FloorDiv(t, USECS_PER_SEC) + epoch_diff);
	struct pg_tm *tm;
	long int	before_off,
				after_off;
	int			before_dst,
				after_dst;
	pg_time_t	boundary;
	int			r;

	tm = pg_localtime(&secs, cal->tz);
	if (tm == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for the calendar's time zone")));
	r = pg_next_dst_boundary(&secs, &before_off, &before_dst, &boundary,
							 &after_off, &after_dst, cal->tz);
	*until = (r == 1) ? ((int64) boundary - epoch_diff) * USECS_PER_SEC : PG_INT64_MAX;
	return (int64) tm->tm_gmtoff * USECS_PER_SEC;
}

/* The error of a deadline or an opening beyond align's time range. */
pg_noreturn static void
ReportBeyondRange(const char *what, TimestampTz at)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("%s from %s is beyond align's time range", what, timestamptz_to_str(at)),
			 errdetail("Every align function reads and returns times up to 2068-01-19 03:14:07 UTC.")));
}

/* Working microseconds from align's time range's start to t: the run of offsets at t, by binary search. */
static int64
Cumulative(const Calendar *cal, TimestampTz t)
{
	int			lo = 0,
				hi = cal->nruns - 1;
	const CalendarRun *r;

	while (lo < hi)
	{
		int			mid = (lo + hi + 1) / 2;

		if (cal->runs[mid].start <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	r = &cal->runs[lo];
	return r->cum + Level(cal, t + r->off) - Level(cal, r->start + r->off);
}

/* Working microseconds in [from, to): the difference of two cumulative levels. */
int64
CalendarWorkingTime(const Calendar *cal, TimestampTz from, TimestampTz to)
{
	return Cumulative(cal, to) - Cumulative(cal, from);
}

/* See calendar.h. */
int64
CalendarLevel(const Calendar *cal, TimestampTz t)
{
	return Cumulative(cal, t);
}

/*
 * The SLA deadline (calendar.h): the earliest t whose cumulative level is
 * at's plus work, in the run of offsets where that level is reached.
 */
TimestampTz
CalendarDeadline(const Calendar *cal, TimestampTz at, int64 work, const char *what)
{
	int64		target;
	int			lo = 0,
				hi = cal->nruns - 1;
	const CalendarRun *r;
	TimestampTz result;

	if (work == 0)
		return at;
	/* no span inside the time range holds more work than its length */
	if (work > ALIGN_TIME_END - at)
		ReportBeyondRange(what, at);
	target = Cumulative(cal, at) + work;
	if (target > Cumulative(cal, ALIGN_TIME_END))
		ReportBeyondRange(what, at);
	/* the last run that starts below the target level */
	while (lo < hi)
	{
		int			mid = (lo + hi + 1) / 2;

		if (cal->runs[mid].cum < target)
			lo = mid;
		else
			hi = mid - 1;
	}
	r = &cal->runs[lo];
	result = Reach(cal, Level(cal, r->start + r->off) + (target - r->cum)) - r->off;
	if (result >= ALIGN_TIME_END)
		ReportBeyondRange(what, at);
	return result;
}

/* Whether at's local time is inside the weekly hours and not closed. */
bool
CalendarIsWorking(const Calendar *cal, TimestampTz at)
{
	TimestampTz until;
	int64		off = OffsetRun(cal, at, &until);

	return LocalIsWorking(cal, at + off);
}

/* at, or the first working instant after it: the first run of offsets that has one. */
TimestampTz
CalendarNextOpening(const Calendar *cal, TimestampTz at, const char *what)
{
	TimestampTz t = at;

	while (t < ALIGN_TIME_END)
	{
		TimestampTz until;
		int64		off = OffsetRun(cal, t, &until);
		int64		x = t + off;
		int64		open;

		/* the first working microsecond at or after x */
		open = LocalIsWorking(cal, x) ? x : Reach(cal, Level(cal, x) + 1) - 1;
		if (until == PG_INT64_MAX || open - off < until)
		{
			if (open - off >= ALIGN_TIME_END)
				break;
			return open - off;
		}
		t = until;
	}
	ReportBeyondRange(what, at);
}

/*
 * The zone's runs of one UTC offset over align's time range, with the
 * working time before each (the zone's data is read once per expansion).
 */
static void
ExpandRuns(Calendar *cal, MemoryContext cxt)
{
	int			cap = 16,
				n = 0;
	CalendarRun *runs = MemoryContextAlloc(cxt, cap * sizeof(CalendarRun));
	TimestampTz t = ALIGN_TIME_MIN;
	int64		cum = 0;

	for (;;)
	{
		TimestampTz until;
		int64		off = OffsetRun(cal, t, &until);

		if (n == cap)
		{
			cap *= 2;
			runs = repalloc(runs, cap * sizeof(CalendarRun));
		}
		runs[n].start = t;
		runs[n].off = off;
		runs[n].cum = cum;
		n++;
		if (until >= ALIGN_TIME_END)
			break;
		cum += Level(cal, until + off) - Level(cal, t + off);
		t = until;
	}
	cal->runs = runs;
	cal->nruns = n;
}

/* The expanded calendar of a spec, in one chunk of cxt (its runs in another). */
static Calendar *
SpecExpand(const CalendarSpec *spec, MemoryContext cxt)
{
	Size		size = MAXALIGN(sizeof(Calendar)) + sizeof(CalendarSpan) * spec->nweek +
		sizeof(CalendarClosure) * spec->nclosed;
	char	   *chunk = MemoryContextAllocZero(cxt, size);
	Calendar   *cal = (Calendar *) chunk;
	CalendarSpan *spans = (CalendarSpan *) (chunk + MAXALIGN(sizeof(Calendar)));
	CalendarClosure *closed = (CalendarClosure *) (spans + spec->nweek);
	int64		work = 0;
	int64		lost = 0;

	cal->tz = ZoneByName(spec->tz);
	if (cal->tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("work_calendar time zone \"%s\" is not known to this server", spec->tz),
				 errhint("The server's time zone data (pg_timezone_names) has no such zone.")));
	for (int i = 0; i < spec->nweek; i++)
	{
		spans[i].start = spec->week[2 * i] * USECS_PER_MINUTE;
		spans[i].end = spec->week[2 * i + 1] * USECS_PER_MINUTE;
		spans[i].before = work;
		work += spans[i].end - spans[i].start;
	}
	cal->week_work = work;
	cal->nspans = spec->nweek;
	cal->spans = spans;
	cal->nclosed = spec->nclosed;
	cal->closed = closed;
	for (int i = 0; i < spec->nclosed; i++)
		closed[i].start = spec->closed[2 * i] * USECS_PER_MINUTE;
	for (int i = 0; i < spec->nclosed; i++)
	{
		int64		lo,
					hi;

		closed[i].end = spec->closed[2 * i + 1] * USECS_PER_MINUTE;
		lo = WeekLevel(cal, closed[i].start);
		hi = WeekLevel(cal, closed[i].end);
		closed[i].level = lo - lost;
		lost += hi - lo;
		closed[i].lost_after = lost;
	}
	ExpandRuns(cal, cxt);
	return cal;
}

/* Expands a stored calendar (calendar.h). */
Calendar *
CalendarExpand(Datum calendar, MemoryContext cxt)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(calendar);
	CalendarSpec spec;

	SpecUnflatten(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), &spec);
	return SpecExpand(&spec, cxt);
}

/* How many distinct calendars a cache keeps expanded. */
#define CALENDAR_CACHE_SIZE		4

/* The last few calendars seen, by their stored bytes. */
struct CalendarCache
{
	MemoryContext cxt;
	int			next;			/* the entry to replace next */
	struct
	{
		Size		len;
		char	   *bytes;		/* NULL: empty */
		Calendar   *cal;
	}			entries[CALENDAR_CACHE_SIZE];
};

/* The expanded calendar of a Datum, from the last few expanded, else expanded now (calendar.h). */
const Calendar *
CalendarCached(CalendarCache **cache, MemoryContext cxt, Datum calendar)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(calendar);
	const char *bytes = VARDATA_ANY(v);
	Size		len = VARSIZE_ANY_EXHDR(v);
	CalendarCache *c = *cache;
	int			slot;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(cxt, sizeof(CalendarCache));
		c->cxt = cxt;
		*cache = c;
	}
	for (int i = 0; i < CALENDAR_CACHE_SIZE; i++)
		if (c->entries[i].bytes != NULL && c->entries[i].len == len &&
			memcmp(c->entries[i].bytes, bytes, len) == 0)
			return c->entries[i].cal;

	slot = c->next;
	c->next = (c->next + 1) % CALENDAR_CACHE_SIZE;
	if (c->entries[slot].bytes != NULL)
	{
		pfree(c->entries[slot].bytes);
		pfree(c->entries[slot].cal);
		c->entries[slot].bytes = NULL;
	}
	c->entries[slot].cal = CalendarExpand(PointerGetDatum(v), c->cxt);
	c->entries[slot].bytes = MemoryContextAlloc(c->cxt, Max(len, 1));
	memcpy(c->entries[slot].bytes, bytes, len);
	c->entries[slot].len = len;
	return c->entries[slot].cal;
}

/* ---------- SQL: the type ---------- */

PG_FUNCTION_INFO_V1(work_calendar_in);
/* Text input: weekly hours, zone and closed days, stored canonical. */
Datum
work_calendar_in(PG_FUNCTION_ARGS)
{
	CalendarSpec spec;

	ParseCalendar(PG_GETARG_CSTRING(0), &spec);
	PG_RETURN_POINTER(SpecFlatten(&spec));
}

PG_FUNCTION_INFO_V1(work_calendar_out);
/* Text output: the canonical text. */
Datum
work_calendar_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	CalendarSpec spec;

	SpecUnflatten(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), &spec);
	PG_RETURN_CSTRING(SpecText(&spec));
}

/* The error of binary input that is not a canonical calendar. */
pg_noreturn static void
BinaryError(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary work_calendar: %s", what),
			 errdetail("The binary form is a version byte (1), the zone's name (a length byte and "
					   "its bytes), the weekly ranges (int16 count, int16 pairs of minutes of the week) "
					   "and the closed ranges (int32 count, int32 pairs of local minutes since 2000), "
					   "as work_calendar_send writes it.")));
}

/* Requires n more bytes in a binary message. */
static void
NeedBytes(StringInfo msg, Size n)
{
	if ((Size) (msg->len - msg->cursor) < n)
		BinaryError("the value ends early");
}

PG_FUNCTION_INFO_V1(work_calendar_recv);
/* Binary input: validated as text input is, and required canonical. */
Datum
work_calendar_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	CalendarSpec spec;
	int			tzlen;
	const char *why;

	NeedBytes(msg, 2);
	if (pq_getmsgbyte(msg) != CALENDAR_VERSION)
		BinaryError("unknown format version");
	tzlen = pq_getmsgbyte(msg);
	NeedBytes(msg, tzlen + 2);
	pq_copymsgbytes(msg, spec.tz, tzlen);
	spec.tz[tzlen] = '\0';
	if (memchr(spec.tz, '\0', tzlen) != NULL)
		BinaryError("a NUL byte in the time zone name");
	spec.nweek = (uint16) pq_getmsgint(msg, 2);
	if (spec.nweek > CALENDAR_MAX_HOURS)
		BinaryError("weekly range count out of range");
	NeedBytes(msg, 4 * (Size) spec.nweek + 4);
	spec.week = palloc(sizeof(int32) * 2 * (spec.nweek + 1));
	for (int i = 0; i < 2 * spec.nweek; i++)
		spec.week[i] = (int16) pq_getmsgint(msg, 2);
	spec.nclosed = (int32) pq_getmsgint(msg, 4);
	if (spec.nclosed < 0 || spec.nclosed > CALENDAR_MAX_CLOSED)
		BinaryError("closed range count out of range");
	NeedBytes(msg, 8 * (Size) spec.nclosed);
	spec.closed = palloc(sizeof(int32) * 2 * (spec.nclosed + 1));
	for (int i = 0; i < 2 * spec.nclosed; i++)
		spec.closed[i] = (int32) pq_getmsgint(msg, 4);
	if (msg->cursor != msg->len)
		BinaryError("trailing bytes");
	if (!SpecIsCanonical(&spec, &why))
		BinaryError(why);
	PG_RETURN_POINTER(SpecFlatten(&spec));
}

PG_FUNCTION_INFO_V1(work_calendar_send);
/* Binary output: version, zone, weekly ranges, closed ranges (work_calendar_recv). */
Datum
work_calendar_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	CalendarSpec spec;
	StringInfoData buf;
	int			tzlen;

	SpecUnflatten(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), &spec);
	tzlen = strlen(spec.tz);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CALENDAR_VERSION);
	pq_sendbyte(&buf, tzlen);
	pq_sendbytes(&buf, spec.tz, tzlen);
	pq_sendint16(&buf, spec.nweek);
	for (int i = 0; i < 2 * spec.nweek; i++)
		pq_sendint16(&buf, spec.week[i]);
	pq_sendint32(&buf, spec.nclosed);
	for (int i = 0; i < 2 * spec.nclosed; i++)
		pq_sendint32(&buf, spec.closed[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* See calendar.h. */
struct varlena *
CalendarCopy(MemoryContext cxt, const struct varlena *cal)
{
	Size		len = VARSIZE_ANY_EXHDR(cal);
	struct varlena *copy = MemoryContextAlloc(cxt, VARHDRSZ + len);

	SET_VARSIZE(copy, VARHDRSZ + len);
	memcpy(VARDATA(copy), VARDATA_ANY(cal), len);
	return copy;
}

/* See calendar.h. */
bool
CalendarSame(const struct varlena *a, const struct varlena *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/* See calendar.h. */
struct varlena *
CalendarFromBinary(const char *bytes, int len)
{
	StringInfoData binary;
	struct varlena *cal;

	binary.data = unconstify(char *, bytes);
	binary.len = len;
	binary.maxlen = len;
	binary.cursor = 0;
	cal = (struct varlena *) DatumGetPointer(DirectFunctionCall1(work_calendar_recv,
																 PointerGetDatum(&binary)));
	pfree(CalendarExpand(PointerGetDatum(cal), CurrentMemoryContext));
	return cal;
}

/* See calendar.h. */
bytea *
CalendarToBinary(const struct varlena *cal)
{
	return DatumGetByteaPP(DirectFunctionCall1(work_calendar_send, PointerGetDatum(cal)));
}

/* Whether two calendars are the same bytes (canonical: the same calendar). */
static bool
CalendarBytesEqual(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	struct varlena *b = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1));

	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

PG_FUNCTION_INFO_V1(work_calendar_eq);
/* = : the same calendar. */
Datum
work_calendar_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CalendarBytesEqual(fcinfo));
}

PG_FUNCTION_INFO_V1(work_calendar_ne);
/* <> : different calendars. */
Datum
work_calendar_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!CalendarBytesEqual(fcinfo));
}

PG_FUNCTION_INFO_V1(work_calendar_hash);
/* hash support: 32-bit hash of the canonical bytes. */
Datum
work_calendar_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));

	return hash_any((const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

PG_FUNCTION_INFO_V1(work_calendar_hash_extended);
/* hash support: seeded 64-bit hash of the canonical bytes. */
Datum
work_calendar_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));

	return hash_any_extended((const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
							 PG_GETARG_INT64(1));
}

/* ---------- SQL: the arithmetic ---------- */

/* The expanded calendar of argument 0, cached in fn_extra. */
static const Calendar *
CalendarArg(FunctionCallInfo fcinfo)
{
	return CalendarCached((CalendarCache **) &fcinfo->flinfo->fn_extra,
						  fcinfo->flinfo->fn_mcxt, PG_GETARG_DATUM(0));
}

/*
 * The working microseconds from argument 1 to argument 2 of function
 * fname, or false if the span runs backwards (the caller returns NULL).
 */
static bool
WorkingSpan(FunctionCallInfo fcinfo, const char *fname, int64 *us)
{
	TimestampTz from = CheckTime(PG_GETARG_TIMESTAMPTZ(1), fname);
	TimestampTz to = CheckTime(PG_GETARG_TIMESTAMPTZ(2), fname);

	if (from > to)
		return false;
	*us = CalendarWorkingTime(CalendarArg(fcinfo), from, to);
	return true;
}

PG_FUNCTION_INFO_V1(calendar_working_time);
/* working_time(cal, from_at, to_at): the working time between, as an interval. */
Datum
calendar_working_time(PG_FUNCTION_ARGS)
{
	int64		us;

	if (!WorkingSpan(fcinfo, "working_time()", &us))
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(MicrosecondsInterval(us));
}

PG_FUNCTION_INFO_V1(calendar_working_seconds);
/* working_seconds(cal, from_at, to_at): the working time between, in seconds. */
Datum
calendar_working_seconds(PG_FUNCTION_ARGS)
{
	int64		us;

	if (!WorkingSpan(fcinfo, "working_seconds()", &us))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) us / (double) USECS_PER_SEC);
}

PG_FUNCTION_INFO_V1(calendar_working_deadline);
/* working_deadline(cal, at, work): when work of working time has elapsed since at. */
Datum
calendar_working_deadline(PG_FUNCTION_ARGS)
{
	TimestampTz at = CheckTime(PG_GETARG_TIMESTAMPTZ(1), "working_deadline()");
	int64		work = IntervalArgMicroseconds(PG_GETARG_INTERVAL_P(2), "working_deadline() work",
											   "Give the working time to add, such as '4 hours'.");

	PG_RETURN_TIMESTAMPTZ(CalendarDeadline(CalendarArg(fcinfo), at, work, "working_deadline()"));
}

PG_FUNCTION_INFO_V1(calendar_is_working_time);
/* is_working_time(cal, at): whether at is inside the working hours and not closed. */
Datum
calendar_is_working_time(PG_FUNCTION_ARGS)
{
	TimestampTz at = CheckTime(PG_GETARG_TIMESTAMPTZ(1), "is_working_time()");

	PG_RETURN_BOOL(CalendarIsWorking(CalendarArg(fcinfo), at));
}

PG_FUNCTION_INFO_V1(calendar_next_opening);
/* next_opening(cal, at): at if it is working time, else the next working instant. */
Datum
calendar_next_opening(PG_FUNCTION_ARGS)
{
	TimestampTz at = CheckTime(PG_GETARG_TIMESTAMPTZ(1), "next_opening()");

	PG_RETURN_TIMESTAMPTZ(CalendarNextOpening(CalendarArg(fcinfo), at, "next_opening()"));
}
