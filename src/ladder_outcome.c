/*
 * ladder_outcome.c
 *		The outcomes an enum ladder declares: rows of align's ladder_outcome
 *		table (src/ladder_outcome.sql) name enum values that are exits
 *		(recycled, disqualified, lost), not ladder stages.  Funnels and
 *		window_funnel read them through the stage map (stage_map.c).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "commands/extension.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "align.h"
#include "pg_compat.h"
#include "ladder_outcome.h"
#include "stage_map.h"

/* ladder_outcome's columns */
#define ATT_LADDER	1
#define ATT_LABEL	2
#define ATT_OUTCOME	3

/* The schema align is installed in, or InvalidOid when it is not installed. */
static Oid
AlignSchema(void)
{
	Oid			ext = get_extension_oid("align", true);
	Oid			nsp = InvalidOid;
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(ext))
		return InvalidOid;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

/*
 * The outcomes ladder_outcome declares for enum_type, in cxt, in *out
 * (room for FUNNEL_MAX_STAGES); their number.  Read with the statement's
 * snapshot; callers cache the result for their query (for calls without a
 * call expression, Citus', for the transaction).
 */
int
LadderOutcomesOf(Oid enum_type, MemoryContext cxt, LadderOutcome *out)
{
	Oid			nsp = AlignSchema();
	Oid			relid = OidIsValid(nsp) ? get_relname_relid("ladder_outcome", nsp) : InvalidOid;
	Relation	rel;
	ScanKeyData key;
	TableScanDesc scan;
	TupleTableSlot *slot;
	Snapshot	snap;
	int			n = 0;

	if (!OidIsValid(relid))
		return 0;
	rel = table_open(relid, AccessShareLock);
	snap = RegisterSnapshot(ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot());
	ScanKeyInit(&key, ATT_LADDER, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(enum_type));
	scan = table_beginscan(rel, snap, 1, &key);
	slot = table_slot_create(rel, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		bool		isnull_label,
					isnull_outcome;
		Datum		label = slot_getattr(slot, ATT_LABEL, &isnull_label);
		Datum		outcome = slot_getattr(slot, ATT_OUTCOME, &isnull_outcome);
		LeadStage	code = isnull_outcome ? 0 : DatumGetLeadStage(outcome);

		/* the table's NOT NULL and CHECK constraints keep these out */
		if (isnull_label || code < STAGE_RECYCLED || code > STAGE_LOST)
			continue;
		if (n == FUNNEL_MAX_STAGES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("ladder_outcome declares more than %d outcomes for enum %s",
							FUNNEL_MAX_STAGES, format_type_be(enum_type))));
		out[n].label = MemoryContextStrdup(cxt, TextDatumGetCString(label));
		out[n].outcome = code - STAGE_RECYCLED;
		n++;
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snap);
	table_close(rel, AccessShareLock);
	return n;
}

PG_FUNCTION_INFO_V1(ladder_outcome_valid);
/*
 * ladder_outcome's CHECK: true for a row naming an enum, one of its values
 * (as the enum spells it) and an outcome; else an error saying which part
 * is wrong and what is accepted.
 */
Datum
ladder_outcome_valid(PG_FUNCTION_ARGS)
{
	Oid			type = PG_GETARG_OID(0);
	char	   *label = text_to_cstring(PG_GETARG_TEXT_PP(1));
	LeadStage	outcome = PG_GETARG_LEAD_STAGE(2);
	CatCList   *list;
	StringInfoData values;
	bool		found = false;

	if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(type)) || !type_is_enum(type))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("ladder_outcome: type %s is not an enum",
						SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(type))
						? format_type_be(type) : psprintf("%u", type)),
				 errhint("Outcomes are declared for enum ladders; lead_stage has its own "
						 "(recycled, disqualified, lost).")));
	if (outcome < STAGE_RECYCLED || outcome > STAGE_LOST)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ladder_outcome: \"%s\" is not an outcome", LeadStageName(outcome)),
				 errhint("An outcome is recycled, disqualified or lost.")));
	list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(type));
	for (int i = 0; i < list->n_members; i++)
		found |= strcmp(NameStr(((Form_pg_enum) GETSTRUCT(&list->members[i]->tuple))->enumlabel),
						label) == 0;
	ReleaseCatCacheList(list);
	if (!found)
	{
		StageMap	map;

		/* the enum's values in its sort order, for the hint */
		StageMapInitEnum(&map, type, CurrentMemoryContext, false);
		initStringInfo(&values);
		for (int i = 0; i < map.nstages; i++)
			appendStringInfo(&values, "%s\"%s\"", i > 0 ? ", " : "", map.ladder.labels[i]);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ladder_outcome: enum %s has no value \"%s\"",
						format_type_be(type), label),
				 errhint("Name the value exactly as the enum spells it: %s.", values.data)));
	}
	PG_RETURN_BOOL(true);
}

/*
 * Raises 42501 unless the current role may declare the outcomes of type
 * (a member of its owner's role; a superuser).  A type that no longer
 * exists passes: anyone may delete its rows, and the CHECK constraint
 * refuses new ones.
 */
static void
CheckDeclarer(Oid type)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return;
	owner = ((Form_pg_type) GETSTRUCT(tup))->typowner;
	ReleaseSysCache(tup);
	if (!has_privs_of_role(GetUserId(), owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to change the outcomes of %s", format_type_be(type)),
				 errdetail("Only members of its owner's role, %s, declare an enum's outcomes.",
						   GetUserNameFromId(owner, false))));
}

/*
 * CheckDeclarer for the enum a row of ladder_outcome names (read with
 * heap_deform_tuple: the heap_getattr of Debian's 17 headers calls a
 * function other 17 servers do not export).
 */
static void
CheckRowDeclarer(HeapTuple row, Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *values = palloc(desc->natts * sizeof(Datum));
	bool	   *nulls = palloc(desc->natts * sizeof(bool));

	heap_deform_tuple(row, desc, values, nulls);
	if (!nulls[ATT_LADDER - 1])
		CheckDeclarer(DatumGetObjectId(values[ATT_LADDER - 1]));
	pfree(values);
	pfree(nulls);
}

PG_FUNCTION_INFO_V1(ladder_outcome_guard);
/*
 * ladder_outcome's row trigger: a row is added, changed or deleted only by
 * a member of the owner's role of the enum it names (before and after an
 * UPDATE).  Everyone may read the table (and pg_dump it).
 */
Datum
ladder_outcome_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_BEFORE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("ladder_outcome_guard runs only as ladder_outcome's BEFORE ROW trigger")));
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event) || TRIGGER_FIRED_BY_DELETE(td->tg_event))
		CheckRowDeclarer(td->tg_trigtuple, td->tg_relation);
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		HeapTuple	row = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;

		CheckRowDeclarer(row, td->tg_relation);
		return PointerGetDatum(row);
	}
	return PointerGetDatum(td->tg_trigtuple);
}
