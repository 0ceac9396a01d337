/*
 * harness.c
 *		libFuzzer entry point: align's input and state parsers, and every
 *		accessor on what they accept, outside the server (stubs.c), under
 *		AddressSanitizer and UBSan.
 *
 * The first byte of an input picks the target, the rest is its data:
 *	 0  lead_stage_in (text, up to the first NUL)
 *	 1  lead_stage_recv (binary)
 *	 2  funnel_recv (binary), then every accessor, funnel_out, funnel_send
 *		(whose output must read back to the same flat bytes), merging the
 *		funnel with itself and closing its open leads
 *	 3  window_funnel_deserialize, then window_funnel_final
 *	 4  work_calendar_in (text, up to the first NUL), then the calendar checks
 *	 5  work_calendar_recv (binary), then the calendar checks: out then in,
 *		and send then recv, give the same bytes; the working-time
 *		arithmetic at times taken from the input keeps its invariants
 *		(stubs.c stands in two zones for the tz database: UTC and Fuzz/DST)
 * An ERROR is a normal outcome (the stub longjmps back here); a crash, an
 * ASan or UBSan report, or a round trip that changes the value is a bug.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/primnodes.h"

#include "align.h"
#include "calendar.h"
#include "funnel.h"
#include "interval_rule.h"
#include "stubs.h"

extern Datum lead_stage_in(PG_FUNCTION_ARGS);
extern Datum lead_stage_recv(PG_FUNCTION_ARGS);
extern Datum funnel_recv(PG_FUNCTION_ARGS);
extern Datum funnel_send(PG_FUNCTION_ARGS);
extern Datum funnel_out(PG_FUNCTION_ARGS);
extern Datum funnel_reached(PG_FUNCTION_ARGS);
extern Datum funnel_conversion(PG_FUNCTION_ARGS);
extern Datum funnel_conversion_interval(PG_FUNCTION_ARGS);
extern Datum funnel_time_to_convert(PG_FUNCTION_ARGS);
extern Datum window_funnel_deserialize(PG_FUNCTION_ARGS);
extern Datum window_funnel_final(PG_FUNCTION_ARGS);
extern Datum work_calendar_in(PG_FUNCTION_ARGS);
extern Datum work_calendar_out(PG_FUNCTION_ARGS);
extern Datum work_calendar_recv(PG_FUNCTION_ARGS);
extern Datum work_calendar_send(PG_FUNCTION_ARGS);

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Calls f with up to four arguments, none NULL, from a call expression as a
 * query's call is (not callerless, as Citus calls: callerless.c is not
 * linked).  Nothing reads the expression: get_fn_expr_argtype is a stub.
 */
static Datum
Call(PGFunction f, int nargs, Datum a0, Datum a1, Datum a2, Datum a3)
{
	static FuncExpr call_expr = {.xpr.type = T_FuncExpr};
	LOCAL_FCINFO(fcinfo, 4);
	FmgrInfo	flinfo;

	memset(&flinfo, 0, sizeof(flinfo));
	flinfo.fn_mcxt = CurrentMemoryContext;
	flinfo.fn_expr = (Node *) &call_expr;
	flinfo.fn_nargs = nargs;
	InitFunctionCallInfoData(*fcinfo, &flinfo, nargs, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = a0;
	fcinfo->args[1].value = a1;
	fcinfo->args[2].value = a2;
	fcinfo->args[3].value = a3;
	for (int i = 0; i < 4; i++)
		fcinfo->args[i].isnull = false;
	return f(fcinfo);
}

/* A StringInfo over bytes, as a binary COPY field reaches recv. */
static StringInfoData
Message(const uint8_t *data, size_t size)
{
	StringInfoData msg;

	msg.data = palloc(size + 1);
	memcpy(msg.data, data, size);
	msg.data[size] = '\0';
	msg.len = (int) size;
	msg.maxlen = (int) size + 1;
	msg.cursor = 0;
	return msg;
}

/* Each accessor on a funnel that parsed; an ERROR ends this one only. */
static void
Accessors(Datum f)
{
	static const double fractions[] = {0.0, 0.5, 0.9, 1.0};
	sigjmp_buf	jmp;
	sigjmp_buf *saved = stub_error_jmp;
	volatile int step = 0;

	stub_error_jmp = &jmp;
	sigsetjmp(jmp, 0);
	/* resume after the call that raised: every step runs at most once */
	while (step < 11 + 8 * 8 * 3)
	{
		int			s = step++;

		if (s < 11)
			(void) Call(funnel_reached, 2, f, LeadStageGetDatum(s + 1), 0, 0);
		else
		{
			int			k = s - 11;
			int			from = k / 24 + 1,
						to = (k / 3) % 8 + 1;

			switch (k % 3)
			{
				case 0:
					(void) Call(funnel_conversion, 3, f, LeadStageGetDatum(from), LeadStageGetDatum(to), 0);
					break;
				case 1:
					(void) Call(funnel_conversion_interval, 4, f, LeadStageGetDatum(from),
								LeadStageGetDatum(to), Float8GetDatum(0.95));
					break;
				default:
					(void) Call(funnel_time_to_convert, 4, f, LeadStageGetDatum(from),
								LeadStageGetDatum(to), Float8GetDatum(fractions[(from + to) % 4]));
			}
		}
	}
	stub_error_jmp = saved;
}

/* funnel_recv, then everything else on what it accepted. */
static void
FuzzFunnel(const uint8_t *data, size_t size)
{
	StringInfoData msg = Message(data, size);
	struct varlena *flat = (struct varlena *) DatumGetPointer(Call(funnel_recv, 1, PointerGetDatum(&msg), 0, 0, 0));
	bytea	   *sent;
	StringInfoData again;
	struct varlena *flat2;
	Funnel	   *a;
	Funnel	   *b;
	Funnel		closed;

	/* send, then recv: the same flat bytes */
	sent = (bytea *) DatumGetPointer(Call(funnel_send, 1, PointerGetDatum(flat), 0, 0, 0));
	again = Message((const uint8_t *) VARDATA(sent), VARSIZE(sent) - VARHDRSZ);
	flat2 = (struct varlena *) DatumGetPointer(Call(funnel_recv, 1, PointerGetDatum(&again), 0, 0, 0));
	if (VARSIZE(flat) != VARSIZE(flat2) || memcmp(flat, flat2, VARSIZE(flat)) != 0)
		abort();
	(void) Call(funnel_out, 1, PointerGetDatum(flat), 0, 0, 0);

	Accessors(PointerGetDatum(flat));

	/* rollup with itself, then close the open leads as funnel_final does */
	a = FunnelFromDatum(PointerGetDatum(flat), CurrentMemoryContext);
	b = FunnelFromDatum(PointerGetDatum(flat2), CurrentMemoryContext);
	FunnelMerge(a, b);
	FunnelInit(&closed, CurrentMemoryContext, a->flags, a->nstages, a->noutcomes, a->within_secs);
	FunnelCloseInto(&closed, a);
	FunnelValidate(&closed);
	(void) FunnelFlatten(&closed);
}

/* window_funnel_deserialize, then window_funnel_final. */
static void
FuzzWindowFunnel(const uint8_t *data, size_t size)
{
	bytea	   *b = palloc(size + VARHDRSZ);
	Datum		state;

	SET_VARSIZE(b, size + VARHDRSZ);
	memcpy(VARDATA(b), data, size);
	state = Call(window_funnel_deserialize, 2, PointerGetDatum(b), 0, 0, 0);
	(void) Call(window_funnel_final, 4, state, 0, 0, 0);
}

/* Aborts unless two varlenas are the same bytes. */
static void
SameBytes(Datum a, Datum b)
{
	struct varlena *x = (struct varlena *) DatumGetPointer(a);
	struct varlena *y = (struct varlena *) DatumGetPointer(b);

	if (VARSIZE(x) != VARSIZE(y) || memcmp(x, y, VARSIZE(x)) != 0)
		abort();
}

/*
 * A time inside align's range from eight bytes of the input (or of the
 * input's length, when it is short), minute-aligned half the time.
 */
static TimestampTz
TimeOf(const uint8_t *data, size_t size, int k)
{
	uint64		v = 0x9E3779B97F4A7C15ULL * (uint64) (k + 1) + size;
	TimestampTz t;

	for (size_t i = 0; i < 8 && i + 8 * k < size; i++)
		v = (v << 8 | data[i + 8 * k]) * 0x100000001B3ULL;
	t = ALIGN_TIME_MIN + (TimestampTz) (v % (uint64) (ALIGN_TIME_END - ALIGN_TIME_MIN));
	return (v & 1) ? t - t % USECS_PER_MINUTE : t;
}

/* The calendar checks: round trips, then the arithmetic's invariants. */
static void
CalendarChecks(Datum cal, const uint8_t *data, size_t size)
{
	char	   *text = DatumGetCString(Call(work_calendar_out, 1, cal, 0, 0, 0));
	bytea	   *sent = (bytea *) DatumGetPointer(Call(work_calendar_send, 1, cal, 0, 0, 0));
	StringInfoData again = Message((const uint8_t *) VARDATA(sent), VARSIZE(sent) - VARHDRSZ);
	const Calendar *c;
	sigjmp_buf	jmp;
	sigjmp_buf *saved = stub_error_jmp;
	volatile int step = 0;

	SameBytes(cal, Call(work_calendar_in, 1, CStringGetDatum(text), 0, 0, 0));
	SameBytes(cal, Call(work_calendar_recv, 1, PointerGetDatum(&again), 0, 0, 0));
	c = CalendarExpand(cal, CurrentMemoryContext);

	stub_error_jmp = &jmp;
	sigsetjmp(jmp, 0);
	/* resume after the step that raised: every step runs at most once */
	while (step < 8)
	{
		int			k = step++;
		TimestampTz a = TimeOf(data, size, 2 * k);
		TimestampTz b = TimeOf(data, size, 2 * k + 1);
		TimestampTz from = Min(a, b);
		TimestampTz to = Max(a, b);
		int64		work;
		TimestampTz t;

		/* short spans half the time: their ends fall in different places */
		if (k % 2 == 0 && to - from > 10 * USECS_PER_DAY)
			to = from + (to - from) % (10 * USECS_PER_DAY);
		work = CalendarWorkingTime(c, from, to);
		if (work < 0 || work > to - from)
			abort();
		/* the deadline of the span's work is inside it and the earliest */
		t = CalendarDeadline(c, from, work, "fuzz");
		if (t < from || t > to || CalendarWorkingTime(c, from, t) != work ||
			(work > 0 && CalendarWorkingTime(c, from, t - 1) != work - 1))
			abort();
		/* the next opening is working time, with none before it */
		t = CalendarNextOpening(c, from, "fuzz");
		if (t < from || !CalendarIsWorking(c, t) || CalendarWorkingTime(c, from, t) != 0)
			abort();
	}
	stub_error_jmp = saved;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sigjmp_buf	jmp;

	if (size < 1)
		return 0;
	StubNewStatement();
	stub_error_jmp = &jmp;
	if (sigsetjmp(jmp, 0) == 0)
	{
		switch (data[0] % 6)
		{
			case 0:
				{
					char	   *s = palloc(size);

					memcpy(s, data + 1, size - 1);
					s[size - 1] = '\0';
					(void) Call(lead_stage_in, 1, CStringGetDatum(s), 0, 0, 0);
					break;
				}
			case 1:
				{
					StringInfoData msg = Message(data + 1, size - 1);

					(void) Call(lead_stage_recv, 1, PointerGetDatum(&msg), 0, 0, 0);
					break;
				}
			case 2:
				FuzzFunnel(data + 1, size - 1);
				break;
			case 3:
				FuzzWindowFunnel(data + 1, size - 1);
				break;
			case 4:
				{
					char	   *s = palloc(size);

					memcpy(s, data + 1, size - 1);
					s[size - 1] = '\0';
					CalendarChecks(Call(work_calendar_in, 1, CStringGetDatum(s), 0, 0, 0),
								   data + 1, size - 1);
					break;
				}
			default:
				{
					StringInfoData msg = Message(data + 1, size - 1);

					CalendarChecks(Call(work_calendar_recv, 1, PointerGetDatum(&msg), 0, 0, 0),
								   data + 1, size - 1);
				}
		}
	}
	StubResetMemory();
	return 0;
}
