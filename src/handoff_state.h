/*
 * handoff_state.h
 *		The rows handoff_summary and stage_stays keep (handoff_summary.c),
 *		and the handoff_state type that carries them between processes and
 *		servers (handoff_state.c).
 */
#ifndef ALIGN_HANDOFF_STATE_H
#define ALIGN_HANDOFF_STATE_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"

/* The rows kept so far and the arguments every row shares (opaque here). */
typedef struct HSState HSState;

/* Keeps one row of the call in st (NULL: a new state in cxt); returns the state. */
extern HSState *HandoffAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt);
extern HSState *StaysAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt);

/* The same, with a calendar as the call's last argument. */
extern HSState *HandoffCalendarAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt);
extern HSState *StaysCalendarAdvance(FunctionCallInfo fcinfo, HSState *st, MemoryContext cxt);

/* Appends b's rows to a; returns a. */
extern HSState *HSCombine(HSState *a, const HSState *b);

/* A new state in cxt with b's arguments and owner type, and no rows. */
extern HSState *HSNewLike(const HSState *b, MemoryContext cxt);

/*
 * The serialized form (portable: no OIDs, owners as text): written to buf,
 * read into a new state in cxt (raw owners only when allow_raw).
 */
extern void HSSerializeTo(const HSState *st, StringInfo buf, bool portable);
extern HSState *HSDeserializeFrom(StringInfo msg, MemoryContext cxt, bool allow_raw);

/* The aggregates' results over st (NULL: no rows). */
extern Datum HandoffSummaryResult(FunctionCallInfo fcinfo, HSState *st);
extern Datum StageStaysResult(FunctionCallInfo fcinfo, HSState *st);

#endif							/* ALIGN_HANDOFF_STATE_H */
