/*
 * try_stage.c
 *		try_stage(label [, ladder]): the stage a CRM label names, or NULL
 *		when it names none, so that one unknown label does not fail a whole
 *		report and the labels that do not map can be listed in one query.
 *
 * For lead_stage the label is read exactly as lead_stage's input reads it
 * (stage.c: surrounding white space, case, spaces, "_" and "-" ignored, the
 * aliases of lead_stages()).  For an enum ladder, named by the type of the
 * second argument (NULL::deal_stage), the label is one of the enum's labels
 * as written, else the one label it equals when both ignore white space
 * around them, case, spaces, "_" and "-" (enums have no aliases); a label
 * two enum labels equal that way names neither.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "align.h"
#include "pg_compat.h"
#include "funnel.h"
#include "stage_map.h"

/* An enum ladder's labels and their matching keys, per call site. */
typedef struct EnumLabels
{
	Oid			type;			/* the enum */
	StageMap	map;			/* its values in sort order, and labels */
	LadderLabelKey keys[FUNNEL_MAX_STAGES]; /* the labels' matching keys */
} EnumLabels;

/* Raises the error for a second argument (of type type) that names no ladder. */
pg_noreturn static void
NotALadder(FunctionCallInfo fcinfo, Oid type)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("try_stage() reads the stage ladder from the type of its second argument: "
					"lead_stage or an enum, not %s", format_type_be(type)),
			 type == TEXTOID && PG_ARGISNULL(1) ? errdetail("An untyped NULL is read as text.") : 0,
			 errhint("Pass a NULL of the ladder's enum, e.g. try_stage(label, NULL::deal_stage), "
					 "or try_stage(label) for lead_stage.")));
}

/* The labels of enum type, cached in fn_extra for this call site. */
static EnumLabels *
GetEnumLabels(FunctionCallInfo fcinfo, Oid type)
{
	EnumLabels *e = fcinfo->flinfo->fn_extra;

	if (e != NULL && e->type == type)
		return e;
	e = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(EnumLabels));
	e->type = type;
	StageMapInitEnum(&e->map, type, fcinfo->flinfo->fn_mcxt, false);
	LadderLabelKeys(e->map.ladder.labels, e->map.nstages, e->keys);
	fcinfo->flinfo->fn_extra = e;
	return e;
}

PG_FUNCTION_INFO_V1(try_stage);
/* try_stage(label [, NULL::lead_stage]): the lead_stage a label names, or NULL. */
Datum
try_stage(PG_FUNCTION_ARGS)
{
	LeadStage	code;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	code = LeadStageLookup(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (code == 0)
		PG_RETURN_NULL();
	PG_RETURN_LEAD_STAGE(code);
}

PG_FUNCTION_INFO_V1(try_stage_enum);
/* try_stage(label, NULL::my_enum): the value of the enum a label names, or NULL. */
Datum
try_stage_enum(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 1);
	EnumLabels *e;
	int			pos;

	if (!OidIsValid(type) || !type_is_enum(getBaseType(type)))
		NotALadder(fcinfo, type);
	e = GetEnumLabels(fcinfo, getBaseType(type));
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	/* a label two enum labels match names neither */
	pos = LadderLabelMatch(e->map.ladder.labels, e->keys, e->map.nstages,
						   text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (pos < 0)
		PG_RETURN_NULL();
	PG_RETURN_OID(e->map.by_pos[pos]);
}

PG_FUNCTION_INFO_V1(try_stage_text);
/*
 * try_stage(label, text): an error that says what the second argument takes
 * (this overload catches an untyped NULL, which anyelement cannot resolve).
 */
Datum
try_stage_text(PG_FUNCTION_ARGS)
{
	NotALadder(fcinfo, TEXTOID);
}
