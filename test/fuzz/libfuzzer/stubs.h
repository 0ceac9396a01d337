/*
 * stubs.h
 *		What harness.c needs from stubs.c.
 */
#ifndef ALIGN_FUZZ_STUBS_H
#define ALIGN_FUZZ_STUBS_H

#include <setjmp.h>

extern sigjmp_buf *stub_error_jmp;	/* where ereport(ERROR) jumps */
extern int	stub_errors;			/* ERRORs raised so far */

/* Raises an ERROR: jumps to stub_error_jmp. */
extern void StubError(const char *what) pg_attribute_noreturn();

/* Starts a new statement (GetCurrentStatementStartTimestamp): one per input. */
extern void StubNewStatement(void);

/* Frees everything palloc'd since the last reset. */
extern void StubResetMemory(void);

#endif
