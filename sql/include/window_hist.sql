-- The generated histories of sql/window.sql (its comment above \i says what
-- they contain), also the data on which sql/window_calendar.sql checks that
-- a 24/7 calendar gives exactly the wall-clock answers: the table hist.
SELECT setseed(0.31);
CREATE TABLE hist AS
WITH leads AS (
    SELECT l, CASE WHEN random() < 0.17 THEN 1 ELSE 1 + floor(random() * 12)::int END AS n
    FROM generate_series(1, 4000) AS l
)
SELECT l AS lead,
       CASE WHEN random() < 0.04 THEN NULL
            ELSE timestamptz '2026-01-01 00:00+00' + floor(random() * 60) * interval '1 hour'
       END AS at,
       CASE WHEN random() < 0.10 THEN NULL
            ELSE (ARRAY['marketing', 'sales', 'success'])[1 + floor(random() * 3)::int]
       END AS owner,
       CASE l % 4 WHEN 0 THEN interval '3 hours' WHEN 1 THEN interval '12 hours'
                  WHEN 2 THEN interval '1 day 1 hour' ELSE NULL END AS sla,
       CASE WHEN l % 10 = 0 THEN NULL ELSE timestamptz '2026-01-03 06:00+00' END AS as_of,
       random() AS r
FROM leads, generate_series(1, n) AS k;
ALTER TABLE hist ADD COLUMN seq int, ADD COLUMN pos int;
UPDATE hist SET seq = s.seq
FROM (SELECT ctid, row_number() OVER (ORDER BY r) AS seq FROM hist) s WHERE hist.ctid = s.ctid;
UPDATE hist SET pos = s.pos
FROM (SELECT seq, row_number() OVER (PARTITION BY lead ORDER BY at, seq) AS pos FROM hist) s
WHERE hist.seq = s.seq;
ALTER TABLE hist ADD PRIMARY KEY (seq);
ALTER TABLE hist ADD COLUMN owner_i int, ADD COLUMN owner_stage lead_stage;
UPDATE hist SET owner_i = CASE owner WHEN 'marketing' THEN 1 WHEN 'sales' THEN 2 WHEN 'success' THEN 3 END,
                owner_stage = CASE owner WHEN 'marketing' THEN 'mql' WHEN 'sales' THEN 'opportunity'
                                         WHEN 'success' THEN 'customer' END::lead_stage;
ANALYZE hist;
