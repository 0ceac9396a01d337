/*
 * stubs_abort.c
 *		The C library's vsnprintf for PostgreSQL's, and backend functions
 *		that align's object files refer to but that the
 *		fuzzed paths never reach (text input through the jsonb parser,
 *		expanded objects, set-returning functions, catalog lookups,
 *		composite results, calls without a call expression (callerless.c),
 *		the memory budget and its spill files and sorts (no budget is set
 *		here), window_funnel_state's text form, enum ladders and their
 *		outcomes (ladder_outcome.c), settings): each
 *		aborts, so a path that starts to need one is noticed at once.
 *		Plain C without PostgreSQL's headers, whose prototypes these
 *		stand-ins do not follow.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* PostgreSQL's port.h maps vsnprintf to its own; the C library's will do */
int			pg_vsnprintf(char *str, size_t count, const char *fmt, va_list args);
int
pg_vsnprintf(char *str, size_t count, const char *fmt, va_list args)
{
	return vsnprintf(str, count, fmt, args);
}

int			pg_snprintf(char *str, size_t count, const char *fmt,...);
int
pg_snprintf(char *str, size_t count, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(str, count, fmt, ap);
	va_end(ap);
	return n;
}

#define STUB_ABORT(name) void name(void); void name(void) { abort(); }

STUB_ABORT(AllocSetContextCreateInternal)
STUB_ABORT(DatumGetEOHP)
STUB_ABORT(DirectFunctionCall2Coll)
STUB_ABORT(EOH_init_header)
STUB_ABORT(InitMaterializedSRF)
STUB_ABORT(JsonbIteratorInit)
STUB_ABORT(JsonbIteratorNext)
STUB_ABORT(getIthJsonbValueFromContainer)
STUB_ABORT(getKeyJsonValueFromContainer)
STUB_ABORT(hash_bytes)
STUB_ABORT(hash_bytes_extended)
STUB_ABORT(hash_bytes_uint32)
STUB_ABORT(hash_bytes_uint32_extended)
STUB_ABORT(int64_to_numeric)
STUB_ABORT(interval_out)
STUB_ABORT(jsonb_in)
STUB_ABORT(numeric_cmp)
STUB_ABORT(numeric_eq)
STUB_ABORT(numeric_int8)
STUB_ABORT(numeric_is_nan)
STUB_ABORT(tuplestore_putvalues)
STUB_ABORT(SearchSysCacheList)
STUB_ABORT(ReleaseCatCacheList)
STUB_ABORT(GetDatabaseEncoding)
STUB_ABORT(json_errdetail)
STUB_ABORT(makeJsonLexContextCstringLen)
STUB_ABORT(pg_parse_json)
STUB_ABORT(format_type_be_qualified)
STUB_ABORT(SearchSysCacheExists)
STUB_ABORT(parseTypeString)
STUB_ABORT(pg_strcasecmp)
STUB_ABORT(enum_out)
STUB_ABORT(scanner_isspace)
STUB_ABORT(LadderOutcomesOf)
STUB_ABORT(CheckPartialStateSize)
STUB_ABORT(AlignMemoryBudget)
STUB_ABORT(get_call_result_type)
STUB_ABORT(BlessTupleDesc)
STUB_ABORT(heap_form_tuple)
STUB_ABORT(HeapTupleHeaderGetDatum)
STUB_ABORT(CallArgType)
STUB_ABORT(CallerlessCacheAdd)
STUB_ABORT(CallerlessCacheFind)
STUB_ABORT(CallerlessContext)
STUB_ABORT(format_procedure)
STUB_ABORT(MemoryContextDelete)
STUB_ABORT(BufFileWrite)
STUB_ABORT(BufFileClose)
STUB_ABORT(SpillPartsCreate)
STUB_ABORT(SpillPartsClose)
STUB_ABORT(SpillForEach)
STUB_ABORT(SpillSplit)
STUB_ABORT(AggGetAggref)
STUB_ABORT(AggRegisterCallback)
STUB_ABORT(SearchSysCache1)
STUB_ABORT(ReleaseSysCache)
STUB_ABORT(fmgr_info)
STUB_ABORT(CreateTemplateTupleDesc)
STUB_ABORT(TupleDescInitEntry)
STUB_ABORT(MakeSingleTupleTableSlot)
STUB_ABORT(ExecStoreVirtualTuple)
STUB_ABORT(slot_getsomeattrs_int)
STUB_ABORT(RegisterXactCallback)
STUB_ABORT(RegisterSubXactCallback)
STUB_ABORT(GetCurrentSubTransactionId)
STUB_ABORT(tuplesort_begin_heap)
STUB_ABORT(tuplesort_puttupleslot)
STUB_ABORT(tuplesort_performsort)
STUB_ABORT(tuplesort_gettupleslot)
STUB_ABORT(tuplesort_rescan)
STUB_ABORT(tuplesort_end)
