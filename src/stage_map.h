/*
 * stage_map.h
 *		The stage vocabulary of a funnel: lead_stage, or a user enum whose
 *		sort order is its ladder.  Maps stage values to slots.
 */
#ifndef ALIGN_STAGE_MAP_H
#define ALIGN_STAGE_MAP_H

#include "postgres.h"
#include "fmgr.h"

#include "align.h"
#include "funnel.h"

typedef struct StageMap
{
	bool		is_enum;		/* a user enum, not lead_stage */
	Oid			enum_type;		/* the enum type, if is_enum */
	int			nstages;		/* ladder stages */
	int			noutcomes;		/* outcome slots after the ladder (0 or 3) */
	int			nvalues;		/* enum values: ladder stages and outcomes */
	Oid		   *by_pos;			/* ladder value OIDs in sort order (ladder.oids) */
	FunnelLadder ladder;		/* the enum's identity and declared outcomes, as a
								 * funnel keeps them */
	Oid		   *sorted_oids;	/* every enum value's OID ascending, for search */
	uint8	   *sorted_pos;		/* slot of sorted_oids[i] */
} StageMap;

/* Sets up the map for argument argno's type (lead_stage unless an enum), outcomes declared. */
extern void StageMapInit(StageMap *map, FmgrInfo *flinfo, int argno);

/*
 * Sets up the map, in cxt, for stages of type (lead_stage unless an enum).
 * outcomes: an enum's values declared outcomes in ladder_outcome are
 * outcome slots (funnels, window_funnel); else every value is a stage
 * (stage_stays, try_stage).
 */
extern void StageMapInitType(StageMap *map, Oid type, MemoryContext cxt, bool outcomes);

/* Sets up the map for an enum type (outcomes: see StageMapInitType). */
extern void StageMapInitEnum(StageMap *map, Oid enum_type, MemoryContext cxt, bool outcomes);

/* Sets up the map for the enum a stored ladder names, as it is now, outcomes declared. */
extern void StageMapInitNamed(StageMap *map, const FunnelLadder *ladder, MemoryContext cxt);

/* Sets up an empty funnel in cxt over a map's ladder (flags: FUNNEL_WITHIN or 0). */
extern void FunnelInitOnMap(Funnel *f, MemoryContext cxt, const StageMap *map,
							uint8 flags, int64 within_secs);

/* Slot of a stage value: ladder 0..nstages-1, outcomes after; -1 = ignored. */
extern int	StageMapSlot(const StageMap *map, Datum stage);

/* The matching key of an enum label (StageLabelKey), "" when it has none. */
typedef char LadderLabelKey[STAGE_LABEL_MAX + 1];

/* Fills keys[0..n-1] with the matching keys of a ladder's labels. */
extern void LadderLabelKeys(char *const *labels, int n, LadderLabelKey *keys);

/* LadderLabelMatch's answers besides a position. */
#define LADDER_LABEL_NONE		(-1)
#define LADDER_LABEL_AMBIGUOUS	(-2)

/*
 * Position of CRM text among a ladder's n labels: the label written
 * exactly, else the one label with the same matching key (keys from
 * LadderLabelKeys, or NULL to work them out here).
 */
extern int	LadderLabelMatch(char *const *labels, const LadderLabelKey *keys, int n,
							 const char *text);

#endif							/* ALIGN_STAGE_MAP_H */
