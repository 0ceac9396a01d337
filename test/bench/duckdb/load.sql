-- DuckDB: the stage ladder and the events, loaded from the CSV that
-- test/bench.sh exports from bench_events (lead_id, stage label, at in whole
-- seconds since the epoch, UTC).  {{events}} is replaced by the file's path.
-- The stage is an ENUM in the order of align's lead_stage (the ladder
-- subscriber .. evangelist, then the outcomes), so that max(stage) is the
-- furthest stage and stage <= 'evangelist'::lead_stage selects the ladder, as
-- in PostgreSQL (cast the literal: against a plain string DuckDB compares the
-- stage as text).  The time is ts, a TIMESTAMP (UTC; "at" is a keyword in
-- DuckDB).  Rows stay in the exported order (the table's: time order).
CREATE TYPE lead_stage AS ENUM ('subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity',
                                'customer', 'evangelist', 'recycled', 'disqualified', 'lost', 'other');
CREATE TABLE ladder (rank INTEGER, stage lead_stage, team VARCHAR);
INSERT INTO ladder VALUES
    (1, 'subscriber', 'marketing'), (2, 'lead', 'marketing'), (3, 'mql', 'marketing'),
    (4, 'sal', 'sales'), (5, 'sql', 'sales'), (6, 'opportunity', 'sales'),
    (7, 'customer', 'success'), (8, 'evangelist', 'success');
CREATE TABLE events AS
SELECT lead_id, stage::lead_stage AS stage, epoch_ms(at_epoch * 1000) AS ts
FROM read_csv('{{events}}', header = false,
              columns = {'lead_id': 'BIGINT', 'stage': 'VARCHAR', 'at_epoch': 'BIGINT'});
