-- Context for (3)-(4): the same window over each lead's history with the
-- cheapest window function, row_number(): what any lag/lead or align window
-- formulation pays for ordering the rows (here an index-only scan or a sort)
-- and running the WindowAgg node, before computing anything.
SELECT count(n)
FROM (SELECT row_number() OVER (PARTITION BY lead_id ORDER BY at, stage) AS n
      FROM bench_events) s;
