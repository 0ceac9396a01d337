/*
 * key_hash.c
 *		Setting up the hashing of a key argument, and hashing the keys that
 *		are not a single integer: intervals, composites, arrays (see
 *		key_hash.h).
 *
 * PostgreSQL's extended hash of int8 (and of timestamps, time, money, and
 * of intervals, composites and arrays through them) folds the value to 32
 * bits first, so keys 1 and 2^32 share a hash and would be merged into one
 * lead.  Here every integer-like value is mixed bijectively (Mix64), and a
 * composite or array is hashed element by element with this same hasher,
 * each step a bijective mix of the running hash and the element's hash:
 * two values that differ in one integer-like field never collide.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "datatype/timestamp.h"
#include "utils/array.h"
#include "utils/arrayaccess.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "interval_rule.h"
#include "key_hash.h"
#include "pg_compat.h"

/* Seeds of the running hash of a composite, an array, a wide interval; a NULL element's hash. */
#define KEY_SEED_RECORD		UINT64CONST(0x243f6a8885a308d3)
#define KEY_SEED_ARRAY		UINT64CONST(0x13198a2e03707344)
#define KEY_SEED_SPAN		UINT64CONST(0xa4093822299f31d0)
#define KEY_NULL			UINT64CONST(0x082efa98ec4e6c89)

/* The hashers of a composite's fields (of one row type) or of an array's elements. */
typedef struct KeyParts
{
	/* KEY_RECORD */
	Oid			tuptype;		/* the row type and typmod set up for */
	int32		tuptypmod;
	TupleDesc	tupdesc;		/* a copy, in the hasher's memory */
	KeyHasher  *fields;			/* one per attribute (dropped ones unused) */
	Datum	   *values;			/* scratch for deforming a row */
	bool	   *nulls;
	/* KEY_ARRAY */
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	KeyHasher	element;
} KeyParts;

static bool KeyHasherSetup(KeyHasher *h, Oid type, Oid collation, MemoryContext cxt);

/* Raises the error for a field or element type without a hash function. */
static void
NoHashFunction(Oid type)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_FUNCTION),
			 errmsg("could not identify a hash function for type %s", format_type_be(type)),
			 errhint("Use a key whose fields are of hashable types: bigint, text, uuid, ...")));
}

/* Sets up the field hashers of row type (tuptype, tuptypmod) for a composite hasher. */
static KeyParts *
RecordParts(KeyHasher *h, Oid tuptype, int32 tuptypmod)
{
	KeyParts   *p = MemoryContextAllocZero(h->cxt, sizeof(KeyParts));
	TupleDesc	desc = lookup_rowtype_tupdesc(tuptype, tuptypmod);
	MemoryContext old = MemoryContextSwitchTo(h->cxt);

	p->tuptype = tuptype;
	p->tuptypmod = tuptypmod;
	p->tupdesc = CreateTupleDescCopy(desc);
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(desc);
	p->fields = MemoryContextAllocZero(h->cxt, Max(p->tupdesc->natts, 1) * sizeof(KeyHasher));
	p->values = MemoryContextAlloc(h->cxt, Max(p->tupdesc->natts, 1) * sizeof(Datum));
	p->nulls = MemoryContextAlloc(h->cxt, Max(p->tupdesc->natts, 1) * sizeof(bool));
	for (int i = 0; i < p->tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(p->tupdesc, i);

		if (!att->attisdropped &&
			!KeyHasherSetup(&p->fields[i], att->atttypid, att->attcollation, h->cxt))
			NoHashFunction(att->atttypid);
	}
	h->parts = p;
	return p;
}

/*
 * Sets up h to hash values of type (a domain hashes as its base type) under
 * collation, with its parts in cxt; false if the type has no hash function.
 */
static bool
KeyHasherSetup(KeyHasher *h, Oid type, Oid collation, MemoryContext cxt)
{
	Oid			base = getBaseType(type);
	Oid			elem;
	TypeCacheEntry *tc;

	h->type = type;
	h->collation = collation;
	h->cxt = cxt;
	h->parts = NULL;
	switch (base)
	{
		case INT8OID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case TIMEOID:
		case CASHOID:
		case PG_LSNOID:
		case XID8OID:
			h->kind = KEY_INT64;
			return true;
		case INT4OID:
		case DATEOID:
			h->kind = KEY_INT32;
			return true;
		case INT2OID:
			h->kind = KEY_INT16;
			return true;
		case OIDOID:
			h->kind = KEY_UINT32;
			return true;
		case INTERVALOID:
			h->kind = KEY_INTERVAL;
			return true;
		case NUMERICOID:
			/* PostgreSQL's numeric hash leaves out the sign: x and -x collide */
			tc = lookup_type_cache(base, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
			h->kind = KEY_NUMERIC;
			fmgr_info_copy(&h->hash, &tc->hash_extended_proc_finfo, cxt);
			return true;
		case RECORDOID:
			/* an anonymous row type: its fields are known from the first value */
			h->kind = KEY_RECORD;
			return true;
		default:
			break;
	}
	if (type_is_enum(base))
	{
		h->kind = KEY_UINT32;
		return true;
	}
	if (type_is_rowtype(base))
	{
		h->kind = KEY_RECORD;
		(void) RecordParts(h, base, -1);
		return true;
	}
	elem = get_element_type(base);
	if (OidIsValid(elem) && get_typlen(base) == -1)
	{
		KeyParts   *p = MemoryContextAllocZero(cxt, sizeof(KeyParts));

		get_typlenbyvalalign(elem, &p->elmlen, &p->elmbyval, &p->elmalign);
		if (!KeyHasherSetup(&p->element, elem, collation, cxt))
			return false;
		h->kind = KEY_ARRAY;
		h->parts = p;
		return true;
	}
	tc = lookup_type_cache(base, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
	if (!OidIsValid(tc->hash_extended_proc))
		return false;
	h->kind = KEY_EXTENDED;
	fmgr_info_copy(&h->hash, &tc->hash_extended_proc_finfo, cxt);
	return true;
}

/*
 * Sets up hashing for argument argno, called what in errors: its type must
 * be known and hashable.  cast_hint and type_hint are the errors' hints.
 */
void
KeyHasherInit(KeyHasher *h, FunctionCallInfo fcinfo, int argno, const char *what,
			  const char *cast_hint, const char *type_hint)
{
	KeyHasherInitType(h, get_fn_expr_argtype(fcinfo->flinfo, argno), PG_GET_COLLATION(),
					  fcinfo->flinfo->fn_mcxt, what, cast_hint, type_hint);
}

/*
 * Sets up h, with its parts in cxt, to hash keys of the given type under
 * collation, called what in errors: the type must be known (not InvalidOid)
 * and hashable.  cast_hint and type_hint are the errors' hints.
 */
void
KeyHasherInitType(KeyHasher *h, Oid type, Oid collation, MemoryContext cxt,
				  const char *what, const char *cast_hint, const char *type_hint)
{
	if (!OidIsValid(type) || type == UNKNOWNOID)
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_DATATYPE),
				 errmsg("could not determine the type of the %s", what),
				 errhint("%s", cast_hint)));
	if (!KeyHasherSetup(h, type, collation, cxt))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("%s type %s has no hash function", what, format_type_be(type)),
				 errhint("%s", type_hint)));
}

/*
 * An interval's hash: the bijective mix of its span in microseconds when
 * that fits in int64 (within about 292,000 years), else a mix of the span's
 * days and microseconds.  Equal intervals ('1 mon', '30 days') hash equal.
 */
static uint64
IntervalHash(const Interval *iv)
{
	int64		days;
	int64		usecs;
	int64		us;

	IntervalSpan(iv, &days, &usecs);
	if (SpanMicroseconds(days, usecs, &us))
		return Mix64((uint64) us);
	return Mix64(Mix64((uint64) days ^ KEY_SEED_SPAN) ^ (uint64) usecs);
}

/* A composite's hash: its fields' hashes, each mixed into the running hash. */
static uint64
RecordHash(KeyHasher *h, Datum key)
{
	HeapTupleHeader td = CompositeDatumTuple(key);
	Oid			tuptype = HeapTupleHeaderGetTypeId(td);
	int32		tuptypmod = HeapTupleHeaderGetTypMod(td);
	KeyParts   *p = h->parts;
	HeapTupleData tuple;
	uint64		acc;

	if (p == NULL || p->tuptype != tuptype || p->tuptypmod != tuptypmod)
		p = RecordParts(h, tuptype, tuptypmod);
	tuple.t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = td;
	heap_deform_tuple(&tuple, p->tupdesc, p->values, p->nulls);
	acc = Mix64(KEY_SEED_RECORD ^ (uint64) p->tupdesc->natts);
	for (int i = 0; i < p->tupdesc->natts; i++)
	{
		if (TupleDescAttr(p->tupdesc, i)->attisdropped)
			continue;
		acc = Mix64(acc ^ (p->nulls[i] ? KEY_NULL : KeyHash(&p->fields[i], p->values[i])));
	}
	if ((Pointer) td != DatumGetPointer(key))
		pfree(td);
	return acc;
}

/* An array's hash: its dimensions, then its elements' hashes, each mixed into the running hash. */
static uint64
ArrayHash(KeyHasher *h, Datum key)
{
	AnyArrayType *a = DatumGetAnyArrayP(key);
	KeyParts   *p = h->parts;
	int			ndims = AARR_NDIM(a);
	int		   *dims = AARR_DIMS(a);
	int		   *lbs = AARR_LBOUND(a);
	int			n = ArrayGetNItems(ndims, dims);
	uint64		acc = Mix64(KEY_SEED_ARRAY ^ (uint64) ndims);
	array_iter	it;

	for (int d = 0; d < ndims; d++)
		acc = Mix64(acc ^ (((uint64) (uint32) dims[d] << 32) | (uint32) lbs[d]));
	array_iter_setup(&it, a);
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		elt = array_iter_next(&it, &isnull, i, p->elmlen, p->elmbyval, p->elmalign);

		acc = Mix64(acc ^ (isnull ? KEY_NULL : KeyHash(&p->element, elt)));
	}
	return acc;
}

/*
 * The hash of a numeric key: the type's extended hash, which leaves out the
 * sign (so that equal values hash equal it hashes the digits and weight
 * only), remixed for a negative value, so that x and -x do not collide.
 */
static uint64
NumericHash(KeyHasher *h, Datum key)
{
	static Datum zero = (Datum) 0;
	uint64		hash = DatumGetUInt64(FunctionCall2Coll(&h->hash, h->collation,
														key, Int64GetDatum(0)));

	if (zero == (Datum) 0)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		zero = NumericGetDatum(int64_to_numeric(0));
		MemoryContextSwitchTo(old);
	}
	if (DatumGetBool(DirectFunctionCall2(numeric_lt, key, zero)))
		hash = Mix64(hash ^ UINT64CONST(0x9E3779B97F4A7C15));
	return hash;
}

/* KeyHash of the kinds not handled inline: intervals, composites, arrays, numeric. */
uint64
KeyHashParts(KeyHasher *h, Datum key)
{
	switch (h->kind)
	{
		case KEY_NUMERIC:
			return NumericHash(h, key);
		case KEY_INTERVAL:
			return IntervalHash(DatumGetIntervalP(key));
		case KEY_RECORD:
			return RecordHash(h, key);
		case KEY_ARRAY:
			return ArrayHash(h, key);
		default:
			return KeyHash(h, key);
	}
}
