/*
 * ladder_outcome.h
 *		The outcomes an enum ladder declares (the ladder_outcome table).
 */
#ifndef ALIGN_LADDER_OUTCOME_H
#define ALIGN_LADDER_OUTCOME_H

#include "postgres.h"

#include "funnel.h"

/* One declared outcome: an enum label and its outcome (0 recycled, 1 disqualified, 2 lost). */
typedef struct LadderOutcome
{
	char	   *label;
	int			outcome;
} LadderOutcome;

/*
 * The outcomes ladder_outcome declares for enum_type, in cxt, in *out
 * (room for FUNNEL_MAX_STAGES); their number.  None when align's table
 * is not there (while its install script runs).
 */
extern int	LadderOutcomesOf(Oid enum_type, MemoryContext cxt, LadderOutcome *out);

#endif							/* ALIGN_LADDER_OUTCOME_H */
