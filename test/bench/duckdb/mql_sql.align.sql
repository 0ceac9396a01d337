-- (b) The median MQL -> SQL time, align: one funnel, read with
-- time_to_convert (first entries, both known, sql not earlier; a sketch with
-- at most 1 % relative error), in seconds.
-- needs: funnel(anyelement,lead_stage,timestamptz) time_to_convert
SELECT extract(epoch FROM time_to_convert(funnel(lead_id, stage, at), 'mql', 'sql', 0.5))::float8 AS median_secs
FROM bench_events;
