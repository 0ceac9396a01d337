-- (a) exact: the same stages with the same counts.
(SELECT 'duckdb only' AS side, * FROM (SELECT * FROM duck_reached EXCEPT ALL SELECT * FROM align_reached))
UNION ALL
(SELECT 'align only' AS side, * FROM (SELECT * FROM align_reached EXCEPT ALL SELECT * FROM duck_reached));
