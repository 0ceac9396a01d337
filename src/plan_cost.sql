-- ---------------------------------------------------------------------------
-- planner support: what merging a partial state costs (src/plan_cost.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION align_partial_merge_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION align_partial_merge_support(internal) IS
    'planner support of the funnel, handoff_summary, stage_stays and window_funnel combine functions: merging a partial state costs about what reading its rows did (align.partial_merge_cost)';

