/*
 * callerless.h
 *		Calls of our aggregate support functions without a call expression
 *		(Citus' worker_partial_agg and coord_combine_agg): argument types
 *		from declarations, and a per-backend cache in place of fn_extra.
 */
#ifndef ALIGN_CALLERLESS_H
#define ALIGN_CALLERLESS_H

#include "postgres.h"
#include "fmgr.h"

/* True when called without a call expression. */
static inline bool
Callerless(FunctionCallInfo fcinfo)
{
	return fcinfo->flinfo->fn_expr == NULL;
}

/*
 * Type of argument argno of a transition or final function: the call
 * expression's, else the function's declared type, else (polymorphic) the
 * type the aggregate run on our behalf declares.  InvalidOid if none tells.
 */
extern Oid	CallArgType(FunctionCallInfo fcinfo, int argno);

/*
 * The cache of a callerless call, by function, wrapped aggregate and
 * collation, or NULL: then build one in CallerlessContext() and add it with
 * CallerlessCacheAdd.  The table is emptied when a transaction starts, and
 * when it is full (on a miss, before the build).
 */
extern void *CallerlessCacheFind(FunctionCallInfo fcinfo);
extern void CallerlessCacheAdd(FunctionCallInfo fcinfo, void *cache);

/* Where callerless caches keep what they point to. */
extern MemoryContext CallerlessContext(void);

/* The collation of a callerless call: the call's, else the default for a collatable type. */
extern Oid	CallerlessCollation(FunctionCallInfo fcinfo, Oid type);

/*
 * The call site's cache: in fn_extra, or for a call without a call
 * expression in the callerless table.  NULL when there is none yet: then
 * build one in *cxt and keep it with CallSiteCacheKeep.
 */
extern void *CallSiteCache(FunctionCallInfo fcinfo, MemoryContext *cxt);
extern void CallSiteCacheKeep(FunctionCallInfo fcinfo, void *cache);

#endif							/* ALIGN_CALLERLESS_H */
