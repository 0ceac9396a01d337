# align: PGXS build.  The install script align--<version>.sql is generated
# from the SQL declarations that sit next to the C they declare (src/*.sql),
# in the order listed in SQL_PARTS.  The version comes from align.control.

EXTENSION = align
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = align
OBJS = \
	src/stage.o \
	src/try_stage.o \
	src/settings.o \
	src/plan_cost.o \
	src/memory.o \
	src/key_hash.o \
	src/interval_rule.o \
	src/callerless.o \
	src/stage_map.o \
	src/ladder_outcome.o \
	src/funnel.o \
	src/funnel_io.o \
	src/funnel_agg.o \
	src/funnel_access.o \
	src/window_funnel.o \
	src/window.o \
	src/handoff_summary.o \
	src/handoff_state.o \
	src/spill.o \
	src/spool.o \
	src/calendar.o \
	src/conversion_curve.o \
	src/pipeline.o \
	src/attribution.o \
	src/engagement.o \
	src/svg.o \
	src/funnel_svg.o \
	src/handoff_svg.o

SQL_PARTS = \
	src/header.sql \
	src/plan_cost.sql \
	src/stage.sql \
	src/try_stage.sql \
	src/ladder_outcome.sql \
	src/funnel.sql \
	src/funnel_report.sql \
	src/window_funnel_state.sql \
	src/window_funnel_enum.sql \
	src/window_funnel.sql \
	src/window.sql \
	src/handoff_summary.sql \
	src/handoff_state.sql \
	src/quantiles.sql \
	src/window_hours.sql \
	src/enum_stays.sql \
	src/calendar.sql \
	src/window_calendar.sql \
	src/handoff_calendar.sql \
	src/funnel_calendar.sql \
	src/funnel_as_of.sql \
	src/pipeline.sql \
	src/attribution.sql \
	src/engagement.sql \
	src/handoff_histogram.sql \
	src/svg.sql \
	src/callerless.sql

# The update script from 0.1.0 (while 0.2.0 is unreleased): its own part,
# then the declarations 0.2.0 added whole, from src/ as the install script.
UPDATE_0_2_0_PARTS = \
	upgrade/$(EXTENSION)--0.1.0--0.2.0.part.sql \
	upgrade/$(EXTENSION)--0.1.0--0.2.0.funnel_steps.part.sql \
	src/funnel_report.sql \
	upgrade/$(EXTENSION)--0.1.0--0.2.0.funnel_steps_after.part.sql \
	src/window_funnel_state.sql \
	src/window_funnel_enum.sql \
	upgrade/$(EXTENSION)--0.1.0--0.2.0.window_funnel.part.sql \
	src/handoff_state.sql \
	src/quantiles.sql \
	src/window_hours.sql \
	src/enum_stays.sql \
	src/calendar.sql \
	src/handoff_calendar.sql \
	src/funnel_calendar.sql \
	src/funnel_as_of.sql \
	src/callerless.sql \
	src/try_stage.sql \
	src/ladder_outcome.sql \
	src/window_calendar.sql \
	src/pipeline.sql \
	src/attribution.sql \
	src/engagement.sql \
	src/handoff_histogram.sql \
	src/svg.sql

DATA_built = $(EXTENSION)--$(EXTVERSION).sql $(EXTENSION)--0.1.0--0.2.0.sql
# upgrade/: update scripts align--A--B.sql, and the install script of the
# oldest release still supported (align--A.sql), for test/upgrade.sh.
DATA = $(filter-out %.part.sql,$(wildcard upgrade/$(EXTENSION)--*.sql))

# pg_regress: every sql/NAME.sql is a test, run in name order.
REGRESS = $(sort $(patsubst sql/%.sql,%,$(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -Wno-sign-compare

EXTRA_CLEAN = $(DATA_built) results regression.diffs regression.out

PG_CONFIG ?= $(shell test -x /usr/lib/postgresql/15/bin/pg_config && echo /usr/lib/postgresql/15/bin/pg_config || echo pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track headers: every object depends on all of ours.
$(OBJS): $(wildcard src/*.h)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) $(EXTENSION).control
	cat $(SQL_PARTS) > $@

$(EXTENSION)--0.1.0--0.2.0.sql: $(UPDATE_0_2_0_PARTS)
	cat $(UPDATE_0_2_0_PARTS) > $@

.PHONY: demo test bench
demo:
	bash test/demo.sh
test:
	bash test/check.sh
bench:
	bash test/bench.sh
