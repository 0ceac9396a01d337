/*
 * spool.h
 *		A growing list of int64 values (gaps, stays) kept within a memory
 *		budget: past it the values go to a temporary file, and the k-th
 *		smallest is still found exactly (spool.c).
 */
#ifndef ALIGN_SPOOL_H
#define ALIGN_SPOOL_H

#include "postgres.h"

typedef struct Spool Spool;

/* A new, empty spool in the current memory context, holding at most budget bytes in memory. */
extern Spool *SpoolCreate(Size budget);

/* Appends a value. */
extern void SpoolAdd(Spool *s, int64 v);

/* The number of values. */
extern int64 SpoolCount(const Spool *s);

/* The k-th smallest value (0-based, k < SpoolCount); may be called many times. */
extern int64 SpoolSelect(Spool *s, int64 k);

/* True once values went to a temporary file. */
extern bool SpoolSpilled(const Spool *s);

/* Frees the spool and closes its file. */
extern void SpoolFree(Spool *s);

#endif							/* ALIGN_SPOOL_H */
