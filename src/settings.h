/*
 * settings.h
 *		align's settings (GUCs), defined in settings.c when the library loads.
 */
#ifndef ALIGN_SETTINGS_H
#define ALIGN_SETTINGS_H

/* align.partial_merge_cost: see plan_cost.c */
extern double align_partial_merge_cost;

/* align.memory_budget, in kB; -1: work_mem x hash_mem_multiplier */
extern int	align_memory_budget_kb;

/* The memory an aggregate state may hold before it spills, in bytes. */
extern Size AlignMemoryBudget(void);

/* align.max_partial_state, in kB: see plan_cost.c */
extern int	align_max_partial_state_kb;

/*
 * Raises 54000 when a partial state of what (funnel, handoff_summary, ...)
 * would take bytes to hand over, more than align.max_partial_state.
 */
extern void CheckPartialStateSize(const char *what, Size bytes);

#endif							/* ALIGN_SETTINGS_H */
