/*
 * stage_map.c
 *		Maps stage values to funnel slots, for lead_stage and for any enum.
 *
 * lead_stage: the eight ladder stages are slots 0..7; recycled,
 * disqualified and lost are outcome slots 8..10; "other" is ignored.
 * An enum (up to 64 values): the values align.ladder_outcome declares
 * outcomes map to the three outcome slots after the ladder, by their
 * outcome (several values may share one); the other values are the ladder,
 * in the enum's sort order.  An enum that declares none has no outcome
 * slots.  stage_stays and try_stage ask for every value as a stage.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "align.h"
#include "pg_compat.h"
#include "funnel.h"
#include "ladder_outcome.h"
#include "stage_map.h"

/* One enum value while the map is built. */
typedef struct EnumItem
{
	Oid			oid;
	float4		sortorder;
	int			pos;			/* slot: ladder position, or nstages + outcome */
	int			outcome;		/* declared outcome (0..2), or -1 for a stage */
	const char *label;
} EnumItem;

/* qsort: by enum sort order. */
static int
CompareSortOrder(const void *a, const void *b)
{
	float4		x = ((const EnumItem *) a)->sortorder;
	float4		y = ((const EnumItem *) b)->sortorder;

	return (x > y) - (x < y);
}

/* qsort: by OID. */
static int
CompareOid(const void *a, const void *b)
{
	Oid			x = ((const EnumItem *) a)->oid;
	Oid			y = ((const EnumItem *) b)->oid;

	return (x > y) - (x < y);
}

/*
 * Sets up the map for an enum type.  outcomes: the values ladder_outcome
 * declares outcomes become outcome slots (all three, after the ladder),
 * the others the ladder in sort order; else every value is a stage.
 */
void
StageMapInitEnum(StageMap *map, Oid enum_type, MemoryContext cxt, bool outcomes)
{
	CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(enum_type));
	int			n = list->n_members;
	int			ndeclared = 0;
	int			nladder = 0;
	EnumItem   *items;
	LadderOutcome *declared = NULL;

	if (n < 1 || n > FUNNEL_MAX_STAGES)
	{
		ReleaseCatCacheList(list);
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("enum %s has %d values; a stage ladder has 1 to %d",
						format_type_be(enum_type), n, FUNNEL_MAX_STAGES)));
	}
	items = palloc(n * sizeof(EnumItem));
	for (int i = 0; i < n; i++)
	{
		Form_pg_enum e = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);

		items[i].oid = e->oid;
		items[i].sortorder = e->enumsortorder;
		items[i].label = MemoryContextStrdup(cxt, NameStr(e->enumlabel));
		items[i].outcome = -1;
	}
	ReleaseCatCacheList(list);
	if (outcomes)
	{
		declared = palloc(FUNNEL_MAX_STAGES * sizeof(LadderOutcome));
		ndeclared = LadderOutcomesOf(enum_type, CurrentMemoryContext, declared);
	}
	for (int d = 0; d < ndeclared; d++)
	{
		int			i = 0;

		while (i < n && strcmp(items[i].label, declared[d].label) != 0)
			i++;
		if (i == n)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("ladder_outcome declares \"%s\" an outcome of enum %s, which has no such value",
							declared[d].label, format_type_be(enum_type)),
					 errhint("Update or delete that row of ladder_outcome (was the value renamed?).")));
		items[i].outcome = declared[d].outcome;
	}

	qsort(items, n, sizeof(EnumItem), CompareSortOrder);
	map->is_enum = true;
	map->enum_type = enum_type;
	map->nvalues = n;
	map->noutcomes = ndeclared > 0 ? FUNNEL_MAX_OUTCOMES : 0;
	map->ladder.type_oid = enum_type;
	map->ladder.type_name = MemoryContextStrdup(cxt, format_type_be_qualified(enum_type));
	map->by_pos = map->ladder.oids;
	map->sorted_oids = MemoryContextAlloc(cxt, n * sizeof(Oid));
	map->sorted_pos = MemoryContextAlloc(cxt, n * sizeof(uint8));
	for (int i = 0; i < n; i++)
		if (items[i].outcome < 0)
			nladder++;
	if (nladder == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every value of enum %s is declared an outcome: its ladder has no stage",
						format_type_be(enum_type)),
				 errhint("Delete a row of ladder_outcome for it; at least one value must be a stage.")));
	map->nstages = nladder;
	map->ladder.nlisted = 0;
	nladder = 0;
	for (int i = 0; i < n; i++)
	{
		if (items[i].outcome < 0)
		{
			items[i].pos = nladder;
			map->by_pos[nladder] = items[i].oid;
			map->ladder.labels[nladder] = (char *) items[i].label;
			nladder++;
		}
		else
		{
			items[i].pos = map->nstages + items[i].outcome;
			map->ladder.outcome_labels[map->ladder.nlisted] = (char *) items[i].label;
			map->ladder.outcome_of[map->ladder.nlisted] = (uint8) items[i].outcome;
			map->ladder.nlisted++;
		}
	}
	qsort(items, n, sizeof(EnumItem), CompareOid);
	for (int i = 0; i < n; i++)
	{
		map->sorted_oids[i] = items[i].oid;
		map->sorted_pos[i] = (uint8) items[i].pos;
	}
	pfree(items);
	if (declared != NULL)
		pfree(declared);
}

/*
 * Sets up the map for the enum a stored ladder names, as the catalog has it
 * now: the type of that OID while it is still an enum (a renamed or moved
 * type), else the type of that name.  An error if there is none.
 */
void
StageMapInitNamed(StageMap *map, const FunnelLadder *ladder, MemoryContext cxt)
{
	Oid			type = InvalidOid;

	if (OidIsValid(ladder->type_oid) &&
		SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(ladder->type_oid)) &&
		type_is_enum(ladder->type_oid))
		type = ladder->type_oid;
	else
	{
		int32		typmod;

		/* missing_ok: InvalidOid when no such type */
		type = TypeOidFromString(ladder->type_name, &typmod, true);
	}
	if (!OidIsValid(type) || !type_is_enum(type))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the funnels' stage ladder, enum %s, no longer exists", ladder->type_name),
				 errdetail("Funnels over two versions of a ladder are merged through the enum as it is now.")));
	StageMapInitType(map, type, cxt, true);
}

/* Sets up the map for argument argno's type (lead_stage unless an enum). */
void
StageMapInit(StageMap *map, FmgrInfo *flinfo, int argno)
{
	StageMapInitType(map, argno >= 0 ? get_fn_expr_argtype(flinfo, argno) : InvalidOid,
					 flinfo->fn_mcxt, true);
}

/* Sets up the map, in cxt, for stages of type (lead_stage unless an enum; outcomes: see stage_map.h). */
void
StageMapInitType(StageMap *map, Oid type, MemoryContext cxt, bool outcomes)
{
	memset(map, 0, sizeof(StageMap));
	if (OidIsValid(type) && type_is_enum(type))
		StageMapInitEnum(map, type, cxt, outcomes);
	else
	{
		map->nstages = STAGE_LADDER_SIZE;
		map->noutcomes = STAGE_OUTCOMES;
	}
}

/* Slot of a stage value: ladder 0..nstages-1, outcomes after; -1 = ignored. */
int
StageMapSlot(const StageMap *map, Datum stage)
{
	if (!map->is_enum)
	{
		LeadStage	code = DatumGetLeadStage(stage);

		if (code >= STAGE_SUBSCRIBER && code <= STAGE_LOST)
			return code - 1;
		return -1;
	}
	else
	{
		Oid			oid = DatumGetObjectId(stage);
		int			lo = 0,
					hi = map->nvalues - 1;

		while (lo <= hi)
		{
			int			mid = (lo + hi) / 2;

			if (map->sorted_oids[mid] == oid)
				return map->sorted_pos[mid];
			if (map->sorted_oids[mid] < oid)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("enum value %u is not a value of %s", oid,
						format_type_be(map->enum_type))));
	}
	pg_unreachable();
}

/* Fills keys[0..n-1] with the matching keys of a ladder's labels ("" for none). */
void
LadderLabelKeys(char *const *labels, int n, LadderLabelKey *keys)
{
	for (int i = 0; i < n; i++)
		if (!StageLabelKey(labels[i], keys[i]))
			keys[i][0] = '\0';
}

/*
 * Position of CRM text among a ladder's n labels: the label as written,
 * else the one label whose matching key (StageLabelKey: white space around
 * it, case, spaces, "_" and "-" ignored) is text's; LADDER_LABEL_NONE when
 * none is, LADDER_LABEL_AMBIGUOUS when two or more are (enums have no
 * aliases).  keys: the labels' keys from LadderLabelKeys, or NULL.
 */
int
LadderLabelMatch(char *const *labels, const LadderLabelKey *keys, int n, const char *text)
{
	char		key[STAGE_LABEL_MAX + 1];
	int			found = LADDER_LABEL_NONE;

	for (int i = 0; i < n; i++)
		if (strcmp(labels[i], text) == 0)
			return i;
	if (!StageLabelKey(text, key))
		return LADDER_LABEL_NONE;
	for (int i = 0; i < n; i++)
	{
		LadderLabelKey own;

		if (keys == NULL && !StageLabelKey(labels[i], own))
			continue;
		if (strcmp(keys != NULL ? keys[i] : own, key) != 0)
			continue;
		if (found >= 0)
			return LADDER_LABEL_AMBIGUOUS;
		found = i;
	}
	return found;
}
