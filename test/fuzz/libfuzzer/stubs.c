/*
 * stubs.c
 *		Just enough of the PostgreSQL backend to run align's parsers and
 *		accessors outside the server, under libFuzzer with AddressSanitizer
 *		and UBSan (see harness.c).
 *
 * Memory: every palloc is its own malloc, so that ASan puts a redzone
 * around each chunk (inside the server, chunks share AllocSet blocks and
 * an overrun would go unnoticed); StubResetMemory frees them all after
 * each input.  ereport(ERROR) longjmps back to the harness, as the server's
 * error handling would abort the statement.  Functions that the fuzzed paths
 * never reach abort(), so a path that starts to need them is noticed.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"

#include <ctype.h>
#include <setjmp.h>

#include "access/xact.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/datetime.h"
#include "utils/array.h"
#include "utils/memutils.h"

#include "stubs.h"

/* ---------- memory ---------- */

typedef struct StubChunk
{
	struct StubChunk *next;
	struct StubChunk *prev;
	size_t		size;
	uint64		pad;			/* keep the user pointer MAXALIGNed */
} StubChunk;

static StubChunk stub_chunks = {&stub_chunks, &stub_chunks, 0, 0};
static char stub_context_dummy[256];
MemoryContext CurrentMemoryContext = (MemoryContext) stub_context_dummy;
MemoryContext TopMemoryContext = (MemoryContext) stub_context_dummy;
volatile sig_atomic_t InterruptPending = false;

static void *
StubAlloc(size_t size, bool zero)
{
	StubChunk  *c;

	if (size > MaxAllocHugeSize)
		StubError("invalid memory alloc request size");
	c = malloc(sizeof(StubChunk) + size);
	if (c == NULL)
		StubError("out of memory");
	if (zero)
		memset(c + 1, 0, size);
	c->size = size;
	c->next = stub_chunks.next;
	c->prev = &stub_chunks;
	stub_chunks.next->prev = c;
	stub_chunks.next = c;
	return c + 1;
}

void
pfree(void *p)
{
	StubChunk  *c = (StubChunk *) p - 1;

	c->prev->next = c->next;
	c->next->prev = c->prev;
	free(c);
}

void
StubResetMemory(void)
{
	while (stub_chunks.next != &stub_chunks)
		pfree(stub_chunks.next + 1);
}

void *
palloc(Size size)
{
	return StubAlloc(size, false);
}

void *
palloc0(Size size)
{
	return StubAlloc(size, true);
}

void *
palloc_extended(Size size, int flags)
{
	return StubAlloc(size, (flags & MCXT_ALLOC_ZERO) != 0);
}

void *
repalloc(void *p, Size size)
{
	StubChunk  *c = (StubChunk *) p - 1;
	void	   *n = StubAlloc(size, false);

	memcpy(n, p, Min(size, c->size));
	pfree(p);
	return n;
}

void *
MemoryContextAlloc(MemoryContext cxt, Size size)
{
	return StubAlloc(size, false);
}

void *
MemoryContextAllocZero(MemoryContext cxt, Size size)
{
	return StubAlloc(size, true);
}

void *
MemoryContextAllocHuge(MemoryContext cxt, Size size)
{
	return StubAlloc(size, false);
}

char *
pstrdup(const char *s)
{
	size_t		n = strlen(s) + 1;
	char	   *p = StubAlloc(n, false);

	memcpy(p, s, n);
	return p;
}

char *
MemoryContextStrdup(MemoryContext cxt, const char *s)
{
	return pstrdup(s);
}

char *
pnstrdup(const char *s, Size len)
{
	char	   *p = StubAlloc(len + 1, false);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
psprintf(const char *fmt,...)
{
	va_list		ap;
	char	   *p = StubAlloc(1024, false);

	va_start(ap, fmt);
	vsnprintf(p, 1024, fmt, ap);
	va_end(ap);
	return p;
}

/* ---------- errors ---------- */

sigjmp_buf *stub_error_jmp;
int			stub_errors;

void
StubError(const char *what)
{
	stub_errors++;
	siglongjmp(*stub_error_jmp, 1);
}

bool
errstart_cold(int elevel, const char *domain)
{
	return elevel >= ERROR;
}

bool
errstart(int elevel, const char *domain)
{
	return elevel >= ERROR;
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	StubError(funcname);
}

int
errcode(int sqlerrcode)
{
	return 0;
}

/* formats the message like the server would, to run the format strings */
#define STUB_FORMAT(name) \
int \
name(const char *fmt,...) \
{ \
	char		buf[1024]; \
	va_list		ap; \
	va_start(ap, fmt); \
	vsnprintf(buf, sizeof(buf), fmt, ap); \
	va_end(ap); \
	return 0; \
}
STUB_FORMAT(errmsg)
STUB_FORMAT(errdetail)
STUB_FORMAT(errhint)
STUB_FORMAT(errmsg_internal)

void
ProcessInterrupts(void)
{
	InterruptPending = false;
}

/* ---------- StringInfo and pqformat, as the server implements them ---------- */

void
initStringInfo(StringInfo str)
{
	str->data = palloc(1024);
	str->maxlen = 1024;
	resetStringInfo(str);
}

void
resetStringInfo(StringInfo str)
{
	str->data[0] = '\0';
	str->len = 0;
	str->cursor = 0;
}

void
enlargeStringInfo(StringInfo str, int needed)
{
	int			newlen;

	if (needed < 0 || ((Size) needed) >= (MaxAllocSize - (Size) str->len))
		StubError("out of memory");
	needed += str->len + 1;
	if (needed <= str->maxlen)
		return;
	newlen = 2 * str->maxlen;
	while (needed > newlen)
		newlen = 2 * newlen;
	if (newlen > (int) MaxAllocSize)
		newlen = (int) MaxAllocSize;
	str->data = repalloc(str->data, newlen);
	str->maxlen = newlen;
}

void
appendBinaryStringInfo(StringInfo str, const char *data, int datalen)
{
	enlargeStringInfo(str, datalen);
	memcpy(str->data + str->len, data, datalen);
	str->len += datalen;
	str->data[str->len] = '\0';
}

void
appendStringInfoString(StringInfo str, const char *s)
{
	appendBinaryStringInfo(str, s, strlen(s));
}

void
appendStringInfoChar(StringInfo str, char ch)
{
	appendBinaryStringInfo(str, &ch, 1);
}

void
appendStringInfo(StringInfo str, const char *fmt,...)
{
	char		buf[4096];
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int) sizeof(buf))
		abort();				/* align never formats pieces this long */
	appendBinaryStringInfo(str, buf, n);
}

/* the server converts to the client encoding; here both are UTF-8 */
void
pq_sendstring(StringInfo buf, const char *str)
{
	appendBinaryStringInfo(buf, str, strlen(str) + 1);
}

const char *
pq_getmsgstring(StringInfo msg)
{
	char	   *str = &msg->data[msg->cursor];
	int			slen = strlen(str);

	if (msg->cursor + slen >= msg->len)
		StubError("invalid string in message");
	msg->cursor += slen + 1;
	return str;
}

/* the database encoding is UTF-8: only a NUL or a stray byte is invalid here */
bool
pg_verifymbstr(const char *mbstr, int len, bool noError)
{
	for (int i = 0; i < len; i++)
		if (mbstr[i] == '\0' || (unsigned char) mbstr[i] == 0xFF)
			return false;
	return true;
}

void
escape_json(StringInfo buf, const char *str)
{
	appendStringInfoChar(buf, '"');
	for (const char *p = str; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '"');
}

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	appendBinaryStringInfo(buf, "\0\0\0\0", 4);
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

int
pq_getmsgbyte(StringInfo msg)
{
	if (msg->cursor >= msg->len)
		StubError("no data left in message");
	return (unsigned char) msg->data[msg->cursor++];
}

unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	unsigned char buf[4];

	if (b != 1 && b != 2 && b != 4)
		abort();
	if (msg->cursor < 0 || b > (msg->len - msg->cursor))
		StubError("insufficient data left in message");
	memcpy(buf, &msg->data[msg->cursor], b);
	msg->cursor += b;
	if (b == 1)
		return buf[0];
	if (b == 2)
		return ((unsigned) buf[0] << 8) | buf[1];
	return ((unsigned) buf[0] << 24) | ((unsigned) buf[1] << 16) | ((unsigned) buf[2] << 8) | buf[3];
}

int64
pq_getmsgint64(StringInfo msg)
{
	uint64		hi = pq_getmsgint(msg, 4);
	uint64		lo = pq_getmsgint(msg, 4);

	return (int64) ((hi << 32) | lo);
}

void
pq_getmsgend(StringInfo msg)
{
	if (msg->cursor != msg->len)
		StubError("invalid message format");
}

void
pq_sendbytes(StringInfo buf, const char *data, int datalen)
{
	appendBinaryStringInfo(buf, data, datalen);
}

void
pq_copymsgbytes(StringInfo msg, char *buf, int datalen)
{
	if (datalen < 0 || datalen > (msg->len - msg->cursor))
		StubError("insufficient data left in message");
	memcpy(buf, &msg->data[msg->cursor], datalen);
	msg->cursor += datalen;
}

const char *
pq_getmsgbytes(StringInfo msg, int datalen)
{
	const char *result;

	if (datalen < 0 || datalen > (msg->len - msg->cursor))
		StubError("insufficient data left in message");
	result = &msg->data[msg->cursor];
	msg->cursor += datalen;
	return result;
}

/* ---------- dates and time zones (work_calendar) ---------- */

/* PostgreSQL's date2j and j2date (utils/adt/datetime.c), unchanged. */
int
date2j(int y, int m, int d)
{
	int			julian;
	int			century;

	if (m > 2)
	{
		m += 1;
		y += 4800;
	}
	else
	{
		m += 13;
		y += 4799;
	}
	century = y / 100;
	julian = y * 365 - 32167;
	julian += y / 4 - century + century / 4;
	julian += 7834 * m / 256 + d;
	return julian;
}

void
j2date(int jd, int *year, int *month, int *day)
{
	unsigned int julian;
	unsigned int quad;
	unsigned int extra;
	int			y;

	julian = jd;
	julian += 32044;
	quad = julian / 146097;
	extra = (julian - quad * 146097) * 4 + 3;
	julian += 60 + quad * 3 + extra / 146097;
	quad = julian / 1461;
	julian -= quad * 1461;
	y = julian * 4 / 1461;
	julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
	y += quad * 4;
	*year = y - 4800;
	quad = julian * 2141 / 65536;
	*day = julian - 7834 * quad / 256;
	*month = (quad + 10) % MONTHS_PER_YEAR + 1;
}

/* ASCII case-insensitive comparison of at most n bytes, as pg_strncasecmp. */
int
pg_strncasecmp(const char *s1, const char *s2, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		int			a = tolower((unsigned char) s1[i]);
		int			b = tolower((unsigned char) s2[i]);

		if (a != b)
			return a - b;
		if (a == 0)
			break;
	}
	return 0;
}

size_t
strlcpy(char *dst, const char *src, size_t siz)
{
	size_t		len = strlen(src);

	if (siz > 0)
	{
		size_t		n = len < siz - 1 ? len : siz - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* Error messages name times; here a placeholder will do. */
const char *
timestamptz_to_str(TimestampTz t)
{
	return "(a time)";
}

/*
 * Two zones stand in for the tz database: "UTC" (the offset never changes)
 * and "Fuzz/DST", whose offset alternates between +01:00 and +02:00 every
 * three and a half days, so that the working-time arithmetic crosses many
 * changes of offset.  Names match ignoring case, as pg_tzset's do.
 */
struct pg_tz
{
	char		name[16];
	bool		dst;
};
static struct pg_tz stub_utc = {"UTC", false};
static struct pg_tz stub_dst = {"Fuzz/DST", true};
#define STUB_DST_PERIOD ((pg_time_t) 7 * 43200)

pg_tz *
pg_tzset(const char *name)
{
	if (strlen(name) == 3 && pg_strncasecmp(name, "UTC", 3) == 0)
		return &stub_utc;
	if (strlen(name) == 8 && pg_strncasecmp(name, "Fuzz/DST", 8) == 0)
		return &stub_dst;
	return NULL;
}

bool
pg_tz_acceptable(pg_tz *tz)
{
	return true;
}

const char *
pg_get_timezone_name(pg_tz *tz)
{
	return tz->name;
}

/* The period of Fuzz/DST that t falls in (rounded down). */
static pg_time_t
StubPeriod(pg_time_t t)
{
	return t / STUB_DST_PERIOD - (t % STUB_DST_PERIOD < 0 ? 1 : 0);
}

/* The UTC offset in seconds of a stand-in zone at t. */
static long int
StubOffset(const pg_tz *tz, pg_time_t t)
{
	if (!tz->dst)
		return 0;
	return (StubPeriod(t) % 2 == 0) ? 3600 : 7200;
}

struct pg_tm *
pg_localtime(const pg_time_t *timep, const pg_tz *tz)
{
	static struct pg_tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_gmtoff = StubOffset(tz, *timep);
	return &tm;
}

int
pg_next_dst_boundary(const pg_time_t *timep, long int *before_gmtoff, int *before_isdst,
					 pg_time_t *boundary, long int *after_gmtoff, int *after_isdst,
					 const pg_tz *tz)
{
	*before_gmtoff = StubOffset(tz, *timep);
	*before_isdst = 0;
	if (!tz->dst)
		return 0;
	*boundary = (StubPeriod(*timep) + 1) * STUB_DST_PERIOD;
	*after_gmtoff = StubOffset(tz, *boundary);
	*after_isdst = 0;
	return 1;
}

/* ---------- transactions ---------- */

/* Each input is a statement of its own, started a microsecond after the last. */
static TimestampTz stub_statement_start = 0;

void
StubNewStatement(void)
{
	stub_statement_start++;
}

TimestampTz
GetCurrentStatementStartTimestamp(void)
{
	return stub_statement_start;
}

/* ---------- executor ---------- */

/*
 * window_funnel's sort of events past the memory budget takes the addresses
 * of these; its tuplesort and slot functions abort (stubs_abort.c), and no
 * budget is set here, so they are never read.
 */
const TupleTableSlotOps TTSOpsVirtual;
const TupleTableSlotOps TTSOpsMinimalTuple;

/* ---------- fmgr and friends ---------- */

struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	if (VARATT_IS_EXTENDED(datum))
		abort();				/* the harness only builds plain 4-byte-header values */
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	return pg_detoast_datum(datum);
}

Oid
get_fn_expr_argtype(FmgrInfo *flinfo, int argnum)
{
	return InvalidOid;			/* lead_stage, not an enum */
}

bool
type_is_enum(Oid typid)
{
	return false;
}

char *
format_type_be(Oid type_oid)
{
	return pstrdup("?");
}

int
AggCheckCallContext(FunctionCallInfo fcinfo, MemoryContext *aggcontext)
{
	if (aggcontext)
		*aggcontext = CurrentMemoryContext;
	return 1;					/* AGG_CONTEXT_AGGREGATE */
}

#undef qsort					/* port.h maps it to pg_qsort */
void
pg_qsort(void *base, size_t nel, size_t elsize, int (*cmp) (const void *, const void *))
{
	/* pg_qsort accepts (NULL, 0); the C library's qsort is declared nonnull */
	if (nel > 0)
		qsort(base, nel, elsize, cmp);
}

char *
text_to_cstring(const text *t)
{
	int			len = VARSIZE_ANY_EXHDR(t);
	char	   *r = palloc(len + 1);

	memcpy(r, VARDATA_ANY(t), len);
	r[len] = '\0';
	return r;
}

text *
cstring_to_text(const char *s)
{
	int			len = strlen(s);
	text	   *r = palloc(len + VARHDRSZ);

	SET_VARSIZE(r, len + VARHDRSZ);
	memcpy(VARDATA(r), s, len);
	return r;
}

Datum
DirectFunctionCall1Coll(PGFunction func, Oid collation, Datum arg1)
{
	LOCAL_FCINFO(fcinfo, 1);

	InitFunctionCallInfoData(*fcinfo, NULL, 1, collation, NULL, NULL);
	fcinfo->args[0].value = arg1;
	fcinfo->args[0].isnull = false;
	return func(fcinfo);
}

/* interval_justify_hours: the accessors' results are not inspected */
Datum
interval_justify_hours(PG_FUNCTION_ARGS)
{
	return PG_GETARG_DATUM(0);
}

ArrayType *
construct_array(Datum *elems, int nelems, Oid elmtype, int elmlen, bool elmbyval, char elmalign)
{
	return NULL;
}

/* ---------- encoding ---------- */

/* pg_mbcliplen for UTF-8: at most limit bytes, never cutting a character. */
int
pg_mbcliplen(const char *mbstr, int len, int limit)
{
	int			n = len < limit ? len : limit;

	if (n < len)
		while (n > 0 && ((unsigned char) mbstr[n] & 0xC0) == 0x80)
			n--;
	return n;
}
