-- (2) conversion: equal up to float rounding (1e-12 relative); median time:
-- within 1 % of the exact percentile_cont, or 1 second (align keeps whole
-- seconds), whichever is larger.
SELECT p.from_stage AS p_from, p.to_stage AS p_to, a.from_stage AS a_from, a.to_stage AS a_to,
       p.conversion AS p_conversion, a.conversion AS a_conversion,
       p.median_time AS p_median, a.median_time AS a_median
FROM bench_plain p FULL JOIN bench_align a USING (from_stage, to_stage)
WHERE p.from_stage IS NULL OR a.from_stage IS NULL
   OR (p.conversion IS NULL) <> (a.conversion IS NULL)
   OR abs(p.conversion - a.conversion) > 1e-12 * abs(p.conversion)
   OR (p.median_time IS NULL) <> (a.median_time IS NULL)
   OR abs(extract(epoch FROM a.median_time) - extract(epoch FROM p.median_time))
      > greatest(0.01 * abs(extract(epoch FROM p.median_time)), 1);
