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
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"

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

PG_FUNCTION_INFO_V1(align_partial_merge_support);
/* Planner support of the combine functions: the cost of merging one partial state. */
Datum
align_partial_merge_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestCost *req;
	ListCell   *lc;

	if (!IsA(rawreq, SupportRequestCost))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestCost *) rawreq;
	if (req->root == NULL || req->node != NULL || align_partial_merge_cost <= 0)
		PG_RETURN_POINTER(NULL);
	foreach(lc, req->root->aggtransinfos)
	{
		/* the function is a transition function here (rollup): no estimate */
		if (((AggTransInfo *) lfirst(lc))->transfn_oid == req->funcid)
			PG_RETURN_POINTER(NULL);
	}
	req->startup = 0;
	req->per_tuple = align_partial_merge_cost * cpu_tuple_cost *
		Max(GroupingInputRows(req->root), 1.0);
	PG_RETURN_POINTER(req);
}
