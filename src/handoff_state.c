/*
 * handoff_state.c
 *		handoff_state: the transition state of handoff_summary and
 *		stage_stays as a type of its own, so that the aggregates declared
 *		over it (concrete lead and owner types) run on Citus' shards.
 *
 * Citus pushes an aggregate to its workers only when the state is a real
 * type (not internal): each shard runs worker_partial_agg and ships the
 * state to the coordinator as text, through the type's output function,
 * and the coordinator reads it with the input function and merges with the
 * combine function.  While rows arrive the state is an expanded object
 * holding the same rows as the internal state (handoff_summary.c); its flat
 * form is the portable serialized state (no OIDs), its text form that in
 * base64, its binary form the same bytes.  Input checks everything: a
 * state is hostile input like any other value.
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "align.h"
#include "handoff_state.h"
#include "settings.h"

/* The expanded state: the rows, and the serialized form while being flattened. */
typedef struct ExpandedHS
{
	ExpandedObjectHeader hdr;
	HSState    *st;				/* in hdr.eoh_context */
	StringInfoData flat;		/* the serialized form, while flat_ready */
	bool		flat_ready;
} ExpandedHS;

/*
 * expanded object: size of the flat form, serialized once and kept until
 * the state changes (PostgreSQL asks for the size twice per tuple it forms,
 * then flattens)
 */
static Size
EHSGetFlatSize(ExpandedObjectHeader *eohptr)
{
	ExpandedHS *e = (ExpandedHS *) eohptr;
	MemoryContext old;

	if (e->flat_ready)
		return VARHDRSZ + e->flat.len;
	old = MemoryContextSwitchTo(e->hdr.eoh_context);
	initStringInfo(&e->flat);
	HSSerializeTo(e->st, &e->flat, true);
	e->flat_ready = true;
	MemoryContextSwitchTo(old);
	CheckPartialStateSize("handoff_summary", VARHDRSZ + (Size) e->flat.len);
	return VARHDRSZ + e->flat.len;
}

/* expanded object: writes the flat form get_flat_size prepared */
static void
EHSFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedHS *e = (ExpandedHS *) eohptr;

	Assert(e->flat_ready && allocated_size == VARHDRSZ + (Size) e->flat.len);
	SET_VARSIZE(result, VARHDRSZ + e->flat.len);
	memcpy(VARDATA(result), e->flat.data, e->flat.len);
}

/* Drops a state's serialized form: the state is about to change. */
static inline void
Changing(ExpandedHS *e)
{
	if (e->flat_ready)
	{
		pfree(e->flat.data);
		e->flat_ready = false;
	}
}

static const ExpandedObjectMethods hs_methods = {
	EHSGetFlatSize,
	EHSFlattenInto
};

/*
 * A new expanded state, without rows yet (st NULL), in the context the
 * states of the aggregate whose memory is aggcxt share (AlignStatesContext):
 * these functions never replace a state once it exists, they return the
 * same read-write object.
 */
static ExpandedHS *
ExpandedHSCreate(MemoryContext aggcxt)
{
	MemoryContext cxt = AlignStatesContext(aggcxt);
	ExpandedHS *e = MemoryContextAllocZero(cxt, sizeof(ExpandedHS));

	EOH_init_header(&e->hdr, &hs_methods, cxt);
	return e;
}

/*
 * Reads a flat state (varlena) into a new state in cxt, checking everything.
 * A state that ends too soon is reported as the corrupt value it is (the
 * message readers call it a protocol violation).
 */
static HSState *
ReadFlat(const struct varlena *flat, MemoryContext cxt)
{
	StringInfoData msg;
	HSState    *volatile st = NULL;
	MemoryContext caller = CurrentMemoryContext;

	InitStateMessage(&msg, unconstify(struct varlena *, flat));
	PG_TRY();
	{
		st = HSDeserializeFrom(&msg, cxt, false);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(caller);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_PROTOCOL_VIOLATION)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid handoff_summary state: %s", edata->message),
				 errdetail("The state ends before its last field.")));
	}
	PG_END_TRY();
	return st;
}

/* The expanded state behind d if it is one of ours, else NULL. */
static ExpandedHS *
AsExpanded(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &hs_methods)
		return (ExpandedHS *) DatumGetEOHP(d);
	return NULL;
}

/*
 * A state to read: the expanded one's rows, or a flat one read into the
 * current context.
 */
static HSState *
StateToRead(Datum d)
{
	ExpandedHS *e = AsExpanded(d);

	if (e != NULL)
		return e->st;
	return ReadFlat((struct varlena *) PG_DETOAST_DATUM(d), CurrentMemoryContext);
}

/*
 * The writable expanded state of an aggregate: d itself when the executor
 * hands back our read-write object, else a new one under aggcxt holding a
 * copy of d's rows.
 */
static ExpandedHS *
StateToWrite(Datum d, MemoryContext aggcxt)
{
	ExpandedHS *e = AsExpanded(d);
	ExpandedHS *copy;

	if (e != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return e;
	copy = ExpandedHSCreate(aggcxt);
	if (e != NULL)
		copy->st = HSCombine(HSNewLike(e->st, copy->hdr.eoh_context), e->st);
	else
		copy->st = ReadFlat((struct varlena *) PG_DETOAST_DATUM(d), copy->hdr.eoh_context);
	return copy;
}

PG_FUNCTION_INFO_V1(handoff_state_in);
/* Text input: base64 of the serialized state (white space ignored), checked as hostile input. */
Datum
handoff_state_in(PG_FUNCTION_ARGS)
{
	StringInfoData msg;
	struct varlena *flat;

	StateTextDecode(&msg, PG_GETARG_CSTRING(0), "handoff_state");
	flat = palloc(VARHDRSZ + msg.len);
	SET_VARSIZE(flat, VARHDRSZ + msg.len);
	memcpy(VARDATA(flat), msg.data, msg.len);
	(void) ReadFlat(flat, CurrentMemoryContext);	/* checks it */
	PG_RETURN_POINTER(flat);
}

PG_FUNCTION_INFO_V1(handoff_state_out);
/* Text output: the serialized state in base64. */
Datum
handoff_state_out(PG_FUNCTION_ARGS)
{
	struct varlena *flat = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_CSTRING(StateTextEncode(VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat)));
}

PG_FUNCTION_INFO_V1(handoff_state_recv);
/* Binary input: the serialized state, checked as hostile input. */
Datum
handoff_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	struct varlena *flat = palloc(VARHDRSZ + len);

	SET_VARSIZE(flat, VARHDRSZ + len);
	pq_copymsgbytes(buf, VARDATA(flat), len);
	(void) ReadFlat(flat, CurrentMemoryContext);	/* checks it */
	PG_RETURN_POINTER(flat);
}

PG_FUNCTION_INFO_V1(handoff_state_send);
/* Binary output: the serialized state. */
Datum
handoff_state_send(PG_FUNCTION_ARGS)
{
	struct varlena *flat = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_BYTEA_P(flat);
}

/* The transition shared by both aggregates: advance(fcinfo, rows, cxt). */
static Datum
Transition(FunctionCallInfo fcinfo, const char *fname,
		   HSState *(*advance) (FunctionCallInfo, HSState *, MemoryContext))
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, fname);
	ExpandedHS *e;

	if (PG_ARGISNULL(0))
		e = ExpandedHSCreate(aggcxt);
	else
		e = StateToWrite(PG_GETARG_DATUM(0), aggcxt);
	Changing(e);
	e->st = advance(fcinfo, e->st, e->hdr.eoh_context);
	return EOHPGetRWDatum(&e->hdr);
}

PG_FUNCTION_INFO_V1(handoff_state_trans);
/* Transition of handoff_summary over a handoff_state: keeps one row. */
Datum
handoff_state_trans(PG_FUNCTION_ARGS)
{
	return Transition(fcinfo, "handoff_summary", HandoffAdvance);
}

PG_FUNCTION_INFO_V1(stays_state_trans);
/* Transition of stage_stays over a handoff_state: keeps one row. */
Datum
stays_state_trans(PG_FUNCTION_ARGS)
{
	return Transition(fcinfo, "stage_stays", StaysAdvance);
}

PG_FUNCTION_INFO_V1(handoff_state_calendar_trans);
/* Transition of handoff_summary with a calendar over a handoff_state: keeps one row. */
Datum
handoff_state_calendar_trans(PG_FUNCTION_ARGS)
{
	return Transition(fcinfo, "handoff_summary", HandoffCalendarAdvance);
}

PG_FUNCTION_INFO_V1(stays_state_calendar_trans);
/* Transition of stage_stays with a calendar over a handoff_state: keeps one row. */
Datum
stays_state_calendar_trans(PG_FUNCTION_ARGS)
{
	return Transition(fcinfo, "stage_stays", StaysCalendarAdvance);
}

PG_FUNCTION_INFO_V1(handoff_state_combine);
/*
 * Combine of both aggregates over a handoff_state: appends the second
 * state's rows to the first (a new writable state under aggcxt if it is
 * NULL or not ours to write).
 */
Datum
handoff_state_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AlignAggContext(fcinfo, "handoff_state_combine");
	ExpandedHS *e;
	HSState    *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		return PG_GETARG_DATUM(0);
	}
	if (PG_ARGISNULL(0))
		return EOHPGetRWDatum(&StateToWrite(PG_GETARG_DATUM(1), aggcxt)->hdr);
	e = StateToWrite(PG_GETARG_DATUM(0), aggcxt);
	b = StateToRead(PG_GETARG_DATUM(1));
	Changing(e);
	e->st = HSCombine(e->st, b);
	return EOHPGetRWDatum(&e->hdr);
}

PG_FUNCTION_INFO_V1(handoff_state_final);
/* Final of handoff_summary over a handoff_state. */
Datum
handoff_state_final(PG_FUNCTION_ARGS)
{
	return HandoffSummaryResult(fcinfo, PG_ARGISNULL(0) ? NULL : StateToRead(PG_GETARG_DATUM(0)));
}

PG_FUNCTION_INFO_V1(stays_state_final);
/* Final of stage_stays over a handoff_state. */
Datum
stays_state_final(PG_FUNCTION_ARGS)
{
	return StageStaysResult(fcinfo, PG_ARGISNULL(0) ? NULL : StateToRead(PG_GETARG_DATUM(0)));
}
