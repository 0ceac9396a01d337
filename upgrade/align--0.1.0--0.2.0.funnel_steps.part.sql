
-- funnel_steps gained columns (observed, the previous stage, the leads its
-- times rest on, days, Wilson bounds) and an argument (observed_only).  A
-- function's arguments and columns cannot be altered, and dropping it would
-- fail on (or, with CASCADE, drop) the user's views that call it, so the
-- 0.1.0 functions step aside here, src/funnel_report.sql (next) declares the
-- new ones as the install script does, and align--0.1.0--0.2.0.funnel_steps
-- _after.part.sql moves the new definitions onto the old rows: same OIDs,
-- the views keep working (new columns come last, and the new argument has a
-- default).
ALTER FUNCTION funnel_steps(funnel) RENAME TO align_old_funnel_steps;
ALTER FUNCTION funnel_steps(funnel, anyenum) RENAME TO align_old_funnel_steps;
