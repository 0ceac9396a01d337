-- Objects that keep align values on disk, for test/dump_restore.sh and
-- test/upgrade.sh: lead_stage columns (plain, array, enum alongside, with a
-- default, a check and btree and hash indexes), stored funnels (lead_stage
-- and enum, with and without a window), materialized views and views over
-- the aggregates, accessors and window functions.  Deterministic.
SET client_min_messages = warning;

CREATE TYPE crm_stage AS ENUM ('visit', 'signup', 'trial', 'paid');

CREATE TABLE stage_history (
    id bigint PRIMARY KEY,
    lead_id bigint NOT NULL,
    stage lead_stage NOT NULL DEFAULT 'lead' CHECK (stage <> 'other'),
    crm crm_stage,
    at timestamptz,
    owner text,
    channel text,
    path lead_stage[]
);
INSERT INTO stage_history
SELECT row_number() OVER (), l,
       (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist',
              'recycled', 'disqualified', 'lost'])[1 + (l + i * 2) % 11]::lead_stage,
       (enum_range(NULL::crm_stage))[1 + (l + i) % 4],
       CASE WHEN l % 41 = 0 THEN NULL
            ELSE timestamptz '2026-01-01 00:00+00' + l * interval '53 minutes' + i * (l % 13) * interval '5 hours' END,
       'rep' || (l * 3 + i) % 5,
       (ARRAY['organic', 'paid', 'events'])[1 + l % 3],
       ARRAY['lead', 'mql', (ARRAY['sal', 'sql', 'lost'])[1 + l % 3]]::lead_stage[]
FROM generate_series(1, 400) AS l, generate_series(1, 1 + l % 5) AS i;
CREATE INDEX stage_history_stage ON stage_history (stage);
CREATE INDEX stage_history_stage_hash ON stage_history USING hash (stage);

CREATE TABLE daily_funnel (
    day date PRIMARY KEY,
    f funnel NOT NULL,
    f_within funnel,
    f_enum funnel,
    f_counts funnel
);
INSERT INTO daily_funnel
SELECT at::date, funnel(lead_id, stage, at), funnel(lead_id, stage, at, '3 days'),
       funnel(lead_id, crm, at), funnel(stage)
FROM stage_history WHERE at IS NOT NULL GROUP BY 1;

CREATE MATERIALIZED VIEW funnel_by_channel AS
SELECT channel, funnel(lead_id, stage, at) AS f,
       reached(funnel(lead_id, stage, at), 'mql') AS mqls,
       conversion(funnel(lead_id, stage, at), 'lead', 'customer') AS lead_to_customer,
       max(stage) AS furthest
FROM stage_history GROUP BY channel;
CREATE UNIQUE INDEX funnel_by_channel_channel ON funnel_by_channel (channel);

CREATE VIEW handoffs AS
SELECT lead_id, at, stage, stage_rank(stage) AS rank, stage_team(stage) AS team,
       handoff_gap(at, owner) OVER w AS gap,
       time_in_stage(at, timestamptz '2027-01-01') OVER w AS in_stage,
       sla_breached(at, owner, interval '1 day') OVER w AS breached,
       handoff_count(owner) OVER w AS handoffs
FROM stage_history
WINDOW w AS (PARTITION BY lead_id ORDER BY at NULLS LAST, id);

-- a view over funnel_steps: it must survive the update (0.2.0 added
-- columns and an argument with a default)
CREATE VIEW daily_steps AS
SELECT day, s.* FROM daily_funnel, funnel_steps(f) s;

-- handoff_summary and stage_stays stored (their composite types gained
-- columns in 0.2.0: a stored value keeps its columns, the new ones read
-- NULL until the view is refreshed) and in views that spread them into
-- columns (which keep the columns they had)
CREATE MATERIALIZED VIEW handoff_report AS
SELECT channel, handoff_summary(lead_id, at, owner, interval '1 day') AS s,
       stage_stays(lead_id, at, stage) AS stays
FROM stage_history GROUP BY channel;
CREATE VIEW handoff_columns AS
SELECT channel, (s).* FROM (SELECT channel, handoff_summary(lead_id, at, owner, interval '1 day') AS s
                            FROM stage_history GROUP BY channel) x;
CREATE VIEW stay_columns AS
SELECT (unnest(stage_stays(lead_id, at, stage))).* FROM stage_history;

CREATE VIEW lead_progress AS
SELECT lead_id, window_funnel(interval '7 days', at, stage, 'strict_order') AS furthest
FROM stage_history GROUP BY lead_id;
