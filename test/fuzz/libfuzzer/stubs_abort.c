/*
 * stubs_abort.c
 *		The C library's vsnprintf for PostgreSQL's, and backend functions
 *		that align's object files refer to but that the
 *		fuzzed paths never reach (text input through the jsonb parser,
 *		expanded objects, set-returning functions, catalog lookups): each
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
