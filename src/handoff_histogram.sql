-- ---------------------------------------------------------------------------
-- handoff_histogram: how speed-to-lead gaps spread against the SLA, for
-- handoff_svg (src/handoff_summary.c)
-- ---------------------------------------------------------------------------

-- Bins: upper edges 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 1 d,
-- 2 d, 3 d, 7 d, 14 d, 30 d and the SLA itself (each once, ascending); bin i
-- holds the gaps above bin_upper[i-1] (0 for the first) and at most
-- bin_upper[i]; the last bin, above the last edge, has a NULL upper edge.
CREATE TYPE handoff_histogram AS (
    sla interval,
    handoffs bigint,
    within_sla bigint,
    bin_upper interval[],
    counts bigint[]
);
COMMENT ON TYPE handoff_histogram IS
    'the gaps of handoff_histogram(): the SLA, the handoffs, those within the SLA, and per bin its upper edge (NULL: the open last bin) and its count';

-- handoff_summary's arguments, rules and state (transition, combine,
-- serialize and deserialize functions: src/handoff_summary.sql,
-- src/handoff_calendar.sql); only the final function differs.  The state
-- is internal, so Citus gathers the rows on the coordinator (or runs the
-- whole aggregate on a shard when the query groups by the distribution
-- column), as for the polymorphic handoff_summary.
CREATE FUNCTION handoff_histogram_final(internal) RETURNS handoff_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_histogram_final(internal) IS
    'handoff_histogram() final: walk each lead in time order, counting each gap in its bin';

CREATE AGGREGATE handoff_histogram(lead "any", at timestamptz, owner anyelement, sla interval) (
    SFUNC = handoff_summary_trans, STYPE = internal,
    FINALFUNC = handoff_histogram_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE handoff_histogram(lead "any", at timestamptz, owner anyelement, sla interval, to_owner anyelement) (
    SFUNC = handoff_summary_trans, STYPE = internal,
    FINALFUNC = handoff_histogram_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE handoff_histogram(lead "any", at timestamptz, owner anyelement, sla interval, to_owner anyelement,
                                   cal work_calendar) (
    SFUNC = handoff_summary_trans, STYPE = internal,
    FINALFUNC = handoff_histogram_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE handoff_histogram("any", timestamptz, anyelement, interval) IS
    'speed-to-lead gaps as handoff_summary counts them, in fixed bins (1 min to 30 days) and the SLA as a bin edge; handoffs and those within the SLA';
COMMENT ON AGGREGATE handoff_histogram("any", timestamptz, anyelement, interval, anyelement) IS
    'handoff_histogram counting only handoffs to one owner (e.g. into sales)';
COMMENT ON AGGREGATE handoff_histogram("any", timestamptz, anyelement, interval, anyelement, work_calendar) IS
    'handoff_histogram in working time: gaps and the SLA measured in the calendar''s working hours (one calendar per group); handoffs to to_owner only, or to every owner when it is NULL';
