
-- ---------------------------------------------------------------------------
-- Handoff-gap window functions (src/window.c), used as
--   f(...) OVER (PARTITION BY lead ORDER BY at)
-- Like PostgreSQL's own lag() and row_number(), they are IMMUTABLE: the
-- result depends only on the rows of the window.  They are not STRICT:
-- NULL times and owners have their own meaning (see window.c).
-- ---------------------------------------------------------------------------

CREATE FUNCTION handoff_gap(at timestamptz, owner anyelement) RETURNS interval
    AS 'MODULE_PATHNAME', 'handoff_gap'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_gap(timestamptz, anyelement) IS
    'window function: on the first row of a new owner, at minus the previous owner''s last at; NULL on other rows. NULL owners are skipped; rows must be in time order';

CREATE FUNCTION time_in_stage(at timestamptz) RETURNS interval
    AS 'MODULE_PATHNAME', 'time_in_stage'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage(timestamptz) IS
    'window function: time until the next row of the partition; NULL on the last row; rows must be in time order';

CREATE FUNCTION time_in_stage(at timestamptz, as_of timestamptz) RETURNS interval
    AS 'MODULE_PATHNAME', 'time_in_stage'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage(timestamptz, timestamptz) IS
    'window function: time until the next row of the partition; on the last row, until as_of (NULL if as_of is before at); rows must be in time order';

CREATE FUNCTION sla_breached(at timestamptz, owner anyelement, sla interval) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sla_breached'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sla_breached(timestamptz, anyelement, interval) IS
    'window function: on a handoff row, whether handoff_gap exceeded sla; NULL on other rows';

CREATE FUNCTION sla_breached(at timestamptz, owner anyelement, sla interval, as_of timestamptz) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sla_breached'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sla_breached(timestamptz, anyelement, interval, timestamptz) IS
    'window function: like sla_breached(at, owner, sla), and the last row with an owner also judges the wait still open at as_of';

CREATE FUNCTION handoff_count(owner anyelement) RETURNS integer
    AS 'MODULE_PATHNAME', 'handoff_count'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_count(anyelement) IS
    'window function: ownership changes up to and including this row (0 on the first); NULL owners are skipped';
