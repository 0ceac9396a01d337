/*
 * memory.c
 *		Memory helpers shared by the aggregates: their memory context, large
 *		arrays for per-lead tables, reading a serialized state in place, and
 *		the text form (base64) of the states Citus ships.
 */
#include "postgres.h"

#include <sys/mman.h>

#include "common/base64.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "parser/scansup.h"
#include "utils/memutils.h"

#include "align.h"
#include "pg_compat.h"

/*
 * Memory for a large array, in cxt.  From 4 MB on it is aligned to 2 MB and
 * the kernel is asked for transparent huge pages: the per-lead tables are
 * read at random, and with 4 kB pages nearly every row would also miss the
 * TLB and take a page fault on first touch.  *alloc receives what to pfree.
 */
void *
AllocLarge(MemoryContext cxt, Size size, void **alloc)
{
	const Size	huge = (Size) 2 << 20;
	char	   *p;

	if (size < 2 * huge)
	{
		*alloc = MemoryContextAllocHuge(cxt, size);
		return *alloc;
	}
	*alloc = MemoryContextAllocHuge(cxt, size + huge);
	p = (char *) TYPEALIGN(huge, *alloc);
#ifdef MADV_HUGEPAGE
	(void) madvise(p, TYPEALIGN_DOWN(huge, size), MADV_HUGEPAGE);
#endif
	return p;
}

/*
 * Asks for transparent huge pages on the 2 MB-aligned inside of a large
 * buffer that has not been touched yet (one PostgreSQL allocated for us).
 * A 4 kB page fault costs microseconds, more in a virtual machine, and a
 * partial aggregate's state is written into such buffers tens of MB at a time.
 */
void
AdviseHuge(void *p, Size size)
{
#ifdef MADV_HUGEPAGE
	const Size	huge = (Size) 2 << 20;
	char	   *start = (char *) TYPEALIGN(huge, p);
	char	   *end = (char *) TYPEALIGN_DOWN(huge, (char *) p + size);

	if (size >= 2 * huge && end > start)
		(void) madvise(start, end - start, MADV_HUGEPAGE);
#endif
}

/* The aggregate's memory context; raises an error when fname is called outside an aggregate. */
MemoryContext
AlignAggContext(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fname)));
	return aggcxt;
}

/*
 * The start of a combine of internal states (fname): true, with the result
 * in *result, when either side is NULL (a NULL first side adopts the
 * second, which lives in the aggregate's context already).
 */
bool
AlignCombineNull(FunctionCallInfo fcinfo, const char *fname, Datum *result)
{
	if (PG_ARGISNULL(1))
	{
		*result = PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0);
		fcinfo->isnull = PG_ARGISNULL(0);
		return true;
	}
	(void) AlignAggContext(fcinfo, fname);
	if (PG_ARGISNULL(0))
	{
		*result = PG_GETARG_DATUM(1);
		return true;
	}
	return false;
}

/* Sets msg up to read a serialized state's bytes in place, with pq_getmsg*. */
void
InitStateMessage(StringInfo msg, bytea *data)
{
	msg->data = VARDATA_ANY(data);
	msg->len = VARSIZE_ANY_EXHDR(data);
	msg->maxlen = msg->len;
	msg->cursor = 0;
}

/*
 * Decodes the text form of an aggregate state (base64, white space
 * ignored) into msg, ready to read; 22P02 naming typname when it is not
 * base64.
 */
void
StateTextDecode(StringInfo msg, const char *in, const char *typname)
{
	char	   *text = palloc(strlen(in) + 1);
	int			len = 0;

	for (const char *p = in; *p; p++)
		if (!scanner_isspace(*p))
			text[len++] = *p;
	initStringInfo(msg);
	enlargeStringInfo(msg, pg_b64_dec_len(len));
	msg->len = pg_b64_decode(text, len, (Base64Byte *) msg->data, pg_b64_dec_len(len));
	if (msg->len < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", typname),
				 errdetail("A %s is the base64 text a %s prints.", typname, typname)));
	pfree(text);
}

/* The text form of a serialized aggregate state: base64 of its bytes. */
char *
StateTextEncode(const char *data, int len)
{
	char	   *out = palloc(pg_b64_enc_len(len) + 1);
	int			n = pg_b64_encode((const Base64Byte *) data, len, out, pg_b64_enc_len(len));

	if (n < 0)
		elog(ERROR, "could not encode an aggregate state");
	out[n] = '\0';
	return out;
}

/* The name of the context the states of one aggregate share (AlignStatesContext). */
#define STATES_CONTEXT_NAME "align states"

/*
 * The context under aggcxt where the expanded states an aggregate's
 * transition function creates live, all in one: created by the first.  A
 * context per state costs about 8 kB, and PostgreSQL's hash aggregate sums
 * the memory of every child context of its memory each time it starts a
 * group, which a context per group makes quadratic in the groups (20,000
 * groups: 13.5 s instead of 0.3 s).  An expanded object's context is
 * deleted only when an aggregate replaces its transition value by another
 * object, so only states that are never replaced may live here (the
 * transition functions return the same read-write object once it exists);
 * the executor frees the context with the aggregate's memory.
 */
MemoryContext
AlignStatesContext(MemoryContext aggcxt)
{
	for (MemoryContext c = aggcxt->firstchild; c != NULL; c = c->nextchild)
		if (strcmp(c->name, STATES_CONTEXT_NAME) == 0)
			return c;
	return AllocSetContextCreate(aggcxt, STATES_CONTEXT_NAME, ALLOCSET_DEFAULT_SIZES);
}
