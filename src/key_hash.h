/*
 * key_hash.h
 *		The 64-bit hash that identifies a lead (or an owner) in the
 *		aggregates: the argument type's extended hash function, or for the
 *		integer types a full-avalanche mix of the value without a call.
 */
#ifndef ALIGN_KEY_HASH_H
#define ALIGN_KEY_HASH_H

#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"

/* How one argument of a call site is hashed, cached in fn_extra. */
typedef struct KeyHasher
{
	Oid			type;			/* the argument's type */
	Oid			collation;		/* input collation, for text keys */
	FmgrInfo	hash;			/* the type's extended hash function (not for integers) */
} KeyHasher;

extern void KeyHasherInit(KeyHasher *h, FunctionCallInfo fcinfo, int argno,
						  const char *what, const char *cast_hint,
						  const char *type_hint);

/* murmur3's 64-bit finaliser: a full-avalanche mix of an integer key. */
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

/* The 64-bit hash of a key; equal keys hash equal, whatever their type's width. */
static inline uint64
KeyHash(const KeyHasher *h, Datum key)
{
	switch (h->type)
	{
		case INT8OID:
			return Mix64((uint64) DatumGetInt64(key));
		case INT4OID:
			return Mix64((uint64) (int64) DatumGetInt32(key));
		case INT2OID:
			return Mix64((uint64) (int64) DatumGetInt16(key));
		default:
			return DatumGetUInt64(FunctionCall2Coll((FmgrInfo *) &h->hash, h->collation,
													key, Int64GetDatum(0)));
	}
}

#endif							/* ALIGN_KEY_HASH_H */
