-- ---------------------------------------------------------------------------
-- try_stage: the stage a CRM label names, or NULL (src/try_stage.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION try_stage(label text) RETURNS lead_stage
    AS 'MODULE_PATHNAME', 'try_stage' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION try_stage(label text, ladder lead_stage) RETURNS lead_stage
    AS 'MODULE_PATHNAME', 'try_stage' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION try_stage(label text, ladder anyelement) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'try_stage_enum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION try_stage(label text, ladder text) RETURNS lead_stage
    AS 'MODULE_PATHNAME', 'try_stage_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION try_stage(text) IS
    'the lead_stage a CRM label names (as lead_stage input reads it), or NULL when it names none';
COMMENT ON FUNCTION try_stage(text, lead_stage) IS
    'try_stage(label, NULL::lead_stage): the lead_stage a CRM label names, or NULL';
COMMENT ON FUNCTION try_stage(text, anyelement) IS
    'try_stage(label, NULL::my_enum): the value of an enum ladder a label names (case, spaces, "_" and "-" ignored), or NULL';
COMMENT ON FUNCTION try_stage(text, text) IS
    'an error saying that the second argument names a ladder: NULL::my_enum (catches an untyped NULL)';
