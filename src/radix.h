/*
 * radix.h
 *		One stable pass of an LSD radix sort on a 64-bit hash, for the arrays
 *		of records the aggregates sort by lead (funnel.c, handoff_summary.c).
 */
#ifndef ALIGN_RADIX_H
#define ALIGN_RADIX_H

#include "postgres.h"

#include "miscadmin.h"

#define RADIX_BITS	11
#define RADIX_SIZE	(1 << RADIX_BITS)

/*
 * Defines static void name(const type *src, type *dst, uint64 n, int shift):
 * a stable counting sort of src into dst by RADIX_BITS bits of the uint64
 * member field, starting at bit shift.
 */
#define RADIX_PASS_DEFINE(name, type, field) \
static void \
name(const type *src, type *dst, uint64 n, int shift) \
{ \
	uint64		count[RADIX_SIZE + 1]; \
\
	memset(count, 0, sizeof(count)); \
	for (uint64 i = 0; i < n; i++) \
		count[((src[i].field >> shift) & (RADIX_SIZE - 1)) + 1]++; \
	for (int b = 0; b < RADIX_SIZE; b++) \
		count[b + 1] += count[b]; \
	for (uint64 i = 0; i < n; i++) \
	{ \
		dst[count[(src[i].field >> shift) & (RADIX_SIZE - 1)]++] = src[i]; \
		if ((i & 0xFFFFF) == 0) \
			CHECK_FOR_INTERRUPTS(); \
	} \
}

#endif							/* ALIGN_RADIX_H */
