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
