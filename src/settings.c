/*
 * settings.c
 *		align's settings (GUCs), defined when the library loads.
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "settings.h"

double		align_partial_merge_cost = 1.0;
int			align_max_partial_state_kb = 512 * 1024;
int			align_memory_budget_kb = -1;

void		_PG_init(void);

/* Defines the align.* settings. */
void
_PG_init(void)
{
	DefineCustomRealVariable("align.partial_merge_cost",
							 "Planner's cost of merging one partial state of funnel, handoff_summary "
							 "or stage_stays, per row of the aggregate's input, in units of cpu_tuple_cost.",
							 "Every parallel worker's state holds most of the leads it saw, so merging "
							 "states costs about what reading the rows did; 0 charges only the combine "
							 "function's procost, letting the planner choose parallel aggregation freely.",
							 &align_partial_merge_cost,
							 1.0, 0.0, 1000.0,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("align.max_partial_state",
							"Largest partial state of funnel, handoff_summary or stage_stays that a "
							"parallel worker may hand over.",
							"The planner does not choose a parallel partial aggregate whose states it "
							"estimates larger; a state that grows larger anyway is an error (54000) "
							"instead of a failed allocation.  At most 1 GB, the largest value "
							"PostgreSQL can pass.",
							&align_max_partial_state_kb,
							512 * 1024, 64, MaxAllocSize / 1024,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	DefineCustomIntVariable("align.memory_budget",
							"Memory one aggregate state of funnel, handoff_summary or stage_stays "
							"may hold before it spills to temporary files.",
							"-1 (the default) is what PostgreSQL gives a hash aggregate: work_mem "
							"times hash_mem_multiplier.",
							&align_memory_budget_kb,
							-1, -1, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("align");
}

/* See settings.h. */
Size
AlignMemoryBudget(void)
{
	if (align_memory_budget_kb >= 0)
		return (Size) align_memory_budget_kb * 1024;
	return get_hash_memory_limit();
}
