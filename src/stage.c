/*
 * stage.c
 *		The lead_stage type: a one-byte, pass-by-value position on the
 *		demand-waterfall ladder, with text and binary I/O, comparison,
 *		hashing, and the stage_rank / stage_team / lead_stages functions.
 *
 * Input is forgiving in the way CRM exports need (case, spaces, "_" and "-"
 * are ignored, and each stage has the aliases HubSpot, Salesforce and Marketo
 * write), and strict in every other way: anything not on the list is an
 * error that names the accepted stages.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/hash.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "align.h"

PG_MODULE_MAGIC;

/* How much of bad input an error message quotes. */
#define STAGE_ERROR_QUOTE 80

/*
 * One row of the ladder.  Aliases are written as users see them; they are
 * normalised (lower case, without spaces, "_" and "-") when matched.
 */
typedef struct StageInfo
{
	const char *name;			/* canonical output name */
	int			rank;			/* 1..8 on the ladder, 0 off it */
	const char *team;			/* owning team, NULL for "other" */
	const char *aliases[4];		/* NULL-terminated alternative spellings */
} StageInfo;

/* The ladder, indexed by code - 1, in sort order. */
static const StageInfo stage_table[STAGE_COUNT] = {
	{"subscriber", 1, "marketing", {NULL}},
	{"lead", 2, "marketing", {"inquiry", "prospect", NULL}},
	{"mql", 3, "marketing", {"marketingqualifiedlead", "marketing qualified lead", "aql", NULL}},
	{"sal", 4, "sales", {"salesacceptedlead", "sales accepted lead", "accepted", NULL}},
	{"sql", 5, "sales", {"salesqualifiedlead", "sales qualified lead", NULL}},
	{"opportunity", 6, "sales", {"sqo", "sales qualified opportunity", "deal", NULL}},
	{"customer", 7, "success", {"won", "closed won", NULL}},
	{"evangelist", 8, "success", {"advocate", NULL}},
	{"recycled", 0, "marketing", {"nurture", "recycle", NULL}},
	{"disqualified", 0, "marketing", {"unqualified", "rejected", NULL}},
	{"lost", 0, "sales", {"closed lost", NULL}},
	{"other", 0, NULL, {NULL}},
};

/* The HINT every bad-input error carries. */
#define STAGE_HINT \
	"Accepted stages: subscriber, lead, mql, sal, sql, opportunity, customer, " \
	"evangelist, recycled, disqualified, lost, other, and the aliases listed " \
	"by lead_stages(); case, spaces, \"_\" and \"-\" are ignored."

/* Copies label into buf lower-cased without spaces, "_" and "-"; false if too long. */
static bool
NormaliseLabel(const char *label, size_t len, char *buf)
{
	size_t		n = 0;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) label[i];

		if (c == ' ' || c == '_' || c == '-')
			continue;
		if (n >= STAGE_LABEL_MAX)
			return false;
		buf[n++] = (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : (char) c;
	}
	buf[n] = '\0';
	return true;
}

/* Every accepted spelling, normalised once, with its stage code. */
typedef struct Spelling
{
	char		text[STAGE_LABEL_MAX + 1];
	LeadStage	code;
} Spelling;

#define MAX_SPELLINGS (STAGE_COUNT * 5)

static Spelling spellings[MAX_SPELLINGS];
static int	nspellings = 0;

/* Fills the spellings table on first use: names and aliases, normalised. */
static void
InitSpellings(void)
{
	int			n = 0;

	for (int code = 1; code <= STAGE_COUNT; code++)
	{
		const StageInfo *info = &stage_table[code - 1];

		for (int a = -1; a < 0 || info->aliases[a] != NULL; a++)
		{
			const char *spelling = a < 0 ? info->name : info->aliases[a];

			Assert(n < MAX_SPELLINGS);
			if (NormaliseLabel(spelling, strlen(spelling), spellings[n].text))
				spellings[n++].code = (LeadStage) code;
		}
	}
	nspellings = n;
}

/* Raises the standard invalid-input error for a stage label. */
static void
ReportBadStage(const char *str, const char *typname)
{
	size_t		len = strlen(str);
	int			quoted = pg_mbcliplen(str, (int) Min(len, (size_t) PG_INT32_MAX),
									  STAGE_ERROR_QUOTE);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%.*s%s\"",
					typname, quoted, str,
					(size_t) quoted < len ? "..." : ""),
			 errhint(STAGE_HINT)));
}

/*
 * The matching key of CRM text in buf (STAGE_LABEL_MAX + 1 bytes): without
 * surrounding white space, lower-cased, without spaces, "_" and "-"; false
 * if that is empty or longer than STAGE_LABEL_MAX.
 */
bool
StageLabelKey(const char *str, char *buf)
{
	const char *start = str;
	const char *end = str + strlen(str);

	while (start < end && isspace((unsigned char) *start))
		start++;
	while (end > start && isspace((unsigned char) end[-1]))
		end--;
	return start < end && NormaliseLabel(start, end - start, buf) && buf[0] != '\0';
}

/* The stage code CRM text names (a name or an alias, see StageLabelKey), or 0 if none. */
LeadStage
LeadStageLookup(const char *str)
{
	char		key[STAGE_LABEL_MAX + 1];

	if (nspellings == 0)
		InitSpellings();
	if (StageLabelKey(str, key))
	{
		for (int i = 0; i < nspellings; i++)
			if (spellings[i].text[0] == key[0] && strcmp(spellings[i].text, key) == 0)
				return spellings[i].code;
	}
	return 0;
}

/* Parses CRM text into a stage code; raises 22P02 on anything unknown. */
LeadStage
LeadStageParse(const char *str, const char *typname)
{
	LeadStage	code = LeadStageLookup(str);

	if (code == 0)
		ReportBadStage(str, typname);
	return code;
}

/* Checks that a code read from outside is a valid stage. */
static LeadStage
CheckStageCode(int code)
{
	if (code < 1 || code > STAGE_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external lead_stage value: %d", code),
				 errdetail("A binary lead_stage is one byte from 1 to %d.",
						   STAGE_COUNT)));
	return (LeadStage) code;
}

/* Canonical lower-case name of a valid stage code. */
const char *
LeadStageName(LeadStage code)
{
	return stage_table[CheckStageCode(code) - 1].name;
}

/* Team that owns a stage ("marketing", "sales", "success"), or NULL. */
const char *
LeadStageTeam(LeadStage code)
{
	return stage_table[CheckStageCode(code) - 1].team;
}

PG_FUNCTION_INFO_V1(lead_stage_in);
/* Text input: CRM label or alias to lead_stage. */
Datum
lead_stage_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_LEAD_STAGE(LeadStageParse(PG_GETARG_CSTRING(0), "lead_stage"));
}

PG_FUNCTION_INFO_V1(lead_stage_out);
/* Text output: the canonical lower-case name. */
Datum
lead_stage_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(pstrdup(LeadStageName(PG_GETARG_LEAD_STAGE(0))));
}

PG_FUNCTION_INFO_V1(lead_stage_recv);
/* Binary input: one byte, validated like text input. */
Datum
lead_stage_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_LEAD_STAGE(CheckStageCode(pq_getmsgbyte(buf)));
}

PG_FUNCTION_INFO_V1(lead_stage_send);
/* Binary output: one byte, the sort position. */
Datum
lead_stage_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PG_GETARG_LEAD_STAGE(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(lead_stage_cmp);
/* btree support: -1, 0 or 1 in ladder order. */
Datum
lead_stage_cmp(PG_FUNCTION_ARGS)
{
	LeadStage	a = PG_GETARG_LEAD_STAGE(0);
	LeadStage	b = PG_GETARG_LEAD_STAGE(1);

	PG_RETURN_INT32((a > b) - (a < b));
}

/* Defines one comparison operator function over two stages. */
#define STAGE_COMPARISON(fname, op) \
PG_FUNCTION_INFO_V1(fname); \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_LEAD_STAGE(0) op PG_GETARG_LEAD_STAGE(1)); \
}

STAGE_COMPARISON(lead_stage_eq, ==)
STAGE_COMPARISON(lead_stage_ne, !=)
STAGE_COMPARISON(lead_stage_lt, <)
STAGE_COMPARISON(lead_stage_le, <=)
STAGE_COMPARISON(lead_stage_gt, >)
STAGE_COMPARISON(lead_stage_ge, >=)

PG_FUNCTION_INFO_V1(lead_stage_smaller);
/* min() support: the lower of two stages. */
Datum
lead_stage_smaller(PG_FUNCTION_ARGS)
{
	PG_RETURN_LEAD_STAGE(Min(PG_GETARG_LEAD_STAGE(0), PG_GETARG_LEAD_STAGE(1)));
}

PG_FUNCTION_INFO_V1(lead_stage_larger);
/* max() support: the higher of two stages. */
Datum
lead_stage_larger(PG_FUNCTION_ARGS)
{
	PG_RETURN_LEAD_STAGE(Max(PG_GETARG_LEAD_STAGE(0), PG_GETARG_LEAD_STAGE(1)));
}

PG_FUNCTION_INFO_V1(lead_stage_hash);
/* hash opclass support: 32-bit hash of the code. */
Datum
lead_stage_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_LEAD_STAGE(0));
}

PG_FUNCTION_INFO_V1(lead_stage_hash_extended);
/* hash opclass support: seeded 64-bit hash of the code. */
Datum
lead_stage_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_LEAD_STAGE(0),
								PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(stage_rank);
/* Ladder rank 1..8, NULL for the off-ladder outcomes. */
Datum
stage_rank(PG_FUNCTION_ARGS)
{
	LeadStage	code = PG_GETARG_LEAD_STAGE(0);
	int			rank = stage_table[CheckStageCode(code) - 1].rank;

	if (rank == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(rank);
}

PG_FUNCTION_INFO_V1(stage_team);
/*
 * Owning team of a stage, NULL for "other".  The call site keeps one text
 * per stage in fn_extra and returns it on every row: results are read-only
 * to their callers, and a report calls this once per row of a large history.
 */
Datum
stage_team(PG_FUNCTION_ARGS)
{
	LeadStage	code = PG_GETARG_LEAD_STAGE(0);
	const char *team = LeadStageTeam(code);
	text	  **texts;

	if (team == NULL)
		PG_RETURN_NULL();
	if (fcinfo->flinfo == NULL)		/* DirectFunctionCall: no call site to cache in */
		PG_RETURN_TEXT_P(cstring_to_text(team));
	texts = fcinfo->flinfo->fn_extra;
	if (texts == NULL)
	{
		texts = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   (STAGE_COUNT + 1) * sizeof(text *));
		fcinfo->flinfo->fn_extra = texts;
	}
	if (texts[code] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		texts[code] = cstring_to_text(team);
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_TEXT_P(texts[code]);
}

PG_FUNCTION_INFO_V1(lead_stages);
/* Set-returning: every stage with its rank, team and aliases, in sort order. */
Datum
lead_stages(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);

	for (int code = 1; code <= STAGE_COUNT; code++)
	{
		const StageInfo *info = &stage_table[code - 1];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		Datum		aliases[4];
		int			naliases = 0;

		while (info->aliases[naliases] != NULL)
		{
			aliases[naliases] = CStringGetTextDatum(info->aliases[naliases]);
			naliases++;
		}
		values[0] = LeadStageGetDatum((LeadStage) code);
		values[1] = Int32GetDatum(info->rank);
		nulls[1] = (info->rank == 0);
		values[2] = info->team ? CStringGetTextDatum(info->team) : (Datum) 0;
		nulls[2] = (info->team == NULL);
		values[3] = PointerGetDatum(construct_array(aliases, naliases, TEXTOID,
													-1, false, TYPALIGN_INT));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
