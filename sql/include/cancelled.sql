-- Runs a statement; says whether statement_timeout cancelled it within a
-- second of the statement's start.  A run in which the server's timer did
-- not fire at all was seen once in dozens: callers retry each case once, as
-- a new statement, so "finished" means align never noticed the cancel.
CREATE FUNCTION pg_temp.cancelled(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'finished';
EXCEPTION WHEN query_canceled THEN
    RETURN format('%s, cancelled within a second: %s', SQLSTATE,
                  clock_timestamp() - statement_timestamp() < interval '1 second');
END $$;
