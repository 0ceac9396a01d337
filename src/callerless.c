/*
 * callerless.c
 *		Calls of our aggregate support functions without a call expression.
 *
 * Citus runs an aggregate on its shards through worker_partial_agg and on
 * the coordinator through coord_combine_agg: wrappers that call the
 * aggregate's transition, combine and final functions themselves, with no
 * call expression (so get_fn_expr_argtype knows nothing) and with a new
 * FmgrInfo, so an empty fn_extra, on every row.  The argument types then
 * come from declarations: the function's own, or, where that is polymorphic
 * ("any", anyenum, anyelement), the aggregate the wrapper names in its
 * first argument ('funnel(bigint, deal_stage, timestamptz)'::regprocedure),
 * which must be an aggregate of that function.  So a concrete aggregate
 * over a polymorphic transition function, such as one a user declares for
 * a custom ladder, works on Citus.  Caches live in a small per-backend
 * table instead of fn_extra, built once per function, aggregate, collation
 * and transaction.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "nodes/primnodes.h"
#include "storage/proc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "callerless.h"
#include "pg_compat.h"

#define CALLERLESS_SLOTS	16

typedef struct CallerlessSlot
{
	Oid			fn_oid;			/* the function called */
	Oid			aggregate;		/* the aggregate the wrapper names, or InvalidOid */
	Oid			collation;		/* the call's input collation */
	void	   *cache;			/* in callerless_cxt */
} CallerlessSlot;

static MemoryContext callerless_cxt = NULL;
static LocalTransactionId callerless_lxid = InvalidLocalTransactionId;
static CallerlessSlot slots[CALLERLESS_SLOTS];
static int	nslots = 0;

/*
 * The OID in the first argument of the Aggref running this call, when it is
 * a regprocedure (or oid) constant, as Citus' wrappers pass the aggregate
 * they run; InvalidOid otherwise.  Not checked: see WrappedAggregate.
 */
static Oid
NamedAggregate(FunctionCallInfo fcinfo)
{
	Aggref	   *ag = AggGetAggref(fcinfo);
	TargetEntry *te;
	Const	   *c;

	if (ag == NULL || ag->args == NIL)
		return InvalidOid;
	te = linitial_node(TargetEntry, ag->args);
	if (!IsA(te->expr, Const))
		return InvalidOid;
	c = (Const *) te->expr;
	if (c->constisnull ||
		(c->consttype != REGPROCEDUREOID && c->consttype != REGPROCOID && c->consttype != OIDOID))
		return InvalidOid;
	return DatumGetObjectId(c->constvalue);
}

/*
 * The aggregate a wrapper runs on our behalf: NamedAggregate, if it is an
 * aggregate whose transition, combine or final function is this call's.
 */
static Oid
WrappedAggregate(FunctionCallInfo fcinfo)
{
	Oid			agg = NamedAggregate(fcinfo);
	Oid			fn = fcinfo->flinfo->fn_oid;
	HeapTuple	tup;
	Form_pg_aggregate form;
	bool		ours;

	if (!OidIsValid(agg))
		return InvalidOid;
	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(agg));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	form = (Form_pg_aggregate) GETSTRUCT(tup);
	ours = form->aggtransfn == fn || form->aggcombinefn == fn || form->aggfinalfn == fn;
	ReleaseSysCache(tup);
	return ours ? agg : InvalidOid;
}

/* Declared type of argument argno of a function, if concrete; else InvalidOid. */
static Oid
DeclaredArgType(Oid fn, int argno)
{
	Oid		   *argtypes;
	int			nargs;
	Oid			type;

	if (argno < 0)
		return InvalidOid;
	(void) get_func_signature(fn, &argtypes, &nargs);
	type = argno < nargs ? argtypes[argno] : InvalidOid;
	pfree(argtypes);
	return (type == ANYOID || IsPolymorphicType(type)) ? InvalidOid : type;
}

/* See callerless.h. */
Oid
CallArgType(FunctionCallInfo fcinfo, int argno)
{
	Oid			type;
	Oid			agg;

	if (!Callerless(fcinfo))
		return get_fn_expr_argtype(fcinfo->flinfo, argno);
	type = DeclaredArgType(fcinfo->flinfo->fn_oid, argno);
	if (OidIsValid(type))
		return type;
	/* argument k >= 1 of a transition or final function is the aggregate's k - 1 */
	agg = WrappedAggregate(fcinfo);
	return OidIsValid(agg) ? DeclaredArgType(agg, argno - 1) : InvalidOid;
}

/* See callerless.h. */
MemoryContext
CallerlessContext(void)
{
	if (callerless_cxt == NULL)
		callerless_cxt = AllocSetContextCreate(TopMemoryContext, "align callerless caches",
											   ALLOCSET_SMALL_SIZES);
	return callerless_cxt;
}

/* See callerless.h. */
void *
CallerlessCacheFind(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	Oid			agg = NamedAggregate(fcinfo);
	Oid			collation = PG_GET_COLLATION();
	MemoryContext cxt = CallerlessContext();

	if (callerless_lxid != MyLocalTransactionId())
	{
		MemoryContextReset(cxt);
		nslots = 0;
		callerless_lxid = MyLocalTransactionId();
	}
	for (int i = 0; i < nslots; i++)
		if (slots[i].fn_oid == fn_oid && slots[i].aggregate == agg &&
			slots[i].collation == collation)
			return slots[i].cache;
	/* a miss: make room now, before the caller builds a cache in the context */
	if (nslots == CALLERLESS_SLOTS)
	{
		MemoryContextReset(cxt);
		nslots = 0;
	}
	return NULL;
}

/* See callerless.h. */
void
CallerlessCacheAdd(FunctionCallInfo fcinfo, void *cache)
{
	CallerlessSlot *s = &slots[nslots];

	Assert(nslots < CALLERLESS_SLOTS);
	s->fn_oid = fcinfo->flinfo->fn_oid;
	s->aggregate = NamedAggregate(fcinfo);
	s->collation = PG_GET_COLLATION();
	s->cache = cache;
	nslots++;
}

/* See callerless.h. */
Oid
CallerlessCollation(FunctionCallInfo fcinfo, Oid type)
{
	Oid			collation = PG_GET_COLLATION();

	/*
	 * Citus passes the row's fields without their collations: a collatable
	 * value is then taken under the database's default collation, as a
	 * column of it would be.
	 */
	if (!OidIsValid(collation) && OidIsValid(type) && type_is_collatable(type))
		collation = DEFAULT_COLLATION_OID;
	return collation;
}

PG_FUNCTION_INFO_V1(align_creating_extension);
/* True while CREATE or ALTER EXTENSION align runs its script. */
Datum
align_creating_extension(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(creating_extension &&
				   CurrentExtensionObject == get_extension_oid("align", true));
}

/* See callerless.h. */
void *
CallSiteCache(FunctionCallInfo fcinfo, MemoryContext *cxt)
{
	if (fcinfo->flinfo->fn_extra != NULL)
		return fcinfo->flinfo->fn_extra;
	if (Callerless(fcinfo))
	{
		*cxt = CallerlessContext();
		return CallerlessCacheFind(fcinfo);
	}
	*cxt = fcinfo->flinfo->fn_mcxt;
	return NULL;
}

/* See callerless.h. */
void
CallSiteCacheKeep(FunctionCallInfo fcinfo, void *cache)
{
	if (Callerless(fcinfo))
		CallerlessCacheAdd(fcinfo, cache);
	else
		fcinfo->flinfo->fn_extra = cache;
}
