/*
 * key_hash.h
 *		The 64-bit hash that identifies a lead (or an owner) in the
 *		aggregates.  Integer-like keys (integers, timestamps, time, money,
 *		date, oid, enums, domains over them) are mixed bijectively, so two
 *		different keys never share a hash; an interval by its span (the same
 *		for spans within int64 microseconds); composites and arrays field by
 *		field with this same hasher; other types by their extended hash.
 */
#ifndef ALIGN_KEY_HASH_H
#define ALIGN_KEY_HASH_H

#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"

/* How a key type is hashed. */
typedef enum KeyKind
{
	KEY_INT64,					/* int8, timestamp(tz), time, money, pg_lsn, xid8 */
	KEY_INT32,					/* int4, date */
	KEY_INT16,					/* int2 */
	KEY_UINT32,					/* oid, enums */
	KEY_INTERVAL,				/* by its span, as interval comparison orders it */
	KEY_RECORD,					/* composites: per field */
	KEY_ARRAY,					/* arrays: per element */
	KEY_NUMERIC,				/* numeric: its extended hash, and its sign */
	KEY_EXTENDED				/* the type's extended hash function */
} KeyKind;

struct KeyParts;

/* How one argument of a call site (or one field of it) is hashed, cached in fn_extra. */
typedef struct KeyHasher
{
	Oid			type;			/* the argument's type */
	Oid			collation;		/* input collation, for text keys */
	KeyKind		kind;
	FmgrInfo	hash;			/* KEY_EXTENDED: the type's extended hash function */
	struct KeyParts *parts;		/* KEY_RECORD, KEY_ARRAY: the fields' hashers */
	MemoryContext cxt;			/* where parts live */
} KeyHasher;

extern void KeyHasherInit(KeyHasher *h, FunctionCallInfo fcinfo, int argno,
						  const char *what, const char *cast_hint,
						  const char *type_hint);
extern void KeyHasherInitType(KeyHasher *h, Oid type, Oid collation, MemoryContext cxt,
							  const char *what, const char *cast_hint,
							  const char *type_hint);
extern uint64 KeyHashParts(KeyHasher *h, Datum key);

/* murmur3's 64-bit finaliser: a full-avalanche bijective mix of an integer key. */
static inline uint64
Mix64(uint64 k)
{
	k ^= k >> 33;
	k *= UINT64CONST(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64CONST(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

/*
 * The 64-bit hash of a key; equal keys hash equal, whatever their integer
 * type's width.
 */
static inline uint64
KeyHash(KeyHasher *h, Datum key)
{
	switch (h->kind)
	{
		case KEY_INT64:
			return Mix64((uint64) DatumGetInt64(key));
		case KEY_INT32:
			return Mix64((uint64) (int64) DatumGetInt32(key));
		case KEY_INT16:
			return Mix64((uint64) (int64) DatumGetInt16(key));
		case KEY_UINT32:
			return Mix64((uint64) DatumGetObjectId(key));
		case KEY_EXTENDED:
			return DatumGetUInt64(FunctionCall2Coll(&h->hash, h->collation,
													key, Int64GetDatum(0)));
		default:
			return KeyHashParts(h, key);
	}
}

#endif							/* ALIGN_KEY_HASH_H */
