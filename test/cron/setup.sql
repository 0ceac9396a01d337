-- Scheduled refresh with pg_cron (README, "Scheduled refresh with pg_cron"):
-- the daily-funnel materialized view, refreshed CONCURRENTLY every minute
-- by pg_cron while new events arrive.  Run by test/cron.sh in the database
-- named by cron.database_name.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION align;
CREATE EXTENSION pg_cron;

CREATE TABLE stage_history (lead_id bigint, stage lead_stage, at timestamptz, channel text);

CREATE MATERIALIZED VIEW daily_funnels AS
SELECT date_trunc('day', first_at) AS day, channel, funnel(lead_id, stage, at) AS f
FROM stage_history JOIN (SELECT lead_id, min(at) AS first_at FROM stage_history GROUP BY 1) c USING (lead_id)
GROUP BY 1, 2;
CREATE UNIQUE INDEX ON daily_funnels (day, channel);   -- REFRESH ... CONCURRENTLY needs it

SELECT cron.schedule('refresh-daily-funnels', '* * * * *',
                     'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_funnels');
