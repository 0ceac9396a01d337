-- (8) Pipeline snapshot, plain SQL: leads in each stage at the end of every
-- week of 2026 (52 grid points, Mondays 00:00 UTC).  The faster of the two
-- forms analysts write: each lead's events become stage intervals
-- [at, next event) with lead(); each interval emits the grid points it
-- covers (generate_series from its first grid point on), so no date is
-- joined to every lead.  Ties at one time: ladder order (ORDER BY at, stage),
-- the highest stage last.  Outcomes are states too.
SELECT g AS at, stage::text AS stage, count(*) AS in_stage
FROM (SELECT stage, at, lead(at) OVER (PARTITION BY lead_id ORDER BY at, stage) AS next_at
      FROM bench_events) iv
CROSS JOIN LATERAL generate_series(
    timestamptz '2026-01-05 00:00+00'
      + interval '1 week' * greatest(0, ceil(extract(epoch FROM iv.at - timestamptz '2026-01-05 00:00+00') / 604800)),
    least(iv.next_at - interval '1 microsecond', timestamptz '2026-12-28 00:00+00'),
    interval '1 week') AS g
GROUP BY 1, 2
ORDER BY 1, 2;
