/*
 * settings.h
 *		align's settings (GUCs), defined in settings.c when the library loads.
 */
#ifndef ALIGN_SETTINGS_H
#define ALIGN_SETTINGS_H

/* align.partial_merge_cost: see plan_cost.c */
extern double align_partial_merge_cost;

#endif							/* ALIGN_SETTINGS_H */
