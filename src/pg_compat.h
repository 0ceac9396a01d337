/*
 * pg_compat.h
 *		The differences between the PostgreSQL majors align builds against
 *		(15, 16, 17 and 18), each named once behind PG_VERSION_NUM, so that
 *		the code reads the same on all of them.  Include it after postgres.h.
 *
 *		Checked against the 15, 17 and 18 server headers; the 16 boundaries
 *		follow PostgreSQL's release notes (16 is built by no test here).
 */
#ifndef ALIGN_PG_COMPAT_H
#define ALIGN_PG_COMPAT_H

#include "common/base64.h"
#include "common/jsonapi.h"
#include "parser/parse_type.h"
#include "storage/proc.h"
#include "utils/regproc.h"

/* 16 moved the varlena macros (VARDATA_ANY, VARSIZE_ANY...) into varatt.h. */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/* 16 added soft errors (ErrorSaveContext) to the parsing functions. */
#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#endif

/*
 * 18 replaced the pg_attribute_noreturn() suffix with the pg_noreturn
 * prefix; before 18, C11's _Noreturn (the Makefile builds with -std=c11)
 * does what 18's pg_noreturn does under C11.
 */
#ifndef pg_noreturn
#define pg_noreturn _Noreturn
#endif

/*
 * JSON semantic actions: 16 made them return a JsonParseErrorType (they
 * returned void before).  A callback is declared with JsonActionResult and
 * ends with JSON_ACTION_DONE.
 */
#if PG_VERSION_NUM >= 160000
typedef JsonParseErrorType JsonActionResult;
#define JSON_ACTION_DONE return JSON_SUCCESS
#else
typedef void JsonActionResult;
#define JSON_ACTION_DONE return
#endif

/*
 * A JSON lexer over a C string of len bytes: 17 gave
 * makeJsonLexContextCstringLen a first argument, the context to fill in
 * (NULL: a new one is allocated, as before).
 */
static inline JsonLexContext *
JsonLexerCstring(char *json, int len, int encoding, bool need_escapes)
{
#if PG_VERSION_NUM >= 170000
	return makeJsonLexContextCstringLen(NULL, json, len, encoding, need_escapes);
#else
	return makeJsonLexContextCstringLen(json, len, encoding, need_escapes);
#endif
}

/*
 * The type named str (typmod to *typmod_p): raises an error if there is no
 * such type, or with missing_ok gives InvalidOid.  16 replaced
 * parseTypeString's missing_ok with a soft-error context, which also makes
 * a name that does not parse soft: InvalidOid as well.
 */
static inline Oid
TypeOidFromString(const char *str, int32 *typmod_p, bool missing_ok)
{
	Oid			type = InvalidOid;

#if PG_VERSION_NUM >= 160000
	ErrorSaveContext escontext = {T_ErrorSaveContext};

	if (!parseTypeString(str, &type, typmod_p, missing_ok ? (Node *) &escontext : NULL))
		type = InvalidOid;
#else
	parseTypeString(str, &type, typmod_p, missing_ok);
#endif
	return type;
}

/* A qualified name's parts; 16 added a soft-error argument (NULL: raise). */
static inline List *
QualifiedNameList(const char *str)
{
#if PG_VERSION_NUM >= 160000
	return stringToQualifiedNameList(str, NULL);
#else
	return stringToQualifiedNameList(str);
#endif
}

/*
 * The byte type of pg_b64_encode's input and pg_b64_decode's output: 18
 * made it uint8 (char before).
 */
#if PG_VERSION_NUM >= 180000
typedef uint8 Base64Byte;
#else
typedef char Base64Byte;
#endif

/*
 * A composite datum's tuple, detoasted: what the DatumGetHeapTupleHeader
 * macro of the 18 headers does.  Debian's 15 and 17 headers declare
 * DatumGetHeapTupleHeader a function of the server instead, which the 17
 * server test/versions.sh runs (not built by Debian) does not export
 * ("undefined symbol" when align loads), so align spells the macro out.
 */
#define CompositeDatumTuple(X) ((HeapTupleHeader) PG_DETOAST_DATUM(X))

/*
 * The backend's current local transaction id: 17 moved PGPROC's lxid into
 * its vxid.
 */
#if PG_VERSION_NUM >= 170000
#define MyLocalTransactionId() (MyProc->vxid.lxid)
#else
#define MyLocalTransactionId() (MyProc->lxid)
#endif

#endif							/* ALIGN_PG_COMPAT_H */
