-- ---------------------------------------------------------------------------
-- window_funnel: furthest stage reached in order inside a window (src/window_funnel.c;
-- its state type and support functions: src/window_funnel_state.sql)
-- ---------------------------------------------------------------------------

CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage lead_stage) (
    SFUNC = window_funnel_trans, STYPE = window_funnel_state,
    FINALFUNC = window_funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage lead_stage, mode text) (
    SFUNC = window_funnel_trans, STYPE = window_funnel_state,
    FINALFUNC = window_funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage anyenum) (
    SFUNC = window_funnel_enum_trans, STYPE = internal,
    FINALFUNC = window_funnel_enum_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_enum_combine,
    SERIALFUNC = window_funnel_enum_serialize, DESERIALFUNC = window_funnel_enum_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage anyenum, mode text) (
    SFUNC = window_funnel_enum_trans, STYPE = internal,
    FINALFUNC = window_funnel_enum_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_enum_combine,
    SERIALFUNC = window_funnel_enum_serialize, DESERIALFUNC = window_funnel_enum_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, lead_stage) IS
    'per lead: furthest ladder stage reached in order, each step within the window of the chain''s first event';
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, lead_stage, text) IS
    'window_funnel with modes: strict, strict_order, strict_deduplication, strict_increase';
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, anyenum) IS
    'window_funnel over a custom enum ladder';
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, anyenum, text) IS
    'window_funnel over a custom enum ladder, with modes';
