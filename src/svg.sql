-- ---------------------------------------------------------------------------
-- Pictures: funnel_svg and handoff_svg, self-contained SVG documents
-- (src/svg.c, src/funnel_svg.c, src/handoff_svg.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION funnel_svg(f funnel, options jsonb DEFAULT '{}')
    RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION funnel_svg(funnel, jsonb) IS
    'the funnel as a self-contained SVG document: per ladder stage a bar as wide as its leads, the count, the conversion from the previous stage, the median time between them and the exits; options: title, width (320 to 4000 pixels), stages ("all" or "observed"), colors (by team, stage label, "stage" or "exits")';

CREATE FUNCTION handoff_svg(h handoff_histogram, options jsonb DEFAULT '{}')
    RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION handoff_svg(handoff_histogram, jsonb) IS
    'speed to lead as a self-contained SVG document: the gaps of handoff_histogram() per bin, within the SLA and over it, a line at the SLA and the share within it; options: title, width (320 to 4000 pixels), colors ("within", "breached")';
