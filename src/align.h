/*
 * align.h
 *		Shared declarations of the align extension: the lead_stage type and
 *		the stage ladder every other part of align reads.
 */
#ifndef ALIGN_H
#define ALIGN_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"

/*
 * A lead_stage is one byte: its position in the sort order, 1..12.  Codes
 * 1..8 are the ladder (code == rank), 9..12 the off-ladder outcomes, which
 * sort after the ladder.  0 is never a valid value.
 */
typedef uint8 LeadStage;

#define STAGE_SUBSCRIBER	1
#define STAGE_LEAD			2
#define STAGE_MQL			3
#define STAGE_SAL			4
#define STAGE_SQL			5
#define STAGE_OPPORTUNITY	6
#define STAGE_CUSTOMER		7
#define STAGE_EVANGELIST	8
#define STAGE_RECYCLED		9
#define STAGE_DISQUALIFIED	10
#define STAGE_LOST			11
#define STAGE_OTHER			12

#define STAGE_LADDER_SIZE	8	/* ranked stages */
#define STAGE_COUNT			12	/* all values */
#define STAGE_OUTCOMES		3	/* recycled, disqualified, lost: tracked exits */

#define DatumGetLeadStage(X)	((LeadStage) DatumGetUInt8(X))
#define LeadStageGetDatum(X)	UInt8GetDatum(X)
#define PG_GETARG_LEAD_STAGE(n)	DatumGetLeadStage(PG_GETARG_DATUM(n))
#define PG_RETURN_LEAD_STAGE(x)	return LeadStageGetDatum(x)

/* Canonical lower-case name of a valid stage code. */
extern const char *LeadStageName(LeadStage code);

/* Team that owns a stage ("marketing", "sales", "success"), or NULL. */
extern const char *LeadStageTeam(LeadStage code);

/* Longest matching key of a stage label; longer input cannot be a stage. */
#define STAGE_LABEL_MAX 64

/* Parses CRM text into a stage code; raises 22P02 on anything unknown. */
extern LeadStage LeadStageParse(const char *str, const char *typname);

/* The stage code CRM text names, or 0 if none: LeadStageParse that never fails. */
extern LeadStage LeadStageLookup(const char *str);

/* The matching key of CRM text: trimmed, lower-cased, without spaces, "_", "-". */
extern bool StageLabelKey(const char *str, char *buf);

/* A large array in cxt, on huge pages when it is big; *alloc is what to pfree. */
extern void *AllocLarge(MemoryContext cxt, Size size, void **alloc);
extern void AdviseHuge(void *p, Size size);

/* The aggregate's memory context; an error when fname runs outside an aggregate. */
extern MemoryContext AlignAggContext(FunctionCallInfo fcinfo, const char *fname);

/* A combine's NULL sides: true with *result set when either state is NULL (see memory.c). */
extern bool AlignCombineNull(FunctionCallInfo fcinfo, const char *fname, Datum *result);

/* The context the never-replaced expanded states of one aggregate share, under aggcxt. */
extern MemoryContext AlignStatesContext(MemoryContext aggcxt);

/* Sets msg up to read a serialized aggregate state in place. */
extern void InitStateMessage(StringInfo msg, bytea *data);

/* The text form of a serialized aggregate state (base64): decoded into msg, encoded. */
extern void StateTextDecode(StringInfo msg, const char *in, const char *typname);
extern char *StateTextEncode(const char *data, int len);

#endif							/* ALIGN_H */
