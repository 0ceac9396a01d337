/*
 * interval_rule.h
 *		How align reads an interval argument (a conversion window, an SLA):
 *		one rule for every function.
 */
#ifndef ALIGN_INTERVAL_RULE_H
#define ALIGN_INTERVAL_RULE_H

#include "postgres.h"

#include "datatype/timestamp.h"

extern void IntervalSpan(const Interval *iv, int64 *days, int64 *usecs);
extern int64 IntervalArgMicroseconds(const Interval *iv, const char *what,
									 const char *hint);
extern Interval *MicrosecondsInterval(int64 us);

#endif							/* ALIGN_INTERVAL_RULE_H */
