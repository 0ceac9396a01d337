/*
 * key_hash.c
 *		Setting up the hashing of a key argument (see key_hash.h).
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/typcache.h"

#include "key_hash.h"

/*
 * Sets up hashing for argument argno, called what in errors: its type must
 * be known and hashable.  cast_hint and type_hint are the errors' hints.
 */
void
KeyHasherInit(KeyHasher *h, FunctionCallInfo fcinfo, int argno, const char *what,
			  const char *cast_hint, const char *type_hint)
{
	TypeCacheEntry *tc;

	h->type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	h->collation = PG_GET_COLLATION();
	if (!OidIsValid(h->type) || h->type == UNKNOWNOID)
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_DATATYPE),
				 errmsg("could not determine the type of the %s", what),
				 errhint("%s", cast_hint)));
	if (h->type == INT8OID || h->type == INT4OID || h->type == INT2OID)
		return;
	tc = lookup_type_cache(h->type, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
	if (!OidIsValid(tc->hash_extended_proc))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("%s type %s has no hash function", what, format_type_be(h->type)),
				 errhint("%s", type_hint)));
	fmgr_info_copy(&h->hash, &tc->hash_extended_proc_finfo, fcinfo->flinfo->fn_mcxt);
}
