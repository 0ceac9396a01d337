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
#include "datatype/timestamp.h"
#include "lib/stringinfo.h"

/* The rows kept so far and the arguments every row shares (opaque here). */
typedef struct HSState HSState;

/* One row: whose, when, by whom. */
typedef struct HSEvent
{
	uint64		lead;			/* hash of the lead key */
	TimestampTz at;
	uint64		owner;			/* handoff_summary: owner number + 1, 0 = NULL
								 * owner; stage_stays, pipeline: the stage
								 * code (an enum's: its position in sort
								 * order + 1) */
} HSEvent;

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

/*
 * The row store for other aggregates over stage rows (pipeline.c): a new
 * state in cxt of stage codes 1..codes of a ladder (InvalidOid:
 * lead_stage); one row added (spilling past the budget); its rows; its
 * memory budget; an error (XX001) unless st holds stage rows of that
 * ladder; walk called on the rows sorted by lead, time and code, in
 * segments that never split a lead.
 */
extern HSState *HSNewStageRows(MemoryContext cxt, Oid stage_enum, int32 codes);
extern void HSAddStageRow(HSState *st, uint64 lead, TimestampTz at, uint64 code);
extern int64 HSRowCount(const HSState *st);
extern Size HSBudget(const HSState *st);
extern void HSCheckStageRows(const HSState *st, Oid stage_enum, int32 codes, const char *fname);
extern void HSWalkLeads(HSState *st, void (*walk) (const HSEvent *ev, int64 n, void *arg),
						void *arg);

/*
 * The row store of attribution (attribution.c): rows of owners (channels:
 * owner number + 1, 0 = NULL; ranks once walked) and lead_stage rows
 * (HS_STAGE_ROW | stage code), which sort after the owner rows of their
 * time.  A new store in cxt of owners of owner_type; a touch row (the
 * owner's hash and value; NULL: owner_null); the serialized form read
 * back; the owners ranked in value order (as the walk sees them), their
 * values by rank in by_rank (NULL: not wanted), their number returned;
 * their number; their type.
 */
#define HS_STAGE_ROW	((uint64) 1 << 40)
extern HSState *HSNewTouchRows(MemoryContext cxt, Oid owner_type, Oid owner_collation);
extern void HSAddTouchRow(HSState *st, uint64 lead, TimestampTz at, bool owner_null,
						  uint64 owner_hash, Datum owner, int16 typlen, bool typbyval);
extern HSState *HSDeserializeTouchRows(StringInfo msg, MemoryContext cxt, bool allow_raw);
extern int32 HSRankOwners(HSState *st, Datum *by_rank);
extern int32 HSOwnerCount(const HSState *st);
extern Oid	HSOwnerType(const HSState *st);

#endif							/* ALIGN_HANDOFF_STATE_H */
