/*
 * plan_cost.c
 *		What the planner is told it costs to merge partial states of the
 *		aggregates whose states grow with their input: funnel (open leads),
 *		handoff_summary and stage_stays (rows).
 *
 * PostgreSQL charges a combine function its procost times cpu_operator_cost
 * per partial state it merges, as if a state were a number.  For these
 * aggregates that is far off: a parallel worker scans a slice of the table
 * in storage order, and a history in time order spreads each lead's events
 * over the whole table, so every worker's state holds most of the leads (or
 * all the rows it read), and the leader must receive and merge them all,
 * serially, after the workers are done.  With the default settings the
 * planner picked that plan for any table of a few hundred MB, and it was
 * measured 2 to 3.5 times slower than the serial plan (issue 12).
 *
 * The support function below gives the planner a cost it can see: merging
 * one partial state costs align.partial_merge_cost x cpu_tuple_cost per row
 * of the aggregate's input (the planner's estimate of the rows the grouping
 * step reads).  A parallel partial aggregate then costs more than the scan
 * it splits saves, and the planner keeps the serial plan, unless a user
 * lowers the setting (0 charges nothing: the plain procost, as before).
 *
 * funnel_combine is also rollup's transition function, and merging
 * finished funnels (counts and sketches) is cheap: when an aggregate of the
 * query uses the function as its transition function the support function
 * gives no estimate, and the planner charges the plain procost.
 *
 * A partial state is handed over flat, and PostgreSQL cannot pass a value
 * over 1 GB: a worker whose state grew past that would fail the query
 * (about 19 M open leads of a funnel, 44 M rows of handoff_summary).  So
 * the support function also estimates a worker's state, as if it read the
 * whole input (bytes per input row, by aggregate), and when that exceeds
 * align.max_partial_state (512 MB by default) it charges disable_cost: the
 * planner keeps such an aggregate serial whatever the other settings.  A
 * state that grows past the limit anyway (an estimate far off) raises a
 * clean error when it is flattened (CheckPartialStateSize).
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "optimizer/cost.h"
#include "optimizer/pathnode.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "settings.h"

/*
 * The planner's estimate of the rows the query's grouping step reads: the
 * rows of the relation that joins all of the query's base relations.
 */
static double
GroupingInputRows(PlannerInfo *root)
{
	RelOptInfo *rel = NULL;
	double		rows = 0;
	int			relid;

	if (root->all_baserels == NULL)
		return 0;
	if (bms_get_singleton_member(root->all_baserels, &relid))
		rel = find_base_rel(root, relid);
	else
		rel = find_join_rel(root, root->all_baserels);
	if (rel != NULL)
		return rel->rows;
	/* no such join relation (yet): the largest base relation */
	for (int i = 1; i < root->simple_rel_array_size; i++)
		if (root->simple_rel_array[i] != NULL)
			rows = Max(rows, root->simple_rel_array[i]->rows);
	return rows;
}

/*
 * Bytes a partial state of the aggregate whose combine function is funcid
 * takes per input row, at most: a funnel's open lead (hash and slots), a
 * handoff_summary or stage_stays row, a window_funnel event.
 */
static double
StateBytesPerRow(Oid funcid)
{
	char	   *name = get_func_name(funcid);
	double		bytes = 24;

	if (name != NULL && strcmp(name, "funnel_combine") == 0)
		bytes = 56;
	else if (name != NULL && strcmp(name, "window_funnel_combine") == 0)
		bytes = 16;
	if (name != NULL)
		pfree(name);
	return bytes;
}

PG_FUNCTION_INFO_V1(align_partial_merge_support);
/* Planner support of the combine functions: the cost of merging one partial state. */
Datum
align_partial_merge_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestCost *req;
	ListCell   *lc;
	double		rows;

	if (!IsA(rawreq, SupportRequestCost))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestCost *) rawreq;
	if (req->root == NULL || req->node != NULL)
		PG_RETURN_POINTER(NULL);
	foreach(lc, req->root->aggtransinfos)
	{
		/* the function is a transition function here (rollup): no estimate */
		if (((AggTransInfo *) lfirst(lc))->transfn_oid == req->funcid)
			PG_RETURN_POINTER(NULL);
	}
	rows = Max(GroupingInputRows(req->root), 1.0);
	req->startup = 0;
	req->per_tuple = Max(align_partial_merge_cost, 0) * cpu_tuple_cost * rows;
	/* a state the planner expects too large to hand over: keep the aggregate serial */
	if (rows * StateBytesPerRow(req->funcid) > (double) align_max_partial_state_kb * 1024)
		req->per_tuple += disable_cost;
	if (req->per_tuple <= 0)
		PG_RETURN_POINTER(NULL);
	PG_RETURN_POINTER(req);
}

/* See settings.h. */
void
CheckPartialStateSize(const char *what, Size bytes)
{
	Size		cap = Min((Size) align_max_partial_state_kb * 1024, MaxAllocSize);

	if (bytes > cap)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s partial state of %zu bytes is larger than align.max_partial_state (%zu bytes)",
						what, bytes, cap),
				 errdetail("A parallel worker hands its partial state over as one value, and a value "
						   "is at most 1 GB."),
				 errhint("The planner avoids such plans when it expects states this large: ANALYZE "
						 "the table, or run the query serially (SET max_parallel_workers_per_gather = 0).")));
}
