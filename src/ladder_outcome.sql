-- ---------------------------------------------------------------------------
-- ladder_outcome: the values of an enum ladder that are outcomes (exits),
-- not stages (src/ladder_outcome.c, read by src/stage_map.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION ladder_outcome_valid(ladder regtype, label text, outcome lead_stage) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ladder_outcome_valid' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ladder_outcome_valid(regtype, text, lead_stage) IS
    'ladder_outcome''s check: true when ladder is an enum, label one of its values and outcome recycled, disqualified or lost; else an error saying which';

CREATE TABLE ladder_outcome (
    ladder regtype NOT NULL,
    label text NOT NULL,
    outcome lead_stage NOT NULL,
    PRIMARY KEY (ladder, label),
    CONSTRAINT ladder_outcome_valid CHECK (@extschema@.ladder_outcome_valid(ladder, label, outcome))
);
COMMENT ON TABLE ladder_outcome IS
    'values of an enum ladder that are outcomes (recycled, disqualified or lost), not stages: funnels and window_funnel over the enum count them as exits; writable by the enum''s owner';

-- kept by pg_dump (the rows of enums that still exist)
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ladder_outcome',
    'WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_type t WHERE t.oid OPERATOR(pg_catalog.=) ladder)');

-- everyone reads; a row is written only by a member of the enum's owner role
ALTER TABLE ladder_outcome ENABLE ROW LEVEL SECURITY;
CREATE POLICY ladder_outcome_read ON ladder_outcome FOR SELECT USING (true);
CREATE POLICY ladder_outcome_write ON ladder_outcome FOR ALL
    USING (pg_catalog.pg_has_role((SELECT t.typowner FROM pg_catalog.pg_type t
                                   WHERE t.oid OPERATOR(pg_catalog.=) ladder), 'USAGE'))
    WITH CHECK (pg_catalog.pg_has_role((SELECT t.typowner FROM pg_catalog.pg_type t
                                        WHERE t.oid OPERATOR(pg_catalog.=) ladder), 'USAGE'));
GRANT SELECT, INSERT, UPDATE, DELETE ON ladder_outcome TO PUBLIC;
