/*
 * funnel_io.c
 *		Representations of a funnel: the flat varlena stored on disk, the
 *		expanded object aggregates work on, JSON text I/O, binary send/recv
 *		and the cast to jsonb.
 *
 * Every way in (flat bytes from disk, text, binary) ends in FunnelValidate,
 * so no accessor ever sees a count, pair or bucket out of range.  Output is
 * canonical (pairs and buckets in order, leads in entry order), so equal
 * funnels are equal bytes and text and binary round trips are exact.
 *
 * Flat layout, version 3, native byte order, 8-byte aligned:
 *	 FunnelFlat header (32 bytes)
 *	 ladder block (ladder_words * 8 bytes; enum funnels): uint32 type OID,
 *		uint32 value OIDs[nstages], the type name and the nstages labels as
 *		NUL-terminated strings, zero padding
 *	 calendar block (FUNNEL_CALENDAR, version 3): uint64 length, then the
 *		stored work_calendar's bytes (no varlena header), zero padding
 *	 as_of block (FUNNEL_AS_OF, version 3): int64 as_of, uint64 number of
 *		converted sketches, uint64 number of age sketches
 *	 int64	counts[nstages * (3 + noutcomes) + noutcomes]
 *		reached[], known[], entered[], exits[][], exits before the ladder[]
 *	 per non-empty pair: uint64 from | to << 8 | nbuckets << 16, uint64
 *		leads left out as earlier, then per non-empty bucket: uint64
 *		bucket | count << 16
 *	 (FUNNEL_AS_OF) the converted sketches (pairs from < to), then the age
 *		sketches (from <= to: from the stage entered, to the highest stage
 *		reached; they leave no lead out), each as a pair above
 *	 uint32 leads[nleads * (2 + nslots)]	hash_lo, hash_hi, slots
 * Version 2 (unreleased) has no entered[] and no earlier word (a pair has
 * at least one bucket): read with entered = known and nothing earlier, and
 * flagged FUNNEL_LEGACY, which sums keep, so that readers say "unknown"
 * (NULL) rather than a figure the counts cannot give.  Version 1 (align
 * 0.1.0) has besides no ladder block (ladder_words is 0) and no exits
 * before the ladder.  Both are still read.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "common/int.h"
#include "common/jsonapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "align.h"
#include "calendar.h"
#include "pg_compat.h"
#include "funnel.h"
#include "interval_rule.h"
#include "settings.h"

typedef struct FunnelFlat
{
	int32		vl_len_;		/* varlena header */
	uint8		version;		/* FUNNEL_VERSION */
	uint8		flags;			/* FUNNEL_* */
	uint8		nstages;		/* ladder stages */
	uint8		noutcomes;		/* tracked outcomes */
	int32		npairs;			/* non-empty pair sketches */
	int32		ladder_words;	/* 8-byte words of the ladder block (version 1: 0) */
	int64		within_secs;	/* conversion window, 0 without one */
	int64		nleads;			/* open leads */
	uint64		data[FLEXIBLE_ARRAY_MEMBER];
} FunnelFlat;

#define FLAT_HEADER_SIZE	offsetof(FunnelFlat, data)
#define BUCKET_COUNT_MAX	(((uint64) 1 << 48) - 1)

static const char *const outcome_names[FUNNEL_MAX_OUTCOMES] = {
	"recycled", "disqualified", "lost"
};

/*
 * The SQLSTATE for a bad funnel: 22P02 for text input, 22P03 for binary
 * input, XX001 (data corrupted) for a stored value.  Set by each way in.
 */
static int	corrupt_errcode = ERRCODE_DATA_CORRUPTED;

/* Raises the standard error for a bad funnel from any source. */
pg_noreturn static void
Corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(corrupt_errcode),
			 errmsg("invalid funnel value: %s", what),
			 errhint("A funnel is produced by the funnel() and rollup() aggregates; "
					 "its text form is the JSON those functions print.")));
}

/* Checks the header fields every representation carries. */
static void
CheckShape(int version, int flags, int nstages, int noutcomes)
{
	if (version < 1 || version > FUNNEL_VERSION)
		Corrupt(psprintf("unsupported version %d (this build reads versions 1 to %d)",
						 version, FUNNEL_VERSION));
	if ((flags & ~FUNNEL_FLAGS_ALL) ||
		((flags & (FUNNEL_LEGACY | FUNNEL_CALENDAR | FUNNEL_AS_OF)) && version < 3))
		Corrupt("unknown flag bits");
	if ((flags & FUNNEL_AS_OF) && (flags & (FUNNEL_WITHIN | FUNNEL_LEGACY)))
		Corrupt("a funnel as of a time has no window or legacy counts");
	if (flags & FUNNEL_ENUM)
	{
		if (nstages < 1 || nstages > FUNNEL_MAX_STAGES ||
			(noutcomes != 0 && (noutcomes != STAGE_OUTCOMES || version < 3)))
			Corrupt("an enum funnel has 1 to 64 stages and no outcomes, or (from version 3) 3 outcomes");
	}
	else if (nstages != STAGE_LADDER_SIZE || noutcomes != STAGE_OUTCOMES)
		Corrupt("a lead_stage funnel has 8 stages and 3 outcomes");
}

/*
 * Flags a funnel read from version 1 or 2 whose closed part counts leads
 * (FUNNEL_LEGACY): those versions did not record which stages the leads
 * entered, nor the leads left out as earlier.  Open leads are closed by
 * this version, which records both.
 */
static void
MarkLegacy(Funnel *f)
{
	for (int s = 0; s < f->nstages; s++)
		if (f->reached[s] != 0)
			f->flags |= FUNNEL_LEGACY;
	for (int o = 0; o < f->noutcomes; o++)
		if (f->exits_before[o] != 0)
			f->flags |= FUNNEL_LEGACY;
}

/* Checks one name of a ladder: present, short enough, valid in the database encoding. */
static void
CheckLadderName(const char *name, int maxlen, const char *what)
{
	int			len = strlen(name);

	if (len == 0 || len > maxlen)
		Corrupt(psprintf("a ladder's %s is 1 to %d bytes", what, maxlen));
	if (!pg_verifymbstr(name, len, true))
		Corrupt(psprintf("a ladder's %s is not valid in the database encoding", what));
}

/* Checks an enum ladder's identity: an enum name and n distinct labels. */
static void
CheckLadder(const FunnelLadder *l, int n, int noutcomes)
{
	CheckLadderName(l->type_name, 2 * NAMEDATALEN + 8, "enum name");
	for (int s = 0; s < n; s++)
	{
		CheckLadderName(l->labels[s], NAMEDATALEN - 1, "stage label");
		for (int t = 0; t < s; t++)
			if (strcmp(l->labels[s], l->labels[t]) == 0)
				Corrupt("a ladder's stage labels must be distinct");
	}
	/* declared outcomes: 1 or more when the funnel tracks outcomes, else none */
	if (noutcomes > 0 ? l->nlisted < 1 || l->nlisted > FUNNEL_MAX_STAGES - n : l->nlisted != 0)
		Corrupt("an enum funnel tracks outcomes exactly when it lists its declared outcomes");
	for (int i = 0; i < l->nlisted; i++)
	{
		CheckLadderName(l->outcome_labels[i], NAMEDATALEN - 1, "outcome label");
		if (l->outcome_of[i] >= FUNNEL_MAX_OUTCOMES)
			Corrupt("a declared outcome is recycled, disqualified or lost");
		for (int s = 0; s < n; s++)
			if (strcmp(l->outcome_labels[i], l->labels[s]) == 0)
				Corrupt("a label is a stage and an outcome");
		for (int j = 0; j < i; j++)
			if (strcmp(l->outcome_labels[i], l->outcome_labels[j]) == 0)
				Corrupt("a ladder's outcome labels must be distinct");
	}
}

/* True if a sketch's bucket counts add up to its total (each is at most BUCKET_COUNT_MAX). */
static bool
SketchTotalOk(const FunnelSketch *s)
{
	uint64		total = 0;

	for (int k = 0; k < SKETCH_BUCKETS; k++)
		total += s->counts[k];
	return total == s->total;
}

/*
 * The sketches of a funnel as of a time (see Funnel in funnel.h).  Each
 * lead closed with a known entry at stage a is in the ages of exactly one
 * (a, T), T >= a its highest stage, and for every b > a in exactly one of:
 * converted (a, b), the leads (a, b) left out, or the ages of (a, T) for
 * some T < b (censored).  Closing, merging and remapping keep both sums
 * equal to known[a], so they must be equal; hence too the censored of (a,
 * b) grow with b and the converted and left out shrink.
 */
static void
ValidateAsOf(const Funnel *f)
{
	int			n = f->nstages;

	if (f->as_of < ALIGN_TIME_MIN || f->as_of >= ALIGN_TIME_END)
		Corrupt("as_of out of range");
	for (int a = 0; a < n; a++)
	{
		uint64		known = (uint64) f->known[a];
		uint64		below = 0;	/* the ages of (a, T) for T < b */

		for (int b = 0; b < n; b++)
		{
			const FunnelSketch *conv = f->converted[a * n + b];
			const FunnelSketch *age = f->ages[a * n + b];

			if (conv != NULL &&
				(a >= b || !SketchTotalOk(conv) || conv->total > known ||
				 conv->earlier > known - conv->total))
				Corrupt("conversion counts out of range");
			if (b > a && (conv ? conv->total + conv->earlier : 0) != known - below)
				Corrupt("the converted, left out and censored leads of a pair are not the leads "
						"with a known entry at its first stage");
			if (age == NULL)
				continue;
			if (a > b || age->earlier != 0 || !SketchTotalOk(age) || age->total > known - below)
				Corrupt("age counts out of range");
			below += age->total;
		}
		if (below != known)
			Corrupt("the ages of a stage's leads are not the leads with a known entry at it");
	}
}

/*
 * Checks the invariants every funnel built by align satisfies: counts are
 * non-negative, reached never grows up the ladder, known and exits never
 * exceed reached (known never exceeds entered, which never exceeds
 * reached), a lead exits at most once per outcome (so one outcome's exits
 * over all stages never exceed the leads at the top: reached() of an
 * outcome cannot overflow), and a pair's sketch, with the leads it left
 * out as earlier, holds no more leads than either end has known times.
 */
void
FunnelValidate(const Funnel *f)
{
	int			n = f->nstages;
	int64		outcome_total[FUNNEL_MAX_OUTCOMES] = {0};

	if ((f->flags & FUNNEL_WITHIN) ? f->within_secs < 0 : f->within_secs != 0)
		Corrupt("bad conversion window");
	if (((f->flags & FUNNEL_CALENDAR) != 0) != (f->calendar != NULL))
		Corrupt("a funnel has a calendar exactly when its calendar flag is set");
	if (f->ladder != NULL)
		CheckLadder(f->ladder, n, f->noutcomes);
	else if ((f->flags & FUNNEL_ENUM) && f->noutcomes > 0)
		Corrupt("an enum funnel that tracks outcomes names its enum and labels");
	for (int o = 0; o < f->noutcomes; o++)
		if (f->exits_before[o] < 0)
			Corrupt("exit counts out of range");
	for (int s = 0; s < n; s++)
	{
		if (f->reached[s] < 0 || f->known[s] < 0 || f->known[s] > f->entered[s] ||
			f->entered[s] > f->reached[s])
			Corrupt("counts out of range");
		if (s > 0 && f->reached[s] > f->reached[s - 1])
			Corrupt("more leads reached a stage than the stage before it");
		for (int o = 0; o < f->noutcomes; o++)
		{
			if (f->exits[s][o] < 0 || f->exits[s][o] > f->reached[s])
				Corrupt("exit counts out of range");
			if (pg_add_s64_overflow(outcome_total[o], f->exits[s][o], &outcome_total[o]) ||
				outcome_total[o] > f->reached[0])
				Corrupt("more exits by one outcome than leads in the funnel");
		}
	}
	for (int o = 0; o < f->noutcomes; o++)
		if (pg_add_s64_overflow(outcome_total[o], f->exits_before[o], &outcome_total[o]))
			Corrupt("exit counts out of range");
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
		{
			const FunnelSketch *p = f->pairs[a * n + b];
			uint64		total = 0;

			if (p == NULL)
				continue;
			if (a >= b)
				Corrupt("a time-to-convert pair must go up the ladder");
			for (int k = 0; k < SKETCH_BUCKETS; k++)
				total += p->counts[k];
			if (total != p->total || p->earlier > (uint64) f->known[b] ||
				total + p->earlier > (uint64) f->known[a] || total + p->earlier > (uint64) f->known[b])
				Corrupt("time-to-convert counts out of range");
		}
	if (f->flags & FUNNEL_AS_OF)
		ValidateAsOf(f);
}

/* 8-byte words of f's ladder block in the flat form. */
static Size
LadderWords(const Funnel *f)
{
	Size		bytes;

	if (f->ladder == NULL)
		return 0;
	bytes = 4 * (1 + f->nstages) + strlen(f->ladder->type_name) + 1;
	for (int s = 0; s < f->nstages; s++)
		bytes += strlen(f->ladder->labels[s]) + 1;
	if (f->noutcomes > 0)
	{
		/* the declared outcomes: their number, then each outcome and label */
		bytes++;
		for (int i = 0; i < f->ladder->nlisted; i++)
			bytes += 1 + strlen(f->ladder->outcome_labels[i]) + 1;
	}
	return (bytes + 7) / 8;
}

/* 8-byte words of f's calendar block in the flat form: the length, then the bytes. */
static Size
CalendarWords(const Funnel *f)
{
	if (f->calendar == NULL)
		return 0;
	return 1 + (VARSIZE(f->calendar) - VARHDRSZ + 7) / 8;
}

/* Non-empty sketches of a per-pair array (*count), and the 8-byte words they take in the flat form. */
static Size
SketchListWords(FunnelSketch *const *arr, int n, int *count)
{
	Size		words = 0;

	*count = 0;
	for (int p = 0; p < n * n; p++)
	{
		if (!SketchUsed(arr[p]))
			continue;
		(*count)++;
		words += 2;
		for (int b = 0; b < SKETCH_BUCKETS; b++)
			words += (arr[p]->counts[b] != 0);
	}
	return words;
}

/*
 * Writes the non-empty sketches of a per-pair array at w in the flat form:
 * per pair a head (from | to << 8 | nbuckets << 16), the leads left out,
 * then per non-empty bucket bucket | count << 16.  Returns the next word.
 */
static uint64 *
WriteSketchList(uint64 *w, FunnelSketch *const *arr, int n)
{
	for (int p = 0; p < n * n; p++)
	{
		const FunnelSketch *s = arr[p];
		uint64	   *head;
		uint64		nb = 0;

		if (!SketchUsed(s))
			continue;
		head = w++;
		*w++ = s->earlier;
		for (int b = 0; b < SKETCH_BUCKETS; b++)
		{
			if (s->counts[b] == 0)
				continue;
			if (s->counts[b] > BUCKET_COUNT_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("funnel time-to-convert bucket holds more than 2^48 leads")));
			*w++ = (uint64) b | (s->counts[b] << 16);
			nb++;
		}
		*head = (uint64) (p / n) | ((uint64) (p % n) << 8) | (nb << 16);
	}
	return w;
}

/*
 * Reads count sketches of the flat form (WriteSketchList; version 2 has no
 * word of leads left out) at *w, *avail words left, into a per-pair array
 * of f, checking every bound (diagonal: pairs from a stage to itself too).
 */
static void
ReadSketchList(Funnel *f, FunnelSketch **arr, const uint64 **w, Size *avail, int64 count,
			   int version, bool diagonal)
{
	int			n = f->nstages;

	if (count < 0 || count > n * n)
		Corrupt("too many time-to-convert pairs");
	for (int p = 0; p < count; p++)
	{
		uint64		head;
		uint64		earlier = 0;
		int			from,
					to,
					last = -1;
		uint64		nb;
		FunnelSketch *s;

		if (*avail < (Size) (1 + (version >= 3)))
			Corrupt("truncated time-to-convert pairs");
		head = *(*w)++;
		(*avail)--;
		if (version >= 3)
		{
			earlier = *(*w)++;
			(*avail)--;
		}
		from = head & 0xFF;
		to = (head >> 8) & 0xFF;
		nb = head >> 16;
		if (from >= n || to >= n || from > to || (from == to && !diagonal) ||
			(nb < 1 && earlier == 0) ||
			nb > SKETCH_BUCKETS || nb > *avail || earlier > (uint64) PG_INT64_MAX)
			Corrupt("bad time-to-convert pair");
		if (FunnelSketchOf(f, arr, from, to, false) != NULL)
			Corrupt("repeated time-to-convert pair");
		s = FunnelSketchOf(f, arr, from, to, true);
		s->earlier = earlier;
		for (uint64 k = 0; k < nb; k++)
		{
			uint64		v = *(*w)++;
			int			b = v & 0xFFFF;
			uint64		c = v >> 16;

			if (b >= SKETCH_BUCKETS || b <= last || c == 0)
				Corrupt("bad time-to-convert bucket");
			last = b;
			s->counts[b] = c;
			s->total += c;
		}
		*avail -= nb;
	}
}

/* Bytes of the flat form of f. */
static Size
FlatSize(const Funnel *f, int *npairs)
{
	int			n = f->nstages;
	Size		words = n * (3 + f->noutcomes) + f->noutcomes + LadderWords(f) + CalendarWords(f);
	int			unused;

	FunnelFlush((Funnel *) f);
	words += SketchListWords(f->pairs, n, npairs);
	if (f->flags & FUNNEL_AS_OF)
		words += 3 + SketchListWords(f->converted, n, &unused) +
			SketchListWords(f->ages, n, &unused);
	words += (f->nleads * f->flat_stride + 1) / 2;
	if (words > (MaxAllocSize - FLAT_HEADER_SIZE) / 8)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("funnel too large to store: %llu open leads",
						(unsigned long long) f->nleads),
				 errdetail("A stored funnel, or a partial aggregate passed between processes, is at most 1 GB."),
				 errhint("A partial state holds about 19 million open leads; plan fewer leads per "
						 "parallel worker (max_parallel_workers_per_gather) or per shard.")));
	return FLAT_HEADER_SIZE + words * 8;
}

/* Writes the i-th lead of f in hash order (see FunnelSortedLead) as a flat entry at out. */
static inline void
WriteFlatLead(const Funnel *f, const HashPos *order, uint64 i, uint32 *out)
{
	uint64		hash;
	const uint32 *slots = FunnelSortedLead(f, order, i, &hash);

	out[0] = (uint32) hash;
	out[1] = (uint32) (hash >> 32);
	memcpy(out + 2, slots, f->nslots * sizeof(uint32));
}

/* Writes the flat form of f into dst, which has size bytes, zeroed. */
static void
FlattenInto(const Funnel *f, FunnelFlat *dst, Size size, int npairs)
{
	int			n = f->nstages;
	uint64	   *w = dst->data;
	uint32	   *leads;
	HashPos    *order;

	SET_VARSIZE(dst, size);
	dst->version = FUNNEL_VERSION;
	dst->flags = f->flags;
	dst->nstages = (uint8) n;
	dst->noutcomes = (uint8) f->noutcomes;
	dst->npairs = npairs;
	dst->ladder_words = (int32) LadderWords(f);
	dst->within_secs = f->within_secs;
	dst->nleads = (int64) f->nleads;

	if (f->ladder != NULL)
	{
		uint32	   *oids = (uint32 *) w;
		char	   *p = (char *) (oids + 1 + n);

		oids[0] = f->ladder->type_oid;
		for (int s = 0; s < n; s++)
			oids[1 + s] = f->ladder->oids[s];
		strcpy(p, f->ladder->type_name);
		p += strlen(p) + 1;
		for (int s = 0; s < n; s++)
		{
			strcpy(p, f->ladder->labels[s]);
			p += strlen(p) + 1;
		}
		if (f->noutcomes > 0)
		{
			*p++ = (char) f->ladder->nlisted;
			for (int i = 0; i < f->ladder->nlisted; i++)
			{
				*p++ = (char) f->ladder->outcome_of[i];
				strcpy(p, f->ladder->outcome_labels[i]);
				p += strlen(p) + 1;
			}
		}
		w += dst->ladder_words;
	}
	if (f->calendar != NULL)
	{
		*w = VARSIZE(f->calendar) - VARHDRSZ;
		memcpy(w + 1, VARDATA(f->calendar), *w);
		w += CalendarWords(f);
	}
	if (f->flags & FUNNEL_AS_OF)
	{
		int			count;

		*w++ = (uint64) f->as_of;
		SketchListWords(f->converted, n, &count);
		*w++ = (uint64) count;
		SketchListWords(f->ages, n, &count);
		*w++ = (uint64) count;
	}
	for (int s = 0; s < n; s++)
		*w++ = (uint64) f->reached[s];
	for (int s = 0; s < n; s++)
		*w++ = (uint64) f->known[s];
	for (int s = 0; s < n; s++)
		*w++ = (uint64) f->entered[s];
	for (int s = 0; s < n; s++)
		for (int o = 0; o < f->noutcomes; o++)
			*w++ = (uint64) f->exits[s][o];
	for (int o = 0; o < f->noutcomes; o++)
		*w++ = (uint64) f->exits_before[o];

	w = WriteSketchList(w, f->pairs, n);
	if (f->flags & FUNNEL_AS_OF)
	{
		w = WriteSketchList(w, f->converted, n);
		w = WriteSketchList(w, f->ages, n);
	}

	leads = (uint32 *) w;
	order = FunnelHashOrder(f);
	for (uint64 i = 0; i < f->nleads; i++)
	{
		WriteFlatLead(f, order, i, leads);
		leads += f->flat_stride;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (order)
		pfree(order);
}

/* A palloc'd flat copy of f. */
struct varlena *
FunnelFlatten(const Funnel *f)
{
	int			npairs;
	Size		size = FlatSize(f, &npairs);
	FunnelFlat *flat = palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	FlattenInto(f, flat, size, npairs);
	return (struct varlena *) flat;
}

/*
 * Reads the ladder block of a flat funnel (bytes long) into f: the OIDs,
 * then exactly 1 + nstages NUL-terminated names, then zero padding.
 */
static void
ReadFlatLadder(Funnel *f, const char *block, Size bytes)
{
	FunnelLadder *l = MemoryContextAllocZero(f->cxt, sizeof(FunnelLadder));
	const uint32 *oids = (const uint32 *) block;
	Size		pos = 4 * (1 + f->nstages);

	if (pos > bytes)
		Corrupt("truncated ladder");
	l->type_oid = oids[0];
	for (int s = 0; s < f->nstages; s++)
		l->oids[s] = oids[1 + s];
	for (int k = 0; k <= f->nstages; k++)
	{
		const char *end = memchr(block + pos, '\0', bytes - pos);
		char	   *name;

		if (end == NULL)
			Corrupt("truncated ladder");
		name = MemoryContextStrdup(f->cxt, block + pos);
		if (k == 0)
			l->type_name = name;
		else
			l->labels[k - 1] = name;
		pos = end - block + 1;
	}
	if (f->noutcomes > 0)
	{
		if (pos >= bytes)
			Corrupt("truncated ladder");
		l->nlisted = (uint8) block[pos++];
		if (l->nlisted < 1 || l->nlisted > FUNNEL_MAX_STAGES - f->nstages)
			Corrupt("bad number of declared outcomes");
		for (int i = 0; i < l->nlisted; i++)
		{
			const char *end;

			if (pos >= bytes)
				Corrupt("truncated ladder");
			l->outcome_of[i] = (uint8) block[pos++];
			end = memchr(block + pos, '\0', bytes - pos);
			if (end == NULL)
				Corrupt("truncated ladder");
			l->outcome_labels[i] = MemoryContextStrdup(f->cxt, block + pos);
			pos = end - block + 1;
		}
	}
	if (bytes - pos >= 8)
		Corrupt("bad ladder length");
	for (; pos < bytes; pos++)
		if (block[pos] != '\0')
			Corrupt("bad ladder padding");
	f->ladder = l;
}

/* Reads a flat funnel into a new Funnel in cxt, checking every bound. */
static Funnel *
FunnelFromFlat(const FunnelFlat *flat, MemoryContext cxt)
{
	Size		size = VARSIZE(flat);
	Size		avail;
	const uint64 *w = flat->data;
	Funnel	   *f;
	int			n;
	int64		nconverted = 0,
				nages = 0;

	corrupt_errcode = ERRCODE_DATA_CORRUPTED;
	if (size < FLAT_HEADER_SIZE || (size - FLAT_HEADER_SIZE) % 8 != 0)
		Corrupt("bad length");
	avail = (size - FLAT_HEADER_SIZE) / 8;
	CheckShape(flat->version, flat->flags, flat->nstages, flat->noutcomes);
	if (flat->ladder_words < 0 || flat->npairs < 0 || flat->nleads < 0 ||
		(flat->ladder_words != 0 &&
		 (flat->version < 2 || !(flat->flags & FUNNEL_ENUM) || (Size) flat->ladder_words > avail)))
		Corrupt("bad header");

	f = MemoryContextAlloc(cxt, sizeof(Funnel));
	FunnelInit(f, cxt, flat->flags, flat->nstages, flat->noutcomes, flat->within_secs);
	f->within_secs = flat->within_secs;
	n = f->nstages;

	if (flat->ladder_words > 0)
	{
		ReadFlatLadder(f, (const char *) w, flat->ladder_words * 8);
		w += flat->ladder_words;
		avail -= flat->ladder_words;
	}
	if (flat->flags & FUNNEL_CALENDAR)
	{
		Size		words;
		struct varlena *cal;

		if (avail < 1 || w[0] < 1 || w[0] > (avail - 1) * 8)
			Corrupt("bad calendar length");
		cal = MemoryContextAlloc(cxt, VARHDRSZ + w[0]);
		SET_VARSIZE(cal, VARHDRSZ + w[0]);
		memcpy(VARDATA(cal), w + 1, w[0]);
		f->calendar = cal;
		words = CalendarWords(f);
		for (Size b = VARSIZE(cal) - VARHDRSZ; b < (words - 1) * 8; b++)
			if (((const char *) (w + 1))[b] != '\0')
				Corrupt("bad calendar padding");
		w += words;
		avail -= words;
	}
	if (flat->flags & FUNNEL_AS_OF)
	{
		if (avail < 3)
			Corrupt("truncated as_of block");
		f->as_of = (int64) w[0];
		nconverted = (int64) w[1];
		nages = (int64) w[2];
		w += 3;
		avail -= 3;
	}
	if (avail < (Size) n * (2 + (flat->version >= 3) + f->noutcomes) +
		(flat->version >= 2 ? f->noutcomes : 0))
		Corrupt("truncated counts");
	avail -= n * (2 + (flat->version >= 3) + f->noutcomes);
	for (int s = 0; s < n; s++)
		f->reached[s] = (int64) *w++;
	for (int s = 0; s < n; s++)
		f->known[s] = (int64) *w++;
	for (int s = 0; s < n; s++)
		f->entered[s] = flat->version >= 3 ? (int64) *w++ : f->known[s];
	for (int s = 0; s < n; s++)
		for (int o = 0; o < f->noutcomes; o++)
			f->exits[s][o] = (int64) *w++;
	if (flat->version >= 2)
	{
		for (int o = 0; o < f->noutcomes; o++)
			f->exits_before[o] = (int64) *w++;
		avail -= f->noutcomes;
	}
	if (flat->version < 3)
		MarkLegacy(f);

	ReadSketchList(f, f->pairs, &w, &avail, flat->npairs, flat->version, false);
	if (flat->flags & FUNNEL_AS_OF)
	{
		ReadSketchList(f, f->converted, &w, &avail, nconverted, flat->version, false);
		ReadSketchList(f, f->ages, &w, &avail, nages, flat->version, true);
	}

	if ((uint64) flat->nleads > avail * 2 / f->flat_stride ||
		(Size) ((flat->nleads * f->flat_stride + 1) / 2) != avail)
		Corrupt("bad length for open leads");
	{
		const uint32 *e = (const uint32 *) w;
		uint64		prev = 0;

		/* used in place: strictly increasing hashes, so no lead repeats */
		for (int64 i = 0; i < flat->nleads; i++, e += f->flat_stride)
		{
			uint64		hash = ((uint64) e[1] << 32) | e[0];

			if (i > 0 && hash <= prev)
				Corrupt("open leads out of order or repeated");
			prev = hash;
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		f->flat_leads = flat->nleads > 0 ? (const uint32 *) w : NULL;
		f->nleads = (uint64) flat->nleads;
	}
	FunnelValidate(f);
	return f;
}

/*
 * expanded object: size of the flat form (a state is flattened to be handed
 * over).  Both methods run in the funnel's own context: PostgreSQL calls
 * them in whatever context it is forming a tuple in, since 17 a sort's bump
 * context, where the scratch memory they free could not be freed.
 */
static Size
EFGetFlatSize(ExpandedObjectHeader *eohptr)
{
	int			npairs;
	Size		size;
	MemoryContext old = MemoryContextSwitchTo(eohptr->eoh_context);

	/* spilled open leads come back into the table to be written */
	FunnelUnspill(&((ExpandedFunnel *) eohptr)->f);
	size = FlatSize(&((ExpandedFunnel *) eohptr)->f, &npairs);
	MemoryContextSwitchTo(old);

	CheckPartialStateSize("funnel", size);
	return size;
}

/* expanded object: write the flat form (in the funnel's context, as above) */
static void
EFFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	Funnel	   *f = &((ExpandedFunnel *) eohptr)->f;
	int			npairs;
	MemoryContext old = MemoryContextSwitchTo(eohptr->eoh_context);
	Size		size = FlatSize(f, &npairs);

	Assert(size == allocated_size);
	AdviseHuge(result, allocated_size);
	memset(result, 0, allocated_size);
	FlattenInto(f, (FunnelFlat *) result, size, npairs);
	MemoryContextSwitchTo(old);
}

static const ExpandedObjectMethods funnel_methods = {
	EFGetFlatSize,
	EFFlattenInto
};

/*
 * A new, uninitialised expanded funnel under parent: in its own context, or
 * (shared) in the context the states of the aggregate whose memory is
 * parent share, for a state that is never replaced (AlignStatesContext).
 */
ExpandedFunnel *
ExpandedFunnelCreate(MemoryContext parent, bool shared)
{
	MemoryContext cxt = shared ? AlignStatesContext(parent)
		: AllocSetContextCreate(parent, "align funnel", ALLOCSET_DEFAULT_SIZES);
	ExpandedFunnel *ef = MemoryContextAllocZero(cxt, sizeof(ExpandedFunnel));

	EOH_init_header(&ef->hdr, &funnel_methods, cxt);
	ef->f.cxt = cxt;
	return ef;
}

/*
 * The transition state behind an aggregate's first argument, writable in
 * place: the expanded object itself when the executor hands it back, else a
 * new expanded copy (of a flat value from a partial aggregate) under aggcxt.
 */
ExpandedFunnel *
FunnelStateRW(Datum d, MemoryContext aggcxt)
{
	ExpandedFunnel *ef;
	Funnel	   *f;

	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &funnel_methods)
		return (ExpandedFunnel *) DatumGetEOHP(d);
	ef = ExpandedFunnelCreate(aggcxt, false);
	f = FunnelFromDatum(d, ef->hdr.eoh_context);
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		/* a read-only expanded funnel: copy it, do not share its memory */
		FunnelInitLike(&ef->f, ef->hdr.eoh_context, f);
		FunnelMerge(&ef->f, f);
	}
	else
	{
		/* a flat value read in place: copy its leads before it goes away */
		ef->f = *f;
		if (ef->f.flat_leads != NULL)
			FunnelThaw(&ef->f);
	}
	return ef;
}

/*
 * The Funnel behind a datum: the expanded object itself when it is one
 * (not copied: read-only callers must not change it), else a new Funnel
 * read from the flat form into cxt.
 */
Funnel *
FunnelFromDatum(Datum d, MemoryContext cxt)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &funnel_methods)
		{
			Funnel	   *f = &((ExpandedFunnel *) eoh)->f;

			FunnelFlush(f);
			return f;
		}
	}
	return FunnelFromFlat((FunnelFlat *) PG_DETOAST_DATUM(d), cxt);
}

/*
 * f's open leads as a flat-mode view in hash order: f itself when it already
 * is one, else a copy of the entries sorted by one radix sort.  The view
 * shares f's counts and sketches; it is read, never changed.
 */
static Funnel *
SortedView(Funnel *f)
{
	Funnel	   *v;
	HashPos    *order;
	uint32	   *buf;
	void	   *alloc;

	FunnelFlush(f);
	if (f->flat_leads != NULL || f->nleads == 0)
		return f;
	order = FunnelHashOrder(f);
	buf = AllocLarge(CurrentMemoryContext, f->nleads * f->flat_stride * sizeof(uint32), &alloc);
	for (uint64 i = 0; i < f->nleads; i++)
	{
		WriteFlatLead(f, order, i, buf + i * f->flat_stride);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(order);
	v = palloc(sizeof(Funnel));
	*v = *f;
	v->flat_leads = buf;
	v->hot = NULL;
	return v;
}

/*
 * Combine for partial states with open leads (from parallel workers, where
 * the leader's own state arrives expanded and the workers' flat): a (may be
 * 0 for none) + b as a new expanded funnel in flat mode under aggcxt, by one
 * linear merge of the leads in hash order.  Returns 0 when b has no open
 * leads (rollup of closed funnels); the caller then merges in place.
 */
Datum
FunnelCombineSorted(Datum a, Datum b, MemoryContext aggcxt)
{
	Funnel	   *fa = NULL;
	Funnel	   *fb;
	ExpandedFunnel *ef;

	fb = FunnelFromDatum(b, CurrentMemoryContext);
	FunnelFlush(fb);
	if (fb->nleads == 0)
		return (Datum) 0;		/* a closed funnel (rollup): merge in place */
	fb = SortedView(fb);
	if (a != (Datum) 0)
	{
		fa = FunnelFromDatum(a, CurrentMemoryContext);
		if (FunnelIsEmpty(fa))
			fa = NULL;
		else
			fa = SortedView(fa);
	}
	ef = ExpandedFunnelCreate(aggcxt, false);
	FunnelInitLike(&ef->f, ef->hdr.eoh_context, fb);
	if (fa == NULL)
	{
		Funnel		none = ef->f;	/* an empty funnel of b's shape */

		FunnelMergeSorted(&ef->f, &none, fb);
	}
	else
		FunnelMergeSorted(&ef->f, fa, fb);
	return EOHPGetRWDatum(&ef->hdr);
}

/* ---------- text I/O ---------- */

/* Appends a JSON array of n int64 counts. */
static void
AppendCounts(StringInfo buf, const int64 *v, int n, int stride)
{
	appendStringInfoChar(buf, '[');
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, "%s" INT64_FORMAT, i ? ", " : "", v[i * stride]);
	appendStringInfoChar(buf, ']');
}

/* Writes v as 4 little-endian bytes at p. */
static inline void
PutLE32(unsigned char *p, uint32 v)
{
	p[0] = (unsigned char) v;
	p[1] = (unsigned char) (v >> 8);
	p[2] = (unsigned char) (v >> 16);
	p[3] = (unsigned char) (v >> 24);
}

/* Reads 4 little-endian bytes at p. */
static inline uint32
GetLE32(const unsigned char *p)
{
	return (uint32) p[0] | (uint32) p[1] << 8 | (uint32) p[2] << 16 | (uint32) p[3] << 24;
}

/* Open leads packed per batch for base64: a multiple of 3 leads, so of 3 bytes. */
#define PACK_BATCH	3072

/*
 * Appends f's open leads in hash order as base64 of packed entries: per
 * lead the lower and upper 32 bits of its hash, then its slots, each
 * 4 bytes little-endian.  A partial state shipped as text (Citus) carries
 * every lead its shard saw; this is read back with one base64 decode
 * instead of a JSON array per lead (version 1 wrote those).
 */
static void
AppendPackedLeads(StringInfo buf, const Funnel *f)
{
	HashPos    *order = FunnelHashOrder(f);
	int			entry = 4 * f->flat_stride;
	unsigned char *raw = palloc(PACK_BATCH * entry);

	for (uint64 i = 0; i < f->nleads; i += PACK_BATCH)
	{
		int			n = (int) Min(f->nleads - i, PACK_BATCH);
		unsigned char *p = raw;
		int			len;

		for (int k = 0; k < n; k++)
		{
			uint64		hash;
			const uint32 *slots = FunnelSortedLead(f, order, i + k, &hash);

			PutLE32(p, (uint32) hash);
			PutLE32(p + 4, (uint32) (hash >> 32));
			p += 8;
			for (int s = 0; s < f->nslots; s++, p += 4)
				PutLE32(p, slots[s]);
		}
		enlargeStringInfo(buf, pg_b64_enc_len(n * entry) + 1);
		len = pg_b64_encode((const Base64Byte *) raw, n * entry, buf->data + buf->len,
							buf->maxlen - buf->len);
		if (len < 0)
			elog(ERROR, "could not encode a funnel's open leads");
		buf->len += len;
		buf->data[buf->len] = '\0';
		CHECK_FOR_INTERRUPTS();
	}
	pfree(raw);
	if (order)
		pfree(order);
}

/* Appends a per-pair array's sketches as a JSON object: "from-to": [[bucket, count], ...]. */
static void
AppendSketches(StringInfo buf, FunnelSketch *const *arr, int n)
{
	bool		first = true;

	appendStringInfoChar(buf, '{');
	for (int p = 0; p < n * n; p++)
	{
		const FunnelSketch *s = arr[p];
		bool		firstb = true;

		if (s == NULL || s->total == 0)
			continue;
		appendStringInfo(buf, "%s\"%d-%d\": [", first ? "" : ", ", p / n + 1, p % n + 1);
		first = false;
		for (int b = 0; b < SKETCH_BUCKETS; b++)
			if (s->counts[b] != 0)
			{
				appendStringInfo(buf, "%s[%d, " UINT64_FORMAT "]", firstb ? "" : ", ",
								 b, s->counts[b]);
				firstb = false;
			}
		appendStringInfoChar(buf, ']');
	}
	appendStringInfoChar(buf, '}');
}

/* Appends a per-pair array's leads left out as a JSON object: "from-to": leads. */
static void
AppendEarlier(StringInfo buf, FunnelSketch *const *arr, int n)
{
	bool		first = true;

	appendStringInfoChar(buf, '{');
	for (int p = 0; p < n * n; p++)
		if (arr[p] != NULL && arr[p]->earlier != 0)
		{
			appendStringInfo(buf, "%s\"%d-%d\": " UINT64_FORMAT, first ? "" : ", ",
							 p / n + 1, p % n + 1, arr[p]->earlier);
			first = false;
		}
	appendStringInfoChar(buf, '}');
}

PG_FUNCTION_INFO_V1(funnel_out);
/* Text output: readable JSON, canonical, parsed back exactly by funnel_in. */
Datum
funnel_out(PG_FUNCTION_ARGS)
{
	Funnel	   *f = PG_GETARG_FUNNEL(0);
	int			n = f->nstages;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"vocabulary\": \"%s\", ",
					 FUNNEL_VERSION, (f->flags & FUNNEL_ENUM) ? "enum" : "lead_stage");
	if (f->ladder != NULL)
	{
		appendStringInfoString(&buf, "\"ladder\": ");
		escape_json(&buf, f->ladder->type_name);
		appendStringInfoString(&buf, ", \"labels\": [");
		for (int s = 0; s < n; s++)
		{
			if (s > 0)
				appendStringInfoString(&buf, ", ");
			escape_json(&buf, f->ladder->labels[s]);
		}
		appendStringInfoString(&buf, "], ");
		if (f->noutcomes > 0)
		{
			/* the values declared outcomes, and which */
			appendStringInfoString(&buf, "\"outcome_labels\": [");
			for (int i = 0; i < f->ladder->nlisted; i++)
			{
				if (i > 0)
					appendStringInfoString(&buf, ", ");
				escape_json(&buf, f->ladder->outcome_labels[i]);
			}
			appendStringInfoString(&buf, "], \"outcome_of\": [");
			for (int i = 0; i < f->ladder->nlisted; i++)
				appendStringInfo(&buf, "%s\"%s\"", i > 0 ? ", " : "",
								 outcome_names[f->ladder->outcome_of[i]]);
			appendStringInfoString(&buf, "], ");
		}
	}
	appendStringInfo(&buf, "\"stages\": %d, \"within_seconds\": ", n);
	if (f->flags & FUNNEL_WITHIN)
		appendStringInfo(&buf, INT64_FORMAT, f->within_secs);
	else
		appendStringInfoString(&buf, "null");
	if (f->calendar != NULL)
	{
		appendStringInfoString(&buf, ", \"calendar\": ");
		escape_json(&buf, DatumGetCString(DirectFunctionCall1(work_calendar_out,
															  PointerGetDatum(f->calendar))));
	}
	if (f->flags & FUNNEL_AS_OF)
		appendStringInfo(&buf, ", \"as_of\": \"%s\"", FunnelAsOfText(f->as_of));
	if (f->flags & FUNNEL_LEGACY)
		appendStringInfoString(&buf, ", \"legacy\": true");
	appendStringInfoString(&buf, ", \"reached\": ");
	AppendCounts(&buf, f->reached, n, 1);
	appendStringInfoString(&buf, ", \"known\": ");
	AppendCounts(&buf, f->known, n, 1);
	appendStringInfoString(&buf, ", \"entered\": ");
	AppendCounts(&buf, f->entered, n, 1);
	for (int o = 0; o < f->noutcomes; o++)
	{
		appendStringInfo(&buf, ", \"%s\": ", outcome_names[o]);
		AppendCounts(&buf, &f->exits[0][o], n, FUNNEL_MAX_OUTCOMES);
	}
	if (f->noutcomes > 0)
	{
		appendStringInfoString(&buf, ", \"before_ladder\": ");
		AppendCounts(&buf, f->exits_before, f->noutcomes, 1);
	}
	appendStringInfoString(&buf, ", \"times\": ");
	AppendSketches(&buf, f->pairs, n);
	appendStringInfoString(&buf, ", \"earlier\": ");
	AppendEarlier(&buf, f->pairs, n);
	if (f->flags & FUNNEL_AS_OF)
	{
		appendStringInfoString(&buf, ", \"converted\": ");
		AppendSketches(&buf, f->converted, n);
		appendStringInfoString(&buf, ", \"ages\": ");
		AppendSketches(&buf, f->ages, n);
		appendStringInfoString(&buf, ", \"left_out\": ");
		AppendEarlier(&buf, f->converted, n);
	}
	if (f->nleads > 0)
	{
		appendStringInfoString(&buf, ", \"leads\": \"");
		AppendPackedLeads(&buf, f);
		appendStringInfoChar(&buf, '"');
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* A JSON number that must be an integer in [min, max]. */
static int64
JsonInt(const JsonbValue *v, int64 min, int64 max, const char *what)
{
	Datum		num;
	int64		result;

	if (v == NULL || v->type != jbvNumeric)
		Corrupt(psprintf("\"%s\" must be a number", what));
	num = NumericGetDatum(v->val.numeric);
	if (numeric_is_nan(v->val.numeric))
		Corrupt(psprintf("\"%s\" must be a number", what));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, num,
										  NumericGetDatum(int64_to_numeric(min)))) < 0 ||
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, num,
										  NumericGetDatum(int64_to_numeric(max)))) > 0)
		Corrupt(psprintf("\"%s\" out of range", what));
	result = DatumGetInt64(DirectFunctionCall1(numeric_int8, num));
	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, num,
										  NumericGetDatum(int64_to_numeric(result)))))
		Corrupt(psprintf("\"%s\" must be a whole number", what));
	return result;
}

/* The container of a JSON array value, checking its length if len >= 0. */
static JsonbContainer *
JsonArray(const JsonbValue *v, int len, const char *what)
{
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		(len >= 0 && JsonContainerSize(v->val.binary.data) != (uint32) len))
		Corrupt(len >= 0 ? psprintf("\"%s\" must be an array of %d numbers", what, len)
				: psprintf("\"%s\" must be an array", what));
	return v->val.binary.data;
}

/* Member key of the object, or NULL. */
static JsonbValue *
JsonMember(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

/* Reads an array of n counts into v[i * stride]. */
static void
ReadCounts(JsonbContainer *obj, const char *key, int64 *v, int n, int stride)
{
	JsonbContainer *arr = JsonArray(JsonMember(obj, key), n, key);

	for (int i = 0; i < n; i++)
		v[i * stride] = JsonInt(getIthJsonbValueFromContainer(arr, i), 0, PG_INT64_MAX, key);
}

/*
 * Reads a rank of a "times" key at *p: one to three digits, no sign, no
 * leading zero, so every pair has exactly one spelling.  -1 if there is none.
 */
static int
ParseRank(const char **p)
{
	int			v = 0,
				digits = 0;

	if (**p == '0')
		return -1;
	while (**p >= '0' && **p <= '9' && digits < 3)
	{
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits > 0 ? v : -1;
}

/* Parses a "times" key "from-to" exactly as funnel_out writes it. */
static bool
ParsePairKey(const char *key, int *from, int *to)
{
	const char *p = key;

	*from = ParseRank(&p);
	if (*from < 0 || *p++ != '-')
		return false;
	*to = ParseRank(&p);
	return *to >= 0 && *p == '\0';
}

/*
 * The stage pair a key of the "times" or "earlier" object (what) names,
 * "from-to" with 1 <= from < to <= the funnel's stages (diagonal: from <=
 * to), into 0-based *from and *to.
 */
static void
PairOfKey(const Funnel *f, const JsonbValue *key, const char *what, bool diagonal,
		  int *from, int *to)
{
	char		text[32];

	if (key->val.string.len >= (int) sizeof(text))
		Corrupt(psprintf("bad \"%s\" key", what));
	memcpy(text, key->val.string.val, key->val.string.len);
	text[key->val.string.len] = '\0';
	if (!ParsePairKey(text, from, to) || *from < 1 || *to < *from ||
		(*to == *from && !diagonal) || *to > f->nstages)
		Corrupt(psprintf("bad \"%s\" key \"%s\": expected \"from-to\" with 1 <= from %s to <= %d",
						 what, text, diagonal ? "<=" : "<", f->nstages));
	(*from)--;
	(*to)--;
}

/*
 * Reads a sketches object (what: "times", ...) into a per-pair array:
 * "from-to": [[bucket, count], ...] (diagonal: see PairOfKey).
 */
static void
ReadTimes(Funnel *f, FunnelSketch **arr, JsonbValue *times, const char *what, bool diagonal)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (times == NULL || times->type != jbvBinary || !JsonContainerIsObject(times->val.binary.data))
		Corrupt(psprintf("\"%s\" must be an object", what));
	it = JsonbIteratorInit(times->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		int			from,
					to;
		FunnelSketch *s;
		JsonbContainer *buckets;
		int			last = -1;

		if (tok != WJB_KEY)
			continue;
		PairOfKey(f, &v, what, diagonal, &from, &to);
		s = FunnelSketchOf(f, arr, from, to, true);
		if (JsonbIteratorNext(&it, &v, true) != WJB_VALUE)
			Corrupt(psprintf("bad \"%s\"", what));
		buckets = JsonArray(&v, -1, what);
		if (JsonContainerSize(buckets) < 1 || JsonContainerSize(buckets) > SKETCH_BUCKETS)
			Corrupt("bad number of time-to-convert buckets");
		for (uint32 i = 0; i < JsonContainerSize(buckets); i++)
		{
			JsonbContainer *bc = JsonArray(getIthJsonbValueFromContainer(buckets, i), 2, "times bucket");
			int			b = (int) JsonInt(getIthJsonbValueFromContainer(bc, 0), 0,
										  SKETCH_BUCKETS - 1, "times bucket");
			int64		c = JsonInt(getIthJsonbValueFromContainer(bc, 1), 1,
									BUCKET_COUNT_MAX, "times count");

			if (b <= last)
				Corrupt("time-to-convert buckets must be in increasing order");
			last = b;
			s->counts[b] = (uint64) c;
			s->total += (uint64) c;
		}
	}
}

/*
 * Reads "earlier": {"from-to": leads, ...}, the leads each pair left out as
 * having entered "to" first (or "left_out", what, into the converted sketches).
 */
static void
ReadEarlier(Funnel *f, FunnelSketch **arr, JsonbValue *earlier, const char *what)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (earlier == NULL || earlier->type != jbvBinary ||
		!JsonContainerIsObject(earlier->val.binary.data))
		Corrupt(psprintf("\"%s\" must be an object", what));
	it = JsonbIteratorInit(earlier->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		int			from,
					to;

		if (tok != WJB_KEY)
			continue;
		PairOfKey(f, &v, what, false, &from, &to);
		if (JsonbIteratorNext(&it, &v, true) != WJB_VALUE)
			Corrupt(psprintf("bad \"%s\"", what));
		FunnelSketchOf(f, arr, from, to, true)->earlier =
			(uint64) JsonInt(&v, 1, PG_INT64_MAX, what);
	}
}

/* A JSON string as a palloc'd C string. */
static char *
JsonString(const JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvString)
		Corrupt(psprintf("\"%s\" must be a string", what));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* Reads an enum ladder's identity: "ladder" (the enum) and "labels". */
static void
ReadLadder(Funnel *f, JsonbContainer *root)
{
	FunnelLadder *l = palloc0(sizeof(FunnelLadder));
	JsonbContainer *arr;
	JsonbValue *v;

	l->type_name = JsonString(JsonMember(root, "ladder"), "ladder");
	arr = JsonArray(JsonMember(root, "labels"), f->nstages, "labels");
	for (int s = 0; s < f->nstages; s++)
		l->labels[s] = JsonString(getIthJsonbValueFromContainer(arr, s), "labels");
	if (f->noutcomes > 0)
	{
		JsonbContainer *kinds;

		v = JsonMember(root, "outcome_labels");
		if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
			Corrupt("\"outcome_labels\" must be an array of the labels declared outcomes");
		l->nlisted = JsonContainerSize(v->val.binary.data);
		if (l->nlisted < 1 || l->nlisted > FUNNEL_MAX_STAGES - f->nstages)
			Corrupt("bad number of declared outcomes");
		arr = JsonArray(v, l->nlisted, "outcome_labels");
		kinds = JsonArray(JsonMember(root, "outcome_of"), l->nlisted, "outcome_of");
		for (int i = 0; i < l->nlisted; i++)
		{
			char	   *kind = JsonString(getIthJsonbValueFromContainer(kinds, i), "outcome_of");
			int			o = 0;

			l->outcome_labels[i] = JsonString(getIthJsonbValueFromContainer(arr, i), "outcome_labels");
			while (o < FUNNEL_MAX_OUTCOMES && strcmp(outcome_names[o], kind) != 0)
				o++;
			if (o == FUNNEL_MAX_OUTCOMES)
				Corrupt("\"outcome_of\" holds recycled, disqualified or lost");
			l->outcome_of[i] = (uint8) o;
		}
	}
	f->ladder = l;
}

/*
 * Reads the "leads" string of version 2 (see AppendPackedLeads) into f's
 * open leads, used in place in hash order: strictly increasing hashes, so
 * no lead repeats.
 */
static void
ReadPackedLeads(Funnel *f, const JsonbValue *leads)
{
	int			entry = 4 * f->flat_stride;
	int			maxlen;
	int			len;
	unsigned char *raw;
	uint32	   *out;
	uint64		n;
	uint64		prev = 0;

	if (leads->type != jbvString)
		Corrupt("\"leads\" must be a string of base64");
	maxlen = pg_b64_dec_len(leads->val.string.len);
	raw = palloc(maxlen + 1);
	len = pg_b64_decode(leads->val.string.val, leads->val.string.len, (Base64Byte *) raw, maxlen);
	if (len <= 0 || len % entry != 0)
		Corrupt("\"leads\" is not base64 of whole lead entries");
	n = len / entry;
	out = palloc((Size) n * f->flat_stride * sizeof(uint32));
	for (uint64 i = 0; i < n; i++)
	{
		const unsigned char *e = raw + i * entry;
		uint32	   *o = out + i * f->flat_stride;
		uint64		hash;

		for (int k = 0; k < f->flat_stride; k++)
			o[k] = GetLE32(e + 4 * k);
		hash = ((uint64) o[1] << 32) | o[0];
		if (i > 0 && hash <= prev)
			Corrupt("open leads out of order or repeated");
		prev = hash;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(raw);
	f->flat_leads = out;
	f->flat_alloc = out;
	f->nleads = n;
}

/* Reads the "leads" array of open leads (version 1). */
static void
ReadLeads(Funnel *f, JsonbValue *leads)
{
	JsonbContainer *arr = JsonArray(leads, -1, "leads");

	for (uint32 i = 0; i < JsonContainerSize(arr); i++)
	{
		JsonbContainer *e = JsonArray(getIthJsonbValueFromContainer(arr, i),
									  1 + f->nslots, "lead");
		JsonbValue *h = getIthJsonbValueFromContainer(e, 0);
		char		hex[17];
		char	   *end;
		uint64		hash;
		uint32	   *slots;
		uint64		before = f->nleads;

		if (h->type != jbvString || h->val.string.len != 16)
			Corrupt("a lead hash is a string of 16 hex digits");
		memcpy(hex, h->val.string.val, 16);
		hex[16] = '\0';
		if (strspn(hex, "0123456789abcdef") != 16)
			Corrupt("a lead hash is a string of 16 hex digits");
		hash = strtoull(hex, &end, 16);
		slots = FunnelLeadSlots(f, hash);
		if (f->nleads == before)
			Corrupt("repeated lead");
		for (int k = 0; k < f->nslots; k++)
			slots[k] = (uint32) JsonInt(getIthJsonbValueFromContainer(e, 1 + k), 0,
										PG_UINT32_MAX, "lead slot");
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Scalar callback of CheckJsonSyntax: every number in a funnel is a plain
 * integer of at most 20 characters, so none can overflow jsonb's numeric.
 */
static JsonActionResult
CheckJsonNumber(void *state, char *token, JsonTokenType tokentype)
{
	size_t		len = strlen(token);

	if (tokentype == JSON_TOKEN_NUMBER &&
		(len > 20 || strspn(token, "-0123456789") != len))
		Corrupt(psprintf("number %.24s%s is not an integer of at most 20 digits",
						 token, len > 24 ? "..." : ""));
	JSON_ACTION_DONE;
}

/*
 * Object and array callback of CheckJsonSyntax: a funnel nests four deep at
 * most (the object, "times", a pair's buckets, a bucket), so deeper input is
 * rejected long before it could exhaust the stack.
 */
static JsonActionResult
CheckJsonDepth(void *state)
{
	if (++*(int *) state > 4)
		Corrupt("JSON nested too deeply");
	JSON_ACTION_DONE;
}

/* Object and array end callback of CheckJsonSyntax. */
static JsonActionResult
CheckJsonDepthEnd(void *state)
{
	--*(int *) state;
	JSON_ACTION_DONE;
}

/*
 * Raises the corrupt-value error (not jsonb's own input errors) for text
 * that is not valid JSON, before jsonb_in sees it.
 */
static void
CheckJsonSyntax(char *str)
{
	JsonLexContext *lex = JsonLexerCstring(str, strlen(str), GetDatabaseEncoding(), true);
	JsonSemAction sem;
	JsonParseErrorType err;
	int			depth = 0;

	memset(&sem, 0, sizeof(sem));
	sem.semstate = &depth;
	sem.object_start = CheckJsonDepth;
	sem.array_start = CheckJsonDepth;
	sem.object_end = CheckJsonDepthEnd;
	sem.array_end = CheckJsonDepthEnd;
	sem.scalar = CheckJsonNumber;
	err = pg_parse_json(lex, &sem);
	if (err != JSON_SUCCESS)
		Corrupt(psprintf("not valid JSON: %s", json_errdetail(err, lex)));
}

PG_FUNCTION_INFO_V1(funnel_in);
/* Text input: the JSON funnel_out prints, parsed by PostgreSQL's jsonb parser. */
Datum
funnel_in(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb;
	JsonbContainer *root;
	JsonbValue *v;
	Funnel	   *f;
	int			version,
				nstages,
				noutcomes,
				flags = 0;
	int64		within = 0;
	TimestampTz as_of = 0;
	uint32		nkeys = 0;
	struct varlena *calendar = NULL;

	corrupt_errcode = ERRCODE_INVALID_TEXT_REPRESENTATION;
	CheckJsonSyntax(PG_GETARG_CSTRING(0));
	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, PG_GETARG_DATUM(0)));
	root = &jb->root;
	if (!JsonContainerIsObject(root) || JsonContainerIsScalar(root))
		Corrupt("expected a JSON object");

	version = (int) JsonInt(JsonMember(root, "version"), 0, 255, "version");
	if (version < 1 || version > FUNNEL_VERSION)
		CheckShape(version, 0, STAGE_LADDER_SIZE, STAGE_OUTCOMES);
	nstages = (int) JsonInt(JsonMember(root, "stages"), 1, FUNNEL_MAX_STAGES, "stages");
	v = JsonMember(root, "vocabulary");
	if (v == NULL || v->type != jbvString)
		Corrupt("\"vocabulary\" must be \"lead_stage\" or \"enum\"");
	if (v->val.string.len == 4 && memcmp(v->val.string.val, "enum", 4) == 0)
		flags |= FUNNEL_ENUM;
	else if (!(v->val.string.len == 10 && memcmp(v->val.string.val, "lead_stage", 10) == 0))
		Corrupt("\"vocabulary\" must be \"lead_stage\" or \"enum\"");
	v = JsonMember(root, "within_seconds");
	if (v == NULL)
		Corrupt("missing \"within_seconds\"");
	if (v->type != jbvNull)
	{
		flags |= FUNNEL_WITHIN;
		within = JsonInt(v, 0, PG_INT64_MAX, "within_seconds");
	}
	v = JsonMember(root, "calendar");
	if (v != NULL)
	{
		/* its canonical text, checked as work_calendar input is (22P02) */
		if (v->type != jbvString)
			Corrupt("\"calendar\" must be a work_calendar's text");
		flags |= FUNNEL_CALENDAR;
		calendar = (struct varlena *) DatumGetPointer(
			DirectFunctionCall1(work_calendar_in,
								CStringGetDatum(pnstrdup(v->val.string.val, v->val.string.len))));
	}
	v = JsonMember(root, "as_of");
	if (v != NULL)
	{
		/* ISO 8601 in UTC, exactly as funnel_out writes it */
		char	   *text;
		struct pg_tm tm;
		int			usec;

		if (v->type != jbvString || v->val.string.len > 40)
			Corrupt("\"as_of\" must be a time such as \"2026-03-01T00:00:00.000000Z\"");
		text = pnstrdup(v->val.string.val, v->val.string.len);
		flags |= FUNNEL_AS_OF;
		memset(&tm, 0, sizeof(tm));
		if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d.%6dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &usec) != 7 ||
			tm.tm_year < 1900 || tm.tm_year > 2200 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
			tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
			tm.tm_sec > 59 || usec < 0 ||
			tm2timestamp(&tm, usec, NULL, &as_of) != 0 ||
			as_of < ALIGN_TIME_MIN || as_of >= ALIGN_TIME_END ||
			strcmp(text, FunnelAsOfText(as_of)) != 0)
			Corrupt("\"as_of\" must be a time such as \"2026-03-01T00:00:00.000000Z\"");
	}
	/* an enum funnel tracks outcomes when its enum declares some (ladder_outcome) */
	noutcomes = !(flags & FUNNEL_ENUM) ||
		(version >= 3 && JsonMember(root, outcome_names[0]) != NULL) ? STAGE_OUTCOMES : 0;
	CheckShape(version, flags, nstages, noutcomes);
	nkeys = 7 + noutcomes + (calendar != NULL);

	f = palloc(sizeof(Funnel));
	FunnelInit(f, CurrentMemoryContext, flags, nstages, noutcomes, within);
	FunnelSetCalendar(f, calendar);
	f->as_of = as_of;
	ReadCounts(root, "reached", f->reached, nstages, 1);
	ReadCounts(root, "known", f->known, nstages, 1);
	if (version >= 3)
	{
		ReadCounts(root, "entered", f->entered, nstages, 1);
		ReadEarlier(f, f->pairs, JsonMember(root, "earlier"), "earlier");
		nkeys += 2;
		v = JsonMember(root, "legacy");
		if (v != NULL)
		{
			if (v->type != jbvBool || !v->val.boolean)
				Corrupt("\"legacy\" must be true when present");
			f->flags |= FUNNEL_LEGACY;
			nkeys++;
		}
	}
	else
	{
		memcpy(f->entered, f->known, sizeof(f->entered));
		MarkLegacy(f);
	}
	for (int o = 0; o < f->noutcomes; o++)
		ReadCounts(root, outcome_names[o], &f->exits[0][o], nstages, FUNNEL_MAX_OUTCOMES);
	if (version >= 2 && f->noutcomes > 0)
	{
		ReadCounts(root, "before_ladder", f->exits_before, f->noutcomes, 1);
		nkeys++;
	}
	if (version >= 2 && (flags & FUNNEL_ENUM) &&
		(JsonMember(root, "ladder") != NULL || JsonMember(root, "labels") != NULL))
	{
		ReadLadder(f, root);
		nkeys += 2 + (f->noutcomes > 0 ? 2 : 0);
	}
	ReadTimes(f, f->pairs, JsonMember(root, "times"), "times", false);
	if (f->flags & FUNNEL_AS_OF)
	{
		ReadTimes(f, f->converted, JsonMember(root, "converted"), "converted", false);
		ReadTimes(f, f->ages, JsonMember(root, "ages"), "ages", true);
		ReadEarlier(f, f->converted, JsonMember(root, "left_out"), "left_out");
		nkeys += 4;
	}
	v = JsonMember(root, "leads");
	if (v != NULL)
	{
		if (version >= 2)
			ReadPackedLeads(f, v);
		else
			ReadLeads(f, v);
		nkeys++;
	}
	if (JsonContainerSize(root) != nkeys)
		Corrupt("unexpected keys");
	FunnelValidate(f);
	PG_RETURN_POINTER(FunnelFlatten(f));
}

PG_FUNCTION_INFO_V1(funnel_to_jsonb);
/* Cast to jsonb: the text form, as a jsonb document. */
Datum
funnel_to_jsonb(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, DirectFunctionCall1(funnel_out, PG_GETARG_DATUM(0)));
}

/* ---------- binary I/O ---------- */

/*
 * Sends the non-empty sketches of a per-pair array: their number, then per
 * pair from, to, the number of buckets, the leads left out, and per
 * non-empty bucket its number and count.
 */
static void
SendSketchList(StringInfo buf, FunnelSketch *const *arr, int n)
{
	int			count = 0;

	for (int p = 0; p < n * n; p++)
		count += SketchUsed(arr[p]);
	pq_sendint32(buf, count);
	for (int p = 0; p < n * n; p++)
	{
		const FunnelSketch *s = arr[p];
		int			nb = 0;

		if (!SketchUsed(s))
			continue;
		for (int b = 0; b < SKETCH_BUCKETS; b++)
			nb += (s->counts[b] != 0);
		pq_sendbyte(buf, (uint8) (p / n));
		pq_sendbyte(buf, (uint8) (p % n));
		pq_sendint16(buf, (uint16) nb);
		pq_sendint64(buf, (int64) s->earlier);
		for (int b = 0; b < SKETCH_BUCKETS; b++)
			if (s->counts[b] != 0)
			{
				pq_sendint16(buf, (uint16) b);
				pq_sendint64(buf, (int64) s->counts[b]);
			}
	}
}

PG_FUNCTION_INFO_V1(funnel_send);
/* Binary output: version byte first, then the same fields as the flat form. */
Datum
funnel_send(PG_FUNCTION_ARGS)
{
	Funnel	   *f = PG_GETARG_FUNNEL(0);
	int			n = f->nstages;
	StringInfoData buf;
	HashPos    *order;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, FUNNEL_VERSION);
	pq_sendbyte(&buf, f->flags);
	pq_sendbyte(&buf, (uint8) n);
	pq_sendbyte(&buf, (uint8) f->noutcomes);
	pq_sendint64(&buf, f->within_secs);
	if (f->flags & FUNNEL_ENUM)
	{
		pq_sendbyte(&buf, f->ladder != NULL);
		if (f->ladder != NULL)
		{
			pq_sendstring(&buf, f->ladder->type_name);
			for (int s = 0; s < n; s++)
				pq_sendstring(&buf, f->ladder->labels[s]);
			if (f->noutcomes > 0)
			{
				pq_sendbyte(&buf, (uint8) f->ladder->nlisted);
				for (int i = 0; i < f->ladder->nlisted; i++)
				{
					pq_sendbyte(&buf, f->ladder->outcome_of[i]);
					pq_sendstring(&buf, f->ladder->outcome_labels[i]);
				}
			}
		}
	}
	if (f->calendar != NULL)
	{
		/* work_calendar_send's form: portable, and read back checked */
		bytea	   *cal = CalendarToBinary(f->calendar);

		pq_sendint32(&buf, VARSIZE_ANY_EXHDR(cal));
		pq_sendbytes(&buf, VARDATA_ANY(cal), VARSIZE_ANY_EXHDR(cal));
	}
	if (f->flags & FUNNEL_AS_OF)
		pq_sendint64(&buf, f->as_of);
	for (int s = 0; s < n; s++)
		pq_sendint64(&buf, f->reached[s]);
	for (int s = 0; s < n; s++)
		pq_sendint64(&buf, f->known[s]);
	for (int s = 0; s < n; s++)
		pq_sendint64(&buf, f->entered[s]);
	for (int s = 0; s < n; s++)
		for (int o = 0; o < f->noutcomes; o++)
			pq_sendint64(&buf, f->exits[s][o]);
	for (int o = 0; o < f->noutcomes; o++)
		pq_sendint64(&buf, f->exits_before[o]);
	SendSketchList(&buf, f->pairs, n);
	if (f->flags & FUNNEL_AS_OF)
	{
		SendSketchList(&buf, f->converted, n);
		SendSketchList(&buf, f->ages, n);
	}
	pq_sendint64(&buf, (int64) f->nleads);
	order = FunnelHashOrder(f);
	for (uint64 i = 0; i < f->nleads; i++)
	{
		uint64		hash;
		const uint32 *e = FunnelSortedLead(f, order, i, &hash);

		pq_sendint64(&buf, (int64) hash);
		for (int k = 0; k < f->nslots; k++)
			pq_sendint32(&buf, e[k]);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Readers of the binary form: the corrupt-value error, not the protocol
 * error of pq_getmsg*, when the value ends early.
 */
static void
NeedBytes(StringInfo msg, int n)
{
	if (msg->len - msg->cursor < n)
		Corrupt("binary value ends early");
}

/* An unsigned byte from the message. */
static int
GetByte(StringInfo msg)
{
	NeedBytes(msg, 1);
	return pq_getmsgbyte(msg);
}

/* An unsigned 16- or 32-bit integer from the message. */
static unsigned int
GetInt(StringInfo msg, int bytes)
{
	NeedBytes(msg, bytes);
	return pq_getmsgint(msg, bytes);
}

/* A 64-bit integer from the message. */
static int64
GetInt64(StringInfo msg)
{
	NeedBytes(msg, 8);
	return pq_getmsgint64(msg);
}

/* A non-negative int64 from the message. */
static int64
GetCount(StringInfo msg)
{
	int64		v = GetInt64(msg);

	if (v < 0)
		Corrupt("negative count");
	return v;
}

/* A NUL-terminated string from the message, in the database encoding. */
static char *
GetString(StringInfo msg)
{
	if (memchr(msg->data + msg->cursor, '\0', msg->len - msg->cursor) == NULL)
		Corrupt("binary value ends early");
	return pstrdup(pq_getmsgstring(msg));
}

/*
 * Receives sketches sent by SendSketchList into a per-pair array of f
 * (version 2: no leads left out; diagonal: see PairOfKey).
 */
static void
RecvSketchList(StringInfo msg, Funnel *f, FunnelSketch **arr, int version, bool diagonal)
{
	int			n = f->nstages;
	int			count = GetInt(msg, 4);

	if (count < 0 || count > n * n)
		Corrupt("bad number of time-to-convert pairs");
	for (int p = 0; p < count; p++)
	{
		int			from = GetByte(msg);
		int			to = GetByte(msg);
		int			nb = GetInt(msg, 2);
		int64		earlier = version >= 3 ? GetCount(msg) : 0;
		int			last = -1;
		FunnelSketch *s;

		if (from >= n || to >= n || from > to || (from == to && !diagonal) ||
			(nb < 1 && earlier == 0) || nb > SKETCH_BUCKETS)
			Corrupt("bad time-to-convert pair");
		if (FunnelSketchOf(f, arr, from, to, false) != NULL)
			Corrupt("repeated time-to-convert pair");
		s = FunnelSketchOf(f, arr, from, to, true);
		s->earlier = (uint64) earlier;
		for (int k = 0; k < nb; k++)
		{
			int			b = GetInt(msg, 2);
			int64		c = GetInt64(msg);

			if (b >= SKETCH_BUCKETS || b <= last || c <= 0 || (uint64) c > BUCKET_COUNT_MAX)
				Corrupt("bad time-to-convert bucket");
			last = b;
			s->counts[b] = (uint64) c;
			s->total += (uint64) c;
		}
	}
}

PG_FUNCTION_INFO_V1(funnel_recv);
/* Binary input: validated like text input. */
Datum
funnel_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			version = (corrupt_errcode = ERRCODE_INVALID_BINARY_REPRESENTATION,
						   GetByte(msg));
	int			flags = GetByte(msg);
	int			n = GetByte(msg);
	int			noutcomes = GetByte(msg);
	int64		within = GetInt64(msg);
	int64		nleads;
	Funnel	   *f;

	CheckShape(version, flags, n, noutcomes);
	f = palloc(sizeof(Funnel));
	FunnelInit(f, CurrentMemoryContext, flags, n, noutcomes, within);
	f->within_secs = within;
	if (version >= 2 && (flags & FUNNEL_ENUM))
	{
		int			has_ladder = GetByte(msg);

		if (has_ladder > 1)
			Corrupt("bad ladder flag");
		if (has_ladder)
		{
			f->ladder = palloc0(sizeof(FunnelLadder));
			f->ladder->type_name = GetString(msg);
			for (int s = 0; s < n; s++)
				f->ladder->labels[s] = GetString(msg);
			if (noutcomes > 0)
			{
				f->ladder->nlisted = GetByte(msg);
				if (f->ladder->nlisted < 1 || f->ladder->nlisted > FUNNEL_MAX_STAGES - n)
					Corrupt("bad number of declared outcomes");
				for (int i = 0; i < f->ladder->nlisted; i++)
				{
					f->ladder->outcome_of[i] = GetByte(msg);
					f->ladder->outcome_labels[i] = GetString(msg);
				}
			}
		}
	}
	if (flags & FUNNEL_CALENDAR)
	{
		/* as work_calendar_recv checks binary input (22P03) */
		unsigned int len = GetInt(msg, 4);

		if (len < 1 || len > (unsigned int) (msg->len - msg->cursor))
			Corrupt("bad calendar length");
		FunnelSetCalendar(f, CalendarFromBinary(pq_getmsgbytes(msg, len), len));
	}
	if (flags & FUNNEL_AS_OF)
		f->as_of = GetInt64(msg);
	for (int s = 0; s < n; s++)
		f->reached[s] = GetCount(msg);
	for (int s = 0; s < n; s++)
		f->known[s] = GetCount(msg);
	for (int s = 0; s < n; s++)
		f->entered[s] = version >= 3 ? GetCount(msg) : f->known[s];
	for (int s = 0; s < n; s++)
		for (int o = 0; o < noutcomes; o++)
			f->exits[s][o] = GetCount(msg);
	if (version >= 2)
		for (int o = 0; o < noutcomes; o++)
			f->exits_before[o] = GetCount(msg);
	if (version < 3)
		MarkLegacy(f);

	RecvSketchList(msg, f, f->pairs, version, false);
	if (flags & FUNNEL_AS_OF)
	{
		RecvSketchList(msg, f, f->converted, version, false);
		RecvSketchList(msg, f, f->ages, version, true);
	}

	nleads = GetInt64(msg);
	if (nleads < 0 || nleads > (int64) (msg->len - msg->cursor) / (8 + 4 * f->nslots))
		Corrupt("bad number of open leads");
	for (int64 i = 0; i < nleads; i++)
	{
		uint64		hash = (uint64) GetInt64(msg);
		uint64		before = f->nleads;
		uint32	   *slots = FunnelLeadSlots(f, hash);

		if (f->nleads == before)
			Corrupt("repeated lead");
		for (int k = 0; k < f->nslots; k++)
			slots[k] = (uint32) GetInt(msg, 4);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (msg->cursor != msg->len)
		Corrupt("trailing bytes");
	FunnelValidate(f);
	PG_RETURN_POINTER(FunnelFlatten(f));
}
