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
    'values of an enum ladder that are outcomes (recycled, disqualified or lost), not stages: funnels and window_funnel over the enum count them as exits; written by the enum''s owner';

-- kept by pg_dump: the rows naming a value their enum still has
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ladder_outcome',
    'WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_enum e WHERE e.enumtypid OPERATOR(pg_catalog.=) ladder AND e.enumlabel OPERATOR(pg_catalog.=) label)');

-- everyone reads (and pg_dumps) it; a row is written only by a member of
-- the enum owner's role (a trigger, not row-level security, which would
-- make pg_dump fail for every role that is not a superuser)
CREATE FUNCTION ladder_outcome_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'ladder_outcome_guard' LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION ladder_outcome_guard() IS
    'ladder_outcome''s row trigger: only a member of the enum owner''s role adds, changes or deletes its rows (42501)';
CREATE TRIGGER ladder_outcome_guard BEFORE INSERT OR UPDATE OR DELETE ON ladder_outcome
    FOR EACH ROW EXECUTE FUNCTION @extschema@.ladder_outcome_guard();
GRANT SELECT, INSERT, UPDATE, DELETE ON ladder_outcome TO PUBLIC;
